// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * FWIO: the firmware mailbox of a Neuron v1 device.
 *
 * The driver never reads device registers through MMIO. It places a request
 * (sequence number, command, size, CRC-32C, payload) in a host buffer, tells
 * the device where the request and response buffers are, and rings a
 * doorbell. The firmware executes the request and writes the response, with
 * the sequence byte last; the driver polls that byte. Only the kernel builds
 * requests: userspace gets typed operations on top of this file.
 */

#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/iopoll.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>

#include <drm/drm_managed.h>

#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_regs.h"

static unsigned int fwio_timeout_ms = 1000;
module_param(fwio_timeout_ms, uint, 0644);
MODULE_PARM_DESC(fwio_timeout_ms,
		 "Firmware mailbox response timeout per attempt, in ms (default 1000)");

static unsigned int fwio_attempts = 15;
module_param(fwio_attempts, uint, 0644);
MODULE_PARM_DESC(fwio_attempts,
		 "Firmware mailbox attempts per request before giving up (default 15)");

/* Each buffer holds one message; the size field is 16 bits. */
#define NEURON_FWIO_BUF_SIZE	SZ_64K
#define NEURON_FWIO_MSG_MAX	U16_MAX

/* Poll interval; the firmware usually answers within microseconds. */
#define NEURON_FWIO_POLL_US	100

/* Response error codes */
#define NEURON_FWIO_OK		0
#define NEURON_FWIO_FAILED	1
#define NEURON_FWIO_UNKNOWN_CMD	2

struct neuron_fwio_req_hdr {
	u8 seq;
	u8 cmd;
	__le16 size;
	__le32 crc;
} __packed;

struct neuron_fwio_resp_hdr {
	u8 seq;
	u8 error;
	__le16 size;
} __packed;

#define NEURON_FWIO_REQ_PAYLOAD_MAX \
	(NEURON_FWIO_MSG_MAX - sizeof(struct neuron_fwio_req_hdr))

static_assert(sizeof(struct neuron_fwio_req_hdr) +
	      NEURON_FWIO_MAX_READS * sizeof(__le64) <= NEURON_FWIO_MSG_MAX);

/**
 * neuron_fwio_init() - allocate the mailbox buffers
 * @ndev: the device, with its DMA mask already set
 *
 * The buffers are device-managed: they live until the driver is unbound,
 * and nothing uses them after drm_dev_unplug().
 *
 * Return: 0 or -ENOMEM.
 */
int neuron_fwio_init(struct neuron_device *ndev)
{
	struct neuron_fwio *fwio = &ndev->fwio;
	struct device *dev = &ndev->pdev->dev;

	fwio->req = dmam_alloc_coherent(dev, NEURON_FWIO_BUF_SIZE,
					&fwio->req_dma, GFP_KERNEL);
	if (!fwio->req)
		return -ENOMEM;

	fwio->resp = dmam_alloc_coherent(dev, NEURON_FWIO_BUF_SIZE,
					 &fwio->resp_dma, GFP_KERNEL);
	if (!fwio->resp)
		return -ENOMEM;

	fwio->seq = 1;

	return drmm_mutex_init(&ndev->drm, &fwio->lock);
}

static u64 neuron_fwio_devaddr(dma_addr_t addr)
{
	return (u64)addr | NEURON_DEVADDR_HOST;
}

/*
 * Rewritten before every request: a device reset may have cleared the
 * mailbox address registers.
 */
static void neuron_fwio_set_mailbox(struct neuron_device *ndev)
{
	u64 req = neuron_fwio_devaddr(ndev->fwio.req_dma);
	u64 resp = neuron_fwio_devaddr(ndev->fwio.resp_dma);

	neuron_apb_write(ndev, NEURON_MISC_FWIO_REQ_LO, lower_32_bits(req));
	neuron_apb_write(ndev, NEURON_MISC_FWIO_REQ_HI, upper_32_bits(req));
	neuron_apb_write(ndev, NEURON_MISC_FWIO_RESP_LO, lower_32_bits(resp));
	neuron_apb_write(ndev, NEURON_MISC_FWIO_RESP_HI, upper_32_bits(resp));
}

static const char *neuron_fwio_cmd_name(u8 cmd)
{
	switch (cmd) {
	case NEURON_FWIO_CMD_READ:
		return "READ";
	case NEURON_FWIO_CMD_POST_METRICS:
		return "POST_METRICS";
	default:
		return "?";
	}
}

/*
 * One attempt of the request whose payload is already in the request
 * buffer. Returns 0 with the response payload in the response buffer,
 * -ETIMEDOUT, -ENXIO (firmware failure or malformed response: a remote
 * failure, in drm-uapi.rst's words; -EIO is kept for a wedged device) or
 * -EOPNOTSUPP (the firmware does not know the command).
 */
