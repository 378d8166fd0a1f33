//! The GitHub preset against the mock provider in GitHub mode: form-encoded token answers,
//! errors sent with HTTP 200, the User-Agent requirement, and the /user/emails fallback.

use coauth_core::presets::GitHub;
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_provider::{MockConfig, MockProvider, Mode};
use http::header;

async fn github_app(form_token: bool) -> (MockProvider, App) {
    let config = MockConfig {
        mode: Mode::GitHub { form_token },
        ..MockConfig::default()
    };
    let (id, secret) = (config.client_id.clone(), config.client_secret.clone());
    let mock = MockProvider::start(config).await;
    let github = GitHub::new(id, secret)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let coauth = app_builder("github", github).build().unwrap();
    (mock, App::axum(coauth, Transport::Socket).await)
}

#[tokio::test]
async fn form_encoded_token_answer_and_email_fallback() {
    for form_token in [true, false] {
        let (mock, app) = github_app(form_token).await;
        let started = app.start("github").await;
        assert!(
            started
                .url
                .starts_with(&format!("{}/login/oauth/authorize?", mock.base_url()))
        );
        let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
        let response = app.finish("github", &started, redirect.json()).await;
        assert_eq!(
            response.status(),
            200,
            "form_token={form_token}: {:?}",
            response.body()
        );
        let user = &json(&response)["user"];
        assert_eq!(user["id"], "mock-user-1");
        assert_eq!(user["username"], "ada");
        assert_eq!(user["name"], "Ada Lovelace");
        // /user has email null: the primary verified address comes from /user/emails.
        assert_eq!(user["email"], "ada@example.test");
        assert_eq!(user["emailVerified"], true);
        assert_eq!(user["profileUrl"], "https://profiles.example.test/ada");
        assert_eq!(mock.calls(Endpoint::Profile), 2);
        let token = mock.last_token_request().unwrap();
        assert_eq!(token.headers[header::ACCEPT], "application/json");
        assert!(token.headers.contains_key(header::USER_AGENT));
        let form: std::collections::HashMap<_, _> = token.form.into_iter().collect();
        assert_eq!(form["client_id"], "mock-client");
    }
}

#[tokio::test]
async fn error_sent_with_http_200_is_a_provider_error() {
    let (mock, app) = github_app(true).await;
    let started = app.start("github").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish("github", &started, params.clone()).await);
    // The code is spent: GitHub answers HTTP 200 with error=bad_verification_code.
    let replay = app.finish("github", &started, params).await;
    assert_provider_failure(&replay, "ProviderError");
    let detail = app.reported_error();
    assert!(detail.contains("bad_verification_code"), "{detail}");
}

#[tokio::test]
async fn github_denial_is_user_denied() {
    let (mock, app) = github_app(false).await;
    assert_error(
        &app.sign_in("github", &mock, Decision::Deny).await,
        409,
        "UserDenied",
    );
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

#[tokio::test]
async fn github_refuses_silent_mode() {
    let (_mock, app) = github_app(false).await;
    let response = app.auth_url_in_mode("github", "silent").await;
    assert_error(&response, 400, "InputError");
}

/// GitHub sends RFC 9207 `iss` (`https://github.com/login/oauth` on github.com, the web
/// host's `/login/oauth` here): the preset accepts it, and refuses another issuer's before
/// the code is sent (provider mix-up, SECURITY.md item 8).
#[tokio::test]
async fn github_iss_is_accepted_and_another_issuer_refused() {
    let (mock, app) = github_app(false).await;
    for (iss, accepted) in [
        (format!("{}/login/oauth", mock.base_url()), true),
        ("https://github.com/login/oauth".to_owned(), false),
        ("https://accounts.google.com".to_owned(), false),
    ] {
        let calls = mock.calls(Endpoint::Token);
        let started = app.start("github").await;
        let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
        let mut params = redirect.json();
        params["iss"] = iss.as_str().into();
        let response = app.finish("github", &started, params).await;
        if accepted {
            assert_eq!(assert_ok(&response)["user"]["id"], "mock-user-1");
        } else {
            let message = assert_error(&response, 400, "InputError");
            assert!(message.contains("RFC 9207"), "{iss}: {message}");
            assert_eq!(
                mock.calls(Endpoint::Token),
                calls,
                "{iss}: the code was sent"
            );
        }
    }
}
