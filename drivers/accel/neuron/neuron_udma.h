/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_UDMA_H__
#define __NEURON_UDMA_H__

#include <linux/bits.h>
#include <linux/types.h>

#include "neuron_regs.h"

struct neuron_device;

/*
 * Descriptor ring size of a driver-owned queue, per direction. 8192
 * descriptors of 16 bytes are 128 KiB per direction, as the AWS driver's
 * H2T rings.
 */
#define NEURON_RING_SIZE		8192
/* Slots never filled, so a full ring is never mistaken for an empty one. */
#define NEURON_RING_RESERVE		16

/* Largest length of one descriptor; 0 in the length field encodes it. */
#define NEURON_DESC_MAX_LEN		SZ_64K

/* M2S/S2M len_ctrl bits (spec 5.9) */
#define NEURON_DESC_LEN_MASK		GENMASK(15, 0)
#define NEURON_DESC_RING_ID_SHIFT	24
#define NEURON_DESC_RING_ID_MASK	GENMASK(25, 24)
#define NEURON_DESC_FIRST		BIT(26)
#define NEURON_DESC_LAST		BIT(27)
#define NEURON_DESC_INT_EN		BIT(28)
#define NEURON_DESC_DMB			BIT(30)
/* M2S meta_ctrl of a plain copy: first+last block, copy source data. */
#define NEURON_DESC_META_COPY		0x01080003

/* The completion marker value (spec 5.11). */
#define NEURON_MARKER_MAGIC		0xABCDEF01

/**
 * struct neuron_desc - one hardware descriptor (16 bytes, little-endian)
 * @len_ctrl: length and control bits.
 * @meta: M2S: TDMA meta control; S2M: unused (0).
 * @addr: device address of the buffer.
 */
struct neuron_desc {
	__le32 len_ctrl;
	__le32 meta;
	__le64 addr;
};

/**
 * struct neuron_desc_pair - one M2S (source) and one S2M (destination)
 * descriptor of the same length, i.e. one single-descriptor packet
 * @src: device address read.
 * @dst: device address written.
 * @len: bytes, 1 .. NEURON_DESC_MAX_LEN.
 * @flags: NEURON_PAIR_* bits.
 * @pad: unused, keeps @imm naturally aligned.
 * @imm: value of an immediate write (NEURON_PAIR_IMM): the driver stores
 *       it in its own host memory and uses that as @src.
 */
struct neuron_desc_pair {
	u64 src;
	u64 dst;
	u32 len;
	u16 flags;
	u16 pad;
	u32 imm;
};

#define NEURON_PAIR_DMB		BIT(0)	/* wait for earlier descriptors */
#define NEURON_PAIR_IMM		BIT(1)	/* source is the driver's @imm word */

/**
 * struct neuron_marker - per-ring-slot completion record in host memory
 * @src: what the marker descriptor copies: magic, job sequence number.
 * @dst: where it lands; cleared before the job is queued.
 */
struct neuron_marker {
	__le32 src[2];
	__le32 dst[2];
};

/**
 * struct neuron_ring - a driver-owned hardware queue pair (spec 5.14)
 * @ndev: the device.
 * @engine: DMA engine 0..11.
 * @queue: queue 0..15 of @engine.
 * @m2s: M2S (source) descriptor ring, DMA-coherent.
 * @s2m: S2M (destination) descriptor ring, DMA-coherent.
 * @markers: one completion record per ring slot, DMA-coherent.
 * @imm: one immediate source word per ring slot, DMA-coherent.
 * @m2s_dma: bus address of @m2s.
 * @s2m_dma: bus address of @s2m.
 * @markers_dma: bus address of @markers.
 * @imm_dma: bus address of @imm.
 * @next: software write index (next free slot).
 * @ring_id: ring id of slot @next (spec 5.10).
 *
 * Descriptors are only ever written by the kernel; userspace never sees
 * the rings. The caller serialises all writers.
 */
struct neuron_ring {
	struct neuron_device *ndev;
	unsigned int engine;
	unsigned int queue;
	struct neuron_desc *m2s;
	struct neuron_desc *s2m;
	struct neuron_marker *markers;
	__le32 *imm;
	dma_addr_t m2s_dma;
	dma_addr_t s2m_dma;
	dma_addr_t markers_dma;
	dma_addr_t imm_dma;
	u32 next;
	u8 ring_id;
};

int neuron_udma_engine_init(struct neuron_device *ndev, unsigned int engine);
void neuron_udma_engine_normal(struct neuron_device *ndev, unsigned int engine);
void neuron_udma_engine_abort(struct neuron_device *ndev, unsigned int engine);
int neuron_ring_alloc(struct neuron_device *ndev, struct neuron_ring *ring,
		      unsigned int engine, unsigned int queue);
void neuron_ring_free(struct neuron_ring *ring);
size_t neuron_ring_bytes(void);
void neuron_ring_hw_init(struct neuron_ring *ring);
void neuron_ring_hw_stop(struct neuron_ring *ring);
u32 neuron_ring_write(struct neuron_ring *ring,
		      const struct neuron_desc_pair *pairs, u32 count,
		      u32 seqno);
void neuron_ring_kick(struct neuron_ring *ring, u32 count);
bool neuron_ring_marker_done(struct neuron_ring *ring, u32 slot, u32 seqno);
int neuron_ring_read_head(struct neuron_ring *ring, u32 *head);

/* Device address of a host bus address. */
static inline u64 neuron_host_devaddr(dma_addr_t addr)
{
	return (u64)addr | NEURON_DEVADDR_HOST;
}

#endif /* __NEURON_UDMA_H__ */
