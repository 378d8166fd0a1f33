//! Sessions: after a sign-in, the user stays signed in to the app by one sealed cookie, with
//! no session store.
//!
//! Opt in with [`crate::CoauthBuilder::sessions`]. A successful sign-in then sets a cookie
//! holding the provider, the user's stable id, the user fields the app chose
//! ([`Sessions::fields`]), the claims its result hook added ([`SessionClaims`]), when the
//! user signed in and until when the session lasts. It is sealed like a flow
//! (XChaCha20-Poly1305) under a key derived from the app secret for sessions only, so a flow
//! never opens as a session nor a session as a flow, and every server sharing the secret
//! reads it. The cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`, and on https
//! `__Host-coauth-session` with `Secure`.
//!
//! A session ends at its absolute lifetime, or after its idle timeout without a renewal; it
//! is renewed (sealed again with a fresh idle deadline) when it is read past half its idle
//! timeout, or when it was sealed under a previous secret. What cannot be opened, has
//! expired or is too long is simply "not signed in", logged at `debug`.

use std::time::Duration;

use http::{HeaderMap, HeaderValue, header};
use serde::{Deserialize, Serialize};

use crate::cookie::CookieNames;
use crate::provider::User;
use crate::seal::{ISSUED_AT_LEEWAY_SECS, Keyring, OpenError, SESSION, SealError};
use crate::{ConfigError, Error};

/// Name of the session cookie on https origins (`__Host-`: Secure, Path=/, no Domain).
pub const SESSION_COOKIE_SECURE: &str = "__Host-coauth-session";
/// Name of the session cookie on plain-http loopback origins, where `Secure` cannot be set.
pub const SESSION_COOKIE_LOOPBACK: &str = "coauth-session";
/// The session cookie's two names.
const SESSION_COOKIE: CookieNames = CookieNames {
    secure: SESSION_COOKIE_SECURE,
    loopback: SESSION_COOKIE_LOOPBACK,
};
/// The most a session cookie may be, name and value: what every browser keeps.
pub const MAX_SESSION_COOKIE_BYTES: usize = 4096;
/// The longest absolute lifetime accepted: browsers cap a cookie's lifetime at 400 days.
pub const MAX_SESSION_LIFETIME: Duration = Duration::from_secs(400 * 24 * 3600);
/// The most a user id may be, as JSON, to be kept in a session.
const MAX_ID_JSON: usize = 256;
/// The longest provider name (see [`crate::CoauthBuilder::provider`]).
const MAX_PROVIDER_NAME: usize = 64;

/// A field of [`User`] a session can keep besides the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserField {
    /// [`User::name`], up to 256 bytes of JSON.
    Name,
    /// [`User::email`], up to 256 bytes of JSON.
    Email,
    /// [`User::email_verified`].
    EmailVerified,
    /// [`User::avatar_url`], up to 512 bytes of JSON.
    AvatarUrl,
    /// [`User::profile_url`], up to 512 bytes of JSON.
    ProfileUrl,
    /// [`User::username`], up to 128 bytes of JSON.
    Username,
}

impl UserField {
    /// Every field.
    pub const ALL: [UserField; 6] = [
        UserField::Name,
        UserField::Email,
        UserField::EmailVerified,
        UserField::AvatarUrl,
        UserField::ProfileUrl,
        UserField::Username,
    ];

    /// The most the field's value may be, as JSON, to be kept; a longer value is left out
    /// of the session (the sign-in still succeeds).
    pub fn limit(self) -> usize {
        match self {
            UserField::Name | UserField::Email => 256,
            UserField::EmailVerified => 5,
            UserField::AvatarUrl | UserField::ProfileUrl => 512,
            UserField::Username => 128,
        }
    }

    /// Copies this field of `from` into `to` when it fits its [`UserField::limit`].
    fn copy(self, from: &User, to: &mut User) {
        let fits = |value: &Option<String>| {
            value
                .as_ref()
                .filter(|text| json_len(text) <= self.limit())
                .cloned()
        };
        match self {
            UserField::Name => to.name = fits(&from.name),
            UserField::Email => to.email = fits(&from.email),
            UserField::EmailVerified => to.email_verified = from.email_verified,
            UserField::AvatarUrl => to.avatar_url = fits(&from.avatar_url),
            UserField::ProfileUrl => to.profile_url = fits(&from.profile_url),
            UserField::Username => to.username = fits(&from.username),
        }
    }

