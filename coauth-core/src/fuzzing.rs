//! Entry points for the fuzz targets and their corpus replay; not a stable API.
//!
//! The fuzz targets of `fuzz/fuzz_targets/` each call one function of [`TARGETS`], and
//! `tests/tests/fuzz_corpus.rs` replays every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` through the same function on the stable toolchain. An entry
//! point takes the raw bytes of one input, runs them through coauth as the server would, and
//! panics when an invariant breaks: a refusal with the wrong error code, a 5xx answer for a
//! client's mistake, an ID token accepted without its key, and so on. Returning normally
//! means the input was handled correctly (accepted or refused).
//!
//! Nothing here touches the network: the provider side is a stub [`HttpClient`] that answers
//! fixed (or fuzzed) bodies at once and counts its calls, and the async steps are polled to
//! completion on the calling thread. The sign-ins are sealed with [`SECRET`] at [`NOW`], so
//! the corpus recorded from real sign-ins against the test mocks (`tests/tests/fuzz_corpus.rs`
//! with `COAUTH_FUZZ_SEED=1`) opens here.
//!
//! Inputs with several parts put each leading part on a line of its own (`\n`), the last part
//! being the rest of the input; each entry point documents its format.

use std::collections::BTreeMap;
use std::future::{Future, Ready, ready};
use std::sync::{Arc, LazyLock, Mutex};
use std::task::{Context, Poll, Waker};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use serde_json::{Map, Value};

use crate::crypto::sha256_b64;
use crate::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo, parse_token_response};
use crate::oidc::{Algorithm, OidcConfig, OidcProvider, ProviderMetadata, SigningKey};
use crate::presets::Twitter;
use crate::protocol::{AuthOptions, AuthUrlRequest, Mode, ResultOptions, ResultRequest};
use crate::provider::{FinishContext, Provider, StartContext};
use crate::seal::{FlowSealer, FlowState, MAX_BLOB_LEN};
use crate::{
    BINDING_COOKIE_LOOPBACK, BINDING_COOKIE_SECURE, Clock, Coauth, HttpClient, HttpError,
    RequestContext, ResourceCreator, parse_json,
};

/// The app secret every flow of the fuzz app is sealed with (the tests' secret,
/// `tests/src/fixture/mod.rs`, so that recorded flows open here).
pub const SECRET: &str = "test secret: thirty-two bytes or more, for sealing";
/// A retired secret the fuzz app still opens flows of (key rotation).
pub const PREVIOUS_SECRET: &str = "the previous fuzz secret, thirty-two bytes or more";
/// The fuzz app's clock: every flow is sealed and opened at this Unix time.
pub const NOW: u64 = 1_767_225_600;
/// The app's origin.
pub const ORIGIN: &str = "https://app.example";
/// The app's one redirect URI.
pub const REDIRECT_URI: &str = "https://app.example/coauth/result_page";
/// The binding cookie value the fuzz requests carry (43 base64url characters).
pub const BINDING: &str = "fuzz-binding-cookie-0123456789-abcdefghijkl";
/// The issuer of the fuzz app's OpenID provider (`oidc`), and of the recorded discovery
/// documents and redirect parameters once normalized.
pub const OIDC_ISSUER: &str = "https://op.fuzz.example";
/// The client id of the OpenID providers (the mock's default).
pub const OIDC_CLIENT_ID: &str = "oidc-client";
/// The JWKS URL of the OpenID providers built here.
pub const JWKS_URI: &str = "https://op.fuzz.example/jwks";
/// The names of the fuzz app's providers: OAuth 2.0, OpenID Connect and OAuth 1.0a.
pub const PROVIDERS: [&str; 3] = ["demo", "oidc", "twitter"];

/// The `Cookie` header value that carries [`BINDING`] for [`ORIGIN`] (https).
pub fn binding_cookie() -> String {
    format!("{BINDING_COOKIE_SECURE}={BINDING}")
}

/// One fuzz target: its name (the directory of its corpus) and its entry point.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The name of the target, of `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`.
    pub name: &'static str,
    /// The entry point: panics when an invariant breaks.
    pub run: fn(&[u8]),
}

/// Every fuzz target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "flow_open",
        run: flow_open,
    },
    Target {
        name: "auth_url_request",
        run: auth_url_request,
    },
    Target {
        name: "result_request",
        run: result_request,
    },
    Target {
        name: "result_page",
        run: result_page,
    },
    Target {
        name: "binding_cookie",
        run: binding_cookie_header,
    },
    Target {
        name: "token_response",
        run: token_response,
    },
    Target {
        name: "id_token",
        run: id_token,
    },
    Target {
        name: "jwks",
        run: jwks,
    },
    Target {
        name: "discovery",
        run: discovery,
    },
    Target {
        name: "oauth1_answer",
        run: oauth1_answer,
    },
    Target {
        name: "session_cookie",
        run: session_cookie,
    },
];

/// The latest clock reading an input may ask for: far beyond any real clock, far below the
/// overflow of `now + leeway`.
const MAX_NOW: u64 = 1 << 40;

// ---------------------------------------------------------------------------------------
// Session cookies.

