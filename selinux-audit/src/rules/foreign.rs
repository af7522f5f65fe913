//! Logs from another machine: types the loaded policy does not define.
//!
//! A Fedora server's log analysed on a Debian laptop names domains and types this policy has
//! never heard of. Its denials are not dropped and not "fixed" with this policy's defaults
//! (restoring `/etc/myapp/myapp.conf` to this machine's `etc_t` would be wrong there): the
//! answer reasons from the contexts in the log and what their names say, and is marked
//! unverified with the reason and how to get a verified answer.
//!
//! * The object's type is named after the domain (`myapp_conf_t` for `myapp_t`): the label
//!   looks like the service's own, so the cause is on the policy side there (a missing rule or
//!   a boolean) — analyse with that host's policy.
//! * The object's type is a home, temporary or generic label (`user_home_t`, `tmp_t`,
//!   `default_t`, …): it was most likely moved or created there, and `restorecon` on that host
//!   is the likely fix, unverified.

use super::evidence::HOW_TO_VERIFY;

/// Labels a file gets where it was created, which `mv` carries along.
const MOVED_TYPES: &[&str] =
    &["user_home_t", "admin_home_t", "user_home_dir_t", "user_tmp_t", "tmp_t", "unlabeled_t"];
use super::label::FOREIGN_TYPES;
use super::needs::{ObjectNeed, ids};
use super::typechoice::belongs_to;
use crate::bytes::ByteStr;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;

/// The names of the need the loaded policy does not define (empty: nothing foreign, or no
/// binary policy to ask).
pub fn unknown_names(policy: &PolicyModel, need: &ObjectNeed<'_>) -> Vec<String> {
    let Some(bin) = &policy.binary else { return Vec::new() };
    [need.domain.as_str(), need.current.as_str()]
        .into_iter()
        .filter(|t| !bin.has_type(t))
        .map(str::to_owned)
        .collect()
}

/// The reasoned, unverified answer for an object need with foreign names.
pub fn object_fix(need: &ObjectNeed<'_>, unknown: &[String]) -> Fix {
    let path = String::from_utf8_lossy(&need.path).into_owned();
    let head = format!(
        "{} was denied {} on {path} ({}, labeled {}). The loaded policy does not define {}: this log comes \
         from a host with another policy, so nothing here can be checked against its rules and this \
         machine's default labels do not apply there.",
        need.domain,
        super::describe_perms(&need.perms),
        need.class,
        need.current,
        unknown.join(" or ")
    );
    let unverified = format!("Unverified: {HOW_TO_VERIFY}.");
    let temporary = [b"/tmp/".as_slice(), b"/var/tmp/", b"/run/", b"/dev/shm/"]
        .iter()
        .any(|p| need.path.starts_with(p));
    if MOVED_TYPES.contains(&need.current.as_str()) && !temporary {
        let why = format!(
            "{head} Judging by the names, {} is a home, temporary or generic label that a service's file \
             should not carry: it was most likely created elsewhere and moved. On that host, restorecon \
             probably gives it the service's label. {unverified}",
            need.current
        );
        let cmd = argv([ByteStr::from("restorecon"), "-v".into(), ByteStr::new(need.path.clone())]);
        return Fix::new(
            FixKind::Restorecon,
            vec![cmd],
            Vec::new(),
            Confidence::Low,
            why,
            ids(&need.denials),
        )
        .check(
            "types-known",
            false,
            format!("not in the loaded policy: {}", unknown.join(", ")),
        );
    }
    let why = if temporary {
        format!(
            "{head} It lies in a temporary or runtime directory, where the process that creates a file \
             decides its label (no file-context rule holds there). {unverified}"
        )
    } else if FOREIGN_TYPES.contains(&need.current.as_str()) {
        format!(
            "{head} Judging by the names, {} is a generic label, not the service's: the object probably \
             needs a persistent rule with {}'s own type for its role there (semanage fcontext, then \
             restorecon). {unverified}",
            need.current, need.domain
        )
    } else if belongs_to(&need.domain, &need.current) {
        format!(
            "{head} Judging by the names, {} is {}'s own type, so the label looks right: the cause is more \
             likely on the policy side there (a missing rule, or a boolean that is off). {unverified}",
            need.current, need.domain
        )
    } else {
        format!(
            "{head} The names do not say whether {} is the right label for {}. {unverified}",
            need.current, need.domain
        )
    };
    Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::Low, why, ids(&need.denials))
        .check("types-known", false, format!("not in the loaded policy: {}", unknown.join(", ")))
}
