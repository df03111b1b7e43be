// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon over fake RAM: inflated frames are given back to the
 * host (MADV_DONTNEED: the page reads as zeroes again), frames outside
 * RAM are skipped, statistics are bounded, config space and the
 * balloon command keep to their rules, on both register sets.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "unit.h"
#include "vdev-regs.h"
#include "virtio-balloon.h"

#define BASE	0x80000000ULL
#define SIZE	(2ULL << 20)
#define PAGE	BALLOON_PAGE_SIZE

static struct guest_mem mem;
static struct balloon bl;
static struct log_ratelimit rl = { .name = "test" };
static uint8_t *ram;

static void setup(void)
{
	ram = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	memset(&mem, 0, sizeof(mem));
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
	balloon_init(&bl, &mem, &rl);
}

static void teardown(void)
{
	guest_mem_release(&mem);
	munmap(ram, SIZE);
}

static uint32_t pfn_of(uint64_t gpa)
{
	return htole32(gpa >> BALLOON_PFN_SHIFT);
}

static bool page_is(uint64_t off, uint8_t byte)
{
	uint64_t i;

	for (i = 0; i < PAGE; i++)
		if (ram[off + i] != byte)
			return false;
	return true;
}

/*
 * Frames in two segments, one number split across them; a frame past
 * the end of RAM, one far outside it, and a trailing half number are
 * not taken. Only the inflated pages read as zeroes afterwards.
 */
START_TEST(inflate_discards)
{
	uint32_t pfns[6] = {
		pfn_of(BASE + 3 * PAGE), pfn_of(BASE + 4 * PAGE),
		pfn_of(BASE + SIZE), htole32(0xffffffff),
		pfn_of(BASE + 9 * PAGE), 0x1234,
	};
	struct virtq_req req = { .nr_out = 2 };

	memset(ram, 0xaa, SIZE);
	req.iov[0].iov_base = pfns;
	req.iov[0].iov_len = 6;
	req.iov[1].iov_base = (uint8_t *)pfns + 6;
	req.iov[1].iov_len = 4 * 5 - 6 + 2;
	balloon_take_pages(&bl, &req, true);
	ck_assert_uint_eq(bl.inflated, 3);
	ck_assert_uint_eq(bl.bad_pfns, 2);
	ck_assert(page_is(3 * PAGE, 0));
	ck_assert(page_is(4 * PAGE, 0));
	ck_assert(page_is(9 * PAGE, 0));
	ck_assert(page_is(2 * PAGE, 0xaa));
	ck_assert(page_is(5 * PAGE, 0xaa));
	ck_assert(page_is(SIZE - PAGE, 0xaa));
	ck_assert_uint_eq(bl.discarded, 3);

	/* Deflating counts and touches nothing. */
	req.nr_out = 1;
	req.iov[0].iov_len = 8;
	memset(ram, 0xaa, SIZE);
	balloon_take_pages(&bl, &req, false);
	ck_assert_uint_eq(bl.deflated, 2);
	ck_assert(page_is(3 * PAGE, 0xaa));
}
END_TEST

/*
 * A request may name far more frames than Linux ever sends (256): those
 * past 4096 are not looked at, so no chain keeps the device busy long.
 */
START_TEST(frames_capped)
{
	static uint32_t pfns[5000];
	struct virtq_req req = { .nr_out = 1 };
	unsigned int i;

	for (i = 0; i < 5000; i++)
		pfns[i] = pfn_of(BASE + (i % 512) * PAGE);
	req.iov[0].iov_base = pfns;
	req.iov[0].iov_len = sizeof(pfns);
	req.out_len = sizeof(pfns);
	balloon_take_pages(&bl, &req, false);
	ck_assert_uint_eq(bl.deflated, 4096);
}
END_TEST

