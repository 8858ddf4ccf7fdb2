// SPDX-License-Identifier: MIT
/*
 * neuron-load, device side.
 *
 * 1. Plan (load-pack.c): the files are packed, in order, at 64-byte
 *    boundaries into a few DRAM "arenas" of up to PACK_ARENA_MAX bytes.
 *    Every device gets the same arenas, one DRAM BO each (allocated
 *    before any data moves, so that "does not fit" shows first), two host
 *    staging BOs (one when the files fill one window; each only as large
 *    as the windows it holds) and a syncobj per staging half.
 * 2. Load: the files are streamed into device 0's staging halves, packed
 *    the same way, and copied to the arenas by DMA jobs; consecutive files
 *    of one window and arena are one transfer.  While the jobs of one
 *    half run, the other half is filled; a half is reused only after the
 *    syncobj of its last job signalled.
 * 3. Broadcast: for each hop of the ring, the receiving device imports
 *    each of the sender's arenas (one dma-buf per arena and hop) and pulls
 *    it whole over the Neuron-Pipe into its own: one transfer per arena.
 *    The data never goes through the host.
 * 4. Verify: window by window, every device copies the window's range of
 *    its arenas into its own staging half; then every device's copy is
 *    compared byte for byte with the bytes loaded: kept in memory while
 *    loading for sets of at most KEEP_MAX bytes, otherwise read again
 *    from each file, whose change times (fstat) must be those it had when
 *    loaded.  Either way each copy equals, bit for bit, the bytes loaded.  Double-buffered
 *    as above: the next window's jobs run while one is compared.
 * 5. Free everything, in every case; the summary gives every phase's time.
 *
 * Jobs of one engine run in order and their fences signal in order, so the
 * syncobj of the last job of a batch covers the whole batch.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "load-device.h"
#include "tool-output.h"

/*
 * Bytes per job: a job holds at most DRM_NEURON_SUBMIT_MAX_HW_DESCS
 * descriptors of at most 64 KiB, and scattered 4 KiB host pages need one
 * each, so jobs touching host BOs stay at 16 MiB (4096 pages plus one
 * split per transfer); DRAM to DRAM is contiguous, 64 KiB per descriptor.
 */
#define HOST_JOB_BYTES (16ull << 20)
#define PEER_JOB_BYTES (256ull << 20)
/* The driver times a job out after 10 s; allow for many queued jobs. */
#define WAIT_NS (300ll * 1000000000ll)
/* Comparison buffer for verification. */
#define CMP_CHUNK (1u << 20)
/*
 * Sets of at most this many bytes are kept in memory as they are loaded,
 * and the copies compared with that: re-reading thousands of small files
 * costs more than the comparison itself.  Larger sets are read again.
 */
#define KEEP_MAX (64ull << 20)

/* DMA engines used by the phases (any would do). */
#define ENGINE_LOAD 0
#define ENGINE_PEER 1
#define ENGINE_READ 2

/* A batch of transfers being built, flushed as jobs on one engine. */
struct jobq {
	struct device *dev;
	int dev_index;
	uint32_t engine;
	uint64_t cap;			/* bytes per job */
	int cur;			/* syncobj (staging half) of new jobs */
	bool pending[2];		/* jobs submitted since the last wait */
	uint32_t n;
	uint64_t bytes;
	unsigned long jobs;
	/* files with transfers in the job being built, for error messages */
	const struct file_list *fl;
	size_t file_lo, file_hi;
	/* peer handles to close once the job using them is submitted */
	uint32_t nclose;
	uint32_t close_h[DRM_NEURON_SUBMIT_MAX_XFERS];
	struct drm_neuron_xfer x[DRM_NEURON_SUBMIT_MAX_XFERS];
};

static void dev_err(const struct device *d, int idx, const char *what, int err)
{
	fprintf(stderr, "neuron-load: device %d (%s): %s: %s\n", idx,
		d->node.path, what, neuron_drm_strerror(err));
}

static void jq_init(struct jobq *q, const struct file_list *fl,
		    struct device *d, int idx, uint32_t engine, uint64_t cap)
{
	memset(q, 0, sizeof(*q));
	q->fl = fl;
	q->dev = d;
	q->dev_index = idx;
	q->engine = engine;
	q->cap = cap;
}

static void jq_close_handles(struct jobq *q)
{
	uint32_t i;

	for (i = 0; i < q->nclose; i++)
		neuron_drm_gem_close(q->dev->fd, q->close_h[i]);
	q->nclose = 0;
}

