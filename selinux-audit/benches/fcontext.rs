//! file_contexts benchmarks on Debian 12's installed policy (`/etc/selinux/default`, package
//! `selinux-policy-default`): load time (parse + translate + index, from text already in
//! memory and from disk) and lookup time over a mix of paths and modes, warm (regexes already
//! compiled) and cold (first lookups after a load, compiling what they need).
//!
//! Run with `cargo bench -p selinux-audit --bench fcontext`.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use divan::counter::ItemsCount;
use divan::{Bencher, Divan};
use selinux_audit::policy::fcontext::{FcText, FileContexts, FileMode};
use selinux_audit::system::policy_files::load_file_contexts;

const ROOT: &str = "/etc/selinux/default";

fn main() {
    Divan::from_args().main();
}

/// The text files of Debian's policy.
struct Texts {
    dir: PathBuf,
    main: String,
    homedirs: String,
    subs_dist: String,
}

fn texts() -> Texts {
    let dir = Path::new(ROOT).join("contexts/files");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .expect("Debian's policy text files (install selinux-policy-default)")
    };
    Texts {
        main: read("file_contexts"),
        homedirs: read("file_contexts.homedirs"),
        subs_dist: read("file_contexts.subs_dist"),
        dir,
    }
}

fn load(t: &Texts) -> FileContexts {
    let text = |name: &str, text: &'static str| FcText { path: t.dir.join(name), text };
    // The texts outlive every benchmark; leaking keeps the signature simple.
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    FileContexts::from_texts(
        text("file_contexts", leak(&t.main)),
        Some(text("file_contexts.homedirs", leak(&t.homedirs))),
        None,
        Some(text("file_contexts.subs_dist", leak(&t.subs_dist))),
        None,
    )
    .expect("Debian's file_contexts load")
}

/// A mix of what denials name: binaries, libraries, configs, data, logs, home files, runtime
/// files, devices, paths reached through equivalences, and paths nothing specific matches.
const PATHS: &[(&str, FileMode)] = &[
    ("/usr/bin/bash", FileMode::File),
    ("/usr/sbin/nginx", FileMode::File),
    ("/usr/lib/x86_64-linux-gnu/libc.so.6", FileMode::File),
    ("/usr/share/nginx/html/index.html", FileMode::File),
    ("/usr/share/doc/pkg/a/b/c/d/e/f/README", FileMode::File),
    ("/usr/local/bin/myapp", FileMode::File),
    ("/etc/passwd", FileMode::File),
    ("/etc/shadow", FileMode::File),
    ("/etc/ssh/ssh_host_rsa_key", FileMode::File),
    ("/etc/nginx/nginx.conf", FileMode::File),
    ("/etc/myapp/config.yml", FileMode::File),
    ("/etc/systemd/system/myapp.service", FileMode::File),
    ("/var/www/html/index.html", FileMode::File),
    ("/var/lib/mysql/ibdata1", FileMode::File),
    ("/var/lib/myapp", FileMode::Dir),
    ("/var/log/nginx/access.log", FileMode::File),
    ("/var/cache/nginx/x", FileMode::File),
    ("/var/run/myapp.pid", FileMode::File),
    ("/run/systemd/journal/socket", FileMode::Socket),
    ("/home/alice/.ssh/authorized_keys", FileMode::File),
    ("/home/alice/public_html/index.html", FileMode::File),
    ("/root/.bashrc", FileMode::File),
    ("/opt/myapp/bin/myapp", FileMode::File),
    ("/opt/crypto/monero.conf", FileMode::File),
    ("/srv/www/index.html", FileMode::File),
    ("/srv/myapp/data.db", FileMode::File),
    ("/bin/bash", FileMode::File),
    ("/lib64/ld-linux-x86-64.so.2", FileMode::File),
    ("/tmp/foo", FileMode::File),
    ("/dev/null", FileMode::Char),
    ("/dev/sda", FileMode::Block),
    ("/mnt/usb", FileMode::Dir),
    ("/nonexistent/dir/file", FileMode::File),
    ("/etc/localtime", FileMode::Any),
];

#[divan::bench(sample_count = 20)]
fn load_from_memory(bencher: Bencher<'_, '_>) {
    let t = texts();
    bencher.bench(|| load(black_box(&t)));
}

#[divan::bench(sample_count = 20)]
fn load_from_disk(bencher: Bencher<'_, '_>) {
    bencher.bench(|| load_file_contexts(black_box(Path::new(ROOT))).expect("load"));
}

#[divan::bench]
fn lookup_warm(bencher: Bencher<'_, '_>) {
    let fc = load(&texts());
    for (path, mode) in PATHS {
        black_box(fc.lookup(path.as_bytes(), *mode));
    }
    bencher.counter(ItemsCount::new(PATHS.len())).bench(|| {
        for (path, mode) in PATHS {
            black_box(fc.lookup(black_box(path.as_bytes()), *mode));
        }
    });
}

/// One key per spec (its literal prefix plus `x/y`, as a regular file): the whole policy's
/// shape, including the crowded `/usr` stem.
#[divan::bench(sample_count = 20)]
fn lookup_every_spec_prefix(bencher: Bencher<'_, '_>) {
    let fc = load(&texts());
    let keys: Vec<Vec<u8>> =
        fc.specs_with_regexes().map(|(_, rx)| [rx.literal_prefix(), b"x/y"].concat()).collect();
    for key in &keys {
        black_box(fc.lookup(key, FileMode::File));
    }
    bencher.counter(ItemsCount::new(keys.len())).bench(|| {
        for key in &keys {
            black_box(fc.lookup(black_box(key), FileMode::File));
        }
    });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn lookup_cold(bencher: Bencher<'_, '_>) {
    let t = texts();
    bencher.counter(ItemsCount::new(PATHS.len())).with_inputs(|| load(&t)).bench_local_values(
        |fc| {
            for (path, mode) in PATHS {
                black_box(fc.lookup(black_box(path.as_bytes()), *mode));
            }
            fc
        },
    );
}
