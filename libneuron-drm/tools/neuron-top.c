// SPDX-License-Identifier: MIT
/*
 * neuron-top - live view of the Neuron devices and of the processes that
 * use them.
 *
 * Devices through libneuron-drm (info, topology, memory usage, NeuronCore
 * owners); processes through /proc/PID/fdinfo, the DRM usage statistics
 * the driver prints for every open file (see fdinfo.h).  No ioctl of its
 * own, no privilege: an unprivileged user sees his own processes (the
 * kernel lets nobody else read their fdinfo).
 *
 * Modes: a terminal view (ncurses) refreshed every --delay seconds; --once
 * (two readings --delay apart, printed as plain text); --prometheus (the
 * same figures in the Prometheus text exposition format, for
 * node_exporter's textfile collector).
 *
 * Exit status: 0 shown; 1 error (listing failed, a device or /proc could
 * not be read, write error); 2 usage error; 3 no Neuron device (--once and
 * --prometheus still print what they have).
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "neuron_drm.h"

#include "fdinfo.h"
#include "progress.h"
#include "core-owners.h"
#include "tool-output.h"
#include "tool-version.h"

#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_NODEV 3

/* fdinfo files are a few hundred bytes; anything larger is not ours. */
#define FDINFO_MAX (64u << 10)

enum sort_key { SORT_BUSY, SORT_MEMORY, SORT_PID, SORT_COUNT };
static const char *const sort_name[SORT_COUNT] = { "busy", "memory", "pid" };

struct device {
	struct neuron_drm_node node;
	int fd;
	int err;		/* -errno of the last failed query, 0 */
	const char *err_what;
	bool have_info, have_topo, have_mem, have_cores;
	struct drm_neuron_query_device_info info;
	struct drm_neuron_query_topology topo;
	struct drm_neuron_query_memory_usage mem;
	struct drm_neuron_query_cores cores;
};

/* One open neuron file (a DRM client), as seen in one process. */
struct client {
	int pid;
	char comm[32];
	int dev;		/* index into the device list, -1 unknown */
	char fdinfo_path[300];	/* the fdinfo file it was read from */
	struct fdinfo fi;
	double busy_pct;	/* -1: not known yet (first reading) */
};

struct sample {
	struct client *v;
	size_t n, cap;
	uint64_t t_ns;		/* CLOCK_MONOTONIC when the reading started */
	unsigned int denied;	/* processes whose fds we may not read */
	unsigned int bad;	/* neuron fdinfo files that did not parse */
};

struct view {
	struct device *dev;
	int ndev;
	int list_err;
	struct sample cur, prev;
	double dt;		/* seconds between the two readings */
	enum sort_key sort;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: neuron-top [OPTION]...\n"
		"Show the Neuron devices (firmware, links, DRAM used/total, NeuronCore\n"
		"owners) and the processes using them: per open device file the DMA\n"
		"engine busy %%, jobs, and memory per region (host, dram), from the\n"
		"DRM usage statistics in /proc/PID/fdinfo.\n"
		"\n"
		"  -d, --delay SECS   seconds between readings (default 1, at least 0.1)\n"
		"  -s, --sort KEY     order of processes: busy (default), memory, pid\n"
		"      --once         two readings SECS apart, printed once as plain\n"
		"                     text (for scripts), no terminal needed\n"
		"      --prometheus   the same figures in the Prometheus text format\n"
		"                     (for node_exporter's textfile collector)\n"
		"  -h, --help         this text\n"
		"  -V, --version      versions of the tool, the library and neuron.ko\n"
		"\n"
		"Keys in the terminal view: q quit; s next sort order; b, m, p sort\n"
		"by busy, memory, pid; any other key refreshes.\n"
		"\n"
		"BUSY%% is the busy time of the file's DMA jobs over the time between\n"
		"readings, counted as top counts CPU time: 100%% is one DMA engine busy\n"
		"all the time; jobs on several engines at once count more (at most\n"
		"100%% times the engines, drm-engine-capacity-dma).  Memory\n"
		"figures are exact, as the kernel prints them (KiB, MiB: powers of\n"
		"1024).  Without root, only your own processes are visible.\n"
		"\n"
		"Exit status: 0 shown; 1 error (listing, a device, /proc, or a write\n"
		"error); 2 usage error; 3 no Neuron device found.\n");
}

