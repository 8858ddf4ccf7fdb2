// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Device DRAM allocator: one drm_mm range allocator per DRAM channel,
 * working on device addresses. Allocation is best fit, so small buffers
 * fill small holes and large holes stay available for large buffers.
 *
 * DRAM is shared by every process of the device, so a freed range must
 * never show its data to the next owner. Freed ranges stay in the
 * allocator, held by no BO, until a clearing round (a work item) has
 * overwritten them with zeroes by DMA; rounds batch every range freed
 * meanwhile into a few kernel jobs. Creating a BO therefore never waits for
 * a clear unless only ranges still being cleared would fit.
 */

#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>

#include "neuron_clear.h"
#include "neuron_drv.h"
#include "neuron_dram.h"

/*
 * A clearing round takes ranges from the dirty list up to this many bytes
 * (one range at least, whatever its size), and at most this many ranges:
 * waiters see memory come back after each round.
 */
#define NEURON_DRAM_ROUND_BYTES		SZ_2G
#define NEURON_DRAM_ROUND_RANGES	8192
/* DRAM is cleared once at probe in pieces of this size. */
#define NEURON_DRAM_PROBE_PIECE		SZ_256M

static void neuron_dram_fini(struct drm_device *drm, void *data)
{
	struct neuron_dram *dram = data;
	struct neuron_dram_range *range, *tmp;
	int ch;

	/* No BO is left, and no round runs: a round holds the device. */
	list_for_each_entry_safe(range, tmp, &dram->dirty, link) {
		drm_mm_remove_node(&range->node);
		kfree(range);
	}
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++)
		drm_mm_takedown(&dram->mm[ch]);
	mutex_destroy(&dram->lock);
}

/* Queue a clearing round, holding the device until it has run. */
static void neuron_dram_kick_locked(struct neuron_dram *dram)
{
	struct drm_device *drm = &dram->ndev->drm;

	lockdep_assert_held(&dram->lock);
	if (dram->stopped || list_empty(&dram->dirty))
		return;
	drm_dev_get(drm);
	if (!queue_work(system_dfl_wq, &dram->clean_work))
		drm_dev_put(drm);
}

static void neuron_dram_kick(struct neuron_dram *dram)
{
	mutex_lock(&dram->lock);
	neuron_dram_kick_locked(dram);
	mutex_unlock(&dram->lock);
}

/* Clear the ranges of @round with DMA jobs and wait for them. */
static int neuron_dram_clear_round(struct neuron_dram *dram,
				   struct list_head *round, u32 count)
{
	struct neuron_device *ndev = dram->ndev;
	struct neuron_clear_range *ranges;
	struct neuron_dram_range *range;
	struct neuron_clear *clr;
	int ret, idx;
	u32 i = 0;

