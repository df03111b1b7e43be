// SPDX-License-Identifier: GPL-2.0
/*
 * The EL0 clean issues one DC CIVAC per line the range touches. QEMU
 * models no caches, so this checks the walk, never the effect.
 */
#include <stdlib.h>

#include "arm64.h"
#include "poc-clean.h"
#include "unit.h"

START_TEST(lines_covered)
{
	unsigned int line = arm64_dcache_line();
	uint8_t *buf = aligned_alloc(4096, 16384);

	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(arm64_clean_dcache_poc(buf, 4096, line), 4096 / line);
	/* Unaligned start and end: both partial lines are cleaned. */
	ck_assert_uint_eq(arm64_clean_dcache_poc(buf + 1, line, line), 2);
	ck_assert_uint_eq(arm64_clean_dcache_poc(buf + line - 1, 2, line), 2);
	ck_assert_uint_eq(arm64_clean_dcache_poc(buf, 1, line), 1);
	ck_assert_uint_eq(arm64_clean_dcache_poc(buf, 0, line), 0);
	free(buf);
}
END_TEST

static Suite *poc_clean_suite(void)
{
	Suite *s = suite_create("arm64-poc-clean");
	TCase *tc = tcase_create("el0");

	tcase_add_test(tc, lines_covered);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(poc_clean_suite)
