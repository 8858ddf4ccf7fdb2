// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * DMA jobs on the DRM GPU scheduler.
 *
 * One scheduler per DMA engine and one for the kernel's own jobs, all
 * created at probe; one entity per file per engine it uses, credits = ring
 * slots. The submit ioctl (neuron_submit.c) validates every transfer and
 * turns it into descriptor pairs in kernel memory; run_job() copies them
 * into the driver-owned ring with a completion marker and rings the
 * doorbells. v1 has no interrupts: an adaptive hrtimer polls the markers
 * of the queues that have jobs in flight and signals the hardware fences
 * in order, and stops when nothing is in flight. See
 * Documentation/accel/neuron/jobs.rst.
 */

#include <linux/bits.h>
#include <linux/cred.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/gpu_scheduler.h>
#include <drm/neuron_accel.h>

#include "neuron_context.h"
#include "neuron_core.h"
#include "neuron_dram.h"
#include "neuron_drv.h"
#include "neuron_gem.h"
#include "neuron_job.h"
#include "neuron_program.h"
#include "neuron_regs.h"
#include "neuron_reset.h"
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
		 "A DMA queue that makes no progress for this long is reset (ms, 100..600000, default 10000; applies at once)");

/*
 * The schedulers' timeout: how often a job that runs that long is looked
 * at. The handler measures the time without progress against
 * job_timeout_ms itself, so that the parameter applies to the schedulers
 * created at probe, and to jobs already running.
 */
#define NEURON_WATCHDOG_MS	250

static unsigned int poll_min_us = 10;
module_param_cb(poll_min_us, &neuron_param_poll_ops, &poll_min_us, 0644);
MODULE_PARM_DESC(poll_min_us,
		 "First completion poll after a doorbell or a completion, unless the job is expected to take longer (us, 5..100000, default 10)");

static unsigned int poll_max_us = 1000;
module_param_cb(poll_max_us, &neuron_param_poll_ops, &poll_max_us, 0644);
MODULE_PARM_DESC(poll_max_us,
		 "Longest completion poll period while jobs are in flight (us, 5..100000, default 1000; at least poll_min_us)");

/*
 * Per-file bounds, so that one file cannot take what every user of the
 * device needs: kernel memory for jobs and BOs, the device's mmap-offset
 * space (1 TiB; every BO reserves its size there at creation, backed or
 * not), its DRAM. 0 for the byte bounds: the host's RAM for host BOs, no
 * bound but the device's size for DRAM. Checked at creation: lowering a
 * bound takes nothing away.
 */
static unsigned int file_jobs_max = 4096;
module_param(file_jobs_max, uint, 0644);
MODULE_PARM_DESC(file_jobs_max,
		 "Jobs a file may have queued or running (SUBMIT fails with ENOSPC beyond; default 4096)");

/*
 * Jobs of all files of a device together: a user who opens many files gets
 * file_jobs_max each, and queued jobs (a few KiB of kernel memory each)
 * can wait behind a fence for ever.
 */
static unsigned int device_jobs_max = 65536;
module_param(device_jobs_max, uint, 0644);
MODULE_PARM_DESC(device_jobs_max,
		 "Jobs all files of a device may have queued or running together (SUBMIT fails with ENOSPC beyond; default 65536)");

static unsigned int file_bo_max = 65536;
module_param(file_bo_max, uint, 0644);
MODULE_PARM_DESC(file_bo_max,
		 "BOs a file may have created and not freed (BO_CREATE fails with ENOSPC beyond; default 65536)");

static unsigned int file_host_max_mib;
module_param(file_host_max_mib, uint, 0644);
MODULE_PARM_DESC(file_host_max_mib,
		 "MiB of host BOs a file may have created (ENOSPC beyond; default 0: the host's RAM)");

static unsigned int file_dram_max_mib;
module_param(file_dram_max_mib, uint, 0644);
MODULE_PARM_DESC(file_dram_max_mib,
		 "MiB of device DRAM a file may have allocated (ENOSPC beyond; default 0: no bound)");

/*
 * Per-user bounds on a device: the per-file ones above do not hold across
 * files, and a user may open as many as RLIMIT_NOFILE allows, in as many
 * processes as it likes. A user is the creating task's real uid (the one
 * RLIMIT_MEMLOCK and the host BO charge go by as well).
 */
static unsigned int user_bo_max = 65536;
module_param(user_bo_max, uint, 0644);
MODULE_PARM_DESC(user_bo_max,
		 "BOs a user may have created on a device and not freed, over all its files (BO_CREATE fails with ENOSPC beyond; default 65536)");

static unsigned int user_jobs_max = 16384;
module_param(user_jobs_max, uint, 0644);
MODULE_PARM_DESC(user_jobs_max,
		 "Jobs a user may have queued or running on a device, over all its files (SUBMIT fails with ENOSPC beyond; default 16384)");

static unsigned int user_dram_max_mib;
module_param(user_dram_max_mib, uint, 0644);
MODULE_PARM_DESC(user_dram_max_mib,
		 "MiB of device DRAM a user may have allocated on a device, over all its files (ENOSPC beyond; default 0: no bound)");

/**
 * neuron_tenant_get() - the calling user's counters on a device
 * @ndev: the device
 *
 * Return: the counters, referenced (neuron_tenant_put()), or NULL when out
 * of memory.
 */
struct neuron_tenant *neuron_tenant_get(struct neuron_device *ndev)
{
	unsigned long id = __kuid_val(current_uid());
	struct neuron_tenant *t, *new;

	/* An entry is erased under the lock when its count drops to zero. */
	xa_lock(&ndev->tenants);
	t = xa_load(&ndev->tenants, id);
	if (t)
		refcount_inc(&t->ref);
	xa_unlock(&ndev->tenants);
	if (t)
		return t;

	new = kzalloc_obj(*new);
	if (!new)
		return NULL;
	refcount_set(&new->ref, 1);
	new->id = id;

	xa_lock(&ndev->tenants);
	t = __xa_cmpxchg(&ndev->tenants, id, NULL, new, GFP_KERNEL);
	if (t && !xa_is_err(t))
		refcount_inc(&t->ref);
	xa_unlock(&ndev->tenants);
	if (!t)
		return new;
	kfree(new);
	return xa_is_err(t) ? NULL : t;
}

/**
 * neuron_tenant_put() - drop a reference from neuron_tenant_get()
 * @ndev: the device
 * @t: the counters, or NULL
 */
void neuron_tenant_put(struct neuron_device *ndev, struct neuron_tenant *t)
{
	bool last;

	/* refcount_dec_and_lock(), spelt out for sparse's lock context. */
	if (!t || refcount_dec_not_one(&t->ref))
		return;
	xa_lock(&ndev->tenants);
	last = refcount_dec_and_test(&t->ref);
	if (last)
		__xa_erase(&ndev->tenants, t->id);
	xa_unlock(&ndev->tenants);
	if (last)
		kfree(t);
}

