//! MLS levels and ranges, and the security contexts built from them.
//!
//! Kernel policies of version 19 and later always carry the MLS fields, even when MLS is
//! off (then they are empty). A range is written as a count of sensitivities (1 or 2), the
//! sensitivities, the low category bitmap and, only when the count is 2, the high bitmap.

use super::cursor::{Cursor, ReadResult};
use super::ebitmap::Ebitmap;

/// One MLS level: a sensitivity value and a set of categories (bit `v - 1` for value `v`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MlsLevel {
    /// Sensitivity value (1-based; 0 in non-MLS policies).
    pub sens: u32,
    /// Category bits.
    pub cats: Ebitmap,
}

/// An MLS range `low - high`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MlsRange {
    /// Low level.
    pub low: MlsLevel,
    /// High level (a copy of `low` when the file stored a single level).
    pub high: MlsLevel,
}

/// A security context as stored in object contexts: values, not names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Context {
    /// User value.
    pub user: u32,
    /// Role value.
    pub role: u32,
    /// Type value.
    pub type_value: u32,
    /// MLS range.
    pub range: MlsRange,
}

/// Smallest encoding of a range.
pub(crate) const MIN_RANGE_BYTES: usize = 8 + 12;
/// Smallest encoding of a context.
pub(crate) const MIN_CONTEXT_BYTES: usize = 12 + MIN_RANGE_BYTES;

impl MlsLevel {
    /// Reads `sens` then the category bitmap.
    pub(crate) fn read(c: &mut Cursor<'_>) -> ReadResult<MlsLevel> {
        let sens = c.u32()?;
        let cats = Ebitmap::read(c)?;
        Ok(MlsLevel { sens, cats })
    }
}

impl MlsRange {
    /// Reads a range in its compact form.
    pub(crate) fn read(c: &mut Cursor<'_>) -> ReadResult<MlsRange> {
        let at = c.offset();
        let items = c.u32()?;
        if !(1..=2).contains(&items) {
            return Err(c.err_at(at, format!("MLS range with {items} levels")));
        }
        let low_sens = c.u32()?;
        let high_sens = if items == 2 { c.u32()? } else { low_sens };
        let low_cats = Ebitmap::read(c)?;
        let high_cats = if items == 2 { Ebitmap::read(c)? } else { low_cats.clone() };
        Ok(MlsRange {
            low: MlsLevel { sens: low_sens, cats: low_cats },
            high: MlsLevel { sens: high_sens, cats: high_cats },
        })
    }
}

/// Symbol counts a context is checked against.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ContextLimits {
    pub(crate) users: u32,
    pub(crate) roles: u32,
    pub(crate) types: u32,
}

impl Context {
    /// Reads `user role type` and the range, checking the values against `limits`.
    pub(crate) fn read(c: &mut Cursor<'_>, limits: ContextLimits) -> ReadResult<Context> {
        let at = c.offset();
        let user = c.u32()?;
        let role = c.u32()?;
        let type_value = c.u32()?;
        let range = MlsRange::read(c)?;
        let ok = |v: u32, max: u32| (1..=max).contains(&v);
        if !ok(user, limits.users) || !ok(role, limits.roles) || !ok(type_value, limits.types) {
            return Err(c.err_at(at, format!("invalid context values {user}:{role}:{type_value}")));
        }
        Ok(Context { user, role, type_value, range })
    }
}
