//! The consumer presets' quirks, each against real HTTP: what `presets_declared.rs` cannot
//! show from a declaration alone. Two kinds of provider stand in:
//!
//! - the declared mock (`coauth_tests::mock_provider::declared`), which insists on what the
//!   declaration says, for the requests a preset sends (a renamed client id, a repeated
//!   `state`, fixed parameters);
//! - a scripted provider (`Scripted` below), whose token and API endpoints answer exactly
//!   what a test gives them, for the answers a preset must read in the provider's own shape
//!   (an error with HTTP 200, a success mark, a token answer naming another user than the
//!   profile, a list of emails). A sign-in with it starts at coauth and posts the provider's
//!   redirect to `result` directly: the scripted provider has no authorization page.
//!
//! Each test fails when the preset's handling of its quirk breaks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::any;
use coauth_core::oauth2::OAuth2Provider;
use coauth_core::presets::spec::OAuth2Preset;
use coauth_core::presets::{
    BattleNet, Instagram, Kakao, Naver, PayPal, Snapchat, Strava, Threads, TikTok, Weibo,
};
use coauth_core::{ConfigError, IntoProvider};
use coauth_tests::fixture::{
    App, Transport, app_builder, assert_ok, assert_provider_failure, http_client_with_timeout,
    query_param,
};
use coauth_tests::mock::{Decision, MockIdp};
use coauth_tests::mock_provider::MockUser;
use coauth_tests::mock_provider::declared::{DeclaredConfig, MockDeclared};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Value, json};

/// The provider's name in the apps under test.
const NAME: &str = "social";

/// An app with `provider`, reached in process; a provider call may take 5 s.
async fn app(provider: impl IntoProvider) -> App {
    let coauth = app_builder(NAME, provider)
        .http_client(http_client_with_timeout(Duration::from_secs(5)))
        .build()
        .expect("a valid coauth configuration");
    App::axum(coauth, Transport::InProcess).await
}

/// A request the scripted provider received.
#[derive(Debug, Clone)]
struct Received {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    form: Vec<(String, String)>,
}

