/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AWS Inferentia (Neuron v1) PCI device model: shared state and layout.
 *
 * The register interface implemented here is the project's hardware
 * specification (neuron-v1-hw.md); section numbers in comments refer to it.
 * Decisions the specification leaves open ([UNK]/[PROJ]) are listed in
 * Documentation/accel/neuron/device-model.rst.
 */
#ifndef HW_MISC_NEURON_V1_H
#define HW_MISC_NEURON_V1_H

#include "hw/pci/pci.h"
#include "qemu/thread.h"
#include "qemu/units.h"
#include "qemu/timer.h"
#include "qom/object.h"

#define TYPE_NEURON_V1 "neuron-v1"
OBJECT_DECLARE_SIMPLE_TYPE(NeuronState, NEURON_V1)

/* §1.2 key numbers */
#define NEURON_NUM_NC           4
#define NEURON_ENG_PER_NC       3
#define NEURON_NUM_ENG          (NEURON_NUM_NC * NEURON_ENG_PER_NC)
#define NEURON_NUM_Q            16
#define NEURON_NUM_SEM          32
#define NEURON_NUM_EVENT        256

/* §2.2 BAR sizes */
#define NEURON_BAR0_SIZE        (8 * MiB)
#define NEURON_BAR2_SIZE        (256 * MiB)
#define NEURON_DRAM_CH_SIZE     (4 * GiB)
#define NEURON_DRAM_SIZE        (2 * NEURON_DRAM_CH_SIZE)

/* §3.1 device address map */
#define NEURON_DA_DRAM1         0x001000000000ULL
#define NEURON_DA_TPB           0x0FFFC0000000ULL
#define NEURON_DA_TPB_END       0x0FFFD0000000ULL
#define NEURON_DA_APB           0x0FFFF0000000ULL
#define NEURON_DA_PORT1         (1ULL << 44)
#define NEURON_DA_ROUTE_SHIFT   46
#define NEURON_DA_LOCAL_MASK    ((1ULL << 46) - 1)

/* §4.1 BAR0 blocks */
#define NEURON_PUTILS_BASE      0x404000
#define NEURON_PUTILS_STRIDE    0x10000
#define NEURON_MISC_BASE        0x78E000
#define NEURON_MISC_SIZE        0x1000

/* §4.4 MISC RAM offsets */
#define MISC_API_VERSION        0x000
#define MISC_FW_STATUS          0x01C
#define MISC_DEVICE_ID          0x024
#define MISC_POWER_UTIL_D0      0x054
#define MISC_POWER_UTIL_D1      0x058
#define MISC_METRIC             0x100
#define MISC_RESET_TPB_MAP      0x1D8
#define MISC_RESET_REQ          0x1EC
#define MISC_REQ_HI             0x1F0
#define MISC_REQ_LO             0x1F4
#define MISC_RESP_HI            0x1F8
#define MISC_RESP_LO            0x1FC
#define MISC_DOORBELL           0x800

#define FW_STATUS_EAST_LINK     (1u << 0)
#define FW_STATUS_WEST_LINK     (1u << 1)
#define FW_STATUS_READY         (1u << 31)

/* §8.1 reset types (MISC+0x1EC) and the TPB reset map (MISC+0x1D8) */
#define RESET_TYPE_DEVICE       1
#define RESET_TYPE_TPB          2
#define RESET_TPB_MAP_NC        0xFu    /* [PROJ] one bit per NC; 0 = all */

/* §4.4 [PROJ] firmware API version; >= 3 publishes power utilisation */
#define NEURON_FW_API_VERSION   3
#define NEURON_FW_API_POWER     3
#define POWER_UTIL_MAX          10000   /* basis points of maximum */

/* §4.3 PUTILS: EVENT NQ register group (offsets inside PUTILS(n)) */
#define PU_EVENT_NQ             0x1094
#define PU_ERROR_NQ             0x1074
#define PU_NQ_BASE_LO           0x00
#define PU_NQ_BASE_HI           0x04
#define PU_NQ_SIZE              0x08
#define PU_NQ_TAIL              0x0C    /* [PROJ] model: read-only tail */
#define PU_NQ_DROPPED           0x10    /* [PROJ] model: dropped-entry count */
#define PU_NQ_HEAD              0x18

