// SPDX-License-Identifier: GPL-2.0
/* arm64-only code, run under qemu-user on other hosts. */
#include "arm64.h"
#include "unit.h"

START_TEST(dcache_line)
{
	unsigned int line = arm64_dcache_line();

	/* CTR_EL0.DminLine: a power of two words; real parts use 16..256. */
	ck_assert_uint_ge(line, 16);
	ck_assert_uint_le(line, 2048);
	ck_assert_uint_eq(line & (line - 1), 0);
}
END_TEST

static Suite *cache_suite(void)
{
	Suite *s = suite_create("arm64-cache");
	TCase *tc = tcase_create("ctr_el0");

	tcase_add_test(tc, dcache_line);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cache_suite)
