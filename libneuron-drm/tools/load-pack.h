/* SPDX-License-Identifier: MIT */
/*
 * neuron-load, packing: where each file goes in device DRAM and in the
 * host staging buffers.  Pure arithmetic, no device and no I/O, so that
 * the unit test can check it.
 *
 * A runtime does not give every tensor its own buffer object: each one
 * costs ioctls, a handle, a DRAM range of at least a page and, across
 * devices, a dma-buf, and 20,000 small files on four devices would make
 * 80,000 of them.  The files are packed instead, in
 * the order given, at PACK_ALIGN-byte boundaries, into a few large DRAM
 * buffer objects ("arenas") per device; a new arena starts only when the
 * next file does not fit in the current one.
 */
#ifndef NEURON_TOOLS_LOAD_PACK_H
#define NEURON_TOOLS_LOAD_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load-files.h"

/* Packed files start on a 64-byte boundary: whole bursts for the DMA. */
#define PACK_ALIGN 64
/*
 * Largest arena: big enough that even 20,000 files make one buffer, small
 * enough to fit in a fragmented DRAM channel and to be cleared quickly.
 * A larger file gets an arena of its own, of its size (at most a DRAM
 * channel: a buffer object never spans channels).
 */
#define PACK_ARENA_MAX (256ull << 20)
/*
 * Largest host staging half: a few jobs per MiB moved are cheap, but
 * every page of a host BO costs its allocation and a fault, on every
 * device (the read-back needs staging on each): 4 MiB halves make 32 MiB
 * of staging on four devices, not 128 MiB.
 */
#define PACK_STAGE_HALF (4ull << 20)
/* Smallest staging half: a 64 KiB DMA descriptor. */
#define PACK_STAGE_MIN (64ull << 10)

/*
 * pack_stage_half() - the staging half (window) for a set of files of
 * @bytes bytes in all: the smallest power of two from PACK_STAGE_MIN to
 * PACK_STAGE_HALF that is at least sqrt(@bytes * PACK_STAGE_MIN).  A
 * window costs a DMA job per device, a MiB of staging about 6.5 ms of
 * page allocation and faults per device (TCG guest), so fewer pages
 * pay for more jobs on small sets: 15 MiB take 1 MiB halves (2 MiB of
 * staging per device, not 8), 256 MiB and more take PACK_STAGE_HALF.
 */
uint64_t pack_stage_half(uint64_t bytes);

struct pack_arena {
	uint64_t size;		/* bytes used: the end of its last file */
	uint64_t bytes;		/* file bytes in it (size less padding) */
	size_t first, end;	/* its files: indices first .. end - 1 */
};

struct pack_plan {
	struct pack_arena *arena;
	size_t n_arenas;
	uint32_t *arena_of;	/* per file: its arena */
	uint64_t *offset;	/* per file: its offset in the arena */
};

/*
 * pack_plan_make() - pack the @n files of @v (sizes from @v[i].size, each
 * at least 1 and at most @arena_max unless alone in its arena) into arenas
 * of at most @arena_max bytes (a larger file: one arena of its size).
 * Returns 0 or -ENOMEM; -EINVAL for @n == 0.
 */
int pack_plan_make(struct pack_plan *p, const struct load_file *v, size_t n,
		   uint64_t arena_max);

/* pack_plan_free() - release the plan (safe on a zeroed one). */
void pack_plan_free(struct pack_plan *p);

/* pack_plan_need() - device DRAM the arenas take: sizes rounded to @page. */
uint64_t pack_plan_need(const struct pack_plan *p, uint64_t page);

/*
 * The staging walk: files are streamed through a host staging half of
 * @half bytes, packed at PACK_ALIGN-byte boundaries like in DRAM; a file
 * larger than what is left of the half is split.  Loading and read-back
 * walk the same way, so a window (one filling of a half) is one batch of
 * DMA jobs.
 */
struct stage_walk {
	const struct load_file *v;
	size_t n;
	uint64_t half;
	size_t file;		/* next file */
	uint64_t file_off;	/* next byte of it */
	uint64_t cursor;	/* next free byte of the half */
};

struct stage_piece {
	size_t file;
	uint64_t file_off;	/* where the piece starts in the file */
	uint64_t stage_off;	/* where it goes in the half */
	uint64_t len;
};

void stage_walk_init(struct stage_walk *w, const struct load_file *v,
		     size_t n, uint64_t half);

/*
 * stage_walk_next() - the next piece into @pc.  *@new_window is set when
 * the half is full and the piece starts a new one (at offset 0): the
 * caller submits the current window first.  Returns false at the end.
 */
bool stage_walk_next(struct stage_walk *w, struct stage_piece *pc,
		     bool *new_window);

/*
 * stage_walk_extent() - the bytes of each staging half that the walk of
 * the @n files of @v through halves of @half bytes uses: @ext[0] for
 * windows 0, 2, 4, ..., @ext[1] for windows 1, 3, ... (0: no such
 * window).  Staging BOs of these sizes, not @half each, are enough: a set
 * smaller than a half needs one BO of its size, since every page of a
 * host BO is allocated, faulted in and mapped for the device.
 */
void stage_walk_extent(const struct load_file *v, size_t n, uint64_t half,
		       uint64_t ext[2]);

/*
 * pack_extend() - can a copy of @len bytes at @soff (source) / @doff
 * (destination) be added to the copy @*last_soff, @*last_doff,
 * @*last_len of the same two buffers by extending it?  Yes when it
 * follows with the same gap on both sides and the gap is only alignment
 * padding (< PACK_ALIGN bytes): the padding is copied too, which costs
 * nothing and turns a window of small files into one transfer.  Updates
 * *@last_len then.
 */
bool pack_extend(uint64_t last_soff, uint64_t last_doff, uint64_t *last_len,
		 uint64_t soff, uint64_t doff, uint64_t len);

#endif
