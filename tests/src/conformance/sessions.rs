//! Sessions ([`coauth_core::CoauthBuilder::sessions`]): the sealed cookie a successful
//! sign-in sets, `GET {base}/session`, `POST {base}/sign_out`, the lifetimes on the app's
//! clock, renewal, secret rotation, bad cookies, and account linking with the session as the
//! signed-in user.
//!
//! Every session cookie value the cases see is noted ([`session_values_seen`]): the
//! conformance run checks that none of them reached the log.

use std::sync::{Mutex, PoisonError};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use coauth_core::resources::json_response;
use coauth_core::{
    Clock, CoauthBuilder, Error, SESSION_COOKIE_LOOPBACK, SESSION_COOKIE_SECURE, SessionClaims,
    Sessions, result_hook,
};
use http::{Method, Request, Response, StatusCode, header};

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, Endpoint, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

/// The app's secret before a rotation.
pub(super) const OLD_SECRET: &str = "the previous app secret, thirty-two bytes or more";
/// The secret of another app, whose sessions this one must not take.
pub(super) const FOREIGN_SECRET: &str = "another app's own secret, thirty-two bytes or more";
/// A plain-http loopback origin, where a cookie cannot be `Secure`.
const LOOPBACK_ORIGIN: &str = "http://127.0.0.1:8080";
/// The redirect URI of an app on [`LOOPBACK_ORIGIN`].
const LOOPBACK_REDIRECT_URI: &str = "http://127.0.0.1:8080/coauth/result_page";
const HOUR: u64 = 3600;

/// Header names and values; an empty value drops the header.
type Pairs<'a> = Vec<(&'a str, &'a str)>;

/// Session cookie values seen by the cases, for the log check.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every session cookie value (the sealed part) the cases have seen so far: none may reach
/// the log.
pub(super) fn session_values_seen() -> Vec<String> {
    SEEN.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn note_seen(value: &str) {
    if !value.is_empty() {
        SEEN.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(value.to_owned());
    }
}

/// Whether `name` is one of coauth's session cookies.
fn is_session_cookie(name: &str) -> bool {
    name == SESSION_COOKIE_SECURE || name == SESSION_COOKIE_LOOPBACK
}

/// The `Set-Cookie` values of `response` that set or clear a session cookie, in order. Their
/// values are noted for the log check.
fn session_set_cookies(response: &Response<Bytes>) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("a Set-Cookie is ASCII").to_owned())
        .filter(|set_cookie| {
            let (name, value) = name_value(set_cookie);
            let session = is_session_cookie(name);
            if session {
                note_seen(value);
            }
            session
        })
        .collect()
}

/// The one session `Set-Cookie` of `response`.
///
/// # Panics
/// If the answer sets no session cookie, or more than one.
fn session_set_cookie(response: &Response<Bytes>) -> String {
    let mut cookies = session_set_cookies(response);
    assert_eq!(
        cookies.len(),
        1,
        "one session cookie in {:?}",
        response.headers()
    );
    cookies.remove(0)
}

/// The name and value of a `Set-Cookie` or `Cookie` pair.
fn name_value(cookie: &str) -> (&str, &str) {
    let pair = cookie.split(';').next().unwrap_or_default().trim();
    pair.split_once('=').unwrap_or((pair, ""))
}

/// The cookie of a `Set-Cookie` as a browser sends it back: `name=value`.
fn sent(set_cookie: &str) -> String {
    let (name, value) = name_value(set_cookie);
    format!("{name}={value}")
}

/// The attributes of a `Set-Cookie`, after its `name=value`.
fn attributes(set_cookie: &str) -> Vec<&str> {
    set_cookie.split(';').skip(1).map(str::trim).collect()
}

/// The `Max-Age` of a `Set-Cookie`.
fn max_age(set_cookie: &str) -> u64 {
    attributes(set_cookie)
        .into_iter()
        .find_map(|attribute| attribute.strip_prefix("Max-Age="))
        .unwrap_or_else(|| panic!("a session cookie has a Max-Age: {set_cookie}"))
        .parse()
        .expect("Max-Age is a number")
}

/// `headers` with `changes` replacing or added to them.
fn changed<'a>(mut headers: Pairs<'a>, changes: &[(&'a str, &'a str)]) -> Pairs<'a> {
    for (name, value) in changes {
        headers.retain(|(n, _)| n != name);
        headers.push((name, value));
    }
    headers
}

