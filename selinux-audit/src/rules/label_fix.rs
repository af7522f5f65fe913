//! `restorecon` fixes for the objects whose default label is right (a wrong local rule
//! deleted first, a no-op restorecon dropped), and the notes both label fixes share;
//! persistent rules are [`super::rule_fix`]'s.

use super::classify::is_system_dir;
use super::label::Decision;
use super::needs::{ObjectNeed, ids};
use super::scope::{Rule, under};
use super::typechoice::Candidate;
use super::{confidence, describe_perms};
use crate::bytes::ByteStr;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;
use crate::policy::fcontext::FileMode;

/// `restorecon` fixes for the needs decided [`Decision::Restore`] that no rule covers.
pub fn restore_fixes(
    policy: &PolicyModel,
    needs: &[ObjectNeed<'_>],
    decisions: &[Decision],
    rules: &[Rule],
    opts: &super::RuleOptions,
) -> Vec<Fix> {
    let mut fixes: Vec<(Vec<u8>, bool, Fix)> = Vec::new();
    for (i, need) in needs.iter().enumerate() {
        let Some(Decision::Restore { default_type, spec, verified, force, delete_local }) =
            decisions.get(i)
        else {
            continue;
        };
        if rules.iter().any(|r| r.scope.covers(&need.path) && rule_fits(policy, r, need)) {
            continue;
        }
        let on_disk = opts.disk_labels.get(&need.path).map(|c| {
            let t = c.split(':').nth(2).unwrap_or("").to_owned();
            (c.clone(), t)
        });
        if let Some((ctx, t)) = on_disk.as_ref().filter(|(_, t)| t == default_type) {
            // restorecon would change nothing: the object was relabeled since the log.
            let why = format!(
                "{} was denied {} on {} ({}), labeled {} at the time. The object carries its default label {} now (read from the file itself: {ctx}), so restorecon would change nothing: it was relabeled after this was logged. Nothing to do unless the denial comes back.",
                need.domain,
                describe_perms(&need.perms),
                String::from_utf8_lossy(&need.path),
                need.class,
                need.current,
                t
            );
            let fix = Fix::new(
                FixKind::Other,
                Vec::new(),
                Vec::new(),
                Confidence::High,
                why,
                ids(&need.denials),
            )
            .check("on-disk-is-default", true, format!("on disk: {ctx}"));
            fixes.push((need.path.clone(), false, fix));
            continue;
        }
        let recursive = need.mode == FileMode::Dir
            && !is_system_dir(&need.path)
            && !super::placement::is_protected(&need.path);
        if let Some((_, _, fix)) = fixes.iter_mut().find(|(p, rec, _)| *rec && under(&need.path, p))
        {
            fix.covers.extend(need.denials.iter().map(|d| d.id));
            fix.covers.sort_unstable();
            fix.covers.dedup();
            continue;
        }
        let mut flags = String::from("-");
        if *force {
            flags.push('F');
        }
        if recursive {
            flags.push('R');
        }
        flags.push('v');
        let cmd = argv([
            ByteStr::from("restorecon"),
            ByteStr::from(flags),
            ByteStr::new(need.path.clone()),
        ]);
        let mut cmds = Vec::new();
        if let Some(regex) = delete_local {
            cmds.push(argv(["semanage", "fcontext", "-d", regex.as_str()]));
        }
        cmds.push(cmd);
        let path = String::from_utf8_lossy(&need.path);
        let mut why = format!(
            "{} was denied {} on {} ({}), which is labeled {}. The policy's default label for \
             this path is {} (from file_contexts entry '{}'){}, so restoring the default fixes it.",
            need.domain,
            describe_perms(&need.perms),
            path,
            need.class,
            current_label(need),
            default_type,
            spec,
            match verified {
                Some(true) => format!(
                    ", and the loaded policy lets {} do this on {}",
                    need.domain, default_type
                ),
                _ => format!(" ({})", super::unverified_reason(policy, &need.domain, default_type)),
            }
        );
        why.push_str(&origin_note(need));
        if *force {
            why.push_str(&format!(
                " {} is a customizable type, so restorecon needs -F.",
                need.current
            ));
        }
        if recursive {
            why.push_str(" -R also resets what is inside the directory.");
        }
        why.push_str(&path_note(need));
        if let Some(regex) = delete_local {
            why.push_str(&format!(
                " The label it has now comes from a local rule ('{regex}' in file_contexts.local) that \
                 gives {} a type it may not use: the rule is deleted rather than another one added \
                 beside it.",
                need.domain
            ));
        }
        let fix = Fix::new(
            if delete_local.is_some() { FixKind::Fcontext } else { FixKind::Restorecon },
            cmds,
            Vec::new(),
            confidence(policy, need.source, *verified),
            why,
            ids(&need.denials),
        )
        .check(
            "path-from-kernel",
            !need.source.is_heuristic(),
            format!("the path comes from {}", need.source),
        )
        .check(
            "default-differs",
            true,
            format!("file_contexts gives {default_type}, the log shows {}", need.current),
        );
        let fix = match &on_disk {
            Some((ctx, _)) => fix.check("on-disk-differs", true, format!("on disk: {ctx}")),
            None => fix,
        };
        let fix = fix.check(
            "policy-allows",
            *verified == Some(true),
            match verified {
                Some(true) => format!("{} may do this on {default_type}", need.domain),
                _ => super::unverified_reason(policy, &need.domain, default_type),
            },
        );
        fixes.push((need.path.clone(), recursive, fix));
    }
    fixes.into_iter().map(|(_, _, f)| f).collect()
}

pub(super) fn heuristic(needs: &[&ObjectNeed<'_>]) -> bool {
    needs.iter().any(|n| n.source.is_heuristic())
}

/// True when something in the policy names the type for this use, beyond "it is allowed".
pub(super) fn has_evidence(c: &Candidate) -> bool {
    c.standard_location.is_some() || c.transition || c.affinity
}

pub(super) fn rule_fits(policy: &PolicyModel, rule: &Rule, need: &ObjectNeed<'_>) -> bool {
    let perms: Vec<&str> = need.perms.iter().map(String::as_str).collect();
    policy.allows(&need.domain, &rule.type_, &need.class, &perms) != Some(false)
}

pub(super) fn current_label(need: &ObjectNeed<'_>) -> String {
    let raw = need.denials.iter().find_map(|d| d.trawcon.as_ref());
    match raw {
        Some(raw) => format!("{} (on disk: {}, not valid in this policy)", need.current, raw),
        None => need.current.clone(),
    }
}

pub(super) fn origin_note(need: &ObjectNeed<'_>) -> String {
    let t = need.current.as_str();
    if need.denials.iter().any(|d| d.trawcon.is_some()) {
        " Its on-disk label comes from another policy (copied files keep their xattrs).".to_owned()
    } else if matches!(t, "user_home_t" | "admin_home_t" | "user_tmp_t") {
        " That label is a home/temporary-directory label: the file was most likely created there and moved (mv keeps labels).".to_owned()
    } else if t == "unlabeled_t" {
        " It has no valid label at all (files written while SELinux was off, or an invalid label)."
            .to_owned()
    } else {
        String::new()
    }
}

pub(super) fn path_note(need: &ObjectNeed<'_>) -> String {
    if need.source.is_heuristic() {
        format!(
            " The path was inferred ({}), not reported by the kernel: check it before running this.",
            need.source
        )
    } else {
        String::new()
    }
}
