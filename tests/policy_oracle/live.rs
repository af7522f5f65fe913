//! `load_policy`: with the running policy it takes the current boolean values from the (here
//! fake) `/sys/fs/selinux/booleans` and every query answers under them; it reads only the
//! parts of the policy asked for.

use std::fs;

use selinux_audit::policy::PolicyChoice;
use selinux_audit::policy::binary::RuleQuery;
use selinux_audit::system::{PolicyRequest, load_policy};

use super::{DEBIAN_POLICY, scratch};

#[test]
fn running_policy_uses_the_kernels_boolean_values() {
    let sys = scratch("fake-sysfs");
    let bools = sys.join("booleans");
    let _ = fs::remove_dir_all(&bools);
    fs::create_dir_all(&bools).unwrap();
    fs::copy(DEBIAN_POLICY, sys.join("policy")).unwrap();
    // Debian's defaults are off for both; the kernel has one on, and a pending change that
    // is not committed yet ("0 1") must not count.
    fs::write(bools.join("httpd_can_network_connect"), "1 1").unwrap();
    fs::write(bools.join("httpd_read_user_content"), "0 1").unwrap();
    fs::write(bools.join("allow_ypbind"), "0 0").unwrap();
    fs::write(bools.join("not_a_real_boolean"), "1 1").unwrap();
    let req = PolicyRequest {
        config: sys.join("no-config"),
        running_policy: sys.join("policy"),
        live_booleans: bools.clone(),
        ..PolicyRequest::default()
    };
    let (model, warnings) = load_policy(&req).unwrap();
    assert_eq!(model.origin.choice, PolicyChoice::Running);
    let p = model.binary.as_ref().unwrap();
    assert_eq!(p.boolean("httpd_can_network_connect"), Some(true));
    assert_eq!(p.boolean_default("httpd_can_network_connect"), Some(false));
    assert_eq!(p.boolean("httpd_read_user_content"), Some(false));
    assert_eq!(p.changed_booleans(), [("httpd_can_network_connect", true)]);
    assert!(warnings.iter().any(|w| w.contains("not_a_real_boolean")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("httpd_can_network_connect=on")), "{warnings:?}");
    // Every kind of query now answers under the live value.
    assert!(p.allows("httpd_t", "unreserved_port_t", "tcp_socket", &["name_connect"]).unwrap());
    assert_eq!(p.targets_allowing("httpd_t", "tcp_socket", &["name_connect"]).unwrap().len(), 232);
    assert!(
        p.booleans_that_allow("httpd_t", "user_home_t", "file", &["read"])
            .unwrap()
            .contains(&"httpd_read_user_content")
    );
    let q = RuleQuery::allow().source("httpd_t").target("unreserved_port_t").class("tcp_socket");
    let rules = p.search_rules(&q).unwrap();
    let port_type = rules.iter().find(|r| r.target == "port_type").unwrap();
    assert!(port_type.condition.as_ref().unwrap().enabled);

    // Without a booleans directory the defaults stay, with a warning.
    let req = PolicyRequest { live_booleans: sys.join("missing"), ..req };
    let (model, warnings) = load_policy(&req).unwrap();
    let p = model.binary.as_ref().unwrap();
    assert_eq!(p.boolean("httpd_can_network_connect"), Some(false));
    assert!(warnings.iter().any(|w| w.contains("live booleans unreadable")), "{warnings:?}");

    // An explicit policy is never combined with the live values.
    let req =
        PolicyRequest { policy_file: Some(DEBIAN_POLICY.into()), live_booleans: bools, ..req };
    let (model, _) = load_policy(&req).unwrap();
    assert_eq!(model.binary.as_ref().unwrap().boolean("httpd_can_network_connect"), Some(false));
}

/// Callers that need one part of the policy skip the other (and are not told it is missing).
#[test]
fn loads_only_the_parts_asked_for() {
    let root = std::path::PathBuf::from("/etc/selinux/default");
    let req = PolicyRequest { root: Some(root), want_binary: false, ..PolicyRequest::default() };
    let (model, warnings) = load_policy(&req).unwrap();
    assert!(model.binary.is_none() && model.file_contexts.is_some());
    assert!(!model.approximate);
    assert!(warnings.is_empty(), "{warnings:?}");
    let req = PolicyRequest { want_binary: true, want_file_contexts: false, ..req };
    let (model, warnings) = load_policy(&req).unwrap();
    assert!(model.binary.is_some() && model.file_contexts.is_none());
    assert!(!model.approximate, "nothing was asked of file_contexts");
    assert!(warnings.is_empty(), "{warnings:?}");
}
