/* SPDX-License-Identifier: MIT */
/*
 * neuron-load, device side: load files into device DRAM on the first device
 * of the ring through DMA jobs, broadcast them device to device over the
 * Neuron-Pipe, read every copy back and verify it.  Library calls only.
 */
#ifndef NEURON_TOOLS_LOAD_DEVICE_H
#define NEURON_TOOLS_LOAD_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "neuron_drm.h"

#include "load-files.h"
#include "load-pack.h"
#include "progress.h"

/* One double-buffered host staging area of a device. */
struct stage {
	uint32_t bo[2];
	uint8_t *ptr[2];
	uint64_t size[2];	/* mapping lengths (BO sizes) */
};

struct device_stats {
	unsigned long jobs;	/* DMA jobs submitted: data in and read-back */
	size_t verified;	/* files that matched bit for bit */
	size_t mismatched;	/* files that differ or could not be checked */
};

struct device {
	struct neuron_drm_node node;
	struct drm_neuron_query_device_info info;
	struct drm_neuron_query_topology topo;
	int fd;
	uint32_t *arena;	/* DRAM BO of each arena of the plan, 0 = none */
	uint32_t *peer;		/* the previous ring device's arenas, imported */
	size_t n_arena;		/* entries of @arena and @peer */
	struct stage src;	/* first device only: the bytes read */
	struct stage stage;	/* read-back copies */
	uint32_t sync_in[2];	/* per staging half: jobs bringing data in */
	uint32_t sync_read[2];	/* per staging half: read-back jobs */
	struct device_stats st;
};

struct devices {
	struct device *v;
	int n;
	int *ring;	/* indices in east order, starting at device 0 */
};

/* Seconds of each phase of the run, for the summary. */
struct load_times {
	double t0;		/* start of the run (before the inputs walk) */
	double setup;		/* inputs, devices, plan, allocation */
	double inputs;		/* of it: walking the arguments (caller sets) */
	double devices;		/* of it: opening and checking the devices */
	double dram, staging;	/* of it: creating the DRAM and host BOs */
	double stream;		/* load, hops, read-back and compare */
	double read, compare, wait;	/* of it, on the calling thread */
	double free;
	double total;		/* t0 to the end of "free" */
};

struct load_ctx {
	struct devices *ds;
	struct file_list *fl;
	struct progress *pg;
	struct pack_plan plan;
	uint64_t half;		/* bytes of a staging half (window) */
	uint64_t stage_size[2];	/* bytes of each staging BO (0: none) */
	struct load_times t;
	bool verbose;
};

/*
 * load_devices() - the whole device part: plan, allocate, load, broadcast,
 * read back, verify, free, summary (@c->t.t0 and .inputs set by the
 * caller).  Every problem is reported on stderr naming the file and
 * device.  Everything allocated on the devices is freed again before it
 * returns, on success and on every error path.
 * Returns 0 when every file verified on every device, 1 otherwise
 * (EXIT_FAIL), or 4 (EXIT_INPUT) when the files do not fit in device DRAM
 * (nothing was loaded then).
 */
int load_devices(struct load_ctx *c);

#endif
