//! Account linking at the flow level: the signed-in app user is required at both steps and
//! must be the same, checked before any call to the provider.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::Request;

use super::*;
use crate::config::CoauthBuilder;
use crate::http_client::{HttpClient, HttpError};
use crate::presets::GitHub;
use crate::session_user;

const ORIGIN: &str = "https://app.example";
const REDIRECT_URI: &str = "https://app.example/coauth/result_page";

/// Counts outbound calls in `calls` and fails each one, as an unreachable provider would.
fn offline(calls: Arc<AtomicUsize>) -> impl HttpClient + 'static {
    move |_: Request<Bytes>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err(HttpError::Connect("offline".into())) }
    }
}

fn builder(calls: &Arc<AtomicUsize>) -> CoauthBuilder {
    Coauth::builder()
        .secret("0123456789abcdef0123456789abcdef")
        .provider("github", GitHub::new("id", "secret").build())
        .redirect_uri(REDIRECT_URI)
        .http_client(offline(calls.clone()))
}

fn with_session(coauth: CoauthBuilder) -> Coauth {
    coauth
        .session_user(session_user(|_request| async { None }))
        .build()
        .unwrap()
}

fn ctx(session_user: Option<&str>) -> RequestContext {
    RequestContext {
        origin: Some(ORIGIN.into()),
        session_user: session_user.map(str::to_owned),
        ..RequestContext::default()
    }
}

fn auth_url_request(identity: serde_json::Value, mode: &str) -> AuthUrlRequest {
    serde_json::from_value(serde_json::json!({
        "providerType": "github",
        "redirectUri": REDIRECT_URI,
        "identity": identity,
        "mode": mode,
    }))
    .unwrap()
}

/// Starts a linking flow as `user`; returns the flow and the browser's context at
/// `result` (its binding cookie, the session user of `result_user`).
async fn start(coauth: &Coauth, user: &str, result_user: Option<&str>) -> (String, RequestContext) {
    let outcome = coauth
        .auth_url(
            auth_url_request(serde_json::json!({"link": 1}), "popup"),
            &ctx(Some(user)),
        )
        .await
        .unwrap();
    let cookie = outcome.set_cookie.unwrap();
    let binding = cookie.to_str().unwrap().split(['=', ';']).nth(1).unwrap();
    let mut result_ctx = ctx(result_user);
    result_ctx.binding_secure = Some(binding.to_owned());
    (outcome.response.flow, result_ctx)
}

fn result_request(flow: String) -> ResultRequest {
    serde_json::from_value(serde_json::json!({
        "providerType": "github",
        "flow": flow,
        "response": {"code": "c", "state": "s"},
        "redirectUri": REDIRECT_URI,
    }))
    .unwrap()
}

#[tokio::test]
async fn auth_url_needs_a_signed_in_user() {
    let calls = Arc::new(AtomicUsize::new(0));
    let identity = serde_json::json!("link");
    let without_hook = builder(&calls).build().unwrap();
    let error = without_hook
        .auth_url(auth_url_request(identity.clone(), "popup"), &ctx(None))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InputError");
    assert!(error.to_string().contains("session_user"), "{error}");

    let with_hook = with_session(builder(&calls));
    for nobody in [None, Some("")] {
        let error = with_hook
            .auth_url(auth_url_request(identity.clone(), "popup"), &ctx(nobody))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "InputError");
        assert!(error.to_string().contains("signed in"), "{error}");
    }

    // Silent linking stays refused, signed in or not.
    let error = with_hook
        .auth_url(auth_url_request(identity, "silent"), &ctx(Some("alice")))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InputError");
    assert!(error.to_string().contains("silent"), "{error}");
}

