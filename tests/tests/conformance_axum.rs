//! The conformance suite against coauth-axum: the router nested under the prefix, driven
//! in process with tower's `oneshot` and over a socket with `axum::serve`
//! ([`coauth_tests::fixture::Axum`]).

fn main() {
    coauth_tests::conformance::run::<coauth_tests::fixture::Axum>()
}
