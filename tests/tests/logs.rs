//! coauth's logs: full sign-ins over OAuth 2.0, OpenID Connect and OAuth 1.0a, refusals and
//! provider failures, with every `tracing` event and span of the process captured. Each
//! step and provider call is logged with its provider, outcome and duration, provider
//! failures at `warn` with the HTTP status; and no secret value of the flows appears:
//! neither the ones each test collects (state, nonce, PKCE challenge, flow, binding cookie,
//! code, tokens, client secrets) nor anything shaped like a random value.
//!
//! The error hook sees every refusal and failure with the request's head.

mod oauth1_support;
mod oidc_support;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use coauth_core::presets::Oidc;
use coauth_core::{ErrorEvent, Step};
use coauth_tests::fixture::*;
use coauth_tests::log_capture::{self, assert_no_secrets};
use coauth_tests::mock::{Decision, Endpoint, Fault, MockIdp};
use coauth_tests::mock_oauth1::MockOAuth1Config;
use coauth_tests::mock_oidc::{MockOidc, MockOidcConfig};
use coauth_tests::mock_provider::{MockConfig, MockProvider};
use http::Response;
use oidc_support::oidc_app;

/// Every value of a finished flow that must never be logged.
fn flow_values(
    started: &Started,
    params: &serde_json::Value,
    answer: &Response<Bytes>,
) -> Vec<String> {
    let mut values = vec![started.flow.clone(), started.cookie.clone()];
    let cookie_value = started.cookie.split_once('=').map(|(_, v)| v.to_owned());
    values.extend(cookie_value);
    for name in ["state", "nonce", "code_challenge", "oauth_token"] {
        values.extend(query_param(&started.url, name));
    }
    for name in ["code", "state", "oauth_token", "oauth_verifier"] {
        values.extend(params[name].as_str().map(str::to_owned));
    }
    let body = json(answer);
    for name in ["accessToken", "refreshToken", "idToken", "tokenSecret"] {
        values.extend(body["credentials"][name].as_str().map(str::to_owned));
    }
    values.retain(|value| value.len() >= 8);
    values
}

/// What the error hook saw of one event: step, provider, flow fingerprint, code, method.
type Seen = (Step, Option<String>, Option<String>, String, String);

fn check(log: &str, values: &[String], fixed: &[&str]) {
    let mut secrets: Vec<&str> = values.iter().map(String::as_str).collect();
    secrets.extend_from_slice(fixed);
    secrets.push(SECRET);
    assert_no_secrets(log, &secrets);
}

#[tokio::test]
async fn an_oauth2_sign_in_logs_each_step_and_no_secret() {
    let capture = log_capture::install();
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .expose_credentials(true)
        .build()
        .unwrap();
    let app = App::axum(coauth, Transport::InProcess).await;
    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let answer = app.finish("demo", &started, params.clone()).await;
    assert_ok(&answer);
    let values = flow_values(&started, &params, &answer);
    assert!(values.len() >= 7, "collected {values:?}");

    let log = capture.text();
    for expected in [
        "coauth.auth_url",
        "coauth.result",
        "coauth.token",
        "coauth.profile",
        "provider=\"demo\"",
        "step finished",
        "duration_ms",
        "outcome=\"ok\"",
    ] {
        assert!(log.contains(expected), "no {expected:?} in the log:\n{log}");
    }
    check(&log, &values, &[&config.client_secret]);
}

#[tokio::test]
async fn an_openid_sign_in_logs_discovery_jwks_and_no_secret() {
    let capture = log_capture::install();
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let provider = Oidc::new(mock.issuer(), "oidc-client", "oidc-secret")
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let app = oidc_app("oidc", provider).await;
    let started = app.start("oidc").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let answer = app.finish("oidc", &started, params.clone()).await;
    assert_ok(&answer);
    let values = flow_values(&started, &params, &answer);

    let log = capture.text();
    for expected in [
        "coauth.discovery",
        "coauth.jwks",
        "coauth.userinfo",
        "provider=\"oidc\"",
    ] {
        assert!(log.contains(expected), "no {expected:?} in the log:\n{log}");
    }
    check(&log, &values, &["oidc-secret"]);
}

