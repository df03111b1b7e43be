/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_LOG_H
#define POCVM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_threshold;

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...)	log_msg(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

int log_level_parse(const char *name, enum log_level *level);

/*
 * Messages a guest can cause go through a limiter per device: at most
 * LOG_GUEST_BURST a second, then one line saying how many were dropped,
 * so a guest cannot fill the host's disk or journal through pocvm.
 */
#define LOG_GUEST_BURST		10
#define LOG_GUEST_WINDOW_NS	1000000000ULL

struct log_ratelimit {
	const char *name;	/* says whose messages were dropped */
	uint64_t window_start;	/* ns */
	unsigned int in_window;
	uint64_t suppressed;
};

/*
 * May a message go out at time now (ns)? *dropped is set to the number
 * suppressed since the last one that went out, to be reported first.
 */
bool log_ratelimit_pass(struct log_ratelimit *rl, uint64_t now,
			uint64_t *dropped);
void pr_guest(struct log_ratelimit *rl, enum log_level level,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Errors travel up as negative errno values. The place that knows what
 * went wrong records one line about it with err_set(); the top of the
 * command prints it once as "pocvm: <message>".
 */
int err_set(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The recorded message, or strerror(-err) when nothing was recorded. */
const char *err_message(int err);
void err_clear(void);

#endif
