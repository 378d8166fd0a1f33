//! The sign-in flow over HTTP, against the mock provider, in-process and over a real socket.
//! Every refusal that must happen before any provider call is checked with the mock's
//! counters.

mod support;

use std::time::{Duration, Instant};

use bytes::Bytes;
use coauth_core::{Coauth, result_hook};
use coauth_tests::mock_provider::{Fault, MockConfig, MockProvider, hanging_url, refused_url};
use http::{Request, StatusCode, header};
use support::*;

async fn fixture(transport: Transport) -> (MockProvider, MockConfig, App, TestClock) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let coauth = builder(&mock, &config, &clock).build().unwrap();
    let app = App::new(coauth, transport).await;
    (mock, config, app, clock)
}

#[tokio::test]
async fn sign_in_succeeds_and_keeps_tokens_from_the_browser() {
    for transport in TRANSPORTS {
        let (mock, config, app, _) = fixture(transport).await;
        let started = app.start("demo").await;
        let redirect = mock.decide(&started.url, true).await.unwrap();
        let response = app
            .finish("demo", &started, redirect_params(&redirect))
            .await;
        assert_eq!(
            response.status(),
            200,
            "{transport:?}: {:?}",
            response.body()
        );
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
        let authorize: std::collections::HashMap<_, _> =
            mock.last_authorize_query().unwrap().into_iter().collect();
        assert_eq!(authorize["code_challenge_method"], "S256");
        assert_eq!(authorize["redirect_uri"], REDIRECT_URI);
        let token = mock.last_token_request().unwrap();
        let form: std::collections::HashMap<_, _> = token.form.into_iter().collect();
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
}

#[tokio::test]
async fn binding_cookie_has_safe_attributes_and_is_reused() {
    let (_mock, _config, app, _) = fixture(Transport::InProcess).await;
    let started = app.start("demo").await;
    let attributes: Vec<_> = started.set_cookie.split("; ").collect();
    assert!(attributes[0].starts_with("__Host-coauth-binding="));
    for expected in [
        "Path=/",
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Max-Age=600",
    ] {
        assert!(
            attributes.contains(&expected),
            "{expected} in {attributes:?}"
        );
    }
    assert!(!started.set_cookie.contains("Domain"));
    // A second flow in the same browser keeps the cookie, so parallel flows stay valid.
    let again = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}),
            Some(&started.cookie),
        )
        .await;
    assert_eq!(again.status(), 200);
    assert!(again.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn loopback_http_origin_gets_a_non_secure_cookie() {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .redirect_uri("http://127.0.0.1:8080/coauth/result_page")
        .build()
        .unwrap();
    let app = App::new(coauth, Transport::InProcess).await;
    let response = app
        .send(
            Request::post("/coauth/auth_url")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, "http://127.0.0.1:8080")
                .body(Bytes::from(
                    serde_json::json!({"providerType": "demo",
                        "redirectUri": "http://127.0.0.1:8080/coauth/result_page"})
                    .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("coauth-binding="));
    assert!(!cookie.contains("Secure"));
}

#[tokio::test]
async fn credentials_reach_the_browser_only_on_opt_in() {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .expose_credentials(true)
        .build()
        .unwrap();
    let app = App::new(coauth, Transport::InProcess).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, true).await.unwrap();
    let body = json(
        &app.finish("demo", &started, redirect_params(&redirect))
            .await,
    );
    assert!(body["credentials"]["accessToken"].as_str().unwrap().len() > 10);
    assert_eq!(body["credentials"]["expiresIn"], 3600);
}

#[tokio::test]
async fn result_hook_sees_credentials_and_builds_the_answer() {
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
    let app = App::new(coauth, Transport::InProcess).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, true).await.unwrap();
    let response = app
        .finish("demo", &started, redirect_params(&redirect))
        .await;
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

#[tokio::test]
async fn denial_is_user_denied_without_a_token_call() {
    for transport in TRANSPORTS {
        let (mock, _config, app, _) = fixture(transport).await;
        let started = app.start("demo").await;
        let redirect = mock.decide(&started.url, false).await.unwrap();
        let response = app
            .finish("demo", &started, redirect_params(&redirect))
            .await;
        assert_error(&response, 409, "UserDenied");
        assert_eq!(mock.token_calls(), 0);
    }
}

#[tokio::test]
async fn malformed_requests_are_validation_errors() {
    for transport in TRANSPORTS {
        let (_mock, _config, app, _) = fixture(transport).await;
        for path in ["/auth_url", "/result"] {
            for body in ["{", "[]", "{\"providerType\":5}", ""] {
                let response = app
                    .send(
                        Request::post(format!("{BASE}{path}"))
                            .header(header::CONTENT_TYPE, "application/json")
                            .header(header::ORIGIN, ORIGIN)
                            .body(Bytes::from(body))
                            .unwrap(),
                    )
                    .await;
                assert_error(&response, 400, "ValidationError");
            }
            let big = Bytes::from(vec![b' '; 64 * 1024 + 1]);
            let response = app
                .send(
                    Request::post(format!("{BASE}{path}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .header(header::ORIGIN, ORIGIN)
                        .body(big)
                        .unwrap(),
                )
                .await;
            assert_error(&response, 413, "ValidationError");
            let form = app
                .send(
                    Request::post(format!("{BASE}{path}"))
                        .header(header::CONTENT_TYPE, "text/plain")
                        .header(header::ORIGIN, ORIGIN)
                        .body(Bytes::from("{}"))
                        .unwrap(),
                )
                .await;
            assert_error(&form, 415, "ValidationError");
            let get = app
                .send(
                    Request::get(format!("{BASE}{path}"))
                        .body(Bytes::new())
                        .unwrap(),
                )
                .await;
            assert_error(&get, 405, "ValidationError");
            assert_eq!(get.headers()[header::ALLOW], "POST");
        }
    }
}

#[tokio::test]
async fn auth_url_refusals() {
    for transport in TRANSPORTS {
        let (_mock, _config, app, _) = fixture(transport).await;
        let unknown = app
            .post_json(
                "/auth_url",
                &serde_json::json!({"providerType": "nope", "redirectUri": REDIRECT_URI}),
                None,
            )
            .await;
        assert_error(&unknown, 400, "InputError");
        let redirect = app
            .post_json(
                "/auth_url",
                &serde_json::json!({"providerType": "demo",
                    "redirectUri": "https://evil.example/coauth/result_page"}),
                None,
            )
            .await;
        assert_error(&redirect, 400, "InputError");
        let silent_identity = app
            .post_json(
                "/auth_url",
                &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI,
                    "mode": "silent", "identity": {"user": 1}}),
                None,
            )
            .await;
        assert_error(&silent_identity, 400, "InputError");
        for (origin, site) in [
            (Some("https://evil.example"), None),
            (None, None),
            (Some(ORIGIN), Some("cross-site")),
        ] {
            let mut request =
                Request::post("/coauth/auth_url").header(header::CONTENT_TYPE, "application/json");
            if let Some(origin) = origin {
                request = request.header(header::ORIGIN, origin);
            }
            if let Some(site) = site {
                request = request.header("sec-fetch-site", site);
            }
            let response = app
                .send(
                    request
                        .body(Bytes::from(
                            serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI})
                                .to_string(),
                        ))
                        .unwrap(),
                )
                .await;
            assert_error(&response, 400, "InputError");
            assert!(
                response
                    .headers()
                    .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                    .is_none()
            );
        }
    }
}

