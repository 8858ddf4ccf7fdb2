// SPDX-License-Identifier: MIT
/*
 * neuron_prime - sharing buffer objects through dma-bufs: between files,
 * processes and devices, with other drivers, and in every closing order
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("PRIME export and import of host and DRAM buffer objects");

#define PAGE	4096ull
#define MiB	(1024ull * 1024)

static int bo_export(int fd, uint32_t handle)
{
	struct drm_prime_handle p = {
		.handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR,
	};

	do_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	igt_assert_fd(p.fd);
	return p.fd;
}

static int __bo_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf };

	if (igt_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p))
		return -errno;
	*handle = p.handle;
	return 0;
}

static uint32_t bo_import(int fd, int dmabuf)
{
	uint32_t h = 0;
	int ret = __bo_import(fd, dmabuf, &h);

	igt_assert_f(ret == 0, "PRIME import: %s\n", strerror(-ret));
	return h;
}

static bool have_cap(int fd, uint64_t cap)
{
	struct drm_neuron_query_device_info info;

	neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
	return info.capabilities & cap;
}

static uint32_t device_id(int fd)
{
	struct drm_neuron_query_device_info info;

	neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
	return info.device_id;
}

static void usage(int fd, uint64_t *host, uint64_t *dram)
{
	struct drm_neuron_query_memory_usage mem;

	neuron_query(fd, DRM_NEURON_QUERY_MEMORY_USAGE, &mem, sizeof(mem), 0);
	*host = mem.regions[0].used;
	*dram = mem.regions[1].used + mem.regions[2].used;
}

static void fill(volatile uint8_t *p, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed ^ (i * 13));
}

static void check(volatile uint8_t *p, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		igt_assert_f(p[i] == (uint8_t)(seed ^ (i * 13)),
			     "byte %llu: %#x, expected %#x\n",
			     (unsigned long long)i, p[i], (uint8_t)(seed ^ (i * 13)));
}

static void send_fd(int sock, int fd)
{
	char data = 'x', cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	igt_assert_eq(sendmsg(sock, &msg, 0), 1);
}

static int recv_fd(int sock)
{
	char data, cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * Closing orders of (exporter handle E, dma-buf fd D, importer handle I in
 * another file): the contents stay readable through whatever is left, and
 * everything is freed at the end.
 */
