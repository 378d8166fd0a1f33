//! GitHub mode: its endpoints and quirks.

use super::*;
use crate::mock::{Endpoint, MockIdp};

async fn github(form_token: bool, user: MockUser) -> MockProvider {
    MockProvider::start(MockConfig {
        mode: Mode::GitHub { form_token },
        user,
        ..MockConfig::default()
    })
    .await
}

#[tokio::test]
async fn github_urls_and_token_formats() {
    let mock = github(false, MockUser::default()).await;
    let base = mock.base_url();
    assert_eq!(
        mock.authorize_url(),
        format!("{base}/login/oauth/authorize")
    );
    assert_eq!(mock.token_url(), format!("{base}/login/oauth/access_token"));
    assert_eq!(mock.userinfo_url(), format!("{base}/user"));
    assert_eq!(mock.emails_url(), format!("{base}/user/emails"));

    // No PKCE, post auth, no grant_type, no Accept: form-encoded.
    let code = approved_code(&mock, None).await;
    let creds = [
        ("client_id", "mock-client"),
        ("client_secret", "mock-secret"),
    ];
    let mut form = creds.to_vec();
    form.push(("code", &code));
    let answer = redeem(&mock, &[], &form).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(content_type(&answer).starts_with("application/x-www-form-urlencoded"));
    let pairs = form_body(&answer);
    assert_eq!(
        pairs.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["access_token", "scope", "token_type"]
    );
    assert_eq!(form_get(&pairs, "scope"), Some("openid email"));
    assert_eq!(form_get(&pairs, "token_type"), Some("bearer"));

    // Accept: application/json gets JSON; PKCE is enforced when it was used.
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    let accept = [("accept", "application/vnd.x, application/json")];
    let mut form = creds.to_vec();
    form.extend([("code", code.as_str()), ("code_verifier", &pkce.verifier)]);
    let answer = redeem(&mock, &accept, &form).await;
    assert_eq!(answer.status, StatusCode::OK);
    let token = json_body(&answer);
    assert_eq!(token["token_type"], "bearer");
    assert!(token["access_token"].is_string());

    let code = approved_code(&mock, Some(&pkce)).await;
    let mut form = creds.to_vec();
    form.push(("code", &code));
    let answer = redeem(&mock, &accept, &form).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(json_body(&answer)["error"], "bad_verification_code");

    // form_token: form-encoded even when JSON is asked for.
    let forms = github(true, MockUser::default()).await;
    let code = approved_code(&forms, None).await;
    let mut form = creds.to_vec();
    form.push(("code", &code));
    let answer = redeem(&forms, &accept, &form).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(form_get(&form_body(&answer), "access_token").is_some());
}

#[tokio::test]
async fn github_errors_come_with_200() {
    let mock = github(false, MockUser::default()).await;
    let json_accept = [("accept", "application/json")];
    let bad_code = [
        ("client_id", "mock-client"),
        ("client_secret", "mock-secret"),
        ("code", "nope"),
    ];
    let answer = redeem(&mock, &json_accept, &bad_code).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = json_body(&answer);
    assert_eq!(body["error"], "bad_verification_code");
    assert_eq!(
        body["error_description"],
        "The code passed is incorrect or expired."
    );
    let answer = redeem(&mock, &[], &bad_code).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        form_get(&form_body(&answer), "error"),
        Some("bad_verification_code")
    );
    let wrong_secret = [
        ("client_id", "mock-client"),
        ("client_secret", "wrong"),
        ("code", "nope"),
    ];
    let answer = redeem(&mock, &json_accept, &wrong_secret).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(json_body(&answer)["error"], "incorrect_client_credentials");
    let code = approved_code(&mock, None).await;
    let answer = redeem(
        &mock,
        &json_accept,
        &[
            ("client_id", "mock-client"),
            ("client_secret", "mock-secret"),
            ("code", &code),
            ("redirect_uri", "http://elsewhere.example.test/"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(json_body(&answer)["error"], "redirect_uri_mismatch");
}

async fn github_token(mock: &MockProvider) -> String {
    let code = approved_code(mock, None).await;
    let answer = redeem(
        mock,
        &[("accept", "application/json")],
        &[
            ("client_id", "mock-client"),
            ("client_secret", "mock-secret"),
            ("code", &code),
        ],
    )
    .await;
    json_body(&answer)["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn github_user_and_emails() {
    let mock = github(
        false,
        MockUser {
            id: "583231".into(),
            ..MockUser::default()
        },
    )
    .await;
    let token = github_token(&mock).await;
    let bearer = format!("Bearer {token}");
    let ua = ("user-agent", "coauth-test");

    let no_ua = get(&mock.userinfo_url(), &[("authorization", &bearer)]).await;
    assert_eq!(no_ua.status, StatusCode::FORBIDDEN);
    assert_eq!(
        json_body(&no_ua)["message"],
        "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"
    );
    let no_ua = get(&mock.emails_url(), &[("authorization", &bearer)]).await;
    assert_eq!(no_ua.status, StatusCode::FORBIDDEN);

    let user = get(&mock.userinfo_url(), &[("authorization", &bearer), ua]).await;
    assert_eq!(user.status, StatusCode::OK);
    assert_eq!(
        json_body(&user),
        json!({
            "login": "ada",
            "id": 583231,
            "type": "User",
            "name": "Ada Lovelace",
            "email": null,
            "avatar_url": "https://avatars.example.test/ada.png",
            "html_url": "https://profiles.example.test/ada",
        })
    );
    let legacy = format!("token {token}");
    let emails = get(&mock.emails_url(), &[("authorization", &legacy), ua]).await;
    assert_eq!(emails.status, StatusCode::OK);
    assert_eq!(
        json_body(&emails),
        json!([
            {"email": "noreply-ada@users.example.test", "primary": false, "verified": true, "visibility": null},
            {"email": "ada@example.test", "primary": true, "verified": true, "visibility": "private"},
        ])
    );
    let unknown = get(&mock.userinfo_url(), &[("authorization", "Bearer x"), ua]).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json_body(&unknown)["message"], "Bad credentials");
    assert_eq!(mock.calls(Endpoint::Profile), 5);

    mock.set_user(MockUser {
        name: String::new(),
        email: None,
        ..MockUser::default()
    });
    let token = github_token(&mock).await;
    let bearer = format!("Bearer {token}");
    let user = json_body(&get(&mock.userinfo_url(), &[("authorization", &bearer), ua]).await);
    assert_eq!(user["id"], "mock-user-1");
    assert_eq!(user["name"], Value::Null);
    let emails = json_body(&get(&mock.emails_url(), &[("authorization", &bearer), ua]).await);
    assert_eq!(emails.as_array().unwrap().len(), 1);
    assert_eq!(emails[0]["primary"], false);
}