/* §6.1 NC window (offsets inside NC(n) of BAR2) */
#define NEURON_NC_STRIDE        0x4000000
#define NC_EVENT_BASE           0x2700000
#define NC_SEM_READ             0x2701000
#define NC_SEM_SET              0x2701100
#define NC_SEM_INCR             0x2701200
#define NC_SEM_DECR             0x2701300
#define NC_SEM_END              0x2701400
/* [PROJ] core-local memory: the state buffer (device-model.rst) */
#define NC_SB_BASE              0x0
#define NC_SB_SIZE              (16 * MiB)
/* §3.1 PE instruction FIFO (V1_MMAP_PE_IRAM_FIFO_OFFSET, 2.x) */
#define NC_IRAM_FIFO            0x265C000
#define NC_IRAM_FIFO_SIZE       0x4000

/* §6.3 [PROJ] NQ entry */
#define NQ_ENTRY_SIZE           16
#define NQ_TYPE_EVENT           2

/* §5.1 UDMA unit layout (offsets from UDMA_BASE(e)) */
#define UDMA_M2S                0x00000
#define UDMA_M2S_Q              0x01000
#define UDMA_S2M                0x20000
#define UDMA_S2M_Q              0x21000
#define UDMA_Q_STRIDE           0x1000
#define UDMA_GEN                0x38000
#define UDMA_GEN_EX             0x3C000
#define UDMA_WINDOW             0x40000

/* §5.2/§5.3 global registers (relative to the M2S or S2M block) */
#define UDMA_STATE              0x200
#define UDMA_CHANGE_STATE       0x204
#define UDMA_M2S_CFG_LEN        0x254
#define UDMA_M2S_DESC_PREF_CFG2 0x304
#define UDMA_M2S_DMA_VERSION    0x604
#define UDMA_S2M_STREAM_CFG     0x250

#define CHANGE_STATE_NORMAL     (1u << 0)
#define CHANGE_STATE_DISABLE    (1u << 1)
#define CHANGE_STATE_ABORT      (1u << 2)

#define CFG_LEN_ENCODE_64K      (1u << 24)
#define CFG_LEN_MAX_PKT         0xFFFFF

/* §5.4 per-queue registers (relative to the queue block) */
#define UQ_CFG                  0x20
#define UQ_STATUS               0x24
#define UQ_DRBP_LO              0x28
#define UQ_DRBP_HI              0x2C
#define UQ_DRL                  0x30
#define UQ_DRHP                 0x34
#define UQ_DRTP_INC             0x38
#define UQ_DRTP                 0x3C
#define UQ_DCP                  0x40
#define UQ_CRHP                 0x4C
#define UQ_M2S_RLIMIT_MASK      0x74
#define UQ_M2S_SW_CTRL          0xB0
#define UQ_S2M_SW_CTRL          0x64

#define UQ_CFG_ENABLE           (3u << 16)  /* prefetch + scheduling/stream */
#define UQ_CFG_RESET_VALUE      0x03000000u
#define UQ_SW_CTRL_RESET_Q      (1u << 8)
#define UQ_RING_LEN_MASK        0xFFFFFFu
#define UQ_PTR_MASK             0xFFFFFFu
#define UQ_RING_ID_SHIFT        30

/* §5.5 secondary IOFIC (relative to GEN) */
#define GEN_SEC_IOFIC           0x2000
#define IOFIC_GRP_A             0x00    /* M2S errors */
#define IOFIC_GRP_B             0x40    /* S2M errors */
#define IOFIC_CAUSE             0x00
#define IOFIC_CAUSE_SET         0x08
#define IOFIC_MASK              0x10
#define IOFIC_MASK_CLEAR        0x18

/* §5.9 descriptor */
#define DESC_LEN_MASK           0xFFFFu
#define DESC_RING_ID_SHIFT      24
#define DESC_FIRST              (1u << 26)
#define DESC_LAST               (1u << 27)
#define DESC_INT_EN             (1u << 28)
#define DESC_DMB                (1u << 30)
#define DESC_SIZE               16
#define META_COPY_SOURCE        (1u << 19)
#define META_OP_TYPE(m)         (((m) >> 20) & 7)

/*
 * Queue error codes, reported in the queue status register [7:0]
 * ([PROJ]: the real status register layout is unknown, §5.4).
 */
