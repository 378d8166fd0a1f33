//! The binding cookie: its attributes, its reuse and refresh, and how it is read back.

use bytes::Bytes;
use coauth_core::Clock;
use http::{Request, Response, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;
use crate::mock::{Decision, MockIdp};
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
    // A second flow in the same browser keeps the cookie's value, so parallel flows stay
    // valid, and sends it again with a fresh Max-Age (SECURITY.md item 34).
    let again = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}),
            Some(&started.cookie),
        )
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(header_text(&again, header::SET_COOKIE), started.set_cookie);
}

/// The binding cookie as a browser keeps it: the value of the latest `Set-Cookie` and the
/// expiry its `Max-Age` gives, on the test's clock. Like a browser, it sends the cookie only
/// until it expires.
struct BrowserCookie {
    clock: TestClock,
    /// `name=value` and the Unix time at which the cookie expires.
    cookie: Option<(String, u64)>,
}

impl BrowserCookie {
    /// Keeps the binding cookie an answer sets, if it sets one.
    fn store(&mut self, response: &Response<Bytes>) {
        let Some(set_cookie) = response.headers().get(header::SET_COOKIE) else {
            return;
        };
        let set_cookie = set_cookie.to_str().expect("the cookie is ASCII");
        let mut attributes = set_cookie.split("; ");
        let pair = attributes.next().expect("split yields one item").to_owned();
        let max_age: u64 = attributes
            .find_map(|attribute| attribute.strip_prefix("Max-Age="))
            .expect("the binding cookie has a Max-Age")
            .parse()
            .expect("Max-Age is a number");
        self.cookie = Some((pair, self.clock.now_unix() + max_age));
    }

    /// The `Cookie` header the browser sends now: the cookie, unless it has expired.
    fn header(&self) -> Option<&str> {
        self.cookie
            .as_ref()
            .filter(|(_, expires)| self.clock.now_unix() < *expires)
            .map(|(pair, _)| pair.as_str())
    }
}

/// A flow started late in the binding cookie's life still finishes: every `auth_url` sends
/// the cookie again with a fresh Max-Age (SECURITY.md item 34). The cookie is set at t0,
/// a second flow starts at t0 + 9 min with it and finishes at t0 + 11 min, after the first
/// Max-Age (10 min) has run out, which a browser honours.
pub(super) async fn a_flow_started_late_in_the_cookies_life_finishes(adapter: Adapter) {
    let (mock, _config, app, clock) = fixture(&adapter).await;
    let mut browser = BrowserCookie {
        clock: clock.clone(),
        cookie: None,
    };
    let auth_url = serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI});
    let first = app
        .post_json("/auth_url", &auth_url, browser.header())
        .await;
    assert_eq!(first.status(), 200, "{:?}", first.body());
    browser.store(&first);
    let first_cookie = browser
        .header()
        .expect("the first flow sets the cookie")
        .to_owned();

    clock.advance(9 * 60);
    let late = app
        .post_json("/auth_url", &auth_url, browser.header())
        .await;
    assert_eq!(late.status(), 200, "{:?}", late.body());
    browser.store(&late);
    assert_eq!(
        browser.header(),
        Some(first_cookie.as_str()),
        "the same value"
    );
    let late = json(&late);
    let redirect = mock
        .decide(late["url"].as_str().expect("url"), Decision::Approve)
        .await
        .unwrap();

    clock.advance(2 * 60);
    let body = serde_json::json!({"providerType": "demo", "flow": late["flow"],
        "response": redirect.json(), "redirectUri": REDIRECT_URI});
    let finished = app.post_json("/result", &body, browser.header()).await;
    assert_eq!(finished.status(), 200, "{:?}", finished.body());
    assert_eq!(json(&finished)["user"]["id"], "mock-user-1");
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
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let body = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": redirect.json(), "redirectUri": REDIRECT_URI});
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
