// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's stream backend: frames over a connected SOCK_STREAM
 * socket, each behind its length as a 4-byte big-endian number. That
 * is QEMU's "stream" netdev framing, which passt speaks on its socket.
 *
 * A stream has no frame boundaries of its own, so both directions keep
 * their place in it: reads fill a buffer that frames are cut from (a
 * frame may arrive in pieces), and a frame the socket took only part of
 * keeps its tail until the socket is writable again. The lengths come
 * from another process: one larger than any frame is skipped, never
 * copied.
 *
 * The child's messages (passt's) arrive on a pipe of their own, which
 * the event loop watches from the device's start on: until the guest
 * runs they wait in it, so an error before then is printed alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "event-loop.h"
#include "net-backend.h"
#include "passt.h"

#define LEN_BYTES	4
/* Room for a whole largest frame, and for many small ones per read. */
#define RX_BUF_SIZE	(128 * 1024)
#define TX_BUF_SIZE	(LEN_BYTES + NET_MAX_FRAME)

_Static_assert(RX_BUF_SIZE >= LEN_BYTES + NET_MAX_FRAME,
	       "a whole frame must fit the receive buffer");

struct stream_backend {
	struct net_backend be;
	pid_t pid;		/* the peer process, 0: none of ours */
	int log_fd;		/* its messages' pipe, -1: none */
	enum log_level log_level;
	struct event_loop *loop;	/* watching log_fd, NULL: not yet */
	struct passt_log log;
	/* rx[start, end): bytes read and not yet cut into frames */
	size_t rx_start, rx_end;
	uint64_t rx_skip;	/* bytes of an oversized frame still to drop */
	/* tx[tx_off, tx_len): the tail of a frame the socket did not take */
	size_t tx_off, tx_len;
	uint8_t rx[RX_BUF_SIZE];
	uint8_t tx[TX_BUF_SIZE];
};

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Move what is left to the front and read more behind it. */
static int stream_fill(struct stream_backend *s)
{
	size_t have = s->rx_end - s->rx_start;
	ssize_t n;

	if (s->rx_start) {
		memmove(s->rx, s->rx + s->rx_start, have);
		s->rx_start = 0;
		s->rx_end = have;
	}
	n = read(s->be.fd, s->rx + s->rx_end, sizeof(s->rx) - s->rx_end);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -EAGAIN : -errno;
	if (!n)
		return -EPIPE;
	s->rx_end += n;
	return 0;
}

static ssize_t stream_recv(struct net_backend *be, uint8_t *buf)
{
	struct stream_backend *s = (struct stream_backend *)be;
	uint64_t have, len;
	int ret;

	for (;;) {
		have = s->rx_end - s->rx_start;
		if (s->rx_skip) {
			len = have < s->rx_skip ? have : s->rx_skip;
			s->rx_start += len;
			s->rx_skip -= len;
			if (s->rx_skip) {
				/* Dropping in place: the buffer is empty. */
				s->rx_start = s->rx_end = 0;
				ret = stream_fill(s);
				if (ret)
					return ret;
			}
			continue;
		}
		if (have >= LEN_BYTES) {
			len = get_be32(s->rx + s->rx_start);
			if (len < NET_ETH_HDR_LEN || len > NET_MAX_FRAME) {
				s->rx_start += LEN_BYTES;
				s->rx_skip = len;
				snprintf(be->why, sizeof(be->why), "received "
					 "frame of %llu bytes (%d to %d) "
					 "dropped", (unsigned long long)len,
					 NET_ETH_HDR_LEN, NET_MAX_FRAME);
				return 0;
			}
			if (have >= LEN_BYTES + len) {
				memcpy(buf, s->rx + s->rx_start + LEN_BYTES,
				       len);
				s->rx_start += LEN_BYTES + len;
				return len;
			}
		}
		/* have < LEN_BYTES + NET_MAX_FRAME: the fill has room. */
		ret = stream_fill(s);
		if (ret)
			return ret;
	}
}

