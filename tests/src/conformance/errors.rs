//! The provider side of the error table: failures of the token endpoint map to fixed codes,
//! statuses and messages, and the answers leak neither the code nor the client secret.

use std::time::{Duration, Instant};

use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, Endpoint, Fault, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider, hanging_url, refused_url};

/// An app whose token endpoint fails with `fault` (or is `token_url`), with
/// a flow started and approved at the provider: finishing it meets the failure.
async fn provider_failure(
    adapter: &Adapter,
    fault: Option<Fault>,
    token_url: Option<String>,
) -> (MockProvider, App, Started, serde_json::Value) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let mut provider_config = OAuth2Config::new(
        config.client_id.clone(),
        config.client_secret.clone(),
        &mock.authorize_url(),
        &token_url.unwrap_or_else(|| mock.token_url()),
    )
    .unwrap();
    provider_config.default_scopes = vec!["openid".into()];
    let provider = OAuth2Provider::new(
        provider_config,
        StandardUserinfo::new(&mock.userinfo_url()).unwrap(),
    );
    let coauth = app_builder("demo", provider).build().unwrap();
    let app = adapter.app(coauth).await;
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    if let Some(fault) = fault {
        mock.set_fault(Endpoint::Token, fault);
    }
    (mock, app, started, redirect.json())
}

pub(super) async fn provider_failures_map_to_the_error_table(adapter: Adapter) {
    let cases = [
        (Some(Fault::ServerError), None, "ProviderTechnicalError"),
        (Some(Fault::ErrorWith200), None, "ProviderTechnicalError"),
        (Some(Fault::Malformed), None, "ProviderError"),
        (
            Some(Fault::Oversize(2 * 1024 * 1024)),
            None,
            "ProviderError",
        ),
        (
            None,
            Some(refused_url() + "/token"),
            "ProviderConnectionError",
        ),
        // A connection reset before any answer: unreachable, like a refused connection.
        (Some(Fault::Reset), None, "ProviderConnectionError"),
    ];
    for (fault, token_url, code) in cases {
        let case = format!("{fault:?} {token_url:?}");
        let (_mock, app, started, params) =
            provider_failure(&adapter, fault.clone(), token_url).await;
        let response = app.finish("demo", &started, params.clone()).await;
        let detail = app.reported_error();
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap_or_default();
        assert_eq!(body["code"], code, "{case}: reported {detail}");
        // The browser gets the code's fixed message; the detail goes to the log and the
        // error hook (SECURITY.md item 40).
        assert_provider_failure(&response, code);
        assert_ne!(detail, provider_message(code), "{fault:?}");
        let text = String::from_utf8_lossy(response.body());
        assert!(
            !text.contains(params["code"].as_str().unwrap()),
            "{fault:?}: code leaked"
        );
        assert!(!text.contains("mock-secret"), "{fault:?}: secret leaked");
    }
}

pub(super) async fn hanging_provider_is_a_connection_error_within_the_timeout(adapter: Adapter) {
    for token_url in [hanging_url().await + "/token", String::new()] {
        let (fault, url) = if token_url.is_empty() {
            (Some(Fault::Slow(Duration::from_secs(30))), None)
        } else {
            (None, Some(token_url))
        };
        let (_mock, app, started, params) = provider_failure(&adapter, fault, url).await;
        let begun = Instant::now();
        let response = app.finish("demo", &started, params).await;
        assert_provider_failure(&response, "ProviderConnectionError");
        // The client's whole-request limit is 1.5 s; far below the provider's 30 s stall.
        assert!(
            begun.elapsed() < Duration::from_secs(10),
            "took {:?}",
            begun.elapsed()
        );
    }
}
