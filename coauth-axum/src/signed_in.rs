//! Signed-in users in handlers: the [`SignedIn`] extractor, its rejection, and the
//! [`Renewal`] that keeps a session alive.

use std::convert::Infallible;
use std::fmt;
use std::ops::Deref;

use axum::body::Body;
use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use coauth_core::{Coauth, Session, SessionRefusal};
use http::request::Parts;
use http::{HeaderValue, header};

/// The user signed in to the app: the session coauth set at the sign-in
/// ([`coauth_core::CoauthBuilder::sessions`]), read from the request's session cookie by
/// [`Coauth::session_from_headers`].
///
/// As an extractor it rejects a request without a valid session (no cookie, or one that is
/// tampered, expired or sealed with an unknown key) with `401 Unauthorized` and an empty body
/// ([`SessionRefusal::NotSignedIn`]). `Option<SignedIn>` is `None` for such a request
/// instead, for pages that serve signed-out users too.
///
/// The [`Coauth`] comes from the router's state: the state is the `Coauth` itself
/// (`.with_state(coauth)`), or an app state `S` with `Coauth: FromRef<S>`. A router without
/// it does not compile. A `Coauth` built without sessions answers 500
/// ([`SessionRefusal::SessionsOff`]): that is the app's configuration to fix.
///
/// It dereferences to the [`Session`]: `user.user.id`, `user.provider_type`,
/// `user.claims`. Send [`SignedIn::renewal`] with the answer to keep an active user signed
/// in.
///
/// ```
/// use axum::response::IntoResponse;
/// use axum::routing::get;
/// use axum::{Json, Router};
/// use coauth_axum::SignedIn;
/// use coauth_core::Coauth;
///
/// async fn me(user: SignedIn) -> impl IntoResponse {
///     (user.renewal(), Json(user.to_json()))
/// }
///
/// async fn home(user: Option<SignedIn>) -> impl IntoResponse {
///     let greeting = match &user {
///         Some(user) => format!("Hello, {}", user.user.name.as_deref().unwrap_or("you")),
///         None => "Hello, guest".to_owned(),
///     };
///     (user.as_ref().map(SignedIn::renewal), greeting)
/// }
///
/// fn app(coauth: Coauth) -> Router {
///     Router::new()
///         .route("/", get(home))
///         .route("/me", get(me))
///         .with_state(coauth)
/// }
/// # let _ = app;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn(pub Session);

impl SignedIn {
    /// What renews the session with the answer: as part of a response tuple, it adds the
    /// session's `Set-Cookie` when a renewal is due ([`Session::renewal`]: past half the
    /// idle timeout, or sealed under a previous secret), and nothing otherwise.
    ///
    /// ```
    /// use axum::Json;
    /// use axum::response::IntoResponse;
    /// use coauth_axum::SignedIn;
    ///
    /// async fn me(user: SignedIn) -> impl IntoResponse {
    ///     (user.renewal(), Json(user.to_json()))
    /// }
    /// # let _ = me;
    /// ```
    pub fn renewal(&self) -> Renewal {
        Renewal::from(&self.0)
    }

    /// The session.
    ///
    /// ```
    /// use coauth_axum::SignedIn;
    /// use coauth_core::Session;
    ///
    /// async fn account(user: SignedIn) -> String {
    ///     let session: Session = user.into_session();
    ///     session.subject()
    /// }
    /// # let _ = account;
    /// ```
    pub fn into_session(self) -> Session {
        self.0
    }
}

impl Deref for SignedIn {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.0
    }
}

impl<S> FromRequestParts<S> for SignedIn
where
    Coauth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SignedInRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        <SignedIn as OptionalFromRequestParts<S>>::from_request_parts(parts, state)
            .await?
            .ok_or(SignedInRejection(SessionRefusal::NotSignedIn))
    }
}

impl<S> OptionalFromRequestParts<S> for SignedIn
where
    Coauth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SignedInRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Coauth::from_ref(state)
            .signed_in(&parts.headers)
            .map(|session| session.map(SignedIn))
            .map_err(SignedInRejection)
    }
}

/// Why [`SignedIn`] refused a request: the core's [`SessionRefusal`], answered as the core
/// makes it ([`SessionRefusal::to_response`]): `401` with an empty body when nobody is
/// signed in, `500` with a message when the app's `Coauth` keeps no sessions.
///
/// ```
/// use axum::response::IntoResponse;
/// use coauth_axum::SignedInRejection;
/// use coauth_core::SessionRefusal;
///
/// let response = SignedInRejection(SessionRefusal::NotSignedIn).into_response();
/// assert_eq!(response.status(), 401);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedInRejection(pub SessionRefusal);

