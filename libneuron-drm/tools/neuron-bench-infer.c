// SPDX-License-Identifier: MIT
/*
 * neuron-bench-infer - inference round trips through a program
 * (neuron_drm_program_create() once, neuron_drm_program_run() each time),
 * written as a runtime would write its loop, each figure beside a baseline
 * measured in the same run.
 *
 * Uses libneuron-drm only (no ioctl of its own).  See --help and
 * Documentation/accel/neuron/libneuron-drm.rst.
 *
 * One inference is the program
 *
 *   input BO        -> NeuronCore state buffer
 *   instructions BO -> NeuronCore instruction FIFO
 *   state buffer    -> output BO                 (barrier)
 *   constant 1 BO   -> semaphore INCR            (barrier)
 *   constant 1 BO   -> event SET                 (barrier; a queue entry)
 *
 * run with an out syncobj that the loop waits for.  The same loop runs
 * 4-byte host->DRAM jobs (neuron_drm_submit_xfers()), a program 16 times
 * as long (its copies cut into pieces until it has 16 times the hardware
 * descriptors; the same bytes), and both descriptor lists as plain
 * submits (validated every time), each with 1, 8 and 64 in flight (a ring
 * of binary syncobjs, as igt-tests/bench/neuron_job_bench.c does).
 * Baselines: a no-op QUERY and a 10 us nanosleep (one timer wake-up).
 *
 * Exit status:
 *   0  figures printed, the data verified (output = input bit-exact after
 *      each kind of run, the semaphore up by exactly the number of runs,
 *      one EVENT queue entry per run, counting the ones the full ring
 *      dropped)
 *   1  error: a call failed, a job failed, or the verification did not hold
 *   2  usage error
 *   3  no neuron device
 * A benchmark: the figures are not judged (the goal column is a figure).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neuron_drm.h"
#include "tool-output.h"
#include "tool-version.h"

#define EXIT_ERROR 1
#define EXIT_USAGE 2
#define EXIT_NODEV 3

#define SEC_NS		1000000000LL
#define MAX_INFLIGHT	64
#define WARMUP		20
/*
 * The long program: its copies cut into pieces until it has 16 times the
 * hardware descriptors of the short one (what a run puts in the ring),
 * within the limits of one job.
 */
#define LONG_FACTOR	16
#define SHORT_DESCS	5
#define MAX_PIECES	((DRM_NEURON_SUBMIT_MAX_DESCS - 2) / 3)
/* No-op QUERY and nanosleep baselines: round trips measured. */
#define QUERY_N		4000
#define SLEEP_N		500

static const int depths[] = { 1, 8, MAX_INFLIGHT };
#define N_DEPTHS ((int)(sizeof(depths) / sizeof(depths[0])))

/* What one round trip submits. */
enum kind {
	K_XFER,		/* a 4-byte host->DRAM transfer */
	K_PROG,		/* the inference program */
	K_PROG_LONG,	/* the program with 16 times the hardware descriptors */
	K_DESC,		/* the program's descriptors as a plain submit */
	K_DESC_LONG,	/* the long program's descriptors as a plain submit */
	K_COUNT,
};

static const char *const kind_name[K_COUNT] = {
	"4-byte job", "program", "long program", "plain submit", "long plain submit",
};
static const char *const kind_key[K_COUNT] = {
	"xfer4", "program", "program_long", "submit", "submit_long",
};

enum bo_index { BO_IN, BO_CODE, BO_OUT, BO_ONE, BO_COUNT };

struct figure {
	long n;			/* round trips timed */
	double per_s;		/* round trips per second */
	double p50_us, p99_us;	/* 1 in flight only: the round trip */
	double call_p50_us, call_p99_us;	/* ... and the submit call alone */
};

static struct {
	int fd;
	unsigned int index;
	uint32_t core, engine, sem, event;
	uint64_t in_size, code_size;
	long count;		/* -n: round trips per figure, 0 = by time */
	double seconds;		/* -t: seconds per figure */
	bool json;

	uint32_t bo[BO_COUNT], dram, so[MAX_INFLIGHT];
	uint8_t *in, *out;
	uint64_t in_map, out_map;
	struct drm_neuron_dma_desc descs[SHORT_DESCS], *long_descs;
	uint32_t long_count, prog, prog_long, hw_short, hw_long;
	unsigned long runs[K_COUNT];	/* every submit, warm-up included */

	/* the EVENT notification queue, if it could be set up */
	uint32_t nq_bo, nq_size, *nq;
	uint64_t nq_map, nq_seen, nq_bad, nq_dropped;

	struct figure fig[K_COUNT][N_DEPTHS];
	double query_p50, query_p99, query_per_s, sleep_p50, sleep_p99;

