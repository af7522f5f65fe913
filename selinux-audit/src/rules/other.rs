//! Denials with no label fix: explanations, how to find what is missing, and (only as a
//! flagged alternative) a minimal local module.

use std::collections::BTreeMap;

use super::classify::role_of;
use super::needs::{ObjectNeed, ids};
use super::typechoice::candidates;
use super::{RuleOptions, describe_perms};
use crate::bytes::ByteStr;
use crate::denial::Denial;
use crate::fix::{Confidence, FileToWrite, Fix, FixKind, argv};
use crate::policy::PolicyModel;

/// User-session prefixes of terminal types that pam_selinux gives a login terminal.
const SESSION_PREFIXES: &[&str] =
    &["user_", "staff_", "sysadm_", "unconfined_", "guest_", "xguest_", "auditadm_", "secadm_"];

/// File systems the kernel names by type rather than by block device.
const MEMORY_FS: &[&str] = &[
    "tmpfs",
    "devtmpfs",
    "proc",
    "sysfs",
    "pipefs",
    "sockfs",
    "cgroup2",
    "overlay",
    "securityfs",
    "debugfs",
    "mqueue",
    "hugetlbfs",
    "bpf",
    "devpts",
    "ramfs",
];

/// (dev, ino, name, domain) of an object whose path is unknown.
type UnresolvedKey = (Option<ByteStr>, Option<u64>, Option<ByteStr>, String);

/// True for a login terminal's label (`user_tty_device_t`, `staff_devpts_t`, …).
pub fn is_session_terminal(d: &Denial) -> bool {
    let Some(t) = d.target_type() else { return false };
    d.class == "chr_file"
        && (t.ends_with("_tty_device_t") || t.ends_with("_devpts_t"))
        && SESSION_PREFIXES.iter().any(|p| t.starts_with(p))
}

/// x86_64 `execve` and `execveat`: denials logged by these syscalls with `success=yes` are the
/// kernel revoking descriptors the new program inherited but may not use.
const EXECVE_SYSCALLS: &[u32] = &[59, 322];

/// True when the denial is an inherited descriptor being closed at `execve`: a shell
/// redirection or pipe handed to a confined program (`cmd > file`, `cmd | tee`).
pub fn is_inherited_descriptor(d: &Denial) -> bool {
    const FD_PERMS: &[&str] = &["read", "write", "append", "ioctl", "getattr", "lock"];
    const FD_CLASSES: &[&str] =
        &["file", "fifo_file", "chr_file", "sock_file", "unix_stream_socket", "tcp_socket", "fd"];
    d.syscall.is_some_and(|s| EXECVE_SYSCALLS.contains(&s))
        && d.success == Some(true)
        && FD_CLASSES.contains(&d.class.as_str())
        && d.perms.iter().all(|p| FD_PERMS.contains(&p.as_str()))
}

/// The explanation for inherited descriptors.
pub const INHERITED_REASON: &str = "It was logged when the program started (execve succeeded): the kernel closed a file descriptor the program inherited from whoever started it — a shell redirection or a pipe (`cmd > file`, `cmd | tee`) — because its domain may not use that object. Nothing is mislabeled and nothing needs allowing: start the program without redirecting its output into that file or pipe (or from systemd, which gives it its own descriptors).";

/// The explanation for denials on system directories.
pub const SYSTEM_DIR_REASON: &str = "That is a system directory or a pseudo file system: neither a \
     rule nor a module should change what every other service relies on. The service most likely uses the wrong location — \
     point its configuration (data, log or working directory) at a directory of its own, then \
     label that one.";

