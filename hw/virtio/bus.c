// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio devices on pocvm's bus: a 0x200 window and an SPI per
 * instance, the DT node, the interrupt line. Kept apart from mmio.c so
 * that the transport links into unit tests without the VM and KVM.
 */
#include <errno.h>
#include <libfdt.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "event-loop.h"
#include "fdt-build.h"
#include "layout.h"
#include "log.h"
#include "virtio.h"
#include "vm.h"

/* A queue's QueueNotify as an ioeventfd: kicks skip the exit to us. */
struct bus_kick {
	struct device *dev;
	unsigned int index;
	int fd;
};

/*
 * The SPI as a KVM irqfd: raising it is a write from whichever thread
 * completed the work, no ioctl.
 *
 * In the device tree pocvm generates the SPI is rising-edge, as QEMU's
 * and kvmtool's virtio-mmio nodes have it: virtio-mmio asks only that
 * the interrupt be asserted while InterruptStatus is non-zero, and the
 * driver reads InterruptStatus and writes InterruptACK before it looks
 * at the rings (Linux's vm_interrupt()), so an edge on each 0 -> non-zero
 * change of InterruptStatus loses nothing: an event after the ACK makes
 * a new edge, one before it is seen when the driver reads the rings, and
 * the GIC latches an edge that comes while the last one is active. A bit
 * the ACK leaves set (set after the driver's read) gets an edge of its
 * own from the ACK (hw/virtio/mmio.c). A
 * plain irqfd is exactly that edge (KVM asserts and de-asserts the line
 * at once; the vgic latches it as pending for an edge-configured SPI).
 * The guest's EOI then costs neither a maintenance exit nor a wake-up
 * of pocvm.
 *
 * With the user's device tree (--dtb) the SPI may be level-triggered,
 * and a pulse on a level SPI can be dropped before the guest takes it:
 * there the irqfd has a resample fd. KVM drops the line when the guest
 * EOIs it and tells us through resample_fd; if InterruptStatus is still
 * non-zero then, we raise it again, which is how a level line behaves.
 */
struct bus_irqfd {
	int fd;			/* -1: KVM_IRQ_LINE instead */
	int resample_fd;	/* -1: the edge-triggered SPI needs none */
	bool edge;		/* the device tree says rising-edge */
};

/* An eventfd another server (vhost) signals for a queue's interrupt. */
struct bus_call {
	struct device *dev;
	int fd;
};

struct virtio_bus_dev {
	struct virtio_dev vdev;		/* first: dev->priv points here */
	struct bus_kick kicks[VIRTIO_MAX_QUEUES];
	struct bus_call calls[VIRTIO_MAX_QUEUES];
	struct bus_irqfd irq;
};

static void irqfd_raise(struct bus_irqfd *irq)
{
	uint64_t one = 1;

	/* Can only fail if the counter saturates: it is pending anyway. */
	if (write(irq->fd, &one, sizeof(one)) < 0)
		return;
}

static int bus_set_irq(struct virtio_dev *vdev, int level)
{
	struct virtio_bus_dev *b = vdev->dev->priv;

	if (b->irq.fd < 0)
		return vm_set_irq(vdev->dev->vm, vdev->dev->spi, level);
	/* Lowering waits for the guest's EOI: see bus_irq_resample(). */
	if (level)
		irqfd_raise(&b->irq);
	return 0;
}

/* Another edge while InterruptStatus stays non-zero (see mmio.c). */
static void bus_irq_again(struct virtio_dev *vdev)
{
	struct virtio_bus_dev *b = vdev->dev->priv;

	/* A level line is still asserted: the resample re-raises it. */
	if (!b->irq.edge)
		return;
	/* KVM latches an edge SPI's pending state at every assertion. */
	if (b->irq.fd < 0)
		vm_set_irq(vdev->dev->vm, vdev->dev->spi, 1);
	else
		irqfd_raise(&b->irq);
}

static void bus_irq_resample(void *arg, uint32_t events)
{
	struct device *dev = arg;
	struct virtio_bus_dev *b = dev->priv;
	uint64_t count;

	if (read(b->irq.resample_fd, &count, sizeof(count)) != sizeof(count))
		return;
	pthread_mutex_lock(&dev->lock);
	if (b->vdev.isr)
		irqfd_raise(&b->irq);
	pthread_mutex_unlock(&dev->lock);
}

static void irqfd_close(struct virtio_bus_dev *b)
{
	if (b->irq.fd >= 0)
		close(b->irq.fd);
	if (b->irq.resample_fd >= 0)
		close(b->irq.resample_fd);
	b->irq.fd = b->irq.resample_fd = -1;
}

