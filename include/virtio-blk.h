/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VIRTIO_BLK_H
#define POCVM_VIRTIO_BLK_H

#include <stdbool.h>

#include "config.h"
#include "virtio.h"

/*
 * virtio-blk over libaio. The backend (an open, locked image) is made
 * apart from the VM so that unit tests drive it through the transport
 * with fake guest RAM and no KVM; hw/virtio/blk-vm.c adds one device per
 * --disk.
 */
struct vblk;

/* Open, check and lock disk's image; errors name the file. */
int vblk_open(const struct disk_config *disk, struct vblk **out);
/* Its device description: features depend on the image and options. */
const struct virtio_dev_ops *vblk_dev_ops(const struct vblk *blk);
/* Wait for what is in flight, then free everything. */
void vblk_close(struct vblk *blk);
/*
 * Complete finished I/O and push it to the driver; with wait, block
 * until at least one request finished (nothing in flight: return at
 * once). The event loop calls this when the aio eventfd fires.
 */
void vblk_complete(struct virtio_dev *vdev, bool wait);
/* Requests submitted to the host and not completed yet. */
unsigned int vblk_in_flight(const struct vblk *blk);
/*
 * The eventfd the aio completions signal: what the event loop waits on
 * before vblk_complete(). For harnesses that run the device without one.
 */
int vblk_event_fd(const struct vblk *blk);

#endif
