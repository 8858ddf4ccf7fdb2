// SPDX-License-Identifier: MIT
/*
 * libneuron-drm: ioctl wrapper, error texts, library version, close.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "neuron_drm_priv.h"

unsigned int neuron_drm_lib_version(void)
{
	return (NEURON_DRM_VERSION_MAJOR << 16) |
	       (NEURON_DRM_VERSION_MINOR << 8) | NEURON_DRM_VERSION_MICRO;
}

int neuron_drm_ioctl(int fd, unsigned long request, void *arg)
{
	/*
	 * libdrm's drmIoctl(): restarts on EINTR and EAGAIN.  The driver
	 * itself sleeps through a device reset, so neither spins.
	 */
	int ret = drmIoctl(fd, request, arg);

	if (ret != -1)
		return ret;
	return errno > 0 ? -errno : -EIO;
}

const char *neuron_drm_strerror(int err)
{
	if (err == INT_MIN)
		return "unknown error";
	if (err < 0)
		err = -err;

	/*
	 * Texts phrased for what the error means on a neuron device, so
	 * that tools can print one line an operator understands.  Only
	 * static strings: this must stay thread-safe (strerror() is not
	 * guaranteed to be).
	 */
	switch (err) {
	case 0:
		return "success";
	case ENODEV:
		/* Both "none found" and the uAPI's "device unplugged". */
		return "no Neuron device (none found, or it went away; is neuron.ko loaded?)";
	case ENOENT:
		return "no such device node or object";
	case EACCES:
	case EPERM:
		/* The group of udev/70-neuron.rules (neuron-dkms creates it). */
		return "permission denied on the accel device node (root or membership of group 'neuron' needed: adduser USER neuron)";
	case ENOTTY:
		return "not a DRM device, or an ioctl this driver does not know";
	case EINVAL:
		return "invalid argument";
	case EBADF:
		return "bad file descriptor";
	case EFAULT:
		return "bad address passed to the kernel";
	case ENOMEM:
		return "out of memory";
	case ENOSPC:
		return "out of device memory";
	case E2BIG:
		return "argument too large";
	case EBUSY:
		return "device or resource busy";
	case ETIMEDOUT:
		return "timed out waiting for the device";
	case EIO:
		return "device unusable (wedged: a reset failed; reset it again)";
	case ECANCELED:
		return "job cancelled (an earlier job of this file timed out, or a device reset)";
	case EXDEV:
		return "buffer in the DRAM of a device that is not this one or a linked neighbour, or the Neuron-Pipe link is down";
	case ESTALE:
		return "program or context can no longer run (a buffer it uses was closed, or a NeuronCore it uses released): create it again";
	case ETIME:
		return "timed out waiting";
	case EEXIST:
		return "already exists";
	case EMFILE:
	case ENFILE:
		return "too many open files";
	case EOPNOTSUPP:
		return "operation not supported by this device or driver version";
	case EOVERFLOW:
		return "value too large for the given buffer";
	case ERANGE:
		return "offset or size out of range";
	case ENXIO:
		/* From an ioctl: FWIO failed; from open(): no device. */
		return "device firmware reported an error (or no device behind the node)";
	default:
		return "unknown error";
	}
}

int neuron_drm_close(int fd)
{
	if (fd < 0)
		return -EBADF;
	/*
	 * On Linux the descriptor is released even when close() reports
	 * EINTR; retrying could close a descriptor another thread just got.
	 */
	if (close(fd) == -1 && errno != EINTR)
		return -errno;
	return 0;
}
