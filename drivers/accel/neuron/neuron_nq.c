// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Notification queues and waiting.
 *
 * A notification queue (NQ) is a ring in a host BO of the NeuronCore's
 * owner. The driver programs its bus address and size into the core's
 * PUTILS registers; the device appends 16-byte entries and never passes
 * the head register, which only the driver writes (NQ_ADVANCE), after
 * checking that the entries handed back were really written.
 *
 * The device raises no interrupts, so waiting means polling. The waiting
 * thread itself does it, sleeping on an hrtimer between checks with an
 * exponential backoff: nothing polls when nobody waits, a signal ends the
 * sleep at once, and ownership or queue changes wake the sleepers through
 * neuron_cores.wq so they re-check immediately.
 */

#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/pid.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/neuron_accel.h>

#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_gem.h"
#include "neuron_nq.h"
#include "neuron_regs.h"

#define NEURON_NQ_PHASE		BIT(31)
#define NEURON_NQ_DRAIN_US	1000

/* Polling interval of a waiter: first check interval and its cap. */
#define NEURON_WAIT_MIN_US	16
#define NEURON_WAIT_MAX_US	1000

static_assert(DRM_NEURON_NQ_ERROR + 1 == NEURON_NQ_TYPES);
static_assert(DRM_NEURON_NQ_ENGINES == NEURON_NQ_ENGINES);

static int neuron_nq_check_id(u32 core, u32 type, u32 engine)
{
	if (core >= NEURON_NC_COUNT || type >= NEURON_NQ_TYPES)
		return -EINVAL;
	if (type == DRM_NEURON_NQ_TRACE || type == DRM_NEURON_NQ_NOTIFY)
		return engine < NEURON_NQ_ENGINES ? 0 : -EINVAL;
	/* One EVENT and one ERROR queue per core. */
	return engine ? -EINVAL : 0;
}

static unsigned int neuron_nq_slot(u32 type, u32 engine)
{
	return type * NEURON_NQ_ENGINES + engine;
}

/* BAR0 offset of the register group of a queue. */
static u32 neuron_nq_regs(u32 core, u32 type, u32 engine)
{
	u32 off;

	switch (type) {
	case DRM_NEURON_NQ_TRACE:
		off = NEURON_PUTILS_TRACE_NQ(engine);
		break;
	case DRM_NEURON_NQ_NOTIFY:
		off = NEURON_PUTILS_NOTIFY_NQ(engine);
		break;
	case DRM_NEURON_NQ_EVENT:
		off = NEURON_PUTILS_EVENT_NQ;
		break;
	default:
		off = NEURON_PUTILS_ERROR_NQ;
		break;
	}

	return NEURON_PUTILS(core) + off;
}

/* Word 0 of the entry at byte offset @off, as last written by the device. */
static u32 neuron_nq_word0(struct neuron_nq *nq, u32 off)
{
	const __le32 *ring = nq->map.vaddr;

	return le32_to_cpu(READ_ONCE(ring[off / sizeof(*ring)]));
}

/* Whether the entry @n places after the head is new. */
static bool neuron_nq_entry_ready(struct neuron_nq *nq, u32 n)
{
	u32 off = nq->head + n * DRM_NEURON_NQ_ENTRY_SIZE;
	u32 phase = nq->phase;

	if (off >= nq->size) {
		off -= nq->size;
		phase ^= 1;
	}

	return !!(neuron_nq_word0(nq, off) & NEURON_NQ_PHASE) == phase;
}

/*
 * Entries the device wrote from the head on: its write offset (the model's
 * PUTILS register at +0x0C of the queue's group; only EVENT queues have a
 * producer, the others read 0) minus the head. The device never fills the
 * ring, so equal offsets mean nothing new. Called inside neuron_hw_begin().
 */
static int neuron_nq_written(struct neuron_device *ndev, u32 regs,
			     struct neuron_nq *nq, u32 *count)
{
	u32 wr;
	int ret;

