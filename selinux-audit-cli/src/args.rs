//! Command-line arguments (clap derive). Raw flags only: no I/O happens here.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use selinux_audit::bytes::ByteStr;
use selinux_audit::resolve::PathHint;

/// avc-fix: read SELinux denials and propose the right fix (relabel, persistent file
/// context, port label) instead of a policy module.
#[derive(Debug, Parser)]
#[command(name = "avc-fix", version = crate::version_string(), about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read denials and print the fixes (changes nothing).
    Suggest(SuggestArgs),
    /// Explain each denial against the policy, like audit2why (changes nothing).
    Why(crate::why::WhyArgs),
    /// Query the policy: file context lookups, allow rules, ports, counts.
    #[command(subcommand)]
    Policy(crate::policy_cmd::PolicyCommand),
    /// Parse logs and print one JSON line per denial record (NDJSON), nothing merged.
    Parse(crate::parse_cmd::ParseArgs),
    /// For each distinct denial, the reasoning chain that leads to its fix.
    Explain(crate::explain::ExplainArgs),
}

/// Which policy to use; shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct PolicySource {
    /// Policy root laid out like /etc/selinux/TYPE (policy/policy.N, contexts/files/…).
    #[arg(long, value_name = "DIR")]
    pub policy_root: Option<PathBuf>,

    /// Binary policy file (policy.N).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// The SELinux config file that names the installed policy (SELINUXTYPE=), for analysing
    /// a mounted image or a copied /etc/selinux.
    #[arg(long, value_name = "FILE", default_value = "/etc/selinux/config")]
    pub selinux_config: PathBuf,
}

impl PolicySource {
    /// The library's request for this choice.
    pub fn request(&self) -> selinux_audit::system::PolicyRequest {
        selinux_audit::system::PolicyRequest {
            root: self.policy_root.clone(),
            policy_file: self.policy.clone(),
            config: self.selinux_config.clone(),
            ..selinux_audit::system::PolicyRequest::default()
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object (schema in the README).
    Json,
}

/// Output formats of `suggest`: the report, or the plan as something to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// For people.
    Text,
    /// One JSON object (schema in the README).
    Json,
    /// A commented POSIX sh script (`set -eu`) with the plan's commands, in order.
    Script,
    /// The batch format of `semanage import` (one transaction); restorecon as comments.
    SemanageImport,
    /// Ansible tasks (sefcontext, seport, seboolean, and restorecon as a command).
    Ansible,
}

/// `avc-fix suggest`.
#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// Audit logs to read (`-` for standard input). Default: /var/log/audit/audit.log.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Which policy to check fixes against.
    #[command(flatten)]
    pub source: PolicySource,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FixFormat::Text)]
    pub format: FixFormat,

    /// Supply the full path of an object the log names only by basename:
    /// DEV:INO=PATH (e.g. vda:378=/opt/crypto/monero-data) or INO=PATH.
    #[arg(long = "path-hint", value_name = "DEV:INO=PATH", value_parser = parse_hint)]
    pub path_hints: Vec<PathHint>,

    /// Search this machine's file systems for objects logged by device and inode only
    /// (default: on when the log is this machine's own audit log).
    #[arg(long, overrides_with = "no_resolve")]
    pub resolve: bool,

    /// Never search the file systems.
    #[arg(long, overrides_with = "resolve")]
    pub no_resolve: bool,
}

/// `DEV:INO=PATH` or `INO=PATH`.
fn parse_hint(text: &str) -> Result<PathHint, String> {
    let Some((left, path)) = text.split_once('=') else {
        return Err("expected DEV:INO=PATH or INO=PATH".to_owned());
    };
    if !path.starts_with('/') {
        return Err("the path must be absolute".to_owned());
    }
    let (dev, ino) = match left.rsplit_once(':') {
        Some((dev, ino)) => (Some(ByteStr::from(dev)), ino),
        None => (None, left),
    };
    let ino: u64 = ino.parse().map_err(|_| format!("bad inode number {ino:?}"))?;
    Ok(PathHint { dev, ino, path: ByteStr::from(path) })
}
