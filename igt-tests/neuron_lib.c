// SPDX-License-Identifier: MIT
/*
 * neuron_lib - libneuron-drm on real (emulated) devices: enumeration and
 * open by index, PCI slot and device id, every wrapper of the uAPI (each
 * ioctl of neuron_accel.h is reached through the library here), and
 * neuron-ls --json.
 *
 * The igt-tests pattern rule links only the harness, so the library is
 * compiled into this test from its sources (a unity build of
 * the .c files of libneuron-drm/src); the code under test is the library's own.
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The library sources set their own feature macros; everything is already
 * exposed by _GNU_SOURCE above, so drop theirs to avoid redefinitions.
 */
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../libneuron-drm/src/neuron_drm_core.c"
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../libneuron-drm/src/neuron_drm_enum.c"
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../libneuron-drm/src/neuron_drm_query.c"
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../libneuron-drm/src/neuron_drm_bo.c"
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../libneuron-drm/src/neuron_drm_sync.c"
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../libneuron-drm/src/neuron_drm_cores.c"

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("libneuron-drm: enumeration, open, ioctl wrappers, neuron-ls --json");

#define SEC_NS 1000000000ll

static void lib_ok(int ret, const char *what)
{
	igt_assert_f(ret == 0, "%s: %d (%s)\n", what, ret, neuron_drm_strerror(ret));
}

static int lib_minor(int fd)
{
	struct neuron_drm_node n;

	lib_ok(neuron_drm_get_node(fd, &n), "get_node");
	return (int)n.minor;
}

static uint32_t lib_bo(int fd, uint64_t size, uint32_t placement)
{
	uint32_t h = 0;

	lib_ok(neuron_drm_bo_create(fd, size, placement, 0, 0, &h), "bo_create");
	igt_assert_neq(h, 0);
	return h;
}

/* Submit @x on @fd with a fresh syncobj, wait, and return the fence status. */
static int lib_copy(int fd, uint32_t engine, struct drm_neuron_xfer *x,
		    uint32_t n)
{
	struct drm_neuron_sync out = { 0 };
	uint64_t seqno = 0;
	int status = 0;

	lib_ok(neuron_drm_syncobj_create(fd, 0, &out.handle), "syncobj_create");
	lib_ok(neuron_drm_submit_xfers(fd, engine, 0, x, n, NULL, 0, &out,
				       &seqno), "submit_xfers");
	igt_assert_gt(seqno, 0);
	lib_ok(neuron_drm_syncobj_wait(fd, &out.handle, 1,
				       neuron_drm_abs_timeout(60 * SEC_NS),
				       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
				       NULL), "syncobj_wait");
	lib_ok(neuron_drm_syncobj_status(fd, out.handle, &status), "syncobj_status");
	lib_ok(neuron_drm_syncobj_destroy(fd, out.handle), "syncobj_destroy");
	return status;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* Run @cmd (2>&1), its output into @out; returns the exit status or -1. */
static int run_capture(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0, r;
	int st;

	igt_assert(f);
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, f)) > 0)
		n += r;
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Files of a few sizes, some larger than a 64 KiB DMA chunk. */
static void load_files(const char *dir)
{
	static const size_t sizes[] = { 200000, 1, 70000, 65536, 3 };
	char path[256];
	uint8_t *buf = malloc(200000);
	size_t i;

	igt_assert(buf);
	igt_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int f;

		snprintf(path, sizeof(path), "%s/f%zu", dir, i);
		fill(buf, sizes[i], 77 + (uint32_t)i);
		f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		igt_assert_fd(f);
		igt_assert_eq(write(f, buf, sizes[i]), (ssize_t)sizes[i]);
		close(f);
	}
	free(buf);
}

