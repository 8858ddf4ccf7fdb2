/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DMA throughput benchmark for the neuron-v1 model (not a test: it only
 * runs when NEURON_V1_BENCH=1, see sim/qemu/bench-dma.sh).
 *
 * Copies 64 MiB host -> device DRAM -> host with 64 KiB descriptors on
 * one queue pair, checks the result bit for bit and prints the model's
 * throughput beside a plain memcpy of the same size measured in the same
 * run.  Guest RAM is a shared file in /dev/shm that this program maps as
 * well, so filling and checking 64 MiB does not go through the qtest
 * socket.
 *
 * A second one measures the model's sustained host -> DRAM rate, the
 * baseline of make bench's 4 MiB jobs: a stream of 4 MiB doorbells for a
 * second (bench_dma_stream()).
 *
 * A third benchmark clears 1 GiB of device DRAM the way the driver clears
 * a new buffer object (64 KiB descriptors, all reading one zeroed 64 KiB
 * host buffer, destination advancing) and prints the time and the growth
 * of the QEMU process's resident memory (VmRSS).
 */
#include "neuron-v1-common.h"
#include "qemu/atomic.h"
#include "qemu/cutils.h"
#include <sys/mman.h>

#define RAM_SIZE        (512 * MiB)
#define COPY_SIZE       (64 * MiB)
#define DESC_LEN        (64 * KiB)
#define NDESC           (COPY_SIZE / DESC_LEN)
#define RING_N          32768       /* 512 KiB per ring */
#define RING_M2S_GPA    0x08000000ULL
#define RING_S2M_GPA    0x08100000ULL
#define SRC_GPA         0x10000000ULL
#define DST_GPA         0x14000000ULL
#define ZERO_GPA        0x18000000ULL
#define DRAM_OFF        0x0ULL
#define ROUNDS          3
#define STREAM_DOORBELL 64          /* descriptors per doorbell: 4 MiB */
#define STREAM_QUEUED   16          /* doorbells kept queued ahead */
#define STREAM_SECONDS  1
#define STREAM_POLL_US  100         /* 16 doorbells last over 3 ms */
#define CLEAR_SIZE      (1 * GiB)

typedef struct Bench {
    NvCtx *c;
    uint8_t *ram;
    uint32_t m_idx, r_idx;
    uint8_t m_id, r_id;
} Bench;

static void put_desc(Bench *b, bool s2m, uint32_t len_ctrl, uint32_t w1,
                     uint64_t ptr)
{
    uint32_t *idx = s2m ? &b->r_idx : &b->m_idx;
    uint8_t *id = s2m ? &b->r_id : &b->m_id;
    uint8_t *d = b->ram + (s2m ? RING_S2M_GPA : RING_M2S_GPA) + *idx * 16;

    stl_le_p(d, len_ctrl | ((uint32_t)*id << 24));
    stl_le_p(d + 4, w1);
    stq_le_p(d + 8, ptr);
    if (++*idx == RING_N) {
        *idx = 0;
        *id = (*id + 1) & 3;
    }
}

/*
 * @n 64 KiB descriptors (length field 0 = 64 KiB), destination advancing,
 * source advancing modulo @src_span; returns seconds.
 */
static double run_descs(Bench *b, uint64_t src, uint64_t src_span,
                        uint64_t dst, uint32_t n)
{
    int64_t t0, t1;
    uint32_t st;
    uint32_t i;

    for (i = 0; i < n; i++) {
        put_desc(b, true, 0, 0, dst + (uint64_t)i * DESC_LEN);
        put_desc(b, false, NV_FIRST | NV_LAST | (i == n - 1 ? NV_DMB : 0),
                 NV_META, src + ((uint64_t)i * DESC_LEN) % src_span);
    }
    /* descriptors visible before the doorbells */
    smp_wmb();
    t0 = g_get_monotonic_time();
    nv_wr0(b->c, 0, nv_q_off(2, 15, true) + 0x38, n);
    nv_wr0(b->c, 0, nv_q_off(2, 15, false) + 0x38, n);
    /*
     * Poll like a driver would, not back to back: each read takes QEMU's
     * big lock, which the model's DMA thread needs between its batches.
     */
    for (;;) {
        st = nv_rd0(b->c, 0, nv_q_off(2, 15, false) + 0x24);
        if (!(st & (1u << 8)) || (st & (1u << 31))) {
            break;
        }
        g_usleep(20);
    }
    t1 = g_get_monotonic_time();
    g_assert_cmphex(st, ==, 0);
    return (t1 - t0) / 1e6;
}

