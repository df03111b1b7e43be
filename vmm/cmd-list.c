// SPDX-License-Identifier: GPL-2.0
/* `pocvm list`: every running guest with its pid and state. */
#include <errno.h>
#include <stdio.h>

#include "control.h"
#include "exit-codes.h"
#include "log.h"

static int print_one(const char *name, void *arg)
{
	/* A guest that went away in between simply drops out. */
	control_request(name, "status", stdout);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	int ret;

	if (argc > 1) {
		pr_err("list: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	printf("NAME PID STATE\n");
	ret = control_for_each(print_one, NULL);
	if (ret) {
		pr_err("%s", err_message(ret));
		/* -EPERM: the socket directory is not safe to use. */
		return ret == -EPERM ? EXIT_USAGE : EXIT_VMM_FAILURE;
	}
	return 0;
}