/* ---- devices -------------------------------------------------------------- */

static int devices_open(struct view *v)
{
	struct neuron_drm_node *nodes = NULL;
	int n, i, cap;

	n = neuron_drm_list(NULL, 0);
	if (n <= 0) {
		v->list_err = n;
		return n;
	}
	cap = n;
	nodes = calloc((size_t)cap, sizeof(*nodes));
	v->dev = calloc((size_t)cap, sizeof(*v->dev));
	if (!nodes || !v->dev) {
		free(nodes);
		return -ENOMEM;
	}
	n = neuron_drm_list(nodes, (unsigned int)cap);
	if (n > cap)
		n = cap;
	if (n < 0) {
		v->list_err = n;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		v->dev[i].node = nodes[i];
		v->dev[i].fd = neuron_drm_open_path(nodes[i].path);
		if (v->dev[i].fd < 0) {
			v->dev[i].err = v->dev[i].fd;
			v->dev[i].err_what = "open";
		}
	}
	v->ndev = n;
	free(nodes);
	return n;
}

static void devices_close(struct view *v)
{
	int i;

	for (i = 0; i < v->ndev; i++)
		if (v->dev[i].fd >= 0)
			neuron_drm_close(v->dev[i].fd);
	free(v->dev);
	v->dev = NULL;
	v->ndev = 0;
}

/* The queries need no firmware request but the device info's fw status. */
static void device_read(struct device *d)
{
	int ret;

	if (d->fd < 0)
		return;
	d->err = 0;
	ret = neuron_drm_query_device_info(d->fd, &d->info);
	d->have_info = ret == 0;
	if (ret < 0) {
		d->err = ret;
		d->err_what = "device info";
		return;
	}
	d->have_topo = (d->info.capabilities & DRM_NEURON_CAP_TOPOLOGY) &&
		       neuron_drm_query_topology(d->fd, &d->topo) == 0;
	d->have_mem = (d->info.capabilities & DRM_NEURON_CAP_BO) &&
		      neuron_drm_query_memory_usage(d->fd, &d->mem) == 0;
	d->have_cores = neuron_drm_query_cores(d->fd, &d->cores) == 0;
}

static void dram_figures(const struct device *d, uint64_t *used, uint64_t *total)
{
	uint32_t r;

	*used = *total = 0;
	for (r = 0; r < d->mem.region_count; r++) {
		if (d->mem.regions[r].type != DRM_NEURON_REGION_DRAM)
			continue;
		*used += d->mem.regions[r].used;
		*total += d->mem.regions[r].total;
	}
}

static int device_of_pdev(const struct view *v, const char *pdev)
{
	int i;

	for (i = 0; pdev[0] && i < v->ndev; i++)
		if (strcmp(v->dev[i].node.pci_slot, pdev) == 0)
			return i;
	return -1;
}

/* ---- processes ------------------------------------------------------------ */

