//! `avc-fix explain`: for each distinct denial, what the policy says, what each strategy
//! says, and the fix with its checks, on scenario logs under Debian's policy.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn explain(format: &str, scenario: &str) -> String {
    let log = root().join("corpus/scenarios").join(scenario).join("input.log");
    let out = Command::new(env!("CARGO_BIN_EXE_avc-fix"))
        .args(["explain", "--policy-root", "/etc/selinux/default", "--format", format])
        .arg(log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_mislabeled_page_is_explained_from_policy_to_restorecon() {
    let text = explain("text", "deb-web-page-from-home");
    assert!(text.contains("DENIED by this policy (audit2why would say BOOLEAN)"), "{text}");
    assert!(text.contains("+ restorecon: the default is httpd_sys_content_t"), "{text}");
    assert!(text.contains("+ boolean: httpd_read_user_content on"), "{text}");
    assert!(text.contains("plan entry 1: restorecon [high]"), "{text}");
    assert!(
        text.contains("✓ simulated: after these commands the loaded policy allows D1"),
        "{text}"
    );
    assert!(text.contains("$ restorecon -v /var/www/html/index.html"), "{text}");
    assert!(text.contains("leaves no denial"), "{text}");
}

#[test]
fn json_has_the_chain_for_every_denial() {
    let v: Value = serde_json::from_str(&explain("json", "deb-sshd-on-web-port")).unwrap();
    let e = &v["explanations"][0];
    assert_eq!(e["denial"], 1);
    assert_eq!(e["policy_says"]["allowed"], false);
    let port =
        e["strategies"].as_array().unwrap().iter().find(|s| s["strategy"] == "port").unwrap();
    assert_eq!(port["applies"], false);
    assert!(port["reason"].as_str().unwrap().contains("belongs to another service"));
    assert_eq!(e["fix"]["kind"], "other");
    assert_eq!(v["plan_leaves"]["remains"], serde_json::json!([1]));
}
