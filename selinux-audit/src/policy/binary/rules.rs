//! Rules outside the avtab: role transitions, role allows, named (filename) type
//! transitions and range transitions.
//!
//! Filename transitions have two layouts. Up to version 32 each entry is one rule
//! `name stype ttype tclass otype`. From version 33 entries are grouped by
//! `(name, ttype, tclass)` and each group lists `(source-type bitmap, otype)` pairs. Both are
//! kept in one shape here: a name, target, class, result and a bitmap of sources.

use super::cursor::{Cursor, ReadResult};
use super::ebitmap::Ebitmap;
use super::mls::{MIN_RANGE_BYTES, MlsRange};

/// First version where role transitions name a class.
const VERSION_ROLETRANS_CLASS: u32 = 26;
/// First version with the compressed filename-transition layout.
const VERSION_COMPRESSED_FTRANS: u32 = 33;

/// `role_transition role type:class new_role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleTrans {
    /// Current role value.
    pub role: u32,
    /// Type (of the executable or object) value.
    pub type_value: u32,
    /// New role value.
    pub new_role: u32,
    /// Class value (the `process` class for versions before 26).
    pub class: u32,
}

/// `allow role new_role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleAllow {
    /// Role value.
    pub role: u32,
    /// Role it may change to.
    pub new_role: u32,
}

/// `type_transition stypes ttype:tclass "name" otype`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilenameTrans {
    /// Last path component the rule matches.
    pub name: String,
    /// Source types (bit `v - 1`).
    pub sources: Ebitmap,
    /// Target (parent directory) type value.
    pub target: u32,
    /// Class value.
    pub class: u32,
    /// New type value.
    pub new_type: u32,
}

/// `range_transition source target:class range`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RangeTrans {
    /// Source type value.
    pub source: u32,
    /// Target type value.
    pub target: u32,
    /// Class value.
    pub class: u32,
    /// New range.
    pub range: MlsRange,
}

/// Value limits for checks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RuleLimits {
    pub(crate) version: u32,
    pub(crate) roles: u32,
    pub(crate) types: u32,
    pub(crate) classes: u32,
    /// Value of the `process` class (0 when absent).
    pub(crate) process_class: u32,
}

fn in_range(v: u32, max: u32) -> bool {
    (1..=max).contains(&v)
}

/// Reads the role-transition list.
pub(crate) fn read_role_trans(c: &mut Cursor<'_>, l: RuleLimits) -> ReadResult<Vec<RoleTrans>> {
    let n = c.count("role transitions", 12)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.offset();
        let role = c.u32()?;
        let type_value = c.u32()?;
        let new_role = c.u32()?;
        let class = if l.version >= VERSION_ROLETRANS_CLASS { c.u32()? } else { l.process_class };
        if !in_range(role, l.roles)
            || !in_range(new_role, l.roles)
            || !in_range(type_value, l.types)
        {
            return Err(c.err_at(at, "role transition values out of range"));
        }
        if l.version >= VERSION_ROLETRANS_CLASS && !in_range(class, l.classes) {
            return Err(c.err_at(at, format!("role transition class {class} out of range")));
        }
        out.push(RoleTrans { role, type_value, new_role, class });
    }
    Ok(out)
}

/// Reads the role-allow list.
pub(crate) fn read_role_allow(c: &mut Cursor<'_>, l: RuleLimits) -> ReadResult<Vec<RoleAllow>> {
    let n = c.count("role allow rules", 8)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.offset();
        let role = c.u32()?;
        let new_role = c.u32()?;
        if !in_range(role, l.roles) || !in_range(new_role, l.roles) {
            return Err(c.err_at(at, "role allow values out of range"));
        }
        out.push(RoleAllow { role, new_role });
    }
    Ok(out)
}

/// Reads the filename-transition list in either layout.
pub(crate) fn read_filename_trans(
    c: &mut Cursor<'_>,
    l: RuleLimits,
) -> ReadResult<Vec<FilenameTrans>> {
    let compressed = l.version >= VERSION_COMPRESSED_FTRANS;
    let n = c.count("filename transitions", if compressed { 16 } else { 20 })?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.offset();
        let len = c.u32()?;
        let name = c.name(len)?;
        if compressed {
            let target = c.u32()?;
            let class = c.u32()?;
            let ndatum = c.count("filename transition results", 16)?;
            if ndatum == 0 {
                return Err(c.err_at(at, "filename transition without results"));
            }
            for _ in 0..ndatum {
                let sources = Ebitmap::read(c)?;
                let new_type = c.u32()?;
                let rule = FilenameTrans { name: name.clone(), sources, target, class, new_type };
                check_ftrans(c, at, &rule, l)?;
                out.push(rule);
            }
        } else {
            let source = c.u32()?;
            let target = c.u32()?;
            let class = c.u32()?;
            let new_type = c.u32()?;
            if !in_range(source, l.types) {
                return Err(
                    c.err_at(at, format!("filename transition source {source} out of range"))
                );
            }
            let sources = Ebitmap::from_bits([source - 1]);
            let rule = FilenameTrans { name, sources, target, class, new_type };
            check_ftrans(c, at, &rule, l)?;
            out.push(rule);
        }
    }
    Ok(out)
}

fn check_ftrans(c: &Cursor<'_>, at: usize, r: &FilenameTrans, l: RuleLimits) -> ReadResult<()> {
    let sources_ok = !r.sources.is_empty() && r.sources.last().is_some_and(|b| b < l.types);
    if !sources_ok
        || !in_range(r.target, l.types)
        || !in_range(r.new_type, l.types)
        || !in_range(r.class, l.classes)
    {
        return Err(
            c.err_at(at, format!("filename transition {:?} has values out of range", r.name))
        );
    }
    Ok(())
}

/// Reads the range-transition list.
pub(crate) fn read_range_trans(c: &mut Cursor<'_>, l: RuleLimits) -> ReadResult<Vec<RangeTrans>> {
    let n = c.count("range transitions", 12 + MIN_RANGE_BYTES)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.offset();
        let source = c.u32()?;
        let target = c.u32()?;
        let class = c.u32()?;
        let range = MlsRange::read(c)?;
        if !in_range(source, l.types) || !in_range(target, l.types) || !in_range(class, l.classes) {
            return Err(c.err_at(at, "range transition values out of range"));
        }
        out.push(RangeTrans { source, target, class, range });
    }
    Ok(out)
}
