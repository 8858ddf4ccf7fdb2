#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - the test part of "make check" (the Makefile builds first).
#
# Runs every test stage, each with its output in build/logs/check-<stage>.log,
# and sums their results into one final line
#     N passed, N failed, N skipped
# which is the last line printed, for CI to recognise.  A stage that prints
# such a line contributes its numbers; a stage that does not counts as one
# test (pass, or fail by exit status).  A stage that fails without naming a
# failed test (e.g. the VM runner found a kernel WARNING after every subtest
# passed) adds one failure, so nothing can fail silently.
#
# Environment: KVER, KDIR (from the Makefile), MAKE, NEURON_CACHE,
#   CHECK_STAGES  space-separated subset of stages to run (default: all)
#   VM_TIMEOUT    wall-clock limit of each VM run in seconds (default 1500)
#   IGT_TIMEOUT   per-subtest limit in the guest (default: run-igt.sh's
#                 120 s; 360 s on the debug kernel)
set -euo pipefail

cd "$(dirname "$0")/.."
LOGDIR=build/logs
mkdir -p "$LOGDIR"
MAKE=${MAKE:-make}
VM_TIMEOUT=${VM_TIMEOUT:-1500}
# Stage order: the host-only checks first, then the VMs on Debian's kernel,
# then the 7.3 build (which also builds the debug kernel unless cached) and
# the VMs on it.  What each runs and takes: testing.rst.
STAGES=${CHECK_STAGES:-qtests harness-selftest lib-unit lib-example checkpatch sparse dkms packages igt-vm igt-vm-iommu igt-vm-swiotlb lib-vm-json mainline-build patches igt-vm-debug igt-vm-debug-iommu fault-inject}

total_pass=0 total_fail=0 total_skip=0
report=()		# one line per stage for the table at the end
failures=()		# what to print about failed stages

summary_re='^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$'
# Lines that name the cause of a failure, shown under "FAILED stages":
# assertion messages, failed subtests and their reasons, the VM runner's
# verdicts and the kernel lines behind them, failed qtests, tool verdicts,
# checkpatch/sparse/compiler diagnostics.
cause_re='CRITICAL: |^  values: |^Subtest .*: (FAIL|CRASH)|^run-igt: FAIL |^vm-run: (FAIL|TIMEOUT|ERROR|guest command exited)|^    [0-9]+:|^(FAIL|not ok) |^[a-z-]+: FAIL|^(ERROR|WARNING|CHECK):|: (error|warning):'

# run_stage NAME COMMAND...: run, log, and add up the results.
run_stage() {
	local name=$1 log=$LOGDIR/check-$1.log rc=0 line p f s start secs
	shift
	echo "=== $name: $*"
	start=$(date +%s)
	"$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))

	# Serial consoles end lines with \r; the summary is the last such line.
	line=$(tr -d '\r' <"$log" | grep -E "$summary_re" | tail -n 1 || true)
	if [[ $line =~ $summary_re ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
	elif grep -qE '^run-igt: (pass|skip|FAIL) ' "$log"; then
		# run-igt.sh did not get to its summary (the guest hung or died):
		# count the subtests that did finish.
		p=$(grep -cE '^run-igt: pass ' "$log" || true)
		f=$(grep -cE '^run-igt: FAIL ' "$log" || true)
		s=$(grep -cE '^run-igt: skip ' "$log" || true)
	elif grep -qE '^(PASS|FAIL|SKIP) ' "$log"; then
		# one "PASS|FAIL|SKIP name" line per test (run-qtests.sh)
		p=$(grep -cE '^PASS ' "$log" || true)
		f=$(grep -cE '^FAIL ' "$log" || true)
		s=$(grep -cE '^SKIP ' "$log" || true)
	elif [[ $rc -eq 0 ]]; then
		p=1 f=0 s=0
	elif [[ $rc -eq 77 ]]; then
		p=0 f=0 s=1
	else
		p=0 f=1 s=0
	fi
	# 77 = "skipped" by convention (IGT); any other non-zero status is a
	# failure even if no test said so: counted, never lost.
	[[ $rc -eq 77 ]] && rc=0
	if [[ $rc -ne 0 && $f -eq 0 ]]; then
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))

	local verdict=PASS
	if [[ $f -eq 0 && $p -eq 0 ]]; then
		# Nothing ran (e.g. no tests yet): a skip, never a pass.
		verdict=SKIP
		[[ $s -eq 0 ]] && s=1 total_skip=$((total_skip + 1))
	fi
	if [[ $rc -ne 0 || $f -ne 0 ]]; then
		verdict=FAIL
		failures+=("$name (exit status $rc, log $log):")
		# The lines that name the cause: failed subtests, runner verdicts.
		while IFS= read -r l; do
			failures+=("    $l")
		done < <(tr -d '\r' <"$log" |
			grep -E "$cause_re" | sed -n '1,40p' || true)
	fi
	report+=("$(printf '%-18s %-6s %4d passed %4d failed %4d skipped  %4ds' \
		"$name" "$verdict" "$p" "$f" "$s" "$secs")")
}

