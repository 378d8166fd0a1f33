//! [`Coauth`]: the configured sign-in service, built with [`CoauthBuilder`].

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::Response;
use url::Url;

use crate::clock::{Clock, SystemClock};
use crate::error_hook::ErrorHook;
use crate::http_client::HttpClient;
use crate::provider::{AuthResult, IntoProvider, Provider};
use crate::seal::FlowSealer;
use crate::session::{Session, SessionKeeper, SessionRefusal, Sessions};
use crate::{ConfigError, Error};

/// Shortest app secret accepted, in bytes.
pub const MIN_SECRET_LEN: usize = 32;
/// Longest flow lifetime accepted: a sign-in that takes longer starts again.
pub const MAX_FLOW_LIFETIME: Duration = Duration::from_secs(600);

/// App code that turns a successful sign-in into the `result` resource's answer, for example
/// after looking the user up and setting the app's own session cookie.
///
/// It receives the full [`AuthResult`], provider credentials included, and the request's
/// head (headers, cookies). Whatever it answers, coauth adds `Cache-Control: no-store`
/// unless the hook set a `Cache-Control` itself.
///
/// In an account-linking flow ([`AuthResult::linking_user`] is `Some`), this is where the
/// identity is linked to that app user: coauth has checked that the same user started and
/// finished the flow, but only the app knows its accounts, so the hook must refuse an
/// identity already linked to another account and notify the user of every new link.
#[async_trait]
pub trait ResultHook: Send + Sync + 'static {
    /// Builds the answer for a successful sign-in, or refuses it with an [`Error`].
    async fn respond(
        &self,
        result: AuthResult,
        request: &http::request::Parts,
    ) -> Result<Response<Bytes>, Error>;
}

/// A [`ResultHook`] made from an async closure; see [`result_hook`].
pub struct FnResultHook<F>(F);

/// Makes a [`ResultHook`] from an async closure.
///
/// ```
/// use coauth_core::{result_hook, resources::json_response};
/// let hook = result_hook(|result, _request| async move {
///     // Find or create the user by (provider, id) here, then set a session cookie.
///     let body = serde_json::json!({ "welcome": result.user.name });
///     Ok(json_response(http::StatusCode::OK, &body))
/// });
/// # let _ = hook;
/// ```
pub fn result_hook<F, Fut>(hook: F) -> FnResultHook<F>
where
    F: Fn(AuthResult, http::request::Parts) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Bytes>, Error>> + Send + 'static,
{
    FnResultHook(hook)
}

#[async_trait]
impl<F, Fut> ResultHook for FnResultHook<F>
where
    F: Fn(AuthResult, http::request::Parts) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Bytes>, Error>> + Send + 'static,
{
    async fn respond(
        &self,
        result: AuthResult,
        request: &http::request::Parts,
    ) -> Result<Response<Bytes>, Error> {
        (self.0)(result, request.clone()).await
    }
}

/// App code that says which user is signed in to the app for a request: what account
/// linking (SECURITY.md item 25) is checked against.
///
/// A flow is an account-linking flow when the client sends a non-null `identity` (coauth.js's
/// `identity` option). coauth then asks this hook at `auth_url` and again at `result`: both
/// requests must come from a signed-in user, and from the same one, or the step is refused
/// with `400 InputError` before any call to the provider. The flow carries an HMAC of the
/// user id, never the id. An attacker's link tuple posted into a victim's browser, or a
/// session that changes in the middle of a flow, is refused; the result hook learns the user
/// as [`AuthResult::linking_user`]. Without this hook, flows with an identity are refused.
///
/// Answer the app's own user id (any stable string) from the request head: its session
/// cookie, or what the app's session middleware put in `request.extensions`. `None` (or an
/// empty id) means nobody is signed in. Make one from an async closure with
/// [`session_user`].
#[async_trait]
pub trait SessionUser: Send + Sync + 'static {
    /// The id of the app user signed in for `request`, or `None`.
    async fn user_id(&self, request: &http::request::Parts) -> Option<String>;
}

/// A [`SessionUser`] made from an async closure; see [`session_user`].
pub struct FnSessionUser<F>(F);

/// Makes a [`SessionUser`] from an async closure over the request head.
///
/// ```
/// use coauth_core::{Coauth, presets::GitHub, session_user};
///
/// /// The app's session store: session id -> user id.
/// async fn user_of_session(session_id: &str) -> Option<String> {
///     (session_id == "s3cr3t-session").then(|| "user-42".to_owned())
/// }
///
/// let coauth = Coauth::builder()
///     .secret("a random app secret, at least 32 bytes long!")
///     .provider("github", GitHub::new("client-id", "client-secret").build())
///     .redirect_uri("https://app.example/coauth/result_page")
///     .session_user(session_user(|request: http::request::Parts| async move {
///         let cookies = request.headers.get(http::header::COOKIE)?.to_str().ok()?;
///         let session_id = cookies
///             .split(';')
///             .find_map(|pair| pair.trim().strip_prefix("session="))?;
///         user_of_session(session_id).await
///     }))
///     .build()
///     .expect("valid configuration");
/// # let _ = coauth;
/// ```
pub fn session_user<F, Fut>(hook: F) -> FnSessionUser<F>
where
    F: Fn(http::request::Parts) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<String>> + Send + 'static,
{
    FnSessionUser(hook)
}

