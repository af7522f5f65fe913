//! Rule search, equivalent to `sesearch -A/--auditallow/--dontaudit/-T` (setools 4.4): the
//! rules as written in the policy (sources and targets may be attributes), not the effective
//! access computed from them.
//!
//! Matching, as setools does it:
//!
//! * source / target: through attributes by default — a rule matches when the types its
//!   source stands for share a type with the types the criterion stands for (an attribute
//!   stands for its members, a type for itself; an empty attribute matches nothing). With
//!   `direct` only rules written on the name itself match (`-ds`, `-dt`). Aliases name their
//!   type.
//! * classes: any of them; permissions: rules with *any* of them (`-p a,b`; a `dontaudit`
//!   rule's permissions are the ones it silences); type rules never match a permission
//!   filter.
//! * booleans: conditional rules whose expression reads any of them.
//!
//! Results come sorted the way `sesearch` prints them (by their text); each conditional rule
//! says which branch it is in and whether it is active under the current boolean values.
//! Extended-permission rules (`allowxperm` …) are not searched.
//!
//! The index behind it (every rule once, sorted by source then class, plus the same by
//! target) is built on the first search, so loading a policy for other queries costs nothing.

use serde::Serialize;

use super::avtab::{
    AVTAB_ALLOWED, AVTAB_AUDITALLOW, AVTAB_AUDITDENY, AVTAB_CHANGE, AVTAB_MEMBER, AVTAB_TRANSITION,
    AvtabItem,
};
use super::index::slot_of;
use super::search_index::{Entry, RuleIndex};
use super::{BinaryPolicy, QueryError};

/// The kind of a type-enforcement rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleKind {
    /// `allow`.
    Allow,
    /// `auditallow`.
    Auditallow,
    /// `dontaudit`.
    Dontaudit,
    /// `type_transition` (unnamed and named).
    TypeTransition,
    /// `type_change`.
    TypeChange,
    /// `type_member`.
    TypeMember,
}

impl RuleKind {
    /// The access-vector kinds.
    pub const ACCESS: [RuleKind; 3] = [RuleKind::Allow, RuleKind::Auditallow, RuleKind::Dontaudit];
    /// The type-rule kinds (`sesearch -T`).
    pub const TYPE: [RuleKind; 3] =
        [RuleKind::TypeTransition, RuleKind::TypeChange, RuleKind::TypeMember];

    /// The policy-language keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Allow => "allow",
            RuleKind::Auditallow => "auditallow",
            RuleKind::Dontaudit => "dontaudit",
            RuleKind::TypeTransition => "type_transition",
            RuleKind::TypeChange => "type_change",
            RuleKind::TypeMember => "type_member",
        }
    }

    /// True for `allow`, `auditallow` and `dontaudit`.
    pub fn is_access(self) -> bool {
        matches!(self, RuleKind::Allow | RuleKind::Auditallow | RuleKind::Dontaudit)
    }

    pub(crate) fn specified(self) -> u16 {
        match self {
            RuleKind::Allow => AVTAB_ALLOWED,
            RuleKind::Auditallow => AVTAB_AUDITALLOW,
            RuleKind::Dontaudit => AVTAB_AUDITDENY,
            RuleKind::TypeTransition => AVTAB_TRANSITION,
            RuleKind::TypeChange => AVTAB_CHANGE,
            RuleKind::TypeMember => AVTAB_MEMBER,
        }
    }

    pub(crate) fn from_specified(specified: u16) -> Option<RuleKind> {
        [Self::ACCESS, Self::TYPE].into_iter().flatten().find(|k| k.specified() == specified)
    }
}

/// What to search for. Unset criteria match everything; see the module docs for semantics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RuleQuery<'q> {
    /// Rule kinds; empty means every kind.
    pub kinds: Vec<RuleKind>,
    /// Source type or attribute.
    pub source: Option<&'q str>,
    /// Only rules written on the source name itself (`-ds`).
    pub source_direct: bool,
    /// Target type or attribute.
    pub target: Option<&'q str>,
    /// Only rules written on the target name itself (`-dt`).
    pub target_direct: bool,
    /// Any of these classes.
    pub classes: Vec<&'q str>,
    /// Any of these permissions.
    pub perms: Vec<&'q str>,
    /// Any of these booleans in the rule's condition.
    pub booleans: Vec<&'q str>,
}

