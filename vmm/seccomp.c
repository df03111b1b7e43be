// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp allow-list every pocvm thread runs under once set-up is
 * done: what is left to do then is KVM_RUN, device I/O on descriptors
 * already open, the event loop, thread start-up and the way out. Files
 * cannot be created, truncated or removed (but by the server of a
 * read-write --9p share, which Landlock keeps inside it), sockets and
 * processes cannot be made and no memory becomes executable, so a guest
 * that takes over a device emulation bug gets little more than the
 * guest already had.
 *
 * A refused call fails with EPERM rather than killing pocvm: a path the
 * list missed then shows up as an error pocvm reports, never as lost
 * guest data. Built with libseccomp; the rules read top to bottom as the
 * policy, and tests/unit/test-seccomp.c tries each one.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"
#include "seccomp-filter.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Allowed with any arguments. The rig's kernel has no BPF JIT, so the
 * filter is interpreted on every call: the hot ones get a priority.
 */
static const int hot_calls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(epoll_pwait),
	SCMP_SYS(futex), SCMP_SYS(io_getevents), SCMP_SYS(io_submit),
	SCMP_SYS(ppoll), SCMP_SYS(readv), SCMP_SYS(writev),
};

static const int plain_calls[] = {
	/* device and console I/O on descriptors already open */
	SCMP_SYS(pread64), SCMP_SYS(pwrite64),
	SCMP_SYS(preadv), SCMP_SYS(pwritev), SCMP_SYS(pselect6),
	SCMP_SYS(clock_gettime), SCMP_SYS(epoll_ctl),
	SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fcntl), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(fallocate), SCMP_SYS(io_destroy), SCMP_SYS(io_cancel),
	SCMP_SYS(eventfd2), SCMP_SYS(timerfd_settime),
	SCMP_SYS(timerfd_gettime),
	/* the control socket and the gdb stub */
	SCMP_SYS(accept4), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(shutdown),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	/* memory and threads (glibc's malloc and pthreads) */
	SCMP_SYS(munmap), SCMP_SYS(madvise), SCMP_SYS(mremap),
	SCMP_SYS(brk), SCMP_SYS(mincore), SCMP_SYS(set_robust_list),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(membarrier), SCMP_SYS(rseq),
	/* signals: VCPU kicks, SIGINT/SIGTERM through the signalfd */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall),
	/* time and identity */
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(gettimeofday), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(getrandom),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
#ifdef __x86_64__
	/* the unit tests' build: glibc's x86_64 spellings */
	SCMP_SYS(epoll_wait), SCMP_SYS(poll), SCMP_SYS(select),
	SCMP_SYS(arch_prctl),
#endif
};

/* A --9p server's lookups and reads (seccomp-filter.h). */
static const int p9_calls[] = {
	SCMP_SYS(openat2), SCMP_SYS(getdents64), SCMP_SYS(readlinkat),
	SCMP_SYS(fstatfs),
};

/* ... and the changes a read-write share makes. */
static const int p9_rw_calls[] = {
	SCMP_SYS(mkdirat), SCMP_SYS(unlinkat), SCMP_SYS(renameat2),
	SCMP_SYS(linkat), SCMP_SYS(symlinkat), SCMP_SYS(mknodat),
	SCMP_SYS(fchmod), SCMP_SYS(fchownat), SCMP_SYS(utimensat),
	SCMP_SYS(ftruncate),
	/* glibc's renameat() is renameat on arm64 and x86_64 alike */
	SCMP_SYS(renameat),
};

/*
 * The terminal ioctls pocvm makes after start-up: isatty() and
 * tcgetattr() (TCGETS), tcsetattr() (TCSETS*). Every other 'T' ioctl,
 * TIOCSTI (push input into the terminal) and TIOCLINUX above all, is
 * refused: tun's TUNSET* are all done during set-up.
 */
static const unsigned long tty_ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF,
};

/* KVM's and vhost's own ioctl types: any request of theirs. */
static const unsigned int ioctl_types[] = { 0xae, 0xaf };

/* Flags that make an open write, truncate or create. */
#define OPEN_WRITE_FLAGS	(O_ACCMODE | O_CREAT | O_TRUNC)

#define ALLOW		SCMP_ACT_ALLOW

/* Argument n equals v. (libseccomp's SCMP_A* trip -Wextra.) */
static struct scmp_arg_cmp eq(unsigned int n, uint64_t v)
{
	return (struct scmp_arg_cmp){ .arg = n, .op = SCMP_CMP_EQ,
				      .datum_a = v };
}

/* Argument n, and-ed with mask, equals v. */
static struct scmp_arg_cmp masked_eq(unsigned int n, uint64_t mask,
				     uint64_t v)
{
	return (struct scmp_arg_cmp){ .arg = n, .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = mask, .datum_b = v };
}

