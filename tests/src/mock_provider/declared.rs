//! The mock provider's declared mode: a provider derived from an OAuth 2.0 preset's
//! declaration ([`OAuth2Preset`]) alone, so that any preset, a new one included, can be
//! tested against a provider that behaves as its declaration says.
//!
//! [`MockDeclared::start`] serves on one loopback base URL (the preset's web and API hosts
//! are both the mock's, as after `with_hosts(base, base)`), at the declared paths with the
//! declared variables filled (their defaults, or [`DeclaredConfig::vars`]):
//!
//! - the authorization page, which checks `response_type=code`, the client id (under the
//!   declared name: `client_id`, or TikTok's `client_key` and then no `client_id`), the
//!   redirect URI, `state`, the scope (the declared scopes joined by the declared
//!   separator, or none), the PKCE challenge when the declaration has PKCE and its absence
//!   when not, and the declared fixed parameters; the user approves (a code, the `state`,
//!   a value for each parameter the declaration wants repeated at the token endpoint, the
//!   declared RFC 9207 issuer) or denies (`error=access_denied` and the `state`);
//!   The approval also carries each parameter the declaration's redirect check reads
//!   ([`OAuth2Preset::redirect_params`]: the value of the declared variable of the same
//!   name, else a mock value), the signature parameter last, computed by
//!   [`DeclaredConfig::redirect_signer`] when set;
//! - the token endpoint, which checks the client authentication exactly as declared
//!   (HTTP Basic alone; Basic and `client_id` in the body; `client_id` and
//!   `client_secret` in the body; a public client's `client_id` and no secret), the code,
//!   the redirect URI, the PKCE verifier and the redirect parameters the declaration wants
//!   repeated, and answers JSON (with the user object at the declared place when the
//!   declaration reads the user from the token answer, the user's id where it reads one
//!   there, and wrapped where the declaration says the provider wraps it);
//! - the profile endpoint, with the declared method, which checks that the access token
//!   travels as declared (`Authorization: Bearer`, another scheme, the bare token, a query
//!   parameter, a form field or the path, and nowhere else) with the declared query
//!   parameters, form fields, JSON body and headers (`{user_id}` filled with the token's
//!   user), and answers a document in which the user's values sit at the first declared
//!   pointer of each field, nested at the declared place of the user object, with the
//!   declared success mark where there is one;
//! - when declared, the emails endpoint: a list, at the declared place, of a non-primary
//!   address and the user's email as the primary one, verified as the user's is.
//!
//! A profile whose emails call is made only when it has no email carries none. What the
//! answers carry, read as declared, is [`MockDeclared::expected_user`]. The mock does not
//! check what a preset's request hook adds (a signature, a proof of the secret), and
//! answers only what the declaration describes: a hook that reads more (a token answer
//! field, say) finds nothing.
//!
//! ```no_run
//! use coauth_core::presets::Spotify;
//! use coauth_tests::mock::{Decision, Endpoint, MockIdp};
//! use coauth_tests::mock_provider::declared::{DeclaredConfig, MockDeclared};
//!
//! # async fn example(authorize_url: &str) {
//! let mock = MockDeclared::start(DeclaredConfig::new(Spotify::SPEC)).await;
//! let spotify = Spotify::new("mock-client", "mock-secret")
//!     .with_hosts(mock.base_url(), mock.base_url())
//!     .build()
//!     .unwrap();
//! # let _ = spotify;
//! let answer = mock.decide(authorize_url, Decision::Approve).await.unwrap();
//! assert!(answer.param("code").is_some());
//! assert_eq!(mock.calls(Endpoint::Token), 0);
//! # }
//! ```

pub(crate) mod document;
mod server;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use coauth_core::presets::spec::{OAuth2Preset, ProfileCall, UserFields, api, web};

use super::{MockUser, RecordedRequest, browser};
use crate::mock::{self, Callback, Decision, Endpoint, Endpoints, MockIdp};

