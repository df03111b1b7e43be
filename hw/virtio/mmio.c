// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport (virtio 1.2, section 4.2): what both register
 * sets share, i.e. status and reset, interrupts, notifications and config
 * space. Version 2's own registers are in mmio-modern.c, version 1's
 * (legacy, --virtio-transport mmio-legacy) in mmio-legacy.c; a device
 * never knows which one it is on. Nothing here calls into the VM
 * directly: the interrupt line goes through vdev->set_irq, so unit tests
 * can drive a device with no KVM at all.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "log.h"
#include "mmio.h"
#include "virtio.h"

/* What the transport itself offers on top of the device's bits. */
#define TRANSPORT_FEATURES	((1ULL << VIRTIO_F_VERSION_1) | \
				 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
				 (1ULL << VIRTIO_RING_F_EVENT_IDX))
/*
 * Legacy: 32 feature bits and no VERSION_1 (6.3). ANY_LAYOUT is true of
 * every device here: each one gathers and scatters across descriptors
 * (virtq_req_gather/fill), so the way a driver splits header, data and
 * status over them never matters.
 */
#define LEGACY_TRANSPORT_FEATURES ((1ULL << VIRTIO_F_ANY_LAYOUT) | \
				   (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
				   (1ULL << VIRTIO_RING_F_EVENT_IDX))

void virtio_mmio_update_irq(struct virtio_dev *vdev)
{
	bool level = vdev->isr != 0;

	if (level == vdev->irq_level)
		return;
	vdev->irq_level = level;
	if (vdev->set_irq)
		vdev->set_irq(vdev, level);
}

struct virtq *virtio_mmio_cur_vq(struct virtio_dev *vdev)
{
	if (vdev->queue_sel >= vdev->ops->nr_queues)
		return NULL;
	return &vdev->vqs[vdev->queue_sel];
}

void virtio_dev_reset(struct virtio_dev *vdev)
{
	unsigned int i;

	vdev->status = 0;
	vdev->isr = 0;
	vdev->dev_feat_sel = vdev->drv_feat_sel = 0;
	vdev->queue_sel = 0;
	vdev->shm_sel = 0;
	vdev->guest_features = 0;
	vdev->broken = false;
	/* The device lets go of the rings (vhost) before they are forgotten. */
	if (vdev->ops->reset)
		vdev->ops->reset(vdev);
	for (i = 0; i < vdev->ops->nr_queues; i++)
		virtq_reset(&vdev->vqs[i]);
	virtio_mmio_update_irq(vdev);
}

void virtio_dev_system_reset(struct virtio_dev *vdev)
{
	virtio_dev_reset(vdev);
	vdev->guest_page_size = 0;
}

int virtio_dev_init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
		    enum virtio_transport transport,
		    const struct guest_mem *mem, void *priv)
{
	unsigned int i;

	if (ops->nr_queues > VIRTIO_MAX_QUEUES || !ops->queue_num_max ||
	    ops->queue_num_max > VIRTQ_MAX_NUM ||
	    (ops->queue_num_max & (ops->queue_num_max - 1)) ||
	    ops->config_size > VIRTIO_MMIO_SIZE - REG_CONFIG)
		return err_set(-EINVAL, "%s: bad virtio device description",
			       ops->name);
	memset(vdev, 0, sizeof(*vdev));
	vdev->ops = ops;
	vdev->mem = mem;
	vdev->priv = priv;
	vdev->legacy = transport == VIRTIO_TRANSPORT_MMIO_LEGACY;
	if (vdev->legacy)
		vdev->host_features = (ops->features & 0xffffffffULL) |
				      LEGACY_TRANSPORT_FEATURES;
	else
		vdev->host_features = ops->features | TRANSPORT_FEATURES;
	vdev->log_rl.name = ops->name;
	for (i = 0; i < ops->nr_queues; i++) {
		vdev->vqs[i].mem = mem;
		vdev->vqs[i].log_rl = &vdev->log_rl;
		vdev->vqs[i].index = i;
		vdev->vqs[i].num_max = ops->queue_num_max;
		virtq_reset(&vdev->vqs[i]);
	}
	return 0;
}

