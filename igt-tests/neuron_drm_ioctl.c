// SPDX-License-Identifier: MIT
/*
 * neuron_drm_ioctl - the core DRM ioctls on the accel node: the render-node
 * allow list passes and works, everything else is refused with EACCES,
 * syncobj array counts are bounded; for root, for nobody and for 32-bit
 * callers (see "DOC: core DRM ioctls" in neuron_accel.h)
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Core DRM ioctls on the accel node: allow list, EACCES for the rest, bounded syncobj counts");

/*
 * The checks below run as root and, in a child, as nobody: they return 0,
 * or the line of the first check that failed (no igt_assert in a child).
 */
#define CHECK(expr) do { \
	if (!(expr)) { \
		igt_info("check failed (uid %d): %s\n", (int)geteuid(), #expr); \
		return __LINE__; \
	} \
} while (0)

#define BIG_COUNT	0x40000000u	/* 4 GiB of handles for the core */

/* The core ioctl numbers the node passes on: the render-node allow list. */
static const unsigned int allowed_nrs[] = {
	_IOC_NR(DRM_IOCTL_VERSION),
	_IOC_NR(DRM_IOCTL_GET_CAP),
	_IOC_NR(DRM_IOCTL_GEM_CLOSE),
	_IOC_NR(DRM_IOCTL_PRIME_HANDLE_TO_FD),
	_IOC_NR(DRM_IOCTL_PRIME_FD_TO_HANDLE),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_CREATE),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_DESTROY),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_WAIT),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_RESET),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_SIGNAL),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_QUERY),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_TRANSFER),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL),
	_IOC_NR(DRM_IOCTL_SYNCOBJ_EVENTFD),
};

static bool nr_allowed(unsigned int nr)
{
	unsigned int i;

	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END)
		return true;
	for (i = 0; i < sizeof(allowed_nrs) / sizeof(allowed_nrs[0]); i++)
		if (allowed_nrs[i] == nr)
			return true;
	return false;
}

/* errno of the ioctl, 0 when it succeeds. */
static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return igt_ioctl(fd, cmd, arg) ? errno : 0;
}

static int64_t deadline_ns(int64_t rel)
{
	return neuron_now_ns() + rel;
}

/* The node answers: VERSION and a driver ioctl. */
static int check_usable(int fd)
{
	char name[16] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct drm_neuron_query q = { .type = DRM_NEURON_QUERY_DEVICE_INFO };

	CHECK(ioctl_errno(fd, DRM_IOCTL_VERSION, &v) == 0);
	CHECK(strcmp(name, "neuron") == 0);
	CHECK(ioctl_errno(fd, DRM_IOCTL_NEURON_QUERY, &q) == 0);
	CHECK(q.size > 0);
	return 0;
}

static int check_get_unique(int fd)
{
	char buf[64];
	struct drm_unique u = { .unique_len = sizeof(buf), .unique = buf };

	/* Twice: a first call that left master_mutex held would hang here. */
	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_UNIQUE, &u) == EACCES);
	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_UNIQUE, &u) == EACCES);
	return check_usable(fd);
}

static int check_get_magic(int fd)
{
	struct drm_auth a = { 0 };

	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_MAGIC, &a) == EACCES);
	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_MAGIC, &a) == EACCES);
	CHECK(a.magic == 0);
	return check_usable(fd);
}

/*
 * Every core number outside the allow list, defined or not, in two
 * encodings (no data; 256 bytes both ways): EACCES before the core sees
 * the argument.
 */
static int check_core_refused(int fd)
{
	static char arg[256];
	unsigned int nr;

	for (nr = 0; nr < 256; nr++) {
		if (nr_allowed(nr))
			continue;
		if (ioctl_errno(fd, DRM_IO(nr), arg) != EACCES ||
		    ioctl_errno(fd, DRM_IOWR(nr, char[256]), arg) != EACCES) {
			igt_info("core ioctl %#x not refused\n", nr);
			return __LINE__;
		}
	}
	return check_usable(fd);
}

static int check_get_cap(int fd)
{
	struct drm_get_cap c = { .capability = DRM_CAP_SYNCOBJ };

	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_CAP, &c) == 0);
	CHECK(c.value == 1);
	c = (struct drm_get_cap){ .capability = DRM_CAP_SYNCOBJ_TIMELINE };
	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_CAP, &c) == 0);
	CHECK(c.value == 1);
	c = (struct drm_get_cap){ .capability = DRM_CAP_PRIME };
	CHECK(ioctl_errno(fd, DRM_IOCTL_GET_CAP, &c) == 0);
	CHECK((c.value & (DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT)) ==
	      (DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT));
	return 0;
}

