//! The `key=value` lexer for record bodies, nested `msg='…'` texts and ENRICHED tails.
//!
//! One pass over the bytes, no recursion, no allocation except the output vector:
//!
//! * whitespace (one or more spaces or tabs) separates tokens; a token without `=` (the AVC
//!   prelude `avc:  denied  { read } for`, prose like `policy loaded`) is skipped, since callers
//!   that need it parse the body text themselves;
//! * `"…"` ends at the next `"` (kernel strings never contain one), `'…'` after `msg=` ends at
//!   the *last* `'` before the ENRICHED separator (user-space texts may quote inside), `{ … }`
//!   (ENRICHED `SADDR={ … }`) ends at the next `}`; other values end at whitespace;
//! * in a record body, the 0x1D byte ends the raw part. A lost separator is recovered when an
//!   all-uppercase `KEY=` is glued to a closing quote or to `(null)`/`(none)`
//!   (`key=(null)ARCH=x86_64`, `res=success'UID="root"`);
//! * an unterminated quote ends the lexing with a `truncated` warning (the field is dropped);
//! * in a body, a second `[node=… ]type=… msg=audit(…)` header ends the record: the line holds
//!   several records (flattened pastes, old `host=` logs);
//! * inside `(sauid=81, hostname=?, …)` (2006-era USER_AVC trailer) the parentheses and commas
//!   are dropped from keys and values.

use crate::error::DiagnosticKind;
use crate::record::LineError;
use crate::record::header::parse_header;
use crate::record::token::{
    self, GS, bare, braced, double_quoted, glued_key, is_ws, last_quote, run, single_quoted, spaces,
};
use crate::record::value::{Field, Value, is_hex_key, is_hex_text};

/// What is being lexed; it decides which rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A record body: nested `msg='…'`, ENRICHED separator, glued tails, further records.
    Body,
    /// The text of a nested `msg='…'`.
    Inner,
    /// An ENRICHED tail (after 0x1D or a recovered glued key).
    Enriched,
}

/// How the ENRICHED tail was found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Enrichment {
    /// No ENRICHED tail.
    #[default]
    None,
    /// Split at the 0x1D byte.
    Separator,
    /// The separator was lost; an uppercase key glued to a closing quote started the tail.
    Recovered,
}

/// The lexer's output for one text.
#[derive(Clone, Debug, Default)]
pub struct Lexed<'a> {
    /// Fields in order.
    pub fields: Vec<Field<'a>>,
    /// The nested `msg='…'` text and its offset in the line ([`Mode::Body`] only).
    pub inner: Option<(&'a [u8], usize)>,
    /// Where the ENRICHED tail starts (offset in the line) and how it was found.
    pub enriched: Option<(usize, Enrichment)>,
    /// Offset in the line where another record starts, if the line holds several.
    pub next_record: Option<usize>,
    /// Offset in the line where the lexed text ended (exclusive).
    pub end: usize,
    /// Non-fatal problems.
    pub warnings: Vec<LineError>,
}

