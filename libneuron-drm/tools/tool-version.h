/* SPDX-License-Identifier: MIT */
/*
 * tool-version.h - the "--version" line every libneuron-drm tool prints
 *
 * Copyright (c) 2025 The neuron project authors
 */
#ifndef NEURON_TOOL_VERSION_H
#define NEURON_TOOL_VERSION_H

#include <stdio.h>

#include "neuron_drm.h"

/* Print "@tool (libneuron-drm MAJOR.MINOR.PATCH)" on stdout. */
static inline void tool_print_version(const char *tool)
{
	printf("%s (libneuron-drm %u.%u.%u)\n", tool,
	       neuron_drm_lib_version() >> 16,
	       (neuron_drm_lib_version() >> 8) & 0xff,
	       neuron_drm_lib_version() & 0xff);
}

#endif /* NEURON_TOOL_VERSION_H */
