//! Security contexts as the policy sees them: names turned into values, the MLS level parsed
//! into sensitivities and category sets, and the kernel's validity rules checked.
//!
//! A level is `SENS[:CATS][-SENS[:CATS]]` where `CATS` is a comma list of categories and
//! `cA.cB` ranges (every category whose value lies between those of `cA` and `cB`).
//! Sensitivity and category aliases are accepted. A context that names something the policy
//! does not define cannot be evaluated and gives a [`QueryError`]. A context that is readable
//! but that the kernel would refuse (a role not authorised for the type, a user not
//! authorised for the role or the range, categories a sensitivity does not allow, a high
//! level that does not dominate the low one) is still evaluated; the problems are returned
//! as text, because such a log line came from another policy.

use super::ebitmap::Ebitmap;
use super::mls::{MlsLevel, MlsRange};
use super::{BinaryPolicy, QueryError};
use crate::context::SecurityContext;

/// Value of `object_r`, which needs no authorisation for the type.
const OBJECT_R: u32 = 1;
/// Longest category range `cA.cB` expanded (the kernel allows 1024 categories in practice).
const MAX_RANGE_CATS: u32 = 1 << 16;

/// A context in values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ctx {
    pub(crate) user: u32,
    pub(crate) role: u32,
    pub(crate) type_value: u32,
    pub(crate) range: MlsRange,
}

/// `l1 dom l2`: sensitivity at least as high and a superset of the categories.
pub(crate) fn dominates(l1: &MlsLevel, l2: &MlsLevel) -> bool {
    l1.sens >= l2.sens && l1.cats.is_superset_of(&l2.cats)
}

impl BinaryPolicy {
    /// Resolves a context; the second value lists why the kernel would refuse it (empty for
    /// a valid context).
    pub(crate) fn resolve_context(
        &self,
        c: &SecurityContext,
    ) -> Result<(Ctx, Vec<String>), QueryError> {
        let syms = &self.db.symbols;
        let user = syms
            .users
            .entries
            .iter()
            .find(|u| u.name == c.user)
            .ok_or_else(|| QueryError::UnknownUser(c.user.clone()))?;
        let role = syms
            .roles
            .entries
            .iter()
            .find(|r| r.name == c.role)
            .ok_or_else(|| QueryError::UnknownRole(c.role.clone()))?;
        let type_value = self.type_value(&c.type_)?;
        let mut problems = Vec::new();
        if self.value_is_attribute(type_value) {
            problems.push(format!("{} is an attribute, not a type", c.type_));
        }
        if role.value != OBJECT_R {
            if !role.types.contains(type_value.saturating_sub(1)) {
                problems.push(format!("role {} is not authorised for type {}", role.name, c.type_));
            }
            if !user.roles.contains(role.value.saturating_sub(1)) {
                problems
                    .push(format!("user {} is not authorised for role {}", user.name, role.name));
            }
        }
        let range = match (&c.level, self.db.mls) {
            (Some(level), true) => {
                let range = self.parse_range(level)?;
                problems.extend(self.range_problems(&range));
                if role.value != OBJECT_R
                    && !(dominates(&range.low, &user.range.low)
                        && dominates(&user.range.high, &range.high))
                {
                    problems.push(format!(
                        "level {level} is outside the range of user {} ({})",
                        user.name,
                        self.range_text(&user.range)
                    ));
                }
                range
            }
            (None, true) => {
                return Err(QueryError::InvalidLevel {
                    level: String::new(),
                    why: "the policy is MLS and the context has no level".to_owned(),
                });
            }
            (Some(level), false) => {
                problems.push(format!("the policy is not MLS but the context has a level {level}"));
                MlsRange::default()
            }
            (None, false) => MlsRange::default(),
        };
        let ctx = Ctx { user: user.value, role: role.value, type_value, range };
        Ok((ctx, problems))
    }

    /// Parses `low[-high]`.
    fn parse_range(&self, text: &str) -> Result<MlsRange, QueryError> {
        let bad =
            |why: &str| QueryError::InvalidLevel { level: text.to_owned(), why: why.to_owned() };
        let mut parts = text.split('-');
        let low = self.parse_level(parts.next().unwrap_or_default(), &bad)?;
        let high = match parts.next() {
            Some(h) => self.parse_level(h, &bad)?,
            None => low.clone(),
        };
        if parts.next().is_some() {
            return Err(bad("more than one '-'"));
        }
        Ok(MlsRange { low, high })
    }

