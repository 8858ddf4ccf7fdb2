// SPDX-License-Identifier: MIT
/*
 * igt.c - implementation of the IGT-convention harness (see igt.h)
 *
 * Copyright (c) 2025 The neuron project authors
 */
#define _GNU_SOURCE
#include "igt.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>

sigjmp_buf __igt_jmp;

enum igt_mode { MODE_RUN, MODE_LIST, MODE_DESCRIBE };
enum igt_result { RES_NONE, RES_SUCCESS, RES_SKIP, RES_FAIL };

static const char *result_str[] = {
	[RES_SUCCESS] = "SUCCESS", [RES_SKIP] = "SKIP", [RES_FAIL] = "FAIL",
};

static struct {
	const char *prog;		/* basename of argv[0] */
	enum igt_mode mode;
	const char *filter;		/* --run-subtest argument, or NULL */
	bool debug;
	int kmsg_fd;
	bool in_fixture;
	char subtest[256];		/* current subtest, "" when none */
	struct timespec start;
	const char *description;	/* set by igt_describe() */
	/* fixture skip/fail that applies to later subtests */
	enum igt_result henceforth;
	enum igt_result group_stack[16];
	int group_depth;
	int matched, succeeded, skipped, failed;
	bool failed_outside;		/* a fixture failed */
} igt = { .kmsg_fd = -1 };

/* Weak so that a test binary may omit IGT_TEST_DESCRIPTION(). */
const char *__igt_test_description __attribute__((weak));

static void kmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void kmsg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (igt.kmsg_fd < 0)
		return;
	/* "<6>" = KERN_INFO: visible in dmesg, quiet on the console. */
	n = snprintf(buf, sizeof(buf), "<6>[IGT] %s: ", igt.prog);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf))
		n = sizeof(buf);
	if (write(igt.kmsg_fd, buf, n) < 0)
		igt.kmsg_fd = -1;	/* not worth failing a test over */
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - igt.start.tv_sec) +
	       (now.tv_nsec - igt.start.tv_nsec) / 1e9;
}

static void report(const char *name, enum igt_result res, double secs)
{
	printf("Subtest %s: %s (%.3fs)\n", name, result_str[res], secs);
	fflush(stdout);
	kmsg("finished subtest %s, %s\n", name, result_str[res]);
	switch (res) {
	case RES_SUCCESS: igt.succeeded++; break;
	case RES_SKIP: igt.skipped++; break;
	default: igt.failed++; break;
	}
}

/* A crash inside a subtest still produces a result line for the runner. */
static void crash_handler(int sig)
{
	char buf[512];
	int n;

	if (igt.subtest[0]) {
		n = snprintf(buf, sizeof(buf),
			     "Received signal %s.\nSubtest %s: CRASH (%.3fs)\n",
			     strsignal(sig), igt.subtest, elapsed());
		if (write(STDOUT_FILENO, buf, n) < 0)
			_exit(IGT_EXIT_FAILURE);
	}
	_exit(IGT_EXIT_FAILURE);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n"
		"  --list-subtests         print the subtest names, one a line\n"
		"  --run-subtest PATTERN   run only subtests matching PATTERN\n"
		"                          (shell globs, comma separated)\n"
		"  --describe              list subtests with their descriptions\n"
		"  --debug                 print igt_debug() messages\n"
		"  --help                  this text\n"
		"Exit: 0 success, 77 skip, 79 invalid, 98 failure.\n",
		igt.prog);
	if (__igt_test_description)
		fprintf(f, "\n%s\n", __igt_test_description);
}

void __igt_init(int argc, char **argv)
{
	static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	const char *slash = strrchr(argv[0], '/');
	const char *lvl = getenv("IGT_LOG_LEVEL");
	struct utsname uts;
	int i;

	igt.prog = slash ? slash + 1 : argv[0];
	igt.debug = lvl && !strcmp(lvl, "debug");

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--list-subtests")) {
			igt.mode = MODE_LIST;
		} else if (!strcmp(a, "--describe")) {
			igt.mode = MODE_DESCRIBE;
		} else if (!strcmp(a, "--run-subtest") && i + 1 < argc) {
			igt.filter = argv[++i];
		} else if (!strncmp(a, "--run-subtest=", 14)) {
			igt.filter = a + 14;
		} else if (!strcmp(a, "--debug")) {
			igt.debug = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(IGT_EXIT_SUCCESS);
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", igt.prog, a);
			usage(stderr);
			exit(IGT_EXIT_INVALID);
		}
	}
	if (igt.mode != MODE_RUN)
		return;

	if (uname(&uts) == 0)
		printf("IGT-Version: neuron-igt-lite (%s) (Linux: %s %s)\n",
		       uts.machine, uts.release, uts.machine);
	fflush(stdout);
	igt.kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	for (i = 0; i < (int)(sizeof(crash_sigs) / sizeof(crash_sigs[0])); i++)
		signal(crash_sigs[i], crash_handler);
}

