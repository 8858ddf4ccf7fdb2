// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * DRM_IOCTL_NEURON_SUBMIT: copies the transfers, descriptors, BO list and
 * syncobjs in, validates every range against the BOs and NeuronCores the
 * file may use, translates them into the job's hardware descriptor pairs
 * in kernel memory and queues the job on the DRM scheduler (neuron_job.c).
 * The same builder (neuron_payload_build()) translates a program once
 * (neuron_program.c); a job that runs a program skips it.
 * See Documentation/accel/neuron/jobs.rst.
 */

#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>
#include <drm/neuron_accel.h>

#include "neuron_context.h"
#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_fence.h"
#include "neuron_gem.h"
#include "neuron_job.h"
#include "neuron_program.h"
#include "neuron_regs.h"
#include "neuron_topology.h"
#include "neuron_udma.h"

/*
 * Segments of one BO range, collected for splitting a copy. The arrays
 * grow as needed, up to the job's bound on pieces: most copies are one
 * or a few segments, and a submit should not pay for the largest job.
 */
struct neuron_seglist {
	u64 *addr;
	u64 *len;
	u32 count;
	u32 alloc;
	u64 route;
};

static int neuron_seglist_grow(struct neuron_seglist *sl)
{
	u32 n = min(max(2 * sl->alloc, 16u), DRM_NEURON_SUBMIT_MAX_HW_DESCS);
	u64 *addr, *len;

	if (sl->alloc >= DRM_NEURON_SUBMIT_MAX_HW_DESCS)
		return -EINVAL;
	addr = kvmalloc_array(n, sizeof(u64), GFP_KERNEL);
	len = kvmalloc_array(n, sizeof(u64), GFP_KERNEL);
	if (!addr || !len) {
		kvfree(addr);
		kvfree(len);
		return -ENOMEM;
	}
	if (sl->count) {
		memcpy(addr, sl->addr, sl->count * sizeof(u64));
		memcpy(len, sl->len, sl->count * sizeof(u64));
	}
	kvfree(sl->addr);
	kvfree(sl->len);
	sl->addr = addr;
	sl->len = len;
	sl->alloc = n;
	return 0;
}

static int neuron_seglist_add(void *priv, u64 dev_addr, u64 len)
{
	struct neuron_seglist *sl = priv;
	int ret;

	if (sl->count == sl->alloc) {
		ret = neuron_seglist_grow(sl);
		if (ret)
			return ret;
	}
	sl->addr[sl->count] = dev_addr | sl->route;
	sl->len[sl->count] = len;
	sl->count++;
	return 0;
}

/* One device-contiguous piece of a listed BO. */
struct neuron_bo_seg {
	u64 offset;	/* in the BO */
	u64 addr;	/* for the device, routing bits included */
	u64 len;
};

/* The pieces of one listed BO in BO order, for descriptors. */
struct neuron_bo_segs {
	struct neuron_bo_seg *seg;
	u32 count;
};

struct neuron_bo_seg_collect {
	struct neuron_bo_seg *seg;
	u32 count;
	u32 max;
	u64 offset;
	u64 route;
};

/* Count the pieces (@seg NULL), or store them. */
static int neuron_bo_seg_collect(void *priv, u64 dev_addr, u64 len)
{
	struct neuron_bo_seg_collect *c = priv;

	if (c->seg) {
		if (c->count >= c->max)
			return -EINVAL;
		c->seg[c->count].offset = c->offset;
		c->seg[c->count].addr = dev_addr | c->route;
		c->seg[c->count].len = len;
	}
	c->offset += len;
	c->count++;
	return 0;
}

/*
 * Collect the pieces of @bo once per submit, so that each descriptor costs
 * a binary search instead of a walk of the BO's sg table.
 */
static int neuron_bo_segs_init(struct neuron_bo_segs *segs,
			       const struct neuron_job_bo *bo)
{
	struct neuron_bo_seg_collect c = { .route = bo->route };
	int ret;

	ret = neuron_bo_dma_segments(bo->obj, 0, bo->obj->size,
				     neuron_bo_seg_collect, &c);
	if (ret)
		return ret;
	c.seg = kvmalloc_array(c.count, sizeof(*c.seg), GFP_KERNEL);
	if (!c.seg)
		return -ENOMEM;
	c.max = c.count;
	c.count = 0;
	c.offset = 0;
	ret = neuron_bo_dma_segments(bo->obj, 0, bo->obj->size,
				     neuron_bo_seg_collect, &c);
	if (ret) {
		kvfree(c.seg);
		return ret;
	}
	segs->seg = c.seg;
	segs->count = c.count;
	return 0;
}

