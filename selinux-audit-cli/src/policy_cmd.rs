//! `avc-fix policy …`: query the policy like `matchpathcon`, `sesearch` and `seinfo`, with
//! the same text output, plus effective access with the booleans it depends on.
//!
//! Every subcommand loads the policy once ([`load`]), only the parts it needs, and answers
//! from it; the hidden `batch` subcommand answers one query per line of a file with a single
//! load (for benchmarks and scripts). Exit status as for `suggest`: 0 answered, 2 bad arguments or names the policy
//! does not define, 3 the policy could not be read.

mod info;
mod lookup;
mod search;

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;
use selinux_audit::policy::binary::{BinaryPolicy, QueryError};
use selinux_audit::policy::{PolicyChoice, PolicyModel};
use selinux_audit::system::{PolicyRequest, load_policy};

use crate::args::{Format, PolicySource};

pub use info::{InfoArgs, PortArgs};
pub use lookup::LookupArgs;
pub use search::{AccessArgs, AllowArgs};

/// Exit status for bad arguments, including names the policy does not define.
const EXIT_USAGE: u8 = 2;

/// `avc-fix policy` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Default file context of paths, like matchpathcon (same output).
    Lookup(LookupArgs),
    /// Rules as written in the policy, like sesearch -A (same output); --dontaudit,
    /// --auditallow and -T search the other rule kinds.
    Allow(AllowArgs),
    /// Types a domain may use with all of some permissions, and the booleans that change it.
    Access(AccessArgs),
    /// The type the kernel gives a port: the first matching portcon in policy order.
    Port(PortArgs),
    /// Counts, like seinfo (same output).
    Info(InfoArgs),
    /// Answer one query per line of FILE (e.g. `port tcp 8080`) with one policy load.
    #[command(hide = true)]
    Batch(BatchArgs),
}

/// Flags every `policy` subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Which policy.
    #[command(flatten)]
    pub source: PolicySource,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `avc-fix policy batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// One query per line: a `policy` subcommand and its arguments, split at blanks (no
    /// quoting); blank lines and `#` comments are skipped. Their policy flags are ignored.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Policy and output format for every query.
    #[command(flatten)]
    pub common: Common,
}

/// One line of a batch file.
#[derive(Debug, Parser)]
#[command(name = "policy", no_binary_name = true)]
struct BatchLine {
    #[command(subcommand)]
    command: PolicyCommand,
}

impl PolicyCommand {
    fn common(&self) -> &Common {
        match self {
            PolicyCommand::Lookup(a) => &a.common,
            PolicyCommand::Allow(a) => &a.common,
            PolicyCommand::Access(a) => &a.common,
            PolicyCommand::Port(a) => &a.common,
            PolicyCommand::Info(a) => &a.common,
            PolicyCommand::Batch(a) => &a.common,
        }
    }
}

/// Runs a `policy` subcommand; returns the exit status.
pub fn run(cmd: &PolicyCommand) -> Result<u8> {
    let common = cmd.common();
    // Only what the command needs: a lookup never reads the binary policy, the rule queries
    // never read file_contexts (each is most of a single command's time).
    let (file_contexts, binary) = match cmd {
        PolicyCommand::Lookup(_) => (true, false),
        PolicyCommand::Batch(_) => (true, true),
        _ => (false, true),
    };
    let mut req = common.source.request();
    req.want_file_contexts = file_contexts;
    req.want_binary = binary;
    let model = load(&req, &common.source)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let code = match cmd {
        PolicyCommand::Batch(args) => batch(&model, args, &mut out)?,
        other => answer(&model, other, common.format, &mut out)?,
    };
    out.flush()?;
    Ok(code)
}

/// Answers one query from a loaded model.
fn answer(
    model: &PolicyModel,
    cmd: &PolicyCommand,
    format: Format,
    out: &mut impl Write,
) -> Result<u8> {
    match cmd {
        PolicyCommand::Lookup(a) => lookup::run(model, a, format, out),
        PolicyCommand::Allow(a) => search::run_allow(model, a, format, out),
        PolicyCommand::Access(a) => search::run_access(model, a, format, out),
        PolicyCommand::Port(a) => info::run_port(model, a, format, out),
        PolicyCommand::Info(a) => info::run_info(model, a, format, out),
        PolicyCommand::Batch(_) => {
            eprintln!("avc-fix: a batch file cannot run another batch");
            Ok(EXIT_USAGE)
        }
    }
}

fn batch(model: &PolicyModel, args: &BatchArgs, out: &mut impl Write) -> Result<u8> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut code = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = match BatchLine::try_parse_from(line.split_ascii_whitespace()) {
            Ok(parsed) => parsed,
            Err(e) => {
                eprintln!("avc-fix: {}:{}: {}", args.file.display(), n + 1, e.kind());
                code = EXIT_USAGE;
                continue;
            }
        };
        let status = answer(model, &parsed.command, args.common.format, out)?;
        code = code.max(status);
    }
    Ok(code)
}

/// Loads the policy for `policy` queries: like `suggest`, but never the approximate
/// built-in baseline (answers must be the policy's own); warnings go to standard error.
pub fn load(req: &PolicyRequest, source: &PolicySource) -> Result<PolicyModel> {
    let (model, warnings) = load_policy(req).context("cannot use the policy")?;
    if model.origin.choice == PolicyChoice::Baseline {
        bail!(
            "no SELinux policy found ({} names none): pass --policy-root DIR or --policy FILE",
            source.selinux_config.display()
        );
    }
    for w in warnings {
        eprintln!("avc-fix: note: {w}");
    }
    Ok(model)
}

/// The binary policy, or the reason there is none.
pub fn binary(model: &PolicyModel) -> Result<&BinaryPolicy> {
    model.binary.as_ref().context(
        "no binary policy could be read: pass --policy FILE or --policy-root DIR (with policy/policy.N)",
    )
}

/// Reports a name the policy does not define (exit 2).
pub fn query_error(e: &QueryError) -> u8 {
    eprintln!("avc-fix: {e}");
    EXIT_USAGE
}