#[tokio::test]
async fn the_flow_seals_an_hmac_of_the_user_never_the_id() {
    let calls = Arc::new(AtomicUsize::new(0));
    let coauth = with_session(builder(&calls));
    let (flow, _) = start(&coauth, "alice@example.test", None).await;
    let sealer = &coauth.inner.sealer;
    let now = coauth.inner.clock.now_unix();
    let state = sealer.open(&flow, "github", now).unwrap().state;
    let tag = state.linking_user.unwrap();
    assert_eq!(tag, sealer.linking_user_tag("alice@example.test"));
    assert!(!tag.contains("alice"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn result_needs_the_same_user_before_any_provider_call() {
    let calls = Arc::new(AtomicUsize::new(0));
    let coauth = with_session(builder(&calls));
    for (result_user, expected) in [
        (None, "signed in"),
        (Some("mallory"), "another app user"),
        (Some("alice "), "another app user"),
        (Some(""), "signed in"),
    ] {
        let (flow, result_ctx) = start(&coauth, "alice", result_user).await;
        let error = coauth
            .result(result_request(flow), &result_ctx)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "InputError", "{result_user:?}");
        let message = error.to_string();
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains("alice") && !message.contains("mallory"));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // The same user passes every check and reaches the provider.
    let (flow, result_ctx) = start(&coauth, "alice", Some("alice")).await;
    let now = coauth.inner.clock.now_unix();
    let sealed = coauth
        .inner
        .sealer
        .open(&flow, "github", now)
        .unwrap()
        .state;
    let mut request = result_request(flow);
    request.response.insert("state".into(), sealed.state.into());
    let error = coauth.result(request, &result_ctx).await.unwrap_err();
    assert_eq!(error.code(), "ProviderConnectionError");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_plain_sign_in_never_asks_for_the_session_user() {
    let calls = Arc::new(AtomicUsize::new(0));
    let coauth = with_session(builder(&calls));
    let outcome = coauth
        .start_flow(
            auth_url_request(serde_json::Value::Null, "popup"),
            &ctx(None),
            async { unreachable!("a plain sign-in asked for the session user") },
        )
        .await
        .unwrap();
    let now = coauth.inner.clock.now_unix();
    let opened = coauth
        .inner
        .sealer
        .open(&outcome.response.flow, "github", now)
        .unwrap();
    assert_eq!(opened.state.linking_user, None);
    let linking = check_linking_user(&opened, async {
        unreachable!("a plain sign-in asked for the session user")
    })
    .await
    .unwrap();
    assert_eq!(linking, None);
}

#[tokio::test]
async fn an_identity_flow_without_a_sealed_user_is_refused() {
    let calls = Arc::new(AtomicUsize::new(0));
    let coauth = with_session(builder(&calls));
    let now = coauth.inner.clock.now_unix();
    let state = FlowState {
        provider: "github".into(),
        redirect_uri: REDIRECT_URI.into(),
        origin: ORIGIN.into(),
        identity: serde_json::json!({"link": 1}),
        silent: false,
        state: "s".into(),
        verifier: "v".into(),
        nonce: "n".into(),
        binding: "b".into(),
        linking_user: None,
        provider_data: serde_json::Value::Null,
        request_token: None,
        iat: now,
        exp: now + 60,
    };
    let blob = coauth.inner.sealer.seal(&state).unwrap();
    let opened = coauth.inner.sealer.open(&blob, "github", now).unwrap();
    let error = check_linking_user(&opened, ready(Some("alice".into())))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InputError");
}

/// Every flow `auth_url` hands out can finish: `identity` is capped at
/// `MAX_IDENTITY_BYTES` of JSON (SECURITY.md item 37). The largest accepted identity gives a
/// flow that opens; a longer one, which would have made a blob `result` refuses, is a
/// `ValidationError` naming the limit at `auth_url`.
#[tokio::test]
async fn an_identity_too_long_to_finish_is_refused_at_auth_url() {
    use crate::protocol::MAX_IDENTITY_BYTES;

    let calls = Arc::new(AtomicUsize::new(0));
    let coauth = with_session(builder(&calls));
    let now = coauth.inner.clock.now_unix();
    // A JSON string of exactly MAX_IDENTITY_BYTES, with its quotes.
    let largest = serde_json::Value::String("i".repeat(MAX_IDENTITY_BYTES - 2));
    let outcome = coauth
        .auth_url(
            auth_url_request(largest.clone(), "popup"),
            &ctx(Some("alice")),
        )
        .await
        .unwrap();
    let opened = coauth
        .inner
        .sealer
        .open(&outcome.response.flow, "github", now)
        .unwrap();
    assert_eq!(opened.state.identity, largest);

    for identity in [
        serde_json::Value::String("i".repeat(MAX_IDENTITY_BYTES - 1)),
        serde_json::json!({"blob": "x".repeat(3000)}),
        serde_json::json!(vec![1; 20_000]),
    ] {
        let error = coauth
            .auth_url(auth_url_request(identity, "popup"), &ctx(Some("alice")))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "ValidationError", "{error}");
        assert!(error.to_string().contains("1024"), "{error}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
