#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fresh-root.sh - run a command of this project in a pristine Debian root.
#
# Usage: scripts/fresh-root.sh [--cold] [--commit REV] [--timeout SECS] -- COMMAND...
#
# Proves what README promises a fresh build machine: a new Debian bookworm
# root (debootstrap --variant=minbase plus only what a stock build machine
# has: build-essential git ca-certificates python3), this machine's apt
# source configuration copied in, the commit under test cloned into
# /build/neuron, and COMMAND (e.g. "make check") run there through chroot
# in private mount and PID namespaces with /proc, /sys, /dev and /dev/pts.
# Everything else - every Debian package, the QEMU build, the guest kernel -
# the project's own files must install or build inside that root.
#
# Nothing of the host's installed packages or of its NEURON_CACHE enters the
# root.  Unless --cold, these are reused from $NEURON_CI_DIR; each is a pure
# function of its inputs, and what is missing is made inside the root:
#   rootfs/<key>.tar     the freshly debootstrapped root (pristine by
#                        construction; key: suite, mirror, package set,
#                        debootstrap version; remade after 7 days)
#   artefacts/qemu-bin   QEMU binaries and qtests, keyed by the hash of the
#                        model, its tests and the Debian QEMU source version
#                        (the root's /var/cache/neuron/qemu/bin)
#   artefacts/kernel     unpacked Debian guest kernels, keyed by version
#                        (the root's /var/cache/neuron/kernel)
#   artefacts/checkpatch checkpatch.pl and its data files, keyed by the
#                        linux-source-6.12 version (/var/cache/neuron/checkpatch)
#   artefacts/linux-source  unpacked Debian kernel sources, keyed by version
#   artefacts/kbuild     7.3 trees built with the debug guest config, keyed by
#                        source version and config hash (scripts/mainline-build.sh
#                        copies our sources in by content, so kbuild rebuilds
#                        exactly what differs from whoever built it last)
#   artefacts/patches    the 7.3 tree as a git repository and its prepared
#                        build directory for the upstream series, keyed by
#                        source version and config hash (scripts/patches-check.sh
#                        resets the tree to its base commit before use)
#   artefacts/sparse     sparse built from Debian's source, keyed by version
#   artefacts/apt-private  .deb files of the private apt configuration
#   artefacts/apt        downloaded .deb files, keyed by name and version,
#                        checked by apt against the signed archive before
#                        use (the root's /var/cache/apt/archives)
# --cold uses none of them and stores nothing.
#
# The root is removed on every exit path: the mounts live in a private mount
# namespace and every process in a private PID namespace, so they vanish
# with the run, even if it is killed; a root left by a killed run is removed
# by the next one.  The logs of the run (the clone's build/logs) are copied
# to build/logs/fresh-root/ of this checkout.
#
# Exit status: COMMAND's; 124 if it ran longer than --timeout; 125 if the
# root could not be made.
#
# Environment:
#   NEURON_CI_DIR  where roots and caches live (default /var/cache/neuron-ci)
#   Passed into the root when set: CHECK_STAGES VM_TIMEOUT IGT_TIMEOUT
#   VM_SMP VM_MEM DEMO_DATA
set -euo pipefail

# All of it in one compound command, which bash parses before it runs any
# of it: a checkout edited during a long run cannot change what runs.
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CI_DIR=${NEURON_CI_DIR:-/var/cache/neuron-ci}
SUITE=bookworm
INCLUDE=build-essential,git,ca-certificates,python3
ROOTFS_MAX_AGE_DAYS=7
PASS_ENV=(CHECK_STAGES VM_TIMEOUT IGT_TIMEOUT VM_SMP VM_MEM DEMO_DATA)

cold=0 commit=HEAD timeout=0
say() { echo "fresh-root: $*" >&2; }
die() { say "ERROR: $*"; exit 125; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--cold) cold=1; shift ;;
	--commit) commit=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--) shift; break ;;
	*) sed -n '6p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2; exit 2 ;;
	esac
