//! Fuzz target: SecurityContext::parse round-trips what it accepts.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_context(data));
