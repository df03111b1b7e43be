/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_CONTROL_H
#define POCVM_CONTROL_H

#include <stddef.h>
#include <stdio.h>

struct vm;

/*
 * Each running guest listens on $XDG_RUNTIME_DIR/pocvm/NAME.sock (or
 * ~/.pocvm/NAME.sock), mode 0600. The protocol is one command line in,
 * text out, then the guest closes: status, stop, pause, resume, debug.
 */
int control_dir(char *buf, size_t len);
int control_listen(struct vm *vm);
void control_close(struct vm *vm);

/* Client side: send cmd to guest name, copy the answer to out. */
int control_request(const char *name, const char *cmd, FILE *out);
/* Call fn for every live guest; stale sockets are removed on the way. */
int control_for_each(int (*fn)(const char *name, void *arg), void *arg);

#endif