static int add_rules(scmp_filter_ctx ctx, const struct seccomp_policy *pol)
{
	unsigned int i;
	int ret = 0;

	/* ioctl first: KVM_RUN is the call made most. */
	for (i = 0; i < ARRAY_SIZE(ioctl_types) && !ret; i++)
		ret = seccomp_rule_add(ctx, ALLOW, SCMP_SYS(ioctl), 1,
				       masked_eq(1, 0xff00,
					       ioctl_types[i] << 8));
	/* The full 64 bits: the kernel would drop high bits set here. */
	for (i = 0; i < ARRAY_SIZE(tty_ioctls) && !ret; i++)
		ret = seccomp_rule_add(ctx, ALLOW, SCMP_SYS(ioctl), 1,
				       eq(1, tty_ioctls[i]));
	ret = ret ?: seccomp_syscall_priority(ctx, SCMP_SYS(ioctl), 255);
	for (i = 0; i < ARRAY_SIZE(hot_calls) && !ret; i++) {
		ret = seccomp_rule_add(ctx, ALLOW, hot_calls[i], 0);
		ret = ret ?: seccomp_syscall_priority(ctx, hot_calls[i],
						      254 - i);
	}
	for (i = 0; i < ARRAY_SIZE(plain_calls) && !ret; i++)
		ret = seccomp_rule_add(ctx, ALLOW, plain_calls[i], 0);
	if (ret)
		return ret;

	/* Nothing becomes executable: no code can be brought in. */
	ret = seccomp_rule_add(ctx, ALLOW, SCMP_SYS(mmap), 1,
			       masked_eq(2, PROT_EXEC, 0));
	ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(mprotect), 1,
				      masked_eq(2, PROT_EXEC, 0));
	/* Threads, never processes: clone must share the address space. */
	ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(clone), 1,
				      masked_eq(0, CLONE_THREAD,
					      CLONE_THREAD));
	/* clone3's flags are out of reach: ENOSYS makes glibc use clone. */
	ret = ret ?: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				      SCMP_SYS(clone3), 0);
	/* Signals to our own threads only (pthread_kill, raise). */
	ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(tgkill), 1,
				      eq(0, getpid()));
	/* A thread may pin itself (--vcpu-affinity), never another. */
	ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(sched_setaffinity),
				      1, eq(0, 0));
	/* prctl only to name a thread. */
	ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(prctl), 1,
				      eq(0, PR_SET_NAME));
	/*
	 * openat to read: --reboot reads the images again. With vhost,
	 * O_RDWR too, for /dev/vhost-net (Landlock names the path).
	 */
	ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(openat), 1,
				      masked_eq(2, OPEN_WRITE_FLAGS, O_RDONLY));
	if (!ret && pol->open_rdwr)
		ret = seccomp_rule_add(ctx, ALLOW, SCMP_SYS(openat), 1,
				       masked_eq(2, OPEN_WRITE_FLAGS, O_RDWR));
	for (i = 0; pol->p9 && i < ARRAY_SIZE(p9_calls) && !ret; i++)
		ret = seccomp_rule_add(ctx, ALLOW, p9_calls[i], 0);
	for (i = 0; pol->p9_rw && i < ARRAY_SIZE(p9_rw_calls) && !ret; i++)
		ret = seccomp_rule_add(ctx, ALLOW, p9_rw_calls[i], 0);
	/* Ending passt at exit: SIGTERM to that child, then reaping it. */
	for (i = 0; i < pol->nr_children && !ret; i++) {
		ret = seccomp_rule_add(ctx, ALLOW, SCMP_SYS(kill), 2,
				       eq(0, pol->children[i]),
				       eq(1, SIGTERM));
		ret = ret ?: seccomp_rule_add(ctx, ALLOW, SCMP_SYS(wait4), 1,
					      eq(0, pol->children[i]));
	}
	/*
	 * Removing the control socket at exit: that directory, files only.
	 * (A read-write share allows unlinkat everywhere already.)
	 */
	if (!ret && pol->unlink_dirfd >= 0 && !pol->p9_rw)
		ret = seccomp_rule_add(ctx, ALLOW, SCMP_SYS(unlinkat), 2,
				       eq(0, pol->unlink_dirfd),
				       eq(2, 0));
	return ret;
}

int seccomp_lock_down(const struct seccomp_policy *pol, bool *on)
{
	scmp_filter_ctx ctx;
	int ret;

	*on = false;
	/*
	 * 2: the seccomp() call with TSYNC. Less is a kernel without
	 * CONFIG_SECCOMP_FILTER (or qemu-user): say so, run on.
	 */
	if (seccomp_api_get() < 2) {
		pr_warn("seccomp: this kernel cannot filter system calls; "
			"running without the allow-list");
		return 0;
	}
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return err_set(-ENOMEM, "seccomp: cannot build the filter");
	/* Another arch's numbers mean other calls: refuse them all. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	/* Every thread, should set-up ever start one before this. */
	ret = ret ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* The kernel's own errno from seccomp_load(), not libseccomp's. */
	ret = ret ?: seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	ret = ret ?: add_rules(ctx, pol);
	if (ret) {
		seccomp_release(ctx);
		return err_set(ret, "seccomp: cannot build the filter: %s",
			       strerror(-ret));
	}
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (!ret) {
		*on = true;
		return 0;
	}
	return err_set(ret, "seccomp: cannot install the filter: %s "
		       "(--no-seccomp runs without it)", strerror(-ret));
}
