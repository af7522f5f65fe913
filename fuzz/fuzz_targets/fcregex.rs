//! Fuzz target: fcregex::escape_path matches exactly its own path.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_fcregex(data));
