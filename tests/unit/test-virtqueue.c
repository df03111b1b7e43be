// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues and the virtio-mmio transport over fake guest RAM:
 * good chains, interrupt suppression, and hand-built hostile chains that
 * must fail without touching anything outside RAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "unit.h"
#include "virtio.h"

#define BASE	0x40000000ULL
#define SIZE	(1ULL << 20)
#define GUARD	(64 * 1024)
#define POISON	0xa5
#define QSIZE	16

/* Where things sit in fake RAM (offsets from BASE). */
#define DESC_OFF	0x0000
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define ITABLE_OFF	0x4000
#define ITABLE2_OFF	0x6000
#define BUF_OFF		0x10000

static struct guest_mem mem;
static uint8_t *block;	/* guard | RAM | guard */
static uint8_t *ram;
static struct virtq vq;
static enum log_level saved_level;

static void setup(void)
{
	memset(&mem, 0, sizeof(mem));
	block = malloc(SIZE + 2 * GUARD);
	ck_assert_ptr_nonnull(block);
	memset(block, POISON, GUARD);
	memset(block + GUARD, 0, SIZE);
	memset(block + GUARD + SIZE, POISON, GUARD);
	ram = block + GUARD;
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
	/* The malformed cases warn by design: keep the output readable. */
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;
}

static void teardown(void)
{
	log_threshold = saved_level;
	guest_mem_release(&mem);
	free(block);
}

static bool guards_intact(void)
{
	size_t i;

	for (i = 0; i < GUARD; i++)
		if (block[i] != POISON || block[GUARD + SIZE + i] != POISON)
			return false;
	return true;
}

static struct virtq_desc *desc_at(uint64_t off)
{
	return (struct virtq_desc *)(ram + off);
}

static void set_desc(struct virtq_desc *table, unsigned int i, uint64_t gpa,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	table[i].addr = gpa;
	table[i].len = len;
	table[i].flags = flags;
	table[i].next = next;
}

static struct virtq_avail *avail(void)
{
	return (struct virtq_avail *)(ram + AVAIL_OFF);
}

static struct virtq_used *used(void)
{
	return (struct virtq_used *)(ram + USED_OFF);
}

static void offer(uint16_t head)
{
	avail()->ring[avail()->idx % QSIZE] = head;
	avail()->idx++;
}

static void queue_up(uint64_t features)
{
	memset(&vq, 0, sizeof(vq));
	vq.mem = &mem;
	vq.num_max = QSIZE;
	virtq_reset(&vq);
	vq.desc_gpa = BASE + DESC_OFF;
	vq.avail_gpa = BASE + AVAIL_OFF;
	vq.used_gpa = BASE + USED_OFF;
	ck_assert_int_eq(virtq_enable(&vq, features), 0);
}

#define F_INDIRECT	(1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX	(1ULL << VIRTIO_RING_F_EVENT_IDX)
#define BUF(n)		(BASE + BUF_OFF + (n) * 0x1000)

START_TEST(direct_chain)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	struct virtq_req req;

	queue_up(0);
	set_desc(d, 3, BUF(0), 16, VIRTQ_DESC_F_NEXT, 7);
	set_desc(d, 7, BUF(1), 32, VIRTQ_DESC_F_NEXT, 1);
	set_desc(d, 1, BUF(2), 100, VIRTQ_DESC_F_WRITE, 0);
	offer(3);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_uint_eq(req.head, 3);
	ck_assert_uint_eq(req.nr_out, 2);
	ck_assert_uint_eq(req.nr_in, 1);
	ck_assert_uint_eq(req.out_len, 48);
	ck_assert_uint_eq(req.in_len, 100);
	ck_assert_ptr_eq(req.iov[0].iov_base, ram + BUF_OFF);
	ck_assert_ptr_eq(req.iov[1].iov_base, ram + BUF_OFF + 0x1000);
	ck_assert_ptr_eq(req.iov[2].iov_base, ram + BUF_OFF + 0x2000);
	ck_assert_uint_eq(req.iov[2].iov_len, 100);
	ck_assert_uint_eq(virtq_req_fill(&req, "hello", 5), 5);
	ck_assert_mem_eq(ram + BUF_OFF + 0x2000, "hello", 5);
	ck_assert_int_eq(virtq_push(&vq, req.head, 5), 0);
	ck_assert_uint_eq(used()->idx, 1);
	ck_assert_uint_eq(used()->ring[0].id, 3);
	ck_assert_uint_eq(used()->ring[0].len, 5);
	ck_assert_int_eq(virtq_pop(&vq, &req), -EAGAIN);
	ck_assert(virtq_should_notify(&vq));
	/* Without EVENT_IDX the avail flag is the driver's only say. */
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	ck_assert(!virtq_should_notify(&vq));
	ck_assert(guards_intact());
}
END_TEST

