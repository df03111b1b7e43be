/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VIRTIO_9P_H
#define POCVM_VIRTIO_9P_H

#include "config.h"

struct vm;
struct vp9;
struct virtio_dev_ops;

/*
 * The device alone (hw/virtio/9p-vm.c), for the bus glue and the unit
 * tests: open the share's server, the ops to register, close it all.
 */
int vp9_open(const struct share_config *share, struct vp9 **out);
const struct virtio_dev_ops *vp9_dev_ops(const struct vp9 *d);
void vp9_close(struct vp9 *d);

/*
 * Add one virtio-9p device serving share->dir under share->tag
 * (hw/virtio/9p-vm.c). Each --9p is one call; anything else that wants a
 * host directory in the guest (a host-rootfs guest) makes the same one.
 * Fails with one recorded line if the directory cannot be served.
 */
int virtio_9p_add(struct vm *vm, const struct share_config *share);

#endif
