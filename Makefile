# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile of the neuron project.  See README.md.
#
#   make            neuron.ko (out of tree, against KDIR), the library and
#                   its tools, the igt-tests binaries
#   make demo       ... then boot the 4-device VM and run the main job
#   make check      ... then run every test (qtests, unit tests, style,
#                   dkms, igt-tests in a VM with and without an IOMMU)
#   make check FRESH=warm|cold   the same in a pristine Debian root (CI)
#
# The kernel build itself goes through the root Kbuild file, so the
# directory drivers/accel/neuron/ can be dropped into a kernel tree as is.

NEURON_CACHE ?= /var/cache/neuron
export NEURON_CACHE

# ---------------------------------------------------------------------------
# The kernel.  Never hard-coded: Debian replaces 6.12.x with every security
# update, so the default is the newest linux-headers-6.12.*+deb12-amd64 of the
# archive (scripts/kver.sh, evaluated once and only when needed).  With
# KDIR=... on the command line, KVER is read from that tree instead.
# ---------------------------------------------------------------------------
ifneq ($(origin KDIR),undefined)
KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif
KVER ?= $(eval KVER := $(shell scripts/kver.sh))$(KVER)
KDIR ?= /usr/src/linux-headers-$(KVER)

DRIVER_DIR := drivers/accel/neuron
HAVE_DRIVER := $(wildcard $(DRIVER_DIR)/Makefile)
HAVE_LIB := $(wildcard libneuron-drm/Makefile)
MODULE := $(DRIVER_DIR)/neuron.ko
CONFIG_H := $(DRIVER_DIR)/neuron_config.h

# Host packages "make deps" installs when missing (QEMU's own build
# dependencies are installed by sim/qemu/build.sh).
DEPS_PKGS := make gcc libc6-dev pkg-config libdrm-dev libisal-dev libncurses-dev kmod cpio xz-utils \
	busybox-static sparse dkms perl python3 linux-source-6.12 \
	seabios qemu-system-data libonnx-testdata

# ---------------------------------------------------------------------------
# igt-tests: every igt-tests/neuron_*.c is one test binary.
# ---------------------------------------------------------------------------
CC ?= cc
IGT_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Wno-clobbered \
	-Wno-missing-field-initializers \
	-Iigt-tests/lib -Iinclude/uapi $(shell pkg-config --cflags libdrm 2>/dev/null)
IGT_SRCS := $(wildcard igt-tests/neuron_*.c)
IGT_BINS := $(IGT_SRCS:igt-tests/%.c=igt-tests/build/%)
IGT_LIB := igt-tests/build/lib/igt.o igt-tests/build/lib/neuron_helpers.o
IGT_LIB_H := igt-tests/lib/igt.h igt-tests/lib/neuron_helpers.h
SELFTEST := igt-tests/build/igt_selftest
# Benchmarks (not tests): igt-tests/bench/neuron_*.c, built and run by "make bench".
BENCH_SRCS := $(wildcard igt-tests/bench/neuron_*.c)
BENCH_BINS := $(BENCH_SRCS:igt-tests/bench/%.c=igt-tests/build/bench/%)
UAPI_H := $(wildcard include/uapi/drm/neuron_accel.h)

# The demo's data: Debian's ONNX test models and tensors (libonnx-testdata).
DEMO_DATA ?= /usr/share/libonnx-testdata

# Where "make lib" stages the library and tools for the VM (/opt/neuron).
STAGE := build/stage

.PHONY: all deps headers module probes tests lib qemu check demo \
	checkpatch sparse dkms-check mainline debug-kernel patches clean help bench

all: module tests lib

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Other targets: deps module tests lib qemu bench checkpatch sparse dkms-check mainline debug-kernel patches clean"

deps:
	@scripts/deps.sh --stage "make deps" $(DEPS_PKGS) linux-headers-$(KVER)

# Headers are installed on demand, also without "make deps".
headers:
	@test -e $(KDIR)/Makefile || scripts/deps.sh --stage headers linux-headers-$(KVER)

# ---------------------------------------------------------------------------
# The module.  Skipped (visibly) until the driver sources exist.
# ---------------------------------------------------------------------------
ifneq ($(HAVE_DRIVER),)
module: headers probes
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_DRM_ACCEL_NEURON=m modules

