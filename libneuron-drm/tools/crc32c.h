/* SPDX-License-Identifier: MIT */
/* CRC-32C (Castagnoli), the checksum neuron-load reports per file. */
#ifndef NEURON_TOOLS_CRC32C_H
#define NEURON_TOOLS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * crc32c() - continue a CRC-32C over @len bytes at @buf.
 * Start with crc = 0; crc32c(crc32c(0, a, n), b, m) == crc32c(0, a|b, n+m).
 * crc32c(0, "123456789", 9) == 0xe3069283.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