/**
 * neuron_file_charge_bo() - count a new BO against its file's and its
 * user's bounds
 * @jf: the creating file's state
 * @dram: a DRAM BO (else a host BO)
 * @size: its size in bytes
 * @tenant: out: the calling user's counters, referenced; give them to
 *          neuron_file_uncharge_bo() with the BO
 *
 * Return: 0, -ENOSPC (nothing counted) when a bound would be exceeded, or
 * -ENOMEM.
 */
int neuron_file_charge_bo(struct neuron_job_file *jf, bool dram, u64 size,
			  struct neuron_tenant **tenant)
{
	u64 max = (u64)(dram ? READ_ONCE(file_dram_max_mib) :
			 READ_ONCE(file_host_max_mib)) << 20;
	u64 umax = (u64)READ_ONCE(user_dram_max_mib) << 20;
	atomic64_t *bytes = dram ? &jf->dram_bytes : &jf->host_bytes;
	struct neuron_tenant *t;

	t = neuron_tenant_get(jf->ndev);
	if (!t)
		return -ENOMEM;
	if (!dram && !max)
		max = (u64)totalram_pages() << PAGE_SHIFT;
	atomic_inc(&jf->bo_count);
	atomic_inc(&t->bos);
	atomic64_add(size, bytes);
	if (dram)
		atomic64_add(size, &t->dram_bytes);
	if ((unsigned int)atomic_read(&jf->bo_count) > READ_ONCE(file_bo_max) ||
	    (unsigned int)atomic_read(&t->bos) > READ_ONCE(user_bo_max) ||
	    ((u64)atomic64_read(bytes) > max && max) ||
	    (dram && umax && (u64)atomic64_read(&t->dram_bytes) > umax)) {
		neuron_file_uncharge_bo(jf, t, dram, size);
		return -ENOSPC;
	}
	*tenant = t;
	return 0;
}

/**
 * neuron_file_uncharge_bo() - a BO counted by neuron_file_charge_bo() is gone
 * @jf: the creating file's state
 * @t: the user's counters neuron_file_charge_bo() gave (reference dropped)
 * @dram: a DRAM BO (else a host BO)
 * @size: its size in bytes
 */
void neuron_file_uncharge_bo(struct neuron_job_file *jf,
			     struct neuron_tenant *t, bool dram, u64 size)
{
	atomic64_sub(size, dram ? &jf->dram_bytes : &jf->host_bytes);
	atomic_dec(&jf->bo_count);
	if (dram)
		atomic64_sub(size, &t->dram_bytes);
	atomic_dec(&t->bos);
	neuron_tenant_put(jf->ndev, t);
}

static inline struct neuron_job *to_neuron_job(struct drm_sched_job *job)
{
	return container_of(job, struct neuron_job, base);
}

static inline struct neuron_sched *to_neuron_sched(struct drm_gpu_scheduler *s)
{
	return container_of(s, struct neuron_sched, base);
}

/**
 * neuron_job_timeout_ms() - the job_timeout_ms module parameter
 *
 * Return: the current job timeout in milliseconds.
 */
unsigned int neuron_job_timeout_ms(void)
{
	return job_timeout_ms;
}

/* ------------------------------------------------------------------------ */
/* Hardware fences                                                          */

static const char *neuron_fence_timeline_name(struct dma_fence *fence)
{
	return "dma-queue";
}

static const struct dma_fence_ops neuron_hw_fence_ops = {
	.get_driver_name = neuron_fence_driver_name,
	.get_timeline_name = neuron_fence_timeline_name,
};

/* ------------------------------------------------------------------------ */
/* Neighbours' DRAM                                                         */

/*
 * A job that uses a neighbour's DRAM (a peer BO, imported from its
 * dma-buf) was checked against the neighbour at submit; the neighbour may
 * be unbound and bound again before the job starts, and the same DRAM
 * handed to another owner by the new instance. So the job counts itself in
 * the neighbour's instance from run_job() until its fence signals, and
 * does not start once that instance is going away; removing the instance
 * waits for the count to drain. The peer BO keeps the old instance's
 * structure alive (its dma-buf holds the device).
 */

static void neuron_job_put_peers(struct neuron_job *job)
{
	unsigned long flags;
	u32 i;

	for (i = 0; i < job->bo_count; i++) {
		struct neuron_device *owner;

		if (!job->bos[i].peer_held)
			continue;
		job->bos[i].peer_held = false;
		owner = neuron_bo_dram_owner(job->bos[i].obj);
		spin_lock_irqsave(&owner->peer_lock, flags);
		if (!--owner->peer_jobs && owner->peer_gone)
			wake_up_all(&owner->peer_wq);
		spin_unlock_irqrestore(&owner->peer_lock, flags);
	}
}

/* Count @job in the neighbours it uses; false if one is going away. */
static bool neuron_job_get_peers(struct neuron_job *job)
{
	unsigned long flags;
	bool ok = true;
	u32 i;

	for (i = 0; i < job->bo_count && ok; i++) {
		struct neuron_device *owner;

		if (!job->bos[i].route)
			continue;
		owner = neuron_bo_dram_owner(job->bos[i].obj);
		spin_lock_irqsave(&owner->peer_lock, flags);
		ok = !owner->peer_gone;
		if (ok)
			owner->peer_jobs++;
		spin_unlock_irqrestore(&owner->peer_lock, flags);
		job->bos[i].peer_held = ok;
	}
	if (!ok)
		neuron_job_put_peers(job);
	return ok;
}

/**
 * neuron_jobs_peer_alive() - may jobs still use @owner's DRAM
 * @owner: the device whose DRAM a peer BO is
 *
 * Return: false once @owner is being removed.
 */
bool neuron_jobs_peer_alive(struct neuron_device *owner)
{
	return !READ_ONCE(owner->peer_gone);
}

/**
 * neuron_jobs_peer_gone() - the device is being removed
 * @ndev: the device
 *
 * From now on no neighbour's job that uses @ndev's DRAM starts (they fail
 * with -ENODEV); waits for those already in a ring to finish, which their
 * device's job timeout bounds.
 */
void neuron_jobs_peer_gone(struct neuron_device *ndev)
{
	spin_lock_irq(&ndev->peer_lock);
	WRITE_ONCE(ndev->peer_gone, true);
	spin_unlock_irq(&ndev->peer_lock);
	wait_event(ndev->peer_wq, !READ_ONCE(ndev->peer_jobs));
}

/* ------------------------------------------------------------------------ */
/* Completion polling                                                       */

/*
 * The job's writes to host BOs become visible to the CPU before its fence
 * signals (a no-op unless the DMA layer bounces). Also for a failed or
 * cancelled job: whatever it wrote is in the BO, as without bouncing.
 */