/* Whole entries only, never more than BALLOON_STATS_MAX of them. */
START_TEST(stats_bounded)
{
	uint8_t buf[(BALLOON_STATS_MAX + 8) * 10 + 3];
	struct virtq_req req = { .nr_out = 1 };
	uint16_t tag;
	uint64_t val;
	unsigned int i;

	for (i = 0; i < BALLOON_STATS_MAX + 8; i++) {
		tag = htole16(i);
		val = htole64(1000 + i);
		memcpy(buf + i * 10, &tag, 2);
		memcpy(buf + i * 10 + 2, &val, 8);
	}
	req.iov[0].iov_base = buf;
	req.iov[0].iov_len = 2 * 10 + 3;
	req.out_len = req.iov[0].iov_len;
	balloon_take_stats(&bl, &req);
	ck_assert_uint_eq(bl.nr_stats, 2);
	ck_assert_uint_eq(bl.stats[1].tag, 1);
	ck_assert_uint_eq(bl.stats[1].val, 1001);
	ck_assert_uint_eq(bl.stats_gen, 1);

	req.iov[0].iov_len = sizeof(buf);
	req.out_len = 1ULL << 40;	/* what a guest may claim */
	balloon_take_stats(&bl, &req);
	ck_assert_uint_eq(bl.nr_stats, BALLOON_STATS_MAX);
	ck_assert_uint_eq(bl.stats[BALLOON_STATS_MAX - 1].val,
			  1000 + BALLOON_STATS_MAX - 1);
	ck_assert_uint_eq(bl.stats_gen, 2);
}
END_TEST

static char *control(struct virtio_dev *vdev, const char *cmd,
		     const char *args)
{
	static char buf[256];
	FILE *out = fmemopen(buf, sizeof(buf), "w");

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(balloon_ops.control(vdev, cmd, args, out), 0);
	fclose(out);
	return buf;
}

/*
 * num_pages is the device's, actual the driver's; `balloon MB` moves the
 * target by 256 frames a MiB within guest RAM and says so to the driver.
 */
START_TEST(config_and_command)
{
	enum virtio_transport t = _i ? VIRTIO_TRANSPORT_MMIO_LEGACY :
				       VIRTIO_TRANSPORT_MMIO;
	struct virtio_dev vdev;
	uint32_t gen;

	ck_assert_int_eq(virtio_dev_init(&vdev, &balloon_ops, t, &mem, &bl),
			 0);
	vdev.set_irq = vdev_no_irq;
	ck_assert_uint_eq(vdev_rd(&vdev, 0x008), 5);
	ck_assert_uint_eq(vdev_rd(&vdev, 0x010) & 2, 2);	/* STATS_VQ */
	vdev_wr(&vdev, 0x100, 77);
	vdev_wr(&vdev, 0x104, 300);
	ck_assert_uint_eq(vdev_rd(&vdev, 0x100), 0);
	ck_assert_uint_eq(vdev_rd(&vdev, 0x104), 300);
	ck_assert_uint_eq(vdev_rd(&vdev, 0x108), 0);

	gen = vdev.config_gen;
	ck_assert_str_eq(control(&vdev, "balloon", "1"),
			 "balloon: target 1 MiB, the guest holds 1 MiB\n");
	ck_assert_uint_eq(vdev_rd(&vdev, 0x100), 256);
	ck_assert_uint_eq(vdev.config_gen, gen + 1);
	ck_assert(!strncmp(control(&vdev, "balloon", "2"),
			   "error: cannot inflate by 2 MiB", 30));
	ck_assert(!strncmp(control(&vdev, "balloon", "-2"),
			   "error: cannot deflate by 2 MiB", 30));
	ck_assert_str_eq(control(&vdev, "balloon", "x"),
			 "error: not a size in MiB\n");
	ck_assert_str_eq(control(&vdev, "balloon", "0"),
			 "error: not a size in MiB\n");
	ck_assert_str_eq(control(&vdev, "balloon", "\x1b[2J"),
			 "error: not a size in MiB\n");
	ck_assert(!strncmp(control(&vdev, "balloon", "1 "), "error:", 6));
	ck_assert(!strncmp(control(&vdev, "balloon", ""), "error:", 6));
	ck_assert(!strncmp(control(&vdev, "balloon",
				   "-99999999999999999999"), "error:", 6));
	ck_assert_uint_eq(vdev_rd(&vdev, 0x100), 256);
	ck_assert_uint_eq(vdev.config_gen, gen + 1);
	ck_assert_str_eq(control(&vdev, "balloon", "-1"),
			 "balloon: target 0 MiB, the guest holds 1 MiB\n");

	/* No driver yet: no statistics to give, and it says why. */
	ck_assert(!strncmp(control(&vdev, "memstat", ""),
			   "error: no balloon driver", 24));
	ck_assert_int_eq(balloon_ops.control(&vdev, "sysrq", "h", stdout),
			 -ENOENT);
}
END_TEST

