//! Fuzz target: BinaryPolicy::parse and queries never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_binary_policy(data));
