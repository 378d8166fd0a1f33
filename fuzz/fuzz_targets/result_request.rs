//! Fuzz target `result_request`: the `result` request body through the resource. The input format
//! and the invariants are those of `coauth_core::fuzzing::result_request`
//! (coauth-core/src/fuzzing.rs), which the corpus replay (tests/tests/fuzz_corpus.rs) calls on
//! stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| coauth_core::fuzzing::result_request(data));
