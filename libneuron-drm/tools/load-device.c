// SPDX-License-Identifier: MIT
/*
 * neuron-load, device side.
 *
 * 1. Plan (load-pack.c): the files are packed, in order, at 64-byte
 *    boundaries into a few DRAM "arenas" of up to PACK_ARENA_MAX bytes.
 *    Every device gets the same arenas, one DRAM BO each (allocated
 *    before any data moves, so that "does not fit" shows first), two host
 *    staging BOs for its read-back copies (one when the files fill one
 *    window; each only as large as the windows it holds) and two
 *    syncobjs per staging half; the first device two more staging BOs for
 *    the bytes read.  Each device imports the arenas of the one before it
 *    in the ring (one dma-buf per arena and hop).
 * 2. Stream, one staging window at a time: the files are read into the
 *    first device's source half, packed the same way; DMA jobs copy the
 *    window into its arenas, then along the ring each device pulls the
 *    window from its predecessor's arena into its own over the
 *    Neuron-Pipe (the data never goes through the host), and every device
 *    reads its window back into its own staging half.  Once all those
 *    jobs are done, every copy is compared byte for byte with the source
 *    half: each file is read once, and each copy equals, bit for bit, the
 *    bytes read.  Double-buffered: while one half's jobs run, the other
 *    half is compared and read in again.
 * 3. Free everything, in every case; the summary gives every phase's time.
 *
 * Consecutive pieces of one window and arena are one transfer.  The jobs'
 * order comes from implicit synchronisation on the BOs they share (an
 * imported arena shares its reservation object with the exporter's).
 * Jobs of one engine run in order and their fences signal in order, so
 * the syncobj of the last job of a batch covers the whole batch.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
/* Bytes of the source compared with every copy in turn (fits in L2). */
#define CMP_CHUNK (256u << 10)

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
	const uint32_t *sync;		/* syncobj of each staging half */
	int cur;			/* staging half (syncobj) of new jobs */
	bool pending[2];		/* jobs submitted since the last wait */
	uint32_t n;
	uint64_t bytes;
	unsigned long jobs;
	/* files with transfers in the job being built, for error messages */
	const struct file_list *fl;
	size_t file_lo, file_hi;
	struct drm_neuron_xfer x[DRM_NEURON_SUBMIT_MAX_XFERS];
};

static void dev_err(const struct device *d, int idx, const char *what, int err)
{
	fprintf(stderr, "neuron-load: device %d (%s): %s: %s\n", idx,
		d->node.path, what, neuron_drm_strerror(err));
}

static void jq_init(struct jobq *q, const struct file_list *fl,
		    struct device *d, int idx, uint32_t engine,
		    const uint32_t sync[2])
{
	memset(q, 0, sizeof(*q));
	q->fl = fl;
	q->dev = d;
	q->dev_index = idx;
	q->engine = engine;
	q->cap = engine == ENGINE_PEER ? PEER_JOB_BYTES : HOST_JOB_BYTES;
	q->sync = sync;
}