impl fmt::Display for SignedInRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SignedInRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl IntoResponse for SignedInRejection {
    fn into_response(self) -> Response {
        self.0.to_response().map(Body::from)
    }
}

/// The renewal of a session, due or not: as part of a response, a `Set-Cookie` that keeps the
/// session alive when it is due, nothing otherwise. Made by [`SignedIn::renewal`], or from a
/// [`Session`] read with [`Coauth::session_from_headers`].
///
/// Its `Debug` leaves the cookie out: it is as good as the session.
///
/// ```
/// use axum::extract::State;
/// use axum::response::IntoResponse;
/// use coauth_axum::Renewal;
/// use coauth_core::Coauth;
///
/// async fn page(State(coauth): State<Coauth>, headers: http::HeaderMap) -> impl IntoResponse {
///     let session = coauth.session_from_headers(&headers);
///     (session.as_ref().map(Renewal::from), "a page")
/// }
/// # let _: axum::Router<Coauth> = axum::Router::new().route("/", axum::routing::get(page));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Renewal(Option<HeaderValue>);

impl Renewal {
    /// Whether the answer will renew the session.
    ///
    /// ```
    /// use coauth_axum::Renewal;
    /// assert!(!Renewal::default().is_due());
    /// ```
    pub fn is_due(&self) -> bool {
        self.0.is_some()
    }
}

impl From<&Session> for Renewal {
    fn from(session: &Session) -> Self {
        Renewal(session.renewal().cloned())
    }
}

impl fmt::Debug for Renewal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Renewal")
            .field(&self.0.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl IntoResponseParts for Renewal {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Infallible> {
        if let Some(cookie) = self.0 {
            parts.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use coauth_core::{Coauth, Sessions};
    use http::StatusCode;
    use tower::ServiceExt;

    use super::*;
    use crate::test_support::builder;

    fn app(coauth: Coauth) -> Router {
        Router::new()
            .route("/me", get(|user: SignedIn| async move { user.subject() }))
            .route(
                "/maybe",
                get(|user: Option<SignedIn>| async move { user.is_some().to_string() }),
            )
            .with_state(coauth)
    }

    async fn get_status(app: &Router, path: &str) -> (StatusCode, String) {
        let response = app
            .clone()
            .oneshot(http::Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// A `Coauth` without sessions is the app's bug: both forms answer 500 and say what to
    /// enable, where they would otherwise answer every user as signed out.
    #[tokio::test]
    async fn without_sessions_both_forms_answer_500_with_the_fix() {
        let app = app(builder().build().unwrap());
        for path in ["/me", "/maybe"] {
            let (status, body) = get_status(&app, path).await;
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            assert!(body.contains("CoauthBuilder::sessions"), "{path}: {body}");
        }
        let app = self::app(builder().sessions(Sessions::new()).build().unwrap());
        assert_eq!(
            get_status(&app, "/me").await,
            (StatusCode::UNAUTHORIZED, String::new())
        );
        assert_eq!(
            get_status(&app, "/maybe").await,
            (StatusCode::OK, "false".to_owned())
        );
    }

    /// The `Coauth` is found in an app state of the app's own through `FromRef`.
    #[tokio::test]
    async fn the_coauth_comes_from_an_app_state() {
        #[derive(Clone)]
        struct AppState {
            coauth: Coauth,
        }
        impl FromRef<AppState> for Coauth {
            fn from_ref(state: &AppState) -> Coauth {
                state.coauth.clone()
            }
        }
        let coauth = builder().sessions(Sessions::new()).build().unwrap();
        let app = Router::new()
            .route("/me", get(|user: SignedIn| async move { user.subject() }))
            .with_state(AppState { coauth });
        assert_eq!(
            get_status(&app, "/me").await,
            (StatusCode::UNAUTHORIZED, String::new())
        );
    }

    #[test]
    fn a_renewal_that_is_not_due_adds_nothing_and_debug_hides_the_cookie() {
        let response = (Renewal::default(), "body").into_response();
        assert!(response.headers().get(header::SET_COOKIE).is_none());
        let due = Renewal(Some(HeaderValue::from_static("coauth-session=sealed")));
        assert!(due.is_due());
        assert!(!format!("{due:?}").contains("sealed"));
        let response = ([(header::SET_COOKIE, "other=1")], due, "body").into_response();
        let cookies: Vec<_> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .collect();
        assert_eq!(cookies, ["other=1", "coauth-session=sealed"]);
    }
}
