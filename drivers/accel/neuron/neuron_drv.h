/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_DRV_H__
#define __NEURON_DRV_H__

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "neuron_core.h"
#include "neuron_fwio.h"
#include "neuron_job.h"
#include "neuron_topology.h"

struct neuron_dram;

#define DRIVER_NAME		"neuron"
#define DRIVER_DESC		"AWS Inferentia (Neuron v1) accelerator"
#define DRIVER_MAJOR		1
#define DRIVER_MINOR		0
#define DRIVER_PATCHLEVEL	0

/**
 * struct neuron_device - one Neuron v1 PCI function
 * @drm: DRM device; its lifetime (refcounted by open files) is the lifetime
 *       of this structure, which is allocated with devm_drm_dev_alloc().
 * @pdev: the PCI function.
 * @apb: BAR0 mapping (CSRs, MISC RAM), write-only by convention.
 * @tpb: BAR2 mapping (NeuronCore windows), write-only by convention.
 * @dram_bar: BAR4 (device DRAM) is reserved for user mappings of DRAM BOs.
 * @apb_size: length of BAR0.
 * @tpb_size: length of BAR2.
 * @fwio: firmware mailbox state.
 * @reset_lock: taken for reading around every operation that talks to the
 *              hardware from userspace (see neuron_hw_begin()), and for
 *              writing by a reset, so nothing runs against a half-reset
 *              device.
 * @wedged: the last reset failed; the device refuses work with -EIO until a
 *          reset succeeds. Protected by @reset_lock.
 * @resets_pending: resets (and a remove()) waiting for or holding
 *                  @reset_lock for writing; driver ioctls that run into
 *                  one wait on @reset_wq until it is zero.
 * @reset_seq: bumped when each of them ends, to tell a reset that came and
 *             went from none.
 * @reset_wq: woken when @resets_pending drops to zero.
 * @reset_count: number of resets done since probe (probe's one included).
 * @reset_work: runs device resets on the timeout workqueue (neuron_reset.c).
 * @reset_notify_work: tells userspace and the neighbours what a reset
 *                     changed, outside the reset's fence signalling path
 *                     (uevents allocate; see neuron_reset.c).
 * @reset_req_lock: protects @reset_requested, @reset_served, @reset_result,
 *                  @wedged_events and @topology_dirty.
 * @reset_requested: generation of the last reset asked for.
 * @reset_served: generation the last finished reset work started with:
 *                every request up to it is served.
 * @wedged_events: changes of @wedged not yet reported; they alternate,
 *                 the first one ever is to wedged.
 * @wedged_reported: the last change reported (@reset_notify_work only).
 * @topology_dirty: a reset succeeded: the neighbours are to look again.
 * @reset_result: result of that reset (0, -ENODEV or -EIO).
 * @core_reset_work: runs NeuronCore resets on the timeout workqueue.
 * @core_reset_mask: NeuronCores asked to be reset and not yet taken by
 *                   @core_reset_work (under @reset_req_lock, as the three
 *                   below).
 * @core_reset_any: those of them to reset whoever owns them by then
 *                  (recovery); the others only if still owned as when
 *                  asked (&neuron_core.acquired in @core_reset_acquired).
 * @core_reset_acquired: per NeuronCore, its acquisition count when an
 *                       owner asked for its reset.
 * @core_reset_requested: generation of the last NeuronCore reset asked for.
 * @core_reset_served: generation the last finished one started with.
 * @core_reset_result: result of that one (0, -ENODEV or -EIO).
 * @shut_down: neuron_pci_shutdown() ran: DMA and notification queues are
 *             off, bus mastering too; calls that need the device fail with
 *             -ENODEV until the driver is bound again. Protected by
 *             @reset_lock.
 * @removing: neuron_pci_remove() started: a reset that is polling the
 *            firmware gives up (-ENODEV) instead of making remove() wait
 *            for its timeouts.
 * @flr: the PCI core is resetting the function (from reset_prepare to
 *       reset_done): neuron_hw_begin() fails with -EAGAIN, so driver
 *       ioctls sleep. Written under @reset_lock.
 * @jobs: DMA job scheduling and completion polling (neuron_job.c).
 * @device_id: host-unique id written into the device's MISC topology slot,
 *             read back by neighbours (see neuron_topology.c).
 * @topo: firmware status and links as last seen, for sysfs.
 * @dram_mm: allocator of the device DRAM (neuron_dram.c).
 * @host_bo_bytes: bytes of host buffer objects created on this device.
 * @host_bos_lock: protects @host_bos and @host_bos_unmapped.
 * @host_bos: host BOs this device mapped for DMA (neuron_bo_prepare_dma()),
 *            by &neuron_host_bo.dev_node; unmapped when the device goes
 *            away (neuron_bo_unplug()).
 * @host_bos_unmapped: the device went away: no BO gets mapped any more.
 * @host_offset_bytes: bytes of host buffer objects created on or imported
 *                     into this device (their mmap offsets; bounded by
 *                     the module parameter device_host_max_gib).
 * @tenants: &struct neuron_tenant of each user with BOs or jobs on the
 *           device, by kuid value; its lock guards their last reference.
 * @cores: NeuronCore ownership, semaphores/events, notification queues
 *         (neuron_core.c, neuron_nq.c).
 * @peer_lock: protects @peer_jobs and @peer_gone.
 * @peer_jobs: jobs of other devices, in their rings, that use this
 *             device's DRAM over a Neuron-Pipe link.
 * @peer_gone: this instance is being removed: no such job starts any more
 *             (its DRAM may be a later instance's, another owner's, soon).
 * @peer_wq: neuron_pci_remove() waits here for @peer_jobs to drain.
 *
 * Hardware access rules: every MMIO write and every FWIO request happens
 * inside drm_dev_enter()/drm_dev_exit(), so nothing touches the BARs or the
 * DMA buffers once drm_dev_unplug() returned.
 */
