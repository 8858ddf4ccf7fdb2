/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_JOB_H__
#define __NEURON_JOB_H__

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "neuron_regs.h"
#include "neuron_udma.h"

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_printer;
struct neuron_device;
struct neuron_context;
struct neuron_program;

/*
 * Scheduler topology, fixed at probe (see Documentation/accel/neuron/jobs.rst):
 * one scheduler per DMA engine for user jobs, on a queue pair the kernel
 * picks (%NEURON_USER_QUEUE), and one for the kernel's own jobs (clearing
 * DRAM BOs) on the queue the AWS driver keeps for itself on NeuronCore 0's
 * host-to-device engine, so that no user job delays a BO_CREATE.
 */
#define NEURON_USER_SCHEDS	NEURON_DMA_ENG_COUNT
#define NEURON_KERNEL_SCHED	NEURON_USER_SCHEDS
#define NEURON_SCHED_COUNT	(NEURON_USER_SCHEDS + 1)
#define NEURON_USER_QUEUE	0
#define NEURON_KERNEL_ENGINE	2
#define NEURON_KERNEL_QUEUE	15

/*
 * A queue that hangs again and again though each reset removed the job at
 * its head is not helped by queue resets: the third in a row without a
 * job completing in between also resets the NeuronCore its engine feeds,
 * the sixth the device.
 */
#define NEURON_HANGS_ESCALATE	3

/**
 * struct neuron_sched - one driver-owned hardware queue pair and its scheduler
 * @base: the DRM scheduler; credits are ring slots.
 * @index: position in &neuron_jobs.sched, also the index of the files'
 *         entities.
 * @ring: the driver-owned descriptor rings.
 * @lock: protects @ring, @inflight, @held, @paused, @stopped, @last_done,
 *        @fs_per_byte, @last_head, @progress and @fault_progress. The
 *        hardware fences have their own (inline) locks: a fence may outlive
 *        this structure.
 * @submit_lock: held from drm_sched_job_arm() to drm_sched_entity_push_job().
 * @inflight: jobs written into the ring, oldest first.
 * @held: jobs run by the scheduler during a device reset, to be written
 *        into the ring once it is over.
 * @paused: a device reset is in progress: run_job() holds jobs back.
 * @stopped: the engines are stopped (failed reset, PCI error, function
 *           reset, shutdown): run_job() fails jobs with -EIO instead of
 *           writing them into the ring. Cleared by a successful reset.
 * @poll_node: entry in the device's list of queues with jobs in flight.
 * @fence_context: dma-fence context of the hardware fences.
 * @seqno: last hardware fence seqno used.
 * @last_done: when the last job of this queue completed (busy accounting).
 * @fs_per_byte: how long this queue's DMA jobs take per byte moved, in
 *               femtoseconds: a moving average over completions of jobs
 *               that ran back to back (0: not known yet). The poller
 *               sleeps through most of the time the oldest job needs.
 * @last_head: M2S head seen by the last timeout check (progress check).
 * @progress: when the queue last made progress: a job completed, the M2S
 *            head moved, or a job was written into the idle ring.
 * @fault_progress: @progress when the poller last reported the queue stuck
 *                  with drm_sched_fault(), so that it reports it once.
 * @hangs: queue resets since a job of this queue last completed; at
 *         %NEURON_HANGS_ESCALATE the NeuronCore of the engine is reset
 *         too, at twice that the device.
 * @name: scheduler name.
 */
struct neuron_sched {
	struct drm_gpu_scheduler base;
	unsigned int index;
	struct neuron_ring ring;
	spinlock_t lock; /* ring, in-flight list, fences */
	struct mutex submit_lock; /* arm to push */
	struct list_head inflight;
	struct list_head held;
	bool paused;
	bool stopped;
	struct list_head poll_node;
	u64 fence_context;
	u32 seqno;
	ktime_t last_done;
	u64 fs_per_byte;
	u32 last_head;
	ktime_t progress;
	ktime_t fault_progress;
	atomic_t hangs;
	char name[24];
};