static int irqfd_attach(struct device *dev, struct virtio_bus_dev *b)
{
	struct kvm_irqfd req = {
		.gsi = dev->spi,	/* vgic's default routing: GSI n = SPI n */
	};
	int ret;

	b->irq.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->irq.fd < 0)
		return -errno;
	req.fd = b->irq.fd;
	if (!b->irq.edge) {
		b->irq.resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (b->irq.resample_fd < 0) {
			ret = -errno;
			goto fail;
		}
		req.flags = KVM_IRQFD_FLAG_RESAMPLE;
		req.resamplefd = b->irq.resample_fd;
	}
	if (ioctl(dev->vm->vm_fd, KVM_IRQFD, &req) < 0) {
		ret = -errno;
		goto fail;
	}
	if (b->irq.edge)
		return 0;
	ret = event_loop_add(dev->vm->loop, b->irq.resample_fd, EPOLLIN,
			     bus_irq_resample, dev);
	if (ret) {
		req.flags = KVM_IRQFD_FLAG_DEASSIGN;
		ioctl(dev->vm->vm_fd, KVM_IRQFD, &req);
		goto fail;
	}
	return 0;
fail:
	irqfd_close(b);
	return ret;
}

static void bus_mmio(struct device *dev, uint64_t off, void *data,
		     unsigned int len, bool is_write)
{
	virtio_mmio_access(dev->priv, off, data, len, is_write);
}

static void bus_reset(struct device *dev)
{
	/* A kick still queued in the event loop may race with a reboot. */
	pthread_mutex_lock(&dev->lock);
	virtio_dev_system_reset(dev->priv);
	pthread_mutex_unlock(&dev->lock);
}

static void bus_kick(void *arg, uint32_t events)
{
	struct bus_kick *k = arg;
	uint64_t count;

	if (read(k->fd, &count, sizeof(count)) != sizeof(count))
		return;
	/* The same lock as a trapped QueueNotify: one notify at a time. */
	pthread_mutex_lock(&k->dev->lock);
	virtio_queue_kick(k->dev->priv, k->index);
	pthread_mutex_unlock(&k->dev->lock);
}

static int kick_attach(struct device *dev, struct bus_kick *k)
{
	struct kvm_ioeventfd io = {
		.datamatch = k->index,
		.addr = dev->base + VIRTIO_MMIO_QUEUE_NOTIFY,
		.len = 4,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};
	int fd, ret;

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	io.fd = fd;
	if (ioctl(dev->vm->vm_fd, KVM_IOEVENTFD, &io) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = event_loop_add(dev->vm->loop, fd, EPOLLIN, bus_kick, k);
	if (ret) {
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
		ioctl(dev->vm->vm_fd, KVM_IOEVENTFD, &io);
		close(fd);
		return ret;
	}
	k->fd = fd;
	return 0;
}

static int bus_queue_kick_fd(struct virtio_dev *vdev, unsigned int index,
			     bool take)
{
	struct virtio_bus_dev *b = vdev->dev->priv;
	int fd, ret;

	if (index >= vdev->ops->nr_queues || b->kicks[index].fd < 0)
		return -EOPNOTSUPP;
	fd = b->kicks[index].fd;
	ret = event_loop_mod(vdev->dev->vm->loop, fd, take ? 0 : EPOLLIN);
	return ret ?: fd;
}

static void bus_call(void *arg, uint32_t events)
{
	struct bus_call *c = arg;
	uint64_t count;

	if (read(c->fd, &count, sizeof(count)) != sizeof(count))
		return;
	pthread_mutex_lock(&c->dev->lock);
	virtio_vring_interrupt(c->dev->priv);
	pthread_mutex_unlock(&c->dev->lock);
}

static int bus_queue_call_fd(struct virtio_dev *vdev, unsigned int index)
{
	struct virtio_bus_dev *b = vdev->dev->priv;
	struct bus_call *c = &b->calls[index];
	int fd, ret;

	if (index >= vdev->ops->nr_queues)
		return -EINVAL;
	/* Made on first use and kept: a reset does not change it. */
	if (c->fd >= 0)
		return c->fd;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	c->fd = fd;
	ret = event_loop_add(vdev->dev->vm->loop, fd, EPOLLIN, bus_call, c);
	if (ret) {
		close(fd);
		c->fd = -1;
		return ret;
	}
	return fd;
}

static int bus_start(struct device *dev)
{
	struct virtio_bus_dev *b = dev->priv;
	unsigned int i;
	int ret;

	/*
	 * Under the device lock: from here on set_irq looks at irq.fd, and
	 * a line already raised by KVM_IRQ_LINE is handed over lowered.
	 */
	pthread_mutex_lock(&dev->lock);
	ret = irqfd_attach(dev, b);
	if (ret)
		pr_info("%s: interrupts by KVM_IRQ_LINE (irqfd: %s)",
			b->vdev.ops->name, strerror(-ret));
	else
		pr_debug("%s: interrupts by irqfd (SPI %u)",
			 b->vdev.ops->name, dev->spi);
	/*
	 * A line raised by KVM_IRQ_LINE before: an edge SPI has it latched,
	 * a level one (the guest has not set the trigger yet) must not stay
	 * high for ever, since only KVM_IRQ_LINE could lower it again.
	 */
	if (!ret && b->vdev.irq_level) {
		if (b->irq.edge)
			vm_set_irq(dev->vm, dev->spi, 0);
		irqfd_raise(&b->irq);
	}
	pthread_mutex_unlock(&dev->lock);
	for (i = 0; i < b->vdev.ops->nr_queues; i++) {
		ret = kick_attach(dev, &b->kicks[i]);
		/*
		 * Not fatal: a QueueNotify that no eventfd matches still
		 * traps and is handled in the VCPU thread.
		 */
		if (ret)
			pr_info("%s: queue %u notifies by MMIO exit (%s)",
				b->vdev.ops->name, i, strerror(-ret));
	}
	if (b->vdev.ops->start)
		return b->vdev.ops->start(&b->vdev);
	return 0;
}

static int bus_fdt_node(const struct device *dev, void *fdt,
			uint32_t gic_phandle)
{
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "virtio@%llx",
		 (unsigned long long)dev->base);
	/* The rings are ordinary cacheable RAM that pocvm reads: coherent. */
	ret = fdt_begin_mmio_device_edge(fdt, name, "virtio,mmio", dev->base,
					 dev->size, dev->spi, gic_phandle,
					 true);
	return ret ?: fdt_end_node(fdt);
}

