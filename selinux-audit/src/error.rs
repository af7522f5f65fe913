//! Errors and diagnostics, each with the location it refers to.
//!
//! Parsing never fails as a whole: every line that cannot be understood becomes a
//! [`Diagnostic`] (file, 1-based line, 0-based byte offset of the line start plus the offset of
//! the problem inside it, a machine-readable kind and a message) and the run goes on. Loading a
//! policy can fail; [`PolicyError`] names the file and the line or byte offset.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where an input line came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The input's name as the user gave it (`-` for standard input).
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// 0-based byte offset of the start of the line in the input.
    pub byte: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (byte {})", self.file, self.line, self.byte)
    }
}

/// What was wrong with an input line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The line is not an audit record in any known form.
    NotARecord,
    /// The `type=… msg=audit(…):` header is malformed.
    BadHeader,
    /// A `key=value` field could not be tokenised (unterminated quote, …).
    BadField,
    /// A hex-encoded value is not valid hex; the raw text was kept.
    BadHex,
    /// An AVC/USER_AVC body is malformed (no permission set, no contexts, …).
    BadAvc,
    /// A security context could not be split into `user:role:type[:level]`.
    BadContext,
    /// A SELINUX_ERR body was not understood.
    BadSelinuxErr,
    /// The line is longer than the documented maximum and was skipped.
    LineTooLong,
    /// The line looks cut off (truncated record).
    Truncated,
    /// The input could not be read.
    Io,
}

/// One problem found in the input; the run continues after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Input name.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// 0-based byte offset in the input where the problem is (line start + offset in line).
    pub byte: u64,
    /// Machine-readable kind.
    pub kind: DiagnosticKind,
    /// Human-readable explanation.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (byte {}): {}", self.file, self.line, self.byte, self.message)
    }
}

/// A policy file or directory could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A text policy file (file_contexts, .subs, config) has a bad line.
    #[error("{path}:{line}: {message}")]
    Text {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The binary policy is damaged, truncated or of an unsupported version.
    #[error("{path}: {section} at byte {offset}: {message}")]
    Binary {
        /// The file (or `<memory>`).
        path: PathBuf,
        /// The section being read (`header`, `types`, `avtab`, …).
        section: &'static str,
        /// Byte offset where reading failed.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// Nothing usable was found.
    #[error("{0}")]
    NotFound(String),
}