#[async_trait]
impl<F, Fut> SessionUser for FnSessionUser<F>
where
    F: Fn(http::request::Parts) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<String>> + Send + 'static,
{
    async fn user_id(&self, request: &http::request::Parts) -> Option<String> {
        (self.0)(request.clone()).await
    }
}

/// The configured sign-in service: providers, allowed redirect URIs and origins, sealing
/// keys and policies. Cheap to clone; share one per app.
#[derive(Clone)]
pub struct Coauth {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) sealer: FlowSealer,
    pub(crate) providers: HashMap<String, Arc<dyn Provider>>,
    /// The redirect URIs of the providers without URIs of their own.
    pub(crate) redirect_uris: Vec<String>,
    /// The redirect URIs of the providers that have their own: the only ones they accept.
    pub(crate) provider_redirect_uris: HashMap<String, Vec<String>>,
    pub(crate) origins: Vec<String>,
    pub(crate) flow_lifetime: u64,
    pub(crate) expose_credentials: bool,
    pub(crate) result_hook: Option<Arc<dyn ResultHook>>,
    pub(crate) session_user: Option<Arc<dyn SessionUser>>,
    pub(crate) sessions: Option<SessionKeeper>,
    pub(crate) error_hook: Option<Arc<dyn ErrorHook>>,
    pub(crate) http: Arc<dyn HttpClient>,
    pub(crate) clock: Arc<dyn Clock>,
    /// The `result` requests waiting for their answer (the early answer).
    pub(crate) early: crate::early::Room,
}

impl std::fmt::Debug for Coauth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut providers: Vec<_> = self.inner.providers.keys().collect();
        providers.sort();
        f.debug_struct("Coauth")
            .field("providers", &providers)
            .field("redirect_uris", &self.inner.redirect_uris)
            .field(
                "provider_redirect_uris",
                &self
                    .inner
                    .provider_redirect_uris
                    .iter()
                    .collect::<std::collections::BTreeMap<_, _>>(),
            )
            .field("origins", &self.inner.origins)
            .field("flow_lifetime", &self.inner.flow_lifetime)
            .field("expose_credentials", &self.inner.expose_credentials)
            .field("session_user", &self.inner.session_user.is_some())
            .field("sessions", &self.inner.sessions.is_some())
            .field("error_hook", &self.inner.error_hook.is_some())
            .finish_non_exhaustive()
    }
}

impl Coauth {
    /// Starts a configuration.
    pub fn builder() -> CoauthBuilder {
        CoauthBuilder::default()
    }

    /// Whether provider credentials are included in the browser's result.
    pub fn exposes_credentials(&self) -> bool {
        self.inner.expose_credentials
    }

    /// The redirect URIs `auth_url` accepts for `provider`: its own when it has some (see
    /// [`CoauthBuilder::provider_redirect_uri`]), otherwise the shared ones.
    pub fn redirect_uris_of(&self, provider: &str) -> &[String] {
        self.inner
            .provider_redirect_uris
            .get(provider)
            .unwrap_or(&self.inner.redirect_uris)
    }

    /// The app user signed in for `request`, as the configured [`SessionUser`] says; without
    /// one, the [`Session::subject`] of coauth's own session when sessions are on
    /// ([`CoauthBuilder::sessions`]). `None` when nobody is signed in.
    pub async fn session_user_of(&self, request: &http::request::Parts) -> Option<String> {
        match &self.inner.session_user {
            Some(hook) => hook.user_id(request).await,
            None => self
                .session_from_headers(&request.headers)
                .map(|session| session.subject()),
        }
    }

    /// Whether coauth keeps sessions ([`CoauthBuilder::sessions`]).
    pub fn has_sessions(&self) -> bool {
        self.inner.sessions.is_some()
    }

    /// The signed-in user of a request, from its session cookie; `None` when there is none,
    /// or it is invalid, expired or too long (logged at debug), or sessions are off. This is
    /// what the adapters' extractors, filters and guards call.
    ///
    /// When [`Session::renewal`] is `Some`, send it with the answer as a `Set-Cookie` header
    /// to keep the session alive.
    pub fn session_from_headers(&self, headers: &http::HeaderMap) -> Option<Session> {
        self.inner
            .sessions
            .as_ref()?
            .read(headers, self.inner.clock.now_unix())
    }

