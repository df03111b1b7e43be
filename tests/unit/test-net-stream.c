// SPDX-License-Identifier: GPL-2.0
/*
 * The stream backend (passt's socket): 4-byte big-endian lengths before
 * each frame, frames in pieces, hostile lengths, short writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net-backend.h"
#include "unit.h"

static int sv[2];		/* sv[0]: the backend's, sv[1]: "passt" */
static struct net_backend *be;
static uint8_t buf[NET_MAX_FRAME + 64];

static void setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				    sv), 0);
	be = net_stream_backend(sv[0], 0);
	ck_assert_ptr_nonnull(be);
	memset(buf, 0xee, sizeof(buf));
}

static void teardown(void)
{
	be->ops->destroy(be);
	close(sv[1]);
}

static void put_len(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* What passt would write: length, then frame bytes i + seed. */
static size_t frame(uint8_t *out, uint32_t len, uint8_t seed)
{
	uint32_t i;

	put_len(out, len);
	for (i = 0; i < len; i++)
		out[4 + i] = i + seed;
	return 4 + len;
}

static void send_all(const void *p, size_t len)
{
	ck_assert_int_eq(write(sv[1], p, len), (ssize_t)len);
}

static void assert_frame(ssize_t got, uint32_t len, uint8_t seed)
{
	uint32_t i;

	ck_assert_int_eq(got, len);
	for (i = 0; i < len; i++)
		ck_assert_uint_eq(buf[i], (uint8_t)(i + seed));
	/* Not a byte past it. */
	ck_assert_uint_eq(buf[len], 0xee);
}

START_TEST(frames_whole_and_in_pieces)
{
	uint8_t wire[3 * 1600];
	size_t n = 0, i;

	n += frame(wire + n, 60, 1);
	n += frame(wire + n, 1514, 2);
	n += frame(wire + n, 14, 3);
	/* The first frame whole, the second byte by byte, the third split. */
	send_all(wire, 64);
	assert_frame(be->ops->recv(be, buf), 60, 1);
	ck_assert_int_eq(be->ops->recv(be, buf), -EAGAIN);
	for (i = 64; i < 64 + 4 + 1514; i++) {
		send_all(wire + i, 1);
		if (i < 64 + 4 + 1514 - 1)
			ck_assert_int_eq(be->ops->recv(be, buf), -EAGAIN);
	}
	memset(buf, 0xee, sizeof(buf));
	assert_frame(be->ops->recv(be, buf), 1514, 2);
	send_all(wire + i, 2);
	ck_assert_int_eq(be->ops->recv(be, buf), -EAGAIN);
	send_all(wire + i + 2, n - i - 2);
	memset(buf, 0xee, sizeof(buf));
	assert_frame(be->ops->recv(be, buf), 14, 3);
	ck_assert_int_eq(be->ops->recv(be, buf), -EAGAIN);
	/* passt went away. */
	close(sv[1]);
	ck_assert_int_eq(be->ops->recv(be, buf), -EPIPE);
	sv[1] = open("/dev/null", O_RDONLY);
}
END_TEST

/* Many frames in one read: each comes out on its own. */
START_TEST(many_per_read)
{
	static uint8_t wire[200 * 70];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < 200; i++)
		n += frame(wire + n, 60 + i % 7, i);
	send_all(wire, n);
	for (i = 0; i < 200; i++) {
		memset(buf, 0xee, sizeof(buf));
		assert_frame(be->ops->recv(be, buf), 60 + i % 7, i);
	}
	ck_assert_int_eq(be->ops->recv(be, buf), -EAGAIN);
}
END_TEST

struct result {
	ssize_t len;		/* 0: dropped */
	uint8_t seed;
};

/*
 * Write wire in chunks, letting the backend read between them, and
 * note each frame it returns (checked byte by byte, and not one byte
 * written past it) or drops.
 */
static unsigned int pump(const uint8_t *wire, size_t n, struct result *res,
			 unsigned int max)
{
	unsigned int nr = 0;
	size_t off = 0;
	ssize_t got, w, i;

	for (;;) {
		if (off < n) {
			w = write(sv[1], wire + off,
				  n - off < 4096 ? n - off : 4096);
			ck_assert_int_gt(w, 0);
			off += w;
		}
		for (;;) {
			memset(buf, 0xee, sizeof(buf));
			got = be->ops->recv(be, buf);
			if (got == -EAGAIN)
				break;
			ck_assert_int_ge(got, 0);
			ck_assert_uint_lt(nr, max);
			res[nr].len = got;
			res[nr].seed = got ? buf[0] : 0;
			for (i = 0; i < got; i++)
				ck_assert_uint_eq(buf[i],
						  (uint8_t)(i + res[nr].seed));
			ck_assert_uint_eq(buf[got], 0xee);
			nr++;
		}
		if (off == n)
			return nr;
	}
}

/* recv() into a buffer marked anew, for assert_frame(). */
static ssize_t recv_fresh(void)
{
	memset(buf, 0xee, sizeof(buf));
	return be->ops->recv(be, buf);
}

/*
 * buffered(): true exactly while recv() can go on from what it already
 * read, a frame or a length to drop; the fd says nothing about those.
 */
