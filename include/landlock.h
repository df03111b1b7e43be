/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_LANDLOCK_H
#define POCVM_LANDLOCK_H

/* What a path stays open for once the file system is restricted. */
enum fs_access {
	FS_READ,		/* a file: open it to read */
	FS_READ_WRITE,		/* a file or device: to read and write */
	FS_REMOVE_IN,		/* a directory: remove files in it */
	FS_TREE_READ,		/* a directory: read everything below it */
	FS_TREE_RW,		/* a directory: read and change all below */
};

struct fs_rule {
	const char *path;
	enum fs_access access;
};

/*
 * Restrict the calling thread, and the threads it starts later, to
 * exactly these file system accesses (vmm/landlock.c); sets
 * no_new_privs. *abi is the host's Landlock ABI, or 0 when it has none
 * (then nothing is restricted and 0 is returned).
 */
int landlock_lock_down(const struct fs_rule *rules, unsigned int nr,
		       int *abi);

#endif
