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

enum { PASS, FAIL, SKIP };

static const char *skip_reason;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "  %s:%d: check failed: %s\n",    \
				__FILE__, __LINE__, #cond);                \
			return FAIL;                                       \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long a_ = (a), b_ = (b);                              \
		if (a_ != b_) {                                            \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, a_, #b, b_);       \
			return FAIL;                                       \
		}                                                          \
	} while (0)

#define SKIP_IF(cond, why)                                                 \
	do {                                                               \
		if (cond) {                                                \
			skip_reason = (why);                               \
			return SKIP;                                       \
		}                                                          \
	} while (0)

/* A scratch directory per test that needs one, removed afterwards. */
static char tmpdir[64];

static int make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/neuron-drm-unit.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static int tmp_path(char *buf, size_t len, const char *name)
{
	return snprintf(buf, len, "%s/%s", tmpdir, name) < (int)len ? 0 : -1;
}

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

/* ---------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(void);
} tests[] = {
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
};

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0;
	size_t i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int r;

		if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
			continue;
		skip_reason = NULL;
		r = tests[i].fn();
		if (r == PASS) {
			passed++;
			printf("PASS %s\n", tests[i].name);
		} else if (r == SKIP) {
			skipped++;
			printf("SKIP %s (%s)\n", tests[i].name, skip_reason);
		} else {
			failed++;
			printf("FAIL %s\n", tests[i].name);
		}
		fflush(stdout);
	}
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
