/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_LOG_H
#define POCVM_LOG_H

#include <stdarg.h>

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
