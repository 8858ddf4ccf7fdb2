// SPDX-License-Identifier: MIT
/*
 * neuron-load FILE|DIR... - load model data onto every Neuron device.
 *
 * What a runtime does when it loads a model onto an inf1 host: stream every
 * file into a few large device-DRAM buffer objects on device 0 (packed,
 * load-pack.c) through DMA jobs, pass it on device to device around the
 * Neuron-Pipe ring (peer transfers, not through the host), read every copy
 * back and verify it bit-exact against the bytes read, window by window
 * (every file is read once), then print files, bytes, per-device jobs,
 * every phase's time and the verification result.
 *
 * Uses libneuron-drm only.  See --help and
 * Documentation/accel/neuron/libneuron-drm.rst.
 *
 * Exit status:
 *   0  every file verified on every device (or, with --host-only, every
 *      file read and checksummed)
 *   1  a device error, a verification mismatch or a read error
 *   2  usage error
 *   3  no Neuron device found
 *   4  bad input (missing, unreadable or empty file, a file of /proc or
 *      /sys, a file larger than one DRAM channel, no file at all);
 *      nothing was loaded
 * A write error on stdout (a full disk, "> /dev/full") exits with 1.
 *
 * Structure: load-files.c (input side: walk, streaming read, reject),
 * load-pack.c (where each file goes in DRAM and in the staging buffers),
 * here (options, devices, ring, pre-flight checks), load-device.c (buffer
 * objects, DMA jobs, peer transfers, read-back and verification, summary).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "neuron_drm.h"

#include "load-device.h"
#include "load-files.h"
#include "load-pack.h"
#include "progress.h"
#include "tool-output.h"
#include "tool-version.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_NODEV 3
#define EXIT_INPUT 4

struct options {
	bool host_only;
	bool quiet;
	bool verbose;
	int progress; /* -1 auto (terminal), 0 off, 1 on */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: neuron-load [OPTION]... FILE|DIR...\n"
		"Load every FILE (directories recursively) into device DRAM on\n"
		"Neuron device 0 through DMA, broadcast it around the Neuron-Pipe\n"
		"ring to every other device, read every copy back and verify it\n"
		"bit-exact against the bytes read (byte comparison); all of it\n"
		"one staging window at a time, so every file is read once.\n"
		"The files are packed at 64-byte boundaries into a few DRAM\n"
		"buffers of up to 256 MiB per device (a larger file gets one of\n"
		"its own) and streamed through staging buffers of up to 4 MiB\n"
		"(less for fewer bytes: every page costs its allocation); the\n"
		"summary gives the time of every phase (setup, transfer, free),\n"
		"where the transfer's time went, and the total.\n"
		"\n"
		"  --host-only    only read and checksum the files; touch no device\n"
		"  -q, --quiet    print only errors and the summary\n"
		"  -v, --verbose  one line per file, and the number of DRAM\n"
		"                 buffers the files were packed into\n"
		"  --progress     always draw a progress bar\n"
		"  --no-progress  plain progress lines, even on a terminal\n"
		"                 (default: a bar on a terminal unless TERM=dumb)\n"
		"  -h, --help     this text\n"
		"  -V, --version  versions of the tool, the library and neuron.ko\n"
		"\n"
		"A file named twice (or reached twice through a link) is loaded\n"
		"once.  Files of /proc, /sys and other pseudo file systems are\n"
		"rejected: copy them to a regular file first.  Sizes are in KiB,\n"
		"MiB, GiB (powers of 1024), throughput in MiB/s.\n"
		"\n"
		"Exit status: 0 all verified; 1 device error, mismatch, read or\n"
		"write error; 2 usage error; 3 no Neuron device; 4 bad input\n"
		"(missing, unreadable or empty file, a file of a pseudo file\n"
		"system, a file larger than one DRAM channel -- 4 GiB on\n"
		"Inferentia: a buffer never spans channels --, files that do not\n"
		"fit in the free device DRAM together).\n");
}

/* ---- devices ------------------------------------------------------------ */

