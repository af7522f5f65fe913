//! Lookup structures built once after reading, so that queries touch only what they need.
//!
//! * names → values for types (with aliases), classes and booleans;
//! * for each type value, the attribute values it belongs to (from `type_attr_map`, itself
//!   included), and for each attribute its concrete members;
//! * access rules keyed by `(source, target, class)`: the OR of unconditional `allow`s, of
//!   `auditallow`s, the AND of `auditdeny` words, and a slice of conditional references
//!   `(node, branch, kind, perms)` that are applied after evaluating the node;
//! * for `(source, class)`, the targets that have any access rule (for "all targets" queries);
//! * type rules by `(source, target, class)` and filename transitions by
//!   `(target, class, name)`.
//!
//! An `allows` query then costs |attributes(src)| × |attributes(tgt)| hash probes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::avtab::{AVTAB_ALLOWED, AVTAB_AUDITALLOW, AVTAB_AUDITDENY, AvtabItem};
use super::policydb::PolicyDb;

/// A fast hasher for the integer keys used here: a multiply-rotate combine and a splitmix64
/// finish, so that low and high output bits depend on every input bit (hash tables use both).
/// Not DoS-resistant, which is fine: worst case is a slow load, never a wrong answer.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Hash map with [`IntHasher`].
pub(crate) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// Packs an avtab key.
pub(crate) fn av_key(source: u16, target: u16, class: u16) -> u64 {
    (u64::from(source) << 32) | (u64::from(target) << 16) | u64::from(class)
}

/// Merged access rules of one `(source, target, class)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Access {
    pub(crate) allowed: u32,
    pub(crate) auditallow: u32,
    pub(crate) auditdeny: u32,
    /// Range of this key's entries in [`Index::cond_refs`].
    pub(crate) cond_start: u32,
    pub(crate) cond_len: u32,
}

impl Default for Access {
    fn default() -> Self {
        Access { allowed: 0, auditallow: 0, auditdeny: u32::MAX, cond_start: 0, cond_len: 0 }
    }
}

/// A conditional access rule.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CondRef {
    pub(crate) node: u32,
    /// Active when the node evaluates to this.
    pub(crate) when: bool,
    pub(crate) specified: u16,
    pub(crate) perms: u32,
}

/// A type rule (`type_transition`, `type_change`, `type_member`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TypeRule {
    pub(crate) specified: u16,
    pub(crate) new_type: u32,
    /// `(node, branch)` for conditional rules.
    pub(crate) cond: Option<(u32, bool)>,
}

/// All lookup structures.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub(crate) type_by_name: HashMap<String, u32>,
    /// Type value − 1 → index of its primary entry in the type table.
    pub(crate) type_entry: Vec<Option<usize>>,
    /// Type value − 1 → true for attributes.
    pub(crate) is_attribute: Vec<bool>,
    /// Type value − 1 → values of its attributes and itself, ascending.
    pub(crate) attrs_of: Vec<Vec<u16>>,
    /// Attribute value − 1 → concrete member values, ascending.
    pub(crate) members: Vec<Vec<u16>>,
    /// Concrete type values sorted by name.
    pub(crate) concrete_sorted: Vec<u32>,
    pub(crate) class_by_name: HashMap<String, usize>,
    pub(crate) class_by_value: Vec<Option<usize>>,
    pub(crate) bool_by_name: HashMap<String, usize>,
    /// Boolean value − 1 → current state (the stored one until set).
    pub(crate) bool_state: Vec<bool>,
    /// Node states under the current boolean values.
    pub(crate) default_cond: Vec<Option<bool>>,
    pub(crate) access: IntMap<u64, Access>,
    pub(crate) cond_refs: Vec<CondRef>,
    /// `(source << 16 | class)` → targets with any access rule, ascending.
    pub(crate) targets: IntMap<u32, Vec<u16>>,
    pub(crate) type_rules: IntMap<u64, Vec<TypeRule>>,
    /// `(target, class, name)` → indexes into the filename-transition list.
    pub(crate) filename: HashMap<(u32, u32, String), Vec<usize>>,
}

pub(crate) fn slot_of(value: u32) -> Option<usize> {
    usize::try_from(value).ok()?.checked_sub(1)
}