/**
 * struct neuron_tenant - what one user has on one device
 * @ref: references: the user's BOs and jobs on the device.
 * @id: the user's kuid value, its index in &neuron_device.tenants.
 * @bos: BOs the user created and that are not freed yet.
 * @jobs: jobs the user submitted that are not freed yet.
 * @dram_bytes: bytes of the DRAM BOs among @bos.
 *
 * The per-user bounds (module parameters user_bo_max, user_jobs_max,
 * user_dram_max_mib) are checked against these, whatever file the user
 * creates or submits through.
 */
struct neuron_tenant {
	refcount_t ref;
	unsigned long id;
	atomic_t bos;
	atomic_t jobs;
	atomic64_t dram_bytes;
};

/**
 * struct neuron_job_file - the job state of one open file
 * @refcount: held by the file and by each of its jobs.
 * @ndev: the device.
 * @lock: protects @entity.
 * @entity: scheduler entities, by &neuron_sched.index, created on first use
 *          of a scheduler.
 * @guilty: number of the jobs of the file's default context (submitted
 *          without a context) that timed out; once non-zero, such submits
 *          fail with -ECANCELED.
 * @timeouts: number of this file's jobs that timed out, in any context
 *            (fdinfo neuron-guilty).
 * @busy_ns: time the DMA queues spent on this file's jobs.
 * @submitted: jobs accepted.
 * @completed: jobs whose fence signalled without error.
 * @failed: jobs whose fence signalled with an error.
 * @kernel: the kernel's own job state (&neuron_jobs.kernel_jf): its entities
 *          have kernel priority and it is never marked guilty.
 * @jobs: jobs allocated and not yet freed (queued, running or finishing).
 * @bo_count: BOs created by the file (BO_CREATE) and not yet freed.
 * @host_bytes: bytes of those that are host BOs.
 * @dram_bytes: bytes of those that are DRAM BOs.
 *
 * The last four are the file's bounds (see neuron_file_charge_bo()); a BO
 * holds a reference, since it may outlive the file.
 */
struct neuron_job_file {
	struct kref refcount;
	struct neuron_device *ndev;
	struct mutex lock; /* entity creation */
	struct drm_sched_entity *entity[NEURON_SCHED_COUNT];
	atomic_t guilty;
	atomic_t timeouts;
	atomic64_t busy_ns;
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t failed;
	bool kernel;
	atomic_t jobs;
	atomic_t bo_count;
	atomic64_t host_bytes;
	atomic64_t dram_bytes;
};

/**
 * struct neuron_jobs - job state of one device
 * @sched: the schedulers, all created at probe: index e < %NEURON_USER_SCHEDS
 *         is DMA engine e, then the kernel's (%NEURON_KERNEL_SCHED).
 * @sched_count: schedulers initialised (all of them after probe).
 * @ring_bytes: DMA-coherent host memory of the rings, allocated at probe.
 * @submit_wq: ordered workqueue that runs run_job() and free_job() of every
 *             scheduler of the device.
 * @timeout_wq: ordered workqueue of every timeout handler of the device.
 * @recovery: serialises timeout handling and device resets.
 * @poll_lock: protects @busy and the poll period.
 * @busy: queues with jobs in flight.
 * @timer: the completion poller.
 * @period_ns: current poll period.
 * @polls: poller runs (debugfs).
 * @poll_ns: time spent in the poller (debugfs).
 * @timeouts: jobs that timed out.
 * @unplugged: the device is gone; nothing is polled or written any more.
 * @kernel_jf: job state of the kernel's own jobs.
 * @zero_buf: 64 KiB of zeroes in DMA-coherent host memory, the source of
 *            every DRAM clear; nothing ever writes it.
 * @zero_dma: bus address of @zero_buf.
 * @clear_bytes: bytes of DRAM cleared (debugfs).
 * @clear_ns: time spent clearing DRAM, submit to completion (debugfs).
 * @job_count: jobs of every file (the kernel's included) allocated and not
 *             yet freed; bounded by the module parameter device_jobs_max.
 * @dead_lock: protects @dead.
 * @dead: jobs a timeout handler reset the queue for, by &neuron_job.node,
 *        freed by @free_work.
 * @free_work: frees @dead on @submit_wq, where free_job() runs: freeing
 *             may take BO locks, which a timeout handler must not.
 */
