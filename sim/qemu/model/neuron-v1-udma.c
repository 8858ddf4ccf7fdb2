/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWS Inferentia (Neuron v1) device model: the 12 UDMA engines (§5).
 *
 * Each engine has 16 queue pairs; a pair is M2S queue q (source
 * descriptors) + S2M queue q (destination descriptors) of the same engine.
 * The model only implements memory-to-memory copies, which is all the
 * drivers use.  Register storage lives in the BAR0 shadow (s->apb); live
 * ring state (head, tail, ring ids, pending count, error) in NeuronRing.
 *
 * Short work runs synchronously in the doorbell write, so a small job is
 * done before the driver's first poll.  Once a run has moved more than
 * UDMA_INLINE_BYTES, the queues still kicked go to the device's DMA thread,
 * which runs them like the hardware does, beside the CPUs: it holds the big
 * lock for everything but batches of copies between guest RAM and DRAM
 * (udma_batch()), so the guest builds its next job while the last one
 * moves.  A queue is run either inline or by the thread (dma_owned), never
 * both; the thread gives it back once it is idle.  Resets wait for the
 * packet a batch has in flight (neuron_udma_quiesce()).  Work that an
 * inline run leaves over continues in a bottom half, so a huge or hostile
 * ring can never stall the vCPU or the main loop for long.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/error-report.h"
#include <sys/resource.h>
#include "neuron-v1.h"

/* per doorbell / bottom-half / DMA thread run */
#define UDMA_BUDGET_DESCS       4096
#define UDMA_BUDGET_BYTES       (64 * MiB)

/* a doorbell or bottom half run past this many bytes: the thread takes over */
#define UDMA_INLINE_BYTES       (256 * KiB)
/* bytes the DMA thread moves with the big lock held before handing back */
#define UDMA_THREAD_LOCKED_BYTES (256 * KiB)

/* packets: §5.9 (desc_pref_cfg_2 = 128); S2M side bound is a [PROJ] choice */
#define UDMA_MAX_PKT_DESCS      128
#define UDMA_MAX_S2M_PER_PKT    256

#define UDMA_VERSION            4

/* bytes of a host -> DRAM chunk read first to spot zeroes (< 1 page) */
#define UDMA_ZERO_PROBE         64

/* in a device's DMA thread: that device */
static __thread NeuronState *dma_thread_dev;
/* copying a batch without the big lock (MMIO handlers may run meanwhile) */
static __thread bool in_batch;

/* broadcast whenever a batch ends (dma_users of its devices dropped) */
static QemuCond udma_quiet;

typedef struct UdmaSeg {
    uint64_t addr;
    uint32_t len;
} UdmaSeg;

static inline uint32_t udma_base(int e)
{
    return 0x100000 * (e / NEURON_ENG_PER_NC) +
           UDMA_WINDOW * (1 + e % NEURON_ENG_PER_NC);
}

static inline uint32_t ring_regs_off(int e, int q, bool s2m)
{
    return udma_base(e) + (s2m ? UDMA_S2M_Q : UDMA_M2S_Q) + q * UDMA_Q_STRIDE;
}

static inline uint32_t *reg(NeuronState *s, uint32_t off)
{
    return &s->apb[off >> 2];
}

static inline uint32_t ring_reg(NeuronState *s, int e, int q, bool s2m,
                                uint32_t r)
{
    return *reg(s, ring_regs_off(e, q, s2m) + r);
}

static inline uint32_t ring_len(NeuronState *s, int e, int q, bool s2m)
{
    return ring_reg(s, e, q, s2m, UQ_DRL) & UQ_RING_LEN_MASK;
}

static inline uint64_t ring_base(NeuronState *s, int e, int q, bool s2m)
{
    /* base [31:6]; the low six bits are not part of the address (§5.4) */
    return ((uint64_t)ring_reg(s, e, q, s2m, UQ_DRBP_HI) << 32) |
           (ring_reg(s, e, q, s2m, UQ_DRBP_LO) & ~0x3Fu);
}

static inline bool ring_enabled(NeuronState *s, int e, int q, bool s2m)
{
    return (ring_reg(s, e, q, s2m, UQ_CFG) & UQ_CFG_ENABLE) == UQ_CFG_ENABLE;
}

static inline bool queue_stalled(NeuronState *s, int e, int q)
{
    return s->fault_stall_queue == e * NEURON_NUM_Q + q;
}

static inline bool queue_slowed(NeuronState *s, int e, int q)
{
    return s->fault_slow_queue == e * NEURON_NUM_Q + q;
}

/*
 * fault-slow-queue: the queue runs one packet per fault-slow-packet-us of
 * virtual time.  Returns true when its next packet is not due yet; the
 * timer kicks it when it is.
 */
static bool slow_queue_wait(NeuronState *s, int e, int q)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (!queue_slowed(s, e, q) || now >= s->slow_next_ns) {
        return false;
    }
    timer_mod(s->slow_timer, s->slow_next_ns);
    return true;
}

void neuron_udma_slow_timer_cb(void *opaque)
{
    NeuronState *s = opaque;
    int64_t sq = s->fault_slow_queue;

    if (sq >= 0) {
        s->eng[sq / NEURON_NUM_Q].kick |= 1u << (sq % NEURON_NUM_Q);
        qemu_bh_schedule(s->dma_bh);
    }
}

static inline bool engine_running(NeuronEngine *eng)
{
    return eng->m2s_state == ENG_NORMAL && eng->s2m_state == ENG_NORMAL;
}

static uint32_t state_value(NeuronEngState st)
{
    /* fields [1:0],[5:4],[9:8],[13:12]: 0 idle, 1 normal, 2 abort (§5.2) */
    switch (st) {
    case ENG_NORMAL:
        return 0x1111;
    case ENG_ABORT:
        return 0x2222;
    default:
        return 0;
    }
}

static void ring_reset(NeuronRing *r)
{
    r->head = r->tail = 0;
    r->head_id = r->tail_id = 1;        /* UDMA_INITIAL_RING_ID (§5.8) */
    r->pending = 0;
    r->err = NQERR_NONE;
    r->gen++;
}

