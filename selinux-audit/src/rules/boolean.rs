//! Booleans: when the policy already has a switch for exactly this access.
//!
//! Only considered where no label can be right (a port that belongs to another service, an
//! access with no label fix), never in place of a relabel: a boolean changes the access of the
//! domain to *every* object of the type, while a label changes one object. Candidates are the
//! booleans whose single flip lets the domain do everything it was denied (what audit2why
//! finds); they are ranked narrowest first: by how many more target types of the denied class
//! the domain may use once the switch is set, then booleans named after the domain before
//! global ones.

use super::describe_perms;
use super::typechoice::belongs_to;
use crate::denial::Denial;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;

/// A boolean that opens more than this many other types of the class to the domain is far
/// broader than the denial: it is never the recommended fix, only a flagged alternative.
pub const BROAD: usize = 10;

/// One boolean that would allow the access.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoolCandidate {
    /// Its name.
    pub name: String,
    /// The value to set (the opposite of the stored one).
    pub value: bool,
    /// How many more types of the denied class the domain may use with the denied permissions
    /// once it is set (1 = just the denied target's type).
    pub breadth: usize,
    /// Named after the domain (`httpd_…` for `httpd_t`).
    pub affine: bool,
}

/// Ranked booleans that let `domain` do `perms` on `target`:`class`.
pub fn candidates(
    policy: &PolicyModel,
    domain: &str,
    target: &str,
    class: &str,
    perms: &[&str],
) -> Vec<BoolCandidate> {
    let Some(bin) = &policy.binary else { return Vec::new() };
    let Ok(names) = bin.booleans_that_allow(domain, target, class, perms) else {
        return Vec::new();
    };
    let before = bin.targets_allowing(domain, class, perms).map(|v| v.len()).unwrap_or(0);
    let mut out: Vec<BoolCandidate> = names
        .into_iter()
        .map(|n| {
            let value = !bin.boolean(n).unwrap_or(false);
            // How many more types of this class the domain may then use this way: what the
            // switch opens beyond the one denied target.
            let after = bin
                .targets_allowing_with_booleans(domain, class, perms, &[(n, value)])
                .map(|v| v.len())
                .unwrap_or(usize::MAX);
            BoolCandidate {
                name: n.to_owned(),
                value,
                breadth: after.saturating_sub(before),
                affine: belongs_to(domain, n),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.breadth.cmp(&b.breadth).then(b.affine.cmp(&a.affine)).then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// A `setsebool -P` fix for `denials` (all `domain` → `target`:`class`), best boolean first with
/// the others as alternatives; `None` when no single boolean allows it.
pub fn boolean_fix(
    policy: &PolicyModel,
    denials: &[&Denial],
    domain: &str,
    target: &str,
    class: &str,
    perms: &std::collections::BTreeSet<String>,
) -> Option<Fix> {
    let refs: Vec<&str> = perms.iter().map(String::as_str).collect();
    let cands = candidates(policy, domain, target, class, &refs);
    // Turning a boolean off also removes whatever depends on it being on: never the
    // recommended fix, only a flagged alternative (see `broad_alternatives`).
    let Some(best) = cands.iter().find(|c| c.value).filter(|c| c.breadth <= BROAD) else {
        return combination_fix(policy, denials, domain, class, perms);
    };
    let ids = super::needs::ids(denials);
    let make = |c: &BoolCandidate, conf: Confidence, why: String| setsebool(c, conf, why, &ids);
    let why = format!(
        "{domain} was denied {} on {target}:{class}. The policy has a switch for this: turning {} {} \
         allows it, and lets {domain} do the same to {} type(s) of {class} in all{}. Nothing is mislabeled here.",
        describe_perms(perms),
        best.name,
        if best.value { "on" } else { "off" },
        best.breadth,
        if best.affine {
            "; it is this service's own switch"
        } else {
            "; it is not specific to this service: check what else it opens"
        },
    );
    let conf = if best.affine { Confidence::High } else { Confidence::Medium };
    let mut fix = make(best, conf, why)
        .check(
            "boolean-changes",
            true,
            format!("{} is {} now", best.name, if best.value { "off" } else { "on" }),
        )
        .check(
            "boolean-named-after-domain",
            best.affine,
            format!(
                "{} {} named after {domain}",
                best.name,
                if best.affine { "is" } else { "is not" }
            ),
        )
        .check(
            "boolean-narrow",
            best.breadth <= BROAD,
            format!("opens {} type(s) of {class} to {domain} (limit {BROAD})", best.breadth),
        );
    for alt in cands.iter().filter(|c| c.value && c.name != best.name).take(2) {
        fix.alternatives.push(make(
            alt,
            Confidence::Low,
            format!(
                "Alternative boolean {}: opens {} type(s) of {class} to {domain}; broader or less specific.",
                alt.name, alt.breadth
            ),
        ));
    }
    Some(fix)
}

/// Booleans that would allow the access but open far more than it (more than [`BROAD`] types),
/// or that would have to be turned off: low-confidence alternatives with the risk stated.
pub fn broad_alternatives(
    policy: &PolicyModel,
    denials: &[&Denial],
    domain: &str,
    target: &str,
    class: &str,
    perms: &std::collections::BTreeSet<String>,
) -> Vec<Fix> {
    let refs: Vec<&str> = perms.iter().map(String::as_str).collect();
    let ids = super::needs::ids(denials);
    candidates(policy, domain, target, class, &refs)
        .into_iter()
        .filter(|c| c.breadth > BROAD || !c.value)
        .take(2)
        .map(|c| {
            setsebool(
                &c,
                Confidence::Low,
                if c.value {
                    format!(
                        "BROAD: turning {} on allows this, but also lets {domain} use {} other type(s) of \
                         {class} the same way: far more than this denial needs.",
                        c.name, c.breadth
                    )
                } else {
                    format!(
                        "CAUTION: turning {} off allows this, but also removes every access that depends \
                         on it being on; read its description before considering it.",
                        c.name
                    )
                },
                &ids,
            )
        })
        .collect()
}

/// `setsebool -P NAME on|off` as a fix.
fn setsebool(c: &BoolCandidate, confidence: Confidence, why: String, ids: &[u32]) -> Fix {
    let value = if c.value { "on" } else { "off" };
    let cmd = argv(["setsebool", "-P", c.name.as_str(), value]);
    Fix::new(FixKind::Boolean, vec![cmd], Vec::new(), confidence, why, ids.to_vec())
}

/// When no single boolean allows it: the narrowest combination `decide` finds, if every
/// boolean in it is the domain's own, is turned on, and together they open at most [`BROAD`]
/// more types (audit2why, which flips one boolean at a time, calls this a missing rule).
fn combination_fix(
    policy: &PolicyModel,
    denials: &[&Denial],
    domain: &str,
    class: &str,
    perms: &std::collections::BTreeSet<String>,
) -> Option<Fix> {
    let bin = policy.binary.as_ref()?;
    let v = super::verdicts::verdict(policy, denials)?;
    let options = v.reasons.iter().find_map(|r| match r {
        crate::policy::binary::Reason::Booleans { options, .. } => Some(options),
        _ => None,
    })?;
    let refs: Vec<&str> = perms.iter().map(String::as_str).collect();
    let before = bin.targets_allowing(domain, class, &refs).map(|v| v.len()).unwrap_or(0);
    let option = options.iter().find(|o| {
        o.set.len() > 1 && o.set.iter().all(|b| b.value && belongs_to(domain, &b.name))
    })?;
    let set: Vec<(&str, bool)> = option.set.iter().map(|b| (b.name.as_str(), true)).collect();
    let after = bin.targets_allowing_with_booleans(domain, class, &refs, &set).ok()?.len();
    let breadth = after.saturating_sub(before);
    if breadth > BROAD {
        return None;
    }
    let names: Vec<&str> = set.iter().map(|(n, _)| *n).collect();
    let mut cmd = vec![crate::bytes::ByteStr::from("setsebool"), "-P".into()];
    for n in &names {
        cmd.push((*n).into());
        cmd.push("on".into());
    }
    let why = format!(
        "{domain} was denied {} on {}:{class}. No single boolean allows it, but these together do: \
         {} (the rules are conditional on all of them; audit2why, which tries one boolean at a time, \
         reports a missing rule). They are {domain}'s own switches and open {breadth} type(s) of {class} \
         in all. Nothing is mislabeled here.",
        describe_perms(perms),
        denials.first().and_then(|d| d.target_type()).unwrap_or("?"),
        names.join(" and ")
    );
    Some(
        Fix::new(
            FixKind::Boolean,
            vec![cmd],
            Vec::new(),
            Confidence::High,
            why,
            super::needs::ids(denials),
        )
        .check(
            "boolean-named-after-domain",
            true,
            format!("{} are {domain}'s own", names.join(", ")),
        )
        .check(
            "boolean-narrow",
            true,
            format!("together they open {breadth} type(s) (limit {BROAD})"),
        ),
    )
}