struct neuron_jobs {
	struct neuron_sched sched[NEURON_SCHED_COUNT];
	unsigned int sched_count;
	size_t ring_bytes;
	struct workqueue_struct *submit_wq;
	struct workqueue_struct *timeout_wq;
	struct mutex recovery; /* timeout handlers vs. device reset */
	spinlock_t poll_lock; /* busy list, period */
	struct list_head busy;
	struct hrtimer timer;
	u64 period_ns;
	atomic64_t polls;
	atomic64_t poll_ns;
	atomic64_t timeouts;
	bool unplugged;
	struct neuron_job_file *kernel_jf;
	void *zero_buf;
	dma_addr_t zero_dma;
	atomic64_t clear_bytes;
	atomic64_t clear_ns;
	atomic_t job_count;
	spinlock_t dead_lock; /* dead */
	struct list_head dead;
	struct work_struct free_work;
};

/* Credits of a scheduler: what the ring holds, minus the reserve. */
#define NEURON_SCHED_CREDITS	(NEURON_RING_SIZE - NEURON_RING_RESERVE)

/**
 * struct neuron_job_bo - a BO used by a job
 * @obj: the GEM object, referenced until the job is freed.
 * @handle: the handle the submit (or the program) named it by, in the
 *          submitting file.
 * @write: the job writes it (implicit sync).
 * @route: routing bits of a neighbour's DRAM (0 for local memory).
 * @peer_held: the job is counted in the neighbour's &neuron_device.peer_jobs
 *             (from run_job() until its fence signals).
 */
struct neuron_job_bo {
	struct drm_gem_object *obj;
	u32 handle;
	bool write;
	bool peer_held;
	u64 route;
};

/**
 * struct neuron_payload - a job's work, validated and translated
 * @pairs: hardware descriptor pairs, without the job's marker.
 * @pair_count: number of @pairs.
 * @bytes: bytes the @pairs move.
 * @bos: the BOs the pairs reach, each referenced once.
 * @bo_count: number of @bos.
 * @nc_used: mask of the NeuronCores whose window the pairs reach.
 * @nc_sb_writes: mask of the NeuronCores whose state buffer they write.
 *
 * Built by neuron_payload_build() for one job, or once for a program
 * (neuron_program.c) whose runs share its pairs.
 */
struct neuron_payload {
	struct neuron_desc_pair *pairs;
	u32 pair_count;
	u64 bytes;
	struct neuron_job_bo *bos;
	u32 bo_count;
	u32 nc_used;
	u32 nc_sb_writes;
};

/**
 * struct neuron_payload_args - the user's description of a job's work
 * @xfers: user pointer to &struct drm_neuron_xfer[@xfer_count].
 * @descs: user pointer to &struct drm_neuron_dma_desc[@desc_count].
 * @bo_handles: user pointer to u32[@bo_handle_count].
 * @xfer_count: number of transfers.
 * @desc_count: number of descriptors.
 * @bo_handle_count: number of listed BOs.
 */
struct neuron_payload_args {
	u64 xfers;
	u64 descs;
	u64 bo_handles;
	u32 xfer_count;
	u32 desc_count;
	u32 bo_handle_count;
};