impl Received {
    fn query(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    fn form(&self, name: &str) -> Option<&str> {
        find(&self.form, name)
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn decode(text: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// What the scripted provider answers at a path: a status and a JSON body.
#[derive(Clone)]
struct Answer {
    path: &'static str,
    status: StatusCode,
    body: Value,
}

/// `body` with HTTP 200 at `path`.
fn ok(path: &'static str, body: Value) -> Answer {
    Answer {
        path,
        status: StatusCode::OK,
        body,
    }
}

#[derive(Default)]
struct Script {
    answers: Vec<Answer>,
    received: Vec<Received>,
}

/// A provider on loopback whose endpoints answer what the test scripted, and record what
/// they received.
#[derive(Clone)]
struct Scripted {
    base: String,
    script: Arc<Mutex<Script>>,
}

impl Scripted {
    async fn start(answers: Vec<Answer>) -> Scripted {
        let script = Arc::new(Mutex::new(Script {
            answers,
            received: Vec::new(),
        }));
        let app = Router::new()
            .fallback(any(answer))
            .with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Scripted { base, script }
    }

    /// What `path` received, in order.
    fn received(&self, path: &str) -> Vec<Received> {
        let script = self.script.lock().unwrap();
        script
            .received
            .iter()
            .filter(|received| received.path == path)
            .cloned()
            .collect()
    }
}

async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let mut script = script.lock().unwrap();
    script.received.push(Received {
        method,
        path: uri.path().to_owned(),
        query: decode(uri.query().unwrap_or("").as_bytes()),
        headers,
        form: decode(&body),
    });
    match script
        .answers
        .iter()
        .find(|answer| answer.path == uri.path())
    {
        Some(answer) => (
            answer.status,
            [(http::header::CONTENT_TYPE, "application/json")],
            answer.body.to_string(),
        ),
        None => (
            StatusCode::NOT_FOUND,
            [(http::header::CONTENT_TYPE, "application/json")],
            json!({"error": "not_found"}).to_string(),
        ),
    }
}

/// Signs in with `provider` at a scripted provider: starts at coauth, then posts the
/// provider's redirect (`code` and the flow's `state`) to `result`. Answers the response.
async fn sign_in(provider: OAuth2Provider) -> (App, http::Response<Bytes>) {
    let app = app(provider).await;
    let started = app.start(NAME).await;
    let state = query_param(&started.url, "state").expect("a state");
    let response = app
        .finish_with(
            NAME,
            &started,
            json!({"code": "scripted-code", "state": state}),
            json!({"fields": ["email"]}),
        )
        .await;
    (app, response)
}

/// Signs in against `scripted` and asserts `500 ProviderError`; answers the detailed
/// message the app's error hook got.
async fn refused(provider: OAuth2Provider) -> String {
    let (app, response) = sign_in(provider).await;
    assert_provider_failure(&response, "ProviderError");
    app.reported_error()
}

/// The declared mock of `spec` with Ada signed in, and an app with the preset `build` makes
/// against it; signs in once and answers the mock (for what the requests carried).
async fn declared_sign_in(
    spec: &'static OAuth2Preset,
    build: impl FnOnce(String, String, &str) -> Result<OAuth2Provider, ConfigError>,
) -> (MockDeclared, String) {
    let mock = MockDeclared::start(DeclaredConfig {
        user: MockUser {
            id: "583231".into(),
            ..MockUser::default()
        },
        ..DeclaredConfig::new(spec)
    })
    .await;
    let provider = build("mock-client".into(), "mock-secret".into(), &mock.base_url())
        .expect("the preset builds against the mock");
    let app = app(provider).await;
    let started = app.start(NAME).await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    let response = app.finish(NAME, &started, params).await;
    assert_eq!(
        response.status(),
        200,
        "{:?}; {}; {:?}",
        response.body(),
        app.reported_error(),
        mock.refusals()
    );
    (mock, started.url)
}

// Strava.

fn strava(base: &str) -> OAuth2Provider {
    Strava::new("id", "secret")
        .with_hosts(base, base)
        .build()
        .unwrap()
}

/// The token answer names the athlete: the profile of another one is refused.
#[tokio::test]
async fn strava_refuses_a_profile_of_another_athlete_than_the_token_s() {
    let token = |athlete: u64| {
        ok(
            "/oauth/token",
            json!({"token_type": "Bearer", "access_token": "a", "refresh_token": "r",
                   "expires_at": 1568775134, "expires_in": 21600,
                   "athlete": {"id": athlete, "username": "marianne_t"}}),
        )
    };
    let athlete = ok(
        "/api/v3/athlete",
        json!({"id": 1234567890987654321_u64, "username": "marianne_t",
               "firstname": "Marianne", "lastname": "T.", "profile": "https://x.test/large.jpg"}),
    );
    let same = Scripted::start(vec![token(1234567890987654321), athlete.clone()]).await;
    let (_, response) = sign_in(strava(&same.base)).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], "1234567890987654321");
    assert_eq!(user["name"], "Marianne T.");
    let other = Scripted::start(vec![token(42), athlete]).await;
    let message = refused(strava(&other.base)).await;
    assert!(message.contains("different users"), "{message}");
}

/// `approval_prompt=auto` and comma-separated scopes on the authorization page.
#[tokio::test]
async fn strava_asks_for_approval_only_once() {
    let (mock, url) = declared_sign_in(Strava::SPEC, |id, secret, base| {
        Strava::new(id, secret).with_hosts(base, base).build()
    })
    .await;
    assert_eq!(
        query_param(&url, "approval_prompt").as_deref(),
        Some("auto")
    );
    assert!(mock.refusals().is_empty());
}

// Naver.

fn naver(base: &str) -> OAuth2Provider {
    Naver::new("id", "secret")
        .with_hosts(base, base)
        .build()
        .unwrap()
}

fn naver_token() -> Answer {
    // Naver sends `expires_in` as a string.
    ok(
        "/oauth2.0/token",
        json!({"access_token": "a", "refresh_token": "r", "token_type": "bearer",
               "expires_in": "3600"}),
    )
}

/// The profile API marks every answer: `resultcode` `00` is a success, anything else an
/// error, with HTTP 200 as well.
#[tokio::test]
async fn naver_reads_the_response_of_a_00_answer_and_refuses_any_other_code() {
    let success = Scripted::start(vec![
        naver_token(),
        ok(
            "/v1/nid/me",
            json!({"resultcode": "00", "message": "success", "response": {
                "id": "32742776", "nickname": "OpenAPI", "email": "openapi@naver.com",
                "profile_image": "https://ssl.pstatic.net/p.gif"}}),
        ),
    ])
    .await;
    let (_, response) = sign_in(naver(&success.base)).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], "32742776");
    assert_eq!(user["name"], "OpenAPI");
    assert_eq!(user["emailVerified"], Value::Null);
    let failure = Scripted::start(vec![
        naver_token(),
        ok(
            "/v1/nid/me",
            json!({"resultcode": "024", "message": "Authentication failed"}),
        ),
    ])
    .await;
    let message = refused(naver(&failure.base)).await;
    assert!(message.contains("024"), "{message}");
}

