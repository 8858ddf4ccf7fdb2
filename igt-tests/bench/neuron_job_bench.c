// SPDX-License-Identifier: MIT
/*
 * neuron_job_bench - cost of DMA jobs (DRM_IOCTL_NEURON_SUBMIT), each figure
 * beside a baseline measured in the same run:
 *
 *   latency     submit -> out-fence signalled of a 4-byte host->DRAM job,
 *               p50/p99            vs a no-op QUERY ioctl round trip, and
 *                                  a 10 us nanosleep (one timer wake-up)
 *   throughput  4-byte jobs per second with 1, 8 and 64 in flight
 *                                  vs 1 in flight, and the no-op ioctl rate
 *   bandwidth   a stream of 4 MiB host->DRAM jobs over one 64 MiB pair of
 *               BOs for the run time, 16 in flight
 *                                  vs memcpy in this guest, and the model's
 *                                  raw DMA rate when given with -r (make
 *                                  bench passes the sustained rate that
 *                                  sim/qemu/bench-dma.sh measured, a
 *                                  stream of 4 MiB doorbells)
 *   polling     CPU time of the driver's completion poller per second, idle
 *               and under each load, from /sys/kernel/debug/accel/<PCI>/jobs
 *                                  vs the wall time (percent of one CPU)
 *
 * Usage: neuron_job_bench [-d DEVICE_INDEX] [-t SECONDS] [-r RAW_MB_PER_S]
 * A benchmark, not a test: it prints figures and ratios and exits 0 unless
 * something fails outright (a copy that is not bit-exact counts).
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#define MiB		(1024ull * 1024)
#define SEC_NS		1000000000ll
#define BW_TOTAL	(64 * MiB)
#define BW_CHUNK	(4 * MiB)
#define BW_JOBS		(BW_TOTAL / BW_CHUNK)
#define BW_INFLIGHT	16
#define MAX_INFLIGHT	64

static int fd;
static double seconds = 1.0;
static char jobs_path[128];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * SEC_NS + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "neuron_job_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void xioctl(unsigned long req, void *arg, const char *what)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret && (errno == EINTR || errno == EAGAIN));
	if (ret)
		die(what);
}

static int open_device(int index)
{
	char path[64];
	int i, found = 0;

	for (i = 0; i < 64; i++) {
		struct drm_version v = {};
		char name[16] = "";
		int f;

		snprintf(path, sizeof(path), "/dev/accel/accel%d", i);
		f = open(path, O_RDWR | O_CLOEXEC);
		if (f < 0)
			continue;
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (!ioctl(f, DRM_IOCTL_VERSION, &v) && !strcmp(name, "neuron") &&
		    found++ == index)
			return f;
		close(f);
	}
	errno = ENODEV;
	die("no neuron device");
	return -1;
}

/* ---- buffer objects, syncobjs, jobs ---- */

static uint32_t bo_create(uint64_t size, uint32_t placement)
{
	struct drm_neuron_bo_create c = { .size = size, .placement = placement };

	xioctl(DRM_IOCTL_NEURON_BO_CREATE, &c, "BO_CREATE");
	return c.handle;
}

static void *bo_map(uint32_t h, uint64_t size)
{
	struct drm_neuron_bo_info i = { .handle = h };
	void *p;

	xioctl(DRM_IOCTL_NEURON_BO_INFO, &i, "BO_INFO");
	if (!(i.info_flags & DRM_NEURON_BO_INFO_MAPPABLE))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, i.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap BO");
	return p;
}

static void bo_close(uint32_t h)
{
	struct drm_gem_close c = { .handle = h };

	xioctl(DRM_IOCTL_GEM_CLOSE, &c, "GEM_CLOSE");
}

static uint32_t syncobj_create(void)
{
	struct drm_syncobj_create c = { 0 };

	xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c, "SYNCOBJ_CREATE");
	return c.handle;
}

static void syncobj_destroy(uint32_t h)
{
	struct drm_syncobj_destroy d = { .handle = h };

	xioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d, "SYNCOBJ_DESTROY");
}

static void syncobj_wait(uint32_t h)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&h, .count_handles = 1,
		.timeout_nsec = now_ns() + 60 * SEC_NS,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	};

	xioctl(DRM_IOCTL_SYNCOBJ_WAIT, &w, "SYNCOBJ_WAIT");
}

