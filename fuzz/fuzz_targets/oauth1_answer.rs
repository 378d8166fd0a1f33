//! Fuzz target `oauth1_answer`: OAuth 1.0a request token and access token answers. The input format
//! and the invariants are those of `coauth_core::fuzzing::oauth1_answer`
//! (coauth-core/src/fuzzing.rs), which the corpus replay (tests/tests/fuzz_corpus.rs) calls on
//! stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| coauth_core::fuzzing::oauth1_answer(data));
