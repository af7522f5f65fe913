//! Name-level queries: types, aliases, attributes, classes and their permissions, booleans,
//! permissive types and policy capabilities.

use super::class::Class;
use super::{BinaryPolicy, QueryError};

/// Capability names by number (libselinux/kernel numbering).
const POLCAP_NAMES: [&str; 15] = [
    "network_peer_controls",
    "open_perms",
    "extended_socket_class",
    "always_check_network",
    "cgroup_seclabel",
    "nnp_nosuid_transition",
    "genfs_seclabel_symlinks",
    "ioctl_skip_cloexec",
    "userspace_initial_context",
    "netlink_xperm",
    "netif_wildcard",
    "genfs_seclabel_wildcard",
    "functionfs_seclabel",
    "memfd_class",
    "bpf_token_perms",
];

impl BinaryPolicy {
    /// The value of a type, alias or attribute.
    pub(crate) fn type_value(&self, name: &str) -> Result<u32, QueryError> {
        self.idx
            .type_by_name
            .get(name)
            .copied()
            .ok_or_else(|| QueryError::UnknownType(name.to_owned()))
    }

    pub(crate) fn value_is_attribute(&self, value: u32) -> bool {
        let slot = usize::try_from(value).ok().and_then(|v| v.checked_sub(1));
        slot.and_then(|s| self.idx.is_attribute.get(s)).copied().unwrap_or(false)
    }

    /// The primary name of a type or attribute value.
    pub fn type_name(&self, value: u32) -> Option<&str> {
        let slot = usize::try_from(value).ok()?.checked_sub(1)?;
        let entry = (*self.idx.type_entry.get(slot)?)?;
        self.db.symbols.types.entries.get(entry).map(|t| t.name.as_str())
    }

    /// The primary type name behind `name` (itself unless it is an alias).
    pub fn primary_name(&self, name: &str) -> Result<&str, QueryError> {
        let value = self.type_value(name)?;
        self.type_name(value).ok_or_else(|| QueryError::UnknownType(name.to_owned()))
    }

    /// Aliases of a type, sorted.
    pub fn aliases_of(&self, type_name: &str) -> Result<Vec<&str>, QueryError> {
        let value = self.type_value(type_name)?;
        let mut out: Vec<&str> = self
            .db
            .symbols
            .types
            .entries
            .iter()
            .filter(|t| !t.primary && t.value == value)
            .map(|t| t.name.as_str())
            .collect();
        out.sort_unstable();
        Ok(out)
    }

