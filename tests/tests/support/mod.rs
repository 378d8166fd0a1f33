//! Shared fixture for the HTTP tests: a coauth app on axum in front of the mock provider,
//! reachable in-process (tower `oneshot`) or over a real socket (hyper client).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::{Clock, Coauth, CoauthBuilder, HyperClient, ResourceCreator};
use coauth_tests::mock_provider::{MockConfig, MockProvider};
use http::{Request, Response, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::ServiceExt;

pub const ORIGIN: &str = "https://app.example";
pub const REDIRECT_URI: &str = "https://app.example/coauth/result_page";
pub const SECRET: &str = "test secret: thirty-two bytes or more, for sealing";
pub const BASE: &str = "/coauth";

/// How the test reaches the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    InProcess,
    Socket,
}

pub const TRANSPORTS: [Transport; 2] = [Transport::InProcess, Transport::Socket];

/// A clock the test can move.
#[derive(Clone, Default)]
pub struct TestClock(pub Arc<AtomicU64>);

impl TestClock {
    pub fn starting_now() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        TestClock(Arc::new(AtomicU64::new(now)))
    }
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
        .unwrap(),
        StandardUserinfo::new(&mock.userinfo_url()).unwrap(),
    )
}

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

/// A running app under test.
pub struct App {
    pub router: Router,
    pub transport: Transport,
    addr: Option<SocketAddr>,
}

impl App {
    pub async fn new(coauth: Coauth, transport: Transport) -> App {
        let router = Router::new().nest(BASE, coauth_axum::router(&ResourceCreator::new(coauth)));
        let addr = match transport {
            Transport::InProcess => None,
            Transport::Socket => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let served = router.clone();
                tokio::spawn(async move { axum::serve(listener, served).await });
                Some(addr)
            }
        };
        App {
            router,
            transport,
            addr,
        }
    }

    pub async fn send(&self, request: Request<Bytes>) -> Response<Bytes> {
        match self.addr {
            None => {
                let response = self
                    .router
                    .clone()
                    .oneshot(request.map(Body::from))
                    .await
                    .unwrap();
                let (parts, body) = response.into_parts();
                Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
            }
            Some(addr) => {
                let client: Client<_, Full<Bytes>> =
                    Client::builder(TokioExecutor::new()).build_http();
                let (mut parts, body) = request.into_parts();
                parts.uri = format!("http://{addr}{}", parts.uri).parse().unwrap();
                let response = client
                    .request(Request::from_parts(parts, Full::new(body)))
                    .await
                    .unwrap();
                let (parts, body) = response.into_parts();
                Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
            }
        }
    }

    /// A JSON POST from the app's page, as coauth.js sends it.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        cookie: Option<&str>,
    ) -> Response<Bytes> {
        let mut request = Request::post(format!("{BASE}{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Bytes::from(body.to_string())).unwrap())
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
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let body = json(&response);
        Started {
            url: body["url"].as_str().unwrap().to_owned(),
            flow: body["flow"].as_str().unwrap().to_owned(),
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

pub struct Started {
    pub url: String,
    pub flow: String,
    pub cookie: String,
    pub set_cookie: String,
}

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
pub fn assert_error(response: &Response<Bytes>, status: u16, code: &str) {
    assert_eq!(response.status(), status, "body: {:?}", response.body());
    assert_eq!(json(response)["code"], code, "body: {:?}", response.body());
}
