//! VK ID (OAuth 2.1 at id.vk.ru): a public client, so PKCE is mandatory and no secret is
//! sent; the redirect carries a `device_id` that the token request must repeat (with the
//! `state`); the profile is a `POST` to `/oauth2/user_info` with the token and the client id
//! in the form, answered as `{"user": {...}}`.

use super::preset_client::{
    ApiProfile, PresetClient, full_name, preset_builder, required_id, required_object, text,
};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error, Secret};

/// The VK ID preset. `id.vk.ru` serves everything: the web host `/authorize`, the API host
/// `/oauth2/auth` (tokens) and `/oauth2/user_info`.
///
/// ```
/// let vk_id = coauth_core::presets::VkId::new("app-id").build();
/// # let _ = vk_id;
/// ```
#[derive(Debug, Clone)]
pub struct VkId {
    client: PresetClient,
}

preset_builder!(VkId, "VK ID");

impl VkId {
    /// VK ID with the app's id. The code exchange is a public-client PKCE exchange: VK ID
    /// takes no client secret there.
    pub fn new(app_id: impl Into<String>) -> Self {
        VkId {
            client: PresetClient::new(
                app_id,
                Secret::new(""),
                "https://id.vk.ru",
                "https://id.vk.ru",
            ),
        }
    }

    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let mut config = client.config(
            &client.web("/authorize"),
            &client.api("/oauth2/auth"),
            &["vkid.personal_info", "email"],
            ClientAuth::Public,
            true,
        )?;
        config.redirect_params_to_token = &["device_id", "state"];
        let user_info = client.api_endpoint("/oauth2/user_info")?;
        let client_id = client.id.clone();
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                Ok(ApiRequest::post(&user_info)
                    .form("client_id", &client_id)
                    .form("access_token", credentials.access_token.expose()))
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
    let profile = required_object(answer, "/user", "VK ID")?;
    let id = required_id(&profile, "/user_id", "VK ID")?;
    let user = User {
        name: full_name(text(&profile, "/first_name"), text(&profile, "/last_name")),
        email: text(&profile, "/email"),
        // `verified` is about the account, not the email.
        email_verified: None,
        avatar_url: text(&profile, "/avatar"),
        profile_url: Some(format!("https://vk.com/id{id}")),
        username: None,
        id,
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn user_object() {
        let (user, _) = map_profile(
            json!({"user": {"user_id": "1234567890", "first_name": "Ivan", "last_name": "I",
                            "email": "i@x.test", "verified": true}}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.id, "1234567890");
        assert_eq!(user.email_verified, None);
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://vk.com/id1234567890")
        );
    }

    #[test]
    fn device_id_and_state_go_to_the_token_request() {
        let provider = VkId::new("app").build();
        assert_eq!(
            provider.config().redirect_params_to_token,
            ["device_id", "state"]
        );
        assert_eq!(provider.config().client_auth, ClientAuth::Public);
    }
}
