// SPDX-License-Identifier: MIT
/*
 * neuron_helpers.c - helpers shared by the neuron igt-tests (see the header)
 *
 * Copyright (c) 2025 The neuron project authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "igt.h"
#include "neuron_helpers.h"

int64_t neuron_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void neuron_core_acquire(int fd, uint32_t mask)
{
	struct drm_neuron_core_acquire a = { .core_mask = mask };

	do_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &a);
}

void neuron_core_release(int fd, uint32_t mask)
{
	struct drm_neuron_core_acquire a = { .core_mask = mask };

	do_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, &a);
}

int neuron_core_ioctl(int fd, unsigned long req, uint32_t mask)
{
	struct drm_neuron_core_acquire a = { .core_mask = mask };

	return igt_ioctl(fd, req, &a) ? -errno : 0;
}

void neuron_core_acquire_wait(int fd, uint32_t mask)
{
	int ret;

	for (int i = 0; i < 500; i++) {
		ret = neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, mask);
		if (ret != -EBUSY && ret != -ETIMEDOUT)
			break;
		usleep(10000);
	}
	igt_assert_eq(ret, 0);
}

uint32_t neuron_bo_create(int fd, uint64_t size, uint32_t placement)
{
	struct drm_neuron_bo_create c = { .size = size, .placement = placement };

	do_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c);
	return c.handle;
}

void neuron_query(int fd, uint32_t type, void *out, uint32_t size, int fill)
{
	struct drm_neuron_query q = {
		.type = type, .size = size, .pointer = (uintptr_t)out,
	};

	memset(out, fill, size);
	do_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
	igt_assert_eq(q.size, size);
}

void neuron_bo_info(int fd, uint32_t handle, struct drm_neuron_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, info);
}

void neuron_bo_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

void *neuron_bo_mmap(int fd, uint32_t handle, uint64_t size)
{
	struct drm_neuron_bo_info info;
	void *p;

	neuron_bo_info(fd, handle, &info);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	igt_assert_f(p != MAP_FAILED, "mmap: %s\n", strerror(errno));
	return p;
}

ssize_t neuron_read_file(const char *path, char *buf, size_t len)
{
	int f = open(path, O_RDONLY);
	ssize_t n;

	if (f < 0)
		return -errno;
	n = read(f, buf, len - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

unsigned int neuron_reset_count(int fd)
{
	char slot[IGT_PCI_SLOT_LEN], path[128], buf[32];

	igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/neuron/reset_count", slot);
	igt_assert_lt(0, neuron_read_file(path, buf, sizeof(buf)));
	return strtoul(buf, NULL, 0);
}

uint32_t neuron_core_resets(int fd, uint32_t core)
{
	struct drm_neuron_query_cores q;

	igt_assert_lt(core, DRM_NEURON_MAX_CORES);
	neuron_query(fd, DRM_NEURON_QUERY_CORES, &q, sizeof(q), 0xa5);
	return q.reset_count[core];
}

int neuron_reset_cores(int fd, uint32_t mask)
{
	struct drm_neuron_reset r = {
		.flags = DRM_NEURON_RESET_CORES, .core_mask = mask,
	};

	return igt_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r) ? -errno : 0;
}

int neuron_write_str(const char *path, const char *s)
{
	int f = open(path, O_WRONLY);
	ssize_t n;

	if (f < 0)
		return -errno;
	n = write(f, s, strlen(s));
	close(f);
	return n < 0 ? -errno : 0;
}

long long neuron_meminfo_kb(const char *key)
{
	char line[256];
	size_t l = strlen(key);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, l) && line[l] == ':') {
			v = atoll(line + l + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

void neuron_slab_shrink(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/slab");

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", de->d_name);
		neuron_write_str(path, "1");	/* aliases and such: ignored */
	}
	closedir(d);
}

int neuron_set_fault(int q, const char *prop, bool on)
{
	return igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
		       "\"/machine/peripheral/neuron%d\",\"property\":\"%s\","
		       "\"value\":%s}}", q, prop, on ? "true" : "false");
}

/* Set the model's integer property @prop of @fd's device; skips without QMP. */
static void neuron_qom_set_int(int fd, const char *prop, int value)
{
	int qdev = igt_neuron_qdev_index(fd);

	igt_require(qdev >= 0);
	igt_require_f(igt_qmp_available(), "no QMP port\n");
	igt_assert_eq(igt_qmp("{\"execute\":\"qom-set\",\"arguments\":{\"path\":"
			      "\"/machine/peripheral/neuron%d\",\"property\":"
			      "\"%s\",\"value\":%d}}", qdev, prop, value), 0);
}

