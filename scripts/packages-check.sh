#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# packages-check.sh - the Debian packages, built, linted, installed, used
# and purged (the "packages" stage of make check).
#
#  1. version-check.sh, then dpkg-buildpackage -b -us -uc in a clean copy
#     of the tree (build/packages/neuron-<VERSION>: tracked and new files,
#     no build output); lintian: no error, no warning.
#  2. apt-get install ./<the four .debs> (dependencies resolve from the
#     archive); DKMS builds and installs the module for KVER in the
#     package's postinst; the udev rule and the system group are in place;
#     every version is VERSION.
#  3. The example program built with pkg-config --cflags --libs
#     libneuron-drm against the installed -dev package, and run.
#  4. The installed tools and the DKMS-built module in a 2-device VM:
#     neuron-ls, neuron-load of the -dev package's headers, neuron-top --once.
#  5. apt-get purge: no file of the packages' lists (dpkg -L, taken before)
#     left, no DKMS module or tree, no group.
# Each check prints PASS/FAIL; the last line is the summary.
#
# Needs root.  Leaves the machine as it found it, also after a failure or
# an interrupt: whatever it installed is purged (trap).  It refuses to
# touch neuron packages it did not install itself.
# Environment: KVER (default scripts/kver.sh), VM_TIMEOUT (default 600).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
KVER=${KVER:-$(scripts/kver.sh)}
VM_TIMEOUT=${VM_TIMEOUT:-600}
ver=$(cat VERSION)
PKGS=(neuron-dkms libneuron-drm1 libneuron-drm-dev neuron-tools)
work=$ROOT/build/packages
logs=$ROOT/build/logs
# Says "the installed neuron packages are this script's" (a run that was
# killed before purging); without it, installed ones are the user's.
marker=/var/lib/neuron-packages-check.installed

if [[ $(id -u) -ne 0 ]]; then
	echo "packages-check: FAIL: needs root (apt-get install, dkms)"
	exit 1
fi

pass=0 fail=0 last=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }
# check NAME COMMAND...: one check, its output indented; its status in $last.
check() {
	local name=$1 out
	shift
	last=0
	out=$("$@" 2>&1) || last=$?
	if [[ -n $out ]]; then sed 's/^/    /' <<<"$out"; fi
	if [[ $last -eq 0 ]]; then ok "$name"; else bad "$name" "exit status $last"; fi
}
summary() {
	echo "$pass passed, $fail failed, 0 skipped"
	[[ $fail -eq 0 ]]
}
# After a failure the later checks cannot go on from.
stop() {
	summary || true
	exit 1
}

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true) == ii* ]]
}
any_known() { # installed or config-files left: dpkg still knows it
	# (dpkg-query fails when some package is unknown; the others count)
	{ dpkg-query -W -f='${db:Status-Abbrev}\n' "${PKGS[@]}" 2>/dev/null || true; } |
		grep -q '^.[^n]'
}

# Build dependencies (debian/control; dpkg-buildpackage checks them), the
# linter, DKMS and the headers of the target kernel.
scripts/deps.sh --stage packages dpkg-dev debhelper dh-dkms help2man \
	libdrm-dev libisal-dev libncurses-dev pkgconf python3 lintian dkms xz-utils \
	"linux-headers-$KVER"

# One at a time per machine, and never beside dkms-check.sh: both use
# /usr/src/neuron-<ver> and DKMS's neuron tree.
exec 9>/var/lock/neuron-dkms-check.lock
flock 9

if any_known && [[ ! -e $marker ]]; then
	echo "packages-check: neuron packages are installed on this machine and not by this check;"
	echo "packages-check: not touching them (apt-get purge ${PKGS[*]} to run it)"
	exit 77
fi

