// SPDX-License-Identifier: MIT
/*
 * neuron_hostile - a seeded, bounded hostile user: struct fuzzing of every
 * driver ioctl and of the core ioctls, as nobody, with canaries of another
 * tenant checked afterwards; handle abuse across processes and users,
 * close/kill races against jobs in flight, exhaustion then recovery
 * (issue #13)
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
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
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
	T(DRM_IOCTL_NEURON_WAIT), T(DRM_IOCTL_NEURON_PROGRAM_CREATE),
	T(DRM_IOCTL_NEURON_PROGRAM_DESTROY), T(DRM_IOCTL_NEURON_CONTEXT_CREATE),
	T(DRM_IOCTL_NEURON_CONTEXT_DESTROY),
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
	case ENXIO: case ESTALE:
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
		/* contexts and programs 1..4 exist now and then */
		sb->context = rnd() % 4 ? 0 : rnd() % 5;
		if (rnd() % 4 == 0) {
			sb->program = rnd() % 5;
			return true;
		}
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
	case DRM_IOCTL_NEURON_PROGRAM_CREATE: {
		struct drm_neuron_program_create *c = (void *)arg;
		struct drm_neuron_dma_desc *d = (void *)scratch;
		uint32_t *h = (void *)(scratch + 4096);
		uint32_t n = rnd() % 4 + 1;

		for (uint32_t i = 0; i < n; i++) {
			memset(&d[i], 0, sizeof(d[i]));
			d[i].src.kind = rnd() % 3;
			d[i].src.index = rnd() % 4;
			d[i].src.region = d[i].src.kind ? rnd() % 7 : 0;
			d[i].src.offset = (rnd() % 4) << 10;
			d[i].dst.kind = rnd() % 3;
			d[i].dst.index = rnd() % 4;
			d[i].dst.region = d[i].dst.kind ? rnd() % 7 : 0;
			d[i].dst.offset = (rnd() % 4) << 2;
			d[i].size = rnd() % 2 ? 4 : (rnd() % 8 + 1) << 8;
			d[i].flags = rnd() % 8 == 0;
			h[i] = rnd() % 9;
		}
		c->descs = (uintptr_t)d;
		c->desc_count = n;
		c->bo_handles = (uintptr_t)h;
		c->bo_handle_count = n;
		return true;
	}
	case DRM_IOCTL_NEURON_PROGRAM_DESTROY:
		((struct drm_neuron_program_destroy *)arg)->handle = rnd() % 5;
		return true;
	case DRM_IOCTL_NEURON_CONTEXT_CREATE:
		((struct drm_neuron_context_create *)arg)->core_mask = rnd() % 17;
		return true;
	case DRM_IOCTL_NEURON_CONTEXT_DESTROY:
		((struct drm_neuron_context_destroy *)arg)->handle = rnd() % 5;
		return true;
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

/* ------------------------------------------------------------------------ */
/* Across processes and users: handles, dma-bufs, closes, kills, exhaustion  */

#define TENANT		65533	/* the victim / owner in these subtests */
#define ATTACKER	65534
#define MEMLOCK		(8ull << 20)

/* Everything allocated on @fd's device, host and DRAM, in bytes. */
static uint64_t device_used(int fd)
{
	struct drm_neuron_query_memory_usage u;
	uint64_t sum = 0;

	neuron_query(fd, DRM_NEURON_QUERY_MEMORY_USAGE, &u, sizeof(u), 0);
	for (unsigned int i = 0; i < u.region_count; i++)
		sum += u.regions[i].used;
	return sum;
}

/* The memory usage of every device back to @base within ~5 s. */
static void assert_used_back(const int *fds, int n, const uint64_t *base)
{
	for (int d = 0; d < n; d++) {
		uint64_t used = 0;

		for (int i = 0; i < 250; i++) {
			used = device_used(fds[d]);
			if (used == base[d])
				break;
			usleep(20000);
		}
		igt_assert_f(used == base[d], "device %d: %llu bytes used, %llu before\n",
			     d, (unsigned long long)used, (unsigned long long)base[d]);
	}
}

/* Drops root for @uid with an RLIMIT_MEMLOCK of MEMLOCK; false on failure. */
static bool become(uid_t uid)
{
	struct rlimit rl = { .rlim_cur = MEMLOCK, .rlim_max = MEMLOCK };

	return !setrlimit(RLIMIT_MEMLOCK, &rl) && !setresgid(uid, uid, uid) &&
	       !setresuid(uid, uid, uid);
}

