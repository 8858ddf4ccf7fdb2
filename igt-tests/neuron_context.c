// SPDX-License-Identifier: MIT
/*
 * neuron_context - contexts: owned NeuronCores bound to their DMA engines,
 * jobs that stay inside them, guilt of their own, and their lifetime
 * (destroy with jobs queued, racing submits, stale after a core release)
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Contexts: cores bound to their engines, jobs kept inside, "
		     "guilt of their own, destroy and close");

#define SEC_NS		1000000000LL
#define KiB		1024u
#define SB		DRM_NEURON_CORE_STATE_BUF

#define mbo		neuron_mem_bo
#define mcore		neuron_mem_core
#define desc		neuron_desc

static int ctx_create(int fd, uint32_t mask, uint32_t *handle, uint32_t *engines)
{
	struct drm_neuron_context_create c = { .core_mask = mask };

	if (igt_ioctl(fd, DRM_IOCTL_NEURON_CONTEXT_CREATE, &c))
		return -errno;
	*handle = c.handle;
	if (engines)
		*engines = c.engine_count;
	return 0;
}

static int ctx_destroy(int fd, uint32_t handle)
{
	struct drm_neuron_context_destroy d = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_NEURON_CONTEXT_DESTROY, &d) ? -errno : 0;
}

/* SUBMIT of @n descriptors over @bos on (@ctx, @engine); 0 or -errno. */
static int submit_descs(int fd, uint32_t ctx, uint32_t engine,
			const uint32_t *bos, uint32_t nbos,
			const struct drm_neuron_dma_desc *d, uint32_t n,
			uint32_t out)
{
	struct drm_neuron_submit s = {
		.context = ctx, .engine = engine,
		.descs = (uintptr_t)d, .desc_count = n,
		.bo_handles = (uintptr_t)bos, .bo_handle_count = nbos,
		.out_sync = { .handle = out },
	};

	return igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? -errno : 0;
}

/* The same, waited for; returns the fence status (1: success). */
static int run_descs(int fd, uint32_t ctx, uint32_t engine, const uint32_t *bos,
		     uint32_t nbos, const struct drm_neuron_dma_desc *d, uint32_t n)
{
	uint32_t so = neuron_syncobj_create(fd);
	int status;

	igt_assert_eq(submit_descs(fd, ctx, engine, bos, nbos, d, n, so), 0);
	neuron_syncobj_wait(fd, so);
	status = neuron_syncobj_fence_status(fd, so);
	neuron_syncobj_destroy(fd, so);
	return status;
}

struct racer {
	int fd;
	uint32_t ctx, bo;
	volatile int stop;
	int accepted, gone, error;
};

/* Submits into a context until it is destroyed under it. */
static void *racer_thread(void *arg)
{
	struct racer *r = arg;
	struct drm_neuron_dma_desc d = desc(mbo(0, 0), mbo(0, 2048), 512, 0);
	uint32_t so = neuron_syncobj_create(r->fd);

	while (!r->stop) {
		int ret = submit_descs(r->fd, r->ctx, r->accepted % 3, &r->bo, 1,
				       &d, 1, so);

		if (!ret) {
			/* a bounded backlog: the file's job bound is 4096 */
			if (++r->accepted % 32 == 0)
				neuron_syncobj_wait(r->fd, so);
		} else if (ret == -ENOENT) {
			r->gone++;
			break;
		} else {
			r->error = ret;
			break;
		}
	}
	if (r->accepted)
		neuron_syncobj_wait(r->fd, so);
	neuron_syncobj_destroy(r->fd, so);
	return NULL;
}

