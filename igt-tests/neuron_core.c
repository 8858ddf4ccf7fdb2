// SPDX-License-Identifier: MIT
/*
 * neuron_core - NeuronCore ownership, semaphores, events and semaphore waits
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("NeuronCore ownership (acquire, conflicts, release on close and death), "
		     "semaphore and event operations, and waiting on a semaphore");

#define NCORES		4
#define NSEMS		32
#define NEVENTS		256

static int core_ioctl(int fd, unsigned long req, uint32_t mask)
{
	struct drm_neuron_core_acquire a = { .core_mask = mask };

	return igt_ioctl(fd, req, &a);
}

static void query_cores(int fd, struct drm_neuron_query_cores *q)
{
	neuron_query(fd, DRM_NEURON_QUERY_CORES, q, sizeof(*q), 0xa5);
	igt_assert_eq(q->core_count, NCORES);
	igt_assert_eq(q->pad, 0);
}

static int sem_op(int fd, uint32_t core, uint32_t index, uint32_t op, int32_t *value)
{
	struct drm_neuron_sem_op s = {
		.core = core, .index = index, .op = op, .value = *value,
	};
	int ret = igt_ioctl(fd, DRM_IOCTL_NEURON_SEM_OP, &s);

	*value = s.value;
	return ret;
}

static void sem(int fd, uint32_t core, uint32_t index, uint32_t op, int32_t value)
{
	igt_assert_eq(sem_op(fd, core, index, op, &value), 0);
}

static int32_t sem_read(int fd, uint32_t core, uint32_t index)
{
	int32_t v = 0;

	igt_assert_eq(sem_op(fd, core, index, DRM_NEURON_SEM_READ, &v), 0);
	return v;
}

static uint32_t event_op(int fd, uint32_t core, uint32_t index, uint32_t op)
{
	struct drm_neuron_event_op e = { .core = core, .index = index, .op = op };

	do_ioctl(fd, DRM_IOCTL_NEURON_EVENT_OP, &e);
	return e.value;
}

static void wait_sem_args(struct drm_neuron_wait *w, uint32_t core, uint32_t index,
			  int32_t value, int64_t timeout_ns)
{
	memset(w, 0, sizeof(*w));
	w->type = DRM_NEURON_WAIT_SEMAPHORE;
	w->core = core;
	w->index = index;
	w->value = value;
	w->timeout_ns = timeout_ns;
}

/* A child that sleeps @ms, then adds @incr to a semaphore through @fd. */
static pid_t delayed_incr(int fd, uint32_t core, uint32_t index, int32_t incr, int ms)
{
	pid_t pid = fork();

	igt_assert(pid >= 0);
	if (pid == 0) {
		struct drm_neuron_sem_op s = {
			.core = core, .index = index,
			.op = DRM_NEURON_SEM_INCR, .value = incr,
		};

		usleep(ms * 1000);
		_exit(ioctl(fd, DRM_IOCTL_NEURON_SEM_OP, &s) ? 1 : 0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}


struct waker {
	int fd;
	int iterations;
	int64_t *incr_ns;	/* filled by the incrementing thread */
	int64_t *wake_ns;	/* filled by the waiter */
	int errors;
};

static void *waiter_thread(void *arg)
{
	struct waker *wk = arg;

	for (int i = 0; i < wk->iterations; i++) {
		struct drm_neuron_wait w;

		wait_sem_args(&w, 3, 10, i + 1, neuron_now_ns() + 5000000000LL);
		if (igt_ioctl(wk->fd, DRM_IOCTL_NEURON_WAIT, &w)) {
			wk->errors++;
			break;
		}
		wk->wake_ns[i] = neuron_now_ns();
	}
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- SEM_OP racing with the core changing hands ---- */

struct race {
	int fd;
	volatile int stop;
	unsigned long ops;
};

/* Sets semaphore 3 of core 0 to 7 again and again, owner or not. */
static void *race_setter(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		struct drm_neuron_sem_op s = { .core = 0, .index = 3,
					       .op = DRM_NEURON_SEM_SET, .value = 7 };

		if (!igt_ioctl(r->fd, DRM_IOCTL_NEURON_SEM_OP, &s))
			r->ops++;
	}
	return NULL;
}

/* Acquires and releases core 0 again and again. */
static void *race_owner(void *arg)
{
	struct race *r = arg;

	while (!r->stop) {
		if (core_ioctl(r->fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x1))
			continue;
		usleep(200);
		core_ioctl(r->fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x1);
	}
	return NULL;
}

igt_main
{
	int fd = -1, fd2 = -1;

	igt_fixture {
		fd = igt_neuron_open(0);
		fd2 = igt_neuron_open(0);
	}

	igt_describe("A file acquires cores, the query shows it as owner, release frees them");
	igt_subtest("acquire-release") {
		struct drm_neuron_query_cores q;

		neuron_core_acquire(fd, 0x5);
		query_cores(fd, &q);
		igt_assert_eq(q.cores[0].pid, getpid());
		igt_assert_eq(q.cores[0].flags,
			      DRM_NEURON_CORE_OWNER_OWNED | DRM_NEURON_CORE_OWNER_CALLER);
		igt_assert_eq(q.cores[1].pid, 0);
		igt_assert_eq(q.cores[1].flags, 0);
		igt_assert_eq(q.cores[2].pid, getpid());

		/* Another file sees the owner, but not as itself. */
		query_cores(fd2, &q);
		igt_assert_eq(q.cores[2].pid, getpid());
		igt_assert_eq(q.cores[2].flags, DRM_NEURON_CORE_OWNER_OWNED);

		/* Acquiring owned cores again is fine. */
		neuron_core_acquire(fd, 0x1);
		neuron_core_release(fd, 0x5);
		query_cores(fd, &q);
		for (int i = 0; i < NCORES; i++) {
			igt_assert_eq(q.cores[i].pid, 0);
			igt_assert_eq(q.cores[i].flags, 0);
		}
	}

	igt_describe("QUERY_CORES size negotiation");
	igt_subtest("query-size") {
		struct drm_neuron_query arg = { .type = DRM_NEURON_QUERY_CORES };

		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &arg);
		igt_assert_eq(arg.size, sizeof(struct drm_neuron_query_cores));
	}

	igt_describe("A second file gets -EBUSY, and acquire is all or nothing");
	igt_subtest("conflict") {
		struct drm_neuron_query_cores q;

		neuron_core_acquire(fd, 0x2);
		igt_assert_eq(core_ioctl(fd2, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x2), -1);
		igt_assert_eq(errno, EBUSY);
		igt_assert_eq(core_ioctl(fd2, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x3), -1);
		igt_assert_eq(errno, EBUSY);
		query_cores(fd2, &q);
		igt_assert_eq(q.cores[0].flags, 0);	/* core 0 not taken */

		/* Releasing another file's core is refused. */
		igt_assert_eq(core_ioctl(fd2, DRM_IOCTL_NEURON_CORE_RELEASE, 0x2), -1);
		igt_assert_eq(errno, EACCES);
		/* All or nothing on release, too. */
		igt_assert_eq(core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x3), -1);
		igt_assert_eq(errno, EACCES);
		query_cores(fd, &q);
		igt_assert_eq(q.cores[1].flags,
			      DRM_NEURON_CORE_OWNER_OWNED | DRM_NEURON_CORE_OWNER_CALLER);

		neuron_core_release(fd, 0x2);
		neuron_core_acquire(fd2, 0x3);
		neuron_core_release(fd2, 0x3);
	}

	igt_describe("Closing the file releases its cores");
	igt_subtest("release-on-close") {
		int tmp = igt_neuron_open(0);

		neuron_core_acquire(tmp, 0xf);
		igt_assert_eq(core_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x8), -1);
		igt_assert_eq(errno, EBUSY);
		close(tmp);
		neuron_core_acquire(fd, 0xf);
		neuron_core_release(fd, 0xf);
	}

	igt_describe("A dup()ed descriptor shares the ownership of its file");
	igt_subtest("dup-shares-ownership") {
		int d = dup(fd);

		igt_assert_fd(d);
		neuron_core_acquire(d, 0x1);
		igt_assert_eq(sem_read(fd, 0, 0), sem_read(d, 0, 0));
		close(d);
		/* Still owned: the file is still open through fd. */
		igt_assert_eq(core_ioctl(fd2, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x1), -1);
		igt_assert_eq(errno, EBUSY);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("Cores of a process killed with SIGKILL are released");
	igt_subtest("release-on-kill") {
		struct drm_neuron_query_cores q;
		int pipefd[2], status;
		char c;
		pid_t pid;

		igt_assert_eq(pipe(pipefd), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_core_acquire a = { .core_mask = 0xc };
			int cfd = igt_neuron_open(0);

			if (ioctl(cfd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &a))
				_exit(1);
			if (write(pipefd[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		close(pipefd[1]);
		igt_assert_eq(read(pipefd[0], &c, 1), 1);
		close(pipefd[0]);

		query_cores(fd, &q);
		igt_assert_eq(q.cores[2].pid, pid);
		igt_assert_eq(q.cores[3].pid, pid);
		igt_assert_eq(q.cores[3].flags, DRM_NEURON_CORE_OWNER_OWNED);
		igt_assert_eq(core_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x4), -1);
		igt_assert_eq(errno, EBUSY);

		kill(pid, SIGKILL);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert(WIFSIGNALED(status));

		query_cores(fd, &q);
		igt_assert_eq(q.cores[2].flags, 0);
		igt_assert_eq(q.cores[3].pid, 0);
		neuron_core_acquire(fd, 0xc);
		neuron_core_release(fd, 0xc);
	}

	igt_describe("A process killed while it sleeps in WAIT dies at once and its cores are freed");
	igt_subtest("kill-while-waiting") {
		struct drm_neuron_query_cores q;
		int pipefd[2], status;
		int64_t t0;
		char c;
		pid_t pid;

		igt_assert_eq(pipe(pipefd), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_core_acquire a = { .core_mask = 0x2 };
			struct drm_neuron_wait w;
			int cfd = igt_neuron_open(0);

			if (ioctl(cfd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &a))
				_exit(1);
			if (write(pipefd[1], "x", 1) != 1)
				_exit(1);
			/* Semaphore 0 of core 1 never reaches INT32_MAX here. */
			wait_sem_args(&w, 1, 0, INT32_MAX, neuron_now_ns() + 60000000000LL);
			ioctl(cfd, DRM_IOCTL_NEURON_WAIT, &w);
			_exit(2);
		}
		close(pipefd[1]);
		igt_assert_eq(read(pipefd[0], &c, 1), 1);
		close(pipefd[0]);
		usleep(50000);	/* the child is asleep in WAIT */

		t0 = neuron_now_ns();
		kill(pid, SIGKILL);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		igt_assert_lt(neuron_now_ns(), t0 + 1000000000LL);

		query_cores(fd, &q);
		igt_assert_eq(q.cores[1].flags, 0);
		neuron_core_acquire(fd, 0x2);
		neuron_core_release(fd, 0x2);
	}

	igt_describe("debugfs 'cores' shows each core's owner");
	igt_subtest("debugfs-cores") {
		char slot[IGT_PCI_SLOT_LEN], path[128], buf[4096], want[64];
		ssize_t n;
		int dfd;

		igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/cores", slot);
		neuron_core_acquire(fd, 0x2);
		dfd = open(path, O_RDONLY);
		igt_require_f(dfd >= 0, "no debugfs at %s\n", path);
		n = read(dfd, buf, sizeof(buf) - 1);
		close(dfd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		snprintf(want, sizeof(want), "core 1: owner pid %d\n", getpid());
		igt_assert_f(strstr(buf, want), "%s", buf);
		igt_assert(strstr(buf, "core 0: owner pid 0\n"));
		neuron_core_release(fd, 0x2);
		dfd = open(path, O_RDONLY);
		igt_assert_fd(dfd);
		n = read(dfd, buf, sizeof(buf) - 1);
		close(dfd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		igt_assert(strstr(buf, "core 1: owner pid 0\n"));
	}

	igt_describe("A core changes hands clean: acquire zeroes semaphores and clears events");
	igt_subtest("acquire-clears") {
		struct drm_neuron_device_state st = {
			.type = DRM_NEURON_STATE_SEMAPHORE, .index0 = 2, .index1 = 17,
		};

		neuron_core_acquire(fd, 0x4);
		sem(fd, 2, 17, DRM_NEURON_SEM_SET, 1234);
		event_op(fd, 2, 99, DRM_NEURON_EVENT_SET);
		/* Acquiring again what the file owns changes nothing. */
		neuron_core_acquire(fd, 0x4);
		igt_assert_eq(sem_read(fd, 2, 17), 1234);
		neuron_core_release(fd, 0x4);
		/* The values stay on the device until the next acquire... */
		do_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &st);
		igt_assert_eq(st.values[0], 1234);
		/* ... which starts from zero. */
		neuron_core_acquire(fd2, 0x4);
		igt_assert_eq(sem_read(fd2, 2, 17), 0);
		igt_assert_eq(event_op(fd2, 2, 99, DRM_NEURON_EVENT_READ), 0);
		neuron_core_release(fd2, 0x4);
	}

	igt_describe("Reserved fields, unknown flags, empty and out-of-range masks");
	igt_subtest("core-bad-args") {
		static const unsigned long reqs[] = {
			DRM_IOCTL_NEURON_CORE_ACQUIRE, DRM_IOCTL_NEURON_CORE_RELEASE,
		};

		for (int i = 0; i < 2; i++) {
			struct drm_neuron_core_acquire a;

			a = (struct drm_neuron_core_acquire){ .core_mask = 1, .flags = 1 };
			do_ioctl_err(fd, reqs[i], &a, EINVAL);
			a = (struct drm_neuron_core_acquire){ .core_mask = 1, .pad = 1 };
			do_ioctl_err(fd, reqs[i], &a, EINVAL);
			a = (struct drm_neuron_core_acquire){ .core_mask = 0 };
			do_ioctl_err(fd, reqs[i], &a, EINVAL);
			a = (struct drm_neuron_core_acquire){ .core_mask = 0x10 };
			do_ioctl_err(fd, reqs[i], &a, EINVAL);
			a = (struct drm_neuron_core_acquire){ .core_mask = 0x80000001 };
			do_ioctl_err(fd, reqs[i], &a, EINVAL);
		}
		/* Nothing was acquired by the failed calls. */
		igt_assert_eq(core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x1), -1);
		igt_assert_eq(errno, EACCES);
	}

	igt_describe("SET, INCR, DECR and READ on every semaphore, cross-checked with DEVICE_STATE");
	igt_subtest("sem-ops") {
		for (uint32_t core = 0; core < NCORES; core++) {
			neuron_core_acquire(fd, 1u << core);
			for (uint32_t i = 0; i < NSEMS; i += (core == 0 ? 1 : 7)) {
				struct drm_neuron_device_state st = {
					.type = DRM_NEURON_STATE_SEMAPHORE,
					.index0 = core, .index1 = i,
				};

				sem(fd, core, i, DRM_NEURON_SEM_SET, 100 + i);
				igt_assert_eq(sem_read(fd, core, i), 100 + i);
				sem(fd, core, i, DRM_NEURON_SEM_INCR, 5);
				igt_assert_eq(sem_read(fd, core, i), 105 + i);
				sem(fd, core, i, DRM_NEURON_SEM_DECR, 200);
				igt_assert_eq(sem_read(fd, core, i), -95 + (int)i);
				do_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &st);
				igt_assert_eq((int32_t)st.values[0], -95 + (int)i);
				sem(fd, core, i, DRM_NEURON_SEM_SET, 0);
			}
			/* Semaphores are independent. */
			sem(fd, core, 3, DRM_NEURON_SEM_SET, 7);
			igt_assert_eq(sem_read(fd, core, 4), 0);
			sem(fd, core, 3, DRM_NEURON_SEM_SET, 0);
			neuron_core_release(fd, 1u << core);
		}
	}

	igt_describe("Semaphores wrap as signed 32-bit counters");
	igt_subtest("sem-wrap") {
		neuron_core_acquire(fd, 0x1);
		sem(fd, 0, 31, DRM_NEURON_SEM_SET, 0x7fffffff);
		sem(fd, 0, 31, DRM_NEURON_SEM_INCR, 1);
		igt_assert_eq(sem_read(fd, 0, 31), INT32_MIN);
		sem(fd, 0, 31, DRM_NEURON_SEM_SET, 0);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("SET, CLEAR and READ on events");
	igt_subtest("event-ops") {
		for (uint32_t core = 0; core < NCORES; core++) {
			neuron_core_acquire(fd, 1u << core);
			/* Start from a known state: earlier users may have left events set. */
			for (uint32_t i = 0; i < NEVENTS; i++)
				event_op(fd, core, i, DRM_NEURON_EVENT_CLEAR);
			for (uint32_t i = 0; i < NEVENTS; i += (core == 0 ? 1 : 51)) {
				event_op(fd, core, i, DRM_NEURON_EVENT_SET);
				igt_assert_eq(event_op(fd, core, i, DRM_NEURON_EVENT_READ), 1);
				if (i + 1 < NEVENTS)
					igt_assert_eq(event_op(fd, core, i + 1,
							       DRM_NEURON_EVENT_READ), 0);
				event_op(fd, core, i, DRM_NEURON_EVENT_CLEAR);
				igt_assert_eq(event_op(fd, core, i, DRM_NEURON_EVENT_READ), 0);
			}
			neuron_core_release(fd, 1u << core);
		}
	}

	igt_describe("Out-of-range core, index and op, reserved fields: -EINVAL; unowned: -EACCES");
	igt_subtest("sem-event-bad-args") {
		struct drm_neuron_sem_op s;
		struct drm_neuron_event_op e;

		neuron_core_acquire(fd, 0x1);
		s = (struct drm_neuron_sem_op){ .core = 4 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EINVAL);
		s = (struct drm_neuron_sem_op){ .core = ~0u };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EINVAL);
		s = (struct drm_neuron_sem_op){ .index = NSEMS };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EINVAL);
		s = (struct drm_neuron_sem_op){ .op = DRM_NEURON_SEM_DECR + 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EINVAL);
		s = (struct drm_neuron_sem_op){ .flags = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EINVAL);
		s = (struct drm_neuron_sem_op){ .pad = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EINVAL);
		s = (struct drm_neuron_sem_op){ .core = 1, .op = DRM_NEURON_SEM_SET };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EACCES);
		s = (struct drm_neuron_sem_op){ .core = 0 };
		do_ioctl_err(fd2, DRM_IOCTL_NEURON_SEM_OP, &s, EACCES);

		e = (struct drm_neuron_event_op){ .core = 4 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EINVAL);
		e = (struct drm_neuron_event_op){ .index = NEVENTS };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EINVAL);
		e = (struct drm_neuron_event_op){ .op = DRM_NEURON_EVENT_CLEAR + 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EINVAL);
		e = (struct drm_neuron_event_op){ .flags = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EINVAL);
		e = (struct drm_neuron_event_op){ .pad = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EINVAL);
		e = (struct drm_neuron_event_op){ .op = DRM_NEURON_EVENT_SET, .value = 1 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EINVAL);
		e = (struct drm_neuron_event_op){ .core = 3, .op = DRM_NEURON_EVENT_SET };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_EVENT_OP, &e, EACCES);
		e = (struct drm_neuron_event_op){ .core = 0 };
		do_ioctl_err(fd2, DRM_IOCTL_NEURON_EVENT_OP, &e, EACCES);
		neuron_core_release(fd, 0x1);

		/* After release the former owner is refused, too. */
		s = (struct drm_neuron_sem_op){ .core = 0 };
		do_ioctl_err(fd, DRM_IOCTL_NEURON_SEM_OP, &s, EACCES);
	}

	igt_describe("A wait on a semaphore already at the value returns at once");
	igt_subtest("wait-sem-ready") {
		struct drm_neuron_wait w;

		neuron_core_acquire(fd, 0x2);
		sem(fd, 1, 5, DRM_NEURON_SEM_SET, 10);
		wait_sem_args(&w, 1, 5, 10, neuron_now_ns() + 5000000000LL);
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		igt_assert_eq(w.result, 10);
		/* A timeout in the past still checks once. */
		wait_sem_args(&w, 1, 5, -3, 0);
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		igt_assert_eq(w.result, 10);
		wait_sem_args(&w, 1, 5, 11, 0);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, ETIME);
		sem(fd, 1, 5, DRM_NEURON_SEM_SET, 0);
		neuron_core_release(fd, 0x2);
	}

	igt_describe("A wait on a semaphore that never gets there times out with -ETIME");
	igt_subtest("wait-sem-timeout") {
		struct drm_neuron_wait w;
		int64_t t0;

		neuron_core_acquire(fd, 0x2);
		sem(fd, 1, 6, DRM_NEURON_SEM_SET, 0);
		t0 = neuron_now_ns();
		wait_sem_args(&w, 1, 6, 1, t0 + 100000000LL);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, ETIME);
		igt_assert_lte(t0 + 100000000LL, neuron_now_ns());
		igt_assert_lt(neuron_now_ns(), t0 + 2000000000LL);
		neuron_core_release(fd, 0x2);
	}

	igt_describe("A wait wakes up when another process increments the semaphore");
	igt_subtest("wait-sem-wakeup") {
		struct drm_neuron_wait w;
		int64_t t0;
		pid_t pid;

		neuron_core_acquire(fd, 0x4);
		sem(fd, 2, 7, DRM_NEURON_SEM_SET, 0);
		t0 = neuron_now_ns();
		pid = delayed_incr(fd, 2, 7, 3, 100);
		wait_sem_args(&w, 2, 7, 3, t0 + 10000000000LL);
		do_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		igt_assert_eq(w.result, 3);
		igt_assert_lte(t0 + 100000000LL, neuron_now_ns());
		igt_info("woke %.2f ms after start (increment at 100 ms)\n",
			 (neuron_now_ns() - t0) / 1e6);
		reap(pid);
		sem(fd, 2, 7, DRM_NEURON_SEM_SET, 0);
		neuron_core_release(fd, 0x4);
	}

	igt_describe("A signal without SA_RESTART interrupts the wait with -EINTR");
	igt_subtest("wait-sem-eintr") {
		struct drm_neuron_wait w;
		int64_t t0;
		int ret, err;

		neuron_core_acquire(fd, 0x1);
		sem(fd, 0, 8, DRM_NEURON_SEM_SET, 0);
		t0 = neuron_now_ns();
		wait_sem_args(&w, 0, 8, 1, t0 + 5000000000LL);
		neuron_arm_alarm(false, 100);
		ret = ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		err = errno;
		neuron_disarm_alarm();
		igt_assert_eq(ret, -1);
		igt_assert_eq(err, EINTR);
		igt_assert_eq(neuron_alarms, 1);
		igt_assert_lt(neuron_now_ns(), t0 + 4000000000LL);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("With SA_RESTART the wait restarts after the handler and keeps its deadline");
	igt_subtest("wait-sem-restart") {
		struct drm_neuron_wait w;
		int64_t t0;
		pid_t pid;
		int ret;

		neuron_core_acquire(fd, 0x1);
		sem(fd, 0, 9, DRM_NEURON_SEM_SET, 0);

		/* Restarted, then satisfied by a later increment. */
		t0 = neuron_now_ns();
		pid = delayed_incr(fd, 0, 9, 1, 300);
		wait_sem_args(&w, 0, 9, 1, t0 + 5000000000LL);
		neuron_arm_alarm(true, 100);
		ret = ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		neuron_disarm_alarm();
		igt_assert_eq(ret, 0);
		igt_assert_eq(neuron_alarms, 1);
		igt_assert_lte(t0 + 300000000LL, neuron_now_ns());
		reap(pid);

		/* Restarted, then timed out at the original deadline. */
		t0 = neuron_now_ns();
		wait_sem_args(&w, 0, 9, 2, t0 + 400000000LL);
		neuron_arm_alarm(true, 100);
		ret = ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
		neuron_disarm_alarm();
		igt_assert_eq(ret, -1);
		igt_assert_eq(errno, ETIME);
		igt_assert_eq(neuron_alarms, 1);
		igt_assert_lte(t0 + 400000000LL, neuron_now_ns());
		igt_assert_lt(neuron_now_ns(), t0 + 3000000000LL);

		sem(fd, 0, 9, DRM_NEURON_SEM_SET, 0);
		neuron_core_release(fd, 0x1);
	}

	igt_describe("Benchmark: semaphore increment to waiting thread running, p50/p99");
	igt_subtest("wake-latency") {
		enum { N = 200 };
		static int64_t incr_ns[N], wake_ns[N], lat[N];
		struct waker wk = {
			.fd = fd, .iterations = N, .incr_ns = incr_ns, .wake_ns = wake_ns,
		};
		pthread_t th;

		neuron_core_acquire(fd, 0x8);
		sem(fd, 3, 10, DRM_NEURON_SEM_SET, 0);
		igt_assert_eq(pthread_create(&th, NULL, waiter_thread, &wk), 0);
		for (int i = 0; i < N; i++) {
			/* Let the waiter go to sleep, at varying depths of its backoff. */
			usleep(500 + (i * 7919) % 2000);
			incr_ns[i] = neuron_now_ns();
			sem(fd, 3, 10, DRM_NEURON_SEM_INCR, 1);
			while (!wake_ns[i] && !wk.errors)
				usleep(100);
		}
		pthread_join(th, NULL);
		igt_assert_eq(wk.errors, 0);
		for (int i = 0; i < N; i++)
			lat[i] = wake_ns[i] - incr_ns[i];
		qsort(lat, N, sizeof(lat[0]), cmp_i64);
		igt_info("wake latency (host SEM_OP INCR -> WAIT returns), %d samples: "
			 "p50 %.1f us, p99 %.1f us, max %.1f us\n", N,
			 lat[N / 2] / 1e3, lat[N * 99 / 100] / 1e3, lat[N - 1] / 1e3);
		sem(fd, 3, 10, DRM_NEURON_SEM_SET, 0);
		neuron_core_release(fd, 0x8);
	}

	igt_describe("WAIT: reserved fields, unknown type, out-of-range indices, unowned core");
	igt_subtest("wait-bad-args") {
		struct drm_neuron_wait w;

		neuron_core_acquire(fd, 0x1);
		wait_sem_args(&w, 0, 0, 0, 0);
		w.flags = 1;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		wait_sem_args(&w, 0, 0, 0, 0);
		w.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		wait_sem_args(&w, 0, 0, 0, 0);
		w.type = 2;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		wait_sem_args(&w, 4, 0, 0, 0);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		wait_sem_args(&w, 0, NSEMS, 0, 0);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		wait_sem_args(&w, 0, 0, 0, 0);
		w.engine = 1;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EINVAL);
		wait_sem_args(&w, 1, 0, 0, 0);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, EACCES);
		wait_sem_args(&w, 0, 0, 0, 0);
		do_ioctl_err(fd2, DRM_IOCTL_NEURON_WAIT, &w, EACCES);
		/* No queue set up: -ENOENT. */
		memset(&w, 0, sizeof(w));
		w.type = DRM_NEURON_WAIT_NQ;
		w.index = DRM_NEURON_NQ_EVENT;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_WAIT, &w, ENOENT);
		neuron_core_release(fd, 0x1);
	}


	igt_describe("SEM_OP racing with release and reacquire never writes the next owner's core");
	igt_subtest("sem-op-vs-handover") {
		struct race r = { .fd = fd };
		unsigned long handovers = 0;
		pthread_t setter, owner;
		int64_t end = neuron_now_ns() + 2000000000LL;

		igt_assert_eq(pthread_create(&setter, NULL, race_setter, &r), 0);
		igt_assert_eq(pthread_create(&owner, NULL, race_owner, &r), 0);
		while (neuron_now_ns() < end) {
			if (core_ioctl(fd2, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x1))
				continue;
			handovers++;
			/* Cleared by the acquire; nobody else may write it now. */
			igt_assert_eq(sem_read(fd2, 0, 3), 0);
			usleep(100);
			igt_assert_eq(sem_read(fd2, 0, 3), 0);
			neuron_core_release(fd2, 0x1);
			usleep(100);
		}
		r.stop = 1;
		pthread_join(setter, NULL);
		pthread_join(owner, NULL);
		igt_info("%lu handovers, %lu SEM_SETs of the other file\n", handovers, r.ops);
		igt_assert(handovers > 0 && r.ops > 0);
	}

	igt_fixture {
		close(fd2);
		close(fd);
	}
}
