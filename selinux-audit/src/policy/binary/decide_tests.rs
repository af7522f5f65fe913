//! Unit tests of [`BinaryPolicy::decide`] on a policy built in memory: every reason kind,
//! constraint and MLS evaluation, the boolean search and its limits, and the errors.
//! (`tests/decide.rs` checks the same against compiled CIL policies and the real audit2why.)

use crate::context::SecurityContext;
use crate::policy::binary::avtab::{AVTAB_ALLOWED, AVTAB_AUDITDENY, AvDatum, AvtabItem, AvtabKey};
use crate::policy::binary::class::{Class, ClassDefaults, Perm};
use crate::policy::binary::cond::{CondNode, CondTerm};
use crate::policy::binary::constraint::{Constraint, ConstraintTerm};
use crate::policy::binary::ebitmap::Ebitmap;
use crate::policy::binary::index::Index;
use crate::policy::binary::mls::{MlsLevel, MlsRange};
use crate::policy::binary::policydb::PolicyDb;
use crate::policy::binary::rules::RoleAllow;
use crate::policy::binary::symtab::{Bool, Category, Role, Sensitivity, TypeEntry, User};
use crate::policy::binary::verdict::{Audit2WhyCategory, BooleanValue, Reason};
use crate::policy::binary::{BinaryPolicy, QueryError};

// Type values.
const A: u16 = 1; // a_t, in attribute `things`
const B: u16 = 2; // b_t
const THINGS: u16 = 3; // attribute
const CHILD: u16 = 4; // child_t, bounded by a_t
// Class values and permission bits.
const FILE: u16 = 1;
const PROCESS: u16 = 2;
const READ: u32 = 1;
const WRITE: u32 = 2;
const RELABELTO: u32 = 4;
const APPEND: u32 = 8;
const TRANSITION: u32 = 1;

fn level(sens: u32, cats: &[u32]) -> MlsLevel {
    MlsLevel { sens, cats: Ebitmap::from_bits(cats.iter().copied()) }
}

fn item(source: u16, target: u16, class: u16, specified: u16, data: u32) -> AvtabItem {
    AvtabItem {
        key: AvtabKey { source, target, class, specified },
        datum: AvDatum::Data(data),
        enabled: false,
    }
}

fn class(name: &str, value: u32, perms: &[&str], constraints: Vec<Constraint>) -> Class {
    Class {
        name: name.to_owned(),
        value,
        common: None,
        nprim: u32::try_from(perms.len()).unwrap(),
        perms: (1u32..).zip(perms).map(|(v, n)| Perm { name: (*n).to_owned(), value: v }).collect(),
        constraints,
        validatetrans: Vec::new(),
        defaults: ClassDefaults::default(),
    }
}

fn attr(attr: u32, op: u32) -> ConstraintTerm {
    ConstraintTerm::Attr { attr, op }
}