	ranges = kvmalloc_array(count, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	list_for_each_entry(range, round, link)
		ranges[i++] = (struct neuron_clear_range) {
			.addr = range->node.start,
			.size = range->node.size,
		};

	/* Nothing is queued on a device that is going away. */
	if (drm_dev_enter(&ndev->drm, &idx)) {
		clr = neuron_clear_start(ndev, ranges, count);
		drm_dev_exit(idx);
	} else {
		clr = ERR_PTR(-ENODEV);
	}
	kvfree(ranges);
	if (IS_ERR(clr))
		return PTR_ERR(clr);

	/* Every job fence signals: by completion, timeout, reset or unplug. */
	ret = neuron_clear_wait(clr, false, MAX_SCHEDULE_TIMEOUT);
	neuron_clear_free(clr);
	return ret;
}

/*
 * One clearing round: the oldest dirty ranges are overwritten with zeroes
 * and go back to the allocator. When the clear fails (a reset, a timeout
 * of the kernel's queue, a wedged or removed device), they stay dirty and
 * the next kick tries again.
 */
static void neuron_dram_clean(struct work_struct *work)
{
	struct neuron_dram *dram = container_of(work, struct neuron_dram,
						clean_work);
	struct drm_device *drm = &dram->ndev->drm;
	struct neuron_dram_range *range, *tmp;
	LIST_HEAD(round);
	u64 bytes = 0;
	u32 count = 0;
	int ret;

	mutex_lock(&dram->lock);
	list_for_each_entry_safe(range, tmp, &dram->dirty, link) {
		if (count == NEURON_DRAM_ROUND_RANGES ||
		    (count && bytes + range->node.size > NEURON_DRAM_ROUND_BYTES))
			break;
		list_move_tail(&range->link, &round);
		bytes += range->node.size;
		count++;
	}
	mutex_unlock(&dram->lock);

	ret = count ? neuron_dram_clear_round(dram, &round, count) : 0;

	mutex_lock(&dram->lock);
	if (ret) {
		/* First in line again. */
		list_splice(&round, &dram->dirty);
	} else {
		list_for_each_entry_safe(range, tmp, &round, link) {
			dram->dirty_bytes[range->channel] -= range->node.size;
			drm_mm_remove_node(&range->node);
			kfree(range);
		}
		neuron_dram_kick_locked(dram);
	}
	dram->rounds++;
	mutex_unlock(&dram->lock);
	wake_up_all(&dram->cleaned);

	if (ret && ret != -ENODEV)
		drm_dbg_driver(drm, "clearing %llu bytes of DRAM failed: %d\n",
			       bytes, ret);
	drm_dev_put(drm);
}

/* Hold the range [@start, @start + @size) of @ch as dirty. */
static int neuron_dram_add_dirty(struct neuron_dram *dram, u32 ch, u64 start,
				 u64 size)
{
	struct neuron_dram_range *range;
	int ret;

	range = kzalloc_obj(*range);
	if (!range)
		return -ENOMEM;
	range->channel = ch;
	range->node.start = start;
	range->node.size = size;
	ret = drm_mm_reserve_node(&dram->mm[ch], &range->node);
	if (ret) {
		kfree(range);
		return ret;
	}
	list_add_tail(&range->link, &dram->dirty);
	dram->dirty_bytes[ch] += size;
	return 0;
}

/**
 * neuron_dram_init() - set up the DRAM allocator of a device
 * @ndev: the device
 *
 * DRAM is never assumed to be clear: all of it starts dirty, and
 * neuron_dram_start() clears it once the job machinery runs. Torn down
 * with the DRM device, once every buffer object is gone.
 *
 * Return: 0 or -ENOMEM.
 */
int neuron_dram_init(struct neuron_device *ndev)
{
	struct neuron_dram *dram;
	int ch, ret;

	dram = drmm_kzalloc(&ndev->drm, sizeof(*dram), GFP_KERNEL);
	if (!dram)
		return -ENOMEM;

	dram->ndev = ndev;
	mutex_init(&dram->lock);
	INIT_LIST_HEAD(&dram->dirty);
	INIT_WORK(&dram->clean_work, neuron_dram_clean);
	init_waitqueue_head(&dram->cleaned);
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		u64 start = neuron_dram_channel_base(ch);
		u64 size = NEURON_DRAM_CHANNEL_SIZE;

		/* Device address 0 is never a buffer object's address. */
		if (!ch) {
			start += PAGE_SIZE;
			size -= PAGE_SIZE;
		}
		drm_mm_init(&dram->mm[ch], start, size);
		dram->start[ch] = start;
		dram->total[ch] = size;
	}

	ret = drmm_add_action_or_reset(&ndev->drm, neuron_dram_fini, dram);
	if (ret)
		return ret;

	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		u64 off, piece;

		for (off = 0; off < dram->total[ch]; off += piece) {
			piece = min_t(u64, dram->total[ch] - off,
				      NEURON_DRAM_PROBE_PIECE);
			ret = neuron_dram_add_dirty(dram, ch,
						    dram->start[ch] + off,
						    piece);
			if (ret)
				return ret;
		}
	}

	ndev->dram_mm = dram;
	return 0;
}

/**
 * neuron_dram_start() - clear the device's DRAM in the background
 * @ndev: the device, with its job machinery running
 *
 * Allocations that find no clear range wait for the rounds.
 */
void neuron_dram_start(struct neuron_device *ndev)
{
	neuron_dram_kick(ndev->dram_mm);
}

/**
 * neuron_dram_stop() - stop clearing, the device being gone
 * @ndev: the device, unplugged, with every job retired
 *
 * Waits for the round that runs. Ranges freed from now on go straight back
 * to the allocator: the device's DRAM is cleared again at the next probe.
 */
