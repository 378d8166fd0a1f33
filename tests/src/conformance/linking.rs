//! Account linking (SECURITY.md item 25): a flow started with a non-null `identity` needs the
//! app's signed-in user at `auth_url` and the same user at `result`, checked before any
//! provider call; the result hook learns that user.
//!
//! The test app's session is the `app-session=<user>` cookie ([`test_session_user`]).

use bytes::Bytes;
use coauth_core::{resources::json_response, result_hook};
use http::{Response, StatusCode};

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, Endpoint, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

/// What the test app's result hook answers: what coauth told it about the flow.
fn echo_hook() -> impl coauth_core::ResultHook {
    result_hook(|result, _request| async move {
        Ok(json_response(
            StatusCode::OK,
            &serde_json::json!({
                "linkingUser": result.linking_user,
                "identity": result.identity,
                "userId": result.user.id,
            }),
        ))
    })
}

/// An app that knows its signed-in users (or not, without `session`) and echoes the result.
async fn linking_app(adapter: &Adapter, session: bool) -> (MockProvider, App) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let mut coauth = builder(&mock, &config, &TestClock::starting_now()).result_hook(echo_hook());
    if session {
        coauth = coauth.session_user(test_session_user());
    }
    let app = adapter
        .app(coauth.build().expect("valid configuration"))
        .await;
    (mock, app)
}

/// `POST auth_url` with `identity`, from a browser sending `cookie`.
async fn auth_url(app: &App, identity: serde_json::Value, cookie: Option<&str>) -> Response<Bytes> {
    let body = serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI,
        "identity": identity});
    app.post_json("/auth_url", &body, cookie).await
}

/// `POST result` of `started` with the provider's redirect `params`, from a browser sending
/// `cookie`.
async fn result(
    app: &App,
    started: &Started,
    params: &serde_json::Value,
    cookie: &str,
) -> Response<Bytes> {
    let body = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": params, "redirectUri": REDIRECT_URI});
    app.post_json("/result", &body, Some(cookie)).await
}

/// A linking flow started by app user `user` in a fresh browser, approved at the provider:
/// the flow and the redirect parameters the result page hands over.
async fn linking_tuple(app: &App, mock: &MockProvider, user: &str) -> (Started, serde_json::Value) {
    let identity = serde_json::json!({"account": user});
    let started =
        Started::from_response(&auth_url(app, identity, Some(&session_cookie(user))).await);
    let params = mock.consent(&started.url, Decision::Approve).await;
    (started, params)
}

/// Asserts a refusal as an InputError whose message names no user; returns the message.
fn assert_refused(response: &Response<Bytes>, users: &[&str]) -> String {
    let message = assert_error(response, 400, "InputError");
    for user in users {
        assert!(
            !String::from_utf8_lossy(response.body()).contains(user),
            "a user id leaked: {message}"
        );
    }
    message
}

pub(super) async fn linking_succeeds_in_the_same_session_and_names_the_user(adapter: Adapter) {
    let (mock, app) = linking_app(&adapter, true).await;
    let (started, params) = linking_tuple(&app, &mock, "alice").await;
    assert!(!started.flow.contains("alice"));
    let cookie = format!("{}; {}", started.cookie, session_cookie("alice"));
    let body = assert_ok(&result(&app, &started, &params, &cookie).await);
    assert_eq!(
        body,
        serde_json::json!({"linkingUser": "alice", "identity": {"account": "alice"},
            "userId": "mock-user-1"})
    );
    assert_eq!(mock.calls(Endpoint::Token), 1);

    // A plain sign-in of a signed-in user is no linking.
    let plain = Started::from_response(
        &app.post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}),
            Some(&session_cookie("alice")),
        )
        .await,
    );
    let params = mock.consent(&plain.url, Decision::Approve).await;
    let cookie = format!("{}; {}", plain.cookie, session_cookie("alice"));
    let body = assert_ok(&result(&app, &plain, &params, &cookie).await);
    assert_eq!(body["linkingUser"], serde_json::Value::Null);
    assert_eq!(body["identity"], serde_json::Value::Null);
}

