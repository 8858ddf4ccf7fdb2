/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Copyright (C) 2025 The neuron driver authors
 */

#ifndef __UAPI_NEURON_ACCEL_H__
#define __UAPI_NEURON_ACCEL_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: neuron uAPI overview
 *
 * The neuron driver exposes each AWS Inferentia (Neuron v1) device as a
 * DRM accel node, ``/dev/accel/accelN``. Userspace identifies the driver by
 * the name "neuron" returned by &DRM_IOCTL_VERSION.
 *
 * All driver-specific ioctls are numbered from &DRM_COMMAND_BASE using
 * &enum drm_neuron_ioctl_id. Every structure is naturally aligned, has the
 * same layout on 32-bit and 64-bit userspace, and passes user pointers as
 * __u64. Fields named ``flags`` or ``pad`` must be zero unless a flag is
 * defined here; the kernel rejects anything else with -EINVAL so that the
 * bits can be given a meaning later.
 *
 * Error codes follow Documentation/gpu/drm-uapi.rst ("Recommended IOCTL
 * Return Values"). Each has one meaning in this file; an ioctl's
 * kernel-doc names the ones it can return and why:
 *
 * * -EINVAL: the argument cannot work: a reserved field or pad is not
 *   zero, a flag is unknown, a value is out of range, a size or count is
 *   above its documented limit (never -E2BIG), a range is not inside the
 *   memory the call may use.
 * * -EFAULT: a user pointer (the argument or a pointer inside it) is not
 *   accessible. An ioctl that writes results into its argument (any
 *   _IOR/_IOWR command, the core ones the node passes included) first
 *   checks that the argument is writable and fails with -EFAULT before
 *   doing anything when it is not, so a call that fails this way created,
 *   queued or changed nothing. (A second thread unmapping or protecting
 *   the argument while the call runs still gets -EFAULT after the work
 *   was done.)
 * * -ENOENT: a handle (BO, syncobj) or a notification queue does not
 *   exist.
 * * -EACCES: the call is valid but needs a privilege the caller lacks:
 *   CAP_SYS_ADMIN, or ownership of the NeuronCore it acts on (see
 *   &DRM_IOCTL_NEURON_CORE_ACQUIRE), or a core DRM ioctl the node does not
 *   pass.
 * * -EBUSY: the resource is held by another file (a NeuronCore another
 *   file owns); retrying without that file letting go fails again.
 * * -EEXIST: the object to create exists already (a notification queue).
 * * -ENOSPC: a per-file, per-user or device resource limit is reached
 *   (jobs, BOs, device DRAM, the device's host BO bytes); -ENOMEM: kernel memory ran
 *   out, or a host BO would exceed the caller's RLIMIT_MEMLOCK (as for
 *   mlock(2)).
 * * -ETIMEDOUT: a bounded wait inside the call expired: the device
 *   firmware did not answer, or (CORE_ACQUIRE) the previous owner's jobs
 *   did not finish; -ETIME: the caller's own timeout expired (WAIT).
 * * -ENXIO: the device firmware reported a failure or answered with a
 *   malformed response (a remote failure); the device stays usable.
 * * -EIO: the device is wedged: the last reset failed, or a PCI error
 *   (AER) is being recovered from, and every call that needs the device
 *   fails so until a reset succeeds (&DRM_IOCTL_NEURON_RESET, or the
 *   kernel's own after the PCI error).
 * * -ENODEV: the device was unplugged or the driver unbound; the file
 *   descriptor stays unusable and should be closed. Also after the device
 *   was shut down for a reboot or kexec: until the driver is bound again.
 * * -EINTR: a signal arrived while the call slept; it can be restarted
 *   with the same argument (drmIoctl() does).
 * * -ESTALE: a program (&DRM_IOCTL_NEURON_PROGRAM_CREATE) can no longer
 *   run: a BO it uses was closed, or a NeuronCore it uses was released,
 *   since it was created; or a context
 *   (&DRM_IOCTL_NEURON_CONTEXT_CREATE) lost one of its NeuronCores.
 *   Destroy it and create it again.
 * * -EOPNOTSUPP, -EXDEV, -ECANCELED: as the ioctls that return them say.
 *
 * Calls made while a device reset runs do not fail: those that need the
 * device sleep, interruptibly, until the reset is over and then run as if
 * they had been made after it. No driver ioctl returns -EAGAIN (on which
 * drmIoctl() would spin) or -E2BIG. The common errors of an ioctl that
 * needs the device are -ENODEV, -EIO, -EINTR, and, for those that ask its
 * firmware, -ENXIO and -ETIMEDOUT.
 */

/**
 * DOC: core DRM ioctls
 *
 * Of the core DRM ioctls (type 'd', numbers outside &DRM_COMMAND_BASE ..
 * &DRM_COMMAND_END - 1) the node passes on only those a render node
 * allows and an accel client needs:
 *
 * * &DRM_IOCTL_VERSION and &DRM_IOCTL_GET_CAP;
 * * &DRM_IOCTL_GEM_CLOSE, &DRM_IOCTL_PRIME_HANDLE_TO_FD and
 *   &DRM_IOCTL_PRIME_FD_TO_HANDLE;
 * * the syncobj ioctls: &DRM_IOCTL_SYNCOBJ_CREATE, _DESTROY,
 *   _HANDLE_TO_FD, _FD_TO_HANDLE, _TRANSFER, _EVENTFD, _WAIT,
 *   _TIMELINE_WAIT, _RESET, _SIGNAL, _TIMELINE_SIGNAL and _QUERY.
 *
 * They behave as the DRM core documents them, except that
 * &DRM_IOCTL_GEM_CLOSE with a non-zero &drm_gem_close.pad fails with
 * -EINVAL (the core ignores it) and closes nothing. Every other core ioctl
 * number fails with -EACCES, as on a render node, for every caller, root
 * included, and whether or not the running kernel defines it: master and
 * authentication ioctls (GET_UNIQUE, GET_MAGIC, SET_MASTER, ...), GEM
 * flink and open, client capabilities, mode setting, and core ioctls of
 * later kernels until the driver lists them. The check is made before the
 * device's state is looked at, so these fail with -EACCES after an unplug
 * too.
 *
 * The syncobj ioctls that take an array of handles (WAIT, TIMELINE_WAIT,
 * RESET, SIGNAL, TIMELINE_SIGNAL, QUERY) fail with -EINVAL when
 * count_handles exceeds &DRM_NEURON_SYNCOBJ_MAX_HANDLES (the core would
 * try to allocate arrays of that many entries), and with -EFAULT when
 * the argument cannot be read.
 *
 * Commands of another type than 'd' fail with -ENOTTY. Driver ioctl numbers
 * that &enum drm_neuron_ioctl_id does not define fail with -EINVAL (the
 * DRM core's answer).
 *
 * The same rules apply to 32-bit callers on a 64-bit kernel.
 */

/**
 * DRM_NEURON_SYNCOBJ_MAX_HANDLES - largest count_handles of a syncobj
 * array ioctl on the node.
 *
 * The DRM core allocates several arrays of count_handles entries, the
 * largest 64 bytes an entry (a wait); 512 keeps each within 32 KiB.
 */
#define DRM_NEURON_SYNCOBJ_MAX_HANDLES	512

/**
 * enum drm_neuron_ioctl_id - neuron ioctl numbers
 *
 * Place new ioctls at the end, never re-order, replace or remove entries:
 * the values are ABI.
 */
enum drm_neuron_ioctl_id {
	/** @DRM_NEURON_QUERY: query static or live device information. */
	DRM_NEURON_QUERY = 0,

	/** @DRM_NEURON_DEVICE_STATE: read allow-listed device state. */
	DRM_NEURON_DEVICE_STATE = 1,

	/** @DRM_NEURON_POST_METRICS: post runtime metrics to the firmware. */
	DRM_NEURON_POST_METRICS = 2,

	/**
	 * @DRM_NEURON_RESET: reset the device (privileged) or the caller's
	 * NeuronCores.
	 */
	DRM_NEURON_RESET = 3,

	/** @DRM_NEURON_BO_CREATE: create a buffer object. */
	DRM_NEURON_BO_CREATE = 4,

	/** @DRM_NEURON_BO_INFO: describe a buffer object. */
	DRM_NEURON_BO_INFO = 5,

	/* 6: unused (set aside for a BO_WAIT that was never needed). */

	/** @DRM_NEURON_SUBMIT: queue a DMA job. */
	DRM_NEURON_SUBMIT = 7,

	/** @DRM_NEURON_CORE_ACQUIRE: take exclusive ownership of NeuronCores. */
	DRM_NEURON_CORE_ACQUIRE = 8,

	/** @DRM_NEURON_CORE_RELEASE: give up ownership of NeuronCores. */
	DRM_NEURON_CORE_RELEASE = 9,

	/** @DRM_NEURON_SEM_OP: read or change a NeuronCore semaphore. */
	DRM_NEURON_SEM_OP = 10,

	/** @DRM_NEURON_EVENT_OP: read, set or clear a NeuronCore event. */
	DRM_NEURON_EVENT_OP = 11,

	/** @DRM_NEURON_NQ_CREATE: set up a notification queue in a BO. */
	DRM_NEURON_NQ_CREATE = 12,

	/** @DRM_NEURON_NQ_DESTROY: stop and tear down a notification queue. */
	DRM_NEURON_NQ_DESTROY = 13,

	/** @DRM_NEURON_NQ_ADVANCE: hand consumed entries back to the device. */
	DRM_NEURON_NQ_ADVANCE = 14,

	/** @DRM_NEURON_WAIT: sleep until a semaphore or a queue is ready. */
	DRM_NEURON_WAIT = 15,

	/*
	 * 16: unused. It was SEM_FENCE, a syncobj fence that signalled when
	 * a semaphore reached a value: a fence whose signalling depends on
	 * userspace, which Documentation/driver-api/dma-buf.rst ("Indefinite
	 * DMA Fences") forbids. The number stays unused and fails with
	 * -EINVAL; wait for a semaphore with DRM_NEURON_WAIT instead.
	 */

	/**
	 * @DRM_NEURON_PROGRAM_CREATE: validate and translate a descriptor
	 * program once, for many runs.
	 */
	DRM_NEURON_PROGRAM_CREATE = 17,

	/** @DRM_NEURON_PROGRAM_DESTROY: free a program. */
	DRM_NEURON_PROGRAM_DESTROY = 18,

	/**
	 * @DRM_NEURON_CONTEXT_CREATE: bind owned NeuronCores to the DMA
	 * engines that feed them.
	 */
	DRM_NEURON_CONTEXT_CREATE = 19,

	/** @DRM_NEURON_CONTEXT_DESTROY: free a context. */
	DRM_NEURON_CONTEXT_DESTROY = 20,
};

/**
 * enum drm_neuron_query_type - query types for &struct drm_neuron_query
 *
 * New types are appended; values are ABI.
 */
enum drm_neuron_query_type {
	/**
	 * @DRM_NEURON_QUERY_DEVICE_INFO: &struct
	 * drm_neuron_query_device_info.
	 */
	DRM_NEURON_QUERY_DEVICE_INFO = 0,

	/**
	 * @DRM_NEURON_QUERY_TOPOLOGY: &struct drm_neuron_query_topology.
	 */
	DRM_NEURON_QUERY_TOPOLOGY = 1,

	/**
	 * @DRM_NEURON_QUERY_CORES: &struct drm_neuron_query_cores, who owns
	 * which NeuronCore.
	 */
	DRM_NEURON_QUERY_CORES = 2,

	/**
	 * @DRM_NEURON_QUERY_MEMORY_USAGE: &struct
	 * drm_neuron_query_memory_usage.
	 */
	DRM_NEURON_QUERY_MEMORY_USAGE = 3,
};

/**
 * struct drm_neuron_query - argument of &DRM_IOCTL_NEURON_QUERY
 *
 * Two-step size negotiation: call first with @size 0 (or @pointer 0) and
 * the kernel stores the size of the answer it has in @size. Then call with
 * @pointer set to a buffer of @size bytes. The kernel copies
 * min(@size, its size) bytes, zero-fills the rest of the user buffer up to
 * @size, and stores its own size in @size again.
 *
 * Answer structures only ever grow by appending fields, so old userspace
 * keeps working with a newer kernel (it gets a prefix) and newer userspace
 * with an older kernel (it sees zeros in fields the kernel does not know,
 * and can compare the returned @size with the offset of a field).
 *
 * Errors: -EINVAL for an unknown @type or a non-zero @flags or @pad,
 * -EFAULT when @pointer is not writable, plus the common errors for types
 * that read live device state.
 */
struct drm_neuron_query {
	/** @type: one of &enum drm_neuron_query_type. */
	__u32 type;

	/**
	 * @size: in: size of the buffer at @pointer in bytes; out: size of
	 * the kernel's answer structure in bytes.
	 */
	__u32 size;

	/** @pointer: user pointer to the answer buffer, or 0. */
	__u64 pointer;

	/** @flags: must be zero. */
	__u32 flags;

	/** @pad: must be zero. */
	__u32 pad;
};

/* Bits of the firmware status word (drm_neuron_query_device_info.fw_status). */
/** DRM_NEURON_FW_STATUS_EAST_LINK - the east Neuron-Pipe link is up. */
#define DRM_NEURON_FW_STATUS_EAST_LINK	(1U << 0)
/** DRM_NEURON_FW_STATUS_WEST_LINK - the west Neuron-Pipe link is up. */
#define DRM_NEURON_FW_STATUS_WEST_LINK	(1U << 1)
/** DRM_NEURON_FW_STATUS_READY - the firmware is ready. */
#define DRM_NEURON_FW_STATUS_READY	(1U << 31)

/* Capability bits (drm_neuron_query_device_info.capabilities). */
/** DRM_NEURON_CAP_DEVICE_STATE - &DRM_IOCTL_NEURON_DEVICE_STATE works. */
#define DRM_NEURON_CAP_DEVICE_STATE	(1ULL << 0)
/** DRM_NEURON_CAP_POST_METRICS - &DRM_IOCTL_NEURON_POST_METRICS works. */
#define DRM_NEURON_CAP_POST_METRICS	(1ULL << 1)
/** DRM_NEURON_CAP_RESET - &DRM_IOCTL_NEURON_RESET works. */
#define DRM_NEURON_CAP_RESET		(1ULL << 2)
/** DRM_NEURON_CAP_TOPOLOGY - &DRM_NEURON_QUERY_TOPOLOGY works. */
#define DRM_NEURON_CAP_TOPOLOGY		(1ULL << 3)
/** DRM_NEURON_CAP_DRAM_BAR - the device exposes its DRAM through BAR4. */
#define DRM_NEURON_CAP_DRAM_BAR		(1ULL << 4)
/**
 * DRM_NEURON_CAP_BO - buffer objects: &DRM_IOCTL_NEURON_BO_CREATE,
 * &DRM_IOCTL_NEURON_BO_INFO and &DRM_NEURON_QUERY_MEMORY_USAGE work.
 */
#define DRM_NEURON_CAP_BO		(1ULL << 5)
/** DRM_NEURON_CAP_SUBMIT - &DRM_IOCTL_NEURON_SUBMIT (DMA jobs) works. */
#define DRM_NEURON_CAP_SUBMIT		(1ULL << 6)
/**
 * DRM_NEURON_CAP_CORES - NeuronCore ownership: &DRM_IOCTL_NEURON_CORE_ACQUIRE,
 * &DRM_IOCTL_NEURON_CORE_RELEASE and &DRM_NEURON_QUERY_CORES work.
 */
#define DRM_NEURON_CAP_CORES		(1ULL << 7)
/**
 * DRM_NEURON_CAP_SEM_EVENT - &DRM_IOCTL_NEURON_SEM_OP and
 * &DRM_IOCTL_NEURON_EVENT_OP work.
 */
#define DRM_NEURON_CAP_SEM_EVENT	(1ULL << 8)
/**
 * DRM_NEURON_CAP_NQ - notification queues: &DRM_IOCTL_NEURON_NQ_CREATE,
 * &DRM_IOCTL_NEURON_NQ_DESTROY and &DRM_IOCTL_NEURON_NQ_ADVANCE work.
 */
#define DRM_NEURON_CAP_NQ		(1ULL << 9)
/** DRM_NEURON_CAP_WAIT - &DRM_IOCTL_NEURON_WAIT works. */
#define DRM_NEURON_CAP_WAIT		(1ULL << 10)
/* Bit 11: unused, never set (it was SEM_FENCE, see ioctl number 16). */
/**
 * DRM_NEURON_CAP_PROGRAM - programs: &DRM_IOCTL_NEURON_PROGRAM_CREATE,
 * &DRM_IOCTL_NEURON_PROGRAM_DESTROY and &drm_neuron_submit.program work.
 */
#define DRM_NEURON_CAP_PROGRAM		(1ULL << 12)
/**
 * DRM_NEURON_CAP_CONTEXT - contexts: &DRM_IOCTL_NEURON_CONTEXT_CREATE,
 * &DRM_IOCTL_NEURON_CONTEXT_DESTROY and &drm_neuron_submit.context work.
 */
#define DRM_NEURON_CAP_CONTEXT		(1ULL << 13)
/**
 * DRM_NEURON_CAP_RESET_CORES - NeuronCore resets: &DRM_IOCTL_NEURON_RESET
 * takes &DRM_NEURON_RESET_CORES, and &drm_neuron_query_cores.reset_count
 * counts them.
 */
#define DRM_NEURON_CAP_RESET_CORES	(1ULL << 14)

/**
 * struct drm_neuron_query_device_info - answer of
 * &DRM_NEURON_QUERY_DEVICE_INFO
 *
 * Static facts about the device, plus the live firmware status word. Reading
 * it needs one firmware request, so it can fail with the common errors.
 */
struct drm_neuron_query_device_info {
	/** @pci_vendor_id: PCI vendor id (0x1d0f). */
	__u16 pci_vendor_id;

	/** @pci_device_id: PCI device id (0x7064 .. 0x7067). */
	__u16 pci_device_id;

	/** @pci_subsystem_vendor_id: PCI subsystem vendor id. */
	__u16 pci_subsystem_vendor_id;

	/** @pci_subsystem_id: PCI subsystem id. */
	__u16 pci_subsystem_id;

	/** @pci_domain: PCI domain (segment) number. */
	__u32 pci_domain;

	/** @pci_bus: PCI bus number. */
	__u8 pci_bus;

	/** @pci_devfn: PCI device (bits 7:3) and function (bits 2:0). */
	__u8 pci_devfn;

	/** @pci_revision: PCI revision id. */
	__u8 pci_revision;

	/** @pad0: always zero. */
	__u8 pad0;

	/**
	 * @fw_status: firmware status word, read when the query runs; see
	 * DRM_NEURON_FW_STATUS_*.
	 */
	__u32 fw_status;

	/**
	 * @device_id: the id the driver wrote into the device's topology slot.
	 * Neighbours report it as &drm_neuron_topology_link.peer_device_id.
	 * Opaque, unique among the devices bound on this host while the
	 * driver is loaded, never 0.
	 */
	__u32 device_id;

	/** @nc_count: number of NeuronCores (4). */
	__u32 nc_count;

	/** @dma_engine_count: number of DMA engines (3 per NeuronCore). */
	__u32 dma_engine_count;

	/**
	 * @dma_queues_per_engine: DMA queue pairs per engine (16), for
	 * &DRM_NEURON_STATE_DMA_QUEUE; jobs name an engine only.
	 */
	__u32 dma_queues_per_engine;

	/** @semaphores_per_nc: semaphores per NeuronCore (32). */
	__u32 semaphores_per_nc;

	/** @events_per_nc: events per NeuronCore (256). */
	__u32 events_per_nc;

	/** @dram_channel_count: number of device DRAM channels (2). */
	__u32 dram_channel_count;

	/** @dram_channel_size: size of one DRAM channel in bytes. */
	__u64 dram_channel_size;

	/** @dram_size: total device DRAM in bytes. */
	__u64 dram_size;

	/** @driver_major: driver major version, as &DRM_IOCTL_VERSION. */
	__u32 driver_major;

	/** @driver_minor: driver minor version, as &DRM_IOCTL_VERSION. */
	__u32 driver_minor;

	/** @driver_patchlevel: driver patch level, as &DRM_IOCTL_VERSION. */
	__u32 driver_patchlevel;

	/** @pad1: always zero. */
	__u32 pad1;

	/** @capabilities: DRM_NEURON_CAP_* bits. */
	__u64 capabilities;
};

/** DRM_NEURON_LINK_EAST - index of the east link in the topology answer. */
#define DRM_NEURON_LINK_EAST		0
/** DRM_NEURON_LINK_WEST - index of the west link in the topology answer. */
#define DRM_NEURON_LINK_WEST		1
/** DRM_NEURON_LINK_COUNT - number of Neuron-Pipe links per device. */
#define DRM_NEURON_LINK_COUNT		2

/** DRM_NEURON_LINK_UP - the link is up (firmware status bit). */
#define DRM_NEURON_LINK_UP		(1U << 0)
/** DRM_NEURON_LINK_PEER_ID_VALID - the peer's id could be read. */
#define DRM_NEURON_LINK_PEER_ID_VALID	(1U << 1)
/** DRM_NEURON_LINK_PEER_LOCAL - the peer is bound on this host. */
#define DRM_NEURON_LINK_PEER_LOCAL	(1U << 2)

/**
 * struct drm_neuron_topology_link - state of one Neuron-Pipe link
 */
struct drm_neuron_topology_link {
	/** @flags: DRM_NEURON_LINK_* bits. */
	__u32 flags;

	/**
	 * @peer_device_id: the id stored in the peer device's topology slot
	 * (its &drm_neuron_query_device_info.device_id when the peer is bound
	 * by this driver on this host); 0 unless
	 * &DRM_NEURON_LINK_PEER_ID_VALID is set.
	 */
	__u32 peer_device_id;

	/**
	 * @peer_minor: accel minor of the peer (``/dev/accel/accel<N>``) when
	 * &DRM_NEURON_LINK_PEER_LOCAL is set, -1 otherwise.
	 */
	__s32 peer_minor;

	/** @pad: always zero. */
	__u32 pad;
};

/**
 * struct drm_neuron_query_topology - answer of &DRM_NEURON_QUERY_TOPOLOGY
 *
 * The Neuron-Pipe links as the firmware sees them now. The peers' ids are
 * read through the links each time the query runs. A link that is up but
 * whose peer does not answer is reported with only &DRM_NEURON_LINK_UP set.
 */
struct drm_neuron_query_topology {
	/** @device_id: this device's id, as in the device info. */
	__u32 device_id;

	/** @link_count: number of valid entries in @links. */
	__u32 link_count;

	/**
	 * @links: indexed by DRM_NEURON_LINK_EAST and DRM_NEURON_LINK_WEST.
	 */
	struct drm_neuron_topology_link links[DRM_NEURON_LINK_COUNT];
};

/**
 * enum drm_neuron_state_type - state items of
 * &DRM_IOCTL_NEURON_DEVICE_STATE
 *
 * New types are appended; values are ABI.
 */
enum drm_neuron_state_type {
	/**
	 * @DRM_NEURON_STATE_FW_STATUS: firmware status word.
	 * @index0 and @index1 must be 0. values[0] = status
	 * (DRM_NEURON_FW_STATUS_* bits).
	 */
	DRM_NEURON_STATE_FW_STATUS = 0,

	/**
	 * @DRM_NEURON_STATE_SEMAPHORE: a NeuronCore semaphore.
	 * @index0 = NeuronCore, @index1 = semaphore index.
	 * values[0] = value (a signed 32-bit quantity). Only for the
	 * core's owner or a caller with CAP_SYS_ADMIN.
	 */
	DRM_NEURON_STATE_SEMAPHORE = 1,

	/**
	 * @DRM_NEURON_STATE_EVENT: a NeuronCore event.
	 * @index0 = NeuronCore, @index1 = event index. values[0] = 0 or 1.
	 * Only for the core's owner or a caller with CAP_SYS_ADMIN.
	 */
	DRM_NEURON_STATE_EVENT = 2,

	/**
	 * @DRM_NEURON_STATE_DMA_QUEUE: registers of one DMA queue pair.
	 * @index0 = DMA engine, @index1 = queue. values[] are indexed by
	 * DRM_NEURON_DMA_QUEUE_*. Only for a caller with CAP_SYS_ADMIN
	 * (-EACCES otherwise): queues are shared, so their pointers tell
	 * about other users' jobs.
	 */
	DRM_NEURON_STATE_DMA_QUEUE = 3,

	/**
	 * @DRM_NEURON_STATE_DMA_ENGINE: state of one DMA engine.
	 * @index0 = DMA engine, @index1 must be 0. values[] are indexed by
	 * DRM_NEURON_DMA_ENGINE_*.
	 */
	DRM_NEURON_STATE_DMA_ENGINE = 4,
};

/* values[] layout of DRM_NEURON_STATE_DMA_QUEUE */
/** DRM_NEURON_DMA_QUEUE_M2S_STATUS - M2S (source) queue status register. */
#define DRM_NEURON_DMA_QUEUE_M2S_STATUS		0
/** DRM_NEURON_DMA_QUEUE_M2S_HEAD - M2S head: [23:0] index, [31:30] ring id. */
#define DRM_NEURON_DMA_QUEUE_M2S_HEAD		1
/** DRM_NEURON_DMA_QUEUE_M2S_TAIL - M2S tail: [23:0] index, [31:30] ring id. */
#define DRM_NEURON_DMA_QUEUE_M2S_TAIL		2
/** DRM_NEURON_DMA_QUEUE_M2S_LENGTH - M2S ring length in descriptors. */
#define DRM_NEURON_DMA_QUEUE_M2S_LENGTH		3
/** DRM_NEURON_DMA_QUEUE_S2M_STATUS - S2M (destination) queue status. */
#define DRM_NEURON_DMA_QUEUE_S2M_STATUS		4
/** DRM_NEURON_DMA_QUEUE_S2M_HEAD - S2M head: [23:0] index, [31:30] ring id. */
#define DRM_NEURON_DMA_QUEUE_S2M_HEAD		5
/** DRM_NEURON_DMA_QUEUE_S2M_TAIL - S2M tail: [23:0] index, [31:30] ring id. */
#define DRM_NEURON_DMA_QUEUE_S2M_TAIL		6
/** DRM_NEURON_DMA_QUEUE_S2M_LENGTH - S2M ring length in descriptors. */
#define DRM_NEURON_DMA_QUEUE_S2M_LENGTH		7
/** DRM_NEURON_DMA_QUEUE_COUNT - number of values for a DMA queue. */
#define DRM_NEURON_DMA_QUEUE_COUNT		8

/* values[] layout of DRM_NEURON_STATE_DMA_ENGINE */
/** DRM_NEURON_DMA_ENGINE_M2S_STATE - M2S side, DRM_NEURON_ENGINE_STATE_*. */
#define DRM_NEURON_DMA_ENGINE_M2S_STATE		0
/** DRM_NEURON_DMA_ENGINE_S2M_STATE - S2M side, DRM_NEURON_ENGINE_STATE_*. */
#define DRM_NEURON_DMA_ENGINE_S2M_STATE		1
/** DRM_NEURON_DMA_ENGINE_M2S_STATE_RAW - raw M2S state register. */
#define DRM_NEURON_DMA_ENGINE_M2S_STATE_RAW	2
/** DRM_NEURON_DMA_ENGINE_S2M_STATE_RAW - raw S2M state register. */
#define DRM_NEURON_DMA_ENGINE_S2M_STATE_RAW	3
/** DRM_NEURON_DMA_ENGINE_S2M_STREAM_CFG - raw S2M stream configuration. */
#define DRM_NEURON_DMA_ENGINE_S2M_STREAM_CFG	4
/** DRM_NEURON_DMA_ENGINE_VERSION - UDMA revision register (4 on v1). */
#define DRM_NEURON_DMA_ENGINE_VERSION		5
/** DRM_NEURON_DMA_ENGINE_COUNT - number of values for a DMA engine. */
#define DRM_NEURON_DMA_ENGINE_COUNT		6

/** DRM_NEURON_ENGINE_STATE_IDLE - every unit of the engine side is idle. */
#define DRM_NEURON_ENGINE_STATE_IDLE	0
/** DRM_NEURON_ENGINE_STATE_NORMAL - the engine side is running. */
#define DRM_NEURON_ENGINE_STATE_NORMAL	1
/** DRM_NEURON_ENGINE_STATE_ABORT - the engine side aborted on an error. */
#define DRM_NEURON_ENGINE_STATE_ABORT	2

/** DRM_NEURON_STATE_MAX_VALUES - size of drm_neuron_device_state.values. */
#define DRM_NEURON_STATE_MAX_VALUES	16

/**
 * struct drm_neuron_device_state - argument of
 * &DRM_IOCTL_NEURON_DEVICE_STATE
 *
 * Reads one item of device state from an allow-list of typed items. There
 * is no way to read arbitrary device or host memory. The read is done
 * by the device firmware, so it observes the state at the time of the call.
 *
 * The semaphores and events of a NeuronCore are its owner's business (see
 * &DRM_IOCTL_NEURON_CORE_ACQUIRE): other callers need CAP_SYS_ADMIN. The
 * other items are open to every caller.
 *
 * Errors: -EINVAL for an unknown @type, non-zero @flags or @pad, an index
 * out of range (see &struct drm_neuron_query_device_info for the limits) or
 * a non-zero index the type does not use; -EACCES for a semaphore or event
 * of a NeuronCore the file does not own, without CAP_SYS_ADMIN (ranges are
 * checked first); plus the common errors.
 */
struct drm_neuron_device_state {
	/** @type: one of &enum drm_neuron_state_type. */
	__u32 type;

	/** @flags: must be zero. */
	__u32 flags;

	/** @index0: first index (NeuronCore or DMA engine), see @type. */
	__u32 index0;

	/** @index1: second index (item or queue), see @type. */
	__u32 index1;

	/** @count: out: number of valid entries in @values. */
	__u32 count;

	/** @pad: must be zero. */
	__u32 pad;

	/**
	 * @values: out: the values read; entries from @count on are zero.
	 */
	__u32 values[DRM_NEURON_STATE_MAX_VALUES];
};

/** DRM_NEURON_METRICS_MAX_SIZE - largest metrics blob in bytes. */
#define DRM_NEURON_METRICS_MAX_SIZE	128

/**
 * struct drm_neuron_post_metrics - argument of
 * &DRM_IOCTL_NEURON_POST_METRICS
 *
 * Hands an opaque blob of runtime metrics to the device firmware, which
 * forwards it to the host platform's monitoring. The kernel does not
 * interpret the blob. Only for a caller with CAP_SYS_ADMIN: the platform
 * trusts what it receives, so one process of the machine's administrator
 * (the runtime's monitoring daemon) posts for all.
 *
 * Errors: -EACCES without CAP_SYS_ADMIN, -EINVAL for a zero @size,
 * a @size above DRM_NEURON_METRICS_MAX_SIZE or non-zero @flags, -EFAULT
 * when @data is not readable, plus the common errors.
 */
struct drm_neuron_post_metrics {
	/** @data: user pointer to the blob. */
	__u64 data;

	/** @size: blob size in bytes, 1 .. DRM_NEURON_METRICS_MAX_SIZE. */
	__u32 size;

	/** @flags: must be zero. */
	__u32 flags;
};

/**
 * DRM_NEURON_RESET_CORES - &drm_neuron_reset.flags: reset only the
 * NeuronCores in &drm_neuron_reset.core_mask, which the caller owns.
 */
#define DRM_NEURON_RESET_CORES		(1U << 0)

/**
 * struct drm_neuron_reset - argument of &DRM_IOCTL_NEURON_RESET
 *
 * Without flags, resets the whole device through its firmware and waits
 * until it is ready again. A device reset wipes device DRAM and all
 * engine state. While it runs, other ioctls on any file of this device
 * that need the device sleep until it is over (see "neuron uAPI
 * overview"). It runs in the driver's recovery work, the same that resets
 * the device when a DMA queue keeps hanging; requests made while one is
 * pending are served by it. Only a caller with CAP_SYS_ADMIN may reset
 * the device.
 *
 * With &DRM_NEURON_RESET_CORES (capability &DRM_NEURON_CAP_RESET_CORES),
 * resets the NeuronCores of @core_mask, each owned by the calling file
 * (&DRM_IOCTL_NEURON_CORE_ACQUIRE), and waits until they are back; no
 * privilege needed. A NeuronCore reset clears what the core holds: its
 * semaphores and events read 0, its instruction FIFO and state buffer are
 * empty, and its notification queues start again empty (head 0, entries
 * not yet consumed are lost), as after a device reset. It leaves
 * everything else as it is: the DMA engines and the jobs in their queues
 * (a job writing the core meanwhile may land before or after the reset),
 * the other cores with their owners' semaphores, events and notification
 * queues, and device DRAM. It is also the recovery step the driver takes
 * itself between a queue reset and a device reset, for a queue that keeps
 * hanging on a core (see "neuron DMA jobs"). The owner keeps its cores,
 * contexts and programs. &drm_neuron_query_cores.reset_count counts the
 * resets of each core.
 *
 * Errors: -EINVAL for an unknown flag, a non-zero @core_mask without
 * &DRM_NEURON_RESET_CORES, an empty @core_mask or one naming a core the
 * device does not have with it; -EACCES for a device reset without
 * CAP_SYS_ADMIN, or a NeuronCore of @core_mask the file does not own;
 * -EINTR when a signal ended the wait (the reset still runs; the call is
 * not restarted, which would ask for another); -EIO when the device did
 * not come back (it then stays unusable, every ioctl that needs the
 * device fails with -EIO, until a later reset succeeds) or, for a
 * NeuronCore reset, when the device is wedged or the cores did not come
 * back (the driver then resets the device, see above); -ENODEV after
 * unplug.
 */
struct drm_neuron_reset {
	/** @flags: 0 or &DRM_NEURON_RESET_CORES. */
	__u32 flags;

	/**
	 * @core_mask: with &DRM_NEURON_RESET_CORES the NeuronCores to reset,
	 * bit n for core n (n < &drm_neuron_query_cores.core_count); must
	 * be zero otherwise.
	 */
	__u32 core_mask;
};

/**
 * DRM_IOCTL_NEURON_QUERY - query device information
 *
 * Takes a &struct drm_neuron_query.
 */
#define DRM_IOCTL_NEURON_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_QUERY, struct drm_neuron_query)

/**
 * DRM_IOCTL_NEURON_DEVICE_STATE - read allow-listed device state
 *
 * Takes a &struct drm_neuron_device_state.
 */
#define DRM_IOCTL_NEURON_DEVICE_STATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_DEVICE_STATE, \
		 struct drm_neuron_device_state)

/**
 * DRM_IOCTL_NEURON_POST_METRICS - post runtime metrics
 *
 * Takes a &struct drm_neuron_post_metrics.
 */
#define DRM_IOCTL_NEURON_POST_METRICS \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_POST_METRICS, \
		struct drm_neuron_post_metrics)

