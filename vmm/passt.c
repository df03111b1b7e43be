// SPDX-License-Identifier: GPL-2.0
/*
 * -n mode=user: pocvm starts passt, the user-mode network daemon, as its
 * child and hands it one end of a socket pair (passt's -F/--fd, which
 * implies --one-off: passt quits once the socket closes). Frames then
 * flow in QEMU's stream framing (hw/virtio/net-stream.c).
 *
 * passt must not outlive pocvm on any path: pocvm's end of the pair is
 * close-on-exec and held by pocvm alone, so any death of pocvm closes
 * it; the child also asks for SIGKILL at its parent's death; and a
 * normal exit closes the socket, then sends SIGTERM and reaps.
 *
 * passt's own messages (stdout and stderr) come to pocvm through a pipe
 * and are logged as pocvm's lines once the guest runs: a run that ends
 * on the user's error before that prints its one line alone, whatever
 * passt had to say about the host meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "passt.h"

/* Append one word to cmd: a copy in buf. */
static int add_arg(struct passt_cmd *cmd, unsigned int *argc, size_t *used,
		   const char *word)
{
	size_t len = strlen(word) + 1;

	if (*argc + 1 >= PASST_MAX_ARGS || len > sizeof(cmd->buf) - *used)
		return -E2BIG;
	memcpy(cmd->buf + *used, word, len);
	cmd->argv[(*argc)++] = cmd->buf + *used;
	cmd->argv[*argc] = NULL;
	*used += len;
	return 0;
}

/* "-t" or "-u" with HOST:GUEST,... for the forwards of that protocol. */
static int add_ports(struct passt_cmd *cmd, unsigned int *argc,
		     size_t *used, const struct net_config *nc, bool udp)
{
	char spec[CONFIG_MAX_FWDS * 12 + 1] = "";
	size_t len = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < nc->nr_fwds; i++) {
		if (nc->fwds[i].udp != udp)
			continue;
		len += snprintf(spec + len, sizeof(spec) - len, "%s%u:%u",
				len ? "," : "", nc->fwds[i].host_port,
				nc->fwds[i].guest_port);
	}
	/*
	 * passt forwards the UDP ports of the TCP forwards unless -u says
	 * otherwise: forward exactly what was asked.
	 */
	if (!len && !udp)
		return 0;
	ret = add_arg(cmd, argc, used, udp ? "-u" : "-t");
	return ret ?: add_arg(cmd, argc, used, len ? spec : "none");
}

int passt_build_cmd(struct passt_cmd *cmd, const char *path,
		    const struct config *cfg, const struct net_config *nc)
{
	char word[2 * 64 + 2];
	unsigned int argc = 0;
	size_t used = 0;
	int ret;

	snprintf(word, sizeof(word), "%d", PASST_FD);
	/* In the foreground, as pocvm's child, its messages to pocvm. */
	ret = add_arg(cmd, &argc, &used, path);
	ret = ret ?: add_arg(cmd, &argc, &used, "-f");
	ret = ret ?: add_arg(cmd, &argc, &used, "-q");
	ret = ret ?: add_arg(cmd, &argc, &used, "-F");
	ret = ret ?: add_arg(cmd, &argc, &used, word);
	/* pocvm drops to --user after start-up: passt does too. */
	if (!ret && cfg->user) {
		snprintf(word, sizeof(word), "%.64s%s%.64s", cfg->user,
			 cfg->group ? ":" : "", cfg->group ? cfg->group : "");
		ret = add_arg(cmd, &argc, &used, "--runas");
		ret = ret ?: add_arg(cmd, &argc, &used, word);
	}
	/* Else passt copies the host's address and gateway. */
	if (nc->guest_static) {
		ret = ret ?: add_arg(cmd, &argc, &used, "-a");
		ret = ret ?: add_arg(cmd, &argc, &used, PASST_GUEST_ADDR);
		ret = ret ?: add_arg(cmd, &argc, &used, "-n");
		ret = ret ?: add_arg(cmd, &argc, &used, PASST_GUEST_PREFIX);
		ret = ret ?: add_arg(cmd, &argc, &used, "-g");
		ret = ret ?: add_arg(cmd, &argc, &used, PASST_GATEWAY);
	}
	ret = ret ?: add_ports(cmd, &argc, &used, nc, false);
	ret = ret ?: add_ports(cmd, &argc, &used, nc, true);
	return ret;
}

