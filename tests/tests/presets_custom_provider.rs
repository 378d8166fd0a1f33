//! The custom provider of `tests/examples/custom_provider.rs`, compiled here as it is
//! and driven through coauth's HTTP resources against the mock provider: what the example
//! shows works.

mod presets_support;

#[allow(dead_code)]
#[path = "../examples/custom_provider.rs"]
mod example;

use coauth_tests::fixture::REDIRECT_URI;
use coauth_tests::mock::MockIdp;
use coauth_tests::mock_provider::{MockConfig, MockProvider, MockUser};
use presets_support::*;

#[tokio::test]
async fn the_example_provider_signs_in_and_maps_denials() {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let provider = example::custom_provider(&mock, &config);
    let user = MockUser::default();
    let expected = serde_json::json!({"id": user.id, "name": user.name, "email": user.email,
        "emailVerified": true, "avatarUrl": user.avatar_url, "profileUrl": user.profile_url,
        "username": user.login});
    assert_preset(&mock, provider, expected).await;
    // The generic mock requires PKCE and the exact redirect URI: the example sent both.
    assert!(token_field(&mock, "code_verifier").is_some());
    assert_eq!(
        token_field(&mock, "redirect_uri").as_deref(),
        Some(REDIRECT_URI)
    );
}