static bool stream_buffered(const struct net_backend *be)
{
	const struct stream_backend *s = (const struct stream_backend *)be;
	uint64_t have = s->rx_end - s->rx_start, len;

	if (s->rx_skip)
		return have;
	if (have < LEN_BYTES)
		return false;
	len = get_be32(s->rx + s->rx_start);
	/* A length recv() refuses is dropped without a read too. */
	return len < NET_ETH_HDR_LEN || len > NET_MAX_FRAME ||
	       have >= LEN_BYTES + len;
}

static int stream_flush(struct net_backend *be)
{
	struct stream_backend *s = (struct stream_backend *)be;
	ssize_t n;

	while (s->tx_off < s->tx_len) {
		n = write(be->fd, s->tx + s->tx_off, s->tx_len - s->tx_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return -EAGAIN;
		if (n < 0) {
			/* The peer is gone: the stream has no place left. */
			s->tx_off = s->tx_len = 0;
			return -errno;
		}
		s->tx_off += n;
	}
	s->tx_off = s->tx_len = 0;
	return 0;
}

static int stream_send(struct net_backend *be, const struct iovec *iov,
		       unsigned int nr, size_t len)
{
	struct stream_backend *s = (struct stream_backend *)be;
	struct iovec out[nr + 1];
	uint8_t hdr[LEN_BYTES];
	size_t done, skip;
	unsigned int i;
	ssize_t n;

	if (s->tx_len)
		return -EAGAIN;		/* flush() first */
	if (len < 1 || len > NET_MAX_FRAME)
		return -EMSGSIZE;
	put_be32(hdr, len);
	out[0] = (struct iovec){ hdr, LEN_BYTES };
	memcpy(out + 1, iov, nr * sizeof(*iov));
	do {
		n = writev(be->fd, out, nr + 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno != EAGAIN)
		return -errno;
	done = n < 0 ? 0 : n;
	if (done == LEN_BYTES + len)
		return 0;
	/* Keep the rest, or the next frame would land mid-frame. */
	skip = done;
	for (i = 0; i < nr + 1; i++) {
		size_t seg = out[i].iov_len;

		if (skip >= seg) {
			skip -= seg;
			continue;
		}
		memcpy(s->tx + s->tx_len, (uint8_t *)out[i].iov_base + skip,
		       seg - skip);
		s->tx_len += seg - skip;
		skip = 0;
	}
	s->tx_off = 0;
	return 0;
}

static void stream_log_ready(void *arg, uint32_t events)
{
	struct stream_backend *s = arg;

	(void)events;
	if (passt_relay(s->log_fd, &s->log, s->log_level) == -EPIPE) {
		event_loop_del(s->loop, s->log_fd);
		close(s->log_fd);
		s->log_fd = -1;
		s->loop = NULL;
	}
}

static int stream_start(struct net_backend *be, struct event_loop *loop)
{
	struct stream_backend *s = (struct stream_backend *)be;
	int ret;

	if (s->log_fd < 0)
		return 0;
	ret = event_loop_add(loop, s->log_fd, EPOLLIN, stream_log_ready, s);
	if (!ret)
		s->loop = loop;
	return ret;
}

static void stream_destroy(struct net_backend *be)
{
	struct stream_backend *s = (struct stream_backend *)be;

	if (s->log_fd >= 0) {
		if (s->loop)
			event_loop_del(s->loop, s->log_fd);
		close(s->log_fd);
	}
	passt_stop(be->fd, s->pid);
	free(s);
}

static const struct net_backend_ops stream_ops = {
	.name = "stream socket",
	.recv = stream_recv,
	.buffered = stream_buffered,
	.send = stream_send,
	.flush = stream_flush,
	.start = stream_start,
	.destroy = stream_destroy,
};

struct net_backend *net_stream_backend(int fd, pid_t pid)
{
	struct stream_backend *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->be.ops = &stream_ops;
	s->be.fd = fd;
	s->pid = pid;
	s->log_fd = -1;
	snprintf(s->be.what, sizeof(s->be.what), "passt");
	return &s->be;
}

void net_stream_set_log(struct net_backend *be, int log_fd, int level)
{
	struct stream_backend *s = (struct stream_backend *)be;

	s->log_fd = log_fd;
	s->log_level = (enum log_level)level;
}