int passt_find(const char *given, const char *path_env, char *out,
	       size_t len)
{
	const char *dir, *end;
	int n;

	if (given) {
		if (access(given, X_OK))
			return err_set(-ENOENT, "--passt: %s: %s", given,
				       strerror(errno));
		n = snprintf(out, len, "%s", given);
		return n < 0 || (size_t)n >= len ?
		       err_set(-ENAMETOOLONG, "--passt: path too long") : 0;
	}
	for (dir = path_env ? path_env : ""; *dir; dir = end + !!*end) {
		end = strchrnul(dir, ':');
		/* An empty PATH entry is the current directory. */
		n = end == dir ? snprintf(out, len, "./passt") :
		    snprintf(out, len, "%.*s/passt", (int)(end - dir), dir);
		if (n > 0 && (size_t)n < len && !access(out, X_OK))
			return 0;
	}
	return err_set(-ENOENT, "--network: mode=user needs passt, which is "
		       "not on PATH (install Debian's passt package, or give "
		       "--passt PATH)");
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
child_exec(const struct passt_cmd *cmd, int fd, int log_fd, pid_t parent)
{
	sigset_t none;
	int null;

	/* SIGKILL when pocvm dies, even if it died before this call. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
	/* Out of pocvm's session: a ^C on its terminal is the guest's. */
	setsid();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Before fd's dup2: log_fd may be PASST_FD's number. */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		_exit(127);
	if (fd == PASST_FD) {
		if (fcntl(fd, F_SETFD, 0) < 0)
			_exit(127);
	} else if (dup2(fd, PASST_FD) < 0) {
		_exit(127);
	}
	execv(cmd->argv[0], cmd->argv);
	_exit(127);
}

int passt_start(const struct config *cfg, const struct net_config *nc,
		int *fd, int *log_fd, pid_t *pid)
{
	struct passt_cmd cmd;
	char path[4096];
	pid_t parent = getpid();
	int sv[2], lp[2], ret;

	ret = passt_find(cfg->passt, getenv("PATH"), path, sizeof(path));
	if (ret)
		return ret;
	ret = passt_build_cmd(&cmd, path, cfg, nc);
	if (ret)
		return err_set(ret, "--network: passt's command line is too "
			       "long");
	if (pipe2(lp, O_CLOEXEC))
		return err_set(-errno, "--network: mode=user: pipe: %s",
			       strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		ret = -errno;
		goto close_pipe;
	}
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		goto close_pipe;
	}
	if (!*pid)
		child_exec(&cmd, sv[1], lp[1], parent);
	close(sv[1]);
	close(lp[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(lp[0], F_SETFL, O_NONBLOCK) < 0) {
		ret = -errno;
		close(lp[0]);
		passt_stop(sv[0], *pid);
		return err_set(ret, "--network: mode=user: %s",
			       strerror(-ret));
	}
	pr_info("virtio-net: passt %s (pid %d)", path, (int)*pid);
	*fd = sv[0];
	*log_fd = lp[0];
	return 0;
close_pipe:
	close(lp[0]);
	close(lp[1]);
	return err_set(ret, "--network: mode=user: %s", strerror(-ret));
}

/*
 * passt also logs to syslog, and says so on stderr when none listens:
 * noise, since the same message came on stderr beside it.
 */
static enum log_level line_level(const char *line, enum log_level level)
{
	static const char head[] = "Failed to send ", tail[] = " to syslog";
	size_t len = strlen(line);

	if (!strncmp(line, head, sizeof(head) - 1) && len >= sizeof(tail) &&
	    !strcmp(line + len - (sizeof(tail) - 1), tail))
		return LOG_DEBUG;
	return level;
}

/* The first len bytes of buf as one of pocvm's lines; none if empty. */
static void log_line(char *buf, size_t len, enum log_level level)
{
	buf[len] = '\0';
	if (len)
		log_msg(line_level(buf, level), "passt: %s", buf);
}

int passt_relay(int fd, struct passt_log *lg, enum log_level level)
{
	const size_t room = sizeof(lg->buf) - 1;
	size_t line, used;
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(fd, lg->buf + lg->len, room - lg->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		/* passt is gone: what it left without a newline, then stop. */
		if (n <= 0) {
			log_line(lg->buf, lg->len, level);
			lg->len = 0;
			return -EPIPE;
		}
		lg->len += n;
		/* A line longer than the buffer goes out in pieces. */
		while ((nl = memchr(lg->buf, '\n', lg->len)) ||
		       lg->len == room) {
			line = nl ? (size_t)(nl - lg->buf) : lg->len;
			used = nl ? line + 1 : line;
			log_line(lg->buf, line, level);
			memmove(lg->buf, lg->buf + used, lg->len - used);
			lg->len -= used;
		}
	}
}

void passt_stop(int fd, pid_t pid)
{
	if (fd >= 0)
		close(fd);
	if (pid <= 0)
		return;
	/*
	 * passt is gone by now if the socket was its last link; if not,
	 * SIGTERM ends it (that may fail after --user: the socket did it).
	 */
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}
