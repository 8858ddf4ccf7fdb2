// SPDX-License-Identifier: MIT
/*
 * neuron_hostile - a seeded, bounded hostile user: struct fuzzing of every
 * driver ioctl and of the core ioctls, as nobody, with canaries of another
 * tenant checked afterwards (issue #13)
 *
 * Every call must succeed or fail with an errno the uAPI documents; the
 * victim's host and DRAM canaries must be intact; the node must still work
 * after the fuzzing file is closed. The VM runner fails the run on any
 * kernel report. Seeds: NEURON_FUZZ_SEEDS (default "1 2 3"), calls per
 * seed: NEURON_FUZZ_CALLS (default 20000).
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Seeded hostile user: ioctl struct fuzzing as nobody, canaries of another tenant");

#define PARAM_DIR	"/sys/module/neuron/parameters/"
#define ARG_SIZE	256
#define SCRATCH		(64 * 1024)
#define CANARY		(64 * 1024)

struct target {
	const char *name;
	unsigned long cmd;
};

#define T(x) { #x, x }
static const struct target targets[] = {
	T(DRM_IOCTL_NEURON_QUERY), T(DRM_IOCTL_NEURON_DEVICE_STATE),
	T(DRM_IOCTL_NEURON_POST_METRICS), T(DRM_IOCTL_NEURON_RESET),
	T(DRM_IOCTL_NEURON_BO_CREATE), T(DRM_IOCTL_NEURON_BO_INFO),
	T(DRM_IOCTL_NEURON_SUBMIT), T(DRM_IOCTL_NEURON_CORE_ACQUIRE),
	T(DRM_IOCTL_NEURON_CORE_RELEASE), T(DRM_IOCTL_NEURON_SEM_OP),
	T(DRM_IOCTL_NEURON_EVENT_OP), T(DRM_IOCTL_NEURON_NQ_CREATE),
	T(DRM_IOCTL_NEURON_NQ_DESTROY), T(DRM_IOCTL_NEURON_NQ_ADVANCE),
	T(DRM_IOCTL_NEURON_WAIT),
	T(DRM_IOCTL_VERSION), T(DRM_IOCTL_GET_CAP), T(DRM_IOCTL_GEM_CLOSE),
	T(DRM_IOCTL_PRIME_HANDLE_TO_FD), T(DRM_IOCTL_PRIME_FD_TO_HANDLE),
	T(DRM_IOCTL_SYNCOBJ_CREATE), T(DRM_IOCTL_SYNCOBJ_DESTROY),
	T(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD), T(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE),
	T(DRM_IOCTL_SYNCOBJ_WAIT), T(DRM_IOCTL_SYNCOBJ_RESET),
	T(DRM_IOCTL_SYNCOBJ_SIGNAL), T(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT),
	T(DRM_IOCTL_SYNCOBJ_QUERY), T(DRM_IOCTL_SYNCOBJ_TRANSFER),
	T(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL), T(DRM_IOCTL_GET_UNIQUE),
	T(DRM_IOCTL_GET_MAGIC), T(DRM_IOCTL_SET_MASTER),
	T(DRM_IOCTL_GEM_FLINK), T(DRM_IOCTL_GEM_OPEN),
};
#define NTARGETS	(sizeof(targets) / sizeof(targets[0]))

/* What any of these may answer (neuron_accel.h, drm-uapi.rst). */
static bool errno_documented(int e)
{
	switch (e) {
	case 0: case EINVAL: case EFAULT: case ENOENT: case EACCES:
	case EPERM: case ENOSPC: case E2BIG: case EBUSY: case EXDEV:
	case ENOTTY: case ECANCELED: case ETIMEDOUT: case EIO: case EEXIST:
	case EOPNOTSUPP: case ENOMEM: case EAGAIN: case EINTR: case EDEADLK:
	case EMFILE: case EBADF: case EOVERFLOW: case ENODEV: case ETIME:
	case ENXIO:
		return true;
	}
	return false;
}