#[tokio::test]
async fn an_oauth1_sign_in_logs_the_request_token_and_no_secret() {
    let capture = log_capture::install();
    let config = MockOAuth1Config::default();
    let mock = coauth_tests::mock_oauth1::MockOAuth1::start(config.clone()).await;
    let provider = oauth1_support::twitter_for(&mock, &config).build().unwrap();
    let app =
        oauth1_support::serve(oauth1_support::twitter_builder(provider).expose_credentials(true))
            .await;
    let started = app.start("twitter").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let answer = app.finish("twitter", &started, params.clone()).await;
    assert_ok(&answer);
    let values = flow_values(&started, &params, &answer);
    assert!(
        values.iter().any(|v| Some(v)
            == params["oauth_verifier"]
                .as_str()
                .map(str::to_owned)
                .as_ref()),
        "the verifier is among the checked values"
    );

    let log = capture.text();
    for expected in ["coauth.request_token", "provider=\"twitter\""] {
        assert!(log.contains(expected), "no {expected:?} in the log:\n{log}");
    }
    check(
        &log,
        &values,
        &[&config.consumer_secret, &config.consumer_key],
    );
}

#[tokio::test]
async fn refusals_and_failures_are_logged_with_their_reason_and_reach_the_error_hook() {
    let capture = log_capture::install();
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let events: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let seen = events.clone();
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .error_hook(move |event: &ErrorEvent<'_>| {
            let method = event.request.method.to_string();
            seen.lock().unwrap().push((
                event.step,
                event.provider.map(str::to_owned),
                event.flow.map(str::to_owned),
                event.error.code().to_owned(),
                method,
            ));
        })
        .build()
        .unwrap();
    let app = App::axum(coauth, Transport::InProcess).await;

    // A tampered flow: refused before any provider call.
    let started = app.start("demo").await;
    let mut tampered = started.clone();
    tampered.flow.replace_range(
        10..11,
        if &started.flow[10..11] == "A" {
            "B"
        } else {
            "A"
        },
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_error(
        &app.finish("demo", &tampered, params.clone()).await,
        400,
        "InputError",
    );
    // The provider fails at the token endpoint (502).
    mock.set_fault(Endpoint::Token, Fault::ServerError);
    let answer = app.finish("demo", &started, params.clone()).await;
    assert_error(&answer, 500, "ProviderTechnicalError");
    mock.set_fault(Endpoint::Token, Fault::None);
    // A wrong method on a page.
    let method = app.call(http::Method::DELETE, "/auth_page").await;
    assert_eq!(method.status(), 405);

    let events = events.lock().unwrap().clone();
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].0, Step::Result);
    assert_eq!(events[0].1.as_deref(), Some("demo"));
    let fingerprint = events[0].2.clone().expect("the flow's fingerprint");
    assert_eq!(fingerprint.len(), 12);
    assert_eq!(events[0].3, "InputError");
    assert_eq!(
        (events[1].0, events[1].3.as_str()),
        (Step::Result, "ProviderTechnicalError")
    );
    assert_eq!(events[2].0, Step::AuthPage);
    assert_eq!(events[2].3, "ValidationError");
    assert_eq!(events[2].4, "DELETE");

    let log = capture.text();
    // The refusal, with its reason and the flow's fingerprint.
    assert!(
        log.lines().any(|line| line.contains("step refused")
            && line.contains("InputError")
            && line.contains(&fingerprint)),
        "no refusal line naming flow {fingerprint}:\n{log}"
    );
    // The provider's failure, at warn, with the HTTP status.
    assert!(
        log.lines().any(|line| line.contains("WARN")
            && line.contains("coauth.token")
            && line.contains("http_status=502")
            && line.contains("ProviderTechnicalError")),
        "no warn line for the token endpoint's 502:\n{log}"
    );
    let mut values = vec![
        started.flow.clone(),
        tampered.flow.clone(),
        started.cookie.clone(),
    ];
    values.extend(params["code"].as_str().map(str::to_owned));
    check(&log, &values, &[&config.client_secret]);
}

