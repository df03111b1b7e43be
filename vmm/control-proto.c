// SPDX-License-Identifier: GPL-2.0
/*
 * The control protocol, with no socket in sight: a client's bytes in,
 * however they are split, one command line assembled (and bounded), the
 * reply built. control.c moves the bytes; the fuzzer and the unit tests
 * call this directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

/* Echo what the client sent without letting it drive our terminal. */
static void put_escaped(FILE *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		if (ch < 0x20 || ch > 0x7e || ch == '\\' || ch == '\'')
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
}

/* The command line names, and where its arguments start in line. */
static const struct control_command *find(const struct control_command *cmds,
					  const char *line, size_t len,
					  size_t *args)
{
	size_t n;

	for (; cmds->name; cmds++) {
		n = strlen(cmds->name);
		if (n > len || memcmp(cmds->name, line, n))
			continue;
		if (n == len) {
			*args = len;
			return cmds;
		}
		/* A NUL would hide the rest of the arguments: not a line. */
		if (cmds->takes_args && line[n] == ' ' &&
		    !memchr(line + n + 1, '\0', len - n - 1)) {
			*args = n + 1;
			return cmds;
		}
	}
	return NULL;
}

/* too_long: the client sent more than a line can hold, no newline. */
static int build_reply(struct control_conn *c,
		       const struct control_command *cmds, void *arg,
		       bool too_long)
{
	const struct control_command *cmd = NULL;
	size_t len = c->len, args;
	FILE *out;

	if (len && c->line[len - 1] == '\r')
		len--;
	c->line[len] = '\0';
	out = open_memstream(&c->reply, &c->reply_len);
	if (!out)
		return -ENOMEM;
	if (too_long) {
		fprintf(out, "error: command longer than %d bytes\n",
			CONTROL_LINE_MAX - 1);
	} else {
		cmd = find(cmds, c->line, len, &args);
		if (cmd) {
			/* line is NUL-terminated at len: args is a string. */
			cmd->run(arg, c->line + args, out);
		} else {
			fputs("error: unknown command '", out);
			put_escaped(out, c->line, len);
			fputs("'\n", out);
		}
	}
	if (fclose(out) || !c->reply) {
		free(c->reply);
		c->reply = NULL;
		c->reply_len = 0;
		return -ENOMEM;
	}
	c->reply_sent = 0;
	return 1;
}

int control_conn_input(struct control_conn *c,
		       const struct control_command *cmds, void *arg,
		       const void *data, size_t n)
{
	const char *p = data;
	size_t i;

	if (c->reply)
		return 1;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			return build_reply(c, cmds, arg, false);
		/* One byte stays free for the terminating NUL. */
		if (c->len >= CONTROL_LINE_MAX - 1)
			return build_reply(c, cmds, arg, true);
		c->line[c->len++] = p[i];
	}
	return 0;
}

bool control_conn_sent(struct control_conn *c, size_t n)
{
	size_t left = control_conn_pending(c);

	c->reply_sent += n < left ? n : left;
	return c->reply && c->reply_sent == c->reply_len;
}

void control_conn_release(struct control_conn *c)
{
	free(c->reply);
	memset(c, 0, sizeof(*c));
}
