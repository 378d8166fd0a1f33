//! The custom provider of `coauth-axum/examples/custom_provider.rs`, compiled here as it is
//! and driven through coauth's HTTP resources against the mock provider: what the example
//! shows works.

mod presets_support;

#[allow(dead_code)]
#[path = "../../coauth-axum/examples/custom_provider.rs"]
mod example;

use coauth_tests::mock_provider::{MockConfig, MockProvider, MockUser};
use presets_support::*;

#[tokio::test]
async fn the_example_provider_signs_in_and_maps_denials() {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let provider = example::custom_provider(&mock, &config);
    let user = MockUser::default();
    let expected = user_json(
        &user.id,
        Some(&user.name),
        user.email.as_deref(),
        Some(true),
        Some(&user.avatar_url),
        Some(&user.profile_url),
        Some(&user.login),
    );
    assert_preset(&mock, provider, expected).await;
    // The generic mock requires PKCE and the exact redirect URI: the example sent both.
    assert!(token_field(&mock, "code_verifier").is_some());
    assert_eq!(
        token_field(&mock, "redirect_uri").as_deref(),
        Some(REDIRECT_URI)
    );
}
