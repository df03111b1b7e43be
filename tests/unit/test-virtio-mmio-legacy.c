// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport's version 1 registers (legacy, virtio 1.2
 * section 4.2.4), driven the way Linux's legacy virtio_mmio driver and
 * kvm-unit-tests' lib/virtio-mmio.c drive them, and by a driver that gets
 * them wrong. A stand-in device counts what the transport hands it.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "unit.h"
#include "vdev-regs.h"
#include "virtio.h"

#define BASE		0x40000000ULL
#define SIZE		(4ULL << 20)
#define PAGE		4096

#define R_VERSION	0x004
#define R_HOST_FEAT	0x010
#define R_HOST_SEL	0x014
#define R_GUEST_FEAT	0x020
#define R_GUEST_SEL	0x024
#define R_PAGE_SIZE	0x028
#define R_QUEUE_SEL	0x030
#define R_QUEUE_MAX	0x034
#define R_QUEUE_NUM	0x038
#define R_QUEUE_ALIGN	0x03c
#define R_QUEUE_PFN	0x040
#define R_QUEUE_READY	0x044	/* version 2 only */
#define R_NOTIFY	0x050
#define R_INT_STATUS	0x060
#define R_STATUS	0x070
#define R_CONFIG_GEN	0x0fc	/* version 2 only */

#define ST_ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define ST_DRV		VIRTIO_STATUS_DRIVER
#define ST_FEAT		VIRTIO_STATUS_FEATURES_OK
#define ST_OK		VIRTIO_STATUS_DRIVER_OK
#define ST_RESET	VIRTIO_STATUS_NEEDS_RESET

#define F_DEV		(1ULL << 3)	/* the stand-in's own feature */

static struct guest_mem mem;
static uint8_t *ram;
static struct virtio_dev vdev;
static unsigned int driver_oks, notifies;
static uint64_t features_at_driver_ok;
static enum log_level saved_level;

static void fake_driver_ok(struct virtio_dev *v)
{
	driver_oks++;
	features_at_driver_ok = v->guest_features;
}

static void fake_notify(struct virtio_dev *v, struct virtq *vq)
{
	notifies++;
}

/* 256 entries: kvmtool's blk and net size, above kvm-unit-tests' 128. */
static const struct virtio_dev_ops fake_ops = {
	.name = "virtio-fake",
	.device_id = 4,
	.features = F_DEV | (1ULL << 40),	/* bit 40: not for legacy */
	.nr_queues = 2,
	.queue_num_max = 256,
	.driver_ok = fake_driver_ok,
	.queue_notify = fake_notify,
};

/* The device under test's registers. */
#define rd(off)		vdev_rd(&vdev, off)
#define wr(off, v)	vdev_wr(&vdev, off, v)

static void setup(void)
{
	memset(&mem, 0, sizeof(mem));
	ram = calloc(1, SIZE);
	ck_assert_ptr_nonnull(ram);
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
	ck_assert_int_eq(virtio_dev_init(&vdev, &fake_ops,
					 VIRTIO_TRANSPORT_MMIO_LEGACY, &mem,
					 NULL), 0);
	vdev.set_irq = vdev_no_irq;
	driver_oks = notifies = 0;
	features_at_driver_ok = 0;
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;	/* the bad cases warn by design */
}

static void teardown(void)
{
	log_threshold = saved_level;
	guest_mem_release(&mem);
	free(ram);
}

/* Queue q as Linux's vm_setup_vq() sets it up on a version 1 device. */
static void linux_setup_vq(unsigned int q, uint32_t num, uint64_t gpa)
{
	wr(R_QUEUE_SEL, q);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);	/* not in use yet */
	ck_assert_uint_ge(rd(R_QUEUE_MAX), num);
	wr(R_QUEUE_NUM, num);
	wr(R_QUEUE_ALIGN, PAGE);
	wr(R_QUEUE_PFN, gpa / PAGE);
}

