//! A mock OAuth 2.0 identity provider on loopback.
//!
//! [`MockProvider::start`] binds `127.0.0.1:0` and serves the authorization code flow with
//! PKCE over real HTTP, so coauth's integration tests and its demo app exercise a real
//! network peer. It is written independently of `coauth-core` on purpose: a bug shared by
//! the client and the mock would otherwise go unnoticed.
//!
//! Two dialects are spoken ([`Mode`]): a strict, spec-shaped `Generic` provider, and a
//! `GitHub` look-alike with GitHub's quirks (form-encoded token answers, errors with HTTP
//! 200, a mandatory `User-Agent` on the API, the email hidden behind `/user/emails`).
//! [`declared::MockDeclared`] is a provider derived from a preset's declaration instead:
//! the declared paths, client authentication, token placement and user fields.
//! It is a [`MockIdp`]: [`Fault`](crate::mock::Fault)s injected with [`MockIdp::set_fault`] make the token and
//! profile endpoints slow, broken, malformed, oversized or reset, and [`MockIdp::calls`]
//! counts the requests of each [`Endpoint`].
//!
//! The server task lives as long as the tokio runtime it was started on.

mod browser;
pub mod declared;
mod page;
mod params;
mod presets;
mod profile;
mod respond;
mod state;
mod token;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::mock::{self, Callback, Decision, Endpoint, Endpoints, MockIdp};
pub use presets::{
    ALL_PRESETS, DISCORD_AVATAR_HASH, FACEBOOK_VERSION, OK_APPLICATION_KEY, Preset,
    YANDEX_AVATAR_ID,
};
use state::{Settings, Shared};

/// A running mock identity provider. Cheap to clone: clones share the same server and state.
#[derive(Clone)]
pub struct MockProvider {
    inner: Arc<Shared>,
}

/// How the mock is configured at start.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The only client the mock knows. Default `"mock-client"`.
    pub client_id: String,
    /// That client's secret. Default `"mock-secret"`.
    pub client_secret: String,
    /// How the token endpoint accepts the client's credentials. Default [`ClientAuth::Any`].
    pub client_auth: ClientAuth,
    /// Which provider dialect to speak. Default [`Mode::Generic`].
    pub mode: Mode,
    /// The user who signs in. Default: Ada Lovelace (see [`MockUser::default`]).
    pub user: MockUser,
    /// When true, `GET /authorize` skips the consent page and redirects straight back with a
    /// code. Default false.
    pub auto_approve: bool,
    /// When true (the default), `prompt=none` never shows a page, as OpenID Connect asks: a
    /// browser that approved before (the mock's session cookie, set by the consent page's
    /// Approve) is approved at once, any other gets `error=login_required`. When false, the
    /// consent page is shown anyway, like a provider that ignores `prompt=none`.
    pub honour_prompt_none: bool,
    /// When true, the consent page sends `X-Frame-Options: DENY`, so it cannot load in a
    /// (silent sign-in) iframe. Default false.
    pub deny_framing: bool,
    /// When true, the consent page sends `Cross-Origin-Opener-Policy: same-origin`, which
    /// cuts the popup off from the window that opened it. Default false.
    pub opener_policy_same_origin: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            client_id: "mock-client".to_owned(),
            client_secret: "mock-secret".to_owned(),
            client_auth: ClientAuth::Any,
            mode: Mode::Generic,
            user: MockUser::default(),
            auto_approve: false,
            honour_prompt_none: true,
            deny_framing: false,
            opener_policy_same_origin: false,
        }
    }
}

/// How the token endpoint must receive `client_id` and `client_secret`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `Authorization: Basic base64(urlencode(client_id):urlencode(client_secret))` only
    /// (RFC 6749 §2.3.1, `client_secret_basic`).
    Basic,
    /// `client_id` and `client_secret` form fields only (`client_secret_post`).
    Post,
    /// Either of the above, but never both in one request.
    Any,
    /// HTTP Basic, and `client_id` in the form as well (X).
    BasicWithClientId,
    /// A public client: `client_id` in the form and no secret anywhere (VK ID).
    Public,
}

