//! `semanage fcontext` + `restorecon` fixes for the persistent rules [`super::scope`] planned:
//! the rule's command (modifying or replacing a local rule that is already there), the
//! equivalence alternative, the reasons and the evidence each candidate type has.

use std::collections::BTreeSet;

use super::classify::Role;
use super::label::Decision;
use super::label_fix::{current_label, has_evidence, heuristic, origin_note, path_note, rule_fits};
use super::needs::{ObjectNeed, ids};
use super::scope::{Rule, Scope, under};
use super::typechoice::{Candidate, literal_prefix};
use super::{confidence, describe_perms};
use crate::bytes::ByteStr;
use crate::fcregex::{escape_path, escape_tree, usable_in_subs};
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::fcontext::{FcFile, FileMode, has_meta_chars};
use crate::policy::{DefaultLabel, PolicyModel};

/// `semanage fcontext` + `restorecon` fixes for the planned rules.
pub fn rule_fixes(
    policy: &PolicyModel,
    needs: &[ObjectNeed<'_>],
    decisions: &[Decision],
    rules: &[Rule],
) -> Vec<Fix> {
    let mut out = Vec::new();
    for rule in rules {
        let served: Vec<&ObjectNeed<'_>> =
            rule.needs.iter().filter_map(|&i| needs.get(i)).collect();
        let Some(first) = served.first() else { continue };
        let first_idx = rule.needs.first().copied().unwrap_or(0);
        let Some(Decision::Persist { role, candidates, default }) = decisions.get(first_idx) else {
            continue;
        };
        let Some(best) = candidates.first() else { continue };
        // Everything the rule covers: its own needs, plus restorable needs below it that the
        // new type serves as well.
        let mut covered: Vec<&ObjectNeed<'_>> = served.clone();
        for (j, other) in needs.iter().enumerate() {
            if rule.needs.contains(&j) || !rule.scope.covers(&other.path) {
                continue;
            }
            if matches!(decisions.get(j), Some(Decision::Restore { .. }))
                && rule_fits(policy, rule, other)
            {
                covered.push(other);
            }
        }
        let denials: Vec<_> = covered.iter().flat_map(|n| n.denials.iter().copied()).collect();
        let verified = all_verified(policy, &rule.type_, &covered, best.boolean.as_deref());
        let source = covered.iter().map(|n| n.source).max().unwrap_or(first.source);
        let conf = confidence(policy, source, verified);

        let mut primary = fcontext_fix(policy, rule, &rule.type_, conf, &denials);
        primary.why = rule_why(policy, rule, first, *role, best, default, &covered, verified);
        if let Some(b) = &best.boolean {
            let mut cmds = primary.commands.clone();
            cmds.push(argv(["setsebool", "-P", b.as_str(), "on"]));
            primary.set_commands(cmds);
            primary.why.push_str(&format!(
                " {} may use {} this way only with the boolean {b} on (off in the loaded policy), so the \
                 fix sets it too; it is the web server's own switch for writable content.",
                first.domain, best.type_
            ));
            primary.add_check(
                "boolean-needed",
                true,
                format!("{b} on lets {} use {}", first.domain, best.type_),
            );
        }
        primary = primary
            .check(
                "path-from-kernel",
                !heuristic(&covered),
                format!("the path comes from {}", first.source),
            )
            .check(
                "policy-allows",
                verified == Some(true),
                match verified {
                    Some(true) => {
                        format!("{} may do every denied access on {}", first.domain, rule.type_)
                    }
                    _ => super::unverified_reason(policy, &first.domain, &rule.type_),
                },
            )
            .check("type-evidence", has_evidence(best), evidence(best, &best.type_));
        let mut alternatives = Vec::new();
        if let Some(eq) = equivalence_fix(policy, rule, best, conf, &denials) {
            if tree_has_other_types(policy, best) {
                // The standard location holds several types (logs, caches …): following it
                // with an equivalence keeps them all right, so it is the better fix.
                let mut eq = eq;
                eq.why = format!(
                    "{} The equivalence makes {} follow every rule of {}, which labels different \
                     parts of it with different types.",
                    primary.why,
                    String::from_utf8_lossy(rule.scope.path()),
                    best.standard_location.as_deref().map(literal_prefix).unwrap_or_default()
                );
                alternatives.push(primary);
                primary = eq;
            } else {
                alternatives.push(eq);
            }
        }
        for alt in candidates.iter().skip(1).filter(|c| c.role_score > 0) {
            let mut f = fcontext_fix(policy, rule, &alt.type_, Confidence::Low, &denials);
            f.why = format!("Alternative type {}: {}.", alt.type_, evidence(alt, &rule.type_));
            alternatives.push(f);
        }
        primary.alternatives = alternatives;
        out.push(primary);
    }
    out
}

fn fcontext_fix(
    policy: &PolicyModel,
    rule: &Rule,
    type_: &str,
    conf: Confidence,
    denials: &[&crate::denial::Denial],
) -> Fix {
    let (regex, restore) = match &rule.scope {
        Scope::Exact(p) => (
            escape_path(p),
            argv([ByteStr::from("restorecon"), "-v".into(), ByteStr::new(p.clone())]),
        ),
        Scope::Tree(d) => (
            escape_tree(d),
            argv([ByteStr::from("restorecon"), "-Rv".into(), ByteStr::new(d.clone())]),
        ),
    };
    // A local rule already giving the path its (wrong) label is modified, not duplicated; an
    // exact-path local rule would beat a new tree rule, so it is deleted first.
    let mut commands = Vec::new();
    let covering =
        super::local_rules::covering_local_rule(policy, rule.scope.path(), FileMode::Any);
    let op = match covering {
        Some(r) if r == regex => "-m",
        Some(r) if !has_meta_chars(&r) => {
            commands.push(argv(["semanage", "fcontext", "-d", r.as_str()]));
            "-a"
        }
        _ if local_rule_exists(policy, &regex) => "-m",
        _ => "-a",
    };
    let semanage = argv(["semanage", "fcontext", op, "-t", type_, regex.as_str()]);
    commands.push(semanage);
    commands.push(restore);
    Fix::new(FixKind::Fcontext, commands, Vec::new(), conf, String::new(), ids(denials))
}

fn equivalence_fix(
    policy: &PolicyModel,
    rule: &Rule,
    best: &Candidate,
    conf: Confidence,
    denials: &[&crate::denial::Denial],
) -> Option<Fix> {
    let Scope::Tree(dir) = &rule.scope else { return None };
    let loc = best.standard_location.as_deref()?;
    let stem = loc.strip_suffix("(/.*)?")?;
    if has_meta_chars(stem) {
        return None;
    }
    let target = literal_prefix(stem);
    if !usable_in_subs(dir) || !usable_in_subs(target.as_bytes()) {
        return None;
    }
    let semanage = argv([
        ByteStr::from("semanage"),
        "fcontext".into(),
        "-a".into(),
        "-e".into(),
        ByteStr::from(target.as_str()),
        ByteStr::new(dir.clone()),
    ]);
    let restore = argv([ByteStr::from("restorecon"), "-Rv".into(), ByteStr::new(dir.clone())]);
    let mut fix = Fix::new(
        FixKind::Fcontext,
        vec![semanage, restore],
        Vec::new(),
        conf,
        String::new(),
        ids(denials),
    );
    fix.why = format!(
        "Equivalence: label {} exactly like {} (the domain's standard location for this, labeled {}).",
        String::from_utf8_lossy(dir),
        target,
        best.type_
    );
    let _ = policy;
    Some(fix)
}

fn tree_has_other_types(policy: &PolicyModel, best: &Candidate) -> bool {
    let (Some(fc), Some(loc)) = (&policy.file_contexts, &best.standard_location) else {
        return false;
    };
    let Some(stem) = loc.strip_suffix("(/.*)?") else { return false };
    let root = literal_prefix(stem);
    fc.specs().iter().any(|s| {
        let p = literal_prefix(&s.regex);
        under(p.as_bytes(), root.as_bytes())
            && s.context.as_ref().is_some_and(|c| c.type_ != best.type_)
    })
}

fn local_rule_exists(policy: &PolicyModel, regex: &str) -> bool {
    policy
        .file_contexts
        .as_ref()
        .is_some_and(|fc| fc.specs().iter().any(|s| s.file == FcFile::Local && s.regex == regex))
}

fn all_verified(
    policy: &PolicyModel,
    t: &str,
    needs: &[&ObjectNeed<'_>],
    boolean: Option<&str>,
) -> Option<bool> {
    let mut result = Some(true);
    let overrides: Vec<(&str, bool)> = boolean.map(|b| (b, true)).into_iter().collect();
    for n in needs {
        let perms: Vec<&str> = n.perms.iter().map(String::as_str).collect();
        let allowed = policy
            .binary
            .as_ref()
            .and_then(|b| b.allows_with_booleans(&n.domain, t, &n.class, &perms, &overrides).ok());
        match allowed {
            Some(true) => {}
            Some(false) => return Some(false),
            None => result = None,
        }
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn rule_why(
    policy: &PolicyModel,
    rule: &Rule,
    first: &ObjectNeed<'_>,
    role: Role,
    best: &Candidate,
    default: &DefaultLabel,
    covered: &[&ObjectNeed<'_>],
    verified: Option<bool>,
) -> String {
    let path = String::from_utf8_lossy(&first.path);
    let perms: BTreeSet<String> = covered.iter().flat_map(|n| n.perms.iter().cloned()).collect();
    let mut why = format!(
        "{} was denied {} on {} ({}, labeled {}): {}.",
        first.domain,
        describe_perms(&perms),
        if covered.len() > 1 {
            format!("{} and {} more", path, covered.len() - 1)
        } else {
            path.to_string()
        },
        first.class,
        current_label(first),
        role.describe()
    );
    why.push_str(&origin_note(first));
    match default {
        DefaultLabel::Type { type_, .. } if *type_ == first.current => why.push_str(&format!(
            " The policy's default label for this path is {type_} already, so restorecon would change nothing."
        )),
        DefaultLabel::Type { type_, .. } => why.push_str(&format!(
            " The policy's default label for this path is {type_}, which {} may not use this way either, so restorecon alone would not help.",
            first.domain
        )),
        _ => why.push_str(" The policy has no default label for this path."),
    }
    why.push_str(&format!(" {}: {}.", best.type_, evidence(best, &best.type_)));
    match &rule.scope {
        Scope::Tree(d) => why.push_str(&format!(
            " The rule covers {} and everything below it, so files the service creates there later get the same label.",
            String::from_utf8_lossy(d)
        )),
        Scope::Exact(_) => why.push_str(" The rule names exactly this path."),
    }
    if verified != Some(true) {
        why.push_str(&format!(
            " ({}.)",
            super::unverified_reason(policy, &first.domain, &rule.type_)
        ));
    }
    why.push_str(&path_note(first));
    why
}

pub(super) fn evidence(c: &Candidate, _chosen: &str) -> String {
    let mut parts = Vec::new();
    if let Some(loc) = &c.standard_location {
        parts.push(format!("file_contexts gives it to {loc}"));
    }
    if c.transition {
        parts.push("the domain's own type_transition rules create it".to_owned());
    }
    if c.affinity {
        parts.push("it belongs to the domain".to_owned());
    }
    if c.verified == Some(true) {
        parts.push("the loaded policy allows every denied permission on it".to_owned());
    }
    if c.least_privilege {
        parts.push("the domain can read but not write it (least privilege)".to_owned());
    }
    if c.generic {
        parts.push("generic type for this kind of object".to_owned());
    }
    if parts.is_empty() {
        parts.push("closest match found".to_owned());
    }
    parts.join("; ")
}