/*
 * What Linux does from finding the device to DRIVER_OK: GuestPageSize
 * once at probe, then a reset, ACKNOWLEDGE, DRIVER, features (both
 * words), no FEATURES_OK, the queues, DRIVER_OK.
 */
static void linux_bring_up(void)
{
	uint64_t f;

	ck_assert_uint_eq(rd(R_VERSION), 1);
	wr(R_PAGE_SIZE, PAGE);
	wr(R_STATUS, 0);
	wr(R_STATUS, ST_ACK);
	wr(R_STATUS, ST_ACK | ST_DRV);
	wr(R_HOST_SEL, 1);
	f = (uint64_t)rd(R_HOST_FEAT) << 32;
	wr(R_HOST_SEL, 0);
	f |= rd(R_HOST_FEAT);
	wr(R_GUEST_SEL, 1);
	wr(R_GUEST_FEAT, f >> 32);
	wr(R_GUEST_SEL, 0);
	wr(R_GUEST_FEAT, (uint32_t)f);
	linux_setup_vq(0, 256, BASE + 0x10000);
	linux_setup_vq(1, 64, BASE + 0x20000);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_OK);
}

START_TEST(legacy_registers)
{
	uint32_t lo;

	ck_assert_uint_eq(rd(0x000), VIRTIO_MMIO_MAGIC);
	ck_assert_uint_eq(rd(R_VERSION), 1);
	ck_assert_uint_eq(rd(0x008), 4);
	wr(R_HOST_SEL, 0);
	lo = rd(R_HOST_FEAT);
	ck_assert_uint_eq(lo, F_DEV | (1U << VIRTIO_F_ANY_LAYOUT) |
			  (1U << VIRTIO_RING_F_INDIRECT_DESC) |
			  (1U << VIRTIO_RING_F_EVENT_IDX));
	/* No VERSION_1, nor any other bit above 31. */
	wr(R_HOST_SEL, 1);
	ck_assert_uint_eq(rd(R_HOST_FEAT), 0);
	/* Nothing kvmtool's legacy queue sizes would be cut to. */
	wr(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_MAX), 256);
	wr(R_QUEUE_SEL, 2);
	ck_assert_uint_eq(rd(R_QUEUE_MAX), 0);	/* no such queue */
	/* Version 2's registers are reserved here. */
	ck_assert_uint_eq(rd(R_CONFIG_GEN), 0);
	ck_assert_uint_eq(rd(0x0b0), 0);		/* SHMLenLow */
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(R_QUEUE_READY), 0);
	ck_assert(!vdev.vqs[0].ready);
}
END_TEST

START_TEST(linux_sequence)
{
	struct virtq *vq = &vdev.vqs[0];

	linux_bring_up();
	/* GuestPageSize came before the reset and still counts. */
	ck_assert_uint_eq(rd(R_STATUS), ST_ACK | ST_DRV | ST_OK);
	ck_assert_uint_eq(driver_oks, 1);
	/* Offered bits only; bit 40 never was. */
	ck_assert_uint_eq(features_at_driver_ok, vdev.host_features);
	ck_assert(!(features_at_driver_ok >> 32));
	wr(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), (BASE + 0x10000) / PAGE);
	/* The legacy layout: desc, avail, then used on the next page. */
	ck_assert(vq->ready);
	ck_assert_uint_eq(vq->num, 256);
	ck_assert_uint_eq(vq->desc_gpa, BASE + 0x10000);
	ck_assert_uint_eq(vq->avail_gpa, BASE + 0x10000 + 16 * 256);
	ck_assert_uint_eq(vq->used_gpa, BASE + 0x12000);
	ck_assert(vq->event_idx && vq->indirect);
	ck_assert_uint_eq(vdev.vqs[1].used_gpa, BASE + 0x21000);
	wr(R_NOTIFY, 0);
	wr(R_NOTIFY, 1);
	ck_assert_uint_eq(notifies, 2);
}
END_TEST

