//! Debian 12's `policy.33` against recorded answers (`shared/docs/policy.md` §1.7, §4 and
//! `policy-samples/`) and live `seinfo`.

use selinux_audit::policy::binary::{BinaryPolicy, HandleUnknown, QueryError};

use super::{DEBIAN_POLICY, SAMPLES, assert_stats_match_seinfo, debian, read_required, run_tool};

#[test]
fn header_and_recorded_counts() {
    let p = debian();
    assert_eq!(p.version(), 33);
    assert!(p.mls());
    assert_eq!(p.handle_unknown(), HandleUnknown::Allow);
    let s = p.stats();
    assert_eq!((s.classes, s.permissions, s.commons), (134, 425, 7));
    assert_eq!((s.sensitivities, s.categories), (1, 1024));
    assert_eq!((s.types, s.aliases, s.attributes), (3936, 268, 217));
    assert_eq!((s.users, s.roles, s.booleans, s.cond_exprs), (7, 15, 291, 321));
    assert_eq!((s.allow, s.allow_conditional), (104_302, 23_825));
    assert_eq!((s.auditallow, s.dontaudit), (21, 16_813));
    assert_eq!((s.type_trans, s.type_trans_conditional, s.filename_trans), (9245, 955, 833));
    assert_eq!((s.type_change, s.type_member, s.range_trans), (123, 16, 14));
    assert_eq!((s.role_allow, s.role_trans), (32, 376));
    assert_eq!((s.constraints, s.mls_constraints, s.validatetrans), (133, 110, 0));
    assert_eq!((s.initial_sids, s.fs_use, s.genfscon, s.portcon), (27, 29, 93, 479));
    assert_eq!((s.netifcon, s.nodecon, s.permissives), (0, 0, 0));
    assert_eq!(
        p.policy_capabilities(),
        [
            "network_peer_controls",
            "open_perms",
            "extended_socket_class",
            "cgroup_seclabel",
            "nnp_nosuid_transition"
        ]
    );
    // policy.md §1.7 records 2354/796/792/676; live `seinfo -a ATTR -x` lists two fewer
    // members for each, and so do we (see `attribute_members_equal_live_seinfo`).
    for (attr, size) in
        [("file_type", 2352), ("exec_type", 794), ("entry_type", 790), ("domain", 674)]
    {
        assert_eq!(p.types_in_attribute(attr).unwrap().len(), size, "{attr}");
    }
    assert_eq!(p.type_names().len(), 3936);
    assert_eq!(p.attribute_names().len(), 217);
    assert_eq!(p.class_names().len(), 134);
}

#[test]
fn counts_equal_live_seinfo() {
    assert_stats_match_seinfo(debian(), DEBIAN_POLICY);
}

#[test]
fn attribute_members_equal_live_seinfo() {
    let p = debian();
    for attr in ["port_type", "file_type", "nsswitch_domain", "files_unconfined_type"] {
        let text = run_tool("seinfo", "setools", &[DEBIAN_POLICY, "-a", attr, "-x"]);
        let mut expected: Vec<&str> =
            text.lines().filter(|l| l.starts_with('\t')).map(str::trim).collect();
        expected.sort_unstable();
        assert!(expected.len() > 3, "{attr}: {expected:?}");
        assert_eq!(p.types_in_attribute(attr).unwrap(), expected, "{attr}");
    }
}

