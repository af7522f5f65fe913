//! file_contexts model: every lookup rule of libselinux 3.4 on small fixtures
//! (`corpus/policy/fcontext/`), the recorded Debian 12 test cases, and the VM's policy.
//!
//! The Debian cases read the installed policy (`/etc/selinux/default`, package
//! `selinux-policy-default`) and the shared research samples in place; the VM cases read
//! `../shared/corpus/vm/policy/default`. Nothing from a distribution is copied into the repo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use selinux_audit::PolicyError;
use selinux_audit::policy::fcontext::{
    FcFile, FcText, FileContexts, FileMode, Lookup, SubsFile, normalize_path,
};
use selinux_audit::system::policy_files::{
    detect_root, highest_policy_file, load_file_contexts, load_file_contexts_at,
    read_customizable_types,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/policy/fcontext");
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/docs/policy-samples");
const VM_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/vm/policy/default");
const DEBIAN_ROOT: &str = "/etc/selinux/default";

fn rules() -> FileContexts {
    load_file_contexts(&Path::new(FIXTURES).join("rules")).unwrap()
}

fn debian() -> FileContexts {
    assert!(
        Path::new(DEBIAN_ROOT).join("contexts/files/file_contexts").is_file(),
        "{DEBIAN_ROOT} missing: install selinux-policy-default (CI does)"
    );
    load_file_contexts(Path::new(DEBIAN_ROOT)).unwrap()
}

/// What `matchpathcon` prints: the context, or `<<none>>` for "no label" and "no match".
fn show(result: &Lookup<'_>) -> String {
    result.context().map_or_else(|| "<<none>>".to_owned(), ToString::to_string)
}

/// The type of a lookup, `<<none>>` for a `<<none>>` spec, `-` when nothing matches.
fn type_of(fc: &FileContexts, path: &[u8], mode: FileMode) -> String {
    match fc.lookup(path, mode) {
        Lookup::Context(context, _) => context.type_.clone(),
        Lookup::NoLabel(_) => "<<none>>".to_owned(),
        Lookup::NoMatch => "-".to_owned(),
    }
}

#[test]
fn every_lookup_rule_on_the_fixture() {
    use FileMode::{Any, Block, Char, Dir, Fifo, File, Socket, Symlink};
    let fc = rules();
    let cases: &[(&[u8], FileMode, &str)] = &[
        // A literal beats every regex, wherever it is in the file.
        (b"/srv/www/index.html", File, "httpd_sys_content_t"),
        (b"/usr/bin/bash", File, "shell_exec_t"),
        (b"/usr/bin/ls", File, "bin_t"),
        (b"/etc/app.conf", File, "app_conf_t"),
        (b"/etc/appXconf", File, "default_t"),
        // .local literal overrides the base literal; with another mode the regex answers.
        (b"/srv/www/special", File, "local_special_t"),
        (b"/srv/www/special", Dir, "httpd_sys_content_t"),
        // .local regex beats the base's more specific regex; a base literal still beats it.
        (b"/etc/ssh/ssh_host_rsa_key", File, "etc_runtime_t"),
        (b"/etc/ssh/primes", File, "etc_t"),
        (b"/etc/ssh/primes", Dir, "etc_runtime_t"),
        // .local beats .homedirs; later .local lines beat earlier ones.
        (b"/srv/www/shadowed/x", File, "local_t"),
        (b"/srv/www/shadowed/later/y", File, "later_t"),
        (b"/home/bob", Dir, "user_home_dir_t"),
        (b"/home/bob/.bashrc", File, "user_home_t"),
        // <<none>> stops the scan even though `/.*` would match.
        (b"/tmp/x", File, "<<none>>"),
        (b"/srv/nolabel/x", Dir, "<<none>>"),
        (b"/srv/nolabel", Any, "<<none>>"),
        // Mode filter, and mode 0 (Any) ignoring it: the later spec wins.
        (b"/tmp", Dir, "tmp_t"),
        (b"/tmp", File, "default_t"),
        (b"/tmp", Any, "tmp_t"),
        (b"/dual", Dir, "dual_dir_t"),
        (b"/dual", Symlink, "dual_link_t"),
        (b"/dual", File, "default_t"),
        (b"/dual", Any, "dual_link_t"),
        (b"/dev/sda", Block, "block_t"),
        (b"/dev/null", Char, "device_t"),
        (b"/dev/null", File, "default_t"),
        (b"/run/a", Socket, "sock_t"),
        (b"/run/a", Fifo, "fifo_t"),
        (b"/data/x.log", File, "var_log_t"),
        (b"/data/x.log", Dir, "default_t"),
        // Stems: a regex with a stem only sees keys with that stem; an escaped character in
        // the first component keeps the spec from ever matching.
        (b"/opt/foo/bin/x", File, "bin_t"),
        (b"/stem-x/y", File, "default_t"),
        // .subs (LIFO), then .subs_dist on the result, never recursively.
        (b"/first/x", File, "httpd_sys_content_t"),
        (b"/web/index.html", File, "httpd_sys_content_t"),
        (b"/mylib/a.so", File, "lib_t"),
        (b"/chroot/usr/bin/bash", File, "shell_exec_t"),
        (b"/chroot", Dir, "default_t"),
        (b"/single/x", File, "default_t"),
        (b"/a1/x", File, "default_t"),
        (b"/a2/x", File, "httpd_sys_content_t"),
        (b"/alias/x", File, "bin_t"),
        (b"/lib/x", File, "lib_t"),
        (b"/firstx", File, "default_t"),
        // Double and trailing slashes; a final newline (PCRE's `$`); non-UTF-8 bytes.
        (b"/srv//www///special/", File, "local_special_t"),
        (b"/usr/bin/bash\n", File, "shell_exec_t"),
        (b"/bytes/caf\xe9", File, "bytes_t"),
        (b"/srv/www/\xff\xfe/x", File, "httpd_sys_content_t"),
        (b"/", Dir, "default_t"),
        // Nothing matches a relative key, and an empty one is invalid.
        (b"relative/x", File, "-"),
        (b"", File, "-"),
    ];
    let mut wrong = Vec::new();
    for &(path, mode, expected) in cases {
        let got = type_of(&fc, path, mode);
        if got != expected {
            wrong.push(format!("{} {mode:?}: got {got}, want {expected}", path.escape_ascii()));
        }
    }
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), cases.len(), wrong.join("\n"));
}

