// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm balloon -n NAME -i MB | -d MB`, kvmtool's: inflate or deflate a
 * guest's virtio-balloon (run with --balloon) by MB MiB.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "control.h"
#include "exit-codes.h"
#include "log.h"
#include "virtio-balloon.h"

/* A whole number of MiB, 1 up to BALLOON_MAX_MB. */
static int parse_mb(const char *opt, const char *arg, long long *mb)
{
	char *end;

	errno = 0;
	*mb = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || arg[0] == '+' ||
	    *mb < 1 || *mb > BALLOON_MAX_MB)
		return err_set(-EINVAL, "balloon: %s '%s': not a size in MiB "
			       "(1 to %lld)", opt, arg, BALLOON_MAX_MB);
	return 0;
}

int balloon_parse(int argc, char **argv, struct balloon_args *a)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "inflate", required_argument, NULL, 'i' },
		{ "deflate", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	long long mb;
	int opt, ret;

	a->name = NULL;
	a->mb = 0;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":n:i:d:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			a->name = optarg;
			break;
		case 'i':
		case 'd':
			ret = parse_mb(opt == 'i' ? "-i" : "-d", optarg, &mb);
			if (ret)
				return ret;
			if (a->mb)
				return err_set(-EINVAL, "balloon: give one of "
					       "-i MB or -d MB");
			a->mb = opt == 'i' ? mb : -mb;
			break;
		case ':':
			return err_set(-EINVAL, "balloon: %s needs a value",
				       argv[optind - 1]);
		default:
			return err_set(-EINVAL, "balloon: bad option '%s' "
				       "(use -n NAME -i MB or -d MB)",
				       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return err_set(-EINVAL, "balloon: unexpected argument '%s'",
			       argv[optind]);
	if (!a->name || !a->mb)
		return err_set(-EINVAL, "balloon: give -n NAME and -i MB "
			       "(inflate) or -d MB (deflate)");
	return 0;
}

int cmd_balloon(int argc, char **argv)
{
	struct balloon_args a;
	char cmd[32], *reply;
	int ret;

	if (balloon_parse(argc, argv, &a)) {
		pr_err("%s", err_message(-EINVAL));
		return EXIT_USAGE;
	}
	snprintf(cmd, sizeof(cmd), "balloon %lld", a.mb);
	ret = control_ask_ok(a.name, cmd, &reply);
	if (ret) {
		pr_err("%s", err_message(ret));
		/* What the guest's device refused is the user's to fix. */
		return ret == -ESRCH || ret == -EINVAL || ret == -EPERM ||
		       ret == -ENODEV ? EXIT_USAGE : EXIT_VMM_FAILURE;
	}
	fputs(reply, stdout);
	free(reply);
	return 0;
}
