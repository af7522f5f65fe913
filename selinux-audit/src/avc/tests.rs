//! Tests of the AVC / USER_AVC body parser on real VM lines and synthetic edge cases.

use super::*;
use crate::record::parse_line;

fn decision(line: &[u8]) -> AvcData<'_> {
    match parse_avc(&parse_line(line).unwrap()).unwrap() {
        AvcOutcome::Decision(d) => *d,
        AvcOutcome::NotADecision => panic!("not a decision"),
    }
}

fn field<'d>(d: &'d AvcData<'_>, key: &str) -> Option<&'d str> {
    d.fields.get(key).and_then(|v| v.as_str())
}

#[test]
fn prelude_spacing_variants() {
    for text in [
        &b"avc:  denied  { read write } for  pid=1"[..],
        b"avc: denied {read write} for pid=1",
        b"avc:denied{ read\twrite }",
    ] {
        let p = parse_prelude(text).unwrap().unwrap();
        assert_eq!(p.verdict, Verdict::Denied);
        assert_eq!(p.perms, vec![&b"read"[..], b"write"]);
    }
    let p = parse_prelude(b"avc:  granted  { setenforce } for").unwrap().unwrap();
    assert_eq!(p.verdict, Verdict::Granted);
    assert_eq!(parse_prelude(b"avc:  received policyload notice (seqno=2)"), Ok(None));
    assert_eq!(
        parse_prelude(b"avc:  denied  { } for").unwrap_err().message,
        "empty permission set `{ }`"
    );
    assert_eq!(parse_prelude(b"avc:  denied  { read").unwrap_err().offset, 20);
    assert_eq!(parse_prelude(b"avc:  denied  read }").unwrap_err().offset, 14);
}

#[test]
fn kernel_avc_b_round2_search_with_trawcon() {
    let d = decision(b"type=AVC msg=audit(1796316330.272:46): avc:  denied  { search } for  pid=510 comm=\"monerod\" name=\"crypto\" dev=\"vda\" ino=376 scontext=system_u:system_r:monerod_t:s0 tcontext=system_u:object_r:unlabeled_t:s0 tclass=dir permissive=1 trawcon=\"unconfined_u:object_r:admin_home_t:s0\"");
    assert_eq!(d.record_type, RecordType::Avc);
    assert_eq!(d.perms, vec![&b"search"[..]]);
    assert_eq!(
        (d.tclass, d.permissive, d.pid, d.ino),
        (&b"dir"[..], Some(true), Some(510), Some(376))
    );
    assert_eq!(d.trawcon.unwrap().raw(), b"unconfined_u:object_r:admin_home_t:s0");
    assert_eq!(d.name.unwrap().raw(), b"crypto");
    assert_eq!(d.dev.unwrap().raw(), b"vda");
    assert!(d.fields.is_empty());
}

#[test]
fn capability_double_space_missing_permissive_and_ports() {
    let d = decision(b"type=AVC msg=audit(1796315975.604:28): avc:  denied  { checkpoint_restore } for  pid=306 comm=\"agetty\" capability=40  scontext=system_u:system_r:getty_t:s0 tcontext=system_u:system_r:getty_t:s0 tclass=capability2");
    assert_eq!(d.permissive, None);
    assert_eq!(field(&d, "capability"), Some("40"));
    let d = decision(b"type=AVC msg=audit(1.0:1): avc:  denied  { name_bind } for  pid=657 comm=\"monerod\" src=18080 scontext=a:b:c:s0 tcontext=a:b:d:s0 tclass=tcp_socket permissive=0");
    assert_eq!(d.port, Some(18080));
    let d = decision(b"type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 comm=\"x\" src=40000 dest=5432 scontext=a:b:c tcontext=a:b:d tclass=tcp_socket permissive=0");
    assert_eq!(d.port, Some(5432));
    let d = decision(b"type=AVC msg=audit(1.0:1): avc:  denied  { read write } for  pid=1 comm=\"x\" laddr=10.0.0.2 lport=22 faddr=10.0.0.9 fport=51022 scontext=a:b:c tcontext=a:b:d tclass=tcp_socket permissive=0");
    assert_eq!(d.port, Some(22));
    assert_eq!(field(&d, "faddr"), Some("10.0.0.9"));
}

#[test]
fn relative_path_stays_a_field() {
    let d = decision(b"type=AVC msg=audit(1.0:1): avc:  denied  { write } for  pid=395 comm=\"load_policy\" path=\"pipe:[15130]\" dev=\"pipefs\" ino=15130 scontext=a:b:c tcontext=a:b:d tclass=fifo_file permissive=0");
    assert_eq!(d.path, None);
    assert_eq!(field(&d, "path"), Some("pipe:[15130]"));
}