/* secondary IOFIC cause bits per error ([PROJ] mapping, §5.5 names) */
static uint32_t err_cause_bit(enum NeuronQErr err, bool s2m)
{
    switch (err) {
    case NQERR_RING_ID:
        return s2m ? 1u << 11 : 1u << 17;
    case NQERR_FLAGS:
        return s2m ? 1u << 24 : 1u << 15;
    case NQERR_LENGTH:
        return s2m ? 1u << 24 : 1u << 13;
    case NQERR_DESC_FETCH:
        return s2m ? 1u << 4 : 1u << 8;
    case NQERR_DECODE:
    case NQERR_HOST_DMA:
    case NQERR_PEER:
        return s2m ? 1u << 5 : 1u << 9;
    default:
        return 1u << 0;
    }
}

static const char *const err_names[] = {
    [NQERR_NONE] = "no error",
    [NQERR_RING_ID] = "descriptor ring id mismatch",
    [NQERR_DECODE] = "buffer address decode error",
    [NQERR_DESC_FETCH] = "descriptor fetch failed",
    [NQERR_LENGTH] = "bad length",
    [NQERR_FLAGS] = "packet framing error",
    [NQERR_DISABLED] = "doorbell on a disabled queue",
    [NQERR_RING] = "bad ring length or tail increment",
    [NQERR_HOST_DMA] = "host memory access failed",
    [NQERR_PEER] = "peer link down or not connected",
};

/* An error aborts the engine (§5.13 rule 7) and marks the queue. */
static void udma_error(NeuronState *s, int e, int q, bool s2m,
                       enum NeuronQErr err, uint64_t detail)
{
    NeuronEngine *eng = &s->eng[e];
    NeuronRing *r = s2m ? &eng->s2m[q] : &eng->m2s[q];
    uint32_t cause = udma_base(e) + UDMA_GEN + GEN_SEC_IOFIC +
                     (s2m ? IOFIC_GRP_B : IOFIC_GRP_A) + IOFIC_CAUSE;

    if (!r->err) {
        r->err = err;
    }
    eng->m2s_state = ENG_ABORT;
    eng->s2m_state = ENG_ABORT;
    *reg(s, cause) |= err_cause_bit(err, s2m);
    qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: engine %d %s queue %d: %s "
                  "(0x%" PRIx64 "); engine aborted\n", e,
                  s2m ? "S2M" : "M2S", q, err_names[err], detail);
}

static enum NeuronQErr fault_kind(MemTxResult res, bool peer, bool host)
{
    if (peer) {
        return NQERR_PEER;
    }
    return host ? NQERR_HOST_DMA : NQERR_DECODE;
}

/*
 * Fetch descriptor @k positions past the head, checking its ring id.
 * Returns false (after raising the error) if it cannot be used.
 */
static bool fetch_desc(NeuronState *s, int e, int q, bool s2m, uint32_t idx,
                       uint8_t id, uint32_t *len_ctrl, uint32_t *word1,
                       uint64_t *ptr)
{
    uint64_t da = ring_base(s, e, q, s2m) + (uint64_t)idx * DESC_SIZE;
    uint8_t d[DESC_SIZE];
    bool peer = false;
    MemTxResult res;

    res = neuron_dev_read(s, da, d, DESC_SIZE, &peer);
    if (res != MEMTX_OK) {
        udma_error(s, e, q, s2m, peer ? NQERR_PEER : NQERR_DESC_FETCH, da);
        return false;
    }
    *len_ctrl = ldl_le_p(d);
    *word1 = ldl_le_p(d + 4);
    *ptr = ldq_le_p(d + 8);
    if (((*len_ctrl >> DESC_RING_ID_SHIFT) & 3) != id) {
        udma_error(s, e, q, s2m, NQERR_RING_ID, da);
        return false;
    }
    return true;
}

static bool desc_length(NeuronState *s, int e, int q, bool s2m,
                        uint32_t len_ctrl, uint32_t *len)
{
    uint32_t cfg_len = *reg(s, udma_base(e) + UDMA_M2S + UDMA_M2S_CFG_LEN);

    *len = len_ctrl & DESC_LEN_MASK;
    if (*len == 0) {
        if (!(cfg_len & CFG_LEN_ENCODE_64K)) {
            udma_error(s, e, q, s2m, NQERR_LENGTH, len_ctrl);
            return false;
        }
        *len = 64 * KiB;
    }
    return true;
}

static inline void ring_advance(uint32_t *idx, uint8_t *id, uint32_t n)
{
    if (++*idx >= n) {
        *idx = 0;
        *id = (*id + 1) & 3;
    }
}

/* between guest RAM and DRAM, or DRAM and DRAM: plain memory both sides */
static bool copy_is_plain(NeuronAddr a, NeuronAddr b)
{
    return (a.kind == NT_DRAM && (b.kind == NT_DRAM || b.kind == NT_HOST)) ||
           (a.kind == NT_HOST && b.kind == NT_DRAM);
}

/*
 * @len bytes of host memory at bus address @addr are RAM, not MMIO; piece
 * by piece, as an IOMMU translates a page at a time.
 */
static bool host_is_ram(NeuronState *s, uint64_t addr, uint32_t len,
                        bool is_write)
{
    AddressSpace *as = pci_get_address_space(&s->pdev);
    MemoryRegion *mr;
    hwaddr xlat, l;

    RCU_READ_LOCK_GUARD();
    while (len) {
        l = len;
        mr = address_space_translate(as, addr, &xlat, &l, is_write,
                                     MEMTXATTRS_UNSPECIFIED);
        if (!memory_region_is_ram(mr) || memory_region_is_romd(mr) || !l) {
            return false;
        }
        addr += l;
        len -= MIN(l, len);
    }
    return true;
}

/*
 * A plain copy of @len (<= 64 KiB) bytes, @bounce a 64 KiB buffer of the
 * caller's.  Touches no device state but DRAM contents, so the DMA thread
 * runs it without the big lock (the DRAM stays mapped while its device is
 * referenced; pci_dma_*() take what they need).  On failure *@s2m says
 * which side failed.
 */
