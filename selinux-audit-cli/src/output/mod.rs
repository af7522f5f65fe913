//! Rendering a [`selinux_audit::report::Report`]: for people (`text`), programs (`json`), or
//! as the plan to run (`script`, `semanage_import`, `ansible`).

pub mod ansible;
pub mod json;
pub mod script;
pub mod semanage_import;
pub mod text;

use selinux_audit::fix::{Fix, FixKind};

/// The plan's fixes that change something when run, in order (explanations and their
/// investigative commands are left to people).
pub fn runnable(fixes: &[Fix]) -> impl Iterator<Item = (usize, &Fix)> {
    fixes.iter().enumerate().filter(|(_, f)| f.kind != FixKind::Other && !f.commands.is_empty())
}

/// `D1 D2` for a fix's covered denials.
pub fn covers(f: &Fix) -> String {
    f.covers.iter().map(|c| format!("D{c}")).collect::<Vec<_>>().join(" ")
}
