//! The access-vector table (`avtab`): allow, auditallow, dontaudit, type rules and
//! extended-permission rules, each keyed by source, target, class and kind.
//!
//! An item is `u16 source, u16 target, u16 class, u16 specified` followed by a `u32` datum, or
//! for extended permissions by `u8 kind, u8 driver, 8 × u32`. Sources and targets may be
//! attributes. A `dontaudit` rule is stored inverted, as the set of permissions that *are*
//! audited on denial (`auditdeny`). For type rules the datum is the new type's value.

use super::cursor::{Cursor, ReadResult};

/// `allow` rule.
pub const AVTAB_ALLOWED: u16 = 0x0001;
/// `auditallow` rule.
pub const AVTAB_AUDITALLOW: u16 = 0x0002;
/// `dontaudit` rule, stored inverted (bits that stay audited).
pub const AVTAB_AUDITDENY: u16 = 0x0004;
/// `type_transition` rule.
pub const AVTAB_TRANSITION: u16 = 0x0010;
/// `type_member` rule.
pub const AVTAB_MEMBER: u16 = 0x0020;
/// `type_change` rule.
pub const AVTAB_CHANGE: u16 = 0x0040;
/// `allowxperm` rule.
pub const AVTAB_XPERMS_ALLOWED: u16 = 0x0100;
/// `auditallowxperm` rule.
pub const AVTAB_XPERMS_AUDITALLOW: u16 = 0x0200;
/// `dontauditxperm` rule.
pub const AVTAB_XPERMS_DONTAUDIT: u16 = 0x0400;
/// Runtime flag of conditional items (kept, but queries recompute it from booleans).
pub const AVTAB_ENABLED: u16 = 0x8000;

const AV_KINDS: u16 = AVTAB_ALLOWED | AVTAB_AUDITALLOW | AVTAB_AUDITDENY;
const TYPE_KINDS: u16 = AVTAB_TRANSITION | AVTAB_MEMBER | AVTAB_CHANGE;
const XPERM_KINDS: u16 = AVTAB_XPERMS_ALLOWED | AVTAB_XPERMS_AUDITALLOW | AVTAB_XPERMS_DONTAUDIT;
/// First version with extended permissions.
const VERSION_XPERMS: u32 = 30;
/// First version that allows extended permissions inside conditionals.
const VERSION_COND_XPERMS: u32 = 34;
/// Smallest item on disk.
pub(crate) const MIN_ITEM_BYTES: usize = 12;

/// The key of an avtab item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AvtabKey {
    /// Source type or attribute value.
    pub source: u16,
    /// Target type or attribute value.
    pub target: u16,
    /// Class value.
    pub class: u16,
    /// Exactly one `AVTAB_*` kind bit (the `AVTAB_ENABLED` bit is cleared on read).
    pub specified: u16,
}

/// An extended-permission datum.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Xperms {
    /// 1 ioctl functions of one driver, 2 ioctl drivers, 3 netlink message types.
    pub kind: u8,
    /// The driver (high byte of the ioctl number) for kind 1.
    pub driver: u8,
    /// 256 permission bits.
    pub perms: [u32; 8],
}

impl Xperms {
    /// True when bit `n` (0–255) is set.
    pub fn contains(&self, n: u8) -> bool {
        self.perms.get(usize::from(n / 32)).is_some_and(|w| w & (1u32 << (n % 32)) != 0)
    }
}

/// The datum of an avtab item.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AvDatum {
    /// Permission bits (access rules) or new type value (type rules).
    Data(u32),
    /// Extended permissions.
    Xperms(Box<Xperms>),
}

/// One avtab item.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AvtabItem {
    /// Key.
    pub key: AvtabKey,
    /// Datum.
    pub datum: AvDatum,
    /// The `AVTAB_ENABLED` flag as stored (meaningful only in conditional lists).
    pub enabled: bool,
}

impl AvtabItem {
    /// The permission bits or new type value; 0 for extended permissions.
    pub fn data(&self) -> u32 {
        match &self.datum {
            AvDatum::Data(d) => *d,
            AvDatum::Xperms(_) => 0,
        }
    }
}

/// What item values are checked against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AvtabLimits {
    pub(crate) version: u32,
    pub(crate) types: u32,
    pub(crate) classes: u32,
}

/// Reads a `u32` count then that many items (`conditional` for cond true/false lists).
pub(crate) fn read_list(
    c: &mut Cursor<'_>,
    limits: AvtabLimits,
    conditional: bool,
) -> ReadResult<Vec<AvtabItem>> {
    let n = c.count("avtab items", MIN_ITEM_BYTES)?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        items.push(read_item(c, limits, conditional)?);
    }
    Ok(items)
}

fn read_item(c: &mut Cursor<'_>, limits: AvtabLimits, conditional: bool) -> ReadResult<AvtabItem> {
    let at = c.offset();
    let source = c.u16()?;
    let target = c.u16()?;
    let class = c.u16()?;
    let raw_spec = c.u16()?;
    let specified = raw_spec & !AVTAB_ENABLED;
    if specified & !(AV_KINDS | TYPE_KINDS | XPERM_KINDS) != 0 || specified.count_ones() != 1 {
        return Err(c.err_at(at, format!("invalid rule kind {raw_spec:#x}")));
    }
    let types = u32::from(source).min(u32::from(target));
    if types == 0 || u32::from(source.max(target)) > limits.types {
        return Err(c.err_at(at, format!("rule types {source}/{target} out of range")));
    }
    if class == 0 || u32::from(class) > limits.classes {
        return Err(c.err_at(at, format!("rule class {class} out of range")));
    }
    let datum = if specified & XPERM_KINDS != 0 {
        let min = if conditional { VERSION_COND_XPERMS } else { VERSION_XPERMS };
        if limits.version < min {
            return Err(
                c.err_at(at, format!("version {} cannot hold this xperm rule", limits.version))
            );
        }
        let kind = c.u8()?;
        let driver = c.u8()?;
        let mut perms = [0u32; 8];
        for word in &mut perms {
            *word = c.u32()?;
        }
        AvDatum::Xperms(Box::new(Xperms { kind, driver, perms }))
    } else {
        let data = c.u32()?;
        if specified & TYPE_KINDS != 0 && !(1..=limits.types).contains(&data) {
            return Err(c.err_at(at, format!("type rule result {data} out of range")));
        }
        AvDatum::Data(data)
    };
    let enabled = raw_spec & AVTAB_ENABLED != 0;
    Ok(AvtabItem { key: AvtabKey { source, target, class, specified }, datum, enabled })
}
