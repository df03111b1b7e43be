// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport against a driver that breaks the rules: status
 * bits taken back without a reset, and floods of guest-caused messages.
 * A stand-in device counts the transitions the transport hands it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"
#include "vdev-regs.h"
#include "virtio.h"

#define BASE		0x40000000ULL
#define SIZE		(1ULL << 20)
#define QNUM		64

#define ST_ACK		VIRTIO_STATUS_ACKNOWLEDGE
#define ST_DRV		VIRTIO_STATUS_DRIVER
#define ST_FEAT		VIRTIO_STATUS_FEATURES_OK
#define ST_OK		VIRTIO_STATUS_DRIVER_OK
#define ST_RESET	VIRTIO_STATUS_NEEDS_RESET
#define ST_UP		(ST_ACK | ST_DRV | ST_FEAT | ST_OK)

static struct guest_mem mem;
static uint8_t *ram;
static struct virtio_dev vdev;
static unsigned int driver_oks, resets, notifies, raises;
static enum log_level saved_level;

static void fake_driver_ok(struct virtio_dev *v)
{
	driver_oks++;
}

static void fake_reset(struct virtio_dev *v)
{
	resets++;
}

static void fake_notify(struct virtio_dev *v, struct virtq *vq)
{
	notifies++;
}

static const struct virtio_dev_ops fake_ops = {
	.name = "virtio-fake",
	.device_id = 4,
	.nr_queues = 1,
	.queue_num_max = QNUM,
	.driver_ok = fake_driver_ok,
	.reset = fake_reset,
	.queue_notify = fake_notify,
};

/* An edge-triggered line: what matters is how often it is raised. */
static int count_raises(struct virtio_dev *v, int level)
{
	if (level)
		raises++;
	return 0;
}

static void count_again(struct virtio_dev *v)
{
	raises++;
}

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
					 VIRTIO_TRANSPORT_MMIO, &mem, NULL), 0);
	vdev.set_irq = vdev_no_irq;
	driver_oks = resets = notifies = 0;
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;
}

static void teardown(void)
{
	log_threshold = saved_level;
	guest_mem_release(&mem);
	free(ram);
}

/* What Linux's virtio-mmio driver does, up to DRIVER_OK. */
static void bring_up(void)
{
	wr(0x070, ST_ACK);
	wr(0x070, ST_ACK | ST_DRV);
	wr(0x024, 1);
	wr(0x020, 1);			/* VERSION_1 */
	wr(0x070, ST_ACK | ST_DRV | ST_FEAT);
	ck_assert_uint_eq(rd(0x070), ST_ACK | ST_DRV | ST_FEAT);
	wr(0x030, 0);
	wr(0x038, QNUM);
	wr(0x080, (uint32_t)BASE);
	wr(0x090, (uint32_t)(BASE + 0x1000));
	wr(0x0a0, (uint32_t)(BASE + 0x2000));
	wr(0x044, 1);
	ck_assert_uint_eq(rd(0x044), 1);
	wr(0x070, ST_UP);
}

START_TEST(driver_ok_once_per_reset)
{
	unsigned int i;

	bring_up();
	ck_assert_uint_eq(driver_oks, 1);
	/* DRIVER_OK off and on, as a hostile driver would, many times. */
	for (i = 0; i < 1000; i++) {
		wr(0x070, ST_ACK | ST_DRV | ST_FEAT);
		wr(0x070, ST_UP);
	}
	ck_assert_uint_eq(driver_oks, 1);
	/* The device kept its state and says it needs a reset. */
	ck_assert_uint_eq(rd(0x070), ST_UP | ST_RESET);
	ck_assert(rd(0x060) & VIRTIO_INT_CONFIG);
	ck_assert_uint_eq(rd(0x044), 1);
	/* A broken device serves no kicks. */
	wr(0x050, 0);
	ck_assert_uint_eq(notifies, 0);
	/* A reset is the way back, and then the device works again. */
	wr(0x070, 0);
	ck_assert_uint_eq(rd(0x070), 0);
	ck_assert_uint_eq(rd(0x044), 0);
	bring_up();
	ck_assert_uint_eq(driver_oks, 2);
	ck_assert_uint_eq(rd(0x070), ST_UP);
	wr(0x050, 0);
	ck_assert_uint_eq(notifies, 1);
}
END_TEST

/*
 * The config change comes between the driver's read of InterruptStatus
 * and its acknowledgement of what it read: the bit left set needs an
 * edge of its own, or the guest never hears of it, nor of anything else
 * (the status never returns to zero for a new edge to start from).
 */
START_TEST(edge_for_a_bit_left_after_ack)
{
	uint32_t isr;

	bring_up();
	vdev.set_irq = count_raises;
	vdev.irq_again = count_again;
	raises = 0;
	virtio_vring_interrupt(&vdev);
	ck_assert_uint_eq(raises, 1);
	isr = rd(0x060);
	ck_assert_uint_eq(isr, VIRTIO_INT_VRING);
	virtio_config_changed(&vdev);
	wr(0x064, isr);
	ck_assert_uint_eq(rd(0x060), VIRTIO_INT_CONFIG);
	ck_assert_uint_eq(raises, 2);
	/* All acknowledged: nothing more to raise until the next event. */
	wr(0x064, VIRTIO_INT_CONFIG);
	ck_assert_uint_eq(raises, 2);
	virtio_vring_interrupt(&vdev);
	ck_assert_uint_eq(raises, 3);
}
END_TEST

