/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWS Inferentia (Neuron v1) PCI device model: PCI function, BARs,
 * device address decoder, MISC RAM, reset, topology links, properties.
 *
 * The DMA engines live in neuron-v1-udma.c, the firmware mailbox in
 * neuron-v1-fwio.c, the NeuronCore window (semaphores, events,
 * notification queues) in neuron-v1-nc.c.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/log.h"
#include "qemu/madvise.h"
#include "qemu/module.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "exec/cpu-common.h"
#include "migration/vmstate.h"
#include "neuron-v1.h"

/*
 * Topology (§9): peers are named by qdev id and resolved on every use, so
 * that a peer which is unplugged (or created later) never leaves a dangling
 * pointer behind.
 */
NeuronState *neuron_peer(NeuronState *s, bool west)
{
    const char *id = west ? s->west : s->east;
    Object *periph, *obj;

    if (!id || !*id) {
        return NULL;
    }
    periph = container_get(qdev_get_machine(), "/peripheral");
    obj = object_resolve_path_component(periph, id);
    if (!obj) {
        return NULL;
    }
    return (NeuronState *)object_dynamic_cast(obj, TYPE_NEURON_V1);
}

bool neuron_link_up(NeuronState *s, bool west)
{
    if (west ? s->fault_west_down : s->fault_east_down) {
        return false;
    }
    return neuron_peer(s, west) != NULL;
}

/*
 * Device address decoder (§3.3).
 */
static NeuronAddr neuron_decode_local(NeuronState *d, uint64_t a, uint64_t len)
{
    NeuronAddr r = { .kind = NT_BAD, .dev = d };
    uint64_t end;

    a &= ~NEURON_DA_PORT1;          /* AXI port 1 is an alias of port 0 */
    end = a + len;
    if (end < a) {
        return r;
    }
    if (end <= NEURON_DRAM_CH_SIZE) {
        r.kind = NT_DRAM;
        r.off = a;
    } else if (a >= NEURON_DA_DRAM1 &&
               end <= NEURON_DA_DRAM1 + NEURON_DRAM_CH_SIZE) {
        r.kind = NT_DRAM;
        r.off = a - NEURON_DA_DRAM1 + NEURON_DRAM_CH_SIZE;
    } else if (a >= NEURON_DA_TPB && end <= NEURON_DA_TPB + NEURON_BAR2_SIZE) {
        r.kind = NT_TPB;
        r.off = a - NEURON_DA_TPB;
    } else if (a >= NEURON_DA_APB && end <= NEURON_DA_APB + NEURON_BAR0_SIZE) {
        r.kind = NT_APB;
        r.off = a - NEURON_DA_APB;
    }
    return r;
}

NeuronAddr neuron_decode(NeuronState *s, uint64_t addr, uint64_t len)
{
    NeuronAddr r = { .kind = NT_BAD, .dev = s };
    uint64_t local = addr & NEURON_DA_LOCAL_MASK;

    if (addr >> 48) {
        return r;
    }
    switch ((addr >> NEURON_DA_ROUTE_SHIFT) & 3) {
    case 0:
        return neuron_decode_local(s, addr, len);
    case 1:
        if (local + len < local || local + len > NEURON_DA_LOCAL_MASK + 1) {
            return r;
        }
        r.kind = NT_HOST;
        r.off = local;
        return r;
    default: {
        bool west = ((addr >> NEURON_DA_ROUTE_SHIFT) & 3) == 3;
        NeuronState *peer = neuron_peer(s, west);

        if (!peer || !neuron_link_up(s, west)) {
            r.kind = NT_NOPEER;
            return r;
        }
        return neuron_decode_local(peer, local, len);
    }
    }
}

/*
 * Zero writes discard pages ([PROJ] emulation optimisation, see
 * device-model.rst): DRAM is lazily backed host memory, and the driver
 * clears every buffer object by DMA from a zeroed host buffer.  Writing
 * those zeroes would back every page it touches; instead the whole host
 * pages the range covers are released (they read back as zeroes, through
 * BAR4 too: the guest mapping is the same host mapping), and only the
 * partially covered pages at either end are written.
 */
