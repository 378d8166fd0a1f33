//! The Twitter OAuth 1.0a preset through coauth's HTTP resources, against the mock OAuth 1.0a
//! provider: sign-in, denial, the request-token binding (checked before any call, with the
//! mock's counters), `oauth_callback_confirmed`, replay, and signatures as the mock sees
//! them.

mod oauth1_support;

use coauth_core::{Clock, SystemClock, result_hook};
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oauth1::{MockOAuth1, MockOAuth1Config};
use oauth1_support::*;

#[tokio::test]
async fn sign_in_yields_the_twitter_user() {
    let (mock, app) = twitter_app().await;
    let started = app.start("twitter").await;
    assert_eq!(mock.calls(Endpoint::RequestToken), 1);
    let request_token = mock.last_call(Endpoint::RequestToken).unwrap();
    // The exact redirect URI went out as oauth_callback.
    assert_eq!(
        request_token.oauth_param("oauth_callback"),
        Some(REDIRECT_URI)
    );
    assert!(request_token.oauth_param("oauth_token").is_none());
    assert_eq!(
        started.url.split('?').next().unwrap(),
        format!("{}/oauth/authenticate", mock.base_url())
    );
    let token = query_param(&started.url, "oauth_token").unwrap();

    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    assert!(redirect.url.as_str().starts_with(REDIRECT_URI));
    let params = redirect.json();
    assert_eq!(params["oauth_token"], token.as_str());
    let verifier = params["oauth_verifier"].as_str().unwrap().to_owned();

    let response = app.finish("twitter", &started, params).await;
    let body = assert_ok(&response);
    assert_eq!(body["providerType"], "twitter");
    let user = &body["user"];
    assert_eq!(user["id"], "1234567890123456789");
    assert_eq!(user["name"], "Grace Hopper");
    assert_eq!(user["username"], "grace_h");
    assert_eq!(user["email"], "grace@example.test");
    assert_eq!(user["emailVerified"], true);
    assert_eq!(
        user["avatarUrl"],
        "https://pbs.example.test/grace_normal.jpg"
    );
    assert_eq!(user["profileUrl"], "https://x.com/grace_h");
    assert!(body.get("credentials").is_none());
    let text = String::from_utf8_lossy(response.body());
    assert!(!text.contains(&verifier) && !text.contains(&token));

    // Every call was signed correctly, with the request token and verifier where due.
    assert_eq!(mock.rejected_calls(), 0, "{:?}", mock.last_rejection());
    assert_eq!(mock.calls(Endpoint::Token), 1);
    assert_eq!(mock.calls(Endpoint::Profile), 1);
    let access = mock.last_call(Endpoint::Token).unwrap();
    assert_eq!(access.oauth_param("oauth_token"), Some(token.as_str()));
    assert_eq!(
        access.oauth_param("oauth_verifier"),
        Some(verifier.as_str())
    );
    let profile = mock.last_call(Endpoint::Profile).unwrap();
    assert!(
        profile
            .params
            .contains(&("include_email".into(), "true".into()))
    );
    assert_ne!(profile.oauth_param("oauth_token"), Some(token.as_str()));
    for call in [request_token, access, profile] {
        assert_eq!(
            call.oauth_param("oauth_signature_method"),
            Some("HMAC-SHA1")
        );
        assert_eq!(call.oauth_param("oauth_version"), Some("1.0"));
    }
}

#[tokio::test]
async fn denial_is_user_denied_without_any_token_call() {
    let (mock, app) = twitter_app().await;
    let started = app.start("twitter").await;
    let redirect = mock.decide(&started.url, Decision::Deny).await.unwrap();
    let params = redirect.json();
    assert!(params.get("denied").is_some(), "{redirect}");
    assert!(params.get("oauth_verifier").is_none());
    assert_error(
        &app.finish("twitter", &started, params).await,
        409,
        "UserDenied",
    );
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

/// OAuth 1.0a's answer carries no `state`, so no result page can hand it to a waiting
/// request (the early answer): the request hears "not here" at once, and the answer goes
/// the usual way.
#[tokio::test]
async fn a_waiting_request_for_an_oauth1_flow_is_not_here_at_once() {
    let (mock, app) = twitter_app().await;
    let started = app.start("twitter").await;
    let body = serde_json::json!({"providerType": "twitter", "flow": started.flow,
        "response": {}, "wait": true});
    let waited = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        app.post_json("/result", &body, Some(&started.cookie)),
    )
    .await
    .expect("answered without waiting");
    assert_eq!(waited.status(), 204);
    assert!(waited.body().is_empty());
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    assert_ok(&app.finish("twitter", &started, redirect.json()).await);
}

