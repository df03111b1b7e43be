// SPDX-License-Identifier: GPL-2.0
/*
 * Walking, clunking and attributes: the messages that work on a fid's
 * O_PATH descriptor without opening the file. Owners and modes are the
 * host's, reported unchanged; a change is done as the user pocvm runs
 * as, so the host's permission checks decide.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "p9-int.h"

/* Tgetattr's request_mask and Rgetattr's valid bits. */
#define P9_STATS_BASIC		0x7ffULL

/* Tsetattr's valid bits. */
#define P9_ATTR_MODE		0x001
#define P9_ATTR_UID		0x002
#define P9_ATTR_GID		0x004
#define P9_ATTR_SIZE		0x008
#define P9_ATTR_ATIME		0x010
#define P9_ATTR_MTIME		0x020
#define P9_ATTR_CTIME		0x040
#define P9_ATTR_ATIME_SET	0x080
#define P9_ATTR_MTIME_SET	0x100

static int stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ?
	       -errno : 0;
}

/* One step of a walk from the directory at *fd (replaced on success). */
static int walk_one(struct p9_server *srv, int *fd, int *dir_fd,
		    char **name, const char *elem, struct stat *st)
{
	struct stat cur;
	char *copy = NULL;
	int next, ret;

	if (!strcmp(elem, "..")) {
		ret = stat_fd(*fd, &cur);
		if (ret)
			return ret;
		/* The share's root is its own parent, as "/" is. */
		if (cur.st_dev == srv->root_dev && cur.st_ino == srv->root_ino)
			next = p9_open_beneath(*fd, ".", O_PATH, 0);
		else
			next = openat(*fd, "..", O_PATH | O_DIRECTORY |
				      O_CLOEXEC);
		if (next < 0)
			return next == -1 ? -errno : next;
	} else {
		if (!p9_name_ok(elem))
			return -ENOENT;
		copy = strdup(elem);
		if (!copy)
			return -ENOMEM;
		next = p9_open_beneath(*fd, elem, O_PATH, 0);
		if (next < 0) {
			free(copy);
			return next;
		}
	}
	ret = stat_fd(next, st);
	if (ret) {
		close(next);
		free(copy);
		return ret;
	}
	if (*dir_fd >= 0)
		close(*dir_fd);
	free(*name);
	/* ".." leaves no name to reopen by: directories need none. */
	if (copy) {
		*dir_fd = *fd;
	} else {
		close(*fd);
		*dir_fd = -1;
	}
	*fd = next;
	*name = copy;
	return 0;
}

int p9_op_walk(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), newfid = p9_get32(in);
	uint16_t i, nwname = p9_get16(in);
	char (*names)[NAME_MAX + 1] = NULL;
	int fd = -1, dir_fd = -1, ret = 0;
	struct p9_qid qid;
	struct p9_fid *f;
	char *name = NULL;
	struct stat st;
	uint8_t *count;

	if (in->bad)
		return -EPROTO;
	if (nwname > P9_MAXWELEM)
		return -EINVAL;
	names = malloc((size_t)(nwname ?: 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < nwname && !ret; i++)
		ret = p9_get_str(in, names[i], sizeof(names[i]));
	if (ret)
		goto out_free;
	f = fid_get(&srv->fids, fid);
	if (!f) {
		ret = -EBADF;
		goto out_free;
	}
	/* The new fid starts as a copy of the old one. */
	fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 0);
	pthread_rwlock_rdlock(&srv->names);
	if (f->dir_fd >= 0)
		dir_fd = fcntl(f->dir_fd, F_DUPFD_CLOEXEC, 0);
	if (f->name)
		name = strdup(f->name);
	pthread_rwlock_unlock(&srv->names);
	if (fd < 0 || (f->dir_fd >= 0 && dir_fd < 0) || (f->name && !name))
		ret = -ENOMEM;
	else
		ret = stat_fd(fd, &st);
	fid_put(&srv->fids, f);
	if (ret)
		goto out_close;
	count = p9_put_room(out, 2);
	for (i = 0; i < nwname; i++) {
		ret = walk_one(srv, &fd, &dir_fd, &name, names[i], &st);
		if (ret)
			break;
		p9_qid_from_stat(srv, &st, &qid);
		p9_put_qid(out, &qid);
	}
	/* A failed first step is an error; a later one, a short walk. */
	if (ret && i == 0)
		goto out_close;
	if (count) {
		count[0] = i & 0xff;
		count[1] = i >> 8;
	}
	ret = 0;
	if (i < nwname)
		goto out_close;
	ret = fid_insert(&srv->fids, newfid, fd, dir_fd, name, &st,
			 newfid == fid);
	free(names);
	return ret;