/// Sends `method` to `path` under the app's prefix with `headers` (empty values left out)
/// and `body`.
async fn send(
    app: &App,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response<Bytes> {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{}{path}", app.prefix()));
    for (name, value) in headers.iter().filter(|(_, value)| !value.is_empty()) {
        request = request.header(*name, *value);
    }
    app.send(request.body(Bytes::from(body.to_owned())).unwrap())
        .await
}

/// `GET {base}/session` as the app's page fetches it (`Sec-Fetch-Site: same-origin`), sending
/// `cookie`.
async fn read(app: &App, cookie: Option<&str>) -> Response<Bytes> {
    read_with(app, Method::GET, cookie, &[]).await
}

/// A request to `{base}/session` with `method`, sending `cookie`, with header `changes`.
async fn read_with(
    app: &App,
    method: Method,
    cookie: Option<&str>,
    changes: &[(&str, &str)],
) -> Response<Bytes> {
    let headers = changed(
        vec![
            ("sec-fetch-site", "same-origin"),
            ("cookie", cookie.unwrap_or_default()),
        ],
        changes,
    );
    send(app, method, "/session", &headers, "").await
}

/// `POST {base}/sign_out` as coauth.js sends it (JSON, the app's Origin, same-origin), with
/// `cookie`, header `changes` and `body`.
async fn sign_out(
    app: &App,
    cookie: Option<&str>,
    changes: &[(&str, &str)],
    body: &str,
) -> Response<Bytes> {
    let headers = changed(
        vec![
            ("content-type", "application/json"),
            ("origin", ORIGIN),
            ("sec-fetch-site", "same-origin"),
            ("cookie", cookie.unwrap_or_default()),
        ],
        changes,
    );
    send(app, Method::POST, "/sign_out", &headers, body).await
}

/// Asserts that `/session` answered "not signed in": 401, no body, no cookie, not stored.
fn assert_signed_out(response: &Response<Bytes>, what: &str) {
    assert_eq!(response.status(), 401, "{what}: {:?}", response.body());
    assert!(response.body().is_empty(), "{what}: {:?}", response.body());
    assert_eq!(
        header_text(response, header::CACHE_CONTROL),
        "no-store",
        "{what}"
    );
    assert!(
        !response.headers().contains_key(header::SET_COOKIE),
        "{what}: {:?}",
        response.headers()
    );
}

/// Asserts that `/session` answered a session; returns its JSON.
fn assert_signed_in(response: &Response<Bytes>, what: &str) -> serde_json::Value {
    assert_eq!(response.status(), 200, "{what}: {:?}", response.body());
    assert_eq!(
        header_text(response, header::CONTENT_TYPE),
        "application/json",
        "{what}"
    );
    assert_eq!(
        header_text(response, header::CACHE_CONTROL),
        "no-store",
        "{what}"
    );
    json(response)
}

/// An app with `sessions` in front of `mock`, on `clock`; `more` changes the rest.
async fn sessions_app(
    adapter: &Adapter,
    mock: &MockProvider,
    clock: &TestClock,
    sessions: Sessions,
    more: impl FnOnce(CoauthBuilder) -> CoauthBuilder,
) -> App {
    let builder = builder(mock, &MockConfig::default(), clock).sessions(sessions);
    let coauth = more(builder).build().expect("valid configuration");
    adapter.app(coauth).await
}

/// The usual app with sessions on (their defaults), its mock provider and its clock.
async fn fixture(adapter: &Adapter) -> (MockProvider, App, TestClock) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let app = sessions_app(adapter, &mock, &clock, Sessions::new(), |b| b).await;
    (mock, app, clock)
}

/// Signs in to `app` through `mock`; returns the session cookie as the browser sends it back.
async fn signed_in(app: &App, mock: &MockProvider) -> String {
    let response = app.sign_in("demo", mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    sent(&session_set_cookie(&response))
}

/// The whole sign-in from a page on `origin` whose result page is `redirect_uri`.
async fn sign_in_from(
    app: &App,
    mock: &MockProvider,
    origin: &str,
    redirect_uri: &str,
) -> Response<Bytes> {
    let headers = [
        ("content-type", "application/json"),
        ("origin", origin),
        ("sec-fetch-site", "same-origin"),
    ];
    let body = serde_json::json!({"providerType": "demo", "redirectUri": redirect_uri});
    let started = send(app, Method::POST, "/auth_url", &headers, &body.to_string()).await;
    let mut started = Started::from_response(&started);
    started.redirect_uri = redirect_uri.to_owned();
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": params, "redirectUri": arrived_at(redirect_uri)});
    let headers = changed(headers.to_vec(), &[("cookie", started.cookie.as_str())]);
    send(app, Method::POST, "/result", &headers, &body.to_string()).await
}

/// Asserts the attributes of a new session cookie: `Path=/`, `HttpOnly`, `SameSite=Lax`,
/// `Secure` exactly when `secure`, `Max-Age` of `max_age` seconds, and no other.
fn assert_session_cookie(set_cookie: &str, name: &str, secure: bool, max_age: u64) {
    let (cookie_name, value) = name_value(set_cookie);
    assert_eq!(cookie_name, name, "{set_cookie}");
    assert!(
        value.len() > 40
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "a sealed base64url value: {set_cookie}"
    );
    let mut expected = vec![
        "Path=/".to_owned(),
        format!("Max-Age={max_age}"),
        "HttpOnly".to_owned(),
        "SameSite=Lax".to_owned(),
    ];
    if secure {
        expected.push("Secure".to_owned());
    }
    let mut actual: Vec<String> = attributes(set_cookie)
        .into_iter()
        .map(str::to_owned)
        .collect();
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected, "{set_cookie}");
    assert!(
        name.len() + 1 + value.len() <= coauth_core::MAX_SESSION_COOKIE_BYTES,
        "{set_cookie}"
    );
}

/// After a sign-in from the app's https origin, the session is the `__Host-` cookie: secure,
/// host-only, script-proof, sent on top-level navigations from other sites but not on their
/// subrequests, for the idle timeout (24 hours by default); its value shows nothing of the
/// user.
pub(super) async fn a_sign_in_sets_a_host_only_http_only_lax_secure_cookie(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(json(&response)["user"]["id"], "mock-user-1");
    let set_cookie = session_set_cookie(&response);
    assert_session_cookie(&set_cookie, SESSION_COOKIE_SECURE, true, 24 * HOUR);
    assert_eq!(
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .count(),
        1,
        "the session cookie only: {:?}",
        response.headers()
    );
    let (_, value) = name_value(&set_cookie);
    for shown in ["mock-user-1", "Ada", "ada", "demo"] {
        assert!(!value.contains(shown), "{shown} in {set_cookie}");
    }
    // The cookie is the session.
    let session = assert_signed_in(&read(&app, Some(&sent(&set_cookie))).await, "read");
    assert_eq!(session["user"]["id"], "mock-user-1");
    // Each sign-in seals afresh.
    let again = signed_in(&app, &mock).await;
    assert_ne!(again, sent(&set_cookie));
}

