// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Device reset through the firmware.
 *
 * The driver writes the reset type into MISC+0x1EC and rings the doorbell.
 * The firmware clears MISC+0x1EC when it has taken the request and sets the
 * ready bit of the status word when the device is usable again. Real
 * hardware takes seconds; the emulated device is nearly instant, so the
 * timings are module parameters with bounded, generous defaults.
 */

#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/neuron_accel.h>

#include "neuron_core.h"
#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_nq.h"
#include "neuron_regs.h"
#include "neuron_reset.h"
#include "neuron_topology.h"

static unsigned int reset_initial_wait_ms = 10;
module_param(reset_initial_wait_ms, uint, 0644);
MODULE_PARM_DESC(reset_initial_wait_ms,
		 "Wait after requesting a device reset before polling it, in ms (default 10; hardware needs ~7000)");

static unsigned int reset_timeout_ms = 120000;
module_param(reset_timeout_ms, uint, 0644);
MODULE_PARM_DESC(reset_timeout_ms,
		 "Give up on a device reset the firmware did not take after this many ms (default 120000)");

static unsigned int ready_timeout_ms = 5000;
module_param(ready_timeout_ms, uint, 0644);
MODULE_PARM_DESC(ready_timeout_ms,
		 "Give up waiting for the firmware ready bit after a reset after this many ms (default 5000)");

/* Poll intervals; re-send the request if the firmware seems to have lost it. */
#define NEURON_RESET_POLL_MS		20
#define NEURON_RESET_RESEND_MS		30000
#define NEURON_READY_POLL_MS		20

/* @core_mask: for NEURON_RESET_CORES, the NeuronCores to reset */
static void neuron_reset_request(struct neuron_device *ndev, u32 type,
				 u32 core_mask)
{
	if (type == NEURON_RESET_CORES)
		neuron_apb_write(ndev, NEURON_MISC_RESET_CORE_MAP, core_mask);
	neuron_apb_write(ndev, NEURON_MISC_RESET, type);
	/* writel() orders the request before the doorbell. */
	neuron_apb_write(ndev, NEURON_MISC_DOORBELL, 1);
}

static int neuron_reset_wait_taken(struct neuron_device *ndev, u32 type,
				   u32 core_mask)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(reset_timeout_ms);
	unsigned long resend = jiffies + msecs_to_jiffies(NEURON_RESET_RESEND_MS);
	u32 val;
	int ret;

	for (;;) {
		/* The firmware does not answer while it resets; keep asking. */
		ret = neuron_fwio_read32_flags(ndev, NEURON_APB_ADDR(NEURON_MISC_RESET),
					       &val, NEURON_FWIO_NO_RETRY |
					       NEURON_FWIO_QUIET |
					       NEURON_FWIO_NOINTR);
		if (!ret && !val)
			return 0;
		if (ret == -ENODEV)
			return ret;
		/* remove() waits for us: do not make it wait for the timeout. */
		if (READ_ONCE(ndev->removing))
			return -ENODEV;
		if (time_after(jiffies, deadline))
			return ret ? ret : -ETIMEDOUT;
		if (time_after(jiffies, resend)) {
			neuron_reset_request(ndev, type, core_mask);
			resend = jiffies + msecs_to_jiffies(NEURON_RESET_RESEND_MS);
		}
		msleep(NEURON_RESET_POLL_MS);
	}
}

static int neuron_reset_wait_ready(struct neuron_device *ndev, u32 *status)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ready_timeout_ms);
	int ret;

	for (;;) {
		ret = neuron_fwio_read32_flags(ndev,
					       NEURON_APB_ADDR(NEURON_MISC_FW_STATUS),
					       status, NEURON_FWIO_NO_RETRY |
					       NEURON_FWIO_QUIET |
					       NEURON_FWIO_NOINTR);
		if (!ret && (*status & NEURON_FW_STATUS_READY))
			return 0;
		if (ret == -ENODEV)
			return ret;
		if (READ_ONCE(ndev->removing))
			return -ENODEV;
		if (time_after(jiffies, deadline))
			return ret ? ret : -ETIMEDOUT;
		msleep(NEURON_READY_POLL_MS);
	}
}

