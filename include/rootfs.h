/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ROOTFS_H
#define POCVM_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

/* The 9p tag of a host-rootfs guest's root; guest-init mounts it. */
#define ROOTFS_TAG	"pocvm-root"

/* What a host-rootfs guest holds for the whole run. */
struct rootfs {
	int memfd;		/* the initramfs, -1: none */
	char *params;		/* -p plus what guest-init reads */
};

/*
 * A run with no -i of an arm64 Linux Image (or with --rootfs, --rw,
 * --modules) boots the host's tree: build the initramfs in memory (this
 * binary as /init, the modules a modular kernel needs), share the root
 * over virtio-9p, and point cfg's shares and params at them; the
 * loader reads the initramfs from rf->memfd (cfg->initrd stays NULL).
 * Anything else is left alone. The guest's command runs as uid:gid.
 * 0 or -errno with the one line set.
 */
int rootfs_prepare(struct config *cfg, struct rootfs *rf, uid_t uid,
		   gid_t gid);
void rootfs_release(struct rootfs *rf);

/* guest-init's side, in the guest as PID 1 (vmm/guest-init.c). */
int guest_init_main(int argc, char **argv);

#endif
