//! Finding a denial's object path inside its own event.
//!
//! The kernel AVC often names only the basename (`name="monero.conf"`), so the full path is
//! looked for, in this order of trust:
//!
//! 1. the AVC's own absolute `path=` → [`PathSource::Avc`];
//! 2. a PATH record of the event with the AVC's inode (preferred) or basename: an absolute
//!    `name=` → [`PathSource::PathRecord`], a relative one joined with CWD → [`PathSource::Cwd`];
//! 3. `name=` equal to a directory component of an absolute path in the event's PATH (or CWD)
//!    records → [`PathSource::PathComponent`] (`crypto` in `/opt/crypto/monero.conf`);
//! 4. an absolute argv entry (PROCTITLE) ending in `name=` → [`PathSource::Proctitle`];
//! 5. the SYSCALL `exe=` ending in `name=` → [`PathSource::Exe`];
//!
//! else [`PathSource::Unresolved`]. Every produced path is lexically normalised: no `.` or `..`
//! components, no repeated or trailing `/`.

use crate::denial::PathSource;

/// One PATH (or AVC_PATH) record, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathItem {
    /// `name=` (decoded); `None` for `(null)`/absent.
    pub name: Option<Vec<u8>>,
    /// `inode=`.
    pub inode: Option<u64>,
    /// `mode=` (octal).
    pub mode: Option<u32>,
}

/// What the event offers for resolution.
#[derive(Clone, Debug, Default)]
pub struct EventPaths<'e> {
    /// PATH records in input order.
    pub items: &'e [PathItem],
    /// CWD `cwd=`, decoded.
    pub cwd: Option<&'e [u8]>,
    /// PROCTITLE argv.
    pub argv: Option<&'e [crate::bytes::ByteStr]>,
    /// SYSCALL `exe=`, decoded.
    pub exe: Option<&'e [u8]>,
}

/// The outcome of resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The path, when found.
    pub path: Option<Vec<u8>>,
    /// How it was found.
    pub source: PathSource,
    /// The matching PATH record's mode.
    pub mode: Option<u32>,
}

/// Resolves the object of an AVC with `path=` `avc_path`, `name=` `name` and `ino=` `ino`.
pub fn resolve(
    avc_path: Option<&[u8]>,
    name: Option<&[u8]>,
    ino: Option<u64>,
    ev: &EventPaths<'_>,
) -> Resolved {
    let by_inode = ino.and_then(|ino| ev.items.iter().find(|p| p.inode == Some(ino)));
    let by_name = name.and_then(|n| {
        ev.items.iter().find(|p| {
            // Same basename, and not a different inode when both are known.
            let same_inode = match (ino, p.inode) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            };
            same_inode && p.name.as_deref().is_some_and(|pn| basename(pn) == basename(n))
        })
    });
    let by_path = avc_path.and_then(|ap| {
        let want = normalize(ap);
        ev.items.iter().find(|p| p.name.as_deref().is_some_and(|pn| normalize(pn) == want))
    });
    let mode = by_inode.or(by_name).or(by_path).and_then(|p| p.mode);
    let found = |path: Vec<u8>, source| Resolved { path: Some(path), source, mode };
    if let Some(p) = avc_path.filter(|p| p.starts_with(b"/")) {
        return found(normalize(p), PathSource::Avc);
    }
    // An inode match wins over a basename match; a match whose name is unusable falls through.
    for item in [by_inode, by_name].into_iter().flatten() {
        let Some(pn) = item.name.as_deref() else { continue };
        if pn.starts_with(b"/") {
            return found(normalize(pn), PathSource::PathRecord);
        }
        if let Some(cwd) = ev.cwd.filter(|c| c.starts_with(b"/")) {
            return found(join(cwd, pn), PathSource::Cwd);
        }
    }
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Resolved { path: None, source: PathSource::Unresolved, mode };
    };
    if let Some(p) = component_match(name, ev) {
        return found(p, PathSource::PathComponent);
    }
    if let Some(argv) = ev.argv {
        for arg in argv {
            let arg = arg.as_bytes();
            // `/abs/path` or `--option=/abs/path`.
            let candidate = if arg.starts_with(b"/") {
                Some(arg)
            } else {
                arg.iter().position(|&b| b == b'=').and_then(|eq| arg.get(eq + 1..))
            };
            if let Some(c) = candidate.filter(|c| c.starts_with(b"/")) {
                let c = normalize(c);
                if last_component(&c) == Some(name) {
                    return found(c, PathSource::Proctitle);
                }
            }
        }
    }
    if let Some(exe) = ev.exe.filter(|e| e.starts_with(b"/")) {
        let e = normalize(exe);
        if last_component(&e) == Some(name) {
            return found(e, PathSource::Exe);
        }
    }
    Resolved { path: None, source: PathSource::Unresolved, mode }
}

