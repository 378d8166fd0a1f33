//! Google: OpenID Connect with documented static endpoints, ID tokens whose `iss` is either
//! `https://accounts.google.com` or the legacy `accounts.google.com`, a boolean
//! `email_verified`, and the optional Workspace `hd` restriction.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::oauth2::ClientAuth;
use crate::oidc::{ClaimsMapper, OidcConfig, OidcProvider, ProviderMetadata, standard_user};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

/// Google's issuer, endpoints and keys (developers.google.com/identity/openid-connect).
const ISSUER: &str = "https://accounts.google.com";
const AUTHORIZE: &str = "https://accounts.google.com/o/oauth2/v2/auth";
const TOKEN: &str = "https://oauth2.googleapis.com/token";
const JWKS: &str = "https://www.googleapis.com/oauth2/v3/certs";

/// The Google preset.
///
/// ```
/// let google = coauth_core::presets::Google::new("client-id", "client-secret").build();
/// # let _ = google;
/// ```
#[derive(Debug, Clone)]
pub struct Google {
    client_id: String,
    client_secret: Secret,
    metadata: Option<ProviderMetadata>,
    hosted_domain: Option<String>,
    offline: bool,
}

impl Google {
    /// Google with the OAuth client's id and secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Google {
        Google {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            metadata: None,
            hosted_domain: None,
            offline: false,
        }
    }

    /// Only accounts of this Google Workspace domain: sends `hd` and requires the ID token's
    /// `hd` claim to equal it.
    pub fn hosted_domain(mut self, domain: impl Into<String>) -> Google {
        self.hosted_domain = Some(domain.into());
        self
    }

    /// Asks for a refresh token (`access_type=offline` and `prompt=consent`).
    pub fn offline_access(mut self) -> Google {
        self.offline = true;
        self
    }

    /// Other endpoints (a test double of Google). The legacy scheme-less form of the
    /// metadata's issuer is accepted in ID tokens, as for Google itself.
    pub fn with_metadata(mut self, metadata: ProviderMetadata) -> Google {
        self.metadata = Some(metadata);
        self
    }

    /// Builds the provider. Fails when [`Google::with_metadata`] gave invalid endpoints.
    pub fn try_build(self) -> Result<OidcProvider, ConfigError> {
        let metadata = match self.metadata {
            Some(metadata) => metadata,
            None => ProviderMetadata::new(ISSUER, AUTHORIZE, TOKEN, JWKS)?,
        };
        let legacy_issuer = metadata
            .issuer
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .to_owned();
        let mut config = OidcConfig::from_metadata(metadata, self.client_id, self.client_secret);
        config.additional_issuers = vec![legacy_issuer];
        config.client_auth = ClientAuth::Post;
        // The ID token carries the profile claims; no userinfo call is needed.
        config.fetch_userinfo = false;
        if let Some(domain) = &self.hosted_domain {
            config
                .extra_authorize_params
                .push(("hd".into(), domain.clone()));
        }
        if self.offline {
            config.extra_authorize_params.extend([
                ("access_type".into(), "offline".into()),
                ("prompt".into(), "consent".into()),
            ]);
        }
        Ok(OidcProvider::new(config)?.with_mapper(GoogleClaims {
            hosted_domain: self.hosted_domain,
        }))
    }

    /// Builds the provider for Google's own endpoints, which are always valid.
    pub fn build(self) -> OidcProvider {
        self.try_build()
            .expect("Google's endpoints are valid unless with_metadata changed them")
    }
}

/// Google's claims: the standard ones, and `hd` checked when a hosted domain is required.
#[derive(Debug, Clone)]
struct GoogleClaims {
    hosted_domain: Option<String>,
}

impl ClaimsMapper for GoogleClaims {
    fn map(
        &self,
        claims: &Map<String, Value>,
        _: &BTreeMap<String, String>,
    ) -> Result<User, Error> {
        if let Some(domain) = &self.hosted_domain
            && claims.get("hd").and_then(Value::as_str) != Some(domain.as_str())
        {
            return Err(Error::Provider(
                "the Google account is not in the required Workspace domain".into(),
            ));
        }
        Ok(standard_user(claims))
    }
}
