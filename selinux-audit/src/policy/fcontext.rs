//! file_contexts: parsing and lookup with libselinux 3.4–3.7 semantics.
//!
//! [`FileContexts`] answers "what label should this path have", exactly as `selabel_lookup`
//! (and so `matchpathcon`, `restorecon`) of libselinux 3.4 answers it from the text files
//! `file_contexts`, `.homedirs`, `.local`, `.subs_dist` and `.subs`:
//!
//! 1. The key is normalised ([`normalize_path`]) and rewritten by at most one `.subs` entry and
//!    then at most one `.subs_dist` entry ([`FileContexts::substitute`]).
//! 2. Specs are tried in libselinux's precedence order: every literal spec after every regex
//!    spec, file order (main, `.homedirs`, `.local`) inside each group, last one first. A spec
//!    with a stem ([`spec_stem`]) is only tried for keys with the same stem; a spec with a file
//!    type is skipped when the lookup's mode is another type (mode [`FileMode::Any`] skips
//!    nothing).
//! 3. The first spec whose regex matches the whole key wins; if it says `<<none>>` the answer is
//!    "no label" ([`Lookup::NoLabel`]), and earlier specs are not consulted.
//!
//! libselinux 3.8+ (Debian 13, Fedora 42) uses a tree and differs only for mode 0 lookups of a
//! literal path listed twice with different file types (3.4 takes the later spec, 3.8+ the
//! earlier one): pass the real mode and the answers agree.
//!
//! Regexes are PCRE2 text translated to the Rust `regex` crate ([`FcRegex`]); loading never
//! does file I/O (see `system::policy_files`).
//!
//! # Where we knowingly differ from libselinux 3.4
//!
//! * We refuse to load, with file and line, some input libselinux accepts: regexes using
//!   PCRE-only syntax (back-references, lookaround, possessive quantifiers, `\h`, `\v`, `\p`,
//!   `(?m)`, `(?x)`, …), regexes PCRE itself rejects (libselinux fails only the lookups that
//!   reach them), contexts that are not `user:role:type[:level]`, and a non-UTF-8 `.subs`.
//! * A regex whose PCRE meaning needs `$` to match before a newline *inside* the pattern
//!   (`a$\n`) never matches here; and a counted repetition so large that the Rust compiler's
//!   size limit refuses it makes that spec never match. Neither occurs in real policies.
//! * `.subs` lines longer than 1022 bytes are one entry here, several in libselinux.
//!
//! `tests/fcontext_oracle.rs` compares lookups with the real `matchpathcon` on Debian's policy,
//! the same with a test `.local`/`.subs`, the VM's policy and the fixtures.

mod index;
mod key;
mod parse;
mod pattern;
mod subs;

pub use key::{has_meta_chars, normalize_path, spec_stem};
pub use pattern::{FcRegex, RegexError};
pub use subs::{SubsEntry, SubsFile};

use std::path::PathBuf;

use serde::Serialize;

use crate::context::SecurityContext;
use crate::error::PolicyError;

/// The file type a spec applies to (`--`, `-d`, …) or a lookup asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileMode {
    /// No flag in a spec ("all file types") / unknown mode in a lookup (libselinux mode 0).
    Any,
    /// `--` regular file.
    File,
    /// `-d` directory.
    Dir,
    /// `-l` symbolic link.
    Symlink,
    /// `-c` character device.
    Char,
    /// `-b` block device.
    Block,
    /// `-s` socket.
    Socket,
    /// `-p` named pipe.
    Fifo,
}

impl FileMode {
    /// The mode an AVC's object class implies (`file` → File, `dir` → Dir, `lnk_file` → Symlink,
    /// …). Classes that are not filesystem objects give `None`.
    pub fn from_class(class: &str) -> Option<FileMode> {
        Some(match class {
            "file" => FileMode::File,
            "dir" => FileMode::Dir,
            "lnk_file" => FileMode::Symlink,
            "chr_file" => FileMode::Char,
            "blk_file" => FileMode::Block,
            "sock_file" => FileMode::Socket,
            "fifo_file" => FileMode::Fifo,
            _ => return None,
        })
    }

    /// The mode of an `st_mode` value (`S_IFMT` bits); 0 or unknown bits give `Any`.
    pub fn from_st_mode(mode: u32) -> FileMode {
        match mode & 0o170_000 {
            0o100_000 => FileMode::File,
            0o040_000 => FileMode::Dir,
            0o120_000 => FileMode::Symlink,
            0o020_000 => FileMode::Char,
            0o060_000 => FileMode::Block,
            0o140_000 => FileMode::Socket,
            0o010_000 => FileMode::Fifo,
            _ => FileMode::Any,
        }
    }