	ret = neuron_fwio_read32(ndev, NEURON_APB_ADDR(regs + NEURON_NQ_WRITE_OFF),
				 &wr);
	if (ret)
		return ret;
	if (wr >= nq->size || wr % DRM_NEURON_NQ_ENTRY_SIZE)
		*count = 0;	/* not this queue's (a reset, a stale value) */
	else
		*count = (wr + nq->size - nq->head) % nq->size /
			 DRM_NEURON_NQ_ENTRY_SIZE;
	return 0;
}

static struct neuron_nq *neuron_nq_get(struct neuron_device *ndev, u32 core,
				       u32 type, u32 engine)
{
	lockdep_assert_held(&ndev->cores.lock);

	return ndev->cores.core[core].nq[neuron_nq_slot(type, engine)];
}

/*
 * Turn the queue off in the device. The caller waits for the drain.
 *
 * The registers are written whenever the BAR is still mapped, also on a
 * wedged device or during a reset (which clears PUTILS anyway): a device
 * that is not quite dead must not keep writing into a ring that is about
 * to be freed. neuron_nq_reset_done() reprograms only the queues still in
 * a slot, and the caller emptied this one under cores.lock.
 */
static void neuron_nq_disable(struct neuron_device *ndev, u32 regs)
{
	int idx;

	/* After unplug the BAR is gone, and with it the device's access. */
	if (!drm_dev_enter(&ndev->drm, &idx))
		return;

	neuron_apb_write(ndev, regs + NEURON_NQ_SIZE, 0);
	neuron_apb_write(ndev, regs + NEURON_NQ_BASE_LO, 0);
	neuron_apb_write(ndev, regs + NEURON_NQ_BASE_HI, 0);
	drm_dev_exit(idx);
}

/*
 * Wait until queues just disabled can no longer be written.
 *
 * The disable writes are posted. A firmware read round trip behind them
 * is the drain: the request reaches the device after the writes (posted
 * writes stay in order), and its response is written after any entry the
 * device wrote before it saw them (the device's writes to host memory
 * stay in order too). The QEMU model appends an entry synchronously while
 * it handles the event write that causes it, so once it has handled the
 * disable nothing is in flight; hardware is expected to keep the same
 * PCIe ordering. When the round trip is impossible (unplugged, wedged,
 * resetting, firmware not answering) the driver falls back to a fixed
 * grace period, which is a guess, not a guarantee.
 */
static void neuron_nq_drain(struct neuron_device *ndev)
{
	int idx, ret;
	u32 val;

	ret = neuron_hw_begin(ndev, &idx);
	if (!ret) {
		ret = neuron_fwio_read32(ndev, NEURON_APB_ADDR(NEURON_MISC_FW_STATUS),
					 &val);
		neuron_hw_end(ndev, idx);
	}
	if (ret)
		fsleep(NEURON_NQ_DRAIN_US);
}

/* Point the device at an empty ring, head 0. The ring must be zeroed. */
static void neuron_nq_program(struct neuron_device *ndev, u32 regs,
			      struct neuron_nq *nq)
{
	/* The zeroed ring must be visible before the device uses it. */
	wmb();
	neuron_apb_write(ndev, regs + NEURON_NQ_BASE_LO, lower_32_bits(nq->devaddr));
	neuron_apb_write(ndev, regs + NEURON_NQ_BASE_HI, upper_32_bits(nq->devaddr));
	neuron_apb_write(ndev, regs + NEURON_NQ_HEAD, 0);
	neuron_apb_write(ndev, regs + NEURON_NQ_SIZE, nq->size);
}

static void neuron_nq_free(struct neuron_nq *nq)
{
	drm_gem_vunmap(nq->bo, &nq->map);
	drm_gem_object_put(nq->bo);
	kfree(nq);
}

/**
 * neuron_nq_detach_core() - turn off every queue of a NeuronCore
 * @ndev: the device
 * @core: the NeuronCore being released
 * @dead: list the queues are moved to
 *
 * Called with cores.lock held when the core's owner releases it. The
 * caller frees the queues with neuron_nq_free_list() after dropping the
 * lock: freeing takes BO locks, which must not nest inside cores.lock.
 */