/// Session cookies: `<now>\n`, then up to 16 lines, each one `Cookie` header.
///
/// The fuzz app's sessions (default [`crate::Sessions`], sealed with [`SECRET`], opening
/// those of [`PREVIOUS_SECRET`] too, for [`ORIGIN`] and a loopback origin) read the headers
/// at `now`. A session that opens is live then (before its absolute and idle ends, signed in
/// no later than `now` plus the leeway) and came in a cookie of the headers; its renewal,
/// when it has one, opens at `now` to the same session, renewed. Each line is also taken as
/// a user's id: the session started for it at `now` opens to that id, or starting refuses
/// an id too long for a session with `ProviderError`.
pub fn session_cookie(data: &[u8]) {
    let Some(([now], rest)) = fields::<1>(data) else {
        return;
    };
    let Some(now) = now.parse::<u64>().ok().filter(|now| *now <= MAX_NOW) else {
        return;
    };
    let origins = [ORIGIN.to_owned(), "http://127.0.0.1:8080".to_owned()];
    let keeper = crate::session::SessionKeeper::new(
        crate::Sessions::new(),
        SECRET.as_bytes(),
        &[PREVIOUS_SECRET.as_bytes().to_vec()],
        &origins,
    )
    .expect("the default sessions build");
    let mut headers = HeaderMap::new();
    let lines: Vec<&[u8]> = rest.split(|&b| b == b'\n').take(16).collect();
    for line in &lines {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(header::COOKIE, value);
        }
    }
    if let Some(session) = keeper.read(&headers, now) {
        assert!(now < session.expires_at, "an expired session opened");
        assert!(now < session.idle_expires_at, "an idle session opened");
        assert!(
            session.signed_in_at <= now + 60,
            "a session from the future opened"
        );
        if let Some(renewal) = session.renewal() {
            let pair = renewal
                .to_str()
                .expect("ASCII")
                .split(';')
                .next()
                .expect("a pair");
            let mut renewed = HeaderMap::new();
            renewed.insert(
                header::COOKIE,
                HeaderValue::from_str(pair).expect("a cookie"),
            );
            let again = keeper.read(&renewed, now).expect("a renewal opens");
            assert_eq!(again.user, session.user, "a renewal changed the user");
            assert_eq!(again.signed_in_at, session.signed_in_at);
            assert!(again.renewal().is_none(), "a renewal is due at once");
        }
    }
    for line in lines {
        let user = crate::User {
            id: String::from_utf8_lossy(line).into_owned(),
            name: Some("Fuzz".into()),
            ..crate::User::default()
        };
        match keeper.start("demo", &user, Value::Null, ORIGIN, now) {
            Ok(cookie) => {
                let pair = cookie
                    .to_str()
                    .expect("ASCII")
                    .split(';')
                    .next()
                    .expect("a pair");
                let mut sent = HeaderMap::new();
                sent.insert(
                    header::COOKIE,
                    HeaderValue::from_str(pair).expect("a cookie"),
                );
                let session = keeper.read(&sent, now).expect("a new session opens");
                assert_eq!(session.user.id, user.id, "a session opened to another user");
                assert_eq!(session.provider_type, "demo");
            }
            Err(error) => {
                assert_eq!(error.code(), "ProviderError", "{error}");
                assert!(
                    serde_json::to_string(&user.id).map_or(0, |id| id.len()) > 256,
                    "a short id was refused: {error}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The sealed flow.

/// Opens a sealed flow: `<now>\n<provider>\n<blob>`.
///
/// A blob is refused with `InputError` unless it opens for that provider at that time; one
/// that opens names the provider and is within its lifetime. A "blob" starting with `{` is
/// a `FlowState` (coauth-core/src/seal.rs) in JSON instead: it is sealed, and must open again to the same state
/// exactly when it is within its lifetime, and never for another provider.
pub fn flow_open(data: &[u8]) {
    let Some(([now, provider], blob)) = fields::<2>(data) else {
        return;
    };
    let Some(now) = now.parse::<u64>().ok().filter(|now| *now <= MAX_NOW) else {
        return;
    };
    let Ok(blob) = std::str::from_utf8(blob) else {
        return;
    };
    let sealer = FlowSealer::new(SECRET.as_bytes(), &[PREVIOUS_SECRET.as_bytes().to_vec()]);
    if blob.starts_with('{') {
        if let Ok(state) = serde_json::from_str::<FlowState>(blob) {
            round_trip(&sealer, &state, now);
        }
        return;
    }
    match sealer.open(blob, provider, now) {
        Ok(opened) => {
            assert!(blob.len() <= MAX_BLOB_LEN, "an oversized blob opened");
            assert_eq!(
                opened.state.provider, provider,
                "a flow opened for another provider"
            );
            assert!(now < opened.state.exp, "an expired flow opened");
            assert!(
                opened.state.iat <= now + 60,
                "a flow from the future opened"
            );
        }
        Err(error) => assert_eq!(error.code(), "InputError", "flow refusal: {error}"),
    }
}

fn round_trip(sealer: &FlowSealer, state: &FlowState, now: u64) {
    let blob = match sealer.seal(state) {
        Ok(blob) => blob,
        Err(error) => {
            // Only a flow too long for `open` is refused, as the server's fault.
            assert_eq!(error.code(), "ProviderError", "sealing refused: {error}");
            let plaintext = serde_json::to_vec(state).map_or(0, |json| json.len());
            assert!(
                (1 + 4 + 24 + plaintext + 16) * 4 / 3 >= MAX_BLOB_LEN,
                "a flow that fits was not sealed: {error}"
            );
            return;
        }
    };
    let fits = blob.len() <= MAX_BLOB_LEN;
    let live = now < state.exp && state.iat <= now + 60;
    match sealer.open(&blob, &state.provider, now) {
        Ok(opened) => {
            assert!(fits && live, "a flow opened outside its lifetime or size");
            assert!(
                same_state(&opened.state, state),
                "a flow opened to another state"
            );
        }
        Err(error) => {
            assert_eq!(error.code(), "InputError", "flow refusal: {error}");
            assert!(!(fits && live), "a live flow did not open: {error}");
        }
    }
    let other = format!("{}x", state.provider);
    let error = sealer
        .open(&blob, &other, now)
        .expect_err("a flow opened for another provider");
    assert_eq!(error.code(), "InputError");
}

fn same_state(a: &FlowState, b: &FlowState) -> bool {
    a.provider == b.provider
        && a.redirect_uri == b.redirect_uri
        && a.origin == b.origin
        && a.silent == b.silent
        && a.state == b.state
        && a.verifier == b.verifier
        && a.nonce == b.nonce
        && a.binding == b.binding
        && a.linking_user == b.linking_user
        && a.iat == b.iat
        && a.exp == b.exp
        && same_json(&a.identity, &b.identity)
        && same_json(&a.provider_data, &b.provider_data)
}

/// JSON equality, numbers compared as the `f64` they denote (serde_json's default float
/// parsing may differ by one unit in the last place after a round trip).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || match (x.as_f64(), y.as_f64()) {
                    (Some(x), Some(y)) => (x - y).abs() <= f64::EPSILON * x.abs().max(y.abs()),
                    _ => false,
                }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(name, x)| y.get(name).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

/// The content of a flow sealed by the fuzz app (with [`SECRET`], at [`NOW`]) as JSON, for
/// the corpus generator's round-trip seeds; `None` when it does not open.
pub fn flow_plaintext(blob: &str, provider: &str) -> Option<String> {
    let sealer = FlowSealer::new(SECRET.as_bytes(), &[]);
    let opened = sealer.open(blob, provider, NOW).ok()?;
    serde_json::to_string(&opened.state).ok()
}

// ---------------------------------------------------------------------------------------
// The resources, in process, in front of stub providers.

/// `POST /auth_url` with `data` as the JSON body, from the app's origin with the binding
/// cookie, through [`crate::Resource::handle`].
///
/// Every refusal is a 4xx with the code its status calls for (a body that does not parse
/// is a `400 ValidationError`); a 5xx only after the provider was called. An answer `200`
/// carries the provider's URL and a flow that opens for the named provider with the
/// request's redirect URI, mode and identity, the page's origin and the cookie's binding.
pub fn auth_url_request(data: &[u8]) {
    let parsed = parse_json::<AuthUrlRequest>(data);
    if let Err(error) = &parsed {
        assert_eq!(error.code(), "ValidationError", "parse_json: {error}");
    }
    let app = FuzzApp::new();
    let response = app.post("/auth_url", data.to_vec(), &[binding_cookie()]);
    let body = check_answer("auth_url", &response, app.stub.calls());
    let Ok(request) = parsed else {
        assert_refused(&response, 400, "ValidationError");
        return;
    };
    if response.status() != StatusCode::OK {
        return;
    }
    if let Some(cookie) = set_binding(&response) {
        assert_eq!(cookie, BINDING, "auth_url replaced a valid binding cookie");
    }
    let flow = body["flow"].as_str().expect("auth_url answers a flow");
    let url = body["url"].as_str().expect("auth_url answers a URL");
    let opened = app
        .sealer()
        .open(flow, &request.provider_type, NOW)
        .expect("the flow auth_url sealed opens");
    let state = &opened.state;
    assert_eq!(state.provider, request.provider_type);
    assert_eq!(state.origin, ORIGIN);
    assert_eq!(state.redirect_uri, request.redirect_uri);
    assert_eq!(state.redirect_uri, REDIRECT_URI);
    assert_eq!(state.binding, sha256_b64(BINDING.as_bytes()));
    assert_eq!(state.silent, request.mode == Mode::Silent);
    assert!(same_json(&state.identity, &request.identity));
    let url = url::Url::parse(url).expect("the provider URL is a URL");
    let query: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    if request.provider_type == "twitter" {
        assert_eq!(
            query.get("oauth_token").map(String::as_str),
            Some(REQUEST_TOKEN)
        );
    } else {
        assert_eq!(
            query.get("state"),
            Some(&state.state),
            "the URL carries the state"
        );
    }
}

/// `POST /result` with `data` as the JSON body, from the app's origin with the binding
/// cookie, through [`crate::Resource::handle`]; the providers' back channel answers fixed
/// good bodies.
///
/// Every refusal is a 4xx with the code its status calls for (a body that does not parse
/// is a `400 ValidationError`), a 5xx only after the provider was called, and a `200` only
/// for a flow that opens for the named provider, with the provider's user.
pub fn result_request(data: &[u8]) {
    let parsed = parse_json::<ResultRequest>(data);
    if let Err(error) = &parsed {
        assert_eq!(error.code(), "ValidationError", "parse_json: {error}");
    }
    let error_redirect = parsed.as_ref().is_ok_and(|request| {
        request.response.contains_key("error") || request.response.contains_key("error_code")
    });
    let app = FuzzApp::new();
    let response = app.post("/result", data.to_vec(), &[binding_cookie()]);
    let body = check_answer_after("result", &response, app.stub.calls(), error_redirect);
    let Ok(request) = parsed else {
        assert_refused(&response, 400, "ValidationError");
        return;
    };
    if response.status() == StatusCode::OK {
        app.sealer()
            .open(&request.flow, &request.provider_type, NOW)
            .expect("a successful result's flow opens");
        check_signed_in(&body, &request.provider_type, app.stub.calls());
    }
}

/// A `form_post` provider's answer at the result page, then at `result`:
/// `<provider>\n<form body>`.
///
/// The result page (`POST /result_page`) must refuse a form that repeats a parameter
/// (`400 InputError`) and otherwise carry exactly the form's parameters as inert JSON,
/// without adding any markup to the page. Those parameters,
/// with `{state}` in a value replaced by the state of a flow just started for `provider`,
/// then go to `POST /result` as coauth.js sends them: a `200` needs the flow's own state (or
/// request token), a code (or verifier), no error parameter and, for the OpenID provider,
/// its `iss`; a `409 UserDenied` needs the flow's own state and an error; no 5xx before a
/// provider call.
pub fn result_page(data: &[u8]) {
    let Some(([provider], form)) = fields::<1>(data) else {
        return;
    };
    let app = FuzzApp::new();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/coauth/result_page")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Bytes::copy_from_slice(form))
        .expect("a valid request");
    let page = run(app.creator.create_result_page_resource().handle(request));
    let mut expected = Map::new();
    let mut repeated = false;
    for (name, value) in url::form_urlencoded::parse(form) {
        repeated |= expected
            .insert(name.into_owned(), Value::String(value.into_owned()))
            .is_some();
    }
    if repeated {
        // A parameter sent twice is refused rather than read one way or the other.
        assert_refused(&page, 400, "InputError");
        return;
    }
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the result page refused a form"
    );
    let html = std::str::from_utf8(page.body()).expect("the page is UTF-8");
    let params = page_params(html);
    assert_eq!(params, expected, "the page carries other parameters");
    // The placeholder holds one `<` and one `>`; the parameters must bring none.
    for bracket in ['<', '>'] {
        assert_eq!(
            html.matches(bracket).count() + 1,
            coauth_js::RESULT_PAGE.matches(bracket).count(),
            "the parameters added markup"
        );
    }

    let start = app.post(
        "/auth_url",
        serde_json::json!({"providerType": provider, "redirectUri": REDIRECT_URI})
            .to_string()
            .into_bytes(),
        &[binding_cookie()],
    );
    let started = check_answer("auth_url", &start, app.stub.calls());
    if start.status() != StatusCode::OK {
        assert!(
            !PROVIDERS.contains(&provider),
            "auth_url refused {provider}"
        );
        return;
    }
    let flow = started["flow"].as_str().expect("a flow");
    let state = app
        .sealer()
        .open(flow, provider, NOW)
        .expect("the new flow opens")
        .state
        .state;
    let response: Map<String, Value> = params
        .into_iter()
        .map(|(name, value)| {
            let value = value
                .as_str()
                .unwrap_or_default()
                .replace("{state}", &state);
            (name, Value::String(value))
        })
        .collect();
    let text = |name: &str| response.get(name).and_then(Value::as_str);
    let bound = if provider == "twitter" {
        let token = text("denied").or(text("oauth_token"));
        token == Some(REQUEST_TOKEN)
    } else {
        text("state") == Some(state.as_str())
    };
    let error = ["error", "error_code", "denied"]
        .iter()
        .any(|name| response.contains_key(*name));
    let calls_before = app.stub.calls();
    let body = serde_json::json!({"providerType": provider, "flow": flow,
        "response": response, "redirectUri": REDIRECT_URI});
    let answer = app.post(
        "/result",
        body.to_string().into_bytes(),
        &[binding_cookie()],
    );
    let calls = app.stub.calls() - calls_before;
    let answer_body = check_answer_after("result", &answer, calls, bound && error);
    match answer.status().as_u16() {
        200 => {
            assert!(
                bound,
                "a result without the flow's state or token succeeded"
            );
            assert!(!error, "a redirect with an error signed in");
            let grant = if provider == "twitter" {
                "oauth_verifier"
            } else {
                "code"
            };
            assert!(
                text(grant).is_some_and(|value| !value.is_empty()),
                "a result without {grant} succeeded"
            );
            if provider == "oidc" {
                assert_eq!(text("iss"), Some(OIDC_ISSUER), "RFC 9207 iss not enforced");
            }
            check_signed_in(&answer_body, provider, calls);
        }
        409 => assert!(bound && error, "UserDenied without a bound error redirect"),
        _ => {}
    }
}

/// The JSON the result page carries for its script.
fn page_params(html: &str) -> Map<String, Value> {
    let open = r#"<script type="application/json" id="coauth-params">"#;
    let start = html
        .find(open)
        .expect("the page has its parameters element")
        + open.len();
    let end = start + html[start..].find("</script>").expect("the element ends");
    match serde_json::from_str(&html[start..end]) {
        Ok(Value::Object(params)) => params,
        other => panic!("the page's parameters are not a JSON object: {other:?}"),
    }
}

/// Binding cookies: each line of `data` is one `Cookie` header.
///
/// [`RequestContext::from_headers`] keeps the last cookie of each binding name. `auth_url`
/// keeps a valid https binding (43 base64url characters) and otherwise sets a fresh one
/// (`Secure`, `HttpOnly`, `SameSite=Lax`, `Path=/`), which the flow is bound to; `result`
/// with the same headers then succeeds exactly when the binding was kept, is an
/// `InputError` otherwise, and succeeds with the fresh cookie.
pub fn binding_cookie_header(data: &[u8]) {
    let mut headers = HeaderMap::new();
    let mut cookies = Vec::new();
    for line in data.split(|&b| b == b'\n').take(16) {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(header::COOKIE, value.clone());
            cookies.push(value);
        }
    }
    let ctx = RequestContext::from_headers(&headers);
    let (mut secure, mut loopback) = (None, None);
    for pair in cookies
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
    {
        match pair.trim().split_once('=') {
            Some((BINDING_COOKIE_SECURE, value)) => secure = Some(value.to_owned()),
            Some((BINDING_COOKIE_LOOPBACK, value)) => loopback = Some(value.to_owned()),
            _ => {}
        }
    }
    assert_eq!(ctx.binding_secure, secure, "the https binding cookie");
    assert_eq!(
        ctx.binding_loopback, loopback,
        "the loopback binding cookie"
    );
    assert!(ctx.origin.is_none() && ctx.session_user.is_none());
    let reusable = secure.as_deref().is_some_and(is_binding_token);

    let app = FuzzApp::new();
    let start = app.request(
        "/auth_url",
        serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI})
            .to_string()
            .into_bytes(),
        &headers,
    );
    let started = check_answer("auth_url", &start, app.stub.calls());
    assert_eq!(
        start.status(),
        StatusCode::OK,
        "auth_url refused: {started}"
    );
    // A valid binding is kept (and may be sent again to refresh its lifetime); any other
    // is replaced by a fresh one.
    let binding = match (set_binding(&start), secure.as_deref()) {
        (Some(sent), Some(kept)) if reusable => {
            assert_eq!(sent, kept, "a valid binding cookie was replaced");
            sent
        }
        (None, Some(kept)) if reusable => kept.to_owned(),
        (Some(fresh), _) => {
            assert!(!reusable && is_binding_token(&fresh), "a bad fresh binding");
            fresh
        }
        (None, _) => panic!("no binding cookie for a browser without a valid one"),
    };
    let flow = started["flow"].as_str().expect("a flow");
    let opened = app
        .sealer()
        .open(flow, "demo", NOW)
        .expect("the flow opens");
    assert_eq!(opened.state.binding, sha256_b64(binding.as_bytes()));
    let body = serde_json::json!({"providerType": "demo", "flow": flow,
        "response": {"state": opened.state.state, "code": "fuzz-code"},
        "redirectUri": REDIRECT_URI});
    let finish = app.request("/result", body.to_string().into_bytes(), &headers);
    check_answer("result", &finish, app.stub.calls());
    if reusable {
        assert_eq!(finish.status(), StatusCode::OK, "the reused binding failed");
    } else {
        assert_refused(&finish, 400, "InputError");
        // The browser that stored the fresh cookie finishes.
        let mut fresh = HeaderMap::new();
        let cookie = format!("{BINDING_COOKIE_SECURE}={binding}");
        fresh.insert(
            header::COOKIE,
            HeaderValue::from_str(&cookie).expect("ASCII"),
        );
        let finish = app.request("/result", body.to_string().into_bytes(), &fresh);
        check_answer("result", &finish, app.stub.calls());
        assert_eq!(finish.status(), StatusCode::OK, "the fresh binding failed");
    }
}

