//! file_contexts regexes: PCRE2 syntax as libselinux 3.4 compiles it, translated into an
//! equivalent pattern for the Rust `regex` crate.
//!
//! libselinux wraps each spec as `^` + regex + `$` (no grouping) and compiles it with PCRE2
//! (`PCRE2_DOTALL`, no UTF mode, so a subject is a string of bytes). The Rust crate accepts
//! most of the same text but gives some of it a different meaning: `\<` is a word boundary in
//! Rust and a literal `<` in PCRE, `[` inside a class nests in Rust, `x{` is a literal in PCRE
//! and an error in Rust, and PCRE's `$` also matches before a final newline. Passing the text
//! through unchanged would be right for Debian's files and silently wrong for some admin-written
//! `.local` entries, so [`FcRegex::new`] parses the PCRE text and writes a Rust pattern with the
//! same meaning, and refuses (with the byte offset) what has no exact equivalent: back
//! references, lookaround, possessive quantifiers, `\h`/`\v`/`\p`-style escapes, `(?m)`/`(?x)`.
//!
//! The parse also yields the literal bytes every match must start with (used as a cheap
//! pre-filter before running the regex) and whether the whole pattern is one literal path
//! (such specs are looked up in a hash map instead).

mod class;
mod escape;

use escape::{escaped_byte, push_literal};

use std::fmt;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

/// A file_contexts regex that cannot be used: invalid, or PCRE-only syntax with no exact Rust
/// equivalent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("regex {regex:?}, byte {offset}: {message}")]
pub struct RegexError {
    /// The regex as written in the file.
    pub regex: String,
    /// 0-based byte offset in `regex` where the problem is (0 when only the whole is known).
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// What PCRE's `$` means without `PCRE2_MULTILINE`: the end, or just before a final newline.
const END: &str = r"(?:\n?\z)";

/// One file_contexts regex, ready to match paths with libselinux 3.4 semantics.
#[derive(Clone)]
pub struct FcRegex {
    source: String,
    pattern: String,
    prefix: Vec<u8>,
    exact: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl fmt::Debug for FcRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FcRegex")
            .field("source", &self.source)
            .field("pattern", &self.pattern)
            .field("prefix", &String::from_utf8_lossy(&self.prefix))
            .field("exact", &self.exact)
            .finish()
    }
}

impl FcRegex {
    /// Translates `regex` (as written in a file_contexts line). Syntax is checked here; the
    /// Rust regex itself is compiled on the first [`is_match`](Self::is_match) that needs it.
    pub fn new(regex: &str) -> Result<FcRegex, RegexError> {
        let anchored = format!("^{regex}$");
        let t = Translator::new(anchored.as_bytes()).run().map_err(|(at, message)| RegexError {
            regex: regex.to_owned(),
            offset: at.saturating_sub(1).min(regex.len()),
            message,
        })?;
        let pattern = format!("(?s-u){}", t.out);
        if t.needs_check {
            let parsed = regex_syntax::ast::parse::Parser::new().parse(&pattern);
            if let Err(e) = parsed {
                let text = e.to_string();
                let message = text.lines().last().unwrap_or("invalid regex").trim().to_owned();
                return Err(RegexError { regex: regex.to_owned(), offset: 0, message });
            }
        }
        Ok(FcRegex {
            source: regex.to_owned(),
            pattern,
            prefix: t.prefix,
            exact: t.exact,
            compiled: OnceLock::new(),
        })
    }

    /// The regex as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The equivalent pattern for the Rust `regex` crate (bytes mode).
    pub fn rust_pattern(&self) -> &str {
        &self.pattern
    }

    /// Bytes every matching path starts with (possibly empty, e.g. for `(/.*)?`).
    pub fn literal_prefix(&self) -> &[u8] {
        &self.prefix
    }

    /// The one path this regex matches, when it has no regex operators at all (`/etc/passwd`,
    /// `/etc/monerod\.conf`). PCRE's `$` also lets that path followed by `\n` match.
    pub fn exact_path(&self) -> Option<&[u8]> {
        self.exact.then_some(self.prefix.as_slice())
    }

    /// Whether `path` matches the whole regex, as libselinux's anchored PCRE2 match decides.
    pub fn is_match(&self, path: &[u8]) -> bool {
        if self.exact {
            return path == self.prefix.as_slice()
                || path.strip_suffix(b"\n") == Some(self.prefix.as_slice());
        }
        if !path.starts_with(&self.prefix) {
            return false;
        }
        // Syntax was validated in `new`, so building can only fail on the size limit, which
        // no file_contexts regex comes near; such a spec then never matches.
        self.compiled
            .get_or_init(|| RegexBuilder::new(&self.pattern).build().ok())
            .as_ref()
            .is_some_and(|re| re.is_match(path))
    }
}

