//! The OAuth 2.0 authorization-code engine: PKCE S256, every client authentication of the
//! token client ([`ClientAuth`]), lenient token parsing, RFC 9207 `iss` checks, profile
//! fetch.
//!
//! Presets ([`crate::presets`]) are configurations of this engine plus a [`ProfileFetcher`].

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use url::Url;

use crate::failure::{DenialRule, STANDARD_DENIALS, value_as_text};
use crate::http_client::HttpClient;
use crate::provider::{
    Credentials, FinishContext, Finished, Provider, StartContext, Started, User,
};
use crate::token::{Authorize, TokenClient, UrlPrefix};
use crate::trace::{call_span, provider_call};
use crate::{Clock, ConfigError, Error, Secret};

mod api;

pub(crate) use crate::token::parse_endpoint;
pub use crate::token::{
    ClientAuth, ClientSecretMinter, Prompt, parse_token_response, token_answer_extra,
};
pub use api::ApiRequest;

/// The settings of an OAuth 2.0 provider.
#[derive(Debug, Clone)]
pub struct OAuth2Config {
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret registered at the provider.
    pub client_secret: Secret,
    /// The name the client id travels under in the authorization request and the token
    /// request's form. Default `client_id`; TikTok's is `client_key`.
    pub client_id_param: &'static str,
    /// Where the provider may wrap its token answer, as a JSON pointer (Instagram Login's
    /// documented `{"data": [{"access_token": ...}]}` is `/data/0`): an answer without a
    /// top-level `access_token` or `error` is read there. Default `None`.
    pub token_answer_at: Option<&'static str>,
    /// The authorization endpoint.
    pub authorize_url: Url,
    /// The token endpoint.
    pub token_url: Url,
    /// Scopes requested when the client asks for none.
    pub default_scopes: Vec<String>,
    /// Separator between scopes in the `scope` parameter.
    pub scope_separator: &'static str,
    /// Client authentication at the token endpoint.
    pub client_auth: ClientAuth,
    /// Send the PKCE S256 challenge and verifier.
    pub pkce: bool,
    /// Whether the provider honours `prompt=none` for silent attempts.
    pub supports_prompt_none: bool,
    /// The `prompt` of every interactive sign-in; a silent attempt sends `prompt=none`
    /// instead. Default none.
    pub prompt: Option<Prompt>,
    /// Extra fixed parameters on the authorization URL. Parameters coauth sets itself
    /// (`state`, `prompt`, `scope`, PKCE, ...) are never taken from here.
    pub extra_authorize_params: Vec<(String, String)>,
    /// Redirect parameters copied into the token request under the same name, e.g. VK ID's
    /// `device_id`. The provider lets them through the core's redirect-parameter filter
    /// ([`Provider::extra_response_params`]), and a redirect without one of them is refused
    /// before the token request.
    pub redirect_params_to_token: &'static [&'static str],
    /// Further redirect parameters the provider lets through the core's filter for its
    /// redirect check ([`OAuth2Provider::with_redirect_check`]), e.g. Shopify's `hmac`; they
    /// are sent nowhere. Default none.
    pub redirect_params: &'static [&'static str],
    /// How the provider's redirect says the user refused ([`Provider::denial_rules`]).
    /// Default [`crate::STANDARD_DENIALS`].
    pub denials: &'static [DenialRule],
    /// The key that signs `private_key_jwt` client assertions; see
    /// [`OAuth2Config::with_private_key_jwt`].
    #[cfg(feature = "oidc")]
    pub client_assertion_key: Option<crate::jose::SigningKey>,
    /// The provider's issuer identifier (RFC 8414), as it sends it in the `iss` parameter of
    /// its answers (RFC 9207), e.g. GitHub's `https://github.com/login/oauth`. An answer that
    /// carries an `iss` is refused before the code is sent anywhere unless `iss` equals this
    /// exactly, and so is every answer with an `iss` while this is `None`: a provider that
    /// sends `iss` needs its issuer configured. Default `None`.
    pub issuer: Option<String>,
    /// Whether the provider sends `iss` in every answer (its metadata's
    /// `authorization_response_iss_parameter_supported`): then an answer without `iss` is
    /// refused too. Needs [`OAuth2Config::issuer`]. Default `false`.
    pub iss_parameter_supported: bool,
}

