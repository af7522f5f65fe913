//! Generated rule searches on Debian's policy against setools, line for line.

use std::path::Path;

use selinux_audit::policy::binary::{RuleKind, RuleQuery};

use super::{DEBIAN_POLICY, Query, VM_POLICY, assert_same, debian, parse};

/// Domains with many rules and attributes (confined services, unconfined and login domains).
const DOMAINS: [&str; 42] = [
    "httpd_t",
    "init_t",
    "sshd_t",
    "mysqld_t",
    "named_t",
    "postfix_master_t",
    "crond_t",
    "syslogd_t",
    "unconfined_t",
    "user_t",
    "staff_t",
    "sysadm_t",
    "dhcpc_t",
    "ntpd_t",
    "cupsd_t",
    "NetworkManager_t",
    "systemd_logind_t",
    "udev_t",
    "kernel_t",
    "local_login_t",
    "xdm_t",
    "dovecot_t",
    "squid_t",
    "smbd_t",
    "nfsd_t",
    "rpcd_t",
    "ftpd_t",
    "postgresql_t",
    "sendmail_t",
    "spamd_t",
    "clamd_t",
    "acpid_t",
    "auditd_t",
    "getty_t",
    "passwd_t",
    "mount_t",
    "kmod_t",
    "ifconfig_t",
    "iptables_t",
    "setfiles_t",
    "httpd_sys_script_t",
    "system_dbusd_t",
];

/// Attributes used as sources (matched through their members).
const SOURCE_ATTRIBUTES: [&str; 4] =
    ["domain", "nsswitch_domain", "files_unconfined_type", "can_load_kernmodule"];

const CLASSES: [&str; 15] = [
    "file",
    "dir",
    "lnk_file",
    "chr_file",
    "sock_file",
    "fifo_file",
    "tcp_socket",
    "udp_socket",
    "unix_stream_socket",
    "unix_dgram_socket",
    "process",
    "capability",
    "filesystem",
    "netlink_route_socket",
    "key",
];

/// Targets (types, an attribute of files and one of ports) and two classes for each.
const TARGETS: [(&str, [&str; 2]); 11] = [
    ("user_home_t", ["file", "dir"]),
    ("etc_t", ["file", "lnk_file"]),
    ("var_log_t", ["file", "dir"]),
    ("tmp_t", ["dir", "sock_file"]),
    ("bin_t", ["file", "lnk_file"]),
    ("proc_t", ["file", "dir"]),
    ("device_t", ["chr_file", "dir"]),
    ("http_port_t", ["tcp_socket", "udp_socket"]),
    ("unreserved_port_t", ["tcp_socket", "udp_socket"]),
    ("file_type", ["file", "dir"]),
    ("port_type", ["tcp_socket", "udp_socket"]),
];

/// Three permissions of a class spread over its list (first, middle, last in bit order).
fn spread(perms: &[&str]) -> Vec<String> {
    let n = perms.len();
    let mut picks: Vec<String> =
        [0, n / 2, n.saturating_sub(1)].iter().map(|&i| perms[i].to_owned()).collect();
    picks.dedup();
    picks
}

