//! What the preset tests add to the shared fixture (`coauth_tests::fixture`): one preset
//! pointed at a mock provider in that preset's quirk mode, in an app on axum driven in
//! process, and the two journeys every preset must pass: a full sign-in and a denial.

#![allow(dead_code)]

use std::time::Duration;

use bytes::Bytes;
use coauth_core::IntoProvider;
use coauth_tests::fixture::{
    App, Transport, app_builder, assert_error, assert_ok, assert_provider_failure,
    http_client_with_timeout,
};
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_provider::{MockConfig, MockProvider, MockUser, Mode, Preset};
use http::{Response, header};
use serde_json::{Value, json};

/// The user at every preset mock: a numeric id, as several providers use.
pub fn user() -> MockUser {
    MockUser {
        id: "583231".into(),
        ..MockUser::default()
    }
}

/// [`user`]'s name.
pub const ADA_NAME: &str = "Ada Lovelace";
/// [`user`]'s email address.
pub const ADA_EMAIL: &str = "ada@example.test";
/// [`user`]'s picture.
pub const ADA_AVATAR: &str = "https://avatars.example.test/ada.png";

/// A mock provider imitating `preset`, with [`user`] signed in.
pub async fn mock(preset: Preset) -> MockProvider {
    MockProvider::start(MockConfig {
        mode: Mode::Preset(preset),
        user: user(),
        ..MockConfig::default()
    })
    .await
}

/// The mock's client registration.
pub fn client() -> (String, String) {
    let config = MockConfig::default();
    (config.client_id, config.client_secret)
}

/// A mock imitating `preset`, and the provider `build` makes from the mock's client id,
/// client secret and base URL.
pub async fn preset_against<P>(
    preset: Preset,
    build: impl FnOnce(String, String, &str) -> P,
) -> (MockProvider, P) {
    let mock = mock(preset).await;
    let (id, secret) = client();
    let provider = build(id, secret, &mock.base_url());
    (mock, provider)
}

/// An app with `provider` under `name`, reached in process; a request may take 5 s.
pub async fn preset_app(name: &str, provider: impl IntoProvider) -> App {
    let coauth = app_builder(name, provider)
        .http_client(http_client_with_timeout(Duration::from_secs(5)))
        .build()
        .expect("a valid coauth configuration");
    App::axum(coauth, Transport::InProcess).await
}

/// Approves or denies at the mock and posts the redirect to `result`, asking for the
/// `email` field as coauth.js's `options.result` does.
pub async fn journey(
    mock: &MockProvider,
    app: &App,
    name: &str,
    decision: Decision,
) -> Response<Bytes> {
    let started = app.start(name).await;
    assert!(
        started.url.starts_with(&mock.authorize_url()),
        "{} does not start with {}",
        started.url,
        mock.authorize_url()
    );
    let params = mock.consent(&started.url, decision).await;
    app.finish_with(name, &started, params, json!({"fields": ["email"]}))
        .await
}

/// Signs in with `provider` against `mock`, whose user has no id: refused as `ProviderError`
/// ("no user id"), never keyed by another of the user's fields (one account would get two
/// ids).
pub async fn assert_refused_without_an_id(
    mock: &MockProvider,
    name: &str,
    provider: impl IntoProvider,
) {
    mock.set_user(MockUser {
        id: String::new(),
        ..user()
    });
    let app = preset_app(name, provider).await;
    let response = journey(mock, &app, name, Decision::Approve).await;
    assert_provider_failure(&response, "ProviderError");
    let detail = app.reported_error();
    assert!(detail.contains("no user id"), "{detail}");
}

/// Signs in through coauth with `provider` against `mock` and asserts the exact normalized
/// user; then denies at the mock and asserts `409 UserDenied` without a token call.
pub async fn assert_preset(mock: &MockProvider, provider: impl IntoProvider, expected_user: Value) {
    let app = preset_app("preset", provider).await;
    let body = assert_ok(&journey(mock, &app, "preset", Decision::Approve).await);
    assert_eq!(body["user"], expected_user);
    assert_eq!(body["providerType"], "preset");
    assert!(
        body.get("credentials").is_none(),
        "tokens must not reach the browser"
    );
    assert_eq!(mock.calls(Endpoint::Token), 1);
    assert!(mock.calls(Endpoint::Profile) >= 1);

    let calls_before = (mock.calls(Endpoint::Token), mock.calls(Endpoint::Profile));
    let response = journey(mock, &app, "preset", Decision::Deny).await;
    assert_error(&response, 409, "UserDenied");
    assert_eq!(
        (mock.calls(Endpoint::Token), mock.calls(Endpoint::Profile)),
        calls_before
    );
}

/// [`assert_preset`] for `preset`, built by `build` as in [`preset_against`]; returns the
/// mock, for the checks of the preset's quirks in the requests it recorded.
pub async fn check_preset<P: IntoProvider>(
    preset: Preset,
    build: impl FnOnce(String, String, &str) -> P,
    expected_user: Value,
) -> MockProvider {
    let (mock, provider) = preset_against(preset, build).await;
    assert_preset(&mock, provider, expected_user).await;
    mock
}

/// [`user`] as most presets normalize her: her id, name, email and picture, nothing else;
/// `overrides` replaces fields, in the protocol's names, where a preset differs.
///
/// # Panics
/// If `overrides` names a field the normalized user does not have.
pub fn ada(overrides: Value) -> Value {
    let mut user = json!({"id": "583231", "name": ADA_NAME, "email": ADA_EMAIL,
        "emailVerified": null, "avatarUrl": ADA_AVATAR, "profileUrl": null, "username": null});
    for (field, value) in overrides.as_object().expect("the overrides are an object") {
        let slot = user
            .get_mut(field)
            .unwrap_or_else(|| panic!("the normalized user has no field {field}"));
        *slot = value.clone();
    }
    user
}

/// The last authorization request's parameter `name`.
pub fn authorize_param(mock: &MockProvider, name: &str) -> Option<String> {
    mock.last_authorize_query()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The last token request's form field `name`.
pub fn token_field(mock: &MockProvider, name: &str) -> Option<String> {
    mock.last_token_request()?
        .form
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// Whether the last token request used HTTP Basic.
pub fn token_used_basic(mock: &MockProvider) -> bool {
    mock.last_token_request().is_some_and(|request| {
        request
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("Basic "))
    })
}
