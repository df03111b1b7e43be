/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_PRIVDROP_H
#define POCVM_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

/* Whom pocvm runs as after start-up (--user, --group). */
struct identity {
	bool change;		/* --user or --group was given */
	uid_t uid;
	gid_t gid;
};

/*
 * --user USER|UID and --group GROUP|GID (either may be NULL) to ids,
 * names looked up in the passwd and group files given (/etc/passwd and
 * /etc/group for pocvm: a static binary has no NSS). Without --group,
 * USER's primary group. -EINVAL with the option named on bad input.
 */
int identity_resolve(const char *user, const char *group,
		     const char *passwd_file, const char *group_file,
		     struct identity *id);

/*
 * Become id (supplementary groups: just its group), if asked, and drop
 * every capability: effective, permitted, inheritable, ambient and the
 * bounding set. Per thread: call before any thread starts.
 */
int privileges_drop(const struct identity *id);

#endif
