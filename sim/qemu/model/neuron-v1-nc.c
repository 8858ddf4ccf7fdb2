/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWS Inferentia (Neuron v1) device model: NeuronCore (TPB) window in BAR2
 * -- semaphores and events (§6.1) -- and the notification queues that
 * PUTILS in BAR0 configures (§4.3, §6.2, [PROJ] entry format §6.3).
 *
 * Each core also has its state buffer (core-local memory) and the PE
 * instruction FIFO, which counts what it receives; the compute engines
 * themselves are out of scope.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/madvise.h"
#include "qemu/timer.h"
#include "neuron-v1.h"

#define NC_EVENT_END            (NC_EVENT_BASE + 4 * NEURON_NUM_EVENT)
#define NC_SEM_BLOCK            0x100

static uint32_t putils_reg(NeuronState *s, int nc, uint32_t off)
{
    return s->apb[(NEURON_PUTILS_BASE + nc * NEURON_PUTILS_STRIDE + off) >> 2];
}

/*
 * Produce one EVENT notification (§6.3 [PROJ] format).  Words 1..3 are
 * written before word 0, which carries the phase bit the consumer polls.
 */
static void nq_post_event(NeuronState *s, int nc, uint32_t idx, uint32_t val)
{
    NeuronNC *n = &s->nc[nc];
    uint64_t base = ((uint64_t)putils_reg(s, nc, PU_EVENT_NQ + PU_NQ_BASE_HI)
                     << 32) | putils_reg(s, nc, PU_EVENT_NQ + PU_NQ_BASE_LO);
    uint32_t size = putils_reg(s, nc, PU_EVENT_NQ + PU_NQ_SIZE);
    uint32_t head = putils_reg(s, nc, PU_EVENT_NQ + PU_NQ_HEAD);
    uint32_t ring = size - size % NQ_ENTRY_SIZE;
    uint32_t next;
    uint8_t ent[NQ_ENTRY_SIZE];
    NeuronAddr a;

    if (ring < NQ_ENTRY_SIZE) {
        return;                             /* EVENT NQ not configured */
    }
    if (n->nq_tail >= ring) {
        n->nq_tail = 0;
    }
    next = n->nq_tail + NQ_ENTRY_SIZE;
    if (next >= ring) {
        next = 0;
    }
    if (next == head) {
        n->nq_dropped++;                    /* never overwrite unread space */
        return;
    }
    a = neuron_decode(s, base + n->nq_tail, NQ_ENTRY_SIZE);
    if (a.kind != NT_HOST && a.kind != NT_DRAM) {
        if (!n->nq_logged) {                /* once per configuration */
            n->nq_logged = true;
            qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: NC%d EVENT NQ at 0x%"
                          PRIx64 " is neither host memory nor DRAM\n", nc,
                          base);
        }
        n->nq_dropped++;
        return;
    }
    stl_le_p(ent, (n->nq_phase ? 1u << 31 : 0) | (NQ_TYPE_EVENT << 24) |
             (idx & 0xFFFFFF));
    stl_le_p(ent + 4, val);
    stq_le_p(ent + 8, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    if (neuron_dev_write(s, base + n->nq_tail + 4, ent + 4, 12, NULL)
        != MEMTX_OK) {
        n->nq_dropped++;
        return;
    }
    /* order the entry body before word 0, which holds the phase bit */
    smp_wmb();
    neuron_dev_write(s, base + n->nq_tail, ent, 4, NULL);
    n->nq_tail = next;
    if (next == 0) {
        n->nq_phase = !n->nq_phase;
    }
}

/*
 * The NC window (§6.1) has three kinds of implemented regions per core:
 * registers (events, semaphores), core-local memory (the state buffer,
 * [PROJ] size) and the PE instruction FIFO (write-only).  Everything else
 * is unimplemented: host MMIO writes are dropped and reads return all
 * ones (like an unsupported request), DMA and FWIO READ fail (§3.3
 * decode error).  Every such access is logged as a guest error.
 */
static void tpb_unimplemented(uint32_t off, uint64_t len, bool write)
{
    qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: %s of %" PRIu64 " bytes at "
                  "BAR2+0x%x: not an implemented NeuronCore region\n",
                  write ? "write" : "read", len, off);
}

/* state buffer of the core owning @off, if [off, off+len) lies inside it */
static uint8_t *nc_mem(NeuronState *s, uint32_t off, uint64_t len)
{
    uint32_t nc = off / NEURON_NC_STRIDE, o = off % NEURON_NC_STRIDE;

    /* NC_SB_BASE is 0: an offset is never below it */
    if (off >= NEURON_BAR2_SIZE || (uint64_t)o - NC_SB_BASE + len >
        NC_SB_SIZE) {
        return NULL;
    }
    return s->ncmem + (uint64_t)nc * NC_SB_SIZE + (o - NC_SB_BASE);
}

