// SPDX-License-Identifier: MIT
/*
 * Host unit tests for libneuron-drm: everything that can be checked without
 * a neuron device (argument checking, enumeration of an empty or fake
 * /dev/accel, error mapping).  Tests that need a device run in the VM with
 * the igt-tests.
 *
 * Output: one line per test ("PASS name", "FAIL name", "SKIP name (why)"),
 * then "N passed, N failed, N skipped".  Exit status 1 if any test failed.
 */
#define _GNU_SOURCE /* mkdtemp, mknod, setresuid */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>

#include "neuron_drm.h"
#include "neuron_drm_priv.h"

#include "unit.h"

/* Number of neuron devices on this host (the tests assume none exist). */
static int host_devices(void)
{
	return neuron_drm_list(NULL, 0);
}

/* ---------------------------------------------------------------------- */

static int test_lib_version(void)
{
	CHECK_EQ(neuron_drm_lib_version(),
		 (NEURON_DRM_VERSION_MAJOR << 16) |
			 (NEURON_DRM_VERSION_MINOR << 8) |
			 NEURON_DRM_VERSION_MICRO);
	return PASS;
}

static int test_strerror(void)
{
	static const int codes[] = { ENODEV, EACCES, ENOTTY, EINVAL, EBADF,
				     ENOMEM, ENOSPC, ETIMEDOUT, EIO, EBUSY,
				     ECANCELED, EOPNOTSUPP, ENOENT, EFAULT };
	size_t i;

	CHECK(strstr(neuron_drm_strerror(-ENODEV), "no Neuron device"));
	CHECK(strstr(neuron_drm_strerror(-EACCES), "permission"));
	/* The group the udev rule and the README name, not "render". */
	CHECK(strstr(neuron_drm_strerror(-EACCES), "group 'neuron'"));
	CHECK(strstr(neuron_drm_strerror(-EPERM), "group 'neuron'"));
	CHECK(!strstr(neuron_drm_strerror(-EACCES), "render"));
	CHECK(strcmp(neuron_drm_strerror(0), "success") == 0);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *neg = neuron_drm_strerror(-codes[i]);

		CHECK(neg != NULL);
		CHECK(strcmp(neg, "unknown error") != 0);
		/* A positive errno gets the same text as its negation. */
		CHECK(strcmp(neg, neuron_drm_strerror(codes[i])) == 0);
	}
	CHECK(strcmp(neuron_drm_strerror(-100000), "unknown error") == 0);
	CHECK(strcmp(neuron_drm_strerror(INT_MIN), "unknown error") == 0);
	CHECK(strcmp(neuron_drm_strerror(INT_MAX), "unknown error") == 0);
	return PASS;
}

/* The wrapper turns ioctl's -1/errno into -errno. */
static int test_ioctl_errors(void)
{
	struct drm_version v;
	int fd, p[2];

	memset(&v, 0, sizeof(v));
	CHECK_EQ(neuron_drm_ioctl(-1, DRM_IOCTL_VERSION, &v), -EBADF);

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(neuron_drm_ioctl(fd, DRM_IOCTL_VERSION, &v), -ENOTTY);
	close(fd);

	CHECK(pipe(p) == 0);
	CHECK_EQ(neuron_drm_ioctl(p[0], DRM_IOCTL_VERSION, &v), -ENOTTY);
	close(p[0]);
	close(p[1]);
	return PASS;
}

static int test_close(void)
{
	int fd;

	CHECK_EQ(neuron_drm_close(-1), -EBADF);
	CHECK_EQ(neuron_drm_close(-EBADF), -EBADF);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(neuron_drm_close(fd), 0);
	CHECK_EQ(neuron_drm_close(fd), -EBADF); /* already closed */
	return PASS;
}

static int test_list_args(void)
{
	struct neuron_drm_node n;

	CHECK_EQ(neuron_drm_list(NULL, 1), -EINVAL);
	CHECK_EQ(neuron_drm__list_dir(NULL, "/sys", &n, 1), -EINVAL);
	CHECK_EQ(neuron_drm__list_dir("/dev/accel", NULL, &n, 1), -EINVAL);
	return PASS;
}

