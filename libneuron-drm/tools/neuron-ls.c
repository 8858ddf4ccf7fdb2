// SPDX-License-Identifier: MIT
/*
 * neuron-ls - list the Neuron (AWS Inferentia v1) devices of this machine.
 *
 * Uses libneuron-drm only (no ioctl of its own).  See --help and
 * Documentation/accel/neuron/libneuron-drm.rst.
 *
 * Exit status:
 *   0  devices listed, every device answered
 *   1  error: enumeration failed, or a device could not be opened/queried
 *      (its row shows the error)
 *   2  usage error
 *   3  no neuron device found (the listing, or the JSON, is still printed)
 * A write error on stdout (a full disk, "> /dev/full") exits with 1.
 */
#define _DEFAULT_SOURCE /* major(), minor() */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "neuron_drm.h"
#include "core-owners.h"
#include "tool-output.h"
#include "tool-version.h"

#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_NODEV 3

enum { EAST = DRM_NEURON_LINK_EAST, WEST = DRM_NEURON_LINK_WEST };

/* Bounds of what --state reads (v1 has 12 engines, 4 NCs, 32 semaphores). */
#define MAX_ENGINES 64
#define MAX_NC 16
#define MAX_SEMS 64

struct dev {
	struct neuron_drm_node node;
	struct drm_neuron_query_device_info info;
	struct drm_neuron_query_topology topo;
	int err;	/* 0, or -errno of the first failed step */
	const char *err_what;
	bool info_ok;	/* the device info was read */
	bool have_topo;
	int peer[DRM_NEURON_LINK_COUNT]; /* neuron-ls index of the peer, -1 */
	/* --state: read through DRM_IOCTL_NEURON_DEVICE_STATE */
	bool have_state;
	unsigned int n_engines, n_nc, n_sems;
	uint32_t engine[MAX_ENGINES][2];	/* M2S, S2M DRM_NEURON_ENGINE_STATE_* */
	int32_t sem[MAX_NC][MAX_SEMS];
	/* GEM and NeuronCore queries, when the driver has them */
	bool have_mem, have_cores;
	struct drm_neuron_query_memory_usage mem;
	struct drm_neuron_query_cores cores;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: neuron-ls [OPTION]...\n"
		"List the Neuron devices (AWS Inferentia, /dev/accel/accel*): PCI\n"
		"address, device id, firmware status, DRAM, Neuron-Pipe links, and\n"
		"draw the Neuron-Pipe ring.\n"
		"\n"
		"  -j, --json     machine-readable JSON on stdout\n"
		"  -s, --state    also read DMA engine states and semaphores\n"
		"                 (one firmware request per value: slower)\n"
		"  --cdi          a Container Device Interface spec (JSON) naming\n"
		"                 every device by index, and \"all\": save it as\n"
		"                 /etc/cdi/neuron.json, then podman run --device\n"
		"                 aws.amazon.com/neuron=all ...\n"
		"  --cdi-kind KIND  the spec's kind (default aws.amazon.com/neuron)\n"
		"  -h, --help     this text\n"
		"  -V, --version  versions of the tool, the library and neuron.ko\n"
		"\n"
		"IDX is the device index other tools accept (accel minor order).\n"
		"EAST/WEST show the index of the linked neighbour, 'down' for a link\n"
		"that is down, '?' for a link whose peer did not answer, 'id 0xN' for\n"
		"a peer not bound on this host.\n"
		"\n"
		"Exit status: 0 listed; 1 a device could not be queried, the\n"
		"listing failed or could not be written; 2 usage error; 3 no\n"
		"Neuron device found.\n");
}

static int index_of_minor(const struct dev *d, int n, int minor)
{
	int i;

	for (i = 0; i < n; i++)
		if ((int)d[i].node.minor == minor)
			return i;
	return -1;
}

static unsigned int clamp_u32(uint32_t v, unsigned int max)
{
	return v < max ? v : max;
}