/*
 * Route bits under which this device reaches @owner's DRAM: only a direct
 * neighbour whose link is up, identified by the id it carries in its
 * topology slot.
 */
static int neuron_job_peer_route(struct neuron_device *ndev,
				 struct neuron_device *owner, u64 *route)
{
	struct drm_neuron_query_topology topo;
	int i, ret;

	ret = neuron_topology_query(ndev, &topo);
	if (ret)
		return ret;

	for (i = 0; i < DRM_NEURON_LINK_COUNT; i++) {
		const struct drm_neuron_topology_link *link = &topo.links[i];

		if ((link->flags & DRM_NEURON_LINK_PEER_ID_VALID) &&
		    link->peer_device_id == owner->device_id) {
			*route = neuron_topology_link_route(i);
			return 0;
		}
	}
	return -EXDEV;
}

struct neuron_submit_ctx {
	struct neuron_device *ndev;
	struct drm_file *file;
	struct neuron_payload p;
	gfp_t gfp;
	u32 max_pairs;
	u32 pair_alloc;
	u32 max_bos;
	struct neuron_seglist segs[2];
	u32 *listed;
	u32 listed_count;
	struct neuron_bo_segs *bo_segs;
	u32 bo_segs_count;
};

static int neuron_job_add_pair(struct neuron_submit_ctx *ctx, u64 src, u64 dst,
			       u32 len, u16 flags, u32 imm)
{
	struct neuron_payload *pl = &ctx->p;
	struct neuron_desc_pair *p;

	if (pl->pair_count >= ctx->max_pairs)
		return -EINVAL;
	if (pl->pair_count == ctx->pair_alloc) {
		u32 n = min(max(2 * ctx->pair_alloc, 16u), ctx->max_pairs);

		p = kvmalloc_array(n, sizeof(*p), ctx->gfp);
		if (!p)
			return -ENOMEM;
		if (pl->pairs)
			memcpy(p, pl->pairs, pl->pair_count * sizeof(*p));
		kvfree(pl->pairs);
		pl->pairs = p;
		ctx->pair_alloc = n;
	}
	p = &pl->pairs[pl->pair_count++];
	pl->bytes += len;
	p->src = src;
	p->dst = dst;
	p->len = len;
	p->flags = flags;
	p->pad = 0;
	p->imm = imm;
	return 0;
}

/* Look up a handle, once per job; the job keeps the reference. */
static int neuron_job_add_bo(struct neuron_submit_ctx *ctx, u32 handle,
			     bool write, struct neuron_job_bo **out)
{
	struct neuron_payload *pl = &ctx->p;
	struct neuron_job_bo *bo;
	struct drm_gem_object *obj;
	u32 i;
	int ret;

	obj = drm_gem_object_lookup(ctx->file, handle);
	if (!obj)
		return -ENOENT;

	for (i = 0; i < pl->bo_count; i++) {
		if (pl->bos[i].obj == obj) {
			drm_gem_object_put(obj);
			pl->bos[i].write |= write;
			*out = &pl->bos[i];
			return 0;
		}
	}
	if (pl->bo_count >= ctx->max_bos) {
		drm_gem_object_put(obj);
		return -EINVAL;
	}
	bo = &pl->bos[pl->bo_count++];
	bo->obj = obj;
	bo->handle = handle;
	bo->write = write;
	bo->route = 0;
	*out = bo;

	if (neuron_bo_kind(obj) == NEURON_BO_PEER_DRAM) {
		struct neuron_device *owner = neuron_bo_dram_owner(obj);

		if (owner == ctx->ndev)
			return 0;
		if (!neuron_jobs_peer_alive(owner))
			return -ENODEV;
		return neuron_job_peer_route(ctx->ndev, owner, &bo->route);
	}
	/* Pins the pages and maps them for the device, once per BO. */
	ret = neuron_bo_prepare_dma(obj);
	return ret;
}

static int neuron_job_check_range(struct drm_gem_object *obj, u64 offset,
				  u64 size)
{
	u64 end;

	if (check_add_overflow(offset, size, &end) || end > obj->size)
		return -EINVAL;
	return 0;
}