void neuron_dram_stop(struct neuron_device *ndev)
{
	struct neuron_dram *dram = ndev->dram_mm;

	mutex_lock(&dram->lock);
	dram->stopped = true;
	mutex_unlock(&dram->lock);
	wake_up_all(&dram->cleaned);
	flush_work(&dram->clean_work);
}

/*
 * Try to place @range in one of @channel_mask's channels, the one with the
 * most clear free bytes first, to spread buffers over both channels'
 * bandwidth. *@wait tells whether a clearing round may make room.
 */
static int neuron_dram_insert_locked(struct neuron_dram *dram,
				     struct neuron_dram_range *range, u64 size,
				     u64 align, u32 channel_mask, bool *wait)
{
	u32 order[NEURON_DRAM_CHANNELS];
	u64 avail[NEURON_DRAM_CHANNELS];
	int i, n = 0;
	u32 ch;

	*wait = false;
	if (dram->stopped)
		return -ENODEV;

	/* Allowed channels, most clear free bytes first (insertion sort). */
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		if (!(channel_mask & BIT(ch)) || size > dram->total[ch])
			continue;
		avail[ch] = dram->total[ch] - dram->used[ch] -
			    dram->dirty_bytes[ch];
		if (dram->dirty_bytes[ch] &&
		    dram->total[ch] - dram->used[ch] >= size)
			*wait = true;
		for (i = n++; i > 0 && avail[order[i - 1]] < avail[ch]; i--)
			order[i] = order[i - 1];
		order[i] = ch;
	}

	for (i = 0; i < n; i++) {
		ch = order[i];
		if (avail[ch] < size)
			continue;
		if (!drm_mm_insert_node_in_range(&dram->mm[ch], &range->node,
						 size, align, 0, 0, U64_MAX,
						 DRM_MM_INSERT_BEST)) {
			dram->used[ch] += size;
			range->channel = ch;
			return 0;
		}
	}
	return -ENOSPC;
}

/**
 * neuron_dram_alloc() - allocate a cleared range of device DRAM
 * @ndev: the device
 * @obj: the BO that will hold the range (for debugfs)
 * @size: bytes, a multiple of PAGE_SIZE
 * @align: alignment of the device address, a power of two
 * @channel_mask: bit c allows channel c; 0 allows every channel
 *
 * The range reads zero: freed ranges are cleared before they are handed
 * out again. When only ranges still being cleared would fit, waits for
 * the clearing rounds (interruptibly).
 *
 * Return: the range (device address in @node.start, channel in
 * @channel), or an ERR_PTR(): -ENOSPC when no allowed channel has a range
 * of @size bytes at the requested alignment even once every freed range is
 * clear (never a warning: running out of device memory is an ordinary
 * condition); -EIO when the device is wedged and -ENODEV when it is gone
 * while the allocation waited; -ERESTARTSYS when a signal interrupted the
 * wait; -ENOMEM.
 */
struct neuron_dram_range *neuron_dram_alloc(struct neuron_device *ndev,
					    struct drm_gem_object *obj,
					    u64 size, u64 align,
					    u32 channel_mask)
{
	struct neuron_dram *dram = ndev->dram_mm;
	struct neuron_dram_range *range;
	unsigned long rounds;
	bool wait;
	int ret;

	if (!channel_mask)
		channel_mask = GENMASK(NEURON_DRAM_CHANNELS - 1, 0);

	range = kzalloc_obj(*range);
	if (!range)
		return ERR_PTR(-ENOMEM);
	range->obj = obj;

	for (;;) {
		mutex_lock(&dram->lock);
		ret = neuron_dram_insert_locked(dram, range, size, align,
						channel_mask, &wait);
		rounds = dram->rounds;
		if (ret == -ENOSPC && wait)
			neuron_dram_kick_locked(dram);
		mutex_unlock(&dram->lock);
		if (ret != -ENOSPC || !wait)
			break;

		ret = wait_event_interruptible(dram->cleaned,
					       READ_ONCE(dram->rounds) != rounds ||
					       READ_ONCE(dram->stopped));
		if (ret)
			break;
		if (READ_ONCE(ndev->wedged)) {
			ret = -EIO;
			break;
		}
	}

	if (ret) {
		kfree(range);
		return ERR_PTR(ret);
	}
	return range;
}