enum NeuronQErr {
    NQERR_NONE = 0,
    NQERR_RING_ID = 1,          /* descriptor ring id mismatch */
    NQERR_DECODE = 2,           /* buffer address does not decode (§3.3) */
    NQERR_DESC_FETCH = 3,       /* descriptor ring unreadable */
    NQERR_LENGTH = 4,           /* length 0 w/o 64K encoding, packet too long */
    NQERR_FLAGS = 5,            /* FIRST/LAST framing error, too many descs */
    NQERR_DISABLED = 6,         /* doorbell on a disabled queue */
    NQERR_RING = 7,             /* ring length 0 / tail beyond ring size */
    NQERR_HOST_DMA = 8,         /* host access failed (bus master, IOMMU) */
    NQERR_PEER = 9,             /* peer link down or no peer */
};

#define UQ_STATUS_ERR_MASK      0xFFu
#define UQ_STATUS_PENDING       (1u << 8)
#define UQ_STATUS_STALLED       (1u << 9)
#define UQ_STATUS_ERROR         (1u << 31)

/* One direction (M2S or S2M) of a queue pair. */
typedef struct NeuronRing {
    uint32_t head;                      /* next descriptor to fetch */
    uint32_t tail;                      /* next free slot */
    uint8_t head_id;                    /* ring id expected at head */
    uint8_t tail_id;
    uint32_t pending;                   /* posted, not yet executed */
    uint8_t err;                        /* enum NeuronQErr, sticky */
    uint32_t gen;                       /* bumped by every queue reset */
} NeuronRing;

typedef enum {
    ENG_NORMAL = 0,
    ENG_DISABLED,
    ENG_ABORT,
} NeuronEngState;

typedef struct NeuronEngine {
    NeuronRing m2s[NEURON_NUM_Q];
    NeuronRing s2m[NEURON_NUM_Q];
    NeuronEngState m2s_state, s2m_state;
    uint16_t kick;                      /* queues with work to look at */
    bool meta_logged;
} NeuronEngine;

typedef struct NeuronNC {
    int32_t sem[NEURON_NUM_SEM];
    uint8_t event[NEURON_NUM_EVENT];
    /* EVENT notification queue producer state (§6.3) */
    uint32_t nq_tail;                   /* byte offset of next entry */
    uint32_t nq_dropped;
    bool nq_phase;
    bool nq_logged;                     /* misconfiguration reported */
    /* PE instruction FIFO: received, never executed ([PROJ]) */
    uint64_t fifo_bytes;
    uint64_t fifo_writes;
    bool fifo_loaded;                   /* first instructions arrived */
} NeuronNC;

struct NeuronState {
    PCIDevice pdev;

    MemoryRegion bar0;
    MemoryRegion bar2;
    MemoryRegion dram;
    uint8_t *dram_ptr;
    bool dram_no_discard;               /* page discard failed: write */

    /* BAR0 storage (§4): every register not modelled otherwise */
    uint32_t *apb;                      /* NEURON_BAR0_SIZE / 4 words */
    NeuronEngine eng[NEURON_NUM_ENG];
    NeuronNC nc[NEURON_NUM_NC];
    uint8_t *ncmem;                     /* NUM_NC state buffers, sparse */

    /* DMA execution */
    QEMUBH *dma_bh;
    int dma_depth;                      /* >0 while moving data */
    bool doorbell_deferred;             /* MISC doorbell hit by DMA */
    uint8_t *bounce;
    /* long transfers: the device's DMA thread (neuron-v1-udma.c) */
    QemuThread dma_thread;
    QemuMutex dma_lock;                 /* dma_work, dma_stop */
    QemuCond dma_cond;
    bool dma_work;
    bool dma_stop;
    uint16_t dma_owned[NEURON_NUM_ENG]; /* queues the thread runs, per bit */
    uint8_t *dma_bounce;                /* the thread's own 64 KiB */
    int dma_users;                      /* batches in flight touching it */
    uint32_t dma_epoch;                 /* bumped by neuron_udma_quiesce() */

    /* reset (§8.4) */
    bool resetting;
    bool fwio_pending;
    QEMUTimer *reset_timer;
    uint32_t reset_type;                /* latched at the request */
    uint32_t reset_nc_mask;

