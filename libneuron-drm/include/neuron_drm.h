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
 *  - The neuron ioctls are issued through neuron_drm_ioctl(), libdrm's
 *    drmIoctl(), which restarts them when the kernel returns EINTR or
 *    EAGAIN.  A call made while a device reset runs sleeps in the kernel
 *    until the reset is over.  The DRM core operations (version, GEM
 *    close, PRIME, syncobjs) are libdrm's calls (libdrm, -ldrm, is
 *    linked), which restart the same way.
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
#if defined(__has_include)
#if __has_include("neuron_accel.h")
#include "neuron_accel.h"
#else
/* Built inside the kernel tree (igt-tests): the uAPI's own location. */
#include <drm/neuron_accel.h>
#endif
#else
#include "neuron_accel.h"
#endif

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

/*
 * Library version (of this header; see neuron_drm_lib_version()), the
 * project's one version: NEURON_DRM_VERSION_MAJOR, _MINOR, _MICRO and
 * NEURON_DRM_VERSION_STRING ("MAJOR.MINOR.MICRO").  The build generates
 * them from the VERSION file; installed next to this header.
 */
#include "neuron_drm_version.h"

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
 * The raw building block of every neuron ioctl wrapper in this library,
 * exported so that a runtime can use a brand-new ioctl before this
 * library wraps it: libdrm's drmIoctl(), which issues the call again on
 * EINTR and EAGAIN, with the result as a negative errno.  The driver
 * never answers EAGAIN for a device reset: a call that needs the device
 * while a reset runs sleeps in the kernel until the reset is over.
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
 * Opens with O_RDWR | O_CLOEXEC and checks the driver name with libdrm's
 * drmGetVersion().
 *
 * Return: a file descriptor (close with neuron_drm_close()) on success;
 * -EINVAL if @path is NULL; -ENOENT if it does not exist; -EACCES if it
 * cannot be opened for lack of permission; -ENOTTY if it is not a DRM
 * device (not a character device, or the version ioctl is unknown);
 * -ENODEV if it is a DRM device of another driver; -ENOMEM if
 * drmGetVersion() runs out of memory; other -errno from open(2) or the
 * version ioctl.
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
 * DRM device of another driver; -ENOMEM; other -errno from fstat(2) or
 * the version ioctl.
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
 * an unknown @type or an index out of range or unused by @type; -EACCES
 * for a core's semaphore or event without owning the core, and for a DMA
 * queue, without CAP_SYS_ADMIN; -ENOTTY, -EBADF, and the common errors
 * (-ENODEV, -EIO, -ETIMEDOUT).
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
 * Needs CAP_SYS_ADMIN.
 *
 * Return: 0 on success; -EINVAL if @data is NULL, @size is 0 or @size
 * exceeds DRM_NEURON_METRICS_MAX_SIZE; -EACCES without CAP_SYS_ADMIN;
 * -EFAULT, -ENOTTY, -EBADF and the common errors (-ENODEV, -EIO, -ENXIO,
 * -ETIMEDOUT).
 */
NEURON_DRM_EXPORT int neuron_drm_post_metrics(int fd, const void *data,
					      size_t size);

/**
 * neuron_drm_reset() - reset the whole device and wait until it is ready
 * @fd: neuron file descriptor
 *
 * Wipes device DRAM and every engine's state; the calls of other users of
 * the device that need it sleep in the kernel while it runs.  Needs
 * CAP_SYS_ADMIN.  May take seconds.
 *
 * Return: 0 once the device is ready again; -EACCES without
 * CAP_SYS_ADMIN; -EIO when the device did not come back (it stays
 * unusable until a later reset succeeds); -ENODEV after unplug;
 * -ETIMEDOUT; -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_reset(int fd);

/**
 * neuron_drm_reset_cores() - reset NeuronCores the caller owns
 * @fd: neuron file descriptor that owns every core of @core_mask
 *      (neuron_drm_core_acquire())
 * @core_mask: the cores, bit n for NeuronCore n; not 0
 *
 * Clears what the cores hold (semaphores and events read 0, instruction
 * FIFO and state buffer empty, their notification queues restart empty)
 * and leaves the DMA engines, other cores and device DRAM alone; the
 * caller keeps its cores.  No privilege needed.  Waits until the cores
 * are back; may take seconds on hardware.  See DRM_NEURON_RESET_CORES in
 * neuron_accel.h.
 *
 * Return: 0 once the cores are back; -EINVAL if @core_mask is 0 or names
 * a core the device does not have, or the kernel lacks
 * DRM_NEURON_CAP_RESET_CORES; -EACCES if @fd does not own one of the
 * cores; -EINTR (the reset still runs); -EIO when the device is wedged or
 * the cores did not come back (the kernel then resets the device);
 * -ENODEV after unplug; -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_reset_cores(int fd, uint32_t core_mask);

/* ======================================================================== */
/* NEURON_DRM_1.1: buffer objects, DMA jobs, syncobjs, NeuronCores          */
/* ======================================================================== */

