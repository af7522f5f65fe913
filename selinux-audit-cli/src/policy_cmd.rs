//! `avc-fix policy …`: query the policy like matchpathcon, sesearch and seinfo.
//!
//! STUB: filled in with the policy model work.

use anyhow::{Result, bail};

use crate::args::{Format, PolicySource};

/// `avc-fix policy` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Counts, like seinfo.
    Info(InfoArgs),
}

/// `avc-fix policy info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Which policy.
    #[command(flatten)]
    pub source: PolicySource,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs a `policy` subcommand; returns the exit status.
pub fn run(cmd: &PolicyCommand) -> Result<u8> {
    let _ = cmd;
    bail!("avc-fix policy is not implemented yet")
}
