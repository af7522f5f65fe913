//! `decide` against the real audit2why on Debian 12's `policy.33`.
//!
//! The queries are systematic rather than random, so that a failure names a reproducible
//! tuple: a few dozen domains (system daemons, user domains in their own roles, an MCS
//! constrained `svirt_t`) against a few dozen file, port and process targets, each pair with a
//! rotating choice of class and permissions; user and level variations that reach the UBAC
//! and MCS constraints; role transitions; contexts the policy refuses; and the recorded
//! samples of `shared/docs/policy-samples/audit2why-output.txt` and audit-formats.md §3.2.
//!
//! Every query must get audit2why's category. For BOOLEAN the lists must be equal; for
//! CONSTRAINT every active constraint we report must appear in audit2why's text. Where
//! audit2why says TERULE/DONTAUDIT because no *single* boolean helps, we may additionally
//! report combinations (a rule under `a && b` with both off): those are counted, and every
//! single-boolean option we report there must come with the constraint or role check that
//! made audit2why reject it.

use std::path::Path;
use std::sync::OnceLock;

use selinux_audit::policy::binary::BinaryPolicy;

use super::audit2why::{Outcome, Query, ask, compare};

/// Debian's installed policy.
pub const DEBIAN_POLICY: &str = "/etc/selinux/default/policy/policy.33";

fn debian() -> &'static BinaryPolicy {
    static P: OnceLock<BinaryPolicy> = OnceLock::new();
    P.get_or_init(|| {
        let bytes = std::fs::read(DEBIAN_POLICY).unwrap_or_else(|e| {
            panic!("cannot read {DEBIAN_POLICY} ({e}): apt-get install selinux-policy-default")
        });
        BinaryPolicy::parse(&bytes).unwrap()
    })
}

const SYSTEM_DOMAINS: &[&str] = &[
    "httpd_t",
    "httpd_sys_script_t",
    "sshd_t",
    "init_t",
    "named_t",
    "cupsd_t",
    "crond_t",
    "syslogd_t",
    "ntpd_t",
    "mysqld_t",
    "postgresql_t",
    "dhcpc_t",
    "NetworkManager_t",
    "smbd_t",
    "dovecot_t",
    "squid_t",
    "ftpd_t",
    "postfix_master_t",
    "logrotate_t",
    "udev_t",
    "systemd_logind_t",
    "mount_t",
    "setfiles_t",
    "local_login_t",
    "getty_t",
    "rpcbind_t",
    "kernel_t",
    "passwd_t",
    "xdm_t",
];

/// Domains outside `system_r`, with their full contexts.
const OTHER_DOMAINS: &[&str] = &[
    "system_u:system_r:svirt_t:s0:c1,c2",
    "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
    "user_u:user_r:user_t:s0",
    "staff_u:staff_r:staff_t:s0",
    "staff_u:sysadm_r:sysadm_t:s0",
    "root:staff_r:staff_sudo_t:s0",
];

const FILE_TARGETS: &[&str] = &[
    "user_home_t",
    "user_home_dir_t",
    "etc_t",
    "shadow_t",
    "var_log_t",
    "tmp_t",
    "httpd_sys_content_t",
    "httpd_sys_rw_content_t",
    "httpd_sys_script_exec_t",
    "default_t",
    "unlabeled_t",
    "var_lib_t",
    "bin_t",
    "usr_t",
    "proc_t",
    "sysfs_t",
    "device_t",
    "tty_device_t",
    "samba_share_t",
    "public_content_t",
    "mysqld_db_t",
    "var_run_t",
    "security_t",
    "svirt_image_t",
    "user_tmp_t",
    "cert_t",
    "lib_t",
    "etc_runtime_t",
    "krb5_keytab_t",
    "var_spool_t",
    "shell_exec_t",
    "user_devpts_t",
];

const FILE_ACCESSES: &[(&str, &[&str])] = &[
    ("file", &["read"]),
    ("file", &["write"]),
    ("file", &["execute"]),
    ("file", &["append"]),
    ("file", &["create"]),
    ("file", &["relabelto"]),
    ("file", &["getattr", "open", "read"]),
    ("file", &["unlink"]),
    ("file", &["map"]),
    ("file", &["execute_no_trans"]),
    ("file", &["ioctl"]),
    ("dir", &["write", "add_name"]),
    ("dir", &["search"]),
    ("dir", &["read"]),
    ("dir", &["remove_name", "write"]),
    ("dir", &["rmdir"]),
    ("lnk_file", &["read"]),
    ("sock_file", &["write"]),
    ("chr_file", &["read", "write"]),
    ("chr_file", &["ioctl"]),
];

const PORT_TARGETS: &[&str] = &[
    "http_port_t",
    "unreserved_port_t",
    "ssh_port_t",
    "mysqld_port_t",
    "postgresql_port_t",
    "dns_port_t",
    "reserved_port_t",
    "ldap_port_t",
];

