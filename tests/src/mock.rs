//! What the three mock identity providers have in common: [`MockIdp`].
//!
//! [`MockProvider`](crate::mock_provider::MockProvider) (OAuth 2.0, with a quirk mode per
//! preset), [`MockOidc`](crate::mock_oidc::MockOidc) (OpenID Connect) and
//! [`MockOAuth1`](crate::mock_oauth1::MockOAuth1) (OAuth 1.0a, shaped like Twitter) each
//! bind `127.0.0.1:0` and serve real HTTP. Through [`MockIdp`] a test starts one, plays the
//! user at its consent page, reads how many requests each [`Endpoint`] received and makes an
//! endpoint fail, with the same names whatever protocol the mock speaks:
//!
//! ```no_run
//! use coauth_tests::mock::{Decision, Endpoint, Fault, MockIdp};
//! use coauth_tests::mock_provider::MockProvider;
//!
//! # async fn example(authorize_url: &str) {
//! let mock = MockProvider::start(Default::default()).await;
//! mock.set_fault(Endpoint::Profile, Fault::ServerError);
//! let answer = mock.decide(authorize_url, Decision::Approve).await.unwrap();
//! assert!(answer.param("code").is_some());
//! assert_eq!(mock.calls(Endpoint::Token), 0);
//! # }
//! ```

mod fault;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::serve::ListenerExt;

pub(crate) use fault::apply as apply_fault;

/// An endpoint of a mock identity provider, by its role in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// The authorization page the browser is sent to (`GET`), where the user decides.
    Authorize,
    /// OAuth 1.0a's temporary credential request, `POST /oauth/request_token`.
    RequestToken,
    /// Where the client redeems what the browser brought back: the OAuth 2.0 and OpenID
    /// Connect token endpoint, OAuth 1.0a's `POST /oauth/access_token`.
    Token,
    /// The user's profile: userinfo, GitHub's `/user` and `/user/emails`, a preset's profile
    /// calls, OAuth 1.0a's `verify_credentials.json`.
    Profile,
    /// The OpenID Connect discovery document.
    Discovery,
    /// The OpenID Connect JWKS.
    Jwks,
}

impl Endpoint {
    /// Every endpoint, in the order a sign-in reaches them.
    pub const ALL: [Endpoint; 6] = [
        Endpoint::Discovery,
        Endpoint::RequestToken,
        Endpoint::Authorize,
        Endpoint::Token,
        Endpoint::Jwks,
        Endpoint::Profile,
    ];

    /// The endpoints the client calls itself, server to server: all but
    /// [`Endpoint::Authorize`], which the browser loads. Only these take a [`Fault`].
    pub const BACK_CHANNEL: [Endpoint; 5] = [
        Endpoint::Discovery,
        Endpoint::RequestToken,
        Endpoint::Token,
        Endpoint::Jwks,
        Endpoint::Profile,
    ];

    fn index(self) -> usize {
        match self {
            Endpoint::Authorize => 0,
            Endpoint::RequestToken => 1,
            Endpoint::Token => 2,
            Endpoint::Profile => 3,
            Endpoint::Discovery => 4,
            Endpoint::Jwks => 5,
        }
    }
}

/// How the user answers the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Presses Approve: the provider sends the browser back with a code (or a verifier).
    Approve,
    /// Presses Deny: the provider sends the browser back with its denial.
    Deny,
}

/// A failure injected into a back-channel endpoint, after the request is counted (and, at
/// the token endpoint of the OAuth 2.0 and OpenID Connect mocks, recorded).
///
/// Each mock answers as the provider it imitates would where that differs: a
/// [`Fault::ServerError`] is `502 Bad Gateway` at the OAuth 2.0 and OpenID Connect mocks
/// and Twitter's `503 Over capacity` at the OAuth 1.0a mock, and a [`Fault::Malformed`]
/// answer there is a truncated token answer of OAuth 1.0a.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Fault {
    /// Normal behaviour.
    #[default]
    None,
    /// Sleep this long, then answer normally.
    Slow(Duration),
    /// A 5xx answer in plain text.
    ServerError,
    /// `200`, `application/json`, truncated JSON: `{"access_token": ` (OAuth 1.0a:
    /// `{"oauth_token": `).
    Malformed,
    /// `200`, `application/json`, a chunked body of exactly this many bytes (a JSON string
    /// of `a`s), without `Content-Length`.
    Oversize(usize),
    /// `200`, `application/json`,
    /// `{"error":"server_error","error_description":"Temporary failure"}`.
    ErrorWith200,
    /// No answer: the connection is dropped after the request is read, and connections
    /// accepted while this fault is set (on any endpoint) close with a TCP reset
    /// (`SO_LINGER` 0), as a provider's crashing server or a middlebox resetting the
    /// connection would.
    Reset,
}

