// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p through the virtio-mmio transport over fake guest RAM: the
 * mount tag in config space, 9P requests through the ring answered by
 * the worker threads, many in flight at once, a chain too small for any
 * reply given back empty, and Tflush answered after what it names. The
 * test holds the device lock around each register access, as the bus
 * does, so the workers' pushes never race its pops.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "p9.h"
#include "unit.h"
#include "vdev-regs.h"
#include "virtio-9p.h"

#define BASE		0x40000000ULL
#define SIZE		(16ULL << 20)
#define QNUM		128
#define DESC_OFF	0x0000
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define REQ_OFF		0x10000		/* 4 KiB per slot */
#define RSP_OFF		0x100000	/* 8 KiB per slot */
#define RSP_SIZE	0x2000

static struct guest_mem mem;
static uint8_t *ram;
static struct virtio_dev vdev;
static struct device fake_dev;
static struct vp9 *dev;
static char dir[64];
static uint16_t avail_idx;
static bool have_server;
/* The queue's ioeventfd, as the bus hands it over, and who holds it. */
static int kick_fd = -1;
static bool kick_taken;

static int fake_kick_fd(struct virtio_dev *v, unsigned int index, bool take)
{
	if (index || kick_fd < 0)
		return -EOPNOTSUPP;
	kick_taken = take;
	return kick_fd;
}

static uint32_t rd(uint64_t off)
{
	uint32_t v;

	pthread_mutex_lock(&fake_dev.lock);
	v = vdev_rd(&vdev, off);
	pthread_mutex_unlock(&fake_dev.lock);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	pthread_mutex_lock(&fake_dev.lock);
	vdev_wr(&vdev, off, v);
	pthread_mutex_unlock(&fake_dev.lock);
}

static void setup(void)
{
	struct share_config share = { .tag = "hosttag" };
	uint64_t f;
	int ret;

	ram = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	memset(&mem, 0, sizeof(mem));
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
	strcpy(dir, "/tmp/pocvm-vp9-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	share.dir = dir;
	avail_idx = 0;
	ret = vp9_open(&share, &dev);
	have_server = ret != -ENOSYS;
	if (!have_server) {
		ck_assert_msg(!getenv("POCVM_REQUIRE_SANDBOX"),
			      "no openat2 here, and POCVM_REQUIRE_SANDBOX");
		return;
	}
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(virtio_dev_init(&vdev, vp9_dev_ops(dev),
					 VIRTIO_TRANSPORT_MMIO, &mem, dev), 0);
	vdev.set_irq = vdev_no_irq;
	memset(&fake_dev, 0, sizeof(fake_dev));
	pthread_mutex_init(&fake_dev.lock, NULL);
	fake_dev.log_rl.name = "virtio-9p";
	vdev.dev = &fake_dev;
	ck_assert_uint_eq(rd(0x008), 9);	/* DeviceID */
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x014, 0);
	f = rd(0x010);
	ck_assert(f & 1);			/* VIRTIO_9P_MOUNT_TAG */
	wr(0x014, 1);
	f |= (uint64_t)rd(0x010) << 32;
	wr(0x024, 0);
	wr(0x020, (uint32_t)f);
	wr(0x024, 1);
	wr(0x020, f >> 32);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_FEATURES_OK);
	wr(0x030, 0);
	wr(0x038, QNUM);
	wr(0x080, (uint32_t)(BASE + DESC_OFF));
	wr(0x084, 0);
	wr(0x090, (uint32_t)(BASE + AVAIL_OFF));
	wr(0x094, 0);
	wr(0x0a0, (uint32_t)(BASE + USED_OFF));
	wr(0x0a4, 0);
	wr(0x044, 1);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
}

static void teardown(void)
{
	char cmd[128];

	if (have_server && vdev.ops->teardown)
		vdev.ops->teardown(&vdev);
	if (have_server)
		pthread_mutex_destroy(&fake_dev.lock);
	if (kick_fd >= 0)
		close(kick_fd);
	kick_fd = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	guest_mem_release(&mem);
	munmap(ram, SIZE);
}

static struct virtq_used *used(void)
{
	return (struct virtq_used *)(ram + USED_OFF);
}

