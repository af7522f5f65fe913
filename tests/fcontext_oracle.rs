//! Differential test: our file_contexts lookups against the real libselinux (3.4 on Debian 12).
//!
//! For each policy (Debian's installed one, the same with a test `.local` and `.subs`, the VM's,
//! the fixtures under `corpus/policy/fcontext/` and the demo root) the text files are copied to
//! a scratch directory (so no `.bin` file can stand in for them) and thousands of probe paths are
//! generated from the specs themselves: each literal path, its children and siblings, strings
//! each regex matches (built from the regex), parents, equivalence sources, home directories,
//! and odd keys (`//`, trailing `/`, final newline, blanks, non-UTF-8, relative, very long).
//! Every path is looked up with every file type through `matchpathcon -N -n -m TYPE -f FILE`
//! (which calls `selabel_lookup_raw` and prints `<<none>>` for ENOENT) and once without `-m`:
//! then matchpathcon uses the path's `lstat` type, or mode 0 when it does not exist, and so do we.
//! `selabel_lookup -r -b file -t MODE` checks a few mode-0 lookups of existing paths.
//!
//! Without the oracle binaries this test FAILS: install `selinux-utils` (CI does).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use regex_syntax::hir::{Class, Hir, HirKind};
use selinux_audit::policy::fcontext::{FcFile, FileContexts, FileMode, Lookup, Spec};
use selinux_audit::system::policy_files::load_file_contexts_at;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/policy/fcontext");
const VM_FILES: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/vm/policy/default/contexts/files");
const DEBIAN_FILES: &str = "/etc/selinux/default/contexts/files";
const TEXT_FILES: [&str; 5] = [
    "file_contexts",
    "file_contexts.homedirs",
    "file_contexts.local",
    "file_contexts.subs_dist",
    "file_contexts.subs",
];

/// `-m` arguments of matchpathcon and the modes they force.
const MODES: [(&str, FileMode); 7] = [
    ("f", FileMode::File),
    ("d", FileMode::Dir),
    ("l", FileMode::Symlink),
    ("c", FileMode::Char),
    ("b", FileMode::Block),
    ("s", FileMode::Socket),
    ("p", FileMode::Fifo),
];

/// A test `.local` in `semanage` style (base regexes overridden, literals, `<<none>>`, modes).
const LOCAL: &str = "\
/srv/myapp(/.*)?    system_u:object_r:httpd_sys_content_t:s0
/etc/ssh(/.*)?    system_u:object_r:etc_runtime_t:s0
/etc/ssh/primes\t--\tsystem_u:object_r:etc_t:s0
/opt/myapp/bin(/.*)?    system_u:object_r:bin_t:s0
/opt/myapp/bin/special    system_u:object_r:httpd_exec_t:s0
/usr/lib/myapp(/.*)?    system_u:object_r:lib_t:s0
/srv/nolabel(/.*)?    <<none>>
/etc/passwd\t-d\tsystem_u:object_r:etc_runtime_t:s0
/var/www/html/app\\.cgi\t--\tsystem_u:object_r:httpd_sys_script_exec_t:s0
/home/[^/]+/projects(/.*)?    unconfined_u:object_r:httpd_user_content_t:s0
/opt/crypto/monero[^/]*/monerod\t--\tsystem_u:object_r:bin_t:s0
";
/// A test `.subs` (alias → original), including aliases of aliases.
const SUBS: &str =
    "/web /var/www\n/mylib /lib\n/data/srv /srv\n/export/home /home\n/srv/alias /usr/bin\n";

/// Keys nothing generates from specs.
const ODD: &[&[u8]] = &[
    b"/",
    b"//",
    b"/usr//bin///bash/",
    b"/usr/bin/bash\n",
    b"/usr/bin/\n",
    b"/etc/passwd\n",
    b"/tmp/a b",
    b"/srv/www/caf\xc3\xa9.html",
    b"/srv/www/\xff\xfe",
    b"/home/alice/\xe9t\xe9",
    b"relative/path",
    b"usr/bin/bash",
    b"/usr/bin/../lib/x",
    b"/./etc/passwd",
    b"/home",
    b"/home/",
    b"/home/alice",
    b"/home/alice/.ssh/authorized_keys",
    b"/root/.ssh/id_rsa",
    b"/home/lost+found/x",
    b"/run/user/1000/x",
    b"/var/run/x.pid",
    b"-rf",
    b"/opt/crypto/monero-x86_64-linux-gnu-v0.17.1.9/monerod",
];

