//! Tests of [`parse_line`] on real VM lines and hand-made edge cases.

use super::*;

const A2_AVC: &[u8] = b"type=AVC msg=audit(1796316056.356:68): avc:  denied  { read } for  pid=540 comm=\"monerod\" name=\"monero.conf\" dev=\"vda\" ino=383 scontext=system_u:system_r:monerod_t:s0 tcontext=unconfined_u:object_r:usr_t:s0 tclass=file permissive=0\n";

const B2_SYSCALL: &[u8] = b"type=SYSCALL msg=audit(1796316330.272:46): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffcc6c5eed1 a2=0 a3=0 items=1 ppid=1 pid=510 auid=4294967295 uid=997 gid=997 euid=997 suid=997 fsuid=997 egid=997 sgid=997 fsgid=997 tty=(none) ses=4294967295 comm=\"monerod\" exe=\"/opt/crypto/monero-x86_64-linux-gnu-v0.17.1.9/monerod\" subj=system_u:system_r:monerod_t:s0 key=(null)\x1dARCH=x86_64 SYSCALL=openat AUID=\"unset\" UID=\"monero\" GID=\"monero\"";

const A1_USER_AVC: &[u8] = b"type=USER_AVC msg=audit(1796316040.112:54): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:init_t:s0 msg='avc:  denied  { start } for auid=n/a uid=0 gid=0 path=\"/etc/systemd/system/monerod.service\" cmdline=\"\" function=\"bus_unit_method_start_generic\" scontext=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=service permissive=0  exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?'";

#[test]
fn raw_avc_line() {
    let r = parse_line(A2_AVC).unwrap();
    assert_eq!(r.kind, RecordKind::Avc);
    assert_eq!(r.type_num, Some(1400));
    assert_eq!(r.serial, 68);
    assert_eq!(r.time.raw, b"1796316056.356");
    assert!(r.body.starts_with(b"avc:  denied  { read } for  pid=540"));
    assert!(r.body.ends_with(b"permissive=0"));
    assert_eq!(r.get("name").unwrap().bytes().as_ref(), b"monero.conf");
    assert_eq!(r.get("ino").unwrap().raw(), b"383");
    assert_eq!(r.get("tcontext").unwrap().raw(), b"unconfined_u:object_r:usr_t:s0");
    assert_eq!(r.enrichment, Enrichment::None);
    assert!(r.warnings.is_empty());
    assert_eq!(r.line.last(), Some(&b'0'));
}

#[test]
fn enriched_syscall_keeps_raw_and_enriched_apart() {
    let r = parse_line(B2_SYSCALL).unwrap();
    assert_eq!(r.kind, RecordKind::Syscall);
    assert_eq!(r.enrichment, Enrichment::Separator);
    assert_eq!(r.get("key").unwrap(), Value::Bare(b"(null)"));
    assert_eq!(r.get("auid").unwrap().raw(), b"4294967295");
    assert_eq!(r.get("ARCH"), None);
    assert_eq!(r.enriched_get("ARCH").unwrap().raw(), b"x86_64");
    assert_eq!(r.enriched_get("AUID").unwrap(), Value::Quoted(b"unset"));
    assert_eq!(r.enriched_get("auid"), None);
    assert!(r.body.ends_with(b"key=(null)"));
}

#[test]
fn user_avc_inner_and_outer_are_apart() {
    let r = parse_line(A1_USER_AVC).unwrap();
    assert_eq!(r.kind, RecordKind::UserAvc);
    assert_eq!(r.get("pid").unwrap().raw(), b"1");
    assert_eq!(r.get("subj").unwrap().raw(), b"system_u:system_r:init_t:s0");
    assert_eq!(r.get("auid").unwrap().raw(), b"4294967295");
    assert_eq!(r.inner_get("auid").unwrap().raw(), b"n/a");
    assert_eq!(r.inner_get("cmdline").unwrap(), Value::Quoted(b""));
    assert_eq!(r.inner_get("exe").unwrap().bytes().as_ref(), b"/usr/lib/systemd/systemd");
    let inner = r.inner.as_ref().unwrap();
    assert!(inner.text.starts_with(b"avc:  denied  { start } for auid=n/a"));
    assert_eq!(&A1_USER_AVC[inner.offset..inner.offset + 4], b"avc:");
}

