// SPDX-License-Identifier: MIT
/*
 * neuron_isolation - what one process leaves in device DRAM is never seen
 * by the next: freed DRAM is cleared before it is handed out again
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("DRAM BOs are zero when created, also over memory another process wrote and freed");

#define KiB		(1024ull)
#define MiB		(1024ull * KiB)
#define GiB		(1024ull * MiB)
#define PAGE		4096ull
#define SEC_NS		1000000000LL
#define PATTERN		0xa5c3e1f7u
#define CHANNEL_SIZE	(4 * GiB)
/* The queue pair the kernel clears DRAM on (NEURON_KERNEL_ENGINE/QUEUE). */
#define KERNEL_ENGINE	2
#define KERNEL_QUEUE	15

static int __bo_create(int fd, uint64_t size, uint32_t placement,
		       uint32_t mask, uint32_t *handle)
{
	struct drm_neuron_bo_create c = {
		.size = size, .placement = placement, .dram_channel_mask = mask,
	};

	if (igt_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c))
		return -errno;
	*handle = c.handle;
	return 0;
}

static uint32_t bo_create(int fd, uint64_t size, uint32_t placement)
{
	uint32_t h = 0;
	int ret = __bo_create(fd, size, placement, 0, &h);

	igt_assert_f(!ret, "BO_CREATE(%" PRIu64 "): %s\n", size, strerror(-ret));
	return h;
}

static bool have_dram_bar(int fd)
{
	struct drm_neuron_query_device_info info;

	neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
	return info.capabilities & DRM_NEURON_CAP_DRAM_BAR;
}

/* Copy @size bytes between two BOs on queue 0.0 and wait for it. */
static void copy_sync(int fd, uint32_t src, uint64_t soff, uint32_t dst,
		      uint64_t doff, uint64_t size)
{
	struct drm_neuron_xfer x = {
		.type = DRM_NEURON_XFER_COPY, .src_handle = src, .dst_handle = dst,
		.src_offset = soff, .dst_offset = doff, .size = size,
	};
	struct drm_syncobj_create sc = { 0 };
	struct drm_neuron_submit s = {
		.xfers = (uintptr_t)&x, .xfer_count = 1,
	};
	struct drm_syncobj_wait w = { .count_handles = 1 };
	struct drm_syncobj_destroy sd = { 0 };

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
	s.out_sync.handle = sc.handle;
	do_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s);
	w.handles = (uintptr_t)&sc.handle;
	w.timeout_nsec = neuron_now_ns() + 120 * SEC_NS;
	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
	sd.handle = sc.handle;
	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
}

static void fill_words(volatile uint32_t *p, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i++)
		p[i] = seed ^ (uint32_t)i;
}

/* Index of the first non-zero byte of @p, or -1. */
static int64_t first_nonzero(const volatile uint8_t *p, uint64_t size)
{
	for (uint64_t i = 0; i < size; i++)
		if (p[i])
			return i;
	return -1;
}

struct region {
	uint64_t addr;
	uint64_t size;
	uint32_t channel;
};

/*
 * Process A: a child with its own file creates @n DRAM BOs of @size,
 * writes PATTERN into each (through the DRAM BAR, or by DMA from a host
 * BO), records where they are and exits, which frees them.
 */
static void writer_process(int n, uint64_t size, bool use_dma,
			   struct region *out)
{
	pid_t pid = fork();
	int status;

	igt_assert(pid >= 0);
	if (pid == 0) {
		int fd = igt_neuron_open(0);
		uint32_t host = 0;

		if (use_dma) {
			void *p;

			host = bo_create(fd, size, DRM_NEURON_BO_HOST);
			p = neuron_bo_mmap(fd, host, size);
			fill_words(p, size, PATTERN);
			munmap(p, size);
		}
		for (int i = 0; i < n; i++) {
			struct neuron_dram_range info;
			uint32_t h = bo_create(fd, size, DRM_NEURON_BO_DRAM);

			if (use_dma) {
				copy_sync(fd, host, 0, h, 0, size);
			} else {
				void *p = neuron_bo_mmap(fd, h, size);

				fill_words(p, size, PATTERN);
				munmap(p, size);
			}
			/* Where it is: debugfs, the uAPI never says. */
			info = neuron_bo_dram_range(fd, h);
			out[i] = (struct region){ info.addr, info.size,
						  info.channel };
		}
		/* Exit without closing anything: the file's death frees it all. */
		_exit(0);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "writer process failed (status %#x)\n", status);
}

