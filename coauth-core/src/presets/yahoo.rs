//! Yahoo: HTTP Basic at `/oauth2/get_token` and an OpenID Connect userinfo endpoint with the
//! standard claims (`nickname` stands in when there is no `preferred_username`).

use super::preset_client::{ApiProfile, PresetClient, preset_builder, text};
use crate::oauth2::{ClientAuth, OAuth2Provider, StandardUserinfo};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Yahoo preset. `api.login.yahoo.com` serves everything: the web host
/// `/oauth2/request_auth` and `/oauth2/get_token`, the API host `/openid/v1/userinfo`.
///
/// ```
/// let yahoo = coauth_core::presets::Yahoo::new("client-id", "client-secret").build();
/// # let _ = yahoo;
/// ```
#[derive(Debug, Clone)]
pub struct Yahoo {
    client: PresetClient,
}

preset_builder!(Yahoo, "Yahoo", web: "https://api.login.yahoo.com", api: "https://api.login.yahoo.com");

impl Yahoo {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/oauth2/request_auth"),
            &client.web("/oauth2/get_token"),
            &["openid", "profile", "email"],
            ClientAuth::Basic,
            false,
        )?;
        let userinfo = client.api_endpoint("/openid/v1/userinfo")?;
        let profile = ApiProfile::bearer_get(userinfo, map_profile);
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let mut user = StandardUserinfo::map(&profile)?;
    if user.username.is_none() {
        user.username = text(&profile, "/nickname");
    }
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn standard_claims_with_nickname() {
        let (user, _) = map_profile(
            json!({"sub": "FSVIDUW3D7FSVIDUW3D72F2F", "name": "Jasmine Smith",
                   "nickname": "jasmine", "email": "j@x.test", "email_verified": true}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.username.as_deref(), Some("jasmine"));
        assert_eq!(user.email_verified, Some(true));
    }
}
