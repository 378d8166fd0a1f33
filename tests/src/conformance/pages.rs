//! The stub pages: protective headers, `HEAD`, and the result page reached by the
//! provider's redirect (GET with a query, or a `form_post` POST).

use bytes::Bytes;
use http::{Method, Request, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;

fn get(path: &str) -> http::request::Builder {
    Request::get(format!("{BASE}{path}"))
}

/// Asserts the headers every stub page carries.
fn assert_page_headers(response: &http::Response<Bytes>, what: &str) {
    let headers = response.headers();
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/html; charset=utf-8",
        "{what}"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{what}");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{what}");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN", "{what}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'self'") && csp.contains("script-src 'self'"),
        "{what}: {csp}"
    );
    assert!(
        headers.get("cross-origin-opener-policy").is_none(),
        "{what}"
    );
    for name in [
        header::CACHE_CONTROL,
        header::CONTENT_SECURITY_POLICY,
        header::X_FRAME_OPTIONS,
    ] {
        assert_eq!(
            headers.get_all(&name).iter().count(),
            1,
            "{what}: one {name}"
        );
    }
}

pub(super) async fn cannot_be_framed_cached_or_leak_a_referrer(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    for path in ["/auth_page", "/result_page", "/result_page_demo"] {
        let response = app.send(get(path).body(Bytes::new()).unwrap()).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_page_headers(&response, path);
    }
    let delete = app
        .send(
            Request::delete("/coauth/result_page")
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_error(&delete, 405, "ValidationError");
    assert_eq!(delete.headers()[header::ALLOW], "GET, HEAD, POST");
}

/// `HEAD` on a page: the GET answer's status and headers, its length, no body.
pub(super) async fn head_answers_headers_without_a_body(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    for path in ["/auth_page", "/result_page", "/result_page_demo"] {
        let full = app.call(Method::GET, path).await;
        let head = app.call(Method::HEAD, path).await;
        assert_eq!(head.status(), 200, "{path}");
        assert!(head.body().is_empty(), "{path}");
        assert!(!full.body().is_empty(), "{path}");
        assert_eq!(
            header_text(&head, header::CONTENT_LENGTH),
            full.body().len().to_string(),
            "{path}"
        );
        assert_page_headers(&head, &format!("HEAD {path}"));
    }
}

/// The provider's redirect arrives as a GET with its parameters in the query: the page is
/// served the same, with nothing of the query written into it.
pub(super) async fn result_page_get_with_the_providers_query(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let plain = app.call(Method::GET, "/result_page").await;
    let redirected = app
        .send(
            get("/result_page?code=secret-code-123&state=s%2B1&iss=https%3A%2F%2Fid.example")
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(redirected.status(), 200);
    assert_page_headers(&redirected, "GET with a query");
    assert_eq!(redirected.body(), plain.body());
    let html = String::from_utf8_lossy(redirected.body());
    assert!(!html.contains("secret-code-123"));
    assert!(html.contains(r#"id="coauth-params"></script>"#));
    let error = app
        .send(
            get("/result_page?error=access_denied&error_description=%3Cimg%20src%3Dx%3E")
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(error.status(), 200);
    assert_eq!(error.body(), plain.body());
}

pub(super) async fn form_post_answer_is_embedded_as_inert_json(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let response = app
        .send(
            Request::post("/coauth/result_page")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Bytes::from(
                    "code=c%2B1&state=s&user=%3C%2Fscript%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_page_headers(&response, "form_post");
    let html = String::from_utf8(response.body().to_vec()).unwrap();
    let start = html.find(r#"id="coauth-params">"#).unwrap() + r#"id="coauth-params">"#.len();
    let end = start + html[start..].find("</script>").unwrap();
    let params: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(params["code"], "c+1");
    assert_eq!(params["user"], "</script><img src=x onerror=alert(1)>");
    assert!(!html.contains("<img"));
    // A provider's own result page takes the form_post answer the same way.
    let own = app
        .send(
            Request::post("/coauth/result_page_demo")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Bytes::from(
                    "code=c%2B1&state=s&user=%3C%2Fscript%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(own.status(), 200);
    assert_page_headers(&own, "form_post to a provider's own page");
    assert_eq!(own.body(), response.body());

    let get = app
        .send(get("/result_page").body(Bytes::new()).unwrap())
        .await;
    let html = String::from_utf8(get.body().to_vec()).unwrap();
    assert!(html.contains(r#"id="coauth-params"></script>"#));
}

/// A POST to the result page must be a form (`form_post`); anything else is 415.
pub(super) async fn result_page_post_takes_only_a_form(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let form = app
        .send(
            Request::post("/coauth/result_page")
                .header(
                    header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded; charset=UTF-8",
                )
                .body(Bytes::from("code=abc&state=xyz"))
                .unwrap(),
        )
        .await;
    assert_eq!(form.status(), 200);
    assert!(String::from_utf8_lossy(form.body()).contains(r#""code":"abc""#));
    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = Request::post("/coauth/result_page");
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = app
            .send(request.body(Bytes::from("code=abc&state=xyz")).unwrap())
            .await;
        assert_error(&response, 415, "ValidationError");
    }
}

/// A form POST stays a POST whatever its fields: no framework's HTML-form method override
/// (a first field `_method`) reaches the core.
pub(super) async fn a_form_whose_first_field_is_method_stays_a_post(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    for method in ["delete", "put", "get"] {
        let response = app
            .send(
                Request::post("/coauth/result_page")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Bytes::from(format!("_method={method}&code=abc&state=xyz")))
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), 200, "_method={method}");
        let html = String::from_utf8_lossy(response.body());
        assert!(
            html.contains(&format!(r#""_method":"{method}""#)),
            "_method={method}"
        );
        assert!(html.contains(r#""code":"abc""#), "_method={method}");
    }
}

/// A `form_post` answer that repeats a parameter is refused (`400 InputError`), never read
/// as its last value; the message names the parameter, sanitized, and no value (SECURITY.md
/// item 38).
pub(super) async fn a_form_post_repeating_a_parameter_is_refused(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    for body in [
        "code=attacker&state=s&code=victim",
        "state=s1&code=c&state=s2",
        "code=c&state=s&user=%7B%7D&user=%7B%7D",
        "code=c&state=s&%3Cb%3E=1&%3Cb%3E=2",
    ] {
        let response = app
            .send(
                Request::post("/coauth/result_page")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Bytes::from(body))
                    .unwrap(),
            )
            .await;
        let message = assert_error(&response, 400, "InputError");
        assert!(message.contains("repeats"), "{body}: {message}");
        for value in ["attacker", "victim", "s1", "s2", "<b>"] {
            assert!(!message.contains(value), "{body}: {message}");
        }
    }
}
