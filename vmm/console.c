// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "log.h"
#include "util.h"

void console_init(struct console *con)
{
	memset(con, 0, sizeof(*con));
	pthread_mutex_init(&con->lock, NULL);
	con->out_fd = STDOUT_FILENO;
	con->log_fd = -1;
}

int console_open_log(struct console *con, const char *log_path)
{
	if (!log_path)
		return 0;
	con->log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0644);
	if (con->log_fd < 0)
		return err_set(-errno, "--console-log: %s: %s", log_path,
			       strerror(errno));
	return 0;
}

void console_close(struct console *con)
{
	if (con->log_fd >= 0)
		close(con->log_fd);
	con->log_fd = -1;
}

void console_write(struct console *con, const void *buf, size_t len)
{
	const char *p = buf;
	size_t i;

	pthread_mutex_lock(&con->lock);
	if (!con->first_byte_ns && len)
		con->first_byte_ns = monotonic_ns();
	/*
	 * Unbuffered: the log must hold everything up to the moment the
	 * guest or pocvm dies, whatever stdout is.
	 */
	/* A closed or full output must not stop the guest. */
	write_full(con->out_fd, buf, len);
	if (con->log_fd >= 0)
		write_full(con->log_fd, buf, len);
	for (i = 0; i < len; i++)
		con->tail[con->tail_len++ % CONSOLE_TAIL] = p[i];
	pthread_mutex_unlock(&con->lock);
}

void console_print_tail(struct console *con, FILE *out,
			unsigned int max_lines)
{
	size_t n, start, i, lines = 0;

	pthread_mutex_lock(&con->lock);
	n = con->tail_len < CONSOLE_TAIL ? con->tail_len : CONSOLE_TAIL;
	start = con->tail_len - n;
	/* Walk back over max_lines line ends (a last partial line counts). */
	for (i = n; i > 0; i--) {
		if (con->tail[(start + i - 1) % CONSOLE_TAIL] == '\n' &&
		    i != n && ++lines == max_lines)
			break;
	}
	for (; i < n; i++) {
		char c = con->tail[(start + i) % CONSOLE_TAIL];

		if (c != '\r')
			fputc(c, out);
	}
	if (n && con->tail[(start + n - 1) % CONSOLE_TAIL] != '\n')
		fputc('\n', out);
	pthread_mutex_unlock(&con->lock);
}

#define CTRL_A	0x01

size_t console_filter_input(struct console_input *in, uint8_t *buf,
			    size_t n, bool *quit)
{
	size_t i, kept = 0;

	*quit = false;
	if (!in->tty)
		return n;
	for (i = 0; i < n; i++) {
		if (in->escape) {
			in->escape = false;
			if (buf[i] == 'x') {
				*quit = true;
				break;
			}
			if (buf[i] != CTRL_A)
				continue;
		} else if (buf[i] == CTRL_A) {
			in->escape = true;
			continue;
		}
		buf[kept++] = buf[i];
	}
	return kept;
}
