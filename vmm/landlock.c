// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock: once set-up is done, pocvm's file system is what it was
 * given and still needs, nothing more. Descriptors already open stay
 * usable (Landlock checks at open time), so the disks, the console log,
 * /dev/kvm and the taps need no rule; only what pocvm opens again later
 * does: the images for --reboot, /dev/vhost-net, the control socket's
 * directory for the socket's removal, and the --9p shares, whose server
 * opens, creates and removes files below them all the time (read-only
 * shares get the read rights only).
 *
 * Raw system calls: glibc has no wrappers. A host without Landlock
 * (ENOSYS: not built; EOPNOTSUPP: not enabled at boot) runs on without
 * it, as the rest of the sandbox still holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "log.h"

/* Every right the ABI 1 knows, and REFER (link/rename across dirs), 2. */
#define ACCESS_FS_V1	((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#define ACCESS_FS_V2	(ACCESS_FS_V1 | LANDLOCK_ACCESS_FS_REFER)

static int landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : abi;
}

static uint64_t rule_access(enum fs_access access, uint64_t handled)
{
	switch (access) {
	case FS_READ:
		return LANDLOCK_ACCESS_FS_READ_FILE;
	case FS_READ_WRITE:
		return LANDLOCK_ACCESS_FS_READ_FILE |
		       LANDLOCK_ACCESS_FS_WRITE_FILE;
	case FS_REMOVE_IN:
		return LANDLOCK_ACCESS_FS_REMOVE_FILE;
	/* A --9p share: what its server may do below it, and no more. */
	case FS_TREE_READ:
		return LANDLOCK_ACCESS_FS_READ_FILE |
		       LANDLOCK_ACCESS_FS_READ_DIR;
	case FS_TREE_RW:
		return handled;
	}
	return 0;
}

static int add_rule(int ruleset, const struct fs_rule *r, uint64_t handled)
{
	struct landlock_path_beneath_attr pb = {
		.allowed_access = rule_access(r->access, handled),
	};
	int ret = 0;

	pb.parent_fd = open(r->path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return err_set(-errno, "landlock: %s: %s", r->path,
			       strerror(errno));
	if (syscall(__NR_landlock_add_rule, ruleset,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0))
		ret = err_set(-errno, "landlock: rule for %s: %s", r->path,
			      strerror(errno));
	close(pb.parent_fd);
	return ret;
}

int landlock_lock_down(const struct fs_rule *rules, unsigned int nr,
		       int *abi)
{
	struct landlock_ruleset_attr attr = { 0 };
	unsigned int i;
	int ruleset, ret = 0;

	*abi = landlock_abi();
	if (!*abi) {
		pr_info("landlock: not available on this host (%s); the file "
			"system is not restricted", strerror(errno));
		return 0;
	}
	/*
	 * Rights pocvm does not know are not handled, so they stay
	 * allowed: TRUNCATE (ABI 3) is moot while seccomp refuses
	 * truncate() and O_TRUNC, IOCTL_DEV (5) while it allows only
	 * KVM, vhost and terminal ioctls.
	 */
	attr.handled_access_fs = *abi >= 2 ? ACCESS_FS_V2 : ACCESS_FS_V1;
	ruleset = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr),
			  0);
	if (ruleset < 0)
		return err_set(-errno, "landlock: cannot create a ruleset: "
			       "%s", strerror(errno));
	for (i = 0; i < nr && !ret; i++)
		ret = add_rule(ruleset, &rules[i], attr.handled_access_fs);
	/* Without it only CAP_SYS_ADMIN may restrict itself. */
	if (!ret && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		ret = err_set(-errno, "landlock: PR_SET_NO_NEW_PRIVS: %s",
			      strerror(errno));
	if (!ret && syscall(__NR_landlock_restrict_self, ruleset, 0))
		ret = err_set(-errno, "landlock: cannot restrict pocvm: %s",
			      strerror(errno));
	close(ruleset);
	return ret;
}