/* Empty @sl, keeping its arrays for the next copy of the submit. */
static void neuron_seglist_reset(struct neuron_seglist *sl, u64 route)
{
	sl->count = 0;
	sl->route = route;
}

static int neuron_job_collect(struct neuron_seglist *sl,
			      const struct neuron_job_bo *bo, u64 offset,
			      u64 size)
{
	neuron_seglist_reset(sl, bo->route);
	return neuron_bo_dma_segments(bo->obj, offset, size, neuron_seglist_add,
				      sl);
}

/*
 * Emit one descriptor pair per piece that lies inside one source and one
 * destination segment and is at most 64 KiB: the splitting of every copy,
 * whatever named its two ends. @flags go on the first pair only (a DMB
 * orders the copy as a whole).
 */
static int neuron_job_add_span(struct neuron_submit_ctx *ctx,
			       const struct neuron_seglist *s,
			       const struct neuron_seglist *d, u16 flags)
{
	u64 soff = 0, doff = 0;
	u32 si = 0, di = 0;
	int ret;

	while (si < s->count && di < d->count) {
		u64 len = min3(s->len[si] - soff, d->len[di] - doff,
			       (u64)NEURON_DESC_MAX_LEN);

		ret = neuron_job_add_pair(ctx, s->addr[si] + soff,
					  d->addr[di] + doff, len, flags, 0);
		if (ret)
			return ret;
		flags = 0;
		soff += len;
		doff += len;
		if (soff == s->len[si]) {
			si++;
			soff = 0;
		}
		if (doff == d->len[di]) {
			di++;
			doff = 0;
		}
	}
	return 0;
}

static int neuron_job_add_copy(struct neuron_submit_ctx *ctx,
			       const struct drm_neuron_xfer *x)
{
	struct neuron_job_bo *src, *dst;
	int ret;

	if (x->flags || x->nc || x->index || x->value || x->pad || !x->size)
		return -EINVAL;

	ret = neuron_job_add_bo(ctx, x->src_handle, false, &src);
	if (ret)
		return ret;
	ret = neuron_job_add_bo(ctx, x->dst_handle, true, &dst);
	if (ret)
		return ret;
	ret = neuron_job_check_range(src->obj, x->src_offset, x->size);
	if (ret)
		return ret;
	ret = neuron_job_check_range(dst->obj, x->dst_offset, x->size);
	if (ret)
		return ret;

	ret = neuron_job_collect(&ctx->segs[0], src, x->src_offset, x->size);
	if (ret)
		return ret;
	ret = neuron_job_collect(&ctx->segs[1], dst, x->dst_offset, x->size);
	if (ret)
		return ret;
	return neuron_job_add_span(ctx, &ctx->segs[0], &ctx->segs[1], 0);
}

static u64 neuron_tpb_devaddr(u32 off)
{
	return NEURON_DEVADDR_TPB_BASE + off;
}

static int neuron_job_add_nc_write(struct neuron_submit_ctx *ctx,
				   const struct drm_neuron_xfer *x)
{
	u32 off;

	if (x->flags || x->src_handle || x->dst_handle || x->src_offset ||
	    x->dst_offset || x->size || x->pad || x->nc >= NEURON_NC_COUNT)
		return -EINVAL;

	switch (x->type) {
	case DRM_NEURON_XFER_SEM_SET:
	case DRM_NEURON_XFER_SEM_INCR:
	case DRM_NEURON_XFER_SEM_DECR:
		if (x->index >= NEURON_SEMAPHORES_PER_NC)
			return -EINVAL;
		off = x->type == DRM_NEURON_XFER_SEM_SET ?
		      NEURON_NC_SEM_SET(x->nc, x->index) :
		      x->type == DRM_NEURON_XFER_SEM_INCR ?
		      NEURON_NC_SEM_INC(x->nc, x->index) :
		      NEURON_NC_SEM_DEC(x->nc, x->index);
		break;
	case DRM_NEURON_XFER_EVENT:
		if (x->index >= NEURON_EVENTS_PER_NC || x->value > 1)
			return -EINVAL;
		off = NEURON_NC_EVENT(x->nc, x->index);
		break;
	default:
		return -EINVAL;
	}
	/*
	 * As SEM_OP and EVENT_OP: only the owner writes a core's semaphores
	 * and events. Checked at submit, which is the contract: a job accepted
	 * while the file owned the core still runs if the file releases the
	 * core first (see Documentation/accel/neuron/jobs.rst).
	 */
	if (!neuron_core_file_owns(ctx->ndev, x->nc, ctx->file->driver_priv))
		return -EACCES;
	ctx->p.nc_used |= BIT(x->nc);

	/* DMB: the write signals that the transfers before it are done. */
	return neuron_job_add_pair(ctx, 0, neuron_tpb_devaddr(off), sizeof(u32),
				   NEURON_PAIR_IMM | NEURON_PAIR_DMB, x->value);
}