purge() {
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		purge -y -q "${PKGS[@]}" >"$logs/packages-purge.log" 2>&1 || rc=$?
	# dpkg itself if apt could not (e.g. a half-configured package).
	if any_known; then
		dpkg --purge --force-remove-reinstreq "${PKGS[@]}" >>"$logs/packages-purge.log" 2>&1 || rc=1
	fi
	return $rc
}
cleanup() {
	# Whatever this run (or a killed one) installed goes again.
	if [[ -e $marker ]]; then
		if any_known; then purge || true; fi
		rm -f "$marker"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cleanup

mkdir -p "$logs"
rm -rf "$work"
mkdir -p "$work/neuron-$ver"

# ---------------------------------------------------------------------------
# 1. Build and lint.
# ---------------------------------------------------------------------------
check version scripts/version-check.sh
[[ $last -eq 0 ]] || stop

# A clean tree: what a release tarball holds (tracked files and new ones
# not ignored; no build output), as dpkg-buildpackage expects.
if [[ $(git rev-parse --show-toplevel 2>/dev/null) == "$ROOT" ]]; then
	git ls-files -co --exclude-standard |
		while read -r f; do [[ -f $f ]] && echo "$f"; done |
		tar -cf - -T - | tar -xf - -C "$work/neuron-$ver"
else
	tar -cf - --exclude=./build --exclude=./igt-tests/build \
		--exclude=./libneuron-drm/build --exclude='*.o' --exclude='*.ko' . |
		tar -xf - -C "$work/neuron-$ver"
fi
if (cd "$work/neuron-$ver" && dpkg-buildpackage -b -us -uc) >"$logs/packages-build.log" 2>&1; then
	ok "dpkg-buildpackage -b -us -uc"
else
	tail -n 30 "$logs/packages-build.log" | sed 's/^/    /'
	bad "dpkg-buildpackage -b -us -uc" "log $logs/packages-build.log"
	stop
fi
arch=$(dpkg --print-architecture)
debs=()
for p in "${PKGS[@]}"; do
	a=$arch
	[[ $p == neuron-dkms ]] && a=all
	debs+=("$work/${p}_${ver}_$a.deb")
	[[ -f ${debs[-1]} ]] || { bad "package $p" "no ${debs[-1]}"; stop; }
done

# Errors and warnings fail; informational and pedantic tags are shown.
if lintian --allow-root --fail-on error,warning --display-info --pedantic \
	"$work/neuron_${ver}_$arch.changes" >"$logs/packages-lintian.log" 2>&1; then
	ok "lintian (no error, no warning; $(grep -c '^[IP]: ' "$logs/packages-lintian.log" || true) info/pedantic tags)"
else
	bad lintian "log $logs/packages-lintian.log"
fi
sed 's/^/    /' "$logs/packages-lintian.log"

# ---------------------------------------------------------------------------
# 2. Install.
# ---------------------------------------------------------------------------
touch "$marker"
# autoinstall_all_kernels: DKMS's postinst builds for every kernel with
# headers (here KVER), not only the running one, which in a chroot or on
# a build machine is the host's, without headers.
if autoinstall_all_kernels=1 DEBIAN_FRONTEND=noninteractive \
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
	"${debs[@]}" >"$logs/packages-install.log" 2>&1; then
	ok "apt-get install ./${PKGS[*]}"
else
	tr '\r' '\n' <"$logs/packages-install.log" | grep -v '^(Reading database' |
		tail -n 30 | sed 's/^/    /'
	bad "apt-get install" "log $logs/packages-install.log"
	stop
fi
grep -E "^(Building for|Building initial module|Done\.)" "$logs/packages-install.log" | sed 's/^/    postinst: /' || true
for p in "${PKGS[@]}"; do
	if ! installed "$p" || [[ $(dpkg-query -W -f='${Version}' "$p") != "$ver" ]]; then
		bad "package $p" "not installed at version $ver"
	fi
done

shopt -s nullglob
kos=(/lib/modules/"$KVER"/updates/dkms/neuron.ko*)
shopt -u nullglob
ko=${kos[0]:-}
dkms_module() {
	[[ ${#kos[@]} -eq 1 ]] || { echo "no neuron.ko under /lib/modules/$KVER/updates/dkms"; return 1; }
	# (stderr: dkms 3.0.10 lets readelf complain about the module)
	dkms status "neuron/$ver" -k "$KVER" 2>/dev/null
	[[ $(dkms status "neuron/$ver" -k "$KVER" 2>/dev/null) == *installed* ]] &&
	[[ $(modinfo -F vermagic "$ko" | cut -d' ' -f1) == "$KVER" ]] &&
	[[ $(modinfo -F version "$ko") == "$ver" ]] &&
	echo "$ko: vermagic $KVER, version $ver"
}
check "DKMS built and installed neuron/$ver for $KVER" dkms_module

udev_rule() {
	cmp udev/70-neuron.rules /lib/udev/rules.d/70-neuron.rules &&
	echo "/lib/udev/rules.d/70-neuron.rules: $(grep -v '^#' /lib/udev/rules.d/70-neuron.rules)"
}
check "udev rule installed" udev_rule
limits_snippet() {
	cmp security/90-neuron.conf /etc/security/limits.d/90-neuron.conf &&
	echo "/etc/security/limits.d/90-neuron.conf: $(grep -v '^#' /etc/security/limits.d/90-neuron.conf | tr '\t\n' '  ')"
}
check "memlock limit for group neuron installed" limits_snippet
system_group() {
	local gid
	gid=$(getent group neuron | cut -d: -f3)
	echo "group neuron, gid ${gid:-none}"
	# A system group: below the first user GID (adduser.conf's FIRST_GID).
	[[ -n $gid && $gid -lt 1000 ]]
}
check "system group neuron" system_group

versions() {
	local v
	v=$(pkg-config --modversion libneuron-drm)
	echo "pkg-config --modversion libneuron-drm: $v"
	[[ $v == "$ver" ]] || return 1
	for t in neuron-ls neuron-load neuron-top neuron-bench-infer; do
		[[ $(command -v $t) == /usr/bin/$t ]] || return 1
		$t --version | sed "s/^/$t --version: /"
		[[ $($t --version | sed -n 1p) == "$t $ver" ]] || return 1
		[[ -f /usr/share/man/man1/$t.1.gz ]] || return 1
	done
	echo "dkms.conf: $(grep '^PACKAGE_VERSION=' "/usr/src/neuron-$ver/dkms.conf")"
	grep -qx "PACKAGE_VERSION=\"$ver\"" "/usr/src/neuron-$ver/dkms.conf"
}
check "one version ($ver), tools and man pages in /usr" versions

# (ldd's output is taken whole: "ldd | grep -q" can fail by SIGPIPE under
# pipefail.)
lib_links_libdrm() {
	local so deps
	so=$(dpkg -L libneuron-drm1 | grep '/libneuron-drm\.so\.1$')
	deps=$(ldd "$so")
	sed "s|^|ldd $so: |" <<<"$deps"
	grep -q 'libdrm\.so\.2 => /' <<<"$deps"
}
check "libneuron-drm.so.1 links libdrm" lib_links_libdrm

# ---------------------------------------------------------------------------
# 3. The example, built as a user of the -dev package builds it.
# ---------------------------------------------------------------------------
example() {
	local flags deps rc=0
	flags=$(pkg-config --cflags --libs libneuron-drm)
	echo "cc ... \$(pkg-config --cflags --libs libneuron-drm) = $flags"
	# shellcheck disable=SC2086 # the flags are words
	cc -std=c11 -Wall -Wextra -Werror -o "$work/list-devices" \
		libneuron-drm/examples/list-devices.c $flags || return 1
	deps=$(ldd "$work/list-devices")
	grep -E 'libneuron-drm|libdrm' <<<"$deps"
	grep -qE 'libneuron-drm\.so\.1 => (/usr)?/lib/' <<<"$deps" || return 1
	# No device on this machine: 2 ("no neuron device") is the answer.
	"$work/list-devices" || rc=$?
	[[ $rc -eq 0 || $rc -eq 2 ]]
}
check "example built with pkg-config against the packages" example

# ---------------------------------------------------------------------------
# 4. The packaged tools and the DKMS-built module on (emulated) devices.
# ---------------------------------------------------------------------------
# Nothing staged from the build tree (--no-stage): /usr/bin's tools with
# their libraries from /usr/lib, the module from /lib/modules.
guest='set -e
[ "$(command -v neuron-ls)" = /usr/bin/neuron-ls ]
[ ! -e /opt/neuron/lib/libneuron-drm.so.1 ]
neuron-ls -V
[ "$(cat /sys/module/neuron/version)" = '"$ver"' ]
neuron-ls
neuron-load --no-progress /root/data
neuron-top --once -d 0.5
echo "packages-vm: packaged tools and DKMS module OK"'
check "neuron-ls, neuron-load, neuron-top (packaged) with the DKMS module in a VM" \
	scripts/vm-run.sh -n 2 --no-stage --module "$ko" --timeout "$VM_TIMEOUT" \
	--log "$logs/vm-packages.log" \
	--copy /usr/bin/neuron-ls:/usr/bin/neuron-ls \
	--copy /usr/bin/neuron-load:/usr/bin/neuron-load \
	--copy /usr/bin/neuron-top:/usr/bin/neuron-top \
	--copy "/usr/include/libneuron-drm:/root/data" -- "$guest"

# ---------------------------------------------------------------------------
# 5. Purge: nothing left.
# ---------------------------------------------------------------------------
for p in "${PKGS[@]}"; do dpkg -L "$p" || true; done | sort -u >"$work/files.list"
if purge; then
	ok "apt-get purge ${PKGS[*]}"
else
	tail -n 20 "$logs/packages-purge.log" | sed 's/^/    /'
	bad "apt-get purge" "log $logs/packages-purge.log"
fi
rm -f "$marker"
grep -E "^(Removing|Purging|Deleting module)" "$logs/packages-purge.log" | sed 's/^/    /' || true

leftovers() {
	local p left=0
	any_known && { echo "dpkg still knows: $(dpkg-query -W "${PKGS[@]}" 2>/dev/null)"; left=1; }
	while read -r p; do
		[[ -e $p || -L $p ]] || continue
		# Directories stay rightly when other packages own them
		# (/usr/lib/...), or belong to the root itself (/., and /lib
		# and the like: merged-/usr links).
		if [[ -d $p ]] && { dpkg-query -S "$p" >/dev/null 2>&1 ||
			[[ $p == /. || ( -L $p && $(dirname "$p") == / ) ]]; }; then
			continue
		fi
		echo "left behind: $p"
		left=1
	done <"$work/files.list"
	# What DKMS made outside the package lists.
	for p in "$ko" /var/lib/dkms/neuron "/usr/src/neuron-$ver"; do
		[[ -n $p && -e $p ]] && { echo "left behind: $p"; left=1; }
	done
	echo "$(wc -l <"$work/files.list") paths of the package lists checked"
	return $left
}
check "purge left no file behind" leftovers
no_group() {
	! getent group neuron
}
check "purge removed the group" no_group

summary
