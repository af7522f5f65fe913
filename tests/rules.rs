//! The rules engine through the library API, on Debian's real `selinux-policy-default`
//! (installed by `.ci/run`): the cases of `../shared/docs/audit-formats.md` §3.2 where the right
//! remedy is known, plus the scenario's own policy. Each input is a small log written here.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::path::PathBuf;

use selinux_audit::fix::{Fix, FixKind};
use selinux_audit::parse::{merge_identical, parse_log};
use selinux_audit::policy::PolicyModel;
use selinux_audit::resolve::resolve_across;
use selinux_audit::rules::{Plan, RuleOptions, suggest};
use selinux_audit::system::{PolicyRequest, load_policy};

fn debian() -> PolicyModel {
    let root = PathBuf::from("/etc/selinux/default");
    assert!(
        root.join("policy/policy.33").is_file(),
        "Debian's policy is missing: apt-get install selinux-policy-default (.ci/run does)"
    );
    let req = PolicyRequest { root: Some(root), ..PolicyRequest::default() };
    let (model, _) = load_policy(&req).unwrap();
    assert!(model.binary.is_some() && model.file_contexts.is_some());
    model
}

fn plan(policy: &PolicyModel, log: &str) -> Plan {
    let parsed = parse_log(log.as_bytes(), "inline");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let mut denials = parsed.denials;
    resolve_across(&mut denials);
    let denials = merge_identical(denials);
    suggest(&denials, policy, &RuleOptions::default())
}

fn argvs(fix: &Fix) -> Vec<Vec<String>> {
    fix.commands.iter().map(|c| c.iter().map(|a| a.to_string_lossy()).collect()).collect()
}

fn strs(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}

fn no_module_in_plan(p: &Plan) {
    assert!(p.fixes.iter().all(|f| f.kind != FixKind::Module), "{:#?}", p.fixes);
}

#[test]
fn web_page_moved_from_a_home_directory_is_restored_not_opened_by_a_boolean() {
    // audit2why says BOOLEAN httpd_read_user_content here; the right fix is the label.
    let p = plan(
        &debian(),
        "type=AVC msg=audit(1733238004.440:104): avc:  denied  { read } for  pid=2302 comm=\"httpd\" \
         path=\"/var/www/html/index.html\" dev=\"sda2\" ino=262201 scontext=system_u:system_r:httpd_t:s0 \
         tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0\n",
    );
    assert_eq!(p.fixes[0].kind, FixKind::Restorecon);
    assert_eq!(argvs(&p.fixes[0]), [strs(&["restorecon", "-v", "/var/www/html/index.html"])]);
    assert!(p.fixes.iter().all(|f| f.kind != FixKind::Boolean));
    no_module_in_plan(&p);
}

#[test]
fn web_content_in_a_new_directory_gets_the_content_type_for_the_tree() {
    // "/srv/web/my page.html", hex-encoded as the kernel logs a name with a space.
    let p = plan(
        &debian(),
        "type=AVC msg=audit(1733238005.550:106): avc:  denied  { read } for  pid=2310 comm=\"httpd\" \
         path=2F7372762F7765622F6D7920706167652E68746D6C dev=\"sda2\" ino=393300 \
         scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:default_t:s0 tclass=file permissive=0\n",
    );
    assert_eq!(p.fixes[0].kind, FixKind::Fcontext);
    assert_eq!(
        argvs(&p.fixes[0]),
        [
            strs(&["semanage", "fcontext", "-a", "-t", "httpd_sys_content_t", "/srv/web(/.*)?"]),
            strs(&["restorecon", "-Rv", "/srv/web"]),
        ]
    );
    no_module_in_plan(&p);
}

#[test]
fn a_web_server_on_an_unlabeled_port_gets_the_http_port_type() {
    let p = plan(
        &debian(),
        "type=AVC msg=audit(1733238002.210:102): avc:  denied  { name_bind } for  pid=2301 comm=\"httpd\" \
         src=18081 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:unreserved_port_t:s0 \
         tclass=tcp_socket permissive=0\n",
    );
    assert_eq!(
        argvs(&p.fixes[0]),
        [strs(&["semanage", "port", "-a", "-t", "http_port_t", "-p", "tcp", "18081"])]
    );
}

