//! [`Fix`]: a proposed remedy, with the exact commands and the shell text a person pastes.
//!
//! STUB: filled in with the rules engine.