/**
 * neuron_reset_hw() - reset the device and wait until it is ready
 * @ndev: the device; the caller guarantees nothing else uses the hardware
 *        (probe, or @ndev->reset_lock held for writing) and that it is
 *        still there (probe, or inside drm_dev_enter())
 *
 * On success the device's topology slot holds our id again (the reset
 * clears it), and the status and links sysfs shows are read anew.
 *
 * Return: 0; -ENODEV after unplug (or remove() started); -ETIMEDOUT
 * when the firmware did not take the reset or did not become ready; another
 * negative errno from the mailbox.
 */
int neuron_reset_hw(struct neuron_device *ndev)
{
	struct drm_neuron_query_topology topo;
	unsigned long start = jiffies;
	u32 status = 0;
	int ret;

	/* No drm_dev_enter() of its own: it would hide us from lockdep. */
	neuron_reset_request(ndev, NEURON_RESET_DEVICE, 0);
	msleep(reset_initial_wait_ms);

	ret = neuron_reset_wait_taken(ndev, NEURON_RESET_DEVICE, 0);
	if (ret) {
		/* -ENODEV: remove() ended it, nothing went wrong. */
		if (ret != -ENODEV)
			drm_err(&ndev->drm, "firmware did not take the reset request: %d\n",
				ret);
		return ret;
	}

	ret = neuron_reset_wait_ready(ndev, &status);
	if (ret == -ENODEV)
		return ret;
	if (ret) {
		drm_err(&ndev->drm,
			"device not ready %u ms after reset (firmware status %#x): %d\n",
			jiffies_to_msecs(jiffies - start), status, ret);
		return ret;
	}

	neuron_topology_publish_id(ndev);
	/* What sysfs shows; a failure here leaves the links to a refresh. */
	neuron_topology_read(ndev, &topo);
	ndev->reset_count++;
	drm_dbg_driver(&ndev->drm, "reset done in %u ms, firmware status %#x\n",
		       jiffies_to_msecs(jiffies - start), status);
	return 0;
}

/**
 * neuron_reset_notify_work() - report what resets changed
 * @work: &neuron_device.reset_notify_work
 *
 * Tells userspace that the device became wedged or recovered: a
 * KOBJ_CHANGE uevent on the accel node with WEDGED=1 or WEDGED=0, and a
 * sysfs_notify() of the neuron/wedged attribute; every change, in order.
 * drm_dev_wedged_event() (6.14+) is not used: it sends its event on the
 * primary minor, which accel devices do not have. See
 * Documentation/ABI/testing/sysfs-driver-neuron. After a successful reset
 * the neighbours read our topology slot again.
 *
 * Not in the reset: a uevent allocates memory, sysfs_notify() takes
 * kernfs locks held around allocations, and the topology lock is held
 * around one; memory reclaim may wait for fences that only the reset
 * signals.
 */
void neuron_reset_notify_work(struct work_struct *work)
{
	struct neuron_device *ndev = container_of(work, struct neuron_device,
						  reset_notify_work);
	bool topology, event;
	char *envp[2];
	int idx;

	spin_lock(&ndev->reset_req_lock);
	topology = ndev->topology_dirty;
	ndev->topology_dirty = false;
	spin_unlock(&ndev->reset_req_lock);
	if (topology)
		neuron_topology_changed();

	for (;;) {
		spin_lock(&ndev->reset_req_lock);
		event = ndev->wedged_events;
		if (event)
			ndev->wedged_events--;
		spin_unlock(&ndev->reset_req_lock);
		if (!event)
			break;

		/* The changes alternate: wedged, recovered, wedged... */
		ndev->wedged_reported = !ndev->wedged_reported;
		if (!drm_dev_enter(&ndev->drm, &idx))
			continue;
		envp[0] = ndev->wedged_reported ? "WEDGED=1" : "WEDGED=0";
		envp[1] = NULL;
		kobject_uevent_env(&ndev->drm.accel->kdev->kobj, KOBJ_CHANGE, envp);
		sysfs_notify(&ndev->pdev->dev.kobj, "neuron", "wedged");
		drm_dev_exit(idx);
	}
}

/*
 * The device became wedged or recovered: say so in the log, and have
 * neuron_reset_notify_work() tell userspace. Called under the reset lock,
 * so the changes are counted in order.
 */
