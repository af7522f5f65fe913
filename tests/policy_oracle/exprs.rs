//! Our own CIL (`corpus/policy/mini/webstack.cil` + `webstack-exprs.cil`: every conditional
//! operator, nested, in both branches and in every rule kind) compiled with `secilc`: every
//! rule's text, so every expression rendered infix, equals setools'.

use std::process::Command;

use selinux_audit::policy::binary::{BinaryPolicy, RuleKind, RuleQuery};

use super::{Query, assert_same, scratch};

const MINI_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/policy/mini");

fn compile() -> std::path::PathBuf {
    let dir = scratch("exprs");
    let out = dir.join("webstack-exprs.33");
    let status = Command::new("secilc")
        .args(["-M", "true", "-c", "33", "-o"])
        .arg(&out)
        .arg("-f")
        .arg(dir.join("file_contexts"))
        .arg(format!("{MINI_DIR}/webstack.cil"))
        .arg(format!("{MINI_DIR}/webstack-exprs.cil"))
        .status()
        .unwrap_or_else(|e| panic!("cannot run secilc ({e}): apt-get install secilc"));
    assert!(status.success(), "secilc failed");
    out
}

#[test]
fn every_rule_and_expression_equals_setools() {
    let path = compile();
    let p = BinaryPolicy::parse(&std::fs::read(&path).unwrap()).unwrap();
    // 25 `booleanif`s; secilc merges those with the same expression into one node.
    assert_eq!(p.db().cond_list.len(), 22);
    let mut queries = vec![Query::new(&[])];
    for (name, _) in p.booleans() {
        let mut q = Query::new(&[]);
        q.booleans = vec![name.to_owned()];
        queries.push(q);
    }
    for kinds in [&RuleKind::ACCESS[..], &RuleKind::TYPE] {
        let mut q = Query::new(kinds);
        q.source = Some("app_t".to_owned());
        queries.push(q);
    }
    let n = assert_same(&p, &path, &queries);
    assert!(n > 150, "{n}");

    // What the rendering gives for a nested expression, and its state under the defaults
    // (app_debug false, strict_mode true, web_read_home false, web_connect_any false,
    // web_write_state true): the expression is false, so only the false branch is active.
    let q = RuleQuery::new(&[]).source("app_t").target("etc_t").class("dir").perms(&["add_name"]);
    let rules = p.search_rules(&q).unwrap();
    let text: Vec<String> = rules.iter().map(ToString::to_string).collect();
    let expr = "! web_write_state && ( web_connect_any || web_read_home && strict_mode && \
                app_debug )";
    assert_eq!(
        text,
        [
            format!("allow app_t etc_t:dir add_name; [ {expr} ]:True"),
            format!("auditallow app_t etc_t:dir add_name; [ {expr} ]:False"),
        ]
    );
    let enabled: Vec<bool> = rules.iter().map(|r| r.condition.as_ref().unwrap().enabled).collect();
    assert_eq!(enabled, [false, true]);
    let on = p.with_booleans(&[("web_write_state", false), ("app_debug", true)]).unwrap();
    let rules = on.search_rules(&q).unwrap();
    let enabled: Vec<bool> = rules.iter().map(|r| r.condition.as_ref().unwrap().enabled).collect();
    assert_eq!(enabled, [false, true], "web_connect_any and web_read_home are still off");
    let on = on.with_booleans(&[("web_connect_any", true)]).unwrap();
    let enabled: Vec<bool> = on
        .search_rules(&q)
        .unwrap()
        .iter()
        .map(|r| r.condition.as_ref().unwrap().enabled)
        .collect();
    assert_eq!(enabled, [true, false]);
}
