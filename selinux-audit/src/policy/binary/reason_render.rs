//! Text for people: constraint clauses in the policy language (as audit2why prints them) and
//! in words for the contexts at hand, and one line per [`Reason`].

use super::BinaryPolicy;
use super::constraint::ConstraintTerm;
use super::secctx::Ctx;
use super::verdict::{BooleanOption, Reason, Side};

const USER: u32 = 1;
const ROLE: u32 = 2;
const TARGET: u32 = 8;
/// `*` and `~` flags of a type set as written.
const TYPE_STAR: u32 = 1;
const TYPE_COMP: u32 = 2;

/// Operator words as libsepol prints them (MLS `eq` differs from `==`).
fn op_word(op: u32, mls: bool) -> &'static str {
    match (op, mls) {
        (1, false) => "==",
        (1, true) => "eq",
        (2, _) => "!=",
        (3, _) => "dom",
        (4, _) => "domby",
        (5, _) => "incomp",
        _ => "?",
    }
}

/// `(name of level, side words)` for the MLS attribute bits.
fn level_operands(attr: u32) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match attr {
        32 => ("l1", "l2", "source low level", "target low level"),
        64 => ("l1", "h2", "source low level", "target high level"),
        128 => ("h1", "l2", "source high level", "target low level"),
        256 => ("h1", "h2", "source high level", "target high level"),
        512 => ("l1", "h1", "source low level", "source high level"),
        1024 => ("l2", "h2", "target low level", "target high level"),
        _ => return None,
    })
}

/// `(clause text, phrase)` for one leaf whose value is `holds`.
pub(crate) fn leaf_text(
    p: &BinaryPolicy,
    term: &ConstraintTerm,
    s: &Ctx,
    t: &Ctx,
    holds: bool,
) -> (String, String) {
    let not = if holds { "" } else { " not" };
    match term {
        ConstraintTerm::Attr { attr, op } => {
            if let Some((a, b, wa, wb)) = level_operands(*attr) {
                let pick = |n: &str| match n {
                    "l1" => p.level_text(&s.range.low),
                    "h1" => p.level_text(&s.range.high),
                    "l2" => p.level_text(&t.range.low),
                    _ => p.level_text(&t.range.high),
                };
                let (x, y) = (pick(a), pick(b));
                let phrase = match *op {
                    1 | 2 => {
                        let equal = (*op == 1) == holds;
                        if equal {
                            format!("{wa} {x} equals {wb} {y}")
                        } else {
                            format!("{wa} {x} differs from {wb} {y}")
                        }
                    }
                    3 => format!("{wa} {x} does{not} dominate {wb} {y}"),
                    4 => format!("{wa} {x} is{not} dominated by {wb} {y}"),
                    _ => format!(
                        "{wa} {x} and {wb} {y} are{} comparable",
                        if holds { " not" } else { "" }
                    ),
                };
                let phrase = phrase.replace("does dominate", "dominates");
                return (format!("{a} {} {b}", op_word(*op, true)), phrase);
            }
            let (what, short, x, y) = match *attr {
                USER => ("user", 'u', p.user_name(s.user), p.user_name(t.user)),
                ROLE => ("role", 'r', p.role_name(s.role), p.role_name(t.role)),
                _ => ("type", 't', p.type_name(s.type_value), p.type_name(t.type_value)),
            };
            let (x, y) = (x.unwrap_or("?"), y.unwrap_or("?"));
            let text = format!("{short}1 {} {short}2", op_word(*op, false));
            let phrase = match *op {
                1 | 2 if ((*op == 1) == holds) => format!("source and target {what} are both {x}"),
                1 | 2 => format!("source {what} {x} differs from target {what} {y}"),
                3 => format!("role {x} does{not} dominate role {y}")
                    .replace("does dominate", "dominates"),
                4 => format!("role {x} is{not} dominated by role {y}"),
                _ => format!("roles {x} and {y} are{} comparable", if holds { " not" } else { "" }),
            };
            (text, phrase)
        }
        ConstraintTerm::Names { attr, op, names, type_set } => {
            let n = if attr & TARGET != 0 { 2 } else { 1 };
            let side = if n == 2 { "target" } else { "source" };
            let c = if n == 2 { t } else { s };
            let (what, value, listed): (&str, Option<&str>, Vec<String>) = if attr & USER != 0 {
                (
                    "user",
                    p.user_name(c.user),
                    names.iter().filter_map(|b| p.user_name(b + 1)).map(str::to_owned).collect(),
                )
            } else if attr & ROLE != 0 {
                (
                    "role",
                    p.role_name(c.role),
                    names.iter().filter_map(|b| p.role_name(b + 1)).map(str::to_owned).collect(),
                )
            } else {
                let listed = match type_set {
                    Some(ts) => type_set_names(p, &ts.types, &ts.negset, ts.flags),
                    None => {
                        names.iter().filter_map(|b| p.type_name(b + 1)).map(str::to_owned).collect()
                    }
                };
                ("type", p.type_name(c.type_value), listed)
            };
            let set = match listed.as_slice() {
                [] => "<empty_set>".to_owned(),
                [one] => one.clone(),
                many => format!("{{ {} }}", many.join(" ")),
            };
            let short = what.chars().next().unwrap_or('?');
            let text = format!("{short}{n} {} {set}", op_word(*op, false));
            let member = (*op == 1) == holds;
            let single_name = listed.len() == 1 && !listed.iter().any(|l| p.is_attribute(l));
            let verb = match (member, single_name) {
                (true, true) => "is",
                (false, true) => "is not",
                (true, false) => "is in",
                (false, false) => "is not in",
            };
            (text, format!("{side} {what} {} {verb} {set}", value.unwrap_or("?")))
        }
        _ => (String::from("?"), String::from("malformed clause")),
    }
}

