// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (device ID 1, virtio 1.2 section 5.1): one receive and one
 * transmit queue, the MAC and the link status in config space,
 * mergeable receive buffers, no offloads. Packets move in pocvm between
 * the queues and a backend (net-backend.h: a tap, or passt's stream
 * socket), or, with a tap and vhost=1, in the kernel's vhost-net once
 * the driver is running: then this file only hands the queues over and
 * takes them back on a reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "event-loop.h"
#include "log.h"
#include "net-backend.h"
#include "passt.h"
#include "vhost.h"
#include "virtio-net.h"
#include "vm.h"

#define NET_F_MAC		5
#define NET_F_MRG_RXBUF		15
#define NET_F_STATUS		16
#define NET_S_LINK_UP		1

#define NET_HDR_F_NEEDS_CSUM	1
#define NET_HDR_GSO_NONE	0

#define NET_QUEUE_SIZE		256
#define NET_NR_QUEUES		2
#define Q_RX			0
#define Q_TX			1

#define NET_CONFIG_SIZE		8	/* mac, status */
#define ETH_HDR_LEN		NET_ETH_HDR_LEN
/*
 * Packets read per wakeup, so one busy tap cannot starve the loop. Frames
 * a stream backend already holds are not counted: no wakeup would come
 * for them (backend_has_frame()).
 */
#define RX_BATCH		64

#define VHOST_NET_DEV		"/dev/vhost-net"
/* What vhost-net must do for us: the rest of our features are ours. */
#define VHOST_FEATURES		((1ULL << NET_F_MRG_RXBUF) | \
				 (1ULL << VIRTIO_F_VERSION_1) | \
				 (1ULL << VIRTIO_RING_F_EVENT_IDX) | \
				 (1ULL << VIRTIO_RING_F_INDIRECT_DESC))

/*
 * struct virtio_net_hdr with num_buffers: what VERSION_1 or MRG_RXBUF
 * puts before each packet. A legacy driver without MRG_RXBUF uses the
 * first 10 bytes only (5.1.6.1 "Legacy Interface"): guest_hdr_len().
 */
struct net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));

#define NET_HDR_LEN		sizeof(struct net_hdr)
#define NET_HDR_LEN_LEGACY	10	/* no num_buffers */
/* The largest header and frame a queue or the backend may hold: 65562. */
#define NET_MAX_PKT		(NET_HDR_LEN + NET_MAX_FRAME)

/* One warning per kind until the driver resets the device. */
enum net_warning {
	WARN_TX_LEN = 1 << 0,
	WARN_TX_OFFLOAD = 1 << 1,
	WARN_TX_WRITE = 1 << 2,
	WARN_RX_DROP = 1 << 3,	/* a frame the backend dropped */
	WARN_RX_ROOM = 1 << 5,
	WARN_RX_READ = 1 << 6,
};

struct vnet {
	struct net_backend *be;		/* NULL with --dump-dtb */
	int fd;				/* be->fd, or -1 */
	const char *ifname;		/* be->what, for messages */
	uint8_t mac[6];
	bool want_vhost;
	struct event_loop *loop;	/* NULL before start, in unit tests */
	bool rx_watching;
	bool tx_blocked;	/* the backend is full: wait for EPOLLOUT */
	bool gone;		/* the tap was deleted, passt exited */
	unsigned int warned;	/* one of each kind until reset */
	struct log_ratelimit log_rl;	/* and resets cannot defeat this */
	/* vhost-net while it serves the queues, and what it holds */
	int vhost_fd;
	unsigned int vhost_kicks;	/* bit i: queue i's kick fd taken */
	unsigned int vhost_backends;	/* bit i: queue i has the tap */
	/* One packet from the backend, guest header first; 0: none. */
	uint8_t pkt[NET_MAX_PKT + 1];
	size_t pkt_len;			/* the frame, header not counted */
	struct virtq_req rx_req, tx_req;
	struct virtq_used_elem rx_used[NET_QUEUE_SIZE];
	struct virtq_used_elem tx_used[NET_QUEUE_SIZE];
};

static void __attribute__((format(printf, 3, 4)))
net_warn(struct vnet *n, enum net_warning kind, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (n->warned & kind)
		return;
	n->warned |= kind;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_guest(&n->log_rl, LOG_WARN, "virtio-net %s: %s", n->ifname, msg);
}