    /// The mode of a file_contexts file-type field (`--`, `-d`, `-l`, `-c`, `-b`, `-s`, `-p`).
    /// Anything else (including an empty string) gives `None`.
    pub fn from_flag(flag: &str) -> Option<FileMode> {
        Some(match flag {
            "--" => FileMode::File,
            "-d" => FileMode::Dir,
            "-l" => FileMode::Symlink,
            "-c" => FileMode::Char,
            "-b" => FileMode::Block,
            "-s" => FileMode::Socket,
            "-p" => FileMode::Fifo,
            _ => return None,
        })
    }

    /// The file_contexts flag (`--`, `-d`, …; empty for `Any`).
    pub fn flag(self) -> &'static str {
        match self {
            FileMode::Any => "",
            FileMode::File => "--",
            FileMode::Dir => "-d",
            FileMode::Symlink => "-l",
            FileMode::Char => "-c",
            FileMode::Block => "-b",
            FileMode::Socket => "-s",
            FileMode::Fifo => "-p",
        }
    }

    /// The `semanage fcontext -f` argument (`f`, `d`, `l`, `c`, `b`, `s`, `p`; `a` for Any).
    pub fn semanage_flag(self) -> &'static str {
        match self {
            FileMode::Any => "a",
            FileMode::File => "f",
            FileMode::Dir => "d",
            FileMode::Symlink => "l",
            FileMode::Char => "c",
            FileMode::Block => "b",
            FileMode::Socket => "s",
            FileMode::Fifo => "p",
        }
    }
}

/// Which file a spec came from, in libselinux load order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FcFile {
    /// `file_contexts`.
    Main,
    /// `file_contexts.homedirs`.
    Homedirs,
    /// `file_contexts.local` (what `semanage fcontext -a` writes).
    Local,
}

/// One line of a file_contexts file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Spec {
    /// The regex as written.
    pub regex: String,
    /// File-type restriction.
    pub mode: FileMode,
    /// The context, or `None` for `<<none>>`.
    pub context: Option<SecurityContext>,
    /// Which file.
    pub file: FcFile,
    /// 1-based line in that file.
    pub line: u64,
}

/// The text of one file_contexts file and the path to name in messages.
#[derive(Clone, Debug)]
pub struct FcText<'a> {
    /// Path, for error messages.
    pub path: PathBuf,
    /// The file's text.
    pub text: &'a str,
}

/// The result of a lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The winning spec gives this context.
    Context(&'a SecurityContext, &'a Spec),
    /// The winning spec is `<<none>>`: restorecon leaves the path alone.
    NoLabel(&'a Spec),
    /// No spec matches.
    NoMatch,
}

impl<'a> Lookup<'a> {
    /// The default context, when there is one.
    pub fn context(&self) -> Option<&'a SecurityContext> {
        match self {
            Lookup::Context(context, _) => Some(context),
            Lookup::NoLabel(_) | Lookup::NoMatch => None,
        }
    }

    /// The winning spec (also for `<<none>>`).
    pub fn spec(&self) -> Option<&'a Spec> {
        match self {
            Lookup::Context(_, spec) | Lookup::NoLabel(spec) => Some(spec),
            Lookup::NoMatch => None,
        }
    }
}

/// A lookup with the steps that led to it, for explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The key that was matched: normalised, then substituted.
    pub key: Vec<u8>,
    /// The equivalences applied, in order: at most one from `.subs`, then at most one from
    /// `.subs_dist`.
    pub substitutions: Vec<&'a SubsEntry>,
    /// The answer.
    pub result: Lookup<'a>,
}

/// A loaded set of file_contexts specs plus path substitutions.
#[derive(Debug, Default)]
pub struct FileContexts {
    specs: Vec<Spec>,
    /// `.subs` entries then `.subs_dist` entries, each in the order they are tried.
    subs: Vec<SubsEntry>,
    /// How many of `subs` come from `.subs`.
    local_subs: usize,
    index: index::Index,
}

impl FileContexts {
    /// Loads the files in libselinux order: `main`, `homedirs`, `local`; `.subs_dist` and
    /// `.subs` give path equivalences.
    ///
    /// Fails with [`PolicyError::Text`] (file and line) on a line libselinux would refuse, an
    /// unparsable context, or a regex that is invalid or has no exact Rust equivalent.
    pub fn from_texts(
        main: FcText<'_>,
        homedirs: Option<FcText<'_>>,
        local: Option<FcText<'_>>,
        subs_dist: Option<FcText<'_>>,
        subs: Option<FcText<'_>>,
    ) -> Result<FileContexts, PolicyError> {
        let files =
            [(FcFile::Main, Some(main)), (FcFile::Homedirs, homedirs), (FcFile::Local, local)];
        let mut specs = Vec::new();
        let mut regexes = Vec::new();
        let mut literal = Vec::new();
        for (file, text) in &files {
            let Some(text) = text else { continue };
            for spec in parse::parse_specs(text, *file)? {
                let regex = FcRegex::new(&spec.regex).map_err(|e| PolicyError::Text {
                    path: text.path.clone(),
                    line: spec.line,
                    message: e.to_string(),
                })?;
                literal.push(!has_meta_chars(&spec.regex));
                regexes.push(regex);
                specs.push(spec);
            }
        }
        let index = index::Index::build(&specs, regexes, &literal);
        let mut all_subs = subs.map(|t| subs::parse_subs(&t, SubsFile::Subs)).unwrap_or_default();
        let local_subs = all_subs.len();
        if let Some(t) = subs_dist {
            all_subs.extend(subs::parse_subs(&t, SubsFile::SubsDist));
        }
        Ok(FileContexts { specs, subs: all_subs, local_subs, index })
    }

