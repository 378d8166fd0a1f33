//! What the OAuth 1.0a tests add to the shared fixture (`coauth_tests::fixture`): apps whose
//! provider `twitter` signs in against an OAuth 1.0a provider (the mock, or Python's
//! oauthlib), served on axum over a real loopback socket.

#![allow(dead_code)]

use std::time::Duration;

use coauth_core::presets::Twitter;
use coauth_core::{CoauthBuilder, IntoProvider};
use coauth_tests::fixture::{App, Transport, app_builder, http_client_with_timeout};
use coauth_tests::mock::MockIdp;
use coauth_tests::mock_oauth1::{MockOAuth1, MockOAuth1Config};

/// The Twitter preset pointed at the mock, with the mock's consumer credentials.
pub fn twitter_for(mock: &MockOAuth1, config: &MockOAuth1Config) -> Twitter {
    Twitter::new(config.consumer_key.clone(), config.consumer_secret.clone())
        .with_hosts(mock.base_url(), mock.base_url())
}

/// An app whose provider `twitter` is `provider`, with a 3 s request timeout.
pub fn twitter_builder(provider: impl IntoProvider) -> CoauthBuilder {
    app_builder("twitter", provider).http_client(http_client_with_timeout(Duration::from_secs(3)))
}

/// Builds the app and serves it over a real socket.
pub async fn serve(builder: CoauthBuilder) -> App {
    let coauth = builder.build().expect("a valid coauth configuration");
    App::axum(coauth, Transport::Socket).await
}

/// A mock with the default configuration and an app signing in against it.
pub async fn twitter_app() -> (MockOAuth1, App) {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let provider = twitter_for(&mock, &config).build().unwrap();
    let app = serve(twitter_builder(provider)).await;
    (mock, app)
}
