//! Which changes of booleans would let type enforcement grant a denied access.
//!
//! audit2why flips each boolean alone, so a rule under `a && b` (both off) is reported as a
//! missing rule. Here the search looks at the conditional allow rules that apply to the
//! access (through every attribute of source and target) and tries sets of boolean changes,
//! smallest first, re-evaluating only the nodes that hold those rules. A set is reported when
//! it grants every requested permission and none of its subsets does.
//!
//! Limits, so that a query stays fast whatever the policy: only booleans read by a node that
//! holds a rule granting a missing permission are candidates; sets have at most
//! [`MAX_FLIPS`] booleans; at most [`MAX_EVALUATIONS`] sets are tried beyond single flips
//! (single flips are always all tried); at most [`MAX_OPTIONS`] sets are returned. When a
//! limit cuts the search short the result says so (`complete: false`).

use super::BinaryPolicy;
use super::avtab::AVTAB_ALLOWED;
use super::index::{av_key, slot_of};
use super::verdict::{BooleanOption, BooleanValue};

/// Largest number of booleans changed together.
pub const MAX_FLIPS: usize = 3;
/// Largest number of multi-boolean sets evaluated per query.
pub const MAX_EVALUATIONS: usize = 8192;
/// Largest number of options returned.
pub const MAX_OPTIONS: usize = 12;

/// The allow rules that apply to one `(source, target, class)`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Applicable {
    /// Unconditional allow bits.
    pub(crate) always: u32,
    /// Conditional allow rules: `(node, branch, perms)`.
    pub(crate) conditional: Vec<(u32, bool, u32)>,
}

/// The outcome of a search.
#[derive(Clone, Debug, Default)]
pub(crate) struct Found {
    pub(crate) options: Vec<BooleanOption>,
    /// Boolean values (1-based) whose single flip is enough.
    pub(crate) single: Vec<u32>,
    pub(crate) complete: bool,
    /// True when any conditional rule grants a missing permission.
    pub(crate) any_conditional: bool,
}

impl BinaryPolicy {
    /// Collects the allow rules of `(source, target, class)` over all attributes.
    pub(crate) fn applicable(&self, source: u32, target: u32, class: u16) -> Applicable {
        let mut out = Applicable::default();
        let target_attrs = self.idx.attrs(target);
        for &s in self.idx.attrs(source) {
            for &t in target_attrs {
                let Some(a) = self.idx.access.get(&av_key(s, t, class)) else { continue };
                out.always |= a.allowed;
                for r in self.idx.cond_slice(a).iter().filter(|r| r.specified == AVTAB_ALLOWED) {
                    out.conditional.push((r.node, r.when, r.perms));
                }
            }
        }
        out.conditional.sort_unstable();
        out.conditional.dedup();
        out
    }

    /// The stored state of boolean value `b`.
    fn stored(&self, b: u32) -> bool {
        slot_of(b).and_then(|s| self.idx.bool_state.get(s)).copied().unwrap_or(false)
    }

    /// Allow bits with the booleans in `flips` changed from their stored values.
    fn granted_with(&self, app: &Applicable, flips: &[u32]) -> u32 {
        let mut allowed = app.always;
        let mut last: Option<(u32, Option<bool>)> = None;
        for &(node, when, perms) in &app.conditional {
            let state = match last {
                Some((n, s)) if n == node => s,
                _ => {
                    let s = self
                        .db
                        .cond_list
                        .get(node as usize)
                        .and_then(|n| n.evaluate(|b| self.stored(b) != flips.contains(&b)));
                    last = Some((node, s));
                    s
                }
            };
            if state == Some(when) {
                allowed |= perms;
            }
        }
        allowed
    }

    fn bool_value(&self, b: u32, value: bool) -> Option<BooleanValue> {
        let entry = self.db.symbols.bools.entries.iter().find(|e| e.value == b)?;
        Some(BooleanValue { name: entry.name.clone(), value })
    }