/*
 * In a child as @uid: 1 MiB host BOs on a fresh file until one fails, a
 * job that copies the first into the last and its fence; exits 0 when it
 * got its whole RLIMIT_MEMLOCK (8 BOs) and the job succeeded.
 */
static int uid_can_work(int dev, uid_t uid)
{
	pid_t pid = fork();

	igt_assert_gte(pid, 0);
	if (pid == 0) {
		int fd = igt_neuron_open(dev), n = 0;
		struct drm_neuron_bo_create c = { .size = 1 << 20 };
		struct drm_syncobj_create s = { 0 };
		struct drm_syncobj_wait w = { .count_handles = 1,
					      .timeout_nsec = INT64_MAX };
		struct drm_neuron_xfer x = { .type = DRM_NEURON_XFER_COPY,
					     .src_handle = 1, .size = 4096 };
		struct drm_neuron_submit sub = { .xfers = (uintptr_t)&x,
						 .xfer_count = 1 };

		if (!become(uid))
			_exit(2);
		while (n < 64 && !ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c)) {
			x.dst_handle = c.handle;
			n++;
		}
		if (n != 8 || errno != ENOMEM)
			_exit(3);
		if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &s))
			_exit(4);
		sub.out_sync.handle = s.handle;
		w.handles = (uintptr_t)&s.handle;
		if (ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub) ||
		    ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w))
			_exit(5);
		_exit(0);
	}
	return pid;
}

static void assert_uid_can_work(int dev, uid_t uid)
{
	int st = 0;

	/* A killed process's BOs are freed shortly after it is reaped. */
	for (int i = 0; i < 100; i++) {
		pid_t pid = uid_can_work(dev, uid);

		igt_assert_eq(waitpid(pid, &st, 0), pid);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return;
		usleep(50000);
	}
	igt_assert_f(0, "uid %u on device %d: child status %#x\n", uid, dev, st);
}

static void send_fds(int sock, const int *fds, int n, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	igt_assert_eq(sendmsg(sock, &msg, 0), (ssize_t)len);
}

static bool recv_fds(int sock, int *fds, int n, void *data, size_t len)
{
	char cbuf[CMSG_SPACE(8 * sizeof(int))];
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	if (recvmsg(sock, &msg, 0) != (ssize_t)len)
		return false;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return false;
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return true;
}

/* What the owner tells the attacker, with 3 fds: host, DRAM, syncobj. */
struct owner_msg {
	uint32_t host, dram, priv, syncobj, core;
};

#define OWNER_CANARY	(64 * 1024)

/*
 * The owner (TENANT): core 0 and a notification queue on it, a shared host
 * BO and DRAM BO and a syncobj with a job's fence, sent to the attacker as
 * fds over @sock with its own handle numbers, and a private host BO whose
 * canary it checks once the attacker says "close" (one byte), before it
 * closes everything and exits while the attacker goes on.
 */
static int owner(int sock)
{
	int fd = igt_neuron_open(0), fds[3];
	struct owner_msg m = { .core = 0 };
	struct drm_neuron_bo_create c = { .size = OWNER_CANARY };
	struct drm_neuron_core_acquire ca = { .core_mask = 1 };
	struct drm_neuron_nq_create nq = { .size = 4096 };
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_syncobj_create sc = { 0 };
	struct drm_syncobj_handle sh = { 0 };
	struct drm_neuron_xfer x = { .type = DRM_NEURON_XFER_COPY, .size = 4096 };
	struct drm_neuron_submit sub = { .xfers = (uintptr_t)&x, .xfer_count = 1 };
	struct drm_neuron_bo_info bi = { 0 };
	uint8_t *p;
	char cmd;

	if (!become(TENANT))
		return 2;
	if (ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &ca) ||
	    ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c))
		return 3;
	m.priv = c.handle;
	c.placement = DRM_NEURON_BO_HOST;
	if (ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c))
		return 3;
	m.host = c.handle;
	c.placement = DRM_NEURON_BO_DRAM;
	if (ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c))
		return 3;
	m.dram = c.handle;
	nq.handle = m.host;
	if (ioctl(fd, DRM_IOCTL_NEURON_NQ_CREATE, &nq) ||
	    ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return 4;
	m.syncobj = sc.handle;
	x.src_handle = m.host;
	x.dst_handle = m.dram;
	sub.out_sync.handle = sc.handle;
	if (ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub))
		return 5;
	bi.handle = m.priv;
	if (ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &bi))
		return 6;
	p = mmap(NULL, OWNER_CANARY, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 bi.mmap_offset);
	if (p == MAP_FAILED)
		return 6;
	for (unsigned int i = 0; i < OWNER_CANARY; i++)
		p[i] = (uint8_t)(i * 13 + 5);

	ph.handle = m.host;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph))
		return 7;
	fds[0] = ph.fd;
	ph.handle = m.dram;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph))
		return 7;
	fds[1] = ph.fd;
	sh.handle = sc.handle;
	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh))
		return 7;
	fds[2] = sh.fd;
	send_fds(sock, fds, 3, &m, sizeof(m));
	for (int i = 0; i < 3; i++)
		close(fds[i]);

	if (read(sock, &cmd, 1) != 1)
		return 8;
	for (unsigned int i = 0; i < OWNER_CANARY; i++)
		if (p[i] != (uint8_t)(i * 13 + 5)) {
			igt_info("owner: private canary byte %u changed\n", i);
			return 9;
		}
	return 0;	/* exit closes the file, its BOs, queue and core */
}

