//! Denials that no label, port or boolean can fix, found with [`BinaryPolicy::decide`]: the
//! policy already allows the access, a constraint refuses it (user, role, MLS level), a role
//! transition lacks its role rule, a bounded (NoNewPrivileges, nosuid) transition, a denial
//! that `dontaudit` normally hides, and the kernel's own SELINUX_ERR reports.
//!
//! Each becomes an explanation (`other`) that says what the policy decided and what to do;
//! a command appears only where a command is the remedy (`restorecon -F` when the object's
//! default context satisfies the constraint, `semodule -B` to hide dontaudited noise again).
//! None of them ever carries a module: an allow rule cannot override a constraint, a role
//! rule or a bound, and a dontaudited access is refused on purpose.
//!
//! [`BinaryPolicy::decide`]: crate::policy::binary::BinaryPolicy::decide

use std::collections::BTreeSet;

use super::describe_perms;
use super::needs::{ids, mode_of};
use super::simulate::{Outcome, SimState};
use crate::bytes::ByteStr;
use crate::denial::Denial;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;
use crate::policy::binary::{Reason, Verdict};
use crate::selinux_err::{SelinuxErr, SelinuxErrKind};

/// The union of the permissions of `ds`, sorted.
fn perms_of(ds: &[&Denial]) -> BTreeSet<String> {
    ds.iter().flat_map(|d| d.perms.iter().cloned()).collect()
}

/// `decide` on the first denial's full contexts with every permission of the group.
pub fn verdict(policy: &PolicyModel, ds: &[&Denial]) -> Option<Verdict> {
    let bin = policy.binary.as_ref()?;
    let d = ds.iter().find(|d| d.source.is_some() && d.target.is_some())?;
    let perms = perms_of(ds);
    let refs: Vec<&str> = perms.iter().map(String::as_str).collect();
    bin.decide(d.source.as_ref()?, d.target.as_ref()?, &d.class, &refs).ok()
}

/// True when type enforcement grants every requested permission (no missing rule, no
/// boolean needed).
pub fn te_grants(v: &Verdict) -> bool {
    !v.reasons.iter().any(|r| matches!(r, Reason::MissingAllow { .. } | Reason::Booleans { .. }))
}

/// The explanation for a group of denials (one source, target and class) that type
/// enforcement is not what refuses: already allowed, a constraint, a role rule, a bound, or a
/// NoNewPrivileges/nosuid transition. `None` when a label, port or boolean may still help.
pub fn explain(policy: &PolicyModel, ds: &[&Denial]) -> Option<Fix> {
    if let Some(f) = nnp_fix(ds) {
        return Some(f);
    }
    let v = verdict(policy, ds)?;
    let (src, tgt, class) = names(ds);
    let perms = describe_perms(&perms_of(ds));
    let head = format!("{src} was denied {perms} on {tgt}:{class}.");
    if v.allowed {
        let why = format!(
            "{head} The loaded policy allows this, constraints included: the log was written under another \
             policy version, or a boolean has changed since{}. Nothing needs relabeling or allowing; if it is \
             still denied, check that the policy in force on that host is the one analysed here.",
            if ds.iter().all(|d| d.permissive == Some(true)) {
                " (it was logged in permissive mode, so the access went through)"
            } else {
                ""
            }
        );
        return Some(
            Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::High, why, ids(ds)).check(
                "policy-decides",
                true,
                "decide: allowed by the loaded policy",
            ),
        );
    }
    if !te_grants(&v) {
        return None;
    }
    v.reasons.iter().find_map(|r| match r {
        Reason::Constraint { active: true, .. } => Some(constraint_fix(policy, ds, r, &head)),
        Reason::Rbac { from_role, to_role, active: true, .. } => Some(
            Fix::new(
                FixKind::Other,
                Vec::new(),
                Vec::new(),
                Confidence::High,
                format!(
                    "{head} Type enforcement allows it, but the process would change role from {from_role} \
                     to {to_role} and the policy has no role rule allowing that. Roles are given to users \
                     (semanage user -R, sudo's ROLE=, newrole), never by an allow rule or a module: check \
                     whether this user is meant to enter {to_role}."
                ),
                ids(ds),
            )
            .check("policy-decides", true, r.text()),
        ),
        Reason::Bounds { domain, bound, .. } => Some(
            Fix::new(
                FixKind::Other,
                Vec::new(),
                Vec::new(),
                Confidence::High,
                format!(
                    "{head} Type enforcement allows it, but {domain} is bounded by {bound} (typebounds) and \
                     {bound} may not do this, so the kernel masks it. Bounded domains come from \
                     NoNewPrivileges (systemd's NoNewPrivileges=yes, no_new_privs) and nosuid mounts: run \
                     the service without them, or the transition into {domain} cannot grant more than \
                     {bound} has. No allow rule for {domain} changes this."
                ),
                ids(ds),
            )
            .check("policy-decides", true, r.text()),
        ),
        _ => None,
    })
}

