// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Contexts: NeuronCores a file owns, bound to the DMA engines that feed
 * them (engines 3n..3n+2 for core n), with a scheduler entity per engine
 * and a guilt of their own. See "neuron contexts" in
 * include/uapi/drm/neuron_accel.h.
 */

#include <linux/bitops.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <drm/drm_file.h>
#include <drm/neuron_accel.h>

#include "neuron_context.h"
#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_job.h"

static void neuron_context_free(struct kref *ref)
{
	kfree(container_of(ref, struct neuron_context, ref));
}

/**
 * neuron_context_put() - drop a reference to a context
 * @ctx: the context
 */
void neuron_context_put(struct neuron_context *ctx)
{
	kref_put(&ctx->ref, neuron_context_free);
}

/*
 * The handle is gone: no new job. Wait for the queued ones to reach their
 * rings (drm_sched_entity_destroy(), as for a file's entities); jobs keep
 * the structure for its guilt.
 */
static void neuron_context_close(struct neuron_context *ctx)
{
	u32 i;

	down_write(&ctx->lock);
	ctx->closed = true;
	up_write(&ctx->lock);
	for (i = 0; i < ctx->engine_count; i++)
		drm_sched_entity_destroy(&ctx->entity[i]);
	neuron_context_put(ctx);
}

/**
 * neuron_contexts_file_open() - a file starts with no context
 * @nfile: the file
 */
void neuron_contexts_file_open(struct neuron_file *nfile)
{
	xa_init_flags(&nfile->contexts, XA_FLAGS_ALLOC1);
}

/**
 * neuron_contexts_file_close() - free the contexts of a closing file
 * @nfile: the file
 */
void neuron_contexts_file_close(struct neuron_file *nfile)
{
	struct neuron_context *ctx;
	unsigned long id;

	xa_for_each(&nfile->contexts, id, ctx)
		neuron_context_close(ctx);
	xa_destroy(&nfile->contexts);
}

/**
 * neuron_context_get() - a context a job is submitted to
 * @nfile: the submitting file
 * @handle: the context's handle in @nfile
 * @out: the context, referenced and held open: neuron_context_unlock()
 *       once the job is pushed (or given up), then neuron_context_put()
 *
 * Return: 0, -ENOENT for an unknown (or just destroyed) @handle, -ESTALE
 * when the file released one of the context's cores since it was created,
 * -EINTR.
 */
int neuron_context_get(struct neuron_file *nfile, u32 handle,
		       struct neuron_context **out)
{
	struct neuron_context *ctx;
	int ret;

	xa_lock(&nfile->contexts);
	ctx = xa_load(&nfile->contexts, handle);
	if (ctx)
		kref_get(&ctx->ref);
	xa_unlock(&nfile->contexts);
	if (!ctx)
		return -ENOENT;
	ret = down_read_interruptible(&ctx->lock);
	if (ret)
		goto err_put;
	ret = -ENOENT;
	if (ctx->closed)
		goto err_unlock;
	ret = -ESTALE;
	if (!neuron_cores_owned_since(nfile->ndev, nfile, ctx->core_mask,
				      ctx->acquired, false))
		goto err_unlock;
	*out = ctx;
	return 0;

err_unlock:
	up_read(&ctx->lock);
err_put:
	neuron_context_put(ctx);
	return ret;
}

/**
 * neuron_context_unlock() - the submit is done with the context's entities
 * @ctx: the context from neuron_context_get()
 */
void neuron_context_unlock(struct neuron_context *ctx)
{
	up_read(&ctx->lock);
}

/**
 * neuron_ioctl_context_create() - DRM_IOCTL_NEURON_CONTEXT_CREATE
 * @dev: DRM device
 * @data: &struct drm_neuron_context_create
 * @file: the caller's file
 *
 * Return: 0 or a negative errno, see &struct drm_neuron_context_create.
 */
int neuron_ioctl_context_create(struct drm_device *dev, void *data,
				struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_context_create *args = data;
	unsigned long cores = args->core_mask;
	struct neuron_context *ctx;
	u32 core, e, id;
	int ret;

	if (args->flags || !cores || cores & ~GENMASK(NEURON_NC_COUNT - 1, 0))
		return -EINVAL;

	ctx = kzalloc_obj(*ctx, GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	init_rwsem(&ctx->lock);
	ctx->core_mask = cores;
	if (!neuron_cores_owned_since(ndev, nfile, ctx->core_mask,
				      ctx->acquired, true)) {
		ret = -EACCES;
		goto err_free;
	}

	for_each_set_bit(core, &cores, NEURON_NC_COUNT) {
		for (e = 0; e < NEURON_DMA_ENG_PER_NC; e++) {
			u32 i = ctx->engine_count;
			struct drm_gpu_scheduler *sched;

			ctx->engine[i] = core * NEURON_DMA_ENG_PER_NC + e;
			sched = &neuron_sched_user(ndev, ctx->engine[i])->base;
			ret = drm_sched_entity_init(&ctx->entity[i],
						    DRM_SCHED_PRIORITY_NORMAL,
						    &sched, 1, NULL);
			if (ret)
				goto err_entities;
			ctx->engine_count++;
		}
	}

	ret = xa_alloc(&nfile->contexts, &id, ctx,
		       XA_LIMIT(1, DRM_NEURON_CONTEXT_MAX_PER_FILE),
		       GFP_KERNEL_ACCOUNT);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_entities;
	}
	args->handle = id;
	args->engine_count = ctx->engine_count;
	return 0;

err_entities:
	/* Nothing was queued on them: drm_sched_entity_fini() does not wait. */
	for (e = 0; e < ctx->engine_count; e++)
		drm_sched_entity_fini(&ctx->entity[e]);
err_free:
	neuron_context_put(ctx);
	return ret;
}

/**
 * neuron_ioctl_context_destroy() - DRM_IOCTL_NEURON_CONTEXT_DESTROY
 * @dev: DRM device
 * @data: &struct drm_neuron_context_destroy
 * @file: the caller's file
 *
 * Return: 0, -EINVAL for a non-zero pad, -ENOENT for an unknown handle.
 */
int neuron_ioctl_context_destroy(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_context_destroy *args = data;
	struct neuron_context *ctx;

	if (args->pad)
		return -EINVAL;
	ctx = xa_erase(&nfile->contexts, args->handle);
	if (!ctx)
		return -ENOENT;
	neuron_context_close(ctx);
	return 0;
}