void neuron_nq_detach_core(struct neuron_device *ndev, u32 core,
			   struct list_head *dead)
{
	struct neuron_core *nc = &ndev->cores.core[core];
	unsigned int slot;

	lockdep_assert_held(&ndev->cores.lock);

	for (slot = 0; slot < NEURON_NQ_SLOTS; slot++) {
		if (!nc->nq[slot])
			continue;
		neuron_nq_disable(ndev, neuron_nq_regs(core,
						       slot / NEURON_NQ_ENGINES,
						       slot % NEURON_NQ_ENGINES));
		list_add_tail(&nc->nq[slot]->link, dead);
		nc->nq[slot] = NULL;
	}
}

/**
 * neuron_nq_free_list() - free queues detached from the device
 * @ndev: the device
 * @dead: queues from neuron_nq_detach_core()
 */
void neuron_nq_free_list(struct neuron_device *ndev, struct list_head *dead)
{
	struct neuron_nq *nq, *tmp;

	if (list_empty(dead))
		return;

	/* Let notifications already on their way land in the old rings. */
	neuron_nq_drain(ndev);
	list_for_each_entry_safe(nq, tmp, dead, link) {
		list_del(&nq->link);
		neuron_nq_free(nq);
	}
}

/**
 * neuron_nq_quiesce() - turn every queue off in the device
 * @ndev: the device, reset_lock held for writing
 *
 * For shutdown and PCI errors: the device stops writing entries, the
 * driver keeps the queues (their owners still destroy them, or
 * neuron_nq_reset_done() programs them again). Not drained: the rings
 * stay allocated until neuron_nq_free_list() drains them.
 */
void neuron_nq_quiesce(struct neuron_device *ndev)
{
	unsigned int slot;
	u32 core;

	mutex_lock(&ndev->cores.lock);
	for (core = 0; core < NEURON_NC_COUNT; core++)
		for (slot = 0; slot < NEURON_NQ_SLOTS; slot++)
			if (ndev->cores.core[core].nq[slot])
				neuron_nq_disable(ndev,
						  neuron_nq_regs(core,
								 slot / NEURON_NQ_ENGINES,
								 slot % NEURON_NQ_ENGINES));
	mutex_unlock(&ndev->cores.lock);
}

/**
 * neuron_nq_restore_locked() - set the queues of reset NeuronCores up again
 * @ndev: the device, inside drm_dev_enter(), cores.lock held
 * @core_mask: the cores that were reset, bit n for NeuronCore n
 *
 * A reset of the device or of a core clears the core's PUTILS, so the
 * device forgot its queues. Program them again with empty rings: head 0,
 * phase 1. Owners learn the new head from NQ_ADVANCE or a WAIT result;
 * entries not consumed before the reset are lost, as everything else the
 * core held.
 */
void neuron_nq_restore_locked(struct neuron_device *ndev, u32 core_mask)
{
	struct neuron_nq *nq;
	unsigned int slot;
	u32 core;

	lockdep_assert_held(&ndev->cores.lock);

	for (core = 0; core < NEURON_NC_COUNT; core++) {
		if (!(core_mask & BIT(core)))
			continue;
		for (slot = 0; slot < NEURON_NQ_SLOTS; slot++) {
			nq = ndev->cores.core[core].nq[slot];
			if (!nq)
				continue;
			memset(nq->map.vaddr, 0, nq->size);
			nq->head = 0;
			nq->phase = 1;
			neuron_nq_program(ndev,
					  neuron_nq_regs(core, slot / NEURON_NQ_ENGINES,
							 slot % NEURON_NQ_ENGINES),
					  nq);
		}
	}
	neuron_cores_changed(ndev);
}

/**
 * neuron_nq_reset_done() - set the queues up again after a device reset
 * @ndev: the device, just reset successfully, reset_lock held for writing
 *
 * See neuron_nq_restore_locked(): for every NeuronCore.
 */
void neuron_nq_reset_done(struct neuron_device *ndev)
{
	int idx;

	if (!drm_dev_enter(&ndev->drm, &idx))
		return;

	mutex_lock(&ndev->cores.lock);
	neuron_nq_restore_locked(ndev, GENMASK(NEURON_NC_COUNT - 1, 0));
	mutex_unlock(&ndev->cores.lock);

	drm_dev_exit(idx);
}

