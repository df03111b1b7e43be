// SPDX-License-Identifier: GPL-2.0
/*
 * Open files: Tlopen, Tlcreate, Tread, Twrite, Treaddir, Tfsync and the
 * POSIX locks. Reads and writes go to the fid's own descriptor with
 * pread/pwrite and no lock at all; a directory's read position is the
 * one thing a fid's lock covers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9-int.h"

/* Linux's 9P2000.L open flags (include/net/9p/9p.h): arch-neutral. */
#define P9_DOTL_ACCMODE		00000003
#define P9_DOTL_CREATE		00000100
#define P9_DOTL_EXCL		00000200
#define P9_DOTL_TRUNC		00001000
#define P9_DOTL_APPEND		00002000
#define P9_DOTL_NONBLOCK	00004000
#define P9_DOTL_DSYNC		00010000
#define P9_DOTL_DIRECTORY	00200000
#define P9_DOTL_SYNC		04000000

#define P9_LOCK_TYPE_RDLCK	0
#define P9_LOCK_TYPE_WRLCK	1
#define P9_LOCK_TYPE_UNLCK	2
#define P9_LOCK_SUCCESS		0
#define P9_LOCK_BLOCKED		1
#define P9_LOCK_ERROR		2

/*
 * The host's flags for a guest open. O_DIRECT, O_NOATIME, O_NOCTTY and
 * the like are dropped: they concern the guest's cache or terminal, not
 * the host's file.
 */
static int host_flags(uint32_t f)
{
	int flags = 0;

	switch (f & P9_DOTL_ACCMODE) {
	case 0: flags = O_RDONLY; break;
	case 1: flags = O_WRONLY; break;
	case 2: flags = O_RDWR; break;
	default: return -EINVAL;
	}
	if (f & P9_DOTL_TRUNC)
		flags |= O_TRUNC;
	if (f & P9_DOTL_APPEND)
		flags |= O_APPEND;
	if (f & P9_DOTL_DSYNC)
		flags |= O_DSYNC;
	if (f & P9_DOTL_SYNC)
		flags |= O_SYNC;
	if (f & P9_DOTL_DIRECTORY)
		flags |= O_DIRECTORY;
	return flags;
}

static bool flags_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC |
							    O_CREAT));
}

/* Make f an open fid on fd; -EBUSY if it was opened already. */
static int fid_set_open(struct p9_fid *f, int fd, int flags)
{
	int ret = 0;

	pthread_mutex_lock(&f->lock);
	if (f->open_fd >= 0) {
		ret = -EBUSY;
	} else {
		f->open_fd = fd;
		f->open_flags = flags;
	}
	pthread_mutex_unlock(&f->lock);
	return ret;
}

int p9_op_lopen(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), dflags = p9_get32(in);
	struct p9_qid qid;
	struct p9_fid *f;
	struct stat st;
	int flags, fd, ret;

	if (in->bad)
		return -EPROTO;
	flags = host_flags(dflags);
	if (flags < 0)
		return flags;
	if (srv->ro && flags_write(flags))
		return -EROFS;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	if (f->type == S_IFDIR && (flags & O_ACCMODE) != O_RDONLY)
		fd = -EISDIR;
	else
		fd = p9_fid_reopen(srv, f, flags);
	ret = fd < 0 ? fd : 0;
	if (!ret && fstat(fd, &st))
		ret = -errno;
	if (!ret)
		ret = fid_set_open(f, fd, flags);
	if (ret && fd >= 0)
		close(fd);
	fid_put(&srv->fids, f);
	if (ret)
		return ret;
	p9_qid_from_stat(srv, &st, &qid);
	p9_put_qid(out, &qid);
	p9_put32(out, 0);	/* iounit: the client's msize rule */
	return 0;
}

