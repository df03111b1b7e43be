/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_TERM_H
#define POCVM_TERM_H

#include <stddef.h>

/*
 * Raw mode for an interactive console. The terminal is process-wide
 * state, restored on every way out, fatal signals included.
 */
void term_raw(int fd);
void term_restore(void);
/*
 * --tty PORT: a new pty becomes pocvm's standard input and output (the
 * guest's terminal); its slave's path goes into name.
 */
int term_pty(int port, char *name, size_t len);

#endif