struct neuron_nq_seg {
	u64 devaddr;
	unsigned int count;
};

static int neuron_nq_seg(void *priv, u64 dev_addr, u64 len)
{
	struct neuron_nq_seg *seg = priv;

	if (seg->count++)
		return -EINVAL;
	seg->devaddr = dev_addr;
	return 0;
}

/*
 * The device address of the first @size bytes of a host BO, which must be
 * one device-contiguous range: the device takes a base and a size. A ring
 * within one page always is; larger rings are when an IOMMU merged the
 * pages into one range.
 */
static int neuron_nq_bo_dma(struct drm_gem_object *obj, u32 size,
			    u64 *devaddr)
{
	struct neuron_nq_seg seg = {};
	int ret;

	if (neuron_bo_kind(obj) != NEURON_BO_HOST)
		return -EINVAL;

	ret = neuron_bo_prepare_dma(obj);
	if (ret)
		return ret;
	/* Entries written into a bounce buffer would never reach the CPU. */
	if (neuron_bo_dma_bounced(obj))
		return -EOPNOTSUPP;

	ret = neuron_bo_dma_segments(obj, 0, size, neuron_nq_seg, &seg);
	if (ret)
		return ret;

	*devaddr = seg.devaddr;
	return 0;
}

int neuron_ioctl_nq_create(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_nq_create *args = data;
	u32 core = args->core, type = args->type, engine = args->engine;
	struct neuron_nq *nq, **slot;
	int idx, ret;

	if (args->flags || args->pad)
		return -EINVAL;
	ret = neuron_nq_check_id(core, type, engine);
	if (ret)
		return ret;
	if (!is_power_of_2(args->size) || args->size < DRM_NEURON_NQ_MIN_SIZE ||
	    args->size > DRM_NEURON_NQ_MAX_SIZE)
		return -EINVAL;

	/* Ownership is checked again below, this just orders the errors. */
	mutex_lock(&ndev->cores.lock);
	ret = neuron_core_owned_by(ndev, core, nfile) ? 0 : -EACCES;
	mutex_unlock(&ndev->cores.lock);
	if (ret)
		return ret;

	nq = kzalloc_obj(*nq);
	if (!nq)
		return -ENOMEM;
	nq->size = args->size;
	nq->phase = 1;

	nq->bo = drm_gem_object_lookup(file, args->handle);
	if (!nq->bo) {
		ret = -ENOENT;
		goto err_free;
	}

	if (nq->bo->size < nq->size) {
		ret = -EINVAL;
		goto err_put;
	}

	ret = neuron_nq_bo_dma(nq->bo, nq->size, &nq->devaddr);
	if (ret)
		goto err_put;

	ret = drm_gem_vmap(nq->bo, &nq->map);
	if (ret)
		goto err_put;
	if (nq->map.is_iomem) {
		ret = -EINVAL;
		goto err_vunmap;
	}

	mutex_lock(&ndev->cores.lock);
	if (!neuron_core_owned_by(ndev, core, nfile)) {
		ret = -EACCES;
		goto err_unlock;
	}
	slot = &ndev->cores.core[core].nq[neuron_nq_slot(type, engine)];
	if (*slot) {
		ret = -EEXIST;
		goto err_unlock;
	}

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		goto err_unlock;

	/*
	 * Phase 0 everywhere: nothing is new. Only now, so that a failed
	 * call never clears a ring in use (the same BO may hold another
	 * queue).
	 */
	memset(nq->map.vaddr, 0, nq->size);
	neuron_nq_program(ndev, neuron_nq_regs(core, type, engine), nq);
	neuron_hw_end(ndev, idx);

	*slot = nq;
	neuron_cores_changed(ndev);
	mutex_unlock(&ndev->cores.lock);
	return 0;

err_unlock:
	mutex_unlock(&ndev->cores.lock);
err_vunmap:
	drm_gem_vunmap(nq->bo, &nq->map);
err_put:
	drm_gem_object_put(nq->bo);
err_free:
	kfree(nq);
	return ret;
}

