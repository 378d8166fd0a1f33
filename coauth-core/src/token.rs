//! The one token-endpoint client of every OAuth 2.0 based engine (plain OAuth 2.0 and
//! OpenID Connect): the authorization URL, the code grant, the refresh grant, every way a
//! client authenticates, and the lenient reading of token answers.
//!
//! An engine says what its provider wants (endpoints, scopes and their separator, PKCE, a
//! `prompt`, fixed extra parameters, the client authentication) and this module speaks the
//! protocol; what an answer's error means is decided in [`crate::failure`].

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{Method, Request, Response, header};
use url::Url;

use crate::clock::Clock;
use crate::failure::{token_answer_error, value_as_text};
use crate::http_client::HttpClient;
use crate::provider::{Credentials, FinishContext};
use crate::trace::{call_span, provider_call, record_status};
use crate::{ConfigError, Error, Secret};

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP Basic with the form-encoded id and secret.
    Basic,
    /// `client_secret_basic`, with `client_id` in the form body as well (X requires both).
    BasicWithClientIdInBody,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    Post,
    /// A public client (RFC 6749 section 2.1): `client_id` in the form body and no secret at
    /// all, which PKCE then protects (VK ID). The configured secret is never sent.
    Public,
    /// `private_key_jwt` (RFC 7523 section 2.2, OpenID Connect Core 9): a short-lived JWT
    /// signed with the engine's client assertion key proves the client; no secret is sent.
    #[cfg(feature = "oidc")]
    PrivateKeyJwt,
}

/// Makes the client secret for one token request, for providers whose secret is itself a
/// short-lived JWT the app signs (Apple). Used with [`ClientAuth::Post`] or
/// [`ClientAuth::Basic`] in place of the configured secret.
pub trait ClientSecretMinter: Send + Sync + 'static {
    /// A client secret for one token request of `client_id`, issued at `now_unix` (seconds
    /// since the Unix epoch, from the [`crate::Coauth`]'s clock).
    fn mint(&self, client_id: &str, now_unix: u64) -> Result<Secret, Error>;
}

/// The `prompt` of an authorization request (OpenID Connect Core 3.1.2.1), as a provider's
/// configuration asks for it. A silent attempt always sends `none` instead, so a
/// configured prompt and silent mode never both land in one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Prompt {
    /// `login`: ask the user to sign in again.
    Login,
    /// `consent`: ask for consent again (Google sends a refresh token only then).
    Consent,
    /// `select_account`: let the user choose an account.
    SelectAccount,
}

impl Prompt {
    /// The parameter's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::SelectAccount => "select_account",
        }
    }
}

/// Parses a configured endpoint URL: an absolute http(s) URL with a host.
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

/// The authorization parameters coauth sets itself.
const OWN_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "prompt",
];

/// Checks a configuration's fixed authorization parameters: the ones coauth sets itself
/// (`state`, `prompt`, PKCE, ...) cannot be overridden there.
#[cfg(any(feature = "oidc", feature = "presets"))]
pub(crate) fn check_extra_params(extra: &[(String, String)]) -> Result<(), ConfigError> {
    match extra
        .iter()
        .find(|(name, _)| OWN_PARAMS.contains(&name.as_str()))
    {
        Some((name, _)) => Err(ConfigError(format!(
            "the authorization parameter {name:?} is set by coauth and cannot be configured \
             as an extra parameter{}",
            if name == "prompt" {
                " (use the configuration's prompt)"
            } else {
                ""
            }
        ))),
        None => Ok(()),
    }
}

/// What goes into one authorization URL.
pub(crate) struct Authorize<'a> {
    /// The authorization endpoint (its own query is kept).
    pub(crate) endpoint: &'a Url,
    pub(crate) client_id: &'a str,
    /// The name the client id travels under (`client_id`; TikTok's `client_key`).
    pub(crate) client_id_param: &'a str,
    pub(crate) redirect_uri: &'a str,
    pub(crate) state: &'a str,
    /// Joined with `scope_separator`; no `scope` parameter when empty.
    pub(crate) scopes: &'a [&'a str],
    pub(crate) scope_separator: &'a str,
    /// The PKCE S256 challenge, when the provider takes PKCE.
    pub(crate) pkce_challenge: Option<&'a str>,
    /// The OpenID Connect nonce, when the engine sends one.
    pub(crate) nonce: Option<&'a str>,
    pub(crate) response_mode: Option<&'a str>,
    /// A silent attempt: `prompt=none`, whatever `prompt` says.
    pub(crate) silent: bool,
    pub(crate) prompt: Option<Prompt>,
    /// Fixed extra parameters; coauth's own are left out (and refused at build time by
    /// [`check_extra_params`]).
    pub(crate) extra: &'a [(String, String)],
    /// The provider's kept start of its URLs, see [`UrlPrefix`].
    pub(crate) prefix: &'a UrlPrefix,
}