/// The token request repeats the redirect's `state`, and a token error comes with HTTP 200.
#[tokio::test]
async fn naver_repeats_the_state_and_reads_token_errors_sent_with_200() {
    let (mock, url) = declared_sign_in(Naver::SPEC, |id, secret, base| {
        Naver::new(id, secret).with_hosts(base, base).build()
    })
    .await;
    let token = mock.last_token_request().unwrap();
    let state = query_param(&url, "state").unwrap();
    assert_eq!(
        token
            .form
            .iter()
            .find(|(name, _)| name == "state")
            .map(|(_, value)| value.as_str()),
        Some(state.as_str())
    );
    let failure = Scripted::start(vec![ok(
        "/oauth2.0/token",
        json!({"error": "invalid_request", "error_description": "no valid data in session"}),
    )])
    .await;
    let message = refused(naver(&failure.base)).await;
    assert!(message.contains("invalid_request"), "{message}");
    assert!(
        failure.received("/oauth2.0/token")[0]
            .form("state")
            .is_some()
    );
    assert!(failure.received("/v1/nid/me").is_empty());
}

// Weibo.

fn weibo(base: &str) -> OAuth2Provider {
    Weibo::new("key", "secret")
        .with_hosts(base, base)
        .build()
        .unwrap()
}

fn weibo_token(uid: &str) -> Answer {
    ok(
        "/oauth2/access_token",
        json!({"access_token": "a", "remind_in": "157679999", "expires_in": 157679999,
               "uid": uid, "isRealName": "true"}),
    )
}

fn weibo_user() -> Value {
    json!({"id": 1404376560_u64, "idstr": "1404376560", "screen_name": "zaku", "name": "zaku",
           "domain": "zaku", "profile_url": "zaku",
           "avatar_large": "https://tvax1.sinaimg.cn/large/x.jpg"})
}

/// The profile call names the token answer's `uid` and carries the token as a query
/// parameter; a profile of another user is refused.
#[tokio::test]
async fn weibo_shows_the_token_s_uid() {
    let scripted = Scripted::start(vec![
        weibo_token("1404376560"),
        ok("/2/users/show.json", weibo_user()),
    ])
    .await;
    let (_, response) = sign_in(weibo(&scripted.base)).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], "1404376560");
    assert_eq!(user["profileUrl"], "https://weibo.com/u/1404376560");
    let show = &scripted.received("/2/users/show.json")[0];
    assert_eq!(show.method, Method::GET);
    assert_eq!(show.query("uid"), Some("1404376560"));
    assert_eq!(show.query("access_token"), Some("a"));
    assert!(show.headers.get(http::header::AUTHORIZATION).is_none());
    let other = Scripted::start(vec![
        weibo_token("1"),
        ok("/2/users/show.json", weibo_user()),
    ])
    .await;
    let message = refused(weibo(&other.base)).await;
    assert!(message.contains("different users"), "{message}");
}

/// API errors carry an `error_code`.
#[tokio::test]
async fn weibo_error_codes_are_provider_errors() {
    let scripted = Scripted::start(vec![
        weibo_token("1404376560"),
        Answer {
            path: "/2/users/show.json",
            status: StatusCode::OK,
            body: json!({"error": "expired_token", "error_code": 21327,
                         "request": "/2/users/show.json"}),
        },
    ])
    .await;
    let message = refused(weibo(&scripted.base)).await;
    assert!(message.contains("expired_token"), "{message}");
}

// TikTok.

fn tiktok(base: &str) -> OAuth2Provider {
    TikTok::new("key", "secret")
        .with_hosts(base, base)
        .build()
        .unwrap()
}

fn tiktok_token(open_id: &str) -> Answer {
    ok(
        "/v2/oauth/token/",
        json!({"access_token": "act.1", "expires_in": 86400, "open_id": open_id,
               "refresh_expires_in": 31536000, "refresh_token": "rft.1",
               "scope": "user.info.basic", "token_type": "Bearer"}),
    )
}

const OPEN_ID: &str = "723f24d7-e717-40f8-a2b6-cb8464cd23b4";

fn tiktok_user(code: &str) -> Value {
    json!({"data": {"user": {"open_id": OPEN_ID, "display_name": "Tik Toker",
                             "avatar_url": "https://p16.tiktokcdn.com/a.jpeg"}},
           "error": {"code": code, "message": "", "log_id": "20220829194722CBE87ED59D524E727021"}})
}