#[test]
fn hex_values_decode_by_key_only() {
    let line = b"type=SYSCALL msg=audit(1.2:3): a2=3005 comm=77656220737276 exe=2F746D702FFF626164 key=66696C6573017365636D61726B";
    let r = parse_line(line).unwrap();
    assert_eq!(r.get("a2").unwrap(), Value::Bare(b"3005"));
    assert_eq!(r.get("comm").unwrap().bytes().as_ref(), b"web srv");
    assert_eq!(r.get("exe").unwrap().bytes().as_ref(), b"/tmp/\xffbad");
    assert_eq!(r.get("key").unwrap().bytes().as_ref(), b"files\x01secmark");
}

#[test]
fn node_prefix_crlf_and_numeric_type() {
    let line = b"node=db02.example.net type=1400 msg=audit(1700001200.100:77): avc:  denied  { read } for  pid=13 tclass=file \r\n";
    let r = parse_line(line).unwrap();
    assert_eq!(r.node, Some(&b"db02.example.net"[..]));
    assert_eq!(r.kind, RecordKind::Avc);
    assert_eq!(r.get("tclass").unwrap().raw(), b"file");
    assert!(r.line.ends_with(b"tclass=file"));
    let r = parse_line(b"type=UNKNOWN[1420] msg=audit(1.0:9): subj_selinux=a:b:c:s0").unwrap();
    assert_eq!((r.kind, r.type_num), (RecordKind::Other, Some(1420)));
}

#[test]
fn non_utf8_bytes_are_kept() {
    let line = b"type=CWD msg=audit(1.0:9): cwd=\"/srv/\xc3\x28\"";
    let r = parse_line(line).unwrap();
    assert_eq!(r.get("cwd").unwrap().bytes().as_ref(), b"/srv/\xc3\x28");
}

#[test]
fn errors_carry_offsets() {
    let e = parse_line(b"   garbage").unwrap_err();
    assert_eq!((e.kind, e.offset), (DiagnosticKind::NotARecord, 3));
    let e = parse_line(b"type=AVC msg=audit(x): y").unwrap_err();
    assert_eq!(e.kind, DiagnosticKind::BadHeader);
    assert_eq!(e.offset, 19);
    assert_eq!(e.to_string(), "byte 19: malformed `msg=audit(SEC.MSEC:SERIAL):` header");
}

#[test]
fn several_records_on_one_line() {
    let line = b"host=lab7 type=AVC msg=audit(1200000000.100:41): avc:  denied  { read } for pid=140 tclass=blk_file host=lab7 type=SYSCALL msg=audit(1200000000.100:41): arch=c000003e syscall=2";
    let r = parse_line(line).unwrap();
    assert_eq!(r.node, Some(&b"lab7"[..]));
    let next = r.next_record.unwrap();
    assert!(r.line.ends_with(b"tclass=blk_file"));
    let second = parse_line(&line[next..]).unwrap();
    assert_eq!(second.kind, RecordKind::Syscall);
    assert_eq!(second.get("syscall").unwrap().raw(), b"2");
    assert_eq!(second.next_record, None);
}

#[test]
fn truncated_line_keeps_complete_fields() {
    let line = b"type=AVC msg=audit(1700001500.300:97): avc:  denied  { read } for  pid=71 comm=\"cut\" name=\"half";
    let r = parse_line(line).unwrap();
    assert_eq!(r.get("comm").unwrap().raw(), b"cut");
    assert_eq!(r.get("name"), None);
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].kind, DiagnosticKind::Truncated);
    assert_eq!(&line[r.warnings[0].offset..r.warnings[0].offset + 5], b"\"half");
}

#[test]
fn dmesg_printk_lines() {
    let line = b"[  160.298387] audit: type=1400 audit(1796316344.288:56): avc:  denied  { read } for  pid=569 comm=\"monerod\" name=\"monero.conf\" dev=\"vda\" ino=387 scontext=system_u:system_r:monerod_t:s0 tcontext=system_u:object_r:usr_t:s0 tclass=file permissive=1";
    let r = parse_line(line).unwrap();
    assert_eq!((r.kind, r.serial, r.node), (RecordKind::Avc, 56, None));
    assert!(r.body.starts_with(b"avc:  denied  { read }"));
    assert_eq!(r.get("ino").unwrap().raw(), b"387");
    assert_eq!(r.line, &line[..]);
    let e = parse_line(b"[ 1.0] audit: type=1400 audit(x)").unwrap_err();
    assert_eq!((e.kind, e.offset), (DiagnosticKind::BadHeader, 30));
}
