// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * DRM accel driver for AWS Inferentia (Neuron v1): PCI binding, the DRM
 * device and its ioctl table.
 */

#include <linux/compat.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/neuron_accel.h>

#include "neuron_context.h"
#include "neuron_core.h"
#include "neuron_dram.h"
#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_job.h"
#include "neuron_gem.h"
#include "neuron_nq.h"
#include "neuron_program.h"
#include "neuron_regs.h"
#include "neuron_reset.h"
#include "neuron_topology.h"

/**
 * neuron_hw_begin() - start an operation on the hardware for userspace
 * @ndev: the device
 * @idx: cookie for neuron_hw_end()
 *
 * Never waits for a reset: callers hold locks a reset takes. A driver ioctl
 * that gets -EAGAIN from here is issued again by neuron_ioctl() once the
 * reset is over, so userspace never sees it.
 *
 * Return: 0, or -ENODEV after unplug or shutdown, -EAGAIN while a reset is
 * in progress, -EIO when the device is wedged by a failed reset or a PCI
 * error.
 */
int neuron_hw_begin(struct neuron_device *ndev, int *idx)
{
	if (!drm_dev_enter(&ndev->drm, idx))
		return -ENODEV;

	/* Fail rather than wait: a reset can take seconds on hardware. */
	if (!down_read_trylock(&ndev->reset_lock)) {
		drm_dev_exit(*idx);
		return -EAGAIN;
	}

	/* The PCI core resets the function: as for our own resets. */
	if (ndev->flr) {
		up_read(&ndev->reset_lock);
		drm_dev_exit(*idx);
		return -EAGAIN;
	}

	if (ndev->shut_down || ndev->wedged) {
		up_read(&ndev->reset_lock);
		drm_dev_exit(*idx);
		/* After shutdown the device stays off until the next bind. */
		return ndev->shut_down ? -ENODEV : -EIO;
	}

	return 0;
}

void neuron_hw_end(struct neuron_device *ndev, int idx)
{
	up_read(&ndev->reset_lock);
	drm_dev_exit(idx);
}

/**
 * neuron_reset_block() - a reset (or remove()) is about to take the reset
 * lock for writing
 * @ndev: the device
 *
 * From here until neuron_reset_unblock(), driver ioctls that need the
 * hardware sleep in neuron_ioctl() instead of failing.
 */
void neuron_reset_block(struct neuron_device *ndev)
{
	atomic_inc(&ndev->resets_pending);
}

/**
 * neuron_reset_unblock() - the reset started by neuron_reset_block() is over
 * @ndev: the device
 */
void neuron_reset_unblock(struct neuron_device *ndev)
{
	atomic_inc(&ndev->reset_seq);
	if (atomic_dec_and_test(&ndev->resets_pending))
		wake_up_all(&ndev->reset_wq);
}

/**
 * neuron_fence_driver_name() - &dma_fence_ops.get_driver_name of every
 * fence the driver creates
 * @fence: the fence
 *
 * Return: the driver's name.
 */
const char *neuron_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static int neuron_ioctl_post_metrics(struct drm_device *dev, void *data,
				     struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_post_metrics *args = data;
	u8 blob[DRM_NEURON_METRICS_MAX_SIZE];
	int idx, ret;

	if (args->flags || !args->size ||
	    args->size > DRM_NEURON_METRICS_MAX_SIZE)
		return -EINVAL;
	if (copy_from_user(blob, u64_to_user_ptr(args->data), args->size))
		return -EFAULT;

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		return ret;

	ret = neuron_fwio_post_metrics(ndev, blob, args->size);
	neuron_hw_end(ndev, idx);

	return ret;
}

static int neuron_open(struct drm_device *dev, struct drm_file *file)
{
	struct neuron_file *nfile;
	int ret;

	nfile = kzalloc_obj(*nfile);
	if (!nfile)
		return -ENOMEM;

	nfile->ndev = to_neuron_device(dev);
	ret = neuron_job_file_open(nfile->ndev, &nfile->jobs);
	if (ret) {
		kfree(nfile);
		return ret;
	}
	neuron_programs_file_open(nfile);
	neuron_contexts_file_open(nfile);
	file->driver_priv = nfile;
	return 0;
}

