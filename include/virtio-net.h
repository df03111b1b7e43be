/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VIRTIO_NET_H
#define POCVM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio.h"

/*
 * The parts of hw/virtio/net.c that a unit test drives without a VM:
 * the device over any packet fd (a socketpair stands in for the tap).
 */
struct vnet;
struct net_backend;

extern const struct virtio_dev_ops virtio_net_ops;

/*
 * A device over fd (taken over: closed by the device's teardown) that
 * frames each packet with a virtio_net_hdr of fd_hdr_len bytes (12 for
 * a tap with IFF_VNET_HDR, 0 for none). NULL when out of memory.
 */
struct vnet *vnet_create(int fd, unsigned int fd_hdr_len,
			 const uint8_t mac[6]);
/* A device over a backend (taken over; NULL: none, --dump-dtb). */
struct vnet *vnet_create_backend(struct net_backend *be,
				 const uint8_t mac[6]);
/*
 * For a vdev set up with virtio_net_ops and a vnet as priv. The fd is
 * readable: move packets to the receive queue (device lock held).
 */
void vnet_receive(struct virtio_dev *vdev);
/* A packet was read but waits for the driver's receive buffers. */
bool vnet_rx_waiting(const struct virtio_dev *vdev);
/* The fd is watched for packets (not while the guest has no room). */
bool vnet_rx_watching(const struct virtio_dev *vdev);

#endif
