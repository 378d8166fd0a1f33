//! The OAuth 1.0a engine (RFC 5849): the three-legged flow signed with HMAC-SHA1.
//!
//! `start` obtains a request token (temporary credentials) with `oauth_callback` set to the
//! exact redirect URI, requires `oauth_callback_confirmed=true`, seals the token and its
//! secret in the flow (AEAD-encrypted, opaque to the browser) and sends the user to the
//! authorization endpoint. The core binds the redirect to the flow through the sealed token
//! ([`Started::bound_to_request_token`]): the returned `oauth_token`, or the `denied`
//! token of a refusal, must equal it before anything else happens. `finish` requires the
//! `oauth_verifier`, exchanges the request token for token credentials at the access token
//! endpoint, and reads the profile with requests signed by those.
//!
//! Presets ([`crate::presets::Twitter`]) are configurations of this engine plus an
//! [`OAuth1ProfileFetcher`].

mod signature;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Method, Request, Response, header};
use url::Url;

pub use signature::{
    SIGNATURE_METHOD, Signer, base_string_uri, hmac_sha1, normalized_parameters, percent_encode,
    signature_base_string,
};

use crate::clock::Clock;
use crate::crypto::{constant_time_eq, random_bytes};
use crate::failure::{DenialRule, OAUTH1_DENIALS, oauth1_answer_error};
use crate::http_client::HttpClient;
use crate::oauth2::parse_endpoint;
use crate::provider::{
    Credentials, FinishContext, Finished, Provider, StartContext, Started, User,
};
use crate::trace::{call_span, provider_call, record_status};
use crate::{ConfigError, Error, Secret};

/// Key of the request token in the sealed flow data.
const SEALED_TOKEN: &str = "oauth_token";
/// Key of the request token's secret in the sealed flow data.
const SEALED_TOKEN_SECRET: &str = "oauth_token_secret";
/// Longest request token or secret accepted: both travel in the flow blob, which is capped.
const MAX_REQUEST_TOKEN_LEN: usize = 512;

/// The settings of an OAuth 1.0a provider.
#[derive(Clone)]
pub struct OAuth1Config {
    /// The consumer key (client identifier) registered at the provider.
    pub consumer_key: String,
    /// The consumer secret.
    pub consumer_secret: Secret,
    /// The temporary credentials (request token) endpoint, called with POST.
    pub request_token_url: Url,
    /// The resource owner authorization endpoint the popup is sent to.
    pub authorize_url: Url,
    /// The token credentials (access token) endpoint, called with POST.
    pub access_token_url: Url,
}

impl std::fmt::Debug for OAuth1Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth1Config")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &self.consumer_secret)
            .field("request_token_url", &self.request_token_url.as_str())
            .field("authorize_url", &self.authorize_url.as_str())
            .field("access_token_url", &self.access_token_url.as_str())
            .finish_non_exhaustive()
    }
}

impl OAuth1Config {
    /// A configuration from the consumer credentials and the three endpoints.
    pub fn new(
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<Secret>,
        request_token_url: &str,
        authorize_url: &str,
        access_token_url: &str,
    ) -> Result<Self, ConfigError> {
        Ok(OAuth1Config {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            request_token_url: parse_endpoint(request_token_url)?,
            authorize_url: parse_endpoint(authorize_url)?,
            access_token_url: parse_endpoint(access_token_url)?,
        })
    }

