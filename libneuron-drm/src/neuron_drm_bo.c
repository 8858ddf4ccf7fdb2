// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: buffer objects (create, info, map, GEM close, PRIME) and
 * DMA job submission.
 *
 * As elsewhere, uAPI arguments are built zeroed on the stack so reserved
 * fields are always zero; arguments the kernel would reject anyway are
 * checked first where a NULL pointer would otherwise reach the kernel as
 * address 0 (which gives a less helpful -EFAULT).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "neuron_drm_priv.h"

int neuron_drm_bo_create(int fd, uint64_t size, uint32_t placement,
			 uint64_t alignment, uint32_t dram_channel_mask,
			 uint32_t *handle)
{
	struct drm_neuron_bo_create c;
	int ret;

	if (!handle || size == 0)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.size = size;
	c.alignment = alignment;
	c.placement = placement;
	c.dram_channel_mask = dram_channel_mask;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_BO_CREATE, &c);
	if (ret < 0)
		return ret;
	*handle = c.handle;
	return 0;
}

int neuron_drm_bo_info(int fd, uint32_t handle, uint32_t flags,
		       struct drm_neuron_bo_info *info)
{
	struct drm_neuron_bo_info i;
	int ret;

	if (!info)
		return -EINVAL;
	memset(&i, 0, sizeof(i));
	i.handle = handle;
	i.flags = flags;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_BO_INFO, &i);
	if (ret < 0)
		return ret;
	*info = i;
	return 0;
}

int neuron_drm_bo_map(int fd, uint32_t handle, void **ptr, uint64_t *size)
{
	struct drm_neuron_bo_info info;
	void *p;
	int ret;

	if (!ptr || !size)
		return -EINVAL;
	ret = neuron_drm_bo_info(fd, handle, 0, &info);
	if (ret < 0)
		return ret;
	/*
	 * Say why up front rather than letting mmap(2) fail: a DRAM BO
	 * without the DRAM BAR can only be filled by DMA.
	 */
	if (info.placement == DRM_NEURON_BO_DRAM &&
	    !(info.info_flags & DRM_NEURON_BO_INFO_MAPPABLE))
		return -EOPNOTSUPP;
	if (info.size == 0 || info.size > SIZE_MAX)
		return -ENOMEM;
	/* Shared only: the driver refuses MAP_PRIVATE. */
	p = mmap(NULL, (size_t)info.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, (off_t)info.mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	*ptr = p;
	*size = info.size;
	return 0;
}

int neuron_drm_bo_unmap(void *ptr, uint64_t size)
{
	if (!ptr || size == 0 || size > SIZE_MAX)
		return -EINVAL;
	if (munmap(ptr, (size_t)size) < 0)
		return -errno;
	return 0;
}

/* GEM close and PRIME are DRM core ioctls: libdrm's calls. */
int neuron_drm_gem_close(int fd, uint32_t handle)
{
	if (handle == 0)
		return -EINVAL;
	return neuron_drm__drm_ret(drmCloseBufferHandle(fd, handle));
}

int neuron_drm_prime_handle_to_fd(int fd, uint32_t handle, uint32_t flags,
				  int *dmabuf_fd)
{
	if (!dmabuf_fd)
		return -EINVAL;
	return neuron_drm__drm_ret(drmPrimeHandleToFD(fd, handle, flags,
						      dmabuf_fd));
}

int neuron_drm_prime_fd_to_handle(int fd, int dmabuf_fd, uint32_t *handle)
{
	if (!handle || dmabuf_fd < 0)
		return -EINVAL;
	return neuron_drm__drm_ret(drmPrimeFDToHandle(fd, dmabuf_fd, handle));
}

int neuron_drm_query_memory_usage(int fd,
				  struct drm_neuron_query_memory_usage *usage)
{
	int ret;

	if (!usage)
		return -EINVAL;
	memset(usage, 0, sizeof(*usage));
	ret = neuron_drm_query(fd, DRM_NEURON_QUERY_MEMORY_USAGE, usage,
			       sizeof(*usage));
	if (ret < 0)
		return ret;
	if (usage->region_count > DRM_NEURON_MAX_MEMORY_REGIONS)
		usage->region_count = DRM_NEURON_MAX_MEMORY_REGIONS;
	return 0;
}

int neuron_drm_submit(int fd, struct drm_neuron_submit *s)
{
	int ret;

	if (!s)
		return -EINVAL;
	/* A count with no array would reach the kernel as address 0. */
	if ((s->xfer_count && !s->xfers) || (s->desc_count && !s->descs) ||
	    (s->bo_handle_count && !s->bo_handles) ||
	    (s->in_sync_count && !s->in_syncs))
		return -EINVAL;
	if (s->xfer_count > DRM_NEURON_SUBMIT_MAX_XFERS ||
	    s->desc_count > DRM_NEURON_SUBMIT_MAX_DESCS ||
	    s->bo_handle_count > DRM_NEURON_SUBMIT_MAX_BOS ||
	    s->in_sync_count > DRM_NEURON_SUBMIT_MAX_SYNCS)
		return -EINVAL;
	if (s->program ? s->xfer_count || s->desc_count || s->bo_handle_count :
			 s->xfer_count == 0 && s->desc_count == 0)
		return -EINVAL;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, s);
	return ret < 0 ? ret : 0;
}