static void neuron_report_wedged(struct neuron_device *ndev, bool wedged,
				 const char *why)
{
	if (wedged)
		drm_err(&ndev->drm, "device wedged: %s; reset again or rebind\n", why);
	else
		drm_info(&ndev->drm, "device recovered by reset\n");
	spin_lock(&ndev->reset_req_lock);
	ndev->wedged_events++;
	spin_unlock(&ndev->reset_req_lock);
	queue_work(system_dfl_wq, &ndev->reset_notify_work);
}

/*
 * Take the device for a reset: driver ioctls that need it sleep in
 * neuron_ioctl() from here, those running finish first, the schedulers
 * stop. On success the caller is inside drm_dev_enter() (*@idx) and must
 * call neuron_reset_end(). A caller in a fence signalling section passes
 * its cookie in @cookie, for neuron_fence_signalling_reenter(); others
 * pass NULL.
 */
static int neuron_reset_begin(struct neuron_device *ndev, int *idx,
			      bool *cookie)
{
	neuron_reset_block(ndev);
	/* Holders are bounded: hardware operations, never a fence wait. */
	down_write(&ndev->reset_lock);

	/*
	 * remove() may have run while we waited for the lock: its BARs are
	 * gone then, and the failed-reset path would write to them; or it
	 * cleared our topology slot, which a reset must not publish again.
	 * After shutdown bus mastering is off and must stay off.
	 */
	if (!drm_dev_enter(&ndev->drm, idx))
		goto err_unlock;
	if (cookie)
		*cookie = neuron_fence_signalling_reenter(*cookie);
	if (ndev->shut_down || READ_ONCE(ndev->removing)) {
		drm_dev_exit(*idx);
		goto err_unlock;
	}

	neuron_jobs_reset_prepare(ndev);
	return 0;

err_unlock:
	up_write(&ndev->reset_lock);
	neuron_reset_unblock(ndev);
	return -ENODEV;
}

/*
 * Bring the device back after the hardware reset whose result is @ret:
 * jobs that were in flight fail with -EIO, queues and notification queues
 * are set up again, the wedged state follows @ret. Ends what
 * neuron_reset_begin() started. Returns 0, -ENODEV or -EIO.
 */
static int neuron_reset_end(struct neuron_device *ndev, int idx, int ret)
{
	bool changed = false;

	ret = neuron_jobs_reset_done(ndev, ret);
	if (!ret)
		neuron_nq_reset_done(ndev);
	if (ret && ret != -ENODEV) {
		changed = !ndev->wedged;
		WRITE_ONCE(ndev->wedged, true);
		ret = -EIO;
	} else if (!ret) {
		changed = ndev->wedged;
		WRITE_ONCE(ndev->wedged, false);
	}

	/* Under the lock: events of successive resets stay in order. */
	if (changed)
		neuron_report_wedged(ndev, ret != 0, "the reset failed");
	/* Neighbours read our cleared slot meanwhile: they look again. */
	if (!ret) {
		spin_lock(&ndev->reset_req_lock);
		ndev->topology_dirty = true;
		spin_unlock(&ndev->reset_req_lock);
		queue_work(system_dfl_wq, &ndev->reset_notify_work);
	}
	drm_dev_exit(idx);
	up_write(&ndev->reset_lock);
	neuron_reset_unblock(ndev);
	return ret;
}

/**
 * neuron_reset_work() - run a device reset
 * @work: &neuron_device.reset_work
 *
 * On the device's ordered timeout workqueue, so a reset never runs
 * concurrently with a timeout handler (they would both change rings).
 * Serves every request made before it started: waiters of later ones wait
 * for the next run, which queue_work() arranges.
 *
 * A dma-fence signalling path as a whole: the jobs in flight and those
 * held back signal only once it ran. So it never allocates memory nor
 * waits for anything that may: the reset lock's readers, the mailbox lock
 * and the core lock are never held around an allocation or a page fault,
 * and what userspace learns from a reset is sent by
 * neuron_reset_notify_work(). Lockdep checks all of it: see
 * neuron_fence_signalling_reenter() for the drm_dev_enter() section, and
 * the might_lock()s for the locks that helpers take inside drm_dev_enter()
 * sections of their own (FWIO mailbox, NeuronCores), on every run.
 */