/* The destination's size bounds a gather, whatever length is asked. */
START_TEST(gather_bounded_by_dst)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	struct virtq_req req;
	uint8_t dst[24];

	queue_up(0);
	memset(ram + BUF_OFF, 'a', 16);
	memset(ram + BUF_OFF + 0x1000, 'b', 32);
	set_desc(d, 0, BUF(0), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(d, 1, BUF(1), 32, 0, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	memset(dst, 0, sizeof(dst));
	ck_assert_uint_eq(virtq_req_gather(&req, dst, 20, UINT64_MAX), 20);
	ck_assert_mem_eq(dst, "aaaaaaaaaaaaaaaabbbb", 20);
	ck_assert_uint_eq(dst[20], 0);
	ck_assert_uint_eq(virtq_req_gather(&req, dst, sizeof(dst), 5), 5);
	ck_assert_uint_eq(virtq_req_gather(&req, dst, sizeof(dst),
					   req.out_len), sizeof(dst));
	ck_assert(guards_intact());
}
END_TEST

START_TEST(indirect_chain)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	struct virtq_desc *t = desc_at(ITABLE_OFF);
	struct virtq_req req;

	queue_up(F_INDIRECT);
	/* A direct readable header, then an indirect table: R, W, W. */
	set_desc(d, 0, BUF(0), 8, VIRTQ_DESC_F_NEXT, 5);
	set_desc(d, 5, BASE + ITABLE_OFF, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(t, 0, BUF(1), 64, VIRTQ_DESC_F_NEXT, 2);
	set_desc(t, 2, BUF(2), 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(t, 1, BUF(3), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_uint_eq(req.nr_out, 2);
	ck_assert_uint_eq(req.nr_in, 2);
	ck_assert_uint_eq(req.out_len, 72);
	ck_assert_uint_eq(req.in_len, 513);
	ck_assert_ptr_eq(req.iov[3].iov_base, ram + BUF_OFF + 0x3000);
	ck_assert_int_eq(virtq_push(&vq, 0, 513), 0);
	ck_assert_uint_eq(used()->idx, 1);
	ck_assert(guards_intact());
}
END_TEST

START_TEST(event_idx)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	uint16_t *used_event = &avail()->ring[QSIZE];
	uint16_t *avail_event = (uint16_t *)&used()->ring[QSIZE];
	struct virtq_req req;
	unsigned int i;

	queue_up(F_EVENT_IDX);
	for (i = 0; i < 4; i++) {
		set_desc(d, i, BUF(i), 16, VIRTQ_DESC_F_WRITE, 0);
		offer(i);
	}
	*used_event = 0;
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	/* The device asks to be kicked for what comes after this one. */
	ck_assert_uint_eq(*avail_event, 1);
	ck_assert_int_eq(virtq_push(&vq, req.head, 16), 0);
	/* used idx went 0 -> 1, passing used_event 0: interrupt. */
	ck_assert(virtq_should_notify(&vq));

	/* The driver wants nothing until used idx passes 3. */
	*used_event = 3;
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_int_eq(virtq_push(&vq, req.head, 16), 0);
	ck_assert(!virtq_should_notify(&vq));		/* idx 2 */
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_int_eq(virtq_push(&vq, req.head, 16), 0);
	ck_assert(!virtq_should_notify(&vq));		/* idx 3 */
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_int_eq(virtq_push(&vq, req.head, 16), 0);
	ck_assert(virtq_should_notify(&vq));		/* idx 4 > 3 */
	/* The flag means nothing once EVENT_IDX is negotiated. */
	avail()->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event = 4;
	ck_assert_int_eq(virtq_pop(&vq, &req), -EAGAIN);
	ck_assert_uint_eq(*avail_event, 4);
	ck_assert(guards_intact());
}
END_TEST

START_TEST(unpop_returns_chains)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	uint16_t *avail_event = (uint16_t *)&used()->ring[QSIZE];
	struct virtq_req req;

	queue_up(F_EVENT_IDX);
	set_desc(d, 4, BUF(0), 16, VIRTQ_DESC_F_WRITE, 0);
	set_desc(d, 9, BUF(1), 16, VIRTQ_DESC_F_WRITE, 0);
	offer(4);
	offer(9);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	/* Too few: the device wants a kick past what it has seen. */
	ck_assert_int_eq(virtq_pop(&vq, &req), -EAGAIN);
	ck_assert_uint_eq(*avail_event, 2);
	virtq_unpop(&vq, 2);
	ck_assert_uint_eq(*avail_event, 2);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_uint_eq(req.head, 4);
	ck_assert_int_eq(virtq_pop(&vq, &req), 0);
	ck_assert_uint_eq(req.head, 9);
	ck_assert_uint_eq(req.in_len, 16);
	ck_assert_uint_eq(used()->idx, 0);
}
END_TEST

START_TEST(push_batch)
{
	struct virtq_used_elem e[3] = { { 5, 100 }, { 2, 200 }, { 7, 0 } };
	struct virtq_used_elem bad[2] = { { 1, 1 }, { QSIZE, 1 } };
	struct virtq_used_elem many[QSIZE + 1] = { { 0 } };

	queue_up(0);
	ck_assert_int_eq(virtq_push_batch(&vq, e, 3), 0);
	ck_assert_uint_eq(used()->idx, 3);
	ck_assert_uint_eq(used()->ring[0].id, 5);
	ck_assert_uint_eq(used()->ring[1].id, 2);
	ck_assert_uint_eq(used()->ring[1].len, 200);
	ck_assert_uint_eq(used()->ring[2].id, 7);
	/* One bad id and nothing of the batch is published. */
	ck_assert_int_eq(virtq_push_batch(&vq, bad, 2), -EINVAL);
	ck_assert_uint_eq(used()->idx, 3);
	ck_assert_uint_eq(used()->ring[3].id, 0);
	ck_assert_int_eq(virtq_push_batch(&vq, many, QSIZE + 1), -EINVAL);
	ck_assert_uint_eq(used()->idx, 3);
	/* The ring wraps inside a batch. */
	ck_assert_int_eq(virtq_push_batch(&vq, many, QSIZE), 0);
	ck_assert_uint_eq(used()->idx, 3 + QSIZE);
	ck_assert(guards_intact());
}
END_TEST

/* Offer head, expect virtq_pop() to fail with err and touch nothing. */
static void expect_bad(uint16_t head, int err)
{
	struct virtq_req req;
	uint8_t used_before[6 + 8 * QSIZE];

	memcpy(used_before, used(), sizeof(used_before));
	offer(head);
	ck_assert_int_eq(virtq_pop(&vq, &req), err);
	/* Warned once, nothing returned to the driver, nothing outside RAM. */
	ck_assert(vq.warned);
	ck_assert_mem_eq(used(), used_before, 2 + 2);
	ck_assert(guards_intact());
}

START_TEST(bad_loop)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	queue_up(0);
	set_desc(d, 0, BUF(0), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(d, 1, BUF(1), 8, VIRTQ_DESC_F_NEXT, 0);
	expect_bad(0, -ELOOP);
}
END_TEST

START_TEST(bad_chain_too_long)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	unsigned int i;

	/* Every descriptor in a line back to the start: a loop of QSIZE. */
	queue_up(0);
	for (i = 0; i < QSIZE; i++)
		set_desc(d, i, BUF(0), 8, VIRTQ_DESC_F_NEXT, (i + 1) % QSIZE);
	expect_bad(0, -ELOOP);
}
END_TEST

