//! Local file-context rules that are already there: a wrong one is deleted or modified, never
//! duplicated.
//!
//! `semanage fcontext -a` for a path a local rule already covers adds a second rule, and which
//! one wins then depends on libselinux's ordering: the wrong rule stays and confuses the next
//! reader. So, for an object whose default label comes from `file_contexts.local`:
//!
//! * if the domain may not use that label but the distribution's own default (what the path
//!   gets once the local rule is gone) is right, the fix deletes the local rule
//!   (`semanage fcontext -d`) and restores ([`deletion`]);
//! * if a persistent rule of another type is needed, the local rule whose regex covers the
//!   object is modified in place (`semanage fcontext -m`) ([`covering_local_rule`]).

use super::needs::ObjectNeed;
use crate::policy::PolicyModel;
use crate::policy::fcontext::{FcFile, Lookup};

/// The wrong local rule to delete and the type the object then gets, when the domain may use
/// that type and it differs from the current label.
pub fn deletion(policy: &PolicyModel, need: &ObjectNeed<'_>) -> Option<(String, String)> {
    let fc = policy.file_contexts.as_ref()?;
    let Lookup::Context(ctx, spec) = fc.lookup(&need.path, need.mode) else { return None };
    if spec.file != FcFile::Local {
        return None;
    }
    let perms: Vec<&str> = need.perms.iter().map(String::as_str).collect();
    if policy.allows(&need.domain, &ctx.type_, &need.class, &perms) != Some(false) {
        return None;
    }
    let base = fc.lookup_without(&need.path, need.mode, FcFile::Local);
    let base_type = base.context()?.type_.clone();
    if base_type == need.current && base_type == ctx.type_ {
        return None;
    }
    (policy.allows(&need.domain, &base_type, &need.class, &perms) == Some(true))
        .then(|| (spec.regex.clone(), base_type))
}

/// The regex of the local rule that gives `path` its label, when there is one.
pub fn covering_local_rule(
    policy: &PolicyModel,
    path: &[u8],
    mode: crate::policy::fcontext::FileMode,
) -> Option<String> {
    let fc = policy.file_contexts.as_ref()?;
    let spec = fc.lookup(path, mode).spec()?;
    (spec.file == FcFile::Local).then(|| spec.regex.clone())
}
