/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtests for the neuron-v1 device model.  Test names carry the section of
 * the hardware specification (neuron-v1-hw.md) they check.
 */
#include "neuron-v1-common.h"
#include "qapi/qmp/qdict.h"
#include "qemu/cutils.h"
#include <sys/resource.h>

#define DRAM_A          0x00100000ULL           /* ch0 scratch */
#define DRAM_B          (NV_DA_DRAM1 + 0x2000)  /* ch1 scratch */

/* ------------------------------------------------------------------ §2 */

/* how many threads of process @pid run at nice @nice */
static int threads_at_nice(const char *pid, int nice)
{
    g_autofree char *dir = g_strdup_printf("/proc/%s/task", pid);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *tid;
    int n = 0;

    g_assert(d);
    while ((tid = g_dir_read_name(d))) {
        g_autofree char *path = g_strdup_printf("%s/%s/stat", dir, tid);
        g_autofree char *stat = NULL;
        g_auto(GStrv) f = NULL;
        const char *p;

        if (!g_file_get_contents(path, &stat, NULL, NULL)) {
            continue;                   /* gone meanwhile */
        }
        /* after "(comm)": state is field 3, nice field 19 */
        p = strrchr(stat, ')');
        g_assert(p);
        f = g_strsplit(p + 2, " ", 0);
        g_assert_cmpuint(g_strv_length(f), >, 16);
        n += atoi(f[16]) == nice;
    }
    g_dir_close(d);
    return n;
}

/*
 * The launcher's dma-nice lands on the DMA thread, and only there; values
 * out of range are refused.  Raising the nice value needs no privilege.
 */
static void test_dma_nice(void)
{
    g_autofree char *pidfile = g_strdup_printf("/tmp/neuron-v1-nice-%d.pid",
                                               getpid());
    /* a root port to plug a second device into: q35's pcie.0 cannot */
    g_autofree char *extra = g_strdup_printf(
        "-pidfile %s -device pcie-root-port,id=rp9,bus=pcie.0,addr=0x9,"
        "chassis=9,slot=9", pidfile);
    g_autofree char *opts = NULL;
    g_autofree char *pid = NULL;
    int base, want, i;
    const char *desc;
    NvCtx *c;
    QDict *rsp;

    errno = 0;
    base = getpriority(PRIO_PROCESS, 0);
    g_assert_cmpint(errno, ==, 0);
    want = MIN(base + 3, 19);
    if (want == base) {
        g_test_skip("this process already runs at nice 19");
        return;
    }
    opts = g_strdup_printf("dma-nice=%d", want);
    c = nv_start_ring(1, opts, extra);
    g_assert(g_file_get_contents(pidfile, &pid, NULL, NULL));
    g_strstrip(pid);
    /* the thread sets it when it starts, which may be just after realize */
    for (i = 0; i < 500 && !threads_at_nice(pid, want); i++) {
        g_usleep(10000);
    }
    g_assert_cmpint(threads_at_nice(pid, want), ==, 1);

    /* into the root port, where only dma-nice can refuse it */
    rsp = qtest_qmp(c->qts, "{'execute': 'device_add', 'arguments': "
                    "{'driver': 'neuron-v1', 'id': 'bad', 'bus': 'rp9', "
                    "'dma-nice': 20}}");
    g_assert(qdict_haskey(rsp, "error"));
    desc = qdict_get_str(qdict_get_qdict(rsp, "error"), "desc");
    g_assert(strstr(desc, "dma-nice"));
    qobject_unref(rsp);
    nv_stop(c);
    unlink(pidfile);
}

static void test_pci_ids(void)
{
    NvCtx *c = nv_start(NULL);
    QPCIDevice *p = c->dev[0].pdev;

    g_assert_cmphex(qpci_config_readw(p, PCI_VENDOR_ID), ==, 0x1d0f);
    g_assert_cmphex(qpci_config_readw(p, PCI_DEVICE_ID), ==, 0x7064);
    g_assert_cmphex(qpci_config_readw(p, PCI_CLASS_DEVICE), ==, 0x1200);
    g_assert_cmphex(qpci_config_readb(p, PCI_REVISION_ID), ==, 0);
    g_assert_cmphex(qpci_config_readw(p, PCI_SUBSYSTEM_VENDOR_ID), ==, 0x1d0f);
    g_assert_cmphex(qpci_config_readw(p, PCI_SUBSYSTEM_ID), ==, 0);
    nv_stop(c);
}

static void test_pci_id_props(void)
{
    NvCtx *c = nv_start("device-id=0x7067,revision=0xff");
    QDict *rsp;

    g_assert_cmphex(qpci_config_readw(c->dev[0].pdev, PCI_DEVICE_ID), ==,
                    0x7067);
    g_assert_cmphex(qpci_config_readb(c->dev[0].pdev, PCI_REVISION_ID), ==,
                    0xff);
    /* only 0x7064..0x7067 are Inferentia ids */
    rsp = qtest_qmp(c->qts, "{'execute': 'device_add', 'arguments': "
                    "{'driver': 'neuron-v1', 'id': 'bad', "
                    "'device-id': 28776}}");
    g_assert(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    nv_stop(c);
}

static uint64_t bar_size(QPCIDevice *p, int bar, uint32_t *flags)
{
    uint8_t o = PCI_BASE_ADDRESS_0 + 4 * bar;
    uint32_t lo0 = qpci_config_readl(p, o), hi0 = qpci_config_readl(p, o + 4);
    uint32_t lo, hi;

    qpci_config_writel(p, o, 0xffffffff);
    qpci_config_writel(p, o + 4, 0xffffffff);
    lo = qpci_config_readl(p, o);
    hi = qpci_config_readl(p, o + 4);
    qpci_config_writel(p, o, lo0);
    qpci_config_writel(p, o + 4, hi0);
    *flags = lo & 0xf;
    return ~((((uint64_t)hi) << 32) | (lo & ~0xfu)) + 1;
}

static void test_pci_bars(void)
{
    NvCtx *c = nv_start(NULL);
    QPCIDevice *p = c->dev[0].pdev;
    uint32_t f;

    g_assert_cmphex(bar_size(p, 0, &f), ==, 8 * MiB);
    g_assert_cmphex(f, ==, PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmphex(bar_size(p, 2, &f), ==, 256 * MiB);
    g_assert_cmphex(f, ==, PCI_BASE_ADDRESS_MEM_TYPE_64);
    g_assert_cmphex(bar_size(p, 4, &f), ==, 8 * GiB);
    g_assert_cmphex(f, ==, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);

    /* BAR4 is the DRAM: ch0 at 0, ch1 at 4 GiB (§3.2) */
    qtest_writel(c->qts, c->dev[0].bar4 + 0x40, 0x12345678);
    qtest_writel(c->qts, c->dev[0].bar4 + 4 * GiB + 0x80, 0x9abcdef0);
    g_assert_cmphex(nv_fwio_rd(c, 0, 0x40), ==, 0x12345678);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_DRAM1 + 0x80), ==, 0x9abcdef0);
    /* bit 44 (AXI port 1) aliases the same DRAM */
    g_assert_cmphex(nv_fwio_rd(c, 0, (1ULL << 44) | 0x40), ==, 0x12345678);
    nv_stop(c);

    c = nv_start("bar4=off");
    g_assert_cmphex(bar_size(c->dev[0].pdev, 4, &f), ==, 0);
    nv_stop(c);

    /* for hot-plug topologies (behind a PCIe root port) */
    c = nv_start("bar2-prefetchable=on");
    g_assert_cmphex(bar_size(c->dev[0].pdev, 2, &f), ==, 256 * MiB);
    g_assert_cmphex(f, ==, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    g_assert_cmphex(bar_size(c->dev[0].pdev, 0, &f), ==, 8 * MiB);
    g_assert_cmphex(f, ==, PCI_BASE_ADDRESS_MEM_TYPE_64);
    nv_stop(c);
}

/* registers accept 32-bit writes anywhere and ignore other widths */
static void test_pci_access_widths(void)
{
    NvCtx *c = nv_start(NULL);

    nv_wr0(c, 0, 0x500000, 0xcafef00d);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_APB + 0x500000), ==, 0xcafef00d);
    qtest_writeb(c->qts, c->dev[0].bar0 + 0x500000, 0x11);
    qtest_writew(c->qts, c->dev[0].bar0 + 0x500002, 0x2222);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_APB + 0x500000), ==, 0xcafef00d);
    nv_wr2(c, 0, 0x100, 0x55aa55aa);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_TPB + 0x100), ==, 0x55aa55aa);
    /* 8-byte accesses are split into two 32-bit ones */
    qtest_writeq(c->qts, c->dev[0].bar0 + 0x500010, 0x1111222233334444ULL);
    g_assert_cmphex(nv_rd0(c, 0, 0x500010), ==, 0x33334444);
    g_assert_cmphex(nv_rd0(c, 0, 0x500014), ==, 0x11112222);
    nv_stop(c);
}

/* ------------------------------------------------------------------ §4 */

static void test_misc_status(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t a[3] = { NV_DA_MISC + MISC_FW_STATUS, NV_DA_MISC + MISC_DEVICE_ID,
                      NV_DA_MISC + MISC_RESET_REQ };
    uint32_t v[3] = { 0 };

    /* ready at power-on, no links on a single device (§4.4, §8.5) */
    g_assert_cmpint(nv_fwio_read_n(c, 0, a, 3, v), ==, 0);
    g_assert_cmphex(v[0], ==, 0x80000000);
    g_assert_cmphex(v[1], ==, 0);
    g_assert_cmphex(v[2], ==, 0);

    nv_wr0(c, 0, NV_MISC + MISC_DEVICE_ID, 3);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_DEVICE_ID), ==, 3);
    /* FW status belongs to the firmware */
    nv_wr0(c, 0, NV_MISC + MISC_FW_STATUS, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000);
    /* metric buffer is plain RAM */
    nv_wr0(c, 0, NV_MISC + 0x100, 0xabad1dea);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + 0x100), ==, 0xabad1dea);
    nv_stop(c);
}

/* direct MMIO reads answer like FWIO (§7.7), also in strict mode */
static void test_misc_readless(void)
{
    NvCtx *c = nv_start("strict-readless=on");

    nv_wr0(c, 0, NV_MISC + MISC_DEVICE_ID, 9);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_DEVICE_ID), ==, 9);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==,
                    nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS));
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(2) + 0x604), ==, 4);
    nv_stop(c);
}

/* ------------------------------------------------------------------ §5 */

static void test_udma_regs(void)
{
    NvCtx *c = nv_start(NULL);
    int e;

    for (e = 0; e < 12; e++) {
        uint32_t b = nv_udma_base(e);

        g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_APB + b + 0x604), ==, 4);
        /* reset values (§12.1) */
        g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_APB + nv_q_off(e, 15, false)
                                   + 0x20), ==, 0x03000000);
        g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_APB + nv_q_off(e, 0, true)
                                   + 0x20), ==, 0x03000000);
        g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_APB + nv_q_off(e, 3, false)
                                   + 0x74), ==, 7);
        /* engines run after reset: state NORMAL */
        g_assert_cmphex(nv_rd0(c, 0, b + 0x200), ==, 0x1111);
        g_assert_cmphex(nv_rd0(c, 0, b + 0x20200), ==, 0x1111);
    }
    /* engine state control (§5.12) */
    nv_wr0(c, 0, nv_udma_base(5) + 0x204, 2);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(5) + 0x200), ==, 0);
    nv_wr0(c, 0, nv_udma_base(5) + 0x204, 4);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(5) + 0x200), ==, 0x2222);
    nv_wr0(c, 0, nv_udma_base(5) + 0x204, 1);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(5) + 0x200), ==, 0x1111);
    /* ring registers: storage + live head/tail with ring id 1 */
    nv_ring_init(c, 0, 7, 9, false, 0x400000001000ULL, 64);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(7, 9, false) + 0x28), ==, 0x1000);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(7, 9, false) + 0x2C), ==, 0x4000);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(7, 9, false) + 0x30), ==, 64);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(7, 9, false) + 0x34), ==, 1u << 30);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(7, 9, false) + 0x3C), ==, 1u << 30);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(7, 9, false) + 0x24), ==, 0);
    /* 1.x/2.x GEN offsets both accepted as storage */
    nv_wr0(c, 0, nv_udma_base(0) + 0x38000 + 0x2300, 100000000);
    nv_wr0(c, 0, nv_udma_base(0) + 0x38000 + 0x2240, 1000000);
    g_assert_cmpuint(nv_rd0(c, 0, nv_udma_base(0) + 0x38000 + 0x2300), ==,
                     100000000);
    nv_stop(c);
}

static void fill_pattern(uint8_t *b, size_t n, uint32_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245 + 12345;
        b[i] = seed >> 16;
    }
}