/// A sign-in from a plain-http loopback origin (local development) gets `coauth-session`,
/// without `Secure`, which works there; an app of https origins only never reads that
/// cookie, since on plain http anyone on the network could have set it.
pub(super) async fn a_loopback_http_origin_gets_a_plain_cookie_an_https_app_ignores(
    adapter: Adapter,
) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let app = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.redirect_uri(LOOPBACK_REDIRECT_URI)
    })
    .await;
    let response = sign_in_from(&app, &mock, LOOPBACK_ORIGIN, LOOPBACK_REDIRECT_URI).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let set_cookie = session_set_cookie(&response);
    assert_session_cookie(&set_cookie, SESSION_COOKIE_LOOPBACK, false, 24 * HOUR);
    let cookie = sent(&set_cookie);
    let session = assert_signed_in(&read(&app, Some(&cookie)).await, "loopback");
    assert_eq!(session["user"]["id"], "mock-user-1");

    // The same secret, https origins only.
    let https_only = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| b).await;
    assert_signed_out(&read(&https_only, Some(&cookie)).await, "https-only app");
    // The name is sealed with the value: renamed, the loopback cookie opens nowhere.
    let (_, value) = name_value(&set_cookie);
    let renamed = format!("{SESSION_COOKIE_SECURE}={value}");
    assert_signed_out(&read(&app, Some(&renamed)).await, "renamed");
    assert_signed_out(&read(&https_only, Some(&renamed)).await, "renamed, https");
}

/// `/result_frame` finishes a sign-in like `/result`, and starts a session the same way.
pub(super) async fn the_frame_transport_starts_a_session_too(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let request = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": params, "redirectUri": arrived_at(&started.redirect_uri)})
    .to_string();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("request", request.as_str()), ("id", "frame-1")])
        .finish();
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", ORIGIN),
        ("sec-fetch-site", "same-origin"),
        ("cookie", started.cookie.as_str()),
    ];
    let response = send(&app, Method::POST, "/result_frame", &headers, &form).await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        String::from_utf8_lossy(response.body())
    );
    let set_cookie = session_set_cookie(&response);
    assert_session_cookie(&set_cookie, SESSION_COOKIE_SECURE, true, 24 * HOUR);
    let session = assert_signed_in(&read(&app, Some(&sent(&set_cookie))).await, "frame");
    assert_eq!(session["user"]["id"], "mock-user-1");
    // A frame sign-in the provider refused starts none.
    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Deny).await;
    let request = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": params, "redirectUri": arrived_at(&started.redirect_uri)})
    .to_string();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("request", request.as_str()), ("id", "frame-2")])
        .finish();
    let headers = changed(headers.to_vec(), &[("cookie", started.cookie.as_str())]);
    let denied = send(&app, Method::POST, "/result_frame", &headers, &form).await;
    assert_eq!(denied.status(), 409);
    assert!(session_set_cookies(&denied).is_empty(), "{denied:?}");
}

/// Sessions are opt-in: without them a sign-in sets no session cookie and `/session` is not
/// served. With them, a sign-in that fails sets none either.
pub(super) async fn no_session_cookie_when_sessions_are_off_or_the_sign_in_fails(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let clock = TestClock::starting_now();
    let off = adapter
        .app(builder(&mock, &config, &clock).build().unwrap())
        .await;
    let response = off.sign_in("demo", &mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert!(
        !response.headers().contains_key(header::SET_COOKIE),
        "{:?}",
        response.headers()
    );
    for (method, path) in [(Method::GET, "/session"), (Method::POST, "/sign_out")] {
        let answer = off.call(method.clone(), path).await;
        assert_eq!(answer.status(), 404, "{method} {path} with sessions off");
        assert!(session_set_cookies(&answer).is_empty());
    }

    let (mock, app, _clock) = fixture(&adapter).await;
    let denied = app.sign_in("demo", &mock, Decision::Deny).await;
    assert_error(&denied, 409, "UserDenied");
    assert!(session_set_cookies(&denied).is_empty(), "{denied:?}");
    let started = app.start("demo").await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let finished = app.finish("demo", &started, params.clone()).await;
    assert!(!session_set_cookies(&finished).is_empty());
    // A replayed code fails at the provider: no session.
    let replayed = app.finish("demo", &started, params).await;
    assert_error(&replayed, 500, "ProviderError");
    assert!(session_set_cookies(&replayed).is_empty(), "{replayed:?}");
}

/// The app's result hook decides: an error, or an answer that is not a success, refuses the
/// sign-in and starts no session, whatever claims the answer carries; claims beyond the
/// claims limit fail the sign-in.
pub(super) async fn a_result_hook_refuses_the_session_by_an_error_or_a_non_success_answer(
    adapter: Adapter,
) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let erring = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.result_hook(result_hook(|_result, _request| async move {
            Err(Error::Input("this account is suspended".into()))
        }))
    })
    .await;
    let response = erring.sign_in("demo", &mock, Decision::Approve).await;
    assert_error(&response, 400, "InputError");
    assert!(session_set_cookies(&response).is_empty(), "{response:?}");

    for status in [
        StatusCode::FORBIDDEN,
        StatusCode::FOUND,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        let refusing = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
            b.result_hook(result_hook(move |_result, _request| async move {
                let mut answer = json_response(status, &serde_json::json!({"refused": true}));
                answer
                    .extensions_mut()
                    .insert(SessionClaims(serde_json::json!({"account": 1})));
                Ok(answer)
            }))
        })
        .await;
        let response = refusing.sign_in("demo", &mock, Decision::Approve).await;
        assert_eq!(response.status(), status, "{:?}", response.body());
        assert_eq!(json(&response)["refused"], true);
        assert!(
            session_set_cookies(&response).is_empty(),
            "{status}: {response:?}"
        );
    }

    let oversized = sessions_app(
        &adapter,
        &mock,
        &clock,
        Sessions::new().claims_limit(64),
        |b| {
            b.result_hook(result_hook(|result, _request| async move {
                let mut answer = json_response(StatusCode::OK, &result.to_json(false));
                answer
                    .extensions_mut()
                    .insert(SessionClaims(serde_json::json!({"notes": "n".repeat(100)})));
                Ok(answer)
            }))
        },
    )
    .await;
    let response = oversized.sign_in("demo", &mock, Decision::Approve).await;
    assert_provider_failure(&response, "ProviderError");
    assert!(session_set_cookies(&response).is_empty(), "{response:?}");
    let detail = oversized.reported_error();
    assert!(detail.contains("claims limit of 64"), "{detail}");
}

