//! POSIX shell quoting for commands a person pastes into a root shell.
//!
//! Every argument of every printed command goes through [`quote`]. The output is valid for any
//! POSIX `sh` (dash, bash, busybox) and reproduces the argument byte for byte:
//!
//! * arguments made only of `[A-Za-z0-9_@%+=:,./-]` are printed bare;
//! * anything else is wrapped in single quotes, where nothing is special; an embedded `'`
//!   becomes `'\''`;
//! * a newline stays a literal newline inside the quotes (a command substitution would strip
//!   it); other control bytes and bytes that are not valid UTF-8 are produced by
//!   `"$(printf '\NNN')"` with an octal escape, so the printed text stays valid UTF-8 and
//!   shows the odd byte instead of hiding it.

/// Quotes one argument for a POSIX shell.
pub fn quote(arg: &[u8]) -> String {
    if !arg.is_empty() && arg.iter().all(|&b| is_safe(b)) {
        return String::from_utf8_lossy(arg).into_owned();
    }
    let mut out = String::with_capacity(arg.len() + 2);
    let mut in_quotes = false;
    let open = |out: &mut String, in_quotes: &mut bool| {
        if !*in_quotes {
            out.push('\'');
            *in_quotes = true;
        }
    };
    let close = |out: &mut String, in_quotes: &mut bool| {
        if *in_quotes {
            out.push('\'');
            *in_quotes = false;
        }
    };
    for chunk in arg.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\'' => {
                    close(&mut out, &mut in_quotes);
                    out.push_str("\\'");
                }
                '\n' => {
                    open(&mut out, &mut in_quotes);
                    out.push('\n');
                }
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    close(&mut out, &mut in_quotes);
                    push_printf_byte(&mut out, c as u32 as u8);
                }
                c => {
                    open(&mut out, &mut in_quotes);
                    out.push(c);
                }
            }
        }
        for &b in chunk.invalid() {
            close(&mut out, &mut in_quotes);
            push_printf_byte(&mut out, b);
        }
    }
    if out.is_empty() {
        return "''".to_owned();
    }
    close(&mut out, &mut in_quotes);
    out
}

/// Quotes a whole argv and joins it with spaces.
pub fn join(argv: &[impl AsRef<[u8]>]) -> String {
    argv.iter().map(|a| quote(a.as_ref())).collect::<Vec<_>>().join(" ")
}

fn is_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, b'_' | b'@' | b'%' | b'+' | b'=' | b':' | b',' | b'.' | b'/' | b'-')
}

fn push_printf_byte(out: &mut String, b: u8) {
    out.push_str(&format!("\"$(printf '\\{b:03o}')\""));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_when_safe() {
        assert_eq!(quote(b"/opt/crypto/monero.conf"), "/opt/crypto/monero.conf");
        assert_eq!(quote(b"-Rv"), "-Rv");
    }

    #[test]
    fn single_quotes_otherwise() {
        assert_eq!(quote(b"/srv/my app"), "'/srv/my app'");
        assert_eq!(quote(b"it's"), "'it'\\''s'");
        assert_eq!(quote(b"$(reboot)"), "'$(reboot)'");
        assert_eq!(quote(b""), "''");
        assert_eq!(quote(b"'"), "\\'");
    }

    #[test]
    fn odd_bytes_use_printf() {
        assert_eq!(quote(b"a\x01b"), "'a'\"$(printf '\\001')\"'b'");
        assert_eq!(quote(b"/x\xff"), "'/x'\"$(printf '\\377')\"");
        assert_eq!(quote(b"a\nb"), "'a\nb'");
    }
}