/* The header the driver's features call for: 12 bytes or 10. */
static size_t guest_hdr_len(const struct virtio_dev *vdev)
{
	if (vdev->guest_features & ((1ULL << VIRTIO_F_VERSION_1) |
				    (1ULL << NET_F_MRG_RXBUF)))
		return NET_HDR_LEN;
	return NET_HDR_LEN_LEGACY;
}

static bool dev_running(const struct virtio_dev *vdev)
{
	return (vdev->status & VIRTIO_STATUS_DRIVER_OK) && !vdev->broken;
}

/* The events the backend's fd is watched for, as the state says. */
static void update_watch(struct vnet *n)
{
	if (n->loop)
		event_loop_mod(n->loop, n->fd,
			       (n->rx_watching ? EPOLLIN : 0) |
			       (n->tx_blocked ? EPOLLOUT : 0));
}

static void rx_watch(struct vnet *n, bool on)
{
	if (n->rx_watching == on)
		return;
	n->rx_watching = on;
	update_watch(n);
}

/*
 * The tap was deleted or passt exited: say so once and stop watching,
 * or epoll, which reports a hang-up whatever we wait for, would spin.
 */
static void backend_gone(struct vnet *n)
{
	if (n->gone)
		return;
	n->gone = true;
	pr_warn("virtio-net %s: the %s is gone; no more packets for the "
		"guest", n->ifname, n->be->ops->name);
	if (n->loop)
		event_loop_del(n->loop, n->fd);
	n->loop = NULL;
}

/* 1: a packet is in n->pkt; 0: one was dropped; -EAGAIN: none; -errno */
static int rx_read(struct vnet *n)
{
	struct net_hdr *hdr = (struct net_hdr *)n->pkt;
	ssize_t len;

	len = n->be->ops->recv(n->be, n->pkt + NET_HDR_LEN);
	if (len < 0)
		return len;
	if (!len) {
		net_warn(n, WARN_RX_DROP, "%s", n->be->why);
		return 0;
	}
	if (len < ETH_HDR_LEN) {
		net_warn(n, WARN_RX_DROP, "received frame of %zd bytes "
			 "(%d to %d) dropped", len, ETH_HDR_LEN,
			 NET_MAX_FRAME);
		return 0;
	}
	/* Nothing negotiated to tell the guest: flags 0, no GSO. */
	memset(hdr, 0, sizeof(*hdr));
	n->pkt_len = len;
	return 1;
}

/* Host pointer to byte off of the writable part of req, or NULL. */
static uint8_t *req_in_byte(const struct virtq_req *req, uint64_t off)
{
	unsigned int i;

	for (i = req->nr_out; i < req->nr_out + req->nr_in; i++) {
		if (off < req->iov[i].iov_len)
			return (uint8_t *)req->iov[i].iov_base + off;
		off -= req->iov[i].iov_len;
	}
	return NULL;
}

/*
 * The packet in n->pkt into as many receive chains as it needs (one
 * without MRG_RXBUF), all published at once. 1: delivered; 0: dropped,
 * it can never fit; -EAGAIN: too few buffers yet, the chains are given
 * back; other negative errno: the driver broke the ring.
 */
static int rx_deliver(struct vnet *n, struct virtio_dev *vdev,
		      struct virtq *vq)
{
	bool mrg = vdev->guest_features & (1ULL << NET_F_MRG_RXBUF);
	size_t hlen = guest_hdr_len(vdev);
	/* The header ends where the frame starts: a short one starts later. */
	const uint8_t *pkt = n->pkt + NET_HDR_LEN - hlen;
	uint64_t total = hlen + n->pkt_len, done = 0, got;
	struct virtq_req *req = &n->rx_req;
	uint8_t *nb_lo = NULL, *nb_hi = NULL;
	unsigned int count = 0;
	int ret;

