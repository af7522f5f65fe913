//! The VM's policy: Debian's plus a `monerod` module.

use super::{VM_POLICY, assert_stats_match_seinfo, vm};

#[test]
fn monerod_module_rules() {
    let p = vm();
    for t in
        ["monerod_t", "monerod_exec_t", "monerod_conf_t", "monerod_var_lib_t", "monerod_port_t"]
    {
        assert!(p.has_type(t) && !p.is_attribute(t), "{t}");
    }
    assert!(p.allows("monerod_t", "monerod_conf_t", "file", &["read"]).unwrap());
    assert!(!p.allows("monerod_t", "usr_t", "file", &["read"]).unwrap());
    assert!(p.allows("monerod_t", "monerod_var_lib_t", "dir", &["write", "add_name"]).unwrap());
    assert!(p.allows("monerod_t", "monerod_port_t", "tcp_socket", &["name_bind"]).unwrap());
    assert!(!p.allows("monerod_t", "unreserved_port_t", "tcp_socket", &["name_bind"]).unwrap());
    assert_eq!(p.entrypoints("monerod_t").unwrap(), ["monerod_exec_t"]);
    // The module's port type is a port type; 18081 itself is still unreserved in this policy.
    assert!(p.attributes_of("monerod_port_t").unwrap().contains(&"port_type"));
    assert_eq!(p.port_type(6, 18081), Some("unreserved_port_t"));
    // Debian's answers are unchanged by the module.
    assert_eq!(p.port_type(6, 8080), Some("http_cache_port_t"));
    assert_eq!(p.type_transition("init_t", "httpd_exec_t", "process"), Some("httpd_t"));
}

#[test]
fn counts_equal_live_seinfo() {
    assert_stats_match_seinfo(vm(), VM_POLICY);
}
