#!/usr/bin/env python3
"""Writes a large, deterministic audit.log for benchmarks (our own synthetic records).

Usage: gen-log.py N OUT  — N AVC events, each an AVC + SYSCALL + PROCTITLE record, cycling
through a few denial shapes (file read with a name only, path= open, dir write, name_bind,
USER_AVC service start) with distinct serials and a few distinct MCS levels.
"""
import sys

def main() -> None:
    n, out = int(sys.argv[1]), sys.argv[2]
    shapes = [
        'avc:  denied  {{ read }} for  pid={pid} comm="demod" name="demo.conf" dev="vda" ino={ino} '
        'scontext=system_u:system_r:demod_t:s0 tcontext=unconfined_u:object_r:usr_t:s0 tclass=file permissive=0',
        'avc:  denied  {{ open }} for  pid={pid} comm="demod" path="/opt/demo/demo.conf" dev="vda" ino={ino} '
        'scontext=system_u:system_r:demod_t:s0 tcontext=unconfined_u:object_r:usr_t:s0 tclass=file permissive=0',
        'avc:  denied  {{ write add_name }} for  pid={pid} comm="demod" name="data" dev="vda" ino={ino} '
        'scontext=system_u:system_r:demod_t:s0 tcontext=unconfined_u:object_r:usr_t:s0:c{cat} tclass=dir permissive=0',
        'avc:  denied  {{ name_bind }} for  pid={pid} comm="demod" src={port} '
        'scontext=system_u:system_r:demod_t:s0 tcontext=system_u:object_r:unreserved_port_t:s0 tclass=tcp_socket permissive=0',
    ]
    proctitle = b"/opt/demo/bin/demod\x00--config-file\x00/opt/demo/demo.conf".hex().upper()
    with open(out, "w") as f:
        for i in range(n):
            serial = 1000 + i
            ts = f"{1796316000 + i // 100}.{i % 1000:03d}"
            pid = 500 + i % 300
            body = shapes[i % len(shapes)].format(pid=pid, ino=100 + i % 50, cat=i % 7, port=18000 + i % 20)
            if i % 10 == 9:
                f.write(f"type=USER_AVC msg=audit({ts}:{serial}): pid=1 uid=0 auid=4294967295 ses=4294967295 "
                        f"subj=system_u:system_r:init_t:s0 msg='avc:  denied  {{ start }} for auid=n/a uid=0 gid=0 "
                        f"path=\"/etc/systemd/system/demo{i % 5}.service\" cmdline=\"\" function=\"bus_unit_method_start_generic\" "
                        f"scontext=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 "
                        f"tcontext=unconfined_u:object_r:user_home_t:s0 tclass=service permissive=0  "
                        f"exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?'\n")
                continue
            f.write(f"type=AVC msg=audit({ts}:{serial}): {body}\n")
            f.write(f"type=SYSCALL msg=audit({ts}:{serial}): arch=c000003e syscall=257 success=no exit=-13 "
                    f"a0=ffffff9c a1=7ffe031eded1 a2=0 a3=0 items=0 ppid=1 pid={pid} auid=4294967295 uid=997 "
                    f"gid=997 euid=997 suid=997 fsuid=997 egid=997 sgid=997 fsgid=997 tty=(none) "
                    f"ses=4294967295 comm=\"demod\" exe=\"/opt/demo/bin/demod\" "
                    f"subj=system_u:system_r:demod_t:s0 key=(null)\n")
            f.write(f"type=PROCTITLE msg=audit({ts}:{serial}): proctitle={proctitle}\n")

if __name__ == "__main__":
    main()
