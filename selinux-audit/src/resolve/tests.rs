//! Tests of cross-log resolution and user hints.

use super::*;
use crate::parse::parse_log;

const LOG: &[u8] = b"type=AVC msg=audit(1.0:1): avc:  denied  { getattr } for  pid=3 comm=\"d\" path=\"/srv/data\" dev=\"vda\" ino=378 scontext=a:b:c:s0 tcontext=a:b:d:s0 tclass=dir permissive=0
type=AVC msg=audit(1.0:2): avc:  denied  { write } for  pid=4 comm=\"d\" name=\"data\" dev=\"vda\" ino=378 scontext=a:b:c:s0 tcontext=a:b:d:s0 tclass=dir permissive=0
type=AVC msg=audit(1.0:3): avc:  denied  { write } for  pid=4 comm=\"d\" name=\"data\" dev=\"vdb\" ino=378 scontext=a:b:c:s0 tcontext=a:b:d:s0 tclass=dir permissive=0
type=AVC msg=audit(1.0:4): avc:  denied  { read } for  pid=4 comm=\"d\" name=\"other\" dev=\"vdb\" ino=9 scontext=a:b:c:s0 tcontext=a:b:d:s0 tclass=file permissive=0
";

fn path(d: &Denial) -> Option<&str> {
    d.path.as_ref().and_then(|p| p.as_str())
}

#[test]
fn same_inode_needs_same_device() {
    let log = parse_log(LOG, "t");
    let d = &log.denials;
    assert_eq!((path(&d[0]), d[0].path_source), (Some("/srv/data"), PathSource::Avc));
    assert_eq!((path(&d[1]), d[1].path_source), (Some("/srv/data"), PathSource::SameInode));
    assert_eq!((path(&d[2]), d[2].path_source), (None, PathSource::Unresolved));
}

#[test]
fn hints_upgrade_only_weak_sources() {
    let mut denials = parse_log(LOG, "t").denials;
    denials[3].path = Some("/guess/other".into());
    denials[3].path_source = PathSource::Proctitle;
    let hints = [
        PathHint { dev: None, ino: 378, path: "/mnt/data".into() },
        PathHint { dev: Some("vdb".into()), ino: 9, path: "/mnt/other".into() },
    ];
    apply_hints(&mut denials, &hints);
    assert_eq!((path(&denials[0]), denials[0].path_source), (Some("/srv/data"), PathSource::Avc));
    assert_eq!(denials[1].path_source, PathSource::SameInode);
    assert_eq!((path(&denials[2]), denials[2].path_source), (Some("/mnt/data"), PathSource::Hint));
    assert_eq!((path(&denials[3]), denials[3].path_source), (Some("/mnt/other"), PathSource::Hint));
    // A device-bound hint does not match another device.
    let mut again = parse_log(LOG, "t").denials;
    apply_hints(&mut again, &[PathHint { dev: Some("vda".into()), ino: 9, path: "/x".into() }]);
    assert_eq!(again[3].path_source, PathSource::Unresolved);
}
