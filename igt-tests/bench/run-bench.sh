#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Guest side of "make bench": runs every benchmark on device 0 and prints
# their figures.  $1: the model's raw host->DRAM DMA rate in MB/s, measured
# on the host by sim/qemu/bench-dma.sh in the same "make bench" (0: none).
# Benchmarks print figures, they do not judge them: the exit status is
# non-zero only when one of them fails outright.

raw=${1:-0}
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

{
	echo "=== neuron_job_bench (DMA jobs)"
	neuron_job_bench -r "$raw" || echo "run-bench: neuron_job_bench failed"
	echo "=== neuron_gem_bench (buffer objects)"
	neuron_gem_bench || echo "run-bench: neuron_gem_bench failed"
	echo "=== neuron-bench-infer (inference round trips through a program, libneuron-drm)"
	neuron-bench-infer || echo "run-bench: neuron-bench-infer failed"
	echo "=== neuron_core wake-latency (semaphore wait wake-up)"
	neuron_core --run-subtest wake-latency || echo "run-bench: neuron_core failed"
	echo "=== neuron_nq job-wake-latency (job-issued semaphore increment -> waiter, beside submit -> fence)"
	neuron_nq --run-subtest job-wake-latency || echo "run-bench: neuron_nq failed"
} 2>&1 | tee "$out"
grep -q '^run-bench: .* failed$' "$out" && status=1

# The figures the speed goals are about, each beside its same-run baseline
# (issue #17; figures, not verdicts).
echo
echo "=== summary: figure, same-run baseline, ratio, goal"
awk '
function row(name, v, bname, b, goal) {
	if (v == "" || b == "" || b + 0 == 0) {
		printf "%-44s %s\n", name, "(not measured)"
		return
	}
	printf "%-44s %12.1f   %-32s %12.1f   %7.3f   %s\n", name, v, bname, b, v / b, goal
}
/^bandwidth  64 MiB host->DRAM, 4 MiB jobs/ { dma = $8 }
/^bandwidth  baseline raw model DMA/ { raw = $6 }
/^latency    4-byte job submit->fence/ { lat = $7 }
/^latency    baseline nanosleep\(10 us\)/ { nap = $6 }
/^throughput 64 in flight/ { j64 = $5 }
/^throughput  1 in flight/ { j1 = $5 }
/^create\+free  dram      4 KiB/ { d4 = $5; d4b = $8 }
/^create\+free  dram   1024 KiB/ { d1m = $5; d1mb = $8 }
/^inference round trips\/s, 1 in flight/ { i1 = $7; i1b = $14 }
/^inference round trips\/s, 64 in flight/ { i64 = $7; i64b = $14 }
END {
	printf "%-44s %12s   %-32s %12s   %7s   %s\n", "figure", "measured", "baseline", "", "ratio", "goal"
	row("4 MiB DMA jobs, MB/s", dma, "raw model DMA, MB/s", raw, ">= 0.9")
	row("4-byte job submit->fence p50, us", lat, "nanosleep(10 us) p50, us", nap, "<= 2")
	row("4-byte jobs/s, 64 in flight", j64, "1 in flight", j1, ">= 5000/s")
	row("DRAM BO create+free 4 KiB, /s", d4, "mmap+munmap 4 KiB, /s", d4b, ">= 0.5")
	row("DRAM BO create+free 1 MiB, /s", d1m, "mmap+munmap 1 MiB, /s", d1mb, ">= 0.5")
	row("inference round trips/s, 1 in flight", i1, "4-byte jobs/s, 1 in flight", i1b, ">= 0.5")
	row("inference round trips/s, 64 in flight", i64, "4-byte jobs/s, 64 in flight", i64b, ">= 0.5")
}' "$out"
exit $status
