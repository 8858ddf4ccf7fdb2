/* SPDX-License-Identifier: MIT */
/*
 * libneuron-drm - thin C library over the neuron DRM/accel uAPI
 * (AWS Inferentia, Neuron v1; /dev/accel/accel*).
 *
 * Copyright (c) 2025 The neuron project authors.
 *
 * Conventions (they hold for every function below unless its comment says
 * otherwise):
 *  - Functions return 0 (or a non-negative file descriptor, handle or count)
 *    on success and a negative errno value on failure.  errno itself is not
 *    part of the interface; it may or may not be changed by a call.
 *  - The library keeps no global or hidden state: everything lives in the
 *    file descriptor the caller owns.  Calls on different file descriptors
 *    may run concurrently from several threads; calls on the same file
 *    descriptor are as thread-safe as the underlying ioctls are.
 *  - Every ioctl is issued through neuron_drm_ioctl(), which restarts it
 *    when the kernel returns EINTR or EAGAIN (the libdrm drmIoctl() rule;
 *    the neuron driver returns EAGAIN while a device reset runs, so such
 *    a call waits for the reset to finish).
 *  - Structures passed to the kernel are the uAPI structures of
 *    <neuron_accel.h>; wrappers that fill them zero them first so reserved
 *    (must-be-zero) fields stay zero.
 *  - -EINVAL from the library itself means a NULL pointer or out-of-range
 *    argument detected before any system call.
 */
#ifndef NEURON_DRM_H
#define NEURON_DRM_H

#include <stddef.h>
#include <stdint.h>

/*
 * The kernel uAPI, copied unchanged from include/uapi/drm/neuron_accel.h
 * and installed next to this header.  It includes libdrm's "drm.h"
 * (pkg-config --cflags libdrm).
 */
#include "neuron_accel.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NEURON_DRM_BUILD) && defined(__GNUC__)
#define NEURON_DRM_EXPORT __attribute__((visibility("default")))
#else
#define NEURON_DRM_EXPORT
#endif

/** Name the neuron driver reports in DRM_IOCTL_VERSION. */
#define NEURON_DRM_DRIVER_NAME "neuron"

/** Directory scanned for accel nodes. */
#define NEURON_DRM_DEV_DIR "/dev/accel"

/** Library version (of this header; see neuron_drm_lib_version()). */
#define NEURON_DRM_VERSION_MAJOR 1
#define NEURON_DRM_VERSION_MINOR 0
#define NEURON_DRM_VERSION_MICRO 0

/* ------------------------------------------------------------------------ */
/* Basics                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_lib_version() - version of the loaded library
 *
 * Return: (major << 16) | (minor << 8) | micro of the library actually
 * loaded at run time (compare with NEURON_DRM_VERSION_* of the header the
 * program was built with).  Never fails.
 */
NEURON_DRM_EXPORT unsigned int neuron_drm_lib_version(void);

/**
 * neuron_drm_ioctl() - issue an ioctl, restarting on EINTR and EAGAIN
 * @fd: open file descriptor
 * @request: ioctl request number (DRM_IOCTL_* / DRM_IOCTL_NEURON_*)
 * @arg: argument structure, passed unchanged to the kernel
 *
 * The raw building block of every wrapper in this library, exported so
 * that a runtime can use a brand-new ioctl before this library wraps it.
 * EINTR is retried at once; EAGAIN a few times at once and then with a
 * sleep growing from 100 us to 10 ms between tries, because the driver
 * answers EAGAIN for as long as a device reset runs.
 *
 * Return: the (non-negative) ioctl return value on success;
 * -errno from the kernel on failure (never -EINTR or -EAGAIN: those are
 * retried).  In particular -EBADF (@fd not open), -ENOTTY (@fd is not a
 * device that knows @request), -EFAULT (@arg points to bad memory),
 * plus whatever the ioctl itself documents.
 */
NEURON_DRM_EXPORT int neuron_drm_ioctl(int fd, unsigned long request, void *arg);

/**
 * neuron_drm_strerror() - human-readable text for a library error code
 * @err: a negative errno value returned by this library (a positive value
 *       is treated like its negation)
 *
 * Unlike strerror(), the text explains what the error means for a neuron
 * device (e.g. -ENODEV: "no Neuron device found"; -EACCES mentions the
 * permissions of /dev/accel nodes).  Thread-safe: returns a pointer to a
 * static constant string.
 *
 * Return: a non-NULL string; "unknown error" for codes the library does not
 * know.
 */
