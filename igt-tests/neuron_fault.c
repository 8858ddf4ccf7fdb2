// SPDX-License-Identifier: MIT
/*
 * neuron_fault - every ioctl family under slab and page allocation failures
 *
 * Copyright (c) 2025 The neuron project authors
 *
 * Needs a kernel with CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
 * CONFIG_FAULT_INJECTION_DEBUG_FS (the debug kernel), and is only run by
 * scripts/run-fault-inject.sh, which sets NEURON_FAULT_INJECT=1: anywhere
 * else it skips, because failed allocations make the kernel print stack
 * dumps (warn_alloc) that the other stages count as kernel problems.
 *
 * Two ways to fail allocations, both only in this task and only around the
 * one system call under test:
 *
 * - nth-*: /proc/thread-self/fail-nth fails exactly the N-th allocation
 *   (slab or page) of the call, for N = 1, 2, ... until the call makes
 *   fewer than N: every allocation the call makes fails once, and every
 *   error path it takes is walked.
 * - random: failslab and fail_page_alloc with the task filter
 *   (/proc/thread-self/make-it-fail), a probability of 20 % per
 *   allocation, every family in turn, many rounds: several failures in one
 *   call, error paths that allocate themselves.
 *
 * Every failure must be a documented errno of the call (for an allocation
 * failure that is ENOMEM), every success must have worked (the handles
 * are usable, jobs complete and copy the right bytes), and afterwards the
 * device must still work.  Leaks are kmemleak's (vm-run.sh scans at the
 * end of a debug run).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Every ioctl family under failslab and fail_page_alloc: documented errnos, no damage");

#define SEC_NS		1000000000LL
#define MAX_NTH		2000	/* no call of ours makes that many allocations */
#define RANDOM_ROUNDS	40

static int nth_fd = -1, fail_fd = -1;

/* ---- fault injection control ---- */

static void fi_write(const char *attr, const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", attr, file);
	igt_assert_f(neuron_write_str(path, val) == 0, "cannot write %s to %s\n",
		     val, path);
}

/*
 * Both kinds of injection, configured to fail any allocation of a task
 * that asks for it: sleeping ones too (ignore-gfp-wait), order 0 and
 * highmem pages (fail_page_alloc ignores them by default), quietly
 * (verbose 1: one line, no stack dump).  The probability stays 0 until
 * the random subtest.
 */
static void fi_setup(void)
{
	static const char *const attrs[] = { "failslab", "fail_page_alloc" };
	char path[64];

	igt_require_f(getenv("NEURON_FAULT_INJECT"),
		      "run by scripts/run-fault-inject.sh (NEURON_FAULT_INJECT=1)\n");
	for (unsigned int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", attrs[i]);
		igt_require_f(access(path, F_OK) == 0,
			      "no %s (CONFIG_FAULT_INJECTION_DEBUG_FS)\n", path);
		fi_write(attrs[i], "probability", "0");
		fi_write(attrs[i], "interval", "1");
		fi_write(attrs[i], "times", "-1");
		fi_write(attrs[i], "space", "0");
		fi_write(attrs[i], "task-filter", "Y");
		fi_write(attrs[i], "ignore-gfp-wait", "N");
		fi_write(attrs[i], "verbose", "1");
	}
	fi_write("fail_page_alloc", "ignore-gfp-highmem", "N");
	fi_write("fail_page_alloc", "min-order", "0");

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	igt_assert_fd(nth_fd);
	fail_fd = open("/proc/thread-self/make-it-fail", O_RDWR);
	igt_assert_fd(fail_fd);
}

static void fi_probability(unsigned int percent)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", percent);
	fi_write("failslab", "probability", v);
	fi_write("fail_page_alloc", "probability", v);
}

static void set_proc(int fd, unsigned int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%u", n);

	igt_assert_eq(pwrite(fd, v, len, 0), len);
}

/*
 * What the current call is under: fail its n-th allocation (n > 0), or
 * the random failures (n == 0).
 */
