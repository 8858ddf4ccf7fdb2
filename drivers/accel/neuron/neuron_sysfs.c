// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2025 The neuron driver authors
 *
 * sysfs attributes under the PCI device, in the "neuron" group; see
 * Documentation/ABI/testing/sysfs-driver-neuron.
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include <drm/neuron_accel.h>

#include "neuron_drv.h"
#include "neuron_topology.h"

static struct neuron_device *neuron_from_dev(struct device *dev)
{
	return neuron_from_pdev(to_pci_dev(dev));
}

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "0x%08x\n", neuron_from_dev(dev)->device_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t accel_minor_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", neuron_minor(neuron_from_dev(dev)));
}
static DEVICE_ATTR_RO(accel_minor);

static ssize_t reset_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(neuron_from_dev(dev)->reset_count));
}
static DEVICE_ATTR_RO(reset_count);

static ssize_t wedged_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(neuron_from_dev(dev)->wedged));
}
static DEVICE_ATTR_RO(wedged);

/*
 * fw_status and the link attributes show what the driver last saw (see
 * neuron_topology.c): a read never waits for the mailbox or a reset.
 */
static int neuron_sysfs_cached(struct device *dev, u32 *status,
			       struct drm_neuron_topology_link *links)
{
	struct neuron_device *ndev = neuron_from_dev(dev);

	/* What was last seen is stale once a reset failed. */
	if (READ_ONCE(ndev->wedged))
		return -EIO;
	neuron_topology_cached(ndev, status, links);
	return 0;
}

static ssize_t fw_status_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct drm_neuron_topology_link links[DRM_NEURON_LINK_COUNT];
	u32 status;
	int ret;

	ret = neuron_sysfs_cached(dev, &status, links);
	if (ret)
		return ret;

	return sysfs_emit(buf, "0x%08x\n", status);
}
static DEVICE_ATTR_RO(fw_status);

static int neuron_sysfs_link(struct device *dev, int which,
			     struct drm_neuron_topology_link *link)
{
	struct drm_neuron_topology_link links[DRM_NEURON_LINK_COUNT];
	u32 status;
	int ret;

	ret = neuron_sysfs_cached(dev, &status, links);
	if (ret)
		return ret;

	*link = links[which];
	return 0;
}

/* Link attributes: one show function per kind, the link index in the attribute. */
struct neuron_link_attribute {
	struct device_attribute attr;
	int link;
};

#define to_link(a)	container_of(a, struct neuron_link_attribute, attr)->link

static ssize_t link_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct drm_neuron_topology_link link;
	int ret;

	ret = neuron_sysfs_link(dev, to_link(attr), &link);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%s\n", link.flags & DRM_NEURON_LINK_UP ? "up" : "down");
}

static ssize_t peer_id_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct drm_neuron_topology_link link;
	int ret;

	ret = neuron_sysfs_link(dev, to_link(attr), &link);
	if (ret)
		return ret;

	if (!(link.flags & DRM_NEURON_LINK_PEER_ID_VALID))
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "0x%08x\n", link.peer_device_id);
}

static ssize_t peer_minor_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	struct drm_neuron_topology_link link;
	int ret;

	ret = neuron_sysfs_link(dev, to_link(attr), &link);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%d\n", link.peer_minor);
}

#define NEURON_LINK_ATTR(_name, _show, _link)			\
	struct neuron_link_attribute dev_attr_##_name = {	\
		.attr = __ATTR(_name, 0444, _show, NULL),	\
		.link = _link,					\
	}

static NEURON_LINK_ATTR(east_link, link_show, DRM_NEURON_LINK_EAST);
static NEURON_LINK_ATTR(east_peer_id, peer_id_show, DRM_NEURON_LINK_EAST);
static NEURON_LINK_ATTR(east_peer_minor, peer_minor_show, DRM_NEURON_LINK_EAST);
static NEURON_LINK_ATTR(west_link, link_show, DRM_NEURON_LINK_WEST);
static NEURON_LINK_ATTR(west_peer_id, peer_id_show, DRM_NEURON_LINK_WEST);
static NEURON_LINK_ATTR(west_peer_minor, peer_minor_show, DRM_NEURON_LINK_WEST);

static struct attribute *neuron_attrs[] = {
	&dev_attr_device_id.attr,
	&dev_attr_accel_minor.attr,
	&dev_attr_reset_count.attr,
	&dev_attr_wedged.attr,
	&dev_attr_fw_status.attr,
	&dev_attr_east_link.attr.attr,
	&dev_attr_east_peer_id.attr.attr,
	&dev_attr_east_peer_minor.attr.attr,
	&dev_attr_west_link.attr.attr,
	&dev_attr_west_peer_id.attr.attr,
	&dev_attr_west_peer_minor.attr.attr,
	NULL
};

static const struct attribute_group neuron_attr_group = {
	.name = "neuron",
	.attrs = neuron_attrs,
};

const struct attribute_group *neuron_sysfs_groups[] = {
	&neuron_attr_group,
	NULL
};