/**
 * DRM_IOCTL_NEURON_RESET - reset the device (CAP_SYS_ADMIN) or owned
 * NeuronCores
 *
 * Takes a &struct drm_neuron_reset.
 */
#define DRM_IOCTL_NEURON_RESET \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_RESET, struct drm_neuron_reset)

/**
 * DOC: NeuronCores, semaphores, events and notification queues
 *
 * A device has four NeuronCores (&drm_neuron_query_device_info.nc_count).
 * Each has 32 semaphores, 256 events and a set of notification queues
 * through which the device reports to the host. An open file becomes the
 * owner of NeuronCores with &DRM_IOCTL_NEURON_CORE_ACQUIRE; only the owner
 * can change or wait on their semaphores and events and set up their
 * notification queues. Ownership, and every notification queue of the
 * core, ends with &DRM_IOCTL_NEURON_CORE_RELEASE or when the file is closed,
 * which includes the death of the process for whatever reason.
 *
 * Errors common to the ioctls of this section, in addition to the ones of
 * the whole file:
 *
 * * -EINVAL: a NeuronCore, semaphore, event, queue type or engine index is
 *   out of range, or a reserved field or flag is set.
 * * -EACCES: the file does not own the NeuronCore.
 */

/**
 * struct drm_neuron_core_owner - owner of one NeuronCore
 */
