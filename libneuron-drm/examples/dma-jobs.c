// SPDX-License-Identifier: MIT
/*
 * A DMA-job example: copy a host buffer into device DRAM and back with DMA
 * jobs, again and again for SECONDS, and check the data that came back.
 * Built against the installed library with
 *
 *   cc -o dma-jobs dma-jobs.c $(pkg-config --cflags --libs libneuron-drm)
 *
 *   dma-jobs [INDEX [SECONDS]]    device INDEX (default 0), SECONDS (0)
 *
 * It also takes NeuronCore 0 for as long as it runs, as a runtime does
 * (neuron-ls and neuron-top show it as the owner).  The project's tests
 * run it as load under neuron-top.
 *
 * Exit status: 0 every round trip matched, 2 no device, 1 error.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <neuron_drm.h>

#define SIZE (1u << 20)
/* Any engine the device has; jobs of one engine run in order. */
#define ENGINE 3

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "dma-jobs: %s: %s\n", what, neuron_drm_strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	unsigned int index = argc > 1 ? (unsigned int)atoi(argv[1]) : 0;
	double seconds = argc > 2 ? atof(argv[2]) : 0, end;
	uint32_t src = 0, dram = 0, dst = 0, sync = 0;
	struct drm_neuron_xfer x;
	struct drm_neuron_sync out;
	uint8_t *in, *back;
	uint64_t in_size, back_size, i;
	unsigned long rounds = 0;
	int fd, ret, status = 0;

	fd = neuron_drm_open_index(index);
	if (fd < 0) {
		fprintf(stderr, "dma-jobs: device %u: %s\n", index,
			neuron_drm_strerror(fd));
		return fd == -ENODEV ? 2 : 1;
	}
	/* Host BOs are shmem pages the device reaches by DMA; DRAM BOs are not mappable. */
	ret = neuron_drm_bo_create(fd, SIZE, DRM_NEURON_BO_HOST, 0, 0, &src);
	if (!ret)
		ret = neuron_drm_bo_create(fd, SIZE, DRM_NEURON_BO_DRAM, 0, 0, &dram);
	if (!ret)
		ret = neuron_drm_bo_create(fd, SIZE, DRM_NEURON_BO_HOST, 0, 0, &dst);
	if (ret)
		return fail("buffer objects", ret);
	ret = neuron_drm_bo_map(fd, src, (void **)&in, &in_size);
	if (!ret)
		ret = neuron_drm_bo_map(fd, dst, (void **)&back, &back_size);
	if (ret)
		return fail("map", ret);
	ret = neuron_drm_syncobj_create(fd, 0, &sync);
	if (ret)
		return fail("syncobj", ret);
	/* Optional: a runtime owns the NeuronCores it runs on. */
	ret = neuron_drm_core_acquire(fd, 1u << 0);
	if (ret)
		fprintf(stderr, "dma-jobs: NeuronCore 0 not taken: %s\n",
			neuron_drm_strerror(ret));

	end = now() + seconds;
	do {
		for (i = 0; i < SIZE; i++)
			in[i] = (uint8_t)(i * 31 + rounds);
		memset(back, 0, SIZE);
		/* Two jobs on one engine: they run in order, the second one's
		 * fence in the syncobj covers both. */
		neuron_drm_xfer_copy(&x, src, 0, dram, 0, SIZE);
		ret = neuron_drm_submit_xfers(fd, ENGINE, 0, &x, 1, NULL, 0,
					      NULL, NULL);
		if (ret)
			return fail("submit host -> DRAM", ret);
		neuron_drm_xfer_copy(&x, dram, 0, dst, 0, SIZE);
		memset(&out, 0, sizeof(out));
		out.handle = sync;
		ret = neuron_drm_submit_xfers(fd, ENGINE, 0, &x, 1, NULL, 0,
					      &out, NULL);
		if (ret)
			return fail("submit DRAM -> host", ret);
		ret = neuron_drm_syncobj_wait(fd, &sync, 1,
					      neuron_drm_abs_timeout(60ll * 1000000000),
					      0, NULL);
		if (ret)
			return fail("wait", ret);
		/* Did the job succeed?  A waited-for fence may carry an error. */
		ret = neuron_drm_syncobj_status(fd, sync, &status);
		if (ret || status != 1)
			return fail("job", ret ? ret : status < 0 ? status : -EIO);
		if (memcmp(in, back, SIZE) != 0) {
			fprintf(stderr, "dma-jobs: round %lu: data differs\n", rounds);
			return 1;
		}
		rounds++;
	} while (now() < end);
	printf("dma-jobs: device %u: %lu round %s of %u KiB verified\n", index,
	       rounds, rounds == 1 ? "trip" : "trips", SIZE >> 10);
	neuron_drm_bo_unmap(in, in_size);
	neuron_drm_bo_unmap(back, back_size);
	neuron_drm_close(fd);	/* frees BOs, syncobj and the core */
	return 0;
}
