//! Damaged input: truncation at every length, bit flips, hostile counts. The reader must
//! return an error (naming a section and an offset inside the input) or a policy, never
//! panic, never allocate for a count the input cannot hold; and queries on whatever parses
//! must not panic either.

use selinux_audit::PolicyError;
use selinux_audit::policy::binary::{BinaryPolicy, RuleKind, RuleQuery};

use super::debian_bytes;
use super::mini::{as_v35, v33_bytes};

/// Sections in file order, as error messages name them (a v35 MLS policy with IB entries).
const SECTIONS: [&str; 28] = [
    "header",
    "polcaps",
    "permissive",
    "neveraudit",
    "commons",
    "classes",
    "roles",
    "types",
    "users",
    "booleans",
    "sensitivities",
    "categories",
    "avtab",
    "conditionals",
    "role_trans",
    "role_allow",
    "filename_trans",
    "initial SIDs",
    "fscon",
    "portcon",
    "netifcon",
    "nodecon",
    "fs_use",
    "nodecon6",
    "ibpkeycon",
    "ibendportcon",
    "genfs",
    "range_trans",
];

fn binary_error(bytes: &[u8]) -> (&'static str, u64, String) {
    match BinaryPolicy::parse(bytes) {
        Err(PolicyError::Binary { path, section, offset, message }) => {
            assert_eq!(path.to_str(), Some("<memory>"));
            (section, offset, message)
        }
        Err(other) => panic!("not a binary-policy error: {other}"),
        Ok(_) => panic!("{} bytes parsed as a complete policy", bytes.len()),
    }
}

/// Calls every query with names taken from the policy itself.
fn exercise(p: &BinaryPolicy) {
    let types = p.type_names();
    let classes = p.class_names();
    let _ = (p.stats(), p.booleans(), p.portcons(), p.permissive_types(), p.policy_capabilities());
    let _ = (p.attribute_names(), p.version(), p.mls(), p.handle_unknown());
    let overrides: Vec<(&str, bool)> = p.booleans().iter().map(|&(n, v)| (n, !v)).collect();
    for &s in types.iter().take(3) {
        let _ =
            (p.attributes_of(s), p.aliases_of(s), p.primary_name(s), p.type_transitions_from(s));
        let _ = (p.is_permissive(s), p.is_neveraudit(s), p.entrypoints(s), p.types_in_attribute(s));
        for &c in classes.iter().take(2) {
            let perms = p.class_perms(c).unwrap_or_default();
            let perms = &perms[..perms.len().min(2)];
            let _ = p.targets_allowing(s, c, perms);
            let _ = p.targets_allowing_with_booleans(s, c, perms, &overrides);
            for &t in types.iter().rev().take(2) {
                let _ = (
                    p.allows(s, t, c, perms),
                    p.allowed_perms(s, t, c),
                    p.dontaudits(s, t, c, perms),
                );
                let _ = (p.booleans_that_allow(s, t, c, perms), p.auditallows(s, t, c, perms));
                let _ =
                    (p.type_transition(s, t, c), p.type_change(s, t, c), p.type_member(s, t, c));
                let _ = p.new_object_type(s, t, c, Some("cache"));
            }
        }
    }
    for port in [0, 80, 8080, 65535] {
        for proto in [6, 17, 33, 132] {
            let _ = p.port_type(proto, port);
        }
    }
    // Rule searches (and their text) over whatever was read.
    let bools: Vec<&str> = p.booleans().iter().map(|&(n, _)| n).collect();
    for rule in p.search_rules(&RuleQuery::new(&[])).unwrap_or_default() {
        let _ = rule.to_string();
    }
    for &s in types.iter().take(3) {
        let q = RuleQuery::allow().source(s).perms(&["read"]);
        let _ = p.search_rules(&q);
        let _ = p.search_rules(&RuleQuery::new(&RuleKind::TYPE).target(s).direct(true));
        for &c in classes.iter().take(2) {
            let _ = p.access_targets(s, c, &[]);
        }
    }
    if let Some(b) = bools.first() {
        let _ = p.search_rules(&RuleQuery::new(&[]).boolean(b));
    }
}

fn mini_v35() -> Vec<u8> {
    let v33 = v33_bytes();
    as_v35(&v33, &[3, 70])
}