    /// The signed-in user of a request reaching one of the app's handlers: `Ok(None)` when
    /// nobody is signed in, and [`SessionRefusal::SessionsOff`] when sessions are off (a
    /// handler that asks for a user then has a configuration to fix, not a signed-out
    /// visitor). The adapters' extractor, filter and guard call it, and refuse with
    /// [`SessionRefusal::NotSignedIn`] where a user is required.
    pub fn signed_in(&self, headers: &http::HeaderMap) -> Result<Option<Session>, SessionRefusal> {
        if !self.has_sessions() {
            return Err(SessionRefusal::SessionsOff);
        }
        Ok(self.session_from_headers(headers))
    }

    /// The `Set-Cookie` value of a new session for `result` (with the app's `claims`, JSON
    /// `Null` for none) on the app origin `origin` (an https origin gets the `__Host-`
    /// cookie). The `result` resource does this itself; call it from an endpoint of your own
    /// that finishes sign-ins with [`Coauth::result`].
    ///
    /// Fails with [`Error::Provider`] when sessions are off, or when the user id or the
    /// claims are longer than a session keeps.
    pub fn session_cookie(
        &self,
        result: &AuthResult,
        claims: serde_json::Value,
        origin: &str,
    ) -> Result<http::HeaderValue, Error> {
        self.start_session(&result.provider_type, &result.user, claims, origin)
    }

    pub(crate) fn start_session(
        &self,
        provider: &str,
        user: &crate::User,
        claims: serde_json::Value,
        origin: &str,
    ) -> Result<http::HeaderValue, Error> {
        self.inner
            .sessions
            .as_ref()
            .ok_or_else(|| Error::Provider("sessions are not enabled".into()))?
            .start(provider, user, claims, origin, self.inner.clock.now_unix())
    }

    /// The `Set-Cookie` values that end the session a request carries: one per session
    /// cookie it sends, none without. `POST {base}/sign_out` answers with them.
    pub fn sign_out_cookies(&self, headers: &http::HeaderMap) -> Vec<http::HeaderValue> {
        self.inner
            .sessions
            .as_ref()
            .map(|sessions| sessions.end(headers))
            .unwrap_or_default()
    }
}

/// Configuration of a [`Coauth`].
///
/// ```
/// use coauth_core::{Coauth, presets::GitHub};
/// let coauth = Coauth::builder()
///     .secret("a random app secret, at least 32 bytes long!")
///     .provider("github", GitHub::new("client-id", "client-secret").build())
///     .redirect_uri("https://app.example/coauth/result_page")
///     .build()
///     .expect("valid configuration");
/// # let _ = coauth;
/// ```
pub struct CoauthBuilder {
    secret: Option<Vec<u8>>,
    previous_secrets: Vec<Vec<u8>>,
    providers: HashMap<String, Arc<dyn Provider>>,
    /// Providers whose configuration failed (`provider(name, Err(...))`), reported by
    /// `build`.
    provider_errors: Vec<ConfigError>,
    redirect_uris: Vec<String>,
    provider_redirect_uris: Vec<(String, String)>,
    provider_result_pages: bool,
    public_url: Option<String>,
    origins: Vec<String>,
    flow_lifetime: Duration,
    expose_credentials: bool,
    result_hook: Option<Arc<dyn ResultHook>>,
    session_user: Option<Arc<dyn SessionUser>>,
    sessions: Option<Sessions>,
    error_hook: Option<Arc<dyn ErrorHook>>,
    http: Option<Arc<dyn HttpClient>>,
    clock: Arc<dyn Clock>,
}

