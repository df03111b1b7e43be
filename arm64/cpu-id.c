// SPDX-License-Identifier: GPL-2.0
/* Decoding of arm64 ID registers; plain C so it is unit-tested anywhere. */
#include <errno.h>

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

/*
 * KVM_REG_ARM64_SVE_VLS: bit (vq - 1) says vectors of vq * 128 bits are
 * offered. Keep those up to max_vq, as kvmtool's --sve-max-vl does; the
 * longest kept is then the guest's maximum. -ENOENT if max_vq itself is
 * not offered (a guest cannot be given a length the host lacks).
 */
int arm64_sve_vls_limit(uint64_t vls[ARM64_SVE_VLS_WORDS], unsigned int max_vq)
{
	unsigned int vq;

	if (!max_vq || max_vq > ARM64_SVE_VQ_MAX ||
	    !(vls[(max_vq - 1) / 64] & (1ULL << ((max_vq - 1) % 64))))
		return -ENOENT;
	for (vq = max_vq + 1; vq <= ARM64_SVE_VQ_MAX; vq++)
		vls[(vq - 1) / 64] &= ~(1ULL << ((vq - 1) % 64));
	return 0;
}

/* The longest vector in a KVM_REG_ARM64_SVE_VLS set, in quadwords. */
unsigned int arm64_sve_vls_max_vq(const uint64_t vls[ARM64_SVE_VLS_WORDS])
{
	unsigned int vq;

	for (vq = ARM64_SVE_VQ_MAX; vq; vq--)
		if (vls[(vq - 1) / 64] & (1ULL << ((vq - 1) % 64)))
			return vq;
	return 0;
}
