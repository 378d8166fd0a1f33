//! The OpenID Connect engine: the authorization code flow with discovery, a rate-limited
//! JWKS cache and full ID token validation.
//!
//! What an ID token must pass before any user is returned:
//! - its JWS `alg` is on the provider's allowlist (default RS256, ES256, PS256, EdDSA; never
//!   `none`, never an HMAC keyed with anything but the client secret, and that only for a
//!   provider configured so: [`OidcConfig::hs256_client_secret`]) and the key's type
//!   matches it;
//! - the key comes from the issuer's JWKS, found by `kid`; an unknown `kid` refetches the JWKS
//!   at most once per interval; `jku`, `x5u`, `jwk` and `x5c` headers are never followed;
//! - claims are read and type-checked from the raw JSON: `iss` exact, `aud` (string or
//!   array) contains the client id and nothing untrusted, `azp` is the client when present or
//!   when there are several audiences, `exp` and `iat` required numbers, `nbf` honoured,
//!   leeway at most 60 s, `nonce` equal to the sealed one;
//! - the userinfo `sub` equals the ID token's;
//! - RFC 9207: an `iss` redirect parameter must name the issuer, and is required when the
//!   provider advertises `authorization_response_iss_parameter_supported`.
//!
//! Discovery reads `{issuer}/.well-known/openid-configuration` of the configured issuer only,
//! and its `issuer` must equal the configured one; presets may give static
//! [`ProviderMetadata`] instead. An invalid ID token is a [`crate::Error::Provider`]; an
//! unreachable discovery or JWKS endpoint a [`crate::Error::ProviderConnection`].

mod discovery;
mod engine;
mod id_token;
mod jwks;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value};
use url::Url;

pub use crate::jose::{Algorithm, JWT_BEARER_ASSERTION, SigningKey};
pub use crate::token::ClientSecretMinter;
pub use discovery::ProviderMetadata;
pub use engine::OidcProvider;

use crate::failure::{DenialRule, STANDARD_DENIALS};
use crate::oauth2::claim_text;
use crate::provider::User;
use crate::token::{ClientAuth, Prompt};
use crate::{ConfigError, Error, Secret};

/// The largest clock skew coauth tolerates when checking `exp`, `iat` and `nbf`.
pub const MAX_LEEWAY: Duration = Duration::from_secs(60);