/* Check @len bytes at @off in DRAM BO @h read zero (through BAR or DMA). */
static void check_zero(int fd, uint32_t h, uint64_t bo_size, uint64_t off,
		       uint64_t len, bool use_dma, uint64_t addr)
{
	uint8_t *p;
	int64_t bad;

	if (use_dma) {
		uint32_t host = bo_create(fd, len, DRM_NEURON_BO_HOST);
		uint8_t *q = neuron_bo_mmap(fd, host, len);

		memset(q, 0xee, len);
		copy_sync(fd, h, off, host, 0, len);
		bad = first_nonzero(q, len);
		igt_assert_f(bad < 0, "device address %#" PRIx64 ": %#x left by another process\n",
			     addr + off + bad, q[bad]);
		munmap(q, len);
		neuron_bo_close(fd, host);
		return;
	}

	p = neuron_bo_mmap(fd, h, bo_size);
	bad = first_nonzero(p + off, len);
	igt_assert_f(bad < 0, "device address %#" PRIx64 ": %#x left by another process\n",
		     addr + off + bad, p[off + bad]);
	munmap(p, bo_size);
}

/*
 * Process B: allocate DRAM BOs of @alloc bytes (0: the region's size) in
 * the channel of each region until every page of the region is inside one
 * of them, and check those pages read 0.
 */
static void reader_covers(int fd, const struct region *r, int n,
			  uint64_t alloc, bool use_dma)
{
	/* The writer's ranges come back once cleared. */
	neuron_dram_wait_clear(fd);
	for (int i = 0; i < n; i++) {
		uint64_t bo_size = alloc ? alloc : r[i].size;
		uint64_t pages = r[i].size / PAGE, covered = 0;
		uint8_t *seen = calloc(pages, 1);
		uint32_t *handles = calloc(4096, sizeof(*handles));
		int count = 0;

		igt_assert(seen && handles);
		while (covered < pages && count < 4096) {
			struct neuron_dram_range info;
			uint64_t lo, hi;
			uint32_t h = 0;
			int ret;

			ret = __bo_create(fd, bo_size, DRM_NEURON_BO_DRAM,
					  1u << r[i].channel, &h);
			igt_assert_f(!ret, "BO_CREATE: %s\n", strerror(-ret));
			handles[count++] = h;
			info = neuron_bo_dram_range(fd, h);
			lo = info.addr > r[i].addr ? info.addr : r[i].addr;
			hi = info.addr + info.size < r[i].addr + r[i].size ?
			     info.addr + info.size : r[i].addr + r[i].size;
			if (lo >= hi)
				continue;
			check_zero(fd, h, info.size, lo - info.addr, hi - lo,
				   use_dma, info.addr);
			for (uint64_t a = lo; a < hi; a += PAGE) {
				uint64_t pg = (a - r[i].addr) / PAGE;

				covered += !seen[pg];
				seen[pg] = 1;
			}
		}
		igt_info("region %#" PRIx64 "+%#" PRIx64 ": covered by %d BO(s)\n",
			 r[i].addr, r[i].size, count);
		igt_assert_eq_u64(covered, pages);
		for (int j = 0; j < count; j++)
			neuron_bo_close(fd, handles[j]);
		free(handles);
		free(seen);
	}
}

