//! `avc-fix policy …` (the built binary, run from the workspace root) against the tools it
//! stands in for, on Debian's installed policy: `lookup` byte for byte like `matchpathcon`
//! (every `-m` type, `-n`, the path's own type, odd spellings), `allow` like `sesearch`,
//! `info` like `seinfo`; `port` on the recorded answers; JSON shapes, `batch`, exit statuses.
//!
//! The oracles are the real tools: without `selinux-utils`, `setools` or
//! `selinux-policy-default` this test FAILS with what to install (`.ci/run` installs them).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const POLICY: &str = "/etc/selinux/default/policy/policy.33";
const FILE_CONTEXTS: &str = "/etc/selinux/default/contexts/files/file_contexts";

/// The workspace root (tests run with the CLI crate as the current directory).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn avc_fix<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_avc-fix")).args(args).current_dir(root()).output().unwrap()
}

fn tool<S: AsRef<OsStr>>(name: &str, package: &str, args: &[S]) -> Output {
    assert!(Path::new(POLICY).is_file(), "apt-get install selinux-policy-default (.ci/run does)");
    Command::new(name)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} ({e}): apt-get install {package}"))
}

fn ok(out: &Output) -> &[u8] {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    &out.stdout
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_slice(ok(&avc_fix(&all))).unwrap()
}

/// Probe paths: literal file_contexts entries, existing files of every type, odd spellings.
fn probe_paths() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(FILE_CONTEXTS).unwrap();
    let meta = |c: char| ".^$?*+|[({\\".contains(c);
    let literals: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| p.starts_with('/') && !p.contains(meta))
        .collect();
    assert!(literals.len() > 300, "{}", literals.len());
    let mut paths: Vec<Vec<u8>> =
        literals.iter().step_by(literals.len() / 150).map(|p| p.as_bytes().to_vec()).collect();
    for p in [
        "/",
        "/etc",
        "/etc/",
        "/etc/passwd",
        "/etc/shadow",
        "/etc//ssh//sshd_config",
        "/dev/null",
        "/dev/log",
        "/run",
        "/run/log",
        "/run/shm",
        "/etc/localtime",
        "/tmp",
        "/var/log",
        "/var/log/",
        "/usr/bin/ls",
        "/usr/bin",
        "/bin",
        "/lib",
        "/proc/self",
        "/srv",
        "/var/www/html/index.html",
        "/home/alice/.ssh/authorized_keys",
        "/root/.bashrc",
        "/opt/app/bin/app",
        "/nonexistent/dir/",
        "relative/path",
        "etc/passwd",
        "//",
        "/var/lib/mysql/ibdata1",
        "/usr/lib/systemd/system/ssh.service",
        "/srv/a b/c",
    ] {
        paths.push(p.as_bytes().to_vec());
    }
    paths.push(b"/tmp/\xff\xfe-not-utf8".to_vec());
    paths
}

fn os(paths: &[Vec<u8>]) -> Vec<&OsStr> {
    paths.iter().map(|p| OsStr::from_bytes(p)).collect()
}

#[test]
fn lookup_output_is_byte_identical_to_matchpathcon() {
    let paths = probe_paths();
    let mut compared = 0;
    for mode in [None, Some("f"), Some("d"), Some("l"), Some("c"), Some("b"), Some("s"), Some("p")]
    {
        for no_path in [false, true] {
            let mut flags: Vec<&OsStr> = Vec::new();
            if let Some(m) = mode {
                flags.extend([OsStr::new("-m"), OsStr::new(m)]);
            }
            if no_path {
                flags.push(OsStr::new("-n"));
            }
            let mut theirs_args = flags.clone();
            theirs_args.push(OsStr::new("-N"));
            theirs_args.push(OsStr::new("--"));
            theirs_args.extend(os(&paths));
            let theirs = tool("matchpathcon", "selinux-utils", &theirs_args);
            let mut ours_args = vec![OsStr::new("policy"), OsStr::new("lookup")];
            ours_args.extend(flags);
            ours_args.push(OsStr::new("--"));
            ours_args.extend(os(&paths));
            let ours = avc_fix(&ours_args);
            assert_eq!(
                String::from_utf8_lossy(ok(&ours)),
                String::from_utf8_lossy(&theirs.stdout),
                "mode {mode:?}, -n {no_path}"
            );
            assert_eq!(ours.stdout, theirs.stdout);
            compared += paths.len();
        }
    }
    eprintln!("{compared} lookups byte-identical to matchpathcon");
    assert!(compared > 2500, "{compared}");
}

