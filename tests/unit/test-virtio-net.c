// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net driven through the virtio-mmio transport over fake guest
 * RAM, as Linux's driver would, with a SOCK_SEQPACKET socketpair standing
 * in for the tap: one datagram is one frame, as on a tap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "net-backend.h"
#include "unit.h"
#include "vdev-regs.h"
#include "virtio-net.h"

#define BASE	0x40000000ULL
#define SIZE	(1ULL << 20)
#define QSIZE	16
#define HDR	12

#define RX_DESC		0x0000
#define RX_AVAIL	0x1000
#define RX_USED		0x2000
#define TX_DESC		0x3000
#define TX_AVAIL	0x4000
#define TX_USED		0x5000
#define BUF_OFF		0x10000
#define BUF(n)		(BASE + BUF_OFF + (n) * 0x1000)
#define BIG_OFF		0x40000	/* room for oversized chains */

#define F_MAC		(1U << 5)
#define F_MRG		(1U << 15)
#define F_STATUS	(1U << 16)

static const uint8_t mac[6] = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x07 };

static struct guest_mem mem;
static uint8_t *ram;
static struct virtio_dev vdev;
static int sv[2];		/* sv[0]: the device's "tap", sv[1]: ours */
static int irq_level;
static enum log_level saved_level;

struct queue {
	uint64_t desc, avail, used;
	uint16_t next_desc;
};

static unsigned int qsize;	/* QSIZE, or what a test sets */
static struct queue rxq = { RX_DESC, RX_AVAIL, RX_USED, 0 };
static struct queue txq = { TX_DESC, TX_AVAIL, TX_USED, 0 };

static int fake_set_irq(struct virtio_dev *v, int level)
{
	irq_level = level;
	return 0;
}

/* The device under test's registers. */
#define rd(off)		vdev_rd(&vdev, off)
#define wr(off, v)	vdev_wr(&vdev, off, v)

static void setup_queue(unsigned int index, struct queue *q)
{
	q->next_desc = 0;
	wr(0x030, index);
	ck_assert_uint_eq(rd(0x034), 256);
	wr(0x038, qsize);
	wr(0x080, (uint32_t)(BASE + q->desc));
	wr(0x084, (BASE + q->desc) >> 32);
	wr(0x090, (uint32_t)(BASE + q->avail));
	wr(0x094, (BASE + q->avail) >> 32);
	wr(0x0a0, (uint32_t)(BASE + q->used));
	wr(0x0a4, (BASE + q->used) >> 32);
	wr(0x044, 1);
	ck_assert_uint_eq(rd(0x044), 1);
}

/* Bring the device up like Linux: features, both queues, DRIVER_OK. */
static void driver_up_on(struct vnet *n, uint32_t low_features)
{
	ck_assert_int_eq(virtio_dev_init(&vdev, &virtio_net_ops,
					 VIRTIO_TRANSPORT_MMIO, &mem, n), 0);
	vdev.set_irq = fake_set_irq;
	irq_level = 0;
	virtio_dev_reset(&vdev);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x024, 0);
	wr(0x020, low_features);
	wr(0x024, 1);
	wr(0x020, 1);		/* VERSION_1 */
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	ck_assert(rd(0x070) & VIRTIO_STATUS_FEATURES_OK);
	setup_queue(0, &rxq);
	setup_queue(1, &txq);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
}

/* ... over a tap stand-in: one datagram, one frame. */
static void driver_up(unsigned int fd_hdr_len, uint32_t low_features)
{
	struct vnet *n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, sv), 0);
	n = vnet_create(sv[0], fd_hdr_len, mac);
	ck_assert_ptr_nonnull(n);
	driver_up_on(n, low_features);
}

/* ... over passt's stream socket: each frame behind its length. */
static void driver_up_stream(uint32_t low_features)
{
	struct net_backend *be;
	struct vnet *n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK,
				    0, sv), 0);
	be = net_stream_backend(sv[0], 0);
	ck_assert_ptr_nonnull(be);
	n = vnet_create_backend(be, mac);
	ck_assert_ptr_nonnull(n);
	driver_up_on(n, low_features);
}

