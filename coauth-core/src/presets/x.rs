//! X (Twitter) OAuth 2.0: PKCE is required, confidential clients authenticate with HTTP
//! Basic and must send `client_id` in the body as well, and the profile is wrapped in
//! `data`. X gives no email through this API.

use super::preset_client::{
    ApiProfile, PresetClient, preset_builder, required_id, required_object, text,
};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The X OAuth 2.0 preset (for OAuth 1.0a see the Twitter preset). The authorize page is on
/// `x.com` (the web host), the token endpoint and `/2/users/me` on `api.x.com` (the API
/// host).
///
/// ```
/// let x = coauth_core::presets::X::new("client-id", "client-secret").build();
/// # let _ = x;
/// ```
#[derive(Debug, Clone)]
pub struct X {
    client: PresetClient,
}

preset_builder!(X, "X", web: "https://x.com", api: "https://api.x.com");

impl X {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let mut config = client.config(
            &client.web("/i/oauth2/authorize"),
            &client.api("/2/oauth2/token"),
            &["users.read", "tweet.read"],
            ClientAuth::Basic,
            true,
        )?;
        // users.read needs tweet.read as well.
        config.client_id_in_body = true;
        let me = client.api_endpoint("/2/users/me")?;
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                Ok(ApiRequest::get(&me)
                    .bearer(credentials)
                    .query("user.fields", "profile_image_url"))
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
    let data = required_object(answer, "/data", "X")?;
    let username = text(&data, "/username");
    let user = User {
        id: required_id(&data, "/id", "X")?,
        name: text(&data, "/name"),
        email: None,
        email_verified: None,
        avatar_url: text(&data, "/profile_image_url"),
        profile_url: username
            .as_ref()
            .map(|name| format!("https://x.com/{name}")),
        username,
    };
    Ok((user, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn profile_is_under_data() {
        let (user, profile) = map_profile(
            json!({"data": {"id": "2244994945", "name": "X Dev", "username": "XDevelopers"}}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.id, "2244994945");
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://x.com/XDevelopers")
        );
        assert_eq!(profile["username"], "XDevelopers");
        let error = map_profile(json!({"errors": []}), &test_credentials("t", json!({})));
        assert_eq!(error.unwrap_err().code(), "ProviderError");
    }
}
