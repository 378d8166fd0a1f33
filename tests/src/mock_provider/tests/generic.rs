//! Generic mode: the strict authorization code flow with PKCE.

use super::*;
use crate::mock::{Decision, Endpoint, MockIdp};

#[tokio::test]
async fn generic_approve_flow_with_pkce() {
    let mock = MockProvider::start(MockConfig::default()).await;
    assert!(mock.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(mock.token_url(), format!("{}/token", mock.base_url()));
    let pkce = pkce();
    let state = "st&=ate é";
    let back = mock
        .decide(
            &auth_url(&mock, Some(state), Some(&pkce)),
            Decision::Approve,
        )
        .await
        .unwrap()
        .url;
    assert_eq!(back.host_str(), Some("app.example.test"));
    assert_eq!(back.path(), "/auth/result");
    assert_eq!(query(&back, "x").as_deref(), Some("1"));
    assert_eq!(query(&back, "state").as_deref(), Some(state));
    let code = query(&back, "code").unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(&code).unwrap().len(), 32);
    let recorded = mock.last_authorize_query().unwrap();
    assert!(recorded.contains(&("state".to_owned(), state.to_owned())));

    let answer = redeem_code(&mock, &code, Some(&pkce.verifier)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(content_type(&answer).starts_with("application/json"));
    assert_eq!(answer.headers[CACHE_CONTROL], "no-store");
    let token = json_body(&answer);
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3600);
    assert_eq!(token["scope"], "openid email");
    assert!(token["refresh_token"].is_string());
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(mock.calls(Endpoint::Token), 1);
    let recorded = mock.last_token_request().unwrap();
    assert!(recorded.headers.contains_key("authorization"));
    assert!(
        recorded
            .form
            .contains(&("code_verifier".to_owned(), pkce.verifier.clone()))
    );

    let bearer = format!("Bearer {access}");
    let info = get(&mock.userinfo_url(), &[("authorization", &bearer)]).await;
    assert_eq!(info.status, StatusCode::OK);
    assert_eq!(
        json_body(&info),
        json!({
            "sub": "mock-user-1",
            "name": "Ada Lovelace",
            "preferred_username": "ada",
            "email": "ada@example.test",
            "email_verified": true,
            "picture": "https://avatars.example.test/ada.png",
            "profile": "https://profiles.example.test/ada",
        })
    );
    assert_eq!(mock.calls(Endpoint::Profile), 1);
}