/* --state: DMA engine states and semaphore values, read by the firmware. */
static int read_state(int fd, struct dev *d)
{
	struct drm_neuron_device_state st;
	unsigned int e, nc, i;
	int ret;

	d->n_engines = clamp_u32(d->info.dma_engine_count, MAX_ENGINES);
	d->n_nc = clamp_u32(d->info.nc_count, MAX_NC);
	d->n_sems = clamp_u32(d->info.semaphores_per_nc, MAX_SEMS);
	for (e = 0; e < d->n_engines; e++) {
		ret = neuron_drm_device_state(fd, DRM_NEURON_STATE_DMA_ENGINE, e,
					      0, &st);
		if (ret < 0)
			return ret;
		d->engine[e][0] = st.values[DRM_NEURON_DMA_ENGINE_M2S_STATE];
		d->engine[e][1] = st.values[DRM_NEURON_DMA_ENGINE_S2M_STATE];
	}
	for (nc = 0; nc < d->n_nc; nc++) {
		for (i = 0; i < d->n_sems; i++) {
			ret = neuron_drm_semaphore_read(fd, nc, i, &d->sem[nc][i]);
			if (ret < 0)
				return ret;
		}
	}
	d->have_state = true;
	return 0;
}

static void probe(struct dev *d, bool state)
{
	int fd, ret;

	fd = neuron_drm_open_path(d->node.path);
	if (fd < 0) {
		d->err = fd;
		d->err_what = "open";
		return;
	}
	ret = neuron_drm_query_device_info(fd, &d->info);
	if (ret < 0) {
		d->err = ret;
		d->err_what = "device info";
		neuron_drm_close(fd);
		return;
	}
	d->info_ok = true;
	if (d->info.capabilities & DRM_NEURON_CAP_TOPOLOGY) {
		ret = neuron_drm_query_topology(fd, &d->topo);
		if (ret < 0) {
			d->err = ret;
			d->err_what = "topology";
		} else {
			d->have_topo = true;
		}
	}
	/*
	 * Memory and core queries need no firmware request; an older driver
	 * answers -EINVAL (unknown query type), which just hides the columns.
	 */
	if ((d->info.capabilities & DRM_NEURON_CAP_BO) &&
	    neuron_drm_query_memory_usage(fd, &d->mem) == 0)
		d->have_mem = true;
	if (neuron_drm_query_cores(fd, &d->cores) == 0)
		d->have_cores = true;
	if (state && !d->err && (d->info.capabilities & DRM_NEURON_CAP_DEVICE_STATE)) {
		ret = read_state(fd, d);
		if (ret < 0) {
			d->err = ret;
			d->err_what = "device state";
		}
	}
	neuron_drm_close(fd);
}

static void human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024.0 && u < 4) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

static void link_text(const struct dev *d, int l, char *buf, size_t len)
{
	const struct drm_neuron_topology_link *lk = &d->topo.links[l];

	if (!d->have_topo || (uint32_t)l >= d->topo.link_count)
		snprintf(buf, len, "-");
	else if (!(lk->flags & DRM_NEURON_LINK_UP))
		snprintf(buf, len, "down");
	else if (d->peer[l] >= 0)
		snprintf(buf, len, "%d", d->peer[l]);
	else if (lk->flags & DRM_NEURON_LINK_PEER_ID_VALID)
		snprintf(buf, len, "id 0x%08" PRIx32, lk->peer_device_id);
	else
		snprintf(buf, len, "?");
}

/* ---- the ring diagram ------------------------------------------------ */

/*
 * Follow the east links.  A chain starts at a device no local device
 * points east to (or, when every device has a predecessor, at the lowest
 * index of a cycle); it is "closed" when it comes back to its start.
 * Returns the chain length; @seq gets the indices in east order.
 */
static int walk_chain(const struct dev *d, int n, int start, bool *seen,
		      int *seq, bool *closed)
{
	int len = 0, cur = start;

	*closed = false;
	while (cur >= 0 && !seen[cur]) {
		seen[cur] = true;
		seq[len++] = cur;
		cur = d[cur].peer[EAST];
	}
	if (cur == start && len > 0 && d[seq[len - 1]].peer[EAST] == start)
		*closed = true;
	(void)n;
	return len;
}

static bool has_east_pred(const struct dev *d, int n, int i)
{
	int j;

	for (j = 0; j < n; j++)
		if (d[j].peer[EAST] == i)
			return true;
	return false;
}