/* host -> DRAM -> host through one queue pair, several sizes (§5.9) */
static void test_udma_copy(void)
{
    NvCtx *c = nv_start(NULL);
    static const uint32_t sizes[] = { 4, 100, 4096, 65535, 65536 };
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 64, false, 0);
    uint64_t src = guest_alloc(&c->alloc, 64 * KiB);
    uint64_t dst = guest_alloc(&c->alloc, 64 * KiB);
    g_autofree uint8_t *a = g_malloc(64 * KiB);
    g_autofree uint8_t *b = g_malloc(64 * KiB);
    int i;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        uint32_t n = sizes[i];
        uint64_t dram = (i & 1) ? DRAM_B : DRAM_A;

        fill_pattern(a, n, i + 1);
        qtest_memwrite(c->qts, src, a, n);
        qtest_memset(c->qts, dst, 0, 64 * KiB);
        nv_push(Q, src | NV_HOST, dram, n);     /* n == 64K -> length 0 */
        nv_push(Q, dram, dst | NV_HOST, n);
        nv_kick(Q, 2, 2);
        /* synchronous: a run does up to 64 KiB and one more packet */
        g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
        qtest_memread(c->qts, dst, b, 64 * KiB);
        g_assert(memcmp(a, b, n) == 0);
        g_assert(n == 64 * KiB || b[n] == 0);
    }
    /* heads followed the tails */
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 10);
    g_assert_cmphex(nv_qreg(Q, true, 0x34), ==, (1u << 30) | 10);
    g_assert_cmphex(nv_qreg(Q, false, 0x3C), ==, (1u << 30) | 10);
    g_free(Q);
    nv_stop(c);
}

/*
 * A long transfer runs beside the CPUs, in the device's DMA thread: the
 * queue still reads busy after the doorbell write has returned, and the
 * data arrives bit-exact.  A system reset in the middle of another one
 * waits for the packet in flight: DRAM reads back zeroed, and the device
 * copies again.
 */
static void test_udma_async(void)
{
    const uint32_t n = 512;                     /* 32 MiB in 64 KiB packets */
    NvCtx *c = nv_start("reset-clears-dram=on");
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, n + 16, false, 0);
    uint64_t src = guest_alloc(&c->alloc, 64 * KiB);
    uint64_t dst = guest_alloc(&c->alloc, 64 * KiB);
    g_autofree uint8_t *a = g_malloc(64 * KiB);
    g_autofree uint8_t *b = g_malloc(64 * KiB);
    uint32_t i;

    fill_pattern(a, 64 * KiB, 9);
    qtest_memwrite(c->qts, src, a, 64 * KiB);
    for (i = 0; i < n; i++) {
        nv_push(Q, src | NV_HOST, DRAM_A + (uint64_t)i * 64 * KiB, 64 * KiB);
    }
    nv_kick(Q, n, n);
    /* fresh DRAM pages: ~0.1 s of copying against one register read */
    g_assert(nv_qreg(Q, false, 0x24) & (1u << 8));
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    for (i = 0; i < n; i += 51) {
        qtest_memread(c->qts, c->dev[0].bar4 + DRAM_A + (uint64_t)i * 64 * KiB,
                      b, 64 * KiB);
        g_assert(memcmp(a, b, 64 * KiB) == 0);
    }

    for (i = 0; i < n; i++) {
        nv_push(Q, src | NV_HOST, DRAM_A + 64 * MiB + (uint64_t)i * 64 * KiB,
                64 * KiB);
    }
    nv_kick(Q, n, n);
    qtest_qmp_assert_success(c->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(c->qts, "RESET");
    nv_map_bars(c, 0);
    g_free(Q);
    /* the reset cleared DRAM, and no packet landed after it */
    for (i = 0; i < n; i += 17) {
        qtest_memread(c->qts, c->dev[0].bar4 + DRAM_A + 64 * MiB +
                      (uint64_t)i * 64 * KiB, b, 64 * KiB);
        g_assert(buffer_is_zero(b, 64 * KiB));
    }

    Q = nv_queue_new(c, 0, 2, 15, 64, false, 0);
    qtest_memset(c->qts, dst, 0, 64 * KiB);
    nv_push(Q, src | NV_HOST, DRAM_A, 64 * KiB);
    nv_push(Q, DRAM_A, dst | NV_HOST, 64 * KiB);
    nv_kick(Q, 2, 2);
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    qtest_memread(c->qts, dst, b, 64 * KiB);
    g_assert(memcmp(a, b, 64 * KiB) == 0);
    g_free(Q);
    nv_stop(c);
}

/* the driver's completion marker trick (§5.11) + ring wrap with ring ids */
static void test_udma_ring_ids(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 5, 3, 32, false, 0);
    uint64_t buf = guest_alloc(&c->alloc, 8);
    int i;

    qtest_writel(c->qts, buf, 0xABCDEF01);
    for (i = 0; i < 32 * 5 + 7; i++) {          /* wraps 5 times: ids 1..2 */
        qtest_writel(c->qts, buf + 4, 0);
        nv_push(Q, buf | NV_HOST, (buf + 4) | NV_HOST, 4);
        nv_kick(Q, 1, 1);
        g_assert_cmphex(qtest_readl(c->qts, buf + 4), ==, 0xABCDEF01);
    }
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (2u << 30) | 7);
    g_assert_cmphex(nv_qreg(Q, true, 0x3C), ==, (2u << 30) | 7);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    g_free(Q);
    nv_stop(c);
}

/* rings in device DRAM (optionally through port-1 alias) + DRAM->DRAM */
static void test_udma_ring_in_dram(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 0, 0, 64, true, 0x10000);
    uint64_t h = guest_alloc(&c->alloc, 4096);
    g_autofree uint8_t *a = g_malloc(4096);
    g_autofree uint8_t *b = g_malloc(4096);

    fill_pattern(a, 4096, 77);
    qtest_memwrite(c->qts, h, a, 4096);
    nv_push(Q, h | NV_HOST, DRAM_A, 4096);
    nv_push(Q, DRAM_A, (1ULL << 44) | DRAM_B, 4096);
    nv_push(Q, DRAM_B, DRAM_A + 8192, 4096);
    nv_kick(Q, 3, 3);
    qtest_memread(c->qts, c->dev[0].bar4 + DRAM_A + 8192, b, 4096);
    g_assert(memcmp(a, b, 4096) == 0);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    g_free(Q);
    nv_stop(c);
}

/*
 * Multi-descriptor packets ([PROJ] §5.9): a packet is a byte stream
 * scattered over S2M buffers; the S2M ring may be fed before or after.
 */
static void test_udma_packets(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 8, 1, 64, false, 0);
    uint64_t src = guest_alloc(&c->alloc, 8192);
    uint64_t dst = guest_alloc(&c->alloc, 8192);
    g_autofree uint8_t *a = g_malloc(8192);
    g_autofree uint8_t *b = g_malloc(8192);

    fill_pattern(a, 8192, 5);
    qtest_memwrite(c->qts, src, a, 8192);
    qtest_memset(c->qts, dst, 0, 8192);
    /* 3 M2S descriptors (1000 + 2000 + 96 bytes) -> S2M 1500 + 1596 */
    nv_put_desc(Q, false, NV_FIRST | 1000, NV_META, src | NV_HOST);
    nv_put_desc(Q, false, 2000, NV_META, (src + 1000) | NV_HOST);
    nv_put_desc(Q, false, NV_LAST | 96, NV_META, (src + 3000) | NV_HOST);
    nv_kick(Q, 3, 0);
    /* no S2M buffers yet: nothing moves, nothing fails */
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, 1u << 30);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 1u << 8);
    nv_put_desc(Q, true, 1500, 0, dst | NV_HOST);
    nv_kick(Q, 0, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, 1u << 30);   /* waits */
    nv_put_desc(Q, true, 1596 + 100, 0, (dst + 4096) | NV_HOST);
    nv_kick(Q, 0, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 3);
    g_assert_cmphex(nv_qreg(Q, true, 0x34), ==, (1u << 30) | 2);
    qtest_memread(c->qts, dst, b, 8192);
    g_assert(memcmp(a, b, 1500) == 0);
    g_assert(memcmp(a + 1500, b + 4096, 1596) == 0);
    g_assert_cmphex(b[4096 + 1596], ==, 0);
    g_free(Q);
    nv_stop(c);
}

/* a DMA write into the TPB window acts like the BAR2 write (§5.13 rule 4) */
static void test_udma_tpb_target(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 64, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 16);

    qtest_writel(c->qts, h, 5);
    qtest_writel(c->qts, h + 4, 1);
    nv_wr2(c, 0, 2 * NC_STRIDE + NC_SEM_SET(7), 10);
    nv_push(Q, h | NV_HOST, NV_DA_TPB + 2 * NC_STRIDE + NC_SEM_INCR(7), 4);
    nv_push(Q, (h + 4) | NV_HOST, NV_DA_TPB + NC_EVENT(200), 4);
    /* and a DMA read of a semaphore back into host memory */
    nv_push(Q, NV_DA_TPB + 2 * NC_STRIDE + NC_SEM_READ(7), (h + 8) | NV_HOST,
            4);
    nv_kick(Q, 3, 3);
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + 2 * NC_STRIDE +
                               NC_SEM_READ(7)), ==, 15);
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_EVENT(200)), ==, 1);
    g_assert_cmpint(qtest_readl(c->qts, h + 8), ==, 15);
    g_free(Q);
    nv_stop(c);
}

/* more descriptors than one doorbell's budget finish in a bottom half */
static void test_udma_bottom_half(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 11, 4, 8192, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);
    int i;

    qtest_writel(c->qts, h, 0x600d);
    for (i = 0; i < 6000; i++) {
        nv_push(Q, h | NV_HOST, DRAM_A + 4 * (i % 1024), 4);
    }
    nv_push(Q, DRAM_A, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 6001, 6001);
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0x600d);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 6001);
    g_free(Q);
    nv_stop(c);
}

/*
 * Zero writes discard pages ([PROJ], device-model.rst): an all-zero chunk
 * written to DRAM releases the whole host pages it covers.  Invisible to
 * the guest: the range reads back zero through BAR4 and through DMA, the
 * partially covered pages at both ends keep their other bytes, and chunks
 * that are not all zero are still copied.
 */
#define ZW_BASE         0x00400000ULL           /* window, page aligned */
#define ZW_SIZE         0x8000
#define ZW_OFF          0x123                   /* zeroed range in it */
#define ZW_LEN          0x6000                  /* 5 whole pages + ends */
#define ZW_FRESH        0x10000000ULL           /* never written DRAM */

/* the window reads back as @want through BAR4 and through a DMA */
static void zw_check(NvQueue *Q, uint64_t h, const uint8_t *want)
{
    NvCtx *c = Q->c;
    g_autofree uint8_t *b = g_malloc(ZW_SIZE);

    qtest_memread(c->qts, c->dev[0].bar4 + ZW_BASE, b, ZW_SIZE);
    g_assert(memcmp(b, want, ZW_SIZE) == 0);
    qtest_memset(c->qts, h, 0xEE, ZW_SIZE);
    nv_push(Q, ZW_BASE, h | NV_HOST, ZW_SIZE);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    qtest_memread(c->qts, h, b, ZW_SIZE);
    g_assert(memcmp(b, want, ZW_SIZE) == 0);
}

/* fill the window with data through BAR4; @ref gets a copy */
static void zw_fill(NvCtx *c, uint8_t *ref, uint32_t seed)
{
    fill_pattern(ref, ZW_SIZE, seed);
    qtest_memwrite(c->qts, c->dev[0].bar4 + ZW_BASE, ref, ZW_SIZE);
}

static void test_udma_zero_discard(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 64, false, 0);
    uint64_t zero = guest_alloc(&c->alloc, 64 * KiB);
    uint64_t src = guest_alloc(&c->alloc, 64 * KiB);
    uint64_t h = guest_alloc(&c->alloc, ZW_SIZE);
    g_autofree uint8_t *ref = g_malloc(ZW_SIZE);
    g_autofree uint8_t *a = g_malloc0(ZW_LEN);
    uint64_t dst = ZW_BASE + ZW_OFF;
    int i;

    qtest_memset(c->qts, zero, 0, 64 * KiB);

    /* host zeroes over data: unaligned head and tail, whole pages between */
    zw_fill(c, ref, 1);
    nv_push(Q, zero | NV_HOST, dst, ZW_LEN);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    memset(ref + ZW_OFF, 0, ZW_LEN);
    zw_check(Q, h, ref);
    g_assert_cmphex(ref[ZW_OFF - 1], !=, 0);    /* the pattern has no 0 here */
    /* the same pages take data again */
    zw_fill(c, ref, 2);
    zw_check(Q, h, ref);

    /*
     * Not all zero: one non-zero byte at the end (the start looks zero),
     * then at the start only; both are copied byte for byte.
     */
    for (i = 0; i < 2; i++) {
        memset(a, 0, ZW_LEN);
        a[i ? 0 : ZW_LEN - 1] = 0x5A;
        qtest_memwrite(c->qts, src, a, ZW_LEN);
        zw_fill(c, ref, 3 + i);
        nv_push(Q, src | NV_HOST, dst, ZW_LEN);
        nv_kick(Q, 1, 1);
        g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
        memcpy(ref + ZW_OFF, a, ZW_LEN);
        zw_check(Q, h, ref);
    }

    /* zeroes spread over several 4 KiB descriptors of one packet */
    zw_fill(c, ref, 5);
    nv_put_desc(Q, true, ZW_LEN, 0, dst);
    for (i = 0; i < ZW_LEN / 4096; i++) {
        nv_put_desc(Q, false, (i == 0 ? NV_FIRST : 0) |
                    (i == ZW_LEN / 4096 - 1 ? NV_LAST : 0) | 4096,
                    NV_META, zero | NV_HOST);
    }
    nv_kick(Q, ZW_LEN / 4096, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    memset(ref + ZW_OFF, 0, ZW_LEN);
    zw_check(Q, h, ref);

    /* DRAM -> DRAM: never-written (zero) DRAM, through the ch1 alias too */
    zw_fill(c, ref, 6);
    nv_push(Q, ZW_FRESH, dst, ZW_LEN);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    memset(ref + ZW_OFF, 0, ZW_LEN);
    zw_check(Q, h, ref);
    zw_fill(c, ref, 7);
    nv_push(Q, NV_DA_DRAM1 + ZW_FRESH, (1ULL << 44) | dst, ZW_LEN);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    memset(ref + ZW_OFF, 0, ZW_LEN);
    zw_check(Q, h, ref);

    /* DRAM -> DRAM with data still copies */
    fill_pattern(a, ZW_LEN, 8);
    qtest_memwrite(c->qts, c->dev[0].bar4 + ZW_FRESH + 0x100000, a, ZW_LEN);
    nv_push(Q, ZW_FRESH + 0x100000, dst, ZW_LEN);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    memcpy(ref + ZW_OFF, a, ZW_LEN);
    zw_check(Q, h, ref);

    /* a zero chunk inside one page (no whole page) is written as such */
    nv_push(Q, zero | NV_HOST, ZW_BASE + 0x10, 0x20);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    memset(ref + 0x10, 0, 0x20);
    zw_check(Q, h, ref);
    g_free(Q);
    nv_stop(c);
}