/// Claims the result hook puts in its answer's extensions reach `/session`; the hook's own
/// cookies arrive along with the session cookie.
pub(super) async fn claims_from_the_result_hook_reach_the_session(adapter: Adapter) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let app = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.result_hook(result_hook(|result, _request| async move {
            let mut answer = json_response(StatusCode::CREATED, &result.to_json(false));
            answer.headers_mut().append(
                header::SET_COOKIE,
                http::HeaderValue::from_static("app-theme=dark; Path=/"),
            );
            answer.extensions_mut().insert(SessionClaims(
                serde_json::json!({"account": 42, "roles": ["editor"]}),
            ));
            Ok(answer)
        }))
    })
    .await;
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    assert_eq!(response.status(), 201, "{:?}", response.body());
    let all: Vec<_> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0], "app-theme=dark; Path=/");
    let cookie = sent(&session_set_cookie(&response));
    let session = assert_signed_in(&read(&app, Some(&cookie)).await, "claims");
    assert_eq!(
        session["claims"],
        serde_json::json!({"account": 42, "roles": ["editor"]})
    );
    assert!(!cookie.contains("editor"), "{cookie}");
    // Without claims, `claims` is null.
    let (mock, plain, _) = fixture(&adapter).await;
    let cookie = signed_in(&plain, &mock).await;
    let session = assert_signed_in(&read(&plain, Some(&cookie)).await, "no claims");
    assert_eq!(session["claims"], serde_json::Value::Null);
}