/// The start of a provider's authorization URLs: the endpoint with `response_type`, the
/// client id and `redirect_uri`, kept for the first endpoint and redirect URI the provider
/// builds a URL for (most apps have one of each per provider); a URL for another one is
/// built whole. Encoding the redirect URI was half the time of building a URL. Read without
/// a lock.
#[derive(Clone, Default)]
pub(crate) struct UrlPrefix(std::sync::OnceLock<(String, String, Url)>);

impl UrlPrefix {
    fn get(&self, endpoint: &Url, redirect_uri: &str) -> Option<&Url> {
        self.0
            .get()
            .filter(|(kept_endpoint, kept_uri, _)| {
                kept_endpoint == endpoint.as_str() && kept_uri == redirect_uri
            })
            .map(|(_, _, prefix)| prefix)
    }
}

impl Authorize<'_> {
    /// The authorization URL.
    pub(crate) fn url(&self) -> Url {
        let mut url = match self.prefix.get(self.endpoint, self.redirect_uri) {
            Some(prefix) => prefix.clone(),
            None => {
                let mut url = self.endpoint.clone();
                url.query_pairs_mut()
                    .append_pair("response_type", "code")
                    .append_pair(self.client_id_param, self.client_id)
                    .append_pair("redirect_uri", self.redirect_uri);
                // Kept once; a provider asked for other redirect URIs builds those whole.
                let _ = self.prefix.0.set((
                    self.endpoint.as_str().to_owned(),
                    self.redirect_uri.to_owned(),
                    url.clone(),
                ));
                url
            }
        };
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("state", self.state);
            if !self.scopes.is_empty() {
                query.append_pair("scope", &self.scopes.join(self.scope_separator));
            }
            if let Some(nonce) = self.nonce {
                query.append_pair("nonce", nonce);
            }
            if let Some(challenge) = self.pkce_challenge {
                query
                    .append_pair("code_challenge", challenge)
                    .append_pair("code_challenge_method", "S256");
            }
            if let Some(mode) = self.response_mode {
                query.append_pair("response_mode", mode);
            }
            if self.silent {
                query.append_pair("prompt", "none");
            } else if let Some(prompt) = self.prompt {
                query.append_pair("prompt", prompt.as_str());
            }
            for (name, value) in self.extra {
                if !OWN_PARAMS.contains(&name.as_str()) && name != self.client_id_param {
                    query.append_pair(name, value);
                }
            }
        }
        url
    }
}

/// The client's registration and how it authenticates at the token endpoint.
#[derive(Clone)]
pub(crate) struct TokenClient {
    pub(crate) client_id: String,
    /// The form field the client id travels in, when it travels in the form (`client_id`;
    /// TikTok's `client_key`).
    client_id_param: &'static str,
    /// Where the provider may wrap its token answer (a JSON pointer), see
    /// [`TokenClient::with_answer_at`].
    answer_at: Option<&'static str>,
    secret: Secret,
    auth: ClientAuth,
    #[cfg(feature = "oidc")]
    assertion_key: Option<crate::jose::SigningKey>,
    minter: Option<Arc<dyn ClientSecretMinter>>,
}

