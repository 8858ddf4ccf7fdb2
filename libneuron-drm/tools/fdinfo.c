// SPDX-License-Identifier: MIT
/*
 * Parsing the DRM usage statistics of /proc/PID/fdinfo/FD: see fdinfo.h.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdinfo.h"

const char *const fdinfo_region_name[FDI_REGIONS] = { "host", "dram" };
const char *const fdinfo_kind_name[FDI_KINDS] = {
	"total", "shared", "active", "resident", "purgeable",
};

static int parse_u64(const char *s, const char **end, uint64_t *v)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

/* Only blanks up to the end of the value. */
static bool at_end(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

int fdinfo_parse_size(const char *s, uint64_t *bytes)
{
	static const struct { const char *unit; unsigned int shift; } u[] = {
		{ "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 }, { "TiB", 40 },
	};
	const char *e;
	uint64_t v;
	size_t i;

	if (parse_u64(s, &e, &v))
		return -EINVAL;
	while (*e == ' ')
		e++;
	if (at_end(e)) {
		*bytes = v;
		return 0;
	}
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		size_t n = strlen(u[i].unit);

		if (strncmp(e, u[i].unit, n) == 0 && at_end(e + n)) {
			if (v > (UINT64_MAX >> u[i].shift))
				return -EINVAL;
			*bytes = v << u[i].shift;
			return 0;
		}
	}
	return -EINVAL;
}

/* "drm-total-dram" and the like: region and kind, or -1. */
static int mem_key(const char *key, int *region, int *kind)
{
	int r, k;

	if (strncmp(key, "drm-", 4) != 0)
		return -1;
	key += 4;
	for (k = 0; k < FDI_KINDS; k++) {
		size_t n = strlen(fdinfo_kind_name[k]);

		if (strncmp(key, fdinfo_kind_name[k], n) != 0 || key[n] != '-')
			continue;
		for (r = 0; r < FDI_REGIONS; r++) {
			if (strcmp(key + n + 1, fdinfo_region_name[r]) == 0) {
				*region = r;
				*kind = k;
				return 0;
			}
		}
	}
	return -1;
}

int fdinfo_parse(const char *text, struct fdinfo *fi)
{
	const char *line = text;
	bool neuron = false;
	int bad = 0;

	memset(fi, 0, sizeof(*fi));
	fi->capacity = 1;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256], *colon, *val;
		const char *e;
		int region, kind;
		uint64_t v = 0;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : line + strlen(line);
		colon = strchr(buf, ':');
		if (!colon)
			continue;
		*colon = '\0';
		val = colon + 1;
		while (*val == ' ' || *val == '\t')
			val++;

		if (strcmp(buf, "drm-driver") == 0) {
			neuron = strcmp(val, "neuron") == 0;
		} else if (strcmp(buf, "drm-pdev") == 0) {
			snprintf(fi->pdev, sizeof(fi->pdev), "%s", val);
		} else if (strcmp(buf, "drm-client-id") == 0) {
			if (parse_u64(val, &e, &v) || !at_end(e))
				bad = 1;
			fi->client_id = v;
			fi->have_client_id = true;
		} else if (strcmp(buf, "drm-engine-dma") == 0) {
			/* "N ns" */
			if (parse_u64(val, &e, &v))
				bad = 1;
			else {
				while (*e == ' ')
					e++;
				if (strncmp(e, "ns", 2) != 0 || !at_end(e + 2))
					bad = 1;
			}
			fi->engine_ns = v;
			fi->have_engine = true;
		} else if (strcmp(buf, "drm-engine-capacity-dma") == 0) {
			if (parse_u64(val, &e, &v) || !at_end(e) ||
			    v == 0 || v > UINT32_MAX)
				bad = 1;
			else
				fi->capacity = (uint32_t)v;
		} else if (mem_key(buf, &region, &kind) == 0) {
			if (fdinfo_parse_size(val, &fi->mem[region][kind]))
				bad = 1;
			fi->have_mem[region][kind] = true;
		} else if (strncmp(buf, "neuron-jobs-", 12) == 0) {
			uint64_t *dst = !strcmp(buf + 12, "submitted") ? &fi->jobs_submitted :
					!strcmp(buf + 12, "completed") ? &fi->jobs_completed :
					!strcmp(buf + 12, "failed") ? &fi->jobs_failed : NULL;

			if (!dst)
				continue;
			if (parse_u64(val, &e, dst) || !at_end(e))
				bad = 1;
			fi->have_jobs = true;
		} else if (strcmp(buf, "neuron-guilty") == 0) {
			fi->guilty = (unsigned int)strtoul(val, NULL, 10);
		}
	}
	if (!neuron)
		return 0;
	return bad ? -EINVAL : 1;
}

double fdinfo_busy_pct(uint64_t ns0, uint64_t ns1, uint64_t dt_ns,
		       uint32_t capacity)
{
	double pct, max = 100.0 * (capacity ? capacity : 1);

	if (dt_ns == 0 || ns1 < ns0)
		return -1;
	pct = 100.0 * (double)(ns1 - ns0) / (double)dt_ns;
	/* Readings are not atomic with the clock: never above every engine busy. */
	return pct > max ? max : pct;
}

char *read_whole_file(const char *path, size_t max)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd, err;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			char *nb;

			if (cap >= max) {
				errno = EFBIG;
				goto fail_fd;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail_fd;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			errno = EFBIG;
			goto fail_fd;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail_fd:
	err = errno;
	close(fd);
	errno = err;
fail:
	err = errno;
	free(buf);
	errno = err;
	return NULL;
}
