#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# DMA benchmark of the neuron-v1 model: 64 MiB host -> DRAM -> host with
# 64 KiB descriptors, bit-exact check, model MB/s beside memcpy MB/s.
# A benchmark, not a test: it prints numbers and fails only if the copy
# is wrong.
#
# Env: NEURON_CACHE (default /var/cache/neuron)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
export NEURON_CACHE

BIN=$("$HERE/build.sh" --quiet | tail -n 1)
# build.sh keeps the qtest binaries next to QEMU; run a private copy.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$(dirname "$BIN")/neuron-v1-bench" "$work/"

QTEST_QEMU_BINARY=$BIN NEURON_V1_BENCH=1 "$work/neuron-v1-bench" 2>&1 |
    grep -v '^#' | grep -v '^ok \|^1\.\.\|^TAP' || true
# the pipeline above swallows the status: re-check that the run passed
QTEST_QEMU_BINARY=$BIN NEURON_V1_BENCH=1 "$work/neuron-v1-bench" >/dev/null 2>&1
