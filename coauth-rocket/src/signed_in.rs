//! Signed-in users in handlers: the [`SignedIn`] request guard, its error, and the
//! [`Renewed`] responder that keeps a session alive.

use std::fmt;
use std::ops::Deref;

use coauth_core::{Coauth, Session, SessionRefusal};
use http::HeaderValue;
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::{self, FromRequest};
use rocket::response::{self, Responder};
use rocket::{Ignite, Request, Rocket, Sentinel};

/// The user signed in to the app: the session coauth set at the sign-in
/// ([`coauth_core::CoauthBuilder::sessions`]), read from the request's session cookie by
/// [`Coauth::session_from_headers`].
///
/// As a request guard it fails a request without a valid session (no cookie, or one that is
/// tampered, expired or sealed with an unknown key) with `401 Unauthorized`
/// ([`SessionRefusal::NotSignedIn`]), which rocket's `401` catcher answers. As for any guard,
/// `Option<SignedIn>` is `None` for such a request instead, for pages that serve signed-out
/// users too.
///
/// The [`Coauth`] is rocket's managed state: `rocket.manage(coauth)`. As a sentinel, the
/// guard stops the launch of an app that mounts a route using it (or `Option<SignedIn>`)
/// without a managed `Coauth` keeping sessions; used elsewhere (`request.guard()`), it fails
/// such a request with `500` ([`SignedInError::NotManaged`], [`SessionRefusal::SessionsOff`]).
///
/// It dereferences to the [`Session`]: `user.user.id`, `user.provider_type`, `user.claims`.
/// Answer with [`SignedIn::renew`] to keep an active user signed in.
///
/// ```
/// use coauth_core::Coauth;
/// use coauth_rocket::{Renewed, SignedIn};
/// use rocket::{get, routes};
///
/// #[get("/me")]
/// fn me(user: SignedIn) -> Renewed<String> {
///     user.renew(format!("{} via {}", user.user.id, user.provider_type))
/// }
///
/// #[get("/")]
/// fn home(user: Option<SignedIn>) -> Renewed<String> {
///     let greeting = match &user {
///         Some(user) => format!("Hello, {}", user.user.name.as_deref().unwrap_or("you")),
///         None => "Hello, guest".to_owned(),
///     };
///     Renewed::new(greeting, user.as_deref())
/// }
///
/// fn app(coauth: Coauth) -> rocket::Rocket<rocket::Build> {
///     rocket::build().manage(coauth).mount("/", routes![me, home])
/// }
/// # let _ = app;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn(pub Session);

impl SignedIn {
    /// `responder` with the session's renewal: a `Set-Cookie` that keeps the session alive
    /// when one is due ([`Session::renewal`]: past half the idle timeout, or sealed under a
    /// previous secret), nothing otherwise.
    ///
    /// ```
    /// use coauth_rocket::{Renewed, SignedIn};
    ///
    /// #[rocket::get("/me")]
    /// fn me(user: SignedIn) -> Renewed<String> {
    ///     user.renew(user.subject())
    /// }
    /// # let _ = rocket::routes![me];
    /// ```
    pub fn renew<R>(&self, responder: R) -> Renewed<R> {
        Renewed::new(responder, Some(&self.0))
    }

