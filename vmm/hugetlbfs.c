// SPDX-License-Identifier: GPL-2.0
/* Guest RAM from hugetlbfs (--hugetlbfs), as kvmtool maps it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "hugetlbfs.h"
#include "log.h"

#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC	0x958458f6
#endif

static int map_file(int fd, const char *dir, uint64_t size, uint64_t page,
		    void **host)
{
	void *p;

	if (ftruncate(fd, size))
		return err_set(-ENODEV, "--hugetlbfs %s: cannot size the RAM "
			       "file to %llu MiB: %s", dir,
			       (unsigned long long)(size >> 20),
			       strerror(errno));
	/*
	 * Private, as kvmtool's: the mapping reserves its huge pages now,
	 * so a short pool fails here and not at the guest's first touch.
	 */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return err_set(-ENODEV, "--hugetlbfs %s: no huge pages "
			       "available for %llu MiB of guest RAM (%llu "
			       "pages of %llu KiB; see /proc/sys/vm/"
			       "nr_hugepages): %s", dir,
			       (unsigned long long)(size >> 20),
			       (unsigned long long)(size / page),
			       (unsigned long long)(page >> 10),
			       strerror(errno));
	*host = p;
	return 0;
}

int hugetlbfs_map(const char *dir, uint64_t size, void **host,
		  uint64_t *page_size)
{
	char path[PATH_MAX];
	struct statfs sfs;
	uint64_t page;
	int fd, ret;

	if (statfs(dir, &sfs))
		return err_set(-ENODEV, "--hugetlbfs %s: %s", dir,
			       strerror(errno));
	if ((uint32_t)sfs.f_type != HUGETLBFS_MAGIC)
		return err_set(-ENODEV, "--hugetlbfs %s: not a hugetlbfs "
			       "mount (mount -t hugetlbfs none %s)", dir, dir);
	page = sfs.f_bsize;
	*page_size = page;
	if (!page || size % page)
		return err_set(-ENODEV, "--hugetlbfs %s: guest RAM (%llu MiB) "
			       "is not a multiple of its %llu KiB pages", dir,
			       (unsigned long long)(size >> 20),
			       (unsigned long long)(page >> 10));
	if ((size_t)snprintf(path, sizeof(path), "%s/pocvm-XXXXXX", dir) >=
	    sizeof(path))
		return err_set(-ENODEV, "--hugetlbfs: path too long");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return err_set(-ENODEV, "--hugetlbfs %s: cannot create a file "
			       "there: %s", dir, strerror(errno));
	/* Nothing left behind: the mapping keeps the pages. */
	unlink(path);
	ret = map_file(fd, dir, size, page, host);
	close(fd);
	return ret;
}