/* one leg of the copy benchmark: NDESC descriptors */
static double run_leg(Bench *b, uint64_t src, uint64_t dst)
{
    return run_descs(b, src, COPY_SIZE, dst, NDESC);
}

static double best_memcpy(uint8_t *dst, const uint8_t *src)
{
    double best = 1e9;
    int r;

    for (r = 0; r < ROUNDS; r++) {
        int64_t t0 = g_get_monotonic_time();

        memcpy(dst, src, COPY_SIZE);
        best = MIN(best, (g_get_monotonic_time() - t0) / 1e6);
        g_assert(dst[COPY_SIZE - 1] == src[COPY_SIZE - 1]);
    }
    return best;
}

/* benchmarks run only when asked for; otherwise the qtest is skipped */
static bool bench_wanted(void)
{
    if (getenv("NEURON_V1_BENCH")) {
        return true;
    }
    g_test_skip("benchmark: set NEURON_V1_BENCH=1 (sim/qemu/bench-dma.sh)");
    return false;
}

typedef struct BenchVm {
    char path[64];
    char pidfile[64];
    int fd;
} BenchVm;

/* QEMU with guest RAM shared with us, source pattern and queue set up */
static void bench_start(Bench *b, BenchVm *vm)
{
    g_autofree char *extra = NULL;
    uint32_t seed = 0x12345678;
    size_t i;

    strcpy(vm->path, "/dev/shm/neuron-v1-bench-XXXXXX");
    vm->fd = mkstemp(vm->path);
    g_assert(vm->fd >= 0);
    g_assert(ftruncate(vm->fd, RAM_SIZE) == 0);
    snprintf(vm->pidfile, sizeof(vm->pidfile), "%s.pid", vm->path);
    b->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vm->fd,
                  0);
    g_assert(b->ram != MAP_FAILED);
    extra = g_strdup_printf("-object memory-backend-file,id=ram0,size=%llu,"
                            "mem-path=%s,share=on,prealloc=on "
                            "-machine memory-backend=ram0 -pidfile %s",
                            (unsigned long long)RAM_SIZE, vm->path,
                            vm->pidfile);
    /* as make bench runs the device for the guest's figures, as root */
    b->c = nv_start_ring(1, geteuid() == 0 ? "dma-nice=-10" : NULL, extra);
    b->m_id = b->r_id = 1;
    b->m_idx = b->r_idx = 0;

    for (i = 0; i < COPY_SIZE; i += 4) {
        seed = seed * 1664525 + 1013904223;
        stl_le_p(b->ram + SRC_GPA + i, seed);
    }
    nv_engine_init(b->c, 0, 2);
    nv_ring_init(b->c, 0, 2, 15, false, RING_M2S_GPA | NV_HOST, RING_N);
    nv_ring_init(b->c, 0, 2, 15, true, RING_S2M_GPA | NV_HOST, RING_N);
}

static void bench_stop(Bench *b, BenchVm *vm)
{
    nv_stop(b->c);
    munmap(b->ram, RAM_SIZE);
    close(vm->fd);
    unlink(vm->path);
    unlink(vm->pidfile);
}

/* resident set of the QEMU process, MiB (guest RAM is prealloc'ed) */
static double qemu_rss_mib(BenchVm *vm)
{
    g_autofree char *pid = NULL, *status_path = NULL, *status = NULL;
    const char *p;

    g_assert(g_file_get_contents(vm->pidfile, &pid, NULL, NULL));
    g_strstrip(pid);
    status_path = g_strdup_printf("/proc/%s/status", pid);
    g_assert(g_file_get_contents(status_path, &status, NULL, NULL));
    p = strstr(status, "VmRSS:");
    g_assert(p);
    return g_ascii_strtoull(p + 6, NULL, 10) / 1024.0;
}

