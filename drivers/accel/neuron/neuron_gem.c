// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * GEM buffer objects: host memory (drm_gem_shmem, mapped for the device
 * through the DMA API) and device DRAM (a drm_mm range per BO), their
 * ioctls, mmap, PRIME sharing and memory accounting.
 */

#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/neuron_accel.h>

#include "neuron_drv.h"
#include "neuron_dram.h"
#include "neuron_gem.h"
#include "neuron_regs.h"

/* ---------------------------------------------------------------------- */
/* Host BOs                                                               */
/* ---------------------------------------------------------------------- */

/*
 * Host BOs may reserve at most this much of a device's mmap-offset space
 * (1 TiB on 64-bit, DRM_FILE_PAGE_OFFSET_SIZE), created and imported ones
 * together, so that whatever users with a large RLIMIT_MEMLOCK do, the
 * rest stays for the device's DRAM BOs (at most its DRAM) and for other
 * users. 0: no bound but the space itself.
 */
static unsigned int device_host_max_gib = 512;
module_param(device_host_max_gib, uint, 0644);
MODULE_PARM_DESC(device_host_max_gib,
		 "GiB of host BOs, created or imported, a device may have (BO_CREATE and PRIME import fail with ENOSPC beyond; default 512, 0: no bound)");

/*
 * The pages of a host BO are pinned once a job or a notification queue
 * uses it (neuron_bo_prepare_dma()) and stay so until it is freed: like
 * io_uring's registered buffers, the whole BO is charged at creation to
 * the creating user's locked memory (&user_struct.locked_vm, shared by
 * all the user's processes, files and devices) and bounded by the
 * creator's RLIMIT_MEMLOCK, unless it has CAP_IPC_LOCK.
 */
static int neuron_host_bo_charge_user(struct neuron_host_bo *bo, u64 size)
{
	struct user_struct *user = current_user();
	unsigned long pages = size >> PAGE_SHIFT, limit, cur;

	limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	cur = atomic_long_read(&user->locked_vm);
	do {
		if (pages > limit || cur > limit - pages) {
			/* Asked only when needed: no capability log otherwise. */
			if (capable(CAP_IPC_LOCK))
				return 0;
			return -ENOMEM;
		}
	} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, cur + pages));

	bo->user = get_uid(user);
	bo->user_pages = pages;
	return 0;
}

static void neuron_host_bo_free(struct drm_gem_object *obj)
{
	struct neuron_host_bo *bo = to_neuron_host_bo(obj);
	struct neuron_device *ndev = to_neuron_device(obj->dev);

	if (!list_empty(&bo->dev_node)) {
		mutex_lock(&ndev->host_bos_lock);
		list_del(&bo->dev_node);
		mutex_unlock(&ndev->host_bos_lock);
	}
	atomic64_sub(obj->size, &ndev->host_offset_bytes);
	if (bo->accounted)
		atomic64_sub(obj->size, &ndev->host_bo_bytes);
	if (bo->user) {
		atomic_long_sub(bo->user_pages, &bo->user->locked_vm);
		free_uid(bo->user);
	}
	if (bo->creator) {
		neuron_file_uncharge_bo(bo->creator, bo->tenant, false, obj->size);
		neuron_job_file_put(bo->creator);
	}

	drm_gem_shmem_free(&bo->base);
}

