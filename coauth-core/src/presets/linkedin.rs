//! LinkedIn ("Sign In with LinkedIn using OpenID Connect"): issuer
//! `https://www.linkedin.com/oauth`, client credentials in the form body, no PKCE for web
//! apps, and ID tokens that never carry a nonce, so none is sent (the sealed `state` binds
//! the redirect).

use crate::oauth2::ClientAuth;
use crate::oidc::{OidcConfig, OidcProvider, ProviderMetadata};
use crate::{ConfigError, Secret};

const ISSUER: &str = "https://www.linkedin.com/oauth";
const AUTHORIZE: &str = "https://www.linkedin.com/oauth/v2/authorization";
const TOKEN: &str = "https://www.linkedin.com/oauth/v2/accessToken";
const USERINFO: &str = "https://api.linkedin.com/v2/userinfo";
const JWKS: &str = "https://www.linkedin.com/oauth/openid/jwks";

/// The LinkedIn preset.
///
/// ```
/// let linkedin = coauth_core::presets::LinkedIn::new("client-id", "client-secret").build();
/// # let _ = linkedin;
/// ```
#[derive(Debug, Clone)]
pub struct LinkedIn {
    client_id: String,
    client_secret: Secret,
    metadata: Option<ProviderMetadata>,
}

impl LinkedIn {
    /// LinkedIn with the app's client id and secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> LinkedIn {
        LinkedIn {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            metadata: None,
        }
    }

    /// Other endpoints (a test double of LinkedIn).
    pub fn with_metadata(mut self, metadata: ProviderMetadata) -> LinkedIn {
        self.metadata = Some(metadata);
        self
    }

    /// Builds the provider. Fails when [`LinkedIn::with_metadata`] gave invalid endpoints.
    pub fn try_build(self) -> Result<OidcProvider, ConfigError> {
        let metadata = match self.metadata {
            Some(metadata) => metadata,
            None => {
                ProviderMetadata::new(ISSUER, AUTHORIZE, TOKEN, JWKS)?.with_userinfo(USERINFO)?
            }
        };
        let mut config = OidcConfig::from_metadata(metadata, self.client_id, self.client_secret);
        config.client_auth = ClientAuth::Post;
        config.pkce = false;
        config.nonce = false;
        config.supports_prompt_none = false;
        OidcProvider::new(config)
    }

    /// Builds the provider for LinkedIn's own endpoints, which are always valid.
    pub fn build(self) -> OidcProvider {
        self.try_build()
            .expect("LinkedIn's endpoints are valid unless with_metadata changed them")
    }
}
