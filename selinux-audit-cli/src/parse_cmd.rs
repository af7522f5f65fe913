//! `avc-fix parse`: one JSON line per denial record.
//!
//! STUB: filled in with the formats work.

use anyhow::{Result, bail};

/// `avc-fix parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Logs to read (`-` for standard input). Default: /var/log/audit/audit.log.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<std::path::PathBuf>,
}

/// Runs `parse`; returns the exit status.
pub fn run(args: &ParseArgs) -> Result<u8> {
    let _ = args;
    bail!("avc-fix parse is not implemented yet")
}
