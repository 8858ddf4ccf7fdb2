#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh - the main job of "make demo", run inside the VM.
#
# Runs under busybox sh in the guest (scripts/vm-run.sh copies it to
# /opt/neuron/bin).  Lists the neuron devices the driver created; uses the
# library's neuron-ls when it is there.  Replace the body with the project's
# main job when it exists.
set -eu

echo "=== neuron demo: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
echo "--- PCI functions of the neuron-v1 model (1d0f:7064)"
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1d0f ] || continue
	drv=none
	if [ -L "$d/driver" ]; then
		drv=$(readlink "$d/driver")
		drv=${drv##*/}
	fi
	echo "${d##*/} device $(cat "$d/device") driver $drv"
done
echo "--- /dev/accel"
ls -l /dev/accel 2>/dev/null || echo "(no accel nodes: is neuron.ko loaded?)"
for u in /sys/class/accel/accel*/device/uevent; do
	[ -e "$u" ] || continue
	echo "--- $u"
	cat "$u"
done
if command -v neuron-ls >/dev/null 2>&1; then
	echo "--- neuron-ls"
	neuron-ls
fi
# The demo succeeds only if the driver created at least one node.
[ -e /dev/accel/accel0 ]
