//! `avc-fix why`: explain each denial against the policy, like audit2why but with every
//! reason that applies (boolean combinations, constraints on full contexts with the failing
//! clauses, dontaudit, role transitions, bounds, permissive domains, invalid contexts).
//!
//! Inputs are read like `suggest` reads them and merged; each distinct denied access
//! (granted records are left out) gets the library's [`Verdict`], computed once per
//! (scontext, tcontext, class, permissions). Output is text or one JSON object (schema in the
//! README).

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, Result, bail};
use selinux_audit::Denial;
use selinux_audit::parse::merge_identical;
use selinux_audit::policy::binary::{BinaryPolicy, Reason, Verdict};
use selinux_audit::report::PolicySummary;
use serde_json::{Value, json};

use crate::args::{Format, PolicySource};
use crate::inputs;
use crate::output::text::{denial_line, wrap};

/// Text width.
const WIDTH: usize = 96;

/// `avc-fix why`.
#[derive(Debug, clap::Args)]
pub struct WhyArgs {
    /// Audit logs to read (`-` for standard input). Default: /var/log/audit/audit.log.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<std::path::PathBuf>,

    /// Which policy to explain against.
    #[command(flatten)]
    pub source: PolicySource,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// What a verdict depends on: scontext, tcontext, class, sorted permissions.
type AccessKey = (String, String, String, Vec<String>);

/// One denial and what the policy says about it.
struct Explained<'a> {
    denial: &'a Denial,
    verdict: Result<Verdict, String>,
    /// Remarks about the log line itself (permissive mode, invalid on-disk labels).
    notes: Vec<String>,
}

/// Runs `why`; returns the exit status.
pub fn run(args: &WhyArgs) -> Result<u8> {
    let req = args.source.request();
    let (model, mut warnings) = load_policy_checked(&req)?;
    let Some(policy) = model.binary.as_ref() else {
        bail!(
            "no binary policy to explain the denials against ({}); name one with --policy FILE \
             or --policy-root DIR",
            if warnings.is_empty() { "none found".to_owned() } else { warnings.join("; ") }
        );
    };
    let input = inputs::read_all(&args.inputs);
    let denials: Vec<Denial> = merge_identical(input.denials)
        .into_iter()
        .filter(|d| d.verdict == selinux_audit::Verdict::Denied)
        .collect();
    let explained = explain_all(policy, &denials);
    let unparsed: u64 = input.summaries.iter().map(|s| s.stats.unparsed).sum();
    if unparsed > 0 {
        warnings.push(format!("{unparsed} line(s) could not be understood (see diagnostics)"));
    }
    let summary = PolicySummary::of(&model);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let doc = json!({
                "tool": format!("avc-fix {}", env!("CARGO_PKG_VERSION")),
                "policy": summary,
                "inputs": input.summaries,
                "denials": denials,
                "verdicts": explained.iter().map(verdict_json).collect::<Result<Vec<_>>>()?,
                "diagnostics": input.diagnostics,
                "warnings": warnings,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            let lines: u64 = input.summaries.iter().map(|s| s.stats.lines).sum();
            let records: u64 = denials.iter().map(|d| d.count).sum();
            let file = summary.policy_file.as_deref().unwrap_or("?");
            writeln!(out, "avc-fix {} why — policy: {file}", env!("CARGO_PKG_VERSION"))?;
            writeln!(
                out,
                "read {} input(s), {lines} lines: {records} denied AVC record(s) → {} distinct \
                 denial(s); {unparsed} line(s) not understood",
                input.summaries.len(),
                denials.len()
            )?;
            for e in &explained {
                write_text(&mut out, e)?;
            }
            if denials.is_empty() {
                writeln!(out, "\nNothing was denied.")?;
            }
            write_notes(&mut out, &warnings, &input.diagnostics)?;
        }
    }
    Ok(input.exit)
}

fn load_policy_checked(
    req: &selinux_audit::system::PolicyRequest,
) -> Result<(selinux_audit::policy::PolicyModel, Vec<String>)> {
    selinux_audit::system::load_policy(req).context("cannot use the policy")
}

/// Decides every denial, once per distinct access.
fn explain_all<'a>(policy: &BinaryPolicy, denials: &'a [Denial]) -> Vec<Explained<'a>> {
    let mut cache: HashMap<AccessKey, Result<Verdict, String>> = HashMap::new();
    let mut out = Vec::with_capacity(denials.len());
    for d in denials {
        let mut perms = d.perms.clone();
        perms.sort_unstable();
        perms.dedup();
        let key = (d.scontext.clone(), d.tcontext.clone(), d.class.clone(), perms);
        let verdict = cache
            .entry(key)
            .or_insert_with_key(|(_, _, class, perms)| decide(policy, d, class, perms))
            .clone();
        let notes = notes(d, verdict.as_ref().ok());
        out.push(Explained { denial: d, verdict, notes });
    }
    out
}

