//! The OpenID Connect presets against the mock OpenID provider in each provider's quirk
//! mode: sign-in with the right normalized user, and the provider's denial shape.

mod oidc_support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coauth_core::oidc::{Algorithm, SigningKey};
use coauth_core::presets::{Apple, Google, LinkedIn, Microsoft, Slack};
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{ClientAuthMode, MockOidc, MockOidcConfig, Quirks};
use oidc_support::*;
use serde_json::json;

async fn mock_with(quirks: Quirks, iss_parameter: bool) -> MockOidc {
    MockOidc::start(MockOidcConfig {
        quirks,
        iss_parameter,
        client_auth: ClientAuthMode::Post,
        ..MockOidcConfig::default()
    })
    .await
}

/// The mock's user, as her claims say.
const GRACE_ID: &str = "248289761001";
const GRACE_NAME: &str = "Grace Hopper";
const GRACE_EMAIL: &str = "grace@example.test";
const GRACE_PICTURE: &str = "https://pictures.example.test/grace.png";

#[tokio::test]
async fn google_signs_in_with_the_legacy_issuer_and_denies() {
    let mock = mock_with(Quirks::Google, true).await;
    let google = Google::new("oidc-client", "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = oidc_app("google", google).await;
    let body = assert_ok(&app.sign_in("google", &mock, Decision::Approve).await);
    assert_fields(
        &body["user"],
        json!({"id": GRACE_ID, "name": GRACE_NAME, "email": GRACE_EMAIL,
            "emailVerified": true, "avatarUrl": GRACE_PICTURE}),
    );
    // The ID token's `iss` was the scheme-less legacy form, and no userinfo call was needed.
    assert_eq!(mock.calls(Endpoint::Profile), 0);
    let token = mock.last_token_request().unwrap();
    assert_eq!(token.field("client_secret"), Some("oidc-secret"));
    sign_in_denied(&app, "google", &mock).await;
}

#[tokio::test]
async fn google_hosted_domain_is_sent_and_enforced() {
    let mock = mock_with(Quirks::Google, true).await;
    let same = Google::new("oidc-client", "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .hosted_domain("example.test")
        .offline_access()
        .build()
        .unwrap();
    let app = oidc_app("google", same).await;
    let started = app.start("google").await;
    assert_fields(
        &query_json(&started.url),
        json!({"hd": "example.test", "access_type": "offline"}),
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish("google", &started, params).await);
    let other = Google::new("oidc-client", "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .hosted_domain("other.test")
        .build()
        .unwrap();
    let app = oidc_app("google", other).await;
    let message = sign_in_refused(&app, "google", &mock).await;
    assert!(message.contains("Workspace domain"), "{message}");
}

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

async fn microsoft_mock() -> MockOidc {
    mock_with(Quirks::Microsoft { tid: TENANT.into() }, false).await
}

/// An app with the Microsoft preset against `mock`, for `tenant` (`common` without one).
async fn microsoft_app(mock: &MockOidc, tenant: Option<&str>) -> App {
    let mut microsoft =
        Microsoft::new("oidc-client", "oidc-secret").with_hosts(mock.base_url(), mock.base_url());
    if let Some(tenant) = tenant {
        microsoft = microsoft.tenant(tenant);
    }
    oidc_app("microsoft", microsoft.build().unwrap()).await
}

#[tokio::test]
async fn microsoft_common_fills_the_issuer_template_from_tid() {
    let mock = microsoft_mock().await;
    let app = microsoft_app(&mock, None).await;
    let started = app.start("microsoft").await;
    assert!(started.url.starts_with(&format!(
        "{}/common/oauth2/v2.0/authorize?",
        mock.base_url()
    )));
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish("microsoft", &started, params).await);
    // Entra's email is not proof of ownership without xms_edov (nOAuth).
    assert_fields(
        &body["user"],
        json!({"id": GRACE_ID, "name": GRACE_NAME, "username": "grace",
            "email": GRACE_EMAIL, "emailVerified": false}),
    );
    assert_eq!(mock.calls(Endpoint::Jwks), 1);
}

#[tokio::test]
async fn microsoft_single_tenant_accepts_only_its_tenant() {
    let mock = microsoft_mock().await;
    let app = microsoft_app(&mock, Some(TENANT)).await;
    let started = app.start("microsoft").await;
    assert!(started.url.starts_with(&format!(
        "{}/{TENANT}/oauth2/v2.0/authorize?",
        mock.base_url()
    )));
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish("microsoft", &started, params).await);
    let app = microsoft_app(&mock, Some("00000000-0000-0000-0000-000000000001")).await;
    let message = sign_in_refused(&app, "microsoft", &mock).await;
    assert!(message.contains("another issuer"), "{message}");
    // Neither a keyword, a tenant id nor a domain name.
    assert!(Microsoft::new("c", "s").tenant("contoso").build().is_err());
}

#[tokio::test]
async fn microsoft_denial_with_error_subcode_is_user_denied() {
    let mock = microsoft_mock().await;
    let app = microsoft_app(&mock, None).await;
    sign_in_denied(&app, "microsoft", &mock).await;
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

const TEAM: &str = "TEAM123456";
const KEY_ID: &str = "APPLEKEY01";
const APPLE_P8: &str = include_str!("oidc_support/apple_test_key.p8");

async fn apple() -> (MockOidc, App) {
    let team_key = SigningKey::from_pem(Algorithm::ES256, APPLE_P8)
        .unwrap()
        .with_kid(KEY_ID)
        .public_jwk();
    let mock = mock_with(
        Quirks::Apple {
            team_key,
            team_id: TEAM.into(),
        },
        false,
    )
    .await;
    let apple = Apple::new("oidc-client", TEAM, KEY_ID, APPLE_P8)
        .unwrap()
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    (mock, oidc_app("apple", apple).await)
}

#[tokio::test]
async fn apple_form_post_minted_secret_and_first_consent_name() {
    let (mock, app) = apple().await;
    let started = app.start("apple").await;
    assert_fields(
        &query_json(&started.url),
        json!({"response_mode": "form_post", "scope": "openid name email"}),
    );
    // The mock answers with a form_post page; its fields are what the result page receives.
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert!(params.get("user").is_some(), "{params}");
    let body = assert_ok(&app.finish("apple", &started, params).await);
    // Apple's `email_verified` is the string "true".
    assert_fields(
        &body["user"],
        json!({"id": GRACE_ID, "name": GRACE_NAME, "email": GRACE_EMAIL,
            "emailVerified": true}),
    );
    // The client secret was an ES256 JWT from the team key (the mock verified it).
    let secret = mock
        .last_token_request()
        .unwrap()
        .field("client_secret")
        .unwrap()
        .to_owned();
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(secret.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (header["alg"].as_str(), header["kid"].as_str()),
        (Some("ES256"), Some(KEY_ID))
    );
    // Apple sends the name only once: the next sign-in has none.
    let body = assert_ok(&app.sign_in("apple", &mock, Decision::Approve).await);
    assert!(body["user"]["name"].is_null(), "{body}");
}

#[tokio::test]
async fn apple_cancel_is_user_denied_and_a_wrong_team_key_is_refused() {
    let (mock, app) = apple().await;
    sign_in_denied(&app, "apple", &mock).await;
    let other_key = include_str!("oidc_support/other_test_key.p8");
    let wrong = Apple::new("oidc-client", TEAM, KEY_ID, other_key)
        .unwrap()
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = oidc_app("apple", wrong).await;
    let message = sign_in_refused(&app, "apple", &mock).await;
    assert!(message.contains("invalid_client"), "{message}");
}

#[tokio::test]
async fn linkedin_signs_in_without_nonce_or_pkce_and_denies() {
    let mock = mock_with(Quirks::LinkedIn, false).await;
    let linkedin = LinkedIn::new("oidc-client", "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = oidc_app("linkedin", linkedin).await;
    let started = app.start("linkedin").await;
    assert_fields(
        &query_json(&started.url),
        json!({"nonce": null, "code_challenge": null}),
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish("linkedin", &started, params).await);
    assert_fields(
        &body["user"],
        json!({"id": GRACE_ID, "name": GRACE_NAME, "avatarUrl": GRACE_PICTURE}),
    );
    assert_eq!(mock.calls(Endpoint::Profile), 1);
    sign_in_denied(&app, "linkedin", &mock).await;
}

#[tokio::test]
async fn slack_signs_in_maps_its_claims_and_reads_http_200_errors() {
    let mock = mock_with(Quirks::Slack, false).await;
    let slack = Slack::new("oidc-client", "oidc-secret")
        .team("T0MOCK")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = oidc_app("slack", slack).await;
    let started = app.start("slack").await;
    assert_fields(&query_json(&started.url), json!({"team": "T0MOCK"}));
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish("slack", &started, params.clone()).await);
    assert_fields(&body["user"], json!({"id": GRACE_ID, "email": GRACE_EMAIL}));
    // The spent code: Slack answers HTTP 200 with ok:false.
    let replay = app.finish("slack", &started, params).await;
    assert_provider_failure(&replay, "ProviderError");
    let detail = app.reported_error();
    assert!(detail.contains("invalid_grant"), "{detail}");
    sign_in_denied(&app, "slack", &mock).await;
}

#[tokio::test]
async fn google_refresh_keeps_the_refresh_token_google_does_not_rotate() {
    let mock = mock_with(Quirks::Google, true).await;
    let google = Google::new("oidc-client", "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .offline_access()
        .build()
        .unwrap();
    let app = oidc_app("google", google.clone()).await;
    let body = json(&app.sign_in("google", &mock, Decision::Approve).await);
    let refresh_token =
        coauth_core::Secret::new(body["credentials"]["refreshToken"].as_str().unwrap());
    let refreshed = google
        .refresh(&http_client(), &refresh_token, &coauth_core::SystemClock)
        .await
        .unwrap();
    assert_eq!(
        refreshed.refresh_token.unwrap().expose(),
        refresh_token.expose()
    );
    // The refreshed ID token (legacy issuer, no nonce) was validated too.
    assert!(refreshed.id_token.is_some());
}
