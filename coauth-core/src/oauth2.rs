//! The OAuth 2.0 authorization-code engine: PKCE S256, `client_secret_basic` and
//! `client_secret_post`, lenient token parsing, profile fetch.
//!
//! Presets ([`crate::presets`]) are configurations of this engine plus a [`ProfileFetcher`].

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, header};
use url::Url;

use crate::http_client::HttpClient;
use crate::provider::{
    Credentials, FinishContext, Finished, Provider, StartContext, Started, User,
};
use crate::trace::{call_span, provider_call, record_status};
use crate::{ConfigError, Error, Secret};

mod api;

pub use api::ApiRequest;

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret.
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    Post,
    /// A public client (RFC 6749 section 2.1): `client_id` in the form body and no secret at
    /// all, which PKCE then protects (VK ID). The configured secret is never sent.
    Public,
    /// `private_key_jwt` (RFC 7523 section 2.2, OpenID Connect Core 9): a short-lived JWT
    /// signed with [`OAuth2Config::client_assertion_key`] proves the client; no secret is sent.
    #[cfg(feature = "oidc")]
    PrivateKeyJwt,
}

/// The settings of an OAuth 2.0 provider.
#[derive(Debug, Clone)]
pub struct OAuth2Config {
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret registered at the provider.
    pub client_secret: Secret,
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
    /// Extra fixed parameters on the authorization URL.
    pub extra_authorize_params: Vec<(String, String)>,
    /// With [`ClientAuth::Basic`], send `client_id` in the form body as well (X requires
    /// both). The other methods send it in the body anyway.
    pub client_id_in_body: bool,
    /// Redirect parameters copied into the token request under the same name, e.g. VK ID's
    /// `device_id`. The provider lets them through the core's redirect-parameter filter
    /// ([`Provider::extra_response_params`]), and a redirect without one of them is refused
    /// before the token request.
    pub redirect_params_to_token: &'static [&'static str],
    /// The key that signs `private_key_jwt` client assertions; see
    /// [`OAuth2Config::with_private_key_jwt`].
    #[cfg(feature = "oidc")]
    pub client_assertion_key: Option<crate::oidc::SigningKey>,
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
            authorize_url: parse_endpoint(authorize_url)?,
            token_url: parse_endpoint(token_url)?,
            default_scopes: Vec::new(),
            scope_separator: " ",
            client_auth: ClientAuth::Basic,
            pkce: true,
            supports_prompt_none: true,
            extra_authorize_params: Vec::new(),
            client_id_in_body: false,
            redirect_params_to_token: &[],
            #[cfg(feature = "oidc")]
            client_assertion_key: None,
            issuer: None,
            iss_parameter_supported: false,
        })
    }

    /// Authenticates at the token endpoint with `private_key_jwt`: each token request carries
    /// a fresh assertion signed with `key` (register its [`public_jwk`] at the provider).
    ///
    /// [`public_jwk`]: crate::oidc::SigningKey::public_jwk
    #[cfg(feature = "oidc")]
    pub fn with_private_key_jwt(mut self, key: crate::oidc::SigningKey) -> Self {
        self.client_auth = ClientAuth::PrivateKeyJwt;
        self.client_assertion_key = Some(key);
        self
    }
}

/// Parses a configured endpoint URL.
pub(crate) fn parse_endpoint(url: &str) -> Result<Url, ConfigError> {
    let parsed = Url::parse(url)
        .map_err(|e| ConfigError(format!("endpoint URL {url:?} is invalid: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ConfigError(format!(
            "endpoint URL {url:?} must be an http(s) URL"
        )));
    }
    Ok(parsed)
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

