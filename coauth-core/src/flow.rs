//! The two steps of a sign-in, as plain async functions on [`Coauth`]: `auth_url` starts a
//! flow, `result` finishes it. The HTTP resources call them; an app can call them from its
//! own endpoints too (the client's `customAuthResultRequest`).

use std::collections::BTreeMap;
use std::future::{Future, ready};

use tracing::Span;
use tracing::field::Empty;

use http::{HeaderMap, HeaderValue, header};

use crate::Error;
use crate::config::{Coauth, origin_and_path};
use crate::cookie::CookieNames;
use crate::crypto::{constant_time_eq, pkce_challenge, random_token, sha256_b64};
use crate::failure::redirect_error;
use crate::protocol::{
    AuthUrlRequest, AuthUrlResponse, Mode, ResultRequest, check_identity, check_provider_name, echo,
};
use crate::provider::{AuthResult, FinishContext, Provider, StartContext};
use crate::seal::{FlowState, MAX_BLOB_LEN, Opened};
use crate::trace::{flow_fingerprint, provider_stage, step};

/// Name of the binding cookie on https origins (`__Host-`: Secure, Path=/, no Domain).
pub const BINDING_COOKIE_SECURE: &str = "__Host-coauth-binding";
/// Name of the binding cookie on plain-http loopback origins, where `Secure` cannot be set.
pub const BINDING_COOKIE_LOOPBACK: &str = "coauth-binding";
/// The binding cookie's two names.
const BINDING_COOKIE: CookieNames = CookieNames {
    secure: BINDING_COOKIE_SECURE,
    loopback: BINDING_COOKIE_LOOPBACK,
};

/// Redirect parameters passed on to providers; everything else the client sends is dropped,
/// so a posted `access_token` or `id_token` can never be substituted for the code exchange.
const STANDARD_RESPONSE_PARAMS: &[&str] = &[
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "error_code",
    "error_message",
    "error_reason",
    "denied",
    "oauth_token",
    "oauth_verifier",
];
const MAX_PARAM_LEN: usize = 8192;

/// What the resources need to know about the HTTP request that carries a step.
///
/// Its `Debug` says whether a binding cookie is there, never its value (SECURITY.md item 30).
#[derive(Clone, Default)]
pub struct RequestContext {
    /// The request's `Origin` header.
    pub origin: Option<String>,
    /// The request's `Sec-Fetch-Site` header.
    pub sec_fetch_site: Option<String>,
    /// The binding cookie on https origins.
    pub binding_secure: Option<String>,
    /// The binding cookie on plain-http loopback origins.
    pub binding_loopback: Option<String>,
    /// The id of the user signed in to the app, which account linking (a non-null
    /// `identity`) requires at both steps. [`Coauth::request_context`] fills it from the
    /// configured [`crate::SessionUser`]; [`RequestContext::from_headers`] leaves it empty.
    /// The resources ask the hook themselves, and only for linking flows.
    pub session_user: Option<String>,
}

impl RequestContext {
    /// Reads the context from a request's headers.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mut context = RequestContext {
            origin: text(header::ORIGIN),
            sec_fetch_site: headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            ..RequestContext::default()
        };
        for (name, value) in BINDING_COOKIE.read(headers) {
            let slot = if name == BINDING_COOKIE_SECURE {
                &mut context.binding_secure
            } else {
                &mut context.binding_loopback
            };
            *slot = Some(value.to_owned());
        }
        context
    }

    fn binding_for(&self, origin: &str) -> Option<&str> {
        let cookie = if origin.starts_with("https://") {
            &self.binding_secure
        } else {
            &self.binding_loopback
        };
        cookie.as_deref().filter(|value| is_token(value))
    }
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cookie = |value: &Option<String>| value.as_ref().map(|_| "[redacted]");
        f.debug_struct("RequestContext")
            .field("origin", &self.origin)
            .field("sec_fetch_site", &self.sec_fetch_site)
            .field("binding_secure", &cookie(&self.binding_secure))
            .field("binding_loopback", &cookie(&self.binding_loopback))
            .field("session_user", &self.session_user)
            .finish()
    }
}

