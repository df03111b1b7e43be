// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport's state machine, across every virtio device
 * the fuzz build has: status writes of any value (resets, bits set and
 * taken back), feature selection and negotiation, queue registers in any
 * order, QueueReady on and off, notifies, interleaved with the whole
 * driver of virtio-driver.c. The device's callbacks are wrapped to check,
 * after every step, what the transport promises (virtio 1.2, 2.1, 3.1
 * and 4.2.3):
 *
 *  - driver_ok runs once per DRIVER_OK, never twice without a reset;
 *  - FEATURES_OK and DRIVER_OK are never cleared but by a reset;
 *  - no queue is live without FEATURES_OK; a device is only kicked on a
 *    live queue with DRIVER_OK set;
 *  - accepted features were offered, include VERSION_1, and do not change
 *    until a reset.
 *
 * Input: u8 device, what its target reads (virtio-driver.c), then steps:
 * a u8 operation and its operands (below).
 */
#include <endian.h>

#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "virtio.h"

#define MAX_STEPS	512

extern const struct device_type virtio_rng_type;
extern const struct device_type virtio_console_type;

static void rng_configure(struct config *cfg, struct fuzz_in *in)
{
	cfg->rng = true;
}

static void console_configure(struct config *cfg, struct fuzz_in *in)
{
	cfg->console = (fuzz_u8(in) & 1) ? CONSOLE_VIRTIO : CONSOLE_SERIAL;
}

static const struct fuzz_virtio_target rng = {
	.type = &virtio_rng_type,
	.configure = rng_configure,
};

static const struct fuzz_virtio_target console = {
	.type = &virtio_console_type,
	.configure = console_configure,
};

static const struct fuzz_virtio_target *const targets[] = {
	&rng, &console, &fuzz_virtio_blk, &fuzz_virtio_net,
};
#define NR_TARGETS	(sizeof(targets) / sizeof(targets[0]))

/* The registers a driver writes, in the order of the spec's table. */
static const uint16_t regs[] = {
	0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x030,
	0x034, 0x038, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084,
	0x090, 0x094, 0x0a0, 0x0a4, 0x0ac, 0x0c0, 0x0fc, 0x100,
};
#define NR_REGS		(sizeof(regs) / sizeof(regs[0]))

enum {
	OP_STATUS,	/* u8 value written to Status (0: reset) */
	OP_STATUS_SET,	/* u8 bits: Status |= bits, as drivers do */
	OP_STATUS_CLR,	/* u8 bits: Status &= ~bits, taking bits back */
	OP_REG,		/* u8 register (regs[]), u32 value */
	OP_READ,	/* u8 register */
	OP_FEATURES,	/* u8 sel, u32 value: DriverFeatures[Sel] */
	OP_READY,	/* u8 queue, u8 on: QueueSel then QueueReady */
	OP_DRIVER,	/* one virtio-driver.c operation */
	NR_OPS
};

/* What the wrapped callbacks saw since the last reset. */
static struct {
	const struct virtio_dev_ops *real;
	struct virtio_dev_ops ops;
	unsigned int driver_ok_calls;
	bool reset;		/* a reset ran during this step */
} w;

static void wrap_driver_ok(struct virtio_dev *vdev)
{
	FUZZ_CHECK(vdev->status & VIRTIO_STATUS_DRIVER_OK);
	FUZZ_CHECK(!vdev->broken);
	/* Twice without a reset: a vhost device would open a second one. */
	FUZZ_CHECK(!w.driver_ok_calls);
	w.driver_ok_calls++;
	if (w.real->driver_ok)
		w.real->driver_ok(vdev);
}

static void wrap_reset(struct virtio_dev *vdev)
{
	w.driver_ok_calls = 0;
	w.reset = true;
	if (w.real->reset)
		w.real->reset(vdev);
}

static void wrap_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	FUZZ_CHECK(vq->ready);
	FUZZ_CHECK(vdev->status & VIRTIO_STATUS_DRIVER_OK);
	FUZZ_CHECK(vdev->status & VIRTIO_STATUS_FEATURES_OK);
	if (w.real->queue_notify)
		w.real->queue_notify(vdev, vq);
}