/// Where the provider sent the browser back to the client after the consent page, and what
/// it handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The target: the redirect's `Location` (resolved, with its query), or the action of a
    /// `form_post` page.
    pub url: url::Url,
    /// The parameters, in order, duplicates kept: the redirect's query, or the fields of
    /// the `form_post` page.
    pub params: Vec<(String, String)>,
}

impl Callback {
    /// A redirect to `url`: the parameters are its query.
    pub fn redirect(url: url::Url) -> Callback {
        let params = url.query_pairs().into_owned().collect();
        Callback { url, params }
    }

    /// The first parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The parameters as the JSON object the result page hands to the app's page (a later
    /// parameter wins over an earlier one of the same name): the `response` of a result
    /// request.
    pub fn json(&self) -> serde_json::Value {
        crate::fixture::params_json(&self.params)
    }
}

impl fmt::Display for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.url, self.params)
    }
}

/// A mock identity provider on loopback: started, driven and observed the same way whatever
/// protocol it speaks. Clones share the server and its state.
pub trait MockIdp: Clone + Send + Sync + 'static {
    /// How the mock is configured at start.
    type Config: Default;

    /// The mock's name, as its panics name it (`"the mock provider"`).
    const NAME: &'static str;

    /// The counters and faults its handlers share, which the counting and fault methods
    /// below read.
    fn endpoints(&self) -> &Endpoints;

    /// Binds `127.0.0.1:0` and spawns the server on the current tokio runtime; the server
    /// lives as long as that runtime.
    ///
    /// # Panics
    /// If no loopback port can be bound or there is no current tokio runtime.
    fn start(config: Self::Config) -> impl Future<Output = Self>;

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    fn base_url(&self) -> String;

    /// The URL of `endpoint`, or `None` when this mock does not serve it (OAuth 2.0 has no
    /// request token endpoint, OAuth 1.0a no discovery).
    fn endpoint_url(&self, endpoint: Endpoint) -> Option<String>;

    /// Plays the user at the consent page over real HTTP: loads `authorize_url` (the URL the
    /// client built), presses Approve or Deny as a browser would, and returns where the
    /// provider sends the browser back and with what, without going there. Any other answer
    /// (a 400 for a bad authorization request, say) is an `Err` with the status and body.
    fn decide(
        &self,
        authorize_url: &str,
        decision: Decision,
    ) -> impl Future<Output = Result<Callback, String>>;

    /// [`MockIdp::decide`], for a consent page that must answer: the parameters as the
    /// result page hands them to the app's page ([`Callback::json`]).
    ///
    /// # Panics
    /// If the provider did not send the browser back.
    fn consent(
        &self,
        authorize_url: &str,
        decision: Decision,
    ) -> impl Future<Output = serde_json::Value> {
        async move {
            self.decide(authorize_url, decision)
                .await
                .unwrap_or_else(|e| panic!("the mock provider did not send the browser back: {e}"))
                .json()
        }
    }

    /// How many requests `endpoint` received, whatever their outcome (0 for an endpoint
    /// the mock does not serve).
    fn calls(&self, endpoint: Endpoint) -> usize {
        self.endpoints().calls(endpoint)
    }

    /// How many requests the back-channel endpoints received in total
    /// ([`Endpoint::BACK_CHANNEL`]): what a refusal made before any provider call leaves
    /// at zero.
    fn back_channel_calls(&self) -> usize {
        Endpoint::BACK_CHANNEL
            .into_iter()
            .map(|endpoint| self.calls(endpoint))
            .sum()
    }

    /// How many TCP connections the mock accepted, from browsers and clients alike.
    fn connections(&self) -> usize {
        self.endpoints().connections()
    }

    /// How many of them coauth's outbound client opened (requests with its `coauth/`
    /// `User-Agent`): with keep-alive, about as many as calls were ever in flight at once.
    fn client_connections(&self) -> usize {
        self.endpoints().client_connections()
    }

    /// Injects `fault` into `endpoint` from now on; [`Fault::None`] heals it.
    ///
    /// # Panics
    /// If `endpoint` is [`Endpoint::Authorize`] or an endpoint the mock does not serve: a
    /// fault there would never fire.
    fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        let served = self.endpoint_url(endpoint).is_some();
        self.endpoints()
            .set_fault(Self::NAME, endpoint, served, fault);
    }
}

