// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * NeuronCore ownership, semaphores and events.
 *
 * An open file owns NeuronCores exclusively; ownership lasts until the file
 * releases them or is closed (postclose), so a crashed process cannot leave
 * cores reserved. Semaphores and events live in the NeuronCore window of
 * BAR2: they are changed by posted MMIO writes and read back through the
 * firmware (FWIO), as the device is never read by MMIO.
 *
 * cores.lock is held across every check of ownership and the access it
 * allows, so a release and reacquire by another file cannot slip in
 * between. Jobs are different: they run later, so the core remembers the
 * fences of its owner's jobs and the next CORE_ACQUIRE waits for them.
 */

#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_file.h>
#include <drm/drm_managed.h>
#include <drm/neuron_accel.h>

#include "neuron_clear.h"
#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_job.h"
#include "neuron_nq.h"
#include "neuron_regs.h"

static_assert(NEURON_NC_COUNT <= DRM_NEURON_MAX_CORES);

#define NEURON_CORE_MASK	GENMASK(NEURON_NC_COUNT - 1, 0)

/* How long CORE_ACQUIRE waits for the previous owner's jobs. */
#define NEURON_CORE_HANDOVER_MS	1000

int neuron_cores_init(struct neuron_device *ndev)
{
	struct neuron_cores *cores = &ndev->cores;

	init_waitqueue_head(&cores->wq);
	spin_lock_init(&cores->job_lock);
	return drmm_mutex_init(&ndev->drm, &cores->lock);
}

/* Called with cores.lock held after a change waiters must notice. */
void neuron_cores_changed(struct neuron_device *ndev)
{
	lockdep_assert_held(&ndev->cores.lock);

	WRITE_ONCE(ndev->cores.gen, ndev->cores.gen + 1);
	wake_up_all(&ndev->cores.wq);
}

bool neuron_core_owned_by(struct neuron_device *ndev, u32 core,
			  struct neuron_file *nfile)
{
	lockdep_assert_held(&ndev->cores.lock);

	return core < NEURON_NC_COUNT && ndev->cores.core[core].owner == nfile;
}

/**
 * neuron_core_file_owns() - whether a file owns a NeuronCore
 * @ndev: the device
 * @core: NeuronCore, may be out of range (then false)
 * @nfile: the file
 *
 * For the ioctls that act on a NeuronCore (also as steps of a job).
 *
 * Return: true when @nfile owns @core at the time of the call.
 */
bool neuron_core_file_owns(struct neuron_device *ndev, u32 core,
			   struct neuron_file *nfile)
{
	bool owned;

	mutex_lock(&ndev->cores.lock);
	owned = neuron_core_owned_by(ndev, core, nfile);
	mutex_unlock(&ndev->cores.lock);

	return owned;
}

/**
 * neuron_cores_owned_since() - whether a file still holds the ownership of
 * NeuronCores it had at some point
 * @ndev: the device
 * @nfile: the file
 * @mask: the cores
 * @acquired: per core, &neuron_core.acquired at that point
 * @record: fill @acquired with the current values instead of comparing
 *
 * Return: true when @nfile owns every core of @mask and (unless @record)
 * has not released any of them since @acquired was recorded.
 */
bool neuron_cores_owned_since(struct neuron_device *ndev,
			      const struct neuron_file *nfile, u32 mask,
			      u32 *acquired, bool record)
{
	unsigned long bits = mask;
	bool owned = true;
	u32 core;

	mutex_lock(&ndev->cores.lock);
	for_each_set_bit(core, &bits, NEURON_NC_COUNT) {
		struct neuron_core *nc = &ndev->cores.core[core];

		if (nc->owner != nfile) {
			owned = false;
			break;
		}
		if (record)
			acquired[core] = nc->acquired;
		else if (acquired[core] != nc->acquired)
			owned = false;
	}
	mutex_unlock(&ndev->cores.lock);
	return owned;
}

/*
 * Ends ownership; the core's queues move to @dead, to be freed once the
 * lock is dropped.
 */
static void neuron_core_release_locked(struct neuron_device *ndev, u32 core,
				       struct list_head *dead)
{
	struct neuron_core *nc = &ndev->cores.core[core];

	neuron_nq_detach_core(ndev, core, dead);
	put_pid(nc->owner_pid);
	nc->owner_pid = NULL;
	nc->last_owner = nc->owner;
	nc->owner = NULL;
}

