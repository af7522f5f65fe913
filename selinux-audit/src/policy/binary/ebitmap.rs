//! Extensible bitmaps (`ebitmap`): the sparse bit sets used all over a kernel policy.
//!
//! On disk: `mapsize` (always 64), `highbit` (one past the last node, a multiple of 64),
//! `count`, then `count` nodes of `startbit: u32` and `map: u64`. Nodes must be in strictly
//! increasing order, aligned to 64, non-empty, and the last one must end at `highbit`.
//! Bits are 0-based: a bitmap over types has bit `v - 1` for type value `v`, except the
//! permissive/neveraudit maps, which use the value itself.

use super::cursor::{Cursor, ReadResult};

/// Size of one node in bits.
const NODE_BITS: u32 = 64;
/// Bytes one node takes on disk.
const NODE_BYTES: usize = 12;

/// A sparse set of bit numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ebitmap {
    /// `(startbit, map)` pairs, sorted by `startbit`, each `map` non-zero.
    nodes: Vec<(u32, u64)>,
}

impl Ebitmap {
    /// Reads one bitmap, validating its structure.
    pub(crate) fn read(c: &mut Cursor<'_>) -> ReadResult<Ebitmap> {
        let at = c.offset();
        let mapsize = c.u32()?;
        let highbit = c.u32()?;
        let count_at = c.offset();
        let raw_count = c.u32()?;
        if mapsize != NODE_BITS {
            return Err(c.err_at(at, format!("ebitmap node size {mapsize}, expected 64")));
        }
        if highbit % NODE_BITS != 0 {
            return Err(c.err_at(at, format!("ebitmap high bit {highbit} is not a multiple of 64")));
        }
        if (highbit == 0) != (raw_count == 0) {
            return Err(c.err_at(at, format!("ebitmap high bit {highbit} with {raw_count} nodes")));
        }
        let count = c.check_count(count_at, raw_count, "ebitmap nodes", NODE_BYTES)?;
        let mut nodes = Vec::with_capacity(count);
        let mut next_min = 0u32;
        for _ in 0..count {
            let node_at = c.offset();
            let start = c.u32()?;
            let map = c.u64()?;
            if start % NODE_BITS != 0 || start < next_min || start >= highbit {
                return Err(c.err_at(node_at, format!("ebitmap node start {start} out of order")));
            }
            if map == 0 {
                return Err(c.err_at(node_at, "empty ebitmap node"));
            }
            nodes.push((start, map));
            next_min = start.saturating_add(NODE_BITS);
        }
        let end = nodes.last().map_or(0, |&(last, _)| last.saturating_add(NODE_BITS));
        if end != highbit {
            return Err(
                c.err_at(at, format!("ebitmap high bit {highbit} does not end the last node"))
            );
        }
        Ok(Ebitmap { nodes })
    }

    /// Builds a bitmap from bit numbers (any order, duplicates allowed).
    pub fn from_bits(bits: impl IntoIterator<Item = u32>) -> Ebitmap {
        let mut all: Vec<u32> = bits.into_iter().collect();
        all.sort_unstable();
        let mut nodes: Vec<(u32, u64)> = Vec::new();
        for bit in all {
            let start = bit - bit % NODE_BITS;
            let mask = 1u64 << (bit % NODE_BITS);
            match nodes.last_mut() {
                Some((s, map)) if *s == start => *map |= mask,
                _ => nodes.push((start, mask)),
            }
        }
        Ebitmap { nodes }
    }

    /// True when `bit` is set.
    pub fn contains(&self, bit: u32) -> bool {
        let start = bit - bit % NODE_BITS;
        match self.nodes.binary_search_by_key(&start, |&(s, _)| s) {
            Ok(i) => {
                self.nodes.get(i).is_some_and(|&(_, map)| map & (1u64 << (bit % NODE_BITS)) != 0)
            }
            Err(_) => false,
        }
    }

    /// The set bits in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.nodes.iter().flat_map(|&(start, map)| {
            (0..NODE_BITS).filter(move |b| map & (1u64 << b) != 0).map(move |b| start + b)
        })
    }

    /// Number of set bits.
    pub fn len(&self) -> usize {
        self.nodes.iter().map(|&(_, map)| map.count_ones() as usize).sum()
    }

    /// True when no bit is set.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// True when every bit of `other` is also set here (MLS category dominance).
    pub fn is_superset_of(&self, other: &Ebitmap) -> bool {
        let mut mine = self.nodes.iter().peekable();
        other.nodes.iter().all(|&(start, map)| {
            while mine.next_if(|&&(s, _)| s < start).is_some() {}
            match mine.peek() {
                Some(&&(s, m)) if s == start => map & !m == 0,
                _ => false,
            }
        })
    }

    /// The highest set bit, if any.
    pub fn last(&self) -> Option<u32> {
        self.nodes.last().map(|&(start, map)| start + (63 - map.leading_zeros()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superset_compares_node_by_node() {
        let big = Ebitmap::from_bits([0, 5, 64, 70, 200]);
        assert!(big.is_superset_of(&Ebitmap::from_bits([5, 70])));
        assert!(big.is_superset_of(&Ebitmap::default()));
        assert!(big.is_superset_of(&big));
        assert!(!big.is_superset_of(&Ebitmap::from_bits([5, 71])));
        assert!(!big.is_superset_of(&Ebitmap::from_bits([128])));
        assert!(!big.is_superset_of(&Ebitmap::from_bits([300])));
        assert!(!Ebitmap::default().is_superset_of(&Ebitmap::from_bits([0])));
    }

    fn encode(highbit: u32, nodes: &[(u32, u64)]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(64u32.to_le_bytes());
        out.extend(highbit.to_le_bytes());
        out.extend(u32::try_from(nodes.len()).unwrap().to_le_bytes());
        for &(s, m) in nodes {
            out.extend(s.to_le_bytes());
            out.extend(m.to_le_bytes());
        }
        out
    }

    #[test]
    fn reads_bits_across_nodes() {
        let data = encode(192, &[(0, 0b101), (128, 1 << 63)]);
        let map = Ebitmap::read(&mut Cursor::new(&data)).unwrap();
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![0, 2, 191]);
        assert!(map.contains(191) && !map.contains(1) && !map.contains(64));
        assert_eq!(map.len(), 3);
        assert_eq!(map.last(), Some(191));
        assert_eq!(map, Ebitmap::from_bits([191, 2, 0, 2]));
    }

    #[test]
    fn empty_bitmap() {
        let data = encode(0, &[]);
        let map = Ebitmap::read(&mut Cursor::new(&data)).unwrap();
        assert!(map.is_empty());
        assert_eq!(map.last(), None);
    }

    #[test]
    fn rejects_malformed_bitmaps() {
        for (highbit, nodes) in [
            (64, vec![]),                 // high bit without nodes
            (128, vec![(0, 1)]),          // last node does not end at high bit
            (128, vec![(64, 1), (0, 1)]), // out of order
            (64, vec![(0, 0)]),           // empty node
            (100, vec![(0, 1)]),          // unaligned high bit
            (128, vec![(0, 1), (0, 1)]),  // duplicate start
        ] {
            let data = encode(highbit, &nodes);
            assert!(Ebitmap::read(&mut Cursor::new(&data)).is_err(), "{highbit} {nodes:?}");
        }
        let mut bad_size = encode(0, &[]);
        bad_size[0] = 32;
        assert!(Ebitmap::read(&mut Cursor::new(&bad_size)).is_err());
    }
}
