//! Object contexts (initial SIDs, fs, ports, network interfaces, nodes, fs_use, IPv6 nodes,
//! InfiniBand keys and end ports) and genfs contexts.
//!
//! Lists are kept in file order, which matters: the kernel labels a port with the first
//! `portcon` entry (in this order) whose protocol matches and whose range contains it.
//! Addresses are kept as raw network-order bytes.

use super::cursor::{Cursor, ReadResult};
use super::mls::{Context, ContextLimits, MIN_CONTEXT_BYTES};

/// Number of object-context lists before version 31 (no InfiniBand).
const OCON_COUNT_OLD: u32 = 7;
/// Number of object-context lists from version 31.
const OCON_COUNT_IB: u32 = 9;
/// First version with InfiniBand lists.
const VERSION_INFINIBAND: u32 = 31;

/// Number of object-context lists a version has.
pub(crate) fn ocon_count(version: u32) -> u32 {
    if version >= VERSION_INFINIBAND { OCON_COUNT_IB } else { OCON_COUNT_OLD }
}

/// `sid NAME context` (the name is not stored; `sid` is its number).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InitialSid {
    /// SID number (1-based, kernel order).
    pub sid: u32,
    /// Context.
    pub context: Context,
}

/// A name with two contexts (`fscon`, `netifcon`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NamedPair {
    /// File-system or interface name.
    pub name: String,
    /// First context (filesystem / interface).
    pub first: Context,
    /// Second context (files / packets).
    pub second: Context,
}

/// `portcon protocol low-high context`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PortCon {
    /// IP protocol number: 6 tcp, 17 udp, 33 dccp, 132 sctp.
    pub protocol: u32,
    /// First port.
    pub low: u32,
    /// Last port.
    pub high: u32,
    /// Context.
    pub context: Context,
}

/// `nodecon addr mask context` (IPv4, network byte order).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeCon {
    /// Address.
    pub addr: [u8; 4],
    /// Mask.
    pub mask: [u8; 4],
    /// Context.
    pub context: Context,
}

/// `nodecon addr mask context` (IPv6, network byte order).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Node6Con {
    /// Address.
    pub addr: [u8; 16],
    /// Mask.
    pub mask: [u8; 16],
    /// Context.
    pub context: Context,
}

/// `fs_use_{xattr,trans,task} fstype context`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FsUse {
    /// 1 xattr, 2 trans, 3 task (and older kinds).
    pub behavior: u32,
    /// File-system type.
    pub fstype: String,
    /// Context.
    pub context: Context,
}

/// `ibpkeycon subnet low-high context`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IbPkeyCon {
    /// Subnet prefix (network order).
    pub subnet_prefix: [u8; 8],
    /// First partition key.
    pub low: u32,
    /// Last partition key.
    pub high: u32,
    /// Context.
    pub context: Context,
}

/// `ibendportcon device port context`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IbEndportCon {
    /// Device name.
    pub device: String,
    /// Port number (1–255).
    pub port: u32,
    /// Context.
    pub context: Context,
}

/// All object-context lists, each in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OContexts {
    /// Initial SIDs.
    pub initial_sids: Vec<InitialSid>,
    /// `fscon` entries.
    pub fs: Vec<NamedPair>,
    /// `portcon` entries (first match wins).
    pub ports: Vec<PortCon>,
    /// `netifcon` entries.
    pub netifs: Vec<NamedPair>,
    /// IPv4 `nodecon` entries.
    pub nodes: Vec<NodeCon>,
    /// `fs_use_*` entries.
    pub fs_use: Vec<FsUse>,
    /// IPv6 `nodecon` entries.
    pub nodes6: Vec<Node6Con>,
    /// `ibpkeycon` entries.
    pub ib_pkeys: Vec<IbPkeyCon>,
    /// `ibendportcon` entries.
    pub ib_endports: Vec<IbEndportCon>,
}

/// One `genfscon` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GenfsEntry {
    /// Path prefix inside the file system.
    pub path: String,
    /// Class value the entry is limited to (0 = all).
    pub class: u32,
    /// Context.
    pub context: Context,
}

/// The `genfscon` entries of one file-system type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Genfs {
    /// File-system type.
    pub fstype: String,
    /// Entries in file order (the kernel matches the longest path prefix first).
    pub entries: Vec<GenfsEntry>,
}

const SECTIONS: [&str; 9] = [
    "initial SIDs",
    "fscon",
    "portcon",
    "netifcon",
    "nodecon",
    "fs_use",
    "nodecon6",
    "ibpkeycon",
    "ibendportcon",
];

/// Minimum bytes of one entry of each list (without its context).
const MIN_BYTES: [usize; 9] = [4, 10, 12, 10, 8, 9, 32, 16, 9];

