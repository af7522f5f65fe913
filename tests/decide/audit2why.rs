//! The oracle: `selinux.audit2why` from libselinux's Python bindings, run once per batch of
//! queries in a single `python3` process (starting one per query would take minutes), and
//! the comparison of its answers with ours.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use selinux_audit::context::SecurityContext;
use selinux_audit::policy::binary::{BinaryPolicy, QueryError, Reason, Verdict};

/// One access to decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub scon: String,
    pub tcon: String,
    pub class: String,
    pub perms: Vec<String>,
}

impl Query {
    pub fn new(scon: &str, tcon: &str, class: &str, perms: &[&str]) -> Query {
        Query {
            scon: scon.to_owned(),
            tcon: tcon.to_owned(),
            class: class.to_owned(),
            perms: perms.iter().map(|p| (*p).to_owned()).collect(),
        }
    }
}

/// audit2why's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// `ALLOW`, `TERULE`, … or `BADSCON` etc.
    pub category: String,
    /// `name=value` for BOOLEAN, sorted.
    pub booleans: Vec<String>,
    /// The constraint text for CONSTRAINT.
    pub text: String,
}

/// The Python side: reads `index \t scon \t tcon \t class \t perm,perm` lines, prints
/// `index \t code \t name=value,… \t constraint text`.
const SCRIPT: &str = r#"
import sys
try:
    import selinux.audit2why as a
except Exception as e:
    sys.stderr.write("cannot import selinux.audit2why: %s\n" % e)
    sys.exit(3)
a.init(sys.argv[1])
out = []
for line in open(sys.argv[2]):
    i, s, t, c, p = line.rstrip("\n").split("\t")
    code, extra = a.analyze(s, t, c, p.split(","))
    bools, text = "", ""
    if isinstance(extra, list):
        bools = ",".join("%s=%d" % (n, v) for n, v in extra)
    elif isinstance(extra, str):
        text = " ".join(extra.split())
    out.append("%s\t%d\t%s\t%s\n" % (i, code, bools, text))
sys.stdout.write("".join(out))
"#;

fn category_name(code: i32) -> &'static str {
    match code {
        0 => "ALLOW",
        1 => "DONTAUDIT",
        2 => "TERULE",
        3 => "BOOLEAN",
        4 => "CONSTRAINT",
        5 => "RBAC",
        6 => "BOUNDS",
        -2 => "BADSCON",
        -3 => "BADTCON",
        -4 => "BADTCLASS",
        -5 => "BADPERM",
        _ => "OTHER",
    }
}

/// The system's Python (the Debian bindings are not in a virtualenv's path).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").is_file() { "/usr/bin/python3" } else { "python3" }
}

/// Asks audit2why about every query, in one process.
pub fn ask(policy: &str, queries: &[Query], scratch: &Path) -> Vec<Answer> {
    let mut input = String::new();
    for (i, q) in queries.iter().enumerate() {
        writeln!(input, "{i}\t{}\t{}\t{}\t{}", q.scon, q.tcon, q.class, q.perms.join(",")).unwrap();
    }
    std::fs::create_dir_all(scratch).unwrap();
    let file = scratch.join("queries.tsv");
    std::fs::write(&file, input).unwrap();
    let out = Command::new(python())
        .args(["-Es", "-c", SCRIPT, policy, file.to_str().unwrap()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} ({e}): apt-get install python3", python()));
    assert!(
        out.status.success(),
        "audit2why oracle failed (install python3-selinux: apt-get install python3-selinux): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let answers: Vec<Answer> = text
        .lines()
        .enumerate()
        .map(|(n, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f[0], n.to_string(), "answers out of order");
            let mut booleans: Vec<String> =
                f[2].split(',').filter(|b| !b.is_empty()).map(str::to_owned).collect();
            booleans.sort();
            Answer {
                category: category_name(f[1].parse().unwrap()).to_owned(),
                booleans,
                text: f[3].to_owned(),
            }
        })
        .collect();
    assert_eq!(answers.len(), queries.len(), "one answer per query");
    answers
}

/// Our answer to a query.
pub fn ours(p: &BinaryPolicy, q: &Query) -> Result<Verdict, QueryError> {
    let s = SecurityContext::parse(&q.scon).unwrap();
    let t = SecurityContext::parse(&q.tcon).unwrap();
    let perms: Vec<&str> = q.perms.iter().map(String::as_str).collect();
    p.decide(&s, &t, &q.class, &perms)
}

/// audit2why's category for a query we refuse: which side names something unknown.
fn error_category(p: &BinaryPolicy, q: &Query, e: &QueryError) -> &'static str {
    let s = SecurityContext::parse(&q.scon).unwrap();
    match e {
        QueryError::UnknownClass(_) => "BADTCLASS",
        QueryError::UnknownPerm { .. } => "BADPERM",
        _ if p.has_type(&s.type_) && p.decide(&s, &s, &q.class, &[]).is_ok() => "BADTCON",
        _ => "BADSCON",
    }
}

