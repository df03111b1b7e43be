// SPDX-License-Identifier: GPL-2.0
/*
 * A software walk of the guest's stage-1 tables, so the gdb stub can read
 * memory by virtual address once the guest has turned its MMU on. KVM has
 * no translate ioctl on arm64, and the walk must not trust the guest:
 * every table read is checked against guest RAM.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "mmu-walk.h"

#define DESC_VALID	1
#define DESC_TABLE	2
#define TCR_DS		(1ULL << 59)	/* FEAT_LPA2: 52-bit, 4K/16K */
#define BITS(hi, lo)	((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))

/*
 * The output address in a table or page descriptor, up to 52 bits: with
 * TCR.DS, OA[51:50] sit in bits [9:8]; with 64K pages (FEAT_LPA),
 * OA[51:48] in bits [15:12] (RES0 on CPUs without it).
 */
static uint64_t desc_oa(uint64_t desc, unsigned int g, int ds)
{
	if (ds)
		return (desc & BITS(49, g)) | ((desc >> 8) & 3) << 50;
	if (g == 16)
		return (desc & BITS(47, 16)) | ((desc >> 12) & 0xf) << 48;
	return desc & BITS(47, g);
}

/* TTBRn_EL1.BADDR; bits [5:2] are BADDR[51:48] for 52-bit walks. */
static uint64_t ttbr_base(uint64_t ttbr, unsigned int g, int ds)
{
	if (ds || g == 16)
		return (ttbr & BITS(47, 6)) | ((ttbr >> 2) & 0xf) << 48;
	return ttbr & BITS(47, 1);
}

/* Granule shift for TTBR0's TG0 or TTBR1's TG1 (they encode differently). */
static unsigned int granule_shift(uint64_t tcr, int upper)
{
	unsigned int tg;

	if (upper) {
		tg = (tcr >> 30) & 3;
		return tg == 1 ? 14 : tg == 3 ? 16 : 12;
	}
	tg = (tcr >> 14) & 3;
	return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

static int read_desc(const struct guest_mem *mem, uint64_t gpa,
		     uint64_t *desc)
{
	void *p = guest_mem_ptr(mem, gpa, sizeof(*desc));

	if (!p)
		return -EFAULT;
	memcpy(desc, p, sizeof(*desc));
	*desc = le64toh(*desc);
	return 0;
}

int mmu_translate(const struct guest_mem *mem, const struct mmu_regs *r,
		  uint64_t va, uint64_t *pa)
{
	int upper = (va >> 55) & 1;
	unsigned int tsz, g, stride, in_bits, shift, bits;
	uint64_t top, table, desc, index;
	int tbi, ds;

	if (!(r->sctlr & 1)) {
		*pa = va;
		return 0;
	}
	tsz = upper ? (r->tcr >> 16) & 0x3f : r->tcr & 0x3f;
	/* EPD0/EPD1: walks through this half are disabled */
	if ((r->tcr >> (upper ? 23 : 7)) & 1)
		return -EFAULT;
	tbi = (r->tcr >> (upper ? 38 : 37)) & 1;
	g = granule_shift(r->tcr, upper);
	ds = g != 16 && (r->tcr & TCR_DS);
	/* 52-bit input ranges: LPA2 (DS) for 4K/16K, LVA for 64K */
	if (tsz < (ds || g == 16 ? 12 : 16) || tsz > 39)
		return -EFAULT;
	in_bits = 64 - tsz;
	/* Bits above the input range must all equal bit 55 (top byte: TBI) */
	top = va >> in_bits;
	if (tbi)
		top &= (1ULL << (56 - in_bits)) - 1;
	if (top != (upper ? (tbi ? (1ULL << (56 - in_bits)) - 1 :
			    (1ULL << tsz) - 1) : 0))
		return -EFAULT;
	stride = g - 3;
	table = ttbr_base(upper ? r->ttbr1 : r->ttbr0, g, ds);
	/* Start at the level whose entries cover what is above the rest. */
	shift = g + stride * ((in_bits - g - 1) / stride);
	for (;;) {
		bits = (shift + stride > in_bits ? in_bits : shift + stride) -
		       shift;
		index = (va >> shift) & ((1ULL << bits) - 1);
		if (read_desc(mem, table + index * 8, &desc))
			return -EFAULT;
		if (!(desc & DESC_VALID))
			return -EFAULT;
		if (shift == g) {
			/* last level: bit 1 must say "page" */
			if (!(desc & DESC_TABLE))
				return -EFAULT;
			break;
		}
		if (!(desc & DESC_TABLE))
			break;		/* a block */
		table = desc_oa(desc, g, ds);
		shift -= stride;
	}
	*pa = (desc_oa(desc, g, ds) & ~((1ULL << shift) - 1)) |
	      (va & ((1ULL << shift) - 1));
	return 0;
}
