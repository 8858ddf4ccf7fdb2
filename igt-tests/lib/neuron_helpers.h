/* SPDX-License-Identifier: MIT */
/*
 * neuron_helpers.h - small helpers shared by the igt-tests/neuron_*.c tests
 *
 * Copyright (c) 2025 The neuron project authors
 *
 * Each helper used to be copied into several test binaries; they live here
 * once, behave exactly as those copies did, and fail the running subtest
 * (through igt_assert / do_ioctl) where the copies did.  Built into
 * igt-tests/build/lib/ and linked into every test binary with igt.o.
 *
 *   Time:     neuron_now_ns
 *   Cores:    neuron_core_acquire / neuron_core_release
 *   BOs:      neuron_bo_create / neuron_bo_info / neuron_bo_close /
 *             neuron_bo_mmap
 *   Files:    neuron_read_file, neuron_write_str, neuron_meminfo_kb,
 *             neuron_slab_shrink
 *   Faults:   neuron_set_fault (QMP qom-set of a bool fault property),
 *             neuron_stall_queue
 *   DRAM:     neuron_dram_ranges / neuron_bo_dram_range (debugfs "dram"),
 *             neuron_dram_wait_clear (debugfs "jobs")
 *   Children: neuron_wait_exit_ok
 *   Signals:  neuron_arm_alarm / neuron_disarm_alarm / neuron_alarms
 *   Syncobjs: neuron_syncobj_create / _destroy / _wait
 *   Descriptors: neuron_mem_bo / neuron_mem_core / neuron_desc
 *   NeuronCores: neuron_sem_read / neuron_event_read /
 *             neuron_fifo_counter (QMP qom-get of the model's nc<n>-fifo-*)
 *   Data:     neuron_fill
 */
#ifndef NEURON_HELPERS_H
#define NEURON_HELPERS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <drm/neuron_accel.h>

#ifndef DRM_IOCTL_SYNCOBJ_EVENTFD
/* Linux 6.6 uAPI (drm.h), newer than bookworm's libdrm headers. */
struct drm_syncobj_eventfd {
	__u32 handle;
	__u32 flags;
	__u64 point;
	__s32 fd;
	__u32 pad;
};

#define DRM_IOCTL_SYNCOBJ_EVENTFD	DRM_IOWR(0xCF, struct drm_syncobj_eventfd)
#endif

/* CLOCK_MONOTONIC now, in nanoseconds. */
int64_t neuron_now_ns(void);

/* CORE_ACQUIRE / CORE_RELEASE of the cores in @mask; fail on error. */
void neuron_core_acquire(int fd, uint32_t mask);
void neuron_core_release(int fd, uint32_t mask);

/* CORE_ACQUIRE or CORE_RELEASE (@req) of @mask; 0 or -errno. */
int neuron_core_ioctl(int fd, unsigned long req, uint32_t mask);

/*
 * CORE_ACQUIRE of @mask, retried for up to 5 s while a closing file lets
 * go of it (-EBUSY) or its last jobs finish (-ETIMEDOUT, one second each);
 * fail the subtest if it still fails.
 */
void neuron_core_acquire_wait(int fd, uint32_t mask);

/*
 * BO_CREATE of @size bytes in @placement (DRM_NEURON_BO_*); the subtest fails
 * if the ioctl does.  Returns the new handle.
 */
uint32_t neuron_bo_create(int fd, uint64_t size, uint32_t placement);

/*
 * QUERY of @type into @out (@size bytes, first filled with the byte @fill so a
 * caller can tell what the kernel wrote); the subtest fails if the ioctl
 * does or the kernel's size for @type is not @size.
 */
void neuron_query(int fd, uint32_t type, void *out, uint32_t size, int fill);

/* BO_INFO (flags 0) of @handle into @info (zeroed first); fails on error. */
void neuron_bo_info(int fd, uint32_t handle, struct drm_neuron_bo_info *info);

/* DRM_IOCTL_GEM_CLOSE of @handle; fails on error. */
void neuron_bo_close(int fd, uint32_t handle);

/*
 * mmap @size bytes of @handle read/write, shared, at the fake offset BO_INFO
 * reports; fails the subtest when mmap fails.
 */
void *neuron_bo_mmap(int fd, uint32_t handle, uint64_t size);

/*
 * Read up to @len - 1 bytes of @path into @buf and NUL-terminate them.
 * Returns the number of bytes read, or -errno (then @buf is untouched).
 */
ssize_t neuron_read_file(const char *path, char *buf, size_t len);

/* Write @s (no newline added) to @path. Returns 0 or -errno. */
int neuron_write_str(const char *path, const char *s);

/* The sysfs neuron/reset_count of @fd's device: resets since probe. */
unsigned int neuron_reset_count(int fd);

/* QUERY_CORES reset_count[@core]: resets of NeuronCore @core alone. */
uint32_t neuron_core_resets(int fd, uint32_t core);

/* RESET with DRM_NEURON_RESET_CORES of @mask: 0 or -errno. */
int neuron_reset_cores(int fd, uint32_t mask);

/*
 * The value, in KiB, of the /proc/meminfo line "@key:", or -1 when there is
 * no such line.  Fails the subtest when /proc/meminfo cannot be opened.
 */
long long neuron_meminfo_kb(const char *key);

/*
 * Shrink every slab cache (/sys/kernel/slab/<cache>/shrink) before reading
 * memory figures: this returns empty slabs and, on a KASAN kernel, frees
 * the objects KASAN's quarantine still holds back, which otherwise look
 * like a leak of up to 1/32 of memory.  Does nothing without that sysfs.
 */
