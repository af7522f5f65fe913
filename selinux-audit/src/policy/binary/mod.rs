//! The kernel binary policy (`policy.N`): reader and queries.
//!
//! [`BinaryPolicy::parse`] reads a whole kernel policy of version 24 to 35 (the file must end
//! exactly after its last section) into a [`PolicyDb`] that mirrors the file, then builds
//! indexes for fast queries. It never panics: damaged or truncated input gives
//! [`PolicyError::Binary`] with the section and byte offset, and every count is checked
//! against the remaining input before anything is allocated for it.
//!
//! Query semantics follow the kernel's access computation:
//!
//! * types may be named by alias; rules written on attributes apply to every member
//!   (expansion through the policy's type→attribute map, on both sides);
//! * conditional rules are enabled by evaluating each node's expression from boolean values
//!   (the current ones — the stored defaults unless set with [`BinaryPolicy::set_booleans`] —
//!   optionally overridden per query), never from the stored node state;
//! * the permissions of a query must all be granted, possibly by different rules;
//! * the access queries (`allows`, `targets_allowing`, …) do not evaluate constraints;
//!   [`BinaryPolicy::decide`] does, with role transitions and type bounds, on full contexts,
//!   and says why an access is denied (audit2why's answer and more).
//!
//! Module map: `cursor` and `ebitmap` (reading primitives), `policydb` (section order and
//! header), `symtab`, `class` and `constraint` (symbol tables), `avtab` and `cond` (rules),
//! `rules` (role/filename/range transitions), `ocontext` (object contexts, genfs), `mls`
//! (levels, ranges, contexts), `index` (lookup structures), `names`, `query` and `labels`
//! (the query API), `access` (effective access and the booleans it hangs on), `booleans`
//! (current boolean values), `search` + `search_index` + `render` (rule search and
//! `sesearch`-style text), `stats` (seinfo-style counts); the decision engine: `decide` (the
//! kernel's steps and audit2why's category), `verdict` (its result types), `secctx`
//! (contexts and MLS levels in values), `constraint_eval` (constraint evaluation and
//! rendering), `boolsearch` (boolean combinations), `reason_render` (reasons as text).

mod access;
pub mod avtab;
mod booleans;
mod boolsearch;
pub mod class;
pub mod cond;
pub mod constraint;
mod constraint_eval;
mod cursor;
mod decide;
pub mod ebitmap;
mod index;
mod labels;
pub mod mls;
mod names;
pub mod ocontext;
pub mod policydb;
mod query;
mod reason_render;
mod render;
pub mod rules;
mod search;
mod search_index;
mod secctx;
mod stats;
pub mod symtab;
mod verdict;

use std::sync::OnceLock;

use crate::error::PolicyError;
pub use access::TargetAccess;
use index::Index;
pub use labels::{PortLabel, TypeTransition, protocol_name};
pub use policydb::{HandleUnknown, PolicyDb};
pub use search::{RuleCondition, RuleKind, RuleQuery, TeRule};
pub use stats::PolicyStats;
pub use verdict::{
    Audit2Why, Audit2WhyCategory, BooleanOption, BooleanValue, Reason, Side, Verdict,
};
/// Limits of the boolean-combination search of [`BinaryPolicy::decide`].
pub mod boolean_search {
    pub use super::boolsearch::{MAX_EVALUATIONS, MAX_FLIPS, MAX_OPTIONS};
}

/// Why a query could not be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The type (or attribute/alias) name is not in the policy.
    #[error("type {0} is not defined in the policy")]
    UnknownType(String),
    /// The class is not in the policy.
    #[error("class {0} is not defined in the policy")]
    UnknownClass(String),
    /// The permission is not defined for the class.
    #[error("permission {perm} is not defined for class {class}")]
    UnknownPerm {
        /// The class.
        class: String,
        /// The permission.
        perm: String,
    },
    /// A boolean named in an override is not in the policy.
    #[error("boolean {0} is not defined in the policy")]
    UnknownBoolean(String),
    /// The user of a context is not in the policy.
    #[error("user {0} is not defined in the policy")]
    UnknownUser(String),
    /// The role of a context is not in the policy.
    #[error("role {0} is not defined in the policy")]
    UnknownRole(String),
    /// The MLS level of a context cannot be read with this policy's sensitivities and
    /// categories (or an MLS policy got a context without a level).
    #[error("level {level:?} is not valid in this policy: {why}")]
    InvalidLevel {
        /// The level as given (empty when it was missing).
        level: String,
        /// What is wrong with it.
        why: String,
    },
}

