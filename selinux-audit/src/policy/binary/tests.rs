//! Unit tests of the section readers on hand-made bytes: the checks that real policies never
//! trigger (see `tests/binpol.rs` for real policies, sweeps and oracles).

use std::hash::{BuildHasher, BuildHasherDefault};

use super::avtab::{
    AVTAB_ALLOWED, AVTAB_ENABLED, AVTAB_XPERMS_ALLOWED, AvDatum, AvtabLimits, read_list,
};
use super::cond::{CondTerm, read_cond_list};
use super::constraint::{ConstraintTerm, read_constraints};
use super::cursor::Cursor;
use super::index::{IntHasher, av_key};
use super::mls::{Context, ContextLimits, MlsRange};
use super::ocontext::read_ocontexts;
use super::rules::{RuleLimits, read_filename_trans};

/// Little-endian byte builder.
#[derive(Default)]
struct B(Vec<u8>);

impl B {
    fn u16(mut self, v: u16) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn u32s(self, vs: &[u32]) -> Self {
        vs.iter().fold(self, |b, &v| b.u32(v))
    }
    fn str(mut self, s: &str) -> Self {
        self = self.u32(u32::try_from(s.len()).unwrap());
        self.0.extend(s.as_bytes());
        self
    }
    fn empty_map(self) -> Self {
        self.u32s(&[64, 0, 0])
    }
    /// An avtab item with a `u32` datum.
    fn item(self, s: u16, t: u16, c: u16, spec: u16, data: u32) -> Self {
        self.u16(s).u16(t).u16(c).u16(spec).u32(data)
    }
}

const LIMITS: AvtabLimits = AvtabLimits { version: 33, types: 10, classes: 3 };

fn read_items(bytes: &[u8], limits: AvtabLimits, conditional: bool) -> Result<usize, String> {
    let mut c = Cursor::new(bytes);
    read_list(&mut c, limits, conditional).map(|v| v.len()).map_err(|e| e.to_string())
}