/// A binding value as coauth makes them: 43 base64url characters.
fn is_token(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The outcome of `auth_url`: the answer for the client and the `Set-Cookie` header of the
/// binding cookie.
///
/// Its `Debug` shows neither the cookie's value nor the flow (SECURITY.md item 30).
#[derive(Clone)]
pub struct AuthUrlOutcome {
    /// The answer for the client.
    pub response: AuthUrlResponse,
    /// A `Set-Cookie` value to send with the answer: the binding cookie, new or the
    /// browser's own value again, with a `Max-Age` of a whole flow lifetime from now, so
    /// that the cookie outlives every flow started with it (SECURITY.md item 34). `auth_url`
    /// always sets it.
    pub set_cookie: Option<HeaderValue>,
}

impl std::fmt::Debug for AuthUrlOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthUrlOutcome")
            .field("response", &self.response)
            .field(
                "set_cookie",
                &self.set_cookie.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Coauth {
    /// The context of a request for [`Coauth::auth_url`] and [`Coauth::result`]: its
    /// headers read as [`RequestContext::from_headers`] does, and the signed-in app user as
    /// the configured [`crate::SessionUser`] answers.
    pub async fn request_context(&self, request: &http::request::Parts) -> RequestContext {
        RequestContext {
            session_user: self.session_user_of(request).await,
            ..RequestContext::from_headers(&request.headers)
        }
    }

    fn provider(&self, name: &str) -> Result<&dyn Provider, Error> {
        check_provider_name(name)?;
        self.inner
            .providers
            .get(name)
            .map(|provider| provider.as_ref())
            .ok_or_else(|| Error::Input(format!("unknown provider \"{}\"", echo(name, 64))))
    }

    /// Refuses requests from origins the app did not allow, and cross-site requests.
    pub(crate) fn check_origin<'a>(&self, ctx: &'a RequestContext) -> Result<&'a str, Error> {
        if ctx.sec_fetch_site.as_deref() == Some("cross-site") {
            return Err(Error::Input("cross-site requests are not accepted".into()));
        }
        let origin = ctx
            .origin
            .as_deref()
            .ok_or_else(|| Error::Input("the request has no Origin header".into()))?;
        if !self.inner.origins.iter().any(|allowed| allowed == origin) {
            return Err(Error::Input("the request's origin is not allowed".into()));
        }
        Ok(origin)
    }

    /// Starts a sign-in: checks the request, builds the provider's authorization URL and
    /// seals the flow.
    ///
    /// With a non-null `identity` (account linking) `ctx.session_user` is required and its
    /// HMAC is sealed in the flow; see [`crate::SessionUser`].
    pub async fn auth_url(
        &self,
        request: AuthUrlRequest,
        ctx: &RequestContext,
    ) -> Result<AuthUrlOutcome, Error> {
        self.start_flow(request, ctx, ready(ctx.session_user.clone()))
            .await
    }

    /// [`Coauth::auth_url`], with the signed-in app user given by `session_user`, which is
    /// awaited for linking flows only.
    pub(crate) async fn start_flow(
        &self,
        request: AuthUrlRequest,
        ctx: &RequestContext,
        session_user: impl Future<Output = Option<String>>,
    ) -> Result<AuthUrlOutcome, Error> {
        let span = tracing::info_span!(
            "coauth.auth_url",
            provider = Empty,
            mode = Empty,
            flow = Empty,
            outcome = Empty,
            duration_ms = Empty
        );
        // Boxed: the step's timing and span wrap the work's future, and would each hold
        // another copy of it (a future's arguments are stored beside what it awaits).
        step(
            span,
            Box::pin(self.start_flow_checked(request, ctx, session_user)),
        )
        .await
    }

    async fn start_flow_checked(
        &self,
        request: AuthUrlRequest,
        ctx: &RequestContext,
        session_user: impl Future<Output = Option<String>>,
    ) -> Result<AuthUrlOutcome, Error> {
        let origin = self.check_origin(ctx)?;
        let provider = self.provider(&request.provider_type)?;
        let span = Span::current();
        span.record("provider", request.provider_type.as_str());
        span.record("mode", request.mode.as_str());
        // A provider with redirect URIs of its own accepts only those (SECURITY.md item 33).
        if !self
            .redirect_uris_of(&request.provider_type)
            .iter()
            .any(|allowed| allowed == &request.redirect_uri)
        {
            return Err(Error::Input(
                "the redirect URI is not allowed for this provider".into(),
            ));
        }
        let silent = request.mode == Mode::Silent;
        if silent && !request.identity.is_null() {
            return Err(Error::Input(
                "silent sign-in cannot be combined with an identity".into(),
            ));
        }
        // So that the sealed flow fits what the result step accepts (SECURITY.md item 37).
        check_identity(&request.identity)?;
        // Checked before the provider is asked for anything (OAuth 1.0a's request token).
        let linking_user = if request.identity.is_null() {
            None
        } else {
            let user = signed_in(session_user)
                .await
                .ok_or_else(|| self.no_linking_user())?;
            Some(self.inner.sealer.linking_user_tag(&user))
        };
        // The browser's binding cookie is sent again with a fresh Max-Age, so it lives at
        // least as long as this flow: a flow started late in the cookie's life must still
        // find it at `result` (SECURITY.md item 34). Same value, so flows already started
        // in this browser stay valid.
        let binding = match ctx.binding_for(origin) {
            Some(existing) => existing.to_owned(),
            None => random_token(),
        };
        let set_cookie = Some(self.binding_cookie(origin, &binding));
        let state = random_token();
        let verifier = random_token();
        let nonce = random_token();
        let started = provider_stage(
            tracing::debug_span!(
                "coauth.provider.start",
                outcome = Empty,
                duration_ms = Empty
            ),
            provider.start(StartContext {
                redirect_uri: &request.redirect_uri,
                state: &state,
                pkce_challenge: &pkce_challenge(&verifier),
                nonce: &nonce,
                silent,
                options: &request.auth,
                http: self.inner.http.as_ref(),
                clock: self.inner.clock.as_ref(),
            }),
        )
        .await?;
        let now = self.inner.clock.now_unix();
        let flow = self.inner.sealer.seal(&FlowState {
            provider: request.provider_type,
            redirect_uri: request.redirect_uri,
            origin: origin.to_owned(),
            identity: request.identity,
            silent,
            state,
            verifier,
            nonce,
            binding: sha256_b64(binding.as_bytes()),
            linking_user,
            provider_data: started.sealed,
            request_token: started.request_token,
            iat: now,
            exp: now + self.inner.flow_lifetime,
        })?;
        // The fingerprint costs a hash: only when the span is logged.
        if !span.is_disabled() {
            span.record("flow", flow_fingerprint(&flow).as_str());
        }
        Ok(AuthUrlOutcome {
            response: AuthUrlResponse {
                url: started.url.into(),
                flow,
            },
            set_cookie,
        })
    }

    /// The refusal of a linking flow without a signed-in app user at `auth_url`.
    fn no_linking_user(&self) -> Error {
        Error::Input(
            if self.inner.session_user.is_some() || self.inner.sessions.is_some() {
                "account linking (a non-null identity) needs a user signed in to the app".into()
            } else {
                "account linking (a non-null identity) is not enabled: the server has no \
             session_user hook and no sessions"
                    .into()
            },
        )
    }

    fn binding_cookie(&self, origin: &str, value: &str) -> HeaderValue {
        BINDING_COOKIE.set_cookie(
            BINDING_COOKIE.for_origin(origin),
            value,
            self.inner.flow_lifetime,
        )
    }

    /// Finishes a sign-in: opens and checks the flow, checks the binding cookie, the origin,
    /// the signed-in app user of a linking flow and `state` (all before any call to the
    /// provider), maps denials, then lets the provider exchange the code.
    ///
    /// A linking flow needs `ctx.session_user` to be the user who started it (its HMAC
    /// must equal the sealed one); the result names it in [`AuthResult::linking_user`].
    pub async fn result(
        &self,
        request: ResultRequest,
        ctx: &RequestContext,
    ) -> Result<AuthResult, Error> {
        self.finish_flow(request, ctx, ready(ctx.session_user.clone()))
            .await
    }

    /// [`Coauth::result`], with the signed-in app user given by `session_user`, which is
    /// awaited for linking flows only.
    pub(crate) async fn finish_flow(
        &self,
        request: ResultRequest,
        ctx: &RequestContext,
        session_user: impl Future<Output = Option<String>>,
    ) -> Result<AuthResult, Error> {
        let span = tracing::info_span!(
            "coauth.result",
            provider = Empty,
            flow = Empty,
            outcome = Empty,
            duration_ms = Empty
        );
        // Boxed, as in `start_flow`.
        step(
            span,
            Box::pin(self.finish_flow_checked(request, ctx, session_user)),
        )
        .await
    }

    /// The checks of a `result` request before its answer is read: an allowed origin, a
    /// known provider, a flow this server sealed for it, not expired, started in this
    /// browser (the binding cookie) from this origin.
    fn open_checked(
        &self,
        request: &ResultRequest,
        ctx: &RequestContext,
    ) -> Result<(&dyn Provider, Opened<'_>), Error> {
        let origin = self.check_origin(ctx)?;
        let provider = self.provider(&request.provider_type)?;
        let span = Span::current();
        span.record("provider", request.provider_type.as_str());
        if request.flow.len() > MAX_BLOB_LEN {
            return Err(Error::Input("the sign-in flow is too long".into()));
        }
        if !span.is_disabled() {
            span.record("flow", flow_fingerprint(&request.flow).as_str());
        }
        let opened = self.inner.sealer.open(
            &request.flow,
            &request.provider_type,
            self.inner.clock.now_unix(),
        )?;
        let binding = ctx.binding_for(origin).ok_or_else(|| {
            Error::Input(
                "the sign-in was started in another browser or its cookie is missing".into(),
            )
        })?;
        if !constant_time_eq(&sha256_b64(binding.as_bytes()), &opened.state.binding) {
            return Err(Error::Input(
                "the sign-in was started in another browser".into(),
            ));
        }
        if opened.state.origin != origin {
            return Err(Error::Input(
                "the sign-in was started from another origin".into(),
            ));
        }
        Ok((provider, opened))
    }

    /// Seats a waiting `result` request (`"wait": true`) in the early answer's room, after
    /// the checks any `result` request passes, and waits for the provider's redirect.
    /// `Ok(Some((request, finishing)))`: the answer arrived on the flow's result page;
    /// `request` is the whole `result` request, to finish as any other, and `finishing` is
    /// dropped once it has its answer (the page is answered then). `Ok(None)`: it did not
    /// come here in time (the room was swept, a later request for the flow took the place,
    /// the room is full, or the flow is OAuth 1.0a's, whose answer never comes this way).
    pub(crate) async fn wait_for_answer(
        &self,
        mut request: ResultRequest,
        ctx: &RequestContext,
    ) -> Result<Option<(ResultRequest, crate::early::Finishing)>, Error> {
        if !request.response.is_empty() || !request.redirect_uri.is_empty() {
            return Err(Error::Input(
                "a waiting result request carries no answer (response and redirectUri)".into(),
            ));
        }
        let (_, opened) = self.open_checked(&request, ctx)?;
        let flow = opened.state;
        let Some(path) = flow
            .request_token
            .is_none()
            .then(|| url::Url::parse(&flow.redirect_uri).ok())
            .flatten()
            .map(|uri| uri.path().to_owned())
        else {
            return Ok(None);
        };
        let guard = crate::early::Guard {
            origin: flow.origin.clone(),
            binding: flow.binding.clone(),
            silent: flow.silent,
        };
        let Some(mut place) = self.inner.early.wait(&flow.state, &path, guard) else {
            return Ok(None);
        };
        let Some((answer, finishing)) = place.answer().await else {
            return Ok(None);
        };
        request.response = answer;
        request.redirect_uri = flow.redirect_uri;
        request.wait = false;
        Ok(Some((request, finishing)))
    }

    /// Hands the provider's redirect parameters that reached a result page served at `path`
    /// (the request's `headers`) to the `result` request waiting for their flow, if one
    /// waits here and the request came from the browser that started the flow (its binding
    /// cookie) in the flow's kind of window (`Sec-Fetch-Dest`, when sent: `iframe` for a
    /// silent flow, `document` for a popup). `Some` when it took them: the page then says
    /// so, once that request has finished, and the app's page does not send them again.
    pub(crate) fn hand_over(
        &self,
        path: &str,
        headers: &HeaderMap,
        answer: crate::early::Answer,
    ) -> Option<crate::early::Finished> {
        let state = answer.get("state")?.as_str()?.to_owned();
        let ctx = RequestContext::from_headers(headers);
        let dest = headers.get("sec-fetch-dest").map(HeaderValue::as_bytes);
        let passes = |guard: &crate::early::Guard| {
            let window: &[u8] = if guard.silent { b"iframe" } else { b"document" };
            dest.is_none_or(|dest| dest == window)
                && ctx.binding_for(&guard.origin).is_some_and(|binding| {
                    constant_time_eq(&sha256_b64(binding.as_bytes()), &guard.binding)
                })
        };
        self.inner.early.hand_over(&state, path, passes, answer)
    }

    async fn finish_flow_checked(
        &self,
        request: ResultRequest,
        ctx: &RequestContext,
        session_user: impl Future<Output = Option<String>>,
    ) -> Result<AuthResult, Error> {
        if request.wait {
            return Err(Error::Input(
                "a waiting result request is answered by the result resource".into(),
            ));
        }
        let (provider, opened) = self.open_checked(&request, ctx)?;
        check_arrival(&request.redirect_uri, &opened.state.redirect_uri)?;
        let linking_user = check_linking_user(&opened, session_user).await?;
        let flow = opened.state;
        let params = response_params(request.response, provider.extra_response_params())?;
        check_redirect_binding(&params, &flow)?;
        if let Some(error) = redirect_error(&params, provider.denial_rules()) {
            return Err(error);
        }
        let finished = provider_stage(
            tracing::debug_span!(
                "coauth.provider.finish",
                outcome = Empty,
                duration_ms = Empty
            ),
            provider.finish(FinishContext {
                params: &params,
                redirect_uri: &flow.redirect_uri,
                pkce_verifier: &flow.verifier,
                nonce: &flow.nonce,
                sealed: &flow.provider_data,
                options: &request.result,
                http: self.inner.http.as_ref(),
                clock: self.inner.clock.as_ref(),
            }),
        )
        .await?;
        let fields = request
            .result
            .fields
            .iter()
            .take(64)
            .filter_map(|name| {
                finished
                    .profile
                    .get(name)
                    .map(|value| (name.clone(), value.clone()))
            })
            .collect();
        Ok(AuthResult {
            provider_type: request.provider_type,
            identity: flow.identity,
            linking_user,
            user: finished.user,
            fields,
            credentials: finished.credentials,
            profile: finished.profile,
        })
    }
}

