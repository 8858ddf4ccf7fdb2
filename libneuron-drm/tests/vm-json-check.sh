#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-json-check.sh [VM-RUN] - neuron-ls --json on real (emulated) devices
# must be valid JSON.  Runs neuron-ls --json in the VM (scripts/vm-run.sh
# by default; the guest has no python3) and parses its output on the host
# with python3 -m json.tool.  Also checks the device count and that every
# device reports DRAM use and NeuronCore owners, that ids are hex strings,
# that the host region's total is null, and that every key is documented.
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
python3 - "$tmp/ls.json" "$root/Documentation/accel/neuron/libneuron-drm.rst" <<'PY' || { echo "FAIL neuron-ls-json-vm"; sed 's/^/  /' "$tmp/ls.json" >&2; exit 1; }
import json, re, sys
d = json.load(open(sys.argv[1]))
doc = open(sys.argv[2]).read()
devs = d["devices"]
assert len(devs) == 4, "expected 4 devices, got %d" % len(devs)
hexre = re.compile(r"^0x[0-9a-f]+$")
for x in devs:
    assert x["error"] is None, x["error"]
    assert x["memory"] is not None and "dram_used" in x["memory"]
    assert x["cores"] is not None and len(x["cores"]) == x["nc_count"]
    # ids and bit masks: hex strings, as lspci writes them
    assert x["pci_vendor_id"] == "0x1d0f", x["pci_vendor_id"]
    assert re.match(r"^0x706[4-7]$", x["pci_device_id"]), x["pci_device_id"]
    for k in ("device_id", "pci_revision", "capabilities"):
        assert isinstance(x[k], str) and hexre.match(x[k]), (k, x[k])
    assert hexre.match(x["firmware"]["status"]), x["firmware"]
    for l in ("east", "west"):
        pid = x["links"][l]["peer_device_id"]
        assert pid is None or hexre.match(pid), pid
    # host memory has no pool of the device: null, not an unexplained 0
    for r in x["memory"]["regions"]:
        if r["type"] == "host":
            assert r["total"] is None and r["largest_free"] is None, r
        else:
            assert r["total"] > 0 and r["used"] <= r["total"], r
assert d["chains"][0]["closed"] is True
# every key is documented in the field table of libneuron-drm.rst
def keys(v):
    if isinstance(v, dict):
        for k, w in v.items():
            yield k
            yield from keys(w)
    elif isinstance(v, list):
        for w in v:
            yield from keys(w)
# as ``key``, ``.parent.key``, ``key[]``, ``.parent.key[]`` or ``.key.child``
missing = sorted({k for k in keys(d)
                  if not re.search(r"``(?:[\w.\[\]]*\.)?%s(?:\[\])?(?:``|\.)" % re.escape(k), doc)})
assert not missing, "keys not documented in libneuron-drm.rst: %s" % missing
PY
python3 -m json.tool "$tmp/ls.json" >/dev/null
echo "PASS neuron-ls-json-vm"
