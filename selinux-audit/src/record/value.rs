//! Field values as written in a record, and their decoding.
//!
//! The kernel writes an "untrusted string" quoted when every byte is printable ASCII other than
//! `"`, and as unquoted uppercase hex of the raw bytes otherwise. Whether an unquoted value is
//! hex therefore depends on the *key*: `name=6D79` is the string `my`, but `a2=3005` is a number.
//! [`is_hex_key`] lists the keys that carry untrusted strings; the lexer tags an unquoted value
//! of such a key as [`Value::Hex`] only when it is all hex digits and of even length, so that
//! `(null)`, `?`, `dev=fe:00` or an old unquoted `comm=local` stay as written.

use std::borrow::Cow;

use crate::bytes::{ByteStr, from_hex};

/// One value, borrowed from the line. The variant records how it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// `"text"`: the bytes between the double quotes.
    Quoted(&'a [u8]),
    /// `'text'`: the bytes between single quotes (the nested `msg='…'` of user-space records).
    SingleQuoted(&'a [u8]),
    /// Unquoted hex of an untrusted string; decoded on demand by [`Value::bytes`].
    Hex(&'a [u8]),
    /// `{ … }` (ENRICHED `SADDR={ … }`): the bytes between the braces, trimmed.
    Braced(&'a [u8]),
    /// Anything else, verbatim: numbers, contexts, `(null)`, `?`, `n/a`.
    Bare(&'a [u8]),
}

impl<'a> Value<'a> {
    /// The value as written, without its quotes or braces (hex stays hex).
    pub fn raw(&self) -> &'a [u8] {
        match *self {
            Value::Quoted(b)
            | Value::SingleQuoted(b)
            | Value::Hex(b)
            | Value::Braced(b)
            | Value::Bare(b) => b,
        }
    }

    /// The value's bytes: hex decoded, everything else as written.
    pub fn bytes(&self) -> Cow<'a, [u8]> {
        match *self {
            Value::Hex(b) => match from_hex(b) {
                Some(decoded) => Cow::Owned(decoded),
                None => Cow::Borrowed(b),
            },
            other => Cow::Borrowed(other.raw()),
        }
    }

    /// The decoded value as an owned [`ByteStr`].
    pub fn to_bytestr(&self) -> ByteStr {
        ByteStr(self.bytes().into_owned())
    }

    /// The raw text when it is UTF-8 (for numbers, contexts and other plain values).
    pub fn as_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.raw()).ok()
    }

    /// The decoded value as text, when it is UTF-8.
    pub fn to_text(&self) -> Option<String> {
        match self.bytes() {
            Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(str::to_owned),
            Cow::Owned(v) => String::from_utf8(v).ok(),
        }
    }

    /// True for the "no value" sentinels `(null)`, `(none)`, `?` and the empty string.
    pub fn is_unset(&self) -> bool {
        matches!(self.raw(), b"" | b"(null)" | b"(none)" | b"?")
    }
}

/// One `key=value` pair, borrowed from the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'a> {
    /// The key as written (`comm`, `ARCH`, …).
    pub key: &'a [u8],
    /// The value.
    pub value: Value<'a>,
}

/// Keys whose unquoted values are hex-encoded untrusted strings.
pub fn is_hex_key(key: &[u8]) -> bool {
    matches!(
        key,
        b"comm"
            | b"ocomm"
            | b"name"
            | b"path"
            | b"exe"
            | b"cwd"
            | b"proctitle"
            | b"dev"
            | b"key_desc"
            | b"kmod"
            | b"srawcon"
            | b"trawcon"
            | b"invalid_context"
            | b"key"
            | b"cmd"
            | b"data"
            | b"acct"
            | b"old-chardev"
            | b"new-chardev"
            | b"root_dir"
            | b"vm"
            | b"watch"
    )
}

/// True when `text` is a non-empty, even-length run of hex digits (either case).
pub fn is_hex_text(text: &[u8]) -> bool {
    !text.is_empty() && text.len() % 2 == 0 && text.iter().all(u8::is_ascii_hexdigit)
}

/// Parses an unsigned decimal number with at most 20 digits (checked, never panics).
pub fn parse_u64(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 20 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in text {
        let d = match b {
            b'0'..=b'9' => u64::from(b - b'0'),
            _ => return None,
        };
        n = n.checked_mul(10)?.checked_add(d)?;
    }
    Some(n)
}

/// Parses a signed decimal number (`-13`, `3`), checked.
pub fn parse_i64(text: &[u8]) -> Option<i64> {
    match text.split_first() {
        Some((b'-', rest)) => {
            let n = parse_u64(rest)?;
            if n == 1u64 << 63 { Some(i64::MIN) } else { i64::try_from(n).ok().map(|v| -v) }
        }
        _ => i64::try_from(parse_u64(text)?).ok(),
    }
}

/// Parses an octal number (`0100644`), checked, at most 11 digits.
pub fn parse_octal_u32(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 11 {
        return None;
    }
    let mut n: u32 = 0;
    for &b in text {
        let d = match b {
            b'0'..=b'7' => u32::from(b - b'0'),
            _ => return None,
        };
        n = n.checked_mul(8)?.checked_add(d)?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_values_decode_and_others_stay_raw() {
        assert_eq!(Value::Hex(b"6D7920706167652E68746D6C").bytes().as_ref(), b"my page.html");
        assert_eq!(Value::Bare(b"3005").bytes().as_ref(), b"3005");
        assert_eq!(Value::Quoted(b"a=b").to_text().as_deref(), Some("a=b"));
        assert!(Value::Bare(b"(null)").is_unset());
        assert!(!Value::Bare(b"0").is_unset());
    }

    #[test]
    fn hex_key_and_text_rules() {
        assert!(is_hex_key(b"proctitle"));
        assert!(!is_hex_key(b"a2"));
        assert!(is_hex_text(b"2F746D70"));
        assert!(!is_hex_text(b"2F7"));
        assert!(!is_hex_text(b"fe:00"));
        assert!(!is_hex_text(b""));
    }

    #[test]
    fn numbers_are_checked() {
        assert_eq!(parse_u64(b"4294967295"), Some(4_294_967_295));
        assert_eq!(parse_u64(b"99999999999999999999"), None);
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_i64(b"-13"), Some(-13));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_octal_u32(b"0100644"), Some(0o100_644));
        assert_eq!(parse_octal_u32(b"0100648"), None);
        assert_eq!(parse_octal_u32(b"77777777777"), None);
    }
}
