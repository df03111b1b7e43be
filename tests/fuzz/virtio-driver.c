// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio-mmio driver: register accesses of any width and
 * offset, queue setup, descriptor chains, kicks and RAM writes, decoded
 * from the input and played against one device. The "macro" operations
 * (set up a queue, negotiate, build a chain) only save the fuzzer from
 * having to find the ten-write sequences that reach a device's request
 * parser.
 *
 * Input: what the target's configure() reads | RAM image
 * (fuzz_ram_init()) | what the target's create() reads | operations,
 * below, each a u8 and its operands.
 */
#include <endian.h>

#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "virtio.h"
#include "vm.h"

#define MAX_OPS		512
/* Descriptors one OP_CHAIN may write: more than a chain may have. */
#define CHAIN_MAX	512

enum {
	OP_WRITE32,	/* u8 register index, u32 value */
	OP_READ32,	/* u8 register index */
	OP_ACCESS,	/* u16 offset, u8 width/dir, u64 value */
	OP_QUEUE,	/* u8 queue, u16 num, u16 desc/avail/used offsets */
	OP_NEGOTIATE,	/* u32 features low, u32 features high */
	OP_KICK,	/* u8 queue */
	OP_POKE,	/* fuzz_ram_poke() */
	OP_INPUT,	/* the target's host input (console: u8 len, bytes) */
	OP_RESET,	/* a VM reset */
	OP_ACK,		/* read InterruptStatus, acknowledge it all */
	OP_CHAIN,	/* a descriptor chain made available (add_chain()) */
	OP_LOOP,	/* one turn of the event loop (I/O completions, rx) */
	NR_OPS
};

/* What the driver set up on each queue: where OP_CHAIN writes. */
static struct drv_queue {
	uint16_t num;
	uint64_t desc, avail;
	uint16_t next;		/* next descriptor slot to fill */
} drvq[VIRTIO_MAX_QUEUES];

static uint32_t rd(struct device *dev, uint64_t off)
{
	uint32_t v;

	dev->ops->mmio(dev, off, &v, 4, false);
	return le32toh(v);
}

static void wr(struct device *dev, uint64_t off, uint32_t val)
{
	uint32_t v = htole32(val);

	dev->ops->mmio(dev, off, &v, 4, true);
}

static void setup_queue(struct device *dev, struct fuzz_in *in)
{
	uint32_t q = fuzz_u8(in) % (VIRTIO_MAX_QUEUES + 1);
	uint32_t num = fuzz_u16(in);
	uint64_t desc = FUZZ_RAM_BASE + fuzz_u16(in);
	uint64_t avail = FUZZ_RAM_BASE + fuzz_u16(in);
	uint64_t used = FUZZ_RAM_BASE + fuzz_u16(in);

	wr(dev, 0x030, q);
	wr(dev, 0x038, num);
	wr(dev, 0x080, desc);
	wr(dev, 0x084, desc >> 32);
	wr(dev, 0x090, avail);
	wr(dev, 0x094, avail >> 32);
	wr(dev, 0x0a0, used);
	wr(dev, 0x0a4, used >> 32);
	wr(dev, 0x044, 1);
	if (q < VIRTIO_MAX_QUEUES)
		drvq[q] = (struct drv_queue){ num, desc, avail, 0 };
}