out_close:
	if (fd >= 0)
		close(fd);
	if (dir_fd >= 0)
		close(dir_fd);
	free(name);
out_free:
	free(names);
	return ret;
}

int p9_op_clunk(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);

	if (in->bad)
		return -EPROTO;
	return fid_remove(&srv->fids, fid);
}

int p9_op_remove(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;
	int ret;

	if (in->bad)
		return -EPROTO;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	if (srv->ro)
		ret = -EROFS;
	else {
		pthread_rwlock_rdlock(&srv->names);
		if (f->dir_fd < 0 || !f->name)
			ret = -EBUSY;	/* the root, or reached by ".." */
		else if (unlinkat(f->dir_fd, f->name, f->type == S_IFDIR ?
				  AT_REMOVEDIR : 0))
			ret = -errno;
		else
			ret = 0;
		pthread_rwlock_unlock(&srv->names);
	}
	fid_put(&srv->fids, f);
	/* Tremove clunks the fid whether or not the file went. */
	fid_remove(&srv->fids, fid);
	return ret;
}

int p9_op_getattr(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_qid qid;
	struct p9_fid *f;
	struct stat st;
	int ret;

	p9_get64(in);	/* request_mask: the basic set costs one fstatat */
	if (in->bad)
		return -EPROTO;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	ret = stat_fd(f->fd, &st);
	fid_put(&srv->fids, f);
	if (ret)
		return ret;
	p9_qid_from_stat(srv, &st, &qid);
	p9_put64(out, P9_STATS_BASIC);
	p9_put_qid(out, &qid);
	p9_put32(out, st.st_mode);
	p9_put32(out, st.st_uid);
	p9_put32(out, st.st_gid);
	p9_put64(out, st.st_nlink);
	p9_put64(out, st.st_rdev);
	p9_put64(out, st.st_size);
	p9_put64(out, st.st_blksize);
	p9_put64(out, st.st_blocks);
	p9_put64(out, st.st_atim.tv_sec);
	p9_put64(out, st.st_atim.tv_nsec);
	p9_put64(out, st.st_mtim.tv_sec);
	p9_put64(out, st.st_mtim.tv_nsec);
	p9_put64(out, st.st_ctim.tv_sec);
	p9_put64(out, st.st_ctim.tv_nsec);
	/* btime, gen, data_version: not in the basic set */
	p9_put64(out, 0);
	p9_put64(out, 0);
	p9_put64(out, 0);
	p9_put64(out, 0);
	return 0;
}

static int set_mode(struct p9_server *srv, struct p9_fid *f, mode_t mode)
{
	int fd, ret = 0;

	if (f->type == S_IFLNK)
		return -EOPNOTSUPP;
	/* fchmod() needs a real descriptor; a mode 0200 file opens -w. */
	fd = p9_fid_reopen(srv, f, O_RDONLY);
	if (fd == -EACCES && f->type == S_IFREG)
		fd = p9_fid_reopen(srv, f, O_WRONLY);
	if (fd < 0)
		return fd;
	if (fchmod(fd, mode & 07777))
		ret = -errno;
	close(fd);
	return ret;
}

static int set_size(struct p9_server *srv, struct p9_fid *f, uint64_t size)
{
	int fd, ret = 0;

	if (f->type == S_IFDIR)
		return -EISDIR;
	if (size > INT64_MAX)
		return -EFBIG;
	/*
	 * The guest's ftruncate() comes on the fid it opened for writing,
	 * whose name may be gone (unlinked while open): use that file.
	 */
	pthread_mutex_lock(&f->lock);
	if (f->open_fd >= 0 && (f->open_flags & O_ACCMODE) != O_RDONLY) {
		ret = ftruncate(f->open_fd, size) ? -errno : 0;
		pthread_mutex_unlock(&f->lock);
		return ret;
	}
	pthread_mutex_unlock(&f->lock);
	fd = p9_fid_reopen(srv, f, O_WRONLY);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, size))
		ret = -errno;
	close(fd);
	return ret;
}

static void set_time(struct timespec *ts, uint32_t valid, uint32_t now_bit,
		     uint32_t set_bit, uint64_t sec, uint64_t nsec)
{
	if (!(valid & now_bit)) {
		ts->tv_nsec = UTIME_OMIT;
	} else if (valid & set_bit) {
		ts->tv_sec = sec;
		ts->tv_nsec = nsec;
	} else {
		ts->tv_nsec = UTIME_NOW;
	}
}

