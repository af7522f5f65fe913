//! What a denied object is for: the role that decides which label it should have.
//!
//! The same path needs a different type depending on whether the service executes it, reads
//! its configuration from it, writes its state into it or appends its log to it. The role is
//! read from the denied permissions first (they are facts) and from the path and the process's
//! argv second (they are hints): `--config-file /opt/x/app.conf`, a `.log` suffix, a directory
//! the service writes into.

use std::collections::BTreeSet;

use crate::denial::Denial;

/// The role of a file-system object for the service that touched it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A program the service (or systemd) executes.
    Exec,
    /// Configuration, read-only.
    Config,
    /// State or data the service writes (databases, caches, its data directory).
    Data,
    /// A log the service appends to.
    Log,
    /// Runtime files (pid files, sockets).
    Runtime,
    /// Read-only content (documents, shared data).
    Content,
    /// A directory only traversed or listed.
    Traverse,
}

impl Role {
    /// Lower-case name for explanations.
    pub fn describe(self) -> &'static str {
        match self {
            Role::Exec => "a program it executes",
            Role::Config => "its configuration",
            Role::Data => "its data/state",
            Role::Log => "its log",
            Role::Runtime => "its runtime files",
            Role::Content => "content it reads",
            Role::Traverse => "a directory on its way",
        }
    }
}

/// Permissions that only read or traverse.
pub const READ_PERMS: &[&str] =
    &["read", "open", "getattr", "ioctl", "lock", "map", "search", "watch", "watch_reads"];

const EXEC_PERMS: &[&str] = &["execute", "execute_no_trans", "entrypoint"];

const CONFIG_EXTENSIONS: &[&str] = &[
    "conf",
    "cfg",
    "cnf",
    "ini",
    "yaml",
    "yml",
    "toml",
    "json",
    "xml",
    "properties",
    "env",
    "config",
    "rc",
];

/// True when every permission only reads or traverses.
pub fn read_only(perms: &BTreeSet<String>) -> bool {
    perms.iter().all(|p| READ_PERMS.contains(&p.as_str()))
}

/// The role of the object at `path` given the union of denied `perms` on it, its `class` and
/// the denials (for argv hints).
pub fn role_of(path: &[u8], class: &str, perms: &BTreeSet<String>, denials: &[&Denial]) -> Role {
    if perms.iter().any(|p| EXEC_PERMS.contains(&p.as_str())) {
        return Role::Exec;
    }
    let name = basename(path);
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    let path_text = String::from_utf8_lossy(path).to_ascii_lowercase();
    if lower.ends_with(".log")
        || lower.contains(".log.")
        || has_component(&path_text, &["log", "logs"])
    {
        return Role::Log;
    }
    if lower.ends_with(".pid")
        || lower.ends_with(".sock")
        || class == "sock_file"
        || path_text.starts_with("/run/")
        || path_text.starts_with("/var/run/")
    {
        return Role::Runtime;
    }
    if !read_only(perms) {
        if class == "file"
            && perms.iter().all(|p| p == "append" || READ_PERMS.contains(&p.as_str()))
        {
            return Role::Log;
        }
        return Role::Data;
    }
    // Read-only from here on.
    if class == "dir" && perms.iter().all(|p| matches!(p.as_str(), "search" | "getattr")) {
        return Role::Traverse;
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if CONFIG_EXTENSIONS.contains(&ext)
        || lower.contains("conf")
        || path_text.starts_with("/etc/")
        || has_component(&path_text, &["etc", "conf", "config"])
        || named_by_config_flag(path, denials)
    {
        return Role::Config;
    }
    if has_component(&path_text, &["data", "db", "state", "lib", "cache", "spool"]) {
        return Role::Data;
    }
    Role::Content
}

/// True when the process's argv names `path` right after a `--config…`/`-c` style flag (or
/// as `--config-file=PATH`).
fn named_by_config_flag(path: &[u8], denials: &[&Denial]) -> bool {
    for d in denials {
        let Some(argv) = &d.proctitle else { continue };
        let mut prev: Option<&[u8]> = None;
        for arg in argv {
            let a = arg.as_bytes();
            if a == path && prev.is_some_and(is_config_flag) {
                return true;
            }
            if let Some(eq) = a.iter().position(|&b| b == b'=') {
                let (flag, value) = a.split_at(eq);
                if is_config_flag(flag) && value.get(1..) == Some(path) {
                    return true;
                }
            }
            prev = Some(a);
        }
    }
    false
}

fn is_config_flag(flag: &[u8]) -> bool {
    let f = String::from_utf8_lossy(flag).to_ascii_lowercase();
    f == "-c" || f == "-f" || (f.starts_with("--") && (f.contains("conf") || f.contains("cfg")))
}

fn has_component(path: &str, names: &[&str]) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let dirs = parts.len().saturating_sub(1);
    parts.iter().take(dirs).any(|c| names.contains(c))
}