static MemTxResult udma_copy_plain(NeuronState *s, NeuronAddr a, NeuronAddr b,
                                   uint32_t len, uint8_t *bounce, bool *s2m)
{
    MemTxResult res;

    *s2m = false;
    if (a.kind == NT_DRAM && b.kind == NT_DRAM) {
        const uint8_t *from = a.dev->dram_ptr + a.off;

        /* zeroes discard whole destination pages (neuron_dram_zero) */
        if (neuron_dram_covers_page(b.dev, b.off, len) &&
            buffer_is_zero(from, len)) {
            neuron_dram_zero(b.dev, b.off, len);
        } else {
            memmove(b.dev->dram_ptr + b.off, from, len);
        }
        return MEMTX_OK;
    }
    if (a.kind == NT_DRAM) {
        *s2m = true;
        return pci_dma_write(&s->pdev, b.off, a.dev->dram_ptr + a.off, len);
    }
    /*
     * Host -> DRAM.  A chunk that may clear whole pages is looked at first:
     * a probe of its start sends data straight in, zeroes go through the
     * bounce buffer and are checked whole (neuron_dram_write).
     */
    if (neuron_dram_covers_page(b.dev, b.off, len)) {
        res = pci_dma_read(&s->pdev, a.off, bounce, UDMA_ZERO_PROBE);
        if (res != MEMTX_OK) {
            return res;
        }
        if (buffer_is_zero(bounce, UDMA_ZERO_PROBE)) {
            res = pci_dma_read(&s->pdev, a.off, bounce, len);
            if (res == MEMTX_OK) {
                neuron_dram_write(b.dev, b.off, bounce, len);
            }
            return res;
        }
    }
    return pci_dma_read(&s->pdev, a.off, b.dev->dram_ptr + b.off, len);
}

/*
 * Copy @len (<= 64 KiB) bytes between two device addresses.  DRAM is
 * accessed through its host pointer and host memory with one pci_dma_*
 * call per chunk, so large copies cost one memcpy.  @a and @b are @src and
 * @dst decoded.
 */
static bool udma_copy_chunk(NeuronState *s, int e, int q, uint64_t src,
                            uint64_t dst, uint32_t len, NeuronAddr a,
                            NeuronAddr b)
{
    MemTxResult res;
    bool peer = false;

    if (a.kind == NT_BAD || a.kind == NT_NOPEER) {
        udma_error(s, e, q, false, a.kind == NT_NOPEER ? NQERR_PEER :
                   NQERR_DECODE, src);
        return false;
    }
    if (b.kind == NT_BAD || b.kind == NT_NOPEER) {
        udma_error(s, e, q, true, b.kind == NT_NOPEER ? NQERR_PEER :
                   NQERR_DECODE, dst);
        return false;
    }
    if (copy_is_plain(a, b)) {
        bool s2m;

        if (udma_copy_plain(s, a, b, len, s->bounce, &s2m) != MEMTX_OK) {
            udma_error(s, e, q, s2m, NQERR_HOST_DMA, s2m ? dst : src);
            return false;
        }
        return true;
    }
    /* everything else (registers, host<->host) through the bounce buffer */
    res = neuron_dev_read(s, src, s->bounce, len, &peer);
    if (res != MEMTX_OK) {
        udma_error(s, e, q, false, fault_kind(res, peer, a.kind == NT_HOST),
                   src);
        return false;
    }
    res = neuron_dev_write(s, dst, s->bounce, len, &peer);
    if (res != MEMTX_OK) {
        udma_error(s, e, q, true, fault_kind(res, peer, b.kind == NT_HOST),
                   dst);
        return false;
    }
    return true;
}

/* ``fault-corrupt-dram`` of the device whose DRAM a copy of @len wrote */
static void corrupt_dram(NeuronAddr b, uint32_t len)
{
    if (b.kind == NT_DRAM && b.dev->fault_corrupt_dram &&
        !buffer_is_zero(b.dev->dram_ptr + b.off, len)) {
        b.dev->dram_ptr[b.off] ^= 0xff;
    }
}

/*
 * The copy, then ``fault-corrupt-dram`` of the device whose DRAM it wrote:
 * data (not a clear) lands with its first byte inverted, a corruption on
 * the way that only a read-back comparison can find.
 */
static bool udma_copy(NeuronState *s, int e, int q, uint64_t src,
                      uint64_t dst, uint32_t len)
{
    NeuronAddr b = neuron_decode(s, dst, len);

    if (!udma_copy_chunk(s, e, q, src, dst, len, neuron_decode(s, src, len),
                         b)) {
        return false;
    }
    corrupt_dram(b, len);
    return true;
}

enum { STEP_IDLE, STEP_DONE };

/* Does [addr, addr + len) reach into a NeuronCore ``fault-stall-core`` hung? */
static bool writes_hung_core(NeuronState *s, uint64_t addr, uint32_t len)
{
    NeuronAddr a = neuron_decode(s, addr, len);
    uint64_t first, last;

    if (a.kind != NT_TPB || a.dev->fault_stall_core < 0) {
        return false;
    }
    first = a.off / NEURON_NC_STRIDE;
    last = (a.off + len - 1) / NEURON_NC_STRIDE;
    return a.dev->fault_stall_core >= first &&
           a.dev->fault_stall_core <= last;
}

/*
 * Execute one packet of queue pair (e, q) (§5.13): gather the M2S
 * descriptors FIRST..LAST, make sure enough S2M descriptors are posted to
 * hold it, copy, then advance both heads.  Returns the number of M2S
 * descriptors consumed via *ndesc and bytes via *nbytes.
 */
