//! Byte strings that keep what the kernel logged, even when it is not UTF-8.
//!
//! Audit "untrusted strings" (`comm=`, `name=`, `path=`, `exe=`, `proctitle=` …) are arbitrary
//! bytes: the kernel hex-encodes anything outside printable ASCII, and a file name on Linux need
//! not be UTF-8. [`ByteStr`] keeps the decoded bytes exactly. It serializes as a plain JSON string
//! when the bytes are valid UTF-8 and as `{"hex": "…"}` (uppercase hex of the raw bytes) when
//! they are not, so no information is lost and consumers that only handle text still work.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An owned byte string decoded from an audit field.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteStr(pub Vec<u8>);

impl ByteStr {
    /// Wraps raw bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        ByteStr(bytes.into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text, when the bytes are valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// A lossy rendering for human output (invalid sequences become U+FFFD).
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// Uppercase hex of the raw bytes, as the kernel writes encoded fields.
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Uppercase hex encoding of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS.get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
        out.push(char::from(DIGITS.get(usize::from(b & 0x0f)).copied().unwrap_or(b'0')));
    }
    out
}

/// Decodes a hex string (either case). Returns `None` on odd length or a non-hex digit.
pub fn from_hex(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 2);
    for pair in text.chunks_exact(2) {
        let (hi, lo) = match pair {
            [hi, lo] => (hex_digit(*hi)?, hex_digit(*lo)?),
            _ => return None,
        };
        out.push((hi << 4) | lo);
    }
    Some(out)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for ByteStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => write!(f, "{s:?}"),
            None => write!(f, "hex:{}", self.to_hex()),
        }
    }
}

impl fmt::Display for ByteStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl From<&str> for ByteStr {
    fn from(s: &str) -> Self {
        ByteStr(s.as_bytes().to_vec())
    }
}

impl From<String> for ByteStr {
    fn from(s: String) -> Self {
        ByteStr(s.into_bytes())
    }
}

impl From<&[u8]> for ByteStr {
    fn from(b: &[u8]) -> Self {
        ByteStr(b.to_vec())
    }
}

impl From<Vec<u8>> for ByteStr {
    fn from(b: Vec<u8>) -> Self {
        ByteStr(b)
    }
}

impl Serialize for ByteStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.as_str() {
            Some(s) => serializer.serialize_str(s),
            None => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("hex", &self.to_hex())?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ByteStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ByteStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or {\"hex\": \"…\"}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteStr, E> {
                Ok(ByteStr::from(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ByteStr, A::Error> {
                let mut out = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "hex" {
                        let hex: String = map.next_value()?;
                        out = Some(
                            from_hex(hex.as_bytes())
                                .ok_or_else(|| de::Error::custom("invalid hex"))?,
                        );
                    } else {
                        return Err(de::Error::unknown_field(&key, &["hex"]));
                    }
                }
                out.map(ByteStr).ok_or_else(|| de::Error::missing_field("hex"))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(from_hex(b"6D7920706167652E68746D6C").unwrap(), b"my page.html");
        assert_eq!(to_hex(b"a b\xff"), "612062FF");
        assert_eq!(from_hex(b"ABC"), None);
        assert_eq!(from_hex(b"zz"), None);
    }

    #[test]
    fn serde_shapes() {
        let text = serde_json::to_string(&ByteStr::from("x y")).unwrap();
        assert_eq!(text, "\"x y\"");
        let bin = serde_json::to_string(&ByteStr::new(vec![0x2f, 0xff])).unwrap();
        assert_eq!(bin, "{\"hex\":\"2FFF\"}");
        let back: ByteStr = serde_json::from_str(&bin).unwrap();
        assert_eq!(back.as_bytes(), &[0x2f, 0xff]);
    }
}
