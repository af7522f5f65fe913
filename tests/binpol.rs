//! Tests of the binary policy reader and its queries against real policies and oracles.
//!
//! * `debian`: Debian 12's `policy.33` (package `selinux-policy-default`) against the counts
//!   and query answers recorded in `shared/docs/policy.md` and against `seinfo`/`sesearch`
//!   (package `setools`) run live, plus the same policy converted to versions 24–32 with
//!   `checkpolicy`.
//! * `vm`: the VM's policy (Debian's plus a `monerod` module).
//! * `mini`: our own CIL policies (`corpus/policy/mini`) compiled with `secilc` at versions
//!   24–33, and patched to 34/35, all giving the same answers.
//! * `robustness`: truncation and bit-flip sweeps, hostile counts.
//! * `roundtrip`: a test-only writer re-encodes what was read; the bytes must come back
//!   identical, which proves every field is consumed in the right place.
//!
//! A missing oracle tool or policy makes the tests fail with what to install; CI installs
//! `setools`, `secilc`, `checkpolicy` and `selinux-policy-default`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "binpol/debian.rs"]
mod debian;
#[path = "binpol/mini.rs"]
mod mini;
#[path = "binpol/robustness.rs"]
mod robustness;
#[path = "binpol/roundtrip.rs"]
mod roundtrip;
#[path = "binpol/vm.rs"]
mod vm;
#[path = "binpol/writer.rs"]
mod writer;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use selinux_audit::policy::binary::BinaryPolicy;

/// Debian's installed policy.
pub const DEBIAN_POLICY: &str = "/etc/selinux/default/policy/policy.33";
/// The VM's policy, read in place from the shared corpus.
pub const VM_POLICY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/vm/policy/default/policy/policy.33");
/// Recorded oracle outputs.
pub const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/docs/policy-samples");
/// Our CIL sources.
pub const MINI_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/policy/mini");

/// Reads a file that the tests need, failing with an install hint when it is missing.
pub fn read_required(path: &str, hint: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path} ({e}): {hint}"))
}

/// Debian's policy bytes.
pub fn debian_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        read_required(
            DEBIAN_POLICY,
            "install selinux-policy-default (apt-get install selinux-policy-default)",
        )
    })
}

/// Debian's policy, parsed once per test binary.
pub fn debian() -> &'static BinaryPolicy {
    static POLICY: OnceLock<BinaryPolicy> = OnceLock::new();
    POLICY.get_or_init(|| BinaryPolicy::parse(debian_bytes()).expect("Debian policy parses"))
}

/// The VM's policy, parsed once per test binary.
pub fn vm() -> &'static BinaryPolicy {
    static POLICY: OnceLock<BinaryPolicy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let bytes =
            read_required(VM_POLICY, "the shared VM corpus must be checked out next to the repo");
        BinaryPolicy::parse(&bytes).expect("VM policy parses")
    })
}

/// Runs an oracle tool; fails with the package to install when it is not there.
pub fn run_tool(tool: &str, package: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): install {package} (apt-get install {package})")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A scratch directory for compiled test policies.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("binpol").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Parses `seinfo POLICY` statistics into `(label, count)` pairs.
pub fn seinfo_stats(policy: &str) -> Vec<(String, usize)> {
    let text = run_tool("seinfo", "setools", &[policy]);
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("  ")) {
        // Lines hold up to two "Label:   N" pairs.
        let mut rest = line.trim();
        while let Some(colon) = rest.find(':') {
            let label = rest[..colon].trim().to_owned();
            let after = rest[colon + 1..].trim_start();
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            out.push((label, digits.parse().unwrap()));
            rest = after[digits.len()..].trim_start();
        }
    }
    out
}

/// Compares our statistics with `seinfo`'s, label by label (every label seinfo prints must be
/// covered).
pub fn assert_stats_match_seinfo(policy: &BinaryPolicy, path: &str) {
    let s = policy.stats();
    for (label, expected) in seinfo_stats(path) {
        let ours = match label.as_str() {
            "Classes" => s.classes,
            "Permissions" => s.permissions,
            "Sensitivities" => s.sensitivities,
            "Categories" => s.categories,
            "Types" => s.types,
            "Attributes" => s.attributes,
            "Users" => s.users,
            "Roles" => s.roles,
            "Booleans" => s.booleans,
            "Cond. Expr." => s.cond_exprs,
            "Allow" => s.allow,
            "Auditallow" => s.auditallow,
            "Dontaudit" => s.dontaudit,
            "Type_trans" => s.type_trans,
            "Type_change" => s.type_change,
            "Type_member" => s.type_member,
            "Range_trans" => s.range_trans,
            "Role allow" => s.role_allow,
            "Role_trans" => s.role_trans,
            "Constraints" => s.constraints,
            "Validatetrans" => s.validatetrans,
            "MLS Constrain" => s.mls_constraints,
            "MLS Val. Tran" => s.mls_validatetrans,
            "Permissives" => s.permissives,
            "Polcap" => s.polcaps,
            "Defaults" => s.defaults,
            "Typebounds" => s.typebounds,
            "Allowxperm" => s.allowxperm,
            "Auditallowxperm" => s.auditallowxperm,
            "Dontauditxperm" => s.dontauditxperm,
            "Ibendportcon" => s.ibendportcon,
            "Ibpkeycon" => s.ibpkeycon,
            "Initial SIDs" => s.initial_sids,
            "Fs_use" => s.fs_use,
            "Genfscon" => s.genfscon,
            "Portcon" => s.portcon,
            "Netifcon" => s.netifcon,
            "Nodecon" => s.nodecon,
            // Module-only rule kinds never appear in a kernel policy.
            "Neverallow" | "Neverallowxperm" | "MLS Val. Tran." => 0,
            other => panic!("seinfo label {other:?} not mapped"),
        };
        assert_eq!(ours, expected, "{path}: {label}");
    }
}