    /// Searches sets of boolean changes that grant all of `need`.
    pub(crate) fn search_booleans(&self, app: &Applicable, need: u32) -> Found {
        let missing = need & !self.granted_with(app, &[]);
        let mut found = Found { complete: true, ..Found::default() };
        if missing == 0 {
            return found;
        }
        let mut candidates: Vec<u32> = Vec::new();
        for &(node, _, perms) in &app.conditional {
            if perms & missing == 0 {
                continue;
            }
            found.any_conditional = true;
            if let Some(n) = self.db.cond_list.get(node as usize) {
                candidates.extend(n.booleans());
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let works = |set: &[u32]| self.granted_with(app, set) & need == need;
        let mut sets: Vec<Vec<u32>> =
            candidates.iter().filter(|&&b| works(&[b])).map(|&b| vec![b]).collect();
        found.single = sets.iter().filter_map(|s| s.first().copied()).collect();
        let mut budget = MAX_EVALUATIONS;
        'sizes: for size in 2..=MAX_FLIPS.min(candidates.len()) {
            // Index combinations in lexicographic order, without recursion.
            let mut idx: Vec<usize> = (0..size).collect();
            loop {
                let set: Vec<u32> =
                    idx.iter().filter_map(|&i| candidates.get(i).copied()).collect();
                let has_smaller = sets.iter().any(|s| s.iter().all(|b| set.contains(b)));
                if !has_smaller {
                    if budget == 0 {
                        found.complete = false;
                        break 'sizes;
                    }
                    budget -= 1;
                    if works(&set) {
                        sets.push(set);
                    }
                }
                // Advance to the next combination.
                let Some(pos) = (0..size)
                    .rev()
                    .find(|&p| idx.get(p).is_some_and(|&v| v < candidates.len() - size + p))
                else {
                    break;
                };
                if let Some(v) = idx.get_mut(pos) {
                    *v += 1;
                }
                let base = idx.get(pos).copied().unwrap_or(0);
                for (k, slot) in idx.iter_mut().enumerate().skip(pos + 1) {
                    *slot = base + (k - pos);
                }
            }
        }
        found.options = self.rank_options(app, need, sets);
        if found.options.len() > MAX_OPTIONS {
            found.options.truncate(MAX_OPTIONS);
            found.complete = false;
        }
        found
    }

    /// Turns sets into options with their required booleans, narrowest first: fewer changes,
    /// then fewer rules opened by the booleans changed, then by name.
    fn rank_options(&self, app: &Applicable, need: u32, sets: Vec<Vec<u32>>) -> Vec<BooleanOption> {
        let mut ranked: Vec<(usize, usize, BooleanOption)> = Vec::new();
        for set in sets {
            let mut readers: Vec<u32> = Vec::new();
            for &(node, _, perms) in &app.conditional {
                if perms & need != 0 {
                    readers.extend(
                        self.db
                            .cond_list
                            .get(node as usize)
                            .map(|n| n.booleans())
                            .unwrap_or_default(),
                    );
                }
            }
            readers.sort_unstable();
            readers.dedup();
            let mut requires = Vec::new();
            for &b in readers.iter().filter(|b| !set.contains(b)) {
                let mut with_b = set.clone();
                with_b.push(b);
                if self.granted_with(app, &with_b) & need != need {
                    requires.extend(self.bool_value(b, self.stored(b)));
                }
            }
            let mut values: Vec<BooleanValue> =
                set.iter().filter_map(|&b| self.bool_value(b, !self.stored(b))).collect();
            values.sort();
            requires.sort();
            let breadth: usize = values.iter().filter_map(|v| self.boolean_breadth(&v.name)).sum();
            ranked.push((values.len(), breadth, BooleanOption { set: values, requires }));
        }
        ranked.sort_by(|a, b| (a.0, a.1, &a.2.set).cmp(&(b.0, b.1, &b.2.set)));
        ranked.into_iter().map(|(_, _, o)| o).collect()
    }
}