/// The client id travels as `client_key`, in the authorization URL and the token request,
/// and never as `client_id`.
#[tokio::test]
async fn tiktok_names_the_client_client_key() {
    let (mock, url) = declared_sign_in(TikTok::SPEC, |id, secret, base| {
        TikTok::new(id, secret).with_hosts(base, base).build()
    })
    .await;
    assert_eq!(
        query_param(&url, "client_key").as_deref(),
        Some("mock-client")
    );
    assert_eq!(query_param(&url, "client_id"), None);
    assert_eq!(
        query_param(&url, "scope").as_deref(),
        Some("user.info.basic")
    );
    let token = mock.last_token_request().unwrap();
    let field = |name: &str| {
        token
            .form
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    assert_eq!(field("client_key").as_deref(), Some("mock-client"));
    assert_eq!(field("client_secret").as_deref(), Some("mock-secret"));
    assert_eq!(field("client_id"), None);
}

/// Every user info answer carries an `error` object: `ok` is a success, anything else an
/// error, with HTTP 200 too.
#[tokio::test]
async fn tiktok_reads_the_error_object_of_every_answer() {
    let success = Scripted::start(vec![
        tiktok_token(OPEN_ID),
        ok("/v2/user/info/", tiktok_user("ok")),
    ])
    .await;
    let (_, response) = sign_in(tiktok(&success.base)).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], OPEN_ID);
    assert_eq!(user["name"], "Tik Toker");
    let info = &success.received("/v2/user/info/")[0];
    assert_eq!(
        info.query("fields"),
        Some("open_id,union_id,avatar_url,display_name")
    );
    assert_eq!(
        info.headers.get(http::header::AUTHORIZATION).unwrap(),
        "Bearer act.1"
    );
    let with_200 = Scripted::start(vec![
        tiktok_token(OPEN_ID),
        ok("/v2/user/info/", tiktok_user("scope_not_authorized")),
    ])
    .await;
    let message = refused(tiktok(&with_200.base)).await;
    assert!(message.contains("scope_not_authorized"), "{message}");
    let with_401 = Scripted::start(vec![
        tiktok_token(OPEN_ID),
        Answer {
            path: "/v2/user/info/",
            status: StatusCode::UNAUTHORIZED,
            body: json!({"error": {"code": "access_token_invalid",
                                   "message": "The access token is invalid or not found in the request.",
                                   "log_id": "1"}}),
        },
    ])
    .await;
    refused(tiktok(&with_401.base)).await;
}

/// The token answer names the user (`open_id`): a user info answer of another is refused.
#[tokio::test]
async fn tiktok_refuses_user_info_of_another_open_id() {
    let scripted = Scripted::start(vec![
        tiktok_token("another-open-id"),
        ok("/v2/user/info/", tiktok_user("ok")),
    ])
    .await;
    let message = refused(tiktok(&scripted.base)).await;
    assert!(message.contains("different users"), "{message}");
}

// Kakao.

/// `emailVerified` is true only when Kakao says the email is both verified and still valid.
#[tokio::test]
async fn kakao_trusts_an_email_only_while_it_is_valid() {
    let verdict = |verified: bool, valid: bool| async move {
        let scripted = Scripted::start(vec![
            ok(
                "/oauth/token",
                json!({"token_type": "bearer", "access_token": "a", "expires_in": 43199,
                       "refresh_token": "r", "refresh_token_expires_in": 5184000}),
            ),
            ok(
                "/v2/user/me",
                json!({"id": 123456789, "connected_at": "2022-04-11T01:45:28Z",
                       "kakao_account": {"profile": {"nickname": "홍길동",
                           "profile_image_url": "http://yyy.kakao.com/dn/img_640x640.jpg"},
                       "email": "sample@sample.com", "is_email_valid": valid,
                       "is_email_verified": verified}}),
            ),
        ])
        .await;
        let kakao = Kakao::new("key", "secret")
            .with_hosts(&scripted.base, &scripted.base)
            .build()
            .unwrap();
        let (_, response) = sign_in(kakao).await;
        let user = assert_ok(&response)["user"].clone();
        assert_eq!(user["id"], "123456789");
        assert_eq!(user["email"], "sample@sample.com");
        user["emailVerified"].clone()
    };
    assert_eq!(verdict(true, true).await, json!(true));
    assert_eq!(verdict(true, false).await, json!(false));
    assert_eq!(verdict(false, true).await, json!(false));
}