/* BO_CREATE, PRIME export and re-import, GEM_CLOSE. */
static int check_gem_prime(int fd)
{
	struct drm_neuron_bo_create c = { .size = 4096,
					  .placement = DRM_NEURON_BO_HOST };
	struct drm_prime_handle p = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_gem_close gc = { 0 };

	CHECK(ioctl_errno(fd, DRM_IOCTL_NEURON_BO_CREATE, &c) == 0);
	p.handle = c.handle;
	CHECK(ioctl_errno(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p) == 0);
	CHECK(p.fd >= 0);
	p.handle = 0;
	CHECK(ioctl_errno(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p) == 0);
	/* The same object in the same file: the same handle. */
	CHECK(p.handle == c.handle);
	close(p.fd);
	gc.handle = c.handle;
	CHECK(ioctl_errno(fd, DRM_IOCTL_GEM_CLOSE, &gc) == 0);
	CHECK(ioctl_errno(fd, DRM_IOCTL_GEM_CLOSE, &gc) == EINVAL);
	return 0;
}

static int syncobj_new(int fd, uint32_t flags, uint32_t *h)
{
	struct drm_syncobj_create c = { .flags = flags };
	int err = ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);

	*h = c.handle;
	return err;
}

static int syncobj_del(int fd, uint32_t h)
{
	struct drm_syncobj_destroy d = { .handle = h };

	return ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

static int wait_one(int fd, uint32_t h)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&h, .count_handles = 1,
		.timeout_nsec = deadline_ns(1000000000),
	};

	return ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* Every syncobj ioctl of the allow list does its job. */
static int check_syncobj(int fd)
{
	uint32_t a, b, t, a2;
	uint64_t point = 5, ev;
	struct drm_syncobj_timeline_array ta = {
		.handles = (uintptr_t)&t, .points = (uintptr_t)&point,
		.count_handles = 1,
	};
	struct drm_syncobj_timeline_wait tw = {
		.handles = (uintptr_t)&t, .points = (uintptr_t)&point,
		.count_handles = 1, .timeout_nsec = deadline_ns(1000000000),
	};
	struct drm_syncobj_array arr = {
		.handles = (uintptr_t)&b, .count_handles = 1,
	};
	struct drm_syncobj_transfer tr = { 0 };
	struct drm_syncobj_handle sh = { .fd = -1 };
	struct drm_syncobj_eventfd sev = { 0 };
	int efd;

	CHECK(syncobj_new(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &a) == 0);
	CHECK(syncobj_new(fd, 0, &b) == 0);
	CHECK(syncobj_new(fd, 0, &t) == 0);
	CHECK(wait_one(fd, a) == 0);

	/* TIMELINE_SIGNAL, QUERY, TIMELINE_WAIT */
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta) == 0);
	point = 0;
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_QUERY, &ta) == 0);
	CHECK(point == 5);
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw) == 0);

	/* TRANSFER point 5 of t into binary b */
	tr.src_handle = t;
	tr.dst_handle = b;
	tr.src_point = 5;
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &tr) == 0);
	CHECK(wait_one(fd, b) == 0);

	/* RESET: no fence, a wait without WAIT_FOR_SUBMIT is invalid */
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_RESET, &arr) == 0);
	CHECK(wait_one(fd, b) == EINVAL);
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &arr) == 0);
	CHECK(wait_one(fd, b) == 0);

	/* EVENTFD fires when point 6 of t is signalled */
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK(efd >= 0);
	sev.handle = t;
	sev.point = 6;
	sev.fd = efd;
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &sev) == 0);
	CHECK(read(efd, &ev, sizeof(ev)) < 0);
	point = 6;
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta) == 0);
	CHECK(read(efd, &ev, sizeof(ev)) == sizeof(ev) && ev == 1);
	close(efd);

	/* HANDLE_TO_FD and FD_TO_HANDLE */
	sh.handle = a;
	sh.flags = 0;
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh) == 0);
	CHECK(sh.fd >= 0);
	sh.handle = 0;
	CHECK(ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &sh) == 0);
	a2 = sh.handle;
	close(sh.fd);
	CHECK(a2 != 0 && a2 != a);
	CHECK(wait_one(fd, a2) == 0);

	CHECK(syncobj_del(fd, a) == 0);
	CHECK(syncobj_del(fd, a2) == 0);
	CHECK(syncobj_del(fd, b) == 0);
	CHECK(syncobj_del(fd, t) == 0);
	CHECK(syncobj_del(fd, t) == EINVAL);
	return 0;
}