/* Submit @s with its syncobjs; the job's seqno into @seqno (may be NULL). */
static int submit_with_syncs(int fd, struct drm_neuron_submit *s,
			     const struct drm_neuron_sync *in_syncs,
			     uint32_t in_count,
			     const struct drm_neuron_sync *out_sync,
			     uint64_t *seqno)
{
	int ret;

	if (in_count && !in_syncs)
		return -EINVAL;
	s->in_syncs = (uintptr_t)in_syncs;
	s->in_sync_count = in_count;
	if (out_sync)
		s->out_sync = *out_sync;
	ret = neuron_drm_submit(fd, s);
	if (ret == 0 && seqno)
		*seqno = s->seqno;
	return ret;
}

int neuron_drm_submit_xfers(int fd, uint32_t engine, uint32_t flags,
			    const struct drm_neuron_xfer *xfers, uint32_t count,
			    const struct drm_neuron_sync *in_syncs,
			    uint32_t in_count,
			    const struct drm_neuron_sync *out_sync,
			    uint64_t *seqno)
{
	struct drm_neuron_submit s;

	if (!xfers || count == 0)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.engine = engine;
	s.flags = flags;
	s.xfers = (uintptr_t)xfers;
	s.xfer_count = count;
	return submit_with_syncs(fd, &s, in_syncs, in_count, out_sync, seqno);
}

int neuron_drm_program_create(int fd, const struct drm_neuron_dma_desc *descs,
			      uint32_t desc_count, const uint32_t *bo_handles,
			      uint32_t bo_handle_count, uint32_t *program,
			      uint32_t *hw_desc_count)
{
	struct drm_neuron_program_create c;
	int ret;

	if (!descs || !program || desc_count == 0 ||
	    desc_count > DRM_NEURON_SUBMIT_MAX_DESCS ||
	    (bo_handle_count && !bo_handles) ||
	    bo_handle_count > DRM_NEURON_SUBMIT_MAX_BOS)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.descs = (uintptr_t)descs;
	c.desc_count = desc_count;
	c.bo_handles = (uintptr_t)bo_handles;
	c.bo_handle_count = bo_handle_count;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_CREATE, &c);
	if (ret < 0)
		return ret;
	*program = c.handle;
	if (hw_desc_count)
		*hw_desc_count = c.hw_desc_count;
	return 0;
}

int neuron_drm_program_destroy(int fd, uint32_t program)
{
	struct drm_neuron_program_destroy d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.handle = program;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_DESTROY, &d);
	return ret < 0 ? ret : 0;
}

int neuron_drm_program_run(int fd, uint32_t context, uint32_t engine,
			   uint32_t flags, uint32_t program,
			   const struct drm_neuron_sync *in_syncs,
			   uint32_t in_count,
			   const struct drm_neuron_sync *out_sync,
			   uint64_t *seqno)
{
	struct drm_neuron_submit s;

	if (program == 0)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.context = context;
	s.engine = engine;
	s.flags = flags;
	s.program = program;
	return submit_with_syncs(fd, &s, in_syncs, in_count, out_sync, seqno);
}

int neuron_drm_context_create(int fd, uint32_t core_mask, uint32_t *context,
			      uint32_t *engine_count)
{
	struct drm_neuron_context_create c;
	int ret;

	if (!context || core_mask == 0)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.core_mask = core_mask;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_CONTEXT_CREATE, &c);
	if (ret < 0)
		return ret;
	*context = c.handle;
	if (engine_count)
		*engine_count = c.engine_count;
	return 0;
}

int neuron_drm_context_destroy(int fd, uint32_t context)
{
	struct drm_neuron_context_destroy d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.handle = context;
	ret = neuron_drm_ioctl(fd, DRM_IOCTL_NEURON_CONTEXT_DESTROY, &d);
	return ret < 0 ? ret : 0;
}
