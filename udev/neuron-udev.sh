#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# neuron-udev.sh install|remove - DKMS POST_INSTALL/POST_REMOVE hook.
#
# install: create the system group "neuron" and install 70-neuron.rules, so
#          /dev/accel/accel* of neuron devices become root:neuron 0660.
# remove:  drop the rule once no kernel has neuron.ko installed by DKMS any
#          more (POST_REMOVE runs once per kernel).  The group stays, as
#          Debian packages leave system groups behind: files may belong to it.
# Both are idempotent.  RULES_DIR overrides /etc/udev/rules.d (for tests).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rules_dir=${RULES_DIR:-/etc/udev/rules.d}
rule=$rules_dir/70-neuron.rules

reload() {
	# Not fatal: containers and chroots have no running udevd.
	if command -v udevadm >/dev/null 2>&1; then
		udevadm control --reload-rules 2>/dev/null || true
		udevadm trigger --subsystem-match=accel 2>/dev/null || true
	fi
}

case ${1:-} in
install)
	getent group neuron >/dev/null || groupadd --system neuron
	install -D -m 0644 "$here/70-neuron.rules" "$rule"
	reload
	;;
remove)
	shopt -s nullglob
	left=(/lib/modules/*/updates/dkms/neuron.ko*)
	if [[ ${#left[@]} -eq 0 && -e $rule ]]; then
		rm -f "$rule"
		reload
	fi
	;;
*)
	echo "usage: $0 install|remove" >&2
	exit 2
	;;
esac
