/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_COMMANDS_H
#define POCVM_COMMANDS_H

#include <stdbool.h>

/*
 * The guest-management commands' arguments, in kvmtool's spelling (its
 * builtin-*.c). Each parser takes argv as main() hands it over (argv[0]
 * is the command) and returns 0, or -EINVAL with the message set.
 */

/* pocvm balloon -n NAME (-i MB | -d MB) */
struct balloon_args {
	const char *name;
	long long mb;		/* > 0 inflate, < 0 deflate */
};
int balloon_parse(int argc, char **argv, struct balloon_args *a);

/* pocvm stat -m (-n NAME | -a) */
struct stat_args {
	const char *name;
	bool all;
	bool mem;
};
int stat_parse(int argc, char **argv, struct stat_args *a);

/* pocvm debug (-n NAME | -a) [-d] [-s C] [-m VCPU] */
struct debug_args {
	const char *name;
	bool all;
	bool dump;		/* -d, or no action given: pocvm's own default */
	bool sysrq_after;	/* -d as lkvm: then sysrq p into the guest */
	char sysrq;		/* -s C; 0: none */
	int nmi;		/* -m VCPU; -1: none */
};
int debug_parse(int argc, char **argv, struct debug_args *a);

/* pocvm list [-i] [-r]: neither means both, as kvmtool */
struct list_args {
	bool run;
	bool rootfs;
};
int list_parse(int argc, char **argv, struct list_args *a);

int cmd_balloon(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_ctl(int argc, char **argv);

#endif
