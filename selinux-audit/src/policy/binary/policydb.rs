//! The whole kernel policy as read from disk ([`PolicyDb`]), and the order its sections are
//! read in.
//!
//! Sections, in order: header, policy capabilities, permissive types, neverallow-audit types
//! (35+), the eight symbol tables, avtab, conditional list, role transitions, role allows,
//! filename transitions (25+), object contexts, genfs, range transitions, and one
//! type-to-attribute bitmap per type value. There is no table of offsets, so every section
//! must be parsed to reach the next, and the file must end exactly after the last bitmap.

use super::avtab::{AvtabItem, AvtabLimits, read_list};
use super::cond::{CondNode, read_cond_list};
use super::cursor::{Cursor, ReadResult};
use super::ebitmap::Ebitmap;
use super::mls::ContextLimits;
use super::ocontext::{Genfs, OContexts, ocon_count, read_genfs, read_ocontexts};
use super::rules::{
    FilenameTrans, RangeTrans, RoleAllow, RoleTrans, RuleLimits, read_filename_trans,
    read_range_trans, read_role_allow, read_role_trans,
};
use super::symtab::{Symbols, read_symbols};

/// Magic number of a kernel policy.
const MAGIC: u32 = 0xf97c_ff8c;
/// Magic number of a policy module (`.pp` payload), which this reader does not handle.
const MODULE_MAGIC: u32 = 0xf97c_ff8d;
/// Identification string of an SELinux kernel policy.
const IDENT: &str = "SE Linux";
/// Oldest version read.
pub const MIN_VERSION: u32 = 24;
/// Newest version read.
pub const MAX_VERSION: u32 = 35;
/// First version with filename transitions.
const VERSION_FILENAME_TRANS: u32 = 25;
/// First version with the neveraudit bitmap.
const VERSION_NEVERAUDIT: u32 = 35;
/// Number of symbol tables.
const SYM_COUNT: u32 = 8;

/// What the kernel does with classes and permissions the policy does not define.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandleUnknown {
    /// Deny them.
    #[default]
    Deny,
    /// Refuse to load the policy.
    Reject,
    /// Allow them.
    Allow,
}

/// Every section of a kernel policy, with values (not names) as in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyDb {
    /// Policy version (24–35).
    pub version: u32,
    /// MLS enabled.
    pub mls: bool,
    /// Unknown class/permission handling.
    pub handle_unknown: HandleUnknown,
    /// Policy capabilities (bit = capability number).
    pub polcaps: Ebitmap,
    /// Permissive types (bit = type value).
    pub permissive: Ebitmap,
    /// Types whose denials are never audited (bit = type value; version 35).
    pub neveraudit: Ebitmap,
    /// Symbol tables.
    pub symbols: Symbols,
    /// Unconditional avtab items, in file order.
    pub avtab: Vec<AvtabItem>,
    /// Conditional nodes.
    pub cond_list: Vec<CondNode>,
    /// Role transitions.
    pub role_trans: Vec<RoleTrans>,
    /// Role allow rules.
    pub role_allow: Vec<RoleAllow>,
    /// Filename transitions.
    pub filename_trans: Vec<FilenameTrans>,
    /// Object contexts.
    pub ocontexts: OContexts,
    /// Genfs contexts.
    pub genfs: Vec<Genfs>,
    /// Range transitions.
    pub range_trans: Vec<RangeTrans>,
    /// For each type value `v` (index `v - 1`): the attributes of `v`, and `v` itself
    /// (bit `a - 1` for value `a`).
    pub type_attr_map: Vec<Ebitmap>,
}

