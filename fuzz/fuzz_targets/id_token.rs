//! Fuzz target `id_token`: ID tokens through the whole validation. The input format and the
//! invariants are those of `coauth_core::fuzzing::id_token` (coauth-core/src/fuzzing.rs), which the
//! corpus replay (tests/tests/fuzz_corpus.rs) calls on stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| coauth_core::fuzzing::id_token(data));
