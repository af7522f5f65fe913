//! Finding and reading the policy files of a policy root (`/etc/selinux/TYPE` layout).
//!
//! STUB: interface only; the implementation lands with the file_contexts work.

use std::path::{Path, PathBuf};

use crate::error::PolicyError;
use crate::policy::fcontext::FileContexts;

/// `/etc/selinux/config`'s `SELINUXTYPE=` → `/etc/selinux/TYPE`, when that directory exists.
pub fn detect_root(config: &Path) -> Option<PathBuf> {
    let _ = config;
    None
}

/// The highest-numbered `ROOT/policy/policy.N`.
pub fn highest_policy_file(root: &Path) -> Option<PathBuf> {
    let _ = root;
    None
}

/// Loads `ROOT/contexts/files/file_contexts` with `.homedirs`, `.local`, `.subs_dist`, `.subs`
/// (missing optional files are fine; a missing main file is an error).
pub fn load_file_contexts(root: &Path) -> Result<FileContexts, PolicyError> {
    Err(PolicyError::NotFound(format!("{}: no file_contexts", root.display())))
}

/// `ROOT/contexts/customizable_types` (empty when absent).
pub fn read_customizable_types(root: &Path) -> Vec<String> {
    let _ = root;
    Vec::new()
}