static void wrap(struct virtio_dev *vdev)
{
	w.real = vdev->ops;
	w.ops = *vdev->ops;
	w.ops.driver_ok = wrap_driver_ok;
	w.ops.reset = wrap_reset;
	w.ops.queue_notify = wrap_queue_notify;
	w.driver_ok_calls = 0;
	vdev->ops = &w.ops;
}

static uint32_t rd(struct virtio_dev *vdev, uint64_t off)
{
	uint32_t v;

	vdev->dev->ops->mmio(vdev->dev, off, &v, 4, false);
	return le32toh(v);
}

static void wr(struct virtio_dev *vdev, uint64_t off, uint32_t val)
{
	uint32_t v = htole32(val);

	vdev->dev->ops->mmio(vdev->dev, off, &v, 4, true);
}

static void step(const struct fuzz_virtio_target *t, struct virtio_dev *vdev,
		 struct fuzz_ram *ram, struct fuzz_in *in)
{
	uint8_t q;

	switch (fuzz_u8(in) % NR_OPS) {
	case OP_STATUS:
		wr(vdev, 0x070, fuzz_u8(in));
		break;
	case OP_STATUS_SET:
		wr(vdev, 0x070, rd(vdev, 0x070) | fuzz_u8(in));
		break;
	case OP_STATUS_CLR:
		wr(vdev, 0x070, rd(vdev, 0x070) & ~fuzz_u8(in));
		break;
	case OP_REG:
		q = fuzz_u8(in);
		wr(vdev, regs[q % NR_REGS], fuzz_u32(in));
		break;
	case OP_READ:
		rd(vdev, regs[fuzz_u8(in) % NR_REGS]);
		break;
	case OP_FEATURES:
		wr(vdev, 0x024, fuzz_u8(in) & 3);
		wr(vdev, 0x020, fuzz_u32(in));
		break;
	case OP_READY:
		q = fuzz_u8(in);
		wr(vdev, 0x030, q % (VIRTIO_MAX_QUEUES + 1));
		wr(vdev, 0x044, fuzz_u8(in) & 1);
		break;
	case OP_DRIVER:
		fuzz_virtio_step(t, vdev, ram, in);
		break;
	}
}

static void check(struct virtio_dev *vdev, uint32_t old_status,
		  uint64_t old_features)
{
	const uint32_t kept = VIRTIO_STATUS_FEATURES_OK |
			      VIRTIO_STATUS_DRIVER_OK;
	uint64_t offered = vdev->host_features;
	unsigned int i;

	FUZZ_CHECK(vdev->irq_level == (vdev->isr != 0));
	FUZZ_CHECK(rd(vdev, 0x070) == vdev->status);
	if (!w.reset) {
		/* Only a reset takes these back (2.1.2, 3.1.1). */
		FUZZ_CHECK((vdev->status & old_status & kept) ==
			   (old_status & kept));
		if (old_status & VIRTIO_STATUS_FEATURES_OK)
			FUZZ_CHECK(vdev->guest_features == old_features);
	}
	if (vdev->status & VIRTIO_STATUS_FEATURES_OK) {
		FUZZ_CHECK(!(vdev->guest_features & ~offered));
		FUZZ_CHECK(vdev->guest_features & (1ULL << VIRTIO_F_VERSION_1));
	}
	for (i = 0; i < vdev->ops->nr_queues; i++)
		if (vdev->vqs[i].ready)
			FUZZ_CHECK(vdev->status & VIRTIO_STATUS_FEATURES_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	const struct fuzz_virtio_target *t = targets[fuzz_u8(&in) % NR_TARGETS];
	struct virtio_dev *vdev;
	struct fuzz_ram ram;
	uint32_t status;
	uint64_t features;
	unsigned int i;

	vdev = fuzz_virtio_open(t, &ram, &in);
	wrap(vdev);
	for (i = 0; i < MAX_STEPS && !fuzz_empty(&in); i++) {
		status = vdev->status;
		features = vdev->guest_features;
		w.reset = false;
		step(t, vdev, &ram, &in);
		check(vdev, status, features);
	}
	fuzz_virtio_close(t, vdev, &ram);
	w.real = NULL;
	return 0;
}