static uint64_t qemu_rss_kib(const char *pidfile)
{
    g_autofree char *pid = NULL, *path = NULL, *status = NULL;
    const char *p;

    g_assert(g_file_get_contents(pidfile, &pid, NULL, NULL));
    g_strstrip(pid);
    path = g_strdup_printf("/proc/%s/status", pid);
    g_assert(g_file_get_contents(path, &status, NULL, NULL));
    p = strstr(status, "VmRSS:");
    g_assert(p);
    return g_ascii_strtoull(p + 6, NULL, 10);
}

/* clearing 64 MiB of DRAM that held data gives the host memory back */
static void test_udma_zero_releases(void)
{
    g_autofree char *dir = g_dir_make_tmp("neuron-v1-XXXXXX", NULL);
    g_autofree char *pidfile = g_strdup_printf("%s/qemu.pid", dir);
    /* a root port to plug a second device into: q35's pcie.0 cannot */
    g_autofree char *extra = g_strdup_printf(
        "-pidfile %s -device pcie-root-port,id=rp9,bus=pcie.0,addr=0x9,"
        "chassis=9,slot=9", pidfile);
    NvCtx *c = nv_start_ring(1, NULL, extra);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 2048, false, 0);
    uint64_t zero = guest_alloc(&c->alloc, 64 * KiB);
    uint64_t src = guest_alloc(&c->alloc, 64 * KiB);
    g_autofree uint8_t *a = g_malloc(64 * KiB);
    const int n = 64 * MiB / (64 * KiB);
    uint64_t rss0, rss1 = 0, rss2;
    int pass, i;

    fill_pattern(a, 64 * KiB, 9);
    qtest_memwrite(c->qts, src, a, 64 * KiB);
    qtest_memset(c->qts, zero, 0, 64 * KiB);
    rss0 = qemu_rss_kib(pidfile);
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < n; i++) {
            nv_push(Q, (pass ? zero : src) | NV_HOST,
                    ZW_FRESH + (uint64_t)i * 64 * KiB, 0);   /* 64 KiB */
        }
        nv_kick(Q, n, n);
        g_assert(nv_wait_idle(Q));
        if (pass == 0) {
            rss1 = qemu_rss_kib(pidfile);
        }
    }
    rss2 = qemu_rss_kib(pidfile);
    g_test_message("VmRSS %" PRIu64 " KiB, after 64 MiB of data %" PRIu64
                   " KiB, after clearing it %" PRIu64 " KiB", rss0, rss1,
                   rss2);
    g_assert_cmpuint(rss1, >=, rss0 + 56 * 1024);
    g_assert_cmpuint(rss2 + 56 * 1024, <=, rss1);
    qtest_memread(c->qts, c->dev[0].bar4 + ZW_FRESH + 32 * MiB, a, 64 * KiB);
    g_assert(buffer_is_zero(a, 64 * KiB));
    g_free(Q);
    nv_stop(c);
    unlink(pidfile);
    rmdir(dir);
}

static void expect_queue_error(NvQueue *Q, bool s2m, int code)
{
    uint32_t st = nv_qreg(Q, s2m, 0x24);

    g_assert_cmphex(st & 0xff, ==, code);
    g_assert(st & (1u << 31));
    /* engine aborted (§5.12) and visible through FWIO too */
    g_assert_cmphex(nv_rd0(Q->c, Q->d, nv_udma_base(Q->e) + 0x200), ==,
                    0x2222);
    g_assert_cmphex(nv_fwio_rd(Q->c, Q->d, NV_DA_APB +
                               nv_q_off(Q->e, Q->q, s2m) + 0x24), ==, st);
}

/* recovery: NORMAL on both sides + queue reset, then the queue works */
static void recover_and_check(NvQueue *Q)
{
    NvCtx *c = Q->c;
    uint64_t h = guest_alloc(&c->alloc, 8);

    nv_wr0(c, Q->d, nv_udma_base(Q->e) + 0x204, 1);
    nv_wr0(c, Q->d, nv_udma_base(Q->e) + 0x20204, 1);
    nv_ring_init(c, Q->d, Q->e, Q->q, false, Q->m2s_da, Q->n);
    nv_ring_init(c, Q->d, Q->e, Q->q, true, Q->s2m_da, Q->n);
    Q->m_idx = Q->r_idx = 0;
    Q->m_id = Q->r_id = 1;
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    g_assert_cmphex(nv_qreg(Q, true, 0x24), ==, 0);
    qtest_writel(c->qts, h, 0x5a5a5a5a);
    qtest_writel(c->qts, h + 4, 0);
    nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0x5a5a5a5a);
}

static void test_udma_bad_ring_id(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 0, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);

    Q->m_id = 2;                                /* software got it wrong */
    nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, false, 1);
    /* M2S prefetch ring-id bit in the secondary IOFIC group A cause */
    g_assert(nv_rd0(c, 0, nv_udma_base(2) + 0x38000 + 0x2000) & (1u << 17));
    recover_and_check(Q);
    g_free(Q);
    nv_stop(c);
}

static void test_udma_bad_address(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 1, 2, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);

    /* hole between DRAM ch0 and ch1 does not decode (§3.3) */
    nv_push(Q, h | NV_HOST, 0x200000000ULL, 4);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, true, 2);
    recover_and_check(Q);
    /* a copy that runs off the end of DRAM ch0 is a decode error too */
    nv_push(Q, h | NV_HOST, 4 * GiB - 2, 4);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, true, 2);
    recover_and_check(Q);
    /* bits 63:48 set */
    nv_push(Q, (1ULL << 50) | h, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, false, 2);
    recover_and_check(Q);
    g_free(Q);
    nv_stop(c);
}

static void test_udma_len0(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 3, 3, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 64 * KiB);

    /* without cfg_len bit 24 a zero length is an error (§5.13 rule 7) */
    nv_wr0(c, 0, nv_udma_base(3) + 0x254, 0);
    nv_push(Q, h | NV_HOST, DRAM_A, 0);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, false, 4);
    nv_engine_init(c, 0, 3);
    recover_and_check(Q);
    g_free(Q);
    nv_stop(c);
}

static void test_udma_bad_framing(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 4, 4, 256, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);
    int i;

    /* a middle descriptor without FIRST at the start of a packet */
    nv_put_desc(Q, false, NV_LAST | 4, NV_META, h | NV_HOST);
    nv_put_desc(Q, true, 4, 0, (h + 4) | NV_HOST);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, false, 5);
    recover_and_check(Q);
    /* more than 128 descriptors in one packet */
    nv_put_desc(Q, false, NV_FIRST | 1, NV_META, h | NV_HOST);
    for (i = 0; i < 130; i++) {
        nv_put_desc(Q, false, 1, NV_META, h | NV_HOST);
    }
    nv_kick(Q, 131, 0);
    expect_queue_error(Q, false, 5);
    recover_and_check(Q);
    g_free(Q);
    nv_stop(c);
}

/* rings pointing nowhere, huge rings, tails beyond the ring */
static void test_udma_bad_rings(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 6, 6, 32, false, 0);

    /* 16M-entry ring in unbacked host space beyond RAM: fetch fails */
    nv_ring_init(c, 0, 6, 6, false, NV_HOST | 0x3f0000000000ULL, 0xFFFFFF);
    nv_ring_init(c, 0, 6, 6, true, NV_HOST | 0x3f0000000000ULL, 0xFFFFFF);
    nv_kick(Q, 0xFFFFFF, 0xFFFFFF);
    g_assert(nv_qreg(Q, false, 0x24) & (1u << 31));
    recover_and_check(Q);

    /* ring length 0 */
    nv_ring_init(c, 0, 6, 6, false, Q->m2s_da, 0);
    nv_kick(Q, 1, 0);
    expect_queue_error(Q, false, 7);
    recover_and_check(Q);

    /* more posted than the ring holds */
    nv_kick(Q, 0, 33);
    expect_queue_error(Q, true, 7);
    recover_and_check(Q);

    /* ring in a DRAM hole */
    nv_ring_init(c, 0, 6, 6, false, 0x500000000ULL, 32);
    nv_kick(Q, 1, 0);
    expect_queue_error(Q, false, 3);
    recover_and_check(Q);
    g_free(Q);
    nv_stop(c);
}

static void test_udma_disabled_queue(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 9, 9, 32, false, 0);

    nv_wr0(c, 0, nv_q_off(9, 9, false) + 0x20, 0x03000000);
    nv_kick(Q, 1, 0);
    expect_queue_error(Q, false, 6);
    recover_and_check(Q);

    /* doorbells on queues nobody configured (every engine, queue) */
    nv_wr0(c, 0, nv_q_off(10, 15, true) + 0x38, 0xffffffff);
    g_assert_cmphex(nv_rd0(c, 0, nv_q_off(10, 15, true) + 0x24) & 0xff, ==, 6);
    g_free(Q);
    nv_stop(c);
}

/* engine DISABLE holds work; bus master off -> host DMA error */
static void test_udma_engine_state(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);

    qtest_writel(c->qts, h, 42);
    qtest_writel(c->qts, h + 4, 0);
    nv_wr0(c, 0, nv_udma_base(2) + 0x204, 2);
    nv_wr0(c, 0, nv_udma_base(2) + 0x20204, 2);
    nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0);
    nv_wr0(c, 0, nv_udma_base(2) + 0x204, 1);
    nv_wr0(c, 0, nv_udma_base(2) + 0x20204, 1);
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 42);

    /* queue reset drops pending work */
    nv_wr0(c, 0, nv_udma_base(2) + 0x204, 2);
    nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 1, 1);
    nv_wr0(c, 0, nv_q_off(2, 15, false) + 0xB0, 0x100);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, 1u << 30);
    g_assert_cmphex(nv_qreg(Q, false, 0x3C), ==, 1u << 30);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);

    /* bus mastering off: the host access fails, QEMU survives */
    nv_wr0(c, 0, nv_udma_base(2) + 0x204, 1);
    nv_ring_init(c, 0, 2, 15, false, 0x1000, Q->n);     /* rings in DRAM */
    nv_ring_init(c, 0, 2, 15, true, 0x2000, Q->n);
    qtest_writel(c->qts, c->dev[0].bar4 + 0x1000,
                 NV_FIRST | NV_LAST | (1u << 24) | 4);
    qtest_writel(c->qts, c->dev[0].bar4 + 0x1004, NV_META);
    qtest_writeq(c->qts, c->dev[0].bar4 + 0x1008, h | NV_HOST);
    qtest_writel(c->qts, c->dev[0].bar4 + 0x2000, (1u << 24) | 4);
    qtest_writeq(c->qts, c->dev[0].bar4 + 0x2008, 0x3000);
    qpci_config_writew(c->dev[0].pdev, PCI_COMMAND, PCI_COMMAND_MEMORY);
    nv_wr0(c, 0, nv_q_off(2, 15, true) + 0x38, 1);
    nv_wr0(c, 0, nv_q_off(2, 15, false) + 0x38, 1);
    qpci_config_writew(c->dev[0].pdev, PCI_COMMAND,
                       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    g_assert_cmphex(nv_qreg(Q, false, 0x24) & 0xff, ==, 8);
    g_free(Q);
    nv_stop(c);
}

/* the guest's intel-iommu (passthrough until the guest enables it) */
static void test_udma_intel_iommu(void)
{
    NvCtx *c = nv_start_ring(1, NULL, "-device intel-iommu");
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);

    qtest_writel(c->qts, h, 0x10101010);
    nv_push(Q, h | NV_HOST, DRAM_A, 4);
    nv_push(Q, DRAM_A, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 2, 2);
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0x10101010);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000);
    g_free(Q);
    nv_stop(c);
}