/// `/session` answers the signed-in user, the provider and the session's times as JSON that
/// nothing caches; it keeps the user fields the app chose (by default not the username).
pub(super) async fn session_answers_the_signed_in_user_and_is_never_stored(adapter: Adapter) {
    let (mock, app, clock) = fixture(&adapter).await;
    let signed_in_at = clock.now_unix();
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    let result = assert_ok(&response);
    let cookie = sent(&session_set_cookie(&response));
    clock.advance(60);
    let answer = read(&app, Some(&cookie)).await;
    let session = assert_signed_in(&answer, "signed in");
    assert_eq!(
        header_text(&answer, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff"
    );
    assert!(
        !answer.headers().contains_key(header::SET_COOKIE),
        "no renewal before half the idle timeout"
    );
    let mut user = result["user"].clone();
    assert_eq!(user["username"], "ada", "the sign-in's user: {user}");
    user["username"] = serde_json::Value::Null;
    user["profileUrl"] = serde_json::Value::Null;
    assert_eq!(
        session,
        serde_json::json!({
            "providerType": "demo",
            "user": user,
            "claims": null,
            "signedInAt": signed_in_at,
            "expiresAt": signed_in_at + 7 * 24 * HOUR,
        })
    );
    assert_eq!(session["user"]["name"], "Ada Lovelace");
    assert_eq!(session["user"]["email"], "ada@example.test");
    assert_eq!(session["user"]["emailVerified"], true);
    // Among other cookies, in any Cookie header, and without Fetch Metadata.
    let among = format!("theme=dark; {cookie}; lang=en");
    assert_signed_in(&read(&app, Some(&among)).await, "among others");
    let two_headers = Request::get(format!("{}/session", app.prefix()))
        .header(header::COOKIE, "theme=dark")
        .header(header::COOKIE, cookie.as_str())
        .header("sec-fetch-site", "same-origin")
        .body(Bytes::new())
        .unwrap();
    assert_signed_in(&app.send(two_headers).await, "second Cookie header");
    assert_signed_in(
        &read_with(&app, Method::GET, Some(&cookie), &[("sec-fetch-site", "")]).await,
        "no Sec-Fetch-Site",
    );
}

/// Not signed in is 401 with an empty body: no cookie, an unrelated one, an empty session
/// cookie; and a cross-site request, cookie or not, since another site's page must not
/// learn who is signed in.
pub(super) async fn session_is_401_without_a_session_or_cross_site(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    assert_signed_out(&read(&app, None).await, "no cookie");
    assert_signed_out(&read(&app, Some("app-session=alice")).await, "unrelated");
    let empty = format!("{SESSION_COOKIE_SECURE}=");
    assert_signed_out(&read(&app, Some(&empty)).await, "empty");
    let cookie = signed_in(&app, &mock).await;
    let cross_site = read_with(
        &app,
        Method::GET,
        Some(&cookie),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_signed_out(&cross_site, "cross-site");
    let head = read_with(
        &app,
        Method::HEAD,
        Some(&cookie),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_signed_out(&head, "cross-site HEAD");
    assert_signed_in(&read(&app, Some(&cookie)).await, "same-origin");
}

/// `/session` takes GET and HEAD; HEAD answers GET's status and headers without the body.
/// `/sign_out` takes POST only. Every other method is 405 with `Allow`.
pub(super) async fn session_takes_get_and_head_and_sign_out_post_only(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    let cookie = signed_in(&app, &mock).await;
    let get = read(&app, Some(&cookie)).await;
    assert_signed_in(&get, "GET");
    let head = read_with(&app, Method::HEAD, Some(&cookie), &[]).await;
    assert_eq!(head.status(), 200);
    assert!(head.body().is_empty(), "{:?}", head.body());
    assert_eq!(
        header_text(&head, header::CONTENT_LENGTH),
        get.body().len().to_string()
    );
    assert_eq!(header_text(&head, header::CONTENT_TYPE), "application/json");
    assert_eq!(header_text(&head, header::CACHE_CONTROL), "no-store");
    let head = read_with(&app, Method::HEAD, None, &[]).await;
    assert_signed_out(&head, "HEAD without a cookie");

    let methods = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
    ];
    for (path, allow) in [("/session", "GET, HEAD"), ("/sign_out", "POST")] {
        for method in methods.iter().filter(|m| !allow.contains(m.as_str())) {
            let headers = [
                ("content-type", "application/json"),
                ("origin", ORIGIN),
                ("sec-fetch-site", "same-origin"),
                ("cookie", cookie.as_str()),
            ];
            let response = send(&app, method.clone(), path, &headers, "{}").await;
            let what = format!("{method} {path}");
            assert_eq!(response.status(), 405, "{what}: {:?}", response.body());
            assert_eq!(header_text(&response, header::ALLOW), allow, "{what}");
            assert_eq!(
                header_text(&response, header::CACHE_CONTROL),
                "no-store",
                "{what}"
            );
            assert!(session_set_cookies(&response).is_empty(), "{what}");
            if method == Method::HEAD {
                assert!(response.body().is_empty(), "{what}");
            } else {
                assert_error(&response, 405, "ValidationError");
            }
        }
    }
}

/// A session not renewed ends at its idle timeout; one read past half that timeout is
/// renewed with a cookie that lives a whole idle timeout from then, beyond the first one's
/// end; before half, nothing is renewed.
pub(super) async fn renewal_past_half_the_idle_timeout_outlives_the_idle_end(adapter: Adapter) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let sessions = ten_hours_idle_after_four();
    let app = sessions_app(&adapter, &mock, &clock, sessions, |b| b).await;
    let start = clock.now_unix();
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    let first = session_set_cookie(&response);
    assert_eq!(max_age(&first), 4 * HOUR, "{first}");
    let first = sent(&first);

    clock.advance(2 * HOUR - 1);
    let early = read(&app, Some(&first)).await;
    assert_signed_in(&early, "before half");
    assert!(session_set_cookies(&early).is_empty(), "renewed early");

    clock.advance(1);
    let half = read(&app, Some(&first)).await;
    let session = assert_signed_in(&half, "at half");
    assert_eq!(session["signedInAt"], start);
    assert_eq!(session["expiresAt"], start + 10 * HOUR);
    let renewal = session_set_cookie(&half);
    assert_session_cookie(&renewal, SESSION_COOKIE_SECURE, true, 4 * HOUR);
    // It outlives the first cookie: that one ends at start + 4 h, this one at start + 6 h.
    assert!(clock.now_unix() + max_age(&renewal) > start + 4 * HOUR);
    let renewed = sent(&renewal);
    assert_ne!(renewed, first);

    clock.advance(2 * HOUR - 1);
    assert_signed_in(&read(&app, Some(&first)).await, "the first, before its end");
    clock.advance(1);
    assert_signed_out(&read(&app, Some(&first)).await, "the first, idle 4 h");
    let still = assert_signed_in(&read(&app, Some(&renewed)).await, "renewed");
    assert_eq!(still["signedInAt"], start);

    clock.advance(2 * HOUR - 1);
    assert_signed_in(&read(&app, Some(&renewed)).await, "renewed, before its end");
    clock.advance(1);
    assert_signed_out(&read(&app, Some(&renewed)).await, "renewed, idle 4 h");
}

/// The absolute lifetime ends a session however often it is renewed: the last renewal's
/// cookie lives only to that end.
pub(super) async fn the_absolute_lifetime_ends_a_session_however_active(adapter: Adapter) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let sessions = ten_hours_idle_after_four();
    let app = sessions_app(&adapter, &mock, &clock, sessions, |b| b).await;
    let start = clock.now_unix();
    let mut cookie = signed_in(&app, &mock).await;
    // Active every 3 hours: each read is past half the idle timeout and renews.
    for (hours, expected_max_age) in [(3, 4 * HOUR), (6, 4 * HOUR), (9, HOUR)] {
        clock.advance(3 * HOUR);
        let answer = read(&app, Some(&cookie)).await;
        let session = assert_signed_in(&answer, &format!("at {hours} h"));
        assert_eq!(session["expiresAt"], start + 10 * HOUR);
        let renewal = session_set_cookie(&answer);
        assert_eq!(max_age(&renewal), expected_max_age, "at {hours} h");
        cookie = sent(&renewal);
    }
    clock.advance(HOUR - 1);
    let last = read(&app, Some(&cookie)).await;
    assert_signed_in(&last, "just before the end");
    assert!(
        session_set_cookies(&last).is_empty(),
        "renewed at 9 h already"
    );
    clock.advance(1);
    assert_signed_out(&read(&app, Some(&cookie)).await, "at the absolute end");
}