    /// The longest value the field may keep, for the size check at build time.
    fn fill(self, user: &mut User) {
        let longest = || Some("x".repeat(self.limit() - 2));
        match self {
            UserField::Name => user.name = longest(),
            UserField::Email => user.email = longest(),
            UserField::EmailVerified => user.email_verified = Some(false),
            UserField::AvatarUrl => user.avatar_url = longest(),
            UserField::ProfileUrl => user.profile_url = longest(),
            UserField::Username => user.username = longest(),
        }
    }
}

/// The length of `text` as a JSON string.
fn json_len<T: Serialize + ?Sized>(value: &T) -> usize {
    serde_json::to_string(value).map_or(usize::MAX, |json| json.len())
}

/// How sessions work: lifetimes, what they keep. See [`crate::CoauthBuilder::sessions`].
///
/// ```
/// use std::time::Duration;
/// use coauth_core::{Sessions, UserField};
/// let sessions = Sessions::new()
///     .absolute_lifetime(Duration::from_secs(30 * 24 * 3600))
///     .idle_timeout(Duration::from_secs(3 * 24 * 3600))
///     .fields([UserField::Name, UserField::AvatarUrl])
///     .claims_limit(256);
/// # let _ = sessions;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sessions {
    absolute: Duration,
    idle: Duration,
    fields: Vec<UserField>,
    claims_limit: usize,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            absolute: Duration::from_secs(7 * 24 * 3600),
            idle: Duration::from_secs(24 * 3600),
            fields: vec![
                UserField::Name,
                UserField::Email,
                UserField::EmailVerified,
                UserField::AvatarUrl,
            ],
            claims_limit: 512,
        }
    }
}

impl Sessions {
    /// Sessions that last 7 days at most and end after 24 hours without a renewal, keeping
    /// the user's name, email, whether it is verified, and avatar, and up to 512 bytes of
    /// claims.
    pub fn new() -> Self {
        Sessions::default()
    }

    /// How long a session lasts at most from the sign-in, renewals or not. At most 400
    /// days.
    pub fn absolute_lifetime(mut self, lifetime: Duration) -> Self {
        self.absolute = lifetime;
        self
    }

    /// How long a session lasts without a renewal. Reading it past half this time renews
    /// it: `GET {base}/session` does, and so do the adapters' extractors when the handler
    /// sends [`Session::renewal`] along. At most the absolute lifetime.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle = timeout;
        self
    }

    /// The user fields a session keeps besides the provider and the user's id (which it
    /// always keeps). A value longer than its [`UserField::limit`] is left out.
    pub fn fields(mut self, fields: impl IntoIterator<Item = UserField>) -> Self {
        self.fields.clear();
        for field in fields {
            if !self.fields.contains(&field) {
                self.fields.push(field);
            }
        }
        self
    }

    /// The most the claims a result hook adds ([`SessionClaims`]) may be, as JSON. A hook
    /// that adds more fails the sign-in with a `ProviderError` (the app's mistake, logged
    /// with the sizes).
    pub fn claims_limit(mut self, bytes: usize) -> Self {
        self.claims_limit = bytes;
        self
    }
}

/// Claims a [`crate::ResultHook`] adds to the session of the sign-in it answers: put it in
/// the answer's extensions. Any JSON value up to [`Sessions::claims_limit`], typically the
/// app's account id. An answer that is not a success (2xx) starts no session: that is how a
/// hook refuses a sign-in, along with returning an error.
///
/// ```
/// use coauth_core::{SessionClaims, result_hook, resources::json_response};
/// let hook = result_hook(|result, _request| async move {
///     let account = 42; // found or created by (result.provider_type, result.user.id)
///     let mut answer = json_response(http::StatusCode::OK, &serde_json::json!({"ok": true}));
///     answer
///         .extensions_mut()
///         .insert(SessionClaims(serde_json::json!({ "account": account })));
///     Ok(answer)
/// });
/// # let _ = hook;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SessionClaims(pub serde_json::Value);

/// What the cookie holds, sealed.
#[derive(Serialize, Deserialize)]
struct Sealed {
    /// The provider.
    p: String,
    /// The user: the id and the chosen fields.
    u: User,
    /// The claims of the app's result hook.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    c: serde_json::Value,
    /// Signed in at, seconds since the Unix epoch.
    iat: u64,
    /// Ends at (absolute), seconds since the Unix epoch.
    exp: u64,
    /// Renewed at: the idle timeout counts from here.
    seen: u64,
}

