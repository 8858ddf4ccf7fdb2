/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_CLEAR_H__
#define __NEURON_CLEAR_H__

#include <linux/types.h>

struct neuron_clear;
struct neuron_device;

/**
 * struct neuron_clear_range - a range of device DRAM to overwrite with zeroes
 * @addr: device address.
 * @size: bytes, a non-zero multiple of PAGE_SIZE.
 */
struct neuron_clear_range {
	u64 addr;
	u64 size;
};

struct neuron_clear *neuron_clear_start(struct neuron_device *ndev,
					const struct neuron_clear_range *ranges,
					u32 count);
int neuron_clear_wait(struct neuron_clear *clr, bool intr, long timeout);
void neuron_clear_free(struct neuron_clear *clr);
int neuron_jobs_clear_dram(struct neuron_device *ndev, u64 addr, u64 size);

#endif /* __NEURON_CLEAR_H__ */