#[tokio::test]
async fn post_client_auth_and_user_without_email() {
    let mock = MockProvider::start(MockConfig {
        client_auth: ClientAuth::Post,
        user: MockUser {
            email: None,
            ..MockUser::default()
        },
        ..MockConfig::default()
    })
    .await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    let answer = redeem(
        &mock,
        &[],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &pkce.verifier),
            ("client_id", "mock-client"),
            ("client_secret", "mock-secret"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let access = json_body(&answer)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let info = get(
        &mock.userinfo_url(),
        &[("authorization", &format!("Bearer {access}"))],
    )
    .await;
    let info = json_body(&info);
    assert!(info.get("email").is_none());
    assert_eq!(info["sub"], "mock-user-1");
}

#[tokio::test]
async fn consent_page_is_escaped_html_without_script() {
    let mock = MockProvider::start(MockConfig::default()).await;
    mock.set_user(MockUser {
        name: "<script>alert(1)</script> & \"Bob\"".into(),
        ..MockUser::default()
    });
    let pkce = pkce();
    let page = get(&auth_url(&mock, Some("\"><b>x"), Some(&pkce)), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(content_type(&page), "text/html; charset=utf-8");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'none'"), "{csp}");
    let html = std::str::from_utf8(&page.body).unwrap();
    assert!(html.contains("<title>Mock provider — sign in</title>"));
    assert!(
        html.contains(r#"<button id="approve" name="decision" value="approve">Approve</button>"#)
    );
    assert!(html.contains(r#"<button id="deny" name="decision" value="deny">Deny</button>"#));
    assert!(html.contains(r#"action="/authorize/decision""#));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bob&quot;"));
    assert!(html.contains(r#"value="&quot;&gt;&lt;b&gt;x""#));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(!html.contains("<b>"));
    // The escaped state survives the round trip through the form.
    let back = mock
        .decide(
            &auth_url(&mock, Some("\"><b>x"), Some(&pkce)),
            Decision::Approve,
        )
        .await
        .unwrap()
        .url;
    assert_eq!(query(&back, "state").as_deref(), Some("\"><b>x"));
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let back = mock
        .decide(&auth_url(&mock, Some("s1"), Some(&pkce)), Decision::Deny)
        .await
        .unwrap()
        .url;
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        query(&back, "error_description").as_deref(),
        Some("The user denied access")
    );
    assert_eq!(query(&back, "state").as_deref(), Some("s1"));
    assert_eq!(query(&back, "x").as_deref(), Some("1"));
    assert!(query(&back, "code").is_none());
    assert!(
        back.as_str()
            .contains("error_description=The+user+denied+access")
    );

    let back = mock
        .decide(&auth_url(&mock, None, Some(&pkce)), Decision::Deny)
        .await
        .unwrap()
        .url;
    assert!(query(&back, "state").is_none());
    let back = mock
        .decide(&auth_url(&mock, None, Some(&pkce)), Decision::Approve)
        .await
        .unwrap()
        .url;
    assert!(query(&back, "state").is_none());
    assert!(query(&back, "code").is_some());
}

#[tokio::test]
async fn bad_authorization_requests_get_400_text() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let good = auth_url(&mock, Some("s"), Some(&pkce));
    let replace = |from: &str, to: &str| {
        let out = good.replace(from, to);
        assert_ne!(out, good, "{from} not in {good}");
        out
    };
    let bad = [
        replace("client_id=mock-client", "client_id=other"),
        replace("client_id=mock-client", "client_id="),
        replace("response_type=code", "response_type=token"),
        replace("response_type=code&", ""),
        replace("redirect_uri=http", "redirect_uri=%2Frelative%3Fhttp"),
        replace(
            "redirect_uri=http",
            "redirect_uri=javascript%3Aalert(1)%2F%2Fhttp",
        ),
        replace("code_challenge_method=S256", "code_challenge_method=plain"),
        replace("&code_challenge_method=S256", ""),
        format!("{good}&state=again"),
        format!("{good}&code_challenge=%25%25"),
        auth_url(&mock, Some("s"), None),
        format!("{}?%zz=%", mock.authorize_url()),
        mock.authorize_url(),
    ];
    for url in bad {
        let answer = get(&url, &[]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(content_type(&answer).starts_with("text/plain"), "{url}");
        assert!(!answer.body.is_empty());
        assert!(!answer.headers.contains_key(LOCATION));
        assert!(mock.decide(&url, Decision::Approve).await.is_err(), "{url}");
    }
    assert_eq!(mock.last_authorize_query(), Some(vec![]));
    // A forged decision is validated like the authorization request itself.
    let forged = post_form(
        &format!("{}/authorize/decision", mock.base_url()),
        &[],
        &[
            ("decision", "approve"),
            ("client_id", "mock-client"),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    let garbage = request(
        Method::POST,
        &format!("{}/authorize/decision", mock.base_url()),
        &[],
        Some("\u{0}%%%=&&==".to_owned()),
    )
    .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn auto_approve_redirects_without_a_page() {
    let mock = MockProvider::start(MockConfig {
        auto_approve: true,
        ..MockConfig::default()
    })
    .await;
    let pkce = pkce();
    let url = auth_url(&mock, Some("s"), Some(&pkce));
    let answer = get(&url, &[]).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let back = Url::parse(answer.headers[LOCATION].to_str().unwrap()).unwrap();
    let code = query(&back, "code").unwrap();
    assert_eq!(query(&back, "state").as_deref(), Some("s"));
    let back = mock.decide(&url, Decision::Approve).await.unwrap().url;
    assert!(query(&back, "code").is_some());
    let answer = redeem_code(&mock, &code, Some(&pkce.verifier)).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_or_missing_verifier_is_rejected() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    let other = self::pkce();
    let answer = redeem_code(&mock, &code, Some(&other.verifier)).await;
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "invalid_grant");
    let code = approved_code(&mock, Some(&pkce)).await;
    let answer = redeem_code(&mock, &code, None).await;
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "invalid_grant");
    let code = approved_code(&mock, Some(&pkce)).await;
    let answer = redeem_code(&mock, &code, Some(&pkce.challenge)).await;
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(mock.calls(Endpoint::Token), 3);
}

#[tokio::test]
async fn code_is_single_use_and_expires() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    let first = redeem_code(&mock, &code, Some(&pkce.verifier)).await;
    assert_eq!(first.status, StatusCode::OK);
    let second = redeem_code(&mock, &code, Some(&pkce.verifier)).await;
    assert_token_error(&second, StatusCode::BAD_REQUEST, "invalid_grant");

    let code = approved_code(&mock, Some(&pkce)).await;
    mock.inner.lock().codes.get_mut(&code).unwrap().expires_at = Instant::now();
    let expired = redeem_code(&mock, &code, Some(&pkce.verifier)).await;
    assert_token_error(&expired, StatusCode::BAD_REQUEST, "invalid_grant");

    let unknown = redeem_code(&mock, "no-such-code", Some(&pkce.verifier)).await;
    assert_token_error(&unknown, StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn redirect_uri_must_match() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    let auth = basic("mock-client", "mock-secret");
    let answer = redeem(
        &mock,
        &[("authorization", &auth)],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://app.example.test/auth/result?x=2"),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await;
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "invalid_grant");
    let code = approved_code(&mock, Some(&pkce)).await;
    let answer = redeem(
        &mock,
        &[("authorization", &auth)],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &pkce.verifier),
        ],
    )
    .await;
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn client_authentication_rules() {
    let secret = "s3:cr +t/é";
    let mock = MockProvider::start(MockConfig {
        client_secret: secret.to_owned(),
        client_auth: ClientAuth::Basic,
        ..MockConfig::default()
    })
    .await;
    let pkce = pkce();
    let form = |code: &str| -> Vec<(String, String)> {
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &pkce.verifier),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
    };
    let try_with = async |headers: &[(&str, &str)], extra: &[(&str, &str)]| {
        let code = approved_code(&mock, Some(&pkce)).await;
        let mut pairs = form(&code);
        pairs.extend(
            extra
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned())),
        );
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        redeem(&mock, headers, &pairs).await
    };
    // RFC 6749 §2.3.1: form-urlencode the secret before base64.
    let encoded = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
    let good = basic("mock-client", &encoded);
    assert_eq!(
        try_with(&[("authorization", &good)], &[]).await.status,
        StatusCode::OK
    );
    let lowercase_scheme = good.replacen("Basic", "basic", 1);
    assert_eq!(
        try_with(
            &[("authorization", &lowercase_scheme)],
            &[("client_id", "mock-client")]
        )
        .await
        .status,
        StatusCode::OK
    );
    let raw = basic("mock-client", secret);
    let answer = try_with(&[("authorization", &raw)], &[]).await;
    assert_token_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(answer.headers.contains_key("www-authenticate"));
    let post = [("client_id", "mock-client"), ("client_secret", secret)];
    assert_token_error(
        &try_with(&[], &post).await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    );
    assert_token_error(
        &try_with(&[], &[]).await,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
    );
    let both = try_with(&[("authorization", &good)], &[("client_secret", secret)]).await;
    assert_token_error(&both, StatusCode::BAD_REQUEST, "invalid_request");
    let other_id = try_with(&[("authorization", &good)], &[("client_id", "x")]).await;
    assert_token_error(&other_id, StatusCode::UNAUTHORIZED, "invalid_client");
    for garbage in ["Basic !!!", "Basic", "Bearer abc", "Basic bm9jb2xvbg=="] {
        let answer = try_with(&[("authorization", garbage)], &[]).await;
        assert_token_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");
    }

    let post_only = MockProvider::start(MockConfig {
        client_auth: ClientAuth::Post,
        ..MockConfig::default()
    })
    .await;
    let code = approved_code(&post_only, Some(&pkce)).await;
    let auth = basic("mock-client", "mock-secret");
    let pairs = form(&code);
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let answer = redeem(&post_only, &[("authorization", &auth)], &pairs).await;
    assert_token_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn malformed_token_requests_get_400() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let auth = basic("mock-client", "mock-secret");
    let url = mock.token_url();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("content-type", "application/json")], r#"{"code":"x"}"#),
        (
            &[("content-type", "application/x-www-form-urlencoded")],
            "code=a&code=b",
        ),
        (
            &[("content-type", "application/x-www-form-urlencoded")],
            "%%%\u{1}&=&=",
        ),
        (
            &[("content-type", "application/x-www-form-urlencoded")],
            "code=abc",
        ),
    ];
    for (headers, body) in cases {
        let mut all = headers.to_vec();
        all.push(("authorization", &auth));
        let answer = request(Method::POST, &url, &all, Some(body.to_owned())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(json_body(&answer)["error"].is_string());
    }
    let answer = redeem(
        &mock,
        &[("authorization", &auth)],
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    )
    .await;
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let answer = request(Method::POST, &url, &[], Some("x".repeat(70_000))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(mock.calls(Endpoint::Token), 6);
    assert!(mock.last_token_request().unwrap().form.is_empty());
    let answer = get(&url, &[]).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn profile_requires_a_known_bearer_token() {
    let mock = MockProvider::start(MockConfig::default()).await;
    for headers in [
        &[][..],
        &[("authorization", "Bearer nope")][..],
        &[("authorization", "Bearer")][..],
        &[("authorization", "Basic abc")][..],
    ] {
        let answer = get(&mock.userinfo_url(), headers).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(json_body(&answer)["error"], "invalid_token");
    }
    assert_eq!(mock.calls(Endpoint::Profile), 4);
}

#[tokio::test]
async fn code_keeps_the_user_it_was_issued_for() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    mock.set_user(MockUser {
        id: "other".into(),
        ..MockUser::default()
    });
    let token = json_body(&redeem_code(&mock, &code, Some(&pkce.verifier)).await);
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let info = json_body(&get(&mock.userinfo_url(), &[("authorization", &bearer)]).await);
    assert_eq!(info["sub"], "mock-user-1");
    let code = approved_code(&mock, Some(&pkce)).await;
    let token = json_body(&redeem_code(&mock, &code, Some(&pkce.verifier)).await);
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let info = json_body(&get(&mock.userinfo_url(), &[("authorization", &bearer)]).await);
    assert_eq!(info["sub"], "other");
}
