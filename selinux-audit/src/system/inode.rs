//! Finding an object by device and inode on this machine, for denials that name only a basename.
//!
//! The kernel logs `dev="vda" ino=378` with `name="monero-data"`. On the machine that wrote the
//! log, the device name maps to a mounted file system (`/sys/class/block/NAME/dev` gives its
//! major:minor, `/proc/self/mountinfo` where it is mounted), and a walk of that one file system
//! finds the inode. The walk is bounded (entries visited) and never leaves the file system.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::bytes::ByteStr;
use crate::denial::{Denial, PathSource};

/// One mounted file system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// `major:minor` of the device.
    pub dev: String,
    /// Where it is mounted.
    pub mount_point: PathBuf,
    /// File system type.
    pub fstype: String,
    /// Mount source (`/dev/vda`, `tmpfs`, …).
    pub source: String,
}

/// Parses `/proc/self/mountinfo` text.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let l: Vec<&str> = left.split(' ').collect();
        let r: Vec<&str> = right.split(' ').collect();
        let (Some(dev), Some(mp), Some(fstype), Some(source)) =
            (l.get(2), l.get(4), r.first(), r.get(1))
        else {
            continue;
        };
        out.push(Mount {
            dev: (*dev).to_owned(),
            mount_point: PathBuf::from(unescape_octal(mp)),
            fstype: (*fstype).to_owned(),
            source: (*source).to_owned(),
        });
    }
    out
}

fn unescape_octal(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let digits: String = chars.by_ref().take(3).collect();
            if let Ok(v) = u8::from_str_radix(&digits, 8) {
                out.push(char::from(v));
                continue;
            }
            out.push(c);
            out.push_str(&digits);
        } else {
            out.push(c);
        }
    }
    out
}

/// The mounts of this machine (empty when `/proc` is unavailable).
pub fn mounts() -> Vec<Mount> {
    fs::read_to_string("/proc/self/mountinfo").map(|t| parse_mountinfo(&t)).unwrap_or_default()
}

/// Where the device the kernel calls `dev_name` (`vda`, `dm-0`, `sda2`; or a file system type
/// such as `devtmpfs` when it is mounted once) is mounted.
pub fn mount_point_of(dev_name: &str, mounts: &[Mount]) -> Option<PathBuf> {
    if dev_name.is_empty() || dev_name.contains('/') || dev_name.contains("..") {
        return None;
    }
    let sys = Path::new("/sys/class/block").join(dev_name).join("dev");
    if let Ok(majmin) = fs::read_to_string(sys) {
        let majmin = majmin.trim();
        return mounts.iter().find(|m| m.dev == majmin).map(|m| m.mount_point.clone());
    }
    let same_type: Vec<&Mount> = mounts.iter().filter(|m| m.fstype == dev_name).collect();
    match same_type.as_slice() {
        [only] => Some(only.mount_point.clone()),
        _ => None,
    }
}

/// Walks the file system mounted at `root` (without crossing into other file systems) for an
/// entry with inode `ino`, visiting at most `budget` entries.
pub fn find_inode(root: &Path, ino: u64, budget: usize) -> Option<PathBuf> {
    let root_meta = fs::symlink_metadata(root).ok()?;
    if root_meta.ino() == ino {
        return Some(root.to_path_buf());
    }
    let dev = root_meta.dev();
    let mut stack = vec![root.to_path_buf()];
    let mut visited = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            visited += 1;
            if visited > budget {
                return None;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.dev() != dev {
                continue;
            }
            if meta.ino() == ino {
                return Some(entry.path());
            }
            if meta.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    None
}

/// Resolves denials that name only a basename by searching this machine's file systems for
/// their device and inode (at most `budget` entries per search). Returns how many were
/// resolved. Only for logs written on this machine: elsewhere the inode means nothing.
pub fn resolve_by_inode(denials: &mut [Denial], budget: usize) -> usize {
    let mounts = mounts();
    let mut resolved = 0;
    let mut cache: std::collections::HashMap<(Vec<u8>, u64), Option<PathBuf>> =
        std::collections::HashMap::new();
    for d in denials.iter_mut() {
        if d.path_source != PathSource::Unresolved {
            continue;
        }
        let (Some(dev), Some(ino)) = (d.dev.as_ref(), d.ino) else { continue };
        let key = (dev.as_bytes().to_vec(), ino);
        let found = cache
            .entry(key)
            .or_insert_with(|| {
                dev.as_str()
                    .and_then(|name| mount_point_of(name, &mounts))
                    .and_then(|mp| find_inode(&mp, ino, budget))
            })
            .clone();
        if let Some(path) = found {
            d.path = Some(ByteStr::new(path.into_os_string().into_encoded_bytes()));
            d.path_source = PathSource::InodeSearch;
            resolved += 1;
        }
    }
    resolved
}

/// Device name → mount point for every block device and single-instance file system mounted
/// here (for the `find` commands of unresolved objects).
pub fn device_mounts(dev_names: &[&str]) -> Vec<(ByteStr, ByteStr)> {
    let mounts = mounts();
    dev_names
        .iter()
        .filter_map(|n| {
            mount_point_of(n, &mounts).map(|mp| {
                (ByteStr::from(*n), ByteStr::new(mp.into_os_string().into_encoded_bytes()))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mountinfo_lines() {
        let text = "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
                    25 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw,size=1k\n\
                    30 22 0:40 / /mnt/my\\040disk rw - tmpfs tmpfs rw\n";
        let m = parse_mountinfo(text);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].dev, "254:0");
        assert_eq!(m[0].mount_point, PathBuf::from("/"));
        assert_eq!(m[1].fstype, "devtmpfs");
        assert_eq!(m[2].mount_point, PathBuf::from("/mnt/my disk"));
        assert_eq!(mount_point_of("devtmpfs", &m), Some(PathBuf::from("/dev")));
        assert_eq!(mount_point_of("../etc", &m), None);
    }

    #[test]
    fn finds_an_inode_in_a_tree() {
        let dir = std::env::temp_dir().join(format!("avcfix-inode-{}", std::process::id()));
        let target = dir.join("a/b/monero-data");
        fs::create_dir_all(&target).unwrap();
        let ino = fs::metadata(&target).unwrap().ino();
        assert_eq!(find_inode(&dir, ino, 1000), Some(target.clone()));
        assert_eq!(find_inode(&dir, ino, 1), None);
        fs::remove_dir_all(&dir).unwrap();
    }
}