/* The real /dev/accel of the host: no neuron device -> empty list. */
static int test_list_host_empty(void)
{
	struct neuron_drm_node n[4];
	int count = host_devices();

	SKIP_IF(count > 0, "this host has neuron devices");
	SKIP_IF(count == -EACCES, "accel nodes not readable here");
	CHECK_EQ(count, 0);
	CHECK_EQ(neuron_drm_list(n, 4), 0);
	return PASS;
}

static int test_list_missing_dir(void)
{
	struct neuron_drm_node n;

	CHECK_EQ(neuron_drm__list_dir("/nonexistent/accel", "/sys", &n, 1), 0);
	/* A file where the directory should be: also "no device". */
	CHECK_EQ(neuron_drm__list_dir("/dev/null", "/sys", &n, 1), 0);
	return PASS;
}

/*
 * A fake /dev/accel full of things that are not neuron devices: all of
 * them must be skipped, without error, and none may be treated as DRM.
 */
static int test_list_fake_dir(void)
{
	struct neuron_drm_node n[2];
	char p[128];
	int fd, ret;

	CHECK(make_tmpdir() == 0);
	ret = FAIL;
	if (tmp_path(p, sizeof(p), "accel0") || (fd = creat(p, 0600)) < 0)
		goto out;
	close(fd);                               /* regular file */
	if (tmp_path(p, sizeof(p), "accel1") || symlink("/dev/null", p))
		goto out;                        /* symlink: O_NOFOLLOW */
	if (tmp_path(p, sizeof(p), "accel2") || mkfifo(p, 0600))
		goto out;                        /* fifo */
	if (tmp_path(p, sizeof(p), "accel3") || mkdir(p, 0700))
		goto out;                        /* directory */
	if (tmp_path(p, sizeof(p), "accelX") || mkdir(p, 0700))
		goto out;                        /* not accel<digits> */
	if (tmp_path(p, sizeof(p), "card0") || mkdir(p, 0700))
		goto out;
	/* A real character device that is not DRM (/dev/null's numbers). */
	if (geteuid() == 0 &&
	    (tmp_path(p, sizeof(p), "accel4") ||
	     mknod(p, S_IFCHR | 0600, makedev(1, 3))))
		goto out;
	/* An accel minor without a device behind it (ACCEL_MAJOR is 261). */
	if (geteuid() == 0 &&
	    (tmp_path(p, sizeof(p), "accel63") ||
	     mknod(p, S_IFCHR | 0600, makedev(261, 63))))
		goto out;

	/* (open(O_RDWR) of a fifo does not block on Linux.) */
	memset(n, 0xa5, sizeof(n));
	CHECK_EQ(neuron_drm__list_dir(tmpdir, "/nonexistent", n, 2), 0);
	ret = PASS;
out:
	if (ret == FAIL)
		fprintf(stderr, "  fake dir setup failed: %s\n", strerror(errno));
	remove_tmpdir();
	return ret;
}

/*
 * A node the caller may not open must turn "no device" into -EACCES, so
 * that tools tell the user about permissions.  Needs root (mknod, then
 * drop to nobody in a child).
 */
static int test_list_permission(void)
{
	char p[128];
	pid_t pid;
	int status;

	SKIP_IF(geteuid() != 0, "needs root for mknod and setresuid");
	CHECK(make_tmpdir() == 0);
	if (chmod(tmpdir, 0755) || tmp_path(p, sizeof(p), "accel0") ||
	    mknod(p, S_IFCHR | 0600, makedev(1, 3))) {
		remove_tmpdir();
		return FAIL;
	}
	pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		_exit(neuron_drm__list_dir(tmpdir, "/sys", NULL, 0) == -EACCES ? 0 : 1);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	remove_tmpdir();
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	return PASS;
}