/// An OAuth 2.0 provider: the engine configured by an [`OAuth2Config`] and a
/// [`ProfileFetcher`].
#[derive(Clone)]
pub struct OAuth2Provider {
    config: Arc<OAuth2Config>,
    profile: Arc<dyn ProfileFetcher>,
    token_accept: HeaderValue,
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
        OAuth2Provider {
            config: Arc::new(config),
            profile: Arc::new(profile),
            token_accept: HeaderValue::from_static("application/json"),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &OAuth2Config {
        &self.config
    }

    /// Exchanges a refresh token for fresh credentials (RFC 6749 section 6), authenticated
    /// like the code exchange. When the provider does not rotate refresh tokens (its answer
    /// has none), the credentials carry the one given, which stays valid.
    pub async fn refresh(
        &self,
        http: &dyn HttpClient,
        refresh_token: &Secret,
    ) -> Result<Credentials, Error> {
        let request = self.token_request(vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ])?;
        let mut credentials = provider_call(call_span!("coauth.refresh"), async {
            let response = http.execute(request).await?;
            record_status(response.status());
            parse_token_response(&response)
        })
        .await?;
        if credentials.refresh_token.is_none() {
            credentials.refresh_token = Some(refresh_token.clone());
        }
        Ok(credentials)
    }

    fn token_request(&self, form: Vec<(&str, &str)>) -> Result<Request<Bytes>, Error> {
        let config = &self.config;
        let mut form = form;
        #[cfg(feature = "oidc")]
        let assertion = match config.client_auth {
            ClientAuth::PrivateKeyJwt => Some(crate::oidc::client_assertion(
                config.client_assertion_key.as_ref(),
                &config.client_id,
                &config.token_url,
            )?),
            _ => None,
        };
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(config.token_url.as_str())
            .header(header::ACCEPT, self.token_accept.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        match config.client_auth {
            ClientAuth::Basic => {
                // RFC 6749 section 2.3.1: id and secret are form-encoded before base64.
                let id = form_encode(&config.client_id);
                let secret = form_encode(config.client_secret.expose());
                let credentials = STANDARD.encode(format!("{id}:{secret}"));
                builder = builder.header(header::AUTHORIZATION, format!("Basic {credentials}"));
                if config.client_id_in_body {
                    form.push(("client_id", &config.client_id));
                }
            }
            ClientAuth::Post => {
                form.push(("client_id", &config.client_id));
                form.push(("client_secret", config.client_secret.expose()));
            }
            ClientAuth::Public => form.push(("client_id", &config.client_id)),
            #[cfg(feature = "oidc")]
            ClientAuth::PrivateKeyJwt => {
                form.push(("client_id", &config.client_id));
                form.push(("client_assertion_type", crate::oidc::JWT_BEARER_ASSERTION));
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
}

fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[async_trait]
impl Provider for OAuth2Provider {
    fn extra_response_params(&self) -> &'static [&'static str] {
        self.config.redirect_params_to_token
    }

    async fn start(&self, ctx: StartContext<'_>) -> Result<Started, Error> {
        let config = &self.config;
        let mut url = config.authorize_url.clone();
        let scopes = if ctx.options.scope.is_empty() {
            &config.default_scopes
        } else {
            &ctx.options.scope
        };
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &config.client_id)
                .append_pair("redirect_uri", ctx.redirect_uri)
                .append_pair("state", ctx.state);
            if !scopes.is_empty() {
                query.append_pair("scope", &scopes.join(config.scope_separator));
            }
            if config.pkce {
                query
                    .append_pair("code_challenge", ctx.pkce_challenge)
                    .append_pair("code_challenge_method", "S256");
            }
            if ctx.silent {
                if !config.supports_prompt_none {
                    return Err(Error::Input(
                        "this provider does not support silent sign-in".into(),
                    ));
                }
                query.append_pair("prompt", "none");
            }
            for (name, value) in &config.extra_authorize_params {
                query.append_pair(name, value);
            }
        }
        Ok(Started {
            url,
            sealed: serde_json::Value::Null,
        })
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
        let mut form = code_grant_form(&ctx, self.config.pkce)?;
        for name in self.config.redirect_params_to_token {
            let value = ctx
                .params
                .get(*name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| Error::Input(format!("the provider's answer has no {name}")))?;
            form.push((name, value.as_str()));
        }
        let request = self.token_request(form)?;
        let credentials = provider_call(call_span!("coauth.token"), async {
            let response = ctx.http.execute(request).await?;
            record_status(response.status());
            parse_token_response(&response)
        })
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

/// The form of an authorization-code token request: the code from the redirect, the exact
/// redirect URI and, with PKCE, the sealed verifier.
pub(crate) fn code_grant_form<'a>(
    ctx: &FinishContext<'a>,
    pkce: bool,
) -> Result<Vec<(&'static str, &'a str)>, Error> {
    let code = ctx
        .params
        .get("code")
        .filter(|code| !code.is_empty())
        .ok_or_else(|| Error::Input("the provider's answer has no code".into()))?;
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", ctx.redirect_uri),
    ];
    if pkce {
        form.push(("code_verifier", ctx.pkce_verifier));
    }
    Ok(form)
}

/// Parses a token endpoint answer leniently: a JSON or form-encoded body, errors sent with
/// HTTP 200, `expires_in` as a number or a string, `scope` as a string or an array.
pub fn parse_token_response(response: &Response<Bytes>) -> Result<Credentials, Error> {
    let status = response.status();
    if status.is_server_error() {
        return Err(Error::ProviderTechnical(format!(
            "the provider's token endpoint failed with HTTP {}",
            status.as_u16()
        )));
    }
    let fields = parse_object(response).ok_or_else(|| {
        Error::Provider(format!(
            "the provider's token answer is malformed (HTTP {})",
            status.as_u16()
        ))
    })?;
    if let Some(error) = fields.get("error") {
        return Err(provider_error_code("token request", error));
    }
    if !status.is_success() {
        // Twitch and others answer `{"status": 400, "message": "..."}` instead of `error`.
        let detail = fields
            .get("message")
            .and_then(value_as_text)
            .map(|message| format!(" ({})", safe_code(&message)))
            .unwrap_or_default();
        return Err(Error::Provider(format!(
            "the provider's token endpoint refused the request with HTTP {}{detail}",
            status.as_u16()
        )));
    }
    let text = |name: &str| fields.get(name).and_then(value_as_text);
    let access_token = text("access_token")
        .filter(|token| !token.is_empty())
        .ok_or_else(|| Error::Provider("the provider's token answer has no access_token".into()))?;
    Ok(Credentials {
        access_token: Secret::new(access_token),
        token_type: text("token_type").unwrap_or_else(|| "bearer".into()),
        expires_in: text("expires_in").and_then(|v| v.parse().ok()),
        refresh_token: text("refresh_token").map(Secret::new),
        scope: fields.get("scope").and_then(|scope| match scope {
            serde_json::Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(value_as_text)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            other => value_as_text(other),
        }),
        id_token: text("id_token").map(Secret::new),
        token_secret: None,
        extra: token_answer_extra(&fields),
    })
}

/// The fields of a token answer kept in [`Credentials::extra`]: all but the standard ones,
/// and never one whose name contains `token` or `secret`, so no secret travels further than
/// the token parser (and none reaches a log through `Debug`).
pub fn token_answer_extra(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    const STANDARD_FIELDS: &[&str] = &["token_type", "expires_in", "scope"];
    fields
        .iter()
        .filter(|(name, _)| {
            let lower = name.to_ascii_lowercase();
            !STANDARD_FIELDS.contains(&lower.as_str())
                && !lower.contains("token")
                && !lower.contains("secret")
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// Turns a provider's `error` value into the right error, keeping only a safe, short code.
pub(crate) fn provider_error_code(step: &str, error: &serde_json::Value) -> Error {
    let code = match error {
        serde_json::Value::String(code) => code.clone(),
        serde_json::Value::Object(object) => object
            .get("message")
            .or_else(|| object.get("error_msg"))
            .and_then(value_as_text)
            .unwrap_or_default(),
        other => other.to_string(),
    };
    let safe = safe_code(&code);
    // VK's `Unknown error occurred` and `Internal server error`, OK's `UNKNOWN : Unknown error`.
    let lower = safe.to_ascii_lowercase();
    if matches!(safe.as_str(), "server_error" | "temporarily_unavailable")
        || lower.contains("unknown error")
        || lower.contains("internal server error")
    {
        Error::ProviderTechnical(format!(
            "the provider reported a temporary failure ({safe})"
        ))
    } else {
        Error::Provider(format!("the provider refused the {step} ({safe})"))
    }
}

/// A provider's error text reduced to a short run of harmless characters, for messages.
pub(crate) fn safe_code(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        .take(64)
        .collect()
}

fn value_as_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Parses a JSON object or a form-encoded body into a JSON object.
fn parse_object(response: &Response<Bytes>) -> Option<serde_json::Map<String, serde_json::Value>> {
    let body = response.body();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let trimmed = body.trim_ascii_start();
    if content_type.contains("json") || trimmed.starts_with(b"{") {
        return match serde_json::from_slice(body) {
            Ok(serde_json::Value::Object(object)) => Some(object),
            _ => None,
        };
    }
    if content_type.contains("x-www-form-urlencoded")
        || (!trimmed.is_empty() && body.contains(&b'='))
    {
        let text = std::str::from_utf8(body).ok()?;
        let object: serde_json::Map<_, _> = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect();
        return (!object.is_empty()).then_some(object);
    }
    None
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

    fn response(status: u16, content_type: &str, body: &str) -> Response<Bytes> {
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, content_type)
            .body(Bytes::from(body.to_owned()))
            .unwrap()
    }

    struct NoNetwork;

    #[async_trait]
    impl HttpClient for NoNetwork {
        async fn execute(
            &self,
            _request: Request<Bytes>,
        ) -> Result<Response<Bytes>, crate::HttpError> {
            Err(crate::HttpError::Other("no network in unit tests".into()))
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
                http: &NoNetwork,
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

    /// Counts the calls it is asked to make, and fails each one.
    #[derive(Default)]
    struct CountingNoNetwork(std::sync::atomic::AtomicUsize);

    #[async_trait]
    impl HttpClient for CountingNoNetwork {
        async fn execute(
            &self,
            _request: Request<Bytes>,
        ) -> Result<Response<Bytes>, crate::HttpError> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Err(crate::HttpError::Other("no network in unit tests".into()))
        }
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
        let http = CountingNoNetwork::default();
        let error = provider
            .finish(FinishContext {
                params: &params,
                redirect_uri: "https://app.example/coauth/result_page",
                pkce_verifier: "v",
                nonce: "n",
                sealed: &serde_json::Value::Null,
                options: &crate::protocol::ResultOptions::default(),
                http: &http,
            })
            .await
            .unwrap_err();
        (
            error.code().to_owned(),
            http.0.load(std::sync::atomic::Ordering::SeqCst),
        )
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
    fn basic_auth_form_encodes_before_base64() {
        let mut config = config();
        config.client_secret = Secret::new("s3cr:t&+");
        let provider = OAuth2Provider::new(
            config,
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        let request = provider.token_request(vec![("code", "c")]).unwrap();
        let header = request.headers()[header::AUTHORIZATION].to_str().unwrap();
        let decoded = STANDARD
            .decode(header.trim_start_matches("Basic "))
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "client+id:s3cr%3At%26%2B"
        );
        assert_eq!(request.body().as_ref(), b"code=c");
    }

    #[test]
    fn post_auth_puts_the_secret_in_the_body() {
        let mut config = config();
        config.client_auth = ClientAuth::Post;
        let provider = OAuth2Provider::new(
            config,
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        let request = provider.token_request(vec![("code", "c")]).unwrap();
        assert!(request.headers().get(header::AUTHORIZATION).is_none());
        assert_eq!(
            request.body().as_ref(),
            b"code=c&client_id=client+id&client_secret=secret"
        );
    }

    #[test]
    fn basic_with_client_id_in_body_and_public_clients() {
        let mut config = config();
        config.client_id_in_body = true;
        let provider = OAuth2Provider::new(
            config.clone(),
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        let request = provider.token_request(vec![("code", "c")]).unwrap();
        assert!(request.headers().contains_key(header::AUTHORIZATION));
        assert_eq!(request.body().as_ref(), b"code=c&client_id=client+id");
        config.client_auth = ClientAuth::Public;
        let provider = OAuth2Provider::new(
            config,
            StandardUserinfo::new("https://p.example/me").unwrap(),
        );
        let request = provider.token_request(vec![("code", "c")]).unwrap();
        assert!(request.headers().get(header::AUTHORIZATION).is_none());
        assert_eq!(request.body().as_ref(), b"code=c&client_id=client+id");
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
    fn other_token_answer_fields_are_kept_without_secrets() {
        let credentials = parse_token_response(&response(
            200,
            "application/json",
            r#"{"access_token":"at","expires_in":0,"user_id":66748,"email":"a@b.test",
                "secret":"s","oauth_token_secret":"t","refresh_token":"r","id_token":"i"}"#,
        ))
        .unwrap();
        assert_eq!(
            serde_json::Value::Object(credentials.extra),
            serde_json::json!({"user_id": 66748, "email": "a@b.test"})
        );
    }

    #[test]
    fn status_and_message_errors_name_the_message() {
        let error = parse_token_response(&response(
            400,
            "application/json",
            r#"{"status":400,"message":"Invalid authorization code"}"#,
        ))
        .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
        assert!(
            error
                .to_string()
                .ends_with("HTTP 400 (Invalid authorization code)")
        );
    }

    #[test]
    fn json_token_answer() {
        let credentials = parse_token_response(&response(
            200,
            "application/json",
            r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"}"#,
        ))
        .unwrap();
        assert_eq!(credentials.access_token.expose(), "at");
        assert_eq!(credentials.expires_in, Some(3600));
        assert_eq!(credentials.refresh_token.unwrap().expose(), "rt");
        assert_eq!(credentials.scope.as_deref(), Some("a b"));
    }

    #[test]
    fn form_token_answer_with_string_expiry() {
        let credentials = parse_token_response(&response(
            200,
            "application/x-www-form-urlencoded",
            "access_token=at%2B1&scope=user%3Aemail&token_type=bearer&expires_in=60",
        ))
        .unwrap();
        assert_eq!(credentials.access_token.expose(), "at+1");
        assert_eq!(credentials.scope.as_deref(), Some("user:email"));
        assert_eq!(credentials.expires_in, Some(60));
    }

    #[test]
    fn expires_in_as_json_string_and_scope_as_array() {
        let credentials = parse_token_response(&response(
            200,
            "application/json",
            r#"{"access_token":"at","expires_in":"3599","scope":["a","b"]}"#,
        ))
        .unwrap();
        assert_eq!(credentials.expires_in, Some(3599));
        assert_eq!(credentials.scope.as_deref(), Some("a b"));
    }

    #[test]
    fn error_with_http_200_is_an_error() {
        let error = parse_token_response(&response(
            200,
            "application/json",
            r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect"}"#,
        ))
        .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
        assert!(error.to_string().contains("bad_verification_code"));
        let form =
            parse_token_response(&response(200, "text/plain", "error=bad_verification_code"))
                .unwrap_err();
        assert_eq!(form.code(), "ProviderError");
    }

    #[test]
    fn server_errors_are_technical() {
        for answer in [
            response(502, "text/plain", "Bad Gateway"),
            response(
                200,
                "application/json",
                r#"{"error":"temporarily_unavailable"}"#,
            ),
        ] {
            assert_eq!(
                parse_token_response(&answer).unwrap_err().code(),
                "ProviderTechnicalError"
            );
        }
    }

    #[test]
    fn malformed_answers_are_provider_errors() {
        for answer in [
            response(200, "application/json", r#"{"access_token": "#),
            response(200, "text/html", "<html>hello</html>"),
            response(200, "application/json", r#"{"token_type":"bearer"}"#),
            response(400, "text/plain", ""),
        ] {
            assert_eq!(
                parse_token_response(&answer).unwrap_err().code(),
                "ProviderError"
            );
        }
    }

    #[test]
    fn provider_error_codes_are_sanitized() {
        let error = provider_error_code(
            "token request",
            &serde_json::json!("<script>alert(1)</script>"),
        );
        assert!(!error.to_string().contains('<'));
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