static const struct drm_gem_object_funcs neuron_host_bo_funcs = {
	.free = neuron_host_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * neuron_gem_create_object() - &drm_driver.gem_create_object hook
 * @dev: the DRM device
 * @size: size of the object
 *
 * Allocates the host BO structure for drm_gem_shmem_create() and for the
 * import of a foreign dma-buf, and counts @size against the device's bound
 * on host BOs (device_host_max_gib); the BO's free gives it back.
 *
 * Return: the GEM object or an ERR_PTR(): -EDQUOT beyond the bound (its
 * callers in this file tell it from shmem's -ENOSPC and return -ENOSPC).
 */
struct drm_gem_object *neuron_gem_create_object(struct drm_device *dev,
						size_t size)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	u64 max = (u64)READ_ONCE(device_host_max_gib) << 30;
	struct neuron_host_bo *bo;

	if ((u64)atomic64_add_return(size, &ndev->host_offset_bytes) > max && max) {
		atomic64_sub(size, &ndev->host_offset_bytes);
		return ERR_PTR(-EDQUOT);
	}

	bo = kzalloc_obj(*bo);
	if (!bo) {
		atomic64_sub(size, &ndev->host_offset_bytes);
		return ERR_PTR(-ENOMEM);
	}

	bo->base.base.funcs = &neuron_host_bo_funcs;
	INIT_LIST_HEAD(&bo->dev_node);
	/* The device may write to any page of the BO at any time. */
	bo->base.pages_mark_dirty_on_put = true;

	return &bo->base.base;
}

static struct drm_gem_object *neuron_host_bo_create(struct neuron_device *ndev,
						    u64 size,
						    struct neuron_job_file *jf)
{
	struct drm_gem_shmem_object *shmem;
	struct neuron_tenant *tenant;
	struct neuron_host_bo *bo;
	int ret;

	/* A BO that could never be resident is refused up front. */
	if (size > (u64)totalram_pages() << PAGE_SHIFT)
		return ERR_PTR(-ENOMEM);

	ret = neuron_file_charge_bo(jf, false, size, &tenant);
	if (ret)
		return ERR_PTR(ret);

	/*
	 * Every other failure here is a failed allocation (shmem reports its
	 * inode allocation as -ENOSPC, a full file table as -ENFILE):
	 * -ENOMEM, as uAPI documents; -EDQUOT is the device's bound on host
	 * BOs (neuron_gem_create_object()): -ENOSPC.
	 */
	shmem = drm_gem_shmem_create(&ndev->drm, size);
	if (IS_ERR(shmem)) {
		neuron_file_uncharge_bo(jf, tenant, false, size);
		return ERR_PTR(PTR_ERR(shmem) == -EDQUOT ? -ENOSPC : -ENOMEM);
	}

	bo = to_neuron_host_bo(&shmem->base);
	kref_get(&jf->refcount);
	bo->creator = jf;
	bo->tenant = tenant;
	bo->accounted = true;
	atomic64_add(shmem->base.size, &ndev->host_bo_bytes);

	ret = neuron_host_bo_charge_user(bo, size);
	if (ret) {
		drm_gem_object_put(&shmem->base);
		return ERR_PTR(ret);
	}

	return &shmem->base;
}

/* ---------------------------------------------------------------------- */
/* DRAM BOs                                                               */
/* ---------------------------------------------------------------------- */

static const struct dma_buf_ops neuron_dram_dmabuf_ops;

static void neuron_dram_bo_free(struct drm_gem_object *obj)
{
	struct neuron_dram_bo *bo = to_neuron_dram_bo(obj);
	struct dma_buf *peer = bo->peer_dmabuf;

	if (bo->range)
		neuron_dram_free(bo->owner, bo->range);
	if (bo->creator) {
		neuron_file_uncharge_bo(bo->creator, bo->tenant, true, obj->size);
		neuron_job_file_put(bo->creator);
	}

	drm_gem_object_release(obj);
	kfree(bo);

	/* Last: this may free the exporter's BO and device. */
	if (peer)
		dma_buf_put(peer);
}

/*
 * CPU mappings of DRAM go through the device's BAR4, write-combined. The
 * whole range is mapped at once; drm_dev_unplug() zaps every mapping of
 * the device's address space, and since there is no fault handler, later
 * accesses get SIGBUS instead of reaching a released BAR.
 *
 * That only holds for mappings made through the owner's own files (or its
 * dma-buf, which drm_gem_prime_mmap() maps in the owner's address space).
 * A peer DRAM BO is mapped through the importer's file, whose address space
 * the owner's unplug does not zap: such a mapping would outlive the BAR.
 * So peer DRAM is never mapped through the importer (it has no mmap
 * offset, -EOPNOTSUPP here as a second line, and BO_INFO does not report
 * it mappable); the dma-buf itself can be mapped.
 */
static int neuron_dram_bo_mmap(struct drm_gem_object *obj,
			       struct vm_area_struct *vma)
{
	struct neuron_dram_bo *bo = to_neuron_dram_bo(obj);
	struct neuron_device *owner = bo->owner;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)(vma->vm_pgoff - drm_vma_node_start(&obj->vma_node))
		  << PAGE_SHIFT;
	phys_addr_t phys;
	int idx, ret;

	if (vma_is_cow_mapping(vma))
		return -EINVAL;
	/* Device memory is data: never executable, now or by mprotect(). */
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (bo->peer_dmabuf || !owner->dram_bar)
		return -EOPNOTSUPP;
	if (off > obj->size || len > obj->size - off)
		return -EINVAL;

	if (!drm_dev_enter(&owner->drm, &idx))
		return -ENODEV;

	phys = pci_resource_start(owner->pdev, NEURON_BAR_DRAM) +
	       neuron_dram_bar_offset(bo->channel, bo->addr) + off;

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYEXEC);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	ret = io_remap_pfn_range(vma, vma->vm_start, PHYS_PFN(phys), len,
				 vma->vm_page_prot);

	drm_dev_exit(idx);
	return ret;
}

