//! Fuzz target: `parse::parse_log` must never panic, whatever the bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = selinux_audit::parse::parse_log(data, "fuzz");
});