static unsigned int mode_nth;

static void arm(void)
{
	if (mode_nth)
		set_proc(nth_fd, mode_nth);
	else
		set_proc(fail_fd, 1);
}

/* Disarm; true when the n-th allocation was reached (nth mode). */
static bool disarm(void)
{
	char v[16] = "";
	bool hit = false;

	if (mode_nth) {
		igt_assert_gt(pread(nth_fd, v, sizeof(v) - 1, 0), 0);
		hit = strtoul(v, NULL, 10) == 0;
		set_proc(nth_fd, 0);
	} else {
		set_proc(fail_fd, 0);
	}
	return hit;
}

/* The call that failed last, for the message of check_errno(). */
static const char *last_failed;

/* The ioctl @req under injection; -errno or 0. */
#define fi_ioctl(fd, req, arg, hit) __fi_ioctl(fd, req, arg, hit, #req)

static int __fi_ioctl(int fd, unsigned long req, void *arg, bool *hit,
		      const char *name)
{
	int ret;

	arm();
	ret = ioctl(fd, req, arg) ? -errno : 0;
	*hit = disarm();
	if (ret)
		last_failed = name;
	return ret;
}

/* ---- plain helpers (no injection) ---- */

static uint32_t bo_create(int fd, uint32_t placement, uint64_t size)
{
	return neuron_bo_create(fd, size, placement);
}

static void gem_close(int fd, uint32_t h)
{
	struct drm_gem_close c = { .handle = h };

	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static uint32_t syncobj_create(int fd)
{
	struct drm_syncobj_create c = { 0 };

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	return c.handle;
}

static void syncobj_destroy(int fd, uint32_t h)
{
	struct drm_syncobj_destroy d = { .handle = h };

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

static void syncobj_wait_ok(int fd, uint32_t h)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&h, .count_handles = 1,
		.timeout_nsec = neuron_now_ns() + 60 * SEC_NS,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* ---- the families: one call under injection each ---- */

/*
 * One operation: sets up what it needs without injection, makes one call
 * under injection and checks the outcome, cleans up.  Returns the call's
 * result (0 or -errno); *hit says whether the n-th allocation was reached.
 */
typedef int (*fi_op)(int fd, bool *hit);

static int op_bo_create_host(int fd, bool *hit)
{
	struct drm_neuron_bo_create c = {
		.size = 8192, .placement = DRM_NEURON_BO_HOST,
	};
	int ret = fi_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c, hit);

	if (!ret)
		gem_close(fd, c.handle);
	return ret;
}

static int op_bo_create_dram(int fd, bool *hit)
{
	struct drm_neuron_bo_create c = {
		.size = 8192, .placement = DRM_NEURON_BO_DRAM,
	};
	int ret = fi_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c, hit);

	if (!ret)
		gem_close(fd, c.handle);
	return ret;
}

static int op_bo_info_dma_map(int fd, bool *hit)
{
	uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 3 * 4096);
	struct drm_neuron_bo_info i = {
		.handle = h, .flags = DRM_NEURON_BO_INFO_FLAG_DMA_MAP,
	};
	int ret = fi_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &i, hit);

	/* A failed mapping is not half made: the next try works. */
	if (ret) {
		memset(&i, 0, sizeof(i));
		i.handle = h;
		i.flags = DRM_NEURON_BO_INFO_FLAG_DMA_MAP;
		do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &i);
	}
	igt_assert_eq(i.size, 3 * 4096);
	igt_assert_gt(i.dma_segments, 0);
	gem_close(fd, h);
	return ret;
}

static int op_mmap(int fd, bool *hit)
{
	uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
	struct drm_neuron_bo_info i = { .handle = h };
	uint8_t *p;
	int ret = 0;

	do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &i);
	arm();
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)i.mmap_offset);
	if (p == MAP_FAILED)
		ret = -errno;
	*hit = disarm();
	if (ret)
		last_failed = "mmap";
	if (!ret) {
		/* Faulted in without injection: zeroed pages. */
		igt_assert_eq(p[0], 0);
		igt_assert_eq(p[8191], 0);
		munmap(p, 8192);
	}
	gem_close(fd, h);
	return ret;
}

