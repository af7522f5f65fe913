//! Benchmarks of the binary policy reader on Debian's `policy.33`: full parse (reading plus
//! index building), single queries, and rule searches (`sesearch`-like).
//!
//! Run with `cargo bench -p selinux-audit --bench binpol`. Needs
//! `/etc/selinux/default/policy/policy.33` (package `selinux-policy-default`).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::OnceLock;

use divan::{Bencher, black_box};
use selinux_audit::policy::binary::{BinaryPolicy, RuleQuery};

const POLICY: &str = "/etc/selinux/default/policy/policy.33";

fn main() {
    divan::main();
}

fn bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| std::fs::read(POLICY).expect("install selinux-policy-default"))
}

fn policy() -> &'static BinaryPolicy {
    static POLICY: OnceLock<BinaryPolicy> = OnceLock::new();
    POLICY.get_or_init(|| BinaryPolicy::parse(bytes()).expect("policy parses"))
}

/// Whole-file parse plus indexes.
#[divan::bench(sample_count = 20)]
fn parse_debian(bencher: Bencher<'_, '_>) {
    let data = bytes();
    bencher.bench(|| BinaryPolicy::parse(black_box(data)).unwrap());
}

/// A domain with many attributes against a content type (allowed).
#[divan::bench]
fn allows_httpd_read_content(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| {
        p.allows(
            black_box("httpd_t"),
            black_box("httpd_sys_content_t"),
            "file",
            &["read", "open", "getattr"],
        )
        .unwrap()
    });
}

/// A denied query through conditional rules.
#[divan::bench]
fn allows_httpd_connect_unreserved(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| {
        p.allows(
            black_box("httpd_t"),
            black_box("unreserved_port_t"),
            "tcp_socket",
            &["name_connect"],
        )
        .unwrap()
    });
}

/// init_t carries many attributes (unconfined).
#[divan::bench]
fn allows_init_read_home_symlink(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| {
        p.allows(black_box("init_t"), black_box("user_home_t"), "lnk_file", &["read"]).unwrap()
    });
}

/// With a boolean override (re-evaluates every conditional node).
#[divan::bench]
fn allows_with_override(bencher: Bencher<'_, '_>) {
    let p = policy();
    let on = [("httpd_can_network_connect", true)];
    bencher.bench(|| {
        p.allows_with_booleans(
            black_box("httpd_t"),
            "unreserved_port_t",
            "tcp_socket",
            &["name_connect"],
            &on,
        )
        .unwrap()
    });
}

/// Every concrete type httpd_t can read.
#[divan::bench]
fn targets_allowing_httpd_read(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| {
        p.targets_allowing(black_box("httpd_t"), "file", &["read", "open", "getattr"]).unwrap()
    });
}

/// audit2why-style single boolean flips.
#[divan::bench]
fn booleans_that_allow_connect(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| {
        p.booleans_that_allow(
            black_box("httpd_t"),
            "unreserved_port_t",
            "tcp_socket",
            &["name_connect"],
        )
        .unwrap()
    });
}

/// First-match port lookup (479 entries).
#[divan::bench]
fn port_type_18081(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| p.port_type(6, black_box(18081)));
}

/// Building the rule-search index (done once, on a policy's first search), with that search.
#[divan::bench(sample_count = 20)]
fn search_first_with_index_build(bencher: Bencher<'_, '_>) {
    let data = bytes();
    bencher.with_inputs(|| BinaryPolicy::parse(data).unwrap()).bench_values(|p| {
        p.search_rules(&RuleQuery::allow().source("httpd_t").class("file").perms(&["read"]))
            .unwrap()
            .len()
    });
}

/// `sesearch -A -s httpd_t -c file -p read`: 148 rules, 65 conditional.
#[divan::bench]
fn search_httpd_file_read(bencher: Bencher<'_, '_>) {
    let p = policy();
    let q = RuleQuery::allow().source("httpd_t").class("file").perms(&["read"]);
    bencher.bench(|| p.search_rules(black_box(&q)).unwrap().len());
}

/// `sesearch -A -s httpd_t -c tcp_socket -p name_bind`: 4 rules.
#[divan::bench]
fn search_httpd_name_bind(bencher: Bencher<'_, '_>) {
    let p = policy();
    let q = RuleQuery::allow().source("httpd_t").class("tcp_socket").perms(&["name_bind"]);
    bencher.bench(|| p.search_rules(black_box(&q)).unwrap().len());
}

/// A source and a target through attributes: `-s httpd_t -t user_home_t -c file`.
#[divan::bench]
fn search_httpd_user_home(bencher: Bencher<'_, '_>) {
    let p = policy();
    let q = RuleQuery::allow().source("httpd_t").target("user_home_t").class("file");
    bencher.bench(|| p.search_rules(black_box(&q)).unwrap().len());
}

/// init_t is unconfined: many attributes, 69 rules.
#[divan::bench]
fn search_init_lnk_file_read(bencher: Bencher<'_, '_>) {
    let p = policy();
    let q = RuleQuery::allow().source("init_t").class("lnk_file").perms(&["read"]);
    bencher.bench(|| p.search_rules(black_box(&q)).unwrap().len());
}

/// An attribute as the source (`domain`, 674 members): every rule on any domain attribute.
#[divan::bench]
fn search_domain_file_entrypoint(bencher: Bencher<'_, '_>) {
    let p = policy();
    let q = RuleQuery::allow().source("domain").class("file").perms(&["entrypoint"]);
    bencher.bench(|| p.search_rules(black_box(&q)).unwrap().len());
}

/// Every rule a boolean controls (`sesearch -b httpd_can_network_connect`): a full scan.
#[divan::bench]
fn search_by_boolean(bencher: Bencher<'_, '_>) {
    let p = policy();
    let q = RuleQuery::new(&[]).boolean("httpd_can_network_connect");
    bencher.bench(|| p.search_rules(black_box(&q)).unwrap().len());
}

/// Effective access with the booleans that change it (one targets_allowing per boolean).
#[divan::bench]
fn access_targets_httpd_connect(bencher: Bencher<'_, '_>) {
    let p = policy();
    bencher.bench(|| {
        p.access_targets(black_box("httpd_t"), "tcp_socket", &["name_connect"]).unwrap().len()
    });
}
