#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patches-check.sh [--generate-only] - the upstream patch series against
# Linux 7.3: generated, applied and built patch by patch.
#
# Generates the series from this tree (scripts/patches/mkseries.py and its
# manifest scripts/patches/series) into build/patches/, against a git
# repository of Debian's linux-source-7.3 (scripts/kernel-source.sh).
# Then, unless --generate-only ("make patches"): resets that repository to
# the pristine tree, applies the series with "git am" one patch at a time
# and after each builds drivers/accel/neuron/ with W=1 (every warning in
# our files fails, and so does a neuron_* symbol the step's objects use but
# do not define: the step would not link), and runs 7.3's checkpatch.pl
# --strict on every patch, the cover letter excepted.  The series opens
# with fixes to the DRM core (scripts/patches/drm-core/, "core" in the
# manifest): after each of those, the objects of the C files it changes
# are built with W=1 instead.
#
# Cache, keyed by the source package version and the hash of the config
# recipe (scripts/patches/kconfig and KCONFIG_RECIPE below):
#   $NEURON_CACHE/patches/<version>/src/  git repository of the unpacked
#        tree (hard links), branch "base" = the pristine tree
#   $NEURON_CACHE/patches/<version>/obj-<hash>/  kbuild output (O=), after
#        modules_prepare; a warm run compiles only our files
#
# Prints "N passed, N failed, 0 skipped" (a build and a checkpatch per
# patch) as its last line.
# Environment: NEURON_CACHE, MAKE, JOBS (default: CPUs + 1).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
MAKE=${MAKE:-make}
JOBS=${JOBS:-$(($(nproc) + 1))}
SERIES=7.3
FRAGMENT=$ROOT/scripts/patches/kconfig
KCONFIG_RECIPE="defconfig + merge_config.sh -m + olddefconfig + modules_prepare"
OUT=$ROOT/build/patches
LOG=$ROOT/build/logs/patches-build.log

generate_only=0
[[ ${1:-} == --generate-only ]] && generate_only=1

say() { echo "patches: $*" >&2; }
die() { say "FAIL: $*"; exit 1; }
# shellcheck source=scripts/kbuild-lib.sh
. "$ROOT/scripts/kbuild-lib.sh"

"$ROOT/scripts/deps.sh" --stage patches "${KBUILD_PKGS[@]}" git python3 perl binutils \
	python3-ply python3-git

kbuild_source "$SERIES" "$FRAGMENT" "$KCONFIG_RECIPE"
kb=$NEURON_CACHE/patches/$KB_SRCVER
src=$kb/src obj=$kb/obj-$KB_CFGHASH
say "linux-source-$SERIES $KB_SRCVER, config $KB_CFGHASH, in $kb"
mkdir -p "$NEURON_CACHE/patches" "$ROOT/build/logs"
kbuild_lock "$NEURON_CACHE/patches/.lock"

# The identity of the cache's own commits (the base, the applied series).
export GIT_AUTHOR_NAME=neuron-ci GIT_AUTHOR_EMAIL=ci@neuron.invalid
export GIT_COMMITTER_NAME=neuron-ci GIT_COMMITTER_EMAIL=ci@neuron.invalid
kgit() { git -C "$src" -c advice.detachedHead=false "$@"; }

# ---------------------------------------------------------------------------
# The tree as a git repository, once per key.
# ---------------------------------------------------------------------------
if [[ ! -e $kb/.src-complete ]]; then
	start=$(date +%s)
	rm -rf "$kb"
	mkdir -p "$kb"
	kbuild_copy_tree "$KB_PRISTINE" "$src"
	# Debian's .gitignore ignores the whole top level: -f.
	kgit init -q -b base
	# No "gc --auto" after git am: it would repack the whole tree in
	# the background, holding the cache lock.
	kgit config gc.auto 0
	kgit add -f -A .
	GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
		kgit commit -q -m "linux-source-$SERIES $KB_SRCVER"
	touch "$kb/.src-complete"
	say "git repository of the tree made in $(($(date +%s) - start)) s"
fi

