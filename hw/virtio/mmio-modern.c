// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio version 2 (virtio 1.2, section 4.2.2): the registers the
 * legacy interface lacks, 64-bit ring addresses, QueueReady and the
 * shared-memory window, and 64 feature bits fixed by FEATURES_OK.
 */
#include "log.h"
#include "mmio.h"
#include "virtio.h"

#define REG_QUEUE_READY		0x044
#define REG_QUEUE_DESC_LO	0x080
#define REG_QUEUE_DESC_HI	0x084
#define REG_QUEUE_DRIVER_LO	0x090
#define REG_QUEUE_DRIVER_HI	0x094
#define REG_QUEUE_DEVICE_LO	0x0a0
#define REG_QUEUE_DEVICE_HI	0x0a4
#define REG_SHM_SEL		0x0ac
#define REG_SHM_LEN_LO		0x0b0
#define REG_SHM_LEN_HI		0x0b4
#define REG_SHM_BASE_LO		0x0b8
#define REG_SHM_BASE_HI		0x0bc
#define REG_CONFIG_GEN		0x0fc

static void set_queue_ready(struct virtio_dev *vdev, struct virtq *vq,
			    uint32_t val)
{
	if (!val) {
		vq->ready = false;
		return;
	}
	if (vq->ready)
		return;
	if (!(vdev->status & VIRTIO_STATUS_FEATURES_OK)) {
		pr_guest(&vdev->log_rl, LOG_WARN,
			 "%s: queue %u enabled before FEATURES_OK",
			 vdev->ops->name, vq->index);
		return;
	}
	/* virtq_enable() has logged why; the queue stays not ready. */
	if (virtq_enable(vq, vdev->guest_features))
		virtio_dev_broken(vdev);
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	if (high)
		*v = (*v & 0xffffffffULL) | ((uint64_t)val << 32);
	else
		*v = (*v & ~0xffffffffULL) | val;
}

uint32_t virtio_mmio_modern_read(struct virtio_dev *vdev, uint64_t off)
{
	struct virtq *vq = virtio_mmio_cur_vq(vdev);

	switch (off) {
	case REG_VERSION:
		return 2;
	case REG_QUEUE_READY:
		return vq ? vq->ready : 0;
	case REG_SHM_LEN_LO:
	case REG_SHM_LEN_HI:
	case REG_SHM_BASE_LO:
	case REG_SHM_BASE_HI:
		/* No shared memory regions: all ones says "none" (4.2.2.1). */
		return 0xffffffff;
	case REG_CONFIG_GEN:
		return vdev->config_gen;
	}
	return 0;
}

void virtio_mmio_modern_write(struct virtio_dev *vdev, uint64_t off,
			      uint32_t val)
{
	struct virtq *vq = virtio_mmio_cur_vq(vdev);

	switch (off) {
	case REG_DRV_FEATURES:
		/* Features are fixed once FEATURES_OK was accepted. */
		if ((vdev->status & VIRTIO_STATUS_FEATURES_OK) ||
		    vdev->drv_feat_sel > 1)
			return;
		set_half(&vdev->guest_features, vdev->drv_feat_sel, val);
		return;
	case REG_SHM_SEL:
		vdev->shm_sel = val;
		return;
	case REG_QUEUE_READY:
		if (vq)
			set_queue_ready(vdev, vq, val);
		return;
	}
	/* The ring addresses can change only while the queue is off. */
	if (!vq || vq->ready)
		return;
	switch (off) {
	case REG_QUEUE_DESC_LO:
	case REG_QUEUE_DESC_HI:
		set_half(&vq->desc_gpa, off == REG_QUEUE_DESC_HI, val);
		return;
	case REG_QUEUE_DRIVER_LO:
	case REG_QUEUE_DRIVER_HI:
		set_half(&vq->avail_gpa, off == REG_QUEUE_DRIVER_HI, val);
		return;
	case REG_QUEUE_DEVICE_LO:
	case REG_QUEUE_DEVICE_HI:
		set_half(&vq->used_gpa, off == REG_QUEUE_DEVICE_HI, val);
		return;
	}
	/* Read-only or reserved: ignored. */
}