/* One COPY job on engine 0, its fence into binary syncobj @out. */
static void copy_job(uint32_t src, uint64_t soff, uint32_t dst, uint64_t doff,
		     uint64_t size, uint32_t out)
{
	struct drm_neuron_xfer x = {
		.type = DRM_NEURON_XFER_COPY, .src_handle = src, .dst_handle = dst,
		.src_offset = soff, .dst_offset = doff, .size = size,
	};
	struct drm_neuron_submit s = {
		.engine = 0,
		.xfers = (uintptr_t)&x, .xfer_count = 1,
		.out_sync = { .handle = out },
	};

	xioctl(DRM_IOCTL_NEURON_SUBMIT, &s, "SUBMIT");
}

static void noop_query(void)
{
	/* The size step of QUERY: validates, touches no hardware. */
	struct drm_neuron_query q = { .type = DRM_NEURON_QUERY_DEVICE_INFO };

	xioctl(DRM_IOCTL_NEURON_QUERY, &q, "QUERY");
}

/* ---- the poller's counters ---- */

struct poll_stat {
	long long polls, poll_ns;
	int64_t t;
};

static bool poll_read(struct poll_stat *ps)
{
	char line[128];
	FILE *f = fopen(jobs_path, "r");

	ps->t = now_ns();
	ps->polls = ps->poll_ns = -1;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "polls: %lld", &ps->polls);
		sscanf(line, "poll_ns: %lld", &ps->poll_ns);
	}
	fclose(f);
	return ps->polls >= 0 && ps->poll_ns >= 0;
}

static void poll_line(const char *what, const struct poll_stat *a,
		      const struct poll_stat *b)
{
	double wall = (b->t - a->t) / 1e9;

	if (a->polls < 0 || b->polls < 0) {
		printf("polling    %-26s (no %s: debugfs not mounted?)\n", what, jobs_path);
		return;
	}
	printf("polling    %-26s %9.0f polls/s  %9.1f us CPU/s   baseline 1e6 us/s (wall)   ratio %.5f (%.3f%% of a CPU)\n",
	       what, (b->polls - a->polls) / wall, (b->poll_ns - a->poll_ns) / wall / 1e3,
	       (b->poll_ns - a->poll_ns) / (wall * 1e9),
	       100.0 * (b->poll_ns - a->poll_ns) / (wall * 1e9));
}

/* ---- figures ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void percentiles(int64_t *v, int n, double *p50, double *p99)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	*p50 = v[n / 2] / 1e3;
	*p99 = v[n * 99 / 100] / 1e3;
}

static double query_rate;

static void bench_latency(uint32_t src, uint32_t dst)
{
	enum { NQ = 4000, NJ = 1000, NS = 500 };
	static int64_t q[NQ], j[NJ], sl[NS];
	double q50, q99, j50, j99, s50, s99;
	uint32_t so = syncobj_create();
	int64_t t0, t;
	int n;

	for (n = 0; n < 100; n++)
		noop_query();
	t0 = now_ns();
	for (n = 0; n < NQ; n++) {
		t = now_ns();
		noop_query();
		q[n] = now_ns() - t;
	}
	query_rate = NQ / ((now_ns() - t0) / 1e9);

	/* Second baseline: a 10 us sleep, i.e. one timer wake-up of this guest. */
	for (n = 0; n < NS; n++) {
		struct timespec ts = { .tv_nsec = 10000 };

		t = now_ns();
		nanosleep(&ts, NULL);
		sl[n] = now_ns() - t;
	}

	for (n = 0; n < 20; n++) {
		copy_job(src, 0, dst, 0, 4, so);
		syncobj_wait(so);
	}
	t0 = now_ns();
	for (n = 0; n < NJ && now_ns() - t0 < 4 * seconds * SEC_NS; n++) {
		t = now_ns();
		copy_job(src, 0, dst, 0, 4, so);
		syncobj_wait(so);
		j[n] = now_ns() - t;
	}
	syncobj_destroy(so);

	percentiles(q, NQ, &q50, &q99);
	percentiles(j, n, &j50, &j99);
	percentiles(sl, NS, &s50, &s99);
	printf("latency    4-byte job submit->fence (%d)  p50 %8.1f us  p99 %8.1f us   "
	       "baseline no-op QUERY p50 %6.2f us  p99 %6.2f us   ratio p50 %.0f  p99 %.0f\n",
	       n, j50, j99, q50, q99, j50 / q50, j99 / q99);
	printf("latency    baseline nanosleep(10 us)        p50 %8.1f us  p99 %8.1f us   "
	       "(one timer wake-up in this guest)   ratio p50 %.1f  p99 %.1f\n",
	       s50, s99, j50 / s50, j99 / s99);
}