struct drm_neuron_core_owner {
	/**
	 * @pid: thread-group id (process id) of the process that acquired the
	 * core, as seen from the caller's pid namespace; 0 when the core is
	 * free or when the owner is not visible from that namespace.
	 */
	__s32 pid;

	/** @flags: DRM_NEURON_CORE_OWNER_* bits. */
	__u32 flags;
};

/** DRM_NEURON_CORE_OWNER_OWNED - the core has an owner. */
#define DRM_NEURON_CORE_OWNER_OWNED	(1U << 0)
/** DRM_NEURON_CORE_OWNER_CALLER - the calling file is the owner. */
#define DRM_NEURON_CORE_OWNER_CALLER	(1U << 1)

/** DRM_NEURON_MAX_CORES - size of &drm_neuron_query_cores.cores. */
#define DRM_NEURON_MAX_CORES		4

/**
 * struct drm_neuron_query_cores - answer of &DRM_NEURON_QUERY_CORES
 *
 * A snapshot of NeuronCore ownership, for tools (neuron-ls) and for a
 * runtime looking for free cores. It does not talk to the device and works
 * on any file, owner or not.
 */
struct drm_neuron_query_cores {
	/** @core_count: number of valid entries in @cores. */
	__u32 core_count;

	/** @pad: always zero. */
	__u32 pad;

