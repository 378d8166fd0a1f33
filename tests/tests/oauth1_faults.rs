//! Provider failures in the OAuth 1.0a flow map to the error table: unreachable ->
//! ProviderConnectionError, 5xx -> ProviderTechnicalError, malformed -> ProviderError.

mod oauth1_support;

use coauth_core::presets::Twitter;
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, Fault, MockIdp};
use oauth1_support::*;

#[tokio::test]
async fn request_token_faults() {
    for (fault, code) in [
        (Fault::ServerError, "ProviderTechnicalError"),
        (Fault::Malformed, "ProviderError"),
    ] {
        let (mock, app) = twitter_app().await;
        mock.set_fault(Endpoint::RequestToken, fault);
        let response = app.auth_url("twitter").await;
        assert_error(&response, 500, code);
        assert_eq!(mock.calls(Endpoint::RequestToken), 1);
    }
}

#[tokio::test]
async fn access_token_and_profile_faults() {
    for (endpoint, fault, code) in [
        (
            Endpoint::Token,
            Fault::ServerError,
            "ProviderTechnicalError",
        ),
        (Endpoint::Token, Fault::Malformed, "ProviderError"),
        (
            Endpoint::Profile,
            Fault::ServerError,
            "ProviderTechnicalError",
        ),
        (Endpoint::Profile, Fault::Malformed, "ProviderError"),
    ] {
        let (mock, app) = twitter_app().await;
        let started = app.start("twitter").await;
        let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
        mock.set_fault(endpoint, fault);
        let response = app.finish("twitter", &started, redirect.json()).await;
        assert_provider_failure(&response, code);
        let verifier = redirect.param("oauth_verifier").unwrap();
        let detail = app.reported_error();
        assert!(!detail.contains(verifier), "{detail}");
    }
}

#[tokio::test]
async fn an_unreachable_provider_is_a_connection_error() {
    let refused = coauth_tests::mock_provider::refused_url();
    let provider = Twitter::new("k", "s")
        .with_hosts(refused.clone(), refused)
        .build()
        .unwrap();
    let app = serve(twitter_builder(provider)).await;
    assert_error(
        &app.auth_url("twitter").await,
        500,
        "ProviderConnectionError",
    );
}

#[tokio::test]
async fn the_default_outbound_policy_refuses_plain_http_loopback() {
    let (mock, _) = twitter_app().await;
    let provider = Twitter::new("k", "s")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app =
        serve(twitter_builder(provider).http_client(coauth_core::HyperClient::default())).await;
    assert_error(&app.auth_url("twitter").await, 500, "ProviderError");
    assert_eq!(mock.calls(Endpoint::RequestToken), 0);
}