/*
 * The NeuronCore regions a descriptor may name, relative to the core's
 * window. @word: 32-bit registers, one per 4 bytes, written one at a time.
 */
struct neuron_core_region {
	u32 start;
	u32 size;
	bool readable;
	bool word;
};

static const struct neuron_core_region neuron_core_regions[] = {
	[DRM_NEURON_CORE_STATE_BUF] = {
		NEURON_NC_STATE_BUF(0), NEURON_NC_STATE_BUF_SIZE, true, false },
	[DRM_NEURON_CORE_INSTR_FIFO] = {
		NEURON_NC_INSTR_FIFO(0), NEURON_NC_INSTR_FIFO_SIZE, false, false },
	[DRM_NEURON_CORE_SEM_SET] = {
		NEURON_NC_SEM_SET(0, 0), 4 * NEURON_SEMAPHORES_PER_NC, false, true },
	[DRM_NEURON_CORE_SEM_INCR] = {
		NEURON_NC_SEM_INC(0, 0), 4 * NEURON_SEMAPHORES_PER_NC, false, true },
	[DRM_NEURON_CORE_SEM_DECR] = {
		NEURON_NC_SEM_DEC(0, 0), 4 * NEURON_SEMAPHORES_PER_NC, false, true },
	[DRM_NEURON_CORE_EVENT] = {
		NEURON_NC_EVENT(0, 0), 4 * NEURON_EVENTS_PER_NC, false, true },
};

static_assert(NEURON_NC_STATE_BUF_SIZE == DRM_NEURON_CORE_STATE_BUF_SIZE);
static_assert(NEURON_NC_INSTR_FIFO_SIZE == DRM_NEURON_CORE_INSTR_FIFO_SIZE);

/* A descriptor's NeuronCore end: one device-contiguous range. */
static int neuron_job_core_end(struct neuron_submit_ctx *ctx,
			       const struct drm_neuron_mem_ref *ref, u32 size,
			       bool write, struct neuron_seglist *sl)
{
	const struct neuron_core_region *r;
	u32 off;

	if (ref->index >= NEURON_NC_COUNT ||
	    ref->region >= ARRAY_SIZE(neuron_core_regions))
		return -EINVAL;
	r = &neuron_core_regions[ref->region];
	if (!write && !r->readable)
		return -EINVAL;
	if (ref->offset > r->size || size > r->size - ref->offset)
		return -EINVAL;
	if (r->word && (size != sizeof(u32) ||
			!IS_ALIGNED(ref->offset, sizeof(u32))))
		return -EINVAL;
	/*
	 * As SEM_OP and EVENT_OP: a core's window is its owner's. Checked
	 * again before the job is queued (neuron_cores_job_begin()).
	 */
	if (!neuron_core_file_owns(ctx->ndev, ref->index,
				   ctx->file->driver_priv))
		return -EACCES;
	ctx->p.nc_used |= BIT(ref->index);
	/* The next owner gets it cleared (CORE_ACQUIRE). */
	if (write && ref->region == DRM_NEURON_CORE_STATE_BUF)
		ctx->p.nc_sb_writes |= BIT(ref->index);

	neuron_seglist_reset(sl, 0);
	off = NEURON_NC_BASE(ref->index) + r->start + ref->offset;
	return neuron_seglist_add(sl, neuron_tpb_devaddr(off), size);
}

