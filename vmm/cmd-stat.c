// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm stat -m -n NAME` (or -a), kvmtool's: the guest's memory
 * statistics from its virtio-balloon driver, fresh, printed the way lkvm
 * prints them. The guest reports when the device hands its buffer back:
 * ask once (that hands it back), then until the report number moves.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "control.h"
#include "exit-codes.h"
#include "log.h"

/* How long a guest may take to report (nested TCG guests are slow). */
#define STAT_WAIT_MS	10000
#define STAT_POLL_MS	20

/* virtio 1.2 5.5.6.3 and Linux's uapi: kvmtool's words where it has them. */
static const char *const stat_names[] = {
	"The amount of memory that has been swapped in (in bytes):",
	"The amount of memory that has been swapped out to disk (in bytes):",
	"The number of major page faults that have occurred:",
	"The number of minor page faults that have occurred:",
	"The amount of memory not being used for any purpose (in bytes):",
	"The total amount of memory (in bytes):",
	"The estimated available memory (in bytes):",
	"The amount of memory in use for file caching (in bytes):",
	"The number of successful HugeTLB allocations:",
	"The number of failed HugeTLB allocations:",
	"The number of OOM killer invocations:",
	"The number of stalled memory allocations:",
	"The amount of memory scanned asynchronously (in pages):",
	"The amount of memory scanned directly (in pages):",
	"The amount of memory reclaimed asynchronously (in pages):",
	"The amount of memory reclaimed directly (in pages):",
};

int stat_parse(int argc, char **argv, struct stat_args *a)
{
	static const struct option opts[] = {
		{ "memory", no_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	a->name = NULL;
	a->all = a->mem = false;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":man:", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			a->mem = true;
			break;
		case 'a':
			a->all = true;
			break;
		case 'n':
			a->name = optarg;
			break;
		case ':':
			return err_set(-EINVAL, "stat: %s needs a value",
				       argv[optind - 1]);
		default:
			return err_set(-EINVAL, "stat: bad option '%s' (use -m "
				       "with -n NAME or -a)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return err_set(-EINVAL, "stat: unexpected argument '%s'",
			       argv[optind]);
	if (!a->mem)
		return err_set(-EINVAL, "stat: give -m (memory statistics)");
	if (!!a->name == a->all)
		return err_set(-EINVAL, "stat: give either -n NAME or -a");
	return 0;
}

/*
 * The number of the report in reply ("gen N" and then "TAG VALUE"
 * lines); -EPROTO if the reply is not one.
 */
static int reply_gen(const char *reply, uint64_t *gen)
{
	return sscanf(reply, "gen %" SCNu64, gen) == 1 ? 0 : -EPROTO;
}

static void print_stats(const char *reply)
{
	const char *line = strchr(reply, '\n');
	unsigned int tag;
	uint64_t val;

	printf("\n\n\t*** Guest memory statistics ***\n\n");
	while (line && sscanf(line + 1, "%u %" SCNu64, &tag, &val) == 2) {
		if (tag < sizeof(stat_names) / sizeof(stat_names[0]))
			fputs(stat_names[tag], stdout);
		else
			printf("Unknown memory statistic (ID %u): ", tag);
		printf("%" PRIu64 "\n", val);
		line = strchr(line + 1, '\n');
	}
	printf("\n");
}

static int ask(const char *name, char **reply, uint64_t *gen)
{
	int ret;

	ret = control_ask_ok(name, "memstat", reply);
	if (ret)
		return ret;
	if (!reply_gen(*reply, gen))
		return 0;
	free(*reply);
	*reply = NULL;
	return err_set(-EPROTO, "%s: not a statistics report", name);
}

/* One guest: 0, or -errno with the message set. */
static int memstat_one(const char *name)
{
	struct timespec pause = { 0, STAT_POLL_MS * 1000000L };
	uint64_t first = 0, gen;
	char *reply;
	int ret, waited;

	ret = ask(name, &reply, &first);
	gen = first;
	for (waited = 0; !ret && waited < STAT_WAIT_MS;
	     waited += STAT_POLL_MS) {
		nanosleep(&pause, NULL);
		free(reply);
		ret = ask(name, &reply, &gen);
		if (!ret && gen != first)
			break;
	}
	if (ret)
		return ret;
	if (gen == first) {
		free(reply);
		if (!first)
			return err_set(-ETIMEDOUT, "%s: the guest sent no "
				       "memory statistics in %d s", name,
				       STAT_WAIT_MS / 1000);
		/* Its figures of before: better than none, and said so. */
		pr_warn("%s: no fresh memory statistics in %d s: the "
			"guest's last report follows", name,
			STAT_WAIT_MS / 1000);
		ret = ask(name, &reply, &gen);
		if (ret)
			return ret;
	}
	print_stats(reply);
	free(reply);
	return 0;
}

struct stat_all {
	int failures;
};

static int stat_each(const char *name, void *arg)
{
	struct stat_all *s = arg;
	int ret = memstat_one(name);

	if (ret) {
		pr_err("%s", err_message(ret));
		s->failures++;
	}
	return 0;
}

int cmd_stat(int argc, char **argv)
{
	struct stat_all all = { 0 };
	struct stat_args a;
	int ret;

	if (stat_parse(argc, argv, &a)) {
		pr_err("%s", err_message(-EINVAL));
		return EXIT_USAGE;
	}
	if (a.all) {
		ret = control_for_each(stat_each, &all);
		if (ret) {
			pr_err("%s", err_message(ret));
			return ret == -EPERM ? EXIT_USAGE : EXIT_VMM_FAILURE;
		}
		return all.failures ? EXIT_VMM_FAILURE : 0;
	}
	ret = memstat_one(a.name);
	if (ret) {
		pr_err("%s", err_message(ret));
		return ret == -ESRCH || ret == -EINVAL || ret == -EPERM ||
		       ret == -ENODEV ? EXIT_USAGE : EXIT_VMM_FAILURE;
	}
	return 0;
}
