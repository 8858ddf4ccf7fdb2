/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Register map of the Neuron v1 (Inferentia) device, as described in the
 * project's hardware specification. All offsets are in bytes. Registers are
 * 32 bits wide and are only ever written by the host; reads go through the
 * firmware mailbox (FWIO) using the device addresses defined here.
 */

#ifndef __NEURON_REGS_H__
#define __NEURON_REGS_H__

#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/types.h>

/* PCI BARs */
#define NEURON_BAR_APB			0	/* CSRs, MISC RAM */
#define NEURON_BAR_TPB			2	/* NeuronCore windows */
#define NEURON_BAR_DRAM			4	/* optional DRAM window */

/* Smallest BARs the driver can work with (highest offset used + 4). */
#define NEURON_BAR_APB_MIN_SIZE		SZ_8M
#define NEURON_BAR_TPB_MIN_SIZE		SZ_256M

/* Device address map */
#define NEURON_DEVADDR_APB_BASE		0x0FFFF0000000ULL	/* BAR0 offset 0 */
#define NEURON_DEVADDR_TPB_BASE		0x0FFFC0000000ULL	/* BAR2 offset 0 */
#define NEURON_DEVADDR_DRAM0_BASE	0x000000000000ULL
#define NEURON_DEVADDR_DRAM1_BASE	0x001000000000ULL
#define NEURON_DRAM_CHANNELS		2
#define NEURON_DRAM_CHANNEL_SIZE	SZ_4G

/* Routing bits of a device address (bits 47:46). */
#define NEURON_DEVADDR_HOST		BIT_ULL(46)	/* host DMA address */
#define NEURON_DEVADDR_EAST		BIT_ULL(47)	/* east peer */
#define NEURON_DEVADDR_WEST		(BIT_ULL(47) | BIT_ULL(46))
/* The host bus address must fit below the routing bits. */
#define NEURON_DMA_BITS			46

/* Geometry */
#define NEURON_NC_COUNT			4
#define NEURON_DMA_ENG_PER_NC		3
#define NEURON_DMA_ENG_COUNT		(NEURON_NC_COUNT * NEURON_DMA_ENG_PER_NC)
#define NEURON_DMA_QUEUES		16
#define NEURON_SEMAPHORES_PER_NC	32
#define NEURON_EVENTS_PER_NC		256

/* MISC RAM: firmware mailbox, status, reset (BAR0) */
#define NEURON_MISC_BASE		0x78E000
#define NEURON_MISC_API_VERSION		(NEURON_MISC_BASE + 0x000)
#define NEURON_MISC_FW_STATUS		(NEURON_MISC_BASE + 0x01C)
#define   NEURON_FW_STATUS_EAST_LINK	BIT(0)
#define   NEURON_FW_STATUS_WEST_LINK	BIT(1)
#define   NEURON_FW_STATUS_READY	BIT(31)
#define NEURON_MISC_DEVICE_ID		(NEURON_MISC_BASE + 0x024)
#define NEURON_MISC_METRICS		(NEURON_MISC_BASE + 0x100)
#define NEURON_MISC_METRICS_SIZE	128
/* NeuronCores a type-2 reset resets, bit n for core n; 0 = all (model's [PROJ]) */
#define NEURON_MISC_RESET_CORE_MAP	(NEURON_MISC_BASE + 0x1D8)
#define NEURON_MISC_RESET		(NEURON_MISC_BASE + 0x1EC)
#define   NEURON_RESET_DEVICE		1
#define   NEURON_RESET_CORES		2
#define NEURON_MISC_FWIO_REQ_HI		(NEURON_MISC_BASE + 0x1F0)
#define NEURON_MISC_FWIO_REQ_LO		(NEURON_MISC_BASE + 0x1F4)
#define NEURON_MISC_FWIO_RESP_HI	(NEURON_MISC_BASE + 0x1F8)
#define NEURON_MISC_FWIO_RESP_LO	(NEURON_MISC_BASE + 0x1FC)
#define NEURON_MISC_DOORBELL		(NEURON_MISC_BASE + 0x800)
/* Size of the MISC area dumped through debugfs (everything up to 0x1FC). */
#define NEURON_MISC_DUMP_SIZE		0x200

/* UDMA engine e (BAR0) */
static inline u32 neuron_udma_base(unsigned int engine)
{
	return 0x100000 * (engine / 3) + 0x40000 * (1 + engine % 3);
}