/*
 * The same on a version 1 device, as Linux's legacy driver does it:
 * GuestPageSize, reset, features (no VERSION_1, no FEATURES_OK), each
 * queue packed at its desc offset, its used ring on the next page.
 */
static void legacy_queue(unsigned int index, struct queue *q)
{
	q->next_desc = 0;
	q->avail = q->desc + 16 * qsize;
	q->used = q->desc + 0x1000;
	wr(0x030, index);
	ck_assert_uint_eq(rd(0x040), 0);
	ck_assert_uint_eq(rd(0x034), 256);
	wr(0x038, qsize);
	wr(0x03c, 0x1000);
	wr(0x040, (BASE + q->desc) / 0x1000);
	ck_assert_uint_eq(rd(0x040), (BASE + q->desc) / 0x1000);
}

static void legacy_driver_up(uint32_t low_features)
{
	struct vnet *n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, sv), 0);
	n = vnet_create(sv[0], 0, mac);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(virtio_dev_init(&vdev, &virtio_net_ops,
					 VIRTIO_TRANSPORT_MMIO_LEGACY, &mem,
					 n), 0);
	vdev.set_irq = fake_set_irq;
	irq_level = 0;
	ck_assert_uint_eq(rd(0x004), 1);
	wr(0x028, 0x1000);
	wr(0x070, 0);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x024, 1);
	wr(0x020, 0);
	wr(0x024, 0);
	wr(0x020, low_features);
	legacy_queue(0, &rxq);
	legacy_queue(1, &txq);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_DRIVER_OK);
}

static void setup(void)
{
	rxq = (struct queue){ RX_DESC, RX_AVAIL, RX_USED, 0 };
	txq = (struct queue){ TX_DESC, TX_AVAIL, TX_USED, 0 };
	qsize = QSIZE;
	memset(&mem, 0, sizeof(mem));
	ram = calloc(1, SIZE);
	ck_assert_ptr_nonnull(ram);
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, SIZE, ram), 0);
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;	/* the bad cases warn by design */
}

static void teardown(void)
{
	log_threshold = saved_level;
	if (vdev.ops && vdev.priv)
		vdev.ops->teardown(&vdev);	/* closes sv[0] */
	close(sv[1]);
	memset(&vdev, 0, sizeof(vdev));
	guest_mem_release(&mem);
	free(ram);
}

static struct virtq_desc *desc(struct queue *q, unsigned int i)
{
	return (struct virtq_desc *)(ram + q->desc) + i;
}

static struct virtq_avail *avail(struct queue *q)
{
	return (struct virtq_avail *)(ram + q->avail);
}

static struct virtq_used *used(struct queue *q)
{
	return (struct virtq_used *)(ram + q->used);
}

/* A chain of segments (gpa, len), writable or not; returns its head. */
static uint16_t add_chain(struct queue *q, const uint64_t *gpa,
			  const uint32_t *len, unsigned int nr, bool write)
{
	uint16_t head = q->next_desc;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct virtq_desc *d = desc(q, q->next_desc);

		d->addr = gpa[i];
		d->len = len[i];
		d->flags = (write ? VIRTQ_DESC_F_WRITE : 0) |
			   (i + 1 < nr ? VIRTQ_DESC_F_NEXT : 0);
		d->next = q->next_desc + 1;
		q->next_desc = (q->next_desc + 1) % qsize;
	}
	avail(q)->ring[avail(q)->idx % qsize] = head;
	__atomic_store_n(&avail(q)->idx, avail(q)->idx + 1, __ATOMIC_RELEASE);
	return head;
}

static uint16_t add_rx_buffer(unsigned int buf, uint32_t len)
{
	uint64_t gpa = BUF(buf);

	return add_chain(&rxq, &gpa, &len, 1, true);
}