/* ------------------------------------------------------------------ §6 */

static void test_nc_semaphores(void)
{
    NvCtx *c = nv_start(NULL);
    int nc, i;

    for (nc = 0; nc < 4; nc++) {
        for (i = 0; i < 32; i += 31) {
            uint32_t base = nc * NC_STRIDE;
            uint64_t rd = NV_DA_TPB + base + NC_SEM_READ(i);

            nv_wr2(c, 0, base + NC_SEM_SET(i), 100);
            nv_wr2(c, 0, base + NC_SEM_INCR(i), 5);
            nv_wr2(c, 0, base + NC_SEM_DECR(i), 7);
            g_assert_cmpint(nv_fwio_rd(c, 0, rd), ==, 98);
            nv_wr2(c, 0, base + NC_SEM_READ(i), 1234);  /* ignored */
            g_assert_cmpint(nv_fwio_rd(c, 0, rd), ==, 98);
            /* reads at SET/INCR/DECR slots return the value too */
            g_assert_cmpint(nv_fwio_rd(c, 0, rd + 0x200), ==, 98);
            nv_wr2(c, 0, base + NC_SEM_DECR(i), 100);
            g_assert_cmpint((int32_t)nv_fwio_rd(c, 0, rd), ==, -2);
        }
    }
    /* semaphores are per NC */
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_SEM_READ(1)), ==, 0);
    nv_stop(c);
}

static void test_nc_events(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t a[3] = { NV_DA_TPB + NC_EVENT(0), NV_DA_TPB + NC_EVENT(255),
                      NV_DA_TPB + 3 * NC_STRIDE + NC_EVENT(17) };
    uint32_t v[3] = { 0 };

    nv_wr2(c, 0, NC_EVENT(255), 1);
    nv_wr2(c, 0, 3 * NC_STRIDE + NC_EVENT(17), 1);
    g_assert_cmpint(nv_fwio_read_n(c, 0, a, 3, v), ==, 0);
    g_assert_cmpint(v[0], ==, 0);
    g_assert_cmpint(v[1], ==, 1);
    g_assert_cmpint(v[2], ==, 1);
    nv_wr2(c, 0, NC_EVENT(255), 0);
    g_assert_cmpint(nv_fwio_rd(c, 0, a[1]), ==, 0);
    /* core-local memory (state buffer) is memory */
    nv_wr2(c, 0, NC_STRIDE + NC_SB + 0x40, 0x1234);
    g_assert_cmphex(nv_rd2(c, 0, NC_STRIDE + NC_SB + 0x40), ==, 0x1234);
    nv_stop(c);
}

static void check_nq_entry(NvCtx *c, uint64_t pa, bool phase, uint32_t idx,
                           uint32_t val)
{
    g_assert_cmphex(qtest_readl(c->qts, pa), ==,
                    (phase ? 1u << 31 : 0) | (2u << 24) | idx);
    g_assert_cmphex(qtest_readl(c->qts, pa + 4), ==, val);
}

/* EVENT notification queue in the [PROJ] §6.3 format */
static void test_nq_events(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t ring = guest_alloc(&c->alloc, 64);
    uint32_t pu = PUTILS(1) + PU_EVENT_NQ;
    uint64_t da = ring | NV_HOST;
    int64_t now;

    qtest_memset(c->qts, ring, 0, 64);
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(3), 1);       /* NQ off: no entry */
    nv_wr0(c, 0, pu + 0x0, (uint32_t)da);
    nv_wr0(c, 0, pu + 0x4, da >> 32);
    nv_wr0(c, 0, pu + 0x8, 64);                     /* 4 entries */
    now = qtest_clock_step(c->qts, 12345);
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(5), 1);
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(6), 0);
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(7), 1);
    check_nq_entry(c, ring, true, 5, 1);
    check_nq_entry(c, ring + 16, true, 6, 0);
    check_nq_entry(c, ring + 32, true, 7, 1);
    g_assert_cmpint(qtest_readq(c->qts, ring + 8), ==, now);  /* timestamp */
    /* full: the 4th would reach head (0) -> dropped and counted */
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(8), 1);
    g_assert_cmphex(qtest_readl(c->qts, ring + 48), ==, 0);
    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_APB + pu + 0x10), ==, 1);
    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_APB + pu + 0xC), ==, 48);
    /* consumer frees entries: head honoured, wrap flips the phase */
    nv_wr0(c, 0, pu + 0x18, 32);
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(9), 1);
    nv_wr2(c, 0, NC_STRIDE + NC_EVENT(10), 1);
    check_nq_entry(c, ring + 48, true, 9, 1);
    check_nq_entry(c, ring, false, 10, 1);
    /* a DMA write to an event produces an entry too */
    {
        NvQueue *Q = nv_queue_new(c, 0, 2, 15, 32, false, 0);
        uint64_t h = guest_alloc(&c->alloc, 4);

        qtest_writel(c->qts, h, 1);
        nv_wr0(c, 0, pu + 0x18, 48);
        nv_push(Q, h | NV_HOST, NV_DA_TPB + NC_STRIDE + NC_EVENT(11), 4);
        nv_kick(Q, 1, 1);
        check_nq_entry(c, ring + 16, false, 11, 1);
        g_free(Q);
    }
    nv_stop(c);
}

/* ------------------------------------------------------------------ §7 */

/* the worked example of §7.3, byte for byte */
static void test_fwio_worked_example(void)
{
    NvCtx *c = nv_start(NULL);
    static const uint8_t req[16] = {
        0x02, 0x01, 0x10, 0x00, 0x5c, 0x4a, 0xd1, 0x41,
        0x1c, 0xe0, 0x78, 0xf0, 0xff, 0x0f, 0x00, 0x00,
    };
    uint8_t copy[16], resp[12];

    /* the test's own CRC-32C agrees with the spec's check value */
    g_assert_cmphex(nv_crc32c((const uint8_t *)"123456789", 9), ==,
                    0xE3069283);
    memcpy(copy, req, 16);
    memset(copy + 4, 0, 4);
    g_assert_cmphex(nv_crc32c(copy, 16), ==, 0x41D14A5C);

    qtest_memset(c->qts, c->resp_pa, 0xee, 12);
    nv_fwio_post(c, 0, req, 16);
    qtest_memread(c->qts, c->resp_pa, resp, 12);
    g_assert_cmphex(resp[0], ==, 0x02);
    g_assert_cmphex(resp[1], ==, 0x00);
    g_assert_cmphex(resp[2], ==, 0x08);
    g_assert_cmphex(resp[3], ==, 0x00);
    g_assert_cmphex((uint32_t)ldl_le_p(resp + 4), ==, 0x80000000);
    g_assert_cmphex(resp[8], ==, 0xee);     /* nothing written past size */
    nv_stop(c);
}

static void test_fwio_read_batch(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t a[100];
    uint32_t v[100];
    int i;

    for (i = 0; i < 100; i++) {
        qtest_writel(c->qts, c->dev[0].bar4 + 0x3000 + 4 * i, i * 0x01010101);
        a[i] = 0x3000 + 4 * i;
    }
    a[50] = NV_DA_APB + nv_udma_base(11) + 0x604;
    g_assert_cmpint(nv_fwio_read_n(c, 0, a, 100, v), ==, 0);
    for (i = 0; i < 100; i++) {
        g_assert_cmphex(v[i], ==, i == 50 ? 4 : i * 0x01010101);
    }
    /* a batch of 8000 addresses (response 32004 bytes) */
    {
        g_autofree uint64_t *big = g_new(uint64_t, 8000);
        g_autofree uint32_t *bv = g_new(uint32_t, 8000);

        for (i = 0; i < 8000; i++) {
            big[i] = NV_DA_MISC + MISC_FW_STATUS;
        }
        g_assert_cmpint(nv_fwio_read_n(c, 0, big, 8000, bv), ==, 0);
        g_assert_cmphex(bv[7999], ==, 0x80000000);
    }
    /* host memory is readable through FWIO too (bit 46) */
    qtest_writel(c->qts, c->req_pa + 0x8000, 0xfeedface);
    g_assert_cmphex(nv_fwio_rd(c, 0, (c->req_pa + 0x8000) | NV_HOST), ==,
                    0xfeedface);
    nv_stop(c);
}

static void test_fwio_errors(void)
{
    NvCtx *c = nv_start(NULL);
    uint8_t req[32], resp[4];
    uint64_t bad = 0x0800000000ULL;             /* DRAM hole */
    uint32_t v;
    size_t len;

    /* bad CRC -> error 1 */
    len = nv_build_req(c, req, FWIO_READ, &bad, 8);
    req[4] ^= 0x40;
    nv_fwio_post(c, 0, req, len);
    qtest_memread(c->qts, c->resp_pa, resp, 4);
    g_assert_cmphex(resp[0], ==, req[0]);
    g_assert_cmphex(resp[1], ==, 1);
    g_assert_cmphex(lduw_le_p(resp + 2), ==, 4);
    /* unknown command -> error 2 */
    g_assert_cmpint(nv_fwio(c, 0, 0x77, NULL, 0, NULL, 0, &len), ==, 2);
    g_assert_cmpuint(len, ==, 0);
    /* undecodable address -> error 1, no payload */
    g_assert_cmpint(nv_fwio_read_n(c, 0, &bad, 1, &v), ==, 1);
    /* peer address with no peer -> error 1 */
    bad = NV_EAST | NV_DA_MISC | MISC_DEVICE_ID;
    g_assert_cmpint(nv_fwio_read_n(c, 0, &bad, 1, &v), ==, 1);
    /* unaligned register address */
    bad = NV_DA_MISC + 2;
    g_assert_cmpint(nv_fwio_read_n(c, 0, &bad, 1, &v), ==, 1);
    /* READ payload not a multiple of 8 */
    g_assert_cmpint(nv_fwio(c, 0, FWIO_READ, &bad, 5, NULL, 0, NULL), ==, 1);
    /* size field smaller than the header */
    len = nv_build_req(c, req, FWIO_READ, NULL, 0);
    stw_le_p(req + 2, 3);
    nv_fwio_post(c, 0, req, len);
    qtest_memread(c->qts, c->resp_pa, resp, 4);
    g_assert_cmphex(resp[0], ==, req[0]);
    g_assert_cmphex(resp[1], ==, 1);
    /* request address outside host memory: ignored, no crash */
    nv_wr0(c, 0, NV_MISC + MISC_REQ_HI, 0);
    nv_wr0(c, 0, NV_MISC + MISC_DOORBELL, 1);
    /* still alive and answering */
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000);
    nv_stop(c);
}

static void test_fwio_post_to_cw(void)
{
    NvCtx *c = nv_start(NULL);
    uint8_t blob[128];
    int i;
    size_t len = 99;

    for (i = 0; i < 128; i += 4) {
        nv_wr0(c, 0, NV_MISC + 0x100 + i, i);
    }
    memset(blob, 0x5a, sizeof(blob));
    g_assert_cmpint(nv_fwio(c, 0, FWIO_POST, blob, 128, NULL, 0, &len), ==, 0);
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpint(nv_fwio(c, 0, FWIO_POST, blob, 0, NULL, 0, &len), ==, 0);
    nv_stop(c);
}

/* ------------------------------------------------------------------ §8 */

static void test_reset(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 32, false, 0);

    qtest_writel(c->qts, c->dev[0].bar4 + 0x100, 0xdeadbeef);
    qtest_writel(c->qts, c->dev[0].bar4 + 4 * GiB + 0x100, 0xdeadbeef);
    nv_wr0(c, 0, NV_MISC + MISC_DEVICE_ID, 5);
    nv_wr2(c, 0, NC_SEM_SET(3), 9);
    nv_wr2(c, 0, NC_EVENT(3), 1);
    nv_wr0(c, 0, nv_udma_base(2) + 0x204, 4);
    nv_kick(Q, 0, 3);

    nv_wr0(c, 0, NV_MISC + MISC_RESET_REQ, 1);
    nv_wr0(c, 0, NV_MISC + MISC_DOORBELL, 1);

    /* mailbox addresses survive: FWIO works without rewriting them */
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_RESET_REQ), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_DEVICE_ID), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, 0x100), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_DRAM1 + 0x100), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_TPB + NC_SEM_READ(3)), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_TPB + NC_EVENT(3)), ==, 0);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(2) + 0x200), ==, 0x1111);
    g_assert_cmphex(nv_qreg(Q, true, 0x3C), ==, 1u << 30);
    g_assert_cmphex(nv_qreg(Q, true, 0x20), ==, 0x03000000);
    g_assert_cmphex(nv_qreg(Q, true, 0x30), ==, 0);
    g_free(Q);
    nv_stop(c);
}

