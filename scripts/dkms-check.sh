#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-check.sh - prove "dkms add/build/install" works, then leave no trace.
#
# Copies the DKMS source set to /usr/src/neuron-<ver> (what a package would
# ship), runs dkms add, build and install for the kernel KVER (the headers
# version; not necessarily the running kernel), checks the installed module
# and the udev rule, then dkms remove --all and deletes the copy.  State
# that this script created (the rule, the group) is removed again as well.
# Environment: KVER (default: scripts/kver.sh).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
KVER=${KVER:-$(scripts/kver.sh)}
if [[ ! -f drivers/accel/neuron/Makefile ]]; then
	echo "dkms-check: no driver sources yet"
	exit 77
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "dkms-check: FAIL: needs root (dkms installs into /usr/src, /var/lib/dkms)"
	exit 1
fi
scripts/deps.sh --stage dkms dkms "linux-headers-$KVER"

# One at a time per machine: every checkout uses the same /usr/src and
# /var/lib/dkms paths.
exec 9>/var/lock/neuron-dkms-check.lock
flock 9

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
ver=$(cat VERSION)
src=/usr/src/$name-$ver
rules=/etc/udev/rules.d/70-neuron.rules
had_group=0 had_rule=0
getent group neuron >/dev/null && had_group=1
[[ -e $rules ]] && had_rule=1

cleanup() {
	dkms remove "$name/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
	[[ $had_rule -eq 1 ]] || rm -f "$rules"
	if [[ $had_group -eq 0 ]] && getent group neuron >/dev/null; then
		groupdel neuron
	fi
}
trap cleanup EXIT

# A previous, interrupted run may have left the module registered.
cleanup

# The source set: everything tracked (or new and not ignored) under these
# paths; no build output.
mkdir -p "$src"
paths=(Makefile Kbuild dkms.conf VERSION LICENSE README.md drivers/accel/neuron
	include/uapi scripts/kernel-probes.sh scripts/kver.sh scripts/deps.sh udev)
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -- "${paths[@]}" |
		while read -r f; do [[ -f $f ]] && echo "$f"; done |
		tar -cf - -T - | tar -xf - -C "$src"
else
	tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude=neuron_config.h "${paths[@]}" |
		tar -xf - -C "$src"
fi

# dkms.conf carries a placeholder for the version (the Debian package's
# dh_dkms -V fills it in the same way).
sed -i "s/#MODULE_VERSION#/$ver/" "$src/dkms.conf"

fail() {
	echo "dkms-check: FAIL: $*"
	local log=/var/lib/dkms/$name/$ver/build/make.log
	if [[ -f $log ]]; then
		tail -n 40 "$log"
	fi
	exit 1
}

dkms add "$name/$ver" || fail "dkms add"
dkms build "$name/$ver" -k "$KVER" || fail "dkms build -k $KVER"
dkms install "$name/$ver" -k "$KVER" || fail "dkms install -k $KVER"

shopt -s nullglob
ko=(/lib/modules/"$KVER"/updates/dkms/neuron.ko*)
[[ ${#ko[@]} -eq 1 ]] || fail "no neuron.ko under /lib/modules/$KVER/updates/dkms"
vermagic=$(modinfo -F vermagic "${ko[0]}" | cut -d' ' -f1)
[[ $vermagic == "$KVER" ]] || fail "installed module has vermagic $vermagic, not $KVER"
modver=$(modinfo -F version "${ko[0]}")
[[ $modver == "$ver" ]] || fail "installed module has version '$modver', not $ver (VERSION)"
[[ $(dkms status "$name/$ver") == *"$KVER"*installed* ]] || fail "dkms status does not say installed"
[[ -f $rules ]] || fail "POST_INSTALL did not install $rules"
getent group neuron >/dev/null || fail "POST_INSTALL did not create group neuron"
grep -q 'MODE="0660"' "$rules" || fail "$rules does not set mode 0660"
echo "dkms-check: installed ${ko[0]} ($vermagic), udev rule and group present"

dkms remove "$name/$ver" --all || fail "dkms remove --all"
[[ ! -e ${ko[0]} ]] || fail "${ko[0]} still there after dkms remove"
[[ $had_rule -eq 1 || ! -e $rules ]] || fail "POST_REMOVE left $rules behind"
[[ -z $(dkms status "$name/$ver") ]] || fail "dkms still lists $name/$ver"
echo "dkms-check: add/build/install/remove for $KVER: OK"
