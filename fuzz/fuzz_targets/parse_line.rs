//! Fuzz target: `record::parse_line` must never panic, whatever the bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = selinux_audit::record::parse_line(data);
});
