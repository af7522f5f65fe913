//! AVC and USER_AVC bodies: `avc:  denied|granted  { p1 p2 } for  …fields…`.
//!
//! The prelude is parsed with nom and tolerates any spacing (one or two spaces, none inside
//! the braces). The fields after `for` come from the record lexer, so the lookup is independent
//! of field order. An empty `{ }` or missing `scontext`/`tcontext`/`tclass` is a `bad-avc` error.
//!
//! USER_AVC carries two sets of keys: the outer `pid= uid= subj=` belong to the *object
//! manager* (systemd, dbus-daemon …), as does libaudit's trailer after `tclass=` (`exe= sauid=
//! hostname= addr= terminal=`, or the 2006 form ` : exe="…" (sauid=…, …)`). They are kept as
//! `manager_*` fields; the subject is the inner `scontext`, and inner `uid`/`auid`/`pid`/`path`
//! describe the subject and object. `avc:  received policyload notice …` and other texts that
//! are not a decision are [`AvcOutcome::NotADecision`], not errors.

use std::collections::BTreeMap;

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_till};
use nom::character::complete::{char, space0};

use crate::bytes::ByteStr;
use crate::denial::{RecordType, Verdict};
use crate::error::DiagnosticKind;
use crate::record::{Field, LineError, Record, RecordKind, Value, parse_u64};

/// The parts of an AVC decision, borrowed from the record.
#[derive(Clone, Debug, PartialEq)]
pub struct AvcData<'a> {
    /// AVC or USER_AVC.
    pub record_type: RecordType,
    /// Denied or granted.
    pub verdict: Verdict,
    /// Permissions in logged order.
    pub perms: Vec<&'a [u8]>,
    /// `scontext=` as written.
    pub scontext: &'a [u8],
    /// `tcontext=` as written.
    pub tcontext: &'a [u8],
    /// `tclass=`.
    pub tclass: &'a [u8],
    /// `permissive=`; `None` when absent.
    pub permissive: Option<bool>,
    /// `srawcon=`.
    pub srawcon: Option<Value<'a>>,
    /// `trawcon=`.
    pub trawcon: Option<Value<'a>>,
    /// Subject pid (`pid=`; for D-Bus USER_AVC the sender's `spid=`).
    pub pid: Option<u32>,
    /// Subject uid (USER_AVC inner `uid=`).
    pub uid: Option<u32>,
    /// Subject login uid (USER_AVC inner `auid=`), `None` when unset.
    pub auid: Option<u32>,
    /// `comm=`.
    pub comm: Option<Value<'a>>,
    /// Subject executable, when the AVC itself names it (never the object manager's).
    pub exe: Option<Value<'a>>,
    /// Absolute `path=`.
    pub path: Option<Value<'a>>,
    /// `name=`.
    pub name: Option<Value<'a>>,
    /// `dev=`.
    pub dev: Option<Value<'a>>,
    /// `ino=`.
    pub ino: Option<u64>,
    /// Port for socket denials.
    pub port: Option<u16>,
    /// Every other field, decoded (including a non-absolute `path`, ports and addresses, and
    /// for USER_AVC the `manager_*` fields).
    pub fields: BTreeMap<String, ByteStr>,
}

/// What an AVC/USER_AVC record holds.
#[derive(Clone, Debug, PartialEq)]
pub enum AvcOutcome<'a> {
    /// A denied or granted decision.
    Decision(Box<AvcData<'a>>),
    /// A notice (`received policyload notice`, `received setenforce notice`), an AppArmor
    /// record typed AVC, or another text that is not an SELinux decision.
    NotADecision,
}

/// The prelude: verdict, permissions and where the fields start in `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prelude<'a> {
    /// Denied or granted.
    pub verdict: Verdict,
    /// The permissions.
    pub perms: Vec<&'a [u8]>,
}

