//! The policy model: file_contexts, the binary policy, and a built-in baseline.
//!
//! STUB: filled in with the rules engine.

pub mod binary;
pub mod fcontext;