fn generate() -> Vec<Query> {
    let p = debian();
    let allow = [RuleKind::Allow];
    let mut out = Vec::new();
    let sources: Vec<&str> = DOMAINS.iter().chain(&SOURCE_ATTRIBUTES).copied().collect();
    for &source in &sources {
        // Attributes stand for hundreds of types: setools takes ~50 ms per search on them.
        let attribute = SOURCE_ATTRIBUTES.contains(&source);
        for class in CLASSES {
            let perms = spread(&p.class_perms(class).unwrap());
            for perm in perms.iter().take(if attribute { 1 } else { 3 }) {
                let mut q = Query::new(&allow);
                q.source = Some(source.to_owned());
                q.classes = vec![class.to_owned()];
                q.perms = vec![perm.clone()];
                out.push(q);
            }
            // Any of two permissions, and the direct rules with any permission.
            if !attribute {
                let mut q = Query::new(&allow);
                q.source = Some(source.to_owned());
                q.classes = vec![class.to_owned()];
                q.perms = perms.iter().take(2).cloned().collect();
                out.push(q);
            }
            let mut q = Query::new(&allow);
            q.source = Some(source.to_owned());
            q.source_direct = true;
            q.classes = vec![class.to_owned()];
            out.push(q);
        }
    }
    // Source and target, two classes at once; through attributes and direct.
    for &source in DOMAINS.iter().take(24) {
        for (target, classes) in TARGETS.iter() {
            for direct in [false, true] {
                let mut q = Query::new(&allow);
                q.source = Some(source.to_owned());
                q.target = Some((*target).to_owned());
                q.source_direct = direct;
                q.target_direct = direct;
                q.classes = classes.iter().map(|c| (*c).to_owned()).collect();
                out.push(q);
            }
        }
    }
    // Targets only.
    for (target, classes) in TARGETS.iter() {
        for (i, class) in classes.iter().enumerate() {
            let mut q = Query::new(&allow);
            q.target = Some((*target).to_owned());
            q.target_direct = i == 1;
            q.classes = vec![(*class).to_owned()];
            out.push(q);
        }
    }
    // Every boolean alone, all rule kinds.
    for (name, _) in p.booleans() {
        let mut q = Query::new(&[]);
        q.booleans = vec![name.to_owned()];
        out.push(q);
    }
    // Booleans with a source, two at once.
    let bools: Vec<&str> = p.booleans().into_iter().map(|(n, _)| n).collect();
    for (i, &source) in DOMAINS.iter().enumerate() {
        let mut q = Query::new(&allow);
        q.source = Some(source.to_owned());
        q.booleans = vec![bools[i * 7 % bools.len()].to_owned(), "allow_ypbind".to_owned()];
        out.push(q);
    }
    // The other rule kinds per domain, and permissions in every class.
    for (i, &source) in DOMAINS.iter().enumerate() {
        for kinds in [
            &[RuleKind::Dontaudit][..],
            &[RuleKind::Auditallow],
            &RuleKind::TYPE,
            &[RuleKind::Allow, RuleKind::Dontaudit],
        ] {
            let mut q = Query::new(kinds);
            q.source = Some(source.to_owned());
            out.push(q);
        }
        let mut q = Query::new(&RuleKind::TYPE);
        q.source = Some(source.to_owned());
        q.classes = vec!["process".to_owned(), "file".to_owned()];
        out.push(q);
        if i < 10 {
            let mut q = Query::new(&allow);
            q.source = Some(source.to_owned());
            q.perms = vec!["read".to_owned(), "name_bind".to_owned()];
            out.push(q);
        }
    }
    out
}

#[test]
fn generated_searches_equal_setools() {
    let queries = generate();
    assert!(queries.len() > 4000, "{}", queries.len());
    let lines = assert_same(debian(), Path::new(DEBIAN_POLICY), &queries);
    eprintln!("{} searches, {lines} rule lines: identical to setools", queries.len());
    assert!(lines > 100_000, "{lines}");
}

/// The recorded answers of `policy-samples/q04` and `q06` (sesearch's own printout).
#[test]
fn recorded_sesearch_outputs() {
    let p = debian();
    let lines = |q: &RuleQuery<'_>| -> Vec<String> {
        p.search_rules(q).unwrap().iter().map(ToString::to_string).collect()
    };
    assert_eq!(
        lines(&RuleQuery::allow().source("httpd_t").class("tcp_socket").perms(&["name_bind"])),
        [
            "allow httpd_t ftp_port_t:tcp_socket name_bind; [ httpd_enable_ftp_server ]:True",
            "allow httpd_t http_cache_port_t:tcp_socket name_bind;",
            "allow httpd_t http_port_t:tcp_socket name_bind;",
            "allow nsswitch_domain port_t:tcp_socket name_bind; [ allow_ypbind ]:True",
        ]
    );
    let q = RuleQuery::allow().source("httpd_t").target("user_home_t").class("file");
    let rules = p.search_rules(&q.perms(&["read"])).unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(
        rules[0].to_string(),
        "allow httpd_t user_home_t:file { getattr ioctl lock open read }; \
         [ httpd_read_user_content ]:True"
    );
    let c = rules[0].condition.as_ref().unwrap();
    assert_eq!((c.branch, c.enabled), (true, false));
    assert_eq!(c.booleans, ["httpd_read_user_content"]);
    // q02: nothing written directly on init_t → user_home_t.
    let direct = RuleQuery::allow().source("init_t").target("user_home_t").direct(true);
    assert!(p.search_rules(&direct.class("lnk_file").perms(&["read"])).unwrap().is_empty());
    // q01: 69 rules through attributes.
    let q01 = RuleQuery::allow().source("init_t").class("lnk_file").perms(&["read"]);
    assert_eq!(p.search_rules(&q01).unwrap().len(), 69);
}

/// Every rule of a policy at once: the whole rule text is the same, rule for rule.
#[test]
fn every_rule_of_debian_and_the_vm_equals_setools() {
    let all = Query::new(&[]);
    let n = assert_same(debian(), Path::new(DEBIAN_POLICY), std::slice::from_ref(&all));
    // 104,302 allow + 21 auditallow + 16,813 dontaudit + 9,245 type_transition + 123 + 16.
    assert_eq!(n, 130_520);
    let vm = parse(VM_POLICY);
    let n = assert_same(&vm, Path::new(VM_POLICY), &[all]);
    eprintln!("every rule of the VM policy: {n} lines identical to setools");
    assert!(n > 130_520, "{n}");
}