#[test]
fn every_prefix_of_a_mini_policy_fails_in_order() {
    let bytes = mini_v35();
    exercise(&BinaryPolicy::parse(&bytes).unwrap());
    let mut seen: Vec<&str> = Vec::new();
    for len in 0..bytes.len() {
        let (section, offset, message) = binary_error(&bytes[..len]);
        assert!(offset <= len as u64, "{len}: {section} at {offset}: {message}");
        if seen.last() != Some(&section) {
            seen.push(section);
        }
    }
    // Each section is reported while it is being read, in file order; the last prefix fails
    // in the type-attribute maps.
    let mut expected = SECTIONS.to_vec();
    expected.push("type_attr_map");
    assert_eq!(seen, expected);
}

#[test]
fn prefixes_and_extensions_of_debian_fail() {
    let bytes = debian_bytes();
    let n = bytes.len();
    let mut lengths: Vec<usize> = (0..40).map(|i| i * (n / 40) + i * 7).collect();
    lengths.extend([n - 1, n - 4, n - 12, 31, 32, 33]);
    for len in lengths {
        let (section, offset, _) = binary_error(&bytes[..len]);
        assert!(offset <= len as u64, "{len}: {section}");
    }
    assert_eq!(binary_error(&bytes[..n - 1]).0, "type_attr_map");
    let mut longer = bytes.to_vec();
    longer.push(0);
    let (section, offset, message) = binary_error(&longer);
    assert_eq!((section, offset), ("type_attr_map", n as u64));
    assert!(message.contains("1 trailing bytes"), "{message}");
}

#[test]
fn header_errors_name_the_problem() {
    let bytes = v33_bytes();
    let cases: [(usize, &[u8], &str); 8] = [
        (0, &[0x8d], "policy module"),
        (0, &[0], "bad magic"),
        (4, &[33], "identification string of 33 bytes"),
        (4, &[9], "unsupported target \"SE Linux!\""),
        (8, b"XenFlask", "unsupported target \"XenFlask\""),
        (16, &[23], "policy version 23 not supported"),
        (16, &[36], "policy version 36 not supported"),
        (28, &[8], "table counts"),
    ];
    for (at, patch, want) in cases {
        let mut b = bytes.clone();
        b[at..at + patch.len()].copy_from_slice(patch);
        let (section, _, message) = binary_error(&b);
        assert_eq!(section, "header");
        assert!(message.contains(want), "{message}");
    }
}

/// Flips one bit in every byte and overwrites every offset with 0xffffffff (a hostile count
/// wherever a count is) and with zeros. Whatever parses must answer queries.
#[test]
fn bit_flips_and_hostile_counts_in_a_mini_policy() {
    let bytes = mini_v35();
    let mut parsed = 0usize;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|half| {
                let bytes = &bytes;
                scope.spawn(move || {
                    let mut ok = 0usize;
                    for at in (half..bytes.len()).step_by(2) {
                        let mut variants = Vec::new();
                        let mut flipped = bytes.clone();
                        flipped[at] ^= 1 << (at * 5 % 8);
                        variants.push(flipped);
                        for fill in [0xff, 0x00] {
                            let mut b = bytes.clone();
                            let end = (at + 4).min(b.len());
                            b[at..end].fill(fill);
                            variants.push(b);
                        }
                        for v in variants {
                            if let Ok(p) = BinaryPolicy::parse(&v) {
                                exercise(&p);
                                ok += 1;
                            }
                        }
                    }
                    ok
                })
            })
            .collect();
        for h in handles {
            parsed += h.join().unwrap();
        }
    });
    // Some damage lands in data that any value is valid for (permission bits, names).
    assert!(parsed > 100, "{parsed}");
}

#[test]
fn bit_flips_in_debian() {
    let bytes = debian_bytes();
    let step = bytes.len() / 24;
    for i in 0..24 {
        let at = i * step + i * 13;
        let mut b = bytes.to_vec();
        b[at] ^= 0x10;
        if let Ok(p) = BinaryPolicy::parse(&b) {
            exercise(&p);
        }
        let mut b = bytes.to_vec();
        b[at..at + 4].fill(0xff);
        if let Ok(p) = BinaryPolicy::parse(&b) {
            exercise(&p);
        }
    }
}

#[test]
fn garbage_is_rejected() {
    assert_eq!(binary_error(&[]).0, "header");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in [1usize, 7, 64, 4096] {
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        binary_error(&junk);
        // Junk behind a valid header must fail later, not panic.
        let mut framed = v33_bytes()[..32].to_vec();
        framed.extend(&junk);
        binary_error(&framed);
    }
}