/* An attacker's handle: valid in its file, or a number it does not hold. */
static uint32_t pick(const uint32_t *mine, int n, const struct owner_msg *m)
{
	switch (rnd() % 4) {
	case 0:
		return n ? mine[rnd() % n] : 1;
	case 1:
		return (&m->host)[rnd() % 4];
	default:
		return rnd() % 12;
	}
}

static bool holds(const uint32_t *mine, int n, uint32_t h)
{
	for (int i = 0; i < n; i++)
		if (mine[i] == h)
			return true;
	return false;
}

/*
 * The attacker (ATTACKER), with its own files on devices 0 and (if there
 * is one) 1: @calls seeded calls that name the owner's handle numbers, NQ
 * and core, import the owner's dma-bufs and syncobj and use them, close
 * them and use the stale handles; halfway it tells the owner to check its
 * canary and go, and uses the imports after the owner is gone. Any handle
 * it does not hold must give ENOENT, the owner's core EACCES or EBUSY.
 */
static int attacker(int sock, uint64_t seed, unsigned int calls, int ndev)
{
	int fd[2], rfds[3], n = 0;
	uint32_t mine[64], syncs[16];
	int nsyncs = 0;
	unsigned int per[10] = { 0 }, ok[10] = { 0 };
	struct owner_msg m;

	rng = seed;
	fd[0] = igt_neuron_open(0);
	fd[1] = ndev > 1 ? igt_neuron_open(1) : fd[0];
	if (!become(ATTACKER))
		return 2;
	if (!recv_fds(sock, rfds, 3, &m, sizeof(m)))
		return 3;

	for (unsigned int i = 0; i < calls; i++) {
		unsigned int op = rnd() % 10;
		int f = fd[0], ret, e;
		uint32_t h = pick(mine, n, &m);
		bool held = holds(mine, n, h);
		const char *what;

		if (i == calls / 2 && write(sock, "c", 1) != 1)
			return 4;
		per[op]++;
		switch (op) {
		case 0: {	/* import a dma-buf of the owner, on either device */
			struct drm_prime_handle ph = { .fd = rfds[rnd() % 2] };

			what = "PRIME_FD_TO_HANDLE";
			f = fd[rnd() % 2];
			ret = ioctl(f, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph);
			if (!ret && f == fd[0] && n < 64 && !holds(mine, n, ph.handle))
				mine[n++] = ph.handle;
			if (!ret && f != fd[0])		/* only device 0's are tracked */
				ioctl(f, DRM_IOCTL_GEM_CLOSE,
				      &(struct drm_gem_close){ .handle = ph.handle });
			break;
		}
		case 1: {	/* a BO of its own */
			struct drm_neuron_bo_create c = { .size = 4096 << (rnd() % 4),
							  .placement = rnd() % 2 };

			what = "BO_CREATE";
			ret = ioctl(f, DRM_IOCTL_NEURON_BO_CREATE, &c);
			if (!ret && n < 64)
				mine[n++] = c.handle;
			else if (!ret)
				ioctl(f, DRM_IOCTL_GEM_CLOSE,
				      &(struct drm_gem_close){ .handle = c.handle });
			break;
		}
		case 2: {
			struct drm_neuron_bo_info bi = { .handle = h };

			what = "BO_INFO";
			ret = ioctl(f, DRM_IOCTL_NEURON_BO_INFO, &bi);
			break;
		}
		case 3: {	/* copy between two handles, maybe not its own */
			uint32_t h2 = pick(mine, n, &m);
			struct drm_neuron_xfer x = { .type = DRM_NEURON_XFER_COPY,
						     .src_handle = h, .dst_handle = h2,
						     .size = 4096 };
			struct drm_neuron_submit sub = { .xfers = (uintptr_t)&x,
							 .xfer_count = 1,
							 .engine = rnd() % 4 };

			what = "SUBMIT";
			if (nsyncs && rnd() % 2)
				sub.out_sync.handle = syncs[rnd() % nsyncs];
			ret = ioctl(f, DRM_IOCTL_NEURON_SUBMIT, &sub);
			e = ret ? errno : 0;
			if (ret && (!held || !holds(mine, n, h2)) &&
			    e != ENOENT && e != EINVAL && e != ENOSPC && e != ENOMEM) {
				igt_info("SUBMIT %u -> %u: errno %d\n", h, h2, e);
				return 10;
			}
			if (!ret && (!held || !holds(mine, n, h2))) {
				igt_info("SUBMIT with handles %u, %u it does not hold\n", h, h2);
				return 11;
			}
			continue;
		}
		case 4: {	/* close, then the stale handle is checked below */
			what = "GEM_CLOSE";
			ret = ioctl(f, DRM_IOCTL_GEM_CLOSE, &(struct drm_gem_close){ .handle = h });
			if (!ret)
				for (int k = 0; k < n; k++)
					if (mine[k] == h)
						mine[k] = mine[--n];
			break;
		}
		case 5: {	/* the owner's syncobj: its number, or imported */
			struct drm_syncobj_handle sh = { .fd = rfds[2] };

			what = "SYNCOBJ_FD_TO_HANDLE";
			ret = ioctl(f, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &sh);
			if (!ret && nsyncs < 16)
				syncs[nsyncs++] = sh.handle;
			else if (!ret)
				ioctl(f, DRM_IOCTL_SYNCOBJ_DESTROY,
				      &(struct drm_syncobj_destroy){ .handle = sh.handle });
			break;
		}
		case 6: {
			uint32_t s = rnd() % 2 && nsyncs ? syncs[rnd() % nsyncs] :
				     (rnd() % 2 ? m.syncobj : rnd() % 8);
			struct drm_syncobj_wait w = { .handles = (uintptr_t)&s,
						      .count_handles = 1 };

			what = "SYNCOBJ_WAIT";
			ret = ioctl(f, DRM_IOCTL_SYNCOBJ_WAIT, &w);
			e = ret ? errno : 0;
			if (e == ENOENT || e == EINVAL || e == ETIME || !e)
				continue;
			break;
		}
		case 7: {	/* the owner's notification queue and core */
			struct drm_neuron_nq_advance a = { .core = m.core, .count = 1 };
			struct drm_neuron_nq_destroy d = { .core = m.core };

			what = "NQ_ADVANCE/NQ_DESTROY";
			ret = rnd() % 2 ? ioctl(f, DRM_IOCTL_NEURON_NQ_ADVANCE, &a) :
					  ioctl(f, DRM_IOCTL_NEURON_NQ_DESTROY, &d);
			e = ret ? errno : 0;
			/* Its own core 0 after the owner left: ENOENT (no queue). */
			if (e != EACCES && e != ENOENT) {
				igt_info("NQ op on the owner's core: ret %d errno %d\n", ret, e);
				return 12;
			}
			continue;
		}
		case 8: {
			struct drm_neuron_core_acquire ca = { .core_mask = 1u << m.core };

			what = "CORE_ACQUIRE";
			ret = ioctl(f, DRM_IOCTL_NEURON_CORE_ACQUIRE, &ca);
			e = ret ? errno : 0;
			if (e && e != EBUSY && e != ETIMEDOUT) {
				igt_info("CORE_ACQUIRE of the owner's core: errno %d\n", e);
				return 13;
			}
			continue;
		}
		default: {	/* map a handle (own or not) or a dma-buf */
			struct drm_neuron_bo_info bi = { .handle = h };
			void *p;

			what = "mmap";
			if (rnd() % 2) {
				p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
					 rfds[0], 0);
				if (p == MAP_FAILED)
					return 14;
				((volatile uint8_t *)p)[rnd() % 4096]++;
				munmap(p, 4096);
				continue;
			}
			ret = ioctl(f, DRM_IOCTL_NEURON_BO_INFO, &bi);
			if (!ret && bi.mmap_offset) {
				p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, f, bi.mmap_offset);
				if (p != MAP_FAILED)
					munmap(p, 4096);
			}
			break;
		}
		}
		e = ret ? errno : 0;
		ok[op] += !e;
		if (!errno_documented(e)) {
			igt_info("seed %llu call %u: %s -> errno %d\n",
				 (unsigned long long)seed, i, what, e);
			return 15;
		}
		/*
		 * A number it does not hold: BO_INFO ENOENT, GEM_CLOSE EINVAL
		 * (the core's answer); one it just closed is stale at once.
		 */
		if (!held && op == 2 && e != ENOENT) {
			igt_info("BO_INFO of handle %u it does not hold: errno %d\n", h, e);
			return 16;
		}
		if (!held && op == 4 && e != EINVAL && e != ENOENT) {
			igt_info("GEM_CLOSE of handle %u it does not hold: errno %d\n", h, e);
			return 16;
		}
		if (held && op == 4) {
			struct drm_neuron_bo_info bi = { .handle = h };

			if (e || !ioctl(f, DRM_IOCTL_NEURON_BO_INFO, &bi) || errno != ENOENT) {
				igt_info("GEM_CLOSE of its handle %u: errno %d, then still there\n",
					 h, e);
				return 17;
			}
		}
	}
	igt_info("seed %llu: calls per kind (import, create, info, submit, close, "
		 "syncobj import, wait, nq, acquire, mmap): %u %u %u %u %u %u %u %u %u %u; "
		 "imports %u, creates %u, infos %u, closes %u succeeded\n",
		 (unsigned long long)seed, per[0], per[1], per[2], per[3], per[4],
		 per[5], per[6], per[7], per[8], per[9], ok[0], ok[1], ok[2], ok[4]);
	for (int i = 0; i < 3; i++)
		close(rfds[i]);
	return 0;
}

