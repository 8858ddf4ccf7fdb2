// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Kernel jobs that write zeroes over device DRAM: a driver-owned zeroed
 * host buffer copied over each range by the DMA engine, on the kernel's
 * scheduler (%NEURON_KERNEL_SCHED). The DRAM allocator clears freed ranges
 * with them (neuron_dram.c), NeuronCore handover the cores' state buffers.
 */

#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/gpu_scheduler.h>

#include "neuron_clear.h"
#include "neuron_drv.h"
#include "neuron_job.h"
#include "neuron_regs.h"
#include "neuron_udma.h"

/* Pairs of one clearing job: as many as the ring takes, 511 MiB. */
#define NEURON_CLEAR_PAIRS	(NEURON_SCHED_CREDITS - 1)

/**
 * struct neuron_clear - the clearing jobs of one batch of ranges
 * @ndev: the device.
 * @bytes: bytes the jobs clear.
 * @start: when the first job was queued.
 * @error: why fewer jobs than needed were queued, or 0.
 * @count: number of @fences.
 * @fences: finished fences of the jobs queued, in ring order.
 */
struct neuron_clear {
	struct neuron_device *ndev;
	u64 bytes;
	ktime_t start;
	int error;
	u32 count;
	struct dma_fence *fences[] __counted_by(count);
};

/* Where the next descriptor of a batch starts. */
struct neuron_clear_cursor {
	const struct neuron_clear_range *range;
	u64 offset;
};

/* Pairs needed for @count ranges: one per 64 KiB or part of it. */
static u64 neuron_clear_pair_count(const struct neuron_clear_range *ranges,
				   u32 count)
{
	u64 pairs = 0;
	u32 i;

	for (i = 0; i < count; i++)
		pairs += DIV_ROUND_UP_ULL(ranges[i].size, NEURON_DESC_MAX_LEN);
	return pairs;
}

/* Build one job of @count descriptors from @cur and queue it. */
static int neuron_clear_job_push(struct neuron_sched *ns,
				 struct drm_sched_entity *entity,
				 struct neuron_clear_cursor *cur, u32 count,
				 struct dma_fence **done)
{
	struct neuron_jobs *jobs = &ns->ring.ndev->jobs;
	struct neuron_job_file *jf = jobs->kernel_jf;
	u64 src = neuron_host_devaddr(jobs->zero_dma);
	struct neuron_job *job;
	bool cookie;
	u32 i;
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
		const struct neuron_clear_range *r = cur->range;
		u32 len = min_t(u64, r->size - cur->offset, NEURON_DESC_MAX_LEN);

		job->pairs[i] = (struct neuron_desc_pair) {
			.src = src,
			.dst = r->addr + cur->offset,
			.len = len,
		};
		cur->offset += len;
		if (cur->offset == r->size) {
			cur->range++;
			cur->offset = 0;
		}
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
 * neuron_clear_start() - queue kernel jobs writing zeroes over DRAM ranges
 * @ndev: the device whose DRAM holds the ranges
 * @ranges: the ranges, each a non-zero multiple of PAGE_SIZE
 * @count: number of @ranges, at least 1
 *
 * The jobs copy a 64 KiB zeroed host buffer over the ranges, one
 * descriptor per 64 KiB, as many descriptors per job as a ring holds. They
 * run in order on the kernel's scheduler. @ranges is not needed any more
 * when this returns.
 *
 * Return: the batch, to be waited for with neuron_clear_wait() and given
 * back with neuron_clear_free(); when only some of the jobs could be
 * queued, neuron_clear_wait() reports why. ERR_PTR(-EIO) when the device
 * is wedged, ERR_PTR(-ENOMEM) or the scheduler's error when no job could
 * be queued.
 */
struct neuron_clear *neuron_clear_start(struct neuron_device *ndev,
					const struct neuron_clear_range *ranges,
					u32 count)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	u64 pairs = neuron_clear_pair_count(ranges, count);
	u32 n, njobs = DIV_ROUND_UP_ULL(pairs, NEURON_CLEAR_PAIRS);
	struct neuron_clear_cursor cur = { .range = ranges };
	struct drm_sched_entity *entity;
	struct neuron_clear *clr;
	struct neuron_sched *ns;
	int ret = 0;
	u32 i;

	if (READ_ONCE(ndev->wedged))
		return ERR_PTR(-EIO);