static void neuron_job_sync_for_cpu(struct neuron_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++)
		if (job->bos[i].write)
			neuron_bo_sync_for_cpu(job->bos[i].obj);
}

/*
 * Retire a job whose marker landed (or that is errored): account its busy
 * time and signal its hardware fence. Called with ns->lock held.
 *
 * Signalling is the last use of @job: it completes the scheduler's
 * finished fence, and the scheduler may free the job on another CPU right
 * away, without taking ns->lock. Only the fence, kept alive by the
 * in-flight list's reference, is touched afterwards.
 */
static void neuron_job_retire_locked(struct neuron_sched *ns,
				     struct neuron_job *job, int error,
				     ktime_t now)
{
	struct dma_fence *fence = job->hw_fence;
	ktime_t begin = ktime_after(job->start, ns->last_done) ?
			job->start : ns->last_done;

	list_del_init(&job->node);
	neuron_job_sync_for_cpu(job);
	neuron_job_put_peers(job);
	if (ktime_after(now, begin))
		atomic64_add(ktime_to_ns(ktime_sub(now, begin)), &job->jf->busy_ns);
	ns->last_done = now;

	if (error) {
		dma_fence_set_error(fence, error);
		atomic64_inc(&job->jf->failed);
	} else {
		atomic64_inc(&job->jf->completed);
	}
	dma_fence_signal(fence);
	dma_fence_put(fence);
}

/*
 * Jobs that taught the poller how long a byte takes, per poll: so many
 * that the engine's rate dominates what they took, not the doorbell's or
 * the poll's own delay.
 */
#define NEURON_POLL_LEARN_BYTES	SZ_1M
/* Longer than any sample worth learning from; keeps ns * 10^6 in a u64. */
#define NEURON_POLL_LEARN_MAX_NS	(10ULL * NSEC_PER_SEC)

/*
 * Learn how long @ns takes per byte from @bytes moved in @elapsed by jobs
 * that ran back to back: the engine's rate, without the start-up of a job
 * on an idle queue, so that the estimate errs short (an early poll) rather
 * than long (a late fence). A moving average, weight 1/4, so that it
 * follows a change of rate within a few polls; in femtoseconds per byte,
 * so that the integer average does not drift.
 */
static void neuron_sched_learn_locked(struct neuron_sched *ns, u64 bytes,
				      ktime_t elapsed)
{
	s64 ns_elapsed = ktime_to_ns(elapsed);
	u64 fs;

	if (bytes < NEURON_POLL_LEARN_BYTES || ns_elapsed <= 0 ||
	    ns_elapsed > NEURON_POLL_LEARN_MAX_NS)
		return;
	fs = div64_u64((u64)ns_elapsed * 1000000, bytes);
	if (!ns->fs_per_byte)
		ns->fs_per_byte = fs;
	else
		ns->fs_per_byte = ns->fs_per_byte - ns->fs_per_byte / 4 + fs / 4;
}

/*
 * How long until the oldest job of @ns is expected to complete, from its
 * size and the queue's learned rate: 0 when it is already due, moves no
 * data of its own (a program run, a clear) or the rate is not known.
 * Called with ns->lock held.
 */
static u64 neuron_sched_expect_ns_locked(struct neuron_sched *ns, ktime_t now)
{
	struct neuron_job *job;
	ktime_t begin;
	u64 need;

	job = list_first_entry_or_null(&ns->inflight, struct neuron_job, node);
	if (!job || !job->bytes || !ns->fs_per_byte)
		return 0;
	begin = ktime_after(job->start, ns->last_done) ? job->start :
							 ns->last_done;
	need = div64_u64(min(job->bytes, U64_MAX / ns->fs_per_byte) *
			 ns->fs_per_byte, 1000000);
	begin = ktime_add_ns(begin, need);
	return ktime_after(begin, now) ? ktime_to_ns(ktime_sub(begin, now)) : 0;
}

/* Signal, in order, every job of @ns whose marker landed. */
static unsigned int neuron_sched_poll_locked(struct neuron_sched *ns)
{
	struct neuron_job *job, *tmp;
	unsigned int done = 0;
	ktime_t now = ktime_get();
	ktime_t first_begin = ns->last_done;
	bool learn = true;
	u64 bytes = 0;

	list_for_each_entry_safe(job, tmp, &ns->inflight, node) {
		if (!neuron_ring_marker_done(&ns->ring, job->marker_slot,
					     job->hw_fence->seqno))
			break;
		/*
		 * Learn only from jobs that moved data of their own and were
		 * all queued before the first of them could start: no idle
		 * gap, no program or clear counts in the time.
		 */
		if (!job->bytes || ktime_after(job->start, first_begin))
			learn = false;
		bytes += job->bytes;
		/* the job may be freed once signalled */
		neuron_job_retire_locked(ns, job, 0, now);
		done++;
	}
	if (done) {
		ns->progress = now;
		atomic_set(&ns->hangs, 0);
		if (learn)
			neuron_sched_learn_locked(ns, bytes,
						  ktime_sub(now, first_begin));
	}
	return done;
}

/*
 * drm_sched restarts its timeout whenever one of its jobs starts, so on a
 * queue fed more often than the watchdog period the timeout handler would
 * not run until the ring is full. The poller sees every busy queue: it
 * reports one that made no progress for job_timeout_ms itself, once per
 * stall. Called with ns->lock held.
 */
static void neuron_sched_check_stall_locked(struct neuron_sched *ns,
					    ktime_t now)
{
	if (list_empty(&ns->inflight) || ns->paused || ns->stopped)
		return;
	if (ktime_compare(ns->progress, ns->fault_progress) == 0 ||
	    ktime_ms_delta(now, ns->progress) < READ_ONCE(job_timeout_ms))
		return;
	ns->fault_progress = ns->progress;
	drm_sched_fault(&ns->base);
}

/*
 * The first poll for a job: hybrid polling, sleeping through most of the
 * time a job is expected to take, then polling. A job expected to take
 * more than 4/3 of the shortest period is first looked at after 3/4 of
 * that time, not polled all along; what it takes beyond that is found by
 * the backoff, from 1/8 of it. Sleeping only part of the estimate keeps
 * it honest: a job found done at the first look teaches the queue a
 * shorter time.
 */
static void neuron_poll_expect(u64 expect_ns, u64 *first, u64 *backoff)
{
	u64 min_ns = (u64)READ_ONCE(poll_min_us) * NSEC_PER_USEC;
	u64 max_ns = max((u64)READ_ONCE(poll_max_us) * NSEC_PER_USEC, min_ns);

	*first = clamp(expect_ns / 4 * 3, min_ns, max_ns);
	/* the period the backoff doubles from */
	*backoff = clamp(expect_ns / 16, min_ns, max_ns);
}

