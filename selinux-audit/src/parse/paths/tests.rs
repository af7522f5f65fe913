//! Tests of in-event path resolution.

use super::*;
use crate::bytes::ByteStr;

fn item(name: &str, inode: u64, mode: u32) -> PathItem {
    PathItem { name: Some(name.as_bytes().to_vec()), inode: Some(inode), mode: Some(mode) }
}

fn s(v: &Option<Vec<u8>>) -> Option<&str> {
    v.as_deref().map(|b| std::str::from_utf8(b).unwrap())
}

#[test]
fn normalisation() {
    assert_eq!(normalize(b"/opt/crypto/monero-data/"), b"/opt/crypto/monero-data");
    assert_eq!(normalize(b"/a/./b/../c//d"), b"/a/c/d");
    assert_eq!(normalize(b"/../.."), b"/");
    assert_eq!(normalize(b"a/../../b"), b"../b");
    assert_eq!(join(b"/srv/web", b"../etc/./x"), b"/srv/etc/x");
    assert_eq!(join(b"/", b"x"), b"/x");
    assert_eq!(basename(b"/opt/crypto/monero-data/"), b"monero-data");
    assert_eq!(basename(b"/"), b"/");
    assert_eq!(basename(b"x"), b"x");
}

#[test]
fn avc_path_wins_and_takes_mode_from_inode() {
    let ev = EventPaths {
        items: &[item("/opt/crypto/monero.conf", 387, 0o100_644)],
        ..Default::default()
    };
    let r = resolve(Some(b"/opt/crypto/monero.conf"), None, Some(387), &ev);
    assert_eq!(s(&r.path), Some("/opt/crypto/monero.conf"));
    assert_eq!(r.source, PathSource::Avc);
    assert_eq!(r.mode, Some(0o100_644));
}

#[test]
fn inode_match_prefers_over_basename_and_trailing_slash_goes() {
    let ev = EventPaths {
        items: &[
            item("/opt/crypto/monero-data/", 378, 0o40_750),
            item("/opt/crypto/monero-data/bitmonero.log", 379, 0o100_640),
        ],
        cwd: Some(b"/"),
        ..Default::default()
    };
    let r = resolve(None, Some(b"monero-data"), Some(378), &ev);
    assert_eq!(
        (s(&r.path), r.source, r.mode),
        (Some("/opt/crypto/monero-data"), PathSource::PathRecord, Some(0o40_750))
    );
    let r = resolve(None, Some(b"bitmonero.log"), Some(379), &ev);
    assert_eq!(s(&r.path), Some("/opt/crypto/monero-data/bitmonero.log"));
    // Same basename but another inode: not that file; falls to the component rule.
    let r = resolve(None, Some(b"crypto"), Some(376), &ev);
    assert_eq!(
        (s(&r.path), r.source, r.mode),
        (Some("/opt/crypto"), PathSource::PathComponent, None)
    );
}

#[test]
fn relative_names_join_cwd() {
    let ev = EventPaths {
        items: &[item("../conf/./app.conf", 9, 0o100_600)],
        cwd: Some(b"/srv/web/bin"),
        ..Default::default()
    };
    let r = resolve(None, Some(b"app.conf"), Some(9), &ev);
    assert_eq!((s(&r.path), r.source), (Some("/srv/web/conf/app.conf"), PathSource::Cwd));
    // The CWD's own components count for the component rule.
    let r = resolve(None, Some(b"web"), Some(1), &ev);
    assert_eq!((s(&r.path), r.source), (Some("/srv/web"), PathSource::PathComponent));
}

#[test]
fn proctitle_then_exe_then_unresolved() {
    let argv = vec![
        ByteStr::from("/opt/crypto/monero/monerod"),
        ByteStr::from("--config-file"),
        ByteStr::from("/opt/crypto/monero.conf"),
        ByteStr::from("--log=/var/log/../log/m.log"),
    ];
    let ev = EventPaths {
        argv: Some(&argv),
        exe: Some(b"/opt/crypto/monero-x86_64-linux-gnu-v0.17.1.9/monerod"),
        ..Default::default()
    };
    let r = resolve(None, Some(b"monero.conf"), Some(383), &ev);
    assert_eq!((s(&r.path), r.source), (Some("/opt/crypto/monero.conf"), PathSource::Proctitle));
    let r = resolve(None, Some(b"m.log"), None, &ev);
    assert_eq!((s(&r.path), r.source), (Some("/var/log/m.log"), PathSource::Proctitle));
    // argv[0] ends in "monerod" too and comes first.
    let r = resolve(None, Some(b"monerod"), None, &ev);
    assert_eq!((s(&r.path), r.source), (Some("/opt/crypto/monero/monerod"), PathSource::Proctitle));
    let ev = EventPaths { exe: ev.exe, ..Default::default() };
    let r = resolve(None, Some(b"monerod"), None, &ev);
    assert_eq!(r.source, PathSource::Exe);
    let r = resolve(None, Some(b"monero-data"), Some(378), &ev);
    assert_eq!((r.path, r.source), (None, PathSource::Unresolved));
    // A non-absolute AVC path is not a path.
    let r = resolve(Some(b"pipe:[15130]"), None, Some(15130), &ev);
    assert_eq!((r.path, r.source), (None, PathSource::Unresolved));
}
