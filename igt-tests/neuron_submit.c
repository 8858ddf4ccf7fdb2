// SPDX-License-Identifier: MIT
/*
 * neuron_submit - DMA jobs: transfers, fences, syncobjs, errors, recovery
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("SUBMIT: DMA jobs, fences, syncobjs, validation, timeouts and recovery");

#define SEC_NS	1000000000LL

/* ---- module parameters ---- */

#define PARAM_DIR	"/sys/module/neuron/parameters/"

static int param_write(const char *name, const char *val)
{
	char path[128];
	int pfd, ret;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	pfd = open(path, O_WRONLY);
	if (pfd < 0)
		return -errno;
	ret = write(pfd, val, strlen(val)) < 0 ? -errno : 0;
	close(pfd);
	return ret;
}

static long param_read(const char *name)
{
	char path[128], buf[32];
	int pfd, n;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	pfd = open(path, O_RDONLY);
	igt_assert_fd(pfd);
	n = read(pfd, buf, sizeof(buf) - 1);
	close(pfd);
	igt_assert_gt(n, 0);
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/* ---- syncobjs through raw ioctls (the guest has no libdrm) ---- */

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

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * SEC_NS + ts.tv_nsec;
}

/* Wait for a binary syncobj (or timeline @point); returns 0 or -errno. */
static int syncobj_wait(int fd, uint32_t h, uint64_t point, int64_t timeout_ns)
{
	int ret;

	if (point) {
		struct drm_syncobj_timeline_wait w = {
			.handles = (uintptr_t)&h, .points = (uintptr_t)&point,
			.count_handles = 1,
			.timeout_nsec = now_ns() + timeout_ns,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
		};

		ret = igt_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
	} else {
		struct drm_syncobj_wait w = {
			.handles = (uintptr_t)&h, .count_handles = 1,
			.timeout_nsec = now_ns() + timeout_ns,
			.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
		};

		ret = igt_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
	}
	return ret ? -errno : 0;
}

/* ---- submit helpers ---- */

static int submit(int fd, struct drm_neuron_submit *s)
{
	return igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, s) ? -errno : 0;
}

static struct drm_neuron_xfer sem_xfer(uint32_t type, uint32_t nc,
				       uint32_t idx, uint32_t value)
{
	struct drm_neuron_xfer x = {
		.type = type, .nc = nc, .index = idx, .value = value,
	};

	return x;
}

static int sem_submit(int fd, uint32_t engine,
		      struct drm_neuron_xfer *x, uint32_t count,
		      uint32_t out, uint64_t point)
{
	struct drm_neuron_submit s = {
		.engine = engine,
		.xfers = (uintptr_t)x, .xfer_count = count,
		.out_sync = { .handle = out, .point = point },
	};

	return submit(fd, &s);
}

static int32_t sem_read(int fd, uint32_t nc, uint32_t idx)
{
	struct drm_neuron_device_state s = {
		.type = DRM_NEURON_STATE_SEMAPHORE, .index0 = nc, .index1 = idx,
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s);
	return (int32_t)s.values[0];
}

static uint32_t event_read(int fd, uint32_t nc, uint32_t idx)
{
	struct drm_neuron_device_state s = {
		.type = DRM_NEURON_STATE_EVENT, .index0 = nc, .index1 = idx,
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s);
	return s.values[0];
}

static void sem_set_wait(int fd, uint32_t engine, uint32_t nc,
			 uint32_t idx, uint32_t value)
{
	struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_SET, nc, idx, value);
	uint32_t so = syncobj_create(fd);

	igt_assert_eq(sem_submit(fd, engine, &x, 1, so, 0), 0);
	igt_assert_eq(syncobj_wait(fd, so, 0, 10 * SEC_NS), 0);
	syncobj_destroy(fd, so);
}

static void core_release(int fd, uint32_t mask)
{
	igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, mask), 0);
}

/* Acquires @mask, waiting up to 5 s for a closing file to let go of it. */
static void core_acquire(int fd, uint32_t mask)
{
	int i, ret;

	for (i = 0; i < 500; i++) {
		ret = neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, mask);
		if (ret != -EBUSY)
			break;
		usleep(10000);
	}
	igt_assert_eq(ret, 0);
}

static void stall_engine(int fd, int engine)
{
	neuron_stall_engine(fd, engine);
}


/* debugfs "jobs" of @fd's device; skips without debugfs. */
static void jobs_debugfs(int fd, char *buf, size_t len)
{
	igt_require_f(!neuron_debugfs_read(fd, "jobs", buf, len),
		      "no debugfs jobs file\n");
}

/* The value of "@key: N" in debugfs "jobs", -1 when it is not there. */
static long long jobs_value(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoll(p + strlen(key), NULL, 0) : -1;
}

/* Scheduler lines of debugfs "jobs", whatever their format. */
static int jobs_sched_lines(const char *buf)
{
	const char *p = buf;
	int n = 0;

	while ((p = strstr(p, " seqno ")) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* ---- buffer objects ---- */

static uint32_t bo_create(int fd, uint32_t placement, uint64_t size)
{
	struct drm_neuron_bo_create c = { .size = size, .placement = placement };

	do_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c);
	return c.handle;
}

static void bo_info(int fd, uint32_t h, struct drm_neuron_bo_info *i)
{
	memset(i, 0, sizeof(*i));
	i->handle = h;
	do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, i);
}

static void *bo_map(int fd, uint32_t h, uint64_t size)
{
	struct drm_neuron_bo_info i;
	void *p;

	bo_info(fd, h, &i);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, i.mmap_offset);
	igt_assert(p != MAP_FAILED);
	return p;
}

static void bo_close(int fd, uint32_t h)
{
	struct drm_gem_close c = { .handle = h };

	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* A descriptor copying @size bytes between two BOs of the job's BO list. */
static struct drm_neuron_dma_desc bo_desc(uint32_t src, uint64_t soff,
					  uint32_t dst, uint64_t doff,
					  uint32_t size)
{
	struct drm_neuron_dma_desc d = {
		.src = { .kind = DRM_NEURON_MEM_BO, .index = src, .offset = soff },
		.dst = { .kind = DRM_NEURON_MEM_BO, .index = dst, .offset = doff },
		.size = size,
	};

	return d;
}

static struct drm_neuron_xfer copy_xfer(uint32_t src, uint64_t soff,
					uint32_t dst, uint64_t doff, uint64_t size)
{
	struct drm_neuron_xfer x = {
		.type = DRM_NEURON_XFER_COPY, .src_handle = src, .dst_handle = dst,
		.src_offset = soff, .dst_offset = doff, .size = size,
	};

	return x;
}

/*
 * A gate for later jobs: a copy within @bo (8 KiB) on @engine, whose queue
 * is stalled in the device model; its fence goes to @syncobj.
 * stall_engine(fd, -1) opens it; it must open before job_timeout_ms. The
 * file's jobs on @engine queue up behind it: use other engines meanwhile.
 */
static void gate_job(int fd, int engine, uint32_t bo, uint32_t syncobj)
{
	struct drm_neuron_xfer x = copy_xfer(bo, 0, bo, 4096, 4096);
	struct drm_neuron_submit sub = {
		.engine = engine, .xfers = (uintptr_t)&x,
		.xfer_count = 1, .out_sync = { .handle = syncobj },
	};

	stall_engine(fd, engine);
	igt_assert_eq(submit(fd, &sub), 0);
}

static int copy_sync(int fd, uint32_t engine,
		     struct drm_neuron_xfer *x, uint32_t n)
{
	uint32_t so = syncobj_create(fd);
	int ret = sem_submit(fd, engine, x, n, so, 0);

	if (!ret)
		ret = syncobj_wait(fd, so, 0, 120 * SEC_NS);
	if (!ret && neuron_syncobj_fence_status(fd, so) != 1)
		ret = -EIO;
	syncobj_destroy(fd, so);
	return ret;
}

/* The accel node of the device at PCI address @slot, after a rebind. */
static int open_slot(const char *slot)
{
	char path[128], buf[16] = "";
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/accel_minor", slot);
	igt_assert_lt(0, neuron_read_file(path, buf, sizeof(buf)));
	snprintf(path, sizeof(path), "/dev/accel/accel%d", atoi(buf));
	fd = open(path, O_RDWR | O_CLOEXEC);
	igt_assert_fd(fd);
	return fd;
}

/*
 * Submits jobs that increment semaphore 8 of core 1 until told to stop.
 * 1024 user descriptors (4-byte copies inside one DRAM BO) after the step
 * make SUBMIT take a while between its ownership check and the recording
 * of the job on the core, the window core-handover aims at.
 */
struct hammer {
	int fd;
	volatile int stop;
	int accepted, refused, error;
};

/*
 * A child as @uid with 3 files: jobs gated on the syncobj @gate_fd, two a
 * file, until SUBMIT fails; writes how many got in to @ready, waits for
 * @hold to close, then waits until a SUBMIT gets in again (the gated jobs
 * were freed). Exits 0, or the failed step. Without @ready it needs only
 * 4 jobs in and no ENOSPC. @hold_w: the other end of @hold, closed.
 */
static pid_t user_jobs_child(uid_t uid, int gate_fd, int ready, int hold,
			     int hold_w)
{
	int fds[3], n = 0, ret = 0;
	pid_t pid = fork();
	char c;

	igt_assert_gte(pid, 0);
	if (pid)
		return pid;
	if (hold_w >= 0)
		close(hold_w);
	for (int i = 0; i < 3; i++)
		fds[i] = igt_neuron_open(0);
	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		_exit(2);
	for (int f = 0; f < 3 && !ret; f++) {
		struct drm_syncobj_handle im = { .fd = gate_fd };
		uint32_t bo = bo_create(fds[f], DRM_NEURON_BO_HOST, 8192);
		struct drm_neuron_xfer x = copy_xfer(bo, 0, bo, 4096, 4096);
		struct drm_neuron_sync in = { 0 };
		struct drm_neuron_submit sub = {
			.engine = 2, .xfers = (uintptr_t)&x, .xfer_count = 1,
			.in_syncs = (uintptr_t)&in, .in_sync_count = 1,
		};

		if (ioctl(fds[f], DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &im))
			_exit(3);
		in.handle = im.handle;
		for (int j = 0; j < 2 && !ret; j++) {
			ret = submit(fds[f], &sub);
			n += !ret;
		}
		if (ready < 0 && n == 4)
			_exit(0);
	}
	if (ready < 0 || ret != -ENOSPC)
		_exit(4);
	if (write(ready, &n, sizeof(n)) != sizeof(n))
		_exit(5);
	while (read(hold, &c, 1) > 0)
		;
	for (int i = 0; i < 500; i++) {
		struct drm_neuron_xfer x = copy_xfer(1, 0, 1, 4096, 4096);
		struct drm_neuron_submit sub = {
			.engine = 2, .xfers = (uintptr_t)&x, .xfer_count = 1,
		};

		ret = submit(fds[0], &sub);
		if (ret != -ENOSPC)
			_exit(ret ? 6 : 0);
		usleep(10000);
	}
	_exit(7);
}

static void *hammer_thread(void *arg)
{
	enum { NDESC = 1024 };
	static struct drm_neuron_dma_desc d[NDESC];
	struct hammer *h = arg;
	struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_INCR, 1, 8, 1);
	uint32_t bo = bo_create(h->fd, DRM_NEURON_BO_DRAM, 65536);
	uint32_t so = syncobj_create(h->fd);
	struct drm_neuron_submit s = {
		.engine = 2, .xfers = (uintptr_t)&x, .xfer_count = 1,
		.descs = (uintptr_t)d, .desc_count = NDESC,
		.bo_handles = (uintptr_t)&bo, .bo_handle_count = 1,
		.out_sync = { .handle = so },
	};

	for (int i = 0; i < NDESC; i++)
		d[i] = bo_desc(0, 0, 0, 4096 + 4 * i, 4);
	while (!h->stop && !h->error) {
		int ret = submit(h->fd, &s);

		if (!ret)
			h->accepted++;
		else if (ret == -EACCES)
			h->refused++;
		else
			h->error = ret;
		/* keep the queue short */
		if (!ret && h->accepted % 8 == 0)
			syncobj_wait(h->fd, so, 0, 10 * SEC_NS);
	}
	if (h->accepted)
		syncobj_wait(h->fd, so, 0, 10 * SEC_NS);
	syncobj_destroy(h->fd, so);
	bo_close(h->fd, bo);
	return NULL;
}

