//! Where a persistent file-context rule may go, and where it must not.
//!
//! A `semanage fcontext` rule outlives the denial: it relabels the path on every restorecon and
//! beats the distribution's own entries. It is only safe for objects the service owns. It is
//! refused when:
//!
//! * the path is a system directory or a pseudo file system ([`is_system_dir`],
//!   [`is_pseudo_fs`]);
//! * the path lies in a protected tree: credentials, authentication, boot and SELinux's own
//!   configuration (`/etc/shadow`, `/etc/ssh`, `/etc/selinux`, `/root/.ssh`, `/boot`, …) or the
//!   distribution's program and library directories;
//! * the policy deliberately gives the path a specific type that belongs to something else
//!   (`/etc/shadow` is `shadow_t`): changing it would take the object away from its owner —
//!   a type of the same service (`httpd_sys_content_t` → `httpd_sys_rw_content_t`) may be
//!   refined;
//! * the service writes its state or logs into a configuration or system tree (`/etc`, `/usr`,
//!   `/boot`, the root directory): the fix is the service's configuration, not a label.

use super::classify::{Role, is_pseudo_fs, is_system_dir, parent};
use super::typechoice::belongs_to;
use crate::policy::DefaultLabel;

/// Trees no rule may touch.
const PROTECTED: &[&str] = &[
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/passwd",
    "/etc/group",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/ssh",
    "/etc/pam.d",
    "/etc/security",
    "/etc/selinux",
    "/etc/audit",
    "/etc/systemd",
    "/etc/polkit-1",
    "/etc/ssl/private",
    "/etc/krb5.keytab",
    "/boot",
    "/root/.ssh",
    "/root/.gnupg",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib",
    "/usr/lib64",
    "/usr/libexec",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/var/lib/selinux",
    "/var/log/audit",
    "/run/systemd",
];

/// Default types that say nothing about an owner: overriding them takes nothing away.
const GENERIC_DEFAULTS: &[&str] = &[
    "usr_t",
    "var_t",
    "default_t",
    "etc_t",
    "var_lib_t",
    "var_log_t",
    "var_run_t",
    "var_spool_t",
    "var_cache_t",
    "bin_t",
    "lib_t",
    "tmp_t",
    "home_root_t",
    "user_home_t",
    "user_home_dir_t",
    "admin_home_t",
    "unlabeled_t",
    "file_t",
    "mnt_t",
    "root_t",
    "srv_t",
];

/// Trees a service must not write its state or logs into.
const NO_STATE_IN: &[&str] = &["/etc", "/usr", "/boot"];

/// Why a rule is refused, as one sentence for the explanation.
pub fn refusal(path: &[u8], domain: &str, role: Role, default: &DefaultLabel) -> Option<String> {
    let text = String::from_utf8_lossy(path);
    if is_system_dir(path) || is_pseudo_fs(path) {
        return Some(super::other::SYSTEM_DIR_REASON.to_owned());
    }
    if let Some(tree) = PROTECTED.iter().find(|p| in_tree(path, p)) {
        return Some(format!(
            "{text} is in {tree}, which belongs to the system (credentials, authentication, boot, \
             SELinux or the distribution's programs): no rule should relabel it. If {domain} really \
             needs this, that is a policy question, not a label."
        ));
    }
    if let DefaultLabel::Type { type_, .. } = default {
        if !GENERIC_DEFAULTS.contains(&type_.as_str()) && !belongs_to(domain, type_) {
            return Some(format!(
                "The policy deliberately labels {text} {type_}, which belongs to something other than \
                 {domain}: relabeling it would take it away from its owner. Either {domain} should not \
                 touch it (check the service's configuration), or the policy has a switch for it."
            ));
        }
    }
    let writes = matches!(role, Role::Data | Role::Log | Role::Runtime);
    let parent_is_system = parent(path).is_none_or(is_system_dir);
    // /usr/local/APP is the admin's own tree; the rest of /usr, /etc and /boot are not for state.
    let own_local = in_tree(path, "/usr/local") && !parent_is_system;
    let in_system_tree = NO_STATE_IN.iter().any(|t| in_tree(path, t)) && !own_local;
    if writes && (parent(path) == Some(b"/".as_slice()) || in_system_tree) {
        return Some(format!(
            "{domain} writes its {} into {text}, a configuration or system location: point the service at \
             a directory of its own (e.g. under /var/lib) and label that one instead.",
            match role {
                Role::Log => "log",
                Role::Runtime => "runtime files",
                _ => "data",
            }
        ));
    }
    None
}

/// True when `path` lies in a protected tree (no rule, no recursive relabel).
pub fn is_protected(path: &[u8]) -> bool {
    PROTECTED.iter().any(|p| in_tree(path, p))
}

/// True when `path` is `tree` or below it.
fn in_tree(path: &[u8], tree: &str) -> bool {
    let t = tree.as_bytes();
    path == t || (path.starts_with(t) && path.get(t.len()) == Some(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(t: &str) -> DefaultLabel {
        DefaultLabel::Type { type_: t.to_owned(), spec: String::new() }
    }

    #[test]
    fn refuses_system_and_foreign_objects() {
        assert!(refusal(b"/etc/shadow", "sshd_t", Role::Config, &ty("shadow_t")).is_some());
        assert!(refusal(b"/etc/ssh", "monerod_t", Role::Data, &ty("etc_t")).is_some());
        assert!(refusal(b"/root/.ssh/x", "monerod_t", Role::Data, &ty("ssh_home_t")).is_some());
        assert!(refusal(b"/etc/x.db", "monerod_t", Role::Data, &ty("etc_t")).is_some());
        assert!(refusal(b"/x.db", "monerod_t", Role::Data, &ty("default_t")).is_some());
        assert!(
            refusal(b"/srv/www/x", "monerod_t", Role::Content, &ty("httpd_sys_content_t"))
                .is_some()
        );
    }

    #[test]
    fn allows_the_services_own_places() {
        assert_eq!(
            refusal(b"/opt/crypto/monero.conf", "monerod_t", Role::Config, &ty("usr_t")),
            None
        );
        assert_eq!(
            refusal(b"/opt/crypto/monero-data", "monerod_t", Role::Data, &ty("usr_t")),
            None
        );
        assert_eq!(refusal(b"/etc/myapp/app.conf", "myapp_t", Role::Config, &ty("etc_t")), None);
        assert_eq!(
            refusal(b"/var/www/html/uploads", "httpd_t", Role::Data, &ty("httpd_sys_content_t")),
            None
        );
        assert_eq!(refusal(b"/usr/local/myapp/data", "myapp_t", Role::Data, &ty("usr_t")), None);
        assert!(refusal(b"/usr/local/share/x.db", "myapp_t", Role::Data, &ty("usr_t")).is_some());
    }
}