static int neuron_fwio_attempt(struct neuron_device *ndev, u8 cmd,
			       size_t len, size_t out_len, bool quiet)
{
	struct neuron_fwio *fwio = &ndev->fwio;
	struct neuron_fwio_req_hdr *req = fwio->req;
	struct neuron_fwio_resp_hdr *resp = fwio->resp;
	size_t size = sizeof(*req) + len;
	ktime_t start;
	u16 resp_size;
	u8 seq, rseq;
	int ret;

	lockdep_assert_held(&fwio->lock);

	/* A fresh sequence number per attempt; 0 means "no response". */
	seq = fwio->seq + 1;
	if (!seq)
		seq = 1;
	fwio->seq = seq;

	req->seq = seq;
	req->cmd = cmd;
	req->size = cpu_to_le16(size);
	req->crc = 0;
	req->crc = cpu_to_le32(crc32c(~0U, req, size) ^ ~0U);

	WRITE_ONCE(resp->seq, 0);

	neuron_fwio_set_mailbox(ndev);
	/* writel() orders the buffer writes above before the doorbell. */
	start = ktime_get();
	neuron_apb_write(ndev, NEURON_MISC_DOORBELL, 1);
	fwio->stats.requests++;

	ret = read_poll_timeout(READ_ONCE, rseq, rseq == seq,
				NEURON_FWIO_POLL_US,
				(u64)fwio_timeout_ms * USEC_PER_MSEC, false,
				resp->seq);
	if (ret) {
		fwio->stats.timeouts++;
		if (!quiet)
			dev_warn_ratelimited(ndev->drm.dev,
					     "FWIO %s seq %u: no response within %u ms\n",
					     neuron_fwio_cmd_name(cmd), seq,
					     fwio_timeout_ms);
		return -ETIMEDOUT;
	}

	/* The firmware writes the sequence byte last; read the rest after. */
	dma_rmb();

	switch (resp->error) {
	case NEURON_FWIO_OK:
		break;
	case NEURON_FWIO_FAILED:
		fwio->stats.fw_errors++;
		return -ENXIO;
	case NEURON_FWIO_UNKNOWN_CMD:
		fwio->stats.unsupported++;
		return -EOPNOTSUPP;
	default:
		fwio->stats.bad_responses++;
		if (!quiet)
			dev_warn_ratelimited(ndev->drm.dev,
					     "FWIO %s seq %u: unknown error code %u\n",
					     neuron_fwio_cmd_name(cmd), seq,
					     resp->error);
		return -ENXIO;
	}

	resp_size = le16_to_cpu(resp->size);
	if (resp_size != sizeof(*resp) + out_len) {
		fwio->stats.bad_responses++;
		if (!quiet)
			dev_warn_ratelimited(ndev->drm.dev,
					     "FWIO %s seq %u: response of %u bytes, expected %zu\n",
					     neuron_fwio_cmd_name(cmd), seq,
					     resp_size, sizeof(*resp) + out_len);
		return -ENXIO;
	}

	fwio->stats.max_latency_us = max_t(u64, fwio->stats.max_latency_us,
					   ktime_us_delta(ktime_get(), start));
	return 0;
}

/*
 * Runs a request whose payload is in the request buffer, retrying on
 * timeouts and firmware failures with a new sequence number each time.
 */
static int neuron_fwio_xfer(struct neuron_device *ndev, u8 cmd, size_t len,
			    size_t out_len, unsigned int flags)
{
	struct neuron_fwio *fwio = &ndev->fwio;
	bool quiet = flags & NEURON_FWIO_QUIET;
	unsigned int attempts, i;
	int ret = -ENXIO;

	attempts = (flags & NEURON_FWIO_NO_RETRY) ? 1 : max(fwio_attempts, 1U);

	for (i = 0; i < attempts; i++) {
		if (i)
			fwio->stats.retries++;
		ret = neuron_fwio_attempt(ndev, cmd, len, out_len, quiet);
		if (ret != -ETIMEDOUT && ret != -ENXIO)
			break;
		/* Do not keep a dying process waiting seconds for retries. */
		if (fatal_signal_pending(current))
			break;
		/* Nor remove(), which waits for us. */
		if (READ_ONCE(ndev->removing)) {
			ret = -ENODEV;
			break;
		}
	}

	/* An unknown command is the firmware's failure too. */
	if (ret == -EOPNOTSUPP)
		ret = -ENXIO;
	if (ret) {
		fwio->stats.failures++;
		fwio->stats.last_error = ret;
		if (!quiet)
			drm_err_ratelimited(&ndev->drm,
					    "FWIO %s failed after %u attempt(s): %d\n",
					    neuron_fwio_cmd_name(cmd),
					    min(i + 1, attempts), ret);
	}
	return ret;
}

/*
 * Enters the device (fails once unplugged) and takes the mailbox. Nothing
 * here sleeps forever: the lock holder is bounded by the FWIO timeouts.
 */
