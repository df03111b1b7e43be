/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_CONSOLE_H
#define POCVM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>

/*
 * Where the guest's console output goes: stdout, the --console-log file,
 * and a ring of its last bytes, shown on stderr when the guest panics.
 * Every console device writes through console_write().
 */
#define CONSOLE_TAIL	4096

struct console {
	pthread_mutex_t lock;
	int out_fd;
	int log_fd;		/* -1: no --console-log */
	char tail[CONSOLE_TAIL];
	size_t tail_len;	/* bytes ever written, for the ring */
	uint64_t first_byte_ns;	/* 0 until the guest prints */
};

/*
 * Keyboard input on its way to the guest. Raw mode hands ^C to the guest,
 * so on a tty Ctrl-A x is the way out and Ctrl-A Ctrl-A sends one ^A.
 */
struct console_input {
	bool tty;
	bool escape;		/* the last byte was a lone ^A */
};

/*
 * Filter n bytes of buf in place; returns how many are for the guest.
 * Sets *quit (and drops what follows) when the user typed Ctrl-A x.
 */
size_t console_filter_input(struct console_input *in, uint8_t *buf,
			    size_t n, bool *quit);

void console_init(struct console *con);
/* --console-log: NULL for none. */
int console_open_log(struct console *con, const char *log_path);
void console_close(struct console *con);
void console_write(struct console *con, const void *buf, size_t len);
/* The last lines the guest printed, at most max_lines of them. */
void console_print_tail(struct console *con, FILE *out,
			unsigned int max_lines);

#endif
