/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_PROGRAM_H__
#define __NEURON_PROGRAM_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct neuron_file;
struct neuron_job;
struct neuron_program;

void neuron_programs_file_open(struct neuron_file *nfile);
void neuron_programs_file_close(struct neuron_file *nfile);
void neuron_program_put(struct neuron_program *prog);
int neuron_program_job(struct drm_file *file, u32 handle,
		       struct neuron_job *job);

int neuron_ioctl_program_create(struct drm_device *dev, void *data,
				struct drm_file *file);
int neuron_ioctl_program_destroy(struct drm_device *dev, void *data,
				 struct drm_file *file);

#endif /* __NEURON_PROGRAM_H__ */