// Threads.

fn threads_token(user_id: u64) -> Answer {
    ok(
        "/oauth/access_token",
        json!({"access_token": "THQVJ", "user_id": user_id}),
    )
}

fn threads_me() -> Answer {
    ok(
        "/v1.0/me",
        json!({"id": "1234567", "username": "threadsapitestuser", "name": "Threads API Test User",
               "threads_profile_picture_url": "https://scontent-sjc3-1.cdninstagram.com/p.jpg"}),
    )
}

/// The token answer names the user (`user_id`): the profile of another is refused; the token
/// travels as the `access_token` query parameter with the named fields.
#[tokio::test]
async fn threads_reads_the_profile_of_the_token_s_user() {
    let threads = |base: &str| {
        Threads::new("id", "secret")
            .with_hosts(base, base)
            .build()
            .unwrap()
    };
    let same = Scripted::start(vec![threads_token(1234567), threads_me()]).await;
    let (_, response) = sign_in(threads(&same.base)).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], "1234567");
    assert_eq!(
        user["profileUrl"],
        "https://www.threads.com/@threadsapitestuser"
    );
    let me = &same.received("/v1.0/me")[0];
    assert_eq!(me.query("access_token"), Some("THQVJ"));
    assert_eq!(
        me.query("fields"),
        Some("id,username,name,threads_profile_picture_url")
    );
    let other = Scripted::start(vec![threads_token(7654321), threads_me()]).await;
    let message = refused(threads(&other.base)).await;
    assert!(message.contains("different users"), "{message}");
}

// Instagram.

/// The token endpoint is on the authorization window's host, the profile on the Graph API
/// host, which takes the token as the `access_token` query parameter; the user is the
/// app-scoped `id`, not the professional account's `user_id`. The token answer is read at the
/// top level and wrapped in `data`, as the two parts of Instagram's documentation show it.
#[tokio::test]
async fn instagram_reads_the_app_scoped_user_from_the_graph_host() {
    let flat = json!({"access_token": "IGQVJ", "user_id": 17841405793187218_u64,
                      "permissions": "instagram_business_basic"});
    let wrapped = json!({"data": [flat.clone()]});
    for answer in [flat, wrapped] {
        instagram_sign_in(answer).await;
    }
}

async fn instagram_sign_in(token_answer: Value) {
    let login = Scripted::start(vec![ok("/oauth/access_token", token_answer)]).await;
    let graph = Scripted::start(vec![ok(
        "/me",
        json!({"id": "7590282904327", "user_id": "17841405793187218", "username": "jayposiris",
               "name": "Jay Posiris", "profile_picture_url": "https://x.test/p.jpg"}),
    )])
    .await;
    let instagram = Instagram::new("id", "secret")
        .with_hosts(&login.base, &graph.base)
        .build()
        .unwrap();
    let (_, response) = sign_in(instagram).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], "7590282904327");
    assert_eq!(user["username"], "jayposiris");
    assert_eq!(
        login.received("/oauth/access_token")[0].form("client_secret"),
        Some("secret")
    );
    let me = &graph.received("/me")[0];
    assert_eq!(me.query("access_token"), Some("IGQVJ"));
    assert_eq!(
        me.query("fields"),
        Some("id,user_id,username,name,profile_picture_url")
    );
}

// Snapchat.

/// The profile API takes a GraphQL-style `query` parameter and answers `data.me`.
#[tokio::test]
async fn snapchat_queries_me_and_reads_data_me() {
    let accounts = Scripted::start(vec![ok(
        "/accounts/oauth2/token",
        json!({"access_token": "hCgEKCG", "token_type": "Bearer", "expires_in": 3600,
               "refresh_token": "hCgwKCj", "scope": "https://auth.snapchat.com/oauth2/api/user.external_id"}),
    )])
    .await;
    let kit = Scripted::start(vec![ok(
        "/v1/me",
        json!({"data": {"me": {"externalId": "CAESIPiRBp0e5gLDq7VVurQ3rVdmdbqxpOJWynjyBL/xlo0w",
                               "displayName": "Bitmoji User",
                               "bitmoji": {"avatar": "https://sdk.bitmoji.com/render/panel/a.png"}}}}),
    )])
    .await;
    let snapchat = Snapchat::new("id", "secret")
        .with_hosts(&accounts.base, &kit.base)
        .build()
        .unwrap();
    let (_, response) = sign_in(snapchat).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(
        user["id"],
        "CAESIPiRBp0e5gLDq7VVurQ3rVdmdbqxpOJWynjyBL/xlo0w"
    );
    assert_eq!(
        user["avatarUrl"],
        "https://sdk.bitmoji.com/render/panel/a.png"
    );
    let token = &accounts.received("/accounts/oauth2/token")[0];
    assert!(token.headers.get(http::header::AUTHORIZATION).is_some());
    assert_eq!(token.form("client_secret"), None);
    assert_eq!(
        kit.received("/v1/me")[0].query("query"),
        Some("{me{externalId displayName bitmoji{avatar}}}")
    );
}

