#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-source.sh DEST - copy the DKMS source set of the module into DEST.
#
# What /usr/src/neuron-<VERSION> holds: the files dkms.conf's PRE_BUILD and
# MAKE need (top Makefile and Kbuild, VERSION, the driver, the uAPI, the
# kernel-feature probes and the scripts the Makefile calls), no build
# output.  Used by the Debian package (debian/rules) and by dkms-check.sh,
# so both install the same set.  dkms.conf itself is left out: it is
# installed with its version filled in (dh_dkms -V, dkms-check.sh).
set -euo pipefail

dest=${1:?usage: dkms-source.sh DEST}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
paths=(Makefile Kbuild VERSION drivers/accel/neuron include/uapi
	scripts/kernel-probes.sh scripts/kver.sh scripts/deps.sh)

mkdir -p "$dest"
# A git checkout of its own (not an exported tree inside another one, as in
# the packages stage's build/packages).
if [[ $(git rev-parse --show-toplevel 2>/dev/null) == "$PWD" ]]; then
	# Tracked files, and new ones not ignored: never build output.
	git ls-files -co --exclude-standard -- "${paths[@]}" |
		while read -r f; do [[ -f $f ]] && echo "$f"; done |
		tar -cf - -T - | tar -xf - -C "$dest"
else
	# An exported tree (the package build): leave out what Kbuild makes.
	tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='*.order' \
		--exclude='*.symvers' --exclude=neuron_config.h "${paths[@]}" |
		tar -xf - -C "$dest"
fi