/// Lexes `text`, which starts at offset `base` of its line.
pub fn lex(text: &[u8], base: usize, mode: Mode) -> Lexed<'_> {
    let mut out = Lexed { end: base + text.len(), ..Lexed::default() };
    let mut in_paren = false;
    // Offset in the line of a suffix of `text`.
    let at = |rest: &[u8]| base + text.len().saturating_sub(rest.len());
    let mut rest = text;
    loop {
        rest = run(spaces, rest).0;
        if rest.is_empty() {
            break;
        }
        if mode == Mode::Body && rest.first() == Some(&GS) {
            out.enriched = Some((at(rest) + 1, Enrichment::Separator));
            out.end = at(rest);
            return out;
        }
        if mode != Mode::Inner && starts_record(rest) {
            out.next_record = Some(at(rest));
            out.end = at(rest);
            return out;
        }
        let (after_key, mut key) = run(token::key, rest);
        let Some(value_text) = after_key.strip_prefix(b"=") else {
            // A word without `=` (the AVC prelude, prose): skip it.
            rest = token::word(rest).map_or(&[][..], |(r, _)| r);
            continue;
        };
        if let Some(k) = key.strip_prefix(b"(") {
            key = k;
            in_paren = true;
        }
        let nested = mode == Mode::Body && key == b"msg" && out.inner.is_none();
        let (after, value) = match value_text.first() {
            Some(b'"') => match double_quoted(value_text) {
                Ok((r, v)) => (r, Value::Quoted(v)),
                Err(_) => {
                    out.warnings.push(truncated(at(value_text), "double"));
                    break;
                }
            },
            Some(b'\'') => {
                let closed = if nested {
                    last_quote(value_text)
                        .map(|v| (value_text.get(v.len() + 2..).unwrap_or_default(), v))
                } else {
                    single_quoted(value_text).ok()
                };
                match closed {
                    Some((r, v)) => {
                        if nested {
                            out.inner = Some((v, at(value_text) + 1));
                        }
                        (r, Value::SingleQuoted(v))
                    }
                    None => {
                        out.warnings.push(truncated(at(value_text), "single"));
                        // Keep what there is of a nested message: its fields are still useful.
                        if nested {
                            let v = value_text.get(1..).unwrap_or_default();
                            out.inner = Some((v, at(value_text) + 1));
                        }
                        break;
                    }
                }
            }
            Some(b'{') => {
                let (r, v) = run(braced, value_text);
                (r, Value::Braced(v.trim_ascii()))
            }
            _ => {
                let (r, mut v) = run(bare, value_text);
                // `(null)ARCH=x86_64`: a lost separator after a sentinel.
                if mode == Mode::Body {
                    for sentinel in [&b"(null)"[..], b"(none)"] {
                        let Some(tail) = v.strip_prefix(sentinel) else {
                            continue;
                        };
                        if glued_key(tail) {
                            out.fields.push(Field { key, value: Value::Bare(sentinel) });
                            // `tail` is a prefix of the rest, not a suffix: count from the value.
                            let tail_at = at(value_text) + sentinel.len();
                            out.enriched = Some((tail_at, Enrichment::Recovered));
                            out.end = tail_at;
                            return out;
                        }
                    }
                }
                if in_paren {
                    if let Some(s) = v.strip_suffix(b")") {
                        v = s;
                        in_paren = false;
                    }
                    v = v.strip_suffix(b",").unwrap_or(v);
                }
                (r, classify_bare(key, v, at(value_text), &mut out.warnings))
            }
        };
        if !key.is_empty() {
            out.fields.push(Field { key, value });
        }
        rest = after;
        // Something glued to a closing quote or brace.
        match rest.first() {
            None => {}
            Some(&b) if is_ws(b) || b == GS => {}
            Some(_) if mode == Mode::Body && glued_key(rest) => {
                out.enriched = Some((at(rest), Enrichment::Recovered));
                out.end = at(rest);
                return out;
            }
            Some(_) => {
                // Junk after a closing quote (`key="x"y`): skip to the next whitespace.
                out.warnings.push(LineError::new(
                    at(rest),
                    DiagnosticKind::BadField,
                    "unexpected text right after a closing quote",
                ));
                rest = run(bare, rest).0;
            }
        }
    }
    out
}

fn truncated(offset: usize, quote: &str) -> LineError {
    LineError::new(
        offset,
        DiagnosticKind::Truncated,
        format!("unterminated {quote} quote; record looks cut off"),
    )
}

/// An unquoted value: hex for an untrusted-string key when it is even-length hex; odd-length
/// hex there is kept as written with a `bad-hex` warning.
fn classify_bare<'a>(
    key: &[u8],
    v: &'a [u8],
    offset: usize,
    warnings: &mut Vec<LineError>,
) -> Value<'a> {
    if !is_hex_key(key) {
        return Value::Bare(v);
    }
    // A stray quote after a hex value (seen in a real Ubuntu log): decode, and say so.
    if let Some(hex) = v.strip_suffix(b"\"") {
        if is_hex_text(hex) {
            warnings.push(LineError::new(
                offset + hex.len(),
                DiagnosticKind::BadField,
                "stray quote after a hex value ignored",
            ));
            return Value::Hex(hex);
        }
    }
    if v.len() < 2 || !v.iter().all(u8::is_ascii_hexdigit) {
        return Value::Bare(v);
    }
    if is_hex_text(v) {
        Value::Hex(v)
    } else {
        warnings.push(LineError::new(
            offset,
            DiagnosticKind::BadHex,
            "odd-length hex value kept as written",
        ));
        Value::Bare(v)
    }
}

