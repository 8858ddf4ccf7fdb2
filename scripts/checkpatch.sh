#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.sh [FILE...] - the kernel's checkpatch.pl --strict on the driver.
#
# checkpatch.pl and its data files come from Debian's linux-source-6.12
# (the kernel we target), extracted once into $NEURON_CACHE/checkpatch/<ver>.
# Default files: drivers/accel/neuron/*.[ch] (not generated ones) and the
# uAPI header.  Any ERROR, WARNING or CHECK fails (checkpatch's exit status).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
tarball=/usr/src/linux-source-6.12.tar.xz

[[ -f $tarball ]] || scripts/deps.sh --stage checkpatch linux-source-6.12
ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
dir=$NEURON_CACHE/checkpatch/$ver
if [[ ! -x $dir/checkpatch.pl ]]; then
	echo "checkpatch: extracting checkpatch.pl from $tarball ($ver)"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$tarball" -C "$tmp" \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
	mkdir -p "$dir"
	# checkpatch.pl looks for its data files next to itself.  Copy, then
	# rename: a concurrent run never sees a half-written file.
	for f in spelling.txt const_structs.checkpatch checkpatch.pl; do
		cp "$tmp/linux-source-6.12/scripts/$f" "$dir/$f.$$"
		mv -f "$dir/$f.$$" "$dir/$f"
	done
fi

if [[ $# -eq 0 ]]; then
	shopt -s nullglob
	for f in drivers/accel/neuron/*.[ch] include/uapi/drm/neuron_accel.h; do
		case $f in
		*.mod.c | */neuron_config.h) ;;	# generated
		*) set -- "$@" "$f" ;;
		esac
	done
fi
if [[ $# -eq 0 ]]; then
	echo "checkpatch: no driver sources yet"
	exit 77
fi

failed=()
for f in "$@"; do
	# --no-tree: we are not in a kernel tree; -f: a file, not a patch.
	if ! out=$(perl "$dir/checkpatch.pl" --strict --no-tree --no-summary \
			--show-types --color=never -f "$f" 2>&1); then
		echo "$out"
		failed+=("$f")
	fi
done
n=$#
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "checkpatch: FAIL: ${failed[*]}"
	echo "$((n - ${#failed[@]})) passed, ${#failed[@]} failed, 0 skipped"
	exit 1
fi
echo "checkpatch: $n files clean (--strict)"
echo "$n passed, 0 failed, 0 skipped"
