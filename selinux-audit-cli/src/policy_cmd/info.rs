//! `avc-fix policy port` (the kernel's port label) and `avc-fix policy info` (counts printed
//! like `seinfo` 4.4's statistics).

use std::io::Write;

use anyhow::Result;
use selinux_audit::policy::PolicyModel;
use selinux_audit::policy::binary::{BinaryPolicy, HandleUnknown, PolicyStats, protocol_name};
use selinux_audit::report::PolicySummary;
use serde::Serialize;

use super::{Common, binary};
use crate::args::Format;

/// The kernel's initial SID for ports without a portcon (`SECINITSID_PORT`).
const PORT_SID: u32 = 9;

/// `avc-fix policy port`.
#[derive(Debug, clap::Args)]
pub struct PortArgs {
    /// tcp, udp, dccp, sctp or a protocol number.
    #[arg(value_name = "PROTO", value_parser = parse_protocol)]
    pub protocol: u8,

    /// Port number.
    #[arg(value_name = "PORT")]
    pub port: u16,

    /// Policy and format.
    #[command(flatten)]
    pub common: Common,
}

fn parse_protocol(text: &str) -> Result<u8, String> {
    match text {
        "tcp" => Ok(6),
        "udp" => Ok(17),
        "dccp" => Ok(33),
        "sctp" => Ok(132),
        n => n.parse().map_err(|_| "expected tcp, udp, dccp, sctp or a number".to_owned()),
    }
}

/// One portcon, for JSON.
#[derive(Serialize)]
struct Entry<'a> {
    low: u32,
    high: u32,
    #[serde(rename = "type")]
    type_name: &'a str,
}

#[derive(Serialize)]
struct PortDocument<'a> {
    policy: PolicySummary,
    protocol: String,
    port: u16,
    /// The port's type, `null` when the policy has neither a portcon nor a port SID.
    #[serde(rename = "type")]
    type_name: Option<&'a str>,
    /// `portcon` (first match in policy order) or `initial-sid` (no portcon matches).
    from: &'static str,
    /// Every portcon containing the port, in policy order (the first one wins).
    matching: Vec<Entry<'a>>,
}

/// The type of the `port` initial SID.
fn port_sid_type(p: &BinaryPolicy) -> Option<&str> {
    let sid = p.db().ocontexts.initial_sids.iter().find(|s| s.sid == PORT_SID)?;
    p.type_name(sid.context.type_value)
}

/// Runs `policy port`: prints the type.
pub fn run_port(
    model: &PolicyModel,
    args: &PortArgs,
    format: Format,
    out: &mut impl Write,
) -> Result<u8> {
    let p = binary(model)?;
    let (type_name, from) = match p.port_type(args.protocol, args.port) {
        Some(t) => (Some(t), "portcon"),
        None => (port_sid_type(p), "initial-sid"),
    };
    match format {
        Format::Text => writeln!(out, "{}", type_name.unwrap_or("<<none>>"))?,
        Format::Json => {
            let port = u32::from(args.port);
            let matching = p
                .portcons()
                .into_iter()
                .filter(|c| c.protocol == u32::from(args.protocol))
                .filter(|c| c.low <= port && port <= c.high)
                .map(|c| Entry { low: c.low, high: c.high, type_name: c.type_name })
                .collect();
            let protocol = u32::from(args.protocol);
            let doc = PortDocument {
                policy: PolicySummary::of(model),
                protocol: protocol_name(protocol)
                    .map_or_else(|| protocol.to_string(), str::to_owned),
                port: args.port,
                type_name,
                from,
                matching,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(0)
}

/// `avc-fix policy info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Policy and format.
    #[command(flatten)]
    pub common: Common,
}

#[derive(Serialize)]
struct InfoDocument {
    policy: PolicySummary,
    mls: bool,
    handle_unknown: &'static str,
    stats: PolicyStats,
}

fn handle_unknown(h: HandleUnknown) -> &'static str {
    match h {
        HandleUnknown::Deny => "deny",
        HandleUnknown::Reject => "reject",
        HandleUnknown::Allow => "allow",
        _ => "unknown",
    }
}

/// The statistics block of `seinfo`: `(label, count)` pairs, two per line.
fn rows(s: &PolicyStats) -> [(&'static str, usize); 40] {
    [
        ("Classes:", s.classes),
        ("Permissions:", s.permissions),
        ("Sensitivities:", s.sensitivities),
        ("Categories:", s.categories),
        ("Types:", s.types),
        ("Attributes:", s.attributes),
        ("Users:", s.users),
        ("Roles:", s.roles),
        ("Booleans:", s.booleans),
        ("Cond. Expr.:", s.cond_exprs),
        ("Allow:", s.allow),
        ("Neverallow:", 0),
        ("Auditallow:", s.auditallow),
        ("Dontaudit:", s.dontaudit),
        ("Type_trans:", s.type_trans),
        ("Type_change:", s.type_change),
        ("Type_member:", s.type_member),
        ("Range_trans:", s.range_trans),
        ("Role allow:", s.role_allow),
        ("Role_trans:", s.role_trans),
        ("Constraints:", s.constraints),
        ("Validatetrans:", s.validatetrans),
        ("MLS Constrain:", s.mls_constraints),
        ("MLS Val. Tran:", s.mls_validatetrans),
        ("Permissives:", s.permissives),
        ("Polcap:", s.polcaps),
        ("Defaults:", s.defaults),
        ("Typebounds:", s.typebounds),
        ("Allowxperm:", s.allowxperm),
        ("Neverallowxperm:", 0),
        ("Auditallowxperm:", s.auditallowxperm),
        ("Dontauditxperm:", s.dontauditxperm),
        ("Ibendportcon:", s.ibendportcon),
        ("Ibpkeycon:", s.ibpkeycon),
        ("Initial SIDs:", s.initial_sids),
        ("Fs_use:", s.fs_use),
        ("Genfscon:", s.genfscon),
        ("Portcon:", s.portcon),
        ("Netifcon:", s.netifcon),
        ("Nodecon:", s.nodecon),
    ]
}

/// Runs `policy info`.
pub fn run_info(
    model: &PolicyModel,
    _args: &InfoArgs,
    format: Format,
    out: &mut impl Write,
) -> Result<u8> {
    let p = binary(model)?;
    let stats = p.stats();
    match format {
        Format::Text => {
            let file = model.origin.policy_file.as_ref().map(|f| f.display().to_string());
            let mls = if p.mls() { "enabled" } else { "disabled" };
            writeln!(out, "Statistics for policy file: {}", file.unwrap_or_default())?;
            writeln!(out, "{:<28}{} (MLS {mls})", "Policy Version:", p.version())?;
            writeln!(out, "{:<28}selinux", "Target Policy:")?;
            writeln!(
                out,
                "{:<28}{}",
                "Handle unknown classes:",
                handle_unknown(p.handle_unknown())
            )?;
            for pair in rows(&stats).chunks(2) {
                if let [(l1, n1), (l2, n2)] = pair {
                    writeln!(out, "  {l1:<17}{n1:7}    {l2:<17}{n2:7}")?;
                }
            }
        }
        Format::Json => {
            let doc = InfoDocument {
                policy: PolicySummary::of(model),
                mls: p.mls(),
                handle_unknown: handle_unknown(p.handle_unknown()),
                stats,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(0)
}
