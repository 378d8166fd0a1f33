//! The framework-neutral HTTP resources: `http::Request<Bytes>` in, `http::Response<Bytes>`
//! out. Adapters mount each [`Resource`] at its [`Resource::path`] under a prefix of the
//! app's choosing and copy the answer as it is: every status, header and body is decided here.

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};

use crate::config::Coauth;
use crate::error_hook::{ErrorEvent, Step};
use crate::flow::RequestContext;
use crate::protocol::{AuthUrlRequest, ResultRequest, parse_json};
use crate::trace::flow_fingerprint;
use crate::{Error, protocol};

/// Largest request body any resource accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; frame-ancestors 'self'; \
                        base-uri 'none'; form-action 'none'";

/// Makes the coauth resources of a configured [`Coauth`]: one [`Resource`] per path, for an
/// adapter to mount.
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

    /// `POST /result_frame`: finishes a sign-in like `/result`, for a form posted into a
    /// hidden iframe (the client's `authResultFrameRequest`); answers with a page that posts
    /// the result to its parent window.
    pub fn create_auth_result_frame_resource(&self) -> Resource {
        self.resource(Kind::ResultFrame)
    }

    /// `GET /coauth.js`: the browser client.
    pub fn create_js_resource(&self) -> Resource {
        self.resource(Kind::Js)
    }

    /// `GET /coauth.mjs`: the browser client as an ES module.
    pub fn create_module_resource(&self) -> Resource {
        self.resource(Kind::Module)
    }

    /// `GET /auth_page`: the default stub page the popup opens on.
    pub fn create_auth_page_resource(&self) -> Resource {
        self.resource(Kind::AuthPage)
    }

    /// `GET|POST /result_page`: the default page the provider redirects to.
    pub fn create_result_page_resource(&self) -> Resource {
        self.resource(Kind::ResultPage)
    }

    /// `GET|POST /result_page_{provider}`: the same page as `/result_page`, at a path of
    /// `provider`'s own, for a redirect URI of its own
    /// ([`crate::CoauthBuilder::provider_redirect_uri`]). `None` when no provider of that
    /// name is configured.
    pub fn create_provider_result_page_resource(&self, provider: &str) -> Option<Resource> {
        self.coauth.inner.providers.contains_key(provider).then(|| {
            self.resource(Kind::ProviderResultPage(provider_result_page_path(
                provider,
            )))
        })
    }

    /// All the resources: the fixed ones, then `/result_page_{provider}` for every
    /// configured provider, by name.
    pub fn resources(&self) -> Vec<Resource> {
        let mut providers: Vec<&String> = self.coauth.inner.providers.keys().collect();
        providers.sort();
        [
            Kind::AuthUrl,
            Kind::Result,
            Kind::ResultFrame,
            Kind::Js,
            Kind::Module,
            Kind::AuthPage,
            Kind::ResultPage,
        ]
        .into_iter()
        .chain(
            providers
                .into_iter()
                .map(|name| Kind::ProviderResultPage(provider_result_page_path(name))),
        )
        .map(|kind| self.resource(kind))
        .collect()
    }
}

/// The path of a provider's own result page, `/result_page_{provider}`: one segment (an
/// adapter mounts each resource at its path, and warp matches one segment per resource), in
/// the same directory as `coauth.js`, which the page loads by a relative URL.
///
/// [`Resource::path`] is a `&'static str`, so each distinct path is made once and kept for
/// the life of the process. Provider names come from the app's configuration (1 to 64
/// checked characters each), never from a request, so what is kept stays small.
fn provider_result_page_path(provider: &str) -> &'static str {
    static PATHS: LazyLock<Mutex<BTreeSet<&'static str>>> = LazyLock::new(Mutex::default);
    let path = format!("/result_page_{provider}");
    let mut paths = PATHS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = paths.get(path.as_str()) {
        return known;
    }
    let made: &'static str = Box::leak(path.into_boxed_str());
    paths.insert(made);
    made
}

/// What a request turned out to be about, learnt while it is handled: for the error hook,
/// and noted only when the app has one (no copy and no hash on the hot path otherwise).
#[derive(Debug, Default)]
struct Seen {
    wanted: bool,
    provider: Option<String>,
    flow: Option<String>,
}

impl Seen {
    /// Notes the provider a request names, when the name is well formed.
    fn provider(&mut self, name: &str) {
        if self.wanted && protocol::check_provider_name(name).is_ok() {
            self.provider = Some(name.to_owned());
        }
    }