/* ------------------------------------------------------------------------ */
/* Buffer objects (DRM_IOCTL_NEURON_BO_CREATE / _BO_INFO, GEM close, PRIME)  */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_bo_create() - create a buffer object
 * @fd: neuron file descriptor
 * @size: size in bytes, at least 1; the kernel rounds it up to the page size
 * @placement: DRM_NEURON_BO_HOST or DRM_NEURON_BO_DRAM
 * @alignment: DRAM: alignment of the BO's start in its DRAM channel, in
 *             bytes (a power of two up to the channel size, 0 = page
 *             size); host: must be 0
 * @dram_channel_mask: DRAM: bit c allows channel c, 0 = any; host: 0
 * @handle: out: the new BO's handle (free with neuron_drm_gem_close())
 *
 * The contents of a new BO are zero: host BOs get zeroed pages, DRAM BOs
 * are cleared by the device's DMA before the handle exists (see
 * Documentation/accel/neuron/memory.rst), so creating a DRAM BO can also
 * fail with the errors of a DMA job (-EIO, -ETIMEDOUT).
 *
 * Return: 0 on success; -EINVAL if @handle is NULL or @size is 0 (library),
 * or from the kernel for an unknown @placement, a host BO with a non-zero
 * @alignment or @dram_channel_mask, a bad DRAM alignment or a channel the
 * device does not have; -ENOSPC when no allowed DRAM channel has a free
 * range of @size bytes (also for @size larger than a channel) or the file
 * reached one of its BO bounds (module parameters file_*); -ENOMEM out
 * of host memory; -ENODEV unplugged; -ENOTTY (driver without BOs), -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_bo_create(int fd, uint64_t size,
					   uint32_t placement,
					   uint64_t alignment,
					   uint32_t dram_channel_mask,
					   uint32_t *handle);

/**
 * neuron_drm_bo_info() - describe a buffer object
 * @fd: neuron file descriptor
 * @handle: the BO
 * @flags: 0, or DRM_NEURON_BO_INFO_FLAG_DMA_MAP to map a host BO for the
 *         device first so that its DMA layout is reported
 * @info: filled on success (zeroed first): size, mmap offset,
 *        placement, channel, DRM_NEURON_BO_INFO_* flags, DMA segments,
 *        peer device id.  Where the BO is for the device is never told:
 *        jobs name BOs (see neuron_drm_desc_copy())
 *
 * Return: 0 on success; -EINVAL if @info is NULL or from the kernel for an
 * unknown flag; -ENOENT if @handle names no BO of this file; -ENOMEM when
 * the pages of a host BO cannot be allocated or mapped; -ENOTTY, -EBADF,
 * -ENODEV.
 */
NEURON_DRM_EXPORT int neuron_drm_bo_info(int fd, uint32_t handle,
					 uint32_t flags,
					 struct drm_neuron_bo_info *info);

/**
 * neuron_drm_bo_map() - map a buffer object into the caller's memory
 * @fd: neuron file descriptor holding @handle
 * @handle: the BO
 * @ptr: out: start of a shared read/write mapping of the whole BO
 * @size: out: its length in bytes (the BO size, a multiple of the page
 *        size); pass both to neuron_drm_bo_unmap()
 *
 * Host BOs are mapped cached; DRAM BOs write-combined through BAR4 (slow
 * to read: use a DMA job into a host BO to read DRAM back).
 *
 * Return: 0 on success; -EINVAL if @ptr or @size is NULL; -EOPNOTSUPP for
 * a DRAM BO of a device without a DRAM BAR (DRM_NEURON_BO_INFO_MAPPABLE
 * not set); -EACCES, -ENOMEM or another -errno from mmap(2); otherwise as
 * neuron_drm_bo_info().
 */
NEURON_DRM_EXPORT int neuron_drm_bo_map(int fd, uint32_t handle, void **ptr,
					uint64_t *size);

/**
 * neuron_drm_bo_unmap() - undo neuron_drm_bo_map()
 * @ptr: the mapping
 * @size: its length, as returned by neuron_drm_bo_map()
 *
 * Return: 0 on success; -EINVAL if @ptr is NULL, @size is 0 or munmap(2)
 * rejects the range.
 */
NEURON_DRM_EXPORT int neuron_drm_bo_unmap(void *ptr, uint64_t size);

/**
 * neuron_drm_gem_close() - drop a BO handle (DRM_IOCTL_GEM_CLOSE)
 * @fd: neuron file descriptor
 * @handle: BO handle of this file
 *
 * The BO itself lives on while mappings, dma-bufs or running jobs still
 * reference it.
 *
 * Return: 0 on success; -EINVAL if @handle is 0 (never a valid handle) or
 * not a BO of this file (the kernel's answer for an unknown handle);
 * -EBADF, -ENOTTY, -ENODEV.
 */
NEURON_DRM_EXPORT int neuron_drm_gem_close(int fd, uint32_t handle);

