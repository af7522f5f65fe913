//! [`BinaryPolicy::decide`]: the audit2why-equivalent decision on one access, with every
//! reason that applies.
//!
//! The computation follows the kernel (libsepol's `context_struct_compute_av`): type
//! enforcement gives the allowed permissions; each constraint of the class that covers an
//! allowed permission and fails removes its permissions; a process transition that changes
//! role needs a role allow rule; a bounded domain keeps only what its bounding domain (with
//! the target's bound, if any) is also allowed, walking the chain of bounds. audit2why's
//! category is derived from the same steps, including its single-boolean search, so that the
//! two can be compared query by query.
//!
//! Beyond audit2why: constraints and the role check are also evaluated on permissions type
//! enforcement does not grant (reported with `active: false`), booleans are searched in
//! combinations (see `boolsearch`), dontaudit is reported per permission, and permissive
//! domains and invalid contexts are pointed out.

use super::class::Class;
use super::index::{evaluate_all, slot_of};
use super::secctx::Ctx;
use super::verdict::{Audit2Why, Audit2WhyCategory, BooleanValue, Reason, Side, Verdict};
use super::{BinaryPolicy, QueryError};
use crate::context::SecurityContext;

/// Longest chain of type bounds followed (policies are checked for cycles when built; this
/// keeps a damaged one from looping).
const MAX_BOUNDS_DEPTH: usize = 32;

/// One query in values.
struct Query<'a> {
    s: Ctx,
    t: Ctx,
    class: &'a Class,
    class_value: u16,
    need: u32,
    /// `transition | dyntransition` when the class is `process`, else 0.
    trans: u32,
}

/// The kernel's steps for one set of conditional node states.
#[derive(Clone, Copy, Debug, Default)]
struct Steps {
    /// Granted by type enforcement.
    te: u32,
    /// Audited on denial (dontaudit clears bits).
    auditdeny: u32,
    /// Still allowed after constraints.
    cons: u32,
    /// Still allowed after the role transition check.
    rbac: u32,
    /// Removed by bounds (any permission, as libsepol sets its reason bit).
    bounds_masked: u32,
}

impl Steps {
    /// Still allowed at the end.
    fn allowed(&self) -> u32 {
        self.rbac & !self.bounds_masked
    }
}

impl BinaryPolicy {
    /// Decides whether `scon` may do all of `perms` on `tcon`:`class`, and why not.
    ///
    /// Boolean values are the ones stored in the policy. Unknown types, users, roles,
    /// classes, permissions or unreadable levels are errors; contexts the kernel would refuse
    /// are evaluated and reported as [`Reason::InvalidContext`].
    pub fn decide(
        &self,
        scon: &SecurityContext,
        tcon: &SecurityContext,
        class: &str,
        perms: &[&str],
    ) -> Result<Verdict, QueryError> {
        let (s, s_problems) = self.resolve_context(scon)?;
        let (t, t_problems) = self.resolve_context(tcon)?;
        let class_entry = self.class_entry(class)?;
        let class_value = u16::try_from(class_entry.value)
            .map_err(|_| QueryError::UnknownClass(class.to_owned()))?;
        let need = self.perm_mask(class_entry, perms)?;
        let trans = if class == "process" {
            self.perm_mask(class_entry, &["transition"]).unwrap_or(0)
                | self.perm_mask(class_entry, &["dyntransition"]).unwrap_or(0)
        } else {
            0
        };
        let q = Query { s, t, class: class_entry, class_value, need, trans };

        let mut reasons = Vec::new();
        for (side, con, problems) in
            [(Side::Source, scon, s_problems), (Side::Target, tcon, t_problems)]
        {
            if !problems.is_empty() {
                reasons.push(Reason::InvalidContext { side, context: con.to_string(), problems });
            }
        }
        let invalid = (reasons.iter().find_map(|r| match r {
            Reason::InvalidContext { side, .. } => Some(*side),
            _ => None,
        }))
        .map(|side| match side {
            Side::Source => Audit2WhyCategory::Badscon,
            Side::Target => Audit2WhyCategory::Badtcon,
        });

        let steps = self.steps(&q, &self.idx.default_cond);
        let app = self.applicable(q.s.type_value, q.t.type_value, q.class_value);
        let found = self.search_booleans(&app, need);
        let missing = need & !steps.te;
        if missing != 0 {
            if found.options.is_empty() {
                let perms = self.names_of(q.class, missing);
                reasons.push(Reason::MissingAllow { perms, conditional: found.any_conditional });
            } else {
                reasons.push(Reason::Booleans {
                    perms: self.names_of(q.class, missing),
                    options: found.options.clone(),
                    complete: found.complete,
                });
            }
        }
        self.constraint_reasons(&q, steps.te, &mut reasons);
        self.rbac_reason(&q, steps.cons, &mut reasons);
        let masked = need & steps.bounds_masked;
        if masked != 0 {
            let bound = self.type_bounds(q.s.type_value);
            reasons.push(Reason::Bounds {
                perms: self.names_of(q.class, masked),
                domain: self.type_name(q.s.type_value).unwrap_or_default().to_owned(),
                bound: self.type_name(bound).unwrap_or_default().to_owned(),
            });
        }
        let allowed = steps.allowed() & need == need;
        let hidden = need & !steps.allowed() & !steps.auditdeny;
        if hidden != 0 {
            reasons.push(Reason::Dontaudit { perms: self.names_of(q.class, hidden) });
        }
        let permissive = self.db.permissive.contains(q.s.type_value);
        if permissive {
            let domain = self.type_name(q.s.type_value).unwrap_or_default().to_owned();
            reasons.push(Reason::Permissive { domain });
        }
        if allowed {
            reasons.push(Reason::Allowed);
        }
        let audit2why = match invalid {
            Some(category) => Audit2Why { category, booleans: Vec::new() },
            None => self.audit2why(&q, &steps, &found.single),
        };
        Ok(Verdict { allowed, permissive, reasons, audit2why })
    }