/// Explanations for the denials that are not about a labeled path or a port.
pub fn other_fixes(policy: &PolicyModel, others: &[&Denial], opts: &RuleOptions) -> Vec<Fix> {
    let mut out = Vec::new();
    let mut unresolved: BTreeMap<UnresolvedKey, Vec<&Denial>> = BTreeMap::new();
    let mut rest: BTreeMap<(String, String, String, bool), Vec<&Denial>> = BTreeMap::new();
    let mut inherited: BTreeMap<(String, String, String, bool), Vec<&Denial>> = BTreeMap::new();
    for d in others {
        if is_inherited_descriptor(d) {
            let key = (
                "fd".to_owned(),
                d.source_type().unwrap_or(&d.scontext).to_owned(),
                d.class.clone(),
                false,
            );
            inherited.entry(key).or_default().push(d);
        } else if is_session_terminal(d) {
            rest.entry(("tty".into(), d.target_type().unwrap_or("").into(), d.class.clone(), true))
                .or_default()
                .push(d);
        } else if d.name.is_some() && d.path.is_none() && (d.ino.is_some() || d.dev.is_some()) {
            unresolved
                .entry((
                    d.dev.clone(),
                    d.ino,
                    d.name.clone(),
                    d.source_type().unwrap_or("").to_owned(),
                ))
                .or_default()
                .push(d);
        } else {
            let key = (
                d.source_type().unwrap_or(&d.scontext).to_owned(),
                d.target_type().unwrap_or(&d.tcontext).to_owned(),
                d.class.clone(),
                false,
            );
            rest.entry(key).or_default().push(d);
        }
    }
    for ((dev, ino, name, domain), ds) in unresolved {
        out.push(unresolved_fix(policy, dev, ino, name, &domain, &ds, opts));
    }
    for ds in inherited.values() {
        out.push(explanation(ds, INHERITED_REASON, Confidence::High));
    }
    for ((src, tgt, class, tty), ds) in rest {
        if tty {
            out.push(terminal_fix(&ds));
            continue;
        }
        let perms: std::collections::BTreeSet<String> =
            ds.iter().flat_map(|d| d.perms.iter().cloned()).collect();
        let special = super::verdicts::explain(policy, &ds)
            .or_else(|| super::container::other_fix(&ds))
            .or_else(|| super::leak::fix(&ds))
            .or_else(|| super::memexec::fix(policy, &ds))
            .or_else(|| super::capability::fix(&ds));
        if let Some(f) = special {
            out.push(f);
            continue;
        }
        match super::boolean::boolean_fix(policy, &ds, &src, &tgt, &class, &perms) {
            Some(f) => out.push(f),
            None => out.push(no_label_fix(policy, &ds, None)),
        }
    }
    out
}

/// An object with a path that no label fix applies to, and what to say about it.
#[derive(Debug)]
pub struct Explained<'n, 'd> {
    /// The object.
    pub need: &'n ObjectNeed<'d>,
    /// Why no label fix applies.
    pub reason: String,
    /// Offer the last-resort module as an alternative.
    pub module: bool,
    /// Try a boolean first.
    pub boolean: bool,
}

/// Explanations for objects no label fix applies to, one per (reason, domain, type, class).
/// Only those marked `module` carry a last-resort module (and broad booleans) as alternatives:
/// not when the access is already allowed, or must not be allowed.
pub fn object_other_fixes(policy: &PolicyModel, items: &[Explained<'_, '_>]) -> Vec<Fix> {
    type Key<'k> = (&'k str, &'k str, &'k str, &'k str, bool);
    let mut groups: BTreeMap<Key<'_>, Vec<&Denial>> = BTreeMap::new();
    let mut order = Vec::new();
    for e in items {
        let key: Key<'_> = (
            e.reason.as_str(),
            e.need.domain.as_str(),
            e.need.current.as_str(),
            e.need.class.as_str(),
            e.module,
        );
        if !groups.contains_key(&key) {
            order.push(key);
        }
        groups.entry(key).or_default().extend(e.need.denials.iter().copied());
    }
    order
        .into_iter()
        .filter_map(|key| {
            let ds = groups.get(&key)?;
            Some(if key.4 {
                no_label_fix(policy, ds, Some(key.0))
            } else {
                explanation(ds, key.0, Confidence::High)
            })
        })
        .collect()
}

/// An explanation with no commands and no module alternative.
fn explanation(ds: &[&Denial], reason: &str, confidence: Confidence) -> Fix {
    let (src, tgt, class, perms) = summary(ds);
    let what: std::collections::BTreeSet<String> = ds
        .iter()
        .filter_map(|d| {
            d.path
                .as_ref()
                .map(ByteStr::to_string_lossy)
                .or_else(|| d.fields.get("path").map(ByteStr::to_string_lossy))
        })
        .collect();
    let mut why = format!("{src} was denied {} on {tgt}:{class}", describe_perms(&perms));
    if !what.is_empty() {
        why.push_str(&format!(" ({})", what.into_iter().collect::<Vec<_>>().join(", ")));
    }
    why.push_str(&format!(". {reason}"));
    Fix::new(FixKind::Other, Vec::new(), Vec::new(), confidence, why, ids(ds))
}

