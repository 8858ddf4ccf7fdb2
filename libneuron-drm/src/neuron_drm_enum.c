// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: finding and opening neuron accel nodes.
 *
 * libdrm's drmGetDevices2() only walks /dev/dri and checks for a "drm"
 * directory under the device in sysfs, so it never sees accel-only devices.
 * (drmGetDeviceFromDevId() and drmGetNodeTypeFromFd() likewise want the
 * "drm" directory or a DRM minor.)  We therefore scan /dev/accel
 * ourselves, the way the ivpu and amdxdna user space does: open every
 * accel* character device and keep those whose drmGetVersion() name is
 * "neuron".
 */
#define _DEFAULT_SOURCE /* major()/minor(), readlink() */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include "neuron_drm_priv.h"

#define SYSFS_ROOT "/sys"

int neuron_drm__check_version(int fd, struct neuron_drm_node *node)
{
	drmVersionPtr v;
	int ret = 0;

	/* NULL: the ioctl failed (errno), or memory ran out (errno ENOMEM). */
	errno = 0;
	v = drmGetVersion(fd);
	if (!v)
		return errno > 0 ? -errno : -ENOMEM;

	/* name_len is the full length: "neuronX" does not match. */
	if (v->name_len != (int)strlen(NEURON_DRM_DRIVER_NAME) || !v->name ||
	    memcmp(v->name, NEURON_DRM_DRIVER_NAME, (size_t)v->name_len) != 0)
		ret = -ENODEV;
	else if (node) {
		node->drv_major = v->version_major;
		node->drv_minor = v->version_minor;
		node->drv_patchlevel = v->version_patchlevel;
	}
	drmFreeVersion(v);
	return ret;
}

int neuron_drm__parse_slot(const char *in, char out[NEURON_DRM_PCI_SLOT_MAX])
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p;
	size_t len, ncolon = 0;

	if (!in)
		return -EINVAL;
	len = strlen(in);
	/* Allowed characters only, so that sscanf cannot skip garbage. */
	for (p = in; *p; p++) {
		if (*p == ':')
			ncolon++;
		else if (!isxdigit((unsigned char)*p) && *p != '.')
			return -EINVAL;
	}
	if (ncolon == 2 && len == 12) {
		if (in[4] != ':' || in[7] != ':' || in[10] != '.' ||
		    sscanf(in, "%4x:%2x:%2x.%1x", &dom, &bus, &dev, &fn) != 4)
			return -EINVAL;
	} else if (ncolon == 1 && len == 7) {
		if (in[2] != ':' || in[5] != '.' ||
		    sscanf(in, "%2x:%2x.%1x", &bus, &dev, &fn) != 3)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	/* PCI: 32 devices per bus, 8 functions per device. */
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, NEURON_DRM_PCI_SLOT_MAX, "%04x:%02x:%02x.%x",
		 dom, bus, dev, fn);
	return 0;
}

/* Read a small sysfs attribute holding a hexadecimal number ("0x1d0f\n"). */
static unsigned long read_hex_attr(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoul(buf, NULL, 16);
}

/*
 * Fill the PCI fields of @node from /sys/dev/char/<maj>:<min>/device, whose
 * link target ends in the PCI slot name for a PCI device.  Missing sysfs
 * (a container, the unit tests) just leaves the fields empty.
 */
static void fill_sysfs(const char *sysfs, dev_t rdev,
		       struct neuron_drm_node *node)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int len;

	len = snprintf(path, sizeof(path), "%s/dev/char/%u:%u/device", sysfs,
		       major(rdev), minor(rdev));
	if (len < 0 || (size_t)len >= sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (neuron_drm__parse_slot(base, node->pci_slot) < 0 ||
	    strlen(base) != 12) {
		node->pci_slot[0] = '\0';
		return;
	}

	if ((size_t)len + sizeof("/vendor") > sizeof(path))
		return;
	strcpy(path + len, "/vendor");
	node->pci_vendor = (uint16_t)read_hex_attr(path);
	strcpy(path + len, "/device");
	node->pci_device = (uint16_t)read_hex_attr(path);
}

/* Is @name "accel" followed by decimal digits only? */
static int is_accel_name(const char *name)
{
	const char *p = name + strlen("accel");

	if (strncmp(name, "accel", strlen("accel")) != 0 || !*p)
		return 0;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

/*
 * Open @path, check it is a neuron character device and describe it.
 * Returns the open fd (caller closes) or -errno.
 */
static int probe_node(const char *path, int oflags, const char *sysfs,
		      struct neuron_drm_node *node)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC | oflags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto err;
	}
	/* Never send DRM ioctls to regular files, pipes or sockets. */
	if (!S_ISCHR(st.st_mode)) {
		ret = -ENOTTY;
		goto err;
	}
	if (node)
		memset(node, 0, sizeof(*node));
	ret = neuron_drm__check_version(fd, node);
	if (ret < 0)
		goto err;
	if (node) {
		node->minor = minor(st.st_rdev);
		snprintf(node->path, sizeof(node->path), "%s", path);
		fill_sysfs(sysfs, st.st_rdev, node);
	}
	return fd;
err:
	close(fd);
	return ret;
}