/// The idle timeout alone ends a session that nobody reads.
pub(super) async fn the_idle_timeout_ends_an_unused_session(adapter: Adapter) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let sessions = ten_hours_idle_after_four();
    let app = sessions_app(&adapter, &mock, &clock, sessions, |b| b).await;
    let cookie = signed_in(&app, &mock).await;
    clock.advance(4 * HOUR - 1);
    assert_signed_in(&read(&app, Some(&cookie)).await, "before");
    clock.advance(1);
    assert_signed_out(&read(&app, Some(&cookie)).await, "idle");
    clock.advance(7 * 24 * HOUR);
    assert_signed_out(&read(&app, Some(&cookie)).await, "long after");
}

/// After a secret rotation (`.secret(new).previous_secret(old)`), a session sealed under the
/// old secret is still read, and renewed at once under the new one; without the old
/// secret, it is over, while the renewed cookie lives on.
pub(super) async fn a_session_of_the_previous_secret_moves_to_the_current_one(adapter: Adapter) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let old = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.secret(OLD_SECRET)
    })
    .await;
    let start = clock.now_unix();
    let old_cookie = signed_in(&old, &mock).await;
    clock.advance(60);

    let rotated = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.previous_secret(OLD_SECRET)
    })
    .await;
    let answer = read(&rotated, Some(&old_cookie)).await;
    let session = assert_signed_in(&answer, "rotated");
    assert_eq!(session["user"]["id"], "mock-user-1");
    assert_eq!(session["signedInAt"], start);
    let renewal = session_set_cookie(&answer);
    assert_session_cookie(&renewal, SESSION_COOKIE_SECURE, true, 24 * HOUR);
    let moved = sent(&renewal);
    assert_ne!(moved, old_cookie);
    // The moved cookie is current: no renewal.
    let again = read(&rotated, Some(&moved)).await;
    assert_signed_in(&again, "moved");
    assert!(session_set_cookies(&again).is_empty(), "{again:?}");

    let retired = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| b).await;
    assert_signed_out(&read(&retired, Some(&old_cookie)).await, "old, retired");
    let current = assert_signed_in(&read(&retired, Some(&moved)).await, "moved, retired");
    assert_eq!(current["signedInAt"], start);
    // The old secret alone cannot read what the new one sealed.
    assert_signed_out(&read(&old, Some(&moved)).await, "moved, at the old app");
}

/// Any change to the cookie (every bit position, every byte of the sealed value, every
/// character of its text, a shorter or longer value) is "not signed in": 401, never an
/// error or a crash, and the app goes on reading the real cookie.
pub(super) async fn a_tampered_cookie_in_any_byte_is_not_signed_in(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    let cookie = signed_in(&app, &mock).await;
    let (name, value) = name_value(&cookie);
    let raw = URL_SAFE_NO_PAD
        .decode(value)
        .expect("the value is base64url");
    let reads = |value: String| {
        let cookie = format!("{name}={value}");
        let app = &app;
        async move { read(app, Some(&cookie)).await }
    };
    for index in 0..raw.len() {
        let mut tampered = raw.clone();
        tampered[index] ^= 1 << (index % 8);
        let response = reads(URL_SAFE_NO_PAD.encode(&tampered)).await;
        assert_signed_out(&response, &format!("byte {index} of {}", raw.len()));
    }
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (index, character) in value.bytes().enumerate() {
        let at = ALPHABET
            .iter()
            .position(|&c| c == character)
            .expect("a base64url character");
        let mut changed = value.as_bytes().to_vec();
        changed[index] = ALPHABET[(at + 1 + index % 63) % 64];
        let changed = String::from_utf8(changed).unwrap();
        let response = reads(changed).await;
        assert_signed_out(&response, &format!("character {index} of {}", value.len()));
    }
    for (what, changed) in [
        ("one character short", value[..value.len() - 1].to_owned()),
        ("the first character gone", value[1..].to_owned()),
        ("one character more", format!("{value}A")),
        ("padded", format!("{value}=")),
        (
            "a byte short",
            URL_SAFE_NO_PAD.encode(&raw[..raw.len() - 1]),
        ),
        (
            "a byte more",
            URL_SAFE_NO_PAD.encode([&raw[..], b"\0"].concat()),
        ),
        ("standard base64", value.replace('-', "+").replace('_', "/")),
        ("a dot inside", format!("{}.{}", &value[..10], &value[10..])),
        ("its first 44 characters", value[..44].to_owned()),
    ] {
        if changed == value {
            continue;
        }
        assert_signed_out(&reads(changed).await, what);
    }
    assert_signed_in(&read(&app, Some(&cookie)).await, "the real cookie still");
}

/// A session sealed by another app (another secret) is not one of this app's; nor is a
/// cookie longer than browsers keep. A junk session cookie before the real one does not
/// hide it.
pub(super) async fn a_foreign_or_oversize_cookie_is_not_signed_in(adapter: Adapter) {
    let (mock, app, clock) = fixture(&adapter).await;
    let foreign = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.secret(FOREIGN_SECRET)
    })
    .await;
    let theirs = signed_in(&foreign, &mock).await;
    assert_signed_in(&read(&foreign, Some(&theirs)).await, "at its own app");
    assert_signed_out(&read(&app, Some(&theirs)).await, "another app's session");

    let ours = signed_in(&app, &mock).await;
    let (name, value) = name_value(&ours);
    let limit = coauth_core::MAX_SESSION_COOKIE_BYTES;
    let oversize = [
        format!("{name}={}", "A".repeat(limit)),
        format!("{name}={value}{}", "A".repeat(limit - value.len())),
    ];
    for cookie in &oversize {
        assert!(cookie.len() > limit);
        assert_signed_out(&read(&app, Some(cookie)).await, "oversize");
    }
    let junk_first = format!("{}; {ours}", oversize[0]);
    assert_signed_in(
        &read(&app, Some(&junk_first)).await,
        "junk, then the session",
    );
    let foreign_first = format!("{theirs}; {ours}");
    assert_signed_in(
        &read(&app, Some(&foreign_first)).await,
        "foreign, then ours",
    );
}