/**
 * struct neuron_job - one submitted job
 * @base: scheduler job.
 * @jf: the submitting file's job state (referenced).
 * @tenant: the submitting user's counters (referenced; NULL for the
 *          kernel's own jobs).
 * @ns: the queue it runs on.
 * @hw_fence: completion fence, allocated at submit, initialised in
 *            run_job(); freed by its last reference.
 * @hw_fence_init: @hw_fence was initialised.
 * @pairs: validated descriptor pairs, without the marker.
 * @pair_count: number of @pairs.
 * @bos: BOs the job uses.
 * @bo_count: number of @bos.
 * @node: entry in the queue's in-flight or held list; after a timeout, in
 *        &neuron_jobs.dead.
 * @marker_slot: ring slot of the job's marker.
 * @start: when the job was written into the ring.
 * @bytes: bytes its descriptors move (the poller's estimate of its time);
 *         0 for a program run, whose time the NeuronCore decides.
 * @nc_used: mask of the NeuronCores whose window it reads or writes
 *           (semaphores, events, state buffer, instruction FIFO).
 * @nc_sb_writes: mask of the NeuronCores whose state buffer it writes.
 * @revoked: one of @nc_used changed hands between the ownership check and
 *           neuron_cores_job_begin(); the job does not run (-EACCES).
 * @program: the program the job runs (referenced), whose @pairs it
 *           borrows; NULL when the job owns them.
 * @ctx: the context the job was submitted to (referenced), or NULL for
 *       the file's default context.
 * @guilty: the guilt of @ctx, or of the file's default context.
 */
struct neuron_job {
	struct drm_sched_job base;
	struct neuron_job_file *jf;
	struct neuron_tenant *tenant;
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
	u64 bytes;
	u32 nc_used;
	u32 nc_sb_writes;
	bool revoked;
	struct neuron_program *program;
	struct neuron_context *ctx;
	atomic_t *guilty;
};

/* The job takes over @p (now empty): its pairs, BOs and core masks. */
static inline void neuron_job_take_payload(struct neuron_job *job,
					   struct neuron_payload *p)
{
	job->pairs = p->pairs;
	job->pair_count = p->pair_count;
	job->bos = p->bos;
	job->bo_count = p->bo_count;
	job->nc_used = p->nc_used;
	job->nc_sb_writes = p->nc_sb_writes;
	job->bytes = p->bytes;
	memset(p, 0, sizeof(*p));
}

int neuron_jobs_init(struct neuron_device *ndev);
void neuron_jobs_unplug(struct neuron_device *ndev);
void neuron_jobs_peer_gone(struct neuron_device *ndev);
bool neuron_jobs_peer_alive(struct neuron_device *owner);
void neuron_jobs_reset_prepare(struct neuron_device *ndev);
int neuron_jobs_reset_done(struct neuron_device *ndev, int result);
unsigned int neuron_job_timeout_ms(void);

struct neuron_sched *neuron_sched_user(struct neuron_device *ndev,
				       unsigned int engine);
struct neuron_sched *neuron_sched_kernel(struct neuron_device *ndev);
struct drm_sched_entity *
neuron_job_file_entity(struct neuron_job_file *jf, struct neuron_sched *ns);
struct neuron_job *neuron_job_alloc(struct neuron_sched *ns,
				    struct neuron_job_file *jf);
void neuron_job_release(struct neuron_job *job);
bool neuron_job_file_full(struct neuron_job *job);

int neuron_job_file_open(struct neuron_device *ndev,
			 struct neuron_job_file **out);
void neuron_job_file_close(struct neuron_job_file *jf);
void neuron_job_file_put(struct neuron_job_file *jf);
struct neuron_tenant *neuron_tenant_get(struct neuron_device *ndev);
void neuron_tenant_put(struct neuron_device *ndev, struct neuron_tenant *t);
int neuron_file_charge_bo(struct neuron_job_file *jf, bool dram, u64 size,
			  struct neuron_tenant **tenant);
void neuron_file_uncharge_bo(struct neuron_job_file *jf,
			     struct neuron_tenant *t, bool dram, u64 size);
void neuron_job_show_fdinfo(struct drm_printer *p, struct neuron_job_file *jf);

int neuron_payload_build(struct neuron_device *ndev, struct drm_file *file,
			 const struct neuron_payload_args *args, gfp_t gfp,
			 struct neuron_payload *p);
void neuron_payload_fini(struct neuron_payload *p);
int neuron_ioctl_submit(struct drm_device *dev, void *data,
			struct drm_file *file);

#endif /* __NEURON_JOB_H__ */
