//! Our own CIL policy (`corpus/policy/mini/webstack.cil`) compiled by `secilc` at every
//! version it can write (24–33), with and without MLS, plus 34 and 35 made from the 33 build
//! (34 has the same layout when no conditional xperm rule exists; 35 adds the neveraudit
//! bitmap after the permissive one). Every build must give the same answers, which are
//! written out here from the CIL source.

use std::path::PathBuf;

use selinux_audit::policy::binary::{BinaryPolicy, HandleUnknown};

use super::{MINI_DIR, assert_stats_match_seinfo, run_tool, scratch_dir};

/// Compiles the mini policy; `xperms` adds the extended-permission rules (30+).
pub fn compile(version: u32, mls: bool, xperms: bool) -> PathBuf {
    let dir = scratch_dir("mini");
    let name = format!(
        "webstack{}{}.{version}",
        if mls { "" } else { "-nomls" },
        if xperms { "-x" } else { "" }
    );
    let out = dir.join(name);
    let fc = dir.join(format!("file_contexts.{version}"));
    let (v, out_s, fc_s) = (version.to_string(), out.to_str().unwrap(), fc.to_str().unwrap());
    let base = format!("{MINI_DIR}/webstack.cil");
    let extra = format!("{MINI_DIR}/webstack-xperms.cil");
    let mut args =
        vec!["-M", if mls { "true" } else { "false" }, "-c", &v, "-o", out_s, "-f", fc_s, &base];
    if xperms {
        args.push(&extra);
    }
    run_tool("secilc", "secilc", &args);
    out
}

/// The 33 build with xperms, as bytes.
pub fn v33_bytes() -> Vec<u8> {
    std::fs::read(compile(33, true, true)).unwrap()
}

/// Turns a version-33 policy into 34 (same layout without conditional xperms).
pub fn as_v34(v33: &[u8]) -> Vec<u8> {
    let mut out = v33.to_vec();
    out[16..20].copy_from_slice(&34u32.to_le_bytes());
    out
}

/// Turns a version-33 policy into 35, with `neveraudit` bits for the given type values.
pub fn as_v35(v33: &[u8], neveraudit: &[u32]) -> Vec<u8> {
    let ebitmap_len =
        |at: usize| 12 + 12 * u32::from_le_bytes(v33[at + 8..at + 12].try_into().unwrap()) as usize;
    let polcaps = 32;
    let after_permissive = polcaps + ebitmap_len(polcaps);
    let after_permissive = after_permissive + ebitmap_len(after_permissive);
    let mut map = [0u64; 4];
    for &v in neveraudit {
        map[v as usize / 64] |= 1 << (v % 64);
    }
    let nodes: Vec<(u32, u64)> = map
        .iter()
        .enumerate()
        .filter(|(_, m)| **m != 0)
        .map(|(i, m)| (i as u32 * 64, *m))
        .collect();
    let mut bitmap = Vec::new();
    bitmap.extend(64u32.to_le_bytes());
    bitmap.extend(nodes.last().map_or(0, |n| n.0 + 64).to_le_bytes());
    bitmap.extend((nodes.len() as u32).to_le_bytes());
    for (start, m) in nodes {
        bitmap.extend(start.to_le_bytes());
        bitmap.extend(m.to_le_bytes());
    }
    let mut out = v33[..after_permissive].to_vec();
    out[16..20].copy_from_slice(&35u32.to_le_bytes());
    out.extend(bitmap);
    out.extend(&v33[after_permissive..]);
    out
}

fn value_of(p: &BinaryPolicy, name: &str) -> u32 {
    p.db().symbols.types.entries.iter().find(|t| t.name == name).unwrap().value
}

