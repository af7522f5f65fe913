//! PCRE2 bracket expressions (`[...]`) rewritten for the Rust `regex` crate.
//!
//! The two dialects disagree inside brackets: Rust nests `[` and treats `&&`, `--` and `~~` as
//! set operations, PCRE reads them as plain characters. Every literal member is therefore
//! written as `\xHH`, so the Rust class holds exactly the bytes PCRE's does.

use super::Fail;
use super::escape::escaped_byte;

/// POSIX class names both engines know, with the same ASCII meaning.
const POSIX: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// One member of a class: a byte (which may start a range) or a named set.
enum Item {
    Byte(u8),
    Set(String),
}

/// Translates the class whose `[` is at `at`; `pos` is just after it and ends after the `]`.
pub(super) fn translate(src: &[u8], pos: &mut usize, at: usize) -> Result<String, Fail> {
    let mut out = String::from("[");
    if src.get(*pos) == Some(&b'^') {
        *pos += 1;
        out.push('^');
    }
    let mut first = true;
    loop {
        let c = *src.get(*pos).ok_or((at, "missing `]`".to_owned()))?;
        *pos += 1;
        if c == b']' && !first {
            break;
        }
        first = false;
        match item(src, pos, c, at)? {
            Item::Set(set) => out.push_str(&set),
            Item::Byte(lo) => {
                let is_range = src.get(*pos) == Some(&b'-')
                    && src.get(*pos + 1).is_some_and(|&next| next != b']');
                push_byte(&mut out, lo);
                if is_range {
                    *pos += 1;
                    let c = *src.get(*pos).ok_or((at, "missing `]`".to_owned()))?;
                    *pos += 1;
                    let Item::Byte(hi) = item(src, pos, c, at)? else {
                        return Err((at, "invalid range in character class".into()));
                    };
                    if hi < lo {
                        return Err((at, "range out of order in character class".into()));
                    }
                    out.push('-');
                    push_byte(&mut out, hi);
                }
            }
        }
    }
    out.push(']');
    Ok(out)
}

/// The member starting with `c` (already consumed).
fn item(src: &[u8], pos: &mut usize, c: u8, at: usize) -> Result<Item, Fail> {
    match c {
        b'[' => match src.get(*pos) {
            Some(b':') => posix(src, pos, at),
            Some(b'.' | b'=') => Err((at, "POSIX collating elements are not supported".into())),
            _ => Ok(Item::Byte(b'[')),
        },
        b'\\' => {
            let n = *src.get(*pos).ok_or((at, "`\\` at the end of the regex".to_owned()))?;
            *pos += 1;
            if !n.is_ascii_alphanumeric() {
                return Ok(Item::Byte(n));
            }
            match n {
                b'd' | b'D' | b's' | b'S' | b'w' | b'W' => {
                    Ok(Item::Set(format!("\\{}", char::from(n))))
                }
                // Inside a class PCRE reads `\b` as backspace.
                b'b' => Ok(Item::Byte(0x08)),
                _ => escaped_byte(src, pos, n, at).map(Item::Byte),
            }
        }
        _ => Ok(Item::Byte(c)),
    }
}

/// `[:name:]` / `[:^name:]`; `pos` is at the `:`.
fn posix(src: &[u8], pos: &mut usize, at: usize) -> Result<Item, Fail> {
    let rest = src.get(*pos + 1..).unwrap_or_default();
    let end =
        rest.windows(2).position(|w| w == b":]").ok_or((at, "unterminated `[:`".to_owned()))?;
    let body = std::str::from_utf8(rest.get(..end).unwrap_or_default()).unwrap_or("");
    let name = body.strip_prefix('^').unwrap_or(body);
    if !POSIX.contains(&name) {
        return Err((at, format!("unknown POSIX class `[:{body}:]`")));
    }
    *pos += end + 3;
    Ok(Item::Set(format!("[:{body}:]")))
}

fn push_byte(out: &mut String, b: u8) {
    out.push_str(&format!("\\x{b:02X}"));
}
