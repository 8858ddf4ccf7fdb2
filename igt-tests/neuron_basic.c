// SPDX-License-Identifier: MIT
/*
 * neuron_basic - probe, identification and device info of the neuron driver
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Probe of the neuron driver: nodes, version, device info, sysfs, fdinfo");

static int read_sysfs(const char *slot, const char *attr, char *buf, size_t len)
{
	char path[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", slot, attr);
	n = neuron_read_file(path, buf, len);
	if (n < 0)
		return n;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static unsigned long sysfs_ulong(const char *slot, const char *attr)
{
	char buf[64];

	igt_assert_eq(read_sysfs(slot, attr, buf, sizeof(buf)), 0);
	return strtoul(buf, NULL, 0);
}

/* Number of PCI functions the driver should bind: 1d0f:7064..7067. */
static int count_pci_neurons(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/sys/bus/pci/devices");
	igt_assert(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (sysfs_ulong(de->d_name, "vendor") != 0x1d0f)
			continue;
		if (sysfs_ulong(de->d_name, "device") - 0x7064 <= 3)
			n++;
	}
	closedir(d);
	return n;
}

static void query_info(int fd, struct drm_neuron_query_device_info *info)
{
	neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, info, sizeof(*info), 0xa5);
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = igt_neuron_open(0);

	igt_describe("Every Inferentia PCI function gets an accel node");
	igt_subtest("probe-all-devices") {
		int pci = count_pci_neurons();

		igt_info("%d neuron PCI functions, %d neuron accel nodes\n",
			 pci, igt_neuron_count());
		igt_assert_eq(igt_neuron_count(), pci);
		igt_assert(getenv("NEURON_EXPECT_DEVICES") == NULL ||
			   atoi(getenv("NEURON_EXPECT_DEVICES")) == pci);
	}

	igt_describe("DRM_IOCTL_VERSION reports the driver name and version");
	igt_subtest("version") {
		struct drm_neuron_query_device_info info;
		char name[32] = "", desc[128] = "", date[32] = "";
		struct drm_version v = {
			.name = name, .name_len = sizeof(name) - 1,
			.desc = desc, .desc_len = sizeof(desc) - 1,
			.date = date, .date_len = sizeof(date) - 1,
		};

		do_ioctl(fd, DRM_IOCTL_VERSION, &v);
		igt_assert(strcmp(name, "neuron") == 0);
		igt_assert_eq(v.version_major, 1);
		query_info(fd, &info);
		igt_assert_eq(info.driver_major, v.version_major);
		igt_assert_eq(info.driver_minor, v.version_minor);
		igt_assert_eq(info.driver_patchlevel, v.version_patchlevel);
	}

	igt_describe("DEVICE_INFO matches the PCI function and the v1 geometry");
	igt_subtest("device-info") {
		int n = igt_neuron_count();

		for (int i = 0; i < n; i++) {
			struct drm_neuron_query_device_info info;
			char slot[IGT_PCI_SLOT_LEN], want[IGT_PCI_SLOT_LEN];
			int dfd = igt_neuron_open(i);

			igt_assert_eq(igt_neuron_pci_slot(dfd, slot), 0);
			query_info(dfd, &info);

			igt_assert_eq(info.pci_vendor_id, 0x1d0f);
			igt_assert_eq(info.pci_device_id, sysfs_ulong(slot, "device"));
			igt_assert_eq(info.pci_subsystem_vendor_id,
				      sysfs_ulong(slot, "subsystem_vendor"));
			igt_assert_eq(info.pci_subsystem_id,
				      sysfs_ulong(slot, "subsystem_device"));
			igt_assert_eq(info.pci_revision, sysfs_ulong(slot, "revision"));
			snprintf(want, sizeof(want), "%04x:%02x:%02x.%u",
				 info.pci_domain, info.pci_bus, info.pci_devfn >> 3,
				 info.pci_devfn & 7);
			igt_assert_f(strcmp(want, slot) == 0, "bus address %s, expected %s\n",
				     want, slot);
			igt_assert(info.fw_status & DRM_NEURON_FW_STATUS_READY);
			igt_assert_neq(info.device_id, 0);
			igt_assert_eq(info.device_id, sysfs_ulong(slot, "neuron/device_id"));
			igt_assert_eq(info.nc_count, 4);
			igt_assert_eq(info.dma_engine_count, 12);
			igt_assert_eq(info.dma_queues_per_engine, 16);
			igt_assert_eq(info.semaphores_per_nc, 32);
			igt_assert_eq(info.events_per_nc, 256);
			igt_assert_eq(info.dram_channel_count, 2);
			igt_assert_eq_u64(info.dram_channel_size, 4ULL << 30);
			igt_assert_eq_u64(info.dram_size, 8ULL << 30);
			igt_assert_eq(info.pad0, 0);
			igt_assert_eq(info.pad1, 0);
			/* Every bit but DRAM_BAR (BAR4 is optional) is always set. */
			igt_assert_eq_u64(info.capabilities & ~DRM_NEURON_CAP_DRAM_BAR,
					  DRM_NEURON_CAP_DEVICE_STATE |
					  DRM_NEURON_CAP_POST_METRICS |
					  DRM_NEURON_CAP_RESET | DRM_NEURON_CAP_TOPOLOGY |
					  DRM_NEURON_CAP_BO | DRM_NEURON_CAP_SUBMIT |
					  DRM_NEURON_CAP_CORES | DRM_NEURON_CAP_SEM_EVENT |
					  DRM_NEURON_CAP_NQ | DRM_NEURON_CAP_WAIT |
					  DRM_NEURON_CAP_PROGRAM |
					  DRM_NEURON_CAP_CONTEXT |
					  DRM_NEURON_CAP_RESET_CORES);
			igt_info("accel %d: %s %04x rev %u id %#x fw %#x caps %#llx\n", i,
				 slot, info.pci_device_id, info.pci_revision,
				 info.device_id, info.fw_status,
				 (unsigned long long)info.capabilities);
			close(dfd);
		}
	}

	igt_describe("Device ids are unique among the bound devices");
	igt_subtest("device-id-unique") {
		int n = igt_neuron_count();
		uint32_t ids[64];

		igt_require(n <= 64);
		for (int i = 0; i < n; i++) {
			struct drm_neuron_query_device_info info;
			int dfd = igt_neuron_open(i);

			query_info(dfd, &info);
			ids[i] = info.device_id;
			for (int j = 0; j < i; j++)
				igt_assert_neq(ids[j], ids[i]);
			close(dfd);
		}
	}

	igt_describe("The sysfs group of the PCI device has every documented attribute");
	igt_subtest("sysfs-attributes") {
		static const char * const attrs[] = {
			"device_id", "accel_minor", "reset_count", "wedged", "fw_status",
			"east_link", "east_peer_id", "east_peer_minor",
			"west_link", "west_peer_id", "west_peer_minor",
		};
		char slot[IGT_PCI_SLOT_LEN], buf[64], path[64];

		igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
		for (unsigned int i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
			snprintf(path, sizeof(path), "neuron/%s", attrs[i]);
			igt_assert_eq(read_sysfs(slot, path, buf, sizeof(buf)), 0);
			igt_debug("%s = %s\n", attrs[i], buf);
		}
		igt_assert(sysfs_ulong(slot, "neuron/fw_status") & DRM_NEURON_FW_STATUS_READY);
		igt_assert(sysfs_ulong(slot, "neuron/reset_count") >= 1);
	}

	igt_describe("fdinfo has every key index.rst documents, each line in the format of "
		     "drm-usage-stats.rst; the DMA capacity is the engine count, "
		     "neuron-guilty a count");
	igt_subtest("fdinfo") {
		static const char * const keys[] = {
			"drm-total-host", "drm-shared-host", "drm-active-host",
			"drm-resident-host", "drm-total-dram", "drm-shared-dram",
			"drm-active-dram", "drm-resident-dram",
			"drm-engine-dma", "drm-engine-capacity-dma",
			"neuron-jobs-submitted", "neuron-jobs-completed",
			"neuron-jobs-failed", "neuron-guilty",
		};
		struct drm_neuron_query_device_info info;
		unsigned int found[sizeof(keys) / sizeof(keys[0])] = { 0 };
		char path[64], buf[4096], *line, *save = NULL;
		unsigned int i;
		ssize_t n;
		int ifd;

		neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		ifd = open(path, O_RDONLY);
		igt_assert_fd(ifd);
		n = read(ifd, buf, sizeof(buf) - 1);
		close(ifd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		igt_assert_f(strstr(buf, "drm-driver:\tneuron"), "fdinfo:\n%s", buf);
		igt_assert(strstr(buf, "drm-client-id:"));
		igt_assert(strstr(buf, "drm-pdev:"));
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *colon = strchr(line, ':'), *end;
			unsigned long long v;

			/* The core's pos/flags/mnt_id/ino lines come first. */
			if (strncmp(line, "drm-", 4) && strncmp(line, "neuron-", 7))
				continue;
			igt_assert_f(colon, "no ':' in \"%s\"", line);
			*colon = '\0';
			igt_assert_f(!strpbrk(line, " \t"), "whitespace in key \"%s\"", line);
			for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
				if (strcmp(line, keys[i]))
					continue;
				found[i]++;
				/* <uint> with an optional unit. */
				v = strtoull(colon + 1, &end, 10);
				igt_assert_f(end != colon + 1, "%s: no number", line);
				igt_assert_f(!*end || !strcmp(end, " ns") || !strcmp(end, " KiB") ||
					     !strcmp(end, " MiB"), "%s: unit \"%s\"", line, end);
				if (!strcmp(line, "drm-engine-capacity-dma"))
					igt_assert_eq_u64(v, info.dma_engine_count);
				if (!strcmp(line, "neuron-guilty"))
					igt_assert_eq_u64(v, 0);
			}
		}
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			igt_assert_f(found[i] == 1, "%s printed %u times", keys[i], found[i]);
	}

	igt_describe("Each open file is a distinct DRM client");
	igt_subtest("client-ids") {
		char path[64], buf[1024], *a, *b;
		int fd2 = igt_neuron_open(0);
		unsigned long ida, idb;
		ssize_t n;
		int ifd;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		ifd = open(path, O_RDONLY);
		n = read(ifd, buf, sizeof(buf) - 1);
		close(ifd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		a = strstr(buf, "drm-client-id:");
		igt_assert(a);
		ida = strtoul(a + 14, NULL, 10);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd2);
		ifd = open(path, O_RDONLY);
		n = read(ifd, buf, sizeof(buf) - 1);
		close(ifd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		b = strstr(buf, "drm-client-id:");
		igt_assert(b);
		idb = strtoul(b + 14, NULL, 10);
		igt_assert_neq(ida, idb);
		close(fd2);
	}

	igt_describe("There is nothing to mmap on a device without buffer objects");
	igt_subtest("mmap-rejected") {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

		igt_assert(p == MAP_FAILED);
	}

	igt_describe("debugfs has the files index.rst documents");
	igt_subtest("debugfs") {
		char slot[IGT_PCI_SLOT_LEN], path[128], buf[4096];
		ssize_t n;
		int dfd;

		igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/fwio_stats", slot);
		dfd = open(path, O_RDONLY);
		igt_require_f(dfd >= 0, "no debugfs at %s\n", path);
		n = read(dfd, buf, sizeof(buf) - 1);
		close(dfd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		igt_assert(strstr(buf, "requests:"));
		igt_assert(strstr(buf, "timeouts:"));

		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/registers", slot);
		dfd = open(path, O_RDONLY);
		igt_assert_fd(dfd);
		n = read(dfd, buf, sizeof(buf) - 1);
		close(dfd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		igt_assert(strstr(buf, "misc+0x010:"));
		igt_assert(strstr(buf, "dma_version=00000004"));

		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/jobs", slot);
		dfd = open(path, O_RDONLY);
		igt_assert_fd(dfd);
		n = read(dfd, buf, sizeof(buf) - 1);
		close(dfd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		igt_assert(strstr(buf, "polls:"));
		igt_assert(strstr(buf, "schedulers:"));

		snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/cores", slot);
		dfd = open(path, O_RDONLY);
		igt_assert_fd(dfd);
		n = read(dfd, buf, sizeof(buf) - 1);
		close(dfd);
		igt_assert_gt(n, 0);
		buf[n] = '\0';
		igt_assert(strstr(buf, "core 0: owner pid"));
		igt_assert(strstr(buf, "core 3: owner pid"));

		/* "dram": a new DRAM BO's range, found by its mmap offset */
		{
			uint32_t h = neuron_bo_create(fd, 3 * 4096, DRM_NEURON_BO_DRAM);
			struct neuron_dram_range r = neuron_bo_dram_range(fd, h);

			igt_assert_eq_u64(r.size, 3 * 4096);
			igt_assert_lt(r.channel, 2);
			neuron_bo_close(fd, h);
		}
	}

	igt_fixture
		close(fd);
}