# vm_stage NAME [vm-run options]: the igt-tests inside the VM.
vm_stage() {
	local name=$1 limit=${IGT_TIMEOUT:-}
	shift
	# KASAN, lockdep and friends make the slowest subtests (gem
	# create-free-cycles, lifecycle reload-20) take about two minutes.
	[[ " $* " == *" --kernel debug "* ]] && limit=${IGT_TIMEOUT:-360}
	run_stage "$name" scripts/vm-run.sh -n 4 "$@" --timeout "$VM_TIMEOUT" \
		--log "$LOGDIR/vm-$name.log" -- ${limit:+IGT_TIMEOUT=$limit} run-igt.sh
}

for stage in $STAGES; do
	case $stage in
	qtests)
		run_stage qtests sim/qemu/run-qtests.sh ;;
	harness-selftest)
		run_stage harness-selftest igt-tests/lib/selftest/selftest.sh \
			igt-tests/build/igt_selftest ;;
	lib-unit)
		run_stage lib-unit "$MAKE" -s -C libneuron-drm check ;;
	lib-example)
		# The example builds against the installed library through
		# pkg-config only, as a user of the package would build it.
		run_stage lib-example "$MAKE" -s -C libneuron-drm example-check ;;
	checkpatch)
		run_stage checkpatch "$MAKE" -s checkpatch ;;
	sparse)
		run_stage sparse "$MAKE" -s sparse ;;
	dkms)
		run_stage dkms "$MAKE" -s dkms-check ;;
	mainline-build)
		# The driver in tree on 7.3 (W=1, sparse); builds the debug
		# guest kernel too, unless cached.
		run_stage mainline-build "$MAKE" -s mainline ;;
	patches)
		# The upstream series (make patches) applied with git am onto
		# 7.3 and built patch by patch (W=1), checkpatch on each.
		run_stage patches scripts/patches-check.sh ;;
	packages)
		# The Debian packages: build, lintian, install (DKMS for KVER),
		# use in a VM, purge (scripts/packages-check.sh).
		run_stage packages scripts/packages-check.sh ;;
	igt-vm)
		# Slab poisoning: a use after free reads 0x6b... and faults,
		# which the VM runner fails on, instead of reading stale data.
		VM_APPEND="${VM_APPEND:+$VM_APPEND }slub_debug=FZP" \
			vm_stage igt-vm ;;
	igt-vm-iommu)
		vm_stage igt-vm-iommu --iommu ;;
	igt-vm-debug)
		# The 7.3 debug kernel (KASAN, lockdep, kmemleak, DMA-API
		# debugging, ...) with the in-tree driver; kmemleak-clean.
		vm_stage igt-vm-debug --kernel debug ;;
	igt-vm-debug-iommu)
		# With DMA-API debugging every IOMMU mapping "needs syncs":
		# the job-boundary syncs of host BOs run, and are checked.
		vm_stage igt-vm-debug-iommu --kernel debug --iommu ;;
	igt-vm-swiotlb)
		# Bounce buffering (swiotlb=force): every host BO goes through
		# swiotlb; jobs sync them at their boundaries, notification
		# queues are refused. The subtests check that BOs really
		# bounced. The rest of the suite needs more than swiotlb's
		# 64 MiB (copy-sizes maps 512 MiB at once).
		VM_APPEND=swiotlb=force run_stage igt-vm-swiotlb scripts/vm-run.sh \
			-n 1 --timeout "$VM_TIMEOUT" --log "$LOGDIR/vm-igt-vm-swiotlb.log" \
			-- "IGT_FILTER='neuron_submit/bounced-*' run-igt.sh" ;;
	fault-inject)
		# Every ioctl family under failslab and fail_page_alloc on
		# the debug kernel (scripts/run-fault-inject.sh).
		run_stage fault-inject scripts/run-fault-inject.sh ;;
	lib-vm-json)
		# neuron-ls --json from the 4-device VM, parsed on the host.
		run_stage lib-vm-json "$MAKE" -s -C libneuron-drm vm-check ;;
	*)
		echo "check.sh: unknown stage '$stage'" >&2
		exit 2 ;;
	esac
done

echo
echo "=== make check summary"
printf '%s\n' "${report[@]}"
if [[ ${#failures[@]} -gt 0 ]]; then
	echo
	echo "FAILED stages:"
	printf '%s\n' "${failures[@]}"
fi
echo
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[[ $total_fail -eq 0 ]]
