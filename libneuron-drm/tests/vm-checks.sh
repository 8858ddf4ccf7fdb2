#!/bin/sh
# SPDX-License-Identifier: MIT
#
# vm-checks.sh - every VM check of libneuron-drm ("make vm-check", the
# lib-vm-json stage of make check): tests/vm-json-check.sh (one test),
# tests/vm-copy-limit-check.sh and tests/vm-tools-check.sh (their own
# PASS/FAIL lines), summed into one
# "N passed, N failed, N skipped" line.  Exit status 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0
sh "$here/vm-json-check.sh"
case $? in
0) pass=$((pass + 1)) ;;
77) skip=$((skip + 1)) ;;
*) fail=$((fail + 1)) ;;
esac
log=$(mktemp /tmp/neuron-vm-checks.XXXXXX)
trap 'rm -f "$log"' EXIT
# vm-run.sh --copy over the initramfs limit: refused before booting
sh "$here/vm-copy-limit-check.sh" >"$log" 2>&1
cat "$log"
pass=$((pass + $(grep -c '^PASS ' "$log"))) fail=$((fail + $(grep -c '^FAIL ' "$log")))
sh "$here/vm-tools-check.sh" >"$log" 2>&1
rc=$?
grep -v '^[0-9]* passed, ' "$log"
# shellcheck disable=SC2046 # three numbers, split on purpose
set -- $(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log")
if [ $# -eq 3 ]; then
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
	[ $rc -eq 0 ] || [ "$2" -gt 0 ] || fail=$((fail + 1))
else
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