#[tokio::test]
async fn a_denial_for_another_flow_is_an_input_error() {
    let (mock, app) = twitter_app().await;
    let ours = app.start("twitter").await;
    let theirs = app.start("twitter").await;
    let denial = mock.decide(&theirs.url, Decision::Deny).await.unwrap();
    assert_error(
        &app.finish("twitter", &ours, denial.json()).await,
        400,
        "InputError",
    );
    // The same denial with its own flow is a denial.
    assert_error(
        &app.finish("twitter", &theirs, denial.json()).await,
        409,
        "UserDenied",
    );
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

#[tokio::test]
async fn foreign_or_missing_request_tokens_are_refused_before_any_call() {
    let (mock, app) = twitter_app().await;
    let ours = app.start("twitter").await;
    let theirs = app.start("twitter").await;
    let foreign = mock.consent(&theirs.url, Decision::Approve).await;
    let verifier = foreign["oauth_verifier"].clone();
    let own_token = query_param(&ours.url, "oauth_token").unwrap();
    for response in [
        foreign,
        serde_json::json!({"oauth_verifier": verifier}),
        serde_json::json!({"oauth_token": "", "oauth_verifier": verifier}),
        serde_json::json!({"oauth_token": format!("{own_token}x"), "oauth_verifier": verifier}),
        // An OAuth 2.0 shaped answer binds nothing here.
        serde_json::json!({"code": "c", "state": "s"}),
        serde_json::json!({"error": "access_denied"}),
    ] {
        let answer = app.finish("twitter", &ours, response.clone()).await;
        let message = assert_error(&answer, 400, "InputError");
        assert!(
            message.contains("does not belong to this sign-in"),
            "{response}"
        );
    }
    // Our own token without a verifier passes the binding but is refused before any call.
    let answer = app
        .finish(
            "twitter",
            &ours,
            serde_json::json!({"oauth_token": own_token}),
        )
        .await;
    let message = assert_error(&answer, 400, "InputError");
    assert!(message.contains("oauth_verifier"), "{message}");
    assert_eq!(mock.calls(Endpoint::Token), 0);
    assert_eq!(mock.calls(Endpoint::Profile), 0);
}

#[tokio::test]
async fn callback_must_be_confirmed() {
    for confirmed in [None, Some("false"), Some("")] {
        let (mock, app) = twitter_app().await;
        mock.set_callback_confirmed(confirmed);
        let response = app.auth_url("twitter").await;
        assert_provider_failure(&response, "ProviderError");
        let detail = app.reported_error();
        assert!(detail.contains("oauth_callback_confirmed"), "{detail}");
        assert_eq!(mock.calls(Endpoint::RequestToken), 1);
        assert_eq!(mock.calls(Endpoint::Authorize), 0);
    }
}

#[tokio::test]
async fn the_second_identical_submission_fails() {
    let (mock, app) = twitter_app().await;
    let started = app.start("twitter").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish("twitter", &started, params.clone()).await);
    let replay = app.finish("twitter", &started, params).await;
    assert_error(&replay, 500, "ProviderError");
    // The provider saw the replay and refused the spent request token.
    assert_eq!(mock.calls(Endpoint::Token), 2);
    assert_eq!(mock.rejected_calls(), 1);
    assert!(mock.last_rejection().unwrap().contains("spent"));
    assert_eq!(mock.calls(Endpoint::Profile), 1);
}

#[tokio::test]
async fn silent_mode_is_refused_before_any_call() {
    let (mock, app) = twitter_app().await;
    assert_error(
        &app.auth_url_in_mode("twitter", "silent").await,
        400,
        "InputError",
    );
    assert_eq!(mock.back_channel_calls(), 0);
}

