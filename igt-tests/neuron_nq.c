// SPDX-License-Identifier: MIT
/*
 * neuron_nq - notification queues: set-up, entry format, overflow, waiting
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/sync_file.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Notification queues: creation in a host BO, the EVENT entry format, "
		     "wrap-around, overflow reporting, waits, ownership and argument checks");

#define ENTRY		DRM_NEURON_NQ_ENTRY_SIZE
#define PHASE		(1u << 31)

struct ring {
	uint32_t handle;
	uint32_t size;
	volatile uint32_t *map;
	uint32_t head;		/* byte offset, as the kernel reports it */
	uint32_t phase;
};

/* CORE_ACQUIRE or CORE_RELEASE: 0 or -errno. */
static int core_ioctl_err(int fd, unsigned long req, uint32_t mask)
{
	struct drm_neuron_core_acquire a = { .core_mask = mask };

	return igt_ioctl(fd, req, &a) ? -errno : 0;
}

static volatile uint32_t *bo_map(int fd, uint32_t handle, size_t size)
{
	struct drm_neuron_bo_info info = { .handle = handle };
	void *p;

	do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &info);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, info.mmap_offset);
	igt_assert(p != MAP_FAILED);
	return p;
}

static int nq_create(int fd, uint32_t core, uint32_t type, uint32_t engine,
		     uint32_t handle, uint32_t size)
{
	struct drm_neuron_nq_create c = {
		.core = core, .type = type, .engine = engine,
		.handle = handle, .size = size,
	};

	return igt_ioctl(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c);
}

static void nq_destroy(int fd, uint32_t core, uint32_t type, uint32_t engine)
{
	struct drm_neuron_nq_destroy d = { .core = core, .type = type, .engine = engine };

	do_ioctl(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d);
}

static int nq_advance(int fd, uint32_t core, uint32_t type, uint32_t engine,
		      uint32_t count, struct drm_neuron_nq_advance *out)
{
	*out = (struct drm_neuron_nq_advance){
		.core = core, .type = type, .engine = engine, .count = count,
	};
	return igt_ioctl(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, out);
}

/* An EVENT queue of @size bytes on @core, in a fresh mapped host BO. */
static void ring_open(int fd, uint32_t core, uint32_t size, struct ring *r)
{
	r->size = size;
	r->handle = neuron_bo_create(fd, 4096 > size ? 4096 : size, DRM_NEURON_BO_HOST);
	r->map = bo_map(fd, r->handle, r->size);
	igt_assert_eq(nq_create(fd, core, DRM_NEURON_NQ_EVENT, 0, r->handle, size), 0);
	r->head = 0;
	r->phase = 1;
}

static void ring_close(int fd, uint32_t core, struct ring *r)
{
	nq_destroy(fd, core, DRM_NEURON_NQ_EVENT, 0);
	munmap((void *)r->map, r->size);
	neuron_bo_close(fd, r->handle);
}

/* Number of new entries from the head, as a consumer sees them. */
static unsigned int ring_ready(struct ring *r)
{
	uint32_t off = r->head, phase = r->phase;
	unsigned int n = 0;

	while (n < r->size / ENTRY) {
		uint32_t w0 = r->map[off / 4];

		if (!!(w0 & PHASE) != phase)
			break;
		n++;
		off += ENTRY;
		if (off == r->size) {
			off = 0;
			phase ^= 1;
		}
	}
	__sync_synchronize();
	return n;
}

/* Entry @n after the head: word 0 and the value. */
static void ring_entry(struct ring *r, unsigned int n, uint32_t *w0, uint32_t *val,
		       uint64_t *ts)
{
	uint32_t off = (r->head + n * ENTRY) % r->size;

	*w0 = r->map[off / 4];
	__sync_synchronize();
	*val = r->map[off / 4 + 1];
	*ts = r->map[off / 4 + 2] | (uint64_t)r->map[off / 4 + 3] << 32;
}

static uint64_t ring_consume(int fd, uint32_t core, struct ring *r, unsigned int n)
{
	struct drm_neuron_nq_advance a;

	igt_assert_eq(nq_advance(fd, core, DRM_NEURON_NQ_EVENT, 0, n, &a), 0);
	igt_assert_eq(a.head, (r->head + n * ENTRY) % r->size);
	r->head = a.head;
	if (a.phase != r->phase)
		igt_assert(r->head < n * ENTRY);	/* wrapped */
	r->phase = a.phase;
	return a.dropped;
}

static void event(int fd, uint32_t core, uint32_t index, bool set)
{
	struct drm_neuron_event_op e = {
		.core = core, .index = index,
		.op = set ? DRM_NEURON_EVENT_SET : DRM_NEURON_EVENT_CLEAR,
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_EVENT_OP, &e);
}

static void wait_nq_args(struct drm_neuron_wait *w, uint32_t core, int64_t timeout_ns)
{
	memset(w, 0, sizeof(*w));
	w->type = DRM_NEURON_WAIT_NQ;
	w->core = core;
	w->index = DRM_NEURON_NQ_EVENT;
	w->timeout_ns = timeout_ns;
}

/* Checks that the next @n entries are the events @idx[i] with @set[i]. */
static void expect_events(struct ring *r, unsigned int n, const uint32_t *idx,
			  const bool *set)
{
	uint64_t last_ts = 0;

	igt_assert_eq(ring_ready(r), n);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t w0, val;
		uint64_t ts;

		ring_entry(r, i, &w0, &val, &ts);
		igt_assert_eq_u32(w0 & ~PHASE, (DRM_NEURON_NQ_EVENT << 24) | idx[i]);
		igt_assert_eq(val, set[i] ? 1 : 0);
		igt_assert_lte_u64(last_ts, ts);
		last_ts = ts;
	}
}