impl Index {
    /// Builds every index of a policy that [`PolicyDb::read`] accepted.
    pub(crate) fn build(db: &PolicyDb) -> Index {
        let mut idx = Index::default();
        idx.build_types(db);
        idx.build_names(db);
        idx.default_cond = evaluate_all(db, &idx.bool_state);
        idx.build_access(db);
        idx.build_type_rules(db);
        for (i, ft) in db.filename_trans.iter().enumerate() {
            idx.filename.entry((ft.target, ft.class, ft.name.clone())).or_default().push(i);
        }
        idx
    }

    fn build_types(&mut self, db: &PolicyDb) {
        let n = db.type_attr_map.len();
        self.type_entry = vec![None; n];
        self.is_attribute = vec![false; n];
        for (i, t) in db.symbols.types.entries.iter().enumerate() {
            self.type_by_name.insert(t.name.clone(), t.value);
            if t.primary {
                if let Some(entry) = slot_of(t.value).and_then(|s| self.type_entry.get_mut(s)) {
                    *entry = Some(i);
                }
                if let Some(flag) = slot_of(t.value).and_then(|s| self.is_attribute.get_mut(s)) {
                    *flag = t.attribute;
                }
            }
        }
        self.attrs_of = vec![Vec::new(); n];
        self.members = vec![Vec::new(); n];
        for (i, map) in db.type_attr_map.iter().enumerate() {
            let value = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let concrete = self.type_entry.get(i).copied().flatten().is_some()
                && !self.is_attribute.get(i).copied().unwrap_or(true);
            let mut attrs: Vec<u16> =
                map.iter().filter_map(|b| u16::try_from(b + 1).ok()).collect();
            if self.type_entry.get(i).copied().flatten().is_some() && !attrs.contains(&value) {
                attrs.push(value);
                attrs.sort_unstable();
            }
            if concrete {
                for &a in &attrs {
                    if let Some(list) = slot_of(u32::from(a)).and_then(|s| self.members.get_mut(s))
                    {
                        list.push(value);
                    }
                }
            }
            if let Some(slot) = self.attrs_of.get_mut(i) {
                *slot = attrs;
            }
        }
        let mut concrete: Vec<(&str, u32)> = db
            .symbols
            .types
            .entries
            .iter()
            .filter(|t| t.primary && !t.attribute)
            .map(|t| (t.name.as_str(), t.value))
            .collect();
        concrete.sort_unstable();
        self.concrete_sorted = concrete.into_iter().map(|(_, v)| v).collect();
    }

    fn build_names(&mut self, db: &PolicyDb) {
        let classes = &db.symbols.classes;
        self.class_by_value = vec![None; usize::try_from(classes.nprim).unwrap_or(0)];
        for (i, k) in classes.entries.iter().enumerate() {
            self.class_by_name.insert(k.name.clone(), i);
            if let Some(entry) = slot_of(k.value).and_then(|s| self.class_by_value.get_mut(s)) {
                *entry = Some(i);
            }
        }
        let bools = &db.symbols.bools;
        self.bool_state = vec![false; usize::try_from(bools.nprim).unwrap_or(0)];
        for (i, b) in bools.entries.iter().enumerate() {
            self.bool_by_name.insert(b.name.clone(), i);
            if let Some(state) = slot_of(b.value).and_then(|s| self.bool_state.get_mut(s)) {
                *state = b.state;
            }
        }
    }