NEURON_DRM_EXPORT const char *neuron_drm_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Enumeration and open                                                     */
/* ------------------------------------------------------------------------ */

/** Longest path of a device node, including the terminating NUL. */
#define NEURON_DRM_PATH_MAX 64
/** Longest PCI slot name ("DDDD:BB:DD.F"), including the terminating NUL. */
#define NEURON_DRM_PCI_SLOT_MAX 16

/**
 * struct neuron_drm_node - one neuron accel node found by enumeration
 * @path: device node, e.g. "/dev/accel/accel0"
 * @pci_slot: PCI slot name "DDDD:BB:DD.F" from sysfs, "" if unknown
 * @minor: accel minor number (N in accelN)
 * @pci_vendor: PCI vendor id from sysfs (0x1d0f), 0 if unknown
 * @pci_device: PCI device id from sysfs (0x7064..0x7067), 0 if unknown
 * @drv_major: driver major version (DRM_IOCTL_VERSION)
 * @drv_minor: driver minor version
 * @drv_patchlevel: driver patch level
 * @reserved: zero; room to grow without breaking the ABI
 *
 * This is a library structure, not a uAPI one: it is filled from the
 * device node, sysfs and DRM_IOCTL_VERSION only.
 */
struct neuron_drm_node {
	char path[NEURON_DRM_PATH_MAX];
	char pci_slot[NEURON_DRM_PCI_SLOT_MAX];
	uint32_t minor;
	uint16_t pci_vendor;
	uint16_t pci_device;
	int32_t drv_major;
	int32_t drv_minor;
	int32_t drv_patchlevel;
	uint32_t reserved[9];
};

/**
 * neuron_drm_list() - enumerate the neuron devices of this machine
 * @nodes: array to fill, may be NULL when @max is 0
 * @max: number of entries in @nodes
 *
 * Scans NEURON_DRM_DEV_DIR for accel* character devices, opens each one
 * (O_RDWR | O_CLOEXEC; the file descriptor is closed again) and keeps those
 * whose DRM_IOCTL_VERSION name is NEURON_DRM_DRIVER_NAME.  Nodes of other
 * accel drivers, and nodes that cannot be opened, are skipped.
 * Entries are sorted by accel minor number; the position in that order is
 * the device "index" used by neuron_drm_open_index().
 *
 * Return: the number of neuron devices found, which may be larger than
 * @max (only the first @max are stored, like snprintf()); 0 when there is
 * no device or no NEURON_DRM_DEV_DIR at all.  -EINVAL if @nodes is NULL
 * and @max is not 0; -ENOMEM if memory for the scan runs out; -EACCES or
 * another -errno if NEURON_DRM_DEV_DIR exists but cannot be read.  When no
 * neuron device was found but an accel character device could not be
 * opened for a reason other than "not a neuron/DRM device" or "gone"
 * (-ENOTTY, -ENODEV, -ENOENT, -ENXIO), that open error is returned instead
 * of 0: typically -EACCES, the user lacks permission, and "no device"
 * would send them looking in the wrong place.
 */
NEURON_DRM_EXPORT int neuron_drm_list(struct neuron_drm_node *nodes,
				      unsigned int max);

/**
 * neuron_drm_open_path() - open one accel node and check it is neuron
 * @path: device node path, e.g. "/dev/accel/accel0"
 *
 * Opens with O_RDWR | O_CLOEXEC | O_NOFOLLOW.
 *
 * Return: a file descriptor (close with neuron_drm_close()) on success;
 * -EINVAL if @path is NULL; -ENOENT if it does not exist; -EACCES if it
 * cannot be opened for lack of permission; -ENOTTY if it is not a DRM
 * device (not a character device, or the version ioctl is unknown);
 * -ENODEV if it is a DRM device of another driver; other -errno from
 * open(2) or the version ioctl.
 */
NEURON_DRM_EXPORT int neuron_drm_open_path(const char *path);

/**
 * neuron_drm_open_index() - open the @index-th neuron device
 * @index: position in the neuron_drm_list() order (0 = lowest accel minor)
 *
 * Return: a file descriptor on success; -ENODEV if there are not
 * @index + 1 neuron devices; -EACCES if the device exists but cannot be
 * opened for lack of permission; -ENOMEM, or another -errno from the
 * scan or open(2).
 */
NEURON_DRM_EXPORT int neuron_drm_open_index(unsigned int index);