/// The last path component.
pub fn basename(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(i) => path.get(i + 1..).unwrap_or(&[]),
        None => path,
    }
}

/// The parent directory (`/` for top-level entries, `None` for `/` itself or relative names).
pub fn parent(path: &[u8]) -> Option<&[u8]> {
    let i = path.iter().rposition(|&b| b == b'/')?;
    if path.len() <= 1 {
        return None;
    }
    Some(if i == 0 { b"/" } else { path.get(..i)? })
}

/// Paths on pseudo file systems (`/proc`, `/sys`, `/dev/pts`, …) whose labels come from the
/// kernel or from whoever creates them, never from a file-context rule.
pub fn is_pseudo_fs(path: &[u8]) -> bool {
    const PSEUDO: &[&[u8]] =
        &[b"/proc/", b"/sys/", b"/dev/pts/", b"/dev/shm/", b"/dev/mqueue/", b"/sys", b"/proc"];
    PSEUDO.iter().any(|p| path.starts_with(p) && (p.ends_with(b"/") || path.len() == p.len()))
}

/// Directories that must never receive a tree rule or be relabeled recursively: the roots of
/// the file system hierarchy and the shared system locations below them.
pub fn is_system_dir(path: &[u8]) -> bool {
    const SYSTEM: &[&str] = &[
        "/",
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/lib64",
        "/media",
        "/mnt",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/srv",
        "/sys",
        "/tmp",
        "/usr",
        "/var",
        "/usr/bin",
        "/usr/lib",
        "/usr/lib64",
        "/usr/libexec",
        "/usr/local",
        "/usr/local/bin",
        "/usr/local/lib",
        "/usr/local/sbin",
        "/usr/sbin",
        "/usr/share",
        "/var/cache",
        "/var/lib",
        "/var/log",
        "/var/run",
        "/var/spool",
        "/var/tmp",
        "/var/www",
        "/etc/systemd",
        "/etc/systemd/system",
        "/usr/lib/systemd",
        "/usr/lib/systemd/system",
        "/var/lib/private",
        "/var/opt",
        "/usr/local/share",
        "/usr/local/etc",
        "/usr/local/libexec",
        "/usr/local/include",
        "/usr/local/src",
        "/usr/local/lib64",
        "/usr/include",
        "/usr/src",
        "/etc/opt",
        "/srv/www",
    ];
    let trimmed = if path.len() > 1 { path.strip_suffix(b"/").unwrap_or(path) } else { path };
    SYSTEM.iter().any(|s| s.as_bytes() == trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perms(p: &[&str]) -> BTreeSet<String> {
        p.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn roles_from_perms_and_names() {
        assert_eq!(role_of(b"/opt/x/bin/x", "file", &perms(&["execute"]), &[]), Role::Exec);
        assert_eq!(
            role_of(b"/opt/crypto/monero.conf", "file", &perms(&["read"]), &[]),
            Role::Config
        );
        assert_eq!(role_of(b"/opt/crypto/monero-data", "dir", &perms(&["write"]), &[]), Role::Data);
        assert_eq!(
            role_of(b"/opt/d/bitmonero.log", "file", &perms(&["append", "open"]), &[]),
            Role::Log
        );
        assert_eq!(role_of(b"/opt/crypto", "dir", &perms(&["search"]), &[]), Role::Traverse);
        assert_eq!(
            role_of(b"/opt/d/lmdb/data.mdb", "file", &perms(&["read", "write"]), &[]),
            Role::Data
        );
        assert_eq!(role_of(b"/srv/site/index.html", "file", &perms(&["read"]), &[]), Role::Content);
    }

    #[test]
    fn paths() {
        assert_eq!(basename(b"/opt/crypto/monero.conf"), b"monero.conf");
        assert_eq!(parent(b"/opt/crypto/monero.conf"), Some(&b"/opt/crypto"[..]));
        assert_eq!(parent(b"/opt"), Some(&b"/"[..]));
        assert_eq!(parent(b"/"), None);
        assert!(is_system_dir(b"/opt"));
        assert!(is_system_dir(b"/var/lib/"));
        assert!(!is_system_dir(b"/opt/crypto"));
    }
}
