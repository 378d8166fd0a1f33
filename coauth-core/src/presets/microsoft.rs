//! Microsoft Entra ID (v2.0 endpoints): the `common`, `organizations` and `consumers`
//! endpoints issue tokens of many tenants, so the issuer is the template
//! `https://login.microsoftonline.com/{tenantid}/v2.0`, filled from each ID token's own `tid`;
//! a single tenant has an exact issuer. Entra's `email` is not verified by default (nOAuth):
//! `emailVerified` is true only with the `xms_edov` claim.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::oauth2::{ClientAuth, claim_text};
use crate::oidc::{ClaimsMapper, OidcConfig, OidcProvider, ProviderMetadata, claim_bool};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

const LOGIN_BASE: &str = "https://login.microsoftonline.com";

/// The Microsoft Entra ID preset.
///
/// ```
/// use coauth_core::presets::Microsoft;
/// let any_account = Microsoft::new("client-id", "client-secret").build();
/// let one_tenant = Microsoft::new("client-id", "client-secret")
///     .tenant("72f988bf-86f1-41af-91ab-2d7cd011db47")
///     .build();
/// # let _ = (any_account, one_tenant);
/// ```
#[derive(Debug, Clone)]
pub struct Microsoft {
    client_id: String,
    client_secret: Secret,
    tenant: String,
    base: String,
}

impl Microsoft {
    /// Entra with the app registration's id and secret, on the `common` endpoint (work,
    /// school and personal accounts).
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Microsoft {
        Microsoft {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            tenant: "common".into(),
            base: LOGIN_BASE.into(),
        }
    }

    /// `common`, `organizations`, `consumers`, or one tenant's id (a GUID; its tokens then
    /// must carry exactly that tenant's issuer).
    pub fn tenant(mut self, tenant: impl Into<String>) -> Microsoft {
        self.tenant = tenant.into();
        self
    }

    /// Another login host (a test double of Entra), instead of
    /// `https://login.microsoftonline.com`.
    pub fn with_base_url(mut self, base: impl Into<String>) -> Microsoft {
        self.base = base.into();
        self
    }

    /// Builds the provider. Fails for a tenant that is neither a keyword nor a GUID.
    pub fn try_build(self) -> Result<OidcProvider, ConfigError> {
        let base = self.base.trim_end_matches('/');
        let tenant = self.tenant.as_str();
        let multi = matches!(tenant, "common" | "organizations" | "consumers");
        let is_guid =
            tenant.len() == 36 && tenant.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
        if !multi && !is_guid {
            return Err(ConfigError(format!(
                "the Microsoft tenant {tenant:?} must be common, organizations, consumers or the tenant id (a GUID)"
            )));
        }
        let issuer = if multi {
            format!("{base}/{{tenantid}}/v2.0")
        } else {
            format!("{base}/{tenant}/v2.0")
        };
        let metadata = ProviderMetadata::new(
            issuer,
            &format!("{base}/{tenant}/oauth2/v2.0/authorize"),
            &format!("{base}/{tenant}/oauth2/v2.0/token"),
            &format!("{base}/{tenant}/discovery/v2.0/keys"),
        )?;
        let mut config = OidcConfig::from_metadata(metadata, self.client_id, self.client_secret);
        config.client_auth = ClientAuth::Post;
        // The userinfo endpoint is Microsoft Graph's; the ID token has what coauth needs.
        config.fetch_userinfo = false;
        Ok(OidcProvider::new(config)?.with_mapper(MicrosoftClaims))
    }

    /// Builds the provider; panics only when [`Microsoft::tenant`] or
    /// [`Microsoft::with_base_url`] were given invalid values.
    pub fn build(self) -> OidcProvider {
        self.try_build()
            .expect("the Microsoft tenant must be a keyword or a GUID")
    }
}

/// Entra's ID token claims.
#[derive(Debug, Clone, Copy)]
struct MicrosoftClaims;

impl ClaimsMapper for MicrosoftClaims {
    fn map(
        &self,
        claims: &Map<String, Value>,
        _: &BTreeMap<String, String>,
    ) -> Result<User, Error> {
        let object = Value::Object(claims.clone());
        let username = claim_text(&object, "preferred_username");
        Ok(User {
            id: claim_text(&object, "sub").unwrap_or_default(),
            name: claim_text(&object, "name"),
            email: claim_text(&object, "email"),
            // Any tenant admin can set any `email`: only the xms_edov optional claim says the
            // domain owner verified it (the nOAuth lesson).
            email_verified: Some(claim_bool(claims, "xms_edov") == Some(true)),
            avatar_url: None,
            profile_url: None,
            username,
        })
    }
}
