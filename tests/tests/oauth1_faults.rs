//! Provider failures in the OAuth 1.0a flow map to the error table: unreachable ->
//! ProviderConnectionError, 5xx -> ProviderTechnicalError, malformed -> ProviderError.

mod oauth1_support;

use coauth_core::presets::Twitter;
use coauth_tests::fixture::*;
use coauth_tests::mock_oauth1::{Endpoint, Fault};
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
        assert_eq!(mock.request_token_calls(), 1);
    }
}

#[tokio::test]
async fn access_token_and_profile_faults() {
    for (endpoint, fault, code) in [
        (
            Endpoint::AccessToken,
            Fault::ServerError,
            "ProviderTechnicalError",
        ),
        (Endpoint::AccessToken, Fault::Malformed, "ProviderError"),
        (
            Endpoint::VerifyCredentials,
            Fault::ServerError,
            "ProviderTechnicalError",
        ),
        (
            Endpoint::VerifyCredentials,
            Fault::Malformed,
            "ProviderError",
        ),
    ] {
        let (mock, app) = twitter_app().await;
        let started = app.start("twitter").await;
        let redirect = mock.decide(&started.url, true).await.unwrap();
        mock.set_fault(endpoint, fault);
        let response = app
            .finish("twitter", &started, redirect_params(&redirect))
            .await;
        assert_provider_failure(&response, code);
        let verifier = redirect_params(&redirect)["oauth_verifier"]
            .as_str()
            .unwrap()
            .to_owned();
        let detail = app.reported_error();
        assert!(!detail.contains(&verifier), "{detail}");
    }
}

#[tokio::test]
async fn an_unreachable_provider_is_a_connection_error() {
    let refused = coauth_tests::mock_provider::refused_url();
    let provider = Twitter::new("k", "s")
        .with_hosts(refused.clone(), refused)
        .try_build()
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
        .try_build()
        .unwrap();
    let app =
        serve(twitter_builder(provider).http_client(coauth_core::HyperClient::default())).await;
    assert_error(&app.auth_url("twitter").await, 500, "ProviderError");
    assert_eq!(mock.request_token_calls(), 0);
}
