// SPDX-License-Identifier: GPL-2.0
#include "arm64.h"
#include "unit.h"

#define G4K	(1ULL << 12)
#define G16K	(1ULL << 14)
#define G64K	(1ULL << 16)

START_TEST(granules)
{
	/* Cortex-A57-like: 4K and 64K, no 16K. */
	ck_assert_uint_eq(arm64_granules_from_mmfr0(0x00001124), G4K | G64K);
	/* All three (TGran16 = 1). */
	ck_assert_uint_eq(arm64_granules_from_mmfr0(0x00101125),
			  G4K | G16K | G64K);
	/* 16K only: TGran4 = 0xf, TGran64 = 0xf, TGran16 = 2 (52-bit). */
	ck_assert_uint_eq(arm64_granules_from_mmfr0(0xff200000ULL), G16K);
}
END_TEST

static Suite *cpu_id_suite(void)
{
	Suite *s = suite_create("cpu-id");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, granules);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cpu_id_suite)