/// The policy: see the constants; `stored` gives the stored values of b1, b2, b3, b4.
fn policy(stored: [bool; 4]) -> BinaryPolicy {
    let mut db = PolicyDb { mls: true, version: 33, ..PolicyDb::default() };
    let s = &mut db.symbols;
    let user = |name: &str, value, roles: &[u32], high: MlsLevel| User {
        name: name.to_owned(),
        value,
        bounds: 0,
        roles: Ebitmap::from_bits(roles.iter().copied()),
        range: MlsRange { low: level(1, &[]), high },
        default_level: level(1, &[]),
    };
    s.users.nprim = 2;
    s.users.entries = vec![
        user("system_u", 1, &[1, 2], level(2, &[0, 1, 2, 3])),
        user("user_u", 2, &[2], level(1, &[])),
    ];
    let role = |name: &str, value, dominates: &[u32], types: &[u32]| Role {
        name: name.to_owned(),
        value,
        bounds: 0,
        dominates: Ebitmap::from_bits(dominates.iter().copied()),
        types: Ebitmap::from_bits(types.iter().copied()),
    };
    s.roles.nprim = 3;
    s.roles.entries = vec![
        role("object_r", 1, &[0], &[]),
        role("system_r", 2, &[1, 2], &[0, 1, 3]),
        role("user_r", 3, &[2], &[0]),
    ];
    let ty = |name: &str, value: u16, attribute, bounds| TypeEntry {
        name: name.to_owned(),
        value: u32::from(value),
        primary: true,
        attribute,
        bounds,
    };
    s.types.nprim = 4;
    s.types.entries = vec![
        ty("a_t", A, false, 0),
        ty("b_t", B, false, 0),
        ty("things", THINGS, true, 0),
        ty("child_t", CHILD, false, u32::from(A)),
    ];
    s.bools.nprim = 4;
    s.bools.entries = (1u32..)
        .zip(stored)
        .map(|(v, state)| Bool { name: format!("b{v}"), value: v, state })
        .collect();
    s.sens.nprim = 2;
    s.sens.entries = vec![
        Sensitivity { name: "s0".into(), alias: false, level: level(1, &[0, 1, 2, 3]) },
        Sensitivity { name: "s1".into(), alias: false, level: level(2, &[0, 1, 2, 3]) },
        Sensitivity { name: "low".into(), alias: true, level: level(1, &[0, 1, 2, 3]) },
    ];
    s.cats.nprim = 4;
    s.cats.entries =
        (1..=4).map(|v| Category { name: format!("c{}", v - 1), value: v, alias: false }).collect();
    // constrain file { relabelto } (u1 == u2 or t1 == things);
    let ubac = Constraint {
        perms: RELABELTO,
        expr: vec![
            attr(1, 1),
            ConstraintTerm::Names {
                attr: 4,
                op: 1,
                names: Ebitmap::from_bits([u32::from(A) - 1]),
                type_set: None,
            },
            ConstraintTerm::Or,
        ],
    };
    // mlsconstrain file { read } (l1 dom l2);  mlsconstrain file { append } (not (h1 domby h2) and l1 eq l2)
    let mls_read = Constraint { perms: READ, expr: vec![attr(32, 3)] };
    let mls_append = Constraint {
        perms: APPEND,
        expr: vec![attr(256, 4), ConstraintTerm::Not, attr(32, 1), ConstraintTerm::And],
    };
    s.classes.nprim = 2;
    s.classes.entries = vec![
        class(
            "file",
            1,
            &["read", "write", "relabelto", "append"],
            vec![ubac, mls_read, mls_append],
        ),
        class("process", 2, &["transition", "signal"], Vec::new()),
    ];
    db.avtab = vec![
        item(THINGS, B, FILE, AVTAB_ALLOWED, READ | RELABELTO | APPEND),
        item(CHILD, B, FILE, AVTAB_ALLOWED, RELABELTO | READ),
        item(A, A, PROCESS, AVTAB_ALLOWED, TRANSITION),
        item(A, B, FILE, AVTAB_AUDITDENY, !WRITE),
    ];
    let node = |expr: Vec<CondTerm>, perms| CondNode {
        stored_state: false,
        expr,
        true_list: vec![item(A, B, FILE, AVTAB_ALLOWED, perms)],
        false_list: Vec::new(),
    };
    use CondTerm::{And, Bool as V};
    db.cond_list = vec![
        // write needs b1 && b2.
        node(vec![V(1), V(2), And], WRITE),
        // process signal needs b1 && b2 && b3 && b4: beyond the search.
        CondNode {
            stored_state: false,
            expr: vec![V(1), V(2), And, V(3), And, V(4), And],
            true_list: vec![item(A, A, PROCESS, AVTAB_ALLOWED, 2)],
            false_list: Vec::new(),
        },
    ];
    db.role_allow = vec![RoleAllow { role: 3, new_role: 2 }];
    // type_attr_map: a_t ∈ things.
    db.type_attr_map = vec![
        Ebitmap::from_bits([0, 2]),
        Ebitmap::from_bits([1]),
        Ebitmap::from_bits([2]),
        Ebitmap::from_bits([3]),
    ];
    let idx = Index::build(&db);
    BinaryPolicy { db, idx, search: std::sync::OnceLock::new() }
}

fn ctx(text: &str) -> SecurityContext {
    SecurityContext::parse(text).unwrap()
}

