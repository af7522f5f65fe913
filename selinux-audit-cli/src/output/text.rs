//! `--format text`: the report for people.
//!
//! Each fix shows its kind and confidence, the denials it covers, a wrapped reason, and its
//! shell text printed verbatim (no indentation, so heredocs stay valid when pasted).

use std::io::Write;

use anyhow::Result;
use selinux_audit::Denial;
use selinux_audit::fix::Fix;
use selinux_audit::report::Report;

const WIDTH: usize = 96;

/// Writes the report as text.
pub fn write(out: &mut impl Write, r: &Report) -> Result<()> {
    let p = &r.policy;
    let policy = match (&p.root, &p.policy_file) {
        (Some(root), Some(file)) => format!("{root} ({file})"),
        (Some(root), None) => root.clone(),
        (None, Some(file)) => file.clone(),
        (None, None) => "built-in baseline".to_owned(),
    };
    writeln!(
        out,
        "{} — policy: {policy} [{}{}]",
        r.tool,
        serde_json::to_value(p.choice)?.as_str().unwrap_or("?"),
        if p.approximate { ", approximate" } else { "" }
    )?;
    let lines: u64 = r.inputs.iter().map(|i| i.stats.lines).sum();
    let unparsed: u64 = r.inputs.iter().map(|i| i.stats.unparsed).sum();
    let records: u64 = r.denials.iter().map(|d| d.count).sum();
    writeln!(
        out,
        "read {} input(s), {lines} lines: {records} AVC record(s) → {} distinct denial(s); {unparsed} line(s) not understood",
        r.inputs.len(),
        r.denials.len()
    )?;

    if !r.denials.is_empty() {
        writeln!(out, "\nDenials")?;
        for d in &r.denials {
            writeln!(out, "  D{:<3} {}", d.id, denial_line(d))?;
        }
    }
    if r.fixes.is_empty() {
        writeln!(out, "\nNo fixes: nothing was denied.")?;
    } else {
        writeln!(out, "\nFixes (run in this order; each is needed)")?;
        for (i, f) in r.fixes.iter().enumerate() {
            write_fix(out, &format!("{}.", i + 1), f, "  ")?;
            for (j, a) in f.alternatives.iter().enumerate() {
                if j == 0 {
                    writeln!(out, "     alternatives (not part of the plan):")?;
                }
                write_fix(
                    out,
                    &format!("{}{}.", i + 1, char::from(b'a' + (j % 26) as u8)),
                    a,
                    "     ",
                )?;
            }
        }
    }
    if !r.warnings.is_empty() {
        writeln!(out, "\nWarnings")?;
        for w in &r.warnings {
            for (k, l) in wrap(w, WIDTH - 4).iter().enumerate() {
                writeln!(out, "  {} {l}", if k == 0 { "-" } else { " " })?;
            }
        }
    }
    if !r.diagnostics.is_empty() {
        writeln!(out, "\nDiagnostics")?;
        for d in &r.diagnostics {
            writeln!(out, "  {}:{} (byte {}): {}", d.file, d.line, d.byte, d.message)?;
        }
    }
    Ok(())
}

fn write_fix(out: &mut impl Write, label: &str, f: &Fix, indent: &str) -> Result<()> {
    let covers: Vec<String> = f.covers.iter().map(|c| format!("D{c}")).collect();
    writeln!(out, "\n{indent}{label} {} [{}] covers {}", f.kind, f.confidence, covers.join(" "))?;
    for l in wrap(&f.why, WIDTH.saturating_sub(indent.len() + 3)) {
        writeln!(out, "{indent}   {l}")?;
    }
    let evidence = evidence_line(f);
    if !evidence.is_empty() {
        for l in wrap(&evidence, WIDTH.saturating_sub(indent.len() + 3)) {
            writeln!(out, "{indent}   {l}")?;
        }
    }
    if !f.shell.is_empty() {
        writeln!(out)?;
        write!(out, "{}", f.shell)?;
    }
    Ok(())
}

/// The checks and the simulation's result in one line: `evidence: ✓ a ✗ b → allows D1`.
pub fn evidence_line(f: &Fix) -> String {
    let mut parts: Vec<String> = f
        .checks
        .iter()
        .map(|c| format!("{} {}", if c.passed { "✓" } else { "✗" }, c.name))
        .collect();
    let v = &f.verified;
    let ids = |v: &[u32]| v.iter().map(|i| format!("D{i}")).collect::<Vec<_>>().join(" ");
    if !v.allows.is_empty() {
        parts.push(format!("→ allows {}", ids(&v.allows)));
    }
    let simulated = f.checks.iter().any(|c| c.name == "simulated");
    if !v.remains.is_empty() && simulated {
        parts.push(format!("→ still denied: {}", ids(&v.remains)));
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut line = format!("evidence: {}", parts.join(" "));
    if let Some(u) = &v.unverified {
        if simulated {
            line.push_str(&format!(" (unverified: {u})"));
        }
    }
    line
}

/// One line for a denial: verdict, types, class, permissions, object, command.
pub fn denial_line(d: &Denial) -> String {
    let obj = match (&d.path, &d.name, d.port) {
        (Some(p), _, _) => format!("{} ({})", p, d.path_source),
        (None, Some(n), _) => format!(
            "name '{}' (path unknown{})",
            n,
            d.ino.map(|i| format!(", inode {i}")).unwrap_or_default()
        ),
        (None, None, Some(port)) => format!("port {port}"),
        _ => String::new(),
    };
    let comm = d.comm.as_ref().map(|c| format!(" comm={c}")).unwrap_or_default();
    let mut line = format!(
        "{} {} → {} {} {{ {} }} {obj}{comm}",
        match d.verdict {
            selinux_audit::Verdict::Denied => "denied",
            selinux_audit::Verdict::Granted => "granted",
        },
        d.source_type().unwrap_or(&d.scontext),
        d.target_type().unwrap_or(&d.tcontext),
        d.class,
        d.perms.join(" "),
    );
    if d.permissive == Some(true) {
        line.push_str(" [permissive]");
    }
    if d.count > 1 {
        line.push_str(&format!(" ×{}", d.count));
    }
    line
}

/// Greedy word wrap.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
