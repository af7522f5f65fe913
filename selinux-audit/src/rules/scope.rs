//! How far a persistent rule reaches: one path, or a directory and everything below it.
//!
//! A service's data or log directory gets `'DIR(/.*)?'` so that the files it creates later are
//! covered too; a file it writes into a non-system directory pulls that directory in; sibling
//! objects that need the same type share one rule on their directory. A tree rule is only
//! used when it cannot hurt: never on a system directory (`/`, `/opt`, `/var/lib`, …), never
//! over another object that needs a different type, and never over a more specific base
//! `file_contexts` regex with another type — a `.local` regex beats every base regex
//! regardless of specificity, so it would silently relabel that path too.

use super::classify::{Role, is_system_dir, parent};
use super::label::Decision;
use super::needs::ObjectNeed;
use crate::policy::PolicyModel;
use crate::policy::fcontext::{FcFile, FileMode, has_meta_chars};

/// The reach of one rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Exactly this path.
    Exact(Vec<u8>),
    /// This directory and everything below it.
    Tree(Vec<u8>),
}

impl Scope {
    /// The path the scope is anchored at.
    pub fn path(&self) -> &[u8] {
        match self {
            Scope::Exact(p) | Scope::Tree(p) => p,
        }
    }

    /// True when `path` falls under this scope.
    pub fn covers(&self, path: &[u8]) -> bool {
        match self {
            Scope::Exact(p) => p == path,
            Scope::Tree(d) => under(path, d) || path == d.as_slice(),
        }
    }
}

/// True when `path` is strictly below directory `dir`.
pub fn under(path: &[u8], dir: &[u8]) -> bool {
    if dir == b"/" {
        return path.len() > 1 && path.starts_with(b"/");
    }
    path.len() > dir.len() && path.starts_with(dir) && path.get(dir.len()) == Some(&b'/')
}

/// One planned rule: a type and its scope, with the indexes of the needs it serves.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The type to assign.
    pub type_: String,
    /// Its reach.
    pub scope: Scope,
    /// Indexes into the needs list of the persisted needs it was made for.
    pub needs: Vec<usize>,
}

