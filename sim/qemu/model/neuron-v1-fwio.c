/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWS Inferentia (Neuron v1) device model: FWIO firmware mailbox (§7).
 *
 * The driver places a request in host memory, writes the four mailbox
 * address registers and rings the MISC doorbell; the "firmware" answers
 * synchronously by DMA into the response buffer, payload first and the
 * sequence byte last, because the driver polls that byte.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/crc32c.h"
#include "qemu/atomic.h"
#include "neuron-v1.h"

#define FWIO_REQ_HDR        8
#define FWIO_RESP_HDR       4
#define FWIO_MAX_SIZE       0xFFFF

#define FWIO_CMD_READ       1
#define FWIO_CMD_POST_TO_CW 2

#define FWIO_OK             0
#define FWIO_ERR            1
#define FWIO_ERR_UNKNOWN    2

static uint32_t misc_reg(NeuronState *s, uint32_t off)
{
    return s->apb[(NEURON_MISC_BASE + off) >> 2];
}

/* Mailbox buffers must be host addresses: bits [47:46] = 01 (§7.7 rule 2) */
static bool fwio_host_addr(uint64_t addr, uint64_t *host)
{
    if ((addr >> NEURON_DA_ROUTE_SHIFT) != 1) {
        return false;
    }
    *host = addr & NEURON_DA_LOCAL_MASK;
    return true;
}

static void fwio_respond(NeuronState *s, uint64_t resp, uint8_t seq,
                         uint8_t err, const uint8_t *payload, uint32_t len)
{
    uint32_t size = FWIO_RESP_HDR + len;
    g_autofree uint8_t *buf = g_malloc(size);

    buf[0] = seq;
    buf[1] = err;
    stw_le_p(buf + 2, size);
    if (len) {
        memcpy(buf + FWIO_RESP_HDR, payload, len);
    }
    /*
     * Everything but the sequence byte first, so the poller never sees a
     * new sequence number in front of a stale payload (§7.7 rule 5).
     */
    if (pci_dma_write(&s->pdev, resp + 1, buf + 1, size - 1) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "neuron-v1: FWIO response buffer 0x%" PRIx64
                      " not writable\n", resp);
        return;
    }
    /* order the payload before the sequence byte the driver polls */
    smp_wmb();
    pci_dma_write(&s->pdev, resp, buf, 1);
}

/* READ (§7.3): N device addresses -> N 32-bit values, no side effects. */
static uint8_t fwio_read(NeuronState *s, const uint8_t *req, uint32_t plen,
                         uint8_t **out, uint32_t *out_len)
{
    uint32_t n = plen / 8, i;
    uint8_t *vals;

    if (plen % 8) {
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO READ payload of %u "
                      "bytes is not a multiple of 8\n", plen);
        return FWIO_ERR;
    }
    vals = g_malloc0(n * 4 + 1);
    for (i = 0; i < n; i++) {
        uint64_t addr = ldq_le_p(req + 8 * i);
        NeuronAddr a = neuron_decode(s, addr, 4);
        uint32_t v = 0;

        switch (a.kind) {
        case NT_HOST:
            if (pci_dma_read(&s->pdev, a.off, &v, 4) != MEMTX_OK) {
                goto bad;
            }
            v = le32_to_cpu(v);
            break;
        case NT_DRAM:
            v = ldl_le_p(a.dev->dram_ptr + a.off);
            break;
        case NT_APB:
            if (a.off & 3) {
                goto bad;
            }
            v = neuron_apb_read(a.dev, a.off);
            break;
        case NT_TPB:
            /* unimplemented NC regions and the FIFO: decode error */
            if ((a.off & 3) || !neuron_tpb_read(a.dev, a.off, &v)) {
                goto bad;
            }
            break;
        default:
            goto bad;
        }
        stl_le_p(vals + 4 * i, v);
        continue;
bad:
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO READ of device "
                      "address 0x%" PRIx64 " failed (%s)\n", addr,
                      a.kind == NT_NOPEER ? "no peer link" : "decode error");
        g_free(vals);
        return FWIO_ERR;
    }
    *out = vals;
    *out_len = n * 4;
    return FWIO_OK;
}

void neuron_fwio_process(NeuronState *s)
{
    uint64_t req_da = ((uint64_t)misc_reg(s, MISC_REQ_HI) << 32) |
                      misc_reg(s, MISC_REQ_LO);
    uint64_t resp_da = ((uint64_t)misc_reg(s, MISC_RESP_HI) << 32) |
                       misc_reg(s, MISC_RESP_LO);
    uint64_t req, resp;
    uint8_t hdr[FWIO_REQ_HDR];
    g_autofree uint8_t *buf = NULL;
    g_autofree uint8_t *payload = NULL;
    uint32_t plen = 0, crc, want;
    uint16_t size;
    uint8_t seq, cmd, err;

    if (!fwio_host_addr(req_da, &req) || !fwio_host_addr(resp_da, &resp)) {
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO doorbell with "
                      "request 0x%" PRIx64 " / response 0x%" PRIx64
                      " outside host memory; ignored\n", req_da, resp_da);
        return;
    }
    if (pci_dma_read(&s->pdev, req, hdr, sizeof(hdr)) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO request at 0x%"
                      PRIx64 " unreadable (bus master off?)\n", req);
        return;
    }
    if (s->fault_fwio == FAULT_FWIO_DROP) {
        return;                             /* consumed, never answered */
    }
    seq = hdr[0];
    cmd = hdr[1];
    size = lduw_le_p(hdr + 2);
    crc = ldl_le_p(hdr + 4);

    if (size < FWIO_REQ_HDR) {
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO request size %u "
                      "smaller than its header\n", size);
        fwio_respond(s, resp, seq, FWIO_ERR, NULL, 0);
        return;
    }
    buf = g_malloc(size);
    if (pci_dma_read(&s->pdev, req, buf, size) != MEMTX_OK) {
        fwio_respond(s, resp, seq, FWIO_ERR, NULL, 0);
        return;
    }
    stl_le_p(buf + 4, 0);                   /* CRC is computed over zero */
    want = crc32c(0xffffffff, buf, size);   /* includes the final xor */
    if (s->fault_fwio == FAULT_FWIO_BAD_CRC) {
        crc = ~crc;
    }
    if (crc != want) {
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO request seq %u: CRC "
                      "0x%08x, expected 0x%08x\n", seq, crc, want);
        fwio_respond(s, resp, seq, FWIO_ERR, NULL, 0);
        return;
    }
    if (s->fault_fwio == FAULT_FWIO_ERROR) {
        fwio_respond(s, resp, seq, FWIO_ERR, NULL, 0);
        return;
    }

    switch (cmd) {
    case FWIO_CMD_READ:
        err = fwio_read(s, buf + FWIO_REQ_HDR, size - FWIO_REQ_HDR,
                        &payload, &plen);
        break;
    case FWIO_CMD_POST_TO_CW:
        /* metrics are accepted and dropped (§7.5) */
        err = FWIO_OK;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: FWIO unknown command "
                      "%u\n", cmd);
        err = FWIO_ERR_UNKNOWN;
        break;
    }
    fwio_respond(s, resp, seq, err, err == FWIO_OK ? payload : NULL,
                 err == FWIO_OK ? plen : 0);
}
