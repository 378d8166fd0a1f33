//! The binding cookie: its attributes, its reuse, and how it is read back.

use bytes::Bytes;
use http::{Request, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;
use crate::mock_provider::{MockConfig, MockProvider};

pub(super) async fn binding_cookie_has_safe_attributes_and_is_reused(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let attributes: Vec<_> = started.set_cookie.split("; ").collect();
    assert!(attributes[0].starts_with("__Host-coauth-binding="));
    for expected in [
        "Path=/",
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Max-Age=600",
    ] {
        assert!(
            attributes.contains(&expected),
            "{expected} in {attributes:?}"
        );
    }
    assert!(!started.set_cookie.contains("Domain"));
    // A second flow in the same browser keeps the cookie, so parallel flows stay valid.
    let again = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}),
            Some(&started.cookie),
        )
        .await;
    assert_eq!(again.status(), 200);
    assert!(again.headers().get(header::SET_COOKIE).is_none());
}

pub(super) async fn loopback_http_origin_gets_a_non_secure_cookie(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .redirect_uri("http://127.0.0.1:8080/coauth/result_page")
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;
    let response = app
        .send(
            Request::post("/coauth/auth_url")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, "http://127.0.0.1:8080")
                .body(Bytes::from(
                    serde_json::json!({"providerType": "demo",
                        "redirectUri": "http://127.0.0.1:8080/coauth/result_page"})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("coauth-binding="));
    assert!(!cookie.contains("Secure"));
}

/// Browsers and proxies may split cookies over several `Cookie` headers (HTTP/2 does): the
/// binding cookie counts wherever it is, so adapters must pass every value on (the
/// binding cookie comes first: an adapter keeping only the last value loses it).
pub(super) async fn binding_cookie_is_found_in_any_cookie_header(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, true).await.unwrap();
    let body = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": redirect_params(&redirect)});
    let response = app
        .send(
            Request::post("/coauth/result")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, started.cookie.as_str())
                .header(header::COOKIE, "theme=dark; lang=en")
                .body(Bytes::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(json(&response)["user"]["id"], "mock-user-1");
}
