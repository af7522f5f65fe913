#!/usr/bin/python3
"""avc-fix policy vs setools / libselinux on the same queries, in one run (see bench-policy).

Usage: bench-policy.py AVC_FIX POLICY_ROOT [QUERIES]

Generates QUERIES (default 1000) queries, a third each of
  allow -s DOMAIN -c CLASS -p PERM     (sesearch -A)
  port PROTO PORT                      (seinfo --portcon, first match in policy order)
  lookup -m MODE PATH                  (matchpathcon -m)
and answers them
  * with avc-fix: one `avc-fix policy batch` process (policy loaded once);
  * with setools' Python API (TERuleQuery, PortconQuery) and libselinux's (selabel_lookup_raw,
    what the matchpathcon command calls; the matchpathcon() function would first resolve
    symbolic links) in this one Python process, loading the policy once;
and checks both give the same text. Also times one command of each kind as a user runs it
(sesearch / seinfo / matchpathcon vs avc-fix), which includes starting up and loading.
"""
import os
import stat
import statistics
import subprocess
import sys
import tempfile
import time

import selinux
import setools

DOMAINS = ["httpd_t", "sshd_t", "mysqld_t", "named_t", "crond_t", "syslogd_t", "init_t",
           "postfix_master_t", "dhcpc_t", "ntpd_t", "cupsd_t", "udev_t", "xdm_t", "dovecot_t",
           "squid_t", "smbd_t", "nfsd_t", "ftpd_t", "postgresql_t", "sendmail_t"]
CLASSES = ["file", "dir", "lnk_file", "sock_file", "tcp_socket", "udp_socket", "process",
           "capability", "unix_stream_socket", "chr_file"]
PROTOCOLS = {"tcp": setools.PortconProtocol.tcp, "udp": setools.PortconProtocol.udp,
             "sctp": setools.PortconProtocol.sctp}
MODES = {"f": stat.S_IFREG, "d": stat.S_IFDIR, "l": stat.S_IFLNK, "s": stat.S_IFSOCK}