static const struct vm_operations_struct neuron_dram_bo_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static struct dma_buf *neuron_dram_bo_export(struct drm_gem_object *obj,
					     int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	/* A peer BO keeps the exporter's dma-buf: PRIME re-exports that. */
	if (to_neuron_dram_bo(obj)->peer_dmabuf)
		return ERR_PTR(-EOPNOTSUPP);

	exp_info.ops = &neuron_dram_dmabuf_ops;
	exp_info.size = obj->size;
	exp_info.flags = flags;
	exp_info.priv = obj;
	exp_info.resv = obj->resv;

	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

static const struct drm_gem_object_funcs neuron_dram_bo_funcs = {
	.free = neuron_dram_bo_free,
	.export = neuron_dram_bo_export,
	.mmap = neuron_dram_bo_mmap,
	.vm_ops = &neuron_dram_bo_vm_ops,
};

/* A DRAM BO object of @size bytes, not yet backed by any memory. */
static struct neuron_dram_bo *neuron_dram_bo_alloc(struct neuron_device *ndev,
						   size_t size)
{
	struct neuron_dram_bo *bo;

	bo = kzalloc_obj(*bo);
	if (!bo)
		return NULL;

	bo->base.funcs = &neuron_dram_bo_funcs;
	drm_gem_private_object_init(&ndev->drm, &bo->base, size);
	return bo;
}

static struct drm_gem_object *neuron_dram_bo_create(struct neuron_device *ndev,
						    u64 size, u64 align,
						    u32 channel_mask,
						    struct neuron_job_file *jf)
{
	struct neuron_tenant *tenant;
	struct neuron_dram_bo *bo;
	struct drm_gem_object *obj;
	int ret;

	ret = neuron_file_charge_bo(jf, true, size, &tenant);
	if (ret)
		return ERR_PTR(ret);

	bo = neuron_dram_bo_alloc(ndev, size);
	if (!bo) {
		neuron_file_uncharge_bo(jf, tenant, true, size);
		return ERR_PTR(-ENOMEM);
	}

	obj = &bo->base;
	bo->owner = ndev;
	/* From here on the BO's free gives the charge back. */
	kref_get(&jf->refcount);
	bo->creator = jf;
	bo->tenant = tenant;

	/* Cleared when its previous holder freed it (neuron_dram.c). */
	bo->range = neuron_dram_alloc(ndev, obj, size, align, channel_mask);
	if (IS_ERR(bo->range)) {
		ret = PTR_ERR(bo->range);
		bo->range = NULL;
		goto err_put;
	}
	bo->addr = bo->range->node.start;
	bo->channel = bo->range->channel;

	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		goto err_put;

	return obj;

err_put:
	drm_gem_object_put(obj);
	return ERR_PTR(ret);
}

/*
 * A DRAM BO's dma-buf has no pages and no host DMA address, so there is
 * nothing to attach to. Neuron devices do not attach: they recognise the
 * dma-buf by its ops in neuron_gem_prime_import().
 */
static int neuron_dram_dmabuf_attach(struct dma_buf *dmabuf,
				     struct dma_buf_attachment *attach)
{
	return -EOPNOTSUPP;
}

static struct sg_table *
neuron_dram_dmabuf_map(struct dma_buf_attachment *attach,
		       enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void neuron_dram_dmabuf_unmap(struct dma_buf_attachment *attach,
				     struct sg_table *sgt,
				     enum dma_data_direction dir)
{
}

static const struct dma_buf_ops neuron_dram_dmabuf_ops = {
	.attach = neuron_dram_dmabuf_attach,
	.map_dma_buf = neuron_dram_dmabuf_map,
	.unmap_dma_buf = neuron_dram_dmabuf_unmap,
	.release = drm_gem_dmabuf_release,
	.mmap = drm_gem_dmabuf_mmap,
};

static struct drm_gem_object *
neuron_dram_bo_import_peer(struct neuron_device *ndev, struct dma_buf *dma_buf)
{
	struct neuron_dram_bo *src = to_neuron_dram_bo(dma_buf->priv);
	struct neuron_dram_bo *bo;
	struct drm_gem_object *obj;

	bo = neuron_dram_bo_alloc(ndev, dma_buf->size);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	obj = &bo->base;
	/* Implicit synchronisation with the exporter's users. */
	obj->resv = dma_buf->resv;

	get_dma_buf(dma_buf);
	bo->peer_dmabuf = dma_buf;
	bo->owner = src->owner;
	bo->addr = src->addr;
	bo->channel = src->channel;

	/*
	 * No mmap offset: the importer never maps it (neuron_dram_bo_mmap()),
	 * and each import of a large exporter's BO into another file would
	 * otherwise take its size of the device's offset space again.
	 */
	return obj;
}

/**
 * neuron_gem_prime_import() - &drm_driver.gem_prime_import hook
 * @dev: the importing DRM device
 * @dma_buf: the dma-buf
 *
 * A DRAM BO's dma-buf becomes the BO itself on its own device and a
 * %NEURON_BO_PEER_DRAM object on another neuron device; everything else is
 * imported as a host BO by the PRIME helpers (same-device dma-bufs give
 * back the original object, others are attached and mapped for @dev).
 *
 * Return: the GEM object, with a reference, or an ERR_PTR().
 */
struct drm_gem_object *neuron_gem_prime_import(struct drm_device *dev,
					       struct dma_buf *dma_buf)
{
	struct drm_gem_object *obj;

	if (dma_buf->ops == &neuron_dram_dmabuf_ops) {
		obj = dma_buf->priv;
		if (obj->dev == dev) {
			drm_gem_object_get(obj);
			return obj;
		}
		return neuron_dram_bo_import_peer(to_neuron_device(dev), dma_buf);
	}

	obj = drm_gem_prime_import(dev, dma_buf);
	/* The device's bound on host BOs (neuron_gem_create_object()). */
	if (obj == ERR_PTR(-EDQUOT))
		return ERR_PTR(-ENOSPC);
	return obj;
}

/* ---------------------------------------------------------------------- */
/* In-kernel interface for the job code                                   */
/* ---------------------------------------------------------------------- */

/**
 * neuron_bo_kind() - what a neuron GEM object is
 * @obj: a GEM object of a neuron device (every object reachable through a
 *       handle of a neuron file is one)
 *
 * Return: its &enum neuron_bo_kind.
 */
enum neuron_bo_kind neuron_bo_kind(const struct drm_gem_object *obj)
{
	if (obj->funcs == &neuron_host_bo_funcs)
		return NEURON_BO_HOST;

	return container_of(obj, struct neuron_dram_bo, base)->peer_dmabuf ?
	       NEURON_BO_PEER_DRAM : NEURON_BO_DRAM;
}

/**
 * neuron_bo_dram_owner() - the device whose DRAM holds a DRAM BO
 * @obj: a %NEURON_BO_DRAM or %NEURON_BO_PEER_DRAM object
 *
 * The returned device structure stays valid as long as the caller holds a
 * reference to @obj, but the device may have been unplugged: enter it with
 * drm_dev_enter() before using its hardware.
 *
 * Return: the owning device, or NULL for a host BO.
 */
struct neuron_device *neuron_bo_dram_owner(struct drm_gem_object *obj)
{
	if (neuron_bo_kind(obj) == NEURON_BO_HOST)
		return NULL;

	return to_neuron_dram_bo(obj)->owner;
}

/**
 * neuron_bo_prepare_dma() - make a BO reachable by its device's DMA
 * @obj: the BO
 *
 * For a host BO created on this device, allocates its pages if needed and
 * maps them for the device through the DMA API, once: the mapping then
 * stays until the BO is freed. Nothing to do for the other kinds.
 *
 * Where the DMA layer needs syncs for the mapping (bounce buffering through
 * swiotlb, e.g. in a confidential VM or with "swiotlb=force"), the jobs
 * that use the BO sync it: see neuron_bo_sync_for_device().
 *
 * Takes the BO's reservation lock: call it before locking the BO for a job
 * (drm_exec, dma_resv_lock()), not while holding that lock. May sleep.
 *
 * Return: 0, -ENOMEM when the pages cannot be allocated or mapped,
 * -EINTR when interrupted by a signal, or -ENODEV after the device went
 * away.
 */
int neuron_bo_prepare_dma(struct drm_gem_object *obj)
{
	struct neuron_device *ndev = to_neuron_device(obj->dev);
	struct neuron_host_bo *bo;
	struct sg_table *sgt;

	if (neuron_bo_kind(obj) != NEURON_BO_HOST || drm_gem_is_imported(obj))
		return 0;

	bo = to_neuron_host_bo(obj);
	/* Under the lock neuron_bo_unplug() takes: no mapping after it. */
	mutex_lock(&ndev->host_bos_lock);
	if (ndev->host_bos_unmapped) {
		mutex_unlock(&ndev->host_bos_lock);
		return -ENODEV;
	}
	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (!IS_ERR(sgt) && list_empty(&bo->dev_node))
		list_add_tail(&bo->dev_node, &ndev->host_bos);
	mutex_unlock(&ndev->host_bos_lock);
	if (!IS_ERR(sgt))
		return 0;

	/*
	 * shmem reports a failed inode or page allocation as -ENOSPC, and
	 * the DMA layer a mapping it cannot make (IOVA space, swiotlb slots)
	 * as -EIO, -EINVAL or -EREMOTEIO: to the caller all of them are
	 * "no memory for this BO", which uAPI documents as -ENOMEM.
	 */
	switch (PTR_ERR(sgt)) {
	case -EINTR:
	case -ERESTARTSYS:
		return PTR_ERR(sgt);
	default:
		return -ENOMEM;
	}
}

/**
 * neuron_bo_unplug() - the device is going away: unmap every host BO
 * @ndev: the device, its DMA stopped (neuron_jobs_unplug())
 *
 * A DMA mapping must not outlive its device's binding (the IOMMU domain
 * goes with it, and DMA-API debugging reports the leak), but the BOs may
 * live on in open files and mappings: their pages stay, only the device's
 * mapping goes. The page reference the mapping held is left to the BO's
 * free, which drops it as it would have with the mapping.
 */
void neuron_bo_unplug(struct neuron_device *ndev)
{
	struct neuron_host_bo *bo, *tmp;

	mutex_lock(&ndev->host_bos_lock);
	ndev->host_bos_unmapped = true;
	list_for_each_entry_safe(bo, tmp, &ndev->host_bos, dev_node) {
		struct drm_gem_shmem_object *shmem = &bo->base;

		dma_resv_lock(shmem->base.resv, NULL);
		if (shmem->sgt) {
			dma_unmap_sgtable(ndev->drm.dev, shmem->sgt,
					  DMA_BIDIRECTIONAL, 0);
			sg_free_table(shmem->sgt);
			kfree(shmem->sgt);
			shmem->sgt = NULL;
		}
		dma_resv_unlock(shmem->base.resv);
		list_del_init(&bo->dev_node);
	}
	mutex_unlock(&ndev->host_bos_lock);
}

/*
 * Host BOs this device mapped itself. An imported dma-buf is mapped by its
 * exporter, whose map_dma_buf callback does whatever the mapping needs.
 */
static struct sg_table *neuron_bo_own_sgt(struct drm_gem_object *obj)
{
	if (neuron_bo_kind(obj) != NEURON_BO_HOST || drm_gem_is_imported(obj))
		return NULL;

	return to_drm_gem_shmem_obj(obj)->sgt;
}

/**
 * neuron_bo_sync_for_device() - hand a BO's CPU writes to the device
 * @obj: the BO, prepared with neuron_bo_prepare_dma()
 *
 * Called for every BO of a job before its descriptors reach the hardware.
 * A no-op where device and CPU share the pages (a coherent platform that
 * does not bounce); with bounce buffering it copies the pages into the
 * bounce buffers. Whole BOs: the job's implicit dependencies guarantee
 * that no other job writes the BO meanwhile (see the coherency contract in
 * include/uapi/drm/neuron_accel.h).
 *
 * Runs in the scheduler's run_job(), in the fence-signalling critical
 * section: a DMA sync neither allocates nor sleeps.
 */
void neuron_bo_sync_for_device(struct drm_gem_object *obj)
{
	struct sg_table *sgt = neuron_bo_own_sgt(obj);

	if (sgt)
		dma_sync_sgtable_for_device(obj->dev->dev, sgt,
					    DMA_BIDIRECTIONAL);
}

/**
 * neuron_bo_sync_for_cpu() - make a job's writes to a BO visible to the CPU
 * @obj: the BO, prepared with neuron_bo_prepare_dma()
 *
 * Called for every BO a job may have written, before the job's fence
 * signals: from the completion poller (softirq, with the queue's spinlock
 * held) or from reset and unplug handling. A DMA sync neither sleeps nor
 * allocates, so it may run there; with bounce buffering it copies the
 * bounce buffers back into the pages.
 */
void neuron_bo_sync_for_cpu(struct drm_gem_object *obj)
{
	struct sg_table *sgt = neuron_bo_own_sgt(obj);

	if (sgt)
		dma_sync_sgtable_for_cpu(obj->dev->dev, sgt, DMA_BIDIRECTIONAL);
}

/**
 * neuron_bo_dma_bounced() - whether the device reaches a BO through bounce
 * buffers
 * @obj: the BO, prepared with neuron_bo_prepare_dma()
 *
 * For memory the device writes at any time, with no job boundary to sync
 * at (notification queues). dma_need_sync() cannot answer that: with an
 * IOMMU it says "yes" for every mapping once DMA-API debugging is on.
 * Through an IOMMU DMA domain, a segment is bounced when the DMA layer
 * marked it so; without one (dma-direct), dma_need_sync() is exact. Neuron
 * devices sit on coherent PCIe, so bouncing is the only reason left.
 *
 * Return: true when some page of the BO is bounced.
 */
bool neuron_bo_dma_bounced(struct drm_gem_object *obj)
{
	struct sg_table *sgt = neuron_bo_own_sgt(obj);
	struct device *dev = obj->dev->dev;
	struct iommu_domain *domain;
	struct scatterlist *sg;
	bool translated;
	int i;

	if (!sgt)
		return false;

	domain = iommu_get_domain_for_dev(dev);
	translated = domain && iommu_is_dma_domain(domain);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (sg_dma_is_swiotlb(sg))
			return true;
		if (!translated && dma_need_sync(dev, sg_dma_address(sg)))
			return true;
	}
	return false;
}

static int neuron_host_bo_segments(struct drm_gem_object *obj, u64 offset,
				   u64 length, neuron_bo_segment_fn fn,
				   void *priv)
{
	struct sg_table *sgt = to_drm_gem_shmem_obj(obj)->sgt;
	u64 end = offset + length, pos = 0;
	u64 cur_addr = 0, cur_len = 0;
	struct scatterlist *sg;
	int i, ret;

	if (drm_WARN_ON_ONCE(obj->dev, !sgt))
		return -EINVAL;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 seg_end = pos + sg_dma_len(sg);

		if (seg_end > offset) {
			u64 from = max(pos, offset), to = min(seg_end, end);
			u64 addr = sg_dma_address(sg) + (from - pos);

			if (cur_len && cur_addr + cur_len == addr) {
				cur_len += to - from;
			} else {
				if (cur_len) {
					ret = fn(priv, cur_addr | NEURON_DEVADDR_HOST,
						 cur_len);
					if (ret)
						return ret;
				}
				cur_addr = addr;
				cur_len = to - from;
			}
		}

		pos = seg_end;
		if (pos >= end)
			break;
	}

	if (drm_WARN_ON_ONCE(obj->dev, pos < end))
		return -EINVAL;

	return fn(priv, cur_addr | NEURON_DEVADDR_HOST, cur_len);
}