START_TEST(bad_head)
{
	queue_up(0);
	expect_bad(QSIZE, -EINVAL);
}
END_TEST

START_TEST(bad_next)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	queue_up(0);
	set_desc(d, 0, BUF(0), 8, VIRTQ_DESC_F_NEXT, 999);
	expect_bad(0, -EINVAL);
}
END_TEST

START_TEST(bad_buffer_outside_ram)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	queue_up(0);
	/* Straddles the end of RAM into the guard. */
	set_desc(d, 0, BASE + SIZE - 8, 16, VIRTQ_DESC_F_WRITE, 0);
	expect_bad(0, -EFAULT);
	queue_up(0);
	memset(used(), 0, 6 + 8 * QSIZE);
	memset(avail(), 0, 6 + 2 * QSIZE);
	set_desc(d, 0, BASE - 4096, 16, 0, 0);
	expect_bad(0, -EFAULT);
	queue_up(0);
	memset(avail(), 0, 6 + 2 * QSIZE);
	/* A length that would wrap the address space. */
	set_desc(d, 0, BASE + 64, 0xffffffff, VIRTQ_DESC_F_WRITE, 0);
	expect_bad(0, -EFAULT);
}
END_TEST

START_TEST(bad_indirect_in_indirect)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	struct virtq_desc *t = desc_at(ITABLE_OFF);

	queue_up(F_INDIRECT);
	set_desc(d, 0, BASE + ITABLE_OFF, 32, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(t, 0, BUF(0), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(t, 1, BASE + ITABLE2_OFF, 16, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad(0, -EINVAL);
}
END_TEST

START_TEST(bad_indirect_size)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	queue_up(F_INDIRECT);
	set_desc(d, 0, BASE + ITABLE_OFF, 24, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad(0, -EINVAL);
}
END_TEST

START_TEST(bad_indirect_table)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	struct virtq_desc *t = desc_at(ITABLE_OFF);

	queue_up(F_INDIRECT);
	/* A table running off the end of RAM. */
	set_desc(d, 0, BASE + SIZE - 32, 64, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad(0, -EFAULT);

	/* A loop inside a table. */
	queue_up(F_INDIRECT);
	memset(avail(), 0, 6 + 2 * QSIZE);
	set_desc(d, 0, BASE + ITABLE_OFF, 32, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(t, 0, BUF(0), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(t, 1, BUF(1), 8, VIRTQ_DESC_F_NEXT, 0);
	expect_bad(0, -ELOOP);

	/* Not negotiated. */
	queue_up(0);
	memset(avail(), 0, 6 + 2 * QSIZE);
	set_desc(d, 0, BASE + ITABLE_OFF, 32, VIRTQ_DESC_F_INDIRECT, 0);
	expect_bad(0, -EINVAL);

	/* INDIRECT together with NEXT. */
	queue_up(F_INDIRECT);
	memset(avail(), 0, 6 + 2 * QSIZE);
	set_desc(d, 0, BASE + ITABLE_OFF, 32,
		 VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	expect_bad(0, -EINVAL);
}
END_TEST

START_TEST(bad_too_many_segments)
{
	struct virtq_desc *d = desc_at(DESC_OFF);
	struct virtq_desc *t = desc_at(ITABLE_OFF);
	unsigned int i, n = VIRTQ_MAX_SEGS + 1;

	queue_up(F_INDIRECT);
	set_desc(d, 0, BASE + ITABLE_OFF, n * 16, VIRTQ_DESC_F_INDIRECT, 0);
	for (i = 0; i < n; i++)
		set_desc(t, i, BUF(0), 8, i + 1 < n ? VIRTQ_DESC_F_NEXT : 0,
			 i + 1);
	expect_bad(0, -E2BIG);
}
END_TEST

START_TEST(bad_huge_indirect)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	/* Fits in RAM, but more entries than any queue may have. */
	queue_up(F_INDIRECT);
	set_desc(d, 0, BASE, (VIRTQ_MAX_NUM + 1) * 16, VIRTQ_DESC_F_INDIRECT,
		 0);
	expect_bad(0, -E2BIG);
}
END_TEST

START_TEST(bad_read_after_write)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	queue_up(0);
	set_desc(d, 0, BUF(0), 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(d, 1, BUF(1), 8, 0, 0);
	expect_bad(0, -EINVAL);
}
END_TEST

START_TEST(bad_avail_idx)
{
	struct virtq_req req;

	queue_up(0);
	avail()->idx = QSIZE + 1;
	ck_assert_int_eq(virtq_pop(&vq, &req), -EINVAL);
	ck_assert(guards_intact());
}
END_TEST

START_TEST(bad_rings)
{
	memset(&vq, 0, sizeof(vq));
	vq.mem = &mem;
	vq.num_max = QSIZE;
	virtq_reset(&vq);
	vq.desc_gpa = BASE + DESC_OFF;
	vq.avail_gpa = BASE + AVAIL_OFF;
	vq.used_gpa = BASE + SIZE - 8;		/* runs off the end */
	ck_assert_int_eq(virtq_enable(&vq, 0), -EFAULT);
	ck_assert(!vq.ready);
	vq.used_gpa = BASE + USED_OFF;
	vq.num = 12;				/* not a power of two */
	ck_assert_int_eq(virtq_enable(&vq, 0), -EINVAL);
	vq.num = 2 * QSIZE;			/* above the maximum */
	ck_assert_int_eq(virtq_enable(&vq, 0), -EINVAL);
	vq.num = QSIZE;
	vq.desc_gpa = BASE + 8;			/* misaligned */
	ck_assert_int_eq(virtq_enable(&vq, 0), -EINVAL);
	vq.desc_gpa = BASE - 4096;		/* below RAM */
	ck_assert_int_eq(virtq_enable(&vq, 0), -EFAULT);
	ck_assert(!vq.ready);
	ck_assert_int_eq(virtq_pop(&vq, &(struct virtq_req){ 0 }), -EAGAIN);
}
END_TEST

/* The transport, driven as a Linux driver would, with a fake IRQ line. */
static int irq_level, irq_changes;

static int fake_set_irq(struct virtio_dev *vdev, int level)
{
	irq_level = level;
	irq_changes++;
	return 0;
}

static void echo_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct virtq_req req;
	int ret;

	while ((ret = virtq_pop(vq, &req)) == 0)
		virtq_push(vq, req.head, virtq_req_fill(&req, "xyz", 3));
	if (ret != -EAGAIN)
		virtio_dev_broken(vdev);
	else
		virtio_notify(vdev, vq);
}

static void cfg_read(struct virtio_dev *vdev, uint32_t off, void *data,
		     unsigned int len)
{
	static const uint8_t cfg[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	memcpy(data, cfg + off, len);
}

static const struct virtio_dev_ops test_ops = {
	.name = "test",
	.device_id = 4,
	.nr_queues = 1,
	.queue_num_max = QSIZE,
	.config_size = 8,
	.config_read = cfg_read,
	.queue_notify = echo_notify,
};

static struct virtio_dev vdev;

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

static void dev_up(void)
{
	ck_assert_int_eq(virtio_dev_init(&vdev, &test_ops,
					 VIRTIO_TRANSPORT_MMIO, &mem, NULL), 0);
	vdev.set_irq = fake_set_irq;
	irq_level = irq_changes = 0;
}

/* Negotiate like Linux: ACK, DRIVER, features, FEATURES_OK. */
static uint32_t negotiate(uint32_t high_features)
{
	wr(0x070, 0);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x024, 0);
	wr(0x020, (1U << VIRTIO_RING_F_EVENT_IDX) |
	   (1U << VIRTIO_RING_F_INDIRECT_DESC));
	wr(0x024, 1);
	wr(0x020, high_features);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	return rd(0x070);
}

static void setup_queue(uint64_t used_gpa)
{
	wr(0x030, 0);
	ck_assert_uint_eq(rd(0x034), QSIZE);
	wr(0x038, QSIZE);
	wr(0x080, (uint32_t)(BASE + DESC_OFF));
	wr(0x084, (BASE + DESC_OFF) >> 32);
	wr(0x090, (uint32_t)(BASE + AVAIL_OFF));
	wr(0x094, (BASE + AVAIL_OFF) >> 32);
	wr(0x0a0, (uint32_t)used_gpa);
	wr(0x0a4, used_gpa >> 32);
	wr(0x044, 1);
}

START_TEST(mmio_registers)
{
	uint8_t b[2];

	dev_up();
	ck_assert_uint_eq(rd(0x000), 0x74726976);
	ck_assert_uint_eq(rd(0x004), 2);
	ck_assert_uint_eq(rd(0x008), 4);
	wr(0x014, 1);
	ck_assert_uint_eq(rd(0x010) & 1, 1);	/* VERSION_1, bit 32 */
	wr(0x014, 0);
	ck_assert(rd(0x010) & (1U << VIRTIO_RING_F_EVENT_IDX));
	wr(0x030, 1);				/* no such queue */
	ck_assert_uint_eq(rd(0x034), 0);
	ck_assert_uint_eq(rd(0x0b0), 0xffffffff);	/* no SHM region */
	/* Config space at 0x100, any width. */
	virtio_mmio_access(&vdev, 0x102, b, 2, false);
	ck_assert_uint_eq(b[0], 3);
	ck_assert_uint_eq(b[1], 4);
	virtio_mmio_access(&vdev, 0x107, b, 2, false);	/* beyond it */
	ck_assert_uint_eq(b[0], 0);
}
END_TEST

START_TEST(mmio_needs_version_1)
{
	dev_up();
	/* A legacy-only driver: FEATURES_OK does not stick. */
	ck_assert(!(negotiate(0) & VIRTIO_STATUS_FEATURES_OK));
	/* Unoffered bits are refused too. */
	ck_assert(!(negotiate(1 | 2) & VIRTIO_STATUS_FEATURES_OK));
	ck_assert(negotiate(1) & VIRTIO_STATUS_FEATURES_OK);
}
END_TEST

START_TEST(mmio_request_and_irq)
{
	struct virtq_desc *d = desc_at(DESC_OFF);

	dev_up();
	ck_assert(negotiate(1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(BASE + USED_OFF);
	ck_assert_uint_eq(rd(0x044), 1);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);

	set_desc(d, 0, BUF(0), 4, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	wr(0x050, 0);
	ck_assert_mem_eq(ram + BUF_OFF, "xyz", 3);
	ck_assert_uint_eq(used()->idx, 1);
	ck_assert_uint_eq(used()->ring[0].len, 3);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(0x060), VIRTIO_INT_VRING);
	wr(0x064, VIRTIO_INT_VRING);
	ck_assert_int_eq(irq_level, 0);
	ck_assert_uint_eq(rd(0x060), 0);

	/* A malformed chain: the device asks for a reset, config irq. */
	set_desc(d, 1, BUF(0), 4, VIRTQ_DESC_F_NEXT, 1);
	offer(1);
	wr(0x050, 0);
	ck_assert(rd(0x070) & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(rd(0x060), VIRTIO_INT_CONFIG);
	ck_assert_int_eq(irq_level, 1);
	ck_assert(guards_intact());

	/* Writing 0 to Status resets everything and drops the line. */
	wr(0x070, 0);
	ck_assert_uint_eq(rd(0x070), 0);
	ck_assert_uint_eq(rd(0x060), 0);
	ck_assert_uint_eq(rd(0x044), 0);
	ck_assert_int_eq(irq_level, 0);
}
END_TEST

START_TEST(mmio_bad_ring_at_ready)
{
	dev_up();
	ck_assert(negotiate(1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(BASE + SIZE);		/* used ring outside RAM */
	ck_assert_uint_eq(rd(0x044), 0);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
	ck_assert(rd(0x070) & VIRTIO_STATUS_NEEDS_RESET);
	/* Kicking a queue that never went live does nothing. */
	wr(0x050, 0);
	ck_assert(guards_intact());
}
END_TEST

static int driver_oks;

static void count_driver_ok(struct virtio_dev *v)
{
	driver_oks++;
}

START_TEST(mmio_driver_ok_and_vring_interrupt)
{
	struct virtio_dev_ops ops = test_ops;

	ops.driver_ok = count_driver_ok;
	driver_oks = 0;
	ck_assert_int_eq(virtio_dev_init(&vdev, &ops, VIRTIO_TRANSPORT_MMIO,
					 &mem, NULL), 0);
	vdev.set_irq = fake_set_irq;
	irq_level = 0;
	/* Before DRIVER_OK, a late signal from a stopped server is ignored. */
	virtio_vring_interrupt(&vdev);
	ck_assert_int_eq(irq_level, 0);
	ck_assert(negotiate(1) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(BASE + USED_OFF);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
	ck_assert_int_eq(driver_oks, 1);
	/* Writing the same status again is no new DRIVER_OK. */
	wr(0x070, rd(0x070));
	ck_assert_int_eq(driver_oks, 1);
	virtio_vring_interrupt(&vdev);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(0x060), VIRTIO_INT_VRING);
	wr(0x064, VIRTIO_INT_VRING);
	ck_assert_int_eq(irq_level, 0);
	/* After a reset, the next driver's DRIVER_OK counts again. */
	wr(0x070, 0);
	ck_assert(negotiate(1) & VIRTIO_STATUS_FEATURES_OK);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
	ck_assert_int_eq(driver_oks, 2);
}
END_TEST

static Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc = tcase_create("split");
	TCase *bad = tcase_create("malformed");
	TCase *mmio = tcase_create("mmio");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, direct_chain);
	tcase_add_test(tc, gather_bounded_by_dst);
	tcase_add_test(tc, indirect_chain);
	tcase_add_test(tc, event_idx);
	tcase_add_test(tc, unpop_returns_chains);
	tcase_add_test(tc, push_batch);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, bad_loop);
	tcase_add_test(bad, bad_chain_too_long);
	tcase_add_test(bad, bad_head);
	tcase_add_test(bad, bad_next);
	tcase_add_test(bad, bad_buffer_outside_ram);
	tcase_add_test(bad, bad_indirect_in_indirect);
	tcase_add_test(bad, bad_indirect_size);
	tcase_add_test(bad, bad_indirect_table);
	tcase_add_test(bad, bad_too_many_segments);
	tcase_add_test(bad, bad_huge_indirect);
	tcase_add_test(bad, bad_read_after_write);
	tcase_add_test(bad, bad_avail_idx);
	tcase_add_test(bad, bad_rings);
	suite_add_tcase(s, bad);

	tcase_add_checked_fixture(mmio, setup, teardown);
	tcase_add_test(mmio, mmio_registers);
	tcase_add_test(mmio, mmio_needs_version_1);
	tcase_add_test(mmio, mmio_request_and_irq);
	tcase_add_test(mmio, mmio_bad_ring_at_ready);
	tcase_add_test(mmio, mmio_driver_ok_and_vring_interrupt);
	suite_add_tcase(s, mmio);
	return s;
}

UNIT_SUITE(virtqueue_suite)
