//! Login with Amazon: the consent page on `www.amazon.com`, the token endpoint and
//! `/user/profile` on `api.amazon.com`, credentials in the token request body. The profile
//! has no picture and does not say whether the email is verified.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Amazon preset. The web host serves `/ap/oa`, the API host `/auth/o2/token` and
/// `/user/profile`.
///
/// ```
/// let amazon = coauth_core::presets::Amazon::new("client-id", "client-secret").build();
/// # let _ = amazon;
/// ```
#[derive(Debug, Clone)]
pub struct Amazon {
    client: PresetClient,
}

preset_builder!(Amazon, "Amazon", web: "https://www.amazon.com", api: "https://api.amazon.com");

impl Amazon {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/ap/oa"),
            &client.api("/auth/o2/token"),
            &["profile"],
            ClientAuth::Post,
            false,
        )?;
        let me = client.api_endpoint("/user/profile")?;
        let profile = ApiProfile::bearer_get(me, map_profile);
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let user = User {
        id: required_id(&profile, "/user_id", "Amazon")?,
        name: text(&profile, "/name"),
        email: text(&profile, "/email"),
        ..User::default()
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn user_id_name_email() {
        let (user, _) = map_profile(
            json!({"user_id": "amzn1.account.K2LI23KL2LK2", "name": "Ada", "email": "a@x.test"}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.id, "amzn1.account.K2LI23KL2LK2");
        assert_eq!(user.email_verified, None);
        assert!(map_profile(json!({"name": "x"}), &test_credentials("t", json!({}))).is_err());
    }
}
