// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * Neuron-Pipe topology.
 *
 * Devices are chained east/west by private links. The firmware status word
 * says which links are up, and a READ through a link (device address with
 * routing bits 47:46 = 10 for east, 11 for west) reaches the neighbour's
 * registers. A neighbour is identified by the value its host driver wrote
 * into its MISC topology slot, so every device bound here gets an id that
 * names it uniquely on this host: a random per-load tag in the upper half
 * and the accel minor in the lower half. A neighbour whose id carries our
 * tag and names a bound minor is "/dev/accel/accel<minor>" on this host.
 *
 * sysfs shows the status word and the links as the driver last saw them
 * (struct neuron_topology_cache), so that reading an attribute never waits
 * for the mailbox, which a long or failing transaction may hold for
 * seconds, nor for a reset. The status word is taken from every FWIO READ
 * of it; the links from every topology read: at probe, after each reset,
 * whenever a device of this driver is bound or unbound on the host (its
 * neighbours' peer minors change), for DRM_NEURON_QUERY_TOPOLOGY and
 * peer-route lookups of SUBMIT, when a status word shows a link bit
 * changed, and every status_poll_ms.
 */

#include <linux/device.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/xarray.h>

#include <drm/drm_accel.h>
#include <drm/drm_file.h>
#include <drm/neuron_accel.h>

#include "neuron_drv.h"
#include "neuron_fwio.h"
#include "neuron_regs.h"
#include "neuron_topology.h"

#define NEURON_ID_TAG_SHIFT	16
#define NEURON_ID_MINOR_MASK	0xffff

/* Tag of this module instance; ids with another tag are not ours. */
static u16 neuron_id_tag;

static unsigned int status_poll_ms = 5000;

/* A new period applies at once: polling stopped by 0 starts again. */
static int status_poll_ms_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_uint(val, kp);

	if (!ret)
		neuron_topology_changed();
	return ret;
}

static const struct kernel_param_ops status_poll_ms_ops = {
	.set = status_poll_ms_set,
	.get = param_get_uint,
};
module_param_cb(status_poll_ms, &status_poll_ms_ops, &status_poll_ms, 0644);
MODULE_PARM_DESC(status_poll_ms,
		 "Re-read the firmware status and links shown in sysfs every this many ms (default 5000; 0: only on events)");

/* Minors of the devices bound by this driver, for peer lookups. */
static DEFINE_XARRAY(neuron_bound_minors);
/*
 * Held across walks of neuron_bound_minors that use the devices found and
 * across erasing one: after the erase, nobody queues its refresh work.
 */
static DEFINE_MUTEX(neuron_topology_lock);

#define NEURON_FW_STATUS_LINKS \
	(NEURON_FW_STATUS_EAST_LINK | NEURON_FW_STATUS_WEST_LINK)

static void neuron_topology_refresh(struct work_struct *work);

void neuron_topology_init(void)
{
	/* Never 0 (cleared slot) nor 0xffff (the 1.x "no device" marker). */
	neuron_id_tag = 1 + get_random_u32_below(0xfffe);
}

static void neuron_topology_unregister(void *data)
{
	struct neuron_device *ndev = data;
	struct neuron_topology_cache *tc = &ndev->topo;

	mutex_lock(&neuron_topology_lock);
	xa_erase(&neuron_bound_minors, neuron_minor(ndev));
	mutex_unlock(&neuron_topology_lock);

	spin_lock(&tc->lock);
	tc->active = false;
	spin_unlock(&tc->lock);
	cancel_delayed_work_sync(&tc->refresh);

	/* Our neighbours' peer minors change. */
	neuron_topology_changed();
}

/**
 * neuron_topology_register() - give the device its id and make it findable
 * @ndev: the device, with its accel minor allocated
 *
 * Undone automatically when the driver unbinds.
 *
 * Return: 0 or a negative errno.
 */
int neuron_topology_register(struct neuron_device *ndev)
{
	int minor = neuron_minor(ndev);
	int ret;

	ndev->device_id = (u32)neuron_id_tag << NEURON_ID_TAG_SHIFT | minor;
	spin_lock_init(&ndev->topo.lock);
	INIT_DELAYED_WORK(&ndev->topo.refresh, neuron_topology_refresh);
	for (int i = 0; i < DRM_NEURON_LINK_COUNT; i++)
		ndev->topo.links[i].peer_minor = -1;

	/*
	 * Not under neuron_topology_lock, which is then never held around an
	 * allocation: walkers that find us before neuron_topology_start()
	 * skip us (@topo.active), and the lock and work are set up above.
	 */
	ret = xa_err(xa_store(&neuron_bound_minors, minor, ndev, GFP_KERNEL));
	if (ret)
		return ret;

	return devm_add_action_or_reset(&ndev->pdev->dev,
					neuron_topology_unregister, ndev);
}

