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

/// Runs one call to a provider (token exchange, profile, discovery, JWKS, request token)
/// inside `span`, then records its outcome and duration on the span and logs it: `debug` on
/// success, `warn` with the error's message on the provider's failure, `debug` otherwise.
///
/// The span must declare the fields `outcome` and `duration_ms` (as
/// `tracing::field::Empty`).
pub(crate) async fn provider_call<T>(
    span: Span,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let started = Instant::now();
    let result = call.instrument(span.clone()).await;
    let duration_ms = elapsed_ms(started);
    let _entered = span.enter();
    span.record("duration_ms", duration_ms);
    match &result {
        Ok(_) => {
            span.record("outcome", "ok");
            tracing::debug!(duration_ms, "provider call succeeded");
        }
        Err(error) => {
            span.record("outcome", error.code());
            if is_provider_failure(error) {
                tracing::warn!(
                    code = error.code(),
                    error = %error,
                    duration_ms,
                    "provider call failed"
                );
            } else {
                tracing::debug!(code = error.code(), reason = %error, duration_ms, "provider call refused");
            }
        }
    }
    result
}

/// Runs a provider's `start` or `finish` inside `span` and records its outcome and duration;
/// logs at `debug` only, since the calls inside log their own failures and the step its
/// outcome.
pub(crate) async fn provider_stage<T>(
    span: Span,
    stage: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let started = Instant::now();
    let result = stage.instrument(span.clone()).await;
    let duration_ms = elapsed_ms(started);
    let _entered = span.enter();
    span.record("duration_ms", duration_ms);
    let outcome = match &result {
        Ok(_) => "ok",
        Err(error) => error.code(),
    };
    span.record("outcome", outcome);
    tracing::debug!(outcome, duration_ms, "provider stage finished");
    result
}

/// Records the HTTP status of a provider's answer on the current span (a span of
/// [`provider_call`] declares `http_status`).
pub(crate) fn record_status(status: http::StatusCode) {
    Span::current().record("http_status", status.as_u16());
}

/// Milliseconds since `started`, with microsecond resolution.
pub(crate) fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_micros() as f64) / 1000.0
}

/// Logs the end of a step (`auth_url`, `result`) and records its outcome on `span`: `info`
/// for a success, a refusal or a denial (with the reason), `info` with the code for a
/// provider failure, which was logged at `warn` where it happened.
pub(crate) fn step_finished<T>(span: &Span, started: Instant, result: &Result<T, Error>) {
    let duration_ms = elapsed_ms(started);
    let _entered = span.enter();
    span.record("duration_ms", duration_ms);
    match result {
        Ok(_) => {
            span.record("outcome", "ok");
            tracing::info!(outcome = "ok", duration_ms, "step finished");
        }
        Err(error) => {
            span.record("outcome", error.code());
            if is_provider_failure(error) {
                tracing::info!(code = error.code(), error = %error, duration_ms, "step failed at the provider");
            } else {
                tracing::info!(code = error.code(), reason = %error, duration_ms, "step refused");
            }
        }
    }
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