static int jq_flush(struct jobq *q)
{
	struct drm_neuron_sync out = { .handle = q->dev->sync[q->cur] };
	int ret;

	if (q->n == 0)
		return 0;
	ret = neuron_drm_submit_xfers(q->dev->fd, q->engine, 0, q->x,
				      q->n, NULL, 0, &out, NULL);
	/* The job holds its own references: the handles can go now. */
	jq_close_handles(q);
	if (ret < 0) {
		size_t more = q->file_hi - q->file_lo;

		fprintf(stderr, "neuron-load: %s%s: device %d (%s): DMA job submission: %s\n",
			q->fl->v[q->file_lo].path, more ? " and the other files of the job" : "",
			q->dev_index, q->dev->node.path, neuron_drm_strerror(ret));
		return ret;
	}
	q->pending[q->cur] = true;
	q->jobs++;
	q->n = 0;
	q->bytes = 0;
	return 0;
}

/*
 * Queue one copy, flushing first when the job is full.  A copy that
 * continues the previous one (the next packed file) extends it instead.
 */
static int jq_add(struct jobq *q, size_t file, uint32_t src, uint64_t soff,
		  uint32_t dst, uint64_t doff, uint64_t len)
{
	int ret;

	if (q->n) {
		struct drm_neuron_xfer *l = &q->x[q->n - 1];
		uint64_t nl = l->size;

		if (l->src_handle == src && l->dst_handle == dst &&
		    pack_extend(l->src_offset, l->dst_offset, &nl, soff, doff,
				len) &&
		    q->bytes - l->size + nl <= q->cap) {
			q->bytes += nl - l->size;
			l->size = nl;
			q->file_hi = file;
			return 0;
		}
	}

	if (q->n == DRM_NEURON_SUBMIT_MAX_XFERS ||
	    (q->bytes && q->bytes + len > q->cap)) {
		ret = jq_flush(q);
		if (ret < 0)
			return ret;
	}
	if (q->n == 0)
		q->file_lo = file;
	q->file_hi = file;
	neuron_drm_xfer_copy(&q->x[q->n++], src, soff, dst, doff, len);
	q->bytes += len;
	return 0;
}

/* Wait for the jobs of half @h; a failed job is an error, not a mismatch. */
static int jq_wait(struct jobq *q, int h)
{
	int ret, status = 0;

	if (!q->pending[h])
		return 0;
	q->pending[h] = false;
	ret = neuron_drm_syncobj_wait(q->dev->fd, &q->dev->sync[h], 1,
				      neuron_drm_abs_timeout(WAIT_NS),
				      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
				      NULL);
	if (ret == 0)
		ret = neuron_drm_syncobj_status(q->dev->fd, q->dev->sync[h],
						&status);
	if (ret < 0) {
		dev_err(q->dev, q->dev_index, "waiting for DMA jobs", ret);
		return ret;
	}
	if (status != 1) {
		dev_err(q->dev, q->dev_index, "DMA job failed",
			status < 0 ? status : -EIO);
		return status < 0 ? status : -EIO;
	}
	return 0;
}

static int jq_wait_all(struct jobq *q)
{
	int r0 = jq_wait(q, q->cur ^ 1), r1 = jq_wait(q, q->cur);

	return r0 < 0 ? r0 : r1;
}

/* Flush the current half and move to the other, waiting until it is free. */
static int jq_switch(struct jobq *q)
{
	int ret = jq_flush(q);

	if (ret < 0)
		return ret;
	q->cur ^= 1;
	return jq_wait(q, q->cur);
}

/* MiB/s: the same powers of 1024 as every size the tools print. */
static double mib_per_s(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes / secs / 1048576.0 : 0.0;
}

/* ---- allocation ---------------------------------------------------------- */

static void device_free(struct device *d)
{
	size_t i;
	int h;

	if (d->arena) {
		for (i = 0; i < d->n_arena; i++)
			if (d->arena[i])
				neuron_drm_gem_close(d->fd, d->arena[i]);
		free(d->arena);
		d->arena = NULL;
		d->n_arena = 0;
	}
	for (h = 0; h < 2; h++) {
		if (d->stage.ptr[h])
			neuron_drm_bo_unmap(d->stage.ptr[h], d->stage.size[h]);
		if (d->stage.bo[h])
			neuron_drm_gem_close(d->fd, d->stage.bo[h]);
		if (d->sync[h])
			neuron_drm_syncobj_destroy(d->fd, d->sync[h]);
	}
	memset(&d->stage, 0, sizeof(d->stage));
	memset(d->sync, 0, sizeof(d->sync));
}

