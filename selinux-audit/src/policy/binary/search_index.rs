//! The index behind [`BinaryPolicy::search_rules`]: every TE rule once (unconditional and
//! conditional avtab items, named transitions expanded per source type), sorted by
//! `(source, class, target)` with offsets per source, plus entry numbers sorted by
//! `(target, class)` with offsets per target, and the conditional ones grouped by node, so a
//! search reads only the buckets of the types (or booleans) its criteria stand for and,
//! within them, only the requested classes. Also per class
//! its permission names sorted by name and its full mask (to turn `dontaudit`'s stored
//! audited bits into the silenced ones), and each conditional node's rendered expression.

use super::BinaryPolicy;
use super::avtab::AVTAB_AUDITDENY;
use super::avtab::AVTAB_TRANSITION;
use super::render::render_expression;
use super::search::entries_of;

/// One rule.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) source: u16,
    pub(crate) target: u16,
    pub(crate) class: u16,
    pub(crate) specified: u16,
    /// Permission bits as stored, or the new type.
    pub(crate) data: u32,
    /// `(node, branch)` of a conditional rule.
    pub(crate) cond: Option<(u32, bool)>,
    /// Index into the filename transitions for a named `type_transition`.
    pub(crate) name: Option<u32>,
}

/// See the module docs.
#[derive(Debug, Default)]
pub(crate) struct RuleIndex {
    /// Sorted by `(source, class, target)`.
    pub(crate) entries: Vec<Entry>,
    /// Source value → first entry; one more slot than values.
    source_offsets: Vec<u32>,
    /// Entry numbers sorted by `(target, class)`.
    by_target: Vec<u32>,
    /// Target value → first position in `by_target`.
    target_offsets: Vec<u32>,
    /// Numbers of the conditional entries, grouped by node.
    by_node: Vec<u32>,
    /// Node → first position in `by_node`.
    node_offsets: Vec<u32>,
    /// Class value → `(bit, name)` sorted by name.
    class_perms: Vec<Vec<(u32, String)>>,
    /// Class value → every defined permission bit.
    full_masks: Vec<u32>,
    /// Node → expression text.
    pub(crate) expressions: Vec<String>,
    /// Node → names of the booleans it reads, sorted.
    pub(crate) node_booleans: Vec<Vec<String>>,
}

/// `offsets[v]..offsets[v + 1]` is the range of key `v` in a list sorted by key.
fn offsets(keys: impl Iterator<Item = u16>, values: usize) -> Vec<u32> {
    let mut counts = vec![0u32; values + 2];
    for k in keys {
        if let Some(c) = counts.get_mut(usize::from(k) + 1) {
            *c += 1;
        }
    }
    let mut total = 0u32;
    for c in &mut counts {
        total += *c;
        *c = total;
    }
    counts
}

