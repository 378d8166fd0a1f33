//! The JWKS cache: keys are looked up by `kid` in the issuer's JWKS only; an unknown `kid`
//! triggers a refetch (key rotation), at most one per configured interval, so tokens with
//! random `kid`s cannot make coauth hammer the provider.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use url::Url;

use super::discovery::get_json;
use crate::Error;
use crate::http_client::HttpClient;
use crate::jose::{Algorithm, PublicJwk};

/// Keys read from one JWKS answer at most; the rest are ignored.
const MAX_KEYS: usize = 64;

/// A cache of one provider's signing keys.
#[derive(Debug)]
pub(crate) struct JwksCache {
    state: Mutex<State>,
    refetch_interval: Duration,
    max_age: Duration,
}

#[derive(Debug, Default)]
struct State {
    uri: Option<Url>,
    keys: Arc<Vec<PublicJwk>>,
    /// When the keys were last fetched successfully.
    fetched_at: Option<Instant>,
    /// When a fetch was last started, successful or not.
    attempted_at: Option<Instant>,
}

impl JwksCache {
    /// A cache that refetches for an unknown `kid` at most once per `refetch_interval`, and
    /// considers keys older than `max_age` stale.
    pub(crate) fn new(refetch_interval: Duration, max_age: Duration) -> JwksCache {
        JwksCache {
            state: Mutex::new(State::default()),
            refetch_interval,
            max_age,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The key that verifies a token signed with `alg` under `kid`.
    pub(crate) async fn key(
        &self,
        http: &dyn HttpClient,
        uri: &Url,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<PublicJwk, Error> {
        let now = Instant::now();
        let cached = {
            let mut state = self.lock();
            if state.uri.as_ref() != Some(uri) {
                *state = State {
                    uri: Some(uri.clone()),
                    ..State::default()
                };
            }
            let fresh = state
                .fetched_at
                .is_some_and(|at| now.duration_since(at) < self.max_age);
            let found = select(&state.keys, kid, alg);
            match found {
                Selection::Found(key) if fresh => return Ok(key),
                Selection::WrongType => return Err(wrong_type(alg)),
                _ => {}
            }
            // Until keys were loaded once, every sign-in may try (nothing to rate-limit
            // against yet); afterwards one fetch per interval, whatever the cause.
            let loaded = state.fetched_at.is_some();
            let may_fetch = !loaded
                || state
                    .attempted_at
                    .is_none_or(|at| now.duration_since(at) >= self.refetch_interval);
            if !may_fetch {
                return match found {
                    // Stale but present: better than nothing until the next allowed fetch.
                    Selection::Found(key) => Ok(key),
                    _ => Err(unknown_key()),
                };
            }
            state.attempted_at = Some(now);
            found
        };
        let fetched =
            crate::trace::provider_call(crate::trace::call_span!("coauth.jwks"), fetch(http, uri))
                .await;
        let keys = match fetched {
            Ok(keys) => keys,
            Err(error) => {
                return match cached {
                    Selection::Found(key) => Ok(key),
                    _ => Err(error),
                };
            }
        };
        let keys = Arc::new(keys);
        {
            let mut state = self.lock();
            if state.uri.as_ref() == Some(uri) {
                state.keys = Arc::clone(&keys);
                state.fetched_at = Some(Instant::now());
            }
        }
        match select(&keys, kid, alg) {
            Selection::Found(key) => Ok(key),
            Selection::WrongType => Err(wrong_type(alg)),
            Selection::Missing => Err(unknown_key()),
        }
    }
}

enum Selection {
    Found(PublicJwk),
    /// A key with this `kid` exists but is not for this algorithm: no refetch fixes that.
    WrongType,
    Missing,
}

fn select(keys: &[PublicJwk], kid: Option<&str>, alg: Algorithm) -> Selection {
    match kid {
        Some(kid) => {
            let mut named = keys
                .iter()
                .filter(|key| key.kid.as_deref() == Some(kid))
                .peekable();
            if named.peek().is_none() {
                return Selection::Missing;
            }
            named
                .find(|key| key.accepts(alg))
                .map_or(Selection::WrongType, |key| Selection::Found(key.clone()))
        }
        None => {
            // No kid: only unambiguous when exactly one key suits the algorithm.
            let mut suitable = keys.iter().filter(|key| key.accepts(alg));
            match (suitable.next(), suitable.next()) {
                (Some(key), None) => Selection::Found(key.clone()),
                _ => Selection::Missing,
            }
        }
    }
}

fn wrong_type(alg: Algorithm) -> Error {
    Error::Provider(format!(
        "the provider's ID token is invalid: its key is not a key for {alg}"
    ))
}

fn unknown_key() -> Error {
    Error::Provider(
        "the provider's ID token is invalid: it is signed with a key the provider's JWKS does not have"
            .into(),
    )
}

async fn fetch(http: &dyn HttpClient, uri: &Url) -> Result<Vec<PublicJwk>, Error> {
    let document = get_json(http, uri, "JWKS").await?;
    let keys = document
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Provider("the provider's JWKS has no keys array".into()))?;
    Ok(keys
        .iter()
        .take(MAX_KEYS)
        .filter_map(PublicJwk::parse)
        .collect())
}
