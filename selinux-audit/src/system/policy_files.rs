//! Finding and reading the policy files of a policy root (`/etc/selinux/TYPE` layout).
//!
//! This is the only module that reads policy files; everything it reads is handed to the pure
//! parsers in [`crate::policy`]. Only the text forms are read: the compiled
//! `file_contexts*.bin` files are never opened (their format is arch- and version-specific).
//! libselinux uses a `.bin` instead of its text file when the `.bin` is at least as new; both are
//! written together by `semodule`/`semanage`, so they agree unless someone edited the text by
//! hand without recompiling.

use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::PolicyError;
use crate::policy::fcontext::{FcText, FileContexts};

/// `/etc/selinux/config`'s `SELINUXTYPE=` → `/etc/selinux/TYPE`, when that directory exists.
///
/// The directory is taken relative to the config file's directory, so a copied tree works.
pub fn detect_root(config: &Path) -> Option<PathBuf> {
    let text = fs::read(config).ok()?;
    let policy_type = selinux_type(&String::from_utf8_lossy(&text))?;
    let root = config.parent()?.join(policy_type);
    root.is_dir().then_some(root)
}

/// The `SELINUXTYPE=` value of an `/etc/selinux/config`-style text, read as libselinux does:
/// leading blanks and `#` comments skipped, the tag matched case-insensitively, trailing blanks
/// and control characters dropped, the last occurrence winning. A value that could leave the
/// directory (`/`, `.`, `..`) or is empty gives `None`.
pub fn selinux_type(config_text: &str) -> Option<String> {
    const TAG: &str = "SELINUXTYPE=";
    let mut found = None;
    for line in config_text.lines() {
        let line = line.trim_start();
        let Some(head) = line.get(..TAG.len()) else { continue };
        if !head.eq_ignore_ascii_case(TAG) {
            continue;
        }
        let value = line.get(TAG.len()..).unwrap_or_default();
        let value =
            value.trim_start().trim_end_matches(|c: char| c.is_whitespace() || c.is_control());
        found = Some(value.to_owned());
    }
    found.filter(|v| !v.is_empty() && v != "." && v != ".." && !v.contains('/'))
}

/// The highest-numbered `ROOT/policy/policy.N` (what libselinux and setools load when SELinux
/// is not running).
pub fn highest_policy_file(root: &Path) -> Option<PathBuf> {
    let dir = root.join("policy");
    let mut best: Option<(u32, PathBuf)> = None;
    for entry in fs::read_dir(&dir).ok()?.flatten() {
        let name = entry.file_name();
        let Some(version) = name.to_str().and_then(|n| n.strip_prefix("policy.")) else {
            continue;
        };
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(version) = version.parse::<u32>() else { continue };
        if best.as_ref().is_none_or(|(v, _)| version > *v) {
            best = Some((version, entry.path()));
        }
    }
    best.map(|(_, path)| path)
}

/// Loads `ROOT/contexts/files/file_contexts` with `.homedirs`, `.local`, `.subs_dist`, `.subs`
/// (missing optional files are fine; a missing main file is an error).
pub fn load_file_contexts(root: &Path) -> Result<FileContexts, PolicyError> {
    load_file_contexts_at(&root.join("contexts").join("files").join("file_contexts"))
}

/// Loads the file_contexts file `path` plus `path.homedirs`, `path.local`, `path.subs_dist` and
/// `path.subs` when they exist: what libselinux does with `SELABEL_OPT_PATH` (`matchpathcon -f`,
/// `selabel_lookup -f`), so a copied directory behaves like the real one.
pub fn load_file_contexts_at(path: &Path) -> Result<FileContexts, PolicyError> {
    let main = read_spec_file(path)?
        .ok_or_else(|| PolicyError::NotFound(format!("{}: no file_contexts", path.display())))?;
    let homedirs = read_spec_file(&with_suffix(path, ".homedirs"))?;
    let local = read_spec_file(&with_suffix(path, ".local"))?;
    let subs_dist = read_subs_file(&with_suffix(path, ".subs_dist"))?;
    let subs = read_subs_file(&with_suffix(path, ".subs"))?;
    FileContexts::from_texts(
        FcText { path: main.0.clone(), text: &main.1 },
        as_text(&homedirs),
        as_text(&local),
        as_text(&subs_dist),
        as_text(&subs),
    )
}

/// `ROOT/contexts/customizable_types` (empty when absent): one type per line; blank lines and
/// `#` comments are skipped, duplicates dropped.
pub fn read_customizable_types(root: &Path) -> Vec<String> {
    let Ok(bytes) = fs::read(root.join("contexts").join("customizable_types")) else {
        return Vec::new();
    };
    let mut types: Vec<String> = Vec::new();
    for line in String::from_utf8_lossy(&bytes).lines() {
        let line = line.trim();
        if !line.is_empty() && !line.starts_with('#') && !types.iter().any(|t| t == line) {
            types.push(line.to_owned());
        }
    }
    types
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

fn as_text(file: &Option<(PathBuf, String)>) -> Option<FcText<'_>> {
    file.as_ref().map(|(path, text)| FcText { path: path.clone(), text: text.as_str() })
}

/// The bytes of `path`, `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, PolicyError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PolicyError::Io { path: path.to_owned(), source }),
    }
}

/// A spec file as text. Invalid UTF-8 becomes U+FFFD: that is non-ASCII, so the parser reports
/// it with its line when it is in a field, and ignores it in a comment, as libselinux does.
fn read_spec_file(path: &Path) -> Result<Option<(PathBuf, String)>, PolicyError> {
    Ok(read_optional(path)?
        .map(|bytes| (path.to_owned(), String::from_utf8_lossy(&bytes).into_owned())))
}

/// An equivalence file as text. Its paths are used as bytes by libselinux, so a lossy
/// conversion would silently change them: invalid UTF-8 is an error naming the line.
fn read_subs_file(path: &Path) -> Result<Option<(PathBuf, String)>, PolicyError> {
    let Some(bytes) = read_optional(path)? else { return Ok(None) };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some((path.to_owned(), text))),
        Err(e) => {
            let valid = e.as_bytes().get(..e.utf8_error().valid_up_to()).unwrap_or_default();
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count() as u64;
            Err(PolicyError::Text {
                path: path.to_owned(),
                line,
                message: "not valid UTF-8 (paths in equivalence files must be UTF-8 here)".into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selinux_type_parsing() {
        let config = "# SELINUXTYPE=mls\nSELINUX=permissive\n selinuxtype= default \t\r\n";
        assert_eq!(selinux_type(config).as_deref(), Some("default"));
        assert_eq!(selinux_type("SELINUXTYPE=a\nSELINUXTYPE=b\n").as_deref(), Some("b"));
        assert_eq!(selinux_type("SELINUXTYPE=../x\n"), None);
        assert_eq!(selinux_type("SELINUXTYPE=\n"), None);
        assert_eq!(selinux_type("SELINUX=enforcing\n"), None);
    }

    #[test]
    fn suffixes() {
        assert_eq!(with_suffix(Path::new("/a/fc"), ".local"), PathBuf::from("/a/fc.local"));
    }
}
