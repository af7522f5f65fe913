//! Checks shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`, three-line wrappers) and by the
//! tests that replay fuzz regressions. Each function takes arbitrary bytes and panics only when
//! a property is violated: a parser must never panic, and where a round trip exists it must hold.
//! Not part of the stable API.

use crate::context::SecurityContext;
use crate::fcregex::{escape_path, escape_tree};
use crate::parse::parse_log;
use crate::policy::baseline::baseline_model;
use crate::policy::binary::BinaryPolicy;
use crate::policy::fcontext::{FcRegex, FcText, FileContexts, FileMode};
use crate::record::parse_line;
use crate::rules::{RuleOptions, suggest};

/// `record::parse_line` on any bytes.
pub fn check_parse_line(data: &[u8]) {
    let _ = parse_line(data);
}

/// `parse::parse_log` on any bytes: every line is accounted for.
pub fn check_parse_log(data: &[u8]) {
    let out = parse_log(data, "fuzz");
    let s = &out.stats;
    assert_eq!(s.records + s.skipped + s.unparsed, s.lines, "line accounting");
}

/// `SecurityContext::parse`: whatever parses prints back byte for byte.
pub fn check_context(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(ctx) = SecurityContext::parse(text) {
            assert_eq!(ctx.to_string(), text, "context round trip");
        }
    }
}

/// `FileContexts::from_texts` on any text as a main file (first half) and `.subs` (second
/// half), then lookups of a few paths in every mode.
pub fn check_file_contexts(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mid = text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i);
    let (main, subs) = text.split_at(mid);
    let fc = FileContexts::from_texts(
        FcText { path: "fuzz/file_contexts".into(), text: main },
        None,
        None,
        None,
        Some(FcText { path: "fuzz/file_contexts.subs".into(), text: subs }),
    );
    if let Ok(fc) = fc {
        for path in [&b"/"[..], b"/etc/passwd", b"/opt/x/bin/y", b"//a//b/", b"/\xff"] {
            for mode in [FileMode::Any, FileMode::File, FileMode::Dir] {
                let _ = fc.lookup(path, mode);
            }
        }
    }
}

/// `BinaryPolicy::parse` on any bytes, then a few queries on whatever parsed.
pub fn check_binary_policy(data: &[u8]) {
    if let Ok(p) = BinaryPolicy::parse(data) {
        let types = p.type_names();
        if let (Some(a), Some(b)) = (types.first(), types.last()) {
            let _ = p.allows(a, b, "file", &["read"]);
            let _ = p.targets_allowing(a, "file", &["read"]);
        }
        let _ = p.port_type(6, 80);
        if let Some(a) = types.first() {
            let _ = p.access_targets(a, "file", &["read"]);
            let q = crate::policy::binary::RuleQuery::allow().source(a);
            for rule in p.search_rules(&q).unwrap_or_default() {
                let _ = rule.to_string();
            }
        }
        for rule in p.search_rules(&crate::policy::binary::RuleQuery::new(&[])).unwrap_or_default()
        {
            let _ = rule.to_string();
        }
        check_decide(&p, &types);
    }
}

/// `BinaryPolicy::decide` between the first and last type, with the first user and role and
/// a level from the first sensitivity, on a few classes with all their permissions.
fn check_decide(p: &BinaryPolicy, types: &[&str]) {
    let syms = &p.db().symbols;
    let (Some(user), Some(role), Some(a), Some(b)) =
        (syms.users.entries.first(), syms.roles.entries.first(), types.first(), types.last())
    else {
        return;
    };
    let level = syms.sens.entries.first().filter(|_| p.mls()).map(|s| s.name.clone());
    let ctx = |t: &str| SecurityContext {
        user: user.name.clone(),
        role: role.name.clone(),
        type_: t.to_owned(),
        level: level.clone(),
    };
    for class in p.class_names().into_iter().take(4) {
        let perms = p.class_perms(class).unwrap_or_default();
        if let Ok(v) = p.decide(&ctx(a), &ctx(b), class, &perms) {
            assert!(!v.reasons.is_empty(), "a verdict always has a reason");
            let _ = v.reasons.iter().map(crate::policy::binary::Reason::text).count();
        }
    }
}

/// `fcregex::escape_path`: the escaped regex matches exactly the path it came from.
pub fn check_fcregex(data: &[u8]) {
    let mut path = b"/".to_vec();
    path.extend(data.iter().filter(|&&b| b != b'\n' && b != 0));
    let re = FcRegex::new(&escape_path(&path));
    assert!(re.is_ok(), "escaped path does not compile: {:?}", escape_path(&path));
    let Ok(re) = re else { return };
    assert!(re.is_match(&path), "escaped path does not match itself");
    let mut longer = path.clone();
    longer.push(b'x');
    assert!(!re.is_match(&longer), "escaped path matches a longer path");
    if let Ok(tree) = FcRegex::new(&escape_tree(&path)) {
        longer.insert(path.len(), b'/');
        assert!(tree.is_match(&path) && tree.is_match(&longer), "tree rule misses its own subtree");
    }
}

/// The whole pipeline on any bytes, under the built-in baseline policy.
pub fn check_suggest(data: &[u8]) {
    let mut denials = parse_log(data, "fuzz").denials;
    crate::resolve::resolve_across(&mut denials);
    let denials = crate::parse::merge_identical(denials);
    let plan = suggest(&denials, &baseline_model(), &RuleOptions::default());
    for fix in &plan.fixes {
        assert!(fix.kind != crate::fix::FixKind::Module, "a module as a recommended fix");
    }
}