/// Keys aimed at the PCRE-vs-Rust differences of `corpus/policy/fcontext/pcre`.
const PCRE_PROBES: &[&[u8]] = &[
    b"/p/lt<x>",
    b"/p/cls[x",
    b"/p/amp&",
    b"/p/tilde~",
    b"/p/dash,",
    b"/p/brace{x",
    b"/p/brace2/x{,2}",
    b"/p/rbrace}]",
    b"/p/hexABC",
    b"/p/oct\x081",
    b"/p/cls2/_9-",
    b"/p/posix/Qx",
    b"/p/ci/ABC",
    b"/p/wb/abc",
    b"/p/alt/aZZZ",
    b"x/p/alt/b",
    b"/p/alt/xx/p/alt/b",
    b"/p/end$",
    b"/p/end$more",
    b"/p/zed\n",
    b"/p/lazy/aaxbx",
    b"/p/rep/aaaa",
    b"/p/rep2/ababc",
    b"/p/named/xx",
    b"/p/dot/\n",
    b"/p/dot/\xff",
    b"/p/neg/b",
    b"/p/bs/\x08",
    b"/p/esc/x/-_,%'\"#",
    b"/p/flags/A\n",
    b"/p/flags/ax",
    b"/p/nl\n",
    b"/p/dir/",
    b"/q.x/y/z",
];

