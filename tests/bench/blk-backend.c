// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side benchmark of the virtio-blk backend: no KVM, no guest. The
 * device (hw/virtio/blk.c) runs on an image file behind the virtio-mmio
 * transport, with fake guest RAM in which this program plays the driver:
 * it lays out a split virtqueue, keeps a fixed number of 4 KiB random
 * reads in flight, and refills a slot whenever the device hands one back.
 *
 * Everything on the device side is the code a VM runs: the MMIO queue
 * notify, virtq_pop, the libaio submit, the completion eventfd (waited on
 * with poll(), as the event loop waits with epoll) and vblk_complete(),
 * which reaps the iocbs and does virtq_push. Prints one line:
 *
 *   pocvm-blk depth=QD iops=N
 *
 * Figures only: a failed request is an error, a slow one is not.
 *
 * Usage: blk-backend [-d] [-q depth] [-t seconds] FILE
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "guest-mem.h"
#include "log.h"
#include "virtio-blk.h"

#define BASE		0x40000000ULL
#define QNUM		256		/* the device's queue_num_max */
#define MAX_DEPTH	QNUM
#define SLOT_DESCS	3		/* header, data, status */
#define BLOCK		4096

/* Fake guest RAM: rings, then headers and statuses, then the buffers. */
#define DESC_OFF	0x0000		/* 16 * 256 */
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define HDR_OFF		0x3000		/* 16 bytes per slot */
#define STATUS_OFF	0x4000		/* 1 byte per slot */
#define BUF_OFF		0x10000		/* 4 KiB per slot, page aligned */
#define RAM_SIZE	(BUF_OFF + MAX_DEPTH * BLOCK)

#define T_IN		0
#define S_OK		0

static struct guest_mem mem;
static uint8_t *ram;
static struct virtio_dev vdev;
static struct vblk *blk;
static uint16_t avail_idx, last_used;
static uint64_t nr_blocks, rng_state = 0x9e3779b97f4a7c15ULL;

static void die(const char *what)
{
	fprintf(stderr, "blk-backend: %s\n", what);
	exit(1);
}

static uint32_t rd(uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(&vdev, off, &v, 4, false);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_access(&vdev, off, &v, 4, true);
}

static uint64_t cfg64(unsigned int off)
{
	uint64_t v;

	virtio_mmio_access(&vdev, 0x100 + off, &v, 8, false);
	return v;
}

static int fake_set_irq(struct virtio_dev *v, int level)
{
	return 0;
}

/* Bring the device up as Linux's virtio-mmio driver would. */
static void dev_up(const char *path, bool direct)
{
	struct disk_config d = { .path = path, .direct = direct };
	uint64_t f;
	int ret;

	ret = vblk_open(&d, &blk);
	if (ret)
		die(err_message(ret));
	if (virtio_dev_init(&vdev, vblk_dev_ops(blk), VIRTIO_TRANSPORT_MMIO,
			    &mem, blk))
		die("virtio_dev_init failed");
	vdev.set_irq = fake_set_irq;
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x014, 0);
	f = rd(0x010);
	wr(0x014, 1);
	f |= (uint64_t)rd(0x010) << 32;
	/* This driver kicks every time and takes no interrupts. */
	f &= ~((1ULL << VIRTIO_RING_F_EVENT_IDX) |
	       (1ULL << VIRTIO_RING_F_INDIRECT_DESC));
	wr(0x024, 0);
	wr(0x020, (uint32_t)f);
	wr(0x024, 1);
	wr(0x020, f >> 32);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(0x070) & VIRTIO_STATUS_FEATURES_OK))
		die("device refused the features");
	wr(0x030, 0);
	if (rd(0x034) < QNUM)
		die("queue smaller than expected");
	wr(0x038, QNUM);
	wr(0x080, (uint32_t)(BASE + DESC_OFF));
	wr(0x084, (BASE + DESC_OFF) >> 32);
	wr(0x090, (uint32_t)(BASE + AVAIL_OFF));
	wr(0x094, (BASE + AVAIL_OFF) >> 32);
	wr(0x0a0, (uint32_t)(BASE + USED_OFF));
	wr(0x0a4, (BASE + USED_OFF) >> 32);
	wr(0x044, 1);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
	if (rd(0x070) & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET))
		die("device did not come up");
	nr_blocks = cfg64(0) * 512 / BLOCK;
	if (!nr_blocks)
		die("image smaller than 4 KiB");
}

