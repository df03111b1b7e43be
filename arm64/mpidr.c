// SPDX-License-Identifier: GPL-2.0
#include "arch.h"

/* KVM's reset value of MPIDR_EL1 for a VCPU id (RES1 bit 31 set). */
uint64_t arm64_vcpu_mpidr(unsigned int index)
{
	return (1ULL << 31) |
	       ((uint64_t)(index & 0xf) << 0) |
	       ((uint64_t)((index >> 4) & 0xff) << 8) |
	       ((uint64_t)((index >> 12) & 0xff) << 16);
}
