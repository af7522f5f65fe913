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
use crate::record::value::{Field, Value, is_hex_key, is_hex_text};

/// The ENRICHED separator byte (ASCII group separator).
pub const GS: u8 = 0x1d;

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

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Lexes `text`, which starts at offset `base` of its line.
pub fn lex(text: &[u8], base: usize, mode: Mode) -> Lexed<'_> {
    let mut out = Lexed { end: base + text.len(), ..Lexed::default() };
    let mut pos = 0usize;
    let mut in_paren = false;
    let at = |pos: usize| base + pos;
    while pos < text.len() {
        // Skip whitespace.
        let Some(start) = text.get(pos..).and_then(|r| r.iter().position(|&b| !is_ws(b))) else {
            break;
        };
        pos += start;
        let rest = text.get(pos..).unwrap_or_default();
        if mode == Mode::Body && rest.first() == Some(&GS) {
            out.enriched = Some((at(pos + 1), Enrichment::Separator));
            out.end = at(pos);
            return out;
        }
        if mode != Mode::Inner && starts_record(rest) {
            out.next_record = Some(at(pos));
            out.end = at(pos);
            return out;
        }
        // Key: up to `=`, whitespace or the separator.
        let key_len =
            rest.iter().position(|&b| b == b'=' || is_ws(b) || b == GS).unwrap_or(rest.len());
        let (mut key, after_key) = rest.split_at(key_len);
        let Some(value_text) = after_key.strip_prefix(b"=") else {
            // A word without `=`: skip it (a stray separator byte counts as a one-byte word).
            pos += key_len.max(1);
            continue;
        };
        if let Some(k) = key.strip_prefix(b"(") {
            key = k;
            in_paren = true;
        }
        let value_pos = pos + key_len + 1;
        let (value, consumed) = match value_text.first() {
            Some(b'"') => match quoted(value_text, b'"') {
                Some(v) => (Value::Quoted(v), v.len() + 2),
                None => {
                    out.warnings.push(LineError::new(
                        at(value_pos),
                        DiagnosticKind::Truncated,
                        "unterminated double quote; record looks cut off",
                    ));
                    break;
                }
            },
            Some(b'\'') => {
                let closing = if mode == Mode::Body && key == b"msg" {
                    last_quote(value_text)
                } else {
                    quoted(value_text, b'\'')
                };
                match closing {
                    Some(v) => {
                        if mode == Mode::Body && key == b"msg" && out.inner.is_none() {
                            out.inner = Some((v, at(value_pos + 1)));
                        }
                        (Value::SingleQuoted(v), v.len() + 2)
                    }
                    None => {
                        out.warnings.push(LineError::new(
                            at(value_pos),
                            DiagnosticKind::Truncated,
                            "unterminated single quote; record looks cut off",
                        ));
                        // Keep what there is of a nested message: its fields are still useful.
                        if mode == Mode::Body && key == b"msg" && out.inner.is_none() {
                            let v = value_text.get(1..).unwrap_or_default();
                            out.inner = Some((v, at(value_pos + 1)));
                        }
                        break;
                    }
                }
            }
            Some(b'{') => {
                let close = value_text.iter().position(|&b| b == b'}');
                let inner_end = close.unwrap_or(value_text.len());
                let v = value_text.get(1..inner_end).unwrap_or_default().trim_ascii();
                (Value::Braced(v), close.map_or(value_text.len(), |c| c + 1))
            }
            _ => {
                let len = value_text
                    .iter()
                    .position(|&b| is_ws(b) || b == GS)
                    .unwrap_or(value_text.len());
                let mut v = value_text.get(..len).unwrap_or_default();
                // `(null)ARCH=x86_64`: a lost separator after a sentinel.
                if mode == Mode::Body {
                    for sentinel in [&b"(null)"[..], b"(none)"] {
                        let Some(tail) = v.strip_prefix(sentinel) else { continue };
                        if glued_key(tail) {
                            out.fields.push(Field { key, value: Value::Bare(sentinel) });
                            let tail_pos = value_pos + sentinel.len();
                            out.enriched = Some((at(tail_pos), Enrichment::Recovered));
                            out.end = at(tail_pos);
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
                let value =
                    if is_hex_key(key) && v.len() >= 2 && v.iter().all(u8::is_ascii_hexdigit) {
                        if is_hex_text(v) {
                            Value::Hex(v)
                        } else {
                            out.warnings.push(LineError::new(
                                at(value_pos),
                                DiagnosticKind::BadHex,
                                "odd-length hex value kept as written",
                            ));
                            Value::Bare(v)
                        }
                    } else {
                        Value::Bare(v)
                    };
                (value, len)
            }
        };
        if !key.is_empty() {
            out.fields.push(Field { key, value });
        }
        pos = value_pos + consumed;
        // Something glued to a closing quote or brace.
        let tail = text.get(pos..).unwrap_or_default();
        match tail.first() {
            None => {}
            Some(&b) if is_ws(b) || b == GS => {}
            Some(_) if mode == Mode::Body && glued_key(tail) => {
                out.enriched = Some((at(pos), Enrichment::Recovered));
                out.end = at(pos);
                return out;
            }
            Some(_) => {
                // Junk after a closing quote (`key="x"y`): skip to the next whitespace.
                let skip = tail.iter().position(|&b| is_ws(b) || b == GS).unwrap_or(tail.len());
                out.warnings.push(LineError::new(
                    at(pos),
                    DiagnosticKind::BadField,
                    "unexpected text right after a closing quote",
                ));
                pos += skip;
            }
        }
    }
    out
}

/// `"abc"…` → `abc` (the text up to the next quote), `None` when unterminated.
fn quoted(text: &[u8], quote: u8) -> Option<&[u8]> {
    let body = text.get(1..)?;
    let end = body.iter().position(|&b| b == quote)?;
    body.get(..end)
}

/// `'…'` ending at the last `'` before the ENRICHED separator.
fn last_quote(text: &[u8]) -> Option<&[u8]> {
    let body = text.get(1..)?;
    let limit = body.iter().position(|&b| b == GS).unwrap_or(body.len());
    let end = body.get(..limit)?.iter().rposition(|&b| b == b'\'')?;
    body.get(..end)
}

/// `ARCH=…`, `OLD-AUID=…`: an uppercase key, as ENRICHED writes them.
fn glued_key(text: &[u8]) -> bool {
    let Some(eq) = text.iter().position(|&b| b == b'=') else {
        return false;
    };
    let key = text.get(..eq).unwrap_or_default();
    matches!(key.first(), Some(b'A'..=b'Z'))
        && key
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
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
        assert_eq!(l.fields[0].value, Value::Bare(b"6D61696E0173766373\""));
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
