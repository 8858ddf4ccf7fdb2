// SPDX-License-Identifier: MIT
/*
 * core-owners.c - the NeuronCore owners of a device as the tools print them
 *
 * Copyright (c) 2026 The neuron project authors
 */
#include <stdint.h>
#include <stdio.h>

#include "core-owners.h"

void format_core_owners(const struct drm_neuron_query_cores *cores,
			char *buf, size_t len)
{
	size_t used = 0;
	uint32_t k;

	if (!cores) {
		snprintf(buf, len, "?");
		return;
	}
	buf[0] = '\0';
	for (k = 0; k < cores->core_count && used < len; k++) {
		const struct drm_neuron_core_owner *o = &cores->cores[k];
		int w;

		if (!(o->flags & DRM_NEURON_CORE_OWNER_OWNED))
			w = snprintf(buf + used, len - used, "%s-", k ? "," : "");
		else if (o->pid > 0)
			w = snprintf(buf + used, len - used, "%s%d", k ? "," : "",
				     (int)o->pid);
		else
			w = snprintf(buf + used, len - used, "%s?", k ? "," : "");
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
