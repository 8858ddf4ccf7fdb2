/* SPDX-License-Identifier: MIT */
/*
 * tool-output.h - what every libneuron-drm tool does with its output
 *
 * Copyright (c) 2026 The neuron project authors
 */
#ifndef NEURON_TOOL_OUTPUT_H
#define NEURON_TOOL_OUTPUT_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "1 file", "2 files": @one for a count of 1, @many otherwise. */
static inline const char *tool_plural(uint64_t n, const char *one,
				      const char *many)
{
	return n == 1 ? one : many;
}

static const char *tool_output_name = "neuron-tool";

/*
 * At exit: flush and close stdout and report a write error (a full disk,
 * a closed pipe, "> /dev/full").  A listing that was not written must not
 * end with status 0; printf() alone never tells.  _exit() because exit()
 * is already running.
 */
static void tool_close_stdout(void)
{
	int err = 0;

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		err = errno ? errno : EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (err) {
		fprintf(stderr, "%s: write error on standard output: %s\n",
			tool_output_name, strerror(err));
		_exit(1);
	}
}

/* Call first in main(): registers the check above for every exit path. */
static inline void tool_output_init(const char *tool)
{
	tool_output_name = tool;
	atexit(tool_close_stdout);
}

#endif /* NEURON_TOOL_OUTPUT_H */
