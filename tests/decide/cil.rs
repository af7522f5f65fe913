//! `decide` on our own CIL policy (`corpus/policy/decide/decide.cil`), compiled with
//! `secilc -M true` at test time. Each case states the reasons expected from the CIL source;
//! all cases are then also put to audit2why on the compiled policy and must agree with it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use selinux_audit::policy::binary::{
    Audit2WhyCategory as Cat, BinaryPolicy, BooleanValue, Reason, Verdict,
};

use super::audit2why::{Outcome, Query, ask, compare, ours};

const CIL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/policy/decide/decide.cil");

const INIT: &str = "system_u:system_r:init_t:s0";
const WEB: &str = "system_u:system_r:web_t:s0";
const CHILD: &str = "system_u:system_r:child_t:s0";
const FREE: &str = "system_u:system_r:free_t:s0";
const APP_USER: &str = "user_u:user_r:app_t:s0";
const APP_STAFF: &str = "staff_u:staff_r:app_t:s0";
const ADMIN: &str = "staff_u:admin_r:admin_t:s0";

fn compiled() -> &'static (PathBuf, BinaryPolicy) {
    static P: OnceLock<(PathBuf, BinaryPolicy)> = OnceLock::new();
    P.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decide-cil");
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("decide.33");
        let fc = dir.join("file_contexts");
        let status = Command::new("secilc")
            .args(["-M", "true", "-c", "33", "-o"])
            .arg(&out)
            .arg("-f")
            .arg(&fc)
            .arg(CIL)
            .status()
            .unwrap_or_else(|e| panic!("cannot run secilc ({e}): apt-get install secilc"));
        assert!(status.success(), "secilc failed on {CIL}");
        let policy = BinaryPolicy::parse(&std::fs::read(&out).unwrap()).unwrap();
        (out, policy)
    })
}

fn obj(user: &str, ty: &str, level: &str) -> String {
    format!("{user}:object_r:{ty}:{level}")
}

fn vm(level: &str) -> String {
    format!("system_u:system_r:vm_t:{level}")
}

fn decide(s: &str, t: &str, class: &str, perms: &[&str]) -> Verdict {
    ours(&compiled().1, &Query::new(s, t, class, perms)).unwrap()
}

fn constraint(v: &Verdict, i: usize) -> (&str, &[String], &[String], bool) {
    let Some(Reason::Constraint { statement, failed, explanation, active, .. }) =
        v.reasons.iter().filter(|r| r.kind() == "constraint").nth(i)
    else {
        panic!("no constraint #{i} in {:?}", v.reasons)
    };
    (statement, failed, explanation, *active)
}

fn bv(name: &str, value: bool) -> BooleanValue {
    BooleanValue { name: name.to_owned(), value }
}

#[test]
fn user_and_type_constraints() {
    let v = decide(APP_USER, &obj("system_u", "data_t", "s0"), "file", &["create"]);
    assert_eq!(v.audit2why.category, Cat::Constraint);
    let (statement, failed, explanation, active) = constraint(&v, 0);
    assert_eq!(
        statement,
        "constrain file { create relabelfrom relabelto } ((u1 == u2 -Fail-) or (t1 == can_relabel -Fail-));"
    );
    assert_eq!(failed, ["(u1 == u2)", "(t1 == can_relabel)"]);
    assert_eq!(
        explanation,
        [
            "source user user_u differs from target user system_u",
            "source type app_t is not in can_relabel"
        ]
    );
    assert!(active);
    assert!(decide(INIT, &obj("user_u", "data_t", "s0"), "file", &["create"]).allowed);

    // Name sets on users and on a target attribute, nested `or`s read flat.
    let v = decide(APP_USER, &obj("staff_u", "home_t", "s0"), "file", &["write"]);
    let (statement, _, explanation, _) = constraint(&v, 0);
    assert_eq!(
        statement,
        "constrain file { write } ((u1 == u2 -Fail-) or (u1 == system_u -Fail-) or (t2 != ubac_constrained -Fail-));"
    );
    assert_eq!(
        explanation,
        [
            "source user user_u differs from target user staff_u",
            "source user user_u is not system_u",
            "target type home_t is in ubac_constrained"
        ]
    );
    assert!(decide(APP_USER, &obj("staff_u", "data_t", "s0"), "file", &["write"]).allowed);
}