START_TEST(used_ring_alignment)
{
	struct virtq *vq = &vdev.vqs[0];

	/* 64 entries: avail ends at 0x486, used at the next QueueAlign. */
	wr(R_PAGE_SIZE, PAGE);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, 64);
	wr(R_QUEUE_ALIGN, 16);
	wr(R_QUEUE_PFN, (BASE + 0x30000) / PAGE);
	ck_assert(vq->ready);
	ck_assert_uint_eq(vq->avail_gpa, BASE + 0x30400);
	ck_assert_uint_eq(vq->used_gpa, BASE + 0x30490);
	/* QueueNum and QueueAlign do not move a live queue. */
	wr(R_QUEUE_NUM, 128);
	wr(R_QUEUE_ALIGN, PAGE);
	ck_assert_uint_eq(vq->num, 64);
	ck_assert_uint_eq(vq->align, 16);
}
END_TEST

START_TEST(pfn_zero_tears_down)
{
	linux_bring_up();
	wr(R_QUEUE_SEL, 1);
	wr(R_QUEUE_PFN, 0);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);
	ck_assert(!vdev.vqs[1].ready);
	wr(R_NOTIFY, 1);
	ck_assert_uint_eq(notifies, 0);
	/* The other queue is untouched; this one can come back. */
	wr(R_NOTIFY, 0);
	ck_assert_uint_eq(notifies, 1);
	linux_setup_vq(1, 32, BASE + 0x40000);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), (BASE + 0x40000) / PAGE);
	wr(R_NOTIFY, 1);
	ck_assert_uint_eq(notifies, 2);
	/* A reset (Status 0) tears every queue down, and the features. */
	wr(R_STATUS, 0);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);
	wr(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);
	ck_assert_uint_eq(vdev.guest_features, 0);
	/* ... but not GuestPageSize: Linux does not write it again. */
	linux_setup_vq(0, 16, BASE + 0x50000);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), (BASE + 0x50000) / PAGE);
}
END_TEST

/* A bad ring is the device's error, never pocvm's crash. */
START_TEST(bad_pfn)
{
	/* A ring beyond RAM, then one whose used ring crosses its end. */
	linux_bring_up();
	wr(R_STATUS, 0);
	wr(R_STATUS, ST_ACK | ST_DRV);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, 256);
	wr(R_QUEUE_ALIGN, PAGE);
	wr(R_QUEUE_PFN, (BASE + SIZE) / PAGE);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);
	ck_assert(!vdev.vqs[0].ready);
	wr(R_NOTIFY, 0);
	ck_assert_uint_eq(notifies, 0);
	/* DRIVER_OK on a broken device: NEEDS_RESET, config interrupt. */
	wr(R_STATUS, ST_ACK | ST_DRV | ST_OK);
	ck_assert_uint_eq(rd(R_STATUS), ST_ACK | ST_DRV | ST_OK | ST_RESET);
	ck_assert(rd(R_INT_STATUS) & VIRTIO_INT_CONFIG);
	ck_assert_uint_eq(driver_oks, 1);	/* the good bring-up's */

	wr(R_STATUS, 0);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, 256);
	wr(R_QUEUE_ALIGN, PAGE);
	wr(R_QUEUE_PFN, (BASE + SIZE - PAGE) / PAGE);
	ck_assert(!vdev.vqs[0].ready);
	ck_assert(vdev.broken);

	/* The largest PFN and page: 2^63 and more, in 64 bits. */
	virtio_dev_system_reset(&vdev);
	wr(R_PAGE_SIZE, 0x80000000);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_ALIGN, 0x80000000);
	wr(R_QUEUE_PFN, 0xffffffff);
	ck_assert(!vdev.vqs[0].ready);
	ck_assert(vdev.broken);
}
END_TEST

