// SPDX-License-Identifier: MIT
/*
 * neuron-load, device side.
 *
 * 1. Allocate one DRAM BO per file on every device (so that "does not fit"
 *    is found before any data moves), and on every device two host
 *    staging BOs with a syncobj each.
 * 2. Load: read the files into device 0's staging BOs (packed, 64-byte
 *    aligned) and copy them to the DRAM BOs with DMA jobs of up to 1024
 *    transfers.  While the jobs of one staging half run, the other half is
 *    filled; a half is reused only after the syncobj of its last job
 *    signalled.
 * 3. Broadcast: for each hop of the ring, the receiving device imports the
 *    sender's DRAM BO (a dma-buf of neuron DRAM becomes a peer BO) and
 *    pulls it over the Neuron-Pipe into its own DRAM BO.  The data never
 *    goes through the host.
 * 4. Read back: on every device, DRAM BOs are copied into the staging BOs,
 *    double-buffered as above, and compared byte for byte with the file
 *    and by CRC-32C with the checksum taken while loading.
 * 5. Free everything, in every case.
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

/* Bytes per staging half: large enough for few jobs, small for the guest. */
#define STAGE_HALF (16ull << 20)
/*
 * Bytes per job: a job holds at most DRM_NEURON_SUBMIT_MAX_HW_DESCS
 * descriptors of at most 64 KiB, and scattered 4 KiB host pages need one
 * each, so jobs touching host BOs stay at 16 MiB (4096 pages plus one
 * split per transfer); DRAM to DRAM is contiguous, 64 KiB per descriptor.
 */
#define HOST_JOB_BYTES (16ull << 20)
#define PEER_JOB_BYTES (256ull << 20)
/* Packed files start on a 64-byte boundary: whole bursts for the DMA. */
#define PACK_ALIGN 64
/* The driver times a job out after 10 s; allow for many queued jobs. */
#define WAIT_NS (300ll * 1000000000ll)
/* Comparison buffer for verification. */
#define CMP_CHUNK (1u << 20)

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