/// True when `text` starts another record header (`[node=… ]type=… msg=audit(`).
fn starts_record(text: &[u8]) -> bool {
    let candidate =
        text.starts_with(b"type=") || text.starts_with(b"node=") || text.starts_with(b"host=");
    candidate && parse_header(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<'a>(l: &Lexed<'a>) -> Vec<&'a [u8]> {
        l.fields.iter().map(|f| f.key).collect()
    }

    #[test]
    fn quoted_bare_hex_and_words() {
        let body = b"avc:  denied  { read } for  pid=2302 comm=\"httpd\" name=6D7920706167652E68746D6C a2=3005 key=(null)  x=\"a=b\"  ";
        let l = lex(body, 0, Mode::Body);
        assert_eq!(keys(&l), vec![&b"pid"[..], b"comm", b"name", b"a2", b"key", b"x"]);
        assert_eq!(l.fields[1].value, Value::Quoted(b"httpd"));
        assert_eq!(l.fields[2].value.bytes().as_ref(), b"my page.html");
        assert_eq!(l.fields[3].value, Value::Bare(b"3005"));
        assert_eq!(l.fields[4].value, Value::Bare(b"(null)"));
        assert_eq!(l.fields[5].value, Value::Quoted(b"a=b"));
        assert!(l.warnings.is_empty());
        assert_eq!(l.enriched, None);
    }

    #[test]
    fn nested_msg_and_separator() {
        let body =
            b"pid=1 uid=0 msg='unit=x comm=\"systemd\" res=success'\x1dUID=\"root\" AUID=\"unset\"";
        let l = lex(body, 10, Mode::Body);
        assert_eq!(keys(&l), vec![&b"pid"[..], b"uid", b"msg"]);
        let (inner, off) = l.inner.unwrap();
        assert_eq!(inner, b"unit=x comm=\"systemd\" res=success");
        assert_eq!(off, 10 + 17);
        assert_eq!(
            l.enriched,
            Some((10 + body.iter().position(|&b| b == GS).unwrap() + 1, Enrichment::Separator))
        );
        let tail = lex(
            b"UID=\"root\" SADDR={ saddr_fam=inet laddr=1.2.3.4 lport=80 } X=y",
            0,
            Mode::Enriched,
        );
        assert_eq!(tail.fields[1].value, Value::Braced(b"saddr_fam=inet laddr=1.2.3.4 lport=80"));
        assert_eq!(tail.fields[2].value, Value::Bare(b"y"));
    }

    #[test]
    fn lost_separator_is_recovered() {
        let l = lex(b"items=0 key=(null)ARCH=x86_64 SYSCALL=openat", 0, Mode::Body);
        assert_eq!(l.fields.last().unwrap().value, Value::Bare(b"(null)"));
        assert_eq!(l.enriched, Some((18, Enrichment::Recovered)));
        let l = lex(b"comm=\"rm\" key=\"wipe\"ARCH=x86_64", 0, Mode::Body);
        assert_eq!(l.fields.last().unwrap().value, Value::Quoted(b"wipe"));
        assert_eq!(l.enriched, Some((20, Enrichment::Recovered)));
        let l = lex(b"msg='op=x res=success'UID=\"root\"", 0, Mode::Body);
        assert_eq!(l.inner.unwrap().0, b"op=x res=success");
        assert_eq!(l.enriched, Some((22, Enrichment::Recovered)));
    }

    #[test]
    fn truncation_and_bad_hex() {
        let l = lex(b"pid=71 comm=\"cut\" name=\"half", 0, Mode::Body);
        assert_eq!(keys(&l), vec![&b"pid"[..], b"comm"]);
        assert_eq!(l.warnings[0].kind, DiagnosticKind::Truncated);
        assert_eq!(l.warnings[0].offset, 23);
        let l = lex(b"name=ABC", 0, Mode::Body);
        assert_eq!(l.fields[0].value, Value::Bare(b"ABC"));
        assert_eq!(l.warnings[0].kind, DiagnosticKind::BadHex);
        let l = lex(b"key=6D61696E0173766373\" x=1", 0, Mode::Body);
        assert_eq!(l.fields[0].value.bytes().as_ref(), b"main\x01svcs");
        assert_eq!((l.warnings[0].kind, l.warnings[0].offset), (DiagnosticKind::BadField, 22));
        assert_eq!(l.fields[1].key, b"x");
    }

    #[test]
    fn old_user_avc_trailer_and_next_record() {
        let l = lex(
            b"tclass=dbus : exe=\"/bin/dbus-daemon\" (sauid=81, hostname=?, terminal=?)",
            0,
            Mode::Inner,
        );
        assert_eq!(keys(&l), vec![&b"tclass"[..], b"exe", b"sauid", b"hostname", b"terminal"]);
        assert_eq!(l.fields[2].value, Value::Bare(b"81"));
        assert_eq!(l.fields[4].value, Value::Bare(b"?"));
        // A separator byte where a token starts in a nested text is skipped, not looped on.
        let l = lex(b"a=1 \x1d\x1d b=2", 0, Mode::Inner);
        assert_eq!(keys(&l), vec![&b"a"[..], b"b"]);
        let body =
            b"tclass=blk_file host=lab7 type=SYSCALL msg=audit(1200000000.100:41): arch=c000003e";
        let l = lex(body, 0, Mode::Body);
        assert_eq!(keys(&l), vec![&b"tclass"[..]]);
        assert_eq!(l.next_record, Some(16));
    }
}
