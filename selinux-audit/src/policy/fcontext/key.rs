//! The small string rules libselinux 3.4 applies around a match: key normalisation, stems, and
//! the literal/regex split used to order specs.

/// `isspace` in the C locale: the separators of file_contexts and `.subs` lines.
pub(crate) fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r')
}

/// The key libselinux matches for `path` before substitutions: cut at the first NUL (the C
/// string ends there), every run of `/` collapsed to one, and one trailing `/` removed unless
/// the key is `/` itself. No `.`/`..` processing and no symlink resolution.
pub fn normalize_path(path: &[u8]) -> Vec<u8> {
    let path = path.split(|&b| b == 0).next().unwrap_or_default();
    let mut out = Vec::with_capacity(path.len());
    for &b in path {
        if b == b'/' && out.last() == Some(&b'/') {
            continue;
        }
        out.push(b);
    }
    if out.len() > 1 && out.last() == Some(&b'/') {
        out.pop();
    }
    out
}

/// A key's stem: its text up to (not including) the second `/`, searched from the second byte
/// (`/usr/bin/x` → `/usr`; `/usr` and `/` have none).
pub(crate) fn key_stem(key: &[u8]) -> Option<&[u8]> {
    let slash = key.get(1..)?.iter().position(|&b| b == b'/')? + 1;
    key.get(..slash)
}

/// Characters that end a spec's stem (escaped or not: libselinux does not skip `\` here).
const STEM_STOP: &[u8] = b".^$?*+|[({";

/// A spec's stem as libselinux 3.4 computes it: the raw regex text up to its second `/`, and
/// none if that text contains a regex meta character. `/usr/.*` → `/usr`; `/usr(/.*)?` and `/.*`
/// → none. A spec with a stem is only tried for keys with the same stem.
pub fn spec_stem(regex: &str) -> Option<&str> {
    let stem = key_stem(regex.as_bytes())?;
    if stem.iter().any(|b| STEM_STOP.contains(b)) {
        return None;
    }
    regex.get(..stem.len())
}

/// libselinux 3.4's `spec_hasMetaChars`: does the text contain an unescaped
/// `. ^ $ ? * + | [ ( {`? Specs without one are "literal" and sorted after all the others, so a
/// matching literal beats every regex.
pub fn has_meta_chars(regex: &str) -> bool {
    let mut bytes = regex.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'.' | b'^' | b'$' | b'?' | b'*' | b'+' | b'|' | b'[' | b'(' | b'{' => return true,
            b'\\' => {
                bytes.next();
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize_path(b"/var//www///html/"), b"/var/www/html");
        assert_eq!(normalize_path(b"/"), b"/");
        assert_eq!(normalize_path(b"//"), b"/");
        assert_eq!(normalize_path(b"/a//"), b"/a");
        assert_eq!(normalize_path(b"/a\0/b"), b"/a");
        assert_eq!(normalize_path(b""), b"");
    }

    #[test]
    fn stems() {
        assert_eq!(key_stem(b"/usr/bin/x"), Some(&b"/usr"[..]));
        assert_eq!(key_stem(b"/usr"), None);
        assert_eq!(key_stem(b"/"), None);
        assert_eq!(spec_stem("/usr/.*"), Some("/usr"));
        assert_eq!(spec_stem("/usr(/.*)?"), None);
        assert_eq!(spec_stem("/.*"), None);
        assert_eq!(spec_stem("/a\\.b/c"), None);
        assert_eq!(spec_stem("/a\\-b/c"), Some("/a\\-b"));
    }

    #[test]
    fn meta_chars() {
        assert!(has_meta_chars("/usr/.*"));
        assert!(!has_meta_chars("/etc/monerod\\.conf"));
        assert!(!has_meta_chars("/a]"));
        assert!(has_meta_chars("/a{"));
    }
}