/*
 * The syncobj ioctls that take an array. @fill writes an argument of
 * @count handles (and points) into @arg.
 */
struct array_ioctl {
	const char *name;
	unsigned long cmd;
	size_t size;
	size_t count_offset;
	void (*fill)(void *arg, uint32_t count, uint32_t *handles,
		     uint64_t *points);
};

static void fill_wait(void *arg, uint32_t count, uint32_t *h, uint64_t *p)
{
	struct drm_syncobj_wait *w = arg;

	*w = (struct drm_syncobj_wait){
		.handles = (uintptr_t)h, .count_handles = count,
		.timeout_nsec = deadline_ns(1000000000),
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	};
	(void)p;
}

static void fill_timeline_wait(void *arg, uint32_t count, uint32_t *h,
			       uint64_t *p)
{
	struct drm_syncobj_timeline_wait *w = arg;

	*w = (struct drm_syncobj_timeline_wait){
		.handles = (uintptr_t)h, .points = (uintptr_t)p,
		.count_handles = count,
		.timeout_nsec = deadline_ns(1000000000),
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	};
}

static void fill_array(void *arg, uint32_t count, uint32_t *h, uint64_t *p)
{
	struct drm_syncobj_array *a = arg;

	*a = (struct drm_syncobj_array){
		.handles = (uintptr_t)h, .count_handles = count,
	};
	(void)p;
}

static void fill_timeline_array(void *arg, uint32_t count, uint32_t *h,
				uint64_t *p)
{
	struct drm_syncobj_timeline_array *a = arg;

	*a = (struct drm_syncobj_timeline_array){
		.handles = (uintptr_t)h, .points = (uintptr_t)p,
		.count_handles = count,
	};
}

/* In this order, so that the waits find signalled syncobjs. */
static const struct array_ioctl array_ioctls[] = {
	{ "reset", DRM_IOCTL_SYNCOBJ_RESET, sizeof(struct drm_syncobj_array),
	  offsetof(struct drm_syncobj_array, count_handles), fill_array },
	{ "signal", DRM_IOCTL_SYNCOBJ_SIGNAL, sizeof(struct drm_syncobj_array),
	  offsetof(struct drm_syncobj_array, count_handles), fill_array },
	{ "timeline-signal", DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
	  sizeof(struct drm_syncobj_timeline_array),
	  offsetof(struct drm_syncobj_timeline_array, count_handles),
	  fill_timeline_array },
	{ "query", DRM_IOCTL_SYNCOBJ_QUERY,
	  sizeof(struct drm_syncobj_timeline_array),
	  offsetof(struct drm_syncobj_timeline_array, count_handles),
	  fill_timeline_array },
	{ "wait", DRM_IOCTL_SYNCOBJ_WAIT, sizeof(struct drm_syncobj_wait),
	  offsetof(struct drm_syncobj_wait, count_handles), fill_wait },
	{ "timeline-wait", DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
	  sizeof(struct drm_syncobj_timeline_wait),
	  offsetof(struct drm_syncobj_timeline_wait, count_handles),
	  fill_timeline_wait },
};

#define N_ARRAY_IOCTLS	(sizeof(array_ioctls) / sizeof(array_ioctls[0]))

/*
 * A count of 2^30, one above the bound, ~0 and ~0 cut to 3 bytes by the
 * argument size: EINVAL, the core never sees it.
 */