static int prime_export(int fd, uint32_t h, int *out, bool *hit)
{
	struct drm_prime_handle a = {
		.handle = h, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};
	int ret = fi_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a, hit);

	*out = a.fd;
	return ret;
}

static int op_prime_export(int fd, bool *hit)
{
	uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
	int dfd = -1, ret = prime_export(fd, h, &dfd, hit);

	if (!ret) {
		igt_assert_fd(dfd);
		close(dfd);
	}
	gem_close(fd, h);
	return ret;
}

/* Import into a second device when there is one: attach and map. */
static int import_fd = -1;

static int op_prime_import(int fd, bool *hit)
{
	uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
	struct drm_prime_handle e = {
		.handle = h, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};
	struct drm_prime_handle a = { .fd = -1 };
	int ret;

	do_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &e);
	a.fd = e.fd;
	ret = fi_ioctl(import_fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &a, hit);
	if (!ret) {
		struct drm_neuron_bo_info i = {
			.handle = a.handle, .flags = DRM_NEURON_BO_INFO_FLAG_DMA_MAP,
		};

		do_ioctl(import_fd, DRM_IOCTL_NEURON_BO_INFO, &i);
		igt_assert_eq(i.size, 8192);
		gem_close(import_fd, a.handle);
	}
	close(e.fd);
	gem_close(fd, h);
	return ret;
}

/* host -> DRAM -> host, one job; checks the bytes when it was accepted. */
static int op_submit(int fd, bool *hit)
{
	const uint64_t size = 3 * 4096;
	uint32_t src = bo_create(fd, DRM_NEURON_BO_HOST, size);
	uint32_t dst = bo_create(fd, DRM_NEURON_BO_HOST, size);
	uint32_t dram = bo_create(fd, DRM_NEURON_BO_DRAM, size);
	uint8_t *ps = neuron_bo_mmap(fd, src, size);
	uint8_t *pd = neuron_bo_mmap(fd, dst, size);
	uint32_t so = syncobj_create(fd);
	struct drm_neuron_xfer x[2] = {
		{ .type = DRM_NEURON_XFER_COPY, .src_handle = src,
		  .dst_handle = dram, .src_offset = 1, .dst_offset = 2,
		  .size = size - 2 },
		{ .type = DRM_NEURON_XFER_COPY, .src_handle = dram,
		  .dst_handle = dst, .src_offset = 2, .dst_offset = 0,
		  .size = size - 2 },
	};
	struct drm_neuron_submit s = {
		.engine = 0, .xfers = (uintptr_t)x, .xfer_count = 2,
		.out_sync = { .handle = so },
	};
	int ret;

	for (uint64_t i = 0; i < size; i++)
		ps[i] = i * 7 + 1;
	memset(pd, 0, size);
	ret = fi_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s, hit);
	if (!ret) {
		syncobj_wait_ok(fd, so);
		igt_assert(memcmp(ps + 1, pd, size - 2) == 0);
	}
	munmap(ps, size);
	munmap(pd, size);
	syncobj_destroy(fd, so);
	gem_close(fd, src);
	gem_close(fd, dst);
	gem_close(fd, dram);
	return ret;
}

static int op_core_acquire(int fd, bool *hit)
{
	struct drm_neuron_core_acquire a = { .core_mask = 0x3 };
	int ret = fi_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &a, hit);

	if (!ret)
		neuron_core_release(fd, 0x3);
	return ret;
}

static int op_core_release(int fd, bool *hit)
{
	struct drm_neuron_core_acquire a = { .core_mask = 0x3 };
	int ret;

	neuron_core_acquire(fd, 0x3);
	ret = fi_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, &a, hit);
	if (ret)
		neuron_core_release(fd, 0x3);
	return ret;
}

