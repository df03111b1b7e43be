/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the virtio-mmio transport: the core (mmio.c) and its two register
 * decoders, version 2 (mmio-modern.c) and version 1 (mmio-legacy.c).
 * Nothing outside hw/virtio/mmio*.c includes this.
 */
#ifndef POCVM_HW_VIRTIO_MMIO_H
#define POCVM_HW_VIRTIO_MMIO_H

#include <stdint.h>

#include "virtio.h"

/* Registers both versions have, at the same offsets (4.2.2, 4.2.4). */
#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_VENDOR_ID		0x00c
#define REG_DEV_FEATURES	0x010
#define REG_DEV_FEATURES_SEL	0x014
#define REG_DRV_FEATURES	0x020
#define REG_DRV_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_NOTIFY	0x050
#define REG_INT_STATUS		0x060
#define REG_INT_ACK		0x064
#define REG_STATUS		0x070
#define REG_CONFIG		0x100

/* InterruptStatus changed: move the line to match. */
void virtio_mmio_update_irq(struct virtio_dev *vdev);
/* The queue QueueSel names, or NULL if there is no such queue. */
struct virtq *virtio_mmio_cur_vq(struct virtio_dev *vdev);

/*
 * The registers one version has and the other has not, and the driver's
 * feature bits, whose rules differ. Reads of anything else give 0, writes
 * are ignored.
 */
uint32_t virtio_mmio_modern_read(struct virtio_dev *vdev, uint64_t off);
void virtio_mmio_modern_write(struct virtio_dev *vdev, uint64_t off,
			      uint32_t val);
uint32_t virtio_mmio_legacy_read(struct virtio_dev *vdev, uint64_t off);
void virtio_mmio_legacy_write(struct virtio_dev *vdev, uint64_t off,
			      uint32_t val);

#endif