static void close_order(int fd, const char *order, uint32_t placement)
{
	uint64_t host0, dram0, host1, dram1;
	int fd2 = igt_neuron_open(0);
	uint64_t size = 64 * 1024;
	uint32_t e, i;
	uint8_t *p;
	int d;

	usage(fd, &host0, &dram0);
	e = neuron_bo_create(fd2, size, placement);
	p = neuron_bo_mmap(fd2, e, size);
	fill(p, size, 0x42);
	munmap(p, size);
	d = bo_export(fd2, e);
	i = bo_import(fd, d);

	for (const char *c = order; *c; c++) {
		switch (*c) {
		case 'E':
			neuron_bo_close(fd2, e);
			close(fd2);
			break;
		case 'D':
			close(d);
			break;
		case 'I':
			p = neuron_bo_mmap(fd, i, size);
			check(p, size, 0x42);
			munmap(p, size);
			neuron_bo_close(fd, i);
			break;
		}
		usage(fd, &host1, &dram1);
		if (c[1])	/* something still holds the BO */
			igt_assert_eq_u64(host1 + dram1, host0 + dram0 + size);
	}
	usage(fd, &host1, &dram1);
	igt_assert_eq_u64(host1, host0);
	igt_assert_eq_u64(dram1, dram0);
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = igt_neuron_open(0);

	igt_describe("Exporting and importing in the same file gives back the same handle");
	igt_subtest("self-import") {
		uint32_t h = neuron_bo_create(fd, PAGE, DRM_NEURON_BO_HOST);
		uint32_t d_h = neuron_bo_create(fd, PAGE, DRM_NEURON_BO_DRAM);
		int d = bo_export(fd, h), dd = bo_export(fd, d_h);

		igt_assert_eq(bo_import(fd, d), h);
		igt_assert_eq(bo_import(fd, dd), d_h);
		close(d);
		close(dd);
		neuron_bo_close(fd, h);
		neuron_bo_close(fd, d_h);
	}

	igt_describe("Importing the same dma-buf twice in another file gives the same handle");
	igt_subtest("double-import") {
		int fd2 = igt_neuron_open(0);
		uint32_t h = neuron_bo_create(fd, PAGE, DRM_NEURON_BO_HOST);
		uint32_t dh = neuron_bo_create(fd, PAGE, DRM_NEURON_BO_DRAM);
		int d = bo_export(fd, h), dd = bo_export(fd, dh);
		int d2 = dup(d);
		uint32_t i1 = bo_import(fd2, d), i2 = bo_import(fd2, d2);
		uint32_t j1 = bo_import(fd2, dd), j2 = bo_import(fd2, dd);
		struct drm_neuron_bo_info a, b;

		igt_assert_eq(i1, i2);
		igt_assert_eq(j1, j2);
		igt_assert_neq(i1, j1);
		/* Same device: the very same BO (one mmap offset), not an import. */
		neuron_bo_info(fd, dh, &a);
		neuron_bo_info(fd2, j1, &b);
		igt_assert_eq_u64(a.mmap_offset, b.mmap_offset);
		igt_assert(!(b.info_flags & (DRM_NEURON_BO_INFO_IMPORTED |
					     DRM_NEURON_BO_INFO_PEER)));
		neuron_bo_info(fd2, i1, &b);
		igt_assert(!(b.info_flags & DRM_NEURON_BO_INFO_IMPORTED));
		close(d);
		close(d2);
		close(dd);
		close(fd2);
		neuron_bo_close(fd, h);
		neuron_bo_close(fd, dh);
	}

	igt_describe("A host BO exported in one process and imported in another: same contents both ways");
	igt_subtest("cross-process") {
		uint64_t size = 1 * MiB + PAGE;
		uint32_t h = neuron_bo_create(fd, size, DRM_NEURON_BO_HOST);
		uint8_t *p = neuron_bo_mmap(fd, h, size);
		int sv[2];
		pid_t pid;

		fill(p, size, 0x17);
		igt_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0) {
			int cfd, d, ok = 1;
			struct drm_prime_handle ph = {};
			struct drm_neuron_bo_info info = {};
			uint8_t *q;

			close(sv[0]);
			d = recv_fd(sv[1]);
			cfd = open("/dev/accel/accel0", O_RDWR);
			ph.fd = d;
			if (d < 0 || cfd < 0 ||
			    ioctl(cfd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph))
				_exit(2);
			info.handle = ph.handle;
			if (ioctl(cfd, DRM_IOCTL_NEURON_BO_INFO, &info) ||
			    info.size != ((size + PAGE - 1) & ~(PAGE - 1)))
				_exit(3);
			q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				 cfd, info.mmap_offset);
			if (q == MAP_FAILED)
				_exit(4);
			for (uint64_t i = 0; i < size; i++)
				ok &= q[i] == (uint8_t)(0x17 ^ (i * 13));
			if (!ok)
				_exit(5);
			/* Answer through the shared pages. */
			for (uint64_t i = 0; i < size; i++)
				q[i] = (uint8_t)(0x99 ^ (i * 13));
			_exit(0);
		}
		close(sv[1]);
		send_fd(sv[0], bo_export(fd, h));
		neuron_wait_exit_ok(pid);
		check(p, size, 0x99);
		close(sv[0]);
		munmap(p, size);
		neuron_bo_close(fd, h);
	}

	igt_describe("A dma-buf can be mapped directly, for both placements");
	igt_subtest("dmabuf-mmap") {
		for (uint32_t pl = DRM_NEURON_BO_HOST; pl <= DRM_NEURON_BO_DRAM; pl++) {
			uint32_t h;
			uint8_t *p, *q;
			int d;

			if (pl == DRM_NEURON_BO_DRAM && !have_cap(fd, DRM_NEURON_CAP_DRAM_BAR))
				continue;
			h = neuron_bo_create(fd, 2 * PAGE, pl);
			p = neuron_bo_mmap(fd, h, 2 * PAGE);
			fill(p, 2 * PAGE, pl);
			d = bo_export(fd, h);
			q = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, d, 0);
			igt_assert(q != MAP_FAILED);
			check(q, 2 * PAGE, pl);
			munmap(q, 2 * PAGE);
			/* Second page only, through the dma-buf's offset. */
			q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d, PAGE);
			igt_assert(q != MAP_FAILED);
			igt_assert_eq(q[0], p[PAGE]);
			munmap(q, PAGE);
			munmap(p, 2 * PAGE);
			close(d);
			neuron_bo_close(fd, h);
		}
	}

	igt_describe("A host BO shared between two neuron devices: imported, same contents");
	igt_subtest("cross-device-host") {
		int fd1;
		uint32_t h, i;
		uint8_t *p;
		int d;
		struct drm_neuron_bo_info info;

		igt_require(igt_neuron_count() >= 2);
		fd1 = igt_neuron_open(1);
		h = neuron_bo_create(fd, 3 * PAGE, DRM_NEURON_BO_HOST);
		p = neuron_bo_mmap(fd, h, 3 * PAGE);
		fill(p, 3 * PAGE, 5);
		d = bo_export(fd, h);
		i = bo_import(fd1, d);
		neuron_bo_info(fd1, i, &info);
		igt_assert_eq(info.placement, DRM_NEURON_BO_HOST);
		igt_assert(info.info_flags & DRM_NEURON_BO_INFO_IMPORTED);
		igt_assert(!(info.info_flags & DRM_NEURON_BO_INFO_PEER));
		igt_assert_eq_u64(info.size, 3 * PAGE);
		igt_assert_eq_u64(info.reserved, 0);
		munmap(p, 3 * PAGE);
		p = neuron_bo_mmap(fd1, i, 3 * PAGE);
		check(p, 3 * PAGE, 5);
		munmap(p, 3 * PAGE);
		/* The exporter goes first; the importer keeps the pages. */
		close(d);
		neuron_bo_close(fd, h);
		p = neuron_bo_mmap(fd1, i, 3 * PAGE);
		check(p, 3 * PAGE, 5);
		munmap(p, 3 * PAGE);
		close(fd1);
	}

	igt_describe("A DRAM BO imported by another neuron device is the exporter's DRAM");
	igt_subtest("cross-device-dram") {
		uint64_t host0, dram0, host1, dram1;
		struct drm_neuron_bo_info a, b;
		uint32_t h, i, again, a_id;
		int fd1, fd0, d, d1;
		uint8_t *p;

		igt_require(igt_neuron_count() >= 2);
		fd0 = igt_neuron_open(0);
		fd1 = igt_neuron_open(1);
		usage(fd, &host0, &dram0);
		h = neuron_bo_create(fd0, 5 * PAGE, DRM_NEURON_BO_DRAM);
		neuron_bo_info(fd0, h, &a);
		a_id = device_id(fd0);
		d = bo_export(fd0, h);
		i = bo_import(fd1, d);
		neuron_bo_info(fd1, i, &b);
		igt_assert_eq(b.placement, DRM_NEURON_BO_DRAM);
		igt_assert_eq(b.info_flags & (DRM_NEURON_BO_INFO_IMPORTED |
					      DRM_NEURON_BO_INFO_PEER),
			      DRM_NEURON_BO_INFO_IMPORTED | DRM_NEURON_BO_INFO_PEER);
		igt_assert_eq_u64(b.reserved, 0);
		igt_assert_eq(b.dram_channel, a.dram_channel);
		igt_assert_eq_u64(b.size, a.size);
		igt_assert_eq(b.peer_device_id, device_id(fd0));
		igt_assert_eq(a.peer_device_id, 0);
		/* Re-exporting the import gives the same dma-buf back. */
		d1 = bo_export(fd1, i);
		again = bo_import(fd1, d1);
		igt_assert_eq(again, i);
		close(d1);

		/* The importer never maps the exporter's DRAM (peer-dram-mmap). */
		igt_assert(!(b.info_flags & DRM_NEURON_BO_INFO_MAPPABLE));
		if (have_cap(fd0, DRM_NEURON_CAP_DRAM_BAR)) {
			p = neuron_bo_mmap(fd0, h, 5 * PAGE);
			fill(p, 5 * PAGE, 9);
			munmap(p, 5 * PAGE);
			p = mmap(NULL, 5 * PAGE, PROT_READ, MAP_SHARED, d, 0);
			igt_assert(p != MAP_FAILED);
			check(p, 5 * PAGE, 9);
			munmap(p, 5 * PAGE);
		}

		/* The exporter closes everything: the import keeps the DRAM. */
		close(d);
		close(fd0);
		usage(fd, &host1, &dram1);
		igt_assert_eq_u64(dram1, dram0 + 5 * PAGE);
		neuron_bo_info(fd1, i, &b);
		igt_assert_eq_u64(b.size, a.size);
		igt_assert_eq(b.peer_device_id, a_id);
		close(fd1);
		usage(fd, &host1, &dram1);
		igt_assert_eq_u64(dram1, dram0);
		igt_assert_eq_u64(host1, host0);
	}

	igt_describe("A neighbour's DRAM is not mapped through the importing file (no mmap offset), its dma-buf is");
	igt_subtest("peer-dram-mmap") {
		bool bar;
		struct drm_neuron_bo_info a, b;
		uint32_t h, i;
		int fd0, fd1, d;
		uint8_t *p;

		igt_require(igt_neuron_count() >= 2);
		fd0 = igt_neuron_open(0);
		fd1 = igt_neuron_open(1);
		bar = have_cap(fd0, DRM_NEURON_CAP_DRAM_BAR);
		h = neuron_bo_create(fd0, 2 * PAGE, DRM_NEURON_BO_DRAM);
		neuron_bo_info(fd0, h, &a);
		igt_assert_eq(!!(a.info_flags & DRM_NEURON_BO_INFO_MAPPABLE), bar);
		d = bo_export(fd0, h);
		i = bo_import(fd1, d);
		neuron_bo_info(fd1, i, &b);
		igt_assert(b.info_flags & DRM_NEURON_BO_INFO_PEER);
		igt_assert(!(b.info_flags & DRM_NEURON_BO_INFO_MAPPABLE));

		/*
		 * Such a mapping would live in the importer's address space,
		 * which the exporter's unplug does not zap: the import has no
		 * mmap offset (it would take the exporter's size of the
		 * importer's offset space again in every file), so there is
		 * nothing to map, whatever the protection and the size.
		 */
		igt_assert_eq_u64(b.mmap_offset, 0);
		p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd1,
			 b.mmap_offset);
		igt_assert(p == MAP_FAILED);
		igt_assert_eq(errno, EINVAL);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd1, b.mmap_offset);
		igt_assert(p == MAP_FAILED);
		igt_assert_eq(errno, EINVAL);

		/* The dma-buf maps the exporter's DRAM in the exporter's space. */
		if (bar) {
			p = neuron_bo_mmap(fd0, h, 2 * PAGE);
			fill(p, 2 * PAGE, 0x21);
			munmap(p, 2 * PAGE);
			p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, d, 0);
			igt_assert(p != MAP_FAILED);
			check(p, 2 * PAGE, 0x21);
			munmap(p, 2 * PAGE);
		}

		close(d);
		close(fd1);
		close(fd0);
	}

	igt_describe("A foreign dma-buf (udmabuf) is imported as a host BO with the same contents");
	igt_subtest("import-foreign") {
		struct udmabuf_create uc = {};
		struct drm_neuron_bo_info info;
		uint64_t size = 4 * PAGE;
		int memfd, dev, d;
		uint8_t *m, *p;
		uint32_t h;

		dev = open("/dev/udmabuf", O_RDWR);
		igt_require_f(dev >= 0, "no /dev/udmabuf\n");
		memfd = memfd_create("neuron", MFD_ALLOW_SEALING);
		igt_assert_fd(memfd);
		igt_assert_eq(ftruncate(memfd, size), 0);
		igt_assert_eq(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
		m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
		igt_assert(m != MAP_FAILED);
		fill(m, size, 0x33);
		uc.memfd = memfd;
		uc.size = size;
		d = ioctl(dev, UDMABUF_CREATE, &uc);
		igt_assert_fd(d);

		h = bo_import(fd, d);
		neuron_bo_info(fd, h, &info);
		igt_assert_eq(info.placement, DRM_NEURON_BO_HOST);
		igt_assert(info.info_flags & DRM_NEURON_BO_INFO_IMPORTED);
		igt_assert_eq_u64(info.size, size);
		igt_assert_eq_u64(info.reserved, 0);
		igt_assert_gte(info.dma_segments, 1);
		p = neuron_bo_mmap(fd, h, size);
		check(p, size, 0x33);
		p[7] = 0xee;
		igt_assert_eq(m[7], 0xee);
		munmap(p, size);
		neuron_bo_close(fd, h);
		close(d);
		munmap(m, size);
		close(memfd);
		close(dev);
	}

	igt_describe("Invalid PRIME requests: bad handles, bad fds, stale handles");
	igt_subtest("prime-invalid") {
		struct drm_prime_handle p = { .handle = 0x7fffffff, .flags = DRM_CLOEXEC };
		uint32_t h = neuron_bo_create(fd, PAGE, DRM_NEURON_BO_HOST);
		int nfd = open("/dev/null", O_RDONLY);
		uint32_t out;

		do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p, ENOENT);
		p.handle = h;
		p.flags = 0x1000;	/* neither CLOEXEC nor RDWR */
		do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p, EINVAL);
		igt_assert_eq(__bo_import(fd, nfd, &out), -EINVAL);
		igt_assert_eq(__bo_import(fd, -1, &out), -EBADF);
		neuron_bo_close(fd, h);
		p.handle = h;
		p.flags = DRM_CLOEXEC;
		do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p, ENOENT);
		close(nfd);
	}

	igt_describe("Every closing order of exporter handle (E), dma-buf (D) and importer handle (I)");
	igt_subtest("close-order") {
		static const char *const orders[] = {
			"EDI", "EID", "DEI", "DIE", "IED", "IDE",
		};

		for (unsigned int o = 0; o < 6; o++) {
			close_order(fd, orders[o], DRM_NEURON_BO_HOST);
			if (have_cap(fd, DRM_NEURON_CAP_DRAM_BAR))
				close_order(fd, orders[o], DRM_NEURON_BO_DRAM);
		}
	}

	igt_fixture
		close(fd);
}