/// Compact text of a constraint for comparing audit2why's rendering with ours: audit2why
/// drops the parentheses that group `and`/`or` and pads with spaces, so only the words are
/// compared.
pub fn words(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | ';')).collect()
}

/// How one query compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Same category (and booleans, constraint text).
    Agree,
    /// audit2why says TERULE/DONTAUDIT; we also found boolean combinations it cannot find.
    AgreeWithCombination,
}

/// Compares one query; `Err` says how it differs.
pub fn compare(p: &BinaryPolicy, q: &Query, theirs: &Answer) -> Result<Outcome, String> {
    let v = match ours(p, q) {
        Ok(v) => v,
        Err(e) => {
            let cat = error_category(p, q, &e);
            return if cat == theirs.category {
                Ok(Outcome::Agree)
            } else {
                Err(format!("we refuse ({e}) but audit2why says {}", theirs.category))
            };
        }
    };
    let mine = serde_json::to_value(v.audit2why.category).unwrap();
    let mine = mine.as_str().unwrap();
    if mine != theirs.category {
        return Err(format!("category {mine} vs audit2why {} ({:?})", theirs.category, v.reasons));
    }
    let mut singles: Vec<String> = Vec::new();
    let mut combination = false;
    for r in &v.reasons {
        if let Reason::Booleans { options, .. } = r {
            for o in options {
                if o.set.len() == 1 {
                    singles.push(format!("{}={}", o.set[0].name, u8::from(o.set[0].value)));
                } else {
                    combination = true;
                }
            }
        }
    }
    singles.sort();
    let a2w: Vec<String> =
        v.audit2why.booleans.iter().map(|b| format!("{}={}", b.name, u8::from(b.value))).collect();
    if a2w != theirs.booleans {
        return Err(format!("booleans {a2w:?} vs audit2why {:?}", theirs.booleans));
    }
    // audit2why's single flips are among ours (ours only skip the later checks).
    if let Some(missing) = theirs.booleans.iter().find(|b| !singles.contains(b)) {
        return Err(format!("audit2why's boolean {missing} is not among our options {singles:?}"));
    }
    match mine {
        "CONSTRAINT" => compare_constraints(q, &v, &theirs.text)?,
        "TERULE" | "DONTAUDIT" if !singles.is_empty() => {
            // A single flip grants TE but audit2why rejected it: something else must still
            // deny, and we must say what.
            let other = v.reasons.iter().any(|r| {
                matches!(r, Reason::Constraint { .. } | Reason::Rbac { .. } | Reason::Bounds { .. })
            });
            if !other {
                return Err(format!("single flips {singles:?} but audit2why found none"));
            }
        }
        _ => {}
    }
    // libsepol sets its bounds bit when *any* permission is masked, requested or not, so an
    // allowed request may still be BOUNDS for audit2why.
    let quirk = mine == "BOUNDS" && v.allowed;
    if !mine.starts_with("BAD") && !quirk && (mine == "ALLOW") != v.allowed {
        return Err(format!("allowed={} but category {mine}", v.allowed));
    }
    let combined = combination && matches!(mine, "TERULE" | "DONTAUDIT");
    Ok(if combined { Outcome::AgreeWithCombination } else { Outcome::Agree })
}

/// The permissions in the first `{ … }` of a constraint statement.
fn statement_perms(statement: &str) -> Vec<&str> {
    let inner = statement.split('{').nth(1).and_then(|r| r.split('}').next()).unwrap_or("");
    inner.split_whitespace().collect()
}

/// audit2why lists the failing constraints it evaluated; libsepol skips a constraint once
/// earlier ones have removed all of its permissions, so it may list fewer than we do. Every
/// one it lists that covers a requested permission must be ours, and each of ours must be
/// listed or have its permissions already refused by one that is.
fn compare_constraints(q: &Query, v: &Verdict, text: &str) -> Result<(), String> {
    let theirs: Vec<&str> = text
        .split("Constraint DENIED")
        .map(str::trim)
        .filter(|t| statement_perms(t).iter().any(|p| q.perms.iter().any(|r| r == p)))
        .collect();
    let ours: Vec<(&String, &Vec<String>)> = v
        .reasons
        .iter()
        .filter_map(|r| match r {
            Reason::Constraint { statement, perms, active: true, .. } => Some((statement, perms)),
            _ => None,
        })
        .collect();
    if ours.is_empty() {
        return Err(format!("no active constraint of ours; audit2why: {text:?}"));
    }
    for t in &theirs {
        if !ours.iter().any(|(s, _)| words(s) == words(t)) {
            return Err(format!("audit2why's {t:?} is not among ours {ours:?}"));
        }
    }
    for (s, perms) in &ours {
        let listed = theirs.iter().any(|t| words(t) == words(s));
        let shadowed =
            perms.iter().all(|p| theirs.iter().any(|t| statement_perms(t).contains(&p.as_str())));
        if !listed && !shadowed {
            return Err(format!("our {s:?} is neither listed by audit2why nor shadowed: {text:?}"));
        }
    }
    Ok(())
}
