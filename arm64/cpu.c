// SPDX-License-Identifier: GPL-2.0
/* What pocvm reads from the host CPU itself, at EL0. */
#include "arm64.h"

unsigned int arm64_dcache_line(void)
{
	uint64_t ctr;

	/* Linux lets EL0 read CTR_EL0 (SCTLR_EL1.UCT); never assume 64. */
	asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4U << ((ctr >> 16) & 0xf);
}
