// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * DMA jobs on the DRM GPU scheduler.
 *
 * One scheduler per hardware queue pair in use (created on first submit),
 * one entity per file per queue, credits = ring slots. The submit ioctl
 * validates every transfer and turns it into descriptor pairs in kernel
 * memory; run_job() copies them into the driver-owned ring with a
 * completion marker and rings the doorbells. v1 has no interrupts: an
 * adaptive hrtimer polls the markers of the queues that have jobs in
 * flight and signals the hardware fences in order, and stops when nothing
 * is in flight. See Documentation/accel/neuron/jobs.rst.
 */

#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>
#include <drm/neuron_accel.h>

#include "neuron_compat.h"
#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_gem.h"
#include "neuron_job.h"
#include "neuron_regs.h"
#include "neuron_topology.h"
#include "neuron_udma.h"

/*
 * Module parameters, writable at runtime by root. A value out of range is
 * clamped rather than refused: a zero poll period would make the poller
 * a softirq storm, a zero timeout would reset every queue on first use.
 */
#define NEURON_JOB_TIMEOUT_MIN_MS	100
#define NEURON_JOB_TIMEOUT_MAX_MS	600000
#define NEURON_POLL_MIN_US		5
#define NEURON_POLL_MAX_US		100000

static int neuron_param_set_clamped(const char *val,
				    const struct kernel_param *kp,
				    unsigned int min, unsigned int max)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	WRITE_ONCE(*(unsigned int *)kp->arg, clamp(n, min, max));
	return 0;
}

static int neuron_param_set_timeout(const char *val,
				    const struct kernel_param *kp)
{
	return neuron_param_set_clamped(val, kp, NEURON_JOB_TIMEOUT_MIN_MS,
					NEURON_JOB_TIMEOUT_MAX_MS);
}

static int neuron_param_set_poll(const char *val,
				 const struct kernel_param *kp)
{
	return neuron_param_set_clamped(val, kp, NEURON_POLL_MIN_US,
					NEURON_POLL_MAX_US);
}

static const struct kernel_param_ops neuron_param_timeout_ops = {
	.set = neuron_param_set_timeout,
	.get = param_get_uint,
};

static const struct kernel_param_ops neuron_param_poll_ops = {
	.set = neuron_param_set_poll,
	.get = param_get_uint,
};

static unsigned int job_timeout_ms = 10000;
module_param_cb(job_timeout_ms, &neuron_param_timeout_ops, &job_timeout_ms,
		0644);
MODULE_PARM_DESC(job_timeout_ms,
		 "A DMA job that makes no progress for this long is reset (ms, 100..600000, default 10000; applies to queues first used after a change)");

static unsigned int poll_min_us = 10;
module_param_cb(poll_min_us, &neuron_param_poll_ops, &poll_min_us, 0644);
MODULE_PARM_DESC(poll_min_us,
		 "First completion poll after a doorbell or a completion (us, 5..100000, default 10)");

static unsigned int poll_max_us = 1000;
module_param_cb(poll_max_us, &neuron_param_poll_ops, &poll_max_us, 0644);
MODULE_PARM_DESC(poll_max_us,
		 "Longest completion poll period while jobs are in flight (us, 5..100000, default 1000; at least poll_min_us)");

/* Credits of a scheduler: what the ring holds, minus the reserve. */
#define NEURON_SCHED_CREDITS	(NEURON_RING_SIZE - NEURON_RING_RESERVE)

/**
 * struct neuron_job_bo - a BO used by a job
 * @obj: the GEM object, referenced until the job is freed.
 * @write: the job writes it (implicit sync).
 * @route: routing bits of a neighbour's DRAM (0 for local memory).
 */
struct neuron_job_bo {
	struct drm_gem_object *obj;
	bool write;
	u64 route;
};

/**
 * struct neuron_job - one submitted job
 * @base: scheduler job.
 * @jf: the submitting file's job state (referenced).
 * @ns: the queue it runs on.
 * @hw_fence: completion fence, allocated at submit, initialised in
 *            run_job(); freed by its last reference.
 * @hw_fence_init: @hw_fence was initialised.
 * @pairs: validated descriptor pairs, without the marker.
 * @pair_count: number of @pairs.
 * @bos: BOs the job uses.
 * @bo_count: number of @bos.
 * @node: entry in the queue's in-flight list.
 * @marker_slot: ring slot of the job's marker.
 * @start: when the job was written into the ring.
 * @nc_writes: mask of the NeuronCores whose semaphores or events it writes.
 * @revoked: one of @nc_writes changed hands between the ownership check and
 *           neuron_cores_job_fence(); the job does not run (-EACCES).
 */
struct neuron_job {
	struct drm_sched_job base;
	struct neuron_job_file *jf;
	struct neuron_sched *ns;
	struct dma_fence *hw_fence;
	bool hw_fence_init;
	struct neuron_desc_pair *pairs;
	u32 pair_count;
	struct neuron_job_bo *bos;
	u32 bo_count;
	struct list_head node;
	u32 marker_slot;
	ktime_t start;
	u32 nc_writes;
	bool revoked;
};

static inline struct neuron_job *to_neuron_job(struct drm_sched_job *job)
{
	return container_of(job, struct neuron_job, base);
}

static inline struct neuron_sched *to_neuron_sched(struct drm_gpu_scheduler *s)
{
	return container_of(s, struct neuron_sched, base);
}

/* ------------------------------------------------------------------------ */
/* Hardware fences                                                          */

static const char *neuron_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *neuron_fence_timeline_name(struct dma_fence *fence)
{
	return "dma-queue";
}

static const struct dma_fence_ops neuron_hw_fence_ops = {
	.get_driver_name = neuron_fence_driver_name,
	.get_timeline_name = neuron_fence_timeline_name,
};

/* ------------------------------------------------------------------------ */
/* Completion polling                                                       */

/*
 * Retire a job whose marker landed (or that is errored): account its busy
 * time and signal its hardware fence. Called with ns->lock held.
 */
static void neuron_job_retire_locked(struct neuron_sched *ns,
				     struct neuron_job *job, int error,
				     ktime_t now)
{
	ktime_t begin = ktime_after(job->start, ns->last_done) ?
			job->start : ns->last_done;

	list_del_init(&job->node);
	if (ktime_after(now, begin))
		atomic64_add(ktime_to_ns(ktime_sub(now, begin)), &job->jf->busy_ns);
	ns->last_done = now;

	if (error) {
		dma_fence_set_error(job->hw_fence, error);
		atomic64_inc(&job->jf->failed);
	} else {
		atomic64_inc(&job->jf->completed);
	}
	dma_fence_signal_locked(job->hw_fence);
	dma_fence_put(job->hw_fence);
}

/* Signal, in order, every job of @ns whose marker landed. */
static unsigned int neuron_sched_poll_locked(struct neuron_sched *ns)
{
	struct neuron_job *job, *tmp;
	unsigned int done = 0;
	ktime_t now = ktime_get();

	list_for_each_entry_safe(job, tmp, &ns->inflight, node) {
		if (!neuron_ring_marker_done(&ns->ring, job->marker_slot,
					     job->hw_fence->seqno))
			break;
		neuron_job_retire_locked(ns, job, 0, now);
		done++;
	}
	return done;
}

static enum hrtimer_restart neuron_poll_timer(struct hrtimer *timer)
{
	struct neuron_jobs *jobs = container_of(timer, struct neuron_jobs, timer);
	struct neuron_sched *ns, *tmp;
	unsigned int done = 0;
	ktime_t t0 = ktime_get();
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;