/**
 * neuron_drm_prime_handle_to_fd() - export a BO as a dma-buf
 * @fd: neuron file descriptor
 * @handle: BO handle of this file
 * @flags: DRM_CLOEXEC and/or DRM_RDWR (0 for neither); DRM_CLOEXEC is
 *         almost always wanted
 * @dmabuf_fd: out: the dma-buf file descriptor (close(2) it when done)
 *
 * A DRAM BO's dma-buf can be imported by another neuron device only, as
 * peer DRAM for Neuron-Pipe transfers.
 *
 * Return: 0 on success; -EINVAL if @dmabuf_fd is NULL, or from the kernel
 * for unknown @flags; -ENOENT for an unknown @handle; -EMFILE/-ENFILE out
 * of descriptors; -ENOMEM; -EBADF, -ENOTTY, -ENODEV.
 */
NEURON_DRM_EXPORT int neuron_drm_prime_handle_to_fd(int fd, uint32_t handle,
						    uint32_t flags,
						    int *dmabuf_fd);

/**
 * neuron_drm_prime_fd_to_handle() - import a dma-buf as a BO
 * @fd: neuron file descriptor
 * @dmabuf_fd: the dma-buf
 * @handle: out: BO handle in this file (the same handle again if the file
 *          already imported this dma-buf); neuron_drm_gem_close() it
 *
 * A neuron DRAM dma-buf becomes a peer-DRAM BO (BO info flag
 * DRM_NEURON_BO_INFO_PEER) usable in transfers over the Neuron-Pipe link.
 *
 * Return: 0 on success; -EINVAL if @handle is NULL or @dmabuf_fd is
 * negative (library) or @dmabuf_fd is open but not a dma-buf (kernel);
 * -EBADF if @dmabuf_fd (or @fd) is not an open descriptor;
 * -EOPNOTSUPP when the exporter refuses this device (e.g. a DRAM dma-buf
 * imported by a non-neuron device); -ENOMEM; -ENOTTY, -ENODEV.
 */
NEURON_DRM_EXPORT int neuron_drm_prime_fd_to_handle(int fd, int dmabuf_fd,
						    uint32_t *handle);

/**
 * neuron_drm_query_memory_usage() - device-wide memory use
 * @fd: neuron file descriptor
 * @usage: filled on success (zeroed first): the host region, then one
 *         region per DRAM channel (@usage->region_count valid, bytes)
 *
 * Return: 0 on success; -EINVAL if @usage is NULL or the kernel does not
 * know the query (driver without BOs); otherwise as neuron_drm_query().
 */
NEURON_DRM_EXPORT int
neuron_drm_query_memory_usage(int fd,
			      struct drm_neuron_query_memory_usage *usage);

/* ------------------------------------------------------------------------ */
/* DMA jobs (DRM_IOCTL_NEURON_SUBMIT)                                       */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_submit() - queue a DMA job, raw form
 * @fd: neuron file descriptor
 * @submit: the uAPI argument, filled by the caller (zero it first: every
 *          reserved field must be 0); @submit->seqno is set on success
 *
 * The library checks the counts against their pointers and the
 * DRM_NEURON_SUBMIT_MAX_* limits before the system call.
 *
 * Which engine: any of the device's DMA engines (dma_engine_count of
 * DRM_NEURON_QUERY_DEVICE_INFO); the kernel picks the hardware queue.  Jobs
 * of one engine run and complete in order, so one engine per stream of
 * dependent work needs no syncobj between its jobs; independent streams on
 * different engines run side by side.  examples/dma-jobs.c is a complete
 * program.
 *
 * Return: 0 on success; -EINVAL if @submit is NULL, a non-zero count has a
 * NULL pointer, a count exceeds its DRM_NEURON_SUBMIT_MAX_*, there is no
 * work, or a @submit->program comes with transfers, descriptors or BOs
 * (library), or from the kernel (engine out of range, bad
 * transfer, unknown flag, a descriptor field out of range: BO index,
 * NeuronCore, region, offset + size; more than
 * DRM_NEURON_SUBMIT_MAX_HW_DESCS hardware descriptors); -ENOENT unknown
 * BO or syncobj handle; -EACCES a semaphore, event or descriptor end of a
 * NeuronCore the file does not own;
 * -EXDEV a DRAM BO of a device that is not this one or a linked
 * neighbour (or the link is down); -ECANCELED an earlier job of this file
 * timed out;
 * -ENOSPC the file has file_jobs_max jobs not yet finished; -EIO device
 * wedged; -ENODEV (also a neighbour unbound since the import); -ENOMEM;
 * -EFAULT; -ENOTTY; -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_submit(int fd,
					struct drm_neuron_submit *submit);

/**
 * neuron_drm_submit_xfers() - queue a job made of transfers
 * @fd: neuron file descriptor
 * @engine: DMA engine, 0 .. dma_engine_count - 1
 * @flags: DRM_NEURON_SUBMIT_* bits
 * @xfers: @count transfers (see neuron_drm_xfer_copy() for copies)
 * @count: 1 .. DRM_NEURON_SUBMIT_MAX_XFERS
 * @in_syncs: @in_count syncobjs (and timeline points) to wait for, or NULL
 * @in_count: 0 .. DRM_NEURON_SUBMIT_MAX_SYNCS
 * @out_sync: syncobj (and point, 0 = binary) that receives the job's
 *            fence, or NULL for none
 * @seqno: out: the job's sequence number on its engine, or NULL
 *
 * Return: as neuron_drm_submit().
 */
