//! Evaluating `constrain`/`mlsconstrain` expressions on two contexts, and explaining a failure.
//!
//! Expressions are postfix and evaluated with an explicit stack (the reader already checked
//! that they are well formed and at most five deep; a malformed one still evaluates to
//! "denied", as the kernel would refuse the access). A leaf compares users, roles, types or
//! MLS levels of the source (`u1 r1 t1 l1 h1`) and target (`u2 r2 t2 l2 h2`) contexts, or one
//! of them with a set of names. Roles compare with `dom`/`domby`/`incomp` through their
//! dominance bitmaps; levels through sensitivity order and category sets.
//!
//! [`BinaryPolicy::explain_constraint`] renders a constraint the way audit2why and
//! `seinfo --constrain` show it, with every false leaf marked `-Fail-`, but with parentheses
//! wherever `and` and `or` mix (audit2why drops them, which makes the text ambiguous). It
//! also returns the leaves that decide the result: for a false `or` all of its operands, for
//! a false `and` its false operands, and through `not` the operand's deciding leaves.

use super::class::Class;
use super::constraint::{Constraint, ConstraintTerm};
use super::secctx::{Ctx, dominates};
use super::{BinaryPolicy, reason_render};
use crate::policy::binary::mls::MlsLevel;

/// Attribute bits of a leaf.
const USER: u32 = 1;
const ROLE: u32 = 2;
const TYPE: u32 = 4;
const TARGET: u32 = 8;
const L1L2: u32 = 32;
const L1H2: u32 = 64;
const H1L2: u32 = 128;
const H1H2: u32 = 256;
const L1H1: u32 = 512;
const L2H2: u32 = 1024;
/// Operators.
const EQ: u32 = 1;
const NEQ: u32 = 2;
const DOM: u32 = 3;
const DOMBY: u32 = 4;
const INCOMP: u32 = 5;
/// Deepest stack the fast evaluator uses (the format allows 5).
const MAX_DEPTH: usize = 8;

/// One leaf of an explained constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Leaf {
    /// `(u1 == u2)`, without the failure mark.
    pub(crate) text: String,
    /// Its value for these contexts.
    pub(crate) holds: bool,
    /// Why, in words, for these contexts.
    pub(crate) phrase: String,
}

/// A constraint rendered for two contexts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Explained {
    /// `constrain file { create } ((u1 == u2 -Fail-) or …);`
    pub(crate) statement: String,
    /// The leaves that decide the result, in expression order.
    pub(crate) deciding: Vec<Leaf>,
}

/// An operand on the explaining stack.
struct Frame {
    holds: bool,
    text: String,
    /// 0 leaf or `not`, 2 `and`, 3 `or` (for parenthesising).
    op: u8,
    deciding: Vec<usize>,
}

/// The two levels a level-comparing leaf reads, and their names.
fn levels<'a>(
    attr: u32,
    s: &'a Ctx,
    t: &'a Ctx,
) -> Option<(&'a MlsLevel, &'a MlsLevel, &'static str, &'static str)> {
    let (sr, tr) = (&s.range, &t.range);
    Some(match attr {
        L1L2 => (&sr.low, &tr.low, "l1", "l2"),
        L1H2 => (&sr.low, &tr.high, "l1", "h2"),
        H1L2 => (&sr.high, &tr.low, "h1", "l2"),
        H1H2 => (&sr.high, &tr.high, "h1", "h2"),
        L1H1 => (&sr.low, &sr.high, "l1", "h1"),
        L2H2 => (&tr.low, &tr.high, "l2", "h2"),
        _ => return None,
    })
}

impl BinaryPolicy {
    /// True when role `r1` dominates role `r2`.
    fn role_dominates(&self, r1: u32, r2: u32) -> bool {
        self.db
            .symbols
            .roles
            .entries
            .iter()
            .find(|r| r.value == r1)
            .is_some_and(|r| r.dominates.contains(r2.saturating_sub(1)))
    }

