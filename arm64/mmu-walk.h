/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_MMU_WALK_H
#define POCVM_ARM64_MMU_WALK_H

#include <stdint.h>

#include "guest-mem.h"

/* What decides how an EL1&0 virtual address translates. */
struct mmu_regs {
	uint64_t sctlr;		/* SCTLR_EL1: M (bit 0) says if it does */
	uint64_t tcr;		/* TCR_EL1 */
	uint64_t ttbr0, ttbr1;	/* TTBR0_EL1, TTBR1_EL1 */
};

/*
 * The guest-physical address of va as the guest's stage 1 would give it
 * (VMSAv8-64, 4K/16K/64K granules, up to 52-bit input and output
 * with LPA2/LPA): va itself with the
 * MMU off. Reads the tables from guest RAM with bounds checks. 0 on
 * success; -EFAULT if va is not mapped or a table lies outside RAM.
 */
int mmu_translate(const struct guest_mem *mem, const struct mmu_regs *r,
		  uint64_t va, uint64_t *pa);

#endif