#[test]
fn user_avc_a_round1_start() {
    let d = decision(b"type=USER_AVC msg=audit(1796316040.112:54): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='avc:  denied  { start } for auid=n/a uid=0 gid=0 path=\"/etc/systemd/system/monerod.service\" cmdline=\"\" function=\"bus_unit_method_start_generic\" scontext=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=service permissive=0  exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?'");
    assert_eq!(d.record_type, RecordType::UserAvc);
    assert_eq!(d.tclass, b"service");
    assert_eq!(d.path.unwrap().raw(), b"/etc/systemd/system/monerod.service");
    assert_eq!((d.uid, d.auid, d.pid), (Some(0), None, None));
    assert_eq!(d.exe, None);
    assert_eq!(field(&d, "manager_exe"), Some("/usr/lib/systemd/systemd"));
    assert_eq!(field(&d, "manager_pid"), Some("1"));
    assert_eq!(field(&d, "manager_subj"), Some("system_u:system_r:init_t:s0"));
    assert_eq!(field(&d, "function"), Some("bus_unit_method_start_generic"));
    assert_eq!(field(&d, "manager_hostname"), None);
}

#[test]
fn old_user_avc_and_notices() {
    let d = decision(b"type=USER_AVC msg=audit(1160000600.200:1102): user pid=2001 uid=81 auid=4294967295 subj=system_u:system_r:system_dbusd_t:s0 msg='avc:  denied  { send_msg } for msgtype=method_call interface=org.example.Demo member=Ping dest=org.example.Demo spid=3001 tpid=3002 scontext=user_u:user_r:user_t:s0 tcontext=system_u:system_r:demo_t:s0 tclass=dbus : exe=\"/bin/dbus-daemon\" (sauid=81, hostname=?, addr=?, terminal=?)'");
    assert_eq!(d.tclass, b"dbus");
    assert_eq!(d.pid, Some(3001));
    assert_eq!(d.port, None);
    assert_eq!(field(&d, "dest"), Some("org.example.Demo"));
    assert_eq!(field(&d, "manager_exe"), Some("/bin/dbus-daemon"));
    assert_eq!(field(&d, "manager_sauid"), Some("81"));
    let notice = parse_line(b"type=USER_MAC_POLICY_LOAD msg=audit(1.0:2): pid=950 uid=81 msg='avc:  received policyload notice (seqno=7)  exe=\"/usr/bin/dbus-daemon\" sauid=81'").unwrap();
    assert_eq!(parse_avc(&notice), Ok(AvcOutcome::NotADecision));
    let notice = parse_line(b"type=USER_AVC msg=audit(1.0:2): pid=950 uid=81 msg='avc:  received setenforce notice (enforcing=1)'").unwrap();
    assert_eq!(parse_avc(&notice), Ok(AvcOutcome::NotADecision));
    let apparmor = parse_line(b"type=AVC msg=audit(1.0:3): apparmor=\"DENIED\" operation=\"open\" profile=\"x\" name=\"/y\" pid=1 comm=\"z\"").unwrap();
    assert_eq!(parse_avc(&apparmor), Ok(AvcOutcome::NotADecision));
}

#[test]
fn malformed_bodies_are_bad_avc_with_offsets() {
    let line = b"type=AVC msg=audit(1.0:1): avc:  denied  { } for  pid=1 scontext=a:b:c tcontext=a:b:d tclass=file";
    let e = parse_avc(&parse_line(line).unwrap()).unwrap_err();
    assert_eq!(e.kind, DiagnosticKind::BadAvc);
    assert_eq!(&line[e.offset..e.offset + 5], b" for ");
    let line = b"type=AVC msg=audit(1.0:1): avc:  denied  { read } for  pid=1 tclass=file";
    let e = parse_avc(&parse_line(line).unwrap()).unwrap_err();
    assert_eq!((e.kind, e.offset), (DiagnosticKind::BadAvc, 27));
    let line = b"type=AVC msg=audit(1.0:1): avc:  denied  { read } for  pid=1 scontext=a:b:c tcontext=a:b:d tclass=";
    let e = parse_avc(&parse_line(line).unwrap()).unwrap_err();
    assert_eq!(e.message, "AVC lacks a non-empty scontext=, tcontext= or tclass=");
}