struct race_state {
	int fd[2];
	uint32_t bo[4];		/* host, DRAM, peer DRAM (or DRAM), host on fd[1] */
	uint32_t sync[4];
	uint64_t seed;
};

/* Closes handles, syncobjs and, last, maybe a file, while jobs go in. */
static void *race_closer(void *arg)
{
	struct race_state *st = arg;
	uint64_t r = st->seed * 0x9e3779b97f4a7c15ull + 1;

	for (int i = 0; i < 6; i++) {
		r = r * 6364136223846793005ull + 1442695040888963407ull;
		usleep((r >> 33) % 1500);
		switch ((r >> 20) % 4) {
		case 0:
			ioctl(st->fd[0], DRM_IOCTL_GEM_CLOSE,
			      &(struct drm_gem_close){ .handle = st->bo[(r >> 40) % 3] });
			break;
		case 1:
			ioctl(st->fd[0], DRM_IOCTL_SYNCOBJ_DESTROY,
			      &(struct drm_syncobj_destroy){ .handle = st->sync[(r >> 40) % 4] });
			break;
		case 2:
			if (i == 5)
				close(st->fd[1]);
			break;
		default:
			break;
		}
	}
	return NULL;
}

static uint32_t race_import(int from, uint32_t h, int to)
{
	struct drm_prime_handle ex = { .handle = h, .flags = DRM_CLOEXEC };
	struct drm_prime_handle im = { 0 };

	if (ioctl(from, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ex))
		return 0;
	im.fd = ex.fd;
	if (ioctl(to, DRM_IOCTL_PRIME_FD_TO_HANDLE, &im))
		im.handle = 0;
	close(ex.fd);
	return im.handle;
}

