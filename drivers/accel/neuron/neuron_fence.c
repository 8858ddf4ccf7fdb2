// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Fences that leave the driver.
 *
 * A fence given to user space (syncobj, sync_file) or to other drivers
 * (the dma_resv of a BO that may be exported) may outlive the device that
 * signals it and the module whose code implements it. So no such fence
 * points into per-device memory, and each keeps the module loaded:
 *
 * - The scheduler's fences name their timeline through their scheduler
 *   (on 6.12, sync_file reads &drm_gpu_scheduler.name even once they are
 *   signalled), and the hardware fences' names come from their queue:
 *   neither ever leaves the driver. A job's fence outside the
 *   driver is a "done fence" instead: its lock is its own, its names are
 *   static strings, and it holds the scheduler's finished fence only until
 *   that signals, then copies the error and signals itself.
 * - Every fence with the driver's &dma_fence_ops (done fences, semaphore
 *   fences) holds a reference on the module, dropped after an RCU grace
 *   period once the fence is freed: dma_fence_release() calls into those
 *   ops, so the module cannot be unloaded while one exists (rmmod fails
 *   with EBUSY/EAGAIN until the last sync_file or syncobj holding one is
 *   closed). The module's exit waits for the last such RCU callback.
 *
 * Inside the driver a job waiting on a done fence of the same device waits
 * on the finished fence behind it, so the scheduler still pipelines jobs of
 * one queue.
 */

#include <linux/dma-fence.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <drm/drm_device.h>

#include "neuron_drv.h"
#include "neuron_fence.h"

/**
 * struct neuron_done_fence - a job's fence as seen outside the driver
 * @base: the fence; context and seqno of the finished fence it follows.
 * @lock: the fence's lock; also protects @finished.
 * @cb: callback on @finished.
 * @finished: the scheduler's finished fence, referenced until it signals.
 * @drm: the device of @finished; compared only, never dereferenced.
 */
struct neuron_done_fence {
	struct dma_fence base;
	spinlock_t lock; /* base, finished */
	struct dma_fence_cb cb;
	struct dma_fence *finished;
	const struct drm_device *drm;
};

/**
 * neuron_fence_pin_module() - a fence with the driver's ops was created
 *
 * Called from an ioctl, with the module pinned by the open file.
 */
void neuron_fence_pin_module(void)
{
	__module_get(THIS_MODULE);
}

/* Frees the object and lets the module go; runs with BH disabled. */
static void neuron_fence_rcu_free(struct rcu_head *rcu)
{
	struct dma_fence *fence = container_of(rcu, struct dma_fence, rcu);

	kfree(fence);
	module_put(THIS_MODULE);
}

/**
 * neuron_fence_free_rcu() - &dma_fence_ops.release of the driver's fences
 * @fence: the fence, at offset 0 of its kmalloc()ed object
 * @obj: that object (checked only)
 *
 * Frees the fence after an RCU grace period (readers of signalled fences
 * may still look at it) and drops the module reference of
 * neuron_fence_pin_module(). neuron_exit() waits for these callbacks.
 */
void neuron_fence_free_rcu(struct dma_fence *fence, void *obj)
{
	WARN_ON_ONCE((void *)fence != obj);
	call_rcu(&fence->rcu, neuron_fence_rcu_free);
}

static const char *neuron_done_fence_timeline_name(struct dma_fence *fence)
{
	return "job";
}

static void neuron_done_fence_release(struct dma_fence *fence)
{
	struct neuron_done_fence *df = container_of(fence, typeof(*df), base);

	/* Signalling drops @finished; a fence never signalled still holds it. */
	dma_fence_put(df->finished);
	neuron_fence_free_rcu(fence, df);
}

static const struct dma_fence_ops neuron_done_fence_ops = {
	.get_driver_name = neuron_fence_driver_name,
	.get_timeline_name = neuron_done_fence_timeline_name,
	.release = neuron_done_fence_release,
};

/* @finished signalled: so does the done fence. */
static void neuron_done_fence_cb(struct dma_fence *finished,
				 struct dma_fence_cb *cb)
{
	struct neuron_done_fence *df = container_of(cb, typeof(*df), cb);
	unsigned long flags;

	spin_lock_irqsave(&df->lock, flags);
	/* The signaller holds its own reference: this is never the last. */
	dma_fence_put(df->finished);
	df->finished = NULL;
	if (finished->error)
		dma_fence_set_error(&df->base, finished->error);
	dma_fence_signal_locked(&df->base);
	spin_unlock_irqrestore(&df->lock, flags);
	/* The callback's reference. */
	dma_fence_put(&df->base);
}

/**
 * neuron_done_fence_alloc() - allocate a done fence before a job is armed
 *
 * Return: the fence, to be passed to neuron_done_fence_attach() or
 * neuron_done_fence_free(); NULL when out of memory.
 */
struct neuron_done_fence *neuron_done_fence_alloc(void)
{
	return kzalloc_obj(struct neuron_done_fence);
}

/**
 * neuron_done_fence_free() - free a done fence never attached
 * @df: the fence, or NULL
 */
void neuron_done_fence_free(struct neuron_done_fence *df)
{
	kfree(df);
}

/**
 * neuron_done_fence_attach() - make @df follow an armed job's fence
 * @df: from neuron_done_fence_alloc()
 * @drm: the job's device
 * @finished: the job's finished fence, not signalled yet
 *
 * Allocates nothing: callable between drm_sched_job_arm() and
 * drm_sched_entity_push_job().
 *
 * Return: the done fence, with one reference for the caller.
 */
struct dma_fence *neuron_done_fence_attach(struct neuron_done_fence *df,
					   struct drm_device *drm,
					   struct dma_fence *finished)
{
	spin_lock_init(&df->lock);
	dma_fence_init(&df->base, &neuron_done_fence_ops, &df->lock,
		       finished->context, finished->seqno);
	neuron_fence_pin_module();
	df->drm = drm;
	df->finished = dma_fence_get(finished);
	/* The callback's reference. */
	dma_fence_get(&df->base);
	if (dma_fence_add_callback(finished, &df->cb, neuron_done_fence_cb))
		neuron_done_fence_cb(finished, &df->cb);
	return &df->base;
}

/**
 * neuron_fence_unwrap() - what a job of @drm should wait on for @fence
 * @fence: a fence, referenced; the reference is consumed
 * @drm: the waiting job's device
 *
 * Return: for a done fence of @drm not signalled yet, the finished fence
 * behind it (the scheduler then only waits for it to be scheduled when it
 * is on the same queue); else @fence. Referenced either way.
 */
struct dma_fence *neuron_fence_unwrap(struct dma_fence *fence,
				      struct drm_device *drm)
{
	struct neuron_done_fence *df;
	struct dma_fence *inner = NULL;
	unsigned long flags;

	/* Only the value is compared (&dma_fence.ops is __rcu on 7.x). */
	if ((const void __force *)fence->ops != &neuron_done_fence_ops)
		return fence;
	df = container_of(fence, typeof(*df), base);
	if (df->drm != drm)
		return fence;
	spin_lock_irqsave(&df->lock, flags);
	if (df->finished)
		inner = dma_fence_get(df->finished);
	spin_unlock_irqrestore(&df->lock, flags);
	if (!inner)
		return fence;
	dma_fence_put(fence);
	return inner;
}
