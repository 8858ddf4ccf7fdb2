#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild-lib.sh - what the scripts that build Linux 7.3 trees share
# (mainline-build.sh, patches-check.sh); sourced, needs ROOT and say()/die().
# The variables it sets are for the scripts that source it.
# shellcheck disable=SC2034

# What building a kernel tree needs beyond a C toolchain (libelf: objtool).
KBUILD_PKGS=(make gcc libc6-dev flex bison bc libelf-dev libssl-dev kmod cpio)

# kbuild_source SERIES FRAGMENT RECIPE: the unpacked linux-source-SERIES
# (scripts/kernel-source.sh) in KB_PRISTINE, its package version in
# KB_SRCVER, and in KB_CFGHASH the hash of the config recipe (the fragment
# and how it is applied) that keys the caches built from it.
kbuild_source() {
	KB_PRISTINE=$("$ROOT/scripts/kernel-source.sh" "$1" | tail -n 1)
	KB_SRCVER=$(cut -d' ' -f2 "$(dirname "$KB_PRISTINE")/.version")
	KB_CFGHASH=$( { cat "$2"; echo "$3"; } | sha256sum | cut -c1-12)
}

# kbuild_lock FILE: one build at a time per cache directory (checkouts
# share the cache).  Holds the lock on fd 8 until the script exits.
kbuild_lock() {
	exec 8>"$1"
	if ! flock -n 8; then
		say "waiting for another build ($1)"
		flock 8
	fi
}

# kbuild_copy_tree FROM TO: hard links, seconds instead of a minute and
# 1.5 GB less; nothing may write into TO in place.  Across file systems
# (bind mounts), a real copy.
kbuild_copy_tree() {
	cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }
}

# kbuild_verify_config FRAGMENT CONFIG: every line of the fragment holds
# in the .config; names those that do not.
kbuild_verify_config() {
	local line opt want bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			if grep -q "^$opt=" "$2"; then
				say "config: $opt is $(grep "^$opt=" "$2"), the fragment wants it unset"
				bad=1
			fi
		elif [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			opt=${BASH_REMATCH[1]} want=$line
			if ! grep -qxF "$want" "$2"; then
				say "config: the fragment wants $want, got: $(grep "^$opt=" "$2" || echo unset)"
				bad=1
			fi
		fi
	done <"$1"
	return $bad
}
