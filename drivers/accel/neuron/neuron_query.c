// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Information ioctls: the size-negotiated QUERY and the allow-listed
 * DEVICE_STATE reads. Userspace never names a device address: it names a
 * typed item and the kernel builds the firmware READ request.
 */

#include <linux/capability.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/neuron_accel.h>

#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_gem.h"
#include "neuron_regs.h"
#include "neuron_topology.h"

static int neuron_query_device_info(struct neuron_device *ndev,
				    struct drm_neuron_query_device_info *info)
{
	struct pci_dev *pdev = ndev->pdev;

	info->pci_vendor_id = pdev->vendor;
	info->pci_device_id = pdev->device;
	info->pci_subsystem_vendor_id = pdev->subsystem_vendor;
	info->pci_subsystem_id = pdev->subsystem_device;
	info->pci_domain = pci_domain_nr(pdev->bus);
	info->pci_bus = pdev->bus->number;
	info->pci_devfn = pdev->devfn;
	info->pci_revision = pdev->revision;
	info->device_id = ndev->device_id;
	info->nc_count = NEURON_NC_COUNT;
	info->dma_engine_count = NEURON_DMA_ENG_COUNT;
	info->dma_queues_per_engine = NEURON_DMA_QUEUES;
	info->semaphores_per_nc = NEURON_SEMAPHORES_PER_NC;
	info->events_per_nc = NEURON_EVENTS_PER_NC;
	info->dram_channel_count = NEURON_DRAM_CHANNELS;
	info->dram_channel_size = NEURON_DRAM_CHANNEL_SIZE;
	info->dram_size = (u64)NEURON_DRAM_CHANNELS * NEURON_DRAM_CHANNEL_SIZE;
	info->driver_major = DRIVER_MAJOR;
	info->driver_minor = DRIVER_MINOR;
	info->driver_patchlevel = DRIVER_PATCHLEVEL;
	info->capabilities = DRM_NEURON_CAP_DEVICE_STATE |
			     DRM_NEURON_CAP_POST_METRICS |
			     DRM_NEURON_CAP_RESET |
			     DRM_NEURON_CAP_BO |
			     DRM_NEURON_CAP_TOPOLOGY |
			     DRM_NEURON_CAP_SUBMIT |
			     DRM_NEURON_CAP_CORES |
			     DRM_NEURON_CAP_SEM_EVENT |
			     DRM_NEURON_CAP_NQ |
			     DRM_NEURON_CAP_WAIT |
			     DRM_NEURON_CAP_PROGRAM |
			     DRM_NEURON_CAP_CONTEXT |
			     DRM_NEURON_CAP_RESET_CORES;
	if (ndev->dram_bar)
		info->capabilities |= DRM_NEURON_CAP_DRAM_BAR;

	return neuron_fwio_read32(ndev, NEURON_APB_ADDR(NEURON_MISC_FW_STATUS),
				  &info->fw_status);
}

int neuron_ioctl_query(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_query *args = data;
	union {
		struct drm_neuron_query_device_info info;
		struct drm_neuron_query_topology topo;
		struct drm_neuron_query_memory_usage mem;
		struct drm_neuron_query_cores cores;
	} u = {};
	size_t ksize;
	int idx, ret;

	if (args->flags || args->pad)
		return -EINVAL;

	switch (args->type) {
	case DRM_NEURON_QUERY_DEVICE_INFO:
		ksize = sizeof(u.info);
		break;
	case DRM_NEURON_QUERY_TOPOLOGY:
		ksize = sizeof(u.topo);
		break;
	case DRM_NEURON_QUERY_CORES:
		ksize = sizeof(u.cores);
		break;
	case DRM_NEURON_QUERY_MEMORY_USAGE:
		ksize = sizeof(u.mem);
		break;
	default:
		return -EINVAL;
	}

	/* First step of the size negotiation. */
	if (!args->size || !args->pointer) {
		args->size = ksize;
		return 0;
	}

	if (args->type == DRM_NEURON_QUERY_CORES) {
		/* Driver state only: works during a reset, too. */
		neuron_cores_query(ndev, file->driver_priv, &u.cores);
		goto copy;
	}

	if (args->type == DRM_NEURON_QUERY_MEMORY_USAGE) {
		/* Driver state only: works during a reset, too. */
		neuron_gem_query_memory_usage(ndev, &u.mem);
		goto copy;
	}

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		return ret;

	if (args->type == DRM_NEURON_QUERY_DEVICE_INFO)
		ret = neuron_query_device_info(ndev, &u.info);
	else
		ret = neuron_topology_read(ndev, &u.topo);

	neuron_hw_end(ndev, idx);
	if (ret)
		return ret;

copy:
	ret = copy_struct_to_user(u64_to_user_ptr(args->pointer),
				  args->size, &u, ksize, NULL);
	if (ret)
		return ret;

	args->size = ksize;
	return 0;
}

/* Reduce the 2-bit unit states of a UDMA state register (spec 5.12). */
static u32 neuron_udma_state(u32 reg, bool ignore_stream)
{
	bool normal = false;
	int shift;

	for (shift = 0; shift <= 12; shift += 4) {
		u32 field = (reg >> shift) & NEURON_UDMA_STATE_FIELD_MASK;

		/* Bits 5:4 are the stream interface. */
		if (shift == 4 && ignore_stream)
			continue;
		if (field == NEURON_UDMA_STATE_ABORT)
			return DRM_NEURON_ENGINE_STATE_ABORT;
		if (field == NEURON_UDMA_STATE_NORMAL)
			normal = true;
	}

	return normal ? DRM_NEURON_ENGINE_STATE_NORMAL : DRM_NEURON_ENGINE_STATE_IDLE;
}