START_TEST(bad_page_size_and_align)
{
	/* A VM reset forgets GuestPageSize: a PFN without one is refused. */
	wr(R_PAGE_SIZE, PAGE);
	virtio_dev_system_reset(&vdev);
	linux_setup_vq(0, 64, BASE + 0x10000);
	ck_assert(!vdev.vqs[0].ready);
	ck_assert(vdev.broken);

	virtio_dev_reset(&vdev);
	wr(R_PAGE_SIZE, 3000);
	linux_setup_vq(0, 64, BASE + 0x10000);
	ck_assert(!vdev.vqs[0].ready);
	ck_assert(vdev.broken);

	virtio_dev_reset(&vdev);
	wr(R_PAGE_SIZE, PAGE);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, 64);
	wr(R_QUEUE_ALIGN, 0);		/* never set, or cleared */
	wr(R_QUEUE_PFN, (BASE + 0x10000) / PAGE);
	ck_assert(!vdev.vqs[0].ready);
	ck_assert(vdev.broken);

	/* A size that is no power of two, as on version 2. */
	virtio_dev_reset(&vdev);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, 100);
	wr(R_QUEUE_ALIGN, PAGE);
	wr(R_QUEUE_PFN, (BASE + 0x10000) / PAGE);
	ck_assert(!vdev.vqs[0].ready);
	ck_assert(vdev.broken);
}
END_TEST

START_TEST(status_rules)
{
	/* FEATURES_OK does not exist here: not kept, nothing refused. */
	wr(R_PAGE_SIZE, PAGE);
	wr(R_STATUS, ST_ACK | ST_DRV);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_FEAT);
	ck_assert_uint_eq(rd(R_STATUS), ST_ACK | ST_DRV);
	ck_assert(!vdev.broken);
	linux_setup_vq(0, 64, BASE + 0x10000);
	ck_assert(vdev.vqs[0].ready);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_FEAT | ST_OK);
	ck_assert_uint_eq(rd(R_STATUS), ST_ACK | ST_DRV | ST_OK);
	ck_assert_uint_eq(driver_oks, 1);
	/* DRIVER_OK off and on: a device error, driver_ok runs once. */
	wr(R_STATUS, ST_ACK | ST_DRV);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_OK);
	ck_assert_uint_eq(driver_oks, 1);
	ck_assert_uint_eq(rd(R_STATUS), ST_ACK | ST_DRV | ST_OK | ST_RESET);
	ck_assert(rd(R_INT_STATUS) & VIRTIO_INT_CONFIG);
	wr(R_NOTIFY, 0);
	ck_assert_uint_eq(notifies, 0);
	/* Status 0 is the way back. */
	wr(R_STATUS, 0);
	ck_assert_uint_eq(rd(R_STATUS), 0);
	linux_bring_up();
	ck_assert_uint_eq(driver_oks, 2);
}
END_TEST

START_TEST(features_fixed_on_first_use)
{
	wr(R_PAGE_SIZE, PAGE);
	wr(R_STATUS, ST_ACK | ST_DRV);
	/* Bits never offered are dropped, not taken. */
	wr(R_GUEST_SEL, 0);
	wr(R_GUEST_FEAT, 0xffffffff);
	ck_assert_uint_eq(vdev.guest_features, vdev.host_features);
	wr(R_GUEST_SEL, 1);
	wr(R_GUEST_FEAT, 1);		/* VERSION_1 */
	ck_assert_uint_eq(vdev.guest_features >> 32, 0);
	wr(R_GUEST_SEL, 0);
	wr(R_GUEST_FEAT, F_DEV);
	ck_assert_uint_eq(vdev.guest_features, F_DEV);
	/* A live queue fixes them: its ring flags came from them. */
	linux_setup_vq(0, 64, BASE + 0x10000);
	ck_assert(!vdev.vqs[0].event_idx);
	wr(R_GUEST_FEAT, F_DEV | (1U << VIRTIO_RING_F_EVENT_IDX));
	ck_assert_uint_eq(vdev.guest_features, F_DEV);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_OK);
	ck_assert_uint_eq(features_at_driver_ok, F_DEV);
}
END_TEST

