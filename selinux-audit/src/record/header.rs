//! The record header: `[node=NAME ]type=TYPENAME msg=audit(SEC.MSEC:SERIAL): `.
//!
//! * `node=` (or the old dispatcher's `host=`) may hold spaces (`name_format = user`), so the
//!   node ends at the first ` type=` rather than at the first space; extra spaces are tolerated.
//! * The colon after `)` is optional (very old `DAEMON_START` records omit it), and so are the
//!   milliseconds (`audit(1160000800:1)` reads as `.000`).
//! * The kernel printk form (`[  160.29] audit: type=1400 audit(…): …` in dmesg or syslog) is
//!   found after its prefix ([`printk_start`]); its `msg=` is absent.
//! * Numbers are parsed with bounded digit counts and checked arithmetic.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag, take_till1};
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::opt;
use nom::sequence::preceded;

use crate::error::DiagnosticKind;
use crate::record::LineError;
use crate::record::value::parse_u64;

/// The event time: seconds since the epoch, milliseconds, and the text as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AuditTime<'a> {
    /// Seconds since 1970-01-01 UTC.
    pub sec: u64,
    /// Milliseconds (0 when the header had none).
    pub msec: u32,
    /// `SEC.MSEC` exactly as written.
    pub raw: &'a [u8],
}

/// A parsed header and where the body starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// `node=`/`host=` value, trimmed.
    pub node: Option<&'a [u8]>,
    /// The `type=` token as written (`AVC`, `UNKNOWN[1420]`, `1400`).
    pub type_name: &'a [u8],
    /// Event time.
    pub time: AuditTime<'a>,
    /// Event serial.
    pub serial: u64,
    /// Offset of the body in the line.
    pub body_start: usize,
}

/// Parses the header of `line` (already trimmed of the line terminator).
pub fn parse_header(line: &[u8]) -> Result<Header<'_>, LineError> {
    let (node, rest) = split_node(line);
    let at = |rest: &[u8]| line.len().saturating_sub(rest.len());
    if !rest.starts_with(b"type=") {
        return Err(LineError::new(
            at(rest),
            DiagnosticKind::NotARecord,
            "not an audit record (no `type=` header)",
        ));
    }
    let (rest, type_name) = record_type(rest).map_err(|e| {
        LineError::new(
            nom_offset(line, &e),
            DiagnosticKind::BadHeader,
            "malformed `type=` in header",
        )
    })?;
    let (rest, (time, serial)) = audit_id(rest).map_err(|e| {
        let message = if interpreted_time(rest) {
            "`ausearch -i` (interpreted) timestamp; not supported, re-run ausearch with --raw"
        } else {
            "malformed `msg=audit(SEC.MSEC:SERIAL):` header"
        };
        LineError::new(nom_offset(line, &e), DiagnosticKind::BadHeader, message)
    })?;
    Ok(Header { node, type_name, time, serial, body_start: at(rest) })
}

/// Where a kernel printk audit record (`… audit: type=NNNN audit(`) starts in `line`: the
/// offset of its `type=`. Only the first 256 bytes are searched (the prefix is a timestamp,
/// host and tag).
pub fn printk_start(line: &[u8]) -> Option<usize> {
    let head = line.get(..line.len().min(256)).unwrap_or_default();
    let pos = find(head, b"audit: type=")?;
    Some(pos + b"audit: ".len())
}

/// Splits off `node=NAME ` / `host=NAME `, anchoring on the first ` type=`.
fn split_node(line: &[u8]) -> (Option<&[u8]>, &[u8]) {
    let Some(after) = line.strip_prefix(b"node=").or_else(|| line.strip_prefix(b"host=")) else {
        return (None, line);
    };
    match find(after, b" type=") {
        Some(pos) => {
            let name = trim_ascii(after.get(..pos).unwrap_or_default());
            let rest = after.get(pos..).unwrap_or_default().trim_ascii_start();
            (Some(name), rest)
        }
        None => (None, line),
    }
}

fn record_type(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (i, _) = tag(&b"type="[..])(i)?;
    let (i, name) = take_till1(|b: u8| b == b' ' || b == b'\t')(i)?;
    let (i, _) = space1(i)?;
    Ok((i, name))
}

