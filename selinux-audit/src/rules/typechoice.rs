//! Choosing the type for a persistent file-context rule.
//!
//! Candidates come from the policy itself: the types `file_contexts` assigns to the domain's
//! standard locations (`monerod_t` → `/etc/monerod\.conf` is `monerod_conf_t`,
//! `/var/lib/monero(/.*)?` is `monerod_var_lib_t`), the types the domain's `type_transition`
//! rules create in the generic parents (`var_lib_t`, `var_log_t`, …), and, last, the generic
//! type for the role (`bin_t`, `etc_t`, `var_lib_t`, `var_log_t`). Each candidate collects
//! evidence; candidates the binary policy says the domain still may not use are dropped.
//! Ranking is by evidence, in this order: the loaded policy allows every denied permission,
//! the candidate's role matches the object's role, a `type_transition` of the domain creates
//! it, it belongs to the domain (name prefix), least privilege (read-only access gets a type the
//! domain cannot write), and specific before generic.

use std::collections::BTreeSet;

use super::classify::Role;
use crate::policy::PolicyModel;

/// Domains that start or run everything: their name says nothing about the object's owner.
const GENERIC_DOMAINS: &[&str] = &[
    "init_t",
    "initrc_t",
    "unconfined_t",
    "unconfined_service_t",
    "kernel_t",
    "sysadm_t",
    "staff_t",
    "user_t",
    "guest_t",
    "xguest_t",
    "system_dbusd_t",
];

/// Types that are never a good target for a rule.
const NEVER: &[&str] = &[
    "unlabeled_t",
    "default_t",
    "file_t",
    "shadow_t",
    "security_t",
    "user_home_t",
    "user_home_dir_t",
    "admin_home_t",
    "tmp_t",
    "user_tmp_t",
    "etc_runtime_t",
    "lost_found_t",
    "mnt_t",
    "usr_t",
    "var_t",
    "root_t",
    "home_root_t",
    "device_t",
    "proc_t",
    "sysfs_t",
];

/// One candidate type with the evidence gathered for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The type.
    pub type_: String,
    /// Where `file_contexts` puts it (the spec's regex), if anywhere.
    pub standard_location: Option<String>,
    /// The role its name or standard location implies.
    pub role: Option<Role>,
    /// The loaded policy allows every denied permission (`None`: no policy to ask).
    pub verified: Option<bool>,
    /// 2: role matches exactly; 1: acceptable; 0: no.
    pub role_score: u8,
    /// A `type_transition` of the domain creates this type.
    pub transition: bool,
    /// The type belongs to the domain (shares its name prefix).
    pub affinity: bool,
    /// Read-only denial and the domain cannot write this type.
    pub least_privilege: bool,
    /// A generic fallback (`bin_t`, `etc_t`, …).
    pub generic: bool,
    /// How many file_contexts entries use it: the main type of a service is used for many
    /// locations, a plug-in's type for one.
    pub uses: usize,
    /// A boolean that must also be on for the domain to use the type (web content that is
    /// written needs `httpd_builtin_scripting` on Debian); set in the same fix.
    pub boolean: Option<String>,
}

impl Candidate {
    fn rank_key(&self) -> (bool, u8, bool, bool, bool, bool, usize) {
        (
            self.verified == Some(true),
            self.role_score,
            self.transition,
            self.affinity,
            self.least_privilege,
            !self.generic,
            self.uses,
        )
    }
}

/// The domain's name prefix (`monerod_t` → `monerod_`), unless it is a generic domain.
pub fn domain_prefix(domain: &str) -> Option<String> {
    if GENERIC_DOMAINS.contains(&domain) {
        return None;
    }
    let stem = domain.strip_suffix("_t")?;
    (!stem.is_empty()).then(|| format!("{stem}_"))
}

/// True when type `t` is named after `domain`: `monerod_t` owns `monerod_conf_t`; a daemon's
/// trailing `d` may be dropped (`httpd_t` owns `http_port_t`, `mysqld_t` owns `mysql_…`).
pub fn belongs_to(domain: &str, t: &str) -> bool {
    let Some(prefix) = domain_prefix(domain) else { return false };
    if t.starts_with(&prefix) {
        return true;
    }
    let stem = prefix.trim_end_matches('_');
    match stem.strip_suffix('d') {
        Some(short) if short.len() >= 3 => t.starts_with(&format!("{short}_")),
        _ => false,
    }
}

