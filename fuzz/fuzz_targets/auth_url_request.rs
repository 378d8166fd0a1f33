//! Fuzz target `auth_url_request`: the `auth_url` request body through the resource. The input
//! format and the invariants are those of `coauth_core::fuzzing::auth_url_request`
//! (coauth-core/src/fuzzing.rs), which the corpus replay (tests/tests/fuzz_corpus.rs) calls on
//! stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| coauth_core::fuzzing::auth_url_request(data));