    /* properties */
    uint16_t device_id;
    uint8_t revision;
    bool bar4;
    bool bar2_prefetchable;
    bool strict_readless;
    bool reset_clears_dram;
    uint32_t reset_delay_ms;
    uint32_t tpb_reset_delay_ms;
    uint32_t fw_api_version;
    int32_t dma_nice;                   /* DMA thread's nice value */
    uint32_t power_util;                /* runtime knob, basis points */
    char *east;
    char *west;

    /* fault injection (runtime QOM properties, see CONTRACT) */
    int64_t fault_stall_queue;
    int64_t fault_stall_core;           /* hung NeuronCore, -1 none */
    int64_t fault_slow_queue;
    uint32_t fault_slow_packet_us;
    int64_t slow_next_ns;               /* virtual time of its next packet */
    QEMUTimer *slow_timer;
    int fault_fwio;
    bool fault_east_down;
    bool fault_west_down;
    bool fault_not_ready;
    bool fault_corrupt_dram;            /* DMA data lands with byte 0 flipped */
};

enum {
    FAULT_FWIO_NONE = 0,
    FAULT_FWIO_DROP,
    FAULT_FWIO_ERROR,
    FAULT_FWIO_BAD_CRC,
};

/*
 * Result of decoding a device address (§3.3).  For local/peer targets,
 * @dev is the device that owns the address and @off the offset inside the
 * region; for host targets @off is the host bus address.
 */
typedef enum {
    NT_BAD = 0,
    NT_HOST,
    NT_DRAM,
    NT_TPB,
    NT_APB,
    NT_NOPEER,                          /* peer route with no usable link */
} NeuronTarget;

typedef struct NeuronAddr {
    NeuronTarget kind;
    NeuronState *dev;
    uint64_t off;
} NeuronAddr;

/* neuron-v1.c */
NeuronAddr neuron_decode(NeuronState *s, uint64_t addr, uint64_t len);
NeuronState *neuron_peer(NeuronState *s, bool west);
bool neuron_link_up(NeuronState *s, bool west);
MemTxResult neuron_dev_read(NeuronState *s, uint64_t addr, void *buf,
                            uint64_t len, bool *peer_err);
MemTxResult neuron_dev_write(NeuronState *s, uint64_t addr, const void *buf,
                             uint64_t len, bool *peer_err);
bool neuron_dram_covers_page(NeuronState *d, uint64_t off, uint64_t len);
void neuron_dram_zero(NeuronState *d, uint64_t off, uint64_t len);
void neuron_dram_write(NeuronState *d, uint64_t off, const void *buf,
                       uint64_t len);
uint32_t neuron_apb_read(NeuronState *s, uint32_t off);
void neuron_apb_write(NeuronState *s, uint32_t off, uint32_t val);

void neuron_fwio_doorbell(NeuronState *s);

/* neuron-v1-fwio.c */
void neuron_fwio_process(NeuronState *s);

/* neuron-v1-udma.c */
bool neuron_udma_read(NeuronState *s, uint32_t off, uint32_t *val);
bool neuron_udma_write(NeuronState *s, uint32_t off, uint32_t val);
void neuron_udma_reset(NeuronState *s);
void neuron_udma_thread_start(NeuronState *s);
void neuron_udma_thread_stop(NeuronState *s);
void neuron_udma_quiesce(NeuronState *s);
void neuron_udma_kick_all(NeuronState *s);
void neuron_nc_unstall(NeuronState *s, unsigned nc_mask);
void neuron_udma_bh(void *opaque);
void neuron_udma_slow_timer_cb(void *opaque);

/* neuron-v1-nc.c */
bool neuron_tpb_read(NeuronState *s, uint32_t off, uint32_t *val);
bool neuron_tpb_write(NeuronState *s, uint32_t off, uint32_t val);
MemTxResult neuron_tpb_dma_read(NeuronState *s, uint32_t off, uint8_t *buf,
                                uint64_t len);
MemTxResult neuron_tpb_dma_write(NeuronState *s, uint32_t off,
                                 const uint8_t *buf, uint64_t len);
bool neuron_putils_write(NeuronState *s, uint32_t off, uint32_t val);
bool neuron_putils_read(NeuronState *s, uint32_t off, uint32_t *val);
void neuron_nc_reset(NeuronState *s, unsigned nc_mask);

#endif