static int check_count_refused(int fd, const struct array_ioctl *t)
{
	uint64_t arg[8], points[4] = { 0 };
	uint32_t handles[4];

	CHECK(syncobj_new(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &handles[0]) == 0);
	t->fill(arg, BIG_COUNT, handles, points);
	CHECK(ioctl_errno(fd, t->cmd, arg) == EINVAL);
	t->fill(arg, DRM_NEURON_SYNCOBJ_MAX_HANDLES + 1, handles, points);
	CHECK(ioctl_errno(fd, t->cmd, arg) == EINVAL);
	t->fill(arg, ~0u, handles, points);
	CHECK(ioctl_errno(fd, t->cmd, arg) == EINVAL);
	/* the same ioctl with one handle still works */
	/*
	 * An argument size that ends inside count_handles: the core zeroes
	 * the missing byte, and 3 bytes of ~0 are still 2^24 - 1 handles.
	 */
	t->fill(arg, ~0u, handles, points);
	CHECK(ioctl_errno(fd, _IOC(_IOC_DIR(t->cmd), _IOC_TYPE(t->cmd),
				   _IOC_NR(t->cmd), t->count_offset + 3),
			  arg) == EINVAL);
	t->fill(arg, 1, handles, points);
	CHECK(ioctl_errno(fd, t->cmd, arg) == 0);
	CHECK(syncobj_del(fd, handles[0]) == 0);
	return check_usable(fd);
}

/* Unprivileged runs of the checks above. */
static int (*nobody_check)(int fd);
static const struct array_ioctl *nobody_array;

static int check_count_refused_nobody(int fd)
{
	return check_count_refused(fd, nobody_array);
}

/* Run @check(@fd) in a child that dropped to uid and gid 65534. */
static int as_nobody(int fd, int (*check)(int fd))
{
	int *result;
	pid_t pid;
	int ret;

	result = mmap(NULL, sizeof(*result), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(result != MAP_FAILED);
	*result = -1;
	nobody_check = check;
	pid = fork();
	igt_assert_gte(pid, 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) || geteuid() != 65534)
			_exit(2);
		*result = nobody_check(fd);
		_exit(0);
	}
	neuron_wait_exit_ok(pid);
	ret = *result;
	munmap(result, sizeof(*result));
	return ret;
}

#define assert_check(expr) do { \
	int __line = (expr); \
	igt_assert_f(__line == 0, "%s: check at line %d failed\n", #expr, __line); \
} while (0)

#if defined(__x86_64__)
/*
 * ioctl(2) through the 32-bit system call entry (int $0x80, i386 number
 * 54), the path of a 32-bit program: the kernel calls compat_ioctl. @arg
 * must be below 4 GiB. Returns the result or -errno.
 */
static long ioctl32(int fd, unsigned int cmd, void *arg)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(54L), "b"((long)fd), "c"((long)cmd),
		       "d"((long)(uintptr_t)arg)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* i386 getpid (20): is there a 32-bit system call entry at all? */
/*
 * In a child: without IA32_EMULATION (the debug kernel's config) "int
 * $0x80" is a general protection fault, SIGSEGV.
 */
