// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest-mem.h"
#include "unit.h"

#define BASE 0x80000000ULL
#define SIZE (1ULL << 20)

static struct guest_mem mem;
static uint8_t *ram;

static void setup(void)
{
	memset(&mem, 0, sizeof(mem));
	ram = calloc(1, SIZE);
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
}

static void teardown(void)
{
	guest_mem_release(&mem);
	free(ram);
}

START_TEST(bounds)
{
	ck_assert_ptr_eq(guest_mem_ptr(&mem, BASE, SIZE), ram);
	ck_assert_ptr_eq(guest_mem_ptr(&mem, BASE + 16, 16), ram + 16);
	ck_assert_ptr_null(guest_mem_ptr(&mem, BASE - 1, 2));
	ck_assert_ptr_null(guest_mem_ptr(&mem, BASE + SIZE - 1, 2));
	ck_assert_ptr_null(guest_mem_ptr(&mem, BASE + SIZE, 1));
	/* A hostile length must not wrap around into RAM again. */
	ck_assert_ptr_null(guest_mem_ptr(&mem, BASE + 8, UINT64_MAX));
	ck_assert_ptr_null(guest_mem_ptr(&mem, UINT64_MAX, 2));
	ck_assert(guest_mem_contains(&mem, BASE, 1));
	ck_assert(!guest_mem_contains(&mem, 0, 1));
}
END_TEST

/* Only the pages the guest touched count as its memory. */
START_TEST(resident_counts_touched_pages)
{
	struct guest_mem m;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t gpa = 0x40000000, size = 64ULL << 20;
	uint8_t *host;

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(guest_mem_add_region(&m, gpa, size), 0);
	ck_assert_uint_eq(guest_mem_resident(&m), 0);
	host = guest_mem_ptr(&m, gpa, size);
	host[0] = 1;
	host[5 * page] = 1;
	host[size - 1] = 1;
	/* Transparent huge pages may back each touch with 2 MiB. */
	ck_assert_uint_ge(guest_mem_resident(&m), 3 * page);
	ck_assert_uint_le(guest_mem_resident(&m), 3 * (2ULL << 20));
	guest_mem_release(&m);
}
END_TEST

START_TEST(overlapping_regions)
{
	static uint8_t other[4096];

	ck_assert_int_lt(guest_mem_add_host(&mem, BASE + SIZE - 4096, 8192,
					    other), 0);
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE + SIZE, 4096, other), 0);
	ck_assert_ptr_eq(guest_mem_ptr(&mem, BASE + SIZE + 8, 8), other + 8);
	/* Adjacent regions are still separate host buffers. */
	ck_assert_ptr_null(guest_mem_ptr(&mem, BASE + SIZE - 8, 16));
}
END_TEST

START_TEST(write_record_merges)
{
	static const char data[0x2000] = "hello";

	ck_assert_int_eq(guest_mem_write(&mem, BASE + 0x1000, data, 64), 0);
	ck_assert_mem_eq(ram + 0x1000, "hello", 5);
	ck_assert_int_eq(guest_mem_write(&mem, BASE + 0x3000, data, 64), 0);
	ck_assert_int_eq(guest_mem_write(&mem, BASE, data, 16), 0);
	ck_assert_uint_eq(mem.nr_written, 3);
	ck_assert_uint_eq(mem.written[0].gpa, BASE);
	ck_assert_uint_eq(mem.written[2].gpa, BASE + 0x3000);
	/* Bridging two ranges, touching a third: all become one. */
	ck_assert_int_eq(guest_mem_write(&mem, BASE + 0x10, data, 0x1000), 0);
	ck_assert_int_eq(guest_mem_write(&mem, BASE + 0x1040, data, 0x1fc0), 0);
	ck_assert_uint_eq(mem.nr_written, 1);
	ck_assert_uint_eq(mem.written[0].gpa, BASE);
	ck_assert_uint_eq(mem.written[0].size, 0x3040);
	ck_assert_int_lt(guest_mem_write(&mem, BASE + SIZE - 8, data, 16), 0);
	ck_assert_uint_eq(mem.nr_written, 1);
	guest_mem_forget_writes(&mem);
	ck_assert_uint_eq(mem.nr_written, 0);
}
END_TEST

START_TEST(many_disjoint_writes)
{
	uint8_t b = 1;
	unsigned int i;

	for (i = 0; i < 100; i++)
		ck_assert_int_eq(guest_mem_write(&mem, BASE + (99 - i) * 256,
						 &b, 1), 0);
	ck_assert_uint_eq(mem.nr_written, 100);
	for (i = 1; i < 100; i++)
		ck_assert_uint_gt(mem.written[i].gpa, mem.written[i - 1].gpa);
}
END_TEST

static Suite *guest_mem_suite(void)
{
	Suite *s = suite_create("guest-mem");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, overlapping_regions);
	tcase_add_test(tc, write_record_merges);
	tcase_add_test(tc, many_disjoint_writes);
	tcase_add_test(tc, resident_counts_touched_pages);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(guest_mem_suite)