NEURON_DRM_EXPORT int
neuron_drm_submit_xfers(int fd, uint32_t engine, uint32_t flags,
			const struct drm_neuron_xfer *xfers, uint32_t count,
			const struct drm_neuron_sync *in_syncs, uint32_t in_count,
			const struct drm_neuron_sync *out_sync,
			uint64_t *seqno);

/**
 * neuron_drm_xfer_copy() - fill a copy transfer
 * @x: the transfer (zeroed, then filled)
 * @src: source BO handle
 * @src_offset: byte offset in @src
 * @dst: destination BO handle
 * @dst_offset: byte offset in @dst
 * @size: bytes, at least 1
 *
 * A helper, not an ioctl: it always succeeds.
 */
static inline void neuron_drm_xfer_copy(struct drm_neuron_xfer *x,
					uint32_t src, uint64_t src_offset,
					uint32_t dst, uint64_t dst_offset,
					uint64_t size)
{
	/* Every field set: unused ones must be zero for the kernel. */
	x->type = DRM_NEURON_XFER_COPY;
	x->flags = 0;
	x->src_handle = src;
	x->dst_handle = dst;
	x->src_offset = src_offset;
	x->dst_offset = dst_offset;
	x->size = size;
	x->nc = 0;
	x->index = 0;
	x->value = 0;
	x->pad = 0;
}

/**
 * neuron_drm_mem_bo() - a descriptor end in a BO of the job's BO list
 * @index: position of the BO in drm_neuron_submit.bo_handles
 * @offset: byte offset in the BO
 *
 * A helper, not an ioctl: it always succeeds.
 *
 * Return: the &struct drm_neuron_mem_ref, every other field zero.
 */
static inline struct drm_neuron_mem_ref neuron_drm_mem_bo(uint32_t index,
							  uint64_t offset)
{
	struct drm_neuron_mem_ref r;

	/* Assignments, not an initializer: the header is also C++. */
	r.kind = DRM_NEURON_MEM_BO;
	r.index = index;
	r.region = 0;
	r.pad = 0;
	r.offset = offset;
	return r;
}

/**
 * neuron_drm_mem_core() - a descriptor end in a NeuronCore's window
 * @nc: the NeuronCore, which the file must own (neuron_drm_core_acquire())
 * @region: DRM_NEURON_CORE_STATE_BUF (read and write), _INSTR_FIFO,
 *          _SEM_SET, _SEM_INCR, _SEM_DECR or _EVENT (write-only)
 * @offset: byte offset in the region (4 * index for semaphores and events)
 *
 * A helper, not an ioctl: it always succeeds.
 *
 * Return: the &struct drm_neuron_mem_ref, every other field zero.
 */
static inline struct drm_neuron_mem_ref neuron_drm_mem_core(uint32_t nc,
							    uint32_t region,
							    uint64_t offset)
{
	struct drm_neuron_mem_ref r;

	r.kind = DRM_NEURON_MEM_CORE;
	r.index = nc;
	r.region = region;
	r.pad = 0;
	r.offset = offset;
	return r;
}

/**
 * neuron_drm_desc_copy() - fill a descriptor
 * @d: the descriptor (every field set)
 * @src: where to read (neuron_drm_mem_bo() or neuron_drm_mem_core())
 * @dst: where to write
 * @size: bytes, at least 1; the kernel splits it into 64 KiB pieces
 * @flags: 0 or DRM_NEURON_DESC_BARRIER (start once every earlier copy of
 *         the job has written its data: before a semaphore, event or FIFO
 *         write that announces the data)
 *
 * Pass the descriptors in drm_neuron_submit.descs, the BOs they name by
 * position in drm_neuron_submit.bo_handles, to neuron_drm_submit().  For
 * example, a tensor into core 0's state buffer, then instructions into its
 * FIFO, behind a barrier:
 *
 *	neuron_drm_desc_copy(&d[0], neuron_drm_mem_bo(0, 0),
 *			     neuron_drm_mem_core(0, DRM_NEURON_CORE_STATE_BUF, 0),
 *			     tensor_size, 0);
 *	neuron_drm_desc_copy(&d[1], neuron_drm_mem_bo(1, 0),
 *			     neuron_drm_mem_core(0, DRM_NEURON_CORE_INSTR_FIFO, 0),
 *			     program_size, DRM_NEURON_DESC_BARRIER);
 *
 * A helper, not an ioctl: it always succeeds.  The kernel checks every
 * field (see struct drm_neuron_dma_desc for the errors).
 */
static inline void neuron_drm_desc_copy(struct drm_neuron_dma_desc *d,
					struct drm_neuron_mem_ref src,
					struct drm_neuron_mem_ref dst,
					uint32_t size, uint32_t flags)
{
	d->src = src;
	d->dst = dst;
	d->size = size;
	d->flags = flags;
}

