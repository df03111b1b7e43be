// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

static struct termios saved;
static int saved_fd = -1;

void term_restore(void)
{
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSANOW, &saved);
		saved_fd = -1;
	}
}

static void term_fatal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

void term_raw(int fd)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	struct termios raw;
	unsigned int i;

	if (!isatty(fd) || tcgetattr(fd, &saved))
		return;
	raw = saved;
	cfmakeraw(&raw);
	/* Keep output processing: pocvm's own messages end in "\n". */
	raw.c_oflag |= OPOST;
	if (tcsetattr(fd, TCSANOW, &raw))
		return;
	saved_fd = fd;
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], term_fatal);
}