#[test]
fn winning_spec_and_substitutions_are_reported() {
    let fc = rules();
    let r = fc.resolve(b"/mylib//a.so/", FileMode::File);
    assert_eq!(r.key, b"/usr/lib/a.so");
    let subs: Vec<_> =
        r.substitutions.iter().map(|s| (s.src.as_str(), s.dst.as_str(), s.file, s.line)).collect();
    assert_eq!(
        subs,
        [("/mylib", "/lib", SubsFile::Subs, 3), ("/lib", "/usr/lib", SubsFile::SubsDist, 2)]
    );
    let spec = r.result.spec().unwrap();
    assert_eq!((spec.regex.as_str(), spec.file, spec.line), ("/usr/lib(/.*)?", FcFile::Main, 5));

    let none = fc.lookup(b"/tmp/x", FileMode::File);
    assert!(matches!(none, Lookup::NoLabel(s) if s.regex == "/tmp/.*" && s.line == 10));
    let local = fc.lookup(b"/srv/www/special", FileMode::File).spec().unwrap();
    assert_eq!((local.file, local.line), (FcFile::Local, 5));

    assert_eq!(fc.substitute(b"/web/x"), b"/srv/www/x");
    assert_eq!(fc.substitute(b"/nothing/x"), b"/nothing/x");
    assert_eq!(normalize_path(b"//a//b/"), b"/a/b");
    // .subs entries first (last line first), then .subs_dist.
    let order: Vec<_> = fc.subs().iter().map(|s| (s.src.as_str(), s.file)).collect();
    assert_eq!(order.first(), Some(&("/web", SubsFile::Subs)));
    assert_eq!(order.get(4), Some(&("/first", SubsFile::Subs)));
    assert_eq!(order.get(5), Some(&("/alias", SubsFile::SubsDist)));
    assert_eq!(order.len(), 5 + 6);
}

