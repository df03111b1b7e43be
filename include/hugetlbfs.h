/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_HUGETLBFS_H
#define POCVM_HUGETLBFS_H

#include <stdint.h>

/*
 * --hugetlbfs DIR (kvmtool's): map size bytes of guest RAM from an
 * unlinked file on the hugetlbfs mounted at dir. -ENODEV (with a message
 * naming the option) when dir is not hugetlbfs, size is not a multiple of
 * its page size, or the pool has too few free pages; *page_size is set.
 */
int hugetlbfs_map(const char *dir, uint64_t size, void **host,
		  uint64_t *page_size);

#endif
