//! Audit record lexer: one line → header + fields, zero-copy.
//!
//! [`parse_line`] accepts the raw auditd line in RAW and ENRICHED form:
//! `[node=NAME ]type=TYPENAME msg=audit(SEC.MSEC:SERIAL): BODY[<0x1D>ENRICHED]`, and the
//! kernel's printk form found in dmesg and syslog (`… audit: type=1400 audit(…): BODY`). The body is
//! lexed into ordered [`Field`]s; a nested `msg='…'` (user-space records) is lexed separately
//! into [`Record::inner`], and the ENRICHED tail into [`Record::enriched`], so raw, inner and
//! enriched keys never mix. Values borrow from the line; hex-encoded untrusted strings are
//! decoded on demand ([`Value::bytes`]).
//!
//! Problems that do not prevent reading the record (an unterminated quote at the end of a cut-off
//! line, odd-length hex) are returned in [`Record::warnings`]; a line that is not a record at all
//! gives a [`LineError`]. Nothing here panics or recurses over input.

mod fields;
mod header;
mod kind;
mod token;
mod value;

pub use fields::{Enrichment, Lexed, Mode, lex};
pub use header::{AuditTime, Header, parse_header};
pub use kind::{RecordKind, classify, kind_of_number};
pub use token::GS;
pub use value::{Field, Value, is_hex_key, is_hex_text, parse_i64, parse_octal_u32, parse_u64};

use crate::error::DiagnosticKind;

/// A problem in one line: where (byte offset within the line), what kind, and a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("byte {offset}: {message}")]
pub struct LineError {
    /// 0-based byte offset within the line.
    pub offset: usize,
    /// Machine-readable kind.
    pub kind: DiagnosticKind,
    /// Human-readable explanation.
    pub message: String,
}

impl LineError {
    /// Builds an error.
    pub fn new(offset: usize, kind: DiagnosticKind, message: impl Into<String>) -> Self {
        LineError { offset, kind, message: message.into() }
    }
}

/// The nested `msg='…'` of a user-space record, lexed on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inner<'a> {
    /// The text between the quotes.
    pub text: &'a [u8],
    /// Offset of the text in the line.
    pub offset: usize,
    /// Its fields, in order.
    pub fields: Vec<Field<'a>>,
}

/// One audit record, borrowing from its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// The record's text: the line without its terminator and trailing whitespace (and, for a
    /// line holding several records, only this record's part).
    pub line: &'a [u8],
    /// `node=` (or `host=`) prefix.
    pub node: Option<&'a [u8]>,
    /// The `type=` token as written.
    pub type_name: &'a [u8],
    /// What the parser makes of the type.
    pub kind: RecordKind,
    /// The numeric type, when known.
    pub type_num: Option<u32>,
    /// Event time.
    pub time: AuditTime<'a>,
    /// Event serial.
    pub serial: u64,
    /// The raw body (after the header, before any ENRICHED tail).
    pub body: &'a [u8],
    /// Offset of [`Record::body`] in the line.
    pub body_offset: usize,
    /// The body's `key=value` fields in order (words without `=` are skipped).
    pub fields: Vec<Field<'a>>,
    /// The nested `msg='…'`, when there is one.
    pub inner: Option<Inner<'a>>,
    /// The ENRICHED tail's fields (`ARCH=`, `UID=` …).
    pub enriched: Vec<Field<'a>>,
    /// How the ENRICHED tail was found.
    pub enrichment: Enrichment,
    /// Offset in the line where a further record starts (several records on one line).
    pub next_record: Option<usize>,
    /// Non-fatal problems.
    pub warnings: Vec<LineError>,
}

impl<'a> Record<'a> {
    /// The first body field named `key`.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        find_field(&self.fields, key)
    }

    /// The first field of the nested message named `key`.
    pub fn inner_get(&self, key: &str) -> Option<Value<'a>> {
        self.inner.as_ref().and_then(|i| find_field(&i.fields, key))
    }

    /// The first ENRICHED field named `key`.
    pub fn enriched_get(&self, key: &str) -> Option<Value<'a>> {
        find_field(&self.enriched, key)
    }
}

/// The first field named `key` in `fields`.
pub fn find_field<'a>(fields: &[Field<'a>], key: &str) -> Option<Value<'a>> {
    fields.iter().find(|f| f.key == key.as_bytes()).map(|f| f.value)
}

/// Parses one line (with or without its `\n`/`\r\n`) into a [`Record`].
///
/// Offsets in errors and warnings are relative to `line`. When the line holds several records,
/// the first one is returned and [`Record::next_record`] says where the next one starts; parse
/// `&line[offset..]` for it (offsets are then relative to that slice).
pub fn parse_line(line: &[u8]) -> Result<Record<'_>, LineError> {
    let line = trim_end(line);
    let start = line.len() - line.trim_ascii_start().len();
    let text = line.get(start..).unwrap_or_default();
    let shift = |mut e: LineError| {
        e.offset += start;
        e
    };
    let header = match parse_header(text) {
        Ok(h) => h,
        Err(e) if e.kind == DiagnosticKind::NotARecord => {
            // Kernel printk form: `[  160.29] audit: type=1400 audit(…): …`.
            let Some(at) = header::printk_start(text) else { return Err(shift(e)) };
            let mut h = parse_header(text.get(at..).unwrap_or_default()).map_err(|mut e| {
                e.offset += at;
                shift(e)
            })?;
            h.body_start += at;
            h
        }
        Err(e) => return Err(shift(e)),
    };
    let (kind, type_num) = classify(header.type_name);
    let body_offset = start + header.body_start;
    let body_text = line.get(body_offset..).unwrap_or_default();
    let lexed = lex(body_text, body_offset, Mode::Body);
    let mut warnings = lexed.warnings;
    let body_end = lexed.end.min(line.len());
    let body = trim_end(line.get(body_offset..body_end).unwrap_or_default());
    let inner = lexed.inner.map(|(text, offset)| {
        let l = lex(text, offset, Mode::Inner);
        warnings.extend(l.warnings);
        Inner { text, offset, fields: l.fields }
    });
    let (enriched, enrichment, next_record) = match lexed.enriched {
        Some((tail_start, how)) => {
            let tail = line.get(tail_start..).unwrap_or_default();
            let l = lex(tail, tail_start, Mode::Enriched);
            warnings.extend(l.warnings);
            (l.fields, how, l.next_record)
        }
        None => (Vec::new(), Enrichment::None, lexed.next_record),
    };
    let record_end = match (lexed.enriched, next_record) {
        (Some(_), Some(next)) | (None, Some(next)) => next,
        _ => line.len(),
    };
    Ok(Record {
        line: trim_end(line.get(start..record_end).unwrap_or_default()),
        node: header.node,
        type_name: header.type_name,
        kind,
        type_num,
        time: header.time,
        serial: header.serial,
        body,
        body_offset,
        fields: lexed.fields,
        inner,
        enriched,
        enrichment,
        next_record,
        warnings,
    })
}

/// Strips the line terminator and trailing whitespace (`\r`, spaces, tabs).
fn trim_end(line: &[u8]) -> &[u8] {
    line.trim_ascii_end()
}

#[cfg(test)]
mod tests;