    /// Notes the fingerprint of the flow a request carries.
    fn flow(&mut self, blob: &str) {
        if self.wanted {
            self.flow = Some(flow_fingerprint(blob));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    AuthUrl,
    Result,
    ResultFrame,
    Js,
    Module,
    AuthPage,
    ResultPage,
    /// The result page at a provider's own path, `/result_page_{provider}`.
    ProviderResultPage(&'static str),
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
            Kind::ResultFrame => "/result_frame",
            Kind::Js => "/coauth.js",
            Kind::Module => "/coauth.mjs",
            Kind::AuthPage => "/auth_page",
            Kind::ResultPage => "/result_page",
            Kind::ProviderResultPage(path) => path,
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

    /// The step this resource serves, as the error hook and the logs name it.
    pub fn step(&self) -> Step {
        match self.kind {
            Kind::AuthUrl => Step::AuthUrl,
            Kind::Result => Step::Result,
            Kind::ResultFrame => Step::ResultFrame,
            Kind::Js | Kind::Module => Step::Script,
            Kind::AuthPage => Step::AuthPage,
            Kind::ResultPage | Kind::ProviderResultPage(_) => Step::ResultPage,
        }
    }

    /// Answers one request.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let mut seen = Seen {
            wanted: self.coauth.inner.error_hook.is_some(),
            ..Seen::default()
        };
        let head = parts.method == Method::HEAD;
        let answer = if body.len() > self.body_limit() {
            Err(Error::PayloadTooLarge {
                limit: MAX_BODY_BYTES,
            })
        } else {
            match self.kind {
                Kind::AuthUrl => self.auth_url(&parts, body, &mut seen).await,
                Kind::Result => self.result(&parts, body, &mut seen).await,
                Kind::ResultFrame => self.result_frame(&parts, body, &mut seen).await,
                Kind::Js => serve_script(&parts, coauth_js::COAUTH_JS, &SCRIPT_ETAG),
                Kind::Module => serve_script(&parts, coauth_js::COAUTH_MJS, &MODULE_ETAG),
                Kind::AuthPage => serve_page(&parts, "GET, HEAD", coauth_js::AUTH_PAGE.into()),
                Kind::ResultPage | Kind::ProviderResultPage(_) => result_page(&parts, &body),
            }
        };
        let mut response = match answer {
            Ok(response) => response,
            Err(error) => {
                self.report(&error, &seen, &parts);
                error.to_response()
            }
        };
        let headers = response.headers_mut();
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
        // An answer to HEAD never has a body, errors included (RFC 9110 §9.3.2).
        if head {
            response = head_answer(response);
        }
        response
    }

    /// Logs a refused or failed request at `debug` (the step's own log line, where there is
    /// one, says more) and hands it to the app's error hook.
    fn report(&self, error: &Error, seen: &Seen, parts: &http::request::Parts) {
        let step = self.step();
        tracing::debug!(
            step = step.as_str(),
            code = error.code(),
            status = error.status().as_u16(),
            reason = %error,
            "coauth request refused"
        );
        if let Some(hook) = &self.coauth.inner.error_hook {
            hook.on_error(&ErrorEvent {
                step,
                provider: seen.provider.as_deref(),
                flow: seen.flow.as_deref(),
                error,
                request: parts,
            });
        }
    }

    async fn auth_url(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        seen: &mut Seen,
    ) -> Result<Response<Bytes>, Error> {
        json_post(parts)?;
        let body: AuthUrlRequest = parse_json(&body)?;
        seen.provider(&body.provider_type);
        let ctx = RequestContext::from_headers(&parts.headers);
        let outcome = self
            .coauth
            .start_flow(body, &ctx, self.coauth.session_user_of(parts))
            .await?;
        let value = serde_json::to_value(&outcome.response).expect("serializable");
        let mut response = json_response(StatusCode::OK, &value);
        if let Some(cookie) = outcome.set_cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(response)
    }

    async fn result(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        seen: &mut Seen,
    ) -> Result<Response<Bytes>, Error> {
        json_post(parts)?;
        let body: ResultRequest = parse_json(&body)?;
        seen.provider(&body.provider_type);
        seen.flow(&body.flow);
        self.finish(body, parts).await
    }

    /// The result step proper, shared by `/result` and `/result_frame`: the app's hook
    /// answers when there is one, otherwise the result as JSON.
    async fn finish(
        &self,
        body: ResultRequest,
        parts: &http::request::Parts,
    ) -> Result<Response<Bytes>, Error> {
        let ctx = RequestContext::from_headers(&parts.headers);
        let result = self
            .coauth
            .finish_flow(body, &ctx, self.coauth.session_user_of(parts))
            .await?;
        match &self.coauth.inner.result_hook {
            Some(hook) => hook.respond(result, parts).await,
            None => Ok(json_response(
                StatusCode::OK,
                &result.to_json(self.coauth.exposes_credentials()),
            )),
        }
    }

    /// The frame transport: the same checks and answer as `/result`, for a form posted
    /// into a hidden iframe, answered with a page that hands the answer to its parent.
    ///
    /// A cross-site form must not finish someone else's sign-in in the victim's browser
    /// (SECURITY.md item 2), so on top of `/result`'s checks (allowed `Origin`, binding
    /// cookie, no cross-site `Sec-Fetch-Site`) a form is accepted only when
    /// `Sec-Fetch-Site`, if sent, is `same-origin`.
    async fn result_frame(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        seen: &mut Seen,
    ) -> Result<Response<Bytes>, Error> {
        if parts.method != Method::POST {
            return Err(Error::MethodNotAllowed { allow: "POST" });
        }
        if media_type(&parts.headers) != FORM {
            return Err(Error::UnsupportedMediaType { expected: FORM });
        }
        let form = FrameForm::parse(&body);
        let answer = match self.finish_frame(parts, &form, seen).await {
            Ok(answer) => answer,
            Err(error) => {
                self.report(&error, seen, parts);
                error.to_response()
            }
        };
        Ok(frame_page(form.id(), answer))
    }

    async fn finish_frame(
        &self,
        parts: &http::request::Parts,
        form: &FrameForm,
        seen: &mut Seen,
    ) -> Result<Response<Bytes>, Error> {
        let request = form.check()?;
        let site = parts
            .headers
            .get("sec-fetch-site")
            .map(|v| v.to_str().unwrap_or(""));
        if site.is_some_and(|site| site != "same-origin") {
            return Err(Error::Input(
                "the result frame accepts same-origin requests only".into(),
            ));
        }
        let body: ResultRequest = parse_json(request.as_bytes())?;
        seen.provider(&body.provider_type);
        seen.flow(&body.flow);
        // The result hook reads the form's extra fields from the request's extensions.
        let mut parts = parts.clone();
        parts.extensions.insert(FrameFields(form.extra.clone()));
        self.finish(body, &parts).await
    }
}

/// The extra fields of a `POST /result_frame` form (every field but `request` and `id`,
/// in order): the data the client's `authResultFrameRequest` was given in `extra.fields`.
/// The result hook finds them in the request's extensions:
/// `request.extensions.get::<FrameFields>()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameFields(pub Vec<(String, String)>);

/// Most extra fields a frame form may carry.
const MAX_FRAME_FIELDS: usize = 32;

/// A `/result_frame` form: `request` (the JSON body `/result` takes), `id` (the client's
/// message id, echoed in the answer) and the app's extra fields.
#[derive(Debug, Default)]
struct FrameForm {
    request: Vec<String>,
    id: Vec<String>,
    extra: Vec<(String, String)>,
}

impl FrameForm {
    fn parse(body: &[u8]) -> FrameForm {
        let mut form = FrameForm::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            match name.as_ref() {
                "request" => form.request.push(value.into_owned()),
                "id" => form.id.push(value.into_owned()),
                _ => form.extra.push((name.into_owned(), value.into_owned())),
            }
        }
        form
    }