void neuron_slab_shrink(void);

/*
 * qom-set the bool QOM property @prop of /machine/peripheral/neuron<q> to @on
 * through igt_qmp().  Returns igt_qmp()'s result (0, or -1 on a QMP error).
 */
int neuron_set_fault(int q, const char *prop, bool on);

/*
 * Stop the model's queue pair @engine/@queue of the device behind @fd
 * (fault-stall-queue = engine * 16 + queue), or with @engine < 0 let the
 * stalled queue run again (-1).  Skips the subtest when the device has no
 * QOM path or there is no QMP port; fails it when qom-set fails.
 */
void neuron_stall_queue(int fd, int engine, int queue);

/*
 * Read debugfs file @name of the device behind @fd into @buf (NUL
 * terminated).  0, or -errno (-ENOENT also without debugfs).
 */
int neuron_debugfs_read(int fd, const char *name, char *buf, size_t len);

/*
 * The hardware queue the driver picked for user jobs on DMA engine
 * @engine (debugfs "jobs"; the uAPI never names queues).  Skips without
 * debugfs.
 */
int neuron_engine_queue(int fd, int engine);

/*
 * neuron_stall_queue() of the queue the driver runs @engine's user jobs
 * on; @engine < 0 lets it run again.
 */
void neuron_stall_engine(int fd, int engine);

/*
 * Hang NeuronCore @core of @fd's device (model property fault-stall-core):
 * DMA writing into it waits until a reset of the core; -1 ends the hang.
 * Skips without QMP.
 */
void neuron_stall_core(int fd, int core);

/* One allocated DRAM range, as debugfs "dram" lists it. */
struct neuron_dram_range {
	uint32_t channel;
	uint64_t addr, size, mmap_offset;
};

/*
 * Every allocated DRAM range of the device behind @fd (debugfs "dram": the
 * uAPI never says where a BO is), in a malloc()ed array stored in *@out
 * (free() it).  Returns the count; skips without debugfs.
 */
int neuron_dram_ranges(int fd, struct neuron_dram_range **out);

/*
 * The value of "@key: N" in debugfs "jobs" of the device behind @fd, -1
 * when the key is not there; skips without debugfs.
 */
long long neuron_jobs_value(int fd, const char *key);

/*
 * Wait until the device behind @fd has cleared every DRAM range freed so
 * far (debugfs "jobs" dram_dirty_bytes 0); fails after a minute, skips
 * without debugfs.  Freed ranges are handed out again only once cleared.
 */
void neuron_dram_wait_clear(int fd);

/*
 * Where DRAM BO @handle of @fd is: its range, found by the BO's mmap
 * offset in debugfs "dram".  Fails the subtest when it is not listed.
 */
struct neuron_dram_range neuron_bo_dram_range(int fd, uint32_t handle);

/*
 * Reap child @pid (waitpid must return it) and fail the subtest unless it
 * exited normally with status 0.
 */
void neuron_wait_exit_ok(pid_t pid);

/* Number of SIGALRMs delivered since the last neuron_arm_alarm(). */
extern volatile sig_atomic_t neuron_alarms;

/*
 * Install a SIGALRM handler that counts into neuron_alarms (SA_RESTART when
 * @restart), reset the count and arm a one-shot ITIMER_REAL of @ms
 * milliseconds (@ms < 1000).  Fails the subtest if either call fails.
 */
void neuron_arm_alarm(bool restart, int ms);

/* Stop the timer and restore the default SIGALRM disposition. */
void neuron_disarm_alarm(void);

/*
 * Status of the fence in syncobj @handle, through a sync_file: 1 signalled
 * without error, 0 not yet, a negative errno: signalled with that error.
 */
int neuron_syncobj_fence_status(int fd, uint32_t handle);

/* Write @value into /sys/module/neuron/parameters/@name; fail on error. */
void neuron_write_param(const char *name, const char *value);

/* SYNCOBJ_CREATE (binary, unsignalled) / _DESTROY; fail on error. */
uint32_t neuron_syncobj_create(int fd);
void neuron_syncobj_destroy(int fd, uint32_t handle);

/*
 * SYNCOBJ_WAIT for @handle (WAIT_FOR_SUBMIT) for up to 30 s; fail the
 * subtest when it times out or fails.
 */
void neuron_syncobj_wait(int fd, uint32_t handle);

/* A descriptor end in BO @index of the job's (or program's) BO list. */
struct drm_neuron_mem_ref neuron_mem_bo(uint32_t index, uint64_t offset);

/* A descriptor end in @region of NeuronCore @nc. */
struct drm_neuron_mem_ref neuron_mem_core(uint32_t nc, uint32_t region,
					  uint64_t offset);

/* A descriptor copying @size bytes from @src to @dst. */
struct drm_neuron_dma_desc neuron_desc(struct drm_neuron_mem_ref src,
				       struct drm_neuron_mem_ref dst,
				       uint32_t size, uint32_t flags);

/* Semaphore @idx / event @idx of core @nc (DEVICE_STATE); fail on error. */
int32_t neuron_sem_read(int fd, uint32_t nc, uint32_t idx);
uint32_t neuron_event_read(int fd, uint32_t nc, uint32_t idx);

/*
 * The model's counter nc<nc>-fifo-@what ("bytes", "writes") of the device
 * behind @fd, over QMP; skips without QMP.
 */
uint64_t neuron_fifo_counter(int fd, int nc, const char *what);

/* @n pseudo-random bytes from @seed (the same seed gives the same bytes). */
void neuron_fill(uint8_t *p, uint64_t n, uint32_t seed);

#endif /* NEURON_HELPERS_H */
