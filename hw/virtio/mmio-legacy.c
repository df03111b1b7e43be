// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio version 1, the legacy interface (virtio 1.2, section 4.2.4),
 * for --virtio-transport mmio-legacy: page-based ring addresses
 * (GuestPageSize, QueueAlign, QueuePFN), 32 feature bits and no
 * FEATURES_OK. The rings it describes go through the same queue code as
 * version 2's. The guest is little-endian (arm64 Linux and every payload
 * pocvm boots), so the legacy rule "rings and config in guest-native
 * byte order" is the little-endian of version 2: nothing to convert.
 */
#include <stdbool.h>

#include "log.h"
#include "mmio.h"
#include "virtio.h"

#define REG_GUEST_PAGE_SIZE	0x028
#define REG_QUEUE_ALIGN		0x03c
#define REG_QUEUE_PFN		0x040

/*
 * Legacy devices fix their features on first use (3.1.2 "Legacy
 * Interface"): once a queue is live or DRIVER_OK is set.
 */
static bool device_in_use(const struct virtio_dev *vdev)
{
	unsigned int i;

	if (vdev->status & VIRTIO_STATUS_DRIVER_OK)
		return true;
	for (i = 0; i < vdev->ops->nr_queues; i++)
		if (vdev->vqs[i].ready)
			return true;
	return false;
}

static void set_driver_features(struct virtio_dev *vdev, uint32_t val)
{
	unsigned int sel = vdev->drv_feat_sel;
	uint32_t offered;

	if (sel > 1)
		return;
	if (device_in_use(vdev)) {
		pr_guest(&vdev->log_rl, LOG_WARN, "%s: driver features "
			 "written after the device went into use: ignored",
			 vdev->ops->name);
		return;
	}
	/* No FEATURES_OK to refuse with: keep only what was offered. */
	offered = vdev->host_features >> (32 * sel);
	if (val & ~offered) {
		pr_guest(&vdev->log_rl, LOG_WARN, "%s: driver features "
			 "0x%x (word %u) were not offered (0x%x): dropped",
			 vdev->ops->name, val & ~offered, sel, offered);
		val &= offered;
	}
	if (sel)
		vdev->guest_features = (vdev->guest_features & 0xffffffffULL) |
				       (uint64_t)val << 32;
	else
		vdev->guest_features = (vdev->guest_features &
					~0xffffffffULL) | val;
}

static void set_queue_pfn(struct virtio_dev *vdev, struct virtq *vq,
			  uint32_t pfn)
{
	uint64_t page = vdev->guest_page_size;

	/* Zero: the driver stops using the queue. */
	if (!pfn) {
		vq->ready = false;
		vq->pfn = 0;
		return;
	}
	if (vq->ready) {
		pr_guest(&vdev->log_rl, LOG_WARN, "%s: queue %u: QueuePFN "
			 "0x%x written while in use (0x%x): ignored",
			 vdev->ops->name, vq->index, pfn, vq->pfn);
		return;
	}
	if (!page || (page & (page - 1))) {
		pr_guest(&vdev->log_rl, LOG_WARN, "%s: queue %u: QueuePFN "
			 "with GuestPageSize %llu, not a power of two",
			 vdev->ops->name, vq->index,
			 (unsigned long long)page);
		virtio_dev_broken(vdev);
		return;
	}
	/* Both have logged why; the queue stays off and reads PFN 0. */
	if (virtq_legacy_layout(vq, pfn * page) ||
	    virtq_enable(vq, vdev->guest_features)) {
		virtio_dev_broken(vdev);
		return;
	}
	vq->pfn = pfn;
}

uint32_t virtio_mmio_legacy_read(struct virtio_dev *vdev, uint64_t off)
{
	struct virtq *vq = virtio_mmio_cur_vq(vdev);

	switch (off) {
	case REG_VERSION:
		return 1;
	case REG_QUEUE_PFN:
		/* Non-zero means in use: the driver checks before setup. */
		return vq && vq->ready ? vq->pfn : 0;
	}
	/* Write-only and reserved registers read as zero. */
	return 0;
}

void virtio_mmio_legacy_write(struct virtio_dev *vdev, uint64_t off,
			      uint32_t val)
{
	struct virtq *vq = virtio_mmio_cur_vq(vdev);

	switch (off) {
	case REG_DRV_FEATURES:
		set_driver_features(vdev, val);
		return;
	case REG_GUEST_PAGE_SIZE:
		vdev->guest_page_size = val;
		return;
	case REG_QUEUE_ALIGN:
		if (vq && !vq->ready)
			vq->align = val;
		return;
	case REG_QUEUE_PFN:
		if (vq)
			set_queue_pfn(vdev, vq, val);
		return;
	}
	/* Read-only or reserved: ignored. */
}
