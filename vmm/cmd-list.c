// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm list [-i] [-r]`, in lkvm's format: every running guest (-i)
 * with its pid and state, and the root file systems pocvm made (-r):
 * none, since pocvm never makes one (kvmtool's live in ~/.lkvm). Neither
 * option means both, as with lkvm.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "control.h"
#include "exit-codes.h"
#include "log.h"

int list_parse(int argc, char **argv, struct list_args *a)
{
	static const struct option opts[] = {
		{ "run", no_argument, NULL, 'i' },
		{ "rootfs", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	a->run = a->rootfs = false;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":ir", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			a->run = true;
			break;
		case 'r':
			a->rootfs = true;
			break;
		default:
			return err_set(-EINVAL, "list: bad option '%s' (use -i "
				       "or -r)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return err_set(-EINVAL, "list: unexpected argument '%s'",
			       argv[optind]);
	if (!a->run && !a->rootfs)
		a->run = a->rootfs = true;
	return 0;
}

/* The guest's "NAME PID STATE" answer, as lkvm prints an instance. */
static int print_one(const char *name, void *arg)
{
	char got[CONFIG_NAME_MAX + 1], state[16], *reply;
	int pid;

	/* A guest that went away in between simply drops out. */
	if (control_ask(name, "status", &reply)) {
		err_clear();
		return 0;
	}
	if (sscanf(reply, "%64s %d %15s", got, &pid, state) == 3)
		printf("%5d %-20s %s\n", pid, got, state);
	free(reply);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct list_args a;
	int ret;

	if (list_parse(argc, argv, &a)) {
		pr_err("%s", err_message(-EINVAL));
		return EXIT_USAGE;
	}
	printf("%6s %-20s %s\n", "PID", "NAME", "STATE");
	printf("------------------------------------\n");
	if (!a.run)
		return 0;
	ret = control_for_each(print_one, NULL);
	if (ret) {
		pr_err("%s", err_message(ret));
		/* -EPERM: the socket directory is not safe to use. */
		return ret == -EPERM ? EXIT_USAGE : EXIT_VMM_FAILURE;
	}
	return 0;
}
