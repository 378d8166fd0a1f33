//! [`OidcProvider`]: the [`Provider`] implementation of the OpenID Connect engine.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{Method, Request, header};
use serde_json::{Map, Value};
use url::Url;

use super::discovery::{self, ProviderMetadata};
use super::id_token::{self, Expected, IssuerRule};
use super::jwks::JwksCache;
use super::{ClaimsMapper, OidcConfig, StandardClaims, check_config, client_assertion};
use crate::config::{Clock, SystemClock};
use crate::http_client::HttpClient;
use crate::oauth2::{ClientAuth, get_profile_json, parse_token_response};
use crate::provider::{Credentials, FinishContext, Finished, Provider, StartContext, Started};
use crate::trace::{call_span, provider_call, record_status};
use crate::{ConfigError, Error, Secret};

/// Makes the client secret for one token request, for providers whose secret is itself a
/// short-lived JWT the app signs (Apple).
pub trait ClientSecretMinter: Send + Sync + 'static {
    /// A client secret for one token request of `client_id`.
    fn mint(&self, client_id: &str) -> Result<Secret, Error>;
}

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
    minter: Option<Arc<dyn ClientSecretMinter>>,
    clock: Arc<dyn Clock>,
    response_params: &'static [&'static str],
    metadata: Arc<Mutex<CachedMetadata>>,
    jwks: Arc<JwksCache>,
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
            minter: None,
            clock: Arc::new(SystemClock),
            response_params: &[],
            metadata: Arc::new(Mutex::new(None)),
            jwks: Arc::new(JwksCache::new(
                config.jwks_refetch_interval,
                config.jwks_max_age,
            )),
            config: Arc::new(config),
        })
    }

    /// Maps claims with `mapper` instead of [`StandardClaims`].
    pub fn with_mapper(mut self, mapper: impl ClaimsMapper) -> OidcProvider {
        self.mapper = Arc::new(mapper);
        self
    }

    /// Mints the client secret per token request with `minter` (Apple).
    pub fn with_client_secret_minter(mut self, minter: impl ClientSecretMinter) -> OidcProvider {
        self.minter = Some(Arc::new(minter));
        self
    }

    /// The time source for `exp`, `iat` and `nbf`. Default: the system clock.
    pub fn with_clock(mut self, clock: impl Clock) -> OidcProvider {
        self.clock = Arc::new(clock);
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
    /// `nonce` is the nonce sent for it, or `None` for tokens that carry none (refresh).
    pub async fn verify_id_token(
        &self,
        http: &dyn HttpClient,
        token: &str,
        nonce: Option<&str>,
    ) -> Result<Map<String, Value>, Error> {
        let metadata = self.metadata(http).await?;
        self.verify_with(http, &metadata, token, nonce).await
    }

    async fn verify_with(
        &self,
        http: &dyn HttpClient,
        metadata: &ProviderMetadata,
        token: &str,
        nonce: Option<&str>,
    ) -> Result<Map<String, Value>, Error> {
        let unverified = id_token::parse(token, &self.config.algorithms)?;
        id_token::check_claims(
            &unverified.claims,
            &Expected {
                issuer: &self.issuer,
                client_id: &self.config.client_id,
                additional_audiences: &self.config.additional_audiences,
                nonce,
                now: self.clock.now_unix(),
                leeway: self.config.leeway.as_secs(),
            },
        )?;
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
    /// validated like the first one (without a nonce). When the provider does not rotate
    /// refresh tokens, the credentials carry the one given.
    pub async fn refresh(
        &self,
        http: &dyn HttpClient,
        refresh_token: &Secret,
    ) -> Result<Credentials, Error> {
        let metadata = self.metadata(http).await?;
        let request = self.token_request(
            &metadata,
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
            ],
        )?;
        let mut credentials = provider_call(call_span!("coauth.refresh"), async {
            let response = http.execute(request).await?;
            record_status(response.status());
            parse_token_response(&response)
        })
        .await?;
        if let Some(id_token) = &credentials.id_token {
            self.verify_with(http, &metadata, id_token.expose(), None)
                .await?;
        }
        if credentials.refresh_token.is_none() {
            credentials.refresh_token = Some(refresh_token.clone());
        }
        Ok(credentials)
    }

    fn token_request(
        &self,
        metadata: &ProviderMetadata,
        form: Vec<(&str, &str)>,
    ) -> Result<Request<Bytes>, Error> {
        let config = &self.config;
        let minted = match &self.minter {
            Some(minter) => Some(minter.mint(&config.client_id)?),
            None => None,
        };
        let secret = minted.as_ref().unwrap_or(&config.client_secret);
        let assertion = match config.client_auth {
            ClientAuth::PrivateKeyJwt => Some(client_assertion(
                config.client_assertion_key.as_ref(),
                &config.client_id,
                &metadata.token_endpoint,
            )?),
            _ => None,
        };
        // A new binding, so the form may borrow the secret and assertion made here.
        let mut form = form;
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(metadata.token_endpoint.as_str())
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        match config.client_auth {
            ClientAuth::Basic => {
                // RFC 6749 section 2.3.1: id and secret are form-encoded before base64.
                let encode = |value: &str| -> String {
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
                };
                let pair = format!("{}:{}", encode(&config.client_id), encode(secret.expose()));
                builder = builder.header(
                    header::AUTHORIZATION,
                    format!("Basic {}", STANDARD.encode(pair)),
                );
            }
            ClientAuth::Post => {
                form.push(("client_id", &config.client_id));
                form.push(("client_secret", secret.expose()));
            }
            ClientAuth::Public => form.push(("client_id", &config.client_id)),
            ClientAuth::PrivateKeyJwt => {
                form.push(("client_id", &config.client_id));
                form.push(("client_assertion_type", super::JWT_BEARER_ASSERTION));
                form.push(("client_assertion", assertion.as_deref().unwrap_or_default()));
            }
        }
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        builder
            .body(Bytes::from(body))
            .map_err(|_| Error::Provider("the token endpoint URL is not a valid URI".into()))
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
    fn extra_response_params(&self) -> &'static [&'static str] {
        self.response_params
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
        let mut url = metadata.authorization_endpoint.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &config.client_id)
                .append_pair("redirect_uri", ctx.redirect_uri)
                .append_pair("state", ctx.state)
                .append_pair("scope", &scopes.join(" "));
            if config.nonce {
                query.append_pair("nonce", ctx.nonce);
            }
            if config.pkce {
                query
                    .append_pair("code_challenge", ctx.pkce_challenge)
                    .append_pair("code_challenge_method", "S256");
            }
            if let Some(mode) = &config.response_mode {
                query.append_pair("response_mode", mode);
            }
            if ctx.silent {
                query.append_pair("prompt", "none");
            }
            for (name, value) in &config.extra_authorize_params {
                query.append_pair(name, value);
            }
        }
        Ok(Started {
            url,
            sealed: Value::Null,
        })
    }

    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error> {
        let metadata = self.metadata(ctx.http).await?;
        self.check_response_iss(ctx.params, &metadata)?;
        let form = crate::oauth2::code_grant_form(&ctx, self.config.pkce)?;
        let request = self.token_request(&metadata, form)?;
        let credentials = provider_call(call_span!("coauth.token"), async {
            let response = ctx.http.execute(request).await?;
            record_status(response.status());
            parse_token_response(&response)
        })
        .await?;
        let id_token = credentials
            .id_token
            .as_ref()
            .ok_or_else(|| Error::Provider("the provider's token answer has no id_token".into()))?;
        let nonce = self.config.nonce.then_some(ctx.nonce);
        let mut claims = self
            .verify_with(ctx.http, &metadata, id_token.expose(), nonce)
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