/* Does the device have room for all files?  EXIT_INPUT-style check. */
static int check_room(struct device *d, int idx, uint64_t need)
{
	struct drm_neuron_query_memory_usage mu;
	uint64_t free_bytes = 0;
	char a[64], b[64];
	uint32_t r;
	int ret;

	ret = neuron_drm_query_memory_usage(d->fd, &mu);
	if (ret < 0) {
		dev_err(d, idx, "memory usage query", ret);
		return ret;
	}
	for (r = 0; r < mu.region_count; r++)
		if (mu.regions[r].type == DRM_NEURON_REGION_DRAM)
			free_bytes += mu.regions[r].total - mu.regions[r].used;
	if (need > free_bytes) {
		format_bytes_pair(need, free_bytes, a, b, sizeof(a));
		fprintf(stderr, "neuron-load: device %d (%s): the files need %s of "
			"device DRAM (packed at 64-byte boundaries into buffers of "
			"whole pages), only %s is free\n", idx, d->node.path, a, b);
		return -ENOSPC;
	}
	return 0;
}

static int device_alloc(struct load_ctx *c, int idx)
{
	struct device *d = &c->ds->v[idx];
	const struct pack_plan *p = &c->plan;
	double t = now_seconds();
	size_t i;
	int h, ret;

	d->arena = calloc(p->n_arenas, sizeof(*d->arena));
	if (!d->arena) {
		fprintf(stderr, "neuron-load: out of memory\n");
		return -ENOMEM;
	}
	d->n_arena = p->n_arenas;
	for (i = 0; i < p->n_arenas; i++) {
		const struct pack_arena *a = &p->arena[i];

		ret = neuron_drm_bo_create(d->fd, a->size, DRM_NEURON_BO_DRAM,
					   0, 0, &d->arena[i]);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s%s: device %d (%s): DRAM buffer "
				"of %" PRIu64 " bytes: %s\n", c->fl->v[a->first].path,
				a->end - a->first > 1 ? " and the files packed with it" : "",
				idx, d->node.path, a->size, neuron_drm_strerror(ret));
			return ret;
		}
		progress_add(c->pg, 1, a->size);
	}
	c->t.dram += now_seconds() - t;
	t = now_seconds();
	for (h = 0; h < 2; h++) {
		ret = 0;
		/* One window in all: no second half. */
		if (c->stage_size[h])
			ret = neuron_drm_bo_create(d->fd, c->stage_size[h],
						   DRM_NEURON_BO_HOST, 0, 0,
						   &d->stage.bo[h]);
		if (ret == 0 && d->stage.bo[h])
			ret = neuron_drm_bo_map(d->fd, d->stage.bo[h],
						(void **)&d->stage.ptr[h],
						&d->stage.size[h]);
		if (ret == 0)
			ret = neuron_drm_syncobj_create(d->fd, 0, &d->sync[h]);
		if (ret < 0) {
			dev_err(d, idx, "host staging buffer", ret);
			return ret;
		}
	}
	c->t.staging += now_seconds() - t;
	return 0;
}

static void file_err(const char *path, int dev_idx, const char *what, int err,
		     const char *why)
{
	if (dev_idx >= 0)
		fprintf(stderr, "neuron-load: %s: device %d: %s: %s\n", path,
			dev_idx, what, why ? why : strerror(-err));
	else
		fprintf(stderr, "neuron-load: %s: %s: %s\n", path, what,
			why ? why : strerror(-err));
}

/* Where a piece of a file lies in its device arena. */
static uint64_t piece_dram_off(const struct pack_plan *p,
			       const struct stage_piece *pc)
{
	return p->offset[pc->file] + pc->file_off;
}

/* ---- phases ---------------------------------------------------------------- */

