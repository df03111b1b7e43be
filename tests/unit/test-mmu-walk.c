// SPDX-License-Identifier: GPL-2.0
/* The gdb stub's stage-1 walk, on hand-built tables in fake guest RAM. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu-walk.h"
#include "unit.h"

#define BASE		0x40000000ULL
#define SIZE		(8ULL << 20)
#define KVA		0xffff800080000000ULL

static struct guest_mem mem;
static uint8_t *ram;

static void setup(void)
{
	ram = aligned_alloc(1 << 16, SIZE);
	memset(ram, 0, SIZE);
	memset(&mem, 0, sizeof(mem));
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
}

static void teardown(void)
{
	free(ram);
}

static void put(uint64_t gpa, uint64_t desc)
{
	memcpy(ram + gpa - BASE, &desc, sizeof(desc));
}

/* 4K granule, 48-bit VAs both halves (T0SZ = T1SZ = 16, TG1 = 4K). */
#define TCR_4K_48	((16ULL) | (16ULL << 16) | (2ULL << 30))

START_TEST(mmu_off_is_identity)
{
	struct mmu_regs r = { .sctlr = 0 };
	uint64_t pa;

	ck_assert_int_eq(mmu_translate(&mem, &r, 0x12345678, &pa), 0);
	ck_assert_uint_eq(pa, 0x12345678);
}
END_TEST

/*
 * Linux with 52-bit VAs on 4K pages (LPA2): T1SZ = 12, TCR.DS, five
 * levels starting at level -1 (16 entries), OA[51:50] in bits [9:8].
 */
START_TEST(four_k_lpa2_five_levels)
{
	struct mmu_regs r = { .sctlr = 1,
			      .tcr = 12ULL | (12ULL << 16) | (2ULL << 30) |
				     (1ULL << 59),
			      .ttbr1 = BASE + 0x1000 };
	uint64_t pa, kva = 0xfff0000080000000ULL, va = kva + 0x5123;

	put(BASE + 0x1000 + ((kva >> 48) & 15) * 8, (BASE + 0x2000) | 3);
	put(BASE + 0x2000 + ((kva >> 39) & 511) * 8, (BASE + 0x3000) | 3);
	put(BASE + 0x3000 + ((kva >> 30) & 511) * 8, (BASE + 0x4000) | 3);
	put(BASE + 0x4000 + ((kva >> 21) & 511) * 8, (BASE + 0x5000) | 3);
	put(BASE + 0x5000 + ((va >> 12) & 511) * 8, (BASE + 0x600000) | 0x403);
	ck_assert_int_eq(mmu_translate(&mem, &r, va, &pa), 0);
	ck_assert_uint_eq(pa, BASE + 0x600123);
	/* a 2 MiB block whose OA[51:50] come from bits [9:8] */
	put(BASE + 0x4000 + (((kva >> 21) + 1) & 511) * 8,
	    (BASE + 0x200000) | (1ULL << 8) | 1);
	ck_assert_int_eq(mmu_translate(&mem, &r, kva + 0x200000, &pa), 0);
	ck_assert_uint_eq(pa, (1ULL << 50) | (BASE + 0x200000));
	/* without DS, T1SZ = 12 is not a valid 4K configuration */
	r.tcr &= ~(1ULL << 59);
	ck_assert_int_eq(mmu_translate(&mem, &r, va, &pa), -EFAULT);
}
END_TEST

