// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server (hw/p9/) spoken to directly, as the guest's v9fs
 * would: every message type, its errors, read-only shares, the escapes
 * a guest would try, and malformed messages. Each test gets a fresh
 * directory under /tmp.
 *
 * qemu-user (the aarch64 run of these tests) may lack openat2: the
 * server then refuses to start, which is what it must do, and the tests
 * say they skipped (POCVM_REQUIRE_SANDBOX, set in the rig, makes that a
 * failure).
 */
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

static void put(const void *p, size_t n)
{
	ck_assert_uint_le(m.n + n, sizeof(m.b));
	memcpy(m.b + m.n, p, n);
	m.n += n;
}

static void u8(uint8_t v) { put(&v, 1); }
static void u16(uint16_t v) { uint8_t b[2] = { v, v >> 8 }; put(b, 2); }
static void u32(uint32_t v) { u16(v); u16(v >> 16); }
static void u64(uint64_t v) { u32(v); u32(v >> 32); }
static void str(const char *s) { u16(strlen(s)); put(s, strlen(s)); }

static void begin(uint8_t type)
{
	m.n = 0;
	u32(0);
	u8(type);
	u16(1);	/* tag */
}

static uint64_t get(unsigned int n)
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
static int send_len(size_t len)
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

static int rpc(void)
{
	return send_len(m.n);
}

static void write_file(const char *name, const char *data)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(data, f);
	fclose(f);
}

static void host_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void start(bool ro)
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

static void setup_rw(void) { start(false); }
static void setup_ro(void) { start(true); }

static void teardown(void)
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
static int walk(uint32_t fid, uint32_t newfid, int n, const char *a,
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

static int lopen(uint32_t fid, uint32_t flags)
{
	begin(TLOPEN);
	u32(fid);
	u32(flags);
	return rpc();
}

static int clunk(uint32_t fid)
{
	begin(TCLUNK);
	u32(fid);
	return rpc();
}

/* Tread into buf; the count read, or -error. */
static long read_fid(uint32_t fid, uint64_t off, uint32_t count, char *buf)
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

static int getattr(uint32_t fid, uint32_t *mode, uint64_t *size)
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

START_TEST(test_version)
{
	SKIP_IF_NO_SERVER();
	begin(TVERSION);
	u32(1 << 30);
	str("9P2000.L");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(4), P9_MAX_MSIZE);
	ck_assert_uint_eq(get(2), 8);
	/* Another dialect: "unknown", as the protocol says. */
	begin(TVERSION);
	u32(8192);
	str("9P2000.u");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(4), 8192);
	ck_assert_uint_eq(get(2), 7);
	ck_assert_int_eq(memcmp(reply + rpos, "unknown", 7), 0);
	ck_assert_uint_eq(p9_msize(srv), 8192);
	/* Too small for anything: refused. */
	begin(TVERSION);
	u32(100);
	str("9P2000.L");
	ck_assert_int_eq(rpc(), EINVAL);
	/* A new session drops the old fids. */
	ck_assert_int_eq(clunk(0), EBADF);
}
END_TEST

START_TEST(test_attach)
{
	SKIP_IF_NO_SERVER();
	begin(TATTACH);
	u32(0);		/* in use */
	u32(NOFID);
	str("u");
	str("");
	u32(0);
	ck_assert_int_eq(rpc(), EBADF);
	begin(TATTACH);
	u32(5);
	u32(7);		/* no authentication fids */
	str("u");
	str("");
	u32(0);
	ck_assert_int_eq(rpc(), EOPNOTSUPP);
	begin(TATTACH);
	u32(5);
	u32(NOFID);
	str("u");
	str("/elsewhere");
	u32(0);
	ck_assert_int_eq(rpc(), ENOENT);
	begin(TAUTH);
	u32(5);
	str("u");
	str("");
	u32(0);
	ck_assert_int_eq(rpc(), EOPNOTSUPP);
}
END_TEST

