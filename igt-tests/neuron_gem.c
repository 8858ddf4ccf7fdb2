// SPDX-License-Identifier: MIT
/*
 * neuron_gem - buffer objects: creation, description, CPU mapping, DRAM
 * allocation, accounting, and every documented error
 *
 * Copyright (c) 2025 The neuron project authors
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("BO_CREATE, BO_INFO, mmap, DRAM allocation, fdinfo and memory usage");

#define KiB		(1024ull)
#define MiB		(1024ull * KiB)
#define GiB		(1024ull * MiB)
#define PAGE		4096ull
#define SEC_NS		1000000000LL
#define PARAM_DIR	"/sys/module/neuron/parameters/"
#define DRAM1_BASE	0x1000000000ull
#define CHANNEL_SIZE	(4 * GiB)

static uint64_t page_align(uint64_t size)
{
	return (size + PAGE - 1) & ~(PAGE - 1);
}

static int __bo_create(int fd, uint64_t size, uint32_t placement,
		       uint64_t align, uint32_t mask, uint32_t *handle)
{
	struct drm_neuron_bo_create c = {
		.size = size, .placement = placement,
		.alignment = align, .dram_channel_mask = mask,
	};
	int ret = igt_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c);

	if (ret)
		return -errno;
	*handle = c.handle;
	return 0;
}

static uint32_t bo_create(int fd, uint64_t size, uint32_t placement)
{
	uint32_t handle = 0;
	int ret = __bo_create(fd, size, placement, 0, 0, &handle);

	igt_assert_f(ret == 0, "BO_CREATE(%" PRIu64 ", %u): %s\n", size,
		     placement, strerror(-ret));
	igt_assert_neq(handle, 0);
	return handle;
}

static void bo_info_flags(int fd, uint32_t handle, uint32_t flags,
			  struct drm_neuron_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	info->flags = flags;
	do_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, info);
}

static void device_info(int fd, struct drm_neuron_query_device_info *info)
{
	neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, info, sizeof(*info), 0);
}

static bool have_dram_bar(int fd)
{
	struct drm_neuron_query_device_info info;

	device_info(fd, &info);
	return info.capabilities & DRM_NEURON_CAP_DRAM_BAR;
}

/*
 * Whether the device's DMA goes through an IOMMU DMA-API domain ("DMA" or
 * "DMA-FQ" in its IOMMU group's type), i.e. its DMA addresses are IOVAs.
 */
static bool dma_translated(int fd)
{
	char path[128], type[32] = "";
	struct stat st;
	FILE *f;

	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/iommu_group/type",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(type, sizeof(type), f))
		type[0] = 0;
	fclose(f);
	igt_info("IOMMU domain type: %s", type);
	return !strncmp(type, "DMA", 3);
}

/*
 * BO_INFO (with DMA_MAP) of @handle in a child that dropped every
 * privilege after the file was opened: the file stays usable, the
 * capability check at ioctl time sees "nobody".
 */
static void bo_info_unprivileged(int fd, uint32_t handle,
				 struct drm_neuron_bo_info *info)
{
	struct drm_neuron_bo_info *shared;
	pid_t pid;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(shared != MAP_FAILED);
	pid = fork();
	igt_assert_gte(pid, 0);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		shared->handle = handle;
		shared->flags = DRM_NEURON_BO_INFO_FLAG_DMA_MAP;
		_exit(ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, shared) ? 3 : 0);
	}
	neuron_wait_exit_ok(pid);
	*info = *shared;
	munmap(shared, sizeof(*shared));
}

static void memory_usage(int fd, struct drm_neuron_query_memory_usage *mem)
{
	neuron_query(fd, DRM_NEURON_QUERY_MEMORY_USAGE, mem, sizeof(*mem), 0);
	igt_assert_eq(mem->region_count, 3);
}

static uint64_t dram_used(int fd)
{
	struct drm_neuron_query_memory_usage mem;

	memory_usage(fd, &mem);
	return mem.regions[1].used + mem.regions[2].used;
}

static uint64_t host_used(int fd)
{
	struct drm_neuron_query_memory_usage mem;

	memory_usage(fd, &mem);
	return mem.regions[0].used;
}

/* fdinfo value of "drm-<key>:" in bytes, -1 when absent. */
static int64_t fdinfo_value(int fd, const char *key)
{
	char path[64], buf[4096], pat[64], unit[8] = "";
	unsigned long long v;
	ssize_t n;
	char *s;
	int ifd;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	ifd = open(path, O_RDONLY);
	igt_assert_fd(ifd);
	n = read(ifd, buf, sizeof(buf) - 1);
	close(ifd);
	igt_assert_gt(n, 0);
	buf[n] = '\0';

	snprintf(pat, sizeof(pat), "\ndrm-%s:", key);
	s = strstr(buf, pat);
	if (!s)
		return -1;
	igt_assert_gte(sscanf(s + strlen(pat), " %llu %7s", &v, unit), 1);
	if (!strcmp(unit, "KiB"))
		v *= KiB;
	else if (!strcmp(unit, "MiB"))
		v *= MiB;
	return v;
}

/* Bytes of the /proc/meminfo line @key, which must exist. */
static long long meminfo(const char *key)
{
	long long v = neuron_meminfo_kb(key);

	igt_assert_gte(v, 0);
	return v * 1024;
}

/*
 * Whether huge pages in a host BO can only come from the driver's own
 * tmpfs mount: the kernel has THP, and the system-wide shmem setting
 * neither denies them everywhere nor gives them to every shmem file
 * ("always", "within_size", "force" would make the check vacuous).
 */
static bool thp_only_from_driver_mount(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/shmem_enabled", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, "[never]") || strstr(buf, "[advise]");
}

/* A /proc/vmstat counter, -1 when the kernel has none of that name. */
static long long vmstat(const char *key)
{
	char name[64];
	long long v;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (!strcmp(name, key)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return -1;
}

static void fill(volatile uint8_t *p, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void check(volatile uint8_t *p, uint64_t size, uint8_t seed)
{
	for (uint64_t i = 0; i < size; i++)
		igt_assert_f(p[i] == (uint8_t)(seed + i * 7),
			     "byte %" PRIu64 ": %#x, expected %#x\n", i, p[i],
			     (uint8_t)(seed + i * 7));
}

static const uint64_t sizes[] = {
	1, 100, 4095, 4096, 4097, 12345, 64 * KiB, 64 * KiB + 1, 1 * MiB + 3,
};

/* Create, map, write, unmap, map again, read, close: for one placement. */
static void mmap_roundtrip(int fd, uint32_t placement)
{
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i], mapped = page_align(size);
		uint32_t h = bo_create(fd, size, placement);
		uint8_t *p;

		p = neuron_bo_mmap(fd, h, mapped);
		if (placement == DRM_NEURON_BO_HOST)
			for (uint64_t j = 0; j < mapped; j++)
				igt_assert_eq(p[j], 0);
		fill(p, size, i);
		munmap(p, mapped);

		p = neuron_bo_mmap(fd, h, mapped);
		check(p, size, i);
		munmap(p, mapped);
		neuron_bo_close(fd, h);
	}
}

