//! Parser throughput over a generated, AVC-heavy in-memory log.
//!
//! `parse_log_avc_heavy` repeats a 4-line event (AVC, SYSCALL, PATH, PROCTITLE) with varying
//! serials and inodes, plus one plain AVC without companions per event (40% of lines are AVCs).
//! `parse_log_avc_only` has one AVC per line, each its own event (one denial per line). `cargo bench -p selinux-audit --bench parse` prints the time per run;
//! lines/s = LINES / time.

// Test/bench code: a failed unwrap or an out-of-range index is a test failure, which is fine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use selinux_audit::parse::parse_log;
use selinux_audit::record::parse_line;

/// Lines in the generated log.
const LINES: usize = 100_000;

fn main() {
    divan::main();
}

fn generate() -> Vec<u8> {
    let mut out = Vec::with_capacity(LINES * 320);
    let mut serial = 1000u64;
    let mut n = 0usize;
    while n < LINES {
        serial += 1;
        let ts = format!("1796316{:03}.{:03}", serial % 1000, serial % 997);
        let ino = 300 + serial % 50;
        let lines = [
            format!(
                "type=AVC msg=audit({ts}:{serial}): avc:  denied  {{ read open }} for  pid=540 comm=\"monerod\" name=\"monero{ino}.conf\" dev=\"vda\" ino={ino} scontext=system_u:system_r:monerod_t:s0 tcontext=unconfined_u:object_r:usr_t:s0 tclass=file permissive=0"
            ),
            format!(
                "type=SYSCALL msg=audit({ts}:{serial}): arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=7ffe031eded1 a2=0 a3=0 items=1 ppid=1 pid=540 auid=4294967295 uid=997 gid=997 euid=997 suid=997 fsuid=997 egid=997 sgid=997 fsgid=997 tty=(none) ses=4294967295 comm=\"monerod\" exe=\"/opt/crypto/monerod\" subj=system_u:system_r:monerod_t:s0 key=(null)"
            ),
            format!(
                "type=PATH msg=audit({ts}:{serial}): item=0 name=\"/opt/crypto/monero{ino}.conf\" inode={ino} dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 obj=unconfined_u:object_r:usr_t:s0 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"
            ),
            format!(
                "type=PROCTITLE msg=audit({ts}:{serial}): proctitle=2F6F70742F63727970746F2F6D6F6E65726F64002D2D636F6E6669672D66696C65"
            ),
            format!(
                "type=AVC msg=audit({ts}:{}): avc:  denied  {{ name_bind }} for  pid=540 comm=\"monerod\" src=18080 scontext=system_u:system_r:monerod_t:s0 tcontext=system_u:object_r:unreserved_port_t:s0 tclass=tcp_socket permissive=0",
                serial + 1_000_000
            ),
        ];
        for l in lines {
            out.extend_from_slice(l.as_bytes());
            out.push(b'\n');
            n += 1;
        }
    }
    out
}

#[divan::bench(sample_count = 10)]
fn parse_log_avc_heavy(bencher: Bencher) {
    let input = generate();
    bencher
        .counter(ItemsCount::new(LINES))
        .counter(BytesCount::new(input.len()))
        .bench(|| parse_log(black_box(&input), "bench").denials.len());
}

/// Every line an AVC with its own serial: one denial per line, the worst case for assembly.
fn generate_avc_only() -> Vec<u8> {
    let mut out = Vec::with_capacity(LINES * 260);
    for serial in 0..LINES {
        let line = format!(
            "type=AVC msg=audit(1796316056.{:03}:{serial}): avc:  denied  {{ read }} for  pid=540 comm=\"monerod\" name=\"monero.conf\" dev=\"vda\" ino={} scontext=system_u:system_r:monerod_t:s0 tcontext=unconfined_u:object_r:usr_t:s0 tclass=file permissive=0\n",
            serial % 1000,
            300 + serial % 50
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

#[divan::bench(sample_count = 10)]
fn parse_log_avc_only(bencher: Bencher) {
    let input = generate_avc_only();
    bencher
        .counter(ItemsCount::new(LINES))
        .counter(BytesCount::new(input.len()))
        .bench(|| parse_log(black_box(&input), "bench").denials.len());
}

#[divan::bench(sample_count = 10)]
fn parse_line_only(bencher: Bencher) {
    let input = generate();
    bencher.counter(ItemsCount::new(LINES)).bench(|| {
        input.split(|&b| b == b'\n').filter_map(|l| parse_line(black_box(l)).ok()).count()
    });
}