/// A parsed kernel policy.
#[derive(Debug, Default)]
pub struct BinaryPolicy {
    db: PolicyDb,
    idx: Index,
    /// Built on the first rule search.
    search: OnceLock<search_index::RuleIndex>,
}

impl BinaryPolicy {
    /// Parses a kernel policy file's bytes. Never panics; a damaged file gives
    /// [`PolicyError::Binary`] naming the section and offset.
    pub fn parse(bytes: &[u8]) -> Result<BinaryPolicy, PolicyError> {
        let db = PolicyDb::read(bytes)?;
        let idx = Index::build(&db);
        Ok(BinaryPolicy { db, idx, search: OnceLock::new() })
    }

    /// The policy version (24–35).
    pub fn version(&self) -> u32 {
        self.db.version
    }

    /// True when `name` is a type, alias or attribute.
    pub fn has_type(&self, name: &str) -> bool {
        self.idx.type_by_name.contains_key(name)
    }

    /// True when `name` is an attribute (not a concrete type).
    pub fn is_attribute(&self, name: &str) -> bool {
        self.type_value(name).is_ok_and(|v| self.value_is_attribute(v))
    }

    /// True when the class exists.
    pub fn has_class(&self, name: &str) -> bool {
        self.idx.class_by_name.contains_key(name)
    }

    /// Names of all concrete (non-attribute) types, sorted.
    pub fn type_names(&self) -> Vec<&str> {
        self.idx.concrete_sorted.iter().filter_map(|&v| self.type_name(v)).collect()
    }

    /// Attribute names of a concrete type (not including itself), sorted. An alias gives
    /// the attributes of its type; an attribute has none.
    pub fn attributes_of(&self, type_name: &str) -> Result<Vec<&str>, QueryError> {
        let value = self.type_value(type_name)?;
        let mut out: Vec<&str> = self
            .idx
            .attrs(value)
            .iter()
            .filter(|&&a| u32::from(a) != value)
            .filter_map(|&a| self.type_name(u32::from(a)))
            .collect();
        out.sort_unstable();
        Ok(out)
    }

    /// Whether `src` may do every one of `perms` on `tgt`:`class` under the current boolean
    /// values (TE allow rules, attributes expanded, conditional rules evaluated; constraints
    /// are not evaluated). An empty `perms` is trivially allowed.
    pub fn allows(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<bool, QueryError> {
        self.allows_with_booleans(src, tgt, class, perms, &[])
    }

    /// All concrete types `T` such that `src` may do every one of `perms` on `T`:`class`,
    /// sorted by name.
    pub fn targets_allowing(
        &self,
        src: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<Vec<&str>, QueryError> {
        self.targets_allowing_with_booleans(src, class, perms, &[])
    }

    /// The port type the kernel gives `port` for `protocol` (6 tcp, 17 udp, 33 dccp, 132 sctp):
    /// first matching portcon in policy order; `None` when only the initial SID applies.
    pub fn port_type(&self, protocol: u8, port: u16) -> Option<&str> {
        let port = u32::from(port);
        self.db
            .ocontexts
            .ports
            .iter()
            .find(|p| p.protocol == u32::from(protocol) && p.low <= port && port <= p.high)
            .and_then(|p| self.type_name(p.context.type_value))
    }

    /// `type_transition src tgt:class → result` (unnamed), if any, under the current
    /// boolean values.
    pub fn type_transition(&self, src: &str, tgt: &str, class: &str) -> Option<&str> {
        self.type_rule(avtab::AVTAB_TRANSITION, src, tgt, class)
    }

    /// True when `type_name` is a permissive domain.
    pub fn is_permissive(&self, type_name: &str) -> bool {
        self.type_value(type_name).is_ok_and(|v| self.db.permissive.contains(v))
    }

    /// Everything read from the file, as values.
    pub fn db(&self) -> &PolicyDb {
        &self.db
    }

    /// True when the policy is MLS-enabled.
    pub fn mls(&self) -> bool {
        self.db.mls
    }

    /// How the kernel treats classes and permissions the policy does not define.
    pub fn handle_unknown(&self) -> HandleUnknown {
        self.db.handle_unknown
    }
}

#[cfg(test)]
mod tests;
