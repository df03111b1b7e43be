/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VIRTIO_9P_H
#define POCVM_VIRTIO_9P_H

#include "config.h"

struct vm;

/*
 * Add one virtio-9p device serving share->dir under share->tag
 * (hw/virtio/9p.c). Each --9p is one call; anything else that wants a
 * host directory in the guest (a host-rootfs guest) makes the same one.
 * Fails with one recorded line if the directory cannot be served.
 */
int virtio_9p_add(struct vm *vm, const struct share_config *share);

#endif
