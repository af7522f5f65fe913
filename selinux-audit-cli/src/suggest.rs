//! `avc-fix suggest`: read inputs, load the policy, compute and print the fixes.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use selinux_audit::error::{Diagnostic, DiagnosticKind};
use selinux_audit::parse::{ParseStats, merge_identical, parse_log_merged};
use selinux_audit::report::{InputSummary, PolicySummary, Report};
use selinux_audit::resolve::{apply_hints, resolve_across};
use selinux_audit::rules::{RuleOptions, suggest};
use selinux_audit::system::inode::{device_mounts, resolve_by_inode};
use selinux_audit::system::load_policy;

use crate::EXIT_UNREADABLE;
use crate::args::{Format, SuggestArgs};
use crate::output;

/// The audit log read when no input is named.
const DEFAULT_LOG: &str = "/var/log/audit/audit.log";

/// Entries an inode search may visit per object.
const INODE_SEARCH_BUDGET: usize = 2_000_000;

/// Runs `suggest`; returns the exit status.
pub fn run(args: &SuggestArgs) -> Result<u8> {
    let req = args.source.request();
    let (policy, mut warnings) = load_policy(&req).context("cannot use the policy")?;

    let default_input = args.inputs.is_empty();
    let inputs: Vec<PathBuf> =
        if default_input { vec![PathBuf::from(DEFAULT_LOG)] } else { args.inputs.clone() };
    let mut denials = Vec::new();
    let mut diagnostics = Vec::new();
    let mut summaries = Vec::new();
    let mut exit = 0;
    for input in &inputs {
        let name = input.display().to_string();
        match read_input(input) {
            Ok(bytes) => {
                let parsed = parse_log_merged(&bytes, &name);
                denials.extend(parsed.denials);
                diagnostics.extend(parsed.diagnostics);
                summaries.push(InputSummary { file: name, readable: true, stats: parsed.stats });
            }
            Err(e) => {
                exit = EXIT_UNREADABLE;
                diagnostics.push(Diagnostic {
                    file: name.clone(),
                    line: 0,
                    byte: 0,
                    kind: DiagnosticKind::Io,
                    message: format!("cannot read: {e:#}"),
                });
                summaries.push(InputSummary {
                    file: name,
                    readable: false,
                    stats: ParseStats::default(),
                });
            }
        }
    }

    resolve_across(&mut denials);
    apply_hints(&mut denials, &args.path_hints);
    let own_log = default_input || inputs.iter().all(|p| p.starts_with("/var/log/audit"));
    let local = is_local_log(own_log, &denials);
    let search = (args.resolve || local) && !args.no_resolve;
    if search {
        let n = resolve_by_inode(&mut denials, INODE_SEARCH_BUDGET);
        if n > 0 {
            warnings.push(format!("{n} path(s) found on this machine by device and inode"));
        }
    }
    let denials = merge_identical(denials);
    let mut opts = RuleOptions::default();
    if search {
        let mut devs: Vec<&str> = denials.iter().filter_map(|d| d.dev.as_ref()?.as_str()).collect();
        devs.sort_unstable();
        devs.dedup();
        opts.mounts = device_mounts(&devs);
    }
    let plan = suggest(&denials, &policy, &opts);
    warnings.extend(plan.warnings);
    let unparsed: u64 = summaries.iter().map(|s| s.stats.unparsed).sum();
    if unparsed > 0 {
        warnings.push(format!("{unparsed} line(s) could not be understood (see diagnostics)"));
    }
    let report = Report {
        tool: format!("avc-fix {}", env!("CARGO_PKG_VERSION")),
        policy: PolicySummary::of(&policy),
        inputs: summaries,
        denials,
        fixes: plan.fixes,
        diagnostics,
        warnings,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::json::write(&mut out, &report)?,
        Format::Text => output::text::write(&mut out, &report)?,
    }
    Ok(exit)
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).context("standard input")?;
    } else {
        bytes = std::fs::read(path)?;
    }
    Ok(bytes)
}

/// The log is this machine's when it is this machine's audit log (`/var/log/audit/…`), or when
/// every record's `node=` names this host.
fn is_local_log(own_log: bool, denials: &[selinux_audit::Denial]) -> bool {
    if own_log {
        return true;
    }
    let Ok(host) = std::fs::read_to_string("/proc/sys/kernel/hostname") else { return false };
    let host = host.trim();
    !denials.is_empty() && denials.iter().all(|d| d.node.as_deref() == Some(host))
}