/**
 * neuron_bo_dma_segments() - walk the device addresses of a range of a BO
 * @obj: the BO, prepared with neuron_bo_prepare_dma()
 * @offset: first byte of the range in the BO
 * @length: bytes in the range, not 0
 * @fn: called for each device-contiguous segment of the range, in order;
 *      adjacent segments are merged, so a contiguous range is one call
 * @priv: passed to @fn
 *
 * The device address given to @fn is, by kind of BO:
 *
 * * %NEURON_BO_HOST: "DMA address | NEURON_DEVADDR_HOST" as mapped for the
 *   BO's device; one call per DMA-contiguous piece.
 * * %NEURON_BO_DRAM: the DRAM device address; one call.
 * * %NEURON_BO_PEER_DRAM: the address in the owner's DRAM (see
 *   neuron_bo_dram_owner()); one call. The caller must check that the owner
 *   is a linked neighbour and add the routing bits of the link
 *   (NEURON_DEVADDR_EAST or NEURON_DEVADDR_WEST).
 *
 * Needs no lock: the layout of a prepared BO never changes while a
 * reference to it is held.
 *
 * Return: 0, -EINVAL when the range is empty or not inside the BO, or the
 * first non-zero value returned by @fn.
 */
int neuron_bo_dma_segments(struct drm_gem_object *obj, u64 offset, u64 length,
			   neuron_bo_segment_fn fn, void *priv)
{
	if (!length || offset > obj->size || length > obj->size - offset)
		return -EINVAL;

	if (neuron_bo_kind(obj) == NEURON_BO_HOST)
		return neuron_host_bo_segments(obj, offset, length, fn, priv);

	return fn(priv, to_neuron_dram_bo(obj)->addr + offset, length);
}

