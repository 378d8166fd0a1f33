//! The signed-in user in the app's own handlers: each adapter's extractor, filter or guard
//! (axum's `SignedIn`, warp's `signed_in` and `session`, rocket's `SignedIn`) on the routes
//! [`APP_ME`] and [`APP_MAYBE`] that the harnesses mount outside the coauth prefix
//! (tests/src/fixture/app_routes.rs), after a real sign-in with the mock provider.

use std::time::Duration;

use bytes::Bytes;
use coauth_core::{Clock, SESSION_COOKIE_SECURE, Sessions};
use http::{Method, Request, Response, header};

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

/// The idle timeout of the cases' sessions.
const IDLE: u64 = 3600;

/// An app keeping sessions that end after [`IDLE`] seconds without a renewal, signed in once
/// with the mock provider: the app, the session cookie as the browser sends it back, the
/// clock, and the mock with its configuration for a second app.
async fn signed_in(adapter: &Adapter) -> (App, String, TestClock, MockProvider, MockConfig) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let clock = TestClock::starting_now();
    let coauth = builder(&mock, &config, &clock)
        .sessions(Sessions::new().idle_timeout(Duration::from_secs(IDLE)))
        .build()
        .expect("valid configuration");
    let app = adapter.app(coauth).await;
    let cookie = sign_in(&app, &mock).await;
    (app, cookie, clock, mock, config)
}

/// Signs in at `app` and returns the session cookie its answer sets, as a browser sends it
/// back (`name=value`).
async fn sign_in(app: &App, mock: &MockProvider) -> String {
    let response = app.sign_in("demo", mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    session_set_cookie(&response)
        .expect("a successful sign-in sets the session cookie")
        .split(';')
        .next()
        .expect("split yields one item")
        .to_owned()
}

/// The `Set-Cookie` of the session cookie in `response`, if it sets one.
fn session_set_cookie(response: &Response<Bytes>) -> Option<String> {
    let prefix = format!("{SESSION_COOKIE_SECURE}=");
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("cookies are ASCII").to_owned())
        .find(|value| value.starts_with(&prefix))
}

/// `GET path` (an app route, outside the coauth prefix) with `cookie`, if any.
async fn get(app: &App, path: &str, cookie: Option<&str>) -> Response<Bytes> {
    let mut request = Request::builder().method(Method::GET).uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Bytes::new()).expect("a valid request"))
        .await
}

/// Asserts that the app's handlers answer `cookie` (or no cookie) as signed out: the handler
/// needing a user refuses with 401 and nothing of a session, the optional one answers
/// `{"signedIn": false}`; neither sets a cookie.
async fn assert_signed_out(app: &App, cookie: Option<&str>, what: &str) {
    let me = get(app, APP_ME, cookie).await;
    assert_eq!(me.status(), 401, "{what}: {:?}", me.body());
    assert!(
        me.headers().get(header::SET_COOKIE).is_none(),
        "{what}: {me:?}"
    );
    let body = String::from_utf8_lossy(me.body());
    assert!(
        !body.contains("mock-user-1") && !body.contains("Ada"),
        "{what}: {body}"
    );
    let maybe = get(app, APP_MAYBE, cookie).await;
    assert_eq!(
        assert_ok(&maybe),
        serde_json::json!({"signedIn": false}),
        "{what}"
    );
    assert!(
        maybe.headers().get(header::SET_COOKIE).is_none(),
        "{what}: {maybe:?}"
    );
}

/// After a sign-in, the app's handlers see the user through the adapter's form, with the
/// session `GET {base}/session` answers; without a renewal due, they set no cookie.
pub(super) async fn a_signed_in_user_reaches_the_handlers(adapter: Adapter) {
    let (app, cookie, clock, _mock, _config) = signed_in(&adapter).await;
    let now = clock.now_unix();

    let me = get(&app, APP_ME, Some(&cookie)).await;
    let session = assert_ok(&me);
    assert_eq!(
        header_text(&me, header::CONTENT_TYPE),
        "application/json",
        "{me:?}"
    );
    assert_fields(
        &session,
        serde_json::json!({
            "providerType": "demo",
            "signedInAt": now,
            "expiresAt": now + 7 * 24 * 3600,
        }),
    );
    assert_fields(
        &session["user"],
        serde_json::json!({
            "id": "mock-user-1",
            "name": "Ada Lovelace",
            "email": "ada@example.test",
            "emailVerified": true,
        }),
    );
    assert!(me.headers().get(header::SET_COOKIE).is_none(), "{me:?}");

    // The same session as the core's own resource answers.
    let resource = app
        .send(
            Request::get(format!("{}/session", app.prefix()))
                .header(header::COOKIE, &cookie)
                .body(Bytes::new())
                .expect("a valid request"),
        )
        .await;
    assert_eq!(assert_ok(&resource), session);

    let maybe = get(&app, APP_MAYBE, Some(&cookie)).await;
    assert_eq!(
        assert_ok(&maybe),
        serde_json::json!({"signedIn": true, "session": session})
    );
    assert!(
        maybe.headers().get(header::SET_COOKIE).is_none(),
        "{maybe:?}"
    );

    // The cookie among others, as browsers send it, is found.
    let among = format!("theme=dark; {cookie}; {}", session_cookie("someone"));
    assert_eq!(assert_ok(&get(&app, APP_ME, Some(&among)).await), session);
}

