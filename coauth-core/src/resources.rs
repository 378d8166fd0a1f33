//! The framework-neutral HTTP resources: `http::Request<Bytes>` in, `http::Response<Bytes>`
//! out. Adapters mount each [`Resource`] at its [`Resource::path`] under a prefix of the
//! app's choosing and copy the answer as it is: every status, header and body is decided here.

use std::sync::LazyLock;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};

use crate::Error;
use crate::config::Coauth;
use crate::flow::RequestContext;
use crate::protocol::{AuthUrlRequest, ResultRequest, parse_json};

/// Largest request body any resource accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; frame-ancestors 'self'; \
                        base-uri 'none'; form-action 'none'";

/// Makes the coauth resources of a configured [`Coauth`], as the original's
/// `ResourceCreator` did.
#[derive(Debug, Clone)]
pub struct ResourceCreator {
    coauth: Coauth,
}

impl ResourceCreator {
    /// Resources for `coauth`.
    pub fn new(coauth: Coauth) -> Self {
        ResourceCreator { coauth }
    }

    fn resource(&self, kind: Kind) -> Resource {
        Resource {
            kind,
            coauth: self.coauth.clone(),
        }
    }

    /// `POST /auth_url`: starts a sign-in.
    pub fn create_auth_url_resource(&self) -> Resource {
        self.resource(Kind::AuthUrl)
    }

    /// `POST /result`: finishes a sign-in.
    pub fn create_auth_result_resource(&self) -> Resource {
        self.resource(Kind::Result)
    }

    /// `GET /coauth.js`: the browser client.
    pub fn create_js_resource(&self) -> Resource {
        self.resource(Kind::Js)
    }

    /// `GET /auth_page`: the default stub page the popup opens on.
    pub fn create_auth_page_resource(&self) -> Resource {
        self.resource(Kind::AuthPage)
    }

    /// `GET|POST /result_page`: the default page the provider redirects to.
    pub fn create_result_page_resource(&self) -> Resource {
        self.resource(Kind::ResultPage)
    }

    /// All five resources.
    pub fn resources(&self) -> Vec<Resource> {
        [
            Kind::AuthUrl,
            Kind::Result,
            Kind::Js,
            Kind::AuthPage,
            Kind::ResultPage,
        ]
        .into_iter()
        .map(|kind| self.resource(kind))
        .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    AuthUrl,
    Result,
    Js,
    AuthPage,
    ResultPage,
}

/// One coauth HTTP resource.
#[derive(Debug, Clone)]
pub struct Resource {
    kind: Kind,
    coauth: Coauth,
}

impl Resource {
    /// The path to mount the resource at, relative to the app's prefix (e.g. `/auth_url`).
    pub fn path(&self) -> &'static str {
        match self.kind {
            Kind::AuthUrl => "/auth_url",
            Kind::Result => "/result",
            Kind::Js => "/coauth.js",
            Kind::AuthPage => "/auth_page",
            Kind::ResultPage => "/result_page",
        }
    }

    /// The largest body the adapter should read; for a longer one it answers with
    /// [`Resource::body_too_large`] without reading further.
    pub fn body_limit(&self) -> usize {
        MAX_BODY_BYTES
    }

    /// The answer to a request whose body is longer than [`Resource::body_limit`].
    pub fn body_too_large(&self) -> Response<Bytes> {
        Error::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        }
        .to_response()
    }

    /// Answers one request.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        if request.body().len() > self.body_limit() {
            return self.body_too_large();
        }
        let mut response = match self.kind {
            Kind::AuthUrl => self.auth_url(request).await,
            Kind::Result => self.result(request).await,
            Kind::Js => serve_script(&request),
            Kind::AuthPage => serve_page(&request, "GET, HEAD", coauth_js::AUTH_PAGE.into()),
            Kind::ResultPage => result_page(&request),
        }
        .unwrap_or_else(|error| error.to_response());
        let headers = response.headers_mut();
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
        response
    }

    async fn auth_url(&self, request: Request<Bytes>) -> Result<Response<Bytes>, Error> {
        let (parts, body) = json_post(request)?;
        let body: AuthUrlRequest = parse_json(&body)?;
        let ctx = RequestContext::from_headers(&parts.headers);
        let outcome = self.coauth.auth_url(body, &ctx).await?;
        let value = serde_json::to_value(&outcome.response).expect("serializable");
        let mut response = json_response(StatusCode::OK, &value);
        if let Some(cookie) = outcome.set_cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(response)
    }

    async fn result(&self, request: Request<Bytes>) -> Result<Response<Bytes>, Error> {
        let (parts, body) = json_post(request)?;
        let body: ResultRequest = parse_json(&body)?;
        let ctx = RequestContext::from_headers(&parts.headers);
        let result = self.coauth.result(body, &ctx).await?;
        match &self.coauth.inner.result_hook {
            Some(hook) => hook.respond(result, &parts).await,
            None => Ok(json_response(
                StatusCode::OK,
                &result.to_json(self.coauth.exposes_credentials()),
            )),
        }
    }
}

