/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_TOPOLOGY_H__
#define __NEURON_TOPOLOGY_H__

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/neuron_accel.h>

struct neuron_device;

/**
 * struct neuron_topology_cache - what the driver last saw of the firmware
 * status and the links; the sysfs attributes show it
 * @lock: protects @fw_status and @links
 * @fw_status: the last firmware status word any FWIO READ returned
 * @links: the links as of the last topology read; when a later status word
 *         changed a link bit, derived from it (no peer id) until @refresh
 *         reads the topology again
 * @active: the device is probed and not being unbound: @refresh may be
 *          queued. Protected by @lock.
 * @refresh: re-reads the topology: when something changed and every
 *           status_poll_ms
 *
 * sysfs reads never wait for the mailbox or a reset, so they cannot fail
 * with -ETIMEDOUT or -EAGAIN nor block behind a long transaction.
 */
struct neuron_topology_cache {
	spinlock_t lock; /* fw_status, links */
	u32 fw_status;
	struct drm_neuron_topology_link links[DRM_NEURON_LINK_COUNT];
	bool active;
	struct delayed_work refresh;
};

void neuron_topology_init(void);
int neuron_topology_register(struct neuron_device *ndev);
void neuron_topology_publish_id(struct neuron_device *ndev);
int neuron_topology_read(struct neuron_device *ndev,
			 struct drm_neuron_query_topology *topo);
int neuron_topology_query(struct neuron_device *ndev,
			  struct drm_neuron_query_topology *topo);
u64 neuron_topology_link_route(unsigned int link);
void neuron_topology_status_seen(struct neuron_device *ndev, u32 status);
void neuron_topology_start(struct neuron_device *ndev);
void neuron_topology_changed(void);
void neuron_topology_cached(struct neuron_device *ndev, u32 *status,
			    struct drm_neuron_topology_link *links);

#endif /* __NEURON_TOPOLOGY_H__ */
