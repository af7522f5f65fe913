#!/bin/sh
# Rebuilds the demo policy root from demo.cil (needs secilc: apt-get install secilc).
# The binary and file_contexts are committed so that the README's sample run needs nothing.
set -eu
cd "$(dirname "$0")"
mkdir -p policy contexts/files
secilc -M true -c 33 -o policy/policy.33 -f contexts/files/file_contexts demo.cil
printf '%s\n' '/etc/systemd/system /usr/lib/systemd/system' '/var/run /run' '/bin /usr/bin' \
    > contexts/files/file_contexts.subs_dist
