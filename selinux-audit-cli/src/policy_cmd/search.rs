//! `avc-fix policy allow` (rules as written, printed like `sesearch`) and
//! `avc-fix policy access` (effective access and the booleans it depends on).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use selinux_audit::policy::PolicyModel;
use selinux_audit::policy::binary::{RuleKind, RuleQuery, TargetAccess, TeRule};
use selinux_audit::report::PolicySummary;
use serde::Serialize;

use super::{Common, binary, query_error};
use crate::args::Format;

/// `avc-fix policy allow`.
#[derive(Debug, clap::Args)]
pub struct AllowArgs {
    /// Source type or attribute (rules on its attributes match too, unless --direct).
    #[arg(short = 's', long = "source", value_name = "TYPE")]
    pub source: Option<String>,

    /// Target type or attribute (rules on its attributes match too, unless --direct).
    #[arg(short = 't', long = "target", value_name = "TYPE")]
    pub target: Option<String>,

    /// Object classes (any of them; comma-separated or repeated).
    #[arg(short = 'c', long = "class", value_name = "CLASS", value_delimiter = ',')]
    pub classes: Vec<String>,

    /// Permissions: rules granting any of them (comma-separated or repeated).
    #[arg(short = 'p', long = "perms", value_name = "PERM", value_delimiter = ',')]
    pub perms: Vec<String>,

    /// Booleans: conditional rules whose condition reads any of them.
    #[arg(short = 'b', long = "bool", value_name = "BOOL", value_delimiter = ',')]
    pub booleans: Vec<String>,

    /// Only rules written on the source and target names themselves (sesearch -ds -dt).
    #[arg(short = 'd', long)]
    pub direct: bool,

    /// Only rules written on the source name itself (sesearch -ds).
    #[arg(long = "direct-source")]
    pub direct_source: bool,

    /// Only rules written on the target name itself (sesearch -dt).
    #[arg(long = "direct-target")]
    pub direct_target: bool,

    /// allow rules (the default when no kind is given).
    #[arg(short = 'A', long = "allow")]
    pub allow: bool,

    /// auditallow rules.
    #[arg(long)]
    pub auditallow: bool,

    /// dontaudit rules.
    #[arg(long)]
    pub dontaudit: bool,

    /// Type rules: type_transition (named ones too), type_change, type_member.
    #[arg(short = 'T', long = "type-rules")]
    pub type_rules: bool,

    /// Policy and format.
    #[command(flatten)]
    pub common: Common,
}

impl AllowArgs {
    fn query(&self) -> RuleQuery<'_> {
        let mut kinds = Vec::new();
        if self.allow {
            kinds.push(RuleKind::Allow);
        }
        if self.auditallow {
            kinds.push(RuleKind::Auditallow);
        }
        if self.dontaudit {
            kinds.push(RuleKind::Dontaudit);
        }
        if self.type_rules {
            kinds.extend(RuleKind::TYPE);
        }
        if kinds.is_empty() {
            kinds.push(RuleKind::Allow);
        }
        let mut q = RuleQuery::new(&kinds);
        q.source = self.source.as_deref();
        q.target = self.target.as_deref();
        q.source_direct = self.direct || self.direct_source;
        q.target_direct = self.direct || self.direct_target;
        q.classes = self.classes.iter().map(String::as_str).collect();
        q.perms = self.perms.iter().map(String::as_str).collect();
        q.booleans = self.booleans.iter().map(String::as_str).collect();
        q
    }
}

#[derive(Serialize)]
struct RulesDocument<'a> {
    policy: PolicySummary,
    /// Booleans whose current value is not the policy file's default: name → value.
    changed_booleans: BTreeMap<&'a str, bool>,
    rules: Vec<TeRule<'a>>,
}

/// Runs `policy allow`.
pub fn run_allow(
    model: &PolicyModel,
    args: &AllowArgs,
    format: Format,
    out: &mut impl Write,
) -> Result<u8> {
    let p = binary(model)?;
    let rules = match p.search_rules(&args.query()) {
        Ok(rules) => rules,
        Err(e) => return Ok(query_error(&e)),
    };
    match format {
        Format::Text => {
            for rule in &rules {
                writeln!(out, "{rule}")?;
            }
        }
        Format::Json => {
            let doc = RulesDocument {
                policy: PolicySummary::of(model),
                changed_booleans: p.changed_booleans().into_iter().collect(),
                rules,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(0)
}

/// `avc-fix policy access`.
#[derive(Debug, clap::Args)]
pub struct AccessArgs {
    /// The domain.
    #[arg(short = 's', long = "source", value_name = "TYPE")]
    pub source: String,

    /// The object class.
    #[arg(short = 'c', long = "class", value_name = "CLASS")]
    pub class: String,

    /// Permissions, all of which are needed (comma-separated or repeated).
    #[arg(
        short = 'p',
        long = "perms",
        value_name = "PERM",
        value_delimiter = ',',
        required = true
    )]
    pub perms: Vec<String>,

    /// Only the types allowed under the current boolean values.
    #[arg(long = "allowed-only")]
    pub allowed_only: bool,

    /// Policy and format.
    #[command(flatten)]
    pub common: Common,
}

#[derive(Serialize)]
struct AccessDocument<'a> {
    policy: PolicySummary,
    changed_booleans: BTreeMap<&'a str, bool>,
    targets: Vec<TargetAccess<'a>>,
}

/// `name=on` / `name=off` for a boolean's value.
fn setting(name: &str, on: bool) -> String {
    format!("{name}={}", if on { "on" } else { "off" })
}

/// Runs `policy access`: one line per type, `TYPE<TAB>allowed`, with `<TAB>while b=on and …`
/// when flipping any of those booleans would deny it, or `TYPE<TAB>denied<TAB>allowed if b=on
/// or …` when one flip would allow it.
pub fn run_access(
    model: &PolicyModel,
    args: &AccessArgs,
    format: Format,
    out: &mut impl Write,
) -> Result<u8> {
    let p = binary(model)?;
    let perms: Vec<&str> = args.perms.iter().map(String::as_str).collect();
    let mut targets = match p.access_targets(&args.source, &args.class, &perms) {
        Ok(t) => t,
        Err(e) => return Ok(query_error(&e)),
    };
    if args.allowed_only {
        targets.retain(|t| t.allowed);
    }
    match format {
        Format::Text => {
            for t in &targets {
                let current = |b: &str| p.boolean(b).unwrap_or(false);
                if t.allowed && t.booleans.is_empty() {
                    writeln!(out, "{}\tallowed", t.target)?;
                } else if t.allowed {
                    let keep: Vec<String> =
                        t.booleans.iter().map(|b| setting(b, current(b))).collect();
                    writeln!(out, "{}\tallowed\twhile {}", t.target, keep.join(" and "))?;
                } else {
                    let flip: Vec<String> =
                        t.booleans.iter().map(|b| setting(b, !current(b))).collect();
                    writeln!(out, "{}\tdenied\tallowed if {}", t.target, flip.join(" or "))?;
                }
            }
        }
        Format::Json => {
            let doc = AccessDocument {
                policy: PolicySummary::of(model),
                changed_booleans: p.changed_booleans().into_iter().collect(),
                targets,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(0)
}
