/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_NQ_H__
#define __NEURON_NQ_H__

#include <linux/list.h>
#include <linux/types.h>

struct drm_device;
struct drm_file;
struct neuron_device;
struct seq_file;

void neuron_nq_detach_core(struct neuron_device *ndev, u32 core,
			   struct list_head *dead);
void neuron_nq_free_list(struct neuron_device *ndev, struct list_head *dead);
void neuron_nq_reset_done(struct neuron_device *ndev);
void neuron_nq_restore_locked(struct neuron_device *ndev, u32 core_mask);
void neuron_nq_quiesce(struct neuron_device *ndev);
void neuron_cores_show(struct neuron_device *ndev, struct seq_file *m);

int neuron_ioctl_nq_create(struct drm_device *dev, void *data,
			   struct drm_file *file);
int neuron_ioctl_nq_destroy(struct drm_device *dev, void *data,
			    struct drm_file *file);
int neuron_ioctl_nq_advance(struct drm_device *dev, void *data,
			    struct drm_file *file);
int neuron_ioctl_wait(struct drm_device *dev, void *data,
		      struct drm_file *file);

#endif /* __NEURON_NQ_H__ */