bool neuron_dram_covers_page(NeuronState *d, uint64_t off, uint64_t len)
{
    uint64_t ps = qemu_ram_pagesize(d->dram.ram_block);

    return !d->dram_no_discard &&
           QEMU_ALIGN_UP(off, ps) + ps <= off + len;
}

void neuron_dram_zero(NeuronState *d, uint64_t off, uint64_t len)
{
    uint64_t ps = qemu_ram_pagesize(d->dram.ram_block);
    uint64_t start = QEMU_ALIGN_UP(off, ps);
    uint64_t end = QEMU_ALIGN_DOWN(off + len, ps);

    if (d->dram_no_discard || start >= end) {
        memset(d->dram_ptr + off, 0, len);
        return;
    }
    memset(d->dram_ptr + off, 0, start - off);
    if (ram_block_discard_range(d->dram.ram_block, start, end - start)) {
        /* reported once by ram_block_discard_range; write from now on */
        d->dram_no_discard = true;
        memset(d->dram_ptr + start, 0, end - start);
    }
    memset(d->dram_ptr + end, 0, off + len - end);
}

void neuron_dram_write(NeuronState *d, uint64_t off, const void *buf,
                       uint64_t len)
{
    if (neuron_dram_covers_page(d, off, len) && buffer_is_zero(buf, len)) {
        neuron_dram_zero(d, off, len);
        return;
    }
    memcpy(d->dram_ptr + off, buf, len);
}

/*
 * Move data between a buffer and a device address.  Register windows are
 * accessed as aligned 32-bit words, exactly like the BAR writes they stand
 * for (§5.13 rule 4).
 */
MemTxResult neuron_dev_read(NeuronState *s, uint64_t addr, void *buf,
                            uint64_t len, bool *peer_err)
{
    NeuronAddr a = neuron_decode(s, addr, len);
    uint8_t *p = buf;
    uint64_t i;

    switch (a.kind) {
    case NT_HOST:
        return pci_dma_read(&s->pdev, a.off, buf, len);
    case NT_DRAM:
        memcpy(buf, a.dev->dram_ptr + a.off, len);
        return MEMTX_OK;
    case NT_TPB:
        return neuron_tpb_dma_read(a.dev, a.off, buf, len);
    case NT_APB:
        if ((a.off | len) & 3) {
            return MEMTX_DECODE_ERROR;
        }
        for (i = 0; i < len; i += 4) {
            stl_le_p(p + i, neuron_apb_read(a.dev, a.off + i));
        }
        return MEMTX_OK;
    case NT_NOPEER:
        if (peer_err) {
            *peer_err = true;
        }
        return MEMTX_ERROR;
    default:
        return MEMTX_DECODE_ERROR;
    }
}

MemTxResult neuron_dev_write(NeuronState *s, uint64_t addr, const void *buf,
                             uint64_t len, bool *peer_err)
{
    NeuronAddr a = neuron_decode(s, addr, len);
    const uint8_t *p = buf;
    uint64_t i;

    switch (a.kind) {
    case NT_HOST:
        return pci_dma_write(&s->pdev, a.off, buf, len);
    case NT_DRAM:
        neuron_dram_write(a.dev, a.off, buf, len);
        return MEMTX_OK;
    case NT_TPB: {
        MemTxResult res;

        /* register side effects that would recurse are deferred */
        a.dev->dma_depth++;
        res = neuron_tpb_dma_write(a.dev, a.off, buf, len);
        a.dev->dma_depth--;
        return res;
    }
    case NT_APB:
        if ((a.off | len) & 3) {
            return MEMTX_DECODE_ERROR;
        }
        a.dev->dma_depth++;
        for (i = 0; i < len; i += 4) {
            neuron_apb_write(a.dev, a.off + i, ldl_le_p(p + i));
        }
        a.dev->dma_depth--;
        return MEMTX_OK;
    case NT_NOPEER:
        if (peer_err) {
            *peer_err = true;
        }
        return MEMTX_ERROR;
    default:
        return MEMTX_DECODE_ERROR;
    }
}

/*
 * BAR0 (APB): MISC RAM here, UDMA/TDMA and PUTILS in their own files,
 * everything else is plain storage (§1.3 (a): accept writes anywhere).
 */
