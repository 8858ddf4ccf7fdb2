#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-copy-limit-check.sh [VM-RUN] - scripts/vm-run.sh --copy of more than
# the initramfs can carry stops with a clear message before anything is
# built or booted (it used to fail inside QEMU, "initrd is too large", and
# be reported as a kernel panic).  Sparse files: nothing large is written.
#
# Exit status: 0 passed, 1 failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vmrun=${1:-$root/scripts/vm-run.sh}
tmp=$(mktemp -d /tmp/neuron-copy-limit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0

try() { # NAME VM_MEM SIZE WANT-IN-MESSAGE
	truncate -s "$3" "$tmp/data"
	start=$(date +%s)
	VM_MEM=$2 "$vmrun" -n 1 --log "$tmp/console.log" --copy "$tmp/data:/data/x" \
		-- true >"$tmp/out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -ne 0 ] && grep -q "vm-run: ERROR: --copy: .*$4" "$tmp/out" &&
	   [ ! -s "$tmp/console.log" ] && [ $secs -lt 30 ]; then
		echo "PASS $1"
	else
		echo "FAIL $1 (exit $rc after ${secs}s, console log $(wc -c <"$tmp/console.log" 2>/dev/null || echo none)):"
		sed 's/^/  /' "$tmp/out"
		fail=1
	fi
	rm -f "$tmp/console.log"
}
# over QEMU's 2 GiB initrd limit whatever the RAM
try vm-run-copy-over-2g 8G 3G "at most 2047 MiB"
# under it, but more than 2 GiB of guest RAM can unpack
try vm-run-copy-over-ram 2G 700M "at most 597 MiB.*raise VM_MEM"
exit $fail
