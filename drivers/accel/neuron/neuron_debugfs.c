// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * debugfs (root only, under /sys/kernel/debug/accel/<PCI address>/, e.g.
 * accel/0000:00:10.0/): mailbox statistics, a dump of the registers the
 * driver knows about, read through the firmware like every other register
 * read, the NeuronCores (owners, notification queues, semaphore fences)
 * and where each DRAM buffer object is; neuron_job.c adds "jobs".
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "neuron_dram.h"
#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_nq.h"
#include "neuron_regs.h"

static struct neuron_device *neuron_from_seq(struct seq_file *m)
{
	struct drm_debugfs_entry *entry = m->private;

	return to_neuron_device(entry->dev);
}

static int neuron_debugfs_fwio_stats(struct seq_file *m, void *data)
{
	struct neuron_device *ndev = neuron_from_seq(m);
	struct neuron_fwio_stats s;

	neuron_fwio_get_stats(ndev, &s);
	seq_printf(m, "requests:       %llu\n", s.requests);
	seq_printf(m, "reads:          %llu\n", s.reads);
	seq_printf(m, "retries:        %llu\n", s.retries);
	seq_printf(m, "timeouts:       %llu\n", s.timeouts);
	seq_printf(m, "fw_errors:      %llu\n", s.fw_errors);
	seq_printf(m, "unsupported:    %llu\n", s.unsupported);
	seq_printf(m, "bad_responses:  %llu\n", s.bad_responses);
	seq_printf(m, "failures:       %llu\n", s.failures);
	seq_printf(m, "last_error:     %d\n", s.last_error);
	seq_printf(m, "max_latency_us: %llu\n", s.max_latency_us);
	seq_printf(m, "reset_count:    %u\n", READ_ONCE(ndev->reset_count));
	return 0;
}

#define NEURON_DUMP_MISC_WORDS	(NEURON_MISC_DUMP_SIZE / 4)
#define NEURON_DUMP_ENG_REGS	4
#define NEURON_DUMP_WORDS	(NEURON_DUMP_MISC_WORDS + \
				 NEURON_DMA_ENG_COUNT * NEURON_DUMP_ENG_REGS)

static int neuron_debugfs_registers(struct seq_file *m, void *data)
{
	static const struct {
		u32 off;
		const char *name;
	} eng_regs[NEURON_DUMP_ENG_REGS] = {
		{ NEURON_UDMA_M2S + NEURON_UDMA_STATE, "m2s_state" },
		{ NEURON_UDMA_S2M + NEURON_UDMA_STATE, "s2m_state" },
		{ NEURON_UDMA_S2M_STREAM_CFG, "s2m_stream_cfg" },
		{ NEURON_UDMA_VERSION, "dma_version" },
	};
	struct neuron_device *ndev = neuron_from_seq(m);
	u64 *addrs;
	u32 *vals;
	int i, e, idx, ret;

	addrs = kcalloc(NEURON_DUMP_WORDS, sizeof(*addrs), GFP_KERNEL);
	vals = kcalloc(NEURON_DUMP_WORDS, sizeof(*vals), GFP_KERNEL);
	if (!addrs || !vals) {
		ret = -ENOMEM;
		goto out;
	}

	for (i = 0; i < NEURON_DUMP_MISC_WORDS; i++)
		addrs[i] = NEURON_APB_ADDR(NEURON_MISC_BASE + 4 * i);
	for (e = 0; e < NEURON_DMA_ENG_COUNT; e++)
		for (i = 0; i < NEURON_DUMP_ENG_REGS; i++)
			addrs[NEURON_DUMP_MISC_WORDS + e * NEURON_DUMP_ENG_REGS + i] =
				NEURON_APB_ADDR(neuron_udma_base(e) + eng_regs[i].off);

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		goto out;
	ret = neuron_fwio_read(ndev, addrs, vals, NEURON_DUMP_WORDS);
	neuron_hw_end(ndev, idx);
	if (ret)
		goto out;

	for (i = 0; i < NEURON_DUMP_MISC_WORDS; i += 4)
		seq_printf(m, "misc+0x%03x: %08x %08x %08x %08x\n", 4 * i,
			   vals[i], vals[i + 1], vals[i + 2], vals[i + 3]);
	for (e = 0; e < NEURON_DMA_ENG_COUNT; e++) {
		seq_printf(m, "udma%-2d", e);
		for (i = 0; i < NEURON_DUMP_ENG_REGS; i++)
			seq_printf(m, " %s=%08x", eng_regs[i].name,
				   vals[NEURON_DUMP_MISC_WORDS + e * NEURON_DUMP_ENG_REGS + i]);
		seq_putc(m, '\n');
	}
out:
	kfree(vals);
	kfree(addrs);
	return ret;
}

static int neuron_debugfs_cores(struct seq_file *m, void *data)
{
	neuron_cores_show(neuron_from_seq(m), m);
	return 0;
}

static int neuron_debugfs_dram(struct seq_file *m, void *data)
{
	neuron_dram_show(neuron_from_seq(m), m);
	return 0;
}

static const struct drm_debugfs_info neuron_debugfs_list[] = {
	{ "fwio_stats", neuron_debugfs_fwio_stats, 0 },
	{ "registers", neuron_debugfs_registers, 0 },
	{ "cores", neuron_debugfs_cores, 0 },
	{ "dram", neuron_debugfs_dram, 0 },
};

/*
 * Writing "shutdown" runs the driver's &pci_driver.shutdown as a reboot or
 * kexec would, with the system still up, so a test can check that the
 * device writes no host memory afterwards. Under the device lock, as
 * device_shutdown() calls it; a trylock because remove() may hold that
 * lock while it waits for this file's writers to go.
 */
static ssize_t neuron_debugfs_shutdown_write(struct file *f,
					     const char __user *buf,
					     size_t len, loff_t *pos)
{
	struct neuron_device *ndev = file_inode(f)->i_private;
	struct device *dev = &ndev->pdev->dev;
	ssize_t ret = len;

	if (!device_trylock(dev))
		return -EBUSY;
	/* Under the device lock no remove() starts: no drm_dev_enter(). */
	if (drm_dev_is_unplugged(&ndev->drm))
		ret = -ENODEV;
	else
		neuron_pci_shutdown(ndev->pdev);
	device_unlock(dev);
	return ret;
}

static const struct file_operations neuron_debugfs_shutdown_fops = {
	.owner = THIS_MODULE,
	.write = neuron_debugfs_shutdown_write,
	.llseek = noop_llseek,
};

void neuron_debugfs_init(struct neuron_device *ndev)
{
	drm_debugfs_add_files(&ndev->drm, neuron_debugfs_list,
			      ARRAY_SIZE(neuron_debugfs_list));
	debugfs_create_file("shutdown", 0200, ndev->drm.debugfs_root, ndev,
			    &neuron_debugfs_shutdown_fops);
}
