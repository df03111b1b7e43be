// SPDX-License-Identifier: GPL-2.0
/* Decoding of arm64 ID registers; plain C so it is unit-tested anywhere. */
#include "arm64.h"

/* ID_AA64MMFR0_EL1: TGran4 [31:28], TGran64 [27:24], TGran16 [23:20]. */
uint64_t arm64_granules_from_mmfr0(uint64_t mmfr0)
{
	unsigned int tgran4 = (mmfr0 >> 28) & 0xf;
	unsigned int tgran64 = (mmfr0 >> 24) & 0xf;
	unsigned int tgran16 = (mmfr0 >> 20) & 0xf;
	uint64_t mask = 0;

	/* 4K and 64K: 0 means present, 0xf absent; 16K: 0 means absent. */
	if (tgran4 != 0xf)
		mask |= 1ULL << 12;
	if (tgran64 != 0xf)
		mask |= 1ULL << 16;
	if (tgran16 != 0)
		mask |= 1ULL << 14;
	return mask;
}