void neuron_reset_work(struct work_struct *work)
{
	struct neuron_device *ndev = container_of(work, struct neuron_device,
						  reset_work);
	unsigned int gen;
	bool cookie;
	int idx, ret;

	cookie = dma_fence_begin_signalling();
	might_lock(&ndev->fwio.lock);
	might_lock(&ndev->cores.lock);
	spin_lock(&ndev->reset_req_lock);
	gen = ndev->reset_requested;
	spin_unlock(&ndev->reset_req_lock);

	ret = neuron_reset_begin(ndev, &idx, &cookie);
	if (!ret)
		ret = neuron_reset_end(ndev, idx, neuron_reset_hw(ndev));

	spin_lock(&ndev->reset_req_lock);
	ndev->reset_served = gen;
	ndev->reset_result = ret;
	spin_unlock(&ndev->reset_req_lock);
	wake_up_all(&ndev->reset_wq);
	dma_fence_end_signalling(cookie);
}

/* Ask for a device reset; returns the generation that serves the request. */
static unsigned int neuron_reset_request_work(struct neuron_device *ndev)
{
	unsigned int gen;

	spin_lock(&ndev->reset_req_lock);
	gen = ++ndev->reset_requested;
	spin_unlock(&ndev->reset_req_lock);
	queue_work(ndev->jobs.timeout_wq, &ndev->reset_work);
	return gen;
}

/*
 * The reset of generation @gen, or a later one, has finished: @served and
 * @served_result are the generation and result of the last one of its kind
 * (device or NeuronCore), under the request lock.
 */
static bool neuron_reset_served(struct neuron_device *ndev,
				const unsigned int *served,
				const int *served_result, unsigned int gen,
				int *result)
{
	bool done;

	spin_lock(&ndev->reset_req_lock);
	done = (int)(*served - gen) >= 0;
	*result = *served_result;
	spin_unlock(&ndev->reset_req_lock);
	return done;
}

/**
 * neuron_reset() - reset a device that is in use, and wait for it
 * @ndev: the device
 * @interruptible: a signal may end the wait (the reset goes on)
 *
 * The reset runs in neuron_reset_work(). It waits for running hardware
 * operations to finish and keeps new ones out until it is over: driver
 * ioctls sleep in neuron_ioctl() meanwhile. A failed reset leaves the
 * device wedged: everything fails with -EIO until a reset succeeds.
 * Entering and leaving the wedged state is reported to userspace (uevent,
 * sysfs; see neuron_reset_notify_work()).
 *
 * Return: 0, -EINTR (interrupted; the reset still runs, and is not asked
 * for again by a restarted call), -ENODEV (unplugged or shut down) or -EIO.
 */
int neuron_reset(struct neuron_device *ndev, bool interruptible)
{
	unsigned int gen = neuron_reset_request_work(ndev);
	int result;

	if (interruptible) {
		if (wait_event_interruptible(ndev->reset_wq,
					     neuron_reset_served(ndev, &ndev->reset_served,
								 &ndev->reset_result,
								 gen, &result)))
			return -EINTR;
	} else {
		wait_event(ndev->reset_wq,
			   neuron_reset_served(ndev, &ndev->reset_served,
					       &ndev->reset_result, gen, &result));
	}
	return result;
}

/**
 * neuron_reset_schedule() - reset the device without waiting
 * @ndev: the device
 *
 * For recovery that escalates (a queue that keeps hanging after queue
 * resets): safe from a timeout handler, whose workqueue runs the reset
 * after it.
 */
void neuron_reset_schedule(struct neuron_device *ndev)
{
	neuron_reset_request_work(ndev);
}

/*
 * Ask for a reset of the NeuronCores in @core_mask. @acquired: for a
 * request of their owner, each core's acquisition count, so that a core
 * that changed hands meanwhile is left alone (its CORE_ACQUIRE cleaned
 * it); NULL to reset whoever owns them (recovery). Returns the generation
 * that serves the request.
 */
static unsigned int neuron_reset_cores_request(struct neuron_device *ndev,
					       u32 core_mask,
					       const u32 *acquired)
{
	unsigned long mask = core_mask;
	unsigned int gen, core;

	spin_lock(&ndev->reset_req_lock);
	ndev->core_reset_mask |= core_mask;
	if (acquired) {
		for_each_set_bit(core, &mask, NEURON_NC_COUNT)
			ndev->core_reset_acquired[core] = acquired[core];
	} else {
		ndev->core_reset_any |= core_mask;
	}
	gen = ++ndev->core_reset_requested;
	spin_unlock(&ndev->reset_req_lock);
	queue_work(ndev->jobs.timeout_wq, &ndev->core_reset_work);
	return gen;
}

