//! The reasoning behind a denial's fix, strategy by strategy, for `avc-fix explain`.
//!
//! [`strategies`] asks the same questions the engine asks, for one denial on its own, and
//! says for each strategy whether it applies and why: is the default label different and
//! usable (restorecon), which types the policy offers for a persistent rule and on what
//! evidence (fcontext), which port types the domain may use (port), which booleans would
//! allow it and how much more they open (boolean), and that a module is only ever a last
//! resort. The plan itself (which fix was chosen, its checks) comes from [`super::suggest`].

use serde::Serialize;

use super::classify::role_of;
use super::needs::{PortNeed, mode_of, protocol_of};
use super::typechoice::candidates;
use crate::denial::Denial;
use crate::policy::{DefaultLabel, PolicyModel};

/// One strategy's verdict on a denial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StrategyNote {
    /// `restorecon`, `fcontext`, `port`, `boolean`, `module`.
    pub strategy: &'static str,
    /// Whether it could fix the denial on its own terms.
    pub applies: bool,
    /// Why, in words.
    pub reason: String,
}

fn note(strategy: &'static str, applies: bool, reason: String) -> StrategyNote {
    StrategyNote { strategy, applies, reason }
}

/// What each strategy says about `d`.
pub fn strategies(policy: &PolicyModel, d: &Denial) -> Vec<StrategyNote> {
    let mut out = Vec::new();
    let (Some(domain), Some(current)) = (d.source_type(), d.target_type()) else {
        out.push(note("module", false, "the log's contexts could not be read".to_owned()));
        return out;
    };
    let perms: std::collections::BTreeSet<String> = d.perms.iter().cloned().collect();
    let refs: Vec<&str> = d.perms.iter().map(String::as_str).collect();
    match (d.path.as_ref(), mode_of(d)) {
        (Some(path), Some(mode)) => {
            let path = path.as_bytes();
            let restore = match policy.default_label(path, mode) {
                DefaultLabel::NoLabel => note(
                    "restorecon",
                    false,
                    "file_contexts gives this path no label (<<none>>)".into(),
                ),
                DefaultLabel::Unknown => {
                    note("restorecon", false, "no file_contexts entry matches this path".into())
                }
                DefaultLabel::Type { type_, spec } if type_ == current => note(
                    "restorecon",
                    false,
                    format!(
                        "the default label is {type_} already ('{spec}'): restorecon would change nothing"
                    ),
                ),
                DefaultLabel::Type { type_, spec } => match policy
                    .allows(domain, &type_, &d.class, &refs)
                {
                    Some(true) => note(
                        "restorecon",
                        true,
                        format!("the default is {type_} ('{spec}') and {domain} may do this on it"),
                    ),
                    Some(false) => note(
                        "restorecon",
                        false,
                        format!(
                            "the default is {type_} ('{spec}') but {domain} may not do this on it either"
                        ),
                    ),
                    None => note(
                        "restorecon",
                        true,
                        format!("the default is {type_} ('{spec}'); not checked against the rules"),
                    ),
                },
            };
            out.push(restore);
            let role = role_of(path, &d.class, &perms, &[d]);
            let cands = candidates(policy, domain, &d.class, &perms, role, 3);
            out.push(if cands.is_empty() {
                note(
                    "fcontext",
                    false,
                    format!("no file type {domain} may use for {} was found", role.describe()),
                )
            } else {
                let list: Vec<String> = cands
                    .iter()
                    .map(|c| format!("{} ({})", c.type_, super::rule_fix::evidence(c, &c.type_)))
                    .collect();
                note("fcontext", true, format!("for {}: {}", role.describe(), list.join("; ")))
            });
        }
        (None, Some(_)) if d.name.is_some() => out.push(note(
            "restorecon",
            false,
            "the log names only the basename: no label fix until the path is known".into(),
        )),
        _ => {}
    }
    if let (Some(protocol), Some(port)) = (protocol_of(&d.class), d.port) {
        let need = PortNeed {
            protocol,
            port,
            class: d.class.clone(),
            domain: domain.to_owned(),
            current: current.to_owned(),
            perms: perms.clone(),
            denials: vec![d],
        };
        let cands = super::port::port_candidates(policy, &need, 3);
        out.push(if cands.is_empty() {
            note("port", false, format!("no port type {domain} may use this way"))
        } else {
            let generic = super::port::GENERIC_PORT_TYPES.contains(&current);
            let list: Vec<&str> = cands.iter().map(|(t, _)| t.as_str()).collect();
            note(
                "port",
                generic,
                format!(
                    "{domain} may use {}; the port is {current}{}",
                    list.join(", "),
                    if generic {
                        " (unassigned)"
                    } else {
                        ", which belongs to another service: relabeling would take it away"
                    }
                ),
            )
        });
    }
    let bools = super::boolean::candidates(policy, domain, current, &d.class, &refs);
    out.push(if bools.is_empty() {
        note("boolean", false, "no single boolean allows it".into())
    } else {
        let list: Vec<String> = bools
            .iter()
            .take(3)
            .map(|b| {
                format!(
                    "{} {} (opens {} more type(s){})",
                    b.name,
                    if b.value { "on" } else { "off" },
                    b.breadth,
                    if b.affine { ", the domain's own" } else { "" }
                )
            })
            .collect();
        note(
            "boolean",
            true,
            format!("{}; considered only where no label can be right", list.join(", ")),
        )
    });
    out.push(note(
        "module",
        false,
        "never the recommended fix: only a flagged last-resort alternative, and never for constraints, \
         dontaudit, inherited descriptors or accesses already allowed"
            .into(),
    ));
    out
}
