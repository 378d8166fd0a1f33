//! VK (the legacy OAuth of vk.com): every API call names an API version (`v=`), scopes are
//! comma-separated, the user's `email` and `user_id` arrive only in the token answer, and
//! API errors come with HTTP 200 as `{"error": {"error_code", "error_msg"}}`. For the newer
//! VK ID see [`super::VkId`].

use super::preset_client::{
    ApiProfile, PresetClient, full_name, preset_builder, required_id, required_object, text,
};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error, Secret};

/// The VK API version the preset asks for unless told otherwise.
pub const VK_API_VERSION: &str = "5.199";

/// The VK preset. `oauth.vk.ru` (the web host) serves `/authorize` and `/access_token`,
/// `api.vk.ru` (the API host) serves `/method/users.get`.
///
/// ```
/// let vk = coauth_core::presets::Vk::new("app-id", "secure-key").build();
/// # let _ = vk;
/// ```
#[derive(Debug, Clone)]
pub struct Vk {
    client: PresetClient,
    version: String,
}

preset_builder!(Vk, "VK");

impl Vk {
    /// VK with the app's id and secure key.
    pub fn new(app_id: impl Into<String>, secure_key: impl Into<Secret>) -> Self {
        Vk {
            client: PresetClient::new(
                app_id,
                secure_key,
                "https://oauth.vk.ru",
                "https://api.vk.ru",
            ),
            version: VK_API_VERSION.into(),
        }
    }

    /// Another API version, e.g. `"5.131"`.
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let mut config = client.config(
            &client.web("/authorize"),
            &client.web("/access_token"),
            &["email"],
            ClientAuth::Post,
            false,
        )?;
        config.scope_separator = ",";
        config.extra_authorize_params = vec![
            ("display".into(), "popup".into()),
            ("v".into(), self.version.clone()),
        ];
        let users_get = client.api_endpoint("/method/users.get")?;
        let version = self.version;
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                Ok(ApiRequest::get(&users_get)
                    .query("fields", "photo_100,screen_name")
                    .query("v", &version)
                    .query("access_token", credentials.access_token.expose()))
            },
            map_profile,
        );
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    answer: serde_json::Value,
    credentials: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let mut profile = required_object(answer, "/response/0", "VK")?;
    let id = required_id(&profile, "/id", "VK")?;
    let token = serde_json::Value::Object(credentials.extra.clone());
    if text(&token, "/user_id").is_some_and(|token_user| token_user != id) {
        return Err(Error::Provider(
            "VK's token and profile name different users".into(),
        ));
    }
    // The email is only in the token answer: keep it with the profile for `fields`.
    let email = text(&token, "/email");
    if let (Some(email), Some(object)) = (&email, profile.as_object_mut()) {
        object.insert("email".into(), email.clone().into());
    }
    let screen_name = text(&profile, "/screen_name");
    let user = User {
        name: full_name(text(&profile, "/first_name"), text(&profile, "/last_name")),
        email,
        email_verified: None,
        avatar_url: text(&profile, "/photo_100"),
        profile_url: Some(format!(
            "https://vk.com/{}",
            screen_name.clone().unwrap_or_else(|| format!("id{id}"))
        )),
        username: screen_name,
        id,
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    fn users_get() -> serde_json::Value {
        json!({"response": [{"id": 66748, "first_name": "Pavel", "last_name": "Durov",
                             "screen_name": "durov", "photo_100": "https://vk.example/p.jpg"}]})
    }

    #[test]
    fn email_and_user_id_come_from_the_token_answer() {
        let credentials = test_credentials("t", json!({"user_id": 66748, "email": "p@x.test"}));
        let (user, profile) = map_profile(users_get(), &credentials).unwrap();
        assert_eq!(user.id, "66748");
        assert_eq!(user.name.as_deref(), Some("Pavel Durov"));
        assert_eq!(user.email.as_deref(), Some("p@x.test"));
        assert_eq!(user.profile_url.as_deref(), Some("https://vk.com/durov"));
        assert_eq!(profile["email"], "p@x.test");
    }

    #[test]
    fn a_token_for_another_user_is_refused() {
        let credentials = test_credentials("t", json!({"user_id": 1}));
        assert_eq!(
            map_profile(users_get(), &credentials).unwrap_err().code(),
            "ProviderError"
        );
        assert!(map_profile(json!({"response": []}), &credentials).is_err());
    }
}