/// Everything the CIL source says, checked against one build.
fn check_webstack(p: &BinaryPolicy, version: u32, mls: bool, xperms: bool) {
    assert_eq!(p.version(), version);
    assert_eq!(p.mls(), mls);
    assert_eq!(p.handle_unknown(), HandleUnknown::Deny);
    assert_eq!(p.policy_capabilities(), ["network_peer_controls", "open_perms", "cgroup_seclabel"]);
    assert_eq!(
        p.booleans(),
        [
            ("app_debug", false),
            ("strict_mode", true),
            ("web_connect_any", false),
            ("web_read_home", false),
            ("web_write_state", true)
        ]
    );
    // Names, aliases, attributes.
    assert_eq!(p.type_names().len(), 32);
    assert_eq!(
        p.attribute_names(),
        [
            "conf_file",
            "defined_port",
            "domain",
            "file_type",
            "port_type",
            "privileged",
            "state_file"
        ]
    );
    assert_eq!(p.primary_name("httpd_config_t").unwrap(), "webd_conf_t");
    assert_eq!(p.aliases_of("webd_data_t").unwrap(), ["webd_content_t"]);
    assert_eq!(p.attributes_of("httpd_config_t").unwrap(), ["conf_file", "file_type"]);
    assert_eq!(p.types_in_attribute("state_file").unwrap(), ["var_lib_t", "webd_data_t"]);
    assert!(p.is_attribute("privileged") && !p.is_attribute("init_t") && !p.has_type("nope_t"));
    let fsobj = [
        "ioctl", "read", "write", "create", "getattr", "setattr", "unlink", "rename", "append",
        "open",
    ];
    let file_perms = p.class_perms("file").unwrap();
    assert_eq!(file_perms[..10], fsobj);
    assert_eq!(file_perms[12..], ["execute", "entrypoint", "execute_no_trans"]);
    assert_eq!(p.class_perms("lnk_file").unwrap().len(), 12);
    assert_eq!(p.permissive_types(), ["debug_t"]);
    assert!(p.is_permissive("debug_t") && !p.is_permissive("webd_t"));

    // Unions across rules and attributes on both sides.
    assert!(
        p.allows("webd_t", "httpd_config_t", "file", &["read", "getattr", "open", "ioctl"])
            .unwrap()
    );
    assert!(p.allows("webd_t", "etc_t", "file", &["read", "getattr", "open"]).unwrap());
    assert!(!p.allows("webd_t", "etc_t", "file", &["write"]).unwrap());
    assert!(p.allows("webd_t", "webd_content_t", "file", &["read", "getattr", "open"]).unwrap());
    assert_eq!(
        p.allowed_perms("webd_t", "var_lib_t", "dir").unwrap(),
        ["read", "write", "getattr", "open", "add_name", "search"]
    );
    let readable = p.targets_allowing("init_t", "file", &["read", "getattr", "open"]).unwrap();
    assert_eq!(readable, p.types_in_attribute("file_type").unwrap());
    assert_eq!(readable.len(), 12);
    assert_eq!(p.entrypoints("webd_t").unwrap(), ["webd_exec_t"]);
    assert_eq!(p.entrypoints("app_t").unwrap(), ["app_exec_t"]);

    // Conditionals, every operator, with overrides.
    assert!(p.allows("webd_t", "webd_data_t", "file", &["write", "append"]).unwrap());
    let no_state = [("web_write_state", false)];
    assert!(
        !p.allows_with_booleans("webd_t", "webd_data_t", "file", &["write"], &no_state).unwrap()
    );
    assert!(!p.allows("webd_t", "home_t", "file", &["read"]).unwrap());
    let one = [("web_read_home", true)];
    assert!(!p.allows_with_booleans("webd_t", "home_t", "file", &["read"], &one).unwrap());
    let both = [("web_read_home", true), ("strict_mode", false)];
    assert!(
        p.allows_with_booleans("webd_t", "home_t", "file", &["read", "open", "getattr"], &both)
            .unwrap()
    );
    assert!(p.booleans_that_allow("webd_t", "home_t", "file", &["read"]).unwrap().is_empty());
    assert_eq!(
        p.targets_allowing("webd_t", "tcp_socket", &["name_connect"]).unwrap(),
        ["dns_port_t", "sctp_port_t"]
    );
    let any = [("web_connect_any", true)];
    assert_eq!(
        p.targets_allowing_with_booleans("webd_t", "tcp_socket", &["name_connect"], &any).unwrap(),
        p.types_in_attribute("port_type").unwrap()
    );
    assert_eq!(
        p.booleans_that_allow("webd_t", "unreserved_port_t", "tcp_socket", &["name_connect"])
            .unwrap(),
        ["web_connect_any"]
    );
    assert_eq!(
        p.targets_allowing("webd_t", "tcp_socket", &["name_bind"]).unwrap(),
        ["alt_web_port_t", "web_port_t"]
    );
    assert!(p.allows("app_t", "home_t", "file", &["read"]).unwrap()); // app_debug || (strict ^ home)
    assert!(
        !p.allows_with_booleans("app_t", "home_t", "file", &["read"], &[("strict_mode", false)])
            .unwrap()
    );
    assert!(!p.allows("app_t", "home_t", "dir", &["search"]).unwrap()); // false branch of ==
    assert!(p.allows_with_booleans("app_t", "home_t", "dir", &["search"], &one).unwrap());
    assert!(p.allows("debug_t", "tmp_t", "file", &["read"]).unwrap()); // app_debug != strict_mode
    assert!(p.auditallows("debug_t", "tmp_t", "file", &["read"]).unwrap());
    assert!(
        !p.allows_with_booleans("debug_t", "tmp_t", "file", &["read"], &[("app_debug", true)])
            .unwrap()
    );
    assert!(p.auditallows("webd_t", "etc_t", "file", &["read"]).unwrap());
    assert!(!p.auditallows("webd_t", "etc_t", "file", &["getattr"]).unwrap());

    // dontaudit (stored inverted).
    assert!(p.dontaudits("webd_t", "etc_t", "dir", &["search", "getattr"]).unwrap());
    assert!(!p.dontaudits("webd_t", "etc_t", "dir", &["write"]).unwrap());
    assert!(p.dontaudits("app_t", "etc_t", "file", &["write"]).unwrap());
    assert!(!p.dontaudits("webd_t", "webd_data_t", "file", &["write"]).unwrap()); // false branch

    // Ports: CIL's order, first match wins.
    let order: Vec<String> = p
        .portcons()
        .iter()
        .map(|c| format!("{} {}-{} {}", c.protocol, c.low, c.high, c.type_name))
        .collect();
    assert_eq!(
        order,
        [
            "17 53-53 dns_port_t",
            "6 53-53 dns_port_t",
            "6 80-80 web_port_t",
            "6 443-443 web_port_t",
            "6 8080-8080 alt_web_port_t",
            "132 9899-9899 sctp_port_t",
            "33 5000-5010 dccp_port_t",
            "6 8000-8099 web_port_t",
            "17 1-1023 reserved_port_t",
            "6 1-1023 reserved_port_t",
            "17 1024-65535 unreserved_port_t",
            "6 1024-65535 unreserved_port_t",
        ]
    );
    for (proto, port, ty) in [
        (6, 80, Some("web_port_t")),
        (6, 8080, Some("alt_web_port_t")),
        (6, 8050, Some("web_port_t")),
        (6, 9000, Some("unreserved_port_t")),
        (6, 22, Some("reserved_port_t")),
        (17, 53, Some("dns_port_t")),
        (132, 9899, Some("sctp_port_t")),
        (132, 80, None),
        (33, 5005, Some("dccp_port_t")),
        (6, 0, None),
    ] {
        assert_eq!(p.port_type(proto, port), ty, "{proto}/{port}");
    }

    // Type rules.
    assert_eq!(p.type_transition("init_t", "webd_exec_t", "process"), Some("webd_t"));
    assert_eq!(p.type_transition("init_t", "app_exec_t", "process"), Some("app_t"));
    assert_eq!(p.type_transition("webd_t", "var_lib_t", "file"), Some("webd_data_t"));
    assert_eq!(p.type_transition("webd_t", "var_lib_t", "dir"), Some("webd_data_t"));
    assert_eq!(p.type_transition("app_t", "home_t", "file"), Some("app_tmp_t")); // conditional
    assert_eq!(p.type_transition("webd_t", "etc_t", "file"), None);
    assert_eq!(p.type_change("webd_t", "home_t", "file"), Some("webd_data_t"));
    assert_eq!(p.type_member("app_t", "tmp_t", "dir"), Some("app_tmp_t"));
    let from_webd: Vec<String> = p
        .type_transitions_from("webd_t")
        .unwrap()
        .iter()
        .map(|t| format!("{}:{} {}", t.target, t.class, t.new_type))
        .collect();
    assert_eq!(from_webd, ["var_lib_t:dir webd_data_t", "var_lib_t:file webd_data_t"]);
    let named = [
        ("webd_t", "etc_t", "file", "webd.conf", Some("webd_conf_t")),
        ("webd_t", "tmp_t", "file", "cache", Some("app_tmp_t")),
        ("app_t", "tmp_t", "file", "cache", Some("app_tmp_t")),
        ("init_t", "tmp_t", "file", "cache", Some("webd_data_t")),
        ("webd_t", "tmp_t", "dir", "cache", Some("webd_data_t")),
        ("helper_t", "tmp_t", "file", "cache", None),
        ("webd_t", "etc_t", "file", "other", None),
    ];
    for (s, t, c, n, want) in named {
        let want = if version >= 25 { want } else { None };
        assert_eq!(p.filename_transition(s, t, c, n), want, "{s} {t} {c} {n}");
    }
    assert_eq!(p.new_object_type("webd_t", "var_lib_t", "file", Some("x")), Some("webd_data_t"));

    check_raw(p, version, mls, xperms);
}