/* with reset-delay-ms the device is not ready and FWIO waits */
static void test_reset_delay(void)
{
    NvCtx *c = nv_start("reset-delay-ms=100");
    uint8_t req[16], b;
    uint64_t a = NV_DA_MISC + MISC_RESET_REQ;
    size_t len;

    nv_wr0(c, 0, NV_MISC + MISC_DEVICE_ID, 5);
    nv_wr0(c, 0, NV_MISC + MISC_RESET_REQ, 1);
    nv_wr0(c, 0, NV_MISC + MISC_DOORBELL, 1);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==, 0);
    len = nv_build_req(c, req, FWIO_READ, &a, 8);
    nv_fwio_post(c, 0, req, len);
    b = qtest_readb(c->qts, c->resp_pa);
    g_assert_cmphex(b, ==, 0);                  /* not answered yet */
    qtest_clock_step(c->qts, 50 * 1000 * 1000);
    g_assert_cmphex(qtest_readb(c->qts, c->resp_pa), ==, 0);
    qtest_clock_step(c->qts, 60 * 1000 * 1000);
    g_assert_cmphex(qtest_readb(c->qts, c->resp_pa), ==, req[0]);
    g_assert_cmphex(qtest_readb(c->qts, c->resp_pa + 1), ==, 0);
    g_assert_cmphex(qtest_readl(c->qts, c->resp_pa + 4), ==, 0);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==, 0x80000000);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_DEVICE_ID), ==, 0);
    nv_stop(c);
}

/* a system reset brings the device back to power-on state */
static void test_reset_system(void)
{
    NvCtx *c = nv_start(NULL);

    nv_wr0(c, 0, NV_MISC + MISC_DEVICE_ID, 5);
    qtest_writel(c->qts, c->dev[0].bar4 + 0x100, 0xdeadbeef);
    qtest_qmp_assert_success(c->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(c->qts, "RESET");
    nv_map_bars(c, 0);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_DEVICE_ID), ==, 0);
    g_assert_cmphex(qtest_readl(c->qts, c->dev[0].bar4 + 0x100), ==, 0);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==, 0x80000000);
    nv_stop(c);
}

/* ------------------------------------------------------------------ §9 */

static void test_topology_ring(void)
{
    NvCtx *c = nv_start_ring(4, NULL, NULL);
    int i;

    for (i = 0; i < 4; i++) {
        nv_wr0(c, i, NV_MISC + MISC_DEVICE_ID, 10 + i);
    }
    for (i = 0; i < 4; i++) {
        g_assert_cmphex(nv_fwio_rd(c, i, NV_DA_MISC + MISC_FW_STATUS), ==,
                        0x80000003);
        /* east = i+1, west = i-1: the index the host wrote there */
        g_assert_cmpuint(nv_fwio_rd(c, i, 0x8FFFF078E024ULL), ==,
                         10 + (i + 1) % 4);
        g_assert_cmpuint(nv_fwio_rd(c, i, 0xCFFFF078E024ULL), ==,
                         10 + (i + 3) % 4);
    }
    nv_stop(c);

    /* two devices: east and west are both the other one */
    c = nv_start_ring(2, NULL, NULL);
    nv_wr0(c, 1, NV_MISC + MISC_DEVICE_ID, 7);
    g_assert_cmpuint(nv_fwio_rd(c, 0, 0x8FFFF078E024ULL), ==, 7);
    g_assert_cmpuint(nv_fwio_rd(c, 0, 0xCFFFF078E024ULL), ==, 7);
    nv_stop(c);
}

/* device-to-device DMA through the east/west links */
static void test_topology_peer_dma(void)
{
    NvCtx *c = nv_start_ring(3, NULL, NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8192);
    g_autofree uint8_t *a = g_malloc(4096);
    g_autofree uint8_t *b = g_malloc(4096);

    fill_pattern(a, 4096, 99);
    qtest_memwrite(c->qts, h, a, 4096);
    nv_push(Q, h | NV_HOST, NV_EAST | DRAM_A, 4096);       /* to dev1 */
    nv_push(Q, NV_EAST | DRAM_A, NV_WEST | DRAM_B, 4096);   /* dev1->dev2 */
    nv_push(Q, NV_WEST | DRAM_B, (h + 4096) | NV_HOST, 4096);
    nv_kick(Q, 3, 3);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    qtest_memread(c->qts, c->dev[1].bar4 + DRAM_A, b, 4096);
    g_assert(memcmp(a, b, 4096) == 0);
    qtest_memread(c->qts, c->dev[2].bar4 + 4 * GiB + 0x2000, b, 4096);
    g_assert(memcmp(a, b, 4096) == 0);
    qtest_memread(c->qts, h + 4096, b, 4096);
    g_assert(memcmp(a, b, 4096) == 0);
    /* local DRAM untouched */
    g_assert_cmphex(qtest_readl(c->qts, c->dev[0].bar4 + DRAM_A), ==, 0);

    /* semaphore increment on the peer through its TPB window */
    qtest_writel(c->qts, h + 8188, 3);
    nv_push(Q, (h + 8188) | NV_HOST,
            NV_EAST | (NV_DA_TPB + NC_SEM_INCR(0)), 4);
    nv_kick(Q, 1, 1);
    g_assert_cmpint(nv_fwio_rd(c, 1, NV_DA_TPB + NC_SEM_READ(0)), ==, 3);
    g_free(Q);
    nv_stop(c);
}

/* ------------------------------------------------- fault injection knobs */

#define QOM_SET(c, dev, prop, json) \
    qtest_qmp_assert_success((c)->qts, "{'execute': 'qom-set', 'arguments': " \
                             "{'path': '/machine/peripheral/" dev "', "       \
                             "'property': '" prop "', 'value': " json "}}")

static void test_fault_stall_queue(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 5, 15, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);

    qtest_writel(c->qts, h, 0x77);
    qtest_writel(c->qts, h + 4, 0);
    QOM_SET(c, "neuron0", "fault-stall-queue", "95");       /* 5*16+15 */
    nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_kick(Q, 1, 1);
    nv_kick(Q, 1, 1);                                       /* accumulates */
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, (1u << 8) | (1u << 9));
    g_assert_cmphex(nv_qreg(Q, false, 0x3C), ==, (1u << 30) | 2);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, 1u << 30);
    QOM_SET(c, "neuron0", "fault-stall-queue", "-1");
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0x77);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 2);
    g_free(Q);
    nv_stop(c);
}

static void test_fault_slow_queue(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 4, 3, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 16);
    int i;

    for (i = 0; i < 3; i++) {
        qtest_writel(c->qts, h + 4 * i, 0x50 + i);
    }
    qtest_writel(c->qts, h + 12, 0);
    QOM_SET(c, "neuron0", "fault-slow-packet-us", "2000");
    QOM_SET(c, "neuron0", "fault-slow-queue", "67");        /* 4*16+3 */
    for (i = 0; i < 3; i++) {
        nv_push(Q, (h + 4 * i) | NV_HOST, (h + 12) | NV_HOST, 4);
    }
    nv_kick(Q, 3, 3);
    /* one packet now, then one per 2 ms of virtual time */
    g_assert_cmphex(qtest_readl(c->qts, h + 12), ==, 0x50);
    g_assert_cmphex(nv_qreg(Q, false, 0x34) & 0xffff, ==, 1);
    qtest_clock_step(c->qts, 1000 * 1000);
    g_assert_cmphex(qtest_readl(c->qts, h + 12), ==, 0x50);
    qtest_clock_step(c->qts, 1000 * 1000);
    /* the timer's kick runs in a bottom half: wait for it in real time */
    for (i = 0; i < 20000 && qtest_readl(c->qts, h + 12) != 0x51; i++) {
        g_usleep(100);
    }
    g_assert_cmphex(qtest_readl(c->qts, h + 12), ==, 0x51);
    g_assert_cmphex(nv_qreg(Q, false, 0x34) & 0xffff, ==, 2);
    /* full speed again: the rest runs at once */
    QOM_SET(c, "neuron0", "fault-slow-queue", "-1");
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(qtest_readl(c->qts, h + 12), ==, 0x52);
    g_free(Q);
    nv_stop(c);
}

static void test_fault_fwio_drop(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t a = NV_DA_MISC + MISC_FW_STATUS;
    uint8_t req[16];
    size_t len;

    QOM_SET(c, "neuron0", "fault-fwio", "'drop'");
    len = nv_build_req(c, req, FWIO_READ, &a, 8);
    nv_fwio_post(c, 0, req, len);
    qtest_clock_step(c->qts, 1000 * 1000);
    g_assert_cmphex(qtest_readb(c->qts, c->resp_pa), ==, 0);
    QOM_SET(c, "neuron0", "fault-fwio", "'none'");
    g_assert_cmphex(nv_fwio_rd(c, 0, a), ==, 0x80000000);
    nv_stop(c);
}

static void test_fault_fwio_error(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t a = NV_DA_MISC + MISC_FW_STATUS;
    uint32_t v;

    QOM_SET(c, "neuron0", "fault-fwio", "'error'");
    g_assert_cmpint(nv_fwio_read_n(c, 0, &a, 1, &v), ==, 1);
    g_assert_cmpint(nv_fwio(c, 0, FWIO_POST, NULL, 0, NULL, 0, NULL), ==, 1);
    QOM_SET(c, "neuron0", "fault-fwio", "'none'");
    g_assert_cmpint(nv_fwio_read_n(c, 0, &a, 1, &v), ==, 0);
    nv_stop(c);
}

static void test_fault_fwio_bad_crc(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t a = NV_DA_MISC + MISC_FW_STATUS;
    uint32_t v;
    QDict *rsp;

    QOM_SET(c, "neuron0", "fault-fwio", "'bad-crc'");
    g_assert_cmpint(nv_fwio_read_n(c, 0, &a, 1, &v), ==, 1);
    rsp = qtest_qmp(c->qts, "{'execute': 'qom-set', 'arguments': "
                    "{'path': '/machine/peripheral/neuron0', "
                    "'property': 'fault-fwio', 'value': 'bogus'}}");
    g_assert(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
    QOM_SET(c, "neuron0", "fault-fwio", "'none'");
    g_assert_cmpint(nv_fwio_read_n(c, 0, &a, 1, &v), ==, 0);
    nv_stop(c);
}

static void test_fault_link_down(bool west)
{
    NvCtx *c = nv_start_ring(3, NULL, NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);
    uint64_t peer = (west ? NV_WEST : NV_EAST) | NV_DA_MISC | MISC_DEVICE_ID;
    uint64_t other = (west ? NV_EAST : NV_WEST) | NV_DA_MISC | MISC_DEVICE_ID;
    uint32_t v;

    if (west) {
        QOM_SET(c, "neuron0", "fault-west-link-down", "true");
    } else {
        QOM_SET(c, "neuron0", "fault-east-link-down", "true");
    }
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000 | (west ? 1 : 2));
    g_assert_cmpint(nv_fwio_read_n(c, 0, &peer, 1, &v), ==, 1);
    g_assert_cmpint(nv_fwio_read_n(c, 0, &other, 1, &v), ==, 0);
    nv_push(Q, h | NV_HOST, (west ? NV_WEST : NV_EAST) | DRAM_A, 4);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, true, 9);
    if (west) {
        QOM_SET(c, "neuron0", "fault-west-link-down", "false");
    } else {
        QOM_SET(c, "neuron0", "fault-east-link-down", "false");
    }
    g_assert_cmpint(nv_fwio_read_n(c, 0, &peer, 1, &v), ==, 0);
    recover_and_check(Q);
    g_free(Q);
    nv_stop(c);
}

static void test_fault_east_link_down(void)
{
    test_fault_link_down(false);
}

static void test_fault_west_link_down(void)
{
    test_fault_link_down(true);
}

/*
 * fault-corrupt-dram: data written into DRAM by DMA lands with the first
 * byte of each chunk inverted, the job completing normally; zeroes (a
 * clear) stay zeroes, reads out of DRAM are untouched; clearing it ends it.
 */
static void test_fault_corrupt_dram(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 15, 64, false, 0);
    uint64_t src = guest_alloc(&c->alloc, 128 * KiB);
    uint64_t dst = guest_alloc(&c->alloc, 128 * KiB);
    g_autofree uint8_t *a = g_malloc(128 * KiB);
    g_autofree uint8_t *b = g_malloc(128 * KiB);
    uint64_t i;
    int corrupt;

    fill_pattern(a, 128 * KiB, 7);
    qtest_memwrite(c->qts, src, a, 128 * KiB);
    for (corrupt = 1; corrupt >= 0; corrupt--) {
        if (corrupt) {
            QOM_SET(c, "neuron0", "fault-corrupt-dram", "true");
        } else {
            QOM_SET(c, "neuron0", "fault-corrupt-dram", "false");
        }
        /* two 64 KiB chunks of data, then DRAM -> host */
        nv_push(Q, src | NV_HOST, DRAM_A, 64 * KiB);
        nv_push(Q, (src + 64 * KiB) | NV_HOST, DRAM_A + 64 * KiB, 64 * KiB);
        nv_push(Q, DRAM_A, dst | NV_HOST, 64 * KiB);
        nv_push(Q, DRAM_A + 64 * KiB, (dst + 64 * KiB) | NV_HOST, 64 * KiB);
        nv_kick(Q, 4, 4);
        g_assert(nv_wait_idle(Q));
        g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
        qtest_memread(c->qts, dst, b, 128 * KiB);
        for (i = 0; i < 128 * KiB; i++) {
            bool flipped = corrupt && i % (64 * KiB) == 0;

            g_assert_cmphex(b[i], ==, flipped ? a[i] ^ 0xff : a[i]);
        }
    }
    /* zeroes stay zeroes */
    QOM_SET(c, "neuron0", "fault-corrupt-dram", "true");
    qtest_memset(c->qts, src, 0, 128 * KiB);
    qtest_memset(c->qts, dst, 0xaa, 128 * KiB);
    nv_push(Q, src | NV_HOST, DRAM_A, 64 * KiB);
    nv_push(Q, DRAM_A, dst | NV_HOST, 64 * KiB);
    nv_kick(Q, 2, 2);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    qtest_memread(c->qts, dst, b, 64 * KiB);
    g_assert(buffer_is_zero(b, 64 * KiB));
    g_free(Q);
    nv_stop(c);
}

