//! What a sign-in costs coauth's server side, against baselines measured in the same run.
//!
//! - `auth_url`: validation, random state/verifier/nonce, the provider's URL and sealing the
//!   flow; baseline: serializing and parsing a JSON document of the same size (what any JSON
//!   endpoint pays).
//! - `result refusal`: opening and checking a forged flow, the path every attack takes;
//!   baseline: the same JSON round trip.
//! - `result, genuine flow, wrong state`: opening a real flow and refusing its `state`
//!   before any provider call.
//! - with the `fuzzing` feature, sealing and opening alone (the AEAD, the JSON and base64
//!   of a typical flow).
//! - `session`: what a handler pays to know its signed-in user (`session_from_headers`: the
//!   Cookie header, the AEAD, the JSON), a renewal (that and a sealing), and a tampered
//!   cookie's refusal; baseline: parsing the session's JSON alone.
//!
//! Run with `cargo bench -p coauth-core --all-features --bench flow`; read the ratios, not
//! the absolute times (the machine's other work moves both sides alike).

use std::hint::black_box;

use bytes::Bytes;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::{
    AuthResult, AuthUrlRequest, Clock, Coauth, Credentials, HttpError, RequestContext,
    ResourceCreator, ResultRequest, Secret, Sessions, SystemClock, User, http, parse_json,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn coauth() -> Coauth {
    let provider = OAuth2Provider::new(
        OAuth2Config::new(
            "client-id",
            "client-secret",
            "https://provider.example/authorize",
            "https://provider.example/token",
        )
        .unwrap(),
        StandardUserinfo::new("https://provider.example/userinfo").unwrap(),
    );
    Coauth::builder()
        .secret("a benchmark secret, thirty-two bytes or more")
        .provider("demo", provider)
        .redirect_uri("https://app.example/coauth/result_page")
        .sessions(Sessions::new())
        .http_client(|_: http::Request<Bytes>| async {
            Err(HttpError::Connect(
                "benchmarks make no outbound calls".into(),
            ))
        })
        .build()
        .unwrap()
}

fn context() -> RequestContext {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::ORIGIN, "https://app.example".parse().unwrap());
    headers.insert(
        http::header::COOKIE,
        format!("__Host-coauth-binding={}", "b".repeat(43))
            .parse()
            .unwrap(),
    );
    RequestContext::from_headers(&headers)
}

const AUTH_URL_BODY: &[u8] =
    br#"{"providerType":"demo","redirectUri":"https://app.example/coauth/result_page"}"#;

fn flow(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let coauth = coauth();
    let ctx = context();
    let started = runtime
        .block_on(coauth.auth_url(parse_json(AUTH_URL_BODY).unwrap(), &ctx))
        .unwrap();
    // A JSON document the size of an auth_url answer: the baseline's work.
    let answer = serde_json::to_value(&started.response).unwrap();
    let mut forged = started.response.flow.clone().into_bytes();
    let middle = forged.len() / 2;
    forged[middle] = if forged[middle] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();

    let mut group = c.benchmark_group("flow");
    group.bench_function("baseline: JSON round trip of the answer", |b| {
        b.iter(|| {
            let text = serde_json::to_string(black_box(&answer)).unwrap();
            black_box(serde_json::from_str::<serde_json::Value>(&text).unwrap())
        })
    });
    // The same two through the HTTP resource (`Resource::handle`), against a handler that
    // parses the same request and answers JSON of the same size: what a load run compares.
    let creator = ResourceCreator::new(coauth.clone());
    let resource = creator.create_auth_url_resource();
    let request = || {
        http::Request::post("/auth_url")
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::ORIGIN, "https://app.example")
            .header(
                http::header::COOKIE,
                format!("__Host-coauth-binding={}", "b".repeat(43)),
            )
            .body(Bytes::from_static(AUTH_URL_BODY))
            .unwrap()
    };
    let answered = runtime.block_on(resource.handle(request()));
    assert_eq!(answered.status(), 200);
    let (url_len, flow_len) = (started.response.url.len(), started.response.flow.len());
    group.bench_function("baseline: a JSON handler of the same request", |b| {
        b.iter(|| {
            let request = request();
            let parsed: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
            assert!(parsed.get("providerType").is_some());
            let answer =
                serde_json::json!({"url": "u".repeat(url_len), "flow": "f".repeat(flow_len)});
            black_box(
                http::Response::builder()
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(Bytes::from(serde_json::to_vec(&answer).unwrap()))
                    .unwrap(),
            )
        })
    });
    group.bench_function("auth_url resource: request in, response out", |b| {
        b.iter(|| black_box(runtime.block_on(resource.handle(request()))))
    });
    group.bench_function("auth_url: parse, start, seal", |b| {
        b.iter(|| {
            let request: AuthUrlRequest = parse_json(black_box(AUTH_URL_BODY)).unwrap();
            black_box(runtime.block_on(coauth.auth_url(request, &ctx)).unwrap())
        })
    });
    group.bench_function("result: refuse a forged flow", |b| {
        b.iter(|| {
            let request = ResultRequest {
                provider_type: "demo".into(),
                flow: forged.clone(),
                response: serde_json::Map::new(),
                redirect_uri: "https://app.example/coauth/result_page".into(),
                result: Default::default(),
                wait: false,
            };
            black_box(runtime.block_on(coauth.result(request, &ctx)).unwrap_err())
        })
    });
    let genuine = started.response.flow.clone();
    let wrong_state = || {
        let mut response = serde_json::Map::new();
        response.insert("state".into(), "not the flow's state".into());
        response.insert("code".into(), "a code".into());
        ResultRequest {
            provider_type: "demo".into(),
            flow: genuine.clone(),
            response,
            redirect_uri: "https://app.example/coauth/result_page".into(),
            result: Default::default(),
            wait: false,
        }
    };
    // The flow opens, and only its state is refused.
    let refusal = runtime
        .block_on(coauth.result(wrong_state(), &ctx))
        .unwrap_err();
    assert!(refusal.to_string().contains("state mismatch"), "{refusal}");
    group.bench_function("result: open a genuine flow, refuse its state", |b| {
        b.iter(|| {
            black_box(
                runtime
                    .block_on(coauth.result(wrong_state(), &ctx))
                    .unwrap_err(),
            )
        })
    });
    #[cfg(feature = "fuzzing")]
    {
        let sealing = coauth_core::fuzzing::Sealing::default();
        let blob = sealing.seal();
        assert!(sealing.open(&blob));
        group.bench_function("sealing a flow", |b| b.iter(|| black_box(sealing.seal())));
        group.bench_function("opening a flow", |b| {
            b.iter(|| black_box(sealing.open(black_box(&blob))))
        });
    }
    group.finish();
}

