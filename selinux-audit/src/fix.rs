//! [`Fix`]: a proposed remedy, with the exact commands and the shell text a person pastes.
//!
//! A fix carries its commands as argv arrays (nothing is ever run through a shell by the
//! library) and, separately, the rendered `shell` text: every argument quoted by
//! [`crate::shell::quote`], every file to write as a quoted heredoc before the commands.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bytes::ByteStr;
use crate::shell;

/// What kind of change a fix makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    /// Reset labels to the policy's defaults (`restorecon`).
    Restorecon,
    /// A persistent file-context rule (`semanage fcontext`) followed by `restorecon`.
    Fcontext,
    /// A port label (`semanage port`).
    Port,
    /// A boolean (`setsebool -P`).
    Boolean,
    /// A local policy module: last resort only.
    Module,
    /// No change to make, or none we can make safely: an explanation and what to check.
    Other,
}

impl fmt::Display for FixKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FixKind::Restorecon => "restorecon",
            FixKind::Fcontext => "fcontext",
            FixKind::Port => "port",
            FixKind::Boolean => "boolean",
            FixKind::Module => "module",
            FixKind::Other => "other",
        })
    }
}

/// How sure we are that the fix is right and sufficient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Path reported by the kernel and the new label checked against the loaded policy.
    High,
    /// One of the two is missing (path inferred, or no binary policy to check against).
    Medium,
    /// Neither, or the policy is the approximate built-in baseline.
    Low,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        })
    }
}

/// A file to write before running a fix's commands (e.g. a module's source).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileToWrite {
    /// Where to write it (relative paths are relative to the current directory).
    pub path: String,
    /// Its content (text).
    pub content: String,
}

/// One piece of evidence about a fix: what was checked and whether it held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Stable name (`path-from-kernel`, `policy-allows`, `simulated`, …; the README lists them).
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// What exactly was found, in words.
    pub detail: String,
}

/// The fix simulated against the loaded policy: its commands applied to a model of the
/// labels, port labels and booleans, then every denial it covers decided again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// Ids of the covered denials the policy would allow after the fix.
    pub allows: Vec<u32>,
    /// Ids of the covered denials that would still be denied (or could not be decided).
    pub remains: Vec<u32>,
    /// Why the simulation could not decide (no binary policy, a type this policy lacks …),
    /// and how to get a verified answer; `None` when every covered denial was decided.
    pub unverified: Option<String>,
}

/// One proposed fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// The kind of change.
    pub kind: FixKind,
    /// Commands to run, in order, as argv arrays.
    pub commands: Vec<Vec<ByteStr>>,
    /// Files to write before the commands.
    pub files: Vec<FileToWrite>,
    /// What a person pastes: heredocs for `files`, then the quoted commands, one per line.
    pub shell: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// One-paragraph reason.
    pub why: String,
    /// Ids of the denials this fix addresses.
    pub covers: Vec<u32>,
    /// Other fixes for the same denials, best first. Never applied automatically.
    pub alternatives: Vec<Fix>,
    /// The evidence `confidence` is derived from, in the order it was gathered.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// What the fix would allow, simulated against the loaded policy.
    #[serde(default)]
    pub verified: Verification,
    /// How `confidence` follows from `checks` and `verified`.
    #[serde(default)]
    pub confidence_why: String,
}

impl Fix {
    /// Builds a fix and renders its `shell` text.
    pub fn new(
        kind: FixKind,
        commands: Vec<Vec<ByteStr>>,
        files: Vec<FileToWrite>,
        confidence: Confidence,
        why: String,
        covers: Vec<u32>,
    ) -> Fix {
        // No command line can carry a NUL byte: a shell would silently drop it and run the
        // command on another name. Such a fix keeps its explanation and loses its commands.
        let (commands, why) = if commands.iter().flatten().any(|a| a.as_bytes().contains(&0)) {
            (
                Vec::new(),
                format!(
                    "{why} (No command is printed: one of its arguments would contain a NUL byte, \
                     which no command line can carry.)"
                ),
            )
        } else {
            (commands, why)
        };
        let shell = render_shell(&files, &commands);
        Fix {
            kind,
            commands,
            files,
            shell,
            confidence,
            why,
            covers,
            alternatives: Vec::new(),
            checks: Vec::new(),
            verified: Verification::default(),
            confidence_why: String::new(),
        }
    }

    /// Records one check (builder form).
    pub fn check(mut self, name: &str, passed: bool, detail: impl Into<String>) -> Fix {
        self.add_check(name, passed, detail);
        self
    }

    /// Records one check; a later check of the same name replaces it.
    pub fn add_check(&mut self, name: &str, passed: bool, detail: impl Into<String>) {
        let check = Check { name: name.to_owned(), passed, detail: detail.into() };
        match self.checks.iter_mut().find(|c| c.name == name) {
            Some(c) => *c = check,
            None => self.checks.push(check),
        }
    }

    /// Replaces the commands (and re-renders `shell`), keeping everything else.
    pub fn set_commands(&mut self, commands: Vec<Vec<ByteStr>>) {
        self.shell = render_shell(&self.files, &commands);
        self.commands = commands;
    }
}

/// Builds an argv from byte-string-like parts.
pub fn argv<I, T>(parts: I) -> Vec<ByteStr>
where
    I: IntoIterator<Item = T>,
    T: Into<ByteStr>,
{
    parts.into_iter().map(Into::into).collect()
}

/// Renders files (as quoted heredocs) and commands (quoted) as paste-ready shell text.
pub fn render_shell(files: &[FileToWrite], commands: &[Vec<ByteStr>]) -> String {
    let mut out = String::new();
    for file in files {
        let mut delim = String::from("AVCFIX_EOF");
        while file.content.lines().any(|l| l == delim) {
            delim.push('_');
        }
        out.push_str(&format!("cat > {} <<'{delim}'\n", shell::quote(file.path.as_bytes())));
        out.push_str(&file.content);
        if !file.content.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&delim);
        out.push('\n');
    }
    for cmd in commands {
        let parts: Vec<&[u8]> = cmd.iter().map(ByteStr::as_bytes).collect();
        out.push_str(&shell::join(&parts));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_byte_drops_the_commands() {
        let f = Fix::new(
            FixKind::Other,
            vec![argv([ByteStr::from("find"), ByteStr::new(b"a\0b".to_vec())])],
            Vec::new(),
            Confidence::Low,
            "x".into(),
            vec![1],
        );
        assert!(f.commands.is_empty());
        assert_eq!(f.shell, "");
        assert!(f.why.contains("NUL"));
    }

    #[test]
    fn renders_heredoc_then_commands() {
        let files = vec![FileToWrite { path: "x.te".into(), content: "a\nAVCFIX_EOF\n".into() }];
        let cmds = vec![argv(["semodule", "-i", "x y.pp"])];
        let text = render_shell(&files, &cmds);
        assert_eq!(
            text,
            "cat > x.te <<'AVCFIX_EOF_'\na\nAVCFIX_EOF\nAVCFIX_EOF_\nsemodule -i 'x y.pp'\n"
        );
    }
}