/// A signed-in user, read from the session cookie.
///
/// Its `Debug` leaves out the renewal cookie, which is as good as the session itself.
#[derive(Clone, PartialEq)]
pub struct Session {
    /// The provider the user signed in with, as the client named it (`providerType`).
    pub provider_type: String,
    /// The user: [`User::id`] and the fields the app chose ([`Sessions::fields`]); the
    /// others are `None`.
    pub user: User,
    /// What the app's result hook added ([`SessionClaims`]); `Null` when nothing.
    pub claims: serde_json::Value,
    /// When the user signed in, seconds since the Unix epoch.
    pub signed_in_at: u64,
    /// When the session ends whatever happens (its absolute lifetime), seconds since the
    /// Unix epoch.
    pub expires_at: u64,
    /// When it ends unless renewed before (its idle timeout), seconds since the Unix epoch.
    pub idle_expires_at: u64,
    renewal: Option<HeaderValue>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("provider_type", &self.provider_type)
            .field("user", &self.user)
            .field("claims", &self.claims)
            .field("signed_in_at", &self.signed_in_at)
            .field("expires_at", &self.expires_at)
            .field("idle_expires_at", &self.idle_expires_at)
            .field("renewal", &self.renewal.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl Session {
    /// The signed-in user as one string, `{provider_type}:{user id}`: what account linking
    /// checks when the app has no [`crate::SessionUser`] of its own.
    pub fn subject(&self) -> String {
        format!("{}:{}", self.provider_type, self.user.id)
    }

    /// The session as `GET {base}/session` answers it: `providerType`, `user`, `claims`,
    /// `signedInAt`, `expiresAt`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "providerType": self.provider_type,
            "user": self.user,
            "claims": self.claims,
            "signedInAt": self.signed_in_at,
            "expiresAt": self.expires_at,
        })
    }

    /// The `Set-Cookie` value that renews the session, when it is due: the session was read
    /// past half its idle timeout, or was sealed under a previous secret. Send it with the
    /// answer to keep an active user signed in.
    pub fn renewal(&self) -> Option<&HeaderValue> {
        self.renewal.as_ref()
    }
}

/// Why a handler's request has no session: what the adapters' extractor, filter and guard
/// refuse it with ([`crate::Coauth::signed_in`]). The core decides the answer
/// ([`SessionRefusal::to_response`]); an adapter only hands it to its framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionRefusal {
    /// The request has no valid session: no session cookie, or one that is tampered,
    /// expired, idle or sealed with an unknown key (logged at `debug`). `401 Unauthorized`
    /// with an empty body.
    #[error("not signed in")]
    NotSignedIn,
    /// The app's [`crate::Coauth`] keeps no sessions, so nobody could ever be signed in:
    /// the app's configuration to fix ([`crate::CoauthBuilder::sessions`]). `500 Internal
    /// Server Error` with this message as plain text.
    #[error(
        "coauth sessions are off: a handler asks for the signed-in user, but the app's Coauth \
         was built without CoauthBuilder::sessions"
    )]
    SessionsOff,
}

