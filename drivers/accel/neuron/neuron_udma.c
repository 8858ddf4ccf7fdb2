// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * UDMA engines and the driver-owned descriptor rings (spec section 5).
 *
 * Engines are brought up with the plain-write sequence of the 2.x AWS
 * driver (spec 5.7), each queue pair the driver uses gets one M2S and one
 * S2M ring in DMA-coherent host memory (5.8, 5.14), and every job ends with
 * a completion marker (5.11): a 8-byte copy of {magic, sequence number}
 * from a driver-owned host word into another, which the poller compares.
 * Jobs run strictly in order on a queue, so a marker that landed means
 * every descriptor queued before it has executed.
 */

#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/sizes.h>

#include <drm/drm_print.h>

#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_regs.h"
#include "neuron_udma.h"

/* Offsets relative to UDMA_BASE(e), spec 5.2-5.5 */
#define UDMA_M2S_OSTAND_CFG		0x00124
#define UDMA_M2S_CHANGE_STATE		0x00204
#define UDMA_M2S_CFG_LEN		0x00254
#define   UDMA_CFG_LEN_64K_ENCODE	BIT(24)
#define   UDMA_CFG_LEN_MAX_PKT		GENMASK(19, 0)
#define UDMA_M2S_DESC_PREF_CFG_2	0x00304
#define UDMA_M2S_DESC_PREF_CFG_3	0x00308
#define UDMA_M2S_DATA_CFG		0x00310
#define UDMA_M2S_APP_ACK		0x00408
#define UDMA_S2M_OSTAND_CFG_RD		0x20124
#define UDMA_S2M_OSTAND_CFG_WR		0x20128
#define UDMA_S2M_CHANGE_STATE		0x20204
#define UDMA_S2M_COMP_CFG_1C		0x20380
#define UDMA_S2M_APP_ACK		0x2038C
#define   UDMA_CHANGE_STATE_NORMAL	BIT(0)
#define   UDMA_CHANGE_STATE_ABORT	BIT(2)
#define UDMA_GEN			0x38000
#define UDMA_GEN_PRIM_D_MASK_CLEAR	(UDMA_GEN + 0x00D8)
#define UDMA_GEN_PRIM_D_CONTROL		(UDMA_GEN + 0x00E8)
#define UDMA_GEN_SEC_A_MASK_CLEAR	(UDMA_GEN + 0x2018)
#define UDMA_GEN_SEC_A_CONTROL		(UDMA_GEN + 0x2028)
#define UDMA_GEN_SEC_A_ABORT_MASK	(UDMA_GEN + 0x2030)
#define UDMA_GEN_SEC_B_MASK_CLEAR	(UDMA_GEN + 0x2058)
#define UDMA_GEN_SEC_B_CONTROL		(UDMA_GEN + 0x2068)
#define UDMA_GEN_SEC_B_ABORT_MASK	(UDMA_GEN + 0x2070)
#define UDMA_GEN_SEC_C_MASK_CLEAR	(UDMA_GEN + 0x2098)
#define UDMA_GEN_SEC_C_ABORT_MASK	(UDMA_GEN + 0x20B0)
#define   UDMA_IOFIC_CTRL_MASK_MSIX	0x28
#define UDMA_GEN_AXI_CFG_1		(UDMA_GEN + 0x2300)
#define UDMA_GEN_SPARE_ZEROES0		(UDMA_GEN + 0x3460)
#define UDMA_GEN_EX_VMPR(q)		(0x3C000 + 0x400 + (q) * 0x40)

/* Per-queue registers, relative to the queue block */
#define UDMA_Q_CFG_ENABLE		(BIT(16) | BIT(17))
#define UDMA_Q_CFG_RESET_VALUE		0x03000000
#define UDMA_M2S_Q_COMP_CFG		0xA0
#define UDMA_M2S_Q_SW_CTRL		0xB0
#define UDMA_S2M_Q_COMP_CFG		0x54
#define UDMA_S2M_Q_SW_CTRL		0x64
#define   UDMA_Q_SW_CTRL_RESET		BIT(8)

