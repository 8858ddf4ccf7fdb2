// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Kernel jobs that clear DRAM BOs before userspace sees them: a
 * driver-owned zeroed host buffer copied over the range by the DMA engine,
 * on the kernel's scheduler (%NEURON_KERNEL_SCHED).
 */

#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/gpu_scheduler.h>

#include "neuron_drv.h"
#include "neuron_job.h"
#include "neuron_regs.h"
#include "neuron_udma.h"

/* Pairs of one clearing job: as many as the ring takes, 511 MiB. */
#define NEURON_CLEAR_PAIRS	(NEURON_SCHED_CREDITS - 1)

/**
 * struct neuron_clear - the clearing jobs of one DRAM BO
 * @work: after a failure, waits for the jobs still queued, then lets go
 *        of @obj.
 * @ndev: the device (a reference to its DRM device is held by @work).
 * @obj: the BO (referenced by @work).
 * @count: number of @fences.
 * @fences: finished fences of the jobs pushed.
 */
struct neuron_clear {
	struct work_struct work;
	struct neuron_device *ndev;
	struct drm_gem_object *obj;
	u32 count;
	struct dma_fence *fences[] __counted_by(count);
};

static void neuron_clear_release(struct work_struct *work)
{
	struct neuron_clear *clr = container_of(work, struct neuron_clear, work);
	struct drm_device *drm = &clr->ndev->drm;
	u32 i;

	/* Every job fence signals: by completion, timeout, reset or unplug. */
	for (i = 0; i < clr->count; i++) {
		dma_fence_wait(clr->fences[i], false);
		dma_fence_put(clr->fences[i]);
	}
	if (clr->obj)
		drm_gem_object_put(clr->obj);
	kfree(clr);
	drm_dev_put(drm);
}

/* Build one job that writes zeroes to [addr, addr + size) and queue it. */
static int neuron_clear_job_push(struct neuron_sched *ns,
				 struct drm_sched_entity *entity,
				 u64 addr, u64 size, struct dma_fence **done)
{
	struct neuron_jobs *jobs = &ns->ring.ndev->jobs;
	struct neuron_job_file *jf = jobs->kernel_jf;
	u64 src = neuron_host_devaddr(jobs->zero_dma);
	struct neuron_job *job;
	u32 i, count = DIV_ROUND_UP_ULL(size, NEURON_DESC_MAX_LEN);
	bool cookie;
	int ret;

	job = neuron_job_alloc(ns, jf);
	if (!job)
		return -ENOMEM;
	job->pairs = kvmalloc_array(count, sizeof(*job->pairs), GFP_KERNEL);
	if (!job->pairs) {
		ret = -ENOMEM;
		goto err_release;
	}

	for (i = 0; i < count; i++) {
		struct neuron_desc_pair *p = &job->pairs[i];

		p->src = src;
		p->dst = addr + (u64)i * NEURON_DESC_MAX_LEN;
		p->len = min_t(u64, size - (u64)i * NEURON_DESC_MAX_LEN,
			       NEURON_DESC_MAX_LEN);
		p->flags = 0;
		p->pad = 0;
		p->imm = 0;
	}
	job->pair_count = count;

	ret = drm_sched_job_init(&job->base, entity, count + 1, jf, 0);
	if (ret)
		goto err_release;

	mutex_lock(&ns->submit_lock);
	cookie = dma_fence_begin_signalling();
	drm_sched_job_arm(&job->base);
	*done = dma_fence_get(&job->base.s_fence->finished);
	atomic64_inc(&jf->submitted);
	drm_sched_entity_push_job(&job->base);
	dma_fence_end_signalling(cookie);
	mutex_unlock(&ns->submit_lock);
	return 0;

err_release:
	neuron_job_release(job);
	return ret;
}

/**
 * neuron_jobs_clear_dram() - write zeroes over a DRAM BO with the DMA engine
 * @ndev: the device whose DRAM holds the BO
 * @obj: the BO, not yet visible to userspace; NULL for a range no BO
 *       holds (a NeuronCore's state buffer)
 * @addr: device address of the range to clear
 * @size: bytes to clear, a multiple of PAGE_SIZE
 *
 * Queues kernel jobs on the kernel's scheduler (%NEURON_KERNEL_SCHED) that
 * copy a driver-owned zeroed host buffer over the range in 64 KiB
 * descriptors, as many per job as a ring holds, and waits for all of them.
 * The device DRAM is never trusted to be clear already, not even right
 * after a reset.
 *
 * When this fails with jobs still queued (a signal, a timeout), a worker
 * keeps a reference to @obj (if any) until they are all done, so the caller just
 * drops its own: the range goes back to the allocator only once no
 * clearing job can write into it any more. On success nothing is left
 * holding @obj.
 *
 * Return: 0; -ETIMEDOUT when a job timed out (or the wait for it, three
 * job timeouts, expired); -EIO when the device is wedged; -ENXIO when it
 * was reset during the clear or a job failed otherwise; -ENODEV when it is gone;
 * -ERESTARTSYS or -EINTR when interrupted by a signal; -ENOMEM.
 */
int neuron_jobs_clear_dram(struct neuron_device *ndev,
			   struct drm_gem_object *obj, u64 addr, u64 size)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	u64 per_job = (u64)NEURON_CLEAR_PAIRS * NEURON_DESC_MAX_LEN;
	u32 i, n, count = DIV_ROUND_UP_ULL(size, per_job);
	long timeout = msecs_to_jiffies(3 * max(neuron_job_timeout_ms(), 1000u));
	struct drm_sched_entity *entity;
	struct neuron_clear *clr;
	struct neuron_sched *ns;
	ktime_t t0 = ktime_get();
	int ret = 0;

	if (READ_ONCE(ndev->wedged))
		return -EIO;

	ns = neuron_sched_kernel(ndev);
	entity = neuron_job_file_entity(jobs->kernel_jf, ns);
	if (IS_ERR(entity))
		return PTR_ERR(entity);

	/* Allocated up front: the failure path must not need memory. */
	clr = kzalloc(struct_size(clr, fences, count), GFP_KERNEL);
	if (!clr)
		return -ENOMEM;
	clr->count = count;

	for (n = 0; n < count; n++) {
		u64 off = (u64)n * per_job;

		ret = neuron_clear_job_push(ns, entity, addr + off,
					    min(size - off, per_job),
					    &clr->fences[n]);
		if (ret)
			break;
	}
	clr->count = n;

	/* Jobs run in order, but a failed one may precede good ones. */
	for (i = 0; i < n && !ret; i++) {
		struct dma_fence *f = clr->fences[i];
		long t = dma_fence_wait_timeout(f, true, timeout);

		if (t < 0)
			ret = t;
		else if (!t)
			ret = -ETIMEDOUT;
		else if (f->error == -ETIMEDOUT || f->error == -ENODEV)
			ret = f->error;
		else if (f->error)	/* -EIO only says "wedged" */
			ret = READ_ONCE(ndev->wedged) ? -EIO : -ENXIO;
	}

	if (ret && n) {
		/* Some jobs may still write into the range: keep it. */
		drm_dev_get(&ndev->drm);
		if (obj)
			drm_gem_object_get(obj);
		clr->ndev = ndev;
		clr->obj = obj;
		INIT_WORK(&clr->work, neuron_clear_release);
		queue_work(system_unbound_wq, &clr->work);
		return ret;
	}

	for (i = 0; i < n; i++)
		dma_fence_put(clr->fences[i]);
	kfree(clr);

	if (!ret) {
		atomic64_add(size, &jobs->clear_bytes);
		atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), t0)),
			     &jobs->clear_ns);
	}
	return ret;
}