static void draw_ring(const struct dev *d, int n)
{
	bool *seen = calloc((size_t)n, sizeof(*seen));
	int *seq = calloc((size_t)n, sizeof(*seq));
	int i, pass, k;

	if (!seen || !seq) {
		free(seen);
		free(seq);
		return;
	}
	printf("\nNeuron-Pipe links (east -->, [IDX]):\n\n");
	/* Pass 0: chains with a head; pass 1: what is left are cycles. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			char line[1024];
			size_t pos = 0;
			bool closed;
			int len;

			if (seen[i] || (pass == 0 && has_east_pred(d, n, i)))
				continue;
			len = walk_chain(d, n, i, seen, seq, &closed);
			pos += snprintf(line + pos, sizeof(line) - pos, "  %s",
					closed ? "+-> " : "");
			for (k = 0; k < len && pos < sizeof(line) - 32; k++) {
				const struct dev *c = &d[seq[k]];
				const char *tail = "";
				char lt[32];

				if (k + 1 < len) {
					tail = " --> ";
				} else if (closed) {
					tail = " --+";
				} else if (c->have_topo &&
					   (c->topo.links[EAST].flags & DRM_NEURON_LINK_UP)) {
					/* Up, but the peer is not one of ours. */
					link_text(c, EAST, lt, sizeof(lt));
					pos += snprintf(line + pos, sizeof(line) - pos,
							"[%d] --> (%s)", seq[k], lt);
					continue;
				} else if (len == 1 && c->have_topo &&
					   !(c->topo.links[WEST].flags & DRM_NEURON_LINK_UP)) {
					tail = " (no Neuron-Pipe link up)";
				} else if (c->have_topo) {
					tail = " -x (east link down)";
				} else {
					tail = " (links unknown)";
				}
				pos += snprintf(line + pos, sizeof(line) - pos,
						"[%d]%s", seq[k], tail);
			}
			printf("%s\n", line);
			if (closed) {
				/* The '+' closing the line is at column pos - 1. */
				size_t w = pos > 4 ? pos - 4 : 0;

				printf("  |%*s|\n", (int)w, "");
				printf("  +");
				for (k = 0; k < (int)w; k++)
					putchar('-');
				printf("+\n");
			}
		}
	}
	/* A ring is only consistent if every west link points back. */
	for (i = 0; i < n; i++) {
		int e = d[i].peer[EAST];

		if (e >= 0 && d[e].have_topo && d[e].peer[WEST] != i)
			printf("  warning: [%d] is east of [%d], but [%d]'s west link "
			       "does not point back\n", e, i, e);
	}
	free(seen);
	free(seq);
}

/* ---- output ------------------------------------------------------------ */

static const char *engine_state_name(uint32_t v)
{
	switch (v) {
	case DRM_NEURON_ENGINE_STATE_IDLE:
		return "idle";
	case DRM_NEURON_ENGINE_STATE_NORMAL:
		return "normal";
	case DRM_NEURON_ENGINE_STATE_ABORT:
		return "ABORT";
	default:
		return "unknown";
	}
}

/* One line per device: engine states summarised, non-zero semaphores. */
static void print_state(const struct dev *d, int n)
{
	int i;

	printf("\nDevice state (DMA engines M2S/S2M; semaphores that are not 0):\n");
	for (i = 0; i < n; i++) {
		const struct dev *c = &d[i];
		unsigned int e, nc, k, count[4] = { 0 }, nonzero = 0;

		if (!c->have_state) {
			printf("  [%d] not read%s%s\n", i,
			       c->err ? ": " : "",
			       c->err ? neuron_drm_strerror(c->err) : "");
			continue;
		}
		for (e = 0; e < c->n_engines; e++)
			for (k = 0; k < 2; k++)
				count[c->engine[e][k] < 3 ? c->engine[e][k] : 3]++;
		printf("  [%d] engines: %u idle, %u normal, %u ABORT", i, count[0],
		       count[1], count[2]);
		if (count[3])
			printf(", %u unknown", count[3]);
		for (e = 0; e < c->n_engines; e++)
			if (c->engine[e][0] == DRM_NEURON_ENGINE_STATE_ABORT ||
			    c->engine[e][1] == DRM_NEURON_ENGINE_STATE_ABORT)
				printf(" (engine %u: %s/%s)", e,
				       engine_state_name(c->engine[e][0]),
				       engine_state_name(c->engine[e][1]));
		printf("; semaphores:");
		for (nc = 0; nc < c->n_nc; nc++)
			for (k = 0; k < c->n_sems; k++)
				if (c->sem[nc][k] && nonzero++ < 16)
					printf(" nc%u[%u]=%" PRId32, nc, k, c->sem[nc][k]);
		if (nonzero > 16)
			printf(" ... (%u in all)", nonzero);
		else if (!nonzero)
			printf(" all 0");
		printf("\n");
	}
}

