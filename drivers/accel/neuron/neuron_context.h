/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_CONTEXT_H__
#define __NEURON_CONTEXT_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/rwsem.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "neuron_regs.h"

struct drm_device;
struct drm_file;
struct neuron_device;
struct neuron_file;

/**
 * struct neuron_context - NeuronCores of a file bound to their DMA engines
 * @ref: held by the file's handle and by each of the context's jobs.
 * @core_mask: the context's NeuronCores.
 * @acquired: per core of @core_mask, the ownership the context was
 *            created under (&neuron_core.acquired).
 * @engine_count: number of the context's engines, 3 per core.
 * @engine: device DMA engine of each context engine.
 * @entity: scheduler entity of each context engine, on that engine's
 *          scheduler; destroyed with the handle, the memory goes with @ref.
 * @guilty: jobs of the context that timed out; once non-zero, its submits
 *          fail with -ECANCELED and its jobs not yet started are cancelled.
 * @lock: held for reading by a SUBMIT from the context lookup to the
 *        push, for writing to close the context: no job is pushed to an
 *        entity being destroyed.
 * @closed: the handle is gone (under @lock).
 */
struct neuron_context {
	struct kref ref;
	u32 core_mask;
	u32 acquired[NEURON_NC_COUNT];
	u32 engine_count;
	u8 engine[NEURON_DMA_ENG_COUNT];
	struct drm_sched_entity entity[NEURON_DMA_ENG_COUNT];
	atomic_t guilty;
	struct rw_semaphore lock; /* submits vs. destroy */
	bool closed;
};

void neuron_contexts_file_open(struct neuron_file *nfile);
void neuron_contexts_file_close(struct neuron_file *nfile);
int neuron_context_get(struct neuron_file *nfile, u32 handle,
		       struct neuron_context **out);
void neuron_context_unlock(struct neuron_context *ctx);
void neuron_context_put(struct neuron_context *ctx);

int neuron_ioctl_context_create(struct drm_device *dev, void *data,
				struct drm_file *file);
int neuron_ioctl_context_destroy(struct drm_device *dev, void *data,
				 struct drm_file *file);

#endif /* __NEURON_CONTEXT_H__ */
