/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_SANDBOX_H
#define POCVM_SANDBOX_H

#include <limits.h>
#include <stdbool.h>

#include "config.h"
#include "landlock.h"
#include "privdrop.h"

/*
 * --reboot's four images, /dev/vhost-net, the control socket's dir and
 * the --9p shares.
 */
#define SANDBOX_MAX_RULES	(6 + CONFIG_MAX_SHARES)

/*
 * What pocvm may still do once start-up is done (vmm/sandbox.c), built
 * from the run's config: Landlock, the privilege drop and seccomp, in
 * that order, on the one thread there is before the guest runs.
 */
struct sandbox {
	const struct config *cfg;
	struct identity id;
	struct fs_rule rules[SANDBOX_MAX_RULES];
	unsigned int nr_rules;
	/* The control socket's directory: its server's fd (not ours), or -1 */
	int ctl_dir_fd;
	char ctl_dir[PATH_MAX];
	bool bad_input;		/* the failure was the user's (exit 2) */
	int landlock_abi;	/* 0: the host has no Landlock */
	bool seccomp_on;
	/* Processes pocvm started and ends at exit (passt). */
	const pid_t *children;
	unsigned int nr_children;
};

/* Check --user/--group before anything is opened; -EINVAL on bad input. */
int sandbox_init(struct sandbox *sb, const struct config *cfg);

/*
 * Enter the sandbox. ctl_dir_fd is the descriptor through which the
 * control server removes its socket from ctl_dir at exit (-1: there is no
 * socket). The threads started afterwards inherit the sandbox.
 */
int sandbox_enter(struct sandbox *sb, int ctl_dir_fd, const char *ctl_dir);

#endif
