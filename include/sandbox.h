/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_SANDBOX_H
#define POCVM_SANDBOX_H

#include <stdbool.h>

#include "config.h"
#include "landlock.h"
#include "privdrop.h"

/* --reboot's four images, /dev/vhost-net and the control socket's dir. */
#define SANDBOX_MAX_RULES	6

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
	int ctl_dir_fd;		/* the control socket's directory, or -1 */
	char ctl_name[CONFIG_NAME_MAX + 8];
	bool bad_input;		/* the failure was the user's (exit 2) */
	int landlock_abi;	/* 0: the host has no Landlock */
	bool seccomp_on;
};

/* Check --user/--group before anything is opened; -EINVAL on bad input. */
int sandbox_init(struct sandbox *sb, const struct config *cfg);

/*
 * Enter the sandbox; socket_path is the control socket (NULL: none).
 * The threads started afterwards inherit it.
 */
int sandbox_enter(struct sandbox *sb, const char *socket_path);

/* At exit: remove the control socket through the directory kept open. */
void sandbox_leave(struct sandbox *sb);

#endif