// PayPal.

/// The email is the primary entry of `emails`, verified as its `confirmed` flag says;
/// `verified_account` (the PayPal account's status) does not make it verified.
#[tokio::test]
async fn paypal_takes_the_primary_email_and_its_confirmation() {
    let scripted = Scripted::start(vec![
        ok(
            "/v1/oauth2/token",
            json!({"token_type": "Bearer", "expires_in": 28800, "access_token": "A015",
                   "refresh_token": "R23A", "scope": "openid email profile"}),
        ),
        ok(
            "/v1/identity/oauth2/userinfo",
            json!({"user_id": "https://www.paypal.com/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA",
                   "name": "identity test", "verified_account": "true",
                   "emails": [{"value": "old@example.com", "primary": false, "confirmed": true},
                              {"value": "user1@example.com", "primary": true, "confirmed": false}]}),
        ),
    ])
    .await;
    let paypal = PayPal::new("id", "secret")
        .with_hosts(&scripted.base, &scripted.base)
        .build()
        .unwrap();
    let (_, response) = sign_in(paypal).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["email"], "user1@example.com");
    assert_eq!(user["emailVerified"], false);
    assert_eq!(
        scripted.received("/v1/identity/oauth2/userinfo")[0].query("schema"),
        Some("paypalv1.1")
    );
}

/// The sandbox is on its own hosts, and a host of neither environment is refused.
#[tokio::test]
async fn paypal_s_sandbox_hosts() {
    let sandbox = PayPal::new("id", "secret").sandbox().build().unwrap();
    let app = app(sandbox).await;
    let started = app.start(NAME).await;
    assert!(
        started
            .url
            .starts_with("https://www.sandbox.paypal.com/signin/authorize?"),
        "{}",
        started.url
    );
    assert_eq!(
        query_param(&started.url, "flowEntry").as_deref(),
        Some("static")
    );
    let spec = PayPal::SPEC;
    let other = coauth_core::presets::spec::PresetBuilder::new(spec, "id", "secret")
        .var("api_host", "api-m.paypal.example")
        .build();
    assert!(other.is_err());
}

// Battle.net.

/// China has its own OAuth host; the others share `oauth.battle.net`; an unknown region is
/// refused when built, and the user is `sub`, with the BattleTag as name.
#[tokio::test]
async fn battle_net_regions_and_the_battletag() {
    let start_url = |battlenet: BattleNet| async move {
        let app = app(battlenet.build().unwrap()).await;
        app.start(NAME).await.url
    };
    assert!(
        start_url(BattleNet::new("id", "secret").region("cn"))
            .await
            .starts_with("https://oauth.battlenet.com.cn/authorize?")
    );
    assert!(
        start_url(BattleNet::new("id", "secret").region("eu"))
            .await
            .starts_with("https://oauth.battle.net/authorize?")
    );
    assert!(
        BattleNet::new("id", "secret")
            .region("sea")
            .build()
            .is_err()
    );
    let scripted = Scripted::start(vec![
        ok(
            "/token",
            json!({"access_token": "USveJB", "token_type": "bearer", "expires_in": 86399,
                   "scope": "openid", "sub": "123456789", "id_token": "eyJ.x.y"}),
        ),
        ok(
            "/oauth/userinfo",
            json!({"sub": "123456789", "id": 123456789, "battletag": "Ada#1815"}),
        ),
    ])
    .await;
    let battlenet = BattleNet::new("id", "secret")
        .region("cn")
        .with_hosts(&scripted.base, &scripted.base)
        .build()
        .unwrap();
    let (_, response) = sign_in(battlenet).await;
    let user = &assert_ok(&response)["user"];
    assert_eq!(user["id"], "123456789");
    assert_eq!(user["name"], "Ada#1815");
    let token = &scripted.received("/token")[0];
    assert!(token.headers.get(http::header::AUTHORIZATION).is_some());
}
