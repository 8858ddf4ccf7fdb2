// SPDX-License-Identifier: MIT
/*
 * neuron_desc - SUBMIT descriptors: (BO index, offset) and (owned
 * NeuronCore, region, offset) ends, the NeuronCore window (state buffer,
 * PE instruction FIFO, semaphores, events), ownership and every field
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
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("SUBMIT descriptors: BO and NeuronCore ends, the core window, "
		     "ownership, every field");

#define SEC_NS		1000000000LL
#define KiB		1024u
#define MiB		(1024u * KiB)
#define SB_SIZE		DRM_NEURON_CORE_STATE_BUF_SIZE
#define FIFO_SIZE	DRM_NEURON_CORE_INSTR_FIFO_SIZE

/* Short names: descriptors are spelled out a lot below. */
#define mbo		neuron_mem_bo
#define mcore		neuron_mem_core
#define desc		neuron_desc

/* SUBMIT of @n descriptors over the BO list @bos[@nbos]; 0 or -errno. */
static int submit_descs(int fd, const uint32_t *bos, uint32_t nbos,
			const struct drm_neuron_dma_desc *d, uint32_t n,
			uint32_t out)
{
	struct drm_neuron_submit s = {
		.engine = 3, .descs = (uintptr_t)d, .desc_count = n,
		.bo_handles = (uintptr_t)bos, .bo_handle_count = nbos,
		.out_sync = { .handle = out },
	};

	return igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? -errno : 0;
}

/* The same, waited for; the subtest fails if SUBMIT does. */
static void run_descs(int fd, const uint32_t *bos, uint32_t nbos,
		      const struct drm_neuron_dma_desc *d, uint32_t n)
{
	uint32_t so = neuron_syncobj_create(fd);

	igt_assert_eq(submit_descs(fd, bos, nbos, d, n, so), 0);
	neuron_syncobj_wait(fd, so);
	neuron_syncobj_destroy(fd, so);
}

/*
 * Core 1 changes hands while a thread of the old owner keeps submitting
 * jobs whose only NeuronCore access is a descriptor: 1024 BO copies (to
 * widen the window between the ownership check and the job's record on
 * the core), then (BO word 1) -> (core 1, SEM_INCR of semaphore 8).
 */
struct hammer {
	int fd;
	volatile int stop;
	volatile int accepted, refused, error;
};

