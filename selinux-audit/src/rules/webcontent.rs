//! Web content: what a web server serves gets a content type, and the writable one only where
//! it writes.
//!
//! For the web server's domains (`httpd_t` and its script domains) and an object in a web tree
//! (its default or current type is web content, or it lies under `/var/www` or `/srv/www`):
//! read-only denials get `httpd_sys_content_t`, writes get `httpd_sys_rw_content_t`. Where the
//! policy grants writes to rw content only behind a boolean (Debian's `httpd_builtin_scripting`
//! is off), `decide`'s boolean search names it and the fix sets it in the same step; a boolean
//! the search does not find, or one that opens far more than the content types, rules the type
//! out and the generic choice ([`super::typechoice`]) answers instead.

use std::collections::BTreeSet;

use super::classify::{Role, read_only};
use super::needs::ObjectNeed;
use super::typechoice::{Candidate, location_of};
use crate::policy::binary::Reason;
use crate::policy::{DefaultLabel, PolicyModel};

/// Domains of the web server and the scripts it runs.
const WEB_DOMAINS: &[&str] = &["httpd_t", "httpd_sys_script_t", "nginx_t"];

/// Read-only and writable content types.
pub const READ_TYPE: &str = "httpd_sys_content_t";
/// See [`READ_TYPE`].
pub const WRITE_TYPE: &str = "httpd_sys_rw_content_t";

/// True when the object is web content for this domain: in a web tree, labeled or defaulting
/// to a web content type, or read as content (not configuration) by the web server.
fn is_web_object(need: &ObjectNeed<'_>, default: &DefaultLabel, role: Role) -> bool {
    if !WEB_DOMAINS.contains(&need.domain.as_str()) {
        return false;
    }
    let web_type = |t: &str| t.starts_with("httpd_") && t.ends_with("content_t");
    let in_web_tree =
        [b"/var/www/".as_slice(), b"/srv/www/", b"/srv/"].iter().any(|p| need.path.starts_with(p));
    web_type(&need.current)
        || matches!(default, DefaultLabel::Type { type_, .. } if web_type(type_))
        || in_web_tree
        || role == Role::Content
}

/// The content type for the object, with the boolean it needs, when this is web content.
pub fn candidate(
    policy: &PolicyModel,
    need: &ObjectNeed<'_>,
    default: &DefaultLabel,
    role: Role,
) -> Option<Candidate> {
    if !is_web_object(need, default, role) {
        return None;
    }
    let writes = !read_only(&need.perms);
    let type_ = if writes { WRITE_TYPE } else { READ_TYPE };
    if type_ == need.current || policy.has_type(type_) == Some(false) {
        return None;
    }
    let perms: Vec<&str> = need.perms.iter().map(String::as_str).collect();
    let (verified, boolean) = match policy.allows(&need.domain, type_, &need.class, &perms) {
        Some(true) => (Some(true), None),
        None => (None, None),
        Some(false) => {
            let b = boolean_for(policy, need, type_, &perms)?;
            (Some(true), Some(b))
        }
    };
    Some(Candidate {
        type_: type_.to_owned(),
        standard_location: location_of(policy, type_),
        role: Some(if writes { Role::Data } else { Role::Content }),
        verified,
        role_score: 2,
        transition: false,
        affinity: true,
        least_privilege: !writes,
        generic: false,
        uses: 0,
        boolean,
    })
}

/// The one boolean (named after the web server, turned on) that `decide` finds for the
/// domain on `type_`; `None` when there is none or it takes more than one change.
fn boolean_for(
    policy: &PolicyModel,
    need: &ObjectNeed<'_>,
    type_: &str,
    perms: &[&str],
) -> Option<String> {
    let bin = policy.binary.as_ref()?;
    let d = need.denials.iter().find(|d| d.source.is_some() && d.target.is_some())?;
    let mut target = d.target.clone()?;
    target.type_ = type_.to_owned();
    let v = bin.decide(d.source.as_ref()?, &target, &need.class, perms).ok()?;
    let options = v.reasons.iter().find_map(|r| match r {
        Reason::Booleans { options, .. } => Some(options),
        _ => None,
    })?;
    // httpd_unified would also do, but it merges every content type: far broader.
    let names: BTreeSet<&str> = ["httpd_builtin_scripting"].into_iter().collect();
    options
        .iter()
        .filter(|o| o.set.len() == 1)
        .flat_map(|o| o.set.iter())
        .find(|b| b.value && names.contains(b.name.as_str()))
        .map(|b| b.name.clone())
}