/// A binding value as coauth makes them: 43 base64url characters.
fn is_binding_token(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The value of the https binding cookie an answer sets, if it sets one; checks its
/// attributes.
fn set_binding(response: &Response<Bytes>) -> Option<String> {
    let mut values = response.headers().get_all(header::SET_COOKIE).iter();
    let value = values.next()?.to_str().expect("an ASCII Set-Cookie");
    assert!(values.next().is_none(), "several Set-Cookie headers");
    let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
    let binding = pair
        .strip_prefix(BINDING_COOKIE_SECURE)
        .and_then(|rest| rest.strip_prefix('='))
        .expect("the https binding cookie");
    for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(
            attributes.split(';').any(|have| have.trim() == attribute),
            "the binding cookie lacks {attribute}: {value}"
        );
    }
    Some(binding.to_owned())
}

// ---------------------------------------------------------------------------------------
// The provider's answers.

/// A token endpoint answer: `<status>\n<content type>\n<body>` (an empty content type
/// sends none) through [`parse_token_response`].
///
/// A 5xx is `ProviderTechnicalError`; every refusal is `ProviderError` or
/// `ProviderTechnicalError` with a short message; credentials come only from a 2xx, with a
/// non-empty access token that their `Debug` never shows, and no field named like a token
/// or a secret in their extra fields.
pub fn token_response(data: &[u8]) {
    let Some(response) = provider_answer(data) else {
        return;
    };
    let status = response.status();
    match parse_token_response(&response) {
        Ok(credentials) => {
            assert!(status.is_success(), "credentials from HTTP {status}");
            let token = credentials.access_token.expose();
            assert!(!token.is_empty(), "an empty access token");
            assert_eq!(
                format!("{:?}", credentials.access_token),
                format!("{:?}", crate::Secret::new("another token")),
                "Debug depends on the access token"
            );
            for name in credentials.extra.keys() {
                let lower = name.to_ascii_lowercase();
                assert!(
                    !lower.contains("token") && !lower.contains("secret"),
                    "extra field {name:?} may hold a secret"
                );
            }
        }
        Err(error) => {
            if status.is_server_error() {
                assert_eq!(error.code(), "ProviderTechnicalError", "{error}");
            } else {
                assert!(
                    matches!(error.code(), "ProviderError" | "ProviderTechnicalError"),
                    "token refusal: {error}"
                );
            }
            assert!(error.to_string().len() <= 256, "a long message: {error}");
        }
    }
}