impl std::fmt::Debug for TokenClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenClient")
            .field("client_id", &self.client_id)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl TokenClient {
    pub(crate) fn new(client_id: String, secret: Secret, auth: ClientAuth) -> TokenClient {
        TokenClient {
            client_id,
            client_id_param: "client_id",
            answer_at: None,
            secret,
            auth,
            #[cfg(feature = "oidc")]
            assertion_key: None,
            minter: None,
        }
    }

    /// The key that signs `private_key_jwt` assertions.
    #[cfg(feature = "oidc")]
    pub(crate) fn with_assertion_key(mut self, key: Option<crate::jose::SigningKey>) -> Self {
        self.assertion_key = key;
        self
    }

    /// Sends the client id in the form as `name` instead of `client_id` (TikTok's
    /// `client_key`). HTTP Basic and client assertions are unchanged.
    pub(crate) fn with_client_id_param(mut self, name: &'static str) -> Self {
        self.client_id_param = name;
        self
    }

    /// Reads the token answer at the JSON pointer `at` when its top level has neither an
    /// `access_token` nor an `error` (Instagram Login's documented `{"data": [{...}]}`).
    pub(crate) fn with_answer_at(mut self, at: Option<&'static str>) -> Self {
        self.answer_at = at;
        self
    }

    /// Mints the secret per request instead of sending the configured one.
    pub(crate) fn with_minter(mut self, minter: Option<Arc<dyn ClientSecretMinter>>) -> Self {
        self.minter = minter;
        self
    }

    /// The code grant: the code from the redirect, the exact redirect URI, the PKCE verifier
    /// when `pkce`, and the redirect parameters named in `from_redirect` (VK ID's
    /// `device_id`), each of which must be there.
    pub(crate) async fn code_grant(
        &self,
        http: &dyn HttpClient,
        token_url: &Url,
        ctx: &FinishContext<'_>,
        pkce: bool,
        from_redirect: &[&'static str],
    ) -> Result<Credentials, Error> {
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
        for name in from_redirect {
            let value = ctx
                .params
                .get(*name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| Error::Input(format!("the provider's answer has no {name}")))?;
            form.push((name, value.as_str()));
        }
        let request = self.request(token_url, form, ctx.clock)?;
        provider_call(
            call_span!("coauth.token"),
            exchange(http, request, self.answer_at),
        )
        .await
    }

    /// The refresh grant (RFC 6749 section 6). When the provider does not rotate refresh
    /// tokens (its answer has none), the credentials carry the one given, which stays valid.
    pub(crate) async fn refresh(
        &self,
        http: &dyn HttpClient,
        token_url: &Url,
        refresh_token: &Secret,
        clock: &dyn Clock,
    ) -> Result<Credentials, Error> {
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        let request = self.request(token_url, form, clock)?;
        let mut credentials = provider_call(
            call_span!("coauth.refresh"),
            exchange(http, request, self.answer_at),
        )
        .await?;
        if credentials.refresh_token.is_none() {
            credentials.refresh_token = Some(refresh_token.clone());
        }
        Ok(credentials)
    }

    /// A token request with the client authentication applied.
    pub(crate) fn request(
        &self,
        token_url: &Url,
        form: Vec<(&str, &str)>,
        clock: &dyn Clock,
    ) -> Result<Request<Bytes>, Error> {
        let minted = match &self.minter {
            Some(minter) => Some(minter.mint(&self.client_id, clock.now_unix())?),
            None => None,
        };
        let secret = minted.as_ref().unwrap_or(&self.secret);
        #[cfg(feature = "oidc")]
        let assertion = match self.auth {
            ClientAuth::PrivateKeyJwt => {
                let key = self.assertion_key.as_ref().ok_or_else(|| {
                    Error::Provider("private_key_jwt is configured without a signing key".into())
                })?;
                Some(crate::jose::client_assertion(
                    key,
                    &self.client_id,
                    token_url.as_str(),
                    clock.now_unix(),
                )?)
            }
            _ => None,
        };
        // A new binding, so the form may borrow the secret and assertion made here.
        let mut form = form;
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(token_url.as_str())
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        match self.auth {
            ClientAuth::Basic | ClientAuth::BasicWithClientIdInBody => {
                // RFC 6749 section 2.3.1: id and secret are form-encoded before base64.
                let pair = format!(
                    "{}:{}",
                    form_encode(&self.client_id),
                    form_encode(secret.expose())
                );
                let mut value =
                    http::HeaderValue::try_from(format!("Basic {}", STANDARD.encode(pair)))
                        .map_err(|_| {
                            Error::Provider("the client credentials are not a header".into())
                        })?;
                value.set_sensitive(true);
                builder = builder.header(header::AUTHORIZATION, value);
                if self.auth == ClientAuth::BasicWithClientIdInBody {
                    form.push((self.client_id_param, &self.client_id));
                }
            }
            ClientAuth::Post => {
                form.push((self.client_id_param, &self.client_id));
                form.push(("client_secret", secret.expose()));
            }
            ClientAuth::Public => form.push((self.client_id_param, &self.client_id)),
            #[cfg(feature = "oidc")]
            ClientAuth::PrivateKeyJwt => {
                form.push(("client_id", &self.client_id));
                form.push(("client_assertion_type", crate::jose::JWT_BEARER_ASSERTION));
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

/// Sends a token request and reads the answer.
async fn exchange(
    http: &dyn HttpClient,
    request: Request<Bytes>,
    answer_at: Option<&str>,
) -> Result<Credentials, Error> {
    let response = http.execute(request).await?;
    record_status(response.status());
    parse_token_answer(&response, answer_at)
}

fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Parses a token endpoint answer leniently: a JSON or form-encoded body, errors sent with
/// HTTP 200, `expires_in` as a number or a string, `scope` as a string or an array.
pub fn parse_token_response(response: &Response<Bytes>) -> Result<Credentials, Error> {
    parse_token_answer(response, None)
}

/// [`parse_token_response`], reading the answer at the JSON pointer `wrapped_at` when its top
/// level has neither an `access_token` nor an `error`.
pub(crate) fn parse_token_answer(
    response: &Response<Bytes>,
    wrapped_at: Option<&str>,
) -> Result<Credentials, Error> {
    let mut fields = parse_object(response);
    if let (Some(pointer), Some(object)) = (wrapped_at, &fields)
        && !object.contains_key("access_token")
        && !object.contains_key("error")
        && let Some(serde_json::Value::Object(inner)) =
            serde_json::Value::Object(object.clone()).pointer(pointer)
    {
        fields = Some(inner.clone());
    }
    if let Some(error) = token_answer_error(response.status(), fields.as_ref()) {
        return Err(error);
    }
    let fields = fields.unwrap_or_default();
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

#[cfg(test)]
mod tests;
