//! The header and the eight symbol tables: commons, classes, roles, types, users, booleans,
//! sensitivities and categories.
//!
//! Each table starts with `nprim` (number of values) and `nel` (number of entries). Entries
//! come in hash order, not value order. Values are 1-based and checked against `nprim`;
//! names must be unique. Type aliases are entries without the primary bit that share their
//! target's value. Commons and classes are read in `class`.

use std::collections::HashSet;

use super::class::{Class, Common, class, common};
use super::cursor::{Cursor, ReadResult};
use super::ebitmap::Ebitmap;
use super::mls::{MlsLevel, MlsRange};

/// Type property: primary name (not an alias).
const TYPE_PRIMARY: u32 = 1;
/// Type property: attribute.
const TYPE_ATTRIBUTE: u32 = 2;

/// A role.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Role {
    /// Name.
    pub name: String,
    /// Value.
    pub value: u32,
    /// Bounding role value (0 = none).
    pub bounds: u32,
    /// Roles this role dominates (bit `v - 1`).
    pub dominates: Ebitmap,
    /// Types authorised for the role (bit `v - 1`).
    pub types: Ebitmap,
}

/// A type, type alias or attribute entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeEntry {
    /// Name.
    pub name: String,
    /// Value (shared with the target type for an alias).
    pub value: u32,
    /// False for an alias.
    pub primary: bool,
    /// True for an attribute.
    pub attribute: bool,
    /// Bounding type value (0 = none).
    pub bounds: u32,
}

/// A user.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct User {
    /// Name.
    pub name: String,
    /// Value.
    pub value: u32,
    /// Bounding user value (0 = none).
    pub bounds: u32,
    /// Authorised roles (bit `v - 1`).
    pub roles: Ebitmap,
    /// Authorised MLS range.
    pub range: MlsRange,
    /// Default level.
    pub default_level: MlsLevel,
}

/// A conditional-policy boolean.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bool {
    /// Name.
    pub name: String,
    /// Value.
    pub value: u32,
    /// Stored state (the persistent default).
    pub state: bool,
}

/// An MLS sensitivity (or an alias of one).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sensitivity {
    /// Name.
    pub name: String,
    /// True for an alias.
    pub alias: bool,
    /// Its level: sensitivity value and allowed categories.
    pub level: MlsLevel,
}

/// An MLS category (or an alias of one).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Category {
    /// Name.
    pub name: String,
    /// Value.
    pub value: u32,
    /// True for an alias.
    pub alias: bool,
}

/// One symbol table: the number of values and the entries in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Symtab<T> {
    /// Number of distinct values.
    pub nprim: u32,
    /// Entries in file order.
    pub entries: Vec<T>,
}

impl<T> Default for Symtab<T> {
    fn default() -> Self {
        Symtab { nprim: 0, entries: Vec::new() }
    }
}

/// All eight symbol tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Symbols {
    /// Commons.
    pub commons: Symtab<Common>,
    /// Classes.
    pub classes: Symtab<Class>,
    /// Roles.
    pub roles: Symtab<Role>,
    /// Types, aliases and attributes.
    pub types: Symtab<TypeEntry>,
    /// Users.
    pub users: Symtab<User>,
    /// Booleans.
    pub bools: Symtab<Bool>,
    /// Sensitivities.
    pub sens: Symtab<Sensitivity>,
    /// Categories.
    pub cats: Symtab<Category>,
}

const SECTIONS: [&str; 8] =
    ["commons", "classes", "roles", "types", "users", "booleans", "sensitivities", "categories"];

/// Reads the table header and checks the entry count; returns `(nprim, nel)`.
fn table_header(c: &mut Cursor<'_>) -> ReadResult<(u32, usize)> {
    let at = c.offset();
    let nprim = c.u32()?;
    c.check_count(at, nprim, "symbol values", 12)?;
    let nel = c.count("symbols", 12)?;
    if nel > 0 && nprim == 0 {
        return Err(c.err_at(at, "symbols in a table without values"));
    }
    Ok((nprim, nel))
}

/// Checks a value against `nprim` and a name for uniqueness.
pub(crate) fn check_symbol(
    c: &Cursor<'_>,
    at: usize,
    names: &mut HashSet<String>,
    name: &str,
    value: u32,
    nprim: u32,
) -> ReadResult<()> {
    if !(1..=nprim).contains(&value) {
        return Err(c.err_at(at, format!("{name}: value {value} outside 1..={nprim}")));
    }
    if !names.insert(name.to_owned()) {
        return Err(c.err_at(at, format!("duplicate name {name}")));
    }
    Ok(())
}

