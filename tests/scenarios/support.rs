//! Loading scenarios, building their policies, running the engine and rendering the results.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use selinux_audit::Denial;
use selinux_audit::fix::{Fix, FixKind, Verification};
use selinux_audit::parse::{merge_identical, parse_log};
use selinux_audit::policy::PolicyModel;
use selinux_audit::resolve::resolve_across;
use selinux_audit::rules::evidence::replay;
use selinux_audit::rules::{Plan, RuleOptions, suggest};
use selinux_audit::system::{PolicyRequest, load_policy};
use serde_json::{Value, json};

use super::audit2why::{Query, ask};

/// Every strategy a scenario may name.
pub const STRATEGIES: &[&str] = &[
    "restorecon",
    "restorecon-force",
    "restorecon-unlabeled",
    "restorecon-noop-on-disk",
    "fcontext",
    "fcontext-tree",
    "fcontext-local-rule",
    "web-content",
    "port",
    "port-ephemeral",
    "port-of-another-service",
    "boolean",
    "constraint",
    "rbac",
    "selinux-err",
    "nnp-transition",
    "dontaudit",
    "leaked-descriptor",
    "inherited-descriptor",
    "execmem",
    "container-volume",
    "container-host-object",
    "dac-override",
    "already-allowed",
    "permissive",
    "foreign-log",
    "module-last-resort",
    "unresolved-path",
    "placement-refusal",
    "login-terminal",
];

/// One scenario directory.
pub struct Scenario {
    pub name: String,
    pub dir: PathBuf,
    pub policy: String,
    pub strategy: String,
    pub residue: Vec<u32>,
    pub disk: BTreeMap<Vec<u8>, String>,
}

pub fn load_scenario(dir: &Path) -> Scenario {
    let text = std::fs::read_to_string(dir.join("scenario.txt"))
        .unwrap_or_else(|e| panic!("{}: scenario.txt: {e}", dir.display()));
    let mut s = Scenario {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        dir: dir.to_path_buf(),
        policy: String::new(),
        strategy: String::new(),
        residue: Vec::new(),
        disk: BTreeMap::new(),
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim();
        match key.trim() {
            "policy" => s.policy = value.to_owned(),
            "strategy" => s.strategy = value.to_owned(),
            "residue" => s.residue = value.split_whitespace().map(|v| v.parse().unwrap()).collect(),
            "disk" => {
                let (path, ctx) = value.split_once(' ').unwrap();
                s.disk.insert(path.as_bytes().to_vec(), ctx.trim().to_owned());
            }
            _ => {}
        }
    }
    assert!(matches!(s.policy.as_str(), "debian" | "scenarios"), "{}: policy", s.name);
    assert!(!s.strategy.is_empty(), "{}: strategy", s.name);
    s
}

const DEBIAN: &str = "/etc/selinux/default";
const CIL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/policy/scenarios/scenarios.cil");

/// Our CIL compiled into a policy root (once per test process).
fn cil_root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scenario-policy");
        std::fs::create_dir_all(root.join("policy")).unwrap();
        std::fs::create_dir_all(root.join("contexts/files")).unwrap();
        let status = Command::new("secilc")
            .args(["-M", "true", "-c", "33", "-o"])
            .arg(root.join("policy/policy.33"))
            .arg("-f")
            .arg(root.join("contexts/files/file_contexts"))
            .arg(CIL)
            .status()
            .unwrap_or_else(|e| panic!("cannot run secilc ({e}): apt-get install secilc"));
        assert!(status.success(), "secilc failed on {CIL}");
        std::fs::write(root.join("contexts/customizable_types"), "public_content_t\n").unwrap();
        root
    })
}

