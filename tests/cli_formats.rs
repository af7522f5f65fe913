//! `avc-fix suggest --format script|semanage-import|ansible`, judged by the real consumers:
//! the script is run by `sh` with stub commands that record their argv, the import lines are
//! parsed by semanage's own parser (`/usr/sbin/semanage`, loaded as a module: `mkargv` and
//! `createCommandParser`), and the tasks are read by PyYAML. Each must carry exactly the argv
//! of the JSON plan, hostile path included.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

const DEBIAN: &str = "/etc/selinux/default";

/// A log with a restore, a web-content rule with its boolean, a port and a hostile path.
fn log_file() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("formats");
    std::fs::create_dir_all(&dir).unwrap();
    let mut log = String::new();
    for s in ["deb-web-page-from-home", "deb-web-uploads-writable", "deb-web-server-port"] {
        log.push_str(
            &std::fs::read_to_string(root().join("corpus/scenarios").join(s).join("input.log"))
                .unwrap(),
        );
    }
    let hostile = b"/srv/my $(reboot)'x\"/page.html";
    let hex: String = hostile.iter().map(|b| format!("{b:02X}")).collect();
    log.push_str(&format!(
        "type=AVC msg=audit(1796500000.100:900): avc:  denied  {{ read }} for  pid=7 comm=\"httpd\" \
         path={hex} dev=\"sda2\" ino=9 scontext=system_u:system_r:httpd_t:s0 \
         tcontext=system_u:object_r:default_t:s0 tclass=file permissive=0\n"
    ));
    let file = dir.join("mix.log");
    std::fs::write(&file, log).unwrap();
    file
}

fn suggest(format: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_avc-fix"))
        .args(["suggest", "--policy-root", DEBIAN, "--format", format])
        .arg(log_file())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The plan's commands (not explanations), in order, as argv strings.
fn plan_argvs() -> Vec<Vec<String>> {
    let (json, _) = suggest("json");
    let v: Value = serde_json::from_str(&json).unwrap();
    v["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] != "other")
        .flat_map(|f| f["commands"].as_array().unwrap().clone())
        .map(|c| c.as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect())
        .collect()
}

fn python() -> &'static str {
    if Path::new("/usr/bin/python3").is_file() { "/usr/bin/python3" } else { "python3" }
}

#[test]
fn the_script_runs_exactly_the_plans_commands() {
    let (script, _) = suggest("script");
    assert!(script.starts_with("#!/bin/sh\n"));
    assert!(script.contains("\nset -eu\n"));
    // Stubs that record their argv, one NUL-separated record per call.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("formats-bin");
    std::fs::create_dir_all(&dir).unwrap();
    let record = dir.join("calls");
    let _ = std::fs::remove_file(&record);
    for cmd in ["restorecon", "semanage", "setsebool"] {
        let stub = dir.join(cmd);
        std::fs::write(
            &stub,
            format!(
                "#!/bin/sh\nprintf '%s\\0' {cmd} \"$@\" >> '{}'\nprintf '\\n' >> '{}'\n",
                record.display(),
                record.display()
            ),
        )
        .unwrap();
        Command::new("chmod").arg("+x").arg(&stub).status().unwrap();
    }
    let file = dir.join("fix.sh");
    std::fs::write(&file, &script).unwrap();
    let status = Command::new("sh")
        .arg(&file)
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .status()
        .unwrap();
    assert!(status.success());
    let calls = std::fs::read(&record).unwrap();
    let got: Vec<Vec<String>> = calls
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .collect();
    assert_eq!(got, plan_argvs());
    assert!(got.iter().any(|c| c.iter().any(|a| a.contains("$(reboot)'x\""))), "{got:?}");
}

/// Parses each import line with semanage's own parser; prints its arguments as JSON.
const PARSE: &str = r#"
import sys, json, importlib.machinery, importlib.util
loader = importlib.machinery.SourceFileLoader("semanage_cli", "/usr/sbin/semanage")
spec = importlib.util.spec_from_loader("semanage_cli", loader)
m = importlib.util.module_from_spec(spec)
loader.exec_module(m)
for line in sys.stdin:
    if not line.strip():
        continue
    a = m.createCommandParser().parse_args(m.mkargv(line))
    keep = ("subcommand", "action", "type", "file_spec", "port", "proto", "boolean", "state", "equal")
    print(json.dumps({k: getattr(a, k) for k in keep if getattr(a, k, None)}, sort_keys=True))
"#;

#[test]
fn import_lines_parse_with_semanages_own_parser() {
    let (lines, notes) = suggest("semanage-import");
    assert!(!lines.contains('#'), "semanage import does not skip comments:\n{lines}");
    let mut child = Command::new(python())
        .args(["-Es", "-c", PARSE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "semanage's parser refused a line of:\n{lines}");
    let parsed: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The same semanage changes as the plan, in order; a quote cannot be carried by
    // semanage import, so that line goes to the notes instead.
    let importable = |c: &Vec<String>| !c.iter().any(|a| a.contains('\'') || a.contains('"'));
    let all = plan_argvs();
    let expected: Vec<&Vec<String>> = all
        .iter()
        .filter(|c| (c[0] == "semanage" || c[0] == "setsebool") && importable(c))
        .collect();
    assert!(all.iter().any(|c| !importable(c)), "the hostile path is in the plan");
    assert!(notes.contains("left out of the import"), "{notes}");
    assert_eq!(parsed.len(), expected.len(), "{lines}");
    for (p, c) in parsed.iter().zip(expected) {
        match c[0].as_str() {
            "setsebool" => {
                assert_eq!(p["subcommand"], "boolean");
                assert_eq!(p["boolean"], c[2].as_str());
                assert_eq!(p["state"], c[3].as_str());
            }
            _ => {
                assert_eq!(p["subcommand"], c[1].as_str());
                assert_eq!(p["type"], c[4].as_str());
                let last = c.last().unwrap().as_str();
                assert!(p["file_spec"] == last || p["port"] == last, "{p} vs {c:?}");
            }
        }
    }
    assert!(notes.contains("restorecon -v /var/www/html/index.html"), "{notes}");
}

const YAML: &str = r#"
import sys, json, yaml
print(json.dumps(yaml.safe_load(sys.stdin.read())))
"#;

#[test]
fn ansible_tasks_are_valid_yaml_with_the_plans_values() {
    let (tasks, _) = suggest("ansible");
    let mut child = Command::new(python())
        .args(["-Es", "-c", YAML])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(tasks.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "PyYAML refused:\n{tasks}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = doc.as_array().unwrap();
    let mut commands = Vec::new();
    for t in list {
        if let Some(c) = t.get("ansible.builtin.command") {
            commands.push(
                c["argv"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect::<Vec<_>>(),
            );
        } else if let Some(f) = t.get("community.general.sefcontext") {
            assert_eq!(f["state"], "present");
            commands.push(vec![
                "sefcontext".into(),
                f["setype"].as_str().unwrap().into(),
                f["target"].as_str().unwrap().into(),
            ]);
        } else if let Some(p) = t.get("community.general.seport") {
            commands.push(vec![
                "seport".into(),
                p["setype"].as_str().unwrap().into(),
                p["ports"].as_str().unwrap().into(),
            ]);
        } else if let Some(b) = t.get("ansible.posix.seboolean") {
            assert_eq!(b["persistent"], true);
            commands.push(vec![
                "seboolean".into(),
                b["name"].as_str().unwrap().into(),
                b["state"].to_string(),
            ]);
        } else {
            panic!("unexpected task {t}");
        }
    }
    let expected: Vec<Vec<String>> = plan_argvs()
        .into_iter()
        .map(|c| match c[0].as_str() {
            "semanage" if c[1] == "fcontext" => {
                vec!["sefcontext".into(), c[4].clone(), c[5].clone()]
            }
            "semanage" => vec!["seport".into(), c[4].clone(), c[7].clone()],
            "setsebool" => vec!["seboolean".into(), c[2].clone(), (c[3] == "on").to_string()],
            _ => c,
        })
        .collect();
    assert_eq!(commands, expected);
}