static void fill_frame(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

START_TEST(config_space)
{
	uint8_t b[8];

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	ck_assert_uint_eq(rd(0x008), 1);
	wr(0x014, 0);
	ck_assert_uint_eq(rd(0x010) & (F_MAC | F_MRG | F_STATUS),
			  F_MAC | F_MRG | F_STATUS);
	virtio_mmio_access(&vdev, 0x100, b, 6, false);
	ck_assert_mem_eq(b, mac, 6);
	virtio_mmio_access(&vdev, 0x106, b, 2, false);
	ck_assert_uint_eq(b[0], 1);		/* VIRTIO_NET_S_LINK_UP */
	ck_assert_uint_eq(b[1], 0);
}
END_TEST

/* Header and frame split oddly over three segments, as Linux may. */
static void send_tx(const uint8_t *hdr, const uint8_t *frame, size_t len)
{
	uint64_t gpa[3] = { BUF(8), BUF(9), BUF(10) };
	uint32_t lens[3] = { 8, 4 + 10, len - 10 };

	memcpy(ram + BUF_OFF + 8 * 0x1000, hdr, 8);
	memcpy(ram + BUF_OFF + 9 * 0x1000, hdr + 8, 4);
	memcpy(ram + BUF_OFF + 9 * 0x1000 + 4, frame, 10);
	memcpy(ram + BUF_OFF + 10 * 0x1000, frame + 10, len - 10);
	add_chain(&txq, gpa, lens, 3, false);
	wr(0x050, 1);
}

START_TEST(tx_strips_header)
{
	uint8_t hdr[HDR] = { 0 }, frame[1000], got[2000];

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	fill_frame(frame, sizeof(frame), 3);
	hdr[2] = 54;	/* hdr_len: a hint, allowed without offloads */
	send_tx(hdr, frame, sizeof(frame));
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0), sizeof(frame));
	ck_assert_mem_eq(got, frame, sizeof(frame));
	ck_assert_uint_eq(used(&txq)->idx, 1);
	ck_assert_uint_eq(used(&txq)->ring[0].id, 0);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(0x060), VIRTIO_INT_VRING);
}
END_TEST

START_TEST(tx_tap_header)
{
	uint8_t hdr[HDR] = { 0 }, frame[200], got[400], zero[HDR] = { 0 };

	driver_up(HDR, F_MAC | F_MRG | F_STATUS);
	fill_frame(frame, sizeof(frame), 9);
	hdr[2] = 54;
	send_tx(hdr, frame, sizeof(frame));
	/* The tap gets a header of pocvm's making, then the frame. */
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0),
			 HDR + sizeof(frame));
	ck_assert_mem_eq(got, zero, HDR);
	ck_assert_mem_eq(got + HDR, frame, sizeof(frame));
}
END_TEST

START_TEST(tx_bad_chains_dropped)
{
	uint8_t hdr[HDR] = { 0 }, frame[100], got[100];
	uint64_t gpa = BUF(0), big = BASE + BIG_OFF;
	uint32_t len = 8, big_len = HDR + 65550 + 1;

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	/* Shorter than the header, then longer than any packet. */
	add_chain(&txq, &gpa, &len, 1, false);
	add_chain(&txq, &big, &big_len, 1, false);
	/* Offloads that were not negotiated. */
	hdr[0] = 1;		/* NEEDS_CSUM */
	fill_frame(frame, sizeof(frame), 1);
	send_tx(hdr, frame, sizeof(frame));
	hdr[0] = 0;
	hdr[1] = 1;		/* GSO_TCPV4 */
	send_tx(hdr, frame, sizeof(frame));
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0), -1);
	ck_assert_int_eq(errno, EAGAIN);
	/* Every chain went back; the device keeps working. */
	ck_assert_uint_eq(used(&txq)->idx, 4);
	ck_assert(!(rd(0x070) & VIRTIO_STATUS_NEEDS_RESET));
	hdr[1] = 0;
	send_tx(hdr, frame, sizeof(frame));
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0), sizeof(frame));
	/* The largest packet passes. */
	big_len--;
	memset(ram + BIG_OFF, 0, HDR);
	add_chain(&txq, &big, &big_len, 1, false);
	wr(0x050, 1);
	ck_assert_int_eq(recv(sv[1], ram + BIG_OFF + 0x20000, 65550, 0),
			 65550);
}
END_TEST

static uint16_t rx_num_buffers(unsigned int buf)
{
	uint8_t *h = ram + BUF_OFF + buf * 0x1000;

	return h[10] | h[11] << 8;
}

