// SPDX-License-Identifier: GPL-2.0
/*
 * Privileges after start-up. A root-started pocvm needs root only to
 * open /dev/kvm, taps and /dev/vhost-net; once those descriptors are
 * open nothing it does needs a capability, so it drops them all, and
 * with --user/--group becomes that user and group first (as
 * firecracker's jailer and crosvm do).
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

/* A decimal id; -1 (all ones) is "no change" to set*id() and so refused. */
static int parse_id(const char *s, uint32_t *id)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v >= UINT32_MAX)
		return -EINVAL;
	*id = v;
	return 0;
}

/*
 * The passwd entry for name (or for uid, when name is NULL): 0 and its
 * uid and gid, -ENOENT if there is none.
 */
static int find_user(const char *file, const char *name, uid_t uid,
		     uid_t *out_uid, gid_t *out_gid)
{
	struct passwd *pw;
	FILE *f = fopen(file, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while ((pw = fgetpwent(f))) {
		if (name ? strcmp(pw->pw_name, name) : pw->pw_uid != uid)
			continue;
		*out_uid = pw->pw_uid;
		*out_gid = pw->pw_gid;
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static int find_group(const char *file, const char *name, gid_t *gid)
{
	struct group *gr;
	FILE *f = fopen(file, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while ((gr = fgetgrent(f))) {
		if (strcmp(gr->gr_name, name))
			continue;
		*gid = gr->gr_gid;
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static int resolve_user(const char *user, const char *passwd_file,
			bool want_gid, struct identity *id)
{
	uint32_t n;
	int ret;

	if (!parse_id(user, &n)) {
		id->uid = n;
		ret = find_user(passwd_file, NULL, n, &id->uid, &id->gid);
		if (ret == -ENOENT && want_gid)
			return err_set(-EINVAL, "--user %s: no such user in %s,"
				       " so no group: give --group too", user,
				       passwd_file);
	} else {
		ret = find_user(passwd_file, user, 0, &id->uid, &id->gid);
		if (ret == -ENOENT)
			return err_set(-EINVAL, "--user %s: no such user in %s",
				       user, passwd_file);
	}
	if (ret && ret != -ENOENT)
		return err_set(-EINVAL, "--user %s: %s: %s", user,
			       passwd_file, strerror(-ret));
	return 0;
}

int identity_resolve(const char *user, const char *group,
		     const char *passwd_file, const char *group_file,
		     struct identity *id)
{
	uint32_t n;
	int ret;

	memset(id, 0, sizeof(*id));
	if (!user && !group)
		return 0;
	id->change = true;
	id->uid = getuid();
	id->gid = getgid();
	if (user) {
		ret = resolve_user(user, passwd_file, !group, id);
		if (ret)
			return ret;
	}
	if (!group)
		return 0;
	if (!parse_id(group, &n)) {
		id->gid = n;
		return 0;
	}
	ret = find_group(group_file, group, &id->gid);
	if (ret == -ENOENT)
		return err_set(-EINVAL, "--group %s: no such group in %s",
			       group, group_file);
	if (ret)
		return err_set(-EINVAL, "--group %s: %s: %s", group,
			       group_file, strerror(-ret));
	return 0;
}

/* The bounding set and ambient capabilities: for whatever runs later. */
static void drop_inherited_caps(void)
{
	unsigned int cap;

	/* EINVAL: a kernel without ambient capabilities has none. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* Needs CAP_SETPCAP (EPERM without: then there is nothing to drop). */
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			break;
}

static int become(const struct identity *id)
{
	/* Already so (a user naming itself): nothing to change. */
	if (geteuid() == id->uid && getuid() == id->uid &&
	    getegid() == id->gid && getgid() == id->gid)
		return 0;
	if (setgroups(1, &id->gid) || setresgid(id->gid, id->gid, id->gid) ||
	    setresuid(id->uid, id->uid, id->uid))
		return err_set(-errno, "--user/--group: cannot become uid %u "
			       "gid %u: %s%s", (unsigned int)id->uid,
			       (unsigned int)id->gid, strerror(errno),
			       errno == EPERM ? " (only root can)" : "");
	return 0;
}

int privileges_drop(const struct identity *id)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uid_t r, e, s;
	int ret;

	drop_inherited_caps();
	if (id->change) {
		ret = become(id);
		if (ret)
			return ret;
		/* Each of real, effective and saved: no way back. */
		if (getresuid(&r, &e, &s) || r != id->uid || e != id->uid ||
		    s != id->uid)
			return err_set(-EPERM, "--user: still uid %u",
				       (unsigned int)e);
	}
	/* setresuid() to a non-root uid cleared them; root keeps its own. */
	memset(data, 0, sizeof(data));
	if (syscall(__NR_capset, &hdr, data))
		return err_set(-errno, "cannot drop capabilities: %s",
			       strerror(errno));
	return 0;
}