	/** @cores: indexed by NeuronCore. */
	struct drm_neuron_core_owner cores[DRM_NEURON_MAX_CORES];

	/**
	 * @reset_count: indexed by NeuronCore: resets of the core alone
	 * since the driver bound the device (&DRM_NEURON_RESET_CORES or the
	 * driver's recovery); device resets are not counted here. Zero from
	 * kernels without &DRM_NEURON_CAP_RESET_CORES.
	 */
	__u32 reset_count[DRM_NEURON_MAX_CORES];
};

/**
 * struct drm_neuron_core_acquire - argument of
 * &DRM_IOCTL_NEURON_CORE_ACQUIRE and &DRM_IOCTL_NEURON_CORE_RELEASE
 *
 * ACQUIRE makes the calling file the exclusive owner of every NeuronCore in
 * @core_mask, all or nothing: when one of them is owned by another file
 * nothing changes and the call fails with -EBUSY. A core changes hands
 * clean: ACQUIRE sets its semaphores to 0, clears its events, and, when a
 * job may have written it since it was last cleared, overwrites its state
 * buffer with zeroes by DMA (which a failure of that DMA job makes fail
 * with its error, see "neuron DMA jobs"; nothing changes). Jobs
 * (&DRM_IOCTL_NEURON_SUBMIT) of the core's previous owner may still be
 * queued or running and write it: ACQUIRE first waits for every job that
 * file submitted while it owned the core, interruptibly and for at most
 * one second, and fails with -ETIMEDOUT if they are not done by then
 * (nothing changes; try again later). Cores the file already owns are
 * accepted again and left as they are. Ownership belongs to the open file
 * description: a dup()ed or inherited descriptor shares it, another open()
 * does not.
 *
 * RELEASE gives up every core in @core_mask, all or nothing: each must be
 * owned by the calling file (-EACCES otherwise). Releasing a core destroys
 * its notification queues (see &DRM_IOCTL_NEURON_NQ_DESTROY).
 *
 * Closing the file releases its cores the same way, so a crashed or killed
 * process never leaves cores reserved.
 *
 * Errors: -EINVAL for an empty @core_mask, a bit at or above
 * &drm_neuron_query_device_info.nc_count or non-zero @flags or @pad;
 * -EBUSY (ACQUIRE) when a core is owned by another file; -ETIMEDOUT
 * (ACQUIRE) when the jobs of its previous owner did not finish within one
 * second, or the clearing of a state buffer made no progress within the
 * job timeout; -ENXIO (ACQUIRE) when a device reset or a DMA error
 * interrupted that clearing; -EINTR (ACQUIRE) when a signal interrupted
 * one of these waits; -ENOMEM (ACQUIRE); -EACCES
 * (RELEASE) when a core is not owned by the calling file; for ACQUIRE also
 * the common errors of a device that is wedged or gone.
 */
struct drm_neuron_core_acquire {
	/** @core_mask: bit n selects NeuronCore n. */
	__u32 core_mask;

	/** @flags: must be zero. */
	__u32 flags;

	/** @pad: must be zero. */
	__u64 pad;
};

/**
 * enum drm_neuron_sem_op_code - operations of &DRM_IOCTL_NEURON_SEM_OP
 */
enum drm_neuron_sem_op_code {
	/** @DRM_NEURON_SEM_READ: @value := current value. */
	DRM_NEURON_SEM_READ = 0,

	/** @DRM_NEURON_SEM_SET: semaphore := @value. */
	DRM_NEURON_SEM_SET = 1,

	/** @DRM_NEURON_SEM_INCR: semaphore += @value (wrapping). */
	DRM_NEURON_SEM_INCR = 2,

	/** @DRM_NEURON_SEM_DECR: semaphore -= @value (wrapping). */
	DRM_NEURON_SEM_DECR = 3,
};

/**
 * struct drm_neuron_sem_op - argument of &DRM_IOCTL_NEURON_SEM_OP
 *
 * Semaphores are signed 32-bit counters that the NeuronCore's engines and
 * DMA transfers also use. SET, INCR and DECR are single posted writes to
 * the device and do not return the new value; READ asks the device
 * firmware and returns the value at the time of the call.
 *
 * Errors: -EINVAL for an unknown @op, @core or @index out of range, or
 * non-zero @flags; -EACCES when the caller does not own @core; plus the
 * common errors.
 */
struct drm_neuron_sem_op {
	/** @core: NeuronCore. */
	__u32 core;

	/** @index: semaphore, 0 .. semaphores_per_nc - 1. */
	__u32 index;

	/** @op: one of &enum drm_neuron_sem_op_code. */
	__u32 op;

	/** @flags: must be zero. */
	__u32 flags;

	/** @value: operand; out for &DRM_NEURON_SEM_READ. */
	__s32 value;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * enum drm_neuron_event_op_code - operations of &DRM_IOCTL_NEURON_EVENT_OP
 */
enum drm_neuron_event_op_code {
	/** @DRM_NEURON_EVENT_READ: @value := 1 if the event is set, else 0. */
	DRM_NEURON_EVENT_READ = 0,

	/** @DRM_NEURON_EVENT_SET: set the event. */
	DRM_NEURON_EVENT_SET = 1,

	/** @DRM_NEURON_EVENT_CLEAR: clear the event. */
	DRM_NEURON_EVENT_CLEAR = 2,
};

/**
 * struct drm_neuron_event_op - argument of &DRM_IOCTL_NEURON_EVENT_OP
 *
 * Every SET or CLEAR is reported on the core's &DRM_NEURON_NQ_EVENT queue
 * when one is set up, whether or not it changed the event.
 *
 * Errors: -EINVAL for an unknown @op, @core or @index out of range, or
 * non-zero @flags, @pad, or @value for SET and CLEAR; -EACCES when the
 * caller does not own @core; plus the common errors.
 */
struct drm_neuron_event_op {
	/** @core: NeuronCore. */
	__u32 core;

	/** @index: event, 0 .. events_per_nc - 1. */
	__u32 index;

	/** @op: one of &enum drm_neuron_event_op_code. */
	__u32 op;

	/** @flags: must be zero. */
	__u32 flags;

	/** @value: out for &DRM_NEURON_EVENT_READ; must be zero otherwise. */
	__u32 value;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * enum drm_neuron_nq_type - kinds of notification queue
 *
 * Each NeuronCore has one EVENT and one ERROR queue, and one TRACE and one
 * NOTIFY queue per engine (DRM_NEURON_NQ_ENGINES).
 */
enum drm_neuron_nq_type {
	/** @DRM_NEURON_NQ_TRACE: implicit notifications (instruction trace). */
	DRM_NEURON_NQ_TRACE = 0,

	/** @DRM_NEURON_NQ_NOTIFY: explicit NOTIFY instructions. */
	DRM_NEURON_NQ_NOTIFY = 1,

	/** @DRM_NEURON_NQ_EVENT: every write to one of the core's events. */
	DRM_NEURON_NQ_EVENT = 2,

	/** @DRM_NEURON_NQ_ERROR: accelerator errors (NaN, Inf, ...). */
	DRM_NEURON_NQ_ERROR = 3,
};

/** DRM_NEURON_NQ_ENGINES - engine indices of TRACE and NOTIFY queues. */
#define DRM_NEURON_NQ_ENGINES		4

/** DRM_NEURON_NQ_ENTRY_SIZE - size of one notification in bytes. */
#define DRM_NEURON_NQ_ENTRY_SIZE	16
/** DRM_NEURON_NQ_MIN_SIZE - smallest queue in bytes. */
#define DRM_NEURON_NQ_MIN_SIZE		256
/** DRM_NEURON_NQ_MAX_SIZE - largest queue in bytes. */
#define DRM_NEURON_NQ_MAX_SIZE		(1U << 20)

/**
 * DOC: notification entries
 *
 * A notification queue is a ring of 16-byte entries of four little-endian
 * 32-bit words, written by the device:
 *
 * * word 0: bit 31 phase, bits 30:24 &enum drm_neuron_nq_type, bits 23:0
 *   the source's index (the event number for EVENT entries);
 * * word 1: the value written (0 or 1 for an event CLEAR or SET);
 * * words 2 and 3: a 64-bit device timestamp in nanoseconds, low word first.
 *
 * The device writes word 0 last. An entry is new when its phase bit equals
 * the queue's current phase, which is 1 after &DRM_IOCTL_NEURON_NQ_CREATE
 * and flips every time the consumer position wraps to the start of the
 * ring; the kernel zeroes the ring on creation. The consumer reads entries
 * from &drm_neuron_nq_advance.head on (initially 0), then hands them back
 * with &DRM_IOCTL_NEURON_NQ_ADVANCE. The device never overwrites an entry
 * that was not handed back: when the ring is full (it holds size / 16 - 1
 * entries) new notifications are dropped and counted, see
 * &drm_neuron_nq_advance.dropped.
 *
 * This layout is the project's (the hardware's is not public); see
 * Documentation/accel/neuron/neuroncores.rst.
 */

/**
 * struct drm_neuron_nq_create - argument of &DRM_IOCTL_NEURON_NQ_CREATE
 *
 * Sets up the notification queue (@core, @type, @engine) in the first
 * @size bytes of a host buffer object of the caller, which the application
 * maps to read the entries. The kernel zeroes the ring, takes a reference
 * on the BO and keeps its pages pinned until the queue is destroyed, so
 * closing the handle early is harmless. The BO must be mapped contiguously
 * for the device (one DMA segment covering the ring).
 *
 * A queue is identified by (@core, @type, @engine) in the other NQ ioctls.
 *
 * Errors: -EINVAL for @core, @type or @engine out of range (@engine must be
 * 0 for EVENT and ERROR queues), @size not a power of two between
 * DRM_NEURON_NQ_MIN_SIZE and DRM_NEURON_NQ_MAX_SIZE or larger than the BO,
 * a BO that is not a host BO or not contiguous for the device, or non-zero
 * @flags or @pad; -ENOENT for an invalid @handle; -EEXIST when the queue is
 * already set up; -EACCES when the caller does not own @core; -ENOMEM
 * when the BO's pages cannot be allocated or mapped for the device;
 * -EOPNOTSUPP when the device would reach the BO through bounce buffers
 * (swiotlb, e.g. in a confidential VM): the device writes a queue at any
 * time, with no job boundary at which the kernel could copy the entries
 * back; plus the common errors.
 */
struct drm_neuron_nq_create {
	/** @core: NeuronCore. */
	__u32 core;

	/** @type: one of &enum drm_neuron_nq_type. */
	__u32 type;

	/** @engine: engine index for TRACE and NOTIFY queues, else 0. */
	__u32 engine;

	/** @handle: GEM handle of a host BO of the calling file. */
	__u32 handle;

	/** @size: ring size in bytes. */
	__u32 size;

	/** @flags: must be zero. */
	__u32 flags;

	/** @pad: must be zero. */
	__u64 pad;
};

/**
 * struct drm_neuron_nq_destroy - argument of &DRM_IOCTL_NEURON_NQ_DESTROY
 *
 * Stops the device from writing to the queue, waits a millisecond for
 * notifications in flight, and drops the queue's reference on its BO.
 * Waiters on the queue return -ENOENT.
 *
 * Errors: -EINVAL for an out-of-range triple or non-zero @flags; -EACCES
 * when the caller does not own @core; -ENOENT when the queue is not set up.
 */
struct drm_neuron_nq_destroy {
	/** @core: NeuronCore. */
	__u32 core;

	/** @type: one of &enum drm_neuron_nq_type. */
	__u32 type;

	/** @engine: engine index for TRACE and NOTIFY queues, else 0. */
	__u32 engine;