/* ---------------------------------------------------------------------- */
/* ioctls                                                                 */
/* ---------------------------------------------------------------------- */

int neuron_ioctl_bo_create(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_bo_create *args = data;
	struct drm_gem_object *obj;
	u64 size, align;
	int ret;

	if (args->flags)
		return -EINVAL;
	if (!args->size || args->size > U64_MAX - (PAGE_SIZE - 1))
		return -EINVAL;
	size = PAGE_ALIGN(args->size);

	switch (args->placement) {
	case DRM_NEURON_BO_HOST:
		if (args->alignment || args->dram_channel_mask)
			return -EINVAL;
		obj = neuron_host_bo_create(ndev, size, nfile->jobs);
		break;
	case DRM_NEURON_BO_DRAM:
		if (args->dram_channel_mask & ~GENMASK(NEURON_DRAM_CHANNELS - 1, 0))
			return -EINVAL;
		align = args->alignment;
		if (align && (!is_power_of_2(align) ||
			      align > NEURON_DRAM_CHANNEL_SIZE))
			return -EINVAL;
		align = max_t(u64, align, PAGE_SIZE);
		obj = neuron_dram_bo_create(ndev, size, align,
					    args->dram_channel_mask, nfile->jobs);
		break;
	default:
		return -EINVAL;
	}
	if (IS_ERR(obj))
		return PTR_ERR(obj);

	ret = drm_gem_handle_create(file, obj, &args->handle);
	drm_gem_object_put(obj);

	return ret;
}