int p9_op_lcreate(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	char name[NAME_MAX + 1];
	uint32_t dflags, mode;
	int flags, fd = -1, pfd = -1, ret;
	struct p9_qid qid;
	struct p9_fid *f;
	struct stat st;
	char *copy;

	ret = p9_get_str(in, name, sizeof(name));
	dflags = p9_get32(in);
	mode = p9_get32(in);
	p9_get32(in);	/* gid: new files are the user's pocvm runs as */
	if (in->bad)
		return -EPROTO;
	if (ret)
		return ret;
	if (!p9_name_ok(name))
		return -EINVAL;
	if (srv->ro)
		return -EROFS;
	flags = host_flags(dflags & ~P9_DOTL_DIRECTORY);
	if (flags < 0)
		return flags;
	flags |= O_CREAT;
	if (dflags & P9_DOTL_EXCL)
		flags |= O_EXCL;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	if (f->type != S_IFDIR) {
		ret = -ENOTDIR;
		goto out;
	}
	/* An open fid cannot become the new file: say so before making it. */
	if (__atomic_load_n(&f->open_fd, __ATOMIC_RELAXED) >= 0) {
		ret = -EBUSY;
		goto out;
	}
	fd = p9_open_beneath(f->fd, name, flags, mode & 07777);
	if (fd < 0) {
		ret = fd;
		goto out;
	}
	pfd = p9_open_beneath(f->fd, name, O_PATH, 0);
	if (pfd < 0) {
		ret = pfd;
		goto out;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	copy = strdup(name);
	if (!copy) {
		ret = -ENOMEM;
		goto out;
	}
	/* The fid now names the new file, open: swap it in place. */
	pthread_rwlock_wrlock(&srv->names);
	pthread_mutex_lock(&f->lock);
	if (f->open_fd >= 0) {
		ret = -EBUSY;
		free(copy);
	} else {
		if (f->dir_fd >= 0)
			close(f->dir_fd);
		free(f->name);
		f->dir_fd = f->fd;
		f->fd = pfd;
		f->name = copy;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->type = st.st_mode & S_IFMT;
		f->open_fd = fd;
		f->open_flags = flags;
		fd = pfd = -1;
	}
	pthread_mutex_unlock(&f->lock);
	pthread_rwlock_unlock(&srv->names);
	if (!ret) {
		p9_qid_from_stat(srv, &st, &qid);
		p9_put_qid(out, &qid);
		p9_put32(out, 0);
	}
out:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	fid_put(&srv->fids, f);
	return ret;
}

/*
 * The open fid and its descriptor in *fd (or NULL, -errno in *fd). The
 * descriptor, once set, stays until the fid's last reference goes
 * (fid_free), so the reference held here keeps it open through a clunk
 * meanwhile, with no dup and close around each read: fid_put(f) when done.
 */
static struct p9_fid *open_fid(struct p9_server *srv, uint32_t fid, int *fd,
			       int *flags)
{
	struct p9_fid *f = fid_get(&srv->fids, fid);

	*fd = -EBADF;
	if (!f)
		return NULL;
	pthread_mutex_lock(&f->lock);
	*fd = f->open_fd;
	*flags = f->open_flags;
	pthread_mutex_unlock(&f->lock);
	if (*fd < 0) {
		fid_put(&srv->fids, f);
		*fd = -EBADF;
		return NULL;
	}
	return f;
}

int p9_op_read(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	uint64_t offset = p9_get64(in);
	uint32_t count = p9_get32(in);
	uint8_t *cnt, *data;
	struct p9_fid *f;
	int fd, flags;
	ssize_t n;

	if (in->bad)
		return -EPROTO;
	if (offset > INT64_MAX)
		return -EINVAL;
	/* Never more than the reply can carry. */
	if (out->cap < out->pos + 4)
		return -ENOBUFS;
	if (count > out->cap - out->pos - 4)
		count = out->cap - out->pos - 4;
	f = open_fid(srv, fid, &fd, &flags);
	if (!f)
		return fd;
	if ((flags & O_ACCMODE) == O_WRONLY) {
		fid_put(&srv->fids, f);
		return -EBADF;
	}
	cnt = p9_put_room(out, 4);
	data = out->p + out->pos;
	do {
		n = pread(fd, data, count, offset);
	} while (n < 0 && errno == EINTR);
	fid_put(&srv->fids, f);
	if (n < 0)
		return -errno;
	p9_put32(&(struct p9_out){ .p = cnt, .cap = 4 }, n);
	out->pos += n;
	return 0;
}

int p9_op_write(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	uint64_t offset = p9_get64(in);
	uint32_t count = p9_get32(in);
	const uint8_t *data = p9_get_bytes(in, count);
	struct p9_fid *f;
	int fd, flags;
	ssize_t n;

	if (in->bad)
		return -EPROTO;
	if (offset > INT64_MAX)
		return -EINVAL;
	if (srv->ro)
		return -EROFS;
	f = open_fid(srv, fid, &fd, &flags);
	if (!f)
		return fd;
	if ((flags & O_ACCMODE) == O_RDONLY) {
		fid_put(&srv->fids, f);
		return -EBADF;
	}
	do {
		n = (flags & O_APPEND) ? write(fd, data, count) :
		     pwrite(fd, data, count, offset);
	} while (n < 0 && errno == EINTR);
	fid_put(&srv->fids, f);
	if (n < 0)
		return -errno;
	p9_put32(out, n);
	return 0;
}

static uint8_t dirent_qid_type(unsigned char d_type)
{
	return d_type == DT_DIR ? P9_QTDIR :
	       d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Entries from offset on, as many as fit in count bytes and the reply. */
static int readdir_fill(struct p9_server *srv, int fd, dev_t dev,
			uint64_t offset, uint32_t count, struct p9_out *out)
{
	struct p9_out sub;
	uint8_t *buf;
	size_t pos;
	long n;
	int ret = 0;

	buf = malloc(count);
	if (!buf)
		return -ENOMEM;
	sub = (struct p9_out){ .p = out->p + out->pos, .cap = count };
	if (lseek(fd, offset, SEEK_SET) < 0) {
		ret = -errno;
		goto out;
	}
	/* One getdents: what did not fit is read again next time. */
	n = syscall(SYS_getdents64, fd, buf, count);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	for (pos = 0; pos < (size_t)n;) {
		struct linux_dirent64 *d = (void *)(buf + pos);
		size_t nl = strlen(d->d_name);
		struct p9_qid qid = { .type = dirent_qid_type(d->d_type),
				      .path = d->d_ino };

		if (sub.pos + P9_QID_SIZE + 8 + 1 + 2 + nl > sub.cap)
			break;
		if (dev != srv->root_dev)
			qid.path ^= (uint64_t)dev << 48;
		p9_put_qid(&sub, &qid);
		p9_put64(&sub, d->d_off);
		p9_put8(&sub, d->d_type);
		p9_put_str(&sub, d->d_name);
		pos += d->d_reclen;
	}
	out->pos += sub.pos;
out:
	free(buf);
	return ret;
}

int p9_op_readdir(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	uint64_t offset = p9_get64(in);
	uint32_t count = p9_get32(in);
	struct p9_fid *f;
	uint8_t *cnt;
	size_t start;
	int ret;

	if (in->bad)
		return -EPROTO;
	if (offset > INT64_MAX)
		return -EINVAL;
	if (out->cap < out->pos + 4)
		return -ENOBUFS;
	if (count > out->cap - out->pos - 4)
		count = out->cap - out->pos - 4;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	cnt = p9_put_room(out, 4);
	start = out->pos;
	/* lseek and getdents share the descriptor's position. */
	pthread_mutex_lock(&f->lock);
	if (f->open_fd < 0 || f->type != S_IFDIR)
		ret = f->open_fd < 0 ? -EBADF : -ENOTDIR;
	else
		ret = readdir_fill(srv, f->open_fd, f->dev, offset, count,
				   out);
	pthread_mutex_unlock(&f->lock);
	fid_put(&srv->fids, f);
	if (!ret)
		p9_put32(&(struct p9_out){ .p = cnt, .cap = 4 },
			 out->pos - start);
	return ret;
}

int p9_op_fsync(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	uint32_t datasync;
	struct p9_fid *f;
	int fd, flags, ret = 0;

	/* Older clients send no datasync word. */
	datasync = in->pos + 4 <= in->len ? p9_get32(in) : 0;
	if (in->bad)
		return -EPROTO;
	f = open_fid(srv, fid, &fd, &flags);
	if (!f)
		return fd;
	if (datasync ? fdatasync(fd) : fsync(fd))
		ret = -errno;
	fid_put(&srv->fids, f);
	return ret;
}

static int lock_type(uint8_t type, short *l_type)
{
	switch (type) {
	case P9_LOCK_TYPE_RDLCK: *l_type = F_RDLCK; return 0;
	case P9_LOCK_TYPE_WRLCK: *l_type = F_WRLCK; return 0;
	case P9_LOCK_TYPE_UNLCK: *l_type = F_UNLCK; return 0;
	}
	return -EINVAL;
}

/* 9P's (start, length) with length 0 meaning "to the end", as fcntl's. */
static int lock_range(uint64_t start, uint64_t length, struct flock *fl)
{
	if (start > INT64_MAX || length > INT64_MAX)
		return -EINVAL;
	fl->l_whence = SEEK_SET;
	fl->l_start = start;
	fl->l_len = length;
	return 0;
}

/*
 * Open file description locks: one owner per fid, as each guest open
 * has its own fid. Never blocks a worker: a conflict answers BLOCKED,
 * and the guest's kernel waits and asks again.
 */
int p9_op_lock(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	uint8_t type = p9_get8(in);
	struct flock fl = { 0 };
	uint64_t start, length;
	char client[256];
	struct p9_fid *f;
	int fd, flags, ret;
	uint8_t status;

	p9_get32(in);	/* flags: BLOCK is the guest's to wait out */
	start = p9_get64(in);
	length = p9_get64(in);
	p9_get32(in);	/* proc_id */
	ret = p9_get_str(in, client, sizeof(client));
	if (in->bad)
		return -EPROTO;
	if (ret && ret != -ENAMETOOLONG)
		return ret;
	ret = lock_type(type, &fl.l_type);
	ret = ret ?: lock_range(start, length, &fl);
	if (ret)
		return ret;
	f = open_fid(srv, fid, &fd, &flags);
	if (!f)
		return fd;
	if (!fcntl(fd, F_OFD_SETLK, &fl))
		status = P9_LOCK_SUCCESS;
	else if (errno == EAGAIN || errno == EACCES)
		status = P9_LOCK_BLOCKED;
	else
		status = P9_LOCK_ERROR;
	fid_put(&srv->fids, f);
	p9_put8(out, status);
	return 0;
}

int p9_op_getlock(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	uint8_t type = p9_get8(in);
	struct flock fl = { 0 };
	uint64_t start, length;
	char client[256];
	uint32_t proc_id;
	struct p9_fid *f;
	int fd, flags, ret;

	start = p9_get64(in);
	length = p9_get64(in);
	proc_id = p9_get32(in);
	ret = p9_get_str(in, client, sizeof(client));
	if (in->bad)
		return -EPROTO;
	if (ret == -ENAMETOOLONG)
		client[0] = '\0';
	else if (ret)
		return ret;
	ret = lock_type(type, &fl.l_type);
	ret = ret ?: lock_range(start, length, &fl);
	if (ret)
		return ret;
	f = open_fid(srv, fid, &fd, &flags);
	if (!f)
		return fd;
	ret = fcntl(fd, F_OFD_GETLK, &fl) ? -errno : 0;
	fid_put(&srv->fids, f);
	if (ret)
		return ret;
	p9_put8(out, fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK :
		     fl.l_type == F_WRLCK ? P9_LOCK_TYPE_WRLCK :
		     P9_LOCK_TYPE_UNLCK);
	p9_put64(out, fl.l_start);
	p9_put64(out, fl.l_len);
	/* A conflicting lock's holder is not the guest's to know. */
	p9_put32(out, fl.l_type == F_UNLCK ? proc_id : 0);
	p9_put_str(out, fl.l_type == F_UNLCK ? client : "");
	return 0;
}
