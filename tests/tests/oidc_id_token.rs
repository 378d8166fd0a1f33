//! ID token validation through the whole sign-in: one test per rule, each with the mock
//! OpenID provider issuing exactly that bad token; key rotation; the rate-limited refetch
//! for unknown `kid`s; `jku`/`x5u`/`jwk` never followed.

mod oidc_support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use coauth_core::oidc::OidcProvider;
use coauth_core::presets::Oidc;
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{Forge, MockOidc, MockOidcConfig};
use oidc_support::*;

fn provider(mock: &MockOidc, refetch: Duration) -> OidcProvider {
    let mut oidc = Oidc::new(mock.issuer(), "oidc-client", "oidc-secret").allow_http_loopback(true);
    oidc.config_mut().jwks_refetch_interval = refetch;
    oidc.build().unwrap()
}

/// Signs in with the mock issuing `forge`; returns the error's detailed message, as the
/// app's log and error hook get it (the browser gets the fixed `ProviderError` message).
async fn refused(forge: Forge) -> (MockOidc, String) {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", provider(&mock, Duration::from_secs(30))).await;
    mock.set_forge(forge);
    let response = app.sign_in("oidc", &mock, Decision::Approve).await;
    assert_provider_failure(&response, "ProviderError");
    let message = app.reported_error();
    assert!(
        message.starts_with("the provider's ID token is invalid"),
        "{forge:?}: {message}"
    );
    // Nothing about the user reached the client.
    assert!(json(&response).get("user").is_none());
    (mock, message)
}

#[tokio::test]
async fn a_good_token_passes_the_same_fixture() {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", provider(&mock, Duration::from_secs(30))).await;
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
}

#[tokio::test]
async fn bad_signature() {
    let (_, message) = refused(Forge::BadSignature).await;
    assert!(message.contains("signature"), "{message}");
}

#[tokio::test]
async fn alg_none() {
    let (mock, message) = refused(Forge::AlgNone).await;
    assert!(message.contains("\"none\" is not allowed"), "{message}");
    assert_eq!(mock.calls(Endpoint::Jwks), 0);
}

#[tokio::test]
async fn hs256_keyed_with_the_public_key() {
    let (mock, message) = refused(Forge::Hs256WithPublicKey).await;
    assert!(message.contains("\"HS256\" is not allowed"), "{message}");
    assert_eq!(mock.calls(Endpoint::Jwks), 0);
}

#[tokio::test]
async fn wrong_issuer() {
    let (_, message) = refused(Forge::WrongIssuer).await;
    assert!(message.contains("another issuer"), "{message}");
}

#[tokio::test]
async fn wrong_audience() {
    let (_, message) = refused(Forge::WrongAudience).await;
    assert!(message.contains("another client"), "{message}");
}

#[tokio::test]
async fn several_audiences_without_azp() {
    let (_, message) = refused(Forge::SeveralAudiencesNoAzp).await;
    assert!(
        message.contains("audience this client does not trust"),
        "{message}"
    );
}

#[tokio::test]
async fn several_trusted_audiences_need_azp_of_this_client() {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let mut oidc = Oidc::new(mock.issuer(), "oidc-client", "oidc-secret").allow_http_loopback(true);
    oidc.config_mut().additional_audiences = vec!["another-client".into()];
    let app = oidc_app("oidc", oidc.build().unwrap()).await;
    mock.set_forge(Forge::SeveralAudiencesNoAzp);
    let message = sign_in_refused(&app, "oidc", &mock).await;
    assert!(message.contains("no azp"), "{message}");
    mock.set_forge(Forge::SeveralAudiencesWrongAzp);
    let message = sign_in_refused(&app, "oidc", &mock).await;
    assert!(message.contains("azp"), "{message}");
}

#[tokio::test]
async fn missing_exp() {
    let (_, message) = refused(Forge::MissingExp).await;
    assert!(message.contains("no exp"), "{message}");
}

#[tokio::test]
async fn string_exp() {
    let (_, message) = refused(Forge::StringExp).await;
    assert!(message.contains("exp must be a number"), "{message}");
}

#[tokio::test]
async fn missing_iat() {
    let (_, message) = refused(Forge::MissingIat).await;
    assert!(message.contains("no iat"), "{message}");
}