static int sample_add(struct sample *s, const struct client *c)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct client *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = *c;
	return 0;
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The files of one process that are accel nodes, read through fdinfo. */
static int read_process(const struct view *v, struct sample *s, int pid)
{
	char path[64], comm[32] = "?", *text;
	struct dirent *de;
	DIR *dir;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir) {
		if (errno == EACCES || errno == EPERM)
			s->denied++;
		return 0;	/* gone, or not ours */
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	while ((de = readdir(dir)) != NULL && ret == 0) {
		char link[300], target[256];
		struct client c;
		ssize_t n;
		size_t k;
		bool dup = false;
		int r;

		if (!is_number(de->d_name) || strlen(de->d_name) > 10)
			continue;
		/* Only accel nodes: reading every fdinfo would be slow. */
		snprintf(link, sizeof(link), "/proc/%d/fd/%s", pid, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "/dev/accel/", 11) != 0)
			continue;
		memset(&c, 0, sizeof(c));
		snprintf(c.fdinfo_path, sizeof(c.fdinfo_path), "/proc/%d/fdinfo/%s",
			 pid, de->d_name);
		text = read_whole_file(c.fdinfo_path, FDINFO_MAX);
		if (!text)
			continue;	/* closed meanwhile */
		r = fdinfo_parse(text, &c.fi);
		free(text);
		if (r < 0)
			s->bad++;
		if (r <= 0)
			continue;
		/*
		 * Several fds of one file (dup, or fork: in other processes
		 * too) are one client, counted once, under the first process
		 * seen (the lowest pid): drm-usage-stats.rst's rule against
		 * double accounting.
		 */
		for (k = 0; k < s->n; k++)
			if (s->v[k].fi.have_client_id && c.fi.have_client_id &&
			    s->v[k].fi.client_id == c.fi.client_id &&
			    !strcmp(s->v[k].fi.pdev, c.fi.pdev))
				dup = true;
		if (dup)
			continue;
		c.pid = pid;
		snprintf(c.comm, sizeof(c.comm), "%s", comm);
		c.dev = device_of_pdev(v, c.fi.pdev);
		c.busy_pct = -1;
		ret = sample_add(s, &c);
	}
	closedir(dir);
	return ret;
}

static int sample_read(const struct view *v, struct sample *s)
{
	struct dirent *de;
	DIR *proc;
	int self = (int)getpid(), ret = 0;

	s->n = 0;
	s->denied = 0;
	s->bad = 0;
	s->t_ns = mono_ns();
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while ((de = readdir(proc)) != NULL && ret == 0) {
		int pid;

		if (!is_number(de->d_name))
			continue;
		pid = atoi(de->d_name);
		if (pid == self)	/* our own device files */
			continue;
		ret = read_process(v, s, pid);
	}
	closedir(proc);
	return ret;
}

/* Busy % of every client of @cur that @prev saw too (same pid and file). */
static void sample_rates(struct sample *cur, const struct sample *prev)
{
	size_t i, k;

	for (i = 0; i < cur->n; i++) {
		struct client *c = &cur->v[i];

		c->busy_pct = -1;
		for (k = 0; k < prev->n; k++) {
			const struct client *p = &prev->v[k];

			if (p->pid != c->pid || p->fi.client_id != c->fi.client_id ||
			    strcmp(p->fi.pdev, c->fi.pdev) || !p->fi.have_engine ||
			    !c->fi.have_engine)
				continue;
			c->busy_pct = fdinfo_busy_pct(p->fi.engine_ns, c->fi.engine_ns,
						      cur->t_ns - prev->t_ns,
						      c->fi.capacity);
			break;
		}
	}
}

static uint64_t client_memory(const struct client *c)
{
	return c->fi.mem[FDI_HOST][FDI_TOTAL] + c->fi.mem[FDI_DRAM][FDI_TOTAL];
}

static enum sort_key sort_by;

static int cmp_clients(const void *a, const void *b)
{
	const struct client *x = a, *y = b;

	if (sort_by == SORT_BUSY && x->busy_pct != y->busy_pct)
		return x->busy_pct < y->busy_pct ? 1 : -1;
	if (sort_by == SORT_MEMORY && client_memory(x) != client_memory(y))
		return client_memory(x) < client_memory(y) ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->fi.client_id < y->fi.client_id ? -1 :
	       x->fi.client_id > y->fi.client_id;
}

/* ---- text ----------------------------------------------------------------- */

/* Exact sizes, as the kernel prints them: the largest unit that divides. */
static void format_exact(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", bytes, unit[u]);
}