fn unresolved_fix(
    policy: &PolicyModel,
    dev: Option<ByteStr>,
    ino: Option<u64>,
    name: Option<ByteStr>,
    domain: &str,
    ds: &[&Denial],
    opts: &RuleOptions,
) -> Fix {
    let first = ds.first().copied();
    let class = first.map(|d| d.class.clone()).unwrap_or_default();
    let perms: std::collections::BTreeSet<String> =
        ds.iter().flat_map(|d| d.perms.iter().cloned()).collect();
    let name_text = name.as_ref().map(ByteStr::to_string_lossy).unwrap_or_default();
    let dev_text = dev.as_ref().map(ByteStr::to_string_lossy).unwrap_or_else(|| "?".into());
    let current = first.and_then(|d| d.target_type()).unwrap_or("?").to_owned();
    let mount = dev.as_ref().and_then(|d| {
        opts.mounts.iter().find(|(dv, _)| dv.as_bytes() == d.as_bytes()).map(|(_, m)| m.clone())
    });
    let (mount_arg, mount_known) = match (&mount, dev.as_ref().map(ByteStr::as_bytes)) {
        (Some(m), _) => (m.clone(), true),
        (None, Some(b"devtmpfs")) => (ByteStr::from("/dev"), true),
        (None, _) => (ByteStr::from("/"), false),
    };
    let mut commands = Vec::new();
    if let Some(ino) = ino {
        let memory_fs = !mount_known && MEMORY_FS.contains(&dev_text.as_str());
        let mut cmd = if memory_fs {
            // No block device to anchor on: search every file system of that type.
            argv([
                ByteStr::from("find"),
                "/".into(),
                "-fstype".into(),
                ByteStr::from(dev_text.as_str()),
                "-inum".into(),
                ino.to_string().into(),
            ])
        } else {
            argv([
                ByteStr::from("find"),
                mount_arg.clone(),
                "-xdev".into(),
                "-inum".into(),
                ino.to_string().into(),
            ])
        };
        if !mount_known {
            if let Some(n) = &name {
                cmd.push("-name".into());
                cmd.push(n.clone());
            }
        }
        commands.push(cmd);
    }
    let mut why = format!(
        "{domain} was denied {} on a {class} named '{name_text}' (device {dev_text}{}, labeled {current}), \
         but the log does not say where it is: the kernel logged only its name.",
        describe_perms(&perms),
        ino.map(|i| format!(", inode {i}")).unwrap_or_default()
    );
    let role = role_of(name.as_ref().map(ByteStr::as_bytes).unwrap_or(b""), &class, &perms, ds);
    let likely = candidates(policy, domain, &class, &perms, role, 1);
    if let Some(c) = likely.first() {
        why.push_str(&format!(
            " It looks like {}; once the path is known the fix is probably a persistent label of type {} on it.",
            role.describe(),
            c.type_
        ));
    }
    if ino.is_some() {
        why.push_str(&format!(
            " Find it with the command below{}, then run avc-fix again with --path-hint {}:{}=PATH (on the host \
             itself avc-fix searches by inode).",
            if mount_known {
                String::new()
            } else if MEMORY_FS.contains(&dev_text.as_str()) {
                format!(" ({dev_text} is a memory file system, so the search covers all of them)")
            } else {
                format!(" (if device {dev_text} is not mounted at /, use its mount point: findmnt -S /dev/{dev_text})")
            },
            dev_text,
            ino.unwrap_or(0)
        ));
    }
    why.push_str(
        " To make the kernel log full paths next time, enable syscall auditing: any audit rule does it, \
         e.g. auditctl -w /etc/shadow -p w.",
    );
    Fix::new(FixKind::Other, commands, Vec::new(), Confidence::Low, why, ids(ds))
}

/// The explanation for a login terminal (see [`is_session_terminal`]).
pub fn terminal_fix(ds: &[&Denial]) -> Fix {
    let d = ds.first().copied();
    let who = d.and_then(|d| d.comm.as_ref()).map(ByteStr::to_string_lossy).unwrap_or_default();
    let t = d.and_then(|d| d.target_type()).unwrap_or("?");
    let name = d.and_then(|d| d.name.as_ref()).map(ByteStr::to_string_lossy).unwrap_or_default();
    let why = format!(
        "{who} touched the terminal {name}, labeled {t}: a login session owns it (pam_selinux relabels a terminal \
         while someone is logged in on it, and puts the label back at logout). This is not a mislabel: do not \
         relabel it and do not allow it. It is harmless noise unless the service itself needs that terminal."
    );
    Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::Medium, why, ids(ds))
}

