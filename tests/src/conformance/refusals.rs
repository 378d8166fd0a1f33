//! Refusals of `result` that must happen before any provider call, checked with the mock's
//! counters.

use bytes::Bytes;
use http::{Request, header};

use super::Adapter;
use crate::fixture::*;
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
    let params = mock.consent(&started.url, true).await;
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
                &serde_json::json!({"providerType": provider, "flow": flow, "response": response}),
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
                    serde_json::json!({"providerType": "demo", "flow": flow, "response": params})
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
        mock.token_calls(),
        0,
        "a refused request reached the provider"
    );
}