/* Host files -> staging BOs -> DRAM arenas of ring[0]. */
static int phase_load(struct load_ctx *c, struct jobq *q)
{
	int idx = c->ds->ring[0];
	struct device *d = &c->ds->v[idx];
	struct file_list *fl = c->fl;
	struct file_stream fs = { .fd = -1 };
	struct stage_walk w;
	struct stage_piece pc;
	bool new_window;
	char title[48];
	int ret = 0;

	jq_init(q, c->fl, d, idx, ENGINE_LOAD, HOST_JOB_BYTES);
	snprintf(title, sizeof(title), "load host -> device %d", idx);
	progress_start(c->pg, title, fl->n, fl->total_bytes);
	stage_walk_init(&w, fl->v, fl->n, c->half);
	while (ret == 0 && stage_walk_next(&w, &pc, &new_window)) {
		struct load_file *f = &fl->v[pc.file];
		uint8_t *dst;
		const char *why = NULL;

		if (new_window) {
			ret = jq_switch(q);
			if (ret < 0)
				break;
		}
		if (pc.file_off == 0) {
			ret = file_stream_open(&fs, f);
			if (ret < 0) {
				file_err(f->path, -1, "open", ret, NULL);
				break;
			}
			/*
			 * The byte comparison of every copy proves the load;
			 * the CRC is only shown by -v.  Without crc32 in the
			 * CPU (TCG) it costs as much as reading the file.
			 */
			fs.checksum = c->verbose;
		}
		dst = d->stage.ptr[q->cur] + pc.stage_off;
		ret = file_stream_read(&fs, dst, pc.len, &why);
		if (ret < 0) {
			file_err(f->path, -1, "read", ret, why);
			break;
		}
		if (c->keep)
			memcpy(c->keep + c->keep_off[pc.file] + pc.file_off, dst,
			       pc.len);
		ret = jq_add(q, pc.file, d->stage.bo[q->cur], pc.stage_off,
			     d->arena[c->plan.arena_of[pc.file]],
			     piece_dram_off(&c->plan, &pc), pc.len);
		if (ret < 0)
			break;
		if (pc.file_off + pc.len < f->size)
			continue;
		ret = file_stream_close(&fs, &why);
		if (ret < 0) {
			file_err(f->path, -1, "read", ret, why);
			break;
		}
		if (c->verbose && !c->pg->tty)
			printf("%08" PRIx32 "  %10" PRIu64 "  %s\n", f->crc,
			       f->size, f->path);
		progress_add(c->pg, 1, f->size);
	}
	file_stream_close(&fs, &(const char *){ NULL });
	if (ret == 0)
		ret = jq_flush(q);
	/* Wait even after an error: the staging BOs are unmapped next. */
	if (jq_wait_all(q) < 0 && ret == 0)
		ret = -EIO;
	d->st.in_secs = progress_end(c->pg);
	return ret;
}

/* DRAM of ring[k] -> DRAM of ring[k + 1], pulled by the receiver. */
static int phase_hop(struct load_ctx *c, struct jobq *q, int k)
{
	int from_idx = c->ds->ring[k], to_idx = c->ds->ring[k + 1];
	struct device *from = &c->ds->v[from_idx], *to = &c->ds->v[to_idx];
	const struct pack_plan *p = &c->plan;
	struct file_list *fl = c->fl;
	char title[48];
	size_t i;
	int ret = 0;

	jq_init(q, c->fl, to, to_idx, ENGINE_PEER, PEER_JOB_BYTES);
	snprintf(title, sizeof(title), "device %d -> device %d", from_idx,
		 to_idx);
	progress_start(c->pg, title, fl->n, fl->total_bytes);
	for (i = 0; i < p->n_arenas && ret == 0; i++) {
		const struct pack_arena *a = &p->arena[i];
		const char *path = fl->v[a->first].path;
		const char *more = a->end - a->first > 1 ?
					   " and the files packed with it" : "";
		uint32_t peer = 0;
		uint64_t off;
		int dmabuf = -1;

		ret = neuron_drm_prime_handle_to_fd(from->fd, from->arena[i],
						    DRM_CLOEXEC, &dmabuf);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s%s: device %d: DRAM buffer export: %s\n",
				path, more, from_idx, neuron_drm_strerror(ret));
			break;
		}
		ret = neuron_drm_prime_fd_to_handle(to->fd, dmabuf, &peer);
		close(dmabuf);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s%s: device %d: import of device %d's "
				"DRAM buffer: %s\n", path, more, to_idx, from_idx,
				neuron_drm_strerror(ret));
			break;
		}
		/* The arena is contiguous DRAM: a few large transfers. */
		for (off = 0; off < a->size && ret == 0; off += PEER_JOB_BYTES) {
			uint64_t len = a->size - off < PEER_JOB_BYTES ?
					       a->size - off : PEER_JOB_BYTES;

			ret = jq_add(q, a->first, peer, off, to->arena[i], off, len);
		}
		/*
		 * Closed once the job that uses it is submitted (jq_add may
		 * have flushed already; then the next flush closes it).
		 */
		q->close_h[q->nclose++] = peer;
		if (ret == 0 && q->nclose == DRM_NEURON_SUBMIT_MAX_XFERS)
			ret = jq_flush(q);
		progress_add(c->pg, a->end - a->first, a->bytes);
	}
	if (ret == 0)
		ret = jq_flush(q);
	jq_close_handles(q);
	if (jq_wait_all(q) < 0 && ret == 0)
		ret = -EIO;
	to->st.in_secs = progress_end(c->pg);
	return ret;
}

