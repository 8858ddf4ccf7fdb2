#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the main job of "make demo", run inside the VM.
#
# Runs under busybox sh in the guest (scripts/vm-run.sh copies it to
# /opt/neuron/bin, with the tools of libneuron-drm).  Lists the neuron
# devices with neuron-ls, then loads every ONNX model and tensor of Debian's
# libonnx-testdata onto device 0, broadcasts it around the Neuron-Pipe ring
# and verifies every copy on every device (neuron-load).  The exit status is
# neuron-load's: 0 only when every file verified on every device.
#
# Data: the first of $NEURON_DEMO_DATA, /usr/share/libonnx-testdata and
# /opt/neuron/share/libonnx-testdata that exists (the host side must copy
# the package's files into the initramfs; see testing.rst).
set -eu

echo "=== neuron demo: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"

for tool in neuron-ls neuron-load; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "demo: $tool is not in the guest (was libneuron-drm built and staged by 'make lib'?)" >&2
		exit 1
	fi
done

data=
for d in ${NEURON_DEMO_DATA:-} /usr/share/libonnx-testdata \
	/opt/neuron/share/libonnx-testdata; do
	if [ -d "$d" ]; then
		data=$d
		break
	fi
done

echo "--- neuron-ls"
neuron-ls

if [ -z "$data" ]; then
	echo "demo: no libonnx-testdata in the guest (looked in" \
		"${NEURON_DEMO_DATA:+$NEURON_DEMO_DATA }/usr/share/libonnx-testdata" \
		"/opt/neuron/share/libonnx-testdata); the VM runner must copy the" \
		"package's files into the initramfs" >&2
	exit 1
fi

echo "--- neuron-load $data ($(find "$data" -type f | wc -l) files)"
# Plain progress lines: the console is a log, not a terminal that redraws.
exec neuron-load --no-progress "$data"
