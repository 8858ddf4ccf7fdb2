#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-fault-inject.sh - the fault-inject stage of "make check": every ioctl
# family under failslab and fail_page_alloc, on the 7.3 debug kernel.
#
# Boots the debug kernel (scripts/vm-run.sh --kernel debug: KASAN, lockdep,
# kmemleak, DMA-API debugging, and the fault-injection options of
# scripts/kconfig/debug-guest.config) with two devices (the second imports
# the first one's dma-bufs) and runs igt-tests/neuron_fault there, which
# configures the fault-injection debugfs for its own task only and fails
# the 1st, 2nd, ... allocation of each call in turn, then random ones
# (see the comment at the top of igt-tests/neuron_fault.c).  The verdict:
# every failure a documented errno, every subtest passed, no kernel
# report but the stack dumps of the failed allocations themselves
# (--alloc-failures, IGT_ALLOC_FAILURES=1), and kmemleak clean at the end.
#
# Environment: VM_TIMEOUT (default 1500 s), IGT_TIMEOUT (per subtest in the
# guest, default 600 s), and what vm-run.sh reads.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$ROOT/build/logs"
exec "$ROOT/scripts/vm-run.sh" -n 2 --kernel debug --alloc-failures \
	--timeout "${VM_TIMEOUT:-1500}" --log "$ROOT/build/logs/vm-fault-inject.log" \
	-- "NEURON_FAULT_INJECT=1 IGT_ALLOC_FAILURES=1 IGT_TIMEOUT=${IGT_TIMEOUT:-600}" \
	"IGT_FILTER='neuron_fault/*' run-igt.sh"
