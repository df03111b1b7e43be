/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VHOST_H
#define POCVM_VHOST_H

#include <stdint.h>

#include "virtio.h"

/*
 * Handing a device's queues to a kernel vhost device (hw/virtio/vhost.c),
 * shared by virtio-net (vhost-net) and virtio-vsock (vhost-vsock). The
 * device type adds its own last step: a backend per queue, or "run".
 */

/*
 * The memory table and the features: want must be a subset of what the
 * vhost device has (-EOPNOTSUPP otherwise). 0 or -errno (err_set).
 */
int vhost_set_memory(int fd, const struct virtio_dev *vdev, uint64_t want);

/*
 * Queue i's size, indexes, rings, kick and call eventfds. The kick fd is
 * taken from the transport (bit i of *kicks says so until it is given
 * back). 0 or -errno (err_set).
 */
int vhost_set_vring(int fd, struct virtio_dev *vdev, unsigned int i,
		    unsigned int *kicks);

/* Let vhost look at buffers added before the handover. */
int vhost_kick(struct virtio_dev *vdev, unsigned int i);

/* Give every kick fd taken back to the transport. */
void vhost_put_kicks(struct virtio_dev *vdev, unsigned int *kicks);

#endif
