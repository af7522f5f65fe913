//! Turning one event into [`Denial`]s: one per AVC/USER_AVC decision record, completed from the
//! event's SYSCALL (ppid, uid, auid, exe, syscall, success, exit), PROCTITLE (argv), CWD and PATH
//! records (object path and mode; the obsolete AVC_PATH counts as a PATH record).
//!
//! USER_AVC records are completed from their own fields only: any SYSCALL in their event is the
//! object manager's, not the subject's.

use crate::avc::{AvcData, AvcOutcome, login_uid, parse_avc};
use crate::bytes::ByteStr;
use crate::context::SecurityContext;
use crate::denial::{Denial, RecordType, rfc3339_utc};
use crate::error::{Diagnostic, Location};
use crate::event::{Event, LinePos};
use crate::parse::ParsedLog;
use crate::parse::paths::{EventPaths, PathItem, resolve};
use crate::record::{Record, RecordKind, Value, parse_i64, parse_octal_u32, parse_u64};

/// Builds the denials of `event` into `out` (diagnostics for malformed AVC bodies too).
pub fn assemble(event: &Event<'_>, file: &str, out: &mut ParsedLog) {
    let decisions: Vec<(usize, Box<AvcData<'_>>)> = event
        .records
        .iter()
        .enumerate()
        .filter(|(_, (r, _))| matches!(r.kind, RecordKind::Avc | RecordKind::UserAvc))
        .filter_map(|(i, (r, pos))| match parse_avc(r) {
            Ok(AvcOutcome::Decision(d)) => Some((i, d)),
            Ok(AvcOutcome::NotADecision) => None,
            Err(e) => {
                out.diagnostics.push(Diagnostic {
                    file: file.to_owned(),
                    line: pos.line,
                    byte: pos.byte + u64::try_from(e.offset).unwrap_or(0),
                    kind: e.kind,
                    message: e.message,
                });
                None
            }
        })
        .collect();
    if decisions.is_empty() {
        return;
    }
    let ctx = Companions::of(event);
    for (i, data) in decisions {
        let Some((record, pos)) = event.records.get(i) else { continue };
        let denial = build(record, *pos, &data, &ctx, event, i, file);
        out.stats.avc_records += 1;
        out.denials.push(denial);
    }
}

/// The event's companion records, decoded once.
struct Companions<'e> {
    syscall: Option<&'e Record<'e>>,
    argv: Option<Vec<ByteStr>>,
    items: Vec<PathItem>,
    cwd: Option<Vec<u8>>,
}

impl<'e> Companions<'e> {
    fn of(event: &'e Event<'e>) -> Self {
        let mut c = Companions { syscall: None, argv: None, items: Vec::new(), cwd: None };
        for (r, _) in &event.records {
            match r.kind {
                RecordKind::Syscall if c.syscall.is_none() => c.syscall = Some(r),
                RecordKind::Proctitle if c.argv.is_none() => {
                    c.argv = r.get("proctitle").map(split_argv);
                }
                RecordKind::Cwd if c.cwd.is_none() => {
                    c.cwd = r.get("cwd").map(|v| v.bytes().into_owned());
                }
                // The obsolete AVC_PATH (1402) of 2.6-era kernels: a full path, no inode.
                RecordKind::AvcPath => c.items.push(PathItem {
                    name: r.get("path").filter(|v| !v.is_unset()).map(|v| v.bytes().into_owned()),
                    inode: None,
                    mode: None,
                }),
                RecordKind::Path => c.items.push(PathItem {
                    name: r.get("name").filter(|v| !v.is_unset()).map(|v| v.bytes().into_owned()),
                    inode: r.get("inode").and_then(|v| parse_u64(v.raw())),
                    mode: r.get("mode").and_then(|v| parse_octal_u32(v.raw())),
                }),
                _ => {}
            }
        }
        c
    }

    fn sys(&self, key: &str) -> Option<Value<'e>> {
        self.syscall.and_then(|s| s.get(key))
    }
}