	spin_lock(&jobs->poll_lock);
	list_for_each_entry_safe(ns, tmp, &jobs->busy, poll_node) {
		spin_lock_irqsave(&ns->lock, flags);
		done += neuron_sched_poll_locked(ns);
		if (list_empty(&ns->inflight))
			list_del_init(&ns->poll_node);
		spin_unlock_irqrestore(&ns->lock, flags);
	}

	/* Already restarted by neuron_poll_kick() while this ran: keep that. */
	if (!list_empty(&jobs->busy) && !hrtimer_is_queued(timer)) {
		/* Quick while jobs complete, backing off while they run. */
		u64 min_ns = (u64)READ_ONCE(poll_min_us) * NSEC_PER_USEC;
		u64 max_ns = (u64)READ_ONCE(poll_max_us) * NSEC_PER_USEC;

		if (done)
			jobs->period_ns = min_ns;
		else
			jobs->period_ns = min(jobs->period_ns * 2,
					      max(max_ns, min_ns));
		hrtimer_forward_now(timer, ns_to_ktime(jobs->period_ns));
		ret = HRTIMER_RESTART;
	}
	spin_unlock(&jobs->poll_lock);

	atomic64_inc(&jobs->polls);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), t0)), &jobs->poll_ns);
	return ret;
}

/* A queue got new work: make sure the poller looks at it soon. */
static void neuron_poll_kick(struct neuron_jobs *jobs, struct neuron_sched *ns)
{
	u64 period = (u64)READ_ONCE(poll_min_us) * NSEC_PER_USEC;

	spin_lock_bh(&jobs->poll_lock);
	if (jobs->unplugged) {
		spin_unlock_bh(&jobs->poll_lock);
		return;
	}
	if (list_empty(&ns->poll_node))
		list_add_tail(&ns->poll_node, &jobs->busy);
	jobs->period_ns = period;
	/*
	 * Not hrtimer_active(): that is also true while the callback runs,
	 * which may already have found nothing busy and be about to stop.
	 */
	if (!hrtimer_is_queued(&jobs->timer))
		hrtimer_start(&jobs->timer, ns_to_ktime(period),
			      HRTIMER_MODE_REL_SOFT);
	spin_unlock_bh(&jobs->poll_lock);
}

/* ------------------------------------------------------------------------ */
/* Scheduler backend                                                        */

/* Write a job into the ring and start it. Called with ns->lock held. */
static void neuron_job_emit_locked(struct neuron_sched *ns,
				   struct neuron_job *job)
{
	job->marker_slot = neuron_ring_write(&ns->ring, job->pairs,
					     job->pair_count,
					     job->hw_fence->seqno);
	job->start = ktime_get();
	list_add_tail(&job->node, &ns->inflight);
	neuron_ring_kick(&ns->ring, job->pair_count + 1);
}

static struct dma_fence *neuron_job_run(struct drm_sched_job *sched_job)
{
	struct neuron_job *job = to_neuron_job(sched_job);
	struct neuron_sched *ns = job->ns;
	struct neuron_device *ndev = ns->ring.ndev;
	struct dma_fence *fence = job->hw_fence;
	unsigned long flags;
	int idx;

	if (job->revoked)
		return ERR_PTR(-EACCES);
	/* Jobs queued behind a timed-out job of the same file never run. */
	if (atomic_read(&job->jf->guilty))
		return ERR_PTR(-ECANCELED);
	if (unlikely(sched_job->s_fence->finished.error))
		return ERR_PTR(sched_job->s_fence->finished.error);
	if (READ_ONCE(ndev->wedged))
		return ERR_PTR(-EIO);
	if (!drm_dev_enter(&ndev->drm, &idx))
		return ERR_PTR(-ENODEV);

	spin_lock_irqsave(&ns->lock, flags);
	dma_fence_init(fence, &neuron_hw_fence_ops, &ns->lock,
		       ns->fence_context, ++ns->seqno);
	job->hw_fence_init = true;
	/* One reference for the in-flight list, dropped when signalled. */
	dma_fence_get(fence);
	neuron_job_emit_locked(ns, job);
	spin_unlock_irqrestore(&ns->lock, flags);

	drm_dev_exit(idx);

	neuron_poll_kick(&ndev->jobs, ns);
	/*
	 * The job keeps the initial reference until it is freed; the
	 * scheduler gets its own.
	 */
	return dma_fence_get(fence);
}

static void neuron_job_file_release(struct kref *kref);

static void neuron_job_release(struct neuron_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++)
		drm_gem_object_put(job->bos[i].obj);
	kvfree(job->bos);
	kvfree(job->pairs);

	if (job->hw_fence_init)
		dma_fence_put(job->hw_fence);
	else
		kfree(job->hw_fence);

	kref_put(&job->jf->refcount, neuron_job_file_release);
	kfree(job);
}

static void neuron_job_free(struct drm_sched_job *sched_job)
{
	drm_sched_job_cleanup(sched_job);
	neuron_job_release(to_neuron_job(sched_job));
}

/*
 * After drm_sched_stop() the scheduler has forgotten the hardware fences of
 * the jobs still pending; give them back so that drm_sched_start() waits
 * for (or immediately retires) them instead of cancelling them.
 */
static void neuron_sched_restore_parents(struct neuron_sched *ns)
{
	struct drm_sched_job *s_job;

	list_for_each_entry(s_job, &ns->base.pending_list, list) {
		struct neuron_job *job = to_neuron_job(s_job);

		if (job->hw_fence_init && !s_job->s_fence->parent)
			s_job->s_fence->parent = dma_fence_get(job->hw_fence);
	}
}

/*
 * Reset the hardware queue and deal with every job that was in the ring:
 * the first one is the culprit (@error), jobs of guilty files are
 * cancelled, the others are written into the ring again.
 * Called with ns->lock held and the scheduler stopped.
 */
static void neuron_sched_recover_locked(struct neuron_sched *ns, int error)
{
	struct neuron_device *ndev = ns->ring.ndev;
	struct neuron_job *job, *tmp;
	LIST_HEAD(requeue);
	ktime_t now = ktime_get();
	bool first = true;

	neuron_udma_engine_normal(ndev, ns->ring.engine);
	neuron_ring_hw_init(&ns->ring);

	list_for_each_entry_safe(job, tmp, &ns->inflight, node) {
		if (first) {
			first = false;
			if (!job->jf->kernel)
				atomic_set(&job->jf->guilty, 1);
			neuron_job_retire_locked(ns, job, error, now);
		} else if (atomic_read(&job->jf->guilty)) {
			neuron_job_retire_locked(ns, job, -ECANCELED, now);
		} else {
			list_move_tail(&job->node, &requeue);
		}
	}

	list_for_each_entry_safe(job, tmp, &requeue, node) {
		list_del_init(&job->node);
		neuron_job_emit_locked(ns, job);
	}
}

static enum drm_gpu_sched_stat neuron_job_timedout(struct drm_sched_job *sched_job)
{
	struct neuron_job *job = to_neuron_job(sched_job);
	struct neuron_sched *ns = job->ns;
	struct neuron_device *ndev = ns->ring.ndev;
	struct neuron_jobs *jobs = &ndev->jobs;
	enum drm_gpu_sched_stat stat = NEURON_SCHED_STAT_RESET;
	struct neuron_job *first;
	unsigned long flags;
	bool hung = false;
	u32 head = 0;
	int idx;

	mutex_lock(&jobs->recovery);
	drm_sched_stop(&ns->base, sched_job);

