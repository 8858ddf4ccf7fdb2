// SPDX-License-Identifier: MIT
/*
 * neuron_fwio - firmware mailbox faults: errno, log line, recovery
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("FWIO fault injection: dropped requests, firmware errors, bad CRC");

#define PARAM_DIR "/sys/module/neuron/parameters/"

static int fd = -1, qdev = -1;
static char saved_attempts[16], saved_timeout[16], saved_poll[16];
static int marker_seq;

static int read_str(const char *path, char *buf, size_t len)
{
	ssize_t n = neuron_read_file(path, buf, len);

	return n < 0 ? n : 0;
}

static void set_fwio_fault(const char *mode)
{
	igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
			      "\"/machine/peripheral/neuron%d\",\"property\":\"fault-fwio\","
			      "\"value\":\"%s\"}}", qdev, mode), 0);
}

static int fw_status(int dfd, uint32_t *val)
{
	struct drm_neuron_device_state s = { .type = DRM_NEURON_STATE_FW_STATUS };
	int ret = igt_ioctl(dfd, DRM_IOCTL_NEURON_DEVICE_STATE, &s);

	if (!ret && val)
		*val = s.values[0];
	return ret ? -errno : 0;
}

/* Puts a unique line in the kernel log; kernel_log_has() searches after it. */
static void log_marker(char *marker, size_t len)
{
	snprintf(marker, len, "neuron_fwio marker %d.%d", getpid(), ++marker_seq);
	igt_assert_eq(neuron_write_str("/dev/kmsg", marker), 0);
}

static bool kernel_log_has(const char *marker, const char *needle)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf, *m;
	bool found;
	int n;

	igt_assert_gt(size, 0);
	buf = calloc(1, size + 1);
	igt_assert(buf);
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	igt_assert_gte(n, 0);
	buf[n] = '\0';
	m = strstr(buf, marker);
	found = m && strstr(m, needle);
	free(buf);
	return found;
}

static unsigned long long stat_value(const char *name)
{
	char slot[IGT_PCI_SLOT_LEN], path[128], buf[1024], *p;

	igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/fwio_stats", slot);
	igt_require(read_str(path, buf, sizeof(buf)) == 0);
	p = strstr(buf, name);
	igt_assert(p);
	return strtoull(p + strlen(name) + 1, NULL, 10);
}

static void check_usable(void)
{
	uint32_t st = 0;

	igt_assert_eq(fw_status(fd, &st), 0);
	igt_assert(st & DRM_NEURON_FW_STATUS_READY);
}