/// Plans the rules for the persisted needs; `decisions[i]` belongs to `needs[i]`.
pub fn plan(policy: &PolicyModel, needs: &[ObjectNeed<'_>], decisions: &[Decision]) -> Vec<Rule> {
    let chosen: Vec<Option<(&str, Role)>> = decisions
        .iter()
        .map(|d| match d {
            Decision::Persist { candidates, role, .. } => candidates.first().map(|c| {
                // Content only spreads to its directory when the type is a content type
                // (a web root), not when a config type was the closest match.
                let role = if *role == Role::Content && c.role != Some(Role::Content) {
                    Role::Config
                } else {
                    *role
                };
                (c.type_.as_str(), role)
            }),
            _ => None,
        })
        .collect();
    // The programs of the denied processes: a tree rule must never relabel them.
    let programs: Vec<&[u8]> = needs
        .iter()
        .flat_map(|n| n.denials.iter())
        .flat_map(|d| {
            let argv0 = d.proctitle.as_ref().and_then(|a| a.first()).map(|a| a.as_bytes());
            [d.exe.as_ref().map(|e| e.as_bytes()), argv0]
        })
        .flatten()
        .filter(|p| p.starts_with(b"/"))
        .collect();

    // Initial scope per persisted need.
    let mut wanted: Vec<(usize, &str, Scope)> = Vec::new();
    for (i, need) in needs.iter().enumerate() {
        let Some(Some((t, role))) = chosen.get(i) else { continue };
        // Objects a service writes, and content it serves, live in directories that get more
        // such files later: their rule covers the directory.
        let writes = matches!(role, Role::Data | Role::Log | Role::Runtime | Role::Content);
        let scope = if writes && need.mode == FileMode::Dir && !is_system_dir(&need.path) {
            Scope::Tree(need.path.clone())
        } else if writes && need.mode != FileMode::Dir {
            match parent(&need.path) {
                Some(p) if !is_system_dir(p) => Scope::Tree(p.to_vec()),
                _ => Scope::Exact(need.path.clone()),
            }
        } else {
            Scope::Exact(need.path.clone())
        };
        wanted.push((i, t, scope));
    }
    // Siblings with the same type share their directory.
    let snapshot = wanted.clone();
    for (_, t, scope) in wanted.iter_mut() {
        if let Scope::Exact(p) = scope {
            if let Some(dir) = parent(p) {
                let siblings = snapshot
                    .iter()
                    .filter(|(_, t2, s2)| {
                        t2 == t && matches!(s2, Scope::Exact(q) if parent(q) == Some(dir))
                    })
                    .count();
                if siblings >= 2 && !is_system_dir(dir) {
                    *scope = Scope::Tree(dir.to_vec());
                }
            }
        }
    }
    // Trees that would hurt fall back to the exact path.
    for (i, t, scope) in wanted.iter_mut() {
        if let Scope::Tree(dir) = scope {
            if !tree_is_safe(policy, needs, &chosen, dir, t)
                || programs.iter().any(|p| under(p, dir))
            {
                *scope = needs
                    .get(*i)
                    .map(|n| Scope::Exact(n.path.clone()))
                    .unwrap_or(Scope::Exact(dir.clone()));
            }
        }
    }
    // Merge: one rule per (type, scope); scopes inside a tree of the same type join it.
    let mut rules: Vec<Rule> = Vec::new();
    let trees: Vec<(String, Vec<u8>)> = wanted
        .iter()
        .filter_map(|(_, t, s)| match s {
            Scope::Tree(d) => Some(((*t).to_owned(), d.clone())),
            Scope::Exact(_) => None,
        })
        .collect();
    for (i, t, scope) in wanted {
        let outer = trees
            .iter()
            .filter(|(t2, d)| t2 == t && (under(scope.path(), d) || (scope.path() == d.as_slice())))
            .min_by_key(|(_, d)| d.len())
            .map(|(_, d)| Scope::Tree(d.clone()));
        let scope = outer.unwrap_or(scope);
        match rules.iter_mut().find(|r| r.type_ == t && r.scope == scope) {
            Some(r) => r.needs.push(i),
            None => rules.push(Rule { type_: t.to_owned(), scope, needs: vec![i] }),
        }
    }
    rules
}

/// A tree rule on `dir` with type `t` is safe when `dir` is not a system directory, no other
/// object below it needs another type (or a type the domain cannot use), and no base
/// `file_contexts` regex below it assigns another type.
fn tree_is_safe(
    policy: &PolicyModel,
    needs: &[ObjectNeed<'_>],
    chosen: &[Option<(&str, Role)>],
    dir: &[u8],
    t: &str,
) -> bool {
    if is_system_dir(dir) {
        return false;
    }
    for (j, other) in needs.iter().enumerate() {
        if !(under(&other.path, dir) || other.path == dir) {
            continue;
        }
        match chosen.get(j) {
            Some(Some((t2, _))) if *t2 == t => {}
            Some(Some(_)) => return false,
            _ => {
                let perms: Vec<&str> = other.perms.iter().map(String::as_str).collect();
                if policy.allows(&other.domain, t, &other.class, &perms) == Some(false) {
                    return false;
                }
            }
        }
    }
    if let Some(fc) = &policy.file_contexts {
        let conflict = fc.specs_under(dir).into_iter().any(|spec| {
            spec.file != FcFile::Local
                && has_meta_chars(&spec.regex)
                && spec.context.as_ref().is_some_and(|c| c.type_ != t)
        });
        if conflict {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_is_component_wise() {
        assert!(under(b"/opt/crypto/x", b"/opt/crypto"));
        assert!(!under(b"/opt/cryptox", b"/opt/crypto"));
        assert!(!under(b"/opt/crypto", b"/opt/crypto"));
        assert!(Scope::Tree(b"/a".to_vec()).covers(b"/a"));
        assert!(Scope::Tree(b"/a".to_vec()).covers(b"/a/b"));
        assert!(!Scope::Exact(b"/a".to_vec()).covers(b"/a/b"));
    }
}