static int op_nq_create_destroy(int fd, bool *hit)
{
	uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 4096);
	struct drm_neuron_nq_create c = {
		.core = 0, .type = DRM_NEURON_NQ_EVENT, .handle = h, .size = 256,
	};
	struct drm_neuron_nq_destroy d = {
		.core = 0, .type = DRM_NEURON_NQ_EVENT,
	};
	bool hit2 = false;
	int ret;

	neuron_core_acquire(fd, 0x1);
	ret = fi_ioctl(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c, hit);
	if (!ret) {
		ret = fi_ioctl(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d, &hit2);
		*hit |= hit2;
		if (ret)	/* must be a documented errno; tidy up */
			do_ioctl(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d);
	}
	neuron_core_release(fd, 0x1);
	gem_close(fd, h);
	return ret;
}

static int op_query(int fd, bool *hit)
{
	static const uint32_t types[] = {
		DRM_NEURON_QUERY_DEVICE_INFO, DRM_NEURON_QUERY_TOPOLOGY,
		DRM_NEURON_QUERY_CORES, DRM_NEURON_QUERY_MEMORY_USAGE,
	};
	static uint8_t buf[8192];
	int ret = 0;

	*hit = false;
	for (unsigned int i = 0; i < 4 && !ret; i++) {
		struct drm_neuron_query q = {
			.type = types[i], .size = sizeof(buf),
			.pointer = (uintptr_t)buf,
		};
		bool h;

		ret = fi_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q, &h);
		*hit |= h;
	}
	if (!ret) {
		struct drm_neuron_device_state st = {
			.type = DRM_NEURON_STATE_FW_STATUS,
		};
		bool h;

		ret = fi_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &st, &h);
		*hit |= h;
	}
	return ret;
}

/* create, export as sync_file, import, signal, wait, destroy */
static int op_syncobj(int fd, bool *hit)
{
	struct drm_syncobj_create c = { .flags = 0 };
	struct drm_syncobj_handle e = { .fd = -1 };
	struct drm_syncobj_array a = { .count_handles = 1 };
	uint32_t h = 0;
	bool h1 = false;
	int ret;

	*hit = false;
	ret = fi_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c, &h1);
	*hit |= h1;
	if (ret)
		return ret;
	h = c.handle;
	a.handles = (uintptr_t)&h;
	ret = fi_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a, &h1);
	*hit |= h1;
	if (!ret) {
		e.handle = h;
		e.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
		ret = fi_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &e, &h1);
		*hit |= h1;
	}
	if (!ret) {
		struct drm_syncobj_handle i = {
			.handle = h, .fd = e.fd,
			.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
		};

		ret = fi_ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &i, &h1);
		*hit |= h1;
		close(e.fd);
	}
	if (!ret) {
		struct drm_syncobj_wait w = {
			.handles = (uintptr_t)&h, .count_handles = 1,
			.timeout_nsec = neuron_now_ns() + SEC_NS,
		};

		ret = fi_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w, &h1);
		*hit |= h1;
	}
	if (!ret) {
		struct drm_syncobj_destroy d = { .handle = h };

		ret = fi_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d, &h1);
		*hit |= h1;
		if (!ret)
			return 0;
	}
	syncobj_destroy(fd, h);
	return ret;
}

struct family {
	const char *name;
	fi_op op;
	/* errnos an allocation failure may give, 0-terminated */
	int allowed[4];
};

