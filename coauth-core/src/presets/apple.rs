//! Sign in with Apple: the answer comes back as a `form_post` (a cross-site POST to the result
//! page), the client secret is an ES256 JWT the app signs with its team's `.p8` key, there is
//! no userinfo endpoint (the ID token has the `sub` and email, `email_verified` as a string),
//! and the user's name arrives only once, in the first consent's `user` POST parameter.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::oauth2::ClientAuth;
use crate::oidc::{
    Algorithm, ClaimsMapper, ClientSecretMinter, OidcConfig, OidcProvider, ProviderMetadata,
    SigningKey, standard_user,
};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

const ISSUER: &str = "https://appleid.apple.com";
const AUTHORIZE: &str = "https://appleid.apple.com/auth/authorize";
const TOKEN: &str = "https://appleid.apple.com/auth/token";
const JWKS: &str = "https://appleid.apple.com/auth/keys";
/// How long each minted client secret is valid (Apple allows up to six months).
const SECRET_LIFETIME: u64 = 300;

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
/// .build();
/// # let _ = apple;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Apple {
    client_id: String,
    team_id: String,
    key: SigningKey,
    metadata: Option<ProviderMetadata>,
}

impl Apple {
    /// Apple with the Services ID (`client_id`), the team id, and the Sign in with Apple
    /// private key: its key id and the PEM text of its `.p8` file. Fails when the key is not
    /// an EC P-256 PKCS#8 key.
    pub fn new(
        client_id: impl Into<String>,
        team_id: impl Into<String>,
        key_id: impl Into<String>,
        p8_pem: &str,
    ) -> Result<Apple, ConfigError> {
        let key = SigningKey::from_pem(Algorithm::ES256, p8_pem)?.with_kid(key_id);
        Ok(Apple {
            client_id: client_id.into(),
            team_id: team_id.into(),
            key,
            metadata: None,
        })
    }

    /// Other endpoints (a test double of Apple); minted secrets name its issuer as audience.
    pub fn with_metadata(mut self, metadata: ProviderMetadata) -> Apple {
        self.metadata = Some(metadata);
        self
    }

    /// Builds the provider. Fails when [`Apple::with_metadata`] gave invalid endpoints.
    pub fn try_build(self) -> Result<OidcProvider, ConfigError> {
        let metadata = match self.metadata {
            Some(metadata) => metadata,
            None => ProviderMetadata::new(ISSUER, AUTHORIZE, TOKEN, JWKS)?,
        };
        let minter = AppleClientSecret {
            key: self.key,
            team_id: self.team_id,
            audience: metadata.issuer.clone(),
        };
        let mut config = OidcConfig::from_metadata(metadata, self.client_id, "");
        config.client_auth = ClientAuth::Post;
        config.default_scopes = vec!["name".into(), "email".into()];
        // Apple requires form_post whenever name or email is requested.
        config.response_mode = Some("form_post".into());
        config.pkce = false;
        config.supports_prompt_none = false;
        config.fetch_userinfo = false;
        config.algorithms = vec![Algorithm::RS256];
        Ok(OidcProvider::new(config)?
            .with_client_secret_minter(minter)
            .with_mapper(AppleClaims)
            .with_response_params(&["user"]))
    }

    /// Builds the provider for Apple's own endpoints, which are always valid.
    pub fn build(self) -> OidcProvider {
        self.try_build()
            .expect("Apple's endpoints are valid unless with_metadata changed them")
    }
}

/// Signs Apple's client secret: `iss` the team, `sub` the Services ID, `aud` Apple.
#[derive(Debug)]
struct AppleClientSecret {
    key: SigningKey,
    team_id: String,
    audience: String,
}

impl ClientSecretMinter for AppleClientSecret {
    fn mint(&self, client_id: &str) -> Result<Secret, Error> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        self.key
            .sign(&serde_json::json!({
                "iss": self.team_id,
                "iat": now,
                "exp": now + SECRET_LIFETIME,
                "aud": self.audience,
                "sub": client_id,
            }))
            .map(Secret::new)
    }
}

/// Apple's claims, and the name from the first consent's `user` parameter. Only the name
/// is taken from that unsigned parameter; the email always comes from the ID token.
#[derive(Debug, Clone, Copy)]
struct AppleClaims;

impl ClaimsMapper for AppleClaims {
    fn map(
        &self,
        claims: &Map<String, Value>,
        params: &BTreeMap<String, String>,
    ) -> Result<User, Error> {
        let mut user = standard_user(claims);
        user.name = params.get("user").and_then(|user| first_consent_name(user));
        Ok(user)
    }
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