/*
 * After a reset of @core (device or NeuronCore), its EVENT queue @r starts
 * again: the owner resynchronises to head 0, phase 1 with nothing new and
 * nothing dropped, and the next event, 21, lands at the start.
 */
static void expect_ring_restarted(int fd, uint32_t core, struct ring *r)
{
	static const uint32_t idx[] = { 21 };
	static const bool set[] = { true };
	struct drm_neuron_nq_advance a;
	struct drm_neuron_wait w;

	igt_assert_eq(nq_advance(fd, core, DRM_NEURON_NQ_EVENT, 0, 0, &a), 0);
	igt_assert_eq(a.head, 0);
	igt_assert_eq(a.phase, 1);
	igt_assert_eq(a.dropped, 0);
	r->head = 0;
	r->phase = 1;
	igt_assert_eq(ring_ready(r), 0);

	event(fd, core, 21, true);
	wait_nq_args(&w, core, neuron_now_ns() + 5000000000LL);
	do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
	igt_assert_eq(w.result, 0);
	expect_events(r, 1, idx, set);
}

/* A child that sets event @index of @core through @fd after @ms. */
static pid_t delayed_event(int fd, uint32_t core, uint32_t index, int ms)
{
	pid_t pid = fork();

	igt_assert(pid >= 0);
	if (pid == 0) {
		struct drm_neuron_event_op e = {
			.core = core, .index = index, .op = DRM_NEURON_EVENT_SET,
		};

		usleep(ms * 1000);
		_exit(ioctl(fd, DRM_IOCTL_NEURON_EVENT_OP, &e) ? 1 : 0);
	}
	return pid;
}


/* ---- jobs whose transfers write semaphores and events (SUBMIT) ---- */

static uint32_t syncobj_create(int fd)
{
	struct drm_syncobj_create c = {};

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	return c.handle;
}

static void syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

static int syncobj_wait(int fd, uint32_t handle, int64_t timeout_ns)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&handle, .count_handles = 1,
		.timeout_nsec = timeout_ns,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	return igt_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/*
 * One job on engine 0: copy @size bytes from @src to @dst, then
 * increment semaphore @sem of @core, then set event @ev of @core.
 */
static void submit_copy_then_signal(int fd, uint32_t src, uint32_t dst, uint64_t size,
				    uint32_t core, uint32_t sem, uint32_t ev, uint32_t out)
{
	struct drm_neuron_xfer x[3] = {
		{ .type = DRM_NEURON_XFER_COPY, .src_handle = src, .dst_handle = dst,
		  .size = size },
		{ .type = DRM_NEURON_XFER_SEM_INCR, .nc = core, .index = sem, .value = 1 },
		{ .type = DRM_NEURON_XFER_EVENT, .nc = core, .index = ev, .value = 1 },
	};
	struct drm_neuron_submit sub = {
		.engine = 0, .xfer_count = 3, .xfers = (uintptr_t)x,
		.out_sync = { .handle = out },
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub);
}

static int sem_read(int fd, uint32_t core, uint32_t index)
{
	struct drm_neuron_sem_op s = { .core = core, .index = index,
				       .op = DRM_NEURON_SEM_READ };

	do_ioctl(fd, DRM_IOCTL_NEURON_SEM_OP, &s);
	return s.value;
}

static void sem_set(int fd, uint32_t core, uint32_t index, int32_t v)
{
	struct drm_neuron_sem_op s = { .core = core, .index = index,
				       .op = DRM_NEURON_SEM_SET, .value = v };

	do_ioctl(fd, DRM_IOCTL_NEURON_SEM_OP, &s);
}

struct sem_waiter {
	int fd;
	int32_t target;
	int64_t woke_ns;
	int ret;
};

static void *sem_waiter_thread(void *arg)
{
	struct sem_waiter *sw = arg;
	struct drm_neuron_wait w = {
		.type = DRM_NEURON_WAIT_SEMAPHORE, .core = 0, .index = 11,
		.value = sw->target, .timeout_ns = neuron_now_ns() + 10000000000LL,
	};

	sw->ret = igt_ioctl(sw->fd, DRM_IOCTL_NEURON_WAIT, &w);
	sw->woke_ns = neuron_now_ns();
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}


/*
 * Ioctl number 16 was SEM_FENCE (a syncobj fence for "semaphore >= value"),
 * removed: a fence whose signalling userspace controls. Its old argument,
 * 40 bytes, to show that a well-formed call fails too.
 */
struct old_sem_fence {
	uint32_t core, index;
	int32_t value;
	uint32_t flags;
	int64_t timeout_ns;
	struct drm_neuron_sync out_sync;
};

#define OLD_IOCTL_NEURON_SEM_FENCE \
	DRM_IOW(DRM_COMMAND_BASE + 16, struct old_sem_fence)

