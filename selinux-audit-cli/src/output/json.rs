//! `--format json`: the report as one JSON object (schema in the README).

use std::io::Write;

use anyhow::Result;
use selinux_audit::report::Report;

/// Writes the report as pretty-printed JSON followed by a newline.
pub fn write(out: &mut impl Write, report: &Report) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)?;
    Ok(())
}
