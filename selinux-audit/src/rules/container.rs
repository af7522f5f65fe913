//! Containers: a confined container reaching a host object.
//!
//! A directory mounted into a container as a volume needs a label the container domain may
//! use. For a directory that belongs to the container's data, the fix is `:Z` (private) or `:z`
//! (shared) on the volume, which relabels it when the container starts, or a persistent
//! `container_file_t` rule for the tree. It is never a host system path (`/etc`, `/usr`,
//! `/var/lib`, …) and never the container engine's socket: relabeling those would hand the host
//! to the container (access to the docker socket is root on the host). Those get an
//! explanation only.

use super::classify::{is_system_dir, parent};
use super::needs::{ObjectNeed, ids};
use crate::bytes::ByteStr;
use crate::denial::Denial;
use crate::fcregex::escape_tree;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;
use crate::policy::fcontext::FileMode;

/// Confined container domains.
const CONTAINER_DOMAINS: &[&str] =
    &["container_t", "svirt_lxc_net_t", "svirt_sandbox_t", "container_init_t"];

/// The type for container content.
pub const CONTENT_TYPE: &str = "container_file_t";

/// Host trees a container must never be given.
const HOST_TREES: &[&str] = &[
    "/etc", "/usr", "/boot", "/proc", "/sys", "/dev", "/run", "/var/run", "/var/lib", "/var/log",
    "/root", "/bin", "/sbin", "/lib", "/lib64",
];

/// Types of the container engine and its sockets.
const ENGINE_TYPES: &[&str] = &[
    "container_runtime_t",
    "container_var_run_t",
    "docker_t",
    "docker_var_run_t",
    "container_runtime_exec_t",
    "containerd_t",
];

/// True for a confined container domain.
pub fn is_container_domain(domain: &str) -> bool {
    CONTAINER_DOMAINS.contains(&domain)
}

fn in_tree(path: &[u8], tree: &str) -> bool {
    let t = tree.as_bytes();
    path == t || (path.starts_with(t) && path.get(t.len()) == Some(&b'/'))
}

fn is_engine_object(path: Option<&[u8]>, target: &str) -> bool {
    ENGINE_TYPES.contains(&target)
        || path.is_some_and(|p| {
            p.ends_with(b".sock")
                && (p.windows(6).any(|w| w == b"docker")
                    || p.windows(6).any(|w| w == b"podman")
                    || p.windows(10).any(|w| w == b"containerd"))
        })
}

fn refusal(domain: &str, what: &str, ds: &[&Denial]) -> Fix {
    Fix::new(
        FixKind::Other,
        Vec::new(),
        Vec::new(),
        Confidence::High,
        format!(
            "{domain}, a confined container, was denied access to {what}, which belongs to the host. Do not \
             relabel it for the container: that would let the container reach the host (the container \
             engine's socket is root on the host). Mount a directory of the container's own instead, or, if \
             the container really must manage the host, run it deliberately unconfined \
             (--security-opt label=disable) and accept what that means."
        ),
        ids(ds),
    )
}

/// The fix for a container's object need that no restorecon solves.
pub fn object_fix(policy: &PolicyModel, need: &ObjectNeed<'_>) -> Fix {
    let path = String::from_utf8_lossy(&need.path).into_owned();
    if is_engine_object(Some(&need.path), &need.current) {
        return refusal(&need.domain, &format!("the container engine's {path}"), &need.denials);
    }
    let dir: Vec<u8> = if need.mode == FileMode::Dir {
        need.path.clone()
    } else {
        parent(&need.path).map(<[u8]>::to_vec).unwrap_or_else(|| need.path.clone())
    };
    let host = is_system_dir(&dir)
        || super::placement::is_protected(&dir)
        || HOST_TREES.iter().any(|t| in_tree(&dir, t));
    if host || policy.has_type(CONTENT_TYPE) == Some(false) {
        return refusal(&need.domain, &format!("{path} (labeled {})", need.current), &need.denials);
    }
    let dir_text = String::from_utf8_lossy(&dir).into_owned();
    let cmds = vec![
        argv(["semanage", "fcontext", "-a", "-t", CONTENT_TYPE, escape_tree(&dir).as_str()]),
        argv([ByteStr::from("restorecon"), "-Rv".into(), ByteStr::new(dir.clone())]),
    ];
    let why = format!(
        "{} was denied {} on {path} (labeled {}): a directory mounted into the container. Give the volume \
         the container content type: either add :Z to the volume (-v {dir_text}:/path:Z, private to this \
         container; :z if several containers share it), which relabels it at start, or make it persistent \
         with the rule below. Only for a directory that holds the container's own data, never a host \
         system path.",
        need.domain,
        super::describe_perms(&need.perms),
        need.current
    );
    Fix::new(FixKind::Fcontext, cmds, Vec::new(), Confidence::High, why, ids(&need.denials)).check(
        "host-path",
        true,
        format!("{dir_text} is not a host system path"),
    )
}

/// A container's denial on the engine itself (its socket, its process).
pub fn other_fix(ds: &[&Denial]) -> Option<Fix> {
    let d = ds.first()?;
    let domain = d.source_type()?;
    if !is_container_domain(domain) {
        return None;
    }
    let target = d.target_type()?;
    if !is_engine_object(d.path.as_ref().map(ByteStr::as_bytes), target) {
        return None;
    }
    Some(refusal(domain, &format!("the container engine ({target})"), ds))
}