/* TDMA wrapper (spec 5.6) */
#define TDMA_EVENT_ACCEL		0x00
#define TDMA_ROB_CFG			0x1C
#define TDMA_WOB_CFG			0x20

static void udma_write(struct neuron_device *ndev, unsigned int engine,
		       u32 off, u32 val)
{
	neuron_apb_write(ndev, neuron_udma_base(engine) + off, val);
}

/**
 * neuron_udma_engine_init() - bring up one DMA engine (spec 5.7, 2.x)
 * @ndev: the device
 * @engine: engine 0..11
 *
 * Checks the UDMA revision through the firmware, then programs the engine
 * with the 2.x driver's constants. Every queue is enabled; the driver only
 * rings doorbells of queues whose rings it initialised.
 *
 * Return: 0, -ENODEV when the engine is not a revision 4 UDMA, or an FWIO
 * error.
 */
int neuron_udma_engine_init(struct neuron_device *ndev, unsigned int engine)
{
	u32 base = neuron_udma_base(engine);
	u32 tdma = neuron_tdma_base(engine);
	u32 version;
	unsigned int q;
	int ret;

	ret = neuron_fwio_read32(ndev, NEURON_APB_ADDR(base + NEURON_UDMA_VERSION),
				 &version);
	if (ret)
		return ret;
	if (version != NEURON_UDMA_VERSION_V4) {
		drm_err(&ndev->drm, "DMA engine %u: UDMA revision %u, need %u\n",
			engine, version, NEURON_UDMA_VERSION_V4);
		return -ENODEV;
	}

	for (q = 0; q < NEURON_DMA_QUEUES; q++) {
		udma_write(ndev, engine, NEURON_UDMA_M2S_Q(q) + NEURON_UDMA_Q_CFG,
			   UDMA_Q_CFG_RESET_VALUE | UDMA_Q_CFG_ENABLE);
		udma_write(ndev, engine, NEURON_UDMA_S2M_Q(q) + NEURON_UDMA_Q_CFG,
			   UDMA_Q_CFG_RESET_VALUE | UDMA_Q_CFG_ENABLE);
	}

	udma_write(ndev, engine, UDMA_M2S_DATA_CFG, 0x01000400);
	udma_write(ndev, engine, UDMA_M2S_OSTAND_CFG, 0x20808080);
	udma_write(ndev, engine, UDMA_GEN_AXI_CFG_1, 100000000);
	udma_write(ndev, engine, UDMA_M2S_APP_ACK, 0);
	udma_write(ndev, engine, UDMA_M2S_CFG_LEN,
		   UDMA_CFG_LEN_64K_ENCODE | UDMA_CFG_LEN_MAX_PKT);
	for (q = 0; q < NEURON_DMA_QUEUES; q++)
		udma_write(ndev, engine, UDMA_GEN_EX_VMPR(q), 0xFFFFFFFF);
	udma_write(ndev, engine, UDMA_S2M_APP_ACK, 0);
	for (q = 0; q < NEURON_DMA_QUEUES; q++) {
		udma_write(ndev, engine, UDMA_GEN_EX_VMPR(q) + 0x4, 0xFFFFFFFF);
		udma_write(ndev, engine, UDMA_GEN_EX_VMPR(q) + 0x8, 0xFFFFFFFF);
		udma_write(ndev, engine, UDMA_GEN_EX_VMPR(q) + 0xC, 0xFFFFFFFF);
	}
	udma_write(ndev, engine, UDMA_S2M_OSTAND_CFG_RD, 0x00400080);
	udma_write(ndev, engine, UDMA_S2M_OSTAND_CFG_WR, 0x40804080);
	udma_write(ndev, engine, UDMA_GEN_SPARE_ZEROES0, 1);

	/* Error interrupts: masked to MSI-X, every listed error aborts. */
	udma_write(ndev, engine, UDMA_GEN_SEC_A_CONTROL, UDMA_IOFIC_CTRL_MASK_MSIX);
	udma_write(ndev, engine, UDMA_GEN_SEC_B_CONTROL, UDMA_IOFIC_CTRL_MASK_MSIX);
	udma_write(ndev, engine, UDMA_GEN_PRIM_D_CONTROL, UDMA_IOFIC_CTRL_MASK_MSIX);
	udma_write(ndev, engine, UDMA_GEN_SEC_A_ABORT_MASK, 0);
	udma_write(ndev, engine, UDMA_GEN_SEC_C_ABORT_MASK, 0);
	udma_write(ndev, engine, UDMA_GEN_SEC_B_ABORT_MASK, 0);
	udma_write(ndev, engine, UDMA_GEN_SEC_A_MASK_CLEAR, 0xF0000000);
	udma_write(ndev, engine, UDMA_GEN_SEC_B_MASK_CLEAR, 0x000010F8);
	udma_write(ndev, engine, UDMA_GEN_SEC_C_MASK_CLEAR, 0xFFFFFFC0);
	udma_write(ndev, engine, UDMA_GEN_SEC_C_MASK_CLEAR, 0xFFFFF03F);
	udma_write(ndev, engine, UDMA_GEN_PRIM_D_MASK_CLEAR, ~0x500u);
	udma_write(ndev, engine, UDMA_GEN_PRIM_D_MASK_CLEAR, ~0x600u);

	udma_write(ndev, engine, UDMA_S2M_COMP_CFG_1C, 0x1004);
	udma_write(ndev, engine, UDMA_M2S_DESC_PREF_CFG_2, 0x10080);
	udma_write(ndev, engine, UDMA_M2S_DESC_PREF_CFG_3, 0x8081);

	/* The write re-order buffer must stay off on v1 (spec 5.6). */
	neuron_apb_write(ndev, tdma + TDMA_ROB_CFG, 1);
	neuron_apb_write(ndev, tdma + TDMA_WOB_CFG, 0xFFFFFFFE);
	neuron_apb_write(ndev, tdma + TDMA_EVENT_ACCEL, 1);

	neuron_udma_engine_normal(ndev, engine);
	return 0;
}