fn decide(
    p: &BinaryPolicy,
    s: &str,
    t: &str,
    class: &str,
    perms: &[&str],
) -> crate::policy::binary::Verdict {
    p.decide(&ctx(s), &ctx(t), class, perms).unwrap()
}

const SRC: &str = "system_u:system_r:a_t:s0";
const TGT: &str = "system_u:object_r:b_t:s0";

#[test]
fn allowed_access_has_only_the_allowed_reason() {
    let v = decide(&policy([false; 4]), SRC, TGT, "file", &["read"]);
    assert!(v.allowed && !v.permissive);
    assert_eq!(v.reasons, vec![Reason::Allowed]);
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Allow);
}

#[test]
fn a_conjunction_of_booleans_is_found_where_single_flips_are_not() {
    let v = decide(&policy([false; 4]), SRC, TGT, "file", &["write"]);
    assert!(!v.allowed);
    let bv = |name: &str, value| BooleanValue { name: name.to_owned(), value };
    let Some(Reason::Booleans { perms, options, complete }) = v.reasons.first() else {
        panic!("{:?}", v.reasons)
    };
    assert_eq!(perms, &["write"]);
    assert!(complete);
    assert_eq!(options.len(), 1);
    assert_eq!(options[0].set, vec![bv("b1", true), bv("b2", true)]);
    // audit2why flips one at a time: a missing rule, dontaudited here.
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Dontaudit);
    assert_eq!(v.kinds(), ["booleans", "dontaudit"]);

    // With b2 already on, flipping b1 alone is enough and b2 must stay on.
    let v = decide(&policy([false, true, false, false]), SRC, TGT, "file", &["write"]);
    let Some(Reason::Booleans { options, .. }) = v.reasons.first() else { panic!() };
    assert_eq!(options[0].set, vec![bv("b1", true)]);
    assert_eq!(options[0].requires, vec![bv("b2", true)]);
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Boolean);
    assert_eq!(v.audit2why.booleans, vec![bv("b1", true)]);
}

#[test]
fn combinations_beyond_the_limit_are_a_missing_rule_on_conditional_rules() {
    let v = decide(&policy([false; 4]), SRC, SRC, "process", &["signal"]);
    assert_eq!(
        v.reasons,
        vec![Reason::MissingAllow { perms: vec!["signal".into()], conditional: true }]
    );
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Terule);
    // One missing boolean: found.
    let v = decide(&policy([true, true, true, false]), SRC, SRC, "process", &["signal"]);
    assert_eq!(v.audit2why.booleans, vec![BooleanValue { name: "b4".into(), value: true }]);
}

#[test]
fn constraint_failure_is_rendered_with_its_failing_clauses() {
    let p = policy([false; 4]);
    // b_t is not in `things`, users differ.
    let v = decide(&p, "user_u:user_r:a_t:s0", TGT, "file", &["relabelto"]);
    // a_t is in `things`: the constraint holds.
    assert!(v.allowed, "{:?}", v.reasons);
    let v = decide(&p, "user_u:object_r:b_t:s0", TGT, "file", &["relabelto"]);
    let Some(Reason::Constraint { statement, failed, explanation, mls, active, perms }) =
        v.reasons.iter().find(|r| r.kind() == "constraint")
    else {
        panic!("{:?}", v.reasons)
    };
    assert_eq!(
        statement,
        "constrain file { relabelto } ((u1 == u2 -Fail-) or (t1 == a_t -Fail-));"
    );
    assert_eq!(failed, &["(u1 == u2)", "(t1 == a_t)"]);
    assert_eq!(
        explanation,
        &["source user user_u differs from target user system_u", "source type b_t is not a_t"]
    );
    assert!(!*mls && !*active, "b_t has no allow rule, so the constraint is not active yet");
    assert_eq!(perms, &["relabelto"]);
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Terule);
}

