#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-source.sh [--tarball] SERIES - Debian's linux-source-SERIES, unpacked.
#
# Fetches linux-source-SERIES (e.g. 7.3 from trixie-backports, 6.12 from
# bookworm) with "apt-get download" through a private apt configuration,
# and unpacks it into the cache, keyed by the exact package version:
#
#   $NEURON_CACHE/linux-source/<version>/linux-source-SERIES.tar.xz
#   $NEURON_CACHE/linux-source/<version>/linux-source-SERIES/   (the tree)
#
# Nothing is installed on this machine and its apt sources are never
# changed.  The private configuration lives in $NEURON_CACHE/apt-private:
# its own sources list (the mirrors this machine's Debian sources already
# name, plus trixie-backports on the same mirror), its own lists (Dir::State)
# and downloads (Dir::Cache); the host's apt.conf.d is still read, for the
# Acquire settings (proxies, snapshot validity) the mirror needs.
#
# Prints the version and the tree on stderr, and the tree's absolute path
# (or with --tarball, the tarball's, without unpacking) as the last line on
# stdout.  Each tree is a pure function of its version: once complete
# (.complete stamp) it is never written again.
#
# Environment: NEURON_CACHE (default /var/cache/neuron).
set -euo pipefail

NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# Lists older than this are refreshed before a version is chosen.
MAX_LIST_AGE_MIN=$((24 * 60))

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

apt_dir=$NEURON_CACHE/apt-private
src_dir=$NEURON_CACHE/linux-source
mkdir -p "$apt_dir" "$src_dir"
exec 9>"$src_dir/.lock"
flock 9

[[ -f $KEYRING ]] || "$(dirname "$0")/deps.sh" --stage kernel-source debian-archive-keyring

# ---------------------------------------------------------------------------
# The private apt configuration.
# ---------------------------------------------------------------------------
# Every Debian suite this machine's sources name (same mirror, main), and
# trixie-backports next to its bookworm suite.  Components other than main
# and other archives (third-party repositories) are not needed.
write_sources() {
	local site rel bookworm_site
	{
		apt-get indextargets --format '$(SITE) $(RELEASE)' \
			'Created-By: Packages' 'Component: main' 2>/dev/null |
			sort -u | while read -r site rel; do
			echo "deb [signed-by=$KEYRING] $site $rel main"
		done
		bookworm_site=$(apt-get indextargets --format '$(SITE)' \
			'Codename: bookworm' 'Created-By: Packages' 2>/dev/null |
			head -n 1)
		echo "deb [signed-by=$KEYRING] ${bookworm_site:-http://deb.debian.org/debian} trixie-backports main"
	} | awk '!seen[$0]++' >"$apt_dir/sources.list.new"
	if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list"; then
		mv -f "$apt_dir/sources.list.new" "$apt_dir/sources.list"
		rm -f "$apt_dir/.updated"
	else
		rm -f "$apt_dir/sources.list.new"
	fi
}
write_sources
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/preferences.d" \
	"$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial"
: >"$apt_dir/preferences"
APT_OPTS=(
	-o "Dir::Etc::sourcelist=$apt_dir/sources.list"
	-o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
	-o "Dir::Etc::preferences=$apt_dir/preferences"
	-o "Dir::Etc::preferencesparts=$apt_dir/preferences.d"
	-o "Dir::State=$apt_dir/state"
	-o "Dir::Cache=$apt_dir/cache"
	# The host's pkgcache settings (e.g. Docker's "none") are irrelevant
	# here; our own binary caches make repeated queries fast.
	-o "Dir::Cache::pkgcache=pkgcache.bin"
	-o "Dir::Cache::srcpkgcache=srcpkgcache.bin"
)

apt_update() {
	say "apt-get update (private lists in $apt_dir)"
	apt-get "${APT_OPTS[@]}" -q update >"$apt_dir/update.log" 2>&1 || {
		grep -E '^(E|W):' "$apt_dir/update.log" >&2 || tail -n 20 "$apt_dir/update.log" >&2
		die "apt-get update with the private configuration failed"
	}
	touch "$apt_dir/.updated"
}
if [[ ! -e $apt_dir/.updated ]] ||
   [[ -n $(find "$apt_dir/.updated" -mmin +$MAX_LIST_AGE_MIN) ]]; then
	apt_update
fi

candidate() {
	apt-cache "${APT_OPTS[@]}" policy "$pkg" 2>/dev/null |
		sed -n 's/^  Candidate: //p' | grep -v '(none)' || true
}
ver=$(candidate)
if [[ -z $ver ]]; then
	apt_update
	ver=$(candidate)
fi
[[ -n $ver ]] || die "no $pkg in $(awk '{print $3, $4}' "$apt_dir/sources.list" | paste -sd,)"

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
		apt_update
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
