//! The mock's shared state: settings, issued codes and tokens, counters and recordings.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{ClientAuth, MockUser, Mode, RecordedRequest};
use crate::mock::Endpoints;

/// How long an authorization code can be redeemed.
pub(super) const CODE_LIFETIME: Duration = Duration::from_secs(60);

/// The fixed part of the configuration.
pub(super) struct Settings {
    pub(super) client_id: String,
    pub(super) client_secret: String,
    pub(super) client_auth: ClientAuth,
    pub(super) mode: Mode,
    pub(super) auto_approve: bool,
    pub(super) honour_prompt_none: bool,
    pub(super) deny_framing: bool,
    pub(super) opener_policy_same_origin: bool,
    /// The session cookie's name. Cookies ignore ports, so the port in the name keeps
    /// several mocks on 127.0.0.1 (and the app) from reading each other's sessions.
    pub(super) session_cookie: String,
}

impl Settings {
    pub(super) fn is_github(&self) -> bool {
        matches!(self.mode, Mode::GitHub { .. })
    }

    /// Whether an authorization request without a PKCE challenge is refused.
    pub(super) fn pkce_required(&self) -> bool {
        match self.mode {
            Mode::Generic => true,
            Mode::GitHub { .. } => false,
            Mode::Preset(preset) => preset.pkce_required(),
        }
    }
}

/// Everything the handlers share.
pub(super) struct Shared {
    pub(super) settings: Settings,
    pub(super) base_url: String,
    /// Calls, faults and connections.
    pub(super) endpoints: Arc<Endpoints>,
    state: Mutex<State>,
}

/// The mutable part, behind one lock that is never held across an await.
pub(super) struct State {
    pub(super) user: MockUser,
    pub(super) codes: HashMap<String, CodeGrant>,
    pub(super) access_tokens: HashMap<String, MockUser>,
    pub(super) last_token_request: Option<RecordedRequest>,
    pub(super) last_authorize_query: Option<Vec<(String, String)>>,
    /// Session cookie values of browsers that approved on the consent page.
    pub(super) sessions: HashSet<String>,
}

/// What an authorization code was issued for.
pub(super) struct CodeGrant {
    pub(super) client_id: String,
    /// The redirect_uri exactly as sent to the authorization endpoint.
    pub(super) redirect_uri: String,
    pub(super) code_challenge: Option<String>,
    pub(super) scope: Option<String>,
    pub(super) user: MockUser,
    pub(super) expires_at: Instant,
}

impl Shared {
    pub(super) fn new(settings: Settings, base_url: String, user: MockUser) -> Shared {
        Shared {
            settings,
            base_url,
            endpoints: Arc::default(),
            state: Mutex::new(State {
                user,
                codes: HashMap::new(),
                access_tokens: HashMap::new(),
                last_token_request: None,
                last_authorize_query: None,
                sessions: HashSet::new(),
            }),
        }
    }

    /// Locks the state. A panic elsewhere while holding the lock leaves consistent data
    /// (every update is a single assignment or map operation), so poisoning is ignored.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Issues a fresh single-use code, bound to the current user, and returns it.
    pub(super) fn issue_code(
        &self,
        client_id: &str,
        redirect_uri: &str,
        code_challenge: Option<&str>,
        scope: Option<&str>,
    ) -> String {
        let code = random_token();
        let now = Instant::now();
        let mut state = self.lock();
        state.codes.retain(|_, grant| grant.expires_at > now);
        let grant = CodeGrant {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            code_challenge: code_challenge.map(str::to_owned),
            scope: scope.map(str::to_owned),
            user: state.user.clone(),
            expires_at: now + CODE_LIFETIME,
        };
        state.codes.insert(code.clone(), grant);
        code
    }
}

/// 32 random bytes, base64url without padding (43 characters).
pub(super) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("mock provider: the OS random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}