void virtio_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	if (!virtq_should_notify(vq))
		return;
	vdev->isr |= VIRTIO_INT_VRING;
	virtio_mmio_update_irq(vdev);
}

void virtio_vring_interrupt(struct virtio_dev *vdev)
{
	/* A late signal from a server stopped by a reset raises nothing. */
	if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vdev->isr |= VIRTIO_INT_VRING;
	virtio_mmio_update_irq(vdev);
}

void virtio_config_changed(struct virtio_dev *vdev)
{
	vdev->config_gen++;
	if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vdev->isr |= VIRTIO_INT_CONFIG;
	virtio_mmio_update_irq(vdev);
}

void virtio_dev_broken(struct virtio_dev *vdev)
{
	if (vdev->broken)
		return;
	vdev->broken = true;
	/* Only meaningful once the driver is running the device (2.1.1). */
	if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
	vdev->isr |= VIRTIO_INT_CONFIG;
	virtio_mmio_update_irq(vdev);
}

static void set_status(struct virtio_dev *vdev, uint32_t val)
{
	uint32_t old = vdev->status;
	uint32_t cleared;

	if (!val) {
		virtio_dev_reset(vdev);
		return;
	}
	/* NEEDS_RESET is the device's to set, never the driver's. */
	val &= 0xff & ~VIRTIO_STATUS_NEEDS_RESET;
	/*
	 * Legacy has no FEATURES_OK (3.1.2 "Legacy Interface"): the bit
	 * means nothing there and is not kept. Its features are whatever
	 * the driver wrote before it started using the device.
	 */
	if (vdev->legacy)
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	/*
	 * The driver takes bits back only by writing 0 (2.1.2). Honouring
	 * a clear would re-run driver_ok (another vhost fd each time) and
	 * unready queues under I/O in flight: it is a device error instead.
	 */
	cleared = old & ~val & ~VIRTIO_STATUS_NEEDS_RESET;
	if (cleared) {
		pr_guest(&vdev->log_rl, LOG_WARN, "%s: driver cleared status "
			 "bits 0x%x without a reset: device needs reset",
			 vdev->ops->name, cleared);
		vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
		if (!vdev->broken && (old & VIRTIO_STATUS_DRIVER_OK))
			vdev->isr |= VIRTIO_INT_CONFIG;
		vdev->broken = true;
		virtio_mmio_update_irq(vdev);
		return;
	}
	if ((val & VIRTIO_STATUS_FEATURES_OK) &&
	    !(old & VIRTIO_STATUS_FEATURES_OK)) {
		/*
		 * Accept only what was offered, and only modern drivers:
		 * leaving FEATURES_OK clear is how the device says no.
		 */
		if ((vdev->guest_features & ~vdev->host_features) ||
		    !(vdev->guest_features & (1ULL << VIRTIO_F_VERSION_1))) {
			pr_guest(&vdev->log_rl, LOG_WARN, "%s: driver "
				 "features 0x%llx refused (offered 0x%llx)",
				 vdev->ops->name,
				 (unsigned long long)vdev->guest_features,
				 (unsigned long long)vdev->host_features);
			val &= ~VIRTIO_STATUS_FEATURES_OK;
		}
	}
	if (vdev->broken && (val & VIRTIO_STATUS_DRIVER_OK) &&
	    !(old & VIRTIO_STATUS_DRIVER_OK)) {
		/* Broken before DRIVER_OK (bad ring at QueueReady). */
		val |= VIRTIO_STATUS_NEEDS_RESET;
		vdev->isr |= VIRTIO_INT_CONFIG;
	}
	vdev->status = val | (old & VIRTIO_STATUS_NEEDS_RESET);
	virtio_mmio_update_irq(vdev);
	if ((val & VIRTIO_STATUS_DRIVER_OK) &&
	    !(old & VIRTIO_STATUS_DRIVER_OK) && !vdev->broken &&
	    vdev->ops->driver_ok)
		vdev->ops->driver_ok(vdev);
}

