// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Programs: descriptor lists validated and translated once
 * (DRM_IOCTL_NEURON_PROGRAM_CREATE) and run as jobs many times
 * (DRM_IOCTL_NEURON_SUBMIT with a program handle). A run borrows the
 * program's hardware descriptor pairs: it checks that the program may
 * still run and copies nothing but the BO list. See "neuron programs" in
 * include/uapi/drm/neuron_accel.h.
 */

#include <linux/kref.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/neuron_accel.h>

#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_gem.h"
#include "neuron_job.h"
#include "neuron_program.h"

/**
 * struct neuron_program - a validated, translated descriptor list
 * @ref: held by the file's handle and by each job running the program.
 * @p: the translation; its BOs are referenced by the program.
 * @acquired: per NeuronCore of &neuron_payload.nc_used, the ownership the
 *            program was created under (&neuron_core.acquired).
 * @stale: a BO was closed or a core released since creation: no more runs.
 */
struct neuron_program {
	struct kref ref;
	struct neuron_payload p;
	u32 acquired[NEURON_NC_COUNT];
	bool stale;
};

static void neuron_program_free(struct kref *ref)
{
	struct neuron_program *prog = container_of(ref, struct neuron_program,
						   ref);

	neuron_payload_fini(&prog->p);
	kfree(prog);
}

/**
 * neuron_program_put() - drop a reference to a program
 * @prog: the program
 */
void neuron_program_put(struct neuron_program *prog)
{
	kref_put(&prog->ref, neuron_program_free);
}

/**
 * neuron_programs_file_open() - a file starts with no program
 * @nfile: the file
 */
void neuron_programs_file_open(struct neuron_file *nfile)
{
	xa_init_flags(&nfile->programs, XA_FLAGS_ALLOC1);
}

/**
 * neuron_programs_file_close() - free the programs of a closing file
 * @nfile: the file
 *
 * Jobs still running a program keep it until they are freed.
 */
void neuron_programs_file_close(struct neuron_file *nfile)
{
	struct neuron_program *prog;
	unsigned long id;

	xa_for_each(&nfile->programs, id, prog)
		neuron_program_put(prog);
	xa_destroy(&nfile->programs);
}

/*
 * The program may run while every BO is still open in the file under the
 * handle it was created with, and the file still holds every core it
 * uses as it did then. Once not, never again: a handle closed and
 * reopened, or a core released and acquired again, may name something
 * else.
 */
static int neuron_program_check(struct drm_file *file,
				struct neuron_program *prog)
{
	struct neuron_file *nfile = file->driver_priv;
	u32 i;

	if (READ_ONCE(prog->stale))
		return -ESTALE;
	for (i = 0; i < prog->p.bo_count; i++) {
		const struct neuron_job_bo *bo = &prog->p.bos[i];
		struct drm_gem_object *obj;

		obj = drm_gem_object_lookup(file, bo->handle);
		if (obj)
			drm_gem_object_put(obj);
		if (obj != bo->obj)
			goto stale;
		if (bo->route &&
		    !neuron_jobs_peer_alive(neuron_bo_dram_owner(bo->obj)))
			return -ENODEV;
	}
	if (!neuron_cores_owned_since(nfile->ndev, nfile, prog->p.nc_used,
				      prog->acquired, false))
		goto stale;
	return 0;

stale:
	WRITE_ONCE(prog->stale, true);
	return -ESTALE;
}

/**
 * neuron_program_job() - make a job run a program
 * @file: the submitting file
 * @handle: the program's handle in @file
 * @job: the job, not armed yet; it takes a reference on the program and
 *       on each of its BOs, and borrows its descriptor pairs
 *
 * Return: 0, -ENOENT for an unknown @handle, -ESTALE when the program may
 * no longer run, -ENODEV when a neighbour whose DRAM it uses is gone,
 * -ENOMEM.
 */
int neuron_program_job(struct drm_file *file, u32 handle,
		       struct neuron_job *job)
{
	struct neuron_file *nfile = file->driver_priv;
	struct neuron_program *prog;
	struct neuron_job_bo *bos = NULL;
	u32 i;
	int ret;

