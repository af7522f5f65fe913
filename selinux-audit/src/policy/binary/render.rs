//! Text of rules and conditional expressions, the way `sesearch` (setools 4.4) prints them, so
//! that our output can be compared line for line with the oracle.
//!
//! * A rule: `allow SOURCE TARGET:CLASS PERMS;` where `PERMS` is the single permission or
//!   `{ p1 p2 … }` sorted by name; type rules end with the new type and, for a named
//!   transition, the object name unquoted (`type_transition S T:C NEW NAME;`).
//! * A conditional rule appends ` [ EXPR ]:True` or `:False` (the branch it is in).
//! * `EXPR` is the node's postfix expression turned infix: each operator takes the top of the
//!   stack as its left operand; `!` wraps a compound operand in parentheses; a binary operator
//!   is parenthesised unless it binds strictly looser than the previous operator
//!   (`!` > `==` = `!=` > `&&` > `^` > `||`; before the first operator the previous one counts
//!   as `!`). This reproduces setools' text, including its parentheses that do not always
//!   follow the expression's structure (e.g. `( a && b && c )`).

use std::fmt;

use super::cond::CondTerm;
use super::search::TeRule;

/// Binding strength of an operator in setools' rendering.
fn precedence(term: CondTerm) -> u8 {
    match term {
        CondTerm::Not | CondTerm::Bool(_) => 5,
        CondTerm::Eq | CondTerm::Neq => 4,
        CondTerm::And => 3,
        CondTerm::Xor => 2,
        CondTerm::Or => 1,
    }
}

fn operator(term: CondTerm) -> &'static str {
    match term {
        CondTerm::Not => "!",
        CondTerm::Or => "||",
        CondTerm::And => "&&",
        CondTerm::Xor => "^",
        CondTerm::Eq => "==",
        CondTerm::Neq => "!=",
        CondTerm::Bool(_) => "",
    }
}

/// One stack entry: its text, and whether it is an operator's result.
struct Operand {
    text: String,
    compound: bool,
}

/// Renders a postfix expression infix, as setools does. `name` gives a boolean value's name.
/// A malformed expression (which the kernel would refuse) still renders, as far as it goes.
pub(crate) fn render_expression<'a>(
    expr: &[CondTerm],
    name: impl Fn(u32) -> Option<&'a str>,
) -> String {
    let mut stack: Vec<Operand> = Vec::with_capacity(4);
    let mut previous = precedence(CondTerm::Not);
    for &term in expr {
        match term {
            CondTerm::Bool(b) => {
                let text = name(b).map_or_else(|| format!("bool{b}"), str::to_owned);
                stack.push(Operand { text, compound: false });
            }
            CondTerm::Not => {
                let Some(x) = stack.pop() else { continue };
                let text =
                    if x.compound { format!("! ( {} )", x.text) } else { format!("! {}", x.text) };
                stack.push(Operand { text, compound: true });
                previous = precedence(term);
            }
            op => {
                let (Some(left), Some(right)) = (stack.pop(), stack.pop()) else { continue };
                let (l, o, r) = (left.text, operator(op), right.text);
                let text = if precedence(op) < previous {
                    format!("{l} {o} {r}")
                } else {
                    format!("( {l} {o} {r} )")
                };
                stack.push(Operand { text, compound: true });
                previous = precedence(op);
            }
        }
    }
    let parts: Vec<String> = stack.into_iter().map(|o| o.text).collect();
    parts.join(" ")
}

impl TeRule<'_> {
    /// Appends the rule's `sesearch` line (without a newline) to `out`.
    pub fn render_into(&self, out: &mut String) {
        for part in [self.kind.keyword(), " ", self.source, " ", self.target, ":", self.class] {
            out.push_str(part);
        }
        match (self.default, self.perms.as_slice()) {
            (Some(new_type), _) => {
                out.push(' ');
                out.push_str(new_type);
                if let Some(name) = self.filename {
                    out.push(' ');
                    out.push_str(name);
                }
            }
            (None, [one]) => {
                out.push(' ');
                out.push_str(one);
            }
            (None, perms) => {
                out.push_str(" {");
                for p in perms {
                    out.push(' ');
                    out.push_str(p);
                }
                out.push_str(" }");
            }
        }
        out.push(';');
        if let Some(c) = &self.condition {
            out.push_str(" [ ");
            out.push_str(c.expression);
            out.push_str(if c.branch { " ]:True" } else { " ]:False" });
        }
    }
}

impl fmt::Display for TeRule<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::with_capacity(96);
        self.render_into(&mut line);
        f.write_str(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CondTerm::*;

    fn show(expr: &[CondTerm]) -> String {
        let names = ["a", "b", "c", "d"];
        render_expression(expr, |v| names.get(v as usize - 1).copied())
    }

    /// Expected texts recorded from setools 4.4 (`str(conditional)`) on policies compiled from
    /// our own CIL (`corpus/policy/mini/webstack-exprs.cil`) and on Debian's policy.
    #[test]
    fn renders_like_setools() {
        assert_eq!(show(&[Bool(1)]), "a");
        assert_eq!(show(&[Bool(1), Bool(2), And]), "b && a");
        assert_eq!(show(&[Bool(1), Not, Bool(2), Or]), "b || ! a");
        assert_eq!(show(&[Bool(1), Bool(2), Eq, Bool(3), And]), "c && b == a");
        assert_eq!(show(&[Bool(1), Bool(2), And, Bool(3), Xor]), "c ^ b && a");
        assert_eq!(show(&[Bool(1), Bool(2), Xor, Bool(3), Neq]), "( c != b ^ a )");
        assert_eq!(show(&[Bool(1), Bool(2), And, Bool(3), And]), "( c && b && a )");
        assert_eq!(show(&[Bool(1), Not, Bool(2), Bool(3), And, Not, And]), "! ( c && b ) && ! a");
        assert_eq!(
            show(&[Bool(1), Bool(2), Or, Bool(3), Bool(4), Or, Or]),
            "( ( d || c ) || b || a )"
        );
        assert_eq!(
            show(&[Bool(1), Bool(2), Eq, Bool(3), Bool(4), Neq, Xor]),
            "( d != c ) ^ b == a"
        );
        assert_eq!(show(&[Bool(1), Bool(2), Neq, Bool(3), Eq]), "( c == b != a )");
    }

    /// secilc folds a double negation, so setools never showed us one: this is the rule
    /// applied (a compound operand of `!` is parenthesised).
    #[test]
    fn double_negation() {
        assert_eq!(show(&[Bool(1), Not, Not]), "! ( ! a )");
    }

    #[test]
    fn malformed_expressions_do_not_panic() {
        assert_eq!(show(&[]), "");
        assert_eq!(show(&[Not, And]), "");
        assert_eq!(show(&[Bool(1), Bool(2)]), "a b");
        assert_eq!(show(&[Bool(9)]), "bool9");
    }
}