/// Reads all eight symbol tables.
pub(crate) fn read_symbols(c: &mut Cursor<'_>, version: u32) -> ReadResult<Symbols> {
    let mut s = Symbols::default();
    for (i, section) in SECTIONS.into_iter().enumerate() {
        c.set_section(section);
        let (nprim, nel) = table_header(c)?;
        let mut names = HashSet::new();
        match i {
            0 => {
                s.commons =
                    Symtab { nprim, entries: read_n(c, nel, |c| common(c, nprim, &mut names))? }
            }
            1 => {
                let commons = &s.commons;
                let entries = read_n(c, nel, |c| class(c, nprim, version, commons, &mut names))?;
                s.classes = Symtab { nprim, entries };
            }
            2 => {
                s.roles = Symtab { nprim, entries: read_n(c, nel, |c| role(c, nprim, &mut names))? }
            }
            3 => s.types = Symtab { nprim, entries: read_types(c, nprim, nel, &mut names)? },
            4 => {
                s.users = Symtab { nprim, entries: read_n(c, nel, |c| user(c, nprim, &mut names))? }
            }
            5 => {
                s.bools =
                    Symtab { nprim, entries: read_n(c, nel, |c| boolean(c, nprim, &mut names))? }
            }
            6 => {
                s.sens = Symtab {
                    nprim,
                    entries: read_n(c, nel, |c| sensitivity(c, nprim, &mut names))?,
                }
            }
            _ => {
                s.cats =
                    Symtab { nprim, entries: read_n(c, nel, |c| category(c, nprim, &mut names))? }
            }
        }
    }
    Ok(s)
}

fn read_n<T>(
    c: &mut Cursor<'_>,
    n: usize,
    mut one: impl FnMut(&mut Cursor<'_>) -> ReadResult<T>,
) -> ReadResult<Vec<T>> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(one(c)?);
    }
    Ok(out)
}

fn role(c: &mut Cursor<'_>, nprim: u32, names: &mut HashSet<String>) -> ReadResult<Role> {
    let at = c.offset();
    let len = c.u32()?;
    let value = c.u32()?;
    let bounds = c.u32()?;
    let name = c.name(len)?;
    check_symbol(c, at, names, &name, value, nprim)?;
    let dominates = Ebitmap::read(c)?;
    let types = Ebitmap::read(c)?;
    Ok(Role { name, value, bounds, dominates, types })
}

fn read_types(
    c: &mut Cursor<'_>,
    nprim: u32,
    nel: usize,
    names: &mut HashSet<String>,
) -> ReadResult<Vec<TypeEntry>> {
    let mut entries = Vec::with_capacity(nel);
    let mut primary_values = HashSet::new();
    let mut alias_at = Vec::new();
    for _ in 0..nel {
        let at = c.offset();
        let len = c.u32()?;
        let value = c.u32()?;
        let properties = c.u32()?;
        let bounds = c.u32()?;
        let name = c.name(len)?;
        check_symbol(c, at, names, &name, value, nprim)?;
        let primary = properties & TYPE_PRIMARY != 0;
        let attribute = properties & TYPE_ATTRIBUTE != 0;
        if primary {
            if !primary_values.insert(value) {
                return Err(c.err_at(at, format!("{name}: value {value} used twice")));
            }
        } else if attribute {
            return Err(c.err_at(at, format!("{name}: attribute alias")));
        } else {
            alias_at.push((at, value));
        }
        entries.push(TypeEntry { name, value, primary, attribute, bounds });
    }
    for (at, value) in alias_at {
        if !primary_values.contains(&value) {
            return Err(c.err_at(at, format!("alias of value {value}, which has no type")));
        }
    }
    Ok(entries)
}

fn user(c: &mut Cursor<'_>, nprim: u32, names: &mut HashSet<String>) -> ReadResult<User> {
    let at = c.offset();
    let len = c.u32()?;
    let value = c.u32()?;
    let bounds = c.u32()?;
    let name = c.name(len)?;
    check_symbol(c, at, names, &name, value, nprim)?;
    let roles = Ebitmap::read(c)?;
    let range = MlsRange::read(c)?;
    let default_level = MlsLevel::read(c)?;
    Ok(User { name, value, bounds, roles, range, default_level })
}

fn boolean(c: &mut Cursor<'_>, nprim: u32, names: &mut HashSet<String>) -> ReadResult<Bool> {
    let at = c.offset();
    let value = c.u32()?;
    let state = c.u32()?;
    let len = c.u32()?;
    let name = c.name(len)?;
    check_symbol(c, at, names, &name, value, nprim)?;
    if state > 1 {
        return Err(c.err_at(at, format!("boolean {name} has state {state}")));
    }
    Ok(Bool { name, value, state: state == 1 })
}

fn sensitivity(
    c: &mut Cursor<'_>,
    nprim: u32,
    names: &mut HashSet<String>,
) -> ReadResult<Sensitivity> {
    let at = c.offset();
    let len = c.u32()?;
    let alias = c.u32()?;
    let name = c.name(len)?;
    let level = MlsLevel::read(c)?;
    check_symbol(c, at, names, &name, level.sens, nprim)?;
    Ok(Sensitivity { name, alias: alias != 0, level })
}

fn category(c: &mut Cursor<'_>, nprim: u32, names: &mut HashSet<String>) -> ReadResult<Category> {
    let at = c.offset();
    let len = c.u32()?;
    let value = c.u32()?;
    let alias = c.u32()?;
    let name = c.name(len)?;
    check_symbol(c, at, names, &name, value, nprim)?;
    Ok(Category { name, value, alias: alias != 0 })
}
