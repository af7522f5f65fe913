//! Object path resolution across a whole log and from user hints (pure; no I/O).
//!
//! STUB: interface only; the implementation lands with the parser work.

use serde::{Deserialize, Serialize};

use crate::bytes::ByteStr;
use crate::denial::Denial;

/// A path the user (or an inode search on the host) supplies for a device + inode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathHint {
    /// Device name as logged (`vda`, `dm-0`); `None` matches any device.
    pub dev: Option<ByteStr>,
    /// Inode number.
    pub ino: u64,
    /// The full path.
    pub path: ByteStr,
}

/// Resolves unresolved denials from other denials of the same log that name the same device
/// and inode with a full path (`same-inode`).
pub fn resolve_across(denials: &mut [Denial]) {
    let _ = denials;
}

/// Applies hints to denials still unresolved (or resolved only heuristically).
pub fn apply_hints(denials: &mut [Denial], hints: &[PathHint]) {
    let _ = (denials, hints);
}