impl Default for CoauthBuilder {
    fn default() -> Self {
        CoauthBuilder {
            secret: None,
            previous_secrets: Vec::new(),
            providers: HashMap::new(),
            provider_errors: Vec::new(),
            redirect_uris: Vec::new(),
            provider_redirect_uris: Vec::new(),
            provider_result_pages: false,
            public_url: None,
            origins: Vec::new(),
            flow_lifetime: MAX_FLOW_LIFETIME,
            expose_credentials: false,
            result_hook: None,
            session_user: None,
            sessions: None,
            error_hook: None,
            http: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl CoauthBuilder {
    /// The app secret flows are sealed with: at least 32 random bytes, the same on every
    /// server of the app.
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secret = Some(secret.as_ref().to_vec());
        self
    }

    /// An earlier app secret whose flows are still accepted (key rotation): set the new
    /// secret, keep the old one here for one flow lifetime, then remove it.
    pub fn previous_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.previous_secrets.push(secret.as_ref().to_vec());
        self
    }

    /// Registers a provider under the name the client sends as `providerType`: a
    /// [`Provider`], or what a preset's `build()` returned, whose configuration error then
    /// fails [`CoauthBuilder::build`].
    pub fn provider(mut self, name: impl Into<String>, provider: impl IntoProvider) -> Self {
        let name = name.into();
        match provider.into_provider() {
            Ok(provider) => {
                self.providers.insert(name, provider);
            }
            Err(error) => self
                .provider_errors
                .push(ConfigError(format!("provider {name:?}: {}", error.0))),
        }
        self
    }

    /// Allows one exact redirect URI (the result page's full URL, registered at the
    /// providers). Call once per URI. These are shared by every provider that has no
    /// redirect URI of its own ([`CoauthBuilder::provider_redirect_uri`]).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// Gives provider `provider` a redirect URI of its own (exact, registered at that
    /// provider only); call once per URI. A provider with URIs of its own accepts only
    /// those, the others keep the shared ones ([`CoauthBuilder::redirect_uri`],
    /// [`CoauthBuilder::public_url`]).
    ///
    /// This is the defence against provider mix-up (RFC 9700 section 4.4; SECURITY.md items
    /// 8 and 33): the result step refuses an answer that arrived at another redirect URI than
    /// the flow's, so an honest provider's code that a malicious provider had sent to the
    /// honest provider's redirect URI is never sent to the malicious one. URIs of different
    /// providers must therefore differ in their origin or path (a query does not count: the
    /// browser reports where the answer arrived as origin and path), and none may be shared.
    ///
    /// The resources serve the result page at `{base}/result_page_{provider}` for every
    /// provider, so `https://app.example/coauth/result_page_github` is a ready-made choice
    /// for `github` when the resources are mounted at `/coauth`; see also
    /// [`CoauthBuilder::provider_result_pages`].
    ///
    /// ```
    /// use coauth_core::{Coauth, presets::{GitHub, Google}};
    /// let coauth = Coauth::builder()
    ///     .secret("a random app secret, at least 32 bytes long!")
    ///     .provider("github", GitHub::new("client-id", "client-secret").build())
    ///     .provider("google", Google::new("client-id", "client-secret").build())
    ///     .provider_redirect_uri("github", "https://app.example/coauth/result_page_github")
    ///     .provider_redirect_uri("google", "https://app.example/coauth/result_page_google")
    ///     .build()
    ///     .expect("valid configuration");
    /// assert_eq!(
    ///     coauth.redirect_uris_of("github"),
    ///     ["https://app.example/coauth/result_page_github"]
    /// );
    /// ```
    pub fn provider_redirect_uri(
        mut self,
        provider: impl Into<String>,
        uri: impl Into<String>,
    ) -> Self {
        self.provider_redirect_uris
            .push((provider.into(), uri.into()));
        self
    }

    /// With a [`CoauthBuilder::public_url`], gives every provider without a redirect URI of
    /// its own ([`CoauthBuilder::provider_redirect_uri`]) the redirect URI
    /// `{public_url}/result_page_{provider}`, which the resources serve, instead of the
    /// shared `{public_url}/result_page`. Default `false`, so existing registrations keep
    /// working; turn it on (and register each provider's own URI at that provider) to
    /// defend against provider mix-up without relying on the provider sending `iss`.
    ///
    /// ```
    /// use coauth_core::{Coauth, presets::GitHub};
    /// let coauth = Coauth::builder()
    ///     .secret("a random app secret, at least 32 bytes long!")
    ///     .provider("github", GitHub::new("client-id", "client-secret").build())
    ///     .public_url("https://app.example/coauth")
    ///     .provider_result_pages(true)
    ///     .build()
    ///     .expect("valid configuration");
    /// assert_eq!(
    ///     coauth.redirect_uris_of("github"),
    ///     ["https://app.example/coauth/result_page_github"]
    /// );
    /// ```
    pub fn provider_result_pages(mut self, on: bool) -> Self {
        self.provider_result_pages = on;
        self
    }

    /// The public URL at which the app mounts the coauth resources, as browsers see it
    /// (`https://app.example/coauth`): behind a reverse proxy or a load balancer, the URL of
    /// the proxy, not of the server. Its result page (`{public_url}/result_page`) becomes an
    /// allowed redirect URI, and so its origin an allowed origin unless
    /// [`CoauthBuilder::allowed_origin`] names others. Servers of one app behind one proxy
    /// share this URL and the secret, and any of them serves any step of any flow.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// Allows an origin (`https://app.example`) to call the resources. When none is given,
    /// the origins of the redirect URIs are allowed.
    pub fn allowed_origin(mut self, origin: impl Into<String>) -> Self {
        self.origins.push(origin.into());
        self
    }

    /// How long a started sign-in stays valid. Default and maximum 10 minutes.
    pub fn flow_lifetime(mut self, lifetime: Duration) -> Self {
        self.flow_lifetime = lifetime;
        self
    }

    /// Whether provider credentials (access token, ...) reach the browser. Default `false`;
    /// the result hook always sees them.
    pub fn expose_credentials(mut self, expose: bool) -> Self {
        self.expose_credentials = expose;
        self
    }

    /// App code that builds the `result` answer; see [`ResultHook`].
    pub fn result_hook(mut self, hook: impl ResultHook) -> Self {
        self.result_hook = Some(Arc::new(hook));
        self
    }

    /// App code that says which user is signed in to the app; required for account linking
    /// (flows started with a non-null `identity`). See [`SessionUser`].
    pub fn session_user(mut self, hook: impl SessionUser) -> Self {
        self.session_user = Some(Arc::new(hook));
        self
    }

    /// Turns sessions on: after each successful sign-in (not an account-linking one), the
    /// `result` answer sets a sealed session cookie, and the resources answer
    /// `GET {base}/session` and `POST {base}/sign_out`. No store: the cookie is the session.
    /// See [`Sessions`] for lifetimes and what a session keeps; the result hook can refuse
    /// a sign-in or add claims ([`crate::SessionClaims`]). Without a [`SessionUser`] of the
    /// app, account linking checks the session's user.
    ///
    /// `build` fails when a session of this configuration could outgrow the 4,096 bytes
    /// browsers keep of a cookie, and says how long it could be.
    ///
    /// ```
    /// use coauth_core::{Coauth, Sessions, presets::GitHub};
    /// let coauth = Coauth::builder()
    ///     .secret("a random app secret, at least 32 bytes long!")
    ///     .provider("github", GitHub::new("client-id", "client-secret").build())
    ///     .public_url("https://app.example/coauth")
    ///     .sessions(Sessions::new())
    ///     .build()
    ///     .expect("valid configuration");
    /// assert!(coauth.has_sessions());
    /// ```
    pub fn sessions(mut self, sessions: Sessions) -> Self {
        self.sessions = Some(sessions);
        self
    }

    /// App code that sees every refusal and failure of the resources, with the request's
    /// head, to count or report them; see [`ErrorHook`].
    pub fn error_hook(mut self, hook: impl ErrorHook) -> Self {
        self.error_hook = Some(Arc::new(hook));
        self
    }

    /// The outbound HTTP client. Default: [`crate::HyperClient`] with its defaults.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http = Some(Arc::new(client));
        self
    }

