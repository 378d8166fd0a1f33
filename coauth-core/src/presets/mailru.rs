//! Mail.ru (VK Group's OAuth at oauth.mail.ru): credentials in the token request body, and
//! a userinfo endpoint that takes the token as an `access_token` query parameter.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, text};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Mail.ru preset. `oauth.mail.ru` serves everything: the web host `/login`, the API
/// host `/token` and `/userinfo`.
///
/// ```
/// let mailru = coauth_core::presets::MailRu::new("client-id", "client-secret").build();
/// # let _ = mailru;
/// ```
#[derive(Debug, Clone)]
pub struct MailRu {
    client: PresetClient,
}

preset_builder!(MailRu, "Mail.ru", web: "https://oauth.mail.ru", api: "https://oauth.mail.ru");

impl MailRu {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/login"),
            &client.api("/token"),
            &["userinfo"],
            ClientAuth::Post,
            false,
        )?;
        let userinfo = client.api_endpoint("/userinfo")?;
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                Ok(ApiRequest::get(&userinfo)
                    .query("access_token", credentials.access_token.expose()))
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
    let email = text(&profile, "/email");
    // Older answers have no `id`; the email is then the only stable key (social-core uses it).
    let id = text(&profile, "/id")
        .or_else(|| email.clone())
        .ok_or_else(|| Error::Provider("Mail.ru's profile has no user id".into()))?;
    let user = User {
        id,
        name: text(&profile, "/name"),
        email,
        email_verified: None,
        avatar_url: text(&profile, "/image"),
        profile_url: None,
        username: text(&profile, "/nickname"),
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn id_falls_back_to_the_email() {
        let credentials = test_credentials("t", json!({}));
        let (user, _) =
            map_profile(json!({"email": "a@mail.ru", "name": "A"}), &credentials).unwrap();
        assert_eq!(user.id, "a@mail.ru");
        assert!(map_profile(json!({"name": "A"}), &credentials).is_err());
    }
}