    /// The default context for `path` with file type `mode`, as `selabel_lookup` gives it.
    pub fn lookup(&self, path: &[u8], mode: FileMode) -> Lookup<'_> {
        self.resolve(path, mode).result
    }

    /// [`lookup`](Self::lookup), also returning the key actually matched and the equivalences
    /// that produced it.
    pub fn resolve(&self, path: &[u8], mode: FileMode) -> Resolved<'_> {
        let normalized = normalize_path(path);
        if normalized.is_empty() {
            // libselinux: EINVAL.
            return Resolved {
                key: normalized,
                substitutions: Vec::new(),
                result: Lookup::NoMatch,
            };
        }
        let (key, substitutions) = self.substitute_detail(normalized);
        let result = match self.index.find(&key, mode).and_then(|i| self.specs.get(i)) {
            Some(spec) => match &spec.context {
                Some(context) => Lookup::Context(context, spec),
                None => Lookup::NoLabel(spec),
            },
            None => Lookup::NoMatch,
        };
        Resolved { key, substitutions, result }
    }

    /// [`lookup`](Self::lookup) as if the specs of `skip` (e.g. [`FcFile::Local`]) were not
    /// loaded: what the default would be once the local rules are deleted.
    pub fn lookup_without(&self, path: &[u8], mode: FileMode, skip: FcFile) -> Lookup<'_> {
        let normalized = normalize_path(path);
        if normalized.is_empty() {
            return Lookup::NoMatch;
        }
        let (key, _) = self.substitute_detail(normalized);
        let keep = |i: usize| self.specs.get(i).is_some_and(|s| s.file != skip);
        match self.index.find_where(&key, mode, &keep).and_then(|i| self.specs.get(i)) {
            Some(spec) => match &spec.context {
                Some(context) => Lookup::Context(context, spec),
                None => Lookup::NoLabel(spec),
            },
            None => Lookup::NoMatch,
        }
    }

    /// Applies `.subs` then `.subs_dist` equivalences (at most one of each), as libselinux does
    /// before matching. Returns the path unchanged when none applies. (No normalisation: give
    /// it a [`normalize_path`] result to reproduce a lookup's key.)
    pub fn substitute(&self, path: &[u8]) -> Vec<u8> {
        self.substitute_detail(path.to_vec()).0
    }

    fn substitute_detail(&self, key: Vec<u8>) -> (Vec<u8>, Vec<&SubsEntry>) {
        let (local, dist) = self.subs.split_at_checked(self.local_subs).unwrap_or((&[], &[]));
        let mut applied = Vec::new();
        let mut key = key;
        for list in [local, dist] {
            if let Some((out, entry)) = subs::first_match(list, &key) {
                key = out;
                applied.push(entry);
            }
        }
        (key, applied)
    }

    /// All specs in load order (main, homedirs, local; file order within each).
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// All equivalences: `.subs` entries, then `.subs_dist` entries, each in the order
    /// libselinux tries them (last line of the file first).
    pub fn subs(&self) -> &[SubsEntry] {
        &self.subs
    }

    /// The compiled form of one of this set's specs (found by identity, not by value, in
    /// O(number of specs); use [`specs_with_regexes`](Self::specs_with_regexes) to walk all).
    pub fn regex(&self, spec: &Spec) -> Option<&FcRegex> {
        let i = self.specs.iter().position(|s| std::ptr::eq(s, spec))?;
        self.index.regex_of(i)
    }

    /// Every spec in load order with its compiled regex.
    pub fn specs_with_regexes(&self) -> impl Iterator<Item = (&Spec, &FcRegex)> {
        self.specs
            .iter()
            .enumerate()
            .filter_map(|(i, spec)| self.index.regex_of(i).map(|rx| (spec, rx)))
    }

    /// Specs about `dir`'s subtree: those whose literal prefix is `dir` itself or a path under
    /// it (`/srv/myapp(/.*)?` and `/srv/myapp/data` are under `/srv/myapp`; `/srv(/.*)?` and
    /// `/srv/myapp2` are not), in load order.
    pub fn specs_under(&self, dir: &[u8]) -> Vec<&Spec> {
        let dir = normalize_path(dir);
        let root = dir.as_slice() == b"/";
        self.index
            .specs_where(|rx| match rx.literal_prefix().strip_prefix(dir.as_slice()) {
                Some(rest) => root || rest.is_empty() || rest.first() == Some(&b'/'),
                None => false,
            })
            .into_iter()
            .filter_map(|i| self.specs.get(i))
            .collect()
    }
}
