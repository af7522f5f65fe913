//! Record types: the `type=` name or number, mapped to the kinds the parser acts on.
//!
//! auditd writes a name from libaudit's table, `UNKNOWN[NNNN]` for a number it does not know,
//! and the kernel printk fallback writes the bare number (`type=1400`). All three map to the same
//! [`RecordKind`]; types the parser does not act on are [`RecordKind::Other`].

use serde::Serialize;

/// The record types the parser acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum RecordKind {
    /// Kernel AVC (1400).
    Avc,
    /// User-space object manager AVC (1107).
    UserAvc,
    /// SYSCALL (1300).
    Syscall,
    /// PATH (1302).
    Path,
    /// CWD (1307).
    Cwd,
    /// PROCTITLE (1327).
    Proctitle,
    /// SOCKADDR (1306).
    Sockaddr,
    /// EXECVE (1309).
    Execve,
    /// EOE (1320), only seen from plugins and printk.
    Eoe,
    /// SELINUX_ERR (1401).
    SelinuxErr,
    /// USER_SELINUX_ERR (1122).
    UserSelinuxErr,
    /// AVC_PATH (1402, obsolete).
    AvcPath,
    /// MAC_POLICY_LOAD (1403).
    MacPolicyLoad,
    /// MAC_STATUS (1404).
    MacStatus,
    /// MAC_CONFIG_CHANGE (1405).
    MacConfigChange,
    /// USER_MAC_POLICY_LOAD (2310).
    UserMacPolicyLoad,
    /// USER_MAC_CONFIG_CHANGE (2312).
    UserMacConfigChange,
    /// USER_MAC_STATUS (2313).
    UserMacStatus,
    /// Any other type.
    Other,
}

/// (name, number, kind) for the types above.
const TABLE: &[(&[u8], u32, RecordKind)] = &[
    (b"AVC", 1400, RecordKind::Avc),
    (b"SYSCALL", 1300, RecordKind::Syscall),
    (b"PATH", 1302, RecordKind::Path),
    (b"CWD", 1307, RecordKind::Cwd),
    (b"PROCTITLE", 1327, RecordKind::Proctitle),
    (b"USER_AVC", 1107, RecordKind::UserAvc),
    (b"SOCKADDR", 1306, RecordKind::Sockaddr),
    (b"EXECVE", 1309, RecordKind::Execve),
    (b"EOE", 1320, RecordKind::Eoe),
    (b"SELINUX_ERR", 1401, RecordKind::SelinuxErr),
    (b"USER_SELINUX_ERR", 1122, RecordKind::UserSelinuxErr),
    (b"AVC_PATH", 1402, RecordKind::AvcPath),
    (b"MAC_POLICY_LOAD", 1403, RecordKind::MacPolicyLoad),
    (b"MAC_STATUS", 1404, RecordKind::MacStatus),
    (b"MAC_CONFIG_CHANGE", 1405, RecordKind::MacConfigChange),
    (b"USER_MAC_POLICY_LOAD", 2310, RecordKind::UserMacPolicyLoad),
    (b"USER_MAC_CONFIG_CHANGE", 2312, RecordKind::UserMacConfigChange),
    (b"USER_MAC_STATUS", 2313, RecordKind::UserMacStatus),
];

/// Classifies a `type=` token: a name, `UNKNOWN[NNNN]` or a bare number.
/// Returns the kind and the number when it is known.
pub fn classify(type_name: &[u8]) -> (RecordKind, Option<u32>) {
    if let Some(&(_, num, kind)) = TABLE.iter().find(|(name, _, _)| *name == type_name) {
        return (kind, Some(num));
    }
    let digits = type_name
        .strip_prefix(b"UNKNOWN[")
        .and_then(|rest| rest.strip_suffix(b"]"))
        .unwrap_or(type_name);
    match parse_u32(digits) {
        Some(num) => (kind_of_number(num), Some(num)),
        None => (RecordKind::Other, None),
    }
}

/// The kind of a numeric type.
pub fn kind_of_number(num: u32) -> RecordKind {
    TABLE.iter().find(|(_, n, _)| *n == num).map_or(RecordKind::Other, |&(_, _, kind)| kind)
}

fn parse_u32(text: &[u8]) -> Option<u32> {
    crate::record::value::parse_u64(text).and_then(|n| u32::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_and_unknown() {
        assert_eq!(classify(b"AVC"), (RecordKind::Avc, Some(1400)));
        assert_eq!(classify(b"1400"), (RecordKind::Avc, Some(1400)));
        assert_eq!(classify(b"UNKNOWN[1107]"), (RecordKind::UserAvc, Some(1107)));
        assert_eq!(classify(b"UNKNOWN[1420]"), (RecordKind::Other, Some(1420)));
        assert_eq!(classify(b"BPF"), (RecordKind::Other, None));
        assert_eq!(classify(b"UNKNOWN[x]"), (RecordKind::Other, None));
    }
}
