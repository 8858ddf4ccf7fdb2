// SPDX-License-Identifier: MIT
/*
 * neuron-load, packing: files into DRAM arenas and staging windows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load-pack.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

void pack_plan_free(struct pack_plan *p)
{
	free(p->arena);
	free(p->arena_of);
	free(p->offset);
	memset(p, 0, sizeof(*p));
}

int pack_plan_make(struct pack_plan *p, const struct load_file *v, size_t n,
		   uint64_t arena_max)
{
	struct pack_arena *a = NULL;
	uint64_t end = 0;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (n == 0)
		return -EINVAL;
	/* At most one arena per file. */
	p->arena = calloc(n, sizeof(*p->arena));
	p->arena_of = calloc(n, sizeof(*p->arena_of));
	p->offset = calloc(n, sizeof(*p->offset));
	if (!p->arena || !p->arena_of || !p->offset) {
		pack_plan_free(p);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		uint64_t off = a ? align_up(end, PACK_ALIGN) : 0;

		/* Next fit: the files of an arena stay in order, contiguous. */
		if (!a || off + v[i].size > arena_max) {
			if (a) {
				a->size = end;
				a->end = i;
			}
			a = &p->arena[p->n_arenas++];
			a->first = i;
			off = 0;
		}
		p->arena_of[i] = (uint32_t)(p->n_arenas - 1);
		p->offset[i] = off;
		a->bytes += v[i].size;
		end = off + v[i].size;
	}
	a->size = end;
	a->end = n;
	return 0;
}

uint64_t pack_plan_need(const struct pack_plan *p, uint64_t page)
{
	uint64_t need = 0;
	size_t k;

	for (k = 0; k < p->n_arenas; k++)
		need += align_up(p->arena[k].size, page);
	return need;
}

uint64_t pack_stage_half(uint64_t bytes)
{
	uint64_t half = PACK_STAGE_MIN;

	/* half * half cannot overflow: half <= PACK_STAGE_HALF. */
	if (bytes >= PACK_STAGE_HALF / PACK_STAGE_MIN * PACK_STAGE_HALF)
		return PACK_STAGE_HALF;
	while (half < PACK_STAGE_HALF && half * half < bytes * PACK_STAGE_MIN)
		half <<= 1;
	return half;
}

void stage_walk_init(struct stage_walk *w, const struct load_file *v,
		     size_t n, uint64_t half)
{
	memset(w, 0, sizeof(*w));
	w->v = v;
	w->n = n;
	w->half = half;
}

bool stage_walk_next(struct stage_walk *w, struct stage_piece *pc,
		     bool *new_window)
{
	uint64_t left;

	*new_window = false;
	if (w->file >= w->n)
		return false;
	if (w->cursor >= w->half) {
		*new_window = true;
		w->cursor = 0;
	}
	left = w->v[w->file].size - w->file_off;
	pc->file = w->file;
	pc->file_off = w->file_off;
	pc->stage_off = w->cursor;
	pc->len = left < w->half - w->cursor ? left : w->half - w->cursor;
	w->cursor = align_up(w->cursor + pc->len, PACK_ALIGN);
	w->file_off += pc->len;
	if (w->file_off == w->v[w->file].size) {
		w->file++;
		w->file_off = 0;
	}
	return true;
}

void stage_walk_extent(const struct load_file *v, size_t n, uint64_t half,
		       uint64_t ext[2])
{
	struct stage_walk w;
	struct stage_piece pc;
	bool new_window;
	int h = 0;

	ext[0] = ext[1] = 0;
	stage_walk_init(&w, v, n, half);
	while (stage_walk_next(&w, &pc, &new_window)) {
		if (new_window)
			h ^= 1;
		if (pc.stage_off + pc.len > ext[h])
			ext[h] = pc.stage_off + pc.len;
	}
}

bool pack_extend(uint64_t last_soff, uint64_t last_doff, uint64_t *last_len,
		 uint64_t soff, uint64_t doff, uint64_t len)
{
	uint64_t s_end = last_soff + *last_len;

	if (soff < s_end || soff - s_end >= PACK_ALIGN ||
	    soff - last_soff != doff - last_doff || doff < last_doff)
		return false;
	*last_len = soff + len - last_soff;
	return true;
}
