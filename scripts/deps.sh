#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh [--stage NAME] PACKAGE... - install the Debian packages that are missing.
#
# Every Debian package any stage of the build or the tests needs is
# installed through this script, by the file of that stage, so that a fresh
# machine (and CI's pristine root, scripts/fresh-root.sh) gets it without a
# manual step.  Idempotent and silent when everything is already installed,
# so "make" can call it on every run.  Needs root only when something is
# missing.  Any failure names the stage and the packages it concerns.
set -euo pipefail

stage=build
if [[ ${1:-} == --stage ]]; then
	stage=${2:?}
	shift 2
fi
fail() {
	echo "deps: FAIL: stage '$stage': $*" >&2
	exit 1
}

installed() {
	# "ii " = installed and configured; anything else needs apt-get.
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true) == "ii " ]]
}

missing=()
for pkg in "$@"; do
	installed "$pkg" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: stage '$stage': installing ${missing[*]}" >&2
[[ $(id -u) -eq 0 ]] ||
	fail "not root; install them with: apt-get install ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt-get (another checkout, a parallel stage) instead
# of failing on its lock.
apt_install() {
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
		"${missing[@]}" >"$log" 2>&1
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt's DPkg::Lock::Timeout waits for dpkg's lock but not for the lock of
# the .deb archive, which CI's pristine roots share (scripts/fresh-root.sh):
# two roots installing at once would fail at once.  Queue behind each other.
exec 7>>/var/cache/apt/archives/.neuron-deps.lock
flock -w 1200 7 || fail "waited 20 min for another apt-get to finish"
# Stale or empty package lists (fresh machine): update once and retry.
if ! apt_install; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq >>"$log" 2>&1 || true
	if ! apt_install; then
		grep -E '^(E|W): ' "$log" >&2 || tail -n 20 "$log" >&2
		fail "apt-get install ${missing[*]} failed"
	fi
fi
for pkg in "${missing[@]}"; do
	installed "$pkg" || fail "package $pkg is still not installed after apt-get"
done