impl RuleIndex {
    pub(crate) fn build(p: &BinaryPolicy) -> RuleIndex {
        let db = &p.db;
        let mut entries: Vec<Entry> = entries_of(&db.avtab, None).collect();
        for (n, node) in db.cond_list.iter().enumerate() {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            entries.extend(entries_of(&node.true_list, Some((n, true))));
            entries.extend(entries_of(&node.false_list, Some((n, false))));
        }
        for (i, ft) in db.filename_trans.iter().enumerate() {
            let (Ok(target), Ok(class), Ok(i)) =
                (u16::try_from(ft.target), u16::try_from(ft.class), u32::try_from(i))
            else {
                continue;
            };
            for bit in ft.sources.iter() {
                let Ok(source) = u16::try_from(bit + 1) else { continue };
                entries.push(Entry {
                    source,
                    target,
                    class,
                    specified: AVTAB_TRANSITION,
                    data: ft.new_type,
                    cond: None,
                    name: Some(i),
                });
            }
        }
        // Counting sorts on the 16-bit source and target, then small sorts inside buckets.
        let types = p.idx.attrs_of.len();
        let source_offsets = offsets(entries.iter().map(|e| e.source), types);
        let order = bucket_order(entries.iter().map(|e| e.source), &source_offsets);
        let mut entries: Vec<Entry> =
            order.iter().filter_map(|&i| entries.get(i as usize)).copied().collect();
        for range in source_offsets.windows(2) {
            if let Some(bucket) = range_of(range).and_then(|r| entries.get_mut(r)) {
                bucket.sort_unstable_by_key(|e| (e.class, e.target));
            }
        }
        let target_offsets = offsets(entries.iter().map(|e| e.target), types);
        let mut by_target = bucket_order(entries.iter().map(|e| e.target), &target_offsets);
        let class_of = |i: &u32| entries.get(*i as usize).map_or(u16::MAX, |e| e.class);
        for range in target_offsets.windows(2) {
            if let Some(bucket) = range_of(range).and_then(|r| by_target.get_mut(r)) {
                bucket.sort_by_key(class_of);
            }
        }
        let conditional: Vec<(u32, usize)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((u32::try_from(i).ok()?, e.cond?.0 as usize)))
            .collect();
        let mut node_offsets = vec![0u32; db.cond_list.len() + 2];
        for &(_, node) in &conditional {
            if let Some(c) = node_offsets.get_mut(node + 1) {
                *c += 1;
            }
        }
        let mut total = 0;
        for c in &mut node_offsets {
            total += *c;
            *c = total;
        }
        let mut by_node = vec![0u32; conditional.len()];
        let mut next = node_offsets.clone();
        for &(i, node) in &conditional {
            if let Some(slot) = next.get_mut(node) {
                if let Some(o) = by_node.get_mut(*slot as usize) {
                    *o = i;
                }
                *slot += 1;
            }
        }
        let nclasses = p.idx.class_by_value.len() + 1;
        let mut class_perms = vec![Vec::new(); nclasses];
        let mut full_masks = vec![0u32; nclasses];
        for class in &db.symbols.classes.entries {
            let Ok(v) = usize::try_from(class.value) else { continue };
            let mut perms: Vec<(u32, String)> = p
                .perm_names(class, u32::MAX)
                .into_iter()
                .filter_map(|name| Some((p.perm_mask(class, &[name]).ok()?, name.to_owned())))
                .collect();
            perms.sort_unstable_by(|a, b| a.1.cmp(&b.1));
            if let Some(m) = full_masks.get_mut(v) {
                *m = perms.iter().fold(0, |acc, (bit, _)| acc | bit);
            }
            if let Some(slot) = class_perms.get_mut(v) {
                *slot = perms;
            }
        }
        let bool_name = |v: u32| {
            p.db.symbols.bools.entries.iter().find(|b| b.value == v).map(|b| b.name.as_str())
        };
        let expressions =
            db.cond_list.iter().map(|n| render_expression(&n.expr, bool_name)).collect();
        let node_booleans = db
            .cond_list
            .iter()
            .map(|n| {
                let mut names: Vec<String> =
                    n.booleans().into_iter().filter_map(bool_name).map(str::to_owned).collect();
                names.sort_unstable();
                names
            })
            .collect();
        RuleIndex {
            entries,
            source_offsets,
            by_target,
            target_offsets,
            by_node,
            node_offsets,
            class_perms,
            full_masks,
            expressions,
            node_booleans,
        }
    }

    /// Calls `f` on every entry with this source, only those of `classes` when not empty.
    pub(crate) fn each_by_source(&self, source: u16, classes: &[u16], f: &mut impl FnMut(&Entry)) {
        let bucket =
            range(&self.source_offsets, source).and_then(|r| self.entries.get(r)).unwrap_or(&[]);
        if classes.is_empty() {
            bucket.iter().for_each(f);
            return;
        }
        for &c in classes {
            let start = bucket.partition_point(|e| e.class < c);
            let end = bucket.partition_point(|e| e.class <= c);
            bucket.get(start..end).unwrap_or(&[]).iter().for_each(&mut *f);
        }
    }

    /// Calls `f` on every entry with this target, only those of `classes` when not empty.
    pub(crate) fn each_by_target(&self, target: u16, classes: &[u16], f: &mut impl FnMut(&Entry)) {
        let bucket =
            range(&self.target_offsets, target).and_then(|r| self.by_target.get(r)).unwrap_or(&[]);
        let class_of = |i: &u32| self.entries.get(*i as usize).map_or(u16::MAX, |e| e.class);
        let mut visit = |slice: &[u32]| {
            slice.iter().filter_map(|&i| self.entries.get(i as usize)).for_each(&mut *f);
        };
        if classes.is_empty() {
            visit(bucket);
            return;
        }
        for &c in classes {
            let start = bucket.partition_point(|i| class_of(i) < c);
            let end = bucket.partition_point(|i| class_of(i) <= c);
            visit(bucket.get(start..end).unwrap_or(&[]));
        }
    }

    /// Calls `f` on every entry of a conditional node.
    pub(crate) fn each_by_node(&self, node: usize, f: &mut impl FnMut(&Entry)) {
        let start = self.node_offsets.get(node).copied().unwrap_or(0) as usize;
        let end = self.node_offsets.get(node + 1).copied().unwrap_or(0) as usize;
        let positions = self.by_node.get(start..end).unwrap_or(&[]);
        positions.iter().filter_map(|&i| self.entries.get(i as usize)).for_each(f);
    }

    /// The bit of a permission in a class, `None` when the class does not define it.
    pub(crate) fn perm_bit(&self, class: u16, perm: &str) -> Option<u32> {
        let perms = self.class_perms.get(usize::from(class))?;
        let i = perms.binary_search_by(|(_, name)| name.as_str().cmp(perm)).ok()?;
        perms.get(i).map(|(bit, _)| *bit)
    }

    /// The permission bits a rule lists (for `dontaudit`, the silenced ones).
    pub(crate) fn perms_of(&self, e: &Entry) -> u32 {
        if e.specified == AVTAB_AUDITDENY {
            !e.data & self.full_masks.get(usize::from(e.class)).copied().unwrap_or(0)
        } else {
            e.data
        }
    }

    /// The names of a class's permission bits, sorted by name.
    pub(crate) fn perm_names(&self, class: u16, mask: u32) -> Vec<&str> {
        self.class_perms
            .get(usize::from(class))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|(bit, _)| bit & mask != 0)
            .map(|(_, name)| name.as_str())
            .collect()
    }
}

/// Positions of items grouped by key (stable), given the key offsets.
fn bucket_order(keys: impl Iterator<Item = u16>, offsets: &[u32]) -> Vec<u32> {
    let mut next: Vec<u32> = offsets.to_vec();
    let mut order = vec![0u32; offsets.last().map_or(0, |&n| n as usize)];
    for (i, k) in keys.enumerate() {
        let Some(slot) = next.get_mut(usize::from(k)) else { continue };
        if let (Some(o), Ok(i)) = (order.get_mut(*slot as usize), u32::try_from(i)) {
            *o = i;
        }
        *slot += 1;
    }
    order
}

/// `[start, end]` of a `windows(2)` item as a range.
fn range_of(pair: &[u32]) -> Option<std::ops::Range<usize>> {
    match pair {
        [start, end] => Some(*start as usize..*end as usize),
        _ => None,
    }
}

fn range(offsets: &[u32], key: u16) -> Option<std::ops::Range<usize>> {
    let k = usize::from(key);
    let start = *offsets.get(k)? as usize;
    let end = *offsets.get(k + 1)? as usize;
    Some(start..end)
}
