/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_UTIL_H
#define POCVM_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_MONOTONIC in ns: what every timing and report in pocvm uses. */
static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The file name part of a path, for messages ("dir/" stays whole). */
static inline const char *path_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

/*
 * All of buf to fd, through short writes and EINTR: 0, or -EIO once the
 * other end stops taking it (pocvm run ignores SIGPIPE: no signal then).
 */
static inline int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

#endif