	if (!drm_dev_enter(&ndev->drm, &idx)) {
		/* neuron_jobs_unplug() already errored everything in flight. */
		stat = DRM_GPU_SCHED_STAT_ENODEV;
		goto restart;
	}

	spin_lock_irqsave(&ns->lock, flags);
	neuron_sched_poll_locked(ns);
	first = list_first_entry_or_null(&ns->inflight, struct neuron_job, node);
	spin_unlock_irqrestore(&ns->lock, flags);

	/* A big job that still moves is slow, not stuck. */
	if (first && !neuron_ring_read_head(&ns->ring, &head) &&
	    head != ns->last_head) {
		ns->last_head = head;
		first = NULL;
	}

	spin_lock_irqsave(&ns->lock, flags);
	if (first && first == list_first_entry_or_null(&ns->inflight,
						       struct neuron_job, node)) {
		hung = true;
		neuron_sched_recover_locked(ns, -ETIMEDOUT);
	}
	spin_unlock_irqrestore(&ns->lock, flags);
	drm_dev_exit(idx);

	if (hung) {
		atomic64_inc(&jobs->timeouts);
		drm_warn(&ndev->drm,
			 "DMA engine %u queue %u: job %llu timed out, queue reset\n",
			 ns->ring.engine, ns->ring.queue,
			 first->hw_fence->seqno);
		ns->last_head = 0;
		neuron_poll_kick(jobs, ns);
	}

restart:
	neuron_sched_restore_parents(ns);
	neuron_sched_start(&ns->base);
	mutex_unlock(&jobs->recovery);
	return stat;
}

static const struct drm_sched_backend_ops neuron_sched_ops = {
	.run_job = neuron_job_run,
	.timedout_job = neuron_job_timedout,
	.free_job = neuron_job_free,
};

/* ------------------------------------------------------------------------ */
/* Queue setup                                                              */

static int neuron_engine_up(struct neuron_device *ndev, unsigned int engine)
{
	int ret;

	if (test_bit(engine, &ndev->jobs.engines_up))
		return 0;
	ret = neuron_udma_engine_init(ndev, engine);
	if (!ret)
		set_bit(engine, &ndev->jobs.engines_up);
	return ret;
}

static struct neuron_sched *neuron_sched_get(struct neuron_device *ndev,
					     unsigned int engine,
					     unsigned int queue)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int index = engine * NEURON_DMA_QUEUES + queue;
	struct neuron_sched *ns;
	int ret, idx;

	ns = READ_ONCE(jobs->sched[index]);
	if (ns)
		return ns;

	ret = mutex_lock_interruptible(&jobs->lock);
	if (ret)
		return ERR_PTR(ret);
	ns = jobs->sched[index];
	if (ns)
		goto out;

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		goto err_unlock;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns) {
		ret = -ENOMEM;
		goto err_hw;
	}
	spin_lock_init(&ns->lock);
	mutex_init(&ns->submit_lock);
	INIT_LIST_HEAD(&ns->inflight);
	INIT_LIST_HEAD(&ns->poll_node);
	ns->fence_context = dma_fence_context_alloc(1);
	snprintf(ns->name, sizeof(ns->name), "neuron-dma%u.%u", engine, queue);

	ret = neuron_engine_up(ndev, engine);
	if (ret)
		goto err_free;
	ret = neuron_ring_alloc(ndev, &ns->ring, engine, queue);
	if (ret)
		goto err_free;
	neuron_ring_hw_init(&ns->ring);

	ret = neuron_sched_init(&ns->base, &neuron_sched_ops, jobs->timeout_wq,
				NEURON_SCHED_CREDITS,
				msecs_to_jiffies(READ_ONCE(job_timeout_ms)),
				ns->name, ndev->drm.dev);
	if (ret)
		goto err_ring;

	neuron_hw_end(ndev, idx);
	/* Published last: readers without the lock see a complete object. */
	smp_store_release(&jobs->sched[index], ns);
out:
	mutex_unlock(&jobs->lock);
	return ns;

err_ring:
	neuron_ring_free(&ns->ring);
err_free:
	kfree(ns);
err_hw:
	neuron_hw_end(ndev, idx);
err_unlock:
	mutex_unlock(&jobs->lock);
	return ERR_PTR(ret);
}

static void neuron_jobs_fini(struct drm_device *drm, void *arg)
{
	struct neuron_device *ndev = to_neuron_device(drm);
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	/* The kernel's entities go before the schedulers they feed. */
	neuron_job_file_close(jobs->kernel_jf);
	hrtimer_cancel(&jobs->timer);
	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		struct neuron_sched *ns = jobs->sched[i];

		if (!ns)
			continue;
		drm_sched_fini(&ns->base);
		neuron_ring_free(&ns->ring);
		kfree(ns);
	}
	destroy_workqueue(jobs->timeout_wq);
	dma_free_coherent(drm->dev, NEURON_DESC_MAX_LEN, jobs->zero_buf,
			  jobs->zero_dma);
}

static int neuron_debugfs_jobs(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct neuron_device *ndev = to_neuron_device(entry->dev);
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	seq_printf(m, "polls: %lld\npoll_ns: %lld\ntimeouts: %lld\n",
		   atomic64_read(&jobs->polls), atomic64_read(&jobs->poll_ns),
		   atomic64_read(&jobs->timeouts));
	seq_printf(m, "engines_up: %#lx\n", jobs->engines_up);
	seq_printf(m, "dram_clear_bytes: %lld\ndram_clear_ns: %lld\n",
		   atomic64_read(&jobs->clear_bytes),
		   atomic64_read(&jobs->clear_ns));
	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		struct neuron_sched *ns = READ_ONCE(jobs->sched[i]);

		if (ns)
			seq_printf(m, "queue %u.%u: seqno %u credits %d\n",
				   ns->ring.engine, ns->ring.queue,
				   READ_ONCE(ns->seqno),
				   atomic_read(&ns->base.credit_count));
	}
	return 0;
}

static const struct drm_debugfs_info neuron_jobs_debugfs[] = {
	{ "jobs", neuron_debugfs_jobs, 0 },
};

/**
 * neuron_jobs_init() - set up the job machinery of a device
 * @ndev: the device, before drm_dev_register()
 *
 * Return: 0 or -ENOMEM.
 */
int neuron_jobs_init(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	struct neuron_job_file *kjf;
	int ret;

	ret = drmm_mutex_init(&ndev->drm, &jobs->lock);
	if (ret)
		return ret;
	ret = drmm_mutex_init(&ndev->drm, &jobs->recovery);
	if (ret)
		return ret;
	spin_lock_init(&jobs->poll_lock);
	INIT_LIST_HEAD(&jobs->busy);
	hrtimer_init(&jobs->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	jobs->timer.function = neuron_poll_timer;

	/* One ordered queue: a device's recoveries never run concurrently. */
	jobs->timeout_wq = alloc_ordered_workqueue("neuron-tdr-%s", 0,
						   dev_name(ndev->drm.dev));
	if (!jobs->timeout_wq)
		return -ENOMEM;

	/* dma_alloc_coherent() memory is zeroed. */
	jobs->zero_buf = dma_alloc_coherent(ndev->drm.dev, NEURON_DESC_MAX_LEN,
					    &jobs->zero_dma, GFP_KERNEL);
	ret = jobs->zero_buf ? neuron_job_file_open(ndev, &kjf) : -ENOMEM;
	if (ret) {
		if (jobs->zero_buf)
			dma_free_coherent(ndev->drm.dev, NEURON_DESC_MAX_LEN,
					  jobs->zero_buf, jobs->zero_dma);
		destroy_workqueue(jobs->timeout_wq);
		return ret;
	}
	kjf->kernel = true;
	jobs->kernel_jf = kjf;

	drm_debugfs_add_files(&ndev->drm, neuron_jobs_debugfs,
			      ARRAY_SIZE(neuron_jobs_debugfs));

	return drmm_add_action_or_reset(&ndev->drm, neuron_jobs_fini, NULL);
}

/* Error every job in flight on every queue; called with the poller off. */
static void neuron_jobs_error_all(struct neuron_device *ndev, int error)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	ktime_t now = ktime_get();
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		struct neuron_sched *ns = READ_ONCE(jobs->sched[i]);
		struct neuron_job *job, *tmp;

		if (!ns)
			continue;
		spin_lock_irqsave(&ns->lock, flags);
		neuron_sched_poll_locked(ns);
		list_for_each_entry_safe(job, tmp, &ns->inflight, node)
			neuron_job_retire_locked(ns, job, error, now);
		spin_unlock_irqrestore(&ns->lock, flags);
	}
}