    /// The session.
    ///
    /// ```
    /// use coauth_core::Session;
    /// use coauth_rocket::SignedIn;
    ///
    /// #[rocket::get("/account")]
    /// fn account(user: SignedIn) -> String {
    ///     let session: Session = user.into_session();
    ///     session.subject()
    /// }
    /// # let _ = rocket::routes![account];
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

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignedIn {
    type Error = SignedInError;

    async fn from_request(request: &'r Request<'_>) -> request::Outcome<Self, SignedInError> {
        let Some(coauth) = request.rocket().state::<Coauth>() else {
            return Outcome::Error((
                SignedInError::NotManaged.status(),
                SignedInError::NotManaged,
            ));
        };
        let mut headers = http::HeaderMap::new();
        for cookie in request.headers().get("cookie") {
            if let Ok(value) = HeaderValue::from_str(cookie) {
                headers.append(http::header::COOKIE, value);
            }
        }
        let refused = |refusal| {
            let error = SignedInError::Refused(refusal);
            Outcome::Error((error.status(), error))
        };
        match coauth.signed_in(&headers) {
            Ok(Some(session)) => Outcome::Success(SignedIn(session)),
            Ok(None) => refused(SessionRefusal::NotSignedIn),
            Err(refusal) => refused(refusal),
        }
    }
}

impl Sentinel for SignedIn {
    /// Stops the launch when no [`Coauth`] keeping sessions is managed: every request
    /// would fail otherwise.
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        !rocket.state::<Coauth>().is_some_and(Coauth::has_sessions)
    }
}

/// Why [`SignedIn`] failed a request, with the status it gave rocket: the core's
/// [`SessionRefusal`], with its status ([`SessionRefusal::status`]), or a rocket without a
/// managed [`Coauth`].
///
/// ```
/// use coauth_core::SessionRefusal;
/// use coauth_rocket::SignedInError;
/// assert_eq!(SignedInError::Refused(SessionRefusal::NotSignedIn).status().code, 401);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedInError {
    /// The core refused: [`SessionRefusal::NotSignedIn`] (`401 Unauthorized`) or
    /// [`SessionRefusal::SessionsOff`] (`500`).
    Refused(SessionRefusal),
    /// Rocket manages no [`Coauth`]: add it with `rocket.manage(coauth)`. `500`.
    NotManaged,
}

impl SignedInError {
    /// The status the guard fails with.
    ///
    /// ```
    /// use coauth_rocket::SignedInError;
    /// assert_eq!(SignedInError::NotManaged.status().code, 500);
    /// ```
    pub fn status(self) -> Status {
        match self {
            SignedInError::Refused(refusal) => Status::new(refusal.status().as_u16()),
            SignedInError::NotManaged => Status::InternalServerError,
        }
    }
}

impl fmt::Display for SignedInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignedInError::Refused(refusal) => refusal.fmt(f),
            SignedInError::NotManaged => f.write_str(
                "the SignedIn guard needs the Coauth as rocket's managed state: \
                 rocket.manage(coauth)",
            ),
        }
    }
}

impl std::error::Error for SignedInError {}

/// A responder with a session's renewal: `R`'s answer, plus a `Set-Cookie` that keeps the
/// session alive when a renewal is due ([`Session::renewal`]). Made by [`SignedIn::renew`],
/// or by [`Renewed::new`] from an `Option<SignedIn>` or a [`Session`] read with
/// [`Coauth::session_from_headers`].
///
/// Its `Debug` leaves the cookie out: it is as good as the session.
///
/// ```
/// use coauth_rocket::{Renewed, SignedIn};
///
/// #[rocket::get("/")]
/// fn home(user: Option<SignedIn>) -> Renewed<&'static str> {
///     let page = if user.is_some() { "welcome back" } else { "welcome" };
///     Renewed::new(page, user.as_deref())
/// }
/// # let _ = rocket::routes![home];
/// ```
pub struct Renewed<R> {
    responder: R,
    cookie: Option<HeaderValue>,
}

impl<R> Renewed<R> {
    /// `responder` with the renewal of `session`, when there is a session and its renewal is
    /// due; `responder` alone otherwise.
    ///
    /// ```
    /// use coauth_core::Session;
    /// use coauth_rocket::Renewed;
    ///
    /// fn answer(session: Option<&Session>) -> Renewed<&'static str> {
    ///     Renewed::new("the page", session)
    /// }
    /// # let _ = answer;
    /// ```
    pub fn new(responder: R, session: Option<&Session>) -> Self {
        Renewed {
            responder,
            cookie: session.and_then(Session::renewal).cloned(),
        }
    }

