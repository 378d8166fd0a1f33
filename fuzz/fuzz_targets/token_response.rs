//! Fuzz target `token_response`: token endpoint answers (JSON and form). The input format and the
//! invariants are those of `coauth_core::fuzzing::token_response` (coauth-core/src/fuzzing.rs),
//! which the corpus replay (tests/tests/fuzz_corpus.rs) calls on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| coauth_core::fuzzing::token_response(data));