static int udma_step(NeuronState *s, int e, int q, uint32_t *ndesc,
                     uint64_t *nbytes)
{
    NeuronEngine *eng = &s->eng[e];
    NeuronRing *m = &eng->m2s[q], *r = &eng->s2m[q];
    UdmaSeg src[UDMA_MAX_PKT_DESCS], dst[UDMA_MAX_S2M_PER_PKT];
    uint32_t nm, nr, mi, ri, km, kr, total = 0, have = 0;
    uint32_t lc, w1, len, si, di, soff, doff;
    uint8_t mid, rid;
    uint32_t m_gen = m->gen, r_gen = r->gen;
    uint64_t ptr;

    if (!engine_running(eng) || m->err || r->err || queue_stalled(s, e, q) ||
        m->pending == 0 || !ring_enabled(s, e, q, false) ||
        !ring_enabled(s, e, q, true)) {
        return STEP_IDLE;
    }
    nm = ring_len(s, e, q, false);
    nr = ring_len(s, e, q, true);
    if (nm == 0 || m->head >= nm) {
        udma_error(s, e, q, false, NQERR_RING, nm);
        return STEP_IDLE;
    }

    /* M2S: one complete packet */
    mi = m->head;
    mid = m->head_id;
    for (km = 0; ; km++) {
        if (km >= m->pending) {
            return STEP_IDLE;               /* packet not complete yet */
        }
        if (km >= UDMA_MAX_PKT_DESCS) {
            udma_error(s, e, q, false, NQERR_FLAGS, km);
            return STEP_IDLE;
        }
        if (!fetch_desc(s, e, q, false, mi, mid, &lc, &w1, &ptr)) {
            return STEP_IDLE;
        }
        if (!!(lc & DESC_FIRST) != (km == 0)) {
            udma_error(s, e, q, false, NQERR_FLAGS, lc);
            return STEP_IDLE;
        }
        if (!desc_length(s, e, q, false, lc, &len)) {
            return STEP_IDLE;
        }
        if (!(w1 & META_COPY_SOURCE) || META_OP_TYPE(w1) != 0) {
            if (!eng->meta_logged) {
                eng->meta_logged = true;
                qemu_log_mask(LOG_UNIMP, "neuron-v1: engine %d: meta_ctrl "
                              "0x%08x not a plain copy; copying anyway\n",
                              e, w1);
            }
        }
        src[km].addr = ptr;
        src[km].len = len;
        total += len;
        ring_advance(&mi, &mid, nm);
        if (lc & DESC_LAST) {
            km++;
            break;
        }
    }
    if (total > CFG_LEN_MAX_PKT + 1) {
        udma_error(s, e, q, false, NQERR_LENGTH, total);
        return STEP_IDLE;
    }

    /* S2M: enough buffers for the packet; a packet starts a fresh one */
    if (r->pending == 0) {
        return STEP_IDLE;
    }
    if (nr == 0 || r->head >= nr) {
        udma_error(s, e, q, true, NQERR_RING, nr);
        return STEP_IDLE;
    }
    ri = r->head;
    rid = r->head_id;
    for (kr = 0; have < total; kr++) {
        if (kr >= r->pending) {
            return STEP_IDLE;               /* wait for more S2M buffers */
        }
        if (kr >= UDMA_MAX_S2M_PER_PKT) {
            udma_error(s, e, q, true, NQERR_FLAGS, kr);
            return STEP_IDLE;
        }
        if (!fetch_desc(s, e, q, true, ri, rid, &lc, &w1, &ptr) ||
            !desc_length(s, e, q, true, lc, &len)) {
            return STEP_IDLE;
        }
        dst[kr].addr = ptr;
        dst[kr].len = len;
        have += len;
        ring_advance(&ri, &rid, nr);
    }

    /* a hung core takes nothing: the packet waits until it is reset */
    for (si = 0, have = total; si < kr; si++) {
        if (writes_hung_core(s, dst[si].addr, MIN(dst[si].len, have))) {
            return STEP_IDLE;
        }
        have -= MIN(dst[si].len, have);
    }

    /* move the bytes, segment by segment */
    si = di = soff = doff = 0;
    while (si < km) {
        uint32_t n = MIN(src[si].len - soff, dst[di].len - doff);

        if (!udma_copy(s, e, q, src[si].addr + soff, dst[di].addr + doff, n)) {
            return STEP_IDLE;
        }
        soff += n;
        doff += n;
        if (soff == src[si].len) {
            si++;
            soff = 0;
        }
        if (doff == dst[di].len && si < km) {
            di++;
            doff = 0;
        }
    }

    /* a DMA into our own registers may have reset the queue meanwhile */
    if (m->gen == m_gen) {
        m->head = mi;
        m->head_id = mid;
        m->pending -= MIN(km, m->pending);
    }
    if (r->gen == r_gen) {
        r->head = ri;
        r->head_id = rid;
        r->pending -= MIN(kr, r->pending);
    }
    *ndesc = km;
    *nbytes = total;
    return STEP_DONE;
}

/* the DMA thread's batch: packets copied under one release of the lock */
#define UDMA_BATCH_PACKETS      128

typedef struct UdmaBatchItem {
    uint64_t src, dst;
    NeuronAddr a, b;
    uint32_t epoch_a, epoch_b;          /* of a.dev / b.dev when DRAM */
    uint32_t len;
    uint32_t mi, ri;                    /* ring positions after the packet */
    uint8_t mid, rid;
} UdmaBatchItem;

/*
 * Marks the devices whose DRAM a batch item touches as in use (@use) or
 * no longer: referenced, so one unplugged meanwhile keeps its DRAM, and
 * counted in dma_users, which a reset waits for (neuron_udma_quiesce()).
 * With the big lock held.
 */
static void udma_use_dram(UdmaBatchItem *it, bool use)
{
    NeuronState *dev[2] = {
        it->a.kind == NT_DRAM ? it->a.dev : NULL,
        it->b.kind == NT_DRAM ? it->b.dev : NULL,
    };
    int i;

    for (i = 0; i < 2; i++) {
        if (!dev[i]) {
            continue;
        }
        if (use) {
            object_ref(OBJECT(dev[i]));
            dev[i]->dma_users++;
        } else {
            dev[i]->dma_users--;
            /* may finalize a peer unplugged meanwhile: BQL held */
            object_unref(OBJECT(dev[i]));
        }
    }
}

