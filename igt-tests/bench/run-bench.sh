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

echo "=== neuron_job_bench (DMA jobs)"
neuron_job_bench -r "$raw" || status=1
echo "=== neuron_gem_bench (buffer objects)"
neuron_gem_bench || status=1
echo "=== neuron-bench-infer (inference round trips through a program, libneuron-drm)"
neuron-bench-infer || status=1
echo "=== neuron_core wake-latency (semaphore wait wake-up)"
neuron_core --run-subtest wake-latency || status=1
echo "=== neuron_nq job-wake-latency (job-issued semaphore increment -> waiter, beside submit -> fence)"
neuron_nq --run-subtest job-wake-latency || status=1
exit $status
