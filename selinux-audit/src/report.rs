//! [`Report`]: the whole result of a `suggest` run, as the JSON output shows it.
//!
//! The shape is stable: later versions add fields, never remove or rename them. The README
//! documents every field.

use serde::Serialize;

use crate::denial::Denial;
use crate::error::Diagnostic;
use crate::fix::Fix;
use crate::parse::ParseStats;
use crate::policy::{PolicyChoice, PolicyModel};

/// Which policy answered, for the output.
#[derive(Clone, Debug, Serialize)]
pub struct PolicySummary {
    /// How it was chosen (`explicit`, `running`, `installed`, `baseline`).
    pub choice: PolicyChoice,
    /// Policy root directory.
    pub root: Option<String>,
    /// Binary policy file.
    pub policy_file: Option<String>,
    /// Binary policy version.
    pub version: Option<u32>,
    /// True when answers are approximate (no file_contexts of the logging host).
    pub approximate: bool,
}

impl PolicySummary {
    /// Summarises a model.
    pub fn of(model: &PolicyModel) -> PolicySummary {
        PolicySummary {
            choice: model.origin.choice,
            root: model.origin.root.as_ref().map(|p| p.display().to_string()),
            policy_file: model.origin.policy_file.as_ref().map(|p| p.display().to_string()),
            version: model.origin.version,
            approximate: model.approximate,
        }
    }
}

/// One input and what became of it.
#[derive(Clone, Debug, Serialize)]
pub struct InputSummary {
    /// The input's name as given (`-` for standard input).
    pub file: String,
    /// False when it could not be read at all.
    pub readable: bool,
    /// Parse counters.
    pub stats: ParseStats,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Program name and version.
    pub tool: String,
    /// The policy used.
    pub policy: PolicySummary,
    /// The inputs read.
    pub inputs: Vec<InputSummary>,
    /// Denials, merged, in order of first appearance (ids 1, 2, …).
    pub denials: Vec<Denial>,
    /// The recommended plan, best first; every entry is needed.
    pub fixes: Vec<Fix>,
    /// Input problems, each with file, line and byte.
    pub diagnostics: Vec<Diagnostic>,
    /// Run-level notes.
    pub warnings: Vec<String>,
}
