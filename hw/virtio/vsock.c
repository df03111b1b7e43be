// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (device ID 19, virtio 1.2 section 5.10) served by the
 * kernel's vhost-vsock: the guest's CID is claimed on /dev/vhost-vsock
 * when the device is made, so a CID another guest holds is the user's
 * error before anything boots. At DRIVER_OK the receive and transmit
 * queues go to vhost-vsock (hw/virtio/vhost.c); pocvm never moves a
 * packet itself. The event queue only ever carries a transport reset,
 * which pocvm never needs to send: its buffers stay with the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "vhost.h"
#include "virtio.h"
#include "vm.h"

#define VSOCK_DEVICE_ID		19
#define VSOCK_NR_QUEUES		3	/* rx, tx, event */
#define VSOCK_VHOST_QUEUES	2	/* vhost-vsock serves rx and tx */
#define VSOCK_QUEUE_SIZE	128
#define VSOCK_CONFIG_SIZE	8	/* le64 guest_cid */
#define VHOST_VSOCK_DEV		"/dev/vhost-vsock"
/* What vhost-vsock must do for us. */
#define VHOST_FEATURES		((1ULL << VIRTIO_F_VERSION_1) | \
				 (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
				 (1ULL << VIRTIO_RING_F_INDIRECT_DESC))

struct vsock {
	int fd;			/* /dev/vhost-vsock, -1 with --dump-dtb */
	uint64_t cid;
	bool owned;		/* VHOST_SET_OWNER done (once per fd) */
	bool running;		/* the queues are vhost-vsock's */
	unsigned int kicks;	/* bit i: queue i's kick fd taken */
};

static int set_running(struct vsock *v, int on)
{
	return ioctl(v->fd, VHOST_VSOCK_SET_RUNNING, &on) < 0 ? -errno : 0;
}

static void vsock_stop(struct vsock *v, struct virtio_dev *vdev)
{
	int ret;

	if (v->running) {
		ret = set_running(v, 0);
		if (ret)
			pr_guest(&vdev->log_rl, LOG_WARN, "virtio-vsock: "
				 "stopping vhost-vsock: %s", strerror(-ret));
		v->running = false;
	}
	vhost_put_kicks(vdev, &v->kicks);
}

static int vsock_start(struct vsock *v, struct virtio_dev *vdev)
{
	unsigned int i;
	int ret = 0;

	/*
	 * Not before: since Linux 6.4 the owner's vhost worker is a thread
	 * of pocvm, and the sandbox is entered while pocvm has only one.
	 */
	if (!v->owned) {
		if (ioctl(v->fd, VHOST_SET_OWNER) < 0)
			ret = err_set(-errno, "%s", strerror(errno));
		v->owned = !ret;
	}
	ret = ret ?: vhost_set_memory(v->fd, vdev,
				      vdev->guest_features & VHOST_FEATURES);
	for (i = 0; i < VSOCK_VHOST_QUEUES && !ret; i++)
		ret = vhost_set_vring(v->fd, vdev, i, &v->kicks);
	if (!ret) {
		ret = set_running(v, 1);
		if (ret)
			ret = err_set(ret, "running: %s", strerror(-ret));
	}
	if (!ret)
		v->running = true;
	/* Buffers added before the handover get looked at now. */
	for (i = 0; i < VSOCK_VHOST_QUEUES && !ret; i++)
		ret = vhost_kick(vdev, i);
	if (ret)
		vsock_stop(v, vdev);
	return ret;
}

static void vsock_driver_ok(struct virtio_dev *vdev)
{
	struct vsock *v = vdev->priv;
	int ret;

	if (v->fd < 0)
		return;
	ret = vsock_start(v, vdev);
	if (ret) {
		/* Nobody else can serve the queues: the device is dead. */
		pr_warn("virtio-vsock: vhost-vsock: %s", err_message(ret));
		virtio_dev_broken(vdev);
		return;
	}
	pr_info("virtio-vsock: CID %llu served by vhost-vsock",
		(unsigned long long)v->cid);
}

static void vsock_reset(struct virtio_dev *vdev)
{
	struct vsock *v = vdev->priv;

	if (v->fd >= 0)
		vsock_stop(v, vdev);
}

/* Kicks before the handover: vhost-vsock looks at the rings then. */
static void vsock_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
}

static void vsock_config_read(struct virtio_dev *vdev, uint32_t off,
			      void *data, unsigned int len)
{
	struct vsock *v = vdev->priv;
	uint8_t cfg[VSOCK_CONFIG_SIZE];
	unsigned int i;

	for (i = 0; i < VSOCK_CONFIG_SIZE; i++)
		cfg[i] = v->cid >> (8 * i);
	memcpy(data, cfg + off, len);
}

static void vsock_free(struct vsock *v)
{
	if (v->fd >= 0)
		close(v->fd);
	free(v);
}

static void vsock_teardown(struct virtio_dev *vdev)
{
	vsock_free(vdev->priv);
	vdev->priv = NULL;
}

static const struct virtio_dev_ops virtio_vsock_ops = {
	.name = "virtio-vsock",
	.device_id = VSOCK_DEVICE_ID,
	.nr_queues = VSOCK_NR_QUEUES,
	.queue_num_max = VSOCK_QUEUE_SIZE,
	.config_size = VSOCK_CONFIG_SIZE,
	.config_read = vsock_config_read,
	.queue_notify = vsock_queue_notify,
	.driver_ok = vsock_driver_ok,
	.reset = vsock_reset,
	.teardown = vsock_teardown,
};

/* Open vhost-vsock and claim the CID: the user's errors, found now. */
static int vsock_claim(struct vsock *v)
{
	int ret;

	v->fd = open(VHOST_VSOCK_DEV, O_RDWR | O_CLOEXEC);
	if (v->fd < 0)
		return err_set(-errno, "--vsock: %s: %s%s", VHOST_VSOCK_DEV,
			       strerror(errno), errno == ENOENT ?
			       " (modprobe vhost_vsock)" : "");
	if (ioctl(v->fd, VHOST_VSOCK_SET_GUEST_CID, &v->cid) < 0) {
		ret = -errno;
		return err_set(ret, "--vsock %llu: %s",
			       (unsigned long long)v->cid,
			       ret == -EADDRINUSE ? "that CID is taken by "
			       "another guest" : strerror(-ret));
	}
	return 0;
}

static int vsock_create(struct vm *vm)
{
	struct vsock *v;
	int ret;

	if (!vm->cfg->vsock_cid)
		return 0;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->fd = -1;
	v->cid = vm->cfg->vsock_cid;
	/* --dump-dtb (no VM) wants the node only. */
	ret = vm->vm_fd >= 0 ? vsock_claim(v) : 0;
	ret = ret ?: virtio_mmio_add(vm, &virtio_vsock_ops, v);
	if (ret)
		vsock_free(v);
	return ret;
}

const struct device_type virtio_vsock_type = {
	.name = "virtio-vsock",
	.create = vsock_create,
};