const PORT_ACCESSES: &[(&str, &[&str])] = &[
    ("tcp_socket", &["name_bind"]),
    ("tcp_socket", &["name_connect"]),
    ("udp_socket", &["name_bind"]),
];

const PROCESS_ACCESSES: &[&[&str]] =
    &[&["transition"], &["signal"], &["sigchld"], &["dyntransition"], &["ptrace"], &["sigkill"]];

fn domain_contexts() -> Vec<String> {
    SYSTEM_DOMAINS
        .iter()
        .map(|d| format!("system_u:system_r:{d}:s0"))
        .chain(OTHER_DOMAINS.iter().map(|c| (*c).to_owned()))
        .collect()
}

/// The generated queries (deterministic).
pub fn queries() -> Vec<Query> {
    let domains = domain_contexts();
    let mut out = Vec::new();
    for (i, s) in domains.iter().enumerate() {
        for (j, t) in FILE_TARGETS.iter().enumerate() {
            let tcon = format!("system_u:object_r:{t}:s0");
            for k in 0..3 {
                let (class, perms) = FILE_ACCESSES[(i * 7 + j * 3 + k * 11) % FILE_ACCESSES.len()];
                out.push(Query::new(s, &tcon, class, perms));
            }
        }
        for (j, t) in PORT_TARGETS.iter().enumerate() {
            let tcon = format!("system_u:object_r:{t}:s0");
            for k in 0..2 {
                let (class, perms) = PORT_ACCESSES[(i + j + k) % PORT_ACCESSES.len()];
                out.push(Query::new(s, &tcon, class, perms));
            }
        }
        for (j, t) in domains.iter().enumerate().filter(|(j, _)| (i + j) % 4 == 0) {
            out.push(Query::new(
                s,
                t,
                "process",
                PROCESS_ACCESSES[(i + j) % PROCESS_ACCESSES.len()],
            ));
        }
    }
    // UBAC: user domains on objects of other users.
    for s in ["user_u:user_r:user_t:s0", "staff_u:staff_r:staff_t:s0"] {
        for user in ["system_u", "unconfined_u", "user_u", "staff_u"] {
            for t in ["user_home_t", "user_tmp_t", "tmp_t", "etc_t"] {
                let tcon = format!("{user}:object_r:{t}:s0");
                for perms in [&["relabelto"][..], &["create"], &["read"], &["write", "append"]] {
                    out.push(Query::new(s, &tcon, "file", perms));
                }
                out.push(Query::new(s, &tcon, "dir", &["write", "add_name"]));
            }
        }
    }
    // MCS: svirt_t at several levels against its images at several levels.
    let levels = ["s0", "s0:c1,c2", "s0:c3,c4", "s0:c1", "s0-s0:c0.c1023", "s0:c1,c2-s0:c1,c2,c3"];
    for sl in &levels {
        for tl in &levels {
            let s = format!("system_u:system_r:svirt_t:{sl}");
            let t = format!("system_u:object_r:svirt_image_t:{tl}");
            for perms in
                [&["read", "write"][..], &["create"], &["relabelto"], &["getattr"], &["open"]]
            {
                out.push(Query::new(&s, &t, "file", perms));
            }
            let peer = format!("system_u:system_r:svirt_t:{tl}");
            out.push(Query::new(&s, &peer, "process", &["signal"]));
        }
    }
    // Process transitions between users and roles (process constraints, role allow rules).
    let sources = [
        "root:staff_r:staff_sudo_t:s0",
        "staff_u:staff_r:staff_t:s0",
        "staff_u:sysadm_r:sysadm_t:s0",
        "unconfined_u:unconfined_r:unconfined_t:s0",
        "user_u:user_r:user_t:s0",
        "system_u:system_r:init_t:s0",
        "system_u:system_r:sshd_t:s0",
        "system_u:system_r:local_login_t:s0",
        "system_u:system_r:xdm_t:s0",
        "system_u:system_r:crond_t:s0",
    ];
    let targets = [
        "root:sysadm_r:sysadm_t:s0",
        "root:system_r:sysadm_t:s0",
        "staff_u:staff_r:staff_t:s0",
        "user_u:user_r:user_t:s0",
        "unconfined_u:unconfined_r:unconfined_t:s0",
        "system_u:system_r:httpd_t:s0",
        "staff_u:sysadm_r:sysadm_t:s0",
        "root:staff_r:staff_t:s0",
        "unconfined_u:system_r:unconfined_t:s0",
    ];
    for s in sources {
        for t in targets {
            out.push(Query::new(s, t, "process", &["transition"]));
            out.push(Query::new(s, t, "process", &["dyntransition"]));
        }
    }
    // Contexts the policy refuses, unknown names.
    for (s, t, class, perms) in [
        ("system_u:system_r:user_t:s0", "system_u:object_r:etc_t:s0", "file", &["read"][..]),
        ("user_u:user_r:user_t:s0:c3", "system_u:object_r:etc_t:s0", "file", &["read"]),
        ("system_u:system_r:httpd_t:s0", "system_u:user_r:etc_t:s0", "file", &["read"]),
        ("system_u:system_r:removed_t:s0", "system_u:object_r:etc_t:s0", "file", &["read"]),
        ("system_u:system_r:httpd_t:s0", "system_u:object_r:removed_t:s0", "file", &["read"]),
        ("system_u:system_r:httpd_t:s0", "system_u:object_r:etc_t:s0", "no_such_class", &["read"]),
        ("system_u:system_r:httpd_t:s0", "system_u:object_r:etc_t:s0", "file", &["fly"]),
    ] {
        out.push(Query::new(s, t, class, perms));
    }
    out.extend(samples());
    out
}

