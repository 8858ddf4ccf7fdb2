/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_RESET_H__
#define __NEURON_RESET_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct neuron_device;
struct work_struct;

int neuron_reset_hw(struct neuron_device *ndev);
int neuron_reset(struct neuron_device *ndev, bool interruptible);
void neuron_reset_schedule(struct neuron_device *ndev);
void neuron_reset_cores_schedule(struct neuron_device *ndev, u32 core_mask);
void neuron_reset_cores_work(struct work_struct *work);
void neuron_reset_work(struct work_struct *work);
void neuron_reset_notify_work(struct work_struct *work);
void neuron_reset_flr_prepare(struct neuron_device *ndev);
void neuron_reset_flr_done(struct neuron_device *ndev);
void neuron_reset_stop(struct neuron_device *ndev);
void neuron_reset_shutdown(struct neuron_device *ndev);
int neuron_ioctl_reset(struct drm_device *dev, void *data,
		       struct drm_file *file);

#endif /* __NEURON_RESET_H__ */