static void *hammer_thread(void *arg)
{
	enum { NDESC = 1025 };
	static struct drm_neuron_dma_desc d[NDESC];
	struct hammer *h = arg;
	uint32_t bo = neuron_bo_create(h->fd, 64 * KiB, DRM_NEURON_BO_HOST);
	uint32_t *p = neuron_bo_mmap(h->fd, bo, 64 * KiB);
	uint32_t so = neuron_syncobj_create(h->fd);

	p[0] = 1;
	for (int i = 0; i < NDESC - 1; i++)
		d[i] = desc(mbo(0, 0), mbo(0, 4096 + 4 * i), 4, 0);
	d[NDESC - 1] = desc(mbo(0, 0), mcore(1, DRM_NEURON_CORE_SEM_INCR, 4 * 8), 4,
			    DRM_NEURON_DESC_BARRIER);
	while (!h->stop && !h->error) {
		int ret = submit_descs(h->fd, &bo, 1, d, NDESC, so);

		if (!ret)
			h->accepted++;
		else if (ret == -EACCES)
			h->refused++;
		else
			h->error = ret;
		if (!ret && h->accepted % 8 == 0)
			neuron_syncobj_wait(h->fd, so);
	}
	if (h->accepted)
		neuron_syncobj_wait(h->fd, so);
	neuron_syncobj_destroy(h->fd, so);
	munmap(p, 64 * KiB);
	neuron_bo_close(h->fd, bo);
	return NULL;
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = igt_neuron_open(0);
		neuron_core_acquire(fd, 0xf);
	}

	igt_describe("Host data into an owned core's state buffer and back, bit-exact: "
		     "odd sizes and offsets, both ends of the buffer, two cores kept apart");
	igt_subtest("state-buf-roundtrip") {
		const uint32_t n = MiB + 4097;
		uint32_t bos[3];
		uint8_t *src, *dst, *ref;
		struct drm_neuron_dma_desc d[6];

		bos[0] = neuron_bo_create(fd, 2 * MiB, DRM_NEURON_BO_HOST);
		bos[1] = neuron_bo_create(fd, 4 * MiB, DRM_NEURON_BO_HOST);
		bos[2] = neuron_bo_create(fd, 2 * MiB, DRM_NEURON_BO_DRAM);
		src = neuron_bo_mmap(fd, bos[0], 2 * MiB);
		dst = neuron_bo_mmap(fd, bos[1], 4 * MiB);
		ref = malloc(2 * MiB);
		igt_assert(ref);
		neuron_fill(src, 2 * MiB, 7);
		memcpy(ref, src, 2 * MiB);
		memset(dst, 0xa5, 4 * MiB);

		/* host -> core 0 at an odd offset -> host, in one job */
		d[0] = desc(mbo(0, 3), mcore(0, DRM_NEURON_CORE_STATE_BUF, 4096 + 5), n, 0);
		d[1] = desc(mcore(0, DRM_NEURON_CORE_STATE_BUF, 4096 + 5), mbo(1, 11), n,
			    DRM_NEURON_DESC_BARRIER);
		/* other data into core 3 at the same offset, through DRAM */
		d[2] = desc(mbo(0, MiB), mbo(2, 0), MiB, 0);
		d[3] = desc(mbo(2, 0), mcore(3, DRM_NEURON_CORE_STATE_BUF, 4096 + 5), MiB,
			    DRM_NEURON_DESC_BARRIER);
		/* the last bytes of core 3's buffer */
		d[4] = desc(mbo(0, 0), mcore(3, DRM_NEURON_CORE_STATE_BUF, SB_SIZE - 70000),
			    70000, 0);
		d[5] = desc(mcore(3, DRM_NEURON_CORE_STATE_BUF, SB_SIZE - 70000),
			    mbo(1, 2 * MiB), 70000, DRM_NEURON_DESC_BARRIER);
		run_descs(fd, bos, 3, d, 6);
		igt_assert(memcmp(dst + 11, ref + 3, n) == 0);
		igt_assert_eq(dst[10], 0xa5);
		igt_assert_eq(dst[11 + n], 0xa5);
		igt_assert(memcmp(dst + 2 * MiB, ref, 70000) == 0);

		/* core 0 still holds its data, core 3 the other */
		memset(dst, 0, 4 * MiB);
		d[0] = desc(mcore(0, DRM_NEURON_CORE_STATE_BUF, 4096 + 5), mbo(1, 0), MiB, 0);
		d[1] = desc(mcore(3, DRM_NEURON_CORE_STATE_BUF, 4096 + 5), mbo(1, MiB), MiB, 0);
		run_descs(fd, bos, 3, d, 2);
		igt_assert(memcmp(dst, ref + 3, MiB) == 0);
		igt_assert(memcmp(dst + MiB, ref + MiB, MiB) == 0);

		free(ref);
		munmap(src, 2 * MiB);
		munmap(dst, 4 * MiB);
		for (int i = 0; i < 3; i++)
			neuron_bo_close(fd, bos[i]);
	}

	igt_describe("Instructions into an owned core's PE instruction FIFO: the model "
		     "counts the bytes and writes (QMP nc<n>-fifo-*) the descriptors carried");
	igt_subtest("instr-fifo") {
		uint32_t bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_DRAM);
		struct drm_neuron_dma_desc d[4];
		uint64_t bytes0, writes0;

		bytes0 = neuron_fifo_counter(fd, 2, "bytes");
		writes0 = neuron_fifo_counter(fd, 2, "writes");
		/* DRAM is contiguous: one hardware descriptor per descriptor */
		d[0] = desc(mbo(0, 0), mcore(2, DRM_NEURON_CORE_INSTR_FIFO, 0), FIFO_SIZE, 0);
		d[1] = desc(mbo(0, 7), mcore(2, DRM_NEURON_CORE_INSTR_FIFO, 0), 100,
			    DRM_NEURON_DESC_BARRIER);
		d[2] = desc(mbo(0, 0), mcore(2, DRM_NEURON_CORE_INSTR_FIFO, 100), 100, 0);
		d[3] = desc(mbo(0, 0), mcore(2, DRM_NEURON_CORE_INSTR_FIFO, FIFO_SIZE - 100),
			    100, 0);
		run_descs(fd, &bo, 1, d, 4);
		igt_assert_eq_u64(neuron_fifo_counter(fd, 2, "bytes") - bytes0, FIFO_SIZE + 300);
		igt_assert_eq_u64(neuron_fifo_counter(fd, 2, "writes") - writes0, 4);
		/* another core's FIFO saw nothing of it */
		bytes0 = neuron_fifo_counter(fd, 1, "bytes");
		run_descs(fd, &bo, 1, d, 1);
		igt_assert_eq_u64(neuron_fifo_counter(fd, 1, "bytes"), bytes0);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Semaphore SET/INCR/DECR and event slots of an owned core as "
		     "descriptor targets");
	igt_subtest("sem-event-targets") {
		uint32_t bo = neuron_bo_create(fd, 4096, DRM_NEURON_BO_HOST);
		uint32_t *p = neuron_bo_mmap(fd, bo, 4096);
		struct drm_neuron_dma_desc d[4];

		p[0] = 1000;
		p[1] = 7;
		p[2] = 1;
		d[0] = desc(mbo(0, 0), mcore(1, DRM_NEURON_CORE_SEM_SET, 4 * 31), 4, 0);
		d[1] = desc(mbo(0, 4), mcore(1, DRM_NEURON_CORE_SEM_INCR, 4 * 31), 4, 0);
		d[2] = desc(mbo(0, 8), mcore(1, DRM_NEURON_CORE_SEM_DECR, 4 * 31), 4, 0);
		d[3] = desc(mbo(0, 8), mcore(1, DRM_NEURON_CORE_EVENT, 4 * 255), 4, 0);
		run_descs(fd, &bo, 1, d, 4);
		igt_assert_eq(neuron_sem_read(fd, 1, 31), 1006);
		igt_assert_eq(neuron_event_read(fd, 1, 255), 1);
		p[2] = 0;
		d[0] = desc(mbo(0, 8), mcore(1, DRM_NEURON_CORE_SEM_SET, 4 * 31), 4, 0);
		d[1] = desc(mbo(0, 8), mcore(1, DRM_NEURON_CORE_EVENT, 4 * 255), 4, 0);
		run_descs(fd, &bo, 1, d, 2);
		igt_assert_eq(neuron_sem_read(fd, 1, 31), 0);
		igt_assert_eq(neuron_event_read(fd, 1, 255), 0);
		munmap(p, 4096);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Write-only regions are refused as a source: the FIFO, semaphores, events");
	igt_subtest("write-only-regions") {
		uint32_t bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		static const uint32_t regions[] = {
			DRM_NEURON_CORE_INSTR_FIFO, DRM_NEURON_CORE_SEM_SET,
			DRM_NEURON_CORE_SEM_INCR, DRM_NEURON_CORE_SEM_DECR,
			DRM_NEURON_CORE_EVENT,
		};
		struct drm_neuron_dma_desc d;

		for (unsigned int i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
			d = desc(mcore(0, regions[i], 0), mbo(0, 0), 4, 0);
			igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), -EINVAL);
			/* the same core region as a destination is fine */
			d = desc(mbo(0, 0), mcore(0, regions[i], 0), 4, 0);
			igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), 0);
		}
		/* core to core: state buffer into the FIFO */
		d = desc(mcore(0, DRM_NEURON_CORE_STATE_BUF, 0),
			 mcore(0, DRM_NEURON_CORE_INSTR_FIFO, 0), 64, 0);
		igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), 0);
		neuron_bo_close(fd, bo);
	}

	igt_describe("Every descriptor field out of range fails with -EINVAL and queues nothing");
	igt_subtest("bad-fields") {
		uint32_t bos[2];
		uint32_t *p;
		struct drm_neuron_dma_desc good, d;
		const uint32_t nr_regions = DRM_NEURON_CORE_EVENT + 1;
		struct {
			const char *what;
			struct drm_neuron_dma_desc d;
		} bad[64];
		int n = 0;

		bos[0] = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		bos[1] = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_DRAM);
		p = neuron_bo_mmap(fd, bos[0], 64 * KiB);
		p[0] = 5;
		/* a good job sets semaphore 3 of core 0 to 5 */
		good = desc(mbo(0, 0), mcore(0, DRM_NEURON_CORE_SEM_SET, 4 * 3), 4, 0);
		run_descs(fd, bos, 2, &good, 1);
		igt_assert_eq(neuron_sem_read(fd, 0, 3), 5);
		p[0] = 9;

