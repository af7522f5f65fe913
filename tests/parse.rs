//! Whole-log parsing over the project's own corpus (`corpus/raw/`): one insta snapshot per
//! file, plus the scenario facts the rules depend on, asserted value by value.

// Test/bench code: a failed unwrap or an out-of-range index is a test failure, which is fine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::Path;

use selinux_audit::denial::{Denial, PathSource, RecordType, Verdict};
use selinux_audit::error::DiagnosticKind;
use selinux_audit::parse::{ParsedLog, PolicyEventKind, merge_identical, parse_log};
use selinux_audit::resolve::{PathHint, apply_hints};

const RAW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/raw");

fn parse_file(name: &str) -> ParsedLog {
    let bytes = std::fs::read(Path::new(RAW).join(name)).unwrap();
    parse_log(&bytes, name)
}

fn path_of(d: &Denial) -> Option<&str> {
    d.path.as_ref().and_then(|p| p.as_str())
}

#[test]
fn corpus_snapshots() {
    let count = std::fs::read_dir(RAW)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "log"))
        .count();
    assert!(count >= 1, "corpus/raw has no .log files");
    insta::glob!("../corpus/raw", "*.log", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let log = parse_log(&bytes, &name);
        let s = &log.stats;
        assert_eq!(
            s.records + s.skipped + s.unparsed,
            s.lines,
            "{name}: a line is unaccounted for"
        );
        insta::assert_json_snapshot!(log);
    });
}

#[test]
fn a_round2_config_read_resolved_from_proctitle() {
    let log = parse_file("A-round2.raw.log");
    assert_eq!(log.stats.lines, 18);
    assert_eq!(log.stats.records, 18);
    assert_eq!(log.denials.len(), 2);
    let d = &log.denials[1];
    assert_eq!(d.perms, vec!["read"]);
    assert_eq!(d.class, "file");
    assert_eq!(d.verdict, Verdict::Denied);
    assert_eq!(d.permissive, Some(false));
    assert_eq!(d.source_type(), Some("monerod_t"));
    assert_eq!(d.target_type(), Some("usr_t"));
    assert_eq!(path_of(d), Some("/opt/crypto/monero.conf"));
    assert_eq!(d.path_source, PathSource::Proctitle);
    assert_eq!(d.name.as_ref().and_then(|n| n.as_str()), Some("monero.conf"));
    assert_eq!((d.dev.as_ref().and_then(|v| v.as_str()), d.ino), (Some("vda"), Some(383)));
    assert_eq!((d.pid, d.ppid, d.uid, d.auid), (Some(540), Some(1), Some(997), None));
    assert_eq!(
        d.exe.as_ref().and_then(|e| e.as_str()),
        Some("/opt/crypto/monero-x86_64-linux-gnu-v0.17.1.9/monerod")
    );
    assert_eq!((d.syscall, d.success, d.exit), (Some(257), Some(false), Some(-13)));
    let argv: Vec<_> = d.proctitle.as_ref().unwrap().iter().map(|a| a.to_string()).collect();
    assert_eq!(
        argv,
        [
            "/opt/crypto/monero/monerod",
            "--config-file",
            "/opt/crypto/monero.conf",
            "--non-interactive"
        ]
    );
    assert_eq!(d.time, "2026-12-03T16:40:56.356Z");
    assert_eq!(d.audit_ts, "1796316056.356");
    assert_eq!((d.location.line, d.location.byte), (15, 1800));
    assert_eq!(d.records.len(), 3);
    assert!(d.records[0].as_bytes().starts_with(b"type=AVC msg=audit(1796316056.356:68)"));
    assert!(d.records[1].as_bytes().starts_with(b"type=SYSCALL"));
    assert!(d.records[2].as_bytes().starts_with(b"type=PROCTITLE"));
    assert_eq!(d.count, 1);
}