/*
 * Whether the next packet of a batch may still be copied: no reset of the
 * queue or of a device it touches, no unplug of this device since the
 * batch was planned.  Read without the big lock (the values only grow).
 */
static bool batch_valid(NeuronState *s, NeuronRing *m, NeuronRing *r,
                        uint32_t gen, uint32_t epoch, const UdmaBatchItem *it)
{
    return qatomic_read(&m->gen) + qatomic_read(&r->gen) == gen &&
           qatomic_read(&s->dma_epoch) == epoch &&
           !qatomic_read(&s->dma_stop) &&
           (it->a.kind != NT_DRAM ||
            qatomic_read(&it->a.dev->dma_epoch) == it->epoch_a) &&
           (it->b.kind != NT_DRAM ||
            qatomic_read(&it->b.dev->dma_epoch) == it->epoch_b);
}

/*
 * Before a reset of @s: no batch copies another byte from or into it
 * afterwards.  Waits (the big lock released) for the batches in flight
 * that touch its DRAM or belong to it; each stops at its next packet.
 */
void neuron_udma_quiesce(NeuronState *s)
{
    qatomic_inc(&s->dma_epoch);
    if (in_batch) {
        /* a batch's copy hit a register: it cannot wait for itself */
        return;
    }
    while (s->dma_users > 0) {
        qemu_cond_wait_iothread(&udma_quiet);
    }
}

/* A descriptor as udma_step() would take it, or false: no error raised. */
static bool peek_desc(NeuronState *s, int e, int q, bool s2m, uint32_t idx,
                      uint8_t id, uint32_t *len, uint32_t *word1,
                      uint64_t *ptr)
{
    uint64_t da = ring_base(s, e, q, s2m) + (uint64_t)idx * DESC_SIZE;
    uint32_t cfg_len = *reg(s, udma_base(e) + UDMA_M2S + UDMA_M2S_CFG_LEN);
    uint8_t d[DESC_SIZE];
    uint32_t lc;

    if (neuron_dev_read(s, da, d, DESC_SIZE, NULL) != MEMTX_OK) {
        return false;
    }
    lc = ldl_le_p(d);
    *word1 = ldl_le_p(d + 4);
    *ptr = ldq_le_p(d + 8);
    if (((lc >> DESC_RING_ID_SHIFT) & 3) != id ||
        (!s2m && (lc & (DESC_FIRST | DESC_LAST)) != (DESC_FIRST | DESC_LAST))) {
        return false;
    }
    *len = lc & DESC_LEN_MASK;
    if (*len == 0) {
        if (!(cfg_len & CFG_LEN_ENCODE_64K)) {
            return false;
        }
        *len = 64 * KiB;
    }
    return true;
}

/*
 * The DMA thread's fast path, for what jobs are made of: the queue's next
 * packets of one M2S and one S2M descriptor that copy between guest RAM and
 * DRAM.  Planned with the big lock held, copied with it released once for
 * up to UDMA_BATCH_PACKETS of them (taking it per packet would spend a
 * third of the time waiting for it while vCPUs run), then retired in order.
 * Returns the number of packets done; 0 leaves the queue to udma_step(),
 * which handles everything else and raises every error, also for a packet
 * this path stopped at.
 */
static uint32_t udma_batch(NeuronState *s, int e, int q, uint64_t *nbytes)
{
    NeuronEngine *eng = &s->eng[e];
    NeuronRing *m = &eng->m2s[q], *r = &eng->s2m[q];
    UdmaBatchItem item[UDMA_BATCH_PACKETS];
    uint32_t nm, nr, mi, ri, k, n, done, gen, epoch, i;
    uint8_t mid, rid;
    bool failed_s2m = false, aborted = false;
    uint64_t bytes = 0;

    if (!engine_running(eng) || m->err || r->err || queue_stalled(s, e, q) ||
        queue_slowed(s, e, q) || !ring_enabled(s, e, q, false) ||
        !ring_enabled(s, e, q, true)) {
        return 0;
    }
    nm = ring_len(s, e, q, false);
    nr = ring_len(s, e, q, true);
    if (nm == 0 || m->head >= nm || nr == 0 || r->head >= nr) {
        return 0;
    }
    n = MIN(MIN(m->pending, r->pending), UDMA_BATCH_PACKETS);
    mi = m->head;
    mid = m->head_id;
    ri = r->head;
    rid = r->head_id;
    for (k = 0; k < n; k++) {
        UdmaBatchItem *it = &item[k];
        uint32_t w1, w1r, rlen;

        if (!peek_desc(s, e, q, false, mi, mid, &it->len, &w1, &it->src) ||
            !(w1 & META_COPY_SOURCE) || META_OP_TYPE(w1) != 0 ||
            !peek_desc(s, e, q, true, ri, rid, &rlen, &w1r, &it->dst) ||
            rlen < it->len) {
            break;
        }
        it->a = neuron_decode(s, it->src, it->len);
        it->b = neuron_decode(s, it->dst, it->len);
        if (!copy_is_plain(it->a, it->b) ||
            (it->a.kind == NT_HOST &&
             !host_is_ram(s, it->a.off, it->len, false)) ||
            (it->b.kind == NT_HOST &&
             !host_is_ram(s, it->b.off, it->len, true))) {
            break;
        }
        it->epoch_a = it->a.kind == NT_DRAM ? it->a.dev->dma_epoch : 0;
        it->epoch_b = it->b.kind == NT_DRAM ? it->b.dev->dma_epoch : 0;
        ring_advance(&mi, &mid, nm);
        ring_advance(&ri, &rid, nr);
        it->mi = mi;
        it->mid = mid;
        it->ri = ri;
        it->rid = rid;
    }
    if (k == 0) {
        return 0;
    }

    for (i = 0; i < k; i++) {
        udma_use_dram(&item[i], true);
    }
    s->dma_users++;                     /* its queue, its host side */
    gen = m->gen + r->gen;
    epoch = s->dma_epoch;
    /*
     * dma_depth stays raised: a copy into MMIO (a "host" address that is a
     * BAR) runs its handler here, and what it kicks must go to the bottom
     * half, never back into this batch.
     */
    in_batch = true;
    qemu_mutex_unlock_iothread();
    for (done = 0; done < k; done++) {
        UdmaBatchItem *it = &item[done];

        if (!batch_valid(s, m, r, gen, epoch, it)) {
            aborted = true;
            break;
        }
        if (udma_copy_plain(s, it->a, it->b, it->len, s->dma_bounce,
                            &failed_s2m) != MEMTX_OK) {
            break;
        }
        corrupt_dram(it->b, it->len);
        bytes += it->len;
    }
    qemu_mutex_lock_iothread();
    in_batch = false;
    s->dma_users--;
    for (i = 0; i < k; i++) {
        udma_use_dram(&item[i], false);
    }
    qemu_cond_broadcast(&udma_quiet);

    /* a reset meanwhile ends the batch where it is, retiring nothing */
    if (aborted || m->gen + r->gen != gen || s->dma_epoch != epoch) {
        *nbytes = bytes;
        return MAX(done, 1);
    }
    if (done) {
        m->head = item[done - 1].mi;
        m->head_id = item[done - 1].mid;
        m->pending -= MIN(done, m->pending);
        r->head = item[done - 1].ri;
        r->head_id = item[done - 1].rid;
        r->pending -= MIN(done, r->pending);
    }
    if (done < k) {
        UdmaBatchItem *it = &item[done];

        udma_error(s, e, q, failed_s2m, NQERR_HOST_DMA,
                   failed_s2m ? it->dst : it->src);
    }
    *nbytes = bytes;
    return done;
}