static void neuron_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct neuron_file *nfile = file->driver_priv;

	neuron_gem_show_fdinfo(p, file);
	neuron_job_show_fdinfo(p, nfile->jobs);
}

static void neuron_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct neuron_file *nfile = file->driver_priv;

	/*
	 * Jobs still queued or running may write the released cores; the
	 * next CORE_ACQUIRE waits for them (see neuron_core.c).
	 */
	neuron_cores_file_close(to_neuron_device(dev), file->driver_priv);
	neuron_contexts_file_close(nfile);
	neuron_programs_file_close(nfile);
	neuron_job_file_close(nfile->jobs);
	kfree(file->driver_priv);
}

static const struct drm_ioctl_desc neuron_drm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(NEURON_QUERY, neuron_ioctl_query, 0),
	DRM_IOCTL_DEF_DRV(NEURON_DEVICE_STATE, neuron_ioctl_device_state, 0),
	DRM_IOCTL_DEF_DRV(NEURON_POST_METRICS, neuron_ioctl_post_metrics,
			  DRM_ROOT_ONLY),
	DRM_IOCTL_DEF_DRV(NEURON_RESET, neuron_ioctl_reset, 0),
	DRM_IOCTL_DEF_DRV(NEURON_SUBMIT, neuron_ioctl_submit, 0),
	DRM_IOCTL_DEF_DRV(NEURON_BO_CREATE, neuron_ioctl_bo_create, 0),
	DRM_IOCTL_DEF_DRV(NEURON_BO_INFO, neuron_ioctl_bo_info, 0),
	DRM_IOCTL_DEF_DRV(NEURON_CORE_ACQUIRE, neuron_ioctl_core_acquire, 0),
	DRM_IOCTL_DEF_DRV(NEURON_CORE_RELEASE, neuron_ioctl_core_release, 0),
	DRM_IOCTL_DEF_DRV(NEURON_SEM_OP, neuron_ioctl_sem_op, 0),
	DRM_IOCTL_DEF_DRV(NEURON_EVENT_OP, neuron_ioctl_event_op, 0),
	DRM_IOCTL_DEF_DRV(NEURON_NQ_CREATE, neuron_ioctl_nq_create, 0),
	DRM_IOCTL_DEF_DRV(NEURON_NQ_DESTROY, neuron_ioctl_nq_destroy, 0),
	DRM_IOCTL_DEF_DRV(NEURON_NQ_ADVANCE, neuron_ioctl_nq_advance, 0),
	DRM_IOCTL_DEF_DRV(NEURON_WAIT, neuron_ioctl_wait, 0),
	DRM_IOCTL_DEF_DRV(NEURON_PROGRAM_CREATE, neuron_ioctl_program_create, 0),
	DRM_IOCTL_DEF_DRV(NEURON_PROGRAM_DESTROY, neuron_ioctl_program_destroy,
			  0),
	DRM_IOCTL_DEF_DRV(NEURON_CONTEXT_CREATE, neuron_ioctl_context_create, 0),
	DRM_IOCTL_DEF_DRV(NEURON_CONTEXT_DESTROY, neuron_ioctl_context_destroy,
			  0),
};

/*
 * Core DRM ioctls on an accel node. drm_ioctl() applies the render-node
 * allow list (DRM_RENDER_ALLOW) to render nodes only, so an accel file
 * reaches every core ioctl; some of those oops on a file without a master
 * (GET_UNIQUE, GET_MAGIC), and the syncobj array ioctls allocate
 * count_handles entries unbounded, a WARN in the page allocator for a
 * large count. Until the core handles both on every kernel the driver
 * is built for, the node's own entry point passes the render-node allow
 * list only and bounds the syncobj counts. The rules are ABI: "DOC: core
 * DRM ioctls" in neuron_accel.h.
 */

