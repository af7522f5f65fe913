//! A small built-in baseline used when no policy is installed (e.g. a laptop analysing a
//! server's log).
//!
//! It lists the default labels of the locations that matter for hand-installed services, with
//! the type names of the Fedora/RHEL "targeted" policy (the most common source of such logs).
//! It is deliberately small and written for this project; answers that come from it are
//! marked approximate in the output, which also says how to get exact ones (`--policy-root`
//! with a copy of the server's `/etc/selinux/TYPE`).

use std::path::PathBuf;

use super::fcontext::{FcText, FileContexts};
use super::{PolicyChoice, PolicyModel, PolicyOrigin};

/// The baseline's file_contexts text (file_contexts syntax, sorted the way CIL sorts:
/// regexes before literals, shorter literal prefixes first).
pub const BASELINE_FILE_CONTEXTS: &str = "\
/.*\tsystem_u:object_r:default_t:s0
/opt(/.*)?\tsystem_u:object_r:usr_t:s0
/srv(/.*)?\tsystem_u:object_r:var_t:s0
/usr(/.*)?\tsystem_u:object_r:usr_t:s0
/var(/.*)?\tsystem_u:object_r:var_t:s0
/etc(/.*)?\tsystem_u:object_r:etc_t:s0
/tmp/.*\t<<none>>
/run/.*\t<<none>>
/root(/.*)?\tunconfined_u:object_r:admin_home_t:s0
/home/[^/]+(/.*)?\tunconfined_u:object_r:user_home_t:s0
/opt/.*/bin(/.*)?\tsystem_u:object_r:bin_t:s0
/opt/.*/sbin(/.*)?\tsystem_u:object_r:bin_t:s0
/opt/.*\\.so(\\.[^/]*)*\t--\tsystem_u:object_r:lib_t:s0
/usr/bin(/.*)?\tsystem_u:object_r:bin_t:s0
/usr/lib(/.*)?\tsystem_u:object_r:lib_t:s0
/usr/sbin(/.*)?\tsystem_u:object_r:bin_t:s0
/var/lib(/.*)?\tsystem_u:object_r:var_lib_t:s0
/var/log(/.*)?\tsystem_u:object_r:var_log_t:s0
/var/www(/.*)?\tsystem_u:object_r:httpd_sys_content_t:s0
/usr/local/bin(/.*)?\tsystem_u:object_r:bin_t:s0
/usr/lib/systemd/system(/.*)?\tsystem_u:object_r:systemd_unit_file_t:s0
/srv\t-d\tsystem_u:object_r:var_t:s0
/tmp\t-d\tsystem_u:object_r:tmp_t:s0
/root\t-d\tsystem_u:object_r:admin_home_t:s0
/var/tmp\t-d\tsystem_u:object_r:tmp_t:s0
";

/// `.subs_dist` of the baseline.
pub const BASELINE_SUBS: &str = "\
/bin /usr/bin
/sbin /usr/sbin
/lib /usr/lib
/lib64 /usr/lib
/usr/lib64 /usr/lib
/var/run /run
/etc/systemd/system /usr/lib/systemd/system
";

/// The baseline model (no binary policy; `approximate` is set).
pub fn baseline_model() -> PolicyModel {
    let fc = FileContexts::from_texts(
        FcText { path: PathBuf::from("<baseline>/file_contexts"), text: BASELINE_FILE_CONTEXTS },
        None,
        None,
        Some(FcText {
            path: PathBuf::from("<baseline>/file_contexts.subs_dist"),
            text: BASELINE_SUBS,
        }),
        None,
    )
    .ok();
    PolicyModel {
        file_contexts: fc,
        binary: None,
        customizable_types: Vec::new(),
        origin: PolicyOrigin {
            choice: PolicyChoice::Baseline,
            root: None,
            policy_file: None,
            version: None,
        },
        approximate: true,
    }
}