	while (done < total) {
		if (count == vq->num || (count && !mrg)) {
			virtq_unpop(vq, count);
			net_warn(n, WARN_RX_ROOM, "received frame of %zu bytes "
				 "does not fit the receive buffers: dropped",
				 n->pkt_len);
			n->pkt_len = 0;
			return 0;
		}
		ret = virtq_pop(vq, req);
		if (ret == -EAGAIN)
			virtq_unpop(vq, count);
		if (ret)
			return ret;
		if (!count) {
			/* The header goes whole into the first buffer. */
			if (req->in_len < hlen) {
				pr_guest(&vdev->log_rl, LOG_WARN,
					 "virtio-net %s: receive buffer of "
					 "%llu bytes cannot hold the header",
					 n->ifname,
					 (unsigned long long)req->in_len);
				return -EINVAL;
			}
			if (hlen == NET_HDR_LEN) {
				nb_lo = req_in_byte(req, NET_HDR_LEN - 2);
				nb_hi = req_in_byte(req, NET_HDR_LEN - 1);
			}
		}
		got = virtq_req_fill(req, pkt + done, total - done);
		n->rx_used[count].id = req->head;
		n->rx_used[count].len = got;
		count++;
		done += got;
	}
	/* num_buffers, little-endian, now that the count is known. */
	if (nb_lo && nb_hi) {
		*nb_lo = count & 0xff;
		*nb_hi = count >> 8;
	}
	n->pkt_len = 0;
	ret = virtq_push_batch(vq, n->rx_used, count);
	return ret ?: 1;
}

/* The backend holds a frame it read: the fd will not say so. */
static bool backend_has_frame(const struct vnet *n)
{
	return n->be->ops->buffered && n->be->ops->buffered(n->be);
}

void vnet_receive(struct virtio_dev *vdev)
{
	struct vnet *n = vdev->priv;
	struct virtq *vq = &vdev->vqs[Q_RX];
	unsigned int i, delivered = 0;
	bool watch = false;
	int ret;

	if (n->vhost_fd >= 0 || !n->be || n->gone)
		return;		/* vhost-net reads the tap */
	if (!dev_running(vdev) || !vq->ready) {
		rx_watch(n, false);
		return;
	}
	for (i = 0; i < RX_BATCH || backend_has_frame(n); i++) {
		if (!n->pkt_len) {
			ret = rx_read(n);
			if (ret == -EAGAIN) {
				watch = true;
				goto out;
			}
			if (ret == -EPIPE) {
				backend_gone(n);
				goto out;
			}
			if (ret < 0) {
				/* Watched again after the next receive kick. */
				net_warn(n, WARN_RX_READ, "read: %s",
					 strerror(-ret));
				goto out;
			}
			if (!ret)
				continue;
		}
		ret = rx_deliver(n, vdev, vq);
		/* -EAGAIN: the packet waits; the driver kicks when it adds. */
		if (ret == -EAGAIN)
			goto out;
		if (ret < 0) {
			virtio_dev_broken(vdev);
			goto out;
		}
		delivered += ret;
	}
	/* More may wait: the next wakeup takes them. */
	watch = true;
out:
	if (delivered)
		virtio_notify(vdev, vq);
	rx_watch(n, watch);
}

bool vnet_rx_waiting(const struct virtio_dev *vdev)
{
	const struct vnet *n = vdev->priv;

	return n->pkt_len != 0;
}

bool vnet_rx_watching(const struct virtio_dev *vdev)
{
	const struct vnet *n = vdev->priv;

	return n->rx_watching;
}

/* One transmit chain to the backend; false if it was dropped. */
static bool tx_packet(struct vnet *n, const struct virtq_req *req,
		      size_t hlen)
{
	struct iovec iov[VIRTQ_MAX_SEGS];
	uint64_t skip = hlen;
	unsigned int i, nr = 0;
	struct net_hdr hdr = { 0 };
	int ret;

	if (req->out_len < hlen + ETH_HDR_LEN ||
	    req->out_len > hlen + NET_MAX_FRAME) {
		net_warn(n, WARN_TX_LEN, "transmit chain of %llu bytes "
			 "(header and frame: %zu to %zu) dropped",
			 (unsigned long long)req->out_len,
			 hlen + ETH_HDR_LEN, hlen + NET_MAX_FRAME);
		return false;
	}
	/* flags and gso_type lead both header layouts. */
	virtq_req_gather(req, &hdr, sizeof(hdr), hlen);
	/* We offer no checksum or segmentation offload. */
	if (hdr.gso_type != NET_HDR_GSO_NONE ||
	    (hdr.flags & NET_HDR_F_NEEDS_CSUM)) {
		net_warn(n, WARN_TX_OFFLOAD, "transmit header asks for an "
			 "offload not negotiated (flags 0x%x, gso %u): "
			 "dropped", hdr.flags, hdr.gso_type);
		return false;
	}
	for (i = 0; i < req->nr_out; i++) {
		size_t len = req->iov[i].iov_len;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		iov[nr].iov_base = (uint8_t *)req->iov[i].iov_base + skip;
		iov[nr].iov_len = len - skip;
		nr++;
		skip = 0;
	}
	ret = n->be->ops->send(n->be, iov, nr, req->out_len - hlen);
	if (ret) {
		net_warn(n, WARN_TX_WRITE, "write: %s", strerror(-ret));
		return false;
	}
	return true;
}