int neuron_ioctl_nq_destroy(struct drm_device *dev, void *data,
			    struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_nq_destroy *args = data;
	u32 core = args->core, type = args->type, engine = args->engine;
	struct neuron_nq **slot, *nq;
	int ret;

	if (args->flags)
		return -EINVAL;
	ret = neuron_nq_check_id(core, type, engine);
	if (ret)
		return ret;

	mutex_lock(&ndev->cores.lock);
	if (!neuron_core_owned_by(ndev, core, file->driver_priv)) {
		mutex_unlock(&ndev->cores.lock);
		return -EACCES;
	}
	slot = &ndev->cores.core[core].nq[neuron_nq_slot(type, engine)];
	nq = *slot;
	if (!nq) {
		mutex_unlock(&ndev->cores.lock);
		return -ENOENT;
	}
	neuron_nq_disable(ndev, neuron_nq_regs(core, type, engine));
	*slot = NULL;
	neuron_cores_changed(ndev);
	mutex_unlock(&ndev->cores.lock);

	neuron_nq_drain(ndev);
	neuron_nq_free(nq);
	return 0;
}

int neuron_ioctl_nq_advance(struct drm_device *dev, void *data,
			    struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_nq_advance *args = data;
	u32 core = args->core, type = args->type, engine = args->engine;
	u32 dropped = 0, n, regs;
	struct neuron_nq *nq;
	int idx, ret;

	if (args->flags || args->pad)
		return -EINVAL;
	ret = neuron_nq_check_id(core, type, engine);
	if (ret)
		return ret;
	regs = neuron_nq_regs(core, type, engine);

	mutex_lock(&ndev->cores.lock);
	if (!neuron_core_owned_by(ndev, core, file->driver_priv)) {
		ret = -EACCES;
		goto out_unlock;
	}
	nq = neuron_nq_get(ndev, core, type, engine);
	if (!nq) {
		ret = -ENOENT;
		goto out_unlock;
	}

	/* The device keeps one slot free, so at most size/16 - 1 are new. */
	if (args->count >= nq->size / DRM_NEURON_NQ_ENTRY_SIZE) {
		ret = -EINVAL;
		goto out_unlock;
	}

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		goto out_unlock;

	if (args->count) {
		u32 head = nq->head + args->count * DRM_NEURON_NQ_ENTRY_SIZE;

		/*
		 * The phase bits are in memory the owner maps and may write:
		 * only the device's own write offset says what it wrote.
		 */
		ret = neuron_nq_written(ndev, regs, nq, &n);
		if (!ret && args->count > n)
			ret = -EINVAL;
		if (ret) {
			neuron_hw_end(ndev, idx);
			goto out_unlock;
		}

		if (head >= nq->size) {
			head -= nq->size;
			nq->phase ^= 1;
		}
		nq->head = head;
		neuron_apb_write(ndev, regs + NEURON_NQ_HEAD, head);
	}

	if (type == DRM_NEURON_NQ_EVENT)
		ret = neuron_fwio_read32(ndev, NEURON_APB_ADDR(regs + NEURON_NQ_DROPPED),
					 &dropped);
	neuron_hw_end(ndev, idx);

	args->head = nq->head;
	args->phase = nq->phase;
	args->dropped = dropped;

out_unlock:
	mutex_unlock(&ndev->cores.lock);
	return ret;
}

/*
 * One check of a wait condition: 1 when it holds, 0 when not yet, or a
 * negative errno that ends the wait.
 */
static int neuron_wait_check(struct neuron_device *ndev,
			     struct neuron_file *nfile,
			     struct drm_neuron_wait *args)
{
	struct neuron_nq *nq;
	s32 val;
	int idx, ret;

	/*
	 * A queue lives in host memory, so its check does not enter the
	 * device: notice here that the device went (or was shut down).
	 */
	if (drm_dev_is_unplugged(&ndev->drm) || READ_ONCE(ndev->shut_down))
		return -ENODEV;

