//! file_contexts: parsing and lookup with libselinux 3.4–3.7 semantics.
//!
//! STUB: interface only; the implementation lands with the file_contexts work.

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

/// A loaded set of file_contexts specs plus path substitutions.
#[derive(Debug, Default)]
pub struct FileContexts {
    specs: Vec<Spec>,
}

impl FileContexts {
    /// Loads the files in libselinux order: `main`, `homedirs`, `local`; `.subs_dist` and
    /// `.subs` give path equivalences.
    pub fn from_texts(
        main: FcText<'_>,
        homedirs: Option<FcText<'_>>,
        local: Option<FcText<'_>>,
        subs_dist: Option<FcText<'_>>,
        subs: Option<FcText<'_>>,
    ) -> Result<FileContexts, PolicyError> {
        let _ = (main, homedirs, local, subs_dist, subs);
        Ok(FileContexts::default())
    }

    /// The default context for `path` with file type `mode`, as `selabel_lookup` gives it.
    pub fn lookup(&self, path: &[u8], mode: FileMode) -> Lookup<'_> {
        let _ = (path, mode);
        Lookup::NoMatch
    }

    /// Applies `.subs` then `.subs_dist` equivalences (at most one of each), as libselinux does
    /// before matching. Returns the path unchanged when none applies.
    pub fn substitute(&self, path: &[u8]) -> Vec<u8> {
        path.to_vec()
    }

    /// All specs in load order (main, homedirs, local; file order within each).
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }
}
