//! Twitch: credentials in the token request body, `scope` answered as a JSON array, errors
//! as `{"status": 400, "message": "..."}`, and Helix API calls that need the app's
//! `Client-Id` header besides the token; the user is `data[0]`.

use super::preset_client::{
    ApiProfile, PresetClient, preset_builder, required_id, required_object, text,
};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Twitch preset. `id.twitch.tv` (the web host) serves `/oauth2/authorize` and
/// `/oauth2/token`, `api.twitch.tv` (the API host) serves `/helix/users`.
///
/// ```
/// let twitch = coauth_core::presets::Twitch::new("client-id", "client-secret").build();
/// # let _ = twitch;
/// ```
#[derive(Debug, Clone)]
pub struct Twitch {
    client: PresetClient,
}

preset_builder!(Twitch, "Twitch", web: "https://id.twitch.tv", api: "https://api.twitch.tv");

impl Twitch {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/oauth2/authorize"),
            &client.web("/oauth2/token"),
            &["user:read:email"],
            ClientAuth::Post,
            false,
        )?;
        let users = client.api_endpoint("/helix/users")?;
        let client_id = client.id.clone();
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                ApiRequest::get(&users)
                    .bearer(credentials)
                    .header("client-id", &client_id)
            },
            map_profile,
        );
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    answer: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let data = required_object(answer, "/data/0", "Twitch")?;
    let login = text(&data, "/login");
    let user = User {
        id: required_id(&data, "/id", "Twitch")?,
        name: text(&data, "/display_name").or_else(|| login.clone()),
        email: text(&data, "/email"),
        email_verified: None,
        avatar_url: text(&data, "/profile_image_url"),
        profile_url: login
            .as_ref()
            .map(|login| format!("https://www.twitch.tv/{login}")),
        username: login,
    };
    Ok((user, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn user_is_the_first_of_data() {
        let credentials = test_credentials("t", json!({}));
        let (user, _) = map_profile(
            json!({"data": [{"id": "141981764", "login": "twitchdev", "display_name": "TwitchDev"}]}),
            &credentials,
        )
        .unwrap();
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.twitch.tv/twitchdev")
        );
        assert!(map_profile(json!({"data": []}), &credentials).is_err());
    }
}