/// Parses `avc:  denied  { … } for` at the start of `text`.
/// `Ok(None)`: `avc:` followed by something other than a decision (a notice).
/// `Err`: the decision is malformed (`bad-avc`, offset within `text`).
pub fn parse_prelude(text: &[u8]) -> Result<Option<Prelude<'_>>, LineError> {
    let bad = |at: usize, msg: &str| LineError::new(at, DiagnosticKind::BadAvc, msg);
    let off = |rest: &[u8]| text.len().saturating_sub(rest.len());
    let Ok((rest, verdict)) = verdict(text) else {
        return Ok(None);
    };
    let (rest, perms_text) = match perm_set(rest) {
        Ok(ok) => ok,
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            return Err(bad(off(e.input), "no complete `{ … }` permission set after the verdict"));
        }
        Err(nom::Err::Incomplete(_)) => {
            return Err(bad(text.len(), "no complete `{ … }` permission set after the verdict"));
        }
    };
    let perms: Vec<&[u8]> =
        perms_text.split(|b| b.is_ascii_whitespace()).filter(|p| !p.is_empty()).collect();
    if perms.is_empty() {
        return Err(bad(off(rest), "empty permission set `{ }`"));
    }
    Ok(Some(Prelude { verdict, perms }))
}

fn verdict(i: &[u8]) -> IResult<&[u8], Verdict> {
    let (i, _) = tag(&b"avc:"[..])(i)?;
    let (i, _) = space0(i)?;
    alt((tag(&b"denied"[..]), tag(&b"granted"[..])))
        .map(|v: &[u8]| if v == b"denied" { Verdict::Denied } else { Verdict::Granted })
        .parse(i)
}

fn perm_set(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (i, _) = space0(i)?;
    let (i, _) = char('{')(i)?;
    let (i, perms) = take_till(|b| b == b'}')(i)?;
    let (i, _) = char('}')(i)?;
    Ok((i, perms))
}

/// Reads an AVC or USER_AVC record.
pub fn parse_avc<'a>(record: &Record<'a>) -> Result<AvcOutcome<'a>, LineError> {
    match record.kind {
        RecordKind::Avc => {
            let Some(prelude) = prelude_at(record.body, record.body_offset)? else {
                return Ok(AvcOutcome::NotADecision);
            };
            let data = collect(prelude, RecordType::Avc, &record.fields, record.body_offset)
                .map_err(|(msg, at)| LineError::new(at, DiagnosticKind::BadAvc, msg))?;
            Ok(AvcOutcome::Decision(Box::new(data)))
        }
        RecordKind::UserAvc => {
            let Some(inner) = &record.inner else {
                return Ok(AvcOutcome::NotADecision);
            };
            let Some(prelude) = prelude_at(inner.text, inner.offset)? else {
                return Ok(AvcOutcome::NotADecision);
            };
            let mut data = collect(prelude, RecordType::UserAvc, &inner.fields, inner.offset)
                .map_err(|(msg, at)| LineError::new(at, DiagnosticKind::BadAvc, msg))?;
            for (key, name) in
                [("pid", "manager_pid"), ("uid", "manager_uid"), ("subj", "manager_subj")]
            {
                if let Some(v) = record.get(key) {
                    data.fields.insert(name.to_owned(), v.to_bytestr());
                }
            }
            Ok(AvcOutcome::Decision(Box::new(data)))
        }
        _ => Ok(AvcOutcome::NotADecision),
    }
}

/// The prelude of `text` (at `offset` in the line); `Ok(None)` when it is no decision.
fn prelude_at(text: &[u8], offset: usize) -> Result<Option<Prelude<'_>>, LineError> {
    let text = text.trim_ascii_start();
    if !text.starts_with(b"avc:") {
        return Ok(None);
    }
    parse_prelude(text).map_err(|mut e| {
        e.offset += offset;
        e
    })
}