/// Fields that have no query API, read straight from the model.
fn check_raw(p: &BinaryPolicy, version: u32, mls: bool, xperms: bool) {
    let db = p.db();
    let class = |n: &str| db.symbols.classes.entries.iter().find(|k| k.name == n).unwrap();
    let (file, dir, process, tcp) =
        (class("file"), class("dir"), class("process"), class("tcp_socket"));
    assert_eq!(file.common.as_deref(), Some("fsobj"));
    assert_eq!(process.common, None);
    let mls_count = |cs: &[selinux_audit::policy::binary::constraint::Constraint]| {
        cs.iter().filter(|c| c.is_mls()).count()
    };
    assert_eq!(
        (file.constraints.len(), mls_count(&file.constraints)),
        if mls { (3, 2) } else { (1, 0) }
    );
    assert_eq!(process.constraints.len(), 1);
    assert_eq!((file.validatetrans.len(), dir.validatetrans.len()), (1, usize::from(mls)));
    let defaults =
        [file.defaults.user, dir.defaults.role, process.defaults.type_default, tcp.defaults.range];
    let expected = match version {
        ..27 => [0, 0, 0, 0],
        27 => [1, 2, 0, 4],
        _ => [1, 2, 1, 4],
    };
    assert_eq!(defaults, expected);
    assert_eq!(db.role_allow.len(), 1);
    assert_eq!(db.role_trans.len(), if version >= 26 { 2 } else { 0 });
    assert_eq!(db.range_trans.len(), if mls { 2 } else { 0 });
    let staff = db.symbols.users.entries.iter().find(|u| u.name == "staff_u").unwrap();
    if mls {
        assert_eq!((staff.range.low.sens, staff.range.high.sens), (1, 2));
        assert_eq!(staff.range.high.cats.iter().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(staff.default_level.cats.iter().collect::<Vec<_>>(), [0]);
    }
    let o = &db.ocontexts;
    assert_eq!(o.initial_sids.len(), 7);
    assert_eq!(o.netifs.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["eth0"]);
    assert_eq!((o.nodes[0].addr, o.nodes[0].mask), ([10, 0, 0, 0], [255, 0, 0, 0]));
    let mut fd00 = [0u8; 16];
    fd00[0] = 0xfd;
    let mut ff00 = [0u8; 16];
    ff00[0] = 0xff;
    assert_eq!((o.nodes6[0].addr, o.nodes6[0].mask), (fd00, ff00));
    let fs_use: Vec<(u32, &str)> =
        o.fs_use.iter().map(|f| (f.behavior, f.fstype.as_str())).collect();
    assert_eq!(fs_use.len(), 3);
    assert!(
        fs_use.contains(&(1, "ext4"))
            && fs_use.contains(&(2, "tmpfs"))
            && fs_use.contains(&(3, "pipefs"))
    );
    let genfs: Vec<String> = db
        .genfs
        .iter()
        .flat_map(|g| g.entries.iter().map(move |e| format!("{} {}", g.fstype, e.path)))
        .collect();
    // File order; the kernel re-sorts by path length when it loads the policy.
    assert_eq!(genfs, ["proc /", "proc /sys/kernel", "sysfs /"]);
    let ib = if version >= 31 { 1 } else { 0 };
    assert_eq!((o.ib_pkeys.len(), o.ib_endports.len()), (ib, ib));
    if version >= 31 {
        assert_eq!(
            (o.ib_pkeys[0].subnet_prefix, o.ib_pkeys[0].low, o.ib_pkeys[0].high),
            ([0xfe, 0x80, 0, 0, 0, 0, 0, 0], 0, 10)
        );
        assert_eq!((o.ib_endports[0].device.as_str(), o.ib_endports[0].port), ("mlx4_0", 1));
    }
    let s = p.stats();
    assert_eq!(
        (s.allowxperm, s.auditallowxperm, s.dontauditxperm),
        if xperms { (1, 1, 1) } else { (0, 0, 0) }
    );
    assert_eq!(s.typebounds, 1);
}

#[test]
fn every_secilc_version_gives_the_same_answers() {
    for version in 24..=33 {
        for (mls, xperms) in [(true, false), (false, false), (true, true), (false, true)] {
            if xperms && version < 30 {
                continue;
            }
            let path = compile(version, mls, xperms);
            let p = BinaryPolicy::parse(&std::fs::read(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            check_webstack(&p, version, mls, xperms);
            assert_stats_match_seinfo(&p, path.to_str().unwrap());
        }
    }
}

#[test]
fn versions_34_and_35() {
    let v33 = v33_bytes();
    let base = BinaryPolicy::parse(&v33).unwrap();
    let p34 = BinaryPolicy::parse(&as_v34(&v33)).unwrap();
    check_webstack(&p34, 34, true, true);
    assert!(!p34.is_neveraudit("webd_t"));
    let webd = value_of(&base, "webd_t");
    let p35 = BinaryPolicy::parse(&as_v35(&v33, &[webd])).unwrap();
    check_webstack(&p35, 35, true, true);
    assert!(p35.is_neveraudit("webd_t") && !p35.is_neveraudit("app_t"));
    assert_eq!(p35.db().neveraudit.iter().collect::<Vec<_>>(), [webd]);
    // A 34 file is not a valid 35 file and vice versa.
    let mut wrong = as_v35(&v33, &[webd]);
    wrong[16..20].copy_from_slice(&34u32.to_le_bytes());
    assert!(BinaryPolicy::parse(&wrong).is_err());
}
