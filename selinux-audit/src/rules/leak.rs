//! Descriptors leaked from the process that started the service.
//!
//! A daemon started from an interactive session inherits that session's descriptors: the
//! ssh connection's socket, a terminal. The kernel revokes them when the daemon's domain may
//! not use them, and logs a denial on an object that belongs to another *process* (a socket
//! whose context has a process role, not `object_r`). Nothing is mislabeled and nothing should
//! be allowed: start the service the way it is meant to run (`systemctl start`), which gives
//! it clean descriptors. Descriptors revoked at `execve` are covered by
//! [`super::other::is_inherited_descriptor`].

use super::needs::ids;
use crate::denial::Denial;
use crate::fix::{Confidence, Fix, FixKind};

const SOCKET_CLASSES: &[&str] = &[
    "tcp_socket",
    "udp_socket",
    "unix_stream_socket",
    "unix_dgram_socket",
    "rawip_socket",
    "fifo_file",
];

const FD_PERMS: &[&str] =
    &["read", "write", "append", "getattr", "ioctl", "getopt", "setopt", "lock"];

/// True when the denied object is another process's socket or pipe used only through an
/// inherited descriptor.
pub fn applies(d: &Denial) -> bool {
    let (Some(s), Some(t)) = (&d.source, &d.target) else { return false };
    SOCKET_CLASSES.contains(&d.class.as_str())
        && t.role != "object_r"
        && t.type_ != s.type_
        && d.perms.iter().all(|p| FD_PERMS.contains(&p.as_str()))
}

/// The explanation for a group of leaked-descriptor denials.
pub fn fix(ds: &[&Denial]) -> Option<Fix> {
    let d = ds.first()?;
    if !ds.iter().all(|d| applies(d)) {
        return None;
    }
    let s = d.source_type().unwrap_or("?");
    let t = d.target_type().unwrap_or("?");
    let why = format!(
        "{s} was denied {} on a {} that belongs to a {t} process: a descriptor it inherited from whoever \
         started it (e.g. the ssh session of an administrator starting the daemon by hand). Nothing is \
         mislabeled and nothing should be allowed: start the service from systemd (systemctl start …), which \
         gives it its own descriptors, or close inherited descriptors in the start script.",
        super::describe_perms(&d.perms.iter().cloned().collect()),
        d.class
    );
    Some(Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::High, why, ids(ds)))
}