fn decide(
    policy: &BinaryPolicy,
    d: &Denial,
    class: &str,
    perms: &[String],
) -> Result<Verdict, String> {
    let (Some(s), Some(t)) = (&d.source, &d.target) else {
        return Err("the contexts could not be read".to_owned());
    };
    let perms: Vec<&str> = perms.iter().map(String::as_str).collect();
    policy.decide(s, t, class, &perms).map_err(|e| e.to_string())
}

/// Remarks that come from the log line rather than from the policy.
fn notes(d: &Denial, verdict: Option<&Verdict>) -> Vec<String> {
    let mut out = Vec::new();
    if d.permissive == Some(true) && verdict.is_some_and(|v| !v.permissive) {
        out.push(
            "logged with permissive=1 although this policy does not make the domain \
             permissive: the machine was in permissive mode (setenforce 0), or the domain was \
             permissive then; the access went through"
                .to_owned(),
        );
    }
    if d.permissive == Some(false) && verdict.is_some_and(|v| v.permissive) {
        out.push(
            "logged with permissive=0: the domain was enforced when this was logged; this \
             policy makes it permissive, so it changed since"
                .to_owned(),
        );
    }
    if let Some(raw) = &d.trawcon {
        out.push(format!(
            "the object's label {raw} was not valid in the policy that logged this, so the \
             kernel checked {} instead",
            d.tcontext
        ));
    }
    if let Some(raw) = &d.srawcon {
        out.push(format!(
            "the process's label {raw} was not valid in the policy that logged this, so the \
             kernel checked {} instead",
            d.scontext
        ));
    }
    out
}

/// The reason as JSON with its one-line text added.
fn reason_json(r: &Reason) -> Result<Value> {
    let mut v = serde_json::to_value(r)?;
    if let Some(obj) = v.as_object_mut() {
        obj.insert("text".to_owned(), Value::String(r.text()));
    }
    Ok(v)
}

fn verdict_json(e: &Explained<'_>) -> Result<Value> {
    Ok(match &e.verdict {
        Ok(v) => json!({
            "denial": e.denial.id,
            "allowed": v.allowed,
            "permissive": v.permissive,
            "reasons": v.reasons.iter().map(reason_json).collect::<Result<Vec<_>>>()?,
            "audit2why": v.audit2why,
            "notes": e.notes,
            "error": null,
        }),
        Err(msg) => json!({
            "denial": e.denial.id,
            "allowed": null,
            "permissive": null,
            "reasons": [],
            "audit2why": null,
            "notes": e.notes,
            "error": msg,
        }),
    })
}

/// Writes `text` wrapped, the first line after `first`, the others indented by `indent`.
fn write_wrapped(out: &mut impl Write, first: &str, indent: usize, text: &str) -> Result<()> {
    let width = WIDTH.saturating_sub(indent.max(first.chars().count()));
    for (i, line) in wrap(text, width).iter().enumerate() {
        if i == 0 {
            writeln!(out, "{first}{line}")?;
        } else {
            writeln!(out, "{:indent$}{line}", "")?;
        }
    }
    Ok(())
}

fn write_text(out: &mut impl Write, e: &Explained<'_>) -> Result<()> {
    let d = e.denial;
    writeln!(out, "\nD{:<4} {}", d.id, denial_line(d))?;
    writeln!(out, "      {} → {}", d.scontext, d.tcontext)?;
    match &e.verdict {
        Err(msg) => writeln!(out, "      cannot explain: {msg}")?,
        Ok(v) => {
            let state = if v.allowed { "ALLOWED by this policy" } else { "DENIED by this policy" };
            let a2w = serde_json::to_value(v.audit2why.category)?;
            writeln!(out, "      {state} (audit2why: {})", a2w.as_str().unwrap_or("?"))?;
            for r in &v.reasons {
                write_wrapped(out, &format!("      - {}: ", r.kind()), 8, &r.text())?;
                if let Reason::Constraint { statement, .. } = r {
                    writeln!(out, "          {statement}")?;
                }
            }
        }
    }
    for n in &e.notes {
        write_wrapped(out, "      note: ", 12, n)?;
    }
    Ok(())
}

fn write_notes(
    out: &mut impl Write,
    warnings: &[String],
    diagnostics: &[selinux_audit::error::Diagnostic],
) -> Result<()> {
    if !warnings.is_empty() {
        writeln!(out, "\nWarnings")?;
        for w in warnings {
            write_wrapped(out, "  - ", 4, w)?;
        }
    }
    if !diagnostics.is_empty() {
        writeln!(out, "\nDiagnostics")?;
        for d in diagnostics {
            writeln!(out, "  {}:{} (byte {}): {}", d.file, d.line, d.byte, d.message)?;
        }
    }
    Ok(())
}
