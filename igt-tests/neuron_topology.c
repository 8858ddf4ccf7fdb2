// SPDX-License-Identifier: MIT
/*
 * neuron_topology - the Neuron-Pipe ring as the driver reports it
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Neuron-Pipe topology: the VM's ring, neighbour nodes, link faults, unbound peers");

#define MAX_DEV 16

static int ndev;
static int fds[MAX_DEV];
static int qidx[MAX_DEV];	/* QEMU device index of accel index i */

static void query_topo(int fd, struct drm_neuron_query_topology *t)
{
	struct drm_neuron_query q = {
		.type = DRM_NEURON_QUERY_TOPOLOGY,
		.size = sizeof(*t), .pointer = (uintptr_t)t,
	};

	memset(t, 0xa5, sizeof(*t));
	do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
	igt_assert_eq(q.size, sizeof(*t));
	igt_assert_eq(t->link_count, DRM_NEURON_LINK_COUNT);
	for (int i = 0; i < DRM_NEURON_LINK_COUNT; i++)
		igt_assert_eq(t->links[i].pad, 0);
}

static uint32_t device_id(int fd)
{
	struct drm_neuron_query_device_info info;
	struct drm_neuron_query q = {
		.type = DRM_NEURON_QUERY_DEVICE_INFO,
		.size = sizeof(info), .pointer = (uintptr_t)&info,
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
	return info.device_id;
}

static int fd_minor(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	return minor(st.st_rdev);
}

/* accel index whose QEMU index is @q */
static int by_qdev(int q)
{
	for (int i = 0; i < ndev; i++)
		if (qidx[i] == q)
			return i;
	return -1;
}

static void sysfs_str(const char *slot, const char *attr, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/%s", slot, attr);
	fd = open(path, O_RDONLY);
	igt_assert_fd(fd);
	n = read(fd, buf, len - 1);
	close(fd);
	igt_assert_gt(n, 0);
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

/* Waits up to 2 s for east_peer_minor of @slot to read @want. */
static bool wait_peer_minor(const char *slot, int want)
{
	char buf[32];

	for (int i = 0; i < 200; i++) {
		sysfs_str(slot, "east_peer_minor", buf, sizeof(buf));
		if (atoi(buf) == want)
			return true;
		usleep(10000);
	}
	return false;
}

static void check_link(const struct drm_neuron_topology_link *l, int peer)
{
	uint32_t want = DRM_NEURON_LINK_UP | DRM_NEURON_LINK_PEER_ID_VALID |
			DRM_NEURON_LINK_PEER_LOCAL;

	igt_assert_f(peer >= 0, "no accel node for the expected peer\n");
	igt_assert_eq_u32(l->flags, want);
	igt_assert_eq(l->peer_minor, fd_minor(fds[peer]));
	igt_assert_eq_u32(l->peer_device_id, device_id(fds[peer]));
}

igt_main
{
	igt_fixture {
		ndev = igt_neuron_count();
		igt_require(ndev > 0);
		igt_require(ndev <= MAX_DEV);
		for (int i = 0; i < ndev; i++) {
			fds[i] = igt_neuron_open(i);
			qidx[i] = igt_neuron_qdev_index(fds[i]);
			igt_require_f(qidx[i] >= 0, "not the VM runner's PCI layout\n");
		}
	}

	igt_describe("Each device's east/west peers are the VM ring's neighbours");
	igt_subtest("ring") {
		for (int i = 0; i < ndev; i++) {
			struct drm_neuron_query_topology t;
			int q = qidx[i];

			query_topo(fds[i], &t);
			igt_assert_eq_u32(t.device_id, device_id(fds[i]));
			igt_info("accel%d (neuron%d): east %#x minor %d, west %#x minor %d\n",
				 fd_minor(fds[i]), q,
				 t.links[DRM_NEURON_LINK_EAST].peer_device_id,
				 t.links[DRM_NEURON_LINK_EAST].peer_minor,
				 t.links[DRM_NEURON_LINK_WEST].peer_device_id,
				 t.links[DRM_NEURON_LINK_WEST].peer_minor);
			if (ndev == 1) {
				igt_assert_eq(t.links[0].flags, 0);
				igt_assert_eq(t.links[1].flags, 0);
				igt_assert_eq(t.links[0].peer_minor, -1);
				igt_assert_eq(t.links[1].peer_minor, -1);
				continue;
			}
			check_link(&t.links[DRM_NEURON_LINK_EAST], by_qdev((q + 1) % ndev));
			check_link(&t.links[DRM_NEURON_LINK_WEST],
				   by_qdev((q + ndev - 1) % ndev));
		}
	}

	igt_describe("Following east links visits every device once");
	igt_subtest("ring-walk") {
		int seen[MAX_DEV] = { 0 };
		int cur = 0;

		igt_require(ndev > 1);
		for (int step = 0; step < ndev; step++) {
			struct drm_neuron_query_topology t;
			int next = -1;

			igt_assert_eq(seen[cur], 0);
			seen[cur] = 1;
			query_topo(fds[cur], &t);
			for (int i = 0; i < ndev; i++)
				if (fd_minor(fds[i]) == t.links[DRM_NEURON_LINK_EAST].peer_minor)
					next = i;
			igt_assert_gte(next, 0);
			cur = next;
		}
		igt_assert_eq(cur, 0);
	}

	igt_describe("sysfs shows the same topology as the query");
	igt_subtest("sysfs") {
		for (int i = 0; i < ndev; i++) {
			struct drm_neuron_query_topology t;
			char slot[IGT_PCI_SLOT_LEN], buf[64];

			igt_assert_eq(igt_neuron_pci_slot(fds[i], slot), 0);
			query_topo(fds[i], &t);
			sysfs_str(slot, "device_id", buf, sizeof(buf));
			igt_assert_eq_u32(strtoul(buf, NULL, 0), t.device_id);
			sysfs_str(slot, "accel_minor", buf, sizeof(buf));
			igt_assert_eq(atoi(buf), fd_minor(fds[i]));
			sysfs_str(slot, "east_link", buf, sizeof(buf));
			igt_assert(strcmp(buf, t.links[0].flags & DRM_NEURON_LINK_UP ?
					  "up" : "down") == 0);
			sysfs_str(slot, "west_link", buf, sizeof(buf));
			igt_assert(strcmp(buf, t.links[1].flags & DRM_NEURON_LINK_UP ?
					  "up" : "down") == 0);
			sysfs_str(slot, "east_peer_minor", buf, sizeof(buf));
			igt_assert_eq(atoi(buf), t.links[0].peer_minor);
			sysfs_str(slot, "west_peer_minor", buf, sizeof(buf));
			igt_assert_eq(atoi(buf), t.links[1].peer_minor);
			sysfs_str(slot, "east_peer_id", buf, sizeof(buf));
			if (t.links[0].flags & DRM_NEURON_LINK_PEER_ID_VALID)
				igt_assert_eq_u32(strtoul(buf, NULL, 0), t.links[0].peer_device_id);
			else
				igt_assert(strcmp(buf, "none") == 0);
		}
	}

	for (int dir = 0; dir < DRM_NEURON_LINK_COUNT; dir++) {
		const char *prop = dir == DRM_NEURON_LINK_EAST ?
			"fault-east-link-down" : "fault-west-link-down";

		igt_describe("A link taken down by the model shows as down, and comes back");
		igt_subtest_f("%s-link-down", dir == DRM_NEURON_LINK_EAST ? "east" : "west") {
			struct drm_neuron_query_topology t;
			int other = !dir;

			char slot[IGT_PCI_SLOT_LEN], attr[32], buf[64];
			const char *name = dir == DRM_NEURON_LINK_EAST ? "east" : "west";

			igt_require(ndev > 1);
			igt_require(igt_qmp_available());
			igt_assert_eq(igt_neuron_pci_slot(fds[0], slot), 0);
			igt_assert_eq(neuron_set_fault(qidx[0], prop, true), 0);
			/*
			 * Any status read updates what sysfs shows (it reads
			 * nothing itself): here the device info query's.
			 */
			device_id(fds[0]);
			snprintf(attr, sizeof(attr), "%s_link", name);
			sysfs_str(slot, attr, buf, sizeof(buf));
			igt_assert(strcmp(buf, "down") == 0);
			snprintf(attr, sizeof(attr), "%s_peer_minor", name);
			sysfs_str(slot, attr, buf, sizeof(buf));
			igt_assert_eq(atoi(buf), -1);
			query_topo(fds[0], &t);
			igt_assert_eq(neuron_set_fault(qidx[0], prop, false), 0);
			igt_assert_eq_u32(t.links[dir].flags, 0);
			igt_assert_eq(t.links[dir].peer_minor, -1);
			igt_assert_eq_u32(t.links[dir].peer_device_id, 0);
			igt_assert(t.links[other].flags & DRM_NEURON_LINK_UP);

			/* A topology query refreshes the links sysfs shows. */
			query_topo(fds[0], &t);
			igt_assert(t.links[dir].flags & DRM_NEURON_LINK_PEER_LOCAL);
			snprintf(attr, sizeof(attr), "%s_link", name);
			sysfs_str(slot, attr, buf, sizeof(buf));
			igt_assert(strcmp(buf, "up") == 0);
			snprintf(attr, sizeof(attr), "%s_peer_minor", name);
			sysfs_str(slot, attr, buf, sizeof(buf));
			igt_assert_eq(atoi(buf), t.links[dir].peer_minor);
		}
	}

	igt_describe("A peer whose driver is unbound is up but not local; rebinding restores it");
	igt_subtest("peer-unbound") {
		struct drm_neuron_query_topology t;
		char slot[IGT_PCI_SLOT_LEN], slot0[IGT_PCI_SLOT_LEN], buf[32];
		int peer, pfd;

		igt_require(ndev > 1);
		igt_require(geteuid() == 0);
		peer = by_qdev((qidx[0] + 1) % ndev);
		igt_assert_eq(igt_neuron_pci_slot(fds[peer], slot), 0);
		igt_assert_eq(igt_neuron_pci_slot(fds[0], slot0), 0);

		igt_assert_eq(neuron_write_str("/sys/bus/pci/drivers/neuron/unbind", slot), 0);
		/* The unbind alone makes the neighbour's sysfs catch up. */
		igt_assert(wait_peer_minor(slot0, -1));
		query_topo(fds[0], &t);
		igt_assert_eq(neuron_write_str("/sys/bus/pci/drivers/neuron/bind", slot), 0);

		igt_assert_eq_u32(t.links[DRM_NEURON_LINK_EAST].flags,
				  DRM_NEURON_LINK_UP | DRM_NEURON_LINK_PEER_ID_VALID);
		igt_assert_eq_u32(t.links[DRM_NEURON_LINK_EAST].peer_device_id, 0);
		igt_assert_eq(t.links[DRM_NEURON_LINK_EAST].peer_minor, -1);

		/* The old fd is dead; the rebound device has a fresh node. */
		sysfs_str(slot, "accel_minor", buf, sizeof(buf));
		snprintf(slot, sizeof(slot), "/dev/accel/accel%d", atoi(buf));
		pfd = open(slot, O_RDWR);
		igt_assert_fd(pfd);
		close(fds[peer]);
		fds[peer] = pfd;

		/* And so does the bind. */
		igt_assert(wait_peer_minor(slot0, fd_minor(pfd)));
		query_topo(fds[0], &t);
		check_link(&t.links[DRM_NEURON_LINK_EAST], peer);
	}

	igt_fixture {
		if (igt_qmp_available()) {
			for (int i = 0; i < ndev; i++) {
				neuron_set_fault(qidx[i], "fault-east-link-down", false);
				neuron_set_fault(qidx[i], "fault-west-link-down", false);
			}
		}
		for (int i = 0; i < ndev; i++)
			close(fds[i]);
	}
}
