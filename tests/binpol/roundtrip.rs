//! Re-encoding what was read must reproduce the file byte for byte; and policies that only a
//! newer libsepol could write (conditional xperm rules, version 34) are built from a parsed
//! one and read back.

use selinux_audit::PolicyError;
use selinux_audit::policy::binary::BinaryPolicy;
use selinux_audit::policy::binary::avtab::AVTAB_XPERMS_ALLOWED;

use super::mini::{as_v34, as_v35, compile, v33_bytes};
use super::writer::write;
use super::{DEBIAN_POLICY, VM_POLICY, debian, debian_bytes, run_tool, scratch_dir};

fn assert_roundtrip(bytes: &[u8], what: &str) {
    let p = BinaryPolicy::parse(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    let again = write(p.db());
    assert_eq!(again.len(), bytes.len(), "{what}: length");
    if let Some(at) = again.iter().zip(bytes).position(|(a, b)| a != b) {
        panic!("{what}: first difference at byte {at}");
    }
}

#[test]
fn debian_and_vm_policies_roundtrip() {
    assert_roundtrip(debian_bytes(), DEBIAN_POLICY);
    assert_roundtrip(&std::fs::read(VM_POLICY).unwrap(), VM_POLICY);
    let dir = scratch_dir("roundtrip");
    for version in [24u32, 25, 26, 28, 29, 30, 31, 32] {
        let out = dir.join(format!("debian.{version}"));
        let v = version.to_string();
        run_tool(
            "checkpolicy",
            "checkpolicy",
            &["-b", "-M", "-c", &v, "-o", out.to_str().unwrap(), DEBIAN_POLICY],
        );
        assert_roundtrip(&std::fs::read(&out).unwrap(), &format!("debian converted to {version}"));
    }
}

#[test]
fn mini_policies_roundtrip() {
    for version in 24..=33 {
        for (mls, xperms) in [(true, false), (false, false), (true, true)] {
            if xperms && version < 30 {
                continue;
            }
            let path = compile(version, mls, xperms);
            assert_roundtrip(&std::fs::read(&path).unwrap(), &path.display().to_string());
        }
    }
    let v33 = v33_bytes();
    assert_roundtrip(&as_v34(&v33), "mini 34");
    assert_roundtrip(&as_v35(&v33, &[5, 64, 65]), "mini 35");
}

/// Moves the `allowxperm` rule into a conditional: version 34 may hold it, 33 may not.
#[test]
fn conditional_xperms_need_version_34() {
    let base = BinaryPolicy::parse(&v33_bytes()).unwrap();
    let mut db = base.db().clone();
    let at = db.avtab.iter().position(|i| i.key.specified == AVTAB_XPERMS_ALLOWED).unwrap();
    let item = db.avtab.remove(at);
    db.cond_list[0].true_list.push(item.clone());
    let v33 = write(&db);
    match BinaryPolicy::parse(&v33) {
        Err(PolicyError::Binary { section, message, .. }) => {
            assert_eq!(section, "conditionals");
            assert!(message.contains("cannot hold this xperm rule"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    db.version = 34;
    let v34 = write(&db);
    let p = BinaryPolicy::parse(&v34).unwrap();
    assert!(p.db().cond_list[0].true_list.contains(&item));
    assert_eq!(p.stats().allowxperm, 1);
    assert_eq!(write(p.db()), v34);
    // Access answers do not depend on where the xperm rule lives.
    assert!(p.allows("webd_t", "webd_conf_t", "file", &["ioctl", "open"]).unwrap());
}

/// Debian's policy rewritten at 35 with neveraudit domains.
#[test]
fn debian_as_version_35() {
    let mut db = debian().db().clone();
    db.version = 35;
    let httpd = db.symbols.types.entries.iter().find(|t| t.name == "httpd_t").unwrap().value;
    db.neveraudit = selinux_audit::policy::binary::ebitmap::Ebitmap::from_bits([httpd]);
    let p = BinaryPolicy::parse(&write(&db)).unwrap();
    assert_eq!(p.version(), 35);
    assert!(p.is_neveraudit("httpd_t") && !p.is_neveraudit("init_t"));
    assert_eq!(p.stats(), debian().stats());
    assert_eq!(p.port_type(6, 8080), Some("http_cache_port_t"));
}
