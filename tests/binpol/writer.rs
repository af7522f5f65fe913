//! A test-only encoder for [`PolicyDb`]: the inverse of the reader, written from the same
//! layout notes. Re-encoding a parsed policy must give back the original bytes, which shows
//! that the reader consumed every field at the right place and kept it. It also builds
//! policies no compiler here can write (conditional xperm rules in version 34).

use selinux_audit::policy::binary::PolicyDb;
use selinux_audit::policy::binary::avtab::{AVTAB_ENABLED, AvDatum, AvtabItem};
use selinux_audit::policy::binary::cond::CondTerm;
use selinux_audit::policy::binary::constraint::{Constraint, ConstraintTerm};
use selinux_audit::policy::binary::ebitmap::Ebitmap;
use selinux_audit::policy::binary::mls::{Context, MlsLevel, MlsRange};
use selinux_audit::policy::binary::policydb::HandleUnknown;
use selinux_audit::policy::binary::rules::FilenameTrans;

#[derive(Default)]
struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend(v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend(v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap());
    }
    fn bool(&mut self, b: bool) {
        self.u32(u32::from(b));
    }
    fn bytes(&mut self, b: &[u8]) {
        self.0.extend(b);
    }
    fn ebitmap(&mut self, map: &Ebitmap) {
        let mut nodes: Vec<(u32, u64)> = Vec::new();
        for bit in map.iter() {
            let start = bit - bit % 64;
            match nodes.last_mut() {
                Some((s, m)) if *s == start => *m |= 1 << (bit % 64),
                _ => nodes.push((start, 1 << (bit % 64))),
            }
        }
        self.u32(64);
        self.u32(nodes.last().map_or(0, |n| n.0 + 64));
        self.len(nodes.len());
        for (start, m) in nodes {
            self.u32(start);
            self.bytes(&m.to_le_bytes());
        }
    }
    fn level(&mut self, l: &MlsLevel) {
        self.u32(l.sens);
        self.ebitmap(&l.cats);
    }
    fn range(&mut self, r: &MlsRange) {
        let same = r.low == r.high;
        self.u32(if same { 1 } else { 2 });
        self.u32(r.low.sens);
        if !same {
            self.u32(r.high.sens);
        }
        self.ebitmap(&r.low.cats);
        if !same {
            self.ebitmap(&r.high.cats);
        }
    }
    fn context(&mut self, c: &Context) {
        self.u32(c.user);
        self.u32(c.role);
        self.u32(c.type_value);
        self.range(&c.range);
    }
    fn constraints(&mut self, list: &[Constraint], version: u32) {
        for c in list {
            self.u32(c.perms);
            self.len(c.expr.len());
            for term in &c.expr {
                let (kind, attr, op) = match term {
                    ConstraintTerm::Not => (1, 0, 0),
                    ConstraintTerm::And => (2, 0, 0),
                    ConstraintTerm::Or => (3, 0, 0),
                    ConstraintTerm::Attr { attr, op } => (4, *attr, *op),
                    ConstraintTerm::Names { attr, op, .. } => (5, *attr, *op),
                    other => panic!("unknown term {other:?}"),
                };
                self.u32(kind);
                self.u32(attr);
                self.u32(op);
                if let ConstraintTerm::Names { names, type_set, .. } = term {
                    self.ebitmap(names);
                    if version >= 29 {
                        let ts = type_set.as_ref().unwrap();
                        self.ebitmap(&ts.types);
                        self.ebitmap(&ts.negset);
                        self.u32(ts.flags);
                    }
                }
            }
        }
    }
    fn items(&mut self, items: &[AvtabItem]) {
        self.len(items.len());
        for i in items {
            self.u16(i.key.source);
            self.u16(i.key.target);
            self.u16(i.key.class);
            self.u16(i.key.specified | if i.enabled { AVTAB_ENABLED } else { 0 });
            match &i.datum {
                AvDatum::Data(d) => self.u32(*d),
                AvDatum::Xperms(x) => {
                    self.u8(x.kind);
                    self.u8(x.driver);
                    x.perms.iter().for_each(|w| self.u32(*w));
                }
                other => panic!("unknown datum {other:?}"),
            }
        }
    }
}