impl<'q> RuleQuery<'q> {
    /// A query for these kinds of rules.
    pub fn new(kinds: &[RuleKind]) -> RuleQuery<'q> {
        RuleQuery { kinds: kinds.to_vec(), ..RuleQuery::default() }
    }

    /// `allow` rules (`sesearch -A`).
    pub fn allow() -> RuleQuery<'q> {
        RuleQuery::new(&[RuleKind::Allow])
    }

    /// Sets the source.
    pub fn source(mut self, name: &'q str) -> Self {
        self.source = Some(name);
        self
    }

    /// Sets the target.
    pub fn target(mut self, name: &'q str) -> Self {
        self.target = Some(name);
        self
    }

    /// Matches source and target only as written (`-ds -dt`) when `direct` is true.
    pub fn direct(mut self, direct: bool) -> Self {
        self.source_direct = direct;
        self.target_direct = direct;
        self
    }

    /// Adds a class.
    pub fn class(mut self, name: &'q str) -> Self {
        self.classes.push(name);
        self
    }

    /// Adds permissions (any of them matches).
    pub fn perms(mut self, perms: &[&'q str]) -> Self {
        self.perms.extend_from_slice(perms);
        self
    }

    /// Adds a boolean.
    pub fn boolean(mut self, name: &'q str) -> Self {
        self.booleans.push(name);
        self
    }
}

/// The condition of a conditional rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleCondition<'p> {
    /// The expression, infix as setools prints it.
    pub expression: &'p str,
    /// The booleans it reads, sorted.
    pub booleans: &'p [String],
    /// The rule is active when the expression evaluates to this.
    pub branch: bool,
    /// True when the rule is active under the current boolean values.
    pub enabled: bool,
}

/// One rule as written in the policy. Its `Display` is `sesearch`'s line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TeRule<'p> {
    /// Kind.
    pub kind: RuleKind,
    /// Source type or attribute.
    pub source: &'p str,
    /// Target type or attribute.
    pub target: &'p str,
    /// Class.
    pub class: &'p str,
    /// Permissions sorted by name (for `dontaudit`, the silenced ones); empty for type rules.
    pub perms: Vec<&'p str>,
    /// The new type of a type rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<&'p str>,
    /// The object name of a named `type_transition`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<&'p str>,
    /// The condition of a conditional rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<RuleCondition<'p>>,
}

/// A query's criteria resolved to values.
struct Resolved {
    kinds: u16,
    source: Option<Vec<bool>>,
    source_values: Vec<u16>,
    target: Option<Vec<bool>>,
    target_values: Vec<u16>,
    classes: Vec<u16>,
    /// Class value → mask of the requested permissions (when permissions are requested).
    perm_masks: Option<Vec<u32>>,
    /// Node → reads a requested boolean (when booleans are requested).
    nodes: Option<Vec<bool>>,
}

impl BinaryPolicy {
    pub(crate) fn rule_index(&self) -> &RuleIndex {
        self.search.get_or_init(|| RuleIndex::build(self))
    }