static void udma_thread_kick(NeuronState *s)
{
    qemu_mutex_lock(&s->dma_lock);
    s->dma_work = true;
    qemu_cond_signal(&s->dma_cond);
    qemu_mutex_unlock(&s->dma_lock);
}

/*
 * Run queued work: inline (doorbell, bottom half) the kicked queues the
 * thread does not own, in the DMA thread the ones it owns.  Returns true
 * when the budget ran out with work left.
 */
static bool udma_run(NeuronState *s)
{
    bool thread = dma_thread_dev == s, handoff = false, spent = false;
    uint32_t descs = 0;
    uint64_t bytes = 0, locked = 0;
    bool progress = true;
    int e, q;

    while (progress) {
        progress = false;
        for (e = 0; e < NEURON_NUM_ENG; e++) {
            NeuronEngine *eng = &s->eng[e];
            uint16_t *owned = &s->dma_owned[e];

            for (q = 0; q < NEURON_NUM_Q; q++) {
                uint16_t bit = 1u << q;
                uint32_t nd = 0;
                uint64_t nb = 0;

                if (thread ? !(*owned & bit) :
                    !(eng->kick & bit) || (*owned & bit)) {
                    continue;
                }
                if (!thread && bytes > UDMA_INLINE_BYTES) {
                    /* a long transfer: the DMA thread takes the queue */
                    *owned |= bit;
                    eng->kick &= ~bit;
                    handoff = true;
                    continue;
                }
                if (descs >= UDMA_BUDGET_DESCS || bytes >= UDMA_BUDGET_BYTES) {
                    spent = true;
                    goto out;
                }
                if (slow_queue_wait(s, e, q)) {
                    /* the timer kicks it, inline */
                    eng->kick &= ~bit;
                    *owned &= ~bit;
                    continue;
                }
                if (thread && qatomic_read(&s->dma_stop)) {
                    *owned &= ~bit;             /* unplugged: dropped */
                    continue;
                }
                if (thread) {
                    nd = udma_batch(s, e, q, &nb);
                }
                if (!nd && thread && locked >= UDMA_THREAD_LOCKED_BYTES) {
                    /*
                     * Work the thread would copy with the big lock held:
                     * past this much, the bottom half takes it, in budget
                     * slices between which the main loop runs.
                     */
                    *owned &= ~bit;
                    eng->kick |= bit;
                    qemu_bh_schedule(s->dma_bh);
                    continue;
                }
                if (!nd && udma_step(s, e, q, &nd, &nb) == STEP_DONE) {
                    locked += nb;
                }
                if (nd) {
                    descs += nd;
                    bytes += nb;
                    progress = true;
                    if (queue_slowed(s, e, q)) {
                        s->slow_next_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                                          s->fault_slow_packet_us * 1000LL;
                    }
                } else if (thread) {
                    *owned &= ~bit;             /* idle: back to inline */
                } else {
                    eng->kick &= ~bit;          /* idle, blocked or failed */
                }
            }
        }
    }
out:
    if (handoff) {
        udma_thread_kick(s);
    }
    return spent;
}

static void udma_schedule(NeuronState *s)
{
    if (s->dma_depth > 0) {
        qemu_bh_schedule(s->dma_bh);        /* never recurse from a DMA */
        return;
    }
    s->dma_depth++;
    if (udma_run(s)) {
        qemu_bh_schedule(s->dma_bh);
    }
    s->dma_depth--;
}

void neuron_udma_bh(void *opaque)
{
    NeuronState *s = opaque;

    if (s->doorbell_deferred) {
        s->doorbell_deferred = false;
        neuron_fwio_doorbell(s);
    }
    s->dma_depth++;
    if (udma_run(s)) {
        qemu_bh_schedule(s->dma_bh);
    }
    s->dma_depth--;
}

static bool udma_owns_any(NeuronState *s)
{
    int e;

    for (e = 0; e < NEURON_NUM_ENG; e++) {
        if (s->dma_owned[e]) {
            return true;
        }
    }
    return false;
}

/*
 * The device's DMA thread: sleeps until an inline run hands it queues,
 * then runs them with the big lock held except around long copies, and
 * only sleeps again once it has given every queue back.
 */
