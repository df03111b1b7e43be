// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server (hw/p9/) fed message after message, as a hostile
 * guest would send them, over a real directory tree that holds symlinks
 * pointing out of it. Input layout, repeated to the end:
 *
 *   flags[1] len[2] bytes[len]
 *
 * bytes is one message; its size field is set to len unless flags bit 0
 * keeps the one the input gave. flags bit 1 gives the reply a buffer of
 * only 11 + flags >> 2 bytes. Every run starts with Tversion and Tattach
 * (fid 0) on a freshly built tree, so inputs reach the file operations.
 *
 * Checked besides the sanitizers: every reply is a well-formed R message
 * or Rlerror for the request's tag within the buffer given, and nothing
 * outside the shared directory is created, changed or removed.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "p9.h"

static char top[64], share[96], outside[96];
static uint8_t msg[P9_MAX_MSIZE], reply[P9_MAX_MSIZE];

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	/* A test may have taken the write bit off a directory. */
	if (flag == FTW_DP)
		chmod(path, 0700);
	return remove(path);
}

static void put_file(const char *dir, const char *name, const char *data)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(data, f);
	fclose(f);
}

static void put_link(const char *target, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", share, name);
	if (symlink(target, path))
		abort();
}

/* The share, fresh for each run: files, a subdirectory, links out. */
static void build_tree(void)
{
	char path[256];

	nftw(share, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(share, 0700))
		abort();
	put_file(share, "a", "0123456789abcdef");
	snprintf(path, sizeof(path), "%s/d", share);
	if (mkdir(path, 0700))
		abort();
	put_file(share, "d/b", "inner");
	put_link("/", "abs");
	put_link("../outside", "rel");
	put_link("/proc/self/root", "proc");
	put_link("d", "dlink");
}

/* Only "share" and "outside" in top, and outside's content as it was. */
static void check_outside(void)
{
	char buf[32] = "";
	struct dirent *e;
	FILE *f;
	DIR *d;

	d = opendir(top);
	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "share") &&
		    strcmp(e->d_name, "outside")) {
			fprintf(stderr, "escaped: %s/%s\n", top, e->d_name);
			abort();
		}
	closedir(d);
	f = fopen(outside, "r");
	if (!f || !fgets(buf, sizeof(buf), f) || strcmp(buf, "keep out")) {
		fprintf(stderr, "escaped: %s changed\n", outside);
		abort();
	}
	fclose(f);
}

static void remove_top(void)
{
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* tmpfs: the inputs fsync, and every run rebuilds the tree. */
	snprintf(top, sizeof(top), "%s/pocvm-fuzz-p9-XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(top))
		abort();
	snprintf(share, sizeof(share), "%s/share", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	put_file(top, "outside", "keep out");
	atexit(remove_top);
	return 0;
}

static void check_reply(const uint8_t *req, size_t req_len, size_t len,
			size_t max)
{
	uint32_t size;

	if (len < P9_HDR_SIZE || len > max)
		abort();
	memcpy(&size, reply, 4);
	if (le32toh(size) != len)
		abort();
	/* The tag is echoed whenever the request had one. */
	if (req_len >= P9_HDR_SIZE && memcmp(reply + 5, req + 5, 2))
		abort();
	if (reply[4] == 7) {
		if (len != P9_HDR_SIZE + 4)
			abort();
	} else if (req_len < P9_HDR_SIZE || reply[4] != req[4] + 1) {
		abort();
	}
}

static void send_msg(struct p9_server *srv, size_t len, bool keep_size,
		     size_t max)
{
	uint32_t size = htole32(len);
	size_t n;

	if (!keep_size && len >= 4)
		memcpy(msg, &size, 4);
	n = p9_handle(srv, msg, len, reply, max);
	check_reply(msg, len, n, max);
}

static size_t str(uint8_t *p, const char *s)
{
	uint16_t n = strlen(s);

	p[0] = n;
	p[1] = n >> 8;
	memcpy(p + 2, s, n);
	return 2 + n;
}

static void start_session(struct p9_server *srv)
{
	size_t n;

	memset(msg, 0, 16);
	msg[4] = 100;			/* Tversion */
	msg[5] = msg[6] = 0xff;
	msg[9] = 2;			/* msize 128 KiB */
	n = 11 + str(msg + 11, "9P2000.L");
	send_msg(srv, n, false, sizeof(reply));
	memset(msg, 0, 16);
	msg[4] = 104;			/* Tattach fid 0, afid NOFID */
	memset(msg + 11, 0xff, 4);
	n = 15 + str(msg + 15, "fuzz");
	n += str(msg + n, "");
	memset(msg + n, 0, 4);
	send_msg(srv, n + 4, false, sizeof(reply));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct p9_server *srv;
	unsigned int count = 0;

	build_tree();
	if (p9_server_new(share, false, &srv))
		abort();
	start_session(srv);
	while (!fuzz_empty(&in) && count++ < 64) {
		uint8_t flags = fuzz_u8(&in);
		uint16_t len = fuzz_u16(&in);
		size_t max = sizeof(reply);

		if (len > in.n)
			len = in.n;
		fuzz_bytes(&in, msg, len);
		if (flags & 2)
			max = P9_HDR_SIZE + 4 + (flags >> 2);
		send_msg(srv, len, flags & 1, max);
	}
	p9_server_free(srv);
	check_outside();
	return 0;
}
