// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm-flush-range.h"
#include "poc-clean.h"
#include "unit.h"

/* The numbers and layout the kernel series defines, byte for byte. */
START_TEST(uapi_layout)
{
	struct kvm_arm_flush_range f;

	/* v2: KVM_PRE_FAULT_MEMORY's layout, no count in the struct */
	ck_assert_uint_eq(sizeof(f), 64);
	ck_assert_uint_eq(offsetof(struct kvm_arm_flush_range, gpa), 0);
	ck_assert_uint_eq(offsetof(struct kvm_arm_flush_range, size), 8);
	ck_assert_uint_eq(offsetof(struct kvm_arm_flush_range, flags), 16);
	ck_assert_uint_eq(offsetof(struct kvm_arm_flush_range, padding), 24);
	ck_assert_uint_eq(sizeof(f.padding), 5 * 8);
	ck_assert_uint_eq(KVM_ARM_FLUSH_RANGE_DATA_ONLY, 1);
	ck_assert_int_eq(KVM_ARM_FLUSH_RANGE_CAP_IOCTL, 1);
	ck_assert_int_eq(KVM_ARM_FLUSH_RANGE_CAP_S2FWB, 2);
	ck_assert_int_eq(KVM_ARM_FLUSH_RANGE_CAP_DIC, 4);
	/* _IOWR(0xAE, 0xd6, 64 bytes) */
	ck_assert_uint_eq(KVM_ARM_FLUSH_RANGE, 0xc040aed6U);
	ck_assert_int_eq(KVM_CAP_ARM_FLUSH_RANGE, 239);
	ck_assert_str_eq(KVM_FLUSH_RANGE_STAT, "flush_range_bytes");
}
END_TEST

START_TEST(methods)
{
	enum flush_method m;

	ck_assert_int_eq(flush_method_parse("user", &m), 0);
	ck_assert_int_eq(m, FLUSH_USER);
	ck_assert_int_eq(flush_method_parse("ioctl", &m), 0);
	ck_assert_int_eq(m, FLUSH_IOCTL);
	ck_assert_int_lt(flush_method_parse("sometimes", &m), 0);
	ck_assert_str_eq(flush_method_name(FLUSH_NONE), "none");
}
END_TEST

START_TEST(report)
{
	struct flush_report r = {
		.pass = 2, .method = FLUSH_USER,
		.why = "kernel lacks KVM_ARM_FLUSH_RANGE",
		.nr = 2, .total_ns = 1500000,
		.e = {
			{ FLUSH_IOCTL, 0x80000000ULL, 256ULL << 20, 8ULL << 20,
			  true, 2000 },
			{ FLUSH_USER, 0x80200000ULL, 0x1000, 64, false, 3000 },
		},
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	flush_report_print(&r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "boot 2: method user (kernel "
				     "lacks KVM_ARM_FLUSH_RANGE), 2 range(s), "
				     "1.500 ms"));
	ck_assert_ptr_nonnull(strstr(text, "ioctl 0x080000000-0x08fffffff "
				     "requested 256 MiB, kernel flushed 8 MiB"));
	ck_assert_ptr_nonnull(strstr(text, "user  0x080200000-0x080200fff "
				     "requested 4 KiB, 64 lines, 3 us"));
	free(text);
}
END_TEST

/* --machine virt: a flash bank's range says so. */
START_TEST(report_flash)
{
	struct flush_report r = {
		.pass = 1, .method = FLUSH_USER, .nr = 2,
		.e = {
			{ FLUSH_USER, 0, 0xed228, 15178, false, 7000, true },
			{ FLUSH_USER, 0x40000000ULL, 0x1000, 64, false, 1000 },
		},
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	flush_report_print(&r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "user  0x000000000-0x0000ed227 "
				     "flash requested 971304 B, 15178 lines"));
	ck_assert_ptr_nonnull(strstr(text, "user  0x040000000-0x040000fff "
				     "requested 4 KiB"));
	free(text);
}
END_TEST

/* A kernel without the stat: the report says so instead of a number. */
START_TEST(report_uncounted)
{
	struct flush_report r = {
		.pass = 1, .method = FLUSH_IOCTL, .nr = 1,
		.e = { { FLUSH_IOCTL, 0x80000000ULL, 1ULL << 20, 0, false,
			 5000 } },
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	flush_report_print(&r, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "requested 1 MiB, kernel count "
				     "unavailable, 5 us"));
	ck_assert_ptr_null(strstr(text, "flushed"));
	free(text);
}
END_TEST

static Suite *flush_suite(void)
{
	Suite *s = suite_create("flush");
	TCase *tc = tcase_create("uapi and report");

	tcase_add_test(tc, uapi_layout);
	tcase_add_test(tc, methods);
	tcase_add_test(tc, report);
	tcase_add_test(tc, report_flash);
	tcase_add_test(tc, report_uncounted);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(flush_suite)