static uint32_t neuron_fw_status(NeuronState *s)
{
    uint32_t v = 0;

    if (!s->resetting && !s->fault_not_ready) {
        v |= FW_STATUS_READY;
    }
    if (neuron_link_up(s, false)) {
        v |= FW_STATUS_EAST_LINK;
    }
    if (neuron_link_up(s, true)) {
        v |= FW_STATUS_WEST_LINK;
    }
    return v;
}

/*
 * Power utilisation of die 0 ([PROJ], the layout AWS's 2.x driver reads):
 * [15:0] basis points of maximum (the ``power-util`` knob: no compute
 * engine is modelled, so nothing else could drive it), [31:16] a sample
 * number that the firmware advances once per second of virtual time.
 */
static uint32_t neuron_power_sample(NeuronState *s)
{
    uint64_t sample = qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) / 1000;

    return (uint32_t)(sample & 0xFFFF) << 16 | s->power_util;
}

static inline uint32_t *apb_word(NeuronState *s, uint32_t off)
{
    return &s->apb[off >> 2];
}

uint32_t neuron_apb_read(NeuronState *s, uint32_t off)
{
    uint32_t v;

    off &= ~3u;
    if (off >= NEURON_BAR0_SIZE) {
        return 0;
    }
    if (off >= NEURON_MISC_BASE && off < NEURON_MISC_BASE + NEURON_MISC_SIZE) {
        switch (off - NEURON_MISC_BASE) {
        case MISC_FW_STATUS:
            return neuron_fw_status(s);
        case MISC_API_VERSION:
            return s->fw_api_version;
        case MISC_POWER_UTIL_D0:
            if (s->fw_api_version >= NEURON_FW_API_POWER) {
                return neuron_power_sample(s);
            }
            break;
        }
        return *apb_word(s, off);
    }
    if (neuron_udma_read(s, off, &v) || neuron_putils_read(s, off, &v)) {
        return v;
    }
    return *apb_word(s, off);
}

static void neuron_reset_request(NeuronState *s);

void neuron_apb_write(NeuronState *s, uint32_t off, uint32_t val)
{
    off &= ~3u;
    if (off >= NEURON_BAR0_SIZE) {
        return;
    }
    if (off >= NEURON_MISC_BASE && off < NEURON_MISC_BASE + NEURON_MISC_SIZE) {
        switch (off - NEURON_MISC_BASE) {
        case MISC_FW_STATUS:
        case MISC_API_VERSION:
            return;                         /* owned by the firmware */
        case MISC_POWER_UTIL_D0:
            if (s->fw_api_version >= NEURON_FW_API_POWER) {
                return;
            }
            *apb_word(s, off) = val;
            return;
        case MISC_DOORBELL:
            *apb_word(s, off) = val;
            if (s->dma_depth > 0) {
                /* a DMA hit the doorbell: never recurse into FWIO/reset */
                s->doorbell_deferred = true;
                qemu_bh_schedule(s->dma_bh);
                return;
            }
            neuron_fwio_doorbell(s);
            return;
        default:
            *apb_word(s, off) = val;
            return;
        }
    }
    if (neuron_udma_write(s, off, val) || neuron_putils_write(s, off, val)) {
        return;
    }
    *apb_word(s, off) = val;
}

/*
 * Host MMIO.  The drivers only use aligned 32-bit writes (§0); everything
 * else is a guest error.  Reads are answered like FWIO READ would (§7.7).
 */
static bool neuron_mmio_check(NeuronState *s, const char *bar, hwaddr addr,
                              unsigned size, bool is_read)
{
    if (size != 4 || (addr & 3)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "neuron-v1: %s %u-byte %s at 0x%" HWADDR_PRIx
                      " ignored (only aligned 32-bit accesses)\n",
                      bar, size, is_read ? "read" : "write", addr);
        return false;
    }
    if (is_read && s->strict_readless) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "neuron-v1: direct MMIO read of %s+0x%" HWADDR_PRIx
                      " (the hardware is only read through FWIO)\n",
                      bar, addr);
    }
    return true;
}

static uint64_t neuron_bar0_read(void *opaque, hwaddr addr, unsigned size)
{
    NeuronState *s = opaque;

    if (!neuron_mmio_check(s, "BAR0", addr, size, true)) {
        return 0;
    }
    return neuron_apb_read(s, addr);
}