static uint64_t dram_used(const struct dev *c)
{
	uint64_t used = 0;
	uint32_t r;

	for (r = 0; r < c->mem.region_count; r++)
		if (c->mem.regions[r].type == DRM_NEURON_REGION_DRAM)
			used += c->mem.regions[r].used;
	return used;
}

static void dram_used_text(const struct dev *c, char *buf, size_t len)
{
	if (!c->have_mem)
		snprintf(buf, len, "?");
	else
		human_size(dram_used(c), buf, len);
}

/* "-" per free core, the owner's pid otherwise ("?" if not visible). */
static void owners_text(const struct dev *c, char *buf, size_t len)
{
	format_core_owners(c->have_cores ? &c->cores : NULL, buf, len);
}

static void print_table(const struct dev *d, int n, bool state)
{
	int i;

	printf("%-3s  %-18s  %-12s  %-9s  %-10s  %-9s  %3s  %9s  %9s  %-11s  %-5s  %s\n",
	       "IDX", "NODE", "PCI SLOT", "PCI ID", "DEV ID", "FIRMWARE",
	       "NCS", "DRAM", "USED", "NC OWNERS", "EAST", "WEST");
	for (i = 0; i < n; i++) {
		const struct dev *c = &d[i];
		char size[32], used[32], owners[64], east[32], west[32], pciid[16];

		snprintf(pciid, sizeof(pciid), "%04x:%04x", c->node.pci_vendor,
			 c->node.pci_device);
		if (!c->info_ok) {
			printf("%3d  %-18s  %-12s  %-9s  error: %s: %s\n", i,
			       c->node.path, c->node.pci_slot[0] ? c->node.pci_slot : "-",
			       pciid, c->err_what, neuron_drm_strerror(c->err));
			continue;
		}
		human_size(c->info.dram_size, size, sizeof(size));
		dram_used_text(c, used, sizeof(used));
		owners_text(c, owners, sizeof(owners));
		link_text(c, EAST, east, sizeof(east));
		link_text(c, WEST, west, sizeof(west));
		printf("%3d  %-18s  %-12s  %-9s  0x%08" PRIx32 "  %-9s  %3" PRIu32
		       "  %9s  %9s  %-11s  %-5s  %s\n",
		       i, c->node.path, c->node.pci_slot[0] ? c->node.pci_slot : "-",
		       pciid, c->info.device_id,
		       (c->info.fw_status & DRM_NEURON_FW_STATUS_READY) ? "ready" : "NOT READY",
		       c->info.nc_count, size, used, owners, east, west);
		if (c->err)
			printf("     %s: %s\n", c->err_what, neuron_drm_strerror(c->err));
	}
	if (n > 0) {
		const struct dev *c = &d[0];
		char mod[64];

		/* The release of neuron.ko, then its DRM interface version. */
		printf("\n%d device%s, driver %s %s (DRM interface %d.%d.%d), libneuron-drm %u.%u.%u\n",
		       n, n == 1 ? "" : "s", NEURON_DRM_DRIVER_NAME,
		       tool_module_version(mod, sizeof(mod)),
		       c->node.drv_major, c->node.drv_minor, c->node.drv_patchlevel,
		       neuron_drm_lib_version() >> 16,
		       (neuron_drm_lib_version() >> 8) & 0xff,
		       neuron_drm_lib_version() & 0xff);
		draw_ring(d, n);
		if (state)
			print_state(d, n);
	}
}

#define CDI_KIND_DEFAULT "aws.amazon.com/neuron"

static void json_str(const char *s);

/*
 * A CDI kind is "vendor/class": vendor a DNS-like name, class a word
 * (the CNCF Container Device Interface spec).
 */
static bool cdi_kind_valid(const char *kind)
{
	const char *slash = strchr(kind, '/'), *p;

	if (!slash || slash == kind || !slash[1] || strchr(slash + 1, '/'))
		return false;
	for (p = kind; *p; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');

		if (p == slash)
			continue;
		/* first and last character of each part: a letter or digit */
		if ((p == kind || p == slash + 1 || p[1] == '/' || !p[1]) && !alnum)
			return false;
		if (!alnum && *p != '.' && *p != '-' && *p != '_')
			return false;
	}
	return true;
}