static void *udma_thread(void *opaque)
{
    NeuronState *s = opaque;
    bool stop = false;

    dma_thread_dev = s;
    /*
     * The engines are hardware beside the CPUs: on a host with fewer
     * cores than the guest has vCPUs plus this thread, the launcher may
     * let it run ahead of them (device-model.rst, "DMA thread").
     */
#ifdef CONFIG_LINUX
    /* a thread id: Linux gives each thread a nice value of its own */
    if (s->dma_nice &&
        setpriority(PRIO_PROCESS, qemu_get_thread_id(), s->dma_nice)) {
        warn_report("neuron-v1: DMA thread: cannot set nice %d: %s",
                    s->dma_nice, strerror(errno));
    }
#endif
    rcu_register_thread();
    while (!stop) {
        qemu_mutex_lock(&s->dma_lock);
        while (!s->dma_work && !s->dma_stop) {
            qemu_cond_wait(&s->dma_cond, &s->dma_lock);
        }
        stop = s->dma_stop;
        s->dma_work = false;
        qemu_mutex_unlock(&s->dma_lock);

        qemu_mutex_lock_iothread();
        s->dma_depth++;
        while (udma_owns_any(s) && !qatomic_read(&s->dma_stop)) {
            if (udma_run(s)) {
                /* budget spent: let the CPUs and the main loop in */
                s->dma_depth--;
                qemu_mutex_unlock_iothread();
                qemu_mutex_lock_iothread();
                s->dma_depth++;
            }
        }
        s->dma_depth--;
        qemu_mutex_unlock_iothread();
    }
    rcu_unregister_thread();
    return NULL;
}

void neuron_udma_thread_start(NeuronState *s)
{
    static bool quiet_ready;

    if (!quiet_ready) {                 /* under the big lock */
        qemu_cond_init(&udma_quiet);
        quiet_ready = true;
    }
    s->dma_bounce = g_malloc(64 * KiB);
    qemu_mutex_init(&s->dma_lock);
    qemu_cond_init(&s->dma_cond);
    s->dma_work = false;
    s->dma_stop = false;
    qemu_thread_create(&s->dma_thread, "neuron-dma", udma_thread, s,
                       QEMU_THREAD_JOINABLE);
}

/*
 * Called with the big lock held, which the thread needs to finish what
 * it runs: released while joining.
 */
void neuron_udma_thread_stop(NeuronState *s)
{
    qemu_mutex_lock(&s->dma_lock);
    s->dma_stop = true;
    qemu_cond_signal(&s->dma_cond);
    qemu_mutex_unlock(&s->dma_lock);
    qemu_mutex_unlock_iothread();
    qemu_thread_join(&s->dma_thread);
    qemu_mutex_lock_iothread();
    qemu_cond_destroy(&s->dma_cond);
    qemu_mutex_destroy(&s->dma_lock);
    g_free(s->dma_bounce);
}

void neuron_udma_kick_all(NeuronState *s)
{
    int e, q;

    for (e = 0; e < NEURON_NUM_ENG; e++) {
        for (q = 0; q < NEURON_NUM_Q; q++) {
            if (s->eng[e].m2s[q].pending) {
                s->eng[e].kick |= 1u << q;
            }
        }
    }
    qemu_bh_schedule(s->dma_bh);
}

/* tail increment doorbell (§5.10, §5.13 rule 2) */
static void udma_doorbell(NeuronState *s, int e, int q, bool s2m,
                          uint32_t inc)
{
    NeuronRing *r = s2m ? &s->eng[e].s2m[q] : &s->eng[e].m2s[q];
    uint32_t n = ring_len(s, e, q, s2m);

    inc &= UQ_PTR_MASK;
    if (!ring_enabled(s, e, q, s2m)) {
        udma_error(s, e, q, s2m, NQERR_DISABLED, inc);
        return;
    }
    if (n == 0 || r->tail >= n || (uint64_t)r->pending + inc > n) {
        udma_error(s, e, q, s2m, NQERR_RING, inc);
        return;
    }
    if (inc == 0) {
        return;
    }
    r->pending += inc;
    r->tail += inc;
    if (r->tail >= n) {
        r->tail -= n;
        r->tail_id = (r->tail_id + 1) & 3;
    }
    s->eng[e].kick |= 1u << q;
    udma_schedule(s);
}

static void change_state(NeuronState *s, int e, bool s2m, uint32_t val)
{
    NeuronEngine *eng = &s->eng[e];
    NeuronEngState *st = s2m ? &eng->s2m_state : &eng->m2s_state;
    int q;

    if (val & CHANGE_STATE_ABORT) {
        *st = ENG_ABORT;
    } else if (val & CHANGE_STATE_DISABLE) {
        *st = ENG_DISABLED;
    } else if (val & CHANGE_STATE_NORMAL) {
        *st = ENG_NORMAL;
        for (q = 0; q < NEURON_NUM_Q; q++) {
            if (eng->m2s[q].pending) {
                eng->kick |= 1u << q;
            }
        }
        udma_schedule(s);
    }
}

static bool udma_decode(uint32_t off, int *e, uint32_t *uoff)
{
    uint32_t w;

    if (off >= NEURON_NUM_NC * 0x100000) {
        return false;
    }
    w = off % 0x100000;
    if (w < UDMA_WINDOW) {
        return false;                       /* TDMA wrappers: storage */
    }
    *e = (off / 0x100000) * NEURON_ENG_PER_NC + w / UDMA_WINDOW - 1;
    *uoff = w % UDMA_WINDOW;
    return true;
}

/* queue register block of @uoff, if any */
static bool udma_queue(uint32_t uoff, bool *s2m, int *q, uint32_t *r)
{
    const uint32_t span = NEURON_NUM_Q * UDMA_Q_STRIDE;

    if (uoff >= UDMA_M2S_Q && uoff < UDMA_M2S_Q + span) {
        *s2m = false;
        *q = (uoff - UDMA_M2S_Q) / UDMA_Q_STRIDE;
        *r = (uoff - UDMA_M2S_Q) % UDMA_Q_STRIDE;
        return true;
    }
    if (uoff >= UDMA_S2M_Q && uoff < UDMA_S2M_Q + span) {
        *s2m = true;
        *q = (uoff - UDMA_S2M_Q) / UDMA_Q_STRIDE;
        *r = (uoff - UDMA_S2M_Q) % UDMA_Q_STRIDE;
        return true;
    }
    return false;
}

