/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 9P2000.L server's parts: the message codec (codec.c), the fid table
 * (fid.c), confined path operations (confine.c) and the message handlers
 * (ops-*.c), dispatched from server.c. Nothing outside hw/p9/ includes it.
 */
#ifndef POCVM_P9_INT_H
#define POCVM_P9_INT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "p9.h"

/* Message types (Linux include/net/9p/9p.h); R = T + 1. */
enum {
	P9_TLERROR = 6, P9_RLERROR,
	P9_TSTATFS = 8,
	P9_TLOPEN = 12,
	P9_TLCREATE = 14,
	P9_TSYMLINK = 16,
	P9_TMKNOD = 18,
	P9_TRENAME = 20,
	P9_TREADLINK = 22,
	P9_TGETATTR = 24,
	P9_TSETATTR = 26,
	P9_TXATTRWALK = 30,
	P9_TXATTRCREATE = 32,
	P9_TREADDIR = 40,
	P9_TFSYNC = 50,
	P9_TLOCK = 52,
	P9_TGETLOCK = 54,
	P9_TLINK = 70,
	P9_TMKDIR = 72,
	P9_TRENAMEAT = 74,
	P9_TUNLINKAT = 76,
	P9_TVERSION = 100,
	P9_TAUTH = 102,
	P9_TATTACH = 104,
	P9_TWALK = 110,
	P9_TREAD = 116,
	P9_TWRITE = 118,
	P9_TCLUNK = 120,
	P9_TREMOVE = 122,
};

#define P9_NOFID	0xffffffffU
#define P9_MAXWELEM	16
#define P9_QID_SIZE	13
#define P9_QTDIR	0x80
#define P9_QTSYMLINK	0x02
#define P9_QTFILE	0x00
/* Rread/Rreaddir: header and count[4] in front of the data. */
#define P9_IOHDR_SIZE	(P9_HDR_SIZE + 4)

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

/* Reading a request: any read past the end sets bad and yields zero. */
struct p9_in {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool bad;
};

/* Writing a reply: any write past cap sets overflow and is dropped. */
struct p9_out {
	uint8_t *p;
	size_t cap;
	size_t pos;
	bool overflow;
};

uint8_t p9_get8(struct p9_in *in);
uint16_t p9_get16(struct p9_in *in);
uint32_t p9_get32(struct p9_in *in);
uint64_t p9_get64(struct p9_in *in);
/*
 * A string[s] into buf (NUL-terminated, at most size - 1 bytes): -EPROTO
 * when the message ends first, -ENAMETOOLONG when it does not fit, -EINVAL
 * when it holds a NUL byte.
 */
int p9_get_str(struct p9_in *in, char *buf, size_t size);
/* Bytes left in the request, and a pointer to them (consumed). */
const uint8_t *p9_get_bytes(struct p9_in *in, uint64_t len);

void p9_put8(struct p9_out *out, uint8_t v);
void p9_put16(struct p9_out *out, uint16_t v);
void p9_put32(struct p9_out *out, uint32_t v);
void p9_put64(struct p9_out *out, uint64_t v);
void p9_put_str(struct p9_out *out, const char *s);
void p9_put_qid(struct p9_out *out, const struct p9_qid *qid);
/* Room for len bytes the caller fills in place, or NULL (overflow). */
uint8_t *p9_put_room(struct p9_out *out, size_t len);

/*
 * One fid. fd is an O_PATH descriptor of the object itself. A file
 * that is not a directory is opened again through its parent: dir_fd
 * (O_PATH, -1 for the root and for what ".." reached) and name, which
 * a rename through this server keeps up to date (fid_table_renamed()).
 * dev and ino say which object it is, so a reopen that finds another
 * one (swapped in under the name) fails with ESTALE.
 */
struct p9_fid {
	uint32_t id;
	unsigned int refs;		/* the table's, and each user's */
	int fd;
	int dir_fd;
	char *name;
	dev_t dev;
	ino_t ino;
	mode_t type;			/* S_IFMT bits */
	int open_fd;			/* -1 until Tlopen / Tlcreate */
	int open_flags;
	pthread_mutex_t lock;		/* open_fd and its offset */
	struct p9_fid *next;
};

#define P9_FID_BUCKETS	256

