// SPDX-License-Identifier: GPL-2.0
/*
 * newc cpio writer: a 110-byte ASCII header of thirteen 8-digit hex
 * fields, the name with its NUL, padded to 4 bytes, then the body, padded
 * to 4 bytes. Linux's initramfs unpacker reads nothing else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cpio.h"

#define CPIO_HDR_LEN	110
/* Linux's unpacker refuses names of PATH_MAX or more. */
#define CPIO_NAME_MAX	4095

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

static int reserve(struct cpio *c, size_t more)
{
	size_t cap = c->cap ? c->cap : 64 * 1024;
	uint8_t *p;

	if (more > SIZE_MAX / 2 - c->len)
		return -ENOMEM;
	if (c->len + more <= c->cap)
		return 0;
	while (cap < c->len + more)
		cap *= 2;
	p = realloc(c->data, cap);
	if (!p)
		return -ENOMEM;
	c->data = p;
	c->cap = cap;
	return 0;
}

int cpio_add(struct cpio *c, const char *name, mode_t mode,
	     dev_t rdev, const void *body, size_t size)
{
	size_t namesz = strlen(name) + 1;
	size_t total;
	char hdr[CPIO_HDR_LEN + 1];
	int ret;

	if (namesz > CPIO_NAME_MAX || size > 0xffffffffULL)
		return -EINVAL;
	total = CPIO_HDR_LEN + namesz;
	total += pad4(total) + size + pad4(size);
	ret = reserve(c, total);
	if (ret)
		return ret;
	/*
	 * magic ino mode uid gid nlink mtime filesize devmajor devminor
	 * rdevmajor rdevminor namesize check: root owns everything, and
	 * mtime 0 keeps the archive the same from run to run.
	 */
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X"
		 "%08X%08X%08X%08X%08X%08X", ++c->ino, (unsigned int)mode,
		 0, 0, S_ISDIR(mode) ? 2 : 1, 0, (unsigned int)size, 0, 0,
		 major(rdev), minor(rdev), (unsigned int)namesz, 0);
	memcpy(c->data + c->len, hdr, CPIO_HDR_LEN);
	c->len += CPIO_HDR_LEN;
	memcpy(c->data + c->len, name, namesz);
	c->len += namesz;
	memset(c->data + c->len, 0, pad4(CPIO_HDR_LEN + namesz));
	c->len += pad4(CPIO_HDR_LEN + namesz);
	if (size)
		memcpy(c->data + c->len, body, size);
	c->len += size;
	memset(c->data + c->len, 0, pad4(size));
	c->len += pad4(size);
	return 0;
}

int cpio_finish(struct cpio *c)
{
	return cpio_add(c, "TRAILER!!!", 0, 0, NULL, 0);
}

void cpio_free(struct cpio *c)
{
	free(c->data);
	memset(c, 0, sizeof(*c));
}
