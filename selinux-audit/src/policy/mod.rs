//! The policy model: file_contexts, the binary policy, and a built-in baseline.
//!
//! [`PolicyModel`] bundles what the rules need to know about the policy in force: the default
//! label of a path ([`fcontext`]), whether a domain may do something to a type and which types
//! and port types exist ([`binary`]), and `customizable_types`. Every part is optional: a log
//! analysed on a machine without SELinux falls back to the [`baseline`], and the output says
//! the results are approximate. Building a model from files is [`crate::system::load_policy`]'s
//! job; this module only holds values.

pub mod baseline;
pub mod binary;
pub mod fcontext;

use std::path::PathBuf;

use serde::Serialize;

use self::binary::BinaryPolicy;
use self::fcontext::{FileContexts, FileMode, Lookup};

/// How the policy was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyChoice {
    /// `--policy-root` / `--policy` given on the command line.
    Explicit,
    /// The running kernel's policy (`/sys/fs/selinux/policy`).
    Running,
    /// `/etc/selinux/config` → `/etc/selinux/TYPE`.
    Installed,
    /// Nothing found: the built-in approximate baseline.
    Baseline,
}

/// Where the policy came from, for the output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyOrigin {
    /// How it was chosen.
    pub choice: PolicyChoice,
    /// The policy root directory (`/etc/selinux/TYPE` layout), if any.
    pub root: Option<PathBuf>,
    /// The binary policy file, if one was read.
    pub policy_file: Option<PathBuf>,
    /// Binary policy version, if one was read.
    pub version: Option<u32>,
}

/// What the rules know about the policy in force.
#[derive(Debug)]
pub struct PolicyModel {
    /// Default labels; `None` when no file_contexts could be read.
    pub file_contexts: Option<FileContexts>,
    /// The binary policy; `None` when none could be read.
    pub binary: Option<BinaryPolicy>,
    /// Types restorecon leaves alone without `-F`.
    pub customizable_types: Vec<String>,
    /// Where it came from.
    pub origin: PolicyOrigin,
    /// True when answers come from the built-in baseline and are approximate.
    pub approximate: bool,
}

/// The answer to "what label should this path have?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultLabel {
    /// The policy gives this type (spec regex, file and line for explanations).
    Type {
        /// The type.
        type_: String,
        /// The winning spec's regex.
        spec: String,
    },
    /// `<<none>>`: restorecon leaves the path alone.
    NoLabel,
    /// No spec matches (or no file_contexts loaded).
    Unknown,
}

impl PolicyModel {
    /// A model with nothing in it.
    pub fn empty(origin: PolicyOrigin) -> PolicyModel {
        PolicyModel {
            file_contexts: None,
            binary: None,
            customizable_types: Vec::new(),
            origin,
            approximate: true,
        }
    }

    /// The default label of `path` for an object of `mode`.
    pub fn default_label(&self, path: &[u8], mode: FileMode) -> DefaultLabel {
        let Some(fc) = &self.file_contexts else {
            return DefaultLabel::Unknown;
        };
        match fc.lookup(path, mode) {
            Lookup::Context(ctx, spec) => {
                DefaultLabel::Type { type_: ctx.type_.clone(), spec: spec.regex.clone() }
            }
            Lookup::NoLabel(_) => DefaultLabel::NoLabel,
            Lookup::NoMatch => DefaultLabel::Unknown,
        }
    }

    /// Whether `src` may do all of `perms` on `tgt`:`class`; `None` when the policy cannot
    /// tell (no binary policy, or a name it does not know).
    pub fn allows(&self, src: &str, tgt: &str, class: &str, perms: &[&str]) -> Option<bool> {
        self.binary.as_ref()?.allows(src, tgt, class, perms).ok()
    }

    /// Whether the type exists; `None` without a binary policy.
    pub fn has_type(&self, name: &str) -> Option<bool> {
        self.binary.as_ref().map(|b| b.has_type(name))
    }

    /// True when `type_` is listed in `customizable_types`.
    pub fn is_customizable(&self, type_: &str) -> bool {
        self.customizable_types.iter().any(|t| t == type_)
    }
}
