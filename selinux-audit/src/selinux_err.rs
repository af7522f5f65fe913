//! SELINUX_ERR (1401) and USER_SELINUX_ERR (1122): invalid computed contexts and refused
//! bounded transitions.
//!
//! Three shapes are understood:
//!
//! * old prose: `security_compute_sid:  invalid context X for scontext=… tcontext=… tclass=…`
//!   (the context is a positional word, parsed with nom);
//! * `op=security_compute_sid invalid_context=X scontext=… tcontext=… tclass=…`, where `X` is
//!   unquoted (older kernels), quoted or hex (an untrusted string in current kernels);
//! * `op=security_bounded_transition seresult=denied oldcontext=… newcontext=…`.
//!
//! Other `op=` values (`security_validate_transition`, `security_compute_av`, …) are kept as
//! [`SelinuxErrKind::Other`] with all their fields; a body with neither an `op=` nor a known
//! prose form is a `bad-selinux-err` error. The rules do not use these yet.

use std::collections::BTreeMap;

use nom::IResult;
use nom::bytes::complete::{tag, take_till1};
use nom::character::complete::{space0, space1};
use serde::Serialize;

use crate::bytes::ByteStr;
use crate::error::{DiagnosticKind, Location};
use crate::record::{Field, LineError, Record, RecordKind, Value};

/// Which check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SelinuxErrKind {
    /// `security_compute_sid`: the computed context is invalid (role not authorised for the
    /// type, user not authorised for the role).
    ComputeSid,
    /// `security_bounded_transition`: the new domain is not bounded by the old one
    /// (NoNewPrivileges, nosuid mounts, typebounds).
    BoundedTransition,
    /// `security_validate_transition`: a `validatetrans` constraint refused a relabel.
    ValidateTransition,
    /// Any other `op=`.
    Other,
}

/// One SELINUX_ERR or USER_SELINUX_ERR record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SelinuxErr {
    /// What failed.
    pub kind: SelinuxErrKind,
    /// `SELINUX_ERR` or `USER_SELINUX_ERR`.
    pub record_type: String,
    /// `op=` (absent in the old prose form).
    pub op: Option<String>,
    /// The offending context (`invalid_context=`, or the old prose's context), decoded.
    pub invalid_context: Option<ByteStr>,
    /// `scontext=`.
    pub scontext: Option<String>,
    /// `tcontext=`.
    pub tcontext: Option<String>,
    /// `tclass=`.
    pub tclass: Option<String>,
    /// `seresult=` (`denied`).
    pub seresult: Option<String>,
    /// `oldcontext=` (bounded / validate transition).
    pub oldcontext: Option<String>,
    /// `newcontext=`.
    pub newcontext: Option<String>,
    /// `taskcontext=` (validate transition).
    pub taskcontext: Option<String>,
    /// Every other field, decoded.
    pub fields: BTreeMap<String, ByteStr>,
    /// `node=` prefix.
    pub node: Option<String>,
    /// Audit serial.
    pub serial: u64,
    /// Event time, RFC 3339 UTC.
    pub time: String,
    /// The raw `SEC.MSEC`.
    pub audit_ts: String,
    /// Where the record was read.
    pub location: Location,
    /// The record line.
    pub record: ByteStr,
}

