// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: NeuronCore ownership, semaphores, events, notification
 * queues and waits (ioctls 8..15).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "neuron_drm_priv.h"

int neuron_drm_query_cores(int fd, struct drm_neuron_query_cores *cores)
{
	int ret;

	if (!cores)
		return -EINVAL;
	memset(cores, 0, sizeof(*cores));
	ret = neuron_drm_query(fd, DRM_NEURON_QUERY_CORES, cores,
			       sizeof(*cores));
	if (ret < 0)
		return ret;
	if (cores->core_count > DRM_NEURON_MAX_CORES)
		cores->core_count = DRM_NEURON_MAX_CORES;
	return 0;
}

static int core_mask_ioctl(int fd, unsigned long req, uint32_t core_mask)
{
	struct drm_neuron_core_acquire a;
	int ret;

	if (core_mask == 0)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.core_mask = core_mask;
	ret = neuron_drm_ioctl(fd, req, &a);
	return ret < 0 ? ret : 0;
}

int neuron_drm_core_acquire(int fd, uint32_t core_mask)
{
	return core_mask_ioctl(fd, DRM_IOCTL_NEURON_CORE_ACQUIRE, core_mask);
}

int neuron_drm_core_release(int fd, uint32_t core_mask)
{
	return core_mask_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, core_mask);
}

int neuron_drm_sem_op(int fd, uint32_t core, uint32_t index, uint32_t op,
		      int32_t *value)
{
	struct drm_neuron_sem_op s;
	int ret;

	if (!value)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.core = core;
	s.index = index;
	s.op = op;
	if (op != DRM_NEURON_SEM_READ)
		s.value = *value;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_SEM_OP, &s);
	if (ret < 0)
		return ret;
	if (op == DRM_NEURON_SEM_READ)
		*value = s.value;
	return 0;
}

int neuron_drm_event_op(int fd, uint32_t core, uint32_t index, uint32_t op,
			uint32_t *value)
{
	struct drm_neuron_event_op e;
	int ret;

	if (op == DRM_NEURON_EVENT_READ && !value)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.core = core;
	e.index = index;
	e.op = op;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_EVENT_OP, &e);
	if (ret < 0)
		return ret;
	if (value)
		*value = op == DRM_NEURON_EVENT_READ ? e.value : 0;
	return 0;
}

int neuron_drm_nq_create(int fd, uint32_t core, uint32_t type, uint32_t engine,
			 uint32_t handle, uint32_t size)
{
	struct drm_neuron_nq_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.core = core;
	c.type = type;
	c.engine = engine;
	c.handle = handle;
	c.size = size;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_NQ_CREATE, &c);
	return ret < 0 ? ret : 0;
}

int neuron_drm_nq_destroy(int fd, uint32_t core, uint32_t type, uint32_t engine)
{
	struct drm_neuron_nq_destroy d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.core = core;
	d.type = type;
	d.engine = engine;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_NQ_DESTROY, &d);
	return ret < 0 ? ret : 0;
}

int neuron_drm_nq_advance(int fd, uint32_t core, uint32_t type, uint32_t engine,
			  uint32_t count, struct drm_neuron_nq_advance *out)
{
	struct drm_neuron_nq_advance a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.core = core;
	a.type = type;
	a.engine = engine;
	a.count = count;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_NQ_ADVANCE, &a);
	if (ret < 0)
		return ret;
	if (out)
		*out = a;
	return 0;
}

int neuron_drm_wait(int fd, uint32_t type, uint32_t core, uint32_t index,
		    uint32_t engine, int32_t value, int64_t timeout_ns,
		    int32_t *result)
{
	struct drm_neuron_wait w;
	int ret;

	memset(&w, 0, sizeof(w));
	w.type = type;
	w.core = core;
	w.index = index;
	w.engine = engine;
	w.value = value;
	/*
	 * Absolute: neuron_drm_ioctl() restarting after a signal keeps
	 * the caller's deadline.
	 */
	w.timeout_ns = timeout_ns;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_WAIT, &w);
	if (ret < 0)
		return ret;
	if (result)
		*result = w.result;
	return 0;
}
