// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio-mmio driver: register accesses of any width and
 * offset, queue setup, kicks and RAM writes, decoded from the input and
 * played against one device over the fake RAM. The "macro" operations
 * (set up a queue, negotiate) only save the fuzzer from having to find
 * the ten-write sequences that reach a device's request parser.
 *
 * Input: what the target's configure() reads | RAM image
 * (fuzz_ram_init()) | operations, below, each a u8 and its operands.
 */
#include <endian.h>

#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "virtio.h"
#include "vm.h"

#define MAX_OPS		512

enum {
	OP_WRITE32,	/* u8 register index, u32 value */
	OP_READ32,	/* u8 register index */
	OP_ACCESS,	/* u16 offset, u8 width/dir, u64 value */
	OP_QUEUE,	/* u8 queue, u16 num, u16 desc/avail/used offsets */
	OP_NEGOTIATE,	/* u32 features low, u32 features high */
	OP_KICK,	/* u8 queue */
	OP_POKE,	/* fuzz_ram_poke() */
	OP_INPUT,	/* u8 length, bytes: host console input */
	OP_RESET,	/* a VM reset */
	OP_ACK,		/* read InterruptStatus, acknowledge it all */
	NR_OPS
};

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

int fuzz_virtio_device(const struct device_type *type,
		       fuzz_configure_fn configure, const uint8_t *data,
		       size_t size)
{
	struct fuzz_in in = { data, size };
	struct fuzz_ram ram;
	struct virtio_dev *vdev;
	struct device *dev;
	unsigned int i;

	fuzz_vm_reset();
	if (configure)
		configure(&fuzz_cfg, &in);
	fuzz_ram_init(&ram, &fuzz_vm.mem, &in);
	FUZZ_CHECK(!type->create(&fuzz_vm));
	vdev = fuzz_last_vdev;
	FUZZ_CHECK(vdev);
	dev = vdev->dev;
	if (vdev->ops->start)
		FUZZ_CHECK(!vdev->ops->start(vdev));

	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++) {
		switch (fuzz_u8(&in) % NR_OPS) {
		case OP_WRITE32:
			wr(dev, (fuzz_u8(&in) * 4) % VIRTIO_MMIO_SIZE,
			   fuzz_u32(&in));
			break;
		case OP_READ32:
			rd(dev, (fuzz_u8(&in) * 4) % VIRTIO_MMIO_SIZE);
			break;
		case OP_ACCESS:
			raw_access(dev, &in);
			break;
		case OP_QUEUE:
			setup_queue(dev, &in);
			break;
		case OP_NEGOTIATE:
			negotiate(dev, &in);
			break;
		case OP_KICK:
			wr(dev, VIRTIO_MMIO_QUEUE_NOTIFY,
			   fuzz_u8(&in) % (VIRTIO_MAX_QUEUES + 1));
			break;
		case OP_POKE:
			fuzz_ram_poke(&ram, &in);
			break;
		case OP_INPUT:
			fuzz_console_input(&in, fuzz_u8(&in));
			break;
		case OP_RESET:
			virtio_dev_reset(vdev);
			break;
		case OP_ACK:
			wr(dev, 0x064, rd(dev, 0x060));
			break;
		}
		/* The line follows InterruptStatus, whatever happened. */
		FUZZ_CHECK(vdev->irq_level == (vdev->isr != 0));
		FUZZ_CHECK(!(vdev->status & ~0xffu));
	}

	if (vdev->ops->teardown)
		vdev->ops->teardown(vdev);
	fuzz_ram_release(&ram);
	return 0;
}
