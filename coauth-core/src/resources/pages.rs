//! The pages coauth serves: the auth page the popup opens first and the result page the
//! provider sends it back to (also for `form_post` answers).

use bytes::Bytes;
use http::{HeaderValue, Method, Response, header};

use super::{FORM, check_read_method, finish_read, is_media_type};
use crate::Error;
use crate::early::{Answer, Finished};

/// The content security policy of every coauth page.
pub(super) const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; frame-ancestors 'self'; \
                        base-uri 'none'; form-action 'none'";

pub(super) fn serve_page(
    request: &http::request::Parts,
    allow: &'static str,
    html: String,
) -> Result<Response<Bytes>, Error> {
    check_read_method(request, allow)?;
    Ok(finish_read(request, page_response(html)))
}

/// An HTML page with the headers of every coauth page: no caching, no Referer, framing by
/// the app's own origin only, scripts from the app only.
pub(super) fn page_response(html: String) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(html));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response
}

/// The result page, naming coauth.js by its version.
static RESULT_PAGE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| super::assets::with_script_version(coauth_js::RESULT_PAGE));

/// The result page. A `form_post` provider (Apple) POSTs its answer; the page then carries
/// the parameters as inert JSON for the script, since the script cannot read a POST body.
///
/// The answer (the query's parameters, or the form's) is offered to `hand_over` first: when
/// a `result` request waiting for its flow takes it (the early answer), the answer is that
/// request's alone, and this request is answered, once that request has finished, with a
/// `303 See Other` to the same page without the answer: no page ever shows it to the app's
/// page a second time, and the app's page, which hears the outcome first, closes the
/// window before it loads anything. An answer with a repeated parameter is offered to no
/// one.
pub(super) async fn result_page(
    request: &http::request::Parts,
    body: &Bytes,
    path: &'static str,
    hand_over: impl FnOnce(Answer) -> Option<Finished>,
) -> Result<Response<Bytes>, Error> {
    const ALLOW: &str = "GET, HEAD, POST";
    check_read_method(request, ALLOW)?;
    let (params, embedded) = if request.method == Method::POST {
        if !is_media_type(&request.headers, FORM) {
            return Err(Error::UnsupportedMediaType { expected: FORM });
        }
        // A parameter sent twice is refused rather than read as its last value, which
        // another reader might not pick (SECURITY.md item 38).
        let params = answer_of(body).map_err(|name| {
            Error::Input(format!(
                "the provider's answer repeats the parameter \"{}\"",
                crate::protocol::echo(&name, 32)
            ))
        })?;
        let embedded = script_safe_json(&serde_json::Value::Object(params.clone()));
        (Some(params), embedded)
    } else if request.method == Method::GET {
        let query = request.uri.query().unwrap_or_default().as_bytes();
        (answer_of(query).ok(), String::new())
    } else {
        (None, String::new())
    };
    if let Some(finished) = params.and_then(hand_over) {
        // Dropped or sent, it is the same: the waiting request is done with the answer.
        let _ = finished.await;
        return Ok(taken(path));
    }
    let html = RESULT_PAGE.replacen(coauth_js::RESULT_PARAMS_PLACEHOLDER, &embedded, 1);
    serve_page(request, ALLOW, html)
}

/// The answer to a result page request whose answer a waiting request took: `303 See
/// Other` to the page itself, the resource at `path` (`/result_page`, ...), named
/// relatively (`result_page`) so that the app's prefix stays, without the query.
fn taken(path: &'static str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = http::StatusCode::SEE_OTHER;
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_static(path.trim_start_matches('/')),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Form-encoded parameters as a JSON object of strings; `Err(name)` for a name given twice.
fn answer_of(encoded: &[u8]) -> Result<Answer, String> {
    let mut params = Answer::new();
    for (name, value) in url::form_urlencoded::parse(encoded) {
        if params.contains_key(name.as_ref()) {
            return Err(name.into_owned());
        }
        params.insert(
            name.into_owned(),
            serde_json::Value::String(value.into_owned()),
        );
    }
    Ok(params)
}

/// JSON that cannot end the `<script type="application/json">` element it is placed in.
pub(super) fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