/// The signed-in app user; an empty id counts as nobody.
async fn signed_in(session_user: impl Future<Output = Option<String>>) -> Option<String> {
    session_user.await.filter(|user| !user.is_empty())
}

/// For a linking flow, checks that the app user signed in now is the one who started it: the
/// HMAC of the session user must equal the sealed one (constant time). Returns that user;
/// `None` for any other flow, without asking for the session user.
async fn check_linking_user(
    opened: &Opened<'_>,
    session_user: impl Future<Output = Option<String>>,
) -> Result<Option<String>, Error> {
    let Some(sealed) = &opened.state.linking_user else {
        // Every linking flow seals a tag; one without (sealed by an older version) is never
        // taken for a plain sign-in.
        if !opened.state.identity.is_null() {
            return Err(Error::Input(
                "the account-linking sign-in names no app user; start again".into(),
            ));
        }
        return Ok(None);
    };
    let user = signed_in(session_user).await.ok_or_else(|| {
        Error::Input("account linking needs the app user who started it to be signed in".into())
    })?;
    if !constant_time_eq(&opened.linking_user_tag(&user), sealed) {
        return Err(Error::Input(
            "the account-linking sign-in was started by another app user; start again".into(),
        ));
    }
    Ok(Some(user))
}

/// Checks that the provider's answer arrived at the flow's own redirect URI, compared as
/// origin and path (the result page reports `location.origin + location.pathname`). With a
/// redirect URI per provider, this is what stops provider mix-up (SECURITY.md items 8 and
/// 33): a malicious provider that sends the browser on to an honest provider gets the honest
/// provider's answer delivered to the honest provider's redirect URI, not to the flow's. The
/// report is required, or a request without it would skip the check.
fn check_arrival(reported: &str, sealed: &str) -> Result<(), Error> {
    if reported.is_empty() {
        return Err(Error::Input(
            "the result request does not say where the provider's answer arrived \
             (redirectUri is required)"
                .into(),
        ));
    }
    let arrived = (reported.len() <= MAX_PARAM_LEN)
        .then(|| origin_and_path(reported))
        .flatten();
    if arrived.is_none() || arrived != origin_and_path(sealed) {
        return Err(Error::Input(
            "the provider's answer arrived at another redirect URI than the sign-in's".into(),
        ));
    }
    Ok(())
}

