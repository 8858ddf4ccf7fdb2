/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_GEM_H__
#define __NEURON_GEM_H__

#include <linux/types.h>

#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>

struct dma_buf;
struct drm_device;
struct drm_file;
struct drm_neuron_query_memory_usage;
struct drm_printer;
struct neuron_device;
struct neuron_dram_range;
struct neuron_job_file;
struct neuron_tenant;
struct user_struct;

/**
 * enum neuron_bo_kind - what a neuron GEM object is
 * @NEURON_BO_HOST: host memory: a shmem object created on this device, or
 *                  a dma-buf of any exporter imported into it. Reached by
 *                  the device at "DMA address | NEURON_DEVADDR_HOST".
 * @NEURON_BO_DRAM: a range of this device's DRAM.
 * @NEURON_BO_PEER_DRAM: a range of another neuron device's DRAM, imported
 *                       from the dma-buf that device exported. Only
 *                       reachable over a Neuron-Pipe link to that device.
 */
enum neuron_bo_kind {
	NEURON_BO_HOST,
	NEURON_BO_DRAM,
	NEURON_BO_PEER_DRAM,
};

/**
 * struct neuron_host_bo - a host-memory buffer object
 * @base: the shmem object; for an imported dma-buf, @base.sgt is the
 *        importer's mapping of the exporter's pages.
 * @dev_node: entry in &neuron_device.host_bos once mapped for DMA.
 * @accounted: the BO is counted in the device's host usage (created by
 *             the BO_CREATE ioctl, not imported).
 * @creator: the creating file's state, whose bounds count the BO
 *           (referenced; NULL for an imported BO).
 * @user: the creating user, whose locked memory counts @user_pages
 *        (referenced; NULL when not charged: imported, or created beyond
 *        RLIMIT_MEMLOCK with CAP_IPC_LOCK).
 * @user_pages: pages charged to @user.
 * @tenant: the creating user's counters on the device (with @creator).
 */
struct neuron_host_bo {
	struct drm_gem_shmem_object base;
	struct list_head dev_node;
	bool accounted;
	struct neuron_job_file *creator;
	struct neuron_tenant *tenant;
	struct user_struct *user;
	unsigned long user_pages;
};

/**
 * struct neuron_dram_bo - a device-DRAM buffer object
 * @base: the GEM object (no backing pages).
 * @owner: the device whose DRAM holds the BO: the BO's own device for
 *         %NEURON_BO_DRAM, the exporter for %NEURON_BO_PEER_DRAM.
 * @range: the allocated DRAM range (%NEURON_BO_DRAM only).
 * @peer_dmabuf: %NEURON_BO_PEER_DRAM only: the exporter's dma-buf, held
 *               so that the exporter's BO (and its device structure) stays
 *               alive as long as this object.
 * @addr: device address of the first byte, in @owner's address space.
 * @channel: DRAM channel.
 * @creator: the creating file's state, whose bounds count the BO
 *           (referenced; NULL for a peer BO).
 * @tenant: the creating user's counters on the device (with @creator).
 */
struct neuron_dram_bo {
	struct drm_gem_object base;
	struct neuron_device *owner;
	struct neuron_dram_range *range;
	struct dma_buf *peer_dmabuf;
	struct neuron_job_file *creator;
	struct neuron_tenant *tenant;
	u64 addr;
	u32 channel;
};

/**
 * typedef neuron_bo_segment_fn - callback of neuron_bo_dma_segments()
 * @priv: the caller's cookie
 * @dev_addr: device address of the segment (see neuron_bo_dma_segments())
 * @len: length of the segment in bytes, never 0
 *
 * Return: 0 to continue the walk, anything else to stop it.
 */
typedef int (*neuron_bo_segment_fn)(void *priv, u64 dev_addr, u64 len);

enum neuron_bo_kind neuron_bo_kind(const struct drm_gem_object *obj);
int neuron_bo_prepare_dma(struct drm_gem_object *obj);
void neuron_bo_unplug(struct neuron_device *ndev);
void neuron_bo_sync_for_device(struct drm_gem_object *obj);
void neuron_bo_sync_for_cpu(struct drm_gem_object *obj);
bool neuron_bo_dma_bounced(struct drm_gem_object *obj);
int neuron_bo_dma_segments(struct drm_gem_object *obj, u64 offset, u64 length,
			   neuron_bo_segment_fn fn, void *priv);
struct neuron_device *neuron_bo_dram_owner(struct drm_gem_object *obj);

static inline struct neuron_host_bo *to_neuron_host_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct neuron_host_bo, base.base);
}

static inline struct neuron_dram_bo *to_neuron_dram_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct neuron_dram_bo, base);
}

/* Device set-up, drm_driver hooks and ioctls */
int neuron_gem_init(struct neuron_device *ndev);
struct drm_gem_object *neuron_gem_create_object(struct drm_device *dev,
						size_t size);
struct drm_gem_object *neuron_gem_prime_import(struct drm_device *dev,
					       struct dma_buf *dma_buf);
void neuron_gem_show_fdinfo(struct drm_printer *p, struct drm_file *file);
void neuron_gem_query_memory_usage(struct neuron_device *ndev,
				   struct drm_neuron_query_memory_usage *usage);
int neuron_ioctl_bo_create(struct drm_device *dev, void *data,
			   struct drm_file *file);
int neuron_ioctl_bo_info(struct drm_device *dev, void *data,
			 struct drm_file *file);

#endif /* __NEURON_GEM_H__ */