static void reuse_test(int fd, uint64_t size, int n, bool use_dma)
{
	struct region *r = mmap(NULL, n * sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	igt_assert(r != MAP_FAILED);
	writer_process(n, size, use_dma, r);
	reader_covers(fd, r, n, 0, use_dma);
	munmap(r, n * sizeof(*r));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * Time BO_CREATE of one DRAM BO of @size and check its first and last MiB,
 * then time the background clear of its range once it is freed.
 */
static void timed_create(int fd, uint64_t size, bool bar)
{
	int64_t t0 = neuron_now_ns(), dt;
	uint32_t h = bo_create(fd, size, DRM_NEURON_BO_DRAM);
	uint64_t probe = size < MiB ? size : MiB;

	dt = neuron_now_ns() - t0;
	igt_info("BO_CREATE DRAM %8llu KiB: %8.3f ms\n",
		 (unsigned long long)(size / KiB), dt / 1e6);
	if (bar) {
		uint8_t *p = neuron_bo_mmap(fd, h, size);

		igt_assert_eq(first_nonzero(p, probe), -1);
		igt_assert_eq(first_nonzero(p + size - probe, probe), -1);
		/* Leave something behind for the clear. */
		fill_words((uint32_t *)p, probe, PATTERN);
		fill_words((uint32_t *)(p + size - probe), probe, PATTERN);
		munmap(p, size);
	}
	t0 = neuron_now_ns();
	neuron_bo_close(fd, h);
	neuron_dram_wait_clear(fd);
	dt = neuron_now_ns() - t0;
	igt_info("  freed and cleared in %8.3f ms (%.0f MiB/s)\n", dt / 1e6,
		 (double)size / MiB / (dt / 1e9));
}

/* DRAM channel @ch's line of MEMORY_USAGE. */
static struct drm_neuron_memory_region channel_usage(int fd, int ch)
{
	struct drm_neuron_query_memory_usage mem;

	neuron_query(fd, DRM_NEURON_QUERY_MEMORY_USAGE, &mem, sizeof(mem), 0);
	return mem.regions[1 + ch];
}

/* A DRAM BO of @size in channel @ch. */
static uint32_t bo_create_in(int fd, uint64_t size, int ch)
{
	uint32_t h = 0;
	int ret = __bo_create(fd, size, DRM_NEURON_BO_DRAM, 1u << ch, &h);

	igt_assert_f(!ret, "BO_CREATE(%" PRIu64 ", channel %d): %s\n", size, ch,
		     strerror(-ret));
	return h;
}

/* Write PATTERN into the first and last MiB of DRAM BO @h by DMA. */
static void mark_ends(int fd, uint32_t h, uint64_t size)
{
	uint32_t host = bo_create(fd, MiB, DRM_NEURON_BO_HOST);
	uint32_t *q = neuron_bo_mmap(fd, host, MiB);

	fill_words(q, MiB, PATTERN);
	munmap(q, MiB);
	copy_sync(fd, host, 0, h, 0, MiB);
	copy_sync(fd, host, 0, h, size - MiB, MiB);
	neuron_bo_close(fd, host);
}

/* Job timeouts of the device so far (debugfs "jobs"). */
static long long jobs_timeouts(int fd)
{
	long long n = neuron_jobs_value(fd, "timeouts");

	igt_assert(n >= 0);
	return n;
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = igt_neuron_open(0);

	igt_describe("A fresh DRAM BO reads zero through the DRAM BAR, after its range was written");
	igt_subtest("fresh-bo-mmap-zero") {
		static const uint64_t sizes[] = { PAGE, 3 * PAGE, 64 * KiB, 64 * KiB + PAGE,
						  1 * MiB, 5 * MiB };

		igt_require_f(have_dram_bar(fd), "no DRAM BAR\n");
		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			for (int round = 0; round < 2; round++) {
				uint32_t h = bo_create(fd, sizes[i], DRM_NEURON_BO_DRAM);
				uint8_t *p = neuron_bo_mmap(fd, h, sizes[i]);
				int64_t bad = first_nonzero(p, sizes[i]);

				igt_assert_f(bad < 0, "size %" PRIu64 " byte %" PRId64 ": %#x\n",
					     sizes[i], bad, p[bad]);
				/* Dirty it: the next round likely gets the same range. */
				fill_words((uint32_t *)p, sizes[i], PATTERN + round);
				munmap(p, sizes[i]);
				neuron_bo_close(fd, h);
			}
		}
	}

	igt_describe("Another process's data written through the DRAM BAR and freed reads zero through the BAR");
	igt_subtest("reuse-after-free-mmap") {
		igt_require_f(have_dram_bar(fd), "no DRAM BAR\n");
		reuse_test(fd, 64 * KiB, 4, false);
		reuse_test(fd, 3 * MiB, 2, false);
	}

	igt_describe("Another process's data written by DMA and freed reads zero by DMA");
	igt_subtest("reuse-after-free-dma") {
		reuse_test(fd, 64 * KiB, 4, true);
		reuse_test(fd, 4 * MiB + PAGE, 2, true);
	}

	igt_describe("A BO spanning many freed BOs of another process reads zero");
	igt_subtest("reuse-many-small") {
		struct region *r = mmap(NULL, 64 * sizeof(*r), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		struct region span[2] = { { UINT64_MAX, 0, 0 }, { UINT64_MAX, 0, 1 } };

		igt_assert(r != MAP_FAILED);
		writer_process(64, 16 * KiB, true, r);
		/* Per channel, the extent of the writer's BOs, read through 1 MiB BOs. */
		for (int i = 0; i < 64; i++) {
			struct region *c = &span[r[i].channel];
			uint64_t end = c->size ? c->addr + c->size : 0;

			if (r[i].addr + r[i].size > end)
				end = r[i].addr + r[i].size;
			if (r[i].addr < c->addr)
				c->addr = r[i].addr;
			c->size = end - c->addr;
		}
		for (int ch = 0; ch < 2; ch++)
			if (span[ch].size)
				reader_covers(fd, &span[ch], 1, 1 * MiB, true);
		munmap(r, 64 * sizeof(*r));
	}

	igt_describe("Creation time of 1 MiB, 256 MiB and 1 GiB DRAM BOs, and how long the background clear of each takes once freed");
	igt_subtest("clear-timing") {
		bool bar = have_dram_bar(fd);

		timed_create(fd, 1 * MiB, bar);
		timed_create(fd, 256 * MiB, bar);
		timed_create(fd, 1 * GiB, bar);
		/* Again: the same ranges, now dirty. */
		timed_create(fd, 1 * GiB, bar);
	}

	igt_describe("BO_CREATE does not wait for the clear of freed DRAM, except for a range still being cleared: a signal ends that wait (EINTR)");
	igt_subtest("clear-wait-interrupted") {
		struct sigaction sa = { .sa_handler = on_alarm };
		struct drm_neuron_bo_create c = {
			.size = CHANNEL_SIZE, .placement = DRM_NEURON_BO_DRAM,
			.dram_channel_mask = 2,
		};
		uint64_t addrs[16];
		uint32_t big, h;
		int ret;

		igt_require(channel_usage(fd, 1).used == 0);
		big = bo_create_in(fd, CHANNEL_SIZE, 1);
		mark_ends(fd, big, CHANNEL_SIZE);

		neuron_stall_queue(fd, KERNEL_ENGINE, KERNEL_QUEUE);
		neuron_bo_close(fd, big);
		/* Freed memory counts as free at once, cleared or not. */
		igt_assert_eq_u64(channel_usage(fd, 1).used, 0);
		igt_assert_eq_u64(channel_usage(fd, 1).largest_free, CHANNEL_SIZE);
		/*
		 * Channel 0 has clear ranges: no wait for the stalled queue,
		 * and a range freed meanwhile is not handed out again.
		 */
		for (int i = 0; i < 16; i++) {
			h = bo_create_in(fd, MiB, 0);
			addrs[i] = neuron_bo_dram_range(fd, h).addr;
			for (int j = 0; j < i; j++)
				igt_assert_neq_u64(addrs[i], addrs[j]);
			neuron_bo_close(fd, h);
		}
		/* Channel 1 is being cleared: the ioctl waits, a signal ends it. */
		igt_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);	/* no SA_RESTART */
		alarm(1);
		ret = ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c);
		igt_assert_eq(ret, -1);
		igt_assert_eq(errno, EINTR);
		neuron_stall_queue(fd, -1, 0);

		/* The round completes and the whole channel comes back, clear. */
		big = bo_create_in(fd, CHANNEL_SIZE, 1);
		check_zero(fd, big, CHANNEL_SIZE, 0, MiB, true, 0);
		check_zero(fd, big, CHANNEL_SIZE, CHANNEL_SIZE - MiB, MiB, true, 0);
		neuron_bo_close(fd, big);
	}

	igt_describe("A clear that times out is tried again: the range is handed out only once it is clear");
	igt_subtest("clear-timeout-retried") {
		long long timeouts;
		int64_t end;
		uint32_t big;

		igt_require(channel_usage(fd, 1).used == 0);
		big = bo_create_in(fd, CHANNEL_SIZE, 1);
		mark_ends(fd, big, CHANNEL_SIZE);
		timeouts = jobs_timeouts(fd);

		neuron_stall_queue(fd, KERNEL_ENGINE, KERNEL_QUEUE);
		neuron_bo_close(fd, big);
		/* The round's job times out (job_timeout_ms, 10 s by default). */
		end = neuron_now_ns() + 60 * SEC_NS;
		while (jobs_timeouts(fd) == timeouts && neuron_now_ns() < end)
			usleep(100000);
		neuron_stall_queue(fd, -1, 0);
		igt_assert_lt(timeouts, jobs_timeouts(fd));

		/* Handed out only after a later round cleared it. */
		big = bo_create_in(fd, CHANNEL_SIZE, 1);
		check_zero(fd, big, CHANNEL_SIZE, 0, MiB, true, 0);
		check_zero(fd, big, CHANNEL_SIZE, CHANNEL_SIZE - MiB, MiB, true, 0);
		neuron_bo_close(fd, big);
	}

	igt_fixture
		close(fd);
}