	xa_lock(&nfile->programs);
	prog = xa_load(&nfile->programs, handle);
	if (prog)
		kref_get(&prog->ref);
	xa_unlock(&nfile->programs);
	if (!prog)
		return -ENOENT;

	ret = neuron_program_check(file, prog);
	if (ret)
		goto err_put;

	/* Per job: run_job() counts each job in the neighbours it uses. */
	if (prog->p.bo_count) {
		bos = kvmalloc_array(prog->p.bo_count, sizeof(*bos), GFP_KERNEL);
		if (!bos) {
			ret = -ENOMEM;
			goto err_put;
		}
		memcpy(bos, prog->p.bos, prog->p.bo_count * sizeof(*bos));
		for (i = 0; i < prog->p.bo_count; i++)
			drm_gem_object_get(bos[i].obj);
	}
	job->bos = bos;
	job->bo_count = prog->p.bo_count;
	job->pairs = prog->p.pairs;
	job->pair_count = prog->p.pair_count;
	job->nc_used = prog->p.nc_used;
	job->nc_sb_writes = prog->p.nc_sb_writes;
	job->program = prog;
	return 0;

err_put:
	neuron_program_put(prog);
	return ret;
}

/**
 * neuron_ioctl_program_create() - DRM_IOCTL_NEURON_PROGRAM_CREATE
 * @dev: DRM device
 * @data: &struct drm_neuron_program_create
 * @file: the caller's file
 *
 * Return: 0 or a negative errno, see &struct drm_neuron_program_create.
 */
int neuron_ioctl_program_create(struct drm_device *dev, void *data,
				struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_program_create *args = data;
	struct neuron_payload_args pa = {
		.descs = args->descs, .desc_count = args->desc_count,
		.bo_handles = args->bo_handles,
		.bo_handle_count = args->bo_handle_count,
	};
	struct neuron_program *prog;
	u32 id;
	int ret;

	if (args->flags || args->pad || !args->desc_count ||
	    args->desc_count > DRM_NEURON_SUBMIT_MAX_DESCS ||
	    args->bo_handle_count > DRM_NEURON_SUBMIT_MAX_BOS)
		return -EINVAL;

	prog = kzalloc_obj(*prog, GFP_KERNEL_ACCOUNT);
	if (!prog)
		return -ENOMEM;
	kref_init(&prog->ref);

	/* Kept as long as the program: charged to the caller's cgroup. */
	ret = neuron_payload_build(ndev, file, &pa, GFP_KERNEL_ACCOUNT,
				   &prog->p);
	if (ret)
		goto err_put;

	/* A core released since the build was checked: as if before it. */
	if (!neuron_cores_owned_since(ndev, nfile, prog->p.nc_used,
				      prog->acquired, true)) {
		ret = -EACCES;
		goto err_put;
	}

	ret = xa_alloc(&nfile->programs, &id, prog,
		       XA_LIMIT(1, DRM_NEURON_PROGRAM_MAX_PER_FILE),
		       GFP_KERNEL_ACCOUNT);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_put;
	}
	args->handle = id;
	args->hw_desc_count = prog->p.pair_count;
	return 0;

err_put:
	neuron_program_put(prog);
	return ret;
}

/**
 * neuron_ioctl_program_destroy() - DRM_IOCTL_NEURON_PROGRAM_DESTROY
 * @dev: DRM device
 * @data: &struct drm_neuron_program_destroy
 * @file: the caller's file
 *
 * Return: 0, -EINVAL for a non-zero pad, -ENOENT for an unknown handle.
 */
int neuron_ioctl_program_destroy(struct drm_device *dev, void *data,
				 struct drm_file *file)
{
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_program_destroy *args = data;
	struct neuron_program *prog;

	if (args->pad)
		return -EINVAL;
	prog = xa_erase(&nfile->programs, args->handle);
	if (!prog)
		return -ENOENT;
	neuron_program_put(prog);
	return 0;
}