impl OAuth2Config {
    /// A configuration with the common defaults: `client_secret_basic`, PKCE on, space
    /// separated scopes, `prompt=none` supported.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        authorize_url: &str,
        token_url: &str,
    ) -> Result<Self, ConfigError> {
        Ok(OAuth2Config {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            client_id_param: "client_id",
            token_answer_at: None,
            authorize_url: parse_endpoint(authorize_url)?,
            token_url: parse_endpoint(token_url)?,
            default_scopes: Vec::new(),
            scope_separator: " ",
            client_auth: ClientAuth::Basic,
            pkce: true,
            supports_prompt_none: true,
            prompt: None,
            extra_authorize_params: Vec::new(),
            redirect_params_to_token: &[],
            redirect_params: &[],
            denials: STANDARD_DENIALS,
            #[cfg(feature = "oidc")]
            client_assertion_key: None,
            issuer: None,
            iss_parameter_supported: false,
        })
    }

    /// Authenticates at the token endpoint with `private_key_jwt`: each token request carries
    /// a fresh assertion signed with `key` (register its [`public_jwk`] at the provider).
    ///
    /// [`public_jwk`]: crate::jose::SigningKey::public_jwk
    #[cfg(feature = "oidc")]
    pub fn with_private_key_jwt(mut self, key: crate::jose::SigningKey) -> Self {
        self.client_auth = ClientAuth::PrivateKeyJwt;
        self.client_assertion_key = Some(key);
        self
    }
}

/// Fetches the user's profile with an access token and maps it to a [`User`].
#[async_trait]
pub trait ProfileFetcher: Send + Sync + 'static {
    /// Fetches the profile; returns the normalized user and the provider's own document.
    async fn fetch(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
    ) -> Result<(User, serde_json::Value), Error>;
}

/// Checks a redirect's parameters before its code is exchanged; see
/// [`OAuth2Provider::with_redirect_check`].
type RedirectCheck = dyn Fn(&BTreeMap<String, String>) -> Result<(), Error> + Send + Sync;

/// An OAuth 2.0 provider: the engine configured by an [`OAuth2Config`] and a
/// [`ProfileFetcher`].
#[derive(Clone)]
pub struct OAuth2Provider {
    config: Arc<OAuth2Config>,
    client: TokenClient,
    profile: Arc<dyn ProfileFetcher>,
    /// [`OAuth2Config::redirect_params_to_token`] and [`OAuth2Config::redirect_params`].
    response_params: Vec<&'static str>,
    redirect_check: Option<Arc<RedirectCheck>>,
    url_prefix: UrlPrefix,
}

impl std::fmt::Debug for OAuth2Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Provider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OAuth2Provider {
    /// An engine for `config` that reads the profile with `profile`.
    pub fn new(config: OAuth2Config, profile: impl ProfileFetcher) -> Self {
        let client = TokenClient::new(
            config.client_id.clone(),
            config.client_secret.clone(),
            config.client_auth,
        )
        .with_client_id_param(config.client_id_param)
        .with_answer_at(config.token_answer_at);
        #[cfg(feature = "oidc")]
        let client = client.with_assertion_key(config.client_assertion_key.clone());
        let response_params = config
            .redirect_params_to_token
            .iter()
            .chain(config.redirect_params)
            .copied()
            .collect();
        OAuth2Provider {
            config: Arc::new(config),
            client,
            profile: Arc::new(profile),
            response_params,
            redirect_check: None,
            url_prefix: UrlPrefix::default(),
        }
    }

    /// Checks every redirect that carries a code with `check` before the code is exchanged
    /// (a signature over the redirect's parameters); an error stops the sign-in before any
    /// token request. `check` sees the standard parameters plus
    /// [`OAuth2Config::redirect_params_to_token`] and [`OAuth2Config::redirect_params`].
    pub fn with_redirect_check(
        mut self,
        check: impl Fn(&BTreeMap<String, String>) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.redirect_check = Some(Arc::new(check));
        self
    }

