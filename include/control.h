/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_CONTROL_H
#define POCVM_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct event_loop;
struct vm;

/*
 * Each running guest listens on $XDG_RUNTIME_DIR/pocvm/NAME.sock (or
 * ~/.pocvm/NAME.sock), mode 0600, in a directory that must be the user's
 * own and mode 0700. The protocol is one command line in, text out, then
 * the guest closes: status, stop, pause, resume, debug, and the device
 * commands balloon MB, memstat, sysrq C (control-vm.c).
 */
#define CONTROL_LINE_MAX	64	/* a command line, newline included */
#define CONTROL_MAX_CLIENTS	8	/* more at once are turned away */
#define CONTROL_DEADLINE_MS	5000	/* then a client is dropped */

int control_dir(char *buf, size_t len);

/* The guest's end, on vm->loop: control-vm.c. */
int control_listen(struct vm *vm);
/* After vm->loop has stopped: closes every client, removes the socket. */
void control_close(struct vm *vm);

/* Client side: send cmd to guest name, copy the answer to out. */
int control_request(const char *name, const char *cmd, FILE *out);
/*
 * The same, with the answer in *reply (malloc'd, NUL-terminated, the
 * caller frees it). *reply is NULL on error.
 */
int control_ask(const char *name, const char *cmd, char **reply);
/* The text after "error: " if the answer is one, else NULL. */
const char *control_reply_error(const char *reply);
/*
 * control_ask(), and an "error: ..." answer is -ENODEV with the message
 * "NAME: ..." set and *reply NULL.
 */
int control_ask_ok(const char *name, const char *cmd, char **reply);
/* Call fn for every live guest; stale sockets are removed on the way. */
int control_for_each(int (*fn)(const char *name, void *arg), void *arg);

/*
 * The protocol (control-proto.c), apart from any socket so that it can
 * be tested and fuzzed alone. A command writes its answer to out. A line
 * is the command's name alone or, for one that takes_args, the name, one
 * space and its arguments (args is "" when there are none).
 */
struct control_command {
	const char *name;
	void (*run)(void *arg, const char *args, FILE *out);
	bool takes_args;
};

/* One client's exchange: its command line in, then the reply out. */
struct control_conn {
	char line[CONTROL_LINE_MAX];
	size_t len;			/* bytes of the line so far */
	char *reply;			/* NULL until the line is complete */
	size_t reply_len, reply_sent;
};

/*
 * Take n bytes the client sent. Returns 0 while the line is incomplete,
 * 1 once the reply is ready (what follows the line is ignored), -ENOMEM.
 * cmds ends with a NULL name; a command runs only on an exact match.
 */
int control_conn_input(struct control_conn *c,
		       const struct control_command *cmds, void *arg,
		       const void *data, size_t n);
/* The reply's bytes not sent yet (none before it is ready). */
static inline size_t control_conn_pending(const struct control_conn *c)
{
	return c->reply ? c->reply_len - c->reply_sent : 0;
}
/* n more bytes of the reply went out; true when all of it has. */
bool control_conn_sent(struct control_conn *c, size_t n);
void control_conn_release(struct control_conn *c);

/*
 * The socket end (control.c), on an event loop: at most
 * CONTROL_MAX_CLIENTS at once, each served without blocking and dropped
 * after deadline_ms. Returns 0, -EEXIST (the name is taken), -EPERM (the
 * directory is not safe to use) or another -errno; the message is set.
 */
struct control_server;
int control_server_open(struct control_server **srvp, const char *name,
			struct event_loop *loop,
			const struct control_command *cmds, void *arg,
			unsigned int deadline_ms);
/* Only once the loop no longer runs: its watches are not removed. */
void control_server_close(struct control_server *srv);
/*
 * The descriptor of the socket's directory, through which close removes
 * the socket: all a sandbox needs to allow (vmm/sandbox.c).
 */
int control_server_dir_fd(const struct control_server *srv);

#endif
