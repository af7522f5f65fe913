//! Reading the audit logs named on the command line (or the default one, or standard input)
//! into merged-while-reading denials, shared by `suggest` and `why`.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use selinux_audit::Denial;
use selinux_audit::error::{Diagnostic, DiagnosticKind};
use selinux_audit::parse::{ParseStats, parse_log_merged};
use selinux_audit::report::InputSummary;

use crate::EXIT_UNREADABLE;

/// The audit log read when no input is named.
pub const DEFAULT_LOG: &str = "/var/log/audit/audit.log";

/// Everything read from the inputs.
pub struct Inputs {
    /// The inputs, in order (the default log when none was named).
    pub paths: Vec<PathBuf>,
    /// True when no input was named.
    pub default_input: bool,
    /// Denials of all inputs (merged per input while reading, not across inputs).
    pub denials: Vec<Denial>,
    /// Input problems; an unreadable input is one with line 0.
    pub diagnostics: Vec<Diagnostic>,
    /// One summary per input.
    pub summaries: Vec<InputSummary>,
    /// 0, or [`EXIT_UNREADABLE`] when an input could not be read at all.
    pub exit: u8,
}

/// Reads and parses every input; an unreadable one is reported and the others still read.
pub fn read_all(named: &[PathBuf]) -> Inputs {
    let default_input = named.is_empty();
    let paths = if default_input { vec![PathBuf::from(DEFAULT_LOG)] } else { named.to_vec() };
    let mut out = Inputs {
        paths: Vec::new(),
        default_input,
        denials: Vec::new(),
        diagnostics: Vec::new(),
        summaries: Vec::new(),
        exit: 0,
    };
    for input in &paths {
        let name = input.display().to_string();
        match read_input(input) {
            Ok(bytes) => {
                let parsed = parse_log_merged(&bytes, &name);
                out.denials.extend(parsed.denials);
                out.diagnostics.extend(parsed.diagnostics);
                out.summaries.push(InputSummary {
                    file: name,
                    readable: true,
                    stats: parsed.stats,
                });
            }
            Err(e) => {
                out.exit = EXIT_UNREADABLE;
                out.diagnostics.push(Diagnostic {
                    file: name.clone(),
                    line: 0,
                    byte: 0,
                    kind: DiagnosticKind::Io,
                    message: format!("cannot read: {e:#}"),
                });
                out.summaries.push(InputSummary {
                    file: name,
                    readable: false,
                    stats: ParseStats::default(),
                });
            }
        }
    }
    out.paths = paths;
    out
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).context("standard input")?;
    } else {
        bytes = std::fs::read(path)?;
    }
    Ok(bytes)
}
