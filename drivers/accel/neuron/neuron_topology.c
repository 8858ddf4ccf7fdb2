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
 */

#include <linux/device.h>
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

/* Minors of the devices bound by this driver, for peer lookups. */
static DEFINE_XARRAY(neuron_bound_minors);

void neuron_topology_init(void)
{
	/* Never 0 (cleared slot) nor 0xffff (the 1.x "no device" marker). */
	neuron_id_tag = 1 + get_random_u32_below(0xfffe);
}

static void neuron_topology_unregister(void *data)
{
	struct neuron_device *ndev = data;

	xa_erase(&neuron_bound_minors, neuron_minor(ndev));
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

/**
 * neuron_topology_read() - read the links and the neighbours' ids
 * @ndev: the device, inside neuron_hw_begin()
 * @topo: filled in; zeroed first
 *
 * A link that is up but whose neighbour cannot be read (the firmware
 * reports a failure) is reported without a peer id rather than failing.
 *
 * Return: 0 or a negative errno from the firmware mailbox.
 */
int neuron_topology_read(struct neuron_device *ndev,
			 struct drm_neuron_query_topology *topo)
{
	u32 status, id;
	int i, ret;

	memset(topo, 0, sizeof(*topo));
	topo->device_id = ndev->device_id;
	topo->link_count = DRM_NEURON_LINK_COUNT;

	ret = neuron_fwio_read32(ndev, NEURON_APB_ADDR(NEURON_MISC_FW_STATUS),
				 &status);
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

	return 0;
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
