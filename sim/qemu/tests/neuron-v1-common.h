/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared helpers for the neuron-v1 qtests and the DMA benchmark: a small
 * "driver" that talks to the model the way the spec (neuron-v1-hw.md)
 * says a driver does -- MMIO writes, FWIO mailbox, UDMA rings.
 */
#ifndef NEURON_V1_COMMON_H
#define NEURON_V1_COMMON_H

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "libqtest.h"
#include "hw/pci/pci_regs.h"
#include "libqos/pci-pc.h"
#include "libqos/malloc-pc.h"

#define NV_MAX_DEV          4
#define NV_HOST             (1ULL << 46)
#define NV_EAST             (2ULL << 46)
#define NV_WEST             (3ULL << 46)

#define NV_DA_DRAM1         0x001000000000ULL
#define NV_DA_TPB           0x0FFFC0000000ULL
#define NV_DA_APB           0x0FFFF0000000ULL
#define NV_MISC             0x78E000
#define NV_DA_MISC          (NV_DA_APB + NV_MISC)

#define MISC_API_VERSION    0x000
#define MISC_FW_STATUS      0x01C
#define MISC_POWER_D0       0x054
#define MISC_RESET_TPB_MAP  0x1D8
#define MISC_DEVICE_ID      0x024
#define MISC_RESET_REQ      0x1EC
#define MISC_REQ_HI         0x1F0
#define MISC_REQ_LO         0x1F4
#define MISC_RESP_HI        0x1F8
#define MISC_RESP_LO        0x1FC
#define MISC_DOORBELL       0x800

#define NC_STRIDE           0x4000000
#define NC_EVENT(i)         (0x2700000 + 4 * (i))
#define NC_SEM_READ(i)      (0x2701000 + 4 * (i))
#define NC_SEM_SET(i)       (0x2701100 + 4 * (i))
#define NC_SEM_INCR(i)      (0x2701200 + 4 * (i))
#define NC_SEM_DECR(i)      (0x2701300 + 4 * (i))
#define NC_SB               0x0             /* state buffer ([PROJ]) */
#define NC_SB_SIZE          (16 * MiB)
#define NC_IRAM_FIFO        0x265C000

#define PUTILS(n)           (0x404000 + (n) * 0x10000)
#define PU_EVENT_NQ         0x1094

#define FWIO_READ           1
#define FWIO_POST           2

/* BAR placement used by the tests (above 4 GiB, one 16 GiB slot each) */
#define NV_BAR_BASE         0x8000000000ULL
#define NV_BAR_STRIDE       0x400000000ULL

static inline uint32_t nv_udma_base(int e)
{
    return 0x100000 * (e / 3) + 0x40000 * (1 + e % 3);
}

static inline uint32_t nv_q_off(int e, int q, bool s2m)
{
    return nv_udma_base(e) + (s2m ? 0x21000 : 0x1000) + q * 0x1000;
}

typedef struct NvDev {
    QPCIDevice *pdev;
    uint64_t bar0, bar2, bar4;
} NvDev;

typedef struct NvCtx {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    NvDev dev[NV_MAX_DEV];
    int ndev;
    uint64_t req_pa, resp_pa;           /* FWIO buffers (guest physical) */
    uint8_t seq;
} NvCtx;

/* A queue pair driven from the test, rings in host memory or DRAM. */
typedef struct NvQueue {
    NvCtx *c;
    int d, e, q;
    uint32_t n;                         /* descriptors per ring */
    bool in_dram;
    uint64_t m2s_pa, s2m_pa;            /* where the test writes descriptors */
    uint64_t m2s_da, s2m_da;            /* device addresses of the rings */
    uint32_t m_idx, r_idx;
    uint8_t m_id, r_id;
} NvQueue;

static inline void nv_wr0(NvCtx *c, int d, uint32_t off, uint32_t v)
{
    qtest_writel(c->qts, c->dev[d].bar0 + off, v);
}

static inline uint32_t nv_rd0(NvCtx *c, int d, uint32_t off)
{
    return qtest_readl(c->qts, c->dev[d].bar0 + off);
}

static inline void nv_wr2(NvCtx *c, int d, uint32_t off, uint32_t v)
{
    qtest_writel(c->qts, c->dev[d].bar2 + off, v);
}