/// Encodes a whole policy.
pub fn write(db: &PolicyDb) -> Vec<u8> {
    let v = db.version;
    let mut o = Out::default();
    o.u32(0xf97c_ff8c);
    o.u32(8);
    o.bytes(b"SE Linux");
    o.u32(v);
    let unknown = match db.handle_unknown {
        HandleUnknown::Deny => 0,
        HandleUnknown::Reject => 2,
        HandleUnknown::Allow => 4,
        other => panic!("{other:?}"),
    };
    o.u32(u32::from(db.mls) | unknown);
    o.u32(8);
    o.u32(if v >= 31 { 9 } else { 7 });
    o.ebitmap(&db.polcaps);
    o.ebitmap(&db.permissive);
    if v >= 35 {
        o.ebitmap(&db.neveraudit);
    }
    let s = &db.symbols;
    o.u32(s.commons.nprim);
    o.len(s.commons.entries.len());
    for k in &s.commons.entries {
        o.len(k.name.len());
        o.u32(k.value);
        o.u32(k.nprim);
        o.len(k.perms.len());
        o.bytes(k.name.as_bytes());
        for p in &k.perms {
            o.len(p.name.len());
            o.u32(p.value);
            o.bytes(p.name.as_bytes());
        }
    }
    o.u32(s.classes.nprim);
    o.len(s.classes.entries.len());
    for k in &s.classes.entries {
        let common = k.common.as_deref().unwrap_or("");
        o.len(k.name.len());
        o.len(common.len());
        o.u32(k.value);
        o.u32(k.nprim);
        o.len(k.perms.len());
        o.len(k.constraints.len());
        o.bytes(k.name.as_bytes());
        o.bytes(common.as_bytes());
        for p in &k.perms {
            o.len(p.name.len());
            o.u32(p.value);
            o.bytes(p.name.as_bytes());
        }
        o.constraints(&k.constraints, v);
        o.len(k.validatetrans.len());
        o.constraints(&k.validatetrans, v);
        if v >= 27 {
            o.u32(k.defaults.user);
            o.u32(k.defaults.role);
            o.u32(k.defaults.range);
        }
        if v >= 28 {
            o.u32(k.defaults.type_default);
        }
    }
    o.u32(s.roles.nprim);
    o.len(s.roles.entries.len());
    for r in &s.roles.entries {
        o.len(r.name.len());
        o.u32(r.value);
        o.u32(r.bounds);
        o.bytes(r.name.as_bytes());
        o.ebitmap(&r.dominates);
        o.ebitmap(&r.types);
    }
    o.u32(s.types.nprim);
    o.len(s.types.entries.len());
    for t in &s.types.entries {
        o.len(t.name.len());
        o.u32(t.value);
        o.u32(u32::from(t.primary) | u32::from(t.attribute) << 1);
        o.u32(t.bounds);
        o.bytes(t.name.as_bytes());
    }
    o.u32(s.users.nprim);
    o.len(s.users.entries.len());
    for u in &s.users.entries {
        o.len(u.name.len());
        o.u32(u.value);
        o.u32(u.bounds);
        o.bytes(u.name.as_bytes());
        o.ebitmap(&u.roles);
        o.range(&u.range);
        o.level(&u.default_level);
    }
    o.u32(s.bools.nprim);
    o.len(s.bools.entries.len());
    for b in &s.bools.entries {
        o.u32(b.value);
        o.bool(b.state);
        o.len(b.name.len());
        o.bytes(b.name.as_bytes());
    }
    o.u32(s.sens.nprim);
    o.len(s.sens.entries.len());
    for x in &s.sens.entries {
        o.len(x.name.len());
        o.bool(x.alias);
        o.bytes(x.name.as_bytes());
        o.level(&x.level);
    }
    o.u32(s.cats.nprim);
    o.len(s.cats.entries.len());
    for x in &s.cats.entries {
        o.len(x.name.len());
        o.u32(x.value);
        o.bool(x.alias);
        o.bytes(x.name.as_bytes());
    }
    o.items(&db.avtab);
    o.len(db.cond_list.len());
    for node in &db.cond_list {
        o.bool(node.stored_state);
        o.len(node.expr.len());
        for term in &node.expr {
            let (kind, b) = match *term {
                CondTerm::Bool(b) => (1, b),
                CondTerm::Not => (2, 0),
                CondTerm::Or => (3, 0),
                CondTerm::And => (4, 0),
                CondTerm::Xor => (5, 0),
                CondTerm::Eq => (6, 0),
                CondTerm::Neq => (7, 0),
                other => panic!("{other:?}"),
            };
            o.u32(kind);
            o.u32(b);
        }
        o.items(&node.true_list);
        o.items(&node.false_list);
    }
    write_rules(&mut o, db);
    o.0
}

