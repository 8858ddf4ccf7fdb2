#!/bin/sh
# SPDX-License-Identifier: MIT
# Install libneuron-drm into a throw-away DESTDIR and build examples/*.c the
# way a user of the installed library would: with nothing but
#   pkg-config --cflags --libs libneuron-drm
# PKG_CONFIG_SYSROOT_DIR points pkg-config at the DESTDIR (the cross-build
# convention).  A real sysroot also holds the dependencies' headers, so
# libdrm's include directory is linked into it.
set -eu
: "${MAKE:=make}" "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"

tmp=$(mktemp -d /tmp/neuron-drm-example.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
root=$tmp/root

$MAKE -s install DESTDIR="$root" PREFIX=/usr LIBDIR=/usr/lib >/dev/null

drm_inc=$($PKG_CONFIG --variable=includedir libdrm)
mkdir -p "$root$drm_inc"
[ -e "$root$drm_inc/libdrm" ] || ln -s "$drm_inc/libdrm" "$root$drm_inc/libdrm"

export PKG_CONFIG_PATH="$root/usr/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$root"
flags=$($PKG_CONFIG --cflags --libs libneuron-drm)
echo "pkg-config --cflags --libs libneuron-drm: $flags"

status=0
for src in examples/*.c; do
	exe=$tmp/$(basename "$src" .c)
	# Only the installed tree: no -I or -L into the source or build dirs.
	if ! $CC -std=c11 -Wall -Wextra -Werror -o "$exe" "$src" $flags; then
		echo "FAIL: $src does not build against the installed library" >&2
		status=1
		continue
	fi
	# Must also run against the installed .so (no device: exit 0 or 2).
	rc=0
	LD_LIBRARY_PATH="$root/usr/lib" "$exe" >"$tmp/out" 2>&1 || rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
		echo "FAIL: $exe exited $rc:" >&2
		cat "$tmp/out" >&2
		status=1
		continue
	fi
	if ! LD_LIBRARY_PATH="$root/usr/lib" ldd "$exe" | grep -q "$root/usr/lib/libneuron-drm.so.1"; then
		echo "FAIL: $exe is not linked against the installed library" >&2
		status=1
		continue
	fi
	echo "ok: $src built and ran against the installed library"
done
exit $status