static int cmp_minor(const void *a, const void *b)
{
	const struct neuron_drm_node *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

/*
 * Scan @dir; on success *@out is a malloc'ed array (NULL when empty) of
 * the neuron nodes sorted by minor, and the count is returned.
 */
static int scan_dir(const char *dir, const char *sysfs,
		    struct neuron_drm_node **out)
{
	struct neuron_drm_node *nodes = NULL, *tmp;
	size_t count = 0, cap = 0;
	int open_err = 0, ret = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	d = opendir(dir);
	if (!d)
		/* No /dev/accel at all: no accel driver loaded, no device. */
		return (errno == ENOENT || errno == ENOTDIR) ? 0 : -errno;

	for (;;) {
		char path[NEURON_DRM_PATH_MAX];
		struct neuron_drm_node node;
		struct stat st;
		int fd, len;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				ret = -errno;
			break;
		}
		if (!is_accel_name(de->d_name))
			continue;
		len = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (len < 0 || (size_t)len >= sizeof(path))
			continue;
		/* Only character devices are candidates; do not open others. */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISCHR(st.st_mode))
			continue;

		/* The nodes are real device files; do not follow planted links. */
		fd = probe_node(path, O_NOFOLLOW, sysfs, &node);
		if (fd < 0) {
			/*
			 * ENOTTY/ENODEV: not a neuron node; ENOENT/ENXIO: gone.
			 * Anything else (EACCES above all) is remembered.
			 */
			if (!open_err && fd != -ENOTTY && fd != -ENODEV &&
			    fd != -ENOENT && fd != -ENXIO)
				open_err = fd;
			continue;
		}
		close(fd);

		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = realloc(nodes, cap * sizeof(*nodes));
			if (!tmp) {
				ret = -ENOMEM;
				break;
			}
			nodes = tmp;
		}
		nodes[count++] = node;
	}
	closedir(d);

	if (ret < 0) {
		free(nodes);
		return ret;
	}
	if (count > INT_MAX) {
		free(nodes);
		return -EOVERFLOW;
	}
	/*
	 * Without this, a user lacking permission (or facing a broken
	 * driver) would be told "no device", which sends them looking in
	 * the wrong place.
	 */
	if (count == 0 && open_err)
		return open_err;

	if (count)
		qsort(nodes, count, sizeof(*nodes), cmp_minor);
	*out = nodes;
	return (int)count;
}

int neuron_drm__list_dir(const char *dir, const char *sysfs,
			 struct neuron_drm_node *nodes, unsigned int max)
{
	struct neuron_drm_node *all;
	int count;

	if (!dir || !sysfs || (!nodes && max))
		return -EINVAL;
	count = scan_dir(dir, sysfs, &all);
	if (count < 0)
		return count;
	if (nodes && max)
		memcpy(nodes, all,
		       ((unsigned int)count < max ? (unsigned int)count : max) *
			       sizeof(*nodes));
	free(all);
	return count;
}

int neuron_drm__scan(struct neuron_drm_node **out)
{
	return scan_dir(NEURON_DRM_DEV_DIR, SYSFS_ROOT, out);
}

int neuron_drm_list(struct neuron_drm_node *nodes, unsigned int max)
{
	return neuron_drm__list_dir(NEURON_DRM_DEV_DIR, SYSFS_ROOT, nodes, max);
}

int neuron_drm_open_path(const char *path)
{
	if (!path)
		return -EINVAL;
	/* An explicit path may be a symlink the administrator made. */
	return probe_node(path, 0, SYSFS_ROOT, NULL);
}

int neuron_drm_open_index(unsigned int index)
{
	struct neuron_drm_node *all;
	int count, fd;

	count = scan_dir(NEURON_DRM_DEV_DIR, SYSFS_ROOT, &all);
	if (count < 0)
		return count;
	if (index >= (unsigned int)count)
		fd = -ENODEV;
	else
		fd = neuron_drm_open_path(all[index].path);
	free(all);
	return fd;
}

int neuron_drm_open_pci(const char *slot)
{
	char want[NEURON_DRM_PCI_SLOT_MAX];
	struct neuron_drm_node *all;
	int count, fd = -ENODEV, i, ret;

	ret = neuron_drm__parse_slot(slot, want);
	if (ret < 0)
		return ret;
	count = scan_dir(NEURON_DRM_DEV_DIR, SYSFS_ROOT, &all);
	if (count < 0)
		return count;
	for (i = 0; i < count; i++) {
		if (strcmp(all[i].pci_slot, want) == 0) {
			fd = neuron_drm_open_path(all[i].path);
			break;
		}
	}
	free(all);
	return fd;
}

int neuron_drm_get_node(int fd, struct neuron_drm_node *node)
{
	struct stat st;
	int ret;

	if (!node)
		return -EINVAL;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	memset(node, 0, sizeof(*node));
	ret = neuron_drm__check_version(fd, node);
	if (ret < 0)
		return ret;
	node->minor = minor(st.st_rdev);
	snprintf(node->path, sizeof(node->path), NEURON_DRM_DEV_DIR "/accel%u",
		 node->minor);
	fill_sysfs(SYSFS_ROOT, st.st_rdev, node);
	return 0;
}