impl SessionRefusal {
    /// The status of the answer: `401` or `500`.
    pub fn status(self) -> http::StatusCode {
        match self {
            SessionRefusal::NotSignedIn => http::StatusCode::UNAUTHORIZED,
            SessionRefusal::SessionsOff => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The whole answer: the [`SessionRefusal::status`], `Cache-Control: no-store`, and an
    /// empty body for [`SessionRefusal::NotSignedIn`] or the message as plain text for
    /// [`SessionRefusal::SessionsOff`].
    pub fn to_response(self) -> http::Response<bytes::Bytes> {
        let body = match self {
            SessionRefusal::NotSignedIn => bytes::Bytes::new(),
            SessionRefusal::SessionsOff => bytes::Bytes::from(self.to_string()),
        };
        let mut response = http::Response::new(body);
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self == SessionRefusal::SessionsOff {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
        }
        response
    }
}

/// The session machinery of a configured app: its settings and keys.
pub(crate) struct SessionKeeper {
    config: Sessions,
    keys: Keyring,
    /// Whether the https cookie is read: some allowed origin is https.
    read_secure: bool,
    /// Whether the loopback cookie is read: some allowed origin is plain http.
    read_loopback: bool,
}

impl SessionKeeper {
    /// Checks `config` and derives the session keys from the app's secrets. `origins` are
    /// the app's allowed origins: they say which cookie names to read.
    pub(crate) fn new(
        config: Sessions,
        secret: &[u8],
        previous: &[Vec<u8>],
        origins: &[String],
    ) -> Result<Self, ConfigError> {
        if config.absolute.as_secs() == 0 || config.absolute > MAX_SESSION_LIFETIME {
            return Err(ConfigError(
                "the session lifetime must be between 1 second and 400 days".into(),
            ));
        }
        if config.idle.as_secs() == 0 || config.idle > config.absolute {
            return Err(ConfigError(
                "the session idle timeout must be at least 1 second and at most the session \
                 lifetime"
                    .into(),
            ));
        }
        let keeper = SessionKeeper {
            config,
            keys: Keyring::new(secret, previous, &SESSION),
            read_secure: origins.iter().any(|origin| origin.starts_with("https://")),
            read_loopback: origins.iter().any(|origin| origin.starts_with("http://")),
        };
        let largest = keeper.largest_cookie();
        if largest > MAX_SESSION_COOKIE_BYTES {
            return Err(ConfigError(format!(
                "a session cookie could be {largest} bytes, more than the \
                 {MAX_SESSION_COOKIE_BYTES} browsers keep: keep fewer user fields in sessions \
                 or lower their claims limit"
            )));
        }
        Ok(keeper)
    }

    /// The longest cookie (name and value) a session of this configuration can make.
    fn largest_cookie(&self) -> usize {
        let mut user = User {
            id: "x".repeat(MAX_ID_JSON - 2),
            ..User::default()
        };
        for field in &self.config.fields {
            field.fill(&mut user);
        }
        let sealed = Sealed {
            p: "p".repeat(MAX_PROVIDER_NAME),
            u: user,
            c: serde_json::Value::String("c".repeat(self.config.claims_limit.saturating_sub(2))),
            iat: u64::MAX,
            exp: u64::MAX,
            seen: u64::MAX,
        };
        let value = self
            .keys
            .seal(SESSION_COOKIE_SECURE.as_bytes(), &sealed, usize::MAX)
            .map_or(usize::MAX, |value| value.len());
        SESSION_COOKIE_SECURE
            .len()
            .saturating_add(1)
            .saturating_add(value)
    }

    /// The `Set-Cookie` of a new session for user `from` of `provider`, with `claims`, on `origin` (the
    /// sign-in's: it picks the cookie's name), at `now`.
    pub(crate) fn start(
        &self,
        provider: &str,
        from: &User,
        claims: serde_json::Value,
        origin: &str,
        now: u64,
    ) -> Result<HeaderValue, Error> {
        if json_len(&from.id) > MAX_ID_JSON {
            return Err(Error::Provider(format!(
                "the user id is longer than the {MAX_ID_JSON} bytes a session keeps"
            )));
        }
        let claims_len = json_len(&claims);
        if claims_len > self.config.claims_limit {
            return Err(Error::Provider(format!(
                "the session claims the result hook added are {claims_len} bytes of JSON, more \
                 than the sessions' claims limit of {}",
                self.config.claims_limit
            )));
        }
        let mut user = User {
            id: from.id.clone(),
            ..User::default()
        };
        for field in &self.config.fields {
            field.copy(from, &mut user);
        }
        let sealed = Sealed {
            p: provider.to_owned(),
            u: user,
            c: claims,
            iat: now,
            exp: now.saturating_add(self.config.absolute.as_secs()),
            seen: now,
        };
        self.cookie(SESSION_COOKIE.for_origin(origin), &sealed, now)
    }

    /// `sealed` as the `Set-Cookie` of cookie `name`, living until its idle or absolute end.
    fn cookie(&self, name: &str, sealed: &Sealed, now: u64) -> Result<HeaderValue, Error> {
        let value = self
            .keys
            .seal(
                name.as_bytes(),
                sealed,
                MAX_SESSION_COOKIE_BYTES - name.len() - 1,
            )
            .map_err(|error| match error {
                SealError::NotJson => {
                    Error::Provider("the session could not be sealed: it is not JSON".into())
                }
                SealError::TooLong(len) => Error::Provider(format!(
                    "the session cookie would be {} bytes, more than the \
                     {MAX_SESSION_COOKIE_BYTES} browsers keep",
                    name.len() + 1 + len
                )),
            })?;
        let ends = sealed
            .exp
            .min(sealed.seen.saturating_add(self.config.idle.as_secs()));
        Ok(SESSION_COOKIE.set_cookie(name, &value, ends.saturating_sub(now)))
    }

    /// The session the request's cookies carry, valid at `now`; `None` when there is none,
    /// or it cannot be opened, has expired or is too long (logged at debug, without its
    /// value).
    pub(crate) fn read(&self, headers: &HeaderMap, now: u64) -> Option<Session> {
        let mut refused = None;
        for (name, value) in SESSION_COOKIE.read(headers) {
            let read = match name {
                SESSION_COOKIE_SECURE => self.read_secure,
                _ => self.read_loopback,
            };
            if !read {
                refused = Some("a session cookie of an origin this app does not allow");
                continue;
            }
            match self.open(name, value, now) {
                Ok(session) => return Some(session),
                Err(why) => refused = Some(why),
            }
        }
        if let Some(why) = refused {
            tracing::debug!(reason = why, "coauth session cookie refused");
        }
        None
    }

    fn open(&self, name: &str, value: &str, now: u64) -> Result<Session, &'static str> {
        let (sealed, index): (Sealed, usize) = self
            .keys
            .open(
                name.as_bytes(),
                value,
                MAX_SESSION_COOKIE_BYTES - name.len() - 1,
            )
            .map_err(|error| match error {
                OpenError::TooLong => "the session cookie is too long",
                OpenError::UnknownKey => "the session cookie was sealed with an unknown key",
                OpenError::Invalid => "the session cookie is invalid",
            })?;
        let idle_ends = sealed.seen.saturating_add(self.config.idle.as_secs());
        if now >= sealed.exp {
            return Err("the session has expired");
        }
        if now >= idle_ends {
            return Err("the session has been idle too long");
        }
        if sealed.iat > now + ISSUED_AT_LEEWAY_SECS || sealed.seen > now + ISSUED_AT_LEEWAY_SECS {
            return Err("the session cookie is from the future");
        }
        // Renewed past half the idle timeout, or to seal it under the current secret.
        let idle = self.config.idle.as_secs();
        if index != 0 || now.saturating_sub(sealed.seen) >= idle / 2 {
            let renewed = Sealed {
                seen: now,
                ..sealed
            };
            let cookie = self.cookie(name, &renewed, now).ok();
            Ok(session_of(renewed, cookie, idle))
        } else {
            Ok(session_of(sealed, None, idle))
        }
    }

    /// The `Set-Cookie` values that end the sessions whose cookies `headers` carry (any
    /// value, valid or not); none when there is no session cookie.
    pub(crate) fn end(&self, headers: &HeaderMap) -> Vec<HeaderValue> {
        let mut names: Vec<&str> = SESSION_COOKIE.read(headers).map(|(name, _)| name).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|name| SESSION_COOKIE.set_cookie(name, "", 0))
            .collect()
    }
}