    fn signer<'a>(&'a self, token: Option<(&'a str, &'a str)>) -> Signer<'a> {
        Signer {
            consumer_key: &self.consumer_key,
            consumer_secret: self.consumer_secret.expose(),
            token,
        }
    }

    /// A signed request with an empty form body; the protocol parameters travel in the
    /// `Authorization` header, with `oauth_timestamp` read from `clock` (the one of the
    /// [`crate::Coauth`] running the flow: providers refuse timestamps far from their own).
    fn signed_request(
        &self,
        method: Method,
        url: &Url,
        token: Option<(&str, &str)>,
        extra: &[(&str, &str)],
        clock: &dyn Clock,
    ) -> Result<Request<Bytes>, Error> {
        let nonce = hex(&random_bytes::<16>());
        let authorization = self.signer(token).authorization(
            method.as_str(),
            url,
            &[],
            extra,
            &nonce,
            clock.now_unix(),
        );
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(url.as_str())
            .header(header::AUTHORIZATION, authorization);
        if method == Method::POST {
            builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        builder
            .body(Bytes::new())
            .map_err(|_| Error::Provider("an OAuth 1.0a endpoint URL is not a valid URI".into()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Token credentials (the access token and its secret) issued by the provider, with the
/// other parameters of its answer (Twitter adds `user_id` and `screen_name`).
#[derive(Debug, Clone)]
pub struct TokenCredentials {
    /// The access token (`oauth_token`).
    pub token: Secret,
    /// The access token's secret (`oauth_token_secret`).
    pub secret: Secret,
    /// Every other parameter of the access token answer.
    pub extra: BTreeMap<String, String>,
}

/// Sends requests signed with the consumer's and the user's token credentials; handed to an
/// [`OAuth1ProfileFetcher`].
pub struct SignedClient<'a> {
    config: &'a OAuth1Config,
    http: &'a dyn HttpClient,
    clock: &'a dyn Clock,
    token: &'a TokenCredentials,
}

impl std::fmt::Debug for SignedClient<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedClient").finish_non_exhaustive()
    }
}

impl SignedClient<'_> {
    /// The token credentials requests are signed with.
    pub fn token(&self) -> &TokenCredentials {
        self.token
    }

    /// Sends a signed GET to `url` (its query is signed too) and parses the JSON answer.
    pub async fn get_json(&self, url: &Url) -> Result<serde_json::Value, Error> {
        let token = Some((self.token.token.expose(), self.token.secret.expose()));
        let mut request = self
            .config
            .signed_request(Method::GET, url, token, &[], self.clock)?;
        request.headers_mut().insert(
            header::ACCEPT,
            http::HeaderValue::from_static("application/json"),
        );
        let response = self.http.execute(request).await?;
        let status = response.status();
        record_status(status);
        if !status.is_success() {
            return Err(oauth1_answer_error("profile", status, response.body()));
        }
        serde_json::from_slice(response.body()).map_err(|_| {
            Error::Provider(format!(
                "the provider's profile answer is malformed (HTTP {})",
                status.as_u16()
            ))
        })
    }
}

/// Reads the user's profile with signed requests and maps it to a [`User`].
#[async_trait]
pub trait OAuth1ProfileFetcher: Send + Sync + 'static {
    /// Fetches the profile; returns the normalized user and the provider's own document.
    async fn fetch(&self, client: &SignedClient<'_>) -> Result<(User, serde_json::Value), Error>;
}

/// An OAuth 1.0a provider: the engine configured by an [`OAuth1Config`] and an
/// [`OAuth1ProfileFetcher`].
#[derive(Clone)]
pub struct OAuth1Provider {
    config: Arc<OAuth1Config>,
    profile: Arc<dyn OAuth1ProfileFetcher>,
}