/// Each case spoils one part of an otherwise valid result request; all are refused with
/// InputError before the provider is called.
#[tokio::test]
async fn result_refusals_happen_before_any_provider_call() {
    for transport in TRANSPORTS {
        let config = MockConfig::default();
        let mock = MockProvider::start(MockConfig::default()).await;
        let clock = TestClock::starting_now();
        let coauth = builder(&mock, &config, &clock)
            .provider("other", mock_oauth2(&mock, &config))
            .build()
            .unwrap();
        let app = App::new(coauth, transport).await;
        let foreign = Coauth::builder()
            .secret("a different deployment's secret, 32+ bytes")
            .provider("demo", mock_oauth2(&mock, &config))
            .redirect_uri(REDIRECT_URI)
            .http_client(test_http_client())
            .build()
            .unwrap();
        let foreign_app = App::new(foreign, Transport::InProcess).await;

        let started = app.start("demo").await;
        let redirect = mock.decide(&started.url, true).await.unwrap();
        let params = redirect_params(&redirect);
        let code = params["code"].as_str().unwrap().to_owned();
        let good_state = params["state"].as_str().unwrap().to_owned();
        let post = |provider: &'static str,
                    flow: String,
                    response: serde_json::Value,
                    cookie: Option<String>| {
            let app = &app;
            async move {
                app.post_json(
                    "/result",
                    &serde_json::json!({"providerType": provider, "flow": flow, "response": response}),
                    cookie.as_deref(),
                )
                .await
            }
        };
        let cookie = Some(started.cookie.clone());
        let flow = started.flow.clone();
        let mut tampered = flow.clone().into_bytes();
        let middle = tampered.len() / 2;
        tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        let foreign_started = foreign_app.start("demo").await;

        let cases = vec![
            (
                "tampered flow",
                post("demo", tampered, params.clone(), cookie.clone()).await,
            ),
            (
                "foreign key",
                post(
                    "demo",
                    foreign_started.flow.clone(),
                    params.clone(),
                    Some(foreign_started.cookie.clone()),
                )
                .await,
            ),
            (
                "other provider",
                post("other", flow.clone(), params.clone(), cookie.clone()).await,
            ),
            (
                "state mismatch",
                post(
                    "demo",
                    flow.clone(),
                    serde_json::json!({"code": code, "state": "x".repeat(43)}),
                    cookie.clone(),
                )
                .await,
            ),
            (
                "state missing",
                post(
                    "demo",
                    flow.clone(),
                    serde_json::json!({"code": code}),
                    cookie.clone(),
                )
                .await,
            ),
            (
                "denial with wrong state",
                post(
                    "demo",
                    flow.clone(),
                    serde_json::json!({"error": "access_denied", "state": "nope"}),
                    cookie.clone(),
                )
                .await,
            ),
            (
                "cookie missing",
                post("demo", flow.clone(), params.clone(), None).await,
            ),
            (
                "cookie of another browser",
                post(
                    "demo",
                    flow.clone(),
                    params.clone(),
                    Some(format!("__Host-coauth-binding={}", "b".repeat(43))),
                )
                .await,
            ),
            (
                "flow too long",
                post("demo", "A".repeat(5000), params.clone(), cookie.clone()).await,
            ),
        ];
        for (name, response) in &cases {
            assert_error(response, 400, "InputError");
            let text = String::from_utf8_lossy(response.body());
            assert!(!text.contains(&code), "{name}: code leaked");
            assert!(!text.contains(&good_state), "{name}: state leaked");
        }
        // A foreign origin with a valid tuple.
        let foreign_origin = app
            .send(
                Request::post("/coauth/result")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ORIGIN, "https://evil.example")
                    .header(header::COOKIE, &started.cookie)
                    .body(Bytes::from(
                        serde_json::json!({"providerType": "demo", "flow": flow, "response": params})
                            .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_error(&foreign_origin, 400, "InputError");
        // Expiry.
        clock.advance(601);
        let expired = post("demo", flow.clone(), params.clone(), cookie.clone()).await;
        assert_error(&expired, 400, "InputError");
        assert!(
            json(&expired)["message"]
                .as_str()
                .unwrap()
                .contains("expired")
        );
        assert_eq!(
            mock.token_calls(),
            0,
            "{transport:?}: a refused request reached the provider"
        );
    }
}

#[tokio::test]
async fn posted_tokens_are_ignored_and_codes_cannot_be_replayed() {
    let (mock, _config, app, _) = fixture(Transport::InProcess).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, true).await.unwrap();
    let mut params = redirect_params(&redirect);
    params["access_token"] = "attacker-token".into();
    params["id_token"] = "attacker.id.token".into();
    let first = app.finish("demo", &started, params.clone()).await;
    assert_eq!(first.status(), 200);
    assert_eq!(json(&first)["user"]["id"], "mock-user-1");
    let replay = app.finish("demo", &started, params).await;
    assert_error(&replay, 500, "ProviderError");
}

#[tokio::test]
async fn a_code_bound_to_one_flow_cannot_be_redeemed_with_another() {
    let (mock, _config, app, _) = fixture(Transport::InProcess).await;
    let first = app.start("demo").await;
    let second = app.start("demo").await;
    let redirect = mock.decide(&first.url, true).await.unwrap();
    let mut params = redirect_params(&redirect);
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

async fn provider_failure(
    fault: Option<Fault>,
    token_url: Option<String>,
) -> (App, Started, serde_json::Value) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let mut provider_config = coauth_core::oauth2::OAuth2Config::new(
        config.client_id.clone(),
        config.client_secret.clone(),
        &mock.authorize_url(),
        &token_url.unwrap_or_else(|| mock.token_url()),
    )
    .unwrap();
    provider_config.default_scopes = vec!["openid".into()];
    let provider = coauth_core::oauth2::OAuth2Provider::new(
        provider_config,
        coauth_core::oauth2::StandardUserinfo::new(&mock.userinfo_url()).unwrap(),
    );
    let coauth = Coauth::builder()
        .secret(SECRET)
        .provider("demo", provider)
        .redirect_uri(REDIRECT_URI)
        .http_client(test_http_client())
        .build()
        .unwrap();
    let app = App::new(coauth, Transport::Socket).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, true).await.unwrap();
    if let Some(fault) = fault {
        mock.set_fault(fault);
    }
    (app, started, redirect_params(&redirect))
}