    /// Mints the client secret per token request with `minter` instead of sending the
    /// configured one.
    pub fn with_client_secret_minter(mut self, minter: impl ClientSecretMinter) -> Self {
        self.client = self.client.with_minter(Some(Arc::new(minter)));
        self
    }

    /// The configuration.
    pub fn config(&self) -> &OAuth2Config {
        &self.config
    }

    /// Exchanges a refresh token for fresh credentials (RFC 6749 section 6), authenticated
    /// like the code exchange, with JWTs (client assertions, minted secrets) issued at
    /// `clock`'s time. When the provider does not rotate refresh tokens (its answer has
    /// none), the credentials carry the one given, which stays valid.
    pub async fn refresh(
        &self,
        http: &dyn HttpClient,
        refresh_token: &Secret,
        clock: &dyn Clock,
    ) -> Result<Credentials, Error> {
        self.client
            .refresh(http, &self.config.token_url, refresh_token, clock)
            .await
    }
}

#[async_trait]
impl Provider for OAuth2Provider {
    fn extra_response_params(&self) -> &[&'static str] {
        &self.response_params
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
        let scopes: Vec<&str> = if ctx.options.scope.is_empty() {
            config.default_scopes.iter().map(String::as_str).collect()
        } else {
            ctx.options.scope.iter().map(String::as_str).collect()
        };
        let url = Authorize {
            endpoint: &config.authorize_url,
            client_id: &config.client_id,
            client_id_param: config.client_id_param,
            redirect_uri: ctx.redirect_uri,
            state: ctx.state,
            scopes: &scopes,
            scope_separator: config.scope_separator,
            pkce_challenge: config.pkce.then_some(ctx.pkce_challenge),
            nonce: None,
            response_mode: None,
            silent: ctx.silent,
            prompt: config.prompt,
            extra: &config.extra_authorize_params,
            prefix: &self.url_prefix,
        }
        .url();
        Ok(Started::new(url))
    }

    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error> {
        let issuer = self.config.issuer.as_deref();
        if issuer.is_none() && ctx.params.contains_key("iss") {
            // Without a configured issuer an `iss` cannot be told from another provider's.
            return Err(Error::Input(
                "the provider's answer carries an RFC 9207 iss, but no issuer is configured \
                 for this provider (OAuth2Config::issuer): refused as a possible mix-up"
                    .into(),
            ));
        }
        check_response_iss(
            ctx.params,
            |iss| issuer == Some(iss),
            self.config.iss_parameter_supported,
        )?;
        if let Some(check) = &self.redirect_check {
            check(ctx.params)?;
        }
        let credentials = self
            .client
            .code_grant(
                ctx.http,
                &self.config.token_url,
                &ctx,
                self.config.pkce,
                self.config.redirect_params_to_token,
            )
            .await?;
        let (user, profile) = provider_call(
            call_span!("coauth.profile"),
            self.profile.fetch(ctx.http, &credentials),
        )
        .await?;
        Ok(Finished {
            user,
            profile,
            credentials,
        })
    }
}

/// RFC 9207, shared by the OAuth 2.0 and OpenID Connect engines: an `iss` in the provider's
/// answer must be one `accepts` takes, and when the provider always sends one (`required`) it
/// must be there. Called before the code is sent anywhere, so an answer of another provider
/// (provider mix-up, SECURITY.md item 8) never reaches this provider's token endpoint.
pub(crate) fn check_response_iss(
    params: &BTreeMap<String, String>,
    accepts: impl Fn(&str) -> bool,
    required: bool,
) -> Result<(), Error> {
    match params.get("iss") {
        Some(iss) if accepts(iss) => Ok(()),
        Some(_) => Err(Error::Input(
            "the provider's answer names another issuer (RFC 9207 iss mismatch)".into(),
        )),
        None if required => Err(Error::Input(
            "the provider's answer has no iss although the provider always sends one".into(),
        )),
        None => Ok(()),
    }
}

