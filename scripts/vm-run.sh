#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh - run a command in a QEMU guest with emulated neuron-v1 devices.
#
# Usage: scripts/vm-run.sh [-n DEVICES] [--iommu] [--kernel debian|debug]
#                          [--timeout SECS] [--log FILE] [--no-module]
#                          [--module PATH] [--copy HOST:GUEST]... [--no-stage]
#                          [--alloc-failures] -- COMMAND...
#
# Boots Debian's linux-image-<KVER>-unsigned (the kernel neuron.ko was built
# against; never installed on this machine: unpacked into $NEURON_CACHE) under
# TCG, with DEVICES neuron-v1 devices linked east/west in a ring, a busybox
# initramfs carrying the DRM modules neuron.ko needs, neuron.ko itself and
# /opt/neuron/{bin,tests,lib}, and runs COMMAND with /bin/sh -c in the guest.
# --copy puts a host file or directory at GUEST path too (e.g. test data),
# in the initramfs: at most (VM_MEM - 256 MiB) / 3 and below 2 GiB in all
# (597 MiB with the default 2G), or vm-run stops before booting.
# --kernel debug boots instead the 7.3 debug kernel (KASAN, lockdep,
# kmemleak, DMA-API debugging, ...) that scripts/mainline-build.sh builds
# (or finds cached), with its own modules and the in-tree neuron.ko; after
# COMMAND the guest runs a kmemleak scan, and any leak fails the run.
# The shared libraries of executables copied to /usr/bin come along.
# --no-stage leaves out the tools and library staged by "make lib", so that
# installed ones (--copy /usr/bin/neuron-ls:/usr/bin/neuron-ls) are used.
# --module takes a .ko or, as DKMS installs it, a .ko.xz.
# --alloc-failures: allocation failures are expected (fault injection); the
# stack dumps of warn_alloc() ("page allocation failure:", "vmalloc error:")
# in the console log are not kernel problems, everything else still is.
#
# Exit status: COMMAND's, unless the run itself failed:
#   124  the guest did not finish within --timeout seconds (hung)
#   125  the guest ended without reporting a status (panic, crash, insmod)
#     1  the console log shows a kernel WARNING/BUG/Oops/lockdep/KASAN/
#        UBSAN/ODEBUG/DMA-API/general protection/Call Trace/panic/hung
#        task/RCU stall report, or (--kernel debug) kmemleak found
#        unreferenced objects (even if COMMAND succeeded)
# Every failure is explained by a "vm-run: ..." line.
#
# Environment:
#   NEURON_CACHE  cache directory (default /var/cache/neuron)
#   KVER          guest kernel ABI (default: neuron.ko's vermagic, else the
#                 newest 6.12.*+deb12-amd64 in the archive)
#   QEMU          qemu-system-x86_64 to use (default: sim/qemu/build.sh's)
#   VM_SMP        guest CPUs (default 2)   VM_MEM  guest RAM (default 2G;
#                 3G with --kernel debug: KASAN shadow, kmemleak metadata)
#   VM_APPEND     extra kernel command line
#   VM_NEURON_OPTS  extra neuron-v1 properties for every device, e.g.
#                 reset-delay-ms=7000
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NEURON_CACHE=${NEURON_CACHE:-/var/cache/neuron}

ndev=4 iommu=0 timeout=600 load_module=1 kernel=debian use_stage=1
alloc_failures=0
copies=()
log=$ROOT/build/logs/vm-run.log
module=

