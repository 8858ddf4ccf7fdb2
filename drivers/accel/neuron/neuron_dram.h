/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_DRAM_H__
#define __NEURON_DRAM_H__

#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_mm.h>

#include "neuron_regs.h"

struct neuron_device;
struct seq_file;

/**
 * struct neuron_dram - allocator of one device's DRAM
 * @lock: protects the allocators and the counters.
 * @mm: one range allocator per DRAM channel, over the channel's device
 *      addresses.
 * @total: bytes the allocator manages per channel.
 * @used: bytes allocated per channel.
 *
 * The first page of channel 0 is never handed out, so that device address
 * 0 never names a buffer object.
 */
struct neuron_dram {
	struct mutex lock; /* protects @mm, @total and @used */
	struct drm_mm mm[NEURON_DRAM_CHANNELS];
	u64 total[NEURON_DRAM_CHANNELS];
	u64 used[NEURON_DRAM_CHANNELS];
};

/**
 * struct neuron_dram_usage - usage of one DRAM channel
 * @total: bytes the allocator manages in the channel.
 * @used: bytes allocated.
 * @largest_free: size of the largest free range, in bytes.
 */
struct neuron_dram_usage {
	u64 total;
	u64 used;
	u64 largest_free;
};

int neuron_dram_init(struct neuron_device *ndev);
int neuron_dram_alloc(struct neuron_device *ndev, struct drm_mm_node *node,
		      u64 size, u64 align, u32 channel_mask, u32 *channel);
void neuron_dram_free(struct neuron_device *ndev, struct drm_mm_node *node,
		      u32 channel);
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