	/** @flags: must be zero. */
	__u32 flags;
};

/**
 * struct drm_neuron_nq_advance - argument of &DRM_IOCTL_NEURON_NQ_ADVANCE
 *
 * Hands @count consumed entries back to the device and moves the queue's
 * head past them; with @count 0 it only reports. The kernel checks that
 * the @count entries from the current head are all new (written by the
 * device since they were last handed back) against the device's own write
 * position, not the phase bits in the mapped ring (which the owner can
 * write), so the head can never overtake the device.
 *
 * Errors: -EINVAL for an out-of-range triple, non-zero @flags or @pad, or
 * a @count larger than the number of entries the device wrote from the
 * head on (whatever the phase bits in the ring say); -EACCES when
 * the caller does not own @core; -ENOENT when the queue is not set up;
 * plus the common errors (reading @dropped asks the firmware).
 */
struct drm_neuron_nq_advance {
	/** @core: NeuronCore. */
	__u32 core;

	/** @type: one of &enum drm_neuron_nq_type. */
	__u32 type;

	/** @engine: engine index for TRACE and NOTIFY queues, else 0. */
	__u32 engine;

	/** @count: number of entries consumed. */
	__u32 count;

	/** @flags: must be zero. */
	__u32 flags;

	/**
	 * @head: out: byte offset in the ring of the next entry to read,
	 * after the advance.
	 */
	__u32 head;

	/**
	 * @phase: out: phase bit that marks a new entry at @head (0 or 1).
	 */
	__u32 phase;

	/** @pad: must be zero. */
	__u32 pad;

	/**
	 * @dropped: out: notifications the device dropped because the ring
	 * was full, since the queue was created. The device counts drops of
	 * EVENT queues only; it is 0 for the other types.
	 */
	__u64 dropped;
};

/**
 * enum drm_neuron_wait_type - conditions of &DRM_IOCTL_NEURON_WAIT
 */
enum drm_neuron_wait_type {
	/**
	 * @DRM_NEURON_WAIT_SEMAPHORE: semaphore @index of @core >= @value
	 * (signed comparison).
	 */
	DRM_NEURON_WAIT_SEMAPHORE = 0,

	/**
	 * @DRM_NEURON_WAIT_NQ: the queue (@core, @index = type, @engine) has
	 * a new entry at its head.
	 */
	DRM_NEURON_WAIT_NQ = 1,
};

/**
 * struct drm_neuron_wait - argument of &DRM_IOCTL_NEURON_WAIT
 *
 * Sleeps until the condition holds, the absolute @timeout_ns passes or a
 * signal arrives. The device raises no interrupts: while somebody waits,
 * the kernel checks the condition at intervals that start at a few tens of
 * microseconds and back off to one millisecond, reading the queue's host
 * memory or the semaphore through the firmware; nothing polls when nobody
 * waits. The condition is checked at least once, so a @timeout_ns in the
 * past polls.
 *
 * A signal interrupts the wait with -EINTR, or restarts it transparently
 * when the handler was installed with SA_RESTART; as the timeout is
 * absolute, a restarted wait ends at the same time.
 *
 * Errors: -ETIME when the timeout passed first; -EINTR on a signal;
 * -EINVAL for an unknown @type, indices out of range, or non-zero @flags
 * or @pad; -EACCES when the caller does not own @core (also when it is
 * released during the wait); -ENOENT when the queue does not exist (also
 * when it is destroyed during the wait); -ENODEV as soon as the device is
 * unplugged or shut down during the wait (for a queue too, although a
 * queue is read in host memory); plus the common errors.
 */
struct drm_neuron_wait {
	/** @type: one of &enum drm_neuron_wait_type. */
	__u32 type;

	/** @core: NeuronCore. */
	__u32 core;

	/** @index: semaphore index, or &enum drm_neuron_nq_type. */
	__u32 index;

	/** @engine: queue engine index; 0 for semaphores. */
	__u32 engine;

	/** @value: semaphore value to reach; 0 for queues. */
	__s32 value;

	/** @flags: must be zero. */
	__u32 flags;

	/** @timeout_ns: absolute CLOCK_MONOTONIC time to give up at. */
	__s64 timeout_ns;

	/**
	 * @result: out: the semaphore value that satisfied the wait, or the
	 * head offset of the queue, when the call succeeds.
	 */
	__s32 result;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * DRM_IOCTL_NEURON_CORE_ACQUIRE - take ownership of NeuronCores
 *
 * Takes a &struct drm_neuron_core_acquire.
 */
#define DRM_IOCTL_NEURON_CORE_ACQUIRE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_CORE_ACQUIRE, \
		struct drm_neuron_core_acquire)

/**
 * DRM_IOCTL_NEURON_CORE_RELEASE - give up ownership of NeuronCores
 *
 * Takes a &struct drm_neuron_core_acquire.
 */
#define DRM_IOCTL_NEURON_CORE_RELEASE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_CORE_RELEASE, \
		struct drm_neuron_core_acquire)

/**
 * DRM_IOCTL_NEURON_SEM_OP - read or change a semaphore
 *
 * Takes a &struct drm_neuron_sem_op.
 */
#define DRM_IOCTL_NEURON_SEM_OP \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_SEM_OP, struct drm_neuron_sem_op)

/**
 * DRM_IOCTL_NEURON_EVENT_OP - read, set or clear an event
 *
 * Takes a &struct drm_neuron_event_op.
 */
#define DRM_IOCTL_NEURON_EVENT_OP \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_EVENT_OP, \
		 struct drm_neuron_event_op)

/**
 * DRM_IOCTL_NEURON_NQ_CREATE - set up a notification queue
 *
 * Takes a &struct drm_neuron_nq_create.
 */
#define DRM_IOCTL_NEURON_NQ_CREATE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_NQ_CREATE, \
		struct drm_neuron_nq_create)

/**
 * DRM_IOCTL_NEURON_NQ_DESTROY - tear down a notification queue
 *
 * Takes a &struct drm_neuron_nq_destroy.
 */
#define DRM_IOCTL_NEURON_NQ_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_NQ_DESTROY, \
		struct drm_neuron_nq_destroy)

/**
 * DRM_IOCTL_NEURON_NQ_ADVANCE - consume notification entries
 *
 * Takes a &struct drm_neuron_nq_advance.
 */
#define DRM_IOCTL_NEURON_NQ_ADVANCE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_NQ_ADVANCE, \
		 struct drm_neuron_nq_advance)

/**
 * DRM_IOCTL_NEURON_WAIT - wait for a semaphore or a notification
 *
 * Takes a &struct drm_neuron_wait.
 */
#define DRM_IOCTL_NEURON_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_WAIT, struct drm_neuron_wait)

/**
 * DOC: neuron buffer objects
 *
 * All memory the device reaches by DMA is held in GEM buffer objects (BOs),
 * named by per-file handles. A BO has a placement, fixed at creation:
 *
 * * &DRM_NEURON_BO_HOST: host memory (shmem), allocated when first mapped by
 *   the CPU or the device, then resident until freed.
 *   The device reaches it through the DMA API (and so through an IOMMU when
 *   there is one). Its pages are generally not contiguous for the device:
 *   &drm_neuron_bo_info.dma_segments says how many device-contiguous
 *   pieces it is made of (with &DRM_NEURON_BO_INFO_FLAG_DMA_MAP).
 * * &DRM_NEURON_BO_DRAM: device DRAM, in one of the two DRAM channels, one
 *   contiguous range fixed at creation.
 *
 * Userspace never learns where a BO is for the device: transfers name a BO
 * by (handle, byte offset) and descriptors by (index in the job's BO list,
 * byte offset), and the kernel translates (see "neuron DMA jobs").
 *
 * Sizes are rounded up to a multiple of the CPU page size. Both placements
 * can be mapped with mmap(2) on the device file at
 * &drm_neuron_bo_info.mmap_offset, shared mappings only (MAP_PRIVATE fails
 * with -EINVAL): host BOs are mapped cached, DRAM BOs write-combined
 * through the device's DRAM BAR when &DRM_NEURON_CAP_DRAM_BAR is set and
 * &DRM_NEURON_BO_INFO_MAPPABLE is reported; otherwise mmap(2) fails with
 * -EOPNOTSUPP. That includes the DRAM of another device imported from its
 * dma-buf (&DRM_NEURON_BO_INFO_PEER), which is never mapped through the
 * importing file: mmap(2) on the dma-buf itself maps it. The mapping of
 * another file's BO fails with -EACCES. Device memory is never
 * executable: mmap(2) of a DRAM BO with PROT_EXEC fails with -EPERM, and
 * mprotect(2) adding PROT_EXEC to such a mapping with -EACCES.
 * When the device is unplugged (or its driver unbound), existing mappings
 * of its DRAM BOs are removed: the next access raises SIGBUS. Mappings of
 * host BOs stay valid (host memory) until unmapped.
 *
 * BOs are shared with PRIME (&DRM_IOCTL_PRIME_HANDLE_TO_FD and
 * &DRM_IOCTL_PRIME_FD_TO_HANDLE). Host BOs are ordinary dma-bufs that any
 * importer can use. A DRAM BO's dma-buf can only be imported by neuron
 * devices: the importing device sees it as "DRAM of the exporting device",
 * usable as the source or destination of peer transfers over the
 * Neuron-Pipe links; other importers fail to attach with -EOPNOTSUPP,
 * because device DRAM has no struct pages another device could reach by
 * DMA. Importing the same dma-buf twice in one file gives the same handle.
 * A host dma-buf imported into another device counts against that device's
 * bound on host BOs (device_host_max_gib): PRIME_FD_TO_HANDLE fails with
 * -ENOSPC beyond it.
 *
 * Coherency of host BOs: a CPU write to a host BO (through its mapping, or
 * by any other means) is visible to every job submitted after the write;
 * a job's writes to a host BO are visible to the CPU once the job's
 * out-fence (its syncobj) signals, whether the job succeeded or failed.
 * While a job runs, its host BOs must not be written by the CPU, and their
 * contents as read by the CPU are undefined where the job writes. This
 * holds on every platform: where the host reaches the device through bounce
 * buffers (swiotlb, e.g. in a confidential VM), the kernel copies each
 * host BO of a job into the bounce buffers when the job starts and the BOs
 * it writes back when it ends. Jobs that use one host BO must therefore be
 * ordered when one of them writes it: implicit synchronisation does that;
 * with &DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC it is the caller's job (on a
 * bouncing platform, unordered jobs may overwrite each other's results even
 * in disjoint ranges of the BO).
 *
 * A BO lives until its last handle is closed, its last mapping and dma-buf
 * are gone and no job uses it any more; closing the file closes all its
 * handles. A device reset wipes the contents of DRAM BOs, not the BOs.
 *
 * Memory use is reported per file in fdinfo with the keys of
 * Documentation/gpu/drm-usage-stats.rst for the regions "host" and "dram",
 * and per device by &DRM_NEURON_QUERY_MEMORY_USAGE.
 */

/**
 * enum drm_neuron_bo_placement - where a buffer object lives
 *
 * Values are ABI.
 */
enum drm_neuron_bo_placement {
	/** @DRM_NEURON_BO_HOST: host memory, reached by DMA. */
	DRM_NEURON_BO_HOST = 0,

	/** @DRM_NEURON_BO_DRAM: device DRAM. */
	DRM_NEURON_BO_DRAM = 1,
};

/**
 * struct drm_neuron_bo_create - argument of &DRM_IOCTL_NEURON_BO_CREATE
 *
 * Creates a buffer object and returns a handle to it in the calling file.
 * The contents of a new BO are zero: host BOs get zeroed pages, and a DRAM
 * BO gets a range the device's DMA engine overwrote with zeroes after its
 * previous holder freed it (whatever a freed BO or a previous user left in
 * DRAM is never visible; see Documentation/accel/neuron/memory.rst). When
 * only ranges still being cleared would fit, the ioctl waits for their
 * clear.
 *
 * Errors:
 *
 * * -EINVAL: @size is 0 or overflows when rounded up to the page size; an
 *   unknown @placement; non-zero @flags; a host BO with a non-zero
 *   @alignment or @dram_channel_mask; a DRAM BO whose @alignment is not 0
 *   and not a power of two or larger than a DRAM channel, or whose
 *   @dram_channel_mask names a channel the device does not have.
 * * -ENOSPC: no allowed DRAM channel has a free range of @size bytes at
 *   @alignment (including a @size larger than a channel); the device's
 *   mmap-offset space is full; or the BO would exceed one of the calling
 *   file's bounds (BOs created and not freed, host BO bytes, DRAM bytes:
 *   the module parameters file_bo_max, file_host_max_mib and
 *   file_dram_max_mib, see Documentation/accel/neuron/memory.rst) or of
 *   the calling user's bounds on the device over all its files
 *   (user_bo_max, user_dram_max_mib), or a host BO would exceed the
 *   device's bound on host BOs created or imported by all files
 *   (device_host_max_gib).
 * * -ENOMEM: out of host memory, or a host BO larger than the host's RAM,
 *   or a host BO that would take the calling user's locked memory beyond
 *   the caller's RLIMIT_MEMLOCK without CAP_IPC_LOCK: a host BO is
 *   charged whole at creation to its creator's user (shared by all the
 *   user's processes, like io_uring's buffers) until it is freed.
 *   A host BO whose backing store cannot be allocated always fails with
 *   -ENOMEM (never -ENOSPC, which is about DRAM channels).
 * * -ENODEV: the device was unplugged.
 * * DRAM BOs only, while waiting for ranges being cleared: -EIO: the
 *   device is wedged; -EINTR: a signal arrived (nothing was created).
 */