static void bench_throughput(uint32_t src, uint32_t dst)
{
	static const int depth[] = { 1, 8, 64 };
	uint32_t so[MAX_INFLIGHT];
	double one = 0;

	for (int i = 0; i < MAX_INFLIGHT; i++)
		so[i] = syncobj_create();

	for (unsigned int d = 0; d < sizeof(depth) / sizeof(depth[0]); d++) {
		struct poll_stat a, b;
		int k = depth[d];
		int64_t t0, t;
		long n = 0;
		double r;

		poll_read(&a);
		t0 = now_ns();
		do {
			/* Keep k jobs in flight: reuse the syncobj of job n - k. */
			if (n >= k)
				syncobj_wait(so[n % k]);
			copy_job(src, 0, dst, (n % 1024) * 4, 4, so[n % k]);
			n++;
			t = now_ns();
		} while (t - t0 < seconds * SEC_NS);
		for (long i = n - k < 0 ? 0 : n - k; i < n; i++)
			syncobj_wait(so[i % k]);
		t = now_ns();
		poll_read(&b);

		r = n / ((t - t0) / 1e9);
		if (k == 1)
			one = r;
		printf("throughput %2d in flight               %9.0f jobs/s   "
		       "baseline 1 in flight %9.0f jobs/s  ratio %5.2f   "
		       "no-op QUERY %9.0f /s  ratio %.4f\n",
		       k, r, one, r / one, query_rate, r / query_rate);
		{
			char what[32];

			snprintf(what, sizeof(what), "%d jobs in flight", k);
			poll_line(what, &a, &b);
		}
	}
	for (int i = 0; i < MAX_INFLIGHT; i++)
		syncobj_destroy(so[i]);
}

static void bench_bandwidth(uint32_t hbo, uint8_t *hmap, uint32_t dbo,
			    double raw_mbps)
{
	double first, stream, mcpy = 0;
	uint32_t so[BW_INFLIGHT];
	struct poll_stat a, b;
	uint8_t *tmp, *dmap;
	long n = 0;
	int64_t t;

	for (int i = 0; i < BW_INFLIGHT; i++)
		so[i] = syncobj_create();

	/* Baseline: memcpy of the same 64 MiB in this guest (best of 3). */
	tmp = malloc(BW_TOTAL);
	if (!tmp)
		die("malloc");
	memset(tmp, 0, BW_TOTAL);
	for (int r = 0; r < 3; r++) {
		int64_t m = now_ns();

		memcpy(tmp, hmap, BW_TOTAL);
		/* Keep the copy: tmp is freed unread. */
		__asm__ volatile("" : : "r"(tmp) : "memory");
		m = now_ns() - m;
		if (BW_TOTAL / MiB / (m / 1e9) > mcpy)
			mcpy = BW_TOTAL / MiB / (m / 1e9);
	}
	free(tmp);

	/* The first pass over the BOs, cold: 16 jobs back to back. */
	t = now_ns();
	for (uint64_t off = 0; off < BW_TOTAL; off += BW_CHUNK)
		copy_job(hbo, off, dbo, off, BW_CHUNK, so[0]);
	syncobj_wait(so[0]);	/* the last job; the queue runs in order */
	first = BW_TOTAL / MiB / ((now_ns() - t) / 1e9);

	/*
	 * The figure: a stream of 4 MiB jobs over the same 64 MiB for the run
	 * time, BW_INFLIGHT in flight, so that one job's start-up and the
	 * last one's completion wake-up weigh as little as in the raw rate's
	 * single 64 MiB doorbell.
	 */
	poll_read(&a);
	t = now_ns();
	do {
		/* Keep BW_INFLIGHT jobs in flight: reuse job n - BW_INFLIGHT's. */
		if (n >= BW_INFLIGHT)
			syncobj_wait(so[n % BW_INFLIGHT]);
		copy_job(hbo, (n % BW_JOBS) * BW_CHUNK, dbo,
			 (n % BW_JOBS) * BW_CHUNK, BW_CHUNK, so[n % BW_INFLIGHT]);
		n++;
	} while (now_ns() - t < seconds * SEC_NS);
	for (long i = n > BW_INFLIGHT ? n - BW_INFLIGHT : 0; i < n; i++)
		syncobj_wait(so[i % BW_INFLIGHT]);
	t = now_ns() - t;
	poll_read(&b);
	stream = n * (double)BW_CHUNK / MiB / (t / 1e9);
	for (int i = 0; i < BW_INFLIGHT; i++)
		syncobj_destroy(so[i]);

	/* Bit-exact check through the DRAM BAR when it is mappable. */
	dmap = bo_map(dbo, BW_TOTAL);
	if (dmap) {
		if (memcmp(dmap, hmap, BW_TOTAL)) {
			fprintf(stderr, "neuron_job_bench: host->DRAM copy not bit-exact\n");
			exit(1);
		}
		munmap(dmap, BW_TOTAL);
	}

	printf("bandwidth  64 MiB host->DRAM, 4 MiB jobs %7.0f MB/s (%ld jobs, %d in flight; first pass %.0f MB/s)%s\n",
	       stream, n, BW_INFLIGHT, first, dmap ? ", bit-exact" : "");
	printf("bandwidth  baseline memcpy in the guest  %7.0f MB/s   ratio %.3f\n",
	       mcpy, stream / mcpy);
	if (raw_mbps > 0)
		printf("bandwidth  baseline raw model DMA     %7.0f MB/s   ratio %.3f "
		       "(sim/qemu/bench-dma.sh: stream, no guest)\n",
		       raw_mbps, stream / raw_mbps);
	else
		printf("bandwidth  baseline raw model DMA     not given (-r MB/s; make bench passes it)\n");
	poll_line("64 MiB in 4 MiB jobs", &a, &b);
}

