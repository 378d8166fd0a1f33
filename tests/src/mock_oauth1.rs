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
//! The server task lives as long as the tokio runtime it was started on.

mod browser;
mod handlers;
mod signature;
mod state;

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use state::Shared;

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

/// A back-channel endpoint of the mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /oauth/request_token`.
    RequestToken,
    /// `POST /oauth/access_token`.
    AccessToken,
    /// `GET /1.1/account/verify_credentials.json`.
    VerifyCredentials,
}

/// A failure injected into one endpoint, applied after the request is counted and before
/// it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    /// Normal behaviour.
    #[default]
    None,
    /// `503 Service Unavailable`, `text/plain`.
    ServerError,
    /// `200` with a truncated JSON body: `{"oauth_token": `.
    Malformed,
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

impl MockOAuth1 {
    /// Binds `127.0.0.1:0` and spawns the server on the current tokio runtime.
    ///
    /// # Panics
    /// If no loopback port can be bound or there is no current tokio runtime.
    pub async fn start(config: MockOAuth1Config) -> MockOAuth1 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("mock OAuth 1.0a provider: bind 127.0.0.1:0");
        let addr: SocketAddr = listener
            .local_addr()
            .expect("mock OAuth 1.0a provider: local address of the listener");
        let inner = Arc::new(Shared::new(config, format!("http://{addr}")));
        let app = router().with_state(Arc::clone(&inner));
        tokio::spawn(async move {
            // serve returns only on an unrecoverable accept error; the tests then see
            // connection failures.
            let _ = axum::serve(listener, app).await;
        });
        MockOAuth1 { inner }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: the base of both the `/oauth/*`
    /// and the `/1.1/*` endpoints.
    pub fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    /// Injects `fault` into `endpoint` from now on.
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.inner.lock().faults.insert(endpoint, fault);
    }

    /// The value of `oauth_callback_confirmed` in request token answers; `None` leaves the
    /// parameter out (an OAuth 1.0 provider). Default `Some("true")`.
    pub fn set_callback_confirmed(&self, value: Option<&str>) {
        self.inner.lock().callback_confirmed = value.map(str::to_owned);
    }

    /// Replaces the user for authorizations from now on.
    pub fn set_user(&self, user: TwitterUser) {
        self.inner.lock().user = user;
    }

    /// Requests received by the request token endpoint, whatever their outcome.
    pub fn request_token_calls(&self) -> usize {
        self.inner.request_token_calls.load(Ordering::SeqCst)
    }

    /// `GET`s of the authorization page, whatever their outcome.
    pub fn authorize_calls(&self) -> usize {
        self.inner.authorize_calls.load(Ordering::SeqCst)
    }

    /// Requests received by the access token endpoint, whatever their outcome.
    pub fn access_token_calls(&self) -> usize {
        self.inner.access_token_calls.load(Ordering::SeqCst)
    }

    /// Requests received by `verify_credentials.json`, whatever their outcome.
    pub fn verify_credentials_calls(&self) -> usize {
        self.inner.verify_credentials_calls.load(Ordering::SeqCst)
    }

    /// Back-channel requests received in total.
    pub fn total_calls(&self) -> usize {
        self.request_token_calls() + self.access_token_calls() + self.verify_credentials_calls()
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

    /// The last request to `endpoint` whose signature, timestamp and nonce were accepted.
    pub fn last_call(&self, endpoint: Endpoint) -> Option<RecordedCall> {
        self.inner.lock().last_calls.get(&endpoint).cloned()
    }

    /// Plays the user at the authorization page over real HTTP: GETs `authorize_url` (the
    /// URL coauth built), submits the page's Approve or Deny form as a browser would, and
    /// returns the redirect target (parsed) without following it. Any other answer is an
    /// `Err` with the status and body.
    pub async fn decide(&self, authorize_url: &str, approve: bool) -> Result<url::Url, String> {
        browser::decide(authorize_url, approve).await
    }
}

impl fmt::Debug for MockOAuth1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOAuth1")
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/oauth/request_token", post(handlers::request_token))
        .route("/oauth/authenticate", get(handlers::authorize_page))
        .route("/oauth/authorize", get(handlers::authorize_page))
        .route(handlers::DECISION_PATH, post(handlers::decision))
        .route("/oauth/access_token", post(handlers::access_token))
        .route(
            "/1.1/account/verify_credentials.json",
            get(handlers::verify_credentials),
        )
        .route(
            "/favicon.ico",
            get(|| async { http::StatusCode::NO_CONTENT }),
        )
}
