//! Facebook: Graph API with a version in every path, comma-separated scopes, profile fields
//! that must be listed with `fields=` (the picture asked for at its large size,
//! `picture.type(large)`, about 200 px: the default is 50 px), the picture nested in
//! `picture.data.url`, an `appsecret_proof` on every API call (required when the app turns
//! on "Require App Secret"), and PKCE (documented with Facebook Login's manual flow).
//! Denials come as `error=access_denied&error_reason=user_denied&error_code=200`, as
//! `error_code=200&error_message=...` without `error`, or, for a cancelled dialog, as
//! `error_code=4201&error_message=User+canceled+the+Dialog+flow`; the core maps all of them
//! to `UserDenied`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::spec::{
    Hooks, OAuth2Preset, PresetContext, ProfileCall, Refresh, UserFields, api, hex, preset, web,
};
use crate::oauth2::{ApiRequest, ClientAuth};
use crate::provider::Credentials;
use crate::{DenialRule, Error};

/// The Graph API version the preset calls unless told otherwise.
pub const FACEBOOK_GRAPH_VERSION: &str = "v23.0";

/// How the provider reports that the user refused: a cancelled dialog comes back as
/// `error_code=200` (with or without `error`) or `error_code=4201`.
const DENIALS: &[DenialRule] = &[
    DenialRule::equals("error", "access_denied"),
    DenialRule::equals("error_code", "200"),
    DenialRule::equals("error_code", "4201"),
];

/// The `/me` fields: the picture at its large size (about 200 px), not the 50 px default.
const PROFILE_FIELDS: &str = "id,name,email,picture.type(large)";

/// Facebook, declared.
const FACEBOOK: OAuth2Preset = OAuth2Preset {
    name: "Facebook",
    web: "https://www.facebook.com",
    api: "https://graph.facebook.com",
    authorize: web("/{version}/dialog/oauth"),
    token: api("/{version}/oauth/access_token"),
    scopes: &["email", "public_profile"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    authorize_params: &[("display", "popup")],
    denials: DENIALS,
    vars: &[("version", FACEBOOK_GRAPH_VERSION)],
    profile: ProfileCall {
        query: &[("fields", PROFILE_FIELDS)],
        ..ProfileCall::bearer_get(api("/{version}/me"))
    },
    // Facebook returns only confirmed addresses but says nothing about it per user.
    user: UserFields {
        name: &["/name"],
        email: &["/email"],
        avatar: &["/picture/data/url"],
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        request: Some(with_appsecret_proof),
        user: None,
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Facebook preset. The login dialog is on `www.facebook.com` (the web host), the
    /// token endpoint and `/me` on `graph.facebook.com` (the API host).
    ///
    /// ```
    /// let facebook = coauth_core::presets::Facebook::new("app-id", "app-secret").build()?;
    /// # let _ = facebook;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Facebook = FACEBOOK
}

impl Facebook {
    /// Another Graph API version, e.g. `"v22.0"`.
    pub fn with_graph_version(mut self, version: impl Into<String>) -> Self {
        self.builder = self.builder.var("version", version);
        self
    }
}

/// Adds `appsecret_proof` to the profile call.
fn with_appsecret_proof(
    context: &PresetContext,
    credentials: &Credentials,
    request: ApiRequest,
) -> Result<ApiRequest, Error> {
    Ok(request.query(
        "appsecret_proof",
        &appsecret_proof(&context.secret, credentials),
    ))
}

/// `hex(HMAC-SHA256(app secret, access token))`, Facebook's proof that a call comes from the
/// app's server.
fn appsecret_proof(secret: &crate::Secret, credentials: &Credentials) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(credentials.access_token.expose().as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::presets::spec::{fetch_profile, map_user, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;
    use std::sync::{Arc, Mutex};

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

    #[tokio::test]
    async fn the_profile_call_is_versioned_and_proven() {
        let seen = Arc::new(Mutex::new(String::new()));
        let record = Arc::clone(&seen);
        let http = move |request: Request<Bytes>| {
            *record.lock().unwrap() = request.uri().to_string();
            async { Ok(Response::new(Bytes::from(r#"{"id": "10"}"#))) }
        };
        let facebook = Facebook::new("id", "secret").with_graph_version("v22.0");
        fetch_profile(
            facebook.builder,
            &http,
            &test_credentials("token", json!({})),
        )
        .await
        .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            "https://graph.facebook.com/v22.0/me?fields=id%2Cname%2Cemail%2Cpicture.type%28large%29\
             &appsecret_proof=e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
        );
    }

    #[test]
    fn large_picture_and_pkce() {
        // `picture` alone is the 50 px default.
        let fields: Vec<&str> = PROFILE_FIELDS.split(',').collect();
        assert!(fields.contains(&"picture.type(large)"), "{fields:?}");
        assert!(!fields.contains(&"picture"), "{fields:?}");
        let facebook = Facebook::new("id", "secret").build().unwrap();
        assert!(facebook.config().pkce);
        assert_eq!(
            facebook.config().authorize_url.as_str(),
            "https://www.facebook.com/v23.0/dialog/oauth"
        );
    }

    #[test]
    fn picture_is_nested() {
        let user = map_user(
            &FACEBOOK.user,
            &json!({"id": "10", "name": "A", "picture": {"data": {"url": "https://x/p.jpg"}}}),
        )
        .unwrap();
        assert_eq!(user.avatar_url.as_deref(), Some("https://x/p.jpg"));
        assert_eq!(user.email, None);
    }
}
