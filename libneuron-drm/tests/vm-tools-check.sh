#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-tools-check.sh [VM-RUN] - the tools on four busy (emulated) devices.
# Boots the 4-device VM (scripts/vm-run.sh by default) with the example
# dma-jobs copied in, runs tests/vm-tools-guest.sh there, and checks its
# output on the host with python3 (the guest has none):
#   neuron-top --once   every device, NeuronCore owners, firmware, links;
#                       per dma-jobs process: busy % above 0, the busy ns
#                       between the test's own fdinfo readings before and
#                       after, memory per region equal to that fdinfo;
#                       as nobody: his own process only, and a note
#   neuron-top --prometheus  a strict parser of the text exposition format
#                       (HELP/TYPE once per family and before its samples,
#                       names, label escapes, values, no duplicate series),
#                       the same figures against fdinfo and neuron-ls
#   neuron-ls --cdi     valid against tests/cdi-schema.json (python3-jsonschema),
#                       unique names, an "all" device with every node
#   neuron-load         the messages of issue #19 on real devices (a file
#                       over one channel, 8 GiB against 8 GiB less the
#                       reserved page, plurals, MiB/s, /proc and /sys files);
#                       2,000 files of 1..200 bytes packed into at most 20
#                       DRAM buffers per device, every phase timed
#   write errors        neuron-ls, neuron-top, neuron-ls --cdi > /dev/full
# and, in a 1-device VM, neuron-load's words for one device and a short
# neuron-bench-infer --json run (exit 0, its data verified, every figure).
#
# Prints one PASS/FAIL line per check and "N passed, N failed, N skipped".
# Exit status: 0 all passed, 1 a check or the VM run failed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vmrun=${1:-$root/scripts/vm-run.sh}

"$root/scripts/deps.sh" --stage lib-vm-json python3 python3-jsonschema
[ -x "$here/../build/examples/dma-jobs" ] || {
	echo "FAIL vm-tools: build/examples/dma-jobs missing: run make -C libneuron-drm first"
	exit 1
}
tmp=$(mktemp -d /tmp/neuron-tools.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if ! "$vmrun" -n 4 --timeout 600 --log "$tmp/console.log" \
	--copy "$here/../build/examples/dma-jobs:/usr/bin/dma-jobs" \
	--copy "$here/vm-tools-guest.sh:/usr/bin/vm-tools-guest.sh" \
	-- 'vm-tools-guest.sh' >"$tmp/vm.out" 2>&1; then
	cat "$tmp/vm.out" >&2
	echo "FAIL vm-tools (the VM run failed)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
tr -d '\r' <"$tmp/console.log" | grep -v '^\[ *[0-9]*\.[0-9]*\] ' >"$tmp/out.txt"
# One device: "the device", never "all 1 devices".
if ! "$vmrun" -n 1 --timeout 300 --log "$tmp/console1.log" -- \
	'printf a >/tmp/a; printf b >/tmp/b; echo @@BEGIN load-1dev.txt@@;
	 neuron-load --no-progress /tmp/a; neuron-load --no-progress /tmp/a /tmp/b;
	 echo @@END load-1dev.txt@@;
	 neuron-bench-infer -n 20 --json >/tmp/bi.json 2>/tmp/bi.err; rc=$?;
	 echo @@BEGIN bench-infer.json@@; cat /tmp/bi.json; echo @@END bench-infer.json@@;
	 echo @@BEGIN bench-infer.rc@@; cat /tmp/bi.err; echo "exit $rc"; echo @@END bench-infer.rc@@' \
	>"$tmp/vm1.out" 2>&1; then
	cat "$tmp/vm1.out" >&2
	echo "FAIL vm-tools (the 1-device VM run failed)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
tr -d '\r' <"$tmp/console1.log" | grep -v '^\[ *[0-9]*\.[0-9]*\] ' >>"$tmp/out.txt"
exec python3 "$here/vm-tools-check.py" "$tmp/out.txt" "$here/cdi-schema.json"
