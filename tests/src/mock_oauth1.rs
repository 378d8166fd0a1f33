//! A mock OAuth 1.0a identity provider on loopback, shaped like Twitter.
//!
//! [`MockOAuth1::start`] binds `127.0.0.1:0` and serves the three-legged flow over real HTTP:
//! `POST /oauth/request_token`, the authorization page at `GET /oauth/authenticate` (and
//! `/oauth/authorize`) with `#approve` / `#deny` buttons, `POST /oauth/access_token`, and
//! `GET /1.1/account/verify_credentials.json`. A denial redirects to
//! `callback?denied=<request token>`, as Twitter does.
//!
//! It is written independently of `coauth-core` (its own RFC 5849 base string, encoding and
//! header parsing) so a signing bug shared by client and mock cannot hide. Every back-channel
//! request must carry a valid HMAC-SHA1 signature, a known consumer key, a timestamp within
//! the window and a nonce never seen before; request tokens are single use. Failures answer
//! `401` with Twitter's `{"errors":[{"code":32,...}]}` and are counted
//! ([`MockOAuth1::rejected_calls`], [`MockOAuth1::last_rejection`]).
//!
//! It is a [`MockIdp`]: the request token endpoint is [`Endpoint::RequestToken`], the access
//! token endpoint [`Endpoint::Token`], `verify_credentials.json` [`Endpoint::Profile`];
//! each is counted and takes [`Fault`](crate::mock::Fault)s.
//!
//! The server task lives as long as the tokio runtime it was started on.

mod browser;
mod handlers;
mod signature;
mod state;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use state::Shared;

use crate::mock::{self, Callback, Decision, Endpoint, Endpoints, MockIdp};

/// A running mock OAuth 1.0a provider. Cheap to clone: clones share the server and state.
#[derive(Clone)]
pub struct MockOAuth1 {
    inner: Arc<Shared>,
}

/// How the mock is configured at start.
#[derive(Debug, Clone)]
pub struct MockOAuth1Config {
    /// The only consumer the mock knows. Default `"mock-consumer-key"`.
    pub consumer_key: String,
    /// That consumer's secret. Default `"mock consumer secret/+&="` (reserved characters on
    /// purpose: the signing key must be percent-encoded).
    pub consumer_secret: String,
    /// The user who signs in. Default: see [`TwitterUser::default`].
    pub user: TwitterUser,
    /// Largest accepted distance between `oauth_timestamp` and the mock's clock.
    /// Default 5 minutes.
    pub timestamp_window: Duration,
}

impl Default for MockOAuth1Config {
    fn default() -> Self {
        MockOAuth1Config {
            consumer_key: "mock-consumer-key".to_owned(),
            consumer_secret: "mock consumer secret/+&=".to_owned(),
            user: TwitterUser::default(),
            timestamp_window: Duration::from_secs(300),
        }
    }
}

/// The user at the mock, as Twitter's v1.1 user object describes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwitterUser {
    /// Numeric id, as decimal text. Sent as both `id` (a JSON number) and `id_str`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Handle.
    pub screen_name: String,
    /// Verified email, returned only when `include_email=true` is asked for.
    pub email: Option<String>,
    /// `profile_image_url_https`.
    pub avatar_url: String,
}

impl Default for TwitterUser {
    fn default() -> Self {
        TwitterUser {
            // Above 2^53: a client that reads `id` as a double gets it wrong.
            id: "1234567890123456789".to_owned(),
            name: "Grace Hopper".to_owned(),
            screen_name: "grace_h".to_owned(),
            email: Some("grace@example.test".to_owned()),
            avatar_url: "https://pbs.example.test/grace_normal.jpg".to_owned(),
        }
    }
}

/// What a request that passed the mock's checks carried.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    /// The protocol parameters from the `Authorization` header, decoded, in order.
    pub oauth: Vec<(String, String)>,
    /// The request's query and form body parameters, decoded.
    pub params: Vec<(String, String)>,
}