static void cdi_node(const struct dev *c, bool last)
{
	struct stat st;

	printf("          {\"path\": ");
	json_str(c->node.path);
	/*
	 * type, major and minor from the node itself, so that the runtime
	 * creates the same character device in the container; "rw": the
	 * cgroup access a user of the node needs (no mknod).
	 */
	if (stat(c->node.path, &st) == 0 && S_ISCHR(st.st_mode))
		printf(", \"type\": \"c\", \"major\": %u, \"minor\": %u",
		       major(st.st_rdev), minor(st.st_rdev));
	printf(", \"permissions\": \"rw\"}%s\n", last ? "" : ",");
}

/*
 * --cdi: the CNCF Container Device Interface spec of these devices.  One
 * device per index ("0", "1", ...) and "all".  cdiVersion 0.5.0: every
 * field used here exists in it, and it is what the CDI parser of Debian
 * bookworm's podman and containerd reads.
 */
static void print_cdi(const struct dev *d, int n, const char *kind)
{
	int i, k;

	printf("{\n  \"cdiVersion\": \"0.5.0\",\n  \"kind\": ");
	json_str(kind);
	printf(",\n  \"devices\": [\n");
	for (i = 0; i < n; i++) {
		printf("    {\n      \"name\": \"%d\",\n      \"containerEdits\": {\n"
		       "        \"deviceNodes\": [\n", i);
		cdi_node(&d[i], true);
		printf("        ]\n      }\n    },\n");
	}
	printf("    {\n      \"name\": \"all\",\n      \"containerEdits\": {\n"
	       "        \"deviceNodes\": [\n");
	for (k = 0; k < n; k++)
		cdi_node(&d[k], k == n - 1);
	printf("        ]\n      }\n    }\n  ]\n}\n");
}

/* Print @s as a JSON string (quotes and escapes). */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void json_link(const struct dev *c, int l)
{
	const struct drm_neuron_topology_link *lk = &c->topo.links[l];

	if (!c->have_topo || (uint32_t)l >= c->topo.link_count) {
		printf("null");
		return;
	}
	printf("{\"up\": %s, ", (lk->flags & DRM_NEURON_LINK_UP) ? "true" : "false");
	if (lk->flags & DRM_NEURON_LINK_PEER_ID_VALID)
		printf("\"peer_device_id\": \"0x%08" PRIx32 "\", ", lk->peer_device_id);
	else
		printf("\"peer_device_id\": null, ");
	if (c->peer[l] >= 0)
		printf("\"peer_index\": %d}", c->peer[l]);
	else
		printf("\"peer_index\": null}");
}

/* "memory": per-region usage in bytes, or null without the query. */
static void json_memory(const struct dev *c)
{
	uint32_t r;

	printf("      \"memory\": ");
	if (!c->have_mem) {
		printf("null,\n");
		return;
	}
	printf("{\"dram_used\": %" PRIu64 ", \"regions\": [", dram_used(c));
	for (r = 0; r < c->mem.region_count; r++) {
		const struct drm_neuron_memory_region *m = &c->mem.regions[r];

		bool dram = m->type == DRM_NEURON_REGION_DRAM;

		printf("%s{\"type\": \"%s\", \"index\": %" PRIu32 ", \"total\": ",
		       r ? ", " : "", dram ? "dram" :
		       m->type == DRM_NEURON_REGION_HOST ? "host" : "unknown",
		       m->index);
		/*
		 * Host BOs are pages of host memory, no pool of the device:
		 * the driver reports total 0 for "no limit of its own", which
		 * JSON says as null (so is largest_free).
		 */
		if (dram)
			printf("%" PRIu64, (uint64_t)m->total);
		else
			printf("null");
		printf(", \"used\": %" PRIu64 ", \"largest_free\": ", (uint64_t)m->used);
		if (dram)
			printf("%" PRIu64 "}", (uint64_t)m->largest_free);
		else
			printf("null}");
	}
	printf("]},\n");
}