struct neuron_device {
	struct drm_device drm;
	struct pci_dev *pdev;

	void __iomem *apb;
	void __iomem *tpb;
	bool dram_bar;
	resource_size_t apb_size;
	resource_size_t tpb_size;

	struct neuron_fwio fwio;

	struct rw_semaphore reset_lock;
	bool wedged;
	atomic_t resets_pending;
	atomic_t reset_seq;
	wait_queue_head_t reset_wq;
	unsigned int reset_count;
	struct work_struct reset_work;
	struct work_struct reset_notify_work;
	spinlock_t reset_req_lock; /* reset generations, notifications */
	unsigned int reset_requested;
	unsigned int reset_served;
	unsigned int wedged_events;
	bool wedged_reported;
	bool topology_dirty;
	int reset_result;
	struct work_struct core_reset_work;
	u32 core_reset_mask;
	u32 core_reset_any;
	u32 core_reset_acquired[NEURON_NC_COUNT];
	unsigned int core_reset_requested;
	unsigned int core_reset_served;
	int core_reset_result;
	bool shut_down;
	bool removing;
	bool flr;

	struct neuron_jobs jobs;

	u32 device_id;
	struct neuron_topology_cache topo;

	struct neuron_dram *dram_mm;
	atomic64_t host_bo_bytes;
	struct mutex host_bos_lock; /* host_bos, host_bos_unmapped */
	struct list_head host_bos;
	bool host_bos_unmapped;
	atomic64_t host_offset_bytes;
	struct xarray tenants;

	struct neuron_cores cores;

	spinlock_t peer_lock; /* peer_jobs, peer_gone */
	unsigned int peer_jobs;
	bool peer_gone;
	wait_queue_head_t peer_wq;
};

/**
 * struct neuron_file - per-open-file state
 * @ndev: the device this file was opened on.
 * @jobs: the file's DMA job state (neuron_job.c): scheduler entities,
 *        fdinfo counters, guilty count.
 * @programs: the file's programs by handle (neuron_program.c).
 * @contexts: the file's contexts by handle (neuron_context.c).
 */
struct neuron_file {
	struct neuron_device *ndev;
	struct neuron_job_file *jobs;
	struct xarray programs;
	struct xarray contexts;
};

#define to_neuron_device(dev)	container_of(dev, struct neuron_device, drm)

static inline struct neuron_device *neuron_from_pdev(struct pci_dev *pdev)
{
	return pci_get_drvdata(pdev);
}

static inline int neuron_minor(struct neuron_device *ndev)
{
	return ndev->drm.accel->index;
}

/* The device is never read through MMIO (spec: "readless"); writes only. */
static inline void neuron_apb_write(struct neuron_device *ndev, u32 off, u32 val)
{
	writel(val, ndev->apb + off);
}

static inline void neuron_tpb_write(struct neuron_device *ndev, u32 off, u32 val)
{
	writel(val, ndev->tpb + off);
}

int neuron_hw_begin(struct neuron_device *ndev, int *idx);
void neuron_hw_end(struct neuron_device *ndev, int idx);
void neuron_reset_block(struct neuron_device *ndev);
void neuron_reset_unblock(struct neuron_device *ndev);

const char *neuron_fence_driver_name(struct dma_fence *fence);

/**
 * neuron_fence_signalling_reenter() - keep a signalling section checked
 * inside drm_dev_enter()
 * @cookie: from the section's dma_fence_begin_signalling()
 *
 * Call right after drm_dev_enter() in a dma-fence signalling section.
 * Lockdep links a lock to the ones held only through the last lock taken
 * before it, here drm_dev_enter()'s SRCU read lock. That is a recursive
 * read lock, and lockdep follows no dependency path through one
 * (-(*R)-> -(S*)->): what the section does after it would not be checked
 * against the signalling annotation at all. Taking the annotation again,
 * above the SRCU lock, makes it the last one (__dma_fence_might_wait()
 * moves it the same way). drm_dev_enter() sections nested deeper hide
 * theirs again: what they lock needs might_lock() in the section.
 *
 * Return: the cookie for dma_fence_end_signalling().
 */
static inline bool neuron_fence_signalling_reenter(bool cookie)
{
	dma_fence_end_signalling(cookie);
	return dma_fence_begin_signalling();
}

/* neuron_query.c */
int neuron_ioctl_query(struct drm_device *dev, void *data, struct drm_file *file);
int neuron_ioctl_device_state(struct drm_device *dev, void *data,
			      struct drm_file *file);

/* neuron_sysfs.c */
extern const struct attribute_group *neuron_sysfs_groups[];

void neuron_pci_shutdown(struct pci_dev *pdev);

/* neuron_debugfs.c */
void neuron_debugfs_init(struct neuron_device *ndev);

#endif /* __NEURON_DRV_H__ */