	struct samples {
		int64_t *v;
		size_t cap;
	} lat, call;
} b = {
	.in_size = 64 << 10, .code_size = 4 << 10, .seconds = 2.0,
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: neuron-bench-infer [OPTION]...\n"
		"Measure inference round trips through a program: created once\n"
		"(input -> NeuronCore state buffer, instructions -> instruction\n"
		"FIFO, state buffer -> output, semaphore +1, event), then run and\n"
		"waited for again and again, with 1, 8 and 64 in flight; beside\n"
		"4-byte DMA jobs, a program 16x as long, the same descriptors as\n"
		"plain submits, a no-op ioctl and a 10 us sleep, all in the same run.\n"
		"\n"
		"  -d, --device N      device index (neuron-ls order, default 0)\n"
		"  -c, --core N        NeuronCore to own and use (default 0)\n"
		"  -e, --engine N      DMA engine (default 0)\n"
		"  -s, --size BYTES    input and output tensor size (default 65536;\n"
		"                      64 .. 16777216)\n"
		"  -i, --instr BYTES   instructions size (default 4096; 64 .. 16384)\n"
		"  -n, --count N       round trips per figure (default: by time)\n"
		"  -t, --time SECS     seconds per figure without -n (default 2)\n"
		"  -j, --json          the summary as JSON on stdout\n"
		"  -h, --help          this text\n"
		"  -V, --version       versions of the tool, the library and neuron.ko\n"
		"\n"
		"The summary's goal column is the aim of the inference path:\n"
		"inference round trips/s at least 0.5 x 4-byte jobs/s; it is a\n"
		"figure, not a verdict.\n"
		"\n"
		"Exit status: 0 measured and verified (output equal to input, the\n"
		"semaphore and the event queue up by the number of runs); 1 a call,\n"
		"a job or the verification failed; 2 usage error; 3 no Neuron device.\n");
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SEC_NS + ts.tv_nsec;
}

/* Report a failed call and end with status 1. */
static void die(const char *what, int err)
{
	fprintf(stderr, "neuron-bench-infer: %s: %s\n", what, neuron_drm_strerror(err));
	exit(EXIT_ERROR);
}

static void check(int ret, const char *what)
{
	if (ret < 0)
		die(what, ret);
}

/* ---- one round trip of each kind ---- */

static void submit_one(enum kind k, uint32_t so)
{
	struct drm_neuron_sync out = { .handle = so };
	struct drm_neuron_submit s;
	struct drm_neuron_xfer x;
	int ret;

	switch (k) {
	case K_XFER:
		neuron_drm_xfer_copy(&x, b.bo[BO_IN], 0, b.dram, 0, 4);
		ret = neuron_drm_submit_xfers(b.fd, b.engine, 0, &x, 1, NULL, 0,
					      &out, NULL);
		break;
	case K_PROG:
	case K_PROG_LONG:
		ret = neuron_drm_program_run(b.fd, 0, b.engine, 0,
					     k == K_PROG ? b.prog : b.prog_long,
					     NULL, 0, &out, NULL);
		break;
	default:
		/* What a runtime without programs does: validated every time. */
		memset(&s, 0, sizeof(s));
		s.engine = b.engine;
		s.descs = (uintptr_t)(k == K_DESC ? b.descs : b.long_descs);
		s.desc_count = k == K_DESC ? SHORT_DESCS : b.long_count;
		s.bo_handles = (uintptr_t)b.bo;
		s.bo_handle_count = BO_COUNT;
		s.out_sync = out;
		ret = neuron_drm_submit(b.fd, &s);
		break;
	}
	if (ret < 0)
		die(kind_name[k], ret);
	b.runs[k]++;
}