int main(int argc, char **argv)
{
	double raw_mbps = 0;
	int opt, index = 0;
	uint32_t hbo, dbo;
	struct poll_stat a, b;
	struct stat st;
	uint8_t *hmap;

	while ((opt = getopt(argc, argv, "d:t:r:")) != -1) {
		if (opt == 'd')
			index = atoi(optarg);
		else if (opt == 't')
			seconds = atof(optarg);
		else if (opt == 'r')
			raw_mbps = atof(optarg);
		else {
			fprintf(stderr, "usage: %s [-d INDEX] [-t SECONDS] [-r RAW_MB_PER_S]\n",
				argv[0]);
			return 2;
		}
	}
	fd = open_device(index);
	if (fstat(fd, &st))
		die("fstat");
	{
		/* debugfs names the device by its parent's (PCI) name. */
		char link[128], target[256] = "";
		const char *pci;

		snprintf(link, sizeof(link), "/sys/class/accel/accel%u/device",
			 minor(st.st_rdev));
		if (readlink(link, target, sizeof(target) - 1) < 0)
			die(link);
		pci = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
		snprintf(jobs_path, sizeof(jobs_path), "/sys/kernel/debug/accel/%s/jobs",
			 pci);
	}

	hbo = bo_create(BW_TOTAL, DRM_NEURON_BO_HOST);
	dbo = bo_create(BW_TOTAL, DRM_NEURON_BO_DRAM);
	hmap = bo_map(hbo, BW_TOTAL);
	if (!hmap)
		die("host BO not mappable");
	for (uint64_t i = 0; i < BW_TOTAL / 8; i++)
		((uint64_t *)hmap)[i] = i * 0x9e3779b97f4a7c15ull;

	printf("neuron_job_bench: device %d (%s), %.1f s per figure, jobs on DMA engine 0\n",
	       index, jobs_path, seconds);

	poll_read(&a);
	sleep(1);
	poll_read(&b);
	poll_line("idle (1 s, nothing queued)", &a, &b);

	bench_latency(hbo, dbo);
	bench_throughput(hbo, dbo);
	bench_bandwidth(hbo, hmap, dbo, raw_mbps);

	poll_read(&a);
	sleep(1);
	poll_read(&b);
	poll_line("idle again (1 s)", &a, &b);

	munmap(hmap, BW_TOTAL);
	bo_close(dbo);
	bo_close(hbo);
	close(fd);
	return 0;
}
