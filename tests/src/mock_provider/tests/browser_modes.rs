//! The switches browser tests need: `prompt=none` with a remembered session, a consent page
//! that refuses framing, and one that cuts the popup off its opener.

use super::*;
use crate::mock::MockIdp;

fn silent_url(mock: &MockProvider, pkce: &Pkce) -> String {
    format!("{}&prompt=none", auth_url(mock, Some("st"), Some(pkce)))
}

fn location(answer: &Answer) -> Url {
    Url::parse(answer.headers[LOCATION].to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn prompt_none_needs_the_session_cookie_the_consent_page_sets() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();

    let first = get(&silent_url(&mock, &pkce), &[]).await;
    assert_eq!(first.status, StatusCode::FOUND);
    let back = location(&first);
    assert_eq!(query(&back, "error").as_deref(), Some("login_required"));
    assert_eq!(query(&back, "state").as_deref(), Some("st"));
    assert_eq!(query(&back, "code"), None);

    // Approving on the consent page (its form posts the request back) starts a session,
    // named after the mock's port.
    let form = [
        ("response_type", "code"),
        ("client_id", "mock-client"),
        ("redirect_uri", REDIRECT),
        ("state", "st"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("decision", "approve"),
    ];
    let decision_url = format!("{}/authorize/decision", mock.base_url());
    let decided = post_form(&decision_url, &[], &form).await;
    assert_eq!(decided.status, StatusCode::FOUND);
    let set_cookie = decided.headers[http::header::SET_COOKIE].to_str().unwrap();
    let port = Url::parse(&mock.base_url()).unwrap().port().unwrap();
    assert!(
        set_cookie.starts_with(&format!("mock-session-{port}=")),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("SameSite=Lax") && set_cookie.contains("HttpOnly"));
    let cookie = set_cookie.split(';').next().unwrap();

    let silent = get(&silent_url(&mock, &pkce), &[("cookie", cookie)]).await;
    assert_eq!(silent.status, StatusCode::FOUND);
    let back = location(&silent);
    assert!(query(&back, "code").is_some());
    assert_eq!(query(&back, "error"), None);

    // A cookie the mock never handed out is no session.
    let forged = format!("mock-session-{port}=forged");
    let refused = get(&silent_url(&mock, &pkce), &[("cookie", &forged)]).await;
    assert_eq!(
        query(&location(&refused), "error").as_deref(),
        Some("login_required")
    );
}

#[tokio::test]
async fn prompt_none_can_be_ignored_and_pages_can_refuse_framing_or_cut_the_opener() {
    let plain = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let page = get(&auth_url(&plain, Some("st"), Some(&pkce)), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.headers.contains_key("x-frame-options"));
    assert!(!page.headers.contains_key("cross-origin-opener-policy"));

    let ignoring = MockProvider::start(MockConfig {
        honour_prompt_none: false,
        deny_framing: true,
        ..MockConfig::default()
    })
    .await;
    let page = get(&silent_url(&ignoring, &pkce), &[]).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "prompt=none ignored: the page is shown"
    );
    assert_eq!(page.headers["x-frame-options"], "DENY");

    let isolated = MockProvider::start(MockConfig {
        opener_policy_same_origin: true,
        ..MockConfig::default()
    })
    .await;
    let page = get(&auth_url(&isolated, Some("st"), Some(&pkce)), &[]).await;
    assert_eq!(page.headers["cross-origin-opener-policy"], "same-origin");

    let auto = MockProvider::start(MockConfig {
        auto_approve: true,
        ..MockConfig::default()
    })
    .await;
    let answer = get(&silent_url(&auto, &pkce), &[]).await;
    assert!(query(&location(&answer), "code").is_some());
}
