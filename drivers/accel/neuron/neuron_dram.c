// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Device DRAM allocator: one drm_mm range allocator per DRAM channel,
 * working on device addresses. Allocation is best fit, so small buffers
 * fill small holes and large holes stay available for large buffers.
 */

#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>
#include <drm/drm_vma_manager.h>

#include "neuron_drv.h"
#include "neuron_dram.h"
#include "neuron_gem.h"

static void neuron_dram_fini(struct drm_device *drm, void *data)
{
	struct neuron_dram *dram = data;
	int ch;

	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++)
		drm_mm_takedown(&dram->mm[ch]);
	mutex_destroy(&dram->lock);
}

/**
 * neuron_dram_init() - set up the DRAM allocator of a device
 * @ndev: the device
 *
 * Torn down with the DRM device, once every buffer object is gone.
 *
 * Return: 0 or -ENOMEM.
 */
int neuron_dram_init(struct neuron_device *ndev)
{
	struct neuron_dram *dram;
	int ch;

	dram = drmm_kzalloc(&ndev->drm, sizeof(*dram), GFP_KERNEL);
	if (!dram)
		return -ENOMEM;

	mutex_init(&dram->lock);
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		u64 start = neuron_dram_channel_base(ch);
		u64 size = NEURON_DRAM_CHANNEL_SIZE;

		/* Device address 0 is never a buffer object's address. */
		if (!ch) {
			start += PAGE_SIZE;
			size -= PAGE_SIZE;
		}
		drm_mm_init(&dram->mm[ch], start, size);
		dram->total[ch] = size;
	}

	ndev->dram_mm = dram;
	return drmm_add_action_or_reset(&ndev->drm, neuron_dram_fini, dram);
}

/**
 * neuron_dram_alloc() - allocate a range of device DRAM
 * @ndev: the device
 * @node: the range, zero-initialised; on success it holds the device
 *        address (@node->start) and size
 * @size: bytes, a multiple of PAGE_SIZE
 * @align: alignment of the device address, a power of two
 * @channel_mask: bit c allows channel c; 0 allows every channel
 * @channel: out: the channel the range was taken from
 *
 * Among the allowed channels, the one with the most free bytes is tried
 * first, to spread buffers over both channels' bandwidth.
 *
 * Return: 0, or -ENOSPC when no allowed channel has a free range of @size
 * bytes at the requested alignment (never a warning: running out of device
 * memory is an ordinary condition).
 */
int neuron_dram_alloc(struct neuron_device *ndev, struct drm_mm_node *node,
		      u64 size, u64 align, u32 channel_mask, u32 *channel)
{
	struct neuron_dram *dram = ndev->dram_mm;
	u32 order[NEURON_DRAM_CHANNELS];
	int i, n = 0, ret = -ENOSPC;
	u32 ch;

	if (!channel_mask)
		channel_mask = GENMASK(NEURON_DRAM_CHANNELS - 1, 0);

	mutex_lock(&dram->lock);

	/* Allowed channels, most free bytes first (a tiny insertion sort). */
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		if (!(channel_mask & BIT(ch)) || size > dram->total[ch])
			continue;
		for (i = n++; i > 0; i--) {
			u32 prev = order[i - 1];

			if (dram->total[prev] - dram->used[prev] >=
			    dram->total[ch] - dram->used[ch])
				break;
			order[i] = prev;
		}
		order[i] = ch;
	}

	for (i = 0; i < n; i++) {
		ch = order[i];
		if (dram->total[ch] - dram->used[ch] < size)
			continue;
		ret = drm_mm_insert_node_in_range(&dram->mm[ch], node, size,
						  align, 0, 0, U64_MAX,
						  DRM_MM_INSERT_BEST);
		if (!ret) {
			dram->used[ch] += size;
			*channel = ch;
			break;
		}
	}

	mutex_unlock(&dram->lock);
	return ret;
}

/**
 * neuron_dram_free() - give back a range from neuron_dram_alloc()
 * @ndev: the device
 * @node: the range
 * @channel: its channel
 */
void neuron_dram_free(struct neuron_device *ndev, struct drm_mm_node *node,
		      u32 channel)
{
	struct neuron_dram *dram = ndev->dram_mm;

	mutex_lock(&dram->lock);
	dram->used[channel] -= node->size;
	drm_mm_remove_node(node);
	mutex_unlock(&dram->lock);
}

/**
 * neuron_dram_usage() - report the usage of a DRAM channel
 * @ndev: the device
 * @channel: the channel
 * @usage: out: its usage
 *
 * Walks the channel's free ranges, so it costs time proportional to the
 * fragmentation of the channel.
 */
void neuron_dram_usage(struct neuron_device *ndev, u32 channel,
		       struct neuron_dram_usage *usage)
{
	struct neuron_dram *dram = ndev->dram_mm;
	struct drm_mm_node *pos;
	u64 start, end;

	mutex_lock(&dram->lock);
	usage->total = dram->total[channel];
	usage->used = dram->used[channel];
	usage->largest_free = 0;
	drm_mm_for_each_hole(pos, &dram->mm[channel], start, end)
		usage->largest_free = max(usage->largest_free, end - start);
	mutex_unlock(&dram->lock);
}

/**
 * neuron_dram_show() - debugfs "dram": where each DRAM buffer object is
 * @ndev: the device
 * @m: the seq_file
 *
 * One line per allocated range: channel, device address and size, and the
 * mmap offset of its BO (&drm_neuron_bo_info.mmap_offset, which the owner
 * knows; 0 for a BO not yet published). The uAPI never says where a BO
 * is; tests of the allocator and of DRAM isolation (root) ask here. The
 * BOs stay alive while the lock is held: a BO leaves the allocator before
 * it is freed.
 */
void neuron_dram_show(struct neuron_device *ndev, struct seq_file *m)
{
	struct neuron_dram *dram = ndev->dram_mm;
	struct drm_mm_node *node;
	u32 ch;

	mutex_lock(&dram->lock);
	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++) {
		drm_mm_for_each_node(node, &dram->mm[ch]) {
			struct neuron_dram_bo *bo =
				container_of(node, struct neuron_dram_bo, node);

			seq_printf(m, "%u 0x%llx 0x%llx 0x%llx\n", ch, node->start,
				   node->size,
				   drm_vma_node_offset_addr(&bo->base.vma_node));
		}
	}
	mutex_unlock(&dram->lock);
}