/// Which provider the mock imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A strict RFC 6749 + RFC 7636 provider: PKCE S256 required, JSON everywhere,
    /// endpoints `/authorize`, `/token`, `/userinfo`.
    Generic,
    /// GitHub's OAuth app flow: `/login/oauth/authorize`, `/login/oauth/access_token`,
    /// `/user`, `/user/emails`, with GitHub's quirks.
    GitHub {
        /// Answer the token endpoint form-encoded even when `Accept: application/json` is
        /// sent (what GitHub does for clients that do not ask for JSON).
        form_token: bool,
    },
    /// A well-known provider's paths and quirks (see [`Preset`]). The preset's client
    /// authentication replaces [`MockConfig::client_auth`].
    Preset(Preset),
}

/// The user at the mock provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockUser {
    /// Stable subject identifier. In GitHub mode a numeric id is sent as a JSON number.
    pub id: String,
    /// Display name. An empty name is sent as absent (Generic) or `null` (GitHub).
    pub name: String,
    /// Login / preferred username.
    pub login: String,
    /// Email address, if the user has one.
    pub email: Option<String>,
    /// Whether the provider verified that email.
    pub email_verified: bool,
    /// Avatar image URL.
    pub avatar_url: String,
    /// Public profile page URL.
    pub profile_url: String,
}

impl Default for MockUser {
    fn default() -> Self {
        MockUser {
            id: "mock-user-1".to_owned(),
            name: "Ada Lovelace".to_owned(),
            login: "ada".to_owned(),
            email: Some("ada@example.test".to_owned()),
            email_verified: true,
            avatar_url: "https://avatars.example.test/ada.png".to_owned(),
            profile_url: "https://profiles.example.test/ada".to_owned(),
        }
    }
}

/// A request received by the token endpoint.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The request headers as received.
    pub headers: http::HeaderMap,
    /// The form body, decoded, in order, duplicates kept (empty if the body was unreadable).
    pub form: Vec<(String, String)>,
}

impl MockProvider {
    /// The authorization endpoint: `{base}/authorize` (Generic) or
    /// `{base}/login/oauth/authorize` (GitHub).
    pub fn authorize_url(&self) -> String {
        self.url(paths(self.inner.settings.mode).authorize)
    }

    /// The token endpoint: `{base}/token` (Generic) or `{base}/login/oauth/access_token`
    /// (GitHub).
    pub fn token_url(&self) -> String {
        self.url(paths(self.inner.settings.mode).token)
    }

    /// The profile endpoint: `{base}/userinfo` (Generic) or `{base}/user` (GitHub).
    pub fn userinfo_url(&self) -> String {
        self.url(paths(self.inner.settings.mode).userinfo)
    }

    /// `{base}/user/emails` (served in GitHub mode only).
    pub fn emails_url(&self) -> String {
        self.url(GITHUB_EMAILS_PATH)
    }

    /// Replaces the user. Codes already issued keep the user they were issued for, and so do
    /// the access tokens redeemed from them.
    pub fn set_user(&self, user: MockUser) {
        self.inner.lock().user = user;
    }

    /// The last request the token endpoint received.
    pub fn last_token_request(&self) -> Option<RecordedRequest> {
        self.inner.lock().last_token_request.clone()
    }

    /// The decoded query of the last `GET` on the authorization endpoint, in order,
    /// duplicates kept, recorded before validation.
    pub fn last_authorize_query(&self) -> Option<Vec<(String, String)>> {
        self.inner.lock().last_authorize_query.clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.inner.base_url, path)
    }
}

/// The profile endpoints are `/userinfo` (Generic), `/user` and `/user/emails` (GitHub) or
/// a preset's: [`Endpoint::Profile`] counts and faults them together. With `auto_approve`,
/// [`MockIdp::decide`] gets the redirect of the authorization request itself.
impl MockIdp for MockProvider {
    type Config = MockConfig;

    const NAME: &'static str = "the mock provider";

    fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    async fn start(config: MockConfig) -> MockProvider {
        let (listener, addr) = mock::bind("mock provider").await;
        let MockConfig {
            client_id,
            client_secret,
            client_auth,
            mode,
            user,
            auto_approve,
            honour_prompt_none,
            deny_framing,
            opener_policy_same_origin,
        } = config;
        let client_auth = match mode {
            Mode::Preset(preset) => preset.client_auth(),
            _ => client_auth,
        };
        let settings = Settings {
            client_id,
            client_secret,
            client_auth,
            mode,
            auto_approve,
            honour_prompt_none,
            deny_framing,
            opener_policy_same_origin,
            session_cookie: format!("mock-session-{}", addr.port()),
        };
        let inner = Arc::new(Shared::new(settings, format!("http://{addr}"), user));
        let app = router(mode).with_state(Arc::clone(&inner));
        mock::spawn(listener, app, Arc::clone(&inner.endpoints));
        MockProvider { inner }
    }

    fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    fn endpoint_url(&self, endpoint: Endpoint) -> Option<String> {
        match endpoint {
            Endpoint::Authorize => Some(self.authorize_url()),
            Endpoint::Token => Some(self.token_url()),
            Endpoint::Profile => Some(self.userinfo_url()),
            Endpoint::RequestToken | Endpoint::Discovery | Endpoint::Jwks => None,
        }
    }

    async fn decide(&self, authorize_url: &str, decision: Decision) -> Result<Callback, String> {
        browser::decide(authorize_url, decision == Decision::Approve)
            .await
            .map(Callback::redirect)
    }
}

impl fmt::Debug for MockProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockProvider")
            .field("base_url", &self.inner.base_url)
            .field("mode", &self.inner.settings.mode)
            .finish_non_exhaustive()
    }
}

/// A loopback URL where nothing listens: connections to it are refused.
///
/// The port stays bound (without listening) for the life of the process, so no other server
/// can take it and no outgoing connection can pick it as its own port. (A port bound and
/// released at once can be reused by a server that starts a moment later, or be chosen as
/// the source port of the very connection to it, which then connects to itself and reads its
/// own request back as the answer.)
///
/// # Panics
/// If no loopback port can be bound.
pub fn refused_url() -> String {
    let socket = tokio::net::TcpSocket::new_v4().expect("refused_url: a TCP socket");
    socket
        .bind(([127, 0, 0, 1], 0).into())
        .expect("refused_url: bind 127.0.0.1:0");
    let addr = socket
        .local_addr()
        .expect("refused_url: local address of the socket");
    // Held, not listening, so that the port stays refused and taken.
    std::mem::forget(socket);
    format!("http://{addr}")
}

/// A loopback URL whose server accepts TCP connections and never answers a byte (the
/// listener lives in a spawned task that accepts and holds sockets open). Returns the URL;
/// the task lives as long as the runtime.
///
/// # Panics
/// If no loopback port can be bound or there is no current tokio runtime.
pub async fn hanging_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("hanging_url: bind 127.0.0.1:0");
    let addr = listener
        .local_addr()
        .expect("hanging_url: local address of the listener");
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            match listener.accept().await {
                Ok((socket, _)) => held.push(socket),
                // Transient accept errors (e.g. EMFILE): back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    });
    format!("http://{addr}")
}

/// The decision form's target, the same in both modes.
const DECISION_PATH: &str = "/authorize/decision";
const GITHUB_EMAILS_PATH: &str = "/user/emails";

struct Paths {
    authorize: &'static str,
    token: &'static str,
    userinfo: &'static str,
}

fn paths(mode: Mode) -> Paths {
    match mode {
        Mode::Generic => Paths {
            authorize: "/authorize",
            token: "/token",
            userinfo: "/userinfo",
        },
        Mode::GitHub { .. } => Paths {
            authorize: "/login/oauth/authorize",
            token: "/login/oauth/access_token",
            userinfo: "/user",
        },
        Mode::Preset(preset) => preset.paths(),
    }
}

fn router(mode: Mode) -> Router<Arc<Shared>> {
    let p = paths(mode);
    let app = Router::new()
        .route(p.authorize, get(page::authorize))
        .route(DECISION_PATH, post(page::decision))
        .route(p.token, post(token::token))
        // Keeps the browser console of tests free of a favicon 404.
        .route(
            "/favicon.ico",
            get(|| async { http::StatusCode::NO_CONTENT }),
        );
    match mode {
        Mode::Generic => app.route(p.userinfo, get(profile::userinfo)),
        Mode::GitHub { .. } => app
            .route(p.userinfo, get(profile::github_user))
            .route(GITHUB_EMAILS_PATH, get(profile::github_emails)),
        Mode::Preset(preset) => preset.routes(app),
    }
}