    /// The message id when it is one the client makes: 1 to 64 characters of
    /// `[A-Za-z0-9_-]`, sent once. It is echoed into the page, so nothing else passes.
    fn id(&self) -> Option<&str> {
        match self.id.as_slice() {
            [id] if (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Some(id)
            }
            _ => None,
        }
    }

    /// The JSON request, once the form's shape is right.
    fn check(&self) -> Result<&str, Error> {
        if self.id().is_none() {
            return Err(Error::Validation(
                "the frame request needs one id of 1-64 letters, digits, '-' or '_'".into(),
            ));
        }
        if self.extra.len() > MAX_FRAME_FIELDS {
            return Err(Error::Validation(format!(
                "the frame request carries more than {MAX_FRAME_FIELDS} extra fields"
            )));
        }
        match self.request.as_slice() {
            [request] => Ok(request),
            [] => Err(Error::Validation(
                "the frame request has no request field".into(),
            )),
            _ => Err(Error::Validation(
                "the frame request has more than one request field".into(),
            )),
        }
    }
}

/// The page that carries `answer` (a JSON answer of the result step, the app hook's answer,
/// or an error) to the parent window: `{id, status, data}` as inert JSON. The status is the
/// answer's, and so are its headers (the hook's `Set-Cookie` above all) except those that
/// describe the body, which is now the page.
fn frame_page(id: Option<&str>, answer: Response<Bytes>) -> Response<Bytes> {
    let (parts, body) = answer.into_parts();
    let is_json = media_type(&parts.headers) == JSON;
    let data = if is_json {
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)
    } else {
        serde_json::Value::String(String::from_utf8_lossy(&body).into_owned())
    };
    let carried = serde_json::json!({
        "id": id,
        "status": parts.status.as_u16(),
        "data": data,
    });
    let html = coauth_js::FRAME_RESULT_PAGE.replacen(
        coauth_js::FRAME_RESULT_PLACEHOLDER,
        &script_safe_json(&carried),
        1,
    );
    let mut response = page_response(html);
    *response.status_mut() = parts.status;
    let headers = response.headers_mut();
    for (name, value) in &parts.headers {
        let describes_body = name.as_str().starts_with("content-")
            || name == header::X_FRAME_OPTIONS
            || name == header::ETAG
            || name == header::LAST_MODIFIED;
        if describes_body {
            continue;
        }
        if name == header::CACHE_CONTROL {
            headers.insert(header::CACHE_CONTROL, value.clone());
        } else {
            headers.append(name.clone(), value.clone());
        }
    }
    let length = response.body().len();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
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
fn json_post(request: &http::request::Parts) -> Result<(), Error> {
    if request.method != Method::POST {
        return Err(Error::MethodNotAllowed { allow: "POST" });
    }
    if media_type(&request.headers) != JSON {
        return Err(Error::UnsupportedMediaType { expected: JSON });
    }
    Ok(())
}

