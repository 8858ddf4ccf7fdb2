#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-json-check.sh [VM-RUN] - neuron-ls --json on real (emulated) devices
# must be valid JSON.  Runs neuron-ls --json in the VM (scripts/vm-run.sh
# by default; the guest has no python3) and parses its output on the host
# with python3 -m json.tool.  Also checks the device count and that every
# device reports DRAM use and NeuronCore owners.
#
# Exit status: 0 valid, 1 invalid or the VM run failed, 77 no python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vmrun=${1:-$root/scripts/vm-run.sh}

command -v python3 >/dev/null 2>&1 || { echo "SKIP neuron-ls-json-vm (no python3)"; exit 77; }
tmp=$(mktemp -d /tmp/neuron-json.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Markers fence the JSON off from the console's other lines.
if ! "$vmrun" -n 4 --timeout 300 --log "$tmp/console.log" -- \
	'neuron-ls --json >/tmp/ls.json; rc=$?; echo @@JSON-BEGIN@@; cat /tmp/ls.json; echo @@JSON-END@@; exit $rc' \
	>"$tmp/vm.out" 2>&1; then
	cat "$tmp/vm.out" >&2
	echo "FAIL neuron-ls-json-vm (VM run or neuron-ls failed)"
	exit 1
fi
tr -d '\r' <"$tmp/console.log" | sed -n '/^@@JSON-BEGIN@@$/,/^@@JSON-END@@$/p' |
	sed '1d;$d' | grep -v '^\[ *[0-9]*\.[0-9]*\] ' >"$tmp/ls.json"
python3 - "$tmp/ls.json" <<'PY' || { echo "FAIL neuron-ls-json-vm"; sed 's/^/  /' "$tmp/ls.json" >&2; exit 1; }
import json, sys
d = json.load(open(sys.argv[1]))
devs = d["devices"]
assert len(devs) == 4, "expected 4 devices, got %d" % len(devs)
for x in devs:
    assert x["error"] is None, x["error"]
    assert x["memory"] is not None and "dram_used" in x["memory"]
    assert x["cores"] is not None and len(x["cores"]) == x["nc_count"]
assert d["chains"][0]["closed"] is True
PY
python3 -m json.tool "$tmp/ls.json" >/dev/null
echo "PASS neuron-ls-json-vm"