    fn build_access(&mut self, db: &PolicyDb) {
        self.access.reserve(db.avtab.len());
        for item in db.avtab.iter().filter(|i| i.key.specified & 0x7 != 0) {
            let k = item.key;
            let entry = self.access.entry(av_key(k.source, k.target, k.class)).or_default();
            match k.specified {
                AVTAB_ALLOWED => entry.allowed |= item.data(),
                AVTAB_AUDITALLOW => entry.auditallow |= item.data(),
                _ => entry.auditdeny &= item.data(),
            }
            if k.specified == AVTAB_ALLOWED {
                add_target(&mut self.targets, item);
            }
        }
        let mut refs: Vec<(u64, CondRef)> = Vec::new();
        for (n, node) in db.cond_list.iter().enumerate() {
            let node_no = u32::try_from(n).unwrap_or(u32::MAX);
            for (when, list) in [(true, &node.true_list), (false, &node.false_list)] {
                for item in list.iter().filter(|i| i.key.specified & 0x7 != 0) {
                    let k = item.key;
                    let perms = item.data();
                    let r = CondRef { node: node_no, when, specified: k.specified, perms };
                    refs.push((av_key(k.source, k.target, k.class), r));
                    if k.specified == AVTAB_ALLOWED {
                        add_target(&mut self.targets, item);
                    }
                }
            }
        }
        refs.sort_by_key(|&(key, _)| key);
        let mut start = 0usize;
        while let Some(&(key, _)) = refs.get(start) {
            let len = refs
                .get(start..)
                .map_or(0, |rest| rest.iter().take_while(|(k, _)| *k == key).count());
            let entry = self.access.entry(key).or_default();
            entry.cond_start = u32::try_from(self.cond_refs.len()).unwrap_or(u32::MAX);
            entry.cond_len = u32::try_from(len).unwrap_or(0);
            self.cond_refs
                .extend(refs.get(start..start + len).unwrap_or(&[]).iter().map(|&(_, r)| r));
            start += len.max(1);
        }
        for list in self.targets.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
    }

    fn build_type_rules(&mut self, db: &PolicyDb) {
        let unconditional = db.avtab.iter().map(|i| (i, None));
        let conditional = db.cond_list.iter().enumerate().flat_map(|(n, node)| {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            let t = node.true_list.iter().map(move |i| (i, Some((n, true))));
            t.chain(node.false_list.iter().map(move |i| (i, Some((n, false)))))
        });
        for (item, cond) in unconditional.chain(conditional) {
            let k = item.key;
            if k.specified & 0x70 != 0 {
                let rule = TypeRule { specified: k.specified, new_type: item.data(), cond };
                self.type_rules.entry(av_key(k.source, k.target, k.class)).or_default().push(rule);
            }
        }
    }

    /// Attributes (and itself) of a type value.
    pub(crate) fn attrs(&self, value: u32) -> &[u16] {
        slot_of(value).and_then(|s| self.attrs_of.get(s)).map_or(&[], Vec::as_slice)
    }

    /// Effective `(allowed, auditallow, auditdeny)` for a source/target pair of type values.
    pub(crate) fn compute(
        &self,
        source: u32,
        target: u32,
        class: u16,
        states: &[Option<bool>],
    ) -> (u32, u32, u32) {
        let (mut allowed, mut auditallow, mut auditdeny) = (0u32, 0u32, u32::MAX);
        let target_attrs = self.attrs(target);
        for &s in self.attrs(source) {
            for &t in target_attrs {
                let Some(a) = self.access.get(&av_key(s, t, class)) else { continue };
                allowed |= a.allowed;
                auditallow |= a.auditallow;
                auditdeny &= a.auditdeny;
                for r in self.cond_slice(a) {
                    if states.get(r.node as usize).copied().flatten() != Some(r.when) {
                        continue;
                    }
                    match r.specified {
                        AVTAB_ALLOWED => allowed |= r.perms,
                        AVTAB_AUDITALLOW => auditallow |= r.perms,
                        AVTAB_AUDITDENY => auditdeny &= r.perms,
                        _ => {}
                    }
                }
            }
        }
        (allowed, auditallow, auditdeny)
    }

    /// The conditional references of an access entry.
    pub(crate) fn cond_slice(&self, a: &Access) -> &[CondRef] {
        let start = a.cond_start as usize;
        self.cond_refs.get(start..start + a.cond_len as usize).unwrap_or(&[])
    }
}

fn add_target(targets: &mut IntMap<u32, Vec<u16>>, item: &AvtabItem) {
    let key = (u32::from(item.key.source) << 16) | u32::from(item.key.class);
    targets.entry(key).or_default().push(item.key.target);
}

/// Evaluates every conditional node under `bool_state` (boolean value − 1 → state).
pub(crate) fn evaluate_all(db: &PolicyDb, bool_state: &[bool]) -> Vec<Option<bool>> {
    db.cond_list
        .iter()
        .map(|node| {
            node.evaluate(|b| slot_of(b).and_then(|s| bool_state.get(s)).copied().unwrap_or(false))
        })
        .collect()
}