static void test_fault_not_ready(void)
{
    NvCtx *c = nv_start(NULL);

    QOM_SET(c, "neuron0", "fault-not-ready", "true");
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==, 0);
    /* a reset "never completes": request taken, ready stays 0 */
    nv_wr0(c, 0, NV_MISC + MISC_RESET_REQ, 1);
    nv_wr0(c, 0, NV_MISC + MISC_DOORBELL, 1);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_RESET_REQ), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==, 0);
    QOM_SET(c, "neuron0", "fault-not-ready", "false");
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000);
    nv_stop(c);
}

/* --------------------------------------------- robustness: random garbage */

/*
 * Random register writes, doorbells, rings and FWIO requests (fixed seed,
 * so failures reproduce).  QEMU must survive, and after a re-init both
 * FWIO and DMA must work again.
 */
static void test_fuzz(void)
{
    NvCtx *c = nv_start_ring(2, NULL, NULL);
    GRand *rnd = g_rand_new_with_seed(0x6e657572);
    uint64_t host = guest_alloc(&c->alloc, 64 * KiB);
    g_autofree uint8_t *junk = g_malloc(64 * KiB);
    static const uint32_t qregs[] = { 0x20, 0x28, 0x2C, 0x30, 0x38, 0x38,
                                      0x38, 0xB0, 0x64 };
    int i, d;

    for (i = 0; i < 64 * KiB; i++) {
        junk[i] = g_rand_int(rnd);
    }
    qtest_memwrite(c->qts, host, junk, 64 * KiB);
    qtest_memwrite(c->qts, c->dev[0].bar4, junk, 64 * KiB);
    qtest_memwrite(c->qts, c->dev[1].bar4 + 4 * GiB, junk, 64 * KiB);
    for (i = 0; i < 4000; i++) {
        uint32_t e = g_rand_int_range(rnd, 0, 12);
        uint32_t q = g_rand_int_range(rnd, 0, 16);
        bool s2m = g_rand_boolean(rnd);
        uint32_t v = g_rand_int(rnd);
        uint64_t where[] = { host | NV_HOST, 0, NV_DA_DRAM1, NV_EAST,
                             NV_WEST | NV_DA_DRAM1, NV_DA_TPB, NV_DA_APB,
                             0x0800000000ULL };
        uint64_t base = where[g_rand_int_range(rnd, 0, 8)] +
                        (g_rand_int_range(rnd, 0, 1024) << 6);

        d = g_rand_int_range(rnd, 0, 2);
        switch (g_rand_int_range(rnd, 0, 10)) {
        case 0:         /* a ring somewhere, of some size */
            nv_ring_init(c, d, e, q, s2m, base,
                         g_rand_boolean(rnd) ? g_rand_int_range(rnd, 0, 64)
                                             : v & 0xFFFFFF);
            break;
        case 1:
        case 2:
        case 3:         /* queue registers, mostly doorbells */
            nv_wr0(c, d, nv_q_off(e, q, s2m) +
                   qregs[g_rand_int_range(rnd, 0, ARRAY_SIZE(qregs))],
                   g_rand_boolean(rnd) ? v & 0x3f : v);
            break;
        case 4:         /* engine state, cfg_len */
            nv_wr0(c, d, nv_udma_base(e) + (s2m ? 0x20204 : 0x204), v & 7);
            nv_wr0(c, d, nv_udma_base(e) + 0x254, v);
            break;
        case 5:         /* TPB window: events, semaphores, anything */
            nv_wr2(c, d, g_rand_boolean(rnd) ?
                   (q & 3) * NC_STRIDE + 0x2700000 + (v & 0x13fc) :
                   v & (256 * MiB - 4), v);
            break;
        case 6:         /* NQ configuration */
            nv_wr0(c, d, PUTILS(q & 3) + PU_EVENT_NQ, (uint32_t)base);
            nv_wr0(c, d, PUTILS(q & 3) + PU_EVENT_NQ + 4, base >> 32);
            nv_wr0(c, d, PUTILS(q & 3) + PU_EVENT_NQ + 8, v & 0x3ff);
            break;
        case 7:         /* garbage FWIO request */
            qtest_memwrite(c->qts, c->req_pa, junk + (v & 0x7fff), 64);
            nv_wr0(c, d, NV_MISC + MISC_REQ_LO,
                   (uint32_t)(c->req_pa | NV_HOST));
            nv_wr0(c, d, NV_MISC + MISC_REQ_HI,
                   g_rand_boolean(rnd) ? 0x4000 : v);
            nv_wr0(c, d, NV_MISC + MISC_DOORBELL, 1);
            break;
        case 8:         /* anywhere in BAR0, reset requests included */
            nv_wr0(c, d, (v & (8 * MiB - 4)), g_rand_int(rnd));
            if ((v & 0xff) == 0) {
                nv_wr0(c, d, NV_MISC + MISC_RESET_REQ, 1);
                nv_wr0(c, d, NV_MISC + MISC_DOORBELL, 1);
            }
            break;
        default:        /* reads, direct and through FWIO */
            nv_rd0(c, d, v & (8 * MiB - 4));
            nv_rd2(c, d, v & (256 * MiB - 4));
            break;
        }
    }
    /* plausible rings full of slightly wrong descriptors */
    for (i = 0; i < 600; i++) {
        uint32_t e = g_rand_int_range(rnd, 0, 12);
        uint32_t q = g_rand_int_range(rnd, 0, 16);
        uint64_t where[] = { host | NV_HOST, 0, NV_DA_DRAM1 + 0x1000,
                             NV_EAST | 0x2000, NV_WEST | NV_DA_DRAM1,
                             NV_DA_TPB + 0x2701200, NV_DA_TPB + 0x2700000,
                             NV_DA_APB + nv_q_off(e, q, false) + 0x38,
                             NV_DA_APB + NV_MISC + MISC_DOORBELL,
                             NV_EAST | (NV_DA_APB + NV_MISC + MISC_DOORBELL),
                             0x0800000000ULL, (host + 60 * KiB) | NV_HOST };
        uint8_t ring[2][32 * 16];
        int k, side, n = g_rand_int_range(rnd, 1, 32);
        bool in_dram = g_rand_boolean(rnd);
        uint64_t rpa[2], rda[2];

        d = g_rand_int_range(rnd, 0, 2);
        for (side = 0; side < 2; side++) {
            for (k = 0; k < 32; k++) {
                uint32_t len = g_rand_int_range(rnd, 0, 5) == 0 ? 0 :
                               g_rand_int_range(rnd, 1, 300) & ~3;
                uint32_t lc = len | ((g_rand_int_range(rnd, 0, 10) ? 1u :
                                      g_rand_int_range(rnd, 0, 4)) << 24);

                if (side == 0) {
                    lc |= (g_rand_int_range(rnd, 0, 4) ? NV_FIRST : 0) |
                          (g_rand_int_range(rnd, 0, 3) ? NV_LAST : 0);
                }
                stl_le_p(ring[side] + 16 * k, lc);
                stl_le_p(ring[side] + 16 * k + 4, NV_META);
                stq_le_p(ring[side] + 16 * k + 8,
                         where[g_rand_int_range(rnd, 0, ARRAY_SIZE(where))] +
                         (g_rand_int_range(rnd, 0, 64) << 2));
            }
            rpa[side] = in_dram ? c->dev[d].bar4 + 0x40000 + side * 0x1000
                                : host + 32 * KiB + side * 0x1000;
            rda[side] = in_dram ? 0x40000 + side * 0x1000
                                : (host + 32 * KiB + side * 0x1000) | NV_HOST;
            qtest_memwrite(c->qts, rpa[side], ring[side], sizeof(ring[side]));
        }
        nv_wr0(c, d, nv_udma_base(e) + 0x204, 1);
        nv_wr0(c, d, nv_udma_base(e) + 0x20204, 1);
        nv_engine_init(c, d, e);
        nv_ring_init(c, d, e, q, false, rda[0], 32);
        nv_ring_init(c, d, e, q, true, rda[1], 32);
        nv_wr0(c, d, nv_q_off(e, q, true) + 0x38, g_rand_int_range(rnd, 0, 33));
        nv_wr0(c, d, nv_q_off(e, q, false) + 0x38, n);
    }
    g_rand_free(rnd);
    /* let bottom halves drain, then the device must work again */
    qtest_clock_step(c->qts, 1000);
    for (d = 0; d < 2; d++) {
        NvQueue *Q;
        uint64_t h = guest_alloc(&c->alloc, 8);

        nv_wr0(c, d, NV_MISC + MISC_RESET_REQ, 1);
        nv_wr0(c, d, NV_MISC + MISC_DOORBELL, 1);
        g_assert_cmphex(nv_fwio_rd(c, d, NV_DA_MISC + MISC_FW_STATUS), ==,
                        0x80000003);
        Q = nv_queue_new(c, d, 2, 15, 32, false, 0);
        qtest_writel(c->qts, h, 0x900d);
        nv_push(Q, h | NV_HOST, (h + 4) | NV_HOST, 4);
        nv_kick(Q, 1, 1);
        g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0x900d);
        g_free(Q);
    }
    nv_stop(c);
}

/* ------------------------------------------- second pass (issue 14) */

static QDict *qom_get(NvCtx *c, const char *dev, const char *prop)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", dev);
    QDict *rsp = qtest_qmp(c->qts, "{'execute': 'qom-get', 'arguments': "
                           "{'path': %s, 'property': %s}}", path, prop);

    g_assert(qdict_haskey(rsp, "return"));
    return rsp;
}

static int64_t qom_get_int(NvCtx *c, const char *dev, const char *prop)
{
    QDict *rsp = qom_get(c, dev, prop);
    int64_t v = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static bool qom_get_bool(NvCtx *c, const char *dev, const char *prop)
{
    QDict *rsp = qom_get(c, dev, prop);
    bool v = qdict_get_bool(rsp, "return");

    qobject_unref(rsp);
    return v;
}

static void nv_reset_req(NvCtx *c, int d, uint32_t type, uint32_t map)
{
    nv_wr0(c, d, NV_MISC + MISC_RESET_TPB_MAP, map);
    nv_wr0(c, d, NV_MISC + MISC_RESET_REQ, type);
    nv_wr0(c, d, NV_MISC + MISC_DOORBELL, 1);
}

/* Give NC @nc some state of every kind a TPB reset clears. */
static void nc_dirty(NvCtx *c, int nc, uint64_t nq_da)
{
    uint32_t b = nc * NC_STRIDE, pu = PUTILS(nc) + PU_EVENT_NQ;

    nv_wr2(c, 0, b + NC_SEM_SET(4), 40 + nc);
    nv_wr2(c, 0, b + NC_EVENT(9), 1);
    nv_wr2(c, 0, b + NC_SB + 0x1000, 0xc0de0000 + nc);
    nv_wr2(c, 0, b + NC_IRAM_FIFO, 0x11);
    nv_wr0(c, 0, pu + 0x0, (uint32_t)nq_da);
    nv_wr0(c, 0, pu + 0x4, nq_da >> 32);
    nv_wr0(c, 0, pu + 0x8, 256);
}

static bool nc_is_clean(NvCtx *c, int nc)
{
    uint32_t b = nc * NC_STRIDE, pu = PUTILS(nc) + PU_EVENT_NQ;
    g_autofree char *loaded = g_strdup_printf("nc%d-fifo-loaded", nc);
    bool sem = nv_fwio_rd(c, 0, NV_DA_TPB + b + NC_SEM_READ(4)) == 0;
    bool ev = nv_fwio_rd(c, 0, NV_DA_TPB + b + NC_EVENT(9)) == 0;
    bool mem = nv_fwio_rd(c, 0, NV_DA_TPB + b + NC_SB + 0x1000) == 0;
    bool nq = nv_fwio_rd(c, 0, NV_DA_APB + pu + 0x8) == 0;
    bool fifo = !qom_get_bool(c, "neuron0", loaded);

    /* all or nothing: a partial reset of one core is a bug */
    g_assert_cmpint(sem, ==, ev);
    g_assert_cmpint(sem, ==, mem);
    g_assert_cmpint(sem, ==, nq);
    g_assert_cmpint(sem, ==, fifo);
    return sem;
}

/*
 * §8.1 reset type 2: the NeuronCores in MISC+0x1D8 [3:0] are reset;
 * UDMA programming, DRAM, MISC RAM (device id) and the other cores stay.
 */
static void test_reset_tpb_map(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 5, 3, 32, false, 0);
    uint64_t nq = guest_alloc(&c->alloc, 256) | NV_HOST;
    int nc;

    for (nc = 0; nc < 4; nc++) {
        nc_dirty(c, nc, nq);
        g_assert_false(nc_is_clean(c, nc));
    }
    qtest_writel(c->qts, c->dev[0].bar4 + 0x100, 0xdeadbeef);
    nv_wr0(c, 0, NV_MISC + MISC_DEVICE_ID, 5);

    nv_reset_req(c, 0, 2, 0x5);                 /* NC0 and NC2 */
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_RESET_REQ), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_FW_STATUS), ==,
                    0x80000000);
    g_assert_true(nc_is_clean(c, 0));
    g_assert_false(nc_is_clean(c, 1));
    g_assert_true(nc_is_clean(c, 2));
    g_assert_false(nc_is_clean(c, 3));
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_TPB + NC_STRIDE + NC_SEM_READ(4)),
                    ==, 41);
    /* DRAM, the device id and the UDMA queue programming survive */
    g_assert_cmphex(qtest_readl(c->qts, c->dev[0].bar4 + 0x100), ==,
                    0xdeadbeef);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_DEVICE_ID), ==, 5);
    g_assert_cmphex(nv_qreg(Q, false, 0x20), ==, 0x03030000);
    g_assert_cmphex(nv_qreg(Q, true, 0x30), ==, 32);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(5) + 0x254), ==, 0x010FFFFF);

    /* map 0 = all four cores (what AWS's driver writes on v1) */
    nv_reset_req(c, 0, 2, 0);
    for (nc = 0; nc < 4; nc++) {
        g_assert_true(nc_is_clean(c, nc));
    }
    g_assert_cmphex(qtest_readl(c->qts, c->dev[0].bar4 + 0x100), ==,
                    0xdeadbeef);

    /* type 1 is still the whole device */
    nv_reset_req(c, 0, 1, 0);
    g_assert_cmphex(qtest_readl(c->qts, c->dev[0].bar4 + 0x100), ==, 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_DEVICE_ID), ==, 0);
    g_assert_cmphex(nv_qreg(Q, false, 0x20), ==, 0x03000000);
    g_free(Q);
    nv_stop(c);
}