/* ------------------------------------------------------------------------ */
/* Programs (DRM_IOCTL_NEURON_PROGRAM_*): descriptors validated once        */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_program_create() - validate and translate a descriptor program
 * @fd: neuron file descriptor
 * @descs: @desc_count descriptors (neuron_drm_desc_copy()), as for a job
 * @desc_count: 1 .. DRM_NEURON_SUBMIT_MAX_DESCS
 * @bo_handles: the program's BO list, that @descs name by position
 *              (neuron_drm_mem_bo()); NULL when @bo_handle_count is 0
 * @bo_handle_count: 0 .. DRM_NEURON_SUBMIT_MAX_BOS
 * @program: out: the program's handle (never 0)
 * @hw_desc_count: out: hardware descriptors one run puts in its ring, or
 *                 NULL
 *
 * The kernel checks every descriptor once, here, against the BOs and the
 * NeuronCores the file owns; each neuron_drm_program_run() then costs the
 * same whatever the program's length.  The program keeps its BOs alive;
 * closing one of their handles (neuron_drm_gem_close()) or releasing one
 * of its cores (neuron_drm_core_release()) makes every later run fail
 * with -ESTALE.  Free it with neuron_drm_program_destroy() (or by closing
 * the file).  A typical inference program: inputs into a core's state
 * buffer, instructions into its FIFO, results out, then behind a barrier a
 * semaphore increment and an event (whose notification queue entry tells
 * a poller it is done):
 *
 *	neuron_drm_desc_copy(&d[0], neuron_drm_mem_bo(IN, 0),
 *			     neuron_drm_mem_core(nc, DRM_NEURON_CORE_STATE_BUF, 0),
 *			     in_size, 0);
 *	neuron_drm_desc_copy(&d[1], neuron_drm_mem_bo(CODE, 0),
 *			     neuron_drm_mem_core(nc, DRM_NEURON_CORE_INSTR_FIFO, 0),
 *			     code_size, 0);
 *	neuron_drm_desc_copy(&d[2], neuron_drm_mem_core(nc, DRM_NEURON_CORE_STATE_BUF, 0),
 *			     neuron_drm_mem_bo(OUT, 0), out_size, DRM_NEURON_DESC_BARRIER);
 *	neuron_drm_desc_copy(&d[3], neuron_drm_mem_bo(ONE, 0),
 *			     neuron_drm_mem_core(nc, DRM_NEURON_CORE_SEM_INCR, 4 * sem),
 *			     4, DRM_NEURON_DESC_BARRIER);
 *
 * Documentation/accel/neuron/programs.rst walks through a whole runtime
 * loop; tools/neuron-bench-infer.c is one.
 *
 * Return: 0 on success; -EINVAL if @descs or @program is NULL, a count is
 * 0 or above its limit, or @bo_handles is NULL with a non-zero count
 * (library), or a descriptor is not valid (kernel, see struct
 * drm_neuron_dma_desc); -ENOENT unknown BO handle; -EACCES a NeuronCore
 * the file does not own; -EXDEV a DRAM BO of a device that is neither this
 * one nor a linked neighbour; -ENOSPC the file has
 * DRM_NEURON_PROGRAM_MAX_PER_FILE programs; -ENOMEM; -ENODEV; -EFAULT;
 * -ENOTTY (a driver without programs); -EBADF.
 */
NEURON_DRM_EXPORT int
neuron_drm_program_create(int fd, const struct drm_neuron_dma_desc *descs,
			  uint32_t desc_count, const uint32_t *bo_handles,
			  uint32_t bo_handle_count, uint32_t *program,
			  uint32_t *hw_desc_count);

/**
 * neuron_drm_program_destroy() - free a program
 * @fd: neuron file descriptor
 * @program: handle from neuron_drm_program_create()
 *
 * Runs already submitted complete; the program's BO references go with
 * the last of them.
 *
 * Return: 0 on success; -ENOENT not a program of this file; -EBADF;
 * -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_program_destroy(int fd, uint32_t program);

/**
 * neuron_drm_program_run() - queue one run of a program as a DMA job
 * @fd: neuron file descriptor
 * @context: 0 for the file's default context, or a context from
 *           neuron_drm_context_create() whose cores the program uses
 * @engine: DMA engine: without a context 0 .. dma_engine_count - 1, with
 *          one 0 .. its engine_count - 1 (as for any job: runs on one
 *          engine run in order)
 * @flags: DRM_NEURON_SUBMIT_* bits (DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC
 *         when the caller orders its runs with syncobjs)
 * @program: handle from neuron_drm_program_create()
 * @in_syncs: @in_count syncobjs (and timeline points) to wait for, or NULL
 * @in_count: 0 .. DRM_NEURON_SUBMIT_MAX_SYNCS
 * @out_sync: syncobj (and point, 0 = binary) that receives the run's
 *            fence, or NULL
 * @seqno: out: the job's sequence number on its engine, or NULL
 *
 * Return: as neuron_drm_submit(), plus -ENOENT for an unknown program or
 * context and -ESTALE for a program (or context) that can no longer run
 * (destroy it, create it again); -EINVAL also for a program that uses a
 * core outside @context.
 */
NEURON_DRM_EXPORT int
neuron_drm_program_run(int fd, uint32_t context, uint32_t engine,
		       uint32_t flags, uint32_t program,
		       const struct drm_neuron_sync *in_syncs, uint32_t in_count,
		       const struct drm_neuron_sync *out_sync, uint64_t *seqno);