static enum hrtimer_restart neuron_poll_timer(struct hrtimer *timer)
{
	struct neuron_jobs *jobs = container_of(timer, struct neuron_jobs, timer);
	struct neuron_sched *ns, *tmp;
	unsigned int done = 0;
	ktime_t t0 = ktime_get();
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	u64 expect = U64_MAX;
	unsigned long flags;
	bool cookie;

	cookie = dma_fence_begin_signalling();
	spin_lock(&jobs->poll_lock);
	list_for_each_entry_safe(ns, tmp, &jobs->busy, poll_node) {
		spin_lock_irqsave(&ns->lock, flags);
		done += neuron_sched_poll_locked(ns);
		if (list_empty(&ns->inflight)) {
			list_del_init(&ns->poll_node);
		} else {
			ktime_t now = ktime_get();

			neuron_sched_check_stall_locked(ns, now);
			expect = min(expect,
				     neuron_sched_expect_ns_locked(ns, now));
		}
		spin_unlock_irqrestore(&ns->lock, flags);
	}

	/* Already restarted by neuron_poll_kick() while this ran: keep that. */
	if (!list_empty(&jobs->busy) && !hrtimer_is_queued(timer)) {
		/* Quick while jobs complete, backing off while they run. */
		u64 max_ns = (u64)READ_ONCE(poll_max_us) * NSEC_PER_USEC;
		u64 first, backoff;

		neuron_poll_expect(expect, &first, &backoff);
		if (done) {
			/* from now, not from a late expiry */
			jobs->period_ns = backoff;
			hrtimer_set_expires(timer, ktime_add_ns(ktime_get(), first));
		} else {
			jobs->period_ns = min(jobs->period_ns * 2,
					      max(max_ns, backoff));
			hrtimer_forward_now(timer, ns_to_ktime(jobs->period_ns));
		}
		ret = HRTIMER_RESTART;
	}
	spin_unlock(&jobs->poll_lock);
	dma_fence_end_signalling(cookie);

	atomic64_inc(&jobs->polls);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), t0)), &jobs->poll_ns);
	return ret;
}

/*
 * A queue got new work, whose oldest job is expected to complete in
 * @expect_ns (0: unknown or soon): make sure the poller looks at it by
 * then.
 */
static void neuron_poll_kick(struct neuron_jobs *jobs, struct neuron_sched *ns,
			     u64 expect_ns)
{
	u64 first, backoff;

	neuron_poll_expect(expect_ns, &first, &backoff);
	spin_lock_bh(&jobs->poll_lock);
	if (jobs->unplugged) {
		spin_unlock_bh(&jobs->poll_lock);
		return;
	}
	if (list_empty(&ns->poll_node))
		list_add_tail(&ns->poll_node, &jobs->busy);
	/*
	 * Not hrtimer_active(): that is also true while the callback runs,
	 * which may already have found nothing busy and be about to stop.
	 * A poll already queued is brought forward only when it is due well
	 * after this queue needs one (asleep through another queue's long
	 * job, or far into a backoff): moving it for every doorbell of a
	 * stream of small jobs costs more than it saves.
	 */
	if (!hrtimer_is_queued(&jobs->timer) ||
	    ktime_after(hrtimer_get_expires(&jobs->timer),
			ktime_add_ns(ktime_get(), first + backoff))) {
		jobs->period_ns = backoff;
		hrtimer_start(&jobs->timer, ns_to_ktime(first),
			      HRTIMER_MODE_REL_SOFT);
	}
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
	/* The queue was idle: its no-progress time starts now. */
	if (list_empty(&ns->inflight))
		ns->progress = job->start;
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
	bool paused, stopped;
	u64 expect = 0;
	int idx;
	u32 i;

	if (job->revoked)
		return ERR_PTR(-EACCES);
	/* Jobs queued behind a timed-out job of the same context never run. */
	if (atomic_read(job->guilty))
		return ERR_PTR(-ECANCELED);
	if (unlikely(sched_job->s_fence->finished.error))
		return ERR_PTR(sched_job->s_fence->finished.error);
	if (READ_ONCE(ndev->wedged))
		return ERR_PTR(-EIO);
	/* A neighbour unbound since the submit: its DRAM is not ours to use. */
	if (!neuron_job_get_peers(job))
		return ERR_PTR(-ENODEV);
	if (!drm_dev_enter(&ndev->drm, &idx)) {
		neuron_job_put_peers(job);
		return ERR_PTR(-ENODEV);
	}

	/*
	 * The CPU's writes reach the device (bounce buffers) now that every
	 * dependency has signalled, not at submit: an earlier job may still
	 * have been writing the BO then.
	 */
	for (i = 0; i < job->bo_count; i++)
		neuron_bo_sync_for_device(job->bos[i].obj);

	spin_lock_irqsave(&ns->lock, flags);
	/* Its own inline lock: the fence may outlive the device. */
	dma_fence_init(fence, &neuron_hw_fence_ops, NULL,
		       ns->fence_context, ++ns->seqno);
	job->hw_fence_init = true;
	/* One reference for the in-flight list, dropped when signalled. */
	dma_fence_get(fence);
	/*
	 * During a device reset the job waits for the ring on @held; with the
	 * engines stopped it fails here, under the lock the reset paths
	 * change both under: nothing is written into a stopped ring.
	 */
	paused = ns->paused;
	stopped = ns->stopped;
	if (paused) {
		list_add_tail(&job->node, &ns->held);
	} else if (stopped) {
		neuron_job_retire_locked(ns, job, -EIO, ktime_get());
	} else {
		neuron_job_emit_locked(ns, job);
		expect = neuron_sched_expect_ns_locked(ns, job->start);
	}
	spin_unlock_irqrestore(&ns->lock, flags);

	drm_dev_exit(idx);

	if (!paused && !stopped)
		neuron_poll_kick(&ndev->jobs, ns, expect);
	/*
	 * The job keeps the initial reference until it is freed; the
	 * scheduler gets its own.
	 */
	return dma_fence_get(fence);
}

static void neuron_job_file_release(struct kref *kref);

/**
 * neuron_job_alloc() - allocate a job and its hardware fence
 * @ns: the queue it will run on
 * @jf: the submitting file's job state, referenced by the job
 *
 * The hardware fence is preallocated: nothing is allocated once the job is
 * armed. Free the job with neuron_job_release() until it is pushed.
 *
 * Return: the job, or NULL when out of memory.
 */
struct neuron_job *neuron_job_alloc(struct neuron_sched *ns,
				    struct neuron_job_file *jf)
{
	struct neuron_job *job;

	job = kzalloc_obj(*job);
	if (!job)
		return NULL;
	INIT_LIST_HEAD(&job->node);
	job->ns = ns;
	kref_get(&jf->refcount);
	job->jf = jf;
	job->guilty = &jf->guilty;
	atomic_inc(&jf->jobs);
	atomic_inc(&jf->ndev->jobs.job_count);
	if (!jf->kernel) {
		job->tenant = neuron_tenant_get(jf->ndev);
		if (!job->tenant) {
			neuron_job_release(job);
			return NULL;
		}
		atomic_inc(&job->tenant->jobs);
	}
	job->hw_fence = kzalloc_obj(*job->hw_fence);
	if (!job->hw_fence) {
		neuron_job_release(job);
		return NULL;
	}
	return job;
}