START_TEST(rx_mergeable)
{
	uint8_t frame[3000];

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	add_rx_buffer(0, 1536);
	add_rx_buffer(1, 1536);
	add_rx_buffer(2, 1536);
	fill_frame(frame, sizeof(frame), 5);
	ck_assert_int_eq(send(sv[1], frame, sizeof(frame), 0), sizeof(frame));
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 2);
	ck_assert_uint_eq(used(&rxq)->ring[0].id, 0);
	ck_assert_uint_eq(used(&rxq)->ring[0].len, 1536);
	ck_assert_uint_eq(used(&rxq)->ring[1].id, 1);
	ck_assert_uint_eq(used(&rxq)->ring[1].len, HDR + 3000 - 1536);
	ck_assert_uint_eq(rx_num_buffers(0), 2);
	ck_assert_uint_eq(ram[BUF_OFF], 0);		/* flags */
	ck_assert_uint_eq(ram[BUF_OFF + 1], 0);		/* gso_type */
	ck_assert_mem_eq(ram + BUF_OFF + HDR, frame, 1536 - HDR);
	ck_assert_mem_eq(ram + BUF_OFF + 0x1000, frame + 1536 - HDR,
			 3000 - (1536 - HDR));
	ck_assert_int_eq(irq_level, 1);
	ck_assert(vnet_rx_watching(&vdev));
	ck_assert(!vnet_rx_waiting(&vdev));
}
END_TEST

START_TEST(rx_waits_for_buffers)
{
	uint8_t frame[3000];

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	fill_frame(frame, sizeof(frame), 11);
	ck_assert_int_eq(send(sv[1], frame, sizeof(frame), 0), sizeof(frame));
	vnet_receive(&vdev);
	/* No buffer: the packet waits and the fd is not watched. */
	ck_assert(vnet_rx_waiting(&vdev));
	ck_assert(!vnet_rx_watching(&vdev));
	ck_assert_uint_eq(used(&rxq)->idx, 0);
	/* One buffer is not enough: given back, still waiting. */
	add_rx_buffer(0, 1536);
	wr(0x050, 0);
	ck_assert(vnet_rx_waiting(&vdev));
	ck_assert_uint_eq(used(&rxq)->idx, 0);
	ck_assert_int_eq(irq_level, 0);
	/* The second one arrives: both are used, in order. */
	add_rx_buffer(1, 4096);
	wr(0x050, 0);
	ck_assert(!vnet_rx_waiting(&vdev));
	ck_assert(vnet_rx_watching(&vdev));
	ck_assert_uint_eq(used(&rxq)->idx, 2);
	ck_assert_uint_eq(used(&rxq)->ring[0].id, 0);
	ck_assert_uint_eq(used(&rxq)->ring[1].id, 1);
	ck_assert_uint_eq(rx_num_buffers(0), 2);
	ck_assert_mem_eq(ram + BUF_OFF + 0x1000, frame + 1536 - HDR,
			 3000 - (1536 - HDR));
	ck_assert_int_eq(irq_level, 1);
}
END_TEST

START_TEST(rx_without_mergeable)
{
	uint8_t frame[3000];

	driver_up(0, F_MAC | F_STATUS);
	add_rx_buffer(0, 1536);
	add_rx_buffer(1, 1536);
	fill_frame(frame, sizeof(frame), 2);
	send(sv[1], frame, sizeof(frame), 0);
	send(sv[1], frame, 100, 0);
	vnet_receive(&vdev);
	/* One chain per packet: the big one is dropped, the next fits. */
	ck_assert_uint_eq(used(&rxq)->idx, 1);
	ck_assert_uint_eq(used(&rxq)->ring[0].id, 0);
	ck_assert_uint_eq(used(&rxq)->ring[0].len, HDR + 100);
	ck_assert_uint_eq(rx_num_buffers(0), 1);
	ck_assert_mem_eq(ram + BUF_OFF + HDR, frame, 100);
}
END_TEST

/*
 * Legacy without MRG_RXBUF: the header is struct virtio_net_hdr, 10
 * bytes, with no num_buffers (5.1.6 "Legacy Interface").
 */