    /// The value of one leaf.
    fn leaf_holds(&self, term: &ConstraintTerm, s: &Ctx, t: &Ctx) -> bool {
        match term {
            ConstraintTerm::Attr { attr, op } => {
                if let Some((l1, l2, _, _)) = levels(*attr, s, t) {
                    return match *op {
                        EQ => l1 == l2,
                        NEQ => l1 != l2,
                        DOM => dominates(l1, l2),
                        DOMBY => dominates(l2, l1),
                        INCOMP => !dominates(l1, l2) && !dominates(l2, l1),
                        _ => false,
                    };
                }
                let (v1, v2) = match *attr {
                    USER => (s.user, t.user),
                    ROLE => (s.role, t.role),
                    TYPE => (s.type_value, t.type_value),
                    _ => return false,
                };
                match (*attr, *op) {
                    (_, EQ) => v1 == v2,
                    (_, NEQ) => v1 != v2,
                    (ROLE, DOM) => self.role_dominates(v1, v2),
                    (ROLE, DOMBY) => self.role_dominates(v2, v1),
                    (ROLE, INCOMP) => !self.role_dominates(v1, v2) && !self.role_dominates(v2, v1),
                    _ => false,
                }
            }
            ConstraintTerm::Names { attr, op, names, .. } => {
                let c = if attr & TARGET != 0 { t } else { s };
                let value = if attr & USER != 0 {
                    c.user
                } else if attr & ROLE != 0 {
                    c.role
                } else if attr & TYPE != 0 {
                    c.type_value
                } else {
                    return false;
                };
                let member = names.contains(value.saturating_sub(1));
                match *op {
                    EQ => member,
                    NEQ => !member,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether the constraint holds for `s` and `t` (fast: no text).
    pub(crate) fn constraint_holds(&self, c: &Constraint, s: &Ctx, t: &Ctx) -> bool {
        let mut stack = [false; MAX_DEPTH];
        let mut sp = 0usize;
        for term in &c.expr {
            let ok = match term {
                ConstraintTerm::Not => stack.get_mut(sp.wrapping_sub(1)).map(|v| *v = !*v),
                ConstraintTerm::And | ConstraintTerm::Or => {
                    let is_and = matches!(term, ConstraintTerm::And);
                    let rhs = stack.get(sp.wrapping_sub(1)).copied();
                    sp = sp.wrapping_sub(1);
                    match (rhs, stack.get_mut(sp.wrapping_sub(1))) {
                        (Some(r), Some(l)) => {
                            *l = if is_and { *l && r } else { *l || r };
                            Some(())
                        }
                        _ => None,
                    }
                }
                leaf => {
                    let v = self.leaf_holds(leaf, s, t);
                    let slot = stack.get_mut(sp);
                    sp += 1;
                    slot.map(|x| *x = v)
                }
            };
            if ok.is_none() {
                return false;
            }
        }
        sp == 1 && stack.first().copied().unwrap_or(false)
    }

    /// Renders a constraint for two contexts and finds the leaves that decide it.
    pub(crate) fn explain_constraint(
        &self,
        class: &Class,
        c: &Constraint,
        s: &Ctx,
        t: &Ctx,
    ) -> Explained {
        let mut leaves: Vec<Leaf> = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        for term in &c.expr {
            let frame = match term {
                ConstraintTerm::Not => {
                    let Some(a) = stack.pop() else { break };
                    let text = if a.op == 0 && !a.text.starts_with("not") {
                        format!("not {}", a.text)
                    } else {
                        format!("not ({})", a.text)
                    };
                    Frame { holds: !a.holds, text, op: 0, deciding: a.deciding }
                }
                ConstraintTerm::And | ConstraintTerm::Or => {
                    let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else { break };
                    let (op, word) = if matches!(term, ConstraintTerm::And) {
                        (2u8, "and")
                    } else {
                        (3u8, "or")
                    };
                    let wrap = |f: &Frame| {
                        if f.op != 0 && f.op != op {
                            format!("({})", f.text)
                        } else {
                            f.text.clone()
                        }
                    };
                    let holds = if op == 2 { a.holds && b.holds } else { a.holds || b.holds };
                    // Operands whose value equals the result decide it; for `x and y` being
                    // false that is the false ones, for `x or y` being true the true ones.
                    let mut deciding = Vec::new();
                    for f in [&a, &b] {
                        if f.holds == holds {
                            deciding.extend(f.deciding.iter().copied());
                        }
                    }
                    Frame { holds, text: format!("{} {word} {}", wrap(&a), wrap(&b)), op, deciding }
                }
                leaf => {
                    let holds = self.leaf_holds(leaf, s, t);
                    let (text, phrase) = reason_render::leaf_text(self, leaf, s, t, holds);
                    let mark = if holds { "" } else { " -Fail-" };
                    let shown = format!("({text}{mark})");
                    leaves.push(Leaf { text: format!("({text})"), holds, phrase });
                    Frame { holds, text: shown, op: 0, deciding: vec![leaves.len() - 1] }
                }
            };
            stack.push(frame);
        }
        let top = match (stack.pop(), stack.is_empty()) {
            (Some(top), true) => top,
            _ => Frame {
                holds: false,
                text: "<malformed expression>".to_owned(),
                op: 0,
                deciding: Vec::new(),
            },
        };
        let keyword = if c.is_mls() { "mlsconstrain" } else { "constrain" };
        let perms = self.perm_names(class, c.perms).join(" ");
        let statement = format!("{keyword} {} {{ {perms} }} ({});", class.name, top.text);
        let deciding = top.deciding.iter().filter_map(|&i| leaves.get(i).cloned()).collect();
        Explained { statement, deciding }
    }
}