static uint64_t rng;

static uint64_t rnd(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return rng >> 11;
}

/* One argument: random words, some replaced by pointers, handles, sizes. */
static void fill_arg(uint8_t *arg, uint8_t *scratch)
{
	uint64_t *w = (uint64_t *)arg;

	for (unsigned int i = 0; i < ARG_SIZE / 8; i++) {
		switch (rnd() % 10) {
		case 8: case 9:
			w[i] = 0;	/* flags and pads: get past the first checks */
			break;
		case 0: case 1:
			w[i] = (uintptr_t)(scratch + (rnd() % (SCRATCH / 2) & ~7ull));
			break;
		case 2:
			w[i] = rnd() % 8 | (rnd() % 8) << 32;	/* handles, counts */
			break;
		case 3:
			w[i] = 0;
			break;
		case 4:
			w[i] = (rnd() % 16) << 12 | (rnd() % 4) << 32;
			break;
		default:
			w[i] = rnd() << 11 ^ rnd();
			break;
		}
	}
}

/*
 * A mostly valid argument for the ioctls that need one to get anywhere; the
 * caller then flips a few bytes. Handles 1..8 name the BOs and syncobjs
 * made at the start; the xfer/desc/sync arrays live in @scratch.
 */
static bool template_arg(unsigned long cmd, uint8_t *arg, uint8_t *scratch)
{
	memset(arg, 0, ARG_SIZE);
	switch (cmd) {
	case DRM_IOCTL_NEURON_BO_CREATE: {
		struct drm_neuron_bo_create *c = (void *)arg;

		c->size = (rnd() % 64 + 1) << (rnd() % 2 ? 12 : 16);
		c->placement = rnd() % 2;
		return true;
	}
	case DRM_IOCTL_NEURON_BO_INFO:
		((struct drm_neuron_bo_info *)arg)->handle = rnd() % 9;
		return true;
	case DRM_IOCTL_NEURON_SUBMIT: {
		struct drm_neuron_submit *sb = (void *)arg;
		struct drm_neuron_xfer *x = (void *)scratch;
		struct drm_neuron_sync *sy = (void *)(scratch + 4096);
		unsigned int n = rnd() % 4 + 1;

		for (unsigned int i = 0; i < n; i++) {
			memset(&x[i], 0, sizeof(x[i]));
			x[i].type = rnd() % 8 ? DRM_NEURON_XFER_COPY : rnd() % 5;
			x[i].src_handle = rnd() % 9;
			x[i].dst_handle = rnd() % 9;
			x[i].src_offset = (rnd() % 4) << 10;
			x[i].dst_offset = (rnd() % 4) << 10;
			x[i].size = (rnd() % 8 + 1) << 8;
			x[i].nc = rnd() % 4;
			x[i].index = rnd() % 32;
		}
		sy[0] = (struct drm_neuron_sync){ .handle = rnd() % 9 };
		sb->engine = rnd() % 12;
		sb->pad0 = rnd() % 16 == 0;
		sb->xfers = (uintptr_t)x;
		sb->xfer_count = n;
		if (rnd() % 4 == 0) {
			sb->in_syncs = (uintptr_t)sy;
			sb->in_sync_count = 1;
		}
		if (rnd() % 2)
			sb->out_sync.handle = rnd() % 9;
		return true;
	}
	case DRM_IOCTL_NEURON_CORE_ACQUIRE:
	case DRM_IOCTL_NEURON_CORE_RELEASE:
		((struct drm_neuron_core_acquire *)arg)->core_mask = rnd() % 16;
		return true;
	case DRM_IOCTL_NEURON_NQ_CREATE: {
		struct drm_neuron_nq_create *c = (void *)arg;

		c->core = rnd() % 4;
		c->type = rnd() % 4;
		c->engine = rnd() % 4;
		c->handle = rnd() % 9;
		c->size = 256u << (rnd() % 6);
		return true;
	}
	case DRM_IOCTL_NEURON_NQ_ADVANCE: {
		struct drm_neuron_nq_advance *a = (void *)arg;

		a->core = rnd() % 4;
		a->type = rnd() % 4;
		a->count = rnd() % 4;
		return true;
	}
	case DRM_IOCTL_GET_CAP:
		((struct drm_get_cap *)arg)->capability = rnd() % 0x20;
		return true;
	}
	return false;
}