#[test]
fn a_database_connection_gets_the_narrow_boolean_not_a_port_relabel() {
    let p = plan(
        &debian(),
        "type=AVC msg=audit(1733238003.330:103): avc:  denied  { name_connect } for  pid=2302 comm=\"httpd\" \
         dest=5432 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:postgresql_port_t:s0 \
         tclass=tcp_socket permissive=0\n",
    );
    let fix = &p.fixes[0];
    assert_eq!(fix.kind, FixKind::Boolean);
    assert_eq!(argvs(fix), [strs(&["setsebool", "-P", "httpd_can_network_connect_db", "on"])]);
    assert_eq!(
        argvs(&fix.alternatives[0]),
        [strs(&["setsebool", "-P", "httpd_can_network_connect", "on"])]
    );
    assert!(p.fixes.iter().all(|f| f.kind != FixKind::Port));
}

#[test]
fn binding_another_services_port_is_explained_and_relabeling_is_only_an_alternative() {
    // sshd_t may not bind http_port_t; stealing port 80 from the web server is not the fix.
    let p = plan(
        &debian(),
        "type=AVC msg=audit(1733238003.400:140): avc:  denied  { name_bind } for  pid=900 comm=\"sshd\" \
         src=80 scontext=system_u:system_r:sshd_t:s0-s0:c0.c1023 tcontext=system_u:object_r:http_port_t:s0 \
         tclass=tcp_socket permissive=0\n",
    );
    let fix = &p.fixes[0];
    assert_ne!(fix.kind, FixKind::Port);
    assert!(fix.alternatives.iter().all(|a| a.kind != FixKind::Port || a.confidence == selinux_audit::fix::Confidence::Low));
}

#[test]
fn unit_file_from_root_on_debian_is_restored() {
    let p = plan(
        &debian(),
        "type=USER_AVC msg=audit(1733238013.400:114): pid=1 uid=0 auid=4294967295 ses=4294967295 \
         subj=system_u:system_r:init_t:s0 msg='avc:  denied  { start } for auid=n/a uid=0 gid=0 \
         path=\"/etc/systemd/system/myapp.service\" cmdline=\"\" function=\"bus_unit_method_start_generic\" \
         scontext=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 tcontext=unconfined_u:object_r:user_home_t:s0 \
         tclass=service permissive=0 exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?'\n",
    );
    assert_eq!(
        argvs(&p.fixes[0]),
        [strs(&["restorecon", "-v", "/etc/systemd/system/myapp.service"])]
    );
}

#[test]
fn a_file_with_a_label_from_another_policy_is_restored() {
    let p = plan(
        &debian(),
        "type=AVC msg=audit(1733238010.100:111): avc:  denied  { getattr } for  pid=2302 comm=\"httpd\" \
         path=\"/var/www/html/app.conf\" dev=\"sda2\" ino=393400 scontext=system_u:system_r:httpd_t:s0 \
         tcontext=system_u:object_r:unlabeled_t:s0 tclass=file permissive=1 trawcon=\"system_u:object_r:old_web_t:s0\"\n",
    );
    assert_eq!(p.fixes[0].kind, FixKind::Restorecon);
    assert!(p.fixes[0].why.contains("old_web_t"));
}

#[test]
fn without_a_policy_nothing_is_verified_and_confidence_drops() {
    let model = selinux_audit::policy::baseline::baseline_model();
    let p = plan(
        &model,
        "type=AVC msg=audit(1733238004.440:104): avc:  denied  { read } for  pid=2302 comm=\"httpd\" \
         path=\"/var/www/html/index.html\" dev=\"sda2\" ino=262201 scontext=system_u:system_r:httpd_t:s0 \
         tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0\n",
    );
    assert_eq!(p.fixes[0].kind, FixKind::Restorecon);
    assert_eq!(p.fixes[0].confidence, selinux_audit::fix::Confidence::Low);
    assert!(p.warnings.iter().any(|w| w.contains("approximate")));
}