struct drm_neuron_bo_create {
	/**
	 * @size: in: size in bytes, rounded up to a multiple of the page
	 * size (&drm_neuron_bo_info.size gives the result).
	 */
	__u64 size;

	/**
	 * @alignment: in: DRAM BOs: alignment in bytes of the BO's start in
	 * its DRAM channel, a power of two up to the channel size; 0 or
	 * anything below the page size means the page size. Host BOs: must
	 * be 0.
	 */
	__u64 alignment;

	/** @placement: in: one of &enum drm_neuron_bo_placement. */
	__u32 placement;

	/**
	 * @dram_channel_mask: in: DRAM BOs: bit c allows DRAM channel c
	 * (&drm_neuron_query_device_info.dram_channel_count channels); 0
	 * allows any channel, and the one with the most free memory is tried
	 * first. Host BOs: must be 0.
	 */
	__u32 dram_channel_mask;

	/** @flags: must be zero. */
	__u32 flags;

	/** @handle: out: handle of the new BO. */
	__u32 handle;
};

/**
 * DRM_NEURON_BO_INFO_CONTIGUOUS - the BO is one device-contiguous range
 * (&drm_neuron_bo_info.dma_segments is 1).
 */
#define DRM_NEURON_BO_INFO_CONTIGUOUS	(1U << 0)
/**
 * DRM_NEURON_BO_INFO_MAPPABLE - the BO can be mapped with mmap(2).
 */
#define DRM_NEURON_BO_INFO_MAPPABLE	(1U << 1)
/**
 * DRM_NEURON_BO_INFO_IMPORTED - the handle was imported from a dma-buf
 * that another device or driver exported.
 */
#define DRM_NEURON_BO_INFO_IMPORTED	(1U << 2)
/**
 * DRM_NEURON_BO_INFO_PEER - a DRAM BO of another neuron device, imported
 * from its dma-buf; &drm_neuron_bo_info.peer_device_id names the device.
 */
#define DRM_NEURON_BO_INFO_PEER		(1U << 3)
/*
 * Bit 4: unused, never set. It was set when BO_INFO still told where a BO
 * was for the device, and did not tell an unprivileged caller.
 */

/**
 * DRM_NEURON_BO_INFO_FLAG_DMA_MAP - input flag of &drm_neuron_bo_info: make
 * the pages of a host BO resident and map them for the device first (as
 * the first job using it would), so that its DMA layout is reported.
 */
#define DRM_NEURON_BO_INFO_FLAG_DMA_MAP	(1U << 0)

/**
 * struct drm_neuron_bo_info - argument of &DRM_IOCTL_NEURON_BO_INFO
 *
 * Describes a buffer object. The DMA layout of a host BO (@dma_segments,
 * &DRM_NEURON_BO_INFO_CONTIGUOUS) is only known once the BO is mapped for
 * the device: by a job, or by this ioctl with
 * &DRM_NEURON_BO_INFO_FLAG_DMA_MAP. Until then @dma_segments is 0. DRAM
 * BOs always report their layout. No field tells where the BO is for the
 * device: jobs name BOs, the kernel translates.
 *
 * Errors: -EINVAL for an unknown flag in @flags or a non-zero @pad,
 * -ENOENT for a handle that does not name a BO of the calling file, -ENOMEM
 * when the pages of a host BO cannot be allocated or mapped for the
 * device, -EINTR when interrupted by a signal.
 */
struct drm_neuron_bo_info {
	/** @handle: in: the BO. */
	__u32 handle;

	/** @flags: in: DRM_NEURON_BO_INFO_FLAG_* bits. */
	__u32 flags;

	/** @size: out: size in bytes, a multiple of the page size. */
	__u64 size;

	/**
	 * @mmap_offset: out: offset to pass to mmap(2) on the device file;
	 * 0 for a neighbour's DRAM (%DRM_NEURON_BO_INFO_PEER), which is never
	 * mapped through the importing file.
	 */
	__u64 mmap_offset;

	/**
	 * @reserved: out: always 0. (It told where the BO was for the
	 * device; the field stays so that the structure, and the ioctl
	 * number, keep their size.)
	 */
	__u64 reserved;

	/** @placement: out: one of &enum drm_neuron_bo_placement. */
	__u32 placement;

	/** @dram_channel: out: DRAM BOs: the DRAM channel; host BOs: 0. */
	__u32 dram_channel;

	/** @info_flags: out: DRM_NEURON_BO_INFO_* bits. */
	__u32 info_flags;

	/**
	 * @dma_segments: out: number of device-contiguous ranges the BO is
	 * made of: 1 for DRAM BOs; for host BOs it depends on the physical
	 * layout of the pages and on the IOMMU, 0 while not mapped.
	 */
	__u32 dma_segments;

	/**
	 * @peer_device_id: out: for &DRM_NEURON_BO_INFO_PEER BOs, the
	 * &drm_neuron_query_device_info.device_id of the device whose DRAM
	 * holds the BO; 0 otherwise.
	 */
	__u32 peer_device_id;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * enum drm_neuron_memory_region_type - kinds of &struct drm_neuron_memory_region
 *
 * Values are ABI.
 */
enum drm_neuron_memory_region_type {
	/** @DRM_NEURON_REGION_HOST: host memory of the device's host BOs. */
	DRM_NEURON_REGION_HOST = 0,

	/** @DRM_NEURON_REGION_DRAM: one channel of device DRAM. */
	DRM_NEURON_REGION_DRAM = 1,
};

/**
 * struct drm_neuron_memory_region - usage of one memory region
 */
struct drm_neuron_memory_region {
	/** @type: one of &enum drm_neuron_memory_region_type. */
	__u32 type;

	/** @index: DRAM: the channel; host: 0. */
	__u32 index;

	/**
	 * @total: bytes the region can hold: DRAM: bytes the allocator manages
	 * in the channel (the first page of channel 0 is never allocated);
	 * host: 0, the limit is the host's memory.
	 */
	__u64 total;

	/**
	 * @used: bytes held by buffer objects created on this device (host:
	 * resident or not; imported BOs are not counted).
	 */
	__u64 used;

	/**
	 * @largest_free: DRAM: the largest range no BO holds, in bytes
	 * (freed ranges still being cleared included: BO_CREATE waits for
	 * them); host: 0.
	 */
	__u64 largest_free;
};

/** DRM_NEURON_MAX_MEMORY_REGIONS - size of the regions array. */
#define DRM_NEURON_MAX_MEMORY_REGIONS	3

/**
 * struct drm_neuron_query_memory_usage - answer of
 * &DRM_NEURON_QUERY_MEMORY_USAGE
 *
 * Memory held by the buffer objects of all files of the device, now. It
 * does not talk to the device.
 */
struct drm_neuron_query_memory_usage {
	/** @region_count: number of valid entries in @regions. */
	__u32 region_count;

	/** @pad: always zero. */
	__u32 pad;

	/**
	 * @regions: the host region first, then one entry per DRAM channel
	 * in channel order.
	 */
	struct drm_neuron_memory_region regions[DRM_NEURON_MAX_MEMORY_REGIONS];
};

/**
 * DRM_IOCTL_NEURON_BO_CREATE - create a buffer object
 *
 * Takes a &struct drm_neuron_bo_create.
 */
#define DRM_IOCTL_NEURON_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_BO_CREATE, \
		 struct drm_neuron_bo_create)

/**
 * DRM_IOCTL_NEURON_BO_INFO - describe a buffer object
 *
 * Takes a &struct drm_neuron_bo_info.
 */
#define DRM_IOCTL_NEURON_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_BO_INFO, \
		 struct drm_neuron_bo_info)

/**
 * DOC: neuron DMA jobs
 *
 * &DRM_IOCTL_NEURON_SUBMIT queues one job on one DMA engine (0..11); the
 * kernel picks the engine's hardware queue. A job is a list of transfers,
 * each one of:
 *
 * * a copy of @size bytes from (source BO, offset) to (destination BO,
 *   offset): host BOs, device DRAM BOs of this device, and device DRAM BOs
 *   of a directly linked neighbour imported through dma-buf (peer copies
 *   over the Neuron Pipe);
 * * a write of a 32-bit value to a NeuronCore semaphore (set, increment,
 *   decrement) or event.
 *
 * and/or a list of descriptors (&struct drm_neuron_dma_desc), run after the
 * transfers, each a copy of @size bytes between two places named as (index
 * in the job's BO list, offset) or (NeuronCore the file owns, region of its
 * window, offset): its state buffer (core-local memory), its PE
 * instruction FIFO, its semaphores and events. This is how a runtime moves
 * tensors into and out of a core's memory and loads instructions into it.
 *
 * Userspace never says where memory is for the device, nor learns it: the
 * kernel validates every range against the BOs and core regions the file
 * may use, translates it, splits copies into hardware descriptors of at
 * most 64 KiB that never cross a device-contiguous piece of a BO (a page
 * of a host BO, in general), copies them into a ring that only the kernel
 * can write, and appends a completion marker. Transfers and descriptors of
 * a job run in order; jobs on one engine run in submission order; engines
 * run concurrently.
 *
 * Synchronisation: in-fences are syncobjs (binary, or a timeline point);
 * the job also waits for the fences of every BO it uses (implicit sync:
 * writers wait for readers and writers, readers wait for writers) unless
 * &DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC is set, and it always publishes its
 * fence in the BOs' reservation objects. The out-fence is attached to a
 * syncobj (binary: replaces its fence; timeline: a new point).
 *
 * A job whose engine makes no progress for the driver's job timeout has
 * its fence signalled with -ETIMEDOUT; the engine's queue is reset, other
 * files' jobs queued behind it are re-queued, and the submitting file is
 * marked guilty: its later submits fail with -ECANCELED and its jobs not
 * yet started are cancelled (fence error -ECANCELED). Closing the file
 * clears the state (a new file starts innocent). See
 * Documentation/accel/neuron/jobs.rst.
 *
 * Jobs the device holds (written into its rings, running or not) when
 * the device is reset fail with fence error -EIO: by
 * &DRM_IOCTL_NEURON_RESET, by a PCI function reset (sysfs "reset"), after
 * a PCI error, or when the system shuts down; jobs queued behind them run
 * after the reset (after a PCI error or shutdown they fail with -EIO
 * too). A reset does not make a file guilty. When the device is unplugged
 * every job not yet finished fails with -ENODEV. See "Lifecycle" in
 * Documentation/accel/neuron/index.rst.
 */

/** DRM_NEURON_SUBMIT_MAX_XFERS - largest @xfer_count of a submit. */
#define DRM_NEURON_SUBMIT_MAX_XFERS	1024
/** DRM_NEURON_SUBMIT_MAX_DESCS - largest @desc_count of a submit. */
#define DRM_NEURON_SUBMIT_MAX_DESCS	4096
/** DRM_NEURON_SUBMIT_MAX_BOS - largest @bo_handle_count of a submit. */
#define DRM_NEURON_SUBMIT_MAX_BOS	256
/** DRM_NEURON_SUBMIT_MAX_SYNCS - largest @in_sync_count of a submit. */
#define DRM_NEURON_SUBMIT_MAX_SYNCS	64
/**
 * DRM_NEURON_SUBMIT_MAX_HW_DESCS - largest number of hardware descriptor
 * pairs of one job, after splitting copies into 64 KiB pieces at BO
 * segment boundaries (so at least 510 MiB per job).
 */
#define DRM_NEURON_SUBMIT_MAX_HW_DESCS	8175

/**
 * enum drm_neuron_xfer_type - kinds of &struct drm_neuron_xfer
 *
 * Values are ABI; new kinds are appended.
 */