    /// Names of all attributes, sorted.
    pub fn attribute_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .db
            .symbols
            .types
            .entries
            .iter()
            .filter(|t| t.primary && t.attribute)
            .map(|t| t.name.as_str())
            .collect();
        out.sort_unstable();
        out
    }

    /// Concrete types carrying an attribute, sorted. A concrete type gives itself.
    pub fn types_in_attribute(&self, attribute: &str) -> Result<Vec<&str>, QueryError> {
        let value = self.type_value(attribute)?;
        if !self.value_is_attribute(value) {
            return Ok(self.type_name(value).into_iter().collect());
        }
        let slot = usize::try_from(value).ok().and_then(|v| v.checked_sub(1));
        let members = slot.and_then(|s| self.idx.members.get(s)).map_or(&[][..], Vec::as_slice);
        let mut out: Vec<&str> =
            members.iter().filter_map(|&m| self.type_name(u32::from(m))).collect();
        out.sort_unstable();
        Ok(out)
    }

    pub(crate) fn class_entry(&self, name: &str) -> Result<&Class, QueryError> {
        self.idx
            .class_by_name
            .get(name)
            .and_then(|&i| self.db.symbols.classes.entries.get(i))
            .ok_or_else(|| QueryError::UnknownClass(name.to_owned()))
    }

    /// The name of a class value.
    pub fn class_name(&self, value: u32) -> Option<&str> {
        let slot = usize::try_from(value).ok()?.checked_sub(1)?;
        let entry = (*self.idx.class_by_value.get(slot)?)?;
        self.db.symbols.classes.entries.get(entry).map(|k| k.name.as_str())
    }

    /// Names of all classes, sorted.
    pub fn class_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> =
            self.db.symbols.classes.entries.iter().map(|k| k.name.as_str()).collect();
        out.sort_unstable();
        out
    }

    /// Every `(name, value)` permission of a class, common ones included.
    fn class_perm_values<'a>(&'a self, class: &'a Class) -> impl Iterator<Item = (&'a str, u32)> {
        let common = class
            .common
            .as_deref()
            .and_then(|c| self.db.symbols.commons.entries.iter().find(|k| k.name == c));
        let inherited = common.into_iter().flat_map(|k| k.perms.iter());
        class.perms.iter().chain(inherited).map(|p| (p.name.as_str(), p.value))
    }

    /// Permissions of a class in access-vector bit order (inherited common ones first).
    pub fn class_perms(&self, class: &str) -> Result<Vec<&str>, QueryError> {
        let entry = self.class_entry(class)?;
        let mut perms: Vec<(&str, u32)> = self.class_perm_values(entry).collect();
        perms.sort_unstable_by_key(|&(_, v)| v);
        Ok(perms.into_iter().map(|(n, _)| n).collect())
    }

    /// The access-vector mask of `perms` in `class`.
    pub(crate) fn perm_mask(&self, class: &Class, perms: &[&str]) -> Result<u32, QueryError> {
        let mut mask = 0u32;
        for &perm in perms {
            let value = self
                .class_perm_values(class)
                .find(|&(n, _)| n == perm)
                .map(|(_, v)| v)
                .ok_or_else(|| QueryError::UnknownPerm {
                    class: class.name.clone(),
                    perm: perm.to_owned(),
                })?;
            mask |= value.checked_sub(1).and_then(|b| 1u32.checked_shl(b)).unwrap_or(0);
        }
        Ok(mask)
    }

    /// The permission names of a mask, in bit order.
    pub(crate) fn perm_names<'a>(&'a self, class: &'a Class, mask: u32) -> Vec<&'a str> {
        let mut perms: Vec<(&str, u32)> = self
            .class_perm_values(class)
            .filter(|&(_, v)| {
                v.checked_sub(1).and_then(|b| mask.checked_shr(b)).is_some_and(|m| m & 1 == 1)
            })
            .collect();
        perms.sort_unstable_by_key(|&(_, v)| v);
        perms.into_iter().map(|(n, _)| n).collect()
    }

    /// How much a boolean opens: the number of allow rules in the conditional nodes whose
    /// expression reads it. `None` for an unknown boolean. Used to prefer the narrowest one.
    pub fn boolean_breadth(&self, name: &str) -> Option<usize> {
        let b = self.db.symbols.bools.entries.iter().find(|b| b.name == name)?;
        Some(
            self.db
                .cond_list
                .iter()
                .filter(|node| node.booleans().contains(&b.value))
                .map(|node| {
                    node.true_list
                        .iter()
                        .chain(&node.false_list)
                        .filter(|r| r.key.specified & 0x1 != 0)
                        .count()
                })
                .sum(),
        )
    }

    /// Permissive types, sorted.
    pub fn permissive_types(&self) -> Vec<&str> {
        let mut out: Vec<&str> =
            self.db.permissive.iter().filter_map(|v| self.type_name(v)).collect();
        out.sort_unstable();
        out
    }

    /// True when denials for `type_name` are never audited (version 35 `neveraudit`).
    pub fn is_neveraudit(&self, type_name: &str) -> bool {
        self.type_value(type_name).is_ok_and(|v| self.db.neveraudit.contains(v))
    }

    /// Names of the policy capabilities that are enabled (`capability_N` for unknown ones).
    pub fn policy_capabilities(&self) -> Vec<String> {
        self.db
            .polcaps
            .iter()
            .map(|n| match POLCAP_NAMES.get(n as usize) {
                Some(name) => (*name).to_owned(),
                None => format!("capability_{n}"),
            })
            .collect()
    }
}