/// PROCTITLE argv: decoded, split on NUL (a trailing NUL gives no empty argument).
fn split_argv(v: Value<'_>) -> Vec<ByteStr> {
    let bytes = v.bytes();
    let bytes = bytes.strip_suffix(b"\0").unwrap_or(&bytes);
    bytes.split(|&b| b == 0).map(ByteStr::from).collect()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn u32_of(v: Option<Value<'_>>) -> Option<u32> {
    v.and_then(|v| parse_u64(v.raw())).and_then(|n| u32::try_from(n).ok())
}

fn build(
    record: &Record<'_>,
    pos: LinePos,
    a: &AvcData<'_>,
    ctx: &Companions<'_>,
    event: &Event<'_>,
    own_index: usize,
    file: &str,
) -> Denial {
    let kernel = a.record_type == RecordType::Avc;
    let scontext = lossy(a.scontext);
    let tcontext = lossy(a.tcontext);
    let sys = |key: &str| if kernel { ctx.sys(key) } else { None };
    let exe = a.exe.or_else(|| sys("exe")).filter(|v| !v.is_unset()).map(|v| v.to_bytestr());
    let paths = EventPaths {
        items: if kernel { &ctx.items } else { &[] },
        cwd: if kernel { ctx.cwd.as_deref() } else { None },
        argv: if kernel { ctx.argv.as_deref() } else { None },
        exe: exe.as_ref().map(ByteStr::as_bytes),
    };
    let avc_path = a.path.map(|v| v.bytes());
    let name = a.name.filter(|v| !v.is_unset()).map(|v| v.bytes());
    let resolved = resolve(avc_path.as_deref(), name.as_deref(), a.ino, &paths);
    let mut records = Vec::with_capacity(event.records.len());
    records.push(ByteStr::from(record.line));
    for (i, (r, _)) in event.records.iter().enumerate() {
        if i != own_index && !matches!(r.kind, RecordKind::Avc | RecordKind::UserAvc) {
            records.push(ByteStr::from(r.line));
        }
    }
    Denial {
        id: 0,
        serial: record.serial,
        time: rfc3339_utc(record.time.sec, record.time.msec),
        audit_ts: lossy(record.time.raw),
        node: record.node.map(lossy),
        record_type: a.record_type,
        verdict: a.verdict,
        permissive: a.permissive,
        perms: a.perms.iter().map(|p| lossy(p)).collect(),
        class: lossy(a.tclass),
        source: SecurityContext::parse(&scontext),
        target: SecurityContext::parse(&tcontext),
        scontext,
        tcontext,
        srawcon: a.srawcon.map(|v| v.to_bytestr()),
        trawcon: a.trawcon.map(|v| v.to_bytestr()),
        pid: a.pid.or_else(|| u32_of(sys("pid"))),
        ppid: u32_of(sys("ppid")),
        uid: a.uid.or_else(|| u32_of(sys("uid"))),
        auid: if kernel { sys("auid").and_then(login_uid) } else { a.auid },
        comm: a.comm.or_else(|| sys("comm")).map(|v| v.to_bytestr()),
        exe,
        proctitle: if kernel { ctx.argv.clone() } else { None },
        syscall: u32_of(sys("syscall")),
        success: sys("success").and_then(|v| match v.raw() {
            b"yes" => Some(true),
            b"no" => Some(false),
            _ => None,
        }),
        exit: sys("exit").and_then(|v| parse_i64(v.raw())),
        path: resolved.path.map(ByteStr),
        path_source: resolved.source,
        name: name.map(|n| ByteStr(n.into_owned())),
        dev: a.dev.filter(|v| !v.is_unset()).map(|v| v.to_bytestr()),
        ino: a.ino,
        mode: resolved.mode,
        port: a.port,
        fields: a.fields.clone(),
        count: 1,
        location: Location { file: file.to_owned(), line: pos.line, byte: pos.byte },
        records,
    }
}
