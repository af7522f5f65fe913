//! Fuzz target: FileContexts::from_texts and lookups never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| selinux_audit::fuzz::check_file_contexts(data));
