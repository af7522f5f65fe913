//! Path equivalences: `file_contexts.subs` (admin, `semanage fcontext -a -e`) and
//! `file_contexts.subs_dist` (distribution).
//!
//! Each non-comment line gives `SRC DST` (the first two words; a line with fewer is skipped,
//! anything after is ignored). libselinux 3.4 prepends every line to a list, so the **last**
//! line of a file is tried first. A key matches an entry when it starts with `SRC` followed by
//! `/` or the end; it becomes `DST` + the rest (without doubling the `/` when `DST` is `/`).
//! Only the first matching `.subs` entry applies, then the first matching `.subs_dist` entry
//! on the result: at most one of each, never recursively, and the result is not normalised
//! again.
//!
//! libselinux reads these files with a 1 KiB line buffer, so it splits lines longer than
//! 1022 bytes into several entries; we do not (no real path is that long).

use serde::Serialize;

use super::FcText;
use super::key::is_c_space;

/// Which equivalence file an entry came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubsFile {
    /// `file_contexts.subs` (admin; tried first).
    Subs,
    /// `file_contexts.subs_dist` (distribution; tried on the result).
    SubsDist,
}

/// One `SRC DST` equivalence: paths under `src` are labelled like the same paths under `dst`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubsEntry {
    /// The alias (`/web` in `semanage fcontext -a -e /var/www /web`).
    pub src: String,
    /// The path whose labels apply (`/var/www`).
    pub dst: String,
    /// Which file.
    pub file: SubsFile,
    /// 1-based line in that file.
    pub line: u64,
}

impl SubsEntry {
    /// `key` rewritten by this entry, or `None` when `key` is not `src` or under it.
    pub fn apply(&self, key: &[u8]) -> Option<Vec<u8>> {
        let rest = key.strip_prefix(self.src.as_bytes())?;
        let rest = match rest.first() {
            None => rest,
            Some(b'/') if self.dst == "/" => rest.get(1..).unwrap_or_default(),
            Some(b'/') => rest,
            Some(_) => return None,
        };
        let mut out = Vec::with_capacity(self.dst.len() + rest.len());
        out.extend_from_slice(self.dst.as_bytes());
        out.extend_from_slice(rest);
        Some(out)
    }
}

/// Parses one equivalence file into entries in the order libselinux tries them (last line
/// first).
pub(crate) fn parse_subs(text: &FcText<'_>, file: SubsFile) -> Vec<SubsEntry> {
    let mut entries = Vec::new();
    for (line, raw) in (1u64..).zip(text.text.split('\n')) {
        let raw = raw.split('\0').next().unwrap_or_default();
        let body = raw.trim_start_matches(is_c_space);
        if body.starts_with('#') {
            continue;
        }
        let mut words = body.split(is_c_space).filter(|w| !w.is_empty());
        if let (Some(src), Some(dst)) = (words.next(), words.next()) {
            entries.push(SubsEntry { src: src.to_owned(), dst: dst.to_owned(), file, line });
        }
    }
    entries.reverse();
    entries
}

/// The first entry of `list` that rewrites `key`, with the rewritten key.
pub(crate) fn first_match<'s>(
    list: &'s [SubsEntry],
    key: &[u8],
) -> Option<(Vec<u8>, &'s SubsEntry)> {
    list.iter().find_map(|entry| entry.apply(key).map(|out| (out, entry)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn entry(src: &str, dst: &str) -> SubsEntry {
        SubsEntry { src: src.into(), dst: dst.into(), file: SubsFile::Subs, line: 1 }
    }

    #[test]
    fn boundary_and_root_rules() {
        assert_eq!(entry("/web", "/var/www").apply(b"/web/x"), Some(b"/var/www/x".to_vec()));
        assert_eq!(entry("/web", "/var/www").apply(b"/web"), Some(b"/var/www".to_vec()));
        assert_eq!(entry("/web", "/var/www").apply(b"/website"), None);
        assert_eq!(entry("/chroot", "/").apply(b"/chroot/etc"), Some(b"/etc".to_vec()));
        assert_eq!(entry("/chroot", "/").apply(b"/chroot"), Some(b"/".to_vec()));
    }

    #[test]
    fn lifo_order_and_comments() {
        let text = "# c\n/a /b\n  /c\t/d trailing\nonlyone\n\n/a /z";
        let list = parse_subs(&FcText { path: PathBuf::from("s"), text }, SubsFile::SubsDist);
        let pairs: Vec<_> = list.iter().map(|e| (e.src.as_str(), e.dst.as_str(), e.line)).collect();
        assert_eq!(pairs, [("/a", "/z", 6), ("/c", "/d", 3), ("/a", "/b", 2)]);
        assert_eq!(first_match(&list, b"/a/x").map(|(k, _)| k), Some(b"/z/x".to_vec()));
    }
}