/**
 * neuron_cores_job_begin() - a job of a file is about to be armed
 * @ndev: the device
 * @nfile: the submitting file
 * @writes: mask of the cores whose window (semaphores, events, state
 *          buffer, instruction FIFO) the job reads or writes
 * @sb_writes: mask of the cores whose state buffer the job writes
 * @revoked: out: the job must not run
 *
 * A job may use the windows of the cores its file owns (checked when it
 * was submitted), so it holds each of them, also a core the file
 * released meanwhile and nobody acquired since, until it is done; the
 * next CORE_ACQUIRE of such a core waits for it. This reserves those
 * cores, under the cores' mutex, before the job is armed: CORE_ACQUIRE
 * also waits for reservations, and neuron_cores_job_end() turns them into
 * counts without sleeping or allocating, as the time between
 * drm_sched_job_arm() and the push requires.
 *
 * A core of @writes that changed hands since SUBMIT checked ownership
 * (another thread of the file released it, another file acquired it) has
 * been cleared without waiting for this job, so the job must not run:
 * then *@revoked is set and nothing is reserved.
 *
 * Otherwise the cores of @sb_writes are marked: their next CORE_ACQUIRE
 * clears the state buffer (after this job, which it waits for).
 *
 * Return: the mask of reserved cores, for neuron_cores_job_end().
 */
u32 neuron_cores_job_begin(struct neuron_device *ndev,
			   const struct neuron_file *nfile, u32 writes,
			   u32 sb_writes, bool *revoked)
{
	struct neuron_core *nc;
	u32 core, mask = 0;

	*revoked = false;
	mutex_lock(&ndev->cores.lock);
	for (core = 0; core < NEURON_NC_COUNT; core++) {
		nc = &ndev->cores.core[core];
		if (nc->owner != nfile &&
		    (nc->owner || nc->last_owner != nfile)) {
			if (writes & BIT(core)) {
				*revoked = true;
				mask = 0;
				break;
			}
			continue;
		}
		mask |= BIT(core);
	}
	for (core = 0; core < NEURON_NC_COUNT; core++) {
		if (!(mask & BIT(core)))
			continue;
		nc = &ndev->cores.core[core];
		nc->submitting++;
		if (sb_writes & BIT(core))
			nc->sb_dirty = true;
	}
	mutex_unlock(&ndev->cores.lock);
	return mask;
}

/* The job's finished fence signalled: it no longer holds its cores. */
static void neuron_cores_job_done(struct dma_fence *fence,
				  struct dma_fence_cb *cb)
{
	struct neuron_cores_hold *hold = container_of(cb, struct neuron_cores_hold, cb);
	struct neuron_cores *nc_all = &hold->ndev->cores;
	unsigned long flags, mask = hold->cores;
	bool wake = false;
	u32 core;

	spin_lock_irqsave(&nc_all->job_lock, flags);
	for_each_set_bit(core, &mask, NEURON_NC_COUNT)
		wake |= !--nc_all->core[core].jobs;
	spin_unlock_irqrestore(&nc_all->job_lock, flags);
	if (wake)
		wake_up_all(&nc_all->wq);
	kfree(hold);
}

/**
 * neuron_cores_job_end() - record an armed job on the cores it reserved
 * @ndev: the device
 * @cores: the mask neuron_cores_job_begin() returned
 * @hold: allocated before the arm; taken over (freed when done)
 * @fence: the job's finished fence
 *
 * Called between drm_sched_job_arm() and the push: takes a spinlock only,
 * and adds a callback to @fence (a list insertion). The job counts on each
 * core until @fence signals, whatever stream (context) and engine it was
 * submitted on: jobs of different contexts need not complete in the order
 * they were armed.
 */
void neuron_cores_job_end(struct neuron_device *ndev, u32 cores,
			  struct neuron_cores_hold *hold,
			  struct dma_fence *fence)
{
	struct neuron_cores *nc_all = &ndev->cores;
	unsigned long flags;
	bool wake = false;
	u32 core;

