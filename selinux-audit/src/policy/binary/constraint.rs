//! Class constraints and validatetrans rules, kept as postfix (RPN) expressions.
//!
//! Each expression term is `type attr op`; `names` terms also carry a bitmap of names and,
//! from version 29, the type set they were written with (for display only). The reader checks
//! that the expression is well formed (stack never underflows, at most 5 deep, exactly one
//! value left) so a later evaluator can rely on it. Evaluation itself is not done here.

use super::cursor::{Cursor, ReadResult};
use super::ebitmap::Ebitmap;

/// Expression term kinds as numbered in the file.
const EXPR_NOT: u32 = 1;
const EXPR_AND: u32 = 2;
const EXPR_OR: u32 = 3;
const EXPR_ATTR: u32 = 4;
const EXPR_NAMES: u32 = 5;
/// Attribute bit for the third (`xtarget`) context of validatetrans.
const ATTR_XTARGET: u32 = 16;
/// Attribute bits that compare MLS levels (`l1 l2`, `l1 h2`, `h1 l2`, `h1 h2`, `l1 h1`, `l2 h2`).
pub const ATTR_MLS_MASK: u32 = 32 | 64 | 128 | 256 | 512 | 1024;
/// Maximum stack depth of a constraint expression.
const MAX_DEPTH: usize = 5;
/// First version that stores the type set of a `names` term.
const VERSION_CONSTRAINT_NAMES: u32 = 29;

/// A type set as written in the source policy (types, negated types, flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeSet {
    /// Types and attributes listed (bit `v - 1`).
    pub types: Ebitmap,
    /// Types excluded with `-`.
    pub negset: Ebitmap,
    /// `*` / `~` flags.
    pub flags: u32,
}

/// One postfix term of a constraint expression.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConstraintTerm {
    /// Logical not of the top value.
    Not,
    /// Logical and of the two top values.
    And,
    /// Logical or of the two top values.
    Or,
    /// Compare two context attributes (`u1 == u2`, `l1 dom l2`, …).
    Attr {
        /// Which attributes (`CEXPR_USER`, `CEXPR_ROLE`, `CEXPR_TYPE`, MLS bits, target bits).
        attr: u32,
        /// Operator (1 eq, 2 neq, 3 dom, 4 domby, 5 incomp).
        op: u32,
    },
    /// Compare an attribute with a set of names (`t1 == { a b }`).
    Names {
        /// Which attribute.
        attr: u32,
        /// Operator.
        op: u32,
        /// Names (bit `v - 1` of users, roles or types).
        names: Ebitmap,
        /// Source type set (version 29 and later).
        type_set: Option<TypeSet>,
    },
}

/// A constraint: the permissions it guards (unused for validatetrans) and its expression.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Constraint {
    /// Permission bits the constraint applies to.
    pub perms: u32,
    /// Postfix expression.
    pub expr: Vec<ConstraintTerm>,
}

impl Constraint {
    /// True when the expression compares MLS levels (an `mlsconstrain`/`mlsvalidatetrans`).
    pub fn is_mls(&self) -> bool {
        self.expr.iter().any(|t| match t {
            ConstraintTerm::Attr { attr, .. } | ConstraintTerm::Names { attr, .. } => {
                attr & ATTR_MLS_MASK != 0
            }
            _ => false,
        })
    }
}

/// Reads `count` constraints (both kinds store a permission word, 0 for validatetrans);
/// only validatetrans rules may refer to the third context.
pub(crate) fn read_constraints(
    c: &mut Cursor<'_>,
    count: usize,
    validatetrans: bool,
    version: u32,
) -> ReadResult<Vec<Constraint>> {
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let perms = c.u32()?;
        let n = c.count("constraint terms", 12)?;
        let mut expr = Vec::with_capacity(n);
        let mut depth = 0usize;
        for _ in 0..n {
            let at = c.offset();
            let kind = c.u32()?;
            let attr = c.u32()?;
            let op = c.u32()?;
            let (term, pops, pushes) = match kind {
                EXPR_NOT => (ConstraintTerm::Not, 1, 1),
                EXPR_AND => (ConstraintTerm::And, 2, 1),
                EXPR_OR => (ConstraintTerm::Or, 2, 1),
                EXPR_ATTR => (ConstraintTerm::Attr { attr, op }, 0, 1),
                EXPR_NAMES => {
                    if !validatetrans && attr & ATTR_XTARGET != 0 {
                        return Err(c.err_at(at, "constraint refers to a third context"));
                    }
                    let names = Ebitmap::read(c)?;
                    let type_set = if version >= VERSION_CONSTRAINT_NAMES {
                        let types = Ebitmap::read(c)?;
                        let negset = Ebitmap::read(c)?;
                        let flags = c.u32()?;
                        Some(TypeSet { types, negset, flags })
                    } else {
                        None
                    };
                    (ConstraintTerm::Names { attr, op, names, type_set }, 0, 1)
                }
                other => return Err(c.err_at(at, format!("unknown constraint term {other}"))),
            };
            depth = depth
                .checked_sub(pops)
                .map(|d| d + pushes)
                .filter(|&d| d <= MAX_DEPTH)
                .ok_or_else(|| c.err_at(at, "malformed constraint expression"))?;
            expr.push(term);
        }
        if depth != 1 {
            return Err(c.err("constraint expression does not reduce to one value"));
        }
        out.push(Constraint { perms, expr });
    }
    Ok(out)
}
