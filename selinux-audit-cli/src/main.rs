//! `avc-fix`: from SELinux denials to the right fix.
//!
//! Thin: arguments ([`args`]), reading inputs ([`inputs`]), the `suggest` command
//! ([`suggest`]), the `why` command ([`why`]) and output ([`output`]).
//! Exit status for every subcommand: 0 it ran (whatever it found), 2 usage error, 3 an input
//! could not be read at all (the other inputs are still processed and reported).

mod args;
mod explain;
mod inputs;
mod output;
mod parse_cmd;
mod policy_cmd;
mod suggest;
mod why;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Exit status: an input could not be read at all.
pub const EXIT_UNREADABLE: u8 = 3;

/// `avc-fix X.Y.Z (journal: …)`.
pub fn version_string() -> &'static str {
    concat!(env!("CARGO_PKG_VERSION"), " (journal backend: none; policy reader: built-in)")
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Suggest(a) => suggest::run(&a),
        args::Command::Why(a) => why::run(&a),
        args::Command::Policy(c) => policy_cmd::run(&c),
        args::Command::Parse(a) => parse_cmd::run(&a),
        args::Command::Explain(a) => explain::run(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "avc-fix: {e:#}");
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