static void neuron_bar0_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    NeuronState *s = opaque;

    if (neuron_mmio_check(s, "BAR0", addr, size, false)) {
        neuron_apb_write(s, addr, val);
    }
}

static uint64_t neuron_bar2_read(void *opaque, hwaddr addr, unsigned size)
{
    NeuronState *s = opaque;
    uint32_t v;

    if (!neuron_mmio_check(s, "BAR2", addr, size, true)) {
        return 0;
    }
    /* unimplemented: all ones, as for an unsupported request (logged) */
    return neuron_tpb_read(s, addr, &v) ? v : 0xFFFFFFFF;
}

static void neuron_bar2_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    NeuronState *s = opaque;

    if (neuron_mmio_check(s, "BAR2", addr, size, false)) {
        neuron_tpb_write(s, addr, val);
    }
}

static const MemoryRegionOps neuron_bar0_ops = {
    .read = neuron_bar0_read,
    .write = neuron_bar0_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps neuron_bar2_ops = {
    .read = neuron_bar2_read,
    .write = neuron_bar2_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/*
 * Reset (§8).
 */
static void neuron_state_reset(NeuronState *s, bool keep_mailbox)
{
    uint32_t mbox[4] = { 0 };
    int i;

    if (keep_mailbox) {
        for (i = 0; i < 4; i++) {
            mbox[i] = *apb_word(s, NEURON_MISC_BASE + MISC_REQ_HI + 4 * i);
        }
    }
    /* dropping the pages zeroes them without touching the whole window */
    qemu_madvise(s->apb, NEURON_BAR0_SIZE, QEMU_MADV_DONTNEED);
    if (keep_mailbox) {
        for (i = 0; i < 4; i++) {
            *apb_word(s, NEURON_MISC_BASE + MISC_REQ_HI + 4 * i) = mbox[i];
        }
    }
    neuron_udma_reset(s);
    neuron_nc_reset(s, (1u << NEURON_NUM_NC) - 1);
    if (s->reset_clears_dram) {
        /* sparse backing: discarding is cheap and reads back as zeroes */
        ram_block_discard_range(s->dram.ram_block, 0, NEURON_DRAM_SIZE);
    }
    s->doorbell_deferred = false;
}

static void neuron_reset_complete(NeuronState *s)
{
    if (s->reset_type == RESET_TYPE_TPB) {
        /* only the mapped cores: UDMA, other cores, DRAM, MISC untouched */
        neuron_nc_reset(s, s->reset_nc_mask);
        *apb_word(s, NEURON_MISC_BASE + MISC_RESET_REQ) = 0;
    } else {
        neuron_state_reset(s, true);
    }
    neuron_nc_unstall(s, s->reset_nc_mask);
    s->resetting = false;
    if (s->fwio_pending) {
        /* FWIO requests that arrived during the reset are answered now */
        s->fwio_pending = false;
        neuron_fwio_doorbell(s);
    }
}

static void neuron_reset_timer_cb(void *opaque)
{
    neuron_reset_complete(opaque);
}

/*
 * MISC+0x1EC (§8.1): 1 resets the device, 2 the NeuronCores (TPB) whose
 * bits are set in MISC+0x1D8 [3:0], 0 meaning all four, which is what
 * AWS's 2.x driver writes on v1 ([PROJ], device-model.rst).  Anything
 * else is taken as a device reset.
 */
static void neuron_reset_request(NeuronState *s)
{
    uint32_t type = *apb_word(s, NEURON_MISC_BASE + MISC_RESET_REQ);
    uint32_t map = *apb_word(s, NEURON_MISC_BASE + MISC_RESET_TPB_MAP);
    uint32_t delay;

    if (type == RESET_TYPE_TPB) {
        s->reset_type = RESET_TYPE_TPB;
        s->reset_nc_mask = map & RESET_TPB_MAP_NC;
        if (!s->reset_nc_mask) {
            s->reset_nc_mask = (1u << NEURON_NUM_NC) - 1;
        }
        if (map & ~RESET_TPB_MAP_NC) {
            qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: TPB reset map 0x%x: "
                          "bits other than [3:0] ignored\n", map);
        }
        delay = s->tpb_reset_delay_ms;
    } else {
        if (type != RESET_TYPE_DEVICE) {
            qemu_log_mask(LOG_GUEST_ERROR, "neuron-v1: reset type 0x%x "
                          "unknown, resetting the device\n", type);
        }
        s->reset_type = RESET_TYPE_DEVICE;
        s->reset_nc_mask = (1u << NEURON_NUM_NC) - 1;
        delay = s->reset_delay_ms;
    }
    s->resetting = true;
    if (delay == 0) {
        neuron_reset_complete(s);
        return;
    }
    timer_mod(s->reset_timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) + delay);
}

