#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mainline-build.sh [--check] - the driver in tree on Linux 7.3, and the
# debug guest kernel built from that tree.
#
# Puts drivers/accel/neuron/ and include/uapi/drm/neuron_accel.h into a copy
# of Debian's linux-source-7.3 (scripts/kernel-source.sh) with the
# drivers/accel/Kconfig and Makefile lines an upstream patch adds,
# configures it with "make tinyconfig" plus scripts/kconfig/debug-guest.config
# (KASAN, lockdep, kmemleak, ...; the driver as a module) and builds
# bzImage and the modules with W=1, out of the source tree (O=).  The build
# directory is kept, so a warm run only rebuilds what changed (our files).
#
#   --check   then rebuild the driver alone with W=1 and sparse (C=2; the
#             sparse of scripts/sparse-build.sh) and fail on any compiler,
#             kernel-doc, modpost or sparse warning in our files, and run
#             7.3's checkpatch.pl --strict on them
#
# Layout, keyed by the source package version and the hash of the config
# recipe (the fragment and this script's KCONFIG_RECIPE):
#   $NEURON_CACHE/kbuild/<version>-<hash>/src/   hard-linked copy of the
#                            unpacked tree + the hooks + our sources
#   $NEURON_CACHE/kbuild/<version>-<hash>/obj/   kbuild output (O=)
#   $NEURON_CACHE/kbuild/<version>-<hash>/root/  boot/vmlinuz-<release> and
#                            lib/modules/<release>/ (modules_install), what
#                            scripts/vm-run.sh --kernel debug boots
# Our sources are copied in only when their content changed (the copy gets
# a new mtime, everything else keeps its old one), so whoever built the
# directory last, kbuild rebuilds exactly what differs.
#
# The last line on stdout is the kbuild directory.
# Environment: NEURON_CACHE, MAKE, JOBS (default: CPUs + 1),
#   NEURON_KBUILD_LOCKED=1 when the caller holds $NEURON_CACHE/kbuild/.lock.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
MAKE=${MAKE:-make}
JOBS=${JOBS:-$(($(nproc) + 1))}
SERIES=7.3
FRAGMENT=$ROOT/scripts/kconfig/debug-guest.config
# How the .config is made from the fragment; part of the cache key.
KCONFIG_RECIPE="tinyconfig + merge_config.sh -m + olddefconfig"

check=0
[[ ${1:-} == --check ]] && check=1

say() { echo "mainline: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }
# shellcheck source=scripts/kbuild-lib.sh
. "$ROOT/scripts/kbuild-lib.sh"

"$ROOT/scripts/deps.sh" --stage mainline "${KBUILD_PKGS[@]}"

kbuild_source "$SERIES" "$FRAGMENT" "$KCONFIG_RECIPE"
pristine=$KB_PRISTINE srcver=$KB_SRCVER cfghash=$KB_CFGHASH
kb=$NEURON_CACHE/kbuild/$srcver-$cfghash
src=$kb/src obj=$kb/obj
say "linux-source-$SERIES $srcver, config $cfghash ($KCONFIG_RECIPE" \
	"scripts/kconfig/debug-guest.config), in $kb"

# One build at a time: checkouts share the cache, and each puts its own
# driver sources into the tree.  NEURON_KBUILD_LOCKED=1: the caller
# (vm-run.sh) holds the lock already, to read root/ before anyone else
# rebuilds it.
mkdir -p "$NEURON_CACHE/kbuild"
[[ -n ${NEURON_KBUILD_LOCKED:-} ]] || kbuild_lock "$NEURON_CACHE/kbuild/.lock"

# ---------------------------------------------------------------------------
# The tree: the unpacked source, plus the two hooks of an upstream patch.
# ---------------------------------------------------------------------------
if [[ ! -e $kb/.src-complete ]]; then
	start=$(date +%s)
	rm -rf "$kb"
	mkdir -p "$kb"
	# Nothing writes into src in place (kbuild writes to O=, the hooks
	# and our files are new files), so the unpacked tree stays pristine.
	kbuild_copy_tree "$pristine" "$src"
	for f in Kconfig Makefile; do
		rm -f "$src/drivers/accel/$f"
		cp "$pristine/drivers/accel/$f" "$src/drivers/accel/$f"
	done
	# In alphabetical order, as a patch adding the driver would.
	sed -i 's|^source "drivers/accel/ivpu/Kconfig"$|&\nsource "drivers/accel/neuron/Kconfig"|' \
		"$src/drivers/accel/Kconfig"
	# shellcheck disable=SC2016 # $(CONFIG_...) is make's
	sed -i 's|^obj-$(CONFIG_DRM_ACCEL_IVPU)\t\t+= ivpu/$|&\nobj-$(CONFIG_DRM_ACCEL_NEURON)\t\t+= neuron/|' \
		"$src/drivers/accel/Makefile"
	if ! grep -q 'accel/neuron/Kconfig' "$src/drivers/accel/Kconfig" ||
	   ! grep -q 'DRM_ACCEL_NEURON' "$src/drivers/accel/Makefile"; then
		die "could not add the neuron hooks to drivers/accel/{Kconfig,Makefile}"
	fi
	touch "$kb/.src-complete"
	say "tree ready in $(($(date +%s) - start)) s"
fi

# Our sources, copied only when their content differs.
sync_file() {	# sync_file FROM TO
	cmp -s "$1" "$2" && return
	rm -f "$2"
	cp "$1" "$2"
	say "  updated ${2#"$src"/}"
}
mkdir -p "$src/drivers/accel/neuron"
declare -A ours=()
for f in "$ROOT"/drivers/accel/neuron/{Kconfig,Makefile,*.c,*.h}; do
	case $f in
	# Out-of-tree build products, and the out-of-tree compat header.
	*.mod.c | */neuron_config.h | */neuron_compat.h) continue ;;
	esac
	ours[$(basename "$f")]=1
	sync_file "$f" "$src/drivers/accel/neuron/$(basename "$f")"