impl PolicyDb {
    /// Reads a complete kernel policy.
    pub(crate) fn read(bytes: &[u8]) -> ReadResult<PolicyDb> {
        let mut c = Cursor::new(bytes);
        let mut db = PolicyDb::default();
        read_header(&mut c, &mut db)?;
        db.symbols = read_symbols(&mut c, db.version)?;
        let types = db.symbols.types.nprim;
        let classes = db.symbols.classes.nprim;
        let nbools = db.symbols.bools.nprim;
        if types > u32::from(u16::MAX) {
            return Err(c.err(format!("{types} types do not fit the 16-bit avtab")));
        }
        let av_limits = AvtabLimits { version: db.version, types, classes };
        c.set_section("avtab");
        db.avtab = read_list(&mut c, av_limits, false)?;
        c.set_section("conditionals");
        db.cond_list = read_cond_list(&mut c, av_limits, nbools)?;
        let process_class =
            db.symbols.classes.entries.iter().find(|k| k.name == "process").map_or(0, |k| k.value);
        let rule_limits = RuleLimits {
            version: db.version,
            roles: db.symbols.roles.nprim,
            types,
            classes,
            process_class,
        };
        c.set_section("role_trans");
        db.role_trans = read_role_trans(&mut c, rule_limits)?;
        c.set_section("role_allow");
        db.role_allow = read_role_allow(&mut c, rule_limits)?;
        if db.version >= VERSION_FILENAME_TRANS {
            c.set_section("filename_trans");
            db.filename_trans = read_filename_trans(&mut c, rule_limits)?;
        }
        let ctx_limits =
            ContextLimits { users: db.symbols.users.nprim, roles: db.symbols.roles.nprim, types };
        db.ocontexts = read_ocontexts(&mut c, db.version, ctx_limits)?;
        db.genfs = read_genfs(&mut c, ctx_limits, classes)?;
        c.set_section("range_trans");
        db.range_trans = read_range_trans(&mut c, rule_limits)?;
        c.set_section("type_attr_map");
        db.type_attr_map = read_type_attr_map(&mut c, &db)?;
        c.finish()?;
        Ok(db)
    }
}

fn read_header(c: &mut Cursor<'_>, db: &mut PolicyDb) -> ReadResult<()> {
    let magic = c.u32()?;
    if magic == MODULE_MAGIC {
        return Err(c.err_at(0, "this is a policy module, not a kernel policy"));
    }
    if magic != MAGIC {
        return Err(c.err_at(0, format!("bad magic {magic:#010x}, not a kernel policy")));
    }
    let len_at = c.offset();
    let len = c.u32()?;
    if len == 0 || len > 32 {
        return Err(c.err_at(len_at, format!("identification string of {len} bytes")));
    }
    let ident = c.string(len)?;
    if ident != IDENT {
        return Err(c.err_at(len_at, format!("unsupported target {ident:?}")));
    }
    let version_at = c.offset();
    db.version = c.u32()?;
    if !(MIN_VERSION..=MAX_VERSION).contains(&db.version) {
        return Err(c.err_at(
            version_at,
            format!("policy version {} not supported ({MIN_VERSION}-{MAX_VERSION})", db.version),
        ));
    }
    let config = c.u32()?;
    db.mls = config & 1 != 0;
    db.handle_unknown = match config & 6 {
        0 => HandleUnknown::Deny,
        2 => HandleUnknown::Reject,
        4 => HandleUnknown::Allow,
        _ => return Err(c.err_at(version_at, format!("bad config word {config:#x}"))),
    };
    let sym_num = c.u32()?;
    let ocon_num = c.u32()?;
    if sym_num != SYM_COUNT || ocon_num != ocon_count(db.version) {
        return Err(c.err_at(version_at, format!("table counts {sym_num}/{ocon_num} do not match")));
    }
    c.set_section("polcaps");
    db.polcaps = Ebitmap::read(c)?;
    c.set_section("permissive");
    db.permissive = Ebitmap::read(c)?;
    if db.version >= VERSION_NEVERAUDIT {
        c.set_section("neveraudit");
        db.neveraudit = Ebitmap::read(c)?;
    }
    Ok(())
}

fn read_type_attr_map(c: &mut Cursor<'_>, db: &PolicyDb) -> ReadResult<Vec<Ebitmap>> {
    let types = db.symbols.types.nprim;
    let n = c.check_count(c.offset(), types, "type attribute maps", 12)?;
    let mut attribute = vec![false; n];
    for t in &db.symbols.types.entries {
        let slot = usize::try_from(t.value).ok().and_then(|v| v.checked_sub(1));
        if let Some(flag) = slot.and_then(|i| attribute.get_mut(i)) {
            *flag |= t.attribute;
        }
    }
    let mut maps = Vec::with_capacity(n);
    for (i, is_attribute) in attribute.iter().enumerate() {
        let at = c.offset();
        let map = Ebitmap::read(c)?;
        let own = u32::try_from(i).unwrap_or(u32::MAX);
        if map.last().is_some_and(|b| b >= types) {
            return Err(c.err_at(at, format!("type {} maps to an unknown attribute", i + 1)));
        }
        if *is_attribute && map.iter().any(|b| b != own) {
            return Err(c.err_at(at, format!("attribute {} has attributes", i + 1)));
        }
        maps.push(map);
    }
    Ok(maps)
}
