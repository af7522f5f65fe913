//! Reading the lines of `file_contexts`, `.homedirs` and `.local`.
//!
//! A line is `REGEX [TYPE] CONTEXT`, split on C `isspace`; a line whose first non-blank
//! character is `#` is a comment, blank lines are skipped, words after the third are ignored
//! (as libselinux does), and a NUL byte ends the line.
//!
//! libselinux refuses the whole file (so `selabel_open`, `restorecon` and `matchpathcon` fail)
//! when a line has a non-ASCII byte in its first three words, only one word, or a file type
//! other than `--`, `-d`, `-l`, `-c`, `-b`, `-s`, `-p`. We fail the load the same way, with a
//! [`PolicyError::Text`] naming the file and line: skipping the line would give answers the real
//! system cannot give, and the admin needs to fix that file anyway. Two more cases are refused
//! here although libselinux only notices them later or never: a context that is not
//! `user:role:type[:level]` (or `<<none>>`), and a regex that is invalid or uses PCRE-only
//! syntax (see [`pattern`](super::pattern)).

use super::key::is_c_space;
use super::{FcFile, FcText, FileMode, Spec};
use crate::context::SecurityContext;
use crate::error::PolicyError;

/// Parses one spec file, keeping file order.
pub(crate) fn parse_specs(text: &FcText<'_>, file: FcFile) -> Result<Vec<Spec>, PolicyError> {
    let mut specs = Vec::new();
    for (number, line) in (1u64..).zip(text.text.split('\n')) {
        let fail =
            |message: String| PolicyError::Text { path: text.path.clone(), line: number, message };
        let line = line.split('\0').next().unwrap_or_default();
        let body = line.trim_start_matches(is_c_space);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = body.split(is_c_space).filter(|w| !w.is_empty()).take(3).collect();
        if let Some((i, word)) = words.iter().enumerate().find(|(_, w)| !w.is_ascii()) {
            return Err(fail(format!(
                "non-ASCII character in field {} ({word:?}); libselinux rejects the whole file",
                i + 1
            )));
        }
        let (regex, flag, context) = match words.as_slice() {
            [regex, context] => (*regex, None, *context),
            [regex, flag, context] => (*regex, Some(*flag), *context),
            _ => return Err(fail("missing fields: expected `REGEX [TYPE] CONTEXT`".into())),
        };
        let mode = match flag {
            None => FileMode::Any,
            Some(flag) => FileMode::from_flag(flag).ok_or_else(|| {
                fail(format!("invalid file type {flag:?} (expected --, -d, -l, -c, -b, -s or -p)"))
            })?,
        };
        let context = if context == "<<none>>" {
            None
        } else {
            Some(
                SecurityContext::parse(context)
                    .ok_or_else(|| fail(format!("invalid security context {context:?}")))?,
            )
        };
        specs.push(Spec { regex: regex.to_owned(), mode, context, file, line: number });
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(text: &str) -> Result<Vec<Spec>, PolicyError> {
        parse_specs(&FcText { path: PathBuf::from("fc"), text }, FcFile::Local)
    }

    #[test]
    fn fields_comments_and_flags() {
        let specs =
            parse("# comment\n\n  \t\n/a\tu:r:a_t:s0\n/b -d u:r:b_t extra words\n/c <<none>>\r\n")
                .unwrap();
        assert_eq!(specs.len(), 3);
        assert_eq!(specs[0].regex, "/a");
        assert_eq!(specs[0].line, 4);
        assert_eq!(specs[0].mode, FileMode::Any);
        assert_eq!(specs[1].mode, FileMode::Dir);
        assert_eq!(specs[1].context.as_ref().unwrap().type_, "b_t");
        assert_eq!(specs[2].context, None);
        assert_eq!(specs[2].file, FcFile::Local);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("/a u:r:a_t\n/b\n").unwrap_err();
        assert_eq!(e.to_string(), "fc:2: missing fields: expected `REGEX [TYPE] CONTEXT`");
        let e = parse("/ä u:r:a_t\n").unwrap_err();
        assert!(matches!(e, PolicyError::Text { line: 1, .. }), "{e}");
        let e = parse("/a -x u:r:a_t\n").unwrap_err();
        assert!(e.to_string().contains("invalid file type \"-x\""), "{e}");
        let e = parse("/a u:r\n").unwrap_err();
        assert!(e.to_string().contains("invalid security context"), "{e}");
        // Non-ASCII in a comment or after the third field is ignored, as libselinux does.
        assert_eq!(parse("# ä\n/a -- u:r:a_t ä\n").unwrap().len(), 1);
    }
}