usage() {
	sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
say() { echo "vm-run: $*" >&2; }
die() { say "ERROR: $*"; exit 125; }

while [[ $# -gt 0 ]]; do
	case $1 in
	-n) ndev=${2:?}; shift 2 ;;
	--iommu) iommu=1; shift ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--log) log=${2:?}; shift 2 ;;
	--no-module) load_module=0; shift ;;
	--module) module=${2:?}; shift 2 ;;
	--copy) copies+=("${2:?}"); shift 2 ;;
	--no-stage) use_stage=0; shift ;;
	--alloc-failures) alloc_failures=1; shift ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[[ $# -gt 0 ]] || usage
[[ $ndev =~ ^[0-9]+$ && $ndev -le 15 ]] ||
	die "-n must be 0..15 (slots 0x10..0x1e; 0x1f is the q35 LPC bridge)"
command=$*
[[ $kernel == debian || $kernel == debug ]] || die "--kernel must be debian or debug"
mem=${VM_MEM:-2G}
[[ $kernel == debug ]] && mem=${VM_MEM:-3G}

# --copy goes into the initramfs, which has two limits, checked here, before
# anything is built or booted: QEMU places an initrd only in guest RAM
# below 4 GiB (q35: at most 2 GiB of it; "initrd is too large" otherwise),
# and the guest unpacks it into its rootfs, a tmpfs of half the RAM left
# beside the packed initrd and the kernel (~256 MiB): beyond a third of
# what is left after the kernel, "Initramfs unpacking failed: write error"
# and a panic.  This QEMU is built without virtfs (no virtio-9p share), so
# larger data has no way in.
mem_mib() { # QEMU -m syntax: N (MiB), NM, NG
	case $1 in
	*[Gg]) echo $((${1%[Gg]} * 1024)) ;;
	*[Mm]) echo "${1%[Mm]}" ;;
	*[!0-9]* | '') die "VM_MEM=$1: want N, NM or NG" ;;
	*) echo "$1" ;;
	esac
}
ram_mib=$(mem_mib "$mem")
low_mib=$((ram_mib < 2048 ? ram_mib : 2048))
initrd_max_mib=$(((ram_mib - 256) / 3))
[[ $initrd_max_mib -lt $((low_mib - 1)) ]] || initrd_max_mib=$((low_mib - 1))
copy_limit() { # WHAT BYTES
	local mib=$((($2 + 1048575) / 1048576))
	[[ $mib -le $initrd_max_mib ]] && return 0
	die "--copy: $1 is $mib MiB; with ${ram_mib} MiB of guest RAM (VM_MEM=$mem)" \
		"the initramfs can hold at most $initrd_max_mib MiB: QEMU loads an initrd" \
		"only below 4 GiB of guest RAM (at most 2 GiB), and the guest unpacks it" \
		"into a tmpfs of half the RAM the packed copy and the kernel leave." \
		"Copy less, or raise VM_MEM (e.g. VM_MEM=4G allows $(((4096 - 256) / 3)) MiB);" \
		"there is no other transport (this QEMU has no virtfs)."
}
copy_bytes=0
for c in "${copies[@]}"; do
	src=${c%%:*}
	[[ $c == *:/* && -e $src ]] || die "--copy $c: want an existing HOST path and an absolute GUEST path"
	copy_bytes=$((copy_bytes + $(du -sbL --apparent-size "$src" | cut -f1)))
done
copy_limit "what --copy names" "$copy_bytes"

# ---------------------------------------------------------------------------
# The debug kernel: built (or found cached) by mainline-build.sh, with the
# driver in tree; its root/ holds boot/vmlinuz-<release> and the modules.
# ---------------------------------------------------------------------------
if [[ $kernel == debug ]]; then
	# Held until the initramfs is written: another checkout's build
	# must not replace root/ while its modules are copied.
	mkdir -p "$NEURON_CACHE/kbuild"
	exec 7>"$NEURON_CACHE/kbuild/.lock"
	flock 7
	kb=$(NEURON_KBUILD_LOCKED=1 "$ROOT/scripts/mainline-build.sh" | tail -n 1) ||
		die "scripts/mainline-build.sh failed"
	kroot=$kb/root
	KVER=$(ls "$kroot/lib/modules")
	[[ -n $module ]] ||
		module=$kroot/lib/modules/$KVER/kernel/drivers/accel/neuron/neuron.ko
fi
[[ -n $module ]] || module=$ROOT/drivers/accel/neuron/neuron.ko

if [[ $load_module -eq 1 ]]; then
	[[ -f $module ]] || die "$module does not exist (build it, or use --no-module)"
	module=$(realpath "$module")
fi

# ---------------------------------------------------------------------------
# Guest kernel: the version neuron.ko was built for, unpacked once.
# ---------------------------------------------------------------------------
if [[ -z ${KVER:-} && $load_module -eq 1 ]]; then
	KVER=$(modinfo -F vermagic "$module" | cut -d' ' -f1)
fi
if [[ -z ${KVER:-} ]]; then
	KVER=$("$ROOT/scripts/kver.sh")
fi
if [[ $kernel == debian ]]; then
	kroot=$NEURON_CACHE/kernel/$KVER
elif [[ $load_module -eq 1 && $(modinfo -F vermagic "$module" | cut -d' ' -f1) != "$KVER" ]]; then
	die "$module is not built for the debug kernel $KVER"
fi
vmlinuz=$kroot/boot/vmlinuz-$KVER

fetch_kernel() {
	local pkg=linux-image-$KVER-unsigned tmp
	mkdir -p "$NEURON_CACHE/kernel"
	# Several runs (other developers, parallel stages) may race here.
	exec 8>"$NEURON_CACHE/kernel/.lock"
	flock 8
	if [[ ! -e $kroot/.complete ]]; then
		say "fetching $pkg into $kroot (not installed on the host)"
		tmp=$(mktemp -d "$NEURON_CACHE/kernel/.fetch.XXXXXX")
		# apt refuses to drop privileges into a root-only directory
		chmod 755 "$tmp"
		(cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			(apt-get update -qq && cd "$tmp" && apt-get download -q "$pkg" >/dev/null) ||
			die "apt-get download $pkg failed"
		dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
		# The package ships no modules.dep (postinst runs depmod).
		depmod -b "$tmp/root" "$KVER"
		rm -rf "$kroot"
		mv "$tmp/root" "$kroot"
		rm -rf "$tmp"
		touch "$kroot/.complete"
	fi
	exec 8>&-
}
[[ $kernel == debian ]] && fetch_kernel
[[ -f $vmlinuz ]] || die "no $vmlinuz in the unpacked package"

# ---------------------------------------------------------------------------
# QEMU with the neuron-v1 model.
# ---------------------------------------------------------------------------
if [[ -z ${QEMU:-} ]]; then
	[[ -x $ROOT/sim/qemu/build.sh ]] ||
		die "sim/qemu/build.sh does not exist; set QEMU=/path/to/qemu-system-x86_64"
	out=$("$ROOT/sim/qemu/build.sh" --quiet) || die "sim/qemu/build.sh failed"
	QEMU=$(echo "$out" | tail -n 1)
fi
[[ -x $QEMU ]] || die "QEMU binary '$QEMU' is not executable"
# (no "| grep -q": under pipefail its early exit could SIGPIPE QEMU)
devices=$("$QEMU" -device help 2>/dev/null || true)
if [[ $ndev -gt 0 && $devices != *'"neuron-v1"'* ]]; then
	die "$QEMU has no neuron-v1 device"
fi

# ---------------------------------------------------------------------------
# The initramfs: busybox, modules, /opt/neuron, shared libraries, /init.
# Rebuilt every run (about a second); uncompressed, because decompressing
# under TCG costs more than reading a few more MB.
# ---------------------------------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/neuron-vm.XXXXXX")
trap 'rm -rf "$run"' EXIT
trap 'exit 130' INT TERM
rootfs=$run/rootfs
mkdir -p "$rootfs"/{bin,sbin,dev,proc,sys,tmp,root,etc,lib/modules} \
	"$rootfs"/opt/neuron/{bin,tests,lib}

cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
	[[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done
# Without /dev/console in the rootfs the kernel starts /init with no stdio.
mknod -m 600 "$rootfs/dev/console" c 5 1 2>/dev/null || true

# DRM modules, in dependency order (modprobe resolves them on the unpacked
# tree).  The list: what neuron.ko declares, plus the DRM helpers the
# architecture names, so --no-module guests have them too (the debug
# kernel has no drm_kms_helper: nothing of its config selects it).
wanted=(drm drm_shmem_helper gpu-sched)
[[ $kernel == debian ]] && wanted+=(drm_kms_helper)
if [[ $load_module -eq 1 ]]; then
	IFS=, read -r -a deps <<<"$(modinfo -F depends "$module")"
	wanted+=("${deps[@]}")
fi
declare -A seen=()
: >"$rootfs/etc/modules.list"
for m in "${wanted[@]}"; do
	[[ -n $m ]] || continue
	while read -r kind path _; do
		[[ $kind == insmod && -z ${seen[$path]:-} ]] || continue
		seen[$path]=1
		name=$(basename "$path" .xz)
		case $path in
		*.xz) xz -dc "$path" >"$rootfs/lib/modules/$name" ;;
		*) cp "$path" "$rootfs/lib/modules/$name" ;;
		esac
		echo "$name" >>"$rootfs/etc/modules.list"
	done < <(modprobe -d "$kroot" -S "$KVER" --show-depends "$m" ||
		die "modprobe cannot resolve module $m for $KVER")
done
if [[ $load_module -eq 1 ]]; then
	case $module in
	*.xz) xz -dc "$module" >"$rootfs/lib/modules/neuron.ko" ;;
	*) cp "$module" "$rootfs/lib/modules/neuron.ko" ;;
	esac
fi

# /opt/neuron: test binaries, tools and libraries staged by "make lib",
# the guest-side scripts.
shopt -s nullglob
for f in "$ROOT"/igt-tests/build/neuron_*; do
	[[ -f $f && -x $f ]] && cp "$f" "$rootfs/opt/neuron/tests/"
done
cp "$ROOT/igt-tests/run-igt.sh" "$ROOT/scripts/demo-guest.sh" "$rootfs/opt/neuron/bin/" 2>/dev/null || true
stage=$ROOT/build/stage/opt/neuron
if [[ $use_stage -eq 1 ]]; then
	[[ -d $stage/bin ]] && cp -a "$stage/bin/." "$rootfs/opt/neuron/bin/"
	[[ -d $stage/lib ]] && cp -a "$stage/lib/." "$rootfs/opt/neuron/lib/"
fi
rm -rf "$rootfs/opt/neuron/lib/pkgconfig" "$rootfs"/opt/neuron/lib/*.a
shopt -u nullglob

# --copy HOST:GUEST
for c in "${copies[@]}"; do
	src=${c%%:*} dst=${c#*:}
	[[ $c == *:/* && -e $src ]] || die "--copy $c: want an existing HOST path and an absolute GUEST path"
	mkdir -p "$rootfs$(dirname "$dst")"
	if [[ -d $src ]]; then
		mkdir -p "$rootfs$dst"
		cp -a "$src/." "$rootfs$dst/"
	else
		cp -a "$src" "$rootfs$dst"
	fi
done

# Shared libraries of every ELF executable, at the paths ldd reports.
while read -r lib; do
	mkdir -p "$rootfs$(dirname "$lib")"
	cp -L "$lib" "$rootfs$lib"
done < <(
	for f in "$rootfs"/opt/neuron/{bin,tests}/* "$rootfs"/usr/bin/*; do
		if [[ ! -f $f || $(od -An -c -N4 "$f" | tr -d ' ') != 177ELF ]]; then
			continue
		fi
		LD_LIBRARY_PATH=$rootfs/opt/neuron/lib ldd "$f" 2>/dev/null || true
	done | grep -oE '(=> )?/[^ ]+ \(0x' | sed -E 's/^=> //; s/ \(0x$//' |
		grep -v "^$rootfs" | sort -u)

# The guest's /init.  A per-run nonce makes the status line unforgeable by
# test output.
nonce=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
kmemleak=0
[[ $kernel == debug ]] && kmemleak=1
printf '%s\n' "$command" >"$rootfs/etc/neuron-command"
cat >"$rootfs/init" <<EOF
#!/bin/sh
# Generated by scripts/vm-run.sh: mount, load modules, run, report, power off.
export PATH=/opt/neuron/bin:/opt/neuron/tests:/bin:/sbin:/usr/bin
export LD_LIBRARY_PATH=/opt/neuron/lib HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug
# DMA-API debugging reports only its first error unless told otherwise.
if [ -w /sys/kernel/debug/dma-api/all_errors ]; then
	echo 1 >/sys/kernel/debug/dma-api/all_errors
fi
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
ln -sf /proc/self/fd /dev/fd
report() {
	echo "NEURON-VM-EXIT-STATUS-$nonce: \$1"
	sync
	poweroff -f
}
echo "vm-guest: up after \$(cut -d' ' -f1 /proc/uptime)s, $KVER, \$(ls /sys/bus/pci/devices | wc -l) PCI functions"
while read -r m; do
	insmod /lib/modules/\$m || { echo "vm-guest: insmod \$m failed"; report 125; }
done </etc/modules.list
if [ -f /lib/modules/neuron.ko ]; then
	insmod /lib/modules/neuron.ko || { echo "vm-guest: insmod neuron.ko failed"; report 125; }
	echo "vm-guest: neuron.ko loaded; accel nodes: \$(ls /dev/accel 2>/dev/null | tr '\n' ' ')"
fi
cd /root
/bin/sh -c "\$(cat /etc/neuron-command)"
rc=\$?
if [ $kmemleak = 1 ]; then
	# kmemleak reports an object only once it is older than 5 s, and a
	# reference can survive one scan in a stale register or stack slot:
	# wait, and scan twice.
	sleep 5
	if echo scan >/sys/kernel/debug/kmemleak &&
	   echo scan >/sys/kernel/debug/kmemleak; then
		n=\$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
		echo "vm-guest: kmemleak: \$n unreferenced objects"
		sed -n '1,300s/^/kmemleak-report: /p' /sys/kernel/debug/kmemleak
	else
		echo "vm-guest: kmemleak: cannot scan (disabled?)"
	fi
fi
report \$rc
EOF
chmod 755 "$rootfs/init"
(cd "$rootfs" && find . -print0 | cpio --quiet -o -H newc -0 -R 0:0 >"$run/initrd.cpio")
copy_limit "the initramfs" "$(stat -c %s "$run/initrd.cpio")"
if [[ $kernel == debug ]]; then
	cp "$vmlinuz" "$run/vmlinuz"
	vmlinuz=$run/vmlinuz
	exec 7>&-
fi

# ---------------------------------------------------------------------------
# The machine.
# ---------------------------------------------------------------------------
# 64-bit PCI window: every device has an 8 GiB BAR4 (naturally aligned), so
# give 16 GiB per device, rounded up to a power of two, at least 64 GiB.
hole=64
while [[ $hole -lt $((ndev * 16)) ]]; do hole=$((hole * 2)); done

append="console=ttyS0 loglevel=5 panic=-1 rdinit=/init mitigations=off"
append+=" i8042.noaux i8042.nokbd i8042.nopnp"
# -cpu max offers LA57, and the debug kernel (CONFIG_X86_5LEVEL, KASAN)
# then boots with 5-level paging, where KASAN's early shadow set-up under
# TCG fails before the console is up: the debug guest uses 4-level paging.
[[ $kernel == debug ]] && append+=" no5lvl"
# shellcheck disable=SC2054 # the commas belong to QEMU options
qemu_args=(
	-machine q35,accel=tcg -cpu max -smp "${VM_SMP:-2}" -m "$mem"
	-global "q35-pcihost.pci-hole64-size=${hole}G"
	-display none -vga none -no-reboot -nodefaults -monitor none
	-chardev "stdio,id=con,signal=off,logfile=$log"
	-serial chardev:con
	-kernel "$vmlinuz" -initrd "$run/initrd.cpio"
)
if [[ $iommu -eq 1 ]]; then
	# Must precede the PCI devices it translates for.
	qemu_args=(-device intel-iommu "${qemu_args[@]}")
	append+=" intel_iommu=on"
fi
# Each device alone behind its own PCIe root port, the port at slot 0x10 + i
# of bus 0: native PCIe hot-plug, so QMP device_del/device_add can unplug
# and plug neuron<i> (id rp<i> for the port). The ports reserve no I/O space:
# the device has none, and 15 ports would exhaust it. A bridge's
# non-prefetchable window is 32-bit, where a second 256 MiB BAR2 does not
# fit, so BAR2 is prefetchable here and lands above 4 GiB with BAR4
# (bar2-prefetchable, Documentation/accel/neuron/device-model.rst).
for ((i = 0; i < ndev; i++)); do
	qemu_args+=(-device "pcie-root-port,id=rp$i,bus=pcie.0,addr=0x$(printf %x $((0x10 + i))),chassis=1,slot=$((i + 1)),io-reserve=0")
	dev="neuron-v1,id=neuron$i,bus=rp$i,bar2-prefetchable=on"
	if [[ $ndev -gt 1 ]]; then
		dev+=",east=neuron$(((i + 1) % ndev)),west=neuron$(((i - 1 + ndev) % ndev))"
	fi
	qemu_args+=(-device "$dev${VM_NEURON_OPTS:+,$VM_NEURON_OPTS}")
done
# QMP for the guest: a QMP monitor listens on a unix socket, and a second
# chardev of the same QEMU connects to it and backs the virtio-serial port
# "org.neuron.qmp", so tests can use qom-set fault injection (igt_qmp()).
# shellcheck disable=SC2054
qemu_args+=(
	-chardev "socket,id=qmp-srv,path=$run/qmp.sock,server=on,wait=off"
	-mon chardev=qmp-srv,mode=control
	-chardev "socket,id=qmp-cli,path=$run/qmp.sock"
	-device virtio-serial-pci,id=vser0
	-device virtserialport,bus=vser0.0,chardev=qmp-cli,name=org.neuron.qmp
)
[[ -n ${VM_APPEND:-} ]] && append+=" $VM_APPEND"
qemu_args+=(-append "$append")

mkdir -p "$(dirname "$log")"
: >"$log"
say "booting $KVER ($kernel) with $ndev neuron-v1 device(s)$([[ $iommu -eq 1 ]] && echo ", intel-iommu")," \
	"timeout ${timeout}s, log $log"
say "guest command: $command"
start=$(date +%s%N)
# stdin: interactive use gets the guest console; otherwise nothing.
run_qemu() {
	rc=0
	if [[ -t 0 ]]; then
		timeout --foreground -k 5 "$timeout" "$QEMU" "${qemu_args[@]}" || rc=$?
	else
		timeout -k 5 "$timeout" "$QEMU" "${qemu_args[@]}" </dev/null || rc=$?
	fi
}
run_qemu
# A guest kernel that dies before /init reports "up" has run none of this
# project's code (the modules load after that line). Under TCG that happens
# rarely for reasons of the emulator (seen: "Oops: int3" in
# sched_clock_cpu() 1.8 s into the boot of Debian's 6.12, probably a
# jump-label patch racing with TCG's translated code on the other vCPU), so
# such a boot is reported and retried once; a second one fails as usual.
if [[ $rc -ne 124 && $rc -ne 137 ]] &&
	! grep -qa '^vm-guest: up after ' "$log"; then
	say "RETRY: the guest kernel died before /init came up (qemu exit $rc);" \
		"its console log is $log.boot1; booting once more. Last lines:"
	tr -d '\r' <"$log" | tail -n 8 | sed 's/^/    /' >&2
	mv "$log" "$log.boot1"
	: >"$log"
	run_qemu
fi
ms=$((($(date +%s%N) - start) / 1000000))
secs=$(printf "%d.%03d" $((ms / 1000)) $((ms % 1000)))

# ---------------------------------------------------------------------------
# Verdict.
# ---------------------------------------------------------------------------
status=$(tr -d '\r' <"$log" | sed -n "s/^NEURON-VM-EXIT-STATUS-$nonce: \([0-9]*\)$/\1/p" | tail -n 1)
# run-igt.sh repeats kernel lines ("    kernel: ...", "run-igt: FAIL ...
# kernel log: ..."): those are not new problems.
# With --alloc-failures, each warn_alloc() report is blanked (line numbers
# kept) from its first line to the end of its stack dump, at most 80 lines.
# shellcheck disable=SC2016 # awk's $0, not the shell's
alloc_report_filter='
	/page allocation failure:|vmalloc error:/ { n = 80 }
	n > 0 { n--; if ($0 ~ /<\/TASK>/) n = 0; print ""; next }
	{ print }'
[[ $alloc_failures -eq 1 ]] || alloc_report_filter='{ print }'
problems=$(tr -d '\r' <"$log" | awk "$alloc_report_filter" |
	grep -naE 'WARNING:|BUG:|Oops|lockdep|KASAN|UBSAN:|ODEBUG:|DMA-API:|general protection|Call Trace|Kernel panic|blocked for more than|detected stall|enqueued on deprecated workqueue' |
	grep -vE '^[0-9]+:(    kernel: |run-igt: )' || true)

leaks=$(tr -d '\r' <"$log" | sed -n 's/^vm-guest: kmemleak: \([0-9]*\) unreferenced objects$/\1/p' | tail -n 1)

result=0
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
	say "TIMEOUT: the guest did not finish within ${timeout}s (hung?); killed it."
	last=$(tr -d '\r' <"$log" | sed -n 's/^run-igt: run //p' | tail -n 1)
	if [[ -n $last ]]; then
		say "TIMEOUT: the last test started was $last"
	fi
	say "last console lines:"
	tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    /' >&2
	result=124
elif [[ -z $status ]]; then
	say "FAIL: the guest ended without reporting an exit status (qemu exit $rc:" \
		"kernel panic, crash or failed boot); last console lines:"
	tr -d '\r' <"$log" | tail -n 15 | sed 's/^/    /' >&2
	result=125
else
	result=$status
	[[ $status -ne 0 ]] && say "guest command exited with status $status"
fi
if [[ -n $problems ]]; then
	say "FAIL: kernel problems in the guest console log ($log):" \
		"$(echo "$problems" | wc -l) lines, the first ones (line: text):"
	# sed, not head: head would SIGPIPE echo, and pipefail would exit 141
	echo "$problems" | sed -n '1,12s/^/    /p' >&2
	[[ $result -eq 0 ]] && result=1
fi
if [[ $kmemleak -eq 1 && -n $status && -z $leaks ]]; then
	say "FAIL: kmemleak did not scan after the command ($log)"
	[[ $result -eq 0 ]] && result=1
elif [[ -n $leaks && $leaks -ne 0 ]]; then
	say "FAIL: kmemleak: $leaks unreferenced objects after the command ($log); the first:"
	tr -d '\r' <"$log" | sed -n 's/^kmemleak-report: /    /p' | sed -n '1,24p' >&2
	[[ $result -eq 0 ]] && result=1
fi
say "done in ${secs}s, exit status $result"
exit "$result"