/**
 * neuron_udma_engine_normal() - (re)start both sides of an engine
 * @ndev: the device
 * @engine: engine 0..11
 *
 * Clears an abort: after an error the engine stops every queue until both
 * sides are told to go NORMAL again (spec 5.12).
 */
void neuron_udma_engine_normal(struct neuron_device *ndev, unsigned int engine)
{
	udma_write(ndev, engine, UDMA_M2S_CHANGE_STATE, UDMA_CHANGE_STATE_NORMAL);
	udma_write(ndev, engine, UDMA_S2M_CHANGE_STATE, UDMA_CHANGE_STATE_NORMAL);
}

/**
 * neuron_udma_engine_abort() - stop both sides of an engine
 * @ndev: the device, BAR mapped
 * @engine: engine 0..11
 *
 * Every queue of the engine stops fetching descriptors and moving data
 * until neuron_udma_engine_normal() (spec 5.12).
 */
void neuron_udma_engine_abort(struct neuron_device *ndev, unsigned int engine)
{
	udma_write(ndev, engine, UDMA_M2S_CHANGE_STATE, UDMA_CHANGE_STATE_ABORT);
	udma_write(ndev, engine, UDMA_S2M_CHANGE_STATE, UDMA_CHANGE_STATE_ABORT);
}

/**
 * neuron_ring_alloc() - allocate the host memory of a driver-owned queue
 * @ndev: the device
 * @ring: the ring to fill in
 * @engine: engine 0..11
 * @queue: queue 0..15
 *
 * Return: 0 or -ENOMEM.
 */