/*
 * A syncobj array ioctl whose count_handles is at @offset in the
 * argument. Read-only look at the user's copy: the core copies it again,
 * so a second thread rewriting the count in between is not stopped here
 * (only the core can close that window).
 */
static int neuron_syncobj_count_check(unsigned int cmd, void __user *uarg,
				      size_t offset)
{
	u8 __user *ucount = (u8 __user *)uarg + offset;
	size_t size = _IOC_SIZE(cmd);
	u32 count = 0;

	/*
	 * drm_ioctl() copies _IOC_SIZE(cmd) bytes of a command with IOC_IN and
	 * zeroes the rest: without the count the core sees 0 and refuses it,
	 * and a size that ends inside the count leaves the core its first
	 * bytes, which may still make a count far above the bound.
	 */
	if (!(cmd & IOC_IN) || size <= offset)
		return 0;
	if (copy_from_user(&count, ucount, min(size - offset, sizeof(count))))
		return -EFAULT;
	return count > DRM_NEURON_SYNCOBJ_MAX_HANDLES ? -EINVAL : 0;
}

/* The core ignores drm_gem_close.pad; the uAPI rule is that pads are 0. */
static int neuron_gem_close_check(unsigned int cmd, void __user *uarg)
{
	struct drm_gem_close __user *uclose = uarg;
	u32 pad;

	/* As for the counts: what the core will not see is zero to it. */
	if (!(cmd & IOC_IN) || _IOC_SIZE(cmd) < sizeof(struct drm_gem_close))
		return 0;
	if (get_user(pad, &uclose->pad))
		return -EFAULT;
	return pad ? -EINVAL : 0;
}

/*
 * drm_ioctl() copies the results out after the handler returned: with a
 * read-only argument the caller would get -EFAULT for a BO, a syncobj, a
 * job that exists. So a command that writes its argument back first
 * checks it can, by writing back what it holds; the handler then runs only
 * when the copy out will succeed (unless another thread changes the
 * mapping in between, which is its own race).
 */
static int neuron_ioctl_out_check(unsigned int cmd, void __user *uarg)
{
	size_t size = _IOC_SIZE(cmd);
	u8 buf[128];

	if (!(cmd & IOC_OUT) || !size)
		return 0;
	if (size > sizeof(buf))
		return fault_in_safe_writeable(uarg, size) ? -EFAULT : 0;
	if (copy_from_user(buf, uarg, size) || copy_to_user(uarg, buf, size))
		return -EFAULT;
	return 0;
}

/* The core ioctl allow list; driver ioctls pass. */
static long neuron_ioctl_core_check(unsigned int cmd, void __user *uarg)
{
	unsigned int nr = DRM_IOCTL_NR(cmd);

	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END)
		return 0;

	/* By number, as drm_ioctl() dispatches: size and direction vary. */
	switch (nr) {
	case DRM_IOCTL_NR(DRM_IOCTL_VERSION):
	case DRM_IOCTL_NR(DRM_IOCTL_GET_CAP):
	case DRM_IOCTL_NR(DRM_IOCTL_PRIME_HANDLE_TO_FD):
	case DRM_IOCTL_NR(DRM_IOCTL_PRIME_FD_TO_HANDLE):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_CREATE):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_DESTROY):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TRANSFER):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_EVENTFD):
		return 0;
	case DRM_IOCTL_NR(DRM_IOCTL_GEM_CLOSE):
		return neuron_gem_close_check(cmd, uarg);
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_WAIT):
		return neuron_syncobj_count_check(cmd, uarg,
			offsetof(struct drm_syncobj_wait, count_handles));
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT):
		return neuron_syncobj_count_check(cmd, uarg,
			offsetof(struct drm_syncobj_timeline_wait, count_handles));
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		return neuron_syncobj_count_check(cmd, uarg,
			offsetof(struct drm_syncobj_array, count_handles));
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_QUERY):
	case DRM_IOCTL_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL):
		return neuron_syncobj_count_check(cmd, uarg,
			offsetof(struct drm_syncobj_timeline_array, count_handles));
	default:
		return -EACCES;
	}
}