/// A provider-side failure gives the browser a fixed message for its code, while the log
/// and the error hook get the detail (SECURITY.md item 40): for a refused connection, how
/// the connection failed; for a provider's error body, the provider's error code.
#[tokio::test]
async fn provider_failures_give_the_browser_a_fixed_message_and_the_log_and_hook_the_detail() {
    use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
    use coauth_tests::mock_provider::refused_url;

    let capture = log_capture::install();
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    // (flow fingerprint, code, the error's detailed message) of each event.
    type Events = Arc<Mutex<Vec<(String, String, String)>>>;
    let events: Events = Arc::default();
    let hook = |events: &Events| {
        let seen = events.clone();
        move |event: &ErrorEvent<'_>| {
            seen.lock().unwrap().push((
                event.flow.unwrap_or_default().to_owned(),
                event.error.code().to_owned(),
                event.error.to_string(),
            ));
        }
    };

    // A token endpoint that refuses connections.
    let refused = refused_url();
    let provider = OAuth2Provider::new(
        OAuth2Config::new(
            config.client_id.clone(),
            config.client_secret.clone(),
            &mock.authorize_url(),
            &format!("{refused}/token"),
        )
        .unwrap(),
        StandardUserinfo::new(&mock.userinfo_url()).unwrap(),
    );
    let coauth = app_builder("demo", provider)
        .error_hook(hook(&events))
        .build()
        .unwrap();
    let app = App::axum(coauth, Transport::InProcess).await;
    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let answer = app.finish("demo", &started, params).await;
    let message = assert_error(&answer, 500, "ProviderConnectionError");
    assert_eq!(message, "the sign-in provider could not be reached");
    let port = refused.rsplit(':').next().unwrap().to_owned();
    let body = String::from_utf8_lossy(answer.body()).into_owned();
    for detail in ["connect", "refused", "127.0.0.1", port.as_str(), "os error"] {
        assert!(
            !body.contains(detail),
            "{detail} reached the browser: {body}"
        );
    }
    let (flow, code, detail) = events.lock().unwrap().pop().expect("the hook saw it");
    assert_eq!(code, "ProviderConnectionError");
    assert!(detail.contains("could not connect"), "{detail}");
    assert_ne!(detail, message);

    // A provider's error body: the code is redeemed twice, the second time the token
    // endpoint answers `invalid_grant`.
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .error_hook(hook(&events))
        .build()
        .unwrap();
    let app = App::axum(coauth, Transport::InProcess).await;
    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish("demo", &started, params.clone()).await);
    let answer = app.finish("demo", &started, params).await;
    let message = assert_error(&answer, 500, "ProviderError");
    assert_eq!(
        message,
        "the sign-in provider refused the sign-in or gave an answer that cannot be used"
    );
    assert!(!String::from_utf8_lossy(answer.body()).contains("invalid_grant"));
    let (replayed, code, body_detail) = events.lock().unwrap().pop().expect("the hook saw it");
    assert_eq!(code, "ProviderError");
    assert!(body_detail.contains("invalid_grant"), "{body_detail}");

    // The log has each detail, on the lines of its flow.
    let log = capture.text();
    for (flow, detail) in [(&flow, "could not connect"), (&replayed, "invalid_grant")] {
        assert!(
            log.lines()
                .any(|line| line.contains(flow.as_str()) && line.contains(detail)),
            "no log line of flow {flow} with {detail:?}:\n{log}"
        );
    }
    check(
        &log,
        std::slice::from_ref(&started.flow),
        &[&config.client_secret],
    );
}