/* false while the backend still holds a frame it could not send. */
static bool tx_room(struct vnet *n)
{
	int ret;

	if (!n->be->ops->flush)
		return true;
	ret = n->be->ops->flush(n->be);
	if (ret == -EAGAIN) {
		if (!n->tx_blocked) {
			n->tx_blocked = true;
			update_watch(n);
		}
		return false;
	}
	if (ret)
		net_warn(n, WARN_TX_WRITE, "write: %s", strerror(-ret));
	if (n->tx_blocked) {
		n->tx_blocked = false;
		update_watch(n);
	}
	return true;
}

static void tx_run(struct virtio_dev *vdev, struct virtq *vq)
{
	struct vnet *n = vdev->priv;
	unsigned int count = 0;
	bool pushed = false;
	int ret = 0;

	if (!n->be)
		return;
	/* The chains wait in the ring until the backend has room. */
	while (tx_room(n) && (ret = virtq_pop(vq, &n->tx_req)) == 0) {
		tx_packet(n, &n->tx_req, guest_hdr_len(vdev));
		/* Sent or dropped, the buffer goes back. */
		n->tx_used[count].id = n->tx_req.head;
		n->tx_used[count].len = 0;
		if (++count < vq->num)
			continue;
		if (virtq_push_batch(vq, n->tx_used, count))
			break;
		count = 0;
		pushed = true;
	}
	if (count && !virtq_push_batch(vq, n->tx_used, count))
		pushed = true;
	if (ret && ret != -EAGAIN) {
		virtio_dev_broken(vdev);
		return;
	}
	/* One interrupt for the whole batch, if the driver wants one. */
	if (pushed)
		virtio_notify(vdev, vq);
}

static void net_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct vnet *n = vdev->priv;

	if (n->vhost_fd >= 0)
		return;
	if (vq->index == Q_RX)
		vnet_receive(vdev);	/* room for the packet that waits */
	else
		tx_run(vdev, vq);
}

/* Take the queues back from vhost-net (reset, or a failed start). */
static void vhost_stop(struct vnet *n, struct virtio_dev *vdev)
{
	struct vhost_vring_file off = { .fd = -1 };
	unsigned int i;

	for (i = 0; i < NET_NR_QUEUES; i++) {
		if (!(n->vhost_backends & (1U << i)))
			continue;
		off.index = i;
		if (ioctl(n->vhost_fd, VHOST_NET_SET_BACKEND, &off) < 0)
			pr_guest(&vdev->log_rl, LOG_WARN,
				 "virtio-net %s: vhost-net: stopping queue "
				 "%u: %s", n->ifname, i, strerror(errno));
	}
	/*
	 * No VHOST_GET_VRING_BASE: the queues are reset right after this,
	 * so where vhost-net stopped in them does not matter.
	 */
	vhost_put_kicks(vdev, &n->vhost_kicks);
	n->vhost_backends = 0;
	/* A fresh vhost-net for the next driver: no state carries over. */
	close(n->vhost_fd);
	n->vhost_fd = -1;
}

static int vhost_queue(struct vnet *n, struct virtio_dev *vdev,
		       unsigned int i)
{
	struct vhost_vring_file backend = { .index = i, .fd = n->fd };
	int ret;

	ret = vhost_set_vring(n->vhost_fd, vdev, i, &n->vhost_kicks);
	if (ret)
		return ret;
	if (ioctl(n->vhost_fd, VHOST_NET_SET_BACKEND, &backend) < 0)
		return err_set(-errno, "queue %u: %s", i, strerror(errno));
	n->vhost_backends |= 1U << i;
	/* Buffers added before the handover get looked at now. */
	return vhost_kick(vdev, i);
}