#[test]
fn a_round3_data_dir_stays_unresolved() {
    let log = parse_file("A-round3.raw.log");
    assert_eq!(log.denials.len(), 1);
    let d = &log.denials[0];
    assert_eq!((d.perms.as_slice(), d.class.as_str()), (&["write".to_owned()][..], "dir"));
    assert_eq!(d.name.as_ref().and_then(|n| n.as_str()), Some("monero-data"));
    assert_eq!((d.dev.as_ref().and_then(|v| v.as_str()), d.ino), (Some("vda"), Some(378)));
    assert_eq!((d.path.as_ref(), d.path_source), (None, PathSource::Unresolved));
    let kinds: Vec<_> = log.policy_events.iter().map(|e| (e.kind, e.serial)).collect();
    assert_eq!(
        kinds,
        [(PolicyEventKind::MacPolicyLoad, 70), (PolicyEventKind::UserMacConfigChange, 71)]
    );
    let tglob = log.policy_events[1].fields.get("tglob").and_then(|v| v.as_str());
    assert_eq!(tglob, Some("/opt/crypto/monero\\.conf"));
}

#[test]
fn a_round4_port_from_src() {
    let log = parse_file("A-round4.raw.log");
    let d = &log.denials[0];
    assert_eq!((d.perms[0].as_str(), d.class.as_str()), ("name_bind", "tcp_socket"));
    assert_eq!(d.port, Some(18080));
    assert_eq!(d.target_type(), Some("unreserved_port_t"));
    assert_eq!(d.fields.get("src").and_then(|v| v.as_str()), Some("18080"));
}

#[test]
fn a_round1_user_avc_start_names_the_unit_file() {
    let log = parse_file("A-round1.raw.log");
    let starts: Vec<_> = log.denials.iter().filter(|d| d.perms == ["start"]).collect();
    assert_eq!(starts.len(), 1);
    let d = starts[0];
    assert_eq!(d.record_type, RecordType::UserAvc);
    assert_eq!(d.class, "service");
    assert_eq!(path_of(d), Some("/etc/systemd/system/monerod.service"));
    assert_eq!(d.path_source, PathSource::Avc);
    assert_eq!(d.source_type(), Some("unconfined_t"));
    assert_eq!(d.target_type(), Some("user_home_t"));
    assert_eq!((d.uid, d.auid, d.pid, d.exe.as_ref()), (Some(0), None, None, None));
    let field = |k: &str| d.fields.get(k).and_then(|v| v.as_str());
    assert_eq!(field("manager_pid"), Some("1"));
    assert_eq!(field("manager_exe"), Some("/usr/lib/systemd/systemd"));
    assert_eq!(field("manager_subj"), Some("system_u:system_r:init_t:s0"));
    assert_eq!(field("function"), Some("bus_unit_method_start_generic"));
    assert_eq!(field("cmdline"), Some(""));
    assert_eq!(field("exe"), None);
}

#[test]
fn b_round2_permissive_unlabeled_with_path_records() {
    let log = parse_file("B-round2.enriched.log");
    assert_eq!(log.denials.len(), 10);
    assert!(log.denials.iter().all(|d| d.permissive == Some(true)));
    assert!(log.diagnostics.is_empty(), "{:?}", log.diagnostics);
    let by = |perm: &str, name: &str| {
        log.denials
            .iter()
            .find(|d| d.perms[0] == perm && d.name.as_ref().and_then(|n| n.as_str()) == Some(name))
            .unwrap()
    };
    let search = by("search", "crypto");
    assert_eq!(
        (path_of(search), search.path_source),
        (Some("/opt/crypto"), PathSource::PathComponent)
    );
    assert_eq!(
        search.trawcon.as_ref().and_then(|t| t.as_str()),
        Some("unconfined_u:object_r:admin_home_t:s0")
    );
    assert_eq!(search.target_type(), Some("unlabeled_t"));
    let read = by("read", "monero.conf");
    assert_eq!(
        (path_of(read), read.path_source),
        (Some("/opt/crypto/monero.conf"), PathSource::PathRecord)
    );
    assert_eq!(read.mode, Some(0o100_644));
    let data = by("search", "monero-data");
    assert_eq!(
        (path_of(data), data.path_source),
        (Some("/opt/crypto/monero-data"), PathSource::PathRecord)
    );
    assert_eq!((data.ino, data.mode, data.trawcon.as_ref()), (Some(378), Some(0o40_750), None));
    assert_eq!(data.success, Some(true));
    let mdb = by("read", "data.mdb");
    assert_eq!(mdb.perms, ["read", "write"]);
    assert_eq!((mdb.path.as_ref(), mdb.path_source), (None, PathSource::Unresolved));
    let open = log.denials.iter().find(|d| d.perms == ["open"] && d.ino == Some(387)).unwrap();
    assert_eq!(open.path_source, PathSource::Avc);
}

