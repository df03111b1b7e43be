// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server's front: one request in, one reply out. The header
 * is checked against the bytes the transport delivered before anything
 * else is read, and a handler that reads past its message's end, or
 * leaves a reply that would not fit, is answered with an Rlerror: no
 * request can make the server read or write outside its buffers.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "p9-int.h"

static const p9_op_fn p9_ops[256] = {
	[P9_TSTATFS] = p9_op_statfs,
	[P9_TLOPEN] = p9_op_lopen,
	[P9_TLCREATE] = p9_op_lcreate,
	[P9_TSYMLINK] = p9_op_symlink,
	[P9_TMKNOD] = p9_op_mknod,
	[P9_TRENAME] = p9_op_rename,
	[P9_TREADLINK] = p9_op_readlink,
	[P9_TGETATTR] = p9_op_getattr,
	[P9_TSETATTR] = p9_op_setattr,
	[P9_TXATTRWALK] = p9_op_xattrwalk,
	[P9_TXATTRCREATE] = p9_op_xattrcreate,
	[P9_TREADDIR] = p9_op_readdir,
	[P9_TFSYNC] = p9_op_fsync,
	[P9_TLOCK] = p9_op_lock,
	[P9_TGETLOCK] = p9_op_getlock,
	[P9_TLINK] = p9_op_link,
	[P9_TMKDIR] = p9_op_mkdir,
	[P9_TRENAMEAT] = p9_op_renameat,
	[P9_TUNLINKAT] = p9_op_unlinkat,
	[P9_TVERSION] = p9_op_version,
	[P9_TATTACH] = p9_op_attach,
	[P9_TWALK] = p9_op_walk,
	[P9_TREAD] = p9_op_read,
	[P9_TWRITE] = p9_op_write,
	[P9_TCLUNK] = p9_op_clunk,
	[P9_TREMOVE] = p9_op_remove,
};

int p9_peek(const uint8_t *req, size_t len, uint8_t *type, uint16_t *tag)
{
	struct p9_in in = { .p = req, .len = len };
	uint32_t size = p9_get32(&in);

	*type = p9_get8(&in);
	*tag = p9_get16(&in);
	if (in.bad || size < P9_HDR_SIZE || size > len)
		return -EINVAL;
	return 0;
}

static void put_header(uint8_t *reply, uint32_t size, uint8_t type,
		       uint16_t tag)
{
	struct p9_out out = { .p = reply, .cap = P9_HDR_SIZE };

	p9_put32(&out, size);
	p9_put8(&out, type);
	p9_put16(&out, tag);
}

size_t p9_rflush(uint16_t tag, uint8_t *reply)
{
	put_header(reply, P9_HDR_SIZE, P9_TFLUSH + 1, tag);
	return P9_HDR_SIZE;
}

static size_t rlerror(uint8_t *reply, uint16_t tag, int err)
{
	struct p9_out out = { .p = reply + P9_HDR_SIZE, .cap = 4 };

	put_header(reply, P9_HDR_SIZE + 4, P9_RLERROR, tag);
	p9_put32(&out, err);
	return P9_HDR_SIZE + 4;
}

size_t p9_handle(struct p9_server *srv, const uint8_t *req, size_t req_len,
		 uint8_t *reply, size_t reply_max)
{
	struct p9_in in = { .p = req, .len = req_len };
	struct p9_out out = { .p = reply + P9_HDR_SIZE };
	uint32_t size, msize = __atomic_load_n(&srv->msize, __ATOMIC_RELAXED);
	uint16_t tag;
	uint8_t type;
	int ret;

	size = p9_get32(&in);
	type = p9_get8(&in);
	tag = p9_get16(&in);
	if (in.bad || size < P9_HDR_SIZE || size > req_len)
		return rlerror(reply, tag, EPROTO);
	/* The message is what its size says; the rest of the chain is not. */
	in.len = size;
	if (reply_max > msize && type != P9_TVERSION)
		reply_max = msize;
	out.cap = reply_max - P9_HDR_SIZE;
	if (type == P9_TFLUSH) {
		/* Nothing is pending here: a transport with queues defers. */
		p9_get16(&in);
		ret = in.bad ? -EPROTO : 0;
	} else if (type == P9_TAUTH) {
		ret = -EOPNOTSUPP;	/* no auth: attach directly */
	} else if (type & 1 || !p9_ops[type]) {
		ret = -EOPNOTSUPP;
	} else {
		ret = p9_ops[type](srv, &in, &out);
	}
	if (!ret && in.bad)
		ret = -EPROTO;
	if (!ret && out.overflow)
		ret = -ENOBUFS;
	if (ret)
		return rlerror(reply, tag, -ret);
	put_header(reply, P9_HDR_SIZE + out.pos, type + 1, tag);
	return P9_HDR_SIZE + out.pos;
}