/*
 * One round, in a child as ATTACKER: BOs of every kind shared between two
 * files (on two devices when there are two), chains of copies through
 * them, a thread that closes handles, syncobjs and a file meanwhile; then
 * by the seed the child exits with its jobs in flight or waits for them.
 * The parent may kill it at any moment. Exit 0, or the failed check.
 */
static int race_child(uint64_t seed, int ndev)
{
	struct race_state st = { .seed = seed };
	struct drm_neuron_bo_create c = { .size = 256 << 10 };
	pthread_t tid;

	rng = seed;
	st.fd[0] = igt_neuron_open(0);
	st.fd[1] = igt_neuron_open(ndev > 1 ? 1 : 0);
	if (!become(ATTACKER))
		return 2;
	if (ioctl(st.fd[0], DRM_IOCTL_NEURON_BO_CREATE, &c))
		return 3;
	st.bo[0] = c.handle;
	c.placement = DRM_NEURON_BO_DRAM;
	if (ioctl(st.fd[0], DRM_IOCTL_NEURON_BO_CREATE, &c))
		return 3;
	st.bo[1] = c.handle;
	if (ioctl(st.fd[1], DRM_IOCTL_NEURON_BO_CREATE, &c))
		return 3;
	st.bo[2] = race_import(st.fd[1], c.handle, st.fd[0]);
	st.bo[3] = race_import(st.fd[0], st.bo[0], st.fd[1]);
	if (!st.bo[2] || !st.bo[3])
		return 4;
	for (int i = 0; i < 4; i++) {
		struct drm_syncobj_create s = { 0 };

		if (ioctl(st.fd[0], DRM_IOCTL_SYNCOBJ_CREATE, &s))
			return 5;
		st.sync[i] = s.handle;
	}
	if (pthread_create(&tid, NULL, race_closer, &st))
		return 6;

	for (int i = 0; i < 48; i++) {
		bool other = rnd() % 4 == 0;
		struct drm_neuron_xfer x = {
			.type = DRM_NEURON_XFER_COPY, .size = 64 << 10,
			.src_handle = other ? st.bo[3] : st.bo[rnd() % 3],
			.dst_handle = other ? st.bo[3] : st.bo[rnd() % 3],
			.dst_offset = other ? 128 << 10 : 0,
		};
		struct drm_neuron_sync in = { .handle = st.sync[(i + 3) % 4] };
		struct drm_neuron_submit sub = {
			.engine = rnd() % 4, .xfers = (uintptr_t)&x, .xfer_count = 1,
		};
		int e;

		if (!other) {
			sub.out_sync.handle = st.sync[i % 4];
			if (i && rnd() % 2) {
				sub.in_syncs = (uintptr_t)&in;
				sub.in_sync_count = 1;
			}
		}
		if (!ioctl(st.fd[other], DRM_IOCTL_NEURON_SUBMIT, &sub))
			continue;
		e = errno;
		if (e == EBADF)
			break;
		/* Closed handles and syncobjs: ENOENT; an unsignalled in-sync
		 * whose fence was dropped: EINVAL (drm_syncobj_find_fence). */
		if (!errno_documented(e)) {
			igt_info("race seed %llu submit %d: errno %d\n",
				 (unsigned long long)seed, i, e);
			return 7;
		}
	}
	if (rnd() % 2)
		_exit(0);	/* jobs in flight, the thread too */
	pthread_join(tid, NULL);
	return 0;
}

