//! Hostile input never panics, never gets a 5xx, and never reaches the provider: property
//! tests over the request parsers, the flow blob, the redirect parameters and the token
//! answer parser (SECURITY.md item 27).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo, parse_token_response};
use coauth_core::{
    AuthUrlRequest, Coauth, HttpError, RequestContext, ResourceCreator, ResultRequest, http,
    parse_json,
};
use http::{Request, Response, header};
use proptest::prelude::*;

const ORIGIN: &str = "https://app.example";

/// An app whose outbound client counts its calls in `calls` and answers none of them: every
/// input below must be refused before coauth talks to the provider.
fn coauth(calls: &Arc<AtomicUsize>) -> Coauth {
    let calls = Arc::clone(calls);
    let client = move |_: Request<Bytes>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err(HttpError::Connect("no provider in this test".into())) }
    };
    let provider = OAuth2Provider::new(
        OAuth2Config::new(
            "client",
            "secret",
            "https://provider.example/authorize",
            "https://provider.example/token",
        )
        .unwrap(),
        StandardUserinfo::new("https://provider.example/userinfo").unwrap(),
    );
    Coauth::builder()
        .secret("a property-test secret of more than 32 bytes")
        .provider("demo", provider)
        .redirect_uri("https://app.example/coauth/result_page")
        .http_client(client)
        .build()
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn context() -> RequestContext {
    let mut headers = http::HeaderMap::new();
    headers.insert(header::ORIGIN, ORIGIN.parse().unwrap());
    headers.insert(
        header::COOKIE,
        format!("__Host-coauth-binding={}", "b".repeat(43))
            .parse()
            .unwrap(),
    );
    RequestContext::from_headers(&headers)
}

/// Bytes that look like JSON often enough to get past the first character.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "[\\{\\}\\[\\]\":,a-zA-Z0-9 \\\\]{0,256}".prop_map(String::into_bytes),
        ("[a-zA-Z]{0,12}", "[a-zA-Z0-9:/._-]{0,40}", any::<bool>()).prop_map(
            |(provider, uri, silent)| {
                format!(
                    r#"{{"providerType":"{provider}","redirectUri":"{uri}","mode":"{}"}}"#,
                    if silent { "silent" } else { "popup" }
                )
                .into_bytes()
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn request_parsers_answer_validation_errors_only(body in jsonish()) {
        if let Err(error) = parse_json::<AuthUrlRequest>(&body) {
            prop_assert_eq!(error.code(), "ValidationError");
        }
        if let Err(error) = parse_json::<ResultRequest>(&body) {
            prop_assert_eq!(error.code(), "ValidationError");
        }
    }

    #[test]
    fn resources_never_answer_5xx_to_a_hostile_body(body in jsonish()) {
        let calls = Arc::default();
        let resources = ResourceCreator::new(coauth(&calls)).resources();
        let rt = runtime();
        for resource in resources {
            let request = Request::post(resource.path())
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, ORIGIN)
                .body(Bytes::from(body.clone()))
                .unwrap();
            let response = rt.block_on(resource.handle(request));
            prop_assert!(response.status().as_u16() < 500, "{} answered {}", resource.path(), response.status());
        }
        prop_assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn forged_flows_are_refused_before_any_provider_call(
        flow in prop_oneof!["[A-Za-z0-9_-]{0,600}", ".{0,64}"],
        params in proptest::collection::btree_map(
            prop_oneof![Just("code".to_owned()), Just("state".to_owned()), Just("error".to_owned()), "[a-z_]{1,12}"],
            ".{0,40}",
            0..6,
        ),
    ) {
        let calls = Arc::default();
        let coauth = coauth(&calls);
        let response = params
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let request = ResultRequest {
            provider_type: "demo".into(),
            flow,
            response,
            redirect_uri: "https://app.example/coauth/result_page".into(),
            result: Default::default(),
            wait: false,
        };
        let error = runtime().block_on(coauth.result(request, &context())).unwrap_err();
        prop_assert!(matches!(error.code(), "InputError" | "ValidationError"), "{}", error.code());
        prop_assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn token_answers_of_any_shape_never_panic(
        status in prop_oneof![Just(200u16), Just(400), Just(401), Just(500), Just(502), 100u16..600],
        content_type in prop_oneof![
            Just("application/json"), Just("application/x-www-form-urlencoded"), Just("text/html"), Just("")
        ],
        body in jsonish(),
    ) {
        let response = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, content_type)
            .body(Bytes::from(body))
            .unwrap();
        if let Err(error) = parse_token_response(&response) {
            prop_assert!(error.code().starts_with("Provider"), "{}", error.code());
        }
    }
}

/// Every byte of a valid flow changed: each tampered flow is refused with zero outbound
/// calls.
#[test]
fn real_flows_tampered_in_every_byte_are_refused_without_a_provider_call() {
    let calls = Arc::default();
    let coauth = coauth(&calls);
    let rt = runtime();
    let request: AuthUrlRequest = parse_json(
        br#"{"providerType":"demo","redirectUri":"https://app.example/coauth/result_page"}"#,
    )
    .unwrap();
    let started = rt.block_on(coauth.auth_url(request, &context())).unwrap();
    let state = url::Url::parse(&started.response.url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let flow = started.response.flow;
    let mut candidates = Vec::new();
    for index in 0..flow.len() {
        let mut bytes = flow.clone().into_bytes();
        bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
        candidates.push(String::from_utf8(bytes).unwrap());
    }
    for candidate in candidates {
        let mut response = serde_json::Map::new();
        response.insert("code".into(), "c".into());
        response.insert("state".into(), state.clone().into());
        let request = ResultRequest {
            provider_type: "demo".into(),
            flow: candidate,
            response,
            redirect_uri: "https://app.example/coauth/result_page".into(),
            result: Default::default(),
            wait: false,
        };
        let error = rt.block_on(coauth.result(request, &context())).unwrap_err();
        assert_eq!(error.code(), "InputError");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