/**
 * neuron_reset_cores_schedule() - reset NeuronCores without waiting
 * @ndev: the device
 * @core_mask: the cores, bit n for NeuronCore n
 *
 * The recovery step between a queue reset and a device reset (a queue
 * that keeps hanging on a core that takes nothing): safe from a timeout
 * handler, whose workqueue runs the reset after it.
 */
void neuron_reset_cores_schedule(struct neuron_device *ndev, u32 core_mask)
{
	neuron_reset_cores_request(ndev, core_mask, NULL);
}

/*
 * Reset the NeuronCores in @core_mask through the firmware (type 2, map in
 * MISC+0x1D8 as device-model.rst's "Reset" describes it): their
 * semaphores, events, notification queue configuration, instruction FIFO
 * and state buffer. The DMA engines, the other cores, DRAM and the
 * topology slot stay as they are, so jobs and other users go on.
 */
static int neuron_reset_cores_hw(struct neuron_device *ndev, u32 core_mask)
{
	unsigned long start = jiffies;
	u32 status = 0;
	int ret;

	neuron_reset_request(ndev, NEURON_RESET_CORES, core_mask);
	msleep(reset_initial_wait_ms);

	ret = neuron_reset_wait_taken(ndev, NEURON_RESET_CORES, core_mask);
	if (!ret)
		ret = neuron_reset_wait_ready(ndev, &status);
	if (ret && ret != -ENODEV)
		drm_err(&ndev->drm,
			"NeuronCore reset (cores %#x) failed after %u ms (firmware status %#x): %d\n",
			core_mask, jiffies_to_msecs(jiffies - start), status, ret);
	return ret;
}

/* What one run of neuron_reset_cores_work() serves. */
struct neuron_core_reset_req {
	unsigned int gen;
	unsigned long mask;
	u32 any;
	u32 acquired[NEURON_NC_COUNT];
};

/* Take every request made so far, with the generation that serves them. */
static void neuron_reset_cores_take(struct neuron_device *ndev,
				    struct neuron_core_reset_req *req)
{
	spin_lock(&ndev->reset_req_lock);
	req->gen = ndev->core_reset_requested;
	req->mask = ndev->core_reset_mask;
	req->any = ndev->core_reset_any;
	memcpy(req->acquired, ndev->core_reset_acquired, sizeof(req->acquired));
	ndev->core_reset_mask = 0;
	ndev->core_reset_any = 0;
	spin_unlock(&ndev->reset_req_lock);
}

/*
 * The cores of @req to reset now: those that did not change hands since
 * their owner asked. Under cores.lock, so that none does until the reset
 * is over.
 */
static unsigned long neuron_reset_cores_owned(struct neuron_device *ndev,
					      const struct neuron_core_reset_req *req)
{
	unsigned long mask = req->mask;
	unsigned int core;

	lockdep_assert_held(&ndev->cores.lock);

	for_each_set_bit(core, &req->mask, NEURON_NC_COUNT)
		if (!(req->any & BIT(core)) &&
		    req->acquired[core] != ndev->cores.core[core].acquired)
			__clear_bit(core, &mask);
	return mask;
}

/*
 * The NeuronCore reset proper, inside drm_dev_enter() with the reset lock
 * held for reading (device resets wait; ioctls and jobs of other cores go
 * on). The owners' notification queues are programmed again, empty.
 * Every request of @req is served, none is left for a later run: returns 0,
 * -ENODEV, -EAGAIN (a function reset runs: the device reset after it
 * resets the cores) or -EIO (wedged, or the cores did not come back: a
 * device reset is on its way).
 */
