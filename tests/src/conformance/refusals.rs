//! Refusals of `result` that must happen before any provider call, checked with the mock's
//! counters: a spoiled request, and an answer that arrived at another redirect URI than the
//! flow's (provider mix-up, SECURITY.md item 33).

use bytes::Bytes;
use http::{Request, header};

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, Endpoint, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

/// Each case spoils one part of an otherwise valid result request; all are refused with
/// InputError before the provider is called.
pub(super) async fn result_refusals_happen_before_any_provider_call(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let coauth = builder(&mock, &config, &clock)
        .provider("other", mock_oauth2(&mock, &config))
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;
    let foreign = app_builder("demo", mock_oauth2(&mock, &config))
        .secret("a different deployment's secret, 32+ bytes")
        .build()
        .unwrap();
    let foreign_app = adapter.app(foreign).await;

    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let code = params["code"].as_str().unwrap().to_owned();
    let good_state = params["state"].as_str().unwrap().to_owned();
    let post = |provider: &'static str,
                flow: String,
                response: serde_json::Value,
                cookie: Option<String>| {
        let app = &app;
        async move {
            app.post_json(
                "/result",
                &serde_json::json!({"providerType": provider, "flow": flow, "response": response,
                    "redirectUri": REDIRECT_URI}),
                cookie.as_deref(),
            )
            .await
        }
    };
    let cookie = Some(started.cookie.clone());
    let flow = started.flow.clone();
    let mut tampered = flow.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let foreign_started = foreign_app.start("demo").await;

    let cases = vec![
        (
            "tampered flow",
            post("demo", tampered, params.clone(), cookie.clone()).await,
        ),
        (
            "foreign key",
            post(
                "demo",
                foreign_started.flow.clone(),
                params.clone(),
                Some(foreign_started.cookie.clone()),
            )
            .await,
        ),
        (
            "other provider",
            post("other", flow.clone(), params.clone(), cookie.clone()).await,
        ),
        (
            "state mismatch",
            post(
                "demo",
                flow.clone(),
                serde_json::json!({"code": code, "state": "x".repeat(43)}),
                cookie.clone(),
            )
            .await,
        ),
        (
            "state missing",
            post(
                "demo",
                flow.clone(),
                serde_json::json!({"code": code}),
                cookie.clone(),
            )
            .await,
        ),
        (
            "denial with wrong state",
            post(
                "demo",
                flow.clone(),
                serde_json::json!({"error": "access_denied", "state": "nope"}),
                cookie.clone(),
            )
            .await,
        ),
        (
            "cookie missing",
            post("demo", flow.clone(), params.clone(), None).await,
        ),
        (
            "cookie of another browser",
            post(
                "demo",
                flow.clone(),
                params.clone(),
                Some(format!("__Host-coauth-binding={}", "b".repeat(43))),
            )
            .await,
        ),
        (
            "flow too long",
            post("demo", "A".repeat(5000), params.clone(), cookie.clone()).await,
        ),
    ];
    for (name, response) in &cases {
        assert_error(response, 400, "InputError");
        let text = String::from_utf8_lossy(response.body());
        assert!(!text.contains(&code), "{name}: code leaked");
        assert!(!text.contains(&good_state), "{name}: state leaked");
    }
    // A foreign origin with a valid tuple.
    let foreign_origin = app
        .send(
            Request::post("/coauth/result")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::COOKIE, &started.cookie)
                .body(Bytes::from(
                    serde_json::json!({"providerType": "demo", "flow": flow, "response": params,
                        "redirectUri": REDIRECT_URI})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_error(&foreign_origin, 400, "InputError");
    // Expiry.
    clock.advance(601);
    let expired = post("demo", flow.clone(), params.clone(), cookie.clone()).await;
    assert_error(&expired, 400, "InputError");
    assert!(
        json(&expired)["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    assert_eq!(
        mock.calls(Endpoint::Token),
        0,
        "a refused request reached the provider"
    );
}

/// The result page's URL of provider `name`, as the resources serve it
/// (`{base}/result_page_{name}`).
fn own_page(name: &str) -> String {
    format!("{ORIGIN}{BASE}/result_page_{name}")
}

/// With a redirect URI per provider, `auth_url` takes only the provider's own, and `result`
/// refuses an answer that did not arrive at the flow's redirect URI (the result page reports
/// where it was loaded as `redirectUri`): missing, another page, another provider's page,
/// another origin. All before the provider is called; the same answer reported at the right
/// page then signs in.
pub(super) async fn answers_arriving_at_another_redirect_uri_are_refused(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .provider("other", mock_oauth2(&mock, &config))
        .provider("shared", mock_oauth2(&mock, &config))
        .provider_redirect_uri("demo", own_page("demo"))
        .provider_redirect_uri("other", own_page("other"))
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;

    // auth_url: a provider with its own redirect URI takes no other; the others keep the
    // shared one.
    for (provider, uri) in [
        ("demo", REDIRECT_URI.to_owned()),
        ("demo", own_page("other")),
        ("other", own_page("demo")),
        ("shared", own_page("demo")),
    ] {
        let body = serde_json::json!({"providerType": provider, "redirectUri": uri});
        let response = app.post_json("/auth_url", &body, None).await;
        let message = assert_error(&response, 400, "InputError");
        assert!(
            message.contains("redirect URI"),
            "{provider} at {uri}: {message}"
        );
    }
    Started::from_response(&app.auth_url("shared").await);
    assert_eq!(mock.calls(Endpoint::Token), 0);

    let started = app.start_at("demo", &own_page("demo")).await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let post = |redirect_uri: Option<String>| {
        let mut body =
            serde_json::json!({"providerType": "demo", "flow": started.flow, "response": params});
        if let Some(uri) = redirect_uri {
            body["redirectUri"] = uri.into();
        }
        let app = &app;
        let cookie = started.cookie.clone();
        async move { app.post_json("/result", &body, Some(&cookie)).await }
    };
    for (what, reported) in [
        ("missing", None),
        ("empty", Some(String::new())),
        ("the shared page", Some(REDIRECT_URI.to_owned())),
        ("another provider's page", Some(own_page("other"))),
        (
            "another path",
            Some(format!("{ORIGIN}/elsewhere/result_page_demo")),
        ),
        (
            "another origin",
            Some(format!("https://evil.example{BASE}/result_page_demo")),
        ),
        ("not a URL", Some("result_page_demo".to_owned())),
    ] {
        let response = post(reported).await;
        let message = assert_error(&response, 400, "InputError");
        assert!(message.contains("redirect"), "{what}: {message}");
        assert_eq!(
            mock.calls(Endpoint::Token),
            0,
            "{what}: the provider was called"
        );
    }
    // The same answer, reported at the flow's page, signs in: the refusals above were about
    // where it arrived, and the code was never spent.
    let response = post(Some(own_page("demo"))).await;
    assert_eq!(assert_ok(&response)["user"]["id"], "mock-user-1");
    assert_eq!(mock.calls(Endpoint::Token), 1);
}