#[test]
fn mls_dominance() {
    let image = |level: &str| obj("system_u", "image_t", level);
    let read = |s: &str, t: &str| decide(&vm(s), &image(t), "file", &["read"]);
    let v = read("s0:c0", "s0:c1");
    assert_eq!(v.audit2why.category, Cat::Constraint);
    let (statement, _, explanation, _) = constraint(&v, 0);
    assert_eq!(
        statement,
        "mlsconstrain file { read } ((h1 dom h2 -Fail-) or (t1 != mcs_constrained -Fail-));"
    );
    assert_eq!(
        explanation,
        [
            "source high level s0:c0 does not dominate target high level s0:c1",
            "source type vm_t is in mcs_constrained"
        ]
    );
    assert!(read("s1:c0,c1", "s0:c1").allowed, "higher sensitivity and a superset");
    assert!(!read("s0:c0.c3", "s1").allowed, "categories do not make up for sensitivity");
    assert!(read("s0-s1:c0.c3", "s1:c2").allowed, "the high level counts");
    assert!(decide(WEB, &image("s1:c3"), "file", &["read"]).allowed, "not constrained");

    // (l1 domby l2 and not (h1 incomp h2)) or …
    let append = |s: &str, t: &str| decide(&vm(s), &image(t), "file", &["append"]);
    assert!(append("s0", "s0:c1").allowed);
    let v = append("s0:c0", "s0:c1");
    let (statement, failed, explanation, _) = constraint(&v, 0);
    assert_eq!(
        statement,
        "mlsconstrain file { append } (((l1 domby l2 -Fail-) and not (h1 incomp h2)) or (t1 != mcs_constrained -Fail-));"
    );
    assert_eq!(failed, ["(l1 domby l2)", "(h1 incomp h2)", "(t1 != mcs_constrained)"]);
    assert_eq!(
        explanation[1],
        "source high level s0:c0 and target high level s0:c1 are not comparable"
    );
    // l1 eq h1
    assert!(decide(&vm("s0"), &image("s0"), "file", &["getattr"]).allowed);
    let v = decide(&vm("s0-s1"), &image("s0"), "file", &["getattr"]);
    assert_eq!(constraint(&v, 0).1, ["(l1 eq h1)", "(t1 != mcs_constrained)"]);
    // incomp, or a single-level target.
    assert!(decide(&vm("s0:c0"), &image("s0:c1"), "file", &["open"]).allowed);
    assert!(!decide(&vm("s0:c0"), &image("s0:c0-s0:c0,c1"), "file", &["open"]).allowed);
    // Target-side names: signalling a constrained domain at a higher level.
    let v = decide(INIT, &vm("s1"), "process", &["signal"]);
    assert_eq!(
        constraint(&v, 0).2,
        [
            "source low level s0 does not dominate target low level s1",
            "target type vm_t is in mcs_constrained"
        ]
    );
}

#[test]
fn role_transitions() {
    // staff_r → admin_r: allowed by `roleallow`, and the same user passes the constraint.
    assert!(decide(APP_STAFF, ADMIN, "process", &["transition"]).allowed);
    // admin_r → staff_r: no role allow rule.
    let v = decide(ADMIN, APP_STAFF, "process", &["transition"]);
    assert_eq!(
        v.reasons,
        [Reason::Rbac {
            perms: vec!["transition".into()],
            from_role: "admin_r".into(),
            to_role: "staff_r".into(),
            active: true
        }]
    );
    assert_eq!(v.audit2why.category, Cat::Rbac);
    assert_eq!(
        decide(ADMIN, APP_STAFF, "process", &["dyntransition"]).audit2why.category,
        Cat::Rbac
    );
    // Another user: the constraint denies first, the role check would too.
    let v = decide(APP_USER, ADMIN, "process", &["transition"]);
    assert_eq!(v.kinds(), ["constraint", "rbac"]);
    assert!(matches!(v.reasons[1], Reason::Rbac { active: false, .. }));
    assert_eq!(v.audit2why.category, Cat::Constraint);
    // init may change role (constraint) but system_r → user_r has no role allow rule.
    assert_eq!(decide(INIT, APP_USER, "process", &["transition"]).audit2why.category, Cat::Rbac);
}

#[test]
fn bounds_permissive_dontaudit() {
    // child_t may relabel (can_relabel) but its bound web_t may not: bounds mask it.
    let v = decide(CHILD, &obj("user_u", "data_t", "s0"), "file", &["relabelto"]);
    assert_eq!(
        v.reasons,
        [Reason::Bounds {
            perms: vec!["relabelto".into()],
            domain: "child_t".into(),
            bound: "web_t".into()
        }]
    );
    assert_eq!(v.audit2why.category, Cat::Bounds);
    // Reading is fine, but libsepol sets its bounds bit for the masked relabel permissions
    // anyway, so audit2why says BOUNDS for an allowed read.
    let v = decide(CHILD, &obj("user_u", "data_t", "s0"), "file", &["read"]);
    assert!(v.allowed);
    assert_eq!(v.audit2why.category, Cat::Bounds);
    assert_eq!(
        decide(CHILD, &obj("system_u", "data_t", "s0"), "file", &["read"]).audit2why.category,
        Cat::Allow
    );

    let v = decide(FREE, &obj("system_u", "data_t", "s0"), "dir", &["add_name"]);
    assert!(v.permissive && !v.allowed);
    assert_eq!(v.kinds(), ["missing_allow", "permissive"]);
    assert_eq!(v.audit2why.category, Cat::Terule);

    let v = decide(WEB, &obj("system_u", "secret_t", "s0"), "dir", &["add_name"]);
    assert_eq!(
        v.reasons,
        [
            Reason::MissingAllow { perms: vec!["add_name".into()], conditional: false },
            Reason::Dontaudit { perms: vec!["add_name".into()] }
        ]
    );
    assert_eq!(v.audit2why.category, Cat::Dontaudit);
}