int neuron_ring_alloc(struct neuron_device *ndev, struct neuron_ring *ring,
		      unsigned int engine, unsigned int queue)
{
	struct device *dev = &ndev->pdev->dev;
	size_t rsize = NEURON_RING_SIZE * sizeof(struct neuron_desc);
	/* At probe only, for a fixed number of rings (neuron_jobs_init()). */
	gfp_t gfp = GFP_KERNEL;

	ring->ndev = ndev;
	ring->engine = engine;
	ring->queue = queue;

	/* Coherent allocations are page aligned: more than the 256 B needed. */
	ring->m2s = dma_alloc_coherent(dev, rsize, &ring->m2s_dma, gfp);
	ring->s2m = dma_alloc_coherent(dev, rsize, &ring->s2m_dma, gfp);
	ring->markers = dma_alloc_coherent(dev, NEURON_RING_SIZE *
					   sizeof(*ring->markers),
					   &ring->markers_dma, gfp);
	ring->imm = dma_alloc_coherent(dev, NEURON_RING_SIZE * sizeof(*ring->imm),
				       &ring->imm_dma, gfp);
	if (!ring->m2s || !ring->s2m || !ring->markers || !ring->imm) {
		neuron_ring_free(ring);
		return -ENOMEM;
	}
	return 0;
}

/**
 * neuron_ring_bytes() - DMA-coherent host memory of one ring
 *
 * Return: bytes allocated by neuron_ring_alloc().
 */
size_t neuron_ring_bytes(void)
{
	return 2 * NEURON_RING_SIZE * sizeof(struct neuron_desc) +
	       NEURON_RING_SIZE * (sizeof(struct neuron_marker) + sizeof(__le32));
}

void neuron_ring_free(struct neuron_ring *ring)
{
	struct device *dev = &ring->ndev->pdev->dev;
	size_t rsize = NEURON_RING_SIZE * sizeof(struct neuron_desc);

	if (ring->m2s)
		dma_free_coherent(dev, rsize, ring->m2s, ring->m2s_dma);
	if (ring->s2m)
		dma_free_coherent(dev, rsize, ring->s2m, ring->s2m_dma);
	if (ring->markers)
		dma_free_coherent(dev, NEURON_RING_SIZE * sizeof(*ring->markers),
				  ring->markers, ring->markers_dma);
	if (ring->imm)
		dma_free_coherent(dev, NEURON_RING_SIZE * sizeof(*ring->imm),
				  ring->imm, ring->imm_dma);
	ring->m2s = NULL;
	ring->s2m = NULL;
	ring->markers = NULL;
	ring->imm = NULL;
}

static void neuron_ring_q_init(struct neuron_ring *ring, u32 qoff, u32 comp_cfg,
			       u32 sw_ctrl, dma_addr_t base)
{
	struct neuron_device *ndev = ring->ndev;
	u64 addr = neuron_host_devaddr(base);

	udma_write(ndev, ring->engine, qoff + NEURON_UDMA_Q_CFG,
		   UDMA_Q_CFG_RESET_VALUE);
	udma_write(ndev, ring->engine, qoff + sw_ctrl, UDMA_Q_SW_CTRL_RESET);
	udma_write(ndev, ring->engine, qoff + NEURON_UDMA_Q_RING_BASE_LO,
		   lower_32_bits(addr));
	udma_write(ndev, ring->engine, qoff + NEURON_UDMA_Q_RING_BASE_HI,
		   upper_32_bits(addr));
	udma_write(ndev, ring->engine, qoff + NEURON_UDMA_Q_RING_LEN,
		   NEURON_RING_SIZE);
	udma_write(ndev, ring->engine, qoff + comp_cfg, 0);
	udma_write(ndev, ring->engine, qoff + NEURON_UDMA_Q_CFG,
		   UDMA_Q_CFG_RESET_VALUE | UDMA_Q_CFG_ENABLE);
}

