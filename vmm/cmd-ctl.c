// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm stop|pause|resume -n NAME` (or -a for every guest): one request
 * over the guest's control socket each.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "control.h"
#include "exit-codes.h"
#include "log.h"

struct ctl {
	const char *cmd;
	int failures;
};

static int ctl_one(const char *name, void *arg)
{
	struct ctl *c = arg;
	int ret;

	printf("%s: ", name);
	fflush(stdout);
	ret = control_request(name, c->cmd, stdout);
	if (ret) {
		printf("\n");
		pr_err("%s", err_message(ret));
		c->failures++;
	}
	return 0;
}

int cmd_ctl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl c = { .cmd = argv[0] };
	bool all = false;
	const char *name = NULL;
	int opt, ret;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":n:a", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'a':
			all = true;
			break;
		default:
			pr_err("%s: bad option '%s' (use -n NAME or -a)",
			       c.cmd, argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || !!name == all) {
		pr_err("%s: give either -n NAME or -a", c.cmd);
		return EXIT_USAGE;
	}
	if (all) {
		ret = control_for_each(ctl_one, &c);
		if (ret) {
			pr_err("%s", err_message(ret));
			return ret == -EPERM ? EXIT_USAGE : EXIT_VMM_FAILURE;
		}
		return c.failures ? EXIT_VMM_FAILURE : 0;
	}
	ret = control_request(name, c.cmd, stdout);
	if (ret) {
		pr_err("%s", err_message(ret));
		/* -EPERM: the socket directory is not safe to use. */
		return ret == -ESRCH || ret == -EINVAL || ret == -EPERM ?
		       EXIT_USAGE : EXIT_VMM_FAILURE;
	}
	return 0;
}
