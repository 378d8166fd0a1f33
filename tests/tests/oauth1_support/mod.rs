//! Fixture of the OAuth 1.0a tests: a coauth app on axum, served on a real loopback socket,
//! in front of an OAuth 1.0a provider (the mock, or Python's oauthlib).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use bytes::Bytes;
use coauth_core::presets::Twitter;
use coauth_core::{Coauth, CoauthBuilder, HyperClient, Provider, ResourceCreator};
use coauth_tests::mock_oauth1::{MockOAuth1, MockOAuth1Config};
use http::{Request, Response, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

pub const ORIGIN: &str = "https://app.example";
pub const REDIRECT_URI: &str = "https://app.example/coauth/result_page";
pub const SECRET: &str = "oauth1 test secret: thirty-two bytes or more";
pub const BASE: &str = "/coauth";

/// The outbound client of the tests: loopback allowed, short timeouts.
pub fn test_http_client() -> HyperClient {
    HyperClient::builder()
        .allow_loopback(true)
        .timeout(Duration::from_millis(3000))
        .connect_timeout(Duration::from_millis(500))
        .build()
}

/// The Twitter preset pointed at the mock, with the mock's consumer credentials.
pub fn twitter_for(mock: &MockOAuth1, config: &MockOAuth1Config) -> Twitter {
    Twitter::new(config.consumer_key.clone(), config.consumer_secret.clone())
        .with_hosts(mock.base_url(), mock.base_url())
}

/// An app whose provider `twitter` is `provider`.
pub fn builder(provider: impl Provider) -> CoauthBuilder {
    Coauth::builder()
        .secret(SECRET)
        .provider("twitter", provider)
        .redirect_uri(REDIRECT_URI)
        .http_client(test_http_client())
}

/// A mock with the default configuration and an app signing in against it.
pub async fn twitter_app() -> (MockOAuth1, App) {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let provider = twitter_for(&mock, &config).try_build().unwrap();
    let app = App::serve(builder(provider).build().unwrap()).await;
    (mock, app)
}

/// A coauth app served over HTTP on `127.0.0.1:0`.
pub struct App {
    addr: SocketAddr,
}

/// What `auth_url` answered.
pub struct Started {
    pub url: String,
    pub flow: String,
    pub cookie: String,
}

impl App {
    pub async fn serve(coauth: Coauth) -> App {
        let router = Router::new().nest(BASE, coauth_axum::router(&ResourceCreator::new(coauth)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        App { addr }
    }

    /// A JSON POST from the app's page, as coauth.js sends it.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        cookie: Option<&str>,
    ) -> Response<Bytes> {
        let mut request = Request::post(format!("http://{}{BASE}{path}", self.addr))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let response = client.request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }

    /// `POST auth_url` for `provider`, as it answered.
    pub async fn auth_url(&self, provider: &str, mode: &str) -> Response<Bytes> {
        self.post_json(
            "/auth_url",
            &serde_json::json!({"providerType": provider, "redirectUri": REDIRECT_URI,
                "mode": mode}),
            None,
        )
        .await
    }

    /// Starts a popup sign-in that must succeed.
    pub async fn start(&self, provider: &str) -> Started {
        let response = self.auth_url(provider, "popup").await;
        assert_eq!(response.status(), 200, "{:?}", response.body());
        let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let body = json(&response);
        Started {
            url: body["url"].as_str().unwrap().to_owned(),
            flow: body["flow"].as_str().unwrap().to_owned(),
            cookie,
        }
    }

    /// Posts the provider's redirect parameters to `result` with the flow's cookie.
    pub async fn finish(
        &self,
        provider: &str,
        started: &Started,
        response: serde_json::Value,
    ) -> Response<Bytes> {
        self.post_json(
            "/result",
            &serde_json::json!({"providerType": provider, "flow": started.flow,
                "response": response}),
            Some(&started.cookie),
        )
        .await
    }
}

pub fn json(response: &Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|_| panic!("not JSON: {:?}", response.body()))
}

/// The query parameters of the provider's redirect, as the result page hands them over.
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

/// A loopback URL where nothing listens: connections are refused.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