static bool nc_fifo(uint32_t off, uint64_t len, int *nc)
{
    uint32_t o = off % NEURON_NC_STRIDE;

    if (off >= NEURON_BAR2_SIZE || o < NC_IRAM_FIFO ||
        o - NC_IRAM_FIFO + len > NC_IRAM_FIFO_SIZE) {
        return false;
    }
    *nc = off / NEURON_NC_STRIDE;
    return true;
}

/*
 * Instructions pushed into the FIFO are counted, not executed (the
 * compute engines are out of scope).  The first push after a reset of
 * the core is what AWS's 2.x driver calls "model started".
 */
static void nc_fifo_push(NeuronState *s, int nc, uint64_t len)
{
    NeuronNC *n = &s->nc[nc];

    n->fifo_bytes += len;
    n->fifo_writes++;
    n->fifo_loaded = true;
}

static bool tpb_reg_read(NeuronState *s, uint32_t off, uint32_t *val)
{
    NeuronNC *n = &s->nc[off / NEURON_NC_STRIDE];
    uint32_t o = off % NEURON_NC_STRIDE;

    if (o >= NC_EVENT_BASE && o < NC_EVENT_END) {
        *val = n->event[(o - NC_EVENT_BASE) / 4];
        return true;
    }
    if (o >= NC_SEM_READ && o < NC_SEM_END &&
        (o % NC_SEM_BLOCK) / 4 < NEURON_NUM_SEM) {
        /* reads at READ/SET/INCR/DECR all return the value ([PROJ] §6.1) */
        *val = n->sem[(o % NC_SEM_BLOCK) / 4];
        return true;
    }
    return false;
}

static bool tpb_reg_write(NeuronState *s, uint32_t off, uint32_t val)
{
    int nc = off / NEURON_NC_STRIDE;
    NeuronNC *n = &s->nc[nc];
    uint32_t o = off % NEURON_NC_STRIDE, i;

    if (o >= NC_EVENT_BASE && o < NC_EVENT_END) {
        i = (o - NC_EVENT_BASE) / 4;
        /* an event is one bit ([PROJ] §6.1); the NQ entry keeps the value */
        n->event[i] = val != 0;
        nq_post_event(s, nc, i, val);
        return true;
    }
    if (o >= NC_SEM_READ && o < NC_SEM_END &&
        (o % NC_SEM_BLOCK) / 4 < NEURON_NUM_SEM) {
        i = (o % NC_SEM_BLOCK) / 4;
        switch ((o - NC_SEM_READ) / NC_SEM_BLOCK) {
        case 0:
            break;                          /* READ slot: writes ignored */
        case 1:
            n->sem[i] = val;
            break;
        case 2:
            n->sem[i] = (uint32_t)n->sem[i] + val;  /* wraps like hardware */
            break;
        case 3:
            n->sem[i] = (uint32_t)n->sem[i] - val;
            break;
        }
        return true;
    }
    return false;
}

/* One aligned 32-bit word (host MMIO, FWIO READ); false if unimplemented. */
bool neuron_tpb_read(NeuronState *s, uint32_t off, uint32_t *val)
{
    uint8_t *p;

    off &= ~3u;
    if (off >= NEURON_BAR2_SIZE) {
        return false;
    }
    p = nc_mem(s, off, 4);
    if (p) {
        *val = ldl_le_p(p);
        return true;
    }
    if (tpb_reg_read(s, off, val)) {
        return true;
    }
    tpb_unimplemented(off, 4, false);      /* the FIFO is write-only too */
    return false;
}

bool neuron_tpb_write(NeuronState *s, uint32_t off, uint32_t val)
{
    uint8_t *p;
    int nc;

    off &= ~3u;
    if (off >= NEURON_BAR2_SIZE) {
        return false;
    }
    p = nc_mem(s, off, 4);
    if (p) {
        stl_le_p(p, val);
        return true;
    }
    if (nc_fifo(off, 4, &nc)) {
        nc_fifo_push(s, nc, 4);
        return true;
    }
    if (tpb_reg_write(s, off, val)) {
        return true;
    }
    tpb_unimplemented(off, 4, true);
    return false;
}

/*
 * DMA (§5.13 rule 4).  Memory and the FIFO take any length and alignment;
 * registers are aligned 32-bit words, each with the effect of a BAR2
 * write.  An access must lie inside one region.
 */
