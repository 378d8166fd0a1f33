//! Slack ("Sign in with Slack", OpenID Connect): issuer `https://slack.com`, client
//! credentials in the form body, errors sent with HTTP 200 as `{"ok": false, "error": ...}`,
//! and Slack's namespaced claims (`https://slack.com/team_id`, ...).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::oauth2::{ClientAuth, claim_text};
use crate::oidc::{ClaimsMapper, OidcConfig, OidcProvider, ProviderMetadata, standard_user};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

const ISSUER: &str = "https://slack.com";
const AUTHORIZE: &str = "https://slack.com/openid/connect/authorize";
const TOKEN: &str = "https://slack.com/api/openid.connect.token";
const USERINFO: &str = "https://slack.com/api/openid.connect.userInfo";
const JWKS: &str = "https://slack.com/openid/connect/keys";

/// The Slack preset.
///
/// ```
/// let slack = coauth_core::presets::Slack::new("client-id", "client-secret").build();
/// # let _ = slack;
/// ```
#[derive(Debug, Clone)]
pub struct Slack {
    client_id: String,
    client_secret: Secret,
    team: Option<String>,
    metadata: Option<ProviderMetadata>,
}

impl Slack {
    /// Slack with the app's client id and secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Slack {
        Slack {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            team: None,
            metadata: None,
        }
    }

    /// Preselects a workspace (`team=`); the user can still pick another, so check
    /// `https://slack.com/team_id` in the profile when only one workspace may sign in.
    pub fn team(mut self, team_id: impl Into<String>) -> Slack {
        self.team = Some(team_id.into());
        self
    }

    /// Other endpoints (a test double of Slack).
    pub fn with_metadata(mut self, metadata: ProviderMetadata) -> Slack {
        self.metadata = Some(metadata);
        self
    }

    /// Builds the provider. Fails when [`Slack::with_metadata`] gave invalid endpoints.
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
        config.supports_prompt_none = false;
        if let Some(team) = self.team {
            config.extra_authorize_params.push(("team".into(), team));
        }
        Ok(OidcProvider::new(config)?.with_mapper(SlackClaims))
    }

    /// Builds the provider for Slack's own endpoints, which are always valid.
    pub fn build(self) -> OidcProvider {
        self.try_build()
            .expect("Slack's endpoints are valid unless with_metadata changed them")
    }
}

/// Slack's claims: the standard ones, the largest avatar when `picture` is missing.
#[derive(Debug, Clone, Copy)]
struct SlackClaims;

impl ClaimsMapper for SlackClaims {
    fn map(
        &self,
        claims: &Map<String, Value>,
        _: &BTreeMap<String, String>,
    ) -> Result<User, Error> {
        let object = Value::Object(claims.clone());
        let mut user = standard_user(claims);
        if user.avatar_url.is_none() {
            user.avatar_url = claim_text(&object, "https://slack.com/user_image_512");
        }
        Ok(user)
    }
}