static const struct family families[] = {
	{ "bo-create-host", op_bo_create_host, { ENOMEM } },
	{ "bo-create-dram", op_bo_create_dram, { ENOMEM } },
	{ "bo-info-dma-map", op_bo_info_dma_map, { ENOMEM } },
	{ "mmap", op_mmap, { ENOMEM } },
	{ "prime-export", op_prime_export, { ENOMEM } },
	{ "prime-import", op_prime_import, { ENOMEM } },
	{ "submit", op_submit, { ENOMEM } },
	{ "core-acquire", op_core_acquire, { ENOMEM } },
	{ "core-release", op_core_release, { ENOMEM } },
	{ "nq", op_nq_create_destroy, { ENOMEM } },
	{ "query", op_query, { ENOMEM } },
	{ "syncobj", op_syncobj, { ENOMEM } },
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

static void check_errno(const struct family *f, int ret, unsigned int nth)
{
	if (!ret)
		return;
	for (unsigned int i = 0; f->allowed[i]; i++)
		if (-ret == f->allowed[i])
			return;
	/*
	 * A DRM core bug, not ours: drm_syncobj_export_sync_file() (7.3,
	 * drivers/gpu/drm/drm_syncobj.c) turns sync_file_create() failing
	 * to allocate into -EINVAL.
	 */
	if (ret == -EINVAL && last_failed &&
	    !strcmp(last_failed, "DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD")) {
		igt_info("%s: EINVAL from SYNCOBJ_HANDLE_TO_FD (sync_file): DRM core's, not neuron's\n",
			 f->name);
		return;
	}
	igt_assert_f(false, "%s: %s under allocation failure %u (0: random) gave %s (%d), not a documented errno\n",
		     f->name, last_failed, nth, strerror(-ret), -ret);
}

/* Fail the 1st, 2nd, ... allocation of the call until it makes no more. */
static void sweep(int fd, const struct family *f)
{
	unsigned int n, failed = 0;
	bool hit = true;
	int ret = 0;

	for (n = 1; hit && n <= MAX_NTH; n++) {
		mode_nth = n;
		ret = f->op(fd, &hit);
		mode_nth = 0;
		if (hit && ret)
			failed++;
		check_errno(f, ret, n);
	}
	igt_assert_f(!hit, "%s: still allocating after %u failures\n",
		     f->name, MAX_NTH);
	/* The last round reached no injected failure: it must have worked. */
	igt_assert_f(ret == 0, "%s: failed (%s) without an injected failure\n",
		     f->name, strerror(-ret));
	igt_info("%s: %u allocations, %u of them failed the call\n", f->name,
		 n - 2, failed);
}

/* The device after all that: a fresh file, a BO, a job, the bytes. */
static void device_works(void)
{
	int fd = igt_neuron_open(0);
	bool hit;

	mode_nth = 0;
	fi_probability(0);
	for (unsigned int i = 0; i < NFAMILIES; i++) {
		igt_assert_eq(families[i].op(fd, &hit), 0);
	}
	close(fd);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fi_setup();
		fd = igt_neuron_open(0);
		/* A second device, if any, imports the first one's dma-bufs. */
		if (igt_neuron_count() > 1)
			import_fd = igt_neuron_open(1);
		else
			import_fd = igt_neuron_open(0);
	}

	for (unsigned int i = 0; i < NFAMILIES; i++) {
		igt_describe("Fail each allocation of one call in turn: documented errno or success, nothing broken");
		igt_subtest_f("nth-%s", families[i].name)
			sweep(fd, &families[i]);
	}

	igt_describe("Random slab and page allocation failures (20 %) in every family, many rounds");
	igt_subtest("random") {
		unsigned int fails[NFAMILIES] = { 0 }, oks[NFAMILIES] = { 0 };

		mode_nth = 0;
		fi_probability(20);
		for (unsigned int r = 0; r < RANDOM_ROUNDS; r++) {
			for (unsigned int i = 0; i < NFAMILIES; i++) {
				bool hit;
				int ret = families[i].op(fd, &hit);

				check_errno(&families[i], ret, 0);
				if (ret)
					fails[i]++;
				else
					oks[i]++;
			}
		}
		fi_probability(0);
		for (unsigned int i = 0; i < NFAMILIES; i++)
			igt_info("%s: %u failed, %u worked\n", families[i].name,
				 fails[i], oks[i]);
	}

	igt_describe("Without injection, the device still works: every family succeeds");
	igt_subtest("device-works")
		device_works();

	igt_fixture {
		if (nth_fd >= 0)
			fi_probability(0);
		if (import_fd >= 0)
			close(import_fd);
		close(fd);
	}
}
