//! Sign in with Apple: the answer comes back as a `form_post` (a cross-site POST to the result
//! page), the client secret is an ES256 JWT the app signs with its team's `.p8` key, there is
//! no userinfo endpoint (the ID token has the `sub` and email, `email_verified` as a string),
//! and the user's name arrives only once, in the first consent's `user` POST parameter.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, Refresh, preset};
use crate::oauth2::ClientAuth;
use crate::oidc::{Algorithm, SigningKey};
use crate::provider::User;
use crate::{ConfigError, DenialRule, Error};

/// How long each minted client secret is valid (Apple allows up to six months).
const SECRET_LIFETIME: u64 = 300;

/// Sign in with Apple, declared.
const APPLE: OidcPreset = OidcPreset {
    name: "Apple",
    issuer: "https://appleid.apple.com",
    authorize: "https://appleid.apple.com/auth/authorize",
    token: "https://appleid.apple.com/auth/token",
    jwks: "https://appleid.apple.com/auth/keys",
    // No userinfo endpoint: the ID token has the `sub` and the email.
    userinfo: None,
    scopes: &["name", "email"],
    client_auth: ClientAuth::Post,
    pkce: false,
    silent: false,
    // Apple requires form_post whenever name or email is requested.
    response_mode: Some("form_post"),
    algorithms: &[Algorithm::RS256],
    // The user's name, sent once, with the first consent.
    response_params: &["user"],
    // A cancelled sign-in is `error=user_cancelled_authorize`.
    denials: &[
        DenialRule::equals("error", "access_denied"),
        DenialRule::equals("error", "user_cancelled_authorize"),
    ],
    claims_hook: Some(first_consent_user),
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Sign in with Apple preset.
    ///
    /// ```no_run
    /// # fn run() -> Result<(), coauth_core::ConfigError> {
    /// let p8 = std::fs::read_to_string("AuthKey_ABC123DEFG.p8").expect("the key file");
    /// let apple = coauth_core::presets::Apple::new(
    ///     "com.example.web",   // the Services ID
    ///     "TEAMID1234",        // the Apple Developer team id
    ///     "ABC123DEFG",        // the key id
    ///     &p8,
    /// )?
    /// .build()?;
    /// # let _ = apple;
    /// # Ok(())
    /// # }
    /// ```
    Apple = APPLE, custom_new
}

impl Apple {
    /// Apple with the Services ID (`client_id`), the team id, and the Sign in with Apple
    /// private key: its key id and the PEM text of its `.p8` file. The client secret is an
    /// ES256 JWT signed with that key for each token request (`iss` the team, `sub` the
    /// Services ID, `aud` Apple's issuer). Fails when the key is not an EC P-256 PKCS#8 key.
    pub fn new(
        client_id: impl Into<String>,
        team_id: impl Into<String>,
        key_id: impl Into<String>,
        p8_pem: &str,
    ) -> Result<Apple, ConfigError> {
        let key = SigningKey::from_pem(Algorithm::ES256, p8_pem)?.with_kid(key_id);
        Ok(Apple {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, "").jwt_client_secret(
                key,
                team_id,
                SECRET_LIFETIME,
            ),
        })
    }
}

/// The name from the first consent's `user` parameter. Only the name is taken from that
/// unsigned parameter; the email always comes from the ID token.
fn first_consent_user(
    _: &PresetContext,
    _: &Map<String, Value>,
    params: &BTreeMap<String, String>,
    user: &mut User,
) -> Result<(), Error> {
    user.name = params.get("user").and_then(|user| first_consent_name(user));
    Ok(())
}

/// `{"name": {"firstName": "...", "lastName": "..."}, ...}` -> `"First Last"`.
fn first_consent_name(user: &str) -> Option<String> {
    let user: Value = serde_json::from_str(user).ok()?;
    let name = user.get("name")?;
    let part = |key: &str| {
        name.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|part| !part.is_empty())
    };
    let full = [part("firstName"), part("lastName")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (!full.is_empty()).then_some(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_the_first_consent_user_parameter() {
        let user = r#"{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"x@privaterelay.appleid.com"}"#;
        assert_eq!(first_consent_name(user).as_deref(), Some("Ada Lovelace"));
        assert_eq!(
            first_consent_name(r#"{"name":{"firstName":"Ada"}}"#).as_deref(),
            Some("Ada")
        );
        for absent in [
            "",
            "not json",
            "{}",
            r#"{"name":{"firstName":" "}}"#,
            r#"{"name":"Ada"}"#,
        ] {
            assert_eq!(first_consent_name(absent), None, "{absent}");
        }
    }

    #[test]
    fn keys_other_than_ec_p256_are_refused() {
        let error = Apple::new(
            "id",
            "team",
            "kid",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(error.to_string().contains("ES256"));
    }
}