/// Sign-out answers 204 with a cookie that clears the session, which the browser applies:
/// then it is signed out. Both session cookies sent, both cleared; without one, 204 and no
/// cookie. The body may be empty or a JSON object.
pub(super) async fn sign_out_clears_the_session_cookie(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    let cookie = signed_in(&app, &mock).await;
    let response = sign_out(&app, Some(&cookie), &[], "{}").await;
    assert_eq!(response.status(), 204, "{:?}", response.body());
    assert!(response.body().is_empty());
    assert_eq!(header_text(&response, header::CACHE_CONTROL), "no-store");
    let cleared = session_set_cookies(&response);
    assert_eq!(
        cleared,
        [format!(
            "{SESSION_COOKIE_SECURE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"
        )]
    );
    assert_eq!(
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .count(),
        1
    );
    // The browser replaces the cookie with an empty one that has expired: it sends nothing.
    assert_eq!(max_age(&cleared[0]), 0);
    assert_signed_out(&read(&app, None).await, "after sign-out");
    // Had it kept the emptied value, that is no session either.
    assert_signed_out(&read(&app, Some(&sent(&cleared[0]))).await, "emptied");

    let empty_body = sign_out(&app, Some(&cookie), &[], "").await;
    assert_eq!(empty_body.status(), 204);
    assert_eq!(session_set_cookies(&empty_body).len(), 1);
    let with_fields = sign_out(&app, Some(&cookie), &[], r#"{"reason":"user"}"#).await;
    assert_eq!(with_fields.status(), 204);
    // JSON is matched as a media type, parameters and case aside.
    let charset = [("content-type", "Application/JSON; charset=utf-8")];
    let with_charset = sign_out(&app, Some(&cookie), &charset, "{}").await;
    assert_eq!(with_charset.status(), 204, "{:?}", with_charset.body());
    assert_eq!(session_set_cookies(&with_charset).len(), 1);

    let both = format!("{cookie}; {SESSION_COOKIE_LOOPBACK}=whatever; theme=dark");
    let response = sign_out(&app, Some(&both), &[], "{}").await;
    assert_eq!(response.status(), 204);
    let mut cleared = session_set_cookies(&response);
    cleared.sort();
    assert_eq!(
        cleared,
        [
            format!("{SESSION_COOKIE_SECURE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure"),
            format!("{SESSION_COOKIE_LOOPBACK}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        ]
    );

    for cookie in [None, Some("theme=dark")] {
        let response = sign_out(&app, cookie, &[], "{}").await;
        assert_eq!(response.status(), 204, "{cookie:?}");
        assert!(
            !response.headers().contains_key(header::SET_COOKIE),
            "{cookie:?}: {:?}",
            response.headers()
        );
    }
}

/// Another site cannot sign the user out: sign-out takes only JSON (a form or text/plain
/// needs no preflight), from an allowed Origin, not cross-site; each refusal clears nothing.
pub(super) async fn sign_out_is_refused_to_other_sites_and_other_media_types(adapter: Adapter) {
    let (mock, app, _clock) = fixture(&adapter).await;
    let cookie = signed_in(&app, &mock).await;
    let cookie = Some(cookie.as_str());
    let refusals: [(&str, Pairs, &str, u16, &str); 10] = [
        (
            "a foreign Origin",
            vec![("origin", "https://evil.example")],
            "{}",
            400,
            "InputError",
        ),
        (
            "a sibling origin",
            vec![("origin", "https://sub.app.example")],
            "{}",
            400,
            "InputError",
        ),
        ("no Origin", vec![("origin", "")], "{}", 400, "InputError"),
        (
            "cross-site",
            vec![("sec-fetch-site", "cross-site")],
            "{}",
            400,
            "InputError",
        ),
        (
            "text/plain",
            vec![("content-type", "text/plain")],
            "{}",
            415,
            "ValidationError",
        ),
        (
            "a form",
            vec![("content-type", "application/x-www-form-urlencoded")],
            "a=1",
            415,
            "ValidationError",
        ),
        (
            "no content type",
            vec![("content-type", "")],
            "",
            415,
            "ValidationError",
        ),
        ("an array", vec![], "[]", 400, "ValidationError"),
        ("not JSON", vec![], "{", 400, "ValidationError"),
        ("null", vec![], "null", 400, "ValidationError"),
    ];
    for (what, changes, body, status, code) in refusals {
        let response = sign_out(&app, cookie, &changes, body).await;
        assert_error(&response, status, code);
        assert!(
            !response.headers().contains_key(header::SET_COOKIE),
            "{what}: {:?}",
            response.headers()
        );
        assert_eq!(
            header_text(&response, header::CACHE_CONTROL),
            "no-store",
            "{what}"
        );
    }
    // A foreign Origin is refused even without Fetch Metadata.
    let response = sign_out(
        &app,
        cookie,
        &[("origin", "https://evil.example"), ("sec-fetch-site", "")],
        "{}",
    )
    .await;
    assert_error(&response, 400, "InputError");
    assert!(session_set_cookies(&response).is_empty());
    assert_signed_in(&read(&app, cookie).await, "still signed in");
}

/// What the echoing result hook answers: what coauth told it about the flow.
fn echo_hook() -> impl coauth_core::ResultHook {
    result_hook(|result, _request| async move {
        Ok(json_response(
            StatusCode::OK,
            &serde_json::json!({
                "linkingUser": result.linking_user,
                "identity": result.identity,
                "userId": result.user.id,
            }),
        ))
    })
}

/// `POST auth_url` with `identity` (account linking), from a browser sending `cookie`.
async fn linking_auth_url(
    app: &App,
    provider: &str,
    identity: &serde_json::Value,
    cookie: Option<&str>,
) -> Response<Bytes> {
    let body = serde_json::json!({"providerType": provider, "redirectUri": REDIRECT_URI,
        "identity": identity});
    app.post_json("/auth_url", &body, cookie).await
}

/// Signs in to `app` with `provider` through `mock`; returns the session cookie.
async fn signed_in_with(app: &App, mock: &MockProvider, provider: &str) -> String {
    let response = app.sign_in(provider, mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    sent(&session_set_cookie(&response))
}

/// Without a `session_user` hook of the app's own, account linking takes the session's user
/// (`{provider}:{user id}`): the result hook learns it, and the linking result starts no new
/// session (the user stays who they were). A session of another user at the result is
/// refused before any provider call.
pub(super) async fn linking_uses_the_session_as_the_signed_in_user(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let clock = TestClock::starting_now();
    let app = sessions_app(&adapter, &mock, &clock, Sessions::new(), |b| {
        b.provider("second", mock_oauth2(&mock, &config))
            .result_hook(echo_hook())
    })
    .await;
    let session = signed_in_with(&app, &mock, "demo").await;
    let identity = serde_json::json!({"account": "demo:mock-user-1"});
    let started =
        Started::from_response(&linking_auth_url(&app, "second", &identity, Some(&session)).await);
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = serde_json::json!({"providerType": "second", "flow": started.flow,
        "response": params, "redirectUri": REDIRECT_URI});

    // Another user's session at the result: refused, nothing spent.
    let other = signed_in_with(&app, &mock, "second").await;
    let tokens = mock.calls(Endpoint::Token);
    let as_other = format!("{}; {other}", started.cookie);
    let refused = app.post_json("/result", &body, Some(&as_other)).await;
    let message = assert_error(&refused, 400, "InputError");
    assert!(message.contains("another app user"), "{message}");
    assert!(!message.contains("mock-user-1"), "{message}");
    assert!(session_set_cookies(&refused).is_empty());
    assert_eq!(mock.calls(Endpoint::Token), tokens);
    // Signed out before the result: refused.
    let refused = app.post_json("/result", &body, Some(&started.cookie)).await;
    assert_error(&refused, 400, "InputError");
    assert_eq!(mock.calls(Endpoint::Token), tokens);

    let cookie = format!("{}; {session}", started.cookie);
    let linked = app.post_json("/result", &body, Some(&cookie)).await;
    assert_eq!(
        assert_ok(&linked),
        serde_json::json!({"linkingUser": "demo:mock-user-1", "identity": identity,
            "userId": "mock-user-1"})
    );
    assert!(
        session_set_cookies(&linked).is_empty(),
        "a linking result starts no session: {:?}",
        linked.headers()
    );
    let still = assert_signed_in(&read(&app, Some(&session)).await, "after linking");
    assert_eq!(still["providerType"], "demo");
}

/// Without a session (none, expired, tampered), a linking flow is refused at `auth_url`
/// with an InputError, before any provider call and without a binding cookie.
pub(super) async fn linking_without_a_session_is_refused_at_auth_url(adapter: Adapter) {
    let mock = MockProvider::start(MockConfig::default()).await;
    let clock = TestClock::starting_now();
    let sessions = Sessions::new()
        .absolute_lifetime(std::time::Duration::from_secs(2 * HOUR))
        .idle_timeout(std::time::Duration::from_secs(HOUR));
    let app = sessions_app(&adapter, &mock, &clock, sessions, |b| {
        b.result_hook(echo_hook())
    })
    .await;
    let session = signed_in(&app, &mock).await;
    let identity = serde_json::json!({"account": "demo:mock-user-1"});
    let linking = linking_auth_url(&app, "demo", &identity, Some(&session)).await;
    assert_eq!(linking.status(), 200, "signed in: {:?}", linking.body());
    let (name, value) = name_value(&session);
    let mut flipped = value.as_bytes().to_vec();
    flipped[30] = if flipped[30] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{name}={}", String::from_utf8(flipped).unwrap());
    // Just before the session's idle end, then at it.
    clock.advance(HOUR - 1);
    let mut messages = Vec::new();
    for (what, cookie, advance) in [
        ("no cookie", None, 0),
        ("an unrelated cookie", Some("app-session=alice"), 0),
        ("a tampered session", Some(tampered.as_str()), 0),
        ("an expired session", Some(session.as_str()), 1),
    ] {
        clock.advance(advance);
        let refused = linking_auth_url(&app, "demo", &identity, cookie).await;
        messages.push((what, assert_error(&refused, 400, "InputError")));
        assert!(
            !refused.headers().contains_key(header::SET_COOKIE),
            "{what}: {:?}",
            refused.headers()
        );
    }
    assert_eq!(mock.calls(Endpoint::Token), 1, "the sign-in's only");
    // The refusal says what is missing: a signed-in user. Linking is enabled (the session
    // is the signed-in user), so it must not say otherwise.
    for (what, message) in messages {
        assert!(message.contains("signed in"), "{what}: {message}");
        assert!(!message.contains("not enabled"), "{what}: {message}");
    }
}

/// Sessions of the lifetime cases: 10 hours at most, 4 hours idle.
fn ten_hours_idle_after_four() -> Sessions {
    Sessions::new()
        .absolute_lifetime(std::time::Duration::from_secs(10 * HOUR))
        .idle_timeout(std::time::Duration::from_secs(4 * HOUR))
}
