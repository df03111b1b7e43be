// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's tap backend: one frame per read() and write(), behind a
 * virtio_net_hdr (IFF_VNET_HDR) that pocvm keeps at "no offloads", so
 * that vhost-net can take the same tap over.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "net-backend.h"

#define HDR_F_NEEDS_CSUM	1
#define HDR_GSO_NONE		0

struct tap_backend {
	struct net_backend be;
};

static ssize_t tap_recv(struct net_backend *be, uint8_t *buf)
{
	uint8_t hdr[NET_TAP_HDR_LEN], extra;
	struct iovec iov[3];
	unsigned int nr = 0;
	ssize_t len;

	if (be->tap_hdr_len)
		iov[nr++] = (struct iovec){ hdr, be->tap_hdr_len };
	iov[nr++] = (struct iovec){ buf, NET_MAX_FRAME };
	/* One byte more tells a frame that is too long. */
	iov[nr++] = (struct iovec){ &extra, 1 };
	len = readv(be->fd, iov, nr);
	if (len < 0)
		return errno == EINTR || errno == EAGAIN ? -EAGAIN : -errno;
	if (!len)
		return -EPIPE;		/* a socket stand-in was closed */
	if ((size_t)len < be->tap_hdr_len ||
	    (size_t)len > be->tap_hdr_len + NET_MAX_FRAME) {
		snprintf(be->why, sizeof(be->why), "received frame of %zd "
			 "bytes (at most %d) dropped",
			 len - (ssize_t)be->tap_hdr_len, NET_MAX_FRAME);
		return 0;
	}
	/* TUNSETOFFLOAD 0: the tap must hand over whole, summed frames. */
	if (be->tap_hdr_len && (hdr[1] != HDR_GSO_NONE ||
				(hdr[0] & HDR_F_NEEDS_CSUM))) {
		snprintf(be->why, sizeof(be->why), "tap sent an offloaded "
			 "frame (flags 0x%x, gso %u): dropped", hdr[0], hdr[1]);
		return 0;
	}
	len -= be->tap_hdr_len;
	if (!len) {
		snprintf(be->why, sizeof(be->why), "received an empty frame");
		return 0;
	}
	return len;
}

static int tap_send(struct net_backend *be, const struct iovec *iov,
		    unsigned int nr, size_t len)
{
	static const uint8_t zero[NET_TAP_HDR_LEN];
	struct iovec out[nr + 1];
	unsigned int i, n = 0;

	/* The tap gets a header of its own: nothing the guest wrote. */
	if (be->tap_hdr_len)
		out[n++] = (struct iovec){ (void *)zero, be->tap_hdr_len };
	for (i = 0; i < nr; i++)
		out[n++] = iov[i];
	return writev(be->fd, out, n) < 0 ? -errno : 0;
}

static void tap_destroy(struct net_backend *be)
{
	if (be->fd >= 0)
		close(be->fd);
	free(be);
}

static const struct net_backend_ops tap_ops = {
	.name = "tap",
	.recv = tap_recv,
	.send = tap_send,
	.destroy = tap_destroy,
};

struct net_backend *net_tap_backend(int fd, unsigned int hdr_len,
				    const char *ifname)
{
	struct tap_backend *t;

	if (hdr_len != 0 && hdr_len != NET_TAP_HDR_LEN) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->be.ops = &tap_ops;
	t->be.fd = fd;
	t->be.tap_hdr_len = hdr_len;
	t->be.vhost_capable = true;
	snprintf(t->be.what, sizeof(t->be.what), "%s", ifname);
	return &t->be;
}

/* The tap named by the option (or a new one): its fd, or -errno. */
static int tap_open_fd(const struct net_config *nc, char *ifname)
{
	const char *what = nc->tapif[0] ? nc->tapif : "(new)";
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr_len = NET_TAP_HDR_LEN;
	int fd, ret;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return err_set(-errno, "--network: /dev/net/tun: %s",
			       strerror(errno));
	memcpy(ifr.ifr_name, nc->tapif, sizeof(nc->tapif));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		close(fd);
		/* An existing interface that is not a tap gives EINVAL. */
		return err_set(ret, "--network: tapif=%s: %s%s", what,
			       strerror(-ret), ret == -EINVAL ?
			       " (not a tap interface)" : "");
	}
	/* No offloads: the tap must hand over whole, checksummed frames. */
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, 0) < 0) {
		ret = -errno;
		close(fd);
		return err_set(ret, "--network: tapif=%s: %s", what,
			       strerror(-ret));
	}
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}

int net_tap_open(const struct net_config *nc, struct net_backend **be)
{
	char ifname[IFNAMSIZ];
	int fd;

	fd = tap_open_fd(nc, ifname);
	if (fd < 0)
		return fd;
	if (!nc->tapif[0])
		pr_warn("--network: no tapif given: the kernel named the tap "
			"%s", ifname);
	else
		pr_info("virtio-net: tap %s", ifname);
	*be = net_tap_backend(fd, NET_TAP_HDR_LEN, ifname);
	if (!*be) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}