/// Checks that the redirect belongs to this flow, in constant time: the flow's `state`, or
/// for OAuth 1.0a the request token the flow sealed, which a denial names as `denied` and an
/// approval returns as `oauth_token`. A denial for another flow must not pass as this
/// flow's denial.
fn check_redirect_binding(
    params: &BTreeMap<String, String>,
    flow: &FlowState,
) -> Result<(), Error> {
    let (returned, sealed, what) = match &flow.request_token {
        None => (params.get("state"), flow.state.as_str(), "state"),
        Some(token) => (
            params.get("denied").or_else(|| params.get("oauth_token")),
            token.as_str(),
            "request token",
        ),
    };
    let returned = returned.map(String::as_str).unwrap_or("");
    if sealed.is_empty() || !constant_time_eq(returned, sealed) {
        return Err(Error::Input(format!(
            "the provider's answer does not belong to this sign-in ({what} mismatch)"
        )));
    }
    Ok(())
}

/// Keeps the redirect parameters a provider may read; each must be a string.
fn response_params(
    response: serde_json::Map<String, serde_json::Value>,
    extra: &[&str],
) -> Result<BTreeMap<String, String>, Error> {
    let mut params = BTreeMap::new();
    for (name, value) in response {
        if !STANDARD_RESPONSE_PARAMS.contains(&name.as_str()) && !extra.contains(&name.as_str()) {
            continue;
        }
        let serde_json::Value::String(value) = value else {
            return Err(Error::Validation(format!(
                "response parameter {name:?} must be a string"
            )));
        };
        if value.len() > MAX_PARAM_LEN {
            return Err(Error::Validation(format!(
                "response parameter {name:?} is too long"
            )));
        }
        params.insert(name, value);
    }
    Ok(params)
}