/* Counts the device-contiguous pieces of a BO; where they are stays inside. */
static int neuron_bo_count_segment(void *priv, u64 dev_addr, u64 len)
{
	u32 *count = priv;

	(*count)++;
	return 0;
}

/* Whether the DMA layout of a BO is known without mapping it. */
static int neuron_bo_dma_mapped(struct drm_gem_object *obj, bool *mapped)
{
	int ret;

	if (neuron_bo_kind(obj) != NEURON_BO_HOST || drm_gem_is_imported(obj)) {
		*mapped = true;
		return 0;
	}

	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		return ret;
	*mapped = !!to_drm_gem_shmem_obj(obj)->sgt;
	dma_resv_unlock(obj->resv);

	return 0;
}

int neuron_ioctl_bo_info(struct drm_device *dev, void *data,
			 struct drm_file *file)
{
	struct drm_neuron_bo_info *args = data;
	u32 segments = 0;
	struct drm_gem_object *obj;
	enum neuron_bo_kind kind;
	struct neuron_dram_bo *dbo;
	bool mapped;
	int ret;

	if ((args->flags & ~DRM_NEURON_BO_INFO_FLAG_DMA_MAP) || args->pad)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	if (args->flags & DRM_NEURON_BO_INFO_FLAG_DMA_MAP) {
		ret = neuron_bo_prepare_dma(obj);
		if (ret)
			goto out_put;
	}

