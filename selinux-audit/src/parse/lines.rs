//! Splitting the input into physical lines without requiring UTF-8.
//!
//! A line ends at `\n`; a final line without `\n` still counts; the empty input has no lines.
//! `\r` and other trailing whitespace are left for the record parser to trim.

/// One physical line: 1-based number, byte offset of its start, and its bytes without `\n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: u64,
    /// 0-based byte offset of the line start.
    pub start: u64,
    /// The bytes, without the `\n`.
    pub text: &'a [u8],
}

/// Iterator over the lines of an input.
#[derive(Clone, Debug)]
pub struct Lines<'a> {
    rest: &'a [u8],
    number: u64,
    start: u64,
}

/// The lines of `input`.
pub fn lines(input: &[u8]) -> Lines<'_> {
    Lines { rest: input, number: 0, start: 0 }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let (text, consumed) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(nl) => (self.rest.get(..nl).unwrap_or_default(), nl + 1),
            None => (self.rest, self.rest.len()),
        };
        self.rest = self.rest.get(consumed..).unwrap_or_default();
        self.number += 1;
        let line = Line { number: self.number, start: self.start, text };
        self.start += u64::try_from(consumed).unwrap_or(u64::MAX);
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_offsets() {
        let v: Vec<_> = lines(b"a\r\n\nbc").map(|l| (l.number, l.start, l.text)).collect();
        assert_eq!(v, vec![(1, 0, &b"a\r"[..]), (2, 3, &b""[..]), (3, 4, &b"bc"[..])]);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x\n").count(), 1);
        assert_eq!(lines(b"\n").count(), 1);
    }
}
