/* SPDX-License-Identifier: MIT */
/*
 * tool-version.h - the versions every libneuron-drm tool reports
 *
 * Copyright (c) 2025 The neuron project authors
 */
#ifndef NEURON_TOOL_VERSION_H
#define NEURON_TOOL_VERSION_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "neuron_drm.h"

/*
 * The version of the loaded neuron.ko (MODULE_VERSION, from sysfs) into
 * @buf: "not loaded", or "(no version)" for an in-tree build, which
 * carries the kernel's version instead of one of its own.
 */
static inline const char *tool_module_version(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/neuron/version", "re");

	snprintf(buf, len, "%s", access("/sys/module/neuron", F_OK) == 0 ?
		 "(no version)" : "not loaded");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	return buf;
}

/*
 * Print "@tool VERSION" (the project version the tool was built from; the
 * first line is what help2man reads), then the versions in use: the
 * loaded library and neuron.ko.  In one release all three are the same.
 */
static inline void tool_print_version(const char *tool)
{
	unsigned int lib = neuron_drm_lib_version();
	char mod[64];

	printf("%s %s\n", tool, NEURON_DRM_VERSION_STRING);
	printf("libneuron-drm %u.%u.%u, neuron.ko %s\n", lib >> 16,
	       (lib >> 8) & 0xff, lib & 0xff,
	       tool_module_version(mod, sizeof(mod)));
}

#endif /* NEURON_TOOL_VERSION_H */