/* Queue msg (len bytes) in slot with a reply buffer of rsp_len. */
static void post(unsigned int slot, const void *msg, uint32_t len,
		 uint32_t rsp_len)
{
	struct virtq_desc *d = (struct virtq_desc *)(ram + DESC_OFF);
	struct virtq_avail *a = (struct virtq_avail *)(ram + AVAIL_OFF);

	memcpy(ram + REQ_OFF + slot * 0x1000, msg, len);
	memset(ram + RSP_OFF + slot * RSP_SIZE, 0xee, RSP_SIZE);
	d[2 * slot] = (struct virtq_desc){ BASE + REQ_OFF + slot * 0x1000,
					   len, VIRTQ_DESC_F_NEXT,
					   2 * slot + 1 };
	d[2 * slot + 1] = (struct virtq_desc){ BASE + RSP_OFF +
					       slot * RSP_SIZE, rsp_len,
					       VIRTQ_DESC_F_WRITE, 0 };
	a->ring[avail_idx % QNUM] = 2 * slot;
	__atomic_store_n(&a->idx, ++avail_idx, __ATOMIC_RELEASE);
}

/* Wait (bounded, for a broken device) until n chains are used. */
static void wait_used(uint16_t n)
{
	unsigned int i;

	for (i = 0; i < 100000 &&
	     __atomic_load_n(&used()->idx, __ATOMIC_ACQUIRE) != n; i++)
		usleep(100);
	ck_assert_uint_eq(__atomic_load_n(&used()->idx, __ATOMIC_ACQUIRE), n);
}

/* The used element for slot's chain; its length. */
static uint32_t used_len(unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < used()->idx; i++)
		if (used()->ring[i % QNUM].id == 2 * slot)
			return used()->ring[i % QNUM].len;
	ck_abort_msg("slot %u not used", slot);
	return 0;
}

static uint8_t *rsp(unsigned int slot)
{
	return ram + RSP_OFF + slot * RSP_SIZE;
}

static const uint8_t tversion[] = {
	21, 0, 0, 0, 100, 0xff, 0xff, 0, 0, 1, 0,
	8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L',
};
static const uint8_t tattach[] = {
	23, 0, 0, 0, 104, 2, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
	0, 0, 0, 0, 0, 0, 0, 0,
};

START_TEST(test_tag)
{
	char tag[16] = "";
	uint16_t len;

	if (!have_server)
		return;
	virtio_mmio_access(&vdev, 0x100, &len, 2, false);
	ck_assert_uint_eq(len, 7);
	virtio_mmio_access(&vdev, 0x102, tag, 4, false);
	virtio_mmio_access(&vdev, 0x106, tag + 4, 2, false);
	virtio_mmio_access(&vdev, 0x108, tag + 6, 1, false);
	ck_assert_str_eq(tag, "hosttag");
}
END_TEST

START_TEST(test_requests)
{
	uint8_t tclunk[11] = { 11, 0, 0, 0, 120, 0, 0, 0, 0, 0, 0 };
	unsigned int i;

	if (!have_server)
		return;
	post(0, tversion, sizeof(tversion), RSP_SIZE);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(1);
	ck_assert_uint_eq(used_len(0), 21);
	ck_assert_uint_eq(rsp(0)[4], 101);
	post(1, tattach, sizeof(tattach), RSP_SIZE);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(2);
	ck_assert_uint_eq(used_len(1), 20);
	ck_assert_uint_eq(rsp(1)[4], 105);
	ck_assert_uint_eq(rsp(1)[5], 2);	/* the tag */
	/* Many in flight: clunks of fids that are not there, each tagged. */
	for (i = 2; i < 50; i++) {
		tclunk[5] = i;
		tclunk[7] = i;
		post(i, tclunk, sizeof(tclunk), RSP_SIZE);
	}
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(50);
	for (i = 2; i < 50; i++) {
		ck_assert_uint_eq(used_len(i), 11);
		ck_assert_uint_eq(rsp(i)[4], 7);	/* Rlerror */
		ck_assert_uint_eq(rsp(i)[5], i);
		ck_assert_uint_eq(rsp(i)[7], EBADF);
	}
}
END_TEST