done
[[ $# -gt 0 ]] || die "no command given"
command=$*
[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, chroot, namespaces)"

rev=$(git -C "$HERE" rev-parse --verify "$commit^{commit}") ||
	die "$commit is not a commit of $HERE"
if [[ -n $(git -C "$HERE" status --porcelain --untracked-files=no) ]]; then
	say "note: uncommitted changes in $HERE are not tested; testing $rev"
fi

# The host needs debootstrap to make the root; nothing else of the host's
# is used inside it.
if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap on the host"
	"$HERE/scripts/deps.sh" --stage fresh-root debootstrap
fi

# ---------------------------------------------------------------------------
# The root, and its removal on every exit path.
# ---------------------------------------------------------------------------
mkdir -p "$CI_DIR/roots"
# Roots of runs that were killed: their PID (the directory name) is gone.
for d in "$CI_DIR"/roots/*/; do
	[[ -d $d ]] || continue
	pid=$(basename "$d")
	if ! kill -0 "$pid" 2>/dev/null; then
		grep -qF " ${d%/}/" /proc/self/mountinfo ||
			rm -rf --one-file-system "$d"
	fi
done
root=$CI_DIR/roots/$$
# A killed run whose PID this one reuses left it behind.
[[ -e $root ]] && rm -rf --one-file-system "$root"
run_pid=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $run_pid ]] && kill -0 "$run_pid" 2>/dev/null; then
		# unshare's death takes the namespace's PID 1 and with it
		# every process inside.
		kill -KILL "$run_pid" 2>/dev/null || true
		wait "$run_pid" 2>/dev/null || true
	fi
	if [[ -d $root/build/neuron/build/logs ]]; then
		rm -rf "$HERE/build/logs/fresh-root"
		mkdir -p "$HERE/build/logs"
		cp -r "$root/build/neuron/build/logs" "$HERE/build/logs/fresh-root" || true
	fi
	# The mounts were private to the run's namespace; refuse to recurse
	# into anything still mounted all the same.
	if grep -qF " $root/" /proc/self/mountinfo; then
		say "ERROR: something is still mounted under $root; not removing it"
	else
		rm -rf --one-file-system "$root"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The mirror this machine uses for Debian itself.
mirror=$(apt-get indextargets --format '$(SITE)' "Codename: $SUITE" \
	'Created-By: Packages' 2>/dev/null | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}

make_root() {
	local key tarball tmp
	key=$(printf '%s\n' "$SUITE" minbase "$INCLUDE" "$mirror" \
		"$(dpkg-query -W -f='${Version}' debootstrap)" | sha256sum | cut -c1-16)
	tarball=$CI_DIR/rootfs/$key.tar
	mkdir -p "$root"
	if [[ $cold -eq 0 && -f $tarball ]] &&
	   [[ -z $(find "$tarball" -mtime +$ROOTFS_MAX_AGE_DAYS) ]]; then
		say "root from $tarball"
		tar -xpf "$tarball" -C "$root"
		return
	fi
	say "debootstrap $SUITE (minbase + $INCLUDE) from $mirror"
	debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$root" \
		"$mirror" >"$CI_DIR/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$CI_DIR/debootstrap.log" >&2; die "debootstrap failed"; }
	if [[ $cold -eq 0 ]]; then
		mkdir -p "$CI_DIR/rootfs"
		tmp=$(mktemp "$CI_DIR/rootfs/.tar.XXXXXX")
		tar -cpf "$tmp" -C "$root" . && mv -f "$tmp" "$tarball"
		find "$CI_DIR/rootfs" -name '*.tar' ! -name "$key.tar" -delete
	fi
}
start=$(date +%s)
make_root

# This machine's apt source configuration: sources, the keys they name,
# and the Acquire settings (proxies, snapshot validity) its mirror needs.
copy_apt_config() {
	local f key
	cp /etc/apt/sources.list "$root/etc/apt/sources.list" 2>/dev/null ||
		: >"$root/etc/apt/sources.list"
	# ... but not what this project's scripts add themselves (the deb-src
	# entry of sim/qemu/build.sh): the root must show they still do.
	for f in /etc/apt/sources.list.d/*; do
		[[ $(basename "$f") == neuron-* ]] || cp -a "$f" "$root/etc/apt/sources.list.d/"
	done
	cp -a /etc/apt/trusted.gpg.d/. "$root/etc/apt/trusted.gpg.d/" 2>/dev/null || true
	for f in /etc/apt/apt.conf.d/*; do
		grep -qs '^[[:space:]]*Acquire' "$f" && cp "$f" "$root/etc/apt/apt.conf.d/"
	done
	for key in $(sed -n 's/^Signed-By: *\(\/[^ ]*\)$/\1/p; s/.*signed-by=\([^] ]*\).*/\1/p' \
			/etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | sort -u); do
		[[ -e $root$key || ! -e $key ]] && continue
		mkdir -p "$root$(dirname "$key")"
		cp "$key" "$root$key"
	done
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}
copy_apt_config

say "cloning $rev into /build/neuron"
git clone -q --no-hardlinks "$HERE" "$root/build/neuron"
git -C "$root/build/neuron" checkout -q --detach "$rev"

# Artefact caches, bound into the root where the project keeps them.
binds=()
if [[ $cold -eq 0 ]]; then
	binds=("$CI_DIR/artefacts/qemu-bin:/var/cache/neuron/qemu/bin"
	       "$CI_DIR/artefacts/kernel:/var/cache/neuron/kernel"
	       "$CI_DIR/artefacts/checkpatch:/var/cache/neuron/checkpatch"
	       "$CI_DIR/artefacts/linux-source:/var/cache/neuron/linux-source"
	       "$CI_DIR/artefacts/kbuild:/var/cache/neuron/kbuild"
	       "$CI_DIR/artefacts/patches:/var/cache/neuron/patches"
	       "$CI_DIR/artefacts/sparse:/var/cache/neuron/sparse"
	       "$CI_DIR/artefacts/apt-private:/var/cache/neuron/apt-private/cache/archives"
	       "$CI_DIR/artefacts/apt:/var/cache/apt/archives")
fi

envs=(HOME=/root LANG=C.UTF-8 TERM=dumb
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
for v in "${PASS_ENV[@]}"; do
	[[ -n ${!v:-} ]] && envs+=("$v=${!v}")
done

say "running in the root ($(($(date +%s) - start)) s to set up): $command"
# PID 1 of the new namespaces: mount, then chroot.
inner() {
	local b src dst
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	for b in "${binds[@]}"; do
		src=${b%%:*} dst=$root${b#*:}
		mkdir -p "$src" "$dst"
		mount --bind "$src" "$dst"
	done
	exec chroot "$root" /usr/bin/env -i "${envs[@]}" \
		/bin/bash -c "cd /build/neuron && $command"
}
export -f inner
export root command
binds_str=$(printf '%s\n' "${binds[@]}")
envs_str=$(printf '%s\n' "${envs[@]}")
export binds_str envs_str

# unshare ignores SIGTERM and SIGINT while it waits; SIGKILL takes it, and
# --kill-child then takes the namespace's PID 1, whose death ends every
# process of the run.
unshare --mount --pid --kill-child --propagation private -- /bin/bash -c '
	set -euo pipefail
	mapfile -t binds <<<"$binds_str"; [[ -n ${binds[0]} ]] || binds=()
	mapfile -t envs <<<"$envs_str"
	inner' &
run_pid=$!
timed_out=0
if [[ $timeout -gt 0 ]]; then
	deadline=$(($(date +%s) + timeout))
	while kill -0 "$run_pid" 2>/dev/null; do
		if [[ $(date +%s) -ge $deadline ]]; then
			timed_out=1
			kill -KILL "$run_pid"
			break
		fi
		sleep 2
	done
fi
rc=0
{ wait "$run_pid"; } 2>/dev/null || rc=$?	# no job-control "Killed" line
run_pid=
if [[ $timed_out -eq 1 ]]; then
	say "TIMEOUT: $command ran longer than $timeout s"
	rc=124
fi
say "$command: exit status $rc after $(($(date +%s) - start)) s"
exit "$rc"
}