/// Sends an authenticated GET to a profile endpoint and parses the JSON answer.
pub async fn get_profile_json(
    http: &dyn HttpClient,
    url: &str,
    credentials: &Credentials,
    extra_headers: &[(&'static str, &'static str)],
) -> Result<serde_json::Value, Error> {
    let url = Url::parse(url)
        .map_err(|_| Error::Provider("the profile URL is not a valid URI".into()))?;
    let mut request = ApiRequest::get(&url).bearer(credentials);
    for (name, value) in extra_headers {
        request = request.header(name, value)?;
    }
    request.send(http).await
}

/// Reads a claim as text: strings as they are, numbers in decimal.
pub fn claim_text(profile: &serde_json::Value, name: &str) -> Option<String> {
    profile.get(name).and_then(value_as_text)
}

/// A [`ProfileFetcher`] for an OpenID Connect style userinfo endpoint (`sub`, `name`,
/// `email`, `email_verified`, `picture`, `profile`, `preferred_username`).
#[derive(Debug, Clone)]
pub struct StandardUserinfo {
    url: Url,
}

impl StandardUserinfo {
    /// Reads the profile from `url`.
    pub fn new(url: &str) -> Result<Self, ConfigError> {
        Ok(StandardUserinfo {
            url: parse_endpoint(url)?,
        })
    }

    /// Maps standard claims to a [`User`].
    pub fn map(profile: &serde_json::Value) -> Result<User, Error> {
        let id = claim_text(profile, "sub")
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Error::Provider("the provider's profile has no subject".into()))?;
        Ok(User {
            id,
            name: claim_text(profile, "name"),
            email: claim_text(profile, "email"),
            email_verified: profile.get("email_verified").and_then(|v| match v {
                serde_json::Value::Bool(b) => Some(*b),
                serde_json::Value::String(s) => s.parse().ok(),
                _ => None,
            }),
            avatar_url: claim_text(profile, "picture"),
            profile_url: claim_text(profile, "profile"),
            username: claim_text(profile, "preferred_username"),
        })
    }
}

#[async_trait]
impl ProfileFetcher for StandardUserinfo {
    async fn fetch(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
    ) -> Result<(User, serde_json::Value), Error> {
        let profile = get_profile_json(http, self.url.as_str(), credentials, &[]).await?;
        Ok((Self::map(&profile)?, profile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::AuthOptions;
    use bytes::Bytes;
    use http::Request;

    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts requests in `calls` and fails them all.
    fn counting_offline(calls: &AtomicUsize) -> impl HttpClient + '_ {
        move |_: Request<Bytes>| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(crate::HttpError::Other("no network in unit tests".into())) }
        }
    }

