//! Labeling queries: port contexts in kernel order, type transitions (unnamed and named),
//! type_change and type_member.
//!
//! Type rules in a kernel policy are keyed by concrete types (the compiler expands
//! attributes), and the kernel looks them up by the exact pair, so no attribute expansion is
//! done here. Conditional type rules count when their node is enabled under the current
//! boolean values.

use super::avtab::{AVTAB_CHANGE, AVTAB_MEMBER, AVTAB_TRANSITION};
use super::{BinaryPolicy, QueryError};

/// One `portcon` entry with its type name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortLabel<'a> {
    /// IP protocol number (6 tcp, 17 udp, 33 dccp, 132 sctp).
    pub protocol: u32,
    /// First port.
    pub low: u32,
    /// Last port.
    pub high: u32,
    /// Port type.
    pub type_name: &'a str,
}

/// An unnamed `type_transition` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeTransition<'a> {
    /// Target (parent directory, executable, …) type.
    pub target: &'a str,
    /// Class.
    pub class: &'a str,
    /// New type.
    pub new_type: &'a str,
    /// True when the rule is conditional (and enabled under the current booleans).
    pub conditional: bool,
}

/// The usual name of an IP protocol number in `portcon`.
pub fn protocol_name(protocol: u32) -> Option<&'static str> {
    match protocol {
        6 => Some("tcp"),
        17 => Some("udp"),
        33 => Some("dccp"),
        132 => Some("sctp"),
        _ => None,
    }
}

impl BinaryPolicy {
    /// Every `portcon` entry in policy order (the order the kernel searches).
    pub fn portcons(&self) -> Vec<PortLabel<'_>> {
        self.db
            .ocontexts
            .ports
            .iter()
            .map(|p| PortLabel {
                protocol: p.protocol,
                low: p.low,
                high: p.high,
                type_name: self.type_name(p.context.type_value).unwrap_or("?"),
            })
            .collect()
    }

    /// Looks up a type rule of kind `specified` for exact types.
    pub(crate) fn type_rule(
        &self,
        specified: u16,
        src: &str,
        tgt: &str,
        class: &str,
    ) -> Option<&str> {
        let s = u16::try_from(self.type_value(src).ok()?).ok()?;
        let t = u16::try_from(self.type_value(tgt).ok()?).ok()?;
        let c = u16::try_from(self.class_entry(class).ok()?.value).ok()?;
        let rules = self.idx.type_rules.get(&super::index::av_key(s, t, c))?;
        let rule = rules.iter().find(|r| {
            r.specified == specified
                && r.cond.is_none_or(|(node, when)| {
                    self.idx.default_cond.get(node as usize).copied().flatten() == Some(when)
                })
        })?;
        self.type_name(rule.new_type)
    }

    /// `type_change src tgt:class → result`, if any.
    pub fn type_change(&self, src: &str, tgt: &str, class: &str) -> Option<&str> {
        self.type_rule(AVTAB_CHANGE, src, tgt, class)
    }

    /// `type_member src tgt:class → result`, if any.
    pub fn type_member(&self, src: &str, tgt: &str, class: &str) -> Option<&str> {
        self.type_rule(AVTAB_MEMBER, src, tgt, class)
    }

    /// `type_transition src tgt:class "name" → result` (named rules only).
    pub fn filename_transition(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        name: &str,
    ) -> Option<&str> {
        let s = self.type_value(src).ok()?;
        let t = self.type_value(tgt).ok()?;
        let c = self.class_entry(class).ok()?.value;
        let rules = self.idx.filename.get(&(t, c, name.to_owned()))?;
        let bit = s.checked_sub(1)?;
        let rule = rules
            .iter()
            .filter_map(|&i| self.db.filename_trans.get(i))
            .find(|r| r.sources.contains(bit))?;
        self.type_name(rule.new_type)
    }

    /// The type a new object gets: a named transition for `name` if there is one, else the
    /// unnamed transition, else `None` (the object inherits the parent's type or, for a
    /// process, keeps the domain).
    pub fn new_object_type(
        &self,
        src: &str,
        tgt: &str,
        class: &str,
        name: Option<&str>,
    ) -> Option<&str> {
        name.and_then(|n| self.filename_transition(src, tgt, class, n))
            .or_else(|| self.type_transition(src, tgt, class))
    }

    /// Every enabled unnamed `type_transition` whose source is `src`, sorted by target,
    /// class and new type.
    pub fn type_transitions_from(&self, src: &str) -> Result<Vec<TypeTransition<'_>>, QueryError> {
        let s = u64::from(self.type_value(src)?);
        let mut out = Vec::new();
        for (&key, rules) in &self.idx.type_rules {
            if key >> 32 != s {
                continue;
            }
            let target = u32::try_from((key >> 16) & 0xffff).unwrap_or(0);
            let class = u32::try_from(key & 0xffff).unwrap_or(0);
            for r in rules.iter().filter(|r| r.specified == AVTAB_TRANSITION) {
                let enabled = r.cond.is_none_or(|(node, when)| {
                    self.idx.default_cond.get(node as usize).copied().flatten() == Some(when)
                });
                let names =
                    (self.type_name(target), self.class_name(class), self.type_name(r.new_type));
                if let (true, (Some(target), Some(class), Some(new_type))) = (enabled, names) {
                    out.push(TypeTransition {
                        target,
                        class,
                        new_type,
                        conditional: r.cond.is_some(),
                    });
                }
            }
        }
        out.sort_unstable_by(|a, b| {
            (a.target, a.class, a.new_type).cmp(&(b.target, b.class, b.new_type))
        });
        Ok(out)
    }
}
