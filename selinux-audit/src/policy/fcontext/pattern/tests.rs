//! Unit tests of the PCRE2 → Rust translation.

use super::*;

fn rx(s: &str) -> FcRegex {
    FcRegex::new(s).unwrap()
}

#[test]
fn prefixes_and_exact_paths() {
    assert_eq!(rx("/usr/lib/foo\\.so").exact_path(), Some(&b"/usr/lib/foo.so"[..]));
    assert_eq!(rx("/srv/www(/.*)?").literal_prefix(), b"/srv/www");
    assert_eq!(rx("/srv/www(/.*)?").exact_path(), None);
    assert_eq!(rx("/usr/lib64?/x").literal_prefix(), b"/usr/lib6");
    assert_eq!(rx("/a{2}b").literal_prefix(), b"/");
    assert_eq!(rx("/a|/b").literal_prefix(), b"");
    assert_eq!(rx("/x{").exact_path(), Some(&b"/x{"[..]));
    assert_eq!(rx("/(?i)abc").literal_prefix(), b"/");
}

#[test]
fn pcre_meanings_are_kept() {
    assert!(rx("/a\\<b").is_match(b"/a<b"));
    assert!(rx("/a[[]").is_match(b"/a["));
    assert!(rx("/a[]x]").is_match(b"/a]"));
    assert!(rx("/a[a-]").is_match(b"/a-"));
    assert!(rx("/a[x&&y]").is_match(b"/a&"));
    assert!(FcRegex::new("/a[a--]").is_err());
    assert!(rx("/usr/bin/.*").is_match(b"/usr/bin/x\n"));
    assert!(rx("/usr/bin/bash").is_match(b"/usr/bin/bash\n"));
    assert!(!rx("/usr/bin/bash").is_match(b"/usr/bin/bash\n\n"));
    assert!(rx("/a|/b").is_match(b"/abc"));
    assert!(rx("/a|/b").is_match(b"x/b"));
    assert!(rx("/x\\d+[[:alpha:]]").is_match(b"/x12q"));
    assert!(rx("/.*").is_match(b"/\xff\n/x"));
    assert!(rx("/a\\x41\\0101\\o{102}\\x{43}").is_match(b"/aA\x081BC"));
    assert!(rx("/a\\").is_match(b"/a$"));
}

#[test]
fn unsupported_constructs_are_refused() {
    for bad in ["/(a)\\1", "/a*+", "/(?=x)", "/\\h", "/\\p{L}", "/(?m)x", "/a)", "/[a", "/(a"] {
        assert!(FcRegex::new(bad).is_err(), "{bad}");
    }
    let e = FcRegex::new("/usr/\\v").unwrap_err();
    assert_eq!(e.offset, 5);
}

/// Whatever the translation accepts, the Rust crate compiles: only `(?…)` and `{n,m}` are handed
/// to its parser for checking, so the translation must catch everything else itself.
#[test]
fn accepted_patterns_always_compile() {
    const TOKENS: &[&str] = &[
        "a",
        "/",
        ".",
        "*",
        "+",
        "?",
        "|",
        "(",
        ")",
        "[",
        "]",
        "^",
        "$",
        "{",
        "}",
        "2",
        ",",
        "\\",
        "-",
        ":",
        "(?:",
        "(?i)",
        "(?s:",
        "[:alpha:]",
        "\\d",
        "\\b",
        "\\.",
        "{2,3}",
        "<",
        "&&",
        "~~",
        "\\x4",
        "(?P<n>",
        "[^",
        "\\Z",
        "\\z",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % n as u64).unwrap()
    };
    let (mut accepted, mut total) = (0, 0);
    for _ in 0..40_000 {
        let len = 1 + next(7);
        let pattern: String = (0..len).map(|_| TOKENS[next(TOKENS.len())]).collect();
        total += 1;
        if let Ok(rx) = FcRegex::new(&pattern) {
            accepted += 1;
            let built = regex::bytes::Regex::new(rx.rust_pattern());
            assert!(built.is_ok(), "{pattern:?} → {:?}: {built:?}", rx.rust_pattern());
        }
    }
    assert!(accepted > total / 10, "{accepted} of {total}");
}

#[test]
fn nesting_beyond_the_rust_limit_is_refused_at_load() {
    let deep = format!("/{}a{}", "(".repeat(300), ")".repeat(300));
    assert!(FcRegex::new(&deep).is_err());
    let fine = format!("/{}a{}", "(".repeat(40), ")".repeat(40));
    assert!(rx(&fine).is_match(b"/a"));
}
