//! The framework-neutral HTTP resources: `http::Request<Bytes>` in, `http::Response<Bytes>`
//! out. Adapters mount each [`Resource`] at its [`Resource::path`] under a prefix of the
//! app's choosing and copy the answer as it is: every status, header and body is decided here.

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};

mod assets;
mod frame;
mod pages;

/// The auth page, naming coauth.js by its version.
static AUTH_PAGE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| with_script_version(coauth_js::AUTH_PAGE));

use assets::{MODULE_ETAG, SCRIPT_ETAG, SCRIPT_VERSION, serve_script, with_script_version};
pub use frame::FrameFields;
use pages::{page_response, result_page, script_safe_json, serve_page};

use crate::config::Coauth;
use crate::error::json_bytes_response;
pub use crate::error::json_response;
use crate::error_hook::{ErrorEvent, Step};
use crate::flow::RequestContext;
use crate::protocol::{AuthUrlRequest, AuthUrlResponse, ResultRequest, parse_json};
use crate::session::SessionClaims;
use crate::trace::flow_fingerprint;
use crate::{Error, protocol};

/// Largest request body any resource accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
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

    /// `GET /session`: the signed-in user as JSON, or 401. `None` when sessions are off
    /// ([`crate::CoauthBuilder::sessions`]).
    pub fn create_session_resource(&self) -> Option<Resource> {
        self.coauth
            .has_sessions()
            .then(|| self.resource(Kind::Session))
    }

    /// `POST /sign_out`: ends the session (JSON only, from an allowed origin). `None` when
    /// sessions are off.
    pub fn create_sign_out_resource(&self) -> Option<Resource> {
        self.coauth
            .has_sessions()
            .then(|| self.resource(Kind::SignOut))
    }

    /// All the resources: the fixed ones, `/session` and `/sign_out` when sessions are on,
    /// then `/result_page_{provider}` for every configured provider, by name.
    pub fn resources(&self) -> Vec<Resource> {
        let mut providers: Vec<&String> = self.coauth.inner.providers.keys().collect();
        providers.sort();
        let sessions: &[Kind] = if self.coauth.has_sessions() {
            &[Kind::Session, Kind::SignOut]
        } else {
            &[]
        };
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
        .chain(sessions.iter().copied())
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
    Session,
    SignOut,
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
            Kind::Session => "/session",
            Kind::SignOut => "/sign_out",
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
            Kind::Session => Step::Session,
            Kind::SignOut => Step::SignOut,
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
            // The steps' futures are boxed: each is several kilobytes, and this future, which
            // every request of every resource creates and moves, would otherwise be as large
            // as the largest of them.
            match self.kind {
                Kind::AuthUrl => Box::pin(self.auth_url(&parts, body, &mut seen)).await,
                Kind::Result => Box::pin(self.result(&parts, body, &mut seen)).await,
                Kind::ResultFrame => Box::pin(self.result_frame(&parts, body, &mut seen)).await,
                Kind::Js => serve_script(
                    &parts,
                    coauth_js::COAUTH_JS,
                    &SCRIPT_ETAG,
                    Some(&SCRIPT_VERSION),
                ),
                Kind::Module => serve_script(&parts, coauth_js::COAUTH_MJS, &MODULE_ETAG, None),
                Kind::AuthPage => serve_page(&parts, "GET, HEAD", AUTH_PAGE.clone()),
                Kind::ResultPage | Kind::ProviderResultPage(_) => {
                    Box::pin(result_page(&parts, &body, self.path(), |answer| {
                        self.coauth.hand_over(self.path(), &parts.headers, answer)
                    }))
                    .await
                }
                Kind::Session => self.session(&parts),
                Kind::SignOut => self.sign_out(&parts, &body),
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
        let mut response = json_bytes_response(StatusCode::OK, auth_url_body(&outcome.response));
        if let Some(cookie) = outcome.set_cookie {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(response)
    }
}

/// The `auth_url` answer's JSON, `{"url":"...","flow":"..."}`, written once into its
/// buffer: the flow is base64url, which JSON takes as it is, so only the URL is escaped.
fn auth_url_body(answer: &AuthUrlResponse) -> Vec<u8> {
    debug_assert!(
        answer
            .flow
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let mut body = Vec::with_capacity(answer.url.len() + answer.flow.len() + 24);
    body.extend_from_slice(b"{\"url\":");
    serde_json::to_writer(&mut body, &answer.url).expect("a string serializes");
    body.extend_from_slice(b",\"flow\":\"");
    body.extend_from_slice(answer.flow.as_bytes());
    body.extend_from_slice(b"\"}");
    body
}

impl Resource {
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
        if body.wait {
            let ctx = RequestContext::from_headers(&parts.headers);
            return match self.coauth.wait_for_answer(body, &ctx).await? {
                Some((answered, finishing)) => {
                    let mut answer = self.finish(answered, parts).await;
                    drop(finishing);
                    // 204 means "not here" to a waiting request: a result hook's 204 for a
                    // sign-in it took reaches the app's page as 200, without a body.
                    if let Ok(answer) = &mut answer
                        && answer.status() == StatusCode::NO_CONTENT
                    {
                        *answer.status_mut() = StatusCode::OK;
                    }
                    answer
                }
                None => {
                    let mut answer = Response::new(Bytes::new());
                    *answer.status_mut() = StatusCode::NO_CONTENT;
                    Ok(answer)
                }
            };
        }
        self.finish(body, parts).await
    }

    /// The result step proper, shared by `/result` and `/result_frame`: the app's hook
    /// answers when there is one, otherwise the result as JSON. With sessions on, a
    /// sign-in (not an account-linking flow) whose answer is a success starts a session.
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
        // What the session needs, kept before the hook takes the result.
        let session = (self.coauth.has_sessions() && result.linking_user.is_none())
            .then(|| (result.provider_type.clone(), result.user.clone()));
        let mut response = match &self.coauth.inner.result_hook {
            Some(hook) => hook.respond(result, parts).await?,
            None => json_response(
                StatusCode::OK,
                &result.to_json(self.coauth.exposes_credentials()),
            ),
        };
        let claims = response.extensions_mut().remove::<SessionClaims>();
        if let (Some((provider, user)), Some(origin)) = (session, &ctx.origin)
            && response.status().is_success()
        {
            let claims = claims.map_or(serde_json::Value::Null, |claims| claims.0);
            let cookie = self
                .coauth
                .start_session(&provider, &user, claims, origin)?;
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(response)
    }

    /// `GET /session`: the signed-in user as JSON, renewing the session when it is due; 401
    /// with no body when nobody is signed in, or for a cross-site request.
    fn session(&self, parts: &http::request::Parts) -> Result<Response<Bytes>, Error> {
        check_read_method(parts, "GET, HEAD")?;
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .is_some_and(|site| site.as_bytes() == b"cross-site");
        let session = (!cross_site)
            .then(|| self.coauth.session_from_headers(&parts.headers))
            .flatten();
        let Some(session) = session else {
            let mut answer = Response::new(Bytes::new());
            *answer.status_mut() = StatusCode::UNAUTHORIZED;
            return Ok(finish_read(parts, answer));
        };
        let mut answer = json_response(StatusCode::OK, &session.to_json());
        if let Some(renewal) = session.renewal() {
            answer
                .headers_mut()
                .append(header::SET_COOKIE, renewal.clone());
        }
        Ok(finish_read(parts, answer))
    }

    /// `POST /sign_out`: ends the session the request carries, with the rules of the other
    /// POSTs (JSON, an allowed origin, not cross-site), so another site cannot sign the user
    /// out. 204 whether there was a session or not.
    fn sign_out(
        &self,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> Result<Response<Bytes>, Error> {
        json_post(parts)?;
        if !body.is_empty() {
            let _: serde_json::Map<String, serde_json::Value> = parse_json(body)?;
        }
        self.coauth
            .check_origin(&RequestContext::from_headers(&parts.headers))?;
        let mut answer = Response::new(Bytes::new());
        *answer.status_mut() = StatusCode::NO_CONTENT;
        for cookie in self.coauth.sign_out_cookies(&parts.headers) {
            answer.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(answer)
    }
}

fn is_media_type(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

/// Accepts only `POST` with a JSON body: a cross-site HTML form cannot send one without a
/// CORS preflight, which coauth never grants.
fn json_post(request: &http::request::Parts) -> Result<(), Error> {
    if request.method != Method::POST {
        return Err(Error::MethodNotAllowed { allow: "POST" });
    }
    if !is_media_type(&request.headers, JSON) {
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

    #[tokio::test]
    async fn coauth_s_pages_name_the_script_by_its_version_which_is_cached_for_good() {
        let creator = creator();
        let script = creator.create_js_resource();
        let etag = script.handle(get("/coauth.js", None)).await.headers()[header::ETAG].clone();
        let version = etag.to_str().unwrap().trim_matches('"').to_owned();
        assert!(version.len() >= 20, "{version}");
        let src = format!("src=\"coauth.js?v={version}\"");
        let auth = creator
            .create_auth_page_resource()
            .handle(get("/coauth/auth_page", None))
            .await;
        let result = creator
            .create_result_page_resource()
            .handle(get("/coauth/result_page?code=c&state=s", None))
            .await;
        for page in [&auth, &result] {
            let html = std::str::from_utf8(page.body()).unwrap();
            assert!(html.contains(&src), "{html}");
            assert_eq!(page.headers()[header::CACHE_CONTROL], "no-store");
        }

        // That URL is this content for good; any other is revalidated, as the plain one is.
        let versioned = script
            .handle(get(&format!("/coauth.js?v={version}"), None))
            .await;
        assert_eq!(versioned.status(), StatusCode::OK);
        assert_eq!(versioned.body(), coauth_js::COAUTH_JS.as_bytes());
        assert_eq!(
            versioned.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        for other in [
            "/coauth.js",
            "/coauth.js?v=an-older-version",
            "/coauth.js?x=1",
        ] {
            let answer = script.handle(get(other, None)).await;
            assert_eq!(
                answer.headers()[header::CACHE_CONTROL],
                "no-cache",
                "{other}"
            );
        }
        let module = creator
            .create_module_resource()
            .handle(get(&format!("/coauth.mjs?v={version}"), None))
            .await;
        assert_eq!(module.headers()[header::CACHE_CONTROL], "no-cache");
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
