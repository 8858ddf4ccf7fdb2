// SPDX-License-Identifier: MIT
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), the checksum the
 * device firmware mailbox uses too, from ISA-L (Debian's libisal-dev):
 * crc32_iscsi() picks the fastest code the CPU has (SSE4.2 crc32 and
 * PCLMULQDQ folding), several times faster than portable table code.
 */
#include <limits.h>

#include <isa-l/crc.h>

#include "crc32c.h"

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/*
	 * crc32_iscsi() works on the raw register: no inversion on entry or
	 * exit, which the standard CRC-32C (and this function's chaining
	 * rule) has; and its length is an int.
	 */
	crc = ~crc;
	while (len) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		/* ISA-L only reads the buffer; its prototype lacks the const. */
		crc = crc32_iscsi((unsigned char *)p, n, crc);
		p += n;
		len -= (size_t)n;
	}
	return ~crc;
}