/*
 * Stop the device's DMA before the jobs in flight are signalled: their
 * fences let BOs and rings be freed, and no descriptor may still target
 * that memory. Aborts every engine with a queue in use and disables and
 * resets those queues. Called with jobs->recovery held, the BAR mapped.
 */
static void neuron_jobs_quiesce(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned long engines = 0;
	unsigned int i;

	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		struct neuron_sched *ns = READ_ONCE(jobs->sched[i]);

		if (!ns)
			continue;
		if (!__test_and_set_bit(ns->ring.engine, &engines))
			neuron_udma_engine_abort(ndev, ns->ring.engine);
		neuron_ring_hw_stop(&ns->ring);
	}
}

/**
 * neuron_jobs_unplug() - the device is going away
 * @ndev: the device, after drm_dev_unplug(), BAR still mapped
 *
 * Stops the poller and the device's DMA, turns bus mastering off, then
 * signals every job in flight with -ENODEV; jobs not yet started fail
 * with -ENODEV in run_job().
 */
void neuron_jobs_unplug(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;

	spin_lock_bh(&jobs->poll_lock);
	jobs->unplugged = true;
	INIT_LIST_HEAD(&jobs->busy);
	spin_unlock_bh(&jobs->poll_lock);
	hrtimer_cancel(&jobs->timer);

	mutex_lock(&jobs->recovery);
	neuron_jobs_quiesce(ndev);
	/* Nothing the device still does reaches host memory from here on. */
	pci_clear_master(ndev->pdev);
	neuron_jobs_error_all(ndev, -ENODEV);
	mutex_unlock(&jobs->recovery);
}

/**
 * neuron_jobs_reset_prepare() - a device reset is about to start
 * @ndev: the device, with the reset lock held for writing
 *
 * Stops every scheduler; neuron_jobs_reset_done() restarts them.
 */
void neuron_jobs_reset_prepare(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	mutex_lock(&jobs->recovery);
	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		struct neuron_sched *ns = READ_ONCE(jobs->sched[i]);

		if (ns)
			drm_sched_stop(&ns->base, NULL);
	}
}

/**
 * neuron_jobs_reset_done() - a device reset finished
 * @ndev: the device, with the reset lock held for writing
 * @result: 0 when the device is usable again
 *
 * A reset loses everything the engines held: jobs in flight fail with
 * -EIO; queues are set up again and the schedulers restarted. After a
 * failed reset the engines and queues are stopped before the jobs are
 * released (they come back with the next successful reset).
 */
void neuron_jobs_reset_done(struct neuron_device *ndev, int result)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	/* A failed reset may leave the engines running: stop them first. */
	if (result)
		neuron_jobs_quiesce(ndev);
	neuron_jobs_error_all(ndev, -EIO);
	jobs->engines_up = 0;

	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		struct neuron_sched *ns = READ_ONCE(jobs->sched[i]);
		unsigned long flags;

		if (!ns)
			continue;
		if (!result && !neuron_engine_up(ndev, ns->ring.engine)) {
			spin_lock_irqsave(&ns->lock, flags);
			neuron_ring_hw_init(&ns->ring);
			spin_unlock_irqrestore(&ns->lock, flags);
		}
		neuron_sched_restore_parents(ns);
		neuron_sched_start(&ns->base);
	}
	mutex_unlock(&jobs->recovery);
}

/* ------------------------------------------------------------------------ */
/* Per-file state                                                           */

int neuron_job_file_open(struct neuron_device *ndev,
			 struct neuron_job_file **out)
{
	struct neuron_job_file *jf;

	jf = kzalloc(sizeof(*jf), GFP_KERNEL);
	if (!jf)
		return -ENOMEM;
	kref_init(&jf->refcount);
	jf->ndev = ndev;
	mutex_init(&jf->lock);
	*out = jf;
	return 0;
}

static void neuron_job_file_release(struct kref *kref)
{
	struct neuron_job_file *jf = container_of(kref, struct neuron_job_file,
						  refcount);

	mutex_destroy(&jf->lock);
	kfree(jf);
}

/**
 * neuron_job_file_close() - the file is closed
 * @jf: its job state
 *
 * Waits for the file's queued jobs to be pushed to their rings
 * (drm_sched_entity_flush()): from close() of a live process killably and
 * without a time bound (a queued job waits for its in-fences first, which
 * the job timeout does not cover); from an exiting process at most one
 * second, after which the jobs of a process killed by SIGKILL are dropped
 * with an error. Jobs already in a ring finish on the hardware and keep
 * their BOs and @jf alive until then.
 */
void neuron_job_file_close(struct neuron_job_file *jf)
{
	unsigned int i;

	for (i = 0; i < NEURON_HW_QUEUES; i++) {
		if (!jf->entity[i])
			continue;
		drm_sched_entity_destroy(jf->entity[i]);
		kfree(jf->entity[i]);
	}
	kref_put(&jf->refcount, neuron_job_file_release);
}

void neuron_job_show_fdinfo(struct drm_printer *p, struct neuron_job_file *jf)
{
	drm_printf(p, "drm-engine-dma:\t%lld ns\n", atomic64_read(&jf->busy_ns));
	drm_printf(p, "drm-engine-capacity-dma:\t%u\n", NEURON_HW_QUEUES);
	drm_printf(p, "neuron-jobs-submitted:\t%lld\n",
		   atomic64_read(&jf->submitted));
	drm_printf(p, "neuron-jobs-completed:\t%lld\n",
		   atomic64_read(&jf->completed));
	drm_printf(p, "neuron-jobs-failed:\t%lld\n", atomic64_read(&jf->failed));
	drm_printf(p, "neuron-guilty:\t%d\n", atomic_read(&jf->guilty));
}

