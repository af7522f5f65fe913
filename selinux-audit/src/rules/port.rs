//! Port labels: `name_bind` / `name_connect` on a port whose type the domain may not use.
//!
//! The fix labels the port with a type the domain may bind or connect to: first the domain's
//! own port type (`monerod_t` → `monerod_port_t`), checked to exist and, with a binary policy,
//! to be allowed; then any other port type the policy allows, with a warning that it belongs
//! to another service. `-a` adds a label for a port that only has a generic type
//! (`unreserved_port_t`, …); a port already defined with another type needs `-m`, and then the
//! fix says whose port it is.

use super::needs::{PortNeed, ids};
use super::typechoice::{belongs_to, domain_prefix};
use super::{confidence, describe_perms};
use crate::denial::PathSource;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;

/// Port types that only mark ranges; a port with one of them is "not labeled yet".
pub const GENERIC_PORT_TYPES: &[&str] =
    &["port_t", "unreserved_port_t", "reserved_port_t", "hi_reserved_port_t", "ephemeral_port_t"];

/// Ranked port types `need.domain` may use for `need.perms` (at most `limit`).
pub fn port_candidates(
    policy: &PolicyModel,
    need: &PortNeed<'_>,
    limit: usize,
) -> Vec<(String, bool)> {
    let perms: Vec<&str> = need.perms.iter().map(String::as_str).collect();
    let prefix = domain_prefix(&need.domain);
    let mut out: Vec<(String, bool)> = Vec::new();
    if let Some(bin) = &policy.binary {
        if let Ok(types) = bin.targets_allowing(&need.domain, &need.class, &perms) {
            for t in types {
                if GENERIC_PORT_TYPES.contains(&t) || t == need.current {
                    continue;
                }
                let is_port =
                    bin.attributes_of(t).map(|a| a.contains(&"port_type")).unwrap_or(false);
                if is_port {
                    let affine = belongs_to(&need.domain, t);
                    out.push((t.to_owned(), affine));
                }
            }
        }
    } else if let Some(prefix) = &prefix {
        // No rules to consult: the domain's conventional port type, if it exists.
        let t = format!("{prefix}port_t");
        if policy.has_type(&t) != Some(false) {
            out.push((t, true));
        }
    }
    // The domain's own types first; among them the shortest name is the main one
    // (`http_port_t` before `http_cache_port_t`).
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.len().cmp(&b.0.len())).then_with(|| a.0.cmp(&b.0)));
    out.truncate(limit);
    out
}

/// The fix for one port need, or `None` when nothing but a policy change would help (the
/// caller explains and offers the last-resort module).
pub fn port_fix(policy: &PolicyModel, need: &PortNeed<'_>) -> Option<Fix> {
    if need.port == 0 {
        // Port 0 asks the kernel for any free port: there is no port to label.
        return None;
    }
    // What the loaded policy says the port is decides what `semanage port` can do; the log
    // may come from a host where it was labeled differently.
    let in_policy =
        policy.binary.as_ref().and_then(|b| b.port_type(protocol_number(need.protocol), need.port));
    let need = &PortNeed {
        current: in_policy.map(str::to_owned).unwrap_or_else(|| need.current.clone()),
        ..need.clone()
    };
    let generic = GENERIC_PORT_TYPES.contains(&need.current.as_str());
    if generic {
        return label_fix(policy, need, "-a").or_else(|| bool_fix(policy, need));
    }
    // The port already belongs to another service's type: relabeling it would take it away
    // from that service. Prefer a boolean; otherwise explain, with the -m only as alternative.
    if let Some(f) = bool_fix(policy, need) {
        return Some(f);
    }
    if !need.perms.contains("name_bind") {
        return None;
    }
    let steal = label_fix(policy, need, "-m")?;
    let why = format!(
        "{} was denied {} on {} port {}, which the policy assigns to another service ({}). \
         Relabeling it would take the port away from that service: configure this service to use a \
         port of its own instead (an unassigned one can then be labeled for it with semanage port -a).",
        need.domain,
        describe_perms(&need.perms),
        need.protocol,
        need.port,
        need.current
    );
    let mut fix = Fix::new(
        FixKind::Other,
        Vec::new(),
        Vec::new(),
        Confidence::Medium,
        why,
        ids(&need.denials),
    );
    let mut steal = steal;
    steal.confidence = Confidence::Low;
    fix.alternatives.extend(super::boolean::broad_alternatives(
        policy,
        &need.denials,
        &need.domain,
        &need.current,
        &need.class,
        &need.perms,
    ));
    fix.alternatives.push(steal);
    Some(fix)
}