START_TEST(four_k_page_and_block)
{
	/* L0 at +0x1000, L1 at +0x2000, L2 at +0x3000, L3 at +0x4000 */
	struct mmu_regs r = { .sctlr = 1, .tcr = TCR_4K_48,
			      .ttbr1 = BASE + 0x1000, .ttbr0 = BASE + 0x1000 };
	uint64_t pa, va = KVA + 0x5123;

	put(BASE + 0x1000 + ((KVA >> 39) & 511) * 8, (BASE + 0x2000) | 3);
	put(BASE + 0x2000 + ((KVA >> 30) & 511) * 8, (BASE + 0x3000) | 3);
	put(BASE + 0x3000 + ((KVA >> 21) & 511) * 8, (BASE + 0x4000) | 3);
	put(BASE + 0x4000 + ((va >> 12) & 511) * 8, (BASE + 0x600000) | 0x703);
	ck_assert_int_eq(mmu_translate(&mem, &r, va, &pa), 0);
	ck_assert_uint_eq(pa, BASE + 0x600123);
	/* next 2 MiB: a block */
	put(BASE + 0x3000 + (((KVA >> 21) + 1) & 511) * 8,
	    (BASE + 0x200000) | 0x701);
	ck_assert_int_eq(mmu_translate(&mem, &r, KVA + 0x200000 + 0x1234, &pa),
			 0);
	ck_assert_uint_eq(pa, BASE + 0x201234);
	/* not mapped, and not canonical for the range */
	ck_assert_int_eq(mmu_translate(&mem, &r, KVA + 0x400000, &pa), -EFAULT);
	ck_assert_int_eq(mmu_translate(&mem, &r, 0x00ff000000000000ULL, &pa),
			 -EFAULT);
	/* top byte ignored with TBI1 */
	r.tcr |= 1ULL << 38;
	ck_assert_int_eq(mmu_translate(&mem, &r, (va & ~(0xffULL << 56)) |
				       (0x5aULL << 56), &pa), 0);
	ck_assert_uint_eq(pa, BASE + 0x600123);
	/* EPD1: walks of the upper half disabled */
	r.tcr |= 1ULL << 23;
	ck_assert_int_eq(mmu_translate(&mem, &r, va, &pa), -EFAULT);
}
END_TEST

START_TEST(hostile_tables)
{
	struct mmu_regs r = { .sctlr = 1, .tcr = TCR_4K_48,
			      .ttbr1 = BASE + 0x1000 };
	uint64_t pa;

	/* a table pointer outside guest RAM, and a TTBR outside it */
	put(BASE + 0x1000 + ((KVA >> 39) & 511) * 8, 0x1000 | 3);
	ck_assert_int_eq(mmu_translate(&mem, &r, KVA, &pa), -EFAULT);
	r.ttbr1 = 0xfffffffff000ULL;
	ck_assert_int_eq(mmu_translate(&mem, &r, KVA, &pa), -EFAULT);
	/* a table at the last bytes of RAM still reads within it */
	r.ttbr1 = BASE + SIZE - 0x1000;
	ck_assert_int_eq(mmu_translate(&mem, &r, KVA | (511ULL << 39), &pa),
			 -EFAULT);
	/* a T1SZ out of the architecture's range */
	r.tcr = (63ULL << 16);
	ck_assert_int_eq(mmu_translate(&mem, &r, KVA, &pa), -EFAULT);
}
END_TEST

START_TEST(sixty_four_k_lower_half)
{
	/* 64K granule, T0SZ = 22 (42-bit): two levels, L2 then L3 */
	struct mmu_regs r = { .sctlr = 1, .tcr = 22 | (1ULL << 14),
			      .ttbr0 = BASE + 0x10000 };
	uint64_t pa, va = 0x0000012345678abcULL & ((1ULL << 42) - 1);

	put(BASE + 0x10000 + ((va >> 29) & 8191) * 8, (BASE + 0x20000) | 3);
	put(BASE + 0x20000 + ((va >> 16) & 8191) * 8, (BASE + 0x70000) | 3);
	ck_assert_int_eq(mmu_translate(&mem, &r, va, &pa), 0);
	ck_assert_uint_eq(pa, BASE + 0x70000 + (va & 0xffff));
}
END_TEST

static Suite *mmu_walk_suite(void)
{
	Suite *s = suite_create("mmu-walk");
	TCase *tc = tcase_create("stage 1");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mmu_off_is_identity);
	tcase_add_test(tc, four_k_page_and_block);
	tcase_add_test(tc, four_k_lpa2_five_levels);
	tcase_add_test(tc, hostile_tables);
	tcase_add_test(tc, sixty_four_k_lower_half);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(mmu_walk_suite)