	ret = neuron_bo_dma_mapped(obj, &mapped);
	if (ret)
		goto out_put;

	if (mapped) {
		ret = neuron_bo_dma_segments(obj, 0, obj->size,
					     neuron_bo_count_segment, &segments);
		if (ret)
			goto out_put;
	}

	kind = neuron_bo_kind(obj);
	args->size = obj->size;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	args->reserved = 0;
	args->dma_segments = segments;
	args->info_flags = 0;
	args->dram_channel = 0;
	args->peer_device_id = 0;
	if (segments == 1)
		args->info_flags |= DRM_NEURON_BO_INFO_CONTIGUOUS;

	if (kind == NEURON_BO_HOST) {
		args->placement = DRM_NEURON_BO_HOST;
		args->info_flags |= DRM_NEURON_BO_INFO_MAPPABLE;
		if (drm_gem_is_imported(obj))
			args->info_flags |= DRM_NEURON_BO_INFO_IMPORTED;
	} else {
		dbo = to_neuron_dram_bo(obj);
		args->placement = DRM_NEURON_BO_DRAM;
		args->dram_channel = dbo->channel;
		if (dbo->owner->dram_bar && kind == NEURON_BO_DRAM)
			args->info_flags |= DRM_NEURON_BO_INFO_MAPPABLE;
		if (kind == NEURON_BO_PEER_DRAM) {
			args->info_flags |= DRM_NEURON_BO_INFO_IMPORTED |
					    DRM_NEURON_BO_INFO_PEER;
			args->peer_device_id = dbo->owner->device_id;
		}
	}

out_put:
	drm_gem_object_put(obj);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Accounting                                                             */
/* ---------------------------------------------------------------------- */

/**
 * neuron_gem_show_fdinfo() - memory keys of a file's fdinfo
 * @p: printer
 * @file: the DRM file
 *
 * drm-total-, drm-shared-, drm-active- and drm-resident- keys for the
 * regions "host" and "dram" (this device's DRAM). A neighbour's DRAM
 * imported through a dma-buf is counted in the exporting file's stats.
 */
void neuron_gem_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats stats[2] = {};
	struct drm_gem_object *obj;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		enum neuron_bo_kind kind = neuron_bo_kind(obj);
		struct drm_memory_stats *s;
		bool resident = true;

