//! `avc-fix explain`: the reasoning chain from each distinct denial to its fix.
//!
//! STUB: filled in with the rules engine work.

use anyhow::{Result, bail};

use crate::args::PolicySource;

/// `avc-fix explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Logs to read (`-` for standard input). Default: /var/log/audit/audit.log.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<std::path::PathBuf>,

    /// Which policy to reason with.
    #[command(flatten)]
    pub source: PolicySource,
}

/// Runs `explain`; returns the exit status.
pub fn run(args: &ExplainArgs) -> Result<u8> {
    let _ = args;
    bail!("avc-fix explain is not implemented yet")
}