/**
 * neuron_topology_publish_id() - write our id into the device's slot
 * @ndev: the device; called inside drm_dev_enter() after every reset,
 *        because a reset clears the slot
 */
void neuron_topology_publish_id(struct neuron_device *ndev)
{
	neuron_apb_write(ndev, NEURON_MISC_DEVICE_ID, ndev->device_id);
}

static int neuron_topology_id_to_minor(u32 id)
{
	unsigned int minor = id & NEURON_ID_MINOR_MASK;

	if (id >> NEURON_ID_TAG_SHIFT != neuron_id_tag)
		return -1;
	if (!xa_load(&neuron_bound_minors, minor))
		return -1;
	return minor;
}

static const struct {
	u32 status_bit;
	u64 route;
} neuron_links[DRM_NEURON_LINK_COUNT] = {
	[DRM_NEURON_LINK_EAST] = { NEURON_FW_STATUS_EAST_LINK, NEURON_DEVADDR_EAST },
	[DRM_NEURON_LINK_WEST] = { NEURON_FW_STATUS_WEST_LINK, NEURON_DEVADDR_WEST },
};

/**
 * neuron_topology_link_route() - routing bits of a link's neighbour
 * @link: %DRM_NEURON_LINK_EAST or %DRM_NEURON_LINK_WEST
 *
 * Return: the device address bits under which this device reaches the
 * DRAM and registers of the neighbour on @link.
 */
u64 neuron_topology_link_route(unsigned int link)
{
	return neuron_links[link].route;
}

/* neuron_topology_read() with the mailbox @flags for the status read. */
static int neuron_topology_read_flags(struct neuron_device *ndev,
				      struct drm_neuron_query_topology *topo,
				      unsigned int flags)
{
	u32 status, id;
	int i, ret;

	memset(topo, 0, sizeof(*topo));
	topo->device_id = ndev->device_id;
	topo->link_count = DRM_NEURON_LINK_COUNT;

	ret = neuron_fwio_read32_flags(ndev,
				       NEURON_APB_ADDR(NEURON_MISC_FW_STATUS),
				       &status, flags);
	if (ret)
		return ret;

	for (i = 0; i < DRM_NEURON_LINK_COUNT; i++) {
		struct drm_neuron_topology_link *link = &topo->links[i];
		int minor;

		link->peer_minor = -1;
		if (!(status & neuron_links[i].status_bit))
			continue;
		link->flags = DRM_NEURON_LINK_UP;

		/* One quiet attempt: an unreachable peer is a state, not an error. */
		ret = neuron_fwio_read32_flags(ndev, neuron_links[i].route |
					       NEURON_APB_ADDR(NEURON_MISC_DEVICE_ID),
					       &id, NEURON_FWIO_NO_RETRY |
					       NEURON_FWIO_QUIET);
		if (ret == -ENXIO)
			continue;
		if (ret)
			return ret;

		link->flags |= DRM_NEURON_LINK_PEER_ID_VALID;
		link->peer_device_id = id;
		minor = neuron_topology_id_to_minor(id);
		if (minor >= 0) {
			link->flags |= DRM_NEURON_LINK_PEER_LOCAL;
			link->peer_minor = minor;
		}
	}

	/*
	 * A status word read since ours that changed a link bit wins: it
	 * queued a refresh, which reads the peers again.
	 */
	spin_lock(&ndev->topo.lock);
	if (!((ndev->topo.fw_status ^ status) & NEURON_FW_STATUS_LINKS))
		memcpy(ndev->topo.links, topo->links, sizeof(topo->links));
	spin_unlock(&ndev->topo.lock);
	return 0;
}

/**
 * neuron_topology_read() - read the links and the neighbours' ids
 * @ndev: the device, inside neuron_hw_begin()
 * @topo: filled in; zeroed first
 *
 * A link that is up but whose neighbour cannot be read (the firmware
 * reports a failure) is reported without a peer id rather than failing.
 * The result is also what sysfs shows from now on.
 *
 * Return: 0 or a negative errno from the firmware mailbox.
 */
int neuron_topology_read(struct neuron_device *ndev,
			 struct drm_neuron_query_topology *topo)
{
	return neuron_topology_read_flags(ndev, topo, 0);
}

