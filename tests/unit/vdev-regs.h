/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A unit test's view of one virtio-mmio device: its registers read and
 * written 32 bits at a time, as a driver does, and an interrupt line that
 * goes nowhere for tests that do not look at it.
 */
#ifndef POCVM_TEST_VDEV_REGS_H
#define POCVM_TEST_VDEV_REGS_H

#include "virtio.h"

static inline uint32_t vdev_rd(struct virtio_dev *vdev, uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(vdev, off, &v, 4, false);
	return v;
}

static inline void vdev_wr(struct virtio_dev *vdev, uint64_t off, uint32_t v)
{
	virtio_mmio_access(vdev, off, &v, 4, true);
}

static inline int vdev_no_irq(struct virtio_dev *vdev, int level)
{
	return 0;
}

#endif