/// The Linux default ephemeral port range (`net.ipv4.ip_local_port_range`).
pub const EPHEMERAL_LOW: u16 = 32768;
/// Upper end of [`EPHEMERAL_LOW`]'s range.
pub const EPHEMERAL_HIGH: u16 = 60999;

/// True for a port in the default ephemeral range.
pub fn in_ephemeral_range(port: u16) -> bool {
    (EPHEMERAL_LOW..=EPHEMERAL_HIGH).contains(&port)
}

/// IP protocol numbers as the binary policy stores them.
fn protocol_number(protocol: &str) -> u8 {
    match protocol {
        "udp" => 17,
        "dccp" => 33,
        "sctp" => 132,
        _ => 6,
    }
}

fn bool_fix(policy: &PolicyModel, need: &PortNeed<'_>) -> Option<Fix> {
    super::boolean::boolean_fix(
        policy,
        &need.denials,
        &need.domain,
        &need.current,
        &need.class,
        &need.perms,
    )
}

fn label_fix(policy: &PolicyModel, need: &PortNeed<'_>, op: &str) -> Option<Fix> {
    let cands = port_candidates(policy, need, 3);
    let (best, affine) = cands.first()?;
    let port = need.port.to_string();
    let verified = policy.binary.as_ref().map(|_| true);
    let conf =
        if *affine { confidence(policy, PathSource::Avc, verified) } else { Confidence::Low };
    let make =
        |t: &str| argv(["semanage", "port", op, "-t", t, "-p", need.protocol, port.as_str()]);
    let mut why = format!(
        "{} was denied {} on {} port {}, whose type is {}.",
        need.domain,
        describe_perms(&need.perms),
        need.protocol,
        need.port,
        need.current
    );
    if *affine {
        why.push_str(&format!(
            " {best} is the domain's own port type{}; labeling the port with it lets the service use exactly this port.",
            if verified == Some(true) {
                " and the loaded policy allows it".to_owned()
            } else {
                format!(" ({})", super::unverified_reason(policy, &need.domain, best))
            }
        ));
    } else {
        why.push_str(&format!(
            " The domain has no port type of its own; {best} is one it may use, but it belongs to another service: \
             consider configuring the service to use a port that already carries such a type instead."
        ));
    }
    if op == "-m" {
        why.push_str(&format!(
            " The port is already defined as {}, so the label is modified (-m), which takes it away from that type's users.",
            need.current
        ));
    }
    let ephemeral = in_ephemeral_range(need.port);
    if ephemeral && need.perms.contains("name_bind") {
        why.push_str(&format!(
            " Warning: {} is in the kernel's ephemeral range ({EPHEMERAL_LOW}-{EPHEMERAL_HIGH} by default), from which outgoing connections take their local ports: the service may find it taken. Prefer configuring it to listen on a port below {EPHEMERAL_LOW}.",
            need.port
        ));
    }
    let mut fix =
        Fix::new(FixKind::Port, vec![make(best)], Vec::new(), conf, why, ids(&need.denials))
            .check(
                "port-unassigned",
                op == "-a",
                format!(
                    "the loaded policy labels {} port {} {}",
                    need.protocol, need.port, need.current
                ),
            )
            .check(
                "type-belongs-to-domain",
                *affine,
                format!(
                    "{best} {} named after {}",
                    if *affine { "is" } else { "is not" },
                    need.domain
                ),
            );
    if need.perms.contains("name_bind") {
        fix.add_check(
            "outside-ephemeral-range",
            !ephemeral,
            format!(
                "port {} {} the default ephemeral range",
                need.port,
                if ephemeral { "is in" } else { "is outside" }
            ),
        );
    }
    for (alt, _) in cands.iter().skip(1) {
        let f = Fix::new(
            FixKind::Port,
            vec![make(alt)],
            Vec::new(),
            Confidence::Low,
            format!("Alternative port type {alt}, which {} may also use.", need.domain),
            ids(&need.denials),
        );
        fix.alternatives.push(f);
    }
    Some(fix)
}