	ns = neuron_sched_kernel(ndev);
	entity = neuron_job_file_entity(jobs->kernel_jf, ns);
	if (IS_ERR(entity))
		return ERR_CAST(entity);

	clr = kzalloc(struct_size(clr, fences, njobs), GFP_KERNEL);
	if (!clr)
		return ERR_PTR(-ENOMEM);
	clr->count = njobs;
	clr->ndev = ndev;
	clr->start = ktime_get();
	for (i = 0; i < count; i++)
		clr->bytes += ranges[i].size;

	for (n = 0; n < njobs; n++) {
		u32 this = min_t(u64, pairs - (u64)n * NEURON_CLEAR_PAIRS,
				 NEURON_CLEAR_PAIRS);

		ret = neuron_clear_job_push(ns, entity, &cur, this,
					    &clr->fences[n]);
		if (ret)
			break;
	}
	clr->count = n;
	if (!n) {
		kfree(clr);
		return ERR_PTR(ret);
	}
	clr->error = ret;
	return clr;
}

/**
 * neuron_clear_wait() - wait for the jobs of a batch
 * @clr: the batch, from neuron_clear_start()
 * @intr: whether a signal interrupts the wait
 * @timeout: longest wait for each job, in jiffies
 *
 * Return: 0 when every job wrote its zeroes; -ETIMEDOUT when a job timed
 * out (or the wait for it did); -EIO when the device is wedged; -ENXIO
 * when it was reset during the clear or a job failed otherwise; -ENODEV
 * when it is gone; -ERESTARTSYS when interrupted by a signal; what kept a
 * job from being queued (see neuron_clear_start()).
 */
int neuron_clear_wait(struct neuron_clear *clr, bool intr, long timeout)
{
	struct neuron_device *ndev = clr->ndev;
	int ret = 0;
	u32 i;

	/* Jobs run in order, but a failed one may precede good ones. */
	for (i = 0; i < clr->count && !ret; i++) {
		struct dma_fence *f = clr->fences[i];
		long t = dma_fence_wait_timeout(f, intr, timeout);

		if (t < 0)
			ret = t;
		else if (!t)
			ret = -ETIMEDOUT;
		else if (f->error == -ETIMEDOUT || f->error == -ENODEV)
			ret = f->error;
		else if (f->error)	/* -EIO only says "wedged" */
			ret = READ_ONCE(ndev->wedged) ? -EIO : -ENXIO;
	}
	if (!ret)
		ret = clr->error;
	if (!ret) {
		atomic64_add(clr->bytes, &ndev->jobs.clear_bytes);
		atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), clr->start)),
			     &ndev->jobs.clear_ns);
	}
	return ret;
}

/**
 * neuron_clear_free() - let go of a batch
 * @clr: the batch, from neuron_clear_start()
 *
 * Jobs still queued run on: whoever owns the ranges must not hand them
 * out before they are done.
 */
void neuron_clear_free(struct neuron_clear *clr)
{
	u32 i;

	for (i = 0; i < clr->count; i++)
		dma_fence_put(clr->fences[i]);
	kfree(clr);
}

/**
 * neuron_jobs_clear_dram() - write zeroes over a range of DRAM and wait
 * @ndev: the device
 * @addr: device address of the range
 * @size: bytes, a non-zero multiple of PAGE_SIZE
 *
 * For ranges the DRAM allocator does not manage (a NeuronCore's state
 * buffer). The wait is interruptible and lasts at most three job timeouts
 * per job. After a failure, jobs may still be queued: the caller must not
 * hand the range to anyone before clearing it again (a later clear queues
 * behind them).
 *
 * Return: 0 or an error of neuron_clear_start() or neuron_clear_wait().
 */
int neuron_jobs_clear_dram(struct neuron_device *ndev, u64 addr, u64 size)
{
	const struct neuron_clear_range range = { .addr = addr, .size = size };
	long timeout = msecs_to_jiffies(3 * max(neuron_job_timeout_ms(), 1000u));
	struct neuron_clear *clr;
	int ret;

	clr = neuron_clear_start(ndev, &range, 1);
	if (IS_ERR(clr))
		return PTR_ERR(clr);
	ret = neuron_clear_wait(clr, true, timeout);
	neuron_clear_free(clr);
	return ret;
}