/* 0 if @cmd may go on to the DRM core, else the errno to return. */
static long neuron_ioctl_filter(unsigned int cmd, void __user *uarg)
{
	long ret;

	/* drm_compat_ioctl() dispatches on the number alone: check the type. */
	if (DRM_IOCTL_TYPE(cmd) != DRM_IOCTL_BASE)
		return -ENOTTY;
	ret = neuron_ioctl_core_check(cmd, uarg);
	return ret ? ret : neuron_ioctl_out_check(cmd, uarg);
}

/*
 * Driver ioctls that reach the hardware while a reset runs get -EAGAIN from
 * neuron_hw_begin(), before they changed anything. Rather than handing
 * that to userspace (drmIoctl() would spin on it for as long as the reset
 * runs), sleep interruptibly until the reset is over and issue the call
 * again, as if it had arrived afterwards. A signal ends the sleep with
 * -ERESTARTSYS: the call is restarted, or fails with -EINTR.
 */
static long neuron_ioctl_retry(struct file *filp, unsigned int cmd,
			       unsigned long arg,
			       long (*ioctl)(struct file *, unsigned int,
					     unsigned long))
{
	struct drm_file *file = filp->private_data;
	struct neuron_device *ndev = to_neuron_device(file->minor->dev);
	unsigned int nr = DRM_IOCTL_NR(cmd);
	long ret;
	int seq;

	if (nr < DRM_COMMAND_BASE || nr >= DRM_COMMAND_END)
		return ioctl(filp, cmd, arg);

	for (;;) {
		seq = atomic_read(&ndev->reset_seq);
		ret = ioctl(filp, cmd, arg);
		if (ret != -EAGAIN)
			return ret;
		/* -EAGAIN without a reset: not neuron_hw_begin()'s, pass it. */
		if (!atomic_read(&ndev->resets_pending) &&
		    atomic_read(&ndev->reset_seq) == seq)
			return ret;
		ret = wait_event_interruptible(ndev->reset_wq,
					       !atomic_read(&ndev->resets_pending));
		if (ret)
			return ret;
	}
}

static long neuron_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	long ret = neuron_ioctl_filter(cmd, (void __user *)arg);

	return ret ? ret : neuron_ioctl_retry(filp, cmd, arg, drm_ioctl);
}

#ifdef CONFIG_COMPAT
/* drm_compat_ioctl() calls some core handlers directly: filter it too. */
static long neuron_compat_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg)
{
	long ret = neuron_ioctl_filter(cmd, compat_ptr(arg));

	return ret ? ret : neuron_ioctl_retry(filp, cmd, arg, drm_compat_ioctl);
}
#else
#define neuron_compat_ioctl	NULL
#endif

