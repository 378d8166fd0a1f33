//! The generic OpenID Connect provider (`presets::Oidc`, discovery) against the mock OpenID
//! provider: sign-in, denial, discovery and RFC 9207 rules, userinfo `sub`, refresh,
//! `private_key_jwt`, every supported signature algorithm.

mod oidc_support;

use coauth_core::Secret;
use coauth_core::oauth2::ClientAuth;
use coauth_core::oidc::{Algorithm, OidcProvider, SigningKey};
use coauth_core::presets::Oidc;
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{ClientAuthMode, IssParam, MockOidc, MockOidcConfig, SigningAlg};
use oidc_support::*;

async fn mock(config: MockOidcConfig) -> MockOidc {
    MockOidc::start(config).await
}

fn generic(mock: &MockOidc) -> OidcProvider {
    Oidc::new(mock.issuer(), "oidc-client", "oidc-secret")
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn sign_in_through_discovery_yields_the_user() {
    let mock = mock(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", generic(&mock)).await;
    let started = app.start("oidc").await;
    // The authorization URL carries everything the strict mock requires.
    assert!(
        started
            .url
            .starts_with(&format!("{}/authorize?", mock.base_url()))
    );
    for name in ["state", "nonce", "code_challenge"] {
        assert!(query_param(&started.url, name).is_some(), "{name}");
    }
    assert_eq!(
        query_param(&started.url, "scope").as_deref(),
        Some("openid profile email")
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish("oidc", &started, params).await);
    assert_fields(
        &body["user"],
        serde_json::json!({"id": "248289761001", "name": "Grace Hopper",
            "email": "grace@example.test", "emailVerified": true,
            "avatarUrl": "https://pictures.example.test/grace.png", "username": "grace"}),
    );
    assert!(body["credentials"]["idToken"].is_string());
    assert_eq!(mock.calls(Endpoint::Discovery), 1);
    assert_eq!(mock.calls(Endpoint::Jwks), 1);
    assert_eq!(mock.calls(Endpoint::Profile), 1);
    // client_secret_basic, as configured.
    let token = mock.last_token_request().unwrap();
    assert!(
        token
            .authorization
            .as_deref()
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(token.field("client_secret").is_none());
    // A second sign-in reuses the cached metadata and keys.
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    assert_eq!(
        (mock.calls(Endpoint::Discovery), mock.calls(Endpoint::Jwks)),
        (1, 1)
    );
}

#[tokio::test]
async fn denial_is_user_denied_without_a_token_call() {
    let mock = mock(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", generic(&mock)).await;
    sign_in_denied(&app, "oidc", &mock).await;
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

#[tokio::test]
async fn rfc9207_iss_mismatch_and_absence_are_refused_before_the_token_call() {
    let mock = mock(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", generic(&mock)).await;
    mock.set_iss_param(IssParam::Wrong);
    let message = assert_error(
        &app.sign_in("oidc", &mock, Decision::Approve).await,
        400,
        "InputError",
    );
    assert!(message.contains("RFC 9207"), "{message}");
    // The provider advertises the parameter, so an answer without it is refused too.
    mock.set_iss_param(IssParam::Omit);
    assert_error(
        &app.sign_in("oidc", &mock, Decision::Approve).await,
        400,
        "InputError",
    );
    assert_eq!(mock.calls(Endpoint::Token), 0);
    mock.set_iss_param(IssParam::Correct);
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
}

#[tokio::test]
async fn iss_is_optional_when_not_advertised_but_checked_when_present() {
    let mock = mock(MockOidcConfig {
        iss_parameter: false,
        ..MockOidcConfig::default()
    })
    .await;
    let app = oidc_app("oidc", generic(&mock)).await;
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    let started = app.start("oidc").await;
    let mut forged = mock.consent(&started.url, Decision::Approve).await;
    forged["iss"] = "https://evil.example".into();
    assert_error(
        &app.finish("oidc", &started, forged).await,
        400,
        "InputError",
    );
}

#[tokio::test]
async fn discovery_naming_another_issuer_is_refused() {
    let mock = mock(MockOidcConfig::default()).await;
    mock.set_discovery_issuer(Some("https://evil.example".into()));
    let app = oidc_app("oidc", generic(&mock)).await;
    assert_provider_failure(&app.auth_url("oidc").await, "ProviderError");
    let detail = app.reported_error();
    assert!(detail.contains("another issuer"), "{detail}");
    assert_eq!(mock.calls(Endpoint::Jwks), 0);
}

#[tokio::test]
async fn unreachable_discovery_is_a_connection_error() {
    let issuer = coauth_tests::mock_provider::refused_url();
    let provider = Oidc::new(issuer, "c", "s")
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let app = oidc_app("oidc", provider).await;
    assert_error(&app.auth_url("oidc").await, 500, "ProviderConnectionError");
}

#[tokio::test]
async fn userinfo_about_another_subject_is_refused() {
    let mock = mock(MockOidcConfig::default()).await;
    mock.set_userinfo_sub(Some("someone-else".into()));
    let app = oidc_app("oidc", generic(&mock)).await;
    let message = sign_in_refused(&app, "oidc", &mock).await;
    assert!(message.contains("sub"), "{message}");
}

#[tokio::test]
async fn plain_http_issuers_need_the_loopback_opt_in() {
    let mock = mock(MockOidcConfig::default()).await;
    let error = Oidc::new(mock.issuer(), "c", "s").build().unwrap_err();
    assert!(error.to_string().contains("https"), "{error}");
    assert!(
        Oidc::new("http://sso.example.com", "c", "s")
            .allow_http_loopback(true)
            .build()
            .is_err()
    );
    let mut leeway = Oidc::new("https://sso.example.com", "c", "s");
    leeway.config_mut().leeway = std::time::Duration::from_secs(61);
    assert!(leeway.build().is_err());
}

#[tokio::test]
async fn every_default_algorithm_signs_in() {
    for alg in [
        SigningAlg::RS256,
        SigningAlg::PS256,
        SigningAlg::ES256,
        SigningAlg::EdDSA,
    ] {
        let mock = mock(MockOidcConfig {
            signing_alg: alg,
            ..MockOidcConfig::default()
        })
        .await;
        let app = oidc_app("oidc", generic(&mock)).await;
        let response = app.sign_in("oidc", &mock, Decision::Approve).await;
        assert_eq!(response.status(), 200, "{alg:?}: {:?}", response.body());
    }
    // An algorithm the provider is not trusted with is refused, even with a valid signature.
    let mock = mock(MockOidcConfig {
        signing_alg: SigningAlg::PS256,
        ..MockOidcConfig::default()
    })
    .await;
    let provider = Oidc::new(mock.issuer(), "oidc-client", "oidc-secret")
        .allow_http_loopback(true)
        .algorithms([Algorithm::RS256])
        .build()
        .unwrap();
    let app = oidc_app("oidc", provider).await;
    let message = sign_in_refused(&app, "oidc", &mock).await;
    assert!(message.contains("not allowed"), "{message}");
}

#[tokio::test]
async fn refresh_returns_fresh_credentials_with_a_validated_id_token() {
    let mock = mock(MockOidcConfig::default()).await;
    let provider = generic(&mock);
    let app = oidc_app("oidc", provider.clone()).await;
    let body = assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    let refresh_token = Secret::new(body["credentials"]["refreshToken"].as_str().unwrap());
    let http = http_client();
    let refreshed = provider
        .refresh(&http, &refresh_token, &coauth_core::SystemClock)
        .await
        .unwrap();
    assert_ne!(
        refreshed.access_token.expose(),
        body["credentials"]["accessToken"].as_str().unwrap()
    );
    assert!(refreshed.id_token.is_some());
    let request = mock.last_token_request().unwrap();
    assert_eq!(request.field("grant_type"), Some("refresh_token"));
    assert_eq!(request.field("refresh_token"), Some(refresh_token.expose()));
    // An unknown refresh token is the provider's refusal.
    let error = provider
        .refresh(&http, &Secret::new("unknown"), &coauth_core::SystemClock)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "ProviderError");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
}

const CLIENT_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJhLr0aHZ+mCtfFz8
HN7+PoSGngvpEBI18bPn1Q81JXehRANCAATN8P8yHqou/AVCgKZ/e3h4T5AMLk5/
HNvIruiLlbd2SsajTWZmdKg5pE9Keo7sx21gdGXL8MHTVRSP8Nx5+iGA
-----END PRIVATE KEY-----";

#[tokio::test]
async fn private_key_jwt_signs_in_and_refreshes_without_a_secret() {
    let key = SigningKey::from_pem(Algorithm::ES256, CLIENT_KEY)
        .unwrap()
        .with_kid("client-key-1");
    let mock = mock(MockOidcConfig {
        client_auth: ClientAuthMode::PrivateKeyJwt(key.public_jwk()),
        ..MockOidcConfig::default()
    })
    .await;
    let provider = Oidc::new(mock.issuer(), "oidc-client", "")
        .allow_http_loopback(true)
        .private_key_jwt(key)
        .build()
        .unwrap();
    assert_eq!(provider.config().client_auth, ClientAuth::PrivateKeyJwt);
    let app = oidc_app("oidc", provider.clone()).await;
    let body = assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    assert_eq!(body["user"]["id"], "248289761001", "{body}");
    let request = mock.last_token_request().unwrap();
    assert!(request.authorization.is_none());
    assert!(request.field("client_secret").is_none());
    assert!(request.field("client_assertion").is_some());
    // Each request carries a fresh assertion (the mock refuses a replayed jti).
    let refresh_token = Secret::new(body["credentials"]["refreshToken"].as_str().unwrap());
    provider
        .refresh(&http_client(), &refresh_token, &coauth_core::SystemClock)
        .await
        .unwrap();
}

#[tokio::test]
async fn private_key_jwt_with_an_unregistered_key_is_refused() {
    let registered = SigningKey::from_pem(Algorithm::ES256, CLIENT_KEY).unwrap();
    let mock = mock(MockOidcConfig {
        client_auth: ClientAuthMode::PrivateKeyJwt(registered.public_jwk()),
        ..MockOidcConfig::default()
    })
    .await;
    let other = SigningKey::from_pem(
        Algorithm::RS256,
        include_str!("../src/mock_oidc/keys/rsa_attacker.pem"),
    )
    .unwrap();
    let provider = Oidc::new(mock.issuer(), "oidc-client", "")
        .allow_http_loopback(true)
        .private_key_jwt(other)
        .build()
        .unwrap();
    let app = oidc_app("oidc", provider).await;
    let message = sign_in_refused(&app, "oidc", &mock).await;
    assert!(message.contains("invalid_client"), "{message}");
}

/// ID tokens are checked against the app's clock (`CoauthBuilder::clock`), not the system's:
/// tokens a provider issued a year ago (expired on the system's clock) pass with an app
/// clock set then, and the same tokens are refused as issued in the future by an app whose
/// clock is an hour earlier.
#[tokio::test]
async fn id_tokens_are_checked_against_the_app_s_clock() {
    const A_YEAR_AGO: u64 = 1_735_689_600; // 2025-01-01, before any run of this test.
    let mock = mock(MockOidcConfig {
        issued_at: Some(A_YEAR_AGO),
        ..MockOidcConfig::default()
    })
    .await;
    let clock = TestClock(std::sync::Arc::new(A_YEAR_AGO.into()));
    let coauth = app_builder("oidc", generic(&mock))
        .http_client(http_client())
        .clock(clock.clone())
        .build()
        .expect("a valid coauth configuration");
    let app = App::axum(coauth, Transport::InProcess).await;
    let body = assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    assert_eq!(body["user"]["id"], "248289761001");
    clock
        .0
        .store(A_YEAR_AGO - 3600, std::sync::atomic::Ordering::SeqCst);
    let response = app.sign_in("oidc", &mock, Decision::Approve).await;
    assert_provider_failure(&response, "ProviderError");
    let detail = app.reported_error();
    assert!(detail.contains("issued in the future"), "{detail}");
}
