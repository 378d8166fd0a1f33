//! coauth's logs, through `tracing`: a span per step and per provider call, with the
//! provider, the outcome code and the duration, and one event when each ends.
//!
//! What may appear in a field or a message is decided here and in [`Error`]'s messages: the
//! provider's name, the wire protocol's error code, the HTTP status of a provider's answer,
//! a short fingerprint of the flow, and the error's message, which never contains a secret,
//! an authorization code, a token, `state`, a nonce, a PKCE verifier, a cookie or a sealed
//! flow. A flow is named by [`flow_fingerprint`]: enough to find the `auth_url` and
//! `result` lines of one sign-in, and nothing that opens or replays it.
//!
//! Levels: a finished step at `info`; a refusal of the client's request (`ValidationError`,
//! `InputError`) and a denial at `info` with its reason; a provider call's success at
//! `debug`; a provider failure at `warn`, where it happened, with the provider's sanitized
//! error and the HTTP status.

use std::future::Future;
use std::time::Instant;

use tracing::{Instrument, Span};

use crate::Error;

/// A span for one call to a provider, named after the call (`coauth.token`,
/// `coauth.profile`, ...), with the fields [`provider_call`] and [`record_status`] fill.
macro_rules! call_span {
    ($name:literal) => {
        tracing::info_span!(
            $name,
            outcome = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            http_status = tracing::field::Empty
        )
    };
}
pub(crate) use call_span;

/// A short fingerprint of a sealed flow: 12 characters of the base64url SHA-256 of the
/// blob. It says which log lines belong to one sign-in and cannot be turned back into the
/// flow.
pub(crate) fn flow_fingerprint(blob: &str) -> String {
    let mut hash = crate::crypto::sha256_b64(blob.as_bytes());
    hash.truncate(12);
    hash
}

/// Whether `error` is the provider's failure (rather than the client's or the user's).
pub(crate) fn is_provider_failure(error: &Error) -> bool {
    error.code().starts_with("Provider")
}

/// Runs `work` inside `span`, then records its `outcome` (`ok` or the error code) and
/// `duration_ms` on the span, which must declare both fields (as `tracing::field::Empty`).
/// Returns the result and the duration; without a subscriber that wants the span, neither
/// the clock nor the span is touched.
async fn timed<T>(
    span: &Span,
    work: impl Future<Output = Result<T, Error>>,
) -> (Result<T, Error>, f64) {
    if span.is_disabled() {
        return (work.await, 0.0);
    }
    let started = Instant::now();
    let result = work.instrument(span.clone()).await;
    let duration_ms = (started.elapsed().as_micros() as f64) / 1000.0;
    span.record("duration_ms", duration_ms);
    span.record(
        "outcome",
        match &result {
            Ok(_) => "ok",
            Err(error) => error.code(),
        },
    );
    (result, duration_ms)
}

/// Runs one call to a provider (token exchange, profile, discovery, JWKS, request token)
/// inside `span` (made with [`call_span!`]) and logs its end: `debug` on success, `warn`
/// with the error's message on the provider's failure, `debug` otherwise.
pub(crate) async fn provider_call<T>(
    span: Span,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let (result, duration_ms) = timed(&span, call).await;
    let _entered = span.enter();
    match &result {
        Ok(_) => tracing::debug!(duration_ms, "provider call succeeded"),
        Err(error) if is_provider_failure(error) => {
            tracing::warn!(code = error.code(), error = %error, duration_ms, "provider call failed")
        }
        Err(error) => {
            tracing::debug!(code = error.code(), reason = %error, duration_ms, "provider call refused")
        }
    }
    result
}

/// Runs a provider's `start` or `finish` inside `span`; logs at `debug` only, since the
/// calls inside log their own failures and the step its outcome.
pub(crate) async fn provider_stage<T>(
    span: Span,
    stage: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let (result, duration_ms) = timed(&span, stage).await;
    let _entered = span.enter();
    tracing::debug!(duration_ms, "provider stage finished");
    result
}

/// Runs a step (`auth_url`, `result`) inside `span` and logs its end at `info`: a success,
/// a refusal or a denial (with the reason), or a provider failure (with the code and
/// message; the call that failed logged it at `warn`).
pub(crate) async fn step<T>(
    span: Span,
    work: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let (result, duration_ms) = timed(&span, work).await;
    let _entered = span.enter();
    match &result {
        Ok(_) => tracing::info!(outcome = "ok", duration_ms, "step finished"),
        Err(error) if is_provider_failure(error) => tracing::info!(
            code = error.code(),
            error = %error,
            duration_ms,
            "step failed at the provider"
        ),
        Err(error) => {
            tracing::info!(code = error.code(), reason = %error, duration_ms, "step refused")
        }
    }
    result
}

/// Records the HTTP status of a provider's answer on the current span (a span of
/// [`provider_call`] declares `http_status`).
pub(crate) fn record_status(status: http::StatusCode) {
    Span::current().record("http_status", status.as_u16());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_short_stable_and_distinct() {
        let a = flow_fingerprint("v1.blob-a");
        assert_eq!(a.len(), 12);
        assert_eq!(a, flow_fingerprint("v1.blob-a"));
        assert_ne!(a, flow_fingerprint("v1.blob-b"));
        assert!(!"v1.blob-a".contains(&a));
    }
}