/*
 * Linux queues its first statistics and kicks before DRIVER_OK, a kick
 * the transport drops: setting DRIVER_OK must still find the buffer.
 */
START_TEST(stats_before_driver_ok)
{
	const uint64_t desc = 0x1000, avail = 0x2000, used = 0x3000;
	const uint64_t buf = 0x4000;
	struct virtio_dev vdev;
	uint16_t tag = htole16(5), idx = htole16(1), head = 0;
	uint64_t val = htole64(123456);
	struct virtq_desc d = {
		.addr = htole64(BASE + buf), .len = htole32(10),
	};

	ck_assert_int_eq(virtio_dev_init(&vdev, &balloon_ops,
					 VIRTIO_TRANSPORT_MMIO, &mem, &bl), 0);
	vdev.set_irq = vdev_no_irq;
	memcpy(ram + buf, &tag, 2);
	memcpy(ram + buf + 2, &val, 8);
	memcpy(ram + desc, &d, sizeof(d));
	memcpy(ram + avail + 4, &head, 2);
	memcpy(ram + avail + 2, &idx, 2);
	vdev_wr(&vdev, 0x070, 1 | 2);
	vdev_wr(&vdev, 0x024, 0);
	vdev_wr(&vdev, 0x020, 2);		/* STATS_VQ */
	vdev_wr(&vdev, 0x024, 1);
	vdev_wr(&vdev, 0x020, 1);		/* VERSION_1 */
	vdev_wr(&vdev, 0x070, 1 | 2 | 8);
	vdev_wr(&vdev, 0x030, 2);
	vdev_wr(&vdev, 0x038, 16);
	vdev_wr(&vdev, 0x080, (uint32_t)(BASE + desc));
	vdev_wr(&vdev, 0x084, (BASE + desc) >> 32);
	vdev_wr(&vdev, 0x090, (uint32_t)(BASE + avail));
	vdev_wr(&vdev, 0x094, (BASE + avail) >> 32);
	vdev_wr(&vdev, 0x0a0, (uint32_t)(BASE + used));
	vdev_wr(&vdev, 0x0a4, (BASE + used) >> 32);
	vdev_wr(&vdev, 0x044, 1);
	vdev_wr(&vdev, 0x050, 2);		/* dropped: no DRIVER_OK yet */
	ck_assert_uint_eq(bl.stats_gen, 0);
	vdev_wr(&vdev, 0x070, 1 | 2 | 8 | 4);
	ck_assert_uint_eq(vdev_rd(&vdev, 0x070), 1 | 2 | 8 | 4);
	ck_assert_uint_eq(bl.stats_gen, 1);
	ck_assert_uint_eq(bl.nr_stats, 1);
	ck_assert_uint_eq(bl.stats[0].val, 123456);
	ck_assert(bl.stats_held);
}
END_TEST

static Suite *virtio_balloon_suite(void)
{
	Suite *s = suite_create("virtio-balloon");
	TCase *tc = tcase_create("device");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, inflate_discards);
	tcase_add_test(tc, frames_capped);
	tcase_add_test(tc, stats_bounded);
	tcase_add_test(tc, stats_before_driver_ok);
	tcase_add_loop_test(tc, config_and_command, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(virtio_balloon_suite)