int __igt_exit(void)
{
	if (igt.mode != MODE_RUN)
		return IGT_EXIT_SUCCESS;
	if (igt.filter && !igt.matched) {
		fprintf(stderr, "%s: unknown subtest: %s\n", igt.prog, igt.filter);
		return IGT_EXIT_INVALID;
	}
	if (igt.failed || igt.failed_outside)
		return IGT_EXIT_FAILURE;
	if (igt.succeeded)
		return IGT_EXIT_SUCCESS;
	return IGT_EXIT_SKIP;
}

bool __igt_fixture_begin(void)
{
	if (igt.mode != MODE_RUN || igt.henceforth != RES_NONE)
		return false;
	igt.in_fixture = true;
	return true;
}

void __igt_fixture_end(void)
{
	igt.in_fixture = false;
}

static bool valid_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!(*name == '-' || *name == '_' ||
		      (*name >= 'a' && *name <= 'z') ||
		      (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9')))
			return false;
	return true;
}

static bool matches(const char *name)
{
	char pat[256];
	const char *p = igt.filter;

	if (!p)
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len < sizeof(pat)) {
			memcpy(pat, p, len);
			pat[len] = 0;
			if (!fnmatch(pat, name, 0))
				return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

bool __igt_subtest_begin(const char *name)
{
	const char *desc = igt.description;

	igt.description = NULL;
	if (!valid_name(name) || strlen(name) >= sizeof(igt.subtest)) {
		fprintf(stderr, "%s: invalid subtest name '%s'\n", igt.prog, name);
		exit(IGT_EXIT_INVALID);
	}
	if (igt.mode == MODE_LIST) {
		printf("%s\n", name);
		return false;
	}
	if (igt.mode == MODE_DESCRIBE) {
		printf("SUB %s:\n  %s\n\n", name, desc ? desc : "NO DOCUMENTATION!");
		return false;
	}
	if (!matches(name))
		return false;

	igt.matched++;
	printf("Starting subtest: %s\n", name);
	fflush(stdout);
	kmsg("starting subtest %s\n", name);
	if (igt.henceforth != RES_NONE) {
		/* an earlier fixture skipped or failed */
		report(name, igt.henceforth, 0.0);
		return false;
	}
	strcpy(igt.subtest, name);
	clock_gettime(CLOCK_MONOTONIC, &igt.start);
	return true;
}

void __igt_subtest_end(void)
{
	report(igt.subtest, RES_SUCCESS, elapsed());
	igt.subtest[0] = 0;
}

int __igt_group_enter(void)
{
	if (igt.group_depth >= (int)(sizeof(igt.group_stack) / sizeof(igt.group_stack[0]))) {
		fprintf(stderr, "%s: igt_subtest_group nested too deep\n", igt.prog);
		exit(IGT_EXIT_INVALID);
	}
	igt.group_stack[igt.group_depth++] = igt.henceforth;
	return 1;
}

int __igt_group_leave(void)
{
	igt.henceforth = igt.group_stack[--igt.group_depth];
	return 0;
}

void igt_describe(const char *description)
{
	igt.description = description;
}

const char *__igt_subtest_name_f(const char *fmt, ...)
{
	static char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return name;
}

static void vlog(FILE *f, const char *fmt, va_list ap)
{
	size_t len = strlen(fmt);

	vfprintf(f, fmt, ap);
	if (!len || fmt[len - 1] != '\n')
		fputc('\n', f);
	fflush(f);
}

/* Ends the current subtest/fixture with @res; never returns. */
static void __attribute__((noreturn)) leave(enum igt_result res)
{
	if (igt.subtest[0]) {
		report(igt.subtest, res, elapsed());
		igt.subtest[0] = 0;
		siglongjmp(__igt_jmp, 1);
	}
	if (igt.in_fixture) {
		igt.in_fixture = false;
		igt.henceforth = res;
		if (res == RES_FAIL)
			igt.failed_outside = true;
		siglongjmp(__igt_jmp, 1);
	}
	/* Outside fixtures and subtests: the whole binary ends here. */
	if (res == RES_FAIL)
		exit(IGT_EXIT_FAILURE);
	exit(igt.failed ? IGT_EXIT_FAILURE :
	     igt.succeeded ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP);
}

void __igt_skip(const char *file, int line, const char *func,
		const char *fmt, ...)
{
	va_list ap;

	printf("Test requirement not met in function %s, file %s:%d:\n",
	       func, file, line);
	va_start(ap, fmt);
	vlog(stdout, fmt, ap);
	va_end(ap);
	leave(RES_SKIP);
}

void __igt_fail(const char *file, int line, const char *func,
		const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "(%s:%d) %s:%d: %s: CRITICAL: ",
		igt.prog, getpid(), file, line, func);
	va_start(ap, fmt);
	vlog(stderr, fmt, ap);
	va_end(ap);
	leave(RES_FAIL);
}

void igt_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(stdout, fmt, ap);
	va_end(ap);
}