struct p9_fid_table {
	pthread_mutex_t lock;
	struct p9_fid *bucket[P9_FID_BUCKETS];
	unsigned int count;
};

/* Most fids a session may hold: bounds the host descriptors it costs. */
#define P9_MAX_FIDS	4096

int fid_table_init(struct p9_fid_table *t);
void fid_table_destroy(struct p9_fid_table *t);
/* Drop every fid (Tversion starts a new session). */
void fid_table_clear(struct p9_fid_table *t);
/* The fid with this id, with a reference taken; NULL if none. */
struct p9_fid *fid_get(struct p9_fid_table *t, uint32_t id);
void fid_put(struct p9_fid_table *t, struct p9_fid *f);
/*
 * A new fid id made from the fds and name given (taken over, also on
 * failure); -EBADF if id is in use (or NOFID), -EMFILE past the limit.
 * With replace, an existing id is clunked first (a walk onto itself).
 */
int fid_insert(struct p9_fid_table *t, uint32_t id, int fd, int dir_fd,
	       char *name, const struct stat *st, bool replace);
/* Take id out of the table (its last user frees it); -EBADF if none. */
int fid_remove(struct p9_fid_table *t, uint32_t id);
/*
 * A rename moved (old_dir, old_name) to (new_dir_fd's directory,
 * new_name): fids naming the old place now name the new one. The
 * directories are given by dev and ino.
 */
void fid_table_renamed(struct p9_fid_table *t, const struct stat *old_dir,
		       const char *old_name, int new_dir_fd,
		       const char *new_name);

struct p9_server {
	int root_fd;		/* O_PATH, the shared directory */
	dev_t root_dev;
	ino_t root_ino;
	bool ro;
	uint32_t msize;		/* atomic: read without a lock */
	struct p9_fid_table fids;
	/*
	 * Held for reading while a (dir_fd, name) pair is used, and for
	 * writing by a rename and its fix-up: a reopen never sees a name
	 * half renamed. Never held around reads and writes of open files.
	 */
	pthread_rwlock_t names;
};

/* A file's qid: its type bits and inode number (with the device mixed in). */
void p9_qid_from_stat(const struct p9_server *srv, const struct stat *st,
		      struct p9_qid *qid);

/*
 * Confined lookups (confine.c): every one is openat2() with
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS below
 * a directory descriptor, for one validated name component.
 */
/* A single component: no '/', not empty, not "." or "..". */
bool p9_name_ok(const char *name);
int p9_open_beneath(int dir_fd, const char *name, int flags, mode_t mode);
/* Open what fid names for I/O (flags as for open()); fd or -errno. */
int p9_fid_reopen(struct p9_server *srv, struct p9_fid *f, int flags);

/*
 * The handlers (ops-*.c). Each reads its request from in and writes its
 * reply body (after the header) to out; returns 0 or -errno for an
 * Rlerror.
 */
typedef int (*p9_op_fn)(struct p9_server *srv, struct p9_in *in,
			struct p9_out *out);

int p9_op_version(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_attach(struct p9_server *srv, struct p9_in *in,
		 struct p9_out *out);
int p9_op_walk(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_clunk(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_remove(struct p9_server *srv, struct p9_in *in,
		 struct p9_out *out);
int p9_op_getattr(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_setattr(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_statfs(struct p9_server *srv, struct p9_in *in,
		 struct p9_out *out);
int p9_op_readlink(struct p9_server *srv, struct p9_in *in,
		   struct p9_out *out);
int p9_op_xattrwalk(struct p9_server *srv, struct p9_in *in,
		    struct p9_out *out);
int p9_op_xattrcreate(struct p9_server *srv, struct p9_in *in,
		      struct p9_out *out);
int p9_op_lopen(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_lcreate(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_read(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_write(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_readdir(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_fsync(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_lock(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_getlock(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_mkdir(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_symlink(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out);
int p9_op_mknod(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_link(struct p9_server *srv, struct p9_in *in, struct p9_out *out);
int p9_op_rename(struct p9_server *srv, struct p9_in *in,
		 struct p9_out *out);
int p9_op_renameat(struct p9_server *srv, struct p9_in *in,
		   struct p9_out *out);
int p9_op_unlinkat(struct p9_server *srv, struct p9_in *in,
		   struct p9_out *out);

#endif