static void link_text(const struct view *v, const struct device *d, int l,
		      char *buf, size_t len)
{
	const struct drm_neuron_topology_link *lk = &d->topo.links[l];
	int i;

	if (!d->have_topo || (uint32_t)l >= d->topo.link_count) {
		snprintf(buf, len, "-");
		return;
	}
	if (!(lk->flags & DRM_NEURON_LINK_UP)) {
		snprintf(buf, len, "down");
		return;
	}
	if (lk->flags & DRM_NEURON_LINK_PEER_LOCAL)
		for (i = 0; i < v->ndev; i++)
			if ((int)v->dev[i].node.minor == (int)lk->peer_minor) {
				snprintf(buf, len, "up:%d", i);
				return;
			}
	snprintf(buf, len, "up");
}

static void owners_text(const struct device *d, char *buf, size_t len)
{
	format_core_owners(d->have_cores ? &d->cores : NULL, buf, len);
}

/* The whole view as text: the terminal view and --once print this. */
static void render_text(FILE *f, const struct view *v, bool interactive)
{
	char a[32], b[32], e[16], w[16], own[96];
	size_t i;
	int d;

	if (interactive) {
		char clock[16] = "";
		time_t now = time(NULL);
		struct tm tm;

		/* The time of the reading, as top shows it: proof of refresh. */
		if (localtime_r(&now, &tm))
			strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
		fprintf(f, "neuron-top %s - every %.1f s - sort: %s  (q quit, s sort, b/m/p)\n",
			clock, v->dt, sort_name[v->sort]);
	}
	fprintf(f, "%d %s, %zu %s, busy %% over %.2f s\n", v->ndev,
		tool_plural((uint64_t)v->ndev, "device", "devices"), v->cur.n,
		tool_plural(v->cur.n, "client", "clients"), v->dt);
	if (v->list_err < 0)
		fprintf(f, "cannot list devices: %s\n", neuron_drm_strerror(v->list_err));
	fprintf(f, "\n%-3s  %-18s  %-12s  %-9s  %-6s  %-6s  %10s  %10s  %s\n", "DEV",
		"NODE", "PCI SLOT", "FIRMWARE", "EAST", "WEST", "DRAM USED",
		"DRAM TOTAL", "NC OWNERS");
	for (d = 0; d < v->ndev; d++) {
		const struct device *dv = &v->dev[d];
		uint64_t used, total;

		if (!dv->have_info) {
			fprintf(f, "%3d  %-18s  %-12s  error: %s: %s\n", d, dv->node.path,
				dv->node.pci_slot[0] ? dv->node.pci_slot : "-",
				dv->err_what ? dv->err_what : "query",
				neuron_drm_strerror(dv->err));
			continue;
		}
		dram_figures(dv, &used, &total);
		format_bytes(used, a, sizeof(a));
		format_bytes(total, b, sizeof(b));
		link_text(v, dv, DRM_NEURON_LINK_EAST, e, sizeof(e));
		link_text(v, dv, DRM_NEURON_LINK_WEST, w, sizeof(w));
		owners_text(dv, own, sizeof(own));
		fprintf(f, "%3d  %-18s  %-12s  %-9s  %-6s  %-6s  %10s  %10s  %s\n", d,
			dv->node.path, dv->node.pci_slot[0] ? dv->node.pci_slot : "-",
			(dv->info.fw_status & DRM_NEURON_FW_STATUS_READY) ? "ready" :
			"NOT READY", e, w, dv->have_mem ? a : "?",
			dv->have_mem ? b : "?", own);
	}
	fprintf(f, "\n%-3s  %7s  %-15s  %6s  %6s  %14s  %8s  %10s  %10s  %10s  %10s\n",
		"DEV", "PID", "COMMAND", "CLIENT", "BUSY%", "ENGINE-NS", "JOBS",
		"HOST", "HOST-RES", "DRAM", "DRAM-RES");
	for (i = 0; i < v->cur.n; i++) {
		const struct client *c = &v->cur.v[i];
		char busy[16], dev[16], m[4][24];

		if (c->busy_pct < 0)
			snprintf(busy, sizeof(busy), "-");
		else
			snprintf(busy, sizeof(busy), "%.1f", c->busy_pct);
		if (c->dev >= 0)
			snprintf(dev, sizeof(dev), "%d", c->dev);
		else
			snprintf(dev, sizeof(dev), "?");
		format_exact(c->fi.mem[FDI_HOST][FDI_TOTAL], m[0], sizeof(m[0]));
		format_exact(c->fi.mem[FDI_HOST][FDI_RESIDENT], m[1], sizeof(m[1]));
		format_exact(c->fi.mem[FDI_DRAM][FDI_TOTAL], m[2], sizeof(m[2]));
		format_exact(c->fi.mem[FDI_DRAM][FDI_RESIDENT], m[3], sizeof(m[3]));
		fprintf(f, "%3s  %7d  %-15s  %6" PRIu64 "  %6s  %14" PRIu64 "  %8" PRIu64
			"  %10s  %10s  %10s  %10s\n", dev, c->pid, c->comm,
			c->fi.client_id, busy, c->fi.engine_ns, c->fi.jobs_submitted,
			m[0], m[1], m[2], m[3]);
	}
	if (v->cur.n == 0)
		fprintf(f, "(no process has a Neuron device open%s)\n",
			v->cur.denied ? " that this user may see" : "");
	if (v->cur.denied && geteuid() != 0)
		fprintf(f, "\nOther users' processes are not shown (%u not readable): "
			"run as root to see them.\n", v->cur.denied);
	if (v->cur.bad)
		fprintf(f, "\n%u fdinfo %s of neuron did not parse (driver too new?)\n",
			v->cur.bad, tool_plural(v->cur.bad, "file", "files"));
}

