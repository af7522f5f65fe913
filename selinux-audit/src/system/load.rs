//! Choosing and loading the policy in force.
//!
//! Precedence: an explicit `--policy-root DIR` and/or `--policy FILE` always win. Otherwise the
//! running kernel's policy (`/sys/fs/selinux/policy`) when SELinux is enabled, with file
//! contexts from the configured root; otherwise `/etc/selinux/config` → `SELINUXTYPE` → the
//! highest-numbered `policy/policy.N` of that root; otherwise the built-in baseline, marked
//! approximate. Each step that is skipped or fails adds a warning that says why.
//!
//! With the running policy, the kernel's current boolean values
//! (`/sys/fs/selinux/booleans/NAME`) replace the policy file's defaults; with any other policy
//! the file's defaults are the truth.

use std::path::{Path, PathBuf};

use crate::error::PolicyError;
use crate::policy::baseline::baseline_model;
use crate::policy::binary::BinaryPolicy;
use crate::policy::{PolicyChoice, PolicyModel, PolicyOrigin};

use super::booleans::{LiveBooleans, read_live_booleans};
use super::policy_files::{
    detect_root, highest_policy_file, load_file_contexts, read_customizable_types,
};

/// What the caller asked for, and where to look on this machine.
#[derive(Clone, Debug)]
pub struct PolicyRequest {
    /// `--policy-root DIR`.
    pub root: Option<PathBuf>,
    /// `--policy FILE`.
    pub policy_file: Option<PathBuf>,
    /// The SELinux config file (normally `/etc/selinux/config`).
    pub config: PathBuf,
    /// The running policy (normally `/sys/fs/selinux/policy`).
    pub running_policy: PathBuf,
    /// The running kernel's booleans, one file per boolean (normally
    /// `/sys/fs/selinux/booleans`); read only when the running policy is used.
    pub live_booleans: PathBuf,
    /// Read the file contexts (default); callers that only query the binary policy skip them.
    pub want_file_contexts: bool,
    /// Read the binary policy (default); callers that only look up paths skip it.
    pub want_binary: bool,
}

impl Default for PolicyRequest {
    fn default() -> Self {
        PolicyRequest {
            root: None,
            policy_file: None,
            config: PathBuf::from("/etc/selinux/config"),
            running_policy: PathBuf::from("/sys/fs/selinux/policy"),
            live_booleans: PathBuf::from("/sys/fs/selinux/booleans"),
            want_file_contexts: true,
            want_binary: true,
        }
    }
}

/// Loads the policy model. Explicit choices that cannot be read are errors; automatic
/// discovery never fails (it falls back to the baseline with warnings).
pub fn load_policy(req: &PolicyRequest) -> Result<(PolicyModel, Vec<String>), PolicyError> {
    let mut warnings = Vec::new();
    if req.root.is_some() || req.policy_file.is_some() {
        let root = match (&req.root, &req.policy_file) {
            (Some(root), _) => Some(root.clone()),
            (None, Some(file)) => root_of_policy_file(file).or_else(|| {
                let detected = detect_root(&req.config);
                if let Some(d) = &detected {
                    warnings.push(format!(
                        "--policy {} is not inside a policy root; file contexts come from {}",
                        file.display(),
                        d.display()
                    ));
                }
                detected
            }),
            (None, None) => None,
        };
        let policy_file = match (&req.policy_file, &root) {
            (Some(f), _) => Some(f.clone()),
            (None, Some(r)) => highest_policy_file(r),
            (None, None) => None,
        };
        return build(req, PolicyChoice::Explicit, root, policy_file, true, warnings);
    }

    let root = detect_root(&req.config);
    if req.running_policy.is_file() {
        let (mut model, mut warnings) = build(
            req,
            PolicyChoice::Running,
            root,
            Some(req.running_policy.clone()),
            false,
            warnings,
        )?;
        if let Some(binary) = model.binary.as_mut() {
            apply_live_booleans(binary, &req.live_booleans, &mut warnings);
        }
        return Ok((model, warnings));
    }
    if let Some(root) = root {
        let file = highest_policy_file(&root);
        match build(req, PolicyChoice::Installed, Some(root.clone()), file, false, Vec::new()) {
            Ok((model, w)) if model.file_contexts.is_some() || !req.want_file_contexts => {
                warnings.extend(w);
                return Ok((model, warnings));
            }
            Ok(_) => warnings.push(format!("{}: no usable file_contexts", root.display())),
            Err(e) => warnings.push(format!("installed policy unusable: {e}")),
        }
    } else {
        warnings.push(format!(
            "no SELinux policy found ({} names none); using the built-in baseline: results are \
             approximate — pass --policy-root with a copy of the logging host's /etc/selinux/TYPE \
             for exact answers",
            req.config.display()
        ));
    }
    Ok((baseline_model(), warnings))
}