/* A descriptor's BO end: the pieces of the range, by binary search. */
static int neuron_job_bo_end(struct neuron_submit_ctx *ctx,
			     const struct drm_neuron_mem_ref *ref, u32 size,
			     bool write, struct neuron_seglist *sl)
{
	struct neuron_job_bo *bo;
	struct neuron_bo_segs *segs;
	u32 lo = 0, hi, idx;
	u64 pos, end;
	int ret;

	if (ref->region || ref->index >= ctx->listed_count)
		return -EINVAL;
	idx = ctx->listed[ref->index];
	bo = &ctx->p.bos[idx];
	ret = neuron_job_check_range(bo->obj, ref->offset, size);
	if (ret)
		return ret;

	segs = &ctx->bo_segs[idx];
	if (!segs->seg) {
		ret = neuron_bo_segs_init(segs, bo);
		if (ret)
			return ret;
	}
	bo->write |= write;

	/* The last piece starting at or below the offset holds it. */
	hi = segs->count;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (segs->seg[mid].offset <= ref->offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (WARN_ON_ONCE(!lo))
		return -EINVAL;

	neuron_seglist_reset(sl, 0);
	pos = ref->offset;
	end = ref->offset + size;
	for (idx = lo - 1; pos < end && idx < segs->count; idx++) {
		const struct neuron_bo_seg *seg = &segs->seg[idx];
		u64 len = min(seg->offset + seg->len, end) - pos;

		ret = neuron_seglist_add(sl, seg->addr + (pos - seg->offset),
					 len);
		if (ret)
			return ret;
		pos += len;
	}
	return 0;
}

static int neuron_job_desc_end(struct neuron_submit_ctx *ctx,
			       const struct drm_neuron_mem_ref *ref, u32 size,
			       bool write, struct neuron_seglist *sl)
{
	if (ref->pad)
		return -EINVAL;
	switch (ref->kind) {
	case DRM_NEURON_MEM_BO:
		return neuron_job_bo_end(ctx, ref, size, write, sl);
	case DRM_NEURON_MEM_CORE:
		return neuron_job_core_end(ctx, ref, size, write, sl);
	default:
		return -EINVAL;
	}
}

static int neuron_job_add_desc(struct neuron_submit_ctx *ctx,
			       const struct drm_neuron_dma_desc *d)
{
	int ret;

	if (d->flags & ~DRM_NEURON_DESC_BARRIER || !d->size)
		return -EINVAL;
	ret = neuron_job_desc_end(ctx, &d->src, d->size, false, &ctx->segs[0]);
	if (ret)
		return ret;
	ret = neuron_job_desc_end(ctx, &d->dst, d->size, true, &ctx->segs[1]);
	if (ret)
		return ret;
	return neuron_job_add_span(ctx, &ctx->segs[0], &ctx->segs[1],
				   d->flags & DRM_NEURON_DESC_BARRIER ?
				   NEURON_PAIR_DMB : 0);
}

/* Free what a build put in @p; the BO references with it. */
void neuron_payload_fini(struct neuron_payload *p)
{
	u32 i;

	for (i = 0; i < p->bo_count; i++)
		drm_gem_object_put(p->bos[i].obj);
	kvfree(p->bos);
	kvfree(p->pairs);
	memset(p, 0, sizeof(*p));
}

static int neuron_payload_build_ctx(struct neuron_submit_ctx *ctx,
				    const struct neuron_payload_args *args)
{
	struct drm_neuron_xfer __user *uxfers = u64_to_user_ptr(args->xfers);
	struct drm_neuron_dma_desc __user *udescs = u64_to_user_ptr(args->descs);
	u32 __user *uhandles = u64_to_user_ptr(args->bo_handles);
	struct neuron_payload *pl = &ctx->p;
	u32 i;
	int ret;

	ctx->max_pairs = DRM_NEURON_SUBMIT_MAX_HW_DESCS;
	/* A copy uses two BOs, the descriptor list its own. */
	ctx->max_bos = 2 * args->xfer_count + args->bo_handle_count;
	if (ctx->max_bos) {
		pl->bos = kvcalloc(ctx->max_bos, sizeof(*pl->bos), ctx->gfp);
		if (!pl->bos)
			return -ENOMEM;
	}

	/* The listed BOs come first: descriptors name them by position. */
	if (args->bo_handle_count) {
		ctx->listed = kvmalloc_array(args->bo_handle_count,
					     sizeof(*ctx->listed), GFP_KERNEL);
		if (!ctx->listed)
			return -ENOMEM;
	}
	for (i = 0; i < args->bo_handle_count; i++) {
		struct neuron_job_bo *bo;
		u32 handle;

		if (get_user(handle, &uhandles[i]))
			return -EFAULT;
		ret = neuron_job_add_bo(ctx, handle, false, &bo);
		if (ret)
			return ret;
		ctx->listed[i] = bo - pl->bos;
	}
	ctx->listed_count = args->bo_handle_count;
	if (pl->bo_count) {
		ctx->bo_segs = kvcalloc(pl->bo_count, sizeof(*ctx->bo_segs),
					GFP_KERNEL);
		if (!ctx->bo_segs)
			return -ENOMEM;
		ctx->bo_segs_count = pl->bo_count;
	}

	for (i = 0; i < args->xfer_count; i++) {
		struct drm_neuron_xfer x;

		if (copy_from_user(&x, &uxfers[i], sizeof(x)))
			return -EFAULT;
		if (x.type == DRM_NEURON_XFER_COPY)
			ret = neuron_job_add_copy(ctx, &x);
		else
			ret = neuron_job_add_nc_write(ctx, &x);
		if (ret)
			return ret;
		cond_resched();
	}

	for (i = 0; i < args->desc_count; i++) {
		struct drm_neuron_dma_desc d;

		if (copy_from_user(&d, &udescs[i], sizeof(d)))
			return -EFAULT;
		ret = neuron_job_add_desc(ctx, &d);
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}

/**
 * neuron_payload_build() - validate and translate a job's work
 * @ndev: the device
 * @file: the file whose BOs and NeuronCores the work may use
 * @args: the user's transfers, descriptors and BO list (counts already
 *        checked against their DRM_NEURON_SUBMIT_MAX_*)
 * @gfp: allocation flags of what @p keeps (GFP_KERNEL_ACCOUNT for memory
 *       that outlives the ioctl)
 * @p: out: the hardware descriptor pairs, the BOs (referenced) and the
 *     cores used; neuron_payload_fini() frees them
 *
 * Return: 0, or a negative errno as documented for &struct
 * drm_neuron_submit; on failure @p holds nothing.
 */
int neuron_payload_build(struct neuron_device *ndev, struct drm_file *file,
			 const struct neuron_payload_args *args, gfp_t gfp,
			 struct neuron_payload *p)
{
	struct neuron_submit_ctx ctx = { .ndev = ndev, .file = file, .gfp = gfp };
	u32 i;
	int ret;

	ret = neuron_payload_build_ctx(&ctx, args);
	for (i = 0; i < ARRAY_SIZE(ctx.segs); i++) {
		kvfree(ctx.segs[i].addr);
		kvfree(ctx.segs[i].len);
	}
	for (i = 0; i < ctx.bo_segs_count; i++)
		kvfree(ctx.bo_segs[i].seg);
	kvfree(ctx.bo_segs);
	kvfree(ctx.listed);
	if (ret)
		neuron_payload_fini(&ctx.p);
	else
		*p = ctx.p;
	return ret;
}

static int neuron_job_add_in_syncs(struct neuron_job *job,
				   struct drm_file *file,
				   const struct drm_neuron_submit *args)
{
	struct drm_neuron_sync __user *usyncs = u64_to_user_ptr(args->in_syncs);
	struct dma_fence *fence;
	u32 i;
	int ret;

	for (i = 0; i < args->in_sync_count; i++) {
		struct drm_neuron_sync s;

		if (copy_from_user(&s, &usyncs[i], sizeof(s)))
			return -EFAULT;
		if (s.flags)
			return -EINVAL;
		/*
		 * Not drm_sched_job_add_syncobj_dependency(): its point is a
		 * u32, timeline points are 64-bit.
		 */
		ret = drm_syncobj_find_fence(file, s.handle, s.point, 0, &fence);
		if (ret)
			return ret;
		fence = neuron_fence_unwrap(fence, file->minor->dev);
		/* Consumes the reference, also on failure. */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * drm_sched_job_add_implicit_dependencies(), but a done fence of this
 * device is waited on through its finished fence (neuron_fence_unwrap()).
 * Called with the BO's reservation held.
 */
static int neuron_job_add_implicit(struct neuron_job *job,
				   struct drm_gem_object *obj, bool write)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	int ret;

	dma_resv_for_each_fence(&cursor, obj->resv, dma_resv_usage_rw(write),
				fence) {
		fence = neuron_fence_unwrap(dma_fence_get(fence), obj->dev);
		/* Consumes the reference, also on failure. */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Submit: the ioctl                                                        */

/*
 * Queue the job of a checked @args on @ns through @entity; @ctx (held
 * open) is the job's context, or NULL for the file's default context.
 */
static int neuron_submit_job(struct drm_file *file,
			     struct drm_neuron_submit *args,
			     struct neuron_sched *ns,
			     struct drm_sched_entity *entity,
			     struct neuron_context *ctx)
{
	struct drm_device *dev = file->minor->dev;
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct neuron_job_file *jf = nfile->jobs;
	struct drm_syncobj *out_syncobj = NULL;
	struct dma_fence_chain *chain = NULL;
	struct neuron_done_fence *df = NULL;
	struct neuron_cores_hold *hold = NULL;
	struct drm_gem_object **objs = NULL;
	struct ww_acquire_ctx acquire;
	struct dma_fence *finished, *done;
	struct neuron_job *job;
	u32 i, nobjs, cores;
	bool cookie;
	int ret;

	if (READ_ONCE(ndev->shut_down))
		return -ENODEV;
	if (READ_ONCE(ndev->wedged))
		return -EIO;

	job = neuron_job_alloc(ns, jf);
	if (!job)
		return -ENOMEM;
	if (ctx) {
		kref_get(&ctx->ref);
		job->ctx = ctx;
		job->guilty = &ctx->guilty;
	}
	if (neuron_job_file_full(job)) {
		ret = -ENOSPC;
		goto err_free;
	}

	if (args->program) {
		ret = neuron_program_job(file, args->program, job);
	} else {
		struct neuron_payload_args pa = {
			.xfers = args->xfers, .xfer_count = args->xfer_count,
			.descs = args->descs, .desc_count = args->desc_count,
			.bo_handles = args->bo_handles,
			.bo_handle_count = args->bo_handle_count,
		};
		struct neuron_payload p;

		ret = neuron_payload_build(ndev, file, &pa, GFP_KERNEL, &p);
		if (!ret)
			neuron_job_take_payload(job, &p);
	}
	if (ret)
		goto err_free;
	/* A context's jobs reach its cores only. */
	if (ctx && job->nc_used & ~ctx->core_mask) {
		ret = -EINVAL;
		goto err_free;
	}

	/* Only for a job that passed validation: a few bytes of the file's. */
	if (!entity)
		entity = neuron_job_file_entity(jf, ns);
	if (IS_ERR(entity)) {
		ret = PTR_ERR(entity);
		goto err_free;
	}

	if (args->out_sync.handle) {
		out_syncobj = drm_syncobj_find(file, args->out_sync.handle);
		if (!out_syncobj) {
			ret = -ENOENT;
			goto err_free;
		}
		if (args->out_sync.point) {
			chain = dma_fence_chain_alloc();
			if (!chain) {
				ret = -ENOMEM;
				goto err_free;
			}
		}
	}

	df = neuron_done_fence_alloc();
	hold = kmalloc_obj(*hold);
	if (!df || !hold) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = drm_sched_job_init(&job->base, entity,
				 job->pair_count + 1, jf, file->client_id);
	if (ret)
		goto err_free;

	ret = neuron_job_add_in_syncs(job, file, args);
	if (ret)
		goto err_cleanup;

	if (job->bo_count) {
		objs = kvmalloc_array(job->bo_count, sizeof(*objs), GFP_KERNEL);
		if (!objs) {
			ret = -ENOMEM;
			goto err_cleanup;
		}
		for (i = 0; i < job->bo_count; i++)
			objs[i] = job->bos[i].obj;
		ret = drm_gem_lock_reservations(objs, job->bo_count, &acquire);
		if (ret)
			goto err_cleanup;
		for (i = 0; i < job->bo_count; i++) {
			ret = dma_resv_reserve_fences(objs[i]->resv, 1);
			if (ret)
				goto err_unlock;
			if (args->flags & DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC)
				continue;
			ret = neuron_job_add_implicit(job, objs[i],
						      job->bos[i].write);
			if (ret)
				goto err_unlock;
		}
	}

	/*
	 * The job may write the file's cores: they wait for it to change
	 * hands. A core it writes that changed hands since the check above
	 * (another thread released it, another file acquired it) would not:
	 * then the job does not run. The cores are reserved here, before the
	 * arm, which leaves nothing between arm and push that sleeps or
	 * allocates.
	 */
	cores = neuron_cores_job_begin(ndev, nfile, job->nc_used,
				       job->nc_sb_writes, &job->revoked);

	/* Arm to push under one lock: fences of a queue stay in order. */
	mutex_lock(&ns->submit_lock);
	cookie = dma_fence_begin_signalling();
	drm_sched_job_arm(&job->base);
	finished = &job->base.s_fence->finished;
	/* What leaves the driver: see neuron_fence.c. */
	done = neuron_done_fence_attach(df, dev, finished);
	args->seqno = done->seqno;
	neuron_cores_job_end(ndev, cores, hold, finished);
	atomic64_inc(&jf->submitted);
	/*
	 * Before the push: from then on the job may run and be freed, and
	 * with it its references on the BOs, which another thread may be
	 * closing. The fence slots were reserved above.
	 */
	nobjs = objs ? job->bo_count : 0;
	for (i = 0; i < nobjs; i++)
		dma_resv_add_fence(objs[i]->resv, done,
				   job->bos[i].write ? DMA_RESV_USAGE_WRITE :
				   DMA_RESV_USAGE_READ);
	if (objs)
		drm_gem_unlock_reservations(objs, nobjs, &acquire);
	drm_sched_entity_push_job(&job->base);
	dma_fence_end_signalling(cookie);
	mutex_unlock(&ns->submit_lock);
	kvfree(objs);

	if (out_syncobj) {
		if (chain)
			drm_syncobj_add_point(out_syncobj, chain, done,
					      args->out_sync.point);
		else
			drm_syncobj_replace_fence(out_syncobj, done);
		drm_syncobj_put(out_syncobj);
	}
	dma_fence_put(done);
	return 0;

err_unlock:
	drm_gem_unlock_reservations(objs, job->bo_count, &acquire);
err_cleanup:
	kvfree(objs);
	neuron_done_fence_free(df);
	kfree(hold);
	dma_fence_chain_free(chain);
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
	/* Drops the dependencies; the job was never armed. */
	drm_sched_job_cleanup(&job->base);
	neuron_job_release(job);
	return ret;

err_free:
	neuron_done_fence_free(df);
	kfree(hold);
	dma_fence_chain_free(chain);
	if (out_syncobj)
		drm_syncobj_put(out_syncobj);
	neuron_job_release(job);
	return ret;
}

/**
 * neuron_ioctl_submit() - DRM_IOCTL_NEURON_SUBMIT
 * @dev: DRM device
 * @data: &struct drm_neuron_submit
 * @file: the caller's file
 *
 * Return: 0 or a negative errno, see &struct drm_neuron_submit.
 */
int neuron_ioctl_submit(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct neuron_file *nfile = file->driver_priv;
	struct drm_neuron_submit *args = data;
	struct drm_sched_entity *entity = NULL;
	struct neuron_context *ctx = NULL;
	struct neuron_sched *ns;
	int ret;

	if (args->flags & ~DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC ||
	    args->out_sync.flags)
		return -EINVAL;
	if (args->engine >= NEURON_USER_SCHEDS)
		return -EINVAL;
	/* A program is the whole job; anything else needs some work. */
	if (args->program && (args->xfer_count || args->desc_count ||
			      args->bo_handle_count))
		return -EINVAL;
	if (!args->program && !args->xfer_count && !args->desc_count)
		return -EINVAL;
	if (args->xfer_count > DRM_NEURON_SUBMIT_MAX_XFERS ||
	    args->desc_count > DRM_NEURON_SUBMIT_MAX_DESCS ||
	    args->bo_handle_count > DRM_NEURON_SUBMIT_MAX_BOS ||
	    args->in_sync_count > DRM_NEURON_SUBMIT_MAX_SYNCS)
		return -EINVAL;
	if (args->out_sync.point && !args->out_sync.handle)
		return -EINVAL;

	if (!args->context) {
		if (atomic_read(&nfile->jobs->guilty))
			return -ECANCELED;
		ns = neuron_sched_user(ndev, args->engine);
		return neuron_submit_job(file, args, ns, NULL, NULL);
	}

	/* Held open until the job is pushed to its entity. */
	ret = neuron_context_get(nfile, args->context, &ctx);
	if (ret)
		return ret;
	if (args->engine >= ctx->engine_count) {
		ret = -EINVAL;
	} else if (atomic_read(&ctx->guilty)) {
		ret = -ECANCELED;
	} else {
		ns = neuron_sched_user(ndev, ctx->engine[args->engine]);
		entity = &ctx->entity[args->engine];
		ret = neuron_submit_job(file, args, ns, entity, ctx);
	}
	neuron_context_unlock(ctx);
	neuron_context_put(ctx);
	return ret;
}
