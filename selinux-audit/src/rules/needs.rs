//! Grouping denials into needs: one per (object, domain), one per (domain, port), and the rest.
//!
//! Several denials usually concern one object (`read`, then `open`, then `getattr` of the same
//! config file): the rules reason about the object once, with the union of the permissions.

use std::collections::{BTreeMap, BTreeSet};

use crate::denial::{Denial, PathSource};
use crate::policy::fcontext::FileMode;

/// Denials about one file-system object with a known full path, by one domain.
#[derive(Clone, Debug)]
pub struct ObjectNeed<'a> {
    /// The object's full path.
    pub path: Vec<u8>,
    /// The best evidence any of its denials gives for the path.
    pub source: PathSource,
    /// File type (from the class, or the PATH record's mode).
    pub mode: FileMode,
    /// Object class as logged.
    pub class: String,
    /// Source domain.
    pub domain: String,
    /// The target type as logged.
    pub current: String,
    /// Union of denied permissions.
    pub perms: BTreeSet<String>,
    /// The denials.
    pub denials: Vec<&'a Denial>,
}

/// Denials about one port, by one domain.
#[derive(Clone, Debug)]
pub struct PortNeed<'a> {
    /// `tcp`, `udp`, `sctp` or `dccp`.
    pub protocol: &'static str,
    /// The port number.
    pub port: u16,
    /// Object class as logged (`tcp_socket` …).
    pub class: String,
    /// Source domain.
    pub domain: String,
    /// The port's type as logged.
    pub current: String,
    /// Union of denied permissions (`name_bind`, `name_connect`).
    pub perms: BTreeSet<String>,
    /// The denials.
    pub denials: Vec<&'a Denial>,
}

/// Everything the rules reason about, in order of first appearance.
#[derive(Clone, Debug, Default)]
pub struct Needs<'a> {
    /// File-system objects with a full path.
    pub objects: Vec<ObjectNeed<'a>>,
    /// Ports.
    pub ports: Vec<PortNeed<'a>>,
    /// Everything else: unresolved paths, capabilities, processes, D-Bus, …
    pub others: Vec<&'a Denial>,
}

/// The protocol a socket class binds or connects with.
pub fn protocol_of(class: &str) -> Option<&'static str> {
    match class {
        "tcp_socket" => Some("tcp"),
        "udp_socket" => Some("udp"),
        "sctp_socket" => Some("sctp"),
        "dccp_socket" => Some("dccp"),
        _ => None,
    }
}

/// The file mode of a denial's object, from its class (a systemd unit file for `service`).
pub fn mode_of(d: &Denial) -> Option<FileMode> {
    if let Some(m) = FileMode::from_class(&d.class) {
        return Some(m);
    }
    if d.class == "service" && d.path.is_some() {
        return Some(FileMode::File);
    }
    None
}

/// Groups denied (not granted) denials into needs.
pub fn group(denials: &[Denial]) -> Needs<'_> {
    let mut needs = Needs::default();
    let mut objects: BTreeMap<(Vec<u8>, String, String), usize> = BTreeMap::new();
    let mut ports: BTreeMap<(&'static str, u16, String), usize> = BTreeMap::new();
    for d in denials.iter().filter(|d| d.is_denied()) {
        let (Some(domain), Some(current)) = (d.source_type(), d.target_type()) else {
            needs.others.push(d);
            continue;
        };
        let bind_or_connect = d.perms.iter().any(|p| p == "name_bind" || p == "name_connect");
        if let (Some(protocol), Some(port), true) = (protocol_of(&d.class), d.port, bind_or_connect)
        {
            let key = (protocol, port, domain.to_owned());
            let idx = *ports.entry(key).or_insert_with(|| {
                needs.ports.push(PortNeed {
                    protocol,
                    port,
                    class: d.class.clone(),
                    domain: domain.to_owned(),
                    current: current.to_owned(),
                    perms: BTreeSet::new(),
                    denials: Vec::new(),
                });
                needs.ports.len() - 1
            });
            if let Some(n) = needs.ports.get_mut(idx) {
                n.perms.extend(d.perms.iter().filter(|p| p.starts_with("name_")).cloned());
                n.denials.push(d);
            }
            continue;
        }
        if super::memexec::applies(d) {
            // A property of the program, not of the file's label.
            needs.others.push(d);
            continue;
        }
        let (Some(mode), Some(path)) = (mode_of(d), d.path.as_ref()) else {
            needs.others.push(d);
            continue;
        };
        if d.path_source == PathSource::Unresolved || !is_canonical(path.as_bytes()) {
            needs.others.push(d);
            continue;
        }
        let key = (path.as_bytes().to_vec(), domain.to_owned(), d.class.clone());
        let idx = *objects.entry(key).or_insert_with(|| {
            needs.objects.push(ObjectNeed {
                path: path.as_bytes().to_vec(),
                source: d.path_source,
                mode,
                class: d.class.clone(),
                domain: domain.to_owned(),
                current: current.to_owned(),
                perms: BTreeSet::new(),
                denials: Vec::new(),
            });
            needs.objects.len() - 1
        });
        if let Some(n) = needs.objects.get_mut(idx) {
            n.perms.extend(d.perms.iter().cloned());
            n.source = n.source.min(d.path_source);
            n.denials.push(d);
        }
    }
    needs
}

/// True for an absolute path a rule can name: no `.`/`..` components, no empty components, no
/// NUL byte (the kernel never logs such a path; a log that does is damaged or forged).
pub fn is_canonical(path: &[u8]) -> bool {
    if path == b"/" {
        return true;
    }
    path.starts_with(b"/")
        && !path.contains(&0)
        && path.split(|&b| b == b'/').skip(1).all(|c| !c.is_empty() && c != b"." && c != b"..")
}

/// Ids of a list of denials, sorted and without duplicates.
pub fn ids(denials: &[&Denial]) -> Vec<u32> {
    let set: BTreeSet<u32> = denials.iter().map(|d| d.id).collect();
    set.into_iter().collect()
}