/// An `auth_url` that coauth refuses never reaches the provider: each OAuth 1.0a `auth_url`
/// costs a request-token call, so every check of the request comes before it (SECURITY.md
/// item 28). The mock counts zero calls after each refusal, and one after the valid
/// request that ends the test.
#[tokio::test]
async fn refused_auth_urls_never_reach_the_provider() {
    use bytes::Bytes;
    use http::{Request, header};

    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let provider = twitter_for(&mock, &config).build().unwrap();
    let app = serve(twitter_builder(provider).session_user(test_session_user())).await;
    let valid = serde_json::json!({"providerType": "twitter", "redirectUri": REDIRECT_URI});
    let with = |member: &str, value: serde_json::Value| {
        let mut body = valid.clone();
        body[member] = value;
        body.to_string()
    };
    let cases = [
        (
            "a foreign Origin",
            Some("https://evil.example"),
            None,
            valid.to_string(),
            "InputError",
        ),
        ("no Origin", None, None, valid.to_string(), "InputError"),
        (
            "a cross-site request",
            Some(ORIGIN),
            Some("cross-site"),
            valid.to_string(),
            "InputError",
        ),
        (
            "an unknown provider",
            Some(ORIGIN),
            None,
            with("providerType", "github".into()),
            "InputError",
        ),
        (
            "a redirect URI not allowed",
            Some(ORIGIN),
            None,
            with(
                "redirectUri",
                "https://evil.example/coauth/result_page".into(),
            ),
            "InputError",
        ),
        (
            "an identity too long to seal",
            Some(ORIGIN),
            None,
            with("identity", serde_json::json!({"blob": "x".repeat(2000)})),
            "ValidationError",
        ),
        (
            "an identity with a repeated key",
            Some(ORIGIN),
            None,
            format!(
                r#"{{"providerType":"twitter","redirectUri":"{REDIRECT_URI}","identity":{{"id":1,"id":2}}}}"#
            ),
            "ValidationError",
        ),
        (
            "silent mode",
            Some(ORIGIN),
            None,
            with("mode", "silent".into()),
            "InputError",
        ),
        (
            "a malformed body",
            Some(ORIGIN),
            None,
            "{\"providerType\":".to_owned(),
            "ValidationError",
        ),
    ];
    for (case, origin, site, body, code) in cases {
        let mut request = Request::post("/coauth/auth_url")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, session_cookie("alice"));
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        let response = app.send(request.body(Bytes::from(body)).unwrap()).await;
        assert_error(&response, 400, code);
        assert_eq!(mock.calls(Endpoint::RequestToken), 0, "{case}");
        assert_eq!(mock.back_channel_calls(), 0, "{case}");
    }
    // The counter counts: a valid request, a linking one included, makes one call each.
    app.start("twitter").await;
    assert_eq!(mock.calls(Endpoint::RequestToken), 1);
    let linking = app
        .post_json(
            "/auth_url",
            &serde_json::from_str(&with("identity", serde_json::json!({"id": 1}))).unwrap(),
            Some(&session_cookie("alice")),
        )
        .await;
    assert_eq!(linking.status(), 200, "{:?}", linking.body());
    assert_eq!(mock.calls(Endpoint::RequestToken), 2);
}

#[tokio::test]
async fn a_wrong_consumer_secret_is_caught_by_the_mock() {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let wrong = MockOAuth1Config {
        consumer_secret: "not the secret".into(),
        ..config
    };
    let provider = twitter_for(&mock, &wrong).build().unwrap();
    let app = serve(twitter_builder(provider)).await;
    let response = app.auth_url("twitter").await;
    assert_provider_failure(&response, "ProviderError");
    let detail = app.reported_error();
    assert!(detail.contains("HTTP 401, error 32"), "{detail}");
    assert!(!detail.contains("not the secret"));
    assert_eq!(mock.rejected_calls(), 1);
    assert!(mock.last_rejection().unwrap().contains("invalid signature"));
}

/// A clock an hour ahead: the mock's timestamp window refuses the request.
struct AnHourAhead;

impl Clock for AnHourAhead {
    fn now_unix(&self) -> u64 {
        SystemClock.now_unix() + 3600
    }
}

#[tokio::test]
async fn timestamps_come_from_the_coauth_clock() {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let provider = twitter_for(&mock, &config).build().unwrap();
    let app = serve(twitter_builder(provider).clock(AnHourAhead)).await;
    assert_error(&app.auth_url("twitter").await, 500, "ProviderError");
    assert!(mock.last_rejection().unwrap().contains("oauth_timestamp"));
}

#[tokio::test]
async fn the_result_hook_sees_the_access_token_answer_and_opt_in_exposes_the_token() {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let provider = twitter_for(&mock, &config).build().unwrap();
    let hook = result_hook(|result, _request| async move {
        let body = serde_json::json!({
            "extra": result.credentials.extra,
            "tokenType": result.credentials.token_type,
            "tokenLength": result.credentials.access_token.expose().len(),
            "secretLength": result.credentials.token_secret.as_ref().map(|s| s.expose().len()),
        });
        Ok(coauth_core::resources::json_response(
            http::StatusCode::OK,
            &body,
        ))
    });
    let app = serve(twitter_builder(provider).result_hook(hook)).await;
    let response = app.sign_in("twitter", &mock, Decision::Approve).await;
    let body = assert_ok(&response);
    assert_eq!(body["tokenType"], "oauth1");
    assert_eq!(body["tokenLength"], 40);
    // The token secret signs the app's own API calls for the user: the hook gets it.
    assert!(body["secretLength"].as_u64().unwrap() >= 20);
    assert_eq!(body["extra"]["user_id"], "1234567890123456789");
    assert_eq!(body["extra"]["screen_name"], "grace_h");
    assert!(body["extra"].get("oauth_token_secret").is_none());
    assert!(body["extra"].get("oauth_token").is_none());

    let app = serve(
        twitter_builder(twitter_for(&mock, &config).build().unwrap()).expose_credentials(true),
    )
    .await;
    let body = json(&app.sign_in("twitter", &mock, Decision::Approve).await);
    assert_eq!(body["credentials"]["tokenType"], "oauth1");
    assert_eq!(
        body["credentials"]["accessToken"].as_str().unwrap().len(),
        40
    );
}