static inline u32 neuron_tdma_base(unsigned int engine)
{
	return 0x100000 * (engine / 3) + 0x1000 * (engine % 3);
}

#define NEURON_UDMA_M2S			0x00000
#define NEURON_UDMA_S2M			0x20000
#define NEURON_UDMA_STATE		0x200	/* relative to M2S/S2M */
#define   NEURON_UDMA_STATE_FIELD_MASK	0x3
#define   NEURON_UDMA_STATE_IDLE	0
#define   NEURON_UDMA_STATE_NORMAL	1
#define   NEURON_UDMA_STATE_ABORT	2
#define NEURON_UDMA_S2M_STREAM_CFG	(NEURON_UDMA_S2M + 0x250)
#define   NEURON_UDMA_STREAM_DISABLED	(BIT(0) | BIT(4) | BIT(8))
#define NEURON_UDMA_VERSION		0x604
#define   NEURON_UDMA_VERSION_V4	4

/* Queue q of one direction, relative to UDMA_BASE */
#define NEURON_UDMA_M2S_Q(q)		(0x01000 + (q) * 0x1000)
#define NEURON_UDMA_S2M_Q(q)		(0x21000 + (q) * 0x1000)
#define NEURON_UDMA_Q_CFG		0x20
#define NEURON_UDMA_Q_STATUS		0x24
#define NEURON_UDMA_Q_RING_BASE_LO	0x28
#define NEURON_UDMA_Q_RING_BASE_HI	0x2C
#define NEURON_UDMA_Q_RING_LEN		0x30
#define NEURON_UDMA_Q_HEAD		0x34
#define NEURON_UDMA_Q_TAIL_INC		0x38
#define NEURON_UDMA_Q_TAIL		0x3C

/* NeuronCore n window (BAR2) */
#define NEURON_NC_BASE(n)		((n) * 0x4000000)
#define NEURON_NC_STATE_BUF(n)		(NEURON_NC_BASE(n) + 0x0)
#define NEURON_NC_STATE_BUF_SIZE	SZ_16M
#define NEURON_NC_INSTR_FIFO(n)		(NEURON_NC_BASE(n) + 0x265C000)
#define NEURON_NC_INSTR_FIFO_SIZE	SZ_16K
#define NEURON_NC_EVENT(n, i)		(NEURON_NC_BASE(n) + 0x2700000 + 4 * (i))
#define NEURON_NC_SEM_READ(n, i)	(NEURON_NC_BASE(n) + 0x2701000 + 4 * (i))
#define NEURON_NC_SEM_SET(n, i)		(NEURON_NC_BASE(n) + 0x2701100 + 4 * (i))
#define NEURON_NC_SEM_INC(n, i)		(NEURON_NC_BASE(n) + 0x2701200 + 4 * (i))
#define NEURON_NC_SEM_DEC(n, i)		(NEURON_NC_BASE(n) + 0x2701300 + 4 * (i))

/*
 * PUTILS of NeuronCore n (BAR0): notification queue configuration. Each
 * queue has a group of registers: base (device address) low/high, size in
 * bytes (0 = off) and the consumer's head (byte offset). The model adds the
 * producer's write offset and a dropped-entry count to the EVENT group.
 */
#define NEURON_PUTILS(n)		(0x404000 + (n) * 0x10000)
#define NEURON_PUTILS_TRACE_NQ(i)	(0x0C7C + (i) * 0x104)
#define NEURON_PUTILS_NOTIFY_NQ(i)	(0x0BFC + (i) * 0x104)
#define NEURON_PUTILS_EVENT_NQ		0x1094
#define NEURON_PUTILS_ERROR_NQ		0x1074
#define NEURON_NQ_BASE_LO		0x00
#define NEURON_NQ_BASE_HI		0x04
#define NEURON_NQ_SIZE			0x08
#define NEURON_NQ_WRITE_OFF		0x0C	/* model, EVENT queue only */
#define NEURON_NQ_DROPPED		0x10	/* model, EVENT queue only */
#define NEURON_NQ_HEAD			0x18

/* Device addresses of BAR registers, as used in FWIO READ requests */
#define NEURON_APB_ADDR(off)		(NEURON_DEVADDR_APB_BASE + (off))
#define NEURON_TPB_ADDR(off)		(NEURON_DEVADDR_TPB_BASE + (off))

#endif /* __NEURON_REGS_H__ */