static int jq_flush(struct jobq *q)
{
	struct drm_neuron_sync out = { .handle = q->sync[q->cur] };
	int ret;

	if (q->n == 0)
		return 0;
	ret = neuron_drm_submit_xfers(q->dev->fd, q->engine, 0, q->x,
				      q->n, NULL, 0, &out, NULL);
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
	ret = neuron_drm_syncobj_wait(q->dev->fd, &q->sync[h], 1,
				      neuron_drm_abs_timeout(WAIT_NS),
				      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
				      NULL);
	if (ret == 0)
		ret = neuron_drm_syncobj_status(q->dev->fd, q->sync[h],
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

/* MiB/s: the same powers of 1024 as every size the tools print. */
static double mib_per_s(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes / secs / 1048576.0 : 0.0;
}

/* ---- allocation ---------------------------------------------------------- */

static void handles_free(int fd, uint32_t **h, size_t n)
{
	size_t i;

	if (!*h)
		return;
	for (i = 0; i < n; i++)
		if ((*h)[i])
			neuron_drm_gem_close(fd, (*h)[i]);
	free(*h);
	*h = NULL;
}

static void stage_free(int fd, struct stage *st)
{
	int h;

	for (h = 0; h < 2; h++) {
		if (st->ptr[h])
			neuron_drm_bo_unmap(st->ptr[h], st->size[h]);
		if (st->bo[h])
			neuron_drm_gem_close(fd, st->bo[h]);
	}
	memset(st, 0, sizeof(*st));
}

static void device_free(struct device *d)
{
	int h;

	handles_free(d->fd, &d->peer, d->n_arena);
	handles_free(d->fd, &d->arena, d->n_arena);
	d->n_arena = 0;
	stage_free(d->fd, &d->src);
	stage_free(d->fd, &d->stage);
	for (h = 0; h < 2; h++) {
		if (d->sync_in[h])
			neuron_drm_syncobj_destroy(d->fd, d->sync_in[h]);
		if (d->sync_read[h])
			neuron_drm_syncobj_destroy(d->fd, d->sync_read[h]);
	}
	memset(d->sync_in, 0, sizeof(d->sync_in));
	memset(d->sync_read, 0, sizeof(d->sync_read));
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

/* For messages naming an arena by its first file. */
static const char *arena_others(const struct pack_arena *a)
{
	return a->end - a->first > 1 ? " and the files packed with it" : "";
}

/* Two host staging BOs (one when one window holds all), mapped. */
static int stage_alloc(struct load_ctx *c, struct device *d, struct stage *st)
{
	int h, ret;

	for (h = 0; h < 2; h++) {
		if (!c->stage_size[h])
			continue;
		ret = neuron_drm_bo_create(d->fd, c->stage_size[h],
					   DRM_NEURON_BO_HOST, 0, 0, &st->bo[h]);
		if (ret == 0)
			ret = neuron_drm_bo_map(d->fd, st->bo[h],
						(void **)&st->ptr[h],
						&st->size[h]);
		if (ret < 0)
			return ret;
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
				arena_others(a),
				idx, d->node.path, a->size, neuron_drm_strerror(ret));
			return ret;
		}
		progress_add(c->pg, 1, a->size);
	}
	c->t.dram += now_seconds() - t;
	t = now_seconds();
	ret = stage_alloc(c, d, &d->stage);
	/* The first device also holds the bytes read from the files. */
	if (ret == 0 && idx == c->ds->ring[0])
		ret = stage_alloc(c, d, &d->src);
	for (h = 0; h < 2 && ret == 0; h++) {
		ret = neuron_drm_syncobj_create(d->fd, 0, &d->sync_in[h]);
		if (ret == 0)
			ret = neuron_drm_syncobj_create(d->fd, 0,
							&d->sync_read[h]);
	}
	if (ret < 0) {
		dev_err(d, idx, "host staging buffer", ret);
		return ret;
	}
	c->t.staging += now_seconds() - t;
	return 0;
}

/*
 * The device at ring position @k imports each arena of the one before it
 * (PRIME: a neuron DRAM dma-buf becomes a peer BO): one export and import
 * per arena and hop, held until the end.
 */
static int device_import(struct load_ctx *c, int k)
{
	int from_idx = c->ds->ring[k - 1], to_idx = c->ds->ring[k];
	struct device *from = &c->ds->v[from_idx], *to = &c->ds->v[to_idx];
	const struct pack_plan *p = &c->plan;
	size_t i;
	int ret;

	to->peer = calloc(p->n_arenas, sizeof(*to->peer));
	if (!to->peer) {
		fprintf(stderr, "neuron-load: out of memory\n");
		return -ENOMEM;
	}
	for (i = 0; i < p->n_arenas; i++) {
		const struct pack_arena *a = &p->arena[i];
		const char *path = c->fl->v[a->first].path;
		const char *more = arena_others(a);
		int dmabuf = -1;

		ret = neuron_drm_prime_handle_to_fd(from->fd, from->arena[i],
						    DRM_CLOEXEC, &dmabuf);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s%s: device %d: DRAM buffer export: %s\n",
				path, more, from_idx, neuron_drm_strerror(ret));
			return ret;
		}
		ret = neuron_drm_prime_fd_to_handle(to->fd, dmabuf, &to->peer[i]);
		close(dmabuf);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s%s: device %d: import of device %d's "
				"DRAM buffer: %s\n", path, more, to_idx, from_idx,
				neuron_drm_strerror(ret));
			return ret;
		}
	}
	return 0;
}

