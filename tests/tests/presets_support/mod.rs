//! The preset tests' fixture: a coauth app on axum (driven in-process) with one preset
//! pointed at a mock provider in that preset's quirk mode, and the two journeys every preset
//! must pass: a full sign-in and a denial.

#![allow(dead_code)]

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use coauth_core::{Coauth, HyperClient, Provider, ResourceCreator};
use coauth_tests::mock_provider::{MockConfig, MockProvider, MockUser, Mode, Preset};
use http::{Request, Response, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ORIGIN: &str = "https://app.example";
pub const REDIRECT_URI: &str = "https://app.example/coauth/result_page";
const SECRET: &str = "preset tests: a sealing secret of at least 32 bytes";

/// The user at every preset mock: a numeric id, as several providers use.
pub fn user() -> MockUser {
    MockUser {
        id: "583231".into(),
        ..MockUser::default()
    }
}

/// A mock provider imitating `preset`, with [`user`] signed in.
pub async fn mock(preset: Preset) -> MockProvider {
    MockProvider::start(MockConfig {
        mode: Mode::Preset(preset),
        user: user(),
        ..MockConfig::default()
    })
    .await
}

/// The mock's client registration.
pub fn client() -> (String, String) {
    let config = MockConfig::default();
    (config.client_id, config.client_secret)
}

/// A coauth app with `provider` under `name`, mounted at `/coauth`.
pub fn app(name: &str, provider: impl Provider) -> Router {
    let coauth = Coauth::builder()
        .secret(SECRET)
        .provider(name, provider)
        .redirect_uri(REDIRECT_URI)
        .http_client(
            HyperClient::builder()
                .allow_loopback(true)
                .timeout(Duration::from_secs(5))
                .build(),
        )
        .build()
        .expect("a valid coauth configuration");
    Router::new().nest(
        "/coauth",
        coauth_axum::router(&ResourceCreator::new(coauth)),
    )
}

async fn post_json(
    router: &Router,
    path: &str,
    body: &Value,
    cookie: Option<&str>,
) -> Response<Bytes> {
    let mut request = Request::post(format!("/coauth{path}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
}

pub fn json_body(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body())
        .unwrap_or_else(|_| panic!("not JSON: {:?}", response.body()))
}

/// A started sign-in: the authorization URL, the sealed flow and the binding cookie.
pub struct Started {
    pub url: String,
    flow: String,
    cookie: String,
}

/// `POST /auth_url` for provider `name`.
pub async fn start(router: &Router, name: &str) -> Started {
    let response = post_json(
        router,
        "/auth_url",
        &json!({"providerType": name, "redirectUri": REDIRECT_URI}),
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body = json_body(&response);
    Started {
        url: body["url"].as_str().unwrap().to_owned(),
        flow: body["flow"].as_str().unwrap().to_owned(),
        cookie,
    }
}

/// `POST /result` with the parameters of the provider's redirect to `redirect`.
pub async fn finish(
    router: &Router,
    name: &str,
    started: &Started,
    redirect: &url::Url,
) -> Response<Bytes> {
    let params: serde_json::Map<String, Value> = redirect
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    post_json(
        router,
        "/result",
        &json!({"providerType": name, "flow": started.flow, "response": params,
                "result": {"fields": ["email"]}}),
        Some(&started.cookie),
    )
    .await
}

/// Approves or denies at the mock and posts the redirect to `/result`.
pub async fn journey(
    mock: &MockProvider,
    router: &Router,
    name: &str,
    approve: bool,
) -> Response<Bytes> {
    let started = start(router, name).await;
    assert!(
        started.url.starts_with(&mock.authorize_url()),
        "{} does not start with {}",
        started.url,
        mock.authorize_url()
    );
    let redirect = mock.decide(&started.url, approve).await.unwrap();
    finish(router, name, &started, &redirect).await
}

/// Signs in through coauth with `provider` against `mock` and asserts the exact normalized
/// user; then denies at the mock and asserts `409 UserDenied` without a token call.
pub async fn assert_preset(mock: &MockProvider, provider: impl Provider, expected_user: Value) {
    let router = app("preset", provider);
    let response = journey(mock, &router, "preset", true).await;
    assert_eq!(response.status(), 200, "sign-in: {:?}", response.body());
    let body = json_body(&response);
    assert_eq!(body["user"], expected_user);
    assert_eq!(body["providerType"], "preset");
    assert!(
        body.get("credentials").is_none(),
        "tokens must not reach the browser"
    );
    assert_eq!(mock.token_calls(), 1);
    assert!(mock.profile_calls() >= 1);

    let calls_before = (mock.token_calls(), mock.profile_calls());
    let response = journey(mock, &router, "preset", false).await;
    assert_eq!(response.status(), 409, "denial: {:?}", response.body());
    assert_eq!(json_body(&response)["code"], "UserDenied");
    assert_eq!((mock.token_calls(), mock.profile_calls()), calls_before);
}

/// The last authorization request's parameter `name`.
pub fn authorize_param(mock: &MockProvider, name: &str) -> Option<String> {
    mock.last_authorize_query()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The last token request's form field `name`.
pub fn token_field(mock: &MockProvider, name: &str) -> Option<String> {
    mock.last_token_request()?
        .form
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// Whether the last token request used HTTP Basic.
pub fn token_used_basic(mock: &MockProvider) -> bool {
    mock.last_token_request().is_some_and(|request| {
        request
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("Basic "))
    })
}

/// The normalized user as JSON, fields in the protocol's names.
pub fn user_json(
    id: &str,
    name: Option<&str>,
    email: Option<&str>,
    email_verified: Option<bool>,
    avatar_url: Option<&str>,
    profile_url: Option<&str>,
    username: Option<&str>,
) -> Value {
    json!({"id": id, "name": name, "email": email, "emailVerified": email_verified,
           "avatarUrl": avatar_url, "profileUrl": profile_url, "username": username})
}