fn audit_id(i: &[u8]) -> IResult<&[u8], (AuditTime<'_>, u64)> {
    // The kernel's printk fallback (dmesg, syslog) writes `audit(…)` without `msg=`.
    let (i, _) = opt(tag(&b"msg="[..])).parse(i)?;
    let (i, _) = tag(&b"audit("[..])(i)?;
    let start = i;
    let (i, sec) = digit1(i)?;
    let (i, msec) = opt(preceded(char('.'), digit1)).parse(i)?;
    let raw = start.get(..start.len().saturating_sub(i.len())).unwrap_or_default();
    let (i, _) = char(':')(i)?;
    let (i, serial) = digit1(i)?;
    let (i, _) = char(')')(i)?;
    let (i, _) = opt(char(':')).parse(i)?;
    let (i, _) = space0(i)?;
    let fail = || nom::Err::Error(nom::error::Error::new(start, nom::error::ErrorKind::Digit));
    let sec = parse_u64(sec).ok_or_else(fail)?;
    let msec = match msec {
        // Audit writes exactly three digits; scale shorter/longer ones to milliseconds.
        Some(m) => scale_msec(m).ok_or_else(fail)?,
        None => 0,
    };
    let serial = parse_u64(serial).ok_or_else(fail)?;
    Ok((i, (AuditTime { sec, msec, raw }, serial)))
}

/// `msg=audit(11/14/2023 22:28:20.444:31)`: the local date `ausearch -i` prints.
fn interpreted_time(i: &[u8]) -> bool {
    let Some(pos) = find(i, b"audit(") else { return false };
    let date = i.get(pos + 6..).unwrap_or_default();
    matches!(date, [a, b, b'/', c, d, b'/', ..] if [a, b, c, d].iter().all(|x| x.is_ascii_digit()))
}

/// `.5` → 500, `.123` → 123, `.123456` → 123.
fn scale_msec(digits: &[u8]) -> Option<u32> {
    let mut value: u32 = 0;
    for i in 0..3 {
        let d = match digits.get(i) {
            Some(b) => u32::from(b.checked_sub(b'0')?),
            None => 0,
        };
        value = value * 10 + d;
    }
    Some(value)
}

fn nom_offset(line: &[u8], e: &nom::Err<nom::error::Error<&[u8]>>) -> usize {
    match e {
        nom::Err::Error(err) | nom::Err::Failure(err) => line.len().saturating_sub(err.input.len()),
        nom::Err::Incomplete(_) => line.len(),
    }
}

/// Position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_header() {
        let line = b"type=AVC msg=audit(1796316056.356:68): avc:  denied";
        let h = parse_header(line).unwrap();
        assert_eq!(h.node, None);
        assert_eq!(h.type_name, b"AVC");
        assert_eq!(h.time.sec, 1_796_316_056);
        assert_eq!(h.time.msec, 356);
        assert_eq!(h.time.raw, b"1796316056.356");
        assert_eq!(h.serial, 68);
        assert_eq!(&line[h.body_start..], b"avc:  denied");
    }

    #[test]
    fn node_with_spaces_and_double_space() {
        let line =
            b"node=Rack 4 Box 2  type=PROCTITLE msg=audit(1700001200.200:78): proctitle=\"demo\"";
        let h = parse_header(line).unwrap();
        assert_eq!(h.node, Some(&b"Rack 4 Box 2"[..]));
        assert_eq!(h.type_name, b"PROCTITLE");
        let line = b"host=lab7 type=AVC msg=audit(1.5:41): x=1";
        let h = parse_header(line).unwrap();
        assert_eq!(h.node, Some(&b"lab7"[..]));
        assert_eq!(h.time.msec, 500);
    }

    #[test]
    fn missing_colon_and_msec() {
        let line = b"type=DAEMON_START msg=audit(1160000800:1) auditd start, ver=1.2.9";
        let h = parse_header(line).unwrap();
        assert_eq!((h.time.sec, h.time.msec, h.serial), (1_160_000_800, 0, 1));
        assert_eq!(&line[h.body_start..], b"auditd start, ver=1.2.9");
    }

    #[test]
    fn printk_form() {
        let line = b"[  160.298387] audit: type=1400 audit(1796316344.288:56): avc:  denied";
        let start = printk_start(line).unwrap();
        assert_eq!(start, 22);
        let h = parse_header(&line[start..]).unwrap();
        assert_eq!((h.type_name, h.serial, h.time.msec), (&b"1400"[..], 56, 288));
        assert_eq!(printk_start(b"type=AVC msg=audit(1.0:1): x"), None);
    }

    #[test]
    fn errors_have_kinds_and_offsets() {
        let e = parse_header(b"type=UNKNOWN[1329] msg=?").unwrap_err();
        assert_eq!(e.kind, DiagnosticKind::BadHeader);
        assert_eq!(e.offset, 23); // at the `?`
        let e = parse_header(b"hello world").unwrap_err();
        assert_eq!(e.kind, DiagnosticKind::NotARecord);
        assert_eq!(e.offset, 0);
        let e = parse_header(b"type=AVC msg=audit(99999999999999999999999.1:2): x").unwrap_err();
        assert_eq!(e.kind, DiagnosticKind::BadHeader);
        let e = parse_header(b"type=AVC msg=audit(11/14/2023 22:28:20.444:31) : x").unwrap_err();
        assert_eq!(e.kind, DiagnosticKind::BadHeader);
        assert!(e.message.contains("--raw"), "{}", e.message);
    }
}
