//! Escapes in PCRE2 regex text that stand for one byte (`\n`, `\x41`, `\x{41}`, `\0101`,
//! `\o{101}`), and writing a byte so the Rust regex matches exactly it.

use super::Fail;

/// Writes `b` so that the Rust regex matches exactly that byte.
pub(super) fn push_literal(out: &mut String, b: u8) {
    if b.is_ascii_alphanumeric() || b == b'/' || b == b'_' {
        out.push(char::from(b));
    } else {
        out.push_str(&format!("\\x{b:02X}"));
    }
}

/// The byte meant by an alphanumeric escape `\n` … `\x41`, `\0`, `\o{101}` whose letter `n` was
/// just consumed (`pos` is after it). Escapes that are not a single byte are refused.
pub(super) fn escaped_byte(src: &[u8], pos: &mut usize, n: u8, at: usize) -> Result<u8, Fail> {
    let simple = match n {
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b'f' => Some(0x0c),
        b'a' => Some(0x07),
        b'e' => Some(0x1b),
        _ => None,
    };
    if let Some(b) = simple {
        return Ok(b);
    }
    let rest = src.get(*pos..).unwrap_or_default();
    let too_large = || (at, "character value above 0xFF".to_owned());
    match n {
        b'x' => {
            let (digits, skip) = if rest.first() == Some(&b'{') {
                let len = rest.iter().position(|&c| c == b'}').ok_or((at, "missing `}`".into()))?;
                (rest.get(1..len).unwrap_or_default(), len + 1)
            } else {
                let len = rest.iter().take(2).take_while(|c| c.is_ascii_hexdigit()).count();
                (rest.get(..len).unwrap_or_default(), len)
            };
            let value = parse_radix(digits, 16).ok_or((at, "bad `\\x` escape".into()))?;
            *pos += skip;
            u8::try_from(value).map_err(|_| too_large())
        }
        b'o' if rest.first() == Some(&b'{') => {
            let len = rest.iter().position(|&c| c == b'}').ok_or((at, "missing `}`".into()))?;
            let value = parse_radix(rest.get(1..len).unwrap_or_default(), 8)
                .ok_or((at, "bad `\\o` escape".into()))?;
            *pos += len + 1;
            u8::try_from(value).map_err(|_| too_large())
        }
        b'0' => {
            let len = rest.iter().take(2).take_while(|c| (b'0'..=b'7').contains(c)).count();
            let value = parse_radix(rest.get(..len).unwrap_or_default(), 8).unwrap_or(0);
            *pos += len;
            u8::try_from(value).map_err(|_| too_large())
        }
        b'1'..=b'9' => Err((at, "back-references are not supported".into())),
        _ => Err((
            at,
            format!("escape `\\{}` is not supported (no exact Rust equivalent)", char::from(n)),
        )),
    }
}

/// Parses ASCII digits in `radix`; `None` when empty, invalid or above `u32`.
fn parse_radix(digits: &[u8], radix: u32) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()
}
