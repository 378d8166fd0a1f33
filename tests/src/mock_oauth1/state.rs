//! The mock's shared state: settings, tokens, nonces, counters and recordings.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{MockOAuth1Config, RecordedCall, TwitterUser};
use crate::mock::{Endpoint, Endpoints};

/// Everything the handlers share.
pub(super) struct Shared {
    pub(super) consumer_key: String,
    pub(super) consumer_secret: String,
    pub(super) timestamp_window_secs: u64,
    pub(super) base_url: String,
    /// Calls, faults and connections of the endpoints.
    pub(super) endpoints: Arc<Endpoints>,
    pub(super) rejected_calls: AtomicUsize,
    state: Mutex<State>,
}

/// The mutable part, behind one lock that is never held across an await.
pub(super) struct State {
    pub(super) user: TwitterUser,
    pub(super) callback_confirmed: Option<String>,
    pub(super) request_tokens: HashMap<String, RequestToken>,
    pub(super) access_tokens: HashMap<String, AccessToken>,
    /// (timestamp, nonce) pairs already used.
    pub(super) nonces: HashSet<(u64, String)>,
    pub(super) last_calls: HashMap<Endpoint, RecordedCall>,
    pub(super) last_rejection: Option<String>,
}

/// Temporary credentials and what became of them.
pub(super) struct RequestToken {
    pub(super) secret: String,
    pub(super) callback: String,
    /// Set when the user approved: the verifier and the user who approved.
    pub(super) approval: Option<(String, TwitterUser)>,
}

/// Token credentials.
pub(super) struct AccessToken {
    pub(super) secret: String,
    pub(super) user: TwitterUser,
}

impl Shared {
    pub(super) fn new(config: MockOAuth1Config, base_url: String) -> Shared {
        Shared {
            consumer_key: config.consumer_key,
            consumer_secret: config.consumer_secret,
            timestamp_window_secs: config.timestamp_window.as_secs(),
            base_url,
            endpoints: Arc::default(),
            rejected_calls: AtomicUsize::new(0),
            state: Mutex::new(State {
                user: config.user,
                callback_confirmed: Some("true".to_owned()),
                request_tokens: HashMap::new(),
                access_tokens: HashMap::new(),
                nonces: HashSet::new(),
                last_calls: HashMap::new(),
                last_rejection: None,
            }),
        }
    }

    /// Locks the state. Every update is a single map operation or assignment, so a panic
    /// elsewhere leaves consistent data and poisoning is ignored.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `n` random bytes as lower-case hex: tokens, secrets and verifiers.
pub(super) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("mock OAuth 1.0a provider: the OS random source failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