void virtio_queue_kick(struct virtio_dev *vdev, uint32_t index)
{
	struct virtq *vq;

	if (index >= vdev->ops->nr_queues || vdev->broken)
		return;
	/*
	 * A legacy driver may use the device before DRIVER_OK (3.1.2
	 * "Legacy Interface"); kvm-unit-tests' never sets any status at
	 * all. Its queues are live from QueuePFN on.
	 */
	if (!vdev->legacy && !(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vq = &vdev->vqs[index];
	if (vq->ready && vdev->ops->queue_notify)
		vdev->ops->queue_notify(vdev, vq);
}

static uint32_t reg_read(struct virtio_dev *vdev, uint64_t off)
{
	struct virtq *vq = virtio_mmio_cur_vq(vdev);

	switch (off) {
	case REG_MAGIC:
		return VIRTIO_MMIO_MAGIC;
	case REG_DEVICE_ID:
		return vdev->ops->device_id;
	case REG_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case REG_DEV_FEATURES:
		/* Legacy offers nothing above bit 31: its page 1 reads 0. */
		if (vdev->dev_feat_sel > 1)
			return 0;
		return vdev->host_features >> (32 * vdev->dev_feat_sel);
	case REG_QUEUE_NUM_MAX:
		return vq ? vq->num_max : 0;
	case REG_INT_STATUS:
		return vdev->isr;
	case REG_STATUS:
		return vdev->status;
	}
	if (vdev->legacy)
		return virtio_mmio_legacy_read(vdev, off);
	return virtio_mmio_modern_read(vdev, off);
}

static void reg_write(struct virtio_dev *vdev, uint64_t off, uint32_t val)
{
	struct virtq *vq = virtio_mmio_cur_vq(vdev);

	switch (off) {
	case REG_DEV_FEATURES_SEL:
		vdev->dev_feat_sel = val;
		return;
	case REG_DRV_FEATURES_SEL:
		vdev->drv_feat_sel = val;
		return;
	case REG_QUEUE_SEL:
		vdev->queue_sel = val;
		return;
	case REG_QUEUE_NUM:
		/* Only while the queue is off: it sizes the rings. */
		if (vq && !vq->ready)
			vq->num = val > 0xffff ? 0 : val;
		return;
	case REG_QUEUE_NOTIFY:
		virtio_queue_kick(vdev, val & 0xffff);
		return;
	case REG_INT_ACK:
		vdev->isr &= ~val;
		virtio_mmio_update_irq(vdev);
		/*
		 * A bit set after the driver read InterruptStatus and not
		 * acknowledged now: on an edge-triggered SPI (hw/virtio/bus.c)
		 * the edge that brought the driver here is spent, so raise
		 * another or that bit, and every later one, waits for ever.
		 */
		if (vdev->isr && vdev->irq_again)
			vdev->irq_again(vdev);
		return;
	case REG_STATUS:
		set_status(vdev, val);
		return;
	}
	if (vdev->legacy)
		virtio_mmio_legacy_write(vdev, off, val);
	else
		virtio_mmio_modern_write(vdev, off, val);
}

static void config_access(struct virtio_dev *vdev, uint64_t off, void *data,
			  unsigned int len, bool is_write)
{
	const struct virtio_dev_ops *ops = vdev->ops;

	off -= REG_CONFIG;
	if (off >= ops->config_size || len > ops->config_size - off) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		if (ops->config_write)
			ops->config_write(vdev, off, data, len);
	} else if (ops->config_read) {
		ops->config_read(vdev, off, data, len);
	} else {
		memset(data, 0, len);
	}
}

void virtio_mmio_access(struct virtio_dev *vdev, uint64_t off, void *data,
			unsigned int len, bool is_write)
{
	uint32_t val;

	if (off >= REG_CONFIG) {
		config_access(vdev, off, data, len, is_write);
		return;
	}
	/* Registers are 32 bits wide and aligned (4.2.2.2). */
	if (len != 4 || (off & 3)) {
		if (!vdev->warned_width)
			pr_guest(&vdev->log_rl, LOG_WARN,
				 "%s: %u-byte %s at register 0x%llx ignored",
				 vdev->ops->name, len,
				is_write ? "write" : "read",
				(unsigned long long)off);
		vdev->warned_width = true;
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		memcpy(&val, data, 4);
		reg_write(vdev, off, le32toh(val));
	} else {
		val = htole32(reg_read(vdev, off));
		memcpy(data, &val, 4);
	}
}