static int test_open_path_errors(void)
{
	char p[128];
	int fd, ret;

	CHECK_EQ(neuron_drm_open_path(NULL), -EINVAL);
	CHECK_EQ(neuron_drm_open_path("/nonexistent/accel0"), -ENOENT);
	CHECK_EQ(neuron_drm_open_path("/dev/null"), -ENOTTY);

	CHECK(make_tmpdir() == 0);
	ret = tmp_path(p, sizeof(p), "file");
	fd = ret ? -1 : creat(p, 0600);
	if (fd >= 0)
		close(fd);
	ret = fd < 0 ? -999 : neuron_drm_open_path(p);
	remove_tmpdir();
	CHECK_EQ(ret, -ENOTTY); /* regular file: never gets a DRM ioctl */
	return PASS;
}

static int test_open_index_no_device(void)
{
	SKIP_IF(host_devices() != 0, "this host has (or hides) accel nodes");
	CHECK_EQ(neuron_drm_open_index(0), -ENODEV);
	CHECK_EQ(neuron_drm_open_index(3), -ENODEV);
	CHECK_EQ(neuron_drm_open_index(UINT_MAX), -ENODEV);
	return PASS;
}

static int test_open_pci_args(void)
{
	static const char *const bad[] = {
		"", "0000:00:10", "0000:00:10.", "0000:00:20.0",
		"0000:00:10.8", "zz:00.0", "0000:00:10.0 ", " 00:10.0",
		"00000:00:10.0", "0000-00-10.0", "0000:0:010.0", "00:10:0",
		"0000:00:10.0.0", "+000:00:10.0", "0x00:10.0",
	};
	size_t i;

	CHECK_EQ(neuron_drm_open_pci(NULL), -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = neuron_drm_open_pci(bad[i]);

		if (ret != -EINVAL) {
			fprintf(stderr, "  \"%s\" gave %d\n", bad[i], ret);
			return FAIL;
		}
	}
	return PASS;
}

static int test_open_pci_no_device(void)
{
	SKIP_IF(host_devices() != 0, "this host has (or hides) accel nodes");
	CHECK_EQ(neuron_drm_open_pci("0000:00:10.0"), -ENODEV);
	CHECK_EQ(neuron_drm_open_pci("00:10.0"), -ENODEV);
	CHECK_EQ(neuron_drm_open_pci("FFFF:FF:1F.7"), -ENODEV);
	return PASS;
}

static int test_parse_slot(void)
{
	char out[NEURON_DRM_PCI_SLOT_MAX];

	CHECK_EQ(neuron_drm__parse_slot("00:10.0", out), 0);
	CHECK(strcmp(out, "0000:00:10.0") == 0);
	CHECK_EQ(neuron_drm__parse_slot("0001:0A:1F.7", out), 0);
	CHECK(strcmp(out, "0001:0a:1f.7") == 0);
	CHECK_EQ(neuron_drm__parse_slot("0000:00:13.0", out), 0);
	CHECK(strcmp(out, "0000:00:13.0") == 0);
	CHECK_EQ(neuron_drm__parse_slot(NULL, out), -EINVAL);
	return PASS;
}

