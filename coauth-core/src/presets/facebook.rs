//! Facebook: Graph API with a version in every path, comma-separated scopes, profile fields
//! that must be listed with `fields=`, the picture nested in `picture.data.url`, and an
//! `appsecret_proof` on every API call (required when the app turns on "Require App Secret").
//! Denials come as `error=access_denied&error_reason=user_denied&error_code=200` or as
//! `error_code=200&error_message=...` without `error`; the core maps both to `UserDenied`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::preset_client::{ApiProfile, PresetClient, hex, preset_builder, required_id, text};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error, Secret};

/// The Graph API version the preset calls unless told otherwise.
pub const FACEBOOK_GRAPH_VERSION: &str = "v23.0";

/// The Facebook preset. The login dialog is on `www.facebook.com` (the web host), the token
/// endpoint and `/me` on `graph.facebook.com` (the API host).
///
/// ```
/// let facebook = coauth_core::presets::Facebook::new("app-id", "app-secret").build();
/// # let _ = facebook;
/// ```
#[derive(Debug, Clone)]
pub struct Facebook {
    client: PresetClient,
    version: String,
}

preset_builder!(Facebook, "Facebook");

impl Facebook {
    /// Facebook with the app's id and secret.
    pub fn new(app_id: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        Facebook {
            client: PresetClient::new(
                app_id,
                app_secret,
                "https://www.facebook.com",
                "https://graph.facebook.com",
            ),
            version: FACEBOOK_GRAPH_VERSION.into(),
        }
    }

    /// Another Graph API version, e.g. `"v22.0"`.
    pub fn with_graph_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let v = &self.version;
        let client = &self.client;
        let mut config = client.config(
            &client.web(&format!("/{v}/dialog/oauth")),
            &client.api(&format!("/{v}/oauth/access_token")),
            &["email", "public_profile"],
            ClientAuth::Post,
            false,
        )?;
        config.scope_separator = ",";
        config.extra_authorize_params = vec![("display".into(), "popup".into())];
        let me = client.api_endpoint(&format!("/{v}/me"))?;
        let secret = client.secret.clone();
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                Ok(ApiRequest::get(&me)
                    .bearer(credentials)
                    .query("fields", "id,name,email,picture")
                    .query("appsecret_proof", &appsecret_proof(&secret, credentials)))
            },
            map_profile,
        );
        Ok(OAuth2Provider::new(config, profile))
    }
}

/// `hex(HMAC-SHA256(app secret, access token))`, Facebook's proof that a call comes from the
/// app's server.
fn appsecret_proof(secret: &Secret, credentials: &Credentials) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(credentials.access_token.expose().as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let user = User {
        id: required_id(&profile, "/id", "Facebook")?,
        name: text(&profile, "/name"),
        email: text(&profile, "/email"),
        // Facebook returns only confirmed addresses but says nothing about it per user.
        email_verified: None,
        avatar_url: text(&profile, "/picture/data/url"),
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
    fn appsecret_proof_is_hmac_sha256_hex() {
        // echo -n token | openssl dgst -sha256 -hmac secret
        assert_eq!(
            appsecret_proof(
                &Secret::new("secret"),
                &test_credentials("token", json!({}))
            ),
            "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
        );
    }

    #[test]
    fn picture_is_nested() {
        let (user, _) = map_profile(
            json!({"id": "10", "name": "A", "picture": {"data": {"url": "https://x/p.jpg"}}}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.avatar_url.as_deref(), Some("https://x/p.jpg"));
        assert_eq!(user.email, None);
    }
}