fn collect<'a>(
    prelude: Prelude<'a>,
    record_type: RecordType,
    fields: &[Field<'a>],
    offset: usize,
) -> Result<AvcData<'a>, (&'static str, usize)> {
    let user = record_type == RecordType::UserAvc;
    let mut d = AvcData {
        record_type,
        verdict: prelude.verdict,
        perms: prelude.perms,
        scontext: b"",
        tcontext: b"",
        tclass: b"",
        permissive: None,
        srawcon: None,
        trawcon: None,
        pid: None,
        uid: None,
        auid: None,
        comm: None,
        exe: None,
        path: None,
        name: None,
        dev: None,
        ino: None,
        port: None,
        fields: BTreeMap::new(),
    };
    let (mut have_s, mut have_t, mut have_c) = (false, false, false);
    let mut spid = None;
    for f in fields {
        let v = f.value;
        // In USER_AVC, what follows `tclass=` is libaudit's trailer about the object manager.
        let trailer = user && have_c;
        match f.key {
            b"scontext" if !have_s => (d.scontext, have_s) = (v.raw(), true),
            b"tcontext" if !have_t => (d.tcontext, have_t) = (v.raw(), true),
            b"tclass" if !have_c => (d.tclass, have_c) = (v.raw(), true),
            b"permissive" if d.permissive.is_none() => {
                d.permissive = match v.raw() {
                    b"0" => Some(false),
                    b"1" => Some(true),
                    _ => None,
                };
            }
            b"srawcon" if d.srawcon.is_none() => d.srawcon = Some(v),
            b"trawcon" if d.trawcon.is_none() => d.trawcon = Some(v),
            b"exe" | b"sauid" | b"hostname" | b"addr" | b"terminal" if trailer => {
                if !v.is_unset() {
                    let key = format!("manager_{}", String::from_utf8_lossy(f.key));
                    d.fields.entry(key).or_insert_with(|| v.to_bytestr());
                }
            }
            b"pid" if d.pid.is_none() => d.pid = number(v),
            b"uid" if user && d.uid.is_none() => d.uid = number(v),
            b"auid" if user && d.auid.is_none() => d.auid = login_uid(v),
            b"comm" if d.comm.is_none() => d.comm = Some(v),
            b"exe" if d.exe.is_none() => d.exe = Some(v),
            b"path" if d.path.is_none() && v.bytes().starts_with(b"/") => d.path = Some(v),
            b"name" if d.name.is_none() => d.name = Some(v),
            b"dev" if d.dev.is_none() => d.dev = Some(v),
            b"ino" if d.ino.is_none() => d.ino = parse_u64(v.raw()),
            _ => {
                if f.key == b"spid" {
                    spid = number(v);
                }
                let key = String::from_utf8_lossy(f.key).into_owned();
                d.fields.entry(key).or_insert_with(|| v.to_bytestr());
            }
        }
    }
    if !(have_s && have_t && have_c)
        || d.scontext.is_empty()
        || d.tcontext.is_empty()
        || d.tclass.is_empty()
    {
        return Err(("AVC lacks a non-empty scontext=, tcontext= or tclass=", offset));
    }
    if d.pid.is_none() {
        d.pid = spid;
    }
    d.port = port(&d.perms, &d.fields);
    Ok(d)
}

fn number(v: Value<'_>) -> Option<u32> {
    parse_u64(v.raw()).and_then(|n| u32::try_from(n).ok())
}

/// `auid=`: `None` for the unset markers (4294967295, `-1`, `n/a`, `unset`).
pub fn login_uid(v: Value<'_>) -> Option<u32> {
    number(v).filter(|&n| n != u32::MAX)
}

/// `src=` for `name_bind`, `dest=` for `name_connect`, else `lport=`, then `src=`.
fn port(perms: &[&[u8]], fields: &BTreeMap<String, ByteStr>) -> Option<u16> {
    let get = |k: &str| {
        fields.get(k).and_then(|v| parse_u64(v.as_bytes())).and_then(|n| u16::try_from(n).ok())
    };
    if perms.contains(&&b"name_bind"[..]) {
        get("src")
    } else if perms.contains(&&b"name_connect"[..]) {
        get("dest")
    } else {
        get("lport").or_else(|| get("src"))
    }
}

#[cfg(test)]
mod tests;