done
for f in "$src"/drivers/accel/neuron/*; do
	[[ -n ${ours[$(basename "$f")]:-} ]] || { rm -f "$f"; say "  removed ${f#"$src"/}"; }
done
sync_file "$ROOT/include/uapi/drm/neuron_accel.h" "$src/include/uapi/drm/neuron_accel.h"

# ---------------------------------------------------------------------------
# The configuration, made once per key; every fragment line is verified.
# ---------------------------------------------------------------------------
kmake() { env -u MAKEFLAGS -u MAKELEVEL "$MAKE" -C "$src" O="$obj" "$@"; }

if [[ ! -e $kb/.config-complete ]]; then
	mkdir -p "$obj"
	kmake -s tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAGMENT" \
		>"$kb/merge_config.log" 2>&1 || { cat "$kb/merge_config.log" >&2; die "merge_config.sh failed"; }
	kmake -s olddefconfig
	kbuild_verify_config "$FRAGMENT" "$obj/.config" || die "scripts/kconfig/debug-guest.config does not apply to $SERIES ($srcver)"
	touch "$kb/.config-complete"
fi
# ---------------------------------------------------------------------------
# Build: the whole kernel with W=1 (one object state for this script and
# for the debug kernel).
# ---------------------------------------------------------------------------
mkdir -p "$ROOT/build/logs"
log=$ROOT/build/logs/mainline-kernel.log
start=$(date +%s)
{
	echo "linux-source-$SERIES $srcver, config $cfghash"
	kmake -j"$JOBS" W=1 bzImage modules
} >"$log" 2>&1 || {
	grep -E ': error:|^make.*Error' "$log" | head -n 40 >&2
	die "kernel build failed (log $log)"
}
release=$(cat "$obj/include/config/kernel.release")
say "kernel $release and modules built in $(($(date +%s) - start)) s (log $log)"

# ---------------------------------------------------------------------------
# --check: the driver alone, recompiled with W=1 and checked by sparse.
# ---------------------------------------------------------------------------
if [[ $check -eq 1 ]]; then
	# 7.3 needs a sparse that knows __typeof_unqual__; bookworm's does not.
	sparse=$("$ROOT/scripts/sparse-build.sh" | tail -n 1)
	clog=$ROOT/build/logs/mainline-check.log
	start=$(date +%s)
	# Force the compile: warnings of files that did not change would
	# otherwise not be printed again.
	find "$obj/drivers/accel/neuron" -name '*.o' -delete 2>/dev/null || true
	{
		echo "linux-source-$SERIES $srcver, config $cfghash, release $release, $("$sparse" --version 2>&1 | head -n 1)"
		kmake -j"$JOBS" W=1 C=2 CHECK="$sparse" drivers/accel/neuron/
		# modpost: what it says about neuron.ko (exports, descriptions).
		kmake -j"$JOBS" W=1 modules
	} >"$clog" 2>&1 || {
		cat "$clog" >&2
		die "the W=1 C=2 build of drivers/accel/neuron failed (log $clog)"
	}
	ours=$(grep -E '(^|/)(drivers/accel/neuron|include/uapi/drm/neuron_accel\.h)[^:]*:[0-9]+(:[0-9]+)?: (warning|error)|WARNING: modpost: .*neuron' "$clog" || true)
	checked=$(grep -c '  CHECK .*drivers/accel/neuron/' "$clog" || true)
	compiled=$(grep -c '  CC \[M\]  drivers/accel/neuron/' "$clog" || true)
	if [[ -n $ours ]]; then
		echo "$ours" >&2
		die "$(echo "$ours" | wc -l) warnings in our files on $release (W=1, sparse)"
	fi
	[[ $checked -gt 0 && $compiled -gt 0 ]] ||
		{ cat "$clog" >&2; die "sparse checked $checked and gcc compiled $compiled of our files"; }
	say "W=1 + sparse clean on $release: $compiled files compiled, $checked checked," \
		"in $(($(date +%s) - start)) s (log $clog)"

	# 7.3's own checkpatch on what an upstream series would contain.
	bad=()
	for f in "$src"/drivers/accel/neuron/*.[ch] "$src/include/uapi/drm/neuron_accel.h"; do
		if ! out=$(cd "$src" && perl scripts/checkpatch.pl --strict --no-summary \
				--show-types --color=never -f "${f#"$src"/}" 2>&1); then
			echo "$out" >&2
			bad+=("${f#"$src"/}")
		fi
	done
	[[ ${#bad[@]} -eq 0 ]] || die "7.3's checkpatch.pl --strict: ${bad[*]}"
	say "7.3's checkpatch.pl --strict clean"
fi

# ---------------------------------------------------------------------------
# Install what vm-run.sh --kernel debug boots.
# ---------------------------------------------------------------------------
start=$(date +%s)
rm -rf "$kb/root.new"
mkdir -p "$kb/root.new/boot"
kmake -s INSTALL_MOD_PATH="$kb/root.new" modules_install >>"$log" 2>&1 ||
	die "modules_install failed (log $log)"
cp "$obj/arch/x86/boot/bzImage" "$kb/root.new/boot/vmlinuz-$release"
cp "$obj/System.map" "$obj/.config" "$kb/root.new/boot/"
rm -rf "$kb/root"
mv "$kb/root.new" "$kb/root"
say "installed $kb/root in $(($(date +%s) - start)) s"

echo "$kb"