#[test]
fn mls_dominance_uses_sensitivity_and_categories() {
    let p = policy([false; 4]);
    let read = |s: &str, t: &str| decide(&p, s, t, "file", &["read"]);
    assert!(read("system_u:system_r:a_t:s1", "system_u:object_r:b_t:s0").allowed);
    assert!(read("system_u:system_r:a_t:s0:c0.c3", "system_u:object_r:b_t:s0:c1,c2").allowed);
    let v = read("system_u:system_r:a_t:s0:c0", "system_u:object_r:b_t:s0:c0,c1");
    assert!(!v.allowed);
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Constraint);
    let Some(Reason::Constraint { statement, explanation, mls, active, .. }) = v.reasons.first()
    else {
        panic!("{:?}", v.reasons)
    };
    assert_eq!(statement, "mlsconstrain file { read } ((l1 dom l2 -Fail-));");
    assert_eq!(
        explanation,
        &["source low level s0:c0 does not dominate target low level s0:c0,c1"]
    );
    assert!(*mls && *active);
    // Higher sensitivity but missing a category: still no dominance.
    assert!(!read("system_u:system_r:a_t:s1:c0", "system_u:object_r:b_t:s0:c3").allowed);
    // Aliases of sensitivities are read.
    assert!(read("system_u:system_r:a_t:low", "system_u:object_r:b_t:s0").allowed);
}

#[test]
fn not_and_and_are_explained_by_their_deciding_leaves() {
    let p = policy([false; 4]);
    // (not (h1 domby h2)) and (l1 eq l2): h1 = s1 is not dominated by h2 = s0, so `not` holds;
    // l1 = s1 differs from l2 = s0: the `and` fails because of the second leaf only.
    let v = decide(&p, "system_u:system_r:a_t:s1", TGT, "file", &["append"]);
    let Some(Reason::Constraint { statement, failed, .. }) = v.reasons.first() else {
        panic!("{:?}", v.reasons)
    };
    // As in audit2why, a leaf is marked by its own value, even under `not`.
    assert_eq!(
        statement,
        "mlsconstrain file { append } (not (h1 domby h2 -Fail-) and (l1 eq l2 -Fail-));"
    );
    assert_eq!(failed, &["(l1 eq l2)"]);
}

#[test]
fn role_changes_need_a_role_allow_rule() {
    let p = policy([false; 4]);
    let v = decide(&p, SRC, "system_u:user_r:a_t:s0", "process", &["transition"]);
    assert_eq!(
        v.reasons,
        vec![Reason::Rbac {
            perms: vec!["transition".into()],
            from_role: "system_r".into(),
            to_role: "user_r".into(),
            active: true
        }]
    );
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Rbac);
    // user_r → system_r is allowed by a role rule (system_u may use both roles).
    let v = decide(&p, "system_u:user_r:a_t:s0", SRC, "process", &["transition"]);
    assert!(v.allowed, "{:?}", v.reasons);
}

#[test]
fn bounded_domains_keep_only_what_their_bound_may_do() {
    let p = policy([false; 4]);
    // child_t may relabelto b_t; its bound a_t may too (through `things`): allowed.
    let child = "system_u:system_r:child_t:s0";
    assert!(decide(&p, child, TGT, "file", &["relabelto"]).allowed);
    // Give the child a permission its bound lacks.
    let mut p = policy([false; 4]);
    p.db.avtab.push(item(CHILD, B, FILE, AVTAB_ALLOWED, WRITE));
    p.idx = Index::build(&p.db);
    let v = decide(&p, child, TGT, "file", &["write"]);
    assert!(!v.allowed);
    assert_eq!(
        v.reasons.first(),
        Some(&Reason::Bounds {
            perms: vec!["write".into()],
            domain: "child_t".into(),
            bound: "a_t".into()
        })
    );
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Bounds);
    // libsepol sets its bounds bit for any masked permission, even one not requested.
    let v = decide(&p, child, TGT, "file", &["read"]);
    assert!(v.allowed);
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Bounds);
}