/* ---- Prometheus text exposition format ------------------------------------ */

/* A label value: backslash, double quote and newline escaped. */
static void prom_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void prom_family(FILE *f, const char *name, const char *type,
			const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_dev_labels(FILE *f, const struct view *v, int d)
{
	fprintf(f, "device=\"%d\",pci_slot=", d);
	prom_label(f, v->dev[d].node.pci_slot);
}

static void prom_client_labels(FILE *f, const struct view *v,
			       const struct client *c)
{
	fprintf(f, "device=\"%d\",pci_slot=", c->dev);
	prom_label(f, c->dev >= 0 ? v->dev[c->dev].node.pci_slot : c->fi.pdev);
	fprintf(f, ",pid=\"%d\",command=", c->pid);
	prom_label(f, c->comm);
	fprintf(f, ",client_id=\"%" PRIu64 "\"", c->fi.client_id);
}

static void render_prometheus(FILE *f, const struct view *v)
{
	size_t i;
	int d, l, r, k;

	prom_family(f, "neuron_devices", "gauge", "Neuron devices found.");
	fprintf(f, "neuron_devices %d\n", v->ndev);

	prom_family(f, "neuron_device_info", "gauge",
		    "Device identity (value 1): accel node, PCI ids, device id.");
	for (d = 0; d < v->ndev; d++) {
		const struct device *dv = &v->dev[d];

		fputs("neuron_device_info{", f);
		prom_dev_labels(f, v, d);
		fputs(",node=", f);
		prom_label(f, dv->node.path);
		fprintf(f, ",pci_id=\"0x%04x:0x%04x\",device_id=\"0x%08" PRIx32 "\"} 1\n",
			dv->node.pci_vendor, dv->node.pci_device,
			dv->have_info ? dv->info.device_id : 0);
	}
	prom_family(f, "neuron_device_up", "gauge",
		    "1 if the device answered its queries, 0 if not.");
	for (d = 0; d < v->ndev; d++) {
		fputs("neuron_device_up{", f);
		prom_dev_labels(f, v, d);
		fprintf(f, "} %d\n", v->dev[d].have_info ? 1 : 0);
	}
	prom_family(f, "neuron_device_firmware_ready", "gauge",
		    "1 if the device firmware is ready.");
	for (d = 0; d < v->ndev; d++) {
		if (!v->dev[d].have_info)
			continue;
		fputs("neuron_device_firmware_ready{", f);
		prom_dev_labels(f, v, d);
		fprintf(f, "} %d\n", (v->dev[d].info.fw_status &
				      DRM_NEURON_FW_STATUS_READY) ? 1 : 0);
	}
	prom_family(f, "neuron_device_link_up", "gauge",
		    "1 if the Neuron-Pipe link (east, west) is up.");
	for (d = 0; d < v->ndev; d++) {
		const struct device *dv = &v->dev[d];

		if (!dv->have_topo)
			continue;
		for (l = 0; l < DRM_NEURON_LINK_COUNT && (uint32_t)l < dv->topo.link_count; l++) {
			fputs("neuron_device_link_up{", f);
			prom_dev_labels(f, v, d);
			fprintf(f, ",link=\"%s\"} %d\n",
				l == DRM_NEURON_LINK_EAST ? "east" : "west",
				(dv->topo.links[l].flags & DRM_NEURON_LINK_UP) ? 1 : 0);
		}
	}
	prom_family(f, "neuron_device_dram_total_bytes", "gauge",
		    "Device DRAM the allocator manages, bytes.");
	for (d = 0; d < v->ndev; d++) {
		uint64_t used, total;

		if (!v->dev[d].have_mem)
			continue;
		dram_figures(&v->dev[d], &used, &total);
		fputs("neuron_device_dram_total_bytes{", f);
		prom_dev_labels(f, v, d);
		fprintf(f, "} %" PRIu64 "\n", total);
	}
	prom_family(f, "neuron_device_dram_used_bytes", "gauge",
		    "Device DRAM held by the buffer objects of all files, bytes.");
	for (d = 0; d < v->ndev; d++) {
		uint64_t used, total;

		if (!v->dev[d].have_mem)
			continue;
		dram_figures(&v->dev[d], &used, &total);
		fputs("neuron_device_dram_used_bytes{", f);
		prom_dev_labels(f, v, d);
		fprintf(f, "} %" PRIu64 "\n", used);
	}
	prom_family(f, "neuron_core_owner_pid", "gauge",
		    "PID owning the NeuronCore; 0 when free or not visible.");
	for (d = 0; d < v->ndev; d++) {
		const struct device *dv = &v->dev[d];
		uint32_t c;

		if (!dv->have_cores)
			continue;
		for (c = 0; c < dv->cores.core_count; c++) {
			const struct drm_neuron_core_owner *o = &dv->cores.cores[c];

			fputs("neuron_core_owner_pid{", f);
			prom_dev_labels(f, v, d);
			fprintf(f, ",core=\"%" PRIu32 "\"} %d\n", c,
				(o->flags & DRM_NEURON_CORE_OWNER_OWNED) && o->pid > 0 ?
				(int)o->pid : 0);
		}
	}

	prom_family(f, "neuron_client_engine_busy_seconds_total", "counter",
		    "Busy time of the DMA jobs of an open device file (drm-engine-dma).");
	for (i = 0; i < v->cur.n; i++) {
		const struct client *c = &v->cur.v[i];

		if (!c->fi.have_engine)
			continue;
		fputs("neuron_client_engine_busy_seconds_total{", f);
		prom_client_labels(f, v, c);
		/* Exact: seconds with all nine decimals of the ns counter. */
		fprintf(f, ",engine=\"dma\"} %" PRIu64 ".%09" PRIu64 "\n",
			c->fi.engine_ns / UINT64_C(1000000000),
			c->fi.engine_ns % UINT64_C(1000000000));
	}
	prom_family(f, "neuron_client_engine_capacity", "gauge",
		    "DMA engines the busy time is summed over (drm-engine-capacity-dma).");
	for (i = 0; i < v->cur.n; i++) {
		const struct client *c = &v->cur.v[i];

		if (!c->fi.have_engine)
			continue;
		fputs("neuron_client_engine_capacity{", f);
		prom_client_labels(f, v, c);
		fprintf(f, ",engine=\"dma\"} %" PRIu32 "\n", c->fi.capacity);
	}
	prom_family(f, "neuron_client_engine_busy_ratio", "gauge",
		    "Busy time over the sampling interval: DMA engines busy on average (BUSY% / 100).");
	for (i = 0; i < v->cur.n; i++) {
		const struct client *c = &v->cur.v[i];

		if (c->busy_pct < 0)
			continue;
		fputs("neuron_client_engine_busy_ratio{", f);
		prom_client_labels(f, v, c);
		fprintf(f, ",engine=\"dma\"} %.6f\n", c->busy_pct / 100.0);
	}
	prom_family(f, "neuron_client_memory_bytes", "gauge",
		    "Memory of the buffer objects of an open device file, per region and kind (drm-KIND-REGION).");
	for (i = 0; i < v->cur.n; i++) {
		const struct client *c = &v->cur.v[i];

		for (r = 0; r < FDI_REGIONS; r++) {
			for (k = 0; k < FDI_KINDS; k++) {
				if (!c->fi.have_mem[r][k])
					continue;
				fputs("neuron_client_memory_bytes{", f);
				prom_client_labels(f, v, c);
				fprintf(f, ",region=\"%s\",kind=\"%s\"} %" PRIu64 "\n",
					fdinfo_region_name[r], fdinfo_kind_name[k],
					c->fi.mem[r][k]);
			}
		}
	}
	prom_family(f, "neuron_client_jobs_total", "counter",
		    "DMA jobs of an open device file, by state (submitted, completed, failed).");
	for (i = 0; i < v->cur.n; i++) {
		const struct client *c = &v->cur.v[i];
		static const char *const st[] = { "submitted", "completed", "failed" };
		uint64_t val[3] = { c->fi.jobs_submitted, c->fi.jobs_completed,
				    c->fi.jobs_failed };

		if (!c->fi.have_jobs)
			continue;
		for (k = 0; k < 3; k++) {
			fputs("neuron_client_jobs_total{", f);
			prom_client_labels(f, v, c);
			fprintf(f, ",state=\"%s\"} %" PRIu64 "\n", st[k], val[k]);
		}
	}
	prom_family(f, "neuron_clients_hidden", "gauge",
		    "Processes whose open files this user may not read.");
	fprintf(f, "neuron_clients_hidden %u\n", v->cur.denied);
}

/* ---- readings ------------------------------------------------------------- */

static int take_reading(struct view *v)
{
	struct sample t;
	int d, ret;

	/* The new reading becomes cur; the old one prev (buffers swapped). */
	t = v->prev;
	v->prev = v->cur;
	v->cur = t;
	for (d = 0; d < v->ndev; d++)
		device_read(&v->dev[d]);
	ret = sample_read(v, &v->cur);
	if (ret < 0)
		return ret;
	if (v->prev.t_ns)
		v->dt = (double)(v->cur.t_ns - v->prev.t_ns) / 1e9;
	sample_rates(&v->cur, &v->prev);
	sort_by = v->sort;
	qsort(v->cur.v, v->cur.n, sizeof(*v->cur.v), cmp_clients);
	return 0;
}

static void sleep_seconds(double s)
{
	struct timespec ts = {
		.tv_sec = (time_t)s,
		.tv_nsec = (long)((s - (double)(time_t)s) * 1e9),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- terminal view -------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int run_terminal(struct view *v, double delay)
{
	int ret = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "neuron-top: not a terminal: use --once or --prometheus\n");
		return EXIT_USAGE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "neuron-top: cannot use this terminal (TERM=%s): "
			"use --once or --prometheus\n",
			getenv("TERM") ? getenv("TERM") : "");
		return EXIT_ERROR;
	}
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	timeout((int)(delay * 1000));
	while (!stop) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem;
		int ch, row = 0;

		ret = take_reading(v);
		if (ret < 0)
			break;
		mem = open_memstream(&text, &len);
		if (!mem) {
			ret = -ENOMEM;
			break;
		}
		render_text(mem, v, true);
		fclose(mem);
		erase();
		for (char *line = text, *nl; line && *line && row < LINES; line = nl, row++) {
			int w;

			nl = strchr(line, '\n');
			w = nl ? (int)(nl - line) : (int)strlen(line);
			/* Clipped at the right edge: a wrapped row would shift the rest. */
			mvaddnstr(row, 0, line, w < COLS ? w : COLS);
			if (nl)
				nl++;
		}
		free(text);
		wrefresh(stdscr);
		ch = getch();
		switch (ch) {
		case 'q':
		case 'Q':
			stop = 1;
			break;
		case 's':
			v->sort = (v->sort + 1) % SORT_COUNT;
			break;
		case 'b':
			v->sort = SORT_BUSY;
			break;
		case 'm':
			v->sort = SORT_MEMORY;
			break;
		case 'p':
			v->sort = SORT_PID;
			break;
		default:	/* also KEY_RESIZE: redrawn at the new size */
			break;
		}
	}
	endwin();
	if (ret < 0) {
		fprintf(stderr, "neuron-top: reading /proc: %s\n", strerror(-ret));
		return EXIT_ERROR;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_ONCE = 256, OPT_PROMETHEUS };
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct view v;
	bool once = false, prometheus = false;
	double delay = 1.0;
	int c, n, ret, status = 0, d;
	char *end;

	tool_output_init("neuron-top");
	memset(&v, 0, sizeof(v));
	while ((c = getopt_long(argc, argv, "d:s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			errno = 0;
			delay = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(delay >= 0.1) ||
			    delay > 3600) {
				fprintf(stderr, "neuron-top: --delay %s: want seconds "
					"from 0.1 to 3600\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			for (v.sort = 0; v.sort < SORT_COUNT; v.sort++)
				if (!strcmp(optarg, sort_name[v.sort]))
					break;
			if (v.sort == SORT_COUNT) {
				fprintf(stderr, "neuron-top: --sort %s: want busy, "
					"memory or pid\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_ONCE:
			once = true;
			break;
		case OPT_PROMETHEUS:
			prometheus = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_print_version("neuron-top");
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "neuron-top: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (once && prometheus) {
		fprintf(stderr, "neuron-top: --once and --prometheus exclude each other\n");
		return EXIT_USAGE;
	}

	n = devices_open(&v);
	if (n == -ENOMEM) {
		fprintf(stderr, "neuron-top: out of memory\n");
		return EXIT_ERROR;
	}
	if (!once && !prometheus) {
		status = run_terminal(&v, delay);
		goto out;
	}
	/* Two readings: busy % is a rate. */
	ret = take_reading(&v);
	if (ret == 0) {
		sleep_seconds(delay);
		ret = take_reading(&v);
	}
	if (ret < 0) {
		fprintf(stderr, "neuron-top: reading /proc: %s\n", strerror(-ret));
		status = EXIT_ERROR;
		goto out;
	}
	if (prometheus)
		render_prometheus(stdout, &v);
	else
		render_text(stdout, &v, false);
	if (v.list_err < 0) {
		fprintf(stderr, "neuron-top: cannot list devices: %s\n",
			neuron_drm_strerror(v.list_err));
		status = EXIT_ERROR;
	} else if (v.ndev == 0) {
		status = EXIT_NODEV;
	}
	for (d = 0; d < v.ndev; d++)
		if (!v.dev[d].have_info)
			status = EXIT_ERROR;
out:
	devices_close(&v);
	free(v.cur.v);
	free(v.prev.v);
	return status;
}