impl RecordedCall {
    /// The first protocol parameter called `name`.
    pub fn oauth_param(&self, name: &str) -> Option<&str> {
        self.oauth
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The base URL is the base of both the `/oauth/*` and the `/1.1/*` endpoints; the
/// authorization page is `/oauth/authenticate` (and `/oauth/authorize`). A
/// [`Fault::ServerError`](crate::mock::Fault::ServerError) is Twitter's `503 Over capacity`.
impl MockIdp for MockOAuth1 {
    type Config = MockOAuth1Config;

    const NAME: &'static str = "the mock OAuth 1.0a provider";

    fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    async fn start(config: MockOAuth1Config) -> MockOAuth1 {
        let (listener, addr) = mock::bind("mock OAuth 1.0a provider").await;
        let inner = Arc::new(Shared::new(config, format!("http://{addr}")));
        let app = router().with_state(Arc::clone(&inner));
        mock::spawn(listener, app, Arc::clone(&inner.endpoints));
        MockOAuth1 { inner }
    }

    fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    fn endpoint_url(&self, endpoint: Endpoint) -> Option<String> {
        let path = match endpoint {
            Endpoint::RequestToken => REQUEST_TOKEN_PATH,
            Endpoint::Authorize => AUTHENTICATE_PATH,
            Endpoint::Token => ACCESS_TOKEN_PATH,
            Endpoint::Profile => VERIFY_CREDENTIALS_PATH,
            Endpoint::Discovery | Endpoint::Jwks => return None,
        };
        Some(format!("{}{path}", self.inner.base_url))
    }

    async fn decide(&self, authorize_url: &str, decision: Decision) -> Result<Callback, String> {
        browser::decide(authorize_url, decision == Decision::Approve)
            .await
            .map(Callback::redirect)
    }
}

impl MockOAuth1 {
    /// The value of `oauth_callback_confirmed` in request token answers; `None` leaves the
    /// parameter out (an OAuth 1.0 provider). Default `Some("true")`.
    pub fn set_callback_confirmed(&self, value: Option<&str>) {
        self.inner.lock().callback_confirmed = value.map(str::to_owned);
    }

    /// Replaces the user for authorizations from now on.
    pub fn set_user(&self, user: TwitterUser) {
        self.inner.lock().user = user;
    }

    /// Back-channel requests refused for a bad signature, consumer key, timestamp, nonce,
    /// token or verifier.
    pub fn rejected_calls(&self) -> usize {
        self.inner.rejected_calls.load(Ordering::SeqCst)
    }

    /// Why the last refused request was refused (for assertions and failure messages).
    pub fn last_rejection(&self) -> Option<String> {
        self.inner.lock().last_rejection.clone()
    }

    /// The last request to `endpoint` ([`Endpoint::RequestToken`], [`Endpoint::Token`] or
    /// [`Endpoint::Profile`]) whose signature, timestamp and nonce were accepted.
    pub fn last_call(&self, endpoint: Endpoint) -> Option<RecordedCall> {
        self.inner.lock().last_calls.get(&endpoint).cloned()
    }
}

impl fmt::Debug for MockOAuth1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOAuth1")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

const REQUEST_TOKEN_PATH: &str = "/oauth/request_token";
const AUTHENTICATE_PATH: &str = "/oauth/authenticate";
const ACCESS_TOKEN_PATH: &str = "/oauth/access_token";
const VERIFY_CREDENTIALS_PATH: &str = "/1.1/account/verify_credentials.json";

fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(REQUEST_TOKEN_PATH, post(handlers::request_token))
        .route(AUTHENTICATE_PATH, get(handlers::authorize_page))
        .route("/oauth/authorize", get(handlers::authorize_page))
        .route(handlers::DECISION_PATH, post(handlers::decision))
        .route(ACCESS_TOKEN_PATH, post(handlers::access_token))
        .route(VERIFY_CREDENTIALS_PATH, get(handlers::verify_credentials))
        .route(
            "/favicon.ico",
            get(|| async { http::StatusCode::NO_CONTENT }),
        )
}
