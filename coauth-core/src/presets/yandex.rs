//! Yandex ID: PKCE, HTTP Basic at the token endpoint, the profile at `login.yandex.ru/info`
//! with the token in Yandex's own `Authorization: OAuth <token>` scheme, and the picture
//! built from `default_avatar_id` unless `is_avatar_empty`.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Yandex preset. `oauth.yandex.ru` (the web host) serves `/authorize` and `/token`,
/// `login.yandex.ru` (the API host) serves `/info`. The scopes are the app's (set when it
/// was registered); none is sent unless the client asks.
///
/// ```
/// let yandex = coauth_core::presets::Yandex::new("client-id", "client-secret").build();
/// # let _ = yandex;
/// ```
#[derive(Debug, Clone)]
pub struct Yandex {
    client: PresetClient,
}

preset_builder!(Yandex, "Yandex", web: "https://oauth.yandex.ru", api: "https://login.yandex.ru");

impl Yandex {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/authorize"),
            &client.web("/token"),
            &[],
            ClientAuth::Basic,
            true,
        )?;
        let info = client.api_endpoint("/info")?;
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                Ok(ApiRequest::get(&info)
                    .authorization("OAuth", credentials)
                    .query("format", "json"))
            },
            map_profile,
        );
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let user = User {
        id: required_id(&profile, "/id", "Yandex")?,
        name: text(&profile, "/display_name").or_else(|| text(&profile, "/real_name")),
        email: text(&profile, "/default_email").or_else(|| text(&profile, "/emails/0")),
        email_verified: None,
        avatar_url: avatar_url(&profile),
        profile_url: None,
        username: text(&profile, "/login"),
    };
    Ok((user, profile))
}

/// `https://avatars.yandex.net/get-yapic/{default_avatar_id}/islands-200`, unless the user
/// has no picture of their own.
pub(crate) fn avatar_url(profile: &serde_json::Value) -> Option<String> {
    if profile.get("is_avatar_empty") == Some(&serde_json::Value::Bool(true)) {
        return None;
    }
    text(profile, "/default_avatar_id")
        .map(|id| format!("https://avatars.yandex.net/get-yapic/{id}/islands-200"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn avatar_unless_empty() {
        let profile = json!({"default_avatar_id": "131652443/kJGIZX9C3GZZ9RhTmORXxl2D0-1",
                             "is_avatar_empty": false});
        assert_eq!(
            avatar_url(&profile).as_deref(),
            Some(
                "https://avatars.yandex.net/get-yapic/131652443/kJGIZX9C3GZZ9RhTmORXxl2D0-1/islands-200"
            )
        );
        let empty = json!({"default_avatar_id": "0/0-0", "is_avatar_empty": true});
        assert_eq!(avatar_url(&empty), None);
    }

    #[test]
    fn names_and_emails_fall_back() {
        let (user, _) = map_profile(
            json!({"id": "1000034426", "login": "ivan", "real_name": "Ivan Ivanov",
                   "emails": ["ivan@yandex.ru"]}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Ivan Ivanov"));
        assert_eq!(user.email.as_deref(), Some("ivan@yandex.ru"));
    }
}
