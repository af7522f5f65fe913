//! The fuzz targets' properties (`selinux_audit::fuzz`), run deterministically in the normal
//! test suite: over every corpus log, every fuzz regression, the real policies, and a few
//! thousand mutations of them. Fuzzing itself runs outside CI (`cargo +nightly fuzz run NAME`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use selinux_audit::fuzz;

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "log"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{} has no .log files", dir.display());
    out
}

/// Deterministic xorshift mutations of `seed`.
fn mutations(seed: &[u8], count: usize) -> Vec<Vec<u8>> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.len() as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let mut v = seed.to_vec();
            for _ in 0..(next() % 8 + 1) {
                if v.is_empty() {
                    v.push(next() as u8);
                    continue;
                }
                let at = (next() % v.len() as u64) as usize;
                match next() % 4 {
                    0 => v[at] = next() as u8,
                    1 => {
                        const SPECIAL: &[u8] = b" ='\"{}()\\\x1d\n/";
                        v.insert(at, SPECIAL[(next() % SPECIAL.len() as u64) as usize]);
                    }
                    2 => {
                        v.remove(at);
                    }
                    _ => v.truncate(at),
                }
            }
            v
        })
        .collect()
}

#[test]
fn log_checks_hold_on_corpus_regressions_and_mutations() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for dir in ["../corpus/raw", "../corpus/fuzz-regressions"] {
        for f in files(dir) {
            inputs.push(std::fs::read(f).unwrap());
        }
    }
    let seeds = inputs.clone();
    for seed in &seeds {
        inputs.extend(mutations(seed, 200));
    }
    for input in &inputs {
        fuzz::check_parse_log(input);
        fuzz::check_suggest(input);
        for line in input.split(|&b| b == b'\n') {
            fuzz::check_parse_line(line);
        }
    }
    assert!(inputs.len() > 2000);
}

#[test]
fn escaped_paths_match_exactly_themselves() {
    let names: Vec<&[u8]> = vec![
        b"opt/crypto/monero.conf",
        b"srv/my site/$(x)",
        b"a.b*c+d?e|f[g]h(i)j{k}l^m$n\\o",
        b"\xff\xfe\x01\x1b",
        b"tab\there",
        b"",
    ];
    for name in names {
        fuzz::check_fcregex(name);
        for m in mutations(name, 300) {
            fuzz::check_fcregex(&m);
        }
    }
}

#[test]
fn contexts_round_trip() {
    for text in [
        &b"system_u:object_r:usr_t:s0"[..],
        b"unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
        b"u:r:t",
    ] {
        fuzz::check_context(text);
        for m in mutations(text, 500) {
            fuzz::check_context(&m);
        }
    }
}

#[test]
fn policy_parsers_survive_damaged_real_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/policy/demo");
    let fc = std::fs::read(root.join("contexts/files/file_contexts")).unwrap();
    fuzz::check_file_contexts(&fc);
    for m in mutations(&fc, 300) {
        fuzz::check_file_contexts(&m);
    }
    let bin = std::fs::read(root.join("policy/policy.33")).unwrap();
    fuzz::check_binary_policy(&bin);
    for m in mutations(&bin, 300) {
        fuzz::check_binary_policy(&m);
    }
}
