/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_CPIO_H
#define POCVM_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A newc ("070701") cpio archive built in memory: what Linux unpacks as
 * an initramfs (Documentation/driver-api/early-userspace/buffer-format).
 */
struct cpio {
	uint8_t *data;
	size_t len;
	size_t cap;
	unsigned int ino;	/* the next inode number handed out */
};

/*
 * Append one entry: name without a leading '/', mode with its S_IF type
 * bits, rdev for device nodes, body (file contents or a symlink's
 * target) of size bytes. 0 or -ENOMEM / -EINVAL (a name too long).
 */
int cpio_add(struct cpio *c, const char *name, mode_t mode,
	     dev_t rdev, const void *body, size_t size);
/* The TRAILER!!! entry; the archive is complete after it. */
int cpio_finish(struct cpio *c);
void cpio_free(struct cpio *c);

#endif