/// Reads all object-context lists of a version.
pub(crate) fn read_ocontexts(
    c: &mut Cursor<'_>,
    version: u32,
    l: ContextLimits,
) -> ReadResult<OContexts> {
    let mut o = OContexts::default();
    for (kind, (section, min)) in SECTIONS.into_iter().zip(MIN_BYTES).enumerate() {
        if u32::try_from(kind).is_ok_and(|k| k >= ocon_count(version)) {
            break;
        }
        c.set_section(section);
        let n = c.count("object contexts", min + MIN_CONTEXT_BYTES)?;
        for _ in 0..n {
            let at = c.offset();
            match kind {
                0 => {
                    let sid = c.u32()?;
                    if sid == 0 || sid == u32::MAX {
                        return Err(c.err_at(at, format!("bad initial SID {sid}")));
                    }
                    o.initial_sids.push(InitialSid { sid, context: Context::read(c, l)? });
                }
                1 | 3 => {
                    let len = c.u32()?;
                    if len > 63 {
                        return Err(c.err_at(at, format!("name of {len} bytes")));
                    }
                    let name = c.name(len)?;
                    let first = Context::read(c, l)?;
                    let second = Context::read(c, l)?;
                    let list = if kind == 1 { &mut o.fs } else { &mut o.netifs };
                    list.push(NamedPair { name, first, second });
                }
                2 => {
                    let protocol = c.u32()?;
                    let low = c.u32()?;
                    let high = c.u32()?;
                    if low > high || high > u32::from(u16::MAX) {
                        return Err(c.err_at(at, format!("bad port range {low}-{high}")));
                    }
                    o.ports.push(PortCon { protocol, low, high, context: Context::read(c, l)? });
                }
                4 => {
                    let addr = c.raw4()?;
                    let mask = c.raw4()?;
                    o.nodes.push(NodeCon { addr, mask, context: Context::read(c, l)? });
                }
                5 => {
                    let behavior = c.u32()?;
                    let len = c.u32()?;
                    let fstype = c.name(len)?;
                    o.fs_use.push(FsUse { behavior, fstype, context: Context::read(c, l)? });
                }
                6 => {
                    let mut addr = [0u8; 16];
                    let mut mask = [0u8; 16];
                    addr.copy_from_slice(c.bytes(16)?);
                    mask.copy_from_slice(c.bytes(16)?);
                    o.nodes6.push(Node6Con { addr, mask, context: Context::read(c, l)? });
                }
                7 => {
                    let mut subnet_prefix = [0u8; 8];
                    subnet_prefix.copy_from_slice(c.bytes(8)?);
                    let low = c.u32()?;
                    let high = c.u32()?;
                    if low > high || high > u32::from(u16::MAX) {
                        return Err(c.err_at(at, format!("bad partition key range {low}-{high}")));
                    }
                    let context = Context::read(c, l)?;
                    o.ib_pkeys.push(IbPkeyCon { subnet_prefix, low, high, context });
                }
                _ => {
                    let len = c.u32()?;
                    let port = c.u32()?;
                    if len > 63 || !(1..=255).contains(&port) {
                        return Err(c.err_at(at, format!("bad end port {port} (name {len} bytes)")));
                    }
                    let device = c.name(len)?;
                    o.ib_endports.push(IbEndportCon {
                        device,
                        port,
                        context: Context::read(c, l)?,
                    });
                }
            }
        }
    }
    Ok(o)
}

/// Reads the genfs list; `classes` bounds the class of each entry.
pub(crate) fn read_genfs(
    c: &mut Cursor<'_>,
    l: ContextLimits,
    classes: u32,
) -> ReadResult<Vec<Genfs>> {
    c.set_section("genfs");
    let n = c.count("genfs file systems", 9)?;
    let mut out: Vec<Genfs> = Vec::with_capacity(n);
    for _ in 0..n {
        let at = c.offset();
        let len = c.u32()?;
        let fstype = c.name(len)?;
        if out.iter().any(|g| g.fstype == fstype) {
            return Err(c.err_at(at, format!("file system {fstype} listed twice")));
        }
        let m = c.count("genfs entries", 9 + MIN_CONTEXT_BYTES)?;
        let mut entries = Vec::with_capacity(m);
        for _ in 0..m {
            let entry_at = c.offset();
            let len = c.u32()?;
            let path = c.name(len)?;
            let class = c.u32()?;
            if class > classes {
                return Err(c.err_at(entry_at, format!("genfs class {class} out of range")));
            }
            entries.push(GenfsEntry { path, class, context: Context::read(c, l)? });
        }
        out.push(Genfs { fstype, entries });
    }
    Ok(out)
}