static bool have_ia32(void)
{
	int status;
	pid_t pid = fork();

	igt_assert(pid >= 0);
	if (pid == 0) {
		long ret;

		signal(SIGSEGV, SIG_DFL);	/* not the harness's crash report */
		asm volatile("int $0x80" : "=a"(ret) : "a"(20L)
			     : "memory", "r8", "r9", "r10", "r11");
		_exit(ret == getpid() ? 0 : 1);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The i386 layouts drm_compat_ioctl() translates (drm_ioc32.c). */
struct drm_version32 {
	int32_t version_major, version_minor, version_patchlevel;
	uint32_t name_len, name, date_len, date, desc_len, desc;
};

struct drm_unique32 {
	uint32_t unique_len, unique;
};

#define DRM_IOCTL_VERSION32	DRM_IOWR(0x00, struct drm_version32)
#define DRM_IOCTL_GET_UNIQUE32	DRM_IOWR(0x01, struct drm_unique32)
#endif

/*
 * A read-only page holding @len bytes of @arg: an ioctl whose argument is
 * there cannot write its results back (EFAULT) and must then have done
 * nothing. munmap() it with ro_put().
 */
static void *ro_arg(const void *arg, size_t len)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	memcpy(p, arg, len);
	igt_assert_eq(mprotect(p, 4096, PROT_READ), 0);
	return p;
}

static void ro_put(void *p)
{
	munmap(p, 4096);
}

/* Handle 1 of a fresh file does not name a GEM object. */
static void assert_no_bo(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &c, EINVAL);
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = igt_neuron_open(0);

	igt_describe("GET_UNIQUE (needs a master, which accel files never have) "
		     "fails with EACCES for root, the node stays usable");
	igt_subtest("get-unique")
		assert_check(check_get_unique(fd));

	igt_describe("GET_UNIQUE fails with EACCES for an unprivileged user");
	igt_subtest("get-unique-unprivileged")
		assert_check(as_nobody(fd, check_get_unique));

	igt_describe("GET_MAGIC fails with EACCES for root, the node stays usable");
	igt_subtest("get-magic")
		assert_check(check_get_magic(fd));

	igt_describe("GET_MAGIC fails with EACCES for an unprivileged user");
	igt_subtest("get-magic-unprivileged")
		assert_check(as_nobody(fd, check_get_magic));

	igt_describe("Every core ioctl number outside the render-node allow "
		     "list fails with EACCES for root");
	igt_subtest("core-refused")
		assert_check(check_core_refused(fd));

	igt_describe("Every core ioctl number outside the allow list fails "
		     "with EACCES for an unprivileged user");
	igt_subtest("core-refused-unprivileged")
		assert_check(as_nobody(fd, check_core_refused));

	igt_describe("Commands of another type than DRM's fail with ENOTTY");
	igt_subtest("foreign-type") {
		char arg[64] = "";

		do_ioctl_err(fd, _IOWR('x', _IOC_NR(DRM_IOCTL_GET_UNIQUE),
				       struct drm_unique), arg, ENOTTY);
		do_ioctl_err(fd, _IO('x', DRM_COMMAND_BASE), arg, ENOTTY);
		assert_check(check_usable(fd));
	}

	igt_describe("VERSION and GET_CAP work, also unprivileged");
	igt_subtest("allowed-version-cap") {
		assert_check(check_usable(fd));
		assert_check(check_get_cap(fd));
		assert_check(as_nobody(fd, check_usable));
		assert_check(as_nobody(fd, check_get_cap));
	}

	igt_describe("GEM_CLOSE and both PRIME ioctls work, also unprivileged");
	igt_subtest("allowed-gem-prime") {
		assert_check(check_gem_prime(fd));
		assert_check(as_nobody(fd, check_gem_prime));
	}

	igt_describe("Every syncobj ioctl works, also unprivileged");
	igt_subtest("allowed-syncobj") {
		assert_check(check_syncobj(fd));
		assert_check(as_nobody(fd, check_syncobj));
	}

	for (unsigned int i = 0; i < N_ARRAY_IOCTLS; i++) {
		const struct array_ioctl *t = &array_ioctls[i];

		igt_describe("A syncobj array ioctl with count_handles 2^30 "
			     "(or just above the bound) fails with EINVAL, no "
			     "WARN, for root and nobody; one handle works");
		igt_subtest_f("syncobj-count-%s", t->name) {
			assert_check(check_count_refused(fd, t));
			nobody_array = t;
			assert_check(as_nobody(fd, check_count_refused_nobody));
		}
	}

	igt_describe("Every syncobj array ioctl takes DRM_NEURON_SYNCOBJ_MAX_HANDLES handles");
	igt_subtest("syncobj-count-max") {
		enum { N = DRM_NEURON_SYNCOBJ_MAX_HANDLES };
		static uint32_t handles[N];
		static uint64_t points[N];
		uint64_t arg[8];
		unsigned int i;

		for (i = 0; i < N; i++)
			igt_assert_eq(syncobj_new(fd, 0, &handles[i]), 0);
		for (i = 0; i < N_ARRAY_IOCTLS; i++) {
			igt_info("%s\n", array_ioctls[i].name);
			memset(points, 0, sizeof(points));
			array_ioctls[i].fill(arg, N, handles, points);
			do_ioctl(fd, array_ioctls[i].cmd, arg);
		}
		for (i = 0; i < N; i++)
			igt_assert_eq(syncobj_del(fd, handles[i]), 0);
	}

	igt_describe("An argument too short to hold count_handles is not read "
		     "past its end: the core sees a zero count (EINVAL)");
	igt_subtest("syncobj-count-short-arg") {
		uint8_t *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t *handles;

		igt_assert(page != MAP_FAILED);
		igt_assert_eq(mprotect(page + 4096, 4096, PROT_NONE), 0);
		/* only @handles, right before the unreadable page */
		handles = (uint64_t *)(page + 4096 - sizeof(*handles));
		*handles = 0;
		do_ioctl_err(fd, DRM_IOWR(_IOC_NR(DRM_IOCTL_SYNCOBJ_RESET),
					  uint64_t), handles, EINVAL);
		munmap(page, 8192);
	}

	igt_describe("An unreadable syncobj array argument fails with EFAULT");
	igt_subtest("syncobj-count-efault") {
		void *p = mmap(NULL, 4096, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		igt_assert(p != MAP_FAILED);
		for (unsigned int i = 0; i < N_ARRAY_IOCTLS; i++)
			do_ioctl_err(fd, array_ioctls[i].cmd, p, EFAULT);
		munmap(p, 4096);
	}

	igt_describe("GEM_CLOSE with a non-zero pad fails with EINVAL and closes nothing");
	igt_subtest("gem-close-pad") {
		uint32_t bo = neuron_bo_create(fd, 4096, DRM_NEURON_BO_HOST);
		struct drm_gem_close c = { .handle = bo, .pad = 1 };

		do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &c, EINVAL);
		c.pad = 0;
		do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
		do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &c, EINVAL);
	}

	igt_describe("BO_CREATE with its argument in a read-only page: EFAULT and no BO");
	igt_subtest("readonly-arg-bo-create") {
		struct drm_neuron_bo_create c = { .size = 4096 };
		int f = igt_neuron_open(0);
		void *ro = ro_arg(&c, sizeof(c));

		do_ioctl_err(f, DRM_IOCTL_NEURON_BO_CREATE, ro, EFAULT);
		/* A fresh file's first handle is 1. */
		assert_no_bo(f, 1);
		c.placement = DRM_NEURON_BO_DRAM;
		ro_put(ro);
		ro = ro_arg(&c, sizeof(c));
		do_ioctl_err(f, DRM_IOCTL_NEURON_BO_CREATE, ro, EFAULT);
		assert_no_bo(f, 1);
		ro_put(ro);
		close(f);
	}

	igt_describe("SUBMIT with its argument in a read-only page: EFAULT and the job never runs");
	igt_subtest("readonly-arg-submit") {
		int f = igt_neuron_open(0);
		uint32_t bo = neuron_bo_create(f, 8192, DRM_NEURON_BO_HOST);
		uint8_t *map = neuron_bo_mmap(f, bo, 8192);
		struct drm_neuron_xfer x = {
			.type = DRM_NEURON_XFER_COPY, .src_handle = bo,
			.dst_handle = bo, .dst_offset = 4096, .size = 4096,
		};
		struct drm_neuron_submit s = { .xfers = (uintptr_t)&x, .xfer_count = 1 };
		struct drm_syncobj_create sc = { 0 };
		struct drm_syncobj_wait w = { .count_handles = 1,
					      .timeout_nsec = INT64_MAX };
		void *ro;

		memset(map, 0xa5, 4096);
		memset(map + 4096, 0, 4096);
		ro = ro_arg(&s, sizeof(s));
		do_ioctl_err(f, DRM_IOCTL_NEURON_SUBMIT, ro, EFAULT);
		ro_put(ro);
		/* A later job of the same queue finishing: the first would have too. */
		do_ioctl(f, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
		x.dst_handle = x.src_handle = bo;
		x.dst_offset = 0;
		s.out_sync.handle = sc.handle;
		do_ioctl(f, DRM_IOCTL_NEURON_SUBMIT, &s);
		w.handles = (uintptr_t)&sc.handle;
		do_ioctl(f, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		igt_assert_eq(map[4096], 0);
		igt_assert_eq(map[8191], 0);
		munmap(map, 8192);
		close(f);
	}

	igt_describe("SEM_OP increment with its argument in a read-only page: EFAULT, semaphore unchanged");
	igt_subtest("readonly-arg-sem-op") {
		int f = igt_neuron_open(0);
		struct drm_neuron_sem_op op = { .core = 0, .index = 3,
						.op = DRM_NEURON_SEM_SET, .value = 5 };
		void *ro;

		neuron_core_acquire(f, 1);
		do_ioctl(f, DRM_IOCTL_NEURON_SEM_OP, &op);
		op.op = DRM_NEURON_SEM_INCR;
		op.value = 1;
		ro = ro_arg(&op, sizeof(op));
		do_ioctl_err(f, DRM_IOCTL_NEURON_SEM_OP, ro, EFAULT);
		ro_put(ro);
		op.op = DRM_NEURON_SEM_READ;
		op.value = 0;
		do_ioctl(f, DRM_IOCTL_NEURON_SEM_OP, &op);
		igt_assert_eq(op.value, 5);
		neuron_core_release(f, 1);
		close(f);
	}

	igt_describe("Core create ioctls (SYNCOBJ_CREATE, PRIME_FD_TO_HANDLE, PRIME_HANDLE_TO_FD) "
		     "with their argument in a read-only page: EFAULT, nothing created");
	igt_subtest("readonly-arg-core") {
		int f = igt_neuron_open(0), g = igt_neuron_open(0), next;
		uint32_t bo = neuron_bo_create(g, 4096, DRM_NEURON_BO_HOST);
		struct drm_syncobj_create sc = { 0 };
		struct drm_syncobj_destroy sd = { .handle = 1 };
		struct drm_prime_handle ph = { .handle = bo, .flags = DRM_CLOEXEC };
		void *ro;

		ro = ro_arg(&sc, sizeof(sc));
		do_ioctl_err(f, DRM_IOCTL_SYNCOBJ_CREATE, ro, EFAULT);
		ro_put(ro);
		do_ioctl_err(f, DRM_IOCTL_SYNCOBJ_DESTROY, &sd, EINVAL);

		/* The lowest free descriptor must still be free afterwards. */
		next = dup(0);
		close(next);
		ro = ro_arg(&ph, sizeof(ph));
		do_ioctl_err(g, DRM_IOCTL_PRIME_HANDLE_TO_FD, ro, EFAULT);
		ro_put(ro);
		igt_assert_eq(fcntl(next, F_GETFD), -1);

		do_ioctl(g, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		ph.handle = 0;
		ro = ro_arg(&ph, sizeof(ph));
		do_ioctl_err(f, DRM_IOCTL_PRIME_FD_TO_HANDLE, ro, EFAULT);
		ro_put(ro);
		assert_no_bo(f, 1);
		close(ph.fd);
		close(g);
		close(f);
	}

	igt_describe("32-bit callers (compat_ioctl): GET_UNIQUE, GET_MAGIC, "
		     "SET_MASTER and foreign types are refused, syncobj counts "
		     "bounded, VERSION and driver ioctls work");
	igt_subtest("compat") {
#if defined(__x86_64__)
		uint8_t *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
				    -1, 0);
		struct drm_version32 *v = (void *)low;
		struct drm_unique32 *u = (void *)(low + 256);
		struct drm_syncobj_array *a = (void *)(low + 512);
		struct drm_neuron_query *q = (void *)(low + 768);
		char *name = (char *)(low + 1024);

		igt_require_f(have_ia32(), "no 32-bit system call entry\n");
		igt_assert(low != MAP_FAILED);
		*u = (struct drm_unique32){ 64, (uint32_t)(uintptr_t)(low + 2048) };
		igt_assert_eq(ioctl32(fd, DRM_IOCTL_GET_UNIQUE32, u), -EACCES);
		igt_assert_eq(ioctl32(fd, DRM_IOCTL_GET_MAGIC, u), -EACCES);
		igt_assert_eq(ioctl32(fd, DRM_IOCTL_SET_MASTER, NULL), -EACCES);
		/* drm_compat_ioctl() would take this for GET_UNIQUE32 */
		igt_assert_eq(ioctl32(fd, _IOWR('x', _IOC_NR(DRM_IOCTL_GET_UNIQUE),
						 struct drm_unique32), u), -ENOTTY);
		*a = (struct drm_syncobj_array){
			.handles = (uintptr_t)(low + 2048), .count_handles = BIG_COUNT,
		};
		igt_assert_eq(ioctl32(fd, DRM_IOCTL_SYNCOBJ_RESET, a), -EINVAL);

		*v = (struct drm_version32){ .name_len = 15,
					     .name = (uint32_t)(uintptr_t)name };
		igt_assert_eq(ioctl32(fd, DRM_IOCTL_VERSION32, v), 0);
		igt_assert(strcmp(name, "neuron") == 0);
		*q = (struct drm_neuron_query){ .type = DRM_NEURON_QUERY_DEVICE_INFO };
		igt_assert_eq(ioctl32(fd, DRM_IOCTL_NEURON_QUERY, q), 0);
		igt_assert_lt(0, q->size);
		munmap(low, 4096);
		assert_check(check_usable(fd));
#else
		igt_skip("the 32-bit entry is only exercised on x86-64\n");
#endif
	}

	igt_fixture
		close(fd);
}