fn check_read_method(request: &http::request::Parts, allow: &'static str) -> Result<(), Error> {
    let method = &request.method;
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
fn finish_read(request: &http::request::Parts, mut response: Response<Bytes>) -> Response<Bytes> {
    let length = response.body().len();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if request.method == Method::HEAD {
        *response.body_mut() = Bytes::new();
    }
    response
}

/// A strong ETag for an embedded asset, computed once.
fn asset_etag(asset: &str) -> HeaderValue {
    let hash = crate::crypto::sha256_b64(asset.as_bytes());
    HeaderValue::from_str(&format!("\"{}\"", &hash[..27])).expect("base64url is a valid header")
}

/// Drops the body of an answer to `HEAD`, saying its length in `Content-Length` unless the
/// answer already does.
fn head_answer(mut response: Response<Bytes>) -> Response<Bytes> {
    if !response.body().is_empty() {
        let length = response.body().len();
        response
            .headers_mut()
            .entry(header::CONTENT_LENGTH)
            .or_insert(HeaderValue::from(length));
        *response.body_mut() = Bytes::new();
    }
    response
}

static SCRIPT_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| asset_etag(coauth_js::COAUTH_JS));
static MODULE_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| asset_etag(coauth_js::COAUTH_MJS));

fn serve_script(
    request: &http::request::Parts,
    script: &'static str,
    etag: &HeaderValue,
) -> Result<Response<Bytes>, Error> {
    check_read_method(request, "GET, HEAD")?;
    let etag = etag.clone();
    let not_modified = request
        .headers
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
        let mut response = Response::new(Bytes::from_static(script.as_bytes()));
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
    request: &http::request::Parts,
    allow: &'static str,
    html: String,
) -> Result<Response<Bytes>, Error> {
    check_read_method(request, allow)?;
    Ok(finish_read(request, page_response(html)))
}