#[test]
fn lookup_names_and_json() {
    // fifo_file is a named pipe here (matchpathcon -m reads only its first letter: regular).
    let ours = avc_fix(&["policy", "lookup", "-m", "fifo_file", "/run/initctl"]);
    assert_eq!(ok(&ours), b"/run/initctl\tsystem_u:object_r:initctl_t:s0\n");
    let v = json(&["policy", "lookup", "-m", "dir", "/var/www/html/", "/proc/self"]);
    assert_eq!(v["policy"]["root"], "/etc/selinux/default");
    let l = &v["lookups"];
    assert_eq!(l[0]["path"], "/var/www/html");
    assert_eq!(l[0]["mode"], "dir");
    assert_eq!(l[0]["context"], "system_u:object_r:httpd_sys_content_t:s0");
    assert_eq!(l[0]["spec"]["file"], "main");
    assert!(l[0]["spec"]["line"].as_u64().unwrap() > 0);
    assert_eq!(l[1]["context"], Value::Null);
    assert_eq!(l[1]["spec"]["context"], Value::Null, "a <<none>> entry");
    // An empty path is a usage error; the others are still answered.
    let out = avc_fix(&["policy", "lookup", "", "/etc"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(out.stdout, b"/etc\tsystem_u:object_r:etc_t:s0\n");
    // No file_contexts with a bare policy file outside a root: exit 3.
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_policy-policy.33");
    std::fs::copy(POLICY, &copy).unwrap();
    let out = avc_fix(&[
        OsStr::new("policy"),
        OsStr::new("lookup"),
        OsStr::new("--policy"),
        copy.as_os_str(),
        OsStr::new("--selinux-config"),
        OsStr::new("/nonexistent"),
        OsStr::new("/etc"),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--policy-root"));
}

#[test]
fn allow_output_equals_sesearch() {
    for args in [
        &["-A", "-s", "httpd_t", "-c", "file", "-p", "read,write"][..],
        &["-A", "-s", "init_t", "-t", "user_home_t", "-c", "lnk_file,file"],
        &["-A", "-ds", "-s", "httpd_t", "-dt", "-t", "httpd_sys_content_t"],
        &["--dontaudit", "-s", "sshd_t", "-c", "dir"],
        &["-T", "-s", "init_t", "-c", "process"],
        &["-A", "-b", "httpd_can_network_connect,httpd_enable_cgi"],
    ] {
        let mut theirs_args = args.to_vec();
        theirs_args.push(POLICY);
        let theirs = tool("sesearch", "setools", &theirs_args);
        let mut ours_args = vec!["policy", "allow", "--policy", POLICY];
        for a in args {
            ours_args.push(match *a {
                "-ds" => "--direct-source",
                "-dt" => "--direct-target",
                other => other,
            });
        }
        let ours = avc_fix(&ours_args);
        assert!(theirs.stdout.len() > 100, "{args:?}");
        assert_eq!(String::from_utf8_lossy(ok(&ours)), String::from_utf8_lossy(&theirs.stdout));
    }
}

#[test]
fn allow_json_and_errors() {
    let v = json(&[
        "policy",
        "allow",
        "-s",
        "httpd_t",
        "-t",
        "user_home_t",
        "-c",
        "file",
        "-p",
        "read",
    ]);
    let rule = &v["rules"][0];
    assert_eq!(rule["kind"], "allow");
    assert_eq!(rule["source"], "httpd_t");
    assert_eq!(rule["perms"], serde_json::json!(["getattr", "ioctl", "lock", "open", "read"]));
    assert_eq!(rule["condition"]["expression"], "httpd_read_user_content");
    assert_eq!(rule["condition"]["branch"], true);
    assert_eq!(rule["condition"]["enabled"], false);
    assert_eq!(v["changed_booleans"], serde_json::json!({}));
    for (args, code) in [
        (&["policy", "allow", "-s", "no_such_t"][..], 2),
        (&["policy", "allow", "-s", "httpd_t", "-c", "file", "-p", "bind"], 2),
        (&["policy", "allow", "-b", "nis_enabled"], 2),
        (&["policy", "allow", "--policy", "/nonexistent/policy.33"], 3),
        (&["policy", "port", "tcp", "70000"], 2),
        (&["policy", "port", "ipx", "1"], 2),
    ] {
        let out = avc_fix(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn access_lists_types_and_booleans() {
    let out =
        avc_fix(&["policy", "access", "-s", "httpd_t", "-c", "tcp_socket", "-p", "name_connect"]);
    let text = String::from_utf8(ok(&out).to_vec()).unwrap();
    assert!(text.lines().any(|l| l == "dns_port_t\tallowed"), "{text}");
    assert!(text.lines().any(|l| l
        == "unreserved_port_t\tdenied\tallowed if allow_ypbind=on or httpd_can_network_connect=on"));
    assert_eq!(text.lines().count(), 232);
    let v = json(&[
        "policy",
        "access",
        "-s",
        "httpd_t",
        "-c",
        "file",
        "-p",
        "read,open",
        "--allowed-only",
    ]);
    let targets = v["targets"].as_array().unwrap();
    assert!(targets.iter().all(|t| t["allowed"] == true));
    assert!(targets.iter().any(|t| t["target"] == "httpd_sys_content_t"));
}

#[test]
fn port_info_and_batch() {
    // policy-samples q08–q10, and a port no portcon covers (the port initial SID).
    for (proto, port, expected) in [
        ("tcp", "8080", "http_cache_port_t\n"),
        ("tcp", "80", "http_port_t\n"),
        ("tcp", "18081", "unreserved_port_t\n"),
        ("udp", "53", "dns_port_t\n"),
        ("tcp", "0", "port_t\n"),
    ] {
        assert_eq!(ok(&avc_fix(&["policy", "port", proto, port])), expected.as_bytes());
    }
    let v = json(&["policy", "port", "tcp", "8080"]);
    assert_eq!(v["type"], "http_cache_port_t");
    assert_eq!(v["from"], "portcon");
    assert_eq!(v["matching"].as_array().unwrap().len(), 2);
    assert_eq!(v["matching"][1]["type"], "unreserved_port_t");

    let theirs = tool("seinfo", "setools", &[POLICY]);
    let ours = avc_fix(&["policy", "info", "--policy", POLICY]);
    assert_eq!(String::from_utf8_lossy(ok(&ours)), String::from_utf8_lossy(&theirs.stdout));
    let v = json(&["policy", "info"]);
    assert_eq!(v["stats"]["allow"], 104_302);
    assert_eq!(v["handle_unknown"], "allow");

    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_policy-batch.txt");
    std::fs::write(
        &file,
        "# one query per line\nport tcp 8080\n\nlookup -m dir /var/www\nnot-a-command\n\
         allow -s httpd_t -t user_home_t -c file -p read\n",
    )
    .unwrap();
    let out = avc_fix(&[OsStr::new("policy"), OsStr::new("batch"), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "the bad line");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "http_cache_port_t\n/var/www\tsystem_u:object_r:httpd_sys_content_t:s0\n\
         allow httpd_t user_home_t:file { getattr ioctl lock open read }; \
         [ httpd_read_user_content ]:True\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(":5:"));
}
