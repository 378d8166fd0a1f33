//! What the OpenID Connect tests add to the shared fixture (`coauth_tests::fixture`): apps
//! with one OpenID provider, on axum driven in process, that hand the credentials to the
//! browser (the tests read the ID and refresh tokens there).

#![allow(dead_code)]

use std::time::Duration;

use coauth_core::{HyperClient, IntoProvider};
use coauth_tests::fixture::{
    App, Transport, app_builder, assert_error, assert_provider_failure, http_client_with_timeout,
};
use coauth_tests::mock::Decision;
use coauth_tests::mock_oidc::MockOidc;

/// The outbound client of the OpenID Connect tests: loopback allowed, 2 s a request.
pub fn http_client() -> HyperClient {
    http_client_with_timeout(Duration::from_secs(2))
}

/// A coauth app with one provider, `name`, that exposes the credentials.
pub async fn oidc_app(name: &str, provider: impl IntoProvider) -> App {
    let coauth = app_builder(name, provider)
        .http_client(http_client())
        .expose_credentials(true)
        .build()
        .expect("a valid coauth configuration");
    App::axum(coauth, Transport::InProcess).await
}

/// Signs in with `provider`, the user approving at `mock`, and asserts that the provider's
/// answer is refused (`500 ProviderError`, with the fixed message the browser gets); returns
/// the error's detailed message, as the app's log and error hook get it.
pub async fn sign_in_refused(app: &App, provider: &str, mock: &MockOidc) -> String {
    assert_provider_failure(
        &app.sign_in(provider, mock, Decision::Approve).await,
        "ProviderError",
    );
    app.reported_error()
}

/// Signs in with `provider`, the user denying at `mock`, and asserts `409 UserDenied`.
pub async fn sign_in_denied(app: &App, provider: &str, mock: &MockOidc) {
    assert_error(
        &app.sign_in(provider, mock, Decision::Deny).await,
        409,
        "UserDenied",
    );
}