    /// Whether the answer will renew the session.
    ///
    /// ```
    /// use coauth_rocket::Renewed;
    /// assert!(!Renewed::new("the page", None).is_due());
    /// ```
    pub fn is_due(&self) -> bool {
        self.cookie.is_some()
    }

    /// The responder, without the renewal.
    ///
    /// ```
    /// use coauth_rocket::Renewed;
    /// assert_eq!(Renewed::new("the page", None).into_inner(), "the page");
    /// ```
    pub fn into_inner(self) -> R {
        self.responder
    }
}

impl<R: fmt::Debug> fmt::Debug for Renewed<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renewed")
            .field("responder", &self.responder)
            .field("cookie", &self.cookie.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl<'r, 'o: 'r, R: Responder<'r, 'o>> Responder<'r, 'o> for Renewed<R> {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'o> {
        let mut response = self.responder.respond_to(request)?;
        if let Some(cookie) = self.cookie {
            response.adjoin_raw_header(
                "Set-Cookie",
                String::from_utf8_lossy(cookie.as_bytes()).into_owned(),
            );
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
    use coauth_core::{CoauthBuilder, Sessions};
    use rocket::error::ErrorKind;
    use rocket::local::asynchronous::Client;
    use rocket::{Build, get, routes};

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

    #[get("/me")]
    fn me(user: SignedIn) -> String {
        user.subject()
    }

    #[get("/maybe")]
    fn maybe(user: Option<SignedIn>) -> String {
        user.is_some().to_string()
    }

    fn quiet() -> Rocket<Build> {
        rocket::custom(rocket::Config {
            log_level: rocket::config::LogLevel::Off,
            ..rocket::Config::debug_default()
        })
    }

    /// The guard's sentinel stops the launch of an app whose routes use it without a
    /// managed `Coauth` keeping sessions, in either form; with one, it launches.
    #[rocket::async_test]
    async fn the_sentinel_stops_an_app_without_a_coauth_keeping_sessions() {
        let without_state = quiet().mount("/", routes![me]);
        let without_sessions = quiet()
            .manage(builder().build().unwrap())
            .mount("/", routes![maybe]);
        for app in [without_state, without_sessions] {
            let error = app.ignite().await.unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::SentinelAborts(..)),
                "{error:?}"
            );
        }
        quiet()
            .manage(builder().sessions(Sessions::new()).build().unwrap())
            .mount("/", routes![me, maybe])
            .ignite()
            .await
            .unwrap();
    }

    /// Where no sentinel runs (a guard called from code), the guard fails with 500 and says
    /// what is missing, where it would otherwise answer every user as signed out.
    #[rocket::async_test]
    async fn used_from_code_without_a_coauth_keeping_sessions_it_fails_with_500() {
        for (app, expected) in [
            (quiet(), SignedInError::NotManaged),
            (
                quiet().manage(builder().build().unwrap()),
                SignedInError::Refused(SessionRefusal::SessionsOff),
            ),
        ] {
            let client = Client::untracked(app).await.unwrap();
            let request = client.get("/");
            match request.guard::<SignedIn>().await {
                Outcome::Error((status, error)) => {
                    assert_eq!((status, error), (Status::InternalServerError, expected));
                    assert_eq!(error.status(), status);
                }
                other => panic!("{expected:?}: {other:?}"),
            }
        }
        let app = quiet().manage(builder().sessions(Sessions::new()).build().unwrap());
        let client = Client::untracked(app).await.unwrap();
        let request = client.get("/");
        match request.guard::<SignedIn>().await {
            Outcome::Error((status, error)) => {
                assert_eq!(
                    (status, error),
                    (
                        Status::Unauthorized,
                        SignedInError::Refused(SessionRefusal::NotSignedIn)
                    )
                );
            }
            other => panic!("signed out: {other:?}"),
        }
        assert!(
            SignedInError::NotManaged
                .to_string()
                .contains("rocket.manage")
        );
        assert!(
            SignedInError::Refused(SessionRefusal::SessionsOff)
                .to_string()
                .contains("CoauthBuilder::sessions")
        );
    }
}