static int neuron_fwio_lock(struct neuron_device *ndev, int *idx,
			    unsigned int flags)
{
	int ret = 0;

	if (!drm_dev_enter(&ndev->drm, idx))
		return -ENODEV;

	if (flags & NEURON_FWIO_TRYLOCK) {
		if (!mutex_trylock(&ndev->fwio.lock))
			ret = -EBUSY;
	} else if (flags & NEURON_FWIO_NOINTR) {
		mutex_lock(&ndev->fwio.lock);
	} else {
		ret = mutex_lock_interruptible(&ndev->fwio.lock);
	}
	if (ret)
		drm_dev_exit(*idx);
	return ret;
}

static void neuron_fwio_unlock(struct neuron_device *ndev, int idx)
{
	mutex_unlock(&ndev->fwio.lock);
	drm_dev_exit(idx);
}

/**
 * neuron_fwio_read_flags() - read device registers through the firmware
 * @ndev: the device
 * @addrs: device addresses (may carry east/west routing bits)
 * @vals: values read, in the order of @addrs
 * @count: number of addresses, 1..NEURON_FWIO_MAX_READS
 * @flags: NEURON_FWIO_NO_RETRY, NEURON_FWIO_QUIET, NEURON_FWIO_TRYLOCK,
 *         NEURON_FWIO_NOINTR (for a device reset, which a signal must not
 *         cut short: the wait is bounded by the holder's FWIO timeouts)
 *
 * All addresses are read by one READ request.
 *
 * Return: 0 on success; -EINVAL for a bad @count; -ENODEV after unplug;
 * -EBUSY with NEURON_FWIO_TRYLOCK when another request holds the mailbox;
 * -EINTR when interrupted while waiting for the mailbox; -ETIMEDOUT when
 * the firmware did not answer; -ENXIO when it reported a failure (for
 * example an address it cannot decode or a link that is down) or sent a
 * malformed response.
 */
int neuron_fwio_read_flags(struct neuron_device *ndev, const u64 *addrs,
			   u32 *vals, unsigned int count, unsigned int flags)
{
	struct neuron_fwio *fwio = &ndev->fwio;
	__le64 *payload;
	__le32 *out;
	unsigned int i;
	int idx, ret;

	if (!count || count > NEURON_FWIO_MAX_READS)
		return -EINVAL;

	ret = neuron_fwio_lock(ndev, &idx, flags);
	if (ret)
		return ret;

	payload = fwio->req + sizeof(struct neuron_fwio_req_hdr);
	for (i = 0; i < count; i++)
		payload[i] = cpu_to_le64(addrs[i]);

	ret = neuron_fwio_xfer(ndev, NEURON_FWIO_CMD_READ,
			       count * sizeof(*payload), count * sizeof(*out),
			       flags);
	if (!ret) {
		out = fwio->resp + sizeof(struct neuron_fwio_resp_hdr);
		for (i = 0; i < count; i++) {
			vals[i] = le32_to_cpu(out[i]);
			/* sysfs shows the status word as last read. */
			if (addrs[i] == NEURON_APB_ADDR(NEURON_MISC_FW_STATUS))
				neuron_topology_status_seen(ndev, vals[i]);
		}
		fwio->stats.reads += count;
	}

	neuron_fwio_unlock(ndev, idx);
	return ret;
}

/**
 * neuron_fwio_post_metrics() - hand a metrics blob to the firmware
 * @ndev: the device
 * @blob: the blob
 * @size: its size, 1..NEURON_MISC_METRICS_SIZE bytes
 *
 * The blob is staged in the MISC metrics area (32-bit writes, the last word
 * zero-padded) and sent as the payload of a POST_METRICS request.
 *
 * Return: 0 or a negative errno as for neuron_fwio_read_flags();
 * -EINVAL for a bad @size.
 */
int neuron_fwio_post_metrics(struct neuron_device *ndev, const void *blob,
			     size_t size)
{
	struct neuron_fwio *fwio = &ndev->fwio;
	unsigned int off;
	int idx, ret;

	if (!size || size > NEURON_MISC_METRICS_SIZE)
		return -EINVAL;

	ret = neuron_fwio_lock(ndev, &idx, 0);
	if (ret)
		return ret;

	/* Staged under the mailbox lock so concurrent posts do not mix. */
	for (off = 0; off < size; off += sizeof(u32)) {
		u32 word = 0;

		memcpy(&word, blob + off, min_t(size_t, sizeof(word), size - off));
		neuron_apb_write(ndev, NEURON_MISC_METRICS + off,
				 le32_to_cpu((__force __le32)word));
	}

	memcpy(fwio->req + sizeof(struct neuron_fwio_req_hdr), blob, size);
	ret = neuron_fwio_xfer(ndev, NEURON_FWIO_CMD_POST_METRICS, size, 0, 0);

	neuron_fwio_unlock(ndev, idx);
	return ret;
}

/**
 * neuron_fwio_get_stats() - snapshot of the FWIO counters
 * @ndev: the device
 * @stats: filled with the counters
 */
void neuron_fwio_get_stats(struct neuron_device *ndev,
			   struct neuron_fwio_stats *stats)
{
	mutex_lock(&ndev->fwio.lock);
	*stats = ndev->fwio.stats;
	mutex_unlock(&ndev->fwio.lock);
}
