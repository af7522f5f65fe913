//! Label decisions for file-system objects: restore the default, or persist a better one.
//!
//! For each object the policy's default label is looked up (`file_contexts`, libselinux
//! semantics, the mode taken from the class). Then:
//!
//! * the default differs from the logged label and the loaded policy lets the domain do what
//!   it was denied on the default type → `restorecon` ([`Decision::Restore`]);
//! * the default is the logged label already, or the domain may not use it either → a
//!   persistent rule with a type chosen by [`super::typechoice`] ([`Decision::Persist`]);
//! * the policy already allows the access to the logged type → nothing to relabel: the log is
//!   from another policy or boolean state ([`Decision::AlreadyAllowed`]);
//! * `<<none>>` → the policy deliberately leaves the path unlabeled ([`Decision::NoDefault`]).

use super::classify::{Role, role_of};
use super::needs::ObjectNeed;
use super::typechoice::{Candidate, candidates};
use crate::policy::{DefaultLabel, PolicyModel};

/// Types that mean "this object's label came from somewhere else": a home directory, a
/// temporary directory, no label at all, or a label that is not valid in this policy.
pub const FOREIGN_TYPES: &[&str] = &[
    "user_home_t",
    "admin_home_t",
    "user_home_dir_t",
    "user_tmp_t",
    "tmp_t",
    "unlabeled_t",
    "default_t",
    "file_t",
    "var_t",
    "usr_t",
];

/// What to do about one object.
#[derive(Clone, Debug)]
pub enum Decision {
    /// Reset to the policy default.
    Restore {
        /// The default type.
        default_type: String,
        /// The regex of the spec that gives it.
        spec: String,
        /// Whether the domain may use the default type (`None`: no policy to ask).
        verified: Option<bool>,
        /// The current type is customizable: restorecon needs `-F`.
        force: bool,
        /// A wrong local rule to delete first (`semanage fcontext -d`), whose removal gives
        /// the object `default_type` ([`super::local_rules::deletion`]).
        delete_local: Option<String>,
    },
    /// A persistent rule with one of these types (best first).
    Persist {
        /// The object's role.
        role: Role,
        /// Ranked candidates (non-empty).
        candidates: Vec<Candidate>,
        /// The default label, for the explanation.
        default: DefaultLabel,
    },
    /// The loaded policy already allows the logged access.
    AlreadyAllowed,
    /// `<<none>>`: the policy leaves the path unlabeled on purpose.
    NoDefault,
    /// No label fix found; the string says why.
    NoFix(String),
    /// A rule would be wrong there (system directory, protected tree, an object the policy
    /// gives to someone else); the string says why ([`super::placement`]).
    Refused(String),
    /// A login session's terminal: labeled by pam_selinux, not a mislabel.
    SessionTerminal,
    /// A descriptor inherited across `execve` was revoked: nothing to relabel.
    InheritedDescriptor,
    /// The log names types the loaded policy does not define ([`super::foreign`]).
    Foreign(Vec<String>),
    /// A confined container on a host object no restorecon fixes ([`super::container`]).
    Container,
    /// Type enforcement allows the access on the logged label, yet the policy refuses it (a
    /// constraint, a role rule, a bound): explained by [`super::verdicts`].
    PolicyReason,
}

/// Decides what to do about one object.
pub fn decide(policy: &PolicyModel, need: &ObjectNeed<'_>) -> Decision {
    let perms: Vec<&str> = need.perms.iter().map(String::as_str).collect();
    if need.denials.iter().all(|d| super::other::is_inherited_descriptor(d)) {
        return Decision::InheritedDescriptor;
    }
    if need.denials.iter().all(|d| super::other::is_session_terminal(d)) {
        return Decision::SessionTerminal;
    }
    // A domain this policy does not define: nothing can be checked, this machine's defaults
    // do not apply there. (An unknown object type alone is still restored to a default the
    // domain is checked against.)
    let unknown = super::foreign::unknown_names(policy, need);
    if unknown.contains(&need.domain) {
        return Decision::Foreign(unknown);
    }
    let role = role_of(&need.path, &need.class, &need.perms, &need.denials);
    // What the policy decides on the full contexts (constraints and MLS included); an object
    // without a valid label is relabeled whatever the policy says about unlabeled_t.
    if need.current != "unlabeled_t" {
        match super::verdicts::verdict(policy, &need.denials) {
            Some(v) if v.allowed => return Decision::AlreadyAllowed,
            Some(v) if super::verdicts::te_grants(&v) => return Decision::PolicyReason,
            Some(_) => {}
            None => {
                if policy.allows(&need.domain, &need.current, &need.class, &perms) == Some(true) {
                    return Decision::AlreadyAllowed;
                }
            }
        }
    }
    if let Some((regex, base_type)) = super::local_rules::deletion(policy, need) {
        return Decision::Restore {
            spec: format!("distribution default, once the local rule '{regex}' is deleted"),
            default_type: base_type,
            verified: Some(true),
            force: policy.is_customizable(&need.current),
            delete_local: Some(regex),
        };
    }
    let default = policy.default_label(&need.path, need.mode);
    let persist = |default: DefaultLabel| {
        if super::container::is_container_domain(&need.domain) {
            return Decision::Container;
        }
        if let Some(reason) = super::placement::refusal(&need.path, &need.domain, role, &default) {
            return Decision::Refused(reason);
        }
        let mut cands = candidates(policy, &need.domain, &need.class, &need.perms, role, 3);
        if let Some(web) = super::webcontent::candidate(policy, need, &default, role) {
            cands.retain(|c| c.type_ != web.type_);
            cands.insert(0, web);
            cands.truncate(3);
        }
        if cands.is_empty() {
            Decision::NoFix(format!(
                "no file type that {} may use for {} was found in the policy",
                need.domain,
                role.describe()
            ))
        } else {
            Decision::Persist { role, candidates: cands, default }
        }
    };
    match default {
        DefaultLabel::NoLabel => Decision::NoDefault,
        DefaultLabel::Unknown => persist(DefaultLabel::Unknown),
        DefaultLabel::Type { type_, spec } => {
            if type_ == need.current {
                return persist(DefaultLabel::Type { type_, spec });
            }
            let verified = policy.allows(&need.domain, &type_, &need.class, &perms);
            match verified {
                Some(false) => persist(DefaultLabel::Type { type_, spec }),
                Some(true) => Decision::Restore {
                    delete_local: None,
                    force: policy.is_customizable(&need.current),
                    default_type: type_,
                    spec,
                    verified,
                },
                None => {
                    // No rules to check against: restore when the current label is clearly
                    // foreign and the default is not merely a generic one, else look for the
                    // domain's own type.
                    let generic = FOREIGN_TYPES.contains(&type_.as_str());
                    if generic {
                        let alt = persist(DefaultLabel::Type {
                            type_: type_.clone(),
                            spec: spec.clone(),
                        });
                        if let Decision::Persist { candidates: c, .. } = &alt {
                            if c.first().is_some_and(|c| c.affinity) {
                                return alt;
                            }
                        }
                    }
                    Decision::Restore {
                        delete_local: None,
                        force: policy.is_customizable(&need.current),
                        default_type: type_,
                        spec,
                        verified: None,
                    }
                }
            }
        }
    }
}