/// An oracle binary, found on `PATH` or in the sbin directories (often not on a user's `PATH`).
fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` not found: install selinux-utils (matchpathcon, selabel_lookup; \
                 policycoreutils on some distributions). CI installs it; this test compares with \
                 the real libselinux and must not pass without it."
            )
        })
}

/// A scratch copy of a policy's text files, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, from: &Path, extra: &[(&str, &str)]) -> Scratch {
        assert!(from.join("file_contexts").is_file(), "{}: no file_contexts", from.display());
        let dir = std::env::temp_dir()
            .join(format!("avc-fix-fcontext-oracle-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for file in TEXT_FILES {
            if from.join(file).is_file() {
                std::fs::copy(from.join(file), dir.join(file)).unwrap();
            }
        }
        for (file, text) in extra {
            std::fs::write(dir.join(file), text).unwrap();
        }
        Scratch(dir)
    }

    fn file_contexts(&self) -> PathBuf {
        self.0.join("file_contexts")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `matchpathcon -N -n [-m MODE] -f FILE -- PATH…`, one answer per path.
fn matchpathcon(file: &Path, mode: Option<&str>, paths: &[Vec<u8>]) -> Vec<String> {
    let bin = tool("matchpathcon");
    let mut answers = Vec::with_capacity(paths.len());
    for chunk in paths.chunks(4000) {
        let mut cmd = Command::new(&bin);
        cmd.args(["-N", "-n"]);
        if let Some(mode) = mode {
            cmd.args(["-m", mode]);
        }
        cmd.arg("-f").arg(file).arg("--");
        cmd.args(chunk.iter().map(|p| OsStr::from_bytes(p)));
        let out = cmd.output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        assert_eq!(
            lines.len(),
            chunk.len(),
            "matchpathcon gave {} answers for {} paths: {}",
            lines.len(),
            chunk.len(),
            String::from_utf8_lossy(&out.stderr)
        );
        answers.extend(lines);
    }
    answers
}

/// Our answer in matchpathcon's words.
fn show(result: &Lookup<'_>) -> String {
    result.context().map_or_else(|| "<<none>>".to_owned(), ToString::to_string)
}

/// The mode matchpathcon uses without `-m`: `lstat` of the path (one trailing `/` removed).
fn lstat_mode(path: &[u8]) -> FileMode {
    let path = match path.strip_suffix(b"/") {
        Some(p) if !p.is_empty() => p,
        _ => path,
    };
    std::fs::symlink_metadata(OsStr::from_bytes(path))
        .map_or(FileMode::Any, |m| FileMode::from_st_mode(m.mode()))
}

/// One string the regex matches: `rich` repeats optional parts once and takes first
/// alternatives, otherwise minimal repetitions and last alternatives.
fn sample(pattern: &str, rich: bool) -> Option<Vec<u8>> {
    let hir = regex_syntax::ParserBuilder::new().utf8(false).build().parse(pattern).ok()?;
    let mut out = Vec::new();
    walk(&hir, rich, &mut out);
    Some(out)
}

fn walk(hir: &Hir, rich: bool, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.extend_from_slice(&lit.0),
        HirKind::Class(Class::Bytes(class)) => {
            let has = |b: u8| class.ranges().iter().any(|r| (r.start()..=r.end()).contains(&b));
            let pick = b"ax0_-.Q".iter().copied().find(|&b| has(b));
            out.push(pick.or_else(|| class.ranges().first().map(|r| r.start())).unwrap_or(b'a'));
        }
        HirKind::Class(Class::Unicode(_)) => out.push(b'a'),
        HirKind::Repetition(rep) => {
            // PCRE's `$` became `\n?\z`: never add the optional newline.
            if matches!(rep.sub.kind(), HirKind::Literal(l) if *l.0 == *b"\n") {
                return;
            }
            let n = if rich { rep.min.max(1).min(rep.max.unwrap_or(u32::MAX)) } else { rep.min };
            for _ in 0..n {
                walk(&rep.sub, rich, out);
            }
        }
        HirKind::Capture(cap) => walk(&cap.sub, rich, out),
        HirKind::Concat(items) => items.iter().for_each(|h| walk(h, rich, out)),
        HirKind::Alternation(alts) => {
            let alt = if rich { alts.first() } else { alts.last() };
            if let Some(alt) = alt {
                walk(alt, rich, out);
            }
        }
    }
}

/// What to compare: probes from every `stride`-th spec and every one `focus` selects, then
/// the `shard.0`-th of `shard.1` slices of them (so one policy can use both cores), with every
/// file type (`all_modes`) or a rotation of them.
struct Plan<'a> {
    stride: usize,
    focus: &'a dyn Fn(&Spec) -> bool,
    shard: (usize, usize),
    all_modes: bool,
}

const ALL: Plan<'static> = Plan { stride: 1, focus: &|_| true, shard: (0, 1), all_modes: true };

/// Probe keys generated from the selected specs and all equivalences of `fc`, plus `extra`.
fn probes(fc: &FileContexts, extra: &[&[u8]], select: &Plan<'_>) -> Vec<Vec<u8>> {
    let mut set: BTreeSet<Vec<u8>> = extra.iter().chain(ODD).map(|p| p.to_vec()).collect();
    set.insert([&b"/usr/share"[..], &b"/deep".repeat(400), b"/file.so"].concat());
    set.insert([&b"/home/alice"[..], &b"/x".repeat(2000)].concat());
    let chosen = fc
        .specs_with_regexes()
        .enumerate()
        .filter(|(i, (spec, _))| i % select.stride == 0 || (select.focus)(spec));
    for (_, (_, rx)) in chosen {
        let prefix = rx.literal_prefix();
        match rx.exact_path() {
            Some(path) => {
                set.insert(path.to_vec());
                set.insert([path, b"/child"].concat());
                set.insert([path, b"x"].concat());
            }
            None => {
                set.extend(
                    [true, false].into_iter().filter_map(|rich| sample(rx.rust_pattern(), rich)),
                );
                set.insert([prefix, b"zz/deep/a/b/c.d"].concat());
            }
        }
        if let Some(slash) = prefix.iter().rposition(|&b| b == b'/') {
            set.insert(prefix[..slash.max(1)].to_vec());
        }
    }
    for sub in fc.subs() {
        let src = sub.src.as_bytes();
        set.extend([src.to_vec(), [src, b"/x"].concat(), [src, b"/bin/bash"].concat()]);
    }
    set.retain(|p| !p.is_empty() && !p.contains(&0));
    let (k, n) = select.shard;
    set.into_iter().enumerate().filter(|(i, _)| i % n == k).map(|(_, p)| p).collect()
}

/// Keys looked up with one matchpathcon `-m` setting, with the mode we use for each.
type Batch<'a> = Vec<(&'a [u8], FileMode)>;

/// Compares probes with matchpathcon; returns the number of lookups. Every probe is looked up
/// as a regular file and with its `lstat` mode (mode 0 when it does not exist); with `all_modes`
/// also as each other type, otherwise as one other type in rotation (the oracle's linear scan
/// costs about 60 µs a lookup, so a full cross product of 17k paths would take half a minute).
fn compare(name: &str, scratch: &Scratch, extra: &[&[u8]], plan: &Plan<'_>) -> usize {
    let file = scratch.file_contexts();
    let fc = load_file_contexts_at(&file).unwrap();
    let paths = probes(&fc, extra, plan);
    let all_modes = plan.all_modes;
    let mut runs: Vec<(Option<&str>, Batch<'_>)> = Vec::new();
    for (k, (flag, mode)) in MODES.iter().enumerate() {
        let keep =
            |i: usize| all_modes || *mode == FileMode::File || i % (MODES.len() - 1) + 1 == k;
        let batch = paths.iter().enumerate().filter(|(i, _)| keep(*i));
        runs.push((Some(*flag), batch.map(|(_, p)| (p.as_slice(), *mode)).collect()));
    }
    runs.push((None, paths.iter().map(|p| (p.as_slice(), lstat_mode(p))).collect()));
    let mut wrong = Vec::new();
    let mut compared = 0;
    for (flag, batch) in runs {
        let keys: Vec<Vec<u8>> = batch.iter().map(|(p, _)| p.to_vec()).collect();
        let oracle = matchpathcon(&file, flag, &keys);
        for ((path, mode), want) in batch.into_iter().zip(oracle) {
            let ours = fc.lookup(path, mode);
            compared += 1;
            if show(&ours) != want {
                let spec = ours.spec().map(|s| format!("{:?}:{} {}", s.file, s.line, s.regex));
                wrong.push(format!(
                    "{} {mode:?}: ours {} ({}), libselinux {want}",
                    path.escape_ascii(),
                    show(&ours),
                    spec.unwrap_or_default()
                ));
            }
        }
    }
    println!("{name}: {} paths, {compared} lookups compared with matchpathcon", paths.len());
    assert!(
        wrong.is_empty(),
        "{name}: {} of {compared} lookups differ from libselinux:\n{}",
        wrong.len(),
        wrong.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
    compared
}

fn debian_shard(k: usize) {
    let scratch = Scratch::new(&format!("debian-{k}"), Path::new(DEBIAN_FILES), &[]);
    let plan = Plan { shard: (k, 2), all_modes: false, ..ALL };
    assert!(compare(&format!("debian (half {})", k + 1), &scratch, &[], &plan) > 20_000);
}

#[test]
fn debian_policy_matches_libselinux_1() {
    debian_shard(0);
}

#[test]
fn debian_policy_matches_libselinux_2() {
    debian_shard(1);
}

#[test]
fn debian_policy_with_local_and_subs_matches_libselinux() {
    let extra = [("file_contexts.local", LOCAL), ("file_contexts.subs", SUBS)];
    let scratch = Scratch::new("debian-local", Path::new(DEBIAN_FILES), &extra);
    let probes: &[&[u8]] =
        &[b"/web/html/app.cgi", b"/export/home/bob/projects/x", b"/srv/alias/bash", b"/mylib/x.so"];
    // The base alone is covered above: here the .local specs, plus every 7th base spec.
    let plan = Plan { stride: 7, focus: &|s| s.file == FcFile::Local, all_modes: false, ..ALL };
    assert!(compare("debian+local+subs", &scratch, probes, &plan) > 5_000);
}

#[test]
fn vm_policy_matches_libselinux() {
    let scratch = Scratch::new("vm", Path::new(VM_FILES), &[]);
    // The VM's file differs from Debian's by the monerod module: its specs, plus every 7th.
    let plan = Plan { stride: 7, focus: &|s| s.regex.contains("monero"), all_modes: false, ..ALL };
    assert!(compare("vm", &scratch, &[b"/opt/crypto/monero.conf"], &plan) > 5_000);
}

#[test]
fn fixtures_match_libselinux() {
    let rules = Scratch::new("rules", &Path::new(FIXTURES).join("rules/contexts/files"), &[]);
    let pcre = Scratch::new("pcre", &Path::new(FIXTURES).join("pcre"), &[]);
    assert!(compare("fixture rules", &rules, &[b"/stem-x/y", b"/dual", b"/first/x"], &ALL) > 1000);
    assert!(compare("fixture pcre", &pcre, PCRE_PROBES, &ALL) > 1000);
    // The project's demo policy root (CLI examples) must answer like the real system too.
    let demo_files = Path::new(FIXTURES).join("../demo/contexts/files");
    let demo = Scratch::new("demo", &demo_files, &[]);
    assert!(compare("demo policy", &demo, &[], &ALL) > 500);
}

/// Mode 0 on paths that exist (matchpathcon would use their real type): `selabel_lookup`.
#[test]
fn selabel_lookup_mode_zero_matches() {
    let bin = tool("selabel_lookup");
    let scratch = Scratch::new("selabel", Path::new(DEBIAN_FILES), &[]);
    let fc = load_file_contexts_at(&scratch.file_contexts()).unwrap();
    let keys =
        ["/etc/localtime", "/run/log", "/run/shm", "/srv", "/mnt/usb", "/etc", "/usr/bin/bash"];
    for key in keys {
        for (mode, st_mode) in
            [(FileMode::Any, 0), (FileMode::File, 0o100_000), (FileMode::Symlink, 0o120_000)]
        {
            let out = Command::new(&bin)
                .args(["-r", "-b", "file", "-k", key, "-t", &st_mode.to_string(), "-f"])
                .arg(scratch.file_contexts())
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let want = text.trim().strip_prefix("Default context: ").unwrap_or("<<none>>");
            assert_eq!(show(&fc.lookup(key.as_bytes(), mode)), want, "{key} {mode:?}");
        }
    }
}