	if (!cores) {
		kfree(hold);
		return;
	}
	spin_lock_irqsave(&nc_all->job_lock, flags);
	for (core = 0; core < NEURON_NC_COUNT; core++) {
		struct neuron_core *nc = &nc_all->core[core];

		if (!(cores & BIT(core)))
			continue;
		nc->jobs++;
		wake |= !--nc->submitting;
	}
	spin_unlock_irqrestore(&nc_all->job_lock, flags);
	hold->ndev = ndev;
	hold->cores = cores;
	if (dma_fence_add_callback(fence, &hold->cb, neuron_cores_job_done))
		neuron_cores_job_done(fence, &hold->cb);
	if (wake)
		wake_up_all(&nc_all->wq);
}

/*
 * A core changes hands clean: no semaphore value or event of the previous
 * owner leaks to the next one or confuses it. The core has no queue now,
 * so clearing the events posts no notification.
 */
static void neuron_core_clear(struct neuron_device *ndev, u32 core)
{
	u32 i;

	for (i = 0; i < NEURON_SEMAPHORES_PER_NC; i++)
		neuron_tpb_write(ndev, NEURON_NC_SEM_SET(core, i), 0);
	for (i = 0; i < NEURON_EVENTS_PER_NC; i++)
		neuron_tpb_write(ndev, NEURON_NC_EVENT(core, i), 0);
}

/*
 * A core's state buffer is its owner's memory: zero by DMA that of a core
 * of @mask nobody owns that a job may have written since the last clear.
 * Called with cores.lock held, after the previous owner's jobs are done;
 * drops it for the clear (its fence must not be waited for under a lock
 * that a reset takes), marking the core so that nobody takes it meanwhile,
 * and takes it again. The caller looks at everything again then.
 *
 * Return: 1 if it cleared one (cores.lock was dropped), 0 if none needed
 * it, or the clear's error.
 */
static int neuron_cores_clear_state_buf(struct neuron_device *ndev,
					unsigned long mask)
{
	struct neuron_core *nc;
	unsigned int core;
	int ret;

	for_each_set_bit(core, &mask, NEURON_NC_COUNT) {
		nc = &ndev->cores.core[core];
		if (nc->owner || !nc->sb_dirty)
			continue;
		/* A job that begins meanwhile marks it again. */
		nc->sb_dirty = false;
		nc->sb_clearing = true;
		mutex_unlock(&ndev->cores.lock);
		ret = neuron_jobs_clear_dram(ndev,
					     NEURON_TPB_ADDR(NEURON_NC_STATE_BUF(core)),
					     NEURON_NC_STATE_BUF_SIZE);
		mutex_lock(&ndev->cores.lock);
		nc->sb_clearing = false;
		if (ret)
			nc->sb_dirty = true;
		neuron_cores_changed(ndev);
		return ret ? ret : 1;
	}
	return 0;
}

/* Jobs holding the core: queued or running, they may still use its window. */
static unsigned int neuron_core_jobs(struct neuron_device *ndev,
				     struct neuron_core *nc)
{
	unsigned long flags;
	unsigned int jobs;

	spin_lock_irqsave(&ndev->cores.job_lock, flags);
	jobs = nc->jobs;
	spin_unlock_irqrestore(&ndev->cores.job_lock, flags);
	return jobs;
}