#[test]
fn specs_and_regex_helpers() {
    let fc = rules();
    let specs = fc.specs();
    assert_eq!(specs.len(), 23 + 3 + 5);
    assert_eq!((specs[0].regex.as_str(), specs[0].file), ("/.*", FcFile::Main));
    assert_eq!(specs[23].file, FcFile::Homedirs);
    assert_eq!(specs[30].file, FcFile::Local);
    let under: Vec<_> = fc.specs_under(b"/srv/www/").iter().map(|s| s.regex.as_str()).collect();
    assert_eq!(
        under,
        [
            "/srv/www(/.*)?",
            "/srv/www/special",
            "/srv/www/shadowed(/.*)?",
            "/srv/www/special",
            "/srv/www/shadowed/.*",
            "/srv/www/shadowed/later(/.*)?"
        ]
    );
    let rx = fc.regex(&specs[21]).unwrap();
    assert_eq!(rx.as_str(), "/etc/app\\.conf");
    assert_eq!(rx.exact_path(), Some(&b"/etc/app.conf"[..]));
    assert_eq!(fc.regex(&specs[1]).unwrap().literal_prefix(), b"/srv");
}

#[test]
fn bad_lines_fail_with_file_and_line() {
    let text = |path: &str, text: &'static str| FcText { path: PathBuf::from(path), text };
    let load = |local: &'static str| {
        FileContexts::from_texts(
            text("fc", "/.* u:r:t:s0\n"),
            None,
            Some(text("fc.local", local)),
            None,
            None,
        )
    };
    let cases = [
        ("/a u:r:t\n# ok\n/b\n", 3, "missing fields"),
        ("/a\t-x\tu:r:t\n", 1, "invalid file type \"-x\""),
        ("\n/a u:r\n", 2, "invalid security context \"u:r\""),
        ("/caf\u{e9} u:r:t\n", 1, "non-ASCII character in field 1"),
        ("/a u:r:t\n/(a)\\1 u:r:t\n", 2, "back-references are not supported"),
        ("/a[ u:r:t\n", 1, "missing `]`"),
    ];
    for (local, line, message) in cases {
        let err = load(local).unwrap_err();
        let PolicyError::Text { path, line: got, message: got_message } = &err else {
            panic!("{err}")
        };
        assert_eq!((path.as_path(), *got), (Path::new("fc.local"), line), "{err}");
        assert!(got_message.contains(message), "{err}");
    }
    // Through the file loader: invalid UTF-8 inside a field is reported with its line.
    let err =
        load_file_contexts_at(&Path::new(FIXTURES).join("bad-bytes/file_contexts")).unwrap_err();
    let PolicyError::Text { path, line: 3, message } = &err else { panic!("{err}") };
    assert!(path.ends_with("bad-bytes/file_contexts"), "{err}");
    assert!(message.starts_with("non-ASCII character in field 1 (\"/caf\u{fffd}\")"), "{err}");
    // Equivalence paths are bytes to libselinux: no lossy conversion, an error at the line.
    let err =
        load_file_contexts_at(&Path::new(FIXTURES).join("bad-subs/file_contexts")).unwrap_err();
    let PolicyError::Text { line: 2, path, .. } = &err else { panic!("{err}") };
    assert!(path.ends_with("file_contexts.subs"), "{err}");
    let err = load_file_contexts(Path::new(FIXTURES)).unwrap_err();
    assert!(matches!(err, PolicyError::NotFound(_)), "{err}");
}

#[test]
fn policy_root_discovery() {
    let root = detect_root(&Path::new(FIXTURES).join("config")).unwrap();
    assert_eq!(root, Path::new(FIXTURES).join("rules"));
    assert_eq!(detect_root(&Path::new(FIXTURES).join("no-such-config")), None);
    assert_eq!(highest_policy_file(&root), Some(root.join("policy/policy.33")));
    assert_eq!(highest_policy_file(Path::new(FIXTURES)), None);
    assert_eq!(read_customizable_types(&root), ["swapfile_t", "public_content_t"]);
    assert!(read_customizable_types(Path::new(FIXTURES)).is_empty());
    assert_eq!(
        highest_policy_file(Path::new(DEBIAN_ROOT)),
        Some(PathBuf::from("/etc/selinux/default/policy/policy.33"))
    );
    assert_eq!(read_customizable_types(Path::new(DEBIAN_ROOT)).len(), 4);
}

