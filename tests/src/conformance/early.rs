//! The early answer: a `result` request that waits (`"wait": true`) is answered once the
//! provider's redirect for its flow reaches the result page in the browser and the kind of
//! window that started the flow, through every adapter; the page whose answer it took
//! sends the window on to the same page without the answer.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;
use crate::mock::{Callback, Decision, Endpoint, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};
use coauth_core::result_hook;

/// Whether a result page request's answer was taken by a waiting request: the page sends
/// the window on to itself without the answer, and the answer appears nowhere.
fn taken(page: &Response<Bytes>, callback: &Callback) -> bool {
    let code = callback.param("code").or(callback.param("error")).unwrap();
    if page.status() == StatusCode::SEE_OTHER {
        assert_eq!(page.headers()[header::LOCATION], "result_page");
        assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store");
        assert!(page.body().is_empty());
        return true;
    }
    assert_eq!(page.status(), 200);
    assert!(!String::from_utf8_lossy(page.body()).contains(code));
    false
}

/// A waiting `result` request for `started`, as coauth.js sends it.
async fn wait(app: &App, started: &Started) -> Response<Bytes> {
    let body = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": {}, "wait": true});
    app.post_json("/result", &body, Some(&started.cookie)).await
}

/// The result page as the provider's redirect reaches it in a browser: `path` under the
/// prefix, with the callback's query and the request's `headers` (the browser's cookie, the
/// kind of window).
async fn land_with(
    app: &App,
    path: &str,
    callback: &Callback,
    headers: &[(&str, &str)],
) -> Response<Bytes> {
    let query = callback.url.query().unwrap_or_default();
    let mut request = Request::get(format!("{BASE}{path}?{query}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Bytes::new()).unwrap()).await
}

/// The result page as the provider's redirect reaches the popup of the browser that started
/// `started`.
async fn land(app: &App, path: &str, started: &Started, callback: &Callback) -> bool {
    let headers = [
        ("cookie", started.cookie.as_str()),
        ("sec-fetch-dest", "document"),
    ];
    taken(&land_with(app, path, callback, &headers).await, callback)
}

/// Lands on the result page until its answer is taken (the waiting request reaches the
/// server at its own pace, concurrently): how many landings it took.
async fn land_until_taken(app: &App, started: &Started, callback: &Callback) -> usize {
    for landing in 1..=500 {
        if land(app, "/result_page", started, callback).await {
            return landing;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no waiting request took the answer");
}

/// A waiting request for `started`, answered as the provider's redirect (`callback`)
/// reaches the result page in the flow's browser.
async fn answered_early(app: &App, started: &Started, callback: &Callback) -> Response<Bytes> {
    tokio::join!(wait(app, started), land_until_taken(app, started, callback)).0
}

pub(super) async fn a_waiting_request_gets_the_answer_that_reaches_the_result_page(
    adapter: Adapter,
) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let callback = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let waited = answered_early(&app, &started, &callback).await;
    let body = assert_ok(&waited);
    assert_eq!(waited.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(body["providerType"], "demo");
    assert_eq!(body["user"]["id"], "mock-user-1");
    assert_eq!(mock.calls(Endpoint::Token), 1);
    assert_eq!(mock.calls(Endpoint::Profile), 1);
    // The answer was taken once: a later landing is a plain page, and the code, already
    // redeemed, does not sign in again.
    assert!(!land(&app, "/result_page", &started, &callback).await);
    let again = app.finish("demo", &started, callback.json()).await;
    assert_ne!(again.status(), StatusCode::OK);
}

pub(super) async fn an_answer_nobody_waits_for_is_left_to_the_app_s_page(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let callback = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let headers = [("cookie", started.cookie.as_str())];
    let page = land_with(&app, "/result_page", &callback, &headers).await;
    assert!(!taken(&page, &callback));
    assert_eq!(
        page.body(),
        app.call(Method::GET, "/result_page").await.body()
    );
    assert_eq!(mock.calls(Endpoint::Token), 0);
    assert_ok(&app.finish("demo", &started, callback.json()).await);
}

pub(super) async fn a_denial_reaches_the_waiting_request_as_the_error_it_is(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let callback = mock.decide(&started.url, Decision::Deny).await.unwrap();
    let waited = answered_early(&app, &started, &callback).await;
    let plain = app.finish("demo", &started, callback.json()).await;
    assert_eq!(waited.status(), plain.status());
    assert_eq!(json(&waited)["code"], json(&plain)["code"]);
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

pub(super) async fn only_the_flow_s_browser_and_window_hand_the_answer_over(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let other_browser = app.start("demo").await;
    assert_ne!(started.cookie, other_browser.cookie);
    let callback = mock.decide(&started.url, Decision::Approve).await.unwrap();
    // Two waiting requests for the flow: whichever reaches the server first gives its place
    // up to the other (204), which is then known to wait while the redirect lands.
    let seated = std::cell::Cell::new(false);
    let waiting = |delay| {
        let seated = &seated;
        let app = &app;
        let started = &started;
        async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let answer = wait(app, started).await;
            if answer.status() == StatusCode::NO_CONTENT {
                seated.set(true);
            }
            answer
        }
    };
    let (first, second, _) = tokio::join!(waiting(0), waiting(20), async {
        while !seated.get() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let page = |headers: Vec<(&'static str, String)>| {
            let app = &app;
            let callback = &callback;
            async move {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                taken(
                    &land_with(app, "/result_page", callback, &headers).await,
                    callback,
                )
            }
        };
        let cookie = || ("cookie", started.cookie.clone());
        for (what, headers) in [
            ("no cookie", vec![("sec-fetch-dest", "document".to_owned())]),
            (
                "another browser's cookie",
                vec![("cookie", other_browser.cookie.clone())],
            ),
            (
                "a frame, for a popup's flow",
                vec![cookie(), ("sec-fetch-dest", "iframe".to_owned())],
            ),
        ] {
            assert!(!page(headers).await, "{what}");
        }
        // A provider's own result page is not where this flow's answer comes back.
        assert!(!land(&app, "/result_page_demo", &started, &callback).await);
        assert!(page(vec![cookie()]).await);
    });
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::NO_CONTENT]);
    let away = if first.status() == StatusCode::NO_CONTENT {
        &first
    } else {
        &second
    };
    assert!(away.body().is_empty());
    assert_eq!(mock.calls(Endpoint::Token), 1);
}

pub(super) async fn a_form_post_answer_is_handed_over_too(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let callback = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&callback.params)
        .finish();
    let post = || {
        app.send(
            Request::post(format!("{BASE}/result_page"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, started.cookie.as_str())
                .body(Bytes::from(form.clone()))
                .unwrap(),
        )
    };
    let (waited, _) = tokio::join!(wait(&app, &started), async {
        for _ in 0..500 {
            if taken(&post().await, &callback) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no waiting request took the form_post answer");
    });
    assert_eq!(assert_ok(&waited)["user"]["id"], "mock-user-1");
    assert_eq!(mock.calls(Endpoint::Token), 1);
}

pub(super) async fn a_result_hook_s_204_for_a_taken_sign_in_arrives_as_200(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .result_hook(result_hook(|_result, _request| async move {
            let mut answer = Response::new(Bytes::new());
            *answer.status_mut() = StatusCode::NO_CONTENT;
            Ok(answer)
        }))
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;
    // Through `result` as it is, the hook's 204 stays.
    assert_eq!(
        app.sign_in("demo", &mock, Decision::Approve).await.status(),
        StatusCode::NO_CONTENT
    );
    // To a waiting request 204 means "not here": the hook's answer arrives as 200.
    let started = app.start("demo").await;
    let callback = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let waited = answered_early(&app, &started, &callback).await;
    assert_eq!(waited.status(), StatusCode::OK);
    assert!(waited.body().is_empty());
}

pub(super) async fn a_waiting_request_passes_the_checks_of_any_result_request(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let code = |response: &Response<Bytes>| json(response)["code"].clone();

    // It carries no answer.
    for extra in [
        serde_json::json!({"response": {"code": "c", "state": "s"}}),
        serde_json::json!({"redirectUri": REDIRECT_URI}),
    ] {
        let mut body = serde_json::json!({"providerType": "demo", "flow": started.flow,
            "response": {}, "wait": true});
        for (name, value) in extra.as_object().unwrap() {
            body[name] = value.clone();
        }
        let refused = app.post_json("/result", &body, Some(&started.cookie)).await;
        assert_eq!(refused.status(), 400, "{body}");
        assert_eq!(code(&refused), "InputError");
    }
    // Without the browser's binding cookie, or with a tampered flow: refused at once, as the
    // same request with an answer is.
    let waiting = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": {}, "wait": true});
    let answering = serde_json::json!({"providerType": "demo", "flow": started.flow,
        "response": {"code": "c", "state": "s"}, "redirectUri": REDIRECT_URI});
    let tampered = |mut body: serde_json::Value| {
        body["flow"] = format!("{}x", started.flow).into();
        body
    };
    for (what, cookie, alter) in [
        ("no cookie", None, false),
        ("a tampered flow", Some(started.cookie.as_str()), true),
    ] {
        let send = |body: &serde_json::Value| {
            let body = if alter {
                tampered(body.clone())
            } else {
                body.clone()
            };
            let app = &app;
            async move { app.post_json("/result", &body, cookie).await }
        };
        let refused = send(&waiting).await;
        let plain = send(&answering).await;
        assert_eq!(refused.status(), 400, "{what}");
        assert_eq!(refused.status(), plain.status(), "{what}");
        assert_eq!(code(&refused), code(&plain), "{what}");
    }
    assert_eq!(mock.back_channel_calls(), 0);
}
