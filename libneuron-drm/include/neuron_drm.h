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
 *    when the kernel returns EINTR or EAGAIN (the libdrm drmIoctl() rule).
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
 * accel drivers, and nodes that cannot be opened, are skipped silently.
 * Entries are sorted by accel minor number; the position in that order is
 * the device "index" used by neuron_drm_open_index().
 *
 * Return: the number of neuron devices found, which may be larger than
 * @max (only the first @max are stored, like snprintf()); 0 when there is
 * no device or no NEURON_DRM_DEV_DIR at all.  -EINVAL if @nodes is NULL
 * and @max is not 0; -ENOMEM if memory for the scan runs out; -EACCES or
 * another -errno if NEURON_DRM_DEV_DIR exists but cannot be read.
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

#ifdef __cplusplus
}
#endif

#endif /* NEURON_DRM_H */