/// `name` as a directory component of an absolute PATH name (or the CWD) of the event.
fn component_match(name: &[u8], ev: &EventPaths<'_>) -> Option<Vec<u8>> {
    let mut candidates: Vec<Vec<u8>> = Vec::new();
    for item in ev.items {
        let Some(pn) = item.name.as_deref() else { continue };
        let full = if pn.starts_with(b"/") {
            normalize(pn)
        } else if let Some(cwd) = ev.cwd.filter(|c| c.starts_with(b"/")) {
            join(cwd, pn)
        } else {
            continue;
        };
        // Only directory components: drop the last one.
        let dir_len = full.iter().rposition(|&b| b == b'/').unwrap_or(0);
        candidates.push(full.get(..dir_len).unwrap_or_default().to_vec());
    }
    if let Some(cwd) = ev.cwd.filter(|c| c.starts_with(b"/")) {
        candidates.push(normalize(cwd));
    }
    for dir in candidates {
        let mut end = 0usize;
        for comp in dir.split(|&b| b == b'/') {
            end += comp.len();
            if !comp.is_empty() && comp == name {
                return dir.get(..end).map(<[u8]>::to_vec);
            }
            end += 1;
        }
    }
    None
}

/// The last component of a path, ignoring trailing slashes (`/a/b/` → `b`; `/` → `/`).
pub fn basename(path: &[u8]) -> &[u8] {
    let trimmed = trim_trailing_slashes(path);
    if trimmed.is_empty() {
        return if path.is_empty() { path } else { b"/" };
    }
    match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) => trimmed.get(i + 1..).unwrap_or_default(),
        None => trimmed,
    }
}

fn last_component(path: &[u8]) -> Option<&[u8]> {
    let b = basename(path);
    (!b.is_empty()).then_some(b)
}

fn trim_trailing_slashes(path: &[u8]) -> &[u8] {
    let end = path.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
    path.get(..end).unwrap_or_default()
}

/// Joins a relative `name` to the absolute `dir` and normalises the result.
pub fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(dir.len() + name.len() + 1);
    s.extend_from_slice(dir);
    s.push(b'/');
    s.extend_from_slice(name);
    normalize(&s)
}

/// Lexical normalisation: collapses `//`, drops `.`, resolves `..` (never above `/` for an
/// absolute path), drops a trailing `/`. A relative path stays relative.
pub fn normalize(path: &[u8]) -> Vec<u8> {
    let absolute = path.starts_with(b"/");
    let mut parts: Vec<&[u8]> = Vec::new();
    for comp in path.split(|&b| b == b'/') {
        match comp {
            b"" | b"." => {}
            b".." => {
                if parts.last().is_some_and(|p| *p != b"..") {
                    parts.pop();
                } else if !absolute {
                    parts.push(comp);
                }
            }
            _ => parts.push(comp),
        }
    }
    let mut out = Vec::with_capacity(path.len());
    for (i, comp) in parts.iter().enumerate() {
        if absolute || i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(comp);
    }
    if out.is_empty() && absolute {
        out.push(b'/');
    }
    out
}

#[cfg(test)]
mod tests;
