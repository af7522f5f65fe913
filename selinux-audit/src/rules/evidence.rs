//! Evidence: every fix simulated against the loaded policy, and its confidence derived from
//! what was checked.
//!
//! The strategies record their checks on each fix as they build it (`path-from-kernel`,
//! `policy-allows`, `type-evidence`, …). [`finish`] then simulates the fix's own commands
//! ([`super::simulate`]) and decides again every denial it covers, which gives
//! [`Fix::verified`] and, for fixes that change something, the `simulated` check. The
//! confidence is the number of failed checks read as a level — none: high, one: medium, more:
//! low — and never higher than the level the strategy itself assigned (an alternative, an
//! explanation); an approximate policy, or a change the simulation shows to be insufficient,
//! gives low. [`Fix::confidence_why`] says which checks decided it.

use super::simulate::{Outcome, SimState};
use crate::denial::Denial;
use crate::fix::{Confidence, Fix, FixKind, Verification};
use crate::policy::PolicyModel;

/// How to get a verified answer when the loaded policy cannot decide.
pub const HOW_TO_VERIFY: &str = "for a verified answer, analyse the log with the logging host's \
     policy: --policy FILE with its /etc/selinux/TYPE/policy/policy.N, or --policy-root DIR with a \
     copy of its /etc/selinux/TYPE";

/// Simulates and rates every fix and every alternative.
pub fn finish(fixes: &mut [Fix], denials: &[Denial], policy: &PolicyModel) {
    for fix in fixes {
        finish_one(fix, denials, policy);
        for alt in &mut fix.alternatives {
            finish_one(alt, denials, policy);
        }
    }
}

/// True for fixes whose commands are meant to make the covered denials allowed.
fn changes_access(fix: &Fix) -> bool {
    matches!(
        fix.kind,
        FixKind::Restorecon
            | FixKind::Fcontext
            | FixKind::Port
            | FixKind::Boolean
            | FixKind::Module
    )
}

fn finish_one(fix: &mut Fix, denials: &[Denial], policy: &PolicyModel) {
    let state = SimState::of_fix(fix);
    fix.verified = verify(&state, &fix.covers, denials, policy);
    if changes_access(fix) || !state.is_empty() {
        let v = &fix.verified;
        let (passed, detail) = if v.remains.is_empty() && v.unverified.is_none() {
            (true, format!("after these commands the loaded policy allows {}", ids(&v.allows)))
        } else if let Some(why) = &v.unverified {
            (false, format!("could not be decided: {why}"))
        } else {
            (false, format!("{} would still be denied after these commands", ids(&v.remains)))
        };
        fix.add_check("simulated", passed, detail);
    }
    let (level, why) = derive(fix, policy);
    fix.confidence = level;
    fix.confidence_why = why;
}

/// Decides every covered denial under `state`.
pub fn verify(
    state: &SimState,
    covers: &[u32],
    denials: &[Denial],
    policy: &PolicyModel,
) -> Verification {
    let mut v = Verification::default();
    let mut unknown: Vec<String> = Vec::new();
    for d in denials.iter().filter(|d| covers.contains(&d.id) && d.is_denied()) {
        match state.outcome(policy, d) {
            Outcome::Allowed => v.allows.push(d.id),
            Outcome::Denied => v.remains.push(d.id),
            Outcome::Unknown(why) => {
                v.remains.push(d.id);
                if !unknown.contains(&why) {
                    unknown.push(why);
                }
            }
        }
    }
    if !unknown.is_empty() {
        v.unverified = Some(format!("{}; {HOW_TO_VERIFY}", unknown.join("; ")));
    }
    v
}

/// Applies every fix of a plan, in order, to one state and decides every denied denial: what
/// the whole plan leaves (used by the scenario replay and `explain`).
pub fn replay(fixes: &[Fix], denials: &[Denial], policy: &PolicyModel) -> Verification {
    let mut state = SimState::default();
    for f in fixes {
        state.apply_fix(f);
    }
    let all: Vec<u32> = denials.iter().filter(|d| d.is_denied()).map(|d| d.id).collect();
    verify(&state, &all, denials, policy)
}

/// The confidence the checks support, capped by the strategy's own level, and why.
fn derive(fix: &Fix, policy: &PolicyModel) -> (Confidence, String) {
    let failed: Vec<&str> =
        fix.checks.iter().filter(|c| !c.passed).map(|c| c.name.as_str()).collect();
    let total = fix.checks.len();
    let mut level = match failed.len() {
        0 => Confidence::High,
        1 => Confidence::Medium,
        _ => Confidence::Low,
    };
    let mut why = if total == 0 {
        "no checks apply".to_owned()
    } else if failed.is_empty() {
        format!("all {total} checks passed")
    } else {
        format!("{} of {total} checks passed; failed: {}", total - failed.len(), failed.join(", "))
    };
    if policy.approximate {
        level = Confidence::Low;
        why.push_str("; no policy of the logging host was loaded (approximate)");
    }
    if changes_access(fix) && failed.contains(&"simulated") {
        level = Confidence::Low;
        why.push_str("; the simulation does not show the fix working");
    }
    if fix.confidence > level {
        why.push_str(&format!(
            "; capped at {} ({})",
            fix.confidence,
            match fix.kind {
                FixKind::Other => "an explanation, not a change",
                FixKind::Module => "a module is a last resort",
                _ => "ranked below the best answer, or weaker evidence",
            }
        ));
        level = fix.confidence;
    }
    (level, format!("{level}: {why}"))
}

fn ids(v: &[u32]) -> String {
    if v.is_empty() {
        return "nothing".to_owned();
    }
    v.iter().map(|i| format!("D{i}")).collect::<Vec<_>>().join(" ")
}
