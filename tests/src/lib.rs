//! coauth's test support: mock identity providers on loopback (OAuth 2.0, OpenID Connect,
//! OAuth 1.0a, behind one [`mock::MockIdp`] trait), shared by the integration tests, the
//! browser tests and the demo.

pub mod conformance;
pub mod demo;
pub mod fixture;
pub mod log_capture;
pub mod mock;
pub mod mock_oauth1;
pub mod mock_oidc;
pub mod mock_provider;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