/// `policy-samples/effective-access.tsv`: 12 queries, exact type sets where listed.
#[test]
fn effective_access_recorded_by_setools() {
    let p = debian();
    let tsv =
        read_required(&format!("{SAMPLES}/effective-access.tsv"), "shared/docs must be present");
    let tsv = String::from_utf8(tsv).unwrap();
    let mut rows = 0;
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (domain, class, count) = (f[0], f[1], f[4].parse::<usize>().unwrap());
        let perms: Vec<&str> = f[2].split(',').collect();
        let overrides: Vec<(&str, bool)> = match f[3] {
            "-" => vec![],
            o => o
                .split(',')
                .map(|kv| kv.split_once('=').unwrap())
                .map(|(k, v)| (k, v == "1"))
                .collect(),
        };
        let got = p.targets_allowing_with_booleans(domain, class, &perms, &overrides).unwrap();
        assert_eq!(got.len(), count, "{line}");
        if !f[5].starts_with('(') {
            let expected: Vec<&str> = f[5].split(' ').collect();
            assert_eq!(got, expected, "{domain} {class} {perms:?}");
        }
        // Every listed target must also pass the single-pair query.
        for t in got.iter().take(50) {
            assert!(
                p.allows_with_booleans(domain, t, class, &perms, &overrides).unwrap(),
                "{domain} {t}"
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 12);
}

#[test]
fn recorded_allow_queries() {
    let p = debian();
    // q03: read/open/getattr on content and config, not on rw content or home.
    for t in ["httpd_sys_content_t", "httpd_config_t", "etc_t", "usr_t", "public_content_t"] {
        assert!(p.allows("httpd_t", t, "file", &["read", "open", "getattr"]).unwrap(), "{t}");
    }
    for t in ["httpd_sys_rw_content_t", "user_home_t", "httpd_sys_script_exec_t"] {
        assert!(!p.allows("httpd_t", t, "file", &["read", "open", "getattr"]).unwrap(), "{t}");
    }
    // q06: boolean-gated read.
    assert!(!p.allows("httpd_t", "user_home_t", "file", &["read"]).unwrap());
    let on = [("httpd_read_user_content", true)];
    assert!(
        p.allows_with_booleans("httpd_t", "user_home_t", "file", &["read", "open"], &on).unwrap()
    );
    // q15: no rule at all.
    assert!(!p.allows("httpd_t", "var_log_t", "file", &["append"]).unwrap());
    // q04/q14 name_bind, q05 name_connect.
    assert!(p.allows("httpd_t", "http_port_t", "tcp_socket", &["name_bind"]).unwrap());
    assert!(!p.allows("httpd_t", "unreserved_port_t", "tcp_socket", &["name_bind"]).unwrap());
    assert_eq!(
        p.targets_allowing("sshd_t", "tcp_socket", &["name_bind"]).unwrap(),
        ["ssh_port_t", "xserver_port_t"]
    );
    assert_eq!(
        p.targets_allowing("httpd_t", "tcp_socket", &["name_connect"]).unwrap(),
        ["dns_port_t"]
    );
    // q01/q02: init_t reads every file_type symlink through attributes only.
    assert!(p.allows("init_t", "user_home_t", "lnk_file", &["read", "getattr"]).unwrap());
    // q11: entrypoint.
    assert_eq!(p.entrypoints("httpd_t").unwrap(), ["httpd_exec_t"]);
    // audit2why verdicts (audit2why-output.txt).
    assert_eq!(
        p.booleans_that_allow("httpd_t", "user_home_t", "file", &["read"]).unwrap(),
        ["httpd_read_user_content"]
    );
    assert_eq!(
        p.booleans_that_allow("httpd_t", "unreserved_port_t", "tcp_socket", &["name_connect"])
            .unwrap(),
        ["allow_ypbind", "httpd_can_network_connect"]
    );
    assert!(
        p.booleans_that_allow("httpd_t", "unreserved_port_t", "tcp_socket", &["name_bind"])
            .unwrap()
            .is_empty()
    );
    assert!(p.allows("init_t", "user_home_t", "file", &["execute"]).unwrap());
    assert!(p.allows("httpd_t", "var_t", "dir", &["write"]).unwrap());
    assert!(p.allowed_perms("httpd_t", "httpd_sys_content_t", "file").unwrap().contains(&"read"));
}

#[test]
fn ports_first_match() {
    let p = debian();
    assert_eq!(p.port_type(6, 18081), Some("unreserved_port_t"));
    assert_eq!(p.port_type(6, 80), Some("http_port_t"));
    assert_eq!(p.port_type(6, 8080), Some("http_cache_port_t"));
    assert_eq!(p.port_type(17, 53), Some("dns_port_t"));
    assert_eq!(p.port_type(132, 600), Some("hi_reserved_port_t"));
    assert_eq!(p.port_type(6, 0), None);
    assert_eq!(p.port_type(99, 80), None);
    // The binary keeps CIL's order (narrower ranges first), so the first match is always the
    // narrowest entry containing the port.
    let cons = p.portcons();
    for (protocol, port) in (1..=65535u32).flat_map(|port| [6, 17, 132].map(|pr| (pr, port))) {
        let narrowest = cons
            .iter()
            .filter(|c| c.protocol == protocol && c.low <= port && port <= c.high)
            .min_by_key(|c| (c.high - c.low, c.low));
        let got = p.port_type(u8::try_from(protocol).unwrap(), u16::try_from(port).unwrap());
        assert_eq!(got, narrowest.map(|c| c.type_name), "{protocol}/{port}");
    }
}

/// `q16-portcon-all.txt` lists all 479 entries (sorted by seinfo): same multiset.
#[test]
fn portcons_equal_recorded_list() {
    let p = debian();
    let text =
        String::from_utf8(read_required(&format!("{SAMPLES}/q16-portcon-all.txt"), "shared/docs"))
            .unwrap();
    let mut expected: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("portcon "))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let ty = f[2].split(':').nth(2).unwrap();
            format!("{} {} {ty}", f[0], f[1])
        })
        .collect();
    let mut ours: Vec<String> = p
        .portcons()
        .iter()
        .map(|c| {
            let proto = selinux_audit::policy::binary::protocol_name(c.protocol).unwrap();
            let range =
                if c.low == c.high { c.low.to_string() } else { format!("{}-{}", c.low, c.high) };
            format!("{proto} {range} {}", c.type_name)
        })
        .collect();
    expected.sort();
    ours.sort();
    assert_eq!(ours.len(), 479);
    assert_eq!(ours, expected);
}