#[tokio::test]
async fn string_iat() {
    let (_, message) = refused(Forge::StringIat).await;
    assert!(message.contains("iat must be a number"), "{message}");
}

#[tokio::test]
async fn string_nbf() {
    let (_, message) = refused(Forge::StringNbf).await;
    assert!(message.contains("nbf must be a number"), "{message}");
}

#[tokio::test]
async fn future_nbf() {
    let (_, message) = refused(Forge::FutureNbf).await;
    assert!(message.contains("not valid yet"), "{message}");
}

#[tokio::test]
async fn expired() {
    let (_, message) = refused(Forge::Expired).await;
    assert!(message.contains("expired"), "{message}");
}

#[tokio::test]
async fn wrong_nonce() {
    let (_, message) = refused(Forge::WrongNonce).await;
    assert!(message.contains("nonce is not the one"), "{message}");
}

#[tokio::test]
async fn missing_nonce() {
    let (_, message) = refused(Forge::MissingNonce).await;
    assert!(message.contains("no nonce"), "{message}");
}

#[tokio::test]
async fn jku_x5u_and_embedded_jwk_are_never_followed() {
    for forge in [Forge::Jku, Forge::X5u, Forge::EmbeddedJwk] {
        let (mock, message) = refused(forge).await;
        assert!(
            message.contains("JWKS does not have"),
            "{forge:?}: {message}"
        );
        assert_eq!(mock.attacker_key_calls(), 0, "{forge:?}");
    }
}

#[tokio::test]
async fn key_rotation_is_picked_up_by_refetching_the_jwks() {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", provider(&mock, Duration::from_millis(200))).await;
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    assert_eq!(mock.calls(Endpoint::Jwks), 1);
    let old_kid = mock.current_kid();
    mock.rotate_keys();
    assert_ne!(mock.current_kid(), old_kid);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    assert_eq!(
        mock.calls(Endpoint::Jwks),
        2,
        "the unknown kid caused exactly one refetch"
    );
}

#[tokio::test]
async fn a_rotation_inside_the_refetch_interval_waits_for_it() {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let app = oidc_app("oidc", provider(&mock, Duration::from_secs(3600))).await;
    assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    mock.rotate_keys();
    sign_in_refused(&app, "oidc", &mock).await;
    assert_eq!(
        mock.calls(Endpoint::Jwks),
        1,
        "no refetch inside the interval"
    );
}

fn claims(mock: &MockOidc) -> serde_json::Value {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    serde_json::json!({
        "iss": mock.issuer(), "sub": "u", "aud": "oidc-client",
        "iat": now, "exp": now + 600, "nonce": "n",
    })
}

#[tokio::test]
async fn a_thousand_random_kids_cause_at_most_one_refetch_per_interval() {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let interval = Duration::from_millis(400);
    let provider = provider(&mock, interval);
    let http = http_client();
    let good = mock.sign(&claims(&mock));
    provider
        .verify_id_token(&http, &good, Some("n"), &coauth_core::SystemClock)
        .await
        .unwrap();
    assert_eq!(mock.calls(Endpoint::Jwks), 1);
    // Every token is validly signed by the provider's key, under a kid its JWKS lacks.
    let tokens: Vec<String> = (0..1000)
        .map(|i| mock.sign_with_kid(&claims(&mock), &format!("random-{i}")))
        .collect();
    let started = std::time::Instant::now();
    for (i, token) in tokens.iter().enumerate() {
        if i == 500 {
            // A new interval: one more refetch is allowed, and only one.
            tokio::time::sleep(interval).await;
        }
        let error = provider
            .verify_id_token(&http, token, Some("n"), &coauth_core::SystemClock)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }
    let elapsed = started.elapsed();
    let intervals = (elapsed.as_millis() / interval.as_millis()) as usize + 1;
    let refetches = mock.calls(Endpoint::Jwks) - 1;
    assert!(
        refetches <= intervals,
        "{refetches} refetches in {elapsed:?}"
    );
    assert!(
        (1..=3).contains(&refetches),
        "{refetches} refetches in {elapsed:?}"
    );
    // The valid kid still verifies from the cache.
    provider
        .verify_id_token(&http, &good, Some("n"), &coauth_core::SystemClock)
        .await
        .unwrap();
}
