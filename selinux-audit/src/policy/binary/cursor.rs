//! A bounds-checked little-endian reader over the bytes of a kernel policy.
//!
//! Every read checks the remaining length first, and every element count read from the input
//! is checked against the bytes that are left (times the smallest size one element can have)
//! before anything is allocated for it. A hostile count therefore fails fast instead of
//! reserving gigabytes. Errors carry the section being read and the byte offset.

use std::path::PathBuf;

use crate::error::PolicyError;

/// Result of a read step.
pub(crate) type ReadResult<T> = Result<T, PolicyError>;

/// Sequential reader with a current section name for error messages.
#[derive(Debug)]
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    section: &'static str,
}

impl<'a> Cursor<'a> {
    /// Starts reading at byte 0, in section `header`.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0, section: "header" }
    }

    /// Current byte offset.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// Names the section that the following reads belong to.
    pub(crate) fn set_section(&mut self, section: &'static str) {
        self.section = section;
    }

    /// An error at the current offset.
    pub(crate) fn err(&self, message: impl Into<String>) -> PolicyError {
        self.err_at(self.pos, message)
    }

    /// An error at an earlier offset (the start of the element that is wrong).
    pub(crate) fn err_at(&self, offset: usize, message: impl Into<String>) -> PolicyError {
        PolicyError::Binary {
            path: PathBuf::from("<memory>"),
            section: self.section,
            offset: u64::try_from(offset).unwrap_or(u64::MAX),
            message: message.into(),
        }
    }

    /// Takes the next `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> ReadResult<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.data.len());
        match end.and_then(|end| self.data.get(self.pos..end)) {
            Some(slice) => {
                self.pos += n;
                Ok(slice)
            }
            None => Err(self.err(format!(
                "unexpected end of data: {n} bytes needed, {} left",
                self.remaining()
            ))),
        }
    }

    fn array<const N: usize>(&mut self) -> ReadResult<[u8; N]> {
        let slice = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// One byte.
    pub(crate) fn u8(&mut self) -> ReadResult<u8> {
        Ok(u8::from_le_bytes(self.array()?))
    }

    /// A little-endian `u16`.
    pub(crate) fn u16(&mut self) -> ReadResult<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// A little-endian `u32`.
    pub(crate) fn u32(&mut self) -> ReadResult<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A little-endian `u64`.
    pub(crate) fn u64(&mut self) -> ReadResult<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// Four raw bytes, kept in file order (network-order addresses).
    pub(crate) fn raw4(&mut self) -> ReadResult<[u8; 4]> {
        self.array()
    }

    /// A `u32` element count for `what`, checked so that `count` elements of at least
    /// `min_size` bytes each still fit in the rest of the input.
    pub(crate) fn count(&mut self, what: &str, min_size: usize) -> ReadResult<usize> {
        let at = self.pos;
        let raw = self.u32()?;
        self.check_count(at, raw, what, min_size)
    }

    /// Checks an already-read count the same way as [`Cursor::count`].
    pub(crate) fn check_count(
        &self,
        at: usize,
        raw: u32,
        what: &str,
        min_size: usize,
    ) -> ReadResult<usize> {
        let count = usize::try_from(raw).map_err(|_| self.err_at(at, "count does not fit"))?;
        let needed = count.saturating_mul(min_size);
        if needed > self.remaining() {
            return Err(self.err_at(
                at,
                format!(
                    "{count} {what} need at least {needed} bytes but only {} are left",
                    self.remaining()
                ),
            ));
        }
        Ok(count)
    }

    /// A string of `len` bytes (no terminator); it must be UTF-8.
    pub(crate) fn string(&mut self, len: u32) -> ReadResult<String> {
        let at = self.pos;
        let len = usize::try_from(len).map_err(|_| self.err("string length does not fit"))?;
        let bytes = self.bytes(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.err_at(at, "string is not UTF-8"))
    }

    /// A non-empty name of `len` bytes.
    pub(crate) fn name(&mut self, len: u32) -> ReadResult<String> {
        if len == 0 {
            return Err(self.err("empty name"));
        }
        self.string(len)
    }

    /// Fails unless every byte has been read.
    pub(crate) fn finish(&self) -> ReadResult<()> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(self.err(format!("{n} trailing bytes after the last section"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_and_stops_at_end() {
        let data = [1, 0, 2, 0, 0, 0, 7];
        let mut c = Cursor::new(&data);
        assert_eq!(c.u16().unwrap(), 1);
        assert_eq!(c.u32().unwrap(), 2);
        assert_eq!(c.remaining(), 1);
        let err = c.u32().unwrap_err();
        assert!(err.to_string().contains("at byte 6"), "{err}");
        assert_eq!(c.u8().unwrap(), 7);
        c.finish().unwrap();
    }

    #[test]
    fn hostile_count_is_rejected_before_allocation() {
        let data = [0xff, 0xff, 0xff, 0xff, 0, 0];
        let mut c = Cursor::new(&data);
        let err = c.count("things", 4).unwrap_err();
        assert!(err.to_string().contains("4294967295 things"), "{err}");
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let c = Cursor::new(&[0]);
        assert!(c.finish().unwrap_err().to_string().contains("1 trailing bytes"));
    }
}
