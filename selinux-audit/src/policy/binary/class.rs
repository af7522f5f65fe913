//! Commons and classes: permissions (common ones numbered first), constraints,
//! validatetrans rules and the per-class defaults for new objects.

use std::collections::HashSet;

use super::constraint::{Constraint, read_constraints};
use super::cursor::{Cursor, ReadResult};
use super::symtab::{Symtab, check_symbol};

/// First version with separate default_user/role/range per class.
const VERSION_NEW_OBJECT_DEFAULTS: u32 = 27;
/// First version with default_type per class.
const VERSION_DEFAULT_TYPE: u32 = 28;
/// Most permissions a class or common can have (one access-vector word).
const MAX_PERMS: u32 = 32;

/// A permission of a common or class.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Perm {
    /// Name.
    pub name: String,
    /// Value; the access-vector bit is `value - 1`.
    pub value: u32,
}

/// A common permission set shared by classes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Common {
    /// Name.
    pub name: String,
    /// Value.
    pub value: u32,
    /// Number of permission values.
    pub nprim: u32,
    /// Permissions.
    pub perms: Vec<Perm>,
}

/// Per-class defaults for new objects (`default_user` etc.; 0 = not set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClassDefaults {
    /// 1 source, 2 target.
    pub user: u32,
    /// 1 source, 2 target.
    pub role: u32,
    /// 1–6 source/target low/high/low-high, 7 glblub.
    pub range: u32,
    /// 1 source, 2 target.
    pub type_default: u32,
}

/// An object class.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Class {
    /// Name.
    pub name: String,
    /// Value.
    pub value: u32,
    /// Inherited common, by name.
    pub common: Option<String>,
    /// Number of permission values, including the common's.
    pub nprim: u32,
    /// The class's own permissions (numbered after the common's).
    pub perms: Vec<Perm>,
    /// `constrain`/`mlsconstrain` rules.
    pub constraints: Vec<Constraint>,
    /// `validatetrans`/`mlsvalidatetrans` rules.
    pub validatetrans: Vec<Constraint>,
    /// Defaults for new objects.
    pub defaults: ClassDefaults,
}

/// Reads `nel` permissions of a table with `nprim` values.
fn read_perms(c: &mut Cursor<'_>, nel: usize, nprim: u32) -> ReadResult<Vec<Perm>> {
    let mut names = HashSet::new();
    let mut perms = Vec::with_capacity(nel);
    for _ in 0..nel {
        let at = c.offset();
        let len = c.u32()?;
        let value = c.u32()?;
        let name = c.name(len)?;
        check_symbol(c, at, &mut names, &name, value, nprim)?;
        perms.push(Perm { name, value });
    }
    Ok(perms)
}

/// Reads a permission-table header (`nprim`, `nel`).
fn perm_counts(c: &mut Cursor<'_>, at: usize, nprim: u32, nel: u32) -> ReadResult<usize> {
    if nprim > MAX_PERMS {
        return Err(c.err_at(at, format!("{nprim} permissions, at most 32 allowed")));
    }
    c.check_count(at, nel, "permissions", 9)
}

pub(crate) fn common(
    c: &mut Cursor<'_>,
    nprim: u32,
    names: &mut HashSet<String>,
) -> ReadResult<Common> {
    let at = c.offset();
    let len = c.u32()?;
    let value = c.u32()?;
    let perm_nprim = c.u32()?;
    let perm_nel = c.u32()?;
    let name = c.name(len)?;
    check_symbol(c, at, names, &name, value, nprim)?;
    let nel = perm_counts(c, at, perm_nprim, perm_nel)?;
    let perms = read_perms(c, nel, perm_nprim)?;
    Ok(Common { name, value, nprim: perm_nprim, perms })
}

pub(crate) fn class(
    c: &mut Cursor<'_>,
    nprim: u32,
    version: u32,
    commons: &Symtab<Common>,
    names: &mut HashSet<String>,
) -> ReadResult<Class> {
    let at = c.offset();
    let len = c.u32()?;
    let common_len = c.u32()?;
    let value = c.u32()?;
    let perm_nprim = c.u32()?;
    let perm_nel = c.u32()?;
    let ncons_raw = c.u32()?;
    let name = c.name(len)?;
    check_symbol(c, at, names, &name, value, nprim)?;
    if value > u32::from(u16::MAX) {
        return Err(c.err_at(at, format!("class value {value} does not fit 16 bits")));
    }
    let common = if common_len > 0 {
        let common = c.string(common_len)?;
        let found = commons.entries.iter().find(|k| k.name == common);
        match found {
            Some(k) if k.nprim <= perm_nprim => {}
            Some(_) => {
                return Err(c.err_at(at, format!("class {name} has fewer perms than {common}")));
            }
            None => return Err(c.err_at(at, format!("class {name} uses unknown common {common}"))),
        }
        Some(common)
    } else {
        None
    };
    let nel = perm_counts(c, at, perm_nprim, perm_nel)?;
    let perms = read_perms(c, nel, perm_nprim)?;
    let ncons = c.check_count(at, ncons_raw, "constraints", 8)?;
    let constraints = read_constraints(c, ncons, false, version)?;
    let nvt = c.count("validatetrans rules", 8)?;
    let validatetrans = read_constraints(c, nvt, true, version)?;
    let mut defaults = ClassDefaults::default();
    if version >= VERSION_NEW_OBJECT_DEFAULTS {
        defaults.user = c.u32()?;
        defaults.role = c.u32()?;
        defaults.range = c.u32()?;
    }
    if version >= VERSION_DEFAULT_TYPE {
        defaults.type_default = c.u32()?;
    }
    Ok(Class {
        name,
        value,
        common,
        nprim: perm_nprim,
        perms,
        constraints,
        validatetrans,
        defaults,
    })
}