/// No session cookie, a tampered one, one of another app (another secret) or one that is
/// not a session at all: signed out, never a 500.
pub(super) async fn requests_without_a_valid_session_are_signed_out(adapter: Adapter) {
    let (app, cookie, clock, mock, config) = signed_in(&adapter).await;
    assert_signed_out(&app, None, "no cookie").await;
    assert_signed_out(&app, Some("theme=dark"), "another cookie").await;

    // The value is base64url: each tampering flips the top bit of one character's six,
    // which is data in every position, the last included.
    const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (name, value) = cookie.split_once('=').expect("name=value");
    for at in [0, value.len() / 2, value.len() - 1] {
        let mut tampered = value.as_bytes().to_vec();
        let digit = BASE64URL
            .iter()
            .position(|&c| c == tampered[at])
            .expect("the session cookie is base64url");
        tampered[at] = BASE64URL[digit ^ 0b10_0000];
        let tampered = format!("{name}={}", String::from_utf8(tampered).unwrap());
        assert_signed_out(&app, Some(&tampered), &format!("tampered at {at}")).await;
    }
    let truncated = &cookie[..cookie.len() - 4];
    assert_signed_out(&app, Some(truncated), "truncated").await;
    assert_signed_out(&app, Some(&format!("{name}=")), "empty").await;
    assert_signed_out(&app, Some(&format!("{name}=not-a-session")), "garbage").await;

    let other = builder(&mock, &config, &clock)
        .secret("another app's secret, thirty-two bytes or more")
        .sessions(Sessions::new())
        .build()
        .expect("valid configuration");
    let other = adapter.app(other).await;
    let foreign = sign_in(&other, &mock).await;
    assert_eq!(get(&other, APP_ME, Some(&foreign)).await.status(), 200);
    assert_signed_out(&app, Some(&foreign), "another app's session").await;

    // The app's own cookie still works after all that.
    assert_eq!(get(&app, APP_ME, Some(&cookie)).await.status(), 200);
}

/// A session idle for its whole idle timeout has ended: the handlers answer signed out.
pub(super) async fn an_idle_session_is_signed_out(adapter: Adapter) {
    let (app, cookie, clock, _mock, _config) = signed_in(&adapter).await;
    clock.advance(IDLE - 1);
    assert_eq!(get(&app, APP_ME, Some(&cookie)).await.status(), 200);
    clock.advance(1);
    assert_signed_out(&app, Some(&cookie), "idle for the whole timeout").await;
}

/// Read past half its idle timeout, the session is renewed by the handler's own answer: both
/// forms send the renewed cookie along with their body, and that cookie keeps the user
/// signed in after the first one has ended.
pub(super) async fn past_half_the_idle_timeout_the_handlers_answer_renews_the_session(
    adapter: Adapter,
) {
    let (app, cookie, clock, _mock, _config) = signed_in(&adapter).await;
    let signed_in_at = clock.now_unix();

    clock.advance(IDLE / 2 - 1);
    let early = get(&app, APP_ME, Some(&cookie)).await;
    assert_eq!(early.status(), 200);
    assert!(
        session_set_cookie(&early).is_none(),
        "no renewal before half the idle timeout: {early:?}"
    );

    clock.advance(1);
    let mut renewals = Vec::new();
    for path in [APP_ME, APP_MAYBE] {
        let response = get(&app, path, Some(&cookie)).await;
        let body = assert_ok(&response);
        assert_eq!(
            header_text(&response, header::CONTENT_TYPE),
            "application/json",
            "{path}"
        );
        let session = if path == APP_MAYBE {
            assert_eq!(body["signedIn"], true, "{path}");
            body["session"].clone()
        } else {
            body
        };
        assert_eq!(session["user"]["id"], "mock-user-1", "{path}");
        assert_eq!(session["signedInAt"], signed_in_at, "{path}");
        assert_eq!(
            response
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .count(),
            1,
            "{path}: one Set-Cookie, the renewal: {response:?}"
        );
        let renewal = session_set_cookie(&response)
            .unwrap_or_else(|| panic!("{path}: the renewal is sent: {response:?}"));
        let attributes: Vec<&str> = renewal.split("; ").collect();
        for expected in [
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            &format!("Max-Age={IDLE}"),
        ] {
            assert!(attributes.contains(&expected), "{path}: {renewal}");
        }
        renewals.push(attributes[0].to_owned());
    }

    // When the first cookie has been idle for the whole timeout, it has ended; each renewed
    // one lives on.
    clock.advance(IDLE / 2);
    assert_signed_out(&app, Some(&cookie), "the cookie before its renewal").await;
    for renewed in &renewals {
        let me = get(&app, APP_ME, Some(renewed)).await;
        let session = assert_ok(&me);
        assert_eq!(session["user"]["id"], "mock-user-1");
        assert_eq!(session["signedInAt"], signed_in_at);
        let maybe = get(&app, APP_MAYBE, Some(renewed)).await;
        assert_eq!(assert_ok(&maybe)["signedIn"], true);
    }
}
