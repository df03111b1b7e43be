/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_NET_BACKEND_H
#define POCVM_NET_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct event_loop;
struct net_config;

#define NET_ETH_HDR_LEN		14
/* 64 KiB of IP behind an Ethernet and a VLAN header. */
#define NET_MAX_FRAME		65550
/* The virtio_net_hdr a tap with IFF_VNET_HDR puts before each frame. */
#define NET_TAP_HDR_LEN		12

/*
 * Where virtio-net's frames go and come from (hw/virtio/net.c): a tap
 * (net-tap.c) or a stream socket in QEMU's framing, as passt speaks it
 * (net-stream.c). The device's queue code is the same for all.
 */
struct net_backend;

struct net_backend_ops {
	const char *name;
	/*
	 * One frame into buf (room for NET_MAX_FRAME bytes): its length;
	 * 0 if one was dropped (be->why says why); -EAGAIN if none waits;
	 * -EPIPE if the other end is gone; another -errno.
	 */
	ssize_t (*recv)(struct net_backend *be, uint8_t *buf);
	/*
	 * true while recv() can go on without reading the fd: bytes it
	 * already read hold another frame (or one to drop). The fd is not
	 * readable for those, so the caller must take them without waiting
	 * for it. May be NULL (one frame per read, nothing kept).
	 */
	bool (*buffered)(const struct net_backend *be);
	/*
	 * One frame of len bytes (1 to NET_MAX_FRAME) in iov: 0 once it is
	 * taken (sent, or kept until the fd is writable), -errno if it was
	 * dropped. Call only after flush() said 0.
	 */
	int (*send)(struct net_backend *be, const struct iovec *iov,
		    unsigned int nr, size_t len);
	/*
	 * Push out what a short write left: 0 when nothing waits, -EAGAIN
	 * while the fd is full (wait for EPOLLOUT). May be NULL.
	 */
	int (*flush)(struct net_backend *be);
	/*
	 * Watch what the backend needs besides fd, from the device's start
	 * on (the event loop's thread). May be NULL.
	 */
	int (*start)(struct net_backend *be, struct event_loop *loop);
	/* Close the fd and end what the backend started. */
	void (*destroy)(struct net_backend *be);
};

struct net_backend {
	const struct net_backend_ops *ops;
	int fd;			/* what the event loop watches; -1: none */
	/* The tap's header size: vhost-net can take over only a tap. */
	bool vhost_capable;
	unsigned int tap_hdr_len;
	char what[24];		/* "tap NAME", "passt" for messages */
	char why[96];		/* why recv() dropped a frame */
};

/*
 * A tap (or any packet fd, one frame per read) whose frames carry a
 * hdr_len-byte virtio_net_hdr (NET_TAP_HDR_LEN or 0). Takes fd.
 */
struct net_backend *net_tap_backend(int fd, unsigned int hdr_len,
				    const char *ifname);
/* Open the tap the config names (or a new one): its backend, or NULL. */
int net_tap_open(const struct net_config *nc, struct net_backend **be);

/*
 * A connected SOCK_STREAM socket carrying each frame behind its length
 * as a 4-byte big-endian number (QEMU's "stream" netdev, passt's
 * socket). Takes fd, which should be non-blocking; pid > 0 is a child
 * to end at destroy().
 */
struct net_backend *net_stream_backend(int fd, pid_t pid);
/*
 * The pipe of the child's messages: relayed as pocvm's lines at level
 * from the device's start on. Takes log_fd, which must be non-blocking.
 */
void net_stream_set_log(struct net_backend *be, int log_fd, int level);

#endif