fn write_rules(o: &mut Out, db: &PolicyDb) {
    let v = db.version;
    o.len(db.role_trans.len());
    for r in &db.role_trans {
        o.u32(r.role);
        o.u32(r.type_value);
        o.u32(r.new_role);
        if v >= 26 {
            o.u32(r.class);
        }
    }
    o.len(db.role_allow.len());
    for r in &db.role_allow {
        o.u32(r.role);
        o.u32(r.new_role);
    }
    if v >= 33 {
        // Consecutive rules with the same (name, target, class) form one group.
        let mut groups: Vec<Vec<&FilenameTrans>> = Vec::new();
        for f in &db.filename_trans {
            match groups.last_mut() {
                Some(g)
                    if (&g[0].name, g[0].target, g[0].class) == (&f.name, f.target, f.class) =>
                {
                    g.push(f)
                }
                _ => groups.push(vec![f]),
            }
        }
        o.len(groups.len());
        for g in groups {
            o.len(g[0].name.len());
            o.bytes(g[0].name.as_bytes());
            o.u32(g[0].target);
            o.u32(g[0].class);
            o.len(g.len());
            for f in g {
                o.ebitmap(&f.sources);
                o.u32(f.new_type);
            }
        }
    } else if v >= 25 {
        o.len(db.filename_trans.len());
        for f in &db.filename_trans {
            o.len(f.name.len());
            o.bytes(f.name.as_bytes());
            o.u32(f.sources.iter().next().unwrap() + 1);
            o.u32(f.target);
            o.u32(f.class);
            o.u32(f.new_type);
        }
    }
    let c = &db.ocontexts;
    o.len(c.initial_sids.len());
    c.initial_sids.iter().for_each(|s| {
        o.u32(s.sid);
        o.context(&s.context);
    });
    o.len(c.fs.len());
    for f in &c.fs {
        o.len(f.name.len());
        o.bytes(f.name.as_bytes());
        o.context(&f.first);
        o.context(&f.second);
    }
    o.len(c.ports.len());
    for p in &c.ports {
        o.u32(p.protocol);
        o.u32(p.low);
        o.u32(p.high);
        o.context(&p.context);
    }
    o.len(c.netifs.len());
    for f in &c.netifs {
        o.len(f.name.len());
        o.bytes(f.name.as_bytes());
        o.context(&f.first);
        o.context(&f.second);
    }
    o.len(c.nodes.len());
    for n in &c.nodes {
        o.bytes(&n.addr);
        o.bytes(&n.mask);
        o.context(&n.context);
    }
    o.len(c.fs_use.len());
    for f in &c.fs_use {
        o.u32(f.behavior);
        o.len(f.fstype.len());
        o.bytes(f.fstype.as_bytes());
        o.context(&f.context);
    }
    o.len(c.nodes6.len());
    for n in &c.nodes6 {
        o.bytes(&n.addr);
        o.bytes(&n.mask);
        o.context(&n.context);
    }
    if v >= 31 {
        o.len(c.ib_pkeys.len());
        for k in &c.ib_pkeys {
            o.bytes(&k.subnet_prefix);
            o.u32(k.low);
            o.u32(k.high);
            o.context(&k.context);
        }
        o.len(c.ib_endports.len());
        for e in &c.ib_endports {
            o.len(e.device.len());
            o.u32(e.port);
            o.bytes(e.device.as_bytes());
            o.context(&e.context);
        }
    }
    o.len(db.genfs.len());
    for g in &db.genfs {
        o.len(g.fstype.len());
        o.bytes(g.fstype.as_bytes());
        o.len(g.entries.len());
        for e in &g.entries {
            o.len(e.path.len());
            o.bytes(e.path.as_bytes());
            o.u32(e.class);
            o.context(&e.context);
        }
    }
    o.len(db.range_trans.len());
    for r in &db.range_trans {
        o.u32(r.source);
        o.u32(r.target);
        o.u32(r.class);
        o.range(&r.range);
    }
    db.type_attr_map.iter().for_each(|m| o.ebitmap(m));
}