void neuron_stall_queue(int fd, int engine, int queue)
{
	neuron_qom_set_int(fd, "fault-stall-queue",
			   engine < 0 ? -1 : engine * 16 + queue);
}

int neuron_debugfs_read(int fd, const char *name, char *buf, size_t len)
{
	char slot[64], path[160];
	ssize_t n;

	if (igt_neuron_pci_slot(fd, slot))
		return -ENOENT;
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/%s", slot, name);
	n = neuron_read_file(path, buf, len);
	return n < 0 ? (int)n : 0;
}

int neuron_engine_queue(int fd, int engine)
{
	char buf[4096], key[32];
	const char *line;
	int e, q;

	igt_require_f(!neuron_debugfs_read(fd, "jobs", buf, sizeof(buf)),
		      "no debugfs jobs file\n");
	snprintf(key, sizeof(key), "neuron-dma%d:", engine);
	line = strstr(buf, key);
	igt_assert_f(line && sscanf(line + strlen(key), " engine %d queue %d",
				    &e, &q) == 2 && e == engine,
		     "engine %d not in debugfs jobs\n", engine);
	return q;
}

void neuron_stall_engine(int fd, int engine)
{
	if (engine < 0)
		neuron_stall_queue(fd, -1, 0);
	else
		neuron_stall_queue(fd, engine, neuron_engine_queue(fd, engine));
}

void neuron_stall_core(int fd, int core)
{
	neuron_qom_set_int(fd, "fault-stall-core", core);
}

long long neuron_jobs_value(int fd, const char *key)
{
	char buf[16384], pat[64];
	const char *p;

	igt_require_f(!neuron_debugfs_read(fd, "jobs", buf, sizeof(buf)),
		      "no debugfs jobs file\n");
	snprintf(pat, sizeof(pat), "%s: ", key);
	p = strstr(buf, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/*
 * Wait (up to a minute) until the device has cleared every DRAM range freed
 * so far: freed ranges are handed out again only once cleared, so a test
 * that wants a freed range back waits for this first.
 */
void neuron_dram_wait_clear(int fd)
{
	int64_t end = neuron_now_ns() + 60ll * 1000000000ll;

	for (;;) {
		long long dirty = neuron_jobs_value(fd, "dram_dirty_bytes");

		igt_require_f(dirty >= 0, "no dram_dirty_bytes in debugfs jobs\n");
		if (!dirty)
			return;
		igt_assert_f(neuron_now_ns() < end,
			     "freed DRAM not cleared within a minute\n");
		usleep(1000);
	}
}

int neuron_dram_ranges(int fd, struct neuron_dram_range **out)
{
	char slot[64], path[160], line[128];
	struct neuron_dram_range *r = NULL;
	int n = 0, cap = 0;
	FILE *f;

	igt_assert_eq(igt_neuron_pci_slot(fd, slot), 0);
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/dram", slot);
	f = fopen(path, "r");
	igt_require_f(f, "no debugfs dram file\n");
	while (fgets(line, sizeof(line), f)) {
		struct neuron_dram_range x;

		igt_assert_f(sscanf(line, "%u %" SCNx64 " %" SCNx64 " %" SCNx64,
				    &x.channel, &x.addr, &x.size,
				    &x.mmap_offset) == 4,
			     "debugfs dram: bad line %s", line);
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			r = realloc(r, cap * sizeof(*r));
			igt_assert(r);
		}
		r[n++] = x;
	}
	fclose(f);
	*out = r;
	return n;
}

struct neuron_dram_range neuron_bo_dram_range(int fd, uint32_t handle)
{
	struct drm_neuron_bo_info info;
	struct neuron_dram_range *r, found = { 0 };
	int n, i;

	neuron_bo_info(fd, handle, &info);
	n = neuron_dram_ranges(fd, &r);
	for (i = 0; i < n; i++)
		if (r[i].mmap_offset == info.mmap_offset)
			found = r[i];
	free(r);
	igt_assert_f(found.size, "BO %u not in debugfs dram\n", handle);
	return found;
}

void neuron_wait_exit_ok(pid_t pid)
{
	int status;

	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "child status %#x\n", status);
}

volatile sig_atomic_t neuron_alarms;

