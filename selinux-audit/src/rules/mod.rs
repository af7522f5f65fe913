//! The rules engine: denials + policy → ranked fixes.
//!
//! STUB: filled in with the rules engine.
