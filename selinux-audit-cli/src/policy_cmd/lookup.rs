//! `avc-fix policy lookup`: the default context of paths, printed like `matchpathcon`.
//!
//! As `matchpathcon` (libselinux 3.4) does: one trailing `/` is removed from each path (if it
//! is longer than one byte); the file type comes from `-m`, else from `lstat` of the path,
//! else (the path does not exist) it is unknown (mode 0, every spec applies); the line is
//! `PATH<TAB>CONTEXT`, or just `CONTEXT` with `-n`, and `<<none>>` when the policy gives no
//! context. Contexts are never translated (`-N` is accepted and changes nothing).
//!
//! One deliberate difference: `matchpathcon -m` reads only the first letter of its argument,
//! so `-m fifo_file` asks for a regular file there; here `fifo_file` is a named pipe (`p` is
//! accepted for it too).

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::{Result, bail};
use selinux_audit::ByteStr;
use selinux_audit::policy::PolicyModel;
use selinux_audit::policy::fcontext::{FileMode, Lookup, Spec};
use selinux_audit::report::PolicySummary;
use serde::Serialize;

use super::{Common, EXIT_USAGE};
use crate::args::Format;

/// `avc-fix policy lookup`.
#[derive(Debug, clap::Args)]
pub struct LookupArgs {
    /// Paths to look up (they need not exist).
    #[arg(value_name = "PATH", required = true, value_parser = clap::value_parser!(OsString))]
    pub paths: Vec<OsString>,

    /// Look up for this file type instead of the path's own: file, dir, lnk_file, chr_file,
    /// blk_file, sock_file, fifo_file (or f, d, l, c, b, s, p).
    #[arg(short = 'm', long = "mode", value_name = "TYPE", value_parser = parse_mode)]
    pub mode: Option<FileMode>,

    /// Print only the context, not the path.
    #[arg(short = 'n', long = "no-path")]
    pub no_path: bool,

    /// Accepted for matchpathcon compatibility: contexts are never translated here.
    #[arg(short = 'N', long = "raw")]
    pub raw: bool,

    /// Policy and format.
    #[command(flatten)]
    pub common: Common,
}

fn parse_mode(text: &str) -> Result<FileMode, String> {
    Ok(match text {
        "file" | "f" => FileMode::File,
        "dir" | "d" => FileMode::Dir,
        "lnk_file" | "l" => FileMode::Symlink,
        "chr_file" | "c" => FileMode::Char,
        "blk_file" | "b" => FileMode::Block,
        "sock_file" | "s" => FileMode::Socket,
        "fifo_file" | "p" => FileMode::Fifo,
        _ => {
            return Err("expected file, dir, lnk_file, chr_file, blk_file, sock_file or fifo_file"
                .to_owned());
        }
    })
}

/// One answer, for `--format json`.
#[derive(Serialize)]
struct Answer<'a> {
    path: ByteStr,
    /// The file type looked up (`any` when unknown).
    mode: FileMode,
    /// `null` when there is no default (`<<none>>`).
    context: Option<String>,
    /// The winning file_contexts entry (also for `<<none>>` entries).
    spec: Option<&'a Spec>,
}

#[derive(Serialize)]
struct Document<'a> {
    policy: PolicySummary,
    lookups: Vec<Answer<'a>>,
}

/// The path as matchpathcon keeps it: one trailing `/` removed.
fn trimmed(path: &[u8]) -> &[u8] {
    match path.strip_suffix(b"/") {
        Some(rest) if !rest.is_empty() => rest,
        _ => path,
    }
}

/// The path's own file type (`lstat`), or unknown when it does not exist.
fn own_mode(path: &[u8]) -> FileMode {
    std::fs::symlink_metadata(Path::new(std::ffi::OsStr::from_bytes(path)))
        .map_or(FileMode::Any, |m| FileMode::from_st_mode(m.mode()))
}

/// Runs the lookups.
pub fn run(
    model: &PolicyModel,
    args: &LookupArgs,
    format: Format,
    out: &mut impl Write,
) -> Result<u8> {
    let Some(fc) = &model.file_contexts else {
        bail!(
            "no file_contexts could be read: pass --policy-root DIR (a copy of /etc/selinux/TYPE)"
        );
    };
    let mut code = 0;
    let mut answers = Vec::new();
    for arg in &args.paths {
        let path = trimmed(arg.as_bytes());
        if path.is_empty() {
            eprintln!("avc-fix: an empty path has no context");
            code = EXIT_USAGE;
            continue;
        }
        let mode = args.mode.unwrap_or_else(|| own_mode(path));
        let result = fc.lookup(path, mode);
        match format {
            Format::Text => {
                if !args.no_path {
                    out.write_all(path)?;
                    out.write_all(b"\t")?;
                }
                match result.context() {
                    Some(context) => writeln!(out, "{context}")?,
                    None => writeln!(out, "<<none>>")?,
                }
            }
            Format::Json => answers.push(Answer {
                path: ByteStr::new(path),
                mode,
                context: result.context().map(ToString::to_string),
                spec: match result {
                    Lookup::Context(_, spec) | Lookup::NoLabel(spec) => Some(spec),
                    Lookup::NoMatch => None,
                },
            }),
        }
    }
    if format == Format::Json {
        let doc = Document { policy: PolicySummary::of(model), lookups: answers };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_trailing_slashes() {
        assert_eq!(parse_mode("fifo_file"), Ok(FileMode::Fifo));
        assert_eq!(parse_mode("p"), Ok(FileMode::Fifo));
        assert_eq!(parse_mode("lnk_file"), Ok(FileMode::Symlink));
        assert!(parse_mode("fifo").is_err());
        assert_eq!(trimmed(b"/etc/"), b"/etc");
        assert_eq!(trimmed(b"/etc//"), b"/etc/");
        assert_eq!(trimmed(b"/"), b"/");
    }
}