/**
 * neuron_drm_context_create() - bind owned NeuronCores to their DMA engines
 * @fd: neuron file descriptor
 * @core_mask: the context's NeuronCores (bit n: core n), which the file
 *             owns (neuron_drm_core_acquire())
 * @context: out: the context's handle (never 0), for
 *           drm_neuron_submit.context and neuron_drm_program_run()
 * @engine_count: out: its engines (3 per core, the lowest core's first),
 *                or NULL
 *
 * A context's jobs run on its cores' own engines, may only reach its
 * cores, and are scheduled and made guilty on their own: a job of the
 * context that times out makes later submits to it fail with -ECANCELED,
 * not the file's other contexts'.  Releasing one of its cores makes its
 * submits fail with -ESTALE.
 *
 * Return: 0 on success; -EINVAL a @core_mask of 0 (library) or naming a
 * core the device lacks, or @context NULL; -EACCES a core the file does
 * not own; -ENOSPC the file has DRM_NEURON_CONTEXT_MAX_PER_FILE contexts;
 * -ENOMEM; -ENODEV; -ENOTTY; -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_context_create(int fd, uint32_t core_mask,
						uint32_t *context,
						uint32_t *engine_count);

/**
 * neuron_drm_context_destroy() - free a context
 * @fd: neuron file descriptor
 * @context: handle from neuron_drm_context_create()
 *
 * Waits for the context's queued jobs to reach the device; they complete.
 *
 * Return: 0 on success; -ENOENT not a context of this file; -EBADF;
 * -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_context_destroy(int fd, uint32_t context);

/* ------------------------------------------------------------------------ */
/* Syncobjs (core DRM_IOCTL_SYNCOBJ_*), the fences of DMA jobs              */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_abs_timeout() - absolute CLOCK_MONOTONIC time @rel_ns from now
 * @rel_ns: nanoseconds from now (negative: in the past)
 *
 * For the absolute timeouts of the wait functions.  Saturates at INT64_MAX.
 *
 * Return: the time in nanoseconds.  Never fails.
 */
NEURON_DRM_EXPORT int64_t neuron_drm_abs_timeout(int64_t rel_ns);

/**
 * neuron_drm_syncobj_create() - create a syncobj
 * @fd: neuron file descriptor
 * @flags: 0 or DRM_SYNCOBJ_CREATE_SIGNALED
 * @handle: out: the syncobj handle (binary or timeline: the same object)
 *
 * Return: 0 on success; -EINVAL if @handle is NULL or from the kernel for
 * unknown @flags; -EOPNOTSUPP if the driver has no syncobjs; -ENOMEM;
 * -EBADF, -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_syncobj_create(int fd, uint32_t flags,
						uint32_t *handle);

/**
 * neuron_drm_syncobj_destroy() - destroy a syncobj handle
 * @fd: neuron file descriptor
 * @handle: syncobj handle
 *
 * Return: 0 on success; -EINVAL for an unknown @handle (the kernel's
 * answer) or 0; -EOPNOTSUPP, -EBADF, -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_syncobj_destroy(int fd, uint32_t handle);

/**
 * neuron_drm_syncobj_wait() - wait for binary syncobjs to signal
 * @fd: neuron file descriptor
 * @handles: @count syncobj handles
 * @count: 1 or more
 * @timeout_ns: absolute CLOCK_MONOTONIC time to give up at (see
 *              neuron_drm_abs_timeout()); 0 only checks
 * @flags: DRM_SYNCOBJ_WAIT_FLAGS_* (WAIT_ALL: all must signal, else any;
 *         WAIT_FOR_SUBMIT: also wait for a fence to be attached)
 * @first_signaled: out: index of a signalled syncobj when not waiting for
 *                  all, or NULL
 *
 * Signals are retried with the same absolute timeout.  Success means
 * signalled, not successful: a job that failed signals its fence with an
 * error that the syncobj wait does not report; ask
 * neuron_drm_syncobj_status() afterwards (1: the job succeeded, a negative
 * errno: it failed).
 *
 * Return: 0 when the condition holds; -ETIME when the timeout passed;
 * -EINVAL if @handles is NULL or @count is 0, or from the kernel for an
 * unknown flag or a syncobj with no fence (without WAIT_FOR_SUBMIT);
 * -ENOENT for an unknown handle; -ENOMEM; -EOPNOTSUPP, -EBADF, -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_syncobj_wait(int fd, const uint32_t *handles,
					      uint32_t count,
					      int64_t timeout_ns,
					      uint32_t flags,
					      uint32_t *first_signaled);

/**
 * neuron_drm_syncobj_timeline_wait() - wait for timeline points
 * @fd: neuron file descriptor
 * @handles: @count syncobj handles
 * @points: @count timeline points (0 for a binary syncobj)
 * @count: 1 or more
 * @timeout_ns: absolute CLOCK_MONOTONIC time to give up at
 * @flags: DRM_SYNCOBJ_WAIT_FLAGS_* (also WAIT_AVAILABLE)
 * @first_signaled: out: as neuron_drm_syncobj_wait(), or NULL
 *
 * Return: as neuron_drm_syncobj_wait(); also -EINVAL if @points is NULL.
 */
