//! Whole-log parsing: lines → records → events → [`Denial`]s, with diagnostics.
//!
//! [`parse_log`] reads an in-memory log (any bytes; UTF-8 is not required). Every physical line
//! ends up in exactly one [`ParseStats`] bucket: a record (`records`), a known non-record line
//! that is skipped on purpose (`skipped`: blank lines and ausearch's `----` / `time->…`
//! separators), or a line that could not be understood (`unparsed`, with a [`Diagnostic`]).
//! Records are grouped into events with a bounded reorder window ([`crate::event`]); each
//! AVC/USER_AVC decision becomes a [`Denial`] whose object path is resolved inside its event
//! ([`paths`]) and then across the log ([`crate::resolve::resolve_across`]). SELINUX_ERR and
//! policy/state records are collected on the side.
//!
//! The records borrow from the input (zero-copy lexing); only the denials own their data.

mod assemble;
pub mod lines;
mod merge;
pub mod paths;
mod policy_event;

use serde::Serialize;

use crate::denial::Denial;
use crate::error::{Diagnostic, DiagnosticKind, Location};
use crate::event::{EventGrouper, LinePos};
use crate::record::{RecordKind, parse_line};
use crate::selinux_err::SelinuxErr;

pub use merge::merge_identical;
pub use policy_event::{PolicyEvent, PolicyEventKind};

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
#[derive(Clone, Debug, Default, Serialize)]
pub struct ParsedLog {
    /// Denials in input order (not merged; ids are 0).
    pub denials: Vec<Denial>,
    /// One entry per line that could not be understood, and per problem inside a record line
    /// (malformed AVC body, cut-off record …), in line order.
    pub diagnostics: Vec<Diagnostic>,
    /// Counters.
    pub stats: ParseStats,
    /// SELINUX_ERR / USER_SELINUX_ERR records, in input order.
    pub selinux_errors: Vec<SelinuxErr>,
    /// Policy loads, enforcing changes, boolean and `semanage` changes, in input order.
    pub policy_events: Vec<PolicyEvent>,
}

/// The longest line accepted, in bytes (auditd truncates records near 8 KiB; journald and
/// pasted logs can be longer). Longer lines are reported (`line-too-long`) and skipped.
pub const MAX_LINE: usize = 64 * 1024;

/// Parses a whole audit log held in memory. `file` names the input in diagnostics.
pub fn parse_log(input: &[u8], file: &str) -> ParsedLog {
    parse_log_with(input, file, None)
}

/// Like [`parse_log`], but identical denials are merged as they are read (their `count`
/// summed; ids still 0): memory grows with the number of distinct denials, not with the log.
pub fn parse_log_merged(input: &[u8], file: &str) -> ParsedLog {
    parse_log_with(input, file, Some(merge::Merger::default()))
}

fn parse_log_with(input: &[u8], file: &str, mut merger: Option<merge::Merger>) -> ParsedLog {
    let mut log = ParsedLog::default();
    let mut grouper = EventGrouper::default();
    let diag = |line: u64, byte: u64, kind: DiagnosticKind, message: String| Diagnostic {
        file: file.to_owned(),
        line,
        byte,
        kind,
        message,
    };
    for line in lines::lines(input) {
        log.stats.lines += 1;
        if line.text.len() > MAX_LINE {
            let msg = format!("line is {} bytes, longer than {MAX_LINE}; skipped", line.text.len());
            log.diagnostics.push(diag(line.number, line.start, DiagnosticKind::LineTooLong, msg));
            log.stats.unparsed += 1;
            continue;
        }
        if is_known_skip(line.text) {
            log.stats.skipped += 1;
            continue;
        }
        let pos = LinePos { line: line.number, byte: line.start };
        // A line may hold several records; parse them one after another (no recursion).
        let mut offset = 0usize;
        let mut records_here = 0u32;
        while let Some(rest) = line.text.get(offset..) {
            // Offsets are clamped into the line, so a diagnostic never points past it.
            let last = line.text.len().saturating_sub(1);
            let at = |o: usize| line.start + u64::try_from((offset + o).min(last)).unwrap_or(0);
            match parse_line(rest) {
                Ok(record) => {
                    records_here += 1;
                    for w in &record.warnings {
                        log.diagnostics.push(diag(
                            line.number,
                            at(w.offset),
                            w.kind,
                            w.message.clone(),
                        ));
                    }
                    // Built only for the rare side records (saves an allocation per line).
                    let location =
                        || Location { file: file.to_owned(), line: line.number, byte: line.start };
                    side_records(&record, location, &mut log, at);
                    let next = record.next_record;
                    grouper.push(record, pos, |event| {
                        log.stats.events += 1;
                        assemble_into(&event, file, &mut log, merger.as_mut());
                    });
                    match next {
                        Some(n) if n > 0 => offset += n,
                        _ => break,
                    }
                }
                Err(e) => {
                    log.diagnostics.push(diag(line.number, at(e.offset), e.kind, e.message));
                    break;
                }
            }
        }
        if records_here > 0 {
            log.stats.records += 1;
        } else {
            log.stats.unparsed += 1;
        }
    }
    grouper.finish(|event| {
        log.stats.events += 1;
        assemble_into(&event, file, &mut log, merger.as_mut());
    });
    log.diagnostics.sort_by_key(|d| (d.line, d.byte));
    crate::resolve::resolve_across(&mut log.denials);
    log
}

/// Assembles an event's denials into `log`, merging them when a merger is given.
fn assemble_into(
    event: &crate::event::Event<'_>,
    file: &str,
    log: &mut ParsedLog,
    merger: Option<&mut merge::Merger>,
) {
    let before = log.denials.len();
    assemble::assemble(event, file, log);
    if let Some(m) = merger {
        let new: Vec<Denial> = log.denials.drain(before..).collect();
        for d in new {
            m.push(&mut log.denials, d);
        }
    }
}

/// SELINUX_ERR and policy/state records, collected as they are read.
fn side_records(
    record: &crate::record::Record<'_>,
    location: impl Fn() -> Location,
    log: &mut ParsedLog,
    at: impl Fn(usize) -> u64,
) {
    match record.kind {
        RecordKind::SelinuxErr | RecordKind::UserSelinuxErr => {
            let loc = location();
            let (line, file) = (loc.line, loc.file.clone());
            match SelinuxErr::from_record(record, loc) {
                Ok(err) => log.selinux_errors.push(err),
                Err(e) => log.diagnostics.push(Diagnostic {
                    file,
                    line,
                    byte: at(e.offset),
                    kind: e.kind,
                    message: e.message,
                }),
            }
        }
        kind if PolicyEventKind::of(kind).is_some() => {
            if let Some(ev) = PolicyEvent::from_record(record, location()) {
                log.policy_events.push(ev);
            }
        }
        _ => {}
    }
}

/// Blank lines and ausearch separators.
fn is_known_skip(text: &[u8]) -> bool {
    let t = text.trim_ascii();
    t.is_empty() || t == b"----" || t.starts_with(b"time->")
}
