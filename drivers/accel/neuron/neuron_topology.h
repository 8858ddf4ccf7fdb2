/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_TOPOLOGY_H__
#define __NEURON_TOPOLOGY_H__

#include <linux/types.h>

struct drm_neuron_query_topology;
struct neuron_device;

void neuron_topology_init(void);
int neuron_topology_register(struct neuron_device *ndev);
void neuron_topology_publish_id(struct neuron_device *ndev);
int neuron_topology_read(struct neuron_device *ndev,
			 struct drm_neuron_query_topology *topo);
int neuron_topology_query(struct neuron_device *ndev,
			  struct drm_neuron_query_topology *topo);
u64 neuron_topology_link_route(unsigned int link);

#endif /* __NEURON_TOPOLOGY_H__ */
