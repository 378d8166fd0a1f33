//! [`OidcProvider`]: the [`Provider`] implementation of the OpenID Connect engine.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use serde_json::{Map, Value};
use url::Url;

use super::discovery::{self, ProviderMetadata};
use super::id_token::{self, Expected, IssuerRule};
use super::jwks::JwksCache;
use super::{ClaimsMapper, OidcConfig, StandardClaims, check_config};
use crate::clock::Clock;
use crate::failure::DenialRule;
use crate::http_client::HttpClient;
use crate::oauth2::get_profile_json;
use crate::provider::{Credentials, FinishContext, Finished, Provider, StartContext, Started};
use crate::token::{Authorize, ClientSecretMinter, TokenClient, UrlPrefix, check_extra_params};
use crate::trace::{call_span, provider_call};
use crate::{ConfigError, Error, Secret};

type CachedMetadata = Option<(Arc<ProviderMetadata>, Instant)>;

/// Claims only the validated ID token may set in the profile.
const ID_TOKEN_ONLY_CLAIMS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "azp",
    "exp",
    "iat",
    "nbf",
    "nonce",
    "auth_time",
    "tid",
];

/// An OpenID Connect provider: the engine configured by an [`OidcConfig`] and a
/// [`ClaimsMapper`]. Cheap to clone; clones share the metadata and JWKS caches.
///
/// ```
/// use coauth_core::oidc::{OidcConfig, OidcProvider};
/// let keycloak = OidcProvider::new(OidcConfig::new(
///     "https://sso.example.com/realms/main",
///     "client-id",
///     "client-secret",
/// ))
/// .expect("valid configuration");
/// # let _ = keycloak;
/// ```
#[derive(Clone)]
pub struct OidcProvider {
    config: Arc<OidcConfig>,
    issuer: IssuerRule,
    discovery_url: Option<Url>,
    static_metadata: Option<Arc<ProviderMetadata>>,
    mapper: Arc<dyn ClaimsMapper>,
    client: TokenClient,
    response_params: &'static [&'static str],
    metadata: Arc<Mutex<CachedMetadata>>,
    jwks: Arc<JwksCache>,
    url_prefix: UrlPrefix,
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OidcProvider {
    /// An engine for `config` mapping the standard claims ([`StandardClaims`]).
    pub fn new(config: OidcConfig) -> Result<OidcProvider, ConfigError> {
        check_config(&config)?;
        check_extra_params(&config.extra_authorize_params)?;
        let client = TokenClient::new(
            config.client_id.clone(),
            config.client_secret.clone(),
            config.client_auth,
        )
        .with_assertion_key(config.client_assertion_key.clone());
        let issuer = if config.issuer.contains(id_token::TENANT_PLACEHOLDER) {
            IssuerRule::TenantTemplate(config.issuer.clone())
        } else {
            let mut issuers = vec![config.issuer.clone()];
            issuers.extend(config.additional_issuers.iter().cloned());
            IssuerRule::Exact(issuers)
        };
        let discovery_url = match (&config.metadata, &config.discovery_url) {
            (Some(_), _) => None,
            (None, Some(url)) => Some(url.clone()),
            (None, None) => Some(discovery::discovery_url(&config.issuer)?),
        };
        Ok(OidcProvider {
            issuer,
            discovery_url,
            static_metadata: config.metadata.clone().map(Arc::new),
            mapper: Arc::new(StandardClaims),
            client,
            response_params: &[],
            metadata: Arc::new(Mutex::new(None)),
            jwks: Arc::new(JwksCache::new(
                config.jwks_refetch_interval,
                config.jwks_max_age,
            )),
            config: Arc::new(config),
            url_prefix: UrlPrefix::default(),
        })
    }

    /// Maps claims with `mapper` instead of [`StandardClaims`].
    pub fn with_mapper(mut self, mapper: impl ClaimsMapper) -> OidcProvider {
        self.mapper = Arc::new(mapper);
        self
    }

    /// Mints the client secret per token request with `minter` (Apple).
    pub fn with_client_secret_minter(self, minter: impl ClientSecretMinter) -> OidcProvider {
        self.with_shared_client_secret_minter(Arc::new(minter))
    }

    /// [`OidcProvider::with_client_secret_minter`] with a minter already shared.
    pub fn with_shared_client_secret_minter(
        mut self,
        minter: Arc<dyn ClientSecretMinter>,
    ) -> OidcProvider {
        self.client = self.client.with_minter(Some(minter));
        self
    }

    /// Redirect parameters the provider sends beyond the standard ones (Apple's `user`);
    /// they reach the [`ClaimsMapper`].
    pub fn with_response_params(mut self, names: &'static [&'static str]) -> OidcProvider {
        self.response_params = names;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The provider's metadata: static, or discovered from the issuer and cached.
    pub async fn metadata(&self, http: &dyn HttpClient) -> Result<Arc<ProviderMetadata>, Error> {
        if let Some(metadata) = &self.static_metadata {
            return Ok(Arc::clone(metadata));
        }
        let Some(url) = &self.discovery_url else {
            return Err(Error::Provider("the provider has no metadata".into()));
        };
        let stale = {
            let cached = self.metadata.lock().unwrap_or_else(|p| p.into_inner());
            match &*cached {
                Some((metadata, at)) if at.elapsed() < self.config.metadata_max_age => {
                    return Ok(Arc::clone(metadata));
                }
                other => other.as_ref().map(|(metadata, _)| Arc::clone(metadata)),
            }
        };
        let discovered = provider_call(
            call_span!("coauth.discovery"),
            discovery::discover(
                http,
                url,
                self.issuer.canonical(),
                self.config.allow_http_loopback,
            ),
        )
        .await;
        match discovered {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *self.metadata.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((Arc::clone(&fresh), Instant::now()));
                Ok(fresh)
            }
            // A provider whose discovery is briefly down keeps working on what it said last.
            Err(error) => stale.ok_or(error),
        }
    }

    /// Validates an ID token completely (header, claims, signature) and returns its claims.
    /// `nonce` is the nonce sent for it, or `None` for tokens that carry none (refresh);
    /// `exp`, `iat` and `nbf` are checked against `clock`.
    pub async fn verify_id_token(
        &self,
        http: &dyn HttpClient,
        token: &str,
        nonce: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<Map<String, Value>, Error> {
        let metadata = self.metadata(http).await?;
        self.verify_with(http, &metadata, token, nonce, clock).await
    }

    /// What an ID token's claims must satisfy.
    fn expected<'a>(&'a self, nonce: Option<&'a str>, clock: &dyn Clock) -> Expected<'a> {
        Expected {
            issuer: &self.issuer,
            client_id: &self.config.client_id,
            additional_audiences: &self.config.additional_audiences,
            nonce,
            now: clock.now_unix(),
            leeway: self.config.leeway.as_secs(),
        }
    }

    async fn verify_with(
        &self,
        http: &dyn HttpClient,
        metadata: &ProviderMetadata,
        token: &str,
        nonce: Option<&str>,
        clock: &dyn Clock,
    ) -> Result<Map<String, Value>, Error> {
        if self.config.hs256_client_secret && id_token::is_hs256(token) {
            let claims = id_token::verify_hs256(token, self.config.client_secret.expose())?;
            id_token::check_claims(&claims, &self.expected(nonce, clock))?;
            return Ok(claims);
        }
        let unverified = id_token::parse(token, &self.config.algorithms)?;
        id_token::check_claims(&unverified.claims, &self.expected(nonce, clock))?;
        let key = self
            .jwks
            .key(
                http,
                &metadata.jwks_uri,
                unverified.kid.as_deref(),
                unverified.alg,
            )
            .await?;
        if !key.verify(
            unverified.alg,
            unverified.signing_input.as_bytes(),
            unverified.signature,
        ) {
            return Err(Error::Provider(
                "the provider's ID token is invalid: its signature does not verify".into(),
            ));
        }
        Ok(unverified.claims)
    }

    /// Exchanges a refresh token for fresh credentials. A new ID token in the answer is
    /// validated like the first one (without a nonce) against `clock`, which also dates
    /// the JWTs the client authenticates with. When the provider does not rotate refresh
    /// tokens, the credentials carry the one given.
    pub async fn refresh(
        &self,
        http: &dyn HttpClient,
        refresh_token: &Secret,
        clock: &dyn Clock,
    ) -> Result<Credentials, Error> {
        let metadata = self.metadata(http).await?;
        let credentials = self
            .client
            .refresh(http, &metadata.token_endpoint, refresh_token, clock)
            .await?;
        if let Some(id_token) = &credentials.id_token {
            self.verify_with(http, &metadata, id_token.expose(), None, clock)
                .await?;
        }
        Ok(credentials)
    }

    /// RFC 9207: an `iss` in the redirect must name this provider; when the provider says it
    /// always sends one, it must be there. Checked before the code is sent anywhere.
    fn check_response_iss(
        &self,
        params: &BTreeMap<String, String>,
        metadata: &ProviderMetadata,
    ) -> Result<(), Error> {
        crate::oauth2::check_response_iss(
            params,
            |iss| self.issuer.accepts_response_iss(iss),
            metadata.iss_parameter_supported,
        )
    }
}