int neuron_ioctl_core_acquire(struct drm_device *dev, void *data,
			      struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_core_acquire *args = data;
	unsigned long deadline = jiffies + msecs_to_jiffies(NEURON_CORE_HANDOVER_MS);
	unsigned long mask = args->core_mask;
	struct neuron_core *nc;
	unsigned int core;
	int idx, ret = 0;
	long left;

	if (args->flags || args->pad || !mask || (mask & ~NEURON_CORE_MASK))
		return -EINVAL;

again:
	mutex_lock(&ndev->cores.lock);

	for_each_set_bit(core, &mask, NEURON_NC_COUNT) {
		nc = &ndev->cores.core[core];
		if (nc->owner && nc->owner != nfile) {
			ret = -EBUSY;
			goto out_unlock;
		}
	}

	/*
	 * A job of the previous owner may still be queued or running and
	 * write the core: wait for it (bounded) before the core is cleared
	 * and handed over, then look again, as anything may have changed.
	 */
	for_each_set_bit(core, &mask, NEURON_NC_COUNT) {
		nc = &ndev->cores.core[core];
		/* Another CORE_ACQUIRE clears its state buffer. */
		if (!nc->owner && nc->sb_clearing) {
			mutex_unlock(&ndev->cores.lock);
			left = (long)(deadline - jiffies);
			left = left > 0 ? wait_event_interruptible_timeout(ndev->cores.wq,
					!READ_ONCE(nc->sb_clearing), left) : 0;
			if (left < 0)
				return left;
			if (!left)
				return -ETIMEDOUT;
			goto again;
		}
		/* A SUBMIT of the previous owner between arm and push. */
		if (nc->owner != nfile && nc->submitting) {
			mutex_unlock(&ndev->cores.lock);
			left = (long)(deadline - jiffies);
			left = left > 0 ? wait_event_interruptible_timeout(ndev->cores.wq,
					!READ_ONCE(nc->submitting), left) : 0;
			if (left < 0)
				return left;
			/* The previous owner's job, as below. */
			if (!left)
				return -ETIMEDOUT;
			goto again;
		}
		/* The previous owner's jobs; the caller's own are no obstacle. */
		if (nc->owner == nfile || !neuron_core_jobs(ndev, nc))
			continue;
		mutex_unlock(&ndev->cores.lock);

		left = (long)(deadline - jiffies);
		left = left > 0 ? wait_event_interruptible_timeout(ndev->cores.wq,
				!neuron_core_jobs(ndev, nc), left) : 0;
		if (left < 0)
			return left;
		/* Not -EBUSY: that says another file owns the core. */
		if (!left)
			return -ETIMEDOUT;
		goto again;
	}

	ret = neuron_cores_clear_state_buf(ndev, mask);
	if (ret) {
		mutex_unlock(&ndev->cores.lock);
		if (ret < 0)
			return ret;
		goto again;
	}

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		goto out_unlock;

	for_each_set_bit(core, &mask, NEURON_NC_COUNT) {
		nc = &ndev->cores.core[core];
		if (nc->owner)
			continue;
		neuron_core_clear(ndev, core);
		nc->acquired++;
		nc->owner = nfile;
		nc->owner_pid = get_pid(task_tgid(current));
		nc->last_owner = NULL;
	}

	neuron_hw_end(ndev, idx);

out_unlock:
	mutex_unlock(&ndev->cores.lock);
	return ret;
}

int neuron_ioctl_core_release(struct drm_device *dev, void *data,
			      struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_core_acquire *args = data;
	unsigned long mask = args->core_mask;
	unsigned int core;
	LIST_HEAD(dead);
	int ret = 0;

	if (args->flags || args->pad || !mask || (mask & ~NEURON_CORE_MASK))
		return -EINVAL;

	mutex_lock(&ndev->cores.lock);

	for_each_set_bit(core, &mask, NEURON_NC_COUNT) {
		if (!neuron_core_owned_by(ndev, core, nfile)) {
			ret = -EACCES;
			goto out_unlock;
		}
	}

	for_each_set_bit(core, &mask, NEURON_NC_COUNT)
		neuron_core_release_locked(ndev, core, &dead);
	neuron_cores_changed(ndev);

out_unlock:
	mutex_unlock(&ndev->cores.lock);
	neuron_nq_free_list(ndev, &dead);
	return ret;
}

/**
 * neuron_cores_file_close() - release everything a closing file owns
 * @ndev: the device
 * @nfile: the file, from postclose
 *
 * Runs on every close, including the one the kernel does for a process
 * that died.
 */
void neuron_cores_file_close(struct neuron_device *ndev,
			     struct neuron_file *nfile)
{
	bool changed = false;
	LIST_HEAD(dead);
	u32 core;

	mutex_lock(&ndev->cores.lock);
	for (core = 0; core < NEURON_NC_COUNT; core++) {
		if (ndev->cores.core[core].owner != nfile)
			continue;
		neuron_core_release_locked(ndev, core, &dead);
		changed = true;
	}
	if (changed)
		neuron_cores_changed(ndev);
	mutex_unlock(&ndev->cores.lock);

	neuron_nq_free_list(ndev, &dead);
}

void neuron_cores_query(struct neuron_device *ndev, struct neuron_file *nfile,
			struct drm_neuron_query_cores *q)
{
	u32 core;

	q->core_count = NEURON_NC_COUNT;

