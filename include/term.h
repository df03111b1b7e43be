/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_TERM_H
#define POCVM_TERM_H

/*
 * Raw mode for an interactive console. The terminal is process-wide
 * state, restored on every way out, fatal signals included.
 */
void term_raw(int fd);
void term_restore(void);

#endif
