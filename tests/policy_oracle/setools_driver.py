"""Answers rule and portcon queries with setools' Python API, in one process.

Usage: setools_driver.py POLICY < queries.jsonl

Each input line is one JSON object:
  {"id": N, "kind": "rules", "ruletype": [...], "source": S|null, "source_indirect": bool,
   "target": T|null, "target_indirect": bool, "tclass": [...], "perms": [...],
   "boolean": [...]}
  {"id": N, "kind": "portcons"}
For each, prints "Q <id> <count>" and then <count> lines: for rules, str(rule) in the order
`sorted(TERuleQuery(...).results())` gives (what sesearch prints); for portcons,
"<protocol> <low> <high> <type>" in the order setools iterates them.

Speed: TERuleQuery.results() walks every rule of the policy and re-expands attributes for each
(0.5 s per query on Debian's policy). Here the rules are fetched once and each query runs
TERuleQuery on a policy whose terules() yields only candidates: rules of the rule types and
classes it names (all when none), conditional ones only when it names booleans (setools never
matches an unconditional rule on a boolean), and whose source / target / condition passes
setools' own `match_indirect_regex` / `match_regex_or_set` — evaluated once per distinct source,
target or condition and remembered, since the answer depends on nothing else. TERuleQuery then applies every criterion again to the
real rule objects, so the answers are setools' own.

With ORACLE_TIMING set, the time of each query goes to stderr.
"""
import collections
import json
import os
import sys
import time

import setools
from setools.exception import RuleNotConditional
from setools.util import match_indirect_regex, match_regex_or_set


class Partial:
    """The policy, with terules() limited to some rules."""

    def __init__(self, policy, rules):
        self._policy = policy
        self._rules = rules

    def terules(self):
        return iter(self._rules)

    def __getattr__(self, name):
        return getattr(self._policy, name)


def conditional(rule):
    try:
        rule.conditional
        return True
    except RuleNotConditional:
        return False


class Rules:
    """All TE rules: partitions by (rule type, class, conditional), each by source name."""

    def __init__(self, policy):
        self.policy = policy
        self.parts = collections.defaultdict(lambda: collections.defaultdict(list))
        self.objects = {}
        for r in policy.terules():
            key = (str(r.ruletype), str(r.tclass), conditional(r))
            self.parts[key][str(r.source)].append(r)
            self.objects.setdefault(str(r.source), r.source)
            self.objects.setdefault(str(r.target), r.target)
        self.memo = {}

    def reads(self, rule, booleans):
        key = (str(rule.conditional), tuple(str(b) for b in booleans))
        if key not in self.memo:
            self.memo[key] = match_regex_or_set(rule.conditional.booleans, booleans, False, False)
        return self.memo[key]

    def matches(self, name, criterion, indirect):
        key = (name, str(criterion), indirect)
        if key not in self.memo:
            self.memo[key] = match_indirect_regex(self.objects[name], criterion, indirect, False)
        return self.memo[key]

    def candidates(self, q):
        types, classes = set(q["ruletype"]), set(q["tclass"])
        source = target = None
        booleans = [self.policy.lookup_boolean(b) for b in q["boolean"]]
        if q["source"]:
            source = self.policy.lookup_type_or_attr(q["source"])
        if q["target"]:
            target = self.policy.lookup_type_or_attr(q["target"])
        out = []
        for (rt, cl, cond), by_source in self.parts.items():
            if (types and rt not in types) or (classes and cl not in classes):
                continue
            if q["boolean"] and not cond:
                continue
            for name, rules in by_source.items():
                if source is not None and not self.matches(name, source, q["source_indirect"]):
                    continue
                for r in rules:
                    if target is not None and not self.matches(str(r.target), target,
                                                               q["target_indirect"]):
                        continue
                    if booleans and not self.reads(r, booleans):
                        continue
                    out.append(r)
        return out


def main():
    policy = setools.SELinuxPolicy(sys.argv[1])
    rules = None
    out = sys.stdout
    timing = os.environ.get("ORACLE_TIMING")
    for line in sys.stdin:
        if not line.strip():
            continue
        q = json.loads(line)
        started = time.perf_counter()
        if q["kind"] == "portcons":
            rows = ["{} {} {} {}".format(p.protocol.name.lower(), p.ports.low, p.ports.high,
                                         p.context.type_) for p in policy.portcons()]
        else:
            if rules is None:
                rules = Rules(policy)
            kwargs = {"source_indirect": q["source_indirect"],
                      "target_indirect": q["target_indirect"]}
            for key in ("ruletype", "source", "target", "tclass", "perms", "boolean"):
                if q.get(key):
                    kwargs[key] = q[key]
            query = setools.TERuleQuery(Partial(policy, rules.candidates(q)), **kwargs)
            rows = [str(r) for r in sorted(query.results())]
        if timing:
            sys.stderr.write("{:.4f} {}\n".format(time.perf_counter() - started, line.strip()))
        out.write("Q {} {}\n".format(q["id"], len(rows)))
        for row in rows:
            out.write(row + "\n")
    out.flush()


if __name__ == "__main__":
    main()