static void neuron_state_queue_addrs(u64 *addrs, u32 engine, u32 queue)
{
	static const u32 regs[] = {
		NEURON_UDMA_Q_STATUS, NEURON_UDMA_Q_HEAD,
		NEURON_UDMA_Q_TAIL, NEURON_UDMA_Q_RING_LEN,
	};
	u32 m2s = neuron_udma_base(engine) + NEURON_UDMA_M2S_Q(queue);
	u32 s2m = neuron_udma_base(engine) + NEURON_UDMA_S2M_Q(queue);
	int i;

	static_assert(2 * ARRAY_SIZE(regs) == DRM_NEURON_DMA_QUEUE_COUNT);
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		addrs[DRM_NEURON_DMA_QUEUE_M2S_STATUS + i] = NEURON_APB_ADDR(m2s + regs[i]);
		addrs[DRM_NEURON_DMA_QUEUE_S2M_STATUS + i] = NEURON_APB_ADDR(s2m + regs[i]);
	}
}

int neuron_ioctl_device_state(struct drm_device *dev, void *data,
			      struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_device_state *args = data;
	u64 addrs[DRM_NEURON_STATE_MAX_VALUES];
	u32 vals[DRM_NEURON_STATE_MAX_VALUES];
	u32 i0 = args->index0, i1 = args->index1;
	unsigned int count;
	bool core_state;
	int idx, ret;

	if (args->flags || args->pad)
		return -EINVAL;

	switch (args->type) {
	case DRM_NEURON_STATE_FW_STATUS:
		if (i0 || i1)
			return -EINVAL;
		addrs[0] = NEURON_APB_ADDR(NEURON_MISC_FW_STATUS);
		count = 1;
		break;
	case DRM_NEURON_STATE_SEMAPHORE:
		if (i0 >= NEURON_NC_COUNT || i1 >= NEURON_SEMAPHORES_PER_NC)
			return -EINVAL;
		addrs[0] = NEURON_TPB_ADDR(NEURON_NC_SEM_READ(i0, i1));
		count = 1;
		break;
	case DRM_NEURON_STATE_EVENT:
		if (i0 >= NEURON_NC_COUNT || i1 >= NEURON_EVENTS_PER_NC)
			return -EINVAL;
		addrs[0] = NEURON_TPB_ADDR(NEURON_NC_EVENT(i0, i1));
		count = 1;
		break;
	case DRM_NEURON_STATE_DMA_QUEUE:
		if (i0 >= NEURON_DMA_ENG_COUNT || i1 >= NEURON_DMA_QUEUES)
			return -EINVAL;
		/* Queues are shared: their pointers tell about every user's jobs. */
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		neuron_state_queue_addrs(addrs, i0, i1);
		count = DRM_NEURON_DMA_QUEUE_COUNT;
		break;
	case DRM_NEURON_STATE_DMA_ENGINE:
		if (i0 >= NEURON_DMA_ENG_COUNT || i1)
			return -EINVAL;
		/* Raw registers first; the decoded states are derived below. */
		addrs[0] = NEURON_APB_ADDR(neuron_udma_base(i0) + NEURON_UDMA_M2S +
					   NEURON_UDMA_STATE);
		addrs[1] = NEURON_APB_ADDR(neuron_udma_base(i0) + NEURON_UDMA_S2M +
					   NEURON_UDMA_STATE);
		addrs[2] = NEURON_APB_ADDR(neuron_udma_base(i0) +
					   NEURON_UDMA_S2M_STREAM_CFG);
		addrs[3] = NEURON_APB_ADDR(neuron_udma_base(i0) + NEURON_UDMA_VERSION);
		count = 4;
		break;
	default:
		return -EINVAL;
	}

	/*
	 * A core's semaphores and events are its owner's business, as for
	 * SEM_OP and EVENT_OP; an administrator may look at any. The lock
	 * keeps the core from changing hands during the read.
	 */
	core_state = args->type == DRM_NEURON_STATE_SEMAPHORE ||
		     args->type == DRM_NEURON_STATE_EVENT;
	if (core_state) {
		mutex_lock(&ndev->cores.lock);
		if (!neuron_core_owned_by(ndev, i0, file->driver_priv) &&
		    !capable(CAP_SYS_ADMIN)) {
			mutex_unlock(&ndev->cores.lock);
			return -EACCES;
		}
	}

	ret = neuron_hw_begin(ndev, &idx);
	if (!ret) {
		ret = neuron_fwio_read(ndev, addrs, vals, count);
		neuron_hw_end(ndev, idx);
	}
	if (core_state)
		mutex_unlock(&ndev->cores.lock);
	if (ret)
		return ret;

	memset(args->values, 0, sizeof(args->values));
	if (args->type == DRM_NEURON_STATE_DMA_ENGINE) {
		bool stream_off = (vals[2] & NEURON_UDMA_STREAM_DISABLED) ==
				  NEURON_UDMA_STREAM_DISABLED;

		args->values[DRM_NEURON_DMA_ENGINE_M2S_STATE] =
			neuron_udma_state(vals[0], false);
		args->values[DRM_NEURON_DMA_ENGINE_S2M_STATE] =
			neuron_udma_state(vals[1], stream_off);
		args->values[DRM_NEURON_DMA_ENGINE_M2S_STATE_RAW] = vals[0];
		args->values[DRM_NEURON_DMA_ENGINE_S2M_STATE_RAW] = vals[1];
		args->values[DRM_NEURON_DMA_ENGINE_S2M_STREAM_CFG] = vals[2];
		args->values[DRM_NEURON_DMA_ENGINE_VERSION] = vals[3];
		args->count = DRM_NEURON_DMA_ENGINE_COUNT;
	} else {
		memcpy(args->values, vals, count * sizeof(vals[0]));
		args->count = count;
	}

	return 0;
}
