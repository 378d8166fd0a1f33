//! Signed-in users in handlers: the [`signed_in`] and [`session`] filters, their rejection
//! and [`recover`], and [`with_renewal`] that keeps a session alive.

use std::fmt;

use coauth_core::{Coauth, Session, SessionRefusal};
use futures_util::future;
use http::{HeaderMap, header};
use warp::Filter;
use warp::reject::{Reject, Rejection};
use warp::reply::{Reply, Response};

/// Extracts the user signed in to the app: the [`Session`] coauth set at the sign-in
/// ([`coauth_core::CoauthBuilder::sessions`]), read from the request's session cookie by
/// [`Coauth::session_from_headers`].
///
/// A request without a valid session (no cookie, or one that is tampered, expired or sealed
/// with an unknown key) is rejected with [`SessionRefusal::NotSignedIn`]; a `coauth`
/// without sessions rejects every request with [`SessionRefusal::SessionsOff`]. Put
/// [`recover`] behind the routes to answer them with `401` and `500`: warp answers a custom
/// rejection that nothing recovers with a bare `500`. Use [`session`] for routes that serve
/// signed-out users too.
///
/// ```
/// use coauth_core::{Coauth, Session};
/// use warp::Filter;
///
/// fn routes(coauth: Coauth) -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {
///     warp::path!("me")
///         .and(warp::get())
///         .and(coauth_warp::signed_in(coauth))
///         .map(|session: Session| {
///             coauth_warp::with_renewal(warp::reply::json(&session.to_json()), &session)
///         })
///         .recover(coauth_warp::recover)
/// }
/// # let _ = routes;
/// ```
pub fn signed_in(coauth: Coauth) -> impl Filter<Extract = (Session,), Error = Rejection> + Clone {
    session(coauth).and_then(|session: Option<Session>| {
        future::ready(
            session.ok_or_else(|| {
                warp::reject::custom(SignedInRejection(SessionRefusal::NotSignedIn))
            }),
        )
    })
}

/// Extracts the user signed in to the app, if any: `None` for a request without a valid
/// session, where [`signed_in`] rejects. A `coauth` without sessions rejects every request
/// with [`SessionRefusal::SessionsOff`] (`500` through [`recover`]).
///
/// ```
/// use coauth_core::{Coauth, Session};
/// use warp::Filter;
///
/// fn home(coauth: Coauth) -> impl Filter<Extract = (warp::reply::Response,), Error = warp::Rejection> + Clone {
///     warp::path::end()
///         .and(coauth_warp::session(coauth))
///         .map(|session: Option<Session>| match session {
///             Some(session) => {
///                 let greeting = format!("Hello, {}", session.user.id);
///                 coauth_warp::with_renewal(greeting, &session)
///             }
///             None => warp::reply::Reply::into_response("Hello, guest"),
///         })
/// }
/// # let _ = home;
/// ```
pub fn session(
    coauth: Coauth,
) -> impl Filter<Extract = (Option<Session>,), Error = Rejection> + Clone {
    warp::header::headers_cloned().and_then(move |headers: HeaderMap| {
        future::ready(
            coauth
                .signed_in(&headers)
                .map_err(|refusal| warp::reject::custom(SignedInRejection(refusal))),
        )
    })
}