#[test]
fn type_transitions_recorded() {
    let p = debian();
    assert_eq!(p.type_transition("init_t", "httpd_exec_t", "process"), Some("httpd_t"));
    assert_eq!(p.type_transition("init_t", "bin_t", "process"), Some("initrc_t"));
    assert_eq!(p.type_transition("httpd_t", "etc_t", "file"), None);
    let tsv =
        String::from_utf8(read_required(&format!("{SAMPLES}/type-transitions.tsv"), "shared/docs"))
            .unwrap();
    let mut rows = 0;
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(p.type_transition(f[0], f[1], f[2]), Some(f[3]), "{line}");
        assert!(
            p.type_transitions_from(f[0])
                .unwrap()
                .iter()
                .any(|t| t.target == f[1] && t.new_type == f[3])
        );
        rows += 1;
    }
    assert_eq!(rows, 62);
    let from_init = p.type_transitions_from("init_t").unwrap();
    assert_eq!(from_init.iter().filter(|t| t.class == "process").count(), 587);
}

#[test]
fn booleans_and_defaults() {
    let p = debian();
    assert_eq!(p.booleans().len(), 291);
    for b in [
        "httpd_builtin_scripting",
        "httpd_enable_cgi",
        "httpd_can_network_connect",
        "httpd_can_network_connect_db",
        "httpd_read_user_content",
        "httpd_enable_homedirs",
        "httpd_unified",
        "allow_ypbind",
    ] {
        assert_eq!(p.boolean(b), Some(false), "{b}");
    }
    assert_eq!(p.boolean("nis_enabled"), None);
    assert!(p.booleans().iter().any(|&(_, on)| on));
}

#[test]
fn names_aliases_and_errors() {
    let p = debian();
    assert!(p.has_type("httpd_t") && !p.is_attribute("httpd_t"));
    assert!(p.has_type("domain") && p.is_attribute("domain"));
    assert_eq!(
        p.attributes_of("http_port_t").unwrap(),
        ["defined_port_type", "port_type", "reserved_port_type"]
    );
    // An alias answers like its type.
    let alias =
        p.type_names().iter().find_map(|t| p.aliases_of(t).unwrap().first().map(|a| (*t, *a)));
    let (ty, alias) = alias.expect("Debian has aliases");
    assert_eq!(p.primary_name(alias).unwrap(), ty);
    assert_eq!(p.attributes_of(alias).unwrap(), p.attributes_of(ty).unwrap());
    assert_eq!(p.class_perms("file").unwrap()[..3], ["ioctl", "read", "write"]);
    assert!(p.has_class("tcp_socket") && !p.has_class("no_such_class"));
    assert!(!p.is_permissive("httpd_t"));
    assert_eq!(
        p.allows("nope_t", "etc_t", "file", &["read"]),
        Err(QueryError::UnknownType("nope_t".into()))
    );
    assert_eq!(
        p.allows("httpd_t", "etc_t", "nope", &["read"]),
        Err(QueryError::UnknownClass("nope".into()))
    );
    assert_eq!(
        p.allows("httpd_t", "etc_t", "file", &["fly"]),
        Err(QueryError::UnknownPerm { class: "file".into(), perm: "fly".into() })
    );
    assert_eq!(
        p.allows_with_booleans("httpd_t", "etc_t", "file", &["read"], &[("nope", true)]),
        Err(QueryError::UnknownBoolean("nope".into()))
    );
}