/**
 * neuron_drm_open_pci() - open the neuron device at a PCI slot
 * @slot: PCI slot name, "DDDD:BB:DD.F" (e.g. "0000:00:10.0") or, with the
 *        domain 0000 implied, "BB:DD.F"; hexadecimal, case-insensitive
 *
 * Return: a file descriptor on success; -EINVAL if @slot is NULL or not a
 * well-formed slot name; -ENODEV if no neuron device sits at that slot;
 * -EACCES, -ENOMEM or another -errno from the scan or open(2).
 */
NEURON_DRM_EXPORT int neuron_drm_open_pci(const char *slot);

/**
 * neuron_drm_get_node() - describe an open neuron file descriptor
 * @fd: file descriptor of an accel node
 * @node: filled on success (path is "/dev/accel/accelN" built from the
 *        minor number, not the path the caller opened)
 *
 * Return: 0 on success; -EINVAL if @node is NULL; -EBADF if @fd is not
 * open; -ENOTTY if @fd is not a DRM character device; -ENODEV if it is a
 * DRM device of another driver; other -errno from fstat(2) or the ioctl.
 */
NEURON_DRM_EXPORT int neuron_drm_get_node(int fd, struct neuron_drm_node *node);

/**
 * neuron_drm_close() - close a file descriptor returned by an open function
 * @fd: the file descriptor
 *
 * All GEM objects of the file that were not exported are released by the
 * kernel.  EINTR from close(2) is not retried (the descriptor is gone
 * anyway on Linux) and is reported as success.
 *
 * Return: 0 on success; -EBADF if @fd is negative or not open; -EIO from
 * close(2).
 */
NEURON_DRM_EXPORT int neuron_drm_close(int fd);

/**
 * neuron_drm_open_device_id() - open the neuron device with a device id
 * @device_id: the id the driver assigned to the device
 *             (&drm_neuron_query_device_info.device_id, the number
 *             neighbours report in the topology; never 0)
 *
 * Opens every neuron device in turn and asks it for its device info.
 *
 * Return: a file descriptor on success; -EINVAL if @device_id is 0;
 * -ENODEV if no neuron device has that id; -EACCES, -ENOMEM or another
 * -errno from the scan or open(2).  Devices whose info query fails
 * (-EIO, -ETIMEDOUT...) are skipped.
 */
NEURON_DRM_EXPORT int neuron_drm_open_device_id(uint32_t device_id);

/* ------------------------------------------------------------------------ */
/* Queries (DRM_IOCTL_NEURON_QUERY)                                         */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_query() - generic size-negotiated query
 * @fd: neuron file descriptor
 * @type: one of enum drm_neuron_query_type (DRM_NEURON_QUERY_*)
 * @buf: answer buffer, or NULL to ask only for the answer's size
 * @size: size of @buf in bytes (ignored, treated as 0, when @buf is NULL)
 *
 * The kernel copies min(@size, its answer size) bytes and zero-fills the
 * rest of @buf, so a program built against an older or newer uAPI header
 * works with any kernel (fields the kernel does not know read as 0).
 *
 * Return: the size in bytes of the kernel's answer structure (which may
 * differ from @size) on success; -EINVAL for an unknown @type or a buffer
 * size that does not fit the uAPI (> UINT32_MAX); -EFAULT if @buf is not
 * writable; -ENOTTY if @fd is not a neuron device; -EBADF; the common
 * errors of the uAPI (-ENODEV unplugged, -EIO firmware error or failed
 * reset, -ETIMEDOUT firmware did not answer).
 */
NEURON_DRM_EXPORT int neuron_drm_query(int fd, uint32_t type, void *buf,
				       size_t size);

/**
 * neuron_drm_query_device_info() - static facts and firmware status
 * @fd: neuron file descriptor
 * @info: filled on success (zeroed first; fields an older kernel does not
 *        know stay 0).  Sizes are in bytes.
 *
 * Reading it costs one firmware request (the live firmware status word).
 *
 * Return: 0 on success; -EINVAL if @info is NULL; otherwise as
 * neuron_drm_query().
 */
NEURON_DRM_EXPORT int
neuron_drm_query_device_info(int fd, struct drm_neuron_query_device_info *info);

/**
 * neuron_drm_query_topology() - the device's Neuron-Pipe links
 * @fd: neuron file descriptor
 * @topo: filled on success (zeroed first); @topo->links is indexed by
 *        DRM_NEURON_LINK_EAST / DRM_NEURON_LINK_WEST
 *
 * The peers' ids are read through the links by the firmware each time.
 *
 * Return: 0 on success; -EINVAL if @topo is NULL or the kernel does not
 * know the topology query; otherwise as neuron_drm_query().
 */
