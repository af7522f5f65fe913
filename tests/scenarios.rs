//! The rules engine's proof: every scenario under `corpus/scenarios/NAME/` (an input log, the
//! policy it needs, the strategy it exercises) gives the fixes recorded in its insta snapshot,
//! and replaying those fixes against the policy model (relabels, port labels, booleans and
//! modules applied to a simulated state, every denial decided again) leaves exactly the
//! residue the scenario documents. `scenario.txt` keys:
//!
//! * `policy: debian | scenarios` — Debian's real policy (`/etc/selinux/default`, installed by
//!   `.ci/run`) or our CIL (`corpus/policy/scenarios/scenarios.cil`, compiled with `secilc`);
//! * `strategy: NAME` — what it shows (counted by `every_strategy_has_scenarios`);
//! * `residue: ID…` — denials the plan leaves denied on purpose, and `why:` the reason;
//! * `disk: PATH CONTEXT` — a label as read from the file itself (the log is "this machine's").
//!
//! A `file_contexts.local` beside the log is installed in a copy of the policy root.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

#[allow(dead_code)]
#[path = "decide/audit2why.rs"]
mod audit2why;
#[path = "scenarios/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::{Scenario, load_scenario, run};

#[test]
fn scenarios_give_their_fixes_and_replay_to_their_residue() {
    let mut seen = 0;
    insta::glob!("../corpus", "scenarios/*/input.log", |path| {
        seen += 1;
        let scenario = load_scenario(path.parent().unwrap());
        let out = run(&scenario);
        assert!(
            out.replay.remains == scenario.residue,
            "{}: after replaying every fix, these denials remain: {:?} (documented residue {:?}); plan: {:#?}",
            scenario.name,
            out.replay.remains,
            scenario.residue,
            out.plan.fixes
        );
        // Every denial is covered by exactly one plan entry, and no module is ever the plan.
        let mut covered: Vec<u32> = out.plan.fixes.iter().flat_map(|f| f.covers.clone()).collect();
        covered.sort_unstable();
        let denied: Vec<u32> = out.denials.iter().filter(|d| d.is_denied()).map(|d| d.id).collect();
        assert!(covered == denied, "{}: every denial covered once", scenario.name);
        assert!(
            out.plan.fixes.iter().all(|f| f.kind != selinux_audit::fix::FixKind::Module),
            "{}: a module in the plan",
            scenario.name
        );
        insta::assert_json_snapshot!(support::snapshot(&scenario, &out));
    });
    assert!(seen >= 40, "corpus/scenarios has only {seen} scenarios");
}

/// Strategies of issue 6 and how many scenarios show each.
#[test]
fn every_strategy_has_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/scenarios");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("input.log").is_file() {
            let s: Scenario = load_scenario(&dir);
            *counts.entry(s.strategy).or_default() += 1;
        }
    }
    for strategy in support::STRATEGIES {
        assert!(counts.contains_key(*strategy), "no scenario for strategy {strategy}");
    }
    for name in counts.keys() {
        assert!(support::STRATEGIES.contains(&name.as_str()), "unknown strategy {name}");
    }
    insta::assert_json_snapshot!(counts);
}

/// audit2why's category for every scenario denial next to avc-fix's reason, with who is right
/// where they differ.
#[test]
fn reasons_compared_with_audit2why() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/scenarios");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|d| d.join("input.log").is_file())
        .collect();
    dirs.sort();
    let mut rows = Vec::new();
    for dir in dirs {
        let scenario = load_scenario(&dir);
        let out = run(&scenario);
        rows.extend(support::compare_reasons(&scenario, &out));
    }
    let disagreements = rows.iter().filter(|r| r.starts_with("DISAGREE")).count();
    assert!(disagreements > 0, "the scenarios include audit2why's known wrong answers");
    insta::assert_snapshot!(rows.join("\n"));
}