START_TEST(legacy_rx_short_header)
{
	uint8_t frame[300];

	legacy_driver_up(F_MAC | F_STATUS);
	add_rx_buffer(0, 1536);
	memset(ram + BUF_OFF, 0xee, 1536);
	fill_frame(frame, sizeof(frame), 6);
	send(sv[1], frame, sizeof(frame), 0);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 1);
	ck_assert_uint_eq(used(&rxq)->ring[0].len, 10 + sizeof(frame));
	ck_assert_uint_eq(ram[BUF_OFF], 0);		/* flags */
	ck_assert_uint_eq(ram[BUF_OFF + 9], 0);		/* csum_offset */
	ck_assert_mem_eq(ram + BUF_OFF + 10, frame, sizeof(frame));
	/* Nothing written past the packet. */
	ck_assert_uint_eq(ram[BUF_OFF + 10 + sizeof(frame)], 0xee);
	ck_assert_int_eq(irq_level, 1);
}
END_TEST

/* Legacy with MRG_RXBUF: 12 bytes, num_buffers counts the chains. */
START_TEST(legacy_rx_mergeable)
{
	uint8_t frame[2000];

	legacy_driver_up(F_MAC | F_MRG | F_STATUS);
	add_rx_buffer(0, 1024);
	add_rx_buffer(1, 1024);
	fill_frame(frame, sizeof(frame), 8);
	send(sv[1], frame, sizeof(frame), 0);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 2);
	ck_assert_uint_eq(rx_num_buffers(0), 2);
	ck_assert_uint_eq(used(&rxq)->ring[1].len, HDR + 2000 - 1024);
	ck_assert_mem_eq(ram + BUF_OFF + HDR, frame, 1024 - HDR);
	ck_assert_mem_eq(ram + BUF_OFF + 0x1000, frame + 1024 - HDR,
			 2000 - (1024 - HDR));
}
END_TEST

/*
 * Legacy transmit without ANY_LAYOUT: the 10-byte header alone in the
 * first descriptor, the frame in the next; the tap gets the frame whole.
 */
START_TEST(legacy_tx_short_header)
{
	uint8_t frame[500], got[1000];
	uint64_t gpa[2] = { BUF(8), BUF(9) };
	uint32_t lens[2] = { 10, sizeof(frame) };

	legacy_driver_up(F_MAC | F_STATUS);
	fill_frame(frame, sizeof(frame), 1);
	memset(ram + BUF_OFF + 8 * 0x1000, 0, 10);
	memcpy(ram + BUF_OFF + 9 * 0x1000, frame, sizeof(frame));
	add_chain(&txq, gpa, lens, 2, false);
	wr(0x050, 1);
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0), sizeof(frame));
	ck_assert_mem_eq(got, frame, sizeof(frame));
	ck_assert_uint_eq(used(&txq)->idx, 1);
	/* A chain shorter than header and Ethernet header: dropped. */
	lens[1] = 13;
	add_chain(&txq, gpa, lens, 2, false);
	wr(0x050, 1);
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0), -1);
	ck_assert_uint_eq(used(&txq)->idx, 2);
}
END_TEST

START_TEST(rx_tap_header_checked)
{
	uint8_t pkt[HDR + 200] = { 0 };

	driver_up(HDR, F_MAC | F_MRG | F_STATUS);
	add_rx_buffer(0, 2048);
	fill_frame(pkt + HDR, 200, 4);
	/* An offloaded frame the tap should never send: dropped. */
	pkt[1] = 1;
	send(sv[1], pkt, sizeof(pkt), 0);
	/* Runt and oversized frames: dropped. */
	send(sv[1], pkt, HDR + 13, 0);
	/* A good one, whose DATA_VALID the guest never negotiated. */
	pkt[0] = 2;
	pkt[1] = 0;
	send(sv[1], pkt, sizeof(pkt), 0);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 1);
	ck_assert_uint_eq(used(&rxq)->ring[0].len, HDR + 200);
	ck_assert_uint_eq(ram[BUF_OFF], 0);
	ck_assert_uint_eq(rx_num_buffers(0), 1);
	ck_assert_mem_eq(ram + BUF_OFF + HDR, pkt + HDR, 200);
}
END_TEST