/// The OAuth 1.0a answers: `<step>\n<status>\n<content type>\n<body>`, where `<step>` is
/// `access_token` for the token credentials and anything else for the request token.
///
/// The Twitter preset starts (or finishes) a sign-in against a stub that answers that
/// endpoint with the input. A request token is accepted only when confirmed
/// (`oauth_callback_confirmed=true`), non-empty and short, and then sealed and sent in the
/// URL; token credentials only with their secret, and then the profile is read. Every
/// refusal is `ProviderError` or `ProviderTechnicalError` (for a 5xx), made without a
/// further call.
pub fn oauth1_answer(data: &[u8]) {
    let Some(([step], answer)) = fields::<1>(data) else {
        return;
    };
    let Some(response) = provider_answer(answer) else {
        return;
    };
    let status = response.status();
    let fuzzed = Answer::from_response(&response);
    let access = step == "access_token";
    let mut routes = stub_routes();
    let url = if access {
        TWITTER_ACCESS_TOKEN
    } else {
        TWITTER_REQUEST_TOKEN
    };
    routes.retain(|(route, _)| route != url);
    routes.push((url.to_owned(), fuzzed));
    let stub = Stub::new(routes, None);
    let http = stub.client();
    let twitter = Twitter::new("fuzz-consumer", "fuzz consumer secret")
        .with_hosts(TWITTER_BASE, TWITTER_BASE)
        .build()
        .expect("valid hosts");
    let refused = |error: crate::Error| {
        if status.is_server_error() {
            assert_eq!(error.code(), "ProviderTechnicalError", "{error}");
        } else {
            assert_eq!(error.code(), "ProviderError", "OAuth 1.0a refusal: {error}");
        }
        assert!(error.to_string().len() <= 256, "a long message: {error}");
        assert_eq!(stub.calls(), 1, "a refused answer led to another call");
    };
    let form: BTreeMap<String, String> = std::str::from_utf8(response.body())
        .map(|text| {
            let mut form = BTreeMap::new();
            for (name, value) in url::form_urlencoded::parse(text.trim().as_bytes()) {
                form.entry(name.into_owned())
                    .or_insert_with(|| value.into_owned());
            }
            form
        })
        .unwrap_or_default();
    if !access {
        let options = AuthOptions::default();
        let started = run(twitter.start(StartContext {
            redirect_uri: REDIRECT_URI,
            state: "fuzz-state",
            pkce_challenge: "fuzz-challenge",
            nonce: "fuzz-nonce",
            silent: false,
            options: &options,
            http: &http,
            clock: &FixedClock(NOW),
        }));
        match started {
            Ok(started) => {
                assert!(status.is_success(), "a request token from HTTP {status}");
                assert_eq!(
                    form.get("oauth_callback_confirmed").map(String::as_str),
                    Some("true")
                );
                let token = started
                    .request_token
                    .as_deref()
                    .expect("bound to the token");
                assert_eq!(started.sealed["oauth_token"].as_str(), Some(token));
                assert!(!token.is_empty() && token.len() <= 512);
                assert_eq!(form.get("oauth_token").map(String::as_str), Some(token));
                let secret = started.sealed["oauth_token_secret"]
                    .as_str()
                    .expect("sealed");
                assert!(!secret.is_empty() && secret.len() <= 512);
                let sent: BTreeMap<String, String> =
                    started.url.query_pairs().into_owned().collect();
                assert_eq!(sent.get("oauth_token").map(String::as_str), Some(token));
                assert_eq!(stub.calls(), 1);
            }
            Err(error) => refused(error),
        }
        return;
    }
    let params: BTreeMap<String, String> = [
        ("oauth_token".to_owned(), REQUEST_TOKEN.to_owned()),
        ("oauth_verifier".to_owned(), "fuzz-verifier".to_owned()),
    ]
    .into();
    let sealed = serde_json::json!({
        "oauth_token": REQUEST_TOKEN,
        "oauth_token_secret": "fuzz-request-secret",
    });
    let options = ResultOptions::default();
    let finished = run(twitter.finish(FinishContext {
        params: &params,
        redirect_uri: REDIRECT_URI,
        pkce_verifier: "fuzz-verifier",
        nonce: "fuzz-nonce",
        sealed: &sealed,
        options: &options,
        http: &http,
        clock: &FixedClock(NOW),
    }));
    match finished {
        Ok(finished) => {
            assert!(status.is_success(), "token credentials from HTTP {status}");
            let credentials = &finished.credentials;
            assert_eq!(
                form.get("oauth_token").map(String::as_str),
                Some(credentials.access_token.expose())
            );
            let secret = credentials.token_secret.as_ref().expect("a token secret");
            assert_eq!(
                form.get("oauth_token_secret").map(String::as_str),
                Some(secret.expose())
            );
            assert!(!secret.expose().is_empty());
            for name in credentials.extra.keys() {
                let lower = name.to_ascii_lowercase();
                assert!(
                    !lower.contains("token") && !lower.contains("secret"),
                    "{name}"
                );
            }
            assert_eq!(finished.user.id, "fuzz-user");
            assert_eq!(stub.calls(), 2, "token credentials, then the profile");
        }
        Err(error) => refused(error),
    }
}