static inline uint32_t nv_rd2(NvCtx *c, int d, uint32_t off)
{
    return qtest_readl(c->qts, c->dev[d].bar2 + off);
}

/* CRC-32C written out independently of the model's (qemu/crc32c.h) one */
static inline uint32_t nv_crc32c(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffff;
    int k;

    while (n--) {
        crc ^= *p++;
        for (k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1));
        }
    }
    return ~crc;
}

static inline void nv_map_bars(NvCtx *c, int d)
{
    NvDev *nd = &c->dev[d];
    uint64_t base = NV_BAR_BASE + d * NV_BAR_STRIDE;

    nd->bar0 = base;
    nd->bar2 = base + 0x10000000;
    nd->bar4 = base + 0x200000000ULL;
    qpci_config_writel(nd->pdev, PCI_BASE_ADDRESS_0, (uint32_t)nd->bar0);
    qpci_config_writel(nd->pdev, PCI_BASE_ADDRESS_1, nd->bar0 >> 32);
    qpci_config_writel(nd->pdev, PCI_BASE_ADDRESS_2, (uint32_t)nd->bar2);
    qpci_config_writel(nd->pdev, PCI_BASE_ADDRESS_3, nd->bar2 >> 32);
    qpci_config_writel(nd->pdev, PCI_BASE_ADDRESS_4, (uint32_t)nd->bar4 |
                       PCI_BASE_ADDRESS_MEM_PREFETCH);
    qpci_config_writel(nd->pdev, PCI_BASE_ADDRESS_5, nd->bar4 >> 32);
    qpci_config_writew(nd->pdev, PCI_COMMAND,
                       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/*
 * Start QEMU with @ndev devices at slots 0x10.. (ids neuron<i>), linked
 * into a ring as the CONTRACT describes, plus @extra arguments.
 */
static inline NvCtx *nv_start_ring(int ndev, const char *devopts,
                                   const char *extra)
{
    NvCtx *c = g_new0(NvCtx, 1);
    GString *cmd = g_string_new("-machine q35 -m 512M ");
    int i;

    /* extra first: an IOMMU must be created before the PCI devices */
    g_string_append_printf(cmd, "%s ", extra ? extra : "");
    /* e.g. NEURON_QTEST_EXTRA="-d guest_errors,unimp" when debugging */
    if (getenv("NEURON_QTEST_EXTRA")) {
        g_string_append_printf(cmd, "%s ", getenv("NEURON_QTEST_EXTRA"));
    }

    for (i = 0; i < ndev; i++) {
        g_string_append_printf(cmd, "-device neuron-v1,id=neuron%d,addr=0x%x",
                               i, 0x10 + i);
        if (ndev > 1) {
            g_string_append_printf(cmd, ",east=neuron%d,west=neuron%d",
                                   (i + 1) % ndev, (i - 1 + ndev) % ndev);
        }
        if (devopts && *devopts) {
            g_string_append_printf(cmd, ",%s", devopts);
        }
        g_string_append_c(cmd, ' ');
    }
    c->qts = qtest_init(cmd->str);
    g_string_free(cmd, true);
    pc_alloc_init(&c->alloc, c->qts, ALLOC_NO_FLAGS);
    c->bus = qpci_new_pc(c->qts, &c->alloc);
    c->ndev = ndev;
    for (i = 0; i < ndev; i++) {
        c->dev[i].pdev = qpci_device_find(c->bus, QPCI_DEVFN(0x10 + i, 0));
        g_assert(c->dev[i].pdev);
        nv_map_bars(c, i);
    }
    c->req_pa = guest_alloc(&c->alloc, 0x10000);
    c->resp_pa = guest_alloc(&c->alloc, 0x10000);
    c->seq = 1;
    return c;
}

static inline NvCtx *nv_start(const char *devopts)
{
    return nv_start_ring(1, devopts, NULL);
}

static inline void nv_stop(NvCtx *c)
{
    int i;

    for (i = 0; i < c->ndev; i++) {
        g_free(c->dev[i].pdev);
    }
    qpci_free_pc(c->bus);
    alloc_destroy(&c->alloc);
    qtest_quit(c->qts);
    g_free(c);
}

/* ---- FWIO (§7) ---- */

/* Ring the mailbox with a ready-made request; returns the response size */
static inline void nv_fwio_post(NvCtx *c, int d, const uint8_t *req,
                                size_t len)
{
    uint64_t rq = c->req_pa | NV_HOST, rs = c->resp_pa | NV_HOST;

    qtest_memwrite(c->qts, c->req_pa, req, len);
    qtest_writeb(c->qts, c->resp_pa, 0);
    nv_wr0(c, d, NV_MISC + MISC_REQ_LO, (uint32_t)rq);
    nv_wr0(c, d, NV_MISC + MISC_REQ_HI, rq >> 32);
    nv_wr0(c, d, NV_MISC + MISC_RESP_LO, (uint32_t)rs);
    nv_wr0(c, d, NV_MISC + MISC_RESP_HI, rs >> 32);
    nv_wr0(c, d, NV_MISC + MISC_DOORBELL, 1);
}

static inline size_t nv_build_req(NvCtx *c, uint8_t *req, uint8_t cmd,
                                  const void *payload, size_t plen)
{
    size_t size = 8 + plen;

    if (++c->seq == 0) {
        c->seq = 1;
    }
    req[0] = c->seq;
    req[1] = cmd;
    stw_le_p(req + 2, size);
    stl_le_p(req + 4, 0);
    memcpy(req + 8, payload, plen);
    stl_le_p(req + 4, nv_crc32c(req, size));
    return size;
}

/*
 * Run one FWIO command; returns the error code, the payload goes to @out
 * (at most @outmax bytes) and its length to *outlen.
 */
static inline int nv_fwio(NvCtx *c, int d, uint8_t cmd, const void *payload,
                          size_t plen, void *out, size_t outmax,
                          size_t *outlen)
{
    g_autofree uint8_t *req = g_malloc(8 + plen);
    uint8_t hdr[4];
    size_t len = nv_build_req(c, req, cmd, payload, plen);
    uint16_t rsize;

    nv_fwio_post(c, d, req, len);
    qtest_memread(c->qts, c->resp_pa, hdr, 4);
    g_assert_cmpuint(hdr[0], ==, req[0]);
    rsize = lduw_le_p(hdr + 2);
    g_assert_cmpuint(rsize, >=, 4);
    if (outlen) {
        *outlen = rsize - 4;
    }
    if (out && rsize > 4) {
        g_assert_cmpuint(rsize - 4, <=, outmax);
        qtest_memread(c->qts, c->resp_pa + 4, out, rsize - 4);
    }
    return hdr[1];
}

static inline int nv_fwio_read_n(NvCtx *c, int d, const uint64_t *addrs,
                                 int n, uint32_t *vals)
{
    g_autofree uint8_t *p = g_malloc(8 * n);
    g_autofree uint8_t *o = g_malloc(4 * n + 4);
    size_t olen = 0;
    int i, err;

    for (i = 0; i < n; i++) {
        stq_le_p(p + 8 * i, addrs[i]);
    }
    err = nv_fwio(c, d, FWIO_READ, p, 8 * n, o, 4 * n, &olen);
    if (err == 0) {
        g_assert_cmpuint(olen, ==, 4 * n);
        for (i = 0; i < n; i++) {
            vals[i] = ldl_le_p(o + 4 * i);
        }
    } else {
        g_assert_cmpuint(olen, ==, 0);
    }
    return err;
}

static inline uint32_t nv_fwio_rd(NvCtx *c, int d, uint64_t addr)
{
    uint32_t v = 0xDEAD;

    g_assert_cmpint(nv_fwio_read_n(c, d, &addr, 1, &v), ==, 0);
    return v;
}

/* ---- UDMA (§5) ---- */

static inline void nv_engine_init(NvCtx *c, int d, int e)
{
    /* length 0 encodes 64 KiB, max packet 0xFFFFF (§5.2) */
    nv_wr0(c, d, nv_udma_base(e) + 0x254, 0x010FFFFF);
}

static inline void nv_ring_init(NvCtx *c, int d, int e, int q, bool s2m,
                                uint64_t da, uint32_t n)
{
    uint32_t o = nv_q_off(e, q, s2m);

    nv_wr0(c, d, o + 0x20, 0x03030000);                 /* enable */
    nv_wr0(c, d, o + (s2m ? 0x64 : 0xB0), 0x100);       /* queue reset */
    nv_wr0(c, d, o + 0x28, (uint32_t)da);
    nv_wr0(c, d, o + 0x2C, da >> 32);
    nv_wr0(c, d, o + 0x30, n);
}

/*
 * Create a queue pair with @n-entry rings; in host memory (allocated) or
 * in device DRAM at @dram_off (written through BAR4).
 */
static inline NvQueue *nv_queue_new(NvCtx *c, int d, int e, int q, uint32_t n,
                                    bool in_dram, uint64_t dram_off)
{
    NvQueue *Q = g_new0(NvQueue, 1);

    Q->c = c;
    Q->d = d;
    Q->e = e;
    Q->q = q;
    Q->n = n;
    Q->in_dram = in_dram;
    if (in_dram) {
        Q->m2s_pa = c->dev[d].bar4 + dram_off;
        Q->s2m_pa = Q->m2s_pa + n * 16;
        Q->m2s_da = dram_off;
        Q->s2m_da = dram_off + n * 16;
    } else {
        Q->m2s_pa = guest_alloc(&c->alloc, n * 16 + 64);
        Q->s2m_pa = guest_alloc(&c->alloc, n * 16 + 64);
        Q->m2s_pa = QEMU_ALIGN_UP(Q->m2s_pa, 64);
        Q->s2m_pa = QEMU_ALIGN_UP(Q->s2m_pa, 64);
        Q->m2s_da = Q->m2s_pa | NV_HOST;
        Q->s2m_da = Q->s2m_pa | NV_HOST;
    }
    Q->m_id = Q->r_id = 1;
    nv_engine_init(c, d, e);
    nv_ring_init(c, d, e, q, false, Q->m2s_da, n);
    nv_ring_init(c, d, e, q, true, Q->s2m_da, n);
    return Q;
}

static inline void nv_put_desc(NvQueue *Q, bool s2m, uint32_t len_ctrl,
                               uint32_t w1, uint64_t ptr)
{
    uint32_t *idx = s2m ? &Q->r_idx : &Q->m_idx;
    uint8_t *id = s2m ? &Q->r_id : &Q->m_id;
    uint8_t d[16];

    stl_le_p(d, len_ctrl | ((uint32_t)*id << 24));
    stl_le_p(d + 4, w1);
    stq_le_p(d + 8, ptr);
    qtest_memwrite(Q->c->qts, (s2m ? Q->s2m_pa : Q->m2s_pa) + *idx * 16, d, 16);
    if (++*idx == Q->n) {
        *idx = 0;
        *id = (*id + 1) & 3;
    }
}

#define NV_FIRST    (1u << 26)
#define NV_LAST     (1u << 27)
#define NV_DMB      (1u << 30)
#define NV_META     0x01080003u

/* one single-descriptor packet: @len bytes from @src to @dst (len<=64K) */
static inline void nv_push(NvQueue *Q, uint64_t src, uint64_t dst,
                           uint32_t len)
{
    nv_put_desc(Q, true, len & 0xFFFF, 0, dst);
    nv_put_desc(Q, false, NV_FIRST | NV_LAST | (len & 0xFFFF), NV_META, src);
}

static inline void nv_kick(NvQueue *Q, uint32_t m, uint32_t r)
{
    if (r) {
        nv_wr0(Q->c, Q->d, nv_q_off(Q->e, Q->q, true) + 0x38, r);
    }
    if (m) {
        nv_wr0(Q->c, Q->d, nv_q_off(Q->e, Q->q, false) + 0x38, m);
    }
}

static inline uint32_t nv_qreg(NvQueue *Q, bool s2m, uint32_t r)
{
    return nv_rd0(Q->c, Q->d, nv_q_off(Q->e, Q->q, s2m) + r);
}

/* wait (bounded) until the M2S ring has no pending descriptors */
static inline bool nv_wait_idle(NvQueue *Q)
{
    int i;

    for (i = 0; i < 20000; i++) {
        uint32_t st = nv_qreg(Q, false, 0x24);

        if (!(st & (1u << 8)) || (st & (1u << 31))) {
            return !(st & (1u << 31));
        }
        g_usleep(100);
    }
    return false;
}

#endif