fn names(ds: &[&Denial]) -> (String, String, String) {
    let d = ds.first().copied();
    (
        d.and_then(|d| d.source_type()).unwrap_or("?").to_owned(),
        d.and_then(|d| d.target_type()).unwrap_or("?").to_owned(),
        d.map(|d| d.class.clone()).unwrap_or_default(),
    )
}

/// A constraint refuses what type enforcement grants: show it; offer `restorecon -F` when
/// the object's default context (user, role and level included) would satisfy it.
fn constraint_fix(policy: &PolicyModel, ds: &[&Denial], r: &Reason, head: &str) -> Fix {
    let Reason::Constraint { statement, explanation, mls, .. } = r else {
        return Fix::new(
            FixKind::Other,
            Vec::new(),
            Vec::new(),
            Confidence::Medium,
            head.to_owned(),
            ids(ds),
        );
    };
    let mut why = format!(
        "{head} Type enforcement allows it, but {} constraint refuses it: {}. The constraint, with the \
         failing clauses marked: {statement} No allow rule or module can override a constraint.",
        if *mls { "an MLS" } else { "a" },
        explanation.join("; ")
    );
    let path = ds.iter().find_map(|d| d.path.as_ref().filter(|_| mode_of(d).is_some()));
    let mut fix =
        Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::High, String::new(), ids(ds))
            .check("policy-decides", true, r.text());
    let restore =
        path.map(|p| argv([ByteStr::from("restorecon"), "-F".into(), "-v".into(), p.clone()]));
    let works = restore.as_ref().is_some_and(|cmd| {
        let mut state = SimState::default();
        state.apply(cmd);
        ds.iter().all(|d| state.outcome(policy, d) == Outcome::Allowed)
    });
    match (restore, works) {
        (Some(cmd), true) => {
            why.push_str(
                " The object's default context from file_contexts (user, role and level too, which plain \
                 restorecon keeps) satisfies it: restorecon -F resets the whole context.",
            );
            fix.set_commands(vec![cmd]);
        }
        _ => why.push_str(if *mls {
            " The process's level must dominate the object's (or the reverse for writes): give the object \
             the level its users run at (chcon -l LEVEL), or run the program at a level that covers it."
        } else {
            " The object's user or role must match the process's: relabel it with the right user \
             (chcon -u USER), or have it created by the process that uses it."
        }),
    }
    fix.why = why;
    fix
}