/// A JSON answer with the headers every coauth JSON answer carries.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Accepts only `POST` with a JSON body: a cross-site HTML form cannot send one without a
/// CORS preflight, which coauth never grants.
fn json_post(request: Request<Bytes>) -> Result<(http::request::Parts, Bytes), Error> {
    if request.method() != Method::POST {
        return Err(Error::MethodNotAllowed { allow: "POST" });
    }
    if media_type(request.headers()) != JSON {
        return Err(Error::UnsupportedMediaType { expected: JSON });
    }
    Ok(request.into_parts())
}

fn check_read_method(request: &Request<Bytes>, allow: &'static str) -> Result<(), Error> {
    let method = request.method();
    let allowed = method == Method::GET
        || method == Method::HEAD
        || (method == Method::POST && allow.contains("POST"));
    if allowed {
        Ok(())
    } else {
        Err(Error::MethodNotAllowed { allow })
    }
}

/// Strips the body of an answer to `HEAD`, keeping its `Content-Length`.
fn finish_read(request: &Request<Bytes>, mut response: Response<Bytes>) -> Response<Bytes> {
    let length = response.body().len();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if request.method() == Method::HEAD {
        *response.body_mut() = Bytes::new();
    }
    response
}

static SCRIPT_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = crate::crypto::sha256_b64(coauth_js::COAUTH_JS.as_bytes());
    HeaderValue::from_str(&format!("\"{}\"", &hash[..27])).expect("base64url is a valid header")
});

fn serve_script(request: &Request<Bytes>) -> Result<Response<Bytes>, Error> {
    check_read_method(request, "GET, HEAD")?;
    let etag = SCRIPT_ETAG.clone();
    let not_modified = request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag.to_str().unwrap_or("")
        });
    let mut response = if not_modified {
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Bytes::from_static(coauth_js::COAUTH_JS.as_bytes()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    // Revalidate every time: the ETag makes that a 304 without a body, and an upgrade of
    // coauth reaches browsers at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if not_modified {
        return Ok(response);
    }
    Ok(finish_read(request, response))
}

fn serve_page(
    request: &Request<Bytes>,
    allow: &'static str,
    html: String,
) -> Result<Response<Bytes>, Error> {
    check_read_method(request, allow)?;
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
    Ok(finish_read(request, response))
}

/// The result page. A `form_post` provider (Apple) POSTs its answer; the page then carries
/// the parameters as inert JSON for the script, since the script cannot read a POST body.
fn result_page(request: &Request<Bytes>) -> Result<Response<Bytes>, Error> {
    const ALLOW: &str = "GET, HEAD, POST";
    check_read_method(request, ALLOW)?;
    let params = if request.method() == Method::POST {
        if media_type(request.headers()) != FORM {
            return Err(Error::UnsupportedMediaType { expected: FORM });
        }
        let params: serde_json::Map<String, serde_json::Value> =
            url::form_urlencoded::parse(request.body())
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect();
        script_safe_json(&serde_json::Value::Object(params))
    } else {
        String::new()
    };
    let html = coauth_js::RESULT_PAGE.replacen(coauth_js::RESULT_PARAMS_PLACEHOLDER, &params, 1);
    serve_page(request, ALLOW, html)
}

/// JSON that cannot end the `<script type="application/json">` element it is placed in.
fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Whether `host` names the loopback interface.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_element() {
        let json =
            script_safe_json(&serde_json::json!({"code": "</script><img src=x onerror=alert(1)>"}));
        assert!(!json.contains('<') && !json.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["code"], "</script><img src=x onerror=alert(1)>");
    }
}
