//! `--format semanage-import`: the plan's policy changes in the batch format `semanage export`
//! writes and `semanage import` reads (`semanage import -f FILE` applies them in one
//! transaction).
//!
//! Each line is a semanage object and its options (`fcontext -a -t TYPE 'REGEX'`,
//! `fcontext -a -e TARGET DIR`, `fcontext -d 'REGEX'`, `port -a -t TYPE -p tcp N`,
//! `boolean -m -1 NAME` for on, `-0` for off). `semanage import` splits lines on whitespace and
//! strips quotes without escapes, so an argument with whitespace, a quote or a non-ASCII byte
//! cannot be expressed: such a line is left out with a comment (use `--format script`).
//! `semanage import` does not skip comment lines, so standard output holds import lines only;
//! what must happen outside the transaction — the `restorecon` commands to run after the
//! import, in order, and any line left out — goes to `notes` (standard error).

use std::io::Write;

use anyhow::Result;
use selinux_audit::bytes::ByteStr;
use selinux_audit::report::Report;
use selinux_audit::shell;

use super::{covers, runnable};

/// One argument as `semanage import` reads it, or `None` when it cannot be written.
fn arg(a: &ByteStr) -> Option<String> {
    let b = a.as_bytes();
    if b.is_empty() || !b.iter().all(|&c| (0x21..=0x7e).contains(&c) && c != b'\'' && c != b'"') {
        return None;
    }
    let text = a.as_str()?.to_owned();
    Some(if text.bytes().any(|c| b"()[]*?|$\\{}^+".contains(&c)) {
        format!("'{text}'")
    } else {
        text
    })
}

/// The import line for one command, `Err` with the reason it is not a semanage change.
fn line(cmd: &[ByteStr]) -> Result<String, &'static str> {
    let words: Vec<&str> = cmd.iter().filter_map(ByteStr::as_str).collect();
    match words.as_slice() {
        ["semanage", object @ ("fcontext" | "port"), ..] => {
            let rest: Option<Vec<String>> = cmd.iter().skip(2).map(arg).collect();
            rest.map(|r| format!("{object} {}", r.join(" ")))
                .ok_or("an argument semanage import cannot carry")
        }
        ["setsebool", rest @ ..] => {
            let args: Vec<&str> = rest.iter().copied().filter(|w| *w != "-P").collect();
            let mut out = Vec::new();
            for pair in args.chunks(2) {
                let [name, value] = pair else { return Err("an unexpected setsebool form") };
                let flag = if matches!(*value, "on" | "1" | "true") { "-1" } else { "-0" };
                if arg(&ByteStr::from(*name)).is_none() {
                    return Err("an argument semanage import cannot carry");
                }
                out.push(format!("boolean -m {flag} {name}"));
            }
            Ok(out.join("\n"))
        }
        _ => Err("not a semanage change"),
    }
}

/// Writes the import lines to `out` and what to do besides to `notes`.
pub fn write(out: &mut impl Write, notes: &mut impl Write, r: &Report) -> Result<()> {
    let mut after = Vec::new();
    for (i, f) in runnable(&r.fixes) {
        for cmd in &f.commands {
            let parts: Vec<&[u8]> = cmd.iter().map(ByteStr::as_bytes).collect();
            match line(cmd) {
                Ok(l) => writeln!(out, "{l}")?,
                Err("not a semanage change") => after.push(shell::join(&parts)),
                Err(why) => writeln!(
                    notes,
                    "avc-fix: fix {} ({}) left out of the import ({why}); run it by hand: {}",
                    i + 1,
                    covers(f),
                    shell::join(&parts)
                )?,
            }
        }
    }
    if !after.is_empty() {
        writeln!(notes, "avc-fix: after `semanage import -f FILE`, relabel:")?;
        for a in after {
            writeln!(notes, "  {a}")?;
        }
    }
    Ok(())
}