static void wait_one(uint32_t so)
{
	check(neuron_drm_syncobj_wait(b.fd, &so, 1, neuron_drm_abs_timeout(60 * SEC_NS),
				      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
	      "syncobj wait");
}

/* A signalled fence may carry a job's error: ask, outside the timing. */
static void job_status(uint32_t so, enum kind k)
{
	int st = 0;

	check(neuron_drm_syncobj_status(b.fd, so, &st), "syncobj status");
	if (st != 1) {
		fprintf(stderr, "neuron-bench-infer: %s: job failed: %s\n", kind_name[k],
			st < 0 ? neuron_drm_strerror(st) : "not signalled");
		exit(EXIT_ERROR);
	}
}

static void store(struct samples *sm, long n, int64_t v)
{
	if ((size_t)n >= sm->cap) {
		size_t cap = sm->cap ? 2 * sm->cap : 4096;
		int64_t *p = realloc(sm->v, cap * sizeof(*p));

		if (!p)
			die("latencies", -ENOMEM);
		sm->v = p;
		sm->cap = cap;
	}
	sm->v[n] = v;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, c = *(const int64_t *)y;

	return a < c ? -1 : a > c;
}

static void percentiles(int64_t *v, long n, double *p50, double *p99)
{
	if (n <= 0) {
		*p50 = *p99 = 0;
		return;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	*p50 = (double)v[n / 2] / 1e3;
	*p99 = (double)v[n * 99 / 100] / 1e3;
}

static bool phase_done(long n, int64_t t0)
{
	if (b.count)
		return n >= b.count;
	return now_ns() - t0 >= (int64_t)(b.seconds * SEC_NS);
}

/*
 * Round trips of kind @k with @depth in flight: before reusing a syncobj
 * of the ring, wait for the job it holds.  With one in flight every round
 * trip (submit -> fence signalled -> waiter awake) is timed, and the
 * submit call alone: that is where a plain submit validates.
 */
static void run_phase(enum kind k, int depth, struct figure *f)
{
	int64_t t0, t;
	long n = 0, i;

	for (i = 0; i < WARMUP; i++) {
		submit_one(k, b.so[0]);
		wait_one(b.so[0]);
	}
	t0 = now_ns();
	do {
		uint32_t so = b.so[n % depth];

		if (n >= depth)
			wait_one(so);
		t = now_ns();
		submit_one(k, so);
		if (depth == 1) {
			store(&b.call, n, now_ns() - t);
			wait_one(so);
			store(&b.lat, n, now_ns() - t);
		}
		n++;
	} while (!phase_done(n, t0));
	for (i = n - depth < 0 ? 0 : n - depth; i < n; i++)
		wait_one(b.so[i % depth]);
	t = now_ns();
	for (i = n - depth < 0 ? 0 : n - depth; i < n; i++)
		job_status(b.so[i % depth], k);

	f->n = n;
	f->per_s = (double)n / ((double)(t - t0) / 1e9);
	if (depth == 1) {
		percentiles(b.lat.v, n, &f->p50_us, &f->p99_us);
		percentiles(b.call.v, n, &f->call_p50_us, &f->call_p99_us);
	}
}

/* ---- the EVENT queue ---- */

/* Hand back every new entry, checking that each is our event's SET. */
static void nq_drain(void)
{
	struct drm_neuron_nq_advance na;
	uint32_t head, phase, cnt = 0, max;

	if (!b.nq)
		return;
	check(neuron_drm_nq_advance(b.fd, b.core, DRM_NEURON_NQ_EVENT, 0, 0, &na),
	      "event queue");
	head = na.head;
	phase = na.phase;
	max = b.nq_size / DRM_NEURON_NQ_ENTRY_SIZE - 1;
	while (cnt < max) {
		/* The device writes word 0 last. */
		uint32_t w0 = __atomic_load_n(&b.nq[head / 4], __ATOMIC_ACQUIRE);

		if (w0 >> 31 != phase)
			break;
		if (((w0 >> 24) & 0x7f) != DRM_NEURON_NQ_EVENT ||
		    (w0 & 0xffffff) != b.event || b.nq[head / 4 + 1] != 1)
			b.nq_bad++;
		cnt++;
		head += DRM_NEURON_NQ_ENTRY_SIZE;
		if (head == b.nq_size) {
			head = 0;
			phase ^= 1;
		}
	}
	if (cnt)
		check(neuron_drm_nq_advance(b.fd, b.core, DRM_NEURON_NQ_EVENT, 0, cnt, &na),
		      "event queue advance");
	b.nq_seen += cnt;
	b.nq_dropped = na.dropped;
}

static void nq_setup(void)
{
	/* 64 KiB (4095 entries) if the device gets it in one piece, else a page. */
	static const uint32_t sizes[] = { 64 << 10, 4 << 10 };
	unsigned int i;
	int ret = 0;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		check(neuron_drm_bo_create(b.fd, sizes[i], DRM_NEURON_BO_HOST, 0, 0, &b.nq_bo),
		      "event queue BO");
		ret = neuron_drm_nq_create(b.fd, b.core, DRM_NEURON_NQ_EVENT, 0, b.nq_bo,
					   sizes[i]);
		if (ret == 0) {
			b.nq_size = sizes[i];
			check(neuron_drm_bo_map(b.fd, b.nq_bo, (void **)&b.nq, &b.nq_map),
			      "map event queue");
			return;
		}
		neuron_drm_gem_close(b.fd, b.nq_bo);
		b.nq_bo = 0;
		if (ret != -EINVAL)
			break;
	}
	/* Not essential: the semaphore still counts the runs. */
	fprintf(stderr, "neuron-bench-infer: no event queue (%s): entries not counted\n",
		neuron_drm_strerror(ret));
}

/* ---- set-up ---- */

static void fill_input(unsigned int seed)
{
	uint64_t i, x = 0x9e3779b97f4a7c15ULL * (seed + 1);

	for (i = 0; i < b.in_size; i++) {
		/* xorshift: every byte differs from its neighbours' */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b.in[i] = (uint8_t)x;
	}
	memset(b.out, 0, b.in_size);
}

/* The copies of [0, size) in @pieces descriptors. */
static unsigned int add_pieces(struct drm_neuron_dma_desc *d, unsigned int pieces,
			       uint32_t src_bo, bool src_core, uint32_t dst_bo,
			       uint32_t dst_region, bool dst_core, uint64_t size,
			       uint32_t flags)
{
	unsigned int p;

	for (p = 0; p < pieces; p++) {
		uint64_t a = size * p / pieces, z = size * (p + 1) / pieces;
		struct drm_neuron_mem_ref src, dst;

		src = src_core ? neuron_drm_mem_core(b.core, DRM_NEURON_CORE_STATE_BUF, a)
			       : neuron_drm_mem_bo(src_bo, a);
		dst = dst_core ? neuron_drm_mem_core(b.core, dst_region, a)
			       : neuron_drm_mem_bo(dst_bo, a);
		/* The barrier on the first piece orders the whole copy. */
		neuron_drm_desc_copy(&d[p], src, dst, (uint32_t)(z - a), p ? 0 : flags);
	}
	return pieces;
}

/* The inference program's descriptors, its copies in @pieces each. */
static unsigned int build_descs(struct drm_neuron_dma_desc *d, unsigned int pieces)
{
	unsigned int n = 0;

	n += add_pieces(d + n, pieces, BO_IN, false, 0, DRM_NEURON_CORE_STATE_BUF, true,
			b.in_size, 0);
	n += add_pieces(d + n, pieces, BO_CODE, false, 0, DRM_NEURON_CORE_INSTR_FIFO, true,
			b.code_size, 0);
	n += add_pieces(d + n, pieces, 0, true, BO_OUT, 0, false, b.in_size,
			DRM_NEURON_DESC_BARRIER);
	neuron_drm_desc_copy(&d[n++], neuron_drm_mem_bo(BO_ONE, 0),
			     neuron_drm_mem_core(b.core, DRM_NEURON_CORE_SEM_INCR, 4 * b.sem),
			     4, DRM_NEURON_DESC_BARRIER);
	neuron_drm_desc_copy(&d[n++], neuron_drm_mem_bo(BO_ONE, 0),
			     neuron_drm_mem_core(b.core, DRM_NEURON_CORE_EVENT, 4 * b.event),
			     4, DRM_NEURON_DESC_BARRIER);
	return n;
}

/*
 * How many hardware descriptors a copy becomes depends on how the BOs'
 * pages lie for the device, which only the kernel knows: cut the copies
 * finer until the long program has LONG_FACTOR times the short one's.
 */
static void create_long(void)
{
	uint64_t target = (uint64_t)LONG_FACTOR * b.hw_short, pieces = 16, good = 0;
	uint64_t max = b.code_size < b.in_size ? b.code_size : b.in_size;
	int tries, ret;

	/* No piece of 0 bytes, no more descriptors than a job takes. */
	if (max > MAX_PIECES)
		max = MAX_PIECES;
	if (target > DRM_NEURON_SUBMIT_MAX_HW_DESCS)
		target = DRM_NEURON_SUBMIT_MAX_HW_DESCS;
	b.long_descs = calloc(3 * max + 2, sizeof(*b.long_descs));
	if (!b.long_descs)
		die("long program", -ENOMEM);
	for (tries = 0; tries < 8; tries++) {
		b.long_count = build_descs(b.long_descs, (unsigned int)pieces);
		ret = neuron_drm_program_create(b.fd, b.long_descs, b.long_count, b.bo,
						BO_COUNT, &b.prog_long, &b.hw_long);
		if (ret == -EINVAL && good) {
			/* past the job's hardware descriptor limit: back off */
			pieces = good + (pieces - good) / 2;
			if (pieces == good)
				break;
			continue;
		}
		check(ret, "long program");
		if (b.hw_long >= target * 15 / 16 || pieces == max)
			return;
		check(neuron_drm_program_destroy(b.fd, b.prog_long), "long program");
		good = pieces;
		/* Each piece adds at least one hardware descriptor. */
		pieces += (target - b.hw_long + 2) / 3;
		if (pieces > max)
			pieces = max;
	}
	/* Not there in a few steps: the finest cut that was accepted. */
	b.long_count = build_descs(b.long_descs, (unsigned int)good);
	check(neuron_drm_program_create(b.fd, b.long_descs, b.long_count, b.bo, BO_COUNT,
					&b.prog_long, &b.hw_long), "long program");
}

static void setup(void)
{
	struct drm_neuron_query_device_info info;
	uint64_t sizes[BO_COUNT] = { b.in_size, b.code_size, b.in_size, 4 };
	uint8_t *code;
	uint32_t *one;
	uint64_t len;
	int i;

	check(neuron_drm_query_device_info(b.fd, &info), "device info");
	if (b.core >= info.nc_count || b.engine >= info.dma_engine_count) {
		fprintf(stderr, "neuron-bench-infer: device %u has %u NeuronCores and %u DMA "
			"engines\n", b.index, info.nc_count, info.dma_engine_count);
		exit(EXIT_USAGE);
	}
	check(neuron_drm_core_acquire(b.fd, 1u << b.core), "acquire NeuronCore");

	for (i = 0; i < BO_COUNT; i++)
		check(neuron_drm_bo_create(b.fd, sizes[i], DRM_NEURON_BO_HOST, 0, 0, &b.bo[i]),
		      "host BO");
	check(neuron_drm_bo_create(b.fd, 4096, DRM_NEURON_BO_DRAM, 0, 0, &b.dram), "DRAM BO");
	check(neuron_drm_bo_map(b.fd, b.bo[BO_IN], (void **)&b.in, &b.in_map), "map input");
	check(neuron_drm_bo_map(b.fd, b.bo[BO_OUT], (void **)&b.out, &b.out_map), "map output");
	check(neuron_drm_bo_map(b.fd, b.bo[BO_CODE], (void **)&code, &len), "map instructions");
	for (uint64_t j = 0; j < b.code_size; j++)
		code[j] = (uint8_t)(j * 7 + 1);
	neuron_drm_bo_unmap(code, len);
	check(neuron_drm_bo_map(b.fd, b.bo[BO_ONE], (void **)&one, &len), "map constant");
	*one = 1;
	neuron_drm_bo_unmap(one, len);
	for (i = 0; i < MAX_INFLIGHT; i++)
		check(neuron_drm_syncobj_create(b.fd, 0, &b.so[i]), "syncobj");

	nq_setup();

	/* Validated and translated once each; a run costs the same whatever their length. */
	build_descs(b.descs, 1);
	check(neuron_drm_program_create(b.fd, b.descs, SHORT_DESCS, b.bo, BO_COUNT,
					&b.prog, &b.hw_short), "program");
	create_long();
}

/* ---- baselines ---- */

static void baselines(void)
{
	int64_t t0, t;
	int n;

	for (n = 0; n < 100; n++)
		check(neuron_drm_query(b.fd, DRM_NEURON_QUERY_DEVICE_INFO, NULL, 0), "QUERY");
	t0 = now_ns();
	for (n = 0; n < QUERY_N; n++) {
		t = now_ns();
		/* The size step of QUERY: validates, touches no hardware. */
		check(neuron_drm_query(b.fd, DRM_NEURON_QUERY_DEVICE_INFO, NULL, 0), "QUERY");
		store(&b.lat, n, now_ns() - t);
	}
	b.query_per_s = QUERY_N / ((double)(now_ns() - t0) / 1e9);
	percentiles(b.lat.v, QUERY_N, &b.query_p50, &b.query_p99);

	/* One timer wake-up: what every sleeping wait pays at least. */
	for (n = 0; n < SLEEP_N; n++) {
		struct timespec ts = { .tv_nsec = 10000 };

		t = now_ns();
		nanosleep(&ts, NULL);
		store(&b.lat, n, now_ns() - t);
	}
	percentiles(b.lat.v, SLEEP_N, &b.sleep_p50, &b.sleep_p99);
}

/* ---- verification ---- */

static bool verify_output(enum kind k)
{
	if (memcmp(b.in, b.out, b.in_size) == 0)
		return true;
	fprintf(stderr, "neuron-bench-infer: %s: output differs from input\n", kind_name[k]);
	return false;
}

struct verdict {
	bool data_ok;
	int32_t sem;
	unsigned long sem_expected, nq_expected;
};

static bool verify_counts(struct verdict *v)
{
	int64_t end = now_ns() + 2 * SEC_NS;
	bool ok = true;

	v->sem = 0;
	check(neuron_drm_sem_op(b.fd, b.core, b.sem, DRM_NEURON_SEM_READ, &v->sem),
	      "semaphore read");
	/* Every run of every program and descriptor submit adds 1 (the core
	 * started at 0: acquiring it cleared its semaphores). */
	v->sem_expected = b.runs[K_PROG] + b.runs[K_PROG_LONG] + b.runs[K_DESC] +
			  b.runs[K_DESC_LONG];
	v->nq_expected = v->sem_expected;
	if ((uint32_t)v->sem != (uint32_t)v->sem_expected) {
		fprintf(stderr, "neuron-bench-infer: semaphore %" PRId32 ", expected %lu\n",
			v->sem, v->sem_expected);
		ok = false;
	}
	if (!b.nq)
		return ok;
	/* The fences signalled; give the last entries a moment all the same. */
	for (;;) {
		nq_drain();
		if (b.nq_seen + b.nq_dropped >= v->nq_expected || now_ns() > end)
			break;
		neuron_drm_wait(b.fd, DRM_NEURON_WAIT_NQ, b.core, DRM_NEURON_NQ_EVENT, 0, 0,
				neuron_drm_abs_timeout(SEC_NS / 10), NULL);
	}
	if (b.nq_seen + b.nq_dropped != v->nq_expected || b.nq_bad) {
		fprintf(stderr, "neuron-bench-infer: event queue: %" PRIu64 " entries + %"
			PRIu64 " dropped (%" PRIu64 " not our event), expected %lu\n",
			b.nq_seen, b.nq_dropped, b.nq_bad, v->nq_expected);
		ok = false;
	}
	return ok;
}

/* ---- output ---- */

struct row {
	const char *figure, *unit, *baseline;
	double value, base, goal;	/* goal: minimum ratio, 0 = none */
};

#define MAX_ROWS 24
static struct row rows[MAX_ROWS];
static int n_rows;

static void row(const char *figure, double value, const char *unit,
		const char *baseline, double base, double goal)
{
	if (n_rows < MAX_ROWS)
		rows[n_rows++] = (struct row){ figure, unit, baseline, value, base, goal };
}

static void build_rows(void)
{
	static char names[MAX_ROWS][2][64];
	const struct figure *x = b.fig[K_XFER], *p = b.fig[K_PROG];
	int d, r = 0;

	row("inference round trip p50, 1 in flight", p[0].p50_us, "us",
	    "4-byte job p50", x[0].p50_us, 0);
	row("inference round trip p99, 1 in flight", p[0].p99_us, "us",
	    "4-byte job p99", x[0].p99_us, 0);
	row("inference round trip p50", p[0].p50_us, "us",
	    "no-op QUERY p50", b.query_p50, 0);
	row("inference round trip p50", p[0].p50_us, "us",
	    "nanosleep(10 us) p50", b.sleep_p50, 0);
	/* The submit call alone: where validation would be paid. */
	row("program run call p50", p[0].call_p50_us, "us",
	    "4-byte job submit call p50", x[0].call_p50_us, 0);
	row("long program run call p50", b.fig[K_PROG_LONG][0].call_p50_us, "us",
	    "program run call p50", p[0].call_p50_us, 0);
	row("plain submit call p50", b.fig[K_DESC][0].call_p50_us, "us",
	    "program run call p50", p[0].call_p50_us, 0);
	row("long plain submit call p50", b.fig[K_DESC_LONG][0].call_p50_us, "us",
	    "long program run call p50", b.fig[K_PROG_LONG][0].call_p50_us, 0);
	for (d = 0; d < N_DEPTHS; d++, r++) {
		snprintf(names[r][0], sizeof(names[r][0]),
			 "inference round trips/s, %d in flight", depths[d]);
		snprintf(names[r][1], sizeof(names[r][1]), "4-byte jobs/s, %d in flight",
			 depths[d]);
		row(names[r][0], p[d].per_s, "/s", names[r][1], x[d].per_s, 0.5);
	}
	for (int k = K_PROG_LONG; k < K_COUNT; k++) {
		/* Each against the program with the same descriptors. */
		enum kind base = k == K_DESC_LONG ? K_PROG_LONG : K_PROG;

		for (d = 0; d < N_DEPTHS; d++, r++) {
			snprintf(names[r][0], sizeof(names[r][0]), "%s/s, %d in flight",
				 kind_name[k], depths[d]);
			snprintf(names[r][1], sizeof(names[r][1]), "%s/s", kind_name[base]);
			row(names[r][0], b.fig[k][d].per_s, "/s", names[r][1],
			    b.fig[base][d].per_s, 0);
		}
	}
}

static void print_table(void)
{
	int i;

	printf("\n%-42s %12s   %-30s %12s %8s  %s\n", "figure", "measured",
	       "baseline (same run)", "", "ratio", "goal");
	for (i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		char goal[16] = "-";

		if (r->goal > 0)
			snprintf(goal, sizeof(goal), ">= %.2f", r->goal);
		printf("%-42s %9.1f %-2s   %-30s %9.1f %-2s %8.3f  %s\n", r->figure, r->value,
		       r->unit, r->baseline, r->base, r->unit,
		       r->base > 0 ? r->value / r->base : 0, goal);
	}
}

static void print_details(void)
{
	int k, d;

	printf("neuron-bench-infer: device %u, NeuronCore %u, DMA engine %u; input/output "
	       "%" PRIu64 " B, instructions %" PRIu64 " B\n", b.index, b.core, b.engine,
	       b.in_size, b.code_size);
	printf("program: %d descriptors (%u hardware); long program: %u descriptors "
	       "(%u hardware, %.1fx); event queue: ", SHORT_DESCS, b.hw_short, b.long_count,
	       b.hw_long, (double)b.hw_long / b.hw_short);
	if (b.nq)
		printf("%u entries\n", b.nq_size / DRM_NEURON_NQ_ENTRY_SIZE - 1);
	else
		printf("none\n");
	printf("baseline   no-op QUERY        p50 %8.2f us  p99 %8.2f us  %9.0f /s\n",
	       b.query_p50, b.query_p99, b.query_per_s);
	printf("baseline   nanosleep(10 us)   p50 %8.1f us  p99 %8.1f us\n",
	       b.sleep_p50, b.sleep_p99);
	for (k = 0; k < K_COUNT; k++)
		for (d = 0; d < N_DEPTHS; d++) {
			const struct figure *f = &b.fig[k][d];

			printf("%-18s %2d in flight %9.0f /s (%ld)", kind_name[k], depths[d],
			       f->per_s, f->n);
			if (depths[d] == 1)
				printf("   p50 %8.1f us  p99 %8.1f us   submit call p50 %7.1f us"
				       "  p99 %7.1f us", f->p50_us, f->p99_us, f->call_p50_us,
				       f->call_p99_us);
			printf("\n");
		}
}

static void print_json(const struct verdict *v, bool ok)
{
	int i, k, d;

	printf("{\n  \"device\": %u, \"core\": %u, \"engine\": %u,\n", b.index, b.core,
	       b.engine);
	printf("  \"input_bytes\": %" PRIu64 ", \"instr_bytes\": %" PRIu64 ",\n",
	       b.in_size, b.code_size);
	printf("  \"program\": { \"descs\": %d, \"hw_descs\": %u },\n", SHORT_DESCS,
	       b.hw_short);
	printf("  \"program_long\": { \"descs\": %u, \"hw_descs\": %u },\n", b.long_count,
	       b.hw_long);
	printf("  \"baseline\": { \"noop_query_p50_us\": %.3f, \"noop_query_p99_us\": %.3f, "
	       "\"noop_query_per_s\": %.1f, \"nanosleep_10us_p50_us\": %.3f, "
	       "\"nanosleep_10us_p99_us\": %.3f },\n", b.query_p50, b.query_p99,
	       b.query_per_s, b.sleep_p50, b.sleep_p99);
	printf("  \"figures\": [");
	for (k = 0; k < K_COUNT; k++)
		for (d = 0; d < N_DEPTHS; d++) {
			const struct figure *f = &b.fig[k][d];

			printf("%s\n    { \"kind\": \"%s\", \"in_flight\": %d, \"round_trips\": %ld, "
			       "\"per_s\": %.1f", k || d ? "," : "", kind_key[k], depths[d], f->n,
			       f->per_s);
			if (depths[d] == 1)
				printf(", \"p50_us\": %.3f, \"p99_us\": %.3f, \"call_p50_us\": %.3f, "
				       "\"call_p99_us\": %.3f", f->p50_us, f->p99_us, f->call_p50_us,
				       f->call_p99_us);
			printf(" }");
		}
	printf("\n  ],\n  \"summary\": [");
	for (i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];

		printf("%s\n    { \"figure\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", "
		       "\"baseline\": \"%s\", \"baseline_value\": %.3f, \"ratio\": %.4f, "
		       "\"goal_min_ratio\": ", i ? "," : "", r->figure, r->value, r->unit,
		       r->baseline, r->base, r->base > 0 ? r->value / r->base : 0);
		if (r->goal > 0)
			printf("%.2f }", r->goal);
		else
			printf("null }");
	}
	printf("\n  ],\n  \"verify\": { \"ok\": %s, \"data_bit_exact\": %s, "
	       "\"semaphore\": %" PRId32 ", \"semaphore_expected\": %lu, ",
	       ok ? "true" : "false", v->data_ok ? "true" : "false", v->sem,
	       v->sem_expected);
	if (b.nq)
		printf("\"nq_entries\": %" PRIu64 ", \"nq_dropped\": %" PRIu64
		       ", \"nq_expected\": %lu }\n}\n", b.nq_seen, b.nq_dropped,
		       v->nq_expected);
	else
		printf("\"nq_entries\": null, \"nq_dropped\": null, \"nq_expected\": null }\n}\n");
}

