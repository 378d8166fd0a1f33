//! The time source every part of coauth reads.

use std::time::{SystemTime, UNIX_EPOCH};

/// The time source of a [`crate::Coauth`]: flow expiry, binding cookies, ID token `exp`,
/// `iat` and `nbf`, and the issue time of the JWTs coauth signs (client assertions, Apple's
/// client secret). Apps use the system clock; tests move time. Providers get it in
/// [`crate::StartContext::clock`] and [`crate::FinishContext::clock`].
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn now_unix(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    }
}
