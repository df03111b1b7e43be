// SPDX-License-Identifier: GPL-2.0
/*
 * Changes to directories: Tmkdir, Tsymlink, Tmknod, Tlink, Trename,
 * Trenameat, Tunlinkat. Each names one validated component below a
 * directory fid's descriptor, so the *at() call cannot reach out of
 * the share; none follows a symlink. A read-only share answers EROFS
 * before it looks at anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "p9-int.h"

#define P9_AT_REMOVEDIR	0x200

/* The directory fid dfid, referenced; -errno if none or not a directory. */
static int get_dir(struct p9_server *srv, uint32_t dfid, struct p9_fid **out)
{
	struct p9_fid *f = fid_get(&srv->fids, dfid);

	if (!f)
		return -EBADF;
	if (f->type != S_IFDIR) {
		fid_put(&srv->fids, f);
		return -ENOTDIR;
	}
	*out = f;
	return 0;
}

/* Rmkdir, Rsymlink, Rmknod: the qid of what was just made. */
static int put_new_qid(struct p9_server *srv, int dir_fd, const char *name,
		       struct p9_out *out)
{
	struct p9_qid qid;
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	p9_qid_from_stat(srv, &st, &qid);
	p9_put_qid(out, &qid);
	return 0;
}

/* The common front of a create: dfid name, checked. */
static int create_prep(struct p9_server *srv, uint32_t dfid, int name_ret,
		       const char *name, struct p9_in *in,
		       struct p9_fid **dir)
{
	if (in->bad)
		return -EPROTO;
	if (name_ret)
		return name_ret;
	if (!p9_name_ok(name))
		return -EINVAL;
	if (srv->ro)
		return -EROFS;
	return get_dir(srv, dfid, dir);
}

int p9_op_mkdir(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in);
	char name[NAME_MAX + 1];
	int ret = p9_get_str(in, name, sizeof(name));
	uint32_t mode = p9_get32(in);
	struct p9_fid *d;

	p9_get32(in);	/* gid */
	ret = create_prep(srv, dfid, ret, name, in, &d);
	if (ret)
		return ret;
	ret = mkdirat(d->fd, name, mode & 07777) ? -errno : 0;
	ret = ret ?: put_new_qid(srv, d->fd, name, out);
	fid_put(&srv->fids, d);
	return ret;
}

int p9_op_symlink(struct p9_server *srv, struct p9_in *in,
		  struct p9_out *out)
{
	uint32_t dfid = p9_get32(in);
	char name[NAME_MAX + 1], target[PATH_MAX];
	int ret = p9_get_str(in, name, sizeof(name));
	int tret = p9_get_str(in, target, sizeof(target));
	struct p9_fid *d;

	p9_get32(in);	/* gid */
	ret = create_prep(srv, dfid, ret ?: tret, name, in, &d);
	if (ret)
		return ret;
	/* The target is only text: the server never follows it. */
	ret = symlinkat(target, d->fd, name) ? -errno : 0;
	ret = ret ?: put_new_qid(srv, d->fd, name, out);
	fid_put(&srv->fids, d);
	return ret;
}

int p9_op_mknod(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in);
	char name[NAME_MAX + 1];
	int ret = p9_get_str(in, name, sizeof(name));
	uint32_t mode = p9_get32(in);
	uint32_t major = p9_get32(in), minor = p9_get32(in);
	struct p9_fid *d;

	p9_get32(in);	/* gid */
	ret = create_prep(srv, dfid, ret, name, in, &d);
	if (ret)
		return ret;
	/* Devices need CAP_MKNOD, which pocvm never has: the host says. */
	ret = mknodat(d->fd, name, mode & (S_IFMT | 07777),
		      makedev(major, minor)) ? -errno : 0;
	ret = ret ?: put_new_qid(srv, d->fd, name, out);
	fid_put(&srv->fids, d);
	return ret;
}

