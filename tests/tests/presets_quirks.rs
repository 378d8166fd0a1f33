//! The quirk modes refuse what their providers refuse, and coauth reports each refusal in
//! the provider's shape as a clear `ProviderError`: proof that the preset tests pass because
//! the presets speak the quirks, not because the mock accepts anything.

mod presets_support;

use coauth_core::oauth2::{ClientAuth, OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::presets::{Odnoklassniki, Reddit, Twitch, Vk, VkId, X};
use coauth_tests::fixture::assert_provider_failure;
use coauth_tests::mock::Decision;
use coauth_tests::mock_provider::{MockProvider, Preset};
use presets_support::*;

/// `config` with a profile fetcher that is never reached.
fn engine(mock: &MockProvider, config: OAuth2Config) -> OAuth2Provider {
    OAuth2Provider::new(config, StandardUserinfo::new(&mock.userinfo_url()).unwrap())
}

/// Signs in with `provider` at `mock` and asserts `500 ProviderError`; returns the error's
/// detailed message, as the app's log and error hook get it (the browser gets the fixed one).
async fn refused(mock: &MockProvider, provider: OAuth2Provider) -> String {
    let app = preset_app("quirk", provider).await;
    let response = journey(mock, &app, "quirk", Decision::Approve).await;
    assert_provider_failure(&response, "ProviderError");
    app.reported_error()
}

#[tokio::test]
async fn x_needs_the_client_id_in_the_body_too() {
    let (mock, x) = preset_against(Preset::X, |id, secret, base| {
        X::new(id, secret).with_hosts(base, base).build().unwrap()
    })
    .await;
    let mut config = x.config().clone();
    config.client_auth = coauth_core::oauth2::ClientAuth::Basic;
    let message = refused(&mock, engine(&mock, config)).await;
    assert!(message.contains("invalid_client"), "{message}");
}

#[tokio::test]
async fn reddit_takes_basic_only_and_answers_errors_with_200() {
    let (mock, reddit) = preset_against(Preset::Reddit, |id, secret, base| {
        Reddit::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    let mut config = reddit.config().clone();
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
    let (mock, vk_id) = preset_against(Preset::VkId, |id, _, base| {
        VkId::new(id).with_hosts(base, base).build().unwrap()
    })
    .await;
    let mut config = vk_id.config().clone();
    config.redirect_params_to_token = &["state"];
    let message = refused(&mock, engine(&mock, config)).await;
    assert!(message.contains("invalid_grant"), "{message}");
}

#[tokio::test]
async fn twitch_status_message_errors_are_reported() {
    let (mock, twitch) = preset_against(Preset::Twitch, |id, secret, base| {
        Twitch::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    let mut config = twitch.config().clone();
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
    let (mock, ok) = preset_against(Preset::Odnoklassniki, |id, secret, base| {
        Odnoklassniki::new(id, secret, "NOT-THE-KEY")
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    let message = refused(&mock, ok).await;
    assert!(message.contains("PARAM_API_KEY"), "{message}");
}

#[tokio::test]
async fn vk_api_errors_come_with_http_200() {
    let (mock, vk) = preset_against(Preset::Vk, |id, secret, base| {
        Vk::new(id, secret)
            .with_hosts(base, base)
            .with_api_version("")
            .build()
            .unwrap()
    })
    .await;
    let message = refused(&mock, vk).await;
    assert!(message.contains("v version is required"), "{message}");
}
