//! `--format script`: the plan as a commented POSIX sh script.
//!
//! `set -eu` first, so the script stops at the first command that fails. Each fix that
//! changes something is one block, in plan order: its reason as comments, then its shell text
//! exactly as `suggest` prints it (heredocs for files, every argument quoted by
//! `selinux_audit::shell`). Explanations have no block of their own: they are listed as
//! comments at the end, with their commands commented out, since they need a person's
//! judgement. Alternatives are never included.

use std::io::Write;

use anyhow::Result;
use selinux_audit::fix::FixKind;
use selinux_audit::report::Report;

use super::text::wrap;
use super::{covers, runnable};

/// Writes the script.
pub fn write(out: &mut impl Write, r: &Report) -> Result<()> {
    writeln!(out, "#!/bin/sh")?;
    writeln!(
        out,
        "# {}: the fixes for {} denial(s). Review before running as root.",
        r.tool,
        r.denials.len()
    )?;
    if let Some(file) = &r.policy.policy_file {
        writeln!(
            out,
            "# Checked against the policy {file}{}.",
            if r.policy.approximate { " (approximate)" } else { "" }
        )?;
    }
    writeln!(out, "set -eu")?;
    for (i, f) in runnable(&r.fixes) {
        writeln!(out)?;
        writeln!(out, "# {}. {} [{}] covers {}", i + 1, f.kind, f.confidence, covers(f))?;
        comment(out, &f.why)?;
        write!(out, "{}", f.shell)?;
    }
    let others: Vec<_> =
        r.fixes.iter().enumerate().filter(|(_, f)| f.kind == FixKind::Other).collect();
    if !others.is_empty() {
        writeln!(out)?;
        writeln!(out, "# Not run by this script (explanations; decide for yourself):")?;
        for (i, f) in others {
            writeln!(out, "#")?;
            writeln!(out, "# {}. covers {}", i + 1, covers(f))?;
            comment(out, &f.why)?;
            for line in f.shell.lines() {
                writeln!(out, "#   {line}")?;
            }
        }
    }
    Ok(())
}

fn comment(out: &mut impl Write, text: &str) -> Result<()> {
    for l in wrap(text, 94) {
        writeln!(out, "# {l}")?;
    }
    Ok(())
}