    /// Whether the kernel would allow every one of `perms` with some booleans set to other
    /// values (type enforcement, constraints, role transitions and bounds on full contexts,
    /// as in [`BinaryPolicy::decide`], without its reasons). Used to simulate fixes: a
    /// relabel changes `tcon`, a boolean is an override.
    pub fn allowed_under(
        &self,
        scon: &SecurityContext,
        tcon: &SecurityContext,
        class: &str,
        perms: &[&str],
        overrides: &[(&str, bool)],
    ) -> Result<bool, QueryError> {
        let (s, _) = self.resolve_context(scon)?;
        let (t, _) = self.resolve_context(tcon)?;
        let class_entry = self.class_entry(class)?;
        let class_value = u16::try_from(class_entry.value)
            .map_err(|_| QueryError::UnknownClass(class.to_owned()))?;
        let need = self.perm_mask(class_entry, perms)?;
        let trans = if class == "process" {
            self.perm_mask(class_entry, &["transition"]).unwrap_or(0)
                | self.perm_mask(class_entry, &["dyntransition"]).unwrap_or(0)
        } else {
            0
        };
        let q = Query { s, t, class: class_entry, class_value, need, trans };
        let mut state = self.idx.bool_state.clone();
        for &(name, value) in overrides {
            let slot = self
                .boolean_value(name)
                .and_then(slot_of)
                .ok_or_else(|| QueryError::UnknownBoolean(name.to_owned()))?;
            if let Some(v) = state.get_mut(slot) {
                *v = value;
            }
        }
        let steps = self.steps(&q, &evaluate_all(&self.db, &state));
        Ok(steps.allowed() & need == need)
    }

    fn names_of(&self, class: &Class, mask: u32) -> Vec<String> {
        self.perm_names(class, mask).into_iter().map(str::to_owned).collect()
    }

    /// The bounding type of a type value (0 = none).
    fn type_bounds(&self, value: u32) -> u32 {
        slot_of(value)
            .and_then(|s| self.idx.type_entry.get(s).copied().flatten())
            .and_then(|e| self.db.symbols.types.entries.get(e))
            .map_or(0, |t| t.bounds)
    }

    /// Type enforcement, constraints and the role check for `s`/`t` with these node states.
    fn checked(
        &self,
        q: &Query<'_>,
        s: &Ctx,
        t: &Ctx,
        states: &[Option<bool>],
    ) -> (u32, u32, u32, u32) {
        let (te, _, auditdeny) =
            self.idx.compute(s.type_value, t.type_value, q.class_value, states);
        let mut cons = te;
        for c in &q.class.constraints {
            if c.perms & cons != 0 && !self.constraint_holds(c, s, t) {
                cons &= !c.perms;
            }
        }
        let mut rbac = cons;
        if rbac & q.trans != 0 && s.role != t.role && !self.role_allowed(s.role, t.role) {
            rbac &= !q.trans;
        }
        (te, auditdeny, cons, rbac)
    }

