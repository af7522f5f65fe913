//! The built `avc-fix` binary on real logs: the VM scenario's rounds under the VM's own policy,
//! exit statuses, standard input, hostile names, and one text snapshot per corpus log.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The workspace root (tests run with the CLI crate as the current directory).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The VM's policy, read in place from the shared folder beside the checkout.
const VM_POLICY: &str = "../shared/corpus/vm/policy/default";

fn avc_fix(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avc-fix")).args(args).current_dir(root()).output().unwrap()
}

fn suggest_json(args: &[&str]) -> Value {
    let mut all = vec!["suggest", "--format", "json"];
    all.extend_from_slice(args);
    let out = avc_fix(&all);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn vm(log: &str, extra: &[&str]) -> Value {
    assert!(root().join(VM_POLICY).join("policy/policy.33").is_file(), "VM policy missing");
    let mut args = vec!["--policy-root", VM_POLICY, log];
    args.extend_from_slice(extra);
    suggest_json(&args)
}

fn commands(fix: &Value) -> Vec<Vec<String>> {
    fix["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect())
        .collect()
}

fn argv(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}

fn kinds(report: &Value) -> Vec<String> {
    report["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The denial ids whose class is `class`.
fn ids_of_class(report: &Value, class: &str) -> Vec<u64> {
    report["denials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["class"] == class)
        .map(|d| d["id"].as_u64().unwrap())
        .collect()
}

fn covers(fix: &Value) -> Vec<u64> {
    fix["covers"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect()
}

#[test]
fn round1_unit_file_moved_from_root_is_restored() {
    let r = vm("corpus/raw/A-round1.raw.log", &[]);
    let fix = &r["fixes"][0];
    assert_eq!(fix["kind"], "restorecon");
    assert_eq!(fix["confidence"], "high");
    assert_eq!(commands(fix), [argv(&["restorecon", "-v", "/etc/systemd/system/monerod.service"])]);
    // Both the start and the status refusal are covered.
    assert_eq!(covers(fix), ids_of_class(&r, "service"));
    assert_eq!(covers(fix).len(), 2);
    assert!(!kinds(&r).contains(&"module".to_owned()));
    assert_eq!(fix["shell"], "restorecon -v /etc/systemd/system/monerod.service\n");
}

#[test]
fn round2_config_gets_the_domains_config_type() {
    let r = vm("corpus/raw/A-round2.raw.log", &[]);
    let fix = &r["fixes"][0];
    assert_eq!(fix["kind"], "fcontext");
    assert_eq!(
        commands(fix),
        [
            argv(&[
                "semanage",
                "fcontext",
                "-a",
                "-t",
                "monerod_conf_t",
                "/opt/crypto/monero\\.conf"
            ]),
            argv(&["restorecon", "-v", "/opt/crypto/monero.conf"]),
        ]
    );
    let denial = r["denials"].as_array().unwrap().iter().find(|d| d["comm"] == "monerod").unwrap();
    assert_eq!(denial["path"], "/opt/crypto/monero.conf");
    assert_eq!(denial["path_source"], "proctitle");
    // The path was inferred from argv, so the fix cannot claim high confidence.
    assert_eq!(fix["confidence"], "medium");
    assert!(!kinds(&r).contains(&"module".to_owned()));
}

#[test]
fn round3_basename_only_gives_find_not_a_rule() {
    let r = vm("corpus/raw/A-round3.raw.log", &[]);
    assert_eq!(kinds(&r), ["other"]);
    let fix = &r["fixes"][0];
    let cmds = commands(fix);
    assert_eq!(cmds[0][..5], argv(&["find", "/", "-xdev", "-inum", "378"]));
    assert!(fix["why"].as_str().unwrap().contains("monerod_var_lib_t"));
    assert_eq!(r["denials"][0]["path"], Value::Null);
    assert_eq!(r["denials"][0]["path_source"], "unresolved");
    assert!(
        r["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("basename"))
    );
}

#[test]
fn round3_with_the_path_supplied_gets_the_data_type_for_the_tree() {
    let r = vm("corpus/raw/A-round3.raw.log", &["--path-hint", "vda:378=/opt/crypto/monero-data"]);
    let fix = &r["fixes"][0];
    assert_eq!(fix["kind"], "fcontext");
    assert_eq!(
        commands(fix),
        [
            argv(&[
                "semanage",
                "fcontext",
                "-a",
                "-t",
                "monerod_var_lib_t",
                "/opt/crypto/monero-data(/.*)?"
            ]),
            argv(&["restorecon", "-Rv", "/opt/crypto/monero-data"]),
        ]
    );
    let alt = &fix["alternatives"][0];
    assert_eq!(
        commands(alt)[0],
        argv(&["semanage", "fcontext", "-a", "-e", "/var/lib/monero", "/opt/crypto/monero-data"])
    );
    assert_eq!(r["denials"][0]["path_source"], "hint");
}

#[test]
fn round4_port_gets_the_domains_port_type() {
    let r = vm("corpus/raw/A-round4.raw.log", &[]);
    assert_eq!(kinds(&r), ["port"]);
    assert_eq!(
        commands(&r["fixes"][0]),
        [argv(&["semanage", "port", "-a", "-t", "monerod_port_t", "-p", "tcp", "18080"])]
    );
    assert_eq!(r["denials"][0]["port"], 18080);
}

#[test]
fn variant_b_copied_and_unlabeled_files_get_label_fixes() {
    let r = vm("corpus/raw/B-round2.enriched.log", &[]);
    let fixes = r["fixes"].as_array().unwrap();
    let all: Vec<Vec<Vec<String>>> = fixes.iter().map(commands).collect();
    assert_eq!(all[0], [argv(&["restorecon", "-Rv", "/opt/crypto"])]);
    assert_eq!(
        all[1][0],
        argv(&["semanage", "fcontext", "-a", "-t", "monerod_conf_t", "/opt/crypto/monero\\.conf"])
    );
    assert_eq!(
        all[2][0],
        argv(&[
            "semanage",
            "fcontext",
            "-a",
            "-t",
            "monerod_var_lib_t",
            "/opt/crypto/monero-data(/.*)?"
        ])
    );
    assert_eq!(
        all[3],
        [argv(&["semanage", "port", "-a", "-t", "monerod_port_t", "-p", "tcp", "18080"])]
    );
    assert_eq!(fixes[4]["kind"], "other");
    assert!(!kinds(&r).contains(&"module".to_owned()));
    // Every denial is covered by exactly one plan entry.
    let mut covered: Vec<u64> = fixes.iter().flat_map(covers).collect();
    covered.sort_unstable();
    let ids: Vec<u64> = (1..=r["denials"].as_array().unwrap().len() as u64).collect();
    assert_eq!(covered, ids);
    // trawcon and permissive are kept.
    let conf = r["denials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "/opt/crypto/monero.conf")
        .unwrap();
    assert_eq!(conf["trawcon"], "unconfined_u:object_r:admin_home_t:s0");
    assert_eq!(conf["permissive"], true);
}

#[test]
fn unreadable_input_exits_3_and_the_others_are_still_reported() {
    let out = avc_fix(&[
        "suggest",
        "--format",
        "json",
        "--policy-root",
        VM_POLICY,
        "corpus/raw/does-not-exist.log",
        "corpus/raw/A-round4.raw.log",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(kinds(&r), ["port"]);
    let diag = &r["diagnostics"][0];
    assert_eq!(diag["kind"], "io");
    assert_eq!(diag["file"], "corpus/raw/does-not-exist.log");
    assert_eq!(r["inputs"][0]["readable"], false);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(avc_fix(&["suggest", "--format", "yaml"]).status.code(), Some(2));
    assert_eq!(avc_fix(&["suggest", "--path-hint", "vda:x=/a"]).status.code(), Some(2));
    assert_eq!(avc_fix(&["suggest", "--path-hint", "378=relative"]).status.code(), Some(2));
    assert_eq!(avc_fix(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_missing_policy_root_is_an_unreadable_input() {
    let out = avc_fix(&[
        "suggest",
        "--policy-root",
        "/nonexistent/policy",
        "corpus/raw/A-round4.raw.log",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/policy"));
}

#[test]
fn reads_standard_input() {
    let log = std::fs::read(root().join("corpus/raw/A-round4.raw.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_avc-fix"))
        .args(["suggest", "--format", "json", "--policy-root", VM_POLICY, "-"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&log).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["inputs"][0]["file"], "-");
    assert_eq!(kinds(&r), ["port"]);
}

#[test]
fn without_any_policy_the_baseline_answers_and_says_it_is_approximate() {
    let r =
        suggest_json(&["--selinux-config", "/nonexistent/config", "corpus/raw/A-round1.raw.log"]);
    assert_eq!(r["policy"]["choice"], "baseline");
    assert_eq!(r["policy"]["approximate"], true);
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("approximate"))
    );
    let fix = &r["fixes"][0];
    assert_eq!(fix["kind"], "restorecon");
    assert_eq!(fix["confidence"], "low");
}

#[test]
fn hostile_path_is_escaped_and_quoted_end_to_end() {
    // "/opt/my app/$(reboot).conf", hex-encoded as the kernel writes it.
    let path = b"/opt/my app/$(reboot).conf";
    let hex: String = path.iter().map(|b| format!("{b:02X}")).collect();
    let log = format!(
        "type=AVC msg=audit(1796316056.356:68): avc:  denied  {{ read }} for  pid=540 comm=\"monerod\" \
         path={hex} dev=\"vda\" ino=383 scontext=system_u:system_r:monerod_t:s0 \
         tcontext=unconfined_u:object_r:usr_t:s0 tclass=file permissive=0\n"
    );
    let dir = std::env::temp_dir().join(format!("avcfix-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hostile.log");
    std::fs::write(&file, log).unwrap();
    let r = vm(file.to_str().unwrap(), &[]);
    let fix = &r["fixes"][0];
    assert_eq!(
        commands(fix)[0],
        argv(&[
            "semanage",
            "fcontext",
            "-a",
            "-t",
            "monerod_conf_t",
            "/opt/my[\\x20]app/\\$\\(reboot\\)\\.conf"
        ])
    );
    let shell = fix["shell"].as_str().unwrap();
    assert_eq!(
        shell,
        "semanage fcontext -a -t monerod_conf_t '/opt/my[\\x20]app/\\$\\(reboot\\)\\.conf'\n\
         restorecon -v '/opt/my app/$(reboot).conf'\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn version_names_the_backends() {
    let out = avc_fix(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("avc-fix 0."), "{text}");
    assert!(text.contains("journal backend"), "{text}");
}

/// One text snapshot per log in `corpus/raw/`, analysed under the VM's policy.
#[test]
fn corpus_text_snapshots() {
    let mut seen = 0;
    insta::glob!("../corpus", "raw/*.log", |path| {
        seen += 1;
        let rel = path.strip_prefix(root()).unwrap().to_str().unwrap().to_owned();
        let out = avc_fix(&["suggest", "--policy-root", VM_POLICY, &rel]);
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
    });
    assert!(seen >= 5, "corpus/raw has only {seen} logs");
}

#[test]
fn no_relabel_cases_are_explained_without_rules_or_harmful_modules() {
    let r = vm("corpus/raw/rules-no-relabel.log", &[]);
    let fixes = r["fixes"].as_array().unwrap();
    assert!(fixes.iter().all(|f| f["kind"] == "other"), "{fixes:?}");
    let by_cover = |id: u64| fixes.iter().find(|f| covers(f).contains(&id)).unwrap();
    // /opt: a system directory gets no rule and no module.
    let opt = by_cover(1);
    assert!(opt["why"].as_str().unwrap().contains("system directory"));
    assert_eq!(opt["alternatives"].as_array().unwrap().len(), 0);
    // /var/lib write: the VM policy's monerod module already allows it (filetrans rule).
    let varlib = by_cover(2);
    assert!(varlib["why"].as_str().unwrap().contains("already allows"));
    assert_eq!(varlib["alternatives"].as_array().unwrap().len(), 0);
    // A redirection into /root revoked at execve: nothing to relabel.
    let fd = by_cover(3);
    assert!(fd["why"].as_str().unwrap().contains("inherited"));
    assert!(fd["commands"].as_array().unwrap().is_empty());
    // A capability: explanation, with the module only as a flagged alternative.
    let cap = by_cover(4);
    assert_eq!(cap["alternatives"][0]["kind"], "module");
    assert!(cap["alternatives"][0]["why"].as_str().unwrap().starts_with("LAST RESORT"));
    // The granted record is kept as a denial record but needs no fix.
    assert_eq!(r["denials"][4]["verdict"], "granted");
    assert!(fixes.iter().all(|f| !covers(f).contains(&5)));
}