    fn parse_level(
        &self,
        text: &str,
        bad: &dyn Fn(&str) -> QueryError,
    ) -> Result<MlsLevel, QueryError> {
        let (sens_name, cats_text) = match text.split_once(':') {
            Some((s, c)) => (s, Some(c)),
            None => (text, None),
        };
        let sens = self
            .db
            .symbols
            .sens
            .entries
            .iter()
            .find(|s| s.name == sens_name)
            .map(|s| s.level.sens)
            .ok_or_else(|| bad(&format!("unknown sensitivity {sens_name:?}")))?;
        let mut bits = Vec::new();
        for item in cats_text.map(|c| c.split(',')).into_iter().flatten() {
            let (first, last) = match item.split_once('.') {
                Some((a, b)) => (self.category_value(a, bad)?, Some(self.category_value(b, bad)?)),
                None => (self.category_value(item, bad)?, None),
            };
            match last {
                None => bits.push(first.saturating_sub(1)),
                Some(last) if last > first && last - first < MAX_RANGE_CATS => {
                    bits.extend((first..=last).map(|v| v.saturating_sub(1)));
                }
                Some(_) => return Err(bad(&format!("bad category range {item:?}"))),
            }
        }
        Ok(MlsLevel { sens, cats: Ebitmap::from_bits(bits) })
    }

    fn category_value(
        &self,
        name: &str,
        bad: &dyn Fn(&str) -> QueryError,
    ) -> Result<u32, QueryError> {
        self.db
            .symbols
            .cats
            .entries
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value)
            .ok_or_else(|| bad(&format!("unknown category {name:?}")))
    }

    /// The kernel's range checks: high dominates low, categories allowed by the sensitivity.
    fn range_problems(&self, range: &MlsRange) -> Vec<String> {
        let mut out = Vec::new();
        if !dominates(&range.high, &range.low) {
            out.push(format!(
                "high level {} does not dominate low level {}",
                self.level_text(&range.high),
                self.level_text(&range.low)
            ));
        }
        for level in [&range.low, &range.high] {
            let allowed = self
                .db
                .symbols
                .sens
                .entries
                .iter()
                .find(|s| !s.alias && s.level.sens == level.sens)
                .map(|s| &s.level.cats);
            if !allowed.is_some_and(|a| a.is_superset_of(&level.cats)) {
                out.push(format!(
                    "level {} has categories its sensitivity does not allow",
                    self.level_text(level)
                ));
            }
        }
        out.dedup();
        out
    }

    /// A level as the kernel prints it: `s0`, `s0:c1,c2`, `s0:c0.c1023`.
    pub(crate) fn level_text(&self, level: &MlsLevel) -> String {
        let syms = &self.db.symbols;
        let sens = syms
            .sens
            .entries
            .iter()
            .find(|s| !s.alias && s.level.sens == level.sens)
            .map_or_else(|| format!("s?{}", level.sens), |s| s.name.clone());
        let cat = |bit: u32| {
            syms.cats
                .entries
                .iter()
                .find(|c| !c.alias && c.value == bit + 1)
                .map_or_else(|| format!("c?{bit}"), |c| c.name.clone())
        };
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for bit in level.cats.iter() {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == bit => *end = bit,
                _ => runs.push((bit, bit)),
            }
        }
        let mut parts = Vec::new();
        for (a, b) in runs {
            match b - a {
                0 => parts.push(cat(a)),
                1 => parts.extend([cat(a), cat(b)]),
                _ => parts.push(format!("{}.{}", cat(a), cat(b))),
            }
        }
        if parts.is_empty() { sens } else { format!("{sens}:{}", parts.join(",")) }
    }

    /// A range as the kernel prints it (`low` alone when both ends are equal).
    pub(crate) fn range_text(&self, range: &MlsRange) -> String {
        if range.low == range.high {
            self.level_text(&range.low)
        } else {
            format!("{}-{}", self.level_text(&range.low), self.level_text(&range.high))
        }
    }

    /// The name of a user value.
    pub(crate) fn user_name(&self, value: u32) -> Option<&str> {
        self.db.symbols.users.entries.iter().find(|u| u.value == value).map(|u| u.name.as_str())
    }

    /// The name of a role value.
    pub(crate) fn role_name(&self, value: u32) -> Option<&str> {
        self.db.symbols.roles.entries.iter().find(|r| r.value == value).map(|r| r.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(sens: u32, cats: &[u32]) -> MlsLevel {
        MlsLevel { sens, cats: Ebitmap::from_bits(cats.iter().copied()) }
    }

    #[test]
    fn dominance_needs_sensitivity_and_categories() {
        assert!(dominates(&level(1, &[0, 1]), &level(1, &[1])));
        assert!(dominates(&level(2, &[]), &level(1, &[])));
        assert!(!dominates(&level(1, &[1]), &level(1, &[0, 1])));
        assert!(!dominates(&level(1, &[0, 1, 2]), &level(2, &[0])));
        assert!(dominates(&level(1, &[3]), &level(1, &[3])));
    }
}