impl std::fmt::Debug for OAuth1Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth1Provider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OAuth1Provider {
    /// An engine for `config` that reads the profile with `profile`.
    pub fn new(config: OAuth1Config, profile: impl OAuth1ProfileFetcher) -> Self {
        OAuth1Provider {
            config: Arc::new(config),
            profile: Arc::new(profile),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &OAuth1Config {
        &self.config
    }
}

#[async_trait]
impl Provider for OAuth1Provider {
    fn denial_rules(&self) -> &[DenialRule] {
        OAUTH1_DENIALS
    }

    async fn start(&self, ctx: StartContext<'_>) -> Result<Started, Error> {
        if ctx.silent {
            return Err(Error::Input(
                "this provider does not support silent sign-in".into(),
            ));
        }
        let config = &self.config;
        let request = config.signed_request(
            Method::POST,
            &config.request_token_url,
            None,
            &[("oauth_callback", ctx.redirect_uri)],
            ctx.clock,
        )?;
        let answer = provider_call(call_span!("coauth.request_token"), async {
            let response = ctx.http.execute(request).await?;
            record_status(response.status());
            parse_form_answer(&response, "request token")
        })
        .await?;
        // Without the confirmation the provider may have ignored the callback (OAuth 1.0,
        // session-fixation-prone): refuse rather than fall back.
        if answer.get("oauth_callback_confirmed").map(String::as_str) != Some("true") {
            return Err(Error::Provider(
                "the provider did not confirm the callback (oauth_callback_confirmed)".into(),
            ));
        }
        let token = required(&answer, "oauth_token", "request token")?;
        let secret = required(&answer, "oauth_token_secret", "request token")?;
        if token.len() > MAX_REQUEST_TOKEN_LEN || secret.len() > MAX_REQUEST_TOKEN_LEN {
            return Err(Error::Provider(
                "the provider's request token is too long".into(),
            ));
        }
        let mut url = config.authorize_url.clone();
        url.query_pairs_mut().append_pair("oauth_token", token);
        Ok(Started::new(url)
            .sealing(serde_json::json!({
                SEALED_TOKEN: token,
                SEALED_TOKEN_SECRET: secret,
            }))
            .bound_to_request_token(token))
    }

    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error> {
        let sealed = |name: &str| {
            ctx.sealed
                .get(name)
                .and_then(serde_json::Value::as_str)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| Error::Provider("the sign-in flow carries no request token".into()))
        };
        let request_token = sealed(SEALED_TOKEN)?;
        let request_secret = sealed(SEALED_TOKEN_SECRET)?;
        // The core checked this already (the flow is bound to the token); checked again so the engine is
        // safe whoever calls it.
        let returned = ctx.params.get("oauth_token").map_or("", String::as_str);
        if !constant_time_eq(returned, request_token) {
            return Err(Error::Input(
                "the provider's answer does not belong to this sign-in (request token mismatch)"
                    .into(),
            ));
        }
        let verifier = ctx
            .params
            .get("oauth_verifier")
            .filter(|verifier| !verifier.is_empty())
            .ok_or_else(|| Error::Input("the provider's answer has no oauth_verifier".into()))?;
        let config = &self.config;
        let request = config.signed_request(
            Method::POST,
            &config.access_token_url,
            Some((request_token, request_secret)),
            &[("oauth_verifier", verifier)],
            ctx.clock,
        )?;
        let mut answer = provider_call(call_span!("coauth.token"), async {
            let response = ctx.http.execute(request).await?;
            record_status(response.status());
            parse_form_answer(&response, "access token")
        })
        .await?;
        let token = required(&answer, "oauth_token", "access token")?.to_owned();
        let secret = required(&answer, "oauth_token_secret", "access token")?.to_owned();
        answer.remove("oauth_token");
        answer.remove("oauth_token_secret");
        let token = TokenCredentials {
            token: Secret::new(token),
            secret: Secret::new(secret),
            extra: answer,
        };
        let client = SignedClient {
            config,
            http: ctx.http,
            clock: ctx.clock,
            token: &token,
        };
        let (user, profile) =
            provider_call(call_span!("coauth.profile"), self.profile.fetch(&client)).await?;
        Ok(Finished {
            user,
            profile,
            credentials: Credentials {
                access_token: token.token,
                token_type: "oauth1".into(),
                expires_in: None,
                refresh_token: None,
                scope: None,
                id_token: None,
                token_secret: Some(token.secret),
                // Same rule as OAuth 2.0: nothing named like a token or secret.
                extra: crate::oauth2::token_answer_extra(
                    &token
                        .extra
                        .into_iter()
                        .map(|(name, value)| (name, serde_json::Value::String(value)))
                        .collect(),
                ),
            },
        })
    }
}

fn required<'a>(
    answer: &'a BTreeMap<String, String>,
    name: &str,
    step: &str,
) -> Result<&'a str, Error> {
    answer
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| Error::Provider(format!("the provider's {step} answer has no {name}")))
}

/// Parses a token endpoint answer: a form-encoded body (whatever its `Content-Type`; Twitter
/// says `text/html`). 5xx is a technical failure, any other non-2xx a refusal.
fn parse_form_answer(
    response: &Response<Bytes>,
    step: &str,
) -> Result<BTreeMap<String, String>, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(oauth1_answer_error(step, status, response.body()));
    }
    let malformed = || {
        Error::Provider(format!(
            "the provider's {step} answer is malformed (HTTP {})",
            status.as_u16()
        ))
    };
    let text = std::str::from_utf8(response.body()).map_err(|_| malformed())?;
    let mut answer = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(text.trim().as_bytes()) {
        answer
            .entry(name.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    if !answer.contains_key("oauth_token") {
        return Err(malformed());
    }
    Ok(answer)
}

#[cfg(test)]
mod tests;