#define BAD(w, ...) do { d = good; __VA_ARGS__; bad[n].what = w; bad[n++].d = d; } while (0)
		BAD("size 0", d.size = 0);
		BAD("unknown flag", d.flags = 2);
		BAD("all flags", d.flags = ~0u);
		BAD("src kind 2", d.src.kind = 2);
		BAD("dst kind ~0", d.dst.kind = ~0u);
		BAD("src pad", d.src.pad = 1);
		BAD("dst pad", d.dst.pad = 0x80000000u);
		BAD("BO end with a region", d.src.region = DRM_NEURON_CORE_STATE_BUF + 1);
		BAD("BO index = count", d.src.index = 2);
		BAD("BO index ~0", d.src.index = ~0u);
		BAD("BO offset past the end", d.src.offset = 64 * KiB);
		BAD("BO range past the end", d.src.offset = 64 * KiB - 3);
		BAD("BO offset + size overflows", d.src.offset = UINT64_MAX - 1);
		BAD("BO range past the end (large)",
		    d = desc(mbo(0, 0), mbo(1, 0), 64 * KiB + 1, 0));
		BAD("core 4", d.dst.index = 4);
		BAD("core ~0", d.dst.index = ~0u);
		BAD("region past the last", d.dst.region = nr_regions);
		BAD("region ~0", d.dst.region = ~0u);
		BAD("semaphore 32", d.dst.offset = 4 * 32);
		BAD("semaphore slot misaligned", d.dst.offset = 4 * 3 + 2);
		BAD("semaphore size 8", d.size = 8);
		BAD("semaphore size 2", d.size = 2);
		BAD("region offset overflows", d.dst.offset = UINT64_MAX - 1);
		BAD("event 256", d.dst.region = DRM_NEURON_CORE_EVENT; d.dst.offset = 4 * 256);
		BAD("INCR past the end",
		    d.dst.region = DRM_NEURON_CORE_SEM_INCR; d.dst.offset = 4 * 32);
		BAD("state buffer: chunk across its end",
		    d = desc(mbo(0, 0), mcore(0, DRM_NEURON_CORE_STATE_BUF, SB_SIZE - 4095),
			     4096, 0));
		BAD("state buffer: offset at its end",
		    d = desc(mbo(0, 0), mcore(0, DRM_NEURON_CORE_STATE_BUF, SB_SIZE), 1, 0));
		BAD("state buffer: source across its end",
		    d = desc(mcore(0, DRM_NEURON_CORE_STATE_BUF, SB_SIZE - 1), mbo(0, 0), 2, 0));
		BAD("FIFO: across its end",
		    d = desc(mbo(0, 0), mcore(0, DRM_NEURON_CORE_INSTR_FIFO, FIFO_SIZE - 1),
			     2, 0));
		BAD("FIFO: larger than it",
		    d = desc(mbo(1, 0), mcore(0, DRM_NEURON_CORE_INSTR_FIFO, 0),
			     FIFO_SIZE + 1, 0));
		BAD("FIFO as the source",
		    d = desc(mcore(0, DRM_NEURON_CORE_INSTR_FIFO, 0), mbo(0, 0), 4, 0));