void p9_qid_from_stat(const struct p9_server *srv, const struct stat *st,
		      struct p9_qid *qid)
{
	qid->type = S_ISDIR(st->st_mode) ? P9_QTDIR :
		    S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	qid->version = 0;
	/*
	 * The guest's inode numbers: a file system mounted inside the
	 * share has its own numbering, so its device goes into the top bits.
	 */
	qid->path = st->st_ino;
	if (st->st_dev != srv->root_dev)
		qid->path ^= (uint64_t)st->st_dev << 48;
}

uint32_t p9_msize(const struct p9_server *srv)
{
	return __atomic_load_n(&srv->msize, __ATOMIC_RELAXED);
}

int p9_op_version(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t msize = p9_get32(in);
	char version[32];
	int ret;

	ret = p9_get_str(in, version, sizeof(version));
	if (ret == -ENAMETOOLONG || ret == -EINVAL)
		version[0] = '\0';
	else if (ret)
		return ret;
	if (msize < P9_MIN_MSIZE)
		return -EINVAL;
	if (msize > P9_MAX_MSIZE)
		msize = P9_MAX_MSIZE;
	/* A new session: whatever the old one walked to is gone. */
	fid_table_clear(&srv->fids);
	__atomic_store_n(&srv->msize, msize, __ATOMIC_RELAXED);
	p9_put32(out, msize);
	p9_put_str(out, strcmp(version, "9P2000.L") ? "unknown" : "9P2000.L");
	return 0;
}

int p9_op_attach(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), afid = p9_get32(in);
	char uname[256], aname[PATH_MAX];
	struct p9_qid qid;
	struct stat st;
	int fd, ret;

	ret = p9_get_str(in, uname, sizeof(uname));
	ret = ret ?: p9_get_str(in, aname, sizeof(aname));
	p9_get32(in);	/* n_uname: every request runs as pocvm's user */
	if (ret)
		return ret;
	if (in->bad)
		return -EPROTO;
	if (afid != P9_NOFID)
		return -EOPNOTSUPP;
	/* One tree per share: aname may only name its root. */
	if (aname[0] && strcmp(aname, "/"))
		return -ENOENT;
	fd = p9_open_beneath(srv->root_fd, ".", O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	ret = fid_insert(&srv->fids, fid, fd, -1, NULL, &st, false);
	if (ret)
		return ret;
	p9_qid_from_stat(srv, &st, &qid);
	p9_put_qid(out, &qid);
	return 0;
}

int p9_server_new(const char *dir, bool ro, struct p9_server **out)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC };
	struct p9_server *srv;
	struct stat st;
	long fd;
	int ret;

	/* openat2 is what confines the server: no openat2, no share. */
	fd = syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		return err_set(-ENOSYS, "--9p %s: this host has no openat2() "
			       "(Linux 5.6+), which confines the share", dir);
	if (fd < 0) {
		ret = -errno;
		return err_set(ret, "--9p %s: %s", dir, strerror(-ret));
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return err_set(ret, "--9p %s: %s", dir, strerror(-ret));
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		close(fd);
		return -ENOMEM;
	}
	srv->root_fd = fd;
	srv->root_dev = st.st_dev;
	srv->root_ino = st.st_ino;
	srv->ro = ro;
	srv->msize = P9_MAX_MSIZE;
	ret = fid_table_init(&srv->fids);
	if (!ret)
		ret = -pthread_rwlock_init(&srv->names, NULL);
	if (ret) {
		close(fd);
		free(srv);
		return ret;
	}
	*out = srv;
	return 0;
}

void p9_server_free(struct p9_server *srv)
{
	if (!srv)
		return;
	fid_table_destroy(&srv->fids);
	pthread_rwlock_destroy(&srv->names);
	close(srv->root_fd);
	free(srv);
}
