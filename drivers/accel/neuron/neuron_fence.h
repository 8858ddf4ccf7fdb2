/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_FENCE_H__
#define __NEURON_FENCE_H__

#include <linux/types.h>

struct dma_fence;
struct drm_device;
struct neuron_done_fence;

struct neuron_done_fence *neuron_done_fence_alloc(void);
void neuron_done_fence_free(struct neuron_done_fence *df);
struct dma_fence *neuron_done_fence_attach(struct neuron_done_fence *df,
					   struct drm_device *drm,
					   struct dma_fence *finished);
struct dma_fence *neuron_fence_unwrap(struct dma_fence *fence,
				      struct drm_device *drm);

void neuron_fence_pin_module(void);
void neuron_fence_free_rcu(struct dma_fence *fence, void *obj);

#endif /* __NEURON_FENCE_H__ */