int p9_op_link(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t dfid = p9_get32(in), fid = p9_get32(in);
	char name[NAME_MAX + 1];
	int ret = p9_get_str(in, name, sizeof(name));
	struct p9_fid *d, *f;

	ret = create_prep(srv, dfid, ret, name, in, &d);
	if (ret)
		return ret;
	f = fid_get(&srv->fids, fid);
	if (!f) {
		fid_put(&srv->fids, d);
		return -EBADF;
	}
	pthread_rwlock_rdlock(&srv->names);
	if (f->type == S_IFDIR)
		ret = -EPERM;
	else if (f->dir_fd < 0 || !f->name)
		ret = -ESTALE;
	else if (linkat(f->dir_fd, f->name, d->fd, name, 0))
		ret = -errno;
	pthread_rwlock_unlock(&srv->names);
	fid_put(&srv->fids, f);
	fid_put(&srv->fids, d);
	return ret;
}

/* Rename and fix the fids up, as one step for every other request. */
static int do_rename(struct p9_server *srv, int old_dir, const char *old_name,
		     int new_dir, const char *new_name)
{
	struct stat st;
	int ret = 0;

	if (fstat(old_dir, &st))
		return -errno;
	pthread_rwlock_wrlock(&srv->names);
	if (renameat(old_dir, old_name, new_dir, new_name))
		ret = -errno;
	else
		fid_table_renamed(&srv->fids, &st, old_name, new_dir,
				  new_name);
	pthread_rwlock_unlock(&srv->names);
	return ret;
}

int p9_op_rename(struct p9_server *srv, struct p9_in *in, struct p9_out *out)
{
	uint32_t fid = p9_get32(in), dfid = p9_get32(in);
	char name[NAME_MAX + 1], old[NAME_MAX + 1];
	int ret = p9_get_str(in, name, sizeof(name));
	int old_dir = -1;
	struct p9_fid *d, *f;

	ret = create_prep(srv, dfid, ret, name, in, &d);
	if (ret)
		return ret;
	f = fid_get(&srv->fids, fid);
	if (!f) {
		fid_put(&srv->fids, d);
		return -EBADF;
	}
	pthread_rwlock_rdlock(&srv->names);
	if (f->dir_fd < 0 || !f->name) {
		ret = -EBUSY;
	} else {
		old_dir = fcntl(f->dir_fd, F_DUPFD_CLOEXEC, 0);
		snprintf(old, sizeof(old), "%s", f->name);
		if (old_dir < 0)
			ret = -errno;
	}
	pthread_rwlock_unlock(&srv->names);
	if (!ret)
		ret = do_rename(srv, old_dir, old, d->fd, name);
	if (old_dir >= 0)
		close(old_dir);
	fid_put(&srv->fids, f);
	fid_put(&srv->fids, d);
	return ret;
}

int p9_op_renameat(struct p9_server *srv, struct p9_in *in,
		   struct p9_out *out)
{
	uint32_t odfid = p9_get32(in);
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	int ret = p9_get_str(in, oname, sizeof(oname));
	uint32_t ndfid = p9_get32(in);
	int nret = p9_get_str(in, nname, sizeof(nname));
	struct p9_fid *od, *nd;

	ret = create_prep(srv, odfid, ret ?: nret, oname, in, &od);
	if (ret)
		return ret;
	if (!p9_name_ok(nname)) {
		fid_put(&srv->fids, od);
		return -EINVAL;
	}
	ret = get_dir(srv, ndfid, &nd);
	if (ret) {
		fid_put(&srv->fids, od);
		return ret;
	}
	ret = do_rename(srv, od->fd, oname, nd->fd, nname);
	fid_put(&srv->fids, nd);
	fid_put(&srv->fids, od);
	return ret;
}

int p9_op_unlinkat(struct p9_server *srv, struct p9_in *in,
		   struct p9_out *out)
{
	uint32_t dfid = p9_get32(in);
	char name[NAME_MAX + 1];
	int ret = p9_get_str(in, name, sizeof(name));
	uint32_t flags = p9_get32(in);
	struct p9_fid *d;

	ret = create_prep(srv, dfid, ret, name, in, &d);
	if (ret)
		return ret;
	if (flags & ~P9_AT_REMOVEDIR)
		ret = -EINVAL;
	else if (unlinkat(d->fd, name, flags & P9_AT_REMOVEDIR ?
			  AT_REMOVEDIR : 0))
		ret = -errno;
	fid_put(&srv->fids, d);
	return ret;
}
