//! [`Denial`]: the one structured value every later stage (rules, output) consumes.
//!
//! One `Denial` is built per AVC or USER_AVC permission set. It carries the parsed verdict,
//! permissions, class and contexts, the subject (pid, comm, exe, argv from the event's SYSCALL
//! and PROCTITLE records), the object (path and how it was resolved, name, dev, ino, port and any
//! other object fields), the time, and the original record lines. Absent values are `None` and
//! serialize as `null`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bytes::ByteStr;
use crate::context::SecurityContext;
use crate::error::Location;

/// Whether the access was refused or (auditallow) granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// `avc: denied`.
    Denied,
    /// `avc: granted` (an `auditallow` rule fired; not a problem).
    Granted,
}

/// Which kind of record the denial came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordType {
    /// Kernel AVC (type 1400).
    #[serde(rename = "AVC")]
    Avc,
    /// Userspace object manager AVC (type 1107: systemd, dbus, X …).
    #[serde(rename = "USER_AVC")]
    UserAvc,
}

/// How the object's full path was found. Ordered from most to least trustworthy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathSource {
    /// The AVC's own `path=` field (kernel d_path, or the object manager's path).
    Avc,
    /// The event's PATH record with the same inode (or the same basename).
    PathRecord,
    /// The event's CWD joined with a relative PATH `name=`.
    Cwd,
    /// Another record in the same log for the same device and inode had a full path.
    SameInode,
    /// A directory component of a path in the same event (`name=` equals that component).
    PathComponent,
    /// An absolute path in the process's argv (PROCTITLE) ending in `name=`. Lower confidence.
    Proctitle,
    /// The process's `exe=` ends in `name=`. Lower confidence.
    Exe,
    /// Found on this machine by searching the mount for `dev` + `ino`.
    InodeSearch,
    /// Supplied by the user (`--path-hint`).
    Hint,
    /// Not resolved: only the basename (`name=`) is known.
    Unresolved,
}

impl PathSource {
    /// True for sources that are guesses from names rather than kernel-reported paths.
    pub fn is_heuristic(self) -> bool {
        matches!(self, PathSource::PathComponent | PathSource::Proctitle | PathSource::Exe)
    }
}

impl fmt::Display for PathSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            PathSource::Avc => "avc",
            PathSource::PathRecord => "path-record",
            PathSource::Cwd => "cwd",
            PathSource::SameInode => "same-inode",
            PathSource::PathComponent => "path-component",
            PathSource::Proctitle => "proctitle",
            PathSource::Exe => "exe",
            PathSource::InodeSearch => "inode-search",
            PathSource::Hint => "hint",
            PathSource::Unresolved => "unresolved",
        };
        f.write_str(s)
    }
}