NEURON_DRM_EXPORT int
neuron_drm_syncobj_timeline_wait(int fd, const uint32_t *handles,
				 const uint64_t *points, uint32_t count,
				 int64_t timeout_ns, uint32_t flags,
				 uint32_t *first_signaled);

/**
 * neuron_drm_syncobj_query() - last signalled point of timeline syncobjs
 * @fd: neuron file descriptor
 * @handles: @count syncobj handles
 * @points: out: @count points, the last signalled point of each
 * @count: 1 or more
 *
 * Return: 0 on success; -EINVAL if a pointer is NULL or @count is 0;
 * -ENOENT for an unknown handle; -EOPNOTSUPP, -EFAULT, -EBADF, -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_syncobj_query(int fd, const uint32_t *handles,
					       uint64_t *points,
					       uint32_t count);

/**
 * neuron_drm_syncobj_timeline_signal() - signal timeline points from the CPU
 * @fd: neuron file descriptor
 * @handles: @count syncobj handles
 * @points: @count points to signal (must be above the current ones)
 * @count: 1 or more
 *
 * Return: 0 on success; -EINVAL if a pointer is NULL or @count is 0;
 * -ENOENT for an unknown handle; -ENOMEM; -EOPNOTSUPP, -EBADF, -ENOTTY.
 */
NEURON_DRM_EXPORT int
neuron_drm_syncobj_timeline_signal(int fd, const uint32_t *handles,
				   const uint64_t *points, uint32_t count);

/**
 * neuron_drm_syncobj_status() - has a binary syncobj's fence signalled, and how
 * @fd: neuron file descriptor
 * @handle: syncobj handle
 * @status: out: 1 signalled without error, 0 not signalled yet, or the
 *          fence's negative error: the job failed (-ETIMEDOUT timed out,
 *          -ECANCELED cancelled, -EIO device reset or DMA error, -ENODEV
 *          device gone)
 *
 * A syncobj wait only says that a fence signalled; this tells a job that
 * completed from one that failed.  It exports the fence as a sync_file
 * (libdrm's drmSyncobjExportSyncFile()) and reads its status
 * (SYNC_IOC_FILE_INFO); the temporary descriptor is closed again.
 *
 * Return: 0 on success; -EINVAL if @status is NULL or the syncobj has no
 * fence; -ENOENT for an unknown handle; -EMFILE; -EOPNOTSUPP, -EBADF,
 * -ENOTTY.
 */
NEURON_DRM_EXPORT int neuron_drm_syncobj_status(int fd, uint32_t handle,
						int *status);

/* ------------------------------------------------------------------------ */
/* NeuronCores: ownership, semaphores, events, notification queues, waits   */
/* ------------------------------------------------------------------------ */

/**
 * neuron_drm_query_cores() - who owns which NeuronCore
 * @fd: neuron file descriptor (owner or not)
 * @cores: filled on success (zeroed first); @cores->core_count valid
 *         entries, indexed by NeuronCore
 *
 * Return: 0 on success; -EINVAL if @cores is NULL or the kernel does not
 * know the query; otherwise as neuron_drm_query().
 */
NEURON_DRM_EXPORT int neuron_drm_query_cores(int fd,
					     struct drm_neuron_query_cores *cores);

/**
 * neuron_drm_core_acquire() - become the exclusive owner of NeuronCores
 * @fd: neuron file descriptor (ownership belongs to the open file)
 * @core_mask: bit n selects NeuronCore n; all or nothing
 *
 * A core changes hands clean: acquiring a core sets all its semaphores to
 * 0 and clears all its events, so nothing a previous owner (a crashed one
 * in particular) left behind is seen by the new one.  Cores this file
 * already owns are accepted again and left as they are.  Ownership ends
 * with neuron_drm_core_release() or when the file is closed.
 *
 * Return: 0 on success; -EINVAL if @core_mask is 0 (library) or names a
 * core the device does not have; -EBUSY if another file owns one of them;
 * the common errors of the device (-EIO wedged or failed reset,
 * -ETIMEDOUT, -ENODEV gone; a running reset is waited for), -ENOTTY,
 * -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_core_acquire(int fd, uint32_t core_mask);

/**
 * neuron_drm_core_release() - give up NeuronCores (destroys their queues)
 * @fd: neuron file descriptor
 * @core_mask: bit n selects NeuronCore n; all or nothing
 *
 * Destroys the cores' notification queues.  Semaphore and event values
 * stay; the next neuron_drm_core_acquire() clears them.
 *
 * Return: 0 on success; -EINVAL if @core_mask is 0 or names a core the
 * device does not have; -EACCES if this file does not own one of them;
 * -ENOTTY, -EBADF, -ENODEV.
 */
NEURON_DRM_EXPORT int neuron_drm_core_release(int fd, uint32_t core_mask);

