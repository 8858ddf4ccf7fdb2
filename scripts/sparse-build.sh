#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse-build.sh - a sparse that mainline accepts, built from Debian's source.
#
# Linux 7.3 runs sparse only if it understands __typeof_unqual__
# (scripts/checker-valid.sh); bookworm's sparse 0.6.4 does not, and newer
# binary packages need a newer libc.  So the newest sparse source package
# of the archive (sid's, through the private apt configuration of
# scripts/apt-private.sh) is fetched with "apt-get source", unpacked with
# dpkg-source and its "sparse" program built, into
#
#   $NEURON_CACHE/sparse/<source version>/bin/sparse
#
# a pure function of that version.  Nothing is installed on the host.  The
# last line on stdout is the binary's path.
# Environment: NEURON_CACHE (default /var/cache/neuron).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}

say() { echo "sparse-build: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

"$HERE/deps.sh" --stage sparse-build make gcc libc6-dev dpkg-dev

mkdir -p "$NEURON_CACHE/sparse"
exec 9>"$NEURON_CACHE/sparse/.lock"
flock 9

# shellcheck source=scripts/apt-private.sh disable=SC1091
. "$HERE/apt-private.sh"
apt_private_setup

newest() {
	apt-cache "${APT_OPTS[@]}" showsrc sparse 2>/dev/null |
		sed -n 's/^Version: //p' | sort -V | tail -n 1
}
ver=$(newest)
if [[ -z $ver ]]; then
	apt_private_update
	ver=$(newest)
fi
[[ -n $ver ]] || die "no sparse source package in the private apt sources"
dir=$NEURON_CACHE/sparse/$ver

if [[ ! -x $dir/bin/sparse ]]; then
	start=$(date +%s)
	say "building sparse $ver from Debian's source (not installed on the host)"
	tmp=$(mktemp -d "$NEURON_CACHE/sparse/.build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt drops privileges to _apt for downloads into the current directory.
	chmod 755 "$tmp"
	(cd "$tmp" && apt-get "${APT_OPTS[@]}" -q source --download-only "sparse=$ver" \
		>"$tmp/log" 2>&1) || { cat "$tmp/log" >&2; die "apt-get source sparse=$ver failed"; }
	# apt checked the files against the signed Sources index.
	(cd "$tmp" && dpkg-source --no-check -x ./*.dsc src >>"$tmp/log" 2>&1) ||
		{ cat "$tmp/log" >&2; die "dpkg-source -x failed"; }
	# CC: Debian's patches name sid's gcc; sparse takes the builtin
	# include directory of the compiler it is built with, so build it
	# with the one that compiles the kernel here.
	make -C "$tmp/src" -j"$(nproc)" CC=gcc sparse >>"$tmp/log" 2>&1 ||
		{ tail -n 30 "$tmp/log" >&2; die "building sparse $ver failed"; }
	mkdir -p "$tmp/out/bin"
	cp "$tmp/src/sparse" "$tmp/out/bin/sparse"
	echo "sparse $ver (Debian source package)" >"$tmp/out/.version"
	rm -rf "$dir"
	mv "$tmp/out" "$dir"
	rm -rf "$tmp"
	trap - EXIT
	say "built sparse $ver in $(($(date +%s) - start)) s"
fi
say "sparse $ver: $dir/bin/sparse"
echo "$dir/bin/sparse"
