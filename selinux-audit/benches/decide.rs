//! Benchmarks of `BinaryPolicy::decide` on Debian's `policy.33`: one access per audit2why
//! category, from the cheapest (allowed) to the boolean-combination search.
//!
//! Run with `cargo bench -p selinux-audit --bench decide`. Needs
//! `/etc/selinux/default/policy/policy.33` (package `selinux-policy-default`).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::OnceLock;

use divan::{Bencher, black_box};
use selinux_audit::context::SecurityContext;
use selinux_audit::policy::binary::BinaryPolicy;

const POLICY: &str = "/etc/selinux/default/policy/policy.33";

fn main() {
    divan::main();
}

fn policy() -> &'static BinaryPolicy {
    static POLICY_CELL: OnceLock<BinaryPolicy> = OnceLock::new();
    POLICY_CELL.get_or_init(|| {
        let bytes = std::fs::read(POLICY).expect("install selinux-policy-default");
        BinaryPolicy::parse(&bytes).expect("policy parses")
    })
}

fn run(bencher: Bencher<'_, '_>, scon: &str, tcon: &str, class: &str, perms: &[&str]) {
    let p = policy();
    let s = SecurityContext::parse(scon).unwrap();
    let t = SecurityContext::parse(tcon).unwrap();
    bencher.bench(|| p.decide(black_box(&s), black_box(&t), class, perms).unwrap());
}

/// Allowed (ALLOW): TE, the file constraints, no search.
#[divan::bench]
fn allowed_httpd_read_content(bencher: Bencher<'_, '_>) {
    let (s, t) = ("system_u:system_r:httpd_t:s0", "system_u:object_r:httpd_sys_content_t:s0");
    run(bencher, s, t, "file", &["read", "open", "getattr"]);
}

/// One boolean (BOOLEAN): search plus audit2why's full recomputation per single flip.
#[divan::bench]
fn boolean_httpd_read_home(bencher: Bencher<'_, '_>) {
    let (s, t) = ("system_u:system_r:httpd_t:s0", "unconfined_u:object_r:user_home_t:s0");
    run(bencher, s, t, "file", &["read"]);
}

/// Two alternative booleans on a port (BOOLEAN).
#[divan::bench]
fn boolean_httpd_connect_unreserved(bencher: Bencher<'_, '_>) {
    let (s, t) = ("system_u:system_r:httpd_t:s0", "system_u:object_r:unreserved_port_t:s0");
    run(bencher, s, t, "tcp_socket", &["name_connect"]);
}

/// Three booleans together (TERULE for audit2why): the combination search.
#[divan::bench]
fn combination_httpd_write_content_dir(bencher: Bencher<'_, '_>) {
    let (s, t) = ("system_u:system_r:httpd_t:s0", "system_u:object_r:httpd_sys_content_t:s0");
    run(bencher, s, t, "dir", &["write", "add_name"]);
}

/// No rule at all (TERULE).
#[divan::bench]
fn terule_httpd_bind_unreserved(bencher: Bencher<'_, '_>) {
    let (s, t) = ("system_u:system_r:httpd_t:s0", "system_u:object_r:unreserved_port_t:s0");
    run(bencher, s, t, "tcp_socket", &["name_bind"]);
}

/// A failing constraint, rendered (CONSTRAINT).
#[divan::bench]
fn constraint_user_relabelto(bencher: Bencher<'_, '_>) {
    let (s, t) = ("user_u:user_r:user_t:s0", "system_u:object_r:user_home_t:s0");
    run(bencher, s, t, "file", &["relabelto"]);
}

/// An MCS constraint on 1024-category levels (CONSTRAINT).
#[divan::bench]
fn mcs_svirt_read_write(bencher: Bencher<'_, '_>) {
    let (s, t) =
        ("system_u:system_r:svirt_t:s0:c1,c2", "system_u:object_r:svirt_image_t:s0-s0:c0.c1023");
    run(bencher, s, t, "file", &["read", "write"]);
}
