//! Port labels: for every portcon boundary ± 1 of every protocol, our answer is the kernel's
//! first match over the portcons in the order setools iterates them (the policy's order),
//! and that order is ours.

use std::path::Path;

use selinux_audit::policy::binary::protocol_name;

use super::{DEBIAN_POLICY, debian, setools_portcons};

#[test]
fn every_boundary_gets_the_first_match_in_setools_order() {
    let p = debian();
    let theirs = setools_portcons(Path::new(DEBIAN_POLICY));
    let ours: Vec<String> = p
        .portcons()
        .iter()
        .map(|c| {
            format!("{} {} {} {}", protocol_name(c.protocol).unwrap(), c.low, c.high, c.type_name)
        })
        .collect();
    assert_eq!(ours.len(), 479);
    assert_eq!(ours, theirs, "portcon order differs from setools'");

    let table: Vec<(&str, u32, u32, &str)> = theirs
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f[0], f[1].parse().unwrap(), f[2].parse().unwrap(), f[3])
        })
        .collect();
    let mut checked = 0;
    for &(_, low, high, _) in &table {
        for port in [low.saturating_sub(1), low, low + 1, high.saturating_sub(1), high, high + 1] {
            let Ok(port16) = u16::try_from(port) else { continue };
            for (number, name) in [(6u8, "tcp"), (17, "udp"), (33, "dccp"), (132, "sctp")] {
                let first = table
                    .iter()
                    .find(|&&(proto, lo, hi, _)| proto == name && lo <= port && port <= hi)
                    .map(|&(_, _, _, ty)| ty);
                assert_eq!(p.port_type(number, port16), first, "{name}/{port}");
                checked += 1;
            }
        }
    }
    eprintln!("{checked} port lookups equal the first match in setools' order");
    assert!(checked > 10_000, "{checked}");
    // policy.md §1.5 / q08–q10.
    assert_eq!(p.port_type(6, 8080), Some("http_cache_port_t"));
    assert_eq!(p.port_type(6, 80), Some("http_port_t"));
    assert_eq!(p.port_type(6, 18081), Some("unreserved_port_t"));
}