static void bus_teardown(struct device *dev)
{
	struct virtio_bus_dev *b = dev->priv;
	unsigned int i;

	/* The event loop is gone by now: nothing reads these any more. */
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		if (b->kicks[i].fd >= 0)
			close(b->kicks[i].fd);
		if (b->calls[i].fd >= 0)
			close(b->calls[i].fd);
	}
	irqfd_close(b);
	if (b->vdev.ops->teardown)
		b->vdev.ops->teardown(&b->vdev);
	free(b);
	dev->priv = NULL;
}

static int bus_control(struct device *dev, const char *cmd, const char *args,
		       FILE *out)
{
	struct virtio_bus_dev *b = dev->priv;
	int ret;

	if (!b->vdev.ops->control)
		return -ENOENT;
	pthread_mutex_lock(&dev->lock);
	ret = b->vdev.ops->control(&b->vdev, cmd, args, out);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

/*
 * A driver that writes and powers off at once (virtio-console's generic
 * ports do not wait for the host) leaves its last kick in the eventfd:
 * serve it before the exit status is decided.
 */
static void bus_stopped(struct device *dev)
{
	struct virtio_bus_dev *b = dev->priv;
	unsigned int i;

	if (!b->vdev.ops->drain_at_stop)
		return;
	for (i = 0; i < b->vdev.ops->nr_queues; i++)
		if (b->kicks[i].fd >= 0)
			bus_kick(&b->kicks[i], EPOLLIN);
}

static const struct device_ops virtio_mmio_ops = {
	.name = "virtio-mmio",
	.fdt_node = bus_fdt_node,
	.mmio = bus_mmio,
	.reset = bus_reset,
	.start = bus_start,
	.teardown = bus_teardown,
	.stopped = bus_stopped,
	.control = bus_control,
};

int virtio_mmio_add(struct vm *vm, const struct virtio_dev_ops *ops,
		    void *priv)
{
	struct virtio_bus_dev *b;
	struct virtio_dev *vdev;
	struct device *dev;
	unsigned int i, n = 0;
	int ret;

	/* The n-th virtio device gets the n-th window and SPI. */
	for (i = 0; i < vm->nr_devices; i++)
		if (vm->devices[i].ops == &virtio_mmio_ops)
			n++;
	if (n == LAYOUT_VIRTIO_MAX)
		return err_set(-ENOSPC, "%s: too many virtio devices",
			       ops->name);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	vdev = &b->vdev;
	/* Every device speaks the register set the run chose. */
	ret = virtio_dev_init(vdev, ops, vm->cfg->virtio_transport, &vm->mem,
			      priv);
	if (ret) {
		free(b);
		return ret;
	}
	dev = vm_add_device(vm, &virtio_mmio_ops,
			    vm->layout->virtio_base + n * LAYOUT_VIRTIO_STRIDE,
			    VIRTIO_MMIO_SIZE, vm->layout->virtio_spi + n, vdev);
	if (!dev) {
		free(b);
		return -ENOSPC;
	}
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		b->kicks[i].dev = dev;
		b->kicks[i].index = i;
		b->kicks[i].fd = -1;
		b->calls[i].dev = dev;
		b->calls[i].fd = -1;
	}
	b->irq.fd = b->irq.resample_fd = -1;
	/* Only the tree pocvm generates says what the SPI's trigger is. */
	b->irq.edge = !vm->cfg->dtb;
	vdev->dev = dev;
	vdev->set_irq = bus_set_irq;
	vdev->irq_again = bus_irq_again;
	vdev->queue_kick_fd = bus_queue_kick_fd;
	vdev->queue_call_fd = bus_queue_call_fd;
	return 0;
}