/*
 * Doorbell (§7.7 rule 1): a non-zero reset request wins over FWIO.
 * While a reset runs, the firmware does not answer; the request is
 * remembered and answered when the reset has finished.
 */
void neuron_fwio_doorbell(NeuronState *s)
{
    if (s->resetting) {
        s->fwio_pending = true;
        return;
    }
    if (*apb_word(s, NEURON_MISC_BASE + MISC_RESET_REQ) != 0) {
        neuron_reset_request(s);
        return;
    }
    neuron_fwio_process(s);
}

static void neuron_qdev_reset(DeviceState *dev)
{
    NeuronState *s = NEURON_V1(dev);

    timer_del(s->reset_timer);
    timer_del(s->slow_timer);
    s->resetting = false;
    s->fwio_pending = false;
    neuron_state_reset(s, false);
    neuron_nc_unstall(s, (1u << NEURON_NUM_NC) - 1);
}

/*
 * Realize / properties.
 */
static void neuron_realize(PCIDevice *pdev, Error **errp)
{
    NeuronState *s = NEURON_V1(pdev);
    uint64_t align = 0;

    if (s->device_id < 0x7064 || s->device_id > 0x7067) {
        error_setg(errp, "neuron-v1: device-id must be 0x7064..0x7067");
        return;
    }
    if (s->dma_nice < -20 || s->dma_nice > 19) {
        error_setg(errp, "neuron-v1: dma-nice must be -20..19");
        return;
    }
    pci_config_set_device_id(pdev->config, s->device_id);
    pci_config_set_revision(pdev->config, s->revision);

    s->apb = qemu_anon_ram_alloc(NEURON_BAR0_SIZE, &align, false, true);
    if (!s->apb) {
        error_setg(errp, "neuron-v1: cannot allocate register storage");
        return;
    }
    memory_region_init_ram_flags_nomigrate(&s->dram, OBJECT(s), "neuron-dram",
                                           NEURON_DRAM_SIZE, RAM_NORESERVE,
                                           errp);
    if (*errp) {
        qemu_anon_ram_free(s->apb, NEURON_BAR0_SIZE);
        s->apb = NULL;
        return;
    }
    s->dram_ptr = memory_region_get_ram_ptr(&s->dram);
    /*
     * DRAM is used sparsely (driver allocations scattered over 8 GiB);
     * 2 MiB transparent huge pages would turn every touched word into
     * 2 MiB of host memory and make first touches stall on compaction.
     */
    qemu_madvise(s->dram_ptr, NEURON_DRAM_SIZE, QEMU_MADV_NOHUGEPAGE);
    /* core-local memory: sparse too, a core reset drops its pages */
    s->ncmem = qemu_anon_ram_alloc(NEURON_NUM_NC * NC_SB_SIZE, &align, false,
                                   true);
    if (!s->ncmem) {
        error_setg(errp, "neuron-v1: cannot allocate core-local memory");
        qemu_anon_ram_free(s->apb, NEURON_BAR0_SIZE);
        s->apb = NULL;
        return;
    }
    qemu_madvise(s->ncmem, NEURON_NUM_NC * NC_SB_SIZE, QEMU_MADV_NOHUGEPAGE);
    s->bounce = g_malloc(64 * KiB);
    s->dma_bh = qemu_bh_new(neuron_udma_bh, s);
    s->reset_timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, neuron_reset_timer_cb, s);
    s->slow_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, neuron_udma_slow_timer_cb, s);

    memory_region_init_io(&s->bar0, OBJECT(s), &neuron_bar0_ops, s,
                          "neuron-apb", NEURON_BAR0_SIZE);
    memory_region_init_io(&s->bar2, OBJECT(s), &neuron_bar2_ops, s,
                          "neuron-tpb", NEURON_BAR2_SIZE);
    pci_register_bar(pdev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->bar0);
    /*
     * BAR2 prefetchable is an option for hot-plug topologies: behind a
     * PCIe root port, non-prefetchable windows are 32-bit, and 256 MiB
     * per device does not fit below 4 GiB more than once.  Its reads have
     * no side effects, so the attribute is honest either way.
     */
    pci_register_bar(pdev, 2, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     (s->bar2_prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0),
                     &s->bar2);
    if (s->bar4) {
        pci_register_bar(pdev, 4, PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64 |
                         PCI_BASE_ADDRESS_MEM_PREFETCH, &s->dram);
    }
    neuron_state_reset(s, false);
    neuron_udma_thread_start(s);
}

