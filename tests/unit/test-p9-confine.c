// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server's confinement and robustness: '..' past the root,
 * absolute, relative and /proc/self/root links, a symlink swapped in
 * under a walked name, a read-only share refusing every change with
 * EROFS, and malformed messages of every type answered with Rlerror.
 */
#include "p9-client.h"

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

static Suite *p9_confine_suite(void)
{
	Suite *s = suite_create("p9-confine");
	TCase *tc = tcase_create("escapes");
	TCase *ro = tcase_create("ro");

	tcase_add_checked_fixture(tc, setup_rw, teardown);
	tcase_add_test(tc, test_escape_dotdot);
	tcase_add_test(tc, test_escape_symlinks);
	tcase_add_test(tc, test_escape_swapped_symlink);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ro, setup_ro, teardown);
	tcase_add_test(ro, test_read_only);
	suite_add_tcase(s, ro);
	return s;
}

UNIT_SUITE(p9_confine_suite)