struct dbo {
	uint32_t handle;
	uint64_t addr, size;
	uint32_t channel;
	uint64_t mmap_offset;
};

static int cmp_range_offset(const void *a, const void *b)
{
	const struct neuron_dram_range *x = a, *y = b;

	return x->mmap_offset < y->mmap_offset ? -1 : x->mmap_offset > y->mmap_offset;
}

/* Where each BO is, from debugfs "dram" (the uAPI never says). */
static void locate_dbos(int fd, struct dbo *bos, int n)
{
	struct neuron_dram_range *r, key, *hit;
	int count = neuron_dram_ranges(fd, &r);

	qsort(r, count, sizeof(*r), cmp_range_offset);
	for (int i = 0; i < n; i++) {
		key.mmap_offset = bos[i].mmap_offset;
		hit = bsearch(&key, r, count, sizeof(*r), cmp_range_offset);
		igt_assert_f(hit, "BO %u not in debugfs dram\n", bos[i].handle);
		igt_assert_eq_u64(hit->size, bos[i].size);
		igt_assert_eq(hit->channel, bos[i].channel);
		bos[i].addr = hit->addr;
	}
	free(r);
}

static int cmp_dbo(const void *a, const void *b)
{
	const struct dbo *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every BO inside its channel, none overlapping another, none at 0. */
static void check_no_overlap(int fd, struct dbo *bos, int n)
{
	struct dbo *sorted = malloc(n * sizeof(*sorted));

	igt_assert(sorted);
	locate_dbos(fd, bos, n);
	memcpy(sorted, bos, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_dbo);
	for (int i = 0; i < n; i++) {
		uint64_t base = sorted[i].channel ? DRAM1_BASE : 0;

		igt_assert_neq_u64(sorted[i].addr, 0);
		igt_assert_lte_u64(base, sorted[i].addr);
		igt_assert_lte_u64(sorted[i].addr + sorted[i].size,
				   base + CHANNEL_SIZE);
		if (i)
			igt_assert_f(sorted[i - 1].addr + sorted[i - 1].size <=
				     sorted[i].addr,
				     "BO at %#" PRIx64 "+%#" PRIx64
				     " overlaps BO at %#" PRIx64 "\n",
				     sorted[i - 1].addr, sorted[i - 1].size,
				     sorted[i].addr);
	}
	free(sorted);
}

/* Random DRAM BO sizes from 4 KiB to 64 MiB, mostly small. */
static uint64_t random_size(void)
{
	static const uint64_t choices[] = {
		4 * KiB, 8 * KiB, 12 * KiB, 64 * KiB, 100 * KiB, 1 * MiB,
		3 * MiB, 16 * MiB, 64 * MiB,
	};

	return choices[rand() % (sizeof(choices) / sizeof(choices[0]))];
}

/* Fills DRAM with random sizes until both channels refuse; returns count. */
static int fill_dram(int fd, struct dbo *bos, int n, int max)
{
	int failures = 0;

	while (n < max && failures < 64) {
		struct drm_neuron_bo_info info;
		uint64_t size = random_size();
		uint32_t h = 0;
		int ret = __bo_create(fd, size, DRM_NEURON_BO_DRAM, 0, 0, &h);

		if (ret) {
			igt_assert_eq(ret, -ENOSPC);
			failures++;
			continue;
		}
		neuron_bo_info(fd, h, &info);
		bos[n++] = (struct dbo){ h, 0, info.size, info.dram_channel,
					 info.mmap_offset };
	}
	return n;
}

/*
 * A child that runs as @uid with an RLIMIT_MEMLOCK of @limit bytes and
 * @nfiles files opened before dropping root, and creates 1 MiB host BOs
 * round-robin over them until one fails: exits with how many it created
 * (at most 250; 254 when none failed with ENOMEM), after writing that
 * count to @ready (if >= 0) and waiting for @hold to be closed (if >= 0),
 * with its BOs held.
 */
static pid_t memlock_child(uid_t uid, uint64_t limit, int nfiles, int ready,
			   int hold)
{
	struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
	pid_t pid = fork();
	int fds[16], n = 0, ret = 0;
	uint32_t h;
	char c;

	igt_assert_gte(pid, 0);
	if (pid)
		return pid;
	for (int i = 0; i < nfiles; i++)
		fds[i] = igt_neuron_open(i % igt_neuron_count());
	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		_exit(255);
	while (n < 250) {
		ret = __bo_create(fds[n % nfiles], MiB, DRM_NEURON_BO_HOST, 0, 0, &h);
		if (ret)
			break;
		n++;
	}
	if (ready >= 0)
		igt_assert_eq(write(ready, &n, sizeof(n)), (int)sizeof(n));
	if (ret != -ENOMEM)
		_exit(254);
	if (hold >= 0)
		while (read(hold, &c, 1) > 0)
			;
	_exit(n);
}

/*
 * A child as @uid with 4 files on device 0: 256 KiB DRAM BOs round-robin
 * until one fails, then page-sized host BOs until one fails; exits with
 * dram * 16 + host (both failures ENOSPC), else 255, after writing it to
 * @ready (if >= 0) and waiting for @hold to be closed (if >= 0).
 */
static pid_t user_bounds_child(uid_t uid, int ready, int hold)
{
	pid_t pid = fork();
	int fds[4], dram = 0, host = 0, ret, code;
	uint32_t h;
	char c;

	igt_assert_gte(pid, 0);
	if (pid)
		return pid;
	for (int i = 0; i < 4; i++)
		fds[i] = igt_neuron_open(0);
	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		_exit(254);
	while (!(ret = __bo_create(fds[dram % 4], 256 * KiB, DRM_NEURON_BO_DRAM, 0, 0, &h)))
		dram++;
	code = ret == -ENOSPC ? dram * 16 : 255;
	while (!(ret = __bo_create(fds[host % 4], PAGE, DRM_NEURON_BO_HOST, 0, 0, &h)))
		host++;
	if (code != 255)
		code = ret == -ENOSPC && host < 16 ? code + host : 255;
	if (ready >= 0)
		igt_assert_eq(write(ready, &code, sizeof(code)), (int)sizeof(code));
	if (hold >= 0)
		while (read(hold, &c, 1) > 0)
			;
	_exit(code);
}

static int memlock_child_wait(pid_t pid)
{
	int st;

	igt_assert_eq(waitpid(pid, &st, 0), pid);
	igt_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

igt_main
{
	struct drm_neuron_query_memory_usage base_mem;
	int fd = -1;

	igt_fixture {
		fd = igt_neuron_open(0);
		memory_usage(fd, &base_mem);
	}

	igt_describe("The capability bit advertises buffer objects");
	igt_subtest("capability") {
		struct drm_neuron_query_device_info info;

		device_info(fd, &info);
		igt_assert(info.capabilities & DRM_NEURON_CAP_BO);
	}

	igt_describe("BO_INFO of host BOs of many sizes: rounded size, placement, layout");
	igt_subtest("info-host") {
		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct drm_neuron_bo_info info;
			uint32_t h = bo_create(fd, sizes[i], DRM_NEURON_BO_HOST);

			/* Not mapped for the device yet: no layout. */
			neuron_bo_info(fd, h, &info);
			igt_assert_eq(info.dma_segments, 0);
			igt_assert_eq_u64(info.reserved, 0);
			igt_assert(!(info.info_flags & DRM_NEURON_BO_INFO_CONTIGUOUS));

			bo_info_flags(fd, h, DRM_NEURON_BO_INFO_FLAG_DMA_MAP, &info);
			igt_assert_eq_u64(info.size, page_align(sizes[i]));
			igt_assert_eq(info.placement, DRM_NEURON_BO_HOST);
			igt_assert_eq(info.dram_channel, 0);
			igt_assert_eq(info.peer_device_id, 0);
			igt_assert(info.info_flags & DRM_NEURON_BO_INFO_MAPPABLE);
			igt_assert(!(info.info_flags & (DRM_NEURON_BO_INFO_IMPORTED |
							DRM_NEURON_BO_INFO_PEER)));
			igt_assert_gte(info.dma_segments, 1);
			igt_assert_lte(info.dma_segments, info.size / PAGE);
			igt_assert_eq(!!(info.info_flags & DRM_NEURON_BO_INFO_CONTIGUOUS),
				      info.dma_segments == 1);
			/* Where it is for the device is never told. */
			igt_assert_eq_u64(info.reserved, 0);
			igt_assert_neq_u64(info.mmap_offset, 0);
			if (info.size == PAGE)
				igt_assert_eq(info.dma_segments, 1);
			neuron_bo_close(fd, h);
		}
	}

	igt_describe("BO_INFO tells nobody, root or not, IOMMU or not, where a BO is for the device");
	igt_subtest("info-no-addr") {
		struct drm_neuron_bo_info root, user;
		uint32_t h = bo_create(fd, 64 * KiB, DRM_NEURON_BO_HOST);
		uint32_t d = bo_create(fd, 64 * KiB, DRM_NEURON_BO_DRAM);

		igt_info("DMA translated by an IOMMU: %s\n", dma_translated(fd) ? "yes" : "no");
		bo_info_flags(fd, h, DRM_NEURON_BO_INFO_FLAG_DMA_MAP, &root);
		bo_info_unprivileged(fd, h, &user);
		igt_assert_eq_u64(root.reserved, 0);
		igt_assert(memcmp(&root, &user, sizeof(root)) == 0);
		igt_assert(!(root.info_flags & (1u << 4)));	/* was ADDR_HIDDEN */

		bo_info_flags(fd, d, 0, &root);
		bo_info_unprivileged(fd, d, &user);
		igt_assert_eq_u64(root.reserved, 0);
		user.flags = 0;
		igt_assert(memcmp(&root, &user, sizeof(root)) == 0);

		neuron_bo_close(fd, d);
		neuron_bo_close(fd, h);
	}

	igt_describe("BO_INFO of DRAM BOs of many sizes: channel, mappability; "
		     "the range (debugfs) inside the channel");
	igt_subtest("info-dram") {
		bool bar = have_dram_bar(fd);

		for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct drm_neuron_bo_info info;
			uint32_t h = bo_create(fd, sizes[i], DRM_NEURON_BO_DRAM);
			struct neuron_dram_range r;
			uint64_t base;

			neuron_bo_info(fd, h, &info);
			igt_assert_eq_u64(info.size, page_align(sizes[i]));
			igt_assert_eq(info.placement, DRM_NEURON_BO_DRAM);
			igt_assert_lt(info.dram_channel, 2);
			igt_assert_eq(info.dma_segments, 1);
			igt_assert(info.info_flags & DRM_NEURON_BO_INFO_CONTIGUOUS);
			igt_assert_eq(!!(info.info_flags & DRM_NEURON_BO_INFO_MAPPABLE), bar);
			igt_assert_eq_u64(info.reserved, 0);
			r = neuron_bo_dram_range(fd, h);
			igt_assert_eq(r.channel, info.dram_channel);
			igt_assert_eq_u64(r.size, info.size);
			base = info.dram_channel ? DRAM1_BASE : 0;
			igt_assert_neq_u64(r.addr, 0);
			igt_assert_lte_u64(base, r.addr);
			igt_assert_lte_u64(r.addr + r.size, base + CHANNEL_SIZE);
			igt_assert_eq_u64(r.addr & (PAGE - 1), 0);
			neuron_bo_close(fd, h);
		}
	}

	igt_describe("Host BOs of many sizes: zeroed, written and read back through mmap");
	igt_subtest("mmap-host")
		mmap_roundtrip(fd, DRM_NEURON_BO_HOST);

	igt_describe("DRAM BOs of many sizes: written and read back through the DRAM BAR");
	igt_subtest("mmap-dram") {
		igt_require_f(have_dram_bar(fd), "no DRAM BAR\n");
		mmap_roundtrip(fd, DRM_NEURON_BO_DRAM);
	}

	igt_describe("A 256 MiB host BO: every page written and read back");
	igt_subtest("host-256m") {
		uint64_t size = 256 * MiB;
		uint32_t h = bo_create(fd, size, DRM_NEURON_BO_HOST);
		struct drm_neuron_bo_info info;
		volatile uint64_t *p = neuron_bo_mmap(fd, h, size);

		for (uint64_t off = 0; off < size; off += PAGE)
			p[off / 8] = off ^ 0x5a5a5a5a5a5a5a5aull;
		for (uint64_t off = 0; off < size; off += PAGE)
			igt_assert_eq_u64(p[off / 8], off ^ 0x5a5a5a5a5a5a5a5aull);
		bo_info_flags(fd, h, DRM_NEURON_BO_INFO_FLAG_DMA_MAP, &info);
		igt_assert_gte(info.dma_segments, 1);
		igt_info("256 MiB host BO: %u DMA segment(s)\n", info.dma_segments);
		munmap((void *)p, size);
		neuron_bo_close(fd, h);
	}

	igt_describe("Host BOs of whole 2 MiB pages sit on transparent huge pages, in few DMA segments; smaller ones on small pages");
	igt_subtest("host-huge-pages") {
		const uint64_t size = 8 * MiB, small_size = 1 * MiB;
		struct drm_neuron_bo_info info;
		long long huge0, huge1, fallback0;
		volatile uint8_t *p, *q;
		uint32_t h, small;

		igt_require_f(thp_only_from_driver_mount(),
			      "no transparent huge pages, or shmem_enabled gives them to every file\n");
		fallback0 = vmstat("thp_file_fallback");
		huge0 = meminfo("ShmemHugePages");

		small = bo_create(fd, small_size, DRM_NEURON_BO_HOST);
		q = neuron_bo_mmap(fd, small, small_size);
		fill(q, small_size, 0x11);
		igt_assert_eq(meminfo("ShmemHugePages"), huge0);

		h = bo_create(fd, size, DRM_NEURON_BO_HOST);
		p = neuron_bo_mmap(fd, h, size);
		fill(p, size, 0x5a);
		huge1 = meminfo("ShmemHugePages");
		igt_info("8 MiB host BO: ShmemHugePages +%lld KiB\n", (huge1 - huge0) / 1024);
		/* best effort in the kernel: fragmented memory falls back */
		igt_skip_on_f(huge1 - huge0 < (long long)size && vmstat("thp_file_fallback") > fallback0,
			      "memory too fragmented for huge pages\n");
		igt_assert_eq(huge1 - huge0, size);

		/* Each 2 MiB folio is one DMA-contiguous piece at least. */
		bo_info_flags(fd, h, DRM_NEURON_BO_INFO_FLAG_DMA_MAP, &info);
		igt_info("8 MiB host BO: %u DMA segment(s)\n", info.dma_segments);
		igt_assert_lte(info.dma_segments, size / (2 * MiB));
		check(p, size, 0x5a);
		check(q, small_size, 0x11);

		munmap((void *)p, size);
		munmap((void *)q, small_size);
		neuron_bo_close(fd, h);
		neuron_bo_close(fd, small);
		igt_assert_eq(meminfo("ShmemHugePages"), huge0);
	}

	igt_describe("A 256 MiB DRAM BO through the DRAM BAR: each MiB written and read back");
	igt_subtest("dram-256m") {
		uint64_t size = 256 * MiB;
		uint32_t h;
		volatile uint64_t *p;

		igt_require_f(have_dram_bar(fd), "no DRAM BAR\n");
		h = bo_create(fd, size, DRM_NEURON_BO_DRAM);
		p = neuron_bo_mmap(fd, h, size);
		for (uint64_t off = 0; off < size; off += MiB)
			p[off / 8] = ~off;
		p[size / 8 - 1] = 0x1234;
		for (uint64_t off = 0; off < size; off += MiB)
			igt_assert_eq_u64(p[off / 8], ~off);
		igt_assert_eq_u64(p[size / 8 - 1], 0x1234);
		munmap((void *)p, size);
		neuron_bo_close(fd, h);
	}

	igt_describe("DRAM channel selection and address alignment");
	igt_subtest("dram-channels") {
		static const uint64_t aligns[] = { 0, 4096, 64 * KiB, 2 * MiB, 1 * GiB };

		for (uint32_t mask = 1; mask <= 3; mask++) {
			for (unsigned int a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
				struct drm_neuron_bo_info info;
				uint64_t addr;
				uint32_t h;

				igt_assert_eq(__bo_create(fd, 8 * KiB, DRM_NEURON_BO_DRAM,
							  aligns[a], mask, &h), 0);
				neuron_bo_info(fd, h, &info);
				igt_assert(mask & (1u << info.dram_channel));
				addr = neuron_bo_dram_range(fd, h).addr;
				if (aligns[a])
					igt_assert_eq_u64(addr % aligns[a], 0);
				igt_assert_neq_u64(addr, 0);
				neuron_bo_close(fd, h);
			}
		}
	}

	igt_describe("DRAM exhaustion fails with ENOSPC, and the memory comes back");
	igt_subtest("dram-exhaustion") {
		struct drm_neuron_query_memory_usage mem;
		uint32_t big, h;

		memory_usage(fd, &mem);
		igt_require(mem.regions[2].used == 0);
		/* A whole channel 1, then nothing more fits in it. */
		igt_assert_eq(__bo_create(fd, CHANNEL_SIZE, DRM_NEURON_BO_DRAM, 0, 2, &big), 0);
		memory_usage(fd, &mem);
		igt_assert_eq_u64(mem.regions[2].used, CHANNEL_SIZE);
		igt_assert_eq_u64(mem.regions[2].largest_free, 0);
		igt_assert_eq(__bo_create(fd, 4096, DRM_NEURON_BO_DRAM, 0, 2, &h), -ENOSPC);
		/* Channel 0 loses its first page: a whole channel never fits. */
		igt_assert_eq(__bo_create(fd, CHANNEL_SIZE, DRM_NEURON_BO_DRAM, 0, 1, &h), -ENOSPC);
		igt_assert_eq(__bo_create(fd, CHANNEL_SIZE, DRM_NEURON_BO_DRAM, 0, 0, &h), -ENOSPC);
		/* Larger than any channel. */
		igt_assert_eq(__bo_create(fd, CHANNEL_SIZE + 1, DRM_NEURON_BO_DRAM, 0, 0, &h),
			      -ENOSPC);
		/* "Any" still finds room in channel 0. */
		igt_assert_eq(__bo_create(fd, 4096, DRM_NEURON_BO_DRAM, 0, 0, &h), 0);
		neuron_bo_close(fd, h);
		neuron_bo_close(fd, big);
		memory_usage(fd, &mem);
		igt_assert_eq_u64(mem.regions[1].used, base_mem.regions[1].used);
		igt_assert_eq_u64(mem.regions[2].used, 0);
		igt_assert_eq_u64(mem.regions[2].largest_free, CHANNEL_SIZE);
	}

	igt_describe("Fill DRAM with mixed sizes, free half at random, fill again: no overlap, no leak");
	igt_subtest("dram-fragmentation") {
		struct drm_neuron_query_memory_usage before, full, after;
		const int max = 20000;
		struct dbo *bos = calloc(max, sizeof(*bos));
		int n, kept = 0;

		igt_assert(bos);
		srand(0x6e657572);
		memory_usage(fd, &before);

		n = fill_dram(fd, bos, 0, max);
		igt_assert_lt(n, max);
		check_no_overlap(fd, bos, n);
		memory_usage(fd, &full);
		igt_info("first fill: %d BOs, %llu + %llu MiB used\n", n,
			 (unsigned long long)full.regions[1].used / MiB,
			 (unsigned long long)full.regions[2].used / MiB);
		/* Nearly full: less than the largest request (64 MiB) left. */
		igt_assert_lt_u64(full.regions[1].largest_free, 64 * MiB);
		igt_assert_lt_u64(full.regions[2].largest_free, 64 * MiB);

		for (int i = 0; i < n; i++) {
			if (rand() % 2)
				neuron_bo_close(fd, bos[i].handle);
			else
				bos[kept++] = bos[i];
		}
		n = fill_dram(fd, bos, kept, max);
		igt_assert_lt(n, max);
		check_no_overlap(fd, bos, n);
		memory_usage(fd, &full);
		igt_info("refill: %d BOs (%d kept), %llu + %llu MiB used\n",
			 n, kept, (unsigned long long)full.regions[1].used / MiB,
			 (unsigned long long)full.regions[2].used / MiB);

		for (int i = 0; i < n; i++)
			neuron_bo_close(fd, bos[i].handle);
		memory_usage(fd, &after);
		for (int r = 1; r < 3; r++) {
			igt_assert_eq_u64(after.regions[r].used, before.regions[r].used);
			igt_assert_eq_u64(after.regions[r].largest_free,
					  before.regions[r].largest_free);
		}
		free(bos);
	}

	igt_describe("MEMORY_USAGE counts host and DRAM BOs of every file of the device");
	igt_subtest("memory-usage") {
		int fd2 = igt_neuron_open(0);
		uint64_t host0 = host_used(fd), dram0 = dram_used(fd);
		uint32_t h1 = bo_create(fd2, 3 * MiB, DRM_NEURON_BO_HOST);
		struct drm_neuron_query_memory_usage mem;

		bo_create(fd2, 5 * MiB, DRM_NEURON_BO_DRAM);

		memory_usage(fd, &mem);
		igt_assert_eq_u64(mem.regions[0].type, DRM_NEURON_REGION_HOST);
		igt_assert_eq_u64(mem.regions[1].type, DRM_NEURON_REGION_DRAM);
		igt_assert_eq_u64(mem.regions[1].index, 0);
		igt_assert_eq_u64(mem.regions[2].index, 1);
		igt_assert_eq_u64(mem.regions[1].total, CHANNEL_SIZE - PAGE);
		igt_assert_eq_u64(mem.regions[2].total, CHANNEL_SIZE);
		igt_assert_eq_u64(host_used(fd), host0 + 3 * MiB);
		igt_assert_eq_u64(dram_used(fd), dram0 + 5 * MiB);
		neuron_bo_close(fd2, h1);
		igt_assert_eq_u64(host_used(fd), host0);
		/* Closing the file frees its BOs. */
		close(fd2);
		igt_assert_eq_u64(dram_used(fd), dram0);
	}

	igt_describe("fdinfo reports drm-total/resident/shared per region");
	igt_subtest("fdinfo") {
		int fd2 = igt_neuron_open(0);
		uint32_t h1, h2;
		uint8_t *p;

		igt_assert_eq(fdinfo_value(fd2, "total-host"), 0);
		igt_assert_eq(fdinfo_value(fd2, "total-dram"), 0);
		h1 = bo_create(fd2, 1 * MiB, DRM_NEURON_BO_HOST);
		h2 = bo_create(fd2, 2 * MiB, DRM_NEURON_BO_DRAM);
		igt_assert_eq(fdinfo_value(fd2, "total-host"), 1 * MiB);
		igt_assert_eq(fdinfo_value(fd2, "resident-host"), 0);
		igt_assert_eq(fdinfo_value(fd2, "total-dram"), 2 * MiB);
		igt_assert_eq(fdinfo_value(fd2, "resident-dram"), 2 * MiB);
		igt_assert_eq(fdinfo_value(fd2, "shared-host"), 0);
		p = neuron_bo_mmap(fd2, h1, MiB);
		p[0] = 1;
		igt_assert_eq(fdinfo_value(fd2, "resident-host"), 1 * MiB);
		munmap(p, MiB);
		neuron_bo_close(fd2, h1);
		neuron_bo_close(fd2, h2);
		igt_assert_eq(fdinfo_value(fd2, "total-host"), 0);
		igt_assert_eq(fdinfo_value(fd2, "resident-host"), 0);
		igt_assert_eq(fdinfo_value(fd2, "total-dram"), 0);
		close(fd2);
	}

	igt_describe("BO_CREATE: each invalid input gives its documented errno");
	igt_subtest("create-invalid") {
		struct drm_neuron_bo_create c;
		uint32_t h;

		/* size 0, sizes overflowing when rounded up */
		igt_assert_eq(__bo_create(fd, 0, DRM_NEURON_BO_HOST, 0, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, 0, DRM_NEURON_BO_DRAM, 0, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, UINT64_MAX, DRM_NEURON_BO_HOST, 0, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, UINT64_MAX - PAGE + 2, DRM_NEURON_BO_DRAM, 0, 0, &h),
			      -EINVAL);
		/* unknown placements */
		igt_assert_eq(__bo_create(fd, PAGE, 2, 0, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, PAGE, ~0u, 0, 0, &h), -EINVAL);
		/* every flag bit */
		for (int bit = 0; bit < 32; bit++) {
			memset(&c, 0, sizeof(c));
			c.size = PAGE;
			c.flags = 1u << bit;
			do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_CREATE, &c, EINVAL);
		}
		/* DRAM-only fields on host BOs */
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_HOST, PAGE, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_HOST, 0, 1, &h), -EINVAL);
		/* channels the device does not have */
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_DRAM, 0, 4, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_DRAM, 0, 1u << 31, &h), -EINVAL);
		/* bad alignments */
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_DRAM, 3, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_DRAM, PAGE + 1, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_DRAM, 8 * GiB, 0, &h), -EINVAL);
		igt_assert_eq(__bo_create(fd, PAGE, DRM_NEURON_BO_DRAM, 1ull << 63, 0, &h), -EINVAL);
		/* a host BO larger than the machine */
		igt_assert_eq(__bo_create(fd, 1ull << 50, DRM_NEURON_BO_HOST, 0, 0, &h), -ENOMEM);
		/* nothing leaked */
		igt_assert_eq_u64(host_used(fd), base_mem.regions[0].used);
		igt_assert_eq_u64(dram_used(fd),
				  base_mem.regions[1].used + base_mem.regions[2].used);
	}

	igt_describe("BO_INFO: non-zero flags or pad, invalid, stale and foreign handles");
	igt_subtest("info-invalid") {
		struct drm_neuron_bo_info info;
		uint32_t h = bo_create(fd, PAGE, DRM_NEURON_BO_HOST);
		int fd2 = igt_neuron_open(0);
		uint32_t h2 = bo_create(fd2, PAGE, DRM_NEURON_BO_DRAM);

		for (int bit = 1; bit < 32; bit++) {
			memset(&info, 0, sizeof(info));
			info.handle = h;
			info.flags = 1u << bit;
			do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_INFO, &info, EINVAL);
		}
		memset(&info, 0, sizeof(info));
		info.handle = h;
		info.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_INFO, &info, EINVAL);

		memset(&info, 0, sizeof(info));
		do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_INFO, &info, ENOENT);
		info.handle = 0x7fffffff;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_INFO, &info, ENOENT);

		/* fd2's only handle does not exist in fd, unless it equals h */
		if (h2 != h) {
			info.handle = h2;
			do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_INFO, &info, ENOENT);
		}
		/* h does not exist in fd2 (fd2 has only h2) */
		if (h != h2) {
			info.handle = h;
			do_ioctl_err(fd2, DRM_IOCTL_NEURON_BO_INFO, &info, ENOENT);
		}

		/* stale */
		neuron_bo_close(fd, h);
		info.handle = h;
		do_ioctl_err(fd, DRM_IOCTL_NEURON_BO_INFO, &info, ENOENT);
		close(fd2);
	}

	igt_describe("mmap: foreign offset, private mapping, oversize, unknown and stale offsets");
	igt_subtest("mmap-invalid") {
		uint32_t h = bo_create(fd, 2 * PAGE, DRM_NEURON_BO_HOST);
		int fd2 = igt_neuron_open(0);
		struct drm_neuron_bo_info info;
		void *p;

		neuron_bo_info(fd, h, &info);
		/* another file's BO */
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd2, info.mmap_offset);
		igt_assert(p == MAP_FAILED && errno == EACCES);
		/* private (copy-on-write) mappings */
		p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, info.mmap_offset);
		igt_assert(p == MAP_FAILED && errno == EINVAL);
		/* larger than the BO */
		p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
		igt_assert(p == MAP_FAILED && errno == EINVAL);
		/* inside the BO, not at its start */
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset + PAGE);
		igt_assert(p == MAP_FAILED && errno == EINVAL);
		/* no BO there */
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 1ull << 40);
		igt_assert(p == MAP_FAILED && errno == EINVAL);
		/* a partial mapping from the start is fine */
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
		igt_assert(p != MAP_FAILED);
		munmap(p, PAGE);
		/* stale */
		neuron_bo_close(fd, h);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
		igt_assert(p == MAP_FAILED && errno == EINVAL);
		close(fd2);
	}

	igt_describe("DRAM BOs: private mappings fail, and mmap without a DRAM BAR is refused");
	igt_subtest("mmap-dram-invalid") {
		uint32_t h = bo_create(fd, PAGE, DRM_NEURON_BO_DRAM);
		struct drm_neuron_bo_info info;
		void *p;

		neuron_bo_info(fd, h, &info);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, info.mmap_offset);
		if (info.info_flags & DRM_NEURON_BO_INFO_MAPPABLE) {
			igt_assert(p != MAP_FAILED);
			munmap(p, PAGE);
			p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, info.mmap_offset);
			igt_assert(p == MAP_FAILED && errno == EINVAL);
		} else {
			igt_assert(p == MAP_FAILED && errno == EOPNOTSUPP);
		}
		neuron_bo_close(fd, h);
	}

	igt_describe("Device memory is never executable: mmap with PROT_EXEC and mprotect to PROT_EXEC fail");
	igt_subtest("mmap-dram-noexec") {
		uint32_t h = bo_create(fd, PAGE, DRM_NEURON_BO_DRAM);
		struct drm_neuron_bo_info info;
		void *p;

		neuron_bo_info(fd, h, &info);
		igt_require_f(info.info_flags & DRM_NEURON_BO_INFO_MAPPABLE,
			      "no DRAM BAR\n");
		p = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd,
			 info.mmap_offset);
		igt_assert(p == MAP_FAILED && errno == EPERM);
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 info.mmap_offset);
		igt_assert(p != MAP_FAILED);
		igt_assert_eq(mprotect(p, PAGE, PROT_READ | PROT_EXEC), -1);
		igt_assert_eq(errno, EACCES);
		igt_assert_eq(mprotect(p, PAGE, PROT_READ), 0);
		munmap(p, PAGE);
		neuron_bo_close(fd, h);
	}

	igt_describe("One file cannot reserve more host BO bytes than the host's RAM "
		     "(the device's mmap-offset space is shared): ENOSPC, other files unaffected");
	igt_subtest("file-host-bound") {
		uint64_t ram = (uint64_t)neuron_meminfo_kb("MemTotal") * KiB;
		uint64_t big = (ram & ~(PAGE - 1)) - PAGE;
		int fd2 = igt_neuron_open(0);
		uint32_t a, b, c;

		a = bo_create(fd2, big, DRM_NEURON_BO_HOST);
		igt_assert_eq(__bo_create(fd2, big, DRM_NEURON_BO_HOST, 0, 0, &b), -ENOSPC);
		igt_assert_eq(__bo_create(fd2, 2 * PAGE, DRM_NEURON_BO_HOST, 0, 0, &b), -ENOSPC);
		/* Others still create, up to their own bound. */
		c = bo_create(fd, big, DRM_NEURON_BO_HOST);
		neuron_bo_close(fd, c);
		neuron_bo_close(fd2, a);
		b = bo_create(fd2, big, DRM_NEURON_BO_HOST);
		neuron_bo_close(fd2, b);
		close(fd2);
	}

	igt_describe("The per-file bounds on BO count, host bytes and DRAM bytes "
		     "(module parameters): ENOSPC beyond, freed BOs give their share back");
	igt_subtest("file-bounds") {
		uint32_t h[9], x;
		int fd2;

		igt_require(geteuid() == 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_bo_max", "8"), 0);
		fd2 = igt_neuron_open(0);
		for (int i = 0; i < 8; i++)
			h[i] = bo_create(fd2, PAGE, i & 1 ? DRM_NEURON_BO_DRAM : DRM_NEURON_BO_HOST);
		igt_assert_eq(__bo_create(fd2, PAGE, DRM_NEURON_BO_HOST, 0, 0, &h[8]), -ENOSPC);
		igt_assert_eq(__bo_create(fd2, PAGE, DRM_NEURON_BO_DRAM, 0, 0, &h[8]), -ENOSPC);
		x = bo_create(fd, PAGE, DRM_NEURON_BO_HOST);	/* another file */
		neuron_bo_close(fd, x);
		neuron_bo_close(fd2, h[0]);
		h[0] = bo_create(fd2, PAGE, DRM_NEURON_BO_HOST);
		for (int i = 0; i < 8; i++)
			neuron_bo_close(fd2, h[i]);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_bo_max", "65536"), 0);

		igt_assert_eq(neuron_write_str(PARAM_DIR "file_host_max_mib", "1"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_dram_max_mib", "1"), 0);
		h[0] = bo_create(fd2, MiB, DRM_NEURON_BO_HOST);
		igt_assert_eq(__bo_create(fd2, PAGE, DRM_NEURON_BO_HOST, 0, 0, &x), -ENOSPC);
		h[1] = bo_create(fd2, MiB - PAGE, DRM_NEURON_BO_DRAM);
		h[2] = bo_create(fd2, PAGE, DRM_NEURON_BO_DRAM);
		igt_assert_eq(__bo_create(fd2, PAGE, DRM_NEURON_BO_DRAM, 0, 0, &x), -ENOSPC);
		igt_assert_eq(__bo_create(fd2, 2 * MiB, DRM_NEURON_BO_HOST, 0, 0, &x), -ENOSPC);
		neuron_bo_close(fd2, h[2]);
		h[2] = bo_create(fd2, PAGE, DRM_NEURON_BO_DRAM);
		/* A file closed with its BOs still mapped or shared: charged until freed. */
		close(fd2);
		fd2 = igt_neuron_open(0);
		h[0] = bo_create(fd2, MiB, DRM_NEURON_BO_HOST);
		close(fd2);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_host_max_mib", "0"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "file_dram_max_mib", "0"), 0);
	}

	igt_describe("Host BOs are charged to their creating user's locked memory across files, "
		     "processes and devices, bounded by RLIMIT_MEMLOCK (ENOMEM beyond); root and "
		     "other users still allocate; a killed hog's charge is given back");
	igt_subtest("user-memlock-bound") {
		int ready[2], hold[2], n;
		pid_t hog;
		uint32_t big;

		igt_require(geteuid() == 0);
		igt_assert_eq(pipe(ready), 0);
		igt_assert_eq(pipe(hold), 0);
		/* The hog: 16 files (over every device), 8 MiB: 8 BOs in all. */
		hog = memlock_child(65533, 8 * MiB, 16, ready[1], hold[0]);
		close(hold[0]);
		close(ready[1]);
		igt_assert_eq(read(ready[0], &n, sizeof(n)), (int)sizeof(n));
		igt_assert_eq(n, 8);
		/* Another process of the same user gets nothing more. */
		igt_assert_eq(memlock_child_wait(memlock_child(65533, 8 * MiB, 1, -1, -1)), 0);
		/* Another user gets its own 8 MiB, root more than that. */
		igt_assert_eq(memlock_child_wait(memlock_child(65532, 8 * MiB, 2, -1, -1)), 8);
		big = bo_create(fd, 64 * MiB, DRM_NEURON_BO_HOST);
		neuron_bo_close(fd, big);
		/* Killing the hog frees its BOs and gives the charge back. */
		kill(hog, SIGKILL);
		igt_assert_eq(waitpid(hog, NULL, 0), hog);
		close(hold[1]);
		close(ready[0]);
		for (int i = 0; i < 100; i++) {
			n = memlock_child_wait(memlock_child(65533, 8 * MiB, 3, -1, -1));
			if (n == 8)
				break;
			usleep(20000);
		}
		igt_assert_eq(n, 8);
	}

	igt_describe("The per-user bounds on BOs and DRAM (user_bo_max, user_dram_max_mib) "
		     "hold over all of a user's files: ENOSPC beyond; another user and root "
		     "are not affected; a killed user's BOs give their share back");
	igt_subtest("user-bounds") {
		int ready[2], hold[2], code;
		uint32_t a, b;
		pid_t hog;

		igt_require(geteuid() == 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "user_bo_max", "8"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "user_dram_max_mib", "1"), 0);
		igt_assert_eq(pipe(ready), 0);
		igt_assert_eq(pipe(hold), 0);
		hog = user_bounds_child(65533, ready[1], hold[0]);
		close(hold[0]);
		close(ready[1]);
		igt_assert_eq(read(ready[0], &code, sizeof(code)), (int)sizeof(code));
		close(ready[0]);
		/* 4 DRAM BOs of 256 KiB (1 MiB), then 4 host BOs (8 BOs). */
		igt_assert_eq(code, 4 * 16 + 4);
		igt_assert_eq(memlock_child_wait(user_bounds_child(65532, -1, -1)), 4 * 16 + 4);
		a = bo_create(fd, MiB, DRM_NEURON_BO_DRAM);
		b = bo_create(fd, PAGE, DRM_NEURON_BO_HOST);
		neuron_bo_close(fd, a);
		neuron_bo_close(fd, b);
		kill(hog, SIGKILL);
		igt_assert_eq(waitpid(hog, NULL, 0), hog);
		close(hold[1]);
		for (int i = 0; i < 100; i++) {
			code = memlock_child_wait(user_bounds_child(65533, -1, -1));
			if (code == 4 * 16 + 4)
				break;
			usleep(20000);
		}
		igt_assert_eq(code, 4 * 16 + 4);
		igt_assert_eq(neuron_write_str(PARAM_DIR "user_bo_max", "65536"), 0);
		igt_assert_eq(neuron_write_str(PARAM_DIR "user_dram_max_mib", "0"), 0);
	}

	igt_describe("Host BOs created on or imported into a device are bounded by "
		     "device_host_max_gib (the mmap-offset space): ENOSPC beyond, for "
		     "BO_CREATE and PRIME import; freed BOs give it back");
	igt_subtest("device-host-bound") {
		struct drm_prime_handle ex = { .flags = DRM_CLOEXEC }, im = { 0 };
		uint32_t a, b;
		int fd1, fd2;

		igt_require(geteuid() == 0);
		igt_require(igt_neuron_count() >= 2);
		fd1 = igt_neuron_open(1);
		igt_assert_eq(neuron_write_str(PARAM_DIR "device_host_max_gib", "1"), 0);
		a = bo_create(fd, GiB - 2 * MiB, DRM_NEURON_BO_HOST);
		igt_assert_eq(__bo_create(fd, 4 * MiB, DRM_NEURON_BO_HOST, 0, 0, &b), -ENOSPC);
		/* Another file of the device: the bound is the device's. */
		fd2 = igt_neuron_open(0);
		igt_assert_eq(__bo_create(fd2, 4 * MiB, DRM_NEURON_BO_HOST, 0, 0, &b), -ENOSPC);
		close(fd2);
		/* DRAM BOs are not bounded by it. */
		b = bo_create(fd, MiB, DRM_NEURON_BO_DRAM);
		neuron_bo_close(fd, b);
		/* An import into the full device: its size counts there. */
		b = bo_create(fd1, 4 * MiB, DRM_NEURON_BO_HOST);
		ex.handle = b;
		do_ioctl(fd1, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ex);
		im.fd = ex.fd;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &im), -1);
		igt_assert_eq(errno, ENOSPC);
		neuron_bo_close(fd, a);
		do_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &im);
		a = bo_create(fd, GiB - 8 * MiB, DRM_NEURON_BO_HOST);
		neuron_bo_close(fd, a);
		neuron_bo_close(fd, im.handle);
		close(ex.fd);
		neuron_bo_close(fd1, b);
		close(fd1);
		igt_assert_eq(neuron_write_str(PARAM_DIR "device_host_max_gib", "512"), 0);
	}

	/*
	 * Issue #13 finding 5, closed: without an IOMMU a host BO's device
	 * address is a physical address, and user descriptors that carried
	 * device addresses were an oracle for it (an address was accepted only
	 * inside a listed BO). Descriptors now name (BO index, offset): no
	 * guess can be expressed, and what a descriptor reads is the BO's own
	 * page, whatever the physical layout.
	 */
	igt_describe("Finding 5 (#13) closed: an unprivileged user names host BO pages by "
		     "offset only, each descriptor reads its own page, and nothing else");
	igt_subtest("no-phys-addr") {
		const uint64_t bo_size = 64 * MiB;
		pid_t pid;

		igt_require(geteuid() == 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0) {
			int ufd = igt_neuron_open(0);
			struct drm_neuron_core_acquire ca = { .core_mask = 1 };
			struct drm_neuron_bo_info info = { 0 };
			struct drm_neuron_dma_desc d = {
				.src = { .kind = DRM_NEURON_MEM_BO },
				/* SET slot of semaphore 9 of core 0 */
				.dst = { .kind = DRM_NEURON_MEM_CORE,
					 .region = DRM_NEURON_CORE_SEM_SET, .offset = 4 * 9 },
				.size = 4,
			};
			struct drm_syncobj_create sc = { 0 };
			struct drm_syncobj_wait w = { .count_handles = 1 };
			uint32_t h, *p, n;
			struct drm_neuron_submit sub = {
				.engine = 2, .descs = (uintptr_t)&d, .desc_count = 1,
				.bo_handle_count = 1,
			};
			struct drm_neuron_sem_op op = { .core = 0, .index = 9,
							.op = DRM_NEURON_SEM_READ };
			uint64_t seed = 13;

			if (__bo_create(ufd, bo_size, DRM_NEURON_BO_HOST, 0, 0, &h) ||
			    ioctl(ufd, DRM_IOCTL_NEURON_CORE_ACQUIRE, &ca) ||
			    ioctl(ufd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
				_exit(2);
			sub.bo_handles = (uintptr_t)&h;
			sub.out_sync.handle = sc.handle;
			w.handles = (uintptr_t)&sc.handle;
			p = neuron_bo_mmap(ufd, h, bo_size);
			for (n = 0; n < bo_size / PAGE; n++)
				p[n * PAGE / 4] = 0x5a000000u | n;
			if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
				_exit(3);
			info.handle = h;
			info.flags = DRM_NEURON_BO_INFO_FLAG_DMA_MAP;
			if (ioctl(ufd, DRM_IOCTL_NEURON_BO_INFO, &info) || info.reserved ||
			    info.dma_segments < 1)
				_exit(4);
			for (int i = 0; i < 64; i++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				n = (seed >> 33) % (bo_size / PAGE);
				d.src.offset = (uint64_t)n * PAGE;
				w.timeout_nsec = neuron_now_ns() + 30 * SEC_NS;
				if (ioctl(ufd, DRM_IOCTL_NEURON_SUBMIT, &sub) ||
				    ioctl(ufd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ||
				    ioctl(ufd, DRM_IOCTL_NEURON_SEM_OP, &op))
					_exit(5);
				if ((uint32_t)op.value != (0x5a000000u | n))
					_exit(6);
			}
			/* Past the BO, or a BO that is not listed: nothing to read. */
			d.src.offset = bo_size - 2;
			if (!ioctl(ufd, DRM_IOCTL_NEURON_SUBMIT, &sub) || errno != EINVAL)
				_exit(7);
			d.src.offset = 0;
			d.src.index = 1;
			if (!ioctl(ufd, DRM_IOCTL_NEURON_SUBMIT, &sub) || errno != EINVAL)
				_exit(8);
			_exit(0);
		}
		neuron_wait_exit_ok(pid);
	}

	igt_describe("A mapping keeps its BO alive after the handle and the file are closed");
	igt_subtest("mmap-outlives-handle") {
		int fd2 = igt_neuron_open(0);
		uint64_t host0 = host_used(fd);
		uint32_t h = bo_create(fd2, 64 * KiB, DRM_NEURON_BO_HOST);
		uint8_t *p = neuron_bo_mmap(fd2, h, 64 * KiB);

		fill(p, 64 * KiB, 3);
		neuron_bo_close(fd2, h);
		close(fd2);
		check(p, 64 * KiB, 3);
		igt_assert_eq_u64(host_used(fd), host0 + 64 * KiB);
		munmap(p, 64 * KiB);
		igt_assert_eq_u64(host_used(fd), host0);
	}

	igt_describe("10000 create/map/touch/free cycles: fdinfo, usage and /proc/meminfo return to baseline");
	igt_subtest("create-free-cycles") {
		long long shmem0, free0, shmem1, free1;
		uint64_t host0 = host_used(fd), dram0 = dram_used(fd);

		/* Warm up caches and slabs before the baseline. */
		for (int i = 0; i < 100; i++) {
			uint32_t h = bo_create(fd, PAGE, DRM_NEURON_BO_HOST);

			neuron_bo_close(fd, h);
		}
		neuron_slab_shrink();
		shmem0 = meminfo("Shmem");
		free0 = meminfo("MemAvailable");

		for (int i = 0; i < 10000; i++) {
			uint32_t placement = i % 4 == 3 ? DRM_NEURON_BO_DRAM : DRM_NEURON_BO_HOST;
			uint64_t size = (i % 2) ? 64 * KiB : PAGE;
			uint32_t h = bo_create(fd, size, placement);

			if (placement == DRM_NEURON_BO_HOST && i % 3 == 0) {
				uint8_t *p = neuron_bo_mmap(fd, h, size);

				p[0] = i;
				p[size - 1] = i;
				munmap(p, size);
			} else {
				struct drm_neuron_bo_info info;

				bo_info_flags(fd, h, i % 5 ? 0 : DRM_NEURON_BO_INFO_FLAG_DMA_MAP,
					      &info);
			}
			neuron_bo_close(fd, h);
		}

		igt_assert_eq(fdinfo_value(fd, "total-host"), 0);
		igt_assert_eq(fdinfo_value(fd, "resident-host"), 0);
		igt_assert_eq(fdinfo_value(fd, "total-dram"), 0);
		igt_assert_eq_u64(host_used(fd), host0);
		igt_assert_eq_u64(dram_used(fd), dram0);
		neuron_slab_shrink();
		shmem1 = meminfo("Shmem");
		free1 = meminfo("MemAvailable");
		igt_info("Shmem %lld -> %lld KiB, MemAvailable %lld -> %lld KiB\n",
			 shmem0 / 1024, shmem1 / 1024, free0 / 1024, free1 / 1024);
		/* Within noise: 1 MiB of shmem, 16 MiB of available memory. */
		igt_assert_lte(llabs(shmem1 - shmem0), 1 * MiB);
		igt_assert_lte(free0 - free1, 16 * MiB);
	}

	igt_fixture
		close(fd);
}
