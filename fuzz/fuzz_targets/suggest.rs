//! Fuzz target: the whole pipeline never panics and never recommends a module.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_suggest(data));