/**
 * neuron_job_release() - free a job that is no longer (or never was) queued
 * @job: the job
 *
 * Drops the job's BO references, its hardware fence and its reference on
 * the submitting file's job state.
 */
void neuron_job_release(struct neuron_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++)
		drm_gem_object_put(job->bos[i].obj);
	kvfree(job->bos);
	if (job->ctx)
		neuron_context_put(job->ctx);
	/* A program's job borrows its pairs. */
	if (job->program) {
		neuron_program_put(job->program);
		job->pairs = NULL;
	}
	kvfree(job->pairs);

	if (job->hw_fence_init)
		dma_fence_put(job->hw_fence);
	else
		kfree(job->hw_fence);

	if (job->tenant) {
		atomic_dec(&job->tenant->jobs);
		neuron_tenant_put(job->jf->ndev, job->tenant);
	}
	atomic_dec(&job->jf->ndev->jobs.job_count);
	atomic_dec(&job->jf->jobs);
	kref_put(&job->jf->refcount, neuron_job_file_release);
	kfree(job);
}

/**
 * neuron_job_file_full() - the file, its user or all files of its device
 * have as many jobs as they may
 * @job: the job being submitted, counted
 *
 * Return: true when SUBMIT must fail with -ENOSPC.
 */
bool neuron_job_file_full(struct neuron_job *job)
{
	struct neuron_job_file *jf = job->jf;

	return job->tenant &&
	       ((unsigned int)atomic_read(&jf->jobs) > READ_ONCE(file_jobs_max) ||
		(unsigned int)atomic_read(&job->tenant->jobs) >
		READ_ONCE(user_jobs_max) ||
		(unsigned int)atomic_read(&jf->ndev->jobs.job_count) >
		READ_ONCE(device_jobs_max));
}

static void neuron_job_free(struct drm_sched_job *sched_job)
{
	drm_sched_job_cleanup(sched_job);
	neuron_job_release(to_neuron_job(sched_job));
}

/*
 * Reset the hardware queue and deal with every job that was in the ring:
 * the first one is the culprit (@error), jobs of guilty files are
 * cancelled, the others are written into the ring again, keeping their
 * hardware fences. Called with ns->lock held.
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
	ns->last_head = 0;
	ns->progress = now;

	list_for_each_entry_safe(job, tmp, &ns->inflight, node) {
		if (first) {
			first = false;
			if (!job->jf->kernel) {
				atomic_inc(job->guilty);
				atomic_inc(&job->jf->timeouts);
			}
			neuron_job_retire_locked(ns, job, error, now);
		} else if (atomic_read(job->guilty)) {
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

/*
 * Free the jobs timeout handlers took over (neuron_jobs.dead), on the
 * scheduler's submit workqueue where free_job() runs too. Not in the
 * handler: the last reference on a BO may go with the job, and freeing a
 * BO takes its reservation lock, which others hold while they allocate.
 */
static void neuron_jobs_free_dead(struct work_struct *work)
{
	struct neuron_jobs *jobs = container_of(work, struct neuron_jobs,
						free_work);
	struct neuron_job *job, *tmp;
	LIST_HEAD(dead);

	spin_lock(&jobs->dead_lock);
	list_splice_init(&jobs->dead, &dead);
	spin_unlock(&jobs->dead_lock);

	list_for_each_entry_safe(job, tmp, &dead, node) {
		list_del(&job->node);
		neuron_job_free(&job->base);
	}
}

/*
 * The scheduler's timeout is a watchdog period (NEURON_WATCHDOG_MS): this
 * runs every period while a job runs longer than that, and resets the
 * queue only when it made no progress for job_timeout_ms. The scheduler is
 * never stopped: the ring and the in-flight list are the driver's, under
 * ns->lock, and every job in the ring keeps its hardware fence (and with
 * it the scheduler's callback) across a queue reset.
 *
 * A dma-fence signalling path from start to end: the fences of the jobs
 * in the ring signal only once it ran, and so do those of a device reset,
 * which the ordered timeout workqueue runs after it. Nothing in here waits
 * for a fence or allocates memory, nor takes a lock anybody holds while
 * doing so (lockdep checks it, inside drm_dev_enter() too: see
 * neuron_fence_signalling_reenter()); the timed-out job is freed
 * elsewhere. The mailbox lock is only tried: its holders may be slow.
 */
static enum drm_gpu_sched_stat neuron_job_timedout(struct drm_sched_job *sched_job)
{
	struct neuron_job *job = to_neuron_job(sched_job);
	struct neuron_sched *ns = job->ns;
	struct neuron_device *ndev = ns->ring.ndev;
	struct neuron_jobs *jobs = &ndev->jobs;
	enum drm_gpu_sched_stat stat = DRM_GPU_SCHED_STAT_RESET;
	struct neuron_job *first;
	unsigned long flags;
	/* The one the decision used, for the message too. */
	unsigned int timeout_ms = READ_ONCE(job_timeout_ms);
	bool hung = false, head_read, cookie;
	unsigned int hangs, core;
	u64 seqno = 0;
	u32 head;
	int idx;

	cookie = dma_fence_begin_signalling();

	/* Completed (or failed in run_job()): freed the usual way. */
	if (dma_fence_is_signaled(&sched_job->s_fence->finished)) {
		stat = DRM_GPU_SCHED_STAT_NO_HANG;
		goto out;
	}

	mutex_lock(&jobs->recovery);
	/*
	 * Unplugged: neuron_jobs_unplug() stops the DMA and then retires every
	 * job in flight, this one too; the scheduler frees it afterwards.
	 */
	if (!drm_dev_enter(&ndev->drm, &idx)) {
		mutex_unlock(&jobs->recovery);
		stat = DRM_GPU_SCHED_STAT_NO_HANG;
		goto out;
	}
	cookie = neuron_fence_signalling_reenter(cookie);

	spin_lock_irqsave(&ns->lock, flags);
	neuron_sched_poll_locked(ns);
	first = list_first_entry_or_null(&ns->inflight, struct neuron_job, node);
	spin_unlock_irqrestore(&ns->lock, flags);

	/*
	 * A big job that still moves is slow, not stuck. The mailbox may be
	 * busy (-EBUSY): no evidence of progress then, which matters only
	 * for one job that runs longer than job_timeout_ms by itself.
	 */
	head_read = first == job && !neuron_ring_read_head(&ns->ring, &head);