	mutex_lock(&ndev->cores.lock);
	for (core = 0; core < NEURON_NC_COUNT; core++) {
		struct neuron_core *nc = &ndev->cores.core[core];

		q->reset_count[core] = nc->resets;
		if (!nc->owner)
			continue;
		q->cores[core].flags = DRM_NEURON_CORE_OWNER_OWNED;
		if (nc->owner == nfile)
			q->cores[core].flags |= DRM_NEURON_CORE_OWNER_CALLER;
		q->cores[core].pid = pid_vnr(nc->owner_pid);
	}
	mutex_unlock(&ndev->cores.lock);
}

/**
 * neuron_sem_read() - read a semaphore through the firmware
 * @ndev: the device, inside neuron_hw_begin()
 * @core: NeuronCore, checked by the caller
 * @index: semaphore, checked by the caller
 * @val: the value read
 *
 * Return: 0 or a negative errno (-ENXIO for a firmware error).
 */
int neuron_sem_read(struct neuron_device *ndev, u32 core, u32 index, s32 *val)
{
	u32 v;
	int ret;

	ret = neuron_fwio_read32(ndev, NEURON_TPB_ADDR(NEURON_NC_SEM_READ(core, index)),
				 &v);
	if (ret)
		return ret;

	*val = (s32)v;
	return 0;
}

/*
 * Begin an access to a core's semaphores or events on behalf of @file: the
 * core must be the file's, and stays so (the ownership lock is held) until
 * neuron_core_access_end().
 */
static int neuron_core_access_begin(struct neuron_device *ndev, u32 core,
				    struct drm_file *file, int *idx)
{
	int ret;

	mutex_lock(&ndev->cores.lock);
	if (!neuron_core_owned_by(ndev, core, file->driver_priv))
		ret = -EACCES;
	else
		ret = neuron_hw_begin(ndev, idx);
	if (ret)
		mutex_unlock(&ndev->cores.lock);
	return ret;
}

static void neuron_core_access_end(struct neuron_device *ndev, int idx)
{
	neuron_hw_end(ndev, idx);
	mutex_unlock(&ndev->cores.lock);
}

int neuron_ioctl_sem_op(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_sem_op *args = data;
	u32 core = args->core, i = args->index;
	int idx, ret;

	if (args->flags || args->pad || core >= NEURON_NC_COUNT ||
	    i >= NEURON_SEMAPHORES_PER_NC || args->op > DRM_NEURON_SEM_DECR)
		return -EINVAL;

	ret = neuron_core_access_begin(ndev, core, file, &idx);
	if (ret)
		return ret;

	switch (args->op) {
	case DRM_NEURON_SEM_READ:
		ret = neuron_sem_read(ndev, core, i, &args->value);
		break;
	case DRM_NEURON_SEM_SET:
		neuron_tpb_write(ndev, NEURON_NC_SEM_SET(core, i), args->value);
		break;
	case DRM_NEURON_SEM_INCR:
		neuron_tpb_write(ndev, NEURON_NC_SEM_INC(core, i), args->value);
		break;
	case DRM_NEURON_SEM_DECR:
		neuron_tpb_write(ndev, NEURON_NC_SEM_DEC(core, i), args->value);
		break;
	}

	neuron_core_access_end(ndev, idx);
	return ret;
}

int neuron_ioctl_event_op(struct drm_device *dev, void *data,
			  struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_event_op *args = data;
	u32 core = args->core, i = args->index;
	u32 addr = NEURON_NC_EVENT(core, i);
	int idx, ret;

	if (args->flags || args->pad || core >= NEURON_NC_COUNT ||
	    i >= NEURON_EVENTS_PER_NC || args->op > DRM_NEURON_EVENT_CLEAR ||
	    (args->op != DRM_NEURON_EVENT_READ && args->value))
		return -EINVAL;

	ret = neuron_core_access_begin(ndev, core, file, &idx);
	if (ret)
		return ret;

	switch (args->op) {
	case DRM_NEURON_EVENT_READ:
		ret = neuron_fwio_read32(ndev, NEURON_TPB_ADDR(addr), &args->value);
		args->value = !!args->value;
		break;
	case DRM_NEURON_EVENT_SET:
		neuron_tpb_write(ndev, addr, 1);
		break;
	case DRM_NEURON_EVENT_CLEAR:
		neuron_tpb_write(ndev, addr, 0);
		break;
	}

	neuron_core_access_end(ndev, idx);
	return ret;
}