/// The settings of an OpenID Connect provider.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OidcConfig {
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret (unused with [`ClientAuth::PrivateKeyJwt`] and [`ClientAuth::Public`]).
    pub client_secret: Secret,
    /// The issuer identifier, exactly as the provider writes it. A `{tenantid}` placeholder
    /// makes it a template filled from the ID token's `tid` claim (Microsoft's multi-tenant
    /// endpoints).
    pub issuer: String,
    /// Other exact `iss` values the provider's ID tokens may carry (Google's legacy
    /// `accounts.google.com`).
    pub additional_issuers: Vec<String>,
    /// Static endpoints; `None` discovers them from the issuer.
    pub metadata: Option<ProviderMetadata>,
    /// Where discovery reads the metadata; `None`: `{issuer}/.well-known/openid-configuration`.
    pub discovery_url: Option<Url>,
    /// Client authentication at the token endpoint. Default `client_secret_basic`.
    pub client_auth: ClientAuth,
    /// The key for [`ClientAuth::PrivateKeyJwt`].
    pub client_assertion_key: Option<SigningKey>,
    /// Scopes requested when the client asks for none. `openid` is always requested.
    pub default_scopes: Vec<String>,
    /// Send the PKCE S256 challenge and verifier. Default on.
    pub pkce: bool,
    /// Send a nonce and require it back in the ID token. Default on; off only for providers
    /// that never echo it (LinkedIn), where nothing is sent and nothing is expected.
    pub nonce: bool,
    /// The JWS algorithms ID tokens may be signed with.
    pub algorithms: Vec<Algorithm>,
    /// Also accept ID tokens signed with `HS256` keyed with the client secret (LINE's web
    /// login). Default off. Only `HS256`, only with the client secret as the key: a secret
    /// the provider and the app alone hold, never a public key, so the algorithm confusion
    /// HMAC allows elsewhere cannot happen. Tokens of the other algorithms are still checked
    /// against the JWKS.
    pub hs256_client_secret: bool,
    /// Clock skew tolerated for `exp`, `iat`, `nbf`; at most [`MAX_LEEWAY`]. Default 30 s.
    pub leeway: Duration,
    /// Other audiences an ID token may name besides the client id (then `azp` must be the
    /// client). Default none.
    pub additional_audiences: Vec<String>,
    /// Call the userinfo endpoint, when the provider has one. Default on.
    pub fetch_userinfo: bool,
    /// `response_mode` to ask for (`form_post` for Apple). Default none (query).
    pub response_mode: Option<String>,
    /// Whether the provider honours `prompt=none` for silent attempts. Default on.
    pub supports_prompt_none: bool,
    /// The `prompt` of every interactive sign-in; a silent attempt sends `prompt=none`
    /// instead. Default none.
    pub prompt: Option<Prompt>,
    /// How the provider's redirect says the user refused ([`crate::Provider::denial_rules`]).
    /// Default [`STANDARD_DENIALS`].
    pub denials: &'static [DenialRule],
    /// Extra fixed parameters on the authorization URL; one that coauth sets itself
    /// (`state`, `prompt`, `scope`, PKCE, ...) is a configuration error.
    pub extra_authorize_params: Vec<(String, String)>,
    /// The shortest time between two JWKS fetches caused by unknown `kid`s. Default 30 s.
    pub jwks_refetch_interval: Duration,
    /// How long fetched keys are used before they are refreshed. Default 1 hour.
    pub jwks_max_age: Duration,
    /// How long discovered metadata is used before it is fetched again. Default 1 hour.
    pub metadata_max_age: Duration,
    /// Allow a plain-http issuer and endpoints on loopback (tests, a local Keycloak).
    /// Default off: https only.
    pub allow_http_loopback: bool,
}

impl OidcConfig {
    /// A configuration discovering its endpoints from `issuer`, with the defaults above.
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> OidcConfig {
        OidcConfig {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            issuer: issuer.into(),
            additional_issuers: Vec::new(),
            metadata: None,
            discovery_url: None,
            client_auth: ClientAuth::Basic,
            client_assertion_key: None,
            default_scopes: vec!["openid".into(), "profile".into(), "email".into()],
            pkce: true,
            nonce: true,
            algorithms: Algorithm::DEFAULT_ALLOWLIST.to_vec(),
            hs256_client_secret: false,
            leeway: Duration::from_secs(30),
            additional_audiences: Vec::new(),
            fetch_userinfo: true,
            response_mode: None,
            supports_prompt_none: true,
            prompt: None,
            denials: STANDARD_DENIALS,
            extra_authorize_params: Vec::new(),
            jwks_refetch_interval: Duration::from_secs(30),
            jwks_max_age: Duration::from_secs(3600),
            metadata_max_age: Duration::from_secs(3600),
            allow_http_loopback: false,
        }
    }

    /// Uses static endpoints instead of discovery; the metadata's issuer becomes the issuer.
    pub fn with_metadata(mut self, metadata: ProviderMetadata) -> OidcConfig {
        self.issuer = metadata.issuer.clone();
        self.metadata = Some(metadata);
        self
    }

