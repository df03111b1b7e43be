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
 * virtio_net_hdr, as a tap with IFF_VNET_HDR does).
 * OP_INPUT: u8 size form, the size (see host_input()), the frame bytes.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
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

static int create(struct vm *vm, struct fuzz_in *in)
{
	struct backend *be = &backends[fuzz_u8(in) & 1];
	int sv[2];

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

/* Frames the guest sent: whole, in size, behind a header of zeroes. */
static void drain_tx(void)
{
	static const uint8_t zero[NET_HDR_LEN];
	ssize_t len;

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
	uint8_t form = fuzz_u8(in) & 3;
	size_t len;

	switch (form) {
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
	/* A full socket drops it, as a tap's queue would. */
	if (send(peer, pkt, len, MSG_DONTWAIT) < 0 && len)
		fuzz_report("send to the device", -1);
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
