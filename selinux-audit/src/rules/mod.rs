//! The rules engine: denials + policy → ranked fixes. Pure: no I/O, no panics.
//!
//! [`suggest`] groups the denials into needs ([`needs`]): one per file-system object with a
//! known path, one per port, and the rest. For each object it decides between restoring the
//! policy's default label and a persistent rule ([`label`]), chooses the rule's type
//! ([`typechoice`]) and reach ([`scope`]); ports get a port label ([`port`]); everything else
//! gets an explanation, with a minimal module only as a flagged alternative ([`other`]).
//!
//! The plan is ordered: relabels (`restorecon`), then persistent file-context rules, then
//! ports, then explanations. Every entry is needed; each entry's `alternatives` are other ways
//! to fix the same denials, never applied automatically.

pub mod boolean;
pub mod capability;
pub mod classify;
pub mod container;
pub mod evidence;
pub mod foreign;
pub mod label;
pub mod label_fix;
pub mod leak;
pub mod local_rules;
pub mod memexec;
pub mod needs;
pub mod other;
pub mod placement;
pub mod port;
pub mod rule_fix;
pub mod scope;
pub mod simulate;
pub mod trace;
pub mod typechoice;
pub mod verdicts;
pub mod webcontent;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::bytes::ByteStr;
use crate::denial::{Denial, PathSource};
use crate::fix::{Confidence, Fix};
use crate::policy::PolicyModel;

use self::label::Decision;

/// Facts about the machine the caller knows (the library does not look them up).
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// Device name → mount point, for the log's own machine (used in `find` commands).
    pub mounts: Vec<(ByteStr, ByteStr)>,
    /// Labels read from the objects themselves (`security.selinux`), path → context, when
    /// the log is this machine's ([`crate::system::xattr`]); a path not listed was not read.
    pub disk_labels: std::collections::BTreeMap<Vec<u8>, String>,
    /// The log's SELINUX_ERR records (invalid computed contexts, bounded transitions).
    pub selinux_errors: Vec<crate::selinux_err::SelinuxErr>,
}

/// The recommended plan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Plan {
    /// Fixes, best first; every entry is needed.
    pub fixes: Vec<Fix>,
    /// Notes about the run (unresolved paths, unverified fixes).
    pub warnings: Vec<String>,
}

