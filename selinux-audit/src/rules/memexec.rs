//! `execmem`, `execstack`, `execheap` and `execmod`: a program asks for memory that is both
//! writable and executable.
//!
//! This is a property of the program (a JIT, an executable stack flag, a library with text
//! relocations), not of any label. The fix is the program's: report it to its maintainers or
//! rebuild the library. A boolean is offered only when the policy has one scoped to this
//! domain (`httpd_execmem` for `httpd_t`); the global ones (`allow_execmem`, …) would allow it
//! for every domain and stay flagged alternatives; a module is the last resort.

use std::collections::BTreeSet;

use super::boolean::{broad_alternatives, candidates};
use super::needs::ids;
use crate::denial::Denial;
use crate::fix::{Confidence, Fix, FixKind, argv};
use crate::policy::PolicyModel;

const PROCESS_PERMS: &[&str] = &["execmem", "execstack", "execheap"];

/// True for a memory-protection denial.
pub fn applies(d: &Denial) -> bool {
    (d.class == "process" && d.perms.iter().all(|p| PROCESS_PERMS.contains(&p.as_str())))
        || (d.class == "file" && d.perms.iter().all(|p| p == "execmod"))
}

/// The fix for a group of memory-protection denials (one domain, target and class).
pub fn fix(policy: &PolicyModel, ds: &[&Denial]) -> Option<Fix> {
    let d = ds.first()?;
    if !ds.iter().all(|d| applies(d)) {
        return None;
    }
    let domain = d.source_type()?.to_owned();
    let target = d.target_type()?.to_owned();
    let perms: BTreeSet<String> = ds.iter().flat_map(|d| d.perms.iter().cloned()).collect();
    let refs: Vec<&str> = perms.iter().map(String::as_str).collect();
    let comm = d.comm.as_ref().map(|c| c.to_string_lossy()).unwrap_or_else(|| domain.clone());
    let what = if d.class == "file" {
        format!(
            "{comm} ({domain}) loaded a library that modifies its own code (execmod: text relocations){}.",
            d.path.as_ref().map(|p| format!(" — {p}")).unwrap_or_default()
        )
    } else {
        format!(
            "{comm} ({domain}) asked for memory that is writable and executable ({}): a JIT compiler, or \
             a binary or library built with an executable stack.",
            refs.join(", ")
        )
    };
    let scoped = candidates(policy, &domain, &target, &d.class, &refs)
        .into_iter()
        .find(|c| c.value && c.affine);
    if let Some(b) = scoped {
        let why = format!(
            "{what} The policy has a switch for exactly this domain: turning {} on allows it for {domain} \
             only. If the program should not need it, report it to its maintainers instead.",
            b.name
        );
        return Some(
            Fix::new(
                FixKind::Boolean,
                vec![argv(["setsebool", "-P", b.name.as_str(), "on"])],
                Vec::new(),
                Confidence::High,
                why,
                ids(ds),
            )
            .check(
                "boolean-named-after-domain",
                true,
                format!("{} is {domain}'s own switch", b.name),
            ),
        );
    }
    let advice = if d.class == "file" {
        "Rebuild the library position-independent (-fPIC) or ask its maintainers to; labeling it \
         textrel_shlib_t lets every domain run it that way."
    } else {
        "Report it to the program's maintainers (execstack -c clears a stray executable-stack flag on a \
         binary or library). The global booleans would allow it for every domain."
    };
    let mut fix = Fix::new(
        FixKind::Other,
        Vec::new(),
        Vec::new(),
        Confidence::Medium,
        format!(
            "{what} No label changes this and the policy has no switch scoped to {domain}. {advice}"
        ),
        ids(ds),
    );
    fix.alternatives.extend(broad_alternatives(policy, ds, &domain, &target, &d.class, &perms));
    if let Some(m) = super::other::module_fix(ds) {
        fix.alternatives.push(m);
    }
    Some(fix)
}