START_TEST(buffered_says_what_recv_holds)
{
	uint8_t wire[600];
	size_t n = 0, c;

	ck_assert(!be->ops->buffered(be));
	n += frame(wire + n, 60, 1);
	n += frame(wire + n, 100, 2);
	c = n;
	n += frame(wire + n, 200, 3);
	send_all(wire, c + 50);
	assert_frame(recv_fresh(), 60, 1);
	ck_assert(be->ops->buffered(be));
	assert_frame(recv_fresh(), 100, 2);
	/* Part of a frame: the rest comes through the fd. */
	ck_assert(!be->ops->buffered(be));
	send_all(wire + c + 50, n - c - 50);
	ck_assert(!be->ops->buffered(be));
	assert_frame(recv_fresh(), 200, 3);
	ck_assert(!be->ops->buffered(be));

	/* A length recv() drops, and the bytes it skips. */
	n = frame(wire, 60, 4);
	put_len(wire + n, 5);
	memset(wire + n + 4, 0, 5);
	n += 9;
	n += frame(wire + n, 14, 5);
	send_all(wire, n);
	assert_frame(recv_fresh(), 60, 4);
	ck_assert(be->ops->buffered(be));
	ck_assert_int_eq(recv_fresh(), 0);
	ck_assert(be->ops->buffered(be));
	assert_frame(recv_fresh(), 14, 5);
	ck_assert(!be->ops->buffered(be));
	ck_assert_int_eq(recv_fresh(), -EAGAIN);
}
END_TEST

/* The largest frame fits; longer or shorter ones are skipped whole. */
START_TEST(hostile_lengths)
{
	static uint8_t wire[5 * (NET_MAX_FRAME + 8)];
	struct result res[8];
	size_t n = 0;

	n += frame(wire + n, NET_MAX_FRAME, 5);
	n += frame(wire + n, NET_MAX_FRAME + 1, 6);
	n += frame(wire + n, 100, 7);
	n += frame(wire + n, 0, 8);
	n += frame(wire + n, 13, 9);
	n += frame(wire + n, 2 * NET_MAX_FRAME, 10);
	n += frame(wire + n, 14, 11);
	ck_assert_uint_eq(pump(wire, n, res, 8), 7);
	ck_assert_int_eq(res[0].len, NET_MAX_FRAME);
	ck_assert_uint_eq(res[0].seed, 5);
	ck_assert_int_eq(res[1].len, 0);
	ck_assert_int_eq(res[2].len, 100);
	ck_assert_uint_eq(res[2].seed, 7);
	ck_assert_int_eq(res[3].len, 0);
	ck_assert_int_eq(res[4].len, 0);
	ck_assert_int_eq(res[5].len, 0);
	ck_assert_ptr_nonnull(strstr(be->why, "131100 bytes"));
	ck_assert_int_eq(res[6].len, 14);
	ck_assert_uint_eq(res[6].seed, 11);
}
END_TEST

/* A 4 GiB length: dropped, and nothing of what follows is a frame. */
START_TEST(huge_length)
{
	static uint8_t wire[70000];
	struct result res[4];

	put_len(wire, 0xffffffffU);
	memset(wire + 4, 0, sizeof(wire) - 4);
	ck_assert_uint_eq(pump(wire, sizeof(wire), res, 4), 1);
	ck_assert_int_eq(res[0].len, 0);
	ck_assert_ptr_nonnull(strstr(be->why, "4294967295 bytes"));
}
END_TEST

/* Sending: length first; a short write keeps its tail for flush(). */
START_TEST(send_and_short_writes)
{
	static uint8_t a[NET_MAX_FRAME], out[2 * (NET_MAX_FRAME + 4)];
	struct iovec iov[2];
	int sndbuf = 4096, ret;
	size_t total = 0;
	unsigned int i;
	ssize_t n;

	for (i = 0; i < sizeof(a); i++)
		a[i] = i * 7;
	iov[0] = (struct iovec){ a, 10 };
	iov[1] = (struct iovec){ a + 10, 50 };
	ck_assert_int_eq(be->ops->send(be, iov, 2, 60), 0);
	ck_assert_int_eq(be->ops->flush(be), 0);
	ck_assert_int_eq(read(sv[1], out, sizeof(out)), 64);
	ck_assert_mem_eq(out, "\0\0\0\x3c", 4);
	ck_assert_mem_eq(out + 4, a, 60);

	/* A small socket buffer: the largest frame goes in pieces. */
	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
				    sizeof(sndbuf)), 0);
	iov[0] = (struct iovec){ a, sizeof(a) };
	ck_assert_int_eq(be->ops->send(be, iov, 1, sizeof(a)), 0);
	ck_assert_int_eq(be->ops->flush(be), -EAGAIN);
	/* Nothing may jump the tail that waits. */
	ck_assert_int_eq(be->ops->send(be, iov, 1, 60), -EAGAIN);
	/* The reader makes room, as passt would, until all is through. */
	do {
		n = read(sv[1], out + total, sizeof(out) - total);
		if (n > 0)
			total += n;
		ret = be->ops->flush(be);
	} while (ret == -EAGAIN || n > 0);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(total, 4 + sizeof(a));
	ck_assert_mem_eq(out, "\0\x01\0\x0e", 4);	/* 65550 */
	ck_assert_mem_eq(out + 4, a, sizeof(a));
	/* Out-of-range lengths are never sent. */
	ck_assert_int_eq(be->ops->send(be, iov, 1, NET_MAX_FRAME + 1),
			 -EMSGSIZE);
	ck_assert_int_eq(be->ops->send(be, iov, 1, 0), -EMSGSIZE);
}
END_TEST

static Suite *net_stream_suite(void)
{
	Suite *s = suite_create("net-stream");
	TCase *tc = tcase_create("passt framing");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, frames_whole_and_in_pieces);
	tcase_add_test(tc, many_per_read);
	tcase_add_test(tc, buffered_says_what_recv_holds);
	tcase_add_test(tc, hostile_lengths);
	tcase_add_test(tc, huge_length);
	tcase_add_test(tc, send_and_short_writes);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(net_stream_suite)