    /// The time source. Default: the system clock.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Checks the configuration and builds the service.
    pub fn build(mut self) -> Result<Coauth, ConfigError> {
        let secret = self
            .secret
            .take()
            .ok_or_else(|| ConfigError("an app secret is required".into()))?;
        if let Some(error) = self.provider_errors.drain(..).next() {
            return Err(error);
        }
        if secret.len() < MIN_SECRET_LEN
            || self
                .previous_secrets
                .iter()
                .any(|s| s.len() < MIN_SECRET_LEN)
        {
            return Err(ConfigError(format!(
                "the app secret must be at least {MIN_SECRET_LEN} bytes"
            )));
        }
        if self.providers.is_empty() {
            return Err(ConfigError("at least one provider is required".into()));
        }
        if let Some(name) = self
            .providers
            .keys()
            .find(|name| !valid_provider_name(name))
        {
            return Err(ConfigError(format!(
                "provider name {name:?} must be 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.'"
            )));
        }
        let public_url = self.public_url.take();
        if let Some(public_url) = &public_url {
            let result_page = result_page_of(public_url, "result_page")?;
            if !self.redirect_uris.contains(&result_page) {
                self.redirect_uris.push(result_page);
            }
        }
        let mut provider_redirect_uris: HashMap<String, Vec<String>> = HashMap::new();
        for (provider, uri) in std::mem::take(&mut self.provider_redirect_uris) {
            if !self.providers.contains_key(&provider) {
                return Err(ConfigError(format!(
                    "a redirect URI is given for provider {provider:?}, which is not configured"
                )));
            }
            let uris = provider_redirect_uris.entry(provider).or_default();
            if !uris.contains(&uri) {
                uris.push(uri);
            }
        }
        if self.provider_result_pages {
            let public_url = public_url.as_deref().ok_or_else(|| {
                ConfigError("provider_result_pages(true) needs a public URL".into())
            })?;
            for name in self.providers.keys() {
                if !provider_redirect_uris.contains_key(name) {
                    let page = result_page_of(public_url, &format!("result_page_{name}"))?;
                    provider_redirect_uris.insert(name.clone(), vec![page]);
                }
            }
        }
        let every_provider_has_its_own = self
            .providers
            .keys()
            .all(|name| provider_redirect_uris.contains_key(name));
        if self.redirect_uris.is_empty() && !every_provider_has_its_own {
            return Err(ConfigError(
                "at least one redirect URI (or a public URL) is required".into(),
            ));
        }
        let mut derived_origins = Vec::new();
        for uri in self
            .redirect_uris
            .iter()
            .chain(provider_redirect_uris.values().flatten())
        {
            let origin = check_app_url(uri, "redirect URI")?;
            if !derived_origins.contains(&origin) {
                derived_origins.push(origin);
            }
        }
        check_distinct_redirect_uris(&self.redirect_uris, &provider_redirect_uris)?;
        let origins = if self.origins.is_empty() {
            derived_origins
        } else {
            let mut origins = Vec::new();
            for origin in &self.origins {
                let normalized = check_app_url(origin, "allowed origin")?;
                if normalized != origin.trim_end_matches('/') {
                    return Err(ConfigError(format!(
                        "allowed origin {origin:?} must be scheme://host[:port] only"
                    )));
                }
                origins.push(normalized);
            }
            origins
        };
        if self.flow_lifetime.is_zero() || self.flow_lifetime > MAX_FLOW_LIFETIME {
            return Err(ConfigError(
                "the flow lifetime must be between 1 second and 10 minutes".into(),
            ));
        }
        let sessions = match self.sessions.take() {
            Some(config) => Some(SessionKeeper::new(
                config,
                &secret,
                &self.previous_secrets,
                &origins,
            )?),
            None => None,
        };
        let http = match self.http.take() {
            Some(http) => http,
            None => default_http_client()?,
        };
        Ok(Coauth {
            inner: Arc::new(Inner {
                sealer: FlowSealer::new(&secret, &self.previous_secrets),
                providers: self.providers,
                redirect_uris: self.redirect_uris,
                provider_redirect_uris,
                origins,
                flow_lifetime: self.flow_lifetime.as_secs().max(1),
                expose_credentials: self.expose_credentials,
                result_hook: self.result_hook,
                session_user: self.session_user,
                sessions,
                error_hook: self.error_hook,
                http,
                clock: self.clock,
                early: crate::early::Room::default(),
            }),
        })
    }
}

