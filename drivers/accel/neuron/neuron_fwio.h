/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __NEURON_FWIO_H__
#define __NEURON_FWIO_H__

#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct neuron_device;

/* FWIO command ids */
#define NEURON_FWIO_CMD_READ		1
#define NEURON_FWIO_CMD_POST_METRICS	2

/* Largest number of registers read by one READ request. */
#define NEURON_FWIO_MAX_READS		1024

/**
 * struct neuron_fwio_stats - FWIO counters, shown in debugfs
 * @requests: requests sent (each attempt counts).
 * @reads: registers read successfully.
 * @retries: attempts after the first one.
 * @timeouts: attempts that got no response in time.
 * @fw_errors: responses with error code 1.
 * @unsupported: responses with error code 2 (unknown command).
 * @bad_responses: responses with an inconsistent header.
 * @failures: transactions that returned an error to the caller.
 * @last_error: errno of the last failed transaction.
 * @max_latency_us: longest successful attempt, doorbell to response.
 */
struct neuron_fwio_stats {
	u64 requests;
	u64 reads;
	u64 retries;
	u64 timeouts;
	u64 fw_errors;
	u64 unsupported;
	u64 bad_responses;
	u64 failures;
	int last_error;
	u64 max_latency_us;
};

/**
 * struct neuron_fwio - kernel-owned firmware mailbox of one device
 * @lock: serialises transactions (one request buffer per device).
 * @req: request buffer (DMA-coherent).
 * @req_dma: bus address of @req.
 * @resp: response buffer (DMA-coherent).
 * @resp_dma: bus address of @resp.
 * @seq: last sequence number used, 1..255.
 * @stats: counters, protected by @lock.
 */
struct neuron_fwio {
	struct mutex lock; /* one transaction at a time */
	void *req;
	dma_addr_t req_dma;
	void *resp;
	dma_addr_t resp_dma;
	u8 seq;
	struct neuron_fwio_stats stats;
};

int neuron_fwio_init(struct neuron_device *ndev);

/* Flags of neuron_fwio_read_flags() */
#define NEURON_FWIO_NO_RETRY	BIT(0)	/* one attempt; the caller polls */
#define NEURON_FWIO_QUIET	BIT(1)	/* failure is expected, do not log */
#define NEURON_FWIO_TRYLOCK	BIT(2)	/* -EBUSY rather than wait for the mailbox */
#define NEURON_FWIO_NOINTR	BIT(3)	/* wait for the mailbox even if signalled */

int neuron_fwio_read_flags(struct neuron_device *ndev, const u64 *addrs,
			   u32 *vals, unsigned int count, unsigned int flags);

/**
 * neuron_fwio_read() - read device registers through the firmware
 * @ndev: the device
 * @addrs: device addresses (may carry east/west routing bits)
 * @vals: values read, same order
 * @count: number of addresses, 1..NEURON_FWIO_MAX_READS
 *
 * Return: 0 or a negative errno, see neuron_fwio_read_flags().
 */
static inline int neuron_fwio_read(struct neuron_device *ndev,
				   const u64 *addrs, u32 *vals,
				   unsigned int count)
{
	return neuron_fwio_read_flags(ndev, addrs, vals, count, 0);
}

static inline int neuron_fwio_read32_flags(struct neuron_device *ndev,
					   u64 addr, u32 *val,
					   unsigned int flags)
{
	return neuron_fwio_read_flags(ndev, &addr, val, 1, flags);
}

static inline int neuron_fwio_read32(struct neuron_device *ndev, u64 addr,
				     u32 *val)
{
	return neuron_fwio_read32_flags(ndev, addr, val, 0);
}

int neuron_fwio_post_metrics(struct neuron_device *ndev, const void *blob,
			     size_t size);

void neuron_fwio_get_stats(struct neuron_device *ndev,
			   struct neuron_fwio_stats *stats);

#endif /* __NEURON_FWIO_H__ */
