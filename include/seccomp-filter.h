/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_SECCOMP_FILTER_H
#define POCVM_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <sys/types.h>

#include "config.h"

/* The few things the allow-list grants depending on the run's config. */
struct seccomp_policy {
	/*
	 * unlinkat(unlink_dirfd, NAME, 0) is allowed, for the control
	 * socket in the directory held open there; -1: no unlink at all.
	 */
	int unlink_dirfd;
	/*
	 * openat with O_RDWR (never O_CREAT, O_TRUNC or O_WRONLY): a
	 * virtio-net with vhost=1 opens /dev/vhost-net at each DRIVER_OK.
	 * Without it, files open for reading only.
	 */
	bool open_rdwr;
	/*
	 * A --9p server runs: openat2() (Landlock confines it to the
	 * shares), directory reads, readlinkat, fstatfs. With p9_rw, the
	 * calls that change a tree too: mkdirat, unlinkat, renameat(2),
	 * linkat, symlinkat, mknodat, fchmod, fchownat, utimensat,
	 * ftruncate.
	 */
	bool p9;
	bool p9_rw;
	/*
	 * Children pocvm started (passt, one per mode=user network): at exit
	 * kill(pid, SIGTERM) and wait4(pid, ...) for these pids only.
	 */
	pid_t children[CONFIG_MAX_NETS];
	unsigned int nr_children;
};

/*
 * Put every thread of the process under pocvm's run-time allow-list
 * (vmm/seccomp.c), which also sets no_new_privs. Irreversible; call once
 * set-up has opened everything. 0 also when the kernel cannot filter
 * (warned); *on says whether the filter is in place.
 */
int seccomp_lock_down(const struct seccomp_policy *pol, bool *on);

/* Whether this kernel filters system calls as seccomp_lock_down needs. */
bool seccomp_available(void);

/*
 * The allow-list's classic BPF program for pol, into insn (max
 * instructions): its length, or -errno.
 */
int seccomp_filter_build(const struct seccomp_policy *pol,
			 struct sock_filter *insn, unsigned int max);

/*
 * The same program in another layout, for the tests: leaf_calls calls
 * tested one after another at each leaf of the search (the whole list:
 * a plain walk), and conditional jumps of at most jump_max before a JA
 * takes over. Every layout gives every call the same answer.
 */
int seccomp_filter_layout(const struct seccomp_policy *pol,
			  struct sock_filter *insn, unsigned int max,
			  unsigned int leaf_calls, unsigned int jump_max);

#endif