START_TEST(rx_oversized_dropped)
{
	uint8_t *big = ram + BIG_OFF;

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	add_rx_buffer(0, 2048);
	fill_frame(big, 65551, 0);
	ck_assert_int_eq(send(sv[1], big, 65551, 0), 65551);
	send(sv[1], big, 60, 0);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 1);
	ck_assert_uint_eq(used(&rxq)->ring[0].len, HDR + 60);
}
END_TEST

START_TEST(rx_buffer_too_small_for_header)
{
	uint8_t frame[100] = { 0 };

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	add_rx_buffer(0, HDR - 1);
	send(sv[1], frame, sizeof(frame), 0);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 0);
	ck_assert(rd(0x070) & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert(!vnet_rx_watching(&vdev));
}
END_TEST

START_TEST(reset_forgets_packet)
{
	uint8_t frame[100] = { 0 };

	driver_up(0, F_MAC | F_MRG | F_STATUS);
	send(sv[1], frame, sizeof(frame), 0);
	vnet_receive(&vdev);
	ck_assert(vnet_rx_waiting(&vdev));
	wr(0x070, 0);
	ck_assert(!vnet_rx_waiting(&vdev));
	ck_assert(!vnet_rx_watching(&vdev));
	/* Not running: nothing is read. */
	send(sv[1], frame, sizeof(frame), 0);
	vnet_receive(&vdev);
	ck_assert(!vnet_rx_waiting(&vdev));
	/* A new driver gets the packet that came meanwhile. */
	memset(ram, 0, 0x6000);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x024, 1);
	wr(0x020, 1);
	wr(0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	setup_queue(0, &rxq);
	setup_queue(1, &txq);
	add_rx_buffer(0, 2048);
	wr(0x070, rd(0x070) | VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(used(&rxq)->idx, 1);
	ck_assert_uint_eq(rx_num_buffers(0), 1);
}
END_TEST

/* passt's socket feeds the same queues: a frame in, a frame out. */
START_TEST(stream_rx_tx)
{
	uint8_t hdr[HDR] = { 0 }, frame[1000], wire[4 + 1000], got[2000];

	driver_up_stream(F_MAC | F_MRG | F_STATUS);
	add_rx_buffer(0, 1536);
	fill_frame(frame, sizeof(frame), 21);
	memcpy(wire, "\0\0\x03\xe8", 4);		/* 1000 */
	memcpy(wire + 4, frame, sizeof(frame));
	/* In two pieces: the frame comes out whole all the same. */
	ck_assert_int_eq(send(sv[1], wire, 300, 0), 300);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 0);
	ck_assert(vnet_rx_watching(&vdev));
	ck_assert_int_eq(send(sv[1], wire + 300, sizeof(wire) - 300, 0),
			 sizeof(wire) - 300);
	vnet_receive(&vdev);
	ck_assert_uint_eq(used(&rxq)->idx, 1);
	ck_assert_uint_eq(used(&rxq)->ring[0].len, HDR + sizeof(frame));
	ck_assert_mem_eq(ram + BUF_OFF + HDR, frame, sizeof(frame));

	fill_frame(frame, sizeof(frame), 33);
	send_tx(hdr, frame, sizeof(frame));
	ck_assert_int_eq(recv(sv[1], got, sizeof(got), 0), 4 + sizeof(frame));
	ck_assert_mem_eq(got, "\0\0\x03\xe8", 4);
	ck_assert_mem_eq(got + 4, frame, sizeof(frame));
	ck_assert_uint_eq(used(&txq)->idx, 1);
}
END_TEST

/*
 * A full socket: the frame it took only part of is finished first, the
 * other chains wait in the ring, and nothing is lost or reordered.
 */
