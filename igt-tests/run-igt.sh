#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-igt.sh [DIR] - run every subtest of every test binary, IGT-runner style.
#
# Runs inside the VM under busybox sh (so: POSIX sh, busybox applets only).
# For each executable DIR/neuron_* (default /opt/neuron/tests) it asks
# --list-subtests, then runs each subtest in a fresh process with a
# wall-clock limit.  Results by exit status: 0 pass, 77 skip, anything else
# (98 fail, 79 invalid for a listed subtest, signals, timeout) fail.  A
# subtest that made the kernel log a WARNING/BUG/Oops/... also fails.
#
# Prints "run-igt: run <binary>/<subtest>" before and one
# "run-igt: <pass|skip|FAIL> <binary>/<subtest> (<secs>s)" line after each
# subtest and, last, "N passed, N failed, N skipped".  Exits 1 on any
# failure.
#
# Environment: IGT_TIMEOUT  per-subtest limit in seconds (default 120)
#              IGT_FILTER   only subtests whose "binary/subtest" matches
#                           this shell pattern (default *)
#              IGT_ALLOC_FAILURES=1  allocation failures are expected (fault
#                           injection): the stack dumps of warn_alloc()
#                           ("page allocation failure:", "vmalloc error:")
#                           are not kernel problems; everything else is
set -eu

dir=${1:-/opt/neuron/tests}
limit=${IGT_TIMEOUT:-120}
filter=${IGT_FILTER:-*}
alloc_failures=${IGT_ALLOC_FAILURES:-0}
# Blanks each warn_alloc() report, from its first line to the end of its
# stack dump (at most 80 lines), when allocation failures are expected.
# shellcheck disable=SC2016 # awk's $0, not the shell's
alloc_report_filter='
	/page allocation failure:|vmalloc error:/ { n = 80 }
	n > 0 { n--; if ($0 ~ /<\/TASK>/) n = 0; print ""; next }
	{ print }'
kernel_problems='WARNING:|BUG:|Oops|lockdep|KASAN|UBSAN:|ODEBUG:|DMA-API:|general protection|Call Trace|Kernel panic|blocked for more than|detected stall|enqueued on deprecated workqueue'

pass=0 fail=0 skip=0
failed_list=""

# Per-subtest kernel-log check needs a readable, clearable dmesg.
use_dmesg=0
if dmesg -c >/dev/null 2>&1; then
	use_dmesg=1
fi

now_ms() {
	# /proc/uptime has centiseconds: good enough, and no date +%N in busybox
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

record() {	# record RESULT NAME MS [WHY]
	secs=$(awk -v ms="$3" 'BEGIN { printf "%.3f", ms / 1000 }')
	echo "run-igt: $1 $2 (${secs}s)${4:+ - $4}"
	case $1 in
	pass) pass=$((pass + 1)) ;;
	skip) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed_list="$failed_list $2" ;;
	esac
}

found=0
for bin in "$dir"/neuron_*; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		continue
	fi
	found=1
	name=${bin##*/}
	if ! subtests=$("$bin" --list-subtests); then
		record FAIL "$name/--list-subtests" 0 "cannot list subtests"
		continue
	fi
	for st in $subtests; do
		# shellcheck disable=SC2254 # IGT_FILTER is a pattern on purpose
		case "$name/$st" in
		$filter) ;;
		*) continue ;;
		esac
		# Names the culprit if this subtest hangs the whole guest.
		echo "run-igt: run $name/$st"
		start=$(now_ms)
		rc=0
		# -s KILL: a test stuck in a syscall must not survive its limit.
		timeout -s KILL "$limit" "$bin" --run-subtest "$st" || rc=$?
		ms=$(($(now_ms) - start))
		why=""
		if [ "$rc" -ne 0 ] && [ "$ms" -ge $((limit * 1000)) ]; then
			result=FAIL why="TIMEOUT: killed after ${limit}s"
		else
			case $rc in
			0) result=pass ;;
			77) result=skip ;;
			79) result=FAIL why="invalid: listed but not runnable (exit 79)" ;;
			98) result=FAIL why="failed (exit 98)" ;;
			*) result=FAIL why="exit status $rc" ;;
			esac
		fi
		if [ "$use_dmesg" -eq 1 ]; then
			if [ "$alloc_failures" = 1 ]; then
				warn=$(dmesg -c | awk "$alloc_report_filter" |
					grep -E "$kernel_problems" || true)
			else
				warn=$(dmesg -c | grep -E "$kernel_problems" || true)
			fi
			if [ -n "$warn" ]; then
				echo "$warn" | sed 's/^/    kernel: /'
				why="kernel log: $(echo "$warn" | head -n 1)${why:+; $why}"
				result=FAIL
			fi
		fi
		record "$result" "$name/$st" "$ms" "$why"
	done
done

if [ "$found" -eq 0 ]; then
	echo "run-igt: no test binaries in $dir"
fi
for f in $failed_list; do
	echo "run-igt: FAILED: $f"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