/// An ID token through the whole validation: `<now>\n<issuer>\n<nonce>\n<JWKS>\n<token>`.
///
/// An OpenID provider for `issuer` (client `oidc-client`, the default algorithms, its clock
/// at `now`, an empty nonce meaning none was sent) verifies the token with keys from the
/// JWKS (one line of JSON), which a stub serves at the provider's JWKS URL. Every refusal is
/// a `ProviderError`; only the JWKS URL is ever fetched, at most once (never a `jku` or
/// `x5u`); an accepted token has an allowed algorithm, names a key of the JWKS when it
/// names one, and passes every claim check again here.
pub fn id_token(data: &[u8]) {
    let Some(([now, issuer, nonce, jwks], token)) = fields::<4>(data) else {
        return;
    };
    let Some(now) = now.parse::<u64>().ok().filter(|now| *now <= MAX_NOW) else {
        return;
    };
    let Ok(token) = std::str::from_utf8(token) else {
        return;
    };
    let Some(provider) = oidc_provider(issuer) else {
        return;
    };
    let stub = Stub::new(Vec::new(), Some(Answer::json(jwks.as_bytes())));
    let http = stub.client();
    let nonce = (!nonce.is_empty()).then_some(nonce);
    let outcome = run(provider.verify_id_token(&http, token, nonce, &FixedClock(now)));
    let urls = stub.urls();
    assert!(urls.len() <= 1, "the JWKS was fetched {} times", urls.len());
    assert!(urls.iter().all(|url| url == JWKS_URI), "fetched {urls:?}");
    match outcome {
        Ok(claims) => check_claims(&claims, token, issuer, nonce, now, jwks),
        Err(error) => assert_eq!(error.code(), "ProviderError", "ID token refusal: {error}"),
    }
}

/// Checks the claims of an ID token the engine accepted, independently of it.
fn check_claims(
    claims: &Map<String, Value>,
    token: &str,
    issuer: &str,
    nonce: Option<&str>,
    now: u64,
    jwks: &str,
) {
    let header = token.split('.').next().unwrap_or_default();
    let header: Value = URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .expect("an accepted token has a JSON header");
    let alg = header["alg"].as_str().unwrap_or_default();
    assert!(
        Algorithm::DEFAULT_ALLOWLIST
            .iter()
            .any(|allowed| allowed.name() == alg),
        "a token signed with {alg:?} was accepted"
    );
    assert!(
        header.get("crit").is_none(),
        "a token with crit was accepted"
    );
    if let Some(kid) = header.get("kid") {
        let named = serde_json::from_str::<Value>(jwks)
            .ok()
            .and_then(|jwks| jwks["keys"].as_array().cloned())
            .is_some_and(|keys| keys.iter().any(|key| key.get("kid") == Some(kid)));
        assert!(named, "a token accepted with a kid the JWKS does not name");
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let iss = text("iss").expect("an accepted token has an iss");
    let expected_iss = match text("tid") {
        Some(tid) if issuer.contains("{tenantid}") => issuer.replace("{tenantid}", tid),
        _ => issuer.to_owned(),
    };
    assert_eq!(iss, expected_iss, "a token of another issuer was accepted");
    assert!(text("sub").is_some_and(|sub| !sub.is_empty() && sub.len() <= 255));
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    assert!(
        !audiences.is_empty() && audiences.iter().all(|aud| *aud == OIDC_CLIENT_ID),
        "a token for another audience was accepted"
    );
    if let Some(azp) = claims.get("azp") {
        assert_eq!(azp, OIDC_CLIENT_ID);
    }
    let number = |name: &str| claims.get(name).and_then(Value::as_f64);
    let (now, leeway) = (now as f64, 30.0);
    let exp = number("exp").expect("an accepted token has a numeric exp");
    assert!(now < exp + leeway, "an expired token was accepted");
    let iat = number("iat").expect("an accepted token has a numeric iat");
    assert!(iat <= now + leeway, "a token from the future was accepted");
    if let Some(nbf) = claims.get("nbf") {
        assert!(nbf.as_f64().is_some_and(|nbf| nbf <= now + leeway));
    }
    if let Some(nonce) = nonce {
        assert_eq!(text("nonce"), Some(nonce), "a token with another nonce");
    }
}

/// A JWKS document, as the provider's JWKS endpoint answers it.
///
/// Five tokens signed with the keys of `oidc/testdata/jose_vectors.json` (RS256, PS256,
/// ES256 and EdDSA under their `kid`, and EdDSA without one) are verified by one OpenID
/// provider whose JWKS is this document. A token is accepted only when the document holds
/// its very public key (under its `kid`, when it names one); every refusal is a
/// `ProviderError`; the JWKS URL is fetched at most once per token.
pub fn jwks(data: &[u8]) {
    let provider = oidc_provider(OIDC_ISSUER).expect("the fixed OpenID provider builds");
    let stub = Stub::new(Vec::new(), Some(Answer::json(data)));
    let http = stub.client();
    let document: Option<Value> = serde_json::from_slice(data).ok();
    let keys: Vec<Value> = document
        .as_ref()
        .and_then(|document| document.get("keys"))
        .and_then(Value::as_array)
        .map(|keys| keys.iter().take(64).cloned().collect())
        .unwrap_or_default();
    for signed in SIGNED.iter() {
        match run(provider.verify_id_token(&http, &signed.token, None, &FixedClock(NOW))) {
            Ok(claims) => {
                assert_eq!(claims.get("sub"), Some(&Value::from("fuzz-user")));
                let published = keys.iter().any(|key| {
                    signed
                        .kid
                        .as_deref()
                        .is_none_or(|kid| key.get("kid").and_then(Value::as_str) == Some(kid))
                        && same_key(key, &signed.jwk)
                });
                assert!(
                    published,
                    "a {} token verified without its key in the JWKS",
                    signed.alg
                );
            }
            Err(error) => assert_eq!(error.code(), "ProviderError", "JWKS refusal: {error}"),
        }
    }
    let urls = stub.urls();
    assert!(urls.len() <= SIGNED.len(), "the JWKS was fetched too often");
    assert!(urls.iter().all(|url| url == JWKS_URI), "fetched {urls:?}");
}

/// Whether a JWKS entry holds the same public key as `expected` (a vector's JWK).
fn same_key(key: &Value, expected: &Value) -> bool {
    let bytes = |jwk: &Value, name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
            .map(|bytes| {
                let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
                bytes[start..].to_vec()
            })
    };
    let members: &[&str] = match expected["kty"].as_str() {
        Some("RSA") => &["n", "e"],
        Some("EC") => &["x", "y"],
        _ => &["x"],
    };
    members.iter().all(|name| {
        let ours = bytes(expected, name);
        ours.is_some() && bytes(key, name) == ours
    })
}

