// SPDX-License-Identifier: GPL-2.0
/*
 * The fid table: the guest's numbers for the files it walked to. Fids
 * are reference counted, so a request using one may finish after another
 * request clunked it (or a Tversion cleared the table): the last user
 * closes its descriptors. The table's lock covers lookups only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9-int.h"

static unsigned int bucket_of(uint32_t id)
{
	return (id * 2654435761U) >> 24;
}

int fid_table_init(struct p9_fid_table *t)
{
	memset(t, 0, sizeof(*t));
	return -pthread_mutex_init(&t->lock, NULL);
}

static void fid_free(struct p9_fid *f)
{
	if (f->open_fd >= 0)
		close(f->open_fd);
	if (f->fd >= 0)
		close(f->fd);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	free(f->name);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void fid_put(struct p9_fid_table *t, struct p9_fid *f)
{
	bool last;

	pthread_mutex_lock(&t->lock);
	last = !--f->refs;
	pthread_mutex_unlock(&t->lock);
	if (last)
		fid_free(f);
}

struct p9_fid *fid_get(struct p9_fid_table *t, uint32_t id)
{
	struct p9_fid *f;

	pthread_mutex_lock(&t->lock);
	for (f = t->bucket[bucket_of(id)]; f; f = f->next)
		if (f->id == id) {
			f->refs++;
			break;
		}
	pthread_mutex_unlock(&t->lock);
	return f;
}

/* Unlink id from its bucket (table locked); the caller drops the ref. */
static struct p9_fid *unhash(struct p9_fid_table *t, uint32_t id)
{
	struct p9_fid **pp, *f;

	for (pp = &t->bucket[bucket_of(id)]; (f = *pp); pp = &f->next)
		if (f->id == id) {
			*pp = f->next;
			t->count--;
			return f;
		}
	return NULL;
}

int fid_insert(struct p9_fid_table *t, uint32_t id, int fd, int dir_fd,
	       char *name, const struct stat *st, bool replace)
{
	struct p9_fid *f, *old = NULL, *it;
	unsigned int b = bucket_of(id);
	int ret = 0;

	f = calloc(1, sizeof(*f));
	if (!f || pthread_mutex_init(&f->lock, NULL)) {
		free(f);
		if (fd >= 0)
			close(fd);
		if (dir_fd >= 0)
			close(dir_fd);
		free(name);
		return -ENOMEM;
	}
	f->id = id;
	f->refs = 1;
	f->fd = fd;
	f->dir_fd = dir_fd;
	f->name = name;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->type = st->st_mode & S_IFMT;
	f->open_fd = -1;

	pthread_mutex_lock(&t->lock);
	if (id == P9_NOFID) {
		ret = -EBADF;
		goto out;
	}
	for (it = t->bucket[b]; it; it = it->next)
		if (it->id == id)
			break;
	if (it && !replace) {
		ret = -EBADF;
		goto out;
	}
	if (it)
		old = unhash(t, id);
	if (t->count >= P9_MAX_FIDS) {
		ret = -EMFILE;
		goto out;
	}
	f->next = t->bucket[b];
	t->bucket[b] = f;
	t->count++;
	f = NULL;
out:
	/* The replaced fid goes when its last user is done with it. */
	if (old && --old->refs)
		old = NULL;
	pthread_mutex_unlock(&t->lock);
	if (old)
		fid_free(old);
	if (f)
		fid_free(f);
	return ret;
}

int fid_remove(struct p9_fid_table *t, uint32_t id)
{
	struct p9_fid *f;
	bool last = false;

	pthread_mutex_lock(&t->lock);
	f = unhash(t, id);
	if (f)
		last = !--f->refs;
	pthread_mutex_unlock(&t->lock);
	if (!f)
		return -EBADF;
	if (last)
		fid_free(f);
	return 0;
}

void fid_table_clear(struct p9_fid_table *t)
{
	struct p9_fid *f, *next, *dead = NULL;
	unsigned int i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < P9_FID_BUCKETS; i++) {
		for (f = t->bucket[i]; f; f = next) {
			next = f->next;
			if (!--f->refs) {
				f->next = dead;
				dead = f;
			}
		}
		t->bucket[i] = NULL;
	}
	t->count = 0;
	pthread_mutex_unlock(&t->lock);
	for (f = dead; f; f = next) {
		next = f->next;
		fid_free(f);
	}
}

void fid_table_destroy(struct p9_fid_table *t)
{
	fid_table_clear(t);
	pthread_mutex_destroy(&t->lock);
}

void fid_table_renamed(struct p9_fid_table *t, const struct stat *old_dir,
		       const char *old_name, int new_dir_fd,
		       const char *new_name)
{
	struct stat st;
	struct p9_fid *f;
	unsigned int i;
	char *name;
	int fd;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < P9_FID_BUCKETS; i++) {
		for (f = t->bucket[i]; f; f = f->next) {
			if (f->dir_fd < 0 || !f->name ||
			    strcmp(f->name, old_name) ||
			    fstat(f->dir_fd, &st) ||
			    st.st_dev != old_dir->st_dev ||
			    st.st_ino != old_dir->st_ino)
				continue;
			name = strdup(new_name);
			fd = fcntl(new_dir_fd, F_DUPFD_CLOEXEC, 0);
			if (!name || fd < 0) {
				/* Reopens fail with ESTALE, nothing worse. */
				free(name);
				if (fd >= 0)
					close(fd);
				continue;
			}
			close(f->dir_fd);
			free(f->name);
			f->dir_fd = fd;
			f->name = name;
		}
	}
	pthread_mutex_unlock(&t->lock);
}
