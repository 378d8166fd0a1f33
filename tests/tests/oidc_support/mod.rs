//! Fixture of the OpenID Connect tests: a coauth app on axum (driven in-process) in front of
//! the mock OpenID provider on loopback.

#![allow(dead_code)]

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use coauth_core::oidc::ProviderMetadata;
use coauth_core::{Coauth, HyperClient, Provider, ResourceCreator};
use coauth_tests::mock_oidc::MockOidc;
use http::{Request, Response, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const ORIGIN: &str = "https://app.example";
pub const REDIRECT_URI: &str = "https://app.example/coauth/result_page";
pub const SECRET: &str = "oidc test secret: thirty-two bytes or more, for sealing";

/// The outbound client of the tests: loopback allowed, short timeouts.
pub fn http_client() -> HyperClient {
    HyperClient::builder()
        .allow_loopback(true)
        .timeout(Duration::from_millis(2000))
        .connect_timeout(Duration::from_millis(500))
        .build()
}

/// The mock's endpoints as static metadata (for presets, which do not discover).
pub fn metadata(mock: &MockOidc) -> ProviderMetadata {
    ProviderMetadata::new(
        mock.issuer(),
        &mock.authorize_url(),
        &mock.token_url(),
        &mock.jwks_url(),
    )
    .unwrap()
}

/// A coauth app with one provider, `name`.
pub struct App {
    router: Router,
}

pub struct Started {
    pub url: String,
    pub flow: String,
    pub cookie: String,
}

impl App {
    pub fn new(name: &str, provider: impl Provider) -> App {
        let coauth = Coauth::builder()
            .secret(SECRET)
            .provider(name, provider)
            .redirect_uri(REDIRECT_URI)
            .http_client(http_client())
            .expose_credentials(true)
            .build()
            .unwrap();
        App {
            router: Router::new().nest(
                "/coauth",
                coauth_axum::router(&ResourceCreator::new(coauth)),
            ),
        }
    }

    async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        cookie: Option<&str>,
    ) -> Response<Bytes> {
        let mut request = Request::post(format!("/coauth{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }

    /// `auth_url`: the raw answer.
    pub async fn auth_url(&self, provider: &str) -> Response<Bytes> {
        self.post(
            "/auth_url",
            serde_json::json!({"providerType": provider, "redirectUri": REDIRECT_URI}),
            None,
        )
        .await
    }

    /// Starts a sign-in that must succeed.
    pub async fn start(&self, provider: &str) -> Started {
        let response = self.auth_url(provider).await;
        assert_eq!(response.status(), 200, "auth_url: {:?}", response.body());
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let body = json(&response);
        Started {
            url: body["url"].as_str().unwrap().to_owned(),
            flow: body["flow"].as_str().unwrap().to_owned(),
            cookie,
        }
    }

    /// Posts the provider's answer to `result`.
    pub async fn finish(
        &self,
        provider: &str,
        started: &Started,
        params: &[(String, String)],
    ) -> Response<Bytes> {
        let response: serde_json::Map<String, serde_json::Value> = params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        self.post(
            "/result",
            serde_json::json!({"providerType": provider, "flow": started.flow, "response": response}),
            Some(&started.cookie),
        )
        .await
    }

    /// The whole sign-in: start, the user's decision at the mock, finish.
    pub async fn sign_in(&self, provider: &str, mock: &MockOidc, approve: bool) -> Response<Bytes> {
        let started = self.start(provider).await;
        let params = mock.decide(&started.url, approve).await.unwrap();
        self.finish(provider, &started, &params).await
    }
}

pub fn json(response: &Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|_| panic!("not JSON: {:?}", response.body()))
}

/// Asserts an error answer's status and code; returns its message.
pub fn assert_error(response: &Response<Bytes>, status: u16, code: &str) -> String {
    assert_eq!(response.status(), status, "body: {:?}", response.body());
    let body = json(response);
    assert_eq!(body["code"], code, "body: {body}");
    body["message"].as_str().unwrap().to_owned()
}

/// Replaces (or adds) one parameter of a provider answer.
pub fn with_param(
    params: &[(String, String)],
    name: &str,
    value: Option<&str>,
) -> Vec<(String, String)> {
    let mut params: Vec<_> = params.iter().filter(|(k, _)| k != name).cloned().collect();
    if let Some(value) = value {
        params.push((name.to_owned(), value.to_owned()));
    }
    params
}

/// A query parameter of an authorization URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