igt_main
{
	igt_fixture {
		fd = igt_neuron_open(0);
		qdev = igt_neuron_qdev_index(fd);
		igt_require(qdev >= 0);
		igt_require(igt_qmp_available());
		igt_require(geteuid() == 0);
		igt_assert_eq(read_str(PARAM_DIR "fwio_attempts", saved_attempts,
				       sizeof(saved_attempts)), 0);
		igt_assert_eq(read_str(PARAM_DIR "fwio_timeout_ms", saved_timeout,
				       sizeof(saved_timeout)), 0);
		igt_assert_eq(read_str(PARAM_DIR "status_poll_ms", saved_poll,
				       sizeof(saved_poll)), 0);
		/* Keep fault runs short: 3 attempts of 200 ms. */
		igt_assert_eq(neuron_write_str(PARAM_DIR "fwio_attempts", "3"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "fwio_timeout_ms", "200"), 0);
		/* No background status reads: the counts below are exact. */
		igt_assert_eq(neuron_write_str(PARAM_DIR "status_poll_ms", "0"), 0);
	}

	igt_describe("Dropped requests time out with ETIMEDOUT and a log line; the device recovers");
	igt_subtest("drop-timeout") {
		unsigned long long timeouts = stat_value("timeouts:");
		char marker[64];

		log_marker(marker, sizeof(marker));
		set_fwio_fault("drop");
		igt_assert_eq(fw_status(fd, NULL), -ETIMEDOUT);
		set_fwio_fault("none");
		igt_assert(kernel_log_has(marker, "FWIO READ failed after 3 attempt(s): -110"));
		igt_assert(kernel_log_has(marker, "no response within 200 ms"));
		igt_assert_eq(stat_value("timeouts:"), timeouts + 3);
		check_usable();
	}

	igt_describe("Firmware error responses give ENXIO (not EIO, which says wedged) after the retries");
	igt_subtest("error") {
		unsigned long long fw_errors = stat_value("fw_errors:");
		char marker[64];

		log_marker(marker, sizeof(marker));
		set_fwio_fault("error");
		igt_assert_eq(fw_status(fd, NULL), -ENXIO);
		set_fwio_fault("none");
		igt_assert(kernel_log_has(marker, "FWIO READ failed after 3 attempt(s): -6"));
		igt_assert_eq(stat_value("fw_errors:"), fw_errors + 3);
		check_usable();
	}

	igt_describe("Requests whose CRC the firmware rejects give ENXIO");
	igt_subtest("bad-crc") {
		char marker[64];

		log_marker(marker, sizeof(marker));
		set_fwio_fault("bad-crc");
		igt_assert_eq(fw_status(fd, NULL), -ENXIO);
		set_fwio_fault("none");
		igt_assert(kernel_log_has(marker, "FWIO READ failed"));
		check_usable();
	}

	igt_describe("Every FWIO-backed interface reports the fault, none hangs");
	igt_subtest("error-all-interfaces") {
		struct drm_neuron_query_device_info info;
		struct drm_neuron_query_topology topo;
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(info), .pointer = (uintptr_t)&info,
		};
		struct drm_neuron_device_state s = {
			.type = DRM_NEURON_STATE_SEMAPHORE, .index0 = 1, .index1 = 2,
		};
		uint8_t blob[16] = { 1, 2, 3 };
		struct drm_neuron_post_metrics m = {
			.data = (uintptr_t)blob, .size = sizeof(blob),
		};
		char slot[IGT_PCI_SLOT_LEN], path[128], buf[64];

		igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
		set_fwio_fault("error");
		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, ENXIO);
		q.type = DRM_NEURON_QUERY_TOPOLOGY;
		q.size = sizeof(topo);
		q.pointer = (uintptr_t)&topo;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_QUERY, &q, ENXIO);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s, ENXIO);
		do_ioctl_err(fd, DRM_IOCTL_NEURON_POST_METRICS, &m, ENXIO);
		/* sysfs shows the status last read, without the mailbox. */
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/fw_status", slot);
		igt_assert_eq(read_str(path, buf, sizeof(buf)), 0);
		igt_assert(strtoul(buf, NULL, 16) & DRM_NEURON_FW_STATUS_READY);
		/* The size step does not touch the device. */
		q.size = 0;
		do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
		set_fwio_fault("none");
		do_ioctl(fd, DRM_IOCTL_NEURON_POST_METRICS, &m);
		check_usable();
	}

	igt_describe("sysfs reads do not wait for the mailbox: they succeed at once while a transaction holds it for seconds");
	igt_subtest("sysfs-mailbox-busy") {
		static const char * const attrs[] = {
			"fw_status", "east_link", "east_peer_id", "east_peer_minor",
			"west_link", "west_peer_id", "west_peer_minor",
		};
		const unsigned int n = sizeof(attrs) / sizeof(attrs[0]);
		char slot[IGT_PCI_SLOT_LEN], path[128], buf[64];
		int ret[sizeof(attrs) / sizeof(attrs[0])];
		unsigned long fw = 0;
		int64_t t, longest = 0;
		pid_t pid, busy;
		int status;

		igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
		/* One unanswered attempt holds the mailbox for 3 s. */
		igt_assert_eq(neuron_write_str(PARAM_DIR "fwio_attempts", "1"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "fwio_timeout_ms", "3000"), 0);
		set_fwio_fault("drop");
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0)
			_exit(fw_status(fd, NULL) == -ETIMEDOUT ? 0 : 1);
		usleep(500000);

		for (unsigned int i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/%s",
				 slot, attrs[i]);
			t = neuron_now_ns();
			ret[i] = read_str(path, buf, sizeof(buf));
			t = neuron_now_ns() - t;
			if (t > longest)
				longest = t;
			if (i == 0)
				fw = strtoul(buf, NULL, 16);
		}
		/* 0: the transaction was still running while we read. */
		busy = waitpid(pid, &status, WNOHANG);

		/* Put the device back first, so a failure leaves nothing behind. */
		if (!busy)
			igt_assert_eq(waitpid(pid, &status, 0), pid);
		set_fwio_fault("none");
		igt_assert_eq(neuron_write_str(PARAM_DIR "fwio_attempts", "3"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "fwio_timeout_ms", "200"), 0);

		igt_info("longest sysfs read %.1f ms\n", longest / 1e6);
		for (unsigned int i = 0; i < n; i++)
			igt_assert_f(ret[i] == 0, "%s: %s\n", attrs[i], strerror(-ret[i]));
		igt_assert(fw & DRM_NEURON_FW_STATUS_READY);
		igt_assert_eq(busy, 0);
		igt_assert_lt(longest, 500000000);
		igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		check_usable();
	}

	igt_describe("sysfs reads succeed during a reset instead of failing with EAGAIN");
	igt_subtest("sysfs-during-reset") {
		char slot[IGT_PCI_SLOT_LEN], path[128], buf[64];
		unsigned long resets, during;
		int status, ret_fw, ret_link;
		pid_t pid;

		igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/reset_count", slot);
		igt_assert_eq(read_str(path, buf, sizeof(buf)), 0);
		resets = strtoul(buf, NULL, 10);
		/* The reset holds the device for 2 s. */
		igt_assert_eq(neuron_write_str(PARAM_DIR "reset_initial_wait_ms", "2000"), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct drm_neuron_reset r = { 0 };

			_exit(igt_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r) ? 1 : 0);
		}
		usleep(500000);

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/fw_status", slot);
		ret_fw = read_str(path, buf, sizeof(buf));
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/east_link", slot);
		ret_link = read_str(path, buf, sizeof(buf));
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/reset_count", slot);
		igt_assert_eq(read_str(path, buf, sizeof(buf)), 0);
		during = strtoul(buf, NULL, 10);

		/* Put the device back first, so a failure leaves nothing behind. */
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert_eq(neuron_write_str(PARAM_DIR "reset_initial_wait_ms", "10"), 0);

		igt_assert_eq(ret_fw, 0);
		igt_assert_eq(ret_link, 0);
		/* The reset was still running when we read. */
		igt_assert_eq(during, resets);
		igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		igt_assert_eq(read_str(path, buf, sizeof(buf)), 0);
		igt_assert_eq(strtoul(buf, NULL, 10), resets + 1);
		check_usable();
	}

	igt_describe("A fault on one device does not disturb the others");
	igt_subtest("other-devices-unaffected") {
		int n = igt_neuron_count();

		igt_require(n > 1);
		set_fwio_fault("drop");
		for (int i = 1; i < n; i++) {
			int other = igt_neuron_open(i);
			uint32_t st = 0;

			igt_assert_eq(fw_status(other, &st), 0);
			igt_assert(st & DRM_NEURON_FW_STATUS_READY);
			close(other);
		}
		set_fwio_fault("none");
		check_usable();
	}

	igt_describe("A reset after a mailbox fault brings the device back");
	igt_subtest("reset-after-fault") {
		struct drm_neuron_reset r = { 0 };

		set_fwio_fault("error");
		igt_assert_eq(fw_status(fd, NULL), -ENXIO);
		set_fwio_fault("none");
		do_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r);
		check_usable();
	}

	igt_fixture {
		set_fwio_fault("none");
		neuron_write_str(PARAM_DIR "fwio_attempts", saved_attempts);
		neuron_write_str(PARAM_DIR "fwio_timeout_ms", saved_timeout);
		neuron_write_str(PARAM_DIR "status_poll_ms", saved_poll);
		close(fd);
	}
}