static struct drm_sched_entity *
neuron_job_file_entity(struct neuron_job_file *jf, struct neuron_sched *ns,
		       unsigned int index)
{
	struct drm_gpu_scheduler *sched = &ns->base;
	struct drm_sched_entity *entity;
	int ret;

	ret = mutex_lock_interruptible(&jf->lock);
	if (ret)
		return ERR_PTR(ret);
	entity = jf->entity[index];
	if (entity)
		goto out;

	entity = kzalloc(sizeof(*entity), GFP_KERNEL);
	if (!entity) {
		entity = ERR_PTR(-ENOMEM);
		goto out;
	}
	ret = drm_sched_entity_init(entity, jf->kernel ?
				    DRM_SCHED_PRIORITY_KERNEL :
				    DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
	if (ret) {
		kfree(entity);
		entity = ERR_PTR(ret);
		goto out;
	}
	jf->entity[index] = entity;
out:
	mutex_unlock(&jf->lock);
	return entity;
}

/* ------------------------------------------------------------------------ */
/* Submit: validation                                                       */

/* Segments of one BO range, collected for splitting a copy. */
struct neuron_seglist {
	u64 *addr;
	u64 *len;
	u32 count;
	u32 max;
	u64 route;
};

static int neuron_seglist_add(void *priv, u64 dev_addr, u64 len)
{
	struct neuron_seglist *sl = priv;

	if (sl->count >= sl->max)
		return -E2BIG;
	sl->addr[sl->count] = dev_addr | sl->route;
	sl->len[sl->count] = len;
	sl->count++;
	return 0;
}

/* One contiguous DMA piece of a listed BO, as the device addresses it. */
struct neuron_bo_seg {
	u64 start;
	u64 len;
};

/* The pieces of one listed BO, sorted by @start, for user descriptors. */
struct neuron_bo_segs {
	struct neuron_bo_seg *seg;
	u32 count;
};

struct neuron_bo_seg_collect {
	struct neuron_bo_seg *seg;
	u32 count;
	u32 max;
	u64 route;
};

/* Count the pieces (@seg NULL), or store them. */
static int neuron_bo_seg_collect(void *priv, u64 dev_addr, u64 len)
{
	struct neuron_bo_seg_collect *c = priv;

	if (c->seg) {
		if (c->count >= c->max)
			return -E2BIG;
		c->seg[c->count].start = dev_addr | c->route;
		c->seg[c->count].len = len;
	}
	c->count++;
	return 0;
}

static int neuron_bo_seg_cmp(const void *a, const void *b)
{
	const struct neuron_bo_seg *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/*
 * Collect the DMA pieces of @bo once per submit, sorted, so that each user
 * descriptor costs a binary search instead of a walk of the BO's sg table.
 */
static int neuron_bo_segs_init(struct neuron_bo_segs *segs,
			       const struct neuron_job_bo *bo)
{
	struct neuron_bo_seg_collect c = { .route = bo->route };
	int ret;

	ret = neuron_bo_dma_segments(bo->obj, 0, bo->obj->size,
				     neuron_bo_seg_collect, &c);
	if (ret)
		return ret;
	c.seg = kvmalloc_array(c.count, sizeof(*c.seg), GFP_KERNEL);
	if (!c.seg)
		return -ENOMEM;
	c.max = c.count;
	c.count = 0;
	ret = neuron_bo_dma_segments(bo->obj, 0, bo->obj->size,
				     neuron_bo_seg_collect, &c);
	if (ret) {
		kvfree(c.seg);
		return ret;
	}
	sort(c.seg, c.count, sizeof(*c.seg), neuron_bo_seg_cmp, NULL);
	segs->seg = c.seg;
	segs->count = c.count;
	return 0;
}

/*
 * Is [addr, addr + len) inside one contiguous piece of the BO? The pieces
 * do not overlap: only the last one starting at or below @addr can hold it.
 */
static bool neuron_bo_segs_contain(const struct neuron_bo_segs *segs,
				   u64 addr, u64 len)
{
	const struct neuron_bo_seg *seg;
	u32 lo = 0, hi = segs->count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (segs->seg[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	seg = &segs->seg[lo - 1];
	return len <= seg->len && addr - seg->start <= seg->len - len;
}

/*
 * Route bits under which this device reaches @owner's DRAM: only a direct
 * neighbour whose link is up, identified by the id it carries in its
 * topology slot.
 */
static int neuron_job_peer_route(struct neuron_device *ndev,
				 struct neuron_device *owner, u64 *route)
{
	static const u64 routes[DRM_NEURON_LINK_COUNT] = {
		[DRM_NEURON_LINK_EAST] = NEURON_DEVADDR_EAST,
		[DRM_NEURON_LINK_WEST] = NEURON_DEVADDR_WEST,
	};
	struct drm_neuron_query_topology topo;
	int i, idx, ret;

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		return ret;
	ret = neuron_topology_read(ndev, &topo);
	neuron_hw_end(ndev, idx);
	if (ret)
		return ret;

	for (i = 0; i < DRM_NEURON_LINK_COUNT; i++) {
		const struct drm_neuron_topology_link *link = &topo.links[i];

		if ((link->flags & DRM_NEURON_LINK_PEER_ID_VALID) &&
		    link->peer_device_id == owner->device_id) {
			*route = routes[i];
			return 0;
		}
	}
	return -EXDEV;
}

struct neuron_submit_ctx {
	struct neuron_device *ndev;
	struct drm_file *file;
	struct neuron_job *job;
	u32 max_pairs;
	u32 pair_alloc;
	u32 max_bos;
	struct neuron_seglist segs[2];
	struct neuron_bo_segs *bo_segs;
	u32 bo_segs_count;
};

static int neuron_job_add_pair(struct neuron_submit_ctx *ctx, u64 src, u64 dst,
			       u32 len, u16 flags, u32 imm)
{
	struct neuron_job *job = ctx->job;
	struct neuron_desc_pair *p;

	if (job->pair_count >= ctx->max_pairs)
		return -E2BIG;
	if (job->pair_count == ctx->pair_alloc) {
		u32 n = min(max(2 * ctx->pair_alloc, 16u), ctx->max_pairs);

		p = kvmalloc_array(n, sizeof(*p), GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		if (job->pairs)
			memcpy(p, job->pairs, job->pair_count * sizeof(*p));
		kvfree(job->pairs);
		job->pairs = p;
		ctx->pair_alloc = n;
	}
	p = &job->pairs[job->pair_count++];
	p->src = src;
	p->dst = dst;
	p->len = len;
	p->flags = flags;
	p->pad = 0;
	p->imm = imm;
	return 0;
}

/* Look up a handle, once per job; the job keeps the reference. */
static int neuron_job_add_bo(struct neuron_submit_ctx *ctx, u32 handle,
			     bool write, struct neuron_job_bo **out)
{
	struct neuron_job *job = ctx->job;
	struct neuron_job_bo *bo;
	struct drm_gem_object *obj;
	u32 i;
	int ret;

	obj = drm_gem_object_lookup(ctx->file, handle);
	if (!obj)
		return -ENOENT;

	for (i = 0; i < job->bo_count; i++) {
		if (job->bos[i].obj == obj) {
			drm_gem_object_put(obj);
			job->bos[i].write |= write;
			*out = &job->bos[i];
			return 0;
		}
	}
	if (job->bo_count >= ctx->max_bos) {
		drm_gem_object_put(obj);
		return -EINVAL;
	}
	bo = &job->bos[job->bo_count++];
	bo->obj = obj;
	bo->write = write;
	bo->route = 0;
	*out = bo;

	if (neuron_bo_kind(obj) == NEURON_BO_PEER_DRAM) {
		struct neuron_device *owner = neuron_bo_dram_owner(obj);

		if (owner == ctx->ndev)
			return 0;
		return neuron_job_peer_route(ctx->ndev, owner, &bo->route);
	}
	/* Pins the pages and maps them for the device, once per BO. */
	ret = neuron_bo_prepare_dma(obj);
	return ret;
}

static int neuron_job_check_range(struct drm_gem_object *obj, u64 offset,
				  u64 size)
{
	u64 end;

	if (check_add_overflow(offset, size, &end) || end > obj->size)
		return -EINVAL;
	return 0;
}

static int neuron_job_collect(struct neuron_seglist *sl,
			      const struct neuron_job_bo *bo, u64 offset,
			      u64 size)
{
	if (!sl->addr) {
		sl->max = DRM_NEURON_SUBMIT_MAX_HW_DESCS;
		sl->addr = kvmalloc_array(sl->max, sizeof(u64), GFP_KERNEL);
		sl->len = kvmalloc_array(sl->max, sizeof(u64), GFP_KERNEL);
		if (!sl->addr || !sl->len)
			return -ENOMEM;
	}
	sl->count = 0;
	sl->route = bo->route;
	return neuron_bo_dma_segments(bo->obj, offset, size, neuron_seglist_add,
				      sl);
}

static int neuron_job_add_copy(struct neuron_submit_ctx *ctx,
			       const struct drm_neuron_xfer *x)
{
	struct neuron_job_bo *src, *dst;
	struct neuron_seglist *s = &ctx->segs[0], *d = &ctx->segs[1];
	u64 soff = 0, doff = 0;
	u32 si = 0, di = 0;
	int ret;

	if (x->flags || x->nc || x->index || x->value || x->pad || !x->size)
		return -EINVAL;

	ret = neuron_job_add_bo(ctx, x->src_handle, false, &src);
	if (ret)
		return ret;
	ret = neuron_job_add_bo(ctx, x->dst_handle, true, &dst);
	if (ret)
		return ret;
	ret = neuron_job_check_range(src->obj, x->src_offset, x->size);
	if (ret)
		return ret;
	ret = neuron_job_check_range(dst->obj, x->dst_offset, x->size);
	if (ret)
		return ret;

	ret = neuron_job_collect(s, src, x->src_offset, x->size);
	if (ret)
		return ret;
	ret = neuron_job_collect(d, dst, x->dst_offset, x->size);
	if (ret)
		return ret;

	/* Merge: each piece stays inside one source and one destination segment. */
	while (si < s->count && di < d->count) {
		u64 len = min3(s->len[si] - soff, d->len[di] - doff,
			       (u64)NEURON_DESC_MAX_LEN);

		ret = neuron_job_add_pair(ctx, s->addr[si] + soff,
					  d->addr[di] + doff, len, 0, 0);
		if (ret)
			return ret;
		soff += len;
		doff += len;
		if (soff == s->len[si]) {
			si++;
			soff = 0;
		}
		if (doff == d->len[di]) {
			di++;
			doff = 0;
		}
	}
	return 0;
}

static u64 neuron_tpb_devaddr(u32 off)
{
	return NEURON_DEVADDR_TPB_BASE + off;
}

static int neuron_job_add_nc_write(struct neuron_submit_ctx *ctx,
				   const struct drm_neuron_xfer *x)
{
	u32 off;

	if (x->flags || x->src_handle || x->dst_handle || x->src_offset ||
	    x->dst_offset || x->size || x->pad || x->nc >= NEURON_NC_COUNT)
		return -EINVAL;

	switch (x->type) {
	case DRM_NEURON_XFER_SEM_SET:
	case DRM_NEURON_XFER_SEM_INCR:
	case DRM_NEURON_XFER_SEM_DECR:
		if (x->index >= NEURON_SEMAPHORES_PER_NC)
			return -EINVAL;
		off = x->type == DRM_NEURON_XFER_SEM_SET ?
		      NEURON_NC_SEM_SET(x->nc, x->index) :
		      x->type == DRM_NEURON_XFER_SEM_INCR ?
		      NEURON_NC_SEM_INC(x->nc, x->index) :
		      NEURON_NC_SEM_DEC(x->nc, x->index);
		break;
	case DRM_NEURON_XFER_EVENT:
		if (x->index >= NEURON_EVENTS_PER_NC || x->value > 1)
			return -EINVAL;
		off = NEURON_NC_EVENT(x->nc, x->index);
		break;
	default:
		return -EINVAL;
	}
	/*
	 * As SEM_OP and EVENT_OP: only the owner writes a core's semaphores
	 * and events. Checked at submit, which is the contract: a job accepted
	 * while the file owned the core still runs if the file releases the
	 * core first (see Documentation/accel/neuron/jobs.rst).
	 */
	if (!neuron_core_file_owns(ctx->ndev, x->nc, ctx->file->driver_priv))
		return -EACCES;
	ctx->job->nc_writes |= BIT(x->nc);

	/* DMB: the write signals that the transfers before it are done. */
	return neuron_job_add_pair(ctx, 0, neuron_tpb_devaddr(off), sizeof(u32),
				   NEURON_PAIR_IMM | NEURON_PAIR_DMB, x->value);
}

/*
 * Is @addr a semaphore or event register of a local NeuronCore? If so,
 * *@core is that core.
 */
static bool neuron_addr_is_nc_sync(u64 addr, u64 len, u32 *core)
{
	u64 off;
	u32 in_nc;

	if (len != sizeof(u32) || !IS_ALIGNED(addr, sizeof(u32)) ||
	    addr < NEURON_DEVADDR_TPB_BASE)
		return false;
	off = addr - NEURON_DEVADDR_TPB_BASE;
	if (off >= (u64)NEURON_NC_COUNT * NEURON_NC_BASE(1))
		return false;
	in_nc = off % NEURON_NC_BASE(1);
	*core = off / NEURON_NC_BASE(1);
	if (in_nc >= NEURON_NC_EVENT(0, 0) &&
	    in_nc < NEURON_NC_EVENT(0, NEURON_EVENTS_PER_NC))
		return true;
	/* SET, INCR and DECR slots; the READ slot is not a target. */
	return in_nc >= NEURON_NC_SEM_SET(0, 0) &&
	       in_nc < NEURON_NC_SEM_DEC(0, NEURON_SEMAPHORES_PER_NC) &&
	       (in_nc - NEURON_NC_SEM_SET(0, 0)) % 0x100 <
	       4 * NEURON_SEMAPHORES_PER_NC;
}

#define NEURON_UDESC_M2S_ALLOWED	(NEURON_DESC_LEN_MASK | \
					 NEURON_DESC_RING_ID_MASK | \
					 NEURON_DESC_FIRST | NEURON_DESC_LAST | \
					 NEURON_DESC_DMB)
#define NEURON_UDESC_S2M_ALLOWED	(NEURON_DESC_LEN_MASK | \
					 NEURON_DESC_RING_ID_MASK)

static int neuron_job_find_bo(struct neuron_submit_ctx *ctx, u32 nbos,
			      u64 addr, u64 len, bool write)
{
	struct neuron_job *job = ctx->job;
	u32 i;
	int ret;

	if (nbos && !ctx->bo_segs) {
		ctx->bo_segs = kvcalloc(nbos, sizeof(*ctx->bo_segs),
					GFP_KERNEL);
		if (!ctx->bo_segs)
			return -ENOMEM;
		for (i = 0; i < nbos; i++) {
			ret = neuron_bo_segs_init(&ctx->bo_segs[i],
						  &job->bos[i]);
			if (ret)
				return ret;
			ctx->bo_segs_count++;
			cond_resched();
		}
	}

	for (i = 0; i < nbos; i++) {
		if (neuron_bo_segs_contain(&ctx->bo_segs[i], addr, len)) {
			job->bos[i].write |= write;
			return 0;
		}
	}
	return -EACCES;
}

static int neuron_job_add_udesc(struct neuron_submit_ctx *ctx, u32 nbos,
				const struct drm_neuron_dma_desc *d)
{
	u32 len = d->m2s_len_ctrl & NEURON_DESC_LEN_MASK;
	u16 flags = 0;
	u32 core;
	int ret;

	if ((d->m2s_len_ctrl & ~NEURON_UDESC_M2S_ALLOWED) ||
	    (d->m2s_len_ctrl & (NEURON_DESC_FIRST | NEURON_DESC_LAST)) !=
	    (NEURON_DESC_FIRST | NEURON_DESC_LAST) ||
	    d->m2s_meta != NEURON_DESC_META_COPY ||
	    (d->s2m_len_ctrl & ~NEURON_UDESC_S2M_ALLOWED) ||
	    (d->s2m_len_ctrl & NEURON_DESC_LEN_MASK) != len || d->pad)
		return -EINVAL;
	if (!len)
		len = NEURON_DESC_MAX_LEN;
	if (d->m2s_len_ctrl & NEURON_DESC_DMB)
		flags |= NEURON_PAIR_DMB;

	ret = neuron_job_find_bo(ctx, nbos, d->m2s_addr, len, false);
	if (ret)
		return ret;
	if (neuron_addr_is_nc_sync(d->s2m_addr, len, &core)) {
		if (!neuron_core_file_owns(ctx->ndev, core,
					   ctx->file->driver_priv))
			return -EACCES;
		ctx->job->nc_writes |= BIT(core);
	} else {
		ret = neuron_job_find_bo(ctx, nbos, d->s2m_addr, len, true);
		if (ret)
			return ret;
	}
	return neuron_job_add_pair(ctx, d->m2s_addr, d->s2m_addr, len, flags, 0);
}

static int neuron_job_build(struct neuron_submit_ctx *ctx,
			    const struct drm_neuron_submit *args)
{
	struct drm_neuron_xfer __user *uxfers = u64_to_user_ptr(args->xfers);
	struct drm_neuron_dma_desc __user *udescs = u64_to_user_ptr(args->descs);
	u32 __user *uhandles = u64_to_user_ptr(args->bo_handles);
	struct neuron_job *job = ctx->job;
	u32 i, nbos;
	int ret;

	ctx->max_pairs = DRM_NEURON_SUBMIT_MAX_HW_DESCS;
	/* A copy uses two BOs, the descriptor list its own. */
	ctx->max_bos = 2 * args->xfer_count + args->bo_handle_count;
	if (ctx->max_bos) {
		job->bos = kvcalloc(ctx->max_bos, sizeof(*job->bos), GFP_KERNEL);
		if (!job->bos)
			return -ENOMEM;
	}

	/* The listed BOs come first, so user descriptors search only them. */
	for (i = 0; i < args->bo_handle_count; i++) {
		struct neuron_job_bo *bo;
		u32 handle;

		if (get_user(handle, &uhandles[i]))
			return -EFAULT;
		ret = neuron_job_add_bo(ctx, handle, false, &bo);
		if (ret)
			return ret;
	}
	nbos = job->bo_count;

	for (i = 0; i < args->xfer_count; i++) {
		struct drm_neuron_xfer x;

		if (copy_from_user(&x, &uxfers[i], sizeof(x)))
			return -EFAULT;
		if (x.type == DRM_NEURON_XFER_COPY)
			ret = neuron_job_add_copy(ctx, &x);
		else
			ret = neuron_job_add_nc_write(ctx, &x);
		if (ret)
			return ret;
		cond_resched();
	}

	for (i = 0; i < args->desc_count; i++) {
		struct drm_neuron_dma_desc d;

		if (copy_from_user(&d, &udescs[i], sizeof(d)))
			return -EFAULT;
		ret = neuron_job_add_udesc(ctx, nbos, &d);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

static int neuron_job_add_in_syncs(struct neuron_job *job,
				   struct drm_file *file,
				   const struct drm_neuron_submit *args)
{
	struct drm_neuron_sync __user *usyncs = u64_to_user_ptr(args->in_syncs);
	struct dma_fence *fence;
	u32 i;
	int ret;

	for (i = 0; i < args->in_sync_count; i++) {
		struct drm_neuron_sync s;

		if (copy_from_user(&s, &usyncs[i], sizeof(s)))
			return -EFAULT;
		if (s.flags)
			return -EINVAL;
		/*
		 * Not drm_sched_job_add_syncobj_dependency(): its point is a
		 * u32, timeline points are 64-bit.
		 */
		ret = drm_syncobj_find_fence(file, s.handle, s.point, 0, &fence);
		if (ret)
			return ret;
		/* Consumes the reference, also on failure. */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Submit: the ioctl                                                        */

/**
 * neuron_ioctl_submit() - DRM_IOCTL_NEURON_SUBMIT
 * @dev: DRM device
 * @data: &struct drm_neuron_submit
 * @file: the caller's file
 *
 * Return: 0 or a negative errno, see &struct drm_neuron_submit.
 */
int neuron_ioctl_submit(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct neuron_job_file *jf = nfile->jobs;
	struct drm_neuron_submit *args = data;
	struct neuron_submit_ctx ctx = { .ndev = ndev, .file = file };
	struct drm_syncobj *out_syncobj = NULL;
	struct dma_fence_chain *chain = NULL;
	struct drm_gem_object **objs = NULL;
	struct drm_sched_entity *entity;
	struct ww_acquire_ctx acquire;
	struct dma_fence *done;
	struct neuron_sched *ns;
	struct neuron_job *job;
	unsigned int index;
	u32 i, nobjs;
	int ret;

	if (args->flags & ~DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC || args->pad ||
	    args->out_sync.flags)
		return -EINVAL;
	if (args->engine >= NEURON_DMA_ENG_COUNT ||
	    args->queue >= NEURON_DMA_QUEUES)
		return -EINVAL;
	/* The DRAM clear of BO_CREATE must not wait behind user jobs. */
	if (args->engine == NEURON_KERNEL_ENGINE &&
	    args->queue == NEURON_KERNEL_QUEUE)
		return -EBUSY;
	if (!args->xfer_count && !args->desc_count)
		return -EINVAL;
	if (args->xfer_count > DRM_NEURON_SUBMIT_MAX_XFERS ||
	    args->desc_count > DRM_NEURON_SUBMIT_MAX_DESCS ||
	    args->bo_handle_count > DRM_NEURON_SUBMIT_MAX_BOS ||
	    args->in_sync_count > DRM_NEURON_SUBMIT_MAX_SYNCS)
		return -EINVAL;
	if (args->out_sync.point && !args->out_sync.handle)
		return -EINVAL;
	if (atomic_read(&jf->guilty))
		return -ECANCELED;
	if (READ_ONCE(ndev->wedged))
		return -EIO;

	index = args->engine * NEURON_DMA_QUEUES + args->queue;
	ns = neuron_sched_get(ndev, args->engine, args->queue);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	entity = neuron_job_file_entity(jf, ns, index);
	if (IS_ERR(entity))
		return PTR_ERR(entity);

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	INIT_LIST_HEAD(&job->node);
	job->ns = ns;
	kref_get(&jf->refcount);
	job->jf = jf;
	/* Preallocated: nothing is allocated once the job is armed. */
	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_free;
	}

	ctx.job = job;
	ret = neuron_job_build(&ctx, args);
	for (i = 0; i < ARRAY_SIZE(ctx.segs); i++) {
		kvfree(ctx.segs[i].addr);
		kvfree(ctx.segs[i].len);
	}
	for (i = 0; i < ctx.bo_segs_count; i++)
		kvfree(ctx.bo_segs[i].seg);
	kvfree(ctx.bo_segs);
	if (ret)
		goto err_free;

	if (args->out_sync.handle) {
		out_syncobj = drm_syncobj_find(file, args->out_sync.handle);
		if (!out_syncobj) {
			ret = -ENOENT;
			goto err_free;
		}
		if (args->out_sync.point) {
			chain = dma_fence_chain_alloc();
			if (!chain) {
				ret = -ENOMEM;
				goto err_free;
			}
		}
	}

	ret = neuron_sched_job_init(&job->base, entity,
				    job->pair_count + 1, jf, file->client_id);
	if (ret)
		goto err_free;

	ret = neuron_job_add_in_syncs(job, file, args);
	if (ret)
		goto err_cleanup;

	if (job->bo_count) {
		objs = kvmalloc_array(job->bo_count, sizeof(*objs), GFP_KERNEL);
		if (!objs) {
			ret = -ENOMEM;
			goto err_cleanup;
		}
		for (i = 0; i < job->bo_count; i++)
			objs[i] = job->bos[i].obj;
		ret = drm_gem_lock_reservations(objs, job->bo_count, &acquire);
		if (ret)
			goto err_cleanup;
		for (i = 0; i < job->bo_count; i++) {
			ret = dma_resv_reserve_fences(objs[i]->resv, 1);
			if (ret)
				goto err_unlock;
			if (args->flags & DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC)
				continue;
			ret = drm_sched_job_add_implicit_dependencies(&job->base,
								      objs[i],
								      job->bos[i].write);
			if (ret)
				goto err_unlock;
		}
	}

	/* Arm to push under one lock: fences of a queue stay in order. */
	mutex_lock(&ns->submit_lock);
	drm_sched_job_arm(&job->base);
	done = dma_fence_get(&job->base.s_fence->finished);
	args->seqno = done->seqno;
	/*
	 * The job may write the file's cores: they wait for it to change
	 * hands. A core it writes that changed hands since the check above
	 * (another thread released it, another file acquired it) would not:
	 * then the job does not run.
	 */
	if (!neuron_cores_job_fence(ndev, nfile, done, job->nc_writes))
		job->revoked = true;
	atomic64_inc(&jf->submitted);
	/*
	 * Before the push: from then on the job may run and be freed, and
	 * with it its references on the BOs, which another thread may be
	 * closing.
	 */
	nobjs = objs ? job->bo_count : 0;
	for (i = 0; i < nobjs; i++)
		dma_resv_add_fence(objs[i]->resv, done,
				   job->bos[i].write ? DMA_RESV_USAGE_WRITE :
				   DMA_RESV_USAGE_READ);
	if (objs)
		drm_gem_unlock_reservations(objs, nobjs, &acquire);
	kvfree(objs);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ns->submit_lock);

	if (out_syncobj) {
		if (chain)
			drm_syncobj_add_point(out_syncobj, chain, done,
					      args->out_sync.point);
		else
			drm_syncobj_replace_fence(out_syncobj, done);
		drm_syncobj_put(out_syncobj);
	}
	dma_fence_put(done);
	return 0;

err_unlock:
	drm_gem_unlock_reservations(objs, job->bo_count, &acquire);
err_cleanup:
	kvfree(objs);
	dma_fence_chain_free(chain);
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
	/* Drops the dependencies; the job was never armed. */
	drm_sched_job_cleanup(&job->base);
	neuron_job_release(job);
	return ret;

err_free:
	dma_fence_chain_free(chain);
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
	neuron_job_release(job);
	return ret;
}

/* ------------------------------------------------------------------------ */
/* Kernel jobs: clearing DRAM                                               */

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
	drm_gem_object_put(clr->obj);
	kfree(clr);
	drm_dev_put(drm);
}

/* The kernel queue's scheduler, waiting for a reset in progress. */
static struct neuron_sched *neuron_kernel_sched(struct neuron_device *ndev)
{
	struct neuron_sched *ns;
	int ret;

	for (;;) {
		ns = neuron_sched_get(ndev, NEURON_KERNEL_ENGINE,
				      NEURON_KERNEL_QUEUE);
		if (!IS_ERR(ns) || PTR_ERR(ns) != -EAGAIN)
			return ns;
		ret = down_read_interruptible(&ndev->reset_lock);
		if (ret)
			return ERR_PTR(ret);
		up_read(&ndev->reset_lock);
	}
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
	int ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	INIT_LIST_HEAD(&job->node);
	job->ns = ns;
	kref_get(&jf->refcount);
	job->jf = jf;
	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	job->pairs = kvmalloc_array(count, sizeof(*job->pairs), GFP_KERNEL);
	if (!job->hw_fence || !job->pairs) {
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

	ret = neuron_sched_job_init(&job->base, entity, count + 1, jf, 0);
	if (ret)
		goto err_release;

	mutex_lock(&ns->submit_lock);
	drm_sched_job_arm(&job->base);
	*done = dma_fence_get(&job->base.s_fence->finished);
	atomic64_inc(&jf->submitted);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ns->submit_lock);
	return 0;

err_release:
	neuron_job_release(job);
	return ret;
}

/**
 * neuron_jobs_clear_dram() - write zeroes over a DRAM BO with the DMA engine
 * @ndev: the device whose DRAM holds the BO
 * @obj: the BO, not yet visible to userspace
 * @addr: device address of the range to clear
 * @size: bytes to clear, a multiple of PAGE_SIZE
 *
 * Queues kernel jobs on the kernel queue (%NEURON_KERNEL_ENGINE,
 * %NEURON_KERNEL_QUEUE) that copy a driver-owned zeroed host buffer over
 * the range in 64 KiB descriptors, as many per job as a ring holds, and
 * waits for all of them. The device DRAM is never trusted to be clear
 * already, not even right after a reset.
 *
 * When this fails with jobs still queued (a signal, a timeout), a worker
 * keeps a reference to @obj until they are all done, so the caller just
 * drops its own: the range goes back to the allocator only once no
 * clearing job can write into it any more. On success nothing is left
 * holding @obj.
 *
 * Return: 0; -ETIMEDOUT when a job timed out (or the wait for it, three
 * job timeouts, expired); -EIO when the device is wedged, was reset during
 * the clear or a job failed otherwise; -ENODEV when it is gone;
 * -ERESTARTSYS or -EINTR when interrupted by a signal; -ENOMEM.
 */
int neuron_jobs_clear_dram(struct neuron_device *ndev,
			   struct drm_gem_object *obj, u64 addr, u64 size)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	u64 per_job = (u64)NEURON_CLEAR_PAIRS * NEURON_DESC_MAX_LEN;
	u32 i, n, count = DIV_ROUND_UP_ULL(size, per_job);
	long timeout = msecs_to_jiffies(3 * max(job_timeout_ms, 1000u));
	struct drm_sched_entity *entity;
	struct neuron_clear *clr;
	struct neuron_sched *ns;
	ktime_t t0 = ktime_get();
	int ret = 0;

	if (READ_ONCE(ndev->wedged))
		return -EIO;

	ns = neuron_kernel_sched(ndev);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	entity = neuron_job_file_entity(jobs->kernel_jf, ns,
					NEURON_KERNEL_ENGINE * NEURON_DMA_QUEUES +
					NEURON_KERNEL_QUEUE);
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
		else if (f->error)
			ret = -EIO;
	}

	if (ret && n) {
		/* Some jobs may still write into the range: keep it. */
		drm_dev_get(&ndev->drm);
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