/* "cores": owner of each NeuronCore, or null without the query. */
static void json_cores(const struct dev *c)
{
	uint32_t k;

	printf("      \"cores\": ");
	if (!c->have_cores) {
		printf("null,\n");
		return;
	}
	printf("[");
	for (k = 0; k < c->cores.core_count; k++) {
		const struct drm_neuron_core_owner *o = &c->cores.cores[k];

		printf("%s{\"index\": %" PRIu32 ", \"owned\": %s, \"pid\": %d, "
		       "\"caller\": %s}", k ? ", " : "", k,
		       (o->flags & DRM_NEURON_CORE_OWNER_OWNED) ? "true" : "false",
		       (int)o->pid,
		       (o->flags & DRM_NEURON_CORE_OWNER_CALLER) ? "true" : "false");
	}
	printf("],\n");
}

static void print_json(const struct dev *d, int n, int list_err)
{
	bool *seen = calloc((size_t)(n ? n : 1), sizeof(*seen));
	int *seq = calloc((size_t)(n ? n : 1), sizeof(*seq));
	bool first = true;
	int i, pass, k;
	char mod[64];

	printf("{\n  \"library_version\": \"%u.%u.%u\",\n",
	       neuron_drm_lib_version() >> 16, (neuron_drm_lib_version() >> 8) & 0xff,
	       neuron_drm_lib_version() & 0xff);
	/* null when neuron.ko is not loaded or carries no version (in tree) */
	printf("  \"module_version\": ");
	if (tool_module_version(mod, sizeof(mod))[0] >= '0' && mod[0] <= '9')
		json_str(mod);
	else
		printf("null");
	printf(",\n");
	if (list_err) {
		printf("  \"error\": ");
		json_str(neuron_drm_strerror(list_err));
		printf(",\n");
	}
	printf("  \"devices\": [");
	for (i = 0; i < n; i++) {
		const struct dev *c = &d[i];
		const struct drm_neuron_query_device_info *in = &c->info;
		bool info_ok = c->info_ok;

		printf("%s\n    {\n", i ? "," : "");
		printf("      \"index\": %d,\n      \"node\": ", i);
		json_str(c->node.path);
		printf(",\n      \"minor\": %u,\n      \"pci_slot\": ", c->node.minor);
		if (c->node.pci_slot[0])
			json_str(c->node.pci_slot);
		else
			printf("null");
		/* Ids as lspci writes them: hex strings, never decimal numbers. */
		printf(",\n      \"pci_vendor_id\": \"0x%04x\",\n      \"pci_device_id\": \"0x%04x\",\n",
		       c->node.pci_vendor, c->node.pci_device);
		printf("      \"driver_version\": \"%d.%d.%d\",\n", c->node.drv_major,
		       c->node.drv_minor, c->node.drv_patchlevel);
		if (info_ok) {
			printf("      \"device_id\": \"0x%08" PRIx32 "\",\n", in->device_id);
			printf("      \"pci_revision\": \"0x%02x\",\n", in->pci_revision);
			printf("      \"firmware\": {\"ready\": %s, \"status\": \"0x%08" PRIx32 "\"},\n",
			       (in->fw_status & DRM_NEURON_FW_STATUS_READY) ? "true" : "false",
			       in->fw_status);
			printf("      \"nc_count\": %" PRIu32 ",\n", in->nc_count);
			printf("      \"dma_engine_count\": %" PRIu32 ",\n", in->dma_engine_count);
			printf("      \"dram\": {\"channels\": %" PRIu32
			       ", \"channel_size\": %" PRIu64 ", \"size\": %" PRIu64 "},\n",
			       in->dram_channel_count, (uint64_t)in->dram_channel_size,
			       (uint64_t)in->dram_size);
			printf("      \"capabilities\": \"0x%016" PRIx64 "\",\n",
			       (uint64_t)in->capabilities);
			json_memory(c);
			json_cores(c);
			printf("      \"links\": {\"east\": ");
			json_link(c, EAST);
			printf(", \"west\": ");
			json_link(c, WEST);
			printf("},\n");
		}
		if (c->have_state) {
			unsigned int e, nc, si;

			printf("      \"state\": {\"dma_engines\": [");
			for (e = 0; e < c->n_engines; e++)
				printf("%s{\"m2s\": \"%s\", \"s2m\": \"%s\"}", e ? ", " : "",
				       engine_state_name(c->engine[e][0]),
				       engine_state_name(c->engine[e][1]));
			printf("],\n                \"semaphores\": [");
			for (nc = 0; nc < c->n_nc; nc++) {
				printf("%s[", nc ? ", " : "");
				for (si = 0; si < c->n_sems; si++)
					printf("%s%" PRId32, si ? ", " : "", c->sem[nc][si]);
				printf("]");
			}
			printf("]},\n");
		}
		printf("      \"error\": ");
		if (c->err) {
			char msg[160];

			snprintf(msg, sizeof(msg), "%s: %s", c->err_what,
				 neuron_drm_strerror(c->err));
			json_str(msg);
		} else {
			printf("null");
		}
		printf("\n    }");
	}
	printf("%s],\n  \"chains\": [", n ? "\n  " : "");
	/* Same walk as the diagram: east-ordered chains, closed = ring. */
	for (pass = 0; seen && seq && pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			bool closed;
			int len;

			if (seen[i] || (pass == 0 && has_east_pred(d, n, i)))
				continue;
			len = walk_chain(d, n, i, seen, seq, &closed);
			printf("%s\n    {\"closed\": %s, \"east_order\": [",
			       first ? "" : ",", closed ? "true" : "false");
			for (k = 0; k < len; k++)
				printf("%s%d", k ? ", " : "", seq[k]);
			printf("]}");
			first = false;
		}
	}
	printf("%s]\n}\n", first ? "" : "\n  ");
	free(seen);
	free(seq);
}

