//! Counts of a policy's contents, defined the way `seinfo` (setools 4.4) prints them, so
//! tests can compare the reader against the oracle.

use super::BinaryPolicy;
use super::avtab::{
    AVTAB_ALLOWED, AVTAB_AUDITALLOW, AVTAB_AUDITDENY, AVTAB_CHANGE, AVTAB_MEMBER, AVTAB_TRANSITION,
    AVTAB_XPERMS_ALLOWED, AVTAB_XPERMS_AUDITALLOW, AVTAB_XPERMS_DONTAUDIT, AvtabItem,
};

/// What `seinfo` reports for a policy (plus a few splits it does not print).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PolicyStats {
    /// Classes.
    pub classes: usize,
    /// Permissions: those of commons plus each class's own.
    pub permissions: usize,
    /// Commons.
    pub commons: usize,
    /// Sensitivities (aliases not counted).
    pub sensitivities: usize,
    /// Categories (aliases not counted).
    pub categories: usize,
    /// Concrete types.
    pub types: usize,
    /// Type aliases.
    pub aliases: usize,
    /// Attributes.
    pub attributes: usize,
    /// Users.
    pub users: usize,
    /// Roles (including `object_r`).
    pub roles: usize,
    /// Booleans.
    pub booleans: usize,
    /// Conditional expressions (nodes).
    pub cond_exprs: usize,
    /// `allow` rules, unconditional and conditional.
    pub allow: usize,
    /// Conditional `allow` rules.
    pub allow_conditional: usize,
    /// `auditallow` rules.
    pub auditallow: usize,
    /// `dontaudit` rules.
    pub dontaudit: usize,
    /// `type_transition` rules: unnamed (both kinds) plus named, expanded per source type.
    pub type_trans: usize,
    /// Conditional unnamed `type_transition` rules.
    pub type_trans_conditional: usize,
    /// Named `type_transition` rules, expanded per source type.
    pub filename_trans: usize,
    /// `type_change` rules.
    pub type_change: usize,
    /// `type_member` rules.
    pub type_member: usize,
    /// `range_transition` rules.
    pub range_trans: usize,
    /// Role `allow` rules.
    pub role_allow: usize,
    /// `role_transition` rules.
    pub role_trans: usize,
    /// Non-MLS constraints.
    pub constraints: usize,
    /// MLS constraints.
    pub mls_constraints: usize,
    /// Non-MLS validatetrans rules.
    pub validatetrans: usize,
    /// MLS validatetrans rules.
    pub mls_validatetrans: usize,
    /// Permissive types.
    pub permissives: usize,
    /// Policy capabilities.
    pub polcaps: usize,
    /// `default_*` settings (one per class and kind).
    pub defaults: usize,
    /// Types with a bounding type.
    pub typebounds: usize,
    /// `allowxperm` rules.
    pub allowxperm: usize,
    /// `auditallowxperm` rules.
    pub auditallowxperm: usize,
    /// `dontauditxperm` rules.
    pub dontauditxperm: usize,
    /// Initial SIDs.
    pub initial_sids: usize,
    /// `fs_use_*` entries.
    pub fs_use: usize,
    /// `genfscon` entries.
    pub genfscon: usize,
    /// `portcon` entries.
    pub portcon: usize,
    /// `netifcon` entries.
    pub netifcon: usize,
    /// `nodecon` entries (IPv4 and IPv6).
    pub nodecon: usize,
    /// `ibpkeycon` entries.
    pub ibpkeycon: usize,
    /// `ibendportcon` entries.
    pub ibendportcon: usize,
}

impl BinaryPolicy {
    /// Counts like `seinfo`'s statistics.
    pub fn stats(&self) -> PolicyStats {
        let db = &self.db;
        let sym = &db.symbols;
        let conditional: Vec<&AvtabItem> =
            db.cond_list.iter().flat_map(|n| n.true_list.iter().chain(&n.false_list)).collect();
        let count = |items: &mut dyn Iterator<Item = &AvtabItem>, kind: u16| {
            items.filter(|i| i.key.specified == kind).count()
        };
        let all = |kind: u16| {
            count(&mut db.avtab.iter(), kind) + count(&mut conditional.iter().copied(), kind)
        };
        let constraints = sym.classes.entries.iter().flat_map(|k| &k.constraints);
        let validatetrans = sym.classes.entries.iter().flat_map(|k| &k.validatetrans);
        let filename_trans = db.filename_trans.iter().map(|f| f.sources.len()).sum();
        let defaults = sym
            .classes
            .entries
            .iter()
            .map(|k| {
                let d = k.defaults;
                [d.user, d.role, d.range, d.type_default].iter().filter(|&&v| v != 0).count()
            })
            .sum();
        let o = &db.ocontexts;
        PolicyStats {
            classes: sym.classes.entries.len(),
            permissions: sym.commons.entries.iter().map(|k| k.perms.len()).sum::<usize>()
                + sym.classes.entries.iter().map(|k| k.perms.len()).sum::<usize>(),
            commons: sym.commons.entries.len(),
            sensitivities: sym.sens.entries.iter().filter(|s| !s.alias).count(),
            categories: sym.cats.entries.iter().filter(|c| !c.alias).count(),
            types: sym.types.entries.iter().filter(|t| t.primary && !t.attribute).count(),
            aliases: sym.types.entries.iter().filter(|t| !t.primary).count(),
            attributes: sym.types.entries.iter().filter(|t| t.primary && t.attribute).count(),
            users: sym.users.entries.len(),
            roles: sym.roles.entries.len(),
            booleans: sym.bools.entries.len(),
            cond_exprs: db.cond_list.len(),
            allow: all(AVTAB_ALLOWED),
            allow_conditional: count(&mut conditional.iter().copied(), AVTAB_ALLOWED),
            auditallow: all(AVTAB_AUDITALLOW),
            dontaudit: all(AVTAB_AUDITDENY),
            type_trans: all(AVTAB_TRANSITION) + filename_trans,
            type_trans_conditional: count(&mut conditional.iter().copied(), AVTAB_TRANSITION),
            filename_trans,
            type_change: all(AVTAB_CHANGE),
            type_member: all(AVTAB_MEMBER),
            range_trans: db.range_trans.len(),
            role_allow: db.role_allow.len(),
            role_trans: db.role_trans.len(),
            constraints: constraints.clone().filter(|c| !c.is_mls()).count(),
            mls_constraints: constraints.filter(|c| c.is_mls()).count(),
            validatetrans: validatetrans.clone().filter(|c| !c.is_mls()).count(),
            mls_validatetrans: validatetrans.filter(|c| c.is_mls()).count(),
            permissives: db.permissive.len(),
            polcaps: db.polcaps.len(),
            defaults,
            typebounds: sym.types.entries.iter().filter(|t| t.primary && t.bounds != 0).count(),
            allowxperm: all(AVTAB_XPERMS_ALLOWED),
            auditallowxperm: all(AVTAB_XPERMS_AUDITALLOW),
            dontauditxperm: all(AVTAB_XPERMS_DONTAUDIT),
            initial_sids: o.initial_sids.len(),
            fs_use: o.fs_use.len(),
            genfscon: db.genfs.iter().map(|g| g.entries.len()).sum(),
            portcon: o.ports.len(),
            netifcon: o.netifs.len(),
            nodecon: o.nodes.len() + o.nodes6.len(),
            ibpkeycon: o.ib_pkeys.len(),
            ibendportcon: o.ib_endports.len(),
        }
    }
}