/// The recorded samples (audit2why-output.txt and audit-formats.md §3.2).
fn samples() -> Vec<Query> {
    let h = "system_u:system_r:httpd_t:s0";
    vec![
        Query::new(h, "unconfined_u:object_r:user_home_t:s0", "file", &["read"]),
        Query::new(h, "system_u:object_r:unreserved_port_t:s0", "tcp_socket", &["name_connect"]),
        Query::new(h, "system_u:object_r:unreserved_port_t:s0", "tcp_socket", &["name_bind"]),
        Query::new(
            "system_u:system_r:init_t:s0",
            "system_u:object_r:user_home_t:s0",
            "lnk_file",
            &["read"],
        ),
        Query::new(
            "system_u:system_r:init_t:s0",
            "unconfined_u:object_r:user_home_t:s0",
            "file",
            &["execute"],
        ),
        Query::new(h, "system_u:object_r:httpd_sys_content_t:s0", "file", &["read"]),
        Query::new(h, "system_u:object_r:var_t:s0", "dir", &["write"]),
        Query::new(
            "user_u:user_r:user_t:s0",
            "system_u:object_r:user_home_t:s0",
            "file",
            &["relabelto"],
        ),
        Query::new(h, "system_u:object_r:postgresql_port_t:s0", "tcp_socket", &["name_connect"]),
        Query::new(h, "system_u:object_r:default_t:s0", "file", &["read"]),
        Query::new(h, "system_u:object_r:unlabeled_t:s0", "file", &["getattr"]),
        Query::new(h, "system_u:object_r:user_devpts_t:s0", "chr_file", &["ioctl"]),
        Query::new(h, "system_u:system_r:sshd_t:s0", "tcp_socket", &["read", "write"]),
        Query::new(h, "system_u:object_r:httpd_sys_content_t:s0", "dir", &["write", "add_name"]),
        Query::new(
            "staff_u:staff_r:staff_t:s0",
            "system_u:object_r:user_home_t:s0",
            "file",
            &["create"],
        ),
        Query::new(
            "root:staff_r:staff_sudo_t:s0",
            "root:system_r:sysadm_t:s0",
            "process",
            &["transition"],
        ),
        Query::new("user_u:user_r:user_t:s0", "system_u:object_r:shadow_t:s0", "file", &["read"]),
    ]
}

#[test]
fn decide_agrees_with_audit2why_on_debian() {
    let p = debian();
    let queries = queries();
    assert!(queries.len() > 3000, "{} queries", queries.len());
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decide-differential");
    let answers = ask(DEBIAN_POLICY, &queries, &scratch);
    let mut failures = Vec::new();
    let mut combos = Vec::new();
    let mut histogram: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (q, a) in queries.iter().zip(&answers) {
        *histogram.entry(a.category.as_str()).or_default() += 1;
        match compare(p, q, a) {
            Ok(Outcome::Agree) => {}
            Ok(Outcome::AgreeWithCombination) => {
                combos.push(format!("{} {} {} {:?}", q.scon, q.tcon, q.class, q.perms));
            }
            Err(why) => {
                failures.push(format!("{} {} {} {:?}: {why}", q.scon, q.tcon, q.class, q.perms))
            }
        }
    }
    println!(
        "{} queries, {} agree, {} of them with boolean combinations audit2why cannot find; \
         audit2why categories: {histogram:?}\ncombinations:\n  {}",
        queries.len(),
        queries.len() - failures.len(),
        combos.len(),
        combos.join("\n  ")
    );
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    // The comparison must have exercised every category audit2why has on this policy.
    for cat in [
        "ALLOW",
        "DONTAUDIT",
        "TERULE",
        "BOOLEAN",
        "CONSTRAINT",
        "RBAC",
        "BADSCON",
        "BADTCON",
        "BADTCLASS",
        "BADPERM",
    ] {
        assert!(histogram.get(cat).copied().unwrap_or(0) > 0, "no {cat} case");
    }
    assert!(!combos.is_empty(), "no case where only a combination of booleans helps");
}