int main(int argc, char **argv)
{
	enum { OPT_CDI = 256, OPT_CDI_KIND };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "cdi", no_argument, NULL, OPT_CDI },
		{ "cdi-kind", required_argument, NULL, OPT_CDI_KIND },
		{ "state", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct neuron_drm_node *nodes = NULL;
	struct dev *d = NULL;
	bool json = false, state = false, failed = false, cdi = false;
	const char *cdi_kind = CDI_KIND_DEFAULT;
	int c, n, i, l;

	tool_output_init("neuron-ls");
	while ((c = getopt_long(argc, argv, "jshV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			state = true;
			break;
		case OPT_CDI:
			cdi = true;
			break;
		case OPT_CDI_KIND:
			cdi_kind = optarg;
			if (!cdi_kind_valid(cdi_kind)) {
				fprintf(stderr, "neuron-ls: --cdi-kind %s: want vendor/class "
					"(e.g. %s)\n", cdi_kind, CDI_KIND_DEFAULT);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_print_version("neuron-ls");
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "neuron-ls: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cdi && (json || state)) {
		fprintf(stderr, "neuron-ls: --cdi goes with neither --json nor --state\n");
		return EXIT_USAGE;
	}

	n = neuron_drm_list(NULL, 0);
	if (n > 0) {
		nodes = calloc((size_t)n, sizeof(*nodes));
		d = calloc((size_t)n, sizeof(*d));
		if (!nodes || !d) {
			fprintf(stderr, "neuron-ls: out of memory\n");
			return EXIT_ERROR;
		}
		/* Devices can come and go between the two calls. */
		int cap = n;

		n = neuron_drm_list(nodes, (unsigned int)cap);
		if (n > cap)
			n = cap;
	}
	if (n < 0) {
		if (json)
			print_json(NULL, 0, n);
		fprintf(stderr, "neuron-ls: cannot list devices: %s\n",
			neuron_drm_strerror(n));
		free(nodes);
		free(d);
		return EXIT_ERROR;
	}

	for (i = 0; i < n; i++) {
		d[i].node = nodes[i];
		probe(&d[i], state);
		if (d[i].err)
			failed = true;
	}
	for (i = 0; i < n; i++) {
		for (l = 0; l < DRM_NEURON_LINK_COUNT; l++) {
			const struct drm_neuron_topology_link *lk = &d[i].topo.links[l];

			d[i].peer[l] = -1;
			if (d[i].have_topo && (uint32_t)l < d[i].topo.link_count &&
			    (lk->flags & DRM_NEURON_LINK_UP) &&
			    (lk->flags & DRM_NEURON_LINK_PEER_LOCAL))
				d[i].peer[l] = index_of_minor(d, n, lk->peer_minor);
		}
	}

	if (cdi && n == 0)
		fprintf(stderr, "neuron-ls: no Neuron device: no CDI spec written\n");
	else if (cdi)
		print_cdi(d, n, cdi_kind);
	else if (json)
		print_json(d, n, 0);
	else if (n == 0)
		printf("No Neuron devices found.\n");
	else
		print_table(d, n, state);

	free(nodes);
	free(d);
	if (n == 0)
		return EXIT_NODEV;
	return failed ? EXIT_ERROR : 0;
}