/* DRM_ACCEL_FOPS plus fdinfo (6.12's macro lacks .show_fdinfo). */
static const struct file_operations neuron_fops = {
	.owner		= THIS_MODULE,
	.open		= accel_open,
	.release	= drm_release,
	.unlocked_ioctl	= neuron_ioctl,
	.compat_ioctl	= neuron_compat_ioctl,
	.poll		= drm_poll,
	.read		= drm_read,
	.mmap		= drm_gem_mmap,
	.llseek		= noop_llseek,
	.show_fdinfo	= drm_show_fdinfo,
	.fop_flags	= FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver neuron_drm_driver = {
	.driver_features	= DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
				  DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open			= neuron_open,
	.postclose		= neuron_postclose,
	.show_fdinfo		= neuron_show_fdinfo,
	.gem_create_object	= neuron_gem_create_object,
	.gem_prime_import	= neuron_gem_prime_import,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.ioctls			= neuron_drm_ioctls,
	.num_ioctls		= ARRAY_SIZE(neuron_drm_ioctls),
	.fops			= &neuron_fops,
	.name			= DRIVER_NAME,
	.desc			= DRIVER_DESC,
	.major			= DRIVER_MAJOR,
	.minor			= DRIVER_MINOR,
	.patchlevel		= DRIVER_PATCHLEVEL,
};

static int neuron_map_bar(struct neuron_device *ndev, int bar,
			  resource_size_t min_size, void __iomem **map,
			  resource_size_t *size)
{
	struct pci_dev *pdev = ndev->pdev;
	struct device *dev = &pdev->dev;

	*size = pci_resource_len(pdev, bar);
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) || *size < min_size)
		return dev_err_probe(dev, -ENODEV,
				     "BAR%d missing or too small (%pa bytes, need %pa)\n",
				     bar, size, &min_size);

	*map = pcim_iomap_region(pdev, bar, DRIVER_NAME);
	if (IS_ERR(*map))
		return dev_err_probe(dev, PTR_ERR(*map), "cannot map BAR%d\n", bar);

	return 0;
}

/*
 * BAR4 (device DRAM) is optional: the device is fully usable through DMA
 * without it, and real hardware may block host accesses through it. The
 * kernel never accesses DRAM through it, only user mappings of DRAM BOs
 * (io_remap_pfn_range()) do, so it is reserved but not mapped: a kernel
 * mapping of 8 GiB per device costs page tables and, under KASAN_VMALLOC,
 * 1 GiB of shadow each.
 */
static void neuron_map_dram_bar(struct neuron_device *ndev)
{
	struct pci_dev *pdev = ndev->pdev;
	struct device *dev = &pdev->dev;
	resource_size_t size = pci_resource_len(pdev, NEURON_BAR_DRAM);
	resource_size_t want = (resource_size_t)NEURON_DRAM_CHANNELS *
			       NEURON_DRAM_CHANNEL_SIZE;

	if (!size || !(pci_resource_flags(pdev, NEURON_BAR_DRAM) & IORESOURCE_MEM))
		return;

	if (size < want) {
		dev_warn(dev, "BAR4 too small (%pa bytes), not using it\n", &size);
		return;
	}

	if (pcim_request_region(pdev, NEURON_BAR_DRAM, DRIVER_NAME)) {
		dev_warn(dev, "BAR4 busy, not using it\n");
		return;
	}
	ndev->dram_bar = true;
}