void igt_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "(%s:%d) WARN: ", igt.prog, getpid());
	va_start(ap, fmt);
	vlog(stderr, fmt, ap);
	va_end(ap);
}

void igt_debug(const char *fmt, ...)
{
	va_list ap;

	if (!igt.debug)
		return;
	fprintf(stderr, "(%s:%d) DEBUG: ", igt.prog, getpid());
	va_start(ap, fmt);
	vlog(stderr, fmt, ap);
	va_end(ap);
}

int igt_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && errno == EINTR);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* neuron devices                                                          */

/* Is the DRM device behind @fd driven by "neuron"? */
static bool is_neuron_fd(int fd)
{
	char name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

	if (igt_ioctl(fd, DRM_IOCTL_VERSION, &v))
		return false;
	return !strcmp(name, "neuron");
}

/* Does sysfs say accel minor @minor is bound to a driver named "neuron"? */
static bool sysfs_says_neuron(unsigned int minor)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/accel/accel%u/device/driver", minor);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = 0;
	return !strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "neuron");
}

/*
 * Opens a node, waiting out the moments around registration and removal
 * when it exists but its minor cannot be acquired (-ENODEV): drm_dev_register()
 * adds the node before it publishes the minor, and a device being removed
 * keeps its node until the minor is unregistered. Up to 2 s, and only while
 * sysfs still attributes the node to neuron.
 */
static int open_node(const char *path, unsigned int minor)
{
	int fd, i;

	for (i = 0; i < 40; i++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != ENODEV || !sysfs_says_neuron(minor))
			return fd;
		usleep(50 * 1000);
	}
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * Walks /dev/accel/accel0.. in minor order and returns an open fd for the
 * index-th neuron node, or -1 and the number of neuron nodes in *count.
 * A node that sysfs attributes to neuron but that cannot be opened is a
 * failure, not a skip: it would otherwise hide a broken driver.
 */
static int scan(int index, int *count)
{
	char path[64];
	unsigned int minor;
	int found = 0, misses = 0;

	for (minor = 0; minor < 256 && misses < 8; minor++) {
		int fd;

		snprintf(path, sizeof(path), "/dev/accel/accel%u", minor);
		if (access(path, F_OK)) {
			misses++;	/* minors can have holes after unbind */
			continue;
		}
		misses = 0;
		fd = open_node(path, minor);
		if (fd < 0) {
			igt_assert_f(!sysfs_says_neuron(minor),
				     "cannot open %s: %s\n", path, strerror(errno));
			continue;
		}
		if (!is_neuron_fd(fd)) {
			close(fd);
			continue;
		}
		if (found++ == index)
			return fd;
		close(fd);
	}
	*count = found;
	return -1;
}

int igt_neuron_count(void)
{
	int count = 0;

	scan(INT_MAX, &count);
	return count;
}

int igt_neuron_open(int index)
{
	int count = 0, fd = scan(index, &count);

	igt_require_f(fd >= 0, "no neuron device #%d (found %d)\n", index, count);
	igt_debug("neuron device #%d is fd %d\n", index, fd);
	return fd;
}