/// Computes the fixes for `denials` (merged, with ids) under `policy`.
pub fn suggest(denials: &[Denial], policy: &PolicyModel, opts: &RuleOptions) -> Plan {
    let needs = needs::group(denials);
    let decisions: Vec<Decision> = needs.objects.iter().map(|n| label::decide(policy, n)).collect();
    let rules = scope::plan(policy, &needs.objects, &decisions);

    let mut fixes = label_fix::restore_fixes(policy, &needs.objects, &decisions, &rules, opts);
    fixes.extend(rule_fix::rule_fixes(policy, &needs.objects, &decisions, &rules));
    let mut others: Vec<&Denial> = needs.others.clone();
    for need in &needs.ports {
        match port::port_fix(policy, need) {
            Some(f) => fixes.push(f),
            None => others.extend(need.denials.iter().copied()),
        }
    }
    let mut explained: Vec<other::Explained<'_, '_>> = Vec::new();
    let mut fixes_terminal = Vec::new();
    for (need, decision) in needs.objects.iter().zip(&decisions) {
        if matches!(decision, Decision::Refused(_) | Decision::NoFix(_) | Decision::NoDefault) {
            // Refused on purpose and normally not even logged: say so rather than explain
            // why no rule may be written.
            if let Some(f) = verdicts::dontaudit_fix(policy, &need.denials) {
                fixes_terminal.push(f);
                continue;
            }
        }
        let (reason, module, boolean) = match decision {
            Decision::AlreadyAllowed => (
                format!(
                    "The loaded policy already allows this for {}: the log was written under another \
                     policy version or another boolean state, so there is nothing to relabel or allow. \
                     Check that the policy in force on the logging host is the one analysed here.",
                    need.current
                ),
                false,
                false,
            ),
            Decision::NoDefault => (
                "The policy gives this path no label on purpose (<<none>>: e.g. /tmp, /run); the \
                 program creating it decides the label, so a file-context rule would not hold."
                    .to_owned(),
                true,
                true,
            ),
            Decision::NoFix(why) => (format!("No label fix found: {why}."), true, true),
            Decision::InheritedDescriptor => (other::INHERITED_REASON.to_owned(), false, false),
            Decision::Refused(why) => (why.clone(), false, true),
            Decision::PolicyReason => {
                match verdicts::explain(policy, &need.denials) {
                    Some(f) => fixes_terminal.push(f),
                    None => explained.push(other::Explained {
                        need,
                        reason: "Type enforcement allows this, but the policy refuses it."
                            .to_owned(),
                        module: false,
                        boolean: false,
                    }),
                }
                continue;
            }
            Decision::Foreign(unknown) => {
                fixes_terminal.push(foreign::object_fix(need, unknown));
                continue;
            }
            Decision::Container => {
                fixes_terminal.push(container::object_fix(policy, need));
                continue;
            }
            Decision::SessionTerminal => {
                fixes_terminal.push(other::terminal_fix(&need.denials));
                continue;
            }
            Decision::Restore { .. } | Decision::Persist { .. } => continue,
        };
        explained.push(other::Explained { need, reason, module, boolean });
    }
    // Where no label can be right, a boolean scoped to exactly this access comes before any
    // explanation.
    let mut unexplained = Vec::new();
    for e in explained {
        let found = if e.boolean {
            boolean::boolean_fix(
                policy,
                &e.need.denials,
                &e.need.domain,
                &e.need.current,
                &e.need.class,
                &e.need.perms,
            )
        } else {
            None
        };
        match found {
            Some(f) => fixes.push(f),
            None => unexplained.push(e),
        }
    }
    fixes.extend(other::other_fixes(policy, &others, opts));
    fixes.extend(other::object_other_fixes(policy, &unexplained));
    fixes.extend(fixes_terminal);
    fixes.extend(verdicts::selinux_err_fixes(&opts.selinux_errors));
    evidence::finish(&mut fixes, denials, policy);

    let mut warnings = Vec::new();
    let unresolved = denials
        .iter()
        .filter(|d| {
            d.is_denied()
                && d.path_source == PathSource::Unresolved
                && d.name.is_some()
                && !other::is_session_terminal(d)
        })
        .count();
    if unresolved > 0 {
        warnings.push(format!(
            "{unresolved} denial(s) name only a file's basename; their paths are unknown (see the 'other' fixes)"
        ));
    }
    if let Some(bin) = &policy.binary {
        let mut permissive: Vec<&str> = denials
            .iter()
            .filter_map(Denial::source_type)
            .filter(|t| bin.is_permissive(t))
            .collect();
        permissive.sort_unstable();
        permissive.dedup();
        for t in permissive {
            warnings.push(format!(
                "{t} is a permissive domain in the loaded policy: its denials are logged, not enforced"
            ));
        }
    }
    if policy.approximate {
        warnings
            .push("results are approximate: no policy of the logging host was loaded".to_owned());
    }
    Plan { fixes, warnings }
}

/// Confidence from the evidence: a kernel-reported path and a policy-verified label give
/// `High`; one of the two `Medium`; neither, or an approximate policy, `Low`.
pub fn confidence(policy: &PolicyModel, source: PathSource, verified: Option<bool>) -> Confidence {
    if policy.approximate {
        return Confidence::Low;
    }
    match (!source.is_heuristic(), verified == Some(true)) {
        (true, true) => Confidence::High,
        (false, false) => Confidence::Low,
        _ => Confidence::Medium,
    }
}

/// Why a label could not be checked against the policy's rules.
pub fn unverified_reason(policy: &PolicyModel, domain: &str, type_: &str) -> String {
    match &policy.binary {
        None => "not checked against the policy's rules: no binary policy loaded".to_owned(),
        Some(b) if !b.has_type(domain) => {
            format!(
                "not checked: the loaded policy has no type {domain}; is this log from another host?"
            )
        }
        Some(b) if !b.has_type(type_) => {
            format!("not checked: the loaded policy has no type {type_}")
        }
        Some(_) => "not checked against the policy's rules".to_owned(),
    }
}

/// `{ read open }` style rendering of a permission set.
pub fn describe_perms(perms: &BTreeSet<String>) -> String {
    format!("{{ {} }}", perms.iter().cloned().collect::<Vec<_>>().join(" "))
}
