#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| paytoken::fuzzing::token_answer("portone-v1", data));