static void bench_dma(void)
{
    g_autofree uint8_t *tmp = NULL;
    double mc, h2d, d2h, best_rt = 1e9, best_h2d = 1e9, best_d2h = 1e9;
    double mb = COPY_SIZE / 1e6;
    Bench b = { 0 };
    BenchVm vm;
    int r;

    if (!bench_wanted()) {
        return;
    }
    bench_start(&b, &vm);

    for (r = 0; r < ROUNDS; r++) {
        memset(b.ram + DST_GPA, 0, COPY_SIZE);
        h2d = run_leg(&b, SRC_GPA | NV_HOST, DRAM_OFF);
        d2h = run_leg(&b, DRAM_OFF, DST_GPA | NV_HOST);
        g_assert(memcmp(b.ram + SRC_GPA, b.ram + DST_GPA, COPY_SIZE) == 0);
        printf("round %d%s: host->DRAM %.0f MB/s, DRAM->host %.0f MB/s, "
               "round trip %.0f MB/s (bit-exact)\n", r + 1,
               r == 0 ? " (cold DRAM pages)" : "", mb / h2d, mb / d2h,
               2 * mb / (h2d + d2h));
        best_h2d = MIN(best_h2d, h2d);
        best_d2h = MIN(best_d2h, d2h);
        best_rt = MIN(best_rt, h2d + d2h);
    }

    tmp = g_malloc(COPY_SIZE);
    memset(tmp, 1, COPY_SIZE);                  /* fault the pages in */
    mc = best_memcpy(tmp, b.ram + SRC_GPA);

    printf("memcpy 64 MiB:              %.0f MB/s\n", mb / mc);
    printf("model host->DRAM (best):    %.0f MB/s  (%.0f%% of memcpy)\n",
           mb / best_h2d, 100.0 * mc / best_h2d);
    printf("model DRAM->host (best):    %.0f MB/s  (%.0f%% of memcpy)\n",
           mb / best_d2h, 100.0 * mc / best_d2h);
    printf("model round trip (best):    %.0f MB/s  (%.0f%% of memcpy)\n",
           2 * mb / best_rt, 100.0 * 2 * mc / best_rt);
    printf("RATIO %.2f\n", 2 * mc / best_rt);
    fflush(stdout);

    bench_stop(&b, &vm);
}

/*
 * The model's sustained host -> DRAM rate, measured like the guest's
 * stream of 4 MiB jobs (igt-tests/bench/neuron_job_bench.c) but fed by
 * this process, which costs the device nothing: for STREAM_SECONDS,
 * 4 MiB doorbells over the same 64 MiB are kept STREAM_QUEUED deep, the
 * ring's head register (§5.4 +0x34), read every STREAM_POLL_US, says how
 * far the engine got; then the queue drains.  A stream, because a single
 * 64 MiB run lasts only a few milliseconds: the best of a few is a burst,
 * not a rate a stream of jobs can be held to.
 */
static void bench_dma_stream(void)
{
    uint64_t queued = 0, done = 0, span = STREAM_DOORBELL * STREAM_QUEUED;
    uint32_t o_m = nv_q_off(2, 15, false), o_r = nv_q_off(2, 15, true);
    uint32_t head, last, st, i;
    int64_t t0, t;
    Bench b = { 0 };
    BenchVm vm;
    double s;

    if (!bench_wanted()) {
        return;
    }
    bench_start(&b, &vm);
    /*
     * DRAM pages in, with other bytes than the stream's (zeroes would
     * give the pages back), so that the final comparison sees its work.
     */
    memset(b.ram + DST_GPA, 0xa5, COPY_SIZE);
    run_leg(&b, DST_GPA | NV_HOST, DRAM_OFF);

    last = nv_rd0(b.c, 0, o_m + 0x34) & 0xFFFFFF;
    g_assert_cmpuint(last, ==, b.m_idx);
    t0 = g_get_monotonic_time();
    for (;;) {
        t = g_get_monotonic_time();
        if (t - t0 < STREAM_SECONDS * G_USEC_PER_SEC) {
            while (queued - done < span) {
                for (i = 0; i < STREAM_DOORBELL; i++) {
                    uint64_t off = (queued + i) * DESC_LEN % COPY_SIZE;

                    put_desc(&b, true, 0, 0, DRAM_OFF + off);
                    put_desc(&b, false, NV_FIRST | NV_LAST, NV_META,
                             (SRC_GPA + off) | NV_HOST);
                }
                smp_wmb();
                nv_wr0(b.c, 0, o_r + 0x38, STREAM_DOORBELL);
                nv_wr0(b.c, 0, o_m + 0x38, STREAM_DOORBELL);
                queued += STREAM_DOORBELL;
            }
        } else if (done == queued) {
            break;
        } else {
            /* a drain of 16 doorbells takes milliseconds, not seconds */
            g_assert_cmpint(t - t0, <, (STREAM_SECONDS + 10) * G_USEC_PER_SEC);
        }
        g_usleep(STREAM_POLL_US);
        st = nv_rd0(b.c, 0, o_m + 0x24);
        g_assert_cmphex(st & (1u << 31), ==, 0);
        head = nv_rd0(b.c, 0, o_m + 0x34) & 0xFFFFFF;
        done += (head + RING_N - last) % RING_N;
        last = head;
    }
    s = (g_get_monotonic_time() - t0) / 1e6;
    /* every pass wrote the same 64 MiB: read it back, bit for bit */
    memset(b.ram + DST_GPA, 0, COPY_SIZE);
    run_leg(&b, DRAM_OFF, DST_GPA | NV_HOST);
    g_assert(memcmp(b.ram + SRC_GPA, b.ram + DST_GPA, COPY_SIZE) == 0);
    printf("model host->DRAM stream:    %.0f MB/s  (%.1f s, %" PRIu64
           " MiB in 4 MiB doorbells, %d queued; bit-exact)\n",
           done * DESC_LEN / 1e6 / s, s, done * DESC_LEN / MiB,
           STREAM_QUEUED);
    fflush(stdout);
    bench_stop(&b, &vm);
}

