// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox pocvm enters once start-up is done: everything is open,
 * the guest has not run yet, and there is one thread. What it may still
 * do follows from the config alone:
 *
 *   Landlock   --reboot reads the kernel, initrd, firmware and --dtb
 *              again; a vhost=1 network opens /dev/vhost-net at each
 *              DRIVER_OK; the control socket is removed at exit; a
 *              --9p share is served below its directory (read-only
 *              ones for reading only). No other path opens.
 *   privileges --user/--group, then no capabilities at all.
 *   seccomp    the system-call allow-list (vmm/seccomp.c).
 *
 * Landlock goes first, while the paths can still be looked up as the
 * user who started pocvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "seccomp-filter.h"

/* hw/virtio/net.c opens it again at each DRIVER_OK. */
#define VHOST_NET_PATH	"/dev/vhost-net"

int sandbox_init(struct sandbox *sb, const struct config *cfg)
{
	memset(sb, 0, sizeof(*sb));
	sb->cfg = cfg;
	sb->ctl_dir_fd = -1;
	return identity_resolve(cfg->user, cfg->group, "/etc/passwd",
				"/etc/group", &sb->id);
}

static void add_rule(struct sandbox *sb, const char *path,
		     enum fs_access access)
{
	if (path && sb->nr_rules < SANDBOX_MAX_RULES)
		sb->rules[sb->nr_rules++] = (struct fs_rule){ path, access };
}

/*
 * The control server removes its socket at exit by unlinkat() on the
 * directory it holds open: seccomp allows unlinkat on that descriptor
 * only, and Landlock file removal in that directory only.
 */
static int allow_socket_removal(struct sandbox *sb, int dir_fd,
				const char *dir)
{
	if (strlen(dir) >= sizeof(sb->ctl_dir))
		return err_set(-ENAMETOOLONG, "%s: name too long", dir);
	strcpy(sb->ctl_dir, dir);
	sb->ctl_dir_fd = dir_fd;
	add_rule(sb, sb->ctl_dir, FS_REMOVE_IN);
	return 0;
}

/*
 * What --reboot reads again must still open once pocvm runs sandboxed
 * (and as --user): find out now, not at the guest's first reset.
 */
static int check_reopen(struct sandbox *sb)
{
	unsigned int i;
	int fd;

	for (i = 0; i < sb->nr_rules; i++) {
		if (sb->rules[i].access != FS_READ)
			continue;
		fd = open(sb->rules[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			sb->bad_input = true;
			return err_set(-errno, "--reboot: %s cannot be read "
				       "again after start-up: %s",
				       sb->rules[i].path, strerror(errno));
		}
		close(fd);
	}
	return 0;
}

/*
 * Landlock and the capability drop hold for the calling thread and those
 * it starts later, not for threads already running (seccomp's TSYNC
 * would reach them, the others would not): make that a checked fact.
 */
static int check_single_thread(void)
{
	char buf[4096];
	const char *t;
	ssize_t n;
	int fd, threads;

	/*
	 * read() and strstr(), not stdio and sscanf(): a short run pays for
	 * every page of code it touches (scanf's is 29 KiB).
	 */
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* no /proc: nothing to tell */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	t = strstr(buf, "\nThreads:");
	if (!t)
		return 0;
	threads = atoi(t + strlen("\nThreads:"));
	if (threads > 1)
		return err_set(-EBUSY, "sandbox: %d threads run already; it "
			       "must be entered before any starts", threads);
	return 0;
}

static bool any_vhost(const struct config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_nets; i++)
		if (cfg->nets[i].vhost)
			return true;
	return false;
}

int sandbox_enter(struct sandbox *sb, int ctl_dir_fd, const char *ctl_dir)
{
	const struct config *cfg = sb->cfg;
	struct seccomp_policy pol = {
		.unlink_dirfd = -1,
		.open_rdwr = any_vhost(cfg),
		.p9 = cfg->nr_shares > 0,
	};
	unsigned int i;
	int ret;

	ret = check_single_thread();
	if (ret)
		return ret;
	if (cfg->reboot) {
		add_rule(sb, cfg->kernel, FS_READ);
		add_rule(sb, cfg->initrd, FS_READ);
		add_rule(sb, cfg->firmware, FS_READ);
		add_rule(sb, cfg->dtb, FS_READ);
	}
	if (pol.open_rdwr)
		add_rule(sb, VHOST_NET_PATH, FS_READ_WRITE);
	for (i = 0; i < cfg->nr_shares; i++) {
		add_rule(sb, cfg->shares[i].dir, cfg->shares[i].ro ?
			 FS_TREE_READ : FS_TREE_RW);
		pol.p9_rw |= !cfg->shares[i].ro;
	}
	if (ctl_dir_fd >= 0) {
		ret = allow_socket_removal(sb, ctl_dir_fd, ctl_dir);
		if (ret)
			return ret;
	}
	/* No set-uid program can give back what is dropped below. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return err_set(-errno, "PR_SET_NO_NEW_PRIVS: %s",
			       strerror(errno));
	ret = landlock_lock_down(sb->rules, sb->nr_rules, &sb->landlock_abi);
	if (ret)
		return ret;
	ret = privileges_drop(&sb->id);
	if (ret) {
		sb->bad_input = sb->id.change;
		return ret;
	}
	ret = check_reopen(sb);
	if (ret || cfg->no_seccomp)
		return ret;
	pol.unlink_dirfd = sb->ctl_dir_fd;
	for (i = 0; i < sb->nr_children && i < CONFIG_MAX_NETS; i++)
		pol.children[pol.nr_children++] = sb->children[i];
	return seccomp_lock_down(&pol, &sb->seccomp_on);
}