# The compat header depends on the kernel tree: build/kdir changes content
# (and so its timestamp) only when KDIR does.  NEURON_PROBED=1 (set by
# dkms.conf, whose PRE_BUILD ran the probes) only creates it if missing.
probes: $(CONFIG_H)
ifeq ($(NEURON_PROBED),1)
$(CONFIG_H):
else
$(CONFIG_H): build/kdir $(wildcard scripts/kernel-probes.sh)
endif
	@if [ -x scripts/kernel-probes.sh ]; then \
		echo "  PROBE   $(KDIR) -> $@"; \
		scripts/kernel-probes.sh $(KDIR) $@; \
	fi
	@touch $@
else
module probes:
	@echo "SKIP: module: $(DRIVER_DIR)/Makefile does not exist yet"
endif

build/kdir: FORCE
	@mkdir -p build
	@echo "$(KDIR) $(KVER)" | cmp -s - $@ || echo "$(KDIR) $(KVER)" > $@

# ---------------------------------------------------------------------------
# Tests: igt-tests binaries (guest) and the harness self-test (host).
# ---------------------------------------------------------------------------
tests: $(IGT_BINS) $(SELFTEST)

igt-tests/build/lib/%.o: igt-tests/lib/%.c $(IGT_LIB_H) $(UAPI_H)
	@mkdir -p $(@D)
	$(CC) $(IGT_CFLAGS) -c -o $@ $<

igt-tests/build/neuron_%: igt-tests/neuron_%.c $(IGT_LIB) $(IGT_LIB_H) $(UAPI_H)
	$(CC) $(IGT_CFLAGS) -o $@ $< $(IGT_LIB) $(IGT_LDLIBS)

