//! `--format ansible`: the plan as Ansible tasks, in order.
//!
//! `semanage fcontext -a|-m -t` becomes `community.general.sefcontext`, `semanage port`
//! `community.general.seport`, `setsebool -P` `ansible.posix.seboolean` (persistent), and
//! everything else that changes something (`restorecon`, `semanage fcontext -d`/`-e`, a module's
//! commands) an `ansible.builtin.command` task with an `argv` list, so no shell ever parses
//! it. Every scalar is written as a double-quoted YAML string (JSON escapes), so no path or
//! type can change the document's structure; an argument that is not UTF-8 cannot be written
//! and its task is left out with a comment (use `--format script`). Explanations are not tasks.

use std::io::Write;

use anyhow::Result;
use selinux_audit::bytes::ByteStr;
use selinux_audit::report::Report;

use super::{covers, runnable};

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// One task for one command; `None` when an argument is not UTF-8.
fn task(name: &str, cmd: &[ByteStr]) -> Option<String> {
    let words: Vec<&str> = cmd.iter().map(ByteStr::as_str).collect::<Option<_>>()?;
    let option =
        |flag: &str| words.iter().position(|w| *w == flag).and_then(|i| words.get(i + 1)).copied();
    let last = words.last().copied().unwrap_or("");
    let mut t = format!("- name: {}\n", q(name));
    match words.as_slice() {
        ["semanage", "fcontext", "-a" | "-m", ..] if option("-t").is_some() && option("-e").is_none() => {
            t.push_str(&format!(
                "  community.general.sefcontext:\n    target: {}\n    setype: {}\n    state: present\n",
                q(last),
                q(option("-t").unwrap_or(""))
            ));
        }
        ["semanage", "port", ..] => t.push_str(&format!(
            "  community.general.seport:\n    ports: {}\n    proto: {}\n    setype: {}\n    state: present\n",
            q(last),
            q(option("-p").unwrap_or("tcp")),
            q(option("-t").unwrap_or(""))
        )),
        ["setsebool", rest @ ..] => {
            let args: Vec<&str> = rest.iter().copied().filter(|w| *w != "-P").collect();
            let mut tasks = String::new();
            for pair in args.chunks(2) {
                let [b, v] = pair else { return None };
                tasks.push_str(&format!(
                    "- name: {}\n  ansible.posix.seboolean:\n    name: {}\n    state: {}\n    persistent: true\n",
                    q(name),
                    q(b),
                    matches!(*v, "on" | "1" | "true")
                ));
            }
            return Some(tasks);
        }
        _ => {
            t.push_str("  ansible.builtin.command:\n    argv:\n");
            for w in &words {
                t.push_str(&format!("      - {}\n", q(w)));
            }
        }
    }
    Some(t)
}

/// Writes the task list.
pub fn write(out: &mut impl Write, r: &Report) -> Result<()> {
    writeln!(
        out,
        "# {}: tasks for {} denial(s); include them in a play that targets the host.",
        r.tool,
        r.denials.len()
    )?;
    writeln!(out, "---")?;
    let mut any = false;
    for (i, f) in runnable(&r.fixes) {
        for file in &f.files {
            writeln!(
                out,
                "- name: {}\n  ansible.builtin.copy:\n    dest: {}\n    content: {}\n    mode: \"0600\"",
                q(&format!("{}. write {}", i + 1, file.path)),
                q(&file.path),
                q(&file.content)
            )?;
            any = true;
        }
        for cmd in &f.commands {
            let name = format!("{}. {} for {}", i + 1, f.kind, covers(f));
            match task(&name, cmd) {
                Some(t) => {
                    write!(out, "{t}")?;
                    any = true;
                }
                None => writeln!(
                    out,
                    "# {name}: left out, an argument is not UTF-8 (use --format script)"
                )?,
            }
        }
    }
    if !any {
        writeln!(out, "[]")?;
    }
    Ok(())
}
