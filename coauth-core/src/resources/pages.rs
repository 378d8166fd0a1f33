//! The pages coauth serves: the auth page the popup opens first and the result page the
//! provider sends it back to (also for `form_post` answers).

use bytes::Bytes;
use http::{HeaderValue, Method, Response, header};

use super::{FORM, check_read_method, finish_read, is_media_type};
use crate::Error;

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
pub(super) fn result_page(
    request: &http::request::Parts,
    body: &Bytes,
) -> Result<Response<Bytes>, Error> {
    const ALLOW: &str = "GET, HEAD, POST";
    check_read_method(request, ALLOW)?;
    let params = if request.method == Method::POST {
        if !is_media_type(&request.headers, FORM) {
            return Err(Error::UnsupportedMediaType { expected: FORM });
        }
        // A parameter sent twice is refused rather than read as its last value, which
        // another reader might not pick (SECURITY.md item 38).
        let mut params = serde_json::Map::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            if params.contains_key(name.as_ref()) {
                return Err(Error::Input(format!(
                    "the provider's answer repeats the parameter \"{}\"",
                    crate::protocol::echo(&name, 32)
                )));
            }
            params.insert(
                name.into_owned(),
                serde_json::Value::String(value.into_owned()),
            );
        }
        script_safe_json(&serde_json::Value::Object(params))
    } else {
        String::new()
    };
    let html = RESULT_PAGE.replacen(coauth_js::RESULT_PARAMS_PLACEHOLDER, &params, 1);
    serve_page(request, ALLOW, html)
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