enum drm_neuron_xfer_type {
	/** @DRM_NEURON_XFER_COPY: copy @size bytes between two BOs. */
	DRM_NEURON_XFER_COPY = 0,

	/** @DRM_NEURON_XFER_SEM_SET: semaphore @index of @nc := @value. */
	DRM_NEURON_XFER_SEM_SET = 1,

	/** @DRM_NEURON_XFER_SEM_INCR: semaphore += @value (wrapping). */
	DRM_NEURON_XFER_SEM_INCR = 2,

	/** @DRM_NEURON_XFER_SEM_DECR: semaphore -= @value (wrapping). */
	DRM_NEURON_XFER_SEM_DECR = 3,

	/** @DRM_NEURON_XFER_EVENT: event @index of @nc := @value (0 or 1). */
	DRM_NEURON_XFER_EVENT = 4,
};

/**
 * struct drm_neuron_xfer - one transfer of a job
 *
 * Fields a @type does not use must be zero.
 */
struct drm_neuron_xfer {
	/** @type: one of &enum drm_neuron_xfer_type. */
	__u32 type;

	/** @flags: must be zero. */
	__u32 flags;

	/** @src_handle: COPY: source BO. */
	__u32 src_handle;

	/** @dst_handle: COPY: destination BO. */
	__u32 dst_handle;

	/** @src_offset: COPY: byte offset in the source BO. */
	__u64 src_offset;

	/** @dst_offset: COPY: byte offset in the destination BO. */
	__u64 dst_offset;

	/** @size: COPY: bytes, at least 1; both ranges must lie in their BO. */
	__u64 size;

	/**
	 * @nc: SEM_* and EVENT: NeuronCore, 0..3; the submitting file must
	 * own it (&DRM_IOCTL_NEURON_CORE_ACQUIRE), else -EACCES.
	 */
	__u32 nc;

	/** @index: SEM_*: semaphore 0..31; EVENT: event 0..255. */
	__u32 index;

	/** @value: SEM_* and EVENT: the value written. */
	__u32 value;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * enum drm_neuron_mem_kind - what a &struct drm_neuron_mem_ref names
 *
 * Values are ABI; new kinds are appended.
 */
enum drm_neuron_mem_kind {
	/**
	 * @DRM_NEURON_MEM_BO: a buffer object of the job's BO list:
	 * &drm_neuron_mem_ref.index is its position in
	 * &drm_neuron_submit.bo_handles, &drm_neuron_mem_ref.offset a byte
	 * offset in the BO.
	 */
	DRM_NEURON_MEM_BO = 0,

	/**
	 * @DRM_NEURON_MEM_CORE: a region of a NeuronCore's window:
	 * &drm_neuron_mem_ref.index is the NeuronCore,
	 * &drm_neuron_mem_ref.region one of &enum drm_neuron_core_region,
	 * &drm_neuron_mem_ref.offset a byte offset in that region.
	 */
	DRM_NEURON_MEM_CORE = 1,
};

/**
 * enum drm_neuron_core_region - the parts of a NeuronCore a descriptor
 * may name
 *
 * Values are ABI; new regions are appended. Each region is read, written
 * or both, as listed; a descriptor that reads a write-only region fails
 * with -EINVAL. Documentation/accel/neuron/device-model.rst says what the
 * device model does with each.
 */
enum drm_neuron_core_region {
	/**
	 * @DRM_NEURON_CORE_STATE_BUF: the core's state buffer, its local
	 * memory for tensors: &DRM_NEURON_CORE_STATE_BUF_SIZE bytes, read
	 * and written, any offset and size inside it.
	 */
	DRM_NEURON_CORE_STATE_BUF = 0,

	/**
	 * @DRM_NEURON_CORE_INSTR_FIFO: the core's PE instruction FIFO:
	 * &DRM_NEURON_CORE_INSTR_FIFO_SIZE bytes, write-only, any offset
	 * and size inside it.
	 */
	DRM_NEURON_CORE_INSTR_FIFO = 1,

	/**
	 * @DRM_NEURON_CORE_SEM_SET: semaphore i := the 32-bit value written
	 * at offset 4 * i, i in 0 ..
	 * &drm_neuron_query_device_info.semaphores_per_nc - 1; write-only,
	 * size 4.
	 */
	DRM_NEURON_CORE_SEM_SET = 2,

	/**
	 * @DRM_NEURON_CORE_SEM_INCR: as @DRM_NEURON_CORE_SEM_SET, but the
	 * semaphore is incremented by the value (wrapping).
	 */
	DRM_NEURON_CORE_SEM_INCR = 3,

	/**
	 * @DRM_NEURON_CORE_SEM_DECR: as @DRM_NEURON_CORE_SEM_SET, but the
	 * semaphore is decremented by the value (wrapping).
	 */
	DRM_NEURON_CORE_SEM_DECR = 4,

	/**
	 * @DRM_NEURON_CORE_EVENT: event i := (the 32-bit value written at
	 * offset 4 * i is not 0), i in 0 ..
	 * &drm_neuron_query_device_info.events_per_nc - 1; write-only,
	 * size 4.
	 */
	DRM_NEURON_CORE_EVENT = 5,
};

/** DRM_NEURON_CORE_STATE_BUF_SIZE - bytes of a NeuronCore's state buffer. */
#define DRM_NEURON_CORE_STATE_BUF_SIZE	(16U << 20)
/** DRM_NEURON_CORE_INSTR_FIFO_SIZE - bytes of a PE instruction FIFO. */
#define DRM_NEURON_CORE_INSTR_FIFO_SIZE	(16U << 10)

/**
 * struct drm_neuron_mem_ref - one end of a descriptor: a BO of the job or
 * a region of an owned NeuronCore, and a byte offset in it
 *
 * The range [@offset, @offset + &drm_neuron_dma_desc.size) must lie inside
 * the BO, or inside the region: it never runs from one region into the
 * next.
 */
struct drm_neuron_mem_ref {
	/** @kind: one of &enum drm_neuron_mem_kind. */
	__u32 kind;

	/**
	 * @index: &DRM_NEURON_MEM_BO: position in
	 * &drm_neuron_submit.bo_handles, 0 ..
	 * &drm_neuron_submit.bo_handle_count - 1. &DRM_NEURON_MEM_CORE: the
	 * NeuronCore, 0 .. &drm_neuron_query_device_info.nc_count - 1, which
	 * the submitting file must own (&DRM_IOCTL_NEURON_CORE_ACQUIRE), else
	 * -EACCES.
	 */
	__u32 index;

	/**
	 * @region: &DRM_NEURON_MEM_CORE: one of &enum drm_neuron_core_region.
	 * &DRM_NEURON_MEM_BO: must be zero.
	 */
	__u32 region;

	/** @pad: must be zero. */
	__u32 pad;

	/**
	 * @offset: byte offset in the BO or the region; any alignment,
	 * except a multiple of 4 in the semaphore and event regions.
	 */
	__u64 offset;
};

/**
 * DRM_NEURON_DESC_BARRIER - &drm_neuron_dma_desc.flags: the descriptor
 * starts only once every earlier descriptor and transfer of the job has
 * completed its writes (the hardware's DMB bit, on its first piece). Use it
 * before a semaphore, event or FIFO write that must not overtake the data
 * it announces.
 */
#define DRM_NEURON_DESC_BARRIER		(1U << 0)

/**
 * struct drm_neuron_dma_desc - one copy of a job, between BOs of its BO
 * list and regions of NeuronCores the submitting file owns
 *
 * Copies @size bytes from @src to @dst. The kernel validates both ends,
 * translates them for the device and splits the copy into hardware
 * descriptors (see "neuron DMA jobs"); descriptors run in order, after the
 * job's transfers. Errors, each failing the whole submit:
 *
 * * -EINVAL: unknown @flags bits; @size 0; an unknown
 *   &drm_neuron_mem_ref.kind; a non-zero &drm_neuron_mem_ref.pad, or a
 *   non-zero &drm_neuron_mem_ref.region of a BO end; a BO index at or
 *   above &drm_neuron_submit.bo_handle_count; a NeuronCore index at or
 *   above &drm_neuron_query_device_info.nc_count; an unknown region; @src
 *   in a write-only region; offset + @size overflowing or past the end of
 *   the BO or the region; in the semaphore and event regions, @size not 4
 *   or an offset not a multiple of 4; more hardware descriptors in the job
 *   than &DRM_NEURON_SUBMIT_MAX_HW_DESCS.
 * * -EACCES: a NeuronCore end of a core the file does not own (nobody
 *   owns it, or another file does). As for transfers, ownership is checked
 *   at submit and again just before the job is queued (see &struct
 *   drm_neuron_submit).
 *
 * The descriptors are copied once, at submit time, into kernel memory;
 * later changes to the user buffer have no effect.
 */
struct drm_neuron_dma_desc {
	/** @src: where the bytes are read. */
	struct drm_neuron_mem_ref src;

	/** @dst: where the bytes are written. */
	struct drm_neuron_mem_ref dst;

	/**
	 * @size: bytes to copy, at least 1; the job's hardware descriptor
	 * limit bounds it (each piece is at most 64 KiB).
	 */
	__u32 size;

	/** @flags: DRM_NEURON_DESC_* bits. */
	__u32 flags;
};

/**
 * struct drm_neuron_sync - a syncobj and an optional timeline point
 */
struct drm_neuron_sync {
	/** @handle: syncobj handle. */
	__u32 handle;

	/** @flags: must be zero. */
	__u32 flags;

	/** @point: timeline point, 0 for a binary syncobj. */
	__u64 point;
};

/**
 * DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC - do not wait for the fences in the
 * BOs' reservation objects (the job's own fence is still added to them).
 */
#define DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC	(1U << 0)

/**
 * struct drm_neuron_submit - argument of &DRM_IOCTL_NEURON_SUBMIT
 *
 * Errors:
 *
 * * -EINVAL: unknown @flags bits; non-zero reserved fields; @engine out
 *   of range (of the device, or of the @context); a job of a @context
 *   that uses a NeuronCore outside the context; no work (@xfer_count and @desc_count both 0,
 *   and no @program); a @program with a non-zero @xfer_count,
 *   @desc_count or @bo_handle_count;
 *   a count above its DRM_NEURON_SUBMIT_MAX_*; a job that needs more than
 *   DRM_NEURON_SUBMIT_MAX_HW_DESCS hardware descriptors; a transfer of
 *   size 0, an offset + size past the end of its BO or overflowing; an
 *   unknown transfer type; a NeuronCore, semaphore or event index out of
 *   range; a descriptor that is not valid (see &struct
 *   drm_neuron_dma_desc); an in-sync with
 *   no fence (at its timeline point, which may be any 64-bit value) yet:
 *   there is no wait-before-submit;
 * * -ENOENT: a BO, syncobj, program or context handle does not exist in
 *   this file;
 * * -ESTALE: the @program can no longer run: one of its BOs was closed in
 *   this file (&DRM_IOCTL_GEM_CLOSE, its handle may since name another
 *   BO), or the file released one of its NeuronCores (even if it acquired
 *   it again), since &DRM_IOCTL_NEURON_PROGRAM_CREATE. It stays so:
 *   destroy it. The same for a @context whose NeuronCores the file
 *   released since &DRM_IOCTL_NEURON_CONTEXT_CREATE;
 * * -EACCES: a SEM_*, EVENT step or a descriptor uses a NeuronCore the file
 *   does not own (as &DRM_IOCTL_NEURON_SEM_OP and
 *   &DRM_IOCTL_NEURON_EVENT_OP). Ownership is checked at submit: a job
 *   accepted then runs even if the file releases the core before the job
 *   does (the core's next CORE_ACQUIRE waits for it). If another thread of
 *   the file releases the core during the submit and another file
 *   acquires it, the job is accepted but does not run: its fence error is
 *   -EACCES;
 * * -EXDEV: a BO lives in device DRAM of a device that is not this device
 *   or one of its two direct Neuron-Pipe neighbours (or its link is down);
 * * -ECANCELED: an earlier job of this file's default context (no
 *   @context), or of the @context, timed out: it is guilty;
 * * -ENOSPC: the file has as many jobs queued or running (not yet freed)
 *   as it may (the module parameter file_jobs_max, default 4096), or the
 *   calling user over all its files on the device (user_jobs_max, default
 *   16384), or all files of the device together (device_jobs_max,
 *   default 65536);
 *   retry once some have finished;
 * * -EIO: the device is wedged; -ENODEV: the device is gone, or a
 *   neighbour whose DRAM a BO lives in was unbound since the BO was
 *   imported. A neighbour unbound after the submit is checked again when
 *   the job starts: the job does not run and its fence error is -ENODEV
 *   (that instance's DRAM may belong to someone else by then); unbinding
 *   the neighbour waits for the jobs already running against it;
 * * -ENOMEM: out of memory, including the pages of a host BO that cannot
 *   be allocated or mapped for the device;
 * * -EFAULT; -EINTR / -ERESTARTSYS while waiting for locks.
 */
struct drm_neuron_submit {
	/**
	 * @engine: DMA engine the job runs on. Without a @context: a device
	 * engine, 0 .. &drm_neuron_device_info.dma_engine_count - 1. With a
	 * @context: one of the context's engines, 0 ..
	 * &drm_neuron_context_create.engine_count - 1. Jobs of one engine
	 * start, run and complete in submission order (each file's jobs, and
	 * across files as the scheduler interleaves them); jobs of different
	 * engines run concurrently. The kernel picks the engine's hardware
	 * queue: userspace never names one.
	 */
	__u32 engine;

