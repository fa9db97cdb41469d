#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paytoken::fuzzing::jwt_exp(data));
