#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sparse.sh - build neuron.ko with W=1 and sparse (make C=2) and fail on
# their warnings.
#
# C=2 checks every source file whether or not it needs rebuilding; the
# objects are removed first so that the compiler (W=1: extra warnings and
# kernel-doc) sees every file too.  Only diagnostics in our own files
# count: Debian's headers are not ours.
# Environment: KDIR (kernel build tree), MAKE.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${KDIR:?KDIR must be set (make sparse sets it)}"
MAKE=${MAKE:-make}

if [[ ! -f drivers/accel/neuron/Makefile ]]; then
	echo "sparse: no driver sources yet"
	exit 77
fi
command -v sparse >/dev/null || scripts/deps.sh --stage sparse sparse

log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
# Without the caller's MAKEFLAGS: "make -s" would silence kbuild's CHECK
# lines, and they are how we know sparse ran at all.
rm -f drivers/accel/neuron/*.o
env -u MAKEFLAGS -u MAKELEVEL "$MAKE" -C "$KDIR" M="$PWD" CONFIG_DRM_ACCEL_NEURON=m W=1 C=2 modules >"$log" 2>&1 || rc=$?
# Our files appear with absolute (M=) or relative paths; kernel-doc
# warnings have no column.
ours=$(grep -E '(^|/)(drivers/accel/neuron|include/uapi/drm)/[^:]+:[0-9]+(:[0-9]+)?: (warning|error):' "$log" || true)
if [[ $rc -ne 0 ]]; then
	cat "$log"
	echo "sparse: FAIL: the C=2 module build failed (exit $rc)"
	exit 1
fi
if [[ -n $ours ]]; then
	echo "$ours"
	echo "sparse: FAIL: $(echo "$ours" | wc -l) W=1 or sparse diagnostics in our files"
	exit 1
fi
checked=$(grep -c '  CHECK ' "$log" || true)
if [[ $checked -eq 0 ]]; then
	cat "$log"
	echo "sparse: FAIL: sparse checked no file"
	exit 1
fi
echo "sparse: W=1 and sparse clean ($checked files checked)"