/* The fuzzing: in a child that dropped root; 0 or the exit code of a failure. */
static int fuzz(int fd, uint64_t seed, unsigned int calls)
{
	static uint8_t arg[ARG_SIZE] __attribute__((aligned(8)));
	uint8_t *scratch;
	unsigned int i, per[NTARGETS] = { 0 }, ok[NTARGETS] = { 0 };

	scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		return 10;
	rng = seed;
	/* A few real objects for the small handles to name. */
	for (i = 0; i < 4; i++) {
		struct drm_neuron_bo_create c = { .size = 4096 << i,
						  .placement = i & 1 };
		struct drm_syncobj_create s = { 0 };

		ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c);
		ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &s);
	}

	for (i = 0; i < calls; i++) {
		unsigned int t = rnd() % NTARGETS;
		unsigned long cmd = targets[t].cmd;
		int ret, e;

		for (unsigned int j = 0; j < SCRATCH / 8; j += 1 + rnd() % 64)
			((uint64_t *)scratch)[j] = rnd() % 4 ? rnd() % 16 : rnd();
		if (rnd() % 3 == 0 || !template_arg(cmd, arg, scratch)) {
			fill_arg(arg, scratch);
		} else {
			/* A few bytes of a valid argument wrong, or none. */
			for (unsigned int k = rnd() % 4; k; k--)
				arg[rnd() % 64] = rnd();
		}
		/* Now and then a wrong size or direction of the same number. */
		if (rnd() % 16 == 0)
			cmd = _IOC(rnd() % 4, _IOC_TYPE(cmd), _IOC_NR(cmd), rnd() % ARG_SIZE);
		/* Bounded waits: an absolute deadline in the past or soon. */
		if (cmd == DRM_IOCTL_NEURON_WAIT || cmd == DRM_IOCTL_SYNCOBJ_WAIT ||
		    cmd == DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT)
			alarm(2);
		ret = ioctl(fd, cmd, arg);
		e = ret ? errno : 0;
		alarm(0);
		per[t]++;
		ok[t] += !ret;
		if (!errno_documented(e)) {
			igt_info("seed %llu call %u: %s (cmd %#lx) -> errno %d (%s)\n",
				 (unsigned long long)seed, i, targets[t].name, cmd, e,
				 strerror(e));
			return 11;
		}
		/* Do not let the fuzzer close its own descriptors. */
		if (!ret && (cmd == DRM_IOCTL_PRIME_HANDLE_TO_FD ||
			     cmd == DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD)) {
			int nfd = cmd == DRM_IOCTL_PRIME_HANDLE_TO_FD ?
				  ((struct drm_prime_handle *)arg)->fd :
				  ((struct drm_syncobj_handle *)arg)->fd;

			if (nfd > 2 && nfd != fd)
				close(nfd);
		}
	}
	for (i = 0; i < NTARGETS; i++)
		igt_info("seed %llu: %-34s %5u calls %5u succeeded\n",
			 (unsigned long long)seed, targets[i].name, per[i], ok[i]);
	munmap(scratch, SCRATCH);
	return 0;
}

static void handler(int sig)
{
	(void)sig;
}