static void neuron_on_alarm(int sig)
{
	(void)sig;
	neuron_alarms++;
}

void neuron_arm_alarm(bool restart, int ms)
{
	struct sigaction sa = { .sa_handler = neuron_on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = ms * 1000 } };

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	igt_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	neuron_alarms = 0;
	igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

void neuron_disarm_alarm(void)
{
	struct itimerval it = {};

	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_DFL);
}

uint32_t neuron_syncobj_create(int fd)
{
	struct drm_syncobj_create c = { 0 };

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	return c.handle;
}

void neuron_syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

void neuron_syncobj_wait(int fd, uint32_t handle)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&handle, .count_handles = 1,
		.timeout_nsec = neuron_now_ns() + 30 * 1000000000LL,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

struct drm_neuron_mem_ref neuron_mem_bo(uint32_t index, uint64_t offset)
{
	struct drm_neuron_mem_ref r = {
		.kind = DRM_NEURON_MEM_BO, .index = index, .offset = offset,
	};

	return r;
}

struct drm_neuron_mem_ref neuron_mem_core(uint32_t nc, uint32_t region,
					  uint64_t offset)
{
	struct drm_neuron_mem_ref r = {
		.kind = DRM_NEURON_MEM_CORE, .index = nc, .region = region,
		.offset = offset,
	};

	return r;
}

struct drm_neuron_dma_desc neuron_desc(struct drm_neuron_mem_ref src,
				       struct drm_neuron_mem_ref dst,
				       uint32_t size, uint32_t flags)
{
	struct drm_neuron_dma_desc d = {
		.src = src, .dst = dst, .size = size, .flags = flags,
	};

	return d;
}

int32_t neuron_sem_read(int fd, uint32_t nc, uint32_t idx)
{
	struct drm_neuron_device_state s = {
		.type = DRM_NEURON_STATE_SEMAPHORE, .index0 = nc, .index1 = idx,
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s);
	return (int32_t)s.values[0];
}

uint32_t neuron_event_read(int fd, uint32_t nc, uint32_t idx)
{
	struct drm_neuron_device_state s = {
		.type = DRM_NEURON_STATE_EVENT, .index0 = nc, .index1 = idx,
	};

	do_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s);
	return s.values[0];
}

uint64_t neuron_fifo_counter(int fd, int nc, const char *what)
{
	char reply[512];
	const char *v;
	int qdev = igt_neuron_qdev_index(fd);

	igt_require(qdev >= 0);
	igt_require_f(igt_qmp_available(), "no QMP port\n");
	igt_assert_eq(igt_qmp_reply(reply, sizeof(reply),
				    "{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
				    "\"/machine/peripheral/neuron%d\",\"property\":"
				    "\"nc%d-fifo-%s\"}}", qdev, nc, what), 0);
	v = strstr(reply, "\"return\":");
	igt_assert_f(v, "qom-get: %s\n", reply);
	return strtoull(v + strlen("\"return\":"), NULL, 10);
}

void neuron_fill(uint8_t *p, uint64_t n, uint32_t seed)
{
	for (uint64_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = seed >> 16;
	}
}

int neuron_syncobj_fence_status(int fd, uint32_t handle)
{
	struct drm_syncobj_handle e = {
		.handle = handle,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};
	/* struct sync_fence_info and struct sync_file_info (linux/sync_file.h) */
	struct {
		char obj_name[32];
		char driver_name[32];
		int32_t status;
		uint32_t flags;
		uint64_t timestamp_ns;
	} info;
	struct {
		char name[32];
		int32_t status;
		uint32_t flags;
		uint32_t num_fences;
		uint32_t pad;
		uint64_t sync_fence_info;
	} fi;

	do_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &e);
	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	fi.num_fences = 1;
	fi.sync_fence_info = (uintptr_t)&info;
	/* SYNC_IOC_FILE_INFO = _IOWR('>', 4, struct sync_file_info) */
	igt_assert_eq(ioctl(e.fd, _IOWR('>', 4, fi), &fi), 0);
	close(e.fd);
	return info.status;
}

void neuron_write_param(const char *name, const char *value)
{
	char path[128];
	int pfd;

	snprintf(path, sizeof(path), "/sys/module/neuron/parameters/%s", name);
	pfd = open(path, O_WRONLY);
	igt_assert_fd(pfd);
	igt_assert_eq(write(pfd, value, strlen(value)), (int)strlen(value));
	close(pfd);
}