def generate(policy, root, n):
    allow, ports, lookups = [], [], []
    perms = {c: class_perms(policy, c) for c in CLASSES}
    i = 0
    while len(allow) < n // 3 + n % 3:
        d, c = DOMAINS[i % len(DOMAINS)], CLASSES[(i // len(DOMAINS)) % len(CLASSES)]
        p = perms[c][(i * 7) % len(perms[c])]
        allow.append("allow -s {} -c {} -p {}".format(d, c, p))
        i += 1
    bounds = sorted({(str(pc.protocol.name).lower(), port)
                     for pc in policy.portcons()
                     for port in (pc.ports.low - 1, pc.ports.low, pc.ports.high + 1)
                     # PortconQuery takes ports=(0, 0) as no port criterion at all: skip 0.
                     if 1 <= port <= 65535 and str(pc.protocol.name).lower() in PROTOCOLS})
    step = max(1, len(bounds) // (n // 3))
    ports = ["port {} {}".format(proto, port) for proto, port in bounds[::step][:n // 3]]
    paths = []
    with open(os.path.join(root, "contexts/files/file_contexts")) as f:
        for line in f:
            field = line.split()[0] if line.split() else ""
            if field.startswith("/") and not any(ch in field for ch in ".^$?*+|[({\\"):
                paths.append(field)
    step = max(1, len(paths) // (n // 3))
    modes = list(MODES)
    lookups = ["lookup -m {} {}".format(modes[k % len(modes)], p)
               for k, p in enumerate(paths[::step][:n // 3])]
    return allow + ports + lookups


def class_perms(policy, name):
    """A class's permissions, its common's included, sorted."""
    cls = policy.lookup_class(name)
    perms = set(cls.perms)
    try:
        perms |= set(cls.common.perms)
    except setools.exception.NoCommon:
        pass
    return sorted(str(p) for p in perms)


def answer_with_setools(policy, queries):
    """The same text avc-fix prints, from setools and libselinux; time per kind."""
    out, spent = [], {"allow": 0.0, "port": 0.0, "lookup": 0.0}
    port_sid = next(s for s in policy.initialsids() if str(s) == "port")
    labels = selinux.selabel_open(selinux.SELABEL_CTX_FILE, None, 0)
    for q in queries:
        words = q.split()
        started = time.perf_counter()
        if words[0] == "allow":
            rules = setools.TERuleQuery(policy, ruletype=["allow"], source=words[2],
                                        tclass=[words[4]], perms={words[6]}).results()
            out.extend(str(r) for r in sorted(rules))
        elif words[0] == "port":
            port = int(words[2])
            found = setools.PortconQuery(policy, protocol=PROTOCOLS[words[1]],
                                         ports=(port, port), ports_subset=True).results()
            first = next(iter(found), None)
            out.append(str((first.context if first else port_sid.context).type_))
        else:
            try:
                context = selinux.selabel_lookup_raw(labels, words[3], MODES[words[2]])[1]
            except OSError:
                context = "<<none>>"
            out.append("{}\t{}".format(words[3], context))
        spent[words[0]] += time.perf_counter() - started
    return "\n".join(out) + "\n", spent


def wall(cmd, runs):
    """Median wall time of `runs` runs, and the last run's output."""
    times, out = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main():
    avc_fix, root = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    policy_file = os.path.join(root, "policy", max(os.listdir(os.path.join(root, "policy"))))
    started = time.perf_counter()
    policy = setools.SELinuxPolicy(policy_file)
    setools_load = time.perf_counter() - started
    queries = generate(policy, root, n)
    kinds = {k: sum(q.startswith(k) for q in queries) for k in ("allow", "port", "lookup")}

    with tempfile.TemporaryDirectory() as tmp:
        qfile, empty = os.path.join(tmp, "queries"), os.path.join(tmp, "empty")
        with open(qfile, "w") as f:
            f.write("\n".join(queries) + "\n")
        open(empty, "w").close()
        base = [avc_fix, "policy", "batch", "--policy-root", root]
        t_load, _ = wall(base + [empty], 7)
        t_batch, ours = wall(base + [qfile], 3)

    started = time.perf_counter()
    theirs, spent = answer_with_setools(policy, queries)
    t_setools = time.perf_counter() - started
    same = ours.decode() == theirs

    print("policy: {}; {} queries ({allow} allow, {port} port, {lookup} lookup)".format(
        policy_file, len(queries), **kinds))
    print("answers identical: {}".format("yes" if same else "NO"))
    per_query = (t_batch - t_load) / len(queries)
    print()
    print("| | avc-fix (one process) | setools + libselinux Python API (one process) |")
    print("|---|---|---|")
    print("| start + load policy | {:.1f} ms | {:.1f} ms (setools load) |".format(
        t_load * 1e3, setools_load * 1e3))
    print("| {} queries | {:.1f} ms | {:.1f} s |".format(len(queries), (t_batch - t_load) * 1e3,
                                                        t_setools))
    print("| mean per query | {:.1f} µs | {:.2f} ms |".format(per_query * 1e6,
                                                            t_setools / len(queries) * 1e3))
    for k in ("allow", "port", "lookup"):
        print("| setools/libselinux per {} query | | {:.3f} ms |".format(
            k, spent[k] / max(1, kinds[k]) * 1e3))
    total_ours, total_theirs = t_batch, setools_load + t_setools
    print("| total (load + queries) | {:.3f} s | {:.2f} s — avc-fix {:.0f}× faster |".format(
        total_ours, total_theirs, total_theirs / total_ours))
    print()
    print("One command as a user runs it (median of 5, includes start-up and policy load):")
    print()
    print("| question | classic tool | avc-fix |")
    print("|---|---|---|")
    for label, theirs_cmd, ours_cmd in [
        ("httpd_t file read rules", ["sesearch", "-A", "-s", "httpd_t", "-c", "file", "-p",
                                     "read", policy_file],
         ["policy", "allow", "-s", "httpd_t", "-c", "file", "-p", "read"]),
        ("port tcp/8080", ["seinfo", "--portcon=8080", policy_file],
         ["policy", "port", "tcp", "8080"]),
        ("/etc/passwd file context", ["matchpathcon", "-m", "f", "/etc/passwd"],
         ["policy", "lookup", "-m", "f", "/etc/passwd"]),
        ("statistics", ["seinfo", policy_file], ["policy", "info"]),
    ]:
        t_theirs, _ = wall(theirs_cmd, 5)
        t_ours, _ = wall([avc_fix] + ours_cmd + ["--policy-root", root], 5)
        print("| {} | `{}` {:.0f} ms | {:.1f} ms |".format(
            label, " ".join(theirs_cmd[:1]), t_theirs * 1e3, t_ours * 1e3))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
