// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"

enum log_level log_threshold = LOG_WARN;

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warning",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (level > log_threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line, so lines from VCPU threads do not interleave. */
	fprintf(stderr, "pocvm: %s%s%s\n",
		level == LOG_ERROR ? "" : level_names[level],
		level == LOG_ERROR ? "" : ": ", line);
}

bool log_ratelimit_pass(struct log_ratelimit *rl, uint64_t now,
			uint64_t *dropped)
{
	*dropped = 0;
	if (now - rl->window_start >= LOG_GUEST_WINDOW_NS ||
	    now < rl->window_start) {
		rl->window_start = now;
		rl->in_window = 0;
	}
	if (rl->in_window >= LOG_GUEST_BURST) {
		rl->suppressed++;
		return false;
	}
	rl->in_window++;
	*dropped = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

/* Limiters live in devices that several threads reach: one lock for all. */
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

void pr_guest(struct log_ratelimit *rl, enum log_level level,
	      const char *fmt, ...)
{
	struct timespec ts;
	char line[512];
	uint64_t dropped;
	va_list ap;
	bool pass;

	if (level > log_threshold)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	pthread_mutex_lock(&ratelimit_lock);
	pass = log_ratelimit_pass(rl, (uint64_t)ts.tv_sec * 1000000000ULL +
				  ts.tv_nsec, &dropped);
	pthread_mutex_unlock(&ratelimit_lock);
	if (!pass)
		return;
	if (dropped)
		log_msg(level, "%s: %llu message(s) caused by the guest "
			"suppressed", rl->name ?: "guest",
			(unsigned long long)dropped);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_msg(level, "%s", line);
}

int log_level_parse(const char *name, enum log_level *level)
{
	unsigned int i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcasecmp(name, level_names[i])) {
			*level = i;
			return 0;
		}
	}
	if (!strcasecmp(name, "warn")) {
		*level = LOG_WARN;
		return 0;
	}
	return -EINVAL;
}

/* Per thread: a VCPU thread's failure must not garble the main one's. */
static __thread char err_buf[512];
static __thread int err_code;

int err_set(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	err_code = err;
	return err;
}

const char *err_message(int err)
{
	if (err_buf[0] && err_code == err)
		return err_buf;
	return strerror(-err);
}

void err_clear(void)
{
	err_buf[0] = '\0';
	err_code = 0;
}
