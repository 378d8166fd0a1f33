//! Injected faults and the unreachable-peer URLs.

use super::*;
use crate::mock::{Endpoint, Fault, MockIdp};

/// Sets `fault` on both back-channel endpoints of the mock.
fn fault_both(mock: &MockProvider, fault: Fault) {
    for endpoint in [Endpoint::Token, Endpoint::Profile] {
        mock.set_fault(endpoint, fault.clone());
    }
}

#[tokio::test]
async fn faults_apply_to_token_and_profile_endpoints() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    let token = json_body(&redeem_code(&mock, &code, Some(&pkce.verifier)).await);
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let userinfo = mock.userinfo_url();
    let profile = async || get(&userinfo, &[("authorization", &bearer)]).await;
    let token_call = || redeem_code(&mock, "whatever", Some(&pkce.verifier));

    fault_both(&mock, Fault::ServerError);
    for answer in [token_call().await, profile().await] {
        assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
        assert_eq!(content_type(&answer), "text/plain");
        assert_eq!(&answer.body[..], b"Bad Gateway");
    }

    fault_both(&mock, Fault::Malformed);
    for answer in [token_call().await, profile().await] {
        assert_eq!(answer.status, StatusCode::OK);
        assert!(content_type(&answer).starts_with("application/json"));
        assert_eq!(&answer.body[..], br#"{"access_token": "#);
        assert!(serde_json::from_slice::<Value>(&answer.body).is_err());
    }

    for size in [0, 1, 2, 3, 100_000, 3 * 1024 * 1024 + 7] {
        fault_both(&mock, Fault::Oversize(size));
        for answer in [token_call().await, profile().await] {
            assert_eq!(answer.status, StatusCode::OK);
            assert!(content_type(&answer).starts_with("application/json"));
            assert!(!answer.headers.contains_key(CONTENT_LENGTH));
            assert_eq!(answer.body.len(), size);
            if size >= 2 {
                let s: String = serde_json::from_slice(&answer.body).unwrap();
                assert!(s.bytes().all(|b| b == b'a'));
            }
        }
    }

    fault_both(&mock, Fault::ErrorWith200);
    for answer in [token_call().await, profile().await] {
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(
            json_body(&answer),
            json!({"error": "server_error", "error_description": "Temporary failure"})
        );
    }

    fault_both(&mock, Fault::Slow(Duration::from_millis(300)));
    let started = Instant::now();
    let answer = profile().await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, StatusCode::OK);
    let started = Instant::now();
    let answer = token_call().await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_token_error(&answer, StatusCode::BAD_REQUEST, "invalid_grant");

    fault_both(&mock, Fault::None);
    assert_eq!(profile().await.status, StatusCode::OK);
    // Every call was counted, faulted or not.
    assert_eq!(mock.calls(Endpoint::Token), 1 + 2 + 6 + 1 + 1);
    assert_eq!(mock.calls(Endpoint::Profile), 1 + 1 + 6 + 1 + 1 + 1);
    assert_eq!(
        mock.last_token_request()
            .unwrap()
            .form
            .iter()
            .find(|(n, _)| n == "code")
            .map(|(_, v)| v.as_str()),
        Some("whatever")
    );
}

#[tokio::test]
async fn a_fault_hits_only_its_endpoint() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let pkce = pkce();
    let code = approved_code(&mock, Some(&pkce)).await;
    mock.set_fault(Endpoint::Profile, Fault::ServerError);
    let token = redeem_code(&mock, &code, Some(&pkce.verifier)).await;
    assert_eq!(token.status, StatusCode::OK, "{:?}", token.body);
    let bearer = format!(
        "Bearer {}",
        json_body(&token)["access_token"].as_str().unwrap()
    );
    let profile = get(&mock.userinfo_url(), &[("authorization", &bearer)]).await;
    assert_eq!(profile.status, StatusCode::BAD_GATEWAY);

    mock.set_fault(Endpoint::Profile, Fault::None);
    mock.set_fault(Endpoint::Token, Fault::Malformed);
    let profile = get(&mock.userinfo_url(), &[("authorization", &bearer)]).await;
    assert_eq!(profile.status, StatusCode::OK);
    let token = redeem_code(&mock, "whatever", Some(&pkce.verifier)).await;
    assert_eq!(&token.body[..], br#"{"access_token": "#);
    assert_eq!(
        (mock.calls(Endpoint::Token), mock.calls(Endpoint::Profile)),
        (2, 2)
    );
}

#[tokio::test]
async fn refused_url_refuses() {
    let url = refused_url();
    let request = Request::get(format!("{url}/token"))
        .body(Full::<Bytes>::default())
        .unwrap();
    let result = tokio::time::timeout(Duration::from_secs(5), http_client().request(request))
        .await
        .expect("a refusal is immediate");
    let error = result.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test]
async fn hanging_url_hangs() {
    let url = hanging_url().await;
    assert!(url.starts_with("http://127.0.0.1:"));
    // The TCP connection is accepted...
    let addr = url.trim_start_matches("http://");
    let _socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    // ...but no HTTP answer ever comes.
    let request = Request::get(format!("{url}/token"))
        .body(Full::<Bytes>::default())
        .unwrap();
    let result =
        tokio::time::timeout(Duration::from_millis(300), http_client().request(request)).await;
    assert!(result.is_err(), "expected a timeout");
}

#[tokio::test]
async fn reset_drops_the_connection_without_an_answer() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let token_url = mock.token_url();
    // One pooled client: a healthy answer keeps its connection for the next request.
    let client = http_client();
    assert!(post_empty(&client, &token_url).await.is_ok());
    assert!(post_empty(&client, &token_url).await.is_ok());
    assert_eq!(mock.connections(), 1);

    fault_both(&mock, Fault::Reset);
    for url in [&token_url, &mock.userinfo_url()] {
        let answer =
            tokio::time::timeout(Duration::from_secs(5), post_empty(&http_client(), url)).await;
        let error = answer
            .expect("the reset is immediate")
            .expect_err("no answer");
        // A connection accepted under the fault is reset (RST), not closed (FIN).
        assert!(error.contains("reset by peer"), "{error}");
    }
    assert_eq!(mock.calls(Endpoint::Token), 3);
    assert_eq!(mock.connections(), 3);

    fault_both(&mock, Fault::None);
    assert!(post_empty(&http_client(), &token_url).await.is_ok());
    assert_eq!(mock.connections(), 4);
}

/// A bodiless form POST (GET for `/userinfo`): its answer's status, or its error with every
/// cause.
async fn post_empty(
    client: &hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
    url: &str,
) -> Result<StatusCode, String> {
    let method = if url.ends_with("/userinfo") {
        Method::GET
    } else {
        Method::POST
    };
    let request = Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::<Bytes>::default())
        .unwrap();
    client
        .request(request)
        .await
        .map(|answer| answer.status())
        .map_err(|error| {
            let mut chain = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                chain = format!("{chain}: {cause}");
                source = cause.source();
            }
            chain
        })
}
