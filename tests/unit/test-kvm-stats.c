// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM binary stats reader, on files laid out as KVM_GET_STATS_FD's:
 * header, id, descriptors (each followed by name_size bytes of name),
 * data. pocvm's --flush report reads KVM_ARM_FLUSH_RANGE's count this way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-stats.h"
#include "unit.h"

#define NAME_SIZE	48
#define DESC_SIZE	(sizeof(struct kvm_stats_desc) + NAME_SIZE)

static const char *const names[] = {
	"remote_tlb_flush", "remote_tlb_flush_requests", "flush_range_bytes",
};

/* A stats file with names[] as u64 stats holding 100, 101, 102. */
static int make_stats(struct kvm_stats_header *h)
{
	unsigned char buf[1024] = { 0 };
	unsigned int i, n = sizeof(names) / sizeof(names[0]);
	FILE *f = tmpfile();
	int fd;

	ck_assert_ptr_nonnull(f);
	fd = dup(fileno(f));
	fclose(f);
	/* The header may lie; only what fits is laid out. */
	for (i = 0; i < n && (uint64_t)h->desc_offset + n * DESC_SIZE <=
	     sizeof(buf) && (uint64_t)h->data_offset + n * 8 <= sizeof(buf);
	     i++) {
		struct kvm_stats_desc d = { .size = 1, .offset = i * 8 };
		unsigned char *p = buf + h->desc_offset + i * DESC_SIZE;
		uint64_t v = 100 + i;

		memcpy(p, &d, sizeof(d));
		strcpy((char *)p + sizeof(d), names[i]);
		memcpy(buf + h->data_offset + i * 8, &v, 8);
	}
	memcpy(buf, h, sizeof(*h));
	ck_assert_int_eq(pwrite(fd, buf, sizeof(buf), 0), sizeof(buf));
	return fd;
}

static struct kvm_stats_header good_header(void)
{
	struct kvm_stats_header h = {
		.name_size = NAME_SIZE, .num_desc = 3, .id_offset = 24,
		.desc_offset = 88, .data_offset = 88 + 3 * DESC_SIZE,
	};

	return h;
}

START_TEST(find_and_read)
{
	struct kvm_stats_header h = good_header();
	int fd = make_stats(&h);
	uint64_t off, v;

	ck_assert_int_eq(kvm_stats_find(fd, "flush_range_bytes", &off), 0);
	ck_assert_uint_eq(off, h.data_offset + 16);
	ck_assert_int_eq(kvm_stats_read(fd, off, &v), 0);
	ck_assert_uint_eq(v, 102);
	/* A prefix of a name is not the name. */
	ck_assert_int_eq(kvm_stats_find(fd, "remote_tlb", &off), -ENOENT);
	ck_assert_int_eq(kvm_stats_find(fd, "flushed", &off), -ENOENT);
	close(fd);
}
END_TEST

/* Odd headers from a kernel are refused, never read past. */
START_TEST(bad_headers)
{
	struct kvm_stats_header h = good_header();
	uint64_t off = 0, v;
	int fd;

	h.name_size = 1U << 31;
	fd = make_stats(&h);
	ck_assert_int_eq(kvm_stats_find(fd, "flush_range_bytes", &off), -EINVAL);
	close(fd);

	h = good_header();
	h.num_desc = 0xffffffff;
	fd = make_stats(&h);
	ck_assert_int_eq(kvm_stats_find(fd, "nothing_like_it", &off), -EINVAL);
	close(fd);

	/* More descriptors than the file holds: a short read ends it. */
	h = good_header();
	h.num_desc = 1000;
	fd = make_stats(&h);
	ck_assert_int_eq(kvm_stats_find(fd, "nothing_like_it", &off), -EINVAL);
	close(fd);

	/* Descriptors beyond 4 GiB: 64-bit offsets, no wrap to the start. */
	h = good_header();
	h.desc_offset = 0xfffffff0;
	fd = make_stats(&h);
	ck_assert_int_eq(kvm_stats_find(fd, "remote_tlb_flush", &off), -EINVAL);
	ck_assert_int_eq(kvm_stats_read(fd, 1ULL << 40, &v), -EINVAL);
	close(fd);
}
END_TEST

static Suite *kvm_stats_suite(void)
{
	Suite *s = suite_create("kvm-stats");
	TCase *tc = tcase_create("binary stats reader");

	tcase_add_test(tc, find_and_read);
	tcase_add_test(tc, bad_headers);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(kvm_stats_suite)