#[test]
fn merge_and_hints_on_real_logs() {
    let log = parse_file("extra-A-try1-harness.raw.log");
    let total = log.denials.len() as u64;
    let merged = merge_identical(log.denials);
    assert!(merged.len() < total as usize);
    assert_eq!(merged.iter().map(|d| d.count).sum::<u64>(), total);
    assert_eq!(
        merged.iter().map(|d| d.id).collect::<Vec<_>>(),
        (1..=merged.len() as u32).collect::<Vec<_>>()
    );
    // A hint resolves A round 3's data directory.
    let mut denials = parse_file("A-round3.raw.log").denials;
    let hints = [
        PathHint { dev: Some("vdb".into()), ino: 378, path: "/wrong".into() },
        PathHint { dev: Some("vda".into()), ino: 378, path: "/opt/crypto/monero-data".into() },
    ];
    apply_hints(&mut denials, &hints);
    assert_eq!(path_of(&denials[0]), Some("/opt/crypto/monero-data"));
    assert_eq!(denials[0].path_source, PathSource::Hint);
}

#[test]
fn edge_cases_report_what_they_should() {
    let log = parse_file("edge-garbage.log");
    let kinds: Vec<_> = log.diagnostics.iter().map(|d| d.kind).collect();
    assert!(kinds.contains(&DiagnosticKind::LineTooLong));
    assert!(kinds.contains(&DiagnosticKind::NotARecord));
    assert!(kinds.contains(&DiagnosticKind::BadAvc));
    // Same dev+ino as the `path=` AVC: the name-only one is upgraded across the log.
    let ok: Vec<_> = log
        .denials
        .iter()
        .filter(|d| d.comm.as_ref().and_then(|c| c.as_str()) == Some("ok"))
        .collect();
    assert_eq!(ok.len(), 2);
    assert_eq!((path_of(ok[1]), ok[1].path_source), (Some("/var/lib/ok"), PathSource::SameInode));
    let structure = parse_file("edge-structure.log");
    assert_eq!(structure.stats.skipped, 3);
    let nodes: Vec<_> = structure.denials.iter().filter_map(|d| d.node.as_deref()).collect();
    assert_eq!(nodes, ["web01", "db02.example.net", "lab7"]);
    let truncated =
        structure.diagnostics.iter().filter(|d| d.kind == DiagnosticKind::Truncated).count();
    assert_eq!(truncated, 1);
}

/// Merging while reading gives the same denials and counts as merging afterwards.
#[test]
fn merging_while_reading_equals_merging_afterwards() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/raw");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "log") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let mut doubled = bytes.clone();
        doubled.extend_from_slice(&bytes);
        let late = selinux_audit::parse::merge_identical(
            selinux_audit::parse::parse_log(&doubled, "x").denials,
        );
        let early = selinux_audit::parse::merge_identical(
            selinux_audit::parse::parse_log_merged(&doubled, "x").denials,
        );
        assert_eq!(late, early, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 5);
}