    async fn authorize_url(
        config: OAuth2Config,
        options: AuthOptions,
        silent: bool,
    ) -> Result<Url, Error> {
        let provider = OAuth2Provider::new(
            config,
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        provider
            .start(StartContext {
                redirect_uri: "https://app.example/coauth/result_page?x=1",
                state: "the-state",
                pkce_challenge: "the-challenge",
                nonce: "the-nonce",
                silent,
                options: &options,
                http: &counting_offline(&AtomicUsize::new(0)),
                clock: &crate::SystemClock,
            })
            .await
            .map(|started| started.url)
    }

    fn config() -> OAuth2Config {
        let mut config = OAuth2Config::new(
            "client id",
            "secret",
            "https://p.example/authorize?tenant=common",
            "https://p.example/token",
        )
        .unwrap();
        config.default_scopes = vec!["openid".into(), "email".into()];
        config
    }

    fn query(url: &Url) -> Vec<(String, String)> {
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[tokio::test]
    async fn authorization_url_carries_every_parameter_encoded() {
        let url = authorize_url(config(), AuthOptions::default(), false)
            .await
            .unwrap();
        assert_eq!(url.path(), "/authorize");
        let pairs = query(&url);
        let expected = [
            ("tenant", "common"),
            ("response_type", "code"),
            ("client_id", "client id"),
            ("redirect_uri", "https://app.example/coauth/result_page?x=1"),
            ("state", "the-state"),
            ("scope", "openid email"),
            ("code_challenge", "the-challenge"),
            ("code_challenge_method", "S256"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        assert_eq!(pairs, expected);
        assert!(url.as_str().contains("client_id=client+id"));
    }

    #[tokio::test]
    async fn client_scopes_replace_defaults_and_silent_adds_prompt_none() {
        let options = AuthOptions {
            scope: vec!["read:user".into(), "repo".into()],
            ..AuthOptions::default()
        };
        let mut config = config();
        config.scope_separator = ",";
        let url = authorize_url(config, options, true).await.unwrap();
        let pairs = query(&url);
        assert!(pairs.contains(&("scope".into(), "read:user,repo".into())));
        assert!(pairs.contains(&("prompt".into(), "none".into())));
    }

    #[tokio::test]
    async fn pkce_can_be_turned_off_and_silent_refused() {
        let mut config = config();
        config.pkce = false;
        config.supports_prompt_none = false;
        let url = authorize_url(config.clone(), AuthOptions::default(), false)
            .await
            .unwrap();
        assert!(
            !query(&url)
                .iter()
                .any(|(k, _)| k.starts_with("code_challenge"))
        );
        let error = authorize_url(config, AuthOptions::default(), true)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "InputError");
    }

    /// What `finish` does with an answer carrying `iss`: the error's code, and how many
    /// outbound calls it made (a failed token call is a ProviderError).
    async fn finish_with_iss(config: OAuth2Config, iss: Option<&str>) -> (String, usize) {
        let provider = OAuth2Provider::new(
            config,
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        let mut params = BTreeMap::from([("code".to_owned(), "c".to_owned())]);
        if let Some(iss) = iss {
            params.insert("iss".into(), iss.into());
        }
        let calls = AtomicUsize::new(0);
        let http = counting_offline(&calls);
        let error = provider
            .finish(FinishContext {
                params: &params,
                redirect_uri: "https://app.example/coauth/result_page",
                pkce_verifier: "v",
                nonce: "n",
                sealed: &serde_json::Value::Null,
                options: &crate::protocol::ResultOptions::default(),
                http: &http,
                clock: &crate::SystemClock,
            })
            .await
            .unwrap_err();
        (error.code().to_owned(), calls.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn rfc9207_iss_is_checked_before_the_token_call() {
        let refused = ("InputError".to_owned(), 0);
        let exchanged = ("ProviderError".to_owned(), 1);
        // No issuer configured: an answer without iss goes on, one with iss is refused.
        assert_eq!(finish_with_iss(config(), None).await, exchanged);
        assert_eq!(
            finish_with_iss(config(), Some("https://p.example")).await,
            refused
        );
        // An issuer configured: only that one passes.
        let mut with_issuer = config();
        with_issuer.issuer = Some("https://p.example".into());
        assert_eq!(
            finish_with_iss(with_issuer.clone(), Some("https://p.example")).await,
            exchanged
        );
        for other in ["https://honest.example", "https://p.example/", ""] {
            assert_eq!(
                finish_with_iss(with_issuer.clone(), Some(other)).await,
                refused,
                "{other:?}"
            );
        }
        assert_eq!(finish_with_iss(with_issuer.clone(), None).await, exchanged);
        // A provider that always sends iss: an answer without one is refused.
        with_issuer.iss_parameter_supported = true;
        assert_eq!(finish_with_iss(with_issuer.clone(), None).await, refused);
        assert_eq!(
            finish_with_iss(with_issuer, Some("https://p.example")).await,
            exchanged
        );
    }

    #[test]
    fn redirect_params_for_the_token_request_pass_the_filter() {
        let mut config = config();
        config.redirect_params_to_token = &["device_id"];
        let provider = OAuth2Provider::new(
            config,
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        assert_eq!(provider.extra_response_params(), ["device_id"]);
    }

    #[test]
    fn standard_claims_map_to_the_user() {
        let user = StandardUserinfo::map(&serde_json::json!({
            "sub": 42, "name": "Ada", "email": "ada@example.test", "email_verified": "true",
            "picture": "https://p.example/a.png", "preferred_username": "ada"
        }))
        .unwrap();
        assert_eq!(user.id, "42");
        assert_eq!(user.email_verified, Some(true));
        assert_eq!(user.username.as_deref(), Some("ada"));
        assert!(StandardUserinfo::map(&serde_json::json!({"name": "x"})).is_err());
    }
}