/*
 * kvm-unit-tests' lib/virtio-mmio.c: 64 KiB pages, a 128-entry queue
 * after checking QueueNumMax, no status and no features ever written:
 * the queue is used from QueuePFN on (legacy drivers may use a device
 * before DRIVER_OK).
 */
START_TEST(kvm_unit_tests_sequence)
{
	const uint32_t page = 65536;
	unsigned int q;

	wr(R_PAGE_SIZE, page);
	for (q = 0; q < 2; q++) {
		wr(R_QUEUE_SEL, q);
		ck_assert_uint_ge(rd(R_QUEUE_MAX), 128);
		ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);
		wr(R_QUEUE_NUM, 128);
		wr(R_QUEUE_ALIGN, page);
		wr(R_QUEUE_PFN, (BASE + (2 * q + 1) * 0x20000) / page);
		ck_assert(vdev.vqs[q].ready);
	}
	ck_assert_uint_eq(vdev.vqs[1].used_gpa, BASE + 0x70000);
	wr(R_NOTIFY, 1);
	ck_assert_uint_eq(notifies, 1);
	ck_assert_uint_eq(rd(R_STATUS), 0);
	ck_assert_uint_eq(driver_oks, 0);
}
END_TEST

/* Version 2 keeps its rule: nothing is served before DRIVER_OK. */
START_TEST(modern_kick_needs_driver_ok)
{
	ck_assert_int_eq(virtio_dev_init(&vdev, &fake_ops,
					 VIRTIO_TRANSPORT_MMIO, &mem, NULL), 0);
	vdev.set_irq = vdev_no_irq;
	ck_assert_uint_eq(rd(R_VERSION), 2);
	wr(R_HOST_SEL, 1);
	ck_assert_uint_eq(rd(R_HOST_FEAT), (1U << 0) | (1U << 8));
	wr(R_STATUS, ST_ACK | ST_DRV);
	wr(R_GUEST_SEL, 1);
	wr(R_GUEST_FEAT, 1);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_FEAT);
	wr(R_QUEUE_SEL, 0);
	wr(R_QUEUE_NUM, 64);
	wr(0x080, (uint32_t)BASE);
	wr(0x090, (uint32_t)(BASE + 0x1000));
	wr(0x0a0, (uint32_t)(BASE + 0x2000));
	wr(R_QUEUE_READY, 1);
	ck_assert(vdev.vqs[0].ready);
	/* No legacy registers: QueuePFN neither reads nor moves a ring. */
	wr(R_QUEUE_PFN, (BASE + 0x10000) / PAGE);
	ck_assert_uint_eq(rd(R_QUEUE_PFN), 0);
	ck_assert_uint_eq(vdev.vqs[0].desc_gpa, BASE);
	wr(R_NOTIFY, 0);
	ck_assert_uint_eq(notifies, 0);
	wr(R_STATUS, ST_ACK | ST_DRV | ST_FEAT | ST_OK);
	wr(R_NOTIFY, 0);
	ck_assert_uint_eq(notifies, 1);
}
END_TEST

static Suite *virtio_mmio_legacy_suite(void)
{
	Suite *s = suite_create("virtio-mmio-legacy");
	TCase *tc = tcase_create("legacy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, legacy_registers);
	tcase_add_test(tc, linux_sequence);
	tcase_add_test(tc, used_ring_alignment);
	tcase_add_test(tc, pfn_zero_tears_down);
	tcase_add_test(tc, bad_pfn);
	tcase_add_test(tc, bad_page_size_and_align);
	tcase_add_test(tc, status_rules);
	tcase_add_test(tc, features_fixed_on_first_use);
	tcase_add_test(tc, kvm_unit_tests_sequence);
	tcase_add_test(tc, modern_kick_needs_driver_ok);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(virtio_mmio_legacy_suite)
