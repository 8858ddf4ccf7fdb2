// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: syncobjs.  DMA jobs signal their completion only through
 * syncobjs (and BO reservation fences), so a runtime needs these next to
 * the neuron ioctls.  They are DRM core ioctls: libdrm's drmSyncobj*()
 * make them; these functions add the library's conventions (argument
 * checks before any system call, -errno returns, const arrays, the
 * absolute-deadline helper) and the fence status libdrm has no call for.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <string.h>
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
	if (!handle)
		return -EINVAL;
	return neuron_drm__drm_ret(drmSyncobjCreate(fd, flags, handle));
}

int neuron_drm_syncobj_destroy(int fd, uint32_t handle)
{
	if (handle == 0)
		return -EINVAL;
	return neuron_drm__drm_ret(drmSyncobjDestroy(fd, handle));
}

/*
 * libdrm's waits and query take non-const arrays but only read @handles
 * (and, except for the query, @points): the casts drop a const libdrm does
 * not spell.
 */
int neuron_drm_syncobj_wait(int fd, const uint32_t *handles, uint32_t count,
			    int64_t timeout_ns, uint32_t flags,
			    uint32_t *first_signaled)
{
	int ret;

	if (!handles || count == 0)
		return -EINVAL;
	/* Absolute, so drmIoctl()'s restart after a signal keeps the deadline. */
	ret = drmSyncobjWait(fd, (uint32_t *)handles, count, timeout_ns, flags,
			     first_signaled);
	return ret < 0 ? neuron_drm__drm_ret(ret) : 0;
}

int neuron_drm_syncobj_timeline_wait(int fd, const uint32_t *handles,
				     const uint64_t *points, uint32_t count,
				     int64_t timeout_ns, uint32_t flags,
				     uint32_t *first_signaled)
{
	int ret;

	if (!handles || !points || count == 0)
		return -EINVAL;
	ret = drmSyncobjTimelineWait(fd, (uint32_t *)handles, (uint64_t *)points,
				     count, timeout_ns, flags, first_signaled);
	return ret < 0 ? neuron_drm__drm_ret(ret) : 0;
}

int neuron_drm_syncobj_query(int fd, const uint32_t *handles, uint64_t *points,
			     uint32_t count)
{
	if (!handles || !points || count == 0)
		return -EINVAL;
	return neuron_drm__drm_ret(drmSyncobjQuery(fd, (uint32_t *)handles,
						   points, count));
}

int neuron_drm_syncobj_timeline_signal(int fd, const uint32_t *handles,
				       const uint64_t *points, uint32_t count)
{
	if (!handles || !points || count == 0)
		return -EINVAL;
	return neuron_drm__drm_ret(drmSyncobjTimelineSignal(fd, handles,
							    (uint64_t *)points,
							    count));
}

int neuron_drm_syncobj_status(int fd, uint32_t handle, int *status)
{
	struct sync_file_info fi;
	struct sync_fence_info info;
	int sync_fd, ret;

	if (!status)
		return -EINVAL;
	ret = drmSyncobjExportSyncFile(fd, handle, &sync_fd);
	if (ret < 0)
		return neuron_drm__drm_ret(ret);
	/*
	 * libdrm reads no sync_file status (its libsync.h only waits and
	 * merges), so ask the sync_file itself.  Its own status is the
	 * combined one; ask for the one fence it holds so that a
	 * driver-specific error code is kept.
	 */
	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	fi.num_fences = 1;
	fi.sync_fence_info = (uintptr_t)&info;
	ret = neuron_drm__drm_ret(drmIoctl(sync_fd, SYNC_IOC_FILE_INFO, &fi));
	close(sync_fd);
	if (ret < 0)
		return ret;
	*status = fi.num_fences ? info.status : fi.status;
	return 0;
}
