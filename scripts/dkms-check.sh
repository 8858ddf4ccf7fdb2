#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-check.sh - prove "dkms add/build/install" works, then leave no trace.
#
# Copies the DKMS source set to /usr/src/neuron-<VERSION> (what the
# neuron-dkms package ships: scripts/dkms-source.sh), runs dkms add, build
# and install for the kernel KVER (the headers version; not necessarily the
# running kernel), checks the installed module, then dkms remove --all and
# deletes the copy.  The udev rule and the group are the package's (the
# packages stage, scripts/packages-check.sh, checks them).
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
if [[ $(dpkg-query -W -f='${db:Status-Abbrev}' neuron-dkms 2>/dev/null || true) == ?i* ]]; then
	# Its /usr/src/neuron-<ver> and DKMS registration are not ours to remove.
	echo "dkms-check: the neuron-dkms package is installed; not touching its DKMS tree"
	exit 77
fi

# One at a time per machine: every checkout (and the packages stage) uses
# the same /usr/src and /var/lib/dkms paths.
exec 9>/var/lock/neuron-dkms-check.lock
flock 9

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
ver=$(cat VERSION)
src=/usr/src/$name-$ver

cleanup() {
	dkms remove "$name/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
trap cleanup EXIT

# A previous, interrupted run may have left the module registered.
cleanup

# The source set the Debian package ships (scripts/dkms-source.sh), and
# dkms.conf with its version filled in, as dh_dkms -V does.
scripts/dkms-source.sh "$src"
sed "s/#MODULE_VERSION#/$ver/" dkms.conf >"$src/dkms.conf"

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
echo "dkms-check: installed ${ko[0]} ($vermagic, version $modver)"

dkms remove "$name/$ver" --all || fail "dkms remove --all"
[[ ! -e ${ko[0]} ]] || fail "${ko[0]} still there after dkms remove"
[[ -z $(dkms status "$name/$ver") ]] || fail "dkms still lists $name/$ver"
echo "dkms-check: add/build/install/remove for $KVER: OK"
