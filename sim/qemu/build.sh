#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build (or reuse from cache) a qemu-system-x86_64 that contains the
# neuron-v1 device model, from Debian bookworm's own QEMU 7.2 source.
#
# Usage: sim/qemu/build.sh [--quiet]
# Env:   NEURON_CACHE (default /var/cache/neuron)
#
# The last line printed on stdout is the absolute path of the binary; the
# model's qtest binaries, neuron-v1-test and neuron-v1-bench, are next to it.
#
# Layout under $NEURON_CACHE/qemu:
#   src/                 Debian source tree (apt-get source; Debian patches applied)
#   src/build/           meson/ninja build directory (incremental)
#   bin/<hash>/          qemu-system-x86_64 and the qtests, keyed by a hash
#                        of the model, its qtests, how they enter the tree,
#                        the configure flags and the Debian source version: a pure function of those, so a cached
#                        build needs no source tree (CI shares bin/ between
#                        pristine roots, scripts/fresh-root.sh)
#   .lock                serialises concurrent invocations (flock)
#
# Everything is idempotent: each stage writes a stamp only after it succeeded,
# so an interrupted run is simply redone by the next one.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}
QDIR=$NEURON_CACHE/qemu
SRC=$QDIR/src
BLD=$SRC/build
FIRMWARE_PATH=/usr/share/seabios:/usr/share/qemu:/usr/lib/ipxe/qemu

log() { echo "build.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Configure flags: only qemu-system-x86_64, no docs/GUI/tools, no debug info
# (keeps the first build short on 2 cores).  Changing these forces a clean
# reconfigure because their hash is stored with the build directory.
CONFIGURE_ARGS=(
    --target-list=x86_64-softmmu
    --without-default-features
    --enable-tcg --enable-kvm --enable-slirp
    --disable-docs --disable-tools --disable-guest-agent
    --disable-werror --disable-debug-info
    --firmwarepath="$FIRMWARE_PATH"
)

mkdir -p "$QDIR"
exec 9>"$QDIR/.lock"
if ! flock -n 9; then
    log "waiting for another build.sh to finish"
    flock 9
fi

# ---------------------------------------------------------------------------
# 1. host packages (only when missing; CI runs in a pristine root)
# ---------------------------------------------------------------------------
# What configuring and building QEMU 7.2 with CONFIGURE_ARGS needs (fdt: the
# x86_64-softmmu target requires it), and the firmware QEMU loads at run
# time (the dfsg source ships none).  All of them are installed, also when a
# cached binary is reused: the -dev packages pull in its shared libraries.
QEMU_PKGS=(
    gcc make ninja-build meson python3 flex bison pkg-config dpkg-dev
    util-linux xz-utils
    libglib2.0-dev libpixman-1-dev zlib1g-dev libslirp-dev libfdt-dev
    seabios qemu-system-data ipxe-qemu
)
ensure_packages() {
    "$HERE/../../scripts/deps.sh" --stage qemu "${QEMU_PKGS[@]}" >&2 ||
        die "missing packages (see above)"
}

# ---------------------------------------------------------------------------
# 2. source: apt-get source qemu (Debian patches applied by dpkg-source)
# ---------------------------------------------------------------------------
have_deb_src() {
    apt-get indextargets --format '$(CODENAME)' 'Created-By: Sources' \
        2>/dev/null | grep -qx bookworm
}

# A deb-src entry for the mirror this machine already uses.
ensure_deb_src() {
    have_deb_src && return 0
    [ "$(id -u)" = 0 ] || die "no deb-src entry for bookworm and not root"
    local mirror
    mirror=$(apt-get indextargets --format '$(SITE)' 'Codename: bookworm' \
        'Created-By: Packages' 2>/dev/null | head -n 1)
    log "adding a deb-src entry for bookworm (${mirror:=http://deb.debian.org/debian})"
    cat > /etc/apt/sources.list.d/neuron-deb-src.sources <<EOF
Types: deb-src
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get -o DPkg::Lock::Timeout=600 update >&2
}

# The newest version of Debian's qemu source package: part of the cache key,
# so a binary is reused only for the source it was built from.
source_version() {
    apt-cache showsrc --only-source qemu 2>/dev/null |
        sed -n 's/^Version: //p' | sort -V | tail -n 1
}

fetch_source() {
    local ver=$1
    [ -f "$SRC/.neuron-src-ok" ] &&
        [ "$(cat "$SRC/.neuron-src-ok")" = "$ver" ] && return 0
    local tmp=$QDIR/src.tmp
    rm -rf "$tmp" "$SRC"
    mkdir -p "$tmp"
    # apt drops privileges to _apt for downloads
    chmod 755 "$tmp"
    log "fetching QEMU source (apt-get source qemu=$ver)"
    (cd "$tmp" && apt-get source -q "qemu=$ver" >&2) || {
        apt-get -o DPkg::Lock::Timeout=600 update >&2
        (cd "$tmp" && apt-get source -q "qemu=$ver" >&2)
    } || die "apt-get source qemu=$ver failed"
    local d
    d=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n1)
    [ -n "$d" ] && [ -f "$d/VERSION" ] || die "apt-get source produced no tree"
    mv "$d" "$SRC"
    rm -rf "$tmp"
    echo "$ver" > "$SRC/.neuron-src-ok"
}