static void file_err(const char *path, const char *what, int err,
		     const char *why)
{
	fprintf(stderr, "neuron-load: %s: %s: %s\n", path, what,
		why ? why : strerror(-err));
}

/* Where a piece of a file lies in its device arena. */
static uint64_t piece_dram_off(const struct pack_plan *p,
			       const struct stage_piece *pc)
{
	return p->offset[pc->file] + pc->file_off;
}

/* ---- the stream ---------------------------------------------------------- */

/* The queues of the stream: per device, data in and read-back. */
struct stream {
	struct jobq *in;	/* [ring position]: load (first) or hop */
	struct jobq *read;	/* [ring position]: arenas -> staging */
	struct stage_piece *p[2];	/* the pieces of each staging half */
	size_t n[2], cap[2];
	bool *bad;		/* [file * devices + device]: reported */
};

static int piece_add(struct stream *s, int h, const struct stage_piece *pc)
{
	if (s->n[h] == s->cap[h]) {
		size_t cap = s->cap[h] ? s->cap[h] * 2 : 1024;
		struct stage_piece *np = realloc(s->p[h], cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		s->p[h] = np;
		s->cap[h] = cap;
	}
	s->p[h][s->n[h]++] = *pc;
	return 0;
}

/*
 * Half @h is read in: submit its jobs, device by device along the ring --
 * the rest of the load (first device) or the hop (the others), then the
 * read-back.  Implicit synchronisation orders them, because each job is
 * submitted after the jobs it depends on (a job that fills up is submitted
 * early, but never before those): a hop reads the sender's arena after the
 * job that wrote it, a read-back after the job that filled its own arena,
 * and the next window's jobs write an arena only after this window's
 * readers of it.
 */
static int window_submit(struct load_ctx *c, struct stream *s, int h)
{
	struct devices *ds = c->ds;
	const struct pack_plan *p = &c->plan;
	size_t i;
	int k, ret = 0;

	for (k = 0; k < ds->n && ret == 0; k++) {
		struct device *d = &ds->v[ds->ring[k]];

		for (i = 0; k > 0 && i < s->n[h] && ret == 0; i++) {
			const struct stage_piece *pc = &s->p[h][i];
			uint32_t a = p->arena_of[pc->file];
			uint64_t off = piece_dram_off(p, pc);

			ret = jq_add(&s->in[k], pc->file, d->peer[a], off,
				     d->arena[a], off, pc->len);
		}
		if (ret == 0)
			ret = jq_flush(&s->in[k]);
		for (i = 0; i < s->n[h] && ret == 0; i++) {
			const struct stage_piece *pc = &s->p[h][i];

			ret = jq_add(&s->read[k], pc->file,
				     d->arena[p->arena_of[pc->file]],
				     piece_dram_off(p, pc), d->stage.bo[h],
				     pc->stage_off, pc->len);
		}
		if (ret == 0)
			ret = jq_flush(&s->read[k]);
	}
	return ret;
}

/* Wait until every job of half @h has completed, on every device. */
static int window_wait(struct load_ctx *c, struct stream *s, int h)
{
	int k, r, ret = 0;
	double t = now_seconds();

	for (k = 0; k < c->ds->n; k++) {
		r = jq_wait(&s->in[k], h);
		if (r < 0 && ret == 0)
			ret = r;
		r = jq_wait(&s->read[k], h);
		if (r < 0 && ret == 0)
			ret = r;
	}
	c->t.wait += now_seconds() - t;
	return ret;
}

/* A file is complete: count its result on every device. */
static void count_file(struct load_ctx *c, struct stream *s, size_t file,
		       uint64_t size)
{
	int k, nd = c->ds->n;

	for (k = 0; k < nd; k++) {
		if (s->bad[file * (size_t)nd + (size_t)k])
			c->ds->v[k].st.mismatched++;
		else
			c->ds->v[k].st.verified++;
	}
	progress_add(c->pg, 1, size);
}

/* Report the first byte where @copy differs from @ref (they differ). */
static void report_mismatch(struct load_ctx *c, int k,
			    const struct stage_piece *pc, uint64_t o,
			    const uint8_t *ref, const uint8_t *copy)
{
	uint64_t x;

	for (x = 0; ref[x] == copy[x]; x++)
		;
	fprintf(stderr, "neuron-load: %s: device %d (%s): MISMATCH: the copy "
		"differs from the file at byte %" PRIu64 " (0x%02x, file "
		"0x%02x)\n", c->fl->v[pc->file].path, k, c->ds->v[k].node.path,
		pc->file_off + o + x, copy[x], ref[x]);
}

/*
 * The jobs of half @h have completed: compare every device's read-back
 * copy of each piece byte for byte with the bytes read from the file,
 * still in the source staging half, and count each file when its last
 * piece is checked.  A chunk of the source is compared with every copy
 * while it is still in the CPU's cache.
 */
static void window_verify(struct load_ctx *c, struct stream *s, int h)
{
	struct devices *ds = c->ds;
	const uint8_t *src = ds->v[ds->ring[0]].src.ptr[h];
	double t = now_seconds();
	size_t i;
	int k;

	for (i = 0; i < s->n[h]; i++) {
		const struct stage_piece *pc = &s->p[h][i];
		bool *bad = &s->bad[pc->file * (size_t)ds->n];
		uint64_t o, len;

		for (o = 0; o < pc->len; o += len) {
			const uint8_t *ref = src + pc->stage_off + o;

			len = pc->len - o < CMP_CHUNK ? pc->len - o : CMP_CHUNK;
			for (k = 0; k < ds->n; k++) {
				const uint8_t *copy = ds->v[k].stage.ptr[h] +
						      pc->stage_off + o;

				if (bad[k] || memcmp(ref, copy, len) == 0)
					continue;
				report_mismatch(c, k, pc, o, ref, copy);
				bad[k] = true;
			}
		}
		if (pc->file_off + pc->len == c->fl->v[pc->file].size)
			count_file(c, s, pc->file, c->fl->v[pc->file].size);
	}
	s->n[h] = 0;
	c->t.compare += now_seconds() - t;
}

/*
 * The whole transfer, one staging window at a time: the window's pieces
 * are read from the files into the source staging half; its jobs load
 * them into the first device's arenas, carry them along the ring from
 * arena to arena, and read every device's arenas back into its own
 * staging half; then every copy is compared with the source half.  While
 * one half's jobs run, the other half is checked and read in again, so
 * reading, DMA and comparing overlap, and every file is read only once.
 */
static int phase_stream(struct load_ctx *c)
{
	struct devices *ds = c->ds;
	struct file_list *fl = c->fl;
	struct device *first = &ds->v[ds->ring[0]];
	struct file_stream fs = { .fd = -1 };
	struct stream s;
	struct stage_walk w;
	struct stage_piece pc;
	bool new_window;
	char title[64];
	double t;
	int ret = 0, h, k, cur = 0;

	memset(&s, 0, sizeof(s));
	s.in = calloc((size_t)ds->n, sizeof(*s.in));
	s.read = calloc((size_t)ds->n, sizeof(*s.read));
	s.bad = calloc(fl->n * (size_t)ds->n, sizeof(*s.bad));
	if (!s.in || !s.read || !s.bad) {
		fprintf(stderr, "neuron-load: out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	for (k = 0; k < ds->n; k++) {
		struct device *d = &ds->v[ds->ring[k]];

		jq_init(&s.in[k], fl, d, ds->ring[k], k ? ENGINE_PEER : ENGINE_LOAD,
			d->sync_in);
		jq_init(&s.read[k], fl, d, ds->ring[k], ENGINE_READ, d->sync_read);
	}
	if (ds->n == 1)
		snprintf(title, sizeof(title), "load device %d and verify",
			 ds->ring[0]);
	else
		snprintf(title, sizeof(title), "load %d devices and verify",
			 ds->n);
	progress_start(c->pg, title, fl->n, fl->total_bytes);
	stage_walk_init(&w, fl->v, fl->n, c->half);
	while (ret == 0 && stage_walk_next(&w, &pc, &new_window)) {
		struct load_file *f = &fl->v[pc.file];
		const char *why = NULL;

		if (new_window) {
			ret = window_submit(c, &s, cur);
			if (ret < 0)
				break;
			/* The other half: its jobs done, its copies checked. */
			cur ^= 1;
			for (k = 0; k < ds->n; k++)
				s.in[k].cur = s.read[k].cur = cur;
			ret = window_wait(c, &s, cur);
			if (ret < 0)
				break;
			window_verify(c, &s, cur);
		}
		t = now_seconds();
		if (pc.file_off == 0) {
			ret = file_stream_open(&fs, f);
			if (ret < 0) {
				file_err(f->path, "open", ret, NULL);
				break;
			}
			/*
			 * The byte comparison of every copy proves the load;
			 * the CRC is only shown by -v.  Without crc32 in the
			 * CPU (TCG) it costs as much as reading the file.
			 */
			fs.checksum = c->verbose;
		}
		ret = file_stream_read(&fs, first->src.ptr[cur] + pc.stage_off,
				       pc.len, &why);
		if (ret == 0 && pc.file_off + pc.len == f->size)
			ret = file_stream_close(&fs, &why);
		c->t.read += now_seconds() - t;
		if (ret < 0) {
			file_err(f->path, "read", ret, why);
			break;
		}
		if (c->verbose && !c->pg->tty && pc.file_off + pc.len == f->size)
			printf("%08" PRIx32 "  %10" PRIu64 "  %s\n", f->crc,
			       f->size, f->path);
		ret = piece_add(&s, cur, &pc);
		if (ret == 0)
			ret = jq_add(&s.in[0], pc.file, first->src.bo[cur],
				     pc.stage_off,
				     first->arena[c->plan.arena_of[pc.file]],
				     piece_dram_off(&c->plan, &pc), pc.len);
	}
	file_stream_close(&fs, &(const char *){ NULL });
	if (ret == 0)
		ret = window_submit(c, &s, cur);
	/*
	 * The older half first: files are counted in order.  Wait even
	 * after an error: the staging BOs are unmapped next.
	 */
	for (h = 0; h < 2; h++) {
		int half = h == 0 ? cur ^ 1 : cur;
		int r = window_wait(c, &s, half);

		if (r < 0 && ret == 0)
			ret = r;
		if (ret == 0)
			window_verify(c, &s, half);
	}
	for (k = 0; k < ds->n; k++)
		ds->v[ds->ring[k]].st.jobs = s.in[k].jobs + s.read[k].jobs;
	c->t.stream = progress_end(c->pg);
out:
	for (h = 0; h < 2; h++)
		free(s.p[h]);
	free(s.bad);
	free(s.in);
	free(s.read);
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
	char total[32], arena[32], what[128];
	unsigned long jobs = 0;
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
	       "PCI", "data in from", "DMA jobs", "verified");
	for (k = 0; k < ds->n; k++) {
		int idx = ds->ring[k];
		struct device *d = &ds->v[idx];
		char from[32];

		if (k == 0)
			snprintf(from, sizeof(from), "host (DMA)");
		else
			snprintf(from, sizeof(from), "device %d (pipe)",
				 ds->ring[k - 1]);
		jobs += d->st.jobs;
		printf("  %-6d %-18s %-14s %-19s %9lu  %zu/%zu%s\n", idx,
		       d->node.path, d->node.pci_slot[0] ? d->node.pci_slot : "-",
		       from, d->st.jobs, d->st.verified, c->fl->n,
		       d->st.mismatched ? " MISMATCH" :
		       d->st.verified == c->fl->n ? " OK" : "");
	}
	printf("  %-10s %8s   %10s\n", "phase", "time", "rate");
	snprintf(what, sizeof(what), "inputs %.2f s, devices %.2f s, %zu DRAM "
		 "%s %.2f s, staging %.2f s", t->inputs, t->devices,
		 c->plan.n_arenas * (size_t)ds->n,
		 tool_plural(c->plan.n_arenas * (size_t)ds->n, "buffer", "buffers"),
		 t->dram, t->staging);
	phase_line("setup", t->setup, 0, what);
	if (ds->n > 1)
		snprintf(what, sizeof(what), "host -> device %d, %d %s over the "
			 "Neuron-Pipe, %d copies read back and compared",
			 ds->ring[0], ds->n - 1,
			 tool_plural((uint64_t)(ds->n - 1), "hop", "hops"), ds->n);
	else
		snprintf(what, sizeof(what), "host -> device %d, the copy read "
			 "back and compared", ds->ring[0]);
	phase_line("transfer", t->stream, bytes, what);
	/* Where the transfer's time went, on this thread (DMA overlaps). */
	snprintf(what, sizeof(what), "of it: reading the files %.2f s, "
		 "comparing %.2f s, waiting for DMA %.2f s (%lu %s)", t->read,
		 t->compare, t->wait, jobs, tool_plural(jobs, "job", "jobs"));
	printf("%42s%s\n", "", what);	/* under the phases' descriptions */
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
}

int load_devices(struct load_ctx *c)
{
	struct devices *ds = c->ds;
	struct file_list *fl = c->fl;
	struct load_times *t = &c->t;
	uint64_t need, arena_max = PACK_ARENA_MAX;
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
	if (pack_plan_make(&c->plan, fl->v, fl->n, arena_max) < 0) {
		fprintf(stderr, "neuron-load: out of memory\n");
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
	t->devices = now_seconds() - t->t0 - t->inputs;
	for (i = 0; i < ds->n; i++) {
		ret = check_room(&ds->v[i], i, need);
		if (ret < 0) {
			if (ret == -ENOSPC)
				fprintf(stderr, "neuron-load: nothing was loaded\n");
			free_all(c);
			return ret == -ENOSPC ? 4 : 1;
		}
	}
	progress_start_items(c->pg, "allocate", c->plan.n_arenas * (size_t)ds->n,
			     "DRAM buffer", "DRAM buffers", need * (uint64_t)ds->n);
	for (i = 0; i < ds->n && ret == 0; i++)
		ret = device_alloc(c, i);
	progress_end(c->pg);
	for (k = 1; k < ds->n && ret == 0; k++)
		ret = device_import(c, k);
	t->setup = now_seconds() - t->t0;
	/* Out of DRAM (fragmented channels) is bad input: nothing moved yet. */
	if (ret == -ENOSPC) {
		fprintf(stderr, "neuron-load: the files do not fit in device DRAM; "
			"nothing was loaded, everything allocated is freed again\n");
		free_all(c);
		return 4;
	}
	if (c->verbose)
		printf("neuron-load: %zu %s packed into %zu DRAM %s per device\n",
		       fl->n, tool_plural(fl->n, "file", "files"), c->plan.n_arenas,
		       tool_plural(c->plan.n_arenas, "buffer", "buffers"));
	if (ret == 0)
		ret = phase_stream(c);
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
	return status;
}
