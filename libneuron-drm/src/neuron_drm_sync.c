// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: syncobjs through the core DRM ioctls.  DMA jobs signal
 * their completion only through syncobjs (and BO reservation fences), so a
 * runtime needs these next to the neuron ioctls; libdrm has them too, but
 * the library does not link libdrm (see libneuron-drm.rst).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "neuron_drm_priv.h"

int64_t neuron_drm_abs_timeout(int64_t rel_ns)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (rel_ns > 0 && now > INT64_MAX - rel_ns)
		return INT64_MAX;
	return now + rel_ns;
}

int neuron_drm_syncobj_create(int fd, uint32_t flags, uint32_t *handle)
{
	struct drm_syncobj_create c;
	int ret;

	if (!handle)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.flags = flags;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	if (ret < 0)
		return ret;
	*handle = c.handle;
	return 0;
}

int neuron_drm_syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d;
	int ret;

	if (handle == 0)
		return -EINVAL;
	memset(&d, 0, sizeof(d));
	d.handle = handle;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	return ret < 0 ? ret : 0;
}

int neuron_drm_syncobj_wait(int fd, const uint32_t *handles, uint32_t count,
			    int64_t timeout_ns, uint32_t flags,
			    uint32_t *first_signaled)
{
	struct drm_syncobj_wait w;
	int ret;

	if (!handles || count == 0)
		return -EINVAL;
	memset(&w, 0, sizeof(w));
	w.handles = (uintptr_t)handles;
	w.count_handles = count;
	/* Absolute, so restarting after a signal keeps the deadline. */
	w.timeout_nsec = timeout_ns;
	w.flags = flags;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
	if (ret < 0)
		return ret;
	if (first_signaled)
		*first_signaled = w.first_signaled;
	return 0;
}

int neuron_drm_syncobj_timeline_wait(int fd, const uint32_t *handles,
				     const uint64_t *points, uint32_t count,
				     int64_t timeout_ns, uint32_t flags,
				     uint32_t *first_signaled)
{
	struct drm_syncobj_timeline_wait w;
	int ret;

	if (!handles || !points || count == 0)
		return -EINVAL;
	memset(&w, 0, sizeof(w));
	w.handles = (uintptr_t)handles;
	w.points = (uintptr_t)points;
	w.count_handles = count;
	w.timeout_nsec = timeout_ns;
	w.flags = flags;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
	if (ret < 0)
		return ret;
	if (first_signaled)
		*first_signaled = w.first_signaled;
	return 0;
}

/*
 * The ioctls that take a struct drm_syncobj_timeline_array (@count
 * handles, each with its point in @points; flags 0): QUERY writes the
 * points, TIMELINE_SIGNAL reads them.
 */
static int syncobj_timeline_array(int fd, unsigned long req,
				  const uint32_t *handles,
				  const uint64_t *points, uint32_t count)
{
	struct drm_syncobj_timeline_array a;
	int ret;

	if (!handles || !points || count == 0)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.handles = (uintptr_t)handles;
	a.points = (uintptr_t)points;
	a.count_handles = count;
	ret = neuron_drm_ioctl(fd, req, &a);
	return ret < 0 ? ret : 0;
}

int neuron_drm_syncobj_query(int fd, const uint32_t *handles, uint64_t *points,
			     uint32_t count)
{
	return syncobj_timeline_array(fd, DRM_IOCTL_SYNCOBJ_QUERY, handles,
				      points, count);
}

int neuron_drm_syncobj_timeline_signal(int fd, const uint32_t *handles,
				       const uint64_t *points, uint32_t count)
{
	return syncobj_timeline_array(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
				      handles, points, count);
}

int neuron_drm_syncobj_status(int fd, uint32_t handle, int *status)
{
	struct drm_syncobj_handle e;
	struct sync_file_info fi;
	struct sync_fence_info info;
	int ret;

	if (!status)
		return -EINVAL;
	memset(&e, 0, sizeof(e));
	e.handle = handle;
	e.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	e.fd = -1;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &e);
	if (ret < 0)
		return ret;
	/*
	 * The sync_file's own status is the combined one; ask for the one
	 * fence it holds so that a driver-specific error code is kept.
	 */
	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	fi.num_fences = 1;
	fi.sync_fence_info = (uintptr_t)&info;
	ret = neuron_drm_ioctl(e.fd, SYNC_IOC_FILE_INFO, &fi);
	close(e.fd);
	if (ret < 0)
		return ret;
	*status = fi.num_fences ? info.status : fi.status;
	return 0;
}
