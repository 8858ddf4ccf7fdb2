/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWS Inferentia (Neuron v1) device model: NeuronCore (TPB) window in BAR2
 * -- semaphores and events (§6.1) -- and the notification queues that
 * PUTILS in BAR0 configures (§4.3, §6.2, [PROJ] entry format §6.3).
 *
 * The compute engines themselves are out of scope; the rest of the window
 * is sparse storage so that writes (e.g. instruction FIFO uploads) are
 * accepted and can be read back.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "neuron-v1.h"

/* bound the sparse store so a hostile guest cannot grow it without limit */
#define TPB_STORE_MAX_ENTRIES   (64 * 1024)

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

uint32_t neuron_tpb_read(NeuronState *s, uint32_t off)
{
    NeuronNC *n;
    uint32_t o;

    off &= ~3u;
    if (off >= NEURON_BAR2_SIZE) {
        return 0;
    }
    n = &s->nc[off / NEURON_NC_STRIDE];
    o = off % NEURON_NC_STRIDE;
    if (o >= NC_EVENT_BASE && o < NC_EVENT_END) {
        return n->event[(o - NC_EVENT_BASE) / 4];
    }
    if (o >= NC_SEM_READ && o < NC_SEM_END &&
        (o % NC_SEM_BLOCK) / 4 < NEURON_NUM_SEM) {
        /* reads at READ/SET/INCR/DECR all return the value ([PROJ] §6.1) */
        return n->sem[(o % NC_SEM_BLOCK) / 4];
    }
    return GPOINTER_TO_UINT(g_hash_table_lookup(s->tpb_store,
                                                GUINT_TO_POINTER(off)));
}

void neuron_tpb_write(NeuronState *s, uint32_t off, uint32_t val)
{
    int nc;
    NeuronNC *n;
    uint32_t o, i;

    off &= ~3u;
    if (off >= NEURON_BAR2_SIZE) {
        return;
    }
    nc = off / NEURON_NC_STRIDE;
    n = &s->nc[nc];
    o = off % NEURON_NC_STRIDE;
    if (o >= NC_EVENT_BASE && o < NC_EVENT_END) {
        i = (o - NC_EVENT_BASE) / 4;
        n->event[i] = val != 0;
        nq_post_event(s, nc, i, val);
        return;
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
        return;
    }
    if (val == 0) {
        g_hash_table_remove(s->tpb_store, GUINT_TO_POINTER(off));
    } else if (g_hash_table_size(s->tpb_store) < TPB_STORE_MAX_ENTRIES ||
               g_hash_table_contains(s->tpb_store, GUINT_TO_POINTER(off))) {
        g_hash_table_insert(s->tpb_store, GUINT_TO_POINTER(off),
                            GUINT_TO_POINTER(val));
    } else {
        qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: TPB storage full, write "
                      "to BAR2+0x%x dropped\n", off);
    }
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
 * Reset the cores in @nc_mask: semaphores, events and their notification
 * queues' configuration (PUTILS).  A device reset passes all cores; a TPB
 * reset (§8.1) only the map's.
 */
void neuron_nc_reset(NeuronState *s, unsigned nc_mask)
{
    int i;

    for (i = 0; i < NEURON_NUM_NC; i++) {
        GHashTableIter it;
        gpointer key;

        if (!(nc_mask & (1u << i))) {
            continue;
        }
        memset(&s->nc[i], 0, sizeof(s->nc[i]));
        s->nc[i].nq_phase = true;
        memset(&s->apb[(NEURON_PUTILS_BASE + i * NEURON_PUTILS_STRIDE) >> 2],
               0, NEURON_PUTILS_STRIDE);
        /* the rest of the core's window (sparse storage) */
        g_hash_table_iter_init(&it, s->tpb_store);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            if (GPOINTER_TO_UINT(key) / NEURON_NC_STRIDE == i) {
                g_hash_table_iter_remove(&it);
            }
        }
    }
}