/// The `Cookie` header of a session sealed now for a user with a name, an email and an
/// avatar, after another cookie of the app's.
fn session_cookie(coauth: &Coauth) -> http::HeaderMap {
    let result = AuthResult {
        provider_type: "demo".into(),
        identity: serde_json::Value::Null,
        linking_user: None,
        user: User {
            id: "1815".into(),
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.org".into()),
            email_verified: Some(true),
            avatar_url: Some("https://img.example/u/1815.png".into()),
            ..User::default()
        },
        fields: serde_json::Map::new(),
        credentials: Credentials {
            access_token: Secret::new("token"),
            token_type: "bearer".into(),
            expires_in: None,
            refresh_token: None,
            scope: None,
            id_token: None,
            token_secret: None,
            extra: Default::default(),
        },
        profile: serde_json::Value::Null,
    };
    let set_cookie = coauth
        .session_cookie(
            &result,
            serde_json::json!({"account": 42}),
            "https://app.example",
        )
        .unwrap();
    let pair = set_cookie.to_str().unwrap().split(';').next().unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::COOKIE,
        format!("theme=dark; {pair}").parse().unwrap(),
    );
    headers
}

/// The system clock, 13 hours on: past half the default idle timeout of a session made now.
struct ThirteenHoursLater;

impl Clock for ThirteenHoursLater {
    fn now_unix(&self) -> u64 {
        SystemClock.now_unix() + 13 * 3600
    }
}

fn session(c: &mut Criterion) {
    let coauth = coauth();
    let headers = session_cookie(&coauth);
    let session = coauth.session_from_headers(&headers).unwrap();
    assert!(session.renewal().is_none());
    let json = session.to_json().to_string();
    let mut tampered = headers.clone();
    let text = headers[http::header::COOKIE].to_str().unwrap().to_owned();
    let flipped = if text.ends_with('A') { 'B' } else { 'A' };
    tampered.insert(
        http::header::COOKIE,
        format!("{}{flipped}", &text[..text.len() - 1])
            .parse()
            .unwrap(),
    );
    assert!(coauth.session_from_headers(&tampered).is_none());
    // The same session read by an app whose clock is past half the idle timeout.
    let later = Coauth::builder()
        .secret("a benchmark secret, thirty-two bytes or more")
        .provider(
            "demo",
            OAuth2Provider::new(
                OAuth2Config::new(
                    "client-id",
                    "client-secret",
                    "https://provider.example/authorize",
                    "https://provider.example/token",
                )
                .unwrap(),
                StandardUserinfo::new("https://provider.example/userinfo").unwrap(),
            ),
        )
        .redirect_uri("https://app.example/coauth/result_page")
        .sessions(Sessions::new())
        .clock(ThirteenHoursLater)
        .build()
        .unwrap();
    assert!(
        later
            .session_from_headers(&headers)
            .unwrap()
            .renewal()
            .is_some()
    );

    let mut group = c.benchmark_group("session");
    group.bench_function("baseline: parse the session's JSON", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(black_box(&json)).unwrap()))
    });
    group.bench_function("read the signed-in user", |b| {
        b.iter(|| black_box(coauth.session_from_headers(black_box(&headers)).unwrap()))
    });
    group.bench_function("read and renew", |b| {
        b.iter(|| black_box(later.session_from_headers(black_box(&headers)).unwrap()))
    });
    group.bench_function("refuse a tampered cookie", |b| {
        b.iter(|| black_box(coauth.session_from_headers(black_box(&tampered))))
    });
    group.finish();
}

criterion_group!(benches, flow, session);
criterion_main!(benches);
