//! `avc-fix`: from SELinux denials to the right fix.
fn main() {}