    fn role_allowed(&self, from: u32, to: u32) -> bool {
        self.db.role_allow.iter().any(|ra| ra.role == from && ra.new_role == to)
    }

    /// All steps, bounds included, for these node states.
    fn steps(&self, q: &Query<'_>, states: &[Option<bool>]) -> Steps {
        let (te, auditdeny, cons, rbac) = self.checked(q, &q.s, &q.t, states);
        // Bounds: what every domain up the chain (with the target's bound) also allows.
        let mut kept = rbac;
        let (mut s, mut t) = (q.s.clone(), q.t.clone());
        for _ in 0..MAX_BOUNDS_DEPTH {
            let parent = self.type_bounds(s.type_value);
            if parent == 0 || kept == 0 {
                break;
            }
            s.type_value = parent;
            let target_bound = self.type_bounds(t.type_value);
            if target_bound != 0 {
                t.type_value = target_bound;
            }
            kept &= self.checked(q, &s, &t, states).3;
        }
        Steps { te, auditdeny, cons, rbac, bounds_masked: rbac & !kept }
    }

    /// Failing constraints that cover a requested permission, whether or not type
    /// enforcement grants it.
    fn constraint_reasons(&self, q: &Query<'_>, te: u32, reasons: &mut Vec<Reason>) {
        for c in &q.class.constraints {
            let covered = c.perms & q.need;
            if covered == 0 || self.constraint_holds(c, &q.s, &q.t) {
                continue;
            }
            let e = self.explain_constraint(q.class, c, &q.s, &q.t);
            reasons.push(Reason::Constraint {
                perms: self.names_of(q.class, covered),
                statement: e.statement,
                failed: e.deciding.iter().map(|l| l.text.clone()).collect(),
                explanation: e.deciding.into_iter().map(|l| l.phrase).collect(),
                mls: c.is_mls(),
                active: covered & te != 0,
            });
        }
    }

    /// The role check on requested transitions.
    fn rbac_reason(&self, q: &Query<'_>, cons: u32, reasons: &mut Vec<Reason>) {
        let asked = q.need & q.trans;
        if asked == 0 || q.s.role == q.t.role || self.role_allowed(q.s.role, q.t.role) {
            return;
        }
        reasons.push(Reason::Rbac {
            perms: self.names_of(q.class, asked),
            from_role: self.role_name(q.s.role).unwrap_or_default().to_owned(),
            to_role: self.role_name(q.t.role).unwrap_or_default().to_owned(),
            active: asked & cons != 0,
        });
    }

    /// audit2why's category: the first reason bit in libsepol's order, with its
    /// single-boolean search when type enforcement denies.
    fn audit2why(&self, q: &Query<'_>, steps: &Steps, single: &[u32]) -> Audit2Why {
        let need = q.need;
        let none = |category| Audit2Why { category, booleans: Vec::new() };
        if need & !steps.te != 0 {
            let mut booleans = Vec::new();
            for &b in single {
                let mut state = self.idx.bool_state.clone();
                if let Some(v) = slot_of(b).and_then(|i| state.get_mut(i)) {
                    *v = !*v;
                }
                let flipped = self.steps(q, &evaluate_all(&self.db, &state));
                // audit2why keeps a flip only when no reason bit is left at all.
                if flipped.te & need == need
                    && flipped.rbac & need == need
                    && flipped.bounds_masked == 0
                {
                    let entry = self.db.symbols.bools.entries.iter().find(|e| e.value == b);
                    booleans.extend(
                        entry.map(|e| BooleanValue { name: e.name.clone(), value: !e.state }),
                    );
                }
            }
            if !booleans.is_empty() {
                booleans.sort();
                return Audit2Why { category: Audit2WhyCategory::Boolean, booleans };
            }
            if need & !steps.auditdeny != 0 {
                return none(Audit2WhyCategory::Dontaudit);
            }
            return none(Audit2WhyCategory::Terule);
        }
        if need & !steps.cons != 0 {
            return none(Audit2WhyCategory::Constraint);
        }
        if need & !steps.rbac != 0 {
            return none(Audit2WhyCategory::Rbac);
        }
        if steps.bounds_masked != 0 {
            return none(Audit2WhyCategory::Bounds);
        }
        none(Audit2WhyCategory::Allow)
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
