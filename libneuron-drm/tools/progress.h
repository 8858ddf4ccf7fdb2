/* SPDX-License-Identifier: MIT */
/*
 * Progress output for the tools: a bar redrawn in place on a terminal,
 * plain lines (start, every 25 %, end) otherwise -- logs and CI consoles
 * must not fill up with carriage returns.
 */
#ifndef NEURON_TOOLS_PROGRESS_H
#define NEURON_TOOLS_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE *out;
	int tty;		/* redraw a bar in place */
	int quiet;		/* print nothing */
	char phase[48];
	const char *one, *many;	/* what is counted: "file", "files" */
	size_t files_total, files_done;
	uint64_t bytes_total, bytes_done;
	double t_start, t_last_draw;
	int last_quarter;	/* plain mode: last 25 % step printed */
};

/* Seconds on a monotonic clock. */
double now_seconds(void);

/* "12.3 MiB" style size into @buf. */
void format_bytes(uint64_t bytes, char *buf, size_t len);

/*
 * Both sizes into @abuf and @bbuf (@len bytes each), with the exact byte
 * counts added when their rounded forms would read the same although the
 * sizes differ.
 */
void format_bytes_pair(uint64_t a, uint64_t b, char *abuf, char *bbuf,
		       size_t len);

void progress_init(struct progress *p, FILE *out, int tty, int quiet);
void progress_start(struct progress *p, const char *phase, size_t files,
		    uint64_t bytes);
/* The same, counting @one/@many instead of files (e.g. "buffer"). */
void progress_start_items(struct progress *p, const char *phase, size_t n,
			  const char *one, const char *many, uint64_t bytes);
void progress_add(struct progress *p, size_t files, uint64_t bytes);
/* Ends the phase; returns its duration in seconds. */
double progress_end(struct progress *p);

#endif
