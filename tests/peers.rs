//! Robustness over other projects' test logs, read in place from `shared/corpus/peers/` (never
//! copied, never snapshotted), and over random and mutated bytes.
//!
//! Properties: no panic; `stats.lines` equals the number of physical lines; every line is a
//! record, a skip or an unparsed line; every diagnostic points inside the file.

// Test/bench code: a failed unwrap or an out-of-range index is a test failure, which is fine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use selinux_audit::parse::{ParsedLog, parse_log};
use selinux_audit::record::parse_line;

const PEERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/peers");
const RAW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/raw");
const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/fuzz-regressions");

/// Every regular file under `dir`, iteratively (no recursion).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Physical lines as the parser counts them: `\n`-terminated, plus a final unterminated one.
fn count_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

fn check(name: &str, bytes: &[u8], log: &ParsedLog) {
    let s = &log.stats;
    assert_eq!(s.lines, count_lines(bytes), "{name}: line count");
    assert_eq!(s.records + s.skipped + s.unparsed, s.lines, "{name}: unaccounted lines {s:?}");
    assert!(
        s.unparsed as usize <= log.diagnostics.len(),
        "{name}: unparsed line without diagnostic"
    );
    for d in &log.diagnostics {
        assert!(d.line >= 1 && d.line <= s.lines, "{name}: diagnostic line {}", d.line);
        assert!(
            (d.byte as usize) < bytes.len(),
            "{name}: diagnostic byte {} >= {}",
            d.byte,
            bytes.len()
        );
        assert_eq!(d.file, name);
    }
    for den in &log.denials {
        assert!(den.location.line >= 1 && (den.location.byte as usize) < bytes.len(), "{name}");
        assert!(!den.perms.is_empty() && !den.class.is_empty(), "{name}: empty denial");
        assert_eq!(den.count, 1);
        if let Some(p) = den.path.as_ref() {
            let p = p.as_bytes();
            assert!(p.starts_with(b"/"), "{name}: relative path {p:?}");
            for bad in [&b"/../"[..], b"/./", b"//"] {
                assert!(!p.windows(bad.len()).any(|w| w == bad), "{name}: unnormalised {p:?}");
            }
        }
    }
}

#[test]
fn every_peer_file_parses_without_loss() {
    let files = files_under(Path::new(PEERS));
    assert!(files.len() >= 100, "expected the peer corpus at {PEERS}, found {} files", files.len());
    let mut denials = 0usize;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.strip_prefix(PEERS).unwrap().to_string_lossy().into_owned();
        let log = parse_log(&bytes, &name);
        check(&name, &bytes, &log);
        denials += log.denials.len();
    }
    // The peers hold hundreds of SELinux denials; finding none would mean a broken parser.
    assert!(denials > 500, "only {denials} denials in the peer corpus");
}

/// A small deterministic xorshift64* generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to the lexer, to make mutations hit interesting paths.
const SPECIAL: &[u8] = b" =\"'{}()\x1d\r\n:.\t,0A/";

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if at < v.len() => v[at] = rng.next() as u8,
            1 if at < v.len() => v[at] = SPECIAL[rng.below(SPECIAL.len())],
            2 => v.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            3 if at < v.len() => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at..end);
            }
            _ => {
                // Duplicate a chunk (grows fields, repeats headers).
                let end = (at + rng.below(64)).min(v.len());
                let chunk = v[at..end].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, chunk);
            }
        }
    }
    v
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeds: Vec<Vec<u8>> = files_under(Path::new(RAW))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .flat_map(|p| {
            std::fs::read(p).unwrap().split(|&b| b == b'\n').map(<[u8]>::to_vec).collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty() && l.len() < 4096)
        .collect();
    assert!(seeds.len() > 100, "too few seed lines: {}", seeds.len());
    for round in 0..10_000 {
        let input = if round % 10 == 0 {
            (0..rng.below(300)).map(|_| rng.next() as u8).collect()
        } else {
            let mut lines = Vec::new();
            for _ in 0..1 + rng.below(6) {
                let seed = &seeds[rng.below(seeds.len())];
                lines.extend(mutate(&mut rng, seed));
                lines.push(b'\n');
            }
            lines
        };
        let _ = parse_line(&input);
        let log = parse_log(&input, "mutated");
        check("mutated", &input, &log);
    }
}

#[test]
fn fuzz_regressions_replay() {
    let files: Vec<_> = files_under(Path::new(REGRESSIONS))
        .into_iter()
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    assert!(!files.is_empty(), "no regression inputs in {REGRESSIONS}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A regression may be an endless loop: run it on a thread with a deadline.
        let (tx, rx) = std::sync::mpsc::channel();
        let input = bytes.clone();
        std::thread::spawn(move || {
            for line in input.split(|&b| b == b'\n') {
                let _ = parse_line(line);
            }
            let _ = tx.send(parse_log(&input, "regression"));
        });
        let log = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{name}: no result within 20 s (hang or panic)"));
        check("regression", &bytes, &log);
    }
}
