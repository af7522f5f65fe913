//! The lookup structure: specs in libselinux 3.4's precedence order, indexed so that a lookup
//! touches only the specs that can match.
//!
//! libselinux 3.4 moves every literal spec (no unescaped meta character) after every regex
//! spec, keeping the relative order inside each group, then scans from the last spec to the
//! first: the first spec that passes the stem check and the mode filter and matches wins. Here
//! a spec's *position* in that order is its precedence (higher wins), and:
//!
//! * specs that match exactly one path (see [`FcRegex::exact_path`]) sit in a hash map from that
//!   path to their positions;
//! * the others are kept per stem: for each stem, the positions of the specs with that stem or
//!   none, ascending; keys whose stem no spec has use the stem-less list.
//!
//! A lookup takes the best exact candidate, then scans the key's list from the highest position
//! down and stops as soon as it reaches the candidate's position, running a regex only when the
//! key starts with that spec's literal prefix. Regexes are compiled once, on first need.

use std::collections::HashMap;

use super::key::{key_stem, spec_stem};
use super::pattern::FcRegex;
use super::{FileMode, Spec};

/// One spec as the matcher sees it.
#[derive(Debug)]
struct Entry {
    /// Index into the load-order spec list.
    spec: usize,
    mode: FileMode,
    stem: Option<Box<[u8]>>,
    regex: FcRegex,
}

impl Entry {
    fn mode_ok(&self, mode: FileMode) -> bool {
        mode == FileMode::Any || self.mode == FileMode::Any || self.mode == mode
    }

    fn stem_ok(&self, key_stem: Option<&[u8]>) -> bool {
        self.stem.as_deref().is_none_or(|stem| Some(stem) == key_stem)
    }
}

/// Specs ordered and indexed for lookups.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// By position (precedence order).
    entries: Vec<Entry>,
    /// Exact path → ascending positions of the specs matching only that path.
    exact: HashMap<Box<[u8]>, Vec<usize>>,
    /// Stem → ascending positions of the non-exact specs with that stem or none.
    by_stem: HashMap<Box<[u8]>, Vec<usize>>,
    /// Ascending positions of the non-exact specs without a stem.
    stemless: Vec<usize>,
    /// Load-order index → position.
    position: Vec<usize>,
}

impl Index {
    /// Builds the index. `regexes[i]` is the translated regex of `specs[i]`; `literal[i]` is
    /// libselinux's "no meta characters" classification of it.
    pub(crate) fn build(specs: &[Spec], regexes: Vec<FcRegex>, literal: &[bool]) -> Index {
        let mut by_class: [Vec<Entry>; 2] = [Vec::new(), Vec::new()];
        for ((spec, (i, regex)), &is_literal) in
            specs.iter().zip(regexes.into_iter().enumerate()).zip(literal)
        {
            let stem = spec_stem(&spec.regex).map(|s| Box::from(s.as_bytes()));
            let group = if is_literal { &mut by_class[1] } else { &mut by_class[0] };
            group.push(Entry { spec: i, mode: spec.mode, stem, regex });
        }
        let [mut entries, literals] = by_class;
        entries.extend(literals);

        let mut position = vec![0; entries.len()];
        for (pos, entry) in entries.iter().enumerate() {
            if let Some(slot) = position.get_mut(entry.spec) {
                *slot = pos;
            }
        }
        let mut index = Index { entries, position, ..Index::default() };
        let mut stems: Vec<Box<[u8]>> = Vec::new();
        for (pos, entry) in index.entries.iter().enumerate() {
            match (entry.regex.exact_path(), &entry.stem) {
                (Some(path), _) => index.exact.entry(Box::from(path)).or_default().push(pos),
                (None, None) => index.stemless.push(pos),
                (None, Some(stem)) => {
                    if !stems.contains(stem) {
                        stems.push(stem.clone());
                    }
                }
            }
        }
        for stem in stems {
            let list = index
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.regex.exact_path().is_none())
                .filter(|(_, e)| e.stem.as_deref().is_none_or(|s| *s == *stem))
                .map(|(pos, _)| pos)
                .collect();
            index.by_stem.insert(stem, list);
        }
        index
    }

    /// The load-order index of the spec libselinux 3.4 picks for the (normalised, substituted)
    /// `key`, or `None` when no spec matches. A `<<none>>` spec is returned like any other.
    pub(crate) fn find(&self, key: &[u8], mode: FileMode) -> Option<usize> {
        self.find_where(key, mode, &|_| true)
    }

    /// [`find`](Self::find) among the specs `keep` accepts (by spec index).
    pub(crate) fn find_where(
        &self,
        key: &[u8],
        mode: FileMode,
        keep: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        let stem = key_stem(key);
        let mut best: Option<usize> = None;
        let trimmed = key.strip_suffix(b"\n");
        for candidate in [Some(key), trimmed].into_iter().flatten() {
            let Some(positions) = self.exact.get(candidate) else { continue };
            let found = positions.iter().rev().copied().find(|&pos| {
                self.entries
                    .get(pos)
                    .is_some_and(|e| e.mode_ok(mode) && e.stem_ok(stem) && keep(e.spec))
            });
            best = best.max(found);
        }
        let list = stem.and_then(|s| self.by_stem.get(s)).unwrap_or(&self.stemless);
        for &pos in list.iter().rev() {
            if best.is_some_and(|b| pos < b) {
                break;
            }
            let Some(entry) = self.entries.get(pos) else { continue };
            if entry.mode_ok(mode) && keep(entry.spec) && entry.regex.is_match(key) {
                best = Some(pos);
                break;
            }
        }
        best.and_then(|pos| self.entries.get(pos)).map(|e| e.spec)
    }

    /// The translated regex of each spec, by load-order index.
    pub(crate) fn regex_of(&self, spec: usize) -> Option<&FcRegex> {
        let pos = *self.position.get(spec)?;
        self.entries.get(pos).map(|e| &e.regex)
    }

    /// Load-order indices of the specs whose literal prefix satisfies `keep`.
    pub(crate) fn specs_where(&self, keep: impl Fn(&FcRegex) -> bool) -> Vec<usize> {
        let mut out: Vec<usize> =
            self.entries.iter().filter(|e| keep(&e.regex)).map(|e| e.spec).collect();
        out.sort_unstable();
        out
    }
}
