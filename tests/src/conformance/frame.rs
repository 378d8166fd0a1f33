//! The frame transport, `POST {base}/result_frame`: the client's `authResultFrameRequest`
//! posts a form into a hidden iframe, and the answer is a page that hands the result to
//! its parent.
//!
//! A form can be posted cross-site without a preflight, so the resource must refuse
//! everything `/result` refuses, and also any `Sec-Fetch-Site` other than `same-origin`,
//! all before any call to the provider (SECURITY.md item 2).

use bytes::Bytes;
use coauth_core::resources::{FrameFields, json_response};
use coauth_core::{ResourceCreator, result_hook};
use http::{HeaderValue, Method, Request, Response, StatusCode, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;
use crate::mock::{Decision, Endpoint, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

const FORM: &str = "application/x-www-form-urlencoded";

/// Form fields or headers, as name-value pairs.
type Pairs<'a> = Vec<(&'a str, &'a str)>;

fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// What a same-origin page's hidden form sends: Origin, `Sec-Fetch-Site: same-origin`, the
/// binding cookie; `headers` replace or add to these (an empty value drops one).
async fn post_frame(
    app: &App,
    fields: &[(&str, &str)],
    cookie: &str,
    headers: &[(&str, &str)],
) -> Response<Bytes> {
    let mut all = vec![
        ("content-type", FORM),
        ("origin", ORIGIN),
        ("sec-fetch-site", "same-origin"),
        ("cookie", cookie),
    ];
    for (name, value) in headers {
        all.retain(|(n, _)| n != name);
        all.push((name, value));
    }
    let mut request = Request::post(format!("{BASE}/result_frame"));
    for (name, value) in all.into_iter().filter(|(_, v)| !v.is_empty()) {
        request = request.header(name, value);
    }
    app.send(request.body(Bytes::from(encode(fields))).unwrap())
        .await
}

/// The `{id, status, data}` a frame page carries for its script.
fn carried(response: &Response<Bytes>) -> serde_json::Value {
    let html = std::str::from_utf8(response.body()).expect("the page is UTF-8");
    let open = r#"<script type="application/json" id="coauth-result">"#;
    let start = html.find(open).expect("the page carries its answer") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the carried answer is JSON")
}

/// A result request body for `started`, as the client puts it in the `request` field.
fn request_json(started: &Started, response: serde_json::Value) -> String {
    serde_json::json!({
        "providerType": "demo",
        "flow": started.flow,
        "response": response,
        "redirectUri": arrived_at(&started.redirect_uri),
        "result": { "fields": ["preferred_username"] },
    })
    .to_string()
}

fn assert_frame_page(response: &Response<Bytes>) {
    let headers = response.headers();
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        headers[header::CONTENT_LENGTH],
        response.body().len().to_string().as_str()
    );
    let html = String::from_utf8_lossy(response.body());
    // coauth.js by its version, which coauth serves as immutable (coauth-core/src/resources/assets.rs).
    let script = html
        .split(r#"<script src="coauth.js?v="#)
        .nth(1)
        .and_then(|rest| rest.split_once('"'));
    assert!(
        script.is_some_and(|(version, rest)| !version.is_empty()
            && rest.starts_with(r#" data-coauth-page="frame-result"></script>"#)),
        "{html}"
    );
}

/// Asserts a refusal page: the status, the carried status and code, the echoed id.
fn assert_refused(response: &Response<Bytes>, status: u16, code: &str, id: Option<&str>) {
    assert_eq!(
        response.status(),
        status,
        "{}",
        String::from_utf8_lossy(response.body())
    );
    assert_frame_page(response);
    let answer = carried(response);
    assert_eq!(answer["status"], status);
    assert_eq!(answer["data"]["code"], code, "{answer}");
    assert_eq!(answer["id"], serde_json::json!(id));
}

pub(super) async fn a_same_origin_form_finishes_the_sign_in_and_the_page_carries_the_result(
    adapter: Adapter,
) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let request = request_json(
        &started,
        mock.consent(&started.url, Decision::Approve).await,
    );
    let response = post_frame(
        &app,
        &[("request", &request), ("id", "f00d-1_a"), ("csrf", "t")],
        &started.cookie,
        &[],
    )
    .await;

    assert_eq!(response.status(), 200);
    assert_frame_page(&response);
    let answer = carried(&response);
    assert_eq!(answer["id"], "f00d-1_a");
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["data"]["providerType"], "demo");
    assert_eq!(answer["data"]["user"]["name"], "Ada Lovelace");
    assert_eq!(answer["data"]["fields"]["preferred_username"], "ada");
    let html = String::from_utf8_lossy(response.body());
    assert!(!html.contains("access_token") && !html.contains("accessToken"));
    assert_eq!(mock.calls(Endpoint::Token), 1);
}

pub(super) async fn sec_fetch_site_may_be_absent_but_an_allowed_origin_is_required(
    adapter: Adapter,
) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let request = request_json(
        &started,
        mock.consent(&started.url, Decision::Approve).await,
    );
    let fields = [("request", request.as_str()), ("id", "x")];
    // A browser without Fetch Metadata: the Origin and the cookie decide.
    let response = post_frame(&app, &fields, &started.cookie, &[("sec-fetch-site", "")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(carried(&response)["data"]["user"]["id"], "mock-user-1");
}

pub(super) async fn cross_site_foreign_or_unbound_forms_are_refused_before_any_provider_call(
    adapter: Adapter,
) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let other_browser = app.start("demo").await;
    let request = request_json(
        &started,
        mock.consent(&started.url, Decision::Approve).await,
    );
    let fields = [("request", request.as_str()), ("id", "abc")];

    let cases: [(&str, &str, Pairs); 7] = [
        (
            "cross-site",
            &started.cookie,
            vec![("sec-fetch-site", "cross-site")],
        ),
        // Stricter than /result: a sibling subdomain cannot post the form either.
        (
            "same-site",
            &started.cookie,
            vec![("sec-fetch-site", "same-site")],
        ),
        (
            "a page typed in",
            &started.cookie,
            vec![("sec-fetch-site", "none")],
        ),
        (
            "a foreign origin",
            &started.cookie,
            vec![("origin", "https://evil.example")],
        ),
        (
            "an opaque origin",
            &started.cookie,
            vec![("origin", "null")],
        ),
        ("no origin", &started.cookie, vec![("origin", "")]),
        ("another browser's cookie", &other_browser.cookie, vec![]),
    ];
    for (case, cookie, headers) in cases {
        let response = post_frame(&app, &fields, cookie, &headers).await;
        assert_eq!(response.status(), 400, "{case}");
        assert_refused(&response, 400, "InputError", Some("abc"));
    }
    let response = post_frame(&app, &fields, "", &[]).await;
    assert_refused(&response, 400, "InputError", Some("abc"));
    // The request field is the /result body: it must say where the answer arrived, and
    // that must be the flow's redirect URI (SECURITY.md item 33).
    let mut elsewhere: serde_json::Value = serde_json::from_str(&request).unwrap();
    for reported in [
        serde_json::Value::Null,
        format!("{ORIGIN}{BASE}/result_page_other").into(),
    ] {
        match reported {
            serde_json::Value::Null => elsewhere.as_object_mut().unwrap().remove("redirectUri"),
            uri => elsewhere
                .as_object_mut()
                .unwrap()
                .insert("redirectUri".into(), uri),
        };
        let body = elsewhere.to_string();
        let response = post_frame(
            &app,
            &[("request", &body), ("id", "abc")],
            &started.cookie,
            &[],
        )
        .await;
        assert_refused(&response, 400, "InputError", Some("abc"));
    }
    assert_eq!(
        mock.calls(Endpoint::Token),
        0,
        "no refusal reached the provider"
    );

    // The same form, from the right page, still works: the refusals consumed nothing.
    let response = post_frame(&app, &fields, &started.cookie, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(mock.calls(Endpoint::Token), 1);
}

pub(super) async fn malformed_forms_are_validation_errors_and_never_echo_a_bad_id(
    adapter: Adapter,
) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let request = request_json(&started, serde_json::json!({"code": "c", "state": "s"}));
    let r = request.as_str();
    let many: Vec<(String, String)> = (0..40).map(|i| (format!("f{i}"), "v".into())).collect();
    let mut too_many: Vec<(&str, &str)> = vec![("request", r), ("id", "ok")];
    too_many.extend(many.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let bad_id = "</script><script src=//evil.example/x.js></script>";
    let long_id = "a".repeat(65);
    let unknown_member = r#"{"providerType":"demo","flow":"f","response":{},"x":1}"#;

    let cases: Vec<(&str, Pairs, Option<&str>)> = vec![
        ("no id", vec![("request", r)], None),
        ("a script as id", vec![("request", r), ("id", bad_id)], None),
        (
            "an id too long",
            vec![("request", r), ("id", &long_id)],
            None,
        ),
        (
            "two ids",
            vec![("request", r), ("id", "a"), ("id", "b")],
            None,
        ),
        ("no request", vec![("id", "ok")], Some("ok")),
        (
            "two requests",
            vec![("request", r), ("request", r), ("id", "ok")],
            Some("ok"),
        ),
        (
            "request not JSON",
            vec![("request", "{"), ("id", "ok")],
            Some("ok"),
        ),
        (
            "unknown member",
            vec![("request", unknown_member), ("id", "ok")],
            Some("ok"),
        ),
        ("too many fields", too_many.clone(), Some("ok")),
    ];
    for (case, fields, id) in cases {
        let response = post_frame(&app, &fields, &started.cookie, &[]).await;
        assert_eq!(response.status(), 400, "{case}");
        assert_refused(&response, 400, "ValidationError", id);
        let html = String::from_utf8_lossy(response.body());
        assert!(
            !html.contains("evil.example"),
            "{case}: the id is never echoed raw"
        );
    }
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

pub(super) async fn only_form_posts_are_answered_and_result_still_takes_json_only(
    adapter: Adapter,
) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let get = app
        .send(
            Request::get(format!("{BASE}/result_frame"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_error(&get, 405, "ValidationError");
    assert_eq!(get.headers()[header::ALLOW], "POST");

    for content_type in [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let response = app
            .send(
                Request::post(format!("{BASE}/result_frame"))
                    .header(header::CONTENT_TYPE, content_type)
                    .header(header::ORIGIN, ORIGIN)
                    .body(Bytes::from_static(b"{}"))
                    .unwrap(),
            )
            .await;
        assert_error(&response, 415, "ValidationError");
    }

    // The frame transport does not open /result to forms (SECURITY.md item 2).
    let started = app.start("demo").await;
    let request = request_json(&started, serde_json::json!({"code": "c", "state": "s"}));
    let form = app
        .send(
            Request::post(format!("{BASE}/result"))
                .header(header::CONTENT_TYPE, FORM)
                .header(header::ORIGIN, ORIGIN)
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, &started.cookie)
                .body(Bytes::from(encode(&[("request", &request), ("id", "x")])))
                .unwrap(),
        )
        .await;
    assert_error(&form, 415, "ValidationError");
}

pub(super) async fn provider_errors_and_messages_reach_the_page_escaped(adapter: Adapter) {
    let (mock, _config, app, _) = fixture(&adapter).await;
    let started = app.start("demo").await;
    let state = query_param(&started.url, "state").unwrap();
    let denied = request_json(
        &started,
        serde_json::json!({"error": "access_denied", "state": state}),
    );
    let response = post_frame(
        &app,
        &[("request", &denied), ("id", "d")],
        &started.cookie,
        &[],
    )
    .await;
    assert_refused(&response, 409, "UserDenied", Some("d"));

    // An unknown provider's name goes into the message, sanitized (SECURITY.md item
    // 40); the page must stay inert whatever the message holds.
    let sneaky =
        r#"{"providerType":"</script><img src=x onerror=alert(1)>","flow":"f","response":{}}"#;
    let response = post_frame(
        &app,
        &[("request", sneaky), ("id", "e")],
        &started.cookie,
        &[],
    )
    .await;
    assert_refused(&response, 400, "InputError", Some("e"));
    let html = String::from_utf8_lossy(response.body());
    assert!(!html.contains("<img"), "{html}");
    let message = carried(&response)["data"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("unknown provider"), "{message}");
    assert!(
        message.contains("img?src?x") && !message.contains('<'),
        "{message}"
    );
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

pub(super) async fn the_result_hook_answers_through_the_frame_and_sees_the_extra_fields(
    adapter: Adapter,
) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let clock = TestClock::starting_now();
    let hook = result_hook(|result, request| async move {
        let fields = request
            .extensions
            .get::<FrameFields>()
            .cloned()
            .unwrap_or_default();
        if fields.0.iter().any(|(name, _)| name == "as_text") {
            let mut text = Response::new(Bytes::from_static(b"welcome <b>"));
            text.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            return Ok(text);
        }
        let body = serde_json::json!({
            "welcome": result.user.name,
            "fields": fields.0,
            "viaFrame": request.extensions.get::<FrameFields>().is_some(),
        });
        let mut response = json_response(StatusCode::CREATED, &body);
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("session=s1; Path=/; HttpOnly; SameSite=Lax"),
        );
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src *"),
        );
        Ok(response)
    });
    let coauth = builder(&mock, &config, &clock)
        .result_hook(hook)
        .build()
        .unwrap();
    let app = adapter.app(coauth).await;

    let started = app.start("demo").await;
    let request = request_json(
        &started,
        mock.consent(&started.url, Decision::Approve).await,
    );
    let fields = [
        ("csrf", "t-1"),
        ("request", request.as_str()),
        ("id", "h"),
        ("lang", "fr"),
    ];
    let response = post_frame(&app, &fields, &started.cookie, &[]).await;
    assert_eq!(response.status(), 201);
    // The page keeps the hook's cookie, but its own CSP.
    assert_frame_page(&response);
    assert_eq!(
        response.headers()[header::SET_COOKIE],
        "session=s1; Path=/; HttpOnly; SameSite=Lax"
    );
    let answer = carried(&response);
    assert_eq!(answer["status"], 201);
    assert_eq!(answer["data"]["welcome"], "Ada Lovelace");
    assert_eq!(
        answer["data"]["fields"],
        serde_json::json!([["csrf", "t-1"], ["lang", "fr"]])
    );
    assert_eq!(answer["data"]["viaFrame"], true);

    // Over /result the hook sees no frame fields.
    let started = app.start("demo").await;
    let redirect = mock.decide(&started.url, Decision::Approve).await.unwrap();
    let over_result = app.finish("demo", &started, redirect.json()).await;
    assert_eq!(over_result.status(), 201);
    assert_eq!(json(&over_result)["viaFrame"], false);

    // A hook answer that is not JSON arrives as text.
    let started = app.start("demo").await;
    let request = request_json(
        &started,
        mock.consent(&started.url, Decision::Approve).await,
    );
    let response = post_frame(
        &app,
        &[("request", &request), ("id", "t"), ("as_text", "1")],
        &started.cookie,
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_frame_page(&response);
    assert_eq!(carried(&response)["data"], "welcome <b>");
}

/// The resource list names the frame and module resources, so an adapter that mounts the
/// list serves both.
pub(super) async fn the_resource_list_names_the_frame_and_module_resources(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .build()
        .unwrap();
    let creator = ResourceCreator::new(coauth.clone());
    let paths: Vec<_> = creator.resources().iter().map(|r| r.path()).collect();
    assert!(paths.contains(&"/result_frame"), "{paths:?}");
    assert!(paths.contains(&"/coauth.mjs"), "{paths:?}");
    assert_eq!(
        creator.create_auth_result_frame_resource().path(),
        "/result_frame"
    );
    assert_eq!(creator.create_module_resource().path(), "/coauth.mjs");

    let app = adapter.app(coauth).await;
    let module = app.call(Method::GET, "/coauth.mjs").await;
    assert_eq!(module.status(), 200);
    assert_eq!(
        header_text(&module, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    // A form without a request: refused, but by the frame resource, in a frame page.
    let frame = post_frame(&app, &[("id", "r")], "", &[]).await;
    assert_eq!(frame.status(), 400);
    assert_frame_page(&frame);
    assert_eq!(carried(&frame)["id"], "r");
}