/*
 * Exhaustion as ATTACKER over 8 files on every device: its whole
 * RLIMIT_MEMLOCK of host BOs and jobs behind a gate until the device
 * bound; writes the counts to @ready and waits to be killed.
 */
static int hog(int ready, int gate_fd, int ndev)
{
	int fds[8], bos = 0, jobs = 0, ret = 0;
	uint32_t h[8] = { 0 };

	for (int i = 0; i < 8; i++)
		fds[i] = igt_neuron_open(i % ndev);
	if (!become(ATTACKER))
		return 2;
	for (int i = 0; ; i++) {
		struct drm_neuron_bo_create c = { .size = 1 << 20 };

		if (ioctl(fds[i % 8], DRM_IOCTL_NEURON_BO_CREATE, &c)) {
			ret = errno;
			break;
		}
		h[i % 8] = c.handle;
		bos++;
	}
	if (ret != ENOMEM)
		return 3;
	for (int i = 0; i < 8; i++) {
		struct drm_syncobj_handle im = { .fd = gate_fd };
		struct drm_neuron_sync in;
		struct drm_neuron_xfer x = { .type = DRM_NEURON_XFER_COPY,
					     .src_handle = h[i], .dst_handle = h[i],
					     .dst_offset = 4096, .size = 4096 };
		struct drm_neuron_submit sub = { .xfers = (uintptr_t)&x,
						 .xfer_count = 1,
						 .in_syncs = (uintptr_t)&in,
						 .in_sync_count = 1 };

		if (!h[i] || ioctl(fds[i], DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &im))
			return 4;
		in = (struct drm_neuron_sync){ .handle = im.handle };
		while (!ioctl(fds[i], DRM_IOCTL_NEURON_SUBMIT, &sub)) {
			sub.engine = (sub.engine + 1) % 4;
			jobs++;
		}
		if (errno != ENOSPC)
			return 5;
	}
	if (write(ready, (int[2]){ bos, jobs }, 2 * sizeof(int)) != 2 * sizeof(int))
		return 6;
	pause();
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

	igt_describe("Handles across processes and users: the owner's GEM, syncobj and NQ "
		     "names are nothing in another file (ENOENT/EACCES/EBUSY), its dma-bufs "
		     "and syncobj passed over a UNIX socket to another uid work and keep "
		     "working after the owner is gone; its private canary is intact, "
		     "everything is freed and uncharged afterwards");
	igt_subtest("handle-abuse") {
		int ndev = igt_neuron_count() > 1 ? 2 : 1, fds[2];
		uint64_t base[2];
		unsigned int nseeds = 0;
		char s[128];

		igt_require(geteuid() == 0);
		fds[0] = fd;
		fds[1] = igt_neuron_open(ndev - 1);
		for (int d = 0; d < ndev; d++)
			base[d] = device_used(fds[d]);
		snprintf(s, sizeof(s), "%s", seeds);
		for (char *tok = strtok(s, " "); tok; tok = strtok(NULL, " ")) {
			uint64_t seed = strtoull(tok, NULL, 0);
			int sv[2];
			pid_t o, a;

			igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
			o = fork();
			igt_assert_gte(o, 0);
			if (o == 0) {
				close(sv[1]);
				_exit(owner(sv[0]));
			}
			a = fork();
			igt_assert_gte(a, 0);
			if (a == 0) {
				close(sv[0]);
				_exit(attacker(sv[1], seed, calls / 4, ndev));
			}
			close(sv[0]);
			close(sv[1]);
			neuron_wait_exit_ok(o);
			neuron_wait_exit_ok(a);
			nseeds++;
		}
		igt_info("%u seeds x %u calls of handle abuse\n", nseeds, calls / 4);
		assert_used_back(fds, ndev, base);
		assert_uid_can_work(0, TENANT);
		assert_uid_can_work(ndev - 1, ATTACKER);
		close(fds[1]);
	}

	igt_describe("Close and kill races against jobs in flight: handles, syncobjs and "
		     "files closed while jobs go in, processes that exit or are killed with "
		     "jobs queued and running over shared and peer BOs; afterwards nothing is "
		     "left allocated or charged and the device works");
	igt_subtest("close-kill-race") {
		int ndev = igt_neuron_count() > 1 ? 2 : 1, fds[2], killed = 0;
		unsigned int rounds = 0;
		uint64_t base[2];
		char s[128];

		igt_require(geteuid() == 0);
		fds[0] = fd;
		fds[1] = igt_neuron_open(ndev - 1);
		for (int d = 0; d < ndev; d++)
			base[d] = device_used(fds[d]);
		snprintf(s, sizeof(s), "%s", seeds);
		for (char *tok = strtok(s, " "); tok; tok = strtok(NULL, " ")) {
			uint64_t seed = strtoull(tok, NULL, 0);

			for (unsigned int r = 0; r < calls / 1000; r++, rounds++) {
				uint64_t rs = seed * 1000 + r;
				pid_t pid;
				int st;

				rng = rs ^ 0x5bd1e995;
				pid = fork();
				igt_assert_gte(pid, 0);
				if (pid == 0)
					_exit(race_child(rs, ndev));
				if (rnd() % 2) {
					usleep(rnd() % 20000);
					kill(pid, SIGKILL);
				}
				igt_assert_eq(waitpid(pid, &st, 0), pid);
				igt_assert_f((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
					     (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
					     "round %llu: child status %#x\n",
					     (unsigned long long)rs, st);
				killed += WIFSIGNALED(st);
			}
		}
		igt_info("%u rounds, %d killed\n", rounds, killed);
		assert_used_back(fds, ndev, base);
		assert_uid_can_work(0, ATTACKER);
		assert_uid_can_work(ndev - 1, TENANT);
		close(fds[1]);
	}

	igt_describe("Exhaustion then recovery: one user takes its whole RLIMIT_MEMLOCK and "
		     "its bound of queued jobs over 8 files on every device; other users still "
		     "create BOs and run jobs, the kernel's own jobs still run, the device bound "
		     "holds; once the hog is killed everything is freed and uncharged and every "
		     "user works again");
	igt_subtest("exhaust-recover") {
		int ndev = igt_neuron_count() > 1 ? 2 : 1, fds[2], ready[2], got[2];
		struct drm_syncobj_create gs = { 0 };
		struct drm_syncobj_handle ex = { 0 };
		struct drm_syncobj_wait w = { .count_handles = 1,
					      .timeout_nsec = INT64_MAX };
		char old_jobs[32] = "65536", old_user[32] = "16384", old_timeout[32] = "10000";
		uint32_t gbo, dram;
		uint64_t base[2];
		pid_t pid;

		igt_require(geteuid() == 0);
		fds[0] = fd;
		fds[1] = igt_neuron_open(ndev - 1);
		for (int d = 0; d < ndev; d++)
			base[d] = device_used(fds[d]);
		neuron_read_file(PARAM_DIR "device_jobs_max", old_jobs, sizeof(old_jobs));
		neuron_read_file(PARAM_DIR "user_jobs_max", old_user, sizeof(old_user));
		neuron_read_file(PARAM_DIR "job_timeout_ms", old_timeout, sizeof(old_timeout));
		igt_assert_eq(neuron_write_str(PARAM_DIR "device_jobs_max", "256"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "user_jobs_max", "200"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "job_timeout_ms", "120000"), 0);

		/* The gate: a job on a stalled queue; its syncobj goes to the hog. */
		gbo = neuron_bo_create(fd, 8192, DRM_NEURON_BO_HOST);
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &gs);
		{
			struct drm_neuron_xfer x = { .type = DRM_NEURON_XFER_COPY,
						     .src_handle = gbo, .dst_handle = gbo,
						     .dst_offset = 4096, .size = 4096 };
			struct drm_neuron_submit sub = { .engine = 5, .xfers = (uintptr_t)&x,
							 .xfer_count = 1,
							 .out_sync.handle = gs.handle };

			neuron_stall_engine(fd, 5);
			do_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub);
		}
		ex.handle = gs.handle;
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ex);
		igt_assert_eq(pipe(ready), 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0)
			_exit(hog(ready[1], ex.fd, ndev));
		close(ready[1]);
		close(ex.fd);
		igt_assert_eq(read(ready[0], got, sizeof(got)), (int)sizeof(got));
		close(ready[0]);
		igt_info("the hog got %d MiB of host BOs and %d jobs\n", got[0], got[1]);
		igt_assert_eq(got[0], 8);
		/* The user bound on each device. */
		igt_assert_eq(got[1], 200 * ndev);

		/*
		 * Meanwhile: another user's BOs and jobs, the kernel's clearing
		 * jobs; then the device bound, which nobody passes.
		 */
		assert_uid_can_work(0, TENANT);
		dram = neuron_bo_create(fd, 1 << 20, DRM_NEURON_BO_DRAM);
		igt_assert_eq(neuron_write_str(PARAM_DIR "device_jobs_max", "201"), 0);
		{
			struct drm_neuron_xfer x = { .type = DRM_NEURON_XFER_COPY,
						     .src_handle = gbo, .dst_handle = gbo,
						     .dst_offset = 4096, .size = 4096 };
			struct drm_neuron_submit sub = { .xfers = (uintptr_t)&x,
							 .xfer_count = 1 };

			igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &sub), -1);
			igt_assert_eq(errno, ENOSPC);
		}
		neuron_bo_close(fd, dram);

		kill(pid, SIGKILL);
		igt_assert_eq(waitpid(pid, NULL, 0), pid);
		neuron_stall_engine(fd, -1);
		w.handles = (uintptr_t)&gs.handle;
		do_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		neuron_bo_close(fd, gbo);
		igt_assert_eq(neuron_write_str(PARAM_DIR "device_jobs_max",
					       strtok(old_jobs, "\n")), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "user_jobs_max",
					       strtok(old_user, "\n")), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "job_timeout_ms",
					       strtok(old_timeout, "\n")), 0);

		assert_uid_can_work(0, ATTACKER);
		assert_uid_can_work(ndev - 1, ATTACKER);
		assert_uid_can_work(0, TENANT);
		assert_used_back(fds, ndev, base);
		close(fds[1]);
	}

	igt_fixture
		close(fd);
}
