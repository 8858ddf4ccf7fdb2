/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_CORE_H__
#define __NEURON_CORE_H__

#include <linux/dma-fence.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "neuron_regs.h"

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct dma_fence;
struct drm_neuron_query_cores;
struct neuron_device;
struct neuron_file;
struct pid;
struct workqueue_struct;

/* Notification queue slots of one NeuronCore: type * 4 + engine index. */
#define NEURON_NQ_TYPES		4
#define NEURON_NQ_ENGINES	4
#define NEURON_NQ_SLOTS		(NEURON_NQ_TYPES * NEURON_NQ_ENGINES)

/**
 * struct neuron_nq - one notification queue set up by userspace
 * @bo: the host BO holding the ring; a reference is held.
 * @map: kernel mapping of @bo, to look for new entries when waiting.
 * @devaddr: device address of the ring (host bus address | bit 46).
 * @size: ring size in bytes (a power of two).
 * @head: byte offset of the oldest entry not handed back to the device.
 * @phase: phase bit of a new entry at @head.
 * @link: entry in a list of queues being torn down.
 */
struct neuron_nq {
	struct drm_gem_object *bo;
	struct iosys_map map;
	u64 devaddr;
	u32 size;
	u32 head;
	u32 phase;
	struct list_head link;
};

/**
 * struct neuron_core - ownership and queues of one NeuronCore
 * @owner: file owning the core, or NULL.
 * @owner_pid: thread group of the process that acquired it.
 * @nq: notification queues, indexed by neuron_nq_slot().
 * @last_owner: file that owned the core last; only compared, never
 *              dereferenced (the file may be gone).
 * @jobs: jobs armed while @owner (or, until the core is acquired again,
 *        @last_owner) owned the core whose finished fence has not
 *        signalled; CORE_ACQUIRE waits for them to be done before it
 *        clears the core, so no queued job of a previous owner writes the
 *        core of the next one. Under &neuron_cores.job_lock.
 * @submitting: SUBMITs between neuron_cores_job_begin() and
 *              neuron_cores_job_end() for this core (under @lock to
 *              increment, &neuron_cores.job_lock to decrement).
 * @sb_dirty: a job may have written the state buffer since CORE_ACQUIRE
 *            last cleared it (under &neuron_cores.lock).
 * @sb_clearing: a CORE_ACQUIRE clears the state buffer; nobody takes the
 *               core meanwhile (under &neuron_cores.lock).
 * @acquired: number of times the core was acquired (under
 *            &neuron_cores.lock): tells an ownership from a later one,
 *            for what was asked or created under it (a NeuronCore reset
 *            request, a program, a context).
 * @resets: NeuronCore resets of this core since probe, device resets not
 *          counted (under &neuron_cores.lock).
 */
struct neuron_core {
	struct neuron_file *owner;
	struct pid *owner_pid;
	struct neuron_nq *nq[NEURON_NQ_SLOTS];
	const struct neuron_file *last_owner;
	unsigned int jobs;
	unsigned int submitting;
	bool sb_dirty;
	bool sb_clearing;
	u32 acquired;
	u32 resets;
};

/**
 * struct neuron_cores - NeuronCore state of a device
 * @lock: protects @core and the queues hanging off it.
 * @job_lock: protects &neuron_core.jobs; a spinlock, taken between
 *            drm_sched_job_arm() and the push and in fence callbacks.
 * @wq: woken when ownership or a queue changes, so waiters re-check.
 * @gen: bumped with every such change.
 * @core: per NeuronCore.
 */
struct neuron_cores {
	struct mutex lock; /* ownership and NQ state */
	spinlock_t job_lock; /* jobs, submitting decrements */
	wait_queue_head_t wq;
	unsigned int gen;
	struct neuron_core core[NEURON_NC_COUNT];
};

/**
 * struct neuron_cores_hold - a job's count on the NeuronCores it may use
 * @cb: on the job's finished fence; drops the counts.
 * @ndev: the device.
 * @cores: the cores, bit n for NeuronCore n.
 *
 * Allocated before the job is armed and freed by the callback: not part
 * of the job, which the scheduler may free as soon as the fence reads as
 * signalled, while it still runs its callbacks.
 */
struct neuron_cores_hold {
	struct dma_fence_cb cb;
	struct neuron_device *ndev;
	u32 cores;
};

int neuron_cores_init(struct neuron_device *ndev);
void neuron_cores_file_close(struct neuron_device *ndev,
			     struct neuron_file *nfile);
void neuron_cores_changed(struct neuron_device *ndev);
bool neuron_core_owned_by(struct neuron_device *ndev, u32 core,
			  struct neuron_file *nfile);
bool neuron_cores_owned_since(struct neuron_device *ndev,
			      const struct neuron_file *nfile, u32 mask,
			      u32 *acquired, bool record);
bool neuron_core_file_owns(struct neuron_device *ndev, u32 core,
			   struct neuron_file *nfile);
u32 neuron_cores_job_begin(struct neuron_device *ndev,
			   const struct neuron_file *nfile, u32 writes,
			   u32 sb_writes, bool *revoked);
void neuron_cores_job_end(struct neuron_device *ndev, u32 cores,
			  struct neuron_cores_hold *hold,
			  struct dma_fence *fence);
void neuron_cores_query(struct neuron_device *ndev, struct neuron_file *nfile,
			struct drm_neuron_query_cores *q);

int neuron_ioctl_core_acquire(struct drm_device *dev, void *data,
			      struct drm_file *file);
int neuron_ioctl_core_release(struct drm_device *dev, void *data,
			      struct drm_file *file);
int neuron_ioctl_sem_op(struct drm_device *dev, void *data,
			struct drm_file *file);
int neuron_ioctl_event_op(struct drm_device *dev, void *data,
			  struct drm_file *file);

int neuron_sem_read(struct neuron_device *ndev, u32 core, u32 index, s32 *val);

#endif /* __NEURON_CORE_H__ */
