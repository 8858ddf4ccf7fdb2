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
 */
#include "neuron-v1-common.h"
#include "qemu/atomic.h"
#include <sys/mman.h>

#define RAM_SIZE        (512 * MiB)
#define COPY_SIZE       (64 * MiB)
#define DESC_LEN        (64 * KiB)
#define NDESC           (COPY_SIZE / DESC_LEN)
#define RING_N          (2 * NDESC)
#define RING_M2S_GPA    0x08000000ULL
#define RING_S2M_GPA    0x08100000ULL
#define SRC_GPA         0x10000000ULL
#define DST_GPA         0x14000000ULL
#define DRAM_OFF        0x0ULL
#define ROUNDS          3

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

/* one leg: NDESC 64 KiB descriptors (length field 0 = 64 KiB); seconds */
static double run_leg(Bench *b, uint64_t src, uint64_t dst)
{
    int64_t t0, t1;
    uint32_t st;
    int i;

    for (i = 0; i < NDESC; i++) {
        put_desc(b, true, 0, 0, dst + (uint64_t)i * DESC_LEN);
        put_desc(b, false, NV_FIRST | NV_LAST | (i == NDESC - 1 ? NV_DMB : 0),
                 NV_META, src + (uint64_t)i * DESC_LEN);
    }
    /* descriptors visible before the doorbells */
    smp_wmb();
    t0 = g_get_monotonic_time();
    nv_wr0(b->c, 0, nv_q_off(2, 15, true) + 0x38, NDESC);
    nv_wr0(b->c, 0, nv_q_off(2, 15, false) + 0x38, NDESC);
    do {
        st = nv_rd0(b->c, 0, nv_q_off(2, 15, false) + 0x24);
    } while ((st & (1u << 8)) && !(st & (1u << 31)));
    t1 = g_get_monotonic_time();
    g_assert_cmphex(st, ==, 0);
    return (t1 - t0) / 1e6;
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

static void bench_dma(void)
{
    char path[] = "/dev/shm/neuron-v1-bench-XXXXXX";
    g_autofree char *extra = NULL;
    g_autofree uint8_t *tmp = NULL;
    double mc, h2d, d2h, best_rt = 1e9, best_h2d = 1e9, best_d2h = 1e9;
    double mb = COPY_SIZE / 1e6;
    Bench b = { .m_id = 1, .r_id = 1 };
    uint32_t seed = 0x12345678;
    int fd, r;
    size_t i;

    if (!getenv("NEURON_V1_BENCH")) {
        g_test_skip("benchmark: set NEURON_V1_BENCH=1 (sim/qemu/bench-dma.sh)");
        return;
    }
    fd = mkstemp(path);
    g_assert(fd >= 0);
    g_assert(ftruncate(fd, RAM_SIZE) == 0);
    b.ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    g_assert(b.ram != MAP_FAILED);
    extra = g_strdup_printf("-object memory-backend-file,id=ram0,size=%llu,"
                            "mem-path=%s,share=on,prealloc=on "
                            "-machine memory-backend=ram0",
                            (unsigned long long)RAM_SIZE, path);
    b.c = nv_start_ring(1, NULL, extra);

    for (i = 0; i < COPY_SIZE; i += 4) {
        seed = seed * 1664525 + 1013904223;
        stl_le_p(b.ram + SRC_GPA + i, seed);
    }
    nv_engine_init(b.c, 0, 2);
    nv_ring_init(b.c, 0, 2, 15, false, RING_M2S_GPA | NV_HOST, RING_N);
    nv_ring_init(b.c, 0, 2, 15, true, RING_S2M_GPA | NV_HOST, RING_N);

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

    nv_stop(b.c);
    munmap(b.ram, RAM_SIZE);
    close(fd);
    unlink(path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/neuron-v1-bench/dma-64MiB", bench_dma);
    return g_test_run();
}
