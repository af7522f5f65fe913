//! Object path resolution across a whole log and from user hints (pure; no I/O).
//!
//! Within an event, [`crate::parse::paths`] finds what it can. Across the log, another denial
//! for the same device and inode may have a kernel-reported path ([`resolve_across`],
//! `same-inode`). Last, the user (or an inode search on the host) can supply paths
//! ([`apply_hints`], `hint`). Neither overrides a path the kernel reported for that very record.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::bytes::ByteStr;
use crate::denial::{Denial, PathSource};

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

/// Sources that name the object reliably enough to lend their path to other denials.
fn is_reliable(source: PathSource) -> bool {
    matches!(source, PathSource::Avc | PathSource::PathRecord | PathSource::Cwd)
}

/// Resolves unresolved denials from other denials of the same log that name the same device
/// and inode with a full path (`same-inode`). Only `unresolved` and heuristic sources
/// (`path-component`, `proctitle`, `exe`) are upgraded; the first reliable path seen wins.
pub fn resolve_across(denials: &mut [Denial]) {
    let mut known: HashMap<(ByteStr, u64), ByteStr> = HashMap::new();
    for d in denials.iter() {
        if let (Some(dev), Some(ino), Some(path)) = (&d.dev, d.ino, &d.path) {
            if is_reliable(d.path_source) {
                known.entry((dev.clone(), ino)).or_insert_with(|| path.clone());
            }
        }
    }
    if known.is_empty() {
        return;
    }
    for d in denials.iter_mut() {
        let upgradable = d.path_source == PathSource::Unresolved || d.path_source.is_heuristic();
        if !upgradable {
            continue;
        }
        let (Some(dev), Some(ino)) = (&d.dev, d.ino) else { continue };
        if let Some(path) = known.get(&(dev.clone(), ino)) {
            d.path = Some(path.clone());
            d.path_source = PathSource::SameInode;
        }
    }
}

/// Applies hints to denials still unresolved (or resolved only heuristically): a hint whose
/// inode (and device, when given) matches replaces the path of any denial whose source is not
/// `avc`, `path-record`, `cwd` or `same-inode`. The first matching hint wins.
pub fn apply_hints(denials: &mut [Denial], hints: &[PathHint]) {
    for d in denials.iter_mut() {
        if is_reliable(d.path_source) || d.path_source == PathSource::SameInode {
            continue;
        }
        let Some(ino) = d.ino else { continue };
        let hint = hints
            .iter()
            .find(|h| h.ino == ino && h.dev.as_ref().is_none_or(|hd| d.dev.as_ref() == Some(hd)));
        if let Some(h) = hint {
            d.path = Some(h.path.clone());
            d.path_source = PathSource::Hint;
        }
    }
}

#[cfg(test)]
mod tests;