static void neuron_exit(PCIDevice *pdev)
{
    NeuronState *s = NEURON_V1(pdev);

    neuron_udma_thread_stop(s);
    timer_free(s->reset_timer);
    timer_free(s->slow_timer);
    qemu_bh_delete(s->dma_bh);
    g_free(s->bounce);
    qemu_anon_ram_free(s->ncmem, NEURON_NUM_NC * NC_SB_SIZE);
    s->ncmem = NULL;
    qemu_anon_ram_free(s->apb, NEURON_BAR0_SIZE);
    s->apb = NULL;
}

/* runtime fault-injection knobs (CONTRACT: settable with qom-set) */
static void neuron_get_stall(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    NeuronState *s = NEURON_V1(obj);

    visit_type_int64(v, name, &s->fault_stall_queue, errp);
}

static void neuron_set_stall(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    NeuronState *s = NEURON_V1(obj);
    int64_t val;

    if (!visit_type_int64(v, name, &val, errp)) {
        return;
    }
    if (val < -1 || val >= NEURON_NUM_ENG * NEURON_NUM_Q) {
        error_setg(errp, "fault-stall-queue: -1 or engine*16+queue (0..191)");
        return;
    }
    s->fault_stall_queue = val;
    /* a released queue resumes with the doorbells it accumulated */
    if (DEVICE(obj)->realized) {
        neuron_udma_kick_all(s);
    }
}

/*
 * A reset of the cores in @nc_mask ends a ``fault-stall-core`` hang among
 * them: the packets waiting to write into the core go on, in this
 * device's queues and in its neighbours' (which reach it over the links).
 */
void neuron_nc_unstall(NeuronState *s, unsigned nc_mask)
{
    NeuronState *peer;

    if (s->fault_stall_core < 0 || !(nc_mask & (1u << s->fault_stall_core))) {
        return;
    }
    s->fault_stall_core = -1;
    neuron_udma_kick_all(s);
    peer = neuron_peer(s, false);
    if (peer) {
        neuron_udma_kick_all(peer);
    }
    peer = neuron_peer(s, true);
    if (peer) {
        neuron_udma_kick_all(peer);
    }
}

static void neuron_get_stall_core(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    visit_type_int64(v, name, &NEURON_V1(obj)->fault_stall_core, errp);
}

static void neuron_set_stall_core(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    NeuronState *s = NEURON_V1(obj);
    int64_t val;

    if (!visit_type_int64(v, name, &val, errp)) {
        return;
    }
    if (val < -1 || val >= NEURON_NUM_NC) {
        error_setg(errp, "fault-stall-core: -1 or a NeuronCore (0..3)");
        return;
    }
    if (val >= 0 || !DEVICE(obj)->realized) {
        s->fault_stall_core = val;
        return;
    }
    neuron_nc_unstall(s, (1u << NEURON_NUM_NC) - 1);
}

static const char *const fault_fwio_names[] = {
    [FAULT_FWIO_NONE] = "none",
    [FAULT_FWIO_DROP] = "drop",
    [FAULT_FWIO_ERROR] = "error",
    [FAULT_FWIO_BAD_CRC] = "bad-crc",
};

static char *neuron_get_fault_fwio(Object *obj, Error **errp)
{
    return g_strdup(fault_fwio_names[NEURON_V1(obj)->fault_fwio]);
}

