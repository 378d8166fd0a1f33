//! The mock OAuth 1.0a provider is a strict peer: hand-signed requests show that it refuses
//! a reused nonce, a stale timestamp, a tampered parameter and an unknown consumer, so the
//! sign-in tests that pass against it mean something.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use coauth_core::oauth1::Signer;
use coauth_tests::mock::{Endpoint, MockIdp};
use coauth_tests::mock_oauth1::{MockOAuth1, MockOAuth1Config};
use http::{Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use url::Url;

const CALLBACK: &str = "https://app.example/cb";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Sends a request-token POST signed by `signer` with the given nonce and timestamp; with
/// `tamper`, the callback is changed after signing.
async fn request_token(
    mock: &MockOAuth1,
    signer: Signer<'_>,
    nonce: &str,
    timestamp: u64,
    tamper: bool,
) -> (StatusCode, String) {
    let url = Url::parse(&format!("{}/oauth/request_token", mock.base_url())).unwrap();
    let mut authorization = signer.authorization(
        "POST",
        &url,
        &[],
        &[("oauth_callback", CALLBACK)],
        nonce,
        timestamp,
    );
    if tamper {
        authorization = authorization.replace("app.example", "evil.example");
    }
    let request = Request::post(url.as_str())
        .header(header::AUTHORIZATION, authorization)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let response = client.request(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_mock_checks_nonce_timestamp_signature_and_consumer() {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let signer = Signer {
        consumer_key: &config.consumer_key,
        consumer_secret: &config.consumer_secret,
        token: None,
    };
    let issued_at = now();
    let (status, body) = request_token(&mock, signer, "nonce-1", issued_at, false).await;
    assert_eq!(status, 200, "{body} {:?}", mock.last_rejection());
    assert!(body.contains("oauth_callback_confirmed=true"));

    let cases = [
        // The same nonce with the same timestamp is a replay.
        ("nonce-1", issued_at, false, "nonce"),
        ("nonce-2", now() - 3600, false, "oauth_timestamp"),
        ("nonce-3", now(), true, "invalid signature"),
    ];
    for (rejected, (nonce, timestamp, tamper, reason)) in (1..).zip(cases) {
        let (status, body) = request_token(&mock, signer, nonce, timestamp, tamper).await;
        assert_eq!(status, 401, "{reason}");
        assert!(body.contains("\"code\":32"), "{body}");
        assert_eq!(mock.rejected_calls(), rejected);
        let rejection = mock.last_rejection().unwrap();
        assert!(rejection.contains(reason), "{rejection}");
    }
    let stranger = Signer {
        consumer_key: "someone-else",
        ..signer
    };
    let (status, _) = request_token(&mock, stranger, "nonce-4", now(), false).await;
    assert_eq!(status, 401);
    assert!(mock.last_rejection().unwrap().contains("consumer"));
    assert_eq!(mock.calls(Endpoint::RequestToken), 5);
}
