//! The quirk modes refuse what their providers refuse, and coauth reports each refusal in
//! the provider's shape as a clear `ProviderError`: proof that the preset tests pass because
//! the presets speak the quirks, not because the mock accepts anything.

mod presets_support;

use coauth_core::oauth2::{ClientAuth, OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::presets::{Odnoklassniki, Reddit, Twitch, Vk, VkId, X};
use coauth_tests::mock_provider::{MockProvider, Preset};
use presets_support::*;

/// `config` with a profile fetcher that is never reached.
fn engine(mock: &MockProvider, config: OAuth2Config) -> OAuth2Provider {
    OAuth2Provider::new(config, StandardUserinfo::new(&mock.userinfo_url()).unwrap())
}

async fn refused(mock: &MockProvider, provider: OAuth2Provider) -> String {
    let router = app("quirk", provider);
    let response = journey(mock, &router, "quirk", true).await;
    assert_eq!(response.status(), 500, "{:?}", response.body());
    let body = json_body(&response);
    assert_eq!(body["code"], "ProviderError", "{body}");
    body["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn x_needs_the_client_id_in_the_body_too() {
    let mock = mock(Preset::X).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let mut config = X::new(id, secret)
        .with_hosts(&base, &base)
        .build()
        .config()
        .clone();
    config.client_id_in_body = false;
    let message = refused(&mock, engine(&mock, config)).await;
    assert!(message.contains("invalid_client"), "{message}");
}

#[tokio::test]
async fn reddit_takes_basic_only_and_answers_errors_with_200() {
    let mock = mock(Preset::Reddit).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let mut config = Reddit::new(id, secret)
        .with_hosts(&base, &base)
        .build()
        .config()
        .clone();
    config.client_auth = ClientAuth::Post;
    let message = refused(&mock, engine(&mock, config)).await;
    assert!(message.contains("invalid_client"), "{message}");
    assert_eq!(
        mock.last_token_request()
            .unwrap()
            .form
            .iter()
            .filter(|(k, _)| k == "client_secret")
            .count(),
        1
    );
}

#[tokio::test]
async fn vk_id_needs_the_device_id_of_the_redirect() {
    let mock = mock(Preset::VkId).await;
    let (id, _) = client();
    let base = mock.base_url();
    let mut config = VkId::new(id)
        .with_hosts(&base, &base)
        .build()
        .config()
        .clone();
    config.redirect_params_to_token = &["state"];
    let message = refused(&mock, engine(&mock, config)).await;
    assert!(message.contains("invalid_grant"), "{message}");
}

#[tokio::test]
async fn twitch_status_message_errors_are_reported() {
    let mock = mock(Preset::Twitch).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let mut config = Twitch::new(id, secret)
        .with_hosts(&base, &base)
        .build()
        .config()
        .clone();
    config.client_secret = "wrong".into();
    let message = refused(&mock, engine(&mock, config)).await;
    // {"status": 401, "message": "unknown client or wrong secret"}
    assert!(
        message.ends_with("HTTP 401 (unknown client or wrong secret)"),
        "{message}"
    );
}

#[tokio::test]
async fn odnoklassniki_api_errors_come_with_http_200() {
    let mock = mock(Preset::Odnoklassniki).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let ok = Odnoklassniki::new(id, secret, "NOT-THE-KEY")
        .with_hosts(&base, &base)
        .build();
    let message = refused(&mock, ok).await;
    assert!(message.contains("PARAM_API_KEY"), "{message}");
}

#[tokio::test]
async fn vk_api_errors_come_with_http_200() {
    let mock = mock(Preset::Vk).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let vk = Vk::new(id, secret)
        .with_hosts(&base, &base)
        .with_api_version("")
        .build();
    let message = refused(&mock, vk).await;
    assert!(message.contains("v version is required"), "{message}");
}
