//! What the conformance cases share: the app under test in front of the mock provider, its
//! configuration, and helpers to speak coauth's protocol to it as coauth.js does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::{Clock, Coauth, CoauthBuilder, HyperClient};
use http::{Request, Response, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperLegacyClient;
use hyper_util::rt::TokioExecutor;

use super::{Client, LocalBoxFuture};
use crate::mock_provider::{MockConfig, MockProvider};

/// The app's origin, as its pages send it in `Origin`.
pub const ORIGIN: &str = "https://app.example";
/// The one redirect URI the app registers.
pub const REDIRECT_URI: &str = "https://app.example/coauth/result_page";
/// The app's sealing secret.
pub const SECRET: &str = "test secret: thirty-two bytes or more, for sealing";
/// The prefix the resources are mounted under, unless a case picks another.
pub const BASE: &str = "/coauth";

/// A clock the test can move.
#[derive(Debug, Clone, Default)]
pub struct TestClock(pub Arc<AtomicU64>);

impl TestClock {
    /// A clock set to the system time.
    pub fn starting_now() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the system clock is after 1970")
            .as_secs();
        TestClock(Arc::new(AtomicU64::new(now)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The OAuth 2.0 engine pointed at a generic-mode mock.
pub fn mock_oauth2(mock: &MockProvider, config: &MockConfig) -> OAuth2Provider {
    OAuth2Provider::new(
        OAuth2Config::new(
            config.client_id.clone(),
            config.client_secret.clone(),
            &mock.authorize_url(),
            &mock.token_url(),
        )
        .expect("the mock's URLs are valid"),
        StandardUserinfo::new(&mock.userinfo_url()).expect("the mock's URLs are valid"),
    )
}

/// The outbound client of the tests: loopback allowed, short timeouts.
pub fn test_http_client() -> HyperClient {
    HyperClient::builder()
        .allow_loopback(true)
        .timeout(Duration::from_millis(1500))
        .connect_timeout(Duration::from_millis(500))
        .build()
}

/// The usual app: provider `demo` backed by the mock, a movable clock.
pub fn builder(mock: &MockProvider, config: &MockConfig, clock: &TestClock) -> CoauthBuilder {
    Coauth::builder()
        .secret(SECRET)
        .provider("demo", mock_oauth2(mock, config))
        .redirect_uri(REDIRECT_URI)
        .http_client(test_http_client())
        .clock(clock.clone())
}

/// Reaches an app served on a real socket, with a fresh hyper client per request.
#[derive(Debug, Clone, Copy)]
pub struct SocketClient(pub SocketAddr);

impl Client for SocketClient {
    fn send(&self, request: Request<Bytes>) -> LocalBoxFuture<'_, Response<Bytes>> {
        Box::pin(async move {
            let client: HyperLegacyClient<_, Full<Bytes>> =
                HyperLegacyClient::builder(TokioExecutor::new()).build_http();
            let (mut parts, body) = request.into_parts();
            parts.uri = format!("http://{}{}", self.0, parts.uri)
                .parse()
                .expect("a request path makes a valid URI");
            let response = client
                .request(Request::from_parts(parts, Full::new(body)))
                .await
                .expect("the app answers over the socket");
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .expect("the app's answer has a readable body");
            Response::from_parts(parts, body.to_bytes())
        })
    }

    fn addr(&self) -> Option<SocketAddr> {
        Some(self.0)
    }
}

/// A running app under test: the coauth resources under [`App::prefix`].
pub struct App {
    client: Box<dyn Client>,
    prefix: &'static str,
}

impl App {
    /// An app reached through `client`, with the resources under `prefix`.
    pub fn new(client: Box<dyn Client>, prefix: &'static str) -> App {
        App { client, prefix }
    }

    /// The prefix the resources are mounted under.
    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The app's socket address, when the case reaches it over a socket.
    pub fn addr(&self) -> Option<SocketAddr> {
        self.client.addr()
    }

    /// Sends one request (its URI is a path, such as `/coauth/auth_url`).
    pub async fn send(&self, request: Request<Bytes>) -> Response<Bytes> {
        self.client.send(request).await
    }

    /// Sends a bodiless request with `method` to `path` under the prefix.
    pub async fn call(&self, method: http::Method, path: &str) -> Response<Bytes> {
        self.send(
            Request::builder()
                .method(method)
                .uri(format!("{}{path}", self.prefix))
                .body(Bytes::new())
                .expect("a valid request"),
        )
        .await
    }

    /// A JSON POST from the app's page, as coauth.js sends it.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        cookie: Option<&str>,
    ) -> Response<Bytes> {
        let mut request = Request::post(format!("{}{path}", self.prefix))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(
            request
                .body(Bytes::from(body.to_string()))
                .expect("a valid request"),
        )
        .await
    }

    /// Starts a sign-in; returns the authorization URL, the flow and the binding cookie.
    pub async fn start(&self, provider: &str) -> Started {
        let response = self
            .post_json(
                "/auth_url",
                &serde_json::json!({"providerType": provider, "redirectUri": REDIRECT_URI}),
                None,
            )
            .await;
        assert_eq!(response.status(), 200, "{:?}", response.body());
        let set_cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("the cookie is ASCII");
        let cookie = set_cookie
            .split(';')
            .next()
            .expect("split yields one item")
            .to_owned();
        let body = json(&response);
        Started {
            url: body["url"].as_str().expect("url is a string").to_owned(),
            flow: body["flow"].as_str().expect("flow is a string").to_owned(),
            cookie,
            set_cookie: set_cookie.to_owned(),
        }
    }

    /// Posts the provider's redirect parameters to `result`.
    pub async fn finish(
        &self,
        provider: &str,
        started: &Started,
        response: serde_json::Value,
    ) -> Response<Bytes> {
        self.post_json(
            "/result",
            &serde_json::json!({"providerType": provider, "flow": started.flow, "response": response}),
            Some(&started.cookie),
        )
        .await
    }
}

/// What `auth_url` answered.
#[derive(Debug, Clone)]
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// The sealed flow.
    pub flow: String,
    /// The binding cookie as a browser sends it back (`name=value`).
    pub cookie: String,
    /// The whole `Set-Cookie` header.
    pub set_cookie: String,
}

/// The body of `response` as JSON.
///
/// # Panics
/// If the body is not JSON.
pub fn json(response: &Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|_| panic!("not JSON: {:?}", response.body()))
}

/// The redirect parameters of a provider redirect URL, as the result page hands them over.
pub fn redirect_params(url: &url::Url) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
        .collect();
    serde_json::Value::Object(map)
}

/// Asserts an error answer's status and code.
///
/// # Panics
/// If the answer is another one.
pub fn assert_error(response: &Response<Bytes>, status: u16, code: &str) {
    assert_eq!(response.status(), status, "body: {:?}", response.body());
    assert_eq!(json(response)["code"], code, "body: {:?}", response.body());
}

/// The value of header `name`, as text (empty when absent).
pub fn header_text(response: &Response<Bytes>, name: impl header::AsHeaderName) -> &str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}
