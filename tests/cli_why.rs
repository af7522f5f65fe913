//! `avc-fix why` as a built binary: the hand-written reason log on Debian's policy (one denial
//! per reason kind, JSON and text), the VM's permissive round under the VM's policy, standard
//! input, and exit statuses. Needs Debian's `policy.33` (`selinux-policy-default`) and the
//! shared VM corpus beside the checkout; a missing one fails the test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const DEBIAN_POLICY: &str = "/etc/selinux/default/policy/policy.33";
const VM_POLICY: &str = "../shared/corpus/vm/policy/default";
const REASONS_LOG: &str = "corpus/why/debian-reasons.log";

/// The workspace root (tests run with the CLI crate as the current directory).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn avc_fix(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avc-fix")).args(args).current_dir(root()).output().unwrap()
}

fn require_debian() {
    assert!(
        Path::new(DEBIAN_POLICY).is_file(),
        "{DEBIAN_POLICY} is missing: apt-get install selinux-policy-default"
    );
}

fn why_json(args: &[&str]) -> Value {
    let mut all = vec!["why", "--format", "json"];
    all.extend_from_slice(args);
    let out = avc_fix(&all);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn kinds(verdict: &Value) -> Vec<&str> {
    verdict["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect()
}

#[test]
fn every_reason_kind_on_debian() {
    require_debian();
    let doc = why_json(&["--policy", DEBIAN_POLICY, REASONS_LOG]);
    assert_eq!(doc["tool"].as_str().unwrap(), format!("avc-fix {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(doc["policy"]["version"], 33);
    let denials = doc["denials"].as_array().unwrap();
    let verdicts = doc["verdicts"].as_array().unwrap();
    assert_eq!(denials.len(), 11);
    assert_eq!(verdicts.len(), 11);
    let ids: Vec<u64> = verdicts.iter().map(|v| v["denial"].as_u64().unwrap()).collect();
    assert_eq!(ids, denials.iter().map(|d| d["id"].as_u64().unwrap()).collect::<Vec<_>>());

    let categories: Vec<&str> =
        verdicts.iter().map(|v| v["audit2why"]["category"].as_str().unwrap_or("-")).collect();
    assert_eq!(
        categories,
        [
            "BOOLEAN",
            "BOOLEAN",
            "TERULE",
            "TERULE",
            "DONTAUDIT",
            "CONSTRAINT",
            "CONSTRAINT",
            "RBAC",
            "ALLOW",
            "BADSCON",
            "-"
        ]
    );
    let all_kinds: Vec<Vec<&str>> = verdicts.iter().map(kinds).collect();
    assert_eq!(
        all_kinds,
        vec![
            vec!["booleans"],
            vec!["booleans"],
            vec!["booleans"],
            vec!["missing_allow"],
            vec!["missing_allow", "dontaudit"],
            vec!["constraint"],
            vec!["constraint"],
            vec!["rbac"],
            vec!["allowed"],
            vec!["invalid_context", "allowed"],
            vec![],
        ]
    );
    let allowed: Vec<&Value> = verdicts.iter().map(|v| &v["allowed"]).collect();
    assert_eq!(allowed[8], &Value::Bool(true));
    assert_eq!(allowed[0], &Value::Bool(false));
    assert_eq!(allowed[10], &Value::Null);

    // The three-boolean conjunction audit2why misses.
    let option = &verdicts[2]["reasons"][0]["options"][0]["set"];
    let names: Vec<&str> =
        option.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["httpd_builtin_scripting", "httpd_enable_cgi", "httpd_unified"]);
    assert!(option.as_array().unwrap().iter().all(|b| b["value"] == true));
    // audit2why's two single flips, in the same order audit2why's list sorts to.
    let singles: Vec<&str> = verdicts[1]["audit2why"]["booleans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(singles, ["allow_ypbind", "httpd_can_network_connect"]);

    let ubac = &verdicts[5]["reasons"][0];
    assert_eq!(
        ubac["statement"],
        "constrain file { create relabelfrom relabelto } ((u1 == u2 -Fail-) or \
         (t1 == can_change_object_identity -Fail-));"
    );
    assert_eq!(ubac["active"], true);
    assert_eq!(ubac["mls"], false);
    assert!(
        ubac["text"]
            .as_str()
            .unwrap()
            .contains("source user user_u differs from target user system_u")
    );
    let mcs = &verdicts[6]["reasons"][0];
    assert_eq!(mcs["mls"], true);
    assert_eq!(mcs["failed"][0], "(h1 dom h2)");
    let rbac = &verdicts[7]["reasons"][0];
    assert_eq!(
        (rbac["from_role"].as_str(), rbac["to_role"].as_str()),
        (Some("staff_r"), Some("system_r"))
    );
    assert!(verdicts[9]["notes"][0].as_str().unwrap().contains("permissive=1"));
    assert_eq!(verdicts[10]["error"], "type removed_t is not defined in the policy");
    assert!(verdicts.iter().all(|v| {
        v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["text"].as_str().is_some_and(|t| !t.is_empty() && !t.contains('\n')))
    }));
}

#[test]
fn text_output_names_each_reason_and_the_audit2why_category() {
    require_debian();
    let out = avc_fix(&["why", "--policy", DEBIAN_POLICY, REASONS_LOG]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("11 denied AVC record(s) → 11 distinct denial(s)"), "{text}");
    for needle in [
        "DENIED by this policy (audit2why: TERULE)",
        "ALLOWED by this policy (audit2why: ALLOW)",
        "- booleans: the rules granting { read } are switched off by booleans; `setsebool -P",
        "- dontaudit: a dontaudit rule hides denials of { read }",
        "          constrain file { create relabelfrom relabelto } ((u1 == u2 -Fail-) or (t1 == can_change_object_identity -Fail-));",
        "- rbac: { transition } from role staff_r to system_r needs `allow staff_r system_r;`",
        "cannot explain: type removed_t is not defined in the policy",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(
        text.lines()
            .filter(|l| !l.trim_start().starts_with("constrain")
                && !l.trim_start().starts_with("mlsconstrain"))
            .all(|l| l.chars().count() <= 140)
    );
}

#[test]
fn permissive_round_under_the_vm_policy() {
    assert!(root().join(VM_POLICY).join("policy/policy.33").is_file(), "VM policy missing");
    let doc = why_json(&["--policy-root", VM_POLICY, "corpus/raw/B-round2.enriched.log"]);
    let verdicts = doc["verdicts"].as_array().unwrap();
    assert_eq!(verdicts.len(), 10);
    for v in verdicts {
        assert_eq!(v["permissive"], true, "{v}");
        assert_eq!(v["allowed"], false, "{v}");
        assert_eq!(*kinds(v).last().unwrap(), "permissive");
        assert_eq!(v["audit2why"]["category"], "TERULE");
    }
    let with_trawcon = verdicts
        .iter()
        .filter(|v| {
            v["notes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n.as_str().unwrap().contains("was not valid"))
        })
        .count();
    assert_eq!(with_trawcon, 4);
}

#[test]
fn standard_input_and_exit_statuses() {
    require_debian();
    let line = std::fs::read(root().join(REASONS_LOG)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_avc-fix"))
        .args(["why", "--format", "json", "--policy", DEBIAN_POLICY, "-"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&line).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdicts"].as_array().unwrap().len(), 11);
    assert_eq!(doc["inputs"][0]["file"], "-");

    // An unreadable input: reported, the other one still explained, exit 3.
    let out = avc_fix(&[
        "why",
        "--format",
        "json",
        "--policy",
        DEBIAN_POLICY,
        "no/such.log",
        REASONS_LOG,
    ]);
    assert_eq!(out.status.code(), Some(3));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["inputs"][0]["readable"], false);
    assert_eq!(doc["verdicts"].as_array().unwrap().len(), 11);
    assert_eq!(doc["diagnostics"][0]["kind"], "io");

    // A named policy that cannot be read: exit 3 with a message; a bad flag: exit 2.
    let out = avc_fix(&["why", "--policy", "no/such/policy.33", REASONS_LOG]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use the policy"));
    let out = avc_fix(&["why", "--format", "yaml", REASONS_LOG]);
    assert_eq!(out.status.code(), Some(2));
}