/// The names of a type set as written: `*`, `~`, negated entries with `-`.
fn type_set_names(
    p: &BinaryPolicy,
    types: &super::ebitmap::Ebitmap,
    negset: &super::ebitmap::Ebitmap,
    flags: u32,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if flags & TYPE_STAR != 0 {
        out.push("*".to_owned());
    }
    out.extend(types.iter().filter_map(|b| p.type_name(b + 1)).map(str::to_owned));
    out.extend(negset.iter().filter_map(|b| p.type_name(b + 1)).map(|n| format!("-{n}")));
    if flags & TYPE_COMP != 0 {
        out = vec![format!("~{{ {} }}", out.join(" "))];
    }
    out
}

fn braces(perms: &[String]) -> String {
    format!("{{ {} }}", perms.join(" "))
}

fn option_text(o: &BooleanOption) -> String {
    let set: Vec<String> =
        o.set.iter().map(|b| format!("{} {}", b.name, u8::from(b.value))).collect();
    let mut text = format!("`setsebool -P {}`", set.join(" "));
    if !o.requires.is_empty() {
        let keep: Vec<String> =
            o.requires.iter().map(|b| format!("{}={}", b.name, u8::from(b.value))).collect();
        text.push_str(&format!(" (with {} kept)", keep.join(", ")));
    }
    text
}

const NOT_YET: &str = " (type enforcement does not grant it yet; this would still deny it)";

impl Reason {
    /// A one-line explanation for people.
    pub fn text(&self) -> String {
        match self {
            Reason::InvalidContext { side, context, problems } => format!(
                "the {} context {context} is not valid in this policy ({}): the log probably \
                 came from another policy",
                match side {
                    Side::Source => "source",
                    Side::Target => "target",
                },
                problems.join("; ")
            ),
            Reason::MissingAllow { perms, conditional } => {
                let mut text = format!("no allow rule grants {}", braces(perms));
                if *conditional {
                    text.push_str(
                        " (conditional rules exist, but no searched change of booleans enables \
                         them all)",
                    );
                }
                text
            }
            Reason::Booleans { perms, options, complete } => {
                let opts: Vec<String> = options.iter().map(option_text).collect();
                let mut text = format!(
                    "the rules granting {} are switched off by booleans; {}{}",
                    braces(perms),
                    if opts.len() == 1 { "" } else { "any one of: " },
                    opts.join(" | ")
                );
                if !complete {
                    text.push_str(" (search limited; larger combinations not tried)");
                }
                text
            }
            Reason::Constraint { perms, explanation, mls, active, .. } => format!(
                "{} denies {}: {}{}",
                if *mls { "an MLS constraint" } else { "a constraint" },
                braces(perms),
                explanation.join("; "),
                if *active { "" } else { NOT_YET }
            ),
            Reason::Rbac { perms, from_role, to_role, active } => format!(
                "{} from role {from_role} to {to_role} needs `allow {from_role} {to_role};`, \
                 which the policy lacks{}",
                braces(perms),
                if *active { "" } else { NOT_YET }
            ),
            Reason::Bounds { perms, domain, bound } => format!(
                "{domain} is bounded by {bound}, which may not {}: typebounds masks it",
                braces(perms)
            ),
            Reason::Dontaudit { perms } => format!(
                "a dontaudit rule hides denials of {}: this one is logged only with \
                 `semodule -DB` (and is usually harmless)",
                braces(perms)
            ),
            Reason::Permissive { domain } => format!(
                "{domain} is a permissive domain: the denial was logged, the access went through"
            ),
            Reason::Allowed => "this policy allows it: the log came from another policy, or a \
                                boolean has changed since"
                .to_owned(),
        }
    }
}
