// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm debug -n NAME` (or -a), kvmtool's options: -d dumps every
 * VCPU's registers and the PoC-clean report to stdout, then, as lkvm,
 * asks the guest for its own view (sysrq p on its console); -s C sends
 * the magic SysRq C through the console (8250 or hvc0); -m VCPU would
 * be an NMI, which KVM on arm64 cannot inject. With none of them: the
 * dump alone.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "control.h"
#include "exit-codes.h"
#include "log.h"

int debug_parse(int argc, char **argv, struct debug_args *a)
{
	static const struct option opts[] = {
		{ "dump", no_argument, NULL, 'd' },
		{ "nmi", required_argument, NULL, 'm' },
		{ "sysrq", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char c;
	long vcpu;
	char *end;
	int opt;

	memset(a, 0, sizeof(*a));
	a->nmi = -1;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":dm:s:an:", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			a->dump = a->sysrq_after = true;
			break;
		case 'm':
			errno = 0;
			vcpu = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || vcpu < 0 ||
			    vcpu >= CONFIG_MAX_CPUS)
				return err_set(-EINVAL, "debug: -m '%s': not a "
					       "VCPU number", optarg);
			a->nmi = vcpu;
			break;
		case 's':
			c = optarg[0];
			if (!c || optarg[1] || c < 0x21 || c > 0x7e)
				return err_set(-EINVAL, "debug: -s '%s': give "
					       "one sysrq character", optarg);
			a->sysrq = c;
			break;
		case 'a':
			a->all = true;
			break;
		case 'n':
			a->name = optarg;
			break;
		case ':':
			return err_set(-EINVAL, "debug: %s needs a value",
				       argv[optind - 1]);
		default:
			return err_set(-EINVAL, "debug: bad option '%s' (use "
				       "-n NAME or -a, and -d, -s C, -m VCPU)",
				       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return err_set(-EINVAL, "debug: unexpected argument '%s'",
			       argv[optind]);
	if (!!a->name == a->all)
		return err_set(-EINVAL, "debug: give either -n NAME or -a");
	if (!a->sysrq && a->nmi < 0)
		a->dump = true;
	return 0;
}

/* One request whose answer is nothing but a possible error. */
static int quiet_request(const char *name, const char *cmd)
{
	char *reply;
	int ret;

	ret = control_ask_ok(name, cmd, &reply);
	free(reply);
	return ret;
}

static int debug_one(const char *name, const struct debug_args *a)
{
	char cmd[16];
	int ret;

	/* kvmtool's order: the sysrq, then the dump. */
	if (a->sysrq) {
		snprintf(cmd, sizeof(cmd), "sysrq %c", a->sysrq);
		ret = quiet_request(name, cmd);
		if (ret)
			return ret;
	}
	if (!a->dump)
		return 0;
	ret = control_request(name, "debug", stdout);
	if (ret)
		return ret;
	/* The guest's own dump, where it has a serial console for it. */
	if (a->sysrq_after && quiet_request(name, "sysrq p") == -ENODEV)
		err_clear();
	return 0;
}

struct debug_all {
	const struct debug_args *a;
	int failures;
};

static int debug_each(const char *name, void *arg)
{
	struct debug_all *d = arg;
	int ret;

	printf("%s:\n", name);
	fflush(stdout);
	ret = debug_one(name, d->a);
	if (ret) {
		pr_err("%s", err_message(ret));
		d->failures++;
	}
	return 0;
}

int cmd_debug(int argc, char **argv)
{
	struct debug_args a;
	struct debug_all all = { .a = &a };
	int ret;

	if (debug_parse(argc, argv, &a)) {
		pr_err("%s", err_message(-EINVAL));
		return EXIT_USAGE;
	}
	/*
	 * KVM/arm64 has no NMI to inject (no KVM_NMI, no SDEI); kvmtool
	 * accepts -m there and does nothing. Say so instead.
	 */
	if (a.nmi >= 0) {
		pr_err("debug: -m %d: KVM on arm64 cannot inject an NMI into "
		       "a guest", a.nmi);
		return EXIT_USAGE;
	}
	if (a.all) {
		ret = control_for_each(debug_each, &all);
		if (ret) {
			pr_err("%s", err_message(ret));
			return ret == -EPERM ? EXIT_USAGE : EXIT_VMM_FAILURE;
		}
		return all.failures ? EXIT_VMM_FAILURE : 0;
	}
	ret = debug_one(a.name, &a);
	if (ret) {
		pr_err("%s", err_message(ret));
		return ret == -ESRCH || ret == -EINVAL || ret == -EPERM ||
		       ret == -ENODEV ? EXIT_USAGE : EXIT_VMM_FAILURE;
	}
	return 0;
}