START_TEST(features_ok_not_taken_back)
{
	bring_up();
	/* Clearing FEATURES_OK would unready the queues under the device. */
	wr(0x070, ST_ACK | ST_DRV | ST_OK);
	ck_assert_uint_eq(rd(0x070), ST_UP | ST_RESET);
	ck_assert_uint_eq(rd(0x044), 1);
	ck_assert_uint_eq(driver_oks, 1);
}
END_TEST

START_TEST(clear_before_driver_ok)
{
	wr(0x070, ST_ACK | ST_DRV);
	wr(0x024, 1);
	wr(0x020, 1);
	wr(0x070, ST_ACK | ST_DRV | ST_FEAT);
	wr(0x070, ST_ACK);		/* DRIVER and FEATURES_OK back */
	ck_assert(rd(0x070) & ST_RESET);
	/* No interrupt yet: the driver is not running the device. */
	ck_assert_uint_eq(rd(0x060), 0);
	wr(0x070, ST_UP);
	ck_assert_uint_eq(driver_oks, 0);
	ck_assert(rd(0x070) & ST_RESET);
}
END_TEST

START_TEST(driver_cannot_set_needs_reset)
{
	bring_up();
	wr(0x070, ST_UP | ST_RESET);
	ck_assert_uint_eq(rd(0x070), ST_UP);
	/* Adding FAILED is adding a bit: allowed. */
	wr(0x070, ST_UP | VIRTIO_STATUS_FAILED);
	ck_assert_uint_eq(rd(0x070), ST_UP | VIRTIO_STATUS_FAILED);
	ck_assert_uint_eq(driver_oks, 1);
}
END_TEST

START_TEST(ratelimit_window)
{
	struct log_ratelimit rl = { .name = "t" };
	uint64_t t = 5000000000ULL, dropped;
	unsigned int i, passed = 0;

	for (i = 0; i < 100; i++)
		passed += log_ratelimit_pass(&rl, t + i, &dropped);
	ck_assert_uint_eq(passed, LOG_GUEST_BURST);
	/* The next window's first message carries the count. */
	ck_assert(log_ratelimit_pass(&rl, t + LOG_GUEST_WINDOW_NS, &dropped));
	ck_assert_uint_eq(dropped, 100 - LOG_GUEST_BURST);
	ck_assert(log_ratelimit_pass(&rl, t + LOG_GUEST_WINDOW_NS + 1,
				     &dropped));
	ck_assert_uint_eq(dropped, 0);
}
END_TEST

/* Lines written to stderr while fn runs. */
static unsigned int stderr_lines(void (*fn)(void))
{
	char path[] = "/tmp/pocvm-log-XXXXXX", buf[4096];
	unsigned int lines = 0;
	ssize_t n, i;
	int fd, saved;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	saved = dup(2);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

/*
 * Each reset re-arms the one-shot warnings, and refused features never
 * had one: without a limiter, each round is two more lines on demand.
 */
static void reset_and_misbehave(void)
{
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		wr(0x070, 0);
		wr(0x070, ST_ACK | ST_DRV);
		wr(0x070, ST_ACK | ST_DRV | ST_FEAT);	/* no VERSION_1 */
		wr(0x070, 0);
		wr(0x070, ST_ACK | ST_DRV);
		wr(0x024, 1);
		wr(0x020, 1);
		wr(0x070, ST_ACK | ST_DRV | ST_FEAT);
		wr(0x038, 3);				/* not a power of 2 */
		wr(0x044, 1);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

START_TEST(guest_cannot_flood_the_log)
{
	uint64_t start, windows;
	unsigned int lines;

	log_threshold = LOG_WARN;
	start = now_ns();
	lines = stderr_lines(reset_and_misbehave);
	/* Each window started lets a burst and one "suppressed" line out. */
	windows = (now_ns() - start) / LOG_GUEST_WINDOW_NS + 2;
	log_threshold = LOG_ERROR;
	/* 2000 guest-caused warnings, whatever the machine's speed. */
	ck_assert_uint_le(lines, windows * (LOG_GUEST_BURST + 1));
	ck_assert_uint_lt(lines, 2000);
	ck_assert_uint_ge(lines, 1);
}
END_TEST

static Suite *virtio_mmio_suite(void)
{
	Suite *s = suite_create("virtio-mmio");
	TCase *tc = tcase_create("status");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, driver_ok_once_per_reset);
	tcase_add_test(tc, features_ok_not_taken_back);
	tcase_add_test(tc, edge_for_a_bit_left_after_ack);
	tcase_add_test(tc, clear_before_driver_ok);
	tcase_add_test(tc, driver_cannot_set_needs_reset);
	tcase_add_test(tc, guest_cannot_flood_the_log);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit");
	tcase_add_test(tc, ratelimit_window);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(virtio_mmio_suite)
