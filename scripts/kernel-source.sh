#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-source.sh [--tarball] SERIES - Debian's linux-source-SERIES, unpacked.
#
# Fetches linux-source-SERIES (e.g. 7.3 from trixie-backports, 6.12 from
# bookworm) with "apt-get download" through a private apt configuration
# (scripts/apt-private.sh), and unpacks it into the cache, keyed by the
# exact package version:
#
#   $NEURON_CACHE/linux-source/<version>/linux-source-SERIES.tar.xz
#   $NEURON_CACHE/linux-source/<version>/linux-source-SERIES/   (the tree)
#
# Nothing is installed on this machine and its apt sources are never
# changed.
#
# Prints the version and the tree on stderr, and the tree's absolute path
# (or with --tarball, the tarball's, without unpacking) as the last line on
# stdout.  Each tree is a pure function of its version: once complete
# (.complete stamp) it is never written again.
#
# Environment: NEURON_CACHE (default /var/cache/neuron).
set -euo pipefail

NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}

say() { echo "kernel-source: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

tarball_only=0
if [[ ${1:-} == --tarball ]]; then
	tarball_only=1
	shift
fi
series=${1:-}
[[ $series =~ ^[0-9]+\.[0-9]+$ ]] ||
	die "usage: kernel-source.sh [--tarball] SERIES (e.g. 7.3 or 6.12)"
pkg=linux-source-$series

"$(dirname "${BASH_SOURCE[0]}")/deps.sh" --stage kernel-source xz-utils

src_dir=$NEURON_CACHE/linux-source
mkdir -p "$src_dir"
exec 9>"$src_dir/.lock"
flock 9

# shellcheck source=scripts/apt-private.sh disable=SC1091
. "$(dirname "${BASH_SOURCE[0]}")/apt-private.sh"
apt_private_setup

candidate() {
	apt-cache "${APT_OPTS[@]}" policy "$pkg" 2>/dev/null |
		sed -n 's/^  Candidate: //p' | grep -v '(none)' || true
}
ver=$(candidate)
if [[ -z $ver ]]; then
	apt_private_update
	ver=$(candidate)
fi
[[ -n $ver ]] || die "no $pkg in the private apt sources ($NEURON_CACHE/apt-private/sources.list)"

dir=$src_dir/$ver
tar=$dir/$pkg.tar.xz
tree=$dir/$pkg

# ---------------------------------------------------------------------------
# Download and unpack, each step only once per version.
# ---------------------------------------------------------------------------
if [[ ! -e $dir/.tarball-complete ]]; then
	start=$(date +%s)
	say "downloading $pkg $ver (not installed on the host)"
	tmp=$(mktemp -d "$src_dir/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# apt drops privileges to _apt for downloads into the current directory.
	chmod 755 "$tmp"
	if ! (cd "$tmp" && apt-get "${APT_OPTS[@]}" -q download "$pkg=$ver" >"$tmp/log" 2>&1); then
		apt_private_update
		(cd "$tmp" && apt-get "${APT_OPTS[@]}" -q download "$pkg=$ver" >"$tmp/log" 2>&1) || {
			cat "$tmp/log" >&2
			die "apt-get download $pkg=$ver failed"
		}
	fi
	dpkg-deb --fsys-tarfile "$tmp"/"${pkg}"_*.deb |
		tar -xf - -C "$tmp" "./usr/src/$pkg.tar.xz"
	mkdir -p "$dir"
	mv -f "$tmp/usr/src/$pkg.tar.xz" "$tar"
	rm -rf "$tmp"
	trap - EXIT
	echo "$pkg $ver" >"$dir/.version"
	touch "$dir/.tarball-complete"
	say "downloaded $pkg $ver in $(($(date +%s) - start)) s"
fi

if [[ $tarball_only -eq 1 ]]; then
	say "$pkg $ver: $tar"
	echo "$tar"
	exit 0
fi

if [[ ! -e $dir/.complete ]]; then
	start=$(date +%s)
	say "unpacking $pkg $ver into $tree"
	tmp=$(mktemp -d "$dir/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xJf "$tar" -C "$tmp"
	[[ -f $tmp/$pkg/Makefile ]] || die "$tar has no $pkg/Makefile"
	rm -rf "$tree"
	mv "$tmp/$pkg" "$tree"
	rm -rf "$tmp"
	trap - EXIT
	touch "$dir/.complete"
	say "unpacked $pkg $ver in $(($(date +%s) - start)) s"
fi
say "$pkg $ver: $tree"
echo "$tree"