NEURON_DRM_EXPORT int
neuron_drm_query_topology(int fd, struct drm_neuron_query_topology *topo);

/* ------------------------------------------------------------------------ */
/* Device state (DRM_IOCTL_NEURON_DEVICE_STATE)                             */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_device_state() - read one allow-listed item of device state
 * @fd: neuron file descriptor
 * @type: one of enum drm_neuron_state_type (DRM_NEURON_STATE_*)
 * @index0: first index (NeuronCore or DMA engine, see the uAPI), else 0
 * @index1: second index (semaphore, event or queue), else 0
 * @state: filled on success with the kernel's answer: @state->count
 *         valid entries in @state->values (zeroed first)
 *
 * The read is done by the device firmware at the time of the call.
 *
 * Return: 0 on success; -EINVAL if @state is NULL, or from the kernel for
 * an unknown @type or an index out of range or unused by @type;
 * -ENOTTY, -EBADF, and the common errors (-ENODEV, -EIO, -ETIMEDOUT).
 */
NEURON_DRM_EXPORT int neuron_drm_device_state(int fd, uint32_t type,
					      uint32_t index0, uint32_t index1,
					      struct drm_neuron_device_state *state);

/**
 * neuron_drm_fw_status() - read the live firmware status word
 * @fd: neuron file descriptor
 * @status: out: DRM_NEURON_FW_STATUS_* bits (READY, EAST_LINK, WEST_LINK)
 *
 * Shorthand for neuron_drm_device_state(DRM_NEURON_STATE_FW_STATUS).
 *
 * Return: 0 on success; -EINVAL if @status is NULL; otherwise as
 * neuron_drm_device_state().
 */
NEURON_DRM_EXPORT int neuron_drm_fw_status(int fd, uint32_t *status);

/**
 * neuron_drm_semaphore_read() - read a NeuronCore semaphore
 * @fd: neuron file descriptor
 * @nc: NeuronCore, 0 .. nc_count - 1
 * @sem: semaphore, 0 .. semaphores_per_nc - 1
 * @value: out: the semaphore value (a signed 32-bit quantity)
 *
 * Return: 0 on success; -EINVAL if @value is NULL or an index is out of
 * range; otherwise as neuron_drm_device_state().
 */
NEURON_DRM_EXPORT int neuron_drm_semaphore_read(int fd, uint32_t nc,
						uint32_t sem, int32_t *value);

/**
 * neuron_drm_event_read() - read a NeuronCore event
 * @fd: neuron file descriptor
 * @nc: NeuronCore, 0 .. nc_count - 1
 * @event: event, 0 .. events_per_nc - 1
 * @value: out: 0 or 1
 *
 * Return: 0 on success; -EINVAL if @value is NULL or an index is out of
 * range; otherwise as neuron_drm_device_state().
 */
NEURON_DRM_EXPORT int neuron_drm_event_read(int fd, uint32_t nc,
					    uint32_t event, uint32_t *value);

/* ------------------------------------------------------------------------ */
/* Metrics and reset                                                        */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_post_metrics() - hand a metrics blob to the device firmware
 * @fd: neuron file descriptor
 * @data: the blob (opaque to library and kernel)
 * @size: blob size in bytes, 1 .. DRM_NEURON_METRICS_MAX_SIZE
 *
 * Return: 0 on success; -EINVAL if @data is NULL or @size is 0; -E2BIG if
 * @size exceeds what the kernel accepts (DRM_NEURON_METRICS_MAX_SIZE, or
 * UINT32_MAX for the library); -EFAULT, -ENOTTY, -EBADF and the common
 * errors (-ENODEV, -EIO, -ETIMEDOUT).
 */
NEURON_DRM_EXPORT int neuron_drm_post_metrics(int fd, const void *data,
					      size_t size);

/**
 * neuron_drm_reset() - reset the whole device and wait until it is ready
 * @fd: neuron file descriptor
 *
 * Wipes device DRAM and every engine's state; other users of the device
 * see EAGAIN (retried by this library) while it runs.  Needs
 * CAP_SYS_ADMIN.  May take seconds.
 *
 * Return: 0 once the device is ready again; -EACCES without
 * CAP_SYS_ADMIN; -EIO when the device did not come back (it stays
 * unusable until a later reset succeeds); -ENODEV after unplug;
 * -ETIMEDOUT; -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_reset(int fd);

#ifdef __cplusplus
}
#endif

#endif /* NEURON_DRM_H */
