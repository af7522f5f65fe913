//! Fuzz target: record::parse_line never panics.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_parse_line(data));
