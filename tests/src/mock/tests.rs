//! The [`MockIdp`] contract, checked the same way on the three mocks: each endpoint a mock
//! serves is counted and takes a fault, alone; the others are never counted and refuse one.

use std::panic::{AssertUnwindSafe, catch_unwind};

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::*;
use crate::mock_oauth1::MockOAuth1;
use crate::mock_oidc::MockOidc;
use crate::mock_provider::MockProvider;

/// The body of a [`Fault::ErrorWith200`] answer.
const ERROR_WITH_200: &str = r#"{"error":"server_error","error_description":"Temporary failure"}"#;

/// Sends a bodiless request as a client would call `endpoint` (a POST to the token
/// endpoints, a GET elsewhere); returns the status and the body.
async fn call(endpoint: Endpoint, url: &str) -> (StatusCode, String) {
    let method = match endpoint {
        Endpoint::RequestToken | Endpoint::Token => Method::POST,
        _ => Method::GET,
    };
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let request = Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::default())
        .expect("a valid request");
    let response = client.request(request).await.expect("the mock answers");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a readable body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Whether `set_fault(endpoint, ..)` panics.
fn refuses_a_fault<M: MockIdp>(mock: &M, endpoint: Endpoint) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        mock.set_fault(endpoint, Fault::ServerError);
    }))
    .is_err()
}

/// Checks the contract on `mock`, which serves exactly `served` (besides the authorization
/// page).
async fn check<M: MockIdp>(mock: M, served: &[Endpoint]) {
    let mut expected_calls = 0;
    for endpoint in Endpoint::BACK_CHANNEL {
        let Some(url) = mock.endpoint_url(endpoint) else {
            assert!(!served.contains(&endpoint), "{endpoint:?} has no URL");
            assert!(refuses_a_fault(&mock, endpoint), "{endpoint:?}");
            assert_eq!(mock.calls(endpoint), 0, "{endpoint:?}");
            continue;
        };
        assert!(served.contains(&endpoint), "{endpoint:?} has a URL");

        mock.set_fault(endpoint, Fault::ErrorWith200);
        assert_eq!(
            call(endpoint, &url).await,
            (StatusCode::OK, ERROR_WITH_200.to_owned()),
            "{endpoint:?}"
        );
        // The fault stays on its endpoint.
        for other in served.iter().filter(|other| **other != endpoint) {
            let url = mock.endpoint_url(*other).expect("a served endpoint");
            assert_ne!(call(*other, &url).await.1, ERROR_WITH_200, "{other:?}");
            expected_calls += 1;
        }
        mock.set_fault(endpoint, Fault::ServerError);
        assert!(
            call(endpoint, &url).await.0.is_server_error(),
            "{endpoint:?}"
        );
        mock.set_fault(endpoint, Fault::None);
        assert_ne!(call(endpoint, &url).await.1, ERROR_WITH_200, "{endpoint:?}");
        expected_calls += 3;
    }
    assert_eq!(mock.back_channel_calls(), expected_calls);

    // The authorization page is counted, and takes no fault.
    let authorize = mock
        .endpoint_url(Endpoint::Authorize)
        .expect("every mock has an authorization page");
    assert_eq!(mock.calls(Endpoint::Authorize), 0);
    call(Endpoint::Authorize, &authorize).await;
    assert_eq!(mock.calls(Endpoint::Authorize), 1);
    assert!(refuses_a_fault(&mock, Endpoint::Authorize));
    assert!(mock.connections() > 0);
    assert!(authorize.starts_with(&mock.base_url()));
}

#[tokio::test]
async fn the_oauth2_mock_keeps_the_contract() {
    let mock = MockProvider::start(Default::default()).await;
    check(mock, &[Endpoint::Token, Endpoint::Profile]).await;
}

#[tokio::test]
async fn the_openid_mock_keeps_the_contract() {
    let mock = MockOidc::start(Default::default()).await;
    let served = [
        Endpoint::Discovery,
        Endpoint::Token,
        Endpoint::Jwks,
        Endpoint::Profile,
    ];
    check(mock, &served).await;
}

#[tokio::test]
async fn the_oauth1_mock_keeps_the_contract() {
    let mock = MockOAuth1::start(Default::default()).await;
    let served = [Endpoint::RequestToken, Endpoint::Token, Endpoint::Profile];
    check(mock, &served).await;
}

#[test]
fn a_callback_reads_its_redirect() {
    let url = url::Url::parse("https://app.example/r?code=c%2B1&state=s&code=again").unwrap();
    let callback = Callback::redirect(url);
    assert_eq!(callback.param("code"), Some("c+1"));
    assert_eq!(callback.param("nope"), None);
    assert_eq!(
        callback.json(),
        serde_json::json!({"code": "again", "state": "s"})
    );
}
