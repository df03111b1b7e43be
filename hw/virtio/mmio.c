// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 only (virtio 1.2, section 4.2):
 * registers, feature negotiation, queue setup, interrupts. Nothing here
 * calls into the VM directly: the interrupt line goes through
 * vdev->set_irq, so unit tests can drive a device with no KVM at all.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "log.h"
#include "virtio.h"

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
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INT_STATUS		0x060
#define REG_INT_ACK		0x064
#define REG_STATUS		0x070
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
#define REG_QUEUE_RESET		0x0c0
#define REG_CONFIG_GEN		0x0fc
#define REG_CONFIG		0x100

/* What the transport itself offers on top of the device's bits. */
#define TRANSPORT_FEATURES	((1ULL << VIRTIO_F_VERSION_1) | \
				 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
				 (1ULL << VIRTIO_RING_F_EVENT_IDX))

static void update_irq(struct virtio_dev *vdev)
{
	bool level = vdev->isr != 0;

	if (level == vdev->irq_level)
		return;
	vdev->irq_level = level;
	if (vdev->set_irq)
		vdev->set_irq(vdev, level);
}

static struct virtq *cur_vq(struct virtio_dev *vdev)
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
	update_irq(vdev);
}

int virtio_dev_init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
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
	update_irq(vdev);
}

void virtio_vring_interrupt(struct virtio_dev *vdev)
{
	/* A late signal from a server stopped by a reset raises nothing. */
	if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vdev->isr |= VIRTIO_INT_VRING;
	update_irq(vdev);
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
	update_irq(vdev);
}

static void set_status(struct virtio_dev *vdev, uint32_t val)
{
	uint32_t old = vdev->status;

	if (!val) {
		virtio_dev_reset(vdev);
		return;
	}
	/* NEEDS_RESET is the device's to set, never the driver's. */
	val &= 0xff & ~VIRTIO_STATUS_NEEDS_RESET;
	/*
	 * The driver takes bits back only by writing 0 (2.1.2). Honouring
	 * a clear would re-run driver_ok (another vhost fd each time) and
	 * unready queues under I/O in flight: it is a device error instead.
	 */
	if (old & ~val & ~VIRTIO_STATUS_NEEDS_RESET) {
		pr_guest(&vdev->log_rl, LOG_WARN, "%s: driver cleared status "
			 "bits 0x%x without a reset: device needs reset",
			 vdev->ops->name, old & ~val);
		vdev->status |= VIRTIO_STATUS_NEEDS_RESET;
		if (!vdev->broken && (old & VIRTIO_STATUS_DRIVER_OK))
			vdev->isr |= VIRTIO_INT_CONFIG;
		vdev->broken = true;
		update_irq(vdev);
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
	update_irq(vdev);
	if ((val & VIRTIO_STATUS_DRIVER_OK) &&
	    !(old & VIRTIO_STATUS_DRIVER_OK) && !vdev->broken &&
	    vdev->ops->driver_ok)
		vdev->ops->driver_ok(vdev);
}

void virtio_queue_kick(struct virtio_dev *vdev, uint32_t index)
{
	struct virtq *vq;

	if (index >= vdev->ops->nr_queues || vdev->broken ||
	    !(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	vq = &vdev->vqs[index];
	if (vq->ready && vdev->ops->queue_notify)
		vdev->ops->queue_notify(vdev, vq);
}

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

static uint32_t reg_read(struct virtio_dev *vdev, uint64_t off)
{
	struct virtq *vq = cur_vq(vdev);

	switch (off) {
	case REG_MAGIC:
		return VIRTIO_MMIO_MAGIC;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return vdev->ops->device_id;
	case REG_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case REG_DEV_FEATURES:
		if (vdev->dev_feat_sel > 1)
			return 0;
		return vdev->host_features >> (32 * vdev->dev_feat_sel);
	case REG_QUEUE_NUM_MAX:
		return vq ? vq->num_max : 0;
	case REG_QUEUE_READY:
		return vq ? vq->ready : 0;
	case REG_INT_STATUS:
		return vdev->isr;
	case REG_STATUS:
		return vdev->status;
	case REG_SHM_LEN_LO:
	case REG_SHM_LEN_HI:
	case REG_SHM_BASE_LO:
	case REG_SHM_BASE_HI:
		/* No shared memory regions: all ones says "none" (4.2.2.1). */
		return 0xffffffff;
	case REG_CONFIG_GEN:
		return vdev->config_gen;
	}
	/* Write-only and reserved registers read as zero. */
	return 0;
}

static void reg_write(struct virtio_dev *vdev, uint64_t off, uint32_t val)
{
	struct virtq *vq = cur_vq(vdev);
	bool feat_locked = vdev->status & VIRTIO_STATUS_FEATURES_OK;

	switch (off) {
	case REG_DEV_FEATURES_SEL:
		vdev->dev_feat_sel = val;
		return;
	case REG_DRV_FEATURES:
		/* Features are fixed once FEATURES_OK was accepted. */
		if (feat_locked || vdev->drv_feat_sel > 1)
			return;
		set_half(&vdev->guest_features, vdev->drv_feat_sel, val);
		return;
	case REG_DRV_FEATURES_SEL:
		vdev->drv_feat_sel = val;
		return;
	case REG_QUEUE_SEL:
		vdev->queue_sel = val;
		return;
	case REG_QUEUE_NOTIFY:
		virtio_queue_kick(vdev, val & 0xffff);
		return;
	case REG_INT_ACK:
		vdev->isr &= ~val;
		update_irq(vdev);
		return;
	case REG_STATUS:
		set_status(vdev, val);
		return;
	case REG_SHM_SEL:
		vdev->shm_sel = val;
		return;
	}
	/* The rest configure the selected queue, and only while it is off. */
	if (!vq || vq->ready) {
		if (vq && off == REG_QUEUE_READY)
			set_queue_ready(vdev, vq, val);
		return;
	}
	switch (off) {
	case REG_QUEUE_NUM:
		vq->num = val > 0xffff ? 0 : val;
		return;
	case REG_QUEUE_READY:
		set_queue_ready(vdev, vq, val);
		return;
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