MemTxResult neuron_tpb_dma_read(NeuronState *s, uint32_t off, uint8_t *buf,
                                uint64_t len)
{
    uint8_t *p = nc_mem(s, off, len);
    uint64_t i;
    uint32_t v;

    if (p) {
        memcpy(buf, p, len);
        return MEMTX_OK;
    }
    if ((off | len) & 3) {
        tpb_unimplemented(off, len, false);
        return MEMTX_DECODE_ERROR;
    }
    for (i = 0; i < len; i += 4) {
        if (!tpb_reg_read(s, off + i, &v)) {
            tpb_unimplemented(off + i, len - i, false);
            return MEMTX_DECODE_ERROR;
        }
        stl_le_p(buf + i, v);
    }
    return MEMTX_OK;
}

MemTxResult neuron_tpb_dma_write(NeuronState *s, uint32_t off,
                                 const uint8_t *buf, uint64_t len)
{
    uint8_t *p = nc_mem(s, off, len);
    uint64_t i;
    int nc;

    if (p) {
        memcpy(p, buf, len);
        return MEMTX_OK;
    }
    if (nc_fifo(off, len, &nc)) {
        nc_fifo_push(s, nc, len);
        return MEMTX_OK;
    }
    if ((off | len) & 3) {
        tpb_unimplemented(off, len, true);
        return MEMTX_DECODE_ERROR;
    }
    for (i = 0; i < len; i += 4) {
        if (!tpb_reg_write(s, off + i, ldl_le_p(buf + i))) {
            tpb_unimplemented(off + i, len - i, true);
            return MEMTX_DECODE_ERROR;
        }
    }
    return MEMTX_OK;
}

/* PUTILS (§4.3): NQ registers are storage; the model adds tail/dropped. */
static bool putils_decode(uint32_t off, int *nc, uint32_t *o)
{
    if (off < NEURON_PUTILS_BASE ||
        off >= NEURON_PUTILS_BASE + NEURON_NUM_NC * NEURON_PUTILS_STRIDE) {
        return false;
    }
    *nc = (off - NEURON_PUTILS_BASE) / NEURON_PUTILS_STRIDE;
    *o = (off - NEURON_PUTILS_BASE) % NEURON_PUTILS_STRIDE;
    return true;
}

bool neuron_putils_read(NeuronState *s, uint32_t off, uint32_t *val)
{
    int nc;
    uint32_t o;

    if (!putils_decode(off, &nc, &o)) {
        return false;
    }
    switch (o) {
    case PU_EVENT_NQ + PU_NQ_TAIL:
        *val = s->nc[nc].nq_tail;
        return true;
    case PU_EVENT_NQ + PU_NQ_DROPPED:
        *val = s->nc[nc].nq_dropped;
        return true;
    }
    return false;
}

bool neuron_putils_write(NeuronState *s, uint32_t off, uint32_t val)
{
    int nc;
    uint32_t o;

    if (!putils_decode(off, &nc, &o)) {
        return false;
    }
    switch (o) {
    case PU_EVENT_NQ + PU_NQ_TAIL:
    case PU_EVENT_NQ + PU_NQ_DROPPED:
        return true;                        /* read-only */
    case PU_EVENT_NQ + PU_NQ_BASE_LO:
    case PU_EVENT_NQ + PU_NQ_BASE_HI:
    case PU_EVENT_NQ + PU_NQ_SIZE:
        /* (re)configuration restarts the producer at offset 0, phase 1 */
        s->apb[off >> 2] = val;
        s->apb[(off - o + PU_EVENT_NQ + PU_NQ_HEAD) >> 2] = 0;
        s->nc[nc].nq_tail = 0;
        s->nc[nc].nq_phase = true;
        s->nc[nc].nq_dropped = 0;
        s->nc[nc].nq_logged = false;
        return true;
    }
    return false;
}

/*
 * Reset the cores in @nc_mask: semaphores, events, their notification
 * queues' configuration (PUTILS), instruction FIFO state and state buffer.
 * A device reset passes all cores; a TPB reset (§8.1) only the map's.
 */
void neuron_nc_reset(NeuronState *s, unsigned nc_mask)
{
    int i;

    for (i = 0; i < NEURON_NUM_NC; i++) {
        if (!(nc_mask & (1u << i))) {
            continue;
        }
        memset(&s->nc[i], 0, sizeof(s->nc[i]));
        s->nc[i].nq_phase = true;
        memset(&s->apb[(NEURON_PUTILS_BASE + i * NEURON_PUTILS_STRIDE) >> 2],
               0, NEURON_PUTILS_STRIDE);
        /* sparse backing: dropping the pages reads back as zeroes */
        qemu_madvise(s->ncmem + (uint64_t)i * NC_SB_SIZE, NC_SB_SIZE,
                     QEMU_MADV_DONTNEED);
    }
}