static int neuron_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct neuron_device *ndev;
	int ret;

	ndev = devm_drm_dev_alloc(dev, &neuron_drm_driver, struct neuron_device, drm);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);

	ndev->pdev = pdev;
	init_rwsem(&ndev->reset_lock);
	init_waitqueue_head(&ndev->reset_wq);
	INIT_WORK(&ndev->reset_work, neuron_reset_work);
	INIT_WORK(&ndev->core_reset_work, neuron_reset_cores_work);
	INIT_WORK(&ndev->reset_notify_work, neuron_reset_notify_work);
	spin_lock_init(&ndev->reset_req_lock);
	INIT_LIST_HEAD(&ndev->host_bos);
	spin_lock_init(&ndev->peer_lock);
	init_waitqueue_head(&ndev->peer_wq);
	pci_set_drvdata(pdev, ndev);

	ret = drmm_mutex_init(&ndev->drm, &ndev->host_bos_lock);
	if (ret)
		return ret;

	ret = neuron_cores_init(ndev);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable PCI device\n");

	ret = neuron_map_bar(ndev, NEURON_BAR_APB, NEURON_BAR_APB_MIN_SIZE,
			     &ndev->apb, &ndev->apb_size);
	if (ret)
		return ret;

	ret = neuron_map_bar(ndev, NEURON_BAR_TPB, NEURON_BAR_TPB_MIN_SIZE,
			     &ndev->tpb, &ndev->tpb_size);
	if (ret)
		return ret;

	ret = neuron_gem_init(ndev);
	if (ret)
		return ret;

	neuron_map_dram_bar(ndev);

	/* Bits 47:46 of a device address select host/peers (spec 2.5). */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(NEURON_DMA_BITS));
	if (ret)
		return dev_err_probe(dev, ret, "no usable %d-bit DMA\n",
				     NEURON_DMA_BITS);
	/*
	 * Jobs split every DMA segment into descriptors themselves, so a
	 * segment may be as long as the DMA layer can make it.
	 */
	dma_set_max_seg_size(dev, UINT_MAX);

	/* The firmware answers by DMA, so mastering must be on before FWIO. */
	pci_set_master(pdev);

	ret = neuron_fwio_init(ndev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot set up the firmware mailbox\n");

	ret = neuron_topology_register(ndev);
	if (ret)
		return ret;

	ret = neuron_reset_hw(ndev);
	if (ret)
		return dev_err_probe(dev, ret,
				     "device did not come up after reset\n");

	neuron_debugfs_init(ndev);

	ret = neuron_jobs_init(ndev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot set up DMA jobs\n");

	ret = drm_dev_register(&ndev->drm, 0);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register DRM device\n");

	/* DRAM is cleared in the background; BO_CREATE waits if it must. */
	neuron_dram_start(ndev);
	neuron_topology_start(ndev);

	/* What slot_reset restores after a PCI error reset the link. */
	pci_save_state(pdev);

	drm_info(&ndev->drm, "Neuron v1 %04x rev %u, device id %#x%s\n",
		 pdev->device, pdev->revision, ndev->device_id,
		 ndev->dram_bar ? ", DRAM BAR" : "");
	return 0;
}

static void neuron_pci_remove(struct pci_dev *pdev)
{
	struct neuron_device *ndev = neuron_from_pdev(pdev);
	int idx;

	/* A reset polling the firmware gives up rather than hold us up. */
	WRITE_ONCE(ndev->removing, true);

	/*
	 * Our DRAM goes to the next instance once we are gone: neighbours'
	 * jobs that use it must not start any more, and those running end
	 * first (their own job timeout bounds the wait).
	 */
	neuron_jobs_peer_gone(ndev);

	/*
	 * Wait for a running reset, which may publish our id again; those
	 * that take the lock after us see @removing and do nothing. Not held
	 * any longer: unplugging allocates (device_del() sends a uevent), and
	 * a reset waits for this lock inside a fence signalling path. The
	 * unplug waits for resets and hardware operations that have entered
	 * the device, and keeps every later one out.
	 */
	neuron_reset_block(ndev);
	down_write(&ndev->reset_lock);
	/* Neighbours must stop mapping this device to our minor. */
	if (drm_dev_enter(&ndev->drm, &idx)) {
		neuron_apb_write(ndev, NEURON_MISC_DEVICE_ID, 0);
		drm_dev_exit(idx);
	}
	up_write(&ndev->reset_lock);

	/* Open files keep failing with -ENODEV from here on. */
	drm_dev_unplug(&ndev->drm);
	neuron_jobs_unplug(ndev);
	/* No job runs any more: the BOs' mappings of the device go now. */
	neuron_bo_unplug(ndev);
	neuron_dram_stop(ndev);

	/* Sleeping WAITs look again now, and return -ENODEV. */
	mutex_lock(&ndev->cores.lock);
	neuron_cores_changed(ndev);
	mutex_unlock(&ndev->cores.lock);

	neuron_reset_unblock(ndev);
	/* No reset reports anything after the unplug: send what is left. */
	flush_work(&ndev->reset_notify_work);
}

/**
 * neuron_pci_shutdown() - quiesce the device for reboot, kexec or halt
 * @pdev: the PCI function
 *
 * See neuron_reset_shutdown(). The driver stays bound; remove() still
 * works afterwards. The debugfs file "shutdown" runs this for tests.
 */
void neuron_pci_shutdown(struct pci_dev *pdev)
{
	struct neuron_device *ndev = neuron_from_pdev(pdev);

	neuron_reset_shutdown(ndev);
	drm_info(&ndev->drm, "shut down: DMA and notification queues stopped\n");
}

/*
 * PCI error recovery (AER, DPC): stop everything and fail what was in
 * flight, then reset through the firmware once the link is back. See
 * "Lifecycle" in Documentation/accel/neuron/index.rst.
 */
static pci_ers_result_t neuron_pci_error_detected(struct pci_dev *pdev,
						  pci_channel_state_t state)
{
	struct neuron_device *ndev = neuron_from_pdev(pdev);

	drm_err(&ndev->drm, "PCI error (channel %s): stopping the device\n",
		state == pci_channel_io_normal ? "normal" :
		state == pci_channel_io_frozen ? "frozen" : "failed");
	neuron_reset_stop(ndev);
	if (state == pci_channel_io_perm_failure) {
		pci_clear_master(pdev);
		return PCI_ERS_RESULT_DISCONNECT;
	}
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t neuron_pci_slot_reset(struct pci_dev *pdev)
{
	struct neuron_device *ndev = neuron_from_pdev(pdev);

	/* A link reset cleared config space; restore_state forgets it. */
	pci_restore_state(pdev);
	pci_save_state(pdev);
	pci_set_master(pdev);

	/* Success clears the wedged state set by error_detected. */
	return neuron_reset(ndev, false) ? PCI_ERS_RESULT_DISCONNECT :
					   PCI_ERS_RESULT_RECOVERED;
}

static void neuron_pci_resume(struct pci_dev *pdev)
{
	drm_info(&neuron_from_pdev(pdev)->drm, "recovered from a PCI error\n");
}

static void neuron_pci_reset_prepare(struct pci_dev *pdev)
{
	neuron_reset_flr_prepare(neuron_from_pdev(pdev));
}

static void neuron_pci_reset_done(struct pci_dev *pdev)
{
	neuron_reset_flr_done(neuron_from_pdev(pdev));
}

static const struct pci_error_handlers neuron_pci_err_handlers = {
	.error_detected	= neuron_pci_error_detected,
	.slot_reset	= neuron_pci_slot_reset,
	.resume		= neuron_pci_resume,
	.reset_prepare	= neuron_pci_reset_prepare,
	.reset_done	= neuron_pci_reset_done,
};

static const struct pci_device_id neuron_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_AMAZON, 0x7064) },
	{ PCI_DEVICE(PCI_VENDOR_ID_AMAZON, 0x7065) },
	{ PCI_DEVICE(PCI_VENDOR_ID_AMAZON, 0x7066) },
	{ PCI_DEVICE(PCI_VENDOR_ID_AMAZON, 0x7067) },
	{ }
};
MODULE_DEVICE_TABLE(pci, neuron_pci_ids);

static struct pci_driver neuron_pci_driver = {
	.name		= DRIVER_NAME,
	.id_table	= neuron_pci_ids,
	.probe		= neuron_pci_probe,
	.remove		= neuron_pci_remove,
	.shutdown	= neuron_pci_shutdown,
	.err_handler	= &neuron_pci_err_handlers,
	.dev_groups	= neuron_sysfs_groups,
};

static int __init neuron_init(void)
{
	neuron_topology_init();
	return pci_register_driver(&neuron_pci_driver);
}
module_init(neuron_init);

static void __exit neuron_exit(void)
{
	pci_unregister_driver(&neuron_pci_driver);
	/* The last fences' RCU frees (neuron_fence.c) run our code. */
	rcu_barrier();
}
module_exit(neuron_exit);

MODULE_AUTHOR("The neuron driver authors");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
#ifdef NEURON_VERSION
/* Out-of-tree (DKMS) builds: the project's release, from the root Kbuild. */
MODULE_VERSION(NEURON_VERSION);
#endif
