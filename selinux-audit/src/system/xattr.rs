//! Reading an object's label from the object itself: the `security.selinux` extended
//! attribute, as `ls -Z` or `getfilecon` would show it.
//!
//! Used only when the log is this machine's, to tell a restorecon that would change something
//! from one that would not (the object may have been relabeled since the denial was logged).
//! The attribute is read with `lgetxattr` (through `rustix`, so this crate stays free of
//! `unsafe`) without following a final symbolic link, like restorecon. A path that does not
//! exist, a file system without labels, or SELinux's absence give `None`: no evidence either
//! way.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// The attribute's name.
const NAME: &str = "security.selinux";

/// Longest label read (the kernel's limit for a context is a page).
const MAX_LABEL: usize = 4096;

/// The label of `path` (without its trailing NUL), or `None` when it cannot be read.
pub fn label_of(path: &[u8]) -> Option<String> {
    let mut buf = vec![0u8; MAX_LABEL];
    let n = rustix::fs::lgetxattr(OsStr::from_bytes(path), NAME, buf.as_mut_slice()).ok()?;
    let bytes = buf.get(..n)?;
    let bytes = bytes.strip_suffix(b"\0").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).ok()?;
    (!text.is_empty()).then(|| text.to_owned())
}

/// The labels of those `paths` that can be read, path → context.
pub fn labels_of<'a>(paths: impl IntoIterator<Item = &'a [u8]>) -> BTreeMap<Vec<u8>, String> {
    paths.into_iter().filter_map(|p| label_of(p).map(|l| (p.to_vec(), l))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_label_written_on_a_file() {
        let path = std::env::temp_dir().join(format!("avcfix-xattr-{}", std::process::id()));
        std::fs::write(&path, b"x").unwrap();
        let set = rustix::fs::lsetxattr(
            &path,
            NAME,
            b"system_u:object_r:etc_t:s0\0",
            rustix::fs::XattrFlags::empty(),
        );
        if set.is_err() {
            // Not root, or a file system without the security namespace: nothing to read.
            std::fs::remove_file(&path).unwrap();
            return;
        }
        let bytes = path.as_os_str().as_bytes();
        assert_eq!(label_of(bytes).as_deref(), Some("system_u:object_r:etc_t:s0"));
        let all = labels_of([bytes, b"/nonexistent/x".as_slice()]);
        assert_eq!(all.len(), 1);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn missing_paths_and_unlabeled_files_give_nothing() {
        assert_eq!(label_of(b"/nonexistent/avc-fix/x"), None);
        assert_eq!(label_of(b"relative\0name"), None);
    }
}
