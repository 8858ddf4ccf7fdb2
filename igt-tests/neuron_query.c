// SPDX-License-Identifier: MIT
/*
 * neuron_query - every neuron ioctl: valid use and each documented error
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("QUERY, DEVICE_STATE, POST_METRICS and RESET: positive and negative cases");

/* An address that is never mapped: the page right after a freed mapping. */
static void *bad_pointer(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	munmap(p, 4096);
	return p;
}

static int state(int fd, uint32_t type, uint32_t i0, uint32_t i1,
		 struct drm_neuron_device_state *s)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->index0 = i0;
	s->index1 = i1;
	return igt_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, s);
}

static void state_err(int fd, uint32_t type, uint32_t i0, uint32_t i1, int err)
{
	struct drm_neuron_device_state s = {
		.type = type, .index0 = i0, .index1 = i1,
	};

	do_ioctl_err(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s, err);
}

igt_main
{
	struct drm_neuron_query_device_info info;
	int fd = -1;

	igt_fixture {
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(info), .pointer = (uintptr_t)&info,
		};

		fd = igt_neuron_open(0);
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
	}

	/* ---- QUERY ---- */

	igt_describe("size 0 or pointer 0 returns the size of the answer");
	igt_subtest("query-size") {
		struct drm_neuron_query q = { .type = DRM_NEURON_QUERY_DEVICE_INFO };

		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_assert_eq(q.size, sizeof(struct drm_neuron_query_device_info));

		q.size = 4;
		q.pointer = 0;
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_assert_eq(q.size, sizeof(struct drm_neuron_query_device_info));

		memset(&q, 0, sizeof(q));
		q.type = DRM_NEURON_QUERY_TOPOLOGY;
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_assert_eq(q.size, sizeof(struct drm_neuron_query_topology));
	}

	igt_describe("A short buffer gets a prefix and nothing beyond it");
	igt_subtest("query-short-buffer") {
		uint8_t buf[64];
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = 8, .pointer = (uintptr_t)buf,
		};

		memset(buf, 0xcc, sizeof(buf));
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_assert_eq(q.size, sizeof(struct drm_neuron_query_device_info));
		igt_assert(memcmp(buf, &info, 8) == 0);
		for (int i = 8; i < 64; i++)
			igt_assert_eq(buf[i], 0xcc);
	}

	igt_describe("A longer buffer (newer userspace) gets its tail zeroed");
	igt_subtest("query-long-buffer") {
		size_t ks = sizeof(struct drm_neuron_query_device_info);
		uint8_t buf[256];
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = 200, .pointer = (uintptr_t)buf,
		};

		memset(buf, 0xcc, sizeof(buf));
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_assert_eq(q.size, ks);
		/* fw_status is live; compare the static prefix. */
		igt_assert(memcmp(buf, &info, 16) == 0);
		for (size_t i = ks; i < 200; i++)
			igt_assert_eq(buf[i], 0);
		for (size_t i = 200; i < sizeof(buf); i++)
			igt_assert_eq(buf[i], 0xcc);
	}

	igt_describe("Unknown query types are rejected");
	igt_subtest("query-bad-type") {
		/* Far beyond any type ever defined (types only grow by one). */
		struct drm_neuron_query q = { .type = 0x10000 };

		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EINVAL);
		q.type = ~0u;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EINVAL);
	}

	igt_describe("Non-zero flags are rejected");
	igt_subtest("query-bad-flags") {
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO, .flags = 1,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EINVAL);
		q.flags = 0x80000000u;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EINVAL);
	}

	igt_describe("Non-zero pad is rejected");
	igt_subtest("query-bad-pad") {
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_TOPOLOGY, .pad = 1,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EINVAL);
	}

	igt_describe("An unwritable pointer gives EFAULT");
	igt_subtest("query-bad-pointer") {
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(info), .pointer = (uintptr_t)bad_pointer(),
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EFAULT);
		q.type = DRM_NEURON_QUERY_TOPOLOGY;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EFAULT);
		/* Read-only memory is not writable either. */
		q.pointer = (uintptr_t)"read only string in .rodata, long enough for it";
		q.size = 40;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EFAULT);
	}

	igt_describe("A kernel address is not accepted as a pointer");
	igt_subtest("query-kernel-pointer") {
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(info), .pointer = 0xffff888000000000ull,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, EFAULT);
	}

	igt_describe("The argument itself at a bad address gives EFAULT");
	igt_subtest("query-bad-arg") {
		igt_assert_eq(ioctl(fd, DRM_IOCTL_NEURON_QUERY, bad_pointer()), -1);
		igt_assert_eq(errno, EFAULT);
	}

	igt_describe("Ioctl numbers beyond the table are rejected");
	igt_subtest("unknown-ioctl") {
		struct drm_neuron_query q = { 0 };

		do_ioctl_err(fd, DRM_IOWR(DRM_COMMAND_BASE + 0x3f, struct drm_neuron_query),
			     &q, EINVAL);
	}

	/* ---- DEVICE_STATE ---- */

	igt_describe("Firmware status through DEVICE_STATE");
	igt_subtest("state-fw-status") {
		struct drm_neuron_device_state s;

		igt_assert_eq(state(fd, DRM_NEURON_STATE_FW_STATUS, 0, 0, &s), 0);
		igt_assert_eq(s.count, 1);
		igt_assert(s.values[0] & DRM_NEURON_FW_STATUS_READY);
		for (int i = 1; i < DRM_NEURON_STATE_MAX_VALUES; i++)
			igt_assert_eq(s.values[i], 0);
	}

	igt_describe("Every semaphore of every NeuronCore is readable by root");
	igt_subtest("state-semaphores") {
		struct drm_neuron_device_state s;

		for (uint32_t nc = 0; nc < info.nc_count; nc++)
			for (uint32_t i = 0; i < info.semaphores_per_nc; i++) {
				igt_assert_eq(state(fd, DRM_NEURON_STATE_SEMAPHORE, nc, i, &s), 0);
				igt_assert_eq(s.count, 1);
			}
	}

	igt_describe("Every event of every NeuronCore is readable by root and 0 or 1");
	igt_subtest("state-events") {
		struct drm_neuron_device_state s;

		for (uint32_t nc = 0; nc < info.nc_count; nc++)
			for (uint32_t i = 0; i < info.events_per_nc; i += 17) {
				igt_assert_eq(state(fd, DRM_NEURON_STATE_EVENT, nc, i, &s), 0);
				igt_assert_eq(s.count, 1);
				igt_assert_lte(s.values[0], 1);
			}
		igt_assert_eq(state(fd, DRM_NEURON_STATE_EVENT, 3, 255, &s), 0);
	}

	igt_describe("Semaphores and events of a core only for its owner (or CAP_SYS_ADMIN)");
	igt_subtest("state-core-owner-only") {
		int status, ofd;
		pid_t pid;

		igt_require(geteuid() == 0);
		ofd = igt_neuron_open(0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_core_acquire a = { .core_mask = 0x1 };
			struct drm_neuron_device_state s;

			/* Drop root (and with it CAP_SYS_ADMIN); keep the open fd. */
			if (setgid(65534) || setuid(65534))
				_exit(2);
			if (state(ofd, DRM_NEURON_STATE_SEMAPHORE, 0, 0, &s) == 0 ||
			    errno != EACCES)
				_exit(3);
			if (state(ofd, DRM_NEURON_STATE_EVENT, 0, 0, &s) == 0 ||
			    errno != EACCES)
				_exit(4);
			/* Diagnostics that are not a core's stay open to all. */
			if (state(ofd, DRM_NEURON_STATE_FW_STATUS, 0, 0, &s))
				_exit(5);
			if (ioctl(ofd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &a))
				_exit(6);
			if (state(ofd, DRM_NEURON_STATE_SEMAPHORE, 0, 31, &s) ||
			    state(ofd, DRM_NEURON_STATE_EVENT, 0, 255, &s))
				_exit(7);
			if (state(ofd, DRM_NEURON_STATE_SEMAPHORE, 1, 0, &s) == 0 ||
			    errno != EACCES)
				_exit(8);
			/* Ranges are checked before ownership. */
			if (state(ofd, DRM_NEURON_STATE_SEMAPHORE, 1, 32, &s) == 0 ||
			    errno != EINVAL)
				_exit(9);
			_exit(0);
		}
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		close(ofd);
		igt_assert(WIFEXITED(status));
		igt_assert_eq(WEXITSTATUS(status), 0);
	}

	igt_describe("DMA queue registers of every queue pair");
	igt_subtest("state-dma-queues") {
		struct drm_neuron_device_state s;

		for (uint32_t e = 0; e < info.dma_engine_count; e++)
			for (uint32_t q = 0; q < info.dma_queues_per_engine; q += 5) {
				igt_assert_eq(state(fd, DRM_NEURON_STATE_DMA_QUEUE, e, q, &s), 0);
				igt_assert_eq(s.count, DRM_NEURON_DMA_QUEUE_COUNT);
				for (int i = DRM_NEURON_DMA_QUEUE_COUNT;
				     i < DRM_NEURON_STATE_MAX_VALUES; i++)
					igt_assert_eq(s.values[i], 0);
			}
	}

	igt_describe("DMA engine state: revision 4, decoded states in range");
	igt_subtest("state-dma-engines") {
		struct drm_neuron_device_state s;

		for (uint32_t e = 0; e < info.dma_engine_count; e++) {
			igt_assert_eq(state(fd, DRM_NEURON_STATE_DMA_ENGINE, e, 0, &s), 0);
			igt_assert_eq(s.count, DRM_NEURON_DMA_ENGINE_COUNT);
			igt_assert_eq(s.values[DRM_NEURON_DMA_ENGINE_VERSION], 4);
			igt_assert_lte(s.values[DRM_NEURON_DMA_ENGINE_M2S_STATE],
				       DRM_NEURON_ENGINE_STATE_ABORT);
			igt_assert_lte(s.values[DRM_NEURON_DMA_ENGINE_S2M_STATE],
				       DRM_NEURON_ENGINE_STATE_ABORT);
		}
	}

	igt_describe("Unknown state types are rejected");
	igt_subtest("state-bad-type") {
		state_err(fd, 0x10000, 0, 0, EINVAL);
		state_err(fd, ~0u, 0, 0, EINVAL);
	}

	igt_describe("Non-zero flags are rejected");
	igt_subtest("state-bad-flags") {
		struct drm_neuron_device_state s = {
			.type = DRM_NEURON_STATE_FW_STATUS, .flags = 1,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s, EINVAL);
	}

	igt_describe("Non-zero pad is rejected");
	igt_subtest("state-bad-pad") {
		struct drm_neuron_device_state s = {
			.type = DRM_NEURON_STATE_FW_STATUS, .pad = 1,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s, EINVAL);
	}

	igt_describe("Out-of-range and unused indices are rejected");
	igt_subtest("state-bad-index") {
		state_err(fd, DRM_NEURON_STATE_FW_STATUS, 1, 0, EINVAL);
		state_err(fd, DRM_NEURON_STATE_FW_STATUS, 0, 1, EINVAL);
		state_err(fd, DRM_NEURON_STATE_SEMAPHORE, info.nc_count, 0, EINVAL);
		state_err(fd, DRM_NEURON_STATE_SEMAPHORE, 0, info.semaphores_per_nc, EINVAL);
		state_err(fd, DRM_NEURON_STATE_SEMAPHORE, ~0u, ~0u, EINVAL);
		state_err(fd, DRM_NEURON_STATE_EVENT, info.nc_count, 0, EINVAL);
		state_err(fd, DRM_NEURON_STATE_EVENT, 0, info.events_per_nc, EINVAL);
		state_err(fd, DRM_NEURON_STATE_DMA_QUEUE, info.dma_engine_count, 0, EINVAL);
		state_err(fd, DRM_NEURON_STATE_DMA_QUEUE, 0, info.dma_queues_per_engine, EINVAL);
		state_err(fd, DRM_NEURON_STATE_DMA_ENGINE, info.dma_engine_count, 0, EINVAL);
		state_err(fd, DRM_NEURON_STATE_DMA_ENGINE, 0, 1, EINVAL);
	}

	igt_describe("The argument at a bad address gives EFAULT");
	igt_subtest("state-bad-arg") {
		igt_assert_eq(ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, bad_pointer()), -1);
		igt_assert_eq(errno, EFAULT);
	}

	/* ---- POST_METRICS ---- */

	igt_describe("Metrics blobs of 1 to 128 bytes are accepted");
	igt_subtest("metrics-post") {
		uint8_t blob[DRM_NEURON_METRICS_MAX_SIZE];
		struct drm_neuron_post_metrics m = { .data = (uintptr_t)blob };

		for (unsigned int i = 0; i < sizeof(blob); i++)
			blob[i] = i;
		for (m.size = 1; m.size <= DRM_NEURON_METRICS_MAX_SIZE; m.size += 9)
			do_ioctl(fd, DRM_IOCTL_NEURON_POST_METRICS, &m);
		m.size = DRM_NEURON_METRICS_MAX_SIZE;
		do_ioctl(fd, DRM_IOCTL_NEURON_POST_METRICS, &m);
	}

	igt_describe("An empty blob is rejected");
	igt_subtest("metrics-bad-size-zero") {
		uint8_t blob[4] = { 0 };
		struct drm_neuron_post_metrics m = { .data = (uintptr_t)blob };

		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, EINVAL);
	}

	igt_describe("A blob larger than 128 bytes is rejected with EINVAL");
	igt_subtest("metrics-too-big") {
		uint8_t blob[4096] = { 0 };
		struct drm_neuron_post_metrics m = {
			.data = (uintptr_t)blob, .size = DRM_NEURON_METRICS_MAX_SIZE + 1,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, EINVAL);
		m.size = ~0u;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, EINVAL);
	}

	igt_describe("Non-zero flags are rejected");
	igt_subtest("metrics-bad-flags") {
		uint8_t blob[8] = { 0 };
		struct drm_neuron_post_metrics m = {
			.data = (uintptr_t)blob, .size = 8, .flags = 1,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, EINVAL);
	}

	igt_describe("An unreadable blob gives EFAULT");
	igt_subtest("metrics-bad-pointer") {
		struct drm_neuron_post_metrics m = {
			.data = (uintptr_t)bad_pointer(), .size = 16,
		};

		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, EFAULT);
		m.data = 0;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, EFAULT);
	}

	/* ---- RESET ---- */

	igt_describe("A privileged reset brings the device back, usable, with its id");
	igt_subtest("reset") {
		struct drm_neuron_reset r = { 0 };
		struct drm_neuron_query_device_info after;
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(after), .pointer = (uintptr_t)&after,
		};
		struct drm_neuron_device_state s;
		unsigned int before = neuron_reset_count(fd);

		igt_require(geteuid() == 0);
		do_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r);
		igt_assert_eq(neuron_reset_count(fd), before + 1);
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		igt_assert(after.fw_status & DRM_NEURON_FW_STATUS_READY);
		igt_assert_eq(after.device_id, info.device_id);
		igt_assert_eq(state(fd, DRM_NEURON_STATE_DMA_ENGINE, 0, 0, &s), 0);
	}

	igt_describe("Unknown flags, a core mask without DRM_NEURON_RESET_CORES, an "
		     "empty or out-of-range one with it are rejected; a core the "
		     "file does not own is refused");
	igt_subtest("reset-bad-flags") {
		struct drm_neuron_reset r = { .flags = 2 };

		igt_require(geteuid() == 0);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_RESET, &r, EINVAL);
		r.flags = 0;
		r.core_mask = 1;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_RESET, &r, EINVAL);
		r.flags = DRM_NEURON_RESET_CORES;
		r.core_mask = 0;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_RESET, &r, EINVAL);
		r.core_mask = 1u << info.nc_count;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_RESET, &r, EINVAL);
		r.flags |= 2;
		r.core_mask = 1;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_RESET, &r, EINVAL);
		r.flags = DRM_NEURON_RESET_CORES;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_RESET, &r, EACCES);
	}

	igt_describe("Without privilege a process resets the NeuronCores its file "
		     "owns, and not the device");
	igt_subtest("reset-cores-unprivileged") {
		uint32_t before = neuron_core_resets(fd, 0);
		unsigned int resets = neuron_reset_count(fd);
		pid_t pid;

		igt_require(geteuid() == 0);
		igt_assert(info.capabilities & DRM_NEURON_CAP_RESET_CORES);
		neuron_core_acquire(fd, 0x1);
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0) {
			struct drm_neuron_reset r = { 0 };

			if (setresgid(65534, 65534, 65534) ||
			    setresuid(65534, 65534, 65534) || geteuid() != 65534)
				_exit(2);
			if (ioctl(fd, DRM_IOCTL_NEURON_RESET, &r) != -1 ||
			    errno != EACCES)
				_exit(3);
			_exit(neuron_reset_cores(fd, 0x1) ? 4 : 0);
		}
		neuron_wait_exit_ok(pid);
		neuron_core_release(fd, 0x1);
		igt_assert_eq(neuron_core_resets(fd, 0), before + 1);
		igt_assert_eq(neuron_reset_count(fd), resets);
	}

	igt_describe("DMA queue registers (every user's jobs) and POST_METRICS need CAP_SYS_ADMIN");
	igt_subtest("state-queue-metrics-privileged") {
		uint8_t blob[8] = { 0 };
		struct drm_neuron_post_metrics m = { .data = (uintptr_t)blob, .size = 8 };
		struct drm_neuron_device_state s;
		pid_t pid;

		igt_require(geteuid() == 0);
		igt_assert_eq(state(fd, DRM_NEURON_STATE_DMA_QUEUE, 0, 0, &s), 0);
		do_ioctl(fd, DRM_IOCTL_NEURON_POST_METRICS, &m);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			/* Drop root (and with it CAP_SYS_ADMIN); keep the open fd. */
			if (setgid(65534) || setuid(65534))
				_exit(2);
			if (state(fd, DRM_NEURON_STATE_DMA_QUEUE, 0, 0, &s) == 0 ||
			    errno != EACCES)
				_exit(3);
			if (ioctl(fd, DRM_IOCTL_NEURON_POST_METRICS, &m) == 0 ||
			    errno != EACCES)
				_exit(4);
			/* Engine states and the firmware status stay open. */
			if (state(fd, DRM_NEURON_STATE_DMA_ENGINE, 0, 0, &s) ||
			    state(fd, DRM_NEURON_STATE_FW_STATUS, 0, 0, &s))
				_exit(5);
			_exit(0);
		}
		neuron_wait_exit_ok(pid);
	}

	igt_describe("An unprivileged caller cannot reset");
	igt_subtest("reset-unprivileged") {
		pid_t pid;

		igt_require(geteuid() == 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_reset r = { 0 };

			/* Drop root (and with it CAP_SYS_ADMIN); keep the open fd. */
			if (setgid(65534) || setuid(65534))
				_exit(2);
			if (ioctl(fd, DRM_IOCTL_NEURON_RESET, &r) == 0)
				_exit(3);
			_exit(errno == EACCES ? 0 : 4);
		}
		neuron_wait_exit_ok(pid);
	}

	igt_describe("Ioctls racing with resets sleep until the reset is over and succeed: "
		     "none fails with EAGAIN (drmIoctl() would spin on it)");
	igt_subtest("reset-vs-ioctls") {
		const char *param = "/sys/module/neuron/parameters/reset_initial_wait_ms";
		int pipefd[2];
		pid_t pid;

		igt_require(geteuid() == 0);
		/* Each reset lasts 200 ms or more: the child runs into all of them. */
		igt_assert_eq(neuron_write_str(param, "200"), 0);
		igt_assert_eq(pipe(pipefd), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_device_state s;
			unsigned long ok = 0;
			int64_t t, slept = 0;
			char c;

			close(pipefd[1]);
			fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
			while (read(pipefd[0], &c, 1) < 0 && errno == EAGAIN) {
				t = neuron_now_ns();
				if (state(fd, DRM_NEURON_STATE_FW_STATUS, 0, 0, &s)) {
					printf("child: %s after %lu calls\n", strerror(errno), ok);
					_exit(1);
				}
				t = neuron_now_ns() - t;
				if (t > slept)
					slept = t;
				ok++;
			}
			printf("child: %lu ok, longest %.1f ms\n", ok, slept / 1e6);
			/* At least one call slept through (most of) a reset. */
			_exit(ok && slept >= 100000000 ? 0 : 2);
		}
		close(pipefd[0]);
		for (int i = 0; i < 5; i++) {
			struct drm_neuron_reset r = { 0 };

			do_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r);
			usleep(10000);
		}
		igt_assert_eq(write(pipefd[1], "x", 1), 1);
		close(pipefd[1]);
		igt_assert_eq(neuron_write_str(param, "10"), 0);
		neuron_wait_exit_ok(pid);
	}

	igt_fixture
		close(fd);
}
