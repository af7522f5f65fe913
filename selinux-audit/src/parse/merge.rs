//! Merging identical denials, so that a burst of the same refusal becomes one entry with a count.
//!
//! Two denials are identical when they agree on verdict, permissive flag, permissions, class,
//! both contexts, the object (the path when known, else name + dev + inode), port, subject
//! executable, comm and record type. The first occurrence is kept (its time, location and
//! records), `count` is summed, and ids are assigned 1, 2, … in order of first appearance.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::bytes::ByteStr;
use crate::denial::{Denial, RecordType, Verdict};

/// What makes two denials the same, borrowed from the first.
#[derive(PartialEq, Eq, Hash)]
struct MergeKey<'d> {
    verdict: Verdict,
    permissive: Option<bool>,
    perms: &'d [String],
    class: &'d str,
    scontext: &'d str,
    tcontext: &'d str,
    object: Object<'d>,
    port: Option<u16>,
    exe: Option<&'d ByteStr>,
    comm: Option<&'d ByteStr>,
    record_type: RecordType,
}

#[derive(PartialEq, Eq, Hash)]
enum Object<'d> {
    Path(&'d ByteStr),
    Inode { name: Option<&'d ByteStr>, dev: Option<&'d ByteStr>, ino: Option<u64> },
}

impl<'d> MergeKey<'d> {
    fn of(d: &'d Denial) -> Self {
        MergeKey {
            verdict: d.verdict,
            permissive: d.permissive,
            perms: &d.perms,
            class: &d.class,
            scontext: &d.scontext,
            tcontext: &d.tcontext,
            object: match &d.path {
                Some(p) => Object::Path(p),
                None => Object::Inode { name: d.name.as_ref(), dev: d.dev.as_ref(), ino: d.ino },
            },
            port: d.port,
            exe: d.exe.as_ref(),
            comm: d.comm.as_ref(),
            record_type: d.record_type,
        }
    }
}

/// Merges identical denials as they arrive, so memory grows with the number of distinct
/// denials, not with the size of the log. Ids are left for [`merge_identical`] to assign.
#[derive(Debug, Default)]
pub struct Merger {
    /// Hash of a denial's merge key → indexes into the output with that hash.
    buckets: HashMap<u64, Vec<usize>>,
}

impl Merger {
    /// Adds `d` to `out`, or adds its count to an identical denial already there.
    pub fn push(&mut self, out: &mut Vec<Denial>, d: Denial) {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(MergeKey::of(&d));
        let bucket = self.buckets.entry(hash).or_default();
        let key = MergeKey::of(&d);
        let same =
            bucket.iter().copied().find(|&i| out.get(i).is_some_and(|k| MergeKey::of(k) == key));
        match same.and_then(|i| out.get_mut(i)) {
            Some(kept) => kept.count = kept.count.saturating_add(d.count),
            None => {
                bucket.push(out.len());
                out.push(d);
            }
        }
    }
}

/// Merges identical denials (see the module docs) and numbers them 1, 2, ….
pub fn merge_identical(denials: Vec<Denial>) -> Vec<Denial> {
    // For each input denial: the output slot it goes to, and whether it opens that slot.
    let mut slots: Vec<(usize, bool)> = Vec::with_capacity(denials.len());
    {
        let mut seen: HashMap<MergeKey<'_>, usize> = HashMap::new();
        for d in &denials {
            let next = seen.len();
            match seen.entry(MergeKey::of(d)) {
                Entry::Occupied(e) => slots.push((*e.get(), false)),
                Entry::Vacant(e) => {
                    e.insert(next);
                    slots.push((next, true));
                }
            }
        }
    }
    let mut out: Vec<Denial> = Vec::new();
    for (d, (slot, first)) in denials.into_iter().zip(slots) {
        if first {
            out.push(d);
        } else if let Some(kept) = out.get_mut(slot) {
            kept.count = kept.count.saturating_add(d.count);
        }
    }
    for (i, d) in out.iter_mut().enumerate() {
        d.id = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    out
}