#[test]
fn avtab_items_are_validated() {
    let one = |spec, data| B::default().u32(1).item(1, 2, 3, spec, data).0;
    assert_eq!(read_items(&one(AVTAB_ALLOWED, 0xff), LIMITS, false), Ok(1));
    for (bytes, want) in [
        (one(0x3, 1), "invalid rule kind 0x3"),
        (one(0x80, 1), "invalid rule kind 0x80"),
        (one(0x10, 0), "type rule result 0 out of range"),
        (one(0x10, 11), "type rule result 11 out of range"),
        (B::default().u32(1).item(0, 2, 3, 1, 1).0, "rule types 0/2 out of range"),
        (B::default().u32(1).item(1, 11, 3, 1, 1).0, "rule types 1/11 out of range"),
        (B::default().u32(1).item(1, 2, 4, 1, 1).0, "rule class 4 out of range"),
        (B::default().u32(3).item(1, 2, 3, 1, 1).0, "3 avtab items need at least 36 bytes"),
    ] {
        let err = read_items(&bytes, LIMITS, false).unwrap_err();
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn xperm_items_need_their_versions() {
    let xperm = B::default().u32(1).u16(1).u16(2).u16(3).u16(AVTAB_XPERMS_ALLOWED | AVTAB_ENABLED);
    let mut bytes = xperm.0;
    bytes.extend([1u8, 0x89]);
    bytes.extend(B::default().u32s(&[0, 0xffff_ffff, 0, 0, 0, 0, 0, 1 << 31]).0);
    let at = |version| AvtabLimits { version, ..LIMITS };
    assert!(read_items(&bytes, at(29), false).unwrap_err().contains("version 29 cannot hold"));
    assert!(read_items(&bytes, at(33), true).unwrap_err().contains("version 33 cannot hold"));
    let items = read_list(&mut Cursor::new(&bytes), at(34), true).unwrap();
    let item = items.first().unwrap();
    assert!(item.enabled);
    assert_eq!(item.key.specified, AVTAB_XPERMS_ALLOWED);
    let AvDatum::Xperms(x) = &item.datum else { panic!("not xperms") };
    assert_eq!((x.kind, x.driver), (1, 0x89));
    assert!(
        x.contains(32) && x.contains(63) && x.contains(255) && !x.contains(0) && !x.contains(64)
    );
}

#[test]
fn conditional_expressions_are_checked_on_read() {
    let node = |kind: u32, b: u32| B::default().u32(1).u32s(&[0, 1, kind, b, 0, 0]).0;
    let read = |bytes: &[u8]| {
        read_cond_list(&mut Cursor::new(bytes), LIMITS, 2).map_err(|e| e.to_string())
    };
    let nodes = read(&node(1, 2)).unwrap();
    assert_eq!(nodes.first().unwrap().expr, [CondTerm::Bool(2)]);
    assert!(read(&node(1, 0)).unwrap_err().contains("bad conditional term 1/0"));
    assert!(read(&node(1, 3)).unwrap_err().contains("bad conditional term 1/3"));
    assert!(read(&node(8, 0)).unwrap_err().contains("bad conditional term 8/0"));
    let state_two = B::default().u32(1).u32s(&[2, 1, 1, 1, 0, 0]).0;
    assert!(read(&state_two).unwrap_err().contains("state 2"));
}

fn constraints(
    terms: &[(u32, u32, u32)],
    validatetrans: bool,
    version: u32,
) -> Result<Vec<ConstraintTerm>, String> {
    let mut b = B::default().u32(0x10).u32(u32::try_from(terms.len()).unwrap());
    for &(kind, attr, op) in terms {
        b = b.u32s(&[kind, attr, op]);
        if kind == 5 {
            b = b.empty_map();
            if version >= 29 {
                b = b.empty_map().empty_map().u32(0);
            }
        }
    }
    let mut c = Cursor::new(&b.0);
    let mut out = read_constraints(&mut c, 1, validatetrans, version).map_err(|e| e.to_string())?;
    c.finish().map_err(|e| e.to_string())?;
    Ok(out.pop().unwrap().expr)
}

#[test]
fn constraint_expressions_must_be_well_formed() {
    let attr = (4, 1, 1);
    let ok = constraints(&[attr, attr, (3, 0, 0), (1, 0, 0)], false, 33).unwrap();
    assert_eq!(ok.len(), 4);
    assert_eq!(constraints(&[(5, 4, 1)], false, 28).unwrap().len(), 1); // no type set before 29
    assert_eq!(constraints(&[(5, 4, 1)], false, 29).unwrap().len(), 1);
    for (terms, want) in [
        (vec![(2, 0, 0)], "malformed"),
        (vec![attr, attr], "does not reduce"),
        (vec![attr; 6], "malformed"),
        (vec![], "does not reduce"),
        (vec![(6, 0, 0)], "unknown constraint term 6"),
        (vec![(5, 16 | 4, 1)], "third context"),
    ] {
        let err = constraints(&terms, false, 33).unwrap_err();
        assert!(err.contains(want), "{terms:?}: {err}");
    }
    assert!(constraints(&[(5, 16 | 4, 1)], true, 33).is_ok());
}

#[test]
fn ranges_and_contexts() {
    let one = B::default().u32s(&[1, 2]).empty_map().0;
    let r = MlsRange::read(&mut Cursor::new(&one)).unwrap();
    assert_eq!((r.low.sens, r.high.sens), (2, 2));
    for items in [0, 3] {
        let bad = B::default().u32s(&[items, 1, 1, 1]).empty_map().empty_map().0;
        assert!(MlsRange::read(&mut Cursor::new(&bad)).is_err(), "{items}");
    }
    let limits = ContextLimits { users: 1, roles: 2, types: 3 };
    let ctx = |u, r, t| B::default().u32s(&[u, r, t, 1, 1]).empty_map().0;
    assert_eq!(Context::read(&mut Cursor::new(&ctx(1, 2, 3)), limits).unwrap().type_value, 3);
    for (u, r, t) in [(0, 1, 1), (2, 1, 1), (1, 3, 1), (1, 1, 4)] {
        assert!(Context::read(&mut Cursor::new(&ctx(u, r, t)), limits).is_err());
    }
}

#[test]
fn object_context_values_are_checked() {
    let limits = ContextLimits { users: 1, roles: 1, types: 1 };
    let ctx = B::default().u32s(&[1, 1, 1, 1, 0]).empty_map().0;
    // Version 30: seven lists; only the port list has one entry.
    let with_port = |low: u32, high: u32| {
        let mut b = B::default().u32s(&[0, 0, 1, 6, low, high]).0;
        b.extend(&ctx);
        b.extend(B::default().u32s(&[0, 0, 0, 0]).0);
        b
    };
    let o = read_ocontexts(&mut Cursor::new(&with_port(80, 80)), 30, limits).unwrap();
    assert_eq!(o.ports.first().map(|p| (p.protocol, p.low, p.high)), Some((6, 80, 80)));
    for (low, high) in [(81, 80), (1, 65536)] {
        let err = read_ocontexts(&mut Cursor::new(&with_port(low, high)), 30, limits).unwrap_err();
        assert!(err.to_string().contains("portcon"), "{err}");
    }
}

#[test]
fn filename_transitions_need_results() {
    let limits = RuleLimits { version: 33, roles: 1, types: 4, classes: 2, process_class: 1 };
    let group = |ndatum: u32| B::default().u32(1).str("cache").u32s(&[2, 1, ndatum]).0;
    let err = read_filename_trans(&mut Cursor::new(&group(0)), limits).unwrap_err();
    assert!(err.to_string().contains("without results"), "{err}");
    let mut ok = group(1);
    ok.extend(B::default().u32s(&[64, 64, 1, 0]).0);
    ok.extend(0b1010u64.to_le_bytes());
    ok.extend(B::default().u32(3).0);
    let rules = read_filename_trans(&mut Cursor::new(&ok), limits).unwrap();
    let r = rules.first().unwrap();
    assert_eq!((r.name.as_str(), r.target, r.class, r.new_type), ("cache", 2, 1, 3));
    assert_eq!(r.sources.iter().collect::<Vec<_>>(), [1, 3]);
    // A source bit beyond the type count is rejected.
    let mut bad = group(1);
    bad.extend(B::default().u32s(&[64, 64, 1, 0]).0);
    bad.extend((1u64 << 4).to_le_bytes());
    bad.extend(B::default().u32(3).0);
    assert!(read_filename_trans(&mut Cursor::new(&bad), limits).is_err());
}

#[test]
fn int_hasher_spreads_every_key_field_into_low_bits() {
    let build = BuildHasherDefault::<IntHasher>::default();
    for vary in 0..3 {
        let mut buckets: Vec<u64> = (0..1024u16)
            .map(|i| {
                let (s, t, c) = match vary {
                    0 => (i, 7, 3),
                    1 => (7, i, 3),
                    _ => (7, 3, i),
                };
                build.hash_one(av_key(s, t, c)) & 1023
            })
            .collect();
        buckets.sort_unstable();
        buckets.dedup();
        assert!(buckets.len() > 600, "field {vary}: {} buckets", buckets.len());
    }
}
