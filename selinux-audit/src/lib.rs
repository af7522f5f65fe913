//! `selinux-audit`: read SELinux denials, understand them against the real policy, and propose
//! the right fix (relabel, persistent file context, port label, boolean; a local module only as
//! a flagged last resort).
//!
//! # Overview
//!
//! * [`parse`] turns audit.log text into structured [`Denial`]s (records grouped into events,
//!   object paths resolved) plus [`Diagnostic`]s for every line it could not understand.
//! * [`policy`] models the policy in force: `file_contexts` lookups with libselinux semantics
//!   and the binary policy's symbol tables and rules.
//! * [`rules`] is a pure function from denials and policy to ranked fixes, whose commands
//!   are shell-quoted and whose fcontext paths are regex-escaped.
//!
//! Only [`system`] touches the machine (reading policy files, inode and label lookups).
//!
//! # Input safety
//!
//! No input makes the library panic: parsers are bounds-checked, numbers are parsed with
//! checked conversions, and there is no recursion over input. Lines longer than
//! [`parse::MAX_LINE`] bytes are reported and skipped.
#![forbid(unsafe_code)]

pub mod avc;
pub mod bytes;
pub mod context;
pub mod denial;
pub mod error;
pub mod event;
pub mod fcregex;
pub mod fix;
#[doc(hidden)]
pub mod fuzz;
pub mod parse;
pub mod policy;
pub mod record;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod selinux_err;
pub mod shell;
pub mod system;

pub use bytes::ByteStr;
pub use context::SecurityContext;
pub use denial::{Denial, PathSource, RecordType, Verdict};
pub use error::{Diagnostic, DiagnosticKind, Location, PolicyError};