/// `process2 { nnp_transition nosuid_transition }`: a domain transition under NoNewPrivileges
/// or from a nosuid mount.
fn nnp_fix(ds: &[&Denial]) -> Option<Fix> {
    let d = ds.first()?;
    if d.class != "process2"
        || !d.perms.iter().all(|p| p == "nnp_transition" || p == "nosuid_transition")
    {
        return None;
    }
    let (src, tgt, _) = names(ds);
    let nosuid = d.perms.iter().any(|p| p == "nosuid_transition");
    let why = format!(
        "{src} tried to start a program that runs as {tgt}, but the process has {}: the kernel only \
         allows such a transition into a domain bounded by {src}. Either run the service without it \
         ({}), or keep {src}: nothing is mislabeled and no module should allow it.",
        if nosuid { "its program on a nosuid mount" } else { "NoNewPrivileges set" },
        if nosuid {
            "remount without nosuid, or move the program"
        } else {
            "systemd: NoNewPrivileges=no and no options that imply it, e.g. some Protect*= settings"
        }
    );
    Some(Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::High, why, ids(ds)))
}

/// A denial the policy's `dontaudit` rules normally hide (seen only while they are disabled
/// with `semodule -DB`), when no label or boolean applies.
pub fn dontaudit_fix(policy: &PolicyModel, ds: &[&Denial]) -> Option<Fix> {
    let v = verdict(policy, ds)?;
    let hidden: BTreeSet<&str> = v
        .reasons
        .iter()
        .filter_map(|r| match r {
            Reason::Dontaudit { perms } => Some(perms.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    let perms = perms_of(ds);
    if hidden.is_empty() || !perms.iter().all(|p| hidden.contains(p.as_str())) {
        return None;
    }
    let (src, tgt, class) = names(ds);
    let why = format!(
        "{src} was denied {} on {tgt}:{class}, which the policy refuses on purpose and normally does not \
         log (dontaudit): programs probe such accesses and work without them. It is only visible because \
         dontaudit rules are disabled (semodule -DB). Unless the program visibly fails because of it, \
         nothing needs fixing; hide such noise again with semodule -B.",
        describe_perms(&perms)
    );
    Some(
        Fix::new(
            FixKind::Other,
            vec![argv(["semodule", "-B"])],
            Vec::new(),
            Confidence::High,
            why,
            ids(ds),
        )
        .check("policy-decides", true, "decide: hidden by dontaudit"),
    )
}

/// Explanations for SELINUX_ERR records (they name no denial id).
pub fn selinux_err_fixes(errors: &[SelinuxErr]) -> Vec<Fix> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in errors {
        let why = match e.kind {
            SelinuxErrKind::ComputeSid => format!(
                "The kernel computed the context {} for {} acting on {} ({}) and it is invalid in this \
                 policy: the role is not authorised for the new type (a missing `role R types T`), or the \
                 user for the role. The transition fails; fix the role/user mapping (semanage user -R) or \
                 the policy module that defines the transition. It is not a label problem.",
                e.invalid_context.as_ref().map(ByteStr::to_string_lossy).unwrap_or_default(),
                e.scontext.as_deref().unwrap_or("?"),
                e.tcontext.as_deref().unwrap_or("?"),
                e.tclass.as_deref().unwrap_or("?"),
            ),
            SelinuxErrKind::BoundedTransition => format!(
                "A transition from {} to {} was refused because the new domain is not bounded by the old \
                 one: the process runs with NoNewPrivileges (systemd's NoNewPrivileges=yes) or from a nosuid \
                 mount. Run the service without them; no module should allow it.",
                e.oldcontext.as_deref().unwrap_or("?"),
                e.newcontext.as_deref().unwrap_or("?"),
            ),
            SelinuxErrKind::ValidateTransition => format!(
                "A relabel from {} to {} was refused by a validatetrans constraint: the policy forbids \
                 this change of label; relabel to a context the constraint accepts.",
                e.oldcontext.as_deref().unwrap_or("?"),
                e.newcontext.as_deref().unwrap_or("?"),
            ),
            _ => continue,
        };
        if seen.insert(why.clone()) {
            out.push(Fix::new(
                FixKind::Other,
                Vec::new(),
                Vec::new(),
                Confidence::Medium,
                why,
                Vec::new(),
            ));
        }
    }
    out
}