/// The policy root a scenario runs under (a copy when it brings a file_contexts.local).
pub fn policy_root(s: &Scenario) -> PathBuf {
    let base = if s.policy == "debian" {
        assert!(
            Path::new(DEBIAN).join("policy/policy.33").is_file(),
            "Debian's policy is missing: apt-get install selinux-policy-default (.ci/run does)"
        );
        PathBuf::from(DEBIAN)
    } else {
        cil_root().clone()
    };
    let local = s.dir.join("file_contexts.local");
    if !local.is_file() {
        return base;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scenario-{}", s.name));
    std::fs::create_dir_all(root.join("policy")).unwrap();
    std::fs::create_dir_all(root.join("contexts/files")).unwrap();
    std::fs::copy(base.join("policy/policy.33"), root.join("policy/policy.33")).unwrap();
    for f in ["contexts/files/file_contexts", "contexts/customizable_types"] {
        std::fs::copy(base.join(f), root.join(f)).unwrap();
    }
    std::fs::copy(&local, root.join("contexts/files/file_contexts.local")).unwrap();
    root
}

fn load(root: &Path) -> PolicyModel {
    let req = PolicyRequest { root: Some(root.to_path_buf()), ..PolicyRequest::default() };
    load_policy(&req).unwrap().0
}

/// What a scenario produced.
pub struct Output {
    pub policy_file: PathBuf,
    pub denials: Vec<Denial>,
    pub plan: Plan,
    pub replay: Verification,
}

pub fn run(s: &Scenario) -> Output {
    let root = policy_root(s);
    let policy = load(&root);
    let bytes = std::fs::read(s.dir.join("input.log")).unwrap();
    let parsed = parse_log(&bytes, "input.log");
    assert!(parsed.diagnostics.is_empty(), "{}: {:?}", s.name, parsed.diagnostics);
    let mut denials = parsed.denials;
    resolve_across(&mut denials);
    let denials = merge_identical(denials);
    let opts = RuleOptions {
        disk_labels: s.disk.clone(),
        selinux_errors: parsed.selinux_errors,
        ..RuleOptions::default()
    };
    let plan = suggest(&denials, &policy, &opts);
    let replay = replay(&plan.fixes, &denials, &policy);
    Output { policy_file: root.join("policy/policy.33"), denials, plan, replay }
}

fn fix_json(f: &Fix, with_alternatives: bool) -> Value {
    let mut v = json!({
        "kind": f.kind,
        "confidence": f.confidence,
        "covers": f.covers,
        "shell": f.shell,
        "checks": f.checks.iter().map(|c| format!("{} {}", if c.passed { "+" } else { "-" }, c.name)).collect::<Vec<_>>(),
        "verified": f.verified,
        "why": f.why,
    });
    if with_alternatives && !f.alternatives.is_empty() {
        v["alternatives"] = f
            .alternatives
            .iter()
            .map(|a| json!({"kind": a.kind, "confidence": a.confidence, "shell": a.shell}))
            .collect();
    }
    v
}

pub fn snapshot(s: &Scenario, out: &Output) -> Value {
    json!({
        "strategy": s.strategy,
        "policy": s.policy,
        "denials": out.denials.iter().map(|d| format!(
            "D{} {} {} {} {{ {} }} {}", d.id,
            if d.is_denied() { "denied" } else { "granted" },
            d.scontext, d.tcontext, d.perms.join(" "),
            d.path.as_ref().map(|p| p.to_string_lossy()).or_else(|| d.port.map(|p| format!("port {p}"))).unwrap_or_default()
        )).collect::<Vec<_>>(),
        "fixes": out.plan.fixes.iter().map(|f| fix_json(f, true)).collect::<Vec<_>>(),
        "replay": out.replay,
        "warnings": out.plan.warnings,
    })
}

/// avc-fix's reason for a denial, in audit2why's vocabulary where it has one.
fn our_reason(out: &Output, d: &Denial) -> String {
    let Some(fix) = out.plan.fixes.iter().find(|f| f.covers.contains(&d.id)) else {
        return "NONE".to_owned();
    };
    match fix.kind {
        FixKind::Restorecon | FixKind::Fcontext => "LABEL".to_owned(),
        FixKind::Port => "PORT_LABEL".to_owned(),
        FixKind::Boolean => "BOOLEAN".to_owned(),
        FixKind::Module => "TERULE".to_owned(),
        FixKind::Other => {
            let w = &fix.why;
            let has = |s: &str| w.contains(s);
            if has("restorecon would change nothing") {
                "ALREADY_RELABELED".to_owned()
            } else if has("constraint refuses") {
                "CONSTRAINT".to_owned()
            } else if has("no role rule") {
                "RBAC".to_owned()
            } else if has("dontaudit") {
                "DONTAUDIT".to_owned()
            } else if has("allows this, constraints included") || has("already allows") {
                "ALLOW".to_owned()
            } else if has("descriptor") {
                "LEAKED_FD".to_owned()
            } else if has("NoNewPrivileges") {
                "BOUNDED_TRANSITION".to_owned()
            } else if has("does not define") || fix.verified.unverified.is_some() {
                "UNVERIFIED".to_owned()
            } else if has("log does not say where") {
                "UNRESOLVED_PATH".to_owned()
            } else {
                "EXPLAINED".to_owned()
            }
        }
    }
}

/// Who is right when audit2why's category and avc-fix's reason differ.
fn verdict_on(a2w: &str, ours: &str) -> Option<&'static str> {
    Some(match (a2w, ours) {
        (a, o) if a == o => return None,
        ("TERULE", "TERULE") | ("BOOLEAN", "BOOLEAN") => return None,
        ("BOOLEAN", "LABEL") => {
            "avc-fix: the object is mislabeled; the boolean would open every object of the wrong type"
        }
        ("TERULE", "LABEL") => {
            "avc-fix: the label is wrong, not the rules; a rule for the wrong type would be harmful"
        }
        ("ALLOW", "LABEL") => {
            "avc-fix: the object has no valid label (unlabeled_t), whatever this policy allows on it"
        }
        ("TERULE", "PORT_LABEL") => {
            "avc-fix: the port is not labeled for the service; the allow rule would open every unlabeled port"
        }
        ("TERULE", "BOOLEAN") => {
            "avc-fix: booleans together allow it; audit2why only tries one flip at a time"
        }
        ("BOOLEAN", "LEAKED_FD") | ("TERULE", "LEAKED_FD") => {
            "avc-fix: the descriptor was inherited from another process; nothing should be allowed"
        }
        ("TERULE", "EXPLAINED") => {
            "avc-fix: no label, port or boolean fits; the explanation names the cause (module only as last resort)"
        }
        ("BOOLEAN", "EXPLAINED") => {
            "avc-fix: the boolean is not about the cause (another service's port, a capability from file modes): it would open far more than the denial needs"
        }
        ("BOOLEAN", "ALREADY_RELABELED") => {
            "avc-fix: the file already carries its default label on disk; the boolean would open every file of the old type"
        }
        ("BADTCON", "LABEL") => {
            "avc-fix: the object's label does not exist in this policy; the default label is checked against the domain and restored"
        }
        ("TERULE", "BOUNDED_TRANSITION") | ("ALLOW", "BOUNDED_TRANSITION") => {
            "avc-fix: NoNewPrivileges/nosuid bounded the transition; audit2why does not model it"
        }
        ("ALLOW", "ALLOW") => return None,
        ("TERULE", "UNRESOLVED_PATH") | ("BOOLEAN", "UNRESOLVED_PATH") => {
            "both partly: the cause cannot be known before the path is; avc-fix says how to find it"
        }
        ("BADSCON" | "BADTCON", "UNVERIFIED") => return None,
        ("BADSCON", _) => {
            "avc-fix reasons from the names of a foreign policy and marks it unverified; audit2why gives up"
        }
        ("BOOLEAN", "PORT_LABEL") => {
            "avc-fix: the port should carry the service's port type; the boolean opens all ports"
        }
        ("DONTAUDIT", "LABEL") => "avc-fix: the label is wrong; dontaudit only hid the symptom",
        _ => "see the scenario's snapshot",
    })
}