    /// Searches rules like `sesearch`; results sorted as `sesearch` prints them.
    pub fn search_rules(&self, query: &RuleQuery<'_>) -> Result<Vec<TeRule<'_>>, QueryError> {
        let r = self.resolve_query(query)?;
        let idx = self.rule_index();
        let mut found: Vec<TeRule<'_>> = Vec::new();
        let mut visit = |e: &Entry| {
            if let Some(rule) = self.matching_rule(idx, &r, e) {
                found.push(rule);
            }
        };
        if query.source.is_some() {
            for &v in &r.source_values {
                idx.each_by_source(v, &r.classes, &mut visit);
            }
        } else if query.target.is_some() {
            for &v in &r.target_values {
                idx.each_by_target(v, &r.classes, &mut visit);
            }
        } else if let Some(nodes) = &r.nodes {
            for (node, _) in nodes.iter().enumerate().filter(|(_, reads)| **reads) {
                idx.each_by_node(node, &mut visit);
            }
        } else {
            idx.entries.iter().for_each(&mut visit);
        }
        // Sorted by text, as sesearch does: every line rendered once into one buffer.
        let mut text = String::with_capacity(found.len() * 80);
        let mut spans = Vec::with_capacity(found.len());
        for (i, rule) in found.iter().enumerate() {
            let start = text.len();
            rule.render_into(&mut text);
            spans.push((start, text.len(), i));
        }
        let line = |&(start, end, _): &(usize, usize, usize)| text.get(start..end).unwrap_or("");
        spans.sort_unstable_by(|a, b| line(a).cmp(line(b)));
        let mut slots: Vec<Option<TeRule<'_>>> = found.into_iter().map(Some).collect();
        Ok(spans.iter().filter_map(|&(_, _, i)| slots.get_mut(i).and_then(Option::take)).collect())
    }

    /// The values a source/target criterion stands for, as a membership table and a list.
    fn criterion(&self, name: &str, direct: bool) -> Result<(Vec<bool>, Vec<u16>), QueryError> {
        let value = self.type_value(name)?;
        let mut table = vec![false; self.idx.attrs_of.len() + 1];
        let mut mark = |v: u16| {
            if let Some(slot) = table.get_mut(usize::from(v)) {
                *slot = true;
            }
        };
        if direct {
            mark(u16::try_from(value).map_err(|_| QueryError::UnknownType(name.to_owned()))?);
        } else if self.value_is_attribute(value) {
            let members = slot_of(value).and_then(|s| self.idx.members.get(s));
            for &m in members.map_or(&[][..], Vec::as_slice) {
                self.idx.attrs(u32::from(m)).iter().copied().for_each(&mut mark);
            }
        } else {
            self.idx.attrs(value).iter().copied().for_each(&mut mark);
        }
        let values = (0..table.len())
            .filter(|&v| table.get(v).copied().unwrap_or(false))
            .filter_map(|v| u16::try_from(v).ok())
            .collect();
        Ok((table, values))
    }

    fn resolve_query(&self, q: &RuleQuery<'_>) -> Result<Resolved, QueryError> {
        let kinds = if q.kinds.is_empty() {
            u16::MAX
        } else {
            q.kinds.iter().fold(0, |acc, k| acc | k.specified())
        };
        let (source, source_values) = match q.source {
            Some(name) => {
                let (t, v) = self.criterion(name, q.source_direct)?;
                (Some(t), v)
            }
            None => (None, Vec::new()),
        };
        let (target, target_values) = match q.target {
            Some(name) => {
                let (t, v) = self.criterion(name, q.target_direct)?;
                (Some(t), v)
            }
            None => (None, Vec::new()),
        };
        let mut classes = Vec::with_capacity(q.classes.len());
        for &name in &q.classes {
            let value = u16::try_from(self.class_entry(name)?.value)
                .map_err(|_| QueryError::UnknownClass(name.to_owned()))?;
            classes.push(value);
        }
        classes.sort_unstable();
        classes.dedup();
        let perm_masks =
            if q.perms.is_empty() { None } else { Some(self.perm_masks(q, &classes)?) };
        let nodes = if q.booleans.is_empty() {
            None
        } else {
            let mut wanted = Vec::with_capacity(q.booleans.len());
            for &name in &q.booleans {
                wanted.push(
                    self.boolean_value(name)
                        .ok_or_else(|| QueryError::UnknownBoolean(name.to_owned()))?,
                );
            }
            let reads = |n: &super::cond::CondNode| n.booleans().iter().any(|b| wanted.contains(b));
            Some(self.db.cond_list.iter().map(reads).collect())
        };
        Ok(Resolved {
            kinds,
            source,
            source_values,
            target,
            target_values,
            classes,
            perm_masks,
            nodes,
        })
    }

    /// Per class value, the mask of the requested permissions; every permission must exist in
    /// one of the requested classes (in any class when none is requested).
    fn perm_masks(&self, q: &RuleQuery<'_>, classes: &[u16]) -> Result<Vec<u32>, QueryError> {
        let idx = self.rule_index();
        let mut masks = vec![0u32; self.idx.class_by_value.len() + 1];
        let mut seen = vec![false; q.perms.len()];
        let all: Vec<u16>;
        let scope = if classes.is_empty() {
            all = (1..masks.len()).filter_map(|v| u16::try_from(v).ok()).collect();
            &all
        } else {
            classes
        };
        for &class in scope {
            let Some(mask) = masks.get_mut(usize::from(class)) else { continue };
            for (i, perm) in q.perms.iter().enumerate() {
                if let Some(bit) = idx.perm_bit(class, perm) {
                    *mask |= bit;
                    if let Some(s) = seen.get_mut(i) {
                        *s = true;
                    }
                }
            }
        }
        if let Some(i) = seen.iter().position(|s| !s) {
            let class = if q.classes.is_empty() { "any".to_owned() } else { q.classes.join(",") };
            let perm = q.perms.get(i).map_or_else(String::new, |p| (*p).to_owned());
            return Err(QueryError::UnknownPerm { class, perm });
        }
        Ok(masks)
    }

    /// The rule of an index entry when it passes every criterion.
    fn matching_rule<'p>(
        &'p self,
        idx: &'p RuleIndex,
        r: &Resolved,
        e: &Entry,
    ) -> Option<TeRule<'p>> {
        if e.specified & r.kinds == 0 {
            return None;
        }
        let has = |table: &Option<Vec<bool>>, v: u16| {
            table.as_ref().is_none_or(|t| t.get(usize::from(v)).copied().unwrap_or(false))
        };
        if !has(&r.source, e.source) || !has(&r.target, e.target) {
            return None;
        }
        if !r.classes.is_empty() && !r.classes.contains(&e.class) {
            return None;
        }
        let kind = RuleKind::from_specified(e.specified)?;
        let perms_mask = idx.perms_of(e);
        if let Some(masks) = &r.perm_masks {
            let wanted = masks.get(usize::from(e.class)).copied().unwrap_or(0);
            if !kind.is_access() || perms_mask & wanted == 0 {
                return None;
            }
        }
        if let Some(nodes) = &r.nodes {
            let (node, _) = e.cond?;
            if !nodes.get(node as usize).copied().unwrap_or(false) {
                return None;
            }
        }
        self.rule_of(idx, e, kind, perms_mask)
    }

    fn rule_of<'p>(
        &'p self,
        idx: &'p RuleIndex,
        e: &Entry,
        kind: RuleKind,
        perms_mask: u32,
    ) -> Option<TeRule<'p>> {
        let condition = match e.cond {
            Some((node, branch)) => Some(RuleCondition {
                expression: idx.expressions.get(node as usize)?.as_str(),
                booleans: idx.node_booleans.get(node as usize)?.as_slice(),
                branch,
                enabled: self.idx.default_cond.get(node as usize).copied().flatten()
                    == Some(branch),
            }),
            None => None,
        };
        let (perms, default) = if kind.is_access() {
            (idx.perm_names(e.class, perms_mask), None)
        } else {
            (Vec::new(), Some(self.type_name(e.data)?))
        };
        let filename = match e.name {
            Some(i) => Some(self.db.filename_trans.get(i as usize)?.name.as_str()),
            None => None,
        };
        Some(TeRule {
            kind,
            source: self.type_name(u32::from(e.source))?,
            target: self.type_name(u32::from(e.target))?,
            class: self.class_name(u32::from(e.class))?,
            perms,
            default,
            filename,
            condition,
        })
    }
}

/// Index entries of an avtab list (`cond` for conditional lists).
pub(crate) fn entries_of(
    items: &[AvtabItem],
    cond: Option<(u32, bool)>,
) -> impl Iterator<Item = Entry> + '_ {
    items.iter().filter(|i| RuleKind::from_specified(i.key.specified).is_some()).map(move |i| {
        Entry {
            source: i.key.source,
            target: i.key.target,
            class: i.key.class,
            specified: i.key.specified,
            data: i.data(),
            cond,
            name: None,
        }
    })
}
