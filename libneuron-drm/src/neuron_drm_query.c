// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: wrappers of the neuron ioctls (query, device state,
 * metrics, reset) and open-by-device-id, which needs the device info.
 *
 * Every wrapper builds its uAPI argument on the stack, zeroed, so that
 * flags and padding the caller cannot see are always zero (the kernel
 * rejects non-zero reserved fields with -EINVAL).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neuron_drm_priv.h"

int neuron_drm_query(int fd, uint32_t type, void *buf, size_t size)
{
	struct drm_neuron_query q;
	int ret;

	if (!buf)
		size = 0;
	if (size > UINT32_MAX)
		return -EINVAL;

	memset(&q, 0, sizeof(q));
	q.type = type;
	q.size = (uint32_t)size;
	q.pointer = (uintptr_t)buf;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_QUERY, &q);
	if (ret < 0)
		return ret;
	/* Answer structures are small; anything else is a broken kernel. */
	if (q.size > INT32_MAX)
		return -EOVERFLOW;
	return (int)q.size;
}

int neuron_drm_query_device_info(int fd, struct drm_neuron_query_device_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	ret = neuron_drm_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, info,
			       sizeof(*info));
	return ret < 0 ? ret : 0;
}

int neuron_drm_query_topology(int fd, struct drm_neuron_query_topology *topo)
{
	int ret;

	if (!topo)
		return -EINVAL;
	memset(topo, 0, sizeof(*topo));
	ret = neuron_drm_query(fd, DRM_NEURON_QUERY_TOPOLOGY, topo,
			       sizeof(*topo));
	if (ret < 0)
		return ret;
	/* Never report more links than the structure holds. */
	if (topo->link_count > DRM_NEURON_LINK_COUNT)
		topo->link_count = DRM_NEURON_LINK_COUNT;
	return 0;
}

int neuron_drm_device_state(int fd, uint32_t type, uint32_t index0,
			    uint32_t index1, struct drm_neuron_device_state *state)
{
	struct drm_neuron_device_state s;
	int ret;

	if (!state)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.type = type;
	s.index0 = index0;
	s.index1 = index1;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_DEVICE_STATE, &s);
	if (ret < 0)
		return ret;
	if (s.count > DRM_NEURON_STATE_MAX_VALUES)
		s.count = DRM_NEURON_STATE_MAX_VALUES;
	*state = s;
	return 0;
}

/* One-value state items: the value, or -EIO if the kernel gave none. */
static int state_value(int fd, uint32_t type, uint32_t i0, uint32_t i1,
		       uint32_t *value)
{
	struct drm_neuron_device_state s;
	int ret;

	ret = neuron_drm_device_state(fd, type, i0, i1, &s);
	if (ret < 0)
		return ret;
	if (s.count < 1)
		return -EIO;
	*value = s.values[0];
	return 0;
}

int neuron_drm_fw_status(int fd, uint32_t *status)
{
	if (!status)
		return -EINVAL;
	return state_value(fd, DRM_NEURON_STATE_FW_STATUS, 0, 0, status);
}

int neuron_drm_semaphore_read(int fd, uint32_t nc, uint32_t sem, int32_t *value)
{
	uint32_t v;
	int ret;

	if (!value)
		return -EINVAL;
	ret = state_value(fd, DRM_NEURON_STATE_SEMAPHORE, nc, sem, &v);
	if (ret == 0)
		memcpy(value, &v, sizeof(*value)); /* reinterpret, no UB */
	return ret;
}

int neuron_drm_event_read(int fd, uint32_t nc, uint32_t event, uint32_t *value)
{
	if (!value)
		return -EINVAL;
	return state_value(fd, DRM_NEURON_STATE_EVENT, nc, event, value);
}

int neuron_drm_post_metrics(int fd, const void *data, size_t size)
{
	struct drm_neuron_post_metrics m;
	int ret;

	if (!data || size == 0)
		return -EINVAL;
	if (size > UINT32_MAX)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.data = (uintptr_t)data;
	m.size = (uint32_t)size;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_POST_METRICS, &m);
	return ret < 0 ? ret : 0;
}

int neuron_drm_reset(int fd)
{
	struct drm_neuron_reset r;
	int ret;

	memset(&r, 0, sizeof(r));
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r);
	return ret < 0 ? ret : 0;
}

int neuron_drm_reset_cores(int fd, uint32_t core_mask)
{
	struct drm_neuron_reset r;
	int ret;

	if (core_mask == 0)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.flags = DRM_NEURON_RESET_CORES;
	r.core_mask = core_mask;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_RESET, &r);
	return ret < 0 ? ret : 0;
}

int neuron_drm_open_device_id(uint32_t device_id)
{
	struct drm_neuron_query_device_info info;
	struct neuron_drm_node *all;
	int count, fd, i;

	if (device_id == 0)
		return -EINVAL;
	count = neuron_drm__scan(&all);
	if (count < 0)
		return count;
	for (i = 0; i < count; i++) {
		fd = neuron_drm_open_path(all[i].path);
		if (fd < 0)
			continue;
		if (neuron_drm_query_device_info(fd, &info) == 0 &&
		    info.device_id == device_id) {
			free(all);
			return fd;
		}
		neuron_drm_close(fd);
	}
	free(all);
	return -ENODEV;
}