	/**
	 * @context: 0 for the file's default context, or a context of this
	 * file (&DRM_IOCTL_NEURON_CONTEXT_CREATE). A job of a context may
	 * only use the context's NeuronCores, and its timeout makes only the
	 * context guilty.
	 */
	__u32 context;

	/** @flags: DRM_NEURON_SUBMIT_* bits. */
	__u32 flags;

	/** @xfer_count: number of entries at @xfers. */
	__u32 xfer_count;

	/** @xfers: user pointer to &struct drm_neuron_xfer[@xfer_count]. */
	__u64 xfers;

	/**
	 * @descs: user pointer to &struct drm_neuron_dma_desc[@desc_count],
	 * run after the transfers.
	 */
	__u64 descs;

	/** @desc_count: number of entries at @descs. */
	__u32 desc_count;

	/** @bo_handle_count: number of entries at @bo_handles. */
	__u32 bo_handle_count;

	/**
	 * @bo_handles: user pointer to __u32 BO handles, the job's BO list
	 * that @descs name by position (&DRM_NEURON_MEM_BO). A handle may
	 * appear more than once. A BO written by a descriptor counts as
	 * written for implicit sync, the others as read.
	 */
	__u64 bo_handles;

	/** @in_syncs: user pointer to &struct drm_neuron_sync[@in_sync_count]. */
	__u64 in_syncs;

	/** @in_sync_count: number of entries at @in_syncs. */
	__u32 in_sync_count;

	/**
	 * @program: 0, or the handle of a program of this file
	 * (&DRM_IOCTL_NEURON_PROGRAM_CREATE) that the job runs: then
	 * @xfer_count, @desc_count and @bo_handle_count must be 0, the job
	 * is the program's translated descriptors and uses its BOs. Nothing
	 * of the program is validated or translated again: the submit checks
	 * that its BOs are still open in the file and that the file still
	 * owns its NeuronCores, then queues it.
	 */
	__u32 program;

	/**
	 * @out_sync: syncobj that receives the job's fence; handle 0 for
	 * none. Binary when @out_sync.point is 0, else a timeline point.
	 */
	struct drm_neuron_sync out_sync;

	/**
	 * @seqno: out: sequence number of the job among this file's jobs on
	 * @engine (each file has its own fence timeline per engine), as
	 * shown in the fence's seqno; for debugging and tracing.
	 */
	__u64 seqno;
};

/**
 * DRM_IOCTL_NEURON_SUBMIT - queue a DMA job
 *
 * Takes a &struct drm_neuron_submit.
 */
#define DRM_IOCTL_NEURON_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_SUBMIT, struct drm_neuron_submit)

/**
 * DOC: neuron programs
 *
 * An inference repeats the same DMA: inputs into a NeuronCore's state
 * buffer, instructions into its instruction FIFO, results back out, a
 * semaphore or event to say it is done. A program is such a list of
 * descriptors (&struct drm_neuron_dma_desc, with the BO list they name),
 * validated and translated for the device once by
 * &DRM_IOCTL_NEURON_PROGRAM_CREATE into memory only the kernel writes.
 * &DRM_IOCTL_NEURON_SUBMIT with &drm_neuron_submit.program set runs it as
 * a job, as often as needed: a run costs the same whatever the program's
 * length, apart from the time the device takes to move its bytes.
 *
 * A program holds a reference on each of its BOs: their memory stays
 * allocated while the program exists, even after their handles are
 * closed. It names cores by their index and records which ownership of
 * each core it was created under. Runs check both: once a BO of the
 * program is closed in the file, or a core it uses is released (whether
 * or not the file acquires it again), the program fails every SUBMIT with
 * -ESTALE, never reaching memory or a core the file no longer holds. Each run waits for
 * the program's BOs as a job that lists them does (implicit sync, unless
 * &DRM_NEURON_SUBMIT_NO_IMPLICIT_SYNC), and writes the same state buffers
 * (the cores' next CORE_ACQUIRE clears them).
 *
 * Programs belong to the file: &DRM_IOCTL_NEURON_PROGRAM_DESTROY or
 * closing the file frees them; runs already submitted finish first.
 */

/**
 * DRM_NEURON_PROGRAM_MAX_PER_FILE - programs a file may have at once.
 */
#define DRM_NEURON_PROGRAM_MAX_PER_FILE	1024

/**
 * struct drm_neuron_program_create - argument of
 * &DRM_IOCTL_NEURON_PROGRAM_CREATE
 *
 * Validates @desc_count descriptors against the BOs of @bo_handles and the
 * NeuronCores the file owns, exactly as &DRM_IOCTL_NEURON_SUBMIT does,
 * and keeps their translation. The kernel memory it takes (at most about
 * 32 bytes per hardware descriptor) is charged to the caller's memory
 * cgroup.
 *
 * Errors:
 *
 * * -EINVAL: non-zero @flags or @pad; @desc_count 0 or above
 *   &DRM_NEURON_SUBMIT_MAX_DESCS; @bo_handle_count above
 *   &DRM_NEURON_SUBMIT_MAX_BOS; a descriptor that is not valid (see
 *   &struct drm_neuron_dma_desc), including more hardware descriptors
 *   than &DRM_NEURON_SUBMIT_MAX_HW_DESCS;
 * * -ENOENT: a BO handle does not exist in this file;
 * * -EACCES: a descriptor names a NeuronCore the file does not own;
 * * -EXDEV: a BO lives in the DRAM of a device that is not this device
 *   or a directly linked neighbour;
 * * -ENOSPC: the file has &DRM_NEURON_PROGRAM_MAX_PER_FILE programs;
 * * -ENOMEM: out of memory (or over the memory cgroup's limit), including
 *   host BO pages that cannot be allocated or mapped for the device;
 * * -ENODEV: the device, or a neighbour whose DRAM a BO is, is gone;
 * * -EFAULT; -EINTR.
 */
struct drm_neuron_program_create {
	/** @descs: user pointer to &struct drm_neuron_dma_desc[@desc_count]. */
	__u64 descs;

	/**
	 * @bo_handles: user pointer to __u32 BO handles[@bo_handle_count],
	 * the program's BO list that @descs name by position
	 * (&DRM_NEURON_MEM_BO); a handle may appear more than once.
	 */
	__u64 bo_handles;

	/** @desc_count: 1 .. &DRM_NEURON_SUBMIT_MAX_DESCS. */
	__u32 desc_count;

	/** @bo_handle_count: 0 .. &DRM_NEURON_SUBMIT_MAX_BOS. */
	__u32 bo_handle_count;

	/** @flags: must be zero. */
	__u32 flags;

	/** @handle: out: the program, never 0; for &drm_neuron_submit.program. */
	__u32 handle;

	/**
	 * @hw_desc_count: out: hardware descriptors a run puts in its ring
	 * (the job's marker not included), for information.
	 */
	__u32 hw_desc_count;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * struct drm_neuron_program_destroy - argument of
 * &DRM_IOCTL_NEURON_PROGRAM_DESTROY
 *
 * Frees the program's handle; runs already submitted still complete, and
 * the program's BO references go with the last of them.
 *
 * Errors: -EINVAL for a non-zero @pad, -ENOENT when @handle is not a
 * program of this file.
 */
struct drm_neuron_program_destroy {
	/** @handle: the program. */
	__u32 handle;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * DRM_IOCTL_NEURON_PROGRAM_CREATE - validate and translate a program
 *
 * Takes a &struct drm_neuron_program_create.
 */
#define DRM_IOCTL_NEURON_PROGRAM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_PROGRAM_CREATE, \
		 struct drm_neuron_program_create)

/**
 * DRM_IOCTL_NEURON_PROGRAM_DESTROY - free a program
 *
 * Takes a &struct drm_neuron_program_destroy.
 */
#define DRM_IOCTL_NEURON_PROGRAM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_PROGRAM_DESTROY, \
		struct drm_neuron_program_destroy)

/**
 * DOC: neuron contexts
 *
 * A context binds NeuronCores the file owns to the DMA engines that feed
 * them: the three engines of each core (engine 3 * n + e, e = 0..2, sits
 * in NeuronCore n's block of BAR 0: section 4.2 of the hardware
 * specification). Its jobs (&drm_neuron_submit.context) name one of the
 * context's engines by index, may only reach its cores' windows, and are scheduled as a
 * stream of their own, beside the file's other contexts and its default
 * context (jobs submitted without one). A job of a context that times out
 * makes the context guilty, not the file: the context's later submits
 * fail with -ECANCELED and its jobs not yet started are cancelled, while
 * the file's other contexts go on. A runtime that serves several models
 * on different cores, or a model and its warm-up, keeps them apart so.
 *
 * A context is bound to the ownership of its cores at creation: once the
 * file releases one of them (even to acquire it again), its submits fail
 * with -ESTALE. &DRM_IOCTL_NEURON_CONTEXT_DESTROY, or closing the file,
 * frees it, after its queued jobs have reached the hardware (they still
 * complete).
 */

/**
 * DRM_NEURON_CONTEXT_MAX_PER_FILE - contexts a file may have at once.
 */
#define DRM_NEURON_CONTEXT_MAX_PER_FILE	64

/**
 * struct drm_neuron_context_create - argument of
 * &DRM_IOCTL_NEURON_CONTEXT_CREATE
 *
 * Errors: -EINVAL for non-zero @flags, an empty @core_mask or one naming
 * a core the device does not have; -EACCES when the file does not own
 * every core of @core_mask; -ENOSPC when the file has
 * &DRM_NEURON_CONTEXT_MAX_PER_FILE contexts; -ENOMEM; -ENODEV.
 */
struct drm_neuron_context_create {
	/**
	 * @core_mask: in: the context's NeuronCores, bit n for core n, at
	 * least one; the file must own them (&DRM_IOCTL_NEURON_CORE_ACQUIRE).
	 */
	__u32 core_mask;

	/** @flags: must be zero. */
	__u32 flags;

	/** @handle: out: the context, never 0; for &drm_neuron_submit.context. */
	__u32 handle;

	/**
	 * @engine_count: out: the context's DMA engines, 3 per core; a job
	 * names one as &drm_neuron_submit.engine, 0 .. @engine_count - 1:
	 * the engines of the lowest core of @core_mask first.
	 */
	__u32 engine_count;
};

/**
 * struct drm_neuron_context_destroy - argument of
 * &DRM_IOCTL_NEURON_CONTEXT_DESTROY
 *
 * Waits (killably) for the context's queued jobs to reach the hardware;
 * they complete. Errors: -EINVAL for a non-zero @pad, -ENOENT when
 * @handle is not a context of this file.
 */
struct drm_neuron_context_destroy {
	/** @handle: the context. */
	__u32 handle;

	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * DRM_IOCTL_NEURON_CONTEXT_CREATE - bind owned NeuronCores to their DMA
 * engines
 *
 * Takes a &struct drm_neuron_context_create.
 */
#define DRM_IOCTL_NEURON_CONTEXT_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NEURON_CONTEXT_CREATE, \
		 struct drm_neuron_context_create)

/**
 * DRM_IOCTL_NEURON_CONTEXT_DESTROY - free a context
 *
 * Takes a &struct drm_neuron_context_destroy.
 */
#define DRM_IOCTL_NEURON_CONTEXT_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NEURON_CONTEXT_DESTROY, \
		struct drm_neuron_context_destroy)

#if defined(__cplusplus)
}
#endif

#endif /* __UAPI_NEURON_ACCEL_H__ */