static void devices_close(struct devices *ds)
{
	int i;

	for (i = 0; i < ds->n; i++)
		if (ds->v[i].fd >= 0)
			neuron_drm_close(ds->v[i].fd);
	free(ds->v);
	free(ds->ring);
	memset(ds, 0, sizeof(*ds));
}

/*
 * Open every neuron device and read its info and links.  Returns 0, or an
 * exit status after printing a message naming the device.
 */
static int devices_open(struct devices *ds)
{
	struct neuron_drm_node *nodes;
	int n, i, ret;

	memset(ds, 0, sizeof(*ds));
	n = neuron_drm_list(NULL, 0);
	if (n == 0) {
		fprintf(stderr, "neuron-load: %s\n", neuron_drm_strerror(-ENODEV));
		return EXIT_NODEV;
	}
	if (n < 0) {
		fprintf(stderr, "neuron-load: cannot list devices: %s\n",
			neuron_drm_strerror(n));
		return EXIT_FAIL;
	}
	nodes = calloc((size_t)n, sizeof(*nodes));
	ds->v = calloc((size_t)n, sizeof(*ds->v));
	ds->ring = calloc((size_t)n, sizeof(*ds->ring));
	if (!nodes || !ds->v || !ds->ring) {
		free(nodes);
		fprintf(stderr, "neuron-load: out of memory\n");
		return EXIT_FAIL;
	}
	ret = neuron_drm_list(nodes, (unsigned int)n);
	if (ret < n)	/* a device went away meanwhile */
		n = ret < 0 ? 0 : ret;
	for (i = 0; i < n; i++)
		ds->v[i].fd = -1;
	ds->n = n;
	if (n == 0) {
		free(nodes);
		fprintf(stderr, "neuron-load: %s\n", neuron_drm_strerror(-ENODEV));
		return EXIT_NODEV;
	}

	for (i = 0; i < n; i++) {
		struct device *d = &ds->v[i];

		d->node = nodes[i];
		d->fd = neuron_drm_open_path(d->node.path);
		if (d->fd < 0) {
			ret = d->fd;
			fprintf(stderr, "neuron-load: device %d (%s): open: %s\n", i,
				d->node.path, neuron_drm_strerror(ret));
			break;
		}
		ret = neuron_drm_query_device_info(d->fd, &d->info);
		if (ret == 0 && !(d->info.fw_status & DRM_NEURON_FW_STATUS_READY))
			ret = -EIO;
		if (ret == 0)
			ret = neuron_drm_query_topology(d->fd, &d->topo);
		if (ret < 0) {
			fprintf(stderr, "neuron-load: device %d (%s): %s\n", i,
				d->node.path, neuron_drm_strerror(ret));
			break;
		}
	}
	free(nodes);
	return ret < 0 ? EXIT_FAIL : 0;
}

static int index_of_minor(const struct devices *ds, int minor)
{
	int i;

	for (i = 0; i < ds->n; i++)
		if ((int)ds->v[i].node.minor == minor)
			return i;
	return -1;
}

/*
 * Order the devices along the east links starting at device 0.  The
 * broadcast goes device to device through the Neuron-Pipe, so every
 * device must be reachable that way.  Returns 0 or EXIT_FAIL (message
 * printed).
 */
static int devices_ring(struct devices *ds)
{
	int k, cur = 0;

	ds->ring[0] = 0;
	for (k = 1; k < ds->n; k++) {
		const struct drm_neuron_topology_link *l =
			&ds->v[cur].topo.links[DRM_NEURON_LINK_EAST];
		int next = -1, j;

		if ((l->flags & DRM_NEURON_LINK_UP) &&
		    (l->flags & DRM_NEURON_LINK_PEER_LOCAL))
			next = index_of_minor(ds, l->peer_minor);
		for (j = 0; next >= 0 && j < k; j++)
			if (ds->ring[j] == next)
				next = -1; /* came back early: a shorter ring */
		if (next < 0) {
			fprintf(stderr,
				"neuron-load: device %d (%s): east Neuron-Pipe link %s; "
				"only %d of %d devices reachable from device 0\n",
				cur, ds->v[cur].node.path,
				!(l->flags & DRM_NEURON_LINK_UP) ? "is down" :
				"does not lead to a new local device", k, ds->n);
			return EXIT_FAIL;
		}
		/*
		 * The receiver pulls each hop through its west link, so that
		 * link must be up and lead back to the sender.
		 */
		{
			const struct drm_neuron_topology_link *w =
				&ds->v[next].topo.links[DRM_NEURON_LINK_WEST];

			if (!(w->flags & DRM_NEURON_LINK_UP) ||
			    w->peer_device_id != ds->v[cur].info.device_id) {
				fprintf(stderr,
					"neuron-load: device %d (%s): west Neuron-Pipe link %s; "
					"it cannot receive from device %d\n", next,
					ds->v[next].node.path,
					!(w->flags & DRM_NEURON_LINK_UP) ? "is down" :
					"does not lead back to the previous device", cur);
				return EXIT_FAIL;
			}
		}
		ds->ring[k] = next;
		cur = next;
	}
	return 0;
}