		if (kind == NEURON_BO_PEER_DRAM)
			continue;

		s = &stats[kind == NEURON_BO_DRAM];
		if (kind == NEURON_BO_HOST && !drm_gem_is_imported(obj))
			resident = READ_ONCE(to_drm_gem_shmem_obj(obj)->pages);

		if (drm_gem_object_is_shared_for_memory_stats(obj))
			s->shared += obj->size;
		else
			s->private += obj->size;
		if (resident)
			s->resident += obj->size;
		if (!dma_resv_test_signaled(obj->resv, dma_resv_usage_rw(true)))
			s->active += obj->size;
	}
	spin_unlock(&file->table_lock);

	drm_print_memory_stats(p, &stats[0],
			       DRM_GEM_OBJECT_RESIDENT | DRM_GEM_OBJECT_ACTIVE,
			       "host");
	drm_print_memory_stats(p, &stats[1],
			       DRM_GEM_OBJECT_RESIDENT | DRM_GEM_OBJECT_ACTIVE,
			       "dram");
}

/**
 * neuron_gem_query_memory_usage() - answer of DRM_NEURON_QUERY_MEMORY_USAGE
 * @ndev: the device
 * @usage: out: the answer, zero-initialised by the caller
 */
void neuron_gem_query_memory_usage(struct neuron_device *ndev,
				   struct drm_neuron_query_memory_usage *usage)
{
	struct drm_neuron_memory_region *r = usage->regions;
	u32 ch;

	static_assert(1 + NEURON_DRAM_CHANNELS <= DRM_NEURON_MAX_MEMORY_REGIONS);

	r->type = DRM_NEURON_REGION_HOST;
	r->used = atomic64_read(&ndev->host_bo_bytes);
	r++;

	for (ch = 0; ch < NEURON_DRAM_CHANNELS; ch++, r++) {
		struct neuron_dram_usage u;

		neuron_dram_usage(ndev, ch, &u);
		r->type = DRM_NEURON_REGION_DRAM;
		r->index = ch;
		r->total = u.total;
		r->used = u.used;
		r->largest_free = u.largest_free;
	}

	usage->region_count = r - usage->regions;
}

/*
 * Host BOs on transparent huge pages where they fit: a DMA descriptor
 * moves at most 64 KiB (spec 5.9), so a BO on 4 KiB pages that happen to
 * be scattered costs sixteen times the descriptors of one on PMD-sized
 * folios, and both the driver's ring writes and the engine's descriptor
 * fetches scale with that count. "within_size" keeps small BOs on small
 * pages. Without THP the helper does nothing; when it reports an error,
 * BOs stay on shm_mnt.
 */
static void neuron_gem_huge_mnt_init(struct neuron_device *ndev)
{
	int ret = drm_gem_huge_mnt_create(&ndev->drm, "within_size");

	if (ret)
		drm_warn(&ndev->drm,
			 "host BOs without transparent huge pages (%d)\n", ret);
	else if (drm_gem_get_huge_mnt(&ndev->drm))
		drm_dbg_driver(&ndev->drm,
			       "host BOs on transparent huge pages\n");
}

/**
 * neuron_gem_init() - set up buffer-object support of a device
 * @ndev: the device, before drm_dev_register()
 *
 * Return: 0 or a negative errno.
 */
int neuron_gem_init(struct neuron_device *ndev)
{
	atomic64_set(&ndev->host_bo_bytes, 0);
	atomic64_set(&ndev->host_offset_bytes, 0);
	xa_init(&ndev->tenants);
	neuron_gem_huge_mnt_init(ndev);
	return neuron_dram_init(ndev);
}

MODULE_IMPORT_NS("DMA_BUF");