/**
 * neuron_drm_sem_op() - read or change a semaphore of an owned NeuronCore
 * @fd: neuron file descriptor owning @core
 * @core: NeuronCore
 * @index: semaphore, 0 .. semaphores_per_nc - 1
 * @op: DRM_NEURON_SEM_READ, _SET, _INCR or _DECR
 * @value: in: the operand (SET, INCR, DECR; ignored by READ); out: the
 *         value read (READ only)
 *
 * Return: 0 on success; -EINVAL if @value is NULL, or from the kernel for
 * an unknown @op or an index out of range; -EACCES if the caller does not
 * own @core; the common errors (-EIO, -ETIMEDOUT, -ENODEV), -ENOTTY,
 * -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_sem_op(int fd, uint32_t core, uint32_t index,
					uint32_t op, int32_t *value);

/**
 * neuron_drm_event_op() - read, set or clear an event of an owned core
 * @fd: neuron file descriptor owning @core
 * @core: NeuronCore
 * @index: event, 0 .. events_per_nc - 1
 * @op: DRM_NEURON_EVENT_READ, _SET or _CLEAR
 * @value: out: 0 or 1 for READ; may be NULL for SET and CLEAR
 *
 * Return: 0 on success; -EINVAL if @value is NULL for READ, or from the
 * kernel for an unknown @op or an index out of range; -EACCES if the
 * caller does not own @core; the common errors, -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_event_op(int fd, uint32_t core,
					  uint32_t index, uint32_t op,
					  uint32_t *value);

/**
 * neuron_drm_nq_create() - set up a notification queue in a host BO
 * @fd: neuron file descriptor owning @core
 * @core: NeuronCore
 * @type: enum drm_neuron_nq_type
 * @engine: engine for TRACE and NOTIFY queues (0 .. DRM_NEURON_NQ_ENGINES
 *          - 1), 0 for EVENT and ERROR
 * @handle: host BO holding the ring (one DMA segment covering it)
 * @size: ring size in bytes, a power of two in DRM_NEURON_NQ_MIN_SIZE ..
 *        DRM_NEURON_NQ_MAX_SIZE, at most the BO size
 *
 * Return: 0 on success; -EINVAL for an index out of range, a bad @size, a
 * BO that is not a contiguous host BO; -ENOENT unknown @handle; -EEXIST
 * the queue is already set up; -EACCES the caller does not own @core; the
 * common errors, -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_nq_create(int fd, uint32_t core,
					   uint32_t type, uint32_t engine,
					   uint32_t handle, uint32_t size);

/**
 * neuron_drm_nq_destroy() - tear down a notification queue
 * @fd: neuron file descriptor owning @core
 * @core: NeuronCore
 * @type: enum drm_neuron_nq_type
 * @engine: as for neuron_drm_nq_create()
 *
 * Return: 0 on success; -EINVAL out of range; -EACCES not the owner;
 * -ENOENT the queue is not set up; -ENOTTY, -EBADF, -ENODEV.
 */
NEURON_DRM_EXPORT int neuron_drm_nq_destroy(int fd, uint32_t core,
					    uint32_t type, uint32_t engine);

/**
 * neuron_drm_nq_advance() - hand consumed entries back, read the head
 * @fd: neuron file descriptor owning @core
 * @core: NeuronCore
 * @type: enum drm_neuron_nq_type
 * @engine: as for neuron_drm_nq_create()
 * @count: entries consumed (0: only report)
 * @out: filled on success (zeroed first) with the kernel's answer: head
 *       (byte offset), phase of a new entry at head, dropped count; may
 *       be NULL
 *
 * Return: 0 on success; -EINVAL out of range or @count larger than the
 * new entries at the head; -EACCES not the owner; -ENOENT the queue is
 * not set up; the common errors, -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_nq_advance(int fd, uint32_t core,
					    uint32_t type, uint32_t engine,
					    uint32_t count,
					    struct drm_neuron_nq_advance *out);

/**
 * neuron_drm_wait() - sleep until a semaphore or a queue is ready
 * @fd: neuron file descriptor owning @core
 * @type: DRM_NEURON_WAIT_SEMAPHORE or DRM_NEURON_WAIT_NQ
 * @core: NeuronCore
 * @index: semaphore index, or the queue's enum drm_neuron_nq_type
 * @engine: queue engine (0 for semaphores)
 * @value: semaphore value to reach (signed >=); 0 for queues
 * @timeout_ns: absolute CLOCK_MONOTONIC time to give up at (see
 *              neuron_drm_abs_timeout()); a time in the past polls once
 * @result: out: the semaphore value, or the queue's head offset; may be
 *          NULL
 *
 * Signals restart the wait with the same absolute timeout.
 *
 * Return: 0 when the condition holds; -ETIME when the timeout passed;
 * -EINVAL for an unknown @type or an index out of range; -EACCES not the
 * owner (also when released during the wait); -ENOENT the queue does not
 * exist (or was destroyed); the common errors, -ENOTTY, -EBADF.
 */
NEURON_DRM_EXPORT int neuron_drm_wait(int fd, uint32_t type, uint32_t core,
				      uint32_t index, uint32_t engine,
				      int32_t value, int64_t timeout_ns,
				      int32_t *result);

#ifdef __cplusplus
}
#endif

#endif /* NEURON_DRM_H */