/// A discovery document: `<issuer>\n<document>`.
///
/// An OpenID provider configured with `issuer` (plain http allowed on loopback) discovers
/// its metadata from a stub that answers with the document. Discovery reads
/// `{issuer}/.well-known/openid-configuration` and nothing else, once; a document is
/// accepted only when it names the issuer and its endpoints pass the scheme rules, and then
/// the provider starts a sign-in at its authorization endpoint with no further call; every
/// refusal is a `ProviderError`.
pub fn discovery(data: &[u8]) {
    let Some(([issuer], document)) = fields::<1>(data) else {
        return;
    };
    let config = OidcConfig::new(issuer, OIDC_CLIENT_ID, "oidc-secret").allow_http_loopback(true);
    let Ok(provider) = OidcProvider::new(config) else {
        return;
    };
    let stub = Stub::new(Vec::new(), Some(Answer::json(document)));
    let http = stub.client();
    let expected_url = url::Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    ));
    let outcome = run(provider.metadata(&http));
    let urls = stub.urls();
    assert!(urls.len() <= 1, "discovery fetched {urls:?}");
    if let (Some(url), Ok(expected)) = (urls.first(), &expected_url) {
        assert_eq!(url, expected.as_str(), "discovery read another URL");
    }
    let metadata = match outcome {
        Ok(metadata) => metadata,
        Err(error) => {
            assert_eq!(error.code(), "ProviderError", "discovery refusal: {error}");
            return;
        }
    };
    assert_eq!(metadata.issuer, issuer, "a document of another issuer");
    metadata
        .check_schemes(true)
        .expect("accepted endpoints pass the scheme rules");
    let options = AuthOptions::default();
    let started = run(provider.start(StartContext {
        redirect_uri: REDIRECT_URI,
        state: "fuzz-state",
        pkce_challenge: "fuzz-challenge",
        nonce: "fuzz-nonce",
        silent: false,
        options: &options,
        http: &http,
        clock: &FixedClock(NOW),
    }))
    .expect("a provider with metadata starts");
    let endpoint = &metadata.authorization_endpoint;
    assert_eq!(
        (started.url.origin(), started.url.path()),
        (endpoint.origin(), endpoint.path()),
        "the sign-in starts elsewhere than the authorization endpoint"
    );
    let sent: BTreeMap<String, String> = started.url.query_pairs().into_owned().collect();
    assert_eq!(sent.get("state").map(String::as_str), Some("fuzz-state"));
    assert_eq!(sent.get("nonce").map(String::as_str), Some("fuzz-nonce"));
    assert_eq!(
        sent.get("redirect_uri").map(String::as_str),
        Some(REDIRECT_URI)
    );
    run(provider.metadata(&http)).expect("the metadata is cached");
    assert_eq!(stub.calls(), 1, "cached metadata was fetched again");
}

// ---------------------------------------------------------------------------------------
// The fuzz app and its stub providers.

const OAUTH2_BASE: &str = "https://oauth2.fuzz.example";
const TWITTER_BASE: &str = "https://api.fuzz.example";
const TWITTER_REQUEST_TOKEN: &str = "https://api.fuzz.example/oauth/request_token";
const TWITTER_ACCESS_TOKEN: &str = "https://api.fuzz.example/oauth/access_token";
/// The request token the stub Twitter hands out.
pub const REQUEST_TOKEN: &str = "fuzz-request-token";

/// A clock stopped at one time.
#[derive(Debug, Clone, Copy)]
struct FixedClock(u64);

impl Clock for FixedClock {
    fn now_unix(&self) -> u64 {
        self.0
    }
}

/// One stub answer.
#[derive(Debug, Clone)]
struct Answer {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

impl Answer {
    fn json(body: &[u8]) -> Answer {
        Answer {
            status: StatusCode::OK,
            content_type: Some(HeaderValue::from_static("application/json")),
            body: Bytes::copy_from_slice(body),
        }
    }

    fn form(body: &str) -> Answer {
        Answer {
            content_type: Some(HeaderValue::from_static(
                "application/x-www-form-urlencoded",
            )),
            ..Answer::json(body.as_bytes())
        }
    }

    fn from_response(response: &Response<Bytes>) -> Answer {
        Answer {
            status: response.status(),
            content_type: response.headers().get(header::CONTENT_TYPE).cloned(),
            body: response.body().clone(),
        }
    }

    fn response(&self) -> Response<Bytes> {
        let mut response = Response::new(self.body.clone());
        *response.status_mut() = self.status;
        if let Some(content_type) = &self.content_type {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type.clone());
        }
        response
    }
}

/// The provider side: answers by URL (without its query), records every URL it is asked
/// for, never waits. [`Stub::client`] is the client whose requests it answers.
#[derive(Debug, Clone)]
struct Stub {
    routes: Arc<Vec<(String, Answer)>>,
    fallback: Option<Answer>,
    urls: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    fn new(routes: Vec<(String, Answer)>, fallback: Option<Answer>) -> Stub {
        Stub {
            routes: Arc::new(routes),
            fallback,
            urls: Arc::default(),
        }
    }