bool neuron_udma_read(NeuronState *s, uint32_t off, uint32_t *val)
{
    NeuronEngine *eng;
    NeuronRing *ring;
    uint32_t uoff, r;
    bool s2m;
    int e, q;

    if (!udma_decode(off, &e, &uoff)) {
        return false;
    }
    eng = &s->eng[e];
    switch (uoff) {
    case UDMA_M2S + UDMA_STATE:
        *val = state_value(eng->m2s_state);
        return true;
    case UDMA_S2M + UDMA_STATE:
        *val = state_value(eng->s2m_state);
        return true;
    case UDMA_M2S + UDMA_M2S_DMA_VERSION:
        *val = UDMA_VERSION;
        return true;
    case UDMA_M2S + UDMA_CHANGE_STATE:
    case UDMA_S2M + UDMA_CHANGE_STATE:
        *val = 0;                           /* write-only command */
        return true;
    }
    if (!udma_queue(uoff, &s2m, &q, &r)) {
        return false;
    }
    ring = s2m ? &eng->s2m[q] : &eng->m2s[q];
    switch (r) {
    case UQ_DRHP:
        *val = ring->head | (uint32_t)ring->head_id << UQ_RING_ID_SHIFT;
        return true;
    case UQ_DRTP:
        *val = ring->tail | (uint32_t)ring->tail_id << UQ_RING_ID_SHIFT;
        return true;
    case UQ_DRTP_INC:
    case UQ_CRHP:
        *val = 0;
        return true;
    case UQ_STATUS:
        *val = ring->err | (ring->err ? UQ_STATUS_ERROR : 0) |
               (ring->pending ? UQ_STATUS_PENDING : 0) |
               (queue_stalled(s, e, q) ? UQ_STATUS_STALLED : 0);
        return true;
    }
    return false;
}

static void iofic_write(NeuronState *s, uint32_t off, uint32_t goff,
                        uint32_t val)
{
    uint32_t grp = off - goff;              /* group base */

    switch (goff) {
    case IOFIC_CAUSE:
        *reg(s, off) &= val;                /* write 0 clears (AL IOFIC) */
        break;
    case IOFIC_CAUSE_SET:
        *reg(s, grp + IOFIC_CAUSE) |= val;
        break;
    case IOFIC_MASK_CLEAR:
        *reg(s, grp + IOFIC_MASK) &= val;   /* write 0 unmasks (§5.5) */
        break;
    default:
        *reg(s, off) = val;
        break;
    }
}

bool neuron_udma_write(NeuronState *s, uint32_t off, uint32_t val)
{
    uint32_t uoff, r;
    bool s2m;
    int e, q;

    if (!udma_decode(off, &e, &uoff)) {
        return false;
    }
    switch (uoff) {
    case UDMA_M2S + UDMA_STATE:
    case UDMA_S2M + UDMA_STATE:
    case UDMA_M2S + UDMA_M2S_DMA_VERSION:
        return true;                        /* read-only */
    case UDMA_M2S + UDMA_CHANGE_STATE:
        change_state(s, e, false, val);
        return true;
    case UDMA_S2M + UDMA_CHANGE_STATE:
        change_state(s, e, true, val);
        return true;
    }
    if (uoff >= UDMA_GEN && uoff < UDMA_GEN + 0x4000) {
        uint32_t g = uoff - UDMA_GEN;

        if (g < 0x100 || (g >= GEN_SEC_IOFIC && g < GEN_SEC_IOFIC + 0x100)) {
            iofic_write(s, off, g & 0x3F, val);
            return true;
        }
        return false;
    }
    if (!udma_queue(uoff, &s2m, &q, &r)) {
        return false;
    }
    switch (r) {
    case UQ_DRTP_INC:
        udma_doorbell(s, e, q, s2m, val);
        return true;
    case UQ_DRHP:
    case UQ_DRTP:
    case UQ_CRHP:
    case UQ_STATUS:
        return true;                        /* read-only */
    case UQ_M2S_SW_CTRL:
    case UQ_S2M_SW_CTRL:
        if (r != (s2m ? UQ_S2M_SW_CTRL : UQ_M2S_SW_CTRL)) {
            return false;
        }
        *reg(s, off) = val & ~UQ_SW_CTRL_RESET_Q;   /* self-clearing */
        if (val & UQ_SW_CTRL_RESET_Q) {
            neuron_udma_quiesce(s);
            ring_reset(s2m ? &s->eng[e].s2m[q] : &s->eng[e].m2s[q]);
        }
        return true;
    }
    return false;
}

/* Reset values (§12.1): queue cfg 0x03000000, rlimit mask 7, data_cfg. */
void neuron_udma_reset(NeuronState *s)
{
    int e, q;

    neuron_udma_quiesce(s);

    for (e = 0; e < NEURON_NUM_ENG; e++) {
        NeuronEngine *eng = &s->eng[e];
        uint32_t gen;

        for (q = 0; q < NEURON_NUM_Q; q++) {
            gen = eng->m2s[q].gen;
            memset(&eng->m2s[q], 0, sizeof(eng->m2s[q]));
            eng->m2s[q].gen = gen;
            ring_reset(&eng->m2s[q]);
            gen = eng->s2m[q].gen;
            memset(&eng->s2m[q], 0, sizeof(eng->s2m[q]));
            eng->s2m[q].gen = gen;
            ring_reset(&eng->s2m[q]);
            *reg(s, ring_regs_off(e, q, false) + UQ_CFG) = UQ_CFG_RESET_VALUE;
            *reg(s, ring_regs_off(e, q, true) + UQ_CFG) = UQ_CFG_RESET_VALUE;
            *reg(s, ring_regs_off(e, q, false) + UQ_M2S_RLIMIT_MASK) = 0x7;
        }
        *reg(s, udma_base(e) + UDMA_M2S + 0x310) = 0x01000000;
        eng->m2s_state = ENG_NORMAL;
        eng->s2m_state = ENG_NORMAL;
        eng->kick = 0;
        eng->meta_logged = false;
    }
}