/// Rows `path<TAB>octal mode<TAB>expected` of a research sample, comments skipped.
fn sample_rows(name: &str) -> (String, Vec<(String, FileMode, String)>) {
    let path = Path::new(SAMPLES).join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (the shared research samples must be present)", path.display())
    });
    let rows = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "{l}");
            let mode = FileMode::from_st_mode(u32::from_str_radix(f[1], 8).unwrap());
            (f[0].to_owned(), mode, f[2].to_owned())
        })
        .collect();
    (text, rows)
}

fn check_rows(fc: &FileContexts, rows: &[(String, FileMode, String)]) {
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|(path, mode, want)| {
            let got = show(&fc.lookup(path.as_bytes(), *mode));
            (got != *want).then(|| format!("{path} {mode:?}: got {got}, want {want}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), rows.len(), wrong.join("\n"));
}

#[test]
fn debian12_recorded_cases() {
    let (_, rows) = sample_rows("fc-testcases-debian12.tsv");
    assert_eq!(rows.len(), 71);
    check_rows(&debian(), &rows);
}

#[test]
fn debian12_with_local_and_subs_recorded_cases() {
    let (text, rows) = sample_rows("fc-local-subs-testcases.tsv");
    assert_eq!(rows.len(), 14);
    // The sample's header lists the .local and .subs it was recorded with.
    let mut local = String::new();
    let mut subs = String::new();
    for line in text.lines() {
        if let Some(spec) = line.strip_prefix("#   local: ") {
            local.push_str(spec);
            local.push('\n');
        } else if let Some(pair) = line.strip_prefix("#   subs: ") {
            subs.push_str(pair);
            subs.push('\n');
        }
    }
    assert_eq!((local.lines().count(), subs.lines().count()), (7, 3));
    let dir = Path::new(DEBIAN_ROOT).join("contexts/files");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (main, homedirs, dist) =
        (read("file_contexts"), read("file_contexts.homedirs"), read("file_contexts.subs_dist"));
    let text = |name: &str, text: &'static str| FcText { path: dir.join(name), text };
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let fc = FileContexts::from_texts(
        text("file_contexts", leak(main)),
        Some(text("file_contexts.homedirs", leak(homedirs))),
        Some(text("file_contexts.local", leak(local))),
        Some(text("file_contexts.subs_dist", leak(dist))),
        Some(text("file_contexts.subs", leak(subs))),
    )
    .unwrap();
    check_rows(&fc, &rows);
}

#[test]
fn debian_policy_shape() {
    let fc = debian();
    let count = |file| fc.specs().iter().filter(|s| s.file == file).count();
    assert_eq!(
        (count(FcFile::Main), count(FcFile::Homedirs), count(FcFile::Local)),
        (5287, 334, 0)
    );
    assert_eq!(fc.subs().len(), 21);
    assert_eq!(fc.specs().iter().filter(|s| s.context.is_none()).count(), 52 + 4);
    // Every regex was translated and checked at load; the Rust patterns all compile, and
    // each matches the text of its own literal prefix only if libselinux would.
    let mut regexes = 0;
    for (_, rx) in fc.specs_with_regexes() {
        if rx.exact_path().is_none() {
            regex::bytes::Regex::new(rx.rust_pattern()).unwrap();
            regexes += 1;
        }
    }
    assert_eq!(regexes, 2391 + 294);
}

#[test]
fn vm_policy_with_the_monerod_module() {
    let root = Path::new(VM_ROOT);
    assert!(root.is_dir(), "{VM_ROOT} missing (shared corpus)");
    let fc = load_file_contexts(root).unwrap();
    let cases: &[(&str, FileMode, &str)] = &[
        ("/opt/crypto/monero.conf", FileMode::File, "usr_t"),
        ("/etc/systemd/system/monerod.service", FileMode::File, "systemd_unit_t"),
        ("/var/lib/monero", FileMode::Dir, "monerod_var_lib_t"),
        ("/var/lib/monero/lmdb/data.mdb", FileMode::File, "monerod_var_lib_t"),
        ("/etc/monerod.conf", FileMode::File, "monerod_conf_t"),
        ("/opt/crypto/monero-x86_64-linux-gnu-v0.17.1.9/monerod", FileMode::File, "monerod_exec_t"),
        ("/usr/bin/monerod", FileMode::File, "monerod_exec_t"),
    ];
    for &(path, mode, want) in cases {
        assert_eq!(type_of(&fc, path.as_bytes(), mode), want, "{path} {mode:?}");
    }
    let r = fc.resolve(b"/etc/systemd/system/monerod.service", FileMode::File);
    assert_eq!(r.key, b"/usr/lib/systemd/system/monerod.service");
}

/// Random bytes as file_contexts text, equivalences and keys: errors are fine, panics are not.
#[test]
fn arbitrary_input_never_panics() {
    const BYTES: &[u8] = b"/a.*+?|()[]{}^$\\-:,<>#\t \n\r\x0b\0\xff\xc3\xa9dsw2~&";
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % n as u64).unwrap()
    };
    let mut random =
        |len: usize| -> Vec<u8> { (0..len).map(|_| BYTES[next(BYTES.len())]).collect() };
    let modes = [FileMode::Any, FileMode::File, FileMode::Dir, FileMode::Symlink];
    let fixture = rules();
    let (mut loaded, mut lookups) = (0, 0);
    for round in 0..10_000 {
        let key = random(round % 40);
        let _ = fixture.resolve(&key, modes[round % modes.len()]);
        let text = |bytes: Vec<u8>| -> &'static str {
            Box::leak(String::from_utf8_lossy(&bytes).into_owned().into_boxed_str())
        };
        let spec_line =
            [random(round % 12), b" u:r:t_t".to_vec(), random(2), b"\n".to_vec()].concat();
        let main = FcText { path: PathBuf::from("m"), text: text(spec_line) };
        let subs = FcText { path: PathBuf::from("s"), text: text(random(round % 30)) };
        let local_line = [b"/".to_vec(), random(round % 20), b"\tu:r:l_t\n".to_vec()].concat();
        let local = FcText { path: PathBuf::from("l"), text: text(local_line) };
        if let Ok(fc) = FileContexts::from_texts(main, None, Some(local), None, Some(subs)) {
            loaded += 1;
            for mode in modes {
                lookups += 1;
                let _ = fc.lookup(&key, mode);
                let _ = fc.specs_under(&key);
            }
        }
    }
    println!("{loaded} random policies loaded, {lookups} lookups");
    assert!(loaded > 200 && lookups > 800, "{loaded} loaded, {lookups} lookups");
}

/// The rules engine writes `semanage fcontext` regexes with `fcregex::escape_path`; each must
/// match its own path and nothing longer, as libselinux reads it.
#[test]
fn escaped_paths_match_themselves() {
    use selinux_audit::fcregex::{escape_path, escape_tree};
    use selinux_audit::policy::fcontext::FcRegex;
    let paths: &[&[u8]] = &[
        b"/opt/crypto/monero.conf",
        b"/srv/my app/x",
        b"/a(b)[c]{d}*+?^$|\\",
        b"/x\n\xff",
        b"/caf\xc3\xa9/<b>",
        b"/var/lib/a-b_c,d%e",
    ];
    for &path in paths {
        let exact = FcRegex::new(&escape_path(path)).unwrap();
        assert!(exact.is_match(path), "{}", path.escape_ascii());
        assert!(!exact.is_match(&[path, b"x"].concat()), "{}", path.escape_ascii());
        let tree = FcRegex::new(&escape_tree(path)).unwrap();
        assert!(tree.is_match(&[path, b"/sub/file"].concat()), "{}", path.escape_ascii());
        assert!(!tree.is_match(&[path, b"sibling"].concat()), "{}", path.escape_ascii());
    }
}
