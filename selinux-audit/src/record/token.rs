//! Token-level nom parsers for the field lexer: whitespace, keys, quoted, braced and bare
//! values, and the all-uppercase ENRICHED key used to recover a lost separator.
//!
//! All of them work on complete input (`nom::*::complete`), so none returns `Incomplete`.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{take_till, take_till1, take_while};
use nom::character::complete::{char, satisfy};
use nom::combinator::{opt, recognize};
use nom::sequence::{delimited, pair, preceded, terminated};

/// The ENRICHED separator byte (ASCII group separator).
pub const GS: u8 = 0x1d;

/// Space or tab.
pub fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Runs an infallible-in-practice parser: on error, nothing is consumed and the output is empty.
pub fn run<'a>(
    mut p: impl FnMut(&'a [u8]) -> IResult<&'a [u8], &'a [u8]>,
    i: &'a [u8],
) -> (&'a [u8], &'a [u8]) {
    p(i).unwrap_or((i, &[]))
}

/// Leading spaces and tabs.
pub fn spaces(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while(is_ws)(i)
}

/// A key: up to `=`, whitespace or the separator (may be empty).
pub fn key(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_till(|b| b == b'=' || is_ws(b) || b == GS)(i)
}

/// A word without `=` to skip; at least one byte, so the lexer always advances.
pub fn word(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let r: IResult<&[u8], &[u8]> = take_till1(|b| b == b'=' || is_ws(b) || b == GS)(i);
    match r {
        Ok(ok) => Ok(ok),
        Err(_) => recognize(satisfy(|_| true)).parse(i),
    }
}

/// `"text"` → `text`; an error when the closing quote is missing.
pub fn double_quoted(i: &[u8]) -> IResult<&[u8], &[u8]> {
    delimited(char('"'), take_till(|b| b == b'"'), char('"')).parse(i)
}

/// `'text'` → `text`, ending at the next `'`.
pub fn single_quoted(i: &[u8]) -> IResult<&[u8], &[u8]> {
    delimited(char('\''), take_till(|b| b == b'\''), char('\'')).parse(i)
}

/// `{ text }` → `text` (untrimmed); an unterminated brace runs to the end.
pub fn braced(i: &[u8]) -> IResult<&[u8], &[u8]> {
    preceded(char('{'), terminated(take_till(|b| b == b'}'), opt(char('}')))).parse(i)
}

/// An unquoted value: up to whitespace or the separator.
pub fn bare(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_till(|b| is_ws(b) || b == GS)(i)
}

/// `ARCH=`, `OLD-AUID=`: an uppercase key followed by `=`, as ENRICHED writes them.
pub fn glued_key(i: &[u8]) -> bool {
    let upper_key = recognize(pair(
        satisfy(|c| c.is_ascii_uppercase()),
        take_while(|b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-'),
    ));
    terminated(upper_key, char::<&[u8], nom::error::Error<&[u8]>>('=')).parse(i).is_ok()
}

/// `'…'` ending at the *last* `'` before the separator (nested user-space messages may quote
/// inside). `None` when there is no closing quote.
pub fn last_quote(text: &[u8]) -> Option<&[u8]> {
    let body = text.strip_prefix(b"'")?;
    let limit = body.iter().position(|&b| b == GS).unwrap_or(body.len());
    let end = body.get(..limit)?.iter().rposition(|&b| b == b'\'')?;
    body.get(..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(run(spaces, b"  \tx"), (&b"x"[..], &b"  \t"[..]));
        assert_eq!(run(key, b"comm=\"x\""), (&b"=\"x\""[..], &b"comm"[..]));
        assert_eq!(word(b"{ x"), Ok((&b" x"[..], &b"{"[..])));
        assert_eq!(word(b"=x"), Ok((&b"x"[..], &b"="[..])));
        assert_eq!(double_quoted(b"\"a=b\" x"), Ok((&b" x"[..], &b"a=b"[..])));
        assert!(double_quoted(b"\"half").is_err());
        assert_eq!(single_quoted(b"'a b'c"), Ok((&b"c"[..], &b"a b"[..])));
        assert_eq!(braced(b"{ a=1 b=2 } X"), Ok((&b" X"[..], &b" a=1 b=2 "[..])));
        assert_eq!(braced(b"{ open"), Ok((&b""[..], &b" open"[..])));
        assert_eq!(bare(b"(null)\x1dARCH"), Ok((&b"\x1dARCH"[..], &b"(null)"[..])));
        assert!(glued_key(b"ARCH=x86_64"));
        assert!(glued_key(b"OLD-AUID=\"unset\""));
        assert!(!glued_key(b"arch=x"));
        assert!(!glued_key(b"ARCH"));
        assert_eq!(last_quote(b"'a='b' c'\x1dX='y'"), Some(&b"a='b' c"[..]));
        assert_eq!(last_quote(b"'open"), None);
    }
}