static int vhost_start(struct vnet *n, struct virtio_dev *vdev)
{
	unsigned int i;
	int ret;

	if (!vdev->queue_kick_fd || !vdev->queue_call_fd)
		return err_set(-EOPNOTSUPP, "the transport cannot hand over "
			       "queues");
	n->vhost_fd = open(VHOST_NET_DEV, O_RDWR | O_CLOEXEC);
	if (n->vhost_fd < 0)
		return err_set(-errno, "%s: %s", VHOST_NET_DEV,
			       strerror(errno));
	/*
	 * vhost-net hands the tap headers of the driver's size; the tap was
	 * set up for 12 bytes (TUNSETVNETHDRSZ). A legacy driver without
	 * MRG_RXBUF uses 10: pocvm serves that one itself.
	 */
	if (guest_hdr_len(vdev) != n->be->tap_hdr_len) {
		ret = err_set(-EOPNOTSUPP, "the driver's %zu-byte header "
			      "(legacy, no MRG_RXBUF) is not the tap's %u",
			      guest_hdr_len(vdev), n->be->tap_hdr_len);
	} else if (ioctl(n->vhost_fd, VHOST_SET_OWNER) < 0) {
		ret = err_set(-errno, "%s", strerror(errno));
	} else {
		ret = vhost_set_memory(n->vhost_fd, vdev,
				       vdev->guest_features & VHOST_FEATURES);
		for (i = 0; i < NET_NR_QUEUES && !ret; i++)
			ret = vhost_queue(n, vdev, i);
	}
	if (!ret)
		return 0;
	vhost_stop(n, vdev);
	return ret;
}

static void net_driver_ok(struct virtio_dev *vdev)
{
	struct vnet *n = vdev->priv;
	int ret;

	if (n->want_vhost && n->be && n->be->vhost_capable) {
		ret = vhost_start(n, vdev);
		if (!ret) {
			rx_watch(n, false);
			pr_info("virtio-net %s: queues served by vhost-net",
				n->ifname);
			return;
		}
		pr_warn("virtio-net %s: vhost-net: %s; pocvm serves the "
			"queues", n->ifname, err_message(ret));
	}
	/* Packets that came before the driver was ready. */
	vnet_receive(vdev);
}

static void net_reset(struct virtio_dev *vdev)
{
	struct vnet *n = vdev->priv;

	if (n->vhost_fd >= 0)
		vhost_stop(n, vdev);
	/*
	 * A packet read for the old driver goes nowhere. A frame the backend
	 * holds half-sent stays: the stream must not lose its place.
	 */
	n->pkt_len = 0;
	n->warned = 0;
	rx_watch(n, false);
}

static void backend_ready(void *arg, uint32_t events)
{
	struct virtio_dev *vdev = arg;
	struct vnet *n = vdev->priv;

	pthread_mutex_lock(&vdev->dev->lock);
	if (events & (EPOLLERR | EPOLLHUP)) {
		backend_gone(n);
		pthread_mutex_unlock(&vdev->dev->lock);
		return;
	}
	/*
	 * Room again: finish the frame the backend holds whatever the
	 * driver's state (or EPOLLOUT would fire on and on), then go on.
	 */
	if ((events & EPOLLOUT) && tx_room(n) && dev_running(vdev) &&
	    n->vhost_fd < 0 && vdev->vqs[Q_TX].ready)
		tx_run(vdev, &vdev->vqs[Q_TX]);
	if (events & EPOLLIN)
		vnet_receive(vdev);
	pthread_mutex_unlock(&vdev->dev->lock);
}

static int net_start(struct virtio_dev *vdev)
{
	struct vnet *n = vdev->priv;
	struct event_loop *loop = vdev->dev->vm->loop;
	int ret;

	/* Watched from DRIVER_OK on, and only while the guest has room. */
	ret = event_loop_add(loop, n->fd, n->rx_watching ? EPOLLIN : 0,
			     backend_ready, vdev);
	if (!ret && n->be && n->be->ops->start)
		ret = n->be->ops->start(n->be, loop);
	if (ret)
		return err_set(ret, "virtio-net %s: cannot watch the %s",
			       n->ifname, n->be->ops->name);
	n->loop = loop;
	return 0;
}

