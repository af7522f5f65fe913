//! Fuzz target: parse::parse_log never panics and accounts for every line.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_parse_log(data));