/// The calls and faults of a mock's endpoints and the connections it accepted, shared by
/// its handlers and read by [`MockIdp`]'s methods.
#[derive(Debug, Default)]
pub struct Endpoints {
    calls: [AtomicUsize; 6],
    faults: Mutex<HashMap<Endpoint, Fault>>,
    connections: AtomicUsize,
    /// The peers (client address and port: one per connection) that sent coauth's
    /// `User-Agent`.
    client_peers: Mutex<HashSet<SocketAddr>>,
}

impl Endpoints {
    /// Counts a request to `endpoint`.
    pub(crate) fn count(&self, endpoint: Endpoint) {
        self.calls[endpoint.index()].fetch_add(1, Ordering::SeqCst);
    }

    /// The requests `endpoint` received.
    pub(crate) fn calls(&self, endpoint: Endpoint) -> usize {
        self.calls[endpoint.index()].load(Ordering::SeqCst)
    }

    /// The connections accepted.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The connections on which coauth's outbound client sent requests.
    pub(crate) fn client_connections(&self) -> usize {
        self.client_peers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The fault set on `endpoint`.
    pub(crate) fn fault(&self, endpoint: Endpoint) -> Fault {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&endpoint)
            .cloned()
            .unwrap_or_default()
    }

    /// Sets the fault of `endpoint`, which `mock` (named in the panic) serves when
    /// `served`.
    ///
    /// # Panics
    /// If `endpoint` is not a back-channel endpoint or is not `served`.
    pub(crate) fn set_fault(&self, mock: &str, endpoint: Endpoint, served: bool, fault: Fault) {
        assert!(
            served && endpoint != Endpoint::Authorize,
            "{mock} cannot inject a fault into {endpoint:?}: it is not a back-channel \
             endpoint it serves"
        );
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(endpoint, fault);
    }

    /// Whether a [`Fault::Reset`] is set on some endpoint.
    fn resetting(&self) -> bool {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .any(|fault| *fault == Fault::Reset)
    }
}

/// A listener on `127.0.0.1:0` for the mock called `mock`, and its address.
///
/// # Panics
/// If no loopback port can be bound or there is no current tokio runtime.
pub(crate) async fn bind(mock: &str) -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{mock}: bind 127.0.0.1:0: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{mock}: local address of the listener: {e}"));
    (listener, addr)
}

/// Serves `app` on `listener` in a task of the current runtime, counting the connections in
/// `endpoints` and closing those accepted while a [`Fault::Reset`] is set with a reset.
pub(crate) fn spawn(listener: tokio::net::TcpListener, app: Router, endpoints: Arc<Endpoints>) {
    let peers = Arc::clone(&endpoints);
    let app = app.layer(axum::middleware::from_fn(
        move |ConnectInfo(peer): ConnectInfo<SocketAddr>,
              request: axum::extract::Request,
              next: axum::middleware::Next| {
            let from_coauth = request
                .headers()
                .get(http::header::USER_AGENT)
                .and_then(|agent| agent.to_str().ok())
                .is_some_and(|agent| agent.starts_with("coauth/"));
            if from_coauth {
                peers
                    .client_peers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(peer);
            }
            next.run(request)
        },
    ));
    let listener = listener.tap_io(move |tcp| {
        endpoints.connections.fetch_add(1, Ordering::SeqCst);
        if endpoints.resetting() {
            // Best effort: without it, the dropped connection closes with a FIN instead.
            let _ = tcp.set_zero_linger();
        }
    });
    tokio::spawn(async move {
        // serve only returns on an accept error the server cannot recover from; the mock
        // then simply stops answering, which the tests see as connection failures.
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
}