START_TEST(test_walk)
{
	char buf[64];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 2, "sub", "inner", 0, 0), 0);
	ck_assert_int_eq(lopen(1, 0), 0);
	ck_assert_int_eq(read_fid(1, 0, 64, buf), 6);
	ck_assert_str_eq(buf, "inner\n");
	/* A clone, and a walk onto itself. */
	ck_assert_int_eq(walk(0, 2, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(walk(2, 2, 1, "sub", 0, 0, 0), 0);
	/* newfid in use */
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), EBADF);
	/* First name missing: an error; a later one: a short walk. */
	ck_assert_int_eq(walk(0, 3, 1, "nothing", 0, 0, 0), ENOENT);
	begin(TWALK);
	u32(0);
	u32(3);
	u16(2);
	str("sub");
	str("nothing");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(2), 1);
	ck_assert_int_eq(clunk(3), EBADF);
	/* Through a file: not a directory. */
	ck_assert_int_eq(walk(0, 3, 2, "hello", "x", 0, 0), SHORT);
	ck_assert_int_eq(clunk(3), EBADF);
	/* Names that are paths. */
	ck_assert_int_eq(walk(0, 3, 1, "sub/inner", 0, 0, 0), ENOENT);
	ck_assert_int_eq(walk(0, 3, 1, "", 0, 0, 0), ENOENT);
	ck_assert_int_eq(walk(0, 3, 1, ".", 0, 0, 0), ENOENT);
	/* Unknown fid; too many names. */
	ck_assert_int_eq(walk(9, 3, 0, 0, 0, 0, 0), EBADF);
	begin(TWALK);
	u32(0);
	u32(3);
	u16(17);
	ck_assert_int_eq(rpc(), EINVAL);
}
END_TEST

/* ".." at the root is the root, as in "/": the share has no outside. */
START_TEST(test_escape_dotdot)
{
	uint32_t mode;
	uint64_t size;
	uint8_t root_qid[13];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 0, 0, 0, 0, 0), 0);
	begin(TWALK);
	u32(0);
	u32(1);
	u16(0);
	begin(TGETATTR);
	u32(0);
	u64(0x7ff);
	ck_assert_int_eq(rpc(), 0);
	memcpy(root_qid, reply + 7 + 8, 13);
	begin(TWALK);
	u32(0);
	u32(2);
	u16(4);
	str("..");
	str("..");
	str("..");
	str("..");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(2), 4);
	ck_assert_int_eq(memcmp(reply + rpos + 3 * 13, root_qid, 13), 0);
	/* Still the share: "hello" is there, /etc is not. */
	ck_assert_int_eq(walk(2, 3, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(walk(2, 4, 1, "etc", 0, 0, 0), ENOENT);
	/* sub/.. is the root again. */
	ck_assert_int_eq(walk(0, 5, 3, "sub", "..", "..", 0), 0);
	ck_assert_int_eq(walk(5, 6, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(getattr(6, &mode, &size), 0);
	ck_assert_uint_eq(size, 13);
}
END_TEST

/* Symlinks are never followed: a walk through one is "not a directory". */
START_TEST(test_escape_symlinks)
{
	uint32_t mode;
	uint64_t size;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 2, "abs-link", "passwd", 0, 0), SHORT);
	ck_assert_int_eq(walk(0, 1, 2, "rel-link", "passwd", 0, 0), SHORT);
	ck_assert_int_eq(walk(0, 1, 2, "proc-link", "etc", 0, 0), SHORT);
	ck_assert_int_eq(clunk(1), EBADF);
	/* The link itself is a symlink the guest may read... */
	ck_assert_int_eq(walk(0, 1, 1, "abs-link", 0, 0, 0), 0);
	ck_assert_int_eq(getattr(1, &mode, &size), 0);
	ck_assert(S_ISLNK(mode));
	/* ... but not open: that would follow it. */
	ck_assert_int_eq(lopen(1, 0), EOPNOTSUPP);
}
END_TEST

/* A symlink swapped in under a walked name: the reopen refuses it. */
START_TEST(test_escape_swapped_symlink)
{
	char a[256], b[256];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 2, "sub", "inner", 0, 0), 0);
	host_path(a, sizeof(a), "sub/inner");
	host_path(b, sizeof(b), "sub/moved");
	ck_assert_int_eq(rename(a, b), 0);
	ck_assert_int_eq(symlink("/etc/passwd", a), 0);
	ck_assert_int_eq(lopen(1, 0), ELOOP);
	/* A plain file swapped in is another file: stale, not opened. */
	ck_assert_int_eq(unlink(a), 0);
	write_file("sub/inner", "other\n");
	ck_assert_int_eq(lopen(1, 0), ESTALE);
	/* A directory swapped for a symlink under a walk's next step. */
	host_path(a, sizeof(a), "sub");
	host_path(b, sizeof(b), "sub2");
	ck_assert_int_eq(rename(a, b), 0);
	ck_assert_int_eq(symlink("/etc", a), 0);
	ck_assert_int_eq(walk(0, 2, 2, "sub", "passwd", 0, 0), SHORT);
	ck_assert_int_eq(clunk(2), EBADF);
}
END_TEST

START_TEST(test_lopen_read)
{
	char buf[P9_MAX_MSIZE];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	/* Not open yet. */
	ck_assert_int_eq(read_fid(1, 0, 10, buf), -EBADF);
	ck_assert_int_eq(lopen(1, 0), 0);
	ck_assert_uint_eq(get(1), 0);	/* QTFILE */
	ck_assert_int_eq(lopen(1, 0), EBUSY);
	ck_assert_int_eq(read_fid(1, 7, 5, buf), 5);
	ck_assert_str_eq(buf, "world");
	ck_assert_int_eq(read_fid(1, 100, 5, buf), 0);
	/* A count past msize is cut to what a reply holds. */
	ck_assert_int_eq(read_fid(1, 0, 0xffffffff, buf), 13);
	ck_assert_int_eq(read_fid(1, (uint64_t)1 << 63, 1, buf), -EINVAL);
	/* Bad access mode; writing a read-only open. */
	ck_assert_int_eq(walk(0, 2, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(lopen(2, 3), EINVAL);
	begin(TWRITE);
	u32(1);
	u64(0);
	u32(1);
	u8('x');
	ck_assert_int_eq(rpc(), EBADF);
	/* A directory opens for reading only. */
	ck_assert_int_eq(walk(0, 3, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(lopen(3, 2), EISDIR);
	ck_assert_int_eq(lopen(3, 0), 0);
	ck_assert_uint_eq(get(1), 0x80);
}
END_TEST

START_TEST(test_lcreate_write)
{
	char path[256], buf[64];
	struct stat st;
	uint32_t mode;
	uint64_t size;
	FILE *f;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 0, 0, 0, 0, 0), 0);
	begin(TLCREATE);
	u32(1);
	str("new");
	u32(2 | 0100);	/* RDWR | CREATE */
	u32(0640);
	u32(0);
	ck_assert_int_eq(rpc(), 0);
	begin(TWRITE);
	u32(1);
	u64(0);
	u32(5);
	put("guest", 5);
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(4), 5);
	ck_assert_int_eq(read_fid(1, 0, 64, buf), 5);
	ck_assert_int_eq(getattr(1, &mode, &size), 0);
	ck_assert_uint_eq(mode, S_IFREG | 0640);
	ck_assert_uint_eq(size, 5);
	host_path(path, sizeof(path), "new");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, getuid());
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "guest");
	/* Exclusive create of what exists; a name with a slash. */
	ck_assert_int_eq(walk(0, 2, 0, 0, 0, 0, 0), 0);
	begin(TLCREATE);
	u32(2);
	str("new");
	u32(2 | 0100 | 0200);
	u32(0640);
	u32(0);
	ck_assert_int_eq(rpc(), EEXIST);
	begin(TLCREATE);
	u32(2);
	str("../x");
	u32(2 | 0100);
	u32(0640);
	u32(0);
	ck_assert_int_eq(rpc(), EINVAL);
	/* Over a symlink: never followed, so never created outside. */
	begin(TLCREATE);
	u32(2);
	str("abs-link");
	u32(2 | 0100);
	u32(0640);
	u32(0);
	ck_assert_int_eq(rpc(), ELOOP);
	/* Writes past the message's end are malformed. */
	begin(TWRITE);
	u32(1);
	u64(0);
	u32(500);
	put("abc", 3);
	ck_assert_int_eq(rpc(), EPROTO);
}
END_TEST

START_TEST(test_clunk_remove)
{
	char path[256];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(clunk(1), 0);
	ck_assert_int_eq(clunk(1), EBADF);
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	begin(TREMOVE);
	u32(1);
	ck_assert_int_eq(rpc(), 0);
	host_path(path, sizeof(path), "hello");
	ck_assert_int_eq(access(path, F_OK), -1);
	/* Removed fids are clunked, also when the removal fails. */
	ck_assert_int_eq(clunk(1), EBADF);
	ck_assert_int_eq(walk(0, 1, 1, "sub", 0, 0, 0), 0);
	begin(TREMOVE);
	u32(1);
	ck_assert_int_eq(rpc(), ENOTEMPTY);
	ck_assert_int_eq(clunk(1), EBADF);
	/* The root cannot go. */
	ck_assert_int_eq(walk(0, 2, 0, 0, 0, 0, 0), 0);
	begin(TREMOVE);
	u32(2);
	ck_assert_int_eq(rpc(), EBUSY);
}
END_TEST

START_TEST(test_getattr_setattr)
{
	char path[256];
	struct stat st;
	uint32_t mode;
	uint64_t size;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(getattr(1, &mode, &size), 0);
	ck_assert(S_ISREG(mode));
	ck_assert_uint_eq(size, 13);
	begin(TSETATTR);
	u32(1);
	u32(0x1 | 0x8 | 0x10 | 0x20 | 0x100);	/* mode size atime mtime= */
	u32(0600);
	u32(0);
	u32(0);
	u64(5);
	u64(0);
	u64(0);
	u64(1000000);
	u64(7);
	ck_assert_int_eq(rpc(), 0);
	host_path(path, sizeof(path), "hello");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 7);
	/* uid/gid to ourselves: allowed, and unchanged. */
	begin(TSETATTR);
	u32(1);
	u32(0x2 | 0x4);
	u32(0);
	u32(getuid());
	u32(getgid());
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	ck_assert_int_eq(rpc(), 0);
	/* A directory has no size to set; nanoseconds must be < 1e9. */
	ck_assert_int_eq(walk(0, 2, 0, 0, 0, 0, 0), 0);
	begin(TSETATTR);
	u32(2);
	u32(0x8);
	u32(0);
	u32(0);
	u32(0);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	ck_assert_int_eq(rpc(), EISDIR);
	begin(TSETATTR);
	u32(2);
	u32(0x20 | 0x100);
	u32(0);
	u32(0);
	u32(0);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	u64(1000000000);
	ck_assert_int_eq(rpc(), EINVAL);
	ck_assert_int_eq(getattr(77, &mode, &size), EBADF);
}
END_TEST

/* Read a whole directory count bytes at a time; names seen into seen. */
static unsigned int readdir_all(uint32_t fid, uint32_t count, char *seen,
				size_t size)
{
	uint64_t off = 0;
	unsigned int n = 0, rounds = 0;
	uint32_t len;
	size_t end;

	seen[0] = '\0';
	for (;;) {
		begin(TREADDIR);
		u32(fid);
		u64(off);
		u32(count);
		ck_assert_int_eq(rpc(), 0);
		len = get(4);
		ck_assert_uint_le(len, count);
		if (!len)
			break;
		end = rpos + len;
		while (rpos < end) {
			uint16_t nl;

			get(13);
			off = get(8);
			get(1);
			nl = get(2);
			strncat(seen, (char *)reply + rpos, nl);
			strcat(seen, " ");
			rpos += nl;
			n++;
		}
		ck_assert_uint_lt(++rounds, 100);
	}
	(void)size;
	return n;
}

START_TEST(test_readdir)
{
	char seen[1024];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 0, 0, 0, 0, 0), 0);
	begin(TREADDIR);
	u32(1);
	u64(0);
	u32(100);
	ck_assert_int_eq(rpc(), EBADF);	/* not open */
	ck_assert_int_eq(lopen(1, 0), 0);
	/* . .. hello sub abs-link rel-link proc-link */
	ck_assert_uint_eq(readdir_all(1, 4096, seen, sizeof(seen)), 7);
	ck_assert_ptr_nonnull(strstr(seen, "hello "));
	ck_assert_ptr_nonnull(strstr(seen, "proc-link "));
	/* One entry per reply: the offsets carry the walk through. */
	ck_assert_uint_eq(readdir_all(1, 40, seen, sizeof(seen)), 7);
	ck_assert_ptr_nonnull(strstr(seen, "sub "));
	/* A file is not a directory. */
	ck_assert_int_eq(walk(0, 2, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(lopen(2, 0), 0);
	begin(TREADDIR);
	u32(2);
	u64(0);
	u32(100);
	ck_assert_int_eq(rpc(), ENOTDIR);
}
END_TEST

START_TEST(test_statfs_fsync)
{
	SKIP_IF_NO_SERVER();
	begin(TSTATFS);
	u32(0);
	ck_assert_int_eq(rpc(), 0);
	get(4);
	ck_assert_uint_gt(get(4), 0);	/* bsize */
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	begin(TFSYNC);
	u32(1);
	u32(0);
	ck_assert_int_eq(rpc(), EBADF);
	ck_assert_int_eq(lopen(1, 2), 0);
	begin(TFSYNC);
	u32(1);
	u32(1);
	ck_assert_int_eq(rpc(), 0);
	/* An old client's Tfsync without datasync. */
	begin(TFSYNC);
	u32(1);
	ck_assert_int_eq(rpc(), 0);
}
END_TEST

START_TEST(test_dir_ops)
{
	char path[256], buf[256];
	struct stat st;
	ssize_t n;

	SKIP_IF_NO_SERVER();
	begin(TMKDIR);
	u32(0);
	str("d");
	u32(0750);
	u32(0);
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(1), 0x80);
	host_path(path, sizeof(path), "d");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	begin(TSYMLINK);
	u32(0);
	str("ln");
	str("/anywhere/at/all");
	u32(0);
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(1), 0x02);
	host_path(path, sizeof(path), "ln");
	n = readlink(path, buf, sizeof(buf) - 1);
	ck_assert_int_eq(n, 16);
	ck_assert_int_eq(walk(0, 1, 1, "ln", 0, 0, 0), 0);
	begin(TREADLINK);
	u32(1);
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(2), 16);
	ck_assert_int_eq(memcmp(reply + rpos, "/anywhere/at/all", 16), 0);
	begin(TREADLINK);
	u32(0);
	ck_assert_int_eq(rpc(), EINVAL);
	/* A hard link, a FIFO. */
	ck_assert_int_eq(walk(0, 2, 1, "hello", 0, 0, 0), 0);
	begin(TLINK);
	u32(0);
	u32(2);
	str("hello2");
	ck_assert_int_eq(rpc(), 0);
	host_path(path, sizeof(path), "hello2");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	begin(TMKNOD);
	u32(0);
	str("fifo");
	u32(S_IFIFO | 0600);
	u32(0);
	u32(0);
	u32(0);
	ck_assert_int_eq(rpc(), 0);
	host_path(path, sizeof(path), "fifo");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	/* Unlinkat: a file, a directory, and bad flags. */
	begin(TUNLINKAT);
	u32(0);
	str("hello2");
	u32(0);
	ck_assert_int_eq(rpc(), 0);
	begin(TUNLINKAT);
	u32(0);
	str("d");
	u32(0);
	ck_assert_int_eq(rpc(), EISDIR);
	begin(TUNLINKAT);
	u32(0);
	str("d");
	u32(0x200);
	ck_assert_int_eq(rpc(), 0);
	begin(TUNLINKAT);
	u32(0);
	str("fifo");
	u32(0x1);
	ck_assert_int_eq(rpc(), EINVAL);
	/* Into a file, as a directory: not a directory. */
	begin(TMKDIR);
	u32(2);
	str("x");
	u32(0750);
	u32(0);
	ck_assert_int_eq(rpc(), ENOTDIR);
	begin(TMKDIR);
	u32(0);
	str("..");
	u32(0750);
	u32(0);
	ck_assert_int_eq(rpc(), EINVAL);
}
END_TEST

/* A fid follows its file through a rename made through the server. */
START_TEST(test_rename)
{
	char buf[64];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 2, "sub", "inner", 0, 0), 0);
	ck_assert_int_eq(walk(0, 2, 1, "sub", 0, 0, 0), 0);
	begin(TRENAMEAT);
	u32(2);
	str("inner");
	u32(0);
	str("outer");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_int_eq(lopen(1, 0), 0);
	ck_assert_int_eq(read_fid(1, 0, 64, buf), 6);
	ck_assert_int_eq(walk(0, 3, 1, "outer", 0, 0, 0), 0);
	/* Trename: the fid, a new directory and name. */
	begin(TRENAME);
	u32(3);
	u32(2);
	str("back");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_int_eq(lopen(3, 0), 0);
	ck_assert_int_eq(walk(2, 4, 1, "back", 0, 0, 0), 0);
	/* Renaming a whole directory keeps what is below it reachable. */
	begin(TRENAMEAT);
	u32(0);
	str("sub");
	u32(0);
	str("sub3");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_int_eq(lopen(4, 0), 0);
	ck_assert_int_eq(read_fid(4, 0, 64, buf), 6);
	begin(TRENAMEAT);
	u32(0);
	str("hello");
	u32(0);
	str("a/b");
	ck_assert_int_eq(rpc(), EINVAL);
}
END_TEST

START_TEST(test_xattr_flush)
{
	SKIP_IF_NO_SERVER();
	begin(TXATTRWALK);
	u32(0);
	u32(1);
	str("user.x");
	ck_assert_int_eq(rpc(), EOPNOTSUPP);
	begin(TXATTRCREATE);
	u32(0);
	str("user.x");
	u64(1);
	u32(0);
	ck_assert_int_eq(rpc(), EOPNOTSUPP);
	begin(TFLUSH);
	u16(1);
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(rlen, 7);
	begin(TFLUSH);
	ck_assert_int_eq(rpc(), EPROTO);
}
END_TEST

static int lock(uint32_t fid, uint8_t type, uint8_t *status)
{
	int ret;

	begin(TLOCK);
	u32(fid);
	u8(type);
	u32(0);
	u64(0);
	u64(0);
	u32(42);
	str("client");
	ret = rpc();
	if (!ret)
		*status = get(1);
	return ret;
}

START_TEST(test_locks)
{
	uint8_t st;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(walk(0, 2, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(lock(1, 1, &st), EBADF);	/* not open */
	ck_assert_int_eq(lopen(1, 2), 0);
	ck_assert_int_eq(lopen(2, 2), 0);
	ck_assert_int_eq(lock(1, 1, &st), 0);
	ck_assert_uint_eq(st, 0);
	/* Another open's write lock conflicts: BLOCKED, never a wait. */
	ck_assert_int_eq(lock(2, 1, &st), 0);
	ck_assert_uint_eq(st, 1);
	begin(TGETLOCK);
	u32(2);
	u8(0);
	u64(0);
	u64(0);
	u32(7);
	str("c");
	ck_assert_int_eq(rpc(), 0);
	ck_assert_uint_eq(get(1), 1);	/* WRLCK held by the other */
	ck_assert_int_eq(lock(1, 2, &st), 0);	/* unlock */
	ck_assert_int_eq(lock(2, 1, &st), 0);
	ck_assert_uint_eq(st, 0);
	ck_assert_int_eq(lock(2, 9, &st), EINVAL);
}
END_TEST

/* Every change refused with EROFS; reads still work. */
START_TEST(test_read_only)
{
	char buf[64];

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(lopen(1, 1), EROFS);
	ck_assert_int_eq(lopen(1, 2), EROFS);
	ck_assert_int_eq(lopen(1, 01000), EROFS);	/* O_TRUNC */
	ck_assert_int_eq(lopen(1, 0), 0);
	ck_assert_int_eq(read_fid(1, 0, 5, buf), 5);
	begin(TWRITE);
	u32(1);
	u64(0);
	u32(1);
	u8('x');
	ck_assert_int_eq(rpc(), EROFS);
	begin(TLCREATE);
	u32(0);
	str("n");
	u32(0100 | 2);
	u32(0600);
	u32(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TMKDIR);
	u32(0);
	str("n");
	u32(0700);
	u32(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TSYMLINK);
	u32(0);
	str("n");
	str("t");
	u32(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TMKNOD);
	u32(0);
	str("n");
	u32(S_IFIFO | 0600);
	u32(0);
	u32(0);
	u32(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TLINK);
	u32(0);
	u32(1);
	str("n");
	ck_assert_int_eq(rpc(), EROFS);
	begin(TRENAME);
	u32(1);
	u32(0);
	str("n");
	ck_assert_int_eq(rpc(), EROFS);
	begin(TRENAMEAT);
	u32(0);
	str("hello");
	u32(0);
	str("n");
	ck_assert_int_eq(rpc(), EROFS);
	begin(TUNLINKAT);
	u32(0);
	str("hello");
	u32(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TSETATTR);
	u32(1);
	u32(1);
	u32(0777);
	u32(0);
	u32(0);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TXATTRCREATE);
	u32(0);
	str("user.x");
	u64(1);
	u32(0);
	ck_assert_int_eq(rpc(), EROFS);
	begin(TREMOVE);
	u32(1);
	ck_assert_int_eq(rpc(), EROFS);
	ck_assert_int_eq(access(dir, F_OK), 0);
	ck_assert_int_eq(walk(0, 2, 1, "hello", 0, 0, 0), 0);
}
END_TEST

/* Bodies cut short anywhere, for every type: Rlerror, never a crash. */
START_TEST(test_malformed)
{
	static const uint8_t types[] = {
		TVERSION, TATTACH, TWALK, TLOPEN, TLCREATE, TREAD, TWRITE,
		TCLUNK, TREMOVE, TGETATTR, TSETATTR, TREADDIR, TSTATFS,
		TFSYNC, TMKDIR, TSYMLINK, TLINK, TREADLINK, TRENAME,
		TRENAMEAT, TUNLINKAT, TMKNOD, TXATTRWALK, TXATTRCREATE,
		TLOCK, TGETLOCK,
	};
	unsigned int i, cut;
	uint32_t size;

	SKIP_IF_NO_SERVER();
	for (i = 0; i < sizeof(types); i++) {
		for (cut = 0; cut < 6; cut++) {
			begin(types[i]);
			u16(0x4000);	/* a string length, or a fid part */
			put("abc", cut);
			ck_assert_msg(rpc() != 0, "type %u cut %u: no error",
				      types[i], cut);
		}
	}
	/* size says more than the chain holds, or less than a header. */
	begin(TCLUNK);
	u32(1);
	ck_assert_int_eq(send_len(m.n + 1), EPROTO);
	ck_assert_int_eq(send_len(3), EPROTO);
	/* Fewer bytes than a header: the reply is an Rlerror too. */
	size = 7;
	memcpy(m.b, &size, 4);
	rlen = p9_handle(srv, m.b, 3, reply, sizeof(reply));
	ck_assert_uint_eq(rlen, 11);
	ck_assert_uint_eq(reply[4], RLERROR);
	/* R messages and unknown types. */
	begin(TVERSION + 1);
	ck_assert_int_eq(rpc(), EOPNOTSUPP);
	begin(200);
	ck_assert_int_eq(rpc(), EOPNOTSUPP);
	/* A NUL inside a name; a name longer than NAME_MAX. */
	begin(TWALK);
	u32(0);
	u32(1);
	u16(1);
	u16(3);
	put("a\0b", 3);
	ck_assert_int_eq(rpc(), EINVAL);
	begin(TWALK);
	u32(0);
	u32(1);
	u16(1);
	u16(300);
	for (i = 0; i < 300; i++)
		u8('a');
	ck_assert_int_eq(rpc(), ENAMETOOLONG);
	/* A reply buffer that holds only an Rlerror. */
	begin(TGETATTR);
	u32(0);
	u64(0x7ff);
	size = m.n;
	memcpy(m.b, &size, 4);
	rlen = p9_handle(srv, m.b, m.n, reply, 11);
	ck_assert_uint_eq(rlen, 11);
	ck_assert_uint_eq(reply[4], RLERROR);
}
END_TEST

START_TEST(test_server_new)
{
	struct p9_server *s;
	int ret;

	ret = p9_server_new("/nonexistent/pocvm", false, &s);
	if (ret == -ENOSYS)
		return;
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_int_eq(p9_server_new("/etc/passwd", false, &s), -ENOTDIR);
}
END_TEST

static Suite *p9_suite(void)
{
	Suite *s = suite_create("p9");
	TCase *tc = tcase_create("rw");
	TCase *ro = tcase_create("ro");

	tcase_add_checked_fixture(tc, setup_rw, teardown);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_attach);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_escape_dotdot);
	tcase_add_test(tc, test_escape_symlinks);
	tcase_add_test(tc, test_escape_swapped_symlink);
	tcase_add_test(tc, test_lopen_read);
	tcase_add_test(tc, test_lcreate_write);
	tcase_add_test(tc, test_clunk_remove);
	tcase_add_test(tc, test_getattr_setattr);
	tcase_add_test(tc, test_readdir);
	tcase_add_test(tc, test_statfs_fsync);
	tcase_add_test(tc, test_dir_ops);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_xattr_flush);
	tcase_add_test(tc, test_locks);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_server_new);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ro, setup_ro, teardown);
	tcase_add_test(ro, test_read_only);
	suite_add_tcase(s, ro);
	return s;
}

UNIT_SUITE(p9_suite)
