// SPDX-License-Identifier: GPL-2.0
/* --hugetlbfs: what is not a hugetlbfs mount is refused in one line. */
#include <errno.h>
#include <string.h>

#include "hugetlbfs.h"
#include "log.h"
#include "unit.h"

START_TEST(not_hugetlbfs)
{
	uint64_t page = 0;
	void *host = NULL;
	int ret;

	err_clear();
	ret = hugetlbfs_map("/tmp", 2 << 20, &host, &page);
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_ptr_nonnull(strstr(err_message(ret), "--hugetlbfs /tmp: "
				     "not a hugetlbfs mount"));
	ck_assert_ptr_null(host);
	ret = hugetlbfs_map("/nonexistent/huge", 2 << 20, &host, &page);
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_ptr_nonnull(strstr(err_message(ret),
				     "--hugetlbfs /nonexistent/huge: No such"));
}
END_TEST

static Suite *hugetlbfs_suite(void)
{
	Suite *s = suite_create("hugetlbfs");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, not_hugetlbfs);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(hugetlbfs_suite)
