//! Escaping a literal path into a file_contexts regex for `semanage fcontext`.
//!
//! file_contexts entries are regular expressions (PCRE2 in libselinux, anchored `^…$`), written
//! on a whitespace-separated line of ASCII text. A path therefore needs two kinds of escaping:
//!
//! * regex metacharacters `. ^ $ ? * + | [ ] ( ) { } \` get a backslash, so `monero.conf`
//!   matches only itself (`monero\.conf`);
//! * bytes that cannot appear in the file as such — whitespace (it splits fields), control
//!   bytes and every byte ≥ 0x80 (libselinux rejects non-ASCII lines) — become `[\xHH]`. The
//!   bracket makes every libselinux version treat the spec as a regex (3.8+ compares "literal"
//!   specs with `strcmp` after removing escapes it knows), and inside it `\xHH` is exactly
//!   that byte.

/// Escapes `path` so that the regex matches exactly that path.
pub fn escape_path(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    for &b in path {
        match b {
            b'.' | b'^' | b'$' | b'?' | b'*' | b'+' | b'|' | b'[' | b']' | b'(' | b')' | b'{'
            | b'}' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x21..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("[\\x{b:02X}]")),
        }
    }
    out
}

/// The regex for a directory and everything below it: `DIR(/.*)?`.
pub fn escape_tree(dir: &[u8]) -> String {
    format!("{}(/.*)?", escape_path(dir))
}

/// True when `path` can be used as a `semanage fcontext -e` equivalence or `.subs` entry:
/// those files are split on whitespace and must be ASCII, with no escaping available.
pub fn usable_in_subs(path: &[u8]) -> bool {
    !path.is_empty() && path.iter().all(|&b| (0x21..=0x7e).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_metacharacters() {
        assert_eq!(escape_path(b"/opt/crypto/monero.conf"), "/opt/crypto/monero\\.conf");
        assert_eq!(
            escape_path(b"/a(b)[c]{d}*+?^$|\\"),
            "/a\\(b\\)\\[c\\]\\{d\\}\\*\\+\\?\\^\\$\\|\\\\"
        );
        assert_eq!(escape_tree(b"/opt/crypto/monero-data"), "/opt/crypto/monero-data(/.*)?");
    }

    #[test]
    fn escapes_unwritable_bytes() {
        assert_eq!(escape_path(b"/srv/my app"), "/srv/my[\\x20]app");
        assert_eq!(escape_path(b"/x\n\xff"), "/x[\\x0A][\\xFF]");
        assert!(!usable_in_subs(b"/srv/my app"));
        assert!(usable_in_subs(b"/opt/crypto/monero-data"));
    }
}