pub(super) async fn auth_url_needs_a_signed_in_user(adapter: Adapter) {
    let identity = serde_json::json!({"account": "alice"});
    // No session hook: linking is not enabled.
    let (mock, app) = linking_app(&adapter, false).await;
    let message = assert_refused(
        &auth_url(&app, identity.clone(), Some(&session_cookie("alice"))).await,
        &["alice"],
    );
    assert!(message.contains("session_user"), "{message}");
    // A session hook, nobody signed in.
    let (mock_b, app) = linking_app(&adapter, true).await;
    let message = assert_refused(&auth_url(&app, identity.clone(), None).await, &[]);
    assert!(message.contains("signed in"), "{message}");
    let refused = auth_url(&app, identity, Some("unrelated=1")).await;
    assert_refused(&refused, &[]);
    assert!(!refused.headers().contains_key(http::header::SET_COOKIE));
    assert_eq!(
        mock.calls(Endpoint::Token) + mock_b.calls(Endpoint::Token),
        0
    );
}

pub(super) async fn result_needs_the_session_that_started_the_flow(adapter: Adapter) {
    let (mock, app) = linking_app(&adapter, true).await;
    let (started, params) = linking_tuple(&app, &mock, "alice").await;
    // The same browser, signed out before the result.
    let message = assert_refused(
        &result(&app, &started, &params, &started.cookie).await,
        &["alice"],
    );
    assert!(message.contains("signed in"), "{message}");
    assert_eq!(
        mock.calls(Endpoint::Token),
        0,
        "a refused result reached the provider"
    );
}

/// User A starts linking; before the result, the browser's session is user B's. The
/// browser's own binding cookie is right, so only the session check can refuse it.
pub(super) async fn a_session_change_mid_flow_is_refused(adapter: Adapter) {
    let (mock, app) = linking_app(&adapter, true).await;
    let (started, params) = linking_tuple(&app, &mock, "alice").await;
    let as_bob = format!("{}; {}", started.cookie, session_cookie("bob"));
    let message = assert_refused(
        &result(&app, &started, &params, &as_bob).await,
        &["alice", "bob"],
    );
    assert!(message.contains("another app user"), "{message}");
    assert_eq!(
        mock.calls(Endpoint::Token),
        0,
        "a refused result reached the provider"
    );

    // Nothing was spent: the user who started the flow still finishes it.
    let as_alice = format!("{}; {}", started.cookie, session_cookie("alice"));
    let body = assert_ok(&result(&app, &started, &params, &as_alice).await);
    assert_eq!(body["linkingUser"], "alice");
}

/// The attacker starts linking their provider account in their own session and posts the
/// tuple (flow and redirect parameters) from the victim's browser, signed in as the victim:
/// with the victim's own binding cookie, and with the attacker's binding cookie planted in
/// the victim's browser (which then only the session check stops).
pub(super) async fn an_attackers_link_tuple_in_the_victims_session_is_refused(adapter: Adapter) {
    let (mock, app) = linking_app(&adapter, true).await;
    let (attackers, params) = linking_tuple(&app, &mock, "mallory").await;
    // The victim's browser has its own binding cookie from a flow of its own.
    let victims = Started::from_response(
        &auth_url(
            &app,
            serde_json::json!({"account": "victim"}),
            Some(&session_cookie("victim")),
        )
        .await,
    );
    let users = ["mallory", "victim"];

    let own_binding = format!("{}; {}", victims.cookie, session_cookie("victim"));
    assert_refused(
        &result(&app, &attackers, &params, &own_binding).await,
        &users,
    );
    let planted = format!("{}; {}", attackers.cookie, session_cookie("victim"));
    let message = assert_refused(&result(&app, &attackers, &params, &planted).await, &users);
    assert!(message.contains("another app user"), "{message}");
    assert_eq!(
        mock.calls(Endpoint::Token),
        0,
        "a refused result reached the provider"
    );
}

pub(super) async fn plain_sign_in_needs_no_session_hook(adapter: Adapter) {
    let (mock, app) = linking_app(&adapter, false).await;
    let body = assert_ok(&app.sign_in("demo", &mock, Decision::Approve).await);
    assert_eq!(
        body,
        serde_json::json!({"linkingUser": null, "identity": null, "userId": "mock-user-1"})
    );
}
