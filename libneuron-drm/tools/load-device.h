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
#include "progress.h"

/* One double-buffered host staging area of a device. */
struct stage {
	uint32_t bo[2];
	uint8_t *ptr[2];
	uint64_t size[2];	/* mapping lengths (BO sizes) */
};

struct device_stats {
	double in_secs;		/* load from the host (ring[0]) or the hop in */
	double read_secs;	/* read back and verify */
	size_t verified;	/* files that matched bit for bit */
	size_t mismatched;	/* files that differ or could not be checked */
};

struct device {
	struct neuron_drm_node node;
	struct drm_neuron_query_device_info info;
	struct drm_neuron_query_topology topo;
	int fd;
	uint32_t *dram;		/* one DRAM BO per file, 0 = none */
	struct stage stage;
	uint32_t sync[2];	/* syncobjs of the two staging halves */
	struct device_stats st;
};

struct devices {
	struct device *v;
	int n;
	int *ring;	/* indices in east order, starting at device 0 */
};

struct load_ctx {
	struct devices *ds;
	struct file_list *fl;
	struct progress *pg;
	bool verbose;
};

/*
 * load_devices() - the whole device part: allocate, load, broadcast, read
 * back, verify.  Every problem is reported on stderr naming the file and
 * device.  Everything allocated on the devices is freed again before it
 * returns, on success and on every error path.
 * Returns 0 when every file verified on every device, 1 otherwise
 * (EXIT_FAIL), or 4 (EXIT_INPUT) when the files do not fit in device DRAM
 * (nothing was loaded then).
 */
int load_devices(struct load_ctx *c);

#endif