/* Queue one copy, flushing first when the job is full. */
static int jq_add(struct jobq *q, size_t file, uint32_t src, uint64_t soff,
		  uint32_t dst, uint64_t doff, uint64_t len)
{
	int ret;

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

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* MiB/s: the same powers of 1024 as every size the tools print. */
static double mib_per_s(uint64_t bytes, double secs)
{
	return secs > 0 ? (double)bytes / secs / 1048576.0 : 0.0;
}

/* ---- allocation ---------------------------------------------------------- */

static void device_free(struct device *d, size_t nfiles)
{
	size_t i;
	int h;

	if (d->dram) {
		for (i = 0; i < nfiles; i++)
			if (d->dram[i])
				neuron_drm_gem_close(d->fd, d->dram[i]);
		free(d->dram);
		d->dram = NULL;
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
	uint64_t free_bytes = 0, largest = 0;
	char a[64], b[64];
	uint32_t r;
	int ret;

	ret = neuron_drm_query_memory_usage(d->fd, &mu);
	if (ret < 0) {
		dev_err(d, idx, "memory usage query", ret);
		return ret;
	}
	for (r = 0; r < mu.region_count; r++) {
		if (mu.regions[r].type != DRM_NEURON_REGION_DRAM)
			continue;
		free_bytes += mu.regions[r].total - mu.regions[r].used;
		if (mu.regions[r].largest_free > largest)
			largest = mu.regions[r].largest_free;
	}
	if (need > free_bytes) {
		format_bytes_pair(need, free_bytes, a, b, sizeof(a));
		fprintf(stderr, "neuron-load: device %d (%s): the files need %s of "
			"device DRAM (each file rounded up to whole pages), only %s "
			"is free\n", idx, d->node.path, a, b);
		return -ENOSPC;
	}
	return 0;
}

static int device_alloc(struct load_ctx *c, int idx)
{
	struct device *d = &c->ds->v[idx];
	size_t i;
	int h, ret;

	d->dram = calloc(c->fl->n, sizeof(*d->dram));
	if (!d->dram) {
		fprintf(stderr, "neuron-load: out of memory\n");
		return -ENOMEM;
	}
	for (i = 0; i < c->fl->n; i++) {
		ret = neuron_drm_bo_create(d->fd, c->fl->v[i].size,
					   DRM_NEURON_BO_DRAM, 0, 0, &d->dram[i]);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s: device %d (%s): DRAM buffer: %s\n",
				c->fl->v[i].path, idx, d->node.path,
				neuron_drm_strerror(ret));
			return ret;
		}
	}
	for (h = 0; h < 2; h++) {
		ret = neuron_drm_bo_create(d->fd, STAGE_HALF, DRM_NEURON_BO_HOST,
					   0, 0, &d->stage.bo[h]);
		if (ret == 0)
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
	return 0;
}

/* ---- file access ----------------------------------------------------------- */

/* Read exactly @len bytes at @off; -EIO with *why set on a short file. */
static int pread_full(int fd, void *buf, uint64_t len, uint64_t off,
		      const char **why)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len > (1u << 30) ? (1u << 30) : (size_t)len,
			  (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			*why = "file shrank while loading";
			return -EIO;
		}
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
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

/* ---- phases ---------------------------------------------------------------- */

/* Host files -> staging BOs -> DRAM BOs of ring[0]. */
static int phase_load(struct load_ctx *c, struct jobq *q)
{
	int idx = c->ds->ring[0];
	struct device *d = &c->ds->v[idx];
	struct file_list *fl = c->fl;
	uint64_t cursor = 0;
	char title[48];
	size_t i;
	int ret = 0;

	jq_init(q, c->fl, d, idx, ENGINE_LOAD, HOST_JOB_BYTES);
	snprintf(title, sizeof(title), "load host -> device %d", idx);
	progress_start(c->pg, title, fl->n, fl->total_bytes);
	for (i = 0; i < fl->n && ret == 0; i++) {
		struct load_file *f = &fl->v[i];
		const char *why = NULL;
		uint64_t off = 0;
		uint32_t crc = 0;
		uint8_t extra;
		ssize_t n;
		int fd;

		fd = open(f->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			file_err(f->path, -1, "open", ret, NULL);
			break;
		}
		while (off < f->size) {
			uint64_t len;

			if (cursor >= STAGE_HALF) {
				ret = jq_switch(q);
				if (ret < 0)
					break;
				cursor = 0;
			}
			len = f->size - off;
			if (len > STAGE_HALF - cursor)
				len = STAGE_HALF - cursor;
			ret = pread_full(fd, d->stage.ptr[q->cur] + cursor, len,
					 off, &why);
			if (ret < 0) {
				file_err(f->path, -1, "read", ret, why);
				break;
			}
			crc = crc32c(crc, d->stage.ptr[q->cur] + cursor, len);
			ret = jq_add(q, i, d->stage.bo[q->cur], cursor, d->dram[i],
				     off, len);
			if (ret < 0)
				break;
			cursor = align_up(cursor + len, PACK_ALIGN);
			off += len;
		}
		/* One more byte means the file grew: the copy would be partial. */
		if (ret == 0) {
			do {
				n = pread(fd, &extra, 1, (off_t)f->size);
			} while (n < 0 && errno == EINTR);
			if (n != 0) {
				ret = n < 0 ? -errno : -EIO;
				file_err(f->path, -1, "read", ret,
					 n > 0 ? "file grew while loading" : NULL);
			}
		}
		close(fd);
		if (ret < 0)
			break;
		f->crc = crc;
		f->read_ok = 1;
		if (c->verbose && !c->pg->tty)
			printf("%08" PRIx32 "  %10" PRIu64 "  %s\n", f->crc,
			       f->size, f->path);
		progress_add(c->pg, 1, f->size);
	}
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
	struct file_list *fl = c->fl;
	char title[48];
	size_t i;
	int ret = 0;

	jq_init(q, c->fl, to, to_idx, ENGINE_PEER, PEER_JOB_BYTES);
	snprintf(title, sizeof(title), "device %d -> device %d", from_idx,
		 to_idx);
	progress_start(c->pg, title, fl->n, fl->total_bytes);
	for (i = 0; i < fl->n && ret == 0; i++) {
		uint64_t off, size = fl->v[i].size;
		uint32_t peer = 0;
		int dmabuf = -1;

		ret = neuron_drm_prime_handle_to_fd(from->fd, from->dram[i],
						    DRM_CLOEXEC, &dmabuf);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s: device %d: DRAM buffer export: %s\n",
				fl->v[i].path, from_idx, neuron_drm_strerror(ret));
			break;
		}
		ret = neuron_drm_prime_fd_to_handle(to->fd, dmabuf, &peer);
		close(dmabuf);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: %s: device %d: import of device %d's "
				"DRAM buffer: %s\n", fl->v[i].path, to_idx, from_idx,
				neuron_drm_strerror(ret));
			break;
		}
		for (off = 0; off < size && ret == 0; off += PEER_JOB_BYTES) {
			uint64_t len = size - off < PEER_JOB_BYTES ?
					       size - off : PEER_JOB_BYTES;

			ret = jq_add(q, i, peer, off, to->dram[i], off, len);
		}
		/*
		 * Closed once the job that uses it is submitted (jq_add may
		 * have flushed already; then the next flush closes it).
		 */
		q->close_h[q->nclose++] = peer;
		if (ret == 0 && q->nclose == DRM_NEURON_SUBMIT_MAX_XFERS)
			ret = jq_flush(q);
		progress_add(c->pg, 1, size);
	}
	if (ret == 0)
		ret = jq_flush(q);
	jq_close_handles(q);
	if (jq_wait_all(q) < 0 && ret == 0)
		ret = -EIO;
	to->st.in_secs = progress_end(c->pg);
	return ret;
}

