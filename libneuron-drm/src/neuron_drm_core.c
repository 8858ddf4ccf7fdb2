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

/* EAGAIN retries issued back to back before the wrapper starts sleeping. */
#define EAGAIN_SPINS 8
/* Longest sleep between two EAGAIN retries, in nanoseconds (10 ms). */
#define EAGAIN_MAX_SLEEP_NS 10000000L

int neuron_drm_ioctl(int fd, unsigned long request, void *arg)
{
	long sleep_ns = 100000; /* 100 us, doubled up to the cap */
	unsigned int again = 0;
	int ret;

	/*
	 * Same rule as libdrm's drmIoctl(): a signal (EINTR) or a transient
	 * "try again" (EAGAIN) means the ioctl had no effect, so it is
	 * issued again.  Not drmIoctl() itself: the neuron driver answers
	 * EAGAIN for the whole duration of a device reset (up to seconds),
	 * and drmIoctl() would retry at once, spinning a CPU; after a few
	 * immediate retries we back off instead.  The DRM core ioctls never
	 * answer EAGAIN from this driver: the library leaves them to libdrm.
	 */
	for (;;) {
		ret = ioctl(fd, request, arg);
		if (ret != -1)
			return ret;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			break;
		if (++again > EAGAIN_SPINS) {
			struct timespec ts = { 0, sleep_ns };

			nanosleep(&ts, NULL);
			if (sleep_ns < EAGAIN_MAX_SLEEP_NS)
				sleep_ns *= 2;
		}
	}
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
		return "device I/O error (firmware or DMA failure)";
	case ECANCELED:
		return "job cancelled (an earlier job of this file timed out, or a device reset)";
	case EXDEV:
		return "buffer in the DRAM of a device that is not this one or a linked neighbour, or the Neuron-Pipe link is down";
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
		return "device node without a device behind it";
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