/*
 * Retiring jobs. Each hardware fence the completion poller signals lets
 * the scheduler free its job at once on the other CPU: the poller must not
 * touch the job afterwards. retire-callbacks makes that window long (a
 * thousand callbacks on the last job's fence, behind fifteen jobs whose
 * frees are already under way); retire-race hammers tiny jobs from
 * several processes and threads on several queues while other processes
 * close files with jobs in flight. With slab poisoning (the igt-vm stage
 * of make check) a use after free is a general protection fault, not a
 * silent read.
 */
#define RACE_SECS	10
#define RACE_PROCS	3
#define RACE_THREADS	2
#define RACE_CLOSERS	2
#define RACE_BATCH	16
#define RACE_ROUNDS	32
#define RACE_CALLBACKS	1000

struct race_thread {
	int fd;
	uint32_t bo, engine;
	int64_t until;
	long jobs;
	int error;
};

/* Without poisoning a use after free reads stale data and goes unnoticed. */
static void slab_poison_note(void)
{
	char cmdline[1024];

	if (neuron_read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0 ||
	    !strstr(cmdline, "slub_debug="))
		igt_info("no slub_debug= on the kernel command line: a use "
			 "after free may go unnoticed\n");
}

/* No igt_assert here: this is not the subtest's thread. */
static void *race_submitter(void *arg)
{
	struct race_thread *t = arg;
	struct drm_neuron_xfer x = copy_xfer(t->bo, 0, t->bo, 64 + 8 * t->engine, 4);
	struct drm_syncobj_create c = { 0 };
	struct drm_syncobj_destroy d = { 0 };
	int i;

	if (igt_ioctl(t->fd, DRM_IOCTL_SYNCOBJ_CREATE, &c)) {
		t->error = errno;
		return NULL;
	}
	while (!t->error && now_ns() < t->until) {
		for (i = 0; i < RACE_BATCH && !t->error; i++)
			t->error = -sem_submit(t->fd, t->engine, &x, 1,
					       c.handle, 0);
		if (!t->error)
			t->error = -syncobj_wait(t->fd, c.handle, 0, 60 * SEC_NS);
		t->jobs += RACE_BATCH;
	}
	d.handle = c.handle;
	igt_ioctl(t->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	return NULL;
}

/* A new file on the device of @fd: the caller's file is shared by fork(). */
static int race_reopen(int fd)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * A process of RACE_THREADS submitters on a file of its own; returns 0 or
 * an errno, its exit status.
 */
static int race_process(int pfd, int p, int64_t until)
{
	struct race_thread t[RACE_THREADS];
	pthread_t tid[RACE_THREADS];
	struct drm_neuron_bo_create c = { .size = 4096,
					  .placement = DRM_NEURON_BO_DRAM };
	int i, error = 0, fd = race_reopen(pfd);
	long jobs = 0;

	if (fd < 0)
		return errno;
	if (igt_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c))
		return errno;
	for (i = 0; i < RACE_THREADS; i++) {
		/* Different engines: one scheduler each. */
		t[i] = (struct race_thread){
			.fd = fd, .bo = c.handle, .until = until,
			.engine = 3 * p + i,
		};
		if (pthread_create(&tid[i], NULL, race_submitter, &t[i]))
			return EAGAIN;
	}
	for (i = 0; i < RACE_THREADS; i++) {
		pthread_join(tid[i], NULL);
		jobs += t[i].jobs;
		if (t[i].error && !error)
			error = t[i].error;
	}
	close(fd);
	printf("retire-race: process %d: %ld jobs, error %d\n", p, jobs, error);
	fflush(stdout);
	return error;
}

/*
 * Open the device again (a new file), queue a burst of jobs that keep the
 * file's BO and job state alive, close it at once; until @until.
 */
static int race_closer(int fd, int p, int64_t until)
{
	long files = 0;
	int i, error = 0;

	while (!error && now_ns() < until) {
		struct drm_neuron_bo_create c = { .size = 4096,
						  .placement = DRM_NEURON_BO_DRAM };
		struct drm_neuron_xfer x;
		int cfd = race_reopen(fd);

		if (cfd < 0)
			return errno;
		if (igt_ioctl(cfd, DRM_IOCTL_NEURON_BO_CREATE, &c))
			error = errno;
		x = copy_xfer(c.handle, 0, c.handle, 128, 4);
		for (i = 0; i < RACE_BATCH && !error; i++)
			error = -sem_submit(cfd, 9 + p, &x, 1, 0, 0);
		close(cfd);
		files++;
	}
	printf("retire-race: closer %d: %ld files, error %d\n", p, files, error);
	fflush(stdout);
	return error;
}

static void fill(uint8_t *p, uint64_t n, uint32_t seed)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = seed >> 16;
	}
}

/* host -> DRAM -> host of @size bytes at odd offsets, compared bit for bit */
static void roundtrip(int fd, uint64_t size, uint32_t engine)
{
	uint64_t bsize = size + 8192;
	uint32_t src = bo_create(fd, DRM_NEURON_BO_HOST, bsize);
	uint32_t dst = bo_create(fd, DRM_NEURON_BO_HOST, bsize);
	uint32_t dram = bo_create(fd, DRM_NEURON_BO_DRAM, bsize);
	uint8_t *ps = bo_map(fd, src, bsize), *pd = bo_map(fd, dst, bsize);
	struct drm_neuron_xfer x[2];
	uint64_t off, chunk = 8 << 20;

	fill(ps, bsize, size);
	memset(pd, 0xa5, bsize);
	/*
	 * At most 8 MiB per transfer: a job holds at most 8175 descriptors
	 * and scattered 4 KiB host pages need one each.
	 */
	for (off = 0; off < size; off += chunk) {
		uint64_t n = size - off < chunk ? size - off : chunk;

		x[0] = copy_xfer(src, 3 + off, dram, 4097 + off, n);
		x[1] = copy_xfer(dram, 4097 + off, dst, 1 + off, n);
		igt_assert_eq(copy_sync(fd, engine, x, 2), 0);
	}
	igt_assert(memcmp(ps + 3, pd + 1, size) == 0);
	igt_assert_eq(pd[0], 0xa5);
	igt_assert_eq(pd[size + 1], 0xa5);
	munmap(ps, bsize);
	munmap(pd, bsize);
	bo_close(fd, src);
	bo_close(fd, dst);
	bo_close(fd, dram);
}

/* ---- bounce buffering (swiotlb=force) ---- */

