//! Access queries: effective permissions, targets granting a permission set, boolean
//! overrides, which booleans would grant a denied access, and dontaudit.
//!
//! Effective access for `(S, T, C)` is the OR of every enabled `allow` whose source is an
//! attribute of `S` (or `S`) and whose target is an attribute of `T` (or `T`). A conditional
//! rule is enabled when its node's expression, evaluated from the boolean values, equals the
//! branch the rule is in.

use std::borrow::Cow;

use super::class::Class;
use super::index::{av_key, evaluate_all, slot_of};
use super::{BinaryPolicy, QueryError};
use crate::policy::binary::avtab::AVTAB_ALLOWED;

/// Resolved query operands.
struct Operands<'a> {
    source: u32,
    target: u32,
    class: &'a Class,
    class_value: u16,
    need: u32,
}

impl BinaryPolicy {
    /// Node states for the current boolean values with `overrides` applied.
    fn cond_states(
        &self,
        overrides: &[(&str, bool)],
    ) -> Result<Cow<'_, [Option<bool>]>, QueryError> {
        if overrides.is_empty() {
            return Ok(Cow::Borrowed(&self.idx.default_cond));
        }
        let mut states = self.idx.bool_state.clone();
        for &(name, value) in overrides {
            let unknown = || QueryError::UnknownBoolean(name.to_owned());
            let entry = self.idx.bool_by_name.get(name).ok_or_else(unknown)?;
            let b = self.db.symbols.bools.entries.get(*entry).ok_or_else(unknown)?;
            let state = slot_of(b.value).and_then(|s| states.get_mut(s)).ok_or_else(unknown)?;
            *state = value;
        }
        Ok(Cow::Owned(evaluate_all(&self.db, &states)))
    }

    fn class_operands(
        &self,
        class: &str,
        perms: &[&str],
    ) -> Result<(&Class, u16, u32), QueryError> {
        let entry = self.class_entry(class)?;
        let value =
            u16::try_from(entry.value).map_err(|_| QueryError::UnknownClass(class.to_owned()))?;
        let need = self.perm_mask(entry, perms)?;
        Ok((entry, value, need))
    }

    fn operands(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<Operands<'_>, QueryError> {
        let source = self.type_value(src)?;
        let target = self.type_value(tgt)?;
        let (class, class_value, need) = self.class_operands(class, perms)?;
        Ok(Operands { source, target, class, class_value, need })
    }

    /// Like [`BinaryPolicy::allows`], with some booleans set to other values first.
    pub fn allows_with_booleans(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
        overrides: &[(&str, bool)],
    ) -> Result<bool, QueryError> {
        let o = self.operands(src, tgt, class, perms)?;
        let states = self.cond_states(overrides)?;
        let (allowed, _, _) = self.idx.compute(o.source, o.target, o.class_value, &states);
        Ok(allowed & o.need == o.need)
    }

    /// The permissions `src` has on `tgt`:`class` (current boolean values), in bit order.
    pub fn allowed_perms(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
    ) -> Result<Vec<&str>, QueryError> {
        self.allowed_perms_with_booleans(src, tgt, class, &[])
    }

    /// The permissions `src` has on `tgt`:`class` with boolean overrides, in bit order.
    pub fn allowed_perms_with_booleans(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        overrides: &[(&str, bool)],
    ) -> Result<Vec<&str>, QueryError> {
        let o = self.operands(src, tgt, class, &[])?;
        let states = self.cond_states(overrides)?;
        let (allowed, _, _) = self.idx.compute(o.source, o.target, o.class_value, &states);
        Ok(self.perm_names(o.class, allowed))
    }

    /// Like [`BinaryPolicy::targets_allowing`], with boolean overrides.
    pub fn targets_allowing_with_booleans(
        &self,
        src: &str,
        class: &str,
        perms: &[&str],
        overrides: &[(&str, bool)],
    ) -> Result<Vec<&str>, QueryError> {
        let source = self.type_value(src)?;
        let (_, class_value, need) = self.class_operands(class, perms)?;
        let states = self.cond_states(overrides)?;
        // Permissions granted per target type-or-attribute, over all attributes of `src`.
        let mut granted = vec![0u32; self.idx.attrs_of.len()];
        for &s in self.idx.attrs(source) {
            let key = (u32::from(s) << 16) | u32::from(class_value);
            for &t in self.idx.targets.get(&key).map_or(&[][..], Vec::as_slice) {
                let Some(a) = self.idx.access.get(&av_key(s, t, class_value)) else {
                    continue;
                };
                let mut perms = a.allowed;
                for r in self.idx.cond_slice(a) {
                    let active = states.get(r.node as usize).copied().flatten() == Some(r.when);
                    if active && r.specified == AVTAB_ALLOWED {
                        perms |= r.perms;
                    }
                }
                if let Some(g) = slot_of(u32::from(t)).and_then(|i| granted.get_mut(i)) {
                    *g |= perms;
                }
            }
        }
        let mut out = Vec::new();
        for &v in &self.idx.concrete_sorted {
            let total = self.idx.attrs(v).iter().fold(0u32, |acc, &a| {
                acc | slot_of(u32::from(a)).and_then(|i| granted.get(i)).copied().unwrap_or(0)
            });
            if total & need == need {
                out.extend(self.type_name(v));
            }
        }
        Ok(out)
    }

    /// Booleans that, flipped alone from their current value, would let `src` do all of `perms`
    /// on `tgt`:`class` (what audit2why reports). Empty when it is already allowed or when no
    /// single flip is enough. Sorted by name.
    pub fn booleans_that_allow(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<Vec<&str>, QueryError> {
        let o = self.operands(src, tgt, class, perms)?;
        let states = &self.idx.default_cond;
        let (allowed, _, _) = self.idx.compute(o.source, o.target, o.class_value, states);
        if allowed & o.need == o.need {
            return Ok(Vec::new());
        }
        // Only booleans read by nodes that hold a relevant allow rule can change the answer.
        let mut candidates: Vec<u32> = Vec::new();
        for &s in self.idx.attrs(o.source) {
            for &t in self.idx.attrs(o.target) {
                let Some(a) = self.idx.access.get(&av_key(s, t, o.class_value)) else {
                    continue;
                };
                for r in self.idx.cond_slice(a).iter().filter(|r| r.specified == AVTAB_ALLOWED) {
                    if let Some(node) = self.db.cond_list.get(r.node as usize) {
                        candidates.extend(node.booleans());
                    }
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut out = Vec::new();
        for value in candidates {
            let Some(b) = self.db.symbols.bools.entries.iter().find(|b| b.value == value) else {
                continue;
            };
            let flipped = self.cond_states(&[(b.name.as_str(), !self.current_bool(b.value))])?;
            let (allowed, _, _) = self.idx.compute(o.source, o.target, o.class_value, &flipped);
            if allowed & o.need == o.need {
                out.push(b.name.as_str());
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// True when a denial of every one of `perms` would not be audited (`dontaudit`), under
    /// the current boolean values. False for an empty `perms`.
    pub fn dontaudits(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<bool, QueryError> {
        let o = self.operands(src, tgt, class, perms)?;
        let (_, _, auditdeny) =
            self.idx.compute(o.source, o.target, o.class_value, &self.idx.default_cond);
        Ok(o.need != 0 && auditdeny & o.need == 0)
    }

    /// True when granting every one of `perms` is audited (`auditallow`).
    pub fn auditallows(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<bool, QueryError> {
        let o = self.operands(src, tgt, class, perms)?;
        let (_, auditallow, _) =
            self.idx.compute(o.source, o.target, o.class_value, &self.idx.default_cond);
        Ok(o.need != 0 && auditallow & o.need == o.need)
    }

    /// Types a domain may enter through (`file:entrypoint`), sorted.
    pub fn entrypoints(&self, domain: &str) -> Result<Vec<&str>, QueryError> {
        self.targets_allowing(domain, "file", &["entrypoint"])
    }
}