/* A malformed message and a reply buffer too small for anything. */
START_TEST(test_bad_chains)
{
	uint8_t junk[5] = { 0xff, 0xff, 0xff, 0xff, 1 };

	if (!have_server)
		return;
	post(0, junk, sizeof(junk), RSP_SIZE);
	post(1, tversion, sizeof(tversion), 8);
	/* A Tflush with nothing pending is answered at once. */
	post(2, (uint8_t[]){ 9, 0, 0, 0, 108, 5, 0, 1, 0 }, 9, RSP_SIZE);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(3);
	ck_assert_uint_eq(used_len(0), 11);
	ck_assert_uint_eq(rsp(0)[4], 7);
	ck_assert_uint_eq(rsp(0)[7], EPROTO);
	ck_assert_uint_eq(used_len(1), 0);
	ck_assert_uint_eq(rsp(1)[0], 0xee);	/* untouched */
	ck_assert_uint_eq(used_len(2), 7);
	ck_assert_uint_eq(rsp(2)[4], 109);
	ck_assert_uint_eq(rsp(2)[5], 5);
}
END_TEST

/*
 * A Tflush in the same kick as the request it names: that request is
 * still pending when the flush is taken (its reply needs the device
 * lock the kick holds), so the Rflush must come after its reply.
 */
START_TEST(test_flush_after_reply)
{
	unsigned int i, pos_req = QNUM, pos_flush = QNUM;

	if (!have_server)
		return;
	post(0, tversion, sizeof(tversion), RSP_SIZE);
	post(1, (uint8_t[]){ 9, 0, 0, 0, 108, 9, 0, 0xff, 0xff }, 9,
	     RSP_SIZE);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(2);
	for (i = 0; i < 2; i++) {
		if (used()->ring[i].id == 0)
			pos_req = i;
		if (used()->ring[i].id == 2)
			pos_flush = i;
	}
	ck_assert_uint_eq(pos_req, 0);
	ck_assert_uint_eq(pos_flush, 1);
	ck_assert_uint_eq(rsp(0)[4], 101);	/* Rversion */
	ck_assert_uint_eq(used_len(1), 7);
	ck_assert_uint_eq(rsp(1)[4], 109);	/* Rflush, tag 9 */
	ck_assert_uint_eq(rsp(1)[5], 9);
}
END_TEST

/*
 * With an ioeventfd the workers take it at the first kick and serve the
 * queue from it: later kicks reach them with no QueueNotify trap and no
 * event loop, one signal for several requests.
 */
START_TEST(test_kick_fd)
{
	uint8_t tclunk[11] = { 11, 0, 0, 0, 120, 0, 0, 0, 0, 0, 0 };
	uint64_t one = 1;
	unsigned int i;

	if (!have_server)
		return;
	kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ck_assert_int_ge(kick_fd, 0);
	vdev.queue_kick_fd = fake_kick_fd;
	post(0, tversion, sizeof(tversion), RSP_SIZE);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);	/* the first comes trapped */
	wait_used(1);
	ck_assert(kick_taken);
	for (i = 1; i < 40; i++) {
		tclunk[5] = i;
		tclunk[7] = i;
		post(i, tclunk, sizeof(tclunk), RSP_SIZE);
	}
	ck_assert_int_eq(write(kick_fd, &one, sizeof(one)), sizeof(one));
	wait_used(40);
	for (i = 1; i < 40; i++) {
		ck_assert_uint_eq(rsp(i)[4], 7);	/* Rlerror */
		ck_assert_uint_eq(rsp(i)[5], i);
	}
	/* One at a time, as a guest reading a file sends them. */
	for (i = 40; i < 60; i++) {
		tclunk[5] = i;
		post(i, tclunk, sizeof(tclunk), RSP_SIZE);
		ck_assert_int_eq(write(kick_fd, &one, sizeof(one)),
				 sizeof(one));
		wait_used(i + 1);
		ck_assert_uint_eq(rsp(i)[5], i);
	}
}
END_TEST

static Suite *virtio_9p_suite(void)
{
	Suite *s = suite_create("virtio-9p");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	/*
	 * wait_used() allows 10 s per wait: Check's default of 4 s per test
	 * would cut a loaded machine's run short first, as an error.
	 */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tag);
	tcase_add_test(tc, test_requests);
	tcase_add_test(tc, test_bad_chains);
	tcase_add_test(tc, test_flush_after_reply);
	tcase_add_test(tc, test_kick_fd);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(virtio_9p_suite)