# ---------------------------------------------------------------------------
# 3. add the model and its qtests to the tree
# ---------------------------------------------------------------------------
copy_if_changed() {   # keep mtimes stable so ninja stays incremental
    cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

# Replace (or add) the single line tagged with MARKER in FILE.
set_tagged_line() {
    local file=$1 marker=$2 line=$3 after=${4:-}
    if grep -qF "$line" "$file"; then
        return 0
    fi
    sed -i "/$marker/d" "$file"
    if [ -n "$after" ]; then
        grep -qE "$after" "$file" || die "anchor '$after' not found in $file"
        # insert after the first line matching the anchor
        awk -v a="$after" -v l="$line" \
            '{ print } !done && $0 ~ a { print l; done = 1 }' \
            "$file" > "$file.tmp" && mv "$file.tmp" "$file"
    else
        printf '%s\n' "$line" >> "$file"
    fi
}

install_model() {
    local f files=() tests=()
    for f in "$HERE"/model/*.[ch]; do
        copy_if_changed "$f" "$SRC/hw/misc/$(basename "$f")"
        case $f in *.c) files+=("'$(basename "$f")'") ;; esac
    done
    # remove model files that no longer exist in the repo
    for f in "$SRC"/hw/misc/neuron-v1*.[ch]; do
        [ -e "$f" ] || continue
        [ -e "$HERE/model/$(basename "$f")" ] || rm -f "$f"
    done
    for f in "$HERE"/tests/*.[ch]; do
        [ -e "$f" ] || continue
        copy_if_changed "$f" "$SRC/tests/qtest/$(basename "$f")"
        case $f in *.c) tests+=("'$(basename "$f" .c)'") ;; esac
    done

    local IFS=,
    set_tagged_line "$SRC/hw/misc/meson.build" 'neuron-v1 model' \
        "softmmu_ss.add(when: 'CONFIG_NEURON_V1', if_true: files(${files[*]})) # neuron-v1 model"
    if [ ${#tests[@]} -gt 0 ]; then
        set_tagged_line "$SRC/tests/qtest/meson.build" 'neuron-v1 qtests' \
            "qtests_x86_64 += config_all_devices.has_key('CONFIG_NEURON_V1') ? [${tests[*]}] : [] # neuron-v1 qtests" \
            '^qtests_x86_64 = qtests_i386'
    fi
    unset IFS
    if ! grep -q '^config NEURON_V1' "$SRC/hw/misc/Kconfig"; then
        printf '\nconfig NEURON_V1\n    bool\n    default y if PCI_DEVICES\n    depends on PCI\n' \
            >> "$SRC/hw/misc/Kconfig"
    fi
}

# ---------------------------------------------------------------------------
# 4. configure + build
# ---------------------------------------------------------------------------
configure_tree() {
    local want
    want=$(printf '%s\n' "${CONFIGURE_ARGS[@]}" | sha256sum | cut -c1-16)
    if [ -f "$BLD/.neuron-configured" ] && [ -f "$BLD/build.ninja" ] &&
       [ "$(cat "$BLD/.neuron-configured")" = "$want" ]; then
        return 0
    fi
    log "configuring QEMU in $BLD"
    rm -rf "$BLD"
    mkdir -p "$BLD"
    if ! (cd "$BLD" && nice -n 10 ../configure "${CONFIGURE_ARGS[@]}" \
            > "$QDIR/configure.log" 2>&1); then
        tail -n 30 "$QDIR/configure.log" >&2
        missing_dependency_hint
        rm -rf "$BLD"
        die "configure failed (log: $QDIR/configure.log)"
    fi
    echo "$want" > "$BLD/.neuron-configured"
}

# meson names the pkg-config module it did not find, not the package: name
# the Debian package that ships it, so the list above can be fixed.
missing_dependency_hint() {
    local dep pkg cand
    for dep in $(sed -n -e 's/.*ERROR: Dependency "\([^"]*\)" not found.*/\1/p' \
                        -e 's/.*ERROR: .* \([^ ]*\) not available but required.*/\1/p' \
                        "$QDIR/configure.log" | sort -u); do
        pkg=
        for cand in "lib$dep-dev" "$dep-dev" "lib${dep%-*}-dev"; do
            if apt-cache show "$cand" >/dev/null 2>&1; then pkg=$cand; break; fi
        done
        log "ERROR: stage 'qemu': build dependency '$dep' is missing${pkg:+: Debian package $pkg (add it to QEMU_PKGS in $HERE/build.sh)}"
    done
}

# Everything the cached binaries are a function of: the sources, how they
# are put into the tree and configured, and the Debian source version (not
# the rest of this script, so a change to its messages rebuilds nothing).
model_hash() {
    {
        cat "$HERE"/model/*.[ch] "$HERE"/tests/*.[ch]
        declare -f install_model set_tagged_line
        printf '%s\n' "${CONFIGURE_ARGS[@]}" "$1"
    } | sha256sum | cut -c1-16
}

# A cached binary is used only if all its shared libraries resolve.
runnable() {
    [ -x "$1" ] && ! ldd "$1" 2>/dev/null | grep -q 'not found'
}

main() {
    local quiet=0
    [ "${1:-}" = "--quiet" ] && quiet=1

    ensure_packages
    ensure_deb_src

    local ver hash dir
    ver=$(source_version)
    [ -n "$ver" ] || die "no qemu source package in the apt lists"
    hash=$(model_hash "$ver")
    dir=$QDIR/bin/$hash
    if runnable "$dir/qemu-system-x86_64" && runnable "$dir/neuron-v1-test" &&
       runnable "$dir/neuron-v1-bench"; then
        [ $quiet = 1 ] || log "cached binaries for model hash $hash"
        echo "$dir/qemu-system-x86_64"
        return 0
    fi

    fetch_source "$ver"
    install_model
    configure_tree
    log "building qemu-system-x86_64 and the qtests (nice ninja -j2, log: $QDIR/build.log)"
    if ! (cd "$BLD" && nice -n 10 ninja -j2 qemu-system-x86_64 \
            tests/qtest/neuron-v1-test tests/qtest/neuron-v1-bench \
            > "$QDIR/build.log" 2>&1); then
        grep -E -B2 -A8 'error:|FAILED:' "$QDIR/build.log" | tail -n 60 >&2
        die "ninja failed (log: $QDIR/build.log)"
    fi
    log "built: $(tail -n 1 "$QDIR/build.log")"

    # Published by renaming a complete directory: a concurrent reader (or
    # a shared cache) never sees half of it.
    mkdir -p "$QDIR/bin"
    local tmp
    tmp=$(mktemp -d "$QDIR/bin/.new.XXXXXX")
    cp "$BLD/qemu-system-x86_64" "$BLD/tests/qtest/neuron-v1-test" \
        "$BLD/tests/qtest/neuron-v1-bench" "$tmp/"
    chmod 755 "$tmp"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    # keep the 6 most recent builds
    ls -1dt "$QDIR"/bin/*/ 2>/dev/null | tail -n +7 | xargs -r rm -rf
    echo "$dir/qemu-system-x86_64"
}

main "$@"