/// The role implied by a type's name suffix.
pub fn role_of_type_name(t: &str) -> Option<Role> {
    let t = t.strip_suffix("_t")?;
    let ends = |s: &[&str]| s.iter().any(|x| t.ends_with(x));
    Some(if ends(&["_exec", "bin", "_script_exec"]) {
        Role::Exec
    } else if ends(&["_conf", "_config", "_etc"]) {
        Role::Config
    } else if ends(&["_var_lib", "_db", "_data", "_cache", "_spool", "_rw_content", "_state"]) {
        Role::Data
    } else if ends(&["_log", "_var_log"]) {
        Role::Log
    } else if ends(&["_runtime", "_var_run", "_pid", "_sock"]) {
        Role::Runtime
    } else if ends(&["_content"]) {
        Role::Content
    } else {
        return None;
    })
}

/// The role implied by a spec's location (`/etc/…` → Config, `/var/lib/…` → Data, …).
pub fn role_of_location(regex: &str) -> Option<Role> {
    let loc = literal_prefix(regex);
    let has = |s: &str| loc.starts_with(s);
    Some(if has("/etc/") {
        Role::Config
    } else if has("/var/lib/") || has("/var/cache/") || has("/var/spool/") {
        Role::Data
    } else if has("/var/log/") {
        Role::Log
    } else if has("/run/") || has("/var/run/") {
        Role::Runtime
    } else if loc.contains("/bin/") || loc.contains("/sbin/") || loc.contains("/libexec/") {
        Role::Exec
    } else if has("/usr/share/") || has("/var/www/") || has("/srv/") {
        Role::Content
    } else {
        return None;
    })
}

/// The unescaped text of a regex up to its first metacharacter.
pub fn literal_prefix(regex: &str) -> String {
    let mut out = String::new();
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) if n.is_ascii_punctuation() => out.push(n),
                _ => break,
            },
            '.' | '^' | '$' | '?' | '*' | '+' | '|' | '[' | '(' | '{' => break,
            c => out.push(c),
        }
    }
    out
}

fn role_score(need: Role, cand: Option<Role>) -> u8 {
    match (need, cand) {
        (_, None) => 0,
        (n, Some(c)) if n == c => 2,
        (Role::Log, Some(Role::Data)) | (Role::Content, Some(Role::Config)) => 1,
        (Role::Traverse, Some(_)) => 1,
        _ => 0,
    }
}

fn generic_for(role: Role) -> &'static [&'static str] {
    match role {
        Role::Exec => &["bin_t"],
        Role::Config => &["etc_t"],
        Role::Data => &["var_lib_t"],
        Role::Log => &["var_log_t"],
        Role::Runtime => &["var_run_t"],
        Role::Content | Role::Traverse => &[],
    }
}