/* Slots of the default swiotlb pool in use, or -1 without its debugfs. */
static long swiotlb_used(void)
{
	char buf[32];

	if (neuron_read_file("/sys/kernel/debug/swiotlb/io_tlb_used", buf,
			     sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * Skip unless the device reaches host BOs through swiotlb bounce buffers:
 * booted with swiotlb=force, and mapping @h for the device (BO_INFO with
 * DMA_MAP) took swiotlb slots (an IOMMU would translate instead).
 */
static void require_bounced(int fd, uint32_t h, uint64_t size)
{
	struct drm_neuron_bo_info i = {
		.handle = h, .flags = DRM_NEURON_BO_INFO_FLAG_DMA_MAP,
	};
	char cmdline[4096] = "", path[128];
	long before, after;
	struct stat st;

	neuron_read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	igt_require_f(strstr(cmdline, "swiotlb=force"),
		      "boot with swiotlb=force (VM_APPEND)\n");
	before = swiotlb_used();
	igt_require_f(before >= 0, "no /sys/kernel/debug/swiotlb\n");
	/* Used to fail with -EOPNOTSUPP: bounced BOs were refused. */
	do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &i);
	after = swiotlb_used();
	igt_info("swiotlb slots in use: %ld before mapping, %ld after\n",
		 before, after);
	/* 2 KiB slots; other users may free some meanwhile, hence the half. */
	if (after - before >= (long)(size / 2048 / 2))
		return;
	/* An IOMMU translates instead of bouncing; anything else is a bug. */
	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/iommu_group",
		 major(st.st_rdev), minor(st.st_rdev));
	igt_require_f(access(path, F_OK) != 0, "the IOMMU translates, no bouncing\n");
	igt_assert_f(false, "swiotlb=force, no IOMMU, and the BO was not bounced\n");
}

igt_main
{
	int fd = -1;

	/* Semaphore and event steps need the core: fd owns all four. */
	igt_fixture {
		fd = igt_neuron_open(0);
		core_acquire(fd, 0xf);
	}

	igt_describe("A semaphore write job runs and signals its binary syncobj");
	igt_subtest("sem-set") {
		sem_set_wait(fd, 0, 0, 3, 0x12345678);
		igt_assert_eq(sem_read(fd, 0, 3), 0x12345678);
		sem_set_wait(fd, 0, 0, 3, 0);
		igt_assert_eq(sem_read(fd, 0, 3), 0);
	}

	igt_describe("SET, INCR, DECR and EVENT transfers in one job, in order");
	igt_subtest("sem-ops") {
		struct drm_neuron_xfer x[] = {
			sem_xfer(DRM_NEURON_XFER_SEM_SET, 1, 5, 10),
			sem_xfer(DRM_NEURON_XFER_SEM_INCR, 1, 5, 7),
			sem_xfer(DRM_NEURON_XFER_SEM_DECR, 1, 5, 2),
			sem_xfer(DRM_NEURON_XFER_EVENT, 1, 200, 1),
		};
		uint32_t so = syncobj_create(fd);

		igt_assert_eq(sem_submit(fd, 3, x, 4, so, 0), 0);
		igt_assert_eq(syncobj_wait(fd, so, 0, 10 * SEC_NS), 0);
		igt_assert_eq(sem_read(fd, 1, 5), 15);
		igt_assert_eq(event_read(fd, 1, 200), 1);
		x[0] = sem_xfer(DRM_NEURON_XFER_EVENT, 1, 200, 0);
		igt_assert_eq(sem_submit(fd, 3, x, 1, so, 0), 0);
		igt_assert_eq(syncobj_wait(fd, so, 0, 10 * SEC_NS), 0);
		igt_assert_eq(event_read(fd, 1, 200), 0);
		syncobj_destroy(fd, so);
	}

	igt_describe("1000 jobs in flight on one queue signal timeline points in order");
	igt_subtest("timeline-order") {
		struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_INCR, 2, 1, 1);
		uint32_t tl = syncobj_create(fd);
		uint64_t point;
		int i;

		sem_set_wait(fd, 6, 2, 1, 0);
		for (i = 1; i <= 1000; i++)
			igt_assert_eq(sem_submit(fd, 6, &x, 1, tl, i), 0);
		igt_assert_eq(syncobj_wait(fd, tl, 1000, 20 * SEC_NS), 0);
		/* A timeline's payload is the last signalled point. */
		{
			struct drm_syncobj_timeline_array q = {
				.handles = (uintptr_t)&tl, .points = (uintptr_t)&point,
				.count_handles = 1,
			};

			do_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &q);
			igt_assert_eq_u64(point, 1000);
		}
		igt_assert_eq(sem_read(fd, 2, 1), 1000);
		syncobj_destroy(fd, tl);
	}

	igt_describe("A job waits for its in-syncobj (binary and timeline point)");
	igt_subtest("in-fences") {
		struct drm_neuron_xfer a = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 9, 1);
		struct drm_neuron_xfer b = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 9, 2);
		uint32_t bin = syncobj_create(fd), tl = syncobj_create(fd);
		struct drm_neuron_sync in[2] = {
			{ .handle = bin }, { .handle = tl, .point = 5 },
		};
		struct drm_neuron_submit s = {
			.engine = 0, .xfers = (uintptr_t)&b,
			.xfer_count = 1, .in_syncs = (uintptr_t)in,
			.in_sync_count = 2, .out_sync = { .handle = bin },
		};

		stall_engine(fd, 1);
		/* a on a stalled engine: b (other engine) must wait for it */
		igt_assert_eq(sem_submit(fd, 1, &a, 1, bin, 0), 0);
		igt_assert_eq(sem_submit(fd, 1, &a, 1, tl, 5), 0);
		igt_assert_eq(submit(fd, &s), 0);
		usleep(200000);
		igt_assert_eq(sem_read(fd, 0, 9), 0);
		stall_engine(fd, -1);
		igt_assert_eq(syncobj_wait(fd, bin, 0, 10 * SEC_NS), 0);
		igt_assert_eq(sem_read(fd, 0, 9), 2);
		sem_set_wait(fd, 1, 0, 9, 0);
		syncobj_destroy(fd, bin);
		syncobj_destroy(fd, tl);
	}

	igt_describe("Timeline points above 32 bits, as out-sync and in-sync");
	igt_subtest("timeline-u64") {
		struct drm_neuron_xfer a = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 10, 1);
		struct drm_neuron_xfer b = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 10, 2);
		const uint64_t big = (1ull << 32) + 7;
		uint32_t bin = syncobj_create(fd), tl = syncobj_create(fd);
		struct drm_neuron_sync in = { .handle = tl, .point = big };
		struct drm_neuron_submit s = {
			.engine = 0, .xfers = (uintptr_t)&b,
			.xfer_count = 1, .in_syncs = (uintptr_t)&in,
			.in_sync_count = 1, .out_sync = { .handle = bin },
		};

		/* no fence at that point yet: no wait-before-submit */
		igt_assert_eq(submit(fd, &s), -EINVAL);
		stall_engine(fd, 1);
		igt_assert_eq(sem_submit(fd, 1, &a, 1, tl, big), 0);
		igt_assert_eq(submit(fd, &s), 0);
		usleep(200000);
		igt_assert_eq(sem_read(fd, 0, 10), 0);
		stall_engine(fd, -1);
		igt_assert_eq(syncobj_wait(fd, tl, big, 10 * SEC_NS), 0);
		igt_assert_eq(syncobj_wait(fd, bin, 0, 10 * SEC_NS), 0);
		igt_assert_eq(sem_read(fd, 0, 10), 2);
		/* an earlier point of the same timeline is signalled too */
		in.point = 1ull << 32;
		igt_assert_eq(submit(fd, &s), 0);
		igt_assert_eq(syncobj_wait(fd, bin, 0, 10 * SEC_NS), 0);
		syncobj_destroy(fd, bin);
		syncobj_destroy(fd, tl);
	}

	igt_describe("Jobs on many queues of several engines from several processes");
	igt_subtest("multi-process") {
		int p, np = 4;

		/* Process p owns core p; acquiring it zeroes its semaphores. */
		core_release(fd, 0xf);
		for (p = 0; p < np; p++) {
			if (fork() == 0) {
				int cfd = igt_neuron_open(0);
				struct drm_neuron_xfer x =
					sem_xfer(DRM_NEURON_XFER_SEM_INCR, p, 20 + p, 1);
				uint32_t tl = syncobj_create(cfd);
				int i, ret = 0;

				core_acquire(cfd, 1u << p);
				for (i = 1; i <= 300 && !ret; i++)
					ret = sem_submit(cfd, 3 * p + i % 3, &x, 1, tl, i);
				if (!ret)
					ret = syncobj_wait(cfd, tl, 300, 30 * SEC_NS);
				_exit(ret ? 1 : 0);
			}
		}
		for (p = 0; p < np; p++) {
			int st;

			igt_assert(wait(&st) > 0);
			igt_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		}
		for (p = 0; p < np; p++)
			igt_assert_eq(sem_read(fd, p, 20 + p), 300);
		core_acquire(fd, 0xf);
	}

	igt_describe("Semaphore and event steps on a core the file does not own "
		     "fail with EACCES, and nothing of the job runs");
	igt_subtest("unowned-core") {
		static const uint32_t types[] = {
			DRM_NEURON_XFER_SEM_SET, DRM_NEURON_XFER_SEM_INCR,
			DRM_NEURON_XFER_SEM_DECR, DRM_NEURON_XFER_EVENT,
		};
		int other = igt_neuron_open(0);
		uint32_t so = syncobj_create(other);
		struct drm_neuron_xfer x[2];
		unsigned int t;

		sem_set_wait(fd, 0, 0, 6, 0);
		core_release(fd, 0x2);
		/* core 1 owned by no one */
		for (t = 0; t < 4; t++) {
			x[0] = sem_xfer(types[t], 1, 6, 1);
			igt_assert_eq(sem_submit(fd, 0, x, 1, 0, 0), -EACCES);
			igt_assert_eq(sem_submit(other, 0, x, 1, 0, 0), -EACCES);
		}
		/* core 1 owned by another file */
		core_acquire(other, 0x2);
		for (t = 0; t < 4; t++) {
			x[0] = sem_xfer(types[t], 1, 6, 1);
			igt_assert_eq(sem_submit(fd, 0, x, 1, 0, 0), -EACCES);
		}
		/* an owned core's step does not carry an unowned one */
		x[0] = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 6, 55);
		x[1] = sem_xfer(DRM_NEURON_XFER_SEM_SET, 1, 6, 66);
		igt_assert_eq(sem_submit(fd, 0, x, 2, 0, 0), -EACCES);
		/* the owner's steps run */
		igt_assert_eq(sem_submit(other, 0, &x[1], 1, so, 0), 0);
		igt_assert_eq(syncobj_wait(other, so, 0, 10 * SEC_NS), 0);
		igt_assert_eq(neuron_syncobj_fence_status(other, so), 1);
		igt_assert_eq(sem_read(fd, 1, 6), 66);
		igt_assert_eq(sem_read(fd, 0, 6), 0);
		syncobj_destroy(other, so);
		close(other);
		core_acquire(fd, 0x2);
		sem_set_wait(fd, 0, 1, 6, 7);
		igt_assert_eq(sem_read(fd, 1, 6), 7);
	}

	igt_describe("A core released by one thread while another submits steps "
		     "on it: nothing of the old owner writes the new owner's core");
	igt_subtest("core-handover") {
		int accepted = 0, refused = 0;

		core_release(fd, 0x2);
		for (int round = 0; round < 50; round++) {
			int a = igt_neuron_open(0), b = igt_neuron_open(0);
			struct hammer h = { .fd = a };
			pthread_t th;
			int32_t v0, v1;

			core_acquire(a, 0x2);
			igt_assert_eq(pthread_create(&th, NULL, hammer_thread, &h), 0);
			usleep(2000 + 200 * round);
			core_release(a, 0x2);
			/* waits for a's jobs, then zeroes the semaphores */
			core_acquire(b, 0x2);
			v0 = sem_read(b, 1, 8);
			usleep(20000);
			h.stop = 1;
			igt_assert_eq(pthread_join(th, NULL), 0);
			v1 = sem_read(b, 1, 8);
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
		core_acquire(fd, 0x2);
	}

	igt_describe("Every malformed submit fails with its documented errno");
	igt_subtest("invalid") {
		struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 0, 0);
		struct drm_neuron_xfer many[DRM_NEURON_SUBMIT_MAX_XFERS + 1];
		struct drm_neuron_submit s, good = {
			.xfers = (uintptr_t)&x, .xfer_count = 1,
		};
		struct drm_neuron_sync in = { .handle = 0xdead };
		int i;

		igt_assert_eq(submit(fd, &good), 0);
		s = good; s.flags = 0x80;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		/* a program is the whole job: not beside transfers */
		s = good; s.program = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.engine = 12;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.context = 1;
		igt_assert_eq(submit(fd, &s), -ENOENT);
		s = good; s.engine = 11;
		igt_assert_eq(submit(fd, &s), 0);
		s = good; s.xfer_count = 0;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.out_sync.flags = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.out_sync.handle = 0xdead;
		igt_assert_eq(submit(fd, &s), -ENOENT);
		s = good; s.out_sync.point = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.in_syncs = (uintptr_t)&in; s.in_sync_count = 1;
		igt_assert_eq(submit(fd, &s), -ENOENT);
		in.handle = 0; in.flags = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.in_sync_count = DRM_NEURON_SUBMIT_MAX_SYNCS + 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.xfers = 8;
		igt_assert_eq(submit(fd, &s), -EFAULT);
		s = good; s.desc_count = DRM_NEURON_SUBMIT_MAX_DESCS + 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s = good; s.bo_handle_count = DRM_NEURON_SUBMIT_MAX_BOS + 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);

		for (i = 0; i <= DRM_NEURON_SUBMIT_MAX_XFERS; i++)
			many[i] = x;
		s = good; s.xfers = (uintptr_t)many;
		s.xfer_count = DRM_NEURON_SUBMIT_MAX_XFERS + 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s.xfer_count = DRM_NEURON_SUBMIT_MAX_XFERS;
		igt_assert_eq(submit(fd, &s), 0);

		s = good;
		x.type = 99;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 4, 0, 0);
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_SEM_INCR, 0, 32, 0);
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_EVENT, 0, 256, 0);
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_EVENT, 0, 1, 2);
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 0, 0);
		x.flags = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x.flags = 0; x.pad = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x.pad = 0; x.size = 4;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_COPY, 0, 0, 0);
		x.src_handle = 0xdead; x.dst_handle = 0xbeef; x.size = 4;
		igt_assert_eq(submit(fd, &s), -ENOENT);
		x.size = 0;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		/* and the file is still fine */
		igt_assert_eq(submit(fd, &good), -EINVAL);
		x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 0, 0, 0);
		igt_assert_eq(submit(fd, &good), 0);
	}

	igt_describe("Every scheduler and ring exists from probe, one per DMA engine "
		     "plus the kernel's, before this file submitted anything");
	igt_subtest("sched-topology") {
		struct drm_neuron_query_device_info info;
		char buf[4096], key[64];
		int f = igt_neuron_open(0);
		uint32_t e;

		neuron_query(f, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
		jobs_debugfs(f, buf, sizeof(buf));
		igt_info("%s", buf);
		igt_assert_eq(jobs_value(buf, "schedulers:"), info.dma_engine_count + 1);
		igt_assert_eq(jobs_sched_lines(buf), (int)info.dma_engine_count + 1);
		/* 13 rings of 416 KiB, never more */
		igt_assert_eq(jobs_value(buf, "ring_bytes:"),
			      (info.dma_engine_count + 1) * 416LL * 1024);
		for (e = 0; e < info.dma_engine_count; e++) {
			snprintf(key, sizeof(key), "neuron-dma%u: engine %u ", e, e);
			igt_assert_f(strstr(buf, key), "no scheduler for engine %u\n", e);
		}
		igt_assert(strstr(buf, "neuron-kernel:"));
		close(f);
	}

	igt_describe("A SUBMIT that fails validation, on any engine, creates no "
		     "scheduler and no ring memory");
	igt_subtest("invalid-creates-nothing") {
		struct drm_neuron_xfer x = copy_xfer(0xdead, 0, 0xbeef, 0, 4);
		char before[4096], after[4096];
		int f = igt_neuron_open(0);
		uint32_t e;

		jobs_debugfs(f, before, sizeof(before));
		for (e = 0; e < 12; e++)
			igt_assert_eq(sem_submit(f, e, &x, 1, 0, 0), -ENOENT);
		jobs_debugfs(f, after, sizeof(after));
		igt_assert_eq(jobs_sched_lines(after), jobs_sched_lines(before));
		igt_assert_eq(jobs_value(after, "ring_bytes:"),
			      jobs_value(before, "ring_bytes:"));
		igt_assert_lte(0, jobs_value(after, "ring_bytes:"));
		close(f);
	}

	igt_describe("A stalled queue: the job's fence errors within the timeout "
		     "(set while the engine was already in use), the file is "
		     "guilty, another file's job queued behind it in the same "
		     "ring runs again and succeeds, other engines keep working");
	igt_subtest("stalled-queue") {
		struct drm_neuron_xfer xb = sem_xfer(DRM_NEURON_XFER_SEM_SET, 2, 30, 77);
		struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 3, 30, 77);
		struct drm_neuron_xfer xi = sem_xfer(DRM_NEURON_XFER_SEM_SET, 3, 29, 55);
		int bad = igt_neuron_open(0), good = igt_neuron_open(0);
		uint32_t so = syncobj_create(bad), so2 = syncobj_create(good);
		uint32_t so3 = syncobj_create(good);
		int64_t t0;

		core_release(fd, 0xc);
		core_acquire(bad, 0x4);
		core_acquire(good, 0x8);
		sem_set_wait(good, 11, 3, 29, 0);

		/* A short timeout, which applies to the engine in use too. */
		neuron_write_param("job_timeout_ms", "500");
		stall_engine(fd, 11);
		igt_assert_eq(sem_submit(bad, 11, &xb, 1, so, 0), 0);
		t0 = now_ns();
		/* the innocent job, in the ring behind the bad one */
		igt_assert_eq(sem_submit(good, 11, &xi, 1, so3, 0), 0);
		/* meanwhile another file on another engine is served */
		igt_assert_eq(sem_submit(good, 10, &x, 1, so2, 0), 0);
		igt_assert_eq(syncobj_wait(good, so2, 0, 5 * SEC_NS), 0);
		igt_assert_eq(syncobj_wait(bad, so, 0, 20 * SEC_NS), 0);
		/*
		 * The innocent job is back in the ring. Lift the timeout before
		 * the (slow, QMP) release: with 500 ms it could time out too.
		 */
		neuron_write_param("job_timeout_ms", "10000");
		stall_engine(fd, -1);
		igt_info("timed out after %lld ms\n", (long long)(now_ns() - t0) / 1000000);
		/* 500 ms without progress, a 250 ms watchdog, TCG slack */
		igt_assert_lt(now_ns() - t0, 3 * SEC_NS);
		igt_assert_eq(neuron_syncobj_fence_status(bad, so), -ETIMEDOUT);
		igt_assert_eq(syncobj_wait(good, so3, 0, 5 * SEC_NS), 0);
		igt_assert_eq(neuron_syncobj_fence_status(good, so3), 1);
		igt_assert_eq(sem_read(fd, 3, 29), 55);

		/* the guilty file is refused, others are not */
		igt_assert_eq(sem_submit(bad, 11, &xb, 1, so, 0), -ECANCELED);
		x.value = 78;
		igt_assert_eq(sem_submit(good, 11, &x, 1, so2, 0), 0);
		igt_assert_eq(syncobj_wait(good, so2, 0, 5 * SEC_NS), 0);
		igt_assert_eq(neuron_syncobj_fence_status(good, so2), 1);
		igt_assert_eq(sem_read(fd, 3, 30), 78);
		close(bad);
		close(good);
		core_acquire(fd, 0xc);
	}

	igt_describe("A stalled queue that another file keeps feeding, a job "
		     "every 100 ms (less than the scheduler's watchdog period), "
		     "still times out after job_timeout_ms: jobs that start do "
		     "not push the timeout back");
	igt_subtest("stalled-queue-fed") {
		struct drm_neuron_xfer xb = sem_xfer(DRM_NEURON_XFER_SEM_SET, 2, 27, 5);
		struct drm_neuron_xfer xi = sem_xfer(DRM_NEURON_XFER_SEM_SET, 3, 27, 6);
		int bad = igt_neuron_open(0), good = igt_neuron_open(0);
		uint32_t so = syncobj_create(bad), so2 = syncobj_create(good);
		int64_t t0, dt = -1;
		int i;

		core_release(fd, 0xc);
		core_acquire(bad, 0x4);
		core_acquire(good, 0x8);
		sem_set_wait(good, 11, 3, 27, 0);
		neuron_write_param("job_timeout_ms", "500");
		stall_engine(fd, 11);
		igt_assert_eq(sem_submit(bad, 11, &xb, 1, so, 0), 0);
		t0 = now_ns();
		/* 4 s of feeding: the old watchdog fired only when it stopped */
		for (i = 0; i < 40 && dt < 0; i++) {
			igt_assert_eq(sem_submit(good, 11, &xi, 1, so2, 0), 0);
			if (!syncobj_wait(bad, so, 0, SEC_NS / 10))
				dt = now_ns() - t0;
		}
		/* the fed jobs are back in the ring: not 500 ms for the release */
		neuron_write_param("job_timeout_ms", "10000");
		stall_engine(fd, -1);
		igt_info("timed out after %lld ms, %d jobs fed\n",
			 (long long)dt / 1000000, i);
		igt_assert_eq(syncobj_wait(good, so2, 0, 10 * SEC_NS), 0);
		igt_assert_lte(0, dt);
		/* 500 ms without progress, the poller's check, TCG slack */
		igt_assert_lt(dt, 3 * SEC_NS);
		igt_assert_eq(neuron_syncobj_fence_status(bad, so), -ETIMEDOUT);
		igt_assert_eq(neuron_syncobj_fence_status(good, so2), 1);
		igt_assert_eq(sem_read(fd, 3, 27), 6);
		close(bad);
		close(good);
		core_acquire(fd, 0xc);
	}

	igt_describe("A job that runs for several times job_timeout_ms but keeps "
		     "moving (the model runs its queue one packet per 100 ms) "
		     "is slow, not stuck: it completes and no queue is reset");
	igt_subtest("slow-progress") {
		const uint64_t size = 1 << 20;	/* 16 packets of 64 KiB */
		int qdev = igt_neuron_qdev_index(fd);
		uint32_t a = bo_create(fd, DRM_NEURON_BO_DRAM, size);
		uint32_t b = bo_create(fd, DRM_NEURON_BO_DRAM, size);
		struct drm_neuron_xfer x = copy_xfer(a, 0, b, 0, size);
		char buf[4096];
		long long before;
		int64_t t0, dt;
		int ret;

		igt_require(qdev >= 0 && igt_qmp_available());
		jobs_debugfs(fd, buf, sizeof(buf));
		before = jobs_value(buf, "timeouts");
		neuron_write_param("job_timeout_ms", "500");
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
				      "\"/machine/peripheral/neuron%d\",\"property\":"
				      "\"fault-slow-packet-us\",\"value\":100000}}", qdev), 0);
		/* engine 5, the user queue (0) */
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
				      "\"/machine/peripheral/neuron%d\",\"property\":"
				      "\"fault-slow-queue\",\"value\":80}}", qdev), 0);
		t0 = now_ns();
		ret = copy_sync(fd, 5, &x, 1);
		dt = now_ns() - t0;
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
				      "\"/machine/peripheral/neuron%d\",\"property\":"
				      "\"fault-slow-queue\",\"value\":-1}}", qdev), 0);
		neuron_write_param("job_timeout_ms", "10000");
		igt_info("1 MiB copy: %lld ms with a 500 ms job timeout\n",
			 (long long)dt / 1000000);
		igt_assert_eq(ret, 0);
		jobs_debugfs(fd, buf, sizeof(buf));
		igt_assert_eq(jobs_value(buf, "timeouts"), before);
		/* it did outlast the timeout several times over */
		igt_assert_lt(SEC_NS, dt);
		bo_close(fd, a);
		bo_close(fd, b);
	}

	igt_describe("A queue reset caused by one process leaves another "
		     "process intact: its job queued behind the hung one runs "
		     "after the reset, its NeuronCore's semaphores keep their "
		     "values and its DRAM BO its bytes");
	igt_subtest("reset-isolation") {
		const uint64_t size = 65536;
		struct drm_neuron_xfer xb = sem_xfer(DRM_NEURON_XFER_SEM_SET, 2, 25, 1);
		int bad = igt_neuron_open(0), to_child[2], to_parent[2], st;
		uint32_t so = syncobj_create(bad);
		pid_t pid;
		char c;

		core_release(fd, 0xc);
		core_acquire(bad, 0x4);
		igt_assert_eq(pipe(to_child), 0);
		igt_assert_eq(pipe(to_parent), 0);
		neuron_write_param("job_timeout_ms", "500");
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0) {
			int v = igt_neuron_open(0), ok;
			uint32_t h = bo_create(v, DRM_NEURON_BO_HOST, size);
			uint32_t d = bo_create(v, DRM_NEURON_BO_DRAM, size);
			uint32_t vso = syncobj_create(v);
			uint8_t *p = bo_map(v, h, size);
			struct drm_neuron_xfer in = copy_xfer(h, 0, d, 0, size);
			struct drm_neuron_xfer out = copy_xfer(d, 0, h, 0, size);
			struct drm_neuron_xfer xs = sem_xfer(DRM_NEURON_XFER_SEM_SET, 3, 25, 42);
			uint8_t *want = malloc(size);

			core_acquire(v, 0x8);
			sem_set_wait(v, 10, 3, 24, 7);
			fill(p, size, 9);
			memcpy(want, p, size);
			igt_assert_eq(copy_sync(v, 10, &in, 1), 0);
			igt_assert_eq(write(to_parent[1], "r", 1), 1);
			/* the parent's job hangs engine 11 now: queue behind it */
			igt_assert_eq(read(to_child[0], &c, 1), 1);
			igt_assert_eq(sem_submit(v, 11, &xs, 1, vso, 0), 0);
			ok = !syncobj_wait(v, vso, 0, 20 * SEC_NS) &&
			     neuron_syncobj_fence_status(v, vso) == 1 &&
			     sem_read(v, 3, 25) == 42 && sem_read(v, 3, 24) == 7;
			memset(p, 0, size);
			ok = ok && !copy_sync(v, 10, &out, 1) && !memcmp(p, want, size);
			_exit(ok ? 0 : 1);
		}
		igt_assert_eq(read(to_parent[0], &c, 1), 1);
		stall_engine(fd, 11);
		igt_assert_eq(sem_submit(bad, 11, &xb, 1, so, 0), 0);
		igt_assert_eq(write(to_child[1], "g", 1), 1);
		igt_assert_eq(syncobj_wait(bad, so, 0, 20 * SEC_NS), 0);
		/* the child's job is back in the ring: not 500 ms for the release */
		neuron_write_param("job_timeout_ms", "10000");
		stall_engine(fd, -1);
		igt_assert_eq(waitpid(pid, &st, 0), pid);
		igt_assert_eq(neuron_syncobj_fence_status(bad, so), -ETIMEDOUT);
		igt_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		close(bad);
		core_acquire(fd, 0xc);
	}

	igt_describe("A queue that hangs again and again, each queue reset "
		     "removing the job at its head, gets its NeuronCore reset "
		     "at the third hang (once, counted in QUERY_CORES) and the "
		     "device at the sixth (once, counted in sysfs); the queue "
		     "works afterwards");
	igt_subtest("hang-escalates") {
		const uint64_t size = 8192;
		unsigned int before = neuron_reset_count(fd);
		uint32_t core_before = neuron_core_resets(fd, 3);
		uint32_t bo[6], so[6];
		int f[6], i;

		neuron_write_param("job_timeout_ms", "500");
		stall_engine(fd, 11);
		for (i = 0; i < 6; i++) {
			struct drm_neuron_xfer x;
			struct drm_neuron_submit s = { .engine = 11, .xfer_count = 1 };

			f[i] = igt_neuron_open(0);
			bo[i] = bo_create(f[i], DRM_NEURON_BO_HOST, size);
			so[i] = syncobj_create(f[i]);
			x = copy_xfer(bo[i], 0, bo[i], 4096, 4096);
			s.xfers = (uintptr_t)&x;
			s.out_sync.handle = so[i];
			igt_assert_eq(submit(f[i], &s), 0);
		}
		for (i = 0; i < 3; i++)
			igt_assert_eq(syncobj_wait(f[i], so[i], 0, 20 * SEC_NS), 0);
		/* the third hang asks for the core reset; it runs after its handler */
		for (i = 0; i < 100 && neuron_core_resets(fd, 3) == core_before; i++)
			usleep(50000);
		igt_assert_eq(neuron_core_resets(fd, 3), core_before + 1);
		igt_assert_eq(neuron_reset_count(fd), before);
		for (i = 3; i < 6; i++)
			igt_assert_eq(syncobj_wait(f[i], so[i], 0, 20 * SEC_NS), 0);
		/* the sixth asks for the device reset */
		for (i = 0; i < 100 && neuron_reset_count(fd) == before; i++)
			usleep(50000);
		stall_engine(fd, -1);
		neuron_write_param("job_timeout_ms", "10000");
		igt_assert_eq(neuron_reset_count(fd), before + 1);
		igt_assert_eq(neuron_core_resets(fd, 3), core_before + 1);
		for (i = 0; i < 6; i++) {
			igt_assert_eq(neuron_syncobj_fence_status(f[i], so[i]), -ETIMEDOUT);
			close(f[i]);
		}
		sem_set_wait(fd, 11, 0, 26, 3);
		igt_assert_eq(sem_read(fd, 0, 26), 3);
	}

	igt_describe("A NeuronCore that takes nothing hangs the queue writing "
		     "it; queue resets do not help, the NeuronCore reset at the "
		     "third hang does: the next job runs, the core's semaphores "
		     "were cleared, another process's core, DRAM BO and jobs "
		     "are untouched, and the device is not reset");
	igt_subtest("core-hang-core-reset") {
		struct drm_neuron_context_create cc = { .core_mask = 0x2 };
		unsigned int before = neuron_reset_count(fd);
		uint32_t core_before = neuron_core_resets(fd, 1);
		uint32_t core2_before = neuron_core_resets(fd, 2);
		int a = igt_neuron_open(0), to_child[2], to_parent[2], i;
		struct drm_neuron_query_cores q;
		uint32_t ctx[4], so[4], mine = 0;
		char c = 0;
		pid_t pid;

		igt_assert_eq(pipe(to_child), 0);
		igt_assert_eq(pipe(to_parent), 0);
		neuron_query(fd, DRM_NEURON_QUERY_CORES, &q, sizeof(q), 0);
		for (i = 1; i <= 2; i++)
			if (q.cores[i].flags & DRM_NEURON_CORE_OWNER_CALLER)
				mine |= 1u << i;
		if (mine)
			core_release(fd, mine);
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0) {
			/* Process B: NeuronCore 2. No igt_assert here: a child. */
			int b = igt_neuron_open(0), bad = 0;
			struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_INCR, 2, 4, 1);
			struct drm_neuron_submit sb = {
				.engine = 6, .xfers = (uintptr_t)&x, .xfer_count = 1,
			};
			uint32_t bo;
			uint8_t *p;

			if (neuron_core_ioctl(b, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x4))
				_exit(10);
			bo = neuron_bo_create(b, 65536, DRM_NEURON_BO_DRAM);
			p = neuron_bo_mmap(b, bo, 65536);
			for (i = 0; i < 65536; i++)
				p[i] = (uint8_t)(i * 13 + 5);
			x.type = DRM_NEURON_XFER_SEM_SET;
			x.value = 66;
			if (submit(b, &sb))
				_exit(11);
			if (write(to_parent[1], "r", 1) != 1 ||
			    read(to_child[0], &c, 1) != 1)
				_exit(12);
			/* A's core hung and was reset meanwhile. */
			x.type = DRM_NEURON_XFER_SEM_INCR;
			x.value = 1;
			sb.out_sync.handle = syncobj_create(b);
			if (submit(b, &sb) ||
			    syncobj_wait(b, sb.out_sync.handle, 0, 10 * SEC_NS))
				bad = 20;
			else if (neuron_syncobj_fence_status(b, sb.out_sync.handle) != 1)
				bad = 21;
			if (sem_read(b, 2, 4) != 67)
				bad = 22;
			for (i = 0; i < 65536; i++)
				if (p[i] != (uint8_t)(i * 13 + 5))
					bad = 23;
			_exit(bad);
		}
		close(to_child[0]);
		close(to_parent[1]);

		/* Process A: NeuronCore 1, one context per hang (each turns guilty). */
		core_acquire(a, 0x2);
		sem_set_wait(a, 3, 1, 11, 77);
		for (i = 0; i < 4; i++) {
			cc.core_mask = 0x2;
			do_ioctl(a, DRM_IOCTL_NEURON_CONTEXT_CREATE, &cc);
			ctx[i] = cc.handle;
			so[i] = syncobj_create(a);
		}
		igt_assert_eq(read(to_parent[0], &c, 1), 1);

		neuron_write_param("job_timeout_ms", "500");
		neuron_stall_core(fd, 1);
		for (i = 0; i < 3; i++) {
			struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 1, 12, 100 + i);
			struct drm_neuron_submit s = {
				.engine = 0, .context = ctx[i], .xfers = (uintptr_t)&x,
				.xfer_count = 1, .out_sync = { .handle = so[i] },
			};

			igt_assert_eq(submit(a, &s), 0);
		}
		for (i = 0; i < 3; i++) {
			igt_assert_eq(syncobj_wait(a, so[i], 0, 20 * SEC_NS), 0);
			igt_assert_eq(neuron_syncobj_fence_status(a, so[i]), -ETIMEDOUT);
		}
		for (i = 0; i < 100 && neuron_core_resets(fd, 1) == core_before; i++)
			usleep(50000);
		neuron_write_param("job_timeout_ms", "10000");
		igt_assert_eq(neuron_core_resets(fd, 1), core_before + 1);

		/* The core takes again: no hang any more, its old state gone. */
		{
			struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 1, 12, 200);
			struct drm_neuron_submit s = {
				.engine = 0, .context = ctx[3], .xfers = (uintptr_t)&x,
				.xfer_count = 1, .out_sync = { .handle = so[3] },
			};

			igt_assert_eq(submit(a, &s), 0);
			igt_assert_eq(syncobj_wait(a, so[3], 0, 10 * SEC_NS), 0);
			igt_assert_eq(neuron_syncobj_fence_status(a, so[3]), 1);
		}
		igt_assert_eq(sem_read(a, 1, 12), 200);
		igt_assert_eq(sem_read(a, 1, 11), 0);
		igt_assert_eq(neuron_reset_count(fd), before);

		igt_assert_eq(write(to_child[1], "g", 1), 1);
		neuron_wait_exit_ok(pid);
		igt_assert_eq(neuron_core_resets(fd, 2), core2_before);
		close(to_child[1]);
		close(to_parent[0]);
		close(a);
		if (mine)
			core_acquire(fd, mine);
	}

	igt_describe("The timeout handler does not wait for the firmware mailbox: "
		     "with another process's FWIO request hanging for seconds, a "
		     "stalled job still times out within the timeout");
	igt_subtest("timeout-fwio-busy") {
		struct drm_neuron_xfer x = sem_xfer(DRM_NEURON_XFER_SEM_SET, 2, 28, 9);
		int bad = igt_neuron_open(0), qdev = igt_neuron_qdev_index(fd);
		uint32_t so = syncobj_create(bad);
		int64_t t0, dt;
		pid_t pid;

		igt_require(qdev >= 0);
		igt_require_f(igt_qmp_available(), "no QMP port\n");
		core_release(fd, 0x4);
		core_acquire(bad, 0x4);
		sem_set_wait(bad, 8, 2, 28, 0);
		neuron_write_param("job_timeout_ms", "500");

		/* The firmware stops answering: a request holds the mailbox. */
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
				      "\"/machine/peripheral/neuron%d\",\"property\":"
				      "\"fault-fwio\",\"value\":\"drop\"}}", qdev), 0);
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0) {
			struct drm_neuron_device_state st = {
				.type = DRM_NEURON_STATE_FW_STATUS,
			};

			/* fwio_attempts x fwio_timeout_ms: 15 s by default */
			igt_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &st);
			_exit(0);
		}
		usleep(200000);

		stall_engine(fd, 8);
		igt_assert_eq(sem_submit(bad, 8, &x, 1, so, 0), 0);
		t0 = now_ns();
		igt_assert_eq(syncobj_wait(bad, so, 0, 30 * SEC_NS), 0);
		dt = now_ns() - t0;
		igt_info("timed out after %lld ms with the mailbox busy\n",
			 (long long)dt / 1000000);
		stall_engine(fd, -1);
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
				      "\"/machine/peripheral/neuron%d\",\"property\":"
				      "\"fault-fwio\",\"value\":\"none\"}}", qdev), 0);
		igt_assert_eq(waitpid(pid, NULL, 0), pid);
		neuron_write_param("job_timeout_ms", "10000");
		igt_assert_eq(neuron_syncobj_fence_status(bad, so), -ETIMEDOUT);
		/* 500 ms, a 250 ms watchdog, TCG slack; not the 15 s request */
		igt_assert_lt(dt, 3 * SEC_NS);
		close(bad);
		core_acquire(fd, 0x4);
	}

	igt_describe("A process killed with 1000 jobs queued on a stalled queue "
		     "leaves the device idle and usable");
	igt_subtest("kill-queued") {
		int pipefd[2], st;
		pid_t pid;
		char c;

		igt_assert_eq(pipe(pipefd), 0);
		stall_engine(fd, 9);
		core_release(fd, 0x8);
		pid = fork();
		if (pid == 0) {
			int cfd = igt_neuron_open(0);
			struct drm_neuron_xfer x =
				sem_xfer(DRM_NEURON_XFER_SEM_INCR, 3, 31, 1);
			int i;

			core_acquire(cfd, 0x8);
			for (i = 0; i < 1000; i++)
				if (sem_submit(cfd, 9, &x, 1, 0, 0))
					_exit(1);
			igt_assert_eq(write(pipefd[1], "x", 1), 1);
			pause();
			_exit(0);
		}
		igt_assert_eq(read(pipefd[0], &c, 1), 1);
		kill(pid, SIGKILL);
		igt_assert_eq(waitpid(pid, &st, 0), pid);
		stall_engine(fd, -1);
		core_acquire(fd, 0x8);
		sem_set_wait(fd, 9, 3, 31, 5);
		igt_assert_eq(sem_read(fd, 3, 31), 5);
		close(pipefd[0]);
		close(pipefd[1]);
	}

	igt_describe("A job whose fence has a thousand callbacks retires right "
		     "behind fifteen others: the scheduler frees the jobs on the "
		     "other CPU while the poller is still signalling");
	igt_subtest("retire-callbacks") {
		uint32_t bo = bo_create(fd, DRM_NEURON_BO_DRAM, 4096);
		struct drm_neuron_xfer x = copy_xfer(bo, 0, bo, 64, 4);
		int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		uint64_t count, total;
		int round, i;

		igt_assert_fd(efd);
		slab_poison_note();
		for (round = 0; round < RACE_ROUNDS; round++) {
			uint32_t so = syncobj_create(fd);
			struct drm_syncobj_eventfd ev = {
				.handle = so, .fd = efd,
			};

			/* Stalled, so that all 16 complete in one poll. */
			stall_engine(fd, 4);
			for (i = 0; i < RACE_BATCH - 1; i++)
				igt_assert_eq(sem_submit(fd, 4, &x, 1, 0, 0), 0);
			/* Waiting for a fence: each becomes one callback. */
			for (i = 0; i < RACE_CALLBACKS; i++)
				do_ioctl(fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &ev);
			igt_assert_eq(sem_submit(fd, 4, &x, 1, so, 0), 0);
			stall_engine(fd, -1);
			igt_assert_eq(syncobj_wait(fd, so, 0, 60 * SEC_NS), 0);
			syncobj_destroy(fd, so);
			/* The wait ends at the signal, before the callbacks. */
			for (total = 0, i = 0; total < RACE_CALLBACKS && i < 1000; i++) {
				if (read(efd, &count, sizeof(count)) == sizeof(count))
					total += count;
				else
					usleep(1000);
			}
			igt_assert_eq_u64(total, RACE_CALLBACKS);
		}
		close(efd);
		bo_close(fd, bo);
	}

	igt_describe("Tiny jobs from several processes and threads retire while "
		     "other files are closed with jobs in flight; the device "
		     "stays usable and the kernel reports nothing");
	igt_subtest("retire-race") {
		int64_t until = now_ns() + RACE_SECS * SEC_NS;
		pid_t pid[RACE_PROCS + RACE_CLOSERS];
		int p;

		slab_poison_note();
		for (p = 0; p < RACE_PROCS + RACE_CLOSERS; p++) {
			pid[p] = fork();
			igt_assert_gte(pid[p], 0);
			if (pid[p] == 0)
				_exit(p < RACE_PROCS ?
				      race_process(fd, p, until) :
				      race_closer(fd, p - RACE_PROCS, until));
		}
		for (p = 0; p < RACE_PROCS + RACE_CLOSERS; p++)
			neuron_wait_exit_ok(pid[p]);
		sem_set_wait(fd, 0, 0, 3, 7);
		igt_assert_eq(sem_read(fd, 0, 3), 7);
	}

	igt_describe("host -> DRAM -> host copies of 1 B .. 256 MiB are bit-exact");
	igt_subtest("copy-sizes") {
		static const uint64_t sizes[] = {
			1, 3, 4, 4095, 4096, 65535, 65536, 65537, 1 << 20,
			(4 << 20) + 5, 64 << 20, 256 << 20,
		};
		unsigned int i;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			igt_info("size %llu\n", (unsigned long long)sizes[i]);
			roundtrip(fd, sizes[i], 2 + 3 * (i % 4));
		}
	}

	igt_describe("Bounce buffers: CPU writes reach every later job, job writes reach the CPU at the fence");
	igt_subtest("bounced-roundtrip") {
		const uint64_t size = 1 << 20;
		uint32_t src = bo_create(fd, DRM_NEURON_BO_HOST, size);
		uint32_t dst = bo_create(fd, DRM_NEURON_BO_HOST, size);
		uint32_t dram = bo_create(fd, DRM_NEURON_BO_DRAM, size);
		uint8_t *ps = bo_map(fd, src, size), *pd = bo_map(fd, dst, size);
		struct drm_neuron_xfer x[2];
		unsigned int round;

		require_bounced(fd, src, size);
		require_bounced(fd, dst, size);
		/*
		 * Both BOs stay mapped (bounced) across the rounds: only a sync
		 * at each job's start carries the new contents of src (and of
		 * the untouched parts of dst) into the bounce buffers, and only
		 * a sync before each fence carries the job's writes back.
		 */
		for (round = 0; round < 4; round++) {
			uint64_t off = 4096 * round + round, n = size / 2 - off;

			fill(ps, size, round + 1);
			memset(pd, 0x5a + round, size);
			x[0] = copy_xfer(src, off, dram, 7, n);
			x[1] = copy_xfer(dram, 7, dst, off + 1, n);
			igt_assert_eq(copy_sync(fd, 2 + round, x, 2), 0);
			igt_assert(memcmp(ps + off, pd + off + 1, n) == 0);
			igt_assert_eq(pd[off], 0x5a + round);
			for (uint64_t i = off + 1 + n; i < size; i++)
				igt_assert_eq(pd[i], 0x5a + round);
		}
		munmap(ps, size);
		munmap(pd, size);
		bo_close(fd, src);
		bo_close(fd, dst);
		bo_close(fd, dram);
	}

	igt_describe("Bounce buffers: a notification queue, written at any time, is refused");
	igt_subtest("bounced-nq") {
		uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 4096);
		struct drm_neuron_nq_create c = {
			.core = 0, .type = DRM_NEURON_NQ_EVENT, .handle = h,
			.size = 256,
		};

		require_bounced(fd, h, 4096);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c, EOPNOTSUPP);
		bo_close(fd, h);
	}

	igt_describe("Implicit sync: a reader job waits for the writer job of a BO");
	igt_subtest("implicit-sync") {
		uint64_t sz = 1 << 20;
		uint32_t a = bo_create(fd, DRM_NEURON_BO_HOST, sz);
		uint32_t b = bo_create(fd, DRM_NEURON_BO_HOST, sz);
		uint32_t d = bo_create(fd, DRM_NEURON_BO_DRAM, sz);
		uint8_t *pa = bo_map(fd, a, sz), *pb = bo_map(fd, b, sz);
		struct drm_neuron_xfer w = copy_xfer(a, 0, d, 0, sz);
		struct drm_neuron_xfer r = copy_xfer(d, 0, b, 0, sz);

		fill(pa, sz, 7);
		memset(pb, 0, sz);
		stall_engine(fd, 4);
		/* writer on a stalled queue, reader on another queue */
		igt_assert_eq(sem_submit(fd, 4, &w, 1, 0, 0), 0);
		igt_assert_eq(sem_submit(fd, 5, &r, 1, 0, 0), 0);
		usleep(200000);
		igt_assert_eq(pb[0], 0);
		stall_engine(fd, -1);
		igt_assert_eq(copy_sync(fd, 5, &r, 1), 0);
		igt_assert(memcmp(pa, pb, sz) == 0);
		munmap(pa, sz);
		munmap(pb, sz);
		bo_close(fd, a);
		bo_close(fd, b);
		bo_close(fd, d);
	}

	igt_describe("Copy errors: foreign and stale handles, ranges past the BO, overflow");
	igt_subtest("copy-invalid") {
		int other = igt_neuron_open(0);
		uint32_t a = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
		uint32_t d = bo_create(fd, DRM_NEURON_BO_DRAM, 8192);
		uint32_t f = bo_create(other, DRM_NEURON_BO_HOST, 8192);
		struct drm_neuron_xfer x;

		x = copy_xfer(a, 0, d, 0, 8192);
		igt_assert_eq(copy_sync(fd, 0, &x, 1), 0);
		x = copy_xfer(a, 1, d, 0, 8192);
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -EINVAL);
		x = copy_xfer(a, 0, d, 8192, 1);
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -EINVAL);
		x = copy_xfer(a, ~0ull - 2, d, 0, 4);
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -EINVAL);
		x = copy_xfer(a, 0, d, 4, ~0ull);
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -EINVAL);
		/* a handle of another file means nothing here */
		x = copy_xfer(f + 100, 0, d, 0, 4);
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -ENOENT);
		x = copy_xfer(a, 0, d, 0, 4);
		x.nc = 1;
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -EINVAL);
		bo_close(fd, a);
		x = copy_xfer(a, 0, d, 0, 4);
		igt_assert_eq(sem_submit(fd, 0, &x, 1, 0, 0), -ENOENT);
		bo_close(fd, d);
		bo_close(other, f);
		close(other);
	}

	igt_describe("Descriptors name BOs by position in the job's BO list: a copy between "
		     "two listed BOs lands, a BO that is not listed cannot be named "
		     "(neuron_desc has every field)");
	igt_subtest("user-descs") {
		uint32_t h = bo_create(fd, DRM_NEURON_BO_HOST, 4096);
		uint32_t d = bo_create(fd, DRM_NEURON_BO_DRAM, 65536);
		uint32_t d2 = bo_create(fd, DRM_NEURON_BO_DRAM, 65536);
		uint32_t handles[2] = { d, d2 };
		uint8_t *ph = bo_map(fd, h, 4096);
		struct drm_neuron_dma_desc desc;
		struct drm_neuron_xfer x;
		struct drm_neuron_submit s = {
			.engine = 7, .descs = (uintptr_t)&desc,
			.desc_count = 1, .bo_handles = (uintptr_t)handles,
			.bo_handle_count = 2,
		};
		uint32_t so = syncobj_create(fd);

		fill(ph, 4096, 99);
		x = copy_xfer(h, 0, d, 0, 4096);
		igt_assert_eq(copy_sync(fd, 7, &x, 1), 0);

		/* DRAM d -> DRAM d2, 4 KiB, then back to host to check */
		desc = bo_desc(0, 0, 1, 8192, 4096);
		s.out_sync.handle = so;
		igt_assert_eq(submit(fd, &s), 0);
		igt_assert_eq(syncobj_wait(fd, so, 0, 10 * SEC_NS), 0);
		igt_assert_eq(neuron_syncobj_fence_status(fd, so), 1);
		memset(ph, 0, 4096);
		x = copy_xfer(d2, 8192, h, 0, 4096);
		igt_assert_eq(copy_sync(fd, 7, &x, 1), 0);
		{
			uint8_t ref[4096];

			fill(ref, 4096, 99);
			igt_assert(memcmp(ref, ph, 4096) == 0);
		}
		s.out_sync.handle = 0;

		/* past the end of d2; d2 not listed; no BO list at all */
		desc = bo_desc(0, 0, 1, 65536 - 4095, 4096);
		igt_assert_eq(submit(fd, &s), -EINVAL);
		desc = bo_desc(0, 0, 1, 0, 4096);
		s.bo_handle_count = 1;
		igt_assert_eq(submit(fd, &s), -EINVAL);
		s.bo_handle_count = 0;
		s.bo_handles = 0;
		igt_assert_eq(submit(fd, &s), -EINVAL);

		munmap(ph, 4096);
		syncobj_destroy(fd, so);
		bo_close(fd, h);
		bo_close(fd, d);
		bo_close(fd, d2);
	}

	igt_describe("Peer copies: data from device 0 reaches device 3 over pipe hops");
	igt_subtest("peer-ring") {
		int n = igt_neuron_count(), i;
		int fds[4];
		uint32_t dram[4];
		uint64_t sz = 1 << 20;
		uint32_t h;
		uint8_t *p, *ref;

		igt_require(n >= 4);
		for (i = 0; i < 4; i++) {
			fds[i] = igt_neuron_open(i);
			dram[i] = bo_create(fds[i], DRM_NEURON_BO_DRAM, sz);
		}
		h = bo_create(fds[0], DRM_NEURON_BO_HOST, sz);
		p = bo_map(fds[0], h, sz);
		ref = malloc(sz);
		fill(ref, sz, 1234);
		memcpy(p, ref, sz);
		{
			struct drm_neuron_xfer x = copy_xfer(h, 0, dram[0], 0, sz);

			igt_assert_eq(copy_sync(fds[0], 2, &x, 1), 0);
		}
		/* hop i -> i+1: device i+1 imports i's DRAM BO and pulls it */
		for (i = 0; i < 3; i++) {
			struct drm_prime_handle e = { .handle = dram[i], .flags = DRM_CLOEXEC };
			struct drm_prime_handle imp = { 0 };
			struct drm_neuron_xfer x;

			do_ioctl(fds[i], DRM_IOCTL_PRIME_HANDLE_TO_FD, &e);
			imp.fd = e.fd;
			do_ioctl(fds[i + 1], DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);
			close(e.fd);
			x = copy_xfer(imp.handle, 0, dram[i + 1], 0, sz);
			igt_assert_eq(copy_sync(fds[i + 1], 2, &x, 1), 0);
			if (i == 0) {
				/* device 2 is not a neighbour of device 0 */
				struct drm_prime_handle e2 = { .handle = dram[0], .flags = DRM_CLOEXEC };
				struct drm_prime_handle imp2 = { 0 };

				do_ioctl(fds[0], DRM_IOCTL_PRIME_HANDLE_TO_FD, &e2);
				imp2.fd = e2.fd;
				do_ioctl(fds[2], DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp2);
				close(e2.fd);
				x = copy_xfer(imp2.handle, 0, dram[2], 0, sz);
				igt_assert_eq(sem_submit(fds[2], 2, &x, 1, 0, 0), -EXDEV);
			}
		}
		memset(p, 0, sz);
		{
			/* read device 3's DRAM back through device 0 (west peer) */
			struct drm_prime_handle e = { .handle = dram[3], .flags = DRM_CLOEXEC };
			struct drm_prime_handle imp = { 0 };
			struct drm_neuron_xfer x;

			do_ioctl(fds[3], DRM_IOCTL_PRIME_HANDLE_TO_FD, &e);
			imp.fd = e.fd;
			do_ioctl(fds[0], DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);
			close(e.fd);
			x = copy_xfer(imp.handle, 0, h, 0, sz);
			igt_assert_eq(copy_sync(fds[0], 2, &x, 1), 0);
		}
		igt_assert(memcmp(p, ref, sz) == 0);
		munmap(p, sz);
		free(ref);
		for (i = 0; i < 4; i++)
			close(fds[i]);
	}

	igt_describe("A job queued against a neighbour's DRAM never writes a later instance of "
		     "that device: unbound and rebound before the job runs, the job fails with "
		     "ENODEV and the new owner's bytes are intact");
	igt_subtest("peer-rebind-stale") {
		const uint64_t sz = 4096;
		char slot[IGT_PCI_SLOT_LEN];
		struct neuron_dram_range a;
		struct drm_prime_handle e = { .flags = DRM_CLOEXEC };
		struct drm_prime_handle imp = { 0 };
		struct drm_neuron_sync in;
		struct drm_neuron_xfer x;
		struct drm_neuron_submit sub = { .engine = 2 };
		uint32_t src, victim, vhost, gate, done, gbo;
		char old_timeout[32];
		uint8_t *p;
		int fd1, vfd;

		igt_require(igt_neuron_count() >= 2);
		igt_require(geteuid() == 0);
		fd1 = igt_neuron_open(1);
		igt_assert_eq(igt_neuron_pci_slot(fd1, slot), 0);

		/* The attacker's BO on device 1, imported on device 0 (fd owns its cores). */
		e.handle = bo_create(fd1, DRM_NEURON_BO_DRAM, sz);
		a = neuron_bo_dram_range(fd1, e.handle);
		do_ioctl(fd1, DRM_IOCTL_PRIME_HANDLE_TO_FD, &e);
		imp.fd = e.fd;
		do_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);
		close(e.fd);
		close(fd1);

		/*
		 * A copy into it, held back behind a job on a stalled queue
		 * (the rebind below takes seconds: the gate must not time out).
		 */
		src = bo_create(fd, DRM_NEURON_BO_HOST, sz);
		p = bo_map(fd, src, sz);
		memset(p, 0xee, sz);
		gate = syncobj_create(fd);
		done = syncobj_create(fd);
		gbo = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
		snprintf(old_timeout, sizeof(old_timeout), "%ld", param_read("job_timeout_ms"));
		igt_assert_eq(param_write("job_timeout_ms", "120000"), 0);
		gate_job(fd, 5, gbo, gate);
		x = copy_xfer(src, 0, imp.handle, 0, sz);
		in = (struct drm_neuron_sync){ .handle = gate };
		sub.xfers = (uintptr_t)&x;
		sub.xfer_count = 1;
		sub.in_syncs = (uintptr_t)&in;
		sub.in_sync_count = 1;
		sub.out_sync.handle = done;
		igt_assert_eq(submit(fd, &sub), 0);

		/* Device 1 goes and comes back; a victim gets the same DRAM. */
		igt_assert_eq(neuron_write_str("/sys/bus/pci/drivers/neuron/unbind", slot), 0);
		igt_assert_eq(neuron_write_str("/sys/bus/pci/drivers/neuron/bind", slot), 0);
		vfd = open_slot(slot);
		/* Once probe's clear is over, DRAM is handed out as before. */
		neuron_dram_wait_clear(vfd);
		victim = bo_create(vfd, DRM_NEURON_BO_DRAM, sz);
		/* Where both are: debugfs, the uAPI never says. */
		igt_assert_eq_u64(neuron_bo_dram_range(vfd, victim).addr, a.addr);
		vhost = bo_create(vfd, DRM_NEURON_BO_HOST, sz);
		{
			uint8_t *vp = bo_map(vfd, vhost, sz);

			memset(vp, 0x11, sz);
			x = copy_xfer(vhost, 0, victim, 0, sz);
			igt_assert_eq(copy_sync(vfd, 2, &x, 1), 0);

			/* The gate opens: the stale job must not write. */
			stall_engine(fd, -1);
			igt_assert_eq(syncobj_wait(fd, done, 0, 30 * SEC_NS), 0);
			igt_assert_eq(param_write("job_timeout_ms", old_timeout), 0);

			memset(vp, 0, sz);
			x = copy_xfer(victim, 0, vhost, 0, sz);
			igt_assert_eq(copy_sync(vfd, 2, &x, 1), 0);
			for (uint64_t i = 0; i < sz; i++)
				igt_assert_f(vp[i] == 0x11, "victim byte %llu: %#x\n",
					     (unsigned long long)i, vp[i]);
			igt_assert_eq(neuron_syncobj_fence_status(fd, done), -ENODEV);
			munmap(vp, sz);
		}
		munmap(p, sz);
		close(vfd);
	}

	igt_describe("A file has at most file_jobs_max jobs queued or running: SUBMIT fails "
		     "with ENOSPC beyond, and works again once they finish");
	igt_subtest("file-jobs-bound") {
		/*
		 * A fresh file for the jobs (the fixture's may still have some
		 * of earlier subtests); the gate is a job of the fixture's file
		 * on a stalled queue, its syncobj passed over by fd.
		 */
		struct drm_syncobj_handle ex = { 0 }, im = { 0 };
		int jfd = igt_neuron_open(0);
		uint32_t gate = syncobj_create(fd), done = syncobj_create(jfd);
		uint32_t bo = bo_create(jfd, DRM_NEURON_BO_HOST, 8192);
		uint32_t gbo = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
		struct drm_neuron_sync in = { 0 };
		struct drm_neuron_xfer x = copy_xfer(bo, 0, bo, 4096, 4096);
		struct drm_neuron_submit sub = {
			.engine = 2, .xfers = (uintptr_t)&x, .xfer_count = 1,
			.in_syncs = (uintptr_t)&in, .in_sync_count = 1,
		};
		char old[32];
		int ret = 0;

		igt_require(geteuid() == 0);
		snprintf(old, sizeof(old), "%ld", param_read("file_jobs_max"));
		igt_assert_eq(param_write("file_jobs_max", "4"), 0);
		gate_job(fd, 5, gbo, gate);
		ex.handle = gate;
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ex);
		im.fd = ex.fd;
		do_ioctl(jfd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &im);
		close(ex.fd);
		in.handle = im.handle;
		for (int i = 0; i < 4; i++) {
			sub.out_sync.handle = i == 3 ? done : 0;
			igt_assert_eq(submit(jfd, &sub), 0);
		}
		sub.out_sync.handle = 0;
		igt_assert_eq(submit(jfd, &sub), -ENOSPC);
		/* Other files are not bounded by this one's jobs. */
		sem_set_wait(fd, 2, 0, 7, 0);
		stall_engine(fd, -1);
		igt_assert_eq(syncobj_wait(jfd, done, 0, 30 * SEC_NS), 0);
		/* Freed shortly after their fences signal. */
		for (int i = 0; i < 200; i++) {
			ret = submit(jfd, &sub);
			if (ret != -ENOSPC)
				break;
			usleep(10000);
		}
		igt_assert_eq(ret, 0);
		igt_assert_eq(param_write("file_jobs_max", old), 0);
		syncobj_destroy(fd, gate);
		close(jfd);
	}

	igt_describe("All files of a device together have at most device_jobs_max jobs "
		     "queued or running: opening more files does not get around it; "
		     "SUBMIT works again once they finish");
	igt_subtest("device-jobs-bound") {
		struct drm_syncobj_handle ex = { 0 };
		uint32_t gate = syncobj_create(fd), done = 0;
		uint32_t gbo = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
		struct drm_neuron_sync in = { 0 };
		struct drm_neuron_submit sub = {
			.engine = 2, .xfer_count = 1,
			.in_syncs = (uintptr_t)&in, .in_sync_count = 1,
		};
		struct drm_neuron_xfer x;
		int jfd[4], last = -1, ret = 0;
		uint32_t bo[4];
		char old[32];

		igt_require(geteuid() == 0);
		snprintf(old, sizeof(old), "%ld", param_read("device_jobs_max"));
		/* The gate and 7 jobs, over 4 files of 2 jobs each at most. */
		igt_assert_eq(param_write("device_jobs_max", "8"), 0);
		gate_job(fd, 5, gbo, gate);
		ex.handle = gate;
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ex);
		for (int f = 0; f < 4; f++) {
			struct drm_syncobj_handle im = { .fd = ex.fd };

			jfd[f] = igt_neuron_open(0);
			bo[f] = bo_create(jfd[f], DRM_NEURON_BO_HOST, 8192);
			do_ioctl(jfd[f], DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &im);
			in.handle = im.handle;
			x = copy_xfer(bo[f], 0, bo[f], 4096, 4096);
			sub.xfers = (uintptr_t)&x;
			for (int j = 0; j < 2; j++) {
				ret = submit(jfd[f], &sub);
				if (ret)
					break;
				last = f;
			}
			if (ret)
				break;
		}
		close(ex.fd);
		/* 7 jobs got in (the last file's second one did not). */
		igt_assert_eq(ret, -ENOSPC);
		igt_assert_eq(last, 3);
		done = syncobj_create(jfd[0]);
		in.handle = 0;
		sub.in_sync_count = 0;
		x = copy_xfer(bo[0], 0, bo[0], 4096, 4096);
		sub.xfers = (uintptr_t)&x;
		igt_assert_eq(submit(jfd[0], &sub), -ENOSPC);

		stall_engine(fd, -1);
		/* Freed shortly after their fences signal. */
		sub.out_sync.handle = done;
		for (int i = 0; i < 500; i++) {
			ret = submit(jfd[0], &sub);
			if (ret != -ENOSPC)
				break;
			usleep(10000);
		}
		igt_assert_eq(ret, 0);
		igt_assert_eq(syncobj_wait(jfd[0], done, 0, 30 * SEC_NS), 0);
		igt_assert_eq(param_write("device_jobs_max", old), 0);
		syncobj_destroy(fd, gate);
		for (int f = 0; f < 4; f++)
			close(jfd[f]);
	}

	igt_describe("A user has at most user_jobs_max jobs queued or running on a device "
		     "over all its files: SUBMIT fails with ENOSPC beyond, another user's "
		     "do not, and the user's work again once they finish");
	igt_subtest("user-jobs-bound") {
		struct drm_syncobj_handle ex = { 0 };
		uint32_t gate = syncobj_create(fd);
		uint32_t gbo = bo_create(fd, DRM_NEURON_BO_HOST, 8192);
		int ready[2], hold[2], got = -1;
		char old[32];
		pid_t hog, other;

		igt_require(geteuid() == 0);
		snprintf(old, sizeof(old), "%ld", param_read("user_jobs_max"));
		igt_assert_eq(param_write("user_jobs_max", "4"), 0);
		gate_job(fd, 5, gbo, gate);
		ex.handle = gate;
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ex);
		igt_assert_eq(pipe(ready), 0);
		igt_assert_eq(pipe(hold), 0);
		hog = user_jobs_child(65533, ex.fd, ready[1], hold[0], hold[1]);
		close(ready[1]);
		close(hold[0]);
		igt_assert_eq(read(ready[0], &got, sizeof(got)), (int)sizeof(got));
		close(ready[0]);
		/* Over 3 files: 2, 2, then ENOSPC. */
		igt_assert_eq(got, 4);
		other = user_jobs_child(65532, ex.fd, -1, -1, hold[1]);
		neuron_wait_exit_ok(other);
		close(ex.fd);
		stall_engine(fd, -1);
		close(hold[1]);
		/* The hog's jobs run and are freed; then it submits again. */
		neuron_wait_exit_ok(hog);
		igt_assert_eq(param_write("user_jobs_max", old), 0);
		syncobj_destroy(fd, gate);
	}

	igt_describe("fdinfo reports DMA busy time and job counts");
	igt_subtest("fdinfo") {
		char path[64], buf[4096];
		int ffd, n;

		sem_set_wait(fd, 0, 0, 0, 1);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		ffd = open(path, O_RDONLY);
		igt_assert_fd(ffd);
		n = read(ffd, buf, sizeof(buf) - 1);
		close(ffd);
		igt_assert_gt(n, 0);
		buf[n] = 0;
		igt_assert(strstr(buf, "drm-engine-dma:"));
		igt_assert(strstr(buf, "neuron-jobs-completed:"));
	}

	igt_describe("Descriptors deep inside large listed host BOs: "
		     "translation scales (prints the SUBMIT time)");
	igt_subtest("udesc-scale") {
		const uint64_t big = 256ull << 20;
		uint32_t handles[5], so = syncobj_create(fd);
		struct drm_neuron_dma_desc *descs;
		struct drm_neuron_submit s;
		int64_t t[3];
		int i, pass;

		for (i = 0; i < 4; i++)
			handles[i] = bo_create(fd, DRM_NEURON_BO_HOST, big);
		handles[4] = bo_create(fd, DRM_NEURON_BO_DRAM, 1 << 20);
		descs = calloc(DRM_NEURON_SUBMIT_MAX_DESCS, sizeof(*descs));
		igt_assert(descs);
		/*
		 * From the last 512 KiB of each 256 MiB host BO (tens of
		 * thousands of pages before them) into the DRAM BO: each
		 * descriptor costs a lookup, not a walk of the BO's pages.
		 */
		for (i = 0; i < DRM_NEURON_SUBMIT_MAX_DESCS; i++)
			descs[i] = bo_desc(i % 4, big - (512 << 10) + i * 128, 4,
					   i * 128, 128);
		s = (struct drm_neuron_submit){
			.engine = 4, .descs = (uintptr_t)descs,
			.desc_count = DRM_NEURON_SUBMIT_MAX_DESCS,
			.bo_handles = (uintptr_t)handles, .bo_handle_count = 5,
			.out_sync.handle = so,
		};
		/* the first submit also pins and maps the host BOs */
		for (pass = 0; pass < 3; pass++) {
			int64_t t0 = now_ns();

			igt_assert_eq(submit(fd, &s), 0);
			t[pass] = now_ns() - t0;
			igt_assert_eq(syncobj_wait(fd, so, 0, 60 * SEC_NS), 0);
		}
		igt_info("SUBMIT of %d descriptors from 4 x 256 MiB host BOs: "
			 "first %.3f ms, then %.3f ms, %.3f ms\n",
			 DRM_NEURON_SUBMIT_MAX_DESCS, t[0] / 1e6, t[1] / 1e6,
			 t[2] / 1e6);
		free(descs);
		syncobj_destroy(fd, so);
		for (i = 0; i < 5; i++)
			bo_close(fd, handles[i]);
	}

	igt_describe("A failed reset stops the DMA of the jobs it releases; "
		     "a good reset brings the queue back");
	igt_subtest("failed-reset-stops-dma") {
		const uint64_t size = 65536;
		uint32_t a = bo_create(fd, DRM_NEURON_BO_HOST, size);
		uint32_t b = bo_create(fd, DRM_NEURON_BO_HOST, size);
		uint8_t *pa = bo_map(fd, a, size), *pb = bo_map(fd, b, size);
		struct drm_neuron_xfer x = copy_xfer(a, 0, b, 0, size);
		struct drm_neuron_reset r = { 0 };
		int qdev = igt_neuron_qdev_index(fd);
		uint32_t so = syncobj_create(fd);
		struct drm_neuron_submit s = {
			.engine = 9, .xfers = (uintptr_t)&x,
			.xfer_count = 1, .out_sync = { .handle = so },
		};
		char ready[32];
		uint64_t i;

		igt_require(qdev >= 0 && igt_qmp_available());
		snprintf(ready, sizeof(ready), "%ld",
			 param_read("ready_timeout_ms"));
		igt_assert_eq(param_write("ready_timeout_ms", "300"), 0);
		fill(pa, size, 5);
		memset(pb, 0, size);
		stall_engine(fd, 9);
		igt_assert_eq(submit(fd, &s), 0);
		usleep(100000);
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":"
				      "{\"path\":\"/machine/peripheral/neuron%d\","
				      "\"property\":\"fault-not-ready\","
				      "\"value\":true}}", qdev), 0);
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r), -1);
		igt_assert_eq(errno, EIO);
		igt_assert_eq(syncobj_wait(fd, so, 0, 10 * SEC_NS), 0);
		/* the queue would fetch again now, were it not stopped */
		stall_engine(fd, -1);
		usleep(300000);
		for (i = 0; i < size; i++)
			igt_assert_eq(pb[i], 0);
		igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":"
				      "{\"path\":\"/machine/peripheral/neuron%d\","
				      "\"property\":\"fault-not-ready\","
				      "\"value\":false}}", qdev), 0);
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r), 0);
		igt_assert_eq(param_write("ready_timeout_ms", ready), 0);
		igt_assert_eq(copy_sync(fd, 9, &x, 1), 0);
		igt_assert(memcmp(pa, pb, size) == 0);
		syncobj_destroy(fd, so);
		munmap(pa, size);
		munmap(pb, size);
		bo_close(fd, a);
		bo_close(fd, b);
	}

	igt_describe("Module parameters job_timeout_ms, poll_min_us and "
		     "poll_max_us are clamped to their documented bounds");
	igt_subtest("param-bounds") {
		static const struct {
			const char *name, *val;
			long expect;
		} t[] = {
			{ "poll_min_us", "0", 5 },
			{ "poll_min_us", "4000000000", 100000 },
			{ "poll_max_us", "0", 5 },
			{ "poll_max_us", "4000000000", 100000 },
			{ "job_timeout_ms", "0", 100 },
			{ "job_timeout_ms", "4000000000", 600000 },
		};
		const char *names[] = { "poll_min_us", "poll_max_us",
					"job_timeout_ms" };
		char saved[3][32];
		unsigned int i;

		igt_require(access(PARAM_DIR "poll_min_us", W_OK) == 0);
		for (i = 0; i < 3; i++)
			snprintf(saved[i], sizeof(saved[i]), "%ld",
				 param_read(names[i]));
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			igt_assert_eq(param_write(t[i].name, t[i].val), 0);
			igt_assert_eq(param_read(t[i].name), t[i].expect);
		}
		igt_assert_eq(param_write("poll_min_us", "x"), -EINVAL);
		/* jobs still complete with the poller at its bounds */
		igt_assert_eq(param_write("poll_min_us", "0"), 0);
		igt_assert_eq(param_write("poll_max_us", "0"), 0);
		sem_set_wait(fd, 0, 0, 0, 1);
		for (i = 0; i < 3; i++)
			igt_assert_eq(param_write(names[i], saved[i]), 0);
		igt_assert_eq(param_read("poll_min_us"), strtol(saved[0], NULL, 10));
	}

	igt_fixture
		close(fd);
}