static void neuron_ring_q_stop(struct neuron_ring *ring, u32 qoff, u32 sw_ctrl)
{
	struct neuron_device *ndev = ring->ndev;

	udma_write(ndev, ring->engine, qoff + NEURON_UDMA_Q_CFG,
		   UDMA_Q_CFG_RESET_VALUE);
	udma_write(ndev, ring->engine, qoff + sw_ctrl, UDMA_Q_SW_CTRL_RESET);
}

/**
 * neuron_ring_hw_stop() - disable and reset both queues of a ring
 * @ring: the ring
 *
 * The queues lose head and tail and stay disabled, so the device fetches
 * no further descriptor from the ring, until neuron_ring_hw_init().
 */
void neuron_ring_hw_stop(struct neuron_ring *ring)
{
	neuron_ring_q_stop(ring, NEURON_UDMA_M2S_Q(ring->queue),
			   UDMA_M2S_Q_SW_CTRL);
	neuron_ring_q_stop(ring, NEURON_UDMA_S2M_Q(ring->queue),
			   UDMA_S2M_Q_SW_CTRL);
}

/**
 * neuron_ring_hw_init() - (re)initialise a queue pair (spec 5.8, 2.x)
 * @ring: the ring, allocated
 *
 * Resets both queues, which zeroes head and tail and re-arms ring id 1,
 * and points them at the driver's rings. Anything still queued is lost.
 */
void neuron_ring_hw_init(struct neuron_ring *ring)
{
	neuron_ring_q_init(ring, NEURON_UDMA_M2S_Q(ring->queue),
			   UDMA_M2S_Q_COMP_CFG, UDMA_M2S_Q_SW_CTRL, ring->m2s_dma);
	neuron_ring_q_init(ring, NEURON_UDMA_S2M_Q(ring->queue),
			   UDMA_S2M_Q_COMP_CFG, UDMA_S2M_Q_SW_CTRL, ring->s2m_dma);
	ring->next = 0;
	ring->ring_id = 1;
}

static u32 neuron_desc_len(u32 len)
{
	/* 64 KiB is encoded as 0 (cfg_len bit 24). */
	return len == NEURON_DESC_MAX_LEN ? 0 : len;
}

static void neuron_ring_put(struct neuron_ring *ring, u64 src, u64 dst,
			    u32 len, u32 m2s_flags)
{
	u32 id = (u32)ring->ring_id << NEURON_DESC_RING_ID_SHIFT;
	struct neuron_desc *tx = &ring->m2s[ring->next];
	struct neuron_desc *rx = &ring->s2m[ring->next];

	tx->len_ctrl = cpu_to_le32(neuron_desc_len(len) | id | m2s_flags |
				   NEURON_DESC_FIRST | NEURON_DESC_LAST);
	tx->meta = cpu_to_le32(NEURON_DESC_META_COPY);
	tx->addr = cpu_to_le64(src);
	rx->len_ctrl = cpu_to_le32(neuron_desc_len(len) | id);
	rx->meta = 0;
	rx->addr = cpu_to_le64(dst);

	if (++ring->next == NEURON_RING_SIZE) {
		ring->next = 0;
		ring->ring_id = (ring->ring_id + 1) & 3;
	}
}

/**
 * neuron_ring_write() - copy a job's descriptors and its marker into the ring
 * @ring: the ring
 * @pairs: validated descriptor pairs (kernel memory)
 * @count: number of @pairs; the caller guarantees @count + 1 free slots
 * @seqno: the job's sequence number, written by the marker
 *
 * Nothing is visible to the hardware until neuron_ring_kick(). The marker
 * carries DMB so it only runs once every earlier transfer has finished.
 *
 * Return: the ring slot of the marker, for neuron_ring_marker_done().
 */
