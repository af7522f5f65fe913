//! `avc-fix explain`: the reasoning chain from each distinct denial to its fix.
//!
//! The inputs are read and the engine run exactly as for `suggest` ([`crate::suggest::analyse`]).
//! Then, per distinct denied access: what the policy decides on the full contexts (every
//! reason `decide` finds, and audit2why's category beside it), what each strategy says about
//! it (`selinux_audit::rules::trace`), the fix the plan chose with the checks it passed and
//! what the simulation shows, and what the whole plan leaves. Like audit2why, but ending in a
//! fix.

use std::io::Write;

use anyhow::Result;
use selinux_audit::Denial;
use selinux_audit::fix::Fix;
use selinux_audit::policy::binary::Verdict;
use selinux_audit::rules::evidence::replay;
use selinux_audit::rules::trace::{StrategyNote, strategies};
use serde_json::{Value, json};

use crate::args::{Format, PolicySource};
use crate::output::text::{denial_line, evidence_line, wrap};
use crate::suggest::{Analysis, analyse};

const WIDTH: usize = 96;

/// `avc-fix explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Logs to read (`-` for standard input). Default: /var/log/audit/audit.log.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<std::path::PathBuf>,

    /// Which policy to reason with.
    #[command(flatten)]
    pub source: PolicySource,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// One denial's chain.
struct Chain<'a> {
    denial: &'a Denial,
    verdict: Option<Verdict>,
    strategies: Vec<StrategyNote>,
    fix: Option<(usize, &'a Fix)>,
}

/// Runs `explain`; returns the exit status.
pub fn run(args: &ExplainArgs) -> Result<u8> {
    let Analysis { policy, report, exit } = analyse(&args.inputs, &args.source, &[], false, true)?;
    let chains: Vec<Chain<'_>> = report
        .denials
        .iter()
        .filter(|d| d.is_denied())
        .map(|d| Chain {
            denial: d,
            verdict: policy.binary.as_ref().and_then(|b| {
                let (s, t) = (d.source.as_ref()?, d.target.as_ref()?);
                let perms: Vec<&str> = d.perms.iter().map(String::as_str).collect();
                b.decide(s, t, &d.class, &perms).ok()
            }),
            strategies: strategies(&policy, d),
            fix: report.fixes.iter().enumerate().find(|(_, f)| f.covers.contains(&d.id)),
        })
        .collect();
    let left = replay(&report.fixes, &report.denials, &policy);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let doc = json!({
                "tool": report.tool,
                "policy": report.policy,
                "denials": report.denials,
                "explanations": chains.iter().map(chain_json).collect::<Vec<_>>(),
                "plan_leaves": left,
                "warnings": report.warnings,
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            writeln!(out, "{} explain", report.tool)?;
            for c in &chains {
                write_chain(&mut out, c)?;
            }
            if chains.is_empty() {
                writeln!(out, "\nNothing was denied.")?;
            } else if left.remains.is_empty() {
                writeln!(out, "\nThe whole plan, replayed against the policy, leaves no denial.")?;
            } else {
                let ids: Vec<String> = left.remains.iter().map(|i| format!("D{i}")).collect();
                writeln!(
                    out,
                    "\nThe whole plan, replayed against the policy, leaves {} denied (see each one's explanation).",
                    ids.join(" ")
                )?;
            }
        }
    }
    Ok(exit)
}

fn chain_json(c: &Chain<'_>) -> Value {
    json!({
        "denial": c.denial.id,
        "policy_says": c.verdict.as_ref().map(|v| json!({
            "allowed": v.allowed,
            "reasons": v.reasons.iter().map(|r| r.text()).collect::<Vec<_>>(),
            "audit2why": v.audit2why.category,
        })),
        "strategies": c.strategies,
        "fix": c.fix.map(|(i, f)| json!({
            "index": i + 1,
            "kind": f.kind,
            "confidence": f.confidence,
            "confidence_why": f.confidence_why,
            "checks": f.checks,
            "verified": f.verified,
        })),
    })
}

/// A wrapped paragraph; continuation lines are indented under the first line's text.
fn para(out: &mut impl Write, indent: &str, text: &str) -> Result<()> {
    let hang = " ".repeat(indent.chars().count());
    for (i, l) in wrap(text, WIDTH.saturating_sub(indent.len())).iter().enumerate() {
        writeln!(out, "{}{l}", if i == 0 { indent } else { hang.as_str() })?;
    }
    Ok(())
}

fn write_chain(out: &mut impl Write, c: &Chain<'_>) -> Result<()> {
    writeln!(out, "\nD{:<4} {}", c.denial.id, denial_line(c.denial))?;
    writeln!(out, "  1. What the policy says")?;
    match &c.verdict {
        Some(v) => {
            let verdict =
                if v.allowed { "ALLOWED by this policy" } else { "DENIED by this policy" };
            let a2w = serde_json::to_value(v.audit2why.category)?;
            writeln!(out, "     {verdict} (audit2why would say {})", a2w.as_str().unwrap_or("?"))?;
            for r in &v.reasons {
                para(out, "     - ", &r.text())?;
            }
        }
        None => writeln!(
            out,
            "     cannot be decided with the loaded policy (unknown names, or no binary policy)"
        )?,
    }
    writeln!(out, "  2. The strategies")?;
    for s in &c.strategies {
        let mark = if s.applies { "     + " } else { "     - " };
        para(out, mark, &format!("{}: {}", s.strategy, s.reason))?;
    }
    writeln!(out, "  3. The fix")?;
    match c.fix {
        Some((i, f)) => {
            writeln!(out, "     plan entry {}: {} [{}]", i + 1, f.kind, f.confidence)?;
            para(out, "     ", &f.why)?;
            for check in &f.checks {
                let mark = if check.passed { "     ✓ " } else { "     ✗ " };
                para(out, mark, &format!("{}: {}", check.name, check.detail))?;
            }
            let ev = evidence_line(f);
            if !ev.is_empty() {
                para(out, "     ", &ev)?;
            }
            para(out, "     ", &format!("confidence {}", f.confidence_why))?;
            for line in f.shell.lines() {
                writeln!(out, "     $ {line}")?;
            }
        }
        None => writeln!(out, "     none (granted, or not covered)")?,
    }
    Ok(())
}
