//! `avc-fix why`: explain each denial against the policy, like audit2why.
//!
//! STUB: filled in with the policy model work.

use anyhow::{Result, bail};

use crate::args::{Format, PolicySource};

/// `avc-fix why`.
#[derive(Debug, clap::Args)]
pub struct WhyArgs {
    /// Audit logs to read (`-` for standard input). Default: /var/log/audit/audit.log.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<std::path::PathBuf>,

    /// Which policy to explain against.
    #[command(flatten)]
    pub source: PolicySource,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `why`; returns the exit status.
pub fn run(args: &WhyArgs) -> Result<u8> {
    let _ = args;
    bail!("avc-fix why is not implemented yet")
}
