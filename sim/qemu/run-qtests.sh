#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the neuron-v1 model (build.sh) and its qtests, run every qtest in
# its own process and print one line per test:  PASS|FAIL <test path>.
# Exits non-zero if any test failed.
#
# Usage: sim/qemu/run-qtests.sh [-v] [TEST-PATH-SUBSTRING]
# Env:   NEURON_CACHE (default /var/cache/neuron)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
export NEURON_CACHE
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
filter=${1:-}

BIN=$("$HERE/build.sh" --quiet | tail -n 1)
[ -x "$BIN" ] || { echo "run-qtests: no QEMU binary" >&2; exit 1; }

# build.sh builds the qtest with the binary and keeps it next to it.  Run a
# private copy so a concurrent rebuild cannot swap it underneath us.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$(dirname "$BIN")/neuron-v1-test" "$work/" ||
    { echo "run-qtests: no neuron-v1-test next to $BIN" >&2; exit 1; }

export QTEST_QEMU_BINARY=$BIN
pass=0
fail=0
for t in $("$work/neuron-v1-test" -l | grep '^/'); do
    case $t in *"$filter"*) ;; *) continue ;; esac
    log=$work/log
    if timeout 300 "$work/neuron-v1-test" -p "$t" >"$log" 2>&1; then
        echo "PASS $t"
        pass=$((pass + 1))
    else
        echo "FAIL $t"
        sed 's/^/    /' "$log" | tail -n 20
        fail=$((fail + 1))
    fi
    [ $verbose = 1 ] && sed 's/^/    /' "$log"
done
echo "neuron-v1 qtests: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