# neuron_lib compiles the library's sources into itself: rebuild it when they
# change; it needs the library's generated headers (version, uAPI copy) and,
# like the library, libdrm.
LIB_GEN_H := $(addprefix libneuron-drm/build/include/,neuron_drm_version.h neuron_accel.h)
igt-tests/build/neuron_lib: $(wildcard libneuron-drm/src/*.[ch] libneuron-drm/include/*.h) $(LIB_GEN_H)
igt-tests/build/neuron_lib: IGT_CFLAGS += -Ilibneuron-drm/build/include
igt-tests/build/neuron_lib: IGT_LDLIBS := $(shell pkg-config --libs libdrm 2>/dev/null)
$(LIB_GEN_H): VERSION $(UAPI_H)
	$(MAKE) -s -C libneuron-drm $(@:libneuron-drm/%=%)

$(SELFTEST): igt-tests/lib/selftest/igt_selftest.c $(IGT_LIB) igt-tests/lib/igt.h
	$(CC) $(IGT_CFLAGS) -o $@ $< $(IGT_LIB)

igt-tests/build/bench/%: igt-tests/bench/%.c $(UAPI_H)
	@mkdir -p $(@D)
	$(CC) $(IGT_CFLAGS) -o $@ $<

# ---------------------------------------------------------------------------
# The library and its tools, staged under build/stage/opt/neuron for the VM.
# ---------------------------------------------------------------------------
ifneq ($(HAVE_LIB),)
lib:
	$(MAKE) -C libneuron-drm
	@rm -rf $(STAGE)
	$(MAKE) -s -C libneuron-drm install DESTDIR=$(CURDIR)/$(STAGE) \
		PREFIX=/opt/neuron PC_RELOCATABLE=1 >/dev/null
else
lib:
	@echo "SKIP: lib: libneuron-drm/Makefile does not exist yet"
endif

qemu:
	@if [ -x sim/qemu/build.sh ]; then \
		out=$$(sim/qemu/build.sh) && echo "$$out" | tail -n 1; \
	else \
		echo "SKIP: qemu: sim/qemu/build.sh does not exist yet"; \
	fi

# ---------------------------------------------------------------------------
# The two commands.
# ---------------------------------------------------------------------------
# FRESH=warm or FRESH=cold runs the same command in a pristine Debian root
# (scripts/fresh-root.sh; what CI runs): a fresh debootstrap, this commit
# cloned into it, every package installed and everything built inside;
# warm reuses the cached root tarball and artefacts, cold nothing at all.
ifneq ($(filter warm cold,$(FRESH)),)
check demo:
	@scripts/fresh-root.sh $(if $(filter cold,$(FRESH)),--cold) -- make $@
else ifneq ($(FRESH),)
check demo:
	$(error FRESH must be warm or cold, not '$(FRESH)')
else
# deps strictly first, even with -j: the build needs what it installs.
check: deps
	@$(MAKE) --no-print-directory all qemu
	@KVER=$(KVER) KDIR=$(KDIR) MAKE="$(MAKE)" scripts/check.sh

demo: deps
	@$(MAKE) --no-print-directory all qemu
	scripts/vm-run.sh -n 4 --log build/logs/demo.log \
		--copy $(DEMO_DATA):/opt/neuron/share/libonnx-testdata -- demo-guest.sh
endif

# Benchmarks: the model's raw DMA rate on the host (sim/qemu/bench-dma.sh),
# then every benchmark in a 1-device VM (igt-tests/bench/run-bench.sh), which
# gets that rate as the baseline of its host->DRAM bandwidth, then neuron-load
# against its --host-only run in a 4-device VM (igt-tests/bench/
# run-bench-load.sh; 4G: its 1 GiB file lives in the guest's /tmp, and --copy
# is limited to (VM_MEM - 256M) / 3, so only libonnx-testdata is copied in).
# Figures only.
# The model's DMA threads run ahead of the vCPUs in benchmarks, as hardware
# engines run beside the CPUs (device-model.rst); raising a thread's
# priority needs root, so as anyone else they run at the host's default.
# Added to the caller's VM_NEURON_OPTS, vm-run.sh's device properties.
comma := ,
BENCH_DMA_NICE := $(if $(filter 0,$(shell id -u)),dma-nice=-10)
BENCH_NEURON_OPTS := $(VM_NEURON_OPTS)$(if $(and $(VM_NEURON_OPTS),$(BENCH_DMA_NICE)),$(comma))$(BENCH_DMA_NICE)

bench: deps
	@$(MAKE) --no-print-directory all qemu $(BENCH_BINS)
	@cp $(BENCH_BINS) igt-tests/bench/run-bench.sh igt-tests/bench/run-bench-load.sh \
		$(STAGE)/opt/neuron/bin/
	@mkdir -p build/logs
	sim/qemu/bench-dma.sh | tee build/logs/bench-dma.log
	@raw=$$(sed -n 's/^model host->DRAM stream: *\([0-9]*\) MB.*/\1/p' build/logs/bench-dma.log); \
	VM_NEURON_OPTS=$(BENCH_NEURON_OPTS) scripts/vm-run.sh -n 1 --timeout 1200 --log build/logs/bench.log -- "run-bench.sh $${raw:-0}"
	VM_NEURON_OPTS=$(BENCH_NEURON_OPTS) VM_MEM=4G scripts/vm-run.sh -n 4 --timeout 2400 --log build/logs/bench-load.log \
		--copy $(DEMO_DATA):/opt/neuron/share/libonnx-testdata -- run-bench-load.sh

# ---------------------------------------------------------------------------
# Style and static checks, DKMS.
# ---------------------------------------------------------------------------
checkpatch:
	@scripts/checkpatch.sh

sparse: headers probes
	@KDIR=$(KDIR) MAKE="$(MAKE)" scripts/sparse.sh

dkms-check: headers
	@KVER=$(KVER) scripts/dkms-check.sh

# ---------------------------------------------------------------------------
# Mainline: the driver in tree on Debian's linux-source-7.3, in the debug
# guest kernel's configuration (scripts/mainline-build.sh).  "mainline" also
# checks our files with W=1 and sparse; "debug-kernel" only builds.
# ---------------------------------------------------------------------------
mainline:
	@MAKE="$(MAKE)" scripts/mainline-build.sh --check >/dev/null

debug-kernel:
	@MAKE="$(MAKE)" scripts/mainline-build.sh

# The upstream submission: a git format-patch series against 7.3, generated
# from the tree by scripts/patches/mkseries.py (manifest scripts/patches/series)
# into build/patches/.  "make check" (stage patches) also applies it with
# git am and builds every step.
patches:
	@MAKE="$(MAKE)" scripts/patches-check.sh --generate-only >/dev/null

clean:
	@if [ -n "$(HAVE_DRIVER)" ] && [ -e "$$(cat build/kdir 2>/dev/null | cut -d' ' -f1)/Makefile" ]; then \
		$(MAKE) -s -C $$(cut -d' ' -f1 build/kdir) M=$(CURDIR) clean; \
	fi
	@if [ -n "$(HAVE_LIB)" ]; then $(MAKE) -s -C libneuron-drm clean; fi
	rm -rf build igt-tests/build $(CONFIG_H)

FORCE:
