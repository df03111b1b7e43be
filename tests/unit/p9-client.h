/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny 9P2000.L client for the server's unit tests (test-p9*.c): builds
 * a message, sends it with p9_handle() and reads the reply, over a fresh
 * directory under /tmp per test that holds symlinks pointing out of it.
 * Each test file includes it once and gets its own copy.
 *
 * qemu-user (the aarch64 run of the unit tests) may lack openat2: the
 * server then refuses to start, which is what it must do, and the tests
 * say they skipped (POCVM_REQUIRE_SANDBOX, set in the rig, makes that a
 * failure).
 */
#ifndef POCVM_TEST_P9_CLIENT_H
#define POCVM_TEST_P9_CLIENT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9.h"
#include "unit.h"

#define TVERSION 100
#define TATTACH 104
#define TWALK 110
#define TLOPEN 12
#define TLCREATE 14
#define TREAD 116
#define TWRITE 118
#define TCLUNK 120
#define TREMOVE 122
#define TGETATTR 24
#define TSETATTR 26
#define TREADDIR 40
#define TSTATFS 8
#define TFSYNC 50
#define TMKDIR 72
#define TSYMLINK 16
#define TLINK 70
#define TREADLINK 22
#define TRENAME 20
#define TRENAMEAT 74
#define TUNLINKAT 76
#define TMKNOD 18
#define TXATTRWALK 30
#define TXATTRCREATE 32
#define TLOCK 52
#define TGETLOCK 54
#define TFLUSH 108
#define TAUTH 102
#define RLERROR 7
#define NOFID 0xffffffffU

static char dir[64];
static struct p9_server *srv;
static bool skipped;

struct msg {
	uint8_t b[P9_MAX_MSIZE];
	size_t n;
};

static struct msg m;
static uint8_t reply[P9_MAX_MSIZE];
static size_t rlen, rpos;

static inline void put(const void *p, size_t n)
{
	ck_assert_uint_le(m.n + n, sizeof(m.b));
	memcpy(m.b + m.n, p, n);
	m.n += n;
}

static inline void u8(uint8_t v) { put(&v, 1); }
static inline void u16(uint16_t v) { uint8_t b[2] = { v, v >> 8 }; put(b, 2); }
static inline void u32(uint32_t v) { u16(v); u16(v >> 16); }
static inline void u64(uint64_t v) { u32(v); u32(v >> 32); }
static inline void str(const char *s) { u16(strlen(s)); put(s, strlen(s)); }

static inline void begin(uint8_t type)
{
	m.n = 0;
	u32(0);
	u8(type);
	u16(1);	/* tag */
}

static inline uint64_t get(unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	ck_assert_uint_le(rpos + n, rlen);
	for (i = 0; i < n; i++)
		v |= (uint64_t)reply[rpos + i] << (8 * i);
	rpos += n;
	return v;
}

/* Send what was built; the reply's error code, 0 for the R message. */
static inline int send_len(size_t len)
{
	uint32_t size = len;

	memcpy(m.b, &size, 4);
	rlen = p9_handle(srv, m.b, m.n, reply, sizeof(reply));
	ck_assert_uint_ge(rlen, 7);
	rpos = 0;
	ck_assert_uint_eq(get(4), rlen);
	if (reply[4] == RLERROR) {
		get(3);
		return get(4);
	}
	ck_assert_uint_eq(reply[4], m.b[4] + 1);
	ck_assert_uint_eq(reply[5] | reply[6] << 8, m.b[5] | m.b[6] << 8);
	get(3);
	return 0;
}

static inline int rpc(void)
{
	return send_len(m.n);
}

static inline void write_file(const char *name, const char *data)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(data, f);
	fclose(f);
}

static inline void host_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static inline void start(bool ro)
{
	char path[256];
	int ret;

	snprintf(dir, sizeof(dir), "/tmp/pocvm-p9-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file("hello", "hello, world\n");
	host_path(path, sizeof(path), "sub");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file("sub/inner", "inner\n");
	host_path(path, sizeof(path), "abs-link");
	ck_assert_int_eq(symlink("/etc", path), 0);
	host_path(path, sizeof(path), "rel-link");
	ck_assert_int_eq(symlink("../../../../../../etc", path), 0);
	host_path(path, sizeof(path), "proc-link");
	ck_assert_int_eq(symlink("/proc/self/root", path), 0);
	ret = p9_server_new(dir, ro, &srv);
	skipped = ret == -ENOSYS;
	if (skipped) {
		ck_assert_msg(!getenv("POCVM_REQUIRE_SANDBOX"),
			      "no openat2 here, and POCVM_REQUIRE_SANDBOX");
		fprintf(stderr, "p9: no openat2 on this kernel: skipped\n");
		return;
	}
	ck_assert_int_eq(ret, 0);
	begin(TVERSION);
	u32(P9_MAX_MSIZE);
	str("9P2000.L");
	ck_assert_int_eq(rpc(), 0);
	begin(TATTACH);
	u32(0);
	u32(NOFID);
	str("user");
	str("");
	u32(1000);
	ck_assert_int_eq(rpc(), 0);
}

static inline void setup_rw(void) { start(false); }
static inline void setup_ro(void) { start(true); }

static inline void teardown(void)
{
	char cmd[256];

	p9_server_free(srv);
	srv = NULL;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

#define SKIP_IF_NO_SERVER()	do { if (skipped) return; } while (0)

/* A walk that stopped early: no error, but no new fid either. */
#define SHORT	(-1)

/* Walk fid to newfid through up to 4 names; the error, SHORT or 0. */
static inline int walk(uint32_t fid, uint32_t newfid, int n, const char *a,
		       const char *b, const char *c, const char *d)
{
	const char *names[4] = { a, b, c, d };
	int i, ret;

	begin(TWALK);
	u32(fid);
	u32(newfid);
	u16(n);
	for (i = 0; i < n; i++)
		str(names[i]);
	ret = rpc();
	if (!ret && get(2) != (uint64_t)n)
		return SHORT;
	return ret;
}

static inline int lopen(uint32_t fid, uint32_t flags)
{
	begin(TLOPEN);
	u32(fid);
	u32(flags);
	return rpc();
}

static inline int clunk(uint32_t fid)
{
	begin(TCLUNK);
	u32(fid);
	return rpc();
}

/* Tread into buf; the count read, or -error. */
static inline long read_fid(uint32_t fid, uint64_t off, uint32_t count,
				 char *buf)
{
	uint32_t n;
	int ret;

	begin(TREAD);
	u32(fid);
	u64(off);
	u32(count);
	ret = rpc();
	if (ret)
		return -ret;
	n = get(4);
	ck_assert_uint_eq(rpos + n, rlen);
	memcpy(buf, reply + rpos, n);
	buf[n] = '\0';
	return n;
}

static inline int getattr(uint32_t fid, uint32_t *mode, uint64_t *size)
{
	int ret;

	begin(TGETATTR);
	u32(fid);
	u64(0x7ff);
	ret = rpc();
	if (ret)
		return ret;
	ck_assert_uint_eq(get(8), 0x7ff);
	get(13);
	*mode = get(4);
	get(4 + 4 + 8 + 8);
	*size = get(8);
	return 0;
}

#endif