static int test_get_node_errors(void)
{
	struct neuron_drm_node n;
	int fd, ret;

	CHECK_EQ(neuron_drm_get_node(-1, &n), -EBADF);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(neuron_drm_get_node(fd, NULL), -EINVAL);
	ret = neuron_drm_get_node(fd, &n);
	close(fd);
	CHECK_EQ(ret, -ENOTTY);
	fd = open("/", O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	CHECK(fd >= 0);
	ret = neuron_drm_get_node(fd, &n);
	close(fd);
	CHECK_EQ(ret, -ENOTTY);
	return PASS;
}

/* Wrappers refuse NULL out-pointers before any system call (fd -1 would
 * otherwise give -EBADF, so -EINVAL proves the check came first). */
static int test_wrapper_null_args(void)
{
	CHECK_EQ(neuron_drm_query_device_info(-1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_query_topology(-1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_device_state(-1, DRM_NEURON_STATE_FW_STATUS, 0, 0,
					 NULL), -EINVAL);
	CHECK_EQ(neuron_drm_fw_status(-1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_semaphore_read(-1, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_event_read(-1, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_post_metrics(-1, NULL, 4), -EINVAL);
	CHECK_EQ(neuron_drm_post_metrics(-1, "x", 0), -EINVAL);
	CHECK_EQ(neuron_drm_open_device_id(0), -EINVAL);
	CHECK_EQ(neuron_drm_reset_cores(-1, 0), -EINVAL);
	return PASS;
}

static int test_wrapper_size_limits(void)
{
	char b[8];

	if (sizeof(size_t) <= sizeof(uint32_t)) {
		skip_reason = "32-bit size_t";
		return SKIP;
	}
	CHECK_EQ(neuron_drm_query(-1, 0, b, (size_t)UINT32_MAX + 1), -EINVAL);
	CHECK_EQ(neuron_drm_post_metrics(-1, b, (size_t)UINT32_MAX + 1), -EINVAL);
	return PASS;
}

/*
 * Each wrapper maps the kernel's failure to -errno: a closed descriptor
 * gives -EBADF, a non-DRM device -ENOTTY.  Nothing is left modified in
 * the caller's out-structures on failure except the documented zeroing.
 */
static int test_wrapper_error_mapping(void)
{
	struct drm_neuron_query_device_info info;
	struct drm_neuron_query_topology topo;
	struct drm_neuron_device_state st;
	uint32_t u = 0xdeadbeef;
	int32_t i32 = 0x5a5a5a5a;
	int fds[2], k, ret;

	fds[0] = -1;
	fds[1] = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fds[1] >= 0);
	for (k = 0; k < 2; k++) {
		int fd = fds[k], want = k == 0 ? -EBADF : -ENOTTY;

		memset(&st, 0x77, sizeof(st));
		if ((ret = neuron_drm_query(fd, DRM_NEURON_QUERY_DEVICE_INFO,
					    NULL, 0)) != want ||
		    (ret = neuron_drm_query_device_info(fd, &info)) != want ||
		    (ret = neuron_drm_query_topology(fd, &topo)) != want ||
		    (ret = neuron_drm_device_state(fd, DRM_NEURON_STATE_FW_STATUS,
						   0, 0, &st)) != want ||
		    (ret = neuron_drm_fw_status(fd, &u)) != want ||
		    (ret = neuron_drm_semaphore_read(fd, 0, 0, &i32)) != want ||
		    (ret = neuron_drm_event_read(fd, 0, 0, &u)) != want ||
		    (ret = neuron_drm_post_metrics(fd, "m", 1)) != want ||
		    (ret = neuron_drm_reset(fd)) != want ||
		    (ret = neuron_drm_reset_cores(fd, 1)) != want) {
			fprintf(stderr, "  fd %d: got %d (%s), want %d\n", fd,
				ret, neuron_drm_strerror(ret), want);
			close(fds[1]);
			return FAIL;
		}
		/* Out-values untouched on failure. */
		CHECK_EQ(u, 0xdeadbeef);
		CHECK_EQ(i32, 0x5a5a5a5a);
		CHECK_EQ(st.type, 0x77777777);
	}
	close(fds[1]);
	return PASS;
}

static int test_open_device_id_no_device(void)
{
	SKIP_IF(host_devices() != 0, "this host has (or hides) accel nodes");
	CHECK_EQ(neuron_drm_open_device_id(1), -ENODEV);
	CHECK_EQ(neuron_drm_open_device_id(UINT32_MAX), -ENODEV);
	return PASS;
}


/* ---- NEURON_DRM_1.1: BOs, jobs, syncobjs, NeuronCores ------------------ */

/*
 * NULL out-pointers and arguments the kernel could only see as address 0
 * are refused with -EINVAL before any system call (fd -1 would otherwise
 * give -EBADF, which proves the check came first).
 */
static int test_v11_null_args(void)
{
	struct drm_neuron_xfer x;
	struct drm_neuron_sync sy;
	uint32_t h = 1, hs[1] = { 1 };
	uint64_t pts[1] = { 1 }, sz;
	int32_t v;
	void *p;
	int dfd;

	neuron_drm_xfer_copy(&x, 1, 0, 2, 0, 4096);
	memset(&sy, 0, sizeof(sy));
	CHECK_EQ(neuron_drm_bo_create(-1, 4096, DRM_NEURON_BO_HOST, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_bo_create(-1, 0, DRM_NEURON_BO_HOST, 0, 0, &h), -EINVAL);
	CHECK_EQ(neuron_drm_bo_info(-1, 1, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_bo_map(-1, 1, NULL, &sz), -EINVAL);
	CHECK_EQ(neuron_drm_bo_map(-1, 1, &p, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_bo_unmap(NULL, 4096), -EINVAL);
	CHECK_EQ(neuron_drm_bo_unmap(&h, 0), -EINVAL);
	CHECK_EQ(neuron_drm_gem_close(-1, 0), -EINVAL);
	CHECK_EQ(neuron_drm_prime_handle_to_fd(-1, 1, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_prime_fd_to_handle(-1, 3, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_prime_fd_to_handle(-1, -1, &h), -EINVAL);
	CHECK_EQ(neuron_drm_query_memory_usage(-1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_query_cores(-1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_submit(-1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_submit_xfers(-1, 0, 0, NULL, 1, NULL, 0, NULL, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_submit_xfers(-1, 0, 0, &x, 0, NULL, 0, NULL, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_submit_xfers(-1, 0, 0, &x, 1, NULL, 1, NULL, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_create(-1, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_destroy(-1, 0), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_wait(-1, NULL, 1, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_wait(-1, hs, 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_timeline_wait(-1, hs, NULL, 1, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_timeline_wait(-1, NULL, pts, 1, 0, 0, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_query(-1, hs, NULL, 1), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_query(-1, hs, pts, 0), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_timeline_signal(-1, NULL, pts, 1), -EINVAL);
	CHECK_EQ(neuron_drm_syncobj_status(-1, 1, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_core_acquire(-1, 0), -EINVAL);
	CHECK_EQ(neuron_drm_core_release(-1, 0), -EINVAL);
	CHECK_EQ(neuron_drm_sem_op(-1, 0, 0, DRM_NEURON_SEM_READ, NULL), -EINVAL);
	CHECK_EQ(neuron_drm_event_op(-1, 0, 0, DRM_NEURON_EVENT_READ, NULL), -EINVAL);
	(void)v;
	(void)dfd;
	return PASS;
}

/* Submit: counts without arrays, counts above the uAPI limits, no work. */
static int test_v11_submit_limits(void)
{
	struct drm_neuron_xfer x[1];
	struct drm_neuron_sync sy[1];
	struct drm_neuron_submit s;

	neuron_drm_xfer_copy(&x[0], 1, 0, 2, 0, 1);
	memset(sy, 0, sizeof(sy));
#define RESET() do { memset(&s, 0, sizeof(s)); s.xfers = (uintptr_t)x; s.xfer_count = 1; } while (0)
	RESET();
	s.xfer_count = 0;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);	/* no work */
	RESET();
	s.xfers = 0;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.desc_count = 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.bo_handle_count = 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.in_sync_count = 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.xfer_count = DRM_NEURON_SUBMIT_MAX_XFERS + 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.descs = (uintptr_t)x;
	s.desc_count = DRM_NEURON_SUBMIT_MAX_DESCS + 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.bo_handles = (uintptr_t)x;
	s.bo_handle_count = DRM_NEURON_SUBMIT_MAX_BOS + 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	RESET();
	s.in_syncs = (uintptr_t)sy;
	s.in_sync_count = DRM_NEURON_SUBMIT_MAX_SYNCS + 1;
	CHECK_EQ(neuron_drm_submit(-1, &s), -EINVAL);
	/* Valid shape: reaches the kernel, which says -EBADF. */
	RESET();
	CHECK_EQ(neuron_drm_submit(-1, &s), -EBADF);
	CHECK_EQ(neuron_drm_submit_xfers(-1, 0, 0, x, 1, sy, 1, &sy[0], NULL), -EBADF);
#undef RESET
	return PASS;
}

/* Wrappers with valid arguments report the kernel's -EBADF / -ENOTTY. */
static int test_v11_error_mapping(void)
{
	struct drm_neuron_query_memory_usage mu;
	struct drm_neuron_query_cores qc;
	struct drm_neuron_bo_info bi;
	struct drm_neuron_nq_advance na;
	uint32_t h = 0x12345678, hs[1] = { 1 };
	uint64_t pts[1] = { 1 }, sz = 7;
	int32_t v = 5;
	void *p = NULL;
	int fds[2], k, ret, dfd = -7, st = 9;

	fds[0] = -1;
	fds[1] = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fds[1] >= 0);
	for (k = 0; k < 2; k++) {
		int fd = fds[k], want = k == 0 ? -EBADF : -ENOTTY;

		if ((ret = neuron_drm_bo_create(fd, 4096, DRM_NEURON_BO_DRAM, 0, 0, &h)) != want ||
		    (ret = neuron_drm_bo_info(fd, 1, 0, &bi)) != want ||
		    (ret = neuron_drm_bo_map(fd, 1, &p, &sz)) != want ||
		    (ret = neuron_drm_gem_close(fd, 1)) != want ||
		    (ret = neuron_drm_prime_handle_to_fd(fd, 1, 0, &dfd)) != want ||
		    (ret = neuron_drm_prime_fd_to_handle(fd, 0, &h)) != want ||
		    (ret = neuron_drm_query_memory_usage(fd, &mu)) != want ||
		    (ret = neuron_drm_query_cores(fd, &qc)) != want ||
		    (ret = neuron_drm_syncobj_create(fd, 0, &h)) != want ||
		    (ret = neuron_drm_syncobj_destroy(fd, 1)) != want ||
		    (ret = neuron_drm_syncobj_wait(fd, hs, 1, 0, 0, NULL)) != want ||
		    (ret = neuron_drm_syncobj_timeline_wait(fd, hs, pts, 1, 0, 0, NULL)) != want ||
		    (ret = neuron_drm_syncobj_query(fd, hs, pts, 1)) != want ||
		    (ret = neuron_drm_syncobj_timeline_signal(fd, hs, pts, 1)) != want ||
		    (ret = neuron_drm_syncobj_status(fd, 1, &st)) != want ||
		    (ret = neuron_drm_core_acquire(fd, 1)) != want ||
		    (ret = neuron_drm_core_release(fd, 1)) != want ||
		    (ret = neuron_drm_sem_op(fd, 0, 0, DRM_NEURON_SEM_SET, &v)) != want ||
		    (ret = neuron_drm_event_op(fd, 0, 0, DRM_NEURON_EVENT_SET, NULL)) != want ||
		    (ret = neuron_drm_nq_create(fd, 0, DRM_NEURON_NQ_EVENT, 0, 1, 4096)) != want ||
		    (ret = neuron_drm_nq_destroy(fd, 0, DRM_NEURON_NQ_EVENT, 0)) != want ||
		    (ret = neuron_drm_nq_advance(fd, 0, DRM_NEURON_NQ_EVENT, 0, 0, &na)) != want ||
		    (ret = neuron_drm_wait(fd, DRM_NEURON_WAIT_SEMAPHORE, 0, 0, 0, 1,
					   neuron_drm_abs_timeout(0), &v)) != want) {
			fprintf(stderr, "  fd %d: got %d (%s), want %d\n", fd,
				ret, neuron_drm_strerror(ret), want);
			close(fds[1]);
			return FAIL;
		}
		/* Out-values untouched on failure. */
		CHECK_EQ(h, 0x12345678);
		CHECK_EQ(dfd, -7);
		CHECK(p == NULL);
		CHECK_EQ(sz, 7);
		CHECK_EQ(v, 5);
		CHECK_EQ(st, 9);
	}
	close(fds[1]);
	return PASS;
}

static int test_v11_helpers(void)
{
	struct drm_neuron_xfer x;
	int64_t a, b;

	memset(&x, 0xff, sizeof(x));
	neuron_drm_xfer_copy(&x, 3, 5, 7, 11, 13);
	CHECK_EQ(x.type, DRM_NEURON_XFER_COPY);
	CHECK_EQ(x.flags, 0);
	CHECK_EQ(x.src_handle, 3);
	CHECK_EQ(x.src_offset, 5);
	CHECK_EQ(x.dst_handle, 7);
	CHECK_EQ(x.dst_offset, 11);
	CHECK_EQ(x.size, 13);
	CHECK_EQ(x.nc, 0);
	CHECK_EQ(x.pad, 0);
	a = neuron_drm_abs_timeout(0);
	b = neuron_drm_abs_timeout(1000000000);
	CHECK(a > 0 && b >= a + 1000000000 && b < a + 2000000000LL);
	CHECK_EQ(neuron_drm_abs_timeout(INT64_MAX), INT64_MAX);
	CHECK(neuron_drm_abs_timeout(-1000) < a + 1000000000LL);
	CHECK_EQ(neuron_drm_lib_version() >> 8 & 0xff, NEURON_DRM_VERSION_MINOR);
	return PASS;
}

/* The descriptor helpers set every field, the reserved ones to zero. */
static int test_desc_helpers(void)
{
	struct drm_neuron_dma_desc d;

	memset(&d, 0xff, sizeof(d));
	neuron_drm_desc_copy(&d, neuron_drm_mem_bo(2, 1ull << 40),
			     neuron_drm_mem_core(3, DRM_NEURON_CORE_INSTR_FIFO, 64),
			     4096, DRM_NEURON_DESC_BARRIER);
	CHECK_EQ(d.src.kind, DRM_NEURON_MEM_BO);
	CHECK_EQ(d.src.index, 2);
	CHECK_EQ(d.src.region, 0);
	CHECK_EQ(d.src.pad, 0);
	CHECK_EQ(d.src.offset, 1ull << 40);
	CHECK_EQ(d.dst.kind, DRM_NEURON_MEM_CORE);
	CHECK_EQ(d.dst.index, 3);
	CHECK_EQ(d.dst.region, DRM_NEURON_CORE_INSTR_FIFO);
	CHECK_EQ(d.dst.pad, 0);
	CHECK_EQ(d.dst.offset, 64);
	CHECK_EQ(d.size, 4096);
	CHECK_EQ(d.flags, DRM_NEURON_DESC_BARRIER);
	/* 32-bit and 64-bit userspace share the layout. */
	CHECK_EQ(sizeof(struct drm_neuron_mem_ref), 24);
	CHECK_EQ(sizeof(struct drm_neuron_dma_desc), 56);
	return PASS;
}

/* ---------------------------------------------------------------------- */

static const struct unit_test tests[] = {
	{ "lib-version", test_lib_version },
	{ "strerror", test_strerror },
	{ "ioctl-errors", test_ioctl_errors },
	{ "close", test_close },
	{ "list-args", test_list_args },
	{ "list-host-empty", test_list_host_empty },
	{ "list-missing-dir", test_list_missing_dir },
	{ "list-fake-dir", test_list_fake_dir },
	{ "list-permission", test_list_permission },
	{ "open-path-errors", test_open_path_errors },
	{ "open-index-no-device", test_open_index_no_device },
	{ "open-pci-args", test_open_pci_args },
	{ "open-pci-no-device", test_open_pci_no_device },
	{ "parse-slot", test_parse_slot },
	{ "get-node-errors", test_get_node_errors },
	{ "wrapper-null-args", test_wrapper_null_args },
	{ "wrapper-size-limits", test_wrapper_size_limits },
	{ "wrapper-error-mapping", test_wrapper_error_mapping },
	{ "open-device-id-no-device", test_open_device_id_no_device },
	{ "v11-null-args", test_v11_null_args },
	{ "v11-submit-limits", test_v11_submit_limits },
	{ "v11-error-mapping", test_v11_error_mapping },
	{ "v11-helpers", test_v11_helpers },
	{ "desc-helpers", test_desc_helpers },
};

int main(int argc, char **argv)
{
	return unit_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
