// SPDX-License-Identifier: MIT
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <time.h>

#include "progress.h"
#include "tool-output.h"

#define BAR_WIDTH 30
#define REDRAW_INTERVAL 0.1 /* seconds: 10 redraws per second at most */

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void format_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes / 1024.0;
	unsigned int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%u B", (unsigned int)bytes);
		return;
	}
	while (v >= 1024.0 && u < 3) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[u]);
}

void format_bytes_pair(uint64_t a, uint64_t b, char *abuf, char *bbuf,
		       size_t len)
{
	format_bytes(a, abuf, len);
	format_bytes(b, bbuf, len);
	/*
	 * "need 8.0 GiB, only 8.0 GiB free" hides the difference (a reserved
	 * page): when the rounded forms agree, say the exact bytes too.
	 */
	if (a != b && strcmp(abuf, bbuf) == 0) {
		size_t la = strlen(abuf), lb = strlen(bbuf);

		snprintf(abuf + la, len - la, " (%llu bytes)", (unsigned long long)a);
		snprintf(bbuf + lb, len - lb, " (%llu bytes)", (unsigned long long)b);
	}
}

void progress_init(struct progress *p, FILE *out, int tty, int quiet)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->tty = tty;
	p->quiet = quiet;
}

static void draw(struct progress *p, int final)
{
	char done[32], total[32], bar[BAR_WIDTH + 1];
	double frac = p->bytes_total ?
			      (double)p->bytes_done / (double)p->bytes_total :
			      1.0;
	int i, fill = (int)(frac * BAR_WIDTH + 0.5);

	for (i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	format_bytes(p->bytes_done, done, sizeof(done));
	format_bytes(p->bytes_total, total, sizeof(total));
	/* \033[K clears what a longer previous line left behind. */
	fprintf(p->out, "\r%-12s [%s] %3d%%  %zu/%zu %s  %s/%s\033[K%s",
		p->phase, bar, (int)(frac * 100.0), p->files_done,
		p->files_total, tool_plural(p->files_total, p->one, p->many),
		done, total, final ? "\n" : "");
	fflush(p->out);
}

void progress_start(struct progress *p, const char *phase, size_t files,
		    uint64_t bytes)
{
	progress_start_items(p, phase, files, "file", "files", bytes);
}

void progress_start_items(struct progress *p, const char *phase, size_t files,
			  const char *one, const char *many, uint64_t bytes)
{
	char total[32];

	p->one = one;
	p->many = many;
	snprintf(p->phase, sizeof(p->phase), "%s", phase);
	p->files_total = files;
	p->files_done = 0;
	p->bytes_total = bytes;
	p->bytes_done = 0;
	p->last_quarter = 0;
	p->t_start = now_seconds();
	p->t_last_draw = 0;
	if (p->quiet)
		return;
	if (p->tty) {
		draw(p, 0);
	} else {
		format_bytes(bytes, total, sizeof(total));
		fprintf(p->out, "%s: %zu %s, %s\n", phase, files,
			tool_plural(files, one, many), total);
	}
}

void progress_add(struct progress *p, size_t files, uint64_t bytes)
{
	double t;
	int quarter;

	p->files_done += files;
	p->bytes_done += bytes;
	if (p->quiet)
		return;
	if (p->tty) {
		t = now_seconds();
		if (t - p->t_last_draw >= REDRAW_INTERVAL) {
			p->t_last_draw = t;
			draw(p, 0);
		}
		return;
	}
	quarter = p->bytes_total ? (int)(p->bytes_done * 4 / p->bytes_total) : 4;
	if (quarter > p->last_quarter && quarter < 4) {
		p->last_quarter = quarter;
		fprintf(p->out, "%s: %d%% (%zu/%zu %s)\n", p->phase,
			quarter * 25, p->files_done, p->files_total,
			tool_plural(p->files_total, p->one, p->many));
	}
}

double progress_end(struct progress *p)
{
	double secs = now_seconds() - p->t_start;
	char done[32];

	if (p->quiet)
		return secs;
	if (p->tty) {
		draw(p, 1);
	} else {
		format_bytes(p->bytes_done, done, sizeof(done));
		fprintf(p->out, "%s: done, %zu %s, %s in %.2f s\n", p->phase,
			p->files_done, tool_plural(p->files_done, p->one, p->many),
			done, secs);
	}
	return secs;
}
