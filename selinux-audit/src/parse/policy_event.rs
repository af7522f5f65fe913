//! Policy and state changes seen in the log: policy loads, enforcing/permissive switches,
//! boolean changes, and their user-space twins (`semanage`, object managers reloading).
//!
//! They tell which policy was in force when a denial was logged; the rules will need them to
//! discount denials that predate a fix. Each record becomes one [`PolicyEvent`] with all of its
//! fields (for user-space records the nested `msg='…'` fields follow the outer ones).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bytes::ByteStr;
use crate::error::Location;
use crate::record::{Record, RecordKind};

/// Which change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum PolicyEventKind {
    /// MAC_POLICY_LOAD (1403): the kernel loaded a policy.
    MacPolicyLoad,
    /// MAC_STATUS (1404): enforcing/permissive or enabled changed.
    MacStatus,
    /// MAC_CONFIG_CHANGE (1405): a boolean changed (`bool= val= old_val=`).
    MacConfigChange,
    /// USER_MAC_POLICY_LOAD (2310): an object manager saw the policy reload.
    UserMacPolicyLoad,
    /// USER_MAC_CONFIG_CHANGE (2312): `semanage` changed local customisations.
    UserMacConfigChange,
    /// USER_MAC_STATUS (2313).
    UserMacStatus,
}

impl PolicyEventKind {
    /// The kind for a record kind, when it is a policy/state record.
    pub fn of(kind: RecordKind) -> Option<Self> {
        Some(match kind {
            RecordKind::MacPolicyLoad => PolicyEventKind::MacPolicyLoad,
            RecordKind::MacStatus => PolicyEventKind::MacStatus,
            RecordKind::MacConfigChange => PolicyEventKind::MacConfigChange,
            RecordKind::UserMacPolicyLoad => PolicyEventKind::UserMacPolicyLoad,
            RecordKind::UserMacConfigChange => PolicyEventKind::UserMacConfigChange,
            RecordKind::UserMacStatus => PolicyEventKind::UserMacStatus,
            _ => return None,
        })
    }
}

/// One policy or state change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyEvent {
    /// Which change.
    pub kind: PolicyEventKind,
    /// `node=` prefix.
    pub node: Option<String>,
    /// Event time, RFC 3339 UTC.
    pub time: String,
    /// The raw `SEC.MSEC`.
    pub audit_ts: String,
    /// Audit serial.
    pub serial: u64,
    /// The record's fields, decoded (outer first; nested ones do not overwrite them).
    pub fields: BTreeMap<String, ByteStr>,
    /// Where the record was read.
    pub location: Location,
}

impl PolicyEvent {
    /// The policy event of `record`, if it is one.
    pub fn from_record(record: &Record<'_>, location: Location) -> Option<PolicyEvent> {
        let kind = PolicyEventKind::of(record.kind)?;
        let mut fields = BTreeMap::new();
        let inner = record.inner.iter().flat_map(|i| i.fields.iter());
        for f in record.fields.iter().filter(|f| f.key != b"msg").chain(inner) {
            let key = String::from_utf8_lossy(f.key).into_owned();
            fields.entry(key).or_insert_with(|| f.value.to_bytestr());
        }
        Some(PolicyEvent {
            kind,
            node: record.node.map(|n| String::from_utf8_lossy(n).into_owned()),
            time: crate::denial::rfc3339_utc(record.time.sec, record.time.msec),
            audit_ts: String::from_utf8_lossy(record.time.raw).into_owned(),
            serial: record.serial,
            fields,
            location,
        })
    }
}
