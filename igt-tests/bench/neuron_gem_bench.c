// SPDX-License-Identifier: MIT
/*
 * neuron_gem_bench - cost of buffer objects, each figure beside a baseline
 * measured in the same run: an anonymous mmap of the same size.
 *
 *   create+free      BO_CREATE + GEM_CLOSE          vs mmap + munmap
 *   mmap+touch       mmap + write each page + munmap of an existing BO
 *                                                   vs the same on anonymous memory
 *   full             create + mmap + touch + munmap + close
 *                                                   vs anonymous mmap + touch + munmap
 *
 * Usage: neuron_gem_bench [-d DEVICE_INDEX] [-t SECONDS_PER_FIGURE]
 * A benchmark, not a test: it prints figures and ratios and exits 0 unless
 * something fails outright.
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/neuron_accel.h>

#define PAGE	4096ul

static int fd;
static double seconds = 0.5;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "neuron_gem_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_device(int index)
{
	char path[64];
	int i, found = 0;

	for (i = 0; i < 64; i++) {
		struct drm_version v = {};
		char name[16] = "";
		int f;

		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		f = open(path, O_RDWR | O_CLOEXEC);
		if (f < 0)
			continue;
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (!ioctl(f, DRM_IOCTL_VERSION, &v) && !strcmp(name, "neuron") &&
		    found++ == index)
			return f;
		close(f);
	}
	errno = ENODEV;
	die("no neuron device");
	return -1;
}

static uint32_t bo_create(size_t size, uint32_t placement)
{
	struct drm_neuron_bo_create c = { .size = size, .placement = placement };

	if (ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c))
		die("BO_CREATE");
	return c.handle;
}

static void bo_close(uint32_t h)
{
	struct drm_gem_close c = { .handle = h };

	if (ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c))
		die("GEM_CLOSE");
}

static uint64_t bo_offset(uint32_t h)
{
	struct drm_neuron_bo_info i = { .handle = h };

	if (ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &i))
		die("BO_INFO");
	return i.mmap_offset;
}

static void touch(volatile char *p, size_t size)
{
	for (size_t off = 0; off < size; off += PAGE)
		p[off] = 1;
}

/* Each "op" does one iteration; returns iterations per second. */
struct ctx {
	size_t size;
	uint32_t placement;
	uint32_t handle;
	uint64_t offset;
};

static void op_bo_create_free(struct ctx *c)
{
	bo_close(bo_create(c->size, c->placement));
}

static void op_anon_map_unmap(struct ctx *c)
{
	void *p = mmap(NULL, c->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	munmap(p, c->size);
}

static void op_bo_map_touch(struct ctx *c)
{
	void *p = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       c->offset);

	if (p == MAP_FAILED)
		die("mmap BO");
	touch(p, c->size);
	munmap(p, c->size);
}

static void op_anon_map_touch(struct ctx *c)
{
	void *p = mmap(NULL, c->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	touch(p, c->size);
	munmap(p, c->size);
}

static void op_bo_full(struct ctx *c)
{
	uint32_t h = bo_create(c->size, c->placement);
	void *p = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       bo_offset(h));

	if (p == MAP_FAILED)
		die("mmap BO");
	touch(p, c->size);
	munmap(p, c->size);
	bo_close(h);
}

static double rate(void (*op)(struct ctx *), struct ctx *c)
{
	double start, end;
	long n = 0;

	op(c);	/* warm up */
	start = now();
	do {
		for (int i = 0; i < 16; i++)
			op(c);
		n += 16;
		end = now();
	} while (end - start < seconds);

	return n / (end - start);
}

static void line(const char *what, const char *place, size_t size,
		 double bo, double base)
{
	printf("%-12s %-5s %5zu KiB  %10.0f /s   baseline %10.0f /s   ratio %5.2f\n",
	       what, place, size / 1024, bo, base, bo / base);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 4096, 1024 * 1024 };
	int opt, index = 0;
	bool dram_bar;

	while ((opt = getopt(argc, argv, "d:t:")) != -1) {
		if (opt == 'd')
			index = atoi(optarg);
		else if (opt == 't')
			seconds = atof(optarg);
		else {
			fprintf(stderr, "usage: %s [-d INDEX] [-t SECONDS]\n", argv[0]);
			return 2;
		}
	}
	fd = open_device(index);

	{
		struct drm_neuron_query_device_info info = {};
		struct drm_neuron_query q = {
			.type = DRM_NEURON_QUERY_DEVICE_INFO,
			.size = sizeof(info), .pointer = (uintptr_t)&info,
		};

		if (ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q))
			die("QUERY");
		dram_bar = info.capabilities & DRM_NEURON_CAP_DRAM_BAR;
	}

	printf("neuron_gem_bench: %.2f s per figure; ratio = BO rate / baseline rate "
	       "(baseline: anonymous mmap of the same size)\n", seconds);
	for (unsigned int s = 0; s < 2; s++) {
		for (uint32_t pl = DRM_NEURON_BO_HOST; pl <= DRM_NEURON_BO_DRAM; pl++) {
			const char *name = pl == DRM_NEURON_BO_HOST ? "host" : "dram";
			struct ctx c = { .size = sizes[s], .placement = pl };
			double bo, base;

			bo = rate(op_bo_create_free, &c);
			base = rate(op_anon_map_unmap, &c);
			line("create+free", name, c.size, bo, base);

			if (pl == DRM_NEURON_BO_DRAM && !dram_bar)
				continue;
			c.handle = bo_create(c.size, pl);
			c.offset = bo_offset(c.handle);
			bo = rate(op_bo_map_touch, &c);
			base = rate(op_anon_map_touch, &c);
			line("mmap+touch", name, c.size, bo, base);
			bo_close(c.handle);

			bo = rate(op_bo_full, &c);
			line("full", name, c.size, bo, base);
		}
	}
	close(fd);
	return 0;
}
