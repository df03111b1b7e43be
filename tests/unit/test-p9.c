// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server (hw/p9/) spoken to directly, as the guest's v9fs
 * would (p9-client.h): every message type and its errors.
 * test-p9-confine.c has the escapes, read-only shares and malformed
 * messages.
 */
#include <pthread.h>

#include "p9-client.h"

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
	/* An open directory fid cannot become the file: nothing made. */
	ck_assert_int_eq(walk(0, 3, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(lopen(3, 0), 0);
	begin(TLCREATE);
	u32(3);
	str("notmade");
	u32(2 | 0100);
	u32(0640);
	u32(0);
	ck_assert_int_eq(rpc(), EBUSY);
	host_path(path, sizeof(path), "notmade");
	ck_assert_int_eq(access(path, F_OK), -1);
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

/* ftruncate() of a file unlinked while the guest holds it open. */
START_TEST(test_setattr_size_unlinked)
{
	char path[256];
	uint32_t mode;
	uint64_t size;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(walk(0, 1, 1, "hello", 0, 0, 0), 0);
	ck_assert_int_eq(lopen(1, 2), 0);	/* O_RDWR */
	host_path(path, sizeof(path), "hello");
	ck_assert_int_eq(unlink(path), 0);
	begin(TSETATTR);
	u32(1);
	u32(0x8);				/* size */
	u32(0);
	u32(0);
	u32(0);
	u64(3);
	u64(0);
	u64(0);
	u64(0);
	u64(0);
	ck_assert_int_eq(rpc(), 0);
	ck_assert_int_eq(getattr(1, &mode, &size), 0);
	ck_assert_uint_eq(size, 3);
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
	u32(0x1 | 0x8 | 0x10 | 0x20 | 0x100);	/* mode size a/mtime */
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

/* One thread's own message buffers: p9-client.h's are shared. */
struct tmsg {
	uint8_t b[256];
	size_t n;
	uint8_t r[8192];
};

static void t_put(struct tmsg *t, const void *p, size_t n)
{
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void t_u32(struct tmsg *t, uint32_t v)
{
	uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

	t_put(t, b, 4);
}

static void t_str(struct tmsg *t, const char *s)
{
	uint8_t b[2] = { strlen(s), 0 };

	t_put(t, b, 2);
	t_put(t, s, strlen(s));
}

static void t_begin(struct tmsg *t, uint8_t type)
{
	uint8_t h[7] = { 0, 0, 0, 0, type, 1, 0 };

	t->n = 0;
	t_put(t, h, 7);
}

/* Send; the reply type (Rlerror or type + 1, checked), -1 if bad. */
static int t_rpc(struct tmsg *t)
{
	uint32_t size = t->n, rsize;
	size_t len;

	memcpy(t->b, &size, 4);
	len = p9_handle(srv, t->b, t->n, t->r, sizeof(t->r));
	memcpy(&rsize, t->r, 4);
	if (len < 7 || rsize != len ||
	    (t->r[4] != 7 && t->r[4] != t->b[4] + 1))
		return -1;
	return t->r[4];
}

static int t_walk(struct tmsg *t, uint32_t fid, uint32_t newfid,
		  const char *name)
{
	t_begin(t, TWALK);
	t_u32(t, fid);
	t_u32(t, newfid);
	t_put(t, (uint8_t[]){ name ? 1 : 0, 0 }, 2);
	if (name)
		t_str(t, name);
	return t_rpc(t);
}

static void *hammer(void *arg)
{
	uint32_t base = 100 + (uintptr_t)arg * 10;
	struct tmsg *t = malloc(sizeof(*t));
	long bad = 0;
	int i;

	for (i = 0; t && i < 2000; i++) {
		/* walk, open, read, clunk; a rename may move the file away */
		bad += t_walk(t, 0, base, "hello") < 0;
		t_begin(t, TLOPEN);
		t_u32(t, base);
		t_u32(t, 0);
		bad += t_rpc(t) < 0;
		t_begin(t, TREAD);
		t_u32(t, base);
		t_u32(t, 0);
		t_u32(t, 0);
		t_u32(t, 64);
		bad += t_rpc(t) < 0;
		/* clunk from a clone while the original is in use */
		bad += t_walk(t, base, base + 1, NULL) < 0;
		t_begin(t, TCLUNK);
		t_u32(t, base);
		bad += t_rpc(t) < 0;
		t_begin(t, TCLUNK);
		t_u32(t, base + 1);
		bad += t_rpc(t) < 0;
		if ((uintptr_t)arg == 0) {
			t_begin(t, TRENAMEAT);
			t_u32(t, 0);
			t_str(t, i & 1 ? "moved" : "hello");
			t_u32(t, 0);
			t_str(t, i & 1 ? "hello" : "moved");
			bad += t_rpc(t) < 0;
		}
	}
	free(t);
	return (void *)bad;
}

/* Threads at once on one session: no crash, no hang, every reply sane. */
START_TEST(test_concurrent)
{
	pthread_t th[4];
	void *bad;
	uintptr_t i;

	SKIP_IF_NO_SERVER();
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hammer,
						(void *)i), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
	/* The root fid came through it all. */
	ck_assert_int_eq(walk(0, 1, 0, 0, 0, 0, 0), 0);
}
END_TEST

static Suite *p9_suite(void)
{
	Suite *s = suite_create("p9");
	TCase *tc = tcase_create("rw");

	tcase_add_checked_fixture(tc, setup_rw, teardown);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_attach);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_lopen_read);
	tcase_add_test(tc, test_lcreate_write);
	tcase_add_test(tc, test_clunk_remove);
	tcase_add_test(tc, test_getattr_setattr);
	tcase_add_test(tc, test_setattr_size_unlinked);
	tcase_add_test(tc, test_readdir);
	tcase_add_test(tc, test_statfs_fsync);
	tcase_add_test(tc, test_dir_ops);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_xattr_flush);
	tcase_add_test(tc, test_locks);
	tcase_add_test(tc, test_server_new);
	tcase_add_test(tc, test_concurrent);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(p9_suite)