fn no_label_fix(policy: &PolicyModel, ds: &[&Denial], reason: Option<&str>) -> Fix {
    let (src, tgt, class, perms) = summary(ds);
    let mut why = format!("{src} was denied {} on {tgt}:{class}.", describe_perms(&perms));
    if let Some(bin) = &policy.binary {
        let unknown: Vec<&str> =
            [src.as_str(), tgt.as_str()].into_iter().filter(|t| !bin.has_type(t)).collect();
        if !unknown.is_empty() {
            why.push_str(&format!(
                " The loaded policy does not define {}: this log comes from a host with another policy. \
                 Nothing can be checked here; analyse it with that host's policy (--policy-root with a copy \
                 of its /etc/selinux/TYPE, or --policy with its policy.N).",
                unknown.join(" or ")
            ));
            return Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::Low, why, ids(ds));
        }
    }
    if let Some(f) = super::verdicts::dontaudit_fix(policy, ds) {
        return f;
    }
    match reason {
        Some(r) => why.push_str(&format!(" {r}")),
        None if class.starts_with("capability")
            || class.starts_with("cap_userns")
            || class.starts_with("cap2_") =>
        {
            why.push_str(
                " A capability cannot be granted by a label. Check whether the service really needs it (for \
                 dac_override/dac_read_search: fix file owners and modes instead).",
            );
        }
        None => why.push_str(" No label or port change grants this."),
    }
    if ds.iter().all(|d| d.permissive == Some(true)) {
        why.push_str(" It was logged in permissive mode, so the access went through.");
    }
    why.push_str(" Only if the service truly needs it, a local module is the last resort (see alternatives).");
    let mut fix =
        Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::Medium, why, ids(ds));
    fix.alternatives
        .extend(super::boolean::broad_alternatives(policy, ds, &src, &tgt, &class, &perms));
    if let Some(m) = module_fix(ds) {
        fix.alternatives.push(m);
    }
    fix
}

/// Source type, target type, class and the union of permissions of a group of denials.
fn summary(ds: &[&Denial]) -> (String, String, String, std::collections::BTreeSet<String>) {
    let d = ds.first().copied();
    (
        d.and_then(|d| d.source_type()).unwrap_or("?").to_owned(),
        d.and_then(|d| d.target_type()).unwrap_or("?").to_owned(),
        d.map(|d| d.class.clone()).unwrap_or_default(),
        ds.iter().flat_map(|d| d.perms.iter().cloned()).collect(),
    )
}

/// A minimal local module allowing exactly the denied permissions. Last resort.
pub fn module_fix(ds: &[&Denial]) -> Option<Fix> {
    let mut rules: BTreeMap<(String, String, String), std::collections::BTreeSet<String>> =
        BTreeMap::new();
    for d in ds {
        let (Some(s), Some(t)) = (d.source_type(), d.target_type()) else { continue };
        if ![s, t, d.class.as_str()].iter().all(|x| is_ident(x))
            || !d.perms.iter().all(|p| is_ident(p))
        {
            return None;
        }
        rules
            .entry((s.to_owned(), t.to_owned(), d.class.clone()))
            .or_default()
            .extend(d.perms.iter().cloned());
    }
    let ((first_src, _, _), _) = rules.iter().next()?;
    let name = format!("avcfix_{}", first_src.strip_suffix("_t").unwrap_or(first_src));
    let mut types: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let mut classes: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for ((s, t, c), p) in &rules {
        types.insert(s);
        types.insert(t);
        classes.entry(c).or_default().extend(p.iter().map(String::as_str));
    }
    let mut te = format!("module {name} 1.0;\n\nrequire {{\n");
    for t in &types {
        te.push_str(&format!("\ttype {t};\n"));
    }
    for (c, p) in &classes {
        te.push_str(&format!(
            "\tclass {c} {{ {} }};\n",
            p.iter().copied().collect::<Vec<_>>().join(" ")
        ));
    }
    te.push_str(
        "}\n\n# LAST RESORT, written by avc-fix: this allows exactly the denied accesses below.\n",
    );
    for ((s, t, c), p) in &rules {
        te.push_str(&format!(
            "allow {s} {t}:{c} {{ {} }};\n",
            p.iter().cloned().collect::<Vec<_>>().join(" ")
        ));
    }
    let files = vec![FileToWrite { path: format!("{name}.te"), content: te }];
    let commands = vec![
        argv(["checkmodule", "-M", "-m", "-o", &format!("{name}.mod"), &format!("{name}.te")]),
        argv(["semodule_package", "-o", &format!("{name}.pp"), "-m", &format!("{name}.mod")]),
        argv(["semodule", "-i", &format!("{name}.pp")]),
    ];
    let why = format!(
        "LAST RESORT: a local policy module {name} that allows exactly these accesses. It changes the policy for \
         every object of these types, not just this one; prefer any label fix, and remove it with \
         semodule -r {name} when it is no longer needed."
    );
    let all: Vec<&Denial> = ds.to_vec();
    Some(Fix::new(FixKind::Module, commands, files, Confidence::Low, why, ids(&all)))
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
