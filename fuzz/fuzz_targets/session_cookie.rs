//! Fuzz target `session_cookie`: the `Cookie` headers that carry coauth's session cookie. The
//! input format and the invariants are those of `coauth_core::fuzzing::session_cookie`
//! (coauth-core/src/fuzzing.rs), which the corpus replay (tests/tests/fuzz_corpus.rs) calls on
//! stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| coauth_core::fuzzing::session_cookie(data));
