//! Whole-log parsing: lines → records → events → [`Denial`]s, with diagnostics.
//!
//! STUB: interface only; the implementation lands with the parser work.

use serde::Serialize;

use crate::denial::Denial;
use crate::error::Diagnostic;

/// Counters for one parse, so that nothing is silently lost.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParseStats {
    /// Physical lines read.
    pub lines: u64,
    /// Lines recognised as audit records.
    pub records: u64,
    /// Events assembled (records grouped by node, time and serial).
    pub events: u64,
    /// AVC and USER_AVC denial/granted records turned into denials.
    pub avc_records: u64,
    /// Lines that could not be understood (each has a diagnostic).
    pub unparsed: u64,
    /// Blank lines and known non-record lines (`----`, `time->…`) skipped on purpose.
    pub skipped: u64,
}

/// The result of parsing one input.
#[derive(Clone, Debug, Default)]
pub struct ParsedLog {
    /// Denials in input order (not merged; ids are 0).
    pub denials: Vec<Denial>,
    /// One entry per line that could not be understood.
    pub diagnostics: Vec<Diagnostic>,
    /// Counters.
    pub stats: ParseStats,
}

/// Parses a whole audit log held in memory. `file` names the input in diagnostics.
pub fn parse_log(input: &[u8], file: &str) -> ParsedLog {
    let _ = (input, file);
    ParsedLog::default()
}

/// Merges identical denials (same verdict, permissive flag, perms, class, contexts, object and
/// subject executable), keeping the first occurrence and summing `count`, then numbers them
/// 1, 2, … in order of first appearance.
pub fn merge_identical(denials: Vec<Denial>) -> Vec<Denial> {
    denials
}

/// The longest line accepted, in bytes (auditd truncates records near 8 KiB; journald and
/// pasted logs can be longer). Longer lines are reported (`line-too-long`) and skipped.
pub const MAX_LINE: usize = 64 * 1024;