/* ---- command line ---- */

static bool parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	if (!s || !*s || *s == '-')
		return false;
	x = strtoull(s, &end, 0);
	if (errno || *end || x < min || x > max)
		return false;
	*v = x;
	return true;
}

static void bad_arg(const char *opt, const char *arg)
{
	fprintf(stderr, "neuron-bench-infer: %s: bad value '%s'\n", opt, arg);
	usage(stderr);
	exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "core", required_argument, NULL, 'c' },
		{ "engine", required_argument, NULL, 'e' },
		{ "size", required_argument, NULL, 's' },
		{ "instr", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct verdict v = { .data_ok = true };
	uint64_t x;
	char *end;
	bool ok;
	int c, k, d;

	tool_output_init("neuron-bench-infer");
	while ((c = getopt_long(argc, argv, "d:c:e:s:i:n:t:jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_u64(optarg, 0, 255, &x))
				bad_arg("--device", optarg);
			b.index = (unsigned int)x;
			break;
		case 'c':
			if (!parse_u64(optarg, 0, 31, &x))
				bad_arg("--core", optarg);
			b.core = (uint32_t)x;
			break;
		case 'e':
			if (!parse_u64(optarg, 0, 255, &x))
				bad_arg("--engine", optarg);
			b.engine = (uint32_t)x;
			break;
		case 's':
			if (!parse_u64(optarg, 64, DRM_NEURON_CORE_STATE_BUF_SIZE, &x))
				bad_arg("--size", optarg);
			b.in_size = x;
			break;
		case 'i':
			if (!parse_u64(optarg, 64, DRM_NEURON_CORE_INSTR_FIFO_SIZE, &x))
				bad_arg("--instr", optarg);
			b.code_size = x;
			break;
		case 'n':
			if (!parse_u64(optarg, 1, 100000000, &x))
				bad_arg("--count", optarg);
			b.count = (long)x;
			break;
		case 't':
			errno = 0;
			b.seconds = strtod(optarg, &end);
			if (errno || *end || !(b.seconds > 0 && b.seconds <= 3600))
				bad_arg("--time", optarg);
			break;
		case 'j':
			b.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			tool_print_version("neuron-bench-infer");
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "neuron-bench-infer: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}

	b.fd = neuron_drm_open_index(b.index);
	if (b.fd < 0) {
		fprintf(stderr, "neuron-bench-infer: device %u: %s\n", b.index,
			neuron_drm_strerror(b.fd));
		return b.fd == -ENODEV ? EXIT_NODEV : EXIT_ERROR;
	}
	setup();
	baselines();

	/* Each kind on fresh data, checked once its last job has signalled. */
	for (k = 0; k < K_COUNT; k++) {
		fill_input((unsigned int)k);
		for (d = 0; d < N_DEPTHS; d++)
			run_phase((enum kind)k, depths[d], &b.fig[k][d]);
		if (k != K_XFER && !verify_output((enum kind)k))
			v.data_ok = false;
		/* Outside the timing, as a runtime's poller would between batches. */
		nq_drain();
	}
	ok = verify_counts(&v) && v.data_ok;

	build_rows();
	if (b.json) {
		print_json(&v, ok);
	} else {
		print_details();
		print_table();
		printf("\nverify: output = input bit-exact: %s; semaphore %" PRId32
		       " (expected %lu)", v.data_ok ? "yes" : "NO", v.sem, v.sem_expected);
		if (b.nq)
			printf("; event queue %" PRIu64 " entries read + %" PRIu64
			       " dropped by the full ring (expected %lu)", b.nq_seen,
			       b.nq_dropped, v.nq_expected);
		printf("; %s\n", ok ? "OK" : "FAILED");
	}

	neuron_drm_program_destroy(b.fd, b.prog);
	neuron_drm_program_destroy(b.fd, b.prog_long);
	free(b.lat.v);
	free(b.call.v);
	free(b.long_descs);
	neuron_drm_close(b.fd);	/* frees BOs, syncobjs, the queue and the core */
	return ok ? 0 : EXIT_ERROR;
}