/// An HTML page with the headers of every coauth page: no caching, no Referer, framing by
/// the app's own origin only, scripts from the app only.
fn page_response(html: String) -> Response<Bytes> {
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

/// The result page. A `form_post` provider (Apple) POSTs its answer; the page then carries
/// the parameters as inert JSON for the script, since the script cannot read a POST body.
fn result_page(request: &http::request::Parts, body: &Bytes) -> Result<Response<Bytes>, Error> {
    const ALLOW: &str = "GET, HEAD, POST";
    check_read_method(request, ALLOW)?;
    let params = if request.method == Method::POST {
        if media_type(&request.headers) != FORM {
            return Err(Error::UnsupportedMediaType { expected: FORM });
        }
        // A parameter sent twice is refused rather than read as its last value, which
        // another reader might not pick (SECURITY.md item 38).
        let mut params = serde_json::Map::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            if params.contains_key(name.as_ref()) {
                return Err(Error::Input(format!(
                    "the provider's answer repeats the parameter \"{}\"",
                    protocol::echo(&name, 32)
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

    fn creator() -> ResourceCreator {
        let coauth = Coauth::builder()
            .secret("0123456789abcdef0123456789abcdef")
            .provider(
                "github",
                crate::presets::GitHub::new("id", "secret").build(),
            )
            .redirect_uri("https://app.example/coauth/result_page")
            .build()
            .unwrap();
        ResourceCreator::new(coauth)
    }

    fn get(path: &str, if_none_match: Option<&HeaderValue>) -> Request<Bytes> {
        let mut request = Request::get(path);
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        request.body(Bytes::new()).unwrap()
    }

    #[tokio::test]
    async fn every_provider_has_its_result_page_at_a_path_of_its_own() {
        let creator = creator();
        let paths: Vec<&str> = creator.resources().iter().map(Resource::path).collect();
        assert!(paths.contains(&"/result_page"), "{paths:?}");
        assert!(paths.contains(&"/result_page_github"), "{paths:?}");
        let own = creator
            .create_provider_result_page_resource("github")
            .unwrap();
        assert_eq!(own.path(), "/result_page_github");
        assert_eq!(own.step(), Step::ResultPage);
        // The same path is made once.
        assert!(std::ptr::eq(
            own.path(),
            creator
                .create_provider_result_page_resource("github")
                .unwrap()
                .path()
        ));
        assert!(
            creator
                .create_provider_result_page_resource("other")
                .is_none()
        );
        let page = own
            .handle(get("/coauth/result_page_github?code=c&state=s", None))
            .await;
        let shared = creator
            .create_result_page_resource()
            .handle(get("/coauth/result_page?code=c&state=s", None))
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers(), shared.headers());
        assert_eq!(page.body(), shared.body());
    }

    #[tokio::test]
    async fn the_module_is_served_like_the_script_with_its_own_etag() {
        let creator = creator();
        let module = creator.create_module_resource();
        let script = creator.create_js_resource();
        assert_eq!(module.path(), "/coauth.mjs");

        let answer = module.handle(get("/coauth.mjs", None)).await;
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(answer.body(), coauth_js::COAUTH_MJS.as_bytes());
        let headers = answer.headers();
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let etag = headers[header::ETAG].clone();
        let script_answer = script.handle(get("/coauth.js", None)).await;
        assert_ne!(script_answer.headers()[header::ETAG], etag);

        let again = module.handle(get("/coauth.mjs", Some(&etag))).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.body().is_empty());
        let post = module
            .handle(Request::post("/coauth.mjs").body(Bytes::new()).unwrap())
            .await;
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[test]
    fn a_frame_page_carries_status_data_and_cookies_but_not_body_headers() {
        let mut answer = json_response(
            StatusCode::CONFLICT,
            &serde_json::json!({"code": "UserDenied"}),
        );
        let headers = answer.headers_mut();
        headers.append(header::SET_COOKIE, HeaderValue::from_static("a=1"));
        headers.append(header::SET_COOKIE, HeaderValue::from_static("b=2"));
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("ALLOWALL"),
        );
        let page = frame_page(Some("id-1"), answer);
        assert_eq!(page.status(), StatusCode::CONFLICT);
        let headers = page.headers();
        assert_eq!(headers.get_all(header::SET_COOKIE).iter().count(), 2);
        assert!(!headers.contains_key(header::CONTENT_ENCODING));
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], PAGE_CSP);
        let html = std::str::from_utf8(page.body()).unwrap();
        let open = r#"<script type="application/json" id="coauth-result">"#;
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        let carried: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(
            carried,
            serde_json::json!({"id": "id-1", "status": 409, "data": {"code": "UserDenied"}})
        );
        assert!(!html.contains(coauth_js::FRAME_RESULT_PLACEHOLDER));
    }

    #[test]
    fn frame_form_ids_are_checked_before_they_are_echoed() {
        let form = FrameForm::parse(b"request=%7B%7D&id=ab-_09&x=1&x=2");
        assert_eq!(form.id(), Some("ab-_09"));
        assert_eq!(form.check().unwrap(), "{}");
        assert_eq!(
            form.extra,
            [("x".into(), "1".into()), ("x".into(), "2".into())]
        );
        for body in [
            &b"request=1"[..],
            b"request=1&id=",
            b"request=1&id=a%3Cb",
            b"request=1&id=a&id=a",
        ] {
            let form = FrameForm::parse(body);
            assert_eq!(form.id(), None);
            assert_eq!(form.check().unwrap_err().code(), "ValidationError");
        }
    }

    #[test]
    fn script_safe_json_cannot_close_the_element() {
        let json =
            script_safe_json(&serde_json::json!({"code": "</script><img src=x onerror=alert(1)>"}));
        assert!(!json.contains('<') && !json.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["code"], "</script><img src=x onerror=alert(1)>");
    }
}