impl SelinuxErr {
    /// Reads a SELINUX_ERR/USER_SELINUX_ERR record read at `location`.
    pub fn from_record(record: &Record<'_>, location: Location) -> Result<SelinuxErr, LineError> {
        let (text, text_offset, fields): (&[u8], usize, &[Field<'_>]) =
            match (&record.inner, record.kind) {
                (Some(inner), RecordKind::UserSelinuxErr) => {
                    (inner.text, inner.offset, &inner.fields)
                }
                _ => (record.body, record.body_offset, &record.fields),
            };
        let mut err = SelinuxErr {
            kind: SelinuxErrKind::Other,
            record_type: String::from_utf8_lossy(record.type_name).into_owned(),
            op: None,
            invalid_context: None,
            scontext: None,
            tcontext: None,
            tclass: None,
            seresult: None,
            oldcontext: None,
            newcontext: None,
            taskcontext: None,
            fields: BTreeMap::new(),
            node: record.node.map(|n| String::from_utf8_lossy(n).into_owned()),
            serial: record.serial,
            time: crate::denial::rfc3339_utc(record.time.sec, record.time.msec),
            audit_ts: String::from_utf8_lossy(record.time.raw).into_owned(),
            location,
            record: ByteStr::from(record.line),
        };
        for f in fields {
            let slot = match f.key {
                b"op" => &mut err.op,
                b"scontext" => &mut err.scontext,
                b"tcontext" => &mut err.tcontext,
                b"tclass" => &mut err.tclass,
                b"seresult" => &mut err.seresult,
                b"oldcontext" => &mut err.oldcontext,
                b"newcontext" => &mut err.newcontext,
                b"taskcontext" => &mut err.taskcontext,
                b"invalid_context" => {
                    err.invalid_context.get_or_insert_with(|| f.value.to_bytestr());
                    continue;
                }
                _ => {
                    let key = String::from_utf8_lossy(f.key).into_owned();
                    err.fields.entry(key).or_insert_with(|| f.value.to_bytestr());
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(text_of(f.value));
            }
        }
        err.kind = match err.op.as_deref() {
            Some("security_compute_sid") => SelinuxErrKind::ComputeSid,
            Some("security_bounded_transition") => SelinuxErrKind::BoundedTransition,
            Some("security_validate_transition") => SelinuxErrKind::ValidateTransition,
            Some(_) => SelinuxErrKind::Other,
            None => {
                let body = text.trim_ascii_start();
                if let Ok((_, ctx)) = old_compute_sid(body) {
                    err.invalid_context = Some(ByteStr::from(ctx));
                    SelinuxErrKind::ComputeSid
                } else if body.starts_with(b"security_validate_transition:") {
                    SelinuxErrKind::ValidateTransition
                } else if err.scontext.is_some() || err.oldcontext.is_some() {
                    SelinuxErrKind::Other
                } else {
                    return Err(LineError::new(
                        text_offset,
                        DiagnosticKind::BadSelinuxErr,
                        "SELINUX_ERR body has neither `op=` nor a known prose form",
                    ));
                }
            }
        };
        Ok(err)
    }
}

fn text_of(v: Value<'_>) -> String {
    String::from_utf8_lossy(&v.bytes()).into_owned()
}

/// `security_compute_sid:  invalid context CTX for` → `CTX`.
fn old_compute_sid(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (i, _) = tag(&b"security_compute_sid:"[..])(i)?;
    let (i, _) = space0(i)?;
    let (i, _) = tag(&b"invalid context"[..])(i)?;
    let (i, _) = space1(i)?;
    let (i, ctx) = take_till1(|b: u8| b.is_ascii_whitespace())(i)?;
    let (i, _) = space1(i)?;
    let (i, _) = tag(&b"for"[..])(i)?;
    Ok((i, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_line;

    fn loc() -> Location {
        Location { file: "t".into(), line: 1, byte: 0 }
    }

    fn parse(line: &[u8]) -> Result<SelinuxErr, LineError> {
        SelinuxErr::from_record(&parse_line(line).unwrap(), loc())
    }

    #[test]
    fn old_prose_form() {
        let e = parse(b"type=SELINUX_ERR msg=audit(1160000700.100:1201): security_compute_sid:  invalid context user_u:user_r:helper_t:s0 for scontext=user_u:user_r:user_t:s0 tcontext=system_u:object_r:helper_exec_t:s0 tclass=process").unwrap();
        assert_eq!(e.kind, SelinuxErrKind::ComputeSid);
        assert_eq!(e.op, None);
        assert_eq!(e.invalid_context.unwrap().as_str(), Some("user_u:user_r:helper_t:s0"));
        assert_eq!(e.scontext.as_deref(), Some("user_u:user_r:user_t:s0"));
        assert_eq!(e.tclass.as_deref(), Some("process"));
        assert_eq!(e.serial, 1201);
    }

    #[test]
    fn op_compute_sid_quoted_and_hex() {
        let e = parse(b"type=SELINUX_ERR msg=audit(1700000700.200:1202): op=security_compute_sid invalid_context=\"staff_u:staff_r:demo_t:s0\" scontext=staff_u:staff_r:staff_t:s0 tcontext=system_u:object_r:demo_exec_t:s0 tclass=process").unwrap();
        assert_eq!(e.kind, SelinuxErrKind::ComputeSid);
        assert_eq!(e.invalid_context.unwrap().as_str(), Some("staff_u:staff_r:demo_t:s0"));
        assert_eq!(e.tcontext.as_deref(), Some("system_u:object_r:demo_exec_t:s0"));
        // A context with a space forces hex.
        let e = parse(b"type=SELINUX_ERR msg=audit(1.0:2): op=security_compute_sid invalid_context=6120623A633A64 scontext=a:b:c tcontext=a:b:c tclass=process").unwrap();
        assert_eq!(e.invalid_context.unwrap().as_str(), Some("a b:c:d"));
    }

    #[test]
    fn bounded_transition() {
        let e = parse(b"type=SELINUX_ERR msg=audit(1700000700.300:1203): op=security_bounded_transition seresult=denied oldcontext=system_u:system_r:parent_t:s0 newcontext=system_u:system_r:child_t:s0").unwrap();
        assert_eq!(e.kind, SelinuxErrKind::BoundedTransition);
        assert_eq!(e.seresult.as_deref(), Some("denied"));
        assert_eq!(e.oldcontext.as_deref(), Some("system_u:system_r:parent_t:s0"));
        assert_eq!(e.newcontext.as_deref(), Some("system_u:system_r:child_t:s0"));
        assert_eq!(e.time, "2023-11-14T22:25:00.300Z");
    }

    #[test]
    fn user_selinux_err_and_garbage() {
        let e = parse(b"type=USER_SELINUX_ERR msg=audit(1.0:3): pid=1 uid=0 msg='op=setxattr invalid_context=\"x:y:z\" exe=\"/bin/x\"'").unwrap();
        assert_eq!(e.kind, SelinuxErrKind::Other);
        assert_eq!(e.op.as_deref(), Some("setxattr"));
        assert_eq!(e.record_type, "USER_SELINUX_ERR");
        assert_eq!(e.fields.get("exe").unwrap().as_str(), Some("/bin/x"));
        let err = parse(b"type=SELINUX_ERR msg=audit(1.0:4): something odd").unwrap_err();
        assert_eq!(err.kind, DiagnosticKind::BadSelinuxErr);
        assert_eq!(err.offset, 35);
    }
}
