#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh PACKAGE... - install the Debian packages that are missing.
#
# Idempotent and silent when everything is already installed, so "make"
# can call it on every run.  Needs root only when something is missing;
# CI starts from a fresh bookworm machine, developers usually do not.
set -euo pipefail

missing=()
for pkg in "$@"; do
	# "ii " = installed and configured; anything else needs apt-get.
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	[[ $status == "ii " ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "deps: not root; install them with: apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
# Stale or empty package lists (fresh machine): update once and retry.
if ! apt_install; then
	apt-get update -qq
	apt_install
fi