#[cfg(feature = "hyper-client")]
fn default_http_client() -> Result<Arc<dyn HttpClient>, ConfigError> {
    Ok(Arc::new(crate::HyperClient::default()))
}

#[cfg(not(feature = "hyper-client"))]
fn default_http_client() -> Result<Arc<dyn HttpClient>, ConfigError> {
    Err(ConfigError(
        "no HTTP client: enable the hyper-client feature or call http_client()".into(),
    ))
}

/// The URL of the page `page` (`result_page`, `result_page_{provider}`) under the public URL
/// the resources are mounted at.
fn result_page_of(public_url: &str, page: &str) -> Result<String, ConfigError> {
    check_app_url(public_url, "public URL")?;
    let url = Url::parse(public_url).map_err(|e| ConfigError(format!("public URL: {e}")))?;
    if url.query().is_some() {
        return Err(ConfigError(format!(
            "public URL {public_url:?} must not have a query"
        )));
    }
    Ok(format!("{}/{page}", url.as_str().trim_end_matches('/')))
}

/// A redirect URI as the browser reports where an answer arrived: its origin and path, the
/// query and fragment left out. `None` for what is not an http(s) URL.
pub(crate) fn origin_and_path(uri: &str) -> Option<(String, String)> {
    let url = Url::parse(uri).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return None;
    }
    Some((url.origin().ascii_serialization(), url.path().to_owned()))
}

/// Refuses a provider's own redirect URI that another provider may use too: one of the
/// shared URIs or of another provider's, compared as the result step compares them (origin
/// and path). Otherwise the result step could not tell where an answer belongs.
fn check_distinct_redirect_uris(
    shared: &[String],
    own: &HashMap<String, Vec<String>>,
) -> Result<(), ConfigError> {
    let mut owners: HashMap<(String, String), &str> = HashMap::new();
    let mut names: Vec<&String> = own.keys().collect();
    names.sort();
    for name in names {
        for uri in &own[name] {
            let key = origin_and_path(uri)
                .ok_or_else(|| ConfigError(format!("redirect URI {uri:?} is not a URL")))?;
            if shared
                .iter()
                .any(|other| origin_and_path(other).as_ref() == Some(&key))
            {
                return Err(ConfigError(format!(
                    "redirect URI {uri:?} of provider {name:?} is also a shared redirect URI: \
                     a provider's own redirect URIs must differ in origin or path from every \
                     other provider's"
                )));
            }
            match owners.get(&key) {
                Some(owner) if *owner != name.as_str() => {
                    return Err(ConfigError(format!(
                        "redirect URI {uri:?} of provider {name:?} is also provider {owner:?}'s: \
                         a provider's own redirect URIs must differ in origin or path from \
                         every other provider's"
                    )));
                }
                _ => {
                    owners.insert(key, name);
                }
            }
        }
    }
    Ok(())
}