/**
 * neuron_topology_query() - neuron_topology_read() from outside the hardware
 * section
 * @ndev: the device
 * @topo: filled in
 *
 * Return: 0; -ENODEV, -EAGAIN or -EIO from neuron_hw_begin(); or a negative
 * errno from neuron_topology_read().
 */
int neuron_topology_query(struct neuron_device *ndev,
			  struct drm_neuron_query_topology *topo)
{
	int idx, ret;

	ret = neuron_hw_begin(ndev, &idx);
	if (ret)
		return ret;
	ret = neuron_topology_read(ndev, topo);
	neuron_hw_end(ndev, idx);
	return ret;
}

/**
 * neuron_topology_status_seen() - a FWIO READ returned the status word
 * @ndev: the device
 * @status: the value read
 *
 * Keeps it for sysfs. When a link bit changed, the cached links follow it
 * at once (without a peer id) and a refresh reads the peers again.
 */
void neuron_topology_status_seen(struct neuron_device *ndev, u32 status)
{
	struct neuron_topology_cache *tc = &ndev->topo;
	u32 changed;
	int i;

	spin_lock(&tc->lock);
	changed = (tc->fw_status ^ status) & NEURON_FW_STATUS_LINKS;
	tc->fw_status = status;
	for (i = 0; changed && i < DRM_NEURON_LINK_COUNT; i++) {
		memset(&tc->links[i], 0, sizeof(tc->links[i]));
		tc->links[i].peer_minor = -1;
		if (status & neuron_links[i].status_bit)
			tc->links[i].flags = DRM_NEURON_LINK_UP;
	}
	if (changed && tc->active)
		mod_delayed_work(system_dfl_wq, &tc->refresh, 0);
	spin_unlock(&tc->lock);
}

/**
 * neuron_topology_cached() - the status word and links sysfs shows
 * @ndev: the device
 * @status: the status word last read
 * @links: the links last seen, %DRM_NEURON_LINK_COUNT entries
 *
 * Never touches the hardware nor waits for it.
 */
void neuron_topology_cached(struct neuron_device *ndev, u32 *status,
			    struct drm_neuron_topology_link *links)
{
	spin_lock(&ndev->topo.lock);
	*status = ndev->topo.fw_status;
	memcpy(links, ndev->topo.links, sizeof(ndev->topo.links));
	spin_unlock(&ndev->topo.lock);
}

static void neuron_topology_refresh(struct work_struct *work)
{
	struct neuron_topology_cache *tc =
		container_of(to_delayed_work(work), struct neuron_topology_cache,
			     refresh);
	struct neuron_device *ndev = container_of(tc, struct neuron_device, topo);
	struct drm_neuron_query_topology topo;
	unsigned int poll = READ_ONCE(status_poll_ms);
	int idx;

	/*
	 * One quiet attempt: a failure leaves the cache as it is, and a
	 * reset (-EAGAIN here) refreshes it when it is over.
	 */
	if (!neuron_hw_begin(ndev, &idx)) {
		neuron_topology_read_flags(ndev, &topo, NEURON_FWIO_NO_RETRY |
					   NEURON_FWIO_QUIET);
		neuron_hw_end(ndev, idx);
	}

	spin_lock(&tc->lock);
	if (tc->active && poll)
		queue_delayed_work(system_dfl_wq, &tc->refresh,
				   msecs_to_jiffies(poll));
	spin_unlock(&tc->lock);
}

/**
 * neuron_topology_start() - the device is up: keep its cache fresh
 * @ndev: the device, at the end of probe
 *
 * Until here nothing but probe itself talks to the device.
 */
void neuron_topology_start(struct neuron_device *ndev)
{
	spin_lock(&ndev->topo.lock);
	ndev->topo.active = true;
	spin_unlock(&ndev->topo.lock);
	neuron_topology_changed();
}

/**
 * neuron_topology_changed() - a device on this host was bound, unbound or
 * reset
 *
 * Every device refreshes its cached links soon: a neighbour's id or minor
 * may have changed.
 */
void neuron_topology_changed(void)
{
	struct neuron_device *ndev;
	unsigned long minor;

	mutex_lock(&neuron_topology_lock);
	xa_for_each(&neuron_bound_minors, minor, ndev) {
		spin_lock(&ndev->topo.lock);
		if (ndev->topo.active)
			mod_delayed_work(system_dfl_wq, &ndev->topo.refresh, 0);
		spin_unlock(&ndev->topo.lock);
	}
	mutex_unlock(&neuron_topology_lock);
}