#[tokio::test]
async fn provider_failures_map_to_the_error_table() {
    let cases = [
        (Some(Fault::ServerError), None, "ProviderTechnicalError"),
        (Some(Fault::ErrorWith200), None, "ProviderTechnicalError"),
        (Some(Fault::Malformed), None, "ProviderError"),
        (
            Some(Fault::Oversize(2 * 1024 * 1024)),
            None,
            "ProviderError",
        ),
        (
            None,
            Some(refused_url() + "/token"),
            "ProviderConnectionError",
        ),
    ];
    for (fault, token_url, code) in cases {
        let (app, started, params) = provider_failure(fault.clone(), token_url).await;
        let response = app.finish("demo", &started, params.clone()).await;
        assert_error(&response, 500, code);
        let text = String::from_utf8_lossy(response.body());
        assert!(
            !text.contains(params["code"].as_str().unwrap()),
            "{fault:?}: code leaked"
        );
        assert!(!text.contains("mock-secret"), "{fault:?}: secret leaked");
    }
}

#[tokio::test]
async fn hanging_provider_is_a_connection_error_within_the_timeout() {
    for token_url in [hanging_url().await + "/token", String::new()] {
        let (fault, url) = if token_url.is_empty() {
            (Some(Fault::Slow(Duration::from_secs(30))), None)
        } else {
            (None, Some(token_url))
        };
        let (app, started, params) = provider_failure(fault, url).await;
        let begun = Instant::now();
        let response = app.finish("demo", &started, params).await;
        assert_error(&response, 500, "ProviderConnectionError");
        // The client's whole-request limit is 1.5 s; far below the provider's 30 s stall.
        assert!(
            begun.elapsed() < Duration::from_secs(10),
            "took {:?}",
            begun.elapsed()
        );
    }
}
