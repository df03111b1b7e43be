/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_PASST_H
#define POCVM_PASST_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "log.h"

/* The fd passt gets its end of the socket pair on (-F/--fd). */
#define PASST_FD		3
/*
 * A host-rootfs guest's network (net_config.guest_static): passt hands
 * out these, and guest-init sets them up, QEMU's user-mode numbers.
 * Connections to the gateway reach the host's loopback.
 */
#define PASST_GUEST_ADDR	"10.0.2.15"
#define PASST_GUEST_PREFIX	"24"
#define PASST_GATEWAY		"10.0.2.2"
/* passt, -f -q -F N, --runas U, -a -n -g, one -t and one -u, NULL. */
#define PASST_MAX_ARGS		18
#define PASST_ARGS_BUF		(4096 + 2 * CONFIG_MAX_FWDS * 12 + 256)

/* What `exec passt` gets: argv points into buf. */
struct passt_cmd {
	char *argv[PASST_MAX_ARGS];
	char buf[PASST_ARGS_BUF];
};

/*
 * passt's command line for network nc on socket fd PASST_FD: path,
 * foreground, quiet, the port forwards (-t/-u), --runas for
 * --user/--group, and the guest's addresses if pocvm sets them up
 * (guest_static). 0 or -E2BIG.
 */
int passt_build_cmd(struct passt_cmd *cmd, const char *path,
		    const struct config *cfg, const struct net_config *nc);

/*
 * The passt to run: --passt PATH if given (it must be executable),
 * else "passt" in one of PATH's directories. 0 or -ENOENT (reported).
 */
int passt_find(const char *given, const char *path_env, char *out,
	       size_t len);

/*
 * Start passt for network nc, connected to pocvm by a socket pair:
 * *fd is pocvm's end (non-blocking), *pid the child, *log_fd the read
 * end (non-blocking) of the pipe that is passt's stdout and stderr.
 * passt dies with pocvm: SIGKILL at the parent's death, and it quits
 * itself once its socket closes. 0 or -errno (reported).
 */
int passt_start(const struct config *cfg, const struct net_config *nc,
		int *fd, int *log_fd, pid_t *pid);

/* passt's output not yet logged: a line being cut from the pipe. */
struct passt_log {
	char buf[256];
	size_t len;
};

/*
 * Log what passt's pipe (fd) holds now, a line at a time, as pocvm's
 * "passt: ..." lines at level (its "Failed to send N bytes to syslog"
 * at debug); blank lines are dropped. 0 when the
 * pipe is empty, -EPIPE once passt has closed it.
 */
int passt_relay(int fd, struct passt_log *lg, enum log_level level);

/* End what passt_start() started: close fd, then SIGTERM and reap. */
void passt_stop(int fd, pid_t pid);

#endif
