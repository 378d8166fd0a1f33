//! The OAuth 2.0 engine's additions for this issue, against the mock OpenID provider (an
//! OAuth 2.0 server too): `ClientAuth::PrivateKeyJwt` and `OAuth2Provider::refresh`.

mod oidc_support;

use coauth_core::Secret;
use coauth_core::oauth2::{ClientAuth, OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::oidc::{Algorithm, SigningKey};
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, MockIdp};
use coauth_tests::mock_oidc::{ClientAuthMode, MockOidc, MockOidcConfig, Quirks};
use oidc_support::*;

const CLIENT_KEY: &str = include_str!("oidc_support/client_test_key.p8");

/// The mock in LinkedIn mode asks for neither PKCE nor a nonce, which the plain OAuth 2.0
/// engine does not send.
async fn mock(client_auth: ClientAuthMode) -> MockOidc {
    MockOidc::start(MockOidcConfig {
        quirks: Quirks::LinkedIn,
        client_auth,
        iss_parameter: false,
        ..MockOidcConfig::default()
    })
    .await
}

fn engine(mock: &MockOidc, secret: &str, key: Option<SigningKey>) -> OAuth2Provider {
    let mut config = OAuth2Config::new(
        "oidc-client",
        secret,
        &mock.authorize_url(),
        &mock.token_url(),
    )
    .unwrap();
    config.default_scopes = vec!["openid".into(), "profile".into()];
    config.pkce = false;
    if let Some(key) = key {
        config = config.with_private_key_jwt(key);
    }
    OAuth2Provider::new(config, StandardUserinfo::new(&mock.userinfo_url()).unwrap())
}

#[tokio::test]
async fn private_key_jwt_authenticates_the_code_exchange_and_the_refresh() {
    let key = SigningKey::from_pem(Algorithm::ES256, CLIENT_KEY)
        .unwrap()
        .with_kid("k-1");
    let mock = mock(ClientAuthMode::PrivateKeyJwt(key.public_jwk())).await;
    let provider = engine(&mock, "", Some(key));
    assert_eq!(provider.config().client_auth, ClientAuth::PrivateKeyJwt);
    let app = oidc_app("pkjwt", provider.clone()).await;
    let body = assert_ok(&app.sign_in("pkjwt", &mock, Decision::Approve).await);
    assert_eq!(body["user"]["id"], "248289761001");
    let request = mock.last_token_request().unwrap();
    assert!(request.authorization.is_none());
    assert!(request.field("client_secret").is_none());
    assert_eq!(
        request.field("client_assertion_type"),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    let refresh_token = Secret::new(body["credentials"]["refreshToken"].as_str().unwrap());
    let refreshed = provider
        .refresh(&http_client(), &refresh_token, &coauth_core::SystemClock)
        .await
        .unwrap();
    assert_ne!(
        refreshed.access_token.expose(),
        body["credentials"]["accessToken"].as_str().unwrap()
    );
    // LinkedIn-like, the mock does not rotate refresh tokens: the given one stays in use.
    assert_eq!(
        refreshed.refresh_token.unwrap().expose(),
        refresh_token.expose()
    );
    // Every assertion was fresh: the mock refuses a replayed jti.
    assert_ne!(
        mock.last_token_request().unwrap().field("client_assertion"),
        request.field("client_assertion")
    );
}

#[tokio::test]
async fn private_key_jwt_signed_by_another_key_is_refused() {
    let registered = SigningKey::from_pem(Algorithm::ES256, CLIENT_KEY).unwrap();
    let mock = mock(ClientAuthMode::PrivateKeyJwt(registered.public_jwk())).await;
    let other = SigningKey::from_pem(
        Algorithm::ES256,
        include_str!("oidc_support/other_test_key.p8"),
    )
    .unwrap();
    let app = oidc_app("pkjwt", engine(&mock, "", Some(other))).await;
    let message = sign_in_refused(&app, "pkjwt", &mock).await;
    assert!(message.contains("invalid_client"), "{message}");
}

#[tokio::test]
async fn refresh_with_a_client_secret_and_with_an_unknown_token() {
    let mock = mock(ClientAuthMode::Basic).await;
    let provider = engine(&mock, "oidc-secret", None);
    let app = oidc_app("oauth2", provider.clone()).await;
    let body = assert_ok(&app.sign_in("oauth2", &mock, Decision::Approve).await);
    let refresh_token = Secret::new(body["credentials"]["refreshToken"].as_str().unwrap());
    let http = http_client();
    let refreshed = provider
        .refresh(&http, &refresh_token, &coauth_core::SystemClock)
        .await
        .unwrap();
    assert!(refreshed.access_token.expose().len() > 10);
    let request = mock.last_token_request().unwrap();
    assert_eq!(request.field("grant_type"), Some("refresh_token"));
    assert!(request.authorization.unwrap().starts_with("Basic "));
    let error = provider
        .refresh(&http, &Secret::new("not-issued"), &coauth_core::SystemClock)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "ProviderError");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert!(
        !error.to_string().contains("not-issued"),
        "no token in messages"
    );
}