u32 neuron_ring_write(struct neuron_ring *ring,
		      const struct neuron_desc_pair *pairs, u32 count,
		      u32 seqno)
{
	struct neuron_marker *mk;
	u32 i, slot;

	for (i = 0; i < count; i++) {
		const struct neuron_desc_pair *p = &pairs[i];
		u64 src = p->src;

		if (p->flags & NEURON_PAIR_IMM) {
			ring->imm[ring->next] = cpu_to_le32(p->imm);
			src = neuron_host_devaddr(ring->imm_dma +
						  ring->next * sizeof(*ring->imm));
		}
		neuron_ring_put(ring, src, p->dst, p->len,
				(p->flags & NEURON_PAIR_DMB) ? NEURON_DESC_DMB : 0);
	}

	slot = ring->next;
	mk = &ring->markers[slot];
	mk->src[0] = cpu_to_le32(NEURON_MARKER_MAGIC);
	mk->src[1] = cpu_to_le32(seqno);
	WRITE_ONCE(mk->dst[0], 0);
	WRITE_ONCE(mk->dst[1], 0);
	neuron_ring_put(ring,
			neuron_host_devaddr(ring->markers_dma + slot * sizeof(*mk)),
			neuron_host_devaddr(ring->markers_dma + slot * sizeof(*mk) +
					    offsetof(struct neuron_marker, dst)),
			sizeof(mk->dst), NEURON_DESC_DMB);
	return slot;
}

/**
 * neuron_ring_kick() - hand @count new descriptor pairs to the hardware
 * @ring: the ring
 * @count: pairs written since the last kick
 *
 * S2M first, so the destination buffers are posted when the source side
 * starts (spec 5.11). writel() orders the descriptor stores before it.
 */
void neuron_ring_kick(struct neuron_ring *ring, u32 count)
{
	struct neuron_device *ndev = ring->ndev;

	udma_write(ndev, ring->engine,
		   NEURON_UDMA_S2M_Q(ring->queue) + NEURON_UDMA_Q_TAIL_INC, count);
	udma_write(ndev, ring->engine,
		   NEURON_UDMA_M2S_Q(ring->queue) + NEURON_UDMA_Q_TAIL_INC, count);
}

/**
 * neuron_ring_marker_done() - has the marker of a job landed?
 * @ring: the ring
 * @slot: the marker's slot, from neuron_ring_write()
 * @seqno: the job's sequence number
 *
 * Return: true when the device wrote the job's marker, i.e. every
 * descriptor up to and including the job's has executed.
 */
bool neuron_ring_marker_done(struct neuron_ring *ring, u32 slot, u32 seqno)
{
	struct neuron_marker *mk = &ring->markers[slot];

	if (le32_to_cpu(READ_ONCE(mk->dst[1])) != seqno ||
	    le32_to_cpu(READ_ONCE(mk->dst[0])) != NEURON_MARKER_MAGIC)
		return false;
	/* Nothing the job wrote may be read before its marker was seen. */
	dma_rmb();
	return true;
}

/**
 * neuron_ring_read_head() - read the M2S head through the firmware
 * @ring: the ring
 * @head: out: [23:0] index, [31:30] ring id
 *
 * Used by the timeout handler to tell a slow job from a stuck one.
 *
 * Return: 0, -EBUSY when the mailbox is in use, or another FWIO error.
 */
int neuron_ring_read_head(struct neuron_ring *ring, u32 *head)
{
	u32 off = neuron_udma_base(ring->engine) + NEURON_UDMA_M2S_Q(ring->queue) +
		  NEURON_UDMA_Q_HEAD;

	/*
	 * The timeout handler must not wait behind a user's FWIO request
	 * (up to fwio_attempts answers, seconds): -EBUSY then. One attempt.
	 */
	return neuron_fwio_read32_flags(ring->ndev, NEURON_APB_ADDR(off), head,
					NEURON_FWIO_TRYLOCK | NEURON_FWIO_NO_RETRY |
					NEURON_FWIO_QUIET);
}
