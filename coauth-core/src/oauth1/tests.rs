//! Unit tests of the engine's own logic. The network half is tested against the OAuth 1.0a
//! mock provider (a real server) and Python's oauthlib in the `tests` crate.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::protocol::{AuthOptions, ResultOptions};

/// Counts requests in `calls` and refuses them all: proves that a refusal happened before
/// any call.
fn counting_offline(calls: &AtomicUsize) -> impl HttpClient + '_ {
    move |_: Request<Bytes>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err(crate::HttpError::Connect("no network in unit tests".into())) }
    }
}

struct NoProfile;

#[async_trait]
impl OAuth1ProfileFetcher for NoProfile {
    async fn fetch(&self, _client: &SignedClient<'_>) -> Result<(User, serde_json::Value), Error> {
        Err(Error::Provider("not reached in unit tests".into()))
    }
}

fn provider() -> OAuth1Provider {
    OAuth1Provider::new(
        OAuth1Config::new(
            "ck",
            "cs",
            "https://p.example/oauth/request_token",
            "https://p.example/oauth/authenticate",
            "https://p.example/oauth/access_token",
        )
        .unwrap(),
        NoProfile,
    )
}

fn response(status: u16, body: &str) -> Response<Bytes> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

async fn finish(params: &[(&str, &str)], sealed: serde_json::Value) -> (Error, usize) {
    let calls = AtomicUsize::new(0);
    let http = counting_offline(&calls);
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let error = provider()
        .finish(FinishContext {
            params: &params,
            redirect_uri: "https://app.example/r",
            pkce_verifier: "v",
            nonce: "n",
            sealed: &sealed,
            options: &ResultOptions::default(),
            http: &http,
            clock: &crate::SystemClock,
        })
        .await
        .unwrap_err();
    (error, calls.load(Ordering::SeqCst))
}

#[test]
fn denials_are_the_oauth1_shape() {
    assert_eq!(provider().denial_rules(), crate::OAUTH1_DENIALS);
}

#[tokio::test]
async fn silent_sign_in_is_refused_before_any_call() {
    let calls = AtomicUsize::new(0);
    let http = counting_offline(&calls);
    let error = provider()
        .start(StartContext {
            redirect_uri: "https://app.example/r",
            state: "s",
            pkce_challenge: "c",
            nonce: "n",
            silent: true,
            options: &AuthOptions::default(),
            http: &http,
            clock: &crate::SystemClock,
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InputError");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn connection_failures_map_to_connection_errors() {
    let calls = AtomicUsize::new(0);
    let http = counting_offline(&calls);
    let error = provider()
        .start(StartContext {
            redirect_uri: "https://app.example/r",
            state: "s",
            pkce_challenge: "c",
            nonce: "n",
            silent: false,
            options: &AuthOptions::default(),
            http: &http,
            clock: &crate::SystemClock,
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), "ProviderConnectionError");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn finish_refuses_foreign_tokens_and_missing_verifiers_before_any_call() {
    let sealed = serde_json::json!({"oauth_token": "rt", "oauth_token_secret": "rs"});
    for (params, code) in [
        (
            &[("oauth_token", "other"), ("oauth_verifier", "v")][..],
            "InputError",
        ),
        (&[("oauth_verifier", "v")][..], "InputError"),
        (&[("oauth_token", "rt")][..], "InputError"),
        (
            &[("oauth_token", "rt"), ("oauth_verifier", "")][..],
            "InputError",
        ),
    ] {
        let (error, calls) = finish(params, sealed.clone()).await;
        assert_eq!(error.code(), code, "{params:?}");
        assert_eq!(calls, 0, "{params:?}");
    }
    let (error, calls) = finish(
        &[("oauth_token", "rt"), ("oauth_verifier", "v")],
        serde_json::json!({"oauth_token": "rt"}),
    )
    .await;
    assert_eq!(error.code(), "ProviderError");
    assert_eq!(calls, 0);
    // With everything in place the engine does call the access token endpoint.
    let (error, calls) = finish(&[("oauth_token", "rt"), ("oauth_verifier", "v")], sealed).await;
    assert_eq!(error.code(), "ProviderConnectionError");
    assert_eq!(calls, 1);
}

#[test]
fn token_answers_map_to_the_error_table() {
    let ok = parse_form_answer(
        &response(200, "oauth_token=t%2B1&oauth_token_secret=s&user_id=42\n"),
        "access token",
    )
    .unwrap();
    assert_eq!(ok["oauth_token"], "t+1");
    assert_eq!(ok["user_id"], "42");
    for (answer, code) in [
        (response(503, "busy"), "ProviderTechnicalError"),
        (response(500, ""), "ProviderTechnicalError"),
        (
            response(
                401,
                r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
            ),
            "ProviderError",
        ),
        (response(200, r#"{"oauth_token": "#), "ProviderError"),
        (response(200, "<html>hello</html>"), "ProviderError"),
        (response(200, ""), "ProviderError"),
    ] {
        assert_eq!(
            parse_form_answer(&answer, "request token")
                .unwrap_err()
                .code(),
            code
        );
    }
    let refused = parse_form_answer(
        &response(
            401,
            r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
        ),
        "request token",
    )
    .unwrap_err();
    assert!(
        refused.to_string().contains("HTTP 401, error 32"),
        "{refused}"
    );
}

#[test]
fn debug_output_has_no_secret() {
    let text = format!("{:?}", provider());
    assert!(text.contains("ck"));
    assert!(!text.contains("\"cs\""));
}