/* The state of the verification of all devices' copies. */
struct verify {
	struct stage_piece *p[2];	/* the pieces of each staging half */
	size_t n[2], cap[2];
	int nd;				/* devices */
	bool *bad;			/* [file * nd + device]: reported */
	bool failed;			/* the current file cannot be re-read */
	struct file_stream fs;		/* the file being compared */
	uint8_t *buf;			/* file data to compare with */
};

static int piece_add(struct verify *v, int h, const struct stage_piece *pc)
{
	if (v->n[h] == v->cap[h]) {
		size_t cap = v->cap[h] ? v->cap[h] * 2 : 1024;
		struct stage_piece *np = realloc(v->p[h], cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		v->p[h] = np;
		v->cap[h] = cap;
	}
	v->p[h][v->n[h]++] = *pc;
	return 0;
}

/* Compare the copies of @len bytes at @o of piece @pc in half @h with @ref. */
static void compare_copies(struct load_ctx *c, struct verify *v, int h,
			   const struct stage_piece *pc, uint64_t o,
			   uint64_t len, const uint8_t *ref)
{
	const struct load_file *f = &c->fl->v[pc->file];
	int k;

	for (k = 0; k < v->nd; k++) {
		struct device *d = &c->ds->v[k];
		const uint8_t *copy = d->stage.ptr[h] + pc->stage_off + o;
		bool *bad = &v->bad[pc->file * (size_t)v->nd + (size_t)k];
		uint64_t x;

		if (*bad || memcmp(ref, copy, len) == 0)
			continue;
		for (x = 0; ref[x] == copy[x]; x++)
			;
		fprintf(stderr, "neuron-load: %s: device %d (%s): MISMATCH: the copy "
			"differs from the file at byte %" PRIu64 " (0x%02x, file "
			"0x%02x)\n", f->path, k, d->node.path,
			pc->file_off + o + x, copy[x], ref[x]);
		*bad = true;
	}
}

static void mark_all_bad(struct verify *v, size_t file)
{
	int k;

	for (k = 0; k < v->nd; k++)
		v->bad[file * (size_t)v->nd + (size_t)k] = true;
}

/* A file is complete: count its result on every device. */
static void count_file(struct load_ctx *c, struct verify *v, size_t file,
		       uint64_t size)
{
	int k;

	for (k = 0; k < v->nd; k++) {
		if (v->bad[file * (size_t)v->nd + (size_t)k])
			c->ds->v[k].st.mismatched++;
		else
			c->ds->v[k].st.verified++;
	}
	progress_add(c->pg, 1, size * (uint64_t)v->nd);
}

/*
 * Compare the pieces of half @h (on every device) with the bytes loaded
 * (kept) or the files, read once for all devices; count per-file results
 * when a file is complete.
 */
static void verify_half(struct load_ctx *c, struct verify *v, int h)
{
	size_t i;

	for (i = 0; i < v->n[h]; i++) {
		const struct stage_piece *pc = &v->p[h][i];
		struct load_file *f = &c->fl->v[pc->file];
		const char *why = NULL;
		uint64_t o;
		int ret = 0;

		if (c->keep) {
			/* The bytes loaded, kept: nothing to read again. */
			compare_copies(c, v, h, pc, 0, pc->len,
				       c->keep + c->keep_off[pc->file] +
				       pc->file_off);
			if (pc->file_off + pc->len == f->size)
				count_file(c, v, pc->file, f->size);
			continue;
		}
		if (pc->file_off == 0) {
			v->failed = false;
			ret = file_stream_open(&v->fs, f);
			/*
			 * The byte comparison proves every copy; the file is
			 * what was loaded if it did not change meanwhile. Its
			 * change times say so without a second CRC pass, which
			 * would cost as much as reading it again.
			 */
			v->fs.checksum = false;
			if (!ret && file_stream_changed(&v->fs)) {
				fprintf(stderr, "neuron-load: %s: MISMATCH: the file "
					"changed since it was loaded: the copies "
					"cannot be verified\n", f->path);
				mark_all_bad(v, pc->file);
				v->failed = true;
			}
		}
		for (o = 0; ret == 0 && !v->failed && o < pc->len; o += CMP_CHUNK) {
			uint64_t len = pc->len - o < CMP_CHUNK ?
					       pc->len - o : CMP_CHUNK;

			ret = file_stream_read(&v->fs, v->buf, len, &why);
			if (ret == 0)
				compare_copies(c, v, h, pc, o, len, v->buf);
		}
		if (ret < 0 && !v->failed) {
			file_err(f->path, -1, "re-reading the file to verify", ret,
				 why);
			mark_all_bad(v, pc->file);
			v->failed = true;
		}
		if (pc->file_off + pc->len != f->size)
			continue;
		/* Only closes: the end was checked when loading. */
		v->fs.off = 0;
		file_stream_close(&v->fs, &why);
		count_file(c, v, pc->file, f->size);
	}
	v->n[h] = 0;
}

/*
 * Arenas of every device -> its staging BOs -> compared with the files.
 * All devices move in step, window by window, so that each file is read
 * once for all copies.
 */
static int phase_verify(struct load_ctx *c)
{
	struct devices *ds = c->ds;
	struct file_list *fl = c->fl;
	const struct pack_plan *p = &c->plan;
	struct jobq *q = calloc((size_t)ds->n, sizeof(*q));
	struct stage_walk w;
	struct stage_piece pc;
	struct verify v;
	bool new_window;
	char title[48];
	int ret = 0, h, k, cur = 0;

	memset(&v, 0, sizeof(v));
	v.fs.fd = -1;
	v.nd = ds->n;
	v.bad = calloc(fl->n * (size_t)ds->n, sizeof(*v.bad));
	/* Kept bytes are compared in place: no file is read again. */
	if (!c->keep)
		v.buf = malloc(CMP_CHUNK);
	if (!q || !v.bad || (!c->keep && !v.buf)) {
		fprintf(stderr, "neuron-load: out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	for (k = 0; k < ds->n; k++)
		jq_init(&q[k], fl, &ds->v[k], k, ENGINE_READ, HOST_JOB_BYTES);
	snprintf(title, sizeof(title), "verify %d %s", ds->n,
		 tool_plural((uint64_t)ds->n, "device", "devices"));
	progress_start(c->pg, title, fl->n, fl->total_bytes * (uint64_t)ds->n);
	stage_walk_init(&w, fl->v, fl->n, c->half);
	while (ret == 0 && stage_walk_next(&w, &pc, &new_window)) {
		if (new_window) {
			/* Reuse the older half once its copies are checked. */
			for (k = 0; k < ds->n && ret == 0; k++)
				ret = jq_switch(&q[k]);
			if (ret < 0)
				break;
			cur ^= 1;
			verify_half(c, &v, cur);
		}
		ret = piece_add(&v, cur, &pc);
		for (k = 0; k < ds->n && ret == 0; k++)
			ret = jq_add(&q[k], pc.file,
				     ds->v[k].arena[p->arena_of[pc.file]],
				     piece_dram_off(p, &pc), ds->v[k].stage.bo[cur],
				     pc.stage_off, pc.len);
	}
	for (k = 0; k < ds->n && ret == 0; k++)
		ret = jq_flush(&q[k]);
	/* The older half first: files are verified in order. */
	for (h = 0; h < 2; h++) {
		int half = h == 0 ? cur ^ 1 : cur;

		for (k = 0; k < ds->n; k++) {
			int r = jq_wait(&q[k], half);

			if (r < 0 && ret == 0)
				ret = r;
		}
		if (ret == 0)
			verify_half(c, &v, half);
	}
	c->t.verify = progress_end(c->pg);
out:
	file_stream_close(&v.fs, &(const char *){ NULL });
	for (h = 0; h < 2; h++)
		free(v.p[h]);
	free(v.bad);
	free(v.buf);
	free(q);
	return ret;
}

/* ---- summary -------------------------------------------------------------- */

static void phase_line(const char *name, double secs, uint64_t bytes,
		       const char *what)
{
	if (bytes)
		printf("  %-10s %8.2f s %10.1f MiB/s  %s\n", name, secs,
		       mib_per_s(bytes, secs), what);
	else if (*what)
		printf("  %-10s %8.2f s %16s  %s\n", name, secs, "", what);
	else
		printf("  %-10s %8.2f s\n", name, secs);
}

static void summary(struct load_ctx *c, bool ok)
{
	struct devices *ds = c->ds;
	const struct load_times *t = &c->t;
	uint64_t bytes = c->fl->total_bytes;
	char total[32], arena[32], what[96];
	int k;

	format_bytes(bytes, total, sizeof(total));
	format_bytes(pack_plan_need(&c->plan, 1), arena, sizeof(arena));
	printf("neuron-load: %zu %s, %s (%" PRIu64 " bytes), %d %s, "
	       "%zu DRAM %s of %s per device\n",
	       c->fl->n, tool_plural(c->fl->n, "file", "files"), total, bytes,
	       ds->n, tool_plural((uint64_t)ds->n, "device", "devices"),
	       c->plan.n_arenas,
	       tool_plural(c->plan.n_arenas, "buffer", "buffers"), arena);
	printf("  %-6s %-18s %-14s %-19s %9s  %s\n", "device", "node",
	       "PCI", "data in from", "in MiB/s", "verified");
	for (k = 0; k < ds->n; k++) {
		int idx = ds->ring[k];
		struct device *d = &ds->v[idx];
		char from[32];

		if (k == 0)
			snprintf(from, sizeof(from), "host (DMA)");
		else
			snprintf(from, sizeof(from), "device %d (pipe)",
				 ds->ring[k - 1]);
		printf("  %-6d %-18s %-14s %-19s %9.1f  %zu/%zu%s\n", idx,
		       d->node.path, d->node.pci_slot[0] ? d->node.pci_slot : "-",
		       from, mib_per_s(bytes, d->st.in_secs), d->st.verified,
		       c->fl->n, d->st.mismatched ? " MISMATCH" :
		       d->st.verified == c->fl->n ? " OK" : "");
	}
	printf("  %-10s %8s   %10s\n", "phase", "time", "rate");
	snprintf(what, sizeof(what), "inputs %.2f s, devices %.2f s, %zu DRAM "
		 "%s %.2f s, staging %.2f s", t->inputs, t->devices,
		 c->plan.n_arenas * (size_t)ds->n,
		 tool_plural(c->plan.n_arenas * (size_t)ds->n, "buffer", "buffers"),
		 t->dram, t->staging);
	phase_line("setup", t->setup, 0, what);
	phase_line("load", t->load, bytes, "host -> first device");
	snprintf(what, sizeof(what), "%d %s over the Neuron-Pipe", ds->n - 1,
		 tool_plural((uint64_t)(ds->n - 1), "hop", "hops"));
	phase_line("broadcast", t->broadcast, bytes * (uint64_t)(ds->n - 1), what);
	snprintf(what, sizeof(what), "%d %s read back and compared", ds->n,
		 tool_plural((uint64_t)ds->n, "copy", "copies"));
	phase_line("verify", t->verify, bytes * (uint64_t)ds->n, what);
	phase_line("free", t->free, 0, "");
	phase_line("total", t->total, bytes, "end to end, the files' bytes");
	if (ok && c->fl->n == 1 && ds->n == 1)
		printf("neuron-load: OK: the file verified bit-exact (byte "
		       "compare) on the device\n");
	else if (ok)
		printf("neuron-load: OK: %s %zu %s verified bit-exact (byte "
		       "compare) on %s %d %s\n",
		       c->fl->n == 1 ? "the" : "all", c->fl->n,
		       tool_plural(c->fl->n, "file", "files"),
		       ds->n == 1 ? "the" : "all", ds->n,
		       tool_plural((uint64_t)ds->n, "device", "devices"));
	else
		printf("neuron-load: FAILED: not every file was verified on "
		       "every device (see the messages above)\n");
}

static void free_all(struct load_ctx *c)
{
	int i;

	for (i = 0; i < c->ds->n; i++)
		device_free(&c->ds->v[i]);
	pack_plan_free(&c->plan);
	free(c->keep);
	free(c->keep_off);
	c->keep = NULL;
	c->keep_off = NULL;
}

int load_devices(struct load_ctx *c)
{
	struct devices *ds = c->ds;
	struct file_list *fl = c->fl;
	struct load_times *t = &c->t;
	uint64_t need, arena_max = PACK_ARENA_MAX;
	struct jobq *q;
	double t1;
	bool ok = false;
	int i, k, ret = 0, status = 1;
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	/* An arena never spans DRAM channels either. */
	for (i = 0; i < ds->n; i++) {
		uint64_t ch = ds->v[i].info.dram_channel_size ?
				      ds->v[i].info.dram_channel_size :
				      ds->v[i].info.dram_size;

		if (ch < arena_max)
			arena_max = ch;
	}
	q = malloc(sizeof(*q));
	if (!q || pack_plan_make(&c->plan, fl->v, fl->n, arena_max) < 0) {
		fprintf(stderr, "neuron-load: out of memory\n");
		free(q);
		return 1;
	}
	/* DRAM BOs are page-rounded. */
	need = pack_plan_need(&c->plan, (uint64_t)page);
	/*
	 * Staging halves sized to the set, each BO only as large as the
	 * windows it holds: every page of a host BO costs an allocation and
	 * a fault, on every device.
	 */
	c->half = pack_stage_half(fl->total_bytes);
	stage_walk_extent(fl->v, fl->n, c->half, c->stage_size);
	if (fl->total_bytes <= KEEP_MAX) {
		uint64_t off = 0;
		size_t f;

		c->keep = malloc(fl->total_bytes);
		c->keep_off = malloc(fl->n * sizeof(*c->keep_off));
		if (!c->keep || !c->keep_off) {
			/* Not needed: the files are read again instead. */
			free(c->keep);
			free(c->keep_off);
			c->keep = NULL;
			c->keep_off = NULL;
		} else {
			for (f = 0; f < fl->n; f++) {
				c->keep_off[f] = off;
				off += fl->v[f].size;
			}
		}
	}
	t->devices = now_seconds() - t->t0 - t->inputs;
	for (i = 0; i < ds->n; i++) {
		ret = check_room(&ds->v[i], i, need);
		if (ret < 0) {
			if (ret == -ENOSPC)
				fprintf(stderr, "neuron-load: nothing was loaded\n");
			free_all(c);
			free(q);
			return ret == -ENOSPC ? 4 : 1;
		}
	}
	progress_start_items(c->pg, "allocate", c->plan.n_arenas * (size_t)ds->n,
			     "DRAM buffer", "DRAM buffers", need * (uint64_t)ds->n);
	for (i = 0; i < ds->n && ret == 0; i++)
		ret = device_alloc(c, i);
	progress_end(c->pg);
	t->setup = now_seconds() - t->t0;
	/* Out of DRAM (fragmented channels) is bad input: nothing moved yet. */
	if (ret == -ENOSPC) {
		fprintf(stderr, "neuron-load: the files do not fit in device DRAM; "
			"nothing was loaded, everything allocated is freed again\n");
		free_all(c);
		free(q);
		return 4;
	}
	if (c->verbose)
		printf("neuron-load: %zu %s packed into %zu DRAM %s per device\n",
		       fl->n, tool_plural(fl->n, "file", "files"), c->plan.n_arenas,
		       tool_plural(c->plan.n_arenas, "buffer", "buffers"));
	if (ret == 0) {
		ret = phase_load(c, q);
		t->load = ds->v[ds->ring[0]].st.in_secs;
	}
	for (k = 0; k + 1 < ds->n && ret == 0; k++) {
		ret = phase_hop(c, q, k);
		t->broadcast += ds->v[ds->ring[k + 1]].st.in_secs;
	}
	if (ret == 0)
		ret = phase_verify(c);
	if (ret == 0) {
		ok = true;
		for (i = 0; i < ds->n; i++)
			if (ds->v[i].st.verified != fl->n)
				ok = false;
		status = ok ? 0 : 1;
	} else {
		fprintf(stderr, "neuron-load: stopped; everything allocated on the "
			"devices is freed again\n");
	}
	t1 = now_seconds();
	for (i = 0; i < ds->n; i++)
		device_free(&ds->v[i]);
	t->free = now_seconds() - t1;
	t->total = now_seconds() - t->t0;
	if (ret == 0)
		summary(c, ok);
	pack_plan_free(&c->plan);
	free(q);
	return status;
}