#[async_trait]
impl Provider for OidcProvider {
    fn extra_response_params(&self) -> &[&'static str] {
        self.response_params
    }

    fn denial_rules(&self) -> &[DenialRule] {
        self.config.denials
    }

    async fn start(&self, ctx: StartContext<'_>) -> Result<Started, Error> {
        let config = &self.config;
        if ctx.silent && !config.supports_prompt_none {
            return Err(Error::Input(
                "this provider does not support silent sign-in".into(),
            ));
        }
        let metadata = self.metadata(ctx.http).await?;
        let mut scopes: Vec<&str> = if ctx.options.scope.is_empty() {
            config.default_scopes.iter().map(String::as_str).collect()
        } else {
            ctx.options.scope.iter().map(String::as_str).collect()
        };
        if !scopes.contains(&"openid") {
            scopes.insert(0, "openid");
        }
        let url = Authorize {
            endpoint: &metadata.authorization_endpoint,
            client_id: &config.client_id,
            client_id_param: "client_id",
            redirect_uri: ctx.redirect_uri,
            state: ctx.state,
            scopes: &scopes,
            scope_separator: " ",
            pkce_challenge: config.pkce.then_some(ctx.pkce_challenge),
            nonce: config.nonce.then_some(ctx.nonce),
            response_mode: config.response_mode.as_deref(),
            silent: ctx.silent,
            prompt: config.prompt,
            extra: &config.extra_authorize_params,
            prefix: &self.url_prefix,
        }
        .url();
        Ok(Started::new(url))
    }

    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error> {
        let metadata = self.metadata(ctx.http).await?;
        self.check_response_iss(ctx.params, &metadata)?;
        let credentials = self
            .client
            .code_grant(
                ctx.http,
                &metadata.token_endpoint,
                &ctx,
                self.config.pkce,
                &[],
            )
            .await?;
        let id_token = credentials
            .id_token
            .as_ref()
            .ok_or_else(|| Error::Provider("the provider's token answer has no id_token".into()))?;
        let nonce = self.config.nonce.then_some(ctx.nonce);
        let mut claims = self
            .verify_with(ctx.http, &metadata, id_token.expose(), nonce, ctx.clock)
            .await?;
        if let Some(userinfo_url) = metadata
            .userinfo_endpoint
            .as_ref()
            .filter(|_| self.config.fetch_userinfo)
        {
            let userinfo = provider_call(
                call_span!("coauth.userinfo"),
                get_profile_json(ctx.http, userinfo_url.as_str(), &credentials, &[]),
            )
            .await?;
            let Value::Object(userinfo) = userinfo else {
                return Err(Error::Provider(
                    "the provider's userinfo answer is not a JSON object".into(),
                ));
            };
            if userinfo.get("sub") != claims.get("sub") {
                return Err(Error::Provider(
                    "the provider's userinfo is about another user than the ID token (sub)".into(),
                ));
            }
            // Userinfo adds profile claims; it never replaces what the ID token proved.
            for (name, value) in userinfo {
                if !ID_TOKEN_ONLY_CLAIMS.contains(&name.as_str()) {
                    claims.insert(name, value);
                }
            }
        }
        let user = self.mapper.map(&claims, ctx.params)?;
        if user.id.is_empty() {
            return Err(Error::Provider("the provider's user has no id".into()));
        }
        Ok(Finished {
            user,
            profile: Value::Object(claims),
            credentials,
        })
    }
}
