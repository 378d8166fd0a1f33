//! The sign-in flow against the mock provider: the answers, what reaches the browser, the
//! result hook, denial and replay.

use std::collections::HashMap;

use coauth_core::result_hook;
use http::{StatusCode, header};

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, Endpoint, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

/// The usual app and its mock provider.
pub(super) async fn fixture(adapter: &Adapter) -> (MockProvider, MockConfig, App, TestClock) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let coauth = builder(&mock, &config, &clock)
        .build()
        .expect("valid configuration");
    let app = adapter.app(coauth).await;
    (mock, config, app, clock)
}

pub(super) async fn sign_in_succeeds_and_keeps_tokens_from_the_browser(adapter: Adapter) {
    let (mock, config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let response = app.finish("demo", &started, redirect.json()).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let body = json(&response);
    assert_eq!(body["providerType"], "demo");
    assert_eq!(body["user"]["id"], "mock-user-1");
    assert_eq!(body["user"]["name"], "Ada Lovelace");
    assert_eq!(body["user"]["email"], "ada@example.test");
    assert_eq!(body["user"]["emailVerified"], true);
    assert!(body.get("credentials").is_none());
    let text = String::from_utf8_lossy(response.body());
    assert!(!text.contains("access_token") && !text.contains("accessToken"));
    assert!(!text.contains(&config.client_secret));

    // PKCE S256 and the exact redirect URI went to the provider; the secret by Basic auth.
    let authorize: HashMap<_, _> = mock.last_authorize_query().unwrap().into_iter().collect();
    assert_eq!(authorize["code_challenge_method"], "S256");
    assert_eq!(authorize["redirect_uri"], REDIRECT_URI);
    let token = mock.last_token_request().unwrap();
    let form: HashMap<_, _> = token.form.into_iter().collect();
    assert_eq!(
        coauth_core::pkce_challenge(&form["code_verifier"]),
        authorize["code_challenge"]
    );
    assert!(
        token.headers[header::AUTHORIZATION]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(!form.contains_key("client_secret"));
}

/// `auth_url` and `result` answers, successes and errors alike, are JSON that no cache
/// keeps and no browser sniffs.
pub(super) async fn flow_answers_are_json_and_never_stored(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started_response = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}),
            None,
        )
        .await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let finished = app.finish("demo", &started, redirect.json()).await;
    let refused = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "nope", "redirectUri": REDIRECT_URI}),
            None,
        )
        .await;
    let replayed = app.finish("demo", &started, redirect.json()).await;
    for (name, response, status) in [
        ("auth_url", &started_response, 200),
        ("result", &finished, 200),
        ("auth_url refused", &refused, 400),
        ("result failed", &replayed, 500),
    ] {
        assert_eq!(response.status(), status, "{name}: {:?}", response.body());
        assert_eq!(
            header_text(response, header::CONTENT_TYPE),
            "application/json",
            "{name}"
        );
        assert_eq!(
            header_text(response, header::CACHE_CONTROL),
            "no-store",
            "{name}"
        );
        assert_eq!(
            header_text(response, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{name}"
        );
        assert_eq!(
            response
                .headers()
                .get_all(header::CACHE_CONTROL)
                .iter()
                .count(),
            1,
            "{name}: one Cache-Control"
        );
        json(response);
    }
}

pub(super) async fn credentials_reach_the_browser_only_on_opt_in(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .expose_credentials(true)
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let body = json(&app.finish("demo", &started, redirect.json()).await);
    assert!(body["credentials"]["accessToken"].as_str().unwrap().len() > 10);
    assert_eq!(body["credentials"]["expiresIn"], 3600);
}

pub(super) async fn result_hook_sees_credentials_and_builds_the_answer(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .result_hook(result_hook(|result, request| async move {
            let token_len = result.credentials.access_token.expose().len();
            let body = serde_json::json!({
                "hello": result.user.name,
                "tokenLength": token_len,
                "sawOrigin": request.headers.contains_key(header::ORIGIN),
            });
            let mut response = coauth_core::resources::json_response(StatusCode::OK, &body);
            response.headers_mut().insert(
                header::SET_COOKIE,
                http::HeaderValue::from_static("app-session=1; HttpOnly"),
            );
            Ok(response)
        }))
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()[header::SET_COOKIE],
        "app-session=1; HttpOnly"
    );
    let body = json(&response);
    assert_eq!(body["hello"], "Ada Lovelace");
    assert!(body["tokenLength"].as_u64().unwrap() > 10);
    assert_eq!(body["sawOrigin"], true);
}

/// An answer with several `Set-Cookie` headers (and several values of another header)
/// reaches the browser with every one of them, in order: adapters append, never overwrite.
pub(super) async fn every_set_cookie_of_the_answer_arrives(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .result_hook(result_hook(|result, _request| async move {
            let mut response =
                coauth_core::resources::json_response(StatusCode::OK, &result.to_json(false));
            let headers = response.headers_mut();
            for value in [
                "app-session=1; Path=/; HttpOnly",
                "app-csrf=2; Path=/",
                "app-theme=3; Path=/",
            ] {
                headers.append(header::SET_COOKIE, http::HeaderValue::from_static(value));
            }
            headers.append(header::VARY, http::HeaderValue::from_static("Cookie"));
            headers.append(header::VARY, http::HeaderValue::from_static("Origin"));
            Ok(response)
        }))
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let cookies: Vec<_> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        cookies,
        [
            "app-session=1; Path=/; HttpOnly",
            "app-csrf=2; Path=/",
            "app-theme=3; Path=/"
        ]
    );
    let vary: Vec<_> = response
        .headers()
        .get_all(header::VARY)
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(',').map(str::trim))
        .collect();
    assert_eq!(vary, ["Cookie", "Origin"]);
    assert_eq!(json(&response)["user"]["id"], "mock-user-1");
}

pub(super) async fn denial_is_user_denied_without_a_token_call(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let response = app.sign_in("demo", &mock, Decision::Deny).await;
    assert_error(&response, 409, "UserDenied");
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

pub(super) async fn posted_tokens_are_ignored_and_codes_cannot_be_replayed(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let mut params = redirect.json();
    params["access_token"] = "attacker-token".into();
    params["id_token"] = "attacker.id.token".into();
    let first = app.finish("demo", &started, params.clone()).await;
    assert_eq!(first.status(), 200);
    assert_eq!(json(&first)["user"]["id"], "mock-user-1");
    let replay = app.finish("demo", &started, params).await;
    assert_error(&replay, 500, "ProviderError");
}

pub(super) async fn a_code_bound_to_one_flow_cannot_be_redeemed_with_another(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let first = app.start("demo").await;
    let second = app.start("demo").await;
    let redirect = mock.decide(&first.url, Decision::Approve).await.unwrap();
    let mut params = redirect.json();
    // The attacker carries the state over too; PKCE still binds the code to the first flow.
    let second_state = url::Url::parse(&second.url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    params["state"] = second_state.into();
    let response = app.finish("demo", &second, params).await;
    assert_error(&response, 500, "ProviderError");
}