/// Ranked candidate types for an object of `role` that `domain` needs `perms` on as `class`.
/// Candidates the loaded policy refuses are dropped; at most `limit` are returned.
pub fn candidates(
    policy: &PolicyModel,
    domain: &str,
    class: &str,
    perms: &BTreeSet<String>,
    role: Role,
    limit: usize,
) -> Vec<Candidate> {
    let prefix = domain_prefix(domain);
    let mut uses: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    if let Some(fc) = &policy.file_contexts {
        for spec in fc.specs() {
            if let Some(c) = &spec.context {
                *uses.entry(c.type_.as_str()).or_default() += 1;
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out: Vec<Candidate> = Vec::new();
    let perm_refs: Vec<&str> = perms.iter().map(String::as_str).collect();
    let read_only = super::classify::read_only(perms);
    // A program the domain runs in its own domain (execute_no_trans) is not one of its
    // entrypoints: those are the domain's own main program, entered by a transition.
    let entrypoints: Vec<String> =
        if perms.contains("execute_no_trans") && !perms.contains("entrypoint") {
            policy
                .binary
                .as_ref()
                .and_then(|b| b.entrypoints(domain).ok())
                .map(|v| v.into_iter().map(str::to_owned).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };

    let mut consider = |type_: &str, location: Option<String>, transition: bool, generic: bool| {
        if NEVER.contains(&type_)
            || type_.ends_with("_port_t")
            || entrypoints.iter().any(|e| e == type_)
            || !seen.insert(type_.to_owned())
        {
            return;
        }
        if policy.has_type(type_) == Some(false) {
            return;
        }
        if let Some(bin) = &policy.binary {
            if let Ok(attrs) = bin.attributes_of(type_) {
                if !attrs.contains(&"file_type") {
                    return;
                }
            }
        }
        let verified = policy.allows(domain, type_, class, &perm_refs);
        if verified == Some(false) {
            return;
        }
        let cand_role =
            role_of_type_name(type_).or_else(|| location.as_deref().and_then(role_of_location));
        let least_privilege = read_only
            && policy.allows(
                domain,
                type_,
                class,
                &[if class == "dir" { "add_name" } else { "write" }],
            ) == Some(false);
        out.push(Candidate {
            type_: type_.to_owned(),
            standard_location: location,
            role: cand_role,
            verified,
            role_score: role_score(role, cand_role),
            transition,
            affinity: belongs_to(domain, type_),
            least_privilege,
            generic,
            uses: uses.get(type_).copied().unwrap_or(0),
            boolean: None,
        });
    };

    // 1. Types a type_transition of the domain creates in the generic parents.
    if let Some(bin) = &policy.binary {
        for parent in ["var_lib_t", "var_log_t", "var_run_t", "etc_t", "var_cache_t"] {
            for cls in [class, "file", "dir"] {
                if let Some(t) = bin.type_transition(domain, parent, cls) {
                    let t = t.to_owned();
                    let loc = location_of(policy, &t);
                    consider(&t, loc, true, false);
                }
            }
        }
    }
    // 2. The domain's own types, where file_contexts puts them.
    if let (Some(prefix), Some(fc)) = (&prefix, &policy.file_contexts) {
        for spec in fc.specs() {
            if let Some(ctx) = &spec.context {
                if ctx.type_.starts_with(prefix.as_str()) {
                    let t = ctx.type_.clone();
                    consider(&t, Some(spec.regex.clone()), false, false);
                }
            }
        }
    }
    // 3. The domain's own types that file_contexts never mentions.
    if let (Some(prefix), Some(bin)) = (&prefix, &policy.binary) {
        let own: Vec<String> = bin
            .type_names()
            .into_iter()
            .filter(|t| t.starts_with(prefix.as_str()))
            .map(str::to_owned)
            .collect();
        for t in own {
            consider(&t, None, false, false);
        }
    }
    // 4. Generic fallbacks for the role.
    for t in generic_for(role) {
        let loc = location_of(policy, t);
        consider(t, loc, false, true);
    }

    out.retain(|c| c.role_score > 0 || c.affinity);
    out.sort_by(|a, b| b.rank_key().cmp(&a.rank_key()).then_with(|| a.type_.cmp(&b.type_)));
    out.truncate(limit);
    out
}

/// The regex of the first file_contexts spec that assigns `type_`.
pub fn location_of(policy: &PolicyModel, type_: &str) -> Option<String> {
    let fc = policy.file_contexts.as_ref()?;
    fc.specs()
        .iter()
        .find(|s| s.context.as_ref().is_some_and(|c| c.type_ == type_))
        .map(|s| s.regex.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_roles() {
        assert_eq!(domain_prefix("monerod_t").as_deref(), Some("monerod_"));
        assert_eq!(domain_prefix("init_t"), None);
        assert!(belongs_to("httpd_t", "http_port_t"));
        assert!(belongs_to("httpd_t", "httpd_sys_content_t"));
        assert!(belongs_to("mysqld_t", "mysqld_db_t"));
        assert!(belongs_to("sshd_t", "ssh_port_t"));
        assert!(!belongs_to("init_t", "init_exec_t"));
        assert!(!belongs_to("httpd_t", "hplip_port_t"));
        assert_eq!(role_of_type_name("monerod_conf_t"), Some(Role::Config));
        assert_eq!(role_of_type_name("monerod_var_lib_t"), Some(Role::Data));
        assert_eq!(role_of_type_name("httpd_log_t"), Some(Role::Log));
        assert_eq!(role_of_type_name("monerod_exec_t"), Some(Role::Exec));
        assert_eq!(role_of_location("/var/lib/monero(/.*)?"), Some(Role::Data));
        assert_eq!(role_of_location("/etc/monerod\\.conf"), Some(Role::Config));
        assert_eq!(literal_prefix("/etc/monerod\\.conf"), "/etc/monerod.conf");
        assert_eq!(literal_prefix("/var/lib/monero(/.*)?"), "/var/lib/monero");
    }
}
