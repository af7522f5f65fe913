//! `avc-fix suggest`: read inputs, load the policy, compute and print the fixes.

use anyhow::{Context, Result};
use selinux_audit::parse::merge_identical;
use selinux_audit::report::{PolicySummary, Report};
use selinux_audit::resolve::{apply_hints, resolve_across};
use selinux_audit::rules::{RuleOptions, suggest};
use selinux_audit::system::inode::{device_mounts, resolve_by_inode};
use selinux_audit::system::load_policy;
use selinux_audit::system::xattr::labels_of;

use crate::args::{FixFormat, SuggestArgs};
use crate::{inputs, output};

/// Entries an inode search may visit per object.
const INODE_SEARCH_BUDGET: usize = 2_000_000;

/// Everything a run of the engine produced, for `suggest` and `explain`.
pub struct Analysis {
    /// The policy the fixes were checked against.
    pub policy: selinux_audit::policy::PolicyModel,
    /// The report (denials, fixes, diagnostics, warnings).
    pub report: Report,
    /// The exit status the inputs call for.
    pub exit: u8,
}

/// Reads the inputs, loads the policy and runs the rules engine.
pub fn analyse(
    named: &[std::path::PathBuf],
    source: &crate::args::PolicySource,
    hints: &[selinux_audit::resolve::PathHint],
    resolve: bool,
    no_resolve: bool,
) -> Result<Analysis> {
    let req = source.request();
    let (policy, mut warnings) = load_policy(&req).context("cannot use the policy")?;

    let input = inputs::read_all(named);
    let own_log =
        input.default_input || input.paths.iter().all(|p| p.starts_with("/var/log/audit"));
    let (mut denials, diagnostics, summaries, exit) =
        (input.denials, input.diagnostics, input.summaries, input.exit);

    resolve_across(&mut denials);
    apply_hints(&mut denials, hints);
    let local = is_local_log(own_log, &denials);
    let search = (resolve || local) && !no_resolve;
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
    if local {
        // The objects' labels as they are now: a restorecon that would change nothing is not
        // suggested (only for this machine's log: elsewhere the paths name other files).
        let paths = denials.iter().filter_map(|d| d.path.as_ref()).map(|p| p.as_bytes());
        opts.disk_labels = labels_of(paths);
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
    Ok(Analysis { policy, report, exit })
}

/// Runs `suggest`; returns the exit status.
pub fn run(args: &SuggestArgs) -> Result<u8> {
    let Analysis { report, exit, .. } =
        analyse(&args.inputs, &args.source, &args.path_hints, args.resolve, args.no_resolve)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        FixFormat::Json => output::json::write(&mut out, &report)?,
        FixFormat::Text => output::text::write(&mut out, &report)?,
        FixFormat::Script => output::script::write(&mut out, &report)?,
        FixFormat::SemanageImport => {
            output::semanage_import::write(&mut out, &mut std::io::stderr().lock(), &report)?
        }
        FixFormat::Ansible => output::ansible::write(&mut out, &report)?,
    }
    Ok(exit)
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