static void neuron_set_fault_fwio(Object *obj, const char *val, Error **errp)
{
    int i;

    for (i = 0; i < ARRAY_SIZE(fault_fwio_names); i++) {
        if (!strcmp(val, fault_fwio_names[i])) {
            NEURON_V1(obj)->fault_fwio = i;
            return;
        }
    }
    error_setg(errp, "fault-fwio: none, drop, error or bad-crc");
}

#define NEURON_BOOL_KNOB(fn, field)                                         \
static bool neuron_get_##fn(Object *obj, Error **errp)                      \
{                                                                           \
    return NEURON_V1(obj)->field;                                           \
}                                                                           \
static void neuron_set_##fn(Object *obj, bool val, Error **errp)            \
{                                                                           \
    NEURON_V1(obj)->field = val;                                            \
}

NEURON_BOOL_KNOB(east_down, fault_east_down)
NEURON_BOOL_KNOB(west_down, fault_west_down)
NEURON_BOOL_KNOB(not_ready, fault_not_ready)
NEURON_BOOL_KNOB(corrupt_dram, fault_corrupt_dram)

static void neuron_get_power(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &NEURON_V1(obj)->power_util, errp);
}

static void neuron_set_power(Object *obj, Visitor *v, const char *name,
                             void *opaque, Error **errp)
{
    uint32_t val;

    if (!visit_type_uint32(v, name, &val, errp)) {
        return;
    }
    if (val > POWER_UTIL_MAX) {
        error_setg(errp, "power-util: 0..10000 (basis points)");
        return;
    }
    NEURON_V1(obj)->power_util = val;
}

/* model-private status of NC n's instruction FIFO (read-only QOM) */
static void neuron_get_fifo_bytes(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    uint64_t val = NEURON_V1(obj)->nc[(uintptr_t)opaque].fifo_bytes;

    visit_type_uint64(v, name, &val, errp);
}

static void neuron_get_fifo_writes(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    uint64_t val = NEURON_V1(obj)->nc[(uintptr_t)opaque].fifo_writes;

    visit_type_uint64(v, name, &val, errp);
}

static void neuron_get_fifo_loaded(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    bool val = NEURON_V1(obj)->nc[(uintptr_t)opaque].fifo_loaded;

    visit_type_bool(v, name, &val, errp);
}

static void neuron_get_slow(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    NeuronState *s = NEURON_V1(obj);

    visit_type_int64(v, name, &s->fault_slow_queue, errp);
}

static void neuron_set_slow(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    NeuronState *s = NEURON_V1(obj);
    int64_t val;

    if (!visit_type_int64(v, name, &val, errp)) {
        return;
    }
    if (val < -1 || val >= NEURON_NUM_ENG * NEURON_NUM_Q) {
        error_setg(errp, "fault-slow-queue: -1 or engine*16+queue (0..191)");
        return;
    }
    s->fault_slow_queue = val;
    s->slow_next_ns = 0;
    /* a queue back at full speed runs what it was waiting with */
    if (DEVICE(obj)->realized) {
        timer_del(s->slow_timer);
        neuron_udma_kick_all(s);
    }
}

static void neuron_get_slow_us(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &NEURON_V1(obj)->fault_slow_packet_us, errp);
}

static void neuron_set_slow_us(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    uint32_t val;

    if (!visit_type_uint32(v, name, &val, errp)) {
        return;
    }
    if (val < 1 || val > 10 * 1000 * 1000) {
        error_setg(errp, "fault-slow-packet-us: 1..10000000");
        return;
    }
    NEURON_V1(obj)->fault_slow_packet_us = val;
}

static void neuron_instance_init(Object *obj)
{
    NEURON_V1(obj)->fault_stall_queue = -1;
    NEURON_V1(obj)->fault_stall_core = -1;
    NEURON_V1(obj)->fault_slow_queue = -1;
    NEURON_V1(obj)->fault_slow_packet_us = 10000;
}