/**
 * neuron_dram_free() - give back a range from neuron_dram_alloc()
 * @ndev: the device
 * @range: the range, which no job can write any more
 *
 * The range is cleared in the background before it is handed out again.
 */
void neuron_dram_free(struct neuron_device *ndev,
		      struct neuron_dram_range *range)
{
	struct neuron_dram *dram = ndev->dram_mm;
	u32 ch = range->channel;

	mutex_lock(&dram->lock);
	dram->used[ch] -= range->node.size;
	range->obj = NULL;
	if (dram->stopped) {
		drm_mm_remove_node(&range->node);
		kfree(range);
	} else {
		dram->dirty_bytes[ch] += range->node.size;
		list_add_tail(&range->link, &dram->dirty);
		neuron_dram_kick_locked(dram);
	}
	mutex_unlock(&dram->lock);
}

/**
 * neuron_dram_dirty_bytes() - bytes freed and not cleared yet
 * @ndev: the device
 *
 * Return: bytes of DRAM that no BO holds but that no clearing round has
 * overwritten yet, over every channel (debugfs "jobs").
 */
u64 neuron_dram_dirty_bytes(struct neuron_device *ndev)
{
	struct neuron_dram *dram = ndev->dram_mm;
	u64 bytes = 0;
	int ch;

	mutex_lock(&dram->lock);
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++)
		bytes += dram->dirty_bytes[ch];
	mutex_unlock(&dram->lock);
	return bytes;
}

/**
 * neuron_dram_usage() - report the usage of a DRAM channel
 * @ndev: the device
 * @channel: the channel
 * @usage: out: its usage
 *
 * Walks the channel's ranges, so it costs time proportional to the number
 * of BOs in the channel. Ranges being cleared count as free.
 */
void neuron_dram_usage(struct neuron_device *ndev, u32 channel,
		       struct neuron_dram_usage *usage)
{
	struct neuron_dram *dram = ndev->dram_mm;
	u64 prev_end = dram->start[channel], run = 0;
	struct drm_mm_node *node;

	mutex_lock(&dram->lock);
	usage->total = dram->total[channel];
	usage->used = dram->used[channel];
	usage->largest_free = 0;
	/* Runs of holes and ranges no BO holds, in address order. */
	drm_mm_for_each_node(node, &dram->mm[channel]) {
		struct neuron_dram_range *range =
			container_of(node, struct neuron_dram_range, node);

		run += node->start - prev_end;
		if (range->obj) {
			usage->largest_free = max(usage->largest_free, run);
			run = 0;
		} else {
			run += node->size;
		}
		prev_end = node->start + node->size;
	}
	run += dram->start[channel] + dram->total[channel] - prev_end;
	usage->largest_free = max(usage->largest_free, run);
	mutex_unlock(&dram->lock);
}

/**
 * neuron_dram_show() - debugfs "dram": where each DRAM buffer object is
 * @ndev: the device
 * @m: the seq_file
 *
 * One line per allocated range: channel, device address and size, and the
 * mmap offset of its BO (&drm_neuron_bo_info.mmap_offset, which the owner
 * knows; 0 for a BO not yet published). Ranges no BO holds any more
 * (being cleared) are not listed. The uAPI never says where a BO is; tests
 * of the allocator and of DRAM isolation (root) ask here. The BOs stay
 * alive while the lock is held: a BO leaves the allocator before it is
 * freed.
 */
void neuron_dram_show(struct neuron_device *ndev, struct seq_file *m)
{
	struct neuron_dram *dram = ndev->dram_mm;
	struct drm_mm_node *node;
	u32 ch;

	mutex_lock(&dram->lock);
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		drm_mm_for_each_node(node, &dram->mm[ch]) {
			struct neuron_dram_range *range =
				container_of(node, struct neuron_dram_range, node);

			if (!range->obj)
				continue;
			seq_printf(m, "%u 0x%llx 0x%llx 0x%llx\n", ch, node->start,
				   node->size,
				   drm_vma_node_offset_addr(&range->obj->vma_node));
		}
	}
	mutex_unlock(&dram->lock);
}