#[cfg(test)]
mod linking_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_known_string_params_pass() {
        let mut map = serde_json::Map::new();
        map.insert("code".into(), "c".into());
        map.insert("access_token".into(), "injected".into());
        map.insert("device_id".into(), "d".into());
        let kept = response_params(map.clone(), &[]).unwrap();
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["code"]);
        let kept = response_params(map, &["device_id"]).unwrap();
        assert!(kept.contains_key("device_id"));
        let mut bad = serde_json::Map::new();
        bad.insert("code".into(), serde_json::json!(5));
        assert_eq!(
            response_params(bad, &[]).unwrap_err().code(),
            "ValidationError"
        );
    }

    fn flow_with(request_token: Option<&str>) -> FlowState {
        FlowState {
            provider: "p".into(),
            redirect_uri: "https://app.example/r".into(),
            origin: "https://app.example".into(),
            identity: serde_json::Value::Null,
            silent: false,
            state: "the-state".into(),
            verifier: "v".into(),
            nonce: "n".into(),
            binding: "b".into(),
            linking_user: None,
            provider_data: serde_json::json!({"oauth_token": "rt"}),
            request_token: request_token.map(str::to_owned),
            iat: 0,
            exp: 1,
        }
    }

    #[test]
    fn state_binding_requires_the_sealed_state() {
        let flow = flow_with(None);
        let check = |p| check_redirect_binding(&p, &flow);
        assert!(check(params(&[("state", "the-state"), ("code", "c")])).is_ok());
        for bad in [
            params(&[("code", "c")]),
            params(&[("state", "other"), ("code", "c")]),
            params(&[("state", "the-state-"), ("error", "access_denied")]),
            // An OAuth 1.0a answer does not satisfy a state provider.
            params(&[("oauth_token", "rt"), ("oauth_verifier", "v")]),
        ] {
            assert_eq!(check(bad).unwrap_err().code(), "InputError");
        }
    }

    #[test]
    fn oauth1_binding_requires_the_sealed_request_token() {
        let flow = flow_with(Some("rt"));
        let check = |p| check_redirect_binding(&p, &flow);
        assert!(check(params(&[("oauth_token", "rt"), ("oauth_verifier", "v")])).is_ok());
        assert!(check(params(&[("denied", "rt")])).is_ok());
        for bad in [
            params(&[("oauth_verifier", "v")]),
            params(&[("oauth_token", ""), ("oauth_verifier", "v")]),
            params(&[("oauth_token", "rt2"), ("oauth_verifier", "v")]),
            params(&[("oauth_token", "r"), ("oauth_verifier", "v")]),
            // A denial for another flow's token, even next to this flow's token.
            params(&[("denied", "other")]),
            params(&[("denied", "other"), ("oauth_token", "rt")]),
            params(&[("denied", "")]),
            // `state` means nothing to OAuth 1.0a.
            params(&[("state", "the-state"), ("error", "access_denied")]),
        ] {
            assert_eq!(
                check(bad.clone()).unwrap_err().code(),
                "InputError",
                "{bad:?}"
            );
        }
        // An empty sealed token matches nothing, not even an empty one.
        let flow = flow_with(Some(""));
        let error = check_redirect_binding(&params(&[("oauth_token", "")]), &flow).unwrap_err();
        assert_eq!(error.code(), "InputError");
    }

    #[test]
    fn the_answer_must_arrive_at_the_sealed_redirect_uri() {
        let sealed = "https://app.example/coauth/result_page_github?x=1";
        for same in [
            "https://app.example/coauth/result_page_github",
            "https://APP.example:443/coauth/result_page_github",
            "https://app.example/coauth/result_page_github?other=query#and-fragment",
        ] {
            assert!(check_arrival(same, sealed).is_ok(), "{same}");
        }
        for (other, what) in [
            ("", "required"),
            ("https://app.example/coauth/result_page_google", "another"),
            ("https://app.example/coauth/result_page", "another"),
            ("http://app.example/coauth/result_page_github", "another"),
            ("https://evil.example/coauth/result_page_github", "another"),
            ("/coauth/result_page_github", "another"),
            ("not a url", "another"),
            ("javascript:alert(1)", "another"),
        ] {
            let error = check_arrival(other, sealed).unwrap_err();
            assert_eq!(error.code(), "InputError", "{other}");
            assert!(error.to_string().contains(what), "{other}: {error}");
        }
        let long = format!("https://app.example/{}", "a".repeat(MAX_PARAM_LEN));
        assert_eq!(
            check_arrival(&long, sealed).unwrap_err().code(),
            "InputError"
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        let token = "a".repeat(43);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; coauth-binding={token}")).unwrap(),
        );
        let ctx = RequestContext::from_headers(&headers);
        assert_eq!(ctx.binding_for("http://127.0.0.1:1"), Some(token.as_str()));
        assert_eq!(ctx.binding_for("https://app.example"), None);
    }
}
