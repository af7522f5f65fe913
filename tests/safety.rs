//! Commands we print get pasted into root shells: prove that quoting and regex escaping hold
//! for hostile names, with a real `sh` and the real `matchpathcon` as judges.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::process::Command;

use selinux_audit::fcregex::{escape_path, escape_tree};
use selinux_audit::fix::{argv, render_shell};
use selinux_audit::shell;

/// Names an attacker (or an unlucky admin) can give a file.
fn hostile_names() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        "plain",
        "with space",
        "dollar$HOME",
        "$(reboot)",
        "`reboot`",
        "semi;colon",
        "quote'single",
        "quote\"double",
        "star*",
        "paren(x)",
        "brackets[a-z]",
        "brace{a,b}",
        "back\\slash",
        "new\nline",
        "tab\there",
        "amp&",
        "pipe|x",
        "lt<gt>",
        "hash#x",
        "tilde~x",
        "bang!x",
        "percent%",
        "dash-",
        "-leading",
        "dots..x",
        "caret^x",
        "plus+x",
        "question?",
        "ünïcödé",
        "emoji🦀",
        "trailing newline\n",
        "'",
        "''",
        "\\'",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    v.push(b"ctrl\x01\x02\x1b[31m".to_vec());
    v.push(b"latin1-\xe9t\xe9".to_vec());
    v.push(b"\xff\xfe".to_vec());
    v.push(b"del\x7f".to_vec());
    v
}

fn shells() -> Vec<&'static str> {
    let mut found = Vec::new();
    for sh in ["/bin/sh", "/bin/dash", "/bin/bash"] {
        if std::path::Path::new(sh).exists() {
            found.push(sh);
        }
    }
    assert!(!found.is_empty(), "no POSIX shell found to judge quoting");
    found
}

/// Runs `printf '%s\0' ARGS` in `sh` with ARGS as rendered by our quoting, and returns the
/// arguments the shell saw.
fn shell_sees(sh: &str, args: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let script = format!("printf '%s\\0' {}", shell::join(args));
    let out = Command::new(sh).arg("-c").arg(&script).output().expect("run sh");
    assert!(out.status.success(), "{sh} failed on: {script}");
    let mut parts: Vec<Vec<u8>> = out.stdout.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
    assert_eq!(parts.pop(), Some(Vec::new()), "output must end with NUL");
    parts
}

#[test]
fn quoted_arguments_round_trip_through_real_shells() {
    let names = hostile_names();
    for sh in shells() {
        for name in &names {
            let mut path = b"/opt/app/".to_vec();
            path.extend_from_slice(name);
            let args = vec![b"-Rv".to_vec(), path.clone(), escape_tree(&path).into_bytes()];
            assert_eq!(
                shell_sees(sh, &args),
                args,
                "{sh} changed {:?}",
                String::from_utf8_lossy(name)
            );
        }
    }
}

#[test]
fn rendered_fix_text_is_one_command_per_line_and_round_trips() {
    for name in hostile_names() {
        let mut path = b"/srv/".to_vec();
        path.extend_from_slice(&name);
        let regex = escape_path(&path);
        let cmd = argv(["semanage", "fcontext", "-a", "-t", "httpd_sys_content_t", regex.as_str()]);
        let text = render_shell(&[], &[cmd]);
        // Replace the program with printf to see what the shell would pass it.
        let script = text.replacen("semanage", "printf '%s\\0'", 1);
        let out = Command::new("/bin/sh").arg("-c").arg(&script).output().unwrap();
        let parts: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
        assert_eq!(parts[..3], [&b"fcontext"[..], b"-a", b"-t"]);
        assert_eq!(parts[3], b"httpd_sys_content_t");
        assert_eq!(parts[4], regex.as_bytes());
        // The regex itself never contains a newline, so it is always a single line.
        if !name.contains(&b'\n') {
            assert_eq!(text.lines().count(), 1, "{text:?}");
        }
    }
}

/// Writes a file_contexts with our escaped regex for `path` plus a catch-all, and asks the real
/// matchpathcon which label `path` and a near-miss sibling get.
#[test]
fn escaped_regexes_match_exactly_their_path_in_real_matchpathcon() {
    let matchpathcon = ["/usr/sbin/matchpathcon", "/sbin/matchpathcon", "/usr/bin/matchpathcon"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("matchpathcon not found: install selinux-utils (CI installs it)");
    let dir = std::env::temp_dir().join(format!("avcfix-safety-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut checked = 0;
    for name in hostile_names() {
        if name.contains(&b'\n') {
            // PCRE's `$` also matches before a final newline; such names are reported as
            // unlabelable by the rules rather than given a rule.
            continue;
        }
        let mut path = b"/srv/x/".to_vec();
        path.extend_from_slice(&name);
        let fc = dir.join("file_contexts");
        let mut f = std::fs::File::create(&fc).unwrap();
        writeln!(f, "/.*\tsystem_u:object_r:default_t:s0").unwrap();
        f.write_all(escape_path(&path).as_bytes()).unwrap();
        writeln!(f, "\tsystem_u:object_r:etc_t:s0").unwrap();
        f.write_all(escape_tree(b"/srv/tree dir").as_bytes()).unwrap();
        writeln!(f, "\tsystem_u:object_r:var_lib_t:s0").unwrap();
        drop(f);
        let mut sibling = path.clone();
        sibling.push(b'x');
        let out = Command::new(matchpathcon)
            .arg("-m")
            .arg("file")
            .arg("-f")
            .arg(&fc)
            .arg(std::ffi::OsStr::from_bytes(&path))
            .arg(std::ffi::OsStr::from_bytes(&sibling))
            .arg("/srv/tree dir/deep/file")
            .arg("/srv/tree dirx")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let types: Vec<&str> = text.lines().filter_map(|l| l.rsplit(':').nth(1)).collect();
        assert_eq!(
            types,
            ["etc_t", "default_t", "var_lib_t", "default_t"],
            "name {:?}: {text}",
            String::from_utf8_lossy(&name)
        );
        checked += 1;
    }
    assert!(checked >= 30);
    std::fs::remove_dir_all(&dir).unwrap();
}