/// The same policy converted by `checkpolicy` to every older version gives the same answers.
#[test]
fn converted_versions_24_to_32() {
    let dir = super::scratch_dir("debian");
    let base = debian();
    for version in 24..=32u32 {
        let out = dir.join(format!("policy.{version}"));
        let out_s = out.to_str().unwrap();
        let v = version.to_string();
        run_tool("checkpolicy", "checkpolicy", &["-b", "-M", "-c", &v, "-o", out_s, DEBIAN_POLICY]);
        let p = BinaryPolicy::parse(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(p.version(), version);
        let mut expected = base.stats();
        if version < 25 {
            // Filename transitions do not exist before version 25.
            expected.type_trans -= expected.filename_trans;
            expected.filename_trans = 0;
        }
        assert_eq!(p.stats(), expected, "version {version}");
        for (d, c, perms) in [
            ("httpd_t", "file", &["read", "open", "getattr"][..]),
            ("init_t", "file", &["execute"]),
        ] {
            assert_eq!(
                p.targets_allowing(d, c, perms).unwrap(),
                base.targets_allowing(d, c, perms).unwrap()
            );
        }
        assert_eq!(p.port_type(6, 8080), Some("http_cache_port_t"));
        assert_eq!(p.type_transition("init_t", "httpd_exec_t", "process"), Some("httpd_t"));
        if version >= 25 {
            let name = base.db().filename_trans.first().unwrap();
            let src = base.type_name(name.sources.iter().next().unwrap() + 1).unwrap();
            let (tgt, class) =
                (base.type_name(name.target).unwrap(), base.class_name(name.class).unwrap());
            assert_eq!(
                p.filename_transition(src, tgt, class, &name.name),
                base.filename_transition(src, tgt, class, &name.name)
            );
        }
    }
}

/// Current boolean values: set ones replace the stored defaults for every query; an unknown
/// name changes nothing.
#[test]
fn set_booleans_changes_every_query() {
    let mut p = BinaryPolicy::parse(super::debian_bytes()).unwrap();
    assert_eq!(
        p.set_booleans(&[("httpd_can_network_connect", true), ("nis_enabled", true)]),
        Err(QueryError::UnknownBoolean("nis_enabled".into()))
    );
    assert_eq!(p.boolean("httpd_can_network_connect"), Some(false));
    assert!(p.changed_booleans().is_empty());
    p.set_boolean("httpd_can_network_connect", true).unwrap();
    assert_eq!(p.boolean("httpd_can_network_connect"), Some(true));
    assert_eq!(p.boolean_default("httpd_can_network_connect"), Some(false));
    assert!(p.booleans().contains(&("httpd_can_network_connect", true)));
    assert_eq!(p.changed_booleans(), [("httpd_can_network_connect", true)]);
    assert!(p.allows("httpd_t", "unreserved_port_t", "tcp_socket", &["name_connect"]).unwrap());
    assert_eq!(p.targets_allowing("httpd_t", "tcp_socket", &["name_connect"]).unwrap().len(), 232);
    // Flips are counted from the current value: turning it off again is what would deny.
    assert!(
        p.booleans_that_allow("httpd_t", "unreserved_port_t", "tcp_socket", &["name_connect"])
            .unwrap()
            .is_empty()
    );
    let overridden = [("httpd_can_network_connect", false)];
    assert!(
        !p.allows_with_booleans(
            "httpd_t",
            "http_port_t",
            "tcp_socket",
            &["name_connect"],
            &overridden
        )
        .unwrap()
    );
    let p = p.with_booleans(&[("httpd_can_network_connect", false)]).unwrap();
    assert!(!p.allows("httpd_t", "unreserved_port_t", "tcp_socket", &["name_connect"]).unwrap());
    assert!(p.changed_booleans().is_empty());
}

/// Effective access with the booleans that change it (policy.md §4 q03, q05, q06 and the
/// audit2why verdicts), each answer re-checked with a single-pair query.
#[test]
fn access_targets_with_booleans() {
    let p = debian();
    let read = ["read", "open", "getattr"];
    let all = p.access_targets("httpd_t", "file", &read).unwrap();
    let allowed: Vec<&str> = all.iter().filter(|a| a.allowed).map(|a| a.target).collect();
    assert_eq!(allowed, p.targets_allowing("httpd_t", "file", &read).unwrap());
    assert_eq!(allowed.len(), 111);
    let home = all.iter().find(|a| a.target == "user_home_t").unwrap();
    assert!(!home.allowed);
    assert!(home.booleans.contains(&"httpd_read_user_content"), "{home:?}");
    let connect = p.access_targets("httpd_t", "tcp_socket", &["name_connect"]).unwrap();
    let dns = connect.iter().find(|a| a.target == "dns_port_t").unwrap();
    assert!(dns.allowed && dns.booleans.is_empty(), "{dns:?}");
    let unreserved = connect.iter().find(|a| a.target == "unreserved_port_t").unwrap();
    assert_eq!(unreserved.booleans, ["allow_ypbind", "httpd_can_network_connect"]);
    assert_eq!(connect.len(), 232, "port_type with httpd_can_network_connect");
    for (class, perms, list) in
        [("file", &read[..], &all), ("tcp_socket", &["name_connect"], &connect)]
    {
        for a in list.iter() {
            assert_eq!(p.allows("httpd_t", a.target, class, perms).unwrap(), a.allowed, "{a:?}");
            for b in &a.booleans {
                let flipped = [(*b, !p.boolean(b).unwrap())];
                let then = p.allows_with_booleans("httpd_t", a.target, class, perms, &flipped);
                assert_eq!(then.unwrap(), !a.allowed, "{a:?} {b}");
            }
        }
    }
}