static int neuron_reset_cores_locked(struct neuron_device *ndev,
				     const struct neuron_core_reset_req *req)
{
	unsigned long mask;
	unsigned int core;
	int ret = 0;

	mutex_lock(&ndev->cores.lock);
	mask = neuron_reset_cores_owned(ndev, req);
	if (ndev->shut_down || READ_ONCE(ndev->removing)) {
		mutex_unlock(&ndev->cores.lock);
		return -ENODEV;
	}
	if (ndev->flr || ndev->wedged) {
		mutex_unlock(&ndev->cores.lock);
		return ndev->flr ? -EAGAIN : -EIO;
	}
	if (mask) {
		ret = neuron_reset_cores_hw(ndev, mask);
		if (!ret) {
			neuron_nq_restore_locked(ndev, mask);
			for_each_set_bit(core, &mask, NEURON_NC_COUNT)
				ndev->cores.core[core].resets++;
			neuron_cores_changed(ndev);
			drm_dbg_driver(&ndev->drm, "NeuronCores %#lx reset\n", mask);
		}
	}
	mutex_unlock(&ndev->cores.lock);

	if (ret && ret != -ENODEV) {
		/* The next step up: the ordered workqueue runs it after us. */
		neuron_reset_schedule(ndev);
		ret = -EIO;
	}
	return ret;
}

/**
 * neuron_reset_cores_work() - run NeuronCore resets
 * @work: &neuron_device.core_reset_work
 *
 * On the device's ordered timeout workqueue, as neuron_reset_work(), and a
 * dma-fence signalling path for the same reason: a device reset queued
 * behind it waits for it. Serves every request made before it started.
 */
void neuron_reset_cores_work(struct work_struct *work)
{
	struct neuron_device *ndev = container_of(work, struct neuron_device,
						  core_reset_work);
	struct neuron_core_reset_req req;
	bool cookie;
	int idx, ret = -ENODEV;

	cookie = dma_fence_begin_signalling();
	might_lock(&ndev->fwio.lock);
	/* Taken with their generation: the result is theirs. */
	neuron_reset_cores_take(ndev, &req);

	down_read(&ndev->reset_lock);
	if (drm_dev_enter(&ndev->drm, &idx)) {
		cookie = neuron_fence_signalling_reenter(cookie);
		ret = neuron_reset_cores_locked(ndev, &req);
		drm_dev_exit(idx);
	}
	up_read(&ndev->reset_lock);

	spin_lock(&ndev->reset_req_lock);
	ndev->core_reset_served = req.gen;
	ndev->core_reset_result = ret;
	spin_unlock(&ndev->reset_req_lock);
	wake_up_all(&ndev->reset_wq);
	dma_fence_end_signalling(cookie);
}

/*
 * RESET with DRM_NEURON_RESET_CORES: reset NeuronCores @nfile owns, and
 * wait for it (interruptibly; the reset goes on).
 */
static int neuron_reset_cores(struct neuron_device *ndev,
			      struct neuron_file *nfile, u32 core_mask)
{
	u32 acquired[NEURON_NC_COUNT] = {};
	unsigned long mask = core_mask;
	unsigned int gen, core;
	int result;

	mutex_lock(&ndev->cores.lock);
	for_each_set_bit(core, &mask, NEURON_NC_COUNT) {
		if (!neuron_core_owned_by(ndev, core, nfile)) {
			mutex_unlock(&ndev->cores.lock);
			return -EACCES;
		}
		acquired[core] = ndev->cores.core[core].acquired;
	}
	mutex_unlock(&ndev->cores.lock);

	gen = neuron_reset_cores_request(ndev, core_mask, acquired);
	if (wait_event_interruptible(ndev->reset_wq,
				     neuron_reset_served(ndev, &ndev->core_reset_served,
							 &ndev->core_reset_result,
							 gen, &result)))
		return -EINTR;
	return result;
}

/*
 * Stop the device's DMA engines and notification queues and fail the jobs
 * in flight with -EIO; the schedulers run again, and the jobs they start
 * fail with -EIO until a reset succeeds. Between neuron_reset_begin() and
 * neuron_reset_quiet_end().
 */
static void neuron_reset_quiesce(struct neuron_device *ndev)
{
	/* A non-zero result stops the engines before jobs are failed. */
	neuron_jobs_reset_done(ndev, -EIO);
	neuron_nq_quiesce(ndev);
}

/* Ends neuron_reset_begin() without a hardware reset. */
static void neuron_reset_quiet_end(struct neuron_device *ndev, int idx)
{
	drm_dev_exit(idx);
	up_write(&ndev->reset_lock);
	neuron_reset_unblock(ndev);
}