	spin_lock_irqsave(&ns->lock, flags);
	if (head_read && head != ns->last_head) {
		ns->last_head = head;
		ns->progress = ktime_get();
	}
	first = list_first_entry_or_null(&ns->inflight, struct neuron_job, node);
	/* Stopped engines: the reset that stopped them failed the job. */
	if (first == job && !ns->stopped &&
	    ktime_ms_delta(ktime_get(), ns->progress) >= timeout_ms) {
		hung = true;
		seqno = job->hw_fence->seqno;
		neuron_sched_recover_locked(ns, -ETIMEDOUT);
	}
	spin_unlock_irqrestore(&ns->lock, flags);
	drm_dev_exit(idx);
	mutex_unlock(&jobs->recovery);

	if (!hung) {
		stat = DRM_GPU_SCHED_STAT_NO_HANG;
		goto out;
	}

	atomic64_inc(&jobs->timeouts);
	drm_warn(&ndev->drm,
		 "DMA engine %u queue %u: job %llu made no progress for %u ms, queue reset\n",
		 ns->ring.engine, ns->ring.queue, seqno, timeout_ms);
	neuron_poll_kick(jobs, ns, 0);
	/*
	 * Queue resets do not help a queue that keeps hanging: a core that
	 * takes nothing may hold it, then the device. Both run on our
	 * workqueue after this handler returns.
	 */
	hangs = atomic_inc_return(&ns->hangs);
	if (hangs >= 2 * NEURON_HANGS_ESCALATE) {
		atomic_set(&ns->hangs, 0);
		drm_warn(&ndev->drm,
			 "DMA engine %u queue %u: %u resets in a row without a completed job, resetting the device\n",
			 ns->ring.engine, ns->ring.queue, hangs);
		neuron_reset_schedule(ndev);
	} else if (hangs == NEURON_HANGS_ESCALATE) {
		core = ns->ring.engine / NEURON_DMA_ENG_PER_NC;
		drm_warn(&ndev->drm,
			 "DMA engine %u queue %u: %u resets in a row without a completed job, resetting NeuronCore %u\n",
			 ns->ring.engine, ns->ring.queue, hangs, core);
		neuron_reset_cores_schedule(ndev, BIT(core));
	}
	/*
	 * The scheduler took the job off its pending list before calling us
	 * and keeps it off after a reset, so it is ours to free; its hardware
	 * fence signalled above, and with it the scheduler's callback ran.
	 * The queue reset retired it: its node is free.
	 */
	spin_lock(&jobs->dead_lock);
	list_add_tail(&job->node, &jobs->dead);
	spin_unlock(&jobs->dead_lock);
	queue_work(jobs->submit_wq, &jobs->free_work);
out:
	dma_fence_end_signalling(cookie);
	return stat;
}

#ifndef NEURON_COMPAT_NO_CANCEL_JOB
/*
 * drm_sched_fini() cancels the jobs still pending: those in a ring are
 * retired with -ECANCELED. It runs when the device is released, after
 * neuron_jobs_unplug() has stopped the DMA and retired every job in
 * flight, or on a failed probe, before any job: normally there is none.
 */
static void neuron_job_cancel(struct drm_sched_job *sched_job)
{
	struct neuron_job *job = to_neuron_job(sched_job);
	struct neuron_sched *ns = job->ns;
	unsigned long flags;
	bool cookie;

	cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(&ns->lock, flags);
	if (!list_empty(&job->node))
		neuron_job_retire_locked(ns, job, -ECANCELED, ktime_get());
	spin_unlock_irqrestore(&ns->lock, flags);
	dma_fence_end_signalling(cookie);
}
#endif

static const struct drm_sched_backend_ops neuron_sched_ops = {
	.run_job = neuron_job_run,
	.timedout_job = neuron_job_timedout,
	.free_job = neuron_job_free,
#ifndef NEURON_COMPAT_NO_CANCEL_JOB
	.cancel_job = neuron_job_cancel,
#endif
};

/* ------------------------------------------------------------------------ */
/* Scheduler topology                                                       */

/*
 * Bring every DMA engine up and point the rings at their memory: at probe
 * and after a device reset, which loses both.
 */
static int neuron_jobs_hw_init(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned long flags;
	unsigned int i;
	int ret;

	for (i = 0; i < NEURON_DMA_ENG_COUNT; i++) {
		ret = neuron_udma_engine_init(ndev, i);
		if (ret)
			return ret;
	}
	for (i = 0; i < jobs->sched_count; i++) {
		struct neuron_sched *ns = &jobs->sched[i];

		spin_lock_irqsave(&ns->lock, flags);
		neuron_ring_hw_init(&ns->ring);
		ns->last_head = 0;
		spin_unlock_irqrestore(&ns->lock, flags);
	}
	return 0;
}

static int neuron_sched_init(struct neuron_device *ndev, unsigned int index)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	struct neuron_sched *ns = &jobs->sched[index];
	bool kernel = index == NEURON_KERNEL_SCHED;
	unsigned int engine = kernel ? NEURON_KERNEL_ENGINE : index;
	unsigned int queue = kernel ? NEURON_KERNEL_QUEUE : NEURON_USER_QUEUE;
	/* Every priority, no shared score, the device's workqueues. */
	struct drm_sched_init_args args = {
		.ops = &neuron_sched_ops,
		.submit_wq = jobs->submit_wq,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = NEURON_SCHED_CREDITS,
		.timeout = msecs_to_jiffies(NEURON_WATCHDOG_MS),
		.timeout_wq = jobs->timeout_wq,
		.name = ns->name,
		.dev = ndev->drm.dev,
	};
	int ret;

	ns->index = index;
	spin_lock_init(&ns->lock);
	mutex_init(&ns->submit_lock);
	INIT_LIST_HEAD(&ns->inflight);
	INIT_LIST_HEAD(&ns->held);
	INIT_LIST_HEAD(&ns->poll_node);
	ns->fence_context = dma_fence_context_alloc(1);
	if (kernel)
		snprintf(ns->name, sizeof(ns->name), "neuron-kernel");
	else
		snprintf(ns->name, sizeof(ns->name), "neuron-dma%u", engine);

	ret = neuron_ring_alloc(ndev, &ns->ring, engine, queue);
	if (ret)
		goto err;
	ret = drm_sched_init(&ns->base, &args);
	if (ret) {
		neuron_ring_free(&ns->ring);
		goto err;
	}
	jobs->ring_bytes += neuron_ring_bytes();
	return 0;

err:
	mutex_destroy(&ns->submit_lock);
	return ret;
}