igt_main
{
	int fd = -1;
	char seeds[128] = "1 2 3";
	unsigned int calls = 20000;

	igt_fixture {
		const char *s = getenv("NEURON_FUZZ_SEEDS");
		const char *c = getenv("NEURON_FUZZ_CALLS");

		igt_require(geteuid() == 0);
		if (s)
			snprintf(seeds, sizeof(seeds), "%s", s);
		if (c)
			calls = strtoul(c, NULL, 0);
		fd = igt_neuron_open(0);
	}

	igt_describe("Struct fuzzing of every driver ioctl and the core ones, as nobody: "
		     "documented errnos only, another tenant's canaries intact, node usable");
	igt_subtest("struct-fuzz") {
		uint32_t host = neuron_bo_create(fd, CANARY, DRM_NEURON_BO_HOST);
		uint32_t dram = neuron_bo_create(fd, CANARY, DRM_NEURON_BO_DRAM);
		uint32_t back = neuron_bo_create(fd, CANARY, DRM_NEURON_BO_HOST);
		uint8_t *h = neuron_bo_mmap(fd, host, CANARY);
		uint8_t *b = neuron_bo_mmap(fd, back, CANARY);
		struct drm_neuron_xfer x = {
			.type = DRM_NEURON_XFER_COPY, .src_handle = host,
			.dst_handle = dram, .size = CANARY,
		};
		struct drm_neuron_submit sub = { .xfers = (uintptr_t)&x, .xfer_count = 1 };
		struct drm_syncobj_create sc = { 0 };
		struct drm_syncobj_wait w = { .count_handles = 1, .timeout_nsec = INT64_MAX };
		struct sigaction sa = { .sa_handler = handler };
		char old_dram[32] = "0", old_host[32] = "0";
		unsigned int nseeds = 0;

		for (unsigned int i = 0; i < CANARY; i++)
			h[i] = (uint8_t)(i * 7 + 1);
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
		sub.out_sync.handle = sc.handle;
		do_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub);
		w.handles = (uintptr_t)&sc.handle;
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);

		/*
		 * Random DRAM BOs are cleared by DMA: keep them small. Host BOs
		 * used by a job or a notification queue are pinned whole, and
		 * nothing bounds pinned memory but the file's host bound
		 * (default: the RAM), so the fuzzer gets a small one.
		 */
		neuron_read_file(PARAM_DIR "file_dram_max_mib", old_dram, sizeof(old_dram));
		neuron_read_file(PARAM_DIR "file_host_max_mib", old_host, sizeof(old_host));
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_dram_max_mib", "16"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_host_max_mib", "64"), 0);

		for (char *tok = strtok(seeds, " "); tok; tok = strtok(NULL, " ")) {
			uint64_t seed = strtoull(tok, NULL, 0);
			pid_t pid = fork();

			igt_assert(pid >= 0);
			if (pid == 0) {
				int ufd;

				sigaction(SIGALRM, &sa, NULL);	/* interrupt, do not kill */
				ufd = igt_neuron_open(0);
				if (setresgid(65534, 65534, 65534) ||
				    setresuid(65534, 65534, 65534))
					_exit(2);
				_exit(fuzz(ufd, seed, calls));
			}
			neuron_wait_exit_ok(pid);
			nseeds++;
		}
		igt_info("%u seeds x %u calls over %zu ioctls: no undocumented errno\n",
			 nseeds, calls, NTARGETS);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_dram_max_mib",
					       strtok(old_dram, "\n")), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_host_max_mib",
					       strtok(old_host, "\n")), 0);

		/* The victim's canaries, host and DRAM. */
		for (unsigned int i = 0; i < CANARY; i++)
			igt_assert_f(h[i] == (uint8_t)(i * 7 + 1), "host canary byte %u\n", i);
		memset(b, 0, CANARY);
		x.src_handle = dram;
		x.dst_handle = back;
		do_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub);
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		igt_assert(memcmp(b, h, CANARY) == 0);
		munmap(h, CANARY);
		munmap(b, CANARY);
	}

	igt_fixture
		close(fd);
}