int igt_neuron_pci_slot(int fd, char *buf)
{
	char path[64], real[PATH_MAX];
	struct stat st;
	const char *base;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(path, real))
		return -errno;
	base = strrchr(real, '/') + 1;
	if (strlen(base) >= IGT_PCI_SLOT_LEN)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int igt_neuron_qdev_index(int fd)
{
	char slot[IGT_PCI_SLOT_LEN], path[64], real[PATH_MAX], *parent;
	unsigned int dom, bus, dev, fn;

	if (igt_neuron_pci_slot(fd, slot))
		return -1;
	/*
	 * Each device sits alone behind a PCIe root port at slot 0x10 + i of
	 * bus 0 (hot-plug capable topology); older runners put the device
	 * itself there. Either way the slot on bus 0 names it.
	 */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", slot);
	if (!realpath(path, real))
		return -1;
	*strrchr(real, '/') = '\0';
	parent = strrchr(real, '/') + 1;
	if (sscanf(parent, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4 &&
	    sscanf(slot, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
		return -1;
	if (dom != 0 || bus != 0 || fn != 0 || dev < 0x10)
		return -1;
	return dev - 0x10;
}

/* ---------------------------------------------------------------------- */
/* QMP over the "org.neuron.qmp" virtio-serial port                         */

#define QMP_PORT_NAME "org.neuron.qmp"
#define QMP_TIMEOUT_MS 10000

/* Finds the /dev node of the QMP port; false when the VM has none. */
static bool qmp_port(char *dev, size_t len)
{
	char path[PATH_MAX], name[64];
	struct dirent *de;
	bool found = false;
	DIR *d;

	/* udev creates this link; busybox/devtmpfs guests do not */
	if (!access("/dev/virtio-ports/" QMP_PORT_NAME, F_OK)) {
		snprintf(dev, len, "/dev/virtio-ports/" QMP_PORT_NAME);
		return true;
	}
	d = opendir("/sys/class/virtio-ports");
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name",
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f) &&
		    !strncmp(name, QMP_PORT_NAME, strlen(QMP_PORT_NAME)) &&
		    (name[strlen(QMP_PORT_NAME)] == '\n' ||
		     !name[strlen(QMP_PORT_NAME)])) {
			snprintf(dev, len, "/dev/%s", de->d_name);
			found = true;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

bool igt_qmp_available(void)
{
	char dev[PATH_MAX];

	return qmp_port(dev, sizeof(dev));
}

/*
 * Sends @cmd (a JSON object) tagged with a unique "id" and reads lines until
 * the reply carrying that id.  The QMP session is shared by every process
 * that ever opened the port, so greetings, events and stale replies of a
 * killed test may be in the stream: the id is what makes the reply ours.
 * Returns 0 for "return", -1 for "error" or on I/O trouble/timeout.
 */
static int qmp_exchange(int fd, const char *cmd, char *out, size_t outlen,
			bool quiet)
{
	static unsigned int seq;
	char id[64], line[65536], *msg;
	size_t have = 0;
	int len;

	while (*cmd == ' ' || *cmd == '\n' || *cmd == '\t')
		cmd++;
	if (*cmd != '{')
		return -1;
	snprintf(id, sizeof(id), "igt-%d-%u", getpid(), ++seq);
	len = asprintf(&msg, "{\"id\": \"%s\", %s\n", id, cmd + 1);
	if (len < 0)
		return -1;
	if (write(fd, msg, len) != len) {
		free(msg);
		return -1;
	}
	igt_debug("QMP -> %s", msg);
	free(msg);

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char *nl;
		ssize_t n;

		while ((nl = memchr(line, '\n', have))) {
			size_t llen = nl - line;

			*nl = 0;
			if (strstr(line, id)) {
				/* QEMU puts "id" last after "return", first before "error" */
				int ret = strncmp(line, "{\"return\"", 9) &&
					  strstr(line, "\"error\": {\"class\"") ? -1 : 0;

				igt_debug("QMP <- %s\n", line);
				if (ret && !quiet)
					igt_info("QMP error: %s\n", line);
				if (out && outlen)
					snprintf(out, outlen, "%s", line);
				return ret;
			}
			memmove(line, nl + 1, have - llen - 1);
			have -= llen + 1;
		}
		if (have == sizeof(line))
			have = 0;	/* absurdly long line: drop it */
		if (poll(&pfd, 1, QMP_TIMEOUT_MS) <= 0) {
			igt_warn("QMP: no reply to %s within %d ms\n", id,
				 QMP_TIMEOUT_MS);
			return -1;
		}
		n = read(fd, line + have, sizeof(line) - have);
		if (n <= 0)
			return -1;
		have += n;
	}
}

static int qmp_vcommand(char *out, size_t outlen, const char *fmt, va_list ap)
{
	char dev[PATH_MAX], *cmd;
	int fd, ret;

	igt_require_f(qmp_port(dev, sizeof(dev)),
		      "no QMP port \"%s\" in this machine\n", QMP_PORT_NAME);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s\n", dev, strerror(errno));
	if (vasprintf(&cmd, fmt, ap) < 0) {
		close(fd);
		return -1;
	}
	/* Answers "already negotiated" (an error) after the first time. */
	qmp_exchange(fd, "{\"execute\": \"qmp_capabilities\"}", NULL, 0, true);
	ret = qmp_exchange(fd, cmd, out, outlen, false);
	free(cmd);
	close(fd);
	return ret;
}

int igt_qmp(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = qmp_vcommand(NULL, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int igt_qmp_reply(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = qmp_vcommand(out, len, fmt, ap);
	va_end(ap);
	return ret;
}