/* ---- host side ---------------------------------------------------------- */

/*
 * Read and checksum every file (--host-only): the device path's reader,
 * streaming through one staging-sized buffer in the same pieces, so that
 * it is the baseline of the load at any file size.
 */
static int host_read_all(struct file_list *fl, struct progress *pg,
			 const struct options *opt, double *secs)
{
	uint64_t half = pack_stage_half(fl->total_bytes);
	unsigned char *buf = malloc(half);
	struct file_stream fs = { .fd = -1 };
	struct stage_walk w;
	struct stage_piece pc;
	bool new_window, failed = false;
	int failures = 0;

	if (!buf) {
		fprintf(stderr, "neuron-load: out of memory\n");
		return -ENOMEM;
	}
	progress_start(pg, "read", fl->n, fl->total_bytes);
	stage_walk_init(&w, fl->v, fl->n, half);
	while (stage_walk_next(&w, &pc, &new_window)) {
		struct load_file *f = &fl->v[pc.file];
		const char *why = NULL;
		int ret = 0;

		if (pc.file_off == 0) {
			failed = false;
			ret = file_stream_open(&fs, f);
		}
		if (ret == 0 && !failed)
			ret = file_stream_read(&fs, buf + pc.stage_off, pc.len, &why);
		if (ret == 0 && !failed && pc.file_off + pc.len == f->size)
			ret = file_stream_close(&fs, &why);
		if (ret < 0) {
			fprintf(stderr, "%sneuron-load: %s: %s\n",
				pg->tty && !pg->quiet ? "\n" : "", f->path,
				why ? why : strerror(-ret));
			failures++;
			failed = true;
		}
		if (pc.file_off + pc.len < f->size)
			continue;
		file_stream_close(&fs, &why);	/* after an error */
		if (!failed && opt->verbose)
			printf("%08" PRIx32 "  %10" PRIu64 "  %s\n", f->crc,
			       f->size, f->path);
		progress_add(pg, 1, f->size);
	}
	*secs = progress_end(pg);
	free(buf);
	return failures;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	enum { OPT_HOST_ONLY = 256, OPT_PROGRESS, OPT_NO_PROGRESS };
	static const struct option lopts[] = {
		{ "host-only", no_argument, NULL, OPT_HOST_ONLY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options opt = { .progress = -1 };
	struct file_list fl = { 0 };
	struct devices ds = { 0 };
	struct progress pg;
	char total[32];
	uint64_t dram_min = UINT64_MAX;
	double t0 = now_seconds(), t_inputs;
	int c, i, ret, status;

	tool_output_init("neuron-load");
	while ((c = getopt_long(argc, argv, "qvhV", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_HOST_ONLY:
			opt.host_only = true;
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case OPT_PROGRESS:
			opt.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			opt.progress = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_print_version("neuron-load");
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "neuron-load: no FILE or DIR given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	/* A serial console is a tty too, but TERM=dumb cannot redraw. */
	if (opt.progress < 0) {
		const char *term = getenv("TERM");

		opt.progress = isatty(STDERR_FILENO) && term && *term &&
			       strcmp(term, "dumb") != 0;
	}
	progress_init(&pg, stderr, opt.progress, opt.quiet);

	/* 1. Inputs: every problem reported before anything is touched. */
	for (i = optind; i < argc; i++) {
		if (files_collect(&fl, argv[i], NULL) < 0) {
			fprintf(stderr, "neuron-load: out of memory\n");
			files_free(&fl);
			return EXIT_FAIL;
		}
	}
	if (fl.errors) {
		fprintf(stderr, "neuron-load: %u input%s rejected; nothing was loaded\n",
			fl.errors, fl.errors == 1 ? "" : "s");
		files_free(&fl);
		return EXIT_INPUT;
	}
	if (fl.n == 0) {
		fprintf(stderr, "neuron-load: no files found in the given directories; "
			"nothing to load\n");
		files_free(&fl);
		return EXIT_INPUT;
	}
	if (fl.duplicates && !opt.quiet)
		fprintf(stderr, "neuron-load: %u %s named more than once: loaded once\n",
			fl.duplicates, tool_plural(fl.duplicates, "file", "files"));
	format_bytes(fl.total_bytes, total, sizeof(total));
	t_inputs = now_seconds() - t0;

	if (opt.host_only) {
		double secs = 0;
		int failures = host_read_all(&fl, &pg, &opt, &secs);

		if (failures < 0) {
			files_free(&fl);
			return EXIT_FAIL;
		}
		double all = now_seconds() - t0;

		printf("neuron-load: host only: %zu %s, %s (%" PRIu64
		       " bytes) read and checksummed in %.2f s (%.1f MiB/s), "
		       "%.2f s in all (%.1f MiB/s)%s; nothing was loaded onto a "
		       "device\n",
		       fl.n - (size_t)failures,
		       tool_plural(fl.n - (size_t)failures, "file", "files"),
		       total, fl.total_bytes, secs,
		       secs > 0 ? (double)fl.total_bytes / secs / 1048576.0 : 0.0,
		       all, all > 0 ? (double)fl.total_bytes / all / 1048576.0 : 0.0,
		       failures ? ", READ ERRORS" : "");
		files_free(&fl);
		return failures ? EXIT_FAIL : 0;
	}

	/* 2. Devices: present, ready, all on one ring, DRAM large enough. */
	status = devices_open(&ds);
	if (status)
		goto out;
	status = devices_ring(&ds);
	if (status)
		goto out;
	/*
	 * A buffer object never spans DRAM channels, so the largest file
	 * that can be loaded is one channel (the whole DRAM if a driver does
	 * not report channels).
	 */
	for (i = 0; i < ds.n; i++) {
		uint64_t lim = ds.v[i].info.dram_channel_size ?
				       ds.v[i].info.dram_channel_size :
				       ds.v[i].info.dram_size;

		if (lim < dram_min)
			dram_min = lim;
	}
	ret = 0;
	for (size_t k = 0; k < fl.n; k++) {
		if (fl.v[k].size > dram_min) {
			char sz[64], dram[64];

			format_bytes_pair(fl.v[k].size, dram_min, sz, dram,
					  sizeof(sz));
			fprintf(stderr, "neuron-load: %s: file larger than one "
				"device DRAM channel (%s > %s): a buffer never spans "
				"channels\n", fl.v[k].path, sz, dram);
			ret = 1;
		}
	}
	if (ret) {
		fprintf(stderr, "neuron-load: nothing was loaded\n");
		status = EXIT_INPUT;
		goto out;
	}
	if (!opt.quiet) {
		printf("neuron-load: %zu %s, %s; %d %s, ring:", fl.n,
		       tool_plural(fl.n, "file", "files"), total, ds.n,
		       tool_plural((uint64_t)ds.n, "device", "devices"));
		for (i = 0; i < ds.n; i++)
			printf(" %s%d", i ? "-> " : "", ds.ring[i]);
		printf("\n");
	}

	/* 3. The load itself: device 0, the ring, read-back, verification. */
	{
		struct load_ctx lc = {
			.ds = &ds, .fl = &fl, .pg = &pg, .verbose = opt.verbose,
			.t = { .t0 = t0, .inputs = t_inputs },
		};

		status = load_devices(&lc);
	}
out:
	devices_close(&ds);
	files_free(&fl);
	return status;
}
