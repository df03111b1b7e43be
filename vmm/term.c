// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
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

/*
 * --tty N, as kvmtool's: the guest's terminal becomes a new pty. pocvm's
 * standard input and output are the guest console's only, so the pty's
 * master simply takes their place; the slave side stays open in pocvm,
 * so whoever attaches to it (screen, cat) can come and go.
 */
int term_pty(int port, char *name, size_t len)
{
	struct termios t;
	int master, slave;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return err_set(-errno, "--tty %d: no pty: %s", port,
			       strerror(errno));
	if (grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, name, len)) {
		close(master);
		return err_set(-errno, "--tty %d: pty: %s", port,
			       strerror(errno));
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0 || tcgetattr(slave, &t)) {
		close(master);
		return err_set(-errno, "--tty %d: %s: %s", port, name,
			       strerror(errno));
	}
	/* A terminal for a serial line: bytes as they are, no echo. */
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	if (dup2(master, STDIN_FILENO) < 0 || dup2(master, STDOUT_FILENO) < 0) {
		close(master);
		close(slave);
		return err_set(-errno, "--tty %d: %s", port, strerror(errno));
	}
	close(master);
	/* slave: kept for the run, so the master never sees a hangup */
	return 0;
}