/// A plain OAuth 2.0 provider, as [`OAuth2Preset::DEFAULT`] describes one: HTTP Basic,
/// PKCE, `/authorize` and `/token`, a bearer `GET /me` answering `id`, `name`, `email` and
/// `picture`. The declaration of [`DeclaredConfig::default`].
pub const PLAIN: OAuth2Preset = OAuth2Preset {
    name: "Plain",
    web: "https://plain.example",
    api: "https://api.plain.example",
    authorize: web("/authorize"),
    token: api("/token"),
    scopes: &["profile", "email"],
    profile: ProfileCall::bearer_get(api("/me")),
    user: UserFields {
        name: &["/name"],
        email: &["/email"],
        avatar: &["/picture"],
        ..UserFields::id("/id")
    },
    ..OAuth2Preset::DEFAULT
};

/// How the declared mock is configured at start.
#[derive(Debug, Clone)]
pub struct DeclaredConfig {
    /// The declaration the mock behaves as. Default [`PLAIN`].
    pub preset: &'static OAuth2Preset,
    /// Values of declared variables that replace their defaults, as the client's builder
    /// sets them (a required variable such as Odnoklassniki's `application_key`). Default
    /// none.
    pub vars: Vec<(&'static str, String)>,
    /// The only client the mock knows. Default `"mock-client"`.
    pub client_id: String,
    /// That client's secret (not looked at for a public client). Default `"mock-secret"`.
    pub client_secret: String,
    /// The user who signs in. Default: Ada Lovelace (see [`MockUser::default`]).
    pub user: MockUser,
    /// Signs an approval: the name of the signature parameter (one of the declaration's
    /// [`OAuth2Preset::redirect_params`], Shopify's `hmac`), and how its value is computed
    /// from the approval's other parameters, in order, and the client secret. Default none.
    pub redirect_signer: Option<(&'static str, RedirectSigner)>,
}

/// Computes the signature of an approval from its other parameters and the client secret;
/// see [`DeclaredConfig::redirect_signer`].
pub type RedirectSigner = fn(&[(String, String)], &str) -> String;

/// The shop the Shopify tests sign in at.
pub const SHOPIFY_SHOP: &str = "mock-shop.myshopify.com";

/// Shopify's `hmac` of an approval's parameters, a [`RedirectSigner`] written apart from the
/// preset's: the hex HMAC-SHA256, keyed with the client secret, of the sorted `name=value`
/// pairs joined with `&` (`%` and `&` escaped, and `=` in names).
pub fn shopify_hmac(params: &[(String, String)], secret: &str) -> String {
    use hmac::{Hmac, Mac};
    let escape = |text: &str| text.replace('%', "%25").replace('&', "%26");
    let mut pairs: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{}={}", escape(name).replace('=', "%3D"), escape(value)))
        .collect();
    pairs.sort();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(pairs.join("&").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl DeclaredConfig {
    /// The mock of `preset`, with the default client and user.
    pub fn new(preset: &'static OAuth2Preset) -> DeclaredConfig {
        DeclaredConfig {
            preset,
            ..DeclaredConfig::default()
        }
    }
}

impl Default for DeclaredConfig {
    fn default() -> Self {
        DeclaredConfig {
            preset: &PLAIN,
            vars: Vec::new(),
            client_id: "mock-client".to_owned(),
            client_secret: "mock-secret".to_owned(),
            user: MockUser::default(),
            redirect_signer: None,
        }
    }
}

/// A running mock provider in declared mode. Cheap to clone: clones share the same server
/// and state.
#[derive(Clone)]
pub struct MockDeclared {
    inner: Arc<Shared>,
}

impl MockDeclared {
    /// The declaration the mock behaves as.
    pub fn preset(&self) -> &'static OAuth2Preset {
        self.inner.spec
    }

    /// The authorization page: the declared authorize path on the mock.
    pub fn authorize_url(&self) -> String {
        self.inner.url(&self.inner.paths.authorize)
    }

    /// The token endpoint: the declared token path on the mock.
    pub fn token_url(&self) -> String {
        self.inner.url(&self.inner.paths.token)
    }

    /// The profile endpoint: the declared profile path on the mock.
    pub fn profile_url(&self) -> String {
        self.inner.url(&self.inner.paths.profile)
    }

    /// The emails endpoint, when the declaration has an emails call.
    pub fn emails_url(&self) -> Option<String> {
        self.inner
            .paths
            .emails
            .as_deref()
            .map(|path| self.inner.url(path))
    }

    /// The user as a client that reads the mock's answers as the declaration says finds
    /// her, before any hook of the preset: coauth's normalized user in its JSON names (`id`,
    /// `name`, `username`, `email`, `emailVerified`, `avatarUrl`, `profileUrl`), the emails
    /// call included.
    pub fn expected_user(&self) -> serde_json::Value {
        let user = self.inner.lock().user.clone();
        document::profile(self.inner.spec, &user).1
    }

    /// How many requests the emails endpoint received ([`Endpoint::Profile`] counts them
    /// too, with the profile's).
    pub fn emails_calls(&self) -> usize {
        self.inner.emails_calls.load(Ordering::SeqCst)
    }

    /// Why the mock refused each request it refused, in order: what a test prints when a
    /// sign-in failed, and expects empty when it succeeded.
    pub fn refusals(&self) -> Vec<String> {
        self.inner.lock().refusals.clone()
    }

    /// The last request the token endpoint received.
    pub fn last_token_request(&self) -> Option<RecordedRequest> {
        self.inner.lock().last_token_request.clone()
    }

    /// The decoded query of the last request of the authorization page, in order,
    /// duplicates kept, recorded before validation.
    pub fn last_authorize_query(&self) -> Option<Vec<(String, String)>> {
        self.inner.lock().last_authorize_query.clone()
    }

    /// Replaces the user. Codes already issued keep the user they were issued for, and so
    /// do the access tokens redeemed from them.
    pub fn set_user(&self, user: MockUser) {
        self.inner.lock().user = user;
    }
}

/// [`Endpoint::Profile`] counts the profile and emails calls together, and takes faults
/// for both; [`MockDeclared::emails_calls`] counts the emails calls alone.
impl MockIdp for MockDeclared {
    type Config = DeclaredConfig;

    const NAME: &'static str = "the declared mock provider";

    fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// # Panics
    /// Also if the declaration's authorize, token, profile and emails paths are not distinct,
    /// or its denial rules do not take `error=access_denied` for a denial.
    async fn start(config: DeclaredConfig) -> MockDeclared {
        let (listener, addr) = mock::bind("declared mock provider").await;
        let inner = Arc::new(Shared::new(config, format!("http://{addr}")));
        let app = server::router(&inner.paths).with_state(Arc::clone(&inner));
        mock::spawn(listener, app, Arc::clone(&inner.endpoints));
        MockDeclared { inner }
    }

    fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    fn endpoint_url(&self, endpoint: Endpoint) -> Option<String> {
        match endpoint {
            Endpoint::Authorize => Some(self.authorize_url()),
            Endpoint::Token => Some(self.token_url()),
            Endpoint::Profile => Some(self.profile_url()),
            Endpoint::RequestToken | Endpoint::Discovery | Endpoint::Jwks => None,
        }
    }

    async fn decide(&self, authorize_url: &str, decision: Decision) -> Result<Callback, String> {
        browser::decide(authorize_url, decision == Decision::Approve)
            .await
            .map(Callback::redirect)
    }
}

impl fmt::Debug for MockDeclared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockDeclared")
            .field("preset", &self.inner.spec.name)
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

/// The declared paths, variables filled.
struct Paths {
    authorize: String,
    token: String,
    profile: String,
    emails: Option<String>,
}

/// Everything the handlers share.
struct Shared {
    spec: &'static OAuth2Preset,
    /// The declared variables, with the configured values.
    vars: Vec<(&'static str, String)>,
    client_id: String,
    client_secret: String,
    redirect_signer: Option<(&'static str, RedirectSigner)>,
    base_url: String,
    paths: Paths,
    endpoints: Arc<Endpoints>,
    emails_calls: AtomicUsize,
    state: Mutex<State>,
}

/// The mutable part, behind one lock that is never held across an await.
struct State {
    user: MockUser,
    codes: HashMap<String, Grant>,
    access_tokens: HashMap<String, MockUser>,
    last_token_request: Option<RecordedRequest>,
    last_authorize_query: Option<Vec<(String, String)>>,
    refusals: Vec<String>,
}

/// What an authorization code was issued for.
struct Grant {
    /// The redirect URI exactly as sent to the authorization page.
    redirect_uri: String,
    code_challenge: Option<String>,
    /// The redirect parameters the token request must repeat, with their values.
    repeated: Vec<(String, String)>,
    user: MockUser,
}

impl Shared {
    fn new(config: DeclaredConfig, base_url: String) -> Shared {
        let DeclaredConfig {
            preset: spec,
            vars: configured,
            client_id,
            client_secret,
            user,
            redirect_signer,
        } = config;
        let vars = spec
            .vars
            .iter()
            .map(|(name, default)| {
                let value = configured
                    .iter()
                    .find(|(configured, _)| configured == name)
                    .map_or(*default, |(_, value)| value.as_str());
                (*name, value.to_owned())
            })
            .collect();
        if let Some((name, _)) = configured
            .iter()
            .find(|(name, _)| !spec.vars.iter().any(|(declared, _)| declared == name))
        {
            panic!("declared mock: {} declares no variable {name:?}", spec.name);
        }
        let denial = [("error".to_owned(), "access_denied".to_owned())].into();
        assert!(
            spec.denials.iter().any(|rule| rule.matches(&denial)),
            "declared mock: {}'s denial rules do not take error=access_denied for a denial, \
             the only denial the mock sends",
            spec.name
        );
        let mut shared = Shared {
            spec,
            vars,
            client_id,
            client_secret,
            redirect_signer,
            base_url,
            paths: Paths {
                authorize: String::new(),
                token: String::new(),
                profile: String::new(),
                emails: None,
            },
            endpoints: Arc::default(),
            emails_calls: AtomicUsize::new(0),
            state: Mutex::new(State {
                user,
                codes: HashMap::new(),
                access_tokens: HashMap::new(),
                last_token_request: None,
                last_authorize_query: None,
                refusals: Vec::new(),
            }),
        };
        shared.paths = Paths {
            authorize: shared.fill(spec.authorize.path),
            token: shared.fill(spec.token.path),
            profile: shared.fill(spec.profile.endpoint.path),
            emails: spec.emails.map(|emails| shared.fill(emails.endpoint.path)),
        };
        let paths = &shared.paths;
        let mut all = vec![paths.authorize.as_str(), &paths.token, &paths.profile];
        all.extend(paths.emails.as_deref());
        all.push(server::DECISION_PATH);
        for (at, path) in all.iter().enumerate() {
            assert!(
                path.starts_with('/') && !all[..at].contains(path),
                "declared mock: {}'s path {path:?} is not an absolute path distinct from the \
                 others",
                spec.name
            );
        }
        shared
    }

    /// `text` with `{client_id}` and every `{variable}` filled in, as the declaration means.
    fn fill(&self, text: &str) -> String {
        let mut text = text.replace("{client_id}", &self.client_id);
        for (name, value) in &self.vars {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The declared RFC 9207 issuer on the mock (the host does not matter: both are the
    /// mock's).
    fn issuer(&self) -> Option<String> {
        let issuer = self.spec.issuer?;
        Some(
            self.url(&self.fill(issuer.path))
                .trim_end_matches('/')
                .to_owned(),
        )
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Locks the state. Every update is a single assignment or map operation, so a panic
    /// elsewhere leaves consistent data: poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers why a request was refused.
    fn refuse(&self, endpoint: &str, why: &str) {
        self.lock().refusals.push(format!("{endpoint}: {why}"));
    }
}
