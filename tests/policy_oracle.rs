//! Differential tests of the policy queries behind `avc-fix policy` against setools 4.4, the
//! library `sesearch` and `seinfo` are built on, driven through its Python API in one
//! `python3` process per policy (`policy_oracle/setools_driver.py`): one `sesearch` run costs
//! over a second, most of it loading Python and the policy.
//!
//! * `rules`: thousands of generated rule searches on Debian's `policy.33` (domains ×
//!   classes × permissions, with and without targets, through attributes and direct, by
//!   boolean, every rule kind), plus every rule of Debian's and the VM's policies at once:
//!   our rules must be the same lines in the same order as `sorted(TERuleQuery.results())`.
//! * `exprs`: our own CIL with every conditional operator nested (`corpus/policy/mini`),
//!   compiled with `secilc`: every rule line, so every expression's text, must match.
//! * `ports`: every portcon boundary ± 1 against the kernel's first match in setools' order.
//! * `live`: live booleans read from a fake `/sys/fs/selinux/booleans`; partial loads.
//!
//! `seinfo` counts are compared in `tests/binpol.rs` and `matchpathcon` lookups in
//! `tests/fcontext_oracle.rs`; the CLI's output is compared in `tests/cli_policy.rs`.
//!
//! Without setools' Python bindings (`python3-setools`), `secilc` or Debian's policy these tests
//! FAIL with what to install; `.ci/run` installs them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "policy_oracle/exprs.rs"]
mod exprs;
#[path = "policy_oracle/live.rs"]
mod live;
#[path = "policy_oracle/ports.rs"]
mod ports;
#[path = "policy_oracle/rules.rs"]
mod rules;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use selinux_audit::policy::binary::{BinaryPolicy, RuleKind, RuleQuery};

/// Debian's installed policy.
pub const DEBIAN_POLICY: &str = "/etc/selinux/default/policy/policy.33";
/// The VM's policy (Debian's plus a module), read in place from the shared corpus.
pub const VM_POLICY: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/vm/policy/default/policy/policy.33");
const DRIVER: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/policy_oracle/setools_driver.py");

/// Debian's policy, parsed once.
pub fn debian() -> &'static BinaryPolicy {
    static POLICY: OnceLock<BinaryPolicy> = OnceLock::new();
    POLICY.get_or_init(|| parse(DEBIAN_POLICY))
}

/// Parses a policy file, failing with the package to install.
pub fn parse(path: &str) -> BinaryPolicy {
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        panic!("cannot read {path} ({e}): apt-get install selinux-policy-default (.ci/run does)")
    });
    BinaryPolicy::parse(&bytes).unwrap()
}

/// A Python 3 that can `import setools` (Debian's `/usr/bin/python3` first: a `python3` from
/// pyenv or a venv on `PATH` does not see Debian's `python3-setools`).
fn python() -> &'static str {
    static FOUND: OnceLock<&'static str> = OnceLock::new();
    FOUND.get_or_init(|| {
        for candidate in ["/usr/bin/python3", "python3"] {
            let ok = Command::new(candidate)
                .args(["-c", "import setools"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return candidate;
            }
        }
        panic!(
            "no python3 can `import setools`: apt-get install setools python3-setools \
             (.ci/run does)"
        )
    })
}

/// One query for the driver, as a JSON line.
#[derive(Clone, Debug)]
pub struct Query {
    /// Rule kinds (empty: all).
    pub kinds: Vec<RuleKind>,
    /// Source type or attribute.
    pub source: Option<String>,
    /// `-ds`.
    pub source_direct: bool,
    /// Target type or attribute.
    pub target: Option<String>,
    /// `-dt`.
    pub target_direct: bool,
    /// Any of these classes.
    pub classes: Vec<String>,
    /// Any of these permissions.
    pub perms: Vec<String>,
    /// Any of these booleans.
    pub booleans: Vec<String>,
}

impl Query {
    /// A query for these kinds, without criteria.
    pub fn new(kinds: &[RuleKind]) -> Query {
        Query {
            kinds: kinds.to_vec(),
            source: None,
            source_direct: false,
            target: None,
            target_direct: false,
            classes: vec![],
            perms: vec![],
            booleans: vec![],
        }
    }