#undef BAD
		for (int i = 0; i < n; i++) {
			/* the bad one after a good one: the whole job is refused */
			struct drm_neuron_dma_desc two[2] = { good, bad[i].d };
			int ret = submit_descs(fd, bos, 2, two, 2, 0);

			igt_assert_f(ret == -EINVAL, "%s: %d, not -EINVAL\n", bad[i].what, ret);
		}
		/* and so is a descriptor naming the BO list when there is none */
		igt_assert_eq(submit_descs(fd, NULL, 0, &good, 1, 0), -EINVAL);
		usleep(100000);
		igt_assert_eq(neuron_sem_read(fd, 0, 3), 5);
		igt_info("%d malformed descriptors refused\n", n);

		munmap(p, 64 * KiB);
		neuron_bo_close(fd, bos[0]);
		neuron_bo_close(fd, bos[1]);
	}

	igt_describe("A core the file does not own, free or another process's, is refused "
		     "with -EACCES in every region and as source or destination");
	igt_subtest("unowned-core") {
		uint32_t bo = neuron_bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		static const uint32_t regions[] = {
			DRM_NEURON_CORE_STATE_BUF, DRM_NEURON_CORE_INSTR_FIFO,
			DRM_NEURON_CORE_SEM_SET, DRM_NEURON_CORE_SEM_INCR,
			DRM_NEURON_CORE_SEM_DECR, DRM_NEURON_CORE_EVENT,
		};
		struct drm_neuron_dma_desc d;
		int pipes[2][2];
		char c = 0;
		pid_t pid;

		igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x4), 0);
		/* another process owns core 2 */
		igt_assert_eq(pipe(pipes[0]), 0);
		igt_assert_eq(pipe(pipes[1]), 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0) {
			int cfd = igt_neuron_open(0);

			if (neuron_core_ioctl(cfd, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x4))
				_exit(2);
			if (write(pipes[0][1], &c, 1) != 1 || read(pipes[1][0], &c, 1) != 1)
				_exit(3);
			_exit(0);
		}
		igt_assert_eq(read(pipes[0][0], &c, 1), 1);
		for (int round = 0; round < 2; round++) {
			for (unsigned int i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
				d = desc(mbo(0, 0), mcore(2, regions[i], 0), 4, 0);
				igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), -EACCES);
			}
			d = desc(mcore(2, DRM_NEURON_CORE_STATE_BUF, 0), mbo(0, 0), 4, 0);
			igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), -EACCES);
			/* an owned core on the other end does not help */
			d = desc(mcore(2, DRM_NEURON_CORE_STATE_BUF, 0),
				 mcore(0, DRM_NEURON_CORE_STATE_BUF, 0), 4, 0);
			igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), -EACCES);
			if (round == 0) {
				/* the other process lets go: core 2 is free, still not ours */
				igt_assert_eq(write(pipes[1][1], &c, 1), 1);
				neuron_wait_exit_ok(pid);
			}
		}
		for (int i = 0; i < 2; i++) {
			close(pipes[i][0]);
			close(pipes[i][1]);
		}
		neuron_core_acquire_wait(fd, 0x4);
		d = desc(mbo(0, 0), mcore(2, DRM_NEURON_CORE_STATE_BUF, 0), 4, 0);
		igt_assert_eq(submit_descs(fd, &bo, 1, &d, 1, 0), 0);
		neuron_bo_close(fd, bo);
	}

	igt_describe("A core changes hands clean: what one process left in the state "
		     "buffer reads zero for the next owner");
	igt_subtest("state-buf-handover") {
		const uint32_t sz = 256 * KiB;
		uint32_t bo, *q;
		pid_t pid;

		igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x2), 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0) {
			int cfd = igt_neuron_open(0);
			uint32_t h = neuron_bo_create(cfd, sz, DRM_NEURON_BO_HOST);
			uint32_t *p = neuron_bo_mmap(cfd, h, sz);
			struct drm_neuron_dma_desc d[2] = {
				desc(mbo(0, 0), mcore(1, DRM_NEURON_CORE_STATE_BUF, 0), sz, 0),
				desc(mbo(0, 0), mcore(1, DRM_NEURON_CORE_STATE_BUF,
						      SB_SIZE - sz), sz, 0),
			};

			for (uint32_t i = 0; i < sz / 4; i++)
				p[i] = 0xdead0000u | i;
			neuron_core_acquire(cfd, 0x2);
			/* exits with the job maybe still queued */
			igt_assert_eq(submit_descs(cfd, &h, 1, d, 2, 0), 0);
			_exit(0);
		}
		neuron_wait_exit_ok(pid);
		neuron_core_acquire_wait(fd, 0x2);
		bo = neuron_bo_create(fd, 2 * sz, DRM_NEURON_BO_HOST);
		q = neuron_bo_mmap(fd, bo, 2 * sz);
		memset(q, 0xff, 2 * sz);
		{
			struct drm_neuron_dma_desc d[2] = {
				desc(mcore(1, DRM_NEURON_CORE_STATE_BUF, 0), mbo(0, 0), sz, 0),
				desc(mcore(1, DRM_NEURON_CORE_STATE_BUF, SB_SIZE - sz),
				     mbo(0, sz), sz, 0),
			};

			run_descs(fd, &bo, 1, d, 2);
		}
		for (uint32_t i = 0; i < 2 * sz / 4; i++)
			igt_assert_f(q[i] == 0, "word %u: %#x left by the previous owner\n",
				     i, q[i]);
		munmap(q, 2 * sz);
		neuron_bo_close(fd, bo);
	}

	igt_describe("A core released by one thread while another submits descriptors "
		     "into it: accepted jobs finish before the next owner gets the core, "
		     "later ones are refused");
	igt_subtest("core-handover") {
		int accepted = 0, refused = 0;

		igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x2), 0);
		for (int round = 0; round < 20; round++) {
			int a = igt_neuron_open(0), b = igt_neuron_open(0);
			struct hammer h = { .fd = a };
			pthread_t th;
			int32_t v0, v1;

			neuron_core_acquire(a, 0x2);
			igt_assert_eq(pthread_create(&th, NULL, hammer_thread, &h), 0);
			/* Its first job, made while a owns the core (slow kernels). */
			for (int t = 0; t < 10000 && !h.accepted && !h.error; t++)
				usleep(1000);
			usleep(500 * round);
			neuron_core_release(a, 0x2);
			/* waits for a's jobs, then zeroes the semaphores */
			neuron_core_acquire_wait(b, 0x2);
			v0 = neuron_sem_read(b, 1, 8);
			usleep(20000);
			h.stop = 1;
			igt_assert_eq(pthread_join(th, NULL), 0);
			v1 = neuron_sem_read(b, 1, 8);
			igt_assert_eq(h.error, 0);
			igt_assert_eq(v0, 0);
			igt_assert_eq(v1, 0);
			accepted += h.accepted;
			refused += h.refused;
			close(a);
			close(b);
		}
		igt_info("%d jobs accepted, %d refused\n", accepted, refused);
		igt_assert_lt(0, accepted);
		igt_assert_lt(0, refused);
		neuron_core_acquire(fd, 0x2);
	}

	igt_fixture
		close(fd);
}