    /// A client asking this stub: its answer is ready as soon as the request is sent.
    fn client(&self) -> impl HttpClient + Clone + 'static {
        let stub = self.clone();
        move |request: Request<Bytes>| -> Ready<Result<Response<Bytes>, HttpError>> {
            let url = request.uri().to_string();
            stub.urls
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(url.clone());
            let bare = url.split('?').next().unwrap_or_default();
            let answer = stub
                .routes
                .iter()
                .find(|(route, _)| route == bare)
                .map(|(_, answer)| answer)
                .or(stub.fallback.as_ref());
            ready(Ok(match answer {
                Some(answer) => answer.response(),
                None => Answer {
                    status: StatusCode::NOT_FOUND,
                    ..Answer::json(br#"{"error":"not_found"}"#)
                }
                .response(),
            }))
        }
    }

    fn urls(&self) -> Vec<String> {
        self.urls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn calls(&self) -> usize {
        self.urls.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// A key of `oidc/testdata/jose_vectors.json` and a token it signed.
struct Signed {
    alg: Algorithm,
    kid: Option<String>,
    jwk: Value,
    token: String,
}

/// The tokens the JWKS target verifies, and (the EdDSA one) the ID token of the stub
/// OpenID provider.
static SIGNED: LazyLock<Vec<Signed>> = LazyLock::new(|| {
    let vectors: Vec<Value> = serde_json::from_str(include_str!("oidc/testdata/jose_vectors.json"))
        .expect("the JOSE vectors are JSON");
    let claims = serde_json::json!({
        "iss": OIDC_ISSUER, "sub": "fuzz-user", "aud": OIDC_CLIENT_ID,
        "iat": NOW, "exp": NOW + 3600, "name": "Fuzz User",
    });
    let sign = |name: &str, with_kid: bool| {
        let vector = vectors
            .iter()
            .find(|vector| vector["alg"] == name)
            .expect("a vector for each algorithm");
        let alg = Algorithm::from_name(name).expect("a known algorithm");
        let pem = vector["pem"].as_str().expect("a PEM");
        let mut key = SigningKey::from_pem(alg, pem).expect("the vector's key");
        let kid = vector["jwk"]["kid"].as_str().map(str::to_owned);
        if with_kid && let Some(kid) = &kid {
            key = key.with_kid(kid.clone());
        }
        let mut jwk = vector["jwk"].clone();
        if !with_kid && let Some(jwk) = jwk.as_object_mut() {
            jwk.remove("kid");
        }
        Signed {
            alg,
            kid: kid.filter(|_| with_kid),
            jwk,
            token: key.sign(&claims).expect("signing works"),
        }
    };
    vec![
        sign("EdDSA", true),
        sign("RS256", true),
        sign("PS256", true),
        sign("ES256", true),
        sign("EdDSA", false),
    ]
});

/// The JWKS the stub OpenID provider serves: the public keys of every token the JWKS
/// target verifies.
pub fn stub_jwks() -> String {
    let keys: Vec<&Value> = SIGNED
        .iter()
        .filter(|signed| signed.kid.is_some())
        .map(|signed| &signed.jwk)
        .collect();
    serde_json::json!({ "keys": keys }).to_string()
}

/// Every route of the fuzz app's stub providers, answering as a well-behaved provider.
fn stub_routes() -> Vec<(String, Answer)> {
    let oidc_token = serde_json::json!({"access_token": "fuzz-oidc-access-token",
        "token_type": "Bearer", "expires_in": 3600, "id_token": SIGNED[0].token});
    let jwks = stub_jwks();
    let user = serde_json::json!({"sub": "fuzz-user", "name": "Fuzz User",
        "email": "fuzz@example.test", "email_verified": true});
    let twitter_user = serde_json::json!({"id_str": "fuzz-user", "screen_name": "fuzz",
        "name": "Fuzz User"});
    vec![
        (
            format!("{OAUTH2_BASE}/token"),
            Answer::json(
                br#"{"access_token":"fuzz-access-token","token_type":"bearer","expires_in":3600}"#,
            ),
        ),
        (
            format!("{OAUTH2_BASE}/userinfo"),
            Answer::json(user.to_string().as_bytes()),
        ),
        (
            format!("{OIDC_ISSUER}/token"),
            Answer::json(oidc_token.to_string().as_bytes()),
        ),
        (JWKS_URI.to_owned(), Answer::json(jwks.as_bytes())),
        (
            format!("{OIDC_ISSUER}/userinfo"),
            Answer::json(user.to_string().as_bytes()),
        ),
        (
            TWITTER_REQUEST_TOKEN.to_owned(),
            Answer::form(&format!(
                "oauth_token={REQUEST_TOKEN}&oauth_token_secret=fuzz-request-secret&oauth_callback_confirmed=true"
            )),
        ),
        (
            TWITTER_ACCESS_TOKEN.to_owned(),
            Answer::form(
                "oauth_token=fuzz-access-token&oauth_token_secret=fuzz-access-secret&screen_name=fuzz",
            ),
        ),
        (
            format!("{TWITTER_BASE}/1.1/account/verify_credentials.json"),
            Answer::json(twitter_user.to_string().as_bytes()),
        ),
    ]
}

/// An OpenID provider for `issuer` with static endpoints (the JWKS at [`JWKS_URI`]); `None`
/// when `issuer` is not a valid issuer.
fn oidc_provider(issuer: &str) -> Option<OidcProvider> {
    let metadata = ProviderMetadata::new(
        issuer,
        &format!("{OIDC_ISSUER}/authorize"),
        &format!("{OIDC_ISSUER}/token"),
        JWKS_URI,
    )
    .ok()?;
    let config = OidcConfig::from_metadata(metadata, OIDC_CLIENT_ID, "oidc-secret");
    OidcProvider::new(config).ok()
}

/// The app of the resource targets: providers `demo` (OAuth 2.0), `oidc` (OpenID Connect,
/// no nonce, RFC 9207 `iss` required) and `twitter` (OAuth 1.0a), all answered by one stub.
struct FuzzApp {
    coauth: Coauth,
    creator: ResourceCreator,
    stub: Stub,
}

impl FuzzApp {
    fn new() -> FuzzApp {
        let stub = Stub::new(stub_routes(), None);
        let demo = OAuth2Provider::new(
            OAuth2Config::new(
                "fuzz-client",
                "fuzz-secret",
                &format!("{OAUTH2_BASE}/authorize"),
                &format!("{OAUTH2_BASE}/token"),
            )
            .expect("valid endpoints"),
            StandardUserinfo::new(&format!("{OAUTH2_BASE}/userinfo")).expect("a valid URL"),
        );
        let metadata = ProviderMetadata::new(
            OIDC_ISSUER,
            &format!("{OIDC_ISSUER}/authorize"),
            &format!("{OIDC_ISSUER}/token"),
            JWKS_URI,
        )
        .and_then(|metadata| metadata.with_userinfo(&format!("{OIDC_ISSUER}/userinfo")))
        .expect("valid endpoints")
        .with_iss_parameter(true);
        let mut config = OidcConfig::from_metadata(metadata, OIDC_CLIENT_ID, "oidc-secret");
        config.nonce = false;
        let oidc = OidcProvider::new(config).expect("a valid OpenID configuration");
        let twitter = Twitter::new("fuzz-consumer", "fuzz consumer secret")
            .with_hosts(TWITTER_BASE, TWITTER_BASE)
            .build();
        let coauth = Coauth::builder()
            .secret(SECRET)
            .previous_secret(PREVIOUS_SECRET)
            .provider("demo", demo)
            .provider("oidc", oidc)
            .provider("twitter", twitter)
            .redirect_uri(REDIRECT_URI)
            .http_client(stub.client())
            .clock(FixedClock(NOW))
            .build()
            .expect("a valid coauth configuration");
        FuzzApp {
            creator: ResourceCreator::new(coauth.clone()),
            coauth,
            stub,
        }
    }

    fn sealer(&self) -> &FlowSealer {
        &self.coauth.inner.sealer
    }

    /// A JSON POST to `path` from the app's page, as coauth.js sends it, with `cookies`.
    fn post(&self, path: &str, body: Vec<u8>, cookies: &[String]) -> Response<Bytes> {
        let mut headers = HeaderMap::new();
        for cookie in cookies {
            headers.append(
                header::COOKIE,
                HeaderValue::from_str(cookie).expect("a valid cookie"),
            );
        }
        self.request(path, body, &headers)
    }

    /// A JSON POST to `path` from the app's page, with `extra` headers.
    fn request(&self, path: &str, body: Vec<u8>, extra: &HeaderMap) -> Response<Bytes> {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("/coauth{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin")
            .body(Bytes::from(body))
            .expect("a valid request");
        for (name, value) in extra {
            request.headers_mut().append(name, value.clone());
        }
        let resource = match path {
            "/auth_url" => self.creator.create_auth_url_resource(),
            _ => self.creator.create_auth_result_resource(),
        };
        run(resource.handle(request))
    }
}

/// Checks what every answer of a JSON resource must be; returns its body.
///
/// # Panics
/// On an answer that is not JSON, a status outside the error table, a code that does not
/// go with the status, or a 5xx although the provider was never called (`provider_calls`):
/// a client's mistake is a 4xx.
fn check_answer(step: &str, response: &Response<Bytes>, provider_calls: usize) -> Value {
    check_answer_after(step, response, provider_calls, false)
}

/// [`check_answer`], where `error_redirect` says that the request carried a provider's error
/// redirect (`error` or `error_code`), which coauth reports as the provider's failure
/// without calling it.
fn check_answer_after(
    step: &str,
    response: &Response<Bytes>,
    provider_calls: usize,
    error_redirect: bool,
) -> Value {
    let headers = response.headers();
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .map(HeaderValue::as_bytes),
        Some(&b"nosniff"[..]),
        "{step}: no nosniff"
    );
    assert!(
        headers.contains_key(header::CACHE_CONTROL),
        "{step}: no Cache-Control"
    );
    let body: Value = serde_json::from_slice(response.body())
        .unwrap_or_else(|_| panic!("{step}: the answer is not JSON: {:?}", response.body()));
    let status = response.status().as_u16();
    if status == 200 {
        return body;
    }
    let code = body["code"].as_str().unwrap_or_default();
    assert!(
        body["message"].is_string(),
        "{step}: {status} without a message"
    );
    let allowed: &[&str] = match status {
        400 => &["ValidationError", "InputError"],
        405 | 413 | 415 => &["ValidationError"],
        409 => &["UserDenied"],
        500 => &[
            "ProviderConnectionError",
            "ProviderTechnicalError",
            "ProviderError",
        ],
        _ => panic!("{step}: unexpected status {status}: {body}"),
    };
    assert!(
        allowed.contains(&code),
        "{step}: {status} with code {code:?}"
    );
    let provider_failure = matches!(code, "ProviderTechnicalError" | "ProviderError");
    assert!(
        status < 500 || provider_calls > 0 || (error_redirect && provider_failure),
        "{step}: {status} {code} although the provider was never called: {body}"
    );
    body
}

fn assert_refused(response: &Response<Bytes>, status: u16, code: &str) {
    let body: Value = serde_json::from_slice(response.body()).unwrap_or_default();
    assert_eq!(
        (response.status().as_u16(), body["code"].as_str()),
        (status, Some(code)),
        "expected {status} {code}: {body}"
    );
}

/// A successful result: the provider's user, no credentials, after a provider call.
fn check_signed_in(body: &Value, provider: &str, provider_calls: usize) {
    assert_eq!(body["providerType"], provider);
    assert_eq!(body["user"]["id"], "fuzz-user", "another user: {body}");
    assert!(
        body.get("credentials").is_none(),
        "credentials reached the browser"
    );
    assert!(provider_calls > 0, "signed in without asking the provider");
}

// ---------------------------------------------------------------------------------------
// Input framing and the executor.

/// The first `N` lines of `data` (as UTF-8 text) and the rest.
fn fields<const N: usize>(data: &[u8]) -> Option<([&str; N], &[u8])> {
    let mut rest = data;
    let mut out = [""; N];
    for slot in &mut out {
        let end = rest.iter().position(|&b| b == b'\n')?;
        *slot = std::str::from_utf8(&rest[..end]).ok()?;
        rest = &rest[end + 1..];
    }
    Some((out, rest))
}

/// `<status>\n<content type>\n<body>` as a provider's answer.
fn provider_answer(data: &[u8]) -> Option<Response<Bytes>> {
    let ([status, content_type], body) = fields::<2>(data)?;
    let status = StatusCode::from_u16(status.parse().ok()?).ok()?;
    let mut response = Response::new(Bytes::copy_from_slice(body));
    *response.status_mut() = status;
    if !content_type.is_empty() {
        let value = HeaderValue::from_str(content_type).ok()?;
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Some(response)
}

/// Polls `future` to completion on this thread. Everything the entry points run completes
/// without waiting (the stub answers at once), so a future that stays pending is a bug.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("a coauth step waited although nothing it calls can make it wait");
}

// ---------------------------------------------------------------------------------------
// Sealing and opening alone, for coauth's benchmarks (coauth-core/benches/flow.rs).

/// Seals and opens one typical flow (an OAuth 2.0 sign-in from [`ORIGIN`], with PKCE and a
/// nonce, no identity) as `auth_url` and `result` do, with [`SECRET`].
pub struct Sealing {
    sealer: FlowSealer,
    state: FlowState,
}

impl Default for Sealing {
    fn default() -> Self {
        let token = || crate::crypto::random_token();
        Sealing {
            sealer: FlowSealer::new(SECRET.as_bytes(), &[PREVIOUS_SECRET.as_bytes().to_vec()]),
            state: FlowState {
                provider: "demo".into(),
                redirect_uri: REDIRECT_URI.into(),
                origin: ORIGIN.into(),
                identity: Value::Null,
                silent: false,
                state: token(),
                verifier: token(),
                nonce: token(),
                binding: sha256_b64(BINDING.as_bytes()),
                linking_user: None,
                provider_data: Value::Null,
                request_token: None,
                iat: NOW,
                exp: NOW + 600,
            },
        }
    }
}

impl Sealing {
    /// Seals the flow (a fresh random nonce each time).
    ///
    /// # Panics
    /// If sealing fails, which it cannot for this flow.
    pub fn seal(&self) -> String {
        self.sealer.seal(&self.state).expect("the flow seals")
    }

    /// Opens `blob` for the flow's provider at [`NOW`]: whether it opened.
    pub fn open(&self, blob: &str) -> bool {
        self.sealer.open(blob, "demo", NOW).is_ok()
    }
}