#[test]
fn permissive_domains_and_invalid_contexts_are_reported() {
    let mut p = policy([false; 4]);
    p.db.permissive = Ebitmap::from_bits([u32::from(A)]);
    let v = decide(&p, SRC, TGT, "file", &["write"]);
    assert!(v.permissive && !v.allowed);
    assert_eq!(v.reasons.last(), Some(&Reason::Permissive { domain: "a_t".into() }));
    // user_u may not use system_r, and its range stops at s0.
    let v = decide(&p, "user_u:system_r:a_t:s1", TGT, "file", &["read"]);
    let Some(Reason::InvalidContext { problems, .. }) = v.reasons.first() else { panic!() };
    assert_eq!(
        problems,
        &[
            "user user_u is not authorised for role system_r",
            "level s1 is outside the range of user user_u (s0)"
        ]
    );
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Badscon);
    // A role not authorised for the type, categories of a level out of order.
    let v = decide(&p, SRC, "system_u:user_r:b_t:s1-s0", "process", &["signal"]);
    let Some(Reason::InvalidContext { problems, .. }) = v.reasons.first() else { panic!() };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(v.audit2why.category, Audit2WhyCategory::Badtcon);
}

#[test]
fn unknown_names_are_errors() {
    let p = policy([false; 4]);
    let q = |s: &str, t: &str, c: &str, perm: &str| p.decide(&ctx(s), &ctx(t), c, &[perm]);
    assert_eq!(
        q("system_u:system_r:x_t:s0", TGT, "file", "read"),
        Err(QueryError::UnknownType("x_t".into()))
    );
    assert_eq!(q(SRC, TGT, "socket", "read"), Err(QueryError::UnknownClass("socket".into())));
    assert!(matches!(q(SRC, TGT, "file", "fly"), Err(QueryError::UnknownPerm { .. })));
    assert_eq!(
        q("nobody_u:system_r:a_t:s0", TGT, "file", "read"),
        Err(QueryError::UnknownUser("nobody_u".into()))
    );
    assert_eq!(
        q("system_u:no_r:a_t:s0", TGT, "file", "read"),
        Err(QueryError::UnknownRole("no_r".into()))
    );
    for bad in ["s9", "s0:c9", "s0:c3.c1", "s0-s1-s0", "s0:"] {
        let t = format!("system_u:object_r:b_t:{bad}");
        assert!(
            matches!(q(SRC, &t, "file", "read"), Err(QueryError::InvalidLevel { .. })),
            "{bad}"
        );
    }
    assert!(matches!(
        q(SRC, "system_u:object_r:b_t", "file", "read"),
        Err(QueryError::InvalidLevel { .. })
    ));
}

#[test]
fn reasons_render_as_one_line() {
    let p = policy([false, true, false, false]);
    let v = decide(&p, SRC, TGT, "file", &["write"]);
    let texts: Vec<String> = v.reasons.iter().map(Reason::text).collect();
    assert_eq!(
        texts[0],
        "the rules granting { write } are switched off by booleans; `setsebool -P b1 1` (with b2=1 kept)"
    );
    assert!(texts[1].starts_with("a dontaudit rule hides denials of { write }"), "{}", texts[1]);
    assert!(texts.iter().all(|t| !t.contains('\n')));
}

#[test]
fn roles_compare_through_their_dominance() {
    let mut p = policy([false; 4]);
    // constrain process { signal } (r1 dom r2): system_r dominates user_r, not the reverse.
    p.db.symbols.classes.entries[1]
        .constraints
        .push(Constraint { perms: 2, expr: vec![attr(2, 3)] });
    p.db.symbols.classes.entries[1]
        .constraints
        .push(Constraint { perms: 2, expr: vec![attr(2, 5)] });
    p.idx = Index::build(&p.db);
    let user_r = "system_u:user_r:a_t:s0";
    let v = decide(&p, SRC, user_r, "process", &["signal"]);
    let texts: Vec<&str> = v
        .reasons
        .iter()
        .filter_map(|r| match r {
            Reason::Constraint { explanation, .. } => Some(explanation[0].as_str()),
            _ => None,
        })
        .collect();
    // `dom` holds, so only `incomp` fails.
    assert_eq!(texts, ["roles system_r and user_r are comparable"]);
    let v = decide(&p, user_r, SRC, "process", &["signal"]);
    let Some(Reason::Constraint { statement, explanation, .. }) =
        v.reasons.iter().find(|r| r.kind() == "constraint")
    else {
        panic!("{:?}", v.reasons)
    };
    assert_eq!(statement, "constrain process { signal } ((r1 dom r2 -Fail-));");
    assert_eq!(explanation, &["role user_r does not dominate role system_r"]);
}
