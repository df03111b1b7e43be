// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost handover: the kernel serves a device's queues straight from
 * guest RAM, woken by the queue's ioeventfd and raising the interrupt
 * through an eventfd the transport owns. One copy for every vhost device.
 */
#include <errno.h>
#include <linux/vhost.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest-mem.h"
#include "log.h"
#include "vhost.h"

int vhost_set_memory(int fd, const struct virtio_dev *vdev, uint64_t want)
{
	const struct guest_mem *mem = vdev->mem;
	struct vhost_memory *table;
	unsigned int i;
	uint64_t have;
	int ret = 0;

	if (!vdev->queue_kick_fd || !vdev->queue_call_fd)
		return err_set(-EOPNOTSUPP, "the transport cannot hand over "
			       "queues");
	table = calloc(1, sizeof(*table) +
		       mem->nr_regions * sizeof(table->regions[0]));
	if (!table)
		return -ENOMEM;
	table->nregions = mem->nr_regions;
	for (i = 0; i < mem->nr_regions; i++) {
		table->regions[i].guest_phys_addr = mem->regions[i].gpa;
		table->regions[i].memory_size = mem->regions[i].size;
		table->regions[i].userspace_addr =
			(uintptr_t)mem->regions[i].host;
	}
	if (ioctl(fd, VHOST_GET_FEATURES, &have) < 0)
		ret = err_set(-errno, "%s", strerror(errno));
	else if (want & ~have)
		ret = err_set(-EOPNOTSUPP, "lacks features 0x%llx",
			      (unsigned long long)(want & ~have));
	else if (ioctl(fd, VHOST_SET_FEATURES, &want) < 0 ||
		 ioctl(fd, VHOST_SET_MEM_TABLE, table) < 0)
		ret = err_set(-errno, "%s", strerror(errno));
	free(table);
	return ret;
}

int vhost_set_vring(int fd, struct virtio_dev *vdev, unsigned int i,
		    unsigned int *kicks)
{
	struct virtq *vq = &vdev->vqs[i];
	struct vhost_vring_state num = { .index = i, .num = vq->num };
	struct vhost_vring_state base = { .index = i, .num = vq->last_avail };
	struct vhost_vring_addr addr = {
		.index = i,
		.desc_user_addr = (uintptr_t)vq->desc,
		.avail_user_addr = (uintptr_t)vq->avail,
		.used_user_addr = (uintptr_t)vq->used,
	};
	struct vhost_vring_file kick = { .index = i };
	struct vhost_vring_file call = { .index = i };

	if (!vq->ready)
		return err_set(-EINVAL, "queue %u is not enabled", i);
	kick.fd = vdev->queue_kick_fd(vdev, i, true);
	if (kick.fd < 0)
		return err_set(kick.fd, "queue %u has no notify eventfd", i);
	*kicks |= 1U << i;
	call.fd = vdev->queue_call_fd(vdev, i);
	if (call.fd < 0)
		return err_set(call.fd, "queue %u: no interrupt eventfd", i);
	if (ioctl(fd, VHOST_SET_VRING_NUM, &num) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_BASE, &base) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_ADDR, &addr) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_KICK, &kick) < 0 ||
	    ioctl(fd, VHOST_SET_VRING_CALL, &call) < 0)
		return err_set(-errno, "queue %u: %s", i, strerror(errno));
	return 0;
}

int vhost_kick(struct virtio_dev *vdev, unsigned int i)
{
	uint64_t one = 1;
	int fd;

	fd = vdev->queue_kick_fd(vdev, i, true);
	if (fd < 0)
		return err_set(fd, "queue %u has no notify eventfd", i);
	if (write(fd, &one, sizeof(one)) < 0)
		return err_set(-errno, "queue %u: kick: %s", i,
			       strerror(errno));
	return 0;
}

void vhost_put_kicks(struct virtio_dev *vdev, unsigned int *kicks)
{
	unsigned int i;

	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		if (*kicks & (1U << i))
			vdev->queue_kick_fd(vdev, i, false);
	*kicks = 0;
}