static struct virtq_avail *avail(void)
{
	return (struct virtq_avail *)(ram + AVAIL_OFF);
}

static struct virtq_used *used(void)
{
	return (struct virtq_used *)(ram + USED_OFF);
}

static uint64_t next_block(void)
{
	/* xorshift64*: cheap, and the same sequence on every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545f4914f6cdd1dULL) % nr_blocks;
}

/* Offer a 4 KiB read of a random block in slot; kicked by the caller. */
static void post(unsigned int slot)
{
	struct virtq_desc *d = (struct virtq_desc *)(ram + DESC_OFF);
	uint8_t *hdr = ram + HDR_OFF + slot * 16;
	uint64_t sector = next_block() * (BLOCK / 512);
	uint32_t type = T_IN, head = slot * SLOT_DESCS;

	memcpy(hdr, &type, 4);
	memset(hdr + 4, 0, 4);
	memcpy(hdr + 8, &sector, 8);
	ram[STATUS_OFF + slot] = 0xee;
	d[head] = (struct virtq_desc){ BASE + HDR_OFF + slot * 16, 16,
				       VIRTQ_DESC_F_NEXT, head + 1 };
	d[head + 1] = (struct virtq_desc){ BASE + BUF_OFF + slot * BLOCK,
					   BLOCK, VIRTQ_DESC_F_NEXT |
					   VIRTQ_DESC_F_WRITE, head + 2 };
	d[head + 2] = (struct virtq_desc){ BASE + STATUS_OFF + slot, 1,
					   VIRTQ_DESC_F_WRITE, 0 };
	avail()->ring[avail_idx % QNUM] = head;
	__atomic_store_n(&avail()->idx, ++avail_idx, __ATOMIC_RELEASE);
}

static void kick(void)
{
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* Take what the device used; refill each slot while refill holds. */
static unsigned int reap(bool refill)
{
	uint16_t idx = __atomic_load_n(&used()->idx, __ATOMIC_ACQUIRE);
	unsigned int n = 0, slot;
	struct virtq_used_elem *e;

	while (last_used != idx) {
		e = &used()->ring[last_used % QNUM];
		slot = e->id / SLOT_DESCS;
		if (e->id % SLOT_DESCS || slot >= MAX_DEPTH)
			die("bad id in the used ring");
		if (ram[STATUS_OFF + slot] != S_OK || e->len != BLOCK + 1)
			die("a read failed");
		last_used++;
		n++;
		if (refill)
			post(slot);
	}
	if (refill && n)
		kick();
	return n;
}

/* Sleep until the aio eventfd fires, then complete as the loop does. */
static void wait_completions(void)
{
	struct pollfd p = { .fd = vblk_event_fd(blk), .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			die("poll failed");
	vblk_complete(&vdev, false);
	if (rd(0x070) & VIRTIO_STATUS_NEEDS_RESET)
		die("device broke");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: blk-backend [-d] [-q depth] [-t seconds] "
		"FILE\n  -d  O_DIRECT (as --disk ...,direct=on)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int depth = 1, secs = 10, i;
	uint64_t done = 0;
	bool direct = false;
	double start, end;
	int c;

	while ((c = getopt(argc, argv, "dq:t:")) != -1) {
		switch (c) {
		case 'd':
			direct = true;
			break;
		case 'q':
			depth = strtoul(optarg, NULL, 0);
			break;
		case 't':
			secs = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !depth || depth > MAX_DEPTH || !secs)
		usage();

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (ram == MAP_FAILED)
		die("cannot map fake guest RAM");
	if (guest_mem_add_host(&mem, BASE, RAM_SIZE, ram))
		die("guest_mem_add_host failed");
	dev_up(argv[optind], direct);

	for (i = 0; i < depth; i++)
		post(i);
	start = now();
	end = start + secs;
	kick();
	for (;;) {
		/* A buffered image's requests may be done within the kick. */
		if (vblk_in_flight(blk))
			wait_completions();
		done += reap(true);
		if (now() >= end)
			break;
	}
	end = now();
	/* Let the last requests land before the device goes away. */
	while (vblk_in_flight(blk)) {
		wait_completions();
		reap(false);
	}
	reap(false);

	printf("pocvm-blk depth=%u iops=%.0f\n", depth, done / (end - start));
	vblk_close(blk);
	guest_mem_release(&mem);
	munmap(ram, RAM_SIZE);
	return 0;
}
