/* SPDX-License-Identifier: MIT */
/*
 * The DRM usage statistics a neuron file shows in /proc/PID/fdinfo/FD
 * (Documentation/gpu/drm-usage-stats.rst), as neuron-top reads them.
 *
 * What the driver prints (drivers/accel/neuron: neuron_show_fdinfo()):
 *   drm-driver:              neuron
 *   drm-pdev:                0000:00:10.0 (the device's PCI slot)
 *   drm-client-id:           unique per open file of the DRM device
 *   drm-engine-dma:          N ns, busy time of the file's DMA jobs
 *   drm-engine-capacity-dma: DMA queues the busy time is summed over
 *   drm-{total,shared,active,resident}-{host,dram}: sizes ("4 KiB")
 *   neuron-jobs-{submitted,completed,failed}: counts
 *   neuron-guilty:           number of the file's jobs that timed out
 */
#ifndef NEURON_TOOLS_FDINFO_H
#define NEURON_TOOLS_FDINFO_H

#include <stdbool.h>
#include <stdint.h>

enum { FDI_HOST, FDI_DRAM, FDI_REGIONS };
enum { FDI_TOTAL, FDI_SHARED, FDI_ACTIVE, FDI_RESIDENT, FDI_PURGEABLE, FDI_KINDS };

extern const char *const fdinfo_region_name[FDI_REGIONS];
extern const char *const fdinfo_kind_name[FDI_KINDS];

struct fdinfo {
	char pdev[32];			/* drm-pdev, "" when absent */
	uint64_t client_id;
	bool have_client_id;
	uint64_t engine_ns;		/* drm-engine-dma */
	bool have_engine;
	uint32_t capacity;		/* drm-engine-capacity-dma, 1 if absent */
	uint64_t mem[FDI_REGIONS][FDI_KINDS];	/* bytes */
	bool have_mem[FDI_REGIONS][FDI_KINDS];
	uint64_t jobs_submitted, jobs_completed, jobs_failed;
	bool have_jobs;
	unsigned int guilty;
};

/*
 * fdinfo_parse() - parse the text of one fdinfo file into @fi.
 * Return: 1 for a file of the neuron driver, 0 for any other file (not
 * DRM, or another driver), -EINVAL if a neuron key has a value that does
 * not parse (the caller should say so rather than show a wrong figure).
 */
int fdinfo_parse(const char *text, struct fdinfo *fi);

/*
 * fdinfo_parse_size() - "123", "123 KiB", "4 MiB" (the units the DRM core
 * prints; GiB and TiB too) into bytes.  Return: 0 or -EINVAL.
 */
int fdinfo_parse_size(const char *s, uint64_t *bytes);

/*
 * fdinfo_busy_pct() - engine busy percentage between two readings
 * @ns0, @ns1 ns apart in wall time @dt_ns, as top(1) counts CPU time: 100
 * means one DMA queue busy all the time; jobs on several queues at once
 * count several times, up to 100 * @capacity (the queues the driver sums
 * the busy time over, drm-engine-capacity-dma).  Dividing by the capacity
 * instead would show a process that keeps one of the 192 queues of an
 * Inferentia busy as 0.5 %%.  Return: -1 when it cannot be computed (no
 * time passed, or the counter went backwards).
 */
double fdinfo_busy_pct(uint64_t ns0, uint64_t ns1, uint64_t dt_ns,
		       uint32_t capacity);

/*
 * read_whole_file() - the whole content of @path, read until end of file
 * (files of /proc and /sys have no size before reading), NUL-terminated,
 * at most @max bytes.  Return: a malloc'ed buffer, or NULL with errno set.
 */
char *read_whole_file(const char *path, size_t max);

#endif