/**
 * neuron_reset_flr_prepare() - the PCI core is about to reset the function
 * @ndev: the device
 *
 * &pci_error_handlers.reset_prepare (sysfs "reset", a bus or slot reset).
 * Stops the device's DMA and notification queues and fails the jobs in
 * flight with -EIO; until neuron_reset_flr_done() driver ioctls that need
 * the hardware sleep, as during neuron_reset(). No lock is held across:
 * the PCI core takes the hot-plug controller's reset lock in between,
 * which pciehp holds while it removes devices (and so takes ours).
 */
void neuron_reset_flr_prepare(struct neuron_device *ndev)
{
	int idx;

	neuron_reset_block(ndev);
	if (neuron_reset_begin(ndev, &idx, NULL))
		return;
	WRITE_ONCE(ndev->flr, true);
	neuron_reset_quiesce(ndev);
	neuron_reset_quiet_end(ndev, idx);
}

/**
 * neuron_reset_flr_done() - the PCI core reset the function
 * @ndev: the device
 *
 * &pci_error_handlers.reset_done, config space already restored. What a
 * function reset clears on the hardware is not documented, so the
 * firmware resets the device as well: afterwards it is in the state every
 * other reset leaves it in (queues, notification queues and topology slot
 * set up again, jobs started meanwhile failed with -EIO), or wedged.
 */
void neuron_reset_flr_done(struct neuron_device *ndev)
{
	int idx;

	if (!neuron_reset_begin(ndev, &idx, NULL)) {
		WRITE_ONCE(ndev->flr, false);
		neuron_reset_end(ndev, idx, neuron_reset_hw(ndev));
	} else {
		WRITE_ONCE(ndev->flr, false);
	}
	neuron_reset_unblock(ndev);
}

/**
 * neuron_reset_stop() - stop the device after a PCI error
 * @ndev: the device
 *
 * &pci_error_handlers.error_detected: the link may be down and MMIO lost.
 * Marks the device wedged (reported as for a failed reset), stops every
 * DMA engine and notification queue the driver started, and fails the
 * jobs in flight with -EIO; queued jobs fail with -EIO when they would
 * start. A successful neuron_reset() (from slot_reset) recovers it.
 */
void neuron_reset_stop(struct neuron_device *ndev)
{
	int idx;

	if (neuron_reset_begin(ndev, &idx, NULL))
		return;
	if (!ndev->wedged) {
		WRITE_ONCE(ndev->wedged, true);
		neuron_report_wedged(ndev, true, "PCI error");
	}
	neuron_reset_quiesce(ndev);
	neuron_reset_quiet_end(ndev, idx);
}

/**
 * neuron_reset_shutdown() - quiesce the device for reboot, kexec or halt
 * @ndev: the device
 *
 * &pci_driver.shutdown: no DMA engine and no notification queue writes
 * host memory afterwards, and bus mastering is off, so a kexec'd kernel
 * finds its memory untouched. Jobs in flight or queued fail with -EIO;
 * calls that need the device fail with -ENODEV from here on. Waits for
 * running hardware operations and resets to end (each is bounded), never
 * for a job.
 */
void neuron_reset_shutdown(struct neuron_device *ndev)
{
	int idx;

	if (neuron_reset_begin(ndev, &idx, NULL))
		return;
	WRITE_ONCE(ndev->shut_down, true);
	/* run_job() refuses queued jobs of a wedged device: -EIO. */
	WRITE_ONCE(ndev->wedged, true);
	neuron_reset_quiesce(ndev);
	/* Nothing the device still does reaches host memory from here on. */
	pci_clear_master(ndev->pdev);
	neuron_reset_quiet_end(ndev, idx);
}

int neuron_ioctl_reset(struct drm_device *dev, void *data,
		       struct drm_file *file)
{
	struct neuron_device *ndev = to_neuron_device(dev);
	struct drm_neuron_reset *args = data;

	if (args->flags & ~DRM_NEURON_RESET_CORES)
		return -EINVAL;

	if (args->flags & DRM_NEURON_RESET_CORES) {
		if (!args->core_mask ||
		    args->core_mask & ~GENMASK(NEURON_NC_COUNT - 1, 0))
			return -EINVAL;
		return neuron_reset_cores(ndev, file->driver_priv,
					  args->core_mask);
	}

	if (args->core_mask)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	drm_info(dev, "reset requested by %s[%d]\n", current->comm,
		 task_pid_nr(current));
	return neuron_reset(ndev, true);
}
