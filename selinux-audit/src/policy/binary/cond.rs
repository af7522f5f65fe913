//! The conditional policy: nodes of a boolean expression (postfix) with a true list and a
//! false list of avtab items.
//!
//! Node layout: `cur_state`, `nexpr`, `nexpr × (kind, bool)`, then the true and false item
//! lists. The stored `cur_state` is whatever the writer last computed; queries re-evaluate
//! the expression from boolean values instead. An expression that cannot be evaluated
//! (stack underflow or overflow, more than one result) enables neither list, which is what
//! the kernel does.

use super::avtab::{AvtabItem, AvtabLimits, read_list};
use super::cursor::{Cursor, ReadResult};

/// Deepest stack a conditional expression may use.
const MAX_DEPTH: usize = 10;
/// Smallest node on disk (state, expression count, two list counts).
pub(crate) const MIN_NODE_BYTES: usize = 16;

/// One postfix term of a conditional expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CondTerm {
    /// Push a boolean's value (1-based boolean value).
    Bool(u32),
    /// Negate the top value.
    Not,
    /// `||`
    Or,
    /// `&&`
    And,
    /// `^`
    Xor,
    /// `==`
    Eq,
    /// `!=`
    Neq,
}

/// One conditional node.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CondNode {
    /// State stored in the file (not trusted by queries).
    pub stored_state: bool,
    /// Postfix expression.
    pub expr: Vec<CondTerm>,
    /// Rules active when the expression is true.
    pub true_list: Vec<AvtabItem>,
    /// Rules active when the expression is false.
    pub false_list: Vec<AvtabItem>,
}

impl CondNode {
    /// Evaluates the expression; `state(v)` gives boolean value `v`'s state. `None` when the
    /// expression is malformed.
    pub fn evaluate(&self, state: impl Fn(u32) -> bool) -> Option<bool> {
        let mut stack = [false; MAX_DEPTH];
        let mut sp = 0usize;
        for term in &self.expr {
            match *term {
                CondTerm::Bool(b) => {
                    *stack.get_mut(sp)? = state(b);
                    sp += 1;
                }
                CondTerm::Not => {
                    let top = stack.get_mut(sp.checked_sub(1)?)?;
                    *top = !*top;
                }
                op => {
                    let rhs = *stack.get(sp.checked_sub(1)?)?;
                    sp -= 1;
                    let lhs = stack.get_mut(sp.checked_sub(1)?)?;
                    *lhs = match op {
                        CondTerm::Or => *lhs || rhs,
                        CondTerm::And => *lhs && rhs,
                        CondTerm::Xor => *lhs ^ rhs,
                        CondTerm::Eq => *lhs == rhs,
                        _ => *lhs != rhs,
                    };
                }
            }
        }
        if sp == 1 { stack.first().copied() } else { None }
    }

    /// Boolean values the expression reads, in order of first use.
    pub fn booleans(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for term in &self.expr {
            if let CondTerm::Bool(b) = *term {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        out
    }
}

/// Reads the conditional list.
pub(crate) fn read_cond_list(
    c: &mut Cursor<'_>,
    limits: AvtabLimits,
    nbools: u32,
) -> ReadResult<Vec<CondNode>> {
    let n = c.count("conditional nodes", MIN_NODE_BYTES)?;
    let mut nodes = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.offset();
        let state = c.u32()?;
        let nexpr = c.count("conditional terms", 8)?;
        let mut expr = Vec::with_capacity(nexpr);
        for _ in 0..nexpr {
            let term_at = c.offset();
            let kind = c.u32()?;
            let boolean = c.u32()?;
            let term = match kind {
                1 if (1..=nbools).contains(&boolean) => CondTerm::Bool(boolean),
                2 => CondTerm::Not,
                3 => CondTerm::Or,
                4 => CondTerm::And,
                5 => CondTerm::Xor,
                6 => CondTerm::Eq,
                7 => CondTerm::Neq,
                _ => {
                    return Err(c.err_at(term_at, format!("bad conditional term {kind}/{boolean}")));
                }
            };
            expr.push(term);
        }
        if state > 1 {
            return Err(c.err_at(at, format!("conditional node state {state}")));
        }
        let true_list = read_list(c, limits, true)?;
        let false_list = read_list(c, limits, true)?;
        nodes.push(CondNode { stored_state: state == 1, expr, true_list, false_list });
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(expr: Vec<CondTerm>) -> CondNode {
        CondNode { stored_state: false, expr, true_list: vec![], false_list: vec![] }
    }

    #[test]
    fn evaluates_every_operator() {
        use CondTerm::*;
        let states = |b: u32| b == 1; // bool 1 true, bool 2 false
        assert_eq!(node(vec![Bool(1)]).evaluate(states), Some(true));
        assert_eq!(node(vec![Bool(2), Not]).evaluate(states), Some(true));
        assert_eq!(node(vec![Bool(1), Bool(2), Or]).evaluate(states), Some(true));
        assert_eq!(node(vec![Bool(1), Bool(2), And]).evaluate(states), Some(false));
        assert_eq!(node(vec![Bool(1), Bool(2), Xor]).evaluate(states), Some(true));
        assert_eq!(node(vec![Bool(1), Bool(2), Eq]).evaluate(states), Some(false));
        assert_eq!(node(vec![Bool(1), Bool(2), Neq]).evaluate(states), Some(true));
        assert_eq!(node(vec![Bool(1), Bool(1), Bool(2), Neq, And]).booleans(), vec![1, 2]);
    }

    #[test]
    fn malformed_expressions_give_none() {
        use CondTerm::*;
        let s = |_| true;
        assert_eq!(node(vec![]).evaluate(s), None);
        assert_eq!(node(vec![Not]).evaluate(s), None);
        assert_eq!(node(vec![Bool(1), And]).evaluate(s), None);
        assert_eq!(node(vec![Bool(1), Bool(1)]).evaluate(s), None);
        assert_eq!(node(vec![Bool(1); 11]).evaluate(s), None);
    }
}