    fn json(&self, id: usize) -> String {
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.keyword()).collect();
        serde_json::json!({
            "id": id, "kind": "rules", "ruletype": kinds,
            "source": self.source, "source_indirect": !self.source_direct,
            "target": self.target, "target_indirect": !self.target_direct,
            "tclass": self.classes, "perms": self.perms, "boolean": self.booleans,
        })
        .to_string()
    }

    /// Our answer, as lines.
    pub fn ours(&self, p: &BinaryPolicy) -> Vec<String> {
        let mut q = RuleQuery::new(&self.kinds);
        q.source = self.source.as_deref();
        q.source_direct = self.source_direct;
        q.target = self.target.as_deref();
        q.target_direct = self.target_direct;
        q.classes = self.classes.iter().map(String::as_str).collect();
        q.perms = self.perms.iter().map(String::as_str).collect();
        q.booleans = self.booleans.iter().map(String::as_str).collect();
        let rules = p.search_rules(&q).unwrap_or_else(|e| panic!("{self:?}: {e}"));
        rules.iter().map(ToString::to_string).collect()
    }
}

/// Runs the driver on `policy` with these JSON lines; the answer lines of each, by position.
fn drive(policy: &Path, lines: &[String]) -> Vec<Vec<String>> {
    let mut child = Command::new(python())
        .arg(DRIVER)
        .arg(policy)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = lines.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "setools driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(file) = std::env::var_os("ORACLE_TIMING") {
        std::fs::write(file, &out.stderr).unwrap();
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let mut answers: HashMap<usize, Vec<String>> = HashMap::new();
    let mut lines_iter = text.lines();
    while let Some(header) = lines_iter.next() {
        let f: Vec<&str> = header.split(' ').collect();
        assert_eq!(f[0], "Q", "unexpected driver line {header:?}");
        let (id, n): (usize, usize) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        answers.insert(id, lines_iter.by_ref().take(n).map(str::to_owned).collect());
    }
    (0..lines.len()).map(|i| answers.remove(&i).expect("an answer for every query")).collect()
}

/// setools' answers to rule queries, by position.
pub fn setools_rules(policy: &Path, queries: &[Query]) -> Vec<Vec<String>> {
    let lines: Vec<String> = queries.iter().enumerate().map(|(i, q)| q.json(i)).collect();
    drive(policy, &lines)
}

/// setools' portcons in its iteration order: `protocol low high type`.
pub fn setools_portcons(policy: &Path) -> Vec<String> {
    drive(policy, &[serde_json::json!({"id": 0, "kind": "portcons"}).to_string()]).remove(0)
}

/// Compares every query; panics listing the first disagreements. Returns the number of rule
/// lines compared.
pub fn assert_same(p: &BinaryPolicy, policy: &Path, queries: &[Query]) -> usize {
    // Ours are computed while setools works.
    let (theirs, all_ours) = std::thread::scope(|s| {
        let oracle = s.spawn(|| setools_rules(policy, queries));
        let ours: Vec<Vec<String>> = queries.iter().map(|q| q.ours(p)).collect();
        (oracle.join().unwrap(), ours)
    });
    let mut lines = 0;
    let mut disagreements = Vec::new();
    for ((q, expected), ours) in queries.iter().zip(&theirs).zip(all_ours) {
        lines += expected.len();
        if ours != *expected {
            let missing: Vec<&String> = expected.iter().filter(|l| !ours.contains(l)).collect();
            let extra: Vec<&String> = ours.iter().filter(|l| !expected.contains(l)).collect();
            disagreements.push(format!(
                "{q:?}\n  setools {} lines, ours {}\n  missing {:?}\n  extra {:?}",
                expected.len(),
                ours.len(),
                missing.iter().take(5).collect::<Vec<_>>(),
                extra.iter().take(5).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} queries disagree with setools:\n{}",
        disagreements.len(),
        queries.len(),
        disagreements.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
    lines
}

/// A scratch directory for this test binary.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("policy_oracle").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
