/* SPDX-License-Identifier: MIT */
/*
 * Internal declarations of libneuron-drm.  Nothing here is exported from
 * the shared library (-fvisibility=hidden and the version script); the unit
 * tests reach these functions by linking the static library.
 */
#ifndef NEURON_DRM_PRIV_H
#define NEURON_DRM_PRIV_H

#include <errno.h>

#include <xf86drm.h>

/* Relative, so that a unity build from another directory finds it. */
#include "../include/neuron_drm.h"

/*
 * neuron_drm__drm_ret() - a libdrm return value in this library's
 * convention.  libdrm's functions fail with -1 and errno (most), or with
 * -errno (drmSyncobjWait(), drmSyncobjTimelineWait()); errno is set in
 * both cases, so it gives -errno for either.
 */
static inline int neuron_drm__drm_ret(int ret)
{
	if (ret >= 0)
		return ret;
	return errno > 0 ? -errno : -EIO;
}

/*
 * neuron_drm__list_dir() - neuron_drm_list() over an arbitrary directory.
 * @dir: directory holding accel* nodes
 * @sysfs: root of the "dev/char" sysfs tree (normally "/sys"), used for the
 *         PCI slot and ids; may name a directory that does not exist
 * Exists so that the host unit tests can enumerate a fake /dev/accel.
 */
int neuron_drm__list_dir(const char *dir, const char *sysfs,
			 struct neuron_drm_node *nodes, unsigned int max);

/*
 * neuron_drm__parse_slot() - normalise a PCI slot name to "dddd:bb:dd.f"
 * (lower case, domain added).  Returns 0 or -EINVAL.
 */
int neuron_drm__parse_slot(const char *in, char out[NEURON_DRM_PCI_SLOT_MAX]);

/*
 * neuron_drm__check_version() - DRM_IOCTL_VERSION on @fd; fills the
 * version numbers of @node (may be NULL).  0 if the driver is neuron,
 * -ENODEV for another DRM driver, -ENOTTY/-errno otherwise.
 */
int neuron_drm__check_version(int fd, struct neuron_drm_node *node);

/*
 * neuron_drm__scan() - the neuron nodes of /dev/accel, sorted by minor.
 * *@out is a malloc'ed array (NULL when empty) the caller frees; returns
 * the count or -errno (as neuron_drm_list()).
 */
int neuron_drm__scan(struct neuron_drm_node **out);

#endif
