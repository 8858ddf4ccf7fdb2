#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest side of "make bench"'s second VM (4 devices): neuron-load's speed
# goal (issue #17), "wall <= 2x --host-only, nothing lost, every copy
# verified bit-exact", on three data sets: libonnx-testdata (copied in by
# the host), 20,000 files of 1..200 bytes and one 1 GiB file (both made
# here, in the guest's RAM-backed /tmp).  For each set, after one untimed
# warm-up run, the --host-only baseline runs first, then the device run, in
# the same boot.
#
# Figures, not verdicts: the exit status is non-zero only when a run fails
# outright (neuron-load exits non-zero, the device run prints no "OK:"
# line, or a figure cannot be read from the output).  Only the summary's
# "  total  X s" line, its "OK:" line and the host-only "X s in all" are
# relied on; every run's whole output goes to the log.

onnx=${1:-/opt/neuron/share/libonnx-testdata}
status=0
out=$(mktemp)
rows=$(mktemp)
trap 'rm -f "$out" "$rows"; rm -rf /tmp/tiny /tmp/big' EXIT

fail() {
	echo "run-bench-load: $* failed"
	status=1
}

ndev=$(ls /dev/accel/accel* 2>/dev/null | wc -l)
echo "=== neuron-load on $ndev devices"

# bench NAME DATA: one --host-only run, then one device run of DATA; appends
# "NAME|device s|host-only s" to $rows.
bench() {
	name=$1 data=$2 host='' dev=''

	# Untimed: the first run of a set pays for what the later ones find
	# ready (TCG's translated code, the guest's dentries and inodes), and
	# the baseline, run first, must not be the one that pays for it.
	neuron-load -q --no-progress --host-only "$data" >/dev/null 2>&1 ||
		fail "$name: neuron-load --host-only (warm-up)"
	echo "=== $name: neuron-load --no-progress --host-only $data"
	neuron-load --no-progress --host-only "$data" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -ne 0 ]; then
		fail "$name: neuron-load --host-only (exit $rc)"
	else
		host=$(sed -n 's/^neuron-load: host only: .*, \([0-9.]*\) s in all .*/\1/p' "$out")
		[ -n "$host" ] || fail "$name: reading --host-only's \"X s in all\""
	fi

	echo "=== $name: neuron-load --no-progress $data"
	neuron-load --no-progress "$data" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -ne 0 ]; then
		fail "$name: neuron-load (exit $rc)"
	elif ! grep -q '^neuron-load: OK:' "$out"; then
		fail "$name: neuron-load (no \"OK:\" line)"
	else
		dev=$(sed -En 's/^  total +([0-9.]+) s.*/\1/p' "$out")
		[ -n "$dev" ] || fail "$name: reading neuron-load's \"total\" line"
	fi
	echo "$name|$dev|$host" >>"$rows"
}

if [ -d "$onnx" ]; then
	bench "libonnx-testdata" "$onnx"
else
	fail "libonnx-testdata: finding $onnx in the guest"
	echo "libonnx-testdata||" >>"$rows"
fi

echo "=== making 20,000 files of 1..200 bytes in /tmp/tiny"
rm -rf /tmp/tiny
mkdir -p /tmp/tiny
# Contents differ per file and per byte, so a misplaced file cannot verify.
if awk 'BEGIN{for(i=0;i<20000;i++){f=sprintf("/tmp/tiny/%05d",i); n=1+(i*7919)%200; s=""; for(j=0;j<n;j++) s=s sprintf("%c",33+(i*31+j*7)%90); printf "%s", s > f; close(f)}}' &&
	[ "$(ls /tmp/tiny | wc -l)" -eq 20000 ]; then
	bench "20,000 files 1-200 B" /tmp/tiny
else
	fail "making /tmp/tiny"
	echo "20,000 files 1-200 B||" >>"$rows"
fi
rm -rf /tmp/tiny

echo "=== making one 1 GiB file in /tmp/big"
mkdir -p /tmp/big
# Random throughout (1024 reads of 1 MiB), so no part repeats another.
if dd if=/dev/urandom of=/tmp/big/1g bs=1048576 count=1024 2>/dev/null &&
	[ "$(wc -c </tmp/big/1g)" -eq 1073741824 ]; then
	bench "1 GiB file" /tmp/big/1g
else
	fail "making /tmp/big/1g"
	echo "1 GiB file||" >>"$rows"
fi
rm -rf /tmp/big

# The figures of the neuron-load goal, in run-bench.sh's summary style.
echo
echo "=== summary (neuron-load, $ndev devices): figure, same-run baseline, ratio, goal"
awk -F'|' -v ndev="$ndev" '
BEGIN {
	printf "%-44s %12s   %-32s %12s   %7s   %s\n", "figure", "measured", "baseline", "", "ratio", "goal"
}
{
	name = sprintf("neuron-load %s x%d, wall s", $1, ndev)
	if ($2 == "" || $3 == "" || $3 + 0 == 0) {
		printf "%-44s %s\n", name, "(not measured)"
		next
	}
	printf "%-44s %12.2f   %-32s %12.2f   %7.3f   %s\n", name, $2, "--host-only, s", $3, $2 / $3, "<= 2"
}' "$rows"
exit $status
