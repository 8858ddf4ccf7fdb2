#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build (or reuse from cache) a qemu-system-x86_64 that contains the
# neuron-v1 device model, from Debian bookworm's own QEMU 7.2 source.
#
# Usage: sim/qemu/build.sh [--quiet]
# Env:   NEURON_CACHE (default /var/cache/neuron)
#
# The last line printed on stdout is the absolute path of the binary.
#
# Layout under $NEURON_CACHE/qemu:
#   src/                 Debian source tree (apt-get source; Debian patches applied)
#   src/build/           meson/ninja build directory (incremental)
#   bin/<hash>/          finished binaries, keyed by a hash of the model sources
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
# 1. host packages (only when missing; CI runs on a fresh machine)
# ---------------------------------------------------------------------------
ensure_packages() {
    local missing=() c p
    declare -A cmd_pkg=(
        [gcc]=gcc [ninja]=ninja-build [meson]=meson [python3]=python3
        [flex]=flex [bison]=bison [pkg-config]=pkg-config
        [dpkg-source]=dpkg-dev [make]=make [flock]=util-linux
    )
    declare -A pc_pkg=(
        [glib-2.0]=libglib2.0-dev [pixman-1]=libpixman-1-dev
        [zlib]=zlib1g-dev [slirp]=libslirp-dev
    )
    for c in "${!cmd_pkg[@]}"; do
        command -v "$c" >/dev/null 2>&1 || missing+=("${cmd_pkg[$c]}")
    done
    for p in "${!pc_pkg[@]}"; do
        if ! command -v pkg-config >/dev/null 2>&1 ||
           ! pkg-config --exists "$p" 2>/dev/null; then
            missing+=("${pc_pkg[$p]}")
        fi
    done
    # Firmware QEMU needs at runtime (the dfsg source ships none).
    [ -e /usr/share/seabios/bios-256k.bin ] || missing+=(seabios)
    [ -e /usr/share/qemu/kvmvapic.bin ] || missing+=(qemu-system-data)
    [ -d /usr/lib/ipxe/qemu ] || missing+=(ipxe-qemu)
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "missing packages (need root): ${missing[*]}"
        log "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            "${missing[@]}" >&2 || {
            apt-get update >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y \
                --no-install-recommends "${missing[@]}" >&2
        }
    fi
}

# ---------------------------------------------------------------------------
# 2. source: apt-get source qemu (Debian patches applied by dpkg-source)
# ---------------------------------------------------------------------------
have_deb_src() {
    grep -rqsE '^[[:space:]]*deb-src[[:space:]]|^Types:.*deb-src' \
        /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

fetch_source() {
    [ -f "$SRC/.neuron-src-ok" ] && return 0
    if ! have_deb_src; then
        [ "$(id -u)" = 0 ] || die "no deb-src entry and not root"
        log "adding a deb-src entry for bookworm"
        cat > /etc/apt/sources.list.d/neuron-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
        apt-get update >&2
    fi
    local tmp=$QDIR/src.tmp
    rm -rf "$tmp" "$SRC"
    mkdir -p "$tmp"
    log "fetching QEMU source (apt-get source qemu)"
    (cd "$tmp" && apt-get source qemu >&2) || {
        apt-get update >&2
        (cd "$tmp" && apt-get source qemu >&2)
    }
    local d
    d=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -n1)
    [ -n "$d" ] && [ -f "$d/VERSION" ] || die "apt-get source produced no tree"
    mv "$d" "$SRC"
    rm -rf "$tmp"
    touch "$SRC/.neuron-src-ok"
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
    (cd "$BLD" && nice -n 10 ../configure "${CONFIGURE_ARGS[@]}" >&2) ||
        { rm -rf "$BLD"; die "configure failed"; }
    echo "$want" > "$BLD/.neuron-configured"
}

model_hash() {
    {
        cat "$HERE"/model/*.[ch]
        cat "$HERE/build.sh"
        cat "$SRC/VERSION" 2>/dev/null || true
    } | sha256sum | cut -c1-16
}

main() {
    local quiet=0
    [ "${1:-}" = "--quiet" ] && quiet=1

    ensure_packages
    fetch_source
    install_model

    local hash out
    hash=$(model_hash)
    out=$QDIR/bin/$hash/qemu-system-x86_64
    if [ -x "$out" ]; then
        [ $quiet = 1 ] || log "cached binary for model hash $hash"
        echo "$out"
        return 0
    fi

    configure_tree
    log "building qemu-system-x86_64 (nice ninja -j2)"
    (cd "$BLD" && nice -n 10 ninja -j2 qemu-system-x86_64 >&2) ||
        die "ninja failed (see output above)"

    mkdir -p "$QDIR/bin/$hash"
    cp "$BLD/qemu-system-x86_64" "$out.tmp"
    mv -f "$out.tmp" "$out"
    # keep the 6 most recent binaries
    ls -1dt "$QDIR"/bin/*/ 2>/dev/null | tail -n +7 | xargs -r rm -rf
    echo "$out"
}

main "$@"