static void neuron_jobs_fini(struct drm_device *drm, void *arg)
{
	struct neuron_device *ndev = to_neuron_device(drm);
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	/* The kernel's entities go before the schedulers they feed. */
	if (jobs->kernel_jf)
		neuron_job_file_close(jobs->kernel_jf);
	hrtimer_cancel(&jobs->timer);
	for (i = 0; i < jobs->sched_count; i++) {
		struct neuron_sched *ns = &jobs->sched[i];

		drm_sched_fini(&ns->base);
		neuron_ring_free(&ns->ring);
		mutex_destroy(&ns->submit_lock);
	}
	/* Also runs the last free_work: no timeout handler queues it now. */
	if (jobs->submit_wq)
		destroy_workqueue(jobs->submit_wq);
	if (jobs->timeout_wq)
		destroy_workqueue(jobs->timeout_wq);
	if (jobs->zero_buf)
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
	seq_printf(m, "dram_clear_bytes: %lld\ndram_clear_ns: %lld\n",
		   atomic64_read(&jobs->clear_bytes),
		   atomic64_read(&jobs->clear_ns));
	seq_printf(m, "dram_dirty_bytes: %llu\n", neuron_dram_dirty_bytes(ndev));
	seq_printf(m, "schedulers: %u\nring_bytes: %zu\n", jobs->sched_count,
		   jobs->ring_bytes);
	for (i = 0; i < jobs->sched_count; i++) {
		struct neuron_sched *ns = &jobs->sched[i];
		struct neuron_job *job;
		unsigned int n = 0;
		unsigned long flags;

		spin_lock_irqsave(&ns->lock, flags);
		list_for_each_entry(job, &ns->inflight, node)
			n++;
		spin_unlock_irqrestore(&ns->lock, flags);
		seq_printf(m, "%s: engine %u queue %u seqno %u in_ring %u\n",
			   ns->name, ns->ring.engine, ns->ring.queue,
			   READ_ONCE(ns->seqno), n);
	}
	return 0;
}

static const struct drm_debugfs_info neuron_jobs_debugfs[] = {
	{ "jobs", neuron_debugfs_jobs, 0 },
};

/**
 * neuron_jobs_init() - set up the job machinery of a device
 * @ndev: the device, after its reset, before drm_dev_register()
 *
 * Creates every scheduler of the device with its rings and brings the DMA
 * engines up: nothing is created later, so nothing a user does allocates
 * rings or schedulers.
 *
 * Return: 0, -ENOMEM, or an error of the engines' initialisation.
 */
int neuron_jobs_init(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	struct neuron_job_file *kjf;
	unsigned int i;
	int ret;

	ret = drmm_mutex_init(&ndev->drm, &jobs->recovery);
	if (ret)
		return ret;
	spin_lock_init(&jobs->poll_lock);
	INIT_LIST_HEAD(&jobs->busy);
	spin_lock_init(&jobs->dead_lock);
	INIT_LIST_HEAD(&jobs->dead);
	INIT_WORK(&jobs->free_work, neuron_jobs_free_dead);
	hrtimer_setup(&jobs->timer, neuron_poll_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);

	/* From here on neuron_jobs_fini() undoes whatever was set up. */
	ret = drmm_add_action(&ndev->drm, neuron_jobs_fini, NULL);
	if (ret)
		return ret;

	/*
	 * One ordered queue for the timeouts: a device's recoveries never run
	 * concurrently. One for run_job() and free_job() of all schedulers:
	 * both are short, and a workqueue per scheduler buys nothing.
	 */
	jobs->timeout_wq = alloc_ordered_workqueue("neuron-tdr-%s", 0,
						   dev_name(ndev->drm.dev));
	jobs->submit_wq = alloc_ordered_workqueue("neuron-sched-%s",
						  WQ_MEM_RECLAIM,
						  dev_name(ndev->drm.dev));
	/* dma_alloc_coherent() memory is zeroed. */
	jobs->zero_buf = dma_alloc_coherent(ndev->drm.dev, NEURON_DESC_MAX_LEN,
					    &jobs->zero_dma, GFP_KERNEL);
	if (!jobs->timeout_wq || !jobs->submit_wq || !jobs->zero_buf)
		return -ENOMEM;

	for (i = 0; i < NEURON_SCHED_COUNT; i++) {
		ret = neuron_sched_init(ndev, i);
		if (ret)
			return ret;
		jobs->sched_count++;
	}

	ret = neuron_jobs_hw_init(ndev);
	if (ret)
		return ret;

	ret = neuron_job_file_open(ndev, &kjf);
	if (ret)
		return ret;
	kjf->kernel = true;
	jobs->kernel_jf = kjf;

	drm_debugfs_add_files(&ndev->drm, neuron_jobs_debugfs,
			      ARRAY_SIZE(neuron_jobs_debugfs));
	return 0;
}

/**
 * neuron_sched_user() - the scheduler of a DMA engine for user jobs
 * @ndev: the device
 * @engine: DMA engine, below %NEURON_USER_SCHEDS
 *
 * Return: the scheduler; it lives as long as @ndev.
 */
struct neuron_sched *neuron_sched_user(struct neuron_device *ndev,
				       unsigned int engine)
{
	return &ndev->jobs.sched[engine];
}

/**
 * neuron_sched_kernel() - the scheduler of the kernel's own jobs
 * @ndev: the device
 *
 * Return: the scheduler; it lives as long as @ndev.
 */
struct neuron_sched *neuron_sched_kernel(struct neuron_device *ndev)
{
	return &ndev->jobs.sched[NEURON_KERNEL_SCHED];
}

/*
 * Error every job in a ring (and with @held, every job held back by a
 * reset too) on every queue, the device's DMA stopped or reset.
 */
static void neuron_jobs_error_all(struct neuron_device *ndev, int error,
				  bool held)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	ktime_t now = ktime_get();
	unsigned long flags;
	unsigned int i;
	bool cookie;

	cookie = dma_fence_begin_signalling();
	for (i = 0; i < jobs->sched_count; i++) {
		struct neuron_sched *ns = &jobs->sched[i];
		struct neuron_job *job, *tmp;

		spin_lock_irqsave(&ns->lock, flags);
		neuron_sched_poll_locked(ns);
		list_for_each_entry_safe(job, tmp, &ns->inflight, node)
			neuron_job_retire_locked(ns, job, error, now);
		if (held)
			list_for_each_entry_safe(job, tmp, &ns->held, node)
				neuron_job_retire_locked(ns, job, error, now);
		spin_unlock_irqrestore(&ns->lock, flags);
	}
	dma_fence_end_signalling(cookie);
}

/*
 * Stop the device's DMA before the jobs in flight are signalled: their
 * fences let BOs and rings be freed, and no descriptor may still target
 * that memory. Aborts every engine and disables and resets the driver's
 * queues. Called with jobs->recovery held, the BAR mapped.
 */
static void neuron_jobs_quiesce(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	for (i = 0; i < NEURON_DMA_ENG_COUNT; i++)
		neuron_udma_engine_abort(ndev, i);
	for (i = 0; i < jobs->sched_count; i++)
		neuron_ring_hw_stop(&jobs->sched[i].ring);
}

