/* SPDX-License-Identifier: MIT */
/*
 * core-owners.h - the NeuronCore owners of a device as the tools print them
 *
 * Copyright (c) 2026 The neuron project authors
 */
#ifndef NEURON_TOOL_CORE_OWNERS_H
#define NEURON_TOOL_CORE_OWNERS_H

#include <stddef.h>

#include "neuron_drm.h"

/*
 * "-" per free core, the owner's pid otherwise ("?" if not visible),
 * separated by commas, cut at @len; "?" when @cores is NULL (the query
 * failed).
 */
void format_core_owners(const struct drm_neuron_query_cores *cores,
			char *buf, size_t len);

#endif