igt_main
{
	struct neuron_drm_node nodes[16];
	int count = 0, fd = -1;

	igt_fixture {
		count = neuron_drm_list(nodes, 16);
		igt_require_f(count > 0, "no neuron device (%d)\n", count);
		fd = neuron_drm_open_index(0);
		igt_assert_fd(fd);
	}

	igt_describe("neuron_drm_list() finds the devices the harness finds, sorted, with PCI data");
	igt_subtest("list") {
		int i;

		igt_assert_eq(count, igt_neuron_count());
		igt_assert_eq(neuron_drm_list(NULL, 0), count);
		for (i = 0; i < count && i < 16; i++) {
			igt_assert(strncmp(nodes[i].path, "/dev/accel/accel", 16) == 0);
			igt_assert(nodes[i].pci_slot[0]);
			igt_assert_eq(nodes[i].pci_vendor, 0x1d0f);
			igt_assert(nodes[i].pci_device >= 0x7064 &&
				   nodes[i].pci_device <= 0x7067);
			if (i)
				igt_assert_lt(nodes[i - 1].minor, nodes[i].minor);
		}
	}

	igt_describe("open by index, PCI slot (long and short form) and device id agree");
	igt_subtest("open") {
		int i;

		for (i = 0; i < count && i < 16; i++) {
			struct drm_neuron_query_device_info info;
			int a = neuron_drm_open_index(i), b, c, d;

			igt_assert_fd(a);
			igt_assert_eq(lib_minor(a), nodes[i].minor);
			b = neuron_drm_open_pci(nodes[i].pci_slot);
			igt_assert_fd(b);
			igt_assert_eq(lib_minor(b), nodes[i].minor);
			c = neuron_drm_open_pci(nodes[i].pci_slot + 5); /* "BB:DD.F" */
			igt_assert_fd(c);
			igt_assert_eq(lib_minor(c), nodes[i].minor);
			lib_ok(neuron_drm_query_device_info(a, &info), "device_info");
			d = neuron_drm_open_device_id(info.device_id);
			igt_assert_fd(d);
			igt_assert_eq(lib_minor(d), nodes[i].minor);
			neuron_drm_close(a);
			neuron_drm_close(b);
			neuron_drm_close(c);
			neuron_drm_close(d);
		}
		igt_assert_eq(neuron_drm_open_index(count), -ENODEV);
		igt_assert_eq(neuron_drm_open_pci("0000:00:1e.7"), -ENODEV);
		igt_assert_eq(neuron_drm_open_device_id(0), -EINVAL);
		igt_assert_eq(neuron_drm_open_path("/dev/null"), -ENOTTY);
	}

	igt_describe("queries: device info, topology, firmware status, memory usage, cores");
	igt_subtest("queries") {
		struct drm_neuron_query_device_info info;
		struct drm_neuron_query_topology topo;
		struct drm_neuron_query_memory_usage mu;
		struct drm_neuron_query_cores qc;
		uint32_t st = 0;

		lib_ok(neuron_drm_query_device_info(fd, &info), "device_info");
		igt_assert(info.fw_status & DRM_NEURON_FW_STATUS_READY);
		igt_assert_eq(info.nc_count, 4);
		igt_assert(neuron_drm_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, NULL, 0) >=
			   (int)sizeof(info));
		lib_ok(neuron_drm_query_topology(fd, &topo), "topology");
		igt_assert_eq_u32(topo.device_id, info.device_id);
		lib_ok(neuron_drm_fw_status(fd, &st), "fw_status");
		igt_assert(st & DRM_NEURON_FW_STATUS_READY);
		lib_ok(neuron_drm_query_memory_usage(fd, &mu), "memory_usage");
		igt_assert_eq(mu.region_count, 1 + info.dram_channel_count);
		igt_assert_eq(mu.regions[0].type, DRM_NEURON_REGION_HOST);
		igt_assert_eq(mu.regions[1].type, DRM_NEURON_REGION_DRAM);
		lib_ok(neuron_drm_query_cores(fd, &qc), "cores");
		igt_assert_eq(qc.core_count, info.nc_count);
		igt_assert_eq(neuron_drm_query(fd, 0x7fffffff, NULL, 0), -EINVAL);
	}

	igt_describe("BOs: create, info, map, DMA host -> DRAM -> host, memory use, close");
	igt_subtest("bo-roundtrip") {
		const uint64_t sz = 256 * 1024;
		struct drm_neuron_query_memory_usage before, during;
		struct drm_neuron_bo_info bi;
		struct drm_neuron_xfer x[2];
		uint32_t src, dst, dram;
		uint8_t *ps, *pd;
		uint64_t ls, ld;

		lib_ok(neuron_drm_query_memory_usage(fd, &before), "memory_usage");
		src = lib_bo(fd, sz, DRM_NEURON_BO_HOST);
		dst = lib_bo(fd, sz, DRM_NEURON_BO_HOST);
		dram = lib_bo(fd, sz, DRM_NEURON_BO_DRAM);
		lib_ok(neuron_drm_bo_info(fd, dram, 0, &bi), "bo_info");
		igt_assert_eq(bi.placement, DRM_NEURON_BO_DRAM);
		igt_assert_eq_u64(bi.size, sz);
		igt_assert_eq_u64(bi.reserved, 0);
		igt_assert(bi.info_flags & DRM_NEURON_BO_INFO_CONTIGUOUS);
		lib_ok(neuron_drm_bo_info(fd, src, DRM_NEURON_BO_INFO_FLAG_DMA_MAP, &bi),
		       "bo_info dma map");
		igt_assert_eq(bi.placement, DRM_NEURON_BO_HOST);
		igt_assert_gt(bi.dma_segments, 0);
		lib_ok(neuron_drm_query_memory_usage(fd, &during), "memory_usage");
		igt_assert(during.regions[1].used + during.regions[2].used >=
			   before.regions[1].used + before.regions[2].used + sz);

		lib_ok(neuron_drm_bo_map(fd, src, (void **)&ps, &ls), "bo_map");
		lib_ok(neuron_drm_bo_map(fd, dst, (void **)&pd, &ld), "bo_map");
		igt_assert_eq_u64(ls, sz);
		fill(ps, sz, 42);
		memset(pd, 0, sz);
		/* odd offsets and sizes, two transfers in one job, in order */
		neuron_drm_xfer_copy(&x[0], src, 3, dram, 5, sz - 8);
		neuron_drm_xfer_copy(&x[1], dram, 5, dst, 3, sz - 8);
		igt_assert_eq(lib_copy(fd, 0, x, 2), 1);
		igt_assert(memcmp(ps + 3, pd + 3, sz - 8) == 0);
		lib_ok(neuron_drm_bo_unmap(ps, ls), "bo_unmap");
		lib_ok(neuron_drm_bo_unmap(pd, ld), "bo_unmap");

		lib_ok(neuron_drm_gem_close(fd, src), "gem_close");
		lib_ok(neuron_drm_gem_close(fd, dst), "gem_close");
		lib_ok(neuron_drm_gem_close(fd, dram), "gem_close");
		igt_assert_eq(neuron_drm_gem_close(fd, dram), -EINVAL);
		igt_assert_eq(neuron_drm_bo_info(fd, dram, 0, &bi), -ENOENT);
		/* errors of the wrappers come from the kernel unchanged */
		igt_assert_eq(neuron_drm_bo_create(fd, 4096, 7, 0, 0, &src), -EINVAL);
		igt_assert_eq(neuron_drm_bo_create(fd, 1ull << 40, DRM_NEURON_BO_DRAM,
						   0, 0, &src), -ENOSPC);
	}

	igt_describe("submit: the kernel's argument errors reach the caller");
	igt_subtest("submit-errors") {
		uint32_t h = lib_bo(fd, 4096, DRM_NEURON_BO_HOST);
		struct drm_neuron_xfer x;

		neuron_drm_xfer_copy(&x, h, 0, h + 1000, 0, 16);
		igt_assert_eq(neuron_drm_submit_xfers(fd, 0, 0, &x, 1, NULL, 0,
						      NULL, NULL), -ENOENT);
		neuron_drm_xfer_copy(&x, h, 0, h, 2048, 16);
		igt_assert_eq(neuron_drm_submit_xfers(fd, 99, 0, &x, 1, NULL, 0,
						      NULL, NULL), -EINVAL);
		neuron_drm_xfer_copy(&x, h, 0, h, 4090, 16);
		igt_assert_eq(neuron_drm_submit_xfers(fd, 0, 0, &x, 1, NULL, 0,
						      NULL, NULL), -EINVAL);

		/* the raw form: library checks first, then the kernel's */
		{
			struct drm_neuron_submit sub;
			uint32_t so;

			memset(&sub, 0, sizeof(sub));
			igt_assert_eq(neuron_drm_submit(fd, &sub), -EINVAL); /* no work */
			neuron_drm_xfer_copy(&x, h, 0, h, 2048, 16);
			sub.xfers = (uintptr_t)&x;
			sub.xfer_count = 1;
			sub.context = 0xdead;
			igt_assert_eq(neuron_drm_submit(fd, &sub), -ENOENT);
			sub.context = 0;
			sub.flags = 0x80000000u;
			igt_assert_eq(neuron_drm_submit(fd, &sub), -EINVAL);
			sub.flags = 0;
			lib_ok(neuron_drm_syncobj_create(fd, 0, &so), "syncobj_create");
			sub.out_sync.handle = so;
			lib_ok(neuron_drm_submit(fd, &sub), "submit");
			igt_assert_gt(sub.seqno, 0);
			lib_ok(neuron_drm_syncobj_wait(fd, &so, 1,
						       neuron_drm_abs_timeout(60 * SEC_NS),
						       0, NULL), "syncobj_wait");
			lib_ok(neuron_drm_syncobj_destroy(fd, so), "syncobj_destroy");
		}
		lib_ok(neuron_drm_gem_close(fd, h), "gem_close");
	}

	igt_describe("PRIME: a DRAM BO imported by the east neighbour is peer DRAM it can copy from");
	igt_subtest("prime-peer") {
		struct drm_neuron_query_topology topo;
		struct drm_neuron_query_device_info info;
		struct drm_neuron_bo_info bi;
		struct drm_neuron_xfer x[2];
		uint32_t d0, d1, peer, h1;
		uint64_t sz = 64 * 1024, l;
		int east, dmabuf = -1;
		uint8_t *p;

		lib_ok(neuron_drm_query_topology(fd, &topo), "topology");
		igt_require(topo.links[DRM_NEURON_LINK_EAST].flags & DRM_NEURON_LINK_PEER_LOCAL);
		lib_ok(neuron_drm_query_device_info(fd, &info), "device_info");
		east = neuron_drm_open_device_id(topo.links[DRM_NEURON_LINK_EAST].peer_device_id);
		igt_assert_fd(east);

		d0 = lib_bo(fd, sz, DRM_NEURON_BO_DRAM);
		h1 = lib_bo(east, sz, DRM_NEURON_BO_HOST);
		d1 = lib_bo(east, sz, DRM_NEURON_BO_DRAM);
		lib_ok(neuron_drm_bo_map(east, h1, (void **)&p, &l), "bo_map");
		fill(p, sz, 7);
		/* fill d0 from a host BO of its own device */
		{
			uint32_t h0 = lib_bo(fd, sz, DRM_NEURON_BO_HOST);
			uint8_t *p0;
			uint64_t l0;

			lib_ok(neuron_drm_bo_map(fd, h0, (void **)&p0, &l0), "bo_map");
			memcpy(p0, p, sz);
			neuron_drm_xfer_copy(&x[0], h0, 0, d0, 0, sz);
			igt_assert_eq(lib_copy(fd, 1, x, 1), 1);
			neuron_drm_bo_unmap(p0, l0);
			neuron_drm_gem_close(fd, h0);
		}
		memset(p, 0, sz);

		lib_ok(neuron_drm_prime_handle_to_fd(fd, d0, DRM_CLOEXEC, &dmabuf),
		       "prime_handle_to_fd");
		igt_assert_fd(dmabuf);
		lib_ok(neuron_drm_prime_fd_to_handle(east, dmabuf, &peer),
		       "prime_fd_to_handle");
		close(dmabuf);
		lib_ok(neuron_drm_bo_info(east, peer, 0, &bi), "bo_info peer");
		igt_assert(bi.info_flags & DRM_NEURON_BO_INFO_PEER);
		igt_assert_eq_u32(bi.peer_device_id, info.device_id);

		neuron_drm_xfer_copy(&x[0], peer, 0, d1, 0, sz);
		neuron_drm_xfer_copy(&x[1], d1, 0, h1, 0, sz);
		igt_assert_eq(lib_copy(east, 1, x, 2), 1);
		{
			uint8_t *ref = malloc(sz);

			igt_assert(ref);
			fill(ref, sz, 7);
			igt_assert(memcmp(ref, p, sz) == 0);
			free(ref);
		}
		neuron_drm_bo_unmap(p, l);
		lib_ok(neuron_drm_gem_close(east, peer), "gem_close peer");
		neuron_drm_gem_close(east, d1);
		neuron_drm_gem_close(east, h1);
		neuron_drm_gem_close(fd, d0);
		neuron_drm_close(east);
		/* not a dma-buf: -EINVAL; not an open descriptor: -EBADF */
		dmabuf = open("/dev/null", O_RDONLY | O_CLOEXEC);
		igt_assert_fd(dmabuf);
		igt_assert_eq(neuron_drm_prime_fd_to_handle(fd, dmabuf, &peer), -EINVAL);
		close(dmabuf);
		igt_assert_eq(neuron_drm_prime_fd_to_handle(fd, 1000, &peer), -EBADF);
	}

	igt_describe("syncobjs: timeline signal, query, wait and timeout");
	igt_subtest("syncobj-timeline") {
		uint32_t so;
		uint64_t pt = 5, got = 0, later = 6;

		lib_ok(neuron_drm_syncobj_create(fd, 0, &so), "syncobj_create");
		lib_ok(neuron_drm_syncobj_timeline_signal(fd, &so, &pt, 1), "timeline_signal");
		lib_ok(neuron_drm_syncobj_query(fd, &so, &got, 1), "query");
		igt_assert_eq_u64(got, 5);
		lib_ok(neuron_drm_syncobj_timeline_wait(fd, &so, &pt, 1,
							neuron_drm_abs_timeout(SEC_NS),
							0, NULL), "timeline_wait");
		igt_assert_eq(neuron_drm_syncobj_timeline_wait(fd, &so, &later, 1,
							       neuron_drm_abs_timeout(SEC_NS / 100),
							       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
							       NULL), -ETIME);
		lib_ok(neuron_drm_syncobj_destroy(fd, so), "syncobj_destroy");
		igt_assert_eq(neuron_drm_syncobj_destroy(fd, so), -EINVAL);
		lib_ok(neuron_drm_syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &so),
		       "syncobj_create signalled");
		lib_ok(neuron_drm_syncobj_wait(fd, &so, 1, 0, 0, NULL), "wait signalled");
		neuron_drm_syncobj_destroy(fd, so);
	}

	igt_describe("NeuronCores: ownership, semaphores, events, an EVENT queue, waits");
	igt_subtest("cores") {
		struct drm_neuron_query_cores qc;
		struct drm_neuron_nq_advance na;
		uint32_t ev = 9, ring_bo, *ring;
		uint64_t rl;
		int32_t v, res = 0;
		int other;

		lib_ok(neuron_drm_core_acquire(fd, 1u << 3), "core_acquire");
		lib_ok(neuron_drm_query_cores(fd, &qc), "cores");
		igt_assert(qc.cores[3].flags & DRM_NEURON_CORE_OWNER_CALLER);
		igt_assert_eq(qc.cores[3].pid, getpid());
		other = neuron_drm_open_index(0);
		igt_assert_fd(other);
		igt_assert_eq(neuron_drm_core_acquire(other, 1u << 3), -EBUSY);
		v = 1;
		igt_assert_eq(neuron_drm_sem_op(other, 3, 0, DRM_NEURON_SEM_SET, &v), -EACCES);
		neuron_drm_close(other);

		v = 7;
		lib_ok(neuron_drm_sem_op(fd, 3, 4, DRM_NEURON_SEM_SET, &v), "sem set");
		v = 2;
		lib_ok(neuron_drm_sem_op(fd, 3, 4, DRM_NEURON_SEM_INCR, &v), "sem incr");
		v = 0;
		lib_ok(neuron_drm_sem_op(fd, 3, 4, DRM_NEURON_SEM_READ, &v), "sem read");
		igt_assert_eq(v, 9);
		lib_ok(neuron_drm_semaphore_read(fd, 3, 4, &v), "semaphore_read");
		igt_assert_eq(v, 9);
		lib_ok(neuron_drm_wait(fd, DRM_NEURON_WAIT_SEMAPHORE, 3, 4, 0, 9,
				       neuron_drm_abs_timeout(SEC_NS), &res), "wait sem");
		igt_assert_eq(res, 9);
		igt_assert_eq(neuron_drm_wait(fd, DRM_NEURON_WAIT_SEMAPHORE, 3, 4, 0, 10,
					      neuron_drm_abs_timeout(SEC_NS / 100), &res),
			      -ETIME);

		/* one page: contiguous for the device even without an IOMMU */
		ring_bo = lib_bo(fd, 4096, DRM_NEURON_BO_HOST);
		lib_ok(neuron_drm_bo_map(fd, ring_bo, (void **)&ring, &rl), "bo_map ring");
		lib_ok(neuron_drm_nq_create(fd, 3, DRM_NEURON_NQ_EVENT, 0, ring_bo, 4096),
		       "nq_create");
		igt_assert_eq(neuron_drm_nq_create(fd, 3, DRM_NEURON_NQ_EVENT, 0, ring_bo, 4096),
			      -EEXIST);
		lib_ok(neuron_drm_event_op(fd, 3, 17, DRM_NEURON_EVENT_SET, NULL), "event set");
		lib_ok(neuron_drm_event_op(fd, 3, 17, DRM_NEURON_EVENT_READ, &ev), "event read");
		igt_assert_eq(ev, 1);
		lib_ok(neuron_drm_event_read(fd, 3, 17, &ev), "event_read state");
		igt_assert_eq(ev, 1);
		lib_ok(neuron_drm_wait(fd, DRM_NEURON_WAIT_NQ, 3, DRM_NEURON_NQ_EVENT, 0, 0,
				       neuron_drm_abs_timeout(5 * SEC_NS), &res), "wait nq");
		igt_assert_eq(res, 0);
		igt_assert_eq_u32(ring[0], 0x80000000u | (DRM_NEURON_NQ_EVENT << 24) | 17);
		igt_assert_eq_u32(ring[1], 1);
		lib_ok(neuron_drm_nq_advance(fd, 3, DRM_NEURON_NQ_EVENT, 0, 1, &na), "nq_advance");
		igt_assert_eq(na.head, 16);
		igt_assert_eq(neuron_drm_nq_advance(fd, 3, DRM_NEURON_NQ_EVENT, 0, 1, &na),
			      -EINVAL);
		lib_ok(neuron_drm_event_op(fd, 3, 17, DRM_NEURON_EVENT_CLEAR, NULL), "event clear");
		lib_ok(neuron_drm_nq_destroy(fd, 3, DRM_NEURON_NQ_EVENT, 0), "nq_destroy");
		igt_assert_eq(neuron_drm_nq_destroy(fd, 3, DRM_NEURON_NQ_EVENT, 0), -ENOENT);
		neuron_drm_bo_unmap(ring, rl);
		neuron_drm_gem_close(fd, ring_bo);

		lib_ok(neuron_drm_core_release(fd, 1u << 3), "core_release");
		igt_assert_eq(neuron_drm_core_release(fd, 1u << 3), -EACCES);
		igt_assert_eq(neuron_drm_core_acquire(fd, 1u << 31), -EINVAL);
	}

	igt_describe("Programs through the library: create, run with syncobjs, the "
		     "output, semaphore and EVENT notification of each run, -ESTALE "
		     "after a BO is closed, destroy");
	igt_subtest("programs") {
		enum { TENSOR = 12288, RUNS = 5 };
		struct drm_neuron_dma_desc d[5];
		struct drm_neuron_sync out;
		uint32_t bos[4], prog = 0, hw = 0, ring_bo, *ring, *one;
		uint32_t ctx = 0, nengines = 0;
		int st = 0;
		uint8_t *in, *res_out;
		uint64_t lin, lout, lone, lring, seq = 0;
		int32_t v = -1, res = 0;

		lib_ok(neuron_drm_core_acquire(fd, 1u << 2), "core_acquire");
		bos[0] = lib_bo(fd, TENSOR, DRM_NEURON_BO_HOST);
		bos[1] = lib_bo(fd, 4096, DRM_NEURON_BO_DRAM);
		bos[2] = lib_bo(fd, TENSOR, DRM_NEURON_BO_HOST);
		bos[3] = lib_bo(fd, 4096, DRM_NEURON_BO_HOST);
		lib_ok(neuron_drm_bo_map(fd, bos[0], (void **)&in, &lin), "bo_map in");
		lib_ok(neuron_drm_bo_map(fd, bos[2], (void **)&res_out, &lout), "bo_map out");
		lib_ok(neuron_drm_bo_map(fd, bos[3], (void **)&one, &lone), "bo_map one");
		one[0] = 1;
		ring_bo = lib_bo(fd, 4096, DRM_NEURON_BO_HOST);
		lib_ok(neuron_drm_bo_map(fd, ring_bo, (void **)&ring, &lring), "bo_map ring");
		lib_ok(neuron_drm_nq_create(fd, 2, DRM_NEURON_NQ_EVENT, 0, ring_bo, 4096),
		       "nq_create");

		neuron_drm_desc_copy(&d[0], neuron_drm_mem_bo(0, 0),
				     neuron_drm_mem_core(2, DRM_NEURON_CORE_STATE_BUF, 0),
				     TENSOR, 0);
		neuron_drm_desc_copy(&d[1], neuron_drm_mem_bo(1, 0),
				     neuron_drm_mem_core(2, DRM_NEURON_CORE_INSTR_FIFO, 0),
				     4096, 0);
		neuron_drm_desc_copy(&d[2], neuron_drm_mem_core(2, DRM_NEURON_CORE_STATE_BUF, 0),
				     neuron_drm_mem_bo(2, 0), TENSOR, DRM_NEURON_DESC_BARRIER);
		neuron_drm_desc_copy(&d[3], neuron_drm_mem_bo(3, 0),
				     neuron_drm_mem_core(2, DRM_NEURON_CORE_SEM_INCR, 4 * 6),
				     4, DRM_NEURON_DESC_BARRIER);
		neuron_drm_desc_copy(&d[4], neuron_drm_mem_bo(3, 0),
				     neuron_drm_mem_core(2, DRM_NEURON_CORE_EVENT, 4 * 6), 4, 0);
		igt_assert_eq(neuron_drm_program_create(fd, d, 0, bos, 4, &prog, NULL), -EINVAL);
		igt_assert_eq(neuron_drm_program_create(fd, d, 5, NULL, 4, &prog, NULL), -EINVAL);
		lib_ok(neuron_drm_program_create(fd, d, 5, bos, 4, &prog, &hw), "program_create");
		igt_assert_neq(prog, 0);
		igt_assert_lte(5, hw);

		memset(&out, 0, sizeof(out));
		lib_ok(neuron_drm_syncobj_create(fd, 0, &out.handle), "syncobj_create");
		for (int i = 0; i < RUNS; i++) {
			for (int j = 0; j < TENSOR; j++)
				in[j] = (uint8_t)(j * 7 + i);
			lib_ok(neuron_drm_program_run(fd, 0, 5, 0, prog, NULL, 0, &out, &seq),
			       "program_run");
			lib_ok(neuron_drm_syncobj_wait(fd, &out.handle, 1,
						       neuron_drm_abs_timeout(30 * SEC_NS),
						       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
			       "syncobj_wait");
			igt_assert(memcmp(in, res_out, TENSOR) == 0);
			/* the run's event reached the notification queue */
			lib_ok(neuron_drm_wait(fd, DRM_NEURON_WAIT_NQ, 2, DRM_NEURON_NQ_EVENT, 0, 0,
					       neuron_drm_abs_timeout(5 * SEC_NS), &res),
			       "wait nq");
			igt_assert_eq_u32(ring[4 * i] & 0x00ffffffu, 6);
			lib_ok(neuron_drm_nq_advance(fd, 2, DRM_NEURON_NQ_EVENT, 0, 1, NULL),
			       "nq_advance");
		}
		igt_assert_lt(0, (int)seq);
		lib_ok(neuron_drm_semaphore_read(fd, 2, 6, &v), "semaphore_read");
		igt_assert_eq(v, RUNS);

		/* the same program in a context over core 2, on its engine 2 */
		igt_assert_eq(neuron_drm_context_create(fd, 0, &ctx, NULL), -EINVAL);
		lib_ok(neuron_drm_context_create(fd, 1u << 2, &ctx, &nengines),
		       "context_create");
		igt_assert_eq(nengines, 3);
		lib_ok(neuron_drm_program_run(fd, ctx, 2, 0, prog, NULL, 0, &out, NULL),
		       "program_run in a context");
		lib_ok(neuron_drm_syncobj_wait(fd, &out.handle, 1,
					       neuron_drm_abs_timeout(30 * SEC_NS),
					       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
		       "syncobj_wait");
		lib_ok(neuron_drm_syncobj_status(fd, out.handle, &st), "syncobj_status");
		igt_assert_eq(st, 1);
		igt_assert_eq(neuron_drm_program_run(fd, ctx, 3, 0, prog, NULL, 0, NULL, NULL),
			      -EINVAL);
		lib_ok(neuron_drm_context_destroy(fd, ctx), "context_destroy");
		igt_assert_eq(neuron_drm_context_destroy(fd, ctx), -ENOENT);
		lib_ok(neuron_drm_nq_advance(fd, 2, DRM_NEURON_NQ_EVENT, 0, 1, NULL),
		       "nq_advance");

		igt_assert_eq(neuron_drm_program_run(fd, 0, 5, 0, 0, NULL, 0, NULL, NULL), -EINVAL);
		lib_ok(neuron_drm_gem_close(fd, bos[1]), "gem_close");
		igt_assert_eq(neuron_drm_program_run(fd, 0, 5, 0, prog, NULL, 0, NULL, NULL), -ESTALE);
		igt_assert(strstr(neuron_drm_strerror(-ESTALE), "program"));
		lib_ok(neuron_drm_program_destroy(fd, prog), "program_destroy");
		igt_assert_eq(neuron_drm_program_destroy(fd, prog), -ENOENT);

		neuron_drm_syncobj_destroy(fd, out.handle);
		lib_ok(neuron_drm_nq_destroy(fd, 2, DRM_NEURON_NQ_EVENT, 0), "nq_destroy");
		neuron_drm_bo_unmap(ring, lring);
		neuron_drm_bo_unmap(in, lin);
		neuron_drm_bo_unmap(res_out, lout);
		neuron_drm_bo_unmap(one, lone);
		neuron_drm_gem_close(fd, ring_bo);
		neuron_drm_gem_close(fd, bos[0]);
		neuron_drm_gem_close(fd, bos[2]);
		neuron_drm_gem_close(fd, bos[3]);
		lib_ok(neuron_drm_core_release(fd, 1u << 2), "core_release");
	}

	igt_describe("acquire hands over a clean core: semaphores 0, events clear");
	igt_subtest("acquire-clears") {
		uint32_t ev = 7;
		int32_t v;
		int i;

		lib_ok(neuron_drm_core_acquire(fd, 1u << 2), "core_acquire");
		for (i = 0; i < 32; i += 31) {
			v = 1000 + i;
			lib_ok(neuron_drm_sem_op(fd, 2, i, DRM_NEURON_SEM_SET, &v), "sem set");
		}
		lib_ok(neuron_drm_event_op(fd, 2, 200, DRM_NEURON_EVENT_SET, NULL), "event set");
		/* acquiring an owned core again leaves it as it is */
		lib_ok(neuron_drm_core_acquire(fd, 1u << 2), "core_acquire again");
		lib_ok(neuron_drm_sem_op(fd, 2, 31, DRM_NEURON_SEM_READ, &v), "sem read");
		igt_assert_eq(v, 1031);
		lib_ok(neuron_drm_core_release(fd, 1u << 2), "core_release");
		/* released: the values stay until the next owner comes */
		lib_ok(neuron_drm_semaphore_read(fd, 2, 0, &v), "semaphore_read");
		igt_assert_eq(v, 1000);

		lib_ok(neuron_drm_core_acquire(fd, 1u << 2), "core_acquire");
		for (i = 0; i < 32; i++) {
			v = -1;
			lib_ok(neuron_drm_sem_op(fd, 2, i, DRM_NEURON_SEM_READ, &v), "sem read");
			igt_assert_eq(v, 0);
		}
		lib_ok(neuron_drm_event_op(fd, 2, 200, DRM_NEURON_EVENT_READ, &ev), "event read");
		igt_assert_eq(ev, 0);
		lib_ok(neuron_drm_core_release(fd, 1u << 2), "core_release");
	}

	igt_describe("reset_cores clears the caller's core and counts the reset; "
		     "a core the caller does not own is refused");
	igt_subtest("reset-cores") {
		struct drm_neuron_query_cores q;
		uint32_t before;
		int32_t v = 5;

		lib_ok(neuron_drm_query_cores(fd, &q), "query_cores");
		before = q.reset_count[2];
		lib_ok(neuron_drm_core_acquire(fd, 1u << 2), "core_acquire");
		lib_ok(neuron_drm_sem_op(fd, 2, 9, DRM_NEURON_SEM_SET, &v), "sem set");
		igt_assert_eq(neuron_drm_reset_cores(fd, 1u << 3), -EACCES);
		lib_ok(neuron_drm_reset_cores(fd, 1u << 2), "reset_cores");
		lib_ok(neuron_drm_sem_op(fd, 2, 9, DRM_NEURON_SEM_READ, &v), "sem read");
		igt_assert_eq(v, 0);
		lib_ok(neuron_drm_query_cores(fd, &q), "query_cores");
		igt_assert_eq(q.reset_count[2], before + 1);
		lib_ok(neuron_drm_core_release(fd, 1u << 2), "core_release");
	}

	igt_describe("post_metrics and device_state reach the firmware");
	igt_subtest("metrics-state") {
		struct drm_neuron_device_state st;
		static const char blob[] = "neuron_lib metrics";

		lib_ok(neuron_drm_post_metrics(fd, blob, sizeof(blob)), "post_metrics");
		igt_assert_eq(neuron_drm_post_metrics(fd, blob, DRM_NEURON_METRICS_MAX_SIZE + 1),
			      -EINVAL);
		lib_ok(neuron_drm_device_state(fd, DRM_NEURON_STATE_DMA_ENGINE, 0, 0, &st),
		       "device_state");
		igt_assert_eq(st.count, DRM_NEURON_DMA_ENGINE_COUNT);
	}

	igt_describe("reset: the device comes back ready, with its id, usable");
	igt_subtest("reset") {
		struct drm_neuron_query_device_info before, after;
		uint32_t st = 0, h;

		igt_require(geteuid() == 0);
		lib_ok(neuron_drm_query_device_info(fd, &before), "device_info");
		igt_require(before.capabilities & DRM_NEURON_CAP_RESET);
		lib_ok(neuron_drm_reset(fd), "reset");
		lib_ok(neuron_drm_fw_status(fd, &st), "fw_status");
		igt_assert(st & DRM_NEURON_FW_STATUS_READY);
		lib_ok(neuron_drm_query_device_info(fd, &after), "device_info");
		igt_assert_eq_u32(after.device_id, before.device_id);
		h = lib_bo(fd, 4096, DRM_NEURON_BO_DRAM);
		lib_ok(neuron_drm_gem_close(fd, h), "gem_close");
	}

	igt_describe("neuron-ls and neuron-ls --json run and exit 0 (the host parses the JSON)");
	igt_subtest("neuron-ls") {
		const char *bin = "/opt/neuron/bin/neuron-ls";
		char cmd[256];
		FILE *f;
		int st, depth = 0, ch, objects = 0;

		igt_require(access(bin, X_OK) == 0);
		snprintf(cmd, sizeof(cmd), "%s >/dev/null", bin);
		st = system(cmd);
		igt_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		snprintf(cmd, sizeof(cmd), "%s --json", bin);
		f = popen(cmd, "r");
		igt_assert(f);
		/* Brace balance only; the full parse is python3 on the host. */
		while ((ch = fgetc(f)) != EOF) {
			if (ch == '{')
				depth++, objects++;
			else if (ch == '}')
				depth--;
			igt_assert_gte(depth, 0);
		}
		st = pclose(f);
		igt_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		igt_assert_eq(depth, 0);
		igt_assert_gt(objects, count);
	}

	igt_describe("neuron-load verifies every copy: with the model corrupting the data that "
		     "lands in the last ring device's DRAM, exactly that device's copies are "
		     "reported (file, device, byte) and the run fails; without, all verify");
	igt_subtest("neuron-load-mismatch") {
		const char *bin = "/opt/neuron/bin/neuron-load";
		const char *dir = "/tmp/neuron-lib-load";
		static char out[65536];
		char cmd[256], want[128], *p, *line;
		int last = -1, qdev, lfd, k, st, mismatches = 0;

		igt_require(access(bin, X_OK) == 0);
		igt_require_f(igt_qmp_available(), "no QMP port\n");
		load_files(dir);
		snprintf(cmd, sizeof(cmd), "%s --no-progress %s 2>&1", bin, dir);
		st = run_capture(cmd, out, sizeof(out));
		igt_assert_f(st == 0, "clean run: exit %d\n%s", st, out);
		/* The ring's last device: its copy feeds no other. */
		p = strstr(out, "ring: ");
		igt_assert(p);
		for (line = p + 6; *line && *line != '\n'; line++)
			if (*line >= '0' && *line <= '9' &&
			    (line == p + 6 || line[-1] == ' '))
				last = atoi(line);
		igt_assert_lte(0, last);
		igt_assert_lt(last, count);
		lfd = neuron_drm_open_index(last);
		igt_assert_fd(lfd);
		qdev = igt_neuron_qdev_index(lfd);
		igt_require(qdev >= 0);
		igt_assert_eq(neuron_set_fault(qdev, "fault-corrupt-dram", true), 0);
		st = run_capture(cmd, out, sizeof(out));
		igt_assert_eq(neuron_set_fault(qdev, "fault-corrupt-dram", false), 0);
		close(lfd);
		igt_assert_f(st == 1, "corrupted run: exit %d\n%s", st, out);
		/* Every MISMATCH names the corrupted device, and byte 0 of f0. */
		snprintf(want, sizeof(want), ": device %d (", last);
		for (p = out; (p = strstr(p, "MISMATCH: the copy differs")); p++) {
			for (line = p; line > out && line[-1] != '\n'; line--)
				;
			igt_assert_f(strstr(line, want) && strstr(line, want) < p,
				     "mismatch on another device:\n%s", out);
			mismatches++;
		}
		igt_assert_f(mismatches >= 1, "no mismatch reported:\n%s", out);
		snprintf(want, sizeof(want), "%s/f0: device %d (", dir, last);
		igt_assert_f(strstr(out, want) &&
			     strstr(strstr(out, want), "differs from the file at byte 0 "),
			     "f0's first byte not reported:\n%s", out);
		igt_assert(strstr(out, "neuron-load: FAILED: not every file was verified"));
		/* The summary: the other devices verified every file. */
		for (k = 0; k < count; k++) {
			snprintf(want, sizeof(want), "\n  %-6d /dev/accel/", k);
			p = strstr(out, want);
			igt_assert_f(p, "no row for device %d:\n%s", k, out);
			line = strchr(p + 1, '\n');
			igt_assert(line);
			*line = '\0';
			igt_assert_f(k == last ? strstr(p, " MISMATCH") != NULL :
					         strstr(p, "5/5 OK") != NULL,
				     "device %d: %s\n", k, p);
			*line = '\n';
		}
		/* Everything was freed and the device is fine again. */
		st = run_capture(cmd, out, sizeof(out));
		igt_assert_f(st == 0, "run after the fault: exit %d\n%s", st, out);
	}

	igt_fixture
		neuron_drm_close(fd);
}