/* One piece of a file placed in a staging half for verification. */
struct piece {
	size_t file;
	uint64_t file_off, stage_off, len;
};

struct verify {
	struct piece *p[2];
	size_t n[2], cap[2];
	uint32_t *crc;		/* running CRC-32C of each file's copy */
	uint64_t *done;		/* bytes of each file verified so far */
	bool *bad;		/* mismatch already reported */
	uint8_t *buf;		/* file data to compare with */
};

static int piece_add(struct verify *v, int h, struct piece pc)
{
	if (v->n[h] == v->cap[h]) {
		size_t cap = v->cap[h] ? v->cap[h] * 2 : 1024;
		struct piece *np = realloc(v->p[h], cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		v->p[h] = np;
		v->cap[h] = cap;
	}
	v->p[h][v->n[h]++] = pc;
	return 0;
}

/* Compare the pieces of half @h with the files; count per-file results. */
static void verify_half(struct load_ctx *c, struct verify *v, int idx, int h)
{
	struct device *d = &c->ds->v[idx];
	size_t k;

	for (k = 0; k < v->n[h]; k++) {
		struct piece *pc = &v->p[h][k];
		struct load_file *f = &c->fl->v[pc->file];
		const uint8_t *copy = d->stage.ptr[h] + pc->stage_off;
		const char *why = NULL;
		uint64_t o;
		int fd, ret = 0;

		v->crc[pc->file] = crc32c(v->crc[pc->file], copy, pc->len);
		if (!v->bad[pc->file]) {
			fd = open(f->path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				ret = -errno;
			for (o = 0; ret == 0 && o < pc->len; o += CMP_CHUNK) {
				uint64_t len = pc->len - o < CMP_CHUNK ?
						       pc->len - o : CMP_CHUNK;
				uint64_t x;

				ret = pread_full(fd, v->buf, len,
						 pc->file_off + o, &why);
				if (ret < 0 || memcmp(v->buf, copy + o, len) == 0)
					continue;
				for (x = 0; v->buf[x] == copy[o + x]; x++)
					;
				fprintf(stderr, "neuron-load: %s: device %d (%s): "
					"MISMATCH: the copy differs from the file at "
					"byte %" PRIu64 " (0x%02x, file 0x%02x)\n",
					f->path, idx, d->node.path,
					pc->file_off + o + x, copy[o + x],
					v->buf[x]);
				v->bad[pc->file] = true;
				break;
			}
			if (fd >= 0)
				close(fd);
			if (ret < 0) {
				file_err(f->path, idx, "re-reading the file to verify",
					 ret, why);
				v->bad[pc->file] = true;
			}
		}
		v->done[pc->file] += pc->len;
		if (v->done[pc->file] != f->size)
			continue;
		/* Last piece of the file: the checksum must agree too. */
		if (!v->bad[pc->file] && v->crc[pc->file] != f->crc) {
			fprintf(stderr, "neuron-load: %s: device %d (%s): MISMATCH: "
				"CRC-32C of the copy %08" PRIx32 ", of the file %08"
				PRIx32 " when loaded\n", f->path, idx,
				d->node.path, v->crc[pc->file], f->crc);
			v->bad[pc->file] = true;
		}
		if (v->bad[pc->file])
			d->st.mismatched++;
		else
			d->st.verified++;
		progress_add(c->pg, 1, f->size);
	}
	v->n[h] = 0;
}

/* DRAM BOs of device @idx -> its staging BOs -> compared with the files. */
static int phase_readback(struct load_ctx *c, struct jobq *q, int idx)
{
	struct device *d = &c->ds->v[idx];
	struct file_list *fl = c->fl;
	struct verify v;
	uint64_t cursor = 0;
	char title[48];
	size_t i;
	int ret = 0, h;

	memset(&v, 0, sizeof(v));
	v.crc = calloc(fl->n, sizeof(*v.crc));
	v.done = calloc(fl->n, sizeof(*v.done));
	v.bad = calloc(fl->n, sizeof(*v.bad));
	v.buf = malloc(CMP_CHUNK);
	if (!v.crc || !v.done || !v.bad || !v.buf) {
		fprintf(stderr, "neuron-load: out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	jq_init(q, c->fl, d, idx, ENGINE_READ, HOST_JOB_BYTES);
	snprintf(title, sizeof(title), "verify device %d", idx);
	progress_start(c->pg, title, fl->n, fl->total_bytes);
	for (i = 0; i < fl->n && ret == 0; i++) {
		uint64_t off = 0, size = fl->v[i].size;

		while (off < size) {
			struct piece pc;
			uint64_t len;

			if (cursor >= STAGE_HALF) {
				/* Reuse the other half once its copies are checked. */
				ret = jq_switch(q);
				if (ret < 0)
					break;
				verify_half(c, &v, idx, q->cur);
				cursor = 0;
			}
			len = size - off;
			if (len > STAGE_HALF - cursor)
				len = STAGE_HALF - cursor;
			pc.file = i;
			pc.file_off = off;
			pc.stage_off = cursor;
			pc.len = len;
			ret = piece_add(&v, q->cur, pc);
			if (ret == 0)
				ret = jq_add(q, i, d->dram[i], off, d->stage.bo[q->cur],
					     cursor, len);
			if (ret < 0)
				break;
			cursor = align_up(cursor + len, PACK_ALIGN);
			off += len;
		}
	}
	if (ret == 0)
		ret = jq_flush(q);
	/* The older half first: files are verified in order. */
	for (h = 0; h < 2; h++) {
		int half = h == 0 ? q->cur ^ 1 : q->cur;
		int r = jq_wait(q, half);

		if (r < 0 && ret == 0)
			ret = r;
		if (ret == 0)
			verify_half(c, &v, idx, half);
	}
	d->st.read_secs = progress_end(c->pg);
out:
	for (h = 0; h < 2; h++)
		free(v.p[h]);
	free(v.crc);
	free(v.done);
	free(v.bad);
	free(v.buf);
	return ret;
}

/* ---- summary -------------------------------------------------------------- */

static void summary(struct load_ctx *c, bool ok)
{
	struct devices *ds = c->ds;
	uint64_t bytes = c->fl->total_bytes;
	char total[32];
	int k;

	format_bytes(bytes, total, sizeof(total));
	printf("neuron-load: %zu %s, %s (%" PRIu64 " bytes), %d %s\n",
	       c->fl->n, tool_plural(c->fl->n, "file", "files"), total, bytes,
	       ds->n, tool_plural((uint64_t)ds->n, "device", "devices"));
	printf("  %-6s %-18s %-14s %-19s %9s %9s  %s\n", "device", "node",
	       "PCI", "data in from", "in MiB/s", "rd MiB/s", "verified");
	for (k = 0; k < ds->n; k++) {
		int idx = ds->ring[k];
		struct device *d = &ds->v[idx];
		char from[32];

		if (k == 0)
			snprintf(from, sizeof(from), "host (DMA)");
		else
			snprintf(from, sizeof(from), "device %d (pipe)",
				 ds->ring[k - 1]);
		printf("  %-6d %-18s %-14s %-19s %9.1f %9.1f  %zu/%zu%s\n", idx,
		       d->node.path, d->node.pci_slot[0] ? d->node.pci_slot : "-",
		       from, mib_per_s(bytes, d->st.in_secs),
		       mib_per_s(bytes, d->st.read_secs), d->st.verified,
		       c->fl->n, d->st.mismatched ? " MISMATCH" :
		       d->st.verified == c->fl->n ? " OK" : "");
	}
	if (ok && c->fl->n == 1 && ds->n == 1)
		printf("neuron-load: OK: the file verified bit-exact (CRC-32C and "
		       "byte compare) on the device\n");
	else if (ok)
		printf("neuron-load: OK: %s %zu %s verified bit-exact (CRC-32C and "
		       "byte compare) on %s %d %s\n",
		       c->fl->n == 1 ? "the" : "all", c->fl->n,
		       tool_plural(c->fl->n, "file", "files"),
		       ds->n == 1 ? "the" : "all", ds->n,
		       tool_plural((uint64_t)ds->n, "device", "devices"));
	else
		printf("neuron-load: FAILED: not every file was verified on "
		       "every device (see the messages above)\n");
}

int load_devices(struct load_ctx *c)
{
	struct devices *ds = c->ds;
	struct file_list *fl = c->fl;
	struct jobq *q;
	uint64_t need = 0;
	bool ok = false;
	int i, k, ret = 0, status = 1;
	size_t f;
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	/* DRAM BOs are page-rounded. */
	for (f = 0; f < fl->n; f++)
		need += align_up(fl->v[f].size, (uint64_t)page);
	for (i = 0; i < ds->n; i++) {
		ret = check_room(&ds->v[i], i, need);
		if (ret == -ENOSPC) {
			fprintf(stderr, "neuron-load: nothing was loaded\n");
			return 4;
		}
		if (ret < 0)
			return 1;
	}
	q = malloc(sizeof(*q));
	if (!q) {
		fprintf(stderr, "neuron-load: out of memory\n");
		return 1;
	}
	for (i = 0; i < ds->n && ret == 0; i++)
		ret = device_alloc(c, i);
	/* Out of DRAM (fragmented channels) is bad input: nothing moved yet. */
	if (ret == -ENOSPC) {
		fprintf(stderr, "neuron-load: the files do not fit in device DRAM; "
			"nothing was loaded, everything allocated is freed again\n");
		for (i = 0; i < ds->n; i++)
			device_free(&ds->v[i], fl->n);
		free(q);
		return 4;
	}
	if (ret == 0)
		ret = phase_load(c, q);
	for (k = 0; k + 1 < ds->n && ret == 0; k++)
		ret = phase_hop(c, q, k);
	for (k = 0; k < ds->n && ret == 0; k++)
		ret = phase_readback(c, q, ds->ring[k]);
	if (ret == 0) {
		ok = true;
		for (i = 0; i < ds->n; i++)
			if (ds->v[i].st.verified != fl->n)
				ok = false;
		summary(c, ok);
		status = ok ? 0 : 1;
	} else {
		fprintf(stderr, "neuron-load: stopped; everything allocated on the "
			"devices is freed again\n");
	}
	for (i = 0; i < ds->n; i++)
		device_free(&ds->v[i], fl->n);
	free(q);
	return status;
}
