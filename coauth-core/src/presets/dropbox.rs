//! Dropbox: PKCE, HTTP Basic at the token endpoint on the API host, and a profile read with
//! a `POST` without a body (`/2/users/get_current_account`), which says whether the email
//! is verified.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Dropbox preset. `www.dropbox.com` (the web host) serves `/oauth2/authorize`,
/// `api.dropboxapi.com` (the API host) serves `/oauth2/token` and the user API. The scopes
/// are the app's (set in the App Console); none is sent unless the client asks.
///
/// ```
/// let dropbox = coauth_core::presets::Dropbox::new("app-key", "app-secret").build();
/// # let _ = dropbox;
/// ```
#[derive(Debug, Clone)]
pub struct Dropbox {
    client: PresetClient,
}

preset_builder!(Dropbox, "Dropbox", web: "https://www.dropbox.com", api: "https://api.dropboxapi.com");

impl Dropbox {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/oauth2/authorize"),
            &client.api("/oauth2/token"),
            &[],
            ClientAuth::Basic,
            true,
        )?;
        let account = client.api_endpoint("/2/users/get_current_account")?;
        let profile = ApiProfile::new(
            // An RPC endpoint without arguments: POST, no body, no Content-Type.
            move |credentials: &Credentials| Ok(ApiRequest::post(&account).bearer(credentials)),
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
    let user = User {
        id: required_id(&profile, "/account_id", "Dropbox")?,
        name: text(&profile, "/name/display_name"),
        email_verified: email.as_ref().and_then(|_| {
            profile
                .get("email_verified")
                .and_then(serde_json::Value::as_bool)
        }),
        email,
        avatar_url: text(&profile, "/profile_photo_url"),
        profile_url: None,
        username: None,
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn nested_display_name_and_verified_flag() {
        let (user, _) = map_profile(
            json!({"account_id": "dbid:AAH4f99", "name": {"display_name": "Franz Ferdinand"},
                   "email": "f@x.test", "email_verified": true}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.id, "dbid:AAH4f99");
        assert_eq!(user.name.as_deref(), Some("Franz Ferdinand"));
        assert_eq!(user.email_verified, Some(true));
    }
}