# ---------------------------------------------------------------------------
# The series.
# ---------------------------------------------------------------------------
python3 "$ROOT/scripts/patches/mkseries.py" --kernel "$src" --base base --out "$OUT" >/dev/null
mapfile -t patches < <(find "$OUT" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
say "${#patches[@]} patches and a cover letter in ${OUT#"$ROOT"/}/"
[[ $generate_only -eq 1 ]] && { echo "$OUT"; exit 0; }

# ---------------------------------------------------------------------------
# The configuration and the prepared tree, once per key: the pristine tree
# (the driver's Kconfig does not exist yet; the first patch adds it).
# ---------------------------------------------------------------------------
# A run killed in the middle may have left a "git am" behind.
kgit am --abort >/dev/null 2>&1 || true
kgit checkout -q -f --detach base
kgit clean -q -f -d -x
kmake() { env -u MAKEFLAGS -u MAKELEVEL "$MAKE" -C "$src" O="$obj" "$@"; }
if [[ ! -e $obj/.prepared ]]; then
	start=$(date +%s)
	rm -rf "$obj"
	mkdir -p "$obj"
	{
		kmake -s defconfig
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$FRAGMENT"
		kmake -s olddefconfig
	} >"$obj.config.log" 2>&1 || { cat "$obj.config.log" >&2; die "configuration failed"; }
	kbuild_verify_config "$FRAGMENT" "$obj/.config" ||
		die "scripts/patches/kconfig does not apply to $SERIES ($KB_SRCVER)"
	cp "$obj/.config" "$obj/.config.base"
	kmake -s -j"$JOBS" modules_prepare >"$obj.prepare.log" 2>&1 ||
		{ tail -n 40 "$obj.prepare.log" >&2; die "modules_prepare failed"; }
	touch "$obj/.prepared"
	say "tree configured and prepared in $(($(date +%s) - start)) s"
fi
# The previous run's driver objects must not hide this run's warnings.
rm -rf "$obj/drivers/accel/neuron"
cp "$obj/.config.base" "$obj/.config"
kgit config gc.auto 0

# ---------------------------------------------------------------------------
# Apply, build and check every patch.
# ---------------------------------------------------------------------------
release=$(cat "$obj/include/config/kernel.release" 2>/dev/null || echo "?")
checkpatch_args=(--strict --no-summary --show-types --color=never)
pass=0 failed=0 first_driver=""
: >"$LOG"
start=$(date +%s)
for n in "${!patches[@]}"; do
	p=${patches[$n]} name=$(basename "${patches[$n]}")
	step=$(date +%s)
	if ! kgit am -q --keep-cr "$p" >>"$LOG" 2>&1; then
		kgit am --abort >/dev/null 2>&1 || true
		say "FAIL $name: git am does not apply it"
		failed=$((failed + 2))
		break
	fi
	changed=$(kgit diff --name-only HEAD~1 HEAD)
	if ! grep -q '^drivers/accel/neuron/' <<<"$changed"; then
		# A fix to the kernel outside the driver: build what it changes.
		mapfile -t targets < <(sed -n 's/\.c$/.o/p' <<<"$changed")
		[[ ${#targets[@]} -gt 0 ]] || die "$name changes no C file to build"
		slog=$ROOT/build/logs/patches-step.log
		ok=1
		kmake -j"$JOBS" W=1 "${targets[@]}" >"$slog" 2>&1 || ok=0
		cat "$slog" >>"$LOG"
		files_rx=$(paste -sd'|' <<<"${changed//./[.]}")
		warn=$(grep -E "($files_rx):[0-9]+(:[0-9]+)?: (warning|error)" "$slog" || true)
		if [[ $ok -eq 1 && -z $warn ]]; then
			pass=$((pass + 1))
			say "PASS $name: ${targets[*]} build with W=1 ($(($(date +%s) - step)) s)"
		else
			failed=$((failed + 1))
			say "FAIL $name: build of ${targets[*]}"
			[[ -n $warn ]] && echo "$warn" >&2
			[[ $ok -eq 0 && -z $warn ]] && grep -E 'error|Error' "$slog" | head -n 20 >&2
		fi
		# The Fixes: tags name upstream commits (checked against
		# torvalds/linux: 2c204f3d5321, 5e60a10eaeba); Debian's source
		# package has no git history for checkpatch to find them in.
		if out=$(cd "$src" && perl scripts/checkpatch.pl "${checkpatch_args[@]}" \
			--ignore UNKNOWN_COMMIT_ID "$p" 2>&1); then
			pass=$((pass + 1))
		else
			failed=$((failed + 1))
			say "FAIL $name: checkpatch.pl --strict"
			echo "$out" | head -n 60 >&2
		fi
		continue
	fi
	if [[ -z $first_driver ]]; then
		# The first driver patch added its Kconfig: switch it on.
		first_driver=$n
		"$src/scripts/config" --file "$obj/.config" -m DRM_ACCEL_NEURON
		kmake -s olddefconfig >>"$LOG" 2>&1
		grep -qx 'CONFIG_DRM_ACCEL_NEURON=m' "$obj/.config" ||
			die "CONFIG_DRM_ACCEL_NEURON=m does not hold after $name"
	fi

	# Build: W=1, nothing in our files, every neuron_* symbol defined.
	slog=$ROOT/build/logs/patches-step.log
	ok=1
	kmake -j"$JOBS" W=1 drivers/accel/neuron/ >"$slog" 2>&1 || ok=0
	cat "$slog" >>"$LOG"
	warn=$(grep -E '(drivers/accel/neuron/|include/uapi/drm/neuron_accel\.h)[^:]*:[0-9]+(:[0-9]+)?: (warning|error)' "$slog" || true)
	undef=""
	if [[ $ok -eq 1 ]]; then
		undef=$(nm -u "$obj/drivers/accel/neuron/neuron.o" | awk '$2 ~ /^neuron_/ {print $2}' | tr '\n' ' ')
	fi
	if [[ $ok -eq 1 && -z $warn && -z $undef ]]; then
		pass=$((pass + 1))
		say "PASS $name: builds with W=1 ($(grep -c '  CC \[M\]' "$slog" || true) files compiled, $(($(date +%s) - step)) s)"
	else
		failed=$((failed + 1))
		say "FAIL $name: build"
		[[ -n $warn ]] && echo "$warn" >&2
		[[ -n $undef ]] && say "  undefined: $undef"
		[[ $ok -eq 0 && -z $warn ]] && grep -E 'error|Error' "$slog" | head -n 20 >&2
	fi

	# checkpatch: the later patches add files under the MAINTAINERS
	# entry the first one made; that is all FILE_PATH_CHANGES asks.
	extra=()
	[[ $n -gt $first_driver ]] && extra=(--ignore FILE_PATH_CHANGES)
	if out=$(cd "$src" && perl scripts/checkpatch.pl "${checkpatch_args[@]}" "${extra[@]}" "$p" 2>&1); then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		say "FAIL $name: checkpatch.pl --strict"
		echo "$out" | head -n 60 >&2
	fi
done
kgit checkout -q -f --detach base

say "series on $release: ${#patches[@]} patches applied, built and checked in $(($(date +%s) - start)) s (log ${LOG#"$ROOT"/})"
echo "$pass passed, $failed failed, 0 skipped"
[[ $failed -eq 0 ]]