/// One row per denied denial: audit2why's category, ours, and who is right when they differ.
pub fn compare_reasons(s: &Scenario, out: &Output) -> Vec<String> {
    let denied: Vec<&Denial> = out.denials.iter().filter(|d| d.is_denied()).collect();
    let queries: Vec<Query> = denied
        .iter()
        .map(|d| {
            let mut perms = d.perms.clone();
            perms.sort();
            perms.dedup();
            Query {
                scon: d.scontext.clone(),
                tcon: d.tcontext.clone(),
                class: d.class.clone(),
                perms,
            }
        })
        .collect();
    if queries.is_empty() {
        return Vec::new();
    }
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("a2w-{}", s.name));
    let answers = ask(out.policy_file.to_str().unwrap(), &queries, &scratch);
    denied
        .iter()
        .zip(answers)
        .map(|(d, a)| {
            let ours = our_reason(out, d);
            let bools = if a.booleans.is_empty() {
                String::new()
            } else {
                format!(" [{}]", a.booleans.join(","))
            };
            match verdict_on(&a.category, &ours) {
                None => format!(
                    "agree    {} D{}: audit2why {}{bools} | avc-fix {ours}",
                    s.name, d.id, a.category
                ),
                Some(who) => format!(
                    "DISAGREE {} D{}: audit2why {}{bools} | avc-fix {ours} — {who}",
                    s.name, d.id, a.category
                ),
            }
        })
        .collect()
}
