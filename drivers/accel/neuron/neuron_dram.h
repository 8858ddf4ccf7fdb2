/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_DRAM_H__
#define __NEURON_DRAM_H__

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/drm_mm.h>

#include "neuron_regs.h"

struct drm_gem_object;
struct neuron_device;
struct seq_file;

/**
 * struct neuron_dram_range - a range of DRAM held by a BO or being cleared
 * @node: the range in its channel's allocator.
 * @link: in &neuron_dram.dirty or a clearing round, once no BO holds it.
 * @channel: its channel.
 * @obj: the BO holding it; NULL once freed (under &neuron_dram.lock).
 */
struct neuron_dram_range {
	struct drm_mm_node node;
	struct list_head link;
	u32 channel;
	struct drm_gem_object *obj;
};

/**
 * struct neuron_dram - allocator of one device's DRAM
 * @ndev: the device.
 * @lock: protects the allocators, the counters and @dirty.
 * @mm: one range allocator per DRAM channel, over the channel's device
 *      addresses.
 * @start: first device address the allocator manages per channel.
 * @total: bytes the allocator manages per channel.
 * @used: bytes held by buffer objects per channel.
 * @dirty_bytes: bytes per channel that no BO holds but that are not
 *               cleared yet (on @dirty or in a clearing round).
 * @dirty: ranges waiting for the next clearing round, oldest first.
 * @clean_work: a clearing round (neuron_dram_clean()).
 * @rounds: clearing rounds finished, successful or not.
 * @stopped: the device is gone: freed ranges go straight back, no round
 *           starts any more.
 * @cleaned: woken after each round and when stopped.
 *
 * The first page of channel 0 is never handed out, so that device address
 * 0 never names a buffer object.
 */
struct neuron_dram {
	struct neuron_device *ndev;
	struct mutex lock; /* protects @mm, the counters and @dirty */
	struct drm_mm mm[NEURON_DRAM_CHANNELS];
	u64 start[NEURON_DRAM_CHANNELS];
	u64 total[NEURON_DRAM_CHANNELS];
	u64 used[NEURON_DRAM_CHANNELS];
	u64 dirty_bytes[NEURON_DRAM_CHANNELS];
	struct list_head dirty;
	struct work_struct clean_work;
	unsigned long rounds;
	bool stopped;
	wait_queue_head_t cleaned;
};

/**
 * struct neuron_dram_usage - usage of one DRAM channel
 * @total: bytes the allocator manages in the channel.
 * @used: bytes held by buffer objects.
 * @largest_free: size of the largest range no BO holds, in bytes (ranges
 *                still being cleared included: an allocation waits for
 *                them).
 */
struct neuron_dram_usage {
	u64 total;
	u64 used;
	u64 largest_free;
};

int neuron_dram_init(struct neuron_device *ndev);
void neuron_dram_start(struct neuron_device *ndev);
void neuron_dram_stop(struct neuron_device *ndev);
struct neuron_dram_range *neuron_dram_alloc(struct neuron_device *ndev,
					    struct drm_gem_object *obj,
					    u64 size, u64 align,
					    u32 channel_mask);
void neuron_dram_free(struct neuron_device *ndev,
		      struct neuron_dram_range *range);
u64 neuron_dram_dirty_bytes(struct neuron_device *ndev);
void neuron_dram_usage(struct neuron_device *ndev, u32 channel,
		       struct neuron_dram_usage *usage);
void neuron_dram_show(struct neuron_device *ndev, struct seq_file *m);

static inline u64 neuron_dram_channel_base(u32 channel)
{
	return channel ? NEURON_DEVADDR_DRAM1_BASE : NEURON_DEVADDR_DRAM0_BASE;
}

/* Offset of a DRAM device address in BAR4 (ch0 first, then ch1). */
static inline u64 neuron_dram_bar_offset(u32 channel, u64 addr)
{
	return (u64)channel * NEURON_DRAM_CHANNEL_SIZE + addr -
	       neuron_dram_channel_base(channel);
}

#endif /* __NEURON_DRAM_H__ */