/* read back @len bytes of DRAM at @off through BAR4; all zero? */
static bool dram_is_zero(Bench *b, uint64_t off, uint64_t len)
{
    uint8_t buf[4096];
    uint64_t i;

    for (i = 0; i < len; i += sizeof(buf)) {
        qtest_memread(b->c->qts, b->c->dev[0].bar4 + off + i, buf,
                      sizeof(buf));
        if (!buffer_is_zero(buf, sizeof(buf))) {
            return false;
        }
    }
    return true;
}

static double clear_dram(Bench *b)
{
    return run_descs(b, ZERO_GPA | NV_HOST, DESC_LEN, DRAM_OFF,
                     CLEAR_SIZE / DESC_LEN);
}

/*
 * Clear 1 GiB of DRAM like the driver clears a new BO: fresh DRAM, again
 * (already clear), and after filling it with data.
 */
static void bench_clear(void)
{
    double rss0, rss1, rss2, rss3, rss4, t_fresh, t_again, t_fill, t_full;
    double gb = CLEAR_SIZE / 1e9;
    Bench b = { 0 };
    BenchVm vm;

    if (!bench_wanted()) {
        return;
    }
    bench_start(&b, &vm);
    memset(b.ram + ZERO_GPA, 0, DESC_LEN);

    rss0 = qemu_rss_mib(&vm);
    t_fresh = clear_dram(&b);
    rss1 = qemu_rss_mib(&vm);
    t_again = clear_dram(&b);
    rss2 = qemu_rss_mib(&vm);
    t_fill = run_descs(&b, SRC_GPA | NV_HOST, COPY_SIZE, DRAM_OFF,
                       CLEAR_SIZE / DESC_LEN);
    rss3 = qemu_rss_mib(&vm);
    t_full = clear_dram(&b);
    rss4 = qemu_rss_mib(&vm);
    g_assert(dram_is_zero(&b, 0, 1 * MiB));
    g_assert(dram_is_zero(&b, CLEAR_SIZE - 1 * MiB, 1 * MiB));

    printf("clear 1 GiB of fresh DRAM:  %.3f s (%.1f GB/s), "
           "QEMU VmRSS %+.0f MiB\n", t_fresh, gb / t_fresh, rss1 - rss0);
    printf("clear it again:             %.3f s (%.1f GB/s), "
           "QEMU VmRSS %+.0f MiB\n", t_again, gb / t_again, rss2 - rss1);
    printf("fill 1 GiB with data:       %.3f s (%.1f GB/s), "
           "QEMU VmRSS %+.0f MiB\n", t_fill, gb / t_fill, rss3 - rss2);
    printf("clear 1 GiB of full DRAM:   %.3f s (%.1f GB/s), "
           "QEMU VmRSS %+.0f MiB\n", t_full, gb / t_full, rss4 - rss3);
    printf("QEMU VmRSS: start %.0f MiB, end %.0f MiB\n", rss0, rss4);
    fflush(stdout);

    bench_stop(&b, &vm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/neuron-v1-bench/dma-64MiB", bench_dma);
    qtest_add_func("/neuron-v1-bench/dma-stream", bench_dma_stream);
    qtest_add_func("/neuron-v1-bench/clear-1GiB", bench_clear);
    return g_test_run();
}
