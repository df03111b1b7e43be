// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net as the fuzzers run it: hw/virtio/net.c over a SOCK_SEQPACKET
 * socketpair standing in for the tap (one datagram, one frame, as on a
 * tap), over the big sparse RAM. The harness holds the other end: what
 * it sends is received by the guest (OP_INPUT), what the guest transmits
 * is read back and checked.
 *
 * Like the disks (dev-blk.c), a backend is made once per kind and kept
 * open across runs, reset between them: struct vnet holds a 64 KiB
 * packet buffer, fresh pages for it would cost a page fault each.
 *
 * Input (create): u8 how (bit 0: the fd frames packets with a 12-byte
 * virtio_net_hdr, as a tap with IFF_VNET_HDR does; bit 1: passt's
 * SOCK_STREAM socket instead, each frame behind a 4-byte big-endian
 * length, made anew each run since the stream keeps its place).
 * OP_INPUT: u8 size form, the size (see host_input()), the frame bytes;
 * on the stream, bit 2 of the form sends the bytes raw, lengths and all.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "net-backend.h"
#include "virtio-net.h"
#include "virtio.h"

#define NET_HDR_LEN	12
#define ETH_HDR_LEN	14
#define NET_MAX_FRAME	65550

static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static struct backend {
	struct vnet *net;
	int fd;			/* the device's end of the "tap" */
	int peer;		/* the host's end */
} backends[2];
static int peer = -1;
static unsigned int hdr_len;
static uint8_t pkt[NET_HDR_LEN + NET_MAX_FRAME + 64];
/* The stream: its vnet, and where drain_tx() is in what it sent. */
static struct vnet *stream_net;
static int stream_peer = -1;
static bool stream;
static uint8_t tx_len[4];
static unsigned int tx_len_have;
static uint64_t tx_left;

static int create_stream(struct vm *vm)
{
	struct net_backend *be;
	int sv[2];

	if (stream_net) {
		virtio_net_ops.teardown(&(struct virtio_dev){
			.priv = stream_net });
		close(stream_peer);
	}
	FUZZ_CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0, sv));
	be = net_stream_backend(sv[0], 0);
	FUZZ_CHECK(be);
	stream_net = vnet_create_backend(be, mac);
	FUZZ_CHECK(stream_net);
	peer = stream_peer = sv[1];
	stream = true;
	hdr_len = 0;
	tx_len_have = 0;
	tx_left = 0;
	return virtio_mmio_add(vm, &virtio_net_ops, stream_net);
}

static int create(struct vm *vm, struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	struct backend *be = &backends[how & 1];
	int sv[2];

	if (how & 2)
		return create_stream(vm);
	stream = false;
	hdr_len = be == &backends[1] ? NET_HDR_LEN : 0;
	if (!be->net) {
		FUZZ_CHECK(!socketpair(AF_UNIX, SOCK_SEQPACKET |
				       SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
		be->net = vnet_create(sv[0], hdr_len, mac);
		FUZZ_CHECK(be->net);
		be->fd = sv[0];
		be->peer = sv[1];
		}
	peer = be->peer;
	/* Frames the last run sent the guest and it never took: gone. */
	while (recv(be->fd, pkt, sizeof(pkt), MSG_DONTWAIT) >= 0)
		;
	return virtio_mmio_add(vm, &virtio_net_ops, be->net);
}

/* What the guest sent on the stream: each length 14 to 65550. */
static void drain_stream(void)
{
	ssize_t len, i;
	uint64_t skip;

	while ((len = recv(peer, pkt, sizeof(pkt), MSG_DONTWAIT)) > 0) {
		for (i = 0; i < len; i += skip) {
			skip = 1;
			if (tx_left) {
				skip = (uint64_t)(len - i) < tx_left ?
				       (uint64_t)(len - i) : tx_left;
				tx_left -= skip;
				continue;
			}
			tx_len[tx_len_have++] = pkt[i];
			if (tx_len_have < 4)
				continue;
			tx_len_have = 0;
			tx_left = (uint32_t)tx_len[0] << 24 | tx_len[1] << 16 |
				  tx_len[2] << 8 | tx_len[3];
			FUZZ_CHECK(tx_left >= ETH_HDR_LEN);
			FUZZ_CHECK(tx_left <= NET_MAX_FRAME);
		}
	}
}

/* Frames the guest sent: whole, in size, behind a header of zeroes. */
static void drain_tx(void)
{
	static const uint8_t zero[NET_HDR_LEN];
	ssize_t len;

	if (stream) {
		drain_stream();
		return;
	}
	while ((len = recv(peer, pkt, sizeof(pkt), MSG_DONTWAIT)) >= 0) {
		FUZZ_CHECK((size_t)len >= hdr_len + ETH_HDR_LEN);
		FUZZ_CHECK((size_t)len <= hdr_len + NET_MAX_FRAME);
		FUZZ_CHECK(!memcmp(pkt, zero, hdr_len));
	}
}

/*
 * A frame from the host: u8 form, then its size (0: u8, 1: u16,
 * 2: 65536 + u8, past the largest frame, 3: 14 + u8 and a header with
 * the offload bits the device must refuse), then the bytes. One turn of
 * the event loop follows, as the frame's arrival would wake it.
 */
static void host_input(struct virtio_dev *vdev, struct fuzz_in *in)
{
	uint8_t form = fuzz_u8(in), lenb[4];
	bool raw = form & 4;
	size_t len;

	switch (form & 3) {
	case 0:
		len = fuzz_u8(in);
		break;
	case 1:
		len = fuzz_u16(in);
		break;
	case 2:
		len = 65536 + fuzz_u8(in);
		break;
	default:
		len = hdr_len + ETH_HDR_LEN + fuzz_u8(in);
		break;
	}
	if (len > sizeof(pkt))
		len = sizeof(pkt);
	fuzz_bytes(in, pkt, len);
	if (stream) {
		/* Framed as passt does, or raw: the lengths are hostile too. */
		lenb[0] = len >> 24;
		lenb[1] = len >> 16;
		lenb[2] = len >> 8;
		lenb[3] = len;
		if (!raw && send(peer, lenb, 4, MSG_DONTWAIT) < 0)
			fuzz_report("send to the device", -1);
		if (len && send(peer, pkt, len, MSG_DONTWAIT) < 0)
			fuzz_report("send to the device", -1);
	} else if (send(peer, pkt, len, MSG_DONTWAIT) < 0 && len) {
		/* A full socket drops it, as a tap's queue would. */
		fuzz_report("send to the device", -1);
	}
	drain_tx();
	fuzz_loop_run();
	drain_tx();
}

static void quiesce(struct virtio_dev *vdev)
{
	drain_tx();
}

const struct fuzz_virtio_target fuzz_virtio_net = {
	.create = create,
	.big_ram = true,
	.host_input = host_input,
	.quiesce = quiesce,
	.persistent = true,
};