/// One denied (or granted) permission set, with everything the rules need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Denial {
    /// Stable within one run: index in the merged, ordered denial list (assigned by
    /// [`crate::parse::merge_identical`]; 0 before that).
    pub id: u32,
    /// Audit serial number (the `:NNN` in `audit(SEC.MSEC:NNN)`).
    pub serial: u64,
    /// Event time, RFC 3339 in UTC with milliseconds (`2026-12-03T16:40:40.112Z`).
    pub time: String,
    /// The raw `SEC.MSEC` from the header.
    pub audit_ts: String,
    /// `node=` prefix, when present.
    pub node: Option<String>,
    /// AVC or USER_AVC.
    pub record_type: RecordType,
    /// Denied or granted.
    pub verdict: Verdict,
    /// `permissive=1` (the access actually went through) / `0`; `None` when not logged.
    pub permissive: Option<bool>,
    /// Permissions, in logged order.
    pub perms: Vec<String>,
    /// Object class (`tclass=`).
    pub class: String,
    /// Raw source context text.
    pub scontext: String,
    /// Raw target context text.
    pub tcontext: String,
    /// Parsed source context.
    pub source: Option<SecurityContext>,
    /// Parsed target context.
    pub target: Option<SecurityContext>,
    /// `srawcon=`: the subject's label when it is invalid in the loaded policy.
    pub srawcon: Option<ByteStr>,
    /// `trawcon=`: the object's on-disk label when it is invalid in the loaded policy.
    pub trawcon: Option<ByteStr>,
    /// Subject pid (AVC `pid=`; for USER_AVC the inner subject pid when logged).
    pub pid: Option<u32>,
    /// Parent pid, from SYSCALL.
    pub ppid: Option<u32>,
    /// Subject uid, from SYSCALL (or USER_AVC's inner `uid=`).
    pub uid: Option<u32>,
    /// Login uid; `None` when unset (4294967295, `n/a`).
    pub auid: Option<u32>,
    /// `comm=`.
    pub comm: Option<ByteStr>,
    /// `exe=` from SYSCALL (for USER_AVC, never the object manager's exe).
    pub exe: Option<ByteStr>,
    /// argv from PROCTITLE, split on NUL.
    pub proctitle: Option<Vec<ByteStr>>,
    /// Syscall number, from SYSCALL.
    pub syscall: Option<u32>,
    /// `success=yes|no`, from SYSCALL.
    pub success: Option<bool>,
    /// `exit=`, from SYSCALL.
    pub exit: Option<i64>,
    /// The object's full path, when known.
    pub path: Option<ByteStr>,
    /// How [`Denial::path`] was found.
    pub path_source: PathSource,
    /// `name=` (basename only).
    pub name: Option<ByteStr>,
    /// `dev=` (device name for kernel AVCs).
    pub dev: Option<ByteStr>,
    /// `ino=`.
    pub ino: Option<u64>,
    /// File mode (`mode=` of the matching PATH record), when known.
    pub mode: Option<u32>,
    /// Port for socket denials: `src=` for `name_bind`, `dest=` for `name_connect` (also
    /// `lport`/`fport`).
    pub port: Option<u16>,
    /// Other object/subject fields of the AVC body kept verbatim (e.g. `capability`, `saddr`,
    /// `ioctlcmd`, `opid`, USER_AVC's `function`, `cmdline`, and the object manager's own
    /// `manager_pid`/`manager_exe`/`manager_subj`).
    pub fields: BTreeMap<String, ByteStr>,
    /// Number of identical denials merged into this one.
    pub count: u64,
    /// Where the AVC record was read.
    pub location: Location,
    /// The original record lines of the event that concern this denial (AVC first, then
    /// SYSCALL, CWD, PATH, PROCTITLE in input order).
    pub records: Vec<ByteStr>,
}

impl Denial {
    /// The source type, if the source context parsed.
    pub fn source_type(&self) -> Option<&str> {
        self.source.as_ref().map(|c| c.type_.as_str())
    }

    /// The target type, if the target context parsed.
    pub fn target_type(&self) -> Option<&str> {
        self.target.as_ref().map(|c| c.type_.as_str())
    }

    /// True for a denial that actually blocked something or was logged as denied.
    pub fn is_denied(&self) -> bool {
        self.verdict == Verdict::Denied
    }
}

/// Audit timestamp `SEC.MSEC` → RFC 3339 UTC with milliseconds.
pub fn rfc3339_utc(sec: u64, msec: u32) -> String {
    let days = sec / 86_400;
    let rem = sec % 86_400;
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    let (y, mo, d) = civil_from_days(days);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{m:02}:{s:02}.{:03}Z", msec.min(999))
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: u64) -> (i64, u32, u32) {
    let z = i64::try_from(days).unwrap_or(i64::MAX / 2) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339() {
        assert_eq!(rfc3339_utc(0, 0), "1970-01-01T00:00:00.000Z");
        // The VM scenario's round 1 USER_AVC.
        assert_eq!(rfc3339_utc(1_796_316_040, 112), "2026-12-03T16:40:40.112Z");
        assert_eq!(rfc3339_utc(951_782_400, 5), "2000-02-29T00:00:00.005Z");
    }
}