/// Sets the running kernel's boolean values on the running policy. Problems are warnings: the
/// policy's defaults stay in force for whatever could not be read.
fn apply_live_booleans(binary: &mut BinaryPolicy, dir: &Path, warnings: &mut Vec<String>) {
    let LiveBooleans { values, problems } = match read_live_booleans(dir) {
        Ok(read) => read,
        Err(e) => {
            warnings.push(format!("live booleans unreadable, using the policy's defaults: {e}"));
            return;
        }
    };
    warnings.extend(problems.into_iter().map(|p| format!("live boolean skipped: {p}")));
    let mut known = Vec::with_capacity(values.len());
    for (name, value) in &values {
        if binary.boolean_default(name).is_some() {
            known.push((name.as_str(), *value));
        } else {
            warnings.push(format!("live boolean {name} is not in the running policy; ignored"));
        }
    }
    if binary.set_booleans(&known).is_err() {
        warnings.push("live booleans could not be applied; using the policy's defaults".into());
        return;
    }
    let changed: Vec<String> = binary
        .changed_booleans()
        .into_iter()
        .map(|(name, on)| format!("{name}={}", if on { "on" } else { "off" }))
        .collect();
    if !changed.is_empty() {
        warnings.push(format!(
            "{} boolean(s) differ from the policy file's defaults (live values from {} used): {}",
            changed.len(),
            dir.display(),
            changed.join(", ")
        ));
    }
}

/// `ROOT/policy/policy.N` → `ROOT`, when `ROOT/contexts/files` exists.
fn root_of_policy_file(file: &Path) -> Option<PathBuf> {
    let root = file.parent()?.parent()?;
    root.join("contexts/files/file_contexts").is_file().then(|| root.to_path_buf())
}

fn build(
    req: &PolicyRequest,
    choice: PolicyChoice,
    root: Option<PathBuf>,
    policy_file: Option<PathBuf>,
    strict: bool,
    mut warnings: Vec<String>,
) -> Result<(PolicyModel, Vec<String>), PolicyError> {
    let file_contexts = match &root {
        _ if !req.want_file_contexts => None,
        Some(r) => match load_file_contexts(r) {
            Ok(fc) => Some(fc),
            Err(e) if strict => return Err(e),
            Err(e) => {
                warnings.push(format!("file contexts unusable: {e}"));
                None
            }
        },
        None => {
            warnings.push("no file_contexts: default labels of paths are unknown".to_owned());
            None
        }
    };
    let binary = match &policy_file {
        _ if !req.want_binary => None,
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => match BinaryPolicy::parse(&bytes) {
                Ok(p) => Some(p),
                Err(e) => {
                    let e = relabel(e, path);
                    if strict {
                        return Err(e);
                    }
                    warnings.push(format!("binary policy unusable: {e}"));
                    None
                }
            },
            Err(source) if strict => return Err(PolicyError::Io { path: path.clone(), source }),
            Err(source) => {
                warnings.push(format!("{}: {source}", path.display()));
                None
            }
        },
        None => {
            warnings.push(
                "no binary policy: fixes are not verified against the policy's rules".to_owned(),
            );
            None
        }
    };
    let customizable_types = root.as_deref().map(read_customizable_types).unwrap_or_default();
    let version = binary.as_ref().map(BinaryPolicy::version);
    let approximate = file_contexts.is_none() && req.want_file_contexts;
    Ok((
        PolicyModel {
            file_contexts,
            binary,
            customizable_types,
            origin: PolicyOrigin { choice, root, policy_file, version },
            approximate,
        },
        warnings,
    ))
}

fn relabel(e: PolicyError, path: &Path) -> PolicyError {
    match e {
        PolicyError::Binary { section, offset, message, .. } => {
            PolicyError::Binary { path: path.to_path_buf(), section, offset, message }
        }
        other => other,
    }
}