fn valid_provider_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Checks an app-side URL (redirect URI or origin) and returns its origin. Plain http is
/// accepted for loopback hosts only, where browsers treat it as a secure context.
fn check_app_url(value: &str, what: &str) -> Result<String, ConfigError> {
    let url = Url::parse(value).map_err(|e| ConfigError(format!("{what} {value:?}: {e}")))?;
    if url.fragment().is_some() {
        return Err(ConfigError(format!(
            "{what} {value:?} must not have a fragment"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if crate::net::is_loopback_host(url.host_str().unwrap_or("")) => {}
        _ => {
            return Err(ConfigError(format!(
                "{what} {value:?} must use https (http is allowed on loopback only)"
            )));
        }
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::GitHub;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn base() -> CoauthBuilder {
        Coauth::builder()
            .secret(SECRET)
            .provider("github", GitHub::new("id", "secret").build())
            .redirect_uri("https://app.example/coauth/result_page")
    }

    #[test]
    fn valid_configuration_derives_origins() {
        let coauth = base().build().unwrap();
        assert_eq!(coauth.inner.origins, ["https://app.example"]);
        assert!(!coauth.exposes_credentials());
    }

    #[test]
    fn public_url_gives_the_redirect_uri_and_origin() {
        let coauth = Coauth::builder()
            .secret(SECRET)
            .provider("github", GitHub::new("id", "secret").build())
            .public_url("https://app.example/auth/coauth/")
            .build()
            .unwrap();
        assert_eq!(
            coauth.inner.redirect_uris,
            ["https://app.example/auth/coauth/result_page"]
        );
        assert_eq!(coauth.inner.origins, ["https://app.example"]);
        // Given twice (as a redirect URI too), it is allowed once.
        let both = base()
            .public_url("https://app.example/coauth")
            .build()
            .unwrap();
        assert_eq!(both.inner.redirect_uris.len(), 1);
        for bad in [
            "http://app.example/coauth",
            "https://app.example/coauth?x=1",
            "https://app.example/coauth#f",
            "not a url",
        ] {
            let error = base().public_url(bad).build().unwrap_err();
            assert!(error.to_string().contains("public URL"), "{bad}: {error}");
        }
    }

    #[test]
    fn providers_may_have_redirect_uris_of_their_own() {
        let own = "https://app.example/coauth/result_page_github";
        let coauth = base()
            .provider("other", GitHub::new("id", "secret").build())
            .provider_redirect_uri("github", own)
            .provider_redirect_uri("github", own)
            .build()
            .unwrap();
        assert_eq!(coauth.redirect_uris_of("github"), [own]);
        assert_eq!(
            coauth.redirect_uris_of("other"),
            ["https://app.example/coauth/result_page"]
        );
        // When every provider has its own, no shared one is needed; their origins are allowed.
        let coauth = Coauth::builder()
            .secret(SECRET)
            .provider("github", GitHub::new("id", "secret").build())
            .provider_redirect_uri("github", "https://login.example/cb/github")
            .build()
            .unwrap();
        assert_eq!(coauth.inner.origins, ["https://login.example"]);
        assert!(format!("{coauth:?}").contains("/cb/github"));
        let refused = |builder: CoauthBuilder, expected: &str| {
            let error = builder.build().unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        };
        refused(
            base().provider_redirect_uri("nobody", own),
            "not configured",
        );
        refused(
            base().provider_redirect_uri("github", "http://app.example/r"),
            "https",
        );
        // Another provider's page, or a shared one, even with another query: the result
        // step compares origin and path, so they could not be told apart.
        refused(
            base()
                .provider("other", GitHub::new("id", "secret").build())
                .provider_redirect_uri("github", own)
                .provider_redirect_uri("other", format!("{own}?p=other")),
            "also provider",
        );
        refused(
            base()
                .provider_redirect_uri("github", "https://app.example/coauth/result_page?p=github"),
            "shared",
        );
    }

    #[test]
    fn provider_result_pages_derive_from_the_public_url() {
        let coauth = Coauth::builder()
            .secret(SECRET)
            .provider("github", GitHub::new("id", "secret").build())
            .provider("gitlab", GitHub::new("id", "secret").build())
            .provider_redirect_uri("gitlab", "https://app.example/own/gitlab")
            .public_url("https://app.example/coauth/")
            .provider_result_pages(true)
            .build()
            .unwrap();
        assert_eq!(
            coauth.redirect_uris_of("github"),
            ["https://app.example/coauth/result_page_github"]
        );
        assert_eq!(
            coauth.redirect_uris_of("gitlab"),
            ["https://app.example/own/gitlab"]
        );
        // The shared result page stays (for providers added without their own).
        assert_eq!(
            coauth.inner.redirect_uris,
            ["https://app.example/coauth/result_page"]
        );
        let error = base().provider_result_pages(true).build().unwrap_err();
        assert!(error.to_string().contains("public URL"), "{error}");
        // Off by default: the shared result page for everyone.
        let shared = base()
            .public_url("https://app.example/coauth")
            .build()
            .unwrap();
        assert_eq!(
            shared.redirect_uris_of("github"),
            ["https://app.example/coauth/result_page"]
        );
    }

    #[test]
    fn short_secret_is_refused() {
        assert!(base().secret("short").build().is_err());
        assert!(base().previous_secret("short").build().is_err());
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(base().redirect_uri("http://app.example/r").build().is_err());
        assert!(
            base()
                .redirect_uri("http://127.0.0.1:8080/r")
                .build()
                .is_ok()
        );
        assert!(
            base()
                .redirect_uri("http://localhost:8080/r")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn origins_must_be_bare() {
        assert!(
            base()
                .allowed_origin("https://app.example/path")
                .build()
                .is_err()
        );
        assert!(base().allowed_origin("https://app.example").build().is_ok());
    }

    #[test]
    fn flow_lifetime_is_bounded() {
        assert!(
            base()
                .flow_lifetime(Duration::from_secs(601))
                .build()
                .is_err()
        );
        assert!(base().flow_lifetime(Duration::ZERO).build().is_err());
        assert!(
            base()
                .flow_lifetime(Duration::from_secs(60))
                .build()
                .is_ok()
        );
    }

    #[test]
    fn provider_names_are_checked() {
        assert!(
            base()
                .provider("bad name", GitHub::new("a", "b").build())
                .build()
                .is_err()
        );
        assert!(
            base()
                .redirect_uri("https://a.example/r#frag")
                .build()
                .is_err()
        );
    }

    #[tokio::test]
    async fn request_context_asks_the_session_user_hook() {
        let (head, ()) = http::Request::post("/coauth/result")
            .header(http::header::ORIGIN, "https://app.example")
            .header(http::header::COOKIE, "app=alice")
            .body(())
            .unwrap()
            .into_parts();
        let without = base().build().unwrap();
        let ctx = without.request_context(&head).await;
        assert_eq!(ctx.origin.as_deref(), Some("https://app.example"));
        assert_eq!(ctx.session_user, None);
        let with = base()
            .session_user(session_user(|request: http::request::Parts| async move {
                let cookie = request.headers.get(http::header::COOKIE)?.to_str().ok()?;
                cookie.strip_prefix("app=").map(str::to_owned)
            }))
            .build()
            .unwrap();
        assert_eq!(
            with.request_context(&head).await.session_user.as_deref(),
            Some("alice")
        );
        assert!(format!("{with:?}").contains("session_user: true"));
    }

    #[test]
    fn a_preset_that_failed_to_build_fails_the_app_s_build() {
        let bad = crate::presets::GitHub::new("id", "secret")
            .with_hosts("ftp://github.example", "https://api.github.example")
            .build();
        let error = Coauth::builder()
            .secret("0123456789abcdef0123456789abcdef")
            .provider("github", bad)
            .redirect_uri("https://app.example/r")
            .build()
            .unwrap_err();
        assert!(error.0.starts_with("provider \"github\": "), "{error}");
        assert!(error.0.contains("http(s)"), "{error}");
        // A preset that built is registered like any provider.
        let good = Coauth::builder()
            .secret("0123456789abcdef0123456789abcdef")
            .provider(
                "github",
                crate::presets::GitHub::new("id", "secret").build(),
            )
            .redirect_uri("https://app.example/r")
            .build()
            .unwrap();
        assert!(good.inner.providers.contains_key("github"));
    }

    /// What a handler's request gets: a session, nobody, or the configuration's refusal;
    /// the refusals' answers are the core's, status, headers and body.
    #[test]
    fn signed_in_tells_nobody_from_sessions_off() {
        let headers = http::HeaderMap::new();
        let off = base().build().unwrap();
        assert_eq!(off.signed_in(&headers), Err(SessionRefusal::SessionsOff));
        let on = base().sessions(Sessions::new()).build().unwrap();
        assert_eq!(on.signed_in(&headers), Ok(None));
        let user = crate::User {
            id: "7".into(),
            ..crate::User::default()
        };
        let cookie = on
            .start_session(
                "github",
                &user,
                serde_json::Value::Null,
                "https://app.example",
            )
            .unwrap();
        let mut sent = http::HeaderMap::new();
        let pair = cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        sent.insert(http::header::COOKIE, pair.parse().unwrap());
        assert_eq!(on.signed_in(&sent).unwrap().unwrap().subject(), "github:7");
        assert_eq!(off.signed_in(&sent), Err(SessionRefusal::SessionsOff));

        let nobody = SessionRefusal::NotSignedIn.to_response();
        assert_eq!(nobody.status(), 401);
        assert!(nobody.body().is_empty());
        assert_eq!(nobody.headers()[http::header::CACHE_CONTROL], "no-store");
        let off = SessionRefusal::SessionsOff.to_response();
        assert_eq!(off.status(), 500);
        assert_eq!(
            off.headers()[http::header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        let text = String::from_utf8(off.body().to_vec()).unwrap();
        assert!(text.contains("CoauthBuilder::sessions"), "{text}");
    }

    #[test]
    fn debug_shows_no_secret() {
        let text = format!("{:?}", base().build().unwrap());
        assert!(!text.contains(SECRET));
        assert!(text.contains("github"));
    }
}
