//! Effective access and the booleans it hangs on: every concrete type a domain may use on a
//! class with *all* of a permission set under the current boolean values, and every type it
//! could use, or would lose, when one boolean is flipped.
//!
//! Only booleans read by a conditional node that holds an `allow` rule for the domain (or
//! one of its attributes) on the class can change the answer, so only those are flipped, one
//! at a time, each costing one [`BinaryPolicy::targets_allowing_with_booleans`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::avtab::AVTAB_ALLOWED;
use super::index::av_key;
use super::{BinaryPolicy, QueryError};

/// One type of [`BinaryPolicy::access_targets`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TargetAccess<'p> {
    /// The concrete type.
    pub target: &'p str,
    /// True when allowed under the current boolean values.
    pub allowed: bool,
    /// The booleans each of which, flipped alone from its current value, changes the
    /// answer: for an allowed type the ones it depends on, otherwise the ones that would
    /// allow it. Sorted.
    pub booleans: Vec<&'p str>,
}

impl BinaryPolicy {
    /// Every concrete type `T` such that `src` may do every one of `perms` on `T`:`class` now,
    /// or could after flipping a single boolean, with the booleans that matter (see
    /// [`TargetAccess`]). Sorted by type name.
    pub fn access_targets(
        &self,
        src: &str,
        class: &str,
        perms: &[&str],
    ) -> Result<Vec<TargetAccess<'_>>, QueryError> {
        let now = self.targets_allowing(src, class, perms)?;
        let mut out: BTreeMap<&str, TargetAccess<'_>> = now
            .iter()
            .map(|&t| (t, TargetAccess { target: t, allowed: true, booleans: Vec::new() }))
            .collect();
        for value in self.booleans_for(src, class)? {
            let Some(b) = self.db.symbols.bools.entries.iter().find(|b| b.value == value) else {
                continue;
            };
            let name = b.name.as_str();
            let flipped = [(name, !self.current_bool(value))];
            let then = self.targets_allowing_with_booleans(src, class, perms, &flipped)?;
            for &t in &then {
                if now.binary_search(&t).is_err() {
                    let entry = out.entry(t).or_insert(TargetAccess {
                        target: t,
                        allowed: false,
                        booleans: Vec::new(),
                    });
                    entry.booleans.push(name);
                }
            }
            for &t in &now {
                if then.binary_search(&t).is_err() {
                    if let Some(entry) = out.get_mut(t) {
                        entry.booleans.push(name);
                    }
                }
            }
        }
        let mut list: Vec<TargetAccess<'_>> = out.into_values().collect();
        for entry in &mut list {
            entry.booleans.sort_unstable();
        }
        Ok(list)
    }

    /// Booleans read by conditional nodes holding an `allow` rule for `src` (or one of its
    /// attributes) on `class`, ascending values.
    fn booleans_for(&self, src: &str, class: &str) -> Result<Vec<u32>, QueryError> {
        let source = self.type_value(src)?;
        let class_value = u16::try_from(self.class_entry(class)?.value)
            .map_err(|_| QueryError::UnknownClass(class.to_owned()))?;
        let mut out = Vec::new();
        for &s in self.idx.attrs(source) {
            let key = (u32::from(s) << 16) | u32::from(class_value);
            for &t in self.idx.targets.get(&key).map_or(&[][..], Vec::as_slice) {
                let Some(a) = self.idx.access.get(&av_key(s, t, class_value)) else { continue };
                for r in self.idx.cond_slice(a).iter().filter(|r| r.specified == AVTAB_ALLOWED) {
                    if let Some(node) = self.db.cond_list.get(r.node as usize) {
                        out.extend(node.booleans());
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}