fn session_of(sealed: Sealed, renewal: Option<HeaderValue>, idle: u64) -> Session {
    Session {
        provider_type: sealed.p,
        user: sealed.u,
        claims: sealed.c,
        signed_in_at: sealed.iat,
        expires_at: sealed.exp,
        idle_expires_at: sealed.seen.saturating_add(idle).min(sealed.exp),
        renewal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"an app secret of at least thirty-two bytes";
    const OLD_SECRET: &[u8] = b"the old secret, thirty-two bytes or longer";
    const HTTPS: &str = "https://app.example";
    const LOOPBACK: &str = "http://127.0.0.1:8080";
    const NOW: u64 = 1_800_000_000;
    const HOUR: u64 = 3600;

    fn keeper_with(config: Sessions, secret: &[u8], previous: &[Vec<u8>]) -> SessionKeeper {
        let origins = [HTTPS.to_owned(), LOOPBACK.to_owned()];
        SessionKeeper::new(config, secret, previous, &origins).unwrap()
    }

    fn keeper() -> SessionKeeper {
        keeper_with(Sessions::new(), SECRET, &[])
    }

    fn ada() -> User {
        User {
            id: "1815".into(),
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.org".into()),
            email_verified: Some(true),
            avatar_url: Some("https://img.example/ada.png".into()),
            profile_url: Some("https://example.org/ada".into()),
            username: Some("ada".into()),
        }
    }

    /// The cookie's name and value, as a browser sends them back, from a `Set-Cookie`.
    fn sent(set_cookie: &HeaderValue) -> HeaderMap {
        let text = set_cookie.to_str().unwrap();
        let pair = text.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(pair).unwrap());
        headers
    }

    fn started(keeper: &SessionKeeper, origin: &str) -> HeaderValue {
        keeper
            .start(
                "github",
                &ada(),
                serde_json::json!({"account": 7}),
                origin,
                NOW,
            )
            .unwrap()
    }

    #[test]
    fn a_session_keeps_the_provider_the_id_the_chosen_fields_and_the_claims() {
        let keeper = keeper();
        let cookie = started(&keeper, HTTPS);
        let session = keeper.read(&sent(&cookie), NOW + 1).unwrap();
        assert_eq!(session.provider_type, "github");
        assert_eq!(
            session.user,
            User {
                profile_url: None,
                username: None,
                ..ada()
            }
        );
        assert_eq!(session.claims, serde_json::json!({"account": 7}));
        assert_eq!(session.signed_in_at, NOW);
        assert_eq!(session.expires_at, NOW + 7 * 24 * HOUR);
        assert_eq!(session.idle_expires_at, NOW + 24 * HOUR);
        assert_eq!(session.subject(), "github:1815");
        assert_eq!(session.renewal(), None);
        let json = session.to_json();
        assert_eq!(json["providerType"], "github");
        assert_eq!(json["user"]["name"], "Ada Lovelace");
        assert_eq!(json["user"]["emailVerified"], true);
        assert_eq!(json["claims"]["account"], 7);
        assert_eq!(json["signedInAt"], NOW);
        // Only the id when no field is chosen.
        let bare = keeper_with(Sessions::new().fields([]), SECRET, &[]);
        let session = bare.read(&sent(&started(&bare, HTTPS)), NOW).unwrap();
        assert_eq!(
            session.user,
            User {
                id: "1815".into(),
                ..User::default()
            }
        );
    }

    #[test]
    fn the_cookie_is_host_only_http_only_lax_and_secure_on_https() {
        let keeper = keeper();
        let https = started(&keeper, HTTPS);
        let text = https.to_str().unwrap();
        assert!(text.starts_with("__Host-coauth-session="), "{text}");
        for attribute in [
            "; Path=/",
            "; HttpOnly",
            "; SameSite=Lax",
            "; Secure",
            "; Max-Age=86400",
        ] {
            assert!(text.contains(attribute), "{text}");
        }
        assert!(!text.contains("Domain"), "{text}");
        assert!(!text.contains("ada") && !text.contains("1815"), "{text}");
        let loopback = started(&keeper, LOOPBACK);
        let text = loopback.to_str().unwrap();
        assert!(text.starts_with("coauth-session="), "{text}");
        assert!(!text.contains("Secure"), "{text}");
        assert!(keeper.read(&sent(&loopback), NOW).is_some());
        // The idle timeout bounds the cookie's life, and the absolute end bounds that.
        let short = keeper_with(
            Sessions::new()
                .absolute_lifetime(Duration::from_secs(HOUR))
                .idle_timeout(Duration::from_secs(HOUR)),
            SECRET,
            &[],
        );
        let text = started(&short, HTTPS).to_str().unwrap().to_owned();
        assert!(text.contains("; Max-Age=3600;"), "{text}");
    }

    #[test]
    fn a_session_ends_at_its_idle_timeout_and_its_absolute_lifetime() {
        let keeper = keeper_with(
            Sessions::new()
                .absolute_lifetime(Duration::from_secs(10 * HOUR))
                .idle_timeout(Duration::from_secs(4 * HOUR)),
            SECRET,
            &[],
        );
        let cookie = sent(&started(&keeper, HTTPS));
        assert!(keeper.read(&cookie, NOW + 4 * HOUR - 1).is_some());
        assert!(keeper.read(&cookie, NOW + 4 * HOUR).is_none());
        // Renewed at 3 h (past half), it lives to 7 h; again at 6 h, to 10 h, but no longer.
        let renewal = keeper.read(&cookie, NOW + 3 * HOUR).unwrap();
        let renewed = sent(
            renewal
                .renewal()
                .expect("renewed past half the idle timeout"),
        );
        assert!(
            renewal
                .renewal()
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Max-Age=14400;")
        );
        assert_eq!(renewal.idle_expires_at, NOW + 7 * HOUR);
        assert!(keeper.read(&renewed, NOW + 7 * HOUR - 1).is_some());
        assert!(keeper.read(&renewed, NOW + 7 * HOUR).is_none());
        let again = keeper.read(&renewed, NOW + 6 * HOUR).unwrap();
        let again_cookie = again.renewal().unwrap().to_str().unwrap().to_owned();
        assert!(again_cookie.contains("Max-Age=14400;"), "{again_cookie}");
        let again = sent(again.renewal().unwrap());
        let last = keeper.read(&again, NOW + 9 * HOUR).unwrap();
        assert_eq!(last.signed_in_at, NOW);
        assert_eq!(last.idle_expires_at, NOW + 10 * HOUR);
        // The last renewal's cookie lives to the absolute end, not a whole idle timeout.
        let text = last.renewal().unwrap().to_str().unwrap().to_owned();
        assert!(text.contains("Max-Age=3600;"), "{text}");
        assert!(keeper.read(&again, NOW + 10 * HOUR).is_none());
        // Before half the idle timeout, no renewal.
        assert!(
            keeper
                .read(&cookie, NOW + 2 * HOUR - 1)
                .unwrap()
                .renewal()
                .is_none()
        );
        assert!(
            keeper
                .read(&cookie, NOW + 2 * HOUR)
                .unwrap()
                .renewal()
                .is_some()
        );
    }

    #[test]
    fn sessions_of_the_previous_secret_stay_valid_and_move_to_the_current_one() {
        let old = keeper_with(Sessions::new(), OLD_SECRET, &[]);
        let cookie = sent(&started(&old, HTTPS));
        let rotated = keeper_with(Sessions::new(), SECRET, &[OLD_SECRET.to_vec()]);
        let session = rotated.read(&cookie, NOW + 60).unwrap();
        assert_eq!(session.user.id, "1815");
        let moved = sent(
            session
                .renewal()
                .expect("sealed again under the current secret"),
        );
        let retired = keeper();
        assert!(retired.read(&cookie, NOW + 60).is_none());
        let current = retired.read(&moved, NOW + 120).unwrap();
        assert_eq!(current.renewal(), None);
        assert_eq!(current.signed_in_at, NOW);
    }

    #[test]
    fn every_tampered_byte_a_foreign_key_and_garbage_are_not_signed_in() {
        let keeper = keeper();
        let cookie = started(&keeper, HTTPS);
        let text = cookie.to_str().unwrap();
        let value = text
            .split(';')
            .next()
            .unwrap()
            .strip_prefix("__Host-coauth-session=")
            .unwrap();
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let raw = URL_SAFE_NO_PAD.decode(value).unwrap();
        let read = |raw: &[u8]| {
            let mut headers = HeaderMap::new();
            let cookie = format!("__Host-coauth-session={}", URL_SAFE_NO_PAD.encode(raw));
            headers.insert(header::COOKIE, HeaderValue::from_str(&cookie).unwrap());
            keeper.read(&headers, NOW)
        };
        assert!(read(&raw).is_some());
        for byte in 0..raw.len() {
            let mut tampered = raw.clone();
            tampered[byte] ^= 0x01;
            assert!(read(&tampered).is_none(), "byte {byte}");
        }
        let theirs = keeper_with(Sessions::new(), OLD_SECRET, &[]);
        assert!(keeper.read(&sent(&started(&theirs, HTTPS)), NOW).is_none());
        for garbage in [
            "",
            "!!!",
            "AQ",
            &"A".repeat(MAX_SESSION_COOKIE_BYTES),
            &"A".repeat(100),
        ] {
            let mut headers = HeaderMap::new();
            let cookie = format!("__Host-coauth-session={garbage}");
            headers.insert(header::COOKIE, HeaderValue::from_str(&cookie).unwrap());
            assert!(keeper.read(&headers, NOW).is_none(), "{garbage}");
        }
        // A flow blob sealed with the same secret is no session (keys of their own).
        let flows = crate::seal::FlowSealer::new(SECRET, &[]);
        let blob = flows
            .seal(&crate::seal::FlowState {
                provider: "github".into(),
                redirect_uri: "https://app.example/coauth/result_page".into(),
                origin: HTTPS.into(),
                identity: serde_json::Value::Null,
                silent: false,
                state: "s".into(),
                verifier: "v".into(),
                nonce: "n".into(),
                binding: "b".into(),
                linking_user: None,
                provider_data: serde_json::Value::Null,
                request_token: None,
                iat: NOW,
                exp: NOW + 600,
            })
            .unwrap();
        let mut headers = HeaderMap::new();
        let cookie = format!("__Host-coauth-session={blob}");
        headers.insert(header::COOKIE, HeaderValue::from_str(&cookie).unwrap());
        assert!(keeper.read(&headers, NOW).is_none());
    }

    #[test]
    fn a_cookie_opens_under_its_own_name_only_and_only_for_allowed_schemes() {
        let keeper = keeper();
        let loopback = started(&keeper, LOOPBACK);
        let value = loopback.to_str().unwrap().split(';').next().unwrap();
        let value = value.strip_prefix("coauth-session=").unwrap();
        let mut headers = HeaderMap::new();
        let renamed = format!("__Host-coauth-session={value}");
        headers.insert(header::COOKIE, HeaderValue::from_str(&renamed).unwrap());
        assert!(keeper.read(&headers, NOW).is_none());
        // An app of https origins only never reads the loopback cookie: on plain http a
        // network attacker could set it.
        let https_only =
            SessionKeeper::new(Sessions::new(), SECRET, &[], &[HTTPS.to_owned()]).unwrap();
        assert!(https_only.read(&sent(&loopback), NOW).is_none());
        assert!(
            https_only
                .read(&sent(&started(&keeper, HTTPS)), NOW)
                .is_some()
        );
        // The first cookie that opens counts, whatever comes before it.
        let mut both = HeaderMap::new();
        both.append(
            header::COOKIE,
            HeaderValue::from_static("__Host-coauth-session=junk"),
        );
        both.append(
            header::COOKIE,
            sent(&started(&keeper, HTTPS))[header::COOKIE].clone(),
        );
        assert!(keeper.read(&both, NOW).is_some());
    }

    #[test]
    fn values_are_capped_the_claims_and_the_id_must_fit() {
        let keeper = keeper();
        let long = User {
            name: Some("n".repeat(300)),
            ..ada()
        };
        let cookie = keeper
            .start("github", &long, serde_json::Value::Null, HTTPS, NOW)
            .unwrap();
        let session = keeper.read(&sent(&cookie), NOW).unwrap();
        assert_eq!(session.user.name, None);
        assert_eq!(session.user.email, ada().email);
        assert_eq!(session.claims, serde_json::Value::Null);
        let claims = serde_json::Value::String("c".repeat(600));
        let error = keeper
            .start("github", &ada(), claims, HTTPS, NOW)
            .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
        assert!(error.to_string().contains("602 bytes"), "{error}");
        assert!(!error.to_string().contains("ccc"), "{error}");
        let long_id = User {
            id: "i".repeat(300),
            ..ada()
        };
        let error = keeper
            .start("github", &long_id, serde_json::Value::Null, HTTPS, NOW)
            .unwrap_err();
        assert!(error.to_string().contains("user id"), "{error}");
    }

    #[test]
    fn build_refuses_what_could_outgrow_a_cookie_and_bad_lifetimes() {
        let origins = [HTTPS.to_owned()];
        let build = |config: Sessions| SessionKeeper::new(config, SECRET, &[], &origins);
        // A field named twice is kept once, wherever it repeats.
        assert_eq!(
            Sessions::new().fields([UserField::Name, UserField::Email, UserField::Name]),
            Sessions::new().fields([UserField::Name, UserField::Email])
        );
        let every_field = build(Sessions::new().fields(UserField::ALL));
        let largest = every_field.unwrap().largest_cookie();
        assert!(largest <= MAX_SESSION_COOKIE_BYTES, "{largest}");
        let error = build(Sessions::new().fields(UserField::ALL).claims_limit(1024))
            .err()
            .unwrap();
        assert!(error.0.contains("bytes, more than the 4096"), "{error}");
        // The largest session that build accepts does fit.
        let keeper = build(Sessions::new().fields(UserField::ALL)).unwrap();
        let mut user = User {
            id: "i".repeat(MAX_ID_JSON - 2),
            ..User::default()
        };
        for field in UserField::ALL {
            field.fill(&mut user);
        }
        let claims = serde_json::Value::String("c".repeat(510));
        let cookie = keeper
            .start(&"p".repeat(64), &user, claims, HTTPS, NOW)
            .unwrap();
        assert!(cookie.to_str().unwrap().split(';').next().unwrap().len() <= 4096);
        assert!(keeper.read(&sent(&cookie), NOW).is_some());
        for bad in [
            Sessions::new().absolute_lifetime(Duration::ZERO),
            Sessions::new().absolute_lifetime(MAX_SESSION_LIFETIME + Duration::from_secs(1)),
            Sessions::new().idle_timeout(Duration::ZERO),
            Sessions::new().idle_timeout(Duration::from_secs(8 * 24 * 3600)),
        ] {
            assert!(build(bad).is_err());
        }
    }

    #[test]
    fn sign_out_ends_every_session_cookie_sent() {
        let keeper = keeper();
        assert!(keeper.end(&HeaderMap::new()).is_empty());
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-coauth-session=x; coauth-session=y"),
        );
        let ended: Vec<String> = keeper
            .end(&headers)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            ended,
            [
                "__Host-coauth-session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure",
                "coauth-session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
            ]
        );
    }

    #[test]
    fn debug_hides_the_renewal_cookie() {
        let keeper = keeper();
        let cookie = sent(&started(&keeper, HTTPS));
        let session = keeper.read(&cookie, NOW + 13 * HOUR).unwrap();
        assert!(session.renewal().is_some());
        let text = format!("{session:?}");
        assert!(
            text.contains("[redacted]") && text.contains("1815"),
            "{text}"
        );
        let value = session.renewal().unwrap().to_str().unwrap();
        let value = &value["__Host-coauth-session=".len()..value.find(';').unwrap()];
        assert!(!text.contains(value), "{text}");
    }
}