/// The result of translating one anchored regex.
struct Translated {
    out: String,
    prefix: Vec<u8>,
    exact: bool,
    /// The pattern uses constructs copied through unchecked (`(?…)`, `{n,m}`): let the Rust
    /// parser confirm it accepts them. Everything else was fully checked by the translation.
    needs_check: bool,
}

/// A translation error: offset in the anchored text and message.
type Fail = (usize, String);

/// Walks the anchored PCRE text once, writing the Rust pattern and tracking the literal prefix.
struct Translator<'a> {
    src: &'a [u8],
    pos: usize,
    out: String,
    depth: usize,
    prefix: Vec<u8>,
    /// Still collecting prefix bytes: nothing but plain literals seen since the leading `^`.
    prefix_open: bool,
    /// The last atom was a literal byte pushed onto `prefix` (a quantifier takes it back).
    last_in_prefix: bool,
    top_level_alternation: bool,
    exact: bool,
    /// The last item can take a quantifier (a literal, class, `.`, group).
    repeatable: bool,
    needs_check: bool,
}

impl<'a> Translator<'a> {
    fn new(src: &'a [u8]) -> Self {
        Translator {
            src,
            pos: 0,
            out: String::with_capacity(src.len() + 16),
            depth: 0,
            prefix: Vec::new(),
            prefix_open: true,
            last_in_prefix: false,
            top_level_alternation: false,
            exact: false,
            repeatable: false,
            needs_check: false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn close_prefix(&mut self) {
        self.prefix_open = false;
        self.last_in_prefix = false;
    }

    /// Marks whether the item just written can be quantified.
    fn item(&mut self, repeatable: bool) {
        self.repeatable = repeatable;
    }

    fn run(mut self) -> Result<Translated, Fail> {
        while let Some(c) = self.bump() {
            let at = self.pos - 1;
            match c {
                b'\\' => self.escape(at)?,
                b'[' => {
                    self.close_prefix();
                    let class = class::translate(self.src, &mut self.pos, at)?;
                    self.out.push_str(&class);
                    self.item(true);
                }
                b'(' => self.group(at)?,
                b')' => {
                    self.depth = self.depth.checked_sub(1).ok_or((at, "unmatched `)`".into()))?;
                    self.close_prefix();
                    self.out.push(')');
                    self.item(true);
                }
                b'|' => {
                    if self.depth == 0 {
                        self.top_level_alternation = true;
                    }
                    self.close_prefix();
                    self.out.push('|');
                    self.item(false);
                }
                b'?' | b'*' | b'+' => self.quantifier(char::from(c).to_string().as_str(), at)?,
                b'{' => match self.counted_repetition() {
                    Some(len) => {
                        let text = self.src.get(at..at + len).unwrap_or_default();
                        self.pos = at + len;
                        self.needs_check = true;
                        self.quantifier(&String::from_utf8_lossy(text), at)?;
                    }
                    None => self.literal(c),
                },
                b'^' => {
                    if at != 0 {
                        self.close_prefix();
                    }
                    self.out.push('^');
                    self.item(false);
                }
                b'$' => {
                    if at + 1 == self.src.len() && self.prefix_open {
                        self.exact = true;
                    }
                    self.close_prefix();
                    self.out.push_str(END);
                    self.item(false);
                }
                b'.' => {
                    self.close_prefix();
                    self.out.push('.');
                    self.item(true);
                }
                _ => self.literal(c),
            }
        }
        if self.depth != 0 {
            return Err((self.src.len(), "missing `)`".into()));
        }
        if self.top_level_alternation {
            // `^a|b$` anchors only the first alternative: no prefix is guaranteed.
            self.prefix.clear();
            self.exact = false;
        }
        Ok(Translated {
            out: self.out,
            prefix: self.prefix,
            exact: self.exact,
            needs_check: self.needs_check,
        })
    }

    /// A byte that matches itself.
    fn literal(&mut self, b: u8) {
        push_literal(&mut self.out, b);
        if self.prefix_open {
            self.prefix.push(b);
            self.last_in_prefix = true;
        }
        self.item(true);
    }

    /// `?`, `*`, `+` or a counted `{n,m}` (already consumed; `text` is its spelling).
    fn quantifier(&mut self, text: &str, at: usize) -> Result<(), Fail> {
        if !self.repeatable {
            return Err((at, "quantifier does not follow a repeatable item".into()));
        }
        self.item(false);
        if self.last_in_prefix {
            // The quantified byte is optional or repeated: it is not a guaranteed prefix.
            self.prefix.pop();
        }
        self.close_prefix();
        self.out.push_str(text);
        match self.peek() {
            Some(b'+') => Err((at, "possessive quantifiers are not supported".into())),
            Some(b'?') => {
                self.pos += 1;
                self.out.push('?');
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Length of a PCRE2 10.42 counted repetition starting at the `{` just consumed
    /// (`{n}`, `{n,}`, `{n,m}`), or `None` when PCRE reads the `{` as a literal.
    fn counted_repetition(&self) -> Option<usize> {
        let rest = self.src.get(self.pos..)?;
        let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
        let n = digits(rest);
        if n == 0 {
            return None;
        }
        let mut i = n;
        if rest.get(i) == Some(&b',') {
            i += 1;
            i += digits(rest.get(i..)?);
        }
        (rest.get(i) == Some(&b'}')).then_some(i + 2)
    }

    /// `\` outside a class (the `\` at `at` is consumed).
    fn escape(&mut self, at: usize) -> Result<(), Fail> {
        let n = self.bump().ok_or((at, "`\\` at the end of the regex".into()))?;
        if !n.is_ascii_alphanumeric() {
            self.literal(n);
            return Ok(());
        }
        match n {
            b'd' | b'D' | b's' | b'S' | b'w' | b'W' => {
                self.close_prefix();
                self.out.push('\\');
                self.out.push(char::from(n));
                self.item(true);
            }
            b'b' | b'B' | b'A' | b'z' => {
                self.close_prefix();
                self.out.push('\\');
                self.out.push(char::from(n));
                self.item(false);
            }
            b'Z' => {
                self.close_prefix();
                self.out.push_str(END);
                self.item(false);
            }
            _ => {
                let b = escaped_byte(self.src, &mut self.pos, n, at)?;
                self.literal(b);
            }
        }
        Ok(())
    }

    /// `(` (consumed at `at`), with the PCRE extensions that have a Rust equivalent.
    fn group(&mut self, at: usize) -> Result<(), Fail> {
        self.close_prefix();
        self.item(false);
        self.depth += 1;
        if self.depth > 32 {
            // Let the Rust parser apply its nesting limit now rather than fail at compile time.
            self.needs_check = true;
        }
        if self.peek() != Some(b'?') {
            self.out.push('(');
            return Ok(());
        }
        self.needs_check = true;
        let unsupported = || (at, "this `(?…)` construct is not supported".to_owned());
        match self.peek_at(1) {
            Some(b':') => {
                self.pos += 2;
                self.out.push_str("(?:");
            }
            Some(b'P') if self.peek_at(2) == Some(b'<') => {
                self.pos += 3;
                self.named_group(at)?;
            }
            Some(b'<') if self.peek_at(2).is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') => {
                self.pos += 2;
                self.named_group(at)?;
            }
            Some(b'i' | b's' | b'U' | b'-') => {
                self.pos += 1;
                self.out.push_str("(?");
                loop {
                    match self.bump() {
                        Some(c @ (b'i' | b's' | b'U' | b'-')) => self.out.push(char::from(c)),
                        Some(b':') => {
                            self.out.push(':');
                            break;
                        }
                        Some(b')') => {
                            // `(?i)`: flags for the rest of the enclosing group, no new group.
                            self.out.push(')');
                            self.depth -= 1;
                            break;
                        }
                        _ => return Err(unsupported()),
                    }
                }
            }
            _ => return Err(unsupported()),
        }
        Ok(())
    }

    /// The name of `(?<name>…)` / `(?P<name>…)`; `pos` is just after the `<`.
    fn named_group(&mut self, at: usize) -> Result<(), Fail> {
        let rest = self.src.get(self.pos..).unwrap_or_default();
        let len = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
        if len == 0 || rest.get(len) != Some(&b'>') {
            return Err((at, "bad group name".into()));
        }
        let name = String::from_utf8_lossy(rest.get(..len).unwrap_or_default()).into_owned();
        self.pos += len + 1;
        self.out.push_str("(?P<");
        self.out.push_str(&name);
        self.out.push('>');
        Ok(())
    }
}

#[cfg(test)]
mod tests;