static void negotiate(struct device *dev, struct fuzz_in *in)
{
	uint32_t lo = fuzz_u32(in), hi = fuzz_u32(in);

	wr(dev, 0x070, 0);
	wr(dev, 0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* Zero means "take what is offered": what a real driver does. */
	wr(dev, 0x014, 0);
	wr(dev, 0x024, 0);
	wr(dev, 0x020, lo ?: rd(dev, 0x010));
	wr(dev, 0x014, 1);
	wr(dev, 0x024, 1);
	wr(dev, 0x020, hi ?: rd(dev, 0x010));
	wr(dev, 0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	wr(dev, 0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void raw_access(struct device *dev, struct fuzz_in *in)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	uint64_t off = fuzz_u16(in) % VIRTIO_MMIO_SIZE, val;
	uint8_t how = fuzz_u8(in);
	unsigned int len = widths[how & 3];

	val = fuzz_u64(in);
	/* The bus never hands over an access that leaves the window. */
	if (off + len > VIRTIO_MMIO_SIZE)
		off = VIRTIO_MMIO_SIZE - len;
	dev->ops->mmio(dev, off, &val, len, how & 4);
}

/* Descriptors an OP_CHAIN span is cut into: 2 GiB each, and the rest. */
#define SPAN_PIECE	(1ULL << 31)

/* A descriptor length (forms 0-2), or a span's total (form 3). */
static uint64_t chain_len(struct fuzz_in *in, unsigned int form)
{
	switch (form) {
	case 0:
		return fuzz_u8(in);
	case 1:
		return fuzz_u16(in);
	case 2:
		return fuzz_u32(in);
	}
	return fuzz_u64(in);
}

static void put_desc(struct virtq_desc *d, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	d->addr = htole64(addr);
	d->len = htole32(len);
	d->flags = htole16(flags);
	d->next = htole16(next);
}

/* Append a descriptor; sorted: readable ones before the writable. */
static void add_desc(struct virtq_desc *d, unsigned int *n,
		     unsigned int *nr_out, bool sorted, uint64_t addr,
		     uint32_t len, uint16_t flags)
{
	if (sorted && !(flags & VIRTQ_DESC_F_WRITE)) {
		memmove(&d[*nr_out + 1], &d[*nr_out],
			(*n - *nr_out) * sizeof(*d));
		put_desc(&d[(*nr_out)++], addr, len, flags, 0);
	} else {
		put_desc(&d[*n], addr, len, flags, 0);
	}
	(*n)++;
}

/* How many descriptors a chain entry stands for. */
static unsigned int chain_repeat(uint8_t r)
{
	/* Powers of two make sums of power-of-two lengths wrap exactly. */
	return r & 0x80 ? 1U << (r & 7) : r + 1U;
}

/*
 * OP_CHAIN: u8 queue, u8 how, [u16 table offset if indirect], then
 * entries of u8 ctl, u8 repeat, address, length:
 *   ctl bits 0-1: length as u8, u16, u32, or (3) a u64 span: that many
 *   bytes as descriptors of 2 GiB (and one of the rest), all at the same
 *   address, so a chain of any 64-bit total is one field away;
 *   bit 2: device-writable;
 *   bit 3: address is a u64 guest-physical address, else a u16 offset
 *   from FUZZ_RAM_BASE; bit 4: mark it INDIRECT; bit 7: another entry
 *   follows (at most 32), so an entry inserted anywhere but last needs
 *   no other byte changed.
 *   repeat: the entry stands for chain_repeat() descriptors, all alike.
 *   how bit 0: indirect; bit 1: readable entries first, then writable
 *   ones, as a well-formed request has them, whatever the input order.
 * Descriptors are the driver's (address, length) pairs, written as given
 * into the queue's table from its next free slot or into an indirect
 * table in the hot window that one INDIRECT descriptor points at, linked
 * with NEXT; the head goes on the avail ring. Every descriptor may point
 * at the same few pages with huge lengths.
 */
static void add_chain(struct fuzz_ram *ram, struct fuzz_in *in)
{
	struct drv_queue *q = &drvq[fuzz_u8(in) % VIRTIO_MAX_QUEUES];
	uint8_t how = fuzz_u8(in);
	bool indirect = how & 1;
	uint64_t itable = indirect ? FUZZ_RAM_BASE + fuzz_u16(in) : 0;
	unsigned int e, r, n = 0, nr_out = 0;
	uint16_t slot[CHAIN_MAX], head, idx;
	struct virtq_desc d[CHAIN_MAX], *table;
	uint8_t *avail_idx, *ring;
	uint32_t table_len;

	for (e = 0; e < 32; e++) {
		uint8_t ctl = fuzz_u8(in);
		unsigned int count = chain_repeat(fuzz_u8(in));
		uint64_t addr = ctl & 8 ? fuzz_u64(in) :
				FUZZ_RAM_BASE + fuzz_u16(in);
		uint64_t len = chain_len(in, ctl & 3), left, piece;
		uint16_t flags = (ctl & 4 ? VIRTQ_DESC_F_WRITE : 0) |
				 (ctl & 16 ? VIRTQ_DESC_F_INDIRECT : 0);

		for (r = 0; r < count && n < CHAIN_MAX; r++) {
			left = len;
			do {
				piece = left > SPAN_PIECE ? SPAN_PIECE : left;
				left -= piece;
				add_desc(d, &n, &nr_out, how & 2, addr, piece,
					 flags);
			} while (left && n < CHAIN_MAX);
		}
		if (!(ctl & 0x80))
			break;
	}
	if (!q->num)
		return;
	if (!indirect && n > q->num)
		n = q->num;
	for (e = 0; e < n; e++) {
		slot[e] = indirect ? e : (uint16_t)(q->next + e) % q->num;
		if (e)
			d[e - 1].flags |= htole16(VIRTQ_DESC_F_NEXT);
	}
	for (e = 0; e + 1 < n; e++)
		d[e].next = htole16(slot[e + 1]);
	if (indirect) {
		table_len = n * sizeof(*d);
		table = fuzz_ram_ptr(ram, itable, table_len);
		if (table)
			memcpy(table, d, table_len);
		put_desc(&d[0], itable, table_len, VIRTQ_DESC_F_INDIRECT, 0);
		slot[0] = q->next % q->num;
		n = 1;
	}
	head = slot[0];
	for (e = 0; e < n; e++) {
		table = fuzz_ram_ptr(ram, q->desc + 16 * slot[e], 16);
		if (table)
			memcpy(table, &d[e], 16);
	}
	q->next += n;
	/* The driver may have put the ring anywhere, even misaligned. */
	avail_idx = fuzz_ram_ptr(ram, q->avail + 2, 2);
	if (!avail_idx)
		return;
	memcpy(&idx, avail_idx, 2);
	idx = le16toh(idx);
	ring = fuzz_ram_ptr(ram, q->avail + 4 + 2 * (idx % q->num), 2);
	head = htole16(head);
	if (ring)
		memcpy(ring, &head, 2);
	idx = htole16(idx + 1);
	memcpy(avail_idx, &idx, 2);
}

struct virtio_dev *fuzz_virtio_open(const struct fuzz_virtio_target *t,
				    struct fuzz_ram *ram, struct fuzz_in *in)
{
	struct virtio_dev *vdev;
	int ret;

	fuzz_vm_reset();
	memset(drvq, 0, sizeof(drvq));
	if (t->configure)
		t->configure(&fuzz_cfg, in);
	if (t->big_ram)
		fuzz_big_ram_init(ram, &fuzz_vm.mem, in);
	else
		fuzz_ram_init(ram, &fuzz_vm.mem, in);
	ret = t->create ? t->create(&fuzz_vm, in) : t->type->create(&fuzz_vm);
	fuzz_report("create", ret);
	FUZZ_CHECK(!ret);
	vdev = fuzz_last_vdev;
	FUZZ_CHECK(vdev);
	if (vdev->ops->start)
		FUZZ_CHECK(!vdev->ops->start(vdev));
	return vdev;
}

void fuzz_virtio_step(const struct fuzz_virtio_target *t,
		      struct virtio_dev *vdev, struct fuzz_ram *ram,
		      struct fuzz_in *in)
{
	struct device *dev = vdev->dev;

	switch (fuzz_u8(in) % NR_OPS) {
	case OP_WRITE32:
		wr(dev, (fuzz_u8(in) * 4) % VIRTIO_MMIO_SIZE, fuzz_u32(in));
		break;
	case OP_READ32:
		rd(dev, (fuzz_u8(in) * 4) % VIRTIO_MMIO_SIZE);
		break;
	case OP_ACCESS:
		raw_access(dev, in);
		break;
	case OP_QUEUE:
		setup_queue(dev, in);
		break;
	case OP_NEGOTIATE:
		negotiate(dev, in);
		break;
	case OP_KICK:
		wr(dev, VIRTIO_MMIO_QUEUE_NOTIFY,
		   fuzz_u8(in) % (VIRTIO_MAX_QUEUES + 1));
		break;
	case OP_POKE:
		fuzz_ram_poke(ram, in);
		break;
	case OP_INPUT:
		if (t->host_input)
			t->host_input(vdev, in);
		else
			fuzz_console_input(in, fuzz_u8(in));
		break;
	case OP_RESET:
		virtio_dev_reset(vdev);
		break;
	case OP_ACK:
		wr(dev, 0x064, rd(dev, 0x060));
		break;
	case OP_CHAIN:
		add_chain(ram, in);
		break;
	case OP_LOOP:
		fuzz_loop_run();
		break;
	}
	/* The line follows InterruptStatus, whatever happened. */
	FUZZ_CHECK(vdev->irq_level == (vdev->isr != 0));
	FUZZ_CHECK(!(vdev->status & ~0xffu));
}

void fuzz_virtio_close(const struct fuzz_virtio_target *t,
		       struct virtio_dev *vdev, struct fuzz_ram *ram)
{
	unsigned int i;

	/* Nothing in flight may outlive the run, nor reach the next one. */
	if (t->quiesce)
		t->quiesce(vdev);
	for (i = 0; i < vdev->ops->nr_queues; i++)
		if (vdev->vqs[i].ready)
			fuzz_note("queue %u: %u chains used, status 0x%x", i,
				  vdev->vqs[i].used_idx, vdev->status);
	virtio_dev_reset(vdev);
	FUZZ_CHECK(!vdev->irq_level);
	if (vdev->ops->teardown && !t->persistent)
		vdev->ops->teardown(vdev);
	if (t->cleanup)
		t->cleanup();
	fuzz_ram_release(ram);
}

int fuzz_virtio_run(const struct fuzz_virtio_target *t, const uint8_t *data,
		    size_t size)
{
	struct fuzz_in in = { data, size };
	struct fuzz_ram ram;
	struct virtio_dev *vdev;
	unsigned int i;

	vdev = fuzz_virtio_open(t, &ram, &in);
	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++)
		fuzz_virtio_step(t, vdev, &ram, &in);
	fuzz_virtio_close(t, vdev, &ram);
	return 0;
}

int fuzz_virtio_device(const struct device_type *type,
		       fuzz_configure_fn configure, const uint8_t *data,
		       size_t size)
{
	const struct fuzz_virtio_target t = {
		.type = type,
		.configure = configure,
	};

	return fuzz_virtio_run(&t, data, size);
}