static void net_config_read(struct virtio_dev *vdev, uint32_t off,
			    void *data, unsigned int len)
{
	struct vnet *n = vdev->priv;
	uint8_t cfg[NET_CONFIG_SIZE] = { 0 };

	memcpy(cfg, n->mac, 6);
	cfg[6] = NET_S_LINK_UP;		/* status, little-endian */
	memcpy(data, cfg + off, len);
}

static void vnet_free(struct vnet *n)
{
	if (n->vhost_fd >= 0)
		close(n->vhost_fd);
	if (n->be)
		n->be->ops->destroy(n->be);
	free(n);
}

static void net_teardown(struct virtio_dev *vdev)
{
	vnet_free(vdev->priv);
	vdev->priv = NULL;
}

const struct virtio_dev_ops virtio_net_ops = {
	.name = "virtio-net",
	.device_id = 1,
	.features = (1ULL << NET_F_MAC) | (1ULL << NET_F_MRG_RXBUF) |
		    (1ULL << NET_F_STATUS),
	.nr_queues = NET_NR_QUEUES,
	.queue_num_max = NET_QUEUE_SIZE,
	.config_size = NET_CONFIG_SIZE,
	.config_read = net_config_read,
	.queue_notify = net_queue_notify,
	.driver_ok = net_driver_ok,
	.reset = net_reset,
	.start = net_start,
	.teardown = net_teardown,
};

struct vnet *vnet_create_backend(struct net_backend *be, const uint8_t mac[6])
{
	struct vnet *n;

	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->be = be;
	n->fd = be ? be->fd : -1;
	n->ifname = be ? be->what : "-";
	n->vhost_fd = -1;
	n->log_rl.name = "virtio-net";
	memcpy(n->mac, mac, 6);
	return n;
}

struct vnet *vnet_create(int fd, unsigned int fd_hdr_len,
			 const uint8_t mac[6])
{
	struct net_backend *be;
	struct vnet *n;

	be = net_tap_backend(fd, fd_hdr_len, "-");
	if (!be)
		return NULL;
	n = vnet_create_backend(be, mac);
	if (!n)
		free(be);	/* the fd stays the caller's */
	return n;
}

static int net_add(struct vm *vm, const struct net_config *nc)
{
	struct net_backend *be = NULL;
	struct vnet *n;
	pid_t pid = 0;
	int fd, log_fd, ret;

	if (nc->vhost) {
		fd = open(VHOST_NET_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return err_set(-errno, "--network: vhost=1: %s: %s",
				       VHOST_NET_DEV, strerror(errno));
		close(fd);
	}
	/* --dump-dtb (no VM) wants the node only: no tap or passt. */
	if (vm->vm_fd >= 0 && nc->mode == NET_USER) {
		ret = passt_start(vm->cfg, nc, &fd, &log_fd, &pid);
		if (ret)
			return ret;
		be = net_stream_backend(fd, pid);
		if (!be) {
			close(log_fd);
			passt_stop(fd, pid);
			return -ENOMEM;
		}
		/* The network nobody asked for keeps passt's words to info. */
		net_stream_set_log(be, log_fd, nc->by_default ? LOG_INFO :
				   LOG_WARN);
		ret = vm_add_child(vm, pid);
		if (ret) {
			be->ops->destroy(be);
			return ret;
		}
	} else if (vm->vm_fd >= 0) {
		ret = net_tap_open(nc, &be);
		if (ret)
			return ret;
	}
	n = vnet_create_backend(be, nc->guest_mac);
	if (!n) {
		if (be)
			be->ops->destroy(be);
		return -ENOMEM;
	}
	n->want_vhost = nc->vhost;
	ret = virtio_mmio_add(vm, &virtio_net_ops, n);
	if (ret)
		vnet_free(n);
	return ret;
}

static int net_create(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->cfg->nr_nets; i++) {
		ret = net_add(vm, &vm->cfg->nets[i]);
		if (ret)
			return ret;
	}
	return 0;
}

const struct device_type virtio_net_type = {
	.name = "virtio-net",
	.create = net_create,
};