igt_main
{
	int fd = -1;

	igt_fixture {
		struct drm_neuron_query_device_info info;

		fd = igt_neuron_open(0);
		neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
		igt_require_f(info.capabilities & DRM_NEURON_CAP_CONTEXT,
			      "driver without contexts\n");
		neuron_core_acquire(fd, 0xf);
	}

	igt_describe("CONTEXT_CREATE and _DESTROY: every field, three engines per core, "
		     "owned cores only, DRM_NEURON_CONTEXT_MAX_PER_FILE per file");
	igt_subtest("create-fields") {
		struct drm_neuron_context_create c = { .core_mask = 1, .flags = 1 };
		struct drm_neuron_context_destroy dd = { .handle = 1, .pad = 1 };
		uint32_t h, n, first = 0;
		int cfd = igt_neuron_open(0);
		int ret, count = 0;

		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_CONTEXT_CREATE, &c) ? errno : 0,
			      EINVAL);
		igt_assert_eq(ctx_create(fd, 0, &h, NULL), -EINVAL);
		igt_assert_eq(ctx_create(fd, 0x10, &h, NULL), -EINVAL);
		igt_assert_eq(ctx_create(fd, 0x80000001u, &h, NULL), -EINVAL);
		/* cores another file owns, or nobody */
		igt_assert_eq(ctx_create(cfd, 0x1, &h, NULL), -EACCES);
		neuron_core_release(fd, 0x8);
		igt_assert_eq(ctx_create(fd, 0x9, &h, NULL), -EACCES);
		neuron_core_acquire_wait(fd, 0x8);

		for (uint32_t mask = 1; mask < 16; mask++) {
			igt_assert_eq(ctx_create(fd, mask, &h, &n), 0);
			igt_assert_neq(h, 0);
			igt_assert_eq(n, 3 * __builtin_popcount(mask));
			igt_assert_eq(ctx_destroy(fd, h), 0);
		}
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_CONTEXT_DESTROY, &dd) ? errno : 0,
			      EINVAL);
		igt_assert_eq(ctx_destroy(fd, 0), -ENOENT);
		igt_assert_eq(ctx_destroy(fd, 12345), -ENOENT);

		/* the per-file bound, in a file of its own */
		close(cfd);
		cfd = igt_neuron_open(0);
		neuron_core_release(fd, 0x1);
		neuron_core_acquire_wait(cfd, 0x1);
		while (!(ret = ctx_create(cfd, 0x1, &h, NULL))) {
			if (!first)
				first = h;
			igt_assert_lte(++count, DRM_NEURON_CONTEXT_MAX_PER_FILE);
		}
		igt_assert_eq(ret, -ENOSPC);
		igt_assert_eq(count, DRM_NEURON_CONTEXT_MAX_PER_FILE);
		igt_assert_eq(ctx_destroy(cfd, first), 0);
		igt_assert_eq(ctx_create(cfd, 0x1, &h, NULL), 0);
		igt_assert_eq_u32(h, first);
		/* closing the file frees them all */
		close(cfd);
		neuron_core_acquire_wait(fd, 0x1);
	}

	igt_describe("A context's jobs run on its engines (index 0..engine_count - 1), "
		     "reach its cores and no other owned core; programs too");
	igt_subtest("jobs-inside") {
		uint32_t ctx, n, bo, prog;
		uint8_t *p;
		struct drm_neuron_dma_desc d[2];
		struct drm_neuron_program_create pc = { 0 };
		struct drm_neuron_submit s = { 0 };

		bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		p = neuron_bo_mmap(fd, bo, 64 * KiB);
		igt_assert_eq(ctx_create(fd, 0xa, &ctx, &n), 0);
		igt_assert_eq(n, 6);
		for (uint32_t e = 0; e < n; e++) {
			uint32_t core = e < 3 ? 1 : 3;

			neuron_fill(p, 4096, e);
			memset(p + 32 * KiB, 0, 4096);
			d[0] = desc(mbo(0, 0), mcore(core, SB, 8192), 4096, 0);
			d[1] = desc(mcore(core, SB, 8192), mbo(0, 32 * KiB), 4096,
				    DRM_NEURON_DESC_BARRIER);
			igt_assert_eq(run_descs(fd, ctx, e, &bo, 1, d, 2), 1);
			igt_assert(memcmp(p, p + 32 * KiB, 4096) == 0);
		}
		igt_assert_eq(submit_descs(fd, ctx, n, &bo, 1, d, 1, 0), -EINVAL);
		igt_assert_eq(submit_descs(fd, ctx, 12, &bo, 1, d, 1, 0), -EINVAL);
		igt_assert_eq(submit_descs(fd, ctx + 1, 0, &bo, 1, d, 1, 0), -ENOENT);
		/* core 0 is the file's, but not the context's */
		d[0] = desc(mbo(0, 0), mcore(0, SB, 0), 4096, 0);
		igt_assert_eq(submit_descs(fd, ctx, 0, &bo, 1, d, 1, 0), -EINVAL);
		/* ... through the default context it is fine */
		igt_assert_eq(run_descs(fd, 0, 0, &bo, 1, d, 1), 1);
		/* BO-only work is fine in any context */
		d[0] = desc(mbo(0, 0), mbo(0, 16 * KiB), 4096, 0);
		igt_assert_eq(run_descs(fd, ctx, 5, &bo, 1, d, 1), 1);

		/* a program over core 0 is refused in the context, run outside */
		d[0] = desc(mbo(0, 0), mcore(0, SB, 0), 4096, 0);
		pc.descs = (uintptr_t)d;
		pc.desc_count = 1;
		pc.bo_handles = (uintptr_t)&bo;
		pc.bo_handle_count = 1;
		do_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_CREATE, &pc);
		prog = pc.handle;
		s.context = ctx;
		s.program = prog;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? errno : 0, EINVAL);
		s.context = 0;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? errno : 0, 0);

		igt_assert_eq(ctx_destroy(fd, ctx), 0);
		igt_assert_eq(submit_descs(fd, ctx, 0, &bo, 1, d, 1, 0), -ENOENT);
		munmap(p, 64 * KiB);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Context engine e of core c is device engine 3c + e: a stall of "
		     "device engine 9 holds context engine 3 of a context over cores 1 "
		     "and 3, not its engine 0");
	igt_subtest("engine-mapping") {
		uint32_t ctx, bo[2], so[2];
		struct drm_neuron_dma_desc d = desc(mbo(0, 0), mbo(0, 8192), 64, 0);

		/* a BO each: implicit sync would order the two jobs */
		bo[0] = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		bo[1] = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		igt_assert_eq(ctx_create(fd, 0xa, &ctx, NULL), 0);
		so[0] = neuron_syncobj_create(fd);
		so[1] = neuron_syncobj_create(fd);
		neuron_stall_engine(fd, 9);
		igt_assert_eq(submit_descs(fd, ctx, 3, &bo[0], 1, &d, 1, so[0]), 0);
		igt_assert_eq(submit_descs(fd, ctx, 0, &bo[1], 1, &d, 1, so[1]), 0);
		neuron_syncobj_wait(fd, so[1]);
		usleep(200 * 1000);
		igt_assert_eq(neuron_syncobj_fence_status(fd, so[0]), 0);
		neuron_stall_engine(fd, -1);
		neuron_syncobj_wait(fd, so[0]);
		igt_assert_eq(neuron_syncobj_fence_status(fd, so[0]), 1);
		neuron_syncobj_destroy(fd, so[0]);
		neuron_syncobj_destroy(fd, so[1]);
		igt_assert_eq(ctx_destroy(fd, ctx), 0);
		neuron_bo_close(fd, bo[0]);
		neuron_bo_close(fd, bo[1]);
	}

	igt_describe("A job of a context that times out makes that context guilty "
		     "(-ECANCELED), not the file's other contexts nor its default one; "
		     "a new context starts innocent");
	igt_subtest("guilt-isolated") {
		uint32_t bad, good, again, bo, so;
		struct drm_neuron_dma_desc d = desc(mbo(0, 0), mbo(0, 8192), 64, 0);
		struct drm_neuron_dma_desc dc = desc(mbo(0, 0), mcore(2, SB, 0), 64, 0);

		bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		igt_assert_eq(ctx_create(fd, 0x4, &bad, NULL), 0);
		igt_assert_eq(ctx_create(fd, 0x4, &good, NULL), 0);
		so = neuron_syncobj_create(fd);

		neuron_write_param("job_timeout_ms", "500");
		/* context engine 1 of core 2: device engine 7 */
		neuron_stall_engine(fd, 7);
		igt_assert_eq(submit_descs(fd, bad, 1, &bo, 1, &d, 1, so), 0);
		neuron_syncobj_wait(fd, so);
		/* lift the timeout before the (slow, QMP) release */
		neuron_write_param("job_timeout_ms", "10000");
		neuron_stall_engine(fd, -1);
		igt_assert_eq(neuron_syncobj_fence_status(fd, so), -ETIMEDOUT);

		igt_assert_eq(submit_descs(fd, bad, 0, &bo, 1, &d, 1, 0), -ECANCELED);
		igt_assert_eq(submit_descs(fd, bad, 1, &bo, 1, &dc, 1, 0), -ECANCELED);
		/* the same engine, another context of the same file */
		igt_assert_eq(run_descs(fd, good, 1, &bo, 1, &dc, 1), 1);
		/* the default context */
		igt_assert_eq(run_descs(fd, 0, 7, &bo, 1, &d, 1), 1);
		/* a new context over the same core */
		igt_assert_eq(ctx_destroy(fd, bad), 0);
		igt_assert_eq(ctx_create(fd, 0x4, &again, NULL), 0);
		igt_assert_eq(run_descs(fd, again, 1, &bo, 1, &dc, 1), 1);

		neuron_syncobj_destroy(fd, so);
		igt_assert_eq(ctx_destroy(fd, again), 0);
		igt_assert_eq(ctx_destroy(fd, good), 0);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Releasing a core of a context makes its submits fail with -ESTALE, "
		     "also after the core is acquired again");
	igt_subtest("stale-on-core-release") {
		uint32_t ctx, bo;
		struct drm_neuron_dma_desc d = desc(mbo(0, 0), mbo(0, 8192), 64, 0);

		bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		igt_assert_eq(ctx_create(fd, 0x3, &ctx, NULL), 0);
		igt_assert_eq(run_descs(fd, ctx, 4, &bo, 1, &d, 1), 1);
		neuron_core_release(fd, 0x2);
		igt_assert_eq(submit_descs(fd, ctx, 0, &bo, 1, &d, 1, 0), -ESTALE);
		neuron_core_acquire_wait(fd, 0x2);
		igt_assert_eq(submit_descs(fd, ctx, 0, &bo, 1, &d, 1, 0), -ESTALE);
		igt_assert_eq(ctx_destroy(fd, ctx), 0);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Destroying a context with 64 jobs queued on its engines: every "
		     "job completes with its data");
	igt_subtest("destroy-with-jobs") {
		enum { JOBS = 64 };
		uint32_t ctx, bo, so[JOBS];
		uint8_t *p;
		struct drm_neuron_dma_desc d;

		bo = neuron_bo_create(fd, 1024 * KiB, DRM_NEURON_BO_HOST);
		p = neuron_bo_mmap(fd, bo, 1024 * KiB);
		neuron_fill(p, 256 * KiB, 5);
		igt_assert_eq(ctx_create(fd, 0x1, &ctx, NULL), 0);
		for (int i = 0; i < JOBS; i++) {
			d = desc(mbo(0, 0), mbo(0, 256 * KiB + (i % 3) * 256 * KiB),
				 256 * KiB, 0);
			so[i] = neuron_syncobj_create(fd);
			igt_assert_eq(submit_descs(fd, ctx, i % 3, &bo, 1, &d, 1, so[i]), 0);
		}
		igt_assert_eq(ctx_destroy(fd, ctx), 0);
		for (int i = 0; i < JOBS; i++) {
			neuron_syncobj_wait(fd, so[i]);
			igt_assert_eq(neuron_syncobj_fence_status(fd, so[i]), 1);
			neuron_syncobj_destroy(fd, so[i]);
		}
		for (int i = 1; i < 4; i++)
			igt_assert(memcmp(p, p + i * 256 * KiB, 256 * KiB) == 0);
		munmap(p, 1024 * KiB);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Threads submitting into a context while another destroys it: "
		     "each submit is accepted or fails with -ENOENT, every accepted job "
		     "completes");
	igt_subtest("destroy-race") {
		enum { THREADS = 3 };
		struct racer r[THREADS];
		pthread_t t[THREADS];
		uint32_t ctx, bo;
		int accepted = 0;

		bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		for (int round = 0; round < 8; round++) {
			igt_assert_eq(ctx_create(fd, 0x8, &ctx, NULL), 0);
			for (int i = 0; i < THREADS; i++) {
				r[i] = (struct racer){ .fd = fd, .ctx = ctx, .bo = bo };
				igt_assert_eq(pthread_create(&t[i], NULL, racer_thread, &r[i]), 0);
			}
			usleep(20 * 1000 * (round + 1));
			igt_assert_eq(ctx_destroy(fd, ctx), 0);
			for (int i = 0; i < THREADS; i++) {
				r[i].stop = 1;
				pthread_join(t[i], NULL);
				igt_assert_eq(r[i].error, 0);
				accepted += r[i].accepted;
			}
		}
		igt_info("%d jobs accepted around 8 destroys\n", accepted);
		igt_assert_lt(0, accepted);
		neuron_bo_close(fd, bo);
	}

	igt_fixture {
		close(fd);
	}
}