    /// A configuration with static endpoints (a preset's documented ones, or a test double's),
    /// no discovery. Plain-http endpoints are accepted on loopback only when the code itself
    /// configured them so: static metadata never comes from the network.
    pub fn from_metadata(
        metadata: ProviderMetadata,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> OidcConfig {
        let http = metadata.issuer.starts_with("http://");
        OidcConfig::new("", client_id, client_secret)
            .with_metadata(metadata)
            .allow_http_loopback(http)
    }

    /// Authenticates at the token endpoint with `private_key_jwt` signed by `key`.
    pub fn with_private_key_jwt(mut self, key: SigningKey) -> OidcConfig {
        self.client_auth = ClientAuth::PrivateKeyJwt;
        self.client_assertion_key = Some(key);
        self
    }

    /// Allows a plain-http issuer on loopback.
    pub fn allow_http_loopback(mut self, allow: bool) -> OidcConfig {
        self.allow_http_loopback = allow;
        self
    }
}

/// Maps the validated claims (the ID token's, with the userinfo answer's on top) to a
/// [`User`]. Presets implement it for their providers' claims.
pub trait ClaimsMapper: Send + Sync + 'static {
    /// The user. `params` are the redirect parameters the provider declared (Apple's `user`).
    fn map(
        &self,
        claims: &Map<String, Value>,
        params: &BTreeMap<String, String>,
    ) -> Result<User, Error>;
}

/// The standard claims: `sub`, `name`, `email`, `email_verified`, `picture`, `profile`,
/// `preferred_username`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardClaims;

impl ClaimsMapper for StandardClaims {
    fn map(
        &self,
        claims: &Map<String, Value>,
        _params: &BTreeMap<String, String>,
    ) -> Result<User, Error> {
        Ok(standard_user(claims))
    }
}

/// The standard claims as a [`User`]; `sub` was checked by ID token validation.
pub fn standard_user(claims: &Map<String, Value>) -> User {
    let object = Value::Object(claims.clone());
    User {
        id: claim_text(&object, "sub").unwrap_or_default(),
        name: claim_text(&object, "name"),
        email: claim_text(&object, "email"),
        email_verified: claim_bool(claims, "email_verified"),
        avatar_url: claim_text(&object, "picture"),
        profile_url: claim_text(&object, "profile"),
        username: claim_text(&object, "preferred_username"),
    }
}

/// A boolean claim, also when a provider sends it as the string `"true"` or `"false"`
/// (Apple's `email_verified`).
pub fn claim_bool(claims: &Map<String, Value>, name: &str) -> Option<bool> {
    match claims.get(name)? {
        Value::Bool(value) => Some(*value),
        Value::String(text) if text == "true" => Some(true),
        Value::String(text) if text == "false" => Some(false),
        _ => None,
    }
}

/// Checks the parts of a configuration that can be wrong before any call.
fn check_config(config: &OidcConfig) -> Result<(), ConfigError> {
    if config.client_id.is_empty() {
        return Err(ConfigError("the OpenID Connect client id is empty".into()));
    }
    if config.leeway > MAX_LEEWAY {
        return Err(ConfigError(format!(
            "the ID token leeway is {} s; at most {} s is allowed",
            config.leeway.as_secs(),
            MAX_LEEWAY.as_secs()
        )));
    }
    if config.algorithms.is_empty() {
        return Err(ConfigError(
            "the ID token algorithm allowlist is empty".into(),
        ));
    }
    if config.client_auth == ClientAuth::PrivateKeyJwt && config.client_assertion_key.is_none() {
        return Err(ConfigError("private_key_jwt needs a signing key".into()));
    }
    let issuer_url = config
        .issuer
        .replace(id_token::TENANT_PLACEHOLDER, "tenant");
    let parsed = Url::parse(&issuer_url)
        .map_err(|_| ConfigError(format!("the issuer {:?} is not a URL", config.issuer)))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ConfigError(
            "the issuer must not have a query or fragment".into(),
        ));
    }
    discovery::check_scheme(&parsed, config.allow_http_loopback)
        .map_err(|why| ConfigError(format!("the issuer {why}")))?;
    if let Some(metadata) = &config.metadata {
        metadata
            .check_schemes(config.allow_http_loopback)
            .map_err(|why| ConfigError(format!("an endpoint {why}")))?;
    }
    Ok(())
}