/// `reply` with the session's renewal: a `Set-Cookie` that keeps the session alive when one
/// is due ([`Session::renewal`]: past half the idle timeout, or sealed under a previous
/// secret), added to the headers `reply` has; `reply` as it is otherwise.
///
/// ```
/// use coauth_core::Session;
///
/// fn me(session: Session) -> warp::reply::Response {
///     coauth_warp::with_renewal(warp::reply::json(&session.to_json()), &session)
/// }
/// # let _ = me;
/// ```
pub fn with_renewal(reply: impl Reply, session: &Session) -> Response {
    let mut response = reply.into_response();
    if let Some(cookie) = session.renewal() {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    response
}

/// Answers the rejections of [`signed_in`] and [`session`]: [`SessionRefusal::NotSignedIn`]
/// with `401 Unauthorized` and an empty body, [`SessionRefusal::SessionsOff`] with `500`
/// and a message. Any other rejection goes on as it was, to warp or to the app's own
/// `recover`. Use it with [`Filter::recover`] behind the routes.
///
/// ```
/// use coauth_core::{Coauth, ResourceCreator, Session};
/// use warp::Filter;
///
/// # async fn example(coauth: Coauth) {
/// let me = warp::path!("me")
///     .and(coauth_warp::signed_in(coauth.clone()))
///     .map(|session: Session| coauth_warp::with_renewal(warp::reply::json(&session.to_json()), &session));
/// let coauth_routes = warp::path("coauth").and(coauth_warp::filter(&ResourceCreator::new(coauth)));
/// let routes = me.or(coauth_routes).recover(coauth_warp::recover);
/// # let _ = routes;
/// # }
/// ```
pub async fn recover(rejection: Rejection) -> Result<Response, Rejection> {
    match rejection.find::<SignedInRejection>() {
        Some(found) => Ok(found.into_response()),
        None => Err(rejection),
    }
}

/// Why [`signed_in`] or [`session`] rejected a request: the core's [`SessionRefusal`].
/// [`recover`] answers it as the core makes it ([`SessionRefusal::to_response`]); an app's
/// own `recover` can look for it with [`Rejection::find`] to answer otherwise (a redirect to
/// the sign-in page, say).
///
/// ```
/// use coauth_core::SessionRefusal;
/// use coauth_warp::SignedInRejection;
/// use warp::Reply;
///
/// async fn to_sign_in(rejection: warp::Rejection) -> Result<warp::reply::Response, warp::Rejection> {
///     match rejection.find::<SignedInRejection>() {
///         Some(SignedInRejection(SessionRefusal::NotSignedIn)) => {
///             Ok(warp::redirect::see_other(http::Uri::from_static("/sign-in")).into_response())
///         }
///         _ => Err(rejection),
///     }
/// }
/// # let _ = to_sign_in;
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

impl Reject for SignedInRejection {}

impl Reply for SignedInRejection {
    fn into_response(self) -> Response {
        self.0.to_response().map(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
    use coauth_core::{CoauthBuilder, Sessions};

    use super::*;

    fn builder() -> CoauthBuilder {
        let config = OAuth2Config::new(
            "client-id",
            "client-secret",
            "https://idp.example/authorize",
            "https://idp.example/token",
        )
        .unwrap();
        let userinfo = StandardUserinfo::new("https://idp.example/userinfo").unwrap();
        Coauth::builder()
            .secret("a test secret of at least thirty-two bytes")
            .provider("idp", OAuth2Provider::new(config, userinfo))
            .redirect_uri("https://app.example/coauth/result_page")
    }

    fn routes(coauth: Coauth) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
        let me = warp::path!("me")
            .and(signed_in(coauth.clone()))
            .map(|session: Session| with_renewal(session.subject(), &session));
        let maybe = warp::path!("maybe")
            .and(session(coauth))
            .map(|session: Option<Session>| session.is_some().to_string().into_response());
        me.or(maybe).unify().recover(recover).unify()
    }

    /// A `Coauth` without sessions is the app's bug: both filters answer 500 through
    /// `recover` and say what to enable, where they would otherwise answer every user as
    /// signed out.
    #[tokio::test]
    async fn without_sessions_both_filters_answer_500_with_the_fix() {
        let routes = routes(builder().build().unwrap());
        for path in ["/me", "/maybe"] {
            let response = warp::test::request().path(path).reply(&routes).await;
            assert_eq!(response.status(), 500, "{path}");
            let body = String::from_utf8_lossy(response.body());
            assert!(body.contains("CoauthBuilder::sessions"), "{path}: {body}");
        }
        let routes = self::routes(builder().sessions(Sessions::new()).build().unwrap());
        let me = warp::test::request().path("/me").reply(&routes).await;
        assert_eq!((me.status().as_u16(), me.body().as_ref()), (401, &b""[..]));
        let maybe = warp::test::request().path("/maybe").reply(&routes).await;
        assert_eq!(
            (maybe.status().as_u16(), maybe.body().as_ref()),
            (200, &b"false"[..])
        );
    }

    /// `recover` answers only its own rejections: the others reach warp (a 404 here) or the
    /// app's own `recover`.
    #[tokio::test]
    async fn recover_passes_other_rejections_on() {
        let routes = routes(builder().sessions(Sessions::new()).build().unwrap());
        let response = warp::test::request()
            .path("/elsewhere")
            .reply(&routes)
            .await;
        assert_eq!(response.status(), 404);
        let rejection = recover(warp::reject::not_found()).await.unwrap_err();
        assert!(rejection.is_not_found());
    }
}