/*
 * The device's coherent memory goes back before the device is released
 * (open files keep the schedulers until their last close). Nothing uses
 * it after the unplug: run_job() and recovery enter the device first,
 * and the poller is off. Called with jobs->recovery held.
 */
static void neuron_jobs_free_dma(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned int i;

	for (i = 0; i < jobs->sched_count; i++)
		neuron_ring_free(&jobs->sched[i].ring);
	jobs->ring_bytes = 0;
	dma_free_coherent(ndev->drm.dev, NEURON_DESC_MAX_LEN, jobs->zero_buf,
			  jobs->zero_dma);
	jobs->zero_buf = NULL;
}

/**
 * neuron_jobs_unplug() - the device is going away
 * @ndev: the device, after drm_dev_unplug(), BAR still mapped
 *
 * Stops the poller and the device's DMA, turns bus mastering off, then
 * signals every job in flight with -ENODEV and frees the rings; jobs not
 * yet started fail with -ENODEV in run_job().
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
	neuron_jobs_error_all(ndev, -ENODEV, true);
	neuron_jobs_free_dma(ndev);
	mutex_unlock(&jobs->recovery);
}

/**
 * neuron_jobs_reset_prepare() - a device reset is about to start
 * @ndev: the device, with the reset lock held for writing
 *
 * Keeps timeout handlers out and holds back the jobs the schedulers run
 * from now on: run_job() parks them on &neuron_sched.held instead of the
 * ring until neuron_jobs_reset_done(). The schedulers are not stopped:
 * that would wait for their free_job() work, which may take locks held
 * around allocations, with the lock the timeout handlers take.
 */
void neuron_jobs_reset_prepare(struct neuron_device *ndev)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned long flags;
	unsigned int i;

	mutex_lock(&jobs->recovery);
	for (i = 0; i < jobs->sched_count; i++) {
		struct neuron_sched *ns = &jobs->sched[i];

		spin_lock_irqsave(&ns->lock, flags);
		ns->paused = true;
		spin_unlock_irqrestore(&ns->lock, flags);
	}
}

/**
 * neuron_jobs_reset_done() - a device reset finished, or the device stops
 * @ndev: the device, with the reset lock held for writing
 * @result: 0 when the device was reset successfully; else the negative
 *          errno of the failed reset, or -EIO when the device is stopped
 *          without a reset (PCI error, function reset, shutdown)
 *
 * A reset loses everything the engines held: jobs in flight fail with
 * -EIO; engines and queues are set up again, and the jobs held back during
 * the reset go into the rings. If the reset failed, or the engines do not
 * come back, the engines and queues are stopped before any job is
 * released, and every queue stays stopped until a reset succeeds: the
 * held jobs and those the schedulers run meanwhile fail with -EIO.
 *
 * Return: 0 when the engines run again; else @result, or the error of the
 * engines' set-up (the caller must then treat the device as wedged).
 */
int neuron_jobs_reset_done(struct neuron_device *ndev, int result)
{
	struct neuron_jobs *jobs = &ndev->jobs;
	unsigned long flags;
	unsigned int i;
	bool cookie;

	if (!result) {
		neuron_jobs_error_all(ndev, -EIO, false);
		result = neuron_jobs_hw_init(ndev);
		if (result)
			drm_err(&ndev->drm, "DMA engines did not come back after the reset: %d\n",
				result);
	}
	/* A failed reset may leave the engines running: stop them first. */
	if (result) {
		neuron_jobs_quiesce(ndev);
		neuron_jobs_error_all(ndev, -EIO, false);
	}

	cookie = dma_fence_begin_signalling();
	for (i = 0; i < jobs->sched_count; i++) {
		struct neuron_sched *ns = &jobs->sched[i];
		struct neuron_job *job, *tmp;
		bool kick = false;

		/* Held jobs too, up to the moment run_job() sees the change. */
		spin_lock_irqsave(&ns->lock, flags);
		ns->paused = false;
		ns->stopped = result != 0;
		list_for_each_entry_safe(job, tmp, &ns->held, node) {
			if (result) {
				neuron_job_retire_locked(ns, job, -EIO, ktime_get());
				continue;
			}
			list_del_init(&job->node);
			neuron_job_emit_locked(ns, job);
			kick = true;
		}
		spin_unlock_irqrestore(&ns->lock, flags);
		if (kick)
			neuron_poll_kick(jobs, ns, 0);
	}
	dma_fence_end_signalling(cookie);
	mutex_unlock(&jobs->recovery);
	return result;
}

/* ------------------------------------------------------------------------ */
/* Per-file state                                                           */

int neuron_job_file_open(struct neuron_device *ndev,
			 struct neuron_job_file **out)
{
	struct neuron_job_file *jf;

	jf = kzalloc_obj(*jf);
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

	for (i = 0; i < NEURON_SCHED_COUNT; i++) {
		if (!jf->entity[i])
			continue;
		drm_sched_entity_destroy(jf->entity[i]);
		kfree(jf->entity[i]);
	}
	kref_put(&jf->refcount, neuron_job_file_release);
}

/**
 * neuron_job_file_put() - drop a reference taken on a file's job state
 * @jf: the file's job state
 */
void neuron_job_file_put(struct neuron_job_file *jf)
{
	kref_put(&jf->refcount, neuron_job_file_release);
}

void neuron_job_show_fdinfo(struct drm_printer *p, struct neuron_job_file *jf)
{
	drm_printf(p, "drm-engine-dma:\t%lld ns\n", atomic64_read(&jf->busy_ns));
	/* One scheduler per engine: the engines are what run jobs at once. */
	drm_printf(p, "drm-engine-capacity-dma:\t%u\n", NEURON_USER_SCHEDS);
	drm_printf(p, "neuron-jobs-submitted:\t%lld\n",
		   atomic64_read(&jf->submitted));
	drm_printf(p, "neuron-jobs-completed:\t%lld\n",
		   atomic64_read(&jf->completed));
	drm_printf(p, "neuron-jobs-failed:\t%lld\n", atomic64_read(&jf->failed));
	drm_printf(p, "neuron-guilty:\t%u\n", (u32)atomic_read(&jf->timeouts));
}

/**
 * neuron_job_file_entity() - the entity of a file on a scheduler
 * @jf: the file's job state
 * @ns: the scheduler
 *
 * Creates the entity on first use, with kernel priority for the kernel's
 * own job state.
 *
 * Return: the entity or an ERR_PTR().
 */
struct drm_sched_entity *
neuron_job_file_entity(struct neuron_job_file *jf, struct neuron_sched *ns)
{
	unsigned int index = ns->index;
	struct drm_gpu_scheduler *sched = &ns->base;
	struct drm_sched_entity *entity;
	int ret;

	ret = mutex_lock_interruptible(&jf->lock);
	if (ret)
		return ERR_PTR(ret);
	entity = jf->entity[index];
	if (entity)
		goto out;

	entity = kzalloc_obj(*entity);
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
