//! Audit record lexer: one line → header + fields.
//!
//! STUB: filled in by the parser work.