#[test]
fn boolean_combinations() {
    let add_name = |ty: &str| decide(WEB, &obj("system_u", ty, "s0"), "dir", &["add_name"]);
    let options = |v: &Verdict| match &v.reasons[0] {
        Reason::Booleans { options, complete: true, .. } => {
            options.iter().map(|o| (o.set.clone(), o.requires.clone())).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    // b_one && b_two, both off: only together.
    let v = add_name("data_t");
    assert_eq!(options(&v), [(vec![bv("b_one", true), bv("b_two", true)], vec![])]);
    assert_eq!(v.audit2why.category, Cat::Terule);
    // b_one && b_on: flipping b_one is enough while b_on stays on.
    let v = add_name("conf_t");
    assert_eq!(options(&v), [(vec![bv("b_one", true)], vec![bv("b_on", true)])]);
    assert_eq!(v.audit2why.booleans, [bv("b_one", true)]);
    // b_two || b_three: either one.
    let v = add_name("home_t");
    assert_eq!(
        options(&v),
        [(vec![bv("b_three", true)], vec![]), (vec![bv("b_two", true)], vec![])]
    );
    assert_eq!(v.audit2why.booleans, [bv("b_three", true), bv("b_two", true)]);
    // A false-branch rule is active while its expression is false.
    assert!(decide(APP_USER, &obj("system_u", "data_t", "s0"), "process", &["signal"]).allowed);
}

#[test]
fn invalid_contexts() {
    let v = decide("user_u:user_r:app_t:s1", &obj("system_u", "data_t", "s0"), "file", &["read"]);
    assert_eq!(v.audit2why.category, Cat::Badscon);
    let v =
        decide("system_u:system_r:app_t:s0", &obj("system_u", "data_t", "s0"), "file", &["read"]);
    let Reason::InvalidContext { problems, .. } = &v.reasons[0] else { panic!() };
    assert_eq!(problems, &["role system_r is not authorised for type app_t"]);
}

#[test]
fn every_case_agrees_with_audit2why_on_this_policy() {
    let (path, policy) = compiled();
    let image = |l: &str| obj("system_u", "image_t", l);
    let mut queries = Vec::new();
    let subjects = [
        INIT.to_owned(),
        WEB.into(),
        CHILD.into(),
        FREE.into(),
        APP_USER.into(),
        APP_STAFF.into(),
        ADMIN.into(),
        vm("s0:c0"),
        vm("s0-s1"),
        vm("s1:c0,c1"),
    ];
    let objects = [
        obj("system_u", "data_t", "s0"),
        obj("user_u", "data_t", "s0"),
        obj("staff_u", "home_t", "s0"),
        obj("system_u", "conf_t", "s0"),
        obj("system_u", "secret_t", "s0"),
        obj("system_u", "home_t", "s0"),
        image("s0:c1"),
        image("s1"),
        image("s0:c0-s0:c0,c1"),
    ];
    let file_perms: [&[&str]; 9] = [
        &["read"],
        &["write"],
        &["append"],
        &["create"],
        &["getattr"],
        &["open"],
        &["relabelto"],
        &["relabelfrom", "read"],
        &["write", "append", "open"],
    ];
    for s in &subjects {
        for t in &objects {
            for perms in file_perms {
                queries.push(Query::new(s, t, "file", perms));
            }
            queries.push(Query::new(s, t, "dir", &["add_name"]));
            queries.push(Query::new(s, t, "dir", &["search", "add_name"]));
        }
        for t in &subjects {
            for perms in [&["transition"][..], &["dyntransition"], &["signal"], &["sigchld"]] {
                queries.push(Query::new(s, t, "process", perms));
            }
        }
    }
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decide-cil-oracle");
    let answers = ask(path.to_str().unwrap(), &queries, &scratch);
    let mut failures = Vec::new();
    let mut cats = std::collections::BTreeSet::new();
    for (q, a) in queries.iter().zip(&answers) {
        cats.insert(a.category.clone());
        if let Err(why) = compare(policy, q, a).map(|_: Outcome| ()) {
            failures.push(format!("{} {} {} {:?}: {why}", q.scon, q.tcon, q.class, q.perms));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        queries.len(),
        failures.join("\n")
    );
    let want: std::collections::BTreeSet<String> =
        ["ALLOW", "DONTAUDIT", "TERULE", "BOOLEAN", "CONSTRAINT", "RBAC", "BOUNDS"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    assert!(want.is_subset(&cats), "categories seen: {cats:?}");
}
