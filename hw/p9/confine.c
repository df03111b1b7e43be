// SPDX-License-Identifier: GPL-2.0
/*
 * Every name the guest sends is looked up here, one component at a time,
 * below a directory descriptor the server already holds, with openat2()
 * and RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS: a
 * "..", an absolute or relative symlink or a /proc magic link can never
 * lead out of the shared directory, even one swapped in during a walk.
 * The server never follows a symlink at all: the guest's kernel reads
 * the link (Treadlink) and walks its target itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9-int.h"

#define RESOLVE_CONFINED	(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | \
				 RESOLVE_NO_SYMLINKS)

bool p9_name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int p9_open_beneath(int dir_fd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_CONFINED,
	};
	long fd;

	do {
		fd = syscall(SYS_openat2, dir_fd, name, &how, sizeof(how));
	} while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : (int)fd;
}

int p9_fid_reopen(struct p9_server *srv, struct p9_fid *f, int flags)
{
	struct stat st;
	int fd;

	/* A directory opens through itself: renames cannot move that. */
	if (f->type == S_IFDIR)
		return p9_open_beneath(f->fd, ".", flags | O_DIRECTORY, 0);
	/* Devices, FIFOs and sockets: the guest's kernel serves those. */
	if (f->type != S_IFREG)
		return -EOPNOTSUPP;
	pthread_rwlock_rdlock(&srv->names);
	if (f->dir_fd < 0 || !f->name)
		fd = -ESTALE;
	else
		fd = p9_open_beneath(f->dir_fd, f->name, flags, 0);
	pthread_rwlock_unlock(&srv->names);
	if (fd < 0)
		return fd == -ENOENT ? -ESTALE : fd;
	if (fstat(fd, &st) || st.st_dev != f->dev || st.st_ino != f->ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}