int p9_op_setattr(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t fid = p9_get32(in), valid = p9_get32(in);
	uint32_t mode = p9_get32(in), uid = p9_get32(in), gid = p9_get32(in);
	uint64_t size = p9_get64(in);
	uint64_t asec = p9_get64(in), ansec = p9_get64(in);
	uint64_t msec = p9_get64(in), mnsec = p9_get64(in);
	struct timespec ts[2];
	struct p9_fid *f;
	int ret = 0;

	if (in->bad)
		return -EPROTO;
	if (ansec >= 1000000000 || mnsec >= 1000000000)
		return -EINVAL;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	if (srv->ro) {
		ret = -EROFS;
		goto out;
	}
	if (valid & P9_ATTR_MODE)
		ret = set_mode(srv, f, mode);
	if (!ret && (valid & (P9_ATTR_UID | P9_ATTR_GID)) &&
	    fchownat(f->fd, "", valid & P9_ATTR_UID ? uid : (uid_t)-1,
		     valid & P9_ATTR_GID ? gid : (gid_t)-1,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		ret = -errno;
	if (!ret && (valid & P9_ATTR_SIZE))
		ret = set_size(srv, f, size);
	if (!ret && (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME))) {
		set_time(&ts[0], valid, P9_ATTR_ATIME, P9_ATTR_ATIME_SET,
			 asec, ansec);
		set_time(&ts[1], valid, P9_ATTR_MTIME, P9_ATTR_MTIME_SET,
			 msec, mnsec);
		if (utimensat(f->fd, "", ts, AT_EMPTY_PATH |
			      AT_SYMLINK_NOFOLLOW))
			ret = -errno;
	}
	/* P9_ATTR_CTIME alone: the change above set it, or nothing can. */
out:
	fid_put(&srv->fids, f);
	return ret;
}

int p9_op_statfs(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	struct p9_fid *f;
	struct statfs sf;
	uint64_t fsid;
	int ret = 0;

	if (in->bad)
		return -EPROTO;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	if (fstatfs(f->fd, &sf))
		ret = -errno;
	fid_put(&srv->fids, f);
	if (ret)
		return ret;
	memcpy(&fsid, &sf.f_fsid, sizeof(fsid));
	p9_put32(out, sf.f_type);
	p9_put32(out, sf.f_bsize);
	p9_put64(out, sf.f_blocks);
	p9_put64(out, sf.f_bfree);
	p9_put64(out, sf.f_bavail);
	p9_put64(out, sf.f_files);
	p9_put64(out, sf.f_ffree);
	p9_put64(out, fsid);
	p9_put32(out, sf.f_namelen);
	return 0;
}

int p9_op_readlink(struct p9_server *srv, struct p9_in *in,
		   struct p9_out *out)
{
	uint32_t fid = p9_get32(in);
	char target[PATH_MAX];
	struct p9_fid *f;
	ssize_t n;
	int ret = 0;

	if (in->bad)
		return -EPROTO;
	f = fid_get(&srv->fids, fid);
	if (!f)
		return -EBADF;
	if (f->type != S_IFLNK)
		ret = -EINVAL;
	else if ((n = readlinkat(f->fd, "", target, sizeof(target) - 1)) < 0)
		ret = -errno;
	else
		target[n] = '\0';
	fid_put(&srv->fids, f);
	if (!ret)
		p9_put_str(out, target);
	return ret;
}

/*
 * Extended attributes are not served: the guest's getxattr() and
 * listxattr() see EOPNOTSUPP, as on a file system without them.
 */
int p9_op_xattrwalk(struct p9_server *srv, struct p9_in *in,
		    struct p9_out *out)
{
	char name[256];
	int ret;

	p9_get32(in);
	p9_get32(in);
	ret = p9_get_str(in, name, sizeof(name));
	return ret == -EPROTO ? ret : -EOPNOTSUPP;
}

int p9_op_xattrcreate(struct p9_server *srv, struct p9_in *in,
		      struct p9_out *out)
{
	char name[256];
	int ret;

	p9_get32(in);
	ret = p9_get_str(in, name, sizeof(name));
	p9_get64(in);
	p9_get32(in);
	if (ret == -EPROTO || in->bad)
		return -EPROTO;
	return srv->ro ? -EROFS : -EOPNOTSUPP;
}
