//! A generic OpenID Connect provider by issuer (Okta, Auth0, Keycloak, Entra, Zitadel, ...):
//! endpoints and keys come from the issuer's discovery document.

use crate::ConfigError;
use crate::oauth2::ClientAuth;
use crate::oidc::{Algorithm, OidcConfig, OidcProvider, SigningKey};

/// Any OpenID Connect provider, configured by its issuer.
///
/// ```
/// use coauth_core::presets::Oidc;
/// let okta = Oidc::new("https://example.okta.com", "client-id", "client-secret")
///     .build()
///     .expect("valid configuration");
/// # let _ = okta;
/// ```
#[derive(Debug, Clone)]
pub struct Oidc {
    config: OidcConfig,
}

impl Oidc {
    /// The provider at `issuer` (exactly as its discovery document names it), with the
    /// client's id and secret (`client_secret_basic`).
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
    ) -> Oidc {
        Oidc {
            config: OidcConfig::new(issuer, client_id, client_secret),
        }
    }

    /// Allows a plain-http issuer on loopback (a local Keycloak, tests). Off by default.
    pub fn allow_http_loopback(mut self, allow: bool) -> Oidc {
        self.config.allow_http_loopback = allow;
        self
    }

    /// The scopes requested when the client asks for none (`openid` is always added).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Oidc {
        self.config.default_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Client authentication at the token endpoint (`client_secret_basic` by default).
    pub fn client_auth(mut self, auth: ClientAuth) -> Oidc {
        self.config.client_auth = auth;
        self
    }

    /// Authenticates with `private_key_jwt` signed by `key` instead of a secret.
    pub fn private_key_jwt(mut self, key: SigningKey) -> Oidc {
        self.config = self.config.with_private_key_jwt(key);
        self
    }

    /// The ID token algorithms to accept (default RS256, ES256, PS256, EdDSA).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Oidc {
        self.config.algorithms = algorithms.into_iter().collect();
        self
    }

    /// The full configuration, for settings without a shortcut.
    pub fn config_mut(&mut self) -> &mut OidcConfig {
        &mut self.config
    }

    /// Builds the provider. Fails when the configuration is invalid (an http issuer without
    /// the loopback opt-in, a leeway over 60 s, ...).
    pub fn build(self) -> Result<OidcProvider, ConfigError> {
        OidcProvider::new(self.config)
    }
}