/* Status of the syncobj's fence: 0 pending, 1 signalled, < 0 error. */
static int syncobj_status(int fd, uint32_t handle)
{
	struct drm_syncobj_handle h = {
		.handle = handle,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	struct sync_file_info info = {};

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	igt_assert_eq(ioctl(h.fd, SYNC_IOC_FILE_INFO, &info), 0);
	close(h.fd);
	return info.status;
}

/* Polls the syncobj's fence status until it is no longer pending. */
static int syncobj_final_status(int fd, uint32_t handle, int64_t timeout_ns)
{
	int st;

	while ((st = syncobj_status(fd, handle)) == 0 && neuron_now_ns() < timeout_ns)
		usleep(1000);
	return st;
}

/* ---- cores changing hands with jobs of the old owner queued ---- */

/* One job on engine 0: set semaphore @sem of @core to @value. */
static void submit_sem_set(int fd, uint32_t core, uint32_t sem, int32_t value,
			   uint32_t out)
{
	struct drm_neuron_xfer x = {
		.type = DRM_NEURON_XFER_SEM_SET, .nc = core, .index = sem,
		.value = value,
	};
	struct drm_neuron_submit sub = {
		.engine = 0, .xfer_count = 1, .xfers = (uintptr_t)&x,
		.out_sync = { .handle = out },
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub);
}

struct unstaller {
	int fd;
	int delay_ms;
};

static void *unstall_thread(void *arg)
{
	struct unstaller *u = arg;

	usleep(u->delay_ms * 1000);
	neuron_stall_queue(u->fd, -1, 0);
	return NULL;
}

/*
 * CORE_ACQUIRE by @fd of core 0 while a job of its previous owner, which
 * sets semaphore 22 to 5, is stalled in the queue: it must not hand over
 * the core before the job is done, or the job writes the new owner's
 * clean core. @so (of @so_fd) signals after that job. Returns with @fd
 * owning core 0.
 */
static void acquire_after_job(int fd, int so_fd, uint32_t so)
{
	struct unstaller u = { .fd = fd, .delay_ms = 300 };
	pthread_t th;
	int64_t t0;

	/*
	 * Bounded: fails with ETIMEDOUT while the job cannot finish (EBUSY
	 * would say another file owns the core).
	 */
	t0 = neuron_now_ns();
	igt_assert_eq(core_ioctl_err(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x1), -ETIMEDOUT);
	igt_assert_lte(t0 + 900000000LL, neuron_now_ns());
	igt_assert_eq(syncobj_status(so_fd, so), 0);

	/* Succeeds once the job is done, then the core is clean. */
	igt_assert_eq(pthread_create(&th, NULL, unstall_thread, &u), 0);
	neuron_core_acquire(fd, 0x1);
	igt_assert_eq(pthread_join(th, NULL), 0);
	igt_assert_eq(sem_read(fd, 0, 22), 0);
	igt_assert_eq(syncobj_final_status(so_fd, so, neuron_now_ns() + 5000000000LL), 1);
}

igt_main
{
	int fd = -1, fd2 = -1;

	igt_fixture {
		struct drm_neuron_query_device_info info = {};
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(info), .pointer = (uintptr_t)&info,
		};

		fd = igt_neuron_open(0);
		fd2 = igt_neuron_open(0);
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_require_f(info.capabilities & DRM_NEURON_CAP_BO, "no buffer objects\n");
	}

	igt_describe("Event writes produce entries in order, in the documented format");
	igt_subtest("event-entries") {
		static const uint32_t idx[] = { 3, 7, 3, 255, 0, 7 };
		static const bool set[] = { true, true, false, true, true, false };
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		igt_assert_eq(ring_ready(&r), 0);
		for (unsigned int i = 0; i < 6; i++)
			event(fd, 0, idx[i], set[i]);
		expect_events(&r, 6, idx, set);
		for (unsigned int i = 0; i < 6; i++)
			igt_assert(r.map[i * 4] & PHASE);
		igt_assert_eq(ring_consume(fd, 0, &r, 6), 0);
		igt_assert_eq(r.head, 6 * ENTRY);
		igt_assert_eq(ring_ready(&r), 0);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("Entries keep coming across many wrap-arounds; the phase flips on each");
	igt_subtest("wrap") {
		uint32_t idx[8];
		bool set[8];
		struct ring r;

		neuron_core_acquire(fd, 0x2);
		ring_open(fd, 1, DRM_NEURON_NQ_MIN_SIZE, &r);	/* 16 slots */
		for (unsigned int round = 0; round < 10; round++) {
			for (unsigned int i = 0; i < 7; i++) {
				idx[i] = (round * 7 + i) % 256;
				set[i] = i & 1;
				event(fd, 1, idx[i], set[i]);
			}
			expect_events(&r, 7, idx, set);
			igt_assert_eq(ring_consume(fd, 1, &r, 7), 0);
		}
		/* 70 entries in a 16-slot ring: the phase flipped 4 times. */
		igt_assert_eq(r.head, (70 * ENTRY) % DRM_NEURON_NQ_MIN_SIZE);
		igt_assert_eq(r.phase, 1);
		ring_close(fd, 1, &r);
		neuron_core_release(fd, 0x2);
	}

	igt_describe("A full ring drops new notifications and the count is reported");
	igt_subtest("overflow") {
		uint32_t idx[16];
		bool set[16];
		struct drm_neuron_nq_advance a;
		struct ring r;
		unsigned int cap = DRM_NEURON_NQ_MIN_SIZE / ENTRY - 1;

		neuron_core_acquire(fd, 0x4);
		ring_open(fd, 2, DRM_NEURON_NQ_MIN_SIZE, &r);
		for (unsigned int i = 0; i < cap + 5; i++) {
			if (i < 16) {
				idx[i] = i;
				set[i] = true;
			}
			event(fd, 2, i, true);
		}
		expect_events(&r, cap, idx, set);	/* the first 15 survive */
		igt_assert_eq(nq_advance(fd, 2, DRM_NEURON_NQ_EVENT, 0, 0, &a), 0);
		igt_assert_eq(a.dropped, 5);
		igt_assert_eq(a.head, 0);

		/* After handing entries back, new ones arrive again. */
		igt_assert_eq(ring_consume(fd, 2, &r, cap), 5);
		event(fd, 2, 100, false);
		idx[0] = 100;
		set[0] = false;
		expect_events(&r, 1, idx, set);
		igt_assert_eq(ring_consume(fd, 2, &r, 1), 5);
		igt_assert_eq(r.phase, 0);	/* wrapped once */
		ring_close(fd, 2, &r);
		neuron_core_release(fd, 0x4);
	}

	igt_describe("ADVANCE refuses to move past entries the device has not written");
	igt_subtest("advance-too-far") {
		struct drm_neuron_nq_advance a;
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, DRM_NEURON_NQ_MIN_SIZE, &r);
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 1, &a), -1);
		igt_assert_eq(errno, EINVAL);
		event(fd, 0, 1, true);
		event(fd, 0, 2, true);
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 3, &a), -1);
		igt_assert_eq(errno, EINVAL);
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 16, &a), -1);
		igt_assert_eq(errno, EINVAL);
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, ~0u, &a), -1);
		igt_assert_eq(errno, EINVAL);
		/* Nothing moved. */
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 0, &a), 0);
		igt_assert_eq(a.head, 0);
		igt_assert_eq(ring_consume(fd, 0, &r, 2), 0);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("ADVANCE trusts the device's write position, not the phase bits "
		     "user space can write into its mapped ring: forged entries are refused");
	igt_subtest("advance-forged-phase") {
		struct drm_neuron_nq_advance a;
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, DRM_NEURON_NQ_MIN_SIZE, &r);
		/* Three entries that look new, none written by the device. */
		for (unsigned int i = 0; i < 3; i++)
			r.map[i * ENTRY / 4] = PHASE | 2u << 24 | i;
		__sync_synchronize();
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 1, &a), -1);
		igt_assert_eq(errno, EINVAL);
		/* One real entry: one may go, not the forged ones behind it. */
		event(fd, 0, 1, true);
		r.map[1 * ENTRY / 4] = PHASE | 2u << 24 | 7;
		r.map[2 * ENTRY / 4] = PHASE | 2u << 24 | 8;
		__sync_synchronize();
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 2, &a), -1);
		igt_assert_eq(errno, EINVAL);
		igt_assert_eq(ring_consume(fd, 0, &r, 1), 0);
		/* A real entry whose phase bit the user cleared still counts. */
		r.map[2 * ENTRY / 4] = 0;
		event(fd, 0, 2, true);
		igt_assert_eq(ring_ready(&r), 1);
		r.map[r.head / 4] &= ~PHASE;
		igt_assert_eq(ring_consume(fd, 0, &r, 1), 0);
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 1, &a), -1);
		igt_assert_eq(errno, EINVAL);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("A wait returns when an entry arrives");
	igt_subtest("wait-arrival") {
		struct drm_neuron_wait w;
		struct ring r;
		int64_t t0;
		pid_t pid;

		neuron_core_acquire(fd, 0x8);
		ring_open(fd, 3, 4096, &r);
		t0 = neuron_now_ns();
		pid = delayed_event(fd, 3, 42, 100);
		wait_nq_args(&w, 3, t0 + 10000000000LL);
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		igt_assert_lte(t0 + 100000000LL, neuron_now_ns());
		igt_info("woke %.2f ms after start (event at 100 ms)\n", (neuron_now_ns() - t0) / 1e6);
		igt_assert_eq(w.result, 0);
		igt_assert_eq(ring_ready(&r), 1);
		igt_assert_eq_u32(r.map[0], PHASE | (DRM_NEURON_NQ_EVENT << 24) | 42);
		neuron_wait_exit_ok(pid);

		/* With an entry already there the wait returns at once. */
		wait_nq_args(&w, 3, 0);
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		ring_consume(fd, 3, &r, 1);
		wait_nq_args(&w, 3, 0);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, ETIME);
		ring_close(fd, 3, &r);
		neuron_core_release(fd, 0x8);
	}

	igt_describe("A wait times out with -ETIME when nothing comes");
	igt_subtest("wait-timeout") {
		struct drm_neuron_wait w;
		struct ring r;
		int64_t t0;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		t0 = neuron_now_ns();
		wait_nq_args(&w, 0, t0 + 100000000LL);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, ETIME);
		igt_assert_lte(t0 + 100000000LL, neuron_now_ns());
		igt_assert_lt(neuron_now_ns(), t0 + 2000000000LL);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("A signal interrupts a queue wait (-EINTR), or restarts it with SA_RESTART");
	igt_subtest("wait-signal") {
		struct drm_neuron_wait w;
		struct ring r;
		int64_t t0;
		pid_t pid;
		int ret, err;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);

		t0 = neuron_now_ns();
		wait_nq_args(&w, 0, t0 + 5000000000LL);
		neuron_arm_alarm(false, 100);
		ret = ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		err = errno;
		neuron_disarm_alarm();
		igt_assert_eq(ret, -1);
		igt_assert_eq(err, EINTR);
		igt_assert_eq(neuron_alarms, 1);
		igt_assert_lt(neuron_now_ns(), t0 + 4000000000LL);

		t0 = neuron_now_ns();
		pid = delayed_event(fd, 0, 9, 300);
		wait_nq_args(&w, 0, t0 + 5000000000LL);
		neuron_arm_alarm(true, 100);
		ret = ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		neuron_disarm_alarm();
		igt_assert_eq(ret, 0);
		igt_assert_eq(neuron_alarms, 1);
		igt_assert_lte(t0 + 300000000LL, neuron_now_ns());
		igt_assert_eq(ring_ready(&r), 1);
		neuron_wait_exit_ok(pid);

		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("Destroying a queue ends a wait on it with -ENOENT");
	igt_subtest("wait-destroyed") {
		struct drm_neuron_wait w;
		struct ring r;
		pid_t pid;

		neuron_core_acquire(fd, 0x2);
		ring_open(fd, 1, 4096, &r);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_nq_destroy d = {
				.core = 1, .type = DRM_NEURON_NQ_EVENT,
			};

			usleep(100000);
			_exit(ioctl(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d) ? 1 : 0);
		}
		wait_nq_args(&w, 1, neuron_now_ns() + 5000000000LL);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, ENOENT);
		neuron_wait_exit_ok(pid);
		munmap((void *)r.map, r.size);
		neuron_bo_close(fd, r.handle);
		neuron_core_release(fd, 0x2);
	}

	igt_describe("Only the core's owner can create, advance, wait on or destroy its queues");
	igt_subtest("non-owner") {
		struct drm_neuron_nq_destroy d = { .core = 0, .type = DRM_NEURON_NQ_EVENT };
		struct drm_neuron_nq_advance a;
		struct drm_neuron_wait w;
		uint32_t h2 = neuron_bo_create(fd2, 4096, DRM_NEURON_BO_HOST);
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		igt_assert_eq(nq_create(fd2, 0, DRM_NEURON_NQ_NOTIFY, 0, h2, 4096), -1);
		igt_assert_eq(errno, EACCES);
		igt_assert_eq(nq_advance(fd2, 0, DRM_NEURON_NQ_EVENT, 0, 0, &a), -1);
		igt_assert_eq(errno, EACCES);
		do_ioctl_err(fd2, DRM_IOCTL_NEURON_NQ_DESTROY, &d, EACCES);
		wait_nq_args(&w, 0, 0);
		do_ioctl_err(fd2, DRM_IOCTL_NEURON_WAIT, &w, EACCES);
		/* Another file's BO handle means nothing here. */
		igt_assert_eq(nq_create(fd, 0, DRM_NEURON_NQ_NOTIFY, 0, h2 + 100, 4096), -1);
		igt_assert_eq(errno, ENOENT);
		/* The owner's queue still works. */
		event(fd, 0, 5, true);
		igt_assert_eq(ring_ready(&r), 1);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
		neuron_bo_close(fd2, h2);
	}

	igt_describe("Releasing the core tears its queues down; the device stops writing");
	igt_subtest("release-destroys") {
		struct drm_neuron_nq_advance a;
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		neuron_core_release(fd, 0x1);
		neuron_core_acquire(fd, 0x1);
		igt_assert_eq(nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 0, &a), -1);
		igt_assert_eq(errno, ENOENT);
		event(fd, 0, 1, true);
		igt_assert_eq(ring_ready(&r), 0);
		/* The BO outlives the queue; a new queue can use it again. */
		igt_assert_eq(nq_create(fd, 0, DRM_NEURON_NQ_EVENT, 0, r.handle, 4096), 0);
		r.head = 0;
		r.phase = 1;
		event(fd, 0, 1, true);
		igt_assert_eq(ring_ready(&r), 1);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("The queue keeps its BO alive after the handle is closed");
	igt_subtest("handle-closed-early") {
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		neuron_bo_close(fd, r.handle);
		event(fd, 0, 77, true);
		igt_assert_eq(ring_ready(&r), 1);
		nq_destroy(fd, 0, DRM_NEURON_NQ_EVENT, 0);
		munmap((void *)r.map, r.size);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("After a device reset the queue works again from head 0, phase 1");
	igt_subtest("reset-restores") {
		struct drm_neuron_reset rst = {};
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, DRM_NEURON_NQ_MIN_SIZE, &r);
		for (int i = 0; i < 3; i++)
			event(fd, 0, i, true);
		igt_assert_eq(ring_ready(&r), 3);
		ring_consume(fd, 0, &r, 2);
		igt_assert_eq(r.head, 2 * ENTRY);

		igt_require_f(igt_ioctl(fd, DRM_IOCTL_NEURON_RESET, &rst) == 0,
			      "reset failed: %s\n", strerror(errno));

		expect_ring_restarted(fd, 0, &r);
		ring_consume(fd, 0, &r, 1);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("DRM_NEURON_RESET_CORES resets the caller's NeuronCore only: "
		     "its semaphores read 0 and its queue starts again empty from "
		     "head 0, phase 1, while another process's core keeps its "
		     "semaphore, its queue the unconsumed entry and position, its "
		     "DRAM BO the bytes; the other core cannot be reset by the "
		     "caller; no device reset");
	igt_subtest("core-reset-isolated") {
		unsigned int resets = neuron_reset_count(fd);
		uint32_t before0 = neuron_core_resets(fd, 0);
		uint32_t before1 = neuron_core_resets(fd, 1);
		int to_child[2], to_parent[2];
		struct ring r;
		char c = 0;
		pid_t pid;

		igt_assert_eq(pipe(to_child), 0);
		igt_assert_eq(pipe(to_parent), 0);
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0) {
			/* Process B: NeuronCore 1. No igt_assert here: a child. */
			int b = igt_neuron_open(0), i, bad = 0;
			struct drm_neuron_nq_advance ba;
			uint32_t bo, w0, val;
			uint8_t *p;
			uint64_t ts;
			struct ring rb = { .size = DRM_NEURON_NQ_MIN_SIZE, .phase = 1 };

			if (neuron_core_ioctl(b, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x2))
				_exit(10);
			rb.handle = neuron_bo_create(b, 4096, DRM_NEURON_BO_HOST);
			rb.map = bo_map(b, rb.handle, rb.size);
			if (nq_create(b, 1, DRM_NEURON_NQ_EVENT, 0, rb.handle, rb.size))
				_exit(11);
			event(b, 1, 5, true);
			event(b, 1, 6, true);
			if (ring_ready(&rb) != 2 ||
			    nq_advance(b, 1, DRM_NEURON_NQ_EVENT, 0, 1, &ba))
				_exit(12);
			rb.head = ba.head;
			sem_set(b, 1, 3, 55);
			bo = neuron_bo_create(b, 65536, DRM_NEURON_BO_DRAM);
			p = neuron_bo_mmap(b, bo, 65536);
			for (i = 0; i < 65536; i++)
				p[i] = (uint8_t)(i * 7 + 1);
			if (write(to_parent[1], "r", 1) != 1 ||
			    read(to_child[0], &c, 1) != 1)
				_exit(13);

			/* After A's core reset: all still here, the queue goes on. */
			if (ring_ready(&rb) != 1)
				bad = 20;
			ring_entry(&rb, 0, &w0, &val, &ts);
			if ((w0 & ~PHASE) != ((DRM_NEURON_NQ_EVENT << 24) | 6))
				bad = 21;
			event(b, 1, 7, true);
			ring_entry(&rb, 1, &w0, &val, &ts);
			if (ring_ready(&rb) != 2 ||
			    (w0 & ~PHASE) != ((DRM_NEURON_NQ_EVENT << 24) | 7))
				bad = 22;
			if (sem_read(b, 1, 3) != 55)
				bad = 23;
			for (i = 0; i < 65536; i++)
				if (p[i] != (uint8_t)(i * 7 + 1))
					bad = 24;
			if (neuron_reset_cores(b, 0x1) != -EACCES)
				bad = 25;
			_exit(bad);
		}

		/* A child that dies early closes its ends: read() sees EOF. */
		close(to_child[0]);
		close(to_parent[1]);
		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, DRM_NEURON_NQ_MIN_SIZE, &r);
		for (int i = 0; i < 3; i++)
			event(fd, 0, i, true);
		igt_assert_eq(ring_ready(&r), 3);
		ring_consume(fd, 0, &r, 2);
		sem_set(fd, 0, 3, 44);
		igt_assert_eq(read(to_parent[0], &c, 1), 1);

		igt_assert_eq(neuron_reset_cores(fd, 0x2), -EACCES);
		igt_assert_eq(neuron_reset_cores(fd, 0x1), 0);

		igt_assert_eq(sem_read(fd, 0, 3), 0);
		expect_ring_restarted(fd, 0, &r);
		igt_assert_eq(neuron_core_resets(fd, 0), before0 + 1);
		igt_assert_eq(neuron_core_resets(fd, 1), before1);
		igt_assert_eq(neuron_reset_count(fd), resets);

		igt_assert_eq(write(to_child[1], "g", 1), 1);
		neuron_wait_exit_ok(pid);
		ring_consume(fd, 0, &r, 1);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
		close(to_child[1]);
		close(to_parent[0]);
	}

	igt_describe("A refused NQ_CREATE leaves a live ring alone");
	igt_subtest("create-exists-keeps-ring") {
		struct drm_neuron_nq_create c;
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		event(fd, 0, 33, true);
		igt_assert_eq(ring_ready(&r), 1);
		c = (struct drm_neuron_nq_create){ .type = DRM_NEURON_NQ_EVENT,
						   .handle = r.handle, .size = 4096 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c, EEXIST);
		igt_assert_eq(ring_ready(&r), 1);
		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("TRACE, NOTIFY and ERROR queues can be set up on every engine index");
	igt_subtest("other-types") {
		static const uint32_t types[] = {
			DRM_NEURON_NQ_TRACE, DRM_NEURON_NQ_NOTIFY, DRM_NEURON_NQ_ERROR,
		};
		uint32_t h = neuron_bo_create(fd, 4096, DRM_NEURON_BO_HOST);
		struct drm_neuron_nq_advance a;

		neuron_core_acquire(fd, 0x1);
		for (unsigned int t = 0; t < 3; t++) {
			unsigned int engines = types[t] == DRM_NEURON_NQ_ERROR ? 1 : DRM_NEURON_NQ_ENGINES;

			for (unsigned int e = 0; e < engines; e++) {
				igt_assert_eq(nq_create(fd, 0, types[t], e, h, 4096), 0);
				igt_assert_eq(nq_create(fd, 0, types[t], e, h, 4096), -1);
				igt_assert_eq(errno, EEXIST);
				igt_assert_eq(nq_advance(fd, 0, types[t], e, 0, &a), 0);
				igt_assert_eq(a.dropped, 0);
				igt_assert_eq(a.phase, 1);
				nq_destroy(fd, 0, types[t], e);
			}
		}
		neuron_core_release(fd, 0x1);
		neuron_bo_close(fd, h);
	}

	igt_describe("Every reserved field, range and size rule of the NQ ioctls");
	igt_subtest("bad-args") {
		uint32_t h = neuron_bo_create(fd, 8192, DRM_NEURON_BO_HOST);
		uint32_t dram = neuron_bo_create(fd, 4096, DRM_NEURON_BO_DRAM);
		struct drm_neuron_nq_create c;
		struct drm_neuron_nq_destroy d;
		struct drm_neuron_nq_advance a;

		neuron_core_acquire(fd, 0x1);
#define BAD_CREATE(field, v, err) do { \
		c = (struct drm_neuron_nq_create){ .type = DRM_NEURON_NQ_EVENT, \
						   .handle = h, .size = 4096 }; \
		c.field = (v); \
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c, err); \
	} while (0)
		BAD_CREATE(flags, 1, EINVAL);
		BAD_CREATE(pad, 1, EINVAL);
		BAD_CREATE(core, 4, EINVAL);
		BAD_CREATE(type, 4, EINVAL);
		BAD_CREATE(engine, 1, EINVAL);			/* EVENT has engine 0 only */
		BAD_CREATE(size, 0, EINVAL);
		BAD_CREATE(size, 128, EINVAL);			/* below the minimum */
		BAD_CREATE(size, 3000, EINVAL);			/* not a power of two */
		BAD_CREATE(size, 16384, EINVAL);		/* larger than the BO */
		BAD_CREATE(size, 1u << 21, EINVAL);		/* above the maximum */
		BAD_CREATE(handle, 0, ENOENT);
		BAD_CREATE(handle, 0xdead, ENOENT);
		BAD_CREATE(handle, dram, EINVAL);		/* not a host BO */
		BAD_CREATE(core, 1, EACCES);
		c = (struct drm_neuron_nq_create){ .type = DRM_NEURON_NQ_TRACE, .engine = 4,
						   .handle = h, .size = 4096 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c, EINVAL);
		c = (struct drm_neuron_nq_create){ .type = DRM_NEURON_NQ_ERROR, .engine = 1,
						   .handle = h, .size = 4096 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c, EINVAL);

		d = (struct drm_neuron_nq_destroy){ .type = DRM_NEURON_NQ_EVENT, .flags = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d, EINVAL);
		d = (struct drm_neuron_nq_destroy){ .type = 4 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d, EINVAL);
		d = (struct drm_neuron_nq_destroy){ .type = DRM_NEURON_NQ_EVENT };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d, ENOENT);

		a = (struct drm_neuron_nq_advance){ .type = DRM_NEURON_NQ_EVENT, .flags = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, &a, EINVAL);
		a = (struct drm_neuron_nq_advance){ .type = DRM_NEURON_NQ_EVENT, .pad = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, &a, EINVAL);
		a = (struct drm_neuron_nq_advance){ .core = 5, .type = DRM_NEURON_NQ_EVENT };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, &a, EINVAL);
		a = (struct drm_neuron_nq_advance){ .type = DRM_NEURON_NQ_NOTIFY, .engine = 4 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, &a, EINVAL);
		a = (struct drm_neuron_nq_advance){ .type = DRM_NEURON_NQ_EVENT };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, &a, ENOENT);

		/* WAIT on a queue: value must be 0, type/engine in range. */
		{
			struct drm_neuron_wait w;

			wait_nq_args(&w, 0, 0);
			w.value = 1;
			do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
			wait_nq_args(&w, 0, 0);
			w.index = 4;
			do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
			wait_nq_args(&w, 0, 0);
			w.engine = 1;
			do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		}

		neuron_core_release(fd, 0x1);
		neuron_bo_close(fd, dram);
		neuron_bo_close(fd, h);
	}

	igt_describe("A job copies data, increments a semaphore and sets an event; "
		     "WAIT wakes on each, and the data is there");
	igt_subtest("job-steps") {
		const uint64_t size = 256 * 1024;
		uint32_t src = neuron_bo_create(fd, size, DRM_NEURON_BO_HOST);
		uint32_t dst = neuron_bo_create(fd, size, DRM_NEURON_BO_HOST);
		volatile uint32_t *s = bo_map(fd, src, size), *d = bo_map(fd, dst, size);
		uint32_t out = syncobj_create(fd);
		static const uint32_t idx[] = { 12 };
		static const bool set[] = { true };
		struct drm_neuron_wait w;
		struct ring r;

		neuron_core_acquire(fd, 0x1);
		ring_open(fd, 0, 4096, &r);
		sem_set(fd, 0, 11, 0);
		for (uint64_t i = 0; i < size / 4; i++)
			s[i] = 0x5eed0000 + i;

		submit_copy_then_signal(fd, src, dst, size, 0, 11, 12, out);

		memset(&w, 0, sizeof(w));
		w.type = DRM_NEURON_WAIT_SEMAPHORE;
		w.index = 11;
		w.value = 1;
		w.timeout_ns = neuron_now_ns() + 10000000000LL;
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		igt_assert_eq(w.result, 1);
		/* The increment came after the copy in the same queue. */
		for (uint64_t i = 0; i < size / 4; i++)
			igt_assert_eq_u32(d[i], 0x5eed0000 + i);

		wait_nq_args(&w, 0, neuron_now_ns() + 10000000000LL);
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		expect_events(&r, 1, idx, set);
		ring_consume(fd, 0, &r, 1);
		igt_assert_eq(syncobj_wait(fd, out, neuron_now_ns() + 10000000000LL), 0);
		igt_assert_eq(sem_read(fd, 0, 11), 1);

		ring_close(fd, 0, &r);
		neuron_core_release(fd, 0x1);
		syncobj_destroy(fd, out);
		munmap((void *)s, size);
		munmap((void *)d, size);
		neuron_bo_close(fd, src);
		neuron_bo_close(fd, dst);
	}

	igt_describe("Benchmark: submit to semaphore wake-up (job-issued increment) "
		     "and submit to fence, p50/p99");
	igt_subtest("job-wake-latency") {
		enum { N = 100 };
		static int64_t sem_lat[N], fence_lat[N];
		uint32_t src = neuron_bo_create(fd, 4096, DRM_NEURON_BO_HOST);
		uint32_t dst = neuron_bo_create(fd, 4096, DRM_NEURON_BO_HOST);
		uint32_t out = syncobj_create(fd);
		struct drm_neuron_event_op e = { .op = DRM_NEURON_EVENT_CLEAR, .index = 12 };

		neuron_core_acquire(fd, 0x1);
		sem_set(fd, 0, 11, 0);
		for (int i = 0; i < N; i++) {
			struct sem_waiter sw = { .fd = fd, .target = i + 1 };
			pthread_t th;
			int64_t t0;

			igt_assert_eq(pthread_create(&th, NULL, sem_waiter_thread, &sw), 0);
			usleep(300 + (i * 7919) % 1000);	/* the waiter is asleep */
			t0 = neuron_now_ns();
			submit_copy_then_signal(fd, src, dst, 4096, 0, 11, 12, out);
			igt_assert_eq(syncobj_wait(fd, out, neuron_now_ns() + 10000000000LL), 0);
			fence_lat[i] = neuron_now_ns() - t0;
			pthread_join(th, NULL);
			igt_assert_eq(sw.ret, 0);
			sem_lat[i] = sw.woke_ns - t0;
		}
		qsort(sem_lat, N, sizeof(sem_lat[0]), cmp_i64);
		qsort(fence_lat, N, sizeof(fence_lat[0]), cmp_i64);
		igt_info("submit -> semaphore WAIT wakes: p50 %.1f us, p99 %.1f us (%d jobs)\n",
			 sem_lat[N / 2] / 1e3, sem_lat[N * 99 / 100] / 1e3, N);
		igt_info("submit -> job fence signalled:  p50 %.1f us, p99 %.1f us\n",
			 fence_lat[N / 2] / 1e3, fence_lat[N * 99 / 100] / 1e3);
		do_ioctl(fd, DRM_IOCTL_NEURON_EVENT_OP, &e);
		sem_set(fd, 0, 11, 0);
		neuron_core_release(fd, 0x1);
		syncobj_destroy(fd, out);
		neuron_bo_close(fd, src);
		neuron_bo_close(fd, dst);
	}

	igt_describe("SEM_FENCE is gone: its number fails with EINVAL even for a "
		     "call the old driver accepted, and its capability bit is clear");
	igt_subtest("sem-fence-removed") {
		uint32_t so = syncobj_create(fd);
		struct old_sem_fence f = {
			.core = 0, .index = 13, .value = 1,
			.timeout_ns = neuron_now_ns() + 1000000000LL,
			.out_sync = { .handle = so },
		};
		struct drm_neuron_query_device_info info = {};

		struct drm_syncobj_handle h = {
			.handle = so,
			.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		};

		neuron_core_acquire(fd, 0x1);
		do_ioctl_err(fd, OLD_IOCTL_NEURON_SEM_FENCE, &f, EINVAL);
		/* Nothing was put in the syncobj: it has no fence to export. */
		do_ioctl_err(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h, EINVAL);
		neuron_core_release(fd, 0x1);
		syncobj_destroy(fd, so);
		neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
		igt_assert_eq_u64(info.capabilities & (1ULL << 11), 0);
	}

	igt_describe("A queued job of the old owner does not write a core that changed hands");
	igt_subtest("handover-waits-for-jobs") {
		uint32_t so;
		int tmp;

		/* The owner closes its file with the job stalled in the queue. */
		tmp = igt_neuron_open(0);
		so = syncobj_create(fd2);
		neuron_core_acquire(tmp, 0x1);
		sem_set(tmp, 0, 22, 0);
		neuron_stall_engine(tmp, 0);
		submit_sem_set(tmp, 0, 22, 5, 0);
		close(tmp);
		/* Another file's job on the same queue tells when it ran. */
		neuron_core_acquire(fd2, 0x2);
		submit_sem_set(fd2, 1, 22, 1, so);
		neuron_core_release(fd2, 0x2);
		acquire_after_job(fd2, fd2, so);
		neuron_core_release(fd2, 0x1);
		syncobj_destroy(fd2, so);

		/* The owner releases the core with the job stalled. */
		so = syncobj_create(fd);
		neuron_core_acquire(fd, 0x1);
		neuron_stall_engine(fd, 0);
		submit_sem_set(fd, 0, 22, 5, so);
		neuron_core_release(fd, 0x1);
		acquire_after_job(fd2, fd, so);
		neuron_core_release(fd2, 0x1);
		syncobj_destroy(fd, so);
	}

	igt_fixture {
		close(fd2);
		close(fd);
	}
}