	mutex_lock(&ndev->cores.lock);
	if (!neuron_core_owned_by(ndev, args->core, nfile)) {
		mutex_unlock(&ndev->cores.lock);
		return -EACCES;
	}

	if (args->type == DRM_NEURON_WAIT_NQ) {
		nq = neuron_nq_get(ndev, args->core, args->index, args->engine);
		if (!nq) {
			ret = -ENOENT;
		} else {
			ret = neuron_nq_entry_ready(nq, 0);
			args->result = nq->head;
		}
		mutex_unlock(&ndev->cores.lock);
		return ret;
	}

	/* Read under the lock: the core cannot change hands meanwhile. */
	ret = neuron_hw_begin(ndev, &idx);
	if (ret) {
		mutex_unlock(&ndev->cores.lock);
		/* -EAGAIN: a reset is running, look again later. */
		return ret == -EAGAIN ? 0 : ret;
	}
	ret = neuron_sem_read(ndev, args->core, args->index, &val);
	neuron_hw_end(ndev, idx);
	mutex_unlock(&ndev->cores.lock);
	if (ret)
		return ret;

	args->result = val;
	return val >= args->value;
}

int neuron_ioctl_wait(struct drm_device *dev, void *data,
		      struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_cores *cores = &ndev->cores;
	struct drm_neuron_wait *args = data;
	ktime_t deadline = ns_to_ktime(args->timeout_ns);
	u32 interval_us = NEURON_WAIT_MIN_US;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;

	switch (args->type) {
	case DRM_NEURON_WAIT_SEMAPHORE:
		if (args->core >= NEURON_NC_COUNT ||
		    args->index >= NEURON_SEMAPHORES_PER_NC || args->engine)
			return -EINVAL;
		break;
	case DRM_NEURON_WAIT_NQ:
		if (args->value)
			return -EINVAL;
		ret = neuron_nq_check_id(args->core, args->index, args->engine);
		if (ret)
			return ret;
		break;
	default:
		return -EINVAL;
	}

	for (;;) {
		unsigned int gen = READ_ONCE(cores->gen);
		ktime_t now, sleep;

		ret = neuron_wait_check(ndev, file->driver_priv, args);
		if (ret)
			return ret < 0 ? ret : 0;

		now = ktime_get();
		if (ktime_compare(now, deadline) >= 0)
			return -ETIME;

		sleep = ktime_sub(deadline, now);
		sleep = min(sleep, ns_to_ktime((u64)interval_us * NSEC_PER_USEC));
		ret = wait_event_interruptible_hrtimeout(cores->wq,
							 READ_ONCE(cores->gen) != gen,
							 sleep);
		if (ret == -ERESTARTSYS)
			return ret;

		interval_us = min(interval_us * 2, NEURON_WAIT_MAX_US);
	}
}

/**
 * neuron_cores_show() - NeuronCore state for debugfs
 * @ndev: the device
 * @m: the debugfs file
 *
 * Owner (global pid) of each core, its notification queues as the driver
 * programmed them.
 */
void neuron_cores_show(struct neuron_device *ndev, struct seq_file *m)
{
	static const char * const types[] = { "trace", "notify", "event", "error" };
	struct neuron_nq *nq;
	unsigned int slot;
	u32 core;

	mutex_lock(&ndev->cores.lock);
	for (core = 0; core < NEURON_NC_COUNT; core++) {
		struct neuron_core *nc = &ndev->cores.core[core];

		seq_printf(m, "core %u: owner pid %d\n", core,
			   nc->owner ? pid_nr(nc->owner_pid) : 0);
		for (slot = 0; slot < NEURON_NQ_SLOTS; slot++) {
			nq = nc->nq[slot];
			if (!nq)
				continue;
			seq_printf(m, "  nq %s/%u: devaddr %#llx size %u head %u phase %u\n",
				   types[slot / NEURON_NQ_ENGINES],
				   slot % NEURON_NQ_ENGINES, nq->devaddr, nq->size,
				   nq->head, nq->phase);
		}
	}
	mutex_unlock(&ndev->cores.lock);
}