START_TEST(stream_tx_waits_for_room)
{
	static uint8_t got[3 * (4 + 60000)];
	uint32_t lens[2] = { HDR, 60000 };
	uint64_t gpa[2];
	int sndbuf = 4096;
	size_t total = 0;
	unsigned int k;
	ssize_t n;

	driver_up_stream(F_MAC | F_MRG | F_STATUS);
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
				    sizeof(sndbuf)), 0);
	for (k = 0; k < 3; k++) {
		gpa[0] = BUF(11 + k);
		gpa[1] = BASE + BIG_OFF + k * 0x10000;
		memset(ram + BUF_OFF + (11 + k) * 0x1000, 0, HDR);
		fill_frame(ram + BIG_OFF + k * 0x10000, 60000, 40 + k);
		add_chain(&txq, gpa, lens, 2, false);
	}
	wr(0x050, 1);
	/* The first chain is taken, the rest wait for room. */
	ck_assert_uint_eq(used(&txq)->idx, 1);
	while (used(&txq)->idx < 3 || total < sizeof(got)) {
		n = recv(sv[1], got + total, sizeof(got) - total, 0);
		ck_assert_int_gt(n, 0);
		total += n;
		wr(0x050, 1);	/* what EPOLLOUT does in a VM */
	}
	ck_assert_uint_eq(used(&txq)->idx, 3);
	ck_assert_uint_eq(total, sizeof(got));
	for (k = 0; k < 3; k++) {
		uint8_t *f = got + k * (4 + 60000);

		ck_assert_mem_eq(f, "\0\0\xea\x60", 4);	/* 60000 */
		ck_assert_mem_eq(f + 4, ram + BIG_OFF + k * 0x10000, 60000);
	}
}
END_TEST

/*
 * One read from passt's socket may bring more frames than one wakeup
 * hands the guest. The socket is empty then, so no readiness calls the
 * device again: what is left in the stream's buffer goes to the guest
 * in the same wakeup, or it would wait for passt's next frame, which
 * may never come (a FIN passt sends once).
 */
START_TEST(stream_rx_buffered_frames_delivered)
{
	enum { FRAMES = 100, LEN = 60 };
	static uint8_t wire[FRAMES * (4 + LEN)];
	uint8_t want[LEN];
	unsigned int k;
	size_t off = 0;

	qsize = 128;
	driver_up_stream(F_MAC | F_MRG | F_STATUS);
	for (k = 0; k < FRAMES; k++) {
		add_rx_buffer(k, 256);
		memcpy(wire + off, "\0\0\0\x3c", 4);	/* 60 */
		fill_frame(wire + off + 4, LEN, k);
		off += 4 + LEN;
	}
	ck_assert_int_eq(send(sv[1], wire, off, 0), (ssize_t)off);
	/* What one EPOLLIN does: the socket is empty after it. */
	vnet_receive(&vdev);
	ck_assert_int_eq(recv(sv[0], wire, 1, MSG_PEEK | MSG_DONTWAIT), -1);
	ck_assert_uint_eq(used(&rxq)->idx, FRAMES);
	for (k = 0; k < FRAMES; k++) {
		fill_frame(want, LEN, k);
		ck_assert_uint_eq(used(&rxq)->ring[k].len, HDR + LEN);
		ck_assert_mem_eq(ram + BUF_OFF + k * 0x1000 + HDR, want, LEN);
	}
}
END_TEST

static Suite *virtio_net_suite(void)
{
	Suite *s = suite_create("virtio-net");
	TCase *tc = tcase_create("socketpair");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_space);
	tcase_add_test(tc, tx_strips_header);
	tcase_add_test(tc, tx_tap_header);
	tcase_add_test(tc, tx_bad_chains_dropped);
	tcase_add_test(tc, rx_mergeable);
	tcase_add_test(tc, rx_waits_for_buffers);
	tcase_add_test(tc, rx_without_mergeable);
	tcase_add_test(tc, rx_tap_header_checked);
	tcase_add_test(tc, rx_oversized_dropped);
	tcase_add_test(tc, rx_buffer_too_small_for_header);
	tcase_add_test(tc, reset_forgets_packet);
	tcase_add_test(tc, legacy_rx_short_header);
	tcase_add_test(tc, legacy_rx_mergeable);
	tcase_add_test(tc, legacy_tx_short_header);
	tcase_add_test(tc, stream_rx_tx);
	tcase_add_test(tc, stream_tx_waits_for_room);
	tcase_add_test(tc, stream_rx_buffered_frames_delivered);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(virtio_net_suite)
