/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_UTIL_H
#define POCVM_UTIL_H

#include <stdint.h>
#include <string.h>
#include <time.h>

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

#endif