/*
 * A TPB reset of NC0 while NC1 works: NC1's DMA queue keeps its ring
 * position and runs on without re-initialisation, its EVENT notification
 * queue keeps producing at the next slot, DRAM is intact.
 */
static void test_reset_tpb_other_core(void)
{
    NvCtx *c = nv_start("tpb-reset-delay-ms=50");
    NvQueue *Q = nv_queue_new(c, 0, 4, 2, 32, true, 0x10000);
    uint64_t ring = guest_alloc(&c->alloc, 256);
    uint64_t h = guest_alloc(&c->alloc, 16);
    uint32_t pu = PUTILS(1) + PU_EVENT_NQ;
    uint64_t da = ring | NV_HOST;

    qtest_memset(c->qts, ring, 0, 256);
    nv_wr0(c, 0, pu + 0x0, (uint32_t)da);
    nv_wr0(c, 0, pu + 0x4, da >> 32);
    nv_wr0(c, 0, pu + 0x8, 256);
    qtest_writel(c->qts, h, 7);
    qtest_writel(c->qts, c->dev[0].bar4 + 0x200, 0xfeedf00d);
    nv_wr2(c, 0, NC_SEM_SET(1), 3);                     /* NC0 */

    /* NC1's queue sets event 20 of NC1 */
    nv_push(Q, h | NV_HOST, NV_DA_TPB + NC_STRIDE + NC_EVENT(20), 4);
    nv_kick(Q, 1, 1);
    check_nq_entry(c, ring, true, 20, 7);

    nv_reset_req(c, 0, 2, 0x1);                         /* NC0 only */
    /* during the reset the engines keep running: NC1's queue moves on */
    nv_push(Q, h | NV_HOST, NV_DA_TPB + NC_STRIDE + NC_EVENT(21), 4);
    nv_kick(Q, 1, 1);
    check_nq_entry(c, ring + 16, true, 21, 7);
    qtest_clock_step(c->qts, 60 * 1000 * 1000);
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_RESET_REQ), ==, 0);
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_SEM_READ(1)), ==, 0);
    /* and after it, without any re-initialisation */
    nv_push(Q, h | NV_HOST, NV_DA_TPB + NC_STRIDE + NC_EVENT(22), 4);
    nv_kick(Q, 1, 1);
    check_nq_entry(c, ring + 32, true, 22, 7);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 3);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 0);
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_STRIDE + NC_EVENT(22)),
                    ==, 1);
    g_assert_cmphex(qtest_readl(c->qts, c->dev[0].bar4 + 0x200), ==,
                    0xfeedf00d);
    g_free(Q);
    nv_stop(c);
}

/*
 * fault-stall-core: a packet writing into the hung core waits (its M2S
 * head stays), queues writing elsewhere run; a TPB reset of another core
 * does not end the hang, one of the hung core does (the packet then runs
 * on the freshly reset core), and so does setting -1.
 */
static void test_fault_stall_core(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 3, 1, 32, false, 0);
    NvQueue *R = nv_queue_new(c, 0, 6, 1, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 16);

    qtest_writel(c->qts, h, 9);
    nv_wr2(c, 0, NC_STRIDE + NC_SEM_SET(5), 1);
    QOM_SET(c, "neuron0", "fault-stall-core", "1");
    g_assert_cmpint(qom_get_int(c, "neuron0", "fault-stall-core"), ==, 1);

    nv_push(Q, h | NV_HOST, NV_DA_TPB + NC_STRIDE + NC_SEM_SET(5), 4);
    nv_kick(Q, 1, 1);
    nv_push(R, h | NV_HOST, NV_DA_TPB + 2 * NC_STRIDE + NC_SEM_SET(5), 4);
    nv_kick(R, 1, 1);
    g_assert(nv_wait_idle(R));
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + 2 * NC_STRIDE +
                               NC_SEM_READ(5)), ==, 9);
    g_assert_cmphex(nv_qreg(Q, false, 0x24), ==, 1u << 8);     /* pending */
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, 1u << 30);    /* head 0 */
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_STRIDE + NC_SEM_READ(5)),
                    ==, 1);

    nv_reset_req(c, 0, 2, 0x1);                 /* NC0: still hung */
    g_assert_cmpint(qom_get_int(c, "neuron0", "fault-stall-core"), ==, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, 1u << 30);
    nv_reset_req(c, 0, 2, 0x2);                 /* NC1: the packet runs */
    g_assert_cmpint(qom_get_int(c, "neuron0", "fault-stall-core"), ==, -1);
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 1);
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_STRIDE + NC_SEM_READ(5)),
                    ==, 9);

    /* setting -1 ends a hang as well */
    QOM_SET(c, "neuron0", "fault-stall-core", "1");
    qtest_writel(c->qts, h, 4);
    nv_push(Q, h | NV_HOST, NV_DA_TPB + NC_STRIDE + NC_SEM_INCR(5), 4);
    nv_kick(Q, 1, 1);
    g_assert_cmphex(nv_qreg(Q, false, 0x34), ==, (1u << 30) | 1);
    QOM_SET(c, "neuron0", "fault-stall-core", "-1");
    g_assert(nv_wait_idle(Q));
    g_assert_cmpint(nv_fwio_rd(c, 0, NV_DA_TPB + NC_STRIDE + NC_SEM_READ(5)),
                    ==, 13);
    g_free(Q);
    g_free(R);
    nv_stop(c);
}

/*
 * Events are one bit each ([PROJ], spec §6.1 "a bitmap"): any non-zero
 * value sets, zero clears, reads return 0/1.  The EVENT notification
 * carries the raw value that was written.
 */
static void test_nc_event_values(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t ring = guest_alloc(&c->alloc, 64);
    uint32_t pu = PUTILS(2) + PU_EVENT_NQ;
    uint64_t da = ring | NV_HOST;
    uint64_t ev = NV_DA_TPB + 2 * NC_STRIDE + NC_EVENT(40);

    nv_wr0(c, 0, pu + 0x0, (uint32_t)da);
    nv_wr0(c, 0, pu + 0x4, da >> 32);
    nv_wr0(c, 0, pu + 0x8, 64);
    nv_wr2(c, 0, 2 * NC_STRIDE + NC_EVENT(40), 0xABCD0000);
    g_assert_cmphex(nv_fwio_rd(c, 0, ev), ==, 1);
    g_assert_cmphex(nv_rd2(c, 0, 2 * NC_STRIDE + NC_EVENT(40)), ==, 1);
    check_nq_entry(c, ring, true, 40, 0xABCD0000);
    nv_wr2(c, 0, 2 * NC_STRIDE + NC_EVENT(40), 2);
    g_assert_cmphex(nv_fwio_rd(c, 0, ev), ==, 1);
    check_nq_entry(c, ring + 16, true, 40, 2);
    nv_wr2(c, 0, 2 * NC_STRIDE + NC_EVENT(40), 0);
    g_assert_cmphex(nv_fwio_rd(c, 0, ev), ==, 0);
    nv_stop(c);
}

/* §4.4: firmware API version 3 and the power slot it implies ([PROJ]) */
static void test_misc_api_version(void)
{
    NvCtx *c = nv_start(NULL);
    uint64_t pw = NV_DA_MISC + MISC_POWER_D0;
    uint32_t a, b;

    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_API_VERSION), ==, 3);
    nv_wr0(c, 0, NV_MISC + MISC_API_VERSION, 7);        /* firmware's */
    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_API_VERSION), ==, 3);
    QOM_SET(c, "neuron0", "power-util", "4200");
    a = nv_fwio_rd(c, 0, pw);
    g_assert_cmpuint(a & 0xffff, ==, 4200);
    nv_wr0(c, 0, NV_MISC + MISC_POWER_D0, 0);           /* ignored */
    qtest_clock_step(c->qts, 1000 * 1000 * 1000);
    b = nv_fwio_rd(c, 0, pw);
    g_assert_cmpuint(b & 0xffff, ==, 4200);
    g_assert_cmpuint(b >> 16, ==, ((a >> 16) + 1) & 0xffff);   /* sample */
    /* single die: no die-1 figure */
    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_POWER_D0 + 4), ==, 0);
    /* survives a device reset: it is the firmware's, not RAM */
    nv_reset_req(c, 0, 1, 0);
    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_API_VERSION), ==, 3);
    g_assert_cmpuint(nv_fwio_rd(c, 0, pw) & 0xffff, ==, 4200);
    nv_stop(c);

    /* an older firmware: no power slot, plain MISC RAM */
    c = nv_start("fw-api-version=2");
    g_assert_cmpuint(nv_fwio_rd(c, 0, NV_DA_MISC + MISC_API_VERSION), ==, 2);
    g_assert_cmpuint(nv_fwio_rd(c, 0, pw), ==, 0);
    nv_stop(c);
}

/*
 * An aborted engine stays aborted: further doorbells accumulate on all of
 * its queues, a TPB reset does not touch it; NORMAL on both sides resumes
 * the healthy queues, the failed ring needs its queue reset, and a device
 * reset clears everything.
 */
static void test_udma_abort_sticky(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *bad = nv_queue_new(c, 0, 8, 0, 32, false, 0);
    NvQueue *ok = nv_queue_new(c, 0, 8, 1, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);

    qtest_writel(c->qts, h, 0x5151);
    qtest_writel(c->qts, h + 4, 0);
    nv_push(bad, h | NV_HOST, 0x200000000000ULL, 4);       /* no region */
    nv_kick(bad, 1, 1);
    expect_queue_error(bad, true, 2);
    nv_push(ok, h | NV_HOST, (h + 4) | NV_HOST, 4);
    nv_kick(ok, 1, 1);
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0);
    g_assert_cmphex(nv_qreg(ok, false, 0x24), ==, 1u << 8);     /* pending */

    nv_reset_req(c, 0, 2, 0);                   /* all cores, not the DMA */
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(8) + 0x200), ==, 0x2222);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(8) + 0x20200), ==, 0x2222);
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0);

    nv_wr0(c, 0, nv_udma_base(8) + 0x204, 1);
    nv_wr0(c, 0, nv_udma_base(8) + 0x20204, 1);
    g_assert(nv_wait_idle(ok));
    g_assert_cmphex(qtest_readl(c->qts, h + 4), ==, 0x5151);
    /* the failed ring keeps its error until the queue is reset */
    g_assert_cmphex(nv_qreg(bad, true, 0x24) & 0xff, ==, 2);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(8) + 0x200), ==, 0x1111);

    /* an abort command; a device reset clears engine and rings */
    nv_wr0(c, 0, nv_udma_base(8) + 0x204, 4);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(8) + 0x200), ==, 0x2222);
    nv_reset_req(c, 0, 1, 0);
    g_assert_cmphex(nv_rd0(c, 0, nv_udma_base(8) + 0x200), ==, 0x1111);
    g_assert_cmphex(nv_qreg(bad, true, 0x24), ==, 0);
    recover_and_check(bad);
    g_free(bad);
    g_free(ok);
    nv_stop(c);
}

/*
 * Reset timing at both extremes: instantaneous (the default) and the
 * times AWS's driver waits on hardware before its first poll, 7 s for the
 * device and 3 s for the NeuronCores (virtual time).
 */