static Property neuron_properties[] = {
    DEFINE_PROP_UINT16("device-id", NeuronState, device_id, 0x7064),
    DEFINE_PROP_UINT8("revision", NeuronState, revision, 0),
    DEFINE_PROP_BOOL("bar4", NeuronState, bar4, true),
    DEFINE_PROP_BOOL("bar2-prefetchable", NeuronState, bar2_prefetchable,
                     false),
    DEFINE_PROP_BOOL("strict-readless", NeuronState, strict_readless, false),
    DEFINE_PROP_BOOL("reset-clears-dram", NeuronState, reset_clears_dram,
                     true),
    DEFINE_PROP_UINT32("reset-delay-ms", NeuronState, reset_delay_ms, 0),
    DEFINE_PROP_UINT32("tpb-reset-delay-ms", NeuronState, tpb_reset_delay_ms,
                       0),
    DEFINE_PROP_INT32("dma-nice", NeuronState, dma_nice, 0),
    DEFINE_PROP_UINT32("fw-api-version", NeuronState, fw_api_version,
                       NEURON_FW_API_VERSION),
    DEFINE_PROP_STRING("east", NeuronState, east),
    DEFINE_PROP_STRING("west", NeuronState, west),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription neuron_vmstate = {
    .name = TYPE_NEURON_V1,
    .unmigratable = 1,
};

static void neuron_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    int i;

    k->realize = neuron_realize;
    k->exit = neuron_exit;
    k->vendor_id = 0x1d0f;
    k->device_id = 0x7064;
    k->class_id = 0x1200;           /* processing accelerator */
    k->subsystem_vendor_id = 0x1d0f;
    k->subsystem_id = 0;
    dc->desc = "AWS Inferentia (Neuron v1) accelerator";
    dc->reset = neuron_qdev_reset;
    dc->vmsd = &neuron_vmstate;
    device_class_set_props(dc, neuron_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);

    object_class_property_add(klass, "fault-stall-queue", "int",
                              neuron_get_stall, neuron_set_stall, NULL, NULL);
    object_class_property_add(klass, "fault-stall-core", "int",
                              neuron_get_stall_core, neuron_set_stall_core,
                              NULL, NULL);
    object_class_property_add(klass, "fault-slow-queue", "int",
                              neuron_get_slow, neuron_set_slow, NULL, NULL);
    object_class_property_add(klass, "fault-slow-packet-us", "uint32",
                              neuron_get_slow_us, neuron_set_slow_us,
                              NULL, NULL);
    object_class_property_add_str(klass, "fault-fwio", neuron_get_fault_fwio,
                                  neuron_set_fault_fwio);
    object_class_property_add_bool(klass, "fault-east-link-down",
                                   neuron_get_east_down, neuron_set_east_down);
    object_class_property_add_bool(klass, "fault-west-link-down",
                                   neuron_get_west_down, neuron_set_west_down);
    object_class_property_add_bool(klass, "fault-not-ready",
                                   neuron_get_not_ready, neuron_set_not_ready);
    object_class_property_add_bool(klass, "fault-corrupt-dram",
                                   neuron_get_corrupt_dram,
                                   neuron_set_corrupt_dram);
    object_class_property_add(klass, "power-util", "uint32",
                              neuron_get_power, neuron_set_power, NULL, NULL);
    for (i = 0; i < NEURON_NUM_NC; i++) {
        g_autofree char *bytes = g_strdup_printf("nc%d-fifo-bytes", i);
        g_autofree char *writes = g_strdup_printf("nc%d-fifo-writes", i);
        g_autofree char *loaded = g_strdup_printf("nc%d-fifo-loaded", i);

        object_class_property_add(klass, bytes, "uint64",
                                  neuron_get_fifo_bytes, NULL, NULL,
                                  (void *)(uintptr_t)i);
        object_class_property_add(klass, writes, "uint64",
                                  neuron_get_fifo_writes, NULL, NULL,
                                  (void *)(uintptr_t)i);
        object_class_property_add(klass, loaded, "bool",
                                  neuron_get_fifo_loaded, NULL, NULL,
                                  (void *)(uintptr_t)i);
    }
}

static const TypeInfo neuron_info = {
    .name = TYPE_NEURON_V1,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(NeuronState),
    .instance_init = neuron_instance_init,
    .class_init = neuron_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_CONVENTIONAL_PCI_DEVICE },
        { },
    },
};

static void neuron_register_types(void)
{
    type_register_static(&neuron_info);
}

type_init(neuron_register_types)
