//! `dac_override` and `dac_read_search`: a root process touched a file its owner and mode bits
//! do not open to it.
//!
//! SELinux only reports what the Unix permissions already refused to root-without-override:
//! the usual cause is a file owned by another user with a restrictive mode (a config file
//! `0600` owned by the service user, read by a root process, or the reverse). The fix is the
//! file's owner or mode; a module granting the capability would let the domain ignore every
//! file's permissions. When the log has no PATH record, an audit rule makes the kernel name the
//! file next time.

use std::collections::BTreeSet;

use super::needs::ids;
use crate::denial::Denial;
use crate::fix::{Confidence, Fix, FixKind};

const DAC: &[&str] = &["dac_override", "dac_read_search"];

/// True for a DAC-override capability denial.
pub fn applies(d: &Denial) -> bool {
    (d.class == "capability" || d.class == "cap_userns")
        && d.perms.iter().all(|p| DAC.contains(&p.as_str()))
}

/// The explanation for a group of DAC capability denials.
pub fn fix(ds: &[&Denial]) -> Option<Fix> {
    let d = ds.first()?;
    if !ds.iter().all(|d| applies(d)) {
        return None;
    }
    let domain = d.source_type().unwrap_or("?");
    let perms: BTreeSet<&str> =
        ds.iter().flat_map(|d| d.perms.iter().map(String::as_str)).collect();
    let comm = d.comm.as_ref().map(|c| c.to_string_lossy()).unwrap_or_else(|| domain.to_owned());
    let files: BTreeSet<String> = ds
        .iter()
        .flat_map(|d| d.records.iter())
        .filter_map(|r| {
            let text = r.to_string_lossy();
            let name = text.split(" name=\"").nth(1)?.split('"').next()?.to_owned();
            (text.contains("type=PATH") && !name.is_empty()).then_some(name)
        })
        .collect();
    let mut why = format!(
        "{comm} ({domain}{}) needed {} to get past a file's owner and mode bits: the file belongs to \
         another user and its mode does not open it to this one. That is not a label problem. Check the \
         file's owner and mode (ls -l) and fix those (chown/chmod, or run the service as the file's \
         owner); {} is the narrower capability when only reading or searching is needed.",
        d.uid.map(|u| format!(", uid {u}")).unwrap_or_default(),
        perms.into_iter().collect::<Vec<_>>().join(" and "),
        "dac_read_search"
    );
    if files.is_empty() {
        why.push_str(
            " The log does not name the file: add any audit rule (e.g. auditctl -w /etc/shadow -p w) so the \
             kernel logs PATH records, and reproduce.",
        );
    } else {
        why.push_str(&format!(
            " The file(s) involved: {}.",
            files.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    why.push_str(
        " A module granting the capability would let the domain ignore every file's permissions: last \
         resort only (see alternatives).",
    );
    let mut fix =
        Fix::new(FixKind::Other, Vec::new(), Vec::new(), Confidence::Medium, why, ids(ds));
    if let Some(m) = super::other::module_fix(ds) {
        fix.alternatives.push(m);
    }
    Some(fix)
}