static void check_reset_timing(NvCtx *c, uint32_t type, int64_t ms)
{
    uint64_t a = NV_DA_MISC + MISC_RESET_REQ;
    uint8_t req[16];
    size_t len;

    nv_reset_req(c, 0, type, 0);
    if (ms == 0) {
        /* complete when the doorbell write returns */
        g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==,
                        0x80000000);
        g_assert_cmphex(nv_fwio_rd(c, 0, a), ==, 0);
        return;
    }
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==, 0);
    len = nv_build_req(c, req, FWIO_READ, &a, 8);
    nv_fwio_post(c, 0, req, len);
    qtest_clock_step(c->qts, (ms - 1) * 1000 * 1000);
    g_assert_cmphex(qtest_readb(c->qts, c->resp_pa), ==, 0);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==, 0);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_RESET_REQ), ==, type);
    qtest_clock_step(c->qts, 1000 * 1000);
    g_assert_cmphex(qtest_readb(c->qts, c->resp_pa), ==, req[0]);
    g_assert_cmphex(qtest_readl(c->qts, c->resp_pa + 4), ==, 0);
    g_assert_cmphex(nv_rd0(c, 0, NV_MISC + MISC_FW_STATUS), ==, 0x80000000);
}

static void test_reset_delay_extremes(void)
{
    NvCtx *c = nv_start(NULL);

    check_reset_timing(c, 1, 0);
    check_reset_timing(c, 2, 0);
    nv_stop(c);
    c = nv_start("reset-delay-ms=7000,tpb-reset-delay-ms=3000");
    check_reset_timing(c, 1, 7000);
    check_reset_timing(c, 2, 3000);
    nv_stop(c);
}

/*
 * Core-local memory (state buffer, [PROJ] 16 MiB per core at NC + 0):
 * DMA round trip host -> state buffer -> DRAM -> host, any alignment;
 * BAR2 and FWIO see the same bytes; a DMA crossing its end fails.
 */
static void test_nc_core_memory(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 6, 4, 64, false, 0);
    const uint32_t n = 64 * KiB;
    uint64_t src = guest_alloc(&c->alloc, n), dst = guest_alloc(&c->alloc, n);
    uint64_t sb = NV_DA_TPB + 2 * NC_STRIDE + NC_SB;
    g_autofree uint8_t *a = g_malloc(n);
    g_autofree uint8_t *b = g_malloc(n);

    fill_pattern(a, n, 14);
    qtest_memwrite(c->qts, src, a, n);
    qtest_memset(c->qts, dst, 0, n);
    nv_push(Q, src | NV_HOST, sb + NC_SB_SIZE - n, n);      /* last 64K */
    nv_push(Q, sb + NC_SB_SIZE - n, 0x300000 + 3, n);       /* -> DRAM */
    nv_push(Q, 0x300000 + 3, dst | NV_HOST, n);
    nv_kick(Q, 3, 3);
    g_assert(nv_wait_idle(Q));
    qtest_memread(c->qts, dst, b, n);
    g_assert(memcmp(a, b, n) == 0);
    g_assert_cmphex(nv_rd2(c, 0, 2 * NC_STRIDE + NC_SB_SIZE - n), ==,
                    (uint32_t)ldl_le_p(a));
    g_assert_cmphex(nv_fwio_rd(c, 0, sb + NC_SB_SIZE - 4), ==,
                    (uint32_t)ldl_le_p(a + n - 4));
    /* unaligned bytes inside the buffer */
    nv_push(Q, (src + 1) | NV_HOST, sb + 0x10003, 5);
    nv_kick(Q, 1, 1);
    g_assert(nv_wait_idle(Q));
    g_assert_cmphex(nv_fwio_rd(c, 0, sb + 0x10004), ==,
                    (uint32_t)ldl_le_p(a + 2));
    /* other cores have their own buffer */
    g_assert_cmphex(nv_fwio_rd(c, 0, NV_DA_TPB + NC_SB + NC_SB_SIZE - 4),
                    ==, 0);
    /* crossing the end of the state buffer: decode error, engine aborted */
    nv_push(Q, src | NV_HOST, sb + NC_SB_SIZE - 4, 8);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, true, 2);
    g_free(Q);
    nv_stop(c);
}

/*
 * PE instruction FIFO (§3.1, NC + 0x265C000, 16 KiB): takes DMA writes,
 * counts them (model-private QOM properties), is write-only.
 */
static void test_nc_iram_fifo(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 9, 7, 64, false, 0);
    uint64_t src = guest_alloc(&c->alloc, 16 * KiB);
    uint64_t fifo = NV_DA_TPB + 3 * NC_STRIDE + NC_IRAM_FIFO;
    uint32_t v = 0;

    g_assert_false(qom_get_bool(c, "neuron0", "nc3-fifo-loaded"));
    qtest_memset(c->qts, src, 0x5a, 16 * KiB);
    nv_push(Q, src | NV_HOST, fifo, 16 * KiB);
    nv_push(Q, src | NV_HOST, fifo, 4096);
    nv_push(Q, src | NV_HOST, fifo + 0x100, 100);
    nv_kick(Q, 3, 3);
    g_assert(nv_wait_idle(Q));
    g_assert_cmpint(qom_get_int(c, "neuron0", "nc3-fifo-bytes"), ==,
                    16 * KiB + 4096 + 100);
    g_assert_cmpint(qom_get_int(c, "neuron0", "nc3-fifo-writes"), ==, 3);
    g_assert_true(qom_get_bool(c, "neuron0", "nc3-fifo-loaded"));
    g_assert_false(qom_get_bool(c, "neuron0", "nc2-fifo-loaded"));
    g_assert_cmpint(qom_get_int(c, "neuron0", "nc2-fifo-bytes"), ==, 0);
    /* write-only: FWIO READ fails, a BAR2 read returns all ones */
    g_assert_cmpint(nv_fwio_read_n(c, 0, &fifo, 1, &v), ==, 1);
    g_assert_cmphex(nv_rd2(c, 0, 3 * NC_STRIDE + NC_IRAM_FIFO), ==,
                    0xffffffff);
    /* a TPB reset of the core clears the FIFO state */
    nv_reset_req(c, 0, 2, 1u << 3);
    g_assert_cmpint(qom_get_int(c, "neuron0", "nc3-fifo-bytes"), ==, 0);
    g_assert_false(qom_get_bool(c, "neuron0", "nc3-fifo-loaded"));
    /* past its end: decode error */
    nv_push(Q, src | NV_HOST, fifo + 16 * KiB - 4, 8);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, true, 2);
    g_assert_cmpint(qom_get_int(c, "neuron0", "nc3-fifo-bytes"), ==, 0);
    g_free(Q);
    nv_stop(c);
}

/*
 * Outside the implemented regions of the NC window: BAR2 writes are
 * dropped, BAR2 reads return all ones, FWIO READ fails, DMA aborts.
 */
static void test_nc_unimplemented(void)
{
    NvCtx *c = nv_start(NULL);
    NvQueue *Q = nv_queue_new(c, 0, 2, 5, 32, false, 0);
    uint64_t h = guest_alloc(&c->alloc, 8);
    uint64_t hole = NV_DA_TPB + NC_STRIDE + 0x2000000;
    uint32_t v = 0;

    nv_wr2(c, 0, NC_STRIDE + 0x2000000, 0x1234);
    g_assert_cmphex(nv_rd2(c, 0, NC_STRIDE + 0x2000000), ==, 0xffffffff);
    g_assert_cmpint(nv_fwio_read_n(c, 0, &hole, 1, &v), ==, 1);
    qtest_writel(c->qts, h, 1);
    nv_push(Q, h | NV_HOST, hole, 4);
    nv_kick(Q, 1, 1);
    expect_queue_error(Q, true, 2);
    g_free(Q);
    nv_stop(c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/neuron-v1/s2-pci/ids", test_pci_ids);
    qtest_add_func("/neuron-v1/s2-pci/id-properties", test_pci_id_props);
    qtest_add_func("/neuron-v1/model/dma-nice", test_dma_nice);
    qtest_add_func("/neuron-v1/s2-pci/bars", test_pci_bars);
    qtest_add_func("/neuron-v1/s2-pci/access-widths", test_pci_access_widths);
    qtest_add_func("/neuron-v1/s4-misc/status", test_misc_status);
    qtest_add_func("/neuron-v1/s4-misc/readless", test_misc_readless);
    qtest_add_func("/neuron-v1/s5-udma/registers", test_udma_regs);
    qtest_add_func("/neuron-v1/s5-udma/copy", test_udma_copy);
    qtest_add_func("/neuron-v1/s5-udma/async", test_udma_async);
    qtest_add_func("/neuron-v1/s5-udma/ring-ids", test_udma_ring_ids);
    qtest_add_func("/neuron-v1/s5-udma/ring-in-dram", test_udma_ring_in_dram);
    qtest_add_func("/neuron-v1/s5-udma/packets", test_udma_packets);
    qtest_add_func("/neuron-v1/s5-udma/tpb-target", test_udma_tpb_target);
    qtest_add_func("/neuron-v1/s5-udma/bottom-half", test_udma_bottom_half);
    qtest_add_func("/neuron-v1/s5-udma/bad-ring-id", test_udma_bad_ring_id);
    qtest_add_func("/neuron-v1/s5-udma/bad-address", test_udma_bad_address);
    qtest_add_func("/neuron-v1/s5-udma/len0", test_udma_len0);
    qtest_add_func("/neuron-v1/s5-udma/bad-framing", test_udma_bad_framing);
    qtest_add_func("/neuron-v1/s5-udma/bad-rings", test_udma_bad_rings);
    qtest_add_func("/neuron-v1/s5-udma/disabled-queue",
                   test_udma_disabled_queue);
    qtest_add_func("/neuron-v1/s5-udma/engine-state", test_udma_engine_state);
    qtest_add_func("/neuron-v1/s5-udma/intel-iommu", test_udma_intel_iommu);
    qtest_add_func("/neuron-v1/s5-udma/zero-discard", test_udma_zero_discard);
    qtest_add_func("/neuron-v1/s5-udma/zero-releases",
                   test_udma_zero_releases);
    qtest_add_func("/neuron-v1/s6-nc/semaphores", test_nc_semaphores);
    qtest_add_func("/neuron-v1/s6-nc/events", test_nc_events);
    qtest_add_func("/neuron-v1/s6-nc/nq-events", test_nq_events);
    qtest_add_func("/neuron-v1/s7-fwio/worked-example",
                   test_fwio_worked_example);
    qtest_add_func("/neuron-v1/s7-fwio/read-batch", test_fwio_read_batch);
    qtest_add_func("/neuron-v1/s7-fwio/errors", test_fwio_errors);
    qtest_add_func("/neuron-v1/s7-fwio/post-to-cw", test_fwio_post_to_cw);
    qtest_add_func("/neuron-v1/s8-reset/firmware", test_reset);
    qtest_add_func("/neuron-v1/s8-reset/delay", test_reset_delay);
    qtest_add_func("/neuron-v1/s8-reset/system", test_reset_system);
    qtest_add_func("/neuron-v1/s9-topology/ring", test_topology_ring);
    qtest_add_func("/neuron-v1/s9-topology/peer-dma", test_topology_peer_dma);
    qtest_add_func("/neuron-v1/fault/stall-queue", test_fault_stall_queue);
    qtest_add_func("/neuron-v1/fault/stall-core", test_fault_stall_core);
    qtest_add_func("/neuron-v1/fault/slow-queue", test_fault_slow_queue);
    qtest_add_func("/neuron-v1/fault/fwio-drop", test_fault_fwio_drop);
    qtest_add_func("/neuron-v1/fault/fwio-error", test_fault_fwio_error);
    qtest_add_func("/neuron-v1/fault/fwio-bad-crc", test_fault_fwio_bad_crc);
    qtest_add_func("/neuron-v1/fault/east-link-down",
                   test_fault_east_link_down);
    qtest_add_func("/neuron-v1/fault/west-link-down",
                   test_fault_west_link_down);
    qtest_add_func("/neuron-v1/fault/not-ready", test_fault_not_ready);
    qtest_add_func("/neuron-v1/fault/corrupt-dram", test_fault_corrupt_dram);
    qtest_add_func("/neuron-v1/robustness/fuzz", test_fuzz);
    qtest_add_func("/neuron-v1/s8-reset/tpb-map", test_reset_tpb_map);
    qtest_add_func("/neuron-v1/s8-reset/tpb-other-core",
                   test_reset_tpb_other_core);
    qtest_add_func("/neuron-v1/s6-nc/event-values", test_nc_event_values);
    qtest_add_func("/neuron-v1/s4-misc/api-version", test_misc_api_version);
    qtest_add_func("/neuron-v1/s5-udma/abort-sticky", test_udma_abort_sticky);
    qtest_add_func("/neuron-v1/s8-reset/delay-extremes",
                   test_reset_delay_extremes);
    qtest_add_func("/neuron-v1/s6-nc/core-memory", test_nc_core_memory);
    qtest_add_func("/neuron-v1/s6-nc/iram-fifo", test_nc_iram_fifo);
    qtest_add_func("/neuron-v1/s6-nc/unimplemented", test_nc_unimplemented);

    return g_test_run();
}
